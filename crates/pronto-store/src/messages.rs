//! Messages in and out, and the outbox that delivers replies.
//!
//! A reply and its outbox entry are written in one transaction, so a reply that was
//! stored is delivered (eventually, and at least once: receivers deduplicate on the
//! message id Pronto sends along).

use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::events::Write;
use crate::group_commit::write_one;
use crate::inbox::{PRIORITY_SHIFT, list_key};
use crate::live_event::{LiveEvent, MessageStatus};
use crate::model::{Inbound, Message, MessageAuthor, Micros, Outbound, OutboxJob, Stored};
use crate::{Result, Store, StoreError};

pub(crate) const MESSAGE_COLUMNS: &str = "id, conversation_id, channel_id, author, agent_id, text, attachments, external_id, status, error, at, reaction, edited_at, deleted_at, pricing";

pub(crate) fn message(row: &AnyRow) -> Result<Message> {
    let author: String = row.try_get("author")?;
    let attachments: String = row.try_get("attachments")?;
    Ok(Message {
        id: row.try_get("id")?,
        conversation_id: row.try_get("conversation_id")?,
        channel_id: row.try_get("channel_id")?,
        author: MessageAuthor::parse(&author).unwrap_or(MessageAuthor::Customer),
        agent_id: row.try_get("agent_id")?,
        text: row.try_get("text")?,
        attachments: serde_json::from_str(&attachments).unwrap_or_default(),
        external_id: row.try_get("external_id")?,
        status: row.try_get("status")?,
        error: row.try_get("error")?,
        at: row.try_get("at")?,
        reaction: row.try_get("reaction")?,
        edited_at: row.try_get("edited_at")?,
        deleted_at: row.try_get("deleted_at")?,
        pricing: row
            .try_get::<Option<String>, _>("pricing")?
            .and_then(|p| serde_json::from_str(&p).ok()),
    })
}

async fn message_by_id(conn: &mut AnyConnection, id: i64) -> Result<Message> {
    let row = sqlx::query(&format!(
        "SELECT {MESSAGE_COLUMNS} FROM messages WHERE id = $1"
    ))
    .bind(id)
    .fetch_one(&mut *conn)
    .await?;
    message(&row)
}

/// Publishes `message.created` for a message written in `tx`, in that same
/// transaction, and commits.
pub(crate) async fn commit_created(
    mut tx: Write,
    workspace_id: i64,
    conversation_id: i64,
    message_id: i64,
    now: Micros,
) -> Result<Stored> {
    let message = message_by_id(&mut tx, message_id).await?;
    let event = LiveEvent::MessageCreated {
        conversation_id,
        message: message.clone(),
    };
    tx.emit(workspace_id, &event, now);
    tx.commit().await?;
    Ok(Stored {
        message,
        created: true,
        profile_pending: false,
        detect_language_of: None,
    })
}

/// The contact with `external_id` on the channel, created (with `name`) if new.
pub(crate) async fn contact_for(
    conn: &mut AnyConnection,
    workspace_id: i64,
    channel_id: i64,
    external_id: &str,
    name: Option<&str>,
    now: Micros,
) -> Result<i64> {
    let contact: Option<i64> = sqlx::query_scalar(
        "SELECT contact_id FROM contact_identities WHERE channel_id = $1 AND external_id = $2",
    )
    .bind(channel_id)
    .bind(external_id)
    .fetch_optional(&mut *conn)
    .await?;
    if let Some(id) = contact {
        // A contact first known without a name (Instagram DMs carry none) learns it.
        if let Some(name) = name.filter(|n| !n.is_empty()) {
            sqlx::query("UPDATE contacts SET name = $1 WHERE id = $2 AND name = ''")
                .bind(name)
                .bind(id)
                .execute(&mut *conn)
                .await?;
        }
        return Ok(id);
    }
    insert_contact(conn, workspace_id, channel_id, external_id, name, now).await
}

/// A new contact known on `channel_id` as `external_id` (the caller looked: it is
/// not known yet).
pub(crate) async fn insert_contact(
    conn: &mut AnyConnection,
    workspace_id: i64,
    channel_id: i64,
    external_id: &str,
    name: Option<&str>,
    now: Micros,
) -> Result<i64> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO contacts (workspace_id, name, created_at) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(workspace_id)
    .bind(name.unwrap_or(""))
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO contact_identities (contact_id, channel_id, external_id) VALUES ($1, $2, $3)",
    )
    .bind(id)
    .bind(channel_id)
    .bind(external_id)
    .execute(&mut *conn)
    .await?;
    Ok(id)
}

/// Writes a reply and its outbox entry; the caller updates the conversation and
/// publishes. A unique violation means the idempotency key was used already.
pub(crate) async fn insert_reply(
    conn: &mut AnyConnection,
    workspace_id: i64,
    channel_id: i64,
    conversation_id: i64,
    out: &Outbound,
    now: Micros,
) -> std::result::Result<i64, sqlx::Error> {
    let id = sqlx::query_scalar::<_, i64>(
        "INSERT INTO messages (workspace_id, channel_id, conversation_id, direction, author, agent_id,
                               text, attachments, idempotency_key, status, at, created_at, subject)
         VALUES ($1, $2, $3, 'out', $4, $5, $6, $7, $8, 'queued', $9, $9, $10) RETURNING id",
    )
    .bind(workspace_id)
    .bind(channel_id)
    .bind(conversation_id)
    .bind(out.author.as_str())
    .bind(out.agent_id)
    .bind(&out.text)
    .bind(out.attachments.to_string())
    .bind(out.idempotency_key.as_deref())
    .bind(now)
    .bind(out.subject.as_deref())
    .fetch_one(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO outbox (workspace_id, channel_id, message_id, next_attempt_at, created_at)
         VALUES ($1, $2, $3, $4, $4)",
    )
    .bind(workspace_id)
    .bind(channel_id)
    .bind(id)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(id)
}

/// The message with `id`, read in `conn`.
pub(crate) async fn message_in(conn: &mut AnyConnection, id: i64) -> Result<Message> {
    message_by_id(conn, id).await
}

impl Store {
    /// Stores a customer message: finds or creates the contact and the conversation,
    /// moves a conversation in done back to the inbox (one in spam stays there),
    /// and publishes `message.created`. The same `external_id` twice is stored once.
    /// Written together with other callers' messages (group commit); answers once
    /// the message is durable.
    pub async fn receive(
        &self,
        workspace_id: i64,
        inbound: &Inbound,
        now: Micros,
    ) -> Result<Stored> {
        self.receive_many(workspace_id, vec![inbound.clone()], now)
            .await
            .pop()
            .unwrap_or_else(|| Err(StoreError::Conflict("nothing was stored".into())))
    }

    /// [`Store::receive`] in a transaction of its own.
    pub(crate) async fn receive_one(
        &self,
        workspace_id: i64,
        inbound: &Inbound,
        thread: &str,
        now: Micros,
    ) -> Result<Stored> {
        self.channel(workspace_id, inbound.channel_id).await?;
        // Two deliveries of one message may race (two nodes): the unique index lets
        // one win, and the other then finds it.
        for _ in 0..3 {
            let mut tx = self.write_tx().await?;
            match write_one(&mut tx, workspace_id, inbound, thread, now).await {
                Ok(stored) => {
                    tx.commit().await?;
                    return Ok(stored);
                }
                Err(StoreError::Database(sqlx::Error::Database(db)))
                    if db.is_unique_violation() =>
                {
                    continue;
                }
                Err(e) => return Err(e),
            }
        }
        Err(StoreError::Conflict(
            "the message could not be stored; try again".into(),
        ))
    }

    /// Stores a reply with its outbox entry and publishes `message.created`. The same
    /// idempotency key twice is stored once.
    pub async fn send(&self, workspace_id: i64, out: &Outbound, now: Micros) -> Result<Stored> {
        if let Some(key) = &out.idempotency_key
            && let Some(existing) = self.by_idempotency_key(workspace_id, key).await?
        {
            return Ok(Stored {
                message: existing,
                created: false,
                profile_pending: false,
                detect_language_of: None,
            });
        }
        let conversation = self.conversation(workspace_id, out.conversation_id).await?;
        let mut tx = self.write_tx().await?;
        let inserted = insert_reply(
            &mut tx,
            workspace_id,
            conversation.channel_id,
            conversation.id,
            out,
            now,
        )
        .await;
        let id = match inserted {
            Ok(id) => id,
            Err(sqlx::Error::Database(db)) if db.is_unique_violation() => {
                drop(tx);
                let key = out.idempotency_key.as_deref().unwrap_or_default();
                let existing = self
                    .by_idempotency_key(workspace_id, key)
                    .await?
                    .ok_or_else(|| StoreError::Conflict("duplicate reply".into()))?;
                return Ok(Stored {
                    message: existing,
                    created: false,
                    profile_pending: false,
                    detect_language_of: None,
                });
            }
            Err(e) => return Err(e.into()),
        };
        // An agent's or a bot's reply answers the customer; an automated one does not.
        let answers = matches!(out.author, MessageAuthor::Agent | MessageAuthor::Bot);
        let last = conversation.last_message_at.map_or(now, |l| l.max(now));
        let waiting = if answers {
            None
        } else {
            conversation.waiting_since
        };
        sqlx::query(&format!(
            "UPDATE conversations SET waiting_since = $1, last_message_at = $2,
                 list_key = $3 - {PRIORITY_SHIFT} WHERE id = $4"
        ))
        .bind(waiting)
        .bind(last)
        .bind(list_key(conversation.folder, waiting, Some(last)))
        .bind(conversation.id)
        .execute(&mut *tx)
        .await?;
        commit_created(tx, workspace_id, conversation.id, id, now).await
    }

    /// The reply stored under an idempotency key, if any.
    pub async fn by_idempotency_key(
        &self,
        workspace_id: i64,
        key: &str,
    ) -> Result<Option<Message>> {
        let row = sqlx::query(&format!(
            "SELECT {MESSAGE_COLUMNS} FROM messages WHERE workspace_id = $1 AND idempotency_key = $2"
        ))
        .bind(workspace_id)
        .bind(key)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(message).transpose()
    }

    /// One message of the workspace.
    pub async fn message(&self, workspace_id: i64, id: i64) -> Result<Message> {
        let row = sqlx::query(&format!(
            "SELECT {MESSAGE_COLUMNS} FROM messages WHERE id = $1 AND workspace_id = $2"
        ))
        .bind(id)
        .bind(workspace_id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound("message"))?;
        message(&row)
    }

    /// A conversation's messages in time order, at most `limit` of the latest.
    pub async fn messages(
        &self,
        workspace_id: i64,
        conversation_id: i64,
        limit: i64,
    ) -> Result<Vec<Message>> {
        self.conversation(workspace_id, conversation_id).await?;
        let rows = sqlx::query(&format!(
            "SELECT {MESSAGE_COLUMNS} FROM messages WHERE conversation_id = $1 AND workspace_id = $2
             ORDER BY at DESC, id DESC LIMIT $3"
        ))
        .bind(conversation_id)
        .bind(workspace_id)
        .bind(limit.clamp(1, 1000))
        .fetch_all(&self.pool)
        .await?;
        let mut list = rows.iter().map(message).collect::<Result<Vec<_>>>()?;
        list.reverse();
        Ok(list)
    }

    /// The latest message of each of `ids` (conversations of the workspace), for the
    /// inbox list's previews. One query whatever the number of conversations.
    pub async fn last_messages(
        &self,
        workspace_id: i64,
        ids: &[i64],
    ) -> Result<std::collections::HashMap<i64, Message>> {
        if ids.is_empty() {
            return Ok(Default::default());
        }
        let placeholders: Vec<String> = (2..ids.len() + 2).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT {MESSAGE_COLUMNS} FROM messages WHERE id IN (
                 SELECT (SELECT m.id FROM messages m WHERE m.conversation_id = c.id
                         ORDER BY m.at DESC, m.id DESC LIMIT 1)
                 FROM conversations c WHERE c.workspace_id = $1 AND c.id IN ({}))",
            placeholders.join(", ")
        );
        let mut query = sqlx::query(&sql).bind(workspace_id);
        for id in ids {
            query = query.bind(*id);
        }
        let rows = query.fetch_all(&self.pool).await?;
        rows.iter()
            .map(|r| message(r).map(|m| (m.conversation_id, m)))
            .collect()
    }

    /// Sends a failed reply again: its outbox entry is due now with a fresh count of
    /// attempts. Only a failed message of the workspace can be retried.
    pub async fn retry_message(
        &self,
        workspace_id: i64,
        message_id: i64,
        now: Micros,
    ) -> Result<Message> {
        let mut tx = self.write_tx().await?;
        let status: Option<String> =
            sqlx::query_scalar("SELECT status FROM messages WHERE id = $1 AND workspace_id = $2")
                .bind(message_id)
                .bind(workspace_id)
                .fetch_optional(&mut *tx)
                .await?;
        match status.as_deref() {
            None => return Err(StoreError::NotFound("message")),
            Some("failed") => {}
            Some(other) => {
                return Err(StoreError::Conflict(format!(
                    "only a failed message can be sent again; this one is {other}"
                )));
            }
        }
        let updated = sqlx::query(
            "UPDATE outbox SET done_at = NULL, locked_until = NULL, attempts = 0, last_error = NULL,
                    next_attempt_at = $1 WHERE message_id = $2 AND workspace_id = $3",
        )
        .bind(now)
        .bind(message_id)
        .bind(workspace_id)
        .execute(&mut *tx)
        .await?;
        if updated.rows_affected() == 0 {
            return Err(StoreError::Conflict(
                "this message has no delivery to retry".to_owned(),
            ));
        }
        sqlx::query("UPDATE messages SET status = 'queued', error = NULL WHERE id = $1")
            .bind(message_id)
            .execute(&mut *tx)
            .await?;
        let message = message_by_id(&mut tx, message_id).await?;
        self.status_event(&mut tx, workspace_id, &message, "queued", None, now)
            .await?;
        tx.commit().await?;
        Ok(message)
    }

    /// Publishes a reply's new delivery status (`message.status`) in `tx`.
    async fn status_event(
        &self,
        tx: &mut Write,
        workspace_id: i64,
        m: &Message,
        status: &str,
        error: Option<&str>,
        now: Micros,
    ) -> Result<()> {
        let event = LiveEvent::MessageStatus(MessageStatus::Message {
            conversation_id: m.conversation_id,
            message_id: m.id,
            status: status.to_owned(),
            error: error.map(str::to_owned),
        });
        tx.emit(workspace_id, &event, now);
        Ok(())
    }

    /// Claims the next due delivery for `lease` microseconds: nobody else gets it
    /// until it is finished or the lease runs out (a crashed worker's job comes back).
    pub async fn claim_delivery(&self, now: Micros, lease: Micros) -> Result<Option<OutboxJob>> {
        // The outer conditions are checked again on the claimed row, so two nodes
        // racing for one job cannot both win it.
        let row = sqlx::query(
            "UPDATE outbox SET locked_until = $1, attempts = attempts + 1
             WHERE id = (SELECT id FROM outbox
                         WHERE done_at IS NULL AND next_attempt_at <= $2
                           AND (locked_until IS NULL OR locked_until <= $2)
                         ORDER BY next_attempt_at, id LIMIT 1)
               AND done_at IS NULL AND (locked_until IS NULL OR locked_until <= $2)
             RETURNING id, workspace_id, channel_id, message_id, attempts",
        )
        .bind(now + lease)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let mut conn = self.pool.acquire().await?;
        let message = message_by_id(&mut conn, row.try_get("message_id")?).await?;
        Ok(Some(OutboxJob {
            id: row.try_get("id")?,
            workspace_id: row.try_get("workspace_id")?,
            channel_id: row.try_get("channel_id")?,
            message,
            attempts: row.try_get("attempts")?,
        }))
    }

    /// Records a delivery: the message is sent (with the platform's id, if any).
    pub async fn delivered(
        &self,
        job: &OutboxJob,
        external_id: Option<&str>,
        now: Micros,
    ) -> Result<()> {
        self.finish(job, "sent", external_id, None, now).await
    }

    /// Records a failure that will not be retried: the message failed with `error`.
    pub async fn failed(&self, job: &OutboxJob, error: &str, now: Micros) -> Result<()> {
        self.finish(job, "failed", None, Some(error), now).await
    }

    async fn finish(
        &self,
        job: &OutboxJob,
        status: &str,
        external_id: Option<&str>,
        error: Option<&str>,
        now: Micros,
    ) -> Result<()> {
        let mut tx = self.write_tx().await?;
        sqlx::query(
            "UPDATE outbox SET done_at = $1, locked_until = NULL, last_error = $2 WHERE id = $3",
        )
        .bind(now)
        .bind(error)
        .bind(job.id)
        .execute(&mut *tx)
        .await?;
        // A receipt can come before the send's own answer (a web chat visitor
        // reads the message as it streams; a platform's delivery webhook races
        // the Send API's response): "sent" never takes a message back from
        // `delivered` or `read`, and then says nothing new.
        let kept: Option<String> = sqlx::query_scalar(
            "UPDATE messages SET error = $2, external_id = COALESCE($3, external_id),
                 status = CASE WHEN $1 = 'sent' AND status IN ('delivered', 'read')
                               THEN status ELSE $1 END
             WHERE id = $4 RETURNING status",
        )
        .bind(status)
        .bind(error)
        .bind(external_id)
        .bind(job.message.id)
        .fetch_optional(&mut *tx)
        .await?;
        if kept.as_deref().is_none_or(|k| k == status) {
            self.status_event(&mut tx, job.workspace_id, &job.message, status, error, now)
                .await?;
        }
        tx.commit().await?;
        // Statuses that overtook this answer were kept for its id: now they apply.
        if let (Some(id), "sent") = (external_id, status) {
            self.apply_early_statuses(job.workspace_id, job.channel_id, id, now)
                .await?;
        }
        Ok(())
    }

    /// Records a failure to retry at `next_attempt_at`.
    pub async fn retry_later(
        &self,
        job: &OutboxJob,
        error: &str,
        next_attempt_at: Micros,
    ) -> Result<()> {
        sqlx::query(
            "UPDATE outbox SET locked_until = NULL, next_attempt_at = $1, last_error = $2 WHERE id = $3",
        )
        .bind(next_attempt_at)
        .bind(error)
        .bind(job.id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Deliveries not finished yet (for tests and the admin's view).
    pub async fn pending_deliveries(&self) -> Result<i64> {
        Ok(
            sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE done_at IS NULL")
                .fetch_one(&self.pool)
                .await?,
        )
    }
}
