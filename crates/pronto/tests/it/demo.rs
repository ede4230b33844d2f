//! `pronto serve --demo` as a newcomer runs it: it prints where to sign in, the
//! history is there, live customers keep writing, the demo shop's site carries the
//! web chat, and a restart on the same data
//! folder finds the same workspace instead of making a second one.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// A running demo and what it printed.
struct Demo {
    child: Child,
    url: String,
    email: String,
    password: String,
    /// Every line printed up to the sign-in line.
    printed: String,
    /// Kept open so the demo never writes to a closed pipe.
    _out: BufReader<ChildStdout>,
}

impl Demo {
    fn start(data: &Path) -> Demo {
        let mut child = Command::new(env!("CARGO_BIN_EXE_pronto"))
            .args(["serve", "--demo", "--listen", "127.0.0.1:0", "--data-dir"])
            .arg(data)
            .env_remove("PRONTO_DATABASE_URL")
            .current_dir(data.parent().expect("the data dir has a parent"))
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the pronto binary starts");
        let mut out = BufReader::new(child.stdout.take().expect("piped"));
        let mut printed = String::new();
        let signed = loop {
            let mut line = String::new();
            match out.read_line(&mut line) {
                Ok(n) if n > 0 => {}
                _ => break None,
            }
            printed.push_str(&line);
            // "Sign in at http://127.0.0.1:PORT/ with EMAIL / PASSWORD"
            if let Some(rest) = line.trim().strip_prefix("Sign in at ") {
                break Some(rest.to_owned());
            }
        };
        let Some(rest) = signed else {
            let _ = child.kill();
            let _ = child.wait();
            panic!("the demo stopped before printing how to sign in:\n{printed}");
        };
        let (url, credentials) = rest.split_once(" with ").expect("with the credentials");
        let (email, password) = credentials.split_once(" / ").expect("email / password");
        Demo {
            url: url.trim_end_matches('/').to_owned(),
            email: email.to_owned(),
            password: password.to_owned(),
            child,
            printed,
            _out: out,
        }
    }

    fn stop(&mut self) {
        let status = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(status.success());
        let exit = self.child.wait().expect("the demo exits");
        assert_eq!(exit.code(), Some(0), "a clean exit on SIGTERM");
    }
}

impl Drop for Demo {
    /// A failed assertion must not leave a demo running; after `stop` this finds
    /// the process gone.
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A signed-in client.
struct Session {
    http: reqwest::Client,
    url: String,
    cookie: String,
}

impl Session {
    async fn login(demo: &Demo) -> Session {
        let http = reqwest::Client::new();
        let response = http
            .post(format!("{}/api/v1/auth/login", demo.url))
            .header("origin", &demo.url)
            .json(&json!({"email": demo.email, "password": demo.password}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "the printed credentials sign in");
        let cookie = response
            .headers()
            .get_all("set-cookie")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|v| {
                v.split(';')
                    .next()
                    .filter(|c| c.starts_with("pronto_session="))
            })
            .expect("a pronto_session cookie")
            .to_owned();
        Session {
            http,
            url: demo.url.clone(),
            cookie,
        }
    }

    async fn get(&self, path: &str) -> Value {
        let response = self
            .http
            .get(format!("{}{path}", self.url))
            .header("cookie", &self.cookie)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "GET {path}");
        response.json().await.unwrap()
    }

    /// Every conversation of the workspace, page after page.
    async fn all_conversations(&self) -> Vec<Value> {
        let mut all = Vec::new();
        let mut path = "/api/v1/conversations?limit=200".to_owned();
        loop {
            let page = self.get(&path).await;
            all.extend(page["items"].as_array().into_iter().flatten().cloned());
            match page["next_cursor"].as_str() {
                Some(cursor) => path = format!("/api/v1/conversations?limit=200&cursor={cursor}"),
                None => return all,
            }
        }
    }
}

fn now_micros() -> i64 {
    let since = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap();
    i64::try_from(since.as_micros()).unwrap()
}

#[tokio::test]
async fn demo_shows_history_and_live_customers_and_restarts_on_its_data() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("demo-data");
    let mut demo = Demo::start(&data);
    assert!(
        demo.printed.contains("history"),
        "a first start puts in the history:\n{}",
        demo.printed
    );
    assert!(
        data.join("pronto.db").exists(),
        "SQLite in the given data dir"
    );
    let signed_in_at = now_micros();
    let s = Session::login(&demo).await;

    let channels = s.get("/api/v1/channels").await;
    let channels = channels.as_array().expect("a list");
    let kinds: Vec<&str> = channels.iter().filter_map(|c| c["kind"].as_str()).collect();
    assert_eq!(
        kinds,
        ["messenger", "instagram", "whatsapp", "webchat", "email"]
    );
    // The email channel is the demo's own, in-process, and says so.
    let mailbox = &channels[4];
    assert_eq!(mailbox["state"], "demo", "{mailbox}");
    assert!(
        mailbox["name"].as_str().unwrap().contains("in-process"),
        "{mailbox}"
    );
    assert!(
        mailbox["config"].get("imap_password").is_none(),
        "{mailbox}"
    );
    // A rule that alerts the admin, which a newcomer can change on the rules page.
    let rules = s.get("/api/v1/rules").await;
    assert_eq!(rules[0]["then"][1]["type"], "notify", "{rules}");
    // The demo shop's site, on an origin of its own, embeds the widget.
    let shop = demo
        .printed
        .lines()
        .find_map(|l| l.split_once("with the web chat").map(|(_, rest)| rest))
        .and_then(|rest| rest.split(": ").nth(1))
        .unwrap_or_else(|| panic!("the demo prints its shop's site:\n{}", demo.printed))
        .trim()
        .to_owned();
    let page = reqwest::get(&shop).await.unwrap().text().await.unwrap();
    assert!(page.contains(&format!("{}/widget.js", demo.url)), "{page}");
    let webchat = channels[3]["id"].as_i64().unwrap();
    let config = s.get(&format!("/api/v1/channels/{webchat}")).await;
    assert_eq!(
        config["config"]["allowed_origins"],
        json!([shop.trim_end_matches('/')])
    );
    let messenger = channels[0]["id"].as_i64().unwrap();

    // WhatsApp: its templates synchronized from the sandbox's account, a history
    // with answered conversations, the customers named from their profiles.
    let whatsapp = channels[2]["id"].as_i64().unwrap();
    let templates = s
        .get(&format!("/api/v1/channels/{whatsapp}/templates"))
        .await;
    assert!(
        templates.as_array().is_some_and(|t| t.len() >= 7),
        "{templates}"
    );
    let wa = s
        .get(&format!(
            "/api/v1/conversations?channel={whatsapp}&limit=100"
        ))
        .await;
    assert!(
        wa["items"].as_array().is_some_and(|i| i.len() > 30),
        "WhatsApp history: {wa}"
    );
    let wa_report = s
        .get(&format!("/api/v1/channels/{whatsapp}/responsiveness"))
        .await;
    assert!(
        wa_report["opportunities"]["answered"].as_u64() > Some(10),
        "answered WhatsApp history: {wa_report}"
    );

    let list = s
        .get(&format!(
            "/api/v1/conversations?channel={messenger}&limit=100"
        ))
        .await;
    assert_eq!(
        list["items"].as_array().map(Vec::len),
        Some(100),
        "a full page of past conversations"
    );

    // The history was answered, and the daily series from the window's start shows it.
    let report = s
        .get(&format!("/api/v1/channels/{messenger}/responsiveness"))
        .await;
    assert!(
        report["opportunities"]["answered"].as_u64() > Some(10),
        "answered history: {report}"
    );
    let from = &report["window"]["start"].as_str().expect("a window")[..10];
    let to = &report["as_of"].as_str().unwrap()[..10];
    let daily = s
        .get(&format!(
            "/api/v1/channels/{messenger}/responsiveness?daily={from}..{to}"
        ))
        .await;
    let days = daily["daily"].as_array().expect("the daily series");
    assert!(days.len() > 20, "a day per date from {from} to {to}");
    assert!(
        days.iter()
            .any(|d| d["opportunities"]["answered"].as_u64() > Some(0)),
        "answered days in the series"
    );

    // A live customer writes: a customer message newer than the sign-in appears.
    // The wait is bounded only so that a broken demo fails instead of hanging.
    let deadline = Instant::now() + Duration::from_secs(120);
    // Every page of the list is read: where a new conversation sorts depends on how
    // many older customers still wait, which depends on the day the demo starts.
    let live = loop {
        let mut found = None;
        for c in s.all_conversations().await {
            if c["last_message_at"].as_i64() < Some(signed_in_at) {
                continue;
            }
            let id = c["id"].as_i64().unwrap();
            let detail = s.get(&format!("/api/v1/conversations/{id}")).await;
            found = detail["messages"]
                .as_array()
                .into_iter()
                .flatten()
                .find(|m| m["author"] == "customer" && m["at"].as_i64() >= Some(signed_in_at))
                .cloned();
            if found.is_some() {
                break;
            }
        }
        if let Some(m) = found {
            break m;
        }
        assert!(
            Instant::now() < deadline,
            "no live customer message within two minutes"
        );
        tokio::time::sleep(Duration::from_secs(1)).await;
    };
    assert!(
        live["external_id"].as_str().is_some(),
        "it came by webhook: {live}"
    );
    let users = s.get("/api/v1/users").await.as_array().unwrap().len();
    demo.stop();

    // The same data folder: the same workspace, users and channels, no new history.
    let mut again = Demo::start(&data);
    assert!(
        !again.printed.contains("history"),
        "a restart reuses the history:\n{}",
        again.printed
    );
    let s = Session::login(&again).await;
    assert_eq!(
        s.get("/api/v1/users").await.as_array().unwrap().len(),
        users
    );
    assert_eq!(users, 4, "the admin and three agents");
    assert_eq!(s.get("/api/v1/channels").await.as_array().unwrap().len(), 5);
    assert_eq!(
        s.get("/api/v1/rules").await.as_array().unwrap().len(),
        1,
        "the rule is made once"
    );
    again.stop();
}
