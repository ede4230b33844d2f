//! The webhook worker's batches: a failing body alone waits for its next attempt,
//! several workers (and nodes on PostgreSQL) share one backlog with every
//! conversation's messages stored once and in arrival order.

use std::collections::HashMap;

use axum::http::StatusCode;
use pronto_server::AppState;
use pronto_server::meta::{Processed, process_batch};
use pronto_store::testing::{self, TestDb};
use pronto_store::{LiveEvent, Logged};

use crate::meta::{MS0, body, customer, messenger_channel, post_signed};
use crate::nul::refuse_poison;
use crate::support::TestApp;

#[tokio::test]
async fn a_failing_body_in_a_batch_waits_alone_and_the_others_are_stored() {
    for db in testing::backends().await {
        failing_body_in_a_batch(db).await;
    }
}

async fn failing_body_in_a_batch(db: TestDb) {
    let app = TestApp::start(db.url.clone(), Some(db), false).await;
    let admin = app.admin().await;
    let (channel, _) = messenger_channel(&app, &admin).await;
    refuse_poison(&app).await;
    for i in 0..20 {
        let text = if i == 7 {
            "poison".to_owned()
        } else {
            format!("n{i}")
        };
        let b = body(&[customer(
            &format!("psid-{}", i % 4),
            MS0 + i,
            &format!("m{i}"),
            &text,
        )]);
        assert_eq!(post_signed(&app, channel, &b).await, StatusCode::OK);
    }
    let outcomes = process_batch(&app.state, 128).await.unwrap();
    assert_eq!(outcomes.len(), 20, "{outcomes:?}");
    for (i, o) in outcomes.iter().enumerate() {
        if i == 7 {
            assert!(matches!(o, Processed::Retrying(0, _)), "{o:?}");
        } else {
            assert_eq!(o, &Processed::Done(1), "body {i}");
        }
    }
    assert_eq!(app.state.store.unprocessed_webhooks().await.unwrap(), 1);
    let created = message_events(&app.state).await;
    assert_eq!(created.len(), 19);
    assert!(created.iter().all(|(_, text)| text != "poison"));
}

#[tokio::test]
async fn concurrent_workers_store_each_message_once_in_each_conversations_order() {
    for db in testing::backends().await {
        let app = TestApp::start(db.url.clone(), Some(db), false).await;
        let bodies = backlog(&app, 120).await;
        let workers = (0..4).map(|_| drain(app.state.clone(), 16));
        futures_util::future::join_all(workers).await;
        check_backlog(&app.state, bodies).await;
    }
}

#[tokio::test]
async fn two_nodes_on_postgres_share_one_backlog() {
    let Some(a) = TestApp::spawn_postgres().await else {
        eprintln!("PRONTO_TEST_DATABASE_URL is not set: the two-node test needs PostgreSQL");
        return;
    };
    let b = TestApp::start(a.db_url.clone(), None, false).await;
    let bodies = backlog(&a, 160).await;
    let workers = [
        drain(a.state.clone(), 32),
        drain(b.state.clone(), 32),
        drain(a.state.clone(), 32),
        drain(b.state.clone(), 32),
    ];
    futures_util::future::join_all(workers).await;
    check_backlog(&a.state, bodies).await;
}

/// Two Messenger channels with `n` deliveries between them (a message each from
/// one of 12 customers), posted in order; returns `n`.
async fn backlog(app: &TestApp, n: i64) -> i64 {
    let admin = app.admin().await;
    let (first, _) = messenger_channel(app, &admin).await;
    let (second, _) = messenger_channel(app, &admin).await;
    for i in 0..n {
        let channel = if i % 3 == 0 { second } else { first };
        let b = body(&[customer(
            &format!("psid-{}", i % 12),
            MS0 + i,
            &format!("m{i}"),
            &format!("n{i}"),
        )]);
        assert_eq!(post_signed(app, channel, &b).await, StatusCode::OK);
    }
    n
}

/// Processes batches until none is left.
async fn drain(state: AppState, batch: i64) {
    loop {
        let outcomes = process_batch(&state, batch).await.unwrap();
        if outcomes.is_empty() {
            return;
        }
        for o in outcomes {
            assert!(matches!(o, Processed::Done(_)), "{o:?}");
        }
    }
}

/// Every body became one message, stored once, each conversation's in the order
/// they arrived (message ids and event numbers rise with the arrival order), and
/// the events are numbered without gaps.
async fn check_backlog(state: &AppState, n: i64) {
    assert_eq!(state.store.unprocessed_webhooks().await.unwrap(), 0);
    let created = message_events(state).await;
    assert_eq!(created.len() as i64, n);
    let mut texts: Vec<&str> = created.iter().map(|(_, t)| t.as_str()).collect();
    texts.sort_unstable();
    texts.dedup();
    assert_eq!(texts.len() as i64, n, "each message once");
    let mut last: HashMap<i64, (i64, i64)> = HashMap::new();
    for (conversation_and_id, text) in &created {
        let (conversation, id) = *conversation_and_id;
        let arrival: i64 = text[1..].parse().unwrap();
        if let Some((before_id, before)) = last.insert(conversation, (id, arrival)) {
            assert!(
                before < arrival && before_id < id,
                "conversation {conversation}: n{before} then n{arrival}"
            );
        }
    }
}

/// The `message.created` events of workspace 1 in number order, checked to be
/// numbered 1, 2, 3… with no gap: ((conversation, message id), text).
async fn message_events(state: &AppState) -> Vec<((i64, i64), String)> {
    let mut all: Vec<Logged> = Vec::new();
    loop {
        let after = all.last().map_or(0, |e| e.seq);
        let page = state.store.events_after(1, after, 500).await.unwrap();
        if page.is_empty() {
            break;
        }
        all.extend(page);
    }
    for (i, e) in all.iter().enumerate() {
        assert_eq!(e.seq, i as i64 + 1, "event numbers without gaps");
    }
    all.iter()
        .filter_map(|e| match &e.event {
            LiveEvent::MessageCreated { message, .. } => {
                Some(((message.conversation_id, message.id), message.text.clone()))
            }
            _ => None,
        })
        .collect()
}
