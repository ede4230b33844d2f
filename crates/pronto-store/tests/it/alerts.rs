//! Alerts' storage, on every backend: preferences per member, the worker's cursor
//! (history is skipped; a compare-and-set so one worker writes an event's alerts),
//! Web Push devices per person, and a server key made once.

use pronto_store::testing::backends;
use pronto_store::{LiveEvent, Role};
use serde_json::json;

const T0: i64 = 1_772_355_600_000_000;

#[tokio::test]
async fn alert_prefs_cursor_devices_and_server_keys() {
    for db in backends().await {
        let s = &db.store;
        let ws = s.create_workspace("Acme", T0).await.unwrap();
        let other = s.create_workspace("Other", T0).await.unwrap();
        let ana = s
            .create_user("ana@acme.test", "Ana", None, T0)
            .await
            .unwrap();
        s.set_member(ws, ana.id, Role::Agent).await.unwrap();

        // Preferences: none, then saved, only for a member.
        assert_eq!(s.alert_prefs(ws, ana.id).await.unwrap(), None);
        s.set_alert_prefs(ws, ana.id, &json!({"sound": false}), T0)
            .await
            .unwrap();
        s.set_alert_prefs(ws, ana.id, &json!({"sound": true}), T0)
            .await
            .unwrap();
        assert_eq!(
            s.alert_prefs(ws, ana.id).await.unwrap(),
            Some(json!({"sound": true}))
        );
        assert!(
            s.set_alert_prefs(other, ana.id, &json!({}), T0)
                .await
                .is_err()
        );
        assert_eq!(s.alert_prefs(other, ana.id).await.unwrap(), None);

        // The cursor starts at each workspace's latest event, then follows the log.
        let note = LiveEvent::AgentNotified {
            user_id: ana.id,
            conversation_id: 1,
            rule_id: 1,
        };
        s.publish(ws, &note, T0).await.unwrap();
        assert_eq!(s.alerts_due().await.unwrap(), None, "history is not due");
        let at = s.publish(ws, &note, T0).await.unwrap();
        let (due_ws, from) = s.alerts_due().await.unwrap().unwrap();
        assert_eq!((due_ws, from), (ws, at - 1));
        let alert = LiveEvent::AlertCreated {
            user_id: ana.id,
            conversation_id: 1,
            reason: "rule_notify".into(),
            name: None,
            text: None,
            sound: true,
        };
        // Another worker that read from an older number loses, writing nothing.
        assert!(
            !s.commit_alerts(ws, from - 1, at, std::slice::from_ref(&alert), T0)
                .await
                .unwrap()
        );
        assert!(
            s.commit_alerts(ws, from, at, std::slice::from_ref(&alert), T0)
                .await
                .unwrap()
        );
        assert!(
            !s.commit_alerts(ws, from, at, &[alert], T0).await.unwrap(),
            "once"
        );
        let log = s.events_after(ws, at, 10).await.unwrap();
        assert_eq!(log.len(), 1);
        assert!(matches!(log[0].event, LiveEvent::AlertCreated { .. }));
        // The alert itself is then read (and makes no alert).
        assert_eq!(s.alerts_due().await.unwrap(), Some((ws, at)));

        // Devices: one's own, the same endpoint replaced, removed by their person.
        let d = s
            .add_push_subscription(ws, ana.id, "https://push.test/1", "k1", "a1", T0)
            .await
            .unwrap();
        let again = s
            .add_push_subscription(ws, ana.id, "https://push.test/1", "k2", "a2", T0)
            .await
            .unwrap();
        assert_eq!(again.id, d.id);
        let listed = s.push_subscriptions(ws, ana.id).await.unwrap();
        assert_eq!((listed.len(), listed[0].p256dh.as_str()), (1, "k2"));
        assert!(
            s.push_subscriptions(other, ana.id)
                .await
                .unwrap()
                .is_empty()
        );
        assert!(
            s.delete_push_subscription(other, ana.id, d.id)
                .await
                .is_err()
        );
        s.forget_push_endpoint("https://push.test/1").await.unwrap();
        assert!(s.push_subscriptions(ws, ana.id).await.unwrap().is_empty());

        // A server key is made once: a second maker is not called.
        assert_eq!(
            s.server_key("k", || "first".into(), T0).await.unwrap(),
            "first"
        );
        assert_eq!(
            s.server_key("k", || unreachable!("made once"), T0)
                .await
                .unwrap(),
            "first"
        );
    }
}
