//! The list's order and what leaves it: a higher priority comes first; a snoozed
//! conversation leaves the inbox until a time or until the customer writes, and
//! comes back by itself, listed under "Snoozed" meanwhile. On SQLite, and on
//! PostgreSQL when configured.

use std::sync::atomic::Ordering;

use axum::http::StatusCode;
use pronto_store::testing;
use serde_json::json;

use crate::support::{Client, MIN, Receiver, TestApp, api_channel, customer_says};

async fn listed(admin: &Client, snoozed: bool) -> Vec<i64> {
    let (_, list) = admin
        .get(&format!(
            "/api/v1/conversations?folder=inbox&snoozed={snoozed}"
        ))
        .await;
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["id"].as_i64().unwrap())
        .collect()
}

async fn in_ui(admin: &Client, folder: &str, id: i64) -> bool {
    let (_, page) = admin.get(&format!("/ui/list?folder={folder}")).await;
    page.as_str()
        .unwrap_or_default()
        .contains(&format!("data-conversation=\"{id}\""))
}

#[tokio::test]
async fn a_snoozed_conversation_comes_back_when_the_customer_writes_or_its_time_comes() {
    for db in testing::backends().await {
        let app = TestApp::start(db.url.clone(), Some(db), false).await;
        let admin = app.admin().await;
        let receiver = Receiver::spawn(vec![]).await;
        let channel = api_channel(&admin, &receiver).await;
        let (_, m) = customer_says(&admin, channel, "c1", "m1", "Hello").await;
        let id = m["conversation_id"].as_i64().unwrap();
        let path = format!("/api/v1/conversations/{id}/snooze");
        assert!(in_ui(&admin, "inbox", id).await);

        // Until the customer writes.
        let (status, c) = admin.post(&path, json!({"until_reply": true})).await;
        assert_eq!(status, StatusCode::OK, "{c}");
        assert_eq!(c["snooze"]["until_reply"], true);
        assert_eq!(listed(&admin, false).await, Vec::<i64>::new());
        assert_eq!(listed(&admin, true).await, vec![id]);
        assert!(!in_ui(&admin, "inbox", id).await);
        assert!(in_ui(&admin, "snoozed", id).await);
        customer_says(&admin, channel, "c1", "m2", "Any news?").await;
        assert_eq!(listed(&admin, false).await, vec![id]);
        let (_, detail) = admin.get(&format!("/api/v1/conversations/{id}")).await;
        assert_eq!(detail["conversation"]["snooze"], serde_json::Value::Null);

        // Until a time: back by itself when it comes, with nothing written.
        let now = app.clock.load(Ordering::SeqCst);
        let until = pronto_core::Timestamp::from_micros(now + 60 * MIN).to_string();
        let (status, c) = admin.post(&path, json!({"until": until})).await;
        assert_eq!(status, StatusCode::OK, "{c}");
        assert_eq!(c["snooze"]["until"], now + 60 * MIN);
        assert!(!in_ui(&admin, "inbox", id).await);
        app.clock.fetch_add(60 * MIN + 1, Ordering::SeqCst);
        assert_eq!(listed(&admin, false).await, vec![id]);
        assert!(in_ui(&admin, "inbox", id).await);
        assert!(!in_ui(&admin, "snoozed", id).await);

        // Woken by hand.
        let (status, _) = admin.post(&path, json!({"until_reply": true})).await;
        assert_eq!(status, StatusCode::OK);
        let (status, c) = admin.delete(&path).await;
        assert_eq!(status, StatusCode::OK, "{c}");
        assert_eq!(listed(&admin, false).await, vec![id]);

        // Wrong requests say what is wrong.
        let past = pronto_core::Timestamp::from_micros(now).to_string();
        for bad in [
            json!({}),
            json!({"until": past, "until_reply": true}),
            json!({"until": past}),
            json!({"until": "tomorrow"}),
        ] {
            let (status, body) = admin.post(&path, bad.clone()).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {body}");
        }
        app.stop().await;
    }
}

#[tokio::test]
async fn a_higher_priority_comes_first_among_the_waiting_and_among_the_rest() {
    for db in testing::backends().await {
        let app = TestApp::start(db.url.clone(), Some(db), false).await;
        let admin = app.admin().await;
        let receiver = Receiver::spawn(vec![]).await;
        let channel = api_channel(&admin, &receiver).await;
        let (status, rule) = admin
            .post(
                "/api/v1/rules",
                json!({"name": "Urgent first", "when": {"type": "customer_message"},
                       "if": [{"type": "text_contains", "text": "urgent"}],
                       "then": [{"type": "set_priority", "priority": 2}]}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{rule}");
        let mut ids = Vec::new();
        for (who, text) in [
            ("a", "Hello"),
            ("b", "Hi there"),
            ("c", "This is urgent"),
            ("d", "Hey"),
        ] {
            let (_, m) = customer_says(&admin, channel, who, &format!("{who}-1"), text).await;
            ids.push(m["conversation_id"].as_i64().unwrap());
            app.clock.fetch_add(MIN, Ordering::SeqCst);
        }
        // Waiting longest first, except the urgent one, which comes before them all.
        assert_eq!(
            listed(&admin, false).await,
            vec![ids[2], ids[0], ids[1], ids[3]]
        );
        let (_, page) = admin.get("/ui/list?folder=inbox").await;
        assert!(page.as_str().unwrap().contains("Priority 2"), "{page}");

        // Answered, the urgent one is no longer waiting: it goes after the waiting
        // ones, and first among the others.
        for id in [ids[2], ids[0]] {
            let (status, body) = admin
                .post(
                    &format!("/api/v1/conversations/{id}/messages"),
                    json!({"text": "On it", "author": "bot"}),
                )
                .await;
            assert_eq!(status, StatusCode::CREATED, "{body}");
            app.clock.fetch_add(MIN, Ordering::SeqCst);
        }
        assert_eq!(
            listed(&admin, false).await,
            vec![ids[1], ids[3], ids[2], ids[0]]
        );
        app.stop().await;
    }
}
