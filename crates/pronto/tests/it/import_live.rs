//! `pronto import messenger --live` against an in-process fake of Meta's
//! Conversations API: pages of conversations, paged messages, a transient 613, an
//! old message Meta no longer gives (9000001), pacing, and resuming an interrupted
//! import whose cursor Meta no longer accepts.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Json;
use axum::extract::{Query, State};
use axum::http::{StatusCode, Uri};
use pronto_store::Store;
use pronto_store::testing::backends;
use serde_json::{Value, json};

use crate::import::{
    APP_SECRET, DAY, MIN, T0, TOKEN, conversation, import, messenger_channel, msg,
};

/// The fake Graph API's state.
struct Fake {
    base: String,
    /// Every call: path and query, and when it came.
    calls: Mutex<Vec<(String, Instant)>>,
    /// Calls without the token or the proof.
    unsigned: AtomicUsize,
    /// Calls after this many fail with a transient error.
    fail_after: AtomicUsize,
    /// The cursors' generation: a cursor of an older one is refused, as Meta may.
    generation: AtomicUsize,
    /// The next listing answers 613 (rate limited) once.
    throttle_once: AtomicBool,
}

fn error(status: StatusCode, code: i64, message: &str) -> (StatusCode, Json<Value>) {
    (
        status,
        Json(
            json!({"error": {"message": message, "type": "OAuthException", "code": code, "fbtrace_id": "x"}}),
        ),
    )
}

async fn graph(
    State(f): State<Arc<Fake>>,
    uri: Uri,
    Query(q): Query<HashMap<String, String>>,
) -> (StatusCode, Json<Value>) {
    let n = {
        let mut calls = f.calls.lock().unwrap();
        calls.push((uri.to_string(), Instant::now()));
        calls.len()
    };
    let proof = pronto_server::graph::appsecret_proof(APP_SECRET, TOKEN);
    if q.get("access_token").map(String::as_str) != Some(TOKEN) {
        f.unsigned.fetch_add(1, Ordering::SeqCst);
        return error(
            StatusCode::BAD_REQUEST,
            190,
            "Error validating access token: The session has been invalidated",
        );
    }
    if q.get("appsecret_proof") != Some(&proof) {
        f.unsigned.fetch_add(1, Ordering::SeqCst);
        return error(
            StatusCode::BAD_REQUEST,
            100,
            "API calls from the server require an appsecret_proof argument",
        );
    }
    if n > f.fail_after.load(Ordering::SeqCst) {
        return error(
            StatusCode::INTERNAL_SERVER_ERROR,
            1,
            "An unknown error occurred",
        );
    }
    let base = &f.base;
    let generation = f.generation.load(Ordering::SeqCst);
    let ok = |v: Value| (StatusCode::OK, Json(v));
    match uri.path().trim_start_matches("/v25.0/") {
        "PAGE/conversations" => {
            if f.throttle_once.swap(false, Ordering::SeqCst) {
                return error(
                    StatusCode::BAD_REQUEST,
                    613,
                    "Calls to this api have exceeded the rate limit.",
                );
            }
            assert_eq!(q["platform"], "messenger");
            match q.get("after") {
                None => ok(page1(base, generation)),
                Some(a) if *a == format!("C1-{generation}") => ok(page2()),
                Some(_) => error(StatusCode::BAD_REQUEST, 100, "Invalid cursor"),
            }
        }
        "t_1/messages" => ok(json!({"data": [
            msg("a2", T0 + 4 * MIN, "PAGE", "Acme", "Hello Ana"),
            msg("a1", T0, "C1", "Ana", "Hi"),
            {"id": "a0"},
        ]})),
        "a0" => error(
            StatusCode::BAD_REQUEST,
            9_000_001,
            "Message has been deleted",
        ),
        "t_3" => ok(json!({"id": "t_3", "messages": {"data": [
            msg("c2", T0 + 2 * DAY + 60 * MIN, "C3", "Cy", "Yes please"),
            msg("c1", T0 + 2 * DAY, "PAGE", "Acme", "Our sale starts today"),
        ]}})),
        other => error(
            StatusCode::NOT_FOUND,
            803,
            &format!("unknown object {other}"),
        ),
    }
}

/// Two conversations, the first with a second page of messages (the newest two
/// are here; the older ones, one of them too old for details, on the next page).
fn page1(base: &str, generation: usize) -> Value {
    let mut t1 = conversation(
        "t_1",
        "C1",
        "Ana",
        vec![
            msg("a4", T0 + 30 * MIN, "PAGE", "Acme", "You're welcome"),
            msg("a3", T0 + 6 * MIN, "C1", "Ana", "Thanks"),
        ],
    );
    t1["messages"]["paging"] = json!({"cursors": {"after": "M2"},
        "next": format!("{base}/t_1/messages?after=M2&access_token={TOKEN}")});
    json!({"data": [t1, conversation("t_2", "C2", "Bo", vec![msg("b1", T0 + DAY, "C2", "Bo", "Anyone there?")])],
           "paging": {"cursors": {"after": format!("C1-{generation}")},
                      "next": format!("{base}/PAGE/conversations?access_token={TOKEN}&platform=messenger&limit=2&after=C1-{generation}")}})
}

/// The last page: one conversation listed without its messages.
fn page2() -> Value {
    json!({"data": [{"id": "t_3", "updated_time": "2026-03-03T10:00:00+0000",
                     "participants": {"data": [{"id": "C3", "name": "Cy"}, {"id": "PAGE", "name": "Acme"}]}}],
           "paging": {"cursors": {"after": "END"}}})
}

async fn spawn() -> Arc<Fake> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let fake = Arc::new(Fake {
        base: format!("http://{}/v25.0", listener.local_addr().unwrap()),
        calls: Mutex::default(),
        unsigned: AtomicUsize::new(0),
        fail_after: AtomicUsize::new(usize::MAX),
        generation: AtomicUsize::new(0),
        throttle_once: AtomicBool::new(false),
    });
    let app = axum::Router::new().fallback(graph).with_state(fake.clone());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    fake
}

const FAST: [&str; 8] = [
    "--live",
    "--pace-ms",
    "0",
    "--backoff-ms",
    "1",
    "--retries",
    "1",
    "--page-size",
];

async fn count(store: &Store, sql: &str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(store.pool())
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_live_import_walks_every_page_paced_and_signed() {
    for db in backends().await {
        let (ws, channel) = messenger_channel(&db.store).await;
        let fake = spawn().await;
        fake.throttle_once.store(true, Ordering::SeqCst);
        let ch = channel.to_string();
        let started = Instant::now();
        let run = import(
            &db.url,
            &fake.base,
            &[
                "--channel",
                &ch,
                "--live",
                "--pace-ms",
                "100",
                "--backoff-ms",
                "1",
                "--page-size",
                "2",
            ],
        )
        .await;
        assert!(run.ok, "{}{}", run.stdout, run.stderr);
        assert!(
            run.stdout
                .contains("imported 3 conversations: 7 messages stored, 0 already there"),
            "{}",
            run.stdout
        );
        assert!(
            run.stdout
                .contains("1 old messages Meta no longer gives (error 9000001)"),
            "{}",
            run.stdout
        );
        assert!(!run.stdout.contains("skipped"), "{}", run.stdout);

        let calls = fake.calls.lock().unwrap().clone();
        let paths: Vec<&str> = calls
            .iter()
            .map(|(u, _)| u.split('?').next().unwrap())
            .collect();
        assert_eq!(
            paths,
            [
                "/v25.0/PAGE/conversations", // 613
                "/v25.0/PAGE/conversations",
                "/v25.0/t_1/messages",
                "/v25.0/a0",
                "/v25.0/PAGE/conversations",
                "/v25.0/t_3",
            ]
        );
        assert!(
            calls[0].0.contains("limit=2")
                && calls[0]
                    .0
                    .contains("fields=id%2Cupdated_time%2Cparticipants%2Cmessages"),
            "{}",
            calls[0].0
        );
        assert_eq!(
            fake.unsigned.load(Ordering::SeqCst),
            0,
            "every call carries the token and appsecret_proof"
        );
        // The pacer spaces the sends: the last call cannot leave before (calls - 1)
        // intervals after the start. (Arrival times at the fake can bunch up on a
        // loaded machine, so they are not compared pairwise.)
        let floor = Duration::from_millis(100) * (calls.len() as u32 - 1);
        assert!(
            started.elapsed() >= floor,
            "{} calls in {:?}: not paced",
            calls.len(),
            started.elapsed()
        );

        let s = &db.store;
        assert_eq!(
            count(s, "SELECT COUNT(*) FROM messages WHERE direction = 'in'").await,
            4
        );
        assert_eq!(
            count(s, "SELECT COUNT(*) FROM messages WHERE direction = 'out'").await,
            3
        );
        assert_eq!(count(s, "SELECT COUNT(*) FROM contacts").await, 3);
        assert_eq!(
            s.import_progress(ws, channel).await.unwrap(),
            Default::default(),
            "a finished import keeps no progress"
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn an_interrupted_import_resumes_and_stores_every_message_once() {
    for db in backends().await {
        let (ws, channel) = messenger_channel(&db.store).await;
        let fake = spawn().await;
        let ch = channel.to_string();
        let mut args = vec!["--channel", &ch];
        args.extend(FAST);
        args.push("2");
        // Meta fails from the fifth call on: t_3's messages never come.
        fake.fail_after.store(4, Ordering::SeqCst);
        let run = import(&db.url, &fake.base, &args).await;
        assert!(!run.ok, "{}", run.stdout);
        assert!(
            run.stderr.contains("Meta kept failing after 2 attempts"),
            "{}",
            run.stderr
        );
        assert!(run.stderr.contains("--resume"), "{}", run.stderr);
        assert!(
            !run.stderr.contains(TOKEN),
            "the token stays secret: {}",
            run.stderr
        );
        let s = &db.store;
        assert_eq!(count(s, "SELECT COUNT(*) FROM messages").await, 5);
        let kept = s.import_progress(ws, channel).await.unwrap();
        assert_eq!(kept.after.as_deref(), Some("C1-0"));
        let mut done: Vec<_> = kept.done.into_iter().collect();
        done.sort();
        assert_eq!(done, ["t_1", "t_2"]);

        // Later, Meta works again but no longer takes the old cursor.
        fake.fail_after.store(usize::MAX, Ordering::SeqCst);
        fake.generation.store(1, Ordering::SeqCst);
        fake.calls.lock().unwrap().clear();
        args.push("--resume");
        let run = import(&db.url, &fake.base, &args).await;
        assert!(run.ok, "{}{}", run.stdout, run.stderr);
        assert!(
            run.stdout
                .contains("imported 1 conversations: 2 messages stored, 0 already there"),
            "{}",
            run.stdout
        );
        assert!(
            run.stdout
                .contains("2 conversations finished by the interrupted import"),
            "{}",
            run.stdout
        );
        assert!(
            run.stdout.contains("refused the kept cursor"),
            "{}",
            run.stdout
        );
        let calls: Vec<String> = fake
            .calls
            .lock()
            .unwrap()
            .iter()
            .map(|(u, _)| u.clone())
            .collect();
        assert!(
            calls[0].contains("after=C1-0"),
            "the kept cursor is tried first: {calls:?}"
        );
        assert!(
            !calls.iter().any(|c| c.contains("t_1/messages")),
            "finished conversations are not read again: {calls:?}"
        );

        assert_eq!(count(s, "SELECT COUNT(*) FROM messages").await, 7);
        assert_eq!(
            count(s, "SELECT COUNT(DISTINCT external_id) FROM messages").await,
            7
        );
        assert_eq!(count(s, "SELECT COUNT(*) FROM conversations").await, 3);

        // A full import afterwards finds everything there.
        args.pop();
        let run = import(&db.url, &fake.base, &args).await;
        assert!(
            run.stdout
                .contains("imported 3 conversations: 0 messages stored, 7 already there"),
            "{}",
            run.stdout
        );
        assert_eq!(count(s, "SELECT COUNT(*) FROM messages").await, 7);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_refused_token_stops_with_what_to_do() {
    let db = pronto_store::testing::sqlite().await;
    let (_, channel) = messenger_channel(&db.store).await;
    let sealer = pronto_server::secrets::Sealer::new([0x42; 32]);
    let mut c = db.store.channel_any_workspace(channel).await.unwrap();
    c.config["page_access_token"] = json!(sealer.seal("expired"));
    db.store
        .set_channel_config(c.workspace_id, channel, &c.config)
        .await
        .unwrap();
    let fake = spawn().await;
    let ch = channel.to_string();
    let mut args = vec!["--channel", &ch];
    args.extend(FAST);
    args.push("2");
    let run = import(&db.url, &fake.base, &args).await;
    assert!(!run.ok);
    assert!(
        run.stderr.contains("Meta refused the Page access token"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains("PUT /api/v1/channels/ID/token"),
        "{}",
        run.stderr
    );
    assert_eq!(fake.calls.lock().unwrap().len(), 1, "no retry of a refusal");
}
