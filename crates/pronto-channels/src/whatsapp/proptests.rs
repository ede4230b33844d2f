//! Whatever bytes arrive, parsing returns a value or an error and never panics;
//! building a send from any stored reply does not panic either.

use proptest::prelude::*;
use serde_json::{Map, Value, json};

use super::webhook::{Change, Content};
use super::{Outgoing, parse_body, templates};

/// The names the parser looks for, so generated JSON reaches deep code paths.
const KEYS: &[&str] = &[
    "object",
    "entry",
    "id",
    "changes",
    "field",
    "value",
    "messages",
    "statuses",
    "contacts",
    "metadata",
    "phone_number_id",
    "profile",
    "name",
    "wa_id",
    "user_id",
    "from",
    "timestamp",
    "type",
    "text",
    "body",
    "image",
    "audio",
    "video",
    "document",
    "sticker",
    "mime_type",
    "caption",
    "location",
    "latitude",
    "longitude",
    "interactive",
    "button_reply",
    "list_reply",
    "title",
    "button",
    "payload",
    "reaction",
    "message_id",
    "emoji",
    "system",
    "unsupported",
    "context",
    "forwarded",
    "referral",
    "errors",
    "code",
    "error_data",
    "details",
    "status",
    "pricing",
    "billable",
    "recipient_id",
    "event",
    "buttons",
    "rows",
    "sections",
    "parameters",
    "language",
    "media_id",
    "url",
];

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => proptest::sample::select(KEYS).prop_map(str::to_owned),
        1 => "[a-z_]{0,8}",
    ]
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        proptest::sample::select(
            &[
                "whatsapp_business_account",
                "messages",
                "text",
                "image",
                "interactive",
                "button_reply",
                "list_reply",
                "reaction",
                "system",
                "failed",
                "read",
                "1749416383",
                "-1",
                "99999999999999999999",
                "message_template_status_update",
            ][..]
        )
        .prop_map(Value::from),
        ".{0,12}".prop_map(Value::from),
    ]
}

fn json() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(6, 64, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            proptest::collection::vec((key(), inner), 0..6)
                .prop_map(|fields| Value::Object(fields.into_iter().collect::<Map<_, _>>())),
        ]
    })
}

/// A message that is often well formed, sometimes with one field of any type.
fn message() -> impl Strategy<Value = Value> {
    (
        proptest::sample::select(
            &[
                "text",
                "image",
                "location",
                "interactive",
                "button",
                "reaction",
                "system",
                "unsupported",
            ][..],
        ),
        json(),
        proptest::option::of(key()),
        "[0-9]{1,10}",
    )
        .prop_map(|(kind, noise, spoil, ts)| {
            let payload = match kind {
                "text" => json!({"body": "hi"}),
                "image" => json!({"id": "M", "mime_type": "image/png"}),
                "location" => json!({"latitude": 1.0, "longitude": 2.0}),
                "interactive" => {
                    json!({"type": "button_reply", "button_reply": {"id": "a", "title": "A"}})
                }
                "button" => json!({"payload": "P", "text": "T"}),
                "reaction" => json!({"message_id": "wamid.1", "emoji": "x"}),
                "system" => json!({"type": "user_changed_number", "wa_id": "2"}),
                _ => json!({"type": "poll"}),
            };
            let mut m =
                json!({"from": "1", "id": "wamid.9", "timestamp": ts, "type": kind, kind: payload});
            if let Some(k) = spoil {
                m[k] = noise;
            }
            m
        })
}

fn body() -> impl Strategy<Value = Value> {
    (
        proptest::collection::vec(message(), 0..4),
        proptest::collection::vec(json(), 0..2),
    )
        .prop_map(|(messages, statuses)| {
            json!({"object": "whatsapp_business_account", "entry": [{"id": "W", "changes": [
                {"field": "messages", "value": {"contacts": [{"wa_id": "1", "profile": {"name": "A"}}],
                 "messages": messages, "statuses": statuses}}]}]})
        })
}

fn feed(bytes: &[u8]) {
    let _ = parse_body(bytes);
    let _ = templates::parse_page(bytes);
    if let Ok(value) = serde_json::from_slice::<Value>(bytes) {
        let text = value["text"].as_str().unwrap_or_default();
        if let Ok(out) = Outgoing::from_reply(text, &value["attachments"]) {
            let _ = out.body("1");
        }
        let _ = templates::read(&value);
    }
}

proptest! {
    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
        feed(&bytes);
    }

    #[test]
    fn json_ish_text_never_panics(text in r#"[{}\[\]",:0-9a-z_ .\\-]{0,200}"#) {
        feed(text.as_bytes());
    }

    #[test]
    fn arbitrary_json_never_panics(value in json()) {
        feed(value.to_string().as_bytes());
        let _ = Outgoing::from_reply("t", &Value::Array(vec![value]));
    }

    #[test]
    fn near_miss_bodies_never_panic(value in body()) {
        feed(value.to_string().as_bytes());
    }

    #[test]
    fn truncated_bodies_never_panic(value in body(), cut in any::<proptest::sample::Index>()) {
        let text = value.to_string();
        feed(&text.as_bytes()[..cut.index(text.len() + 1)]);
    }
}

/// The near-miss generator reaches the message readers: most of its bodies hold a
/// message that is read, not only errors.
#[test]
fn near_miss_bodies_often_hold_messages() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;

    let mut runner = TestRunner::deterministic();
    let strategy = body();
    let read = (0..200)
        .filter(|_| {
            let value = strategy.new_tree(&mut runner).expect("a body").current();
            let Ok(body) = parse_body(value.to_string().as_bytes()) else {
                return false;
            };
            body.entries
                .iter()
                .flat_map(|e| &e.changes)
                .any(|c| match c {
                    Change::Messages(v) => v
                        .messages
                        .iter()
                        .any(|m| !matches!(m.content, Content::Invalid(_))),
                    _ => false,
                })
        })
        .count();
    assert!(
        read >= 60,
        "only {read} of 200 bodies held a readable message"
    );
}
