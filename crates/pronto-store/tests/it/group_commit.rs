//! Group commit: customer messages from concurrent callers, written together.

use std::collections::HashMap;

use pronto_store::testing::backends;
use pronto_store::{Inbound, LiveEvent, Store, StoreError};
use serde_json::json;

const T0: i64 = 1_772_355_600_000_000;

fn message(channel: i64, contact: usize, n: usize) -> Inbound {
    Inbound {
        channel_id: channel,
        contact_external_id: format!("c{contact}"),
        contact_name: None,
        external_id: Some(format!("m{n}")),
        text: format!("n{n}"),
        attachments: json!([]),
        at: T0 + n as i64,
    }
}

async fn setup(s: &Store) -> (i64, i64, i64) {
    let ws = s.create_workspace("Acme", T0).await.unwrap();
    let other = s.create_workspace("Other", T0).await.unwrap();
    let channel = s
        .create_channel(
            ws,
            pronto_store::ChannelKind::Api,
            "Web",
            &json!({"url": "http://x"}),
            T0,
        )
        .await
        .unwrap()
        .id;
    let foreign = s
        .create_channel(
            other,
            pronto_store::ChannelKind::Api,
            "Theirs",
            &json!({"url": "http://x"}),
            T0,
        )
        .await
        .unwrap()
        .id;
    (ws, channel, foreign)
}

#[tokio::test]
async fn concurrent_messages_are_each_stored_once_and_one_bad_one_fails_alone() {
    for db in backends().await {
        let s = &db.store;
        let (ws, channel, foreign) = setup(s).await;
        // 120 callers at once (each message sent twice), one of them naming another
        // workspace's channel: it fails, and only it.
        let mut tasks = Vec::new();
        for n in 0..120 {
            for _ in 0..2 {
                let store = s.clone();
                let m = if n == 57 {
                    message(foreign, n % 7, n)
                } else {
                    message(channel, n % 7, n)
                };
                tasks.push(tokio::spawn(async move { store.receive(ws, &m, T0).await }));
            }
        }
        let mut created = 0;
        let mut by_text: HashMap<String, i64> = HashMap::new();
        for (i, t) in tasks.into_iter().enumerate() {
            match t.await.unwrap() {
                Ok(stored) => {
                    created += usize::from(stored.created);
                    // Both deliveries of a message answer with the one stored copy.
                    let id = *by_text
                        .entry(stored.message.text.clone())
                        .or_insert(stored.message.id);
                    assert_eq!(id, stored.message.id);
                }
                Err(StoreError::NotFound(_)) => assert_eq!(i / 2, 57),
                Err(e) => panic!("message {}: {e}", i / 2),
            }
        }
        assert_eq!(created, 119);
        assert_eq!(by_text.len(), 119);
        // One event per stored message, numbered without a gap, in the order of the
        // messages' ids (the order they were written in).
        let events = s.events_after(ws, 0, 1000).await.unwrap();
        let seqs: Vec<i64> = events.iter().map(|e| e.seq).collect();
        assert_eq!(seqs, (1..=119).collect::<Vec<_>>());
        let ids: Vec<i64> = events
            .iter()
            .map(|e| match &e.event {
                LiveEvent::MessageCreated { message, .. } => message.id,
                other => panic!("unexpected event {other:?}"),
            })
            .collect();
        let mut sorted = ids.clone();
        sorted.sort_unstable();
        assert_eq!(ids, sorted);
        // The event carries the message exactly as stored.
        for e in &events {
            if let LiveEvent::MessageCreated { message, .. } = &e.event {
                assert_eq!(&s.message(ws, message.id).await.unwrap(), message);
            }
        }
    }
}

#[tokio::test]
async fn one_callers_messages_keep_their_order_in_their_conversation() {
    for db in backends().await {
        let s = &db.store;
        let (ws, channel, _) = setup(s).await;
        // Two callers, each handing in one conversation's messages in order, while
        // others write beside them.
        let mut tasks = Vec::new();
        for contact in 0..4 {
            let store = s.clone();
            tasks.push(tokio::spawn(async move {
                let batch = (0..40)
                    .map(|k| message(channel, contact, contact * 1000 + k))
                    .collect();
                store.receive_many(ws, batch, T0).await
            }));
        }
        for t in tasks {
            for r in t.await.unwrap() {
                assert!(r.unwrap().created);
            }
        }
        let events = s.events_after(ws, 0, 1000).await.unwrap();
        let mut last: HashMap<i64, i64> = HashMap::new();
        for e in &events {
            let LiveEvent::MessageCreated { message, .. } = &e.event else {
                continue;
            };
            let n: i64 = message.text[1..].parse().unwrap();
            if let Some(before) = last.insert(message.conversation_id, n) {
                assert!(before < n, "{before} then {n}");
            }
        }
        assert_eq!(events.len(), 160);
    }
}
