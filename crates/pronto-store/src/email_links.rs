//! Email beyond the email channel's own conversations: a chat contact's
//! conversation on an email channel ("Move to email", issue 15), and the links
//! from the Message-IDs an email channel sent for another channel's conversation
//! (a web chat reply to a visitor who left, issue 14) back to that conversation
//! (`email_links`), by which the answer finds its way home.

use sqlx::Row;

use crate::inbox::contact_conversation;
use crate::live_event::{LiveEvent, MessageStatus};
use crate::messages::message_in;
use crate::model::{Message, Micros};
use crate::whatsapp::status_moves;
use crate::{Result, Store, StoreError};

/// Where a mail that names a linked Message-ID belongs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EmailLink {
    /// The conversation (of another channel) the mail was sent for.
    pub conversation_id: i64,
    /// That conversation's channel.
    pub channel_id: i64,
    /// The message the mail carried.
    pub message_id: i64,
    /// The address it was sent to: only mail from it goes back there.
    pub address: String,
}

impl Store {
    /// The conversation of contact `contact_id` on email channel `channel_id` that
    /// chats move to (outside the threads their own mail opens: thread key ''),
    /// created if needed, and the address it writes to. A contact that already
    /// has an address on the channel (they wrote from it) keeps it; otherwise
    /// `address` becomes theirs there. An address that is another contact's on
    /// the channel is refused ([`StoreError::Conflict`]): the two are merged first.
    pub async fn email_conversation(
        &self,
        workspace_id: i64,
        channel_id: i64,
        contact_id: i64,
        address: &str,
        now: Micros,
    ) -> Result<(i64, String)> {
        let address = address.trim().to_ascii_lowercase();
        let mut tx = self.write_tx().await?;
        let owner: Option<i64> = sqlx::query_scalar(
            "SELECT i.contact_id FROM contact_identities i
             JOIN channels ch ON ch.id = i.channel_id AND ch.workspace_id = $3
             WHERE i.channel_id = $1 AND i.external_id = $2",
        )
        .bind(channel_id)
        .bind(&address)
        .bind(workspace_id)
        .fetch_optional(&mut *tx)
        .await?;
        let mine: Option<String> = sqlx::query_scalar(
            "SELECT external_id FROM contact_identities
             WHERE channel_id = $1 AND contact_id = $2 ORDER BY external_id LIMIT 1",
        )
        .bind(channel_id)
        .bind(contact_id)
        .fetch_optional(&mut *tx)
        .await?;
        let address = match (mine, owner) {
            (Some(mine), _) => mine,
            (None, Some(other)) if other != contact_id => {
                return Err(StoreError::Conflict(format!(
                    "{address} is another contact's address on this email channel; merge the two contacts first"
                )));
            }
            (None, _) => {
                sqlx::query(
                    "INSERT INTO contact_identities (contact_id, channel_id, external_id)
                     SELECT k.id, $2, $3 FROM contacts k WHERE k.id = $1 AND k.workspace_id = $4",
                )
                .bind(contact_id)
                .bind(channel_id)
                .bind(&address)
                .bind(workspace_id)
                .execute(&mut *tx)
                .await?;
                address
            }
        };
        let conversation =
            contact_conversation(&mut tx, workspace_id, channel_id, contact_id, now).await?;
        tx.commit().await?;
        Ok((conversation, address))
    }

    /// Records that email channel `channel_id` sent message `message_id` of
    /// conversation `conversation_id` (another channel's) to `address` as
    /// `rfc_id` (the same id again changes nothing).
    pub async fn link_email(
        &self,
        channel_id: i64,
        rfc_id: &str,
        conversation_id: i64,
        message_id: i64,
        address: &str,
        now: Micros,
    ) -> Result<()> {
        let mut tx = self.write_tx().await?;
        sqlx::query(
            "INSERT INTO email_links (channel_id, rfc_id, conversation_id, message_id, address, created_at)
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (channel_id, rfc_id) DO NOTHING",
        )
        .bind(channel_id)
        .bind(rfc_id)
        .bind(conversation_id)
        .bind(message_id)
        .bind(address.trim().to_ascii_lowercase())
        .bind(now)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// The conversation one of the Message-IDs `ids` was sent for by email
    /// channel `channel_id` (the latest id first, as a reply names its parent
    /// last), if any.
    pub async fn email_link(&self, channel_id: i64, ids: &[String]) -> Result<Option<EmailLink>> {
        for id in ids.iter().rev() {
            let row = sqlx::query(
                "SELECT l.conversation_id, c.channel_id, l.message_id, l.address
                 FROM email_links l JOIN conversations c ON c.id = l.conversation_id
                 WHERE l.channel_id = $1 AND l.rfc_id = $2",
            )
            .bind(channel_id)
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
            if let Some(r) = row {
                return Ok(Some(EmailLink {
                    conversation_id: r.try_get("conversation_id")?,
                    channel_id: r.try_get("channel_id")?,
                    message_id: r.try_get("message_id")?,
                    address: r.try_get("address")?,
                }));
            }
        }
        Ok(None)
    }

    /// Marks failed, with `reason`, the message that email channel `channel_id`
    /// mailed as `rfc_id` for another channel's conversation (its copy bounced),
    /// publishing `message.status`; the message when its status moved (a message
    /// moves to failed from queued or sent only, as a platform's report).
    pub async fn fail_linked_email(
        &self,
        channel_id: i64,
        rfc_id: &str,
        reason: &str,
        now: Micros,
    ) -> Result<Option<Message>> {
        let mut tx = self.write_tx().await?;
        let row = sqlx::query(
            "SELECT m.id, m.status, m.workspace_id FROM email_links l
             JOIN messages m ON m.id = l.message_id
             WHERE l.channel_id = $1 AND l.rfc_id = $2",
        )
        .bind(channel_id)
        .bind(rfc_id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = row else { return Ok(None) };
        if !status_moves(&row.try_get::<String, _>("status")?, "failed") {
            return Ok(None);
        }
        let id: i64 = row.try_get("id")?;
        sqlx::query("UPDATE messages SET status = 'failed', error = $1 WHERE id = $2")
            .bind(reason)
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let message = message_in(&mut tx, id).await?;
        let event = LiveEvent::MessageStatus(MessageStatus::Message {
            conversation_id: message.conversation_id,
            message_id: message.id,
            status: message.status.clone(),
            error: message.error.clone(),
        });
        tx.emit(row.try_get("workspace_id")?, &event, now);
        tx.commit().await?;
        Ok(Some(message))
    }

    /// The Message-IDs email channel `channel_id` sent for conversation
    /// `conversation_id`, oldest first (by their messages): the next mail's References (and its
    /// In-Reply-To the latest), so the customer's mail program keeps one thread.
    pub async fn email_thread_of(
        &self,
        channel_id: i64,
        conversation_id: i64,
    ) -> Result<Vec<String>> {
        let sent: Vec<String> = sqlx::query_scalar(
            "SELECT rfc_id FROM email_links WHERE channel_id = $1 AND conversation_id = $2
             ORDER BY message_id",
        )
        .bind(channel_id)
        .bind(conversation_id)
        .fetch_all(self.pool())
        .await?;
        Ok(sent)
    }
}
