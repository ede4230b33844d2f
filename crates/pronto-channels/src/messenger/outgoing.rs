//! What Pronto sends through the Send API: text or one attachment by URL, quick
//! replies, and the private reply to a comment, checked against Meta's content rules
//! before anything is stored or sent.
//!
//! A reply's attachments are kept in Pronto's own form (a JSON list beside the text):
//! `{"type": "image"|"video"|"audio"|"file", "url": "https://..."}` (or, for a file
//! an agent uploaded to Pronto, `"upload_id"` instead of the URL: the delivery uploads
//! it to Meta once, `upload`),
//! `{"type": "quick_replies", "options": [{"title": "Yes", "payload": "YES"}]}`, and
//! the marker `{"type": "private_reply", "comment_id": "..."}` that the store sets.

use serde_json::{Value, json};

/// Meta's limits on quick replies.
pub const MAX_QUICK_REPLIES: usize = 13;
/// The longest quick-reply title, in characters.
pub const MAX_QUICK_REPLY_TITLE: usize = 20;
/// The longest quick-reply payload, in characters.
pub const MAX_QUICK_REPLY_PAYLOAD: usize = 1000;

/// A reply as the Send API takes it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Outgoing {
    /// The text (empty when the reply is an attachment).
    pub text: String,
    /// One attachment by URL.
    pub attachment: Option<Media>,
    /// Buttons the customer can tap to answer.
    pub quick_replies: Vec<QuickReplyOption>,
    /// The comment this reply answers privately.
    pub private_reply_to: Option<String>,
}

/// An attachment sent by URL, or uploaded to Meta beforehand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Media {
    /// `image`, `video`, `audio` or `file`.
    pub kind: String,
    /// Where Meta fetches it (empty for an upload).
    pub url: String,
    /// Pronto's upload, which the delivery sends to Meta's Attachment Upload API.
    pub upload_id: Option<i64>,
    /// Meta's reusable id of the uploaded file, once the delivery has it.
    pub attachment_id: Option<String>,
}

/// A quick-reply button.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuickReplyOption {
    /// What the button says (at most 20 characters).
    pub title: String,
    /// What comes back when it is tapped (the title when absent).
    pub payload: String,
}

/// Why a reply cannot be sent as it is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ContentError {
    /// Neither text nor an attachment.
    #[error("the reply is empty: give a text or an attachment")]
    Empty,
    /// Both text and an attachment, which Meta takes only as two messages.
    #[error(
        "a Messenger or Instagram message carries text or one attachment, not both; send them as two replies"
    )]
    TextAndAttachment,
    /// More than one attachment.
    #[error("a reply carries at most one attachment; this one has {0}")]
    TooManyAttachments(usize),
    /// An attachment or option of the wrong shape; says which and why.
    #[error("attachment {index}: {reason}")]
    Attachment {
        /// Its position in the list.
        index: usize,
        /// What was wrong.
        reason: String,
    },
}

impl Outgoing {
    /// Reads a stored reply (its text and attachment list).
    pub fn from_reply(text: &str, attachments: &Value) -> Result<Outgoing, ContentError> {
        let mut out = Outgoing {
            text: text.to_owned(),
            ..Outgoing::default()
        };
        let items: &[Value] = match attachments {
            Value::Null => &[],
            Value::Array(items) => items,
            _ => {
                return Err(ContentError::Attachment {
                    index: 0,
                    reason: "attachments must be a list".into(),
                });
            }
        };
        let mut media = Vec::new();
        for (index, item) in items.iter().enumerate() {
            let bad = |reason: String| ContentError::Attachment { index, reason };
            match item["type"].as_str() {
                Some(kind @ ("image" | "video" | "audio" | "file")) => {
                    if let Some(id) = item["upload_id"].as_i64() {
                        media.push(Media {
                            kind: kind.to_owned(),
                            url: String::new(),
                            upload_id: Some(id),
                            attachment_id: None,
                        });
                        continue;
                    }
                    let url = item["url"]
                        .as_str()
                        .filter(|u| u.starts_with("https://") || u.starts_with("http://"))
                        .ok_or_else(|| {
                            bad(format!(
                                "a {kind} needs an http(s) \"url\" or an \"upload_id\""
                            ))
                        })?;
                    media.push(Media {
                        kind: kind.to_owned(),
                        url: url.to_owned(),
                        upload_id: None,
                        attachment_id: None,
                    });
                }
                Some("quick_replies") => {
                    out.quick_replies = quick_replies(&item["options"]).map_err(bad)?;
                }
                Some("private_reply") => {
                    let id = item["comment_id"]
                        .as_str()
                        .ok_or_else(|| bad("a private reply needs its \"comment_id\"".into()))?;
                    out.private_reply_to = Some(id.to_owned());
                }
                Some(other) => {
                    return Err(bad(format!(
                        "unknown type {other:?}; use image, video, audio, file or quick_replies"
                    )));
                }
                None => return Err(bad("missing \"type\"".into())),
            }
        }
        if media.len() > 1 {
            return Err(ContentError::TooManyAttachments(media.len()));
        }
        out.attachment = media.pop();
        match (out.text.trim().is_empty(), &out.attachment) {
            (true, None) => Err(ContentError::Empty),
            (false, Some(_)) => Err(ContentError::TextAndAttachment),
            _ => Ok(out),
        }
    }

    /// The Send API's `message` object, with Pronto's `metadata`.
    pub fn message_json(&self, metadata: &str) -> Value {
        let mut message = match &self.attachment {
            Some(Media {
                kind,
                attachment_id: Some(id),
                ..
            }) => json!({"attachment": {"type": kind, "payload": {"attachment_id": id}}}),
            Some(m) => json!({"attachment": {
                "type": m.kind,
                "payload": {"url": m.url, "is_reusable": true},
            }}),
            None => json!({"text": self.text}),
        };
        if !self.quick_replies.is_empty() {
            message["quick_replies"] = self
                .quick_replies
                .iter()
                .map(|q| json!({"content_type": "text", "title": q.title, "payload": q.payload}))
                .collect();
        }
        message["metadata"] = json!(metadata);
        message
    }
}

fn quick_replies(options: &Value) -> Result<Vec<QuickReplyOption>, String> {
    let Some(options) = options.as_array() else {
        return Err("quick_replies needs an \"options\" list".into());
    };
    if options.is_empty() || options.len() > MAX_QUICK_REPLIES {
        return Err(format!(
            "{} quick replies; give 1 to {MAX_QUICK_REPLIES}",
            options.len()
        ));
    }
    options
        .iter()
        .enumerate()
        .map(|(i, o)| {
            let title = o["title"].as_str().unwrap_or_default().trim();
            let n = title.chars().count();
            if n == 0 || n > MAX_QUICK_REPLY_TITLE {
                return Err(format!(
                    "quick reply {i}: the title has {n} characters; give 1 to {MAX_QUICK_REPLY_TITLE}"
                ));
            }
            let payload = o["payload"].as_str().unwrap_or(title);
            if payload.chars().count() > MAX_QUICK_REPLY_PAYLOAD {
                return Err(format!(
                    "quick reply {i}: the payload is over {MAX_QUICK_REPLY_PAYLOAD} characters"
                ));
            }
            Ok(QuickReplyOption {
                title: title.to_owned(),
                payload: payload.to_owned(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_with_quick_replies_becomes_the_send_api_message() {
        let out = Outgoing::from_reply(
            "Which size?",
            &json!([{"type": "quick_replies", "options": [{"title": "S", "payload": "SIZE_S"}, {"title": "M"}]}]),
        )
        .unwrap();
        assert_eq!(
            out.message_json("md"),
            json!({"text": "Which size?", "metadata": "md", "quick_replies": [
                {"content_type": "text", "title": "S", "payload": "SIZE_S"},
                {"content_type": "text", "title": "M", "payload": "M"}]})
        );
    }

    #[test]
    fn an_attachment_goes_by_url() {
        let out = Outgoing::from_reply(
            "",
            &json!([{"type": "image", "url": "https://example.com/a.png"}]),
        )
        .unwrap();
        assert_eq!(
            out.message_json("md"),
            json!({"attachment": {"type": "image", "payload": {"url": "https://example.com/a.png", "is_reusable": true}}, "metadata": "md"})
        );
    }

    #[test]
    fn what_meta_would_refuse_is_refused_with_the_reason() {
        let refuse = |text: &str, a: Value| Outgoing::from_reply(text, &a).unwrap_err().to_string();
        assert!(refuse("", json!([])).contains("empty"));
        assert!(
            refuse("hi", json!([{"type": "image", "url": "https://x/a.png"}])).contains("not both")
        );
        assert!(refuse("", json!([{"type": "image", "url": "ftp://x"}])).contains("attachment 0"));
        assert!(
            refuse("", json!([{"type": "image", "url": "https://x/1"}, {"type": "file", "url": "https://x/2"}]))
                .contains("at most one")
        );
        let many: Vec<Value> = (0..14).map(|i| json!({"title": format!("o{i}")})).collect();
        assert!(
            refuse("hi", json!([{"type": "quick_replies", "options": many}]))
                .contains("give 1 to 13")
        );
        assert!(
            refuse("hi", json!([{"type": "quick_replies", "options": [{"title": "a title far too long for it"}]}]))
                .contains("27 characters")
        );
        assert!(refuse("hi", json!([{"type": "sticker"}])).contains("unknown type"));
        assert!(refuse("hi", json!({"type": "image"})).contains("must be a list"));
    }

    #[test]
    fn the_private_reply_marker_is_read() {
        let out = Outgoing::from_reply(
            "Thanks!",
            &json!([{"type": "private_reply", "comment_id": "C_1"}]),
        )
        .unwrap();
        assert_eq!(out.private_reply_to.as_deref(), Some("C_1"));
    }
}
