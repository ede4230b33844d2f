//! Email channels: each mailbox's reader position and lease (`email_mailboxes`),
//! each mail's headers by Message-ID (`email_headers`: threading, subject, the whole
//! text, the raw message, whether a robot sent it), the files mail carries (kept in
//! `media_files`, served like WhatsApp's), and the reads the threading and the
//! automated-reply cap need.

use serde_json::{Value, json};
use sqlx::Row;

use crate::live_event::LiveEvent;
use crate::messages::message_in;
use crate::model::Micros;
use crate::{Result, Store};

/// Where a mailbox's reader is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MailboxState {
    /// The folder's UIDVALIDITY when it was last read (none before the first read).
    pub uidvalidity: Option<i64>,
    /// The highest UID stored under it.
    pub last_uid: i64,
}

/// How a mailbox's reader is doing.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct MailboxHealth {
    /// The last read that succeeded (new mail or not).
    pub read_at: Option<Micros>,
    /// The last read's error, when it failed (the server's answer in it).
    pub error: Option<String>,
    /// When that read failed.
    pub error_at: Option<Micros>,
}

/// One mail's headers, as kept.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EmailHeaders {
    /// Its Message-ID, without brackets.
    pub rfc_id: String,
    /// `in` (received) or `out` (sent by Pronto).
    pub direction: String,
    /// The subject.
    pub subject: String,
    /// In-Reply-To's ids.
    pub in_reply_to: Vec<String>,
    /// References' ids.
    pub references: Vec<String>,
    /// The sender's address.
    pub from_address: String,
    /// `no`, `auto_reply`, `bulk` or `bounce`.
    pub automated: String,
    /// The whole text, quoted history included.
    pub full_text: String,
    /// The message as received (none for sent mail).
    pub raw: Option<Vec<u8>>,
}

/// Where a mail belongs on its channel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EmailThread {
    /// The customer: their id (address) on the channel.
    pub contact: String,
    /// The conversation's thread key (`conversations.thread_key`).
    pub thread_key: String,
}

/// A file of a received mail, to keep.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EmailFile {
    /// Its name.
    pub name: String,
    /// Its MIME type.
    pub content_type: String,
    /// The HTML's `cid:` name, for inline images.
    pub content_id: Option<String>,
    /// Shown in the body rather than attached.
    pub inline: bool,
    /// The bytes.
    pub bytes: Vec<u8>,
}

fn ids(text: &str) -> Vec<String> {
    text.split_whitespace().map(str::to_owned).collect()
}

fn headers(row: &sqlx::any::AnyRow) -> Result<EmailHeaders> {
    Ok(EmailHeaders {
        rfc_id: row.try_get("rfc_id")?,
        direction: row.try_get("direction")?,
        subject: row.try_get("subject")?,
        in_reply_to: ids(&row.try_get::<String, _>("in_reply_to")?),
        references: ids(&row.try_get::<String, _>("refs")?),
        from_address: row.try_get("from_address")?,
        automated: row.try_get("automated")?,
        full_text: row.try_get("full_text")?,
        raw: row.try_get("raw")?,
    })
}

const HEADER_COLUMNS: &str =
    "h.rfc_id, h.direction, h.subject, h.in_reply_to, h.refs, h.from_address,
     h.automated, h.full_text, h.raw";

impl Store {
    /// Takes the mailbox of `channel_id` for `owner` until `now + lease` (a reader
    /// renews by claiming again): its position, or `None` while another owner's
    /// lease runs.
    pub async fn claim_mailbox(
        &self,
        channel_id: i64,
        owner: &str,
        now: Micros,
        lease: Micros,
    ) -> Result<Option<MailboxState>> {
        let mut tx = self.write_tx().await?;
        sqlx::query(
            "INSERT INTO email_mailboxes (channel_id) VALUES ($1) ON CONFLICT (channel_id) DO NOTHING",
        )
        .bind(channel_id)
        .execute(&mut *tx)
        .await?;
        let row = sqlx::query(
            "UPDATE email_mailboxes SET lease_owner = $1, lease_until = $2
             WHERE channel_id = $3 AND (lease_until < $4 OR lease_owner = $1)
             RETURNING uidvalidity, last_uid",
        )
        .bind(owner)
        .bind(now + lease)
        .bind(channel_id)
        .bind(now)
        .fetch_optional(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(match row {
            Some(row) => Some(MailboxState {
                uidvalidity: row.try_get("uidvalidity")?,
                last_uid: row.try_get("last_uid")?,
            }),
            None => None,
        })
    }

    /// Records that every mail up to `last_uid` under `uidvalidity` is stored; only
    /// while `owner` holds the lease (false when it was lost: the caller stops).
    pub async fn advance_mailbox(
        &self,
        channel_id: i64,
        owner: &str,
        position: MailboxState,
        now: Micros,
    ) -> Result<bool> {
        let mut tx = self.write_tx().await?;
        let done = sqlx::query(
            "UPDATE email_mailboxes SET uidvalidity = $1, last_uid = $2, synced_at = $3, last_error = NULL
             WHERE channel_id = $4 AND lease_owner = $5",
        )
        .bind(position.uidvalidity)
        .bind(position.last_uid)
        .bind(now)
        .bind(channel_id)
        .bind(owner)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        tx.commit().await?;
        Ok(done == 1)
    }

    /// Gives the mailbox up (another node may read it at once), noting how the
    /// read went: its error and when, or that it succeeded at `now` (the health
    /// line's "last read", the error cleared).
    pub async fn release_mailbox(
        &self,
        channel_id: i64,
        owner: &str,
        error: Option<&str>,
        now: Micros,
    ) -> Result<()> {
        let mut tx = self.write_tx().await?;
        let query = match error {
            Some(error) => sqlx::query(
                "UPDATE email_mailboxes SET lease_owner = NULL, lease_until = 0,
                     last_error = $1, error_at = $2
                 WHERE channel_id = $3 AND lease_owner = $4",
            )
            .bind(error),
            None => sqlx::query(
                "UPDATE email_mailboxes SET lease_owner = NULL, lease_until = 0,
                     last_error = NULL, error_at = NULL, synced_at = $1
                 WHERE channel_id = $2 AND lease_owner = $3",
            ),
        };
        query
            .bind(now)
            .bind(channel_id)
            .bind(owner)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// How an email channel's reader is doing (none before its first read).
    pub async fn mailbox_health(&self, channel_id: i64) -> Result<MailboxHealth> {
        let row = sqlx::query(
            "SELECT synced_at, last_error, error_at FROM email_mailboxes WHERE channel_id = $1",
        )
        .bind(channel_id)
        .fetch_optional(self.pool())
        .await?;
        Ok(match row {
            Some(row) => MailboxHealth {
                read_at: row.try_get("synced_at")?,
                error: row.try_get("last_error")?,
                error_at: row.try_get("error_at")?,
            },
            None => MailboxHealth::default(),
        })
    }

    /// Keeps mails' headers, in one transaction (the first copy: the same
    /// Message-ID again changes nothing).
    pub async fn record_emails(
        &self,
        channel_id: i64,
        mails: &[EmailHeaders],
        now: Micros,
    ) -> Result<()> {
        let mut tx = self.write_tx().await?;
        let sql = format!(
            "INSERT INTO email_headers (channel_id, created_at, {})
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
             ON CONFLICT (channel_id, rfc_id) DO NOTHING",
            HEADER_COLUMNS.replace("h.", "")
        );
        for h in mails {
            sqlx::query(&sql)
                .bind(channel_id)
                .bind(now)
                .bind(&h.rfc_id)
                .bind(&h.direction)
                .bind(&h.subject)
                .bind(h.in_reply_to.join(" "))
                .bind(h.references.join(" "))
                .bind(&h.from_address)
                .bind(&h.automated)
                .bind(&h.full_text)
                .bind(h.raw.as_deref())
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// [`Store::record_emails`] for one mail.
    pub async fn record_email(&self, channel_id: i64, h: &EmailHeaders, now: Micros) -> Result<()> {
        self.record_emails(channel_id, std::slice::from_ref(h), now)
            .await
    }

    /// A mail's headers by its Message-ID.
    pub async fn email_headers(
        &self,
        channel_id: i64,
        rfc_id: &str,
    ) -> Result<Option<EmailHeaders>> {
        let row = sqlx::query(&format!(
            "SELECT {HEADER_COLUMNS} FROM email_headers h WHERE h.channel_id = $1 AND h.rfc_id = $2"
        ))
        .bind(channel_id)
        .bind(rfc_id)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(headers).transpose()
    }

    /// The headers of a workspace's message that came or went by email (an email
    /// channel's, or another channel's that came by mail: a web chat visitor's
    /// answer), for its agents; its own channel's first.
    pub async fn message_email(
        &self,
        workspace_id: i64,
        message_id: i64,
    ) -> Result<Option<EmailHeaders>> {
        let row = sqlx::query(&format!(
            "SELECT {HEADER_COLUMNS} FROM messages m
             JOIN channels c ON c.workspace_id = m.workspace_id AND c.kind = 'email'
             JOIN email_headers h ON h.channel_id = c.id AND h.rfc_id = m.external_id
             WHERE m.id = $1 AND m.workspace_id = $2
             ORDER BY CASE WHEN h.channel_id = m.channel_id THEN 0 ELSE 1 END LIMIT 1"
        ))
        .bind(message_id)
        .bind(workspace_id)
        .fetch_optional(self.pool())
        .await?;
        row.as_ref().map(headers).transpose()
    }

    /// The thread (the customer and the conversation's thread key) that holds one
    /// of the mails `ids` name, the latest named first (a reply names its parent
    /// last): where a reply that refers to them belongs.
    pub async fn email_thread(
        &self,
        channel_id: i64,
        ids: &[String],
    ) -> Result<Option<EmailThread>> {
        for id in ids.iter().rev() {
            let row = sqlx::query(
                "SELECT i.external_id, c.thread_key FROM messages m
                 JOIN conversations c ON c.id = m.conversation_id
                 JOIN contact_identities i ON i.contact_id = c.contact_id AND i.channel_id = c.channel_id
                 WHERE m.channel_id = $1 AND m.external_id = $2
                 ORDER BY i.external_id LIMIT 1",
            )
            .bind(channel_id)
            .bind(id)
            .fetch_optional(self.pool())
            .await?;
            if let Some(row) = row {
                return Ok(Some(EmailThread {
                    contact: row.try_get("external_id")?,
                    thread_key: row.try_get("thread_key")?,
                }));
            }
        }
        Ok(None)
    }

    /// The subjects of the mails of the open conversations (not done, not spam)
    /// that `address` has on `channel_id`, newest first (at most `limit`), with
    /// each one's thread key: what the threading's fallback compares a reply
    /// that names no known mail with.
    pub async fn email_open_subjects(
        &self,
        channel_id: i64,
        address: &str,
        limit: i64,
    ) -> Result<Vec<(String, String)>> {
        let rows = sqlx::query(
            "SELECT c.thread_key, h.subject FROM contact_identities i
             JOIN conversations c ON c.contact_id = i.contact_id AND c.channel_id = i.channel_id
             JOIN messages m ON m.conversation_id = c.id
             JOIN email_headers h ON h.channel_id = m.channel_id AND h.rfc_id = m.external_id
             WHERE i.channel_id = $1 AND i.external_id = $2 AND c.folder = 'inbox'
             ORDER BY m.at DESC, m.id DESC LIMIT $3",
        )
        .bind(channel_id)
        .bind(address)
        .bind(limit)
        .fetch_all(self.pool())
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("thread_key")?, r.try_get("subject")?)))
            .collect()
    }

    /// What a reply in `conversation_id` answers: the customer's address and the
    /// latest mail they sent in it (its headers), if any.
    pub async fn email_reply_context(
        &self,
        conversation_id: i64,
    ) -> Result<(String, Option<EmailHeaders>)> {
        let (to, _) = self.reply_target(conversation_id).await?;
        let row = sqlx::query(&format!(
            "SELECT {HEADER_COLUMNS} FROM email_headers h
             JOIN messages m ON m.channel_id = h.channel_id AND m.external_id = h.rfc_id
             WHERE m.conversation_id = $1 AND h.direction = 'in'
             ORDER BY m.at DESC, m.id DESC LIMIT 1"
        ))
        .bind(conversation_id)
        .fetch_optional(self.pool())
        .await?;
        Ok((to, row.as_ref().map(headers).transpose()?))
    }

    /// The whole texts of a channel's mails `ids` (Message-IDs), by id.
    pub async fn email_full_texts(
        &self,
        channel_id: i64,
        ids: &[String],
    ) -> Result<std::collections::HashMap<String, String>> {
        let mut out = std::collections::HashMap::new();
        for run in ids.chunks(100) {
            let sql = format!(
                "SELECT rfc_id, full_text FROM email_headers WHERE channel_id = $1 AND rfc_id IN ({})",
                crate::runs::list(run.len(), 2)
            );
            let mut q = sqlx::query(&sql).persistent(false).bind(channel_id);
            for id in run {
                q = q.bind(id);
            }
            for row in q.fetch_all(self.pool()).await? {
                out.insert(row.try_get("rfc_id")?, row.try_get("full_text")?);
            }
        }
        Ok(out)
    }

    /// The subject an agent gave message `id`, if any.
    pub async fn message_subject(&self, id: i64) -> Result<Option<String>> {
        Ok(
            sqlx::query_scalar("SELECT subject FROM messages WHERE id = $1")
                .bind(id)
                .fetch_optional(self.pool())
                .await?
                .flatten(),
        )
    }

    /// How many automated replies the customer `contact` of `channel_id` got since
    /// `since`.
    pub async fn automated_replies_since(
        &self,
        channel_id: i64,
        contact: &str,
        since: Micros,
    ) -> Result<i64> {
        Ok(sqlx::query_scalar(
            "SELECT COUNT(*) FROM messages m
             JOIN conversations c ON c.id = m.conversation_id
             JOIN contact_identities i ON i.contact_id = c.contact_id AND i.channel_id = c.channel_id
             WHERE c.channel_id = $1 AND i.external_id = $2 AND m.author = 'automation'
               AND m.at >= $3",
        )
        .bind(channel_id)
        .bind(contact)
        .bind(since)
        .fetch_one(self.pool())
        .await?)
    }

    /// Keeps a received mail's files in the file store and lists them as its
    /// message's attachments (`file`: the API path that serves each), with the
    /// message's `message.updated` event, in one transaction.
    pub async fn keep_email_files(
        &self,
        workspace_id: i64,
        message_id: i64,
        files: &[EmailFile],
        now: Micros,
    ) -> Result<()> {
        let mut tx = self.write_tx().await?;
        let message = message_in(&mut tx, message_id).await?;
        let mut attachments = Vec::with_capacity(files.len());
        for (n, f) in files.iter().enumerate() {
            let size = i64::try_from(f.bytes.len()).unwrap_or(i64::MAX);
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO media_files (workspace_id, channel_id, message_id, media_id, mime_type,
                     filename, state, next_attempt_at, bytes, size, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, 'stored', $7, $8, $9, $7)
                 RETURNING id",
            )
            .bind(workspace_id)
            .bind(message.channel_id)
            .bind(message_id)
            .bind(format!("email:{message_id}:{n}"))
            .bind(&f.content_type)
            .bind(&f.name)
            .bind(now)
            .bind(&f.bytes)
            .bind(size)
            .fetch_one(&mut *tx)
            .await?;
            attachments.push(json!({
                "type": if f.content_type.starts_with("image/") { "image" } else { "file" },
                "name": f.name,
                "mime_type": f.content_type,
                "content_id": f.content_id,
                "inline": f.inline,
                "size": size,
                "file": format!("/api/v1/media/{id}"),
            }));
        }
        sqlx::query("UPDATE messages SET attachments = $1 WHERE id = $2")
            .bind(Value::Array(attachments).to_string())
            .bind(message_id)
            .execute(&mut *tx)
            .await?;
        let message = message_in(&mut tx, message_id).await?;
        let event = LiveEvent::MessageUpdated {
            conversation_id: message.conversation_id,
            message,
        };
        tx.emit(workspace_id, &event, now);
        tx.commit().await?;
        Ok(())
    }
}
