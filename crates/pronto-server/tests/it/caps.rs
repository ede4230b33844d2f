//! Size caps: labels per conversation, note length, and one conversation's
//! messages and notes a page at a time.

use axum::http::StatusCode;
use serde_json::json;

use crate::support::{Receiver, TestApp, api_channel, customer_says};

#[tokio::test]
async fn labels_and_notes_have_limits_that_errors_name() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let receiver = Receiver::spawn(vec![]).await;
    let channel = api_channel(&admin, &receiver).await;
    let (_, m) = customer_says(&admin, channel, "c1", "m1", "hi").await;
    let path = format!("/api/v1/conversations/{}", m["conversation_id"]);

    let fifty: Vec<String> = (0..50).map(|i| format!("label-{i}")).collect();
    let (status, body) = admin
        .post(&format!("{path}/labels"), json!({"add": fifty}))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = admin
        .post(&format!("{path}/labels"), json!({"add": ["one-more"]}))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let message = body["message"].as_str().unwrap();
    assert!(
        message.starts_with("labels:") && message.contains("50"),
        "{message}"
    );
    // Swapping one for another stays within the limit.
    let (status, body) = admin
        .post(
            &format!("{path}/labels"),
            json!({"add": ["one-more"], "remove": ["label-0"]}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = admin
        .post(
            &format!("{path}/labels"),
            json!({"remove": ["x".repeat(65)]}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");

    let (status, body) = admin
        .post(
            &format!("{path}/notes"),
            json!({"text": "n".repeat(10_001)}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let message = body["message"].as_str().unwrap();
    assert!(
        message.starts_with("text:") && message.contains("10000"),
        "{message}"
    );
    let (status, body) = admin
        .post(
            &format!("{path}/notes"),
            json!({"text": "n".repeat(10_000)}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
}

#[tokio::test]
async fn a_long_conversation_comes_a_page_at_a_time() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let receiver = Receiver::spawn(vec![]).await;
    let channel = api_channel(&admin, &receiver).await;
    let mut conversation = 0;
    // 205 messages, all at the same instant (the order then follows their ids).
    for i in 0..205 {
        let (status, m) = customer_says(
            &admin,
            channel,
            "c1",
            &format!("m{i}"),
            &format!("message {i}"),
        )
        .await;
        assert_eq!(status, StatusCode::CREATED, "{m}");
        conversation = m["conversation_id"].as_i64().unwrap();
    }
    let path = format!("/api/v1/conversations/{conversation}");
    for i in 0..53 {
        let text = format!("note {i:03} {}", "x".repeat(9_000));
        let (status, body) = admin
            .post(&format!("{path}/notes"), json!({"text": text}))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    let texts = |list: &serde_json::Value, field: &str| -> Vec<String> {
        list[field]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| {
                let t = m["text"].as_str().unwrap();
                t.chars().take(11).collect::<String>().trim().to_owned()
            })
            .collect::<Vec<_>>()
    };
    let (status, first) = admin.get(&path).await;
    assert_eq!(status, StatusCode::OK);
    let messages = texts(&first, "messages");
    assert_eq!(messages.len(), 200);
    assert_eq!(messages.first().unwrap(), "message 5");
    assert_eq!(messages.last().unwrap(), "message 204");
    let notes = texts(&first, "notes");
    assert_eq!(notes.len(), 50);
    assert_eq!(notes.first().unwrap(), "note 003 xx");
    assert!(first["older_messages"].is_i64() && first["older_notes"].is_i64());

    let (status, older) = admin
        .get(&format!(
            "{path}?messages_before={}&notes_before={}",
            first["older_messages"], first["older_notes"]
        ))
        .await;
    assert_eq!(status, StatusCode::OK, "{older}");
    let messages = texts(&older, "messages");
    assert_eq!(
        messages,
        [
            "message 0",
            "message 1",
            "message 2",
            "message 3",
            "message 4"
        ]
    );
    assert_eq!(texts(&older, "notes").len(), 3);
    assert!(older["older_messages"].is_null() && older["older_notes"].is_null());
    // A cursor from another conversation, or no number, is refused.
    assert_eq!(
        admin.get(&format!("{path}?messages_before=999999")).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        admin.get(&format!("{path}?messages_before=x")).await.0,
        StatusCode::BAD_REQUEST
    );

    // The inbox pane shows the same latest page, and says so.
    let pane = admin
        .request(
            reqwest::Method::GET,
            &format!("/ui/conversations/{conversation}"),
        )
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let first_shown = first["messages"][0]["id"].as_i64().unwrap();
    assert!(
        pane.contains(&format!(
            "<button class=\"older\" type=\"button\" data-before=\"{first_shown}\">Show older messages</button>"
        )),
        "no button for older messages"
    );
    assert!(pane.contains("Showing the latest 50 notes"));
    assert!(!pane.contains("note 002") && pane.contains("note 052"));
    assert!(!pane.contains("message 4<") && pane.contains("message 204"));
    assert!(pane.len() < 1_000_000, "the pane is {} bytes", pane.len());

    // The button loads the page before (a search hit there is reached this way),
    // and says no more when it is the first.
    let older_page = |before: i64| {
        let path = format!("/ui/conversations/{conversation}/older?before={before}");
        let admin = &admin;
        async move { crate::support::html(admin, &path, "en").await }
    };
    let (status, page) = older_page(first_shown).await;
    assert_eq!(status, StatusCode::OK);
    for i in 0..5 {
        assert!(
            page.contains(&format!("message {i}<")),
            "message {i} missing"
        );
    }
    assert!(!page.contains("message 5<") && !page.contains("class=\"older\""));
    // A message of another conversation is not a place in this one.
    assert_eq!(older_page(999_999).await.0, StatusCode::NOT_FOUND);
}
