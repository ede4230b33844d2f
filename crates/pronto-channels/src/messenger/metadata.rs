//! The `metadata` string Pronto sets on its Send API calls.
//!
//! Meta returns a send's `metadata` on the echo of that message. Echoes are the only
//! record of what the business sent, so Pronto puts who wrote the message (and which
//! Pronto message it was) there, and reads it back when the echo arrives.

use std::borrow::Cow;

use pronto_core::Author;
use serde::{Deserialize, Serialize};

/// Who wrote a message that Pronto sent, as carried in the Send API's `metadata`.
///
/// Encoded as compact JSON, for example
/// `{"pronto":1,"author":"agent","agent":"ana","message":"msg_42"}`. Meta caps
/// `metadata` at 1000 characters, which short ids stay far below.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendMetadata {
    /// Who wrote the message.
    pub author: Author,
    /// The Pronto agent who wrote it, when a person did.
    pub agent: Option<String>,
    /// Pronto's own id of the message, to match the echo to the outbox.
    pub message: Option<String>,
}

/// The format version; a change of meaning gets a new number so that old readers
/// ignore what they cannot read.
const VERSION: u64 = 1;

impl SendMetadata {
    /// The string to put in the Send API's `metadata`.
    pub fn encode(&self) -> String {
        let wire = Wire {
            pronto: VERSION,
            author: Cow::Borrowed(author_name(self.author)),
            agent: self.agent.as_deref().map(Cow::Borrowed),
            message: self.message.as_deref().map(Cow::Borrowed),
        };
        serde_json::to_string(&wire).expect("a struct of strings and a number always serializes")
    }

    /// Reads an echo's `metadata`: `None` when another app set it, when it is from
    /// another version of this format, or when it is malformed. Unknown fields are
    /// ignored so that later versions can add some without breaking this one.
    pub fn decode(text: &str) -> Option<SendMetadata> {
        let wire: Wire<'_> = serde_json::from_str(text).ok()?;
        if wire.pronto != VERSION {
            return None;
        }
        Some(SendMetadata {
            author: Author::parse(&wire.author)?,
            agent: wire.agent.map(Cow::into_owned),
            message: wire.message.map(Cow::into_owned),
        })
    }
}

#[derive(Serialize, Deserialize)]
struct Wire<'a> {
    pronto: u64,
    #[serde(borrow)]
    author: Cow<'a, str>,
    #[serde(borrow, default, skip_serializing_if = "Option::is_none")]
    agent: Option<Cow<'a, str>>,
    #[serde(borrow, default, skip_serializing_if = "Option::is_none")]
    message: Option<Cow<'a, str>>,
}

fn author_name(author: Author) -> &'static str {
    match author {
        Author::Agent => "agent",
        Author::Bot => "bot",
        Author::Automation => "automation",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(author: Author, agent: Option<&str>, message: Option<&str>) -> SendMetadata {
        SendMetadata {
            author,
            agent: agent.map(str::to_owned),
            message: message.map(str::to_owned),
        }
    }

    #[test]
    fn encodes_compactly_and_leaves_out_absent_fields() {
        let full = meta(Author::Agent, Some("ana"), Some("msg_42"));
        assert_eq!(
            full.encode(),
            r#"{"pronto":1,"author":"agent","agent":"ana","message":"msg_42"}"#
        );
        assert_eq!(
            meta(Author::Automation, None, None).encode(),
            r#"{"pronto":1,"author":"automation"}"#
        );
        assert_eq!(
            meta(Author::Bot, None, Some("m")).encode(),
            r#"{"pronto":1,"author":"bot","message":"m"}"#
        );
    }

    #[test]
    fn decode_reads_back_what_encode_wrote() {
        for m in [
            meta(Author::Agent, Some("ana"), Some("msg_42")),
            meta(Author::Bot, None, None),
            meta(Author::Automation, None, Some("m\"1\u{e9}")),
            meta(Author::Agent, Some(""), None),
        ] {
            assert_eq!(SendMetadata::decode(&m.encode()), Some(m));
        }
    }

    #[test]
    fn decode_accepts_unknown_fields_and_escapes() {
        let m = SendMetadata::decode(
            r#"{"message":"x","author":"bot","pronto":1,"agent":"caf\u00e9","new":[1]}"#,
        );
        assert_eq!(m, Some(meta(Author::Bot, Some("caf\u{e9}"), Some("x"))));
    }

    #[test]
    fn decode_rejects_what_is_not_ours_or_malformed() {
        for text in [
            "",
            "hello",
            "DEVELOPER_DEFINED_METADATA",
            "{}",
            "[1]",
            r#"{"author":"agent"}"#,
            r#"{"pronto":2,"author":"agent"}"#,
            r#"{"pronto":"1","author":"agent"}"#,
            r#"{"pronto":1}"#,
            r#"{"pronto":1,"author":"intern"}"#,
            r#"{"pronto":1,"author":"Agent"}"#,
            r#"{"pronto":1,"author":"agent","agent":5}"#,
            r#"{"pronto":1,"author":"agent"} trailing"#,
        ] {
            assert_eq!(SendMetadata::decode(text), None, "{text}");
        }
    }
}
