//! A platform's statuses for Pronto's messages, on every backend: the ones that
//! overtake the send's own answer are kept and applied when the send is recorded,
//! in arrival order and forward only; ones no send claims are dropped after a day.

use pronto_store::testing::backends;
use pronto_store::{Inbound, MessageAuthor, Outbound, StatusUpdate, Store};
use serde_json::json;

const MIN: i64 = 60_000_000;
const T0: i64 = 1_772_355_600_000_000;

/// A conversation on a WhatsApp channel; returns the workspace, channel and
/// conversation.
async fn conversation(s: &Store) -> (i64, i64, i64) {
    let ws = s.create_workspace("Acme", T0).await.unwrap();
    let ch = s
        .create_channel(
            ws,
            pronto_store::ChannelKind::WhatsApp,
            "Shop",
            &json!({"phone_number_id": "1"}),
            T0,
        )
        .await
        .unwrap()
        .id;
    let inbound = Inbound {
        channel_id: ch,
        contact_external_id: "16505551234".to_owned(),
        contact_name: None,
        external_id: Some("wamid.IN".to_owned()),
        text: "hello".to_owned(),
        attachments: json!([]),
        at: T0,
    };
    let m = s.receive(ws, &inbound, T0).await.unwrap().message;
    (ws, ch, m.conversation_id)
}

async fn reply(s: &Store, ws: i64, conversation: i64, key: &str, at: i64) -> i64 {
    let out = Outbound {
        conversation_id: conversation,
        author: MessageAuthor::Agent,
        agent_id: None,
        text: "hi!".to_owned(),
        attachments: json!([]),
        idempotency_key: Some(key.to_owned()),
        subject: None,
    };
    s.send(ws, &out, at).await.unwrap().message.id
}

fn update<'a>(
    id: &'a str,
    status: &'a str,
    pricing: Option<&'a serde_json::Value>,
) -> StatusUpdate<'a> {
    StatusUpdate {
        external_id: id,
        status,
        error: None,
        pricing,
    }
}

#[tokio::test]
async fn statuses_that_overtake_the_send_apply_when_it_is_recorded() {
    for db in backends().await {
        let s = &db.store;
        let (ws, ch, c) = conversation(s).await;
        let id = reply(s, ws, c, "k1", T0 + MIN).await;
        let job = s.claim_delivery(T0 + MIN, MIN).await.unwrap().unwrap();
        assert_eq!(job.message.id, id);

        // `read`, then `delivered` with its pricing, then a late `sent`, all before
        // the Send API's answer: nothing to apply them to yet.
        let pricing = json!({"billable": false, "category": "service"});
        for (status, p) in [
            ("read", None),
            ("delivered", Some(&pricing)),
            ("sent", None),
        ] {
            let changed = s
                .apply_message_status(ws, ch, update("wamid.OUT", status, p), T0 + MIN)
                .await
                .unwrap();
            assert!(changed.is_none());
        }
        assert_eq!(s.message(ws, id).await.unwrap().status, "queued");

        // The answer comes: the message is read (never back to sent), with pricing.
        s.delivered(&job, Some("wamid.OUT"), T0 + 2 * MIN)
            .await
            .unwrap();
        let m = s.message(ws, id).await.unwrap();
        assert_eq!(m.status, "read");
        assert_eq!(m.pricing.unwrap()["category"], "service");
        let statuses: Vec<String> = s
            .events_after(ws, 0, 100)
            .await
            .unwrap()
            .iter()
            .filter(|e| e.kind() == "message.status")
            .map(|e| e.payload()["status"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(statuses, ["sent", "read"]);

        // Applied once: a later status for it goes the ordinary way.
        let again = s
            .apply_message_status(ws, ch, update("wamid.OUT", "delivered", None), T0 + 3 * MIN)
            .await
            .unwrap();
        assert!(again.is_none());

        // A `failed` that overtakes the answer fails the message when it comes.
        let id2 = reply(s, ws, c, "k2", T0 + 4 * MIN).await;
        let job = s.claim_delivery(T0 + 4 * MIN, MIN).await.unwrap().unwrap();
        let failed = StatusUpdate {
            external_id: "wamid.OUT2",
            status: "failed",
            error: Some("re-engagement needed"),
            pricing: None,
        };
        s.apply_message_status(ws, ch, failed, T0 + 4 * MIN)
            .await
            .unwrap();
        s.delivered(&job, Some("wamid.OUT2"), T0 + 4 * MIN)
            .await
            .unwrap();
        let m = s.message(ws, id2).await.unwrap();
        assert_eq!(
            (m.status.as_str(), m.error.as_deref()),
            ("failed", Some("re-engagement needed"))
        );

        // One no send claims (another tool on the number) is dropped after a day:
        // a message given that id later does not take it.
        s.apply_message_status(ws, ch, update("wamid.OTHER", "delivered", None), T0)
            .await
            .unwrap();
        s.apply_message_status(
            ws,
            ch,
            update("wamid.NOISE", "sent", None),
            T0 + 25 * 60 * MIN,
        )
        .await
        .unwrap();
        let id3 = reply(s, ws, c, "k3", T0 + 25 * 60 * MIN).await;
        let job = s
            .claim_delivery(T0 + 25 * 60 * MIN, MIN)
            .await
            .unwrap()
            .unwrap();
        s.delivered(&job, Some("wamid.OTHER"), T0 + 25 * 60 * MIN)
            .await
            .unwrap();
        assert_eq!(s.message(ws, id3).await.unwrap().status, "sent");
    }
}
