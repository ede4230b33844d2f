//! What Pronto sends to Meta besides plain text, through the sandbox: private
//! replies to comments, attachments and quick replies, sender actions, and the
//! Instagram Platform API for Instagram-login accounts.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use axum::http::StatusCode;
use pronto_sandbox::{Event, GraphError, PageConfig, Platform, Sandbox};
use pronto_server::delivery::{Outcome, deliver_next};
use serde_json::{Value, json};

use crate::support::{Client, MIN, T0, TestApp};

pub(crate) const SECRET: &str = "graph-app-secret";
const TOKEN: &str = "EAAB-page-token";

/// A server whose Graph and Instagram APIs are both one sandbox.
pub(crate) async fn spawn() -> (TestApp, Sandbox) {
    spawn_with(|_| {}).await
}

/// [`spawn`] with settings changed by `configure`.
pub(crate) async fn spawn_with(
    configure: impl FnOnce(&mut pronto_server::config::Config) + Send + 'static,
) -> (TestApp, Sandbox) {
    let db = pronto_store::testing::sqlite().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}/v25.0", listener.local_addr().unwrap());
    let url = db.url.clone();
    let app = TestApp::start_with(url, Some(db), false, move |c| {
        c.graph_base_url = base.clone();
        c.instagram_base_url = base;
        configure(c);
    })
    .await;
    let c = app.clock.clone();
    let sandbox = Sandbox::new(Arc::new(move || c.load(Ordering::SeqCst)));
    sandbox.serve(listener);
    (app, sandbox)
}

pub(crate) async fn channel(admin: &Client, sandbox: &Sandbox, kind: &str, extra: Value) -> i64 {
    let platform = if kind == "messenger" {
        Platform::Messenger
    } else {
        Platform::Instagram
    };
    sandbox.add_page(PageConfig::new(platform, "PAGE_1", "555", SECRET, TOKEN));
    let mut config = json!({"page_id": "PAGE_1", "app_id": "555", "app_secret": SECRET, "page_access_token": TOKEN});
    for (k, v) in extra.as_object().unwrap() {
        config[k] = v.clone();
    }
    let (status, c) = admin
        .post(
            "/api/v1/channels",
            json!({"kind": kind, "name": "Shop", "config": config}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{c}");
    c["id"].as_i64().unwrap()
}

/// Posts `event` as Meta would (signed with the test app secret) to the channel's
/// webhook and processes everything waiting.
pub(crate) async fn deliver_to(
    app: &TestApp,
    channel: i64,
    platform: Platform,
    account: &str,
    event: &Event,
    at: i64,
) {
    let body = pronto_sandbox::build(platform, account, event, at);
    let r = reqwest::Client::new()
        .post(app.url(&format!("/webhooks/meta/{channel}")))
        .header("x-hub-signature-256", pronto_sandbox::sign(SECRET, &body))
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    while pronto_server::meta::process_next(&app.state).await.unwrap()
        != pronto_server::meta::Processed::Idle
    {}
}

pub(crate) async fn deliver(
    app: &TestApp,
    channel: i64,
    platform: Platform,
    event: &Event,
    at: i64,
) {
    deliver_to(app, channel, platform, "PAGE_1", event, at).await;
}

/// A customer who wrote at T0; returns the conversation.
pub(crate) async fn customer_wrote(
    app: &TestApp,
    sandbox: &Sandbox,
    admin: &Client,
    channel: i64,
    platform: Platform,
) -> i64 {
    let mid = sandbox.customer_message("PAGE_1", "PSID_1", "Ana", "hello?", T0);
    let event = Event::Text {
        from: "PSID_1".into(),
        mid,
        text: "hello?".into(),
    };
    deliver(app, channel, platform, &event, T0).await;
    let (_, list) = admin.get("/api/v1/conversations").await;
    list["items"][0]["id"].as_i64().unwrap()
}

/// Waits (bounded) until the sandbox has seen `n` Send API calls.
pub(crate) async fn sends(sandbox: &Sandbox, n: usize) -> Vec<pronto_sandbox::LoggedRequest> {
    for _ in 0..200 {
        let s = sandbox.sends();
        if s.len() >= n {
            return s;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    panic!("the sandbox saw {:?}", sandbox.sends());
}

#[tokio::test]
async fn a_comment_gets_its_private_reply_through_the_send_api_once() {
    let (app, sandbox) = spawn().await;
    let admin = app.admin().await;
    let channel = channel(&admin, &sandbox, "messenger", json!({})).await;
    sandbox.add_comment("PAGE_1", "POST_1_C1", "USER_9", T0);
    let comment = Event::Comment {
        from: "USER_9".into(),
        name: "Luca".into(),
        comment_id: "POST_1_C1".into(),
        post_id: "PAGE_1_POST_1".into(),
        text: "Quanto costa?".into(),
    };
    deliver(&app, channel, Platform::Messenger, &comment, T0).await;
    deliver(&app, channel, Platform::Messenger, &comment, T0).await;
    let (_, comments) = admin.get("/api/v1/comments").await;
    assert_eq!(comments.as_array().unwrap().len(), 1, "{comments}");
    assert_eq!(comments[0]["contact_name"], "Luca");
    let id = &comments[0]["id"];

    app.clock.fetch_add(2 * 24 * 60 * MIN, Ordering::SeqCst);
    let (status, m) = admin
        .post(
            &format!("/api/v1/comments/{id}/private-reply"),
            json!({"text": "Ciao Luca, 25 euro."}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{m}");
    assert!(matches!(
        deliver_next(&app.state).await.unwrap(),
        Outcome::Delivered(_)
    ));
    let sent = sends(&sandbox, 1).await;
    assert_eq!(sent[0].status, 200, "{:?}", sent[0].response);
    assert_eq!(
        sent[0].body["recipient"],
        json!({"comment_id": "POST_1_C1"})
    );
    assert_eq!(sent[0].body["message"]["text"], "Ciao Luca, 25 euro.");
    assert!(
        sent[0].body["message"]["metadata"]
            .as_str()
            .unwrap()
            .contains(&format!("\"message\":\"{}\"", m["id"]))
    );
    let (_, detail) = admin
        .get(&format!("/api/v1/conversations/{}", m["conversation_id"]))
        .await;
    assert_eq!(detail["messages"][0]["status"], "sent");

    // The commenter is not a Messenger customer: a plain reply is refused with why.
    let (status, e) = admin
        .post(
            &format!("/api/v1/conversations/{}/messages", m["conversation_id"]),
            json!({"text": "anything else?"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(e["code"], "commenter_only");
    assert_eq!(sandbox.sends().len(), 1);
}

#[tokio::test]
async fn metas_already_replied_error_fails_the_private_reply_with_the_reason() {
    let (app, sandbox) = spawn().await;
    let admin = app.admin().await;
    let channel = channel(&admin, &sandbox, "messenger", json!({})).await;
    sandbox.add_comment("PAGE_1", "C2", "USER_9", T0);
    let comment = Event::Comment {
        from: "USER_9".into(),
        name: "Luca".into(),
        comment_id: "C2".into(),
        post_id: "P".into(),
        text: "?".into(),
    };
    deliver(&app, channel, Platform::Messenger, &comment, T0).await;
    let (_, comments) = admin.get("/api/v1/comments").await;
    // Answered elsewhere (in Meta's own inbox) meanwhile: Meta says so.
    sandbox.push_error(
        400,
        GraphError::new(10900, None, "Activity already replied to").body(0),
    );
    let (status, m) = admin
        .post(
            &format!("/api/v1/comments/{}/private-reply", comments[0]["id"]),
            json!({"text": "Hi"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{m}");
    assert!(matches!(
        deliver_next(&app.state).await.unwrap(),
        Outcome::Failed(..)
    ));
    let (_, detail) = admin
        .get(&format!("/api/v1/conversations/{}", m["conversation_id"]))
        .await;
    let failed = &detail["messages"][0];
    assert_eq!(failed["status"], "failed");
    assert!(
        failed["error"]
            .as_str()
            .unwrap()
            .contains("already has a private reply"),
        "{failed}"
    );
}

#[tokio::test]
async fn an_attachment_and_quick_replies_reach_meta_as_it_expects_them() {
    let (app, sandbox) = spawn().await;
    let admin = app.admin().await;
    let channel = channel(&admin, &sandbox, "messenger", json!({})).await;
    let conversation = customer_wrote(&app, &sandbox, &admin, channel, Platform::Messenger).await;
    let reply = format!("/api/v1/conversations/{conversation}/messages");
    app.clock.fetch_add(MIN, Ordering::SeqCst);
    let (status, m) = admin
        .post(
            &reply,
            json!({"text": "", "attachments": [{"type": "image", "url": "https://shop.example/red.png"}]}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{m}");
    let (status, m) = admin
        .post(
            &reply,
            json!({"text": "Which size?", "attachments": [{"type": "quick_replies", "options": [
                {"title": "Small", "payload": "S"}, {"title": "Large", "payload": "L"}]}]}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{m}");
    assert!(matches!(
        deliver_next(&app.state).await.unwrap(),
        Outcome::Delivered(_)
    ));
    assert!(matches!(
        deliver_next(&app.state).await.unwrap(),
        Outcome::Delivered(_)
    ));
    let sent = sends(&sandbox, 2).await;
    assert!(sent.iter().all(|s| s.status == 200), "{sent:?}");
    assert_eq!(
        sent[0].body["message"]["attachment"],
        json!({"type": "image", "payload": {"url": "https://shop.example/red.png", "is_reusable": true}})
    );
    assert_eq!(sent[1].body["message"]["text"], "Which size?");
    assert_eq!(
        sent[1].body["message"]["quick_replies"],
        json!([{"content_type": "text", "title": "Small", "payload": "S"},
               {"content_type": "text", "title": "Large", "payload": "L"}])
    );
}

#[tokio::test]
async fn typing_and_mark_seen_are_sender_actions_in_the_window_only() {
    let (app, sandbox) = spawn().await;
    let admin = app.admin().await;
    let channel = channel(&admin, &sandbox, "messenger", json!({"mark_seen": true})).await;
    let conversation = customer_wrote(&app, &sandbox, &admin, channel, Platform::Messenger).await;
    let (status, _) = admin
        .get(&format!("/api/v1/conversations/{conversation}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    let sent = sends(&sandbox, 1).await;
    assert_eq!(
        sent[0].body,
        json!({"recipient": {"id": "PSID_1"}, "sender_action": "mark_seen"})
    );
    assert_eq!(sent[0].status, 200);
    let (status, _) = admin
        .post(
            &format!("/api/v1/conversations/{conversation}/typing"),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    let sent = sends(&sandbox, 2).await;
    assert_eq!(sent[1].body["sender_action"], "typing_on");
    let events = app.state.store.events_after(1, 0, 100).await.unwrap();
    assert!(events.iter().any(|e| e.kind() == "conversation.typing"));

    // Outside the window Meta would refuse them: nothing is sent.
    app.clock.fetch_add(25 * 60 * MIN, Ordering::SeqCst);
    admin
        .post(
            &format!("/api/v1/conversations/{conversation}/typing"),
            json!({}),
        )
        .await;
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert_eq!(sandbox.sends().len(), 2);
}

#[tokio::test]
async fn an_instagram_login_account_replies_through_the_instagram_api() {
    let (app, sandbox) = spawn().await;
    let admin = app.admin().await;
    sandbox.add_page(PageConfig::new(
        Platform::Instagram,
        "IG_9",
        "555",
        SECRET,
        "IGAA-token",
    ));
    let (status, c) = admin
        .post(
            "/api/v1/channels",
            json!({"kind": "instagram", "name": "IG", "config": {"login": "instagram", "app_id": "555",
                   "app_secret": SECRET, "account_id": "IG_9", "access_token": "IGAA-token"}}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{c}");
    let channel = c["id"].as_i64().unwrap();
    let mid = sandbox.customer_message("IG_9", "IGSID_1", "giulia", "ciao", T0);
    let event = Event::Text {
        from: "IGSID_1".into(),
        mid,
        text: "ciao".into(),
    };
    deliver_to(&app, channel, Platform::Instagram, "IG_9", &event, T0).await;
    let (_, list) = admin.get("/api/v1/conversations").await;
    let conversation = &list["items"][0]["id"];
    let (status, m) = admin
        .post(
            &format!("/api/v1/conversations/{conversation}/messages"),
            json!({"text": "Ciao Giulia!"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{m}");
    assert!(matches!(
        deliver_next(&app.state).await.unwrap(),
        Outcome::Delivered(_)
    ));
    let sent = sends(&sandbox, 1).await;
    assert_eq!(sent[0].path, "/v25.0/IG_9/messages");
    assert_eq!(sent[0].status, 200, "{:?}", sent[0].response);
    assert!(
        sent[0]
            .query
            .contains(&("access_token".into(), "IGAA-token".into()))
    );
}
