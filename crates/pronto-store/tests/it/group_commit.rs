//! Group commit: customer messages from concurrent callers, written together.

use std::collections::HashMap;

use pronto_store::testing::backends;
use pronto_store::{Inbound, LiveEvent, Store, StoreError, Stored};
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

/// What a workspace holds after its messages, with the store's ids replaced by
/// positions, so that two workspaces can be compared.
async fn picture(s: &Store, ws: i64) -> Vec<String> {
    let mut out = Vec::new();
    let events = s.events_after(ws, 0, 1000).await.unwrap();
    let mut conversations: Vec<i64> = Vec::new();
    for e in &events {
        let LiveEvent::MessageCreated {
            message,
            conversation_id,
        } = &e.event
        else {
            continue;
        };
        if !conversations.contains(conversation_id) {
            conversations.push(*conversation_id);
        }
        let c = conversations
            .iter()
            .position(|c| c == conversation_id)
            .unwrap();
        out.push(format!(
            "event {}: conversation #{c} {:?} {:?} at {}",
            e.seq, message.text, message.external_id, message.at
        ));
        assert_eq!(&s.message(ws, message.id).await.unwrap(), message);
    }
    for (k, id) in conversations.iter().enumerate() {
        let c = s.conversation(ws, *id).await.unwrap();
        out.push(format!(
            "conversation #{k}: {:?} waiting {:?} last {:?} folder {:?} key {}",
            c.contact_name,
            c.waiting_since,
            c.last_message_at,
            c.folder,
            s.list_key(ws, *id).await.unwrap()
        ));
    }
    let moves: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM folder_moves m JOIN conversations c ON c.id = m.conversation_id
         WHERE c.workspace_id = $1",
    )
    .bind(ws)
    .fetch_one(s.pool())
    .await
    .unwrap();
    out.push(format!("{moves} folder moves"));
    out
}

#[tokio::test]
async fn a_batch_writes_what_the_same_messages_one_at_a_time_write() {
    for db in backends().await {
        let s = &db.store;
        let mut pictures = Vec::new();
        for batched in [true, false] {
            let (ws, channel, _) = setup(s).await;
            let m = |contact: &str, name: Option<&str>, id: &str, at: i64| Inbound {
                channel_id: channel,
                contact_external_id: contact.into(),
                contact_name: name.map(Into::into),
                external_id: Some(id.into()),
                text: format!("text {id}"),
                attachments: json!([{"type": "image", "n": id}]),
                at: T0 + at,
            };
            // Before the batch: a customer known without a name, one whose
            // conversation is done, one in spam, and a message already stored.
            let quiet = s.receive(ws, &m("quiet", None, "q0", 0), T0).await.unwrap();
            let done = s
                .receive(ws, &m("done", Some("Dan"), "d0", 1), T0)
                .await
                .unwrap();
            let spam = s.receive(ws, &m("spam", None, "s0", 2), T0).await.unwrap();
            s.move_to(
                ws,
                done.message.conversation_id,
                pronto_core::Folder::Done,
                T0,
            )
            .await
            .unwrap();
            s.move_to(
                ws,
                spam.message.conversation_id,
                pronto_core::Folder::Spam,
                T0,
            )
            .await
            .unwrap();
            let batch = vec![
                m("new", Some("Nina"), "n1", 10),
                m("quiet", Some("Quentin"), "q1", 20),
                m("quiet", None, "q0", 0),
                m("done", None, "d1", 30),
                m("new", None, "n1", 10),
                m("spam", None, "s1", 40),
                m("new", None, "n2", 5),
                m("other", None, "o1", 50),
                m("done", None, "d2", 25),
            ];
            let results: Vec<Stored> = if batched {
                s.receive_many(ws, batch, T0)
                    .await
                    .into_iter()
                    .map(Result::unwrap)
                    .collect()
            } else {
                let mut out = Vec::new();
                for one in batch {
                    out.push(s.receive(ws, &one, T0).await.unwrap());
                }
                out
            };
            let created: Vec<bool> = results.iter().map(|r| r.created).collect();
            assert_eq!(
                created,
                [true, true, false, true, false, true, true, true, true]
            );
            assert_eq!(results[2].message, quiet.message);
            assert_eq!(results[4].message, results[0].message);
            pictures.push(picture(s, ws).await);
        }
        assert_eq!(pictures[0], pictures[1]);
        // The picture says what it should: the unnamed customer learnt a name, the
        // done conversation came back (one move each way), spam stayed.
        let p = pictures[0].join("\n");
        assert!(p.contains("\"Quentin\""), "{p}");
        assert!(p.contains("folder Spam"), "{p}");
        assert!(p.contains("3 folder moves"), "{p}");
    }
}

#[tokio::test]
async fn concurrent_webhook_bodies_are_each_kept_once_under_their_own_id() {
    for db in backends().await {
        let s = &db.store;
        let (_, channel, _) = setup(s).await;
        let mut tasks = Vec::new();
        for n in 0..150 {
            let store = s.clone();
            tasks.push(tokio::spawn(async move {
                let body = format!("{{\"n\": {n}}}").into_bytes();
                (n, store.accept_webhook(channel, &body, T0 + n).await)
            }));
        }
        let mut ids = HashMap::new();
        for t in tasks {
            let (n, id) = t.await.unwrap();
            assert!(ids.insert(id.unwrap(), n).is_none());
        }
        // Each id holds the body its delivery handed in, and the bodies come out
        // in id order.
        let claimed = s
            .claim_webhooks(T0 + 1_000, 60_000_000, 1_000)
            .await
            .unwrap();
        assert_eq!(claimed.len(), 150);
        for b in &claimed {
            assert_eq!(b.channel_id, channel);
            let n = ids[&b.id];
            assert_eq!(b.body, format!("{{\"n\": {n}}}").into_bytes());
        }
        assert!(claimed.windows(2).all(|w| w[0].id < w[1].id));
    }
}
