//! `TestApp::spawn()`: a server on port 0 with a fresh database and a clock the test
//! moves; a client that keeps its session cookie; a webhook receiver that records.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};

use axum::http::StatusCode;
use pronto_sandbox::Sandbox;
use pronto_server::{AppState, Config};
use pronto_store::testing::{self, TestDb};
use reqwest::header::{COOKIE, ORIGIN, SET_COOKIE};
use serde_json::{Value, json};
use tokio::sync::oneshot;

/// 2026-03-01T09:00:00Z.
pub const T0: i64 = 1_772_355_600_000_000;
/// A minute in microseconds.
pub const MIN: i64 = 60_000_000;

/// A running server.
pub struct TestApp {
    pub addr: SocketAddr,
    pub state: AppState,
    pub clock: Arc<AtomicI64>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
    pub db_url: String,
    _db: Option<TestDb>,
}

impl TestApp {
    /// On a fresh SQLite database, without background workers.
    pub async fn spawn() -> TestApp {
        let db = testing::sqlite().await;
        let url = db.url.clone();
        Self::start(url, Some(db), false).await
    }

    /// On a fresh PostgreSQL schema, if configured.
    pub async fn spawn_postgres() -> Option<TestApp> {
        let db = testing::postgres().await?;
        let url = db.url.clone();
        Some(Self::start(url, Some(db), false).await)
    }

    /// Another server on the same database (a second node, or a restart).
    pub async fn start(db_url: String, db: Option<TestDb>, workers: bool) -> TestApp {
        Self::start_with(db_url, db, workers, |_| {}).await
    }

    /// On `db`, with Meta's side played by a sandbox on port 0 that shares the
    /// server's clock (so both judge the 24-hour window at the same instant).
    pub async fn spawn_with_sandbox(db: TestDb) -> (TestApp, Sandbox) {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let graph = format!("http://{}/v25.0", listener.local_addr().unwrap());
        let url = db.url.clone();
        let app = Self::start_with(url, Some(db), false, move |c| c.graph_base_url = graph).await;
        let c = app.clock.clone();
        let sandbox = Sandbox::new(Arc::new(move || c.load(Ordering::SeqCst)));
        sandbox.serve(listener);
        (app, sandbox)
    }

    /// A server with settings changed by `configure`.
    pub async fn start_with(
        db_url: String,
        db: Option<TestDb>,
        workers: bool,
        configure: impl FnOnce(&mut Config),
    ) -> TestApp {
        let mut config = Config {
            database_url: db_url.clone(),
            login_attempts: 5,
            max_body_bytes: 64 * 1024,
            secret_key: "42".repeat(32),
            // Receivers in tests listen on 127.0.0.1.
            allow_private_webhook_urls: true,
            // So does the test mail server.
            allow_private_mail_servers: true,
            // One file store per database, so a second node on it sees the same.
            files_dir: std::env::temp_dir().join(format!(
                "pronto-test-files-{}",
                &pronto_server::files::key_of(db_url.as_bytes())[..16]
            )),
            ..Config::default()
        };
        configure(&mut config);
        let store = pronto_server::open_store(&config)
            .await
            .expect("the test database opens");
        let clock = Arc::new(AtomicI64::new(T0));
        let c = clock.clone();
        let state = AppState::new(store, config, Arc::new(move || c.load(Ordering::SeqCst)));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let (stop, stopped) = oneshot::channel::<()>();
        let s = state.clone();
        let task = tokio::spawn(async move {
            pronto_server::serve_with(
                s,
                listener,
                async move {
                    let _ = stopped.await;
                },
                workers,
            )
            .await
        });
        TestApp {
            addr,
            state,
            clock,
            stop: Some(stop),
            task: Some(task),
            db_url,
            _db: db,
        }
    }

    /// Stops the server gracefully; the database stays.
    pub async fn stop(mut self) -> Option<TestDb> {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.task.take() {
            t.await.unwrap().unwrap();
        }
        self._db.take()
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    pub fn advance(&self, micros: i64) {
        self.clock.fetch_add(micros, Ordering::SeqCst);
    }

    /// A client with no credentials.
    pub fn anonymous(&self) -> Client {
        Client {
            base: self.url(""),
            auth: None,
            http: reqwest::Client::new(),
        }
    }

    /// Creates the first admin through the setup link and signs in.
    pub async fn admin(&self) -> Client {
        let link = pronto_server::first_run(&self.state)
            .await
            .unwrap()
            .expect("a fresh database has no user");
        let token = link.split("token=").nth(1).unwrap().to_owned();
        let c = self.anonymous();
        let (status, body) = c
            .post("/api/v1/setup", json!({"token": token, "email": "admin@acme.test", "name": "Ada Admin", "password": "correct horse battery"}))
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        self.login("admin@acme.test", "correct horse battery").await
    }

    /// Makes another workspace with its own admin (`email`, named `name`) and signs
    /// them in: for tests that another workspace reaches none of the first's data.
    pub async fn other_workspace_admin(&self, email: &str, name: &str) -> Client {
        let now = self.state.now();
        let ws = self
            .state
            .store
            .create_workspace("Other", now)
            .await
            .unwrap();
        let hash = pronto_server::auth::hash_password("another long password".into())
            .await
            .unwrap();
        let user = self
            .state
            .store
            .create_user(email, name, Some(&hash), now)
            .await
            .unwrap();
        self.state
            .store
            .set_member(ws, user.id, pronto_store::Role::Admin)
            .await
            .unwrap();
        self.login(email, "another long password").await
    }

    /// Signs in.
    pub async fn login(&self, email: &str, password: &str) -> Client {
        let c = self.anonymous();
        let response = c
            .http
            .post(self.url("/api/v1/auth/login"))
            .header(ORIGIN, self.url(""))
            .json(&json!({"email": email, "password": password}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "signing in as {email}");
        let cookie = response.headers()[SET_COOKIE]
            .to_str()
            .unwrap()
            .split(';')
            .next()
            .unwrap()
            .to_owned();
        Client {
            auth: Some(Auth::Cookie(cookie)),
            ..c
        }
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
    }
}

#[derive(Clone)]
enum Auth {
    Cookie(String),
    Bearer(String),
}

/// An HTTP client of the API.
#[derive(Clone)]
pub struct Client {
    base: String,
    auth: Option<Auth>,
    pub http: reqwest::Client,
}

impl Client {
    /// The same client with a bearer token instead.
    pub fn with_token(&self, token: &str) -> Client {
        Client {
            auth: Some(Auth::Bearer(token.to_owned())),
            ..self.clone()
        }
    }

    /// The same client, answering redirects instead of following them.
    pub fn without_redirects(&self) -> Client {
        Client {
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            ..self.clone()
        }
    }

    pub fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        let r = self.http.request(method, format!("{}{path}", self.base));
        // What a browser on Pronto's own pages sends (the server refuses
        // state-changing cookie requests from other origins); `cross_site`
        // builds the other kind.
        match &self.auth {
            Some(Auth::Cookie(c)) => r.header(COOKIE, c).header(ORIGIN, &self.base),
            Some(Auth::Bearer(t)) => r.bearer_auth(t),
            None => r.header(ORIGIN, &self.base),
        }
    }

    /// A request as a page of `origin` would make the browser send it: the
    /// client's cookie (if any), that `Origin`, or no `Origin` at all.
    pub fn cross_site(
        &self,
        method: reqwest::Method,
        path: &str,
        origin: Option<&str>,
    ) -> reqwest::RequestBuilder {
        let mut r = self.http.request(method, format!("{}{path}", self.base));
        if let Some(Auth::Cookie(c)) = &self.auth {
            r = r.header(COOKIE, c);
        }
        if let Some(o) = origin {
            r = r.header(ORIGIN, o);
        }
        r
    }

    pub async fn send(&self, r: reqwest::RequestBuilder) -> (StatusCode, Value) {
        let response = r.send().await.unwrap();
        let status = response.status();
        let text = response.text().await.unwrap();
        let value = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        (status, value)
    }

    pub async fn get(&self, path: &str) -> (StatusCode, Value) {
        self.send(self.request(reqwest::Method::GET, path)).await
    }

    pub async fn post(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.send(self.request(reqwest::Method::POST, path).json(&body))
            .await
    }

    pub async fn put(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.send(self.request(reqwest::Method::PUT, path).json(&body))
            .await
    }

    pub async fn patch(&self, path: &str, body: Value) -> (StatusCode, Value) {
        self.send(self.request(reqwest::Method::PATCH, path).json(&body))
            .await
    }

    pub async fn delete(&self, path: &str) -> (StatusCode, Value) {
        self.send(self.request(reqwest::Method::DELETE, path)).await
    }
}

/// A webhook receiver on port 0: answers with the statuses it is given, in turn
/// (then 200), and records every request with whether its signature was right.
pub struct Receiver {
    pub url: String,
    pub seen: Arc<Mutex<Vec<Seen>>>,
    pub secret: Arc<Mutex<String>>,
}

#[derive(Clone, Debug)]
pub struct Seen {
    pub idempotency_key: String,
    pub signature_ok: bool,
    pub body: Value,
    pub answered: u16,
}

impl Receiver {
    pub async fn spawn(statuses: Vec<u16>) -> Receiver {
        use axum::routing::post;
        let seen: Arc<Mutex<Vec<Seen>>> = Arc::default();
        let secret: Arc<Mutex<String>> = Arc::default();
        let plan = Arc::new(Mutex::new(statuses.into_iter()));
        let (s2, sec2) = (seen.clone(), secret.clone());
        let app = axum::Router::new().route(
            "/hook",
            post(
                move |headers: axum::http::HeaderMap, body: axum::body::Bytes| {
                    let (seen, secret, plan) = (s2.clone(), sec2.clone(), plan.clone());
                    async move {
                        let answer = plan.lock().unwrap().next().unwrap_or(200);
                        let sig = headers
                            .get("x-pronto-signature-256")
                            .and_then(|v| v.to_str().ok())
                            .unwrap_or("");
                        let expected =
                            pronto_server::delivery::sign(&secret.lock().unwrap(), &body);
                        seen.lock().unwrap().push(Seen {
                            idempotency_key: headers
                                .get("idempotency-key")
                                .and_then(|v| v.to_str().ok())
                                .unwrap_or("")
                                .to_owned(),
                            signature_ok: sig == expected,
                            body: serde_json::from_slice(&body).unwrap_or(Value::Null),
                            answered: answer,
                        });
                        StatusCode::from_u16(answer).unwrap()
                    }
                },
            ),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        Receiver {
            url: format!("http://{addr}/hook"),
            seen,
            secret,
        }
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

/// Creates an api channel delivering to `receiver`; returns its id.
pub async fn api_channel(admin: &Client, receiver: &Receiver) -> i64 {
    let (status, body) = admin
        .post(
            "/api/v1/channels",
            json!({"kind": "api", "name": "Website", "config": {"url": receiver.url}}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    *receiver.secret.lock().unwrap() = body["signing_secret"].as_str().unwrap().to_owned();
    body["id"].as_i64().unwrap()
}

/// A page's status and HTML, asked in `lang` (an `Accept-Language` value).
pub async fn html(client: &Client, path: &str, lang: &str) -> (StatusCode, String) {
    let r = client
        .request(reqwest::Method::GET, path)
        .header("accept-language", lang)
        .send()
        .await
        .unwrap();
    (r.status(), r.text().await.unwrap())
}

/// A customer message into an api channel; returns (status, message).
pub async fn customer_says(
    client: &Client,
    channel: i64,
    contact: &str,
    id: &str,
    text: &str,
) -> (StatusCode, Value) {
    client
        .post(
            &format!("/api/v1/channels/{channel}/inbound"),
            json!({"message_id": id, "contact_id": contact, "contact_name": format!("Marie {contact}"), "text": text}),
        )
        .await
}

/// The admin of a second workspace ("Other"), signed in: `bob@other.test`.
pub async fn second_workspace_admin(app: &TestApp) -> Client {
    let now = app.state.now();
    let ws = app
        .state
        .store
        .create_workspace("Other", now)
        .await
        .unwrap();
    let hash = pronto_server::auth::hash_password("another long password".into())
        .await
        .unwrap();
    let bob = app
        .state
        .store
        .create_user("bob@other.test", "Bob", Some(&hash), now)
        .await
        .unwrap();
    app.state
        .store
        .set_member(ws, bob.id, pronto_store::Role::Admin)
        .await
        .unwrap();
    app.login("bob@other.test", "another long password").await
}
