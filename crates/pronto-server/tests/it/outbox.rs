//! The api channel's round trip through the outbox: retries, restarts, crashes.

use axum::http::StatusCode;
use pronto_server::delivery::{Outcome, deliver_next};
use serde_json::json;

use crate::support::{Receiver, TestApp, api_channel, customer_says};

async fn reply(
    app: &TestApp,
    admin: &crate::support::Client,
    conversation: i64,
    text: &str,
) -> i64 {
    let _ = app;
    let (status, m) = admin
        .post(
            &format!("/api/v1/conversations/{conversation}/messages"),
            json!({"text": text}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{m}");
    m["id"].as_i64().unwrap()
}

#[tokio::test]
async fn a_receiver_that_fails_then_succeeds_gets_the_message_once() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let receiver = Receiver::spawn(vec![503, 500]).await;
    let channel = api_channel(&admin, &receiver).await;
    let (_, m) = customer_says(&admin, channel, "c1", "m1", "hi").await;
    let id = reply(
        &app,
        &admin,
        m["conversation_id"].as_i64().unwrap(),
        "hello!",
    )
    .await;

    let first = deliver_next(&app.state).await.unwrap();
    let Outcome::Retrying(_, next) = first else {
        panic!("{first:?}")
    };
    // Not due yet: nothing happens.
    assert_eq!(deliver_next(&app.state).await.unwrap(), Outcome::Idle);
    app.clock.store(next, std::sync::atomic::Ordering::SeqCst);
    assert!(matches!(
        deliver_next(&app.state).await.unwrap(),
        Outcome::Retrying(..)
    ));
    app.advance(10_000_000);
    assert_eq!(
        deliver_next(&app.state).await.unwrap(),
        Outcome::Delivered(id)
    );
    assert_eq!(deliver_next(&app.state).await.unwrap(), Outcome::Idle);

    let seen = receiver.seen();
    assert_eq!(seen.len(), 3);
    assert!(
        seen.iter().all(|s| s.signature_ok),
        "every attempt is signed"
    );
    assert!(
        seen.iter()
            .all(|s| s.idempotency_key == format!("pronto-message-{id}"))
    );
    assert_eq!(
        seen.iter().filter(|s| s.answered == 200).count(),
        1,
        "delivered once"
    );
    assert_eq!(seen[2].body["message"]["text"], "hello!");
    let (_, c) = admin
        .get(&format!("/api/v1/conversations/{}", m["conversation_id"]))
        .await;
    assert_eq!(c["messages"][1]["status"], "sent");
}

#[tokio::test]
async fn a_refusing_receiver_fails_the_message_with_its_reason() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let receiver = Receiver::spawn(vec![400]).await;
    let channel = api_channel(&admin, &receiver).await;
    let (_, m) = customer_says(&admin, channel, "c1", "m1", "hi").await;
    let id = reply(
        &app,
        &admin,
        m["conversation_id"].as_i64().unwrap(),
        "hello!",
    )
    .await;
    let outcome = deliver_next(&app.state).await.unwrap();
    assert!(
        matches!(&outcome, Outcome::Failed(i, reason) if *i == id && reason.contains("400")),
        "{outcome:?}"
    );
    let (_, c) = admin
        .get(&format!("/api/v1/conversations/{}", m["conversation_id"]))
        .await;
    assert_eq!(c["messages"][1]["status"], "failed");
    assert!(c["messages"][1]["error"].as_str().unwrap().contains("400"));
}

#[tokio::test]
async fn nothing_is_lost_across_a_restart_or_a_crash_mid_delivery() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let receiver = Receiver::spawn(vec![]).await;
    let channel = api_channel(&admin, &receiver).await;
    let (_, m) = customer_says(&admin, channel, "c1", "m1", "hi").await;
    let conversation = m["conversation_id"].as_i64().unwrap();
    let first = reply(&app, &admin, conversation, "one").await;
    let second = reply(&app, &admin, conversation, "two").await;

    // A worker claims the first and dies before finishing; the server stops.
    let claimed = app
        .state
        .store
        .claim_delivery(app.state.now(), pronto_server::delivery::LEASE)
        .await
        .unwrap();
    assert_eq!(claimed.unwrap().message.id, first);
    let url = app.db_url.clone();
    let now = app.state.now();
    let db = app.stop().await;

    // A new server on the same database, after the lease ran out, delivers both.
    let app2 = TestApp::start(url, db, false).await;
    app2.clock.store(
        now + pronto_server::delivery::LEASE,
        std::sync::atomic::Ordering::SeqCst,
    );
    let mut delivered = Vec::new();
    loop {
        match deliver_next(&app2.state).await.unwrap() {
            Outcome::Delivered(id) => delivered.push(id),
            Outcome::Idle => break,
            other => panic!("{other:?}"),
        }
    }
    delivered.sort();
    assert_eq!(delivered, vec![first, second]);
    assert_eq!(app2.state.store.pending_deliveries().await.unwrap(), 0);
    let texts: Vec<_> = receiver
        .seen()
        .iter()
        .map(|s| s.body["message"]["text"].clone())
        .collect();
    assert_eq!(texts, vec![json!("one"), json!("two")]);
}

#[tokio::test]
async fn the_background_worker_delivers_by_itself() {
    let db = pronto_store::testing::sqlite().await;
    let url = db.url.clone();
    let app = TestApp::start(url, Some(db), true).await;
    let admin = app.admin().await;
    let receiver = Receiver::spawn(vec![]).await;
    let channel = api_channel(&admin, &receiver).await;
    let (_, m) = customer_says(&admin, channel, "c1", "m1", "hi").await;
    reply(
        &app,
        &admin,
        m["conversation_id"].as_i64().unwrap(),
        "on its own",
    )
    .await;
    for _ in 0..100 {
        if !receiver.seen().is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(receiver.seen().len(), 1, "the worker delivered within 5 s");
}
