//! Turns the bytes of a WhatsApp webhook POST body into [`WebhookBody`].
//!
//! The body is read as generic JSON and walked by hand, so that an error says where
//! it is (`entry 0, change 1, message 2: ...`) and stays confined to its item: a
//! message, status or change of the wrong shape becomes an `Invalid` of its own.

use pronto_core::jsonl::type_name;
use serde_json::{Map, Value};

use super::webhook::{
    Change, Contact, Content, Context, Entry, ErrorInfo, Location, Media, MediaKind, Message,
    MessagesValue, Pricing, Referral, Status, StatusKind, System, TemplateStatusUpdate,
    WebhookBody,
};

/// The `object` of a WhatsApp webhook body.
pub const OBJECT: &str = "whatsapp_business_account";

/// Why a webhook body could not be read at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WebhookError {
    /// The bytes are not JSON.
    #[error("not valid JSON: {0}")]
    Json(String),
    /// The JSON is not an object.
    #[error("expected a JSON object, found {0}")]
    NotAnObject(&'static str),
    /// The body has no `object` field.
    #[error("missing field \"object\"")]
    MissingObject,
    /// The body is for another product (`page`, `instagram`...); holds the value.
    #[error("\"object\" is {0}, expected \"whatsapp_business_account\"")]
    UnexpectedObject(String),
    /// The envelope has the wrong shape; says where and how.
    #[error("{0}")]
    Malformed(String),
}

/// Parses a WhatsApp Cloud API webhook POST body.
///
/// Fails only when the body as a whole cannot be read: not JSON, not for WhatsApp,
/// or an `entry` or `changes` list of the wrong shape. Never panics, whatever the
/// bytes.
pub fn parse_body(bytes: &[u8]) -> Result<WebhookBody, WebhookError> {
    let value: Value = serde_json::from_slice(bytes).map_err(|e| {
        WebhookError::Json(format!(
            "{} at line {} column {}",
            describe(&e),
            e.line(),
            e.column()
        ))
    })?;
    let Value::Object(body) = value else {
        return Err(WebhookError::NotAnObject(type_name(&value)));
    };
    match body.get("object") {
        None | Some(Value::Null) => return Err(WebhookError::MissingObject),
        Some(Value::String(s)) if s == OBJECT => {}
        Some(other) => {
            let mut text = other.to_string();
            if text.len() > 60 {
                let cut = (0..=60).rev().find(|&i| text.is_char_boundary(i));
                text.truncate(cut.unwrap_or(0));
                text.push('…');
            }
            return Err(WebhookError::UnexpectedObject(text));
        }
    }
    let entries = list(&body, "entry").map_err(WebhookError::Malformed)?;
    let entries = entries
        .iter()
        .enumerate()
        .map(|(i, e)| parse_entry(i, e))
        .collect::<Result<_, _>>()?;
    Ok(WebhookBody { entries })
}

fn describe(e: &serde_json::Error) -> String {
    let text = e.to_string();
    match text.find(" at line ") {
        Some(i) => text[..i].to_owned(),
        None => text,
    }
}

fn parse_entry(index: usize, value: &Value) -> Result<Entry, WebhookError> {
    let at = format!("entry {index}");
    let Value::Object(map) = value else {
        return Err(WebhookError::Malformed(format!(
            "{at}: expected an object, found {}",
            type_name(value)
        )));
    };
    let malformed = |e: String| WebhookError::Malformed(format!("{at}: {e}"));
    let waba_id = text(map, "id").map_err(malformed)?;
    let changes = list(map, "changes").map_err(malformed)?;
    let changes = changes
        .iter()
        .enumerate()
        .map(|(i, c)| {
            parse_change(c).unwrap_or_else(|e| Change::Invalid(format!("{at}, change {i}: {e}")))
        })
        .collect();
    Ok(Entry { waba_id, changes })
}

fn parse_change(value: &Value) -> Result<Change, String> {
    let map = object(value)?;
    let field = text(map, "field")?.unwrap_or_default();
    let empty = Map::new();
    let v = match map.get("value") {
        None | Some(Value::Null) => &empty,
        Some(v) => object(v).map_err(|e| format!("\"value\": {e}"))?,
    };
    Ok(match field.as_str() {
        "messages" => Change::Messages(Box::new(parse_messages(v)?)),
        "message_template_status_update" => Change::TemplateStatus(TemplateStatusUpdate {
            event: text(v, "event")?,
            template_id: text(v, "message_template_id")?,
            name: text(v, "message_template_name")?,
            language: text(v, "message_template_language")?,
            reason: text(v, "reason")?,
            category: text(v, "message_template_category")?,
        }),
        _ => Change::Other { field },
    })
}

fn parse_messages(v: &Map<String, Value>) -> Result<MessagesValue, String> {
    let empty = Map::new();
    let metadata = match v.get("metadata") {
        None | Some(Value::Null) => &empty,
        Some(m) => object(m).map_err(|e| format!("\"metadata\": {e}"))?,
    };
    let contacts = list(v, "contacts")?
        .iter()
        .filter_map(|c| parse_contact(c).ok())
        .collect();
    let messages = list(v, "messages")?
        .iter()
        .enumerate()
        .map(|(i, m)| parse_message(m).unwrap_or_else(|e| invalid_message(m, i, e)))
        .collect();
    let statuses = list(v, "statuses")?
        .iter()
        .enumerate()
        .map(|(i, s)| parse_status(s).unwrap_or_else(|e| invalid_status(s, i, e)))
        .collect();
    Ok(MessagesValue {
        phone_number_id: text(metadata, "phone_number_id")?,
        display_phone_number: text(metadata, "display_phone_number")?,
        contacts,
        messages,
        statuses,
        errors: errors(v)?,
    })
}

fn parse_contact(value: &Value) -> Result<Contact, String> {
    let map = object(value)?;
    let name = match map.get("profile") {
        Some(Value::Object(p)) => text(p, "name")?,
        _ => None,
    };
    Ok(Contact {
        wa_id: text(map, "wa_id")?,
        user_id: text(map, "user_id")?,
        name,
    })
}

/// A message of the wrong shape keeps its id (when it can be read) so the error
/// names it.
fn invalid_message(value: &Value, index: usize, e: String) -> Message {
    let id = value.get("id").and_then(Value::as_str).map(str::to_owned);
    Message {
        id,
        from: None,
        user_id: None,
        timestamp: None,
        context: None,
        referral: None,
        errors: Vec::new(),
        content: Content::Invalid(format!("message {index}: {e}")),
    }
}

fn invalid_status(value: &Value, index: usize, e: String) -> Status {
    let id = value.get("id").and_then(Value::as_str).map(str::to_owned);
    Status {
        id,
        status: StatusKind::Invalid(format!("status {index}: {e}")),
        timestamp: None,
        recipient_id: None,
        errors: Vec::new(),
        pricing: None,
        callback_data: None,
    }
}

fn parse_message(value: &Value) -> Result<Message, String> {
    let m = object(value)?;
    let kind = text(m, "type")?.unwrap_or_default();
    let payload = |key: &str| -> Result<&Map<String, Value>, String> {
        match m.get(key) {
            Some(v) => object(v).map_err(|e| format!("\"{key}\": {e}")),
            None => Err(format!("a {kind} message needs \"{key}\"")),
        }
    };
    let content = match kind.as_str() {
        "text" => Content::Text {
            body: text(payload("text")?, "body")?.unwrap_or_default(),
        },
        "image" | "video" | "audio" | "document" | "sticker" => {
            let p = payload(&kind)?;
            Content::Media(Media {
                kind: MediaKind::parse(&kind).unwrap_or(MediaKind::Document),
                id: text(p, "id")?.ok_or_else(|| format!("\"{kind}\" needs its \"id\""))?,
                mime_type: text(p, "mime_type")?,
                sha256: text(p, "sha256")?,
                caption: text(p, "caption")?,
                filename: text(p, "filename")?,
                voice: flag(p, "voice")?,
            })
        }
        "location" => {
            let p = payload("location")?;
            Content::Location(Location {
                latitude: number(p, "latitude")?,
                longitude: number(p, "longitude")?,
                name: text(p, "name")?,
                address: text(p, "address")?,
                url: text(p, "url")?,
            })
        }
        "contacts" => Content::Contacts(list(m, "contacts")?.to_vec()),
        "interactive" => {
            let p = payload("interactive")?;
            let reply = |key: &str| -> Result<&Map<String, Value>, String> {
                match p.get(key) {
                    Some(v) => object(v).map_err(|e| format!("\"interactive.{key}\": {e}")),
                    None => Err(format!("\"interactive\" needs \"{key}\"")),
                }
            };
            match text(p, "type")?.as_deref() {
                Some("button_reply") => {
                    let r = reply("button_reply")?;
                    Content::ButtonReply {
                        id: text(r, "id")?.unwrap_or_default(),
                        title: text(r, "title")?.unwrap_or_default(),
                    }
                }
                Some("list_reply") => {
                    let r = reply("list_reply")?;
                    Content::ListReply {
                        id: text(r, "id")?.unwrap_or_default(),
                        title: text(r, "title")?.unwrap_or_default(),
                        description: text(r, "description")?,
                    }
                }
                other => Content::Other {
                    kind: format!("interactive/{}", other.unwrap_or("?")),
                },
            }
        }
        "button" => {
            let p = payload("button")?;
            Content::TemplateButton {
                payload: text(p, "payload")?,
                text: text(p, "text")?.unwrap_or_default(),
            }
        }
        "reaction" => {
            let p = payload("reaction")?;
            Content::Reaction {
                message_id: text(p, "message_id")?
                    .ok_or("\"reaction\" needs its \"message_id\"")?,
                emoji: text(p, "emoji")?.filter(|e| !e.is_empty()),
            }
        }
        "system" => {
            let p = payload("system")?;
            Content::System(System {
                kind: text(p, "type")?,
                body: text(p, "body")?,
                new_wa_id: text(p, "wa_id")?.or(text(p, "new_wa_id")?),
                user_id: text(p, "user_id")?,
                previous_user_id: text(p, "previous_user_id")?,
            })
        }
        "order" => Content::Order(m.get("order").cloned().unwrap_or(Value::Null)),
        "unsupported" => Content::Unsupported {
            kind: match m.get("unsupported") {
                Some(Value::Object(u)) => text(u, "type")?,
                _ => None,
            },
        },
        "" => return Err("missing \"type\"".into()),
        other => Content::Other {
            kind: other.to_owned(),
        },
    };
    let context = match m.get("context") {
        None | Some(Value::Null) => None,
        Some(c) => {
            let c = object(c).map_err(|e| format!("\"context\": {e}"))?;
            Some(Context {
                id: text(c, "id")?,
                from: text(c, "from")?,
                forwarded: flag(c, "forwarded")?,
                frequently_forwarded: flag(c, "frequently_forwarded")?,
                product: c.get("referred_product").cloned(),
            })
        }
    };
    let referral = match m.get("referral") {
        None | Some(Value::Null) => None,
        Some(r) => {
            let r = object(r).map_err(|e| format!("\"referral\": {e}"))?;
            Some(Referral {
                source_url: text(r, "source_url")?,
                source_id: text(r, "source_id")?,
                source_type: text(r, "source_type")?,
                headline: text(r, "headline")?,
                body: text(r, "body")?,
                media_type: text(r, "media_type")?,
                image_url: text(r, "image_url")?,
                video_url: text(r, "video_url")?,
                ctwa_clid: text(r, "ctwa_clid")?,
            })
        }
    };
    Ok(Message {
        id: text(m, "id")?,
        from: text(m, "from")?,
        user_id: text(m, "user_id")?,
        timestamp: seconds(m, "timestamp")?,
        context,
        referral,
        errors: errors(m)?,
        content,
    })
}

fn parse_status(value: &Value) -> Result<Status, String> {
    let s = object(value)?;
    let status = match text(s, "status")?.as_deref() {
        Some("sent") => StatusKind::Sent,
        Some("delivered") => StatusKind::Delivered,
        Some("read") => StatusKind::Read,
        Some("played") => StatusKind::Played,
        Some("failed") => StatusKind::Failed,
        Some(other) => StatusKind::Other(other.to_owned()),
        None => return Err("missing \"status\"".into()),
    };
    let pricing = match s.get("pricing") {
        None | Some(Value::Null) => None,
        Some(p) => {
            let p = object(p).map_err(|e| format!("\"pricing\": {e}"))?;
            Some(Pricing {
                billable: match p.get("billable") {
                    None | Some(Value::Null) => None,
                    Some(Value::Bool(b)) => Some(*b),
                    Some(other) => {
                        return Err(format!(
                            "\"pricing.billable\" must be true or false, found {}",
                            type_name(other)
                        ));
                    }
                },
                pricing_model: text(p, "pricing_model")?,
                kind: text(p, "type")?,
                category: text(p, "category")?,
            })
        }
    };
    Ok(Status {
        id: text(s, "id")?,
        status,
        timestamp: seconds(s, "timestamp")?,
        recipient_id: text(s, "recipient_id")?,
        errors: errors(s)?,
        pricing,
        callback_data: text(s, "biz_opaque_callback_data")?,
    })
}

/// An `errors` list (of a change, a message or a status); items of the wrong shape
/// are skipped.
fn errors(map: &Map<String, Value>) -> Result<Vec<ErrorInfo>, String> {
    Ok(list(map, "errors")?
        .iter()
        .filter_map(|e| {
            let e = e.as_object()?;
            let details = match e.get("error_data") {
                Some(Value::Object(d)) => text(d, "details").ok().flatten(),
                _ => None,
            };
            Some(ErrorInfo {
                code: e.get("code").and_then(Value::as_i64),
                title: text(e, "title").ok().flatten(),
                message: text(e, "message").ok().flatten(),
                details,
            })
        })
        .collect())
}

fn object(value: &Value) -> Result<&Map<String, Value>, String> {
    value
        .as_object()
        .ok_or_else(|| format!("expected an object, found {}", type_name(value)))
}

/// A list (absent or `null` read as empty).
fn list<'a>(map: &'a Map<String, Value>, key: &str) -> Result<&'a [Value], String> {
    match map.get(key) {
        None | Some(Value::Null) => Ok(&[]),
        Some(Value::Array(items)) => Ok(items),
        Some(other) => Err(format!(
            "\"{key}\" must be an array, found {}",
            type_name(other)
        )),
    }
}

/// A string (ids sent as numbers are kept as their decimal text).
fn text(map: &Map<String, Value>, key: &str) -> Result<Option<String>, String> {
    match map.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(Value::Number(n)) => Ok(Some(n.to_string())),
        Some(other) => Err(format!(
            "\"{key}\" must be a string, found {}",
            type_name(other)
        )),
    }
}

fn flag(map: &Map<String, Value>, key: &str) -> Result<bool, String> {
    match map.get(key) {
        None | Some(Value::Null) => Ok(false),
        Some(Value::Bool(b)) => Ok(*b),
        Some(other) => Err(format!(
            "\"{key}\" must be true or false, found {}",
            type_name(other)
        )),
    }
}

fn number(map: &Map<String, Value>, key: &str) -> Result<f64, String> {
    match map.get(key) {
        Some(Value::Number(n)) => n.as_f64().ok_or_else(|| format!("\"{key}\" is not finite")),
        Some(Value::String(s)) => s
            .parse::<f64>()
            .ok()
            .filter(|f| f.is_finite())
            .ok_or_else(|| format!("\"{key}\" must be a number, found {s:?}")),
        None | Some(Value::Null) => Err(format!("missing \"{key}\"")),
        Some(other) => Err(format!(
            "\"{key}\" must be a number, found {}",
            type_name(other)
        )),
    }
}

/// Unix seconds, which WhatsApp sends as a string of digits.
fn seconds(map: &Map<String, Value>, key: &str) -> Result<Option<i64>, String> {
    let bad = |found: &str| format!("\"{key}\" must be Unix seconds, found {found}");
    let secs = match map.get(key) {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::String(s)) => s
            .trim()
            .parse::<i64>()
            .map_err(|_| bad(&format!("{s:?}")))?,
        Some(Value::Number(n)) => n.as_i64().ok_or_else(|| bad(&n.to_string()))?,
        Some(other) => return Err(bad(type_name(other))),
    };
    // Beyond the year 9999 is not a time (and would overflow in microseconds).
    if !(0..=253_402_300_799).contains(&secs) {
        return Err(bad(&secs.to_string()));
    }
    Ok(Some(secs))
}
