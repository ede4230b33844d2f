//! Whatever bytes arrive, parsing returns a value or an error and never panics.

use pronto_core::{Author, EventLog};
use proptest::prelude::*;
use serde_json::{Map, Value};

use super::{CaptureReader, PAGE_INBOX_APP_ID, SendMetadata, parse_body};

/// The names the parsers look for, so that generated JSON reaches deep code paths
/// instead of stopping at the first unknown key.
const KEYS: &[&str] = &[
    "object",
    "entry",
    "id",
    "time",
    "messaging",
    "standby",
    "sender",
    "recipient",
    "timestamp",
    "message",
    "mid",
    "text",
    "is_echo",
    "app_id",
    "metadata",
    "attachments",
    "type",
    "payload",
    "quick_reply",
    "reply_to",
    "story",
    "referral",
    "ref",
    "ad_id",
    "read",
    "watermark",
    "delivery",
    "mids",
    "reaction",
    "postback",
    "optin",
    "message_edit",
    "num_edit",
    "is_deleted",
    "user_ref",
    "pronto",
    "author",
    "agent",
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
        Just(Value::from(PAGE_INBOX_APP_ID)),
        Just(Value::from(PAGE_INBOX_APP_ID.to_string())),
        proptest::sample::select(&["page", "instagram", "user", "agent", "bot", "1"][..])
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

/// An object with each field present or not, each value from its own strategy.
fn fields(fields: Vec<(&'static str, BoxedStrategy<Value>)>) -> impl Strategy<Value = Value> {
    fields
        .into_iter()
        .map(|(key, value)| proptest::option::weighted(0.98, value).prop_map(move |v| (key, v)))
        .collect::<Vec<_>>()
        .prop_map(|pairs| {
            let map = pairs
                .into_iter()
                .filter_map(|(k, v)| Some((k.to_owned(), v?)))
                .collect::<Map<_, _>>();
            Value::Object(map)
        })
}

/// Mostly the right type for a field, sometimes anything.
fn typed<S: Strategy<Value = Value> + 'static>(right: S) -> BoxedStrategy<Value> {
    prop_oneof![99 => right, 1 => leaf()].boxed()
}

/// An event that is often a well-formed message, so that the capture reader's own
/// rules run, not only the parser's errors.
fn event() -> impl Strategy<Value = Value> {
    let mid = || typed("m[0-3]".prop_map(Value::from));
    let message = fields(vec![
        ("mid", mid()),
        ("text", typed(".{0,8}".prop_map(Value::from))),
        ("is_echo", typed(any::<bool>().prop_map(Value::from))),
        (
            "app_id",
            typed(
                prop_oneof![Just(PAGE_INBOX_APP_ID), Just(1u64), any::<u64>()]
                    .prop_map(Value::from),
            ),
        ),
        ("metadata", typed(prop_oneof![leaf(), metadata()])),
        ("is_deleted", typed(Just(Value::Bool(false)))),
    ]);
    let party = || typed(fields(vec![("id", typed("[a-c]".prop_map(Value::from)))]));
    let envelope = fields(vec![
        ("sender", party()),
        ("recipient", party()),
        ("timestamp", typed(any::<i64>().prop_map(Value::from))),
    ]);
    (
        envelope,
        proptest::sample::select(&["message", "message", "message", "read", "other"][..]),
        prop_oneof![6 => message, 1 => json()],
    )
        .prop_map(|(mut event, kind, payload)| {
            if let Some(map) = event.as_object_mut() {
                map.insert(kind.to_owned(), payload);
            }
            event
        })
}

fn metadata() -> impl Strategy<Value = Value> {
    (
        proptest::sample::select(&[Author::Agent, Author::Bot, Author::Automation][..]),
        proptest::option::of("[a-z]{1,4}"),
        proptest::option::of("[a-z]{1,4}"),
    )
        .prop_map(|(author, agent, message)| {
            Value::from(
                SendMetadata {
                    author,
                    agent,
                    message,
                }
                .encode(),
            )
        })
}

/// A body that is almost right: a Page or Instagram object around generated entries.
fn body() -> impl Strategy<Value = Value> {
    let entry = (
        proptest::collection::vec(event(), 1..3),
        proptest::collection::vec(event(), 0..2),
        json(),
    )
        .prop_map(|(messaging, standby, noise)| {
            serde_json::json!({"id": "PAGE", "time": 1, "messaging": messaging, "standby": standby, "noise": noise})
        });
    (
        prop_oneof![Just("page"), Just("instagram")],
        proptest::collection::vec(prop_oneof![9 => entry, 1 => json()], 1..3),
    )
        .prop_map(|(object, entries)| serde_json::json!({"object": object, "entry": entries}))
}

fn feed(bytes: &[u8]) {
    let _ = parse_body(bytes);
    let mut log = EventLog::new();
    for app in [None, Some(PAGE_INBOX_APP_ID), Some(1)] {
        let _ = CaptureReader::new(app).push_line(&mut log, 1, bytes);
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        let _ = SendMetadata::decode(text);
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

/// The near-miss generator is only worth its name if it often makes lines that the
/// reader accepts and takes messages from.
#[test]
fn near_miss_bodies_often_hold_messages() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;

    let mut runner = TestRunner::deterministic();
    let strategy = body();
    let with_messages = (0..200)
        .filter(|_| {
            let value = strategy.new_tree(&mut runner).expect("a body").current();
            let mut log = EventLog::new();
            let mut reader = CaptureReader::new(Some(1));
            reader
                .push_line(&mut log, 1, value.to_string().as_bytes())
                .is_ok()
                && !log.is_empty()
        })
        .count();
    assert!(
        with_messages >= 40,
        "only {with_messages} of 200 bodies held messages"
    );
}
