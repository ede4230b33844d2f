//! Meta's webhooks: bodies kept durably before the acknowledgement, claimed by a
//! worker afterwards; and what the worker records from them besides customer
//! messages (business messages seen as echoes, deliveries, reads).

use sqlx::Row;

use crate::events::Write;
use crate::inbox::idle_key;
use crate::live_event::{LiveEvent, MessageStatus};
use crate::messages::message_in;
use crate::model::{Message, MessageAuthor, Micros, Stored};
use crate::runs::{Forms, list};
use crate::{Result, Store, StoreError};

/// A webhook body waiting to be processed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WebhookBody {
    /// Its id in the inbox.
    pub id: i64,
    /// The channel whose callback URL received it.
    pub channel_id: i64,
    /// The bytes as received.
    pub body: Vec<u8>,
    /// Claims of this body so far, this one included.
    pub attempts: i64,
}

/// A body that could not be processed.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct DeadLetter {
    /// Its id.
    pub id: i64,
    /// The channel.
    pub channel_id: i64,
    /// When it arrived.
    pub received_at: i64,
    /// Why it could not be processed.
    pub error: String,
    /// The body, as text (invalid UTF-8 replaced).
    pub body: String,
}

/// A business message seen on the platform (an echo) that Pronto did not send.
#[derive(Clone, Debug)]
pub struct PlatformReply {
    /// The channel.
    pub channel_id: i64,
    /// The customer's id on the channel.
    pub contact_external_id: String,
    /// The platform's message id.
    pub external_id: String,
    /// Who wrote it.
    pub author: MessageAuthor,
    /// Its text.
    pub text: String,
    /// When it was sent.
    pub at: Micros,
}

impl Store {
    /// Claims the oldest unprocessed body for `lease` microseconds, counting the
    /// attempt (see [`Store::claim_webhooks`]).
    pub async fn claim_webhook(&self, now: Micros, lease: Micros) -> Result<Option<WebhookBody>> {
        Ok(self.claim_webhooks(now, lease, 1).await?.into_iter().next())
    }

    /// Claims up to `limit` unprocessed bodies of one channel, oldest first, for
    /// `lease` microseconds, counting an attempt at each: the channel of the oldest
    /// body that no other worker holds. While a worker holds bodies of a channel, no
    /// other claims that channel's, so each conversation's events are applied in
    /// arrival order across nodes. A body waiting for its next attempt
    /// ([`Store::retry_webhook`]) is passed over until then, without holding back
    /// the bodies after it. Reads first, and takes the write lock only when there is
    /// something to claim.
    pub async fn claim_webhooks(
        &self,
        now: Micros,
        lease: Micros,
        limit: i64,
    ) -> Result<Vec<WebhookBody>> {
        const CLAIMABLE: &str =
            "processed_at IS NULL AND (locked_until IS NULL OR locked_until <= $1)
                                 AND (claimed_until IS NULL OR claimed_until <= $1)";
        let channel: Option<i64> = sqlx::query_scalar(&format!(
            "SELECT channel_id FROM webhook_inbox WHERE {CLAIMABLE}
               AND channel_id NOT IN (SELECT channel_id FROM webhook_inbox
                                      WHERE processed_at IS NULL AND claimed_until > $1)
             ORDER BY id LIMIT 1"
        ))
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        let Some(channel) = channel else {
            return Ok(Vec::new());
        };
        let mut tx = self.write_tx().await?;
        if self.backend == crate::Backend::Postgres {
            // Claimers of one channel take turns here; each then sees the other's
            // committed claim (a new snapshot per statement) and backs off.
            sqlx::query("SELECT id FROM channels WHERE id = $1 FOR UPDATE")
                .bind(channel)
                .execute(&mut *tx)
                .await?;
        }
        let rows = sqlx::query(&format!(
            "UPDATE webhook_inbox SET claimed_until = $2, attempts = attempts + 1
             WHERE id IN (SELECT id FROM webhook_inbox WHERE channel_id = $3 AND {CLAIMABLE}
                          ORDER BY id LIMIT $4)
               AND NOT EXISTS (SELECT 1 FROM webhook_inbox o WHERE o.channel_id = $3
                               AND o.processed_at IS NULL AND o.claimed_until > $1)
             RETURNING id, channel_id, body, attempts"
        ))
        .bind(now)
        .bind(now + lease)
        .bind(channel)
        .bind(limit)
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        let mut bodies = rows
            .iter()
            .map(|r| {
                Ok(WebhookBody {
                    id: r.try_get("id")?,
                    channel_id: r.try_get("channel_id")?,
                    body: r.try_get("body")?,
                    attempts: r.try_get("attempts")?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        bodies.sort_by_key(|b| b.id);
        Ok(bodies)
    }

    /// Marks a body processed; with `error`, it stays readable as a dead letter.
    pub async fn finish_webhook(&self, id: i64, now: Micros, error: Option<&str>) -> Result<()> {
        sqlx::query(
            "UPDATE webhook_inbox SET processed_at = $1, error = $2, locked_until = NULL,
                                      claimed_until = NULL WHERE id = $3",
        )
        .bind(now)
        .bind(error)
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Marks bodies processed without error, a few statements for many (`runs`).
    pub async fn finish_webhooks(&self, ids: &[i64], now: Micros) -> Result<()> {
        for chunk in crate::runs::fixed_runs(ids) {
            let mut query = sqlx::query(FINISH.get(chunk.len())).bind(now);
            for id in chunk {
                query = query.bind(*id);
            }
            query.execute(&self.pool).await?;
        }
        Ok(())
    }

    /// Leaves a body that failed for another attempt at `next_attempt_at`, with why.
    pub async fn retry_webhook(&self, id: i64, next_attempt_at: Micros, error: &str) -> Result<()> {
        sqlx::query(
            "UPDATE webhook_inbox SET locked_until = $1, claimed_until = NULL, last_error = $2
             WHERE id = $3",
        )
        .bind(next_attempt_at)
        .bind(error)
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Bodies not processed yet.
    pub async fn unprocessed_webhooks(&self) -> Result<i64> {
        Ok(
            sqlx::query_scalar("SELECT COUNT(*) FROM webhook_inbox WHERE processed_at IS NULL")
                .fetch_one(&self.pool)
                .await?,
        )
    }

    /// A channel's dead letters, newest first.
    pub async fn dead_letters(
        &self,
        workspace_id: i64,
        channel_id: i64,
        limit: i64,
    ) -> Result<Vec<DeadLetter>> {
        let rows = sqlx::query(
            "SELECT w.id, w.channel_id, w.received_at, w.error, w.body FROM webhook_inbox w
             JOIN channels c ON c.id = w.channel_id
             WHERE c.workspace_id = $1 AND w.channel_id = $2 AND w.error IS NOT NULL
             ORDER BY w.id DESC LIMIT $3",
        )
        .bind(workspace_id)
        .bind(channel_id)
        .bind(limit.clamp(1, 500))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let body: Vec<u8> = r.try_get("body")?;
                Ok(DeadLetter {
                    id: r.try_get("id")?,
                    channel_id: r.try_get("channel_id")?,
                    received_at: r.try_get("received_at")?,
                    error: r.try_get("error")?,
                    body: String::from_utf8_lossy(&body).into_owned(),
                })
            })
            .collect()
    }

    /// Gives one of Pronto's own messages its platform id (from the Send API's answer
    /// or from its echo, whichever comes first) and marks it sent. Returns false if
    /// the message is unknown on this channel.
    pub async fn attach_platform_id(
        &self,
        channel_id: i64,
        message_id: i64,
        external_id: &str,
    ) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE messages SET external_id = $1,
                    status = CASE WHEN status IN ('queued', 'failed') THEN 'sent' ELSE status END
             WHERE id = $2 AND channel_id = $3 AND direction = 'out'
               AND (external_id IS NULL OR external_id = $1)",
        )
        .bind(external_id)
        .bind(message_id)
        .bind(channel_id)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// When the message with this platform id was written, if it is stored.
    pub async fn platform_message_at(
        &self,
        channel_id: i64,
        external_id: &str,
    ) -> Result<Option<Micros>> {
        Ok(
            sqlx::query_scalar(
                "SELECT at FROM messages WHERE channel_id = $1 AND external_id = $2",
            )
            .bind(channel_id)
            .bind(external_id)
            .fetch_optional(&self.pool)
            .await?,
        )
    }

    /// Stores a business message sent outside Pronto (Meta's Page Inbox, another
    /// app), once per platform id, in the customer's existing conversation. It
    /// answers the customer when a person or a bot wrote it.
    pub async fn record_platform_reply(
        &self,
        workspace_id: i64,
        reply: &PlatformReply,
        now: Micros,
    ) -> Result<Stored> {
        self.channel(workspace_id, reply.channel_id).await?;
        let mut tx = self.write_tx().await?;
        match write_platform_reply(&mut tx, workspace_id, reply, now).await {
            Ok(stored) => {
                tx.commit().await?;
                Ok(stored)
            }
            // Two deliveries of one echo raced (two nodes): the other one won.
            Err(StoreError::Database(sqlx::Error::Database(db))) if db.is_unique_violation() => {
                drop(tx);
                let id: i64 = sqlx::query_scalar(
                    "SELECT id FROM messages WHERE channel_id = $1 AND external_id = $2",
                )
                .bind(reply.channel_id)
                .bind(&reply.external_id)
                .fetch_one(&self.pool)
                .await?;
                Ok(Stored {
                    message: self.message(workspace_id, id).await?,
                    created: false,
                    profile_pending: false,
                    detect_language_of: None,
                })
            }
            Err(e) => Err(e),
        }
    }

    /// Marks Pronto's messages to a customer up to `watermark` as `delivered` or
    /// `read` (a read implies delivered); a watermark already applied does nothing.
    /// Returns how many messages changed.
    pub async fn apply_watermark(
        &self,
        workspace_id: i64,
        channel_id: i64,
        contact_external_id: &str,
        kind: &str,
        watermark: Micros,
        now: Micros,
    ) -> Result<u64> {
        let previous: Option<i64> = sqlx::query_scalar(
            "SELECT watermark FROM webhook_watermarks WHERE channel_id = $1 AND contact = $2 AND kind = $3",
        )
        .bind(channel_id)
        .bind(contact_external_id)
        .bind(kind)
        .fetch_optional(&self.pool)
        .await?;
        if previous.is_some_and(|p| p >= watermark) {
            return Ok(0);
        }
        let statuses: &[&str] = if kind == "read" {
            &["queued", "sent", "delivered"]
        } else {
            &["queued", "sent"]
        };
        let mut tx = self.write_tx().await?;
        sqlx::query(
            "INSERT INTO webhook_watermarks (channel_id, contact, kind, watermark) VALUES ($1, $2, $3, $4)
             ON CONFLICT (channel_id, contact, kind) DO UPDATE SET watermark = excluded.watermark",
        )
        .bind(channel_id)
        .bind(contact_external_id)
        .bind(kind)
        .bind(watermark)
        .execute(&mut *tx)
        .await?;
        let changed = sqlx::query(&format!(
            "UPDATE messages SET status = $1
             WHERE channel_id = $2 AND direction = 'out' AND at <= $3 AND status IN ({})
               AND conversation_id IN (SELECT c.id FROM conversations c
                                       JOIN contact_identities i ON i.contact_id = c.contact_id
                                        AND i.channel_id = c.channel_id
                                       WHERE c.channel_id = $2 AND i.external_id = $4)",
            statuses
                .iter()
                .map(|s| format!("'{s}'"))
                .collect::<Vec<_>>()
                .join(", ")
        ))
        .bind(kind)
        .bind(channel_id)
        .bind(watermark)
        .bind(contact_external_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if changed > 0 {
            let event = LiveEvent::MessageStatus(MessageStatus::Watermark {
                channel_id,
                contact: contact_external_id.to_owned(),
                status: kind.to_owned(),
                watermark,
            });
            tx.emit(workspace_id, &event, now);
        }
        tx.commit().await?;
        Ok(changed)
    }
}

/// Writes a business message sent outside Pronto in `tx`, once per platform id
/// (one already stored comes back as it is, `created: false`), updates its
/// conversation and emits `message.created`. The caller commits.
pub(crate) async fn write_platform_reply(
    tx: &mut Write,
    workspace_id: i64,
    reply: &PlatformReply,
    now: Micros,
) -> Result<Stored> {
    let existing: Option<i64> =
        sqlx::query_scalar("SELECT id FROM messages WHERE channel_id = $1 AND external_id = $2")
            .bind(reply.channel_id)
            .bind(&reply.external_id)
            .fetch_optional(&mut **tx)
            .await?;
    if let Some(id) = existing {
        return Ok(Stored {
            message: message_in(tx, id).await?,
            created: false,
            profile_pending: false,
            detect_language_of: None,
        });
    }
    let (conversation_id, last): (i64, Option<Micros>) = sqlx::query(
        "SELECT c.id, c.last_message_at FROM conversations c
         JOIN contact_identities i ON i.contact_id = c.contact_id AND i.channel_id = c.channel_id
         WHERE c.channel_id = $1 AND i.external_id = $2",
    )
    .bind(reply.channel_id)
    .bind(&reply.contact_external_id)
    .fetch_optional(&mut **tx)
    .await?
    .map(|r| Ok::<_, StoreError>((r.try_get("id")?, r.try_get("last_message_at")?)))
    .transpose()?
    .ok_or(StoreError::NotFound("conversation with this customer"))?;
    let id = sqlx::query_scalar::<_, i64>(
        "INSERT INTO messages (workspace_id, channel_id, conversation_id, direction, author, text,
                               external_id, status, at, created_at)
         VALUES ($1, $2, $3, 'out', $4, $5, $6, 'sent', $7, $8) RETURNING id",
    )
    .bind(workspace_id)
    .bind(reply.channel_id)
    .bind(conversation_id)
    .bind(reply.author.as_str())
    .bind(&reply.text)
    .bind(&reply.external_id)
    .bind(reply.at)
    .bind(now)
    .fetch_one(&mut **tx)
    .await?;
    let last = last.map_or(reply.at, |l| l.max(reply.at));
    if matches!(reply.author, MessageAuthor::Agent | MessageAuthor::Bot) {
        sqlx::query(&format!(
            "UPDATE conversations SET waiting_since = NULL, last_message_at = $1,
                 list_key = $2 - {} WHERE id = $3",
            crate::inbox::PRIORITY_SHIFT
        ))
        .bind(last)
        .bind(idle_key(Some(last)))
        .bind(conversation_id)
        .execute(&mut **tx)
        .await?;
    } else {
        sqlx::query("UPDATE conversations SET last_message_at = $1 WHERE id = $2")
            .bind(last)
            .bind(conversation_id)
            .execute(&mut **tx)
            .await?;
    }
    // The message as stored, without reading it back.
    let message = Message {
        id,
        conversation_id,
        channel_id: reply.channel_id,
        author: reply.author,
        agent_id: None,
        text: reply.text.clone(),
        attachments: serde_json::json!([]),
        external_id: Some(reply.external_id.clone()),
        status: "sent".to_owned(),
        error: None,
        at: reply.at,
        reaction: None,
        edited_at: None,
        deleted_at: None,
        pricing: None,
    };
    let event = LiveEvent::MessageCreated {
        conversation_id,
        message: message.clone(),
    };
    tx.emit(workspace_id, &event, now);
    Ok(Stored {
        message,
        created: true,
        profile_pending: false,
        detect_language_of: None,
    })
}

/// Marks a run of bodies processed.
static FINISH: Forms = Forms::new(|n| {
    format!(
        "UPDATE webhook_inbox SET processed_at = $1, locked_until = NULL, claimed_until = NULL
         WHERE id IN ({})",
        list(n, 2)
    )
});

/// A Meta channel's health, for the settings page and the API.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct ChannelHealth {
    /// When the last webhook delivery was received.
    pub last_webhook_at: Option<Micros>,
    /// When the last reply was accepted by the platform.
    pub last_send_at: Option<Micros>,
}

impl Store {
    /// When the channel last heard from Meta and last sent successfully.
    pub async fn channel_health(
        &self,
        workspace_id: i64,
        channel_id: i64,
    ) -> Result<ChannelHealth> {
        let row = sqlx::query(
            "SELECT (SELECT MAX(w.received_at) FROM webhook_inbox w
                     JOIN channels c ON c.id = w.channel_id
                     WHERE w.channel_id = $1 AND c.workspace_id = $2) AS last_webhook,
                    (SELECT MAX(m.at) FROM messages m
                     WHERE m.channel_id = $1 AND m.workspace_id = $2 AND m.direction = 'out'
                       AND m.status IN ('sent', 'delivered', 'read')) AS last_send",
        )
        .bind(channel_id)
        .bind(workspace_id)
        .fetch_one(&self.pool)
        .await?;
        Ok(ChannelHealth {
            last_webhook_at: row.try_get("last_webhook")?,
            last_send_at: row.try_get("last_send")?,
        })
    }
}
