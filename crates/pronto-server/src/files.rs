//! Pronto's file store: the bytes of files customers send (and, later, agents
//! upload), kept outside the database under a content-addressed key (the SHA-256 of
//! the bytes, in hex), so the same file is kept once and a key never names two
//! contents. The database keeps the key with the file's workspace, type and name;
//! whoever may see a file is decided there, never here.
//!
//! Two implementations: a local folder (`files_dir`, by default `files` in the
//! data directory), and an S3-compatible bucket (`s3_bucket` and the other `s3_*`
//! settings; [`s3`]) for several nodes that share no folder.

use std::io;
use std::path::PathBuf;

use futures_util::future::BoxFuture;
use sha2::{Digest, Sha256};

pub mod s3;

/// Where file bytes live.
pub trait FileStore: Send + Sync {
    /// Keeps `bytes` under `key` (writing the same key again is harmless: the key
    /// is the content's hash).
    fn put<'a>(&'a self, key: &'a str, bytes: &'a [u8]) -> BoxFuture<'a, io::Result<()>>;
    /// The bytes under `key`, or `None` when there are none.
    fn get<'a>(&'a self, key: &'a str) -> BoxFuture<'a, io::Result<Option<Vec<u8>>>>;
}

/// The key of `bytes`: their SHA-256, in lowercase hex.
pub fn key_of(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Whether `key` is one [`key_of`] makes (so it can never name a path elsewhere).
fn valid(key: &str) -> bool {
    key.len() == 64 && key.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// Files in a local folder: `<root>/<2 hex>/<key>`, written to a temporary name and
/// renamed, so a reader never sees half a file.
pub struct LocalDir {
    root: PathBuf,
}

impl LocalDir {
    /// The store in `root` (made when the first file is written).
    pub fn new(root: PathBuf) -> LocalDir {
        LocalDir { root }
    }

    fn path(&self, key: &str) -> io::Result<PathBuf> {
        if !valid(key) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "a file key is 64 lowercase hex digits",
            ));
        }
        Ok(self.root.join(&key[..2]).join(key))
    }
}

impl FileStore for LocalDir {
    fn put<'a>(&'a self, key: &'a str, bytes: &'a [u8]) -> BoxFuture<'a, io::Result<()>> {
        Box::pin(async move {
            let path = self.path(key)?;
            if tokio::fs::try_exists(&path).await? {
                return Ok(());
            }
            let dir = path.parent().unwrap_or(&self.root);
            tokio::fs::create_dir_all(dir).await?;
            let temp = dir.join(format!(".{key}.{}", crate::auth::random_token(6)));
            tokio::fs::write(&temp, bytes).await?;
            let renamed = tokio::fs::rename(&temp, &path).await;
            if renamed.is_err() {
                let _ = tokio::fs::remove_file(&temp).await;
            }
            renamed
        })
    }

    fn get<'a>(&'a self, key: &'a str) -> BoxFuture<'a, io::Result<Option<Vec<u8>>>> {
        Box::pin(async move {
            match tokio::fs::read(self.path(key)?).await {
                Ok(bytes) => Ok(Some(bytes)),
                Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
                Err(e) => Err(e),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_local_folder_keeps_files_by_their_hash_and_refuses_other_keys() {
        let dir = tempfile::tempdir().unwrap();
        let store = LocalDir::new(dir.path().join("files"));
        let key = key_of(b"hello");
        assert_eq!(store.get(&key).await.unwrap(), None);
        store.put(&key, b"hello").await.unwrap();
        store.put(&key, b"hello").await.unwrap();
        assert_eq!(
            store.get(&key).await.unwrap().as_deref(),
            Some(&b"hello"[..])
        );
        assert!(store.get("../secret.key").await.is_err());
        assert!(store.put("ab/../../x", b"x").await.is_err());
    }
}
