//! What customers do besides writing: react to, edit and delete their messages,
//! re-enter a thread from a link or an ad, and take actions that open the messaging
//! window without a message. Each change publishes an event in its own transaction.

use serde_json::{Value, json};
use sqlx::Row;

use crate::live_event::LiveEvent;
use crate::messages::message_in;
use crate::model::{Message, Micros};
use crate::{Result, Store};

/// A change to a stored message that a platform reports after the fact.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MessageChange<'a> {
    /// The customer reacted with this emoji (`Some`) or took the reaction back.
    Reaction(Option<&'a str>),
    /// The customer edited their message's text at this instant.
    Edit {
        /// The new text.
        text: &'a str,
        /// When.
        at: Micros,
    },
    /// The customer deleted their message at this instant; its content is dropped.
    Delete {
        /// When.
        at: Micros,
    },
}

impl Store {
    /// Applies `change` to the message with the platform id `external_id` on the
    /// channel and publishes `message.updated`. Edits and deletions apply only to the
    /// customer's own messages. Returns the changed message, or `None` when no such
    /// message is stored (the platform may report changes to messages older than
    /// Pronto's history).
    pub async fn change_message(
        &self,
        workspace_id: i64,
        channel_id: i64,
        external_id: &str,
        change: MessageChange<'_>,
        now: Micros,
    ) -> Result<Option<Message>> {
        let mut tx = self.write_tx().await?;
        let found = sqlx::query(
            "SELECT id, direction FROM messages WHERE channel_id = $1 AND external_id = $2 AND workspace_id = $3",
        )
        .bind(channel_id)
        .bind(external_id)
        .bind(workspace_id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = found else {
            return Ok(None);
        };
        let id: i64 = row.try_get("id")?;
        let inbound = row.try_get::<String, _>("direction")? == "in";
        let query = match change {
            MessageChange::Reaction(emoji) => {
                sqlx::query("UPDATE messages SET reaction = $1 WHERE id = $2").bind(emoji)
            }
            MessageChange::Edit { .. } | MessageChange::Delete { .. } if !inbound => {
                return Ok(None);
            }
            MessageChange::Edit { text, at } => {
                sqlx::query("UPDATE messages SET text = $1, edited_at = $2 WHERE id = $3")
                    .bind(text)
                    .bind(at)
            }
            MessageChange::Delete { at } => sqlx::query(
                "UPDATE messages SET text = '', attachments = '[]', deleted_at = $1 WHERE id = $2",
            )
            .bind(at),
        };
        query.bind(id).execute(&mut *tx).await?;
        let message = message_in(&mut tx, id).await?;
        let event = LiveEvent::MessageUpdated {
            conversation_id: message.conversation_id,
            message: message.clone(),
        };
        tx.emit(workspace_id, &event, now);
        tx.commit().await?;
        Ok(Some(message))
    }

    /// Records that the customer with `contact_external_id` did something at `at`
    /// that opens the messaging window without a stored message (a reaction, a link
    /// or ad re-entry, a comment). Returns false when the customer has no
    /// conversation on the channel.
    pub async fn customer_acted(
        &self,
        channel_id: i64,
        contact_external_id: &str,
        at: Micros,
    ) -> Result<bool> {
        let changed = sqlx::query(
            "UPDATE conversations SET last_action_at = $1
             WHERE channel_id = $2
               AND contact_id = (SELECT contact_id FROM contact_identities
                                 WHERE channel_id = $2 AND external_id = $3)
               AND (last_action_at IS NULL OR last_action_at < $1)",
        )
        .bind(at)
        .bind(channel_id)
        .bind(contact_external_id)
        .execute(&self.pool)
        .await?
        .rows_affected();
        Ok(changed > 0)
    }

    /// Sets one of the attributes of the contact with `contact_external_id` on the
    /// channel (the ad that brought them, an opt-in) and publishes `contact.updated`.
    /// Returns false when no such contact is stored.
    pub async fn set_contact_attribute(
        &self,
        workspace_id: i64,
        channel_id: i64,
        contact_external_id: &str,
        key: &str,
        value: Value,
        now: Micros,
    ) -> Result<bool> {
        let mut tx = self.write_tx().await?;
        let found = sqlx::query(
            "SELECT c.id, c.attributes FROM contacts c
             JOIN contact_identities i ON i.contact_id = c.id
             WHERE i.channel_id = $1 AND i.external_id = $2 AND c.workspace_id = $3",
        )
        .bind(channel_id)
        .bind(contact_external_id)
        .bind(workspace_id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(row) = found else {
            return Ok(false);
        };
        let id: i64 = row.try_get("id")?;
        let mut attributes: Value =
            serde_json::from_str(&row.try_get::<String, _>("attributes")?).unwrap_or_default();
        if !attributes.is_object() {
            attributes = json!({});
        }
        attributes[key] = value;
        sqlx::query("UPDATE contacts SET attributes = $1 WHERE id = $2")
            .bind(attributes.to_string())
            .bind(id)
            .execute(&mut *tx)
            .await?;
        let event = LiveEvent::ContactUpdated {
            contact_id: id,
            attributes,
        };
        tx.emit(workspace_id, &event, now);
        tx.commit().await?;
        Ok(true)
    }
}
