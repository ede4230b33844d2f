//! Webhook bodies as Meta sends them, and their signature.
//!
//! [`build`] turns one [`Event`] into the exact bytes of a delivery; [`sign`] gives
//! its `X-Hub-Signature-256`. Tests and benchmarks use both to craft deliveries.

use hmac::{Hmac, KeyInit, Mac};
use serde_json::{Value, json};
use sha2::Sha256;

use crate::Platform;

/// `X-Hub-Signature-256` for `body`: `sha256=` and the lowercase hex HMAC-SHA256
/// of the exact bytes, keyed with the app secret.
pub fn sign(secret: &str, body: &[u8]) -> String {
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(body);
    format!("sha256={}", hex::encode(mac.finalize().into_bytes()))
}

/// One thing that happened on Meta's side, to be delivered as a webhook. `from` is
/// the customer's PSID (Messenger) or IGSID (Instagram).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    Text {
        from: String,
        mid: String,
        text: String,
    },
    Image {
        from: String,
        mid: String,
        url: String,
    },
    /// A quick-reply tap: the button's title as text, and its payload.
    QuickReply {
        from: String,
        mid: String,
        title: String,
        payload: String,
    },
    /// A message that came through an ad ("Send message" button).
    AdReferral {
        from: String,
        mid: String,
        text: String,
        ad_id: String,
        ad_title: String,
    },
    Postback {
        from: String,
        mid: String,
        title: String,
        payload: String,
    },
    /// A reaction to the message `mid` (`react: false` removes it).
    Reaction {
        from: String,
        mid: String,
        reaction: String,
        emoji: String,
        react: bool,
    },
    /// Messenger: everything up to `watermark_ms` was read. Instagram: `mid` was.
    Read {
        from: String,
        watermark_ms: i64,
        mid: Option<String>,
    },
    Delivery {
        from: String,
        mids: Vec<String>,
        watermark_ms: i64,
    },
    /// The Page's own message seen back (`is_echo`), sent to `to`.
    Echo {
        to: String,
        app_id: u64,
        mid: String,
        text: Option<String>,
        metadata: Option<String>,
        attachment: Option<Value>,
    },
    /// A comment on a post (Messenger: Page `feed`) or media (Instagram: `comments`).
    Comment {
        from: String,
        name: String,
        comment_id: String,
        post_id: String,
        text: String,
    },
}

/// The body Meta would POST for `event` on `account` (a Page id or an Instagram
/// account id) at `at` (microseconds).
pub fn build(platform: Platform, account: &str, event: &Event, at: i64) -> Vec<u8> {
    let ms = at.div_euclid(1000);
    let object = match platform {
        Platform::Messenger => "page",
        Platform::Instagram => "instagram",
    };
    let entry = match event {
        Event::Comment {
            from,
            name,
            comment_id,
            post_id,
            text,
        } => {
            let value = match platform {
                Platform::Messenger => json!({
                    "item": "comment", "verb": "add", "comment_id": comment_id,
                    "post_id": post_id, "parent_id": post_id,
                    "from": {"id": from, "name": name}, "message": text,
                    "created_time": at.div_euclid(1_000_000),
                }),
                Platform::Instagram => json!({
                    "id": comment_id, "from": {"id": from, "username": name}, "text": text,
                    "media": {"id": post_id, "media_product_type": "FEED"},
                }),
            };
            let field = match platform {
                Platform::Messenger => "feed",
                Platform::Instagram => "comments",
            };
            json!({"id": account, "time": ms, "changes": [{"field": field, "value": value}]})
        }
        Event::Echo { to, .. } => {
            let mut m =
                json!({"sender": {"id": account}, "recipient": {"id": to}, "timestamp": ms});
            fill(&mut m, event);
            json!({"id": account, "time": ms, "messaging": [m]})
        }
        _ => {
            let from = sender(event);
            let mut m =
                json!({"sender": {"id": from}, "recipient": {"id": account}, "timestamp": ms});
            fill(&mut m, event);
            json!({"id": account, "time": ms, "messaging": [m]})
        }
    };
    let text = json!({"object": object, "entry": [entry]}).to_string();
    escape_unicode(&text).into_bytes()
}

/// Meta signs "an escaped unicode version of the payload": every non-ASCII
/// character as `\uXXXX` (UTF-16, lowercase hex). Outside strings serde's JSON is
/// ASCII, so escaping every such character is safe.
pub fn escape_unicode(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            let mut units = [0u16; 2];
            for u in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{u:04x}"));
            }
        }
    }
    out
}

/// The customer an event comes from (or goes to, for an echo).
pub fn sender(event: &Event) -> &str {
    match event {
        Event::Text { from, .. }
        | Event::Image { from, .. }
        | Event::QuickReply { from, .. }
        | Event::AdReferral { from, .. }
        | Event::Postback { from, .. }
        | Event::Reaction { from, .. }
        | Event::Read { from, .. }
        | Event::Delivery { from, .. }
        | Event::Comment { from, .. } => from,
        Event::Echo { to, .. } => to,
    }
}

/// Adds the event's own key (`message`, `postback`, `read`...) to a messaging item.
fn fill(m: &mut Value, event: &Event) {
    match event {
        Event::Text { mid, text, .. } => m["message"] = json!({"mid": mid, "text": text}),
        Event::Image { mid, url, .. } => {
            m["message"] =
                json!({"mid": mid, "attachments": [{"type": "image", "payload": {"url": url}}]});
        }
        Event::QuickReply {
            mid,
            title,
            payload,
            ..
        } => {
            m["message"] = json!({"mid": mid, "text": title, "quick_reply": {"payload": payload}});
        }
        Event::AdReferral {
            mid,
            text,
            ad_id,
            ad_title,
            ..
        } => {
            m["message"] = json!({"mid": mid, "text": text, "referral": {
                "ref": "sandbox", "ad_id": ad_id, "source": "ADS", "type": "OPEN_THREAD",
                "ads_context_data": {"ad_title": ad_title},
            }});
        }
        Event::Postback {
            mid,
            title,
            payload,
            ..
        } => {
            m["postback"] = json!({"mid": mid, "title": title, "payload": payload});
        }
        Event::Reaction {
            mid,
            reaction,
            emoji,
            react,
            ..
        } => {
            m["reaction"] = if *react {
                json!({"reaction": reaction, "emoji": emoji, "action": "react", "mid": mid})
            } else {
                json!({"action": "unreact", "mid": mid})
            };
        }
        Event::Read {
            watermark_ms, mid, ..
        } => {
            m["read"] = match mid {
                Some(mid) => json!({"mid": mid}),
                None => json!({"watermark": watermark_ms}),
            };
        }
        Event::Delivery {
            mids, watermark_ms, ..
        } => {
            m["delivery"] = json!({"mids": mids, "watermark": watermark_ms});
        }
        Event::Echo {
            app_id,
            mid,
            text,
            metadata,
            attachment,
            ..
        } => {
            let mut message = json!({"is_echo": true, "app_id": app_id, "mid": mid});
            if let Some(t) = text {
                message["text"] = json!(t);
            }
            if let Some(md) = metadata {
                message["metadata"] = json!(md);
            }
            if let Some(a) = attachment {
                message["attachments"] = json!([a]);
            }
            m["message"] = message;
        }
        Event::Comment { .. } => {}
    }
}
