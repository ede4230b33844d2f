//! Replies to Messenger through the sandbox (`pronto-sandbox`), which plays Meta's
//! Graph API with its rules: the window and tag decisions, `appsecret_proof`,
//! metadata, and each error class. Where Pronto refuses a reply itself, the sandbox
//! must see nothing; where Pronto sends, the sandbox's own rules must accept it.

use axum::http::StatusCode;
use pronto_sandbox::{Event, GraphError, PageConfig, Platform, Sandbox};
use pronto_server::delivery::{Outcome, deliver_next};
use serde_json::{Value, json};

use crate::support::{Client, MIN, T0, TestApp};

const SECRET: &str = "graph-app-secret";
const TOKEN: &str = "EAAB-page-token";
const DAY: i64 = 24 * 60 * MIN;

fn meta_error(code: i64, subcode: i64) -> Value {
    GraphError::new(code, Some(subcode).filter(|s| *s != 0), "refused").body(0)
}

/// A sandbox and a server on SQLite.
async fn spawn() -> (TestApp, Sandbox) {
    TestApp::spawn_with_sandbox(pronto_store::testing::sqlite().await).await
}

/// A Messenger channel with a customer who wrote at T0, both in the sandbox and in
/// Pronto (through a signed webhook); returns (channel, conversation).
async fn setup(app: &TestApp, sandbox: &Sandbox, admin: &Client, human_agent: bool) -> (i64, i64) {
    let mut page = PageConfig::new(Platform::Messenger, "PAGE_1", "555", SECRET, TOKEN);
    page.human_agent = human_agent;
    sandbox.add_page(page);
    let (status, c) = admin
        .post(
            "/api/v1/channels",
            json!({"kind": "messenger", "name": "Page", "config": {
                "page_id": "PAGE_1", "app_id": "555", "app_secret": SECRET, "page_access_token": TOKEN, "human_agent": human_agent
            }}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{c}");
    let channel = c["id"].as_i64().unwrap();
    let mid = sandbox.customer_message("PAGE_1", "PSID_1", "Ana", "hello?", T0);
    let event = Event::Text {
        from: "PSID_1".into(),
        mid,
        text: "hello?".into(),
    };
    crate::send_side::deliver_to(app, channel, Platform::Messenger, "PAGE_1", &event, T0).await;
    let (_, list) = admin.get("/api/v1/conversations").await;
    (channel, list["items"][0]["id"].as_i64().unwrap())
}

async fn reply(client: &Client, conversation: i64, author: Option<&str>) -> (StatusCode, Value) {
    let mut body = json!({"text": "Thanks for writing!"});
    if let Some(a) = author {
        body["author"] = json!(a);
    }
    client
        .post(
            &format!("/api/v1/conversations/{conversation}/messages"),
            body,
        )
        .await
}

#[tokio::test]
async fn a_reply_inside_the_window_goes_out_with_proof_and_metadata() {
    let (app, graph) = spawn().await;
    let admin = app.admin().await;
    let (_, conversation) = setup(&app, &graph, &admin, false).await;
    app.clock
        .store(T0 + DAY - 1_000_000, std::sync::atomic::Ordering::SeqCst); // 23:59:59 later
    let (status, m) = reply(&admin, conversation, None).await;
    assert_eq!(status, StatusCode::CREATED, "{m}");
    let id = m["id"].as_i64().unwrap();
    assert_eq!(
        deliver_next(&app.state).await.unwrap(),
        Outcome::Delivered(id)
    );
    let calls = graph.sends();
    assert_eq!(calls.len(), 1);
    let call = &calls[0];
    assert_eq!(call.path, "/v25.0/PAGE_1/messages");
    assert!(call.proof_ok);
    assert_eq!(
        call.status, 200,
        "the sandbox's rules accept it: {}",
        call.response
    );
    assert_eq!(call.body["recipient"]["id"], "PSID_1");
    assert_eq!(call.body["messaging_type"], "RESPONSE");
    assert!(call.body.get("tag").is_none());
    let metadata = pronto_channels::messenger::SendMetadata::decode(
        call.body["message"]["metadata"].as_str().unwrap(),
    )
    .unwrap();
    assert_eq!(metadata.message.as_deref(), Some(id.to_string().as_str()));
    let (_, c) = admin
        .get(&format!("/api/v1/conversations/{conversation}"))
        .await;
    assert_eq!(c["messages"][1]["status"], "sent");
    assert_eq!(c["messages"][1]["external_id"], call.response["message_id"]);
}

#[tokio::test]
async fn after_24_hours_only_a_person_may_reply_with_the_human_agent_tag_for_7_days() {
    let (app, graph) = spawn().await;
    let admin = app.admin().await;
    let (_, tok) = admin.post("/api/v1/tokens", json!({"name": "bot"})).await;
    let bot = admin.with_token(tok["secret"].as_str().unwrap());
    let (_, conversation) = setup(&app, &graph, &admin, true).await;

    app.clock
        .store(T0 + DAY, std::sync::atomic::Ordering::SeqCst); // exactly 24:00:00
    let (status, body) = reply(&bot, conversation, Some("bot")).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("window_closed_automated")
        ),
        "{body}"
    );
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("2026-03-02T09:00:00Z")
    );
    let (status, body) = reply(&admin, conversation, Some("automation")).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("window_closed_automated")
        )
    );
    let (status, m) = reply(&admin, conversation, None).await;
    assert_eq!(status, StatusCode::CREATED, "{m}");
    assert!(matches!(
        deliver_next(&app.state).await.unwrap(),
        Outcome::Delivered(_)
    ));
    let call = &graph.sends()[0];
    assert_eq!(call.body["messaging_type"], "MESSAGE_TAG");
    assert_eq!(call.body["tag"], "HUMAN_AGENT");
    assert_eq!(
        call.status, 200,
        "the sandbox accepts HUMAN_AGENT on day 2: {}",
        call.response
    );

    app.clock
        .store(T0 + 7 * DAY, std::sync::atomic::Ordering::SeqCst);
    let (status, body) = reply(&admin, conversation, None).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("human_agent_expired")
        )
    );
}

#[tokio::test]
async fn without_the_human_agent_feature_the_window_is_final() {
    let (app, graph) = spawn().await;
    let admin = app.admin().await;
    let (_, conversation) = setup(&app, &graph, &admin, false).await;
    app.clock
        .store(T0 + DAY, std::sync::atomic::Ordering::SeqCst);
    let (status, body) = reply(&admin, conversation, None).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            Some("window_closed_no_human_agent")
        )
    );
    let long = "x".repeat(2000);
    app.clock
        .store(T0 + MIN, std::sync::atomic::Ordering::SeqCst);
    let (status, body) = admin
        .post(
            &format!("/api/v1/conversations/{conversation}/messages"),
            json!({"text": long}),
        )
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("text_too_long"))
    );
    assert!(body["message"].as_str().unwrap().contains("1999"));
    assert!(graph.requests().is_empty(), "nothing refused reaches Meta");
}

#[tokio::test]
async fn meta_errors_retry_fail_or_stop_the_channel() {
    let (app, graph) = spawn().await;
    graph.push_error(400, meta_error(2, 0)); // transient: retried
    graph.push_error(400, meta_error(10, 2_018_278)); // outside the window: failed
    graph.push_error(400, meta_error(190, 460)); // token invalid: the channel stops
    let admin = app.admin().await;
    let (channel, conversation) = setup(&app, &graph, &admin, false).await;
    app.clock
        .store(T0 + MIN, std::sync::atomic::Ordering::SeqCst);
    let (_, first) = reply(&admin, conversation, None).await;
    let first = first["id"].as_i64().unwrap();

    let Outcome::Retrying(_, next) = deliver_next(&app.state).await.unwrap() else {
        panic!("transient")
    };
    app.clock.store(next, std::sync::atomic::Ordering::SeqCst);
    let outcome = deliver_next(&app.state).await.unwrap();
    assert!(
        matches!(&outcome, Outcome::Failed(id, r) if *id == first && r.contains("outside the messaging window")),
        "{outcome:?}"
    );

    let (_, second) = reply(&admin, conversation, None).await;
    let second = second["id"].as_i64().unwrap();
    assert!(
        matches!(deliver_next(&app.state).await.unwrap(), Outcome::Retrying(id, _) if id == second)
    );
    let (_, c) = admin.get(&format!("/api/v1/channels/{channel}")).await;
    assert_eq!(c["state"], "needs_token");
    // While the token is bad nothing is sent, and the reply waits.
    app.advance(10 * MIN);
    assert!(matches!(
        deliver_next(&app.state).await.unwrap(),
        Outcome::Retrying(..)
    ));
    assert_eq!(graph.sends().len(), 3);
    assert_eq!(app.state.store.pending_deliveries().await.unwrap(), 1);
    // A revoked token mid-outbox never loses the reply: it is still queued.
    let (_, conv) = admin
        .get(&format!("/api/v1/conversations/{conversation}"))
        .await;
    let statuses: Vec<_> = conv["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["status"].clone())
        .collect();
    assert_eq!(
        statuses,
        vec![json!("received"), json!("failed"), json!("queued")]
    );
}
