//! Meta's Conversations API, the source of a history import: the pages that
//! `GET /{page-id}/conversations?fields=id,updated_time,participants,messages{..}`
//! returns, read one conversation and one message at a time so that a bad item
//! spoils nothing else.
//!
//! Messages come newest first; [`Conversation::messages`] returns them oldest first,
//! the order in which the store and the engine want them.

use pronto_core::Timestamp;
use serde_json::Value;

/// Where the next page is: Meta's `paging.next` URL and its `after` cursor.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Paging {
    /// The URL of the next page; absent on the last one (a short page is not the end).
    pub next: Option<String>,
    /// The cursor after this page.
    pub after: Option<String>,
}

impl Paging {
    /// The `paging` object of a page (or of a nested `messages` edge).
    pub fn of(page: &Value) -> Paging {
        let p = &page["paging"];
        Paging {
            next: p["next"].as_str().map(str::to_owned),
            after: p["cursors"]["after"].as_str().map(str::to_owned),
        }
    }
}

/// One side of a conversation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Party {
    /// The PSID, IGSID, Page id or IG account id.
    pub id: String,
    /// `name` (Messenger) or `username` (Instagram), when given.
    pub name: Option<String>,
}

impl Party {
    fn of(v: &Value) -> Option<Party> {
        let id = match &v["id"] {
            Value::String(s) if !s.is_empty() => s.clone(),
            Value::Number(n) => n.to_string(),
            _ => return None,
        };
        let name = v["name"]
            .as_str()
            .or_else(|| v["username"].as_str())
            .filter(|s| !s.is_empty())
            .map(str::to_owned);
        Some(Party { id, name })
    }
}

/// A message with its details.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HistoryMessage {
    /// Meta's message id (`mid`), which deduplicates the import.
    pub id: String,
    /// `created_time`.
    pub at: Timestamp,
    /// Who wrote it.
    pub from: Party,
    /// To whom (the first recipient).
    pub to: Option<Party>,
    /// Its text; empty for an attachment or a sticker.
    pub text: String,
}

/// Why a message of a conversation cannot be imported.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MessageError {
    /// Not an object, or no `id`.
    #[error("no message id")]
    NoId,
    /// Only the id: Meta gives details for the 20 newest messages of a conversation
    /// (the importer asks for the others one by one).
    #[error("message {0}: no details (only the id)")]
    NoDetails(String),
    /// A field is missing or wrong.
    #[error("message {id}: {reason}")]
    Bad {
        /// The message id.
        id: String,
        /// What is wrong.
        reason: String,
    },
}

/// Reads one message object (`{id, created_time, from, to, message}`).
pub fn parse_message(v: &Value) -> Result<HistoryMessage, MessageError> {
    let id = v["id"]
        .as_str()
        .filter(|s| !s.is_empty())
        .ok_or(MessageError::NoId)?
        .to_owned();
    let bad = |reason: String| MessageError::Bad {
        id: id.clone(),
        reason,
    };
    let Some(created) = v.get("created_time") else {
        if v.get("from").is_none() {
            return Err(MessageError::NoDetails(id));
        }
        return Err(bad("no created_time".into()));
    };
    let created = created
        .as_str()
        .ok_or_else(|| bad("created_time is not a string".into()))?;
    let at = parse_time(created).map_err(|e| bad(e.to_string()))?;
    let from = Party::of(&v["from"]).ok_or_else(|| bad("no from.id".into()))?;
    let to = v["to"]["data"]
        .as_array()
        .and_then(|a| a.first())
        .and_then(Party::of);
    let text = match &v["message"] {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        _ => return Err(bad("message is not a string".into())),
    };
    Ok(HistoryMessage {
        id,
        at,
        from,
        to,
        text,
    })
}

/// Meta writes `2022-07-12T19:11:07+0000`: RFC 3339 wants a colon in the offset.
/// `Z` and `+00:00` are read as they are.
pub fn parse_time(text: &str) -> Result<Timestamp, pronto_core::time::TimestampError> {
    let b = text.as_bytes();
    let n = b.len();
    if n > 5 && matches!(b[n - 5], b'+' | b'-') && b[n - 4..].iter().all(u8::is_ascii_digit) {
        let fixed = format!("{}:{}", &text[..n - 2], &text[n - 2..]);
        return Timestamp::parse(&fixed);
    }
    Timestamp::parse(text)
}

/// A conversation of a page, as listed.
#[derive(Clone, Debug)]
pub struct Conversation {
    /// Meta's conversation id (`t_...`).
    pub id: String,
    /// `updated_time`, when given and readable.
    pub updated: Option<Timestamp>,
    /// `participants.data`.
    pub participants: Vec<Party>,
    /// The nested `messages.data`, as given (newest first); `None` when the listing
    /// did not include the messages.
    pub raw_messages: Option<Vec<Value>>,
    /// The nested messages' paging.
    pub messages_paging: Paging,
}

impl Conversation {
    /// Reads a conversation object; `None` without an id.
    pub fn of(v: &Value) -> Option<Conversation> {
        let id = v["id"].as_str().filter(|s| !s.is_empty())?.to_owned();
        let participants = v["participants"]["data"]
            .as_array()
            .map(|a| a.iter().filter_map(Party::of).collect())
            .unwrap_or_default();
        let messages = v.get("messages");
        Some(Conversation {
            id,
            updated: v["updated_time"].as_str().and_then(|t| parse_time(t).ok()),
            participants,
            raw_messages: messages.map(|m| m["data"].as_array().cloned().unwrap_or_default()),
            messages_paging: messages.map(Paging::of).unwrap_or_default(),
        })
    }

    /// The customer: the participant that is not the business; failing that, the
    /// first author of a customer message or recipient of a business message.
    pub fn customer(
        &self,
        messages: &[HistoryMessage],
        is_business: impl Fn(&str) -> bool,
    ) -> Option<Party> {
        if let Some(p) = self.participants.iter().find(|p| !is_business(&p.id)) {
            return Some(p.clone());
        }
        messages.iter().find_map(|m| {
            if !is_business(&m.from.id) {
                Some(m.from.clone())
            } else {
                m.to.clone().filter(|t| !is_business(&t.id))
            }
        })
    }
}

/// Puts messages in time order, oldest first; messages of the same instant keep
/// the API's order reversed (the API lists newest first).
pub fn oldest_first(mut messages: Vec<HistoryMessage>) -> Vec<HistoryMessage> {
    messages.reverse();
    messages.sort_by_key(|m| m.at);
    messages
}

/// A part of an export that could not be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {reason}")]
pub struct ExportError {
    /// The line (1-based) where the bad part starts.
    pub line: usize,
    /// What is wrong.
    pub reason: String,
}

/// Reads an export: one page object, an array of pages, or one page per line. Returns
/// the pages read and the parts that could not be.
pub fn parse_export(text: &str) -> (Vec<Value>, Vec<ExportError>) {
    let text = text.trim_start_matches('\u{feff}');
    if let Ok(whole) = serde_json::from_str::<Value>(text) {
        return match whole {
            Value::Array(pages) => split_pages(pages, 1),
            page => split_pages(vec![page], 1),
        };
    }
    // Not one JSON document: JSON Lines, so that one bad line loses only itself.
    let mut pages = Vec::new();
    let mut errors = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<Value>(line) {
            Ok(Value::Array(items)) => {
                let (p, e) = split_pages(items, i + 1);
                pages.extend(p);
                errors.extend(e);
            }
            Ok(page) => {
                let (p, e) = split_pages(vec![page], i + 1);
                pages.extend(p);
                errors.extend(e);
            }
            Err(e) => errors.push(ExportError {
                line: i + 1,
                reason: format!("not JSON: {e}"),
            }),
        }
    }
    (pages, errors)
}

fn split_pages(items: Vec<Value>, line: usize) -> (Vec<Value>, Vec<ExportError>) {
    let mut pages = Vec::new();
    let mut errors = Vec::new();
    for item in items {
        if item["data"].is_array() {
            pages.push(item);
        } else {
            errors.push(ExportError {
                line,
                reason: "not a page of conversations (no \"data\" array)".into(),
            });
        }
    }
    (pages, errors)
}

#[cfg(test)]
mod tests;
