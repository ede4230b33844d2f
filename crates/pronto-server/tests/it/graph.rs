//! Replies to Messenger through a fake Graph API that speaks Meta's wire format:
//! the window and tag decisions, `appsecret_proof`, metadata, and each error class.

use std::sync::{Arc, Mutex};

use axum::http::StatusCode;
use pronto_server::delivery::{Outcome, deliver_next};
use serde_json::{Value, json};

use crate::support::{Client, MIN, T0, TestApp};

const SECRET: &str = "graph-app-secret";
const TOKEN: &str = "EAAB-page-token";
const DAY: i64 = 24 * 60 * MIN;

/// A fake Graph API: records each Send API call and answers from a script (then
/// succeeds), checking `appsecret_proof` as Meta does.
struct FakeGraph {
    url: String,
    calls: Arc<Mutex<Vec<Value>>>,
}

impl FakeGraph {
    async fn spawn(script: Vec<(u16, Value)>) -> FakeGraph {
        use axum::extract::{Path, Query};
        let calls: Arc<Mutex<Vec<Value>>> = Arc::default();
        let plan = Arc::new(Mutex::new(script.into_iter()));
        let c2 = calls.clone();
        let app = axum::Router::new().route(
            "/{page}/messages",
            axum::routing::post(
                move |Path(page): Path<String>, Query(q): Query<std::collections::HashMap<String, String>>, axum::Json(body): axum::Json<Value>| {
                    let (calls, plan) = (c2.clone(), plan.clone());
                    async move {
                        let token = q.get("access_token").cloned().unwrap_or_default();
                        let proof_ok = q.get("appsecret_proof") == Some(&pronto_server::graph::appsecret_proof(SECRET, &token));
                        let n = {
                            let mut calls = calls.lock().unwrap();
                            calls.push(json!({"page": page, "token": token, "proof_ok": proof_ok, "body": body}));
                            calls.len()
                        };
                        if !proof_ok {
                            return (StatusCode::BAD_REQUEST, axum::Json(json!({"error": {"message": "Invalid appsecret_proof", "type": "GraphMethodException", "code": 100}})));
                        }
                        let (status, answer) = plan.lock().unwrap().next().unwrap_or((200, json!({"recipient_id": body["recipient"]["id"], "message_id": format!("mid.{n}")})));
                        (StatusCode::from_u16(status).unwrap(), axum::Json(answer))
                    }
                },
            ),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        FakeGraph {
            url: format!("http://{addr}"),
            calls,
        }
    }

    fn calls(&self) -> Vec<Value> {
        self.calls.lock().unwrap().clone()
    }
}

fn meta_error(code: i64, subcode: i64) -> Value {
    json!({"error": {"message": "(#x) refused", "type": "OAuthException", "code": code, "error_subcode": subcode, "fbtrace_id": "Ax"}})
}

/// A Messenger channel with a customer who wrote at T0; returns (channel, conversation).
async fn setup(app: &TestApp, admin: &Client, human_agent: bool) -> (i64, i64) {
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
    let body = json!({"object": "page", "entry": [{"id": "PAGE_1", "time": 1, "messaging": [
        {"sender": {"id": "PSID_1"}, "recipient": {"id": "PAGE_1"}, "timestamp": T0 / 1000, "message": {"mid": "m.in", "text": "hello?"}}
    ]}]})
    .to_string();
    let r = reqwest::Client::new()
        .post(app.url(&format!("/webhooks/meta/{channel}")))
        .header(
            "x-hub-signature-256",
            pronto_server::delivery::sign(SECRET, body.as_bytes()),
        )
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    pronto_server::meta::process_next(&app.state).await.unwrap();
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
    let graph = FakeGraph::spawn(vec![]).await;
    let app = TestApp::spawn_with_graph(&graph.url).await;
    let admin = app.admin().await;
    let (_, conversation) = setup(&app, &admin, false).await;
    app.clock
        .store(T0 + DAY - 1_000_000, std::sync::atomic::Ordering::SeqCst); // 23:59:59 later
    let (status, m) = reply(&admin, conversation, None).await;
    assert_eq!(status, StatusCode::CREATED, "{m}");
    let id = m["id"].as_i64().unwrap();
    assert_eq!(
        deliver_next(&app.state).await.unwrap(),
        Outcome::Delivered(id)
    );
    let calls = graph.calls();
    assert_eq!(calls.len(), 1);
    let call = &calls[0];
    assert_eq!(call["page"], "PAGE_1");
    assert_eq!(call["proof_ok"], true);
    assert_eq!(call["body"]["recipient"]["id"], "PSID_1");
    assert_eq!(call["body"]["messaging_type"], "RESPONSE");
    assert!(call["body"].get("tag").is_none());
    let metadata = pronto_channels::messenger::SendMetadata::decode(
        call["body"]["message"]["metadata"].as_str().unwrap(),
    )
    .unwrap();
    assert_eq!(metadata.message.as_deref(), Some(id.to_string().as_str()));
    let (_, c) = admin
        .get(&format!("/api/v1/conversations/{conversation}"))
        .await;
    assert_eq!(c["messages"][1]["status"], "sent");
    assert_eq!(c["messages"][1]["external_id"], "mid.1");
}

#[tokio::test]
async fn after_24_hours_only_a_person_may_reply_with_the_human_agent_tag_for_7_days() {
    let graph = FakeGraph::spawn(vec![]).await;
    let app = TestApp::spawn_with_graph(&graph.url).await;
    let admin = app.admin().await;
    let (_, tok) = admin.post("/api/v1/tokens", json!({"name": "bot"})).await;
    let bot = admin.with_token(tok["secret"].as_str().unwrap());
    let (_, conversation) = setup(&app, &admin, true).await;

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
    let call = &graph.calls()[0];
    assert_eq!(call["body"]["messaging_type"], "MESSAGE_TAG");
    assert_eq!(call["body"]["tag"], "HUMAN_AGENT");

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
    let graph = FakeGraph::spawn(vec![]).await;
    let app = TestApp::spawn_with_graph(&graph.url).await;
    let admin = app.admin().await;
    let (_, conversation) = setup(&app, &admin, false).await;
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
    assert!(graph.calls().is_empty(), "nothing refused reaches Meta");
}

#[tokio::test]
async fn meta_errors_retry_fail_or_stop_the_channel() {
    let graph = FakeGraph::spawn(vec![
        (400, meta_error(2, 0)),          // transient: retried
        (400, meta_error(10, 2_018_278)), // outside the window: failed
        (400, meta_error(190, 460)),      // token invalid: the channel stops
    ])
    .await;
    let app = TestApp::spawn_with_graph(&graph.url).await;
    let admin = app.admin().await;
    let (channel, conversation) = setup(&app, &admin, false).await;
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
    assert_eq!(graph.calls().len(), 3);
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
