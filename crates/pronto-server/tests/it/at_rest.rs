//! What Pronto keeps at rest: sealed channel secrets, a private database file, and
//! retention of old webhook bodies, events and sessions.

use pronto_server::delivery::{Outcome, deliver_next};
use serde_json::json;

use crate::support::{MIN, Receiver, TestApp, api_channel, customer_says};

const DAY: i64 = 24 * 60 * MIN;

#[tokio::test]
async fn an_api_channels_signing_secret_is_sealed_and_still_signs() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let receiver = Receiver::spawn(vec![]).await;
    let channel = api_channel(&admin, &receiver).await;
    let shown = receiver.secret.lock().unwrap().clone();
    let ws = admin.get("/api/v1/me").await.1["workspace_id"]
        .as_i64()
        .unwrap();
    let stored = app.state.store.channel(ws, channel).await.unwrap().config;
    let stored = stored["signing_secret"].as_str().unwrap();
    assert!(
        stored.starts_with("enc:v1:") && !stored.contains(&shown),
        "kept sealed: {stored}"
    );

    let (_, m) = customer_says(&admin, channel, "c1", "m1", "hi").await;
    let conversation = m["conversation_id"].as_i64().unwrap();
    admin
        .post(
            &format!("/api/v1/conversations/{conversation}/messages"),
            json!({"text": "hello"}),
        )
        .await;
    assert!(matches!(
        deliver_next(&app.state).await.unwrap(),
        Outcome::Delivered(_)
    ));
    assert!(
        receiver.seen()[0].signature_ok,
        "signed with the shown secret"
    );
}

#[tokio::test]
async fn a_plain_secret_kept_from_before_is_sealed_at_start() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let receiver = Receiver::spawn(vec![]).await;
    let ws = admin.get("/api/v1/me").await.1["workspace_id"]
        .as_i64()
        .unwrap();
    // A channel as an older Pronto stored it: the secret in the clear.
    let channel = app
        .state
        .store
        .create_channel(
            ws,
            pronto_store::ChannelKind::Api,
            "Old",
            &json!({"url": receiver.url, "signing_secret": "legacy-secret"}),
            0,
        )
        .await
        .unwrap()
        .id;
    *receiver.secret.lock().unwrap() = "legacy-secret".to_owned();
    let url = app.db_url.clone();
    let db = app.stop().await;
    let app = TestApp::start(url, db, false).await;
    // The server seals before it answers anything.
    let admin = app.login("admin@acme.test", "correct horse battery").await;
    let config = app.state.store.channel(ws, channel).await.unwrap().config;
    let sealed = config["signing_secret"].as_str().unwrap();
    assert!(sealed.starts_with("enc:v1:"), "{sealed}");
    assert!(!config.to_string().contains("legacy-secret"));

    let (_, m) = customer_says(&admin, channel, "c1", "m1", "hi").await;
    let conversation = m["conversation_id"].as_i64().unwrap();
    admin
        .post(
            &format!("/api/v1/conversations/{conversation}/messages"),
            json!({"text": "hello"}),
        )
        .await;
    deliver_next(&app.state).await.unwrap();
    assert!(receiver.seen()[0].signature_ok, "still signed with it");
}

#[cfg(unix)]
#[tokio::test]
async fn the_sqlite_files_are_readable_by_their_owner_only() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let config = pronto_server::Config {
        data_dir: data.clone(),
        ..Default::default()
    };
    let store = pronto_server::open_store(&config).await.unwrap();
    store.ping().await.unwrap();
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&data), 0o700, "the data folder");
    for file in ["pronto.db", "pronto.db-wal", "pronto.db-shm"] {
        assert_eq!(mode(&data.join(file)), 0o600, "{file}");
    }
    store.close().await;

    // A file left readable by an older install is tightened when opened.
    std::fs::set_permissions(
        data.join("pronto.db"),
        std::fs::Permissions::from_mode(0o644),
    )
    .unwrap();
    let store = pronto_server::open_store(&config).await.unwrap();
    assert_eq!(mode(&data.join("pronto.db")), 0o600);
    store.close().await;
}

#[tokio::test]
async fn retention_deletes_old_bodies_events_and_sessions_only() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let receiver = Receiver::spawn(vec![]).await;
    let channel = api_channel(&admin, &receiver).await;
    let (_, m) = customer_says(&admin, channel, "c1", "m1", "an old question").await;
    let conversation = m["conversation_id"].as_i64().unwrap();
    let old_events = app
        .state
        .store
        .latest_event(app_workspace(&admin).await)
        .await
        .unwrap();
    assert!(old_events > 0);

    // 91 days later (the default keeps 90): the old events go, the message stays,
    // and the admin's 14-day session has expired.
    app.advance(91 * DAY);
    let purged = pronto_server::retention::sweep(&app.state).await.unwrap();
    assert_eq!(purged.sessions, 1, "{purged:?}");
    assert!(purged.events >= old_events as u64, "{purged:?}");
    let admin = app.login("admin@acme.test", "correct horse battery").await;
    let (_, detail) = admin
        .get(&format!("/api/v1/conversations/{conversation}"))
        .await;
    assert_eq!(detail["messages"][0]["text"], "an old question");
    // A stream resuming from before the deleted events starts at what is left.
    let ws = app_workspace(&admin).await;
    let left = app.state.store.events_after(ws, 0, 100).await.unwrap();
    assert!(left.iter().all(|e| e.seq > old_events), "{left:?}");
}

async fn app_workspace(admin: &crate::support::Client) -> i64 {
    admin.get("/api/v1/me").await.1["workspace_id"]
        .as_i64()
        .unwrap()
}
