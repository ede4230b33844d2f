//! `GET /api/v1/search` and `GET /api/v1/conversations/{id}/suggestions` over HTTP,
//! on SQLite and (when configured) PostgreSQL.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::support::{Client, Receiver, TestApp, api_channel};

async fn says(admin: &Client, channel: i64, who: &str, name: &str, id: &str, text: &str) -> i64 {
    let (status, m) = admin
        .post(
            &format!("/api/v1/channels/{channel}/inbound"),
            json!({"message_id": id, "contact_id": who, "contact_name": name, "text": text}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{m}");
    m["conversation_id"].as_i64().unwrap()
}

async fn answer(admin: &Client, conversation: i64, text: &str, author: Option<&str>) -> Value {
    let mut body = json!({"text": text});
    if let Some(a) = author {
        body["author"] = json!(a);
    }
    let (status, m) = admin
        .post(
            &format!("/api/v1/conversations/{conversation}/messages"),
            body,
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{m}");
    m
}

async fn search_and_suggest_on(app: TestApp) {
    let admin = app.admin().await;
    let receiver = Receiver::spawn(vec![]).await;
    let channel = api_channel(&admin, &receiver).await;
    let first = says(
        &admin,
        channel,
        "c1",
        "Chloé Martin",
        "m1",
        "Ma commande 12345 n'est pas arrivée <b>vite</b>",
    )
    .await;
    answer(&admin, first, "Merci, nous regardons.", Some("automation")).await;
    answer(
        &admin,
        first,
        "Bonjour Chloé, votre commande 12345 part demain.",
        None,
    )
    .await;

    // Found without its accent, in another form, with its HTML escaped.
    let (status, page) = admin.get("/api/v1/search?q=ARRIVEE%20commandes").await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let items = page["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{page}");
    assert_eq!(items[0]["kind"], "message");
    assert_eq!(items[0]["conversation_id"], first);
    assert_eq!(
        items[0]["snippet"],
        "Ma <mark>commande</mark> 12345 n&#39;est pas <mark>arrivée</mark> &lt;b&gt;vite&lt;/b&gt;"
    );
    let (_, detail) = admin.get(&format!("/api/v1/conversations/{first}")).await;
    assert_eq!(items[0]["message_id"], detail["messages"][0]["id"]);
    // The contact's name; pages.
    let (_, page) = admin.get("/api/v1/search?q=chloe&limit=1").await;
    assert_eq!(page["items"][0]["kind"], "contact", "{page}");
    assert_eq!(page["next_offset"], 1, "{page}");
    let (_, page) = admin.get("/api/v1/search?q=chloe&limit=1&offset=1").await;
    assert_eq!(page["items"][0]["kind"], "message", "{page}");
    // Filters.
    let (_, page) = admin.get("/api/v1/search?q=commande&folder=done").await;
    assert_eq!(page["items"], json!([]), "{page}");
    let (_, page) = admin
        .get("/api/v1/search?q=commande&from=2100-01-01T00:00:00Z")
        .await;
    assert_eq!(page["items"], json!([]), "{page}");
    // Bad input says what and where.
    for (path, field) in [
        ("/api/v1/search?q=%20%2C%3B", "q"),
        ("/api/v1/search?q=a&limit=0", "limit"),
        ("/api/v1/search?q=a&from=yesterday", "from"),
    ] {
        let (status, e) = admin.get(path).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}: {e}");
        assert_eq!(e["field"], field, "{path}: {e}");
    }
    let (status, _) = admin.get("/api/v1/search?x=1").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    // Another customer asks the same: the person's answer, not the automation's,
    // filled with this customer's name and number; nothing was sent.
    let second = says(
        &admin,
        channel,
        "c2",
        "Paolo Rossi",
        "m2",
        "ma commande 98765 pas arrivée ?",
    )
    .await;
    let (status, s) = admin
        .get(&format!("/api/v1/conversations/{second}/suggestions"))
        .await;
    assert_eq!(status, StatusCode::OK, "{s}");
    let items = s["items"].as_array().unwrap();
    assert_eq!(items.len(), 1, "{s}");
    assert_eq!(items[0]["source"], "past_reply");
    assert_eq!(
        items[0]["text"],
        "Bonjour Paolo, votre commande 98765 part demain."
    );
    assert_eq!(items[0]["conversation_id"], first);
    let (_, detail) = admin.get(&format!("/api/v1/conversations/{second}")).await;
    assert_eq!(detail["messages"].as_array().unwrap().len(), 1);

    // A saved reply that fits comes first.
    let (status, r) = admin
        .post(
            "/api/v1/saved-replies",
            json!({"name": "Commande en retard", "shortcut": "retard", "text": "Désolé {first_name}, votre commande arrive."}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{r}");
    let (_, s) = admin
        .get(&format!("/api/v1/conversations/{second}/suggestions"))
        .await;
    assert_eq!(s["items"][0]["source"], "saved_reply", "{s}");
    assert_eq!(
        s["items"][0]["text"],
        "Désolé Paolo, votre commande arrive."
    );
    assert_eq!(s["items"][0]["saved_reply_id"], r["id"]);
    assert_eq!(s["items"][1]["source"], "past_reply");
}

#[tokio::test]
async fn search_and_suggestions_on_sqlite() {
    search_and_suggest_on(TestApp::spawn().await).await;
}

/// The same on PostgreSQL, when `PRONTO_TEST_DATABASE_URL` is set.
#[tokio::test]
async fn search_and_suggestions_on_postgres() {
    let Some(app) = TestApp::spawn_postgres().await else {
        eprintln!("PRONTO_TEST_DATABASE_URL is not set: search on PostgreSQL not run (see README)");
        return;
    };
    search_and_suggest_on(app).await;
}
