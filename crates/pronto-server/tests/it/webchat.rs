//! The web chat: the channel and its secret, the visitors' API behind its Origin
//! check, a visitor's message through the inbound path, the agent's answer on the
//! visitor's live stream (resumed without loss), identities.

use std::time::Duration;

use axum::http::StatusCode;
use futures_util::StreamExt;
use hmac::{KeyInit, Mac};
use pronto_server::delivery::{Outcome, deliver_next};
use serde_json::{Value, json};

use crate::support::{Client, TestApp};

pub(crate) const SITE: &str = "https://shop.example.com";

/// A web chat channel for `SITE`: (id, identity secret).
pub(crate) async fn webchat(admin: &Client) -> (i64, String) {
    let (status, c) = admin
        .post(
            "/api/v1/channels",
            json!({"kind": "webchat", "name": "Shop chat", "config": {
                "allowed_origins": [SITE], "color": "#aa3300", "greeting": "Hello!"}}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{c}");
    (
        c["id"].as_i64().unwrap(),
        c["identity_secret"].as_str().unwrap().to_owned(),
    )
}

/// A browser on a site: the visitors' API with that `Origin` and a token.
#[derive(Clone)]
pub(crate) struct Visitor {
    base: String,
    channel: i64,
    origin: String,
    token: Option<String>,
    http: reqwest::Client,
}

impl Visitor {
    pub(crate) fn new(app: &TestApp, channel: i64, origin: &str) -> Visitor {
        Visitor {
            base: app.url(""),
            channel,
            origin: origin.to_owned(),
            token: None,
            http: reqwest::Client::new(),
        }
    }

    fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        let url = format!("{}/webchat/v1/{}{path}", self.base, self.channel);
        let mut r = self
            .http
            .request(method, url)
            .header("origin", &self.origin);
        if let Some(t) = &self.token {
            r = r.bearer_auth(t);
        }
        r
    }

    async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        let mut r = self.request(method, path);
        if let Some(b) = body {
            r = r.json(&b);
        }
        let response = r.send().await.unwrap();
        let status = response.status();
        let text = response.text().await.unwrap();
        (status, serde_json::from_str(&text).unwrap_or(Value::Null))
    }

    pub(crate) async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.call(reqwest::Method::POST, path, Some(body)).await
    }

    async fn get(&self, path: &str) -> (StatusCode, Value) {
        self.call(reqwest::Method::GET, path, None).await
    }

    /// Starts a session (keeping the token it had, if still good).
    pub(crate) async fn start(&mut self) -> Value {
        let (status, s) = self
            .post("/session", json!({"token": self.token.clone()}))
            .await;
        assert_eq!(status, StatusCode::OK, "{s}");
        self.token = Some(s["token"].as_str().unwrap().to_owned());
        s
    }

    pub(crate) async fn says(&self, client_id: &str, text: &str) -> Value {
        let (status, m) = self
            .post(
                "/messages",
                json!({"client_id": client_id, "text": text, "page": "https://shop.example.com/cart",
                       "language": "fr-FR", "timezone": "Europe/Paris"}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{m}");
        m
    }

    pub(crate) async fn stream(&self, last_event_id: Option<i64>) -> Stream {
        let mut r = self.request(reqwest::Method::GET, "/events");
        if let Some(id) = last_event_id {
            r = r.header("last-event-id", id.to_string());
        }
        let response = r.send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(
            response.headers()["access-control-allow-origin"],
            self.origin.as_str()
        );
        Stream {
            body: Box::pin(response.bytes_stream()),
            buffer: String::new(),
        }
    }
}

pub(crate) struct Stream {
    body: std::pin::Pin<Box<dyn futures_util::Stream<Item = reqwest::Result<bytes::Bytes>> + Send>>,
    buffer: String,
}

impl Stream {
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

    /// The next `message` event.
    async fn next_message(&mut self) -> (i64, Value) {
        loop {
            let (id, kind, data) = self.next().await;
            if kind == "message" {
                return (id, data);
            }
        }
    }
}

async fn agent_replies(app: &TestApp, admin: &Client, conversation: i64, text: &str) -> i64 {
    let (status, m) = admin
        .post(
            &format!("/api/v1/conversations/{conversation}/messages"),
            json!({"text": text}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{m}");
    let id = m["id"].as_i64().unwrap();
    assert_eq!(
        deliver_next(&app.state).await.unwrap(),
        Outcome::Delivered(id),
        "a web chat reply is delivered by being stored"
    );
    id
}

pub(crate) fn hmac_hex(secret: &str, id: &str) -> String {
    let mut mac = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(id.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

async fn the_channel_is_made_with_a_sealed_secret_and_a_snippet_on(app: TestApp) {
    let admin = app.admin().await;
    let (status, bad) = admin
        .post(
            "/api/v1/channels",
            json!({"kind": "webchat", "name": "x", "config": {"allowed_origins": ["https://a.test/path"]}}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        bad["message"]
            .as_str()
            .unwrap()
            .contains("config.allowed_origins[0]")
    );
    let (id, secret) = webchat(&admin).await;
    assert_eq!(secret.len(), 64);
    let (_, view) = admin.get(&format!("/api/v1/channels/{id}")).await;
    assert_eq!(view["kind"], "webchat");
    assert!(
        view.get("identity_secret").is_none() && view["config"].get("identity_secret").is_none()
    );
    assert_eq!(view["config"]["allowed_origins"], json!([SITE]));
    let snippet = view["snippet"].as_str().unwrap();
    assert!(
        snippet.contains(&format!(
            "<script src=\"{}/widget.js\" data-channel=\"{id}\" async></script>",
            app.state.config.base_url()
        )),
        "{snippet}"
    );
    let stored = app.state.store.channel_any_workspace(id).await.unwrap();
    let sealed = stored.config["identity_secret"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(sealed.starts_with("enc:v1:") && !sealed.contains(&secret));
    assert_eq!(app.state.open_secret(&sealed).unwrap(), secret);

    // The settings change later; the secret stays.
    let path = format!("/api/v1/channels/{id}/webchat");
    let (status, bad) = admin
        .put(&path, json!({"allowed_origins": [SITE], "color": "blue"}))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        bad["message"].as_str().unwrap().contains("config.color"),
        "{bad}"
    );
    let (status, view) = admin
        .put(&path, json!({"allowed_origins": ["https://other.example.com"], "greeting": "Hi again", "identity_secret": "mine"}))
        .await;
    assert_eq!(status, StatusCode::OK, "{view}");
    assert_eq!(view["config"]["greeting"], "Hi again");
    assert_eq!(
        view["config"]["allowed_origins"],
        json!(["https://other.example.com"])
    );
    let stored = app.state.store.channel_any_workspace(id).await.unwrap();
    assert_eq!(
        stored.config["identity_secret"],
        sealed.as_str(),
        "the secret stays"
    );
}

async fn a_visitor_writes_and_the_answer_comes_back_live_on(app: TestApp) {
    let admin = app.admin().await;
    let (channel, _) = webchat(&admin).await;

    // The Origin is checked on every call, preflights included.
    let stranger = Visitor::new(&app, channel, "https://evil.example.com");
    let (status, body) = stranger.post("/session", json!({})).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("origin_not_allowed"))
    );
    let no_origin = reqwest::Client::new()
        .post(app.url(&format!("/webchat/v1/{channel}/session")))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(no_origin.status(), StatusCode::FORBIDDEN);
    let mut visitor = Visitor::new(&app, channel, SITE);
    let preflight = visitor
        .request(reqwest::Method::OPTIONS, "/messages")
        .header("access-control-request-method", "POST")
        .send()
        .await
        .unwrap();
    assert_eq!(preflight.status(), StatusCode::NO_CONTENT);
    assert_eq!(preflight.headers()["access-control-allow-origin"], SITE);
    let denied = stranger
        .request(reqwest::Method::OPTIONS, "/messages")
        .send()
        .await
        .unwrap();
    assert_eq!(denied.status(), StatusCode::FORBIDDEN);
    assert!(
        denied
            .headers()
            .get("access-control-allow-origin")
            .is_none()
    );

    // Without a token, nothing.
    assert_eq!(visitor.get("/messages").await.0, StatusCode::UNAUTHORIZED);
    let (_, config) = visitor.get("/config").await;
    assert_eq!(
        (config["name"].as_str(), config["color"].as_str()),
        (Some("Shop chat"), Some("#aa3300"))
    );
    assert_eq!(config["status"], "available");
    let session = visitor.start().await;
    assert_eq!(session["verified"], false);
    let (status, empty) = visitor.get("/messages").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(empty["messages"], json!([]));
    let mut stream = visitor.stream(None).await;

    // The visitor writes: the inbound path stores it, the agent sees it.
    let first = visitor.says("m1", "Bonjour, <b>is it in stock?</b>").await;
    assert_eq!(first["from"], "visitor");
    let (status, again) = visitor
        .post(
            "/messages",
            json!({"client_id": "m1", "text": "Bonjour, <b>is it in stock?</b>"}),
        )
        .await;
    assert_eq!(
        (status, again["id"].clone()),
        (StatusCode::OK, first["id"].clone()),
        "stored once"
    );
    let (_, echoed) = stream.next_message().await;
    assert_eq!(echoed["text"], "Bonjour, <b>is it in stock?</b>");
    let (_, list) = admin
        .get(&format!("/api/v1/conversations?channel={channel}"))
        .await;
    let conversation = list["items"][0]["id"].as_i64().unwrap();
    let (_, detail) = admin
        .get(&format!("/api/v1/conversations/{conversation}"))
        .await;
    assert_eq!(
        detail["messages"][0]["text"],
        "Bonjour, <b>is it in stock?</b>"
    );
    let contact = &detail["contact"];
    assert_eq!(contact["locale"], "fr_FR");
    assert_eq!(contact["timezone"], "Europe/Paris");
    assert_eq!(
        contact["attributes"]["page"],
        "https://shop.example.com/cart"
    );
    // The contact card: the page (a link), the browser's language, the local time.
    let (_, pane) = admin
        .get(&format!("/ui/conversations/{conversation}"))
        .await;
    let pane = pane.as_str().unwrap_or_default().to_owned();
    assert!(
        pane.contains("href=\"https://shop.example.com/cart\""),
        "{pane}"
    );
    assert!(
        pane.contains("On the page") && pane.contains("fr-FR"),
        "{pane}"
    );
    assert!(pane.contains("data-tz=\"Europe/Paris\""), "{pane}");

    // The visitor's typing reaches the agents.
    assert_eq!(
        visitor.post("/typing", json!({})).await.0,
        StatusCode::NO_CONTENT
    );

    // A note stays internal; the agent's answer reaches the visitor live.
    let (status, _) = admin
        .post(
            &format!("/api/v1/conversations/{conversation}/notes"),
            json!({"text": "secret note"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let reply = agent_replies(&app, &admin, conversation, "Yes, 3 left!").await;
    let (last_id, answer) = loop {
        let (id, kind, data) = stream.next().await;
        assert!(
            !data.to_string().contains("secret note"),
            "a note reached the visitor"
        );
        if kind == "message" && data["from"] == "business" {
            break (id, data);
        }
    };
    assert_eq!(
        (answer["id"].as_i64(), answer["text"].as_str()),
        (Some(reply), Some("Yes, 3 left!"))
    );
    assert!(answer.get("agent_id").is_none());

    // A broken connection resumes with Last-Event-ID and misses nothing.
    drop(stream);
    agent_replies(&app, &admin, conversation, "Shall I keep one for you?").await;
    let mut resumed = visitor.stream(Some(last_id)).await;
    let (_, missed) = resumed.next_message().await;
    assert_eq!(missed["text"], "Shall I keep one for you?");

    // Reading marks the business's messages read, as the agents see them.
    assert_eq!(
        visitor.post("/read", json!({})).await.0,
        StatusCode::NO_CONTENT
    );
    let (_, detail) = admin
        .get(&format!("/api/v1/conversations/{conversation}"))
        .await;
    assert!(
        detail["messages"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| m["author"] == "agent")
            .all(|m| m["status"] == "read"),
        "{detail}"
    );

    // The conversation survives a reload (the same token) and a new tab.
    let mut tab = Visitor::new(&app, channel, SITE);
    tab.token = visitor.token.clone();
    let s2 = tab.start().await;
    assert_eq!(s2["visitor_id"], session["visitor_id"]);
    let (_, read) = tab.get("/messages").await;
    let texts: Vec<&str> = read["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["text"].as_str().unwrap())
        .collect();
    assert_eq!(
        texts,
        [
            "Bonjour, <b>is it in stock?</b>",
            "Yes, 3 left!",
            "Shall I keep one for you?"
        ]
    );

    // Another visitor sees nothing of it; a visitor token opens nothing else.
    let mut other = Visitor::new(&app, channel, SITE);
    other.start().await;
    let (_, theirs) = other.get("/messages").await;
    assert_eq!(theirs["messages"], json!([]));
    let as_agent = app
        .anonymous()
        .with_token(visitor.token.as_deref().unwrap());
    assert_eq!(
        as_agent.get("/api/v1/conversations").await.0,
        StatusCode::UNAUTHORIZED
    );
    let (other_channel, _) = webchat(&admin).await;
    let mut elsewhere = visitor.clone();
    elsewhere.channel = other_channel;
    assert_eq!(
        elsewhere.get("/messages").await.0,
        StatusCode::UNAUTHORIZED,
        "a token names one channel"
    );
}

async fn identities_verified_and_not_on(app: TestApp) {
    let admin = app.admin().await;
    let (channel, secret) = webchat(&admin).await;

    // On the laptop: anonymous first, then identified by the site.
    let mut laptop = Visitor::new(&app, channel, SITE);
    laptop.start().await;
    laptop.says("l1", "hello from the laptop").await;
    let (status, who) = laptop
        .post("/identify", json!({"id": "cust-42", "name": "Ana Lima", "email": "ana@example.com", "hmac": hmac_hex(&secret, "cust-42")}))
        .await;
    assert_eq!(status, StatusCode::OK, "{who}");
    assert_eq!(
        (who["verified"].as_bool(), who["visitor_id"].as_str()),
        (Some(true), Some("id:cust-42"))
    );
    laptop.token = Some(who["token"].as_str().unwrap().to_owned());
    laptop.says("l2", "still me").await;

    // On the phone, the same person: the same conversation.
    let mut phone = Visitor::new(&app, channel, SITE);
    phone.start().await;
    let (_, who) = phone
        .post(
            "/identify",
            json!({"id": "cust-42", "hmac": hmac_hex(&secret, "cust-42")}),
        )
        .await;
    phone.token = Some(who["token"].as_str().unwrap().to_owned());
    let (_, read) = phone.get("/messages").await;
    let texts: Vec<&str> = read["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["text"].as_str().unwrap())
        .collect();
    assert_eq!(texts, ["hello from the laptop", "still me"]);
    let (_, list) = admin
        .get(&format!("/api/v1/conversations?channel={channel}"))
        .await;
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    assert_eq!(list["items"][0]["contact_name"], "Ana Lima");

    // Someone claiming to be cust-42 with a wrong HMAC, or none, gets nothing of hers.
    let mut impostor = Visitor::new(&app, channel, SITE);
    impostor.start().await;
    let (status, refused) = impostor
        .post(
            "/identify",
            json!({"id": "cust-42", "hmac": hmac_hex("wrong secret", "cust-42")}),
        )
        .await;
    assert_eq!(
        (status, refused["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("identity_not_verified"))
    );
    let (status, unverified) = impostor
        .post(
            "/identify",
            json!({"id": "cust-42", "name": "Ana Lima", "email": "ana@example.com"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(unverified["verified"], false);
    assert_ne!(unverified["visitor_id"], "id:cust-42");
    impostor.token = Some(unverified["token"].as_str().unwrap().to_owned());
    assert_eq!(impostor.get("/messages").await.1["messages"], json!([]));
    impostor.says("i1", "give me her orders").await;
    let (_, list) = admin
        .get(&format!("/api/v1/conversations?channel={channel}"))
        .await;
    assert_eq!(
        list["items"].as_array().unwrap().len(),
        2,
        "the impostor has a conversation of their own"
    );
    let (_, read) = phone.get("/messages").await;
    assert_eq!(
        read["messages"].as_array().unwrap().len(),
        2,
        "nothing landed in hers"
    );
}

#[tokio::test]
async fn the_channel_is_made_with_a_sealed_secret_and_a_snippet() {
    the_channel_is_made_with_a_sealed_secret_and_a_snippet_on(TestApp::spawn().await).await;
}

#[tokio::test]
async fn a_visitor_writes_and_the_answer_comes_back_live() {
    a_visitor_writes_and_the_answer_comes_back_live_on(TestApp::spawn().await).await;
}

#[tokio::test]
async fn identities_merge_only_when_verified() {
    identities_verified_and_not_on(TestApp::spawn().await).await;
}

#[tokio::test]
async fn new_sessions_are_rate_limited_per_address() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let (channel, _) = webchat(&admin).await;
    let visitor = Visitor::new(&app, channel, SITE);
    for _ in 0..60 {
        assert_eq!(visitor.post("/session", json!({})).await.0, StatusCode::OK);
    }
    let r = visitor
        .request(reqwest::Method::POST, "/session")
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(r.headers()["retry-after"], "900");
}

/// The same on PostgreSQL, when `PRONTO_TEST_DATABASE_URL` is set.
#[tokio::test]
async fn webchat_on_postgres() {
    if std::env::var_os("PRONTO_TEST_DATABASE_URL").is_none() {
        eprintln!(
            "PRONTO_TEST_DATABASE_URL is not set: the web chat on PostgreSQL not run (see README)"
        );
        return;
    }
    let pg = || async {
        TestApp::spawn_postgres()
            .await
            .expect("PRONTO_TEST_DATABASE_URL is set")
    };
    the_channel_is_made_with_a_sealed_secret_and_a_snippet_on(pg().await).await;
    a_visitor_writes_and_the_answer_comes_back_live_on(pg().await).await;
    identities_verified_and_not_on(pg().await).await;
    attachments_up_to_the_limit_on(pg().await).await;
    away_with_an_email_to_answer_later_on(pg().await).await;
    the_frame_on(pg().await).await;
}

#[tokio::test]
async fn the_widget_is_small_public_and_cacheable() {
    use std::io::Write;
    let app = TestApp::spawn().await;
    let mut gzipped = 0;
    for (path, kind) in [
        ("/widget.js", "text/javascript"),
        ("/webchat/frame.js", "text/javascript"),
        ("/widget.css", "text/css"),
    ] {
        let r = reqwest::get(app.url(path)).await.unwrap();
        assert_eq!(r.status(), StatusCode::OK);
        let h = r.headers().clone();
        assert!(h["content-type"].to_str().unwrap().starts_with(kind));
        assert_eq!(h["access-control-allow-origin"], "*");
        assert_eq!(h["cross-origin-resource-policy"], "cross-origin");
        assert_eq!(h["cache-control"], "public, max-age=300");
        let body = r.bytes().await.unwrap();
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(&body).unwrap();
        gzipped += gz.finish().unwrap().len();
    }
    assert!(gzipped < 30 * 1024, "the widget is {gzipped} bytes gzipped");
}

async fn attachments_up_to_the_limit_on(app: TestApp) {
    let admin = app.admin().await;
    let (status, c) = admin
        .post(
            "/api/v1/channels",
            json!({"kind": "webchat", "name": "Files", "config": {
                "allowed_origins": [SITE], "attachments_max_bytes": 1000}}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let channel = c["id"].as_i64().unwrap();
    let mut visitor = Visitor::new(&app, channel, SITE);
    visitor.start().await;
    let upload = |bytes: Vec<u8>, kind: &'static str| {
        let v = visitor.clone();
        async move {
            let r = v
                .request(reqwest::Method::POST, "/attachments")
                .header("content-type", kind)
                .header("x-filename", "photo.png")
                .body(bytes)
                .send()
                .await
                .unwrap();
            let status = r.status();
            (status, r.json::<Value>().await.unwrap_or(Value::Null))
        }
    };
    let png = [b"\x89PNG\r\n\x1a\n".as_slice(), &[0u8; 100]].concat();
    let (status, file) = upload(png.clone(), "image/png").await;
    assert_eq!(status, StatusCode::CREATED, "{file}");
    let (status, _) = upload([png.as_slice(), &[0u8; 1000]].concat(), "image/png").await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    let (status, _) = upload(b"<svg onload=alert(1)>".to_vec(), "image/png").await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let (status, _) = upload(b"<html><script>".to_vec(), "text/html").await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);

    let key = file["id"].as_str().unwrap();
    let (status, m) = visitor
        .post(
            "/messages",
            json!({"client_id": "f1", "attachments": [key]}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{m}");
    assert_eq!(m["attachments"][0]["type"], "image");
    let url = m["attachments"][0]["url"].as_str().unwrap().to_owned();
    assert!(url.ends_with(&format!("/webchat/files/{key}")), "{url}");
    let served = reqwest::get(app.url(&format!("/webchat/files/{key}")))
        .await
        .unwrap();
    assert_eq!(served.headers()["content-type"], "image/png");
    assert_eq!(served.headers()["x-content-type-options"], "nosniff");
    assert!(
        served.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("sandbox")
    );
    assert_eq!(served.bytes().await.unwrap().as_ref(), png.as_slice());
    // Another visitor cannot send someone else's file as theirs.
    let mut other = Visitor::new(&app, channel, SITE);
    other.start().await;
    let (status, _) = other
        .post(
            "/messages",
            json!({"client_id": "f2", "attachments": [key]}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    // The team sends a file back: checked against what the chat shows and its
    // limit, then copied where the visitor's frame reads files.
    let (_, list) = admin.get("/api/v1/conversations").await;
    let conversation = list["items"][0]["id"].as_i64().unwrap();
    let agent_upload = |name: &'static str, mime: &'static str, bytes: Vec<u8>| {
        let admin = admin.clone();
        async move {
            admin
                .send(
                    admin
                        .request(
                            reqwest::Method::POST,
                            &format!(
                                "/api/v1/conversations/{conversation}/attachments?name={name}"
                            ),
                        )
                        .header("content-type", mime)
                        .body(bytes),
                )
                .await
        }
    };
    let (status, body) = agent_upload("logo.svg", "image/svg+xml", b"<svg/>".to_vec()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("not image/svg+xml"),
        "{body}"
    );
    let (status, body) = agent_upload("big.pdf", "application/pdf", vec![b'%'; 1001]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("at most 1000 bytes"),
        "{body}"
    );
    // Named a PNG but not one: refused when it would reach the visitor.
    let (status, fake) = agent_upload("fake.png", "image/png", b"<html>".to_vec()).await;
    assert_eq!(status, StatusCode::CREATED, "{fake}");
    let (status, body) = admin
        .post(
            &format!("/api/v1/conversations/{conversation}/messages"),
            json!({"text": "", "attachments": [{"upload_id": fake["id"]}]}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["field"], "attachments[0].upload_id", "{body}");
    let pdf = b"%PDF-1.7 the sizes".to_vec();
    let (status, file) = agent_upload("sizes.pdf", "application/pdf", pdf.clone()).await;
    assert_eq!(status, StatusCode::CREATED, "{file}");
    let (status, reply) = admin
        .post(
            &format!("/api/v1/conversations/{conversation}/messages"),
            json!({"text": "Here are the sizes", "attachments": [{"upload_id": file["id"]}]}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{reply}");
    let copy = reply["attachments"][0]["id"].as_str().unwrap().to_owned();
    assert_eq!(
        reply["attachments"][0]["file"],
        format!("/api/v1/uploads/{}", file["id"])
    );
    let (status, seen) = visitor.get("/messages").await;
    assert_eq!(status, StatusCode::OK, "{seen}");
    let sent = seen["messages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["text"] == "Here are the sizes")
        .unwrap_or_else(|| panic!("{seen}"));
    assert_eq!(sent["attachments"][0]["id"], copy.as_str(), "{sent}");
    assert_eq!(sent["attachments"][0]["type"], "file");
    let served = reqwest::get(app.url(&format!("/webchat/files/{copy}")))
        .await
        .unwrap();
    assert_eq!(served.headers()["content-type"], "application/pdf");
    assert!(
        served.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    assert_eq!(served.bytes().await.unwrap().as_ref(), pdf.as_slice());
}

#[tokio::test]
async fn attachments_are_checked_kept_and_served_inert() {
    attachments_up_to_the_limit_on(TestApp::spawn().await).await;
}

async fn away_with_an_email_to_answer_later_on(app: TestApp) {
    let admin = app.admin().await;
    let (channel, _) = webchat(&admin).await;
    let (status, _) = admin
        .put(
            &format!("/api/v1/channels/{channel}/automation"),
            json!({"away_message": {"enabled": true, "text": "We are out, back soon."}}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let mut visitor = Visitor::new(&app, channel, SITE);
    let (_, config) = visitor.get("/config").await;
    assert_eq!(
        (config["status"].as_str(), config["away_message"].as_str()),
        (Some("available"), None)
    );
    let (status, _) = admin
        .put(
            &format!("/api/v1/channels/{channel}/status"),
            json!({"status": "away"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, config) = visitor.get("/config").await;
    assert_eq!(config["status"], "away", "{config}");
    assert_eq!(config["away_message"], "We are out, back soon.");
    assert!(
        config["back_at"].as_i64().is_some(),
        "a manual away ends by itself: {config}"
    );

    visitor.start().await;
    visitor.says("a1", "anyone there?").await;
    let (status, _) = visitor
        .post("/contact", json!({"email": "lia@example.com"}))
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (status, bad) = visitor
        .post("/contact", json!({"email": "not an email"}))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}");
    let (_, list) = admin
        .get(&format!("/api/v1/conversations?channel={channel}"))
        .await;
    let conversation = list["items"][0]["id"].as_i64().unwrap();
    let (_, detail) = admin
        .get(&format!("/api/v1/conversations/{conversation}"))
        .await;
    let attributes = &detail["contact"]["attributes"];
    assert_eq!(attributes["email"], "lia@example.com");
    assert_eq!(attributes["email_verified"], false);
    assert_eq!(attributes["answer_by_email"], true);
}

#[tokio::test]
async fn away_the_widget_says_so_and_takes_an_email() {
    away_with_an_email_to_answer_later_on(TestApp::spawn().await).await;
}

/// A stream opened before its visitor's first message learns the conversation from
/// that message, never from a look-alike visitor's (`id:a` and `id:a/b`).
#[tokio::test]
async fn a_stream_learns_only_its_own_visitors_conversation() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let (channel, secret) = webchat(&admin).await;
    let verified = |id: &'static str| {
        let (app, secret) = (&app, secret.clone());
        async move {
            let mut v = Visitor::new(app, channel, SITE);
            v.start().await;
            let (status, who) = v
                .post(
                    "/identify",
                    json!({"id": id, "hmac": hmac_hex(&secret, id)}),
                )
                .await;
            assert_eq!(status, StatusCode::OK, "{who}");
            v.token = Some(who["token"].as_str().unwrap().to_owned());
            v
        }
    };
    let a = verified("a").await;
    let ab = verified("a/b").await;
    let mut stream = a.stream(None).await;
    ab.says("x1", "I am a/b").await;
    a.says("y1", "I am a").await;
    let (_, first) = stream.next_message().await;
    assert_eq!(first["text"], "I am a", "{first}");
}

/// The widget's frame: its own policy, framed only by the channel's sites, for a
/// site of the channel only; and the frame's calls, from Pronto's own origin, for
/// the site they name, which must be allowed too.
async fn the_frame_on(app: TestApp) {
    let admin = app.admin().await;
    let (status, c) = admin
        .post(
            "/api/v1/channels",
            json!({"kind": "webchat", "name": "Shop chat", "config": {
                "allowed_origins": [SITE, "http://localhost:8080/"],
                "avatar_url": "https://cdn.example.com/a/logo.png"}}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{c}");
    let channel = c["id"].as_i64().unwrap();
    let frame = |origin: Option<&str>, channel: i64| {
        let mut url = app.url(&format!("/webchat/frame/{channel}"));
        if let Some(o) = origin {
            url = format!("{url}?origin={}", percent(o));
        }
        reqwest::get(url)
    };

    let r = frame(Some(SITE), channel).await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let h = r.headers().clone();
    assert_eq!(
        h["content-security-policy"],
        "default-src 'none'; script-src 'self'; style-src 'self'; \
         img-src 'self' https://cdn.example.com; connect-src 'self'; base-uri 'none'; \
         form-action 'none'; frame-ancestors https://shop.example.com http://localhost:8080"
    );
    assert!(h.get("x-frame-options").is_none(), "{h:?}");
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert_eq!(h["cache-control"], "no-store");
    assert!(h["content-type"].to_str().unwrap().starts_with("text/html"));
    let page = r.text().await.unwrap();
    assert!(
        page.contains(&format!(
            "<body data-channel=\"{channel}\" data-site=\"{SITE}\">"
        )),
        "{page}"
    );
    assert!(page.contains("<script src=\"/webchat/frame.js\" defer></script>"));
    assert!(!page.contains("<script>"), "no inline script");

    // The origin as a browser writes it (default port left out) is the same site.
    let r = frame(Some("http://localhost:8080"), channel).await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);

    // A site that is not on the list, or none, gets no frame; nor does a channel
    // that is not a web chat.
    for origin in [Some("https://evil.example.com"), Some("null"), None] {
        let r = frame(origin, channel).await.unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{origin:?}");
        let csp = r.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
        assert_eq!(r.headers()["x-frame-options"], "DENY");
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["code"], "origin_not_allowed");
    }
    let receiver = crate::support::Receiver::spawn(vec![]).await;
    let api = crate::support::api_channel(&admin, &receiver).await;
    for missing in [api, 999_999] {
        let r = frame(Some(SITE), missing).await.unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{missing}");
    }

    // The frame's calls come from Pronto's origin and name their site.
    let from_frame = |site: Option<&str>| {
        let mut r = reqwest::Client::new()
            .post(app.url(&format!("/webchat/v1/{channel}/session")))
            .header("sec-fetch-site", "same-origin")
            .header("origin", app.url(""))
            .json(&json!({}));
        if let Some(s) = site {
            r = r.header("pronto-site", s);
        }
        r.send()
    };
    let ok = from_frame(Some(SITE)).await.unwrap();
    assert_eq!(ok.status(), StatusCode::OK);
    assert!(
        ok.headers().get("access-control-allow-origin").is_none(),
        "no CORS for Pronto's own origin"
    );
    for site in [Some("https://evil.example.com"), None] {
        let r = from_frame(site).await.unwrap();
        assert_eq!(r.status(), StatusCode::FORBIDDEN, "{site:?}");
        let body: Value = r.json().await.unwrap();
        assert_eq!(body["code"], "origin_not_allowed");
    }
    // From another origin, the site named is not believed: the Origin counts.
    let r = reqwest::Client::new()
        .post(app.url(&format!("/webchat/v1/{channel}/session")))
        .header("sec-fetch-site", "cross-site")
        .header("origin", "https://evil.example.com")
        .header("pronto-site", SITE)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}

fn percent(text: &str) -> String {
    text.replace(':', "%3A").replace('/', "%2F")
}

#[tokio::test]
async fn the_frame_has_its_own_policy_for_the_channels_sites_only() {
    the_frame_on(TestApp::spawn().await).await;
}
