//! Two `pronto serve` processes on one PostgreSQL database: an event posted on one
//! reaches an SSE client of the other.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use futures_util::StreamExt;
use serde_json::{Value, json};

/// A server process, killed when dropped.
struct Node {
    child: Child,
    url: String,
}

impl Node {
    fn start(database_url: &str) -> Node {
        let mut child = Command::new(env!("CARGO_BIN_EXE_pronto"))
            .args([
                "serve",
                "--listen",
                "127.0.0.1:0",
                "--database-url",
                database_url,
            ])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let url = line
            .trim()
            .strip_prefix("Pronto is running at ")
            .expect("it says where it runs")
            .to_owned();
        Node { child, url }
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn login(http: &reqwest::Client, node: &Node) -> String {
    let r = http
        .post(format!("{}/api/v1/auth/login", node.url))
        .header("origin", &node.url)
        .json(&json!({"email": "ops@acme.test", "password": "a long enough password"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    r.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn an_event_posted_on_one_process_reaches_a_client_of_the_other() {
    let Some(db) = pronto_store::testing::postgres().await else {
        eprintln!(
            "PRONTO_TEST_DATABASE_URL is not set: the two-process test needs PostgreSQL (see README)"
        );
        return;
    };
    let mut add = Command::new(env!("CARGO_BIN_EXE_pronto"))
        .args([
            "user",
            "add",
            "--admin",
            "ops@acme.test",
            "--database-url",
            &db.url,
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    add.stdin
        .take()
        .unwrap()
        .write_all(b"a long enough password\n")
        .unwrap();
    assert!(add.wait().unwrap().success());
    let (a, b) = (Node::start(&db.url), Node::start(&db.url));
    let http = reqwest::Client::new();
    let (cookie_a, cookie_b) = (login(&http, &a).await, login(&http, &b).await);

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
