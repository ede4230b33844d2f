//! The spec's JSON Lines event format: one event object per line.
//!
//! Parsing has a fast path (serde into borrowed strings) and a slow path that runs only
//! when the fast one fails: it reads the line as a generic JSON value so that the error
//! names the field and what was wrong with it, and it accepts what the fast path was
//! too strict for (a wrongly typed field that this kind of event does not use).

use std::borrow::Cow;

use serde::Deserialize;
use serde_json::Value;

use crate::event::{Author, Event, EventKind, EventLog, Folder, Presence, Sender, Stream};
use crate::time::Timestamp;

/// A line that is not a valid event, with its 1-based line number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct LineError {
    /// The line number, from 1.
    pub line: usize,
    /// What is wrong, for a person.
    pub message: String,
}

/// Parses one line into `log`. Blank lines (only white space) are skipped.
pub fn parse_line(log: &mut EventLog, line_no: usize, line: &[u8]) -> Result<(), LineError> {
    if line.iter().all(u8::is_ascii_whitespace) {
        return Ok(());
    }
    let fail = |message: String| LineError {
        line: line_no,
        message,
    };
    let fields = match serde_json::from_slice::<Fields<'_>>(line) {
        Ok(fields) => fields,
        Err(_) => {
            let value: Value = serde_json::from_slice(line)
                .map_err(|e| fail(format!("not valid JSON: {}", strip_position(&e))))?;
            return match fields_from_value(&value) {
                Ok(fields) => push(log, &fields).map_err(fail),
                Err(message) => Err(fail(message)),
            };
        }
    };
    push(log, &fields).map_err(fail)
}

/// Writes an event of `stream` back as one line of the spec's format (without the
/// line break): what an export or a test that extends a stream needs.
pub fn to_line(stream: &Stream, event: &Event) -> String {
    let mut object = serde_json::Map::new();
    let mut put = |k: &str, v: &str| {
        object.insert(k.to_owned(), Value::String(v.to_owned()));
    };
    let at = event.at.to_string();
    match event.kind {
        EventKind::Message {
            conversation,
            sender,
            agent,
            id,
        } => {
            put("kind", "message");
            put("conversation", stream.conversation_name(conversation));
            put("at", &at);
            match sender {
                Sender::Customer => put("from", "customer"),
                Sender::Business(author) => {
                    put("from", "business");
                    put("author", author.as_str());
                }
            }
            if let Some(agent) = agent {
                put("agent_id", stream.agent_name(agent));
            }
            if let Some(id) = id {
                put("id", stream.message_id(id));
            }
        }
        EventKind::Status(presence) => {
            put("kind", "status");
            put("at", &at);
            put("status", presence.as_str());
        }
        EventKind::Folder {
            conversation,
            folder,
        } => {
            put("kind", "folder");
            put("conversation", stream.conversation_name(conversation));
            put("at", &at);
            put("folder", folder.as_str());
        }
    }
    Value::Object(object).to_string()
}

/// The fields the spec defines; any other field is ignored.
#[derive(Deserialize, Default)]
struct Fields<'a> {
    #[serde(borrow)]
    kind: Option<Cow<'a, str>>,
    #[serde(borrow)]
    conversation: Option<Cow<'a, str>>,
    #[serde(borrow)]
    at: Option<Cow<'a, str>>,
    #[serde(borrow)]
    from: Option<Cow<'a, str>>,
    #[serde(borrow)]
    author: Option<Cow<'a, str>>,
    #[serde(borrow)]
    id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    agent_id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    status: Option<Cow<'a, str>>,
    #[serde(borrow)]
    folder: Option<Cow<'a, str>>,
}

/// The slow path: reads the fields that the line's kind uses, and says which one has
/// the wrong type.
fn fields_from_value(value: &Value) -> Result<Fields<'_>, String> {
    let Value::Object(map) = value else {
        return Err(format!(
            "expected a JSON object, found {}",
            type_name(value)
        ));
    };
    let get = |name: &'static str| -> Result<Option<Cow<'_, str>>, String> {
        match map.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(Cow::Borrowed(s.as_str()))),
            Some(other) => Err(format!(
                "field \"{name}\" must be a string, found {}",
                type_name(other)
            )),
        }
    };
    let kind = get("kind")?;
    let used: &[&'static str] = match kind.as_deref() {
        Some("message") => &["conversation", "at", "from", "author", "id", "agent_id"],
        Some("status") => &["at", "status"],
        Some("folder") => &["conversation", "at", "folder"],
        _ => &[],
    };
    let mut fields = Fields {
        kind,
        ..Fields::default()
    };
    for &name in used {
        let v = get(name)?;
        match name {
            "conversation" => fields.conversation = v,
            "at" => fields.at = v,
            "from" => fields.from = v,
            "author" => fields.author = v,
            "id" => fields.id = v,
            "agent_id" => fields.agent_id = v,
            "status" => fields.status = v,
            "folder" => fields.folder = v,
            _ => unreachable!("every used field is listed"),
        }
    }
    Ok(fields)
}

fn push(log: &mut EventLog, f: &Fields<'_>) -> Result<(), String> {
    let required = |v: &Option<Cow<'_, str>>, name: &str| -> Result<String, String> {
        v.as_deref()
            .map(str::to_owned)
            .ok_or_else(|| format!("missing field \"{name}\""))
    };
    let kind = f
        .kind
        .as_deref()
        .ok_or_else(|| "missing field \"kind\"".to_owned())?;
    let at = || -> Result<Timestamp, String> {
        let text =
            f.at.as_deref()
                .ok_or_else(|| "missing field \"at\"".to_owned())?;
        Timestamp::parse(text).map_err(|e| format!("field \"at\": {e}"))
    };
    let event_kind = match kind {
        "message" => {
            let conversation = required(&f.conversation, "conversation")?;
            let at_value = at()?;
            let from = f
                .from
                .as_deref()
                .ok_or_else(|| "missing field \"from\"".to_owned())?;
            let sender = match from {
                "customer" => {
                    if f.author.is_some() {
                        return Err("a customer message cannot have an \"author\"".to_owned());
                    }
                    if f.agent_id.is_some() {
                        return Err("a customer message cannot have an \"agent_id\"".to_owned());
                    }
                    Sender::Customer
                }
                "business" => match f.author.as_deref() {
                    None => Sender::Business(Author::Agent),
                    Some(a) => Sender::Business(Author::parse(a).ok_or_else(|| {
                        format!(
                            "unknown author \"{a}\" on a business message (expected agent, bot or automation)"
                        )
                    })?),
                },
                other => {
                    return Err(format!(
                        "unknown \"from\" value \"{other}\" (expected customer or business)"
                    ));
                }
            };
            let conversation = log.conversation(&conversation);
            let agent = f.agent_id.as_deref().map(|a| log.agent(a));
            let id = f.id.as_deref().map(|i| log.message_id(i));
            log.push(Event {
                at: at_value,
                kind: EventKind::Message {
                    conversation,
                    sender,
                    agent,
                    id,
                },
            });
            return Ok(());
        }
        "status" => {
            let at_value = at()?;
            let status = required(&f.status, "status")?;
            let presence = Presence::parse(&status).ok_or_else(|| {
                format!("unknown status \"{status}\" (expected away or available)")
            })?;
            Event {
                at: at_value,
                kind: EventKind::Status(presence),
            }
        }
        "folder" => {
            let conversation = required(&f.conversation, "conversation")?;
            let at_value = at()?;
            let folder_name = required(&f.folder, "folder")?;
            let folder = Folder::parse(&folder_name).ok_or_else(|| {
                format!("unknown folder \"{folder_name}\" (expected inbox, done or spam)")
            })?;
            Event {
                at: at_value,
                kind: EventKind::Folder {
                    conversation: log.conversation(&conversation),
                    folder,
                },
            }
        }
        other => {
            return Err(format!(
                "unknown kind \"{other}\" (expected message, status or folder)"
            ));
        }
    };
    log.push(event_kind);
    Ok(())
}

/// How a JSON value's type reads in an error message ("a number", "an array").
pub fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// serde_json ends its messages with "at line L column C"; a line has one line, so
/// only the column is worth saying.
fn strip_position(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(i) => format!("{} at column {}", &text[..i], e.column()),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(line: &str) -> Result<EventLog, String> {
        let mut log = EventLog::new();
        parse_line(&mut log, 7, line.as_bytes()).map_err(|e| e.to_string())?;
        Ok(log)
    }

    #[test]
    fn accepts_the_spec_forms() {
        let log = parse(r#"{"kind":"message","conversation":"a","at":"2026-03-01T10:00:00Z","from":"business","author":"bot","id":"m1","extra":[1,2]}"#).unwrap();
        assert_eq!(log.len(), 1);
        assert!(parse(r#"{"kind":"status","at":"2026-03-01T10:00:00Z","status":"away"}"#).is_ok());
        assert!(parse(r#"{"kind":"folder","conversation":"a","at":"2026-03-01T10:00:00Z","folder":"spam"}"#).is_ok());
        assert_eq!(parse("   ").unwrap().len(), 0);
        // A wrongly typed field that this kind does not use is an unknown extra field.
        assert!(
            parse(r#"{"kind":"status","at":"2026-03-01T10:00:00Z","status":"away","folder":3}"#)
                .is_ok()
        );
        // Escapes in strings are decoded.
        assert!(parse(r#"{"kind":"message","conversation":"caf\u00e9","at":"2026-03-01T10:00:00Z","from":"customer"}"#).is_ok());
    }

    #[test]
    fn lines_written_back_read_the_same() {
        let lines = [
            r#"{"kind":"message","conversation":"a \"quoted\"","at":"2026-03-01T10:00:00.5+01:00","from":"customer","id":"m1"}"#,
            r#"{"kind":"message","conversation":"a \"quoted\"","at":"2026-03-01T09:01:00Z","from":"business","author":"bot","agent_id":"ana"}"#,
            r#"{"kind":"status","at":"2026-03-01T09:02:00Z","status":"away"}"#,
            r#"{"kind":"folder","conversation":"b","at":"2026-03-01T09:03:00Z","folder":"done"}"#,
        ];
        let mut log = EventLog::new();
        for (i, line) in lines.iter().enumerate() {
            parse_line(&mut log, i + 1, line.as_bytes()).unwrap();
        }
        let stream = log.into_stream();
        let mut again = EventLog::new();
        for (i, e) in stream.events().iter().enumerate() {
            parse_line(&mut again, i + 1, to_line(&stream, e).as_bytes()).unwrap();
        }
        let again = again.into_stream();
        assert_eq!(again.events(), stream.events());
        let written: Vec<String> = again.events().iter().map(|e| to_line(&again, e)).collect();
        let first: Vec<String> = stream
            .events()
            .iter()
            .map(|e| to_line(&stream, e))
            .collect();
        assert_eq!(written, first);
    }

    #[test]
    fn says_what_is_wrong_and_where() {
        let cases = [
            ("{not json", "line 7: not valid JSON"),
            ("[1]", "line 7: expected a JSON object, found an array"),
            (
                r#"{"at":"2026-03-01T10:00:00Z"}"#,
                "line 7: missing field \"kind\"",
            ),
            (r#"{"kind":"nope"}"#, "line 7: unknown kind \"nope\""),
            (
                r#"{"kind":"message","conversation":"a","at":"2026-03-01T10:00:00Z"}"#,
                "line 7: missing field \"from\"",
            ),
            (
                r#"{"kind":"message","conversation":null,"at":"2026-03-01T10:00:00Z","from":"customer"}"#,
                "line 7: missing field \"conversation\"",
            ),
            (
                r#"{"kind":"message","conversation":5,"at":"2026-03-01T10:00:00Z","from":"customer"}"#,
                "line 7: field \"conversation\" must be a string, found a number",
            ),
            (
                r#"{"kind":"message","conversation":"a","at":"yesterday","from":"customer"}"#,
                "line 7: field \"at\": bad timestamp",
            ),
            (
                r#"{"kind":"message","conversation":"a","at":"2026-03-01T10:00:00Z","from":"customer","author":"agent"}"#,
                "line 7: a customer message cannot have an \"author\"",
            ),
            (
                r#"{"kind":"message","conversation":"a","at":"2026-03-01T10:00:00Z","from":"business","author":"intern"}"#,
                "line 7: unknown author \"intern\"",
            ),
            (
                r#"{"kind":"message","conversation":"a","at":"2026-03-01T10:00:00Z","from":"shop"}"#,
                "line 7: unknown \"from\" value \"shop\"",
            ),
            (
                r#"{"kind":"status","at":"2026-03-01T10:00:00Z","status":"busy"}"#,
                "line 7: unknown status \"busy\"",
            ),
            (
                r#"{"kind":"folder","conversation":"a","at":"2026-03-01T10:00:00Z","folder":"trash"}"#,
                "line 7: unknown folder \"trash\"",
            ),
            (
                r#"{"kind":"status","at":"2026-03-01T10:00:00Z","status":true}"#,
                "line 7: field \"status\" must be a string, found a boolean",
            ),
        ];
        for (line, expected) in cases {
            let err = parse(line).unwrap_err();
            assert!(
                err.starts_with(expected),
                "{line}: got {err:?}, expected {expected:?}"
            );
        }
    }
}
