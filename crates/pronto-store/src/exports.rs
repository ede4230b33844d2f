//! The conversations export, read one page at a time by keyset (the conversation's
//! id), so that a year of a busy channel never sits in memory: the server streams
//! each page out before it asks for the next.

use std::collections::HashMap;

use sqlx::Row;

use crate::model::Micros;
use crate::{Result, Store};

/// One conversation, as the export writes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportedConversation {
    /// Its id.
    pub id: i64,
    /// Its channel's name.
    pub channel: String,
    /// Its channel's kind.
    pub channel_kind: String,
    /// The contact's name (may be empty).
    pub contact: String,
    /// The contact's id on the channel (a PSID, a phone number, an address).
    pub contact_external_id: Option<String>,
    /// inbox, done or spam.
    pub folder: String,
    /// Snoozed until then, if it is.
    pub snoozed_until: Option<Micros>,
    /// Whether a customer waits for an answer.
    pub waiting: bool,
    /// The assignee's name.
    pub assignee: Option<String>,
    /// Its labels, in order.
    pub labels: Vec<String>,
    /// When it began.
    pub created_at: Micros,
    /// Its latest message.
    pub last_message_at: Option<Micros>,
    /// The customer's first message.
    pub first_customer_at: Option<Micros>,
    /// The business's first reply after it (a person's or a bot's; automated
    /// messages and failed sends do not answer).
    pub first_reply_at: Option<Micros>,
}

impl Store {
    /// Up to `limit` conversations of the workspace (of its channel `channel`, or
    /// of every channel when it is 0) with ids above `after`, in id order, that
    /// were open during `[from, to)`: begun before `to` and last written to at or
    /// after `from`.
    #[allow(clippy::too_many_arguments)]
    pub async fn export_conversations(
        &self,
        workspace_id: i64,
        channel: i64,
        from: Micros,
        to: Micros,
        after: i64,
        limit: i64,
    ) -> Result<Vec<ExportedConversation>> {
        // The page is read along the primary key from `after`: the unary `+` keeps
        // SQLite from choosing a workspace index instead, which would read and sort
        // every conversation of the workspace for each page (quadratic in all). The
        // contact's id is found by contact (`contact_identities_contact`), not by
        // channel, which would read all of the channel's contacts for each row.
        // The limit is written into the statement: PostgreSQL's generic plan for a
        // `LIMIT $n` may join a page with every contact by hashing them.
        let sql = format!(
            "SELECT c.id, ch.name AS channel, ch.kind, ct.name AS contact, c.folder,
                    c.snoozed_until, c.waiting_since, u.name AS assignee, c.created_at,
                    c.last_message_at,
                    (SELECT MIN(i.external_id) FROM contact_identities i
                      WHERE i.contact_id = c.contact_id AND +i.channel_id = c.channel_id)
                      AS external_id,
                    (SELECT MIN(m.at) FROM messages m
                      WHERE m.conversation_id = c.id AND m.author = 'customer') AS first_in,
                    (SELECT MIN(r.at) FROM messages r
                      WHERE r.conversation_id = c.id AND r.direction = 'out'
                        AND r.author IN ('agent', 'bot') AND r.status <> 'failed'
                        AND r.at >= (SELECT MIN(m.at) FROM messages m
                                     WHERE m.conversation_id = c.id AND m.author = 'customer'))
                      AS first_out
             FROM conversations c
             JOIN channels ch ON ch.id = c.channel_id
             JOIN contacts ct ON ct.id = c.contact_id
             LEFT JOIN users u ON u.id = c.assignee_id
             WHERE +c.workspace_id = $1 AND c.id > $2 AND c.created_at < $3
               AND COALESCE(c.last_message_at, c.created_at) >= $4
               AND (c.channel_id = $5 OR $5 = 0)
             ORDER BY c.id LIMIT {}",
            limit.max(1)
        );
        let rows = sqlx::query(&sql)
            .bind(workspace_id)
            .bind(after)
            .bind(to)
            .bind(from)
            .bind(channel)
            .fetch_all(&self.pool)
            .await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let waiting: Option<Micros> = row.try_get("waiting_since")?;
            out.push(ExportedConversation {
                id: row.try_get("id")?,
                channel: row.try_get("channel")?,
                channel_kind: row.try_get("kind")?,
                contact: row.try_get("contact")?,
                contact_external_id: row.try_get("external_id")?,
                folder: row.try_get("folder")?,
                snoozed_until: row.try_get("snoozed_until")?,
                waiting: waiting.is_some(),
                assignee: row.try_get("assignee")?,
                labels: Vec::new(),
                created_at: row.try_get("created_at")?,
                last_message_at: row.try_get("last_message_at")?,
                first_customer_at: row.try_get("first_in")?,
                first_reply_at: row.try_get("first_out")?,
            });
        }
        let (Some(first), Some(last)) = (out.first().map(|c| c.id), out.last().map(|c| c.id))
        else {
            return Ok(out);
        };
        let at: HashMap<i64, usize> = out.iter().enumerate().map(|(i, c)| (c.id, i)).collect();
        // The page's labels, in one statement over the page's id range (ids of
        // the range outside the page are skipped), read along the labels' key
        // (the `+` again keeps SQLite off the workspace index).
        let labels = sqlx::query(
            "SELECT l.conversation_id, l.label FROM conversation_labels l
             JOIN conversations c ON c.id = l.conversation_id
             WHERE +c.workspace_id = $1 AND l.conversation_id >= $2 AND l.conversation_id <= $3
             ORDER BY l.conversation_id, l.label",
        )
        .bind(workspace_id)
        .bind(first)
        .bind(last)
        .fetch_all(&self.pool)
        .await?;
        for row in labels {
            let id: i64 = row.try_get("conversation_id")?;
            if let Some(&i) = at.get(&id) {
                out[i].labels.push(row.try_get("label")?);
            }
        }
        Ok(out)
    }
}
