//! Meta's webhooks for a Messenger channel: handshake, signatures, durable
//! acknowledgement, deduplication, echoes, reads, dead letters.

use axum::http::StatusCode;
use pronto_server::meta::{Processed, process_next};
use serde_json::{Value, json};

use crate::support::{Client, T0, TestApp};

pub(crate) const SECRET: &str = "app-secret-123";
pub(crate) const PAGE: &str = "PAGE_1";
pub(crate) const APP: u64 = 555_000;

pub(crate) async fn messenger_channel(app: &TestApp, admin: &Client) -> (i64, String) {
    let (status, c) = admin
        .post(
            "/api/v1/channels",
            json!({"kind": "messenger", "name": "Shop Page", "config": {
                "page_id": PAGE, "app_id": APP.to_string(), "app_secret": SECRET, "page_access_token": "EAAB-token"
            }}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{c}");
    assert!(
        c["callback_url"]
            .as_str()
            .unwrap()
            .ends_with(&format!("/webhooks/meta/{}", c["id"]))
    );
    assert!(
        !c["config"].to_string().contains(SECRET),
        "secrets stay out of the API"
    );
    // And they are encrypted at rest.
    let id = c["id"].as_i64().unwrap();
    let stored = app.state.store.channel_any_workspace(id).await.unwrap();
    for key in ["app_secret", "page_access_token"] {
        let v = stored.config[key].as_str().unwrap();
        assert!(
            v.starts_with("enc:v1:") && !v.contains(SECRET) && !v.contains("EAAB"),
            "{key}: {v}"
        );
    }
    (
        c["id"].as_i64().unwrap(),
        c["verify_token"].as_str().unwrap().to_owned(),
    )
}

pub(crate) fn body(events: &[Value]) -> String {
    json!({"object": "page", "entry": [{"id": PAGE, "time": 1, "messaging": events}]}).to_string()
}

pub(crate) fn customer(psid: &str, ms: i64, mid: &str, text: &str) -> Value {
    json!({"sender": {"id": psid}, "recipient": {"id": PAGE}, "timestamp": ms, "message": {"mid": mid, "text": text}})
}

pub(crate) fn echo(
    psid: &str,
    ms: i64,
    mid: &str,
    app: Option<u64>,
    metadata: Option<&str>,
) -> Value {
    let mut m = json!({"is_echo": true, "mid": mid, "text": "our reply"});
    if let Some(a) = app {
        m["app_id"] = json!(a);
    }
    if let Some(md) = metadata {
        m["metadata"] = json!(md);
    }
    json!({"sender": {"id": PAGE}, "recipient": {"id": psid}, "timestamp": ms, "message": m})
}

async fn post(app: &TestApp, channel: i64, body: &str, signature: Option<String>) -> StatusCode {
    let mut r = reqwest::Client::new()
        .post(app.url(&format!("/webhooks/meta/{channel}")))
        .body(body.to_owned());
    if let Some(s) = signature {
        r = r.header("x-hub-signature-256", s);
    }
    r.send().await.unwrap().status()
}

pub(crate) async fn post_signed(app: &TestApp, channel: i64, body: &str) -> StatusCode {
    post(
        app,
        channel,
        body,
        Some(pronto_server::delivery::sign(SECRET, body.as_bytes())),
    )
    .await
}

pub(crate) async fn drain(app: &TestApp) -> Vec<Processed> {
    let mut out = Vec::new();
    loop {
        match process_next(&app.state).await.unwrap() {
            Processed::Idle => return out,
            p => out.push(p),
        }
    }
}

pub(crate) const MS0: i64 = T0 / 1000;

#[tokio::test]
async fn the_handshake_echoes_the_challenge_only_for_the_right_token() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let (channel, token) = messenger_channel(&app, &admin).await;
    let url = |t: &str| {
        app.url(&format!("/webhooks/meta/{channel}?hub.mode=subscribe&hub.verify_token={t}&hub.challenge=1158201444"))
    };
    let ok = reqwest::get(url(&token)).await.unwrap();
    assert_eq!(ok.status(), StatusCode::OK);
    assert_eq!(ok.text().await.unwrap(), "1158201444");
    assert_eq!(
        reqwest::get(url("wrong")).await.unwrap().status(),
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        reqwest::get(app.url("/webhooks/meta/999?hub.mode=subscribe"))
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn only_signed_bodies_are_kept() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let (channel, _) = messenger_channel(&app, &admin).await;
    let b = body(&[customer("psid-1", MS0, "m1", "h\u{e4}llo")]);
    let tampered = b.replace("m1", "m2");
    let sig = pronto_server::delivery::sign(SECRET, b.as_bytes());
    assert_eq!(
        post(&app, channel, &b, None).await,
        StatusCode::FORBIDDEN,
        "missing header"
    );
    assert_eq!(
        post(
            &app,
            channel,
            &b,
            Some(pronto_server::delivery::sign("wrong", b.as_bytes()))
        )
        .await,
        StatusCode::FORBIDDEN,
        "wrong secret"
    );
    assert_eq!(
        post(&app, channel, &tampered, Some(sig.clone())).await,
        StatusCode::FORBIDDEN,
        "wrong body"
    );
    // Meta signs the escaped-unicode form; the same text unescaped is another body.
    let escaped = b.replace('\u{e4}', "\\u00e4");
    assert_eq!(
        post(&app, channel, &escaped, Some(sig.clone())).await,
        StatusCode::FORBIDDEN,
        "tampered unicode"
    );
    assert_eq!(
        app.state.store.unprocessed_webhooks().await.unwrap(),
        0,
        "nothing kept"
    );
    assert_eq!(post(&app, channel, &b, Some(sig)).await, StatusCode::OK);
    assert_eq!(app.state.store.unprocessed_webhooks().await.unwrap(), 1);
    assert_eq!(drain(&app).await, vec![Processed::Done(1)]);
    let (_, list) = admin.get("/api/v1/conversations").await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn duplicate_and_reordered_deliveries_store_each_message_once_in_time_order() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let (channel, _) = messenger_channel(&app, &admin).await;
    let second = body(&[customer("psid-1", MS0 + 60_000, "m2", "second")]);
    let first = body(&[customer("psid-1", MS0, "m1", "first")]);
    for b in [&second, &first, &second, &first] {
        assert_eq!(post_signed(&app, channel, b).await, StatusCode::OK);
    }
    let done = drain(&app).await;
    assert_eq!(
        done,
        vec![
            Processed::Done(1),
            Processed::Done(1),
            Processed::Done(0),
            Processed::Done(0)
        ]
    );
    let (_, list) = admin.get("/api/v1/conversations").await;
    let id = list["items"][0]["id"].as_i64().unwrap();
    let (_, c) = admin.get(&format!("/api/v1/conversations/{id}")).await;
    let texts: Vec<_> = c["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["text"].clone())
        .collect();
    assert_eq!(
        texts,
        vec![json!("first"), json!("second")],
        "ordered by the platform's timestamps"
    );
    assert_eq!(c["conversation"]["waiting_since"], T0);
}

#[tokio::test]
async fn echoes_attach_to_our_messages_and_count_other_replies() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let (channel, _) = messenger_channel(&app, &admin).await;
    post_signed(&app, channel, &body(&[customer("psid-1", MS0, "m1", "hi")])).await;
    drain(&app).await;
    let (_, list) = admin.get("/api/v1/conversations").await;
    let conversation = list["items"][0]["id"].as_i64().unwrap();

    // Our reply, echoed (possibly before the Send API answered): no second copy.
    let (_, ours) = admin
        .post(
            &format!("/api/v1/conversations/{conversation}/messages"),
            json!({"text": "our reply"}),
        )
        .await;
    let ours_id = ours["id"].as_i64().unwrap();
    let metadata = format!(r#"{{"pronto":1,"author":"agent","message":"{ours_id}"}}"#);
    for _ in 0..2 {
        post_signed(
            &app,
            channel,
            &body(&[echo(
                "psid-1",
                MS0 + 1000,
                "m-ours",
                Some(APP),
                Some(&metadata),
            )]),
        )
        .await;
    }
    // A person in Meta's Page Inbox, and another app's bot.
    post_signed(
        &app,
        channel,
        &body(&[echo(
            "psid-1",
            MS0 + 2000,
            "m-inbox",
            Some(263_902_037_430_900),
            None,
        )]),
    )
    .await;
    post_signed(
        &app,
        channel,
        &body(&[echo("psid-1", MS0 + 3000, "m-bot", Some(999), None)]),
    )
    .await;
    assert_eq!(
        drain(&app).await,
        vec![
            Processed::Done(0),
            Processed::Done(0),
            Processed::Done(1),
            Processed::Done(1)
        ]
    );

    let (_, c) = admin
        .get(&format!("/api/v1/conversations/{conversation}"))
        .await;
    let messages = c["messages"].as_array().unwrap();
    assert_eq!(messages.len(), 4, "{messages:?}");
    let by_id = |ext: &str| {
        messages
            .iter()
            .find(|m| m["external_id"] == ext)
            .unwrap()
            .clone()
    };
    assert_eq!(by_id("m-ours")["id"], ours_id);
    assert_eq!(by_id("m-ours")["status"], "sent");
    assert_eq!(by_id("m-inbox")["author"], "agent");
    assert_eq!(by_id("m-bot")["author"], "bot");
}

#[tokio::test]
async fn reads_mark_our_messages_and_repeat_harmlessly() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let (channel, _) = messenger_channel(&app, &admin).await;
    post_signed(&app, channel, &body(&[customer("psid-1", MS0, "m1", "hi")])).await;
    drain(&app).await;
    let (_, list) = admin.get("/api/v1/conversations").await;
    let conversation = list["items"][0]["id"].as_i64().unwrap();
    app.advance(60_000_000);
    admin
        .post(
            &format!("/api/v1/conversations/{conversation}/messages"),
            json!({"text": "answer"}),
        )
        .await;
    let read = json!({"sender": {"id": "psid-1"}, "recipient": {"id": PAGE}, "timestamp": MS0 + 120_000, "read": {"watermark": MS0 + 90_000}});
    post_signed(&app, channel, &body(std::slice::from_ref(&read))).await;
    post_signed(&app, channel, &body(&[read])).await;
    drain(&app).await;
    let (_, c) = admin
        .get(&format!("/api/v1/conversations/{conversation}"))
        .await;
    assert_eq!(c["messages"][1]["status"], "read");
}

#[tokio::test]
async fn malformed_json_with_a_good_signature_is_acknowledged_and_kept_as_a_dead_letter() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let (channel, _) = messenger_channel(&app, &admin).await;
    assert_eq!(
        post_signed(&app, channel, "{\"object\":\"page\",\"entry\":[").await,
        StatusCode::OK
    );
    assert!(matches!(
        drain(&app).await.as_slice(),
        [Processed::DeadLetter(_)]
    ));
    let (status, letters) = admin
        .get(&format!("/api/v1/channels/{channel}/dead-letters"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(letters.as_array().unwrap().len(), 1);
    assert!(
        letters[0]["error"].as_str().unwrap().contains("JSON"),
        "{letters}"
    );
}

#[tokio::test]
async fn a_crash_after_the_acknowledgement_loses_nothing() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let (channel, _) = messenger_channel(&app, &admin).await;
    assert_eq!(
        post_signed(
            &app,
            channel,
            &body(&[customer("psid-1", MS0, "m1", "kept")])
        )
        .await,
        StatusCode::OK
    );
    // A worker claimed it and died; the server went down.
    assert!(
        app.state
            .store
            .claim_webhook(app.state.now(), 60_000_000)
            .await
            .unwrap()
            .is_some()
    );
    let (url, now) = (app.db_url.clone(), app.state.now());
    let db = app.stop().await;
    let app2 = TestApp::start(url, db, false).await;
    app2.clock
        .store(now + 60_000_000, std::sync::atomic::Ordering::SeqCst);
    assert_eq!(
        drain(&app2).await,
        vec![Processed::Done(1)],
        "processed once, after the lease"
    );
    let admin2 = app2.login("admin@acme.test", "correct horse battery").await;
    let (_, list) = admin2.get("/api/v1/conversations").await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn webhook_messages_feed_the_responsiveness_engine() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let (channel, _) = messenger_channel(&app, &admin).await;
    post_signed(&app, channel, &body(&[customer("psid-1", MS0, "m1", "hi")])).await;
    post_signed(
        &app,
        channel,
        &body(&[echo(
            "psid-1",
            MS0 + 240_000,
            "m2",
            Some(263_902_037_430_900),
            None,
        )]),
    )
    .await;
    drain(&app).await;
    app.advance(24 * 60 * 60_000_000);
    let (_, r) = admin
        .get(&format!("/api/v1/channels/{channel}/responsiveness"))
        .await;
    assert_eq!(r["opportunities"]["answered"], 1, "{r}");
    assert_eq!(r["response_time_seconds"], 240.0);
}

#[tokio::test]
async fn button_taps_quick_replies_and_ad_referrals_reach_the_agent() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let (channel, _) = messenger_channel(&app, &admin).await;
    let tap = json!({"sender": {"id": "psid-1"}, "recipient": {"id": PAGE}, "timestamp": MS0,
        "postback": {"mid": "m-tap", "title": "Get Started", "payload": "START",
                     "referral": {"ref": "spring", "source": "ADS", "type": "OPEN_THREAD", "ad_id": "ad-9"}}});
    let quick = json!({"sender": {"id": "psid-1"}, "recipient": {"id": PAGE}, "timestamp": MS0 + 1000,
        "message": {"mid": "m-quick", "text": "Red", "quick_reply": {"payload": "COLOR_RED"}}});
    post_signed(&app, channel, &body(std::slice::from_ref(&tap))).await;
    post_signed(&app, channel, &body(&[tap, quick])).await;
    assert_eq!(
        drain(&app).await,
        vec![Processed::Done(1), Processed::Done(1)]
    );
    let (_, list) = admin.get("/api/v1/conversations").await;
    let (_, c) = admin
        .get(&format!("/api/v1/conversations/{}", list["items"][0]["id"]))
        .await;
    let m = &c["messages"];
    assert_eq!(m[0]["text"], "Get Started");
    assert_eq!(
        m[0]["attachments"][0],
        json!({"type": "postback", "payload": "START"})
    );
    assert_eq!(m[0]["attachments"][1]["ad_id"], "ad-9");
    assert_eq!(
        m[1]["attachments"][0],
        json!({"type": "quick_reply", "payload": "COLOR_RED"})
    );
}

#[tokio::test]
async fn instagram_seen_marks_the_message_read() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let (channel, _) = messenger_channel(&app, &admin).await;
    post_signed(
        &app,
        channel,
        &body(&[customer("igsid-1", MS0, "m1", "hi")]),
    )
    .await;
    drain(&app).await;
    let (_, list) = admin.get("/api/v1/conversations").await;
    let conversation = list["items"][0]["id"].as_i64().unwrap();
    app.advance(60_000_123);
    let (_, ours) = admin
        .post(
            &format!("/api/v1/conversations/{conversation}/messages"),
            json!({"text": "hello"}),
        )
        .await;
    let metadata = format!(
        r#"{{"pronto":1,"author":"agent","message":"{}"}}"#,
        ours["id"]
    );
    post_signed(
        &app,
        channel,
        &body(&[echo(
            "igsid-1",
            MS0 + 61_000,
            "m-ours",
            Some(APP),
            Some(&metadata),
        )]),
    )
    .await;
    let seen = json!({"sender": {"id": "igsid-1"}, "recipient": {"id": PAGE}, "timestamp": MS0 + 70_000, "read": {"mid": "m-ours"}});
    post_signed(&app, channel, &body(&[seen])).await;
    drain(&app).await;
    let (_, c) = admin
        .get(&format!("/api/v1/conversations/{conversation}"))
        .await;
    assert_eq!(c["messages"][1]["status"], "read", "{}", c["messages"]);
}
