//! Outgoing calls. When Meta and every receiver are unreachable, no token, secret,
//! proof or URL key reaches a stored error, an event, an API answer or the log.
//! Receiver URLs at private addresses are refused when saved and when connecting
//! unless `allow_private_webhook_urls` is on, and redirects are not followed.

use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use axum::http::StatusCode;
use pronto_sandbox::{Event, Platform};
use pronto_server::import::{LiveOptions, Target, import_live};
use pronto_store::testing::{self, TestDb};
use serde_json::{Value, json};

use crate::support::{Receiver, TestApp, api_channel, customer_says};

const TOKEN: &str = "EAAB-leakcheck-page-token-5c1e";
const APP_SECRET: &str = "leakcheck-app-secret-77ab";
const URL_KEY: &str = "leakcheck-url-key-0d9f";
const URL_PASSWORD: &str = "leakcheck-url-password-3e21";

/// Everything the server logs, from every test of this binary, at debug level.
fn captured_log() -> Arc<Mutex<Vec<u8>>> {
    static LOG: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    LOG.get_or_init(|| {
        let log: Arc<Mutex<Vec<u8>>> = Arc::default();
        let sink = log.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing::Level::DEBUG)
            .with_ansi(false)
            .with_writer(move || Sink(sink.clone()))
            .finish();
        tracing::subscriber::set_global_default(subscriber)
            .expect("no other test sets a global subscriber");
        log
    })
    .clone()
}

struct Sink(Arc<Mutex<Vec<u8>>>);

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// A port nothing listens on.
fn closed_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Issue 11, item 1. On SQLite, and on PostgreSQL when configured.
#[tokio::test]
async fn no_secret_reaches_errors_events_or_logs_when_nothing_answers() {
    let log = captured_log();
    for db in testing::backends().await {
        nothing_answers(db, &log).await;
    }
}

async fn nothing_answers(db: TestDb, log: &Mutex<Vec<u8>>) {
    let port = closed_port();
    let dead = format!("http://127.0.0.1:{port}");
    let graph = format!("{dead}/v25.0");
    let url = db.url.clone();
    let app = TestApp::start_with(url, Some(db), false, |c| c.graph_base_url = graph.clone()).await;
    let admin = app.admin().await;
    let receiver_url = format!("http://hook:{URL_PASSWORD}@127.0.0.1:{port}/hook?key={URL_KEY}");

    // A rule that calls a dead receiver on every customer message.
    let (status, body) = admin
        .post(
            "/api/v1/rules",
            json!({"name": "hook", "when": {"type": "customer_message"}, "then": [{"type": "call_webhook", "url": receiver_url}]}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    // An outgoing webhook to a dead receiver.
    let (status, sub) = admin
        .post(
            "/api/v1/webhooks",
            json!({"url": receiver_url, "kinds": ["message.created", "message.status"]}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{sub}");
    let sub_secret = sub["signing_secret"].as_str().unwrap().to_owned();

    // A Messenger channel whose Graph API is down, with a customer and a reply.
    let (status, c) = admin
        .post(
            "/api/v1/channels",
            json!({"kind": "messenger", "name": "Page", "config": {
                "page_id": "PAGE_L", "app_id": "991", "app_secret": APP_SECRET, "page_access_token": TOKEN
            }}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{c}");
    let messenger = c["id"].as_i64().unwrap();
    let event = Event::Text {
        from: "PSID_L".into(),
        mid: "m_leak_1".into(),
        text: "hello?".into(),
    };
    let signed = pronto_sandbox::build(Platform::Messenger, "PAGE_L", &event, app.state.now());
    for body in [signed, b"{not json".to_vec()] {
        let r = reqwest::Client::new()
            .post(app.url(&format!("/webhooks/meta/{messenger}")))
            .header(
                "x-hub-signature-256",
                pronto_sandbox::sign(APP_SECRET, &body),
            )
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
    }
    while pronto_server::meta::process_next(&app.state).await.unwrap()
        != pronto_server::meta::Processed::Idle
    {}
    let (_, list) = admin.get("/api/v1/conversations").await;
    let meta_conversation = list["items"][0]["id"].as_i64().unwrap();
    let (status, m) = admin
        .post(
            &format!("/api/v1/conversations/{meta_conversation}/messages"),
            json!({"text": "On its way"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{m}");

    // An api channel whose receiver is down, with a customer and a reply.
    let dead_receiver = Receiver {
        url: receiver_url.clone(),
        seen: Arc::default(),
        secret: Arc::default(),
    };
    let api = api_channel(&admin, &dead_receiver).await;
    let api_secret = dead_receiver.secret.lock().unwrap().clone();
    let (_, m) = customer_says(&admin, api, "c1", "m1", "hi").await;
    let api_conversation = m["conversation_id"].as_i64().unwrap();
    let (status, m) = admin
        .post(
            &format!("/api/v1/conversations/{api_conversation}/messages"),
            json!({"text": "Hello"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{m}");

    // Every delivery fails until it is given up.
    let mut failed = 0;
    for _ in 0..40 {
        match pronto_server::delivery::deliver_next(&app.state)
            .await
            .unwrap()
        {
            pronto_server::delivery::Outcome::Failed(..) => failed += 1,
            pronto_server::delivery::Outcome::Idle if failed == 2 => break,
            _ => {}
        }
        app.advance(3_600_000_000);
    }
    assert_eq!(failed, 2, "both replies fail for good");
    let mut failing = false;
    for _ in 0..40 {
        if let pronto_server::integrations::Outcome::Failing(..) =
            pronto_server::integrations::deliver_next(&app.state)
                .await
                .unwrap()
        {
            failing = true;
            break;
        }
        app.advance(3_600_000_000);
    }
    assert!(failing, "the subscription gives up");
    // The rule's call runs in the background; its first failure is logged.
    let logged = |what: &str| String::from_utf8_lossy(&log.lock().unwrap()).contains(what);
    for _ in 0..300 {
        if logged("rule webhook") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(logged("rule webhook"), "the rule's failed call is logged");
    // A history import against the dead Graph API.
    let target = Target::new(app.state.store.clone(), messenger, None, app.state.now())
        .await
        .unwrap();
    let options = LiveOptions {
        base_url: graph.clone(),
        platform: "messenger".into(),
        token: TOKEN.into(),
        app_secret: APP_SECRET.into(),
        page_size: 25,
        pace: Duration::ZERO,
        retries: 1,
        backoff: Duration::ZERO,
        resume: false,
    };
    let import_error = import_live(&target, &options, &()).await.unwrap_err();

    // What an agent, an integrator or an operator can read.
    let pool = app.state.store.pool();
    let mut texts: Vec<String> = Vec::new();
    for sql in [
        "SELECT error FROM messages WHERE error IS NOT NULL",
        "SELECT last_error FROM outbox WHERE last_error IS NOT NULL",
        "SELECT last_error FROM webhook_subscriptions WHERE last_error IS NOT NULL",
        "SELECT error FROM webhook_inbox WHERE error IS NOT NULL",
        "SELECT payload FROM events",
    ] {
        let rows: Vec<String> = sqlx::query_scalar(sql).fetch_all(pool).await.unwrap();
        assert!(!rows.is_empty(), "{sql} finds something");
        texts.extend(rows);
    }
    for path in [
        format!("/api/v1/conversations/{meta_conversation}"),
        format!("/api/v1/conversations/{api_conversation}"),
        "/api/v1/webhooks".to_owned(),
        format!("/api/v1/channels/{messenger}/dead-letters"),
    ] {
        let (status, mut body) = admin.get(&path).await;
        assert_eq!(status, StatusCode::OK, "{path}: {body}");
        // The admins' own setting, the subscription's URL, is shown to them as saved.
        for sub in body.as_array_mut().into_iter().flatten() {
            sub.as_object_mut().map(|s| s.remove("url"));
        }
        texts.push(body.to_string());
    }
    texts.push(import_error.to_string());
    texts.push(String::from_utf8_lossy(&log.lock().unwrap()).into_owned());

    let proof = pronto_server::graph::appsecret_proof(APP_SECRET, TOKEN);
    for secret in [
        TOKEN,
        APP_SECRET,
        proof.as_str(),
        sub_secret.as_str(),
        api_secret.as_str(),
        URL_KEY,
        URL_PASSWORD,
    ] {
        for text in &texts {
            assert!(
                !text.contains(secret),
                "{secret:?} leaked into: {}",
                &text[text.find(secret).unwrap().saturating_sub(300)..]
            );
        }
    }
    let everything = texts.join("\n");
    assert!(
        everything.contains("could not reach Meta: could not connect"),
        "the reason is kept: {everything}"
    );
}

/// SSRF: with `allow_private_webhook_urls` off, the three kinds of receiver URL
/// are refused at private addresses when saved, with the field named.
#[tokio::test]
async fn private_receiver_urls_are_refused_when_saved() {
    let db = testing::sqlite().await;
    let url = db.url.clone();
    let app = TestApp::start_with(url, Some(db), false, |c| {
        c.allow_private_webhook_urls = false;
    })
    .await;
    let admin = app.admin().await;
    for bad in [
        "http://127.0.0.1:8080/hook",
        "http://localhost/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.7/hook",
        "http://[::1]/hook",
        "http://[fd00::1]/hook",
        "http://[fe80::1]/hook",
        "http://[::ffff:192.168.1.1]/hook",
        "http://224.0.0.1/hook",
        "http://0.0.0.0/hook",
    ] {
        let (status, body) = admin
            .post(
                "/api/v1/webhooks",
                json!({"url": bad, "kinds": ["message.created"]}),
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {body}");
        assert!(
            body["message"].as_str().unwrap().starts_with("url "),
            "{body}"
        );
        let (status, body) = admin
            .post(
                "/api/v1/channels",
                json!({"kind": "api", "name": "Site", "config": {"url": bad}}),
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {body}");
        assert!(
            body["message"].as_str().unwrap().starts_with("config.url "),
            "{body}"
        );
        let (status, body) = admin
            .post(
                "/api/v1/rules",
                json!({"name": "x", "when": {"type": "customer_message"}, "then": [{"type": "label", "label": "a"}, {"type": "call_webhook", "url": bad}]}),
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {body}");
        assert!(
            body["message"]
                .as_str()
                .unwrap()
                .starts_with("then[1].url "),
            "{body}"
        );
    }
    // A public name is accepted (it is checked again when connecting).
    let (status, body) = admin
        .post(
            "/api/v1/webhooks",
            json!({"url": "https://hooks.example.com/pronto", "kinds": ["message.created"]}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
}

/// SSRF: URLs saved while private addresses were allowed are refused when
/// connecting once they are not, and the receiver sees nothing.
#[tokio::test]
async fn private_receivers_are_refused_when_connecting() {
    let db = testing::sqlite().await;
    let url = db.url.clone();
    let app = TestApp::start(url.clone(), Some(db), false).await;
    let admin = app.admin().await;
    let receiver = Receiver::spawn(vec![]).await;
    let (status, body) = admin
        .post(
            "/api/v1/webhooks",
            json!({"url": receiver.url, "kinds": ["message.created", "message.status"]}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let channel = api_channel(&admin, &receiver).await;
    let (_, m) = customer_says(&admin, channel, "c1", "m1", "hi").await;
    let conversation = m["conversation_id"].as_i64().unwrap();
    let (status, reply) = admin
        .post(
            &format!("/api/v1/conversations/{conversation}/messages"),
            json!({"text": "Hello"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{reply}");
    let now = app.state.now();
    let db = app.stop().await;

    let app = TestApp::start_with(url, db, false, |c| c.allow_private_webhook_urls = false).await;
    app.clock.store(now, std::sync::atomic::Ordering::SeqCst);
    let admin = app.login("admin@acme.test", "correct horse battery").await;
    assert_eq!(
        pronto_server::delivery::deliver_next(&app.state)
            .await
            .unwrap(),
        pronto_server::delivery::Outcome::Failed(
            reply["id"].as_i64().unwrap(),
            "the receiver's address is not allowed".into()
        )
    );
    assert!(matches!(
        pronto_server::integrations::deliver_next(&app.state)
            .await
            .unwrap(),
        pronto_server::integrations::Outcome::Retrying(..)
    ));
    let (_, subs) = admin.get("/api/v1/webhooks").await;
    assert_eq!(
        subs[0]["last_error"], "the receiver's address is not allowed",
        "{subs}"
    );
    assert!(receiver.seen().is_empty(), "nothing reached the receiver");
}

/// Redirects are not followed: a receiver that answers 302 has failed, and the
/// address it points at sees nothing.
#[tokio::test]
async fn redirects_are_not_followed() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let target = Receiver::spawn(vec![]).await;
    let to = target.url.clone();
    let redirecting = axum::Router::new().fallback(move || {
        let to = to.clone();
        async move { (StatusCode::FOUND, [("location", to)]) }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let from = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, redirecting).await });
    let (status, body) = admin
        .post(
            "/api/v1/webhooks",
            json!({"url": from, "kinds": ["message.created"]}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let source = Receiver::spawn(vec![]).await;
    let channel = api_channel(&admin, &source).await;
    customer_says(&admin, channel, "c1", "m1", "hi").await;
    let outcome = pronto_server::integrations::deliver_next(&app.state)
        .await
        .unwrap();
    assert!(
        matches!(outcome, pronto_server::integrations::Outcome::Retrying(..)),
        "{outcome:?}"
    );
    let (_, subs) = admin.get("/api/v1/webhooks").await;
    let error: &Value = &subs[0]["last_error"];
    assert_eq!(error, "the receiver answered 302 Found", "{subs}");
    assert!(target.seen().is_empty(), "the redirect was not followed");
}
