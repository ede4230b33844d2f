//! Email: a received message's bytes read into what Pronto keeps ([`parse`] into a
//! [`Mail`]: ids for threading and dedupe, the sender, the text shown and the full
//! text, files), the quoted history and signatures trimmed ([`trim`]), automated
//! mail recognised ([`auto`]) and the threading headers of a reply ([`thread`]).
//!
//! Parsing is `mail-parser`'s (MIME, charsets with `full_encoding`, encoded words,
//! HTML turned into text); it never panics on bytes from the network, which a
//! property test checks.

pub mod attach;
pub mod auto;
pub mod html;
pub mod thread;
pub mod trim;

use mail_parser::{MessageParser, MimeHeaders, PartType};
use sha2::{Digest, Sha256};

pub use auto::Automated;

/// The largest text kept for one message; longer bodies are cut (the raw message
/// stays whole in the store).
pub const MAX_TEXT: usize = 64 * 1024;

/// A received email, as Pronto keeps it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mail {
    /// Its Message-ID without the angle brackets; made from the bytes' hash when
    /// the mail has none, so the same mail is still stored once.
    pub message_id: String,
    /// In-Reply-To's ids.
    pub in_reply_to: Vec<String>,
    /// References' ids, oldest first.
    pub references: Vec<String>,
    /// The subject (empty when none).
    pub subject: String,
    /// The sender's address, lower-cased.
    pub from: String,
    /// The sender's display name, when given.
    pub from_name: Option<String>,
    /// The Date header, in microseconds since the epoch.
    pub date: Option<i64>,
    /// The whole text (the plain part, else the HTML turned into text).
    pub full_text: String,
    /// What an agent reads first: the text without the quoted history and the
    /// signature.
    pub text: String,
    /// Files: attachments and inline images.
    pub files: Vec<File>,
    /// Whether a robot sent it, and which kind.
    pub automated: Automated,
}

/// A file carried by a mail.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct File {
    /// Its name (`attachment-N` when the mail gives none).
    pub name: String,
    /// Its MIME type.
    pub content_type: String,
    /// The `Content-ID` an HTML body refers to (`cid:`), for inline images.
    pub content_id: Option<String>,
    /// Shown in the body rather than attached.
    pub inline: bool,
    /// The bytes.
    pub bytes: Vec<u8>,
}

/// Why bytes are not a mail Pronto can keep.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// Nothing that parses as a message.
    #[error("not an email message")]
    NotMail,
    /// No sender address to answer.
    #[error("the message has no From address")]
    NoSender,
}

/// Reads a received message.
pub fn parse(raw: &[u8]) -> Result<Mail, ParseError> {
    let message = MessageParser::default()
        .parse(raw)
        .ok_or(ParseError::NotMail)?;
    if message.headers().is_empty() {
        return Err(ParseError::NotMail);
    }
    let from = message.from().and_then(|a| a.first());
    let address = from
        .and_then(|a| a.address())
        .map(|a| a.trim().to_ascii_lowercase())
        .filter(|a| !a.is_empty());
    let automated = auto::classify(&message);
    // A bounce's sender is often empty or a daemon; it is kept from the daemon.
    let from_address = match (address, &automated) {
        (Some(a), _) => a,
        (None, Automated::Bounce(_)) => "mailer-daemon".to_owned(),
        (None, _) => return Err(ParseError::NoSender),
    };
    let message_id = message
        .message_id()
        .map(str::trim)
        .filter(|id| !id.is_empty())
        .map(str::to_owned)
        .unwrap_or_else(|| synthetic_id(raw));
    let full_text = cut(message
        .body_text(0)
        .map(|t| t.into_owned())
        .unwrap_or_default()
        .replace("\r\n", "\n")
        .replace('\0', "\u{FFFD}"));
    let text = trim::visible(&full_text);
    Ok(Mail {
        message_id,
        in_reply_to: ids(message.in_reply_to()),
        references: ids(message.references()),
        subject: message.subject().unwrap_or_default().trim().to_owned(),
        from: from_address,
        from_name: from
            .and_then(|a| a.name())
            .map(|n| n.trim().to_owned())
            .filter(|n| !n.is_empty()),
        date: message
            .date()
            .map(|d| d.to_timestamp().saturating_mul(1_000_000)),
        full_text,
        text,
        files: files(&message),
        automated,
    })
}

/// The ids of a Message-ID list header, without brackets.
fn ids(value: &mail_parser::HeaderValue<'_>) -> Vec<String> {
    let mut out: Vec<String> = match value {
        mail_parser::HeaderValue::Text(t) => vec![t.to_string()],
        mail_parser::HeaderValue::TextList(list) => list.iter().map(|t| t.to_string()).collect(),
        _ => Vec::new(),
    };
    out.retain(|id| !id.trim().is_empty());
    out
}

fn synthetic_id(raw: &[u8]) -> String {
    let hash = Sha256::digest(raw);
    format!("pronto-{}@no-message-id.invalid", hex::encode(&hash[..16]))
}

fn cut(mut text: String) -> String {
    if text.len() > MAX_TEXT {
        let mut end = MAX_TEXT;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        text.truncate(end);
    }
    text
}

fn files(message: &mail_parser::Message<'_>) -> Vec<File> {
    let mut out = Vec::new();
    for (n, part) in message.attachments().enumerate() {
        let bytes = match &part.body {
            PartType::Binary(b) | PartType::InlineBinary(b) => b.to_vec(),
            PartType::Text(t) | PartType::Html(t) => t.as_bytes().to_vec(),
            PartType::Message(m) => m.raw_message.to_vec(),
            PartType::Multipart(_) => continue,
        };
        let content_type = part
            .content_type()
            .map(|c| match c.subtype() {
                Some(sub) => format!("{}/{}", c.ctype(), sub),
                None => c.ctype().to_owned(),
            })
            .unwrap_or_else(|| "application/octet-stream".to_owned())
            .to_ascii_lowercase();
        let name = part
            .attachment_name()
            .map(|n| n.replace(['/', '\\', '\0'], "_"))
            .filter(|n| !n.trim().is_empty())
            .unwrap_or_else(|| format!("attachment-{}", n + 1));
        out.push(File {
            name,
            content_type,
            content_id: part
                .content_id()
                .map(|c| c.trim_matches(['<', '>']).to_owned()),
            inline: matches!(part.body, PartType::InlineBinary(_))
                || part.content_disposition().is_some_and(|d| d.is_inline()),
            bytes,
        });
    }
    out
}

#[cfg(test)]
mod tests;
