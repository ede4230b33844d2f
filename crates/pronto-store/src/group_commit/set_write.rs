//! A batch of messages (customers', as received, or an imported history's, both
//! sides) written with a few set-based statements instead of three a message: one lookup of the duplicates and one of the contacts
//! with their conversations (per channel), one multi-row insert of the messages, one
//! update of every touched conversation (the last two in runs of 64, 32... 1 rows,
//! `crate::runs`), then the events.
//! New contacts and conversations, a contact's first name and a conversation coming
//! back from `done` are written one by one (they are the exception). The outcome is
//! the same as writing the messages one after the other: the same
//! rows, the same results, events in the messages' order.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use pronto_core::Folder;
use sqlx::Row;

use crate::events::Write;
use crate::inbox::{list_key, record_move};
use crate::live_event::LiveEvent;
use crate::messages::{MESSAGE_COLUMNS, insert_contact, message};
use crate::model::{Inbound, Message, MessageAuthor, Micros, Stored};
use crate::profiles::queue_profile;

/// A customer's language is detected from the first messages of their
/// conversation: after this many, a language that could not be told is left
/// unknown rather than tried again on every message.
const DETECT_WITHIN: i64 = 6;
use crate::runs::{Forms, fixed_runs, list, params};
use crate::webhooks::PlatformReply;
use crate::{Result, StoreError};

/// One message to write: its workspace, the message, and the time of writing.
pub(crate) type Item<'a> = (i64, New<'a>, Micros);

/// A message to write.
#[derive(Clone, Copy)]
pub(crate) enum New<'a> {
    /// A customer's message, as received, and the thread of its channel it belongs
    /// to (`conversations.thread_key`: '' but on email, where each thread of mail
    /// is a conversation).
    Customer(&'a Inbound, &'a str),
    /// The business's message sent outside Pronto (an imported history's), which
    /// opens its conversation if need be; `contact_name` names a contact made for it.
    Business {
        reply: &'a PlatformReply,
        contact_name: Option<&'a str>,
    },
}

/// What the batch needs of a message, whichever its kind.
struct Fields<'a> {
    channel_id: i64,
    contact: &'a str,
    contact_name: Option<&'a str>,
    thread: &'a str,
    external_id: Option<&'a str>,
    text: &'a str,
    attachments: serde_json::Value,
    at: Micros,
    author: MessageAuthor,
    direction: &'static str,
    status: &'static str,
}

impl<'a> New<'a> {
    fn fields(self) -> Fields<'a> {
        match self {
            New::Customer(m, thread) => Fields {
                channel_id: m.channel_id,
                contact: &m.contact_external_id,
                contact_name: m.contact_name.as_deref(),
                thread,
                external_id: m.external_id.as_deref(),
                text: &m.text,
                attachments: m.attachments.clone(),
                at: m.at,
                author: MessageAuthor::Customer,
                direction: "in",
                status: "received",
            },
            New::Business {
                reply,
                contact_name,
            } => Fields {
                channel_id: reply.channel_id,
                contact: &reply.contact_external_id,
                contact_name,
                thread: "",
                external_id: Some(&reply.external_id),
                text: &reply.text,
                attachments: serde_json::json!([]),
                at: reply.at,
                author: reply.author,
                direction: "out",
                status: "sent",
            },
        }
    }
}

/// What became of an item before the insert.
enum Fate {
    /// Already stored (an earlier batch, another node).
    Stored(Box<Message>),
    /// The same message as an earlier item of this batch.
    SameAs(usize),
    /// To insert, as the `n`th row of the insert, in this conversation.
    Insert {
        row: usize,
        conversation: i64,
        profile_pending: bool,
        detect_language_of: Option<i64>,
    },
}

/// A conversation as the batch leaves it.
struct Conversation {
    id: i64,
    folder: Folder,
    waiting: Option<Micros>,
    last: Option<Micros>,
    touched: bool,
    /// A customer wrote: a snoozed conversation wakes.
    wake: bool,
    /// Young enough (fewer than `DETECT_WITHIN` messages) to tell the customer's
    /// language from.
    young: bool,
}

/// A customer of a channel, as far as the batch knows them.
struct Customer {
    contact: i64,
    named: bool,
    /// Their profile was queued by this batch (their first conversation here).
    profile_pending: bool,
    /// Their language is not known yet.
    language_unknown: bool,
    /// Their conversations here the batch knows, by thread.
    conversations: HashMap<String, Conversation>,
}

/// Whether `channel`'s platform has profiles to ask for, read once a batch (when a
/// conversation opens) and kept in `known`.
async fn has_profiles(
    tx: &mut Write,
    known: &mut HashMap<i64, bool>,
    channel: i64,
) -> Result<bool> {
    if let Some(&has) = known.get(&channel) {
        return Ok(has);
    }
    let kind: String = sqlx::query_scalar("SELECT kind FROM channels WHERE id = $1")
        .bind(channel)
        .fetch_one(&mut **tx)
        .await?;
    let has =
        pronto_core::channel::ChannelKind::parse(&kind).is_some_and(|k| k.has_user_profiles());
    known.insert(channel, has);
    Ok(has)
}

/// Writes `items` in `tx` and emits their events; one result per item, in order.
/// The caller checked that each item's channel is in its workspace.
pub(crate) async fn write_batch(tx: &mut Write, items: &[Item<'_>]) -> Result<Vec<Stored>> {
    let fields: Vec<Fields> = items.iter().map(|(_, m, _)| m.fields()).collect();
    let mut by_channel: HashMap<i64, Vec<usize>> = HashMap::new();
    for (i, f) in fields.iter().enumerate() {
        by_channel.entry(f.channel_id).or_default().push(i);
    }
    let mut existing: HashMap<(i64, String), Message> = HashMap::new();
    let mut customers: HashMap<(i64, String), Customer> = HashMap::new();
    let mut channels: Vec<_> = by_channel.into_iter().collect();
    channels.sort_unstable_by_key(|(c, _)| *c);
    for (channel, indexes) in &channels {
        let mut ids: Vec<&str> = indexes
            .iter()
            .filter_map(|&i| fields[i].external_id)
            .collect();
        ids.sort_unstable();
        ids.dedup();
        for run in ids.chunks(LOOKUP_KEYS) {
            // Planned with its values each time (not prepared): see `LOOKUP_KEYS`.
            let sql = format!(
                "SELECT {MESSAGE_COLUMNS} FROM messages WHERE channel_id = $1 AND external_id IN ({})",
                list(run.len(), 2)
            );
            let mut q = sqlx::query(&sql).persistent(false).bind(*channel);
            for id in run {
                q = q.bind(*id);
            }
            for row in q.fetch_all(&mut **tx).await? {
                let m = message(&row)?;
                let key = (*channel, m.external_id.clone().unwrap_or_default());
                existing.insert(key, m);
            }
        }
        let mut contacts: Vec<&str> = indexes.iter().map(|&i| fields[i].contact).collect();
        contacts.sort_unstable();
        contacts.dedup();
        // The threads the batch writes to on this channel ('' alone but on email).
        let mut threads: Vec<&str> = indexes.iter().map(|&i| fields[i].thread).collect();
        threads.sort_unstable();
        threads.dedup();
        for run in contacts.chunks(LOOKUP_KEYS) {
            // One row a conversation of these threads (one with none for a contact
            // without any).
            let sql = format!(
                "SELECT i.external_id, i.contact_id, k.name,
                        CASE WHEN k.language IS NULL THEN 1 ELSE 0 END AS no_language,
                        CASE WHEN (SELECT COUNT(*) FROM (SELECT 1 FROM messages m
                                   WHERE m.conversation_id = c.id LIMIT {DETECT_WITHIN}) f)
                                  < {DETECT_WITHIN}
                             THEN 1 ELSE 0 END AS young,
                        c.id AS conversation, c.thread_key, c.folder,
                        c.waiting_since, c.last_message_at
                 FROM contact_identities i
                 JOIN contacts k ON k.id = i.contact_id
                 LEFT JOIN conversations c
                   ON c.channel_id = i.channel_id AND c.contact_id = i.contact_id
                  AND c.thread_key IN ({})
                 WHERE i.channel_id = $1 AND i.external_id IN ({})",
                list(threads.len(), 2),
                list(run.len(), 2 + threads.len())
            );
            let mut q = sqlx::query(&sql).persistent(false).bind(*channel);
            for thread in &threads {
                q = q.bind(*thread);
            }
            for id in run {
                q = q.bind(*id);
            }
            for row in q.fetch_all(&mut **tx).await? {
                let name: Option<String> = row.try_get("name")?;
                let customer = customers
                    .entry((*channel, row.try_get("external_id")?))
                    .or_insert(Customer {
                        contact: row.try_get("contact_id")?,
                        named: name.is_some_and(|n| !n.is_empty()),
                        profile_pending: false,
                        language_unknown: row.try_get::<i64, _>("no_language")? != 0,
                        conversations: HashMap::new(),
                    });
                if let Some(id) = row.try_get::<Option<i64>, _>("conversation")? {
                    let conversation = Conversation {
                        id,
                        folder: Folder::parse(&row.try_get::<String, _>("folder")?)
                            .unwrap_or(Folder::Inbox),
                        waiting: row.try_get("waiting_since")?,
                        last: row.try_get("last_message_at")?,
                        touched: false,
                        wake: false,
                        young: row.try_get::<i64, _>("young")? != 0,
                    };
                    customer
                        .conversations
                        .insert(row.try_get("thread_key")?, conversation);
                }
            }
        }
    }

    // The items in order, as if written one after the other.
    let mut fates = Vec::with_capacity(items.len());
    let mut first_of: HashMap<(i64, &str), usize> = HashMap::new();
    let mut profiles: HashMap<i64, bool> = HashMap::new();
    let mut rows: Vec<usize> = Vec::new();
    for (i, (&(ws, _, now), m)) in items.iter().zip(&fields).enumerate() {
        if let Some(ext) = m.external_id {
            if let Some(found) = existing.get(&(m.channel_id, ext.to_owned())) {
                fates.push(Fate::Stored(Box::new(found.clone())));
                continue;
            }
            if let Some(&first) = first_of.get(&(m.channel_id, ext)) {
                fates.push(Fate::SameAs(first));
                continue;
            }
            first_of.insert((m.channel_id, ext), i);
        }
        let customer = match customers.entry((m.channel_id, m.contact.to_owned())) {
            Entry::Occupied(known) => known.into_mut(),
            Entry::Vacant(new) => {
                // Not among the batch's customers looked up above: a new one.
                let contact =
                    insert_contact(tx, ws, m.channel_id, m.contact, m.contact_name, now).await?;
                new.insert(Customer {
                    contact,
                    named: m.contact_name.is_some_and(|n| !n.is_empty()),
                    profile_pending: false,
                    language_unknown: true,
                    conversations: HashMap::new(),
                })
            }
        };
        // A contact first known without a name (Instagram DMs carry none) learns it.
        if let Some(name) = m.contact_name.filter(|n| !n.is_empty())
            && !customer.named
        {
            sqlx::query("UPDATE contacts SET name = $1 WHERE id = $2 AND name = ''")
                .bind(name)
                .bind(customer.contact)
                .execute(&mut **tx)
                .await?;
            customer.named = true;
        }
        let conversation = match customer.conversations.entry(m.thread.to_owned()) {
            Entry::Occupied(known) => known.into_mut(),
            Entry::Vacant(new) => {
                // A new conversation: the platform is asked who they are (once a
                // contact: `queue_profile`).
                customer.profile_pending = has_profiles(tx, &mut profiles, m.channel_id).await?
                    && queue_profile(tx, ws, customer.contact, m.channel_id, m.contact, now)
                        .await?;
                new.insert(Conversation {
                id: sqlx::query_scalar(
                    "INSERT INTO conversations (workspace_id, channel_id, contact_id, thread_key, list_key, created_at)
                     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                )
                .bind(ws)
                .bind(m.channel_id)
                .bind(customer.contact)
                .bind(m.thread)
                .bind(m.at)
                .bind(now)
                .fetch_one(&mut **tx)
                .await?,
                folder: Folder::Inbox,
                waiting: None,
                last: None,
                touched: false,
                wake: false,
                young: true,
                })
            }
        };
        conversation.last = Some(conversation.last.map_or(m.at, |l| l.max(m.at)));
        conversation.touched = true;
        match m.author {
            MessageAuthor::Customer => {
                conversation.waiting = Some(conversation.waiting.map_or(m.at, |w| w.min(m.at)));
                conversation.wake = true;
            }
            // A person's or a bot's message answers the customer.
            MessageAuthor::Agent | MessageAuthor::Bot => conversation.waiting = None,
            MessageAuthor::Automation => {}
        }
        // A customer's message brings a conversation in done back to the inbox; one
        // in spam stays there.
        if m.author == MessageAuthor::Customer && conversation.folder == Folder::Done {
            conversation.folder = Folder::Inbox;
            record_move(tx, conversation.id, Folder::Inbox, m.at).await?;
        }
        fates.push(Fate::Insert {
            row: rows.len(),
            conversation: conversation.id,
            profile_pending: customer.profile_pending,
            detect_language_of: (m.author == MessageAuthor::Customer
                && customer.language_unknown
                && conversation.young)
                .then_some(customer.contact),
        });
        rows.push(i);
    }

    // The messages, in item order; ids are given in the order of the VALUES rows,
    // so the returned ids sorted are the rows' ids in order, whatever order the
    // database returns them in.
    let mut ids = Vec::with_capacity(rows.len());
    let conversation_of: Vec<i64> = fates
        .iter()
        .filter_map(|f| match f {
            Fate::Insert { conversation, .. } => Some(*conversation),
            _ => None,
        })
        .collect();
    let mut offset = 0;
    for run in fixed_runs(&rows) {
        let mut q = sqlx::query_scalar::<_, i64>(INSERT.get(run.len()));
        for (k, &i) in run.iter().enumerate() {
            let (ws, _, now) = items[i];
            let m = &fields[i];
            q = q
                .bind(ws)
                .bind(m.channel_id)
                .bind(conversation_of[offset + k])
                .bind(m.direction)
                .bind(m.author.as_str())
                .bind(m.text)
                .bind(m.attachments.to_string())
                .bind(m.external_id)
                .bind(m.status)
                .bind(m.at)
                .bind(now);
        }
        let mut got = q.fetch_all(&mut **tx).await?;
        if got.len() != run.len() {
            return Err(StoreError::Conflict(format!(
                "{} messages inserted of {}",
                got.len(),
                run.len()
            )));
        }
        got.sort_unstable();
        ids.extend(got);
        offset += run.len();
    }

    // Every touched conversation, once.
    let mut touched: Vec<&Conversation> = customers
        .values()
        .flat_map(|c| c.conversations.values())
        .filter(|c| c.touched)
        .collect();
    touched.sort_unstable_by_key(|c| c.id);
    for run in fixed_runs(&touched) {
        let mut q = sqlx::query(UPDATE.get(run.len()));
        for c in run {
            q = q
                .bind(c.id)
                .bind(c.waiting)
                .bind(c.last)
                .bind(list_key(c.folder, c.waiting, c.last))
                .bind(c.folder.as_str())
                .bind(i64::from(c.wake));
        }
        q.execute(&mut **tx).await?;
    }

    // The results and the events, in item order.
    let mut stored: Vec<Stored> = Vec::with_capacity(items.len());
    for (i, (fate, m)) in fates.into_iter().zip(fields).enumerate() {
        let (ws, _, now) = items[i];
        stored.push(match fate {
            Fate::Stored(message) => Stored {
                message: *message,
                created: false,
                profile_pending: false,
                detect_language_of: None,
            },
            Fate::SameAs(first) => Stored {
                message: stored[first].message.clone(),
                created: false,
                profile_pending: false,
                detect_language_of: None,
            },
            Fate::Insert {
                row,
                conversation,
                profile_pending,
                detect_language_of,
            } => {
                // The message as stored, without reading it back.
                let message = Message {
                    id: ids[row],
                    conversation_id: conversation,
                    channel_id: m.channel_id,
                    author: m.author,
                    agent_id: None,
                    text: m.text.to_owned(),
                    attachments: m.attachments,
                    external_id: m.external_id.map(str::to_owned),
                    status: m.status.to_owned(),
                    error: None,
                    at: m.at,
                    reaction: None,
                    edited_at: None,
                    deleted_at: None,
                    pricing: None,
                };
                let event = LiveEvent::MessageCreated {
                    conversation_id: conversation,
                    message: message.clone(),
                };
                tx.emit(ws, &event, now);
                Stored {
                    message,
                    created: true,
                    profile_pending,
                    detect_language_of,
                }
            }
        });
    }
    Ok(stored)
}

/// The most keys a lookup takes (a batch's, usually: `MAX_BATCH`). The two lookups
/// are sent unprepared, in the batch's own length, so PostgreSQL plans each with its
/// values. Prepared, their generic plan (chosen at the sixth execution while the
/// tables were small, and kept until the next ANALYZE) looked the duplicates up
/// through the channel's time index: 3 to 7 ms a lookup, growing with the table,
/// half the ingest rate (BENCHMARKS.md, issue 12). Planning them costs far less.
const LOOKUP_KEYS: usize = 256;

static INSERT: Forms = Forms::new(|n| {
    format!(
        "INSERT INTO messages (workspace_id, channel_id, conversation_id, direction, author, text,
                               attachments, external_id, status, at, created_at)
         VALUES {} RETURNING id",
        params(n, 11, 1)
    )
});

static UPDATE: Forms = Forms::new(|n| {
    format!(
        "WITH v (id, waiting_since, last_message_at, list_key, folder, wake) AS (VALUES {})
         UPDATE conversations SET waiting_since = v.waiting_since,
                last_message_at = v.last_message_at, list_key = v.list_key - {shift}, folder = v.folder,
                snoozed_until = CASE WHEN v.wake = 1 THEN NULL ELSE conversations.snoozed_until END
         FROM v WHERE conversations.id = v.id",
        params(n, 6, 1),
        shift = crate::inbox::PRIORITY_SHIFT
    )
});
