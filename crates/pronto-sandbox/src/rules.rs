//! The Send API's checks, in the order Meta applies them: the request's shape, the
//! content limits, then the platform rules (the 24-hour window, `HUMAN_AGENT` for
//! 7 days, one private reply per comment within 7 days).

use serde_json::Value;

use crate::DAY;
use crate::error::GraphError;
use crate::sandbox::{PageConfig, Platform};
use crate::state::State;

/// What an accepted request does.
#[derive(Debug)]
pub(crate) enum Plan {
    /// A sender action (typing, seen, reactions): answered with the recipient only.
    Action { recipient: String },
    /// A message to `customer` (for a private reply, the commenter).
    Message {
        customer: String,
        comment: Option<String>,
        text: Option<String>,
        attachment: Option<Value>,
        metadata: Option<String>,
    },
}

const ACTIONS: [&str; 5] = ["typing_on", "typing_off", "mark_seen", "react", "unreact"];
const RETIRED_TAGS: [&str; 3] = [
    "CONFIRMED_EVENT_UPDATE",
    "ACCOUNT_UPDATE",
    "POST_PURCHASE_UPDATE",
];
const ATTACHMENT_TYPES: [&str; 5] = ["audio", "file", "image", "video", "template"];

/// Checks a Send API body for `page` at `now`.
pub(crate) fn check(
    state: &State,
    page: &PageConfig,
    body: &Value,
    now: i64,
) -> Result<Plan, GraphError> {
    let Some(obj) = body.as_object() else {
        return Err(GraphError::param("The request body must be a JSON object"));
    };
    let recipient = recipient(body)?;
    if let Some(action) = obj.get("sender_action") {
        let action = action.as_str().unwrap_or_default();
        if !ACTIONS.contains(&action) {
            return Err(GraphError::param(format!(
                "Invalid sender_action {action:?}"
            )));
        }
        let with_payload = matches!(action, "react" | "unreact");
        if let Some(extra) = obj.keys().find(|k| {
            !(matches!(k.as_str(), "recipient" | "sender_action")
                || with_payload && *k == "payload")
        }) {
            return Err(GraphError::param(format!(
                "A sender_action must be sent alone, with only recipient (and payload for reactions); found {extra:?}"
            )));
        }
        if with_payload && body["payload"]["message_id"].as_str().is_none() {
            return Err(GraphError::param(
                "payload.message_id is required for react and unreact",
            ));
        }
        if action == "react" && body["payload"]["reaction"].as_str().is_none() {
            return Err(GraphError::param("payload.reaction is required for react"));
        }
        let Recipient::Id(id) = recipient else {
            return Err(GraphError::param("A sender_action needs recipient.id"));
        };
        known_customer(state, page, &id)?;
        return Ok(Plan::Action { recipient: id });
    }
    let message = obj
        .get("message")
        .ok_or_else(|| GraphError::param("The parameter message is required"))?;
    let (text, attachment, metadata) = content(page.platform, message)?;
    match recipient {
        Recipient::Comment(id) => {
            let customer = private_reply(state, page, &id, now)?;
            Ok(Plan::Message {
                customer,
                comment: Some(id),
                text,
                attachment,
                metadata,
            })
        }
        Recipient::Id(id) => {
            known_customer(state, page, &id)?;
            window(state, page, body, &id, now)?;
            Ok(Plan::Message {
                customer: id,
                comment: None,
                text,
                attachment,
                metadata,
            })
        }
    }
}

enum Recipient {
    Id(String),
    /// A comment (or a visitor post) for a private reply.
    Comment(String),
}

fn recipient(body: &Value) -> Result<Recipient, GraphError> {
    let r = body
        .get("recipient")
        .and_then(Value::as_object)
        .ok_or_else(|| GraphError::param("The parameter recipient is required"))?;
    let keys: Vec<&str> = ["id", "comment_id", "post_id", "user_ref"]
        .into_iter()
        .filter(|k| r.contains_key(*k))
        .collect();
    let [key] = keys.as_slice() else {
        return Err(GraphError::param(
            "recipient must have exactly one of id, comment_id, post_id or user_ref",
        ));
    };
    let value = r[*key]
        .as_str()
        .map(str::to_owned)
        .or_else(|| r[*key].as_u64().map(|n| n.to_string()))
        .ok_or_else(|| GraphError::param(format!("recipient.{key} must be a string")))?;
    match *key {
        "id" => Ok(Recipient::Id(value)),
        "user_ref" => Err(GraphError::param(
            "The sandbox has no chat-plugin users (user_ref)",
        )),
        _ => Ok(Recipient::Comment(value)),
    }
}

fn known_customer(state: &State, page: &PageConfig, id: &str) -> Result<(), GraphError> {
    if state
        .customers
        .contains_key(&(page.id.clone(), id.to_owned()))
    {
        Ok(())
    } else {
        Err(GraphError::new(
            100,
            Some(2_018_001),
            "No matching user found",
        ))
    }
}

/// A message's text, attachment and metadata.
type Content = (Option<String>, Option<Value>, Option<String>);

/// The message's text, attachment and metadata, within Meta's limits.
fn content(platform: Platform, m: &Value) -> Result<Content, GraphError> {
    if !m.is_object() {
        return Err(GraphError::param("message must be an object"));
    }
    let text = match m.get("text") {
        None => None,
        Some(Value::String(t)) => Some(t.clone()),
        Some(_) => return Err(GraphError::param("message.text must be a string")),
    };
    if let Some(t) = &text {
        match platform {
            Platform::Messenger if t.chars().count() >= 2000 => {
                return Err(GraphError::param(
                    "Length of param message[text] must be less than or equal to 2000",
                ));
            }
            Platform::Instagram if t.len() > 1000 => {
                return Err(GraphError::new(
                    100,
                    Some(2_534_015),
                    "Message text must be 1000 bytes or less",
                ));
            }
            _ => {}
        }
    }
    let attachment = m.get("attachment").cloned();
    if let Some(a) = &attachment {
        let kind = a["type"].as_str().unwrap_or_default();
        if !ATTACHMENT_TYPES.contains(&kind) {
            return Err(GraphError::param(format!(
                "message.attachment.type must be one of audio, file, image, video or template, not {kind:?}"
            )));
        }
        let p = &a["payload"];
        let ok = if kind == "template" {
            p["template_type"].is_string()
        } else {
            p["url"].is_string() || p["attachment_id"].is_string()
        };
        if !ok {
            return Err(GraphError::param(
                "message.attachment.payload needs url, attachment_id or (templates) template_type",
            ));
        }
    }
    if text.is_none() && attachment.is_none() {
        return Err(GraphError::param("message must have text or attachment"));
    }
    if let Some(q) = m.get("quick_replies") {
        quick_replies(q)?;
    }
    let metadata = match m.get("metadata") {
        None => None,
        Some(Value::String(md)) if md.chars().count() < 1000 => Some(md.clone()),
        Some(Value::String(_)) => {
            return Err(GraphError::param(
                "message.metadata must be less than 1000 characters",
            ));
        }
        Some(_) => return Err(GraphError::param("message.metadata must be a string")),
    };
    Ok((text, attachment, metadata))
}

fn quick_replies(q: &Value) -> Result<(), GraphError> {
    let Some(items) = q.as_array() else {
        return Err(GraphError::param("message.quick_replies must be an array"));
    };
    if items.len() > 13 {
        return Err(GraphError::param(
            "message.quick_replies has at most 13 items",
        ));
    }
    for (i, item) in items.iter().enumerate() {
        match item["content_type"].as_str() {
            Some("text") => {
                let title = item["title"].as_str().unwrap_or_default();
                if title.is_empty() || title.chars().count() > 20 {
                    return Err(GraphError::param(format!(
                        "quick_replies[{i}].title must have 1 to 20 characters"
                    )));
                }
                let payload = item["payload"].as_str().unwrap_or_default();
                if payload.is_empty() || payload.chars().count() > 1000 {
                    return Err(GraphError::param(format!(
                        "quick_replies[{i}].payload must have 1 to 1000 characters"
                    )));
                }
            }
            Some("user_phone_number" | "user_email") => {}
            _ => {
                return Err(GraphError::param(format!(
                    "quick_replies[{i}].content_type must be text, user_phone_number or user_email"
                )));
            }
        }
    }
    Ok(())
}

/// The 24-hour window, or `HUMAN_AGENT` for 7 days.
fn window(
    state: &State,
    page: &PageConfig,
    body: &Value,
    customer: &str,
    now: i64,
) -> Result<(), GraphError> {
    let last = state
        .customers
        .get(&(page.id.clone(), customer.to_owned()))
        .and_then(|c| c.last_action);
    let outside = || match page.platform {
        Platform::Messenger => GraphError::new(
            10,
            Some(2_018_278),
            "This message is sent outside of allowed window. Learn more about the new policy here: https://developers.facebook.com/docs/messenger-platform/policy-overview",
        ),
        Platform::Instagram => GraphError::new(
            10,
            Some(2_534_022),
            "This message is sent outside of allowed window.",
        ),
    };
    let within = |span: i64| last.is_some_and(|l| now < l.saturating_add(span));
    let tag = body.get("tag").and_then(Value::as_str);
    match body.get("messaging_type").and_then(Value::as_str) {
        None => Err(GraphError::param(
            "The parameter messaging_type is required",
        )),
        Some("RESPONSE" | "UPDATE") => {
            if tag.is_some() {
                return Err(GraphError::param(
                    "tag is only allowed with messaging_type MESSAGE_TAG",
                ));
            }
            if within(DAY) { Ok(()) } else { Err(outside()) }
        }
        Some("MESSAGE_TAG") => match tag {
            None => Err(GraphError::param("messaging_type MESSAGE_TAG needs a tag")),
            Some(t) if RETIRED_TAGS.contains(&t) => Err(GraphError::param(format!(
                "The message tag {t} is no longer supported; use utility messages"
            ))),
            Some("HUMAN_AGENT") => {
                // Without the reviewed feature the tag extends nothing: the send is
                // judged against the plain window.
                let span = if page.human_agent { 7 * DAY } else { DAY };
                if within(span) { Ok(()) } else { Err(outside()) }
            }
            Some("CUSTOMER_FEEDBACK") if page.platform == Platform::Messenger => {
                Err(GraphError::param(
                    "CUSTOMER_FEEDBACK needs the Customer Feedback Template, which the sandbox does not offer",
                ))
            }
            Some(t) => Err(GraphError::param(format!("Invalid message tag {t:?}"))),
        },
        Some(other) => Err(GraphError::param(format!(
            "messaging_type must be RESPONSE, UPDATE or MESSAGE_TAG, not {other:?}"
        ))),
    }
}

/// A private reply: one per comment, within 7 days of it. Returns the commenter.
fn private_reply(
    state: &State,
    page: &PageConfig,
    comment: &str,
    now: i64,
) -> Result<String, GraphError> {
    let invalid = || {
        GraphError::new(
            100,
            Some(2_534_025),
            "The comment is invalid for a private reply",
        )
    };
    let c = state
        .comments
        .get(comment)
        .filter(|c| c.page == page.id)
        .ok_or_else(invalid)?;
    if c.replied {
        return Err(GraphError::new(10900, None, "Activity already replied to"));
    }
    if now >= c.at.saturating_add(7 * DAY) {
        return Err(invalid());
    }
    Ok(c.from.clone())
}
