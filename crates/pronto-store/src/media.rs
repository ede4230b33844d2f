//! Files customers send (WhatsApp media by id, Messenger and Instagram attachments
//! by the platform's URL), copied into Pronto's own file store: queued when their
//! message is stored, claimed by the media worker with a lease, recorded with their
//! file store key and the message's attachment pointing at them (one transaction,
//! with its `message.updated` event), or failed with the reason.

use serde_json::{Value, json};
use sqlx::Row;

use crate::live_event::LiveEvent;
use crate::messages::message_in;
use crate::model::Micros;
use crate::{Result, Store};

/// A file to fetch, claimed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MediaJob {
    /// Pronto's id of the file.
    pub id: i64,
    /// Its workspace.
    pub workspace_id: i64,
    /// Its channel.
    pub channel_id: i64,
    /// The message it came with.
    pub message_id: i64,
    /// The platform's media id (for Messenger and Instagram, Pronto's name of the
    /// attachment: the message's id and the attachment's place).
    pub media_id: String,
    /// Where to download it, for platforms that give a URL instead of an id.
    pub url: Option<String>,
    /// Attempts so far, this one included.
    pub attempts: i64,
}

/// A stored file, as served to agents.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MediaFile {
    /// Its MIME type, as the platform gave it.
    pub mime_type: Option<String>,
    /// Its file name (documents).
    pub filename: Option<String>,
    /// Its key in the file store.
    pub storage_key: Option<String>,
    /// Its bytes, for files kept in the database (before the file store, and
    /// email's).
    pub bytes: Option<Vec<u8>>,
}

impl Store {
    /// Queues the file `media_id` of message `message_id` for download (from `url`
    /// when the platform gives one); a file already queued (the same webhook again)
    /// is left as it is.
    #[allow(clippy::too_many_arguments)]
    pub async fn queue_media(
        &self,
        workspace_id: i64,
        channel_id: i64,
        message_id: i64,
        media_id: &str,
        url: Option<&str>,
        mime_type: Option<&str>,
        filename: Option<&str>,
        now: Micros,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO media_files (workspace_id, channel_id, message_id, media_id, mime_type,
                 filename, state, next_attempt_at, created_at, url)
             VALUES ($1, $2, $3, $4, $5, $6, 'waiting', $7, $7, $8)
             ON CONFLICT (channel_id, media_id) DO NOTHING",
        )
        .bind(workspace_id)
        .bind(channel_id)
        .bind(message_id)
        .bind(media_id)
        .bind(mime_type)
        .bind(filename)
        .bind(now)
        .bind(url)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Claims the next file due for download for `lease` microseconds.
    pub async fn claim_media(&self, now: Micros, lease: Micros) -> Result<Option<MediaJob>> {
        let row = sqlx::query(
            "UPDATE media_files SET locked_until = $1, attempts = attempts + 1
             WHERE id = (SELECT id FROM media_files
                         WHERE state = 'waiting' AND next_attempt_at <= $2
                           AND (locked_until IS NULL OR locked_until <= $2)
                         ORDER BY next_attempt_at, id LIMIT 1)
               AND state = 'waiting' AND (locked_until IS NULL OR locked_until <= $2)
             RETURNING id, workspace_id, channel_id, message_id, media_id, url, attempts",
        )
        .bind(now + lease)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        Ok(Some(MediaJob {
            id: row.try_get("id")?,
            workspace_id: row.try_get("workspace_id")?,
            channel_id: row.try_get("channel_id")?,
            message_id: row.try_get("message_id")?,
            media_id: row.try_get("media_id")?,
            url: row.try_get("url")?,
            attempts: row.try_get("attempts")?,
        }))
    }

    /// Records a downloaded file, already in the file store under `storage_key`,
    /// and points its message's attachment at it (`file`: the API path that serves
    /// it).
    pub async fn media_stored(
        &self,
        job: &MediaJob,
        storage_key: &str,
        size: i64,
        mime_type: Option<&str>,
        now: Micros,
    ) -> Result<()> {
        let mut tx = self.write_tx().await?;
        sqlx::query(
            "UPDATE media_files SET state = 'stored', storage_key = $1, size = $2,
                 locked_until = NULL, mime_type = COALESCE($3, mime_type), error = NULL
             WHERE id = $4",
        )
        .bind(storage_key)
        .bind(size)
        .bind(mime_type)
        .bind(job.id)
        .execute(&mut *tx)
        .await?;
        let file = json!({"file": format!("/api/v1/media/{}", job.id), "size": size});
        self.mark_attachment(&mut tx, job, file, now).await?;
        tx.commit().await?;
        Ok(())
    }

    /// Records a failed attempt: tried again at `next`, or, when `next` is `None`,
    /// given up with `error` (shown on the message's attachment).
    pub async fn media_failed(
        &self,
        job: &MediaJob,
        error: &str,
        next: Option<Micros>,
        now: Micros,
    ) -> Result<()> {
        let mut tx = self.write_tx().await?;
        sqlx::query(
            "UPDATE media_files SET state = $1, error = $2, locked_until = NULL,
                 next_attempt_at = COALESCE($3, next_attempt_at)
             WHERE id = $4",
        )
        .bind(if next.is_some() { "waiting" } else { "failed" })
        .bind(error)
        .bind(next)
        .bind(job.id)
        .execute(&mut *tx)
        .await?;
        if next.is_none() {
            self.mark_attachment(&mut tx, job, json!({"error": error}), now)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn mark_attachment(
        &self,
        tx: &mut crate::events::Write,
        job: &MediaJob,
        fields: Value,
        now: Micros,
    ) -> Result<()> {
        let attachments: String =
            sqlx::query_scalar("SELECT attachments FROM messages WHERE id = $1")
                .bind(job.message_id)
                .fetch_one(&mut **tx)
                .await?;
        let mut attachments: Value = serde_json::from_str(&attachments).unwrap_or_default();
        if let Some(items) = attachments.as_array_mut() {
            for a in items.iter_mut() {
                if a["media_id"] == job.media_id.as_str()
                    && let (Some(a), Some(f)) = (a.as_object_mut(), fields.as_object())
                {
                    a.extend(f.clone());
                }
            }
        }
        sqlx::query("UPDATE messages SET attachments = $1 WHERE id = $2")
            .bind(attachments.to_string())
            .bind(job.message_id)
            .execute(&mut **tx)
            .await?;
        let message = message_in(tx, job.message_id).await?;
        let event = LiveEvent::MessageUpdated {
            conversation_id: message.conversation_id,
            message,
        };
        tx.emit(job.workspace_id, &event, now);
        Ok(())
    }

    /// A stored file of the workspace, for its agents.
    pub async fn media_file(&self, workspace_id: i64, id: i64) -> Result<Option<MediaFile>> {
        let row = sqlx::query(
            "SELECT mime_type, filename, storage_key, bytes FROM media_files
             WHERE id = $1 AND workspace_id = $2 AND state = 'stored'",
        )
        .bind(id)
        .bind(workspace_id)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        Ok(Some(MediaFile {
            mime_type: row.try_get("mime_type")?,
            filename: row.try_get("filename")?,
            storage_key: row.try_get("storage_key")?,
            bytes: row.try_get("bytes")?,
        }))
    }
}
