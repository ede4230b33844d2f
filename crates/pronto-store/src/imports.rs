//! A history import's progress: the conversations already imported and the cursor
//! after the last page done, so that `--resume` skips what is stored.

use std::collections::HashSet;

use sqlx::Row;

use crate::group_commit::set_write;
use crate::model::{Inbound, Micros, Stored};
use crate::webhooks::PlatformReply;
use crate::{Result, Store, StoreError};

/// One message of an imported history, for [`Store::import_history`].
#[derive(Clone, Debug)]
pub enum HistoryItem {
    /// The customer's message, stored as received.
    Customer(Inbound),
    /// The business's message, stored as a reply; `contact_name` names the
    /// customer if the conversation has to be opened for it.
    Business {
        /// The message.
        reply: PlatformReply,
        /// The customer's name, for a contact made here.
        contact_name: Option<String>,
    },
}

impl HistoryItem {
    fn channel_id(&self) -> i64 {
        match self {
            HistoryItem::Customer(m) => m.channel_id,
            HistoryItem::Business { reply, .. } => reply.channel_id,
        }
    }
}

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

    /// Stores an imported history's messages in the order given, in one
    /// transaction with a few set-based statements (`group_commit::set_write`; one
    /// block of `message.created` events, one commit), each once per platform id: a message already stored comes back with `created: false`. A
    /// business message that comes first opens its conversation. One result per
    /// item, in order. If the batch fails (another writer stored one of its messages
    /// meanwhile), each item is written again in a transaction of its own.
    pub async fn import_history(
        &self,
        workspace_id: i64,
        items: &[HistoryItem],
        now: Micros,
    ) -> Result<Vec<Stored>> {
        let mut channels: Vec<i64> = items.iter().map(HistoryItem::channel_id).collect();
        channels.sort_unstable();
        channels.dedup();
        for channel in channels {
            self.channel(workspace_id, channel).await?;
        }
        match self.write_history(workspace_id, items, now).await {
            Err(e) if items.len() > 1 => {
                tracing::debug!(
                    "an import batch of {} failed ({e}); one by one",
                    items.len()
                );
                let mut stored = Vec::with_capacity(items.len());
                for item in items {
                    stored.push(self.write_history_item(workspace_id, item, now).await?);
                }
                Ok(stored)
            }
            other => other,
        }
    }

    async fn write_history(
        &self,
        workspace_id: i64,
        items: &[HistoryItem],
        now: Micros,
    ) -> Result<Vec<Stored>> {
        let mut tx = self.write_tx().await?;
        let batch: Vec<set_write::Item> = items
            .iter()
            .map(|item| {
                let new = match item {
                    HistoryItem::Customer(inbound) => set_write::New::Customer(inbound, ""),
                    HistoryItem::Business {
                        reply,
                        contact_name,
                    } => set_write::New::Business {
                        reply,
                        contact_name: contact_name.as_deref(),
                    },
                };
                (workspace_id, new, now)
            })
            .collect();
        let stored = set_write::write_batch(&mut tx, &batch).await?;
        tx.commit().await?;
        Ok(stored)
    }

    /// One item on its own; a unique violation means another writer stored it
    /// between the lookup and the insert, and the next try finds it.
    async fn write_history_item(
        &self,
        workspace_id: i64,
        item: &HistoryItem,
        now: Micros,
    ) -> Result<Stored> {
        let mut last = None;
        for _ in 0..3 {
            match self
                .write_history(workspace_id, std::slice::from_ref(item), now)
                .await
            {
                Err(StoreError::Database(sqlx::Error::Database(db)))
                    if db.is_unique_violation() =>
                {
                    last = Some(db.to_string());
                }
                other => return other.map(|mut v| v.remove(0)),
            }
        }
        Err(StoreError::Conflict(format!(
            "the message could not be stored; try again ({})",
            last.unwrap_or_default()
        )))
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
