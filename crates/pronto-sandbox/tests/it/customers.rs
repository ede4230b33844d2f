//! Simulated customers: signed, reproducible webhooks; echoes after sends.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use hmac::{Hmac, KeyInit, Mac};
use pronto_sandbox::{Event, EventKind, Pace, Platform, Simulator, build};
use serde_json::{Value, json};
use sha2::Sha256;

use crate::support::{Graph, IG_TOKEN, SECRET, T0, TOKEN};

/// A delivery: its `X-Hub-Signature-256` and its body.
type Delivery = (String, Vec<u8>);

#[derive(Clone, Default)]
struct Received(Arc<Mutex<Vec<Delivery>>>);

impl Received {
    fn all(&self) -> Vec<Delivery> {
        self.0.lock().unwrap().clone()
    }
}

/// A callback on port 0 that records each delivery's signature header and body.
async fn callback() -> (String, Received) {
    let got = Received::default();
    let g = got.clone();
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(
            move |headers: axum::http::HeaderMap, body: axum::body::Bytes| {
                let g = g.clone();
                async move {
                    let sig = headers
                        .get("x-hub-signature-256")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("")
                        .to_owned();
                    g.0.lock().unwrap().push((sig, body.to_vec()));
                    "EVENT_RECEIVED"
                }
            },
        ),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, got)
}

/// An HMAC computed here, independently of the crate's `sign`.
fn verifies(secret: &str, body: &[u8], header: &str) -> bool {
    let Some(hex_sig) = header.strip_prefix("sha256=") else {
        return false;
    };
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(body);
    hex::decode(hex_sig).is_ok_and(|s| mac.verify_slice(&s).is_ok())
}

#[tokio::test]
async fn every_generated_webhook_is_signed_escaped_and_shaped_like_meta() {
    let g = Graph::spawn().await;
    let (url, got) = callback().await;
    let mut kinds = std::collections::HashSet::new();
    for page in ["PAGE", "IG"] {
        g.sandbox.set_callback(page, Some(url.clone())).unwrap();
        let mut sim = Simulator::new(&g.sandbox, page, 7).unwrap();
        // The page has written to everyone, so there is something to react to.
        let token = if page == "PAGE" { TOKEN } else { IG_TOKEN };
        for (id, name, _) in sim.customers() {
            g.sandbox.customer_message(page, &id, &name, "hello", T0);
            let reply = json!({"recipient": {"id": id}, "messaging_type": "RESPONSE", "message": {"text": "Hi!"}});
            assert_eq!(g.send(page, token, reply).await.0, 200);
        }
        g.sandbox.set_echoes(page, false).unwrap();
        for _ in 0..120 {
            let sent = sim.step().await.unwrap();
            assert_eq!(sent.status, 200);
            kinds.insert(sent.kind);
        }
    }
    assert_eq!(kinds.len(), 9, "every kind came up: {kinds:?}");
    let all = got.all();
    assert_eq!(all.len(), 240);
    for (sig, body) in &all {
        assert!(
            verifies(SECRET, body, sig),
            "{}",
            String::from_utf8_lossy(body)
        );
        assert!(body.is_ascii(), "unicode is escaped, as Meta signs it");
        let v: Value = serde_json::from_slice(body).unwrap();
        let entry = &v["entry"][0];
        assert!(entry["time"].is_i64());
        match v["object"].as_str().unwrap() {
            "page" => assert_eq!(entry["id"], "PAGE"),
            "instagram" => assert_eq!(entry["id"], "IG"),
            other => panic!("object {other}"),
        }
        if let Some(m) = entry["messaging"].get(0) {
            assert_eq!(m["recipient"]["id"], entry["id"]);
            assert!(m["timestamp"].is_i64());
        } else {
            let change = &entry["changes"][0];
            assert!(
                change["field"] == "feed" || change["field"] == "comments",
                "{change}"
            );
        }
    }
    // A tampered body fails the check.
    let (sig, body) = &all[0];
    let mut tampered = body.clone();
    tampered.push(b' ');
    assert!(!verifies(SECRET, &tampered, sig));
}

#[tokio::test]
async fn a_seed_reproduces_a_run() {
    let run = |seed: u64| async move {
        let g = Graph::spawn().await;
        let mut sim = Simulator::new(&g.sandbox, "PAGE", seed).unwrap();
        let mut out = Vec::new();
        for i in 0..50 {
            g.set_time(T0 + i * 1_000_000);
            let e = sim.next_event();
            out.push(build(Platform::Messenger, "PAGE", &e, g.sandbox.now()));
            // Replies change what customers can react to, the same way each run.
            if i % 5 == 0 {
                let to = pronto_sandbox::webhook::sender(&e).to_owned();
                g.send("PAGE", TOKEN, json!({"recipient": {"id": to}, "messaging_type": "RESPONSE", "message": {"text": "ok"}})).await;
            }
        }
        (out, sim.customers())
    };
    let (a, ca) = run(42).await;
    let (b, cb) = run(42).await;
    let (c, _) = run(43).await;
    assert_eq!(a, b);
    assert_eq!(ca, cb);
    assert_ne!(a, c);
    let locales: std::collections::HashSet<_> = ca.iter().map(|c| c.2[..2].to_owned()).collect();
    assert!(locales.len() >= 2, "{locales:?}");
}

#[tokio::test]
async fn a_simulated_message_opens_the_window_for_a_reply() {
    let g = Graph::spawn().await;
    let mut sim = Simulator::new(&g.sandbox, "IG", 1).unwrap();
    let Event::Text { from, mid, .. } = sim.event(EventKind::Text) else {
        panic!("a text")
    };
    let (s, a) = g.send("IG", IG_TOKEN, json!({"recipient": {"id": from}, "messaging_type": "RESPONSE", "message": {"text": "Hi!"}})).await;
    assert_eq!(s, 200, "{a}");
    // The reply is what a later reaction or read points at.
    let Event::Read {
        mid: Some(read), ..
    } = sim_event_for(&mut sim, &from, EventKind::Read)
    else {
        panic!("an IG read names a mid")
    };
    assert_eq!(read, a["message_id"].as_str().unwrap());
    assert_ne!(mid, read);
}

/// Draws events of `kind` until one comes from `who`.
fn sim_event_for(sim: &mut Simulator, who: &str, kind: EventKind) -> Event {
    for _ in 0..500 {
        let e = sim.event(kind);
        if pronto_sandbox::webhook::sender(&e) == who {
            return e;
        }
    }
    panic!("{who} never came up");
}

#[tokio::test]
async fn a_send_queues_an_echo_that_is_delivered_on_demand_or_in_the_background() {
    let g = Graph::spawn().await;
    let (url, got) = callback().await;
    g.sandbox.customer_message("PAGE", "PSID", "Ana", "hi", T0);
    g.sandbox.set_callback("PAGE", Some(url)).unwrap();
    let (_, a) = g.send("PAGE", TOKEN, json!({"recipient": {"id": "PSID"}, "messaging_type": "RESPONSE", "message": {"text": "Hello", "metadata": "ticket-9"}})).await;
    assert_eq!(g.sandbox.pending(), 1);
    assert!(got.all().is_empty(), "nothing leaves before it is asked to");
    let d = g.sandbox.deliver_pending().await;
    assert_eq!((d.ok, d.failed), (1, 0));
    let (sig, body) = got.all().remove(0);
    assert!(verifies(SECRET, &body, &sig));
    let v: Value = serde_json::from_slice(&body).unwrap();
    let m = &v["entry"][0]["messaging"][0];
    assert_eq!(m["sender"]["id"], "PAGE");
    assert_eq!(m["recipient"]["id"], "PSID");
    assert_eq!(m["message"]["is_echo"], true);
    assert_eq!(m["message"]["app_id"], 555);
    assert_eq!(m["message"]["metadata"], "ticket-9");
    assert_eq!(m["message"]["text"], "Hello");
    assert_eq!(m["message"]["mid"], a["message_id"]);

    // Off: nothing is queued.
    g.sandbox.set_echoes("PAGE", false).unwrap();
    g.send("PAGE", TOKEN, json!({"recipient": {"id": "PSID"}, "messaging_type": "RESPONSE", "message": {"text": "quiet"}})).await;
    assert_eq!(g.sandbox.pending(), 0);

    // Background: delivered without being asked, waited for with a bound.
    g.sandbox.set_echoes("PAGE", true).unwrap();
    let worker = tokio::spawn(g.sandbox.clone().run_deliveries());
    g.send("PAGE", TOKEN, json!({"recipient": {"id": "PSID"}, "messaging_type": "RESPONSE", "message": {"text": "later"}})).await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while got.all().len() < 2 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the background echo never came"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    worker.abort();
    let last: Value = serde_json::from_slice(&got.all()[1].1).unwrap();
    assert_eq!(last["entry"][0]["messaging"][0]["message"]["text"], "later");
}

#[tokio::test]
async fn a_run_stops_at_its_count() {
    let g = Graph::spawn().await;
    let (url, got) = callback().await;
    g.sandbox.set_callback("PAGE", Some(url)).unwrap();
    let mut sim = Simulator::new(&g.sandbox, "PAGE", 3).unwrap();
    let mut seen = 0;
    let summary = sim
        .run(
            Pace {
                rate: 500.0,
                count: Some(7),
                duration: Some(Duration::from_secs(30)),
            },
            |_| seen += 1,
        )
        .await
        .unwrap();
    assert_eq!((summary.sent, summary.acknowledged, seen), (7, 7, 7));
    assert_eq!(got.all().len(), 7);
    g.sandbox.set_callback("PAGE", None).unwrap();
    assert!(
        sim.step().await.is_err(),
        "no callback is an error, not a panic"
    );
}
