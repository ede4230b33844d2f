//! Live events over SSE: resume with Last-Event-ID, and across two nodes.

use std::time::Duration;

use axum::http::StatusCode;
use futures_util::StreamExt;
use serde_json::{Value, json};

use crate::support::{Client, Receiver, TestApp, api_channel, customer_says};

/// An open event stream.
struct Events {
    body: std::pin::Pin<Box<dyn futures_util::Stream<Item = reqwest::Result<bytes::Bytes>> + Send>>,
    buffer: String,
}

impl Events {
    async fn open(client: &Client, last_event_id: Option<i64>) -> Events {
        let mut r = client.request(reqwest::Method::GET, "/api/v1/events");
        if let Some(id) = last_event_id {
            r = r.header("last-event-id", id.to_string());
        }
        let response = r.send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        Events {
            body: Box::pin(response.bytes_stream()),
            buffer: String::new(),
        }
    }

    /// Reads until the stream ends, which must happen within `bound`; returns the
    /// texts of the messages delivered meanwhile.
    async fn until_end(&mut self, bound: Duration) -> Vec<String> {
        tokio::time::timeout(bound, async {
            while let Some(chunk) = self.body.next().await {
                match chunk {
                    Ok(c) => self.buffer.push_str(&String::from_utf8_lossy(&c)),
                    Err(_) => break,
                }
            }
        })
        .await
        .unwrap_or_else(|_| panic!("the stream did not end within {bound:?}"));
        self.buffer
            .split("\n\n")
            .filter_map(|block| {
                let data = block.lines().find_map(|l| l.strip_prefix("data:"))?;
                let v: Value = serde_json::from_str(data.trim()).ok()?;
                v["message"]["text"].as_str().map(str::to_owned)
            })
            .collect()
    }

    /// The next event of `kind`, skipping others.
    async fn next_of(&mut self, kind: &str) -> (i64, Value) {
        loop {
            let (id, k, data) = self.next().await;
            if k == kind {
                return (id, data);
            }
        }
    }

    /// The next event as (id, kind, data), waiting at most 10 s.
    async fn next(&mut self) -> (i64, String, Value) {
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                let (mut id, mut kind, mut data) = (None, String::new(), String::new());
                for line in block.lines() {
                    if let Some(v) = line.strip_prefix("id:") {
                        id = v.trim().parse().ok();
                    } else if let Some(v) = line.strip_prefix("event:") {
                        kind = v.trim().to_owned();
                    } else if let Some(v) = line.strip_prefix("data:") {
                        data.push_str(v.trim());
                    }
                }
                if let Some(id) = id {
                    return (id, kind, serde_json::from_str(&data).unwrap());
                }
                continue;
            }
            let chunk = tokio::time::timeout(Duration::from_secs(10), self.body.next())
                .await
                .expect("an event within 10 s")
                .expect("the stream is open")
                .unwrap();
            self.buffer.push_str(&String::from_utf8_lossy(&chunk));
        }
    }
}

#[tokio::test]
async fn a_client_that_reconnects_gets_what_it_missed() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let receiver = Receiver::spawn(vec![]).await;
    let channel = api_channel(&admin, &receiver).await;
    let mut events = Events::open(&admin, None).await;
    customer_says(&admin, channel, "c1", "m1", "first").await;
    let (id1, kind, data) = events.next().await;
    assert_eq!(kind, "message.created");
    assert_eq!(data["message"]["text"], "first");
    // The new message is a pending opportunity: the figures moved, and clients hear it.
    let (_, r) = events.next_of("responsiveness.changed").await;
    assert_eq!(r["channel_id"], channel);
    assert_eq!(r["report"]["opportunities"]["pending"], 1);
    drop(events);

    // While disconnected: two more messages.
    customer_says(&admin, channel, "c2", "m2", "second").await;
    customer_says(&admin, channel, "c3", "m3", "third").await;
    let mut events = Events::open(&admin, Some(id1)).await;
    let (id2, d2) = events.next_of("message.created").await;
    let (id3, d3) = events.next_of("message.created").await;
    assert!(id1 < id2 && id2 < id3);
    assert_eq!(
        (
            d2["message"]["text"].as_str(),
            d3["message"]["text"].as_str()
        ),
        (Some("second"), Some("third"))
    );
}

#[tokio::test]
async fn an_event_on_one_node_reaches_a_client_of_the_other() {
    let Some(a) = TestApp::spawn_postgres().await else {
        eprintln!(
            "PRONTO_TEST_DATABASE_URL is not set: the two-node test needs PostgreSQL (see README)"
        );
        return;
    };
    let b = TestApp::start(a.db_url.clone(), None, false).await;
    let admin_a = a.admin().await;
    let admin_b = b.login("admin@acme.test", "correct horse battery").await;
    let receiver = Receiver::spawn(vec![]).await;
    let channel = api_channel(&admin_a, &receiver).await;
    let mut on_b = Events::open(&admin_b, None).await;
    // B writes nothing, so a wake-up of B's store can only come from A's NOTIFY
    // through B's LISTEN (`Store::relay_other_nodes`). Its connection comes up in the
    // background: A posts until B hears one (each wait bounded only so that a broken
    // relay fails the test instead of hanging it); B's 5-second poll plays no part.
    let mut woken = b.state.store.subscribe();
    let mut texts = Vec::new();
    let heard = 'posting: {
        for k in 0..60 {
            let text = format!("posted on A #{k}");
            customer_says(&admin_a, channel, &format!("c{k}"), &format!("m{k}"), &text).await;
            texts.push(text);
            let wait = tokio::time::timeout(Duration::from_secs(1), woken.recv()).await;
            if let Ok(Ok(_)) = wait {
                break 'posting true;
            }
        }
        false
    };
    assert!(heard, "B's store was never woken by A's commits");
    // And B's client receives A's messages, in order.
    for text in &texts {
        let (_, data) = on_b.next_of("message.created").await;
        assert_eq!(data["message"]["text"], text.as_str());
    }
}

/// How long a stream may outlive its credential: it checks at each wake-up and at
/// each quiet poll.
const END_BOUND: Duration =
    Duration::from_secs(pronto_server::routes::events::POLL.as_secs() * 2 + 5);

/// An admin, an api channel and a token that posts customer messages.
async fn setup_stream_test() -> (TestApp, Client, Client, i64) {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let receiver = Receiver::spawn(vec![]).await;
    let channel = api_channel(&admin, &receiver).await;
    let (_, created) = admin
        .post(
            "/api/v1/tokens",
            json!({"name": "website", "role": "agent"}),
        )
        .await;
    let bot = admin.with_token(created["secret"].as_str().unwrap());
    (app, admin, bot, channel)
}

/// `who`'s stream delivers a message, then ends once `end` ran, and never
/// delivers the message written after.
async fn ends_after(
    who: &Client,
    bot: &Client,
    channel: i64,
    end: impl std::future::Future<Output = ()>,
) {
    let mut events = Events::open(who, None).await;
    customer_says(bot, channel, "c1", "m1", "before").await;
    let (_, data) = events.next_of("message.created").await;
    assert_eq!(data["message"]["text"], "before");
    end.await;
    let (status, body) = customer_says(bot, channel, "c1", "m2", "after the end").await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let delivered = events.until_end(END_BOUND).await;
    assert!(
        !delivered.iter().any(|t| t == "after the end"),
        "delivered after the credential ended: {delivered:?}"
    );
}

#[tokio::test]
async fn a_stream_ends_when_its_session_signs_out() {
    let (_app, admin, bot, channel) = setup_stream_test().await;
    ends_after(&admin, &bot, channel, async {
        let (status, _) = admin.post("/api/v1/auth/logout", json!({})).await;
        assert_eq!(status, StatusCode::NO_CONTENT);
    })
    .await;
}

#[tokio::test]
async fn a_stream_ends_when_its_session_expires() {
    let (app, admin, bot, channel) = setup_stream_test().await;
    let mut events = Events::open(&admin, None).await;
    customer_says(&bot, channel, "c1", "m1", "before").await;
    events.next_of("message.created").await;
    // Nothing happens after the session's end: the stream's own timer ends it.
    app.advance(i64::from(app.state.config.session_hours) * 3_600_000_000 + 1);
    events.until_end(END_BOUND).await;
}

#[tokio::test]
async fn a_stream_ends_when_its_user_is_deactivated() {
    let (app, admin, bot, channel) = setup_stream_test().await;
    let (status, body) = admin
        .post(
            "/api/v1/users",
            json!({"email": "bo@acme.test", "name": "Bo", "role": "agent", "password": "correct horse battery"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let bo_id = body["id"].as_i64().unwrap();
    let bo = app.login("bo@acme.test", "correct horse battery").await;
    ends_after(&bo, &bot, channel, async {
        let (status, body) = admin
            .post(&format!("/api/v1/users/{bo_id}/deactivate"), json!({}))
            .await;
        assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    })
    .await;
}

#[tokio::test]
async fn a_stream_ends_when_its_token_is_revoked() {
    let (_app, admin, bot, channel) = setup_stream_test().await;
    let (_, created) = admin
        .post(
            "/api/v1/tokens",
            json!({"name": "dashboard", "role": "agent"}),
        )
        .await;
    let id = created["token"]["id"].as_i64().unwrap();
    let watcher = admin.with_token(created["secret"].as_str().unwrap());
    ends_after(&watcher, &bot, channel, async {
        let (status, body) = admin.delete(&format!("/api/v1/tokens/{id}")).await;
        assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
    })
    .await;
}

#[tokio::test]
async fn a_graceful_stop_ends_open_event_streams() {
    let (app, admin, bot, channel) = setup_stream_test().await;
    let mut events = Events::open(&admin, None).await;
    customer_says(&bot, channel, "c1", "m1", "before").await;
    events.next_of("message.created").await;
    // A stop lets requests in flight finish; an event stream never would, so the
    // stop ends it (before, an open inbox tab kept `pronto serve` from stopping).
    tokio::time::timeout(END_BOUND, app.stop())
        .await
        .expect("the server stops with an event stream open");
    events.until_end(END_BOUND).await;
}
