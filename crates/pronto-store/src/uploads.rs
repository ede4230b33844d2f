//! Files agents attach to replies (the bytes are in the server's file store, by
//! key) and the platforms' reusable ids of them, one per channel and content.

use sqlx::Row;

use crate::model::Micros;
use crate::{Result, Store};

/// A file an agent uploaded.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Upload {
    /// Its id, which a reply's attachment names (`upload_id`).
    pub id: i64,
    /// The channel it was checked for.
    pub channel_id: i64,
    /// Its key in the file store.
    #[serde(skip)]
    pub storage_key: String,
    /// image, video, audio or file.
    #[serde(rename = "type")]
    pub kind: String,
    /// Its MIME type.
    pub mime_type: String,
    /// Its file name.
    pub name: String,
    /// Its size in bytes.
    pub size: i64,
}

impl Store {
    /// Records an upload whose bytes are in the file store under `storage_key`.
    #[allow(clippy::too_many_arguments)]
    pub async fn create_upload(
        &self,
        workspace_id: i64,
        channel_id: i64,
        user_id: Option<i64>,
        storage_key: &str,
        kind: &str,
        mime_type: &str,
        name: &str,
        size: i64,
        now: Micros,
    ) -> Result<Upload> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO uploads (workspace_id, channel_id, user_id, storage_key, kind, mime_type,
                 filename, size, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        )
        .bind(workspace_id)
        .bind(channel_id)
        .bind(user_id)
        .bind(storage_key)
        .bind(kind)
        .bind(mime_type)
        .bind(name)
        .bind(size)
        .bind(now)
        .fetch_one(&self.pool)
        .await?;
        Ok(Upload {
            id,
            channel_id,
            storage_key: storage_key.to_owned(),
            kind: kind.to_owned(),
            mime_type: mime_type.to_owned(),
            name: name.to_owned(),
            size,
        })
    }

    /// An upload of the workspace.
    pub async fn upload(&self, workspace_id: i64, id: i64) -> Result<Option<Upload>> {
        let row = sqlx::query(
            "SELECT id, channel_id, storage_key, kind, mime_type, filename, size FROM uploads
             WHERE id = $1 AND workspace_id = $2",
        )
        .bind(id)
        .bind(workspace_id)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        Ok(Some(Upload {
            id: row.try_get("id")?,
            channel_id: row.try_get("channel_id")?,
            storage_key: row.try_get("storage_key")?,
            kind: row.try_get("kind")?,
            mime_type: row.try_get("mime_type")?,
            name: row.try_get("filename")?,
            size: row.try_get("size")?,
        }))
    }

    /// The platform's id of the content `storage_key` on `channel_id`, if it was
    /// uploaded there at or after `since`.
    pub async fn platform_attachment(
        &self,
        channel_id: i64,
        storage_key: &str,
        since: Micros,
    ) -> Result<Option<String>> {
        Ok(sqlx::query_scalar(
            "SELECT attachment_id FROM platform_attachments
             WHERE channel_id = $1 AND storage_key = $2 AND created_at >= $3",
        )
        .bind(channel_id)
        .bind(storage_key)
        .bind(since)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Keeps the platform's id of the content `storage_key` on `channel_id`.
    pub async fn keep_platform_attachment(
        &self,
        channel_id: i64,
        storage_key: &str,
        attachment_id: &str,
        now: Micros,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO platform_attachments (channel_id, storage_key, attachment_id, created_at)
             VALUES ($1, $2, $3, $4)
             ON CONFLICT (channel_id, storage_key)
             DO UPDATE SET attachment_id = excluded.attachment_id, created_at = excluded.created_at",
        )
        .bind(channel_id)
        .bind(storage_key)
        .bind(attachment_id)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}
