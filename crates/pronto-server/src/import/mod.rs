//! History import: a Messenger or Instagram channel's past conversations, from an
//! export of Meta's Conversations API ([`import_file`]) or from the API itself
//! ([`import_live`]), stored through the same paths as live messages so that the
//! responsiveness engines count them.
//!
//! Messages are stored through `Store::import_history`, up to `target::BATCH` of them
//! (several conversations) in one transaction, with the same writes as live
//! messages (the customer's as received, the business's as replies), deduplicated by
//! Meta's message id: importing twice, or resuming an interrupted import, never
//! stores a message twice. Each writes `message.created` to the workspace's event
//! log in its transaction, which is what the engines read.

mod client;
mod live;
mod target;

use std::collections::HashSet;

use pronto_channels::messenger::history::{
    Conversation, MessageError, parse_export, parse_message,
};
use pronto_store::StoreError;
use serde_json::Value;

pub use live::{LiveOptions, import_live};
pub use target::Target;

/// What an import did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    /// Conversations imported in this run.
    pub conversations: u64,
    /// Messages stored in this run.
    pub stored: u64,
    /// Messages that were already stored (an earlier import, or the webhooks).
    pub already: u64,
    /// Messages (and conversations) older than `--since`, left out.
    pub before_since: u64,
    /// Old messages whose details Meta no longer gives (error 9000001).
    pub deleted: u64,
    /// Conversations skipped because an interrupted import had finished them.
    pub resumed: u64,
    /// Conversations whose export holds only their newest messages.
    pub partial: u64,
    /// A stored cursor was refused, so the walk started again from the beginning.
    pub restarted: bool,
    /// What could not be imported, and why.
    pub skipped: Vec<Skip>,
}

/// An item left out of the import.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Skip {
    /// Where: `line N`, `conversation t_..`, `conversation t_.. message m_..`.
    pub at: String,
    /// Why.
    pub reason: String,
}

impl std::fmt::Display for Skip {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.at, self.reason)
    }
}

/// Told how far an import is (a progress bar; nothing in tests).
pub trait Progress {
    /// After each batch of messages written.
    fn update(&self, tally: &Tally);
}

impl Progress for () {
    fn update(&self, _: &Tally) {}
}

/// Why an import stopped.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The channel cannot be imported into.
    #[error("{0}")]
    Channel(String),
    /// Nothing in the file could be read.
    #[error("nothing could be read from the export: {0}")]
    NothingRead(String),
    /// Meta refused the Page token (code 190 or 102).
    #[error(
        "Meta refused the Page access token ({0}); give the channel a new one (PUT /api/v1/channels/ID/token) and import again with --resume"
    )]
    Token(String),
    /// The app or token lacks a permission (code 10 or 200-299).
    #[error(
        "Meta refused for lack of permission ({0}); the app needs pages_messaging, pages_read_engagement and pages_manage_metadata (instagram_manage_messages for Instagram)"
    )]
    Permission(String),
    /// Meta refused the request for another reason.
    #[error("Meta refused the request: {0}")]
    Graph(String),
    /// Meta could not be reached, or kept failing, after the retries.
    #[error("Meta kept failing after {attempts} attempts: {last}; run again with --resume")]
    GaveUp {
        /// Attempts made.
        attempts: u32,
        /// The last failure.
        last: String,
    },
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Imports an export (one page, an array of pages, or one page per line). Bad parts
/// are skipped and listed in the tally; the error is for a file with nothing readable.
pub async fn import_file(
    target: &Target,
    text: &str,
    progress: &dyn Progress,
) -> Result<Tally, ImportError> {
    let mut tally = Tally::default();
    // The one rule for U+0000 (`pronto_core::text`), as for webhooks and the API.
    let clean = pronto_core::text::storable_json(text.as_bytes());
    let text = std::str::from_utf8(&clean).unwrap_or(text);
    let (pages, errors) = parse_export(text);
    if pages.is_empty() && !errors.is_empty() {
        return Err(ImportError::NothingRead(errors[0].to_string()));
    }
    for e in errors {
        tally.skipped.push(Skip {
            at: format!("line {}", e.line),
            reason: e.reason,
        });
    }
    let learnt;
    let target = if target.needs_instagram_account() {
        learnt = with_instagram_account(target, &pages)?;
        &learnt
    } else {
        target
    };
    // Messages are written a batch at a time, several conversations a transaction.
    let mut pending = Vec::with_capacity(target::BATCH);
    for (p, page) in pages.iter().enumerate() {
        let items = page["data"]
            .as_array()
            .map(Vec::as_slice)
            .unwrap_or_default();
        for (i, item) in items.iter().enumerate() {
            let Some(conv) = Conversation::of(item) else {
                tally.skipped.push(Skip {
                    at: format!("page {} conversation #{}", p + 1, i + 1),
                    reason: "no conversation id".into(),
                });
                continue;
            };
            let Some(raw) = &conv.raw_messages else {
                tally.skipped.push(Skip {
                    at: format!("conversation {}", conv.id),
                    reason: "no messages in the export (export with fields=...,messages{id,created_time,from,to,message})".into(),
                });
                continue;
            };
            if conv.messages_paging.next.is_some() {
                tally.partial += 1;
            }
            let mut messages = Vec::with_capacity(raw.len());
            for (j, m) in raw.iter().enumerate() {
                match parse_message(m) {
                    Ok(m) => messages.push(m),
                    Err(e) => tally.skipped.push(Skip {
                        at: match &e {
                            MessageError::NoId => {
                                format!("conversation {} message #{}", conv.id, j + 1)
                            }
                            _ => format!("conversation {}", conv.id),
                        },
                        reason: e.to_string(),
                    }),
                }
            }
            target.queue_conversation(&conv, messages, &mut pending, &mut tally);
            if pending.len() >= target::BATCH {
                target.flush(&mut pending, &mut tally, progress).await?;
            }
        }
    }
    target.flush(&mut pending, &mut tally, progress).await?;
    Ok(tally)
}

/// The export of an Instagram channel whose config names only the Page: the business
/// is the one participant of every conversation.
fn with_instagram_account(target: &Target, pages: &[Value]) -> Result<Target, ImportError> {
    let mut common: Option<HashSet<String>> = None;
    for conv in pages
        .iter()
        .flat_map(|p| p["data"].as_array().into_iter().flatten())
        .filter_map(Conversation::of)
    {
        let ids: HashSet<String> = conv.participants.into_iter().map(|p| p.id).collect();
        common = Some(match common {
            None => ids,
            Some(c) => c.intersection(&ids).cloned().collect(),
        });
    }
    match common.map(|c| c.into_iter().collect::<Vec<_>>()).as_deref() {
        Some([id]) => {
            let mut t = target.clone();
            t.add_business(id);
            Ok(t)
        }
        _ => Err(ImportError::Channel(format!(
            "channel {} is an Instagram channel without config.ig_account_id, and the export does not show which participant is the business; set ig_account_id in the channel's config",
            target.channel.id
        ))),
    }
}
