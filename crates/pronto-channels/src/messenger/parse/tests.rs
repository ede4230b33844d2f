use super::*;
use crate::messenger::webhook::{Lane, Message};

/// A Page body holding `events` (JSON objects) in `messaging`.
fn page(events: &[&str]) -> String {
    format!(
        r#"{{"object":"page","entry":[{{"id":"PAGE","time":1458692752478,"messaging":[{}]}}]}}"#,
        events.join(",")
    )
}

fn kinds(body: &str) -> Vec<EventKind> {
    let body = parse_body(body.as_bytes()).unwrap();
    body.entries[0]
        .events()
        .map(|(_, _, e)| e.kind.clone())
        .collect()
}

fn message(kind: &EventKind) -> &Message {
    match kind {
        EventKind::Message(m) => m,
        other => panic!("expected a message, got {other:?}"),
    }
}

#[test]
fn reads_the_reference_envelope() {
    let body = parse_body(page(&[r#"{"sender":{"id":"PSID"},"recipient":{"id":"PAGE"},"timestamp":1458692752478,"message":{"mid":"m_1","text":"hello, world!"}}"#]).as_bytes()).unwrap();
    assert_eq!(body.object, Object::Page);
    let entry = &body.entries[0];
    assert_eq!(entry.id.as_deref(), Some("PAGE"));
    assert_eq!(entry.time, Some(1458692752478));
    let event = &entry.messaging[0];
    assert_eq!(event.sender.as_ref().unwrap().id.as_deref(), Some("PSID"));
    assert_eq!(
        event.recipient.as_ref().unwrap().id.as_deref(),
        Some("PAGE")
    );
    assert_eq!(event.timestamp, Some(1458692752478));
    let m = message(&event.kind);
    assert_eq!(
        (m.mid.as_deref(), m.text.as_deref()),
        (Some("m_1"), Some("hello, world!"))
    );
    assert!(!m.is_echo);
}

#[test]
fn reads_every_modelled_kind() {
    let envelope = r#""sender":{"id":"PSID"},"recipient":{"id":"PAGE"},"timestamp":1458692752478"#;
    let fragments = [
        r#""message":{"mid":"mid.1457764197618:41d102a3e1ae206a38","text":"hello, world!","quick_reply":{"payload":"<DEV_PAYLOAD>"}}"#,
        r#""message":{"mid":"m_2","text":"hi","reply_to":{"mid":"m_1fTq8o","is_self_reply":false}}"#,
        r#""message":{"mid":"mid.$cAAJ","attachments":[{"type":"image","payload":{"url":"<URL>"}}]}"#,
        r#""message":{"mid":"mid3","text":"hi","referral":{"ref":"R","ad_id":"AD","source":"ADS","type":"OPEN_THREAD","ads_context_data":{"ad_title":"..."}}}"#,
        r#""message":{"is_echo":true,"app_id":1517776481860111,"metadata":"<STRING>","mid":"mid4","text":"hello, world!","attachments":[{"type":"template","payload":{"id":12345}}]}"#,
        r#""message_edit":{"mid":"<MID>","text":"<NEW TEXT>","num_edit":1}"#,
        r#""postback":{"mid":"m_MESSAGE-ID","title":"TITLE","payload":"P","referral":{"ref":"R","source":"SHORTLINK","type":"OPEN_THREAD"}}"#,
        r#""read":{"watermark":1458668856253}"#,
        r#""delivery":{"mids":["mid.1"],"watermark":1458668856253}"#,
        r#""reaction":{"reaction":"love","emoji":"\u2764\ufe0f","action":"react","mid":"<MID>"}"#,
        r#""referral":{"ref":"<REF>","source":"SHORTLINK","type":"OPEN_THREAD"}"#,
        r#""optin":{"type":"notification_messages","payload":"x","notification_messages_token":"t","token_expiry_timestamp":1700000000000,"user_token_status":"REFRESHED","notification_messages_status":"STOP NOTIFICATIONS","title":"t"}"#,
        r#""optin":{"ref":"<PARAM>","user_ref":"<CHECKBOX_REF>"}"#,
    ];
    let events: Vec<String> = fragments
        .iter()
        .map(|f| format!("{{{envelope},{f}}}"))
        .collect();
    let refs: Vec<&str> = events.iter().map(String::as_str).collect();
    let got = kinds(&page(&refs));
    assert_eq!(
        message(&got[0])
            .quick_reply
            .as_ref()
            .unwrap()
            .payload
            .as_deref(),
        Some("<DEV_PAYLOAD>")
    );
    assert_eq!(
        message(&got[1]).reply_to.as_ref().unwrap().mid.as_deref(),
        Some("m_1fTq8o")
    );
    assert_eq!(
        message(&got[2]).attachments[0].kind.as_deref(),
        Some("image")
    );
    assert_eq!(
        message(&got[3])
            .referral
            .as_ref()
            .unwrap()
            .reference
            .as_deref(),
        Some("R")
    );
    let echo = message(&got[4]);
    assert!(echo.is_echo);
    assert_eq!(echo.app_id, Some(1517776481860111));
    assert_eq!(echo.metadata.as_deref(), Some("<STRING>"));
    assert!(matches!(&got[5], EventKind::MessageEdit(e) if e.num_edit == Some(1)));
    assert!(matches!(&got[6], EventKind::Postback(p) if p.referral.is_some()));
    assert!(matches!(&got[7], EventKind::Read(r) if r.watermark == Some(1458668856253)));
    assert!(matches!(&got[8], EventKind::Delivery(d) if d.mids == ["mid.1"]));
    assert!(
        matches!(&got[9], EventKind::Reaction(r) if r.emoji.as_deref() == Some("\u{2764}\u{fe0f}"))
    );
    assert!(matches!(&got[10], EventKind::Referral(r) if r.source.as_deref() == Some("SHORTLINK")));
    assert!(matches!(&got[11], EventKind::Optin(o) if o.token_expiry_timestamp.is_some()));
    assert!(
        matches!(&got[12], EventKind::Optin(o) if o.user_ref.as_deref() == Some("<CHECKBOX_REF>"))
    );
}

#[test]
fn reads_instagram_and_standby() {
    let body = r#"{"object":"instagram","entry":[{"id":"IG","time":1569262486134,"messaging":[{
        "sender":{"id":"IGSID"},"recipient":{"id":"IG"},"timestamp":1569262485349,
        "message":{"mid":"MID","text":"Hi","reply_to":{"story":{"url":"<CDN_URL>","id":"STORY"}}}}],
        "standby":[{"recipient":{"id":"IGSID"},"timestamp":1,"read":{"mid":"MID"}}]}]}"#;
    let body = parse_body(body.as_bytes()).unwrap();
    assert_eq!(body.object, Object::Instagram);
    let events: Vec<_> = body.entries[0].events().collect();
    assert_eq!(events[0].0, Lane::Messaging);
    let story = message(&events[0].2.kind)
        .reply_to
        .clone()
        .unwrap()
        .story
        .unwrap();
    assert_eq!(story.id.as_deref(), Some("STORY"));
    assert_eq!((events[1].0, events[1].1), (Lane::Standby, 0));
    assert!(matches!(&events[1].2.kind, EventKind::Read(r) if r.mid.as_deref() == Some("MID")));
}

#[test]
fn keeps_unknown_kinds_and_ignores_unknown_fields() {
    let got = kinds(&page(&[
        r#"{"sender":{"id":"PSID"},"recipient":{"id":"PAGE"},"timestamp":1,"pass_thread_control":{"new_owner_app_id":"123","metadata":"m"}}"#,
        r#"{"recipient":{"id":"PSID"},"timestamp":1,"app_roles":{"123":["primary_receiver"]}}"#,
        r#"{"field":"messaging_postbacks","value":{"timestamp":"1527459824"}}"#,
        r#"{"sender":{"id":"PSID","extra":1},"timestamp":1,"message":{"mid":"m","future":{"a":[1]},"seq":5},"also_new":true}"#,
    ]));
    assert!(matches!(&got[0], EventKind::Unknown(f) if f.contains_key("pass_thread_control")));
    assert!(matches!(&got[1], EventKind::Unknown(f) if f.contains_key("app_roles")));
    assert!(matches!(&got[2], EventKind::Unknown(f) if f["field"] == "messaging_postbacks"));
    assert_eq!(message(&got[3]).mid.as_deref(), Some("m"));
}

#[test]
fn accepts_ids_as_numbers_and_app_ids_as_strings() {
    let got = kinds(&page(&[
        r#"{"sender":{"id":1234},"recipient":{"id":"PSID"},"timestamp":1,"message":{"is_echo":true,"app_id":"263902037430900","mid":"m"}}"#,
    ]));
    assert_eq!(message(&got[0]).app_id, Some(263902037430900));
    let body = parse_body(
        br#"{"object":"page","entry":[{"id":42,"messaging":[{"sender":{"id":7},"message":{}}]}]}"#,
    )
    .unwrap();
    assert_eq!(body.entries[0].id.as_deref(), Some("42"));
    assert_eq!(
        body.entries[0].messaging[0]
            .sender
            .as_ref()
            .unwrap()
            .id
            .as_deref(),
        Some("7")
    );
}

#[test]
fn confines_a_wrongly_typed_event_to_that_event() {
    let got = kinds(&page(&[
        r#"{"sender":{"id":"PSID"},"timestamp":1,"read":{"watermark":"soon"}}"#,
        r#"{"sender":{"id":"PSID"},"timestamp":"1458692752478","message":{"mid":"m"}}"#,
        r#"{"sender":"PSID","timestamp":1,"pass_thread_control":{}}"#,
        r#"{"sender":{"id":"PSID"},"timestamp":1,"message":{"mid":"m","app_id":"inbox"}}"#,
        r#"{"sender":{"id":"PSID"},"timestamp":1,"message":{"mid":"m","text":"ok"}}"#,
    ]));
    let invalid = |k: &EventKind| match k {
        EventKind::Invalid { kind, error } => (kind.clone(), error.clone()),
        other => panic!("expected an invalid event, got {other:?}"),
    };
    let (kind, error) = invalid(&got[0]);
    assert_eq!(kind, "read");
    assert_eq!(
        error,
        "\"read.watermark\": invalid type: string \"soon\", expected i64"
    );
    let (kind, error) = invalid(&got[1]);
    assert_eq!(kind, "message");
    assert!(
        error.starts_with("\"timestamp\": invalid type: string"),
        "{error}"
    );
    assert_eq!(invalid(&got[2]).0, "pass_thread_control");
    assert!(invalid(&got[3]).1.contains("app id"));
    assert_eq!(message(&got[4]).text.as_deref(), Some("ok"));
}

#[test]
fn says_what_is_wrong_with_the_body() {
    let cases: [(&[u8], &str); 12] = [
        (
            b"{not json",
            "not valid JSON: key must be a string at column 2",
        ),
        (b"\xff\xfe", "not valid JSON: expected value at column 1"),
        (b"", "not valid JSON: EOF while parsing a value at column 0"),
        (b"[1]", "expected a JSON object, found an array"),
        (b"{}", "missing field \"object\""),
        (
            br#"{"object":"user","entry":[]}"#,
            "\"object\" is \"user\", expected page or instagram",
        ),
        (
            br#"{"object":5}"#,
            "\"object\" is 5, expected page or instagram",
        ),
        (
            br#"{"object":"page","entry":{}}"#,
            "\"entry\" must be an array, found an object",
        ),
        (
            br#"{"object":"page","entry":[1]}"#,
            "entry 0: expected an object, found a number",
        ),
        (
            br#"{"object":"page","entry":[{"time":"now"}]}"#,
            "entry 0: \"time\": invalid type: string \"now\", expected i64",
        ),
        (
            br#"{"object":"page","entry":[{"messaging":{}}]}"#,
            "entry 0: \"messaging\" must be an array, found an object",
        ),
        (
            br#"{"object":"page","entry":[{},{"standby":[{},"x"]}]}"#,
            "entry 1, standby 1: expected an object, found a string",
        ),
    ];
    for (bytes, expected) in cases {
        let err = parse_body(bytes).unwrap_err().to_string();
        assert_eq!(err, expected, "{}", String::from_utf8_lossy(bytes));
    }
    let long = format!(r#"{{"object":"{}"}}"#, "x".repeat(500));
    let err = parse_body(long.as_bytes()).unwrap_err().to_string();
    assert!(err.len() < 120 && err.contains("x..."), "{err}");
}

#[test]
fn a_body_without_entries_is_empty() {
    let body = parse_body(br#"{"object":"instagram"}"#).unwrap();
    assert!(body.entries.is_empty());
}

#[test]
fn reads_page_and_instagram_comments_from_changes() {
    use crate::messenger::webhook::{ChangeKind, Comment};
    let page = r#"{"object":"page","entry":[{"id":"PAGE","time":1700000000000,"changes":[
        {"field":"feed","value":{"item":"comment","verb":"add","comment_id":"POST_1_C1","post_id":"PAGE_POST_1","parent_id":"PAGE_POST_1","from":{"id":"4455","name":"Ana Rossi"},"message":"Is this in stock?","created_time":1700000000}},
        {"field":"feed","value":{"item":"reaction","verb":"add","reaction_type":"like"}},
        {"field":"feed","value":{"item":"comment","comment_id":{"bad":1}}}
    ]}]}"#;
    let body = parse_body(page.as_bytes()).unwrap();
    let changes = &body.entries[0].changes;
    assert_eq!(changes.len(), 3);
    let ChangeKind::Comment(c) = &changes[0].kind else {
        panic!("{:?}", changes[0])
    };
    assert_eq!(
        **c,
        Comment {
            id: Some("POST_1_C1".into()),
            verb: "add".into(),
            post_id: Some("PAGE_POST_1".into()),
            parent_id: Some("PAGE_POST_1".into()),
            from: Some(crate::messenger::webhook::CommentAuthor {
                id: Some("4455".into()),
                name: Some("Ana Rossi".into()),
                username: None
            }),
            text: Some("Is this in stock?".into()),
            created_time: Some(1700000000),
        }
    );
    assert!(matches!(changes[1].kind, ChangeKind::Other(_)));
    match &changes[2].kind {
        ChangeKind::Invalid { error } => assert!(error.contains("comment_id"), "{error}"),
        other => panic!("{other:?}"),
    }

    let ig = r#"{"object":"instagram","entry":[{"id":"IG","time":1700000000000,"changes":[
        {"field":"comments","value":{"id":"17865","from":{"id":"IGSID_1","username":"ana"},"text":"Love it","media":{"id":"MEDIA_9","media_product_type":"FEED"}}}
    ]}]}"#;
    let body = parse_body(ig.as_bytes()).unwrap();
    let ChangeKind::Comment(c) = &body.entries[0].changes[0].kind else {
        panic!()
    };
    assert_eq!(c.id.as_deref(), Some("17865"));
    assert_eq!(c.post_id.as_deref(), Some("MEDIA_9"));
    assert_eq!(c.from.as_ref().unwrap().username.as_deref(), Some("ana"));
    assert_eq!(c.text.as_deref(), Some("Love it"));

    let bad = r#"{"object":"page","entry":[{"id":"PAGE","changes":{"field":"feed"}}]}"#;
    assert!(
        matches!(parse_body(bad.as_bytes()), Err(WebhookError::Malformed(m)) if m.contains("changes"))
    );
}
