//! A history import's progress: the conversations already imported and the cursor
//! after the last page done, so that `--resume` skips what is stored.

use std::collections::HashSet;

use sqlx::Row;

use crate::messages::find_or_open;
use crate::model::Micros;
use crate::{Result, Store};

/// Where an interrupted import stopped.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportProgress {
    /// The cursor after the last page of conversations fully imported.
    pub after: Option<String>,
    /// Meta's ids of the conversations fully imported.
    pub done: HashSet<String>,
}

impl Store {
    /// The channel's import progress (empty when none was kept).
    pub async fn import_progress(
        &self,
        workspace_id: i64,
        channel_id: i64,
    ) -> Result<ImportProgress> {
        self.channel(workspace_id, channel_id).await?;
        let after = sqlx::query("SELECT after_cursor FROM import_progress WHERE channel_id = $1")
            .bind(channel_id)
            .fetch_optional(&self.pool)
            .await?
            .map(|r| r.try_get::<Option<String>, _>("after_cursor"))
            .transpose()?
            .flatten();
        let done = sqlx::query_scalar("SELECT conversation FROM import_done WHERE channel_id = $1")
            .bind(channel_id)
            .fetch_all(&self.pool)
            .await?
            .into_iter()
            .collect();
        Ok(ImportProgress { after, done })
    }

    /// Records a conversation as fully imported.
    pub async fn import_conversation_done(
        &self,
        workspace_id: i64,
        channel_id: i64,
        conversation: &str,
    ) -> Result<()> {
        self.channel(workspace_id, channel_id).await?;
        sqlx::query(
            "INSERT INTO import_done (channel_id, conversation) VALUES ($1, $2)
             ON CONFLICT (channel_id, conversation) DO NOTHING",
        )
        .bind(channel_id)
        .bind(conversation)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Records the cursor after the last page of conversations fully imported.
    pub async fn import_page_done(
        &self,
        workspace_id: i64,
        channel_id: i64,
        after: Option<&str>,
        now: Micros,
    ) -> Result<()> {
        self.channel(workspace_id, channel_id).await?;
        sqlx::query(
            "INSERT INTO import_progress (channel_id, after_cursor, updated_at) VALUES ($1, $2, $3)
             ON CONFLICT (channel_id) DO UPDATE SET after_cursor = $2, updated_at = $3",
        )
        .bind(channel_id)
        .bind(after)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The conversation with a customer, opened without a message when missing: an
    /// imported history can begin with the business's message, which
    /// `record_platform_reply` only stores in an existing conversation.
    pub async fn open_conversation(
        &self,
        workspace_id: i64,
        channel_id: i64,
        contact_external_id: &str,
        contact_name: Option<&str>,
        at: Micros,
        now: Micros,
    ) -> Result<i64> {
        self.channel(workspace_id, channel_id).await?;
        let mut tx = self.write_tx().await?;
        let (id, ..) = find_or_open(
            &mut tx,
            workspace_id,
            channel_id,
            contact_external_id,
            contact_name,
            at,
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(id)
    }

    /// Forgets the channel's import progress (a finished import, or a fresh start).
    pub async fn import_forget(&self, workspace_id: i64, channel_id: i64) -> Result<()> {
        self.channel(workspace_id, channel_id).await?;
        let mut tx = self.write_tx().await?;
        for table in ["import_progress", "import_done"] {
            sqlx::query(&format!("DELETE FROM {table} WHERE channel_id = $1"))
                .bind(channel_id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }
}
