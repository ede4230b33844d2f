//! One conversation a page at a time (messages and notes), on every backend.

use pronto_store::{Inbound, Role, StoreError};
use serde_json::json;

use pronto_store::testing::backends;

const T0: i64 = 1_772_355_600_000_000; // 2026-03-01T09:00:00Z

#[tokio::test]
async fn messages_and_notes_come_a_page_at_a_time_newest_page_first() {
    for db in backends().await {
        let s = &db.store;
        let ws = s.create_workspace("Acme", T0).await.unwrap();
        let other = s.create_workspace("Other", T0).await.unwrap();
        let ch = s
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
        let ana = s
            .create_user(&format!("ana{ws}@x.test"), "Ana", None, T0)
            .await
            .unwrap();
        s.set_member(ws, ana.id, Role::Agent).await.unwrap();
        // Seven messages, three of them at the same instant (ties go by id).
        let mut conversation = 0;
        for i in 0..7i64 {
            let at = T0 + i.min(4) * 1_000_000;
            let m = s
                .receive(
                    ws,
                    &Inbound {
                        channel_id: ch,
                        contact_external_id: "c1".into(),
                        contact_name: None,
                        external_id: Some(format!("m{i}")),
                        text: format!("message {i}"),
                        attachments: json!([]),
                        at,
                    },
                    at,
                )
                .await
                .unwrap();
            conversation = m.message.conversation_id;
        }
        for i in 0..5 {
            s.add_note(ws, conversation, ana.id, &format!("note {i}"), T0 + i)
                .await
                .unwrap();
        }

        let texts = |list: &[pronto_store::Message]| {
            list.iter().map(|m| m.text.clone()).collect::<Vec<_>>()
        };
        let (page, older) = s.messages_page(ws, conversation, None, 3).await.unwrap();
        assert_eq!(texts(&page), ["message 4", "message 5", "message 6"]);
        assert!(older);
        let (page2, older) = s
            .messages_page(ws, conversation, Some(page[0].id), 3)
            .await
            .unwrap();
        assert_eq!(texts(&page2), ["message 1", "message 2", "message 3"]);
        assert!(older);
        let (page3, older) = s
            .messages_page(ws, conversation, Some(page2[0].id), 3)
            .await
            .unwrap();
        assert_eq!(texts(&page3), ["message 0"]);
        assert!(!older);

        let (notes, older) = s.notes_page(ws, conversation, None, 2).await.unwrap();
        assert_eq!(
            notes.iter().map(|n| n.text.as_str()).collect::<Vec<_>>(),
            ["note 3", "note 4"]
        );
        assert!(older);
        let (notes, older) = s
            .notes_page(ws, conversation, Some(notes[0].id), 10)
            .await
            .unwrap();
        assert_eq!(notes.len(), 3);
        assert!(!older);

        // Another workspace reaches neither.
        assert!(matches!(
            s.messages_page(other, conversation, None, 3).await,
            Err(StoreError::NotFound(_))
        ));
        let (notes, _) = s
            .notes_page(other, conversation, None, 10)
            .await
            .unwrap_or_default();
        assert!(notes.is_empty());
    }
}
