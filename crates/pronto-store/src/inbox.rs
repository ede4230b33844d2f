//! Channels, contacts, conversations, labels, notes and saved replies.

use std::collections::BTreeMap;

use pronto_core::{Folder, Presence};
use serde_json::Value;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use crate::live_event::LiveEvent;
use crate::model::{
    Channel, ChannelKind, Contact, Conversation, ConversationQuery, Micros, Note, SavedReply,
    SavedReplyFields,
};
use crate::{Result, Store, StoreError, conflict};

/// The list key of a conversation nobody is waiting on: the latest activity first.
pub(crate) fn idle_key(last_message_at: Option<Micros>) -> i64 {
    i64::MAX - last_message_at.unwrap_or(0).max(0)
}

/// The conversation of `contact_id` on `channel_id` outside any thread (thread key
/// '': a contact's one conversation on every channel but email, and on email the
/// one a "move to email" opens), created if need be (idle, in the inbox). A
/// customer writing at the same moment gets the same one.
pub(crate) async fn contact_conversation(
    conn: &mut AnyConnection,
    workspace_id: i64,
    channel_id: i64,
    contact_id: i64,
    now: Micros,
) -> Result<i64> {
    sqlx::query(
        "INSERT INTO conversations (workspace_id, channel_id, contact_id, thread_key, list_key, created_at)
         VALUES ($1, $2, $3, '', $4, $5) ON CONFLICT (channel_id, contact_id, thread_key) DO NOTHING",
    )
    .bind(workspace_id)
    .bind(channel_id)
    .bind(contact_id)
    .bind(idle_key(Some(now)))
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(sqlx::query_scalar(
        "SELECT id FROM conversations WHERE channel_id = $1 AND contact_id = $2 AND thread_key = ''",
    )
    .bind(channel_id)
    .bind(contact_id)
    .fetch_one(&mut *conn)
    .await?)
}

/// A conversation's place in the list: while it is in the inbox and a customer waits,
/// the wait (longest first); otherwise its latest activity, after every waiting one.
/// A conversation moved to done or spam keeps its `waiting_since` (the customer's
/// message is still unanswered, and the engine counts it so), but it is no longer
/// the team's queue, so it does not sort as waiting.
///
/// The key written is this one less the priority's shift ([`PRIORITY_SHIFT`], added
/// in SQL where a conversation's key is written, from its `priority` there): within
/// the waiting ones and within the others, a higher priority comes first.
pub(crate) fn list_key(folder: Folder, waiting_since: Option<Micros>, last: Option<Micros>) -> i64 {
    match waiting_since {
        Some(w) if folder == Folder::Inbox => w,
        _ => idle_key(last),
    }
}

/// How far a conversation's priority moves it up the list, in SQL over the row
/// being written: 2^52 a level above 0 (priorities are -10 to 10), more than any
/// span of waits or activity times, less than the gap between waiting keys and
/// the others, so a waiting conversation still comes before every other one.
/// Negative priorities sort as 0.
pub(crate) const PRIORITY_SHIFT: &str = "(CASE WHEN conversations.priority > 0 THEN conversations.priority ELSE 0 END) * 4503599627370496";

fn channel(row: &AnyRow) -> Result<Channel> {
    let config: String = row.try_get("config")?;
    let kind: String = row.try_get("kind")?;
    Ok(Channel {
        id: row.try_get("id")?,
        workspace_id: row.try_get("workspace_id")?,
        kind: kind.parse().map_err(|e| sqlx::Error::Decode(Box::new(e)))?,
        name: row.try_get("name")?,
        config: serde_json::from_str(&config).unwrap_or(Value::Null),
        state: row.try_get("state")?,
    })
}

const CHANNEL_COLUMNS: &str = "id, workspace_id, kind, name, config, state";

const CONVERSATION_COLUMNS: &str = "c.id, c.channel_id, c.contact_id, k.name AS contact_name, \
     c.folder, c.assignee_id, c.priority, c.waiting_since, c.last_message_at, c.list_key, \
     c.snoozed_until";

/// `snoozed_until` of a conversation snoozed until its customer writes.
pub const SNOOZED_UNTIL_REPLY: Micros = i64::MAX;

fn conversation(row: &AnyRow) -> Result<Conversation> {
    let folder: String = row.try_get("folder")?;
    Ok(Conversation {
        id: row.try_get("id")?,
        channel_id: row.try_get("channel_id")?,
        contact_id: row.try_get("contact_id")?,
        contact_name: row.try_get("contact_name")?,
        folder: Folder::parse(&folder).unwrap_or(Folder::Inbox),
        assignee_id: row.try_get("assignee_id")?,
        priority: row.try_get("priority")?,
        waiting_since: row.try_get("waiting_since")?,
        last_message_at: row.try_get("last_message_at")?,
        snooze: row
            .try_get::<Option<i64>, _>("snoozed_until")?
            .map(|until| crate::model::Snooze {
                until: (until != SNOOZED_UNTIL_REPLY).then_some(until),
                until_reply: until == SNOOZED_UNTIL_REPLY,
            }),
        labels: Vec::new(),
    })
}

/// A value bound to a dynamically built query.
enum Bind {
    Int(i64),
    Text(String),
}

impl Store {
    /// Adds a channel to a workspace.
    pub async fn create_channel(
        &self,
        workspace_id: i64,
        kind: ChannelKind,
        name: &str,
        config: &Value,
        now: Micros,
    ) -> Result<Channel> {
        let row = sqlx::query(&format!(
            "INSERT INTO channels (workspace_id, kind, name, config, created_at) VALUES ($1, $2, $3, $4, $5)
             RETURNING {CHANNEL_COLUMNS}"
        ))
        .bind(workspace_id)
        .bind(kind.as_str())
        .bind(name)
        .bind(config.to_string())
        .bind(now)
        .fetch_one(&self.pool)
        .await?;
        channel(&row)
    }

    /// A channel of the workspace (kept a moment: see [`crate::cache`]).
    pub async fn channel(&self, workspace_id: i64, id: i64) -> Result<Channel> {
        let found = self.channel_any_workspace(id).await?;
        if found.workspace_id != workspace_id {
            return Err(StoreError::NotFound("channel"));
        }
        Ok(found)
    }

    /// Replaces a channel's settings (within its workspace).
    pub async fn set_channel_config(
        &self,
        workspace_id: i64,
        channel_id: i64,
        config: &Value,
    ) -> Result<()> {
        let done =
            sqlx::query("UPDATE channels SET config = $1 WHERE id = $2 AND workspace_id = $3")
                .bind(config.to_string())
                .bind(channel_id)
                .bind(workspace_id)
                .execute(&self.pool)
                .await?;
        self.channels.forget(&channel_id);
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound("channel"));
        }
        Ok(())
    }

    /// Sets a channel's state (`receiving`, `needs_token`...).
    pub async fn set_channel_state(&self, channel_id: i64, state: &str) -> Result<()> {
        sqlx::query("UPDATE channels SET state = $1 WHERE id = $2")
            .bind(state)
            .bind(channel_id)
            .execute(&self.pool)
            .await?;
        self.channels.forget(&channel_id);
        Ok(())
    }

    /// The customer's id on the channel and the time of their latest message in a
    /// conversation: whom a reply goes to, and when its window opened.
    pub async fn reply_target(&self, conversation_id: i64) -> Result<(String, Option<Micros>)> {
        let row = sqlx::query(
            "SELECT i.external_id, c.last_action_at,
                    (SELECT MAX(m.at) FROM messages m WHERE m.conversation_id = c.id AND m.direction = 'in') AS last_in
             FROM conversations c
             JOIN contact_identities i ON i.contact_id = c.contact_id AND i.channel_id = c.channel_id
             WHERE c.id = $1
             ORDER BY i.external_id
             LIMIT 1",
        )
        .bind(conversation_id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound("conversation"))?;
        let last_in: Option<Micros> = row.try_get("last_in")?;
        let last_action: Option<Micros> = row.try_get("last_action_at")?;
        Ok((row.try_get("external_id")?, last_in.max(last_action)))
    }

    /// A channel by id alone, for workers that act for every workspace (kept a
    /// moment: a channel is read on every message and webhook; the writes here
    /// forget it, another node's are seen within [`crate::cache::FRESH`]).
    pub async fn channel_any_workspace(&self, id: i64) -> Result<Channel> {
        self.channels
            .get(&id, async {
                let row = sqlx::query(&format!(
                    "SELECT {CHANNEL_COLUMNS} FROM channels WHERE id = $1"
                ))
                .bind(id)
                .fetch_optional(&self.pool)
                .await?
                .ok_or(StoreError::NotFound("channel"))?;
                channel(&row)
            })
            .await
    }

    /// Every workspace's channels, for maintenance at start.
    pub async fn all_channels(&self) -> Result<Vec<Channel>> {
        let rows = sqlx::query(&format!(
            "SELECT {CHANNEL_COLUMNS} FROM channels ORDER BY id"
        ))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(channel).collect()
    }

    /// Every workspace's channels of one kind, for that kind's workers.
    pub async fn channels_of_kind(&self, kind: ChannelKind) -> Result<Vec<Channel>> {
        let rows = sqlx::query(&format!(
            "SELECT {CHANNEL_COLUMNS} FROM channels WHERE kind = $1 ORDER BY id"
        ))
        .bind(kind.as_str())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(channel).collect()
    }

    /// The workspace's channels.
    pub async fn channels(&self, workspace_id: i64) -> Result<Vec<Channel>> {
        let rows = sqlx::query(&format!(
            "SELECT {CHANNEL_COLUMNS} FROM channels WHERE workspace_id = $1 ORDER BY id"
        ))
        .bind(workspace_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(channel).collect()
    }

    /// Sets a channel away or available, for the engine and the live events.
    pub async fn set_channel_status(
        &self,
        workspace_id: i64,
        channel_id: i64,
        status: Presence,
        now: Micros,
    ) -> Result<()> {
        self.channel(workspace_id, channel_id).await?;
        let mut tx = self.write_tx().await?;
        sqlx::query("INSERT INTO channel_status (channel_id, status, at) VALUES ($1, $2, $3)")
            .bind(channel_id)
            .bind(status.as_str())
            .bind(now)
            .execute(&mut *tx)
            .await?;
        let event = LiveEvent::ChannelStatus {
            channel_id,
            status: status.as_str().to_owned(),
            at: now,
            source: None,
        };
        tx.emit(workspace_id, &event, now);
        tx.commit().await?;
        Ok(())
    }

    /// The channel's latest status change, if any.
    pub async fn channel_status(
        &self,
        workspace_id: i64,
        channel_id: i64,
    ) -> Result<Option<(Presence, Micros)>> {
        self.channel(workspace_id, channel_id).await?;
        let row = sqlx::query(
            "SELECT status, at FROM channel_status WHERE channel_id = $1 ORDER BY at DESC, id DESC LIMIT 1",
        )
        .bind(channel_id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            let status: String = r.try_get("status")?;
            Ok((
                Presence::parse(&status).unwrap_or(Presence::Available),
                r.try_get("at")?,
            ))
        })
        .transpose()
    }

    /// Where a contact of the workspace is known: (channel id, their id there).
    pub async fn contact_identities(
        &self,
        workspace_id: i64,
        contact_id: i64,
    ) -> Result<Vec<(i64, String)>> {
        let rows = sqlx::query(
            "SELECT i.channel_id, i.external_id FROM contact_identities i
             JOIN contacts k ON k.id = i.contact_id
             WHERE i.contact_id = $1 AND k.workspace_id = $2 ORDER BY i.channel_id",
        )
        .bind(contact_id)
        .bind(workspace_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("channel_id")?, r.try_get("external_id")?)))
            .collect()
    }

    /// A contact of the workspace.
    pub async fn contact(&self, workspace_id: i64, id: i64) -> Result<Contact> {
        let row = sqlx::query(
            "SELECT k.id, k.name, k.locale, k.timezone, k.first_name, k.last_name, k.language,
                    k.language_source, k.attributes, k.email, k.phone, k.notes, k.vip,
                    CASE WHEN p.picture IS NULL THEN 0 ELSE 1 END AS has_picture
             FROM contacts k LEFT JOIN contact_profiles p ON p.contact_id = k.id
             WHERE k.id = $1 AND k.workspace_id = $2",
        )
        .bind(id)
        .bind(workspace_id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound("contact"))?;
        let attributes: String = row.try_get("attributes")?;
        Ok(Contact {
            id: row.try_get("id")?,
            name: row.try_get("name")?,
            locale: row.try_get("locale")?,
            timezone: row.try_get("timezone")?,
            first_name: row.try_get("first_name")?,
            last_name: row.try_get("last_name")?,
            language: row.try_get("language")?,
            language_source: row.try_get("language_source")?,
            picture: (row.try_get::<i64, _>("has_picture")? != 0)
                .then(|| format!("/api/v1/contacts/{id}/picture")),
            email: row.try_get("email")?,
            phone: row.try_get("phone")?,
            notes: row.try_get("notes")?,
            attributes: serde_json::from_str(&attributes).unwrap_or(Value::Null),
            vip: row.try_get::<i64, _>("vip")? != 0,
        })
    }

    /// Lists conversations, waiting longest first, then the most recently active.
    pub async fn conversations(
        &self,
        workspace_id: i64,
        q: &ConversationQuery,
    ) -> Result<Vec<Conversation>> {
        let mut sql = format!(
            "SELECT {CONVERSATION_COLUMNS} FROM conversations c JOIN contacts k ON k.id = c.contact_id
             WHERE c.workspace_id = $1"
        );
        let mut binds = vec![Bind::Int(workspace_id)];
        let mut push = |sql: &mut String, clause: &str, values: Vec<Bind>| {
            let mut clause = clause.to_owned();
            for (i, v) in values.into_iter().enumerate() {
                binds.push(v);
                clause = clause.replace(&format!("${{{i}}}"), &format!("${}", binds.len()));
            }
            sql.push_str(" AND ");
            sql.push_str(&clause);
        };
        if let Some(folder) = q.folder {
            push(
                &mut sql,
                "c.folder = ${0}",
                vec![Bind::Text(folder.as_str().to_owned())],
            );
        }
        if let Some(assignee) = q.assignee {
            push(&mut sql, "c.assignee_id = ${0}", vec![Bind::Int(assignee)]);
        }
        if q.unassigned {
            sql.push_str(" AND c.assignee_id IS NULL");
        }
        if let Some(channel) = q.channel {
            push(&mut sql, "c.channel_id = ${0}", vec![Bind::Int(channel)]);
        }
        if let Some(label) = &q.label {
            push(
                &mut sql,
                "EXISTS (SELECT 1 FROM conversation_labels l WHERE l.conversation_id = c.id AND l.label = ${0})",
                vec![Bind::Text(label.clone())],
            );
        }
        if q.waiting {
            sql.push_str(" AND c.waiting_since IS NOT NULL");
        }
        match q.snoozed {
            Some((false, now)) => push(
                &mut sql,
                "(c.snoozed_until IS NULL OR c.snoozed_until <= ${0})",
                vec![Bind::Int(now)],
            ),
            Some((true, now)) => push(&mut sql, "c.snoozed_until > ${0}", vec![Bind::Int(now)]),
            None => {}
        }
        if let Some(after) = q.after {
            push(
                &mut sql,
                // A row comparison, so that both databases use it as an index bound.
                "(c.list_key, c.id) > (${0}, ${1})",
                vec![
                    Bind::Int(after.key),
                    Bind::Int(after.key),
                    Bind::Int(after.id),
                ],
            );
        }
        binds.push(Bind::Int(q.limit.clamp(1, 500)));
        sql.push_str(&format!(
            " ORDER BY c.list_key, c.id LIMIT ${}",
            binds.len()
        ));
        let mut query = sqlx::query(&sql);
        for b in binds {
            query = match b {
                Bind::Int(v) => query.bind(v),
                Bind::Text(v) => query.bind(v),
            };
        }
        let rows = query.fetch_all(&self.pool).await?;
        let mut list = rows.iter().map(conversation).collect::<Result<Vec<_>>>()?;
        self.fill_labels(&mut list).await?;
        Ok(list)
    }

    async fn fill_labels(&self, list: &mut [Conversation]) -> Result<()> {
        if list.is_empty() {
            return Ok(());
        }
        let placeholders: Vec<String> = (1..=list.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT conversation_id, label FROM conversation_labels WHERE conversation_id IN ({}) ORDER BY label",
            placeholders.join(", ")
        );
        let mut query = sqlx::query(&sql);
        for c in list.iter() {
            query = query.bind(c.id);
        }
        for row in query.fetch_all(&self.pool).await? {
            let id: i64 = row.try_get("conversation_id")?;
            if let Some(c) = list.iter_mut().find(|c| c.id == id) {
                c.labels.push(row.try_get("label")?);
            }
        }
        Ok(())
    }

    /// The list position of a conversation (for the next page's cursor).
    pub async fn list_key(&self, workspace_id: i64, id: i64) -> Result<i64> {
        sqlx::query_scalar("SELECT list_key FROM conversations WHERE id = $1 AND workspace_id = $2")
            .bind(id)
            .bind(workspace_id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound("conversation"))
    }

    /// A conversation of the workspace.
    pub async fn conversation(&self, workspace_id: i64, id: i64) -> Result<Conversation> {
        let row = sqlx::query(&format!(
            "SELECT {CONVERSATION_COLUMNS} FROM conversations c JOIN contacts k ON k.id = c.contact_id
             WHERE c.id = $1 AND c.workspace_id = $2"
        ))
        .bind(id)
        .bind(workspace_id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound("conversation"))?;
        let mut list = vec![conversation(&row)?];
        self.fill_labels(&mut list).await?;
        Ok(list.remove(0))
    }

    /// Assigns a conversation to a member of the workspace (or nobody).
    pub async fn assign(
        &self,
        workspace_id: i64,
        id: i64,
        assignee: Option<i64>,
        now: Micros,
    ) -> Result<Conversation> {
        if let Some(user) = assignee {
            self.member(workspace_id, user).await?;
        }
        let event = LiveEvent::ConversationAssigned {
            conversation_id: id,
            assignee_id: assignee,
        };
        self.set_conversation_column(workspace_id, id, "assignee_id", assignee, &event, now)
            .await?;
        self.conversation(workspace_id, id).await
    }

    /// Sets a conversation's priority (higher comes first) and publishes
    /// `conversation.priority`.
    pub async fn set_priority(
        &self,
        workspace_id: i64,
        id: i64,
        priority: i64,
        now: Micros,
    ) -> Result<()> {
        let event = LiveEvent::ConversationPriority {
            conversation_id: id,
            priority,
        };
        let mut tx = self.write_tx().await?;
        // The key moves by the difference of the two shifts (the old one is the
        // row's, read before the update).
        let done = sqlx::query(&format!(
            "UPDATE conversations SET priority = $1,
                 list_key = list_key + {PRIORITY_SHIFT}
                            - (CASE WHEN $1 > 0 THEN $1 ELSE 0 END) * 4503599627370496
             WHERE id = $2 AND workspace_id = $3"
        ))
        .bind(priority)
        .bind(id)
        .bind(workspace_id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound("conversation"));
        }
        tx.emit(workspace_id, &event, now);
        tx.commit().await?;
        Ok(())
    }

    /// Snoozes a conversation until `until`, or until the customer writes (`None`);
    /// it leaves the inbox's list meanwhile.
    pub async fn snooze(
        &self,
        workspace_id: i64,
        id: i64,
        until: Option<Micros>,
        now: Micros,
    ) -> Result<()> {
        let event = LiveEvent::ConversationSnoozed {
            conversation_id: id,
            until,
            until_reply: until.is_none(),
        };
        let value = until.unwrap_or(SNOOZED_UNTIL_REPLY);
        self.set_conversation_column(workspace_id, id, "snoozed_until", Some(value), &event, now)
            .await
    }

    /// Wakes a snoozed conversation.
    pub async fn unsnooze(&self, workspace_id: i64, id: i64, now: Micros) -> Result<()> {
        let event = LiveEvent::ConversationSnoozed {
            conversation_id: id,
            until: None,
            until_reply: false,
        };
        self.set_conversation_column(workspace_id, id, "snoozed_until", None, &event, now)
            .await
    }

    /// Sets one column of a conversation and publishes `kind` with `payload`, in one
    /// transaction; `NotFound` if the workspace has no such conversation.
    #[allow(clippy::too_many_arguments)]
    async fn set_conversation_column(
        &self,
        workspace_id: i64,
        id: i64,
        column: &'static str,
        value: Option<i64>,
        event: &LiveEvent,
        now: Micros,
    ) -> Result<()> {
        let mut tx = self.write_tx().await?;
        let done = sqlx::query(&format!(
            "UPDATE conversations SET {column} = $1 WHERE id = $2 AND workspace_id = $3"
        ))
        .bind(value)
        .bind(id)
        .bind(workspace_id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound("conversation"));
        }
        tx.emit(workspace_id, event, now);
        tx.commit().await?;
        Ok(())
    }

    /// Moves a conversation to a folder (recorded for the responsiveness engine).
    pub async fn move_to(
        &self,
        workspace_id: i64,
        id: i64,
        folder: Folder,
        now: Micros,
    ) -> Result<Conversation> {
        let before = self.conversation(workspace_id, id).await?;
        let mut tx = self.write_tx().await?;
        let done = sqlx::query(
            &format!("UPDATE conversations SET folder = $1, list_key = $2 - {PRIORITY_SHIFT} WHERE id = $3 AND workspace_id = $4"),
        )
        .bind(folder.as_str())
        .bind(list_key(folder, before.waiting_since, before.last_message_at))
        .bind(id)
        .bind(workspace_id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound("conversation"));
        }
        record_move(&mut tx, id, folder, now).await?;
        let event = LiveEvent::ConversationMoved {
            conversation_id: id,
            channel_id: before.channel_id,
            folder: folder.as_str().to_owned(),
            at: now,
        };
        tx.emit(workspace_id, &event, now);
        tx.commit().await?;
        self.conversation(workspace_id, id).await
    }

    /// Adds and removes labels.
    pub async fn label(
        &self,
        workspace_id: i64,
        id: i64,
        add: &[String],
        remove: &[String],
        now: Micros,
    ) -> Result<Conversation> {
        self.conversation(workspace_id, id).await?;
        let mut tx = self.write_tx().await?;
        for label in add {
            sqlx::query(
                "INSERT INTO conversation_labels (conversation_id, label) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            )
            .bind(id)
            .bind(label)
            .execute(&mut *tx)
            .await?;
        }
        for label in remove {
            sqlx::query(
                "DELETE FROM conversation_labels WHERE conversation_id = $1 AND label = $2",
            )
            .bind(id)
            .bind(label)
            .execute(&mut *tx)
            .await?;
        }
        let event = LiveEvent::ConversationLabeled {
            conversation_id: id,
            added: add.to_vec(),
            removed: remove.to_vec(),
        };
        tx.emit(workspace_id, &event, now);
        tx.commit().await?;
        self.conversation(workspace_id, id).await
    }

    /// Adds an internal note.
    pub async fn add_note(
        &self,
        workspace_id: i64,
        id: i64,
        author: i64,
        text: &str,
        now: Micros,
    ) -> Result<Note> {
        self.conversation(workspace_id, id).await?;
        let mut tx = self.write_tx().await?;
        let note_id: i64 = sqlx::query_scalar(
            "INSERT INTO notes (workspace_id, conversation_id, author_id, text, created_at)
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(workspace_id)
        .bind(id)
        .bind(author)
        .bind(text)
        .bind(now)
        .fetch_one(&mut *tx)
        .await?;
        let note = Note {
            id: note_id,
            author_id: author,
            text: text.to_owned(),
            created_at: now,
        };
        let event = LiveEvent::NoteCreated {
            conversation_id: id,
            note: note.clone(),
        };
        tx.emit(workspace_id, &event, now);
        tx.commit().await?;
        Ok(note)
    }

    /// A conversation's notes, oldest first.
    pub async fn notes(&self, workspace_id: i64, id: i64) -> Result<Vec<Note>> {
        let rows = sqlx::query(
            "SELECT id, author_id, text, created_at FROM notes WHERE conversation_id = $1 AND workspace_id = $2
             ORDER BY id",
        )
        .bind(id)
        .bind(workspace_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Note {
                    id: r.try_get("id")?,
                    author_id: r.try_get("author_id")?,
                    text: r.try_get("text")?,
                    created_at: r.try_get("created_at")?,
                })
            })
            .collect()
    }

    /// A page of a conversation's notes: the latest `limit` before note `before`
    /// (from the newest when `None`), oldest first, and whether older ones exist.
    pub async fn notes_page(
        &self,
        workspace_id: i64,
        id: i64,
        before: Option<i64>,
        limit: i64,
    ) -> Result<(Vec<Note>, bool)> {
        let limit = limit.clamp(1, 1000);
        let rows = sqlx::query(
            "SELECT id, author_id, text, created_at FROM notes
             WHERE conversation_id = $1 AND workspace_id = $2 AND id < $3
             ORDER BY id DESC LIMIT $4",
        )
        .bind(id)
        .bind(workspace_id)
        .bind(before.unwrap_or(i64::MAX))
        .bind(limit + 1)
        .fetch_all(&self.pool)
        .await?;
        let mut list = rows
            .iter()
            .map(|r| {
                Ok(Note {
                    id: r.try_get("id")?,
                    author_id: r.try_get("author_id")?,
                    text: r.try_get("text")?,
                    created_at: r.try_get("created_at")?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        let older = list.len() as i64 > limit;
        list.truncate(limit as usize);
        list.reverse();
        Ok((list, older))
    }

    /// A page of a conversation's messages: the latest `limit` before message
    /// `before` (which must be the conversation's; from the newest when `None`),
    /// oldest first, and whether older ones exist.
    pub async fn messages_page(
        &self,
        workspace_id: i64,
        conversation_id: i64,
        before: Option<i64>,
        limit: i64,
    ) -> Result<(Vec<crate::model::Message>, bool)> {
        self.conversation(workspace_id, conversation_id).await?;
        let limit = limit.clamp(1, 1000);
        let (at, id) = match before {
            Some(id) => {
                let at: i64 = sqlx::query_scalar(
                    "SELECT at FROM messages
                     WHERE id = $1 AND conversation_id = $2 AND workspace_id = $3",
                )
                .bind(id)
                .bind(conversation_id)
                .bind(workspace_id)
                .fetch_optional(&self.pool)
                .await?
                .ok_or(StoreError::NotFound("message"))?;
                (at, id)
            }
            None => (i64::MAX, i64::MAX),
        };
        let rows = sqlx::query(&format!(
            "SELECT {} FROM messages
             WHERE conversation_id = $1 AND workspace_id = $2 AND (at < $3 OR (at = $3 AND id < $4))
             ORDER BY at DESC, id DESC LIMIT $5",
            crate::messages::MESSAGE_COLUMNS
        ))
        .bind(conversation_id)
        .bind(workspace_id)
        .bind(at)
        .bind(id)
        .bind(limit + 1)
        .fetch_all(&self.pool)
        .await?;
        let mut list = rows
            .iter()
            .map(crate::messages::message)
            .collect::<Result<Vec<_>>>()?;
        let older = list.len() as i64 > limit;
        list.truncate(limit as usize);
        list.reverse();
        Ok((list, older))
    }

    /// Creates a saved reply: shared (`owner_id` `None`) or `owner_id`'s
    /// personal one. Shortcuts are unique among the shared replies and among each
    /// person's own, and a personal reply cannot take a shared one's shortcut
    /// (the person's `/` list would offer two).
    pub async fn create_saved_reply(
        &self,
        workspace_id: i64,
        owner_id: Option<i64>,
        fields: &SavedReplyFields,
        now: Micros,
    ) -> Result<SavedReply> {
        if owner_id.is_some() {
            self.shortcut_free_of_shared(workspace_id, &fields.shortcut, None)
                .await?;
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO saved_replies (workspace_id, owner_id, name, shortcut, text, translations,
                 upload_id, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        )
        .bind(workspace_id)
        .bind(owner_id)
        .bind(&fields.name)
        .bind(&fields.shortcut)
        .bind(&fields.text)
        .bind(json_text(&fields.translations))
        .bind(fields.upload_id)
        .bind(now)
        .fetch_one(&self.pool)
        .await
        .map_err(|e| conflict(e, "a saved reply with this shortcut already exists"))?;
        Ok(SavedReply {
            id,
            owner_id,
            name: fields.name.clone(),
            shortcut: fields.shortcut.clone(),
            text: fields.text.clone(),
            translations: fields.translations.clone(),
            upload_id: fields.upload_id,
        })
    }

    /// The saved replies `viewer` sees: the shared ones and, for a person, their
    /// own; by shortcut, a person's own before a shared one of the same shortcut.
    pub async fn saved_replies(
        &self,
        workspace_id: i64,
        viewer: Option<i64>,
    ) -> Result<Vec<SavedReply>> {
        let rows = sqlx::query(
            "SELECT id, owner_id, name, shortcut, text, translations, upload_id FROM saved_replies
             WHERE workspace_id = $1 AND (owner_id IS NULL OR owner_id = $2)
             ORDER BY shortcut, CASE WHEN owner_id IS NULL THEN 1 ELSE 0 END",
        )
        .bind(workspace_id)
        .bind(viewer.unwrap_or(-1))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(saved_reply).collect()
    }

    /// One saved reply that `viewer` sees (shared, or their own); another
    /// person's personal reply is not found.
    pub async fn saved_reply(
        &self,
        workspace_id: i64,
        id: i64,
        viewer: Option<i64>,
    ) -> Result<SavedReply> {
        let row = sqlx::query(
            "SELECT id, owner_id, name, shortcut, text, translations, upload_id FROM saved_replies
             WHERE id = $1 AND workspace_id = $2 AND (owner_id IS NULL OR owner_id = $3)",
        )
        .bind(id)
        .bind(workspace_id)
        .bind(viewer.unwrap_or(-1))
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound("saved reply"))?;
        saved_reply(&row)
    }

    /// Changes a saved reply that `viewer` sees (its owner stays).
    pub async fn update_saved_reply(
        &self,
        workspace_id: i64,
        id: i64,
        viewer: Option<i64>,
        fields: &SavedReplyFields,
    ) -> Result<SavedReply> {
        let current = self.saved_reply(workspace_id, id, viewer).await?;
        if current.owner_id.is_some() {
            self.shortcut_free_of_shared(workspace_id, &fields.shortcut, Some(id))
                .await?;
        }
        let done = sqlx::query(
            "UPDATE saved_replies SET name = $1, shortcut = $2, text = $3, translations = $4,
                 upload_id = $5
             WHERE id = $6 AND workspace_id = $7",
        )
        .bind(&fields.name)
        .bind(&fields.shortcut)
        .bind(&fields.text)
        .bind(json_text(&fields.translations))
        .bind(fields.upload_id)
        .bind(id)
        .bind(workspace_id)
        .execute(&self.pool)
        .await
        .map_err(|e| conflict(e, "a saved reply with this shortcut already exists"))?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound("saved reply"));
        }
        self.saved_reply(workspace_id, id, viewer).await
    }

    /// Deletes a saved reply that `viewer` sees.
    pub async fn delete_saved_reply(
        &self,
        workspace_id: i64,
        id: i64,
        viewer: Option<i64>,
    ) -> Result<()> {
        let done = sqlx::query(
            "DELETE FROM saved_replies
             WHERE id = $1 AND workspace_id = $2 AND (owner_id IS NULL OR owner_id = $3)",
        )
        .bind(id)
        .bind(workspace_id)
        .bind(viewer.unwrap_or(-1))
        .execute(&self.pool)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound("saved reply"));
        }
        Ok(())
    }

    /// A conflict if a shared reply (other than `except`) has `shortcut`.
    async fn shortcut_free_of_shared(
        &self,
        workspace_id: i64,
        shortcut: &str,
        except: Option<i64>,
    ) -> Result<()> {
        let taken: Option<i64> = sqlx::query_scalar(
            "SELECT id FROM saved_replies
             WHERE workspace_id = $1 AND owner_id IS NULL AND shortcut = $2 AND id <> $3",
        )
        .bind(workspace_id)
        .bind(shortcut)
        .bind(except.unwrap_or(-1))
        .fetch_optional(&self.pool)
        .await?;
        match taken {
            Some(_) => Err(StoreError::Conflict(
                "a shared saved reply has this shortcut".into(),
            )),
            None => Ok(()),
        }
    }
}

fn saved_reply(r: &AnyRow) -> Result<SavedReply> {
    Ok(SavedReply {
        id: r.try_get("id")?,
        owner_id: r.try_get("owner_id")?,
        name: r.try_get("name")?,
        shortcut: r.try_get("shortcut")?,
        text: r.try_get("text")?,
        translations: serde_json::from_str(&r.try_get::<String, _>("translations")?)
            .unwrap_or_default(),
        upload_id: r.try_get("upload_id")?,
    })
}

fn json_text(translations: &BTreeMap<String, String>) -> String {
    serde_json::to_string(translations).unwrap_or_else(|_| "{}".to_owned())
}

/// Records a folder move for the responsiveness engine.
pub(crate) async fn record_move(
    conn: &mut AnyConnection,
    conversation_id: i64,
    folder: Folder,
    at: Micros,
) -> Result<()> {
    sqlx::query("INSERT INTO folder_moves (conversation_id, folder, at) VALUES ($1, $2, $3)")
        .bind(conversation_id)
        .bind(folder.as_str())
        .bind(at)
        .execute(&mut *conn)
        .await?;
    Ok(())
}
