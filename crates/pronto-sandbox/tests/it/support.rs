//! A sandbox on port 0 with a clock the test moves, and a Graph client.

use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use pronto_sandbox::{PageConfig, Platform, Sandbox, appsecret_proof};
use serde_json::Value;

/// 2026-03-01T09:00:00Z.
pub const T0: i64 = 1_772_355_600_000_000;
pub const SECRET: &str = "app-secret";
pub const TOKEN: &str = "EAAB-page-token";
pub const IG_TOKEN: &str = "IGQ-token";

pub struct Graph {
    pub sandbox: Sandbox,
    pub clock: Arc<AtomicI64>,
    pub url: String,
    http: reqwest::Client,
}

impl Graph {
    /// A sandbox with Messenger page `PAGE` and Instagram account `IG`.
    pub async fn spawn() -> Graph {
        let clock = Arc::new(AtomicI64::new(T0));
        let c = clock.clone();
        let sandbox = Sandbox::new(Arc::new(move || c.load(Ordering::SeqCst)));
        sandbox.add_page(PageConfig::new(
            Platform::Messenger,
            "PAGE",
            "555",
            SECRET,
            TOKEN,
        ));
        sandbox.add_page(PageConfig::new(
            Platform::Instagram,
            "IG",
            "555",
            SECRET,
            IG_TOKEN,
        ));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        sandbox.serve(listener);
        Graph {
            sandbox,
            clock,
            url,
            http: reqwest::Client::new(),
        }
    }

    pub fn set_time(&self, t: i64) {
        self.clock.store(t, Ordering::SeqCst);
    }

    /// `POST /{node}/messages` with `token` and its right proof.
    pub async fn send(&self, node: &str, token: &str, body: Value) -> (u16, Value) {
        let proof = appsecret_proof(SECRET, token);
        self.post_raw(
            &format!("/{node}/messages?access_token={token}&appsecret_proof={proof}"),
            body,
        )
        .await
    }

    pub async fn post_raw(&self, path_and_query: &str, body: Value) -> (u16, Value) {
        let r = self
            .http
            .post(format!("{}{path_and_query}", self.url))
            .json(&body)
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(Value::Null))
    }

    /// `GET` of a full URL or a path with the page token and proof added.
    pub async fn get(&self, path_or_url: &str) -> (u16, Value) {
        let url = if path_or_url.starts_with("http") {
            path_or_url.to_owned()
        } else {
            let sep = if path_or_url.contains('?') { '&' } else { '?' };
            let proof = appsecret_proof(SECRET, TOKEN);
            format!(
                "{}{path_or_url}{sep}access_token={TOKEN}&appsecret_proof={proof}",
                self.url
            )
        };
        let r = self.http.get(url).send().await.unwrap();
        let status = r.status().as_u16();
        (status, r.json().await.unwrap_or(Value::Null))
    }
}

/// The (code, subcode) of a Graph error answer.
pub fn code(answer: &Value) -> (i64, i64) {
    let e = &answer["error"];
    (
        e["code"].as_i64().unwrap_or(0),
        e["error_subcode"].as_i64().unwrap_or(0),
    )
}
