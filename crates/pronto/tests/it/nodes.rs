//! Two `pronto serve` processes on one PostgreSQL database: an event posted on one
//! reaches an SSE client of the other.

use std::time::Duration;

use futures_util::StreamExt;
use serde_json::{Value, json};

use crate::support::{Node, add_admin, sign_in};

#[tokio::test]
async fn an_event_posted_on_one_process_reaches_a_client_of_the_other() {
    let Some(db) = pronto_store::testing::postgres().await else {
        eprintln!(
            "PRONTO_TEST_DATABASE_URL is not set: the two-process test needs PostgreSQL (see README)"
        );
        return;
    };
    add_admin(&db.url);
    let (a, b) = (Node::start(&db.url, None), Node::start(&db.url, None));
    let http = reqwest::Client::new();
    let (cookie_a, cookie_b) = (sign_in(&http, &a).await, sign_in(&http, &b).await);

    let events = http
        .get(format!("{}/api/v1/events", b.url))
        .header("cookie", &cookie_b)
        .send()
        .await
        .unwrap();
    assert_eq!(events.status(), 200);
    let mut body = events.bytes_stream();
    tokio::time::sleep(Duration::from_millis(300)).await;

    let channel: Value = http
        .post(format!("{}/api/v1/channels", a.url))
        .header("cookie", &cookie_a)
        .header("origin", &a.url)
        .json(
            &json!({"kind": "api", "name": "web", "config": {"url": "https://replies.invalid/unused"}}),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let r = http
        .post(format!(
            "{}/api/v1/channels/{}/inbound",
            a.url, channel["id"]
        ))
        .header("cookie", &cookie_a)
        .header("origin", &a.url)
        .json(&json!({"message_id": "m1", "contact_id": "c1", "text": "posted on A"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 201);

    let mut seen = String::new();
    let found = tokio::time::timeout(Duration::from_secs(10), async {
        while let Some(chunk) = body.next().await {
            seen.push_str(&String::from_utf8_lossy(&chunk.unwrap()));
            if seen.contains("posted on A") {
                return true;
            }
        }
        false
    })
    .await;
    assert_eq!(found, Ok(true), "B's client saw: {seen}");
    assert!(seen.contains("event: message.created"));
}
