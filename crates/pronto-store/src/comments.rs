//! Comments on a channel's posts, and the one private reply each may get.
//!
//! The commenter is a contact of the channel like any other; the private reply is a
//! message in the commenter's conversation, delivered through the outbox with the
//! comment's id, so it is retried, deduplicated and shown like every other reply.

use serde_json::json;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::inbox::{contact_conversation, idle_key};
use crate::live_event::LiveEvent;
use crate::messages::{commit_created, contact_for, insert_reply};
use crate::model::{Comment, InboundComment, Micros, Outbound, Stored};
use crate::{Result, Store, StoreError};

const COMMENT_COLUMNS: &str =
    "m.id, m.channel_id, m.contact_id, c.name AS contact_name, m.external_id, m.post_id,
     m.parent_id, m.text, m.at, m.deleted_at, m.reply_message_id";

fn comment(row: &AnyRow) -> Result<Comment> {
    Ok(Comment {
        id: row.try_get("id")?,
        channel_id: row.try_get("channel_id")?,
        contact_id: row.try_get("contact_id")?,
        contact_name: row.try_get("contact_name")?,
        external_id: row.try_get("external_id")?,
        post_id: row.try_get("post_id")?,
        parent_id: row.try_get("parent_id")?,
        text: row.try_get("text")?,
        at: row.try_get("at")?,
        deleted_at: row.try_get("deleted_at")?,
        reply_message_id: row.try_get("reply_message_id")?,
    })
}

/// The attachment that marks a reply as the private reply to a comment.
pub fn private_reply_marker(comment_external_id: &str) -> serde_json::Value {
    json!({"type": "private_reply", "comment_id": comment_external_id})
}

impl Store {
    /// Stores a comment (the same comment twice is stored once) and publishes
    /// `comment.created`. A comment opens the commenter's messaging window.
    pub async fn receive_comment(
        &self,
        workspace_id: i64,
        inbound: &InboundComment,
        now: Micros,
    ) -> Result<(Comment, bool)> {
        self.channel(workspace_id, inbound.channel_id).await?;
        if let Some(existing) = self
            .comment_by_external(inbound.channel_id, &inbound.external_id)
            .await?
        {
            return Ok((existing, false));
        }
        let mut tx = self.write_tx().await?;
        let contact = contact_for(
            &mut tx,
            workspace_id,
            inbound.channel_id,
            &inbound.contact_external_id,
            inbound.contact_name.as_deref(),
            now,
        )
        .await?;
        let inserted = sqlx::query_scalar::<_, i64>(
            "INSERT INTO comments (workspace_id, channel_id, contact_id, external_id, post_id, parent_id,
                                   text, at, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        )
        .bind(workspace_id)
        .bind(inbound.channel_id)
        .bind(contact)
        .bind(&inbound.external_id)
        .bind(inbound.post_id.as_deref())
        .bind(inbound.parent_id.as_deref())
        .bind(&inbound.text)
        .bind(inbound.at)
        .bind(now)
        .fetch_one(&mut *tx)
        .await;
        match inserted {
            Ok(_) => {}
            // Two deliveries raced: the other one stored it.
            Err(sqlx::Error::Database(db)) if db.is_unique_violation() => {
                drop(tx);
                let existing = self
                    .comment_by_external(inbound.channel_id, &inbound.external_id)
                    .await?
                    .ok_or(StoreError::NotFound("comment"))?;
                return Ok((existing, false));
            }
            Err(e) => return Err(e.into()),
        }
        sqlx::query(
            "UPDATE conversations SET last_action_at = $1
             WHERE channel_id = $2 AND contact_id = $3
               AND (last_action_at IS NULL OR last_action_at < $1)",
        )
        .bind(inbound.at)
        .bind(inbound.channel_id)
        .bind(contact)
        .execute(&mut *tx)
        .await?;
        let row = sqlx::query(&format!(
            "SELECT {COMMENT_COLUMNS} FROM comments m JOIN contacts c ON c.id = m.contact_id
             WHERE m.channel_id = $1 AND m.external_id = $2"
        ))
        .bind(inbound.channel_id)
        .bind(&inbound.external_id)
        .fetch_one(&mut *tx)
        .await?;
        let stored = comment(&row)?;
        let event = LiveEvent::CommentCreated {
            comment: stored.clone(),
        };
        tx.emit(workspace_id, &event, now);
        tx.commit().await?;
        Ok((stored, true))
    }

    /// Marks a comment removed by its author; returns false if it is not stored.
    pub async fn remove_comment(
        &self,
        workspace_id: i64,
        channel_id: i64,
        external_id: &str,
        at: Micros,
        now: Micros,
    ) -> Result<bool> {
        let mut tx = self.write_tx().await?;
        let changed = sqlx::query(
            "UPDATE comments SET deleted_at = $1
             WHERE channel_id = $2 AND external_id = $3 AND workspace_id = $4 AND deleted_at IS NULL",
        )
        .bind(at)
        .bind(channel_id)
        .bind(external_id)
        .bind(workspace_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed > 0 {
            let event = LiveEvent::CommentRemoved {
                channel_id,
                external_id: external_id.to_owned(),
                deleted_at: at,
            };
            tx.emit(workspace_id, &event, now);
        }
        tx.commit().await?;
        Ok(changed > 0)
    }

    /// The workspace's comments, newest first, optionally of one channel and only
    /// those without a private reply.
    pub async fn comments(
        &self,
        workspace_id: i64,
        channel_id: Option<i64>,
        unanswered: bool,
        limit: i64,
    ) -> Result<Vec<Comment>> {
        let rows = sqlx::query(&format!(
            "SELECT {COMMENT_COLUMNS} FROM comments m JOIN contacts c ON c.id = m.contact_id
             WHERE m.workspace_id = $1 AND ($2 = 0 OR m.channel_id = $2)
               AND ($3 = 0 OR (m.reply_message_id IS NULL AND m.deleted_at IS NULL))
             ORDER BY m.at DESC, m.id DESC LIMIT $4"
        ))
        .bind(workspace_id)
        .bind(channel_id.unwrap_or(0))
        .bind(i64::from(unanswered))
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(comment).collect()
    }

    /// One comment of the workspace.
    pub async fn comment(&self, workspace_id: i64, id: i64) -> Result<Comment> {
        let row = sqlx::query(&format!(
            "SELECT {COMMENT_COLUMNS} FROM comments m JOIN contacts c ON c.id = m.contact_id
             WHERE m.id = $1 AND m.workspace_id = $2"
        ))
        .bind(id)
        .bind(workspace_id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound("comment"))?;
        comment(&row)
    }

    async fn comment_by_external(
        &self,
        channel_id: i64,
        external_id: &str,
    ) -> Result<Option<Comment>> {
        let row = sqlx::query(&format!(
            "SELECT {COMMENT_COLUMNS} FROM comments m JOIN contacts c ON c.id = m.contact_id
             WHERE m.channel_id = $1 AND m.external_id = $2"
        ))
        .bind(channel_id)
        .bind(external_id)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(comment).transpose()
    }

    /// Writes the private reply to a comment: a message in the commenter's
    /// conversation (created if needed), queued in the outbox, and publishes
    /// `message.created`. A comment gets one private reply: a second is refused
    /// with [`StoreError::Conflict`], even when two are written at once. The policy
    /// (seven days) is the caller's to check.
    pub async fn private_reply(
        &self,
        workspace_id: i64,
        comment_id: i64,
        mut out: Outbound,
        now: Micros,
    ) -> Result<Stored> {
        let target = self.comment(workspace_id, comment_id).await?;
        if target.reply_message_id.is_some() {
            return Err(StoreError::Conflict(
                "this comment already has its private reply".into(),
            ));
        }
        out.attachments = serde_json::Value::Array(vec![private_reply_marker(&target.external_id)]);
        let mut tx = self.write_tx().await?;
        // Lock the comment first: a second writer waits here, then finds it answered.
        let free = sqlx::query(
            "UPDATE comments SET reply_message_id = NULL WHERE id = $1 AND reply_message_id IS NULL",
        )
        .bind(comment_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if free == 0 {
            return Err(StoreError::Conflict(
                "this comment already has its private reply".into(),
            ));
        }
        // The customer may be writing at this moment too: one conversation either way.
        let conversation = contact_conversation(
            &mut tx,
            workspace_id,
            target.channel_id,
            target.contact_id,
            now,
        )
        .await?;
        out.conversation_id = conversation;
        let id = insert_reply(
            &mut tx,
            workspace_id,
            target.channel_id,
            conversation,
            &out,
            now,
        )
        .await?;
        let claimed = sqlx::query(
            "UPDATE comments SET reply_message_id = $1 WHERE id = $2 AND reply_message_id IS NULL",
        )
        .bind(id)
        .bind(comment_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if claimed == 0 {
            return Err(StoreError::Conflict(
                "this comment already has its private reply".into(),
            ));
        }
        sqlx::query(&format!(
            "UPDATE conversations SET last_message_at = $1,
                 list_key = CASE WHEN waiting_since IS NULL OR folder <> 'inbox' THEN $2 - {} ELSE list_key END
             WHERE id = $3",
            crate::inbox::PRIORITY_SHIFT
        ))
        .bind(now)
        .bind(idle_key(Some(now)))
        .bind(conversation)
        .execute(&mut *tx)
        .await?;
        commit_created(tx, workspace_id, conversation, id, now).await
    }

    /// The comment a private reply answers, by the reply's message id.
    pub async fn comment_of_reply(&self, message_id: i64) -> Result<Option<Comment>> {
        let row = sqlx::query(&format!(
            "SELECT {COMMENT_COLUMNS} FROM comments m JOIN contacts c ON c.id = m.contact_id
             WHERE m.reply_message_id = $1"
        ))
        .bind(message_id)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(comment).transpose()
    }
}
