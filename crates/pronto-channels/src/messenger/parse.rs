//! Turns the bytes of a webhook POST body into [`WebhookBody`].
//!
//! The body is read as generic JSON first and then walked by hand, so that an error
//! can say where it is (`entry 0, messaging 1: ...`) and so that a bad event is
//! confined to that event (see [`EventKind::Invalid`]).

use pronto_core::jsonl::type_name;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::de::LooseId;
use super::webhook::{
    Change, ChangeKind, Comment, CommentAuthor, Entry, EventKind, MessagingEvent, Object, Party,
    WebhookBody,
};

/// Why a webhook body could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WebhookError {
    /// The bytes are not JSON.
    #[error("not valid JSON: {0}")]
    Json(String),
    /// The JSON is not an object.
    #[error("expected a JSON object, found {0}")]
    NotAnObject(&'static str),
    /// The body has no `object` field, so it cannot be told apart from other webhooks.
    #[error("missing field \"object\"")]
    MissingObject,
    /// The body is for another product (`user`, `whatsapp_business_account`, ...).
    /// Holds the value as JSON, shortened when long.
    #[error("\"object\" is {0}, expected page or instagram")]
    UnexpectedObject(String),
    /// The envelope around the events has the wrong shape; says where and how.
    #[error("{0}")]
    Malformed(String),
}

/// Parses a Messenger or Instagram webhook POST body.
///
/// Fails only when the body as a whole cannot be read: not JSON, not for Messenger or
/// Instagram, or an `entry`, `messaging` or `standby` list of the wrong shape. Unknown
/// fields and event kinds are kept or ignored, and a single event with wrongly typed
/// fields becomes [`EventKind::Invalid`]. Never panics, whatever the bytes.
pub fn parse_body(bytes: &[u8]) -> Result<WebhookBody, WebhookError> {
    let value: Value =
        serde_json::from_slice(bytes).map_err(|e| WebhookError::Json(describe_json_error(&e)))?;
    let Value::Object(mut body) = value else {
        return Err(WebhookError::NotAnObject(type_name(&value)));
    };
    let object = match body.get("object") {
        None | Some(Value::Null) => return Err(WebhookError::MissingObject),
        Some(Value::String(s)) if s == "page" => Object::Page,
        Some(Value::String(s)) if s == "instagram" => Object::Instagram,
        Some(other) => return Err(WebhookError::UnexpectedObject(shorten(other))),
    };
    let entries = match body.remove("entry") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items
            .into_iter()
            .enumerate()
            .map(|(i, item)| parse_entry(i, item))
            .collect::<Result<_, _>>()?,
        Some(other) => {
            return Err(WebhookError::Malformed(format!(
                "\"entry\" must be an array, found {}",
                type_name(&other)
            )));
        }
    };
    Ok(WebhookBody { object, entries })
}

/// Reads the payload of one kind of event.
type ReadKind = fn(&str, &Value) -> Result<EventKind, String>;

/// The kinds that [`EventKind`] models, by key, in the order they are looked for.
const KINDS: [(&str, ReadKind); 8] = [
    ("message", |k, p| {
        Ok(EventKind::Message(Box::new(read_payload(k, p)?)))
    }),
    ("message_edit", |k, p| {
        Ok(EventKind::MessageEdit(read_payload(k, p)?))
    }),
    ("read", |k, p| Ok(EventKind::Read(read_payload(k, p)?))),
    ("delivery", |k, p| {
        Ok(EventKind::Delivery(read_payload(k, p)?))
    }),
    ("reaction", |k, p| {
        Ok(EventKind::Reaction(read_payload(k, p)?))
    }),
    ("postback", |k, p| {
        Ok(EventKind::Postback(Box::new(read_payload(k, p)?)))
    }),
    ("referral", |k, p| {
        Ok(EventKind::Referral(Box::new(read_payload(k, p)?)))
    }),
    ("optin", |k, p| {
        Ok(EventKind::Optin(Box::new(read_payload(k, p)?)))
    }),
];

/// The keys every event shares.
const ENVELOPE: [&str; 3] = ["sender", "recipient", "timestamp"];

fn parse_entry(index: usize, value: Value) -> Result<Entry, WebhookError> {
    let at = || format!("entry {index}");
    let Value::Object(mut map) = value else {
        return Err(WebhookError::Malformed(format!(
            "{}: expected an object, found {}",
            at(),
            type_name(&value)
        )));
    };
    let id = take::<LooseId>(&mut map, "id")
        .map_err(|e| WebhookError::Malformed(format!("{}: {e}", at())))?
        .and_then(|id| id.0);
    let time = take::<i64>(&mut map, "time")
        .map_err(|e| WebhookError::Malformed(format!("{}: {e}", at())))?;
    let mut lane = |name: &str| -> Result<Vec<MessagingEvent>, WebhookError> {
        match map.remove(name) {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::Array(items)) => items
                .into_iter()
                .enumerate()
                .map(|(j, item)| match item {
                    Value::Object(event) => Ok(parse_event(event)),
                    other => Err(WebhookError::Malformed(format!(
                        "{}, {name} {j}: expected an object, found {}",
                        at(),
                        type_name(&other)
                    ))),
                })
                .collect(),
            Some(other) => Err(WebhookError::Malformed(format!(
                "{}: \"{name}\" must be an array, found {}",
                at(),
                type_name(&other)
            ))),
        }
    };
    let messaging = lane("messaging")?;
    let standby = lane("standby")?;
    let changes = match map.remove("changes") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items
            .into_iter()
            .enumerate()
            .map(|(j, item)| match item {
                Value::Object(change) => Ok(parse_change(change)),
                other => Err(WebhookError::Malformed(format!(
                    "{}, changes {j}: expected an object, found {}",
                    at(),
                    type_name(&other)
                ))),
            })
            .collect::<Result<_, _>>()?,
        Some(other) => {
            return Err(WebhookError::Malformed(format!(
                "{}: \"changes\" must be an array, found {}",
                at(),
                type_name(&other)
            )));
        }
    };
    Ok(Entry {
        id,
        time,
        messaging,
        standby,
        changes,
    })
}

/// A Page `feed` change's value, as far as comments need it.
#[derive(serde::Deserialize)]
struct FeedValue {
    verb: Option<String>,
    #[serde(default, deserialize_with = "super::de::opt_id")]
    comment_id: Option<String>,
    #[serde(default, deserialize_with = "super::de::opt_id")]
    post_id: Option<String>,
    #[serde(default, deserialize_with = "super::de::opt_id")]
    parent_id: Option<String>,
    from: Option<CommentAuthor>,
    message: Option<String>,
    created_time: Option<i64>,
}

/// An Instagram `comments` change's value.
#[derive(serde::Deserialize)]
struct IgCommentValue {
    #[serde(default, deserialize_with = "super::de::opt_id")]
    id: Option<String>,
    from: Option<CommentAuthor>,
    text: Option<String>,
    #[serde(default, deserialize_with = "super::de::opt_id")]
    parent_id: Option<String>,
    media: Option<IgMedia>,
}

#[derive(serde::Deserialize)]
struct IgMedia {
    #[serde(default, deserialize_with = "super::de::opt_id")]
    id: Option<String>,
}

/// Reads one change; never fails, since a bad comment is reported in its `kind`.
fn parse_change(mut map: Map<String, Value>) -> Change {
    let field = match map.remove("field") {
        Some(Value::String(s)) => s,
        _ => String::new(),
    };
    let value = map.remove("value").unwrap_or(Value::Null);
    let comment = match field.as_str() {
        "feed" if value.get("item").and_then(Value::as_str) == Some("comment") => {
            read_payload::<FeedValue>("value", &value).map(|v| Comment {
                id: v.comment_id,
                verb: v.verb.unwrap_or_else(|| "add".to_owned()),
                post_id: v.post_id,
                parent_id: v.parent_id,
                from: v.from,
                text: v.message,
                created_time: v.created_time,
            })
        }
        "comments" | "live_comments" => {
            read_payload::<IgCommentValue>("value", &value).map(|v| Comment {
                id: v.id,
                verb: "add".to_owned(),
                post_id: v.media.and_then(|m| m.id),
                parent_id: v.parent_id,
                from: v.from,
                text: v.text,
                created_time: None,
            })
        }
        _ => {
            return Change {
                field,
                kind: ChangeKind::Other(value),
            };
        }
    };
    let kind = match comment {
        Ok(c) => ChangeKind::Comment(Box::new(c)),
        Err(error) => ChangeKind::Invalid { error },
    };
    Change { field, kind }
}

/// Reads one event; never fails, since a bad event is reported in its `kind`.
fn parse_event(mut map: Map<String, Value>) -> MessagingEvent {
    let envelope = (|| -> Result<_, String> {
        let sender = take::<Party>(&mut map, "sender")?;
        let recipient = take::<Party>(&mut map, "recipient")?;
        let timestamp = take::<i64>(&mut map, "timestamp")?;
        Ok((sender, recipient, timestamp))
    })();
    let known = KINDS.into_iter().find(|(key, _)| map.contains_key(*key));
    let (sender, recipient, timestamp) = match envelope {
        Ok(envelope) => envelope,
        Err(error) => {
            let kind = known
                .map(|(key, _)| key.to_owned())
                .or_else(|| {
                    map.keys()
                        .find(|k| !ENVELOPE.contains(&k.as_str()))
                        .cloned()
                })
                .unwrap_or_default();
            return MessagingEvent {
                sender: None,
                recipient: None,
                timestamp: None,
                kind: EventKind::Invalid { kind, error },
            };
        }
    };
    let kind = match known {
        None => EventKind::Unknown(map),
        Some((key, read)) => {
            let payload = map.get(key).unwrap_or(&Value::Null);
            read(key, payload).unwrap_or_else(|error| EventKind::Invalid {
                kind: key.to_owned(),
                error,
            })
        }
    };
    MessagingEvent {
        sender,
        recipient,
        timestamp,
        kind,
    }
}

/// Reads an event's payload. serde's messages do not name the field they are about,
/// so on failure each field is tried alone to find the one to name.
fn read_payload<T: DeserializeOwned>(key: &str, payload: &Value) -> Result<T, String> {
    T::deserialize(payload).map_err(|e| {
        let culprit = payload.as_object().and_then(|map| {
            map.iter().find_map(|(field, value)| {
                let alone = Value::Object(Map::from_iter([(field.clone(), value.clone())]));
                T::deserialize(&alone).err().map(|e| (field, e))
            })
        });
        match culprit {
            Some((field, e)) => format!("\"{key}.{field}\": {e}"),
            None => format!("\"{key}\": {e}"),
        }
    })
}

/// Removes `key` from `map` and reads it as `T`, treating `null` as absent. The error
/// names the key.
fn take<T: DeserializeOwned>(map: &mut Map<String, Value>, key: &str) -> Result<Option<T>, String> {
    match map.remove(key) {
        None | Some(Value::Null) => Ok(None),
        Some(value) => serde_json::from_value(value)
            .map(Some)
            .map_err(|e| format!("\"{key}\": {e}")),
    }
}

/// A value as JSON, cut to a length that fits in an error message.
fn shorten(v: &Value) -> String {
    const MAX: usize = 60;
    let text = v.to_string();
    match text.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}...", &text[..cut]),
        None => text,
    }
}

/// serde_json ends its messages with "at line L column C"; a body on one line (as
/// Meta sends them, and as a capture file holds them) needs only the column.
fn describe_json_error(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.rfind(" at line ") {
        Some(i) if e.line() == 1 => format!("{} at column {}", &text[..i], e.column()),
        _ => text,
    }
}

#[cfg(test)]
mod tests;
