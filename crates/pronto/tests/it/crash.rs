//! `kill -9` in the middle of the message path loses and duplicates nothing: every
//! message the API accepted and every webhook body Meta was told was received is
//! stored exactly once after a restart.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::{Value, json};

use crate::support::{Node, add_admin, sign_in};

const SECRET: &str = "crash-test-app-secret";

async fn create(http: &reqwest::Client, url: &str, cookie: &str, body: Value) -> i64 {
    let r: Value = http
        .post(format!("{url}/api/v1/channels"))
        .header("cookie", cookie)
        .header("origin", url)
        .json(&body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    r["id"].as_i64().expect("a channel")
}

#[tokio::test]
async fn kill_9_mid_batch_loses_and_duplicates_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    let db = format!("sqlite://{}", data.join("pronto.db").display());
    add_admin(&db);
    let node = Node::start(&db, Some(&data));
    let http = reqwest::Client::new();
    let cookie = sign_in(&http, &node).await;
    let api = create(
        &http,
        &node.url,
        &cookie,
        json!({"kind": "api", "name": "web", "config": {"url": "https://replies.invalid/unused"}}),
    )
    .await;
    let page = create(
        &http,
        &node.url,
        &cookie,
        json!({"kind": "messenger", "name": "Page", "config": {
            "page_id": "PAGE", "app_id": "1", "app_secret": SECRET, "page_access_token": "EAAB-x"
        }}),
    )
    .await;

    // Writers keep going until the server dies under them; each remembers what
    // was acknowledged.
    let accepted = Arc::new(Mutex::new(Vec::<String>::new()));
    let acknowledged = Arc::new(Mutex::new(Vec::<String>::new()));
    let mut writers = Vec::new();
    for w in 0..12 {
        let (http, url, cookie) = (http.clone(), node.url.clone(), cookie.clone());
        let (accepted, acknowledged) = (accepted.clone(), acknowledged.clone());
        writers.push(tokio::spawn(async move {
            for i in 0.. {
                let id = format!("w{w}-{i}");
                if w % 3 == 0 {
                    let body = json!({"object": "page", "entry": [{"id": "PAGE", "time": 1, "messaging": [
                        {"sender": {"id": format!("psid-{}", i % 5)}, "recipient": {"id": "PAGE"},
                         "timestamp": 1_772_355_600_000i64 + i, "message": {"mid": id, "text": "hi"}}
                    ]}]})
                    .to_string();
                    let signature = pronto_sandbox::sign(SECRET, body.as_bytes());
                    match http
                        .post(format!("{url}/webhooks/meta/{page}"))
                        .header("x-hub-signature-256", signature)
                        .body(body)
                        .send()
                        .await
                    {
                        Ok(r) if r.status() == 200 => acknowledged.lock().unwrap().push(id),
                        Ok(r) => panic!("webhook answered {}", r.status()),
                        Err(_) => return,
                    }
                } else {
                    let r = http
                        .post(format!("{url}/api/v1/channels/{api}/inbound"))
                        .header("cookie", &cookie)
                        .header("origin", &url)
                        .json(&json!({"message_id": id, "contact_id": format!("c{}", i % 7), "text": "hi"}))
                        .send()
                        .await;
                    match r {
                        Ok(r) if r.status().is_success() => accepted.lock().unwrap().push(id),
                        Ok(r) => panic!("inbound answered {}", r.status()),
                        Err(_) => return,
                    }
                }
            }
        }));
    }
    // Kill once a good number of each kind went through (both paths are busy then).
    loop {
        tokio::time::sleep(Duration::from_millis(20)).await;
        let (a, b) = (
            accepted.lock().unwrap().len(),
            acknowledged.lock().unwrap().len(),
        );
        if a >= 300 && b >= 150 {
            break;
        }
    }
    drop(node); // SIGKILL, then reaped
    for w in writers {
        w.await.unwrap();
    }

    // Restarted, the server works off what was acknowledged before it died (bodies a
    // dead worker claimed come back when its lease ends).
    let node = Node::start(&db, Some(&data));
    let store = pronto_store::Store::connect(&db).await.unwrap();
    while store.unprocessed_webhooks().await.unwrap() > 0 {
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    drop(node);

    let rows: Vec<(i64, Option<String>)> =
        sqlx::query_as("SELECT channel_id, external_id FROM messages")
            .fetch_all(store.pool())
            .await
            .unwrap();
    let mut stored: HashMap<(i64, String), usize> = HashMap::new();
    for (channel, id) in rows {
        *stored.entry((channel, id.unwrap_or_default())).or_default() += 1;
    }
    assert!(stored.values().all(|&n| n == 1), "a message stored twice");
    let accepted: HashSet<String> = accepted.lock().unwrap().iter().cloned().collect();
    let acknowledged: HashSet<String> = acknowledged.lock().unwrap().iter().cloned().collect();
    for id in &accepted {
        assert!(
            stored.contains_key(&(api, id.clone())),
            "accepted {id} lost"
        );
    }
    for id in &acknowledged {
        assert!(
            stored.contains_key(&(page, id.clone())),
            "acknowledged {id} lost"
        );
    }
    // One event per stored message, numbered without a gap.
    let events = store.events_after(1, 0, 1_000_000).await.unwrap();
    let seqs: Vec<i64> = events.iter().map(|e| e.seq).collect();
    assert_eq!(seqs, (1..=events.len() as i64).collect::<Vec<_>>());
    let created = events
        .iter()
        .filter(|e| e.kind() == "message.created")
        .count();
    assert_eq!(created, stored.len());
}
