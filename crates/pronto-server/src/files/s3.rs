//! The file store on S3-compatible storage (AWS S3, MinIO, Ceph, Garage, R2…), for
//! several nodes that share no folder. Requests are signed with AWS Signature V4
//! (`rusty-s3` signs; our HTTP client sends): a signed URL per request, valid a
//! minute. Objects are named as the local folder names files, `<2 hex>/<key>`.
//!
//! Errors say what the storage answered (its status and error code), never the
//! signed URL, which carries the access key's id and a signature.

use std::io;
use std::time::Duration;

use futures_util::future::BoxFuture;
use rusty_s3::{Bucket, Credentials, S3Action, UrlStyle};

use super::{FileStore, valid};

/// How long a signed request stays valid.
const SIGNED_FOR: Duration = Duration::from_secs(60);

/// Where and as whom: the `s3_*` settings.
#[derive(Clone, Debug)]
pub struct S3Settings {
    /// The storage's address, e.g. `https://s3.eu-west-1.amazonaws.com` or
    /// `http://minio.internal:9000`.
    pub endpoint: String,
    /// The bucket (it must exist).
    pub bucket: String,
    /// The region (`us-east-1` for most S3-compatible servers).
    pub region: String,
    /// The access key's id.
    pub access_key: String,
    /// The secret access key.
    pub secret_key: String,
}

/// Files in an S3 bucket.
pub struct S3 {
    bucket: Bucket,
    credentials: Credentials,
    http: reqwest::Client,
}

impl S3 {
    /// The store over `settings`; an error names the setting that is wrong.
    pub fn new(settings: &S3Settings) -> Result<S3, String> {
        // Files up to 100 MB (WhatsApp documents) go through: a longer timeout
        // than the platforms' calls.
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(300))
            .connect_timeout(Duration::from_secs(10))
            .build()
            .map_err(|e| format!("an HTTP client for S3: {e}"))?;
        let endpoint = settings
            .endpoint
            .parse()
            .map_err(|e| format!("s3_endpoint {:?} is not a URL: {e}", settings.endpoint))?;
        // Path style (`endpoint/bucket/key`) works on every S3-compatible server.
        let bucket = Bucket::new(
            endpoint,
            UrlStyle::Path,
            settings.bucket.clone(),
            settings.region.clone(),
        )
        .map_err(|e| format!("s3_endpoint and s3_bucket do not make a bucket's address: {e}"))?;
        Ok(S3 {
            bucket,
            credentials: Credentials::new(settings.access_key.clone(), settings.secret_key.clone()),
            http,
        })
    }

    fn object(key: &str) -> io::Result<String> {
        if !valid(key) {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "a file key is 64 lowercase hex digits",
            ));
        }
        Ok(format!("{}/{key}", &key[..2]))
    }
}

/// An error for the storage's answer `status` with body `body` (its XML error code
/// is kept, the rest dropped).
fn refused(what: &str, status: reqwest::StatusCode, body: &str) -> io::Error {
    let code = body
        .split_once("<Code>")
        .and_then(|(_, rest)| rest.split_once("</Code>"))
        .map(|(code, _)| code.chars().take(64).collect::<String>())
        .unwrap_or_default();
    io::Error::other(
        format!("S3 {what} answered {status} {code}")
            .trim_end()
            .to_owned(),
    )
}

fn unreachable(what: &str, e: reqwest::Error) -> io::Error {
    // Without the URL: it is signed.
    io::Error::other(format!("S3 {what} failed: {}", e.without_url()))
}

impl FileStore for S3 {
    fn put<'a>(&'a self, key: &'a str, bytes: &'a [u8]) -> BoxFuture<'a, io::Result<()>> {
        Box::pin(async move {
            let url = self
                .bucket
                .put_object(Some(&self.credentials), &Self::object(key)?)
                .sign(SIGNED_FOR);
            let r = self
                .http
                .put(url)
                .body(bytes.to_vec())
                .send()
                .await
                .map_err(|e| unreachable("PUT", e))?;
            let status = r.status();
            if status.is_success() {
                return Ok(());
            }
            let body = r.text().await.unwrap_or_default();
            Err(refused("PUT", status, &body))
        })
    }

    fn get<'a>(&'a self, key: &'a str) -> BoxFuture<'a, io::Result<Option<Vec<u8>>>> {
        Box::pin(async move {
            let url = self
                .bucket
                .get_object(Some(&self.credentials), &Self::object(key)?)
                .sign(SIGNED_FOR);
            let r = self
                .http
                .get(url)
                .send()
                .await
                .map_err(|e| unreachable("GET", e))?;
            let status = r.status();
            if status == reqwest::StatusCode::NOT_FOUND {
                return Ok(None);
            }
            if !status.is_success() {
                let body = r.text().await.unwrap_or_default();
                return Err(refused("GET", status, &body));
            }
            let bytes = r.bytes().await.map_err(|e| unreachable("GET", e))?;
            Ok(Some(bytes.to_vec()))
        })
    }
}
