//! History import: several conversations' messages written in one transaction.

use pronto_store::testing::backends;
use pronto_store::{
    ChannelKind, HistoryItem, Inbound, LiveEvent, MessageAuthor, PlatformReply, StoreError,
};
use serde_json::json;

const T0: i64 = 1_772_355_600_000_000;

fn customer(channel: i64, contact: &str, id: &str, at: i64) -> HistoryItem {
    HistoryItem::Customer(Inbound {
        channel_id: channel,
        contact_external_id: contact.into(),
        contact_name: Some(format!("Name of {contact}")),
        external_id: Some(id.into()),
        text: format!("text {id}"),
        attachments: json!([]),
        at,
    })
}

fn business(channel: i64, contact: &str, id: &str, at: i64) -> HistoryItem {
    HistoryItem::Business {
        reply: PlatformReply {
            channel_id: channel,
            contact_external_id: contact.into(),
            external_id: id.into(),
            author: MessageAuthor::Agent,
            text: format!("text {id}"),
            at,
        },
        contact_name: Some(format!("Name of {contact}")),
    }
}

#[tokio::test]
async fn a_batch_stores_each_message_once_and_a_business_message_may_come_first() {
    for db in backends().await {
        let s = &db.store;
        let ws = s.create_workspace("Acme", T0).await.unwrap();
        let other = s.create_workspace("Other", T0).await.unwrap();
        let config = json!({"url": "http://x"});
        let channel = s
            .create_channel(ws, ChannelKind::Api, "Web", &config, T0)
            .await
            .unwrap()
            .id;
        let foreign = s
            .create_channel(other, ChannelKind::Api, "Theirs", &config, T0)
            .await
            .unwrap()
            .id;
        let batch = vec![
            // Alice's conversation begins with the business's message.
            business(channel, "alice", "b1", T0),
            customer(channel, "alice", "a1", T0 + 10),
            customer(channel, "bob", "x1", T0 + 20),
            // The same message twice in one batch is stored once.
            customer(channel, "bob", "x1", T0 + 20),
            business(channel, "bob", "b2", T0 + 30),
            customer(channel, "alice", "a2", T0 + 40),
        ];
        let stored = s.import_history(ws, &batch, T0).await.unwrap();
        let created: Vec<bool> = stored.iter().map(|s| s.created).collect();
        assert_eq!(created, [true, true, true, false, true, true]);
        assert_eq!(stored[2].message.id, stored[3].message.id);
        assert_eq!(stored[0].message.author, MessageAuthor::Agent);

        // The conversations as the import leaves them: Alice waits since her first
        // unanswered message, Bob was answered; the contact made by the business's message
        // has the customer's name.
        let alice = s
            .conversation(ws, stored[0].message.conversation_id)
            .await
            .unwrap();
        assert_eq!(alice.contact_name, "Name of alice");
        assert_eq!(alice.waiting_since, Some(T0 + 10));
        assert_eq!(alice.last_message_at, Some(T0 + 40));
        assert_eq!(stored[1].message.conversation_id, alice.id);
        let bob = s
            .conversation(ws, stored[2].message.conversation_id)
            .await
            .unwrap();
        assert_eq!(bob.waiting_since, None);
        assert_eq!(bob.last_message_at, Some(T0 + 30));

        // One event per stored message, gapless, each the message as stored.
        let events = s.events_after(ws, 0, 100).await.unwrap();
        assert_eq!(
            events.iter().map(|e| e.seq).collect::<Vec<_>>(),
            (1..=5).collect::<Vec<_>>()
        );
        for e in &events {
            let LiveEvent::MessageCreated { message, .. } = &e.event else {
                panic!("unexpected event {:?}", e.event);
            };
            assert_eq!(&s.message(ws, message.id).await.unwrap(), message);
        }

        // Importing again (a resumed import) stores nothing new and emits nothing.
        let again = s.import_history(ws, &batch, T0).await.unwrap();
        assert!(again.iter().all(|s| !s.created));
        assert_eq!(again[4].message.id, stored[4].message.id);
        assert_eq!(s.events_after(ws, 0, 100).await.unwrap().len(), 5);

        // A batch naming another workspace's channel is refused whole, before any
        // write.
        let mixed = vec![
            customer(channel, "carol", "c1", T0 + 50),
            customer(foreign, "dave", "d1", T0 + 60),
        ];
        assert!(matches!(
            s.import_history(ws, &mixed, T0).await,
            Err(StoreError::NotFound(_))
        ));
        assert_eq!(s.events_after(ws, 0, 100).await.unwrap().len(), 5);
    }
}
