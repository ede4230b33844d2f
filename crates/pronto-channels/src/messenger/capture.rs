//! Reads captured webhook traffic (one POST body per line) into an [`EventLog`], for
//! `pronto report --input messenger-webhooks`.

use std::collections::HashSet;

use pronto_core::jsonl::LineError;
use pronto_core::{Author, Event, EventKind, EventLog, Sender, Timestamp};

use super::metadata::SendMetadata;
use super::parse::parse_body;
use super::webhook::{self, MessagingEvent};

/// The app id of Meta's Page Inbox (Business Suite): echoes with it are human replies.
///
/// Meta's echo reference prints `26390203743090`, a typo; this is the id that Meta's
/// own handover examples and the client libraries use.
pub const PAGE_INBOX_APP_ID: u64 = 263902037430900;

/// Turns captured webhook bodies into message events, line by line.
///
/// Meta delivers at least once, so the same message can appear in several bodies;
/// the reader remembers every `mid` it has seen and keeps only the first copy.
#[derive(Debug, Clone, Default)]
pub struct CaptureReader {
    app_id: Option<u64>,
    seen: HashSet<Box<str>>,
}

impl CaptureReader {
    /// A reader for a capture made by the app `app_id` (Pronto's own Meta app), whose
    /// echoes carry [`SendMetadata`]. Without it, echoes of Pronto's sends count as
    /// bot messages, like those of any other app.
    pub fn new(app_id: Option<u64>) -> Self {
        CaptureReader {
            app_id,
            seen: HashSet::new(),
        }
    }

    /// Parses one line (1-based `line_no`) into `log`. Blank lines are skipped.
    ///
    /// Customer messages and echoes of business messages become
    /// [`EventKind::Message`] events; every other kind of event is ignored. A line is
    /// all or nothing: when it has an error, nothing of it reaches `log`.
    pub fn push_line(
        &mut self,
        log: &mut EventLog,
        line_no: usize,
        line: &[u8],
    ) -> Result<(), LineError> {
        if line.iter().all(u8::is_ascii_whitespace) {
            return Ok(());
        }
        let fail = |message: String| LineError {
            line: line_no,
            message,
        };
        let body = parse_body(line).map_err(|e| fail(e.to_string()))?;
        let mut found = Vec::new();
        for (i, entry) in body.entries.iter().enumerate() {
            for (lane, j, event) in entry.events() {
                let message = self
                    .read_message(event)
                    .map_err(|e| fail(format!("entry {i}, {lane} {j}: {e}")))?;
                found.extend(message);
            }
        }
        for message in found {
            if self.seen.contains(message.mid) {
                continue;
            }
            self.seen.insert(message.mid.into());
            let conversation = log.conversation(message.conversation);
            let agent = message.agent.as_deref().map(|a| log.agent(a));
            let id = Some(log.message_id(message.mid));
            log.push(Event {
                at: message.at,
                kind: EventKind::Message {
                    conversation,
                    sender: message.sender,
                    agent,
                    id,
                },
            });
        }
        Ok(())
    }

    /// The message an event carries, if it is one that counts.
    fn read_message<'a>(&self, event: &'a MessagingEvent) -> Result<Option<Found<'a>>, String> {
        let message = match &event.kind {
            webhook::EventKind::Message(message) => message,
            webhook::EventKind::Invalid { kind, error } if kind == "message" => {
                return Err(format!("malformed message event: {error}"));
            }
            _ => return Ok(None),
        };
        // An Instagram deletion notice repeats the deleted message's mid; it is not
        // a new message.
        if message.is_deleted {
            return Ok(None);
        }
        let sender = party_id(event.sender.as_ref(), "sender")?;
        let recipient = party_id(event.recipient.as_ref(), "recipient")?;
        let at = event
            .timestamp
            .ok_or("message without a timestamp")
            .map(Timestamp::from_millis)?;
        let mid = message.mid.as_deref().ok_or("message without a mid")?;
        if !message.is_echo {
            return Ok(Some(Found {
                at,
                conversation: sender,
                sender: Sender::Customer,
                agent: None,
                mid,
            }));
        }
        let (author, agent) = match message.app_id {
            // Page Inbox replies carried no app id before Graph v12.
            None => (Author::Agent, None),
            Some(PAGE_INBOX_APP_ID) => (Author::Agent, None),
            Some(app) if Some(app) == self.app_id => {
                match message.metadata.as_deref().and_then(SendMetadata::decode) {
                    Some(meta) => (meta.author, meta.agent),
                    None => (Author::Bot, None),
                }
            }
            Some(_) => (Author::Bot, None),
        };
        Ok(Some(Found {
            at,
            conversation: recipient,
            sender: Sender::Business(author),
            agent,
            mid,
        }))
    }
}

/// A message found in a line, held back until the whole line has been read.
struct Found<'a> {
    at: Timestamp,
    conversation: &'a str,
    sender: Sender,
    agent: Option<String>,
    mid: &'a str,
}

fn party_id<'a>(party: Option<&'a webhook::Party>, role: &str) -> Result<&'a str, String> {
    let party = party.ok_or_else(|| format!("message without a {role}"))?;
    party
        .id
        .as_deref()
        .ok_or_else(|| format!("message whose {role} has no id"))
}

#[cfg(test)]
mod tests;
