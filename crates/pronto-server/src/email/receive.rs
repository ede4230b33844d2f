//! The email reader: for each email channel, the node that holds the mailbox's lease
//! (`Store::claim_mailbox`: one reader at a time across nodes) signs in, reads the
//! UIDs above the stored position (all of them again when UIDVALIDITY changed: the
//! Message-IDs deduplicate), fetches them in batches with `BODY.PEEK[]`, stores each
//! batch through `inbound::receive` and only then moves the position (a crash
//! repeats a batch, which is stored once, and loses nothing), and then sets
//! `\Seen` if the channel asks for it.
//!
//! The worker polls every [`POLL`]; an IDLE watcher per channel ([`watch`]) reads
//! the mailbox as soon as the server announces new mail.

use std::collections::HashMap;
use std::time::Duration;

use pronto_channels::email::{self, Automated, Mail};
use pronto_store::{
    Channel, ChannelKind, EmailFile, EmailHeaders, EmailThread, Inbound, MailboxHealth,
    MailboxState, StatusUpdate,
};
use serde_json::json;

use crate::email::net::Reach;
use crate::email::{continuation, imap};
use crate::state::AppState;

/// How often every mailbox is read when no IDLE wakes the worker.
pub const POLL: Duration = Duration::from_secs(60);
/// How long a reader holds a mailbox without renewing (each batch renews).
pub const LEASE: i64 = 5 * 60_000_000;
/// How many mails one batch fetches and stores.
pub const BATCH: usize = 100;
/// How long an IDLE lasts before it is started again (servers drop idle clients
/// after 30 minutes).
pub const IDLE_LIMIT: Duration = Duration::from_secs(20 * 60);

/// What reading one mailbox did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Synced {
    /// Mails fetched.
    pub fetched: usize,
    /// New messages stored (the rest were there already, or bounces).
    pub stored: usize,
    /// Another node holds the mailbox.
    pub busy: bool,
}

/// How a channel's reader is doing, for its health line.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Reader {
    /// The last read and its error.
    pub mailbox: MailboxHealth,
    /// This node holds an IDLE connection on the mailbox (else it is read every
    /// [`POLL`]).
    pub idle: bool,
}

impl Reader {
    /// The reader of email channel `channel_id`.
    pub async fn of(state: &AppState, channel_id: i64) -> pronto_store::Result<Reader> {
        Ok(Reader {
            mailbox: state.store.mailbox_health(channel_id).await?,
            idle: state
                .idling
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .contains(&channel_id),
        })
    }
}

/// The worker's step: reads every email channel's mailbox once; errors are kept on
/// the mailbox and logged, one channel's never stopping the others.
pub async fn step(state: &AppState) -> Result<bool, String> {
    let channels = state
        .store
        .channels_of_kind(ChannelKind::Email)
        .await
        .map_err(|e| e.to_string())?;
    // A channel that is not receiving (the demo's in-process mailbox) is not read.
    for channel in channels.into_iter().filter(|c| c.state == "receiving") {
        if let Err(e) = sync(state, &channel).await {
            tracing::warn!(channel = channel.id, "email: {e}");
        }
        start_watch(state, &channel);
    }
    Ok(false)
}

/// Reads one channel's new mail.
pub async fn sync(state: &AppState, channel: &Channel) -> Result<Synced, String> {
    let owner = state.node.as_str();
    let claimed = state
        .store
        .claim_mailbox(channel.id, owner, state.now(), LEASE)
        .await
        .map_err(|e| e.to_string())?;
    let Some(position) = claimed else {
        return Ok(Synced {
            busy: true,
            ..Synced::default()
        });
    };
    let result = read(state, channel, position).await;
    let error = result.as_ref().err().map(String::as_str);
    state
        .store
        .release_mailbox(channel.id, owner, error, state.now())
        .await
        .map_err(|e| e.to_string())?;
    result
}

async fn read(
    state: &AppState,
    channel: &Channel,
    position: MailboxState,
) -> Result<Synced, String> {
    let config = channel.email_config();
    let password = state
        .open_secret(&config.imap.password)
        .map_err(|e| format!("the channel's IMAP password could not be opened: {e}"))?;
    let reach = Reach::of(&state.config);
    let (mut session, folder) = imap::open(&reach, &config, &password).await?;
    let result = async {
        // A new UIDVALIDITY voids every UID kept: the folder is read again, and the
        // Message-IDs keep what is stored from being stored twice.
        let after = match position.uidvalidity {
            Some(v) if v == folder.uidvalidity => position.last_uid,
            _ => 0,
        };
        let uids = imap::uids_after(&mut session, after).await?;
        let mut synced = Synced::default();
        for batch in uids.chunks(BATCH) {
            let mails = imap::fetch(&mut session, batch).await?;
            synced.fetched += mails.len();
            synced.stored += ingest(state, channel, &mails).await?;
            let last_uid = i64::from(*batch.last().unwrap_or(&0));
            let position = MailboxState {
                uidvalidity: Some(folder.uidvalidity),
                last_uid,
            };
            let owner = state.node.as_str();
            let kept = state
                .store
                .advance_mailbox(channel.id, owner, position, state.now())
                .await
                .map_err(|e| e.to_string())?;
            // Renewed for the next batch; a lost lease stops this reader.
            let renewed = state
                .store
                .claim_mailbox(channel.id, owner, state.now(), LEASE)
                .await
                .map_err(|e| e.to_string())?;
            if !kept || renewed.is_none() {
                return Err("another node took the mailbox over".to_owned());
            }
            if config.mark_seen {
                imap::mark_seen(&mut session, batch).await?;
            }
        }
        if uids.is_empty() && position.uidvalidity != Some(folder.uidvalidity) {
            let position = MailboxState {
                uidvalidity: Some(folder.uidvalidity),
                last_uid: 0,
            };
            state
                .store
                .advance_mailbox(channel.id, state.node.as_str(), position, state.now())
                .await
                .map_err(|e| e.to_string())?;
        }
        Ok(synced)
    }
    .await;
    imap::close(session).await;
    result
}

/// Stores fetched mails (UID, raw bytes): each one's headers, then the messages
/// together through the one inbound path (a person's answer to a mail sent for
/// another channel's conversation into that conversation:
/// `continuation::linked`), then their files. A bounce that names a
/// mail Pronto sent marks that message failed instead. Returns how many messages
/// are new. A mail that cannot be parsed is logged and skipped.
pub async fn ingest(
    state: &AppState,
    channel: &Channel,
    mails: &[(u32, Vec<u8>)],
) -> Result<usize, String> {
    let db = |e: pronto_store::StoreError| e.to_string();
    let now = state.now();
    let mut inbound = Vec::with_capacity(mails.len());
    let mut files = Vec::with_capacity(mails.len());
    let mut parsed = Vec::with_capacity(mails.len());
    let mut all = Vec::with_capacity(mails.len());
    // Answers that go back to another channel's conversation.
    let mut elsewhere = Vec::new();
    // The threads of this batch's mails, by Message-ID: a reply fetched with the
    // mail it answers (not stored yet) joins its thread.
    let mut threads: HashMap<String, EmailThread> = HashMap::new();
    for (uid, raw) in mails {
        match email::parse(raw) {
            Ok(mail) => {
                all.push(headers(&mail, raw));
                parsed.push(mail);
            }
            Err(e) => {
                tracing::warn!(channel = channel.id, uid, "email: a mail was skipped: {e}");
            }
        }
    }
    // Every mail's headers first, in one transaction: the automations that follow
    // the messages read them (is it a robot's?).
    state
        .store
        .record_emails(channel.id, &all, now)
        .await
        .map_err(db)?;
    for mail in parsed {
        if let Automated::Bounce(bounce) = &mail.automated
            && let Some(original) = &bounce.original_id
            && bounced(state, channel, original, bounce, now).await?
        {
            continue;
        }
        // A reply to a mail of a conversation belongs to that conversation.
        let mut ids = mail.in_reply_to.clone();
        ids.extend(mail.references.iter().cloned());
        // A person's answer to a mail sent for another channel's conversation (a
        // web chat visitor who left) goes back there; a robot's stays here, where
        // the email channel's rules keep it from being answered.
        if matches!(mail.automated, Automated::No)
            && let Some((home, customer)) = continuation::linked(state, channel, &ids, &mail.from)
                .await
                .map_err(db)?
        {
            let at = mail.date.map_or(now, |d| d.min(now));
            let message = Inbound {
                channel_id: home.id,
                contact_external_id: customer,
                contact_name: None,
                external_id: Some(mail.message_id.clone()),
                text: pronto_core::text::storable(&mail.text).into_owned(),
                attachments: json!([]),
                at,
            };
            elsewhere.push((home, message, mail.files));
            continue;
        }
        let thread = thread_of(state, channel, &mail, &ids, &threads).await?;
        threads.insert(mail.message_id.clone(), thread.clone());
        let own = thread.contact == mail.from;
        let message = Inbound {
            channel_id: channel.id,
            contact_external_id: thread.contact,
            contact_name: if own { mail.from_name.clone() } else { None },
            external_id: Some(mail.message_id.clone()),
            text: pronto_core::text::storable(&mail.text).into_owned(),
            attachments: json!([]),
            at: mail.date.map_or(now, |d| d.min(now)),
        };
        inbound.push((message, thread.thread_key));
        files.push(mail.files);
    }
    let mut results = crate::inbound::receive_threads(state, channel, inbound).await;
    for (home, message, mail_files) in elsewhere {
        results.push(crate::inbound::receive_one(state, &home, message).await);
        files.push(mail_files);
    }
    let mut stored = 0;
    for (result, files) in results.into_iter().zip(files) {
        let s = result.map_err(db)?;
        if !s.created {
            continue;
        }
        stored += 1;
        if !files.is_empty() {
            let files: Vec<EmailFile> = files
                .into_iter()
                .map(|f| EmailFile {
                    name: f.name,
                    content_type: f.content_type,
                    content_id: f.content_id,
                    inline: f.inline,
                    bytes: f.bytes,
                })
                .collect();
            state
                .store
                .keep_email_files(channel.workspace_id, s.message.id, &files, now)
                .await
                .map_err(db)?;
        }
    }
    Ok(stored)
}

/// The thread a mail belongs to: the one that holds a mail it names (this
/// batch's first, then the stored ones, the latest named first); else, for a
/// reply that names none Pronto knows, the sender's open thread of the same
/// subject (`thread::by_subject`, the reference's fallback); else a new thread,
/// named by the mail's own Message-ID.
async fn thread_of(
    state: &AppState,
    channel: &Channel,
    mail: &Mail,
    ids: &[String],
    batch: &HashMap<String, EmailThread>,
) -> Result<EmailThread, String> {
    let db = |e: pronto_store::StoreError| e.to_string();
    if let Some(found) = ids.iter().rev().find_map(|id| batch.get(id)) {
        return Ok(found.clone());
    }
    if let Some(found) = state
        .store
        .email_thread(channel.id, ids)
        .await
        .map_err(db)?
    {
        return Ok(found);
    }
    let open = state
        .store
        .email_open_subjects(channel.id, &mail.from, SUBJECTS_COMPARED)
        .await
        .map_err(db)?;
    let thread_key = match email::thread::by_subject(&mail.subject, &open) {
        Some(thread) => thread.to_owned(),
        None => mail.message_id.clone(),
    };
    Ok(EmailThread {
        contact: mail.from.clone(),
        thread_key,
    })
}

/// How many of a sender's latest mails the subject fallback looks at.
const SUBJECTS_COMPARED: i64 = 200;

/// Marks the sent message a bounce names as failed, with the remote server's
/// answer; false when no sent message has that id (the bounce is kept as mail).
async fn bounced(
    state: &AppState,
    channel: &Channel,
    original: &str,
    bounce: &email::auto::Bounce,
    now: i64,
) -> Result<bool, String> {
    if !bounce.is_permanent() {
        // A delay report: the message may still arrive; nothing to mark.
        return Ok(state
            .store
            .email_headers(channel.id, original)
            .await
            .map_err(|e| e.to_string())?
            .is_some_and(|h| h.direction == "out"));
    }
    let reason = bounce.reason();
    let update = StatusUpdate {
        external_id: original,
        status: "failed",
        error: Some(&reason),
        pricing: None,
    };
    let changed = state
        .store
        .apply_message_status(channel.workspace_id, channel.id, update, now)
        .await
        .map_err(|e| e.to_string())?;
    if changed.is_some() {
        state.after_change(channel.workspace_id, channel.id);
    } else if let Some(message) = state
        .store
        .fail_linked_email(channel.id, original, &reason, now)
        .await
        .map_err(|e| e.to_string())?
    {
        // A copy of another channel's message (a web chat reply to a visitor who
        // left): that message shows the bounce.
        state.after_change(channel.workspace_id, message.channel_id);
    }
    Ok(state
        .store
        .email_headers(channel.id, original)
        .await
        .map_err(|e| e.to_string())?
        .is_some_and(|h| h.direction == "out"))
}

fn headers(mail: &Mail, raw: &[u8]) -> EmailHeaders {
    EmailHeaders {
        rfc_id: mail.message_id.clone(),
        direction: "in".into(),
        subject: mail.subject.clone(),
        in_reply_to: mail.in_reply_to.clone(),
        references: mail.references.clone(),
        from_address: mail.from.clone(),
        automated: mail.automated.as_str().into(),
        full_text: pronto_core::text::storable(&mail.full_text).into_owned(),
        raw: Some(raw.to_vec()),
    }
}

/// Starts, once per channel and node, a task that holds an IDLE connection on the
/// channel's folder and reads the mailbox when the server announces a change; it
/// ends with the server (and is started again by the next poll) or on an error.
fn start_watch(state: &AppState, channel: &Channel) {
    {
        let mut idling = state.idling.lock().unwrap_or_else(|p| p.into_inner());
        if !idling.insert(channel.id) {
            return;
        }
    }
    let state = state.clone();
    let channel = channel.clone();
    tokio::spawn(async move {
        let result = watch(&state, &channel).await;
        if let Err(e) = result {
            tracing::debug!(channel = channel.id, "email: IDLE ended: {e}");
        }
        state
            .idling
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&channel.id);
    });
}

/// Waits in IDLE and reads the mailbox at each change, until the server stops.
async fn watch(state: &AppState, channel: &Channel) -> Result<(), String> {
    let config = channel.email_config();
    let password = state.open_secret(&config.imap.password)?;
    let reach = Reach::of(&state.config);
    while !state.is_stopping() {
        let (session, _) = imap::open(&reach, &config, &password).await?;
        // Mail that came before this connection selected the folder is read now;
        // what comes after is announced to the IDLE below.
        if let Err(e) = sync(state, channel).await {
            tracing::warn!(channel = channel.id, "email: {e}");
        }
        tokio::select! {
            r = imap::idle(session, IDLE_LIMIT) => r?,
            _ = state.stopping() => return Ok(()),
        }
    }
    Ok(())
}
