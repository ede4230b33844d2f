//! End to end against the sandbox: a simulated customer's signed webhook reaches the
//! real server over HTTP, an agent replies through the API, the Send API call
//! carries Pronto's metadata, and the echo Meta sends back is matched to the reply
//! instead of being stored twice. On SQLite, and on PostgreSQL when configured.

use axum::http::StatusCode;
use pronto_sandbox::{EventKind, PageConfig, Platform, Simulator};
use pronto_server::delivery::{Outcome, deliver_next};
use pronto_server::meta::{Processed, process_next};
use pronto_store::testing::{self, TestDb};
use serde_json::json;

use crate::support::TestApp;

/// On SQLite, and on PostgreSQL when `PRONTO_TEST_DATABASE_URL` is set (as the
/// storage suite does).
#[tokio::test]
async fn a_simulated_customer_gets_a_reply_and_its_echo_is_matched() {
    for db in testing::backends().await {
        round_trip(db).await;
    }
}

async fn round_trip(db: TestDb) {
    let (app, sandbox) = TestApp::spawn_with_sandbox(db).await;
    let admin = app.admin().await;
    sandbox.add_page(PageConfig::new(
        Platform::Messenger,
        "PAGE_E2E",
        "777",
        "e2e-secret",
        "EAAB-e2e",
    ));
    let (status, c) = admin
        .post(
            "/api/v1/channels",
            json!({"kind": "messenger", "name": "Shop", "config": {
                "page_id": "PAGE_E2E", "app_id": "777", "app_secret": "e2e-secret", "page_access_token": "EAAB-e2e"
            }}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{c}");
    let channel = c["id"].as_i64().unwrap();
    assert!(
        c["callback_url"]
            .as_str()
            .unwrap()
            .ends_with(&format!("/webhooks/meta/{channel}"))
    );
    // The server's listen address in the test is port 0's, so use the real one.
    sandbox
        .set_callback(
            "PAGE_E2E",
            Some(app.url(&format!("/webhooks/meta/{channel}"))),
        )
        .unwrap();

    let mut customers = Simulator::new(&sandbox, "PAGE_E2E", 2026).unwrap();
    let sent = customers.step_kind(EventKind::Text).await.unwrap();
    assert_eq!(sent.status, 200, "the signed webhook is acknowledged");
    assert_eq!(process_next(&app.state).await.unwrap(), Processed::Done(1));

    let (_, list) = admin.get("/api/v1/conversations").await;
    let conversation = list["items"][0]["id"].as_i64().unwrap();
    let (status, reply) = admin
        .post(
            &format!("/api/v1/conversations/{conversation}/messages"),
            json!({"text": "Hello from the shop"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{reply}");
    let reply_id = reply["id"].as_i64().unwrap();
    assert_eq!(
        deliver_next(&app.state).await.unwrap(),
        Outcome::Delivered(reply_id)
    );

    let sends = sandbox.sends();
    assert_eq!(sends.len(), 1);
    let call = &sends[0];
    assert!(call.proof_ok);
    assert_eq!(call.status, 200, "{}", call.response);
    assert_eq!(
        call.body["recipient"]["id"],
        pronto_sandbox::webhook::sender(&sent.event)
    );
    let metadata = pronto_channels::messenger::SendMetadata::decode(
        call.body["message"]["metadata"].as_str().unwrap(),
    )
    .unwrap();
    assert_eq!(metadata.message, Some(reply_id.to_string()));
    let mid = call.response["message_id"].as_str().unwrap().to_owned();

    // Meta's echo of the reply: delivered, acknowledged, recognised as Pronto's own.
    assert_eq!(sandbox.pending(), 1);
    let d = sandbox.deliver_pending().await;
    assert_eq!((d.ok, d.failed), (1, 0));
    assert_eq!(process_next(&app.state).await.unwrap(), Processed::Done(0));

    let (_, conv) = admin
        .get(&format!("/api/v1/conversations/{conversation}"))
        .await;
    let messages = conv["messages"].as_array().unwrap();
    assert_eq!(messages.len(), 2, "no second copy of the reply: {conv}");
    assert_eq!(messages[1]["id"], reply_id);
    assert_eq!(messages[1]["external_id"], mid.as_str());
    assert_eq!(messages[1]["status"], "sent");
}

/// A crash between the Send API's answer and the commit that ends the job: Meta
/// has the reply, the outbox row is still open. Meta's echo arrives, the lease runs
/// out, and the next worker finishes the job without sending it a second time. On
/// SQLite, and on PostgreSQL when configured.
#[tokio::test]
async fn a_reply_sent_before_a_crash_is_not_sent_again_after_its_echo() {
    for db in testing::backends().await {
        crash_after_send(db).await;
    }
}

async fn crash_after_send(db: TestDb) {
    let (app, sandbox) = TestApp::spawn_with_sandbox(db).await;
    let admin = app.admin().await;
    sandbox.add_page(PageConfig::new(
        Platform::Messenger,
        "PAGE_CRASH",
        "778",
        "crash-secret",
        "EAAB-crash",
    ));
    let (status, c) = admin
        .post(
            "/api/v1/channels",
            json!({"kind": "messenger", "name": "Shop", "config": {
                "page_id": "PAGE_CRASH", "app_id": "778", "app_secret": "crash-secret", "page_access_token": "EAAB-crash"
            }}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{c}");
    let channel = c["id"].as_i64().unwrap();
    sandbox
        .set_callback(
            "PAGE_CRASH",
            Some(app.url(&format!("/webhooks/meta/{channel}"))),
        )
        .unwrap();
    let mut customers = Simulator::new(&sandbox, "PAGE_CRASH", 7).unwrap();
    customers.step_kind(EventKind::Text).await.unwrap();
    assert_eq!(process_next(&app.state).await.unwrap(), Processed::Done(1));
    let (_, list) = admin.get("/api/v1/conversations").await;
    let conversation = list["items"][0]["id"].as_i64().unwrap();
    let (status, reply) = admin
        .post(
            &format!("/api/v1/conversations/{conversation}/messages"),
            json!({"text": "Sent once"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{reply}");
    let reply_id = reply["id"].as_i64().unwrap();

    // The worker claims the job and Meta accepts the send; the worker dies before
    // its commit (the answer is dropped, the row stays leased).
    let job = app
        .state
        .store
        .claim_delivery(app.state.now(), pronto_server::delivery::LEASE)
        .await
        .unwrap()
        .expect("the reply is due");
    let ch = app
        .state
        .store
        .channel_any_workspace(channel)
        .await
        .unwrap();
    let mid = pronto_server::graph::send(&app.state, &ch, &job)
        .await
        .expect("Meta accepts the reply");
    drop(job);
    assert_eq!(sandbox.sends().len(), 1);

    // Meta's echo arrives and gives the reply its platform id.
    let d = sandbox.deliver_pending().await;
    assert_eq!((d.ok, d.failed), (1, 0));
    assert_eq!(process_next(&app.state).await.unwrap(), Processed::Done(0));

    // The lease passes; the next worker finds the job and does not send it again.
    app.advance(pronto_server::delivery::LEASE);
    assert_eq!(
        deliver_next(&app.state).await.unwrap(),
        Outcome::AlreadySent(reply_id)
    );
    assert_eq!(deliver_next(&app.state).await.unwrap(), Outcome::Idle);
    assert_eq!(sandbox.sends().len(), 1, "Meta got the reply once");
    assert_eq!(app.state.store.pending_deliveries().await.unwrap(), 0);
    let (_, conv) = admin
        .get(&format!("/api/v1/conversations/{conversation}"))
        .await;
    let messages = conv["messages"].as_array().unwrap();
    assert_eq!(messages.len(), 2, "one copy of the reply: {conv}");
    assert_eq!(messages[1]["external_id"], mid.as_str());
    assert_eq!(messages[1]["status"], "sent");
}
