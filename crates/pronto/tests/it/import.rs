//! `pronto import messenger --file`: a realistic export, bad items skipped and
//! reported, idempotence, and the imported history counted by the server's engine.

use std::sync::Arc;

use pronto_server::secrets::Sealer;
use pronto_store::testing::{TestDb, backends};
use pronto_store::{Role, Store};
use serde_json::{Value, json};

/// The key the channel secrets are sealed with (given to the binary as
/// PRONTO_SECRET_KEY).
pub const KEY: &str = "4242424242424242424242424242424242424242424242424242424242424242";
pub const TOKEN: &str = "EAAB-page-token";
pub const APP_SECRET: &str = "app-secret";
/// 2026-03-01T09:00:00Z.
pub const T0: i64 = 1_772_355_600_000_000;
pub const MIN: i64 = 60_000_000;
pub const DAY: i64 = 24 * 60 * MIN;

/// A workspace with a Messenger channel for Page `PAGE`; returns (workspace, channel).
pub async fn messenger_channel(store: &Store) -> (i64, i64) {
    let ws = store.create_workspace("Acme", T0).await.unwrap();
    let sealer = Sealer::new(hex_key());
    let channel = store
        .create_channel(
            ws,
            pronto_store::ChannelKind::Messenger,
            "Acme Page",
            &json!({"page_id": "PAGE", "app_id": "APP",
                    "app_secret": sealer.seal(APP_SECRET),
                    "page_access_token": sealer.seal(TOKEN)}),
            T0,
        )
        .await
        .unwrap();
    (ws, channel.id)
}

fn hex_key() -> [u8; 32] {
    [0x42; 32]
}

/// What a run printed and how it ended.
pub struct Run {
    pub ok: bool,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `pronto import messenger ARGS` on the database at `url`, with Meta's API at
/// `graph` (the tests' fake).
pub async fn import(url: &str, graph: &str, args: &[&str]) -> Run {
    let dir = tempfile::tempdir().unwrap();
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_pronto"))
        .args(["import", "messenger", "--database-url", url])
        .args(args)
        .env_remove("PRONTO_DATABASE_URL")
        .env("PRONTO_SECRET_KEY", KEY)
        .env("PRONTO_GRAPH_BASE_URL", graph)
        .current_dir(dir.path())
        .output()
        .await
        .unwrap();
    Run {
        ok: out.status.success(),
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
    }
}

pub fn at(micros: i64) -> String {
    pronto_core::Timestamp::from_micros(micros).to_string()
}

/// Meta's own format: `+0000` without a colon.
fn meta_time(micros: i64) -> String {
    at(micros).replace('Z', "+0000")
}

pub fn msg(id: &str, t: i64, from: &str, name: &str, text: &str) -> Value {
    let to = if from == "PAGE" { "C" } else { "PAGE" };
    json!({"id": id, "created_time": meta_time(t), "from": {"id": from, "name": name},
           "to": {"data": [{"id": to}]}, "message": text})
}

pub fn conversation(id: &str, customer: &str, name: &str, newest_first: Vec<Value>) -> Value {
    json!({"id": id, "updated_time": "2026-03-03T09:00:00+0000",
           "participants": {"data": [{"id": customer, "name": name}, {"id": "PAGE", "name": "Acme"}]},
           "messages": {"data": newest_first}})
}

/// Three conversations on two pages, one page per line, with a broken line, a
/// message without an id and one with a bad time.
fn export() -> String {
    let page1 = json!({"data": [
        conversation("t_1", "C1", "Ana", vec![
            msg("a4", T0 + 30 * MIN, "PAGE", "Acme", "You're welcome"),
            msg("a3", T0 + 6 * MIN, "C1", "Ana", "Thanks"),
            msg("a2", T0 + 4 * MIN, "PAGE", "Acme", "Hello Ana"),
            msg("a1", T0, "C1", "Ana", "Hi"),
        ]),
        conversation("t_2", "C2", "Bo", vec![
            json!({"created_time": meta_time(T0 + DAY), "from": {"id": "C2"}, "message": "no id"}),
            json!({"id": "b_bad", "created_time": "yesterday", "from": {"id": "C2"}, "message": "?"}),
            msg("b1", T0 + DAY, "C2", "Bo", "Anyone there?"),
        ]),
    ], "paging": {"cursors": {"after": "X"}, "next": "https://graph.facebook.com/next"}});
    // The Page wrote first: the customer's answer an hour later is no new message.
    let page2 = json!({"data": [
        conversation("t_3", "C3", "Cy", vec![
            msg("c3", T0 + 2 * DAY + 70 * MIN, "PAGE", "Acme", "Great"),
            msg("c2", T0 + 2 * DAY + 60 * MIN, "C3", "Cy", "Yes please"),
            msg("c1", T0 + 2 * DAY, "PAGE", "Acme", "Our sale starts today"),
        ]),
    ]});
    format!("{page1}\n{{\"data\": [truncated\n{page2}\n")
}

async fn count(store: &Store, sql: &str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(store.pool())
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_file_import_stores_the_good_items_once_and_reports_the_bad() {
    for db in backends().await {
        let (ws, channel) = messenger_channel(&db.store).await;
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("export.jsonl");
        std::fs::write(&file, export()).unwrap();
        let file = file.to_str().unwrap();
        let ch = channel.to_string();
        let run = import(
            &db.url,
            "http://127.0.0.1:9",
            &["--channel", &ch, "--file", file],
        )
        .await;
        assert!(run.ok, "{}{}", run.stdout, run.stderr);
        let out = &run.stdout;
        assert!(
            out.contains("imported 3 conversations: 8 messages stored, 0 already there"),
            "{out}"
        );
        assert!(out.contains("skipped 3 items"), "{out}");
        assert!(out.contains("line 2: not JSON"), "{out}");
        assert!(
            out.contains("conversation t_2 message #1: no message id"),
            "{out}"
        );
        assert!(
            out.contains("conversation t_2: message b_bad: bad timestamp"),
            "{out}"
        );
        assert!(run.stderr.is_empty(), "quiet when piped: {}", run.stderr);

        let s = &db.store;
        assert_eq!(
            count(s, "SELECT COUNT(*) FROM messages WHERE direction = 'in'").await,
            4
        );
        assert_eq!(
            count(
                s,
                "SELECT COUNT(*) FROM messages WHERE direction = 'out' AND author = 'agent'"
            )
            .await,
            4
        );
        assert_eq!(
            count(s, "SELECT at FROM messages WHERE external_id = 'a1'").await,
            T0,
            "+0000 read"
        );
        let names: Vec<String> = sqlx::query_scalar("SELECT name FROM contacts ORDER BY name")
            .fetch_all(s.pool())
            .await
            .unwrap();
        assert_eq!(names, ["Ana", "Bo", "Cy"]);

        let again = import(
            &db.url,
            "http://127.0.0.1:9",
            &["--channel", &ch, "--file", file],
        )
        .await;
        assert!(again.ok, "{}", again.stderr);
        assert!(
            again
                .stdout
                .contains("imported 3 conversations: 0 messages stored, 8 already there"),
            "{}",
            again.stdout
        );
        assert_eq!(count(s, "SELECT COUNT(*) FROM messages").await, 8);

        check_responsiveness(&db, ws, channel).await;
    }
}

/// The server's engine, reading the event log the import wrote: t_1 answered in
/// 4 minutes, t_2 missed (nobody answered within 24 h), t_3's customer message no
/// new message (the Page wrote an hour before). So 1 of 2, 240 s.
async fn check_responsiveness(db: &TestDb, ws: i64, channel: i64) {
    let config = pronto_server::Config {
        database_url: db.url.clone(),
        secret_key: KEY.to_owned(),
        ..pronto_server::Config::default()
    };
    let store = pronto_server::open_store(&config).await.unwrap();
    let now = T0 + 3 * DAY;
    store
        .create_api_token(
            ws,
            "test",
            &pronto_server::auth::hash_secret("tok"),
            Role::Admin,
            now,
        )
        .await
        .unwrap();
    let state = pronto_server::AppState::new(store, config, Arc::new(move || now));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(pronto_server::serve_with(
        state,
        listener,
        async move {
            let _ = stopped.await;
        },
        false,
    ));
    let report: Value = reqwest::Client::new()
        .get(format!(
            "http://{addr}/api/v1/channels/{channel}/responsiveness"
        ))
        .bearer_auth("tok")
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        report["opportunities"],
        json!({"counted": 2, "answered": 1, "missed": 1, "pending": 0, "excluded": 0}),
        "{report}"
    );
    assert_eq!(report["response_rate"], json!(0.5));
    assert_eq!(report["response_time_seconds"], json!(240.0));
    assert_eq!(report["window"]["start"], json!(at(T0)));
    let _ = stop.send(());
    server.await.unwrap().unwrap();
}

#[tokio::test(flavor = "multi_thread")]
async fn an_unreadable_file_fails_and_says_why() {
    let db = pronto_store::testing::sqlite().await;
    let (_, channel) = messenger_channel(&db.store).await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("export.json");
    std::fs::write(&file, "{\"data\": [").unwrap();
    let ch = channel.to_string();
    let run = import(
        &db.url,
        "http://127.0.0.1:9",
        &["--channel", &ch, "--file", file.to_str().unwrap()],
    )
    .await;
    assert!(!run.ok);
    assert!(
        run.stderr
            .contains("nothing could be read from the export: line 1"),
        "{}",
        run.stderr
    );
    let api = db
        .store
        .create_channel(
            1,
            pronto_store::ChannelKind::Api,
            "Web",
            &json!({"url": "http://x"}),
            T0,
        )
        .await
        .unwrap();
    let run = import(
        &db.url,
        "http://127.0.0.1:9",
        &[
            "--channel",
            &api.id.to_string(),
            "--file",
            file.to_str().unwrap(),
        ],
    )
    .await;
    assert!(run.stderr.contains("is of kind api"), "{}", run.stderr);
    // WhatsApp keeps no history to read: said, not skipped silently.
    let wa = db
        .store
        .create_channel(
            1,
            pronto_store::ChannelKind::WhatsApp,
            "WhatsApp",
            &json!({"phone_number_id": "1", "waba_id": "2", "app_id": "3"}),
            T0,
        )
        .await
        .unwrap();
    let run = import(
        &db.url,
        "http://127.0.0.1:9",
        &["--channel", &wa.id.to_string(), "--live"],
    )
    .await;
    assert!(!run.ok);
    assert!(
        run.stderr.contains("WhatsApp has no conversations API"),
        "{}",
        run.stderr
    );
    let run = import(
        &db.url,
        "http://127.0.0.1:9",
        &["--channel", "999", "--live"],
    )
    .await;
    assert!(
        run.stderr.contains("there is no channel 999"),
        "{}",
        run.stderr
    );
}

/// An Instagram channel whose config names only the Page: the business account is
/// the participant every conversation shares; names come from `username`.
#[tokio::test(flavor = "multi_thread")]
async fn an_instagram_export_finds_the_business_account() {
    let db = pronto_store::testing::sqlite().await;
    let s = &db.store;
    let ws = s.create_workspace("Acme", T0).await.unwrap();
    let sealer = Sealer::new(hex_key());
    let channel = s
        .create_channel(
            ws,
            pronto_store::ChannelKind::Instagram,
            "Acme IG",
            &json!({"page_id": "PAGE", "app_id": "APP",
            "app_secret": sealer.seal(APP_SECRET), "page_access_token": sealer.seal(TOKEN)}),
            T0,
        )
        .await
        .unwrap();
    let ig = |id: &str, t: i64, from: &str, text: &str| json!({"id": id, "created_time": meta_time(t), "from": {"id": from, "username": from.to_lowercase()}, "message": text});
    let conv = |id: &str, customer: &str, msgs: Vec<Value>| {
        json!({"id": id, "participants": {"data": [{"id": "IGBIZ", "username": "acme"}, {"id": customer, "username": customer.to_lowercase()}]},
               "messages": {"data": msgs}})
    };
    let export = json!([{"data": [
        conv("t_a", "KITTY", vec![ig("k2", T0 + MIN, "IGBIZ", "Hi Kitty!"), ig("k1", T0, "KITTY", "Hello")]),
        conv("t_b", "TOM", vec![ig("o1", T0 + DAY, "TOM", "Open?")]),
    ]}]);
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("ig.json");
    std::fs::write(&file, export.to_string()).unwrap();
    let run = import(
        &db.url,
        "http://127.0.0.1:9",
        &[
            "--channel",
            &channel.id.to_string(),
            "--file",
            file.to_str().unwrap(),
        ],
    )
    .await;
    assert!(run.ok, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout
            .contains("imported 2 conversations: 3 messages stored"),
        "{}",
        run.stdout
    );
    assert_eq!(
        count(
            s,
            "SELECT COUNT(*) FROM messages WHERE direction = 'out' AND external_id = 'k2'"
        )
        .await,
        1
    );
    let names: Vec<String> = sqlx::query_scalar("SELECT name FROM contacts ORDER BY name")
        .fetch_all(s.pool())
        .await
        .unwrap();
    assert_eq!(names, ["kitty", "tom"]);
}
