//! Retention and the list's order for conversations out of the inbox, on every backend.

use pronto_core::Folder;
use pronto_store::{ConversationQuery, Inbound, LiveEvent, Purged, Role};
use serde_json::json;

use pronto_store::testing::backends;

const MIN: i64 = 60_000_000;
const DAY: i64 = 24 * 60 * MIN;
const T0: i64 = 1_772_355_600_000_000; // 2026-03-01T09:00:00Z

fn inbound(channel: i64, contact: &str, at: i64) -> Inbound {
    Inbound {
        channel_id: channel,
        contact_external_id: contact.to_owned(),
        contact_name: None,
        external_id: None,
        text: "hello".to_owned(),
        attachments: json!([]),
        at,
    }
}

#[tokio::test]
async fn old_bodies_events_and_expired_sessions_go_and_nothing_else() {
    for db in backends().await {
        let s = &db.store;
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
        // Old events (several chunks of 4), then 3 recent ones; another workspace's
        // old events go too.
        for i in 0..10 {
            s.publish(ws, &LiveEvent::ChannelAutomation { channel_id: i }, T0 + i)
                .await
                .unwrap();
        }
        s.publish(other, &LiveEvent::ChannelAutomation { channel_id: 0 }, T0)
            .await
            .unwrap();
        // A message: never deleted (its event is).
        let m = s
            .receive(ws, &inbound(channel, "c1", T0), T0)
            .await
            .unwrap();
        // An at-risk flag of long ago: bookkeeping, deleted (its event too).
        assert!(
            s.flag_at_risk(ws, m.message.conversation_id, T0, T0)
                .await
                .unwrap()
        );
        assert!(
            !s.flag_at_risk(ws, m.message.conversation_id, T0, T0 + 1)
                .await
                .unwrap(),
            "flagged once"
        );
        let recent_from = T0 + 100 * DAY;
        let mut kept = Vec::new();
        for i in 0..3 {
            kept.push(
                s.publish(
                    ws,
                    &LiveEvent::ChannelAutomation { channel_id: i },
                    recent_from + i,
                )
                .await
                .unwrap(),
            );
        }

        // Bodies: one processed long ago, one dead letter, one not processed yet, one
        // processed recently.
        let old = s.accept_webhook(channel, b"{}", T0).await.unwrap();
        s.finish_webhook(old, T0, None).await.unwrap();
        let dead = s.accept_webhook(channel, b"{bad", T0).await.unwrap();
        s.finish_webhook(dead, T0, Some("not JSON")).await.unwrap();
        s.accept_webhook(channel, b"{}", T0).await.unwrap();
        let new = s.accept_webhook(channel, b"{}", recent_from).await.unwrap();
        s.finish_webhook(new, recent_from, None).await.unwrap();

        let ana = s
            .create_user(&format!("ana{ws}@x.test"), "Ana", None, T0)
            .await
            .unwrap();
        s.set_member(ws, ana.id, Role::Agent).await.unwrap();
        s.create_session(&format!("expired{ws}"), ana.id, ws, T0, T0 + DAY)
            .await
            .unwrap();
        s.create_session(&format!("live{ws}"), ana.id, ws, T0, recent_from + DAY)
            .await
            .unwrap();

        let before = recent_from - DAY;
        let events = s.events_after(ws, 0, 1000).await.unwrap().len() as u64;
        let purged = s.purge_in_chunks(before, recent_from, 4).await.unwrap();
        assert_eq!(
            purged,
            Purged {
                webhook_bodies: 1,
                // Every old event of both workspaces (the message's too).
                events: events - 3 + 1,
                sessions: 1,
                bookkeeping: 1,
            }
        );
        let left = s.events_after(ws, 0, 100).await.unwrap();
        assert_eq!(left.iter().map(|e| e.seq).collect::<Vec<_>>(), kept);
        assert!(s.events_after(other, 0, 10).await.unwrap().is_empty());
        // Numbering goes on after the deleted ones.
        let next = s
            .publish(
                ws,
                &LiveEvent::ChannelAutomation { channel_id: 0 },
                recent_from,
            )
            .await
            .unwrap();
        assert_eq!(next, kept[2] + 1);
        assert_eq!(s.unprocessed_webhooks().await.unwrap(), 1);
        assert_eq!(s.dead_letters(ws, channel, 10).await.unwrap().len(), 1);
        assert!(
            s.session_principal(&format!("live{ws}"), recent_from)
                .await
                .unwrap()
                .is_some()
        );
        let c = s.conversation(ws, m.message.conversation_id).await.unwrap();
        assert_eq!(c.waiting_since, Some(T0), "the conversation is untouched");

        // A second sweep finds nothing.
        assert_eq!(
            s.purge_in_chunks(before, recent_from, 4).await.unwrap(),
            Purged::default()
        );
    }
}

#[tokio::test]
async fn a_done_conversation_no_longer_sorts_as_waiting() {
    for db in backends().await {
        let s = &db.store;
        let ws = s.create_workspace("Acme", T0).await.unwrap();
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
        let mut ids = Vec::new();
        for i in 0..3 {
            let at = T0 + i * MIN;
            let m = s
                .receive(ws, &inbound(ch, &format!("c{i}"), at), at)
                .await
                .unwrap();
            ids.push(m.message.conversation_id);
        }
        // The longest-waiting one is moved to done unanswered: it still waits (the
        // engine counts its message), but it sorts after the inbox's waiting ones.
        s.move_to(ws, ids[0], Folder::Done, T0 + 10 * MIN)
            .await
            .unwrap();
        let order = |q: ConversationQuery| async move {
            s.conversations(ws, &ConversationQuery { limit: 10, ..q })
                .await
                .unwrap()
                .iter()
                .map(|c| c.id)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            order(ConversationQuery::default()).await,
            [ids[1], ids[2], ids[0]]
        );
        assert_eq!(
            s.conversation(ws, ids[0]).await.unwrap().waiting_since,
            Some(T0)
        );
        // Spam likewise, and a customer writing again in done brings it back to the
        // inbox at its wait.
        s.move_to(ws, ids[1], Folder::Spam, T0 + 11 * MIN)
            .await
            .unwrap();
        assert_eq!(
            order(ConversationQuery::default()).await,
            [ids[2], ids[1], ids[0]]
        );
        s.receive(ws, &inbound(ch, "c0", T0 + 12 * MIN), T0 + 12 * MIN)
            .await
            .unwrap();
        assert_eq!(
            order(ConversationQuery::default()).await,
            [ids[0], ids[2], ids[1]]
        );
        // Back in the inbox by hand: it waits again in its place.
        s.move_to(ws, ids[1], Folder::Inbox, T0 + 13 * MIN)
            .await
            .unwrap();
        assert_eq!(
            order(ConversationQuery::default()).await,
            [ids[0], ids[1], ids[2]]
        );
    }
}
