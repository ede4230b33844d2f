//! Outgoing webhooks (signed, in order, retried, durable) and automation rules.

use std::sync::atomic::Ordering;

use axum::http::StatusCode;
use pronto_server::integrations::{MAX_ATTEMPTS, Outcome, deliver_next};
use serde_json::{Value, json};

use crate::support::{Client, Receiver, TestApp, api_channel, customer_says};

/// Subscribes `receiver` to `kinds`; returns the subscription's id.
async fn subscribe(admin: &Client, receiver: &Receiver, kinds: Value) -> i64 {
    let (status, body) = admin
        .post(
            "/api/v1/webhooks",
            json!({"url": receiver.url, "kinds": kinds}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    *receiver.secret.lock().unwrap() = body["signing_secret"].as_str().unwrap().to_owned();
    body["id"].as_i64().unwrap()
}

/// Steps the worker until nothing is due, leaving out skips.
async fn drain(app: &TestApp) -> Vec<Outcome> {
    let mut out = Vec::new();
    loop {
        match deliver_next(&app.state).await.unwrap() {
            Outcome::Idle => return out,
            Outcome::Skipped(..) => {}
            o => out.push(o),
        }
    }
}

#[tokio::test]
async fn a_subscription_gets_signed_events_in_order_after_retries() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let channel = api_channel(&admin, &Receiver::spawn(vec![]).await).await;
    let receiver = Receiver::spawn(vec![500, 503]).await;
    let sub = subscribe(&admin, &receiver, json!(["message.created"])).await;
    customer_says(&admin, channel, "c1", "m1", "first").await;
    customer_says(&admin, channel, "c1", "m2", "second").await;

    let outcomes = drain(&app).await;
    let [Outcome::Retrying(s, first, next)] = outcomes[..] else {
        panic!("{outcomes:?}")
    };
    assert_eq!(s, sub);
    // Not due yet: the second event waits behind the first.
    assert!(drain(&app).await.is_empty());
    let (_, listed) = admin.get("/api/v1/webhooks").await;
    assert_eq!(listed[0]["attempts"], 1);
    assert_eq!(listed[0]["state"], "active");
    assert!(
        listed[0]["last_error"].as_str().unwrap().contains("500"),
        "{listed}"
    );
    assert!(listed[0].get("secret").is_none() && listed[0].get("signing_secret").is_none());

    app.clock.store(next, Ordering::SeqCst);
    assert!(matches!(drain(&app).await[..], [Outcome::Retrying(..)]));
    app.advance(60_000_000);
    let outcomes = drain(&app).await;
    let [Outcome::Delivered(_, a), Outcome::Delivered(_, b)] = outcomes[..] else {
        panic!("{outcomes:?}")
    };
    assert_eq!(a, first);
    assert!(b > a);

    let seen = receiver.seen();
    assert_eq!(seen.len(), 4, "{seen:?}");
    assert!(seen.iter().all(|s| s.signature_ok), "{seen:?}");
    let answered: Vec<u16> = seen.iter().map(|s| s.answered).collect();
    assert_eq!(answered, vec![500, 503, 200, 200]);
    // Retries carry the same event and idempotency key.
    assert_eq!(seen[0].idempotency_key, seen[2].idempotency_key);
    assert_eq!(seen[0].body, seen[2].body);
    let texts: Vec<&str> = seen[2..]
        .iter()
        .map(|s| s.body["payload"]["message"]["text"].as_str().unwrap())
        .collect();
    assert_eq!(texts, vec!["first", "second"]);
    let body = &seen[3].body;
    assert_eq!(body["kind"], "message.created");
    assert_eq!(body["id"], b);
    assert!(body["at"].as_i64().is_some());
    let (_, listed) = admin.get("/api/v1/webhooks").await;
    assert_eq!(listed[0]["attempts"], 0);
    assert_eq!(listed[0]["last_error"], Value::Null);
}

#[tokio::test]
async fn an_event_is_not_lost_across_a_restart() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let channel = api_channel(&admin, &Receiver::spawn(vec![]).await).await;
    let receiver = Receiver::spawn(vec![503]).await;
    subscribe(&admin, &receiver, json!(["message.created"])).await;
    customer_says(&admin, channel, "c1", "m1", "hello").await;
    assert!(matches!(drain(&app).await[..], [Outcome::Retrying(..)]));

    let url = app.db_url.clone();
    let db = app.stop().await;
    let app2 = TestApp::start(url, db, false).await;
    app2.advance(60_000_000);
    assert!(matches!(drain(&app2).await[..], [Outcome::Delivered(..)]));
    let seen = receiver.seen();
    assert_eq!(seen.len(), 2);
    assert_eq!(seen[1].body["payload"]["message"]["text"], "hello");
    assert!(seen[1].signature_ok);
    assert_eq!(seen[0].idempotency_key, seen[1].idempotency_key);
}

#[tokio::test]
async fn a_subscription_that_keeps_failing_says_why() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let channel = api_channel(&admin, &Receiver::spawn(vec![]).await).await;
    let receiver = Receiver::spawn(vec![500; 20]).await;
    subscribe(&admin, &receiver, json!(["message.created"])).await;
    customer_says(&admin, channel, "c1", "m1", "hello").await;
    let mut last = Vec::new();
    for _ in 0..MAX_ATTEMPTS {
        last = drain(&app).await;
        app.advance(3_600_000_000);
    }
    assert!(matches!(last[..], [Outcome::Failing(..)]), "{last:?}");
    assert!(drain(&app).await.is_empty());
    assert_eq!(receiver.seen().len() as i64, MAX_ATTEMPTS);
    let (_, listed) = admin.get("/api/v1/webhooks").await;
    assert_eq!(listed[0]["state"], "failing");
    let why = listed[0]["last_error"].as_str().unwrap();
    assert!(
        why.contains(&format!("failed {MAX_ATTEMPTS} times")) && why.contains("500"),
        "{why}"
    );

    // The settings say so, with the reason and a button to deliver again.
    let id = listed[0]["id"].as_i64().unwrap();
    let page = admin
        .request(reqwest::Method::GET, "/ui/settings/webhooks")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    for expected in [
        "Stopped after repeated failures",
        &format!("{MAX_ATTEMPTS} failed attempts at the next event"),
        "Last error: event",
        &format!("data-path=\"/webhooks/{id}/retry\""),
        "message.created",
    ] {
        assert!(page.contains(expected), "{expected:?}:\n{page}");
    }
    // Delivered again, from the same event: one more request, and it counts anew.
    let (status, sub) = admin
        .post(&format!("/api/v1/webhooks/{id}/retry"), json!({}))
        .await;
    assert_eq!(status, StatusCode::OK, "{sub}");
    assert_eq!(
        (sub["state"].as_str(), sub["attempts"].as_i64()),
        (Some("active"), Some(0))
    );
    assert!(matches!(drain(&app).await[..], [Outcome::Retrying(..)]));
    assert_eq!(receiver.seen().len() as i64, MAX_ATTEMPTS + 1);
    let (_, listed) = admin.get("/api/v1/webhooks").await;
    assert_eq!(
        (listed[0]["state"].as_str(), listed[0]["attempts"].as_i64()),
        (Some("active"), Some(1))
    );
    // Another workspace's id, or none, is not found.
    let (status, _) = admin.post("/api/v1/webhooks/999999/retry", json!({})).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn bad_subscriptions_are_refused() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    for (body, message) in [
        (
            json!({"url": "ftp://x", "kinds": ["message.created"]}),
            "url must be an http:// or https:// URL",
        ),
        (
            json!({"url": "https://x.test", "kinds": []}),
            "kinds: name at least one event kind",
        ),
    ] {
        let (status, answer) = admin.post("/api/v1/webhooks", body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST);
        assert_eq!(answer["message"], message);
    }
    let (status, answer) = admin
        .post(
            "/api/v1/webhooks",
            json!({"url": "https://x.test", "kinds": ["message.gone"]}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        answer["message"]
            .as_str()
            .unwrap()
            .starts_with("kinds: unknown event kind \"message.gone\"")
    );
    let (status, _) = admin.delete("/api/v1/webhooks/999").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

async fn add_rule(admin: &Client, rule: Value) -> i64 {
    let (status, body) = admin.post("/api/v1/rules", rule).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["id"].as_i64().unwrap()
}

#[tokio::test]
async fn a_label_rule_fires_on_a_matching_customer_message() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let channel = api_channel(&admin, &Receiver::spawn(vec![]).await).await;
    let (_, saved) = admin
        .post("/api/v1/saved-replies", json!({"name": "Refunds", "shortcut": "refund", "text": "Hi {first_name}, we are on it."}))
        .await;
    let id = add_rule(
        &admin,
        json!({"name": "Refunds", "when": {"type": "customer_message"},
               "if": [{"type": "text_matches", "pattern": "(?i)\\brefund"}],
               "then": [{"type": "label", "label": "billing"},
                        {"type": "send_saved_reply", "id": saved["id"]}]}),
    )
    .await;
    let (_, rules) = admin.get("/api/v1/rules").await;
    assert_eq!(rules[0]["id"], id);
    assert_eq!(rules[0]["then"][0]["label"], "billing");

    let (_, m) = customer_says(&admin, channel, "c1", "m1", "I want a Refund").await;
    let conversation = m["conversation_id"].as_i64().unwrap();
    let (_, c) = admin
        .get(&format!("/api/v1/conversations/{conversation}"))
        .await;
    assert_eq!(c["conversation"]["labels"], json!(["billing"]), "{c}");
    let reply = &c["messages"][1];
    assert_eq!(reply["author"], "automation", "{c}");
    assert_eq!(reply["text"], "Hi Marie, we are on it.");
    assert_eq!(reply["status"], "queued");

    let (_, m) = customer_says(&admin, channel, "c2", "m2", "hello").await;
    let (_, c) = admin
        .get(&format!("/api/v1/conversations/{}", m["conversation_id"]))
        .await;
    assert_eq!(c["conversation"]["labels"], json!([]), "{c}");
}

#[tokio::test]
async fn an_invalid_rule_is_refused_with_the_reason() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let (status, body) = admin
        .post("/api/v1/rules", json!({"name": "x", "when": {"type": "customer_message"}, "then": [{"type": "move", "folder": "trash"}]}))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["code"], "invalid_request");
    assert_eq!(
        body["message"],
        "then[0].folder: unknown folder \"trash\"; use inbox, done or spam"
    );
    let (status, body) = admin
        .post(
            "/api/v1/rules",
            json!({"name": "x", "when": {"type": "sometimes"}, "then": []}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .starts_with("not a rule: "),
        "{body}"
    );
    let id = add_rule(&admin, json!({"name": "x", "when": {"type": "customer_message"}, "then": [{"type": "label", "label": "a"}]})).await;
    let (status, body) = admin
        .put(&format!("/api/v1/rules/{id}"), json!({"name": "x", "when": {"type": "no_reply_for", "minutes": 0}, "then": [{"type": "label", "label": "a"}]}))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["message"], "when.minutes: must be 1 to 10080 (a week)");
    let (status, _) = admin.delete(&format!("/api/v1/rules/{id}")).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, rules) = admin.get("/api/v1/rules").await;
    assert_eq!(rules, json!([]));
}

#[tokio::test]
async fn rules_that_move_a_conversation_back_and_forth_stop() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let channel = api_channel(&admin, &Receiver::spawn(vec![]).await).await;
    add_rule(&admin, json!({"name": "close", "when": {"type": "customer_message"}, "then": [{"type": "move", "folder": "done"}]})).await;
    add_rule(&admin, json!({"name": "reopen", "when": {"type": "conversation_moved"}, "then": [{"type": "move", "folder": "inbox"}]})).await;
    let before = app.state.store.latest_event(1).await.unwrap();
    let (_, m) = customer_says(&admin, channel, "c1", "m1", "hi").await;
    let (_, c) = admin
        .get(&format!("/api/v1/conversations/{}", m["conversation_id"]))
        .await;
    assert_eq!(c["conversation"]["folder"], "inbox", "{c}");
    let moves = app
        .state
        .store
        .events_after(1, before, 100)
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.kind() == "conversation.moved")
        .count();
    // "close" once, "reopen" once; "reopen"'s own move does not set it off again.
    assert_eq!(moves, 2);
}

#[tokio::test]
async fn only_admins_manage_webhooks_and_rules() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let (_, tok) = admin
        .post("/api/v1/tokens", json!({"name": "zapier", "role": "agent"}))
        .await;
    let agent = admin.with_token(tok["secret"].as_str().unwrap());
    for (status, body) in [
        agent.get("/api/v1/webhooks").await,
        agent
            .post("/api/v1/webhooks", json!({"url": "https://x.test", "kinds": ["message.created"]}))
            .await,
        agent.get("/api/v1/rules").await,
        agent
            .post("/api/v1/rules", json!({"name": "x", "when": {"type": "customer_message"}, "then": [{"type": "label", "label": "a"}]}))
            .await,
    ] {
        assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    }
}

#[tokio::test]
async fn the_background_worker_delivers_events() {
    let db = pronto_store::testing::sqlite().await;
    let url = db.url.clone();
    let app = TestApp::start(url, Some(db), true).await;
    let admin = app.admin().await;
    let channel = api_channel(&admin, &Receiver::spawn(vec![]).await).await;
    let receiver = Receiver::spawn(vec![]).await;
    subscribe(&admin, &receiver, json!(["message.created"])).await;
    customer_says(&admin, channel, "c1", "m1", "hello").await;
    for _ in 0..100 {
        if !receiver.seen().is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let seen = receiver.seen();
    assert_eq!(seen.len(), 1, "the worker spawned by serve_with delivers");
    assert!(seen[0].signature_ok);
}

#[tokio::test]
async fn a_rule_can_ask_whether_the_channel_is_within_its_hours() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let channel = api_channel(&admin, &Receiver::spawn(vec![]).await).await;
    let (status, body) = admin
        .put(
            &format!("/api/v1/channels/{channel}/automation"),
            json!({"hours": {"timezone": "Europe/Paris", "weekly": {
                "monday": ["09:00-18:00"], "tuesday": ["09:00-18:00"], "wednesday": ["09:00-18:00"],
                "thursday": ["09:00-18:00"], "friday": ["09:00-18:00"]}}}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    add_rule(
        &admin,
        json!({"name": "After hours", "when": {"type": "customer_message"},
               "if": [{"type": "within_business_hours", "open": false}],
               "then": [{"type": "label", "label": "after-hours"}]}),
    )
    .await;
    let labels = |m: Value| {
        let admin = admin.clone();
        async move {
            let (_, c) = admin
                .get(&format!("/api/v1/conversations/{}", m["conversation_id"]))
                .await;
            c["conversation"]["labels"].clone()
        }
    };
    // T0 is Sunday 2026-03-01, 10:00 in Paris: closed.
    let (_, m) = customer_says(&admin, channel, "c1", "m1", "hello?").await;
    assert_eq!(labels(m).await, json!(["after-hours"]));
    // Monday 10:00 in Paris: open.
    app.advance(24 * 60 * crate::support::MIN);
    let (_, m) = customer_says(&admin, channel, "c2", "m2", "hello?").await;
    assert_eq!(labels(m).await, json!([]));
}

#[tokio::test]
async fn opening_rules_set_priority_notify_and_call_a_url_once_per_conversation() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let channel = api_channel(&admin, &Receiver::spawn(vec![]).await).await;
    let hook = Receiver::spawn(vec![]).await;
    let (_, me) = admin.get("/api/v1/me").await;
    let user = me["user"]["id"].as_i64().or(me["id"].as_i64()).unwrap();
    add_rule(
        &admin,
        json!({"name": "New ones", "when": {"type": "conversation_opened"}, "if": [],
               "then": [{"type": "set_priority", "priority": 5},
                        {"type": "notify", "user": user},
                        {"type": "call_webhook", "url": hook.url}]}),
    )
    .await;
    let (_, m) = customer_says(&admin, channel, "c1", "m1", "hello").await;
    customer_says(&admin, channel, "c1", "m2", "anyone?").await;
    let conversation = m["conversation_id"].as_i64().unwrap();
    let (_, c) = admin
        .get(&format!("/api/v1/conversations/{conversation}"))
        .await;
    assert_eq!(c["conversation"]["priority"], 5, "{c}");
    let events = app.state.store.events_after(1, 0, 500).await.unwrap();
    let notified: Vec<_> = events
        .iter()
        .filter(|e| e.kind() == "agent.notified")
        .collect();
    assert_eq!(
        notified.len(),
        1,
        "the second message does not open it again"
    );
    assert_eq!(notified[0].payload()["user_id"], user);
    // The URL is called in the background: wait for it, bounded.
    for _ in 0..200 {
        if !hook.seen().is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    let seen = hook.seen();
    assert_eq!(seen.len(), 1);
    assert_eq!(seen[0].body["conversation_id"], conversation);
    assert_eq!(seen[0].body["message"]["text"], "hello");
}

#[tokio::test]
async fn a_no_reply_rule_fires_once_per_wait() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let channel = api_channel(&admin, &Receiver::spawn(vec![]).await).await;
    add_rule(
        &admin,
        json!({"name": "Slow", "when": {"type": "no_reply_for", "minutes": 10}, "if": [],
               "then": [{"type": "label", "label": "slow"}, {"type": "set_priority", "priority": 3}]}),
    )
    .await;
    let (_, m) = customer_says(&admin, channel, "c1", "m1", "hello").await;
    let conversation = m["conversation_id"].as_i64().unwrap();
    let labels = || async {
        let (_, c) = admin
            .get(&format!("/api/v1/conversations/{conversation}"))
            .await;
        (
            c["conversation"]["labels"].clone(),
            c["conversation"]["priority"].clone(),
        )
    };
    let min = crate::support::MIN;
    app.advance(9 * min);
    assert_eq!(
        pronto_server::rules::timer_step(&app.state).await.unwrap(),
        0
    );
    assert_eq!(labels().await, (json!([]), json!(0)));
    app.advance(min);
    assert_eq!(
        pronto_server::rules::timer_step(&app.state).await.unwrap(),
        1
    );
    assert_eq!(labels().await, (json!(["slow"]), json!(3)));
    app.advance(30 * min);
    assert_eq!(
        pronto_server::rules::timer_step(&app.state).await.unwrap(),
        0,
        "once per wait"
    );
    // Answered, then a new wait: the rule may fire again for it.
    admin
        .post(
            &format!("/api/v1/conversations/{conversation}/labels"),
            json!({"remove": ["slow"]}),
        )
        .await;
    admin
        .post(
            &format!("/api/v1/conversations/{conversation}/messages"),
            json!({"text": "sorry for the wait"}),
        )
        .await;
    app.advance(min);
    customer_says(&admin, channel, "c1", "m2", "thanks, and?").await;
    app.advance(5 * min);
    assert_eq!(
        pronto_server::rules::timer_step(&app.state).await.unwrap(),
        0
    );
    app.advance(5 * min);
    assert_eq!(
        pronto_server::rules::timer_step(&app.state).await.unwrap(),
        1
    );
    assert_eq!(labels().await.0, json!(["slow"]));
}

#[tokio::test]
async fn a_badge_at_risk_rule_fires_when_a_pending_message_nears_its_deadline() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let channel = api_channel(&admin, &Receiver::spawn(vec![]).await).await;
    add_rule(
        &admin,
        json!({"name": "Hurry", "when": {"type": "badge_at_risk"}, "if": [],
               "then": [{"type": "label", "label": "hurry"}]}),
    )
    .await;
    let (_, m) = customer_says(&admin, channel, "c1", "m1", "hello").await;
    let conversation = m["conversation_id"].as_i64().unwrap();
    let (_, r) = admin
        .get(&format!(
            "/api/v1/channels/{channel}/responsiveness?forecast=true"
        ))
        .await;
    assert_eq!(
        r["forecast"]["at_risk"][0]["deadline"], "2026-03-01T09:15:00Z",
        "a reply within 15 minutes wins the badge: {r}"
    );
    let min = crate::support::MIN;
    // 15-minute target: more than 5 minutes left until 10 minutes have passed.
    app.advance(9 * min);
    assert_eq!(
        pronto_server::rules::timer_step(&app.state).await.unwrap(),
        0
    );
    app.advance(min);
    assert_eq!(
        pronto_server::rules::timer_step(&app.state).await.unwrap(),
        1
    );
    assert_eq!(
        pronto_server::rules::timer_step(&app.state).await.unwrap(),
        0
    );
    let (_, c) = admin
        .get(&format!("/api/v1/conversations/{conversation}"))
        .await;
    assert_eq!(c["conversation"]["labels"], json!(["hurry"]));
}

/// `notify_team` tells the team: every active member whose routing labels
/// include it (case ignored), and no one else.
#[tokio::test]
async fn a_rule_notifies_the_team_that_handles_a_label() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let channel = api_channel(&admin, &Receiver::spawn(vec![]).await).await;
    let mut ids = Vec::new();
    for (name, labels) in [
        ("Ana", json!(["Billing", "vip"])),
        ("Bo", json!(["billing"])),
        ("Cy", json!(["shipping"])),
    ] {
        let (status, body) = admin
            .post(
                "/api/v1/users",
                json!({"email": format!("{name}@acme.test"), "name": name, "role": "agent",
                       "password": "correct horse battery"}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        let id = body["id"].as_i64().unwrap();
        let (status, body) = admin
            .put(
                &format!("/api/v1/users/{id}/routing"),
                json!({"capacity": 5, "languages": [], "labels": labels}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        ids.push(id);
    }
    let (status, body) = admin
        .post(
            "/api/v1/rules",
            json!({"name": "Billing", "when": {"type": "customer_message"}, "if": [],
                   "then": [{"type": "notify_team", "label": " "}]}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    add_rule(
        &admin,
        json!({"name": "Billing", "when": {"type": "customer_message"},
               "if": [{"type": "text_contains", "text": "invoice"}],
               "then": [{"type": "notify_team", "label": "billing"}]}),
    )
    .await;
    customer_says(&admin, channel, "c1", "m1", "Where is my invoice?").await;
    let events = app.state.store.events_after(1, 0, 500).await.unwrap();
    let mut told: Vec<i64> = events
        .iter()
        .filter(|e| e.kind() == "agent.notified")
        .map(|e| e.payload()["user_id"].as_i64().unwrap())
        .collect();
    told.sort_unstable();
    assert_eq!(told, [ids[0], ids[1]]);
}
