//! Routing: the dispatcher hands waiting conversations to available agents as each
//! channel's mode says, one step at a time, on the injected clock.

use std::collections::HashMap;

use pronto_server::routing::{Outcome, dispatch_step};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::support::{Client, Receiver, TestApp, api_channel, customer_says};

const SECOND: i64 = 1_000_000;

/// A workspace with an api channel routed by `mode`; the admin takes nothing
/// (capacity 0), so only the agents a test adds count.
pub(crate) async fn setup(app: &TestApp, routing: Value) -> (Client, i64, Receiver) {
    let admin = app.admin().await;
    let receiver = Receiver::spawn(vec![]).await;
    let channel = api_channel(&admin, &receiver).await;
    let (status, body) = admin
        .put(&format!("/api/v1/channels/{channel}/routing"), routing)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, me) = admin.get("/api/v1/me").await;
    let admin_id = me["id"].as_i64().or(me["user"]["id"].as_i64()).unwrap();
    set_profile(&admin, admin_id, json!({"capacity": 0})).await;
    (admin, channel, receiver)
}

async fn set_profile(admin: &Client, user: i64, profile: Value) {
    let (status, body) = admin
        .put(&format!("/api/v1/users/{user}/routing"), profile)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

/// An agent created by the admin, with `profile`, signed in; returns (id, client).
pub(crate) async fn agent(
    app: &TestApp,
    admin: &Client,
    name: &str,
    profile: Value,
) -> (i64, Client) {
    let email = format!("{}@acme.test", name.to_lowercase());
    let (status, body) = admin
        .post(
            "/api/v1/users",
            json!({"email": email, "name": name, "role": "agent", "password": "correct horse battery"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    let id = body["id"].as_i64().unwrap();
    set_profile(admin, id, profile).await;
    (id, app.login(&email, "correct horse battery").await)
}

/// A new conversation from contact `who`, a second after the previous one; returns
/// (conversation, contact).
pub(crate) async fn arrives(app: &TestApp, admin: &Client, channel: i64, who: &str) -> (i64, i64) {
    app.advance(SECOND);
    let (status, message) = customer_says(admin, channel, who, &format!("m-{who}"), "hi").await;
    assert!(status.is_success(), "{message}");
    let id = message["conversation_id"].as_i64().unwrap();
    let (_, detail) = admin.get(&format!("/api/v1/conversations/{id}")).await;
    let contact = detail["conversation"]["contact_id"]
        .as_i64()
        .or(detail["contact_id"].as_i64())
        .or(detail["contact"]["id"].as_i64())
        .unwrap();
    (id, contact)
}

async fn assignee(admin: &Client, conversation: i64) -> Option<i64> {
    let (_, detail) = admin
        .get(&format!("/api/v1/conversations/{conversation}"))
        .await;
    let c = if detail["conversation"].is_object() {
        &detail["conversation"]
    } else {
        &detail
    };
    c["assignee_id"].as_i64()
}

pub(crate) async fn step(app: &TestApp) -> Outcome {
    dispatch_step(&app.state).await.expect("a dispatch step")
}

#[tokio::test]
async fn round_robin_spreads_new_conversations_evenly() {
    let app = TestApp::spawn().await;
    let (admin, channel, _r) = setup(&app, json!({"mode": "round_robin"})).await;
    let mut agents = Vec::new();
    for name in ["Ana", "Bo", "Cy"] {
        agents.push(agent(&app, &admin, name, json!({"capacity": 10})).await.0);
    }
    let mut conversations = Vec::new();
    for i in 0..9 {
        conversations.push(arrives(&app, &admin, channel, &format!("c{i}")).await.0);
        // One step per arrival: the turn must carry over between steps.
        assert_eq!(step(&app).await.assigned, 1);
    }
    let first = conversations[0];
    let mut count: HashMap<i64, usize> = HashMap::new();
    for c in conversations {
        *count.entry(assignee(&admin, c).await.unwrap()).or_default() += 1;
    }
    assert_eq!(
        agents.iter().map(|a| count[a]).collect::<Vec<_>>(),
        [3, 3, 3]
    );
    let (_, log) = admin
        .get(&format!("/api/v1/conversations/{first}/assignments"))
        .await;
    assert_eq!(log[0]["reason_code"], "round_robin", "{log}");
}

#[tokio::test]
async fn least_loaded_respects_capacity_and_assigns_when_capacity_frees() {
    let app = TestApp::spawn().await;
    let (admin, channel, _r) = setup(&app, json!({"mode": "least_loaded"})).await;
    let (ana, _) = agent(&app, &admin, "Ana", json!({"capacity": 1})).await;
    let (bo, _) = agent(&app, &admin, "Bo", json!({"capacity": 1})).await;
    let (c1, _) = arrives(&app, &admin, channel, "c1").await;
    let (c2, _) = arrives(&app, &admin, channel, "c2").await;
    let (c3, _) = arrives(&app, &admin, channel, "c3").await;

    assert_eq!(step(&app).await.assigned, 2);
    let first = assignee(&admin, c1).await.unwrap();
    let second = assignee(&admin, c2).await.unwrap();
    assert_eq!(
        [first.min(second), first.max(second)],
        [ana.min(bo), ana.max(bo)]
    );
    assert_eq!(
        assignee(&admin, c3).await,
        None,
        "both agents are at capacity"
    );
    assert_eq!(step(&app).await.assigned, 0);

    let (status, body) = admin
        .post(
            &format!("/api/v1/conversations/{c1}/move"),
            json!({"folder": "done"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(step(&app).await.assigned, 1);
    assert_eq!(assignee(&admin, c3).await, Some(first));
    let (_, log) = admin
        .get(&format!("/api/v1/conversations/{c3}/assignments"))
        .await;
    assert_eq!(log[0]["reason_code"], "least_loaded", "{log}");
    assert!(
        log[0]["reason"]
            .as_str()
            .unwrap()
            .ends_with(": least loaded (0 of 1 open)"),
        "{log}"
    );
}

#[tokio::test]
async fn a_french_contact_goes_to_the_french_speaker() {
    let app = TestApp::spawn().await;
    let (admin, channel, _r) = setup(&app, json!({"mode": "skills"})).await;
    agent(
        &app,
        &admin,
        "Bo",
        json!({"capacity": 5, "languages": ["en"]}),
    )
    .await;
    let (ana, _) = agent(
        &app,
        &admin,
        "Ana",
        json!({"capacity": 5, "languages": ["fr", "en"]}),
    )
    .await;
    let (c, contact) = arrives(&app, &admin, channel, "marie").await;
    let (status, body) = admin
        .put(
            &format!("/api/v1/contacts/{contact}/routing"),
            json!({"vip": false, "locale": "fr_FR"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");

    assert_eq!(step(&app).await.assigned, 1);
    assert_eq!(assignee(&admin, c).await, Some(ana));
    let (status, log) = admin
        .get(&format!("/api/v1/conversations/{c}/assignments"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(log[0]["agent_id"], ana);
    assert_eq!(log[0]["reason_code"], "skills");
    assert_eq!(
        log[0]["reason"],
        "assigned to Ana: least loaded (0 of 5 open), speaks French"
    );
}

/// No admin set the customer's locale: the language detected from their first
/// message routes them to the agent who speaks it.
#[tokio::test]
async fn an_italian_customer_goes_to_the_italian_speaker_by_the_detected_language() {
    let app = TestApp::spawn().await;
    let (admin, channel, _r) = setup(&app, json!({"mode": "skills"})).await;
    agent(
        &app,
        &admin,
        "Bo",
        json!({"capacity": 5, "languages": ["en", "fr"]}),
    )
    .await;
    let (gia, _) = agent(
        &app,
        &admin,
        "Gia",
        json!({"capacity": 5, "languages": ["it"]}),
    )
    .await;
    app.advance(SECOND);
    let (status, m) = customer_says(
        &admin,
        channel,
        "giulia",
        "m-giulia",
        "Buongiorno, spedite anche in Svizzera? Grazie",
    )
    .await;
    assert!(status.is_success(), "{m}");
    let c = m["conversation_id"].as_i64().unwrap();
    let (_, detail) = admin.get(&format!("/api/v1/conversations/{c}")).await;
    assert_eq!(detail["contact"]["language"], "it", "{detail}");
    assert_eq!(detail["contact"]["language_source"], "detected");

    assert_eq!(step(&app).await.assigned, 1);
    assert_eq!(assignee(&admin, c).await, Some(gia));
    let (_, log) = admin
        .get(&format!("/api/v1/conversations/{c}/assignments"))
        .await;
    assert_eq!(
        log[0]["reason"],
        "assigned to Gia: least loaded (0 of 5 open), speaks Italian"
    );
}

#[tokio::test]
async fn vip_conversations_go_first() {
    let app = TestApp::spawn().await;
    let (admin, channel, _r) = setup(&app, json!({"mode": "least_loaded"})).await;
    let (ana, _) = agent(&app, &admin, "Ana", json!({"capacity": 1})).await;
    let (older, _) = arrives(&app, &admin, channel, "regular").await;
    let (vip, contact) = arrives(&app, &admin, channel, "vip").await;
    let (status, body) = admin
        .put(
            &format!("/api/v1/contacts/{contact}/routing"),
            json!({"vip": true}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");

    assert_eq!(step(&app).await.assigned, 1);
    assert_eq!(assignee(&admin, vip).await, Some(ana));
    assert_eq!(assignee(&admin, older).await, None);
}

#[tokio::test]
async fn an_away_agent_gets_nothing_and_hands_back_waiting_conversations() {
    let app = TestApp::spawn().await;
    let (admin, channel, _r) = setup(
        &app,
        json!({"mode": "least_loaded", "reassign_on_away": true}),
    )
    .await;
    let (ana, ana_client) = agent(&app, &admin, "Ana", json!({"capacity": 5})).await;
    let (c1, _) = arrives(&app, &admin, channel, "c1").await;
    let (c2, _) = arrives(&app, &admin, channel, "c2").await;
    assert_eq!(step(&app).await.assigned, 2);
    assert_eq!(assignee(&admin, c1).await, Some(ana));

    // Bo is away from the start: he gets nothing.
    let (bo, bo_client) = agent(&app, &admin, "Bo", json!({"capacity": 5})).await;
    let (status, _) = bo_client
        .put("/api/v1/me/away", json!({"away": true}))
        .await;
    assert_eq!(status, StatusCode::OK);
    let (c3, _) = arrives(&app, &admin, channel, "c3").await;
    step(&app).await;
    assert_eq!(assignee(&admin, c3).await, Some(ana));

    // Ana goes away; Bo comes back: her waiting conversations move to him.
    let (status, body) = ana_client
        .put("/api/v1/me/away", json!({"away": true}))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["handed_back"], json!([c1, c2, c3]));
    assert_eq!(step(&app).await.assigned, 0, "no one is available");
    bo_client
        .put("/api/v1/me/away", json!({"away": false}))
        .await;
    assert_eq!(step(&app).await.assigned, 3);
    for c in [c1, c2, c3] {
        assert_eq!(assignee(&admin, c).await, Some(bo));
    }
    let (_, log) = admin
        .get(&format!("/api/v1/conversations/{c1}/assignments"))
        .await;
    let actions: Vec<_> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["reason_code"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(actions, ["least_loaded", "agent_away", "least_loaded"]);
}

#[tokio::test]
async fn without_reassign_on_away_conversations_stay() {
    let app = TestApp::spawn().await;
    let (admin, channel, _r) = setup(&app, json!({"mode": "least_loaded"})).await;
    let (ana, ana_client) = agent(&app, &admin, "Ana", json!({"capacity": 5})).await;
    let (c1, _) = arrives(&app, &admin, channel, "c1").await;
    step(&app).await;
    let (_, body) = ana_client
        .put("/api/v1/me/away", json!({"away": true}))
        .await;
    assert_eq!(body["handed_back"], json!([]));
    assert_eq!(assignee(&admin, c1).await, Some(ana));
}

#[tokio::test]
async fn manual_mode_and_signed_out_agents_get_nothing() {
    let app = TestApp::spawn().await;
    let (admin, channel, _r) = setup(&app, json!({"mode": "manual"})).await;
    agent(&app, &admin, "Ana", json!({"capacity": 5})).await;
    let (c1, _) = arrives(&app, &admin, channel, "c1").await;
    assert_eq!(step(&app).await, Outcome::default());
    assert_eq!(assignee(&admin, c1).await, None);

    // Routed, but Ana's session has expired: she is not signed in.
    admin
        .put(
            &format!("/api/v1/channels/{channel}/routing"),
            json!({"mode": "round_robin"}),
        )
        .await;
    app.advance(400 * 24 * 3600 * SECOND);
    assert_eq!(step(&app).await.assigned, 0);
}

#[tokio::test]
async fn routing_settings_are_checked_and_for_admins() {
    let app = TestApp::spawn().await;
    let (admin, channel, _r) = setup(&app, json!({"mode": "skills", "fallback": true})).await;
    let (_, body) = admin
        .get(&format!("/api/v1/channels/{channel}/routing"))
        .await;
    assert_eq!(
        body,
        json!({"mode": "skills", "fallback": true, "reassign_on_away": false})
    );
    let (status, body) = admin
        .put(
            &format!("/api/v1/channels/{channel}/routing"),
            json!({"mode": "random"}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let (_, ana) = agent(&app, &admin, "Ana", json!({"capacity": 5})).await;
    let (status, _) = ana
        .put(
            &format!("/api/v1/channels/{channel}/routing"),
            json!({"mode": "manual"}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_server_dispatches_by_itself_when_workers_run() {
    let db = pronto_store::testing::sqlite().await;
    let url = db.url.clone();
    let app = TestApp::start(url, Some(db), true).await;
    let (admin, channel, _r) = setup(&app, json!({"mode": "least_loaded"})).await;
    let (ana, _) = agent(&app, &admin, "Ana", json!({"capacity": 5})).await;
    let (c1, _) = arrives(&app, &admin, channel, "c1").await;
    // Woken by the new message's event; polled here with a generous limit.
    for _ in 0..100 {
        if assignee(&admin, c1).await.is_some() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(assignee(&admin, c1).await, Some(ana));
}

/// An agent away "for an hour" gets nothing for that hour, then is back by
/// themselves (the team page says until when); a time in the past, or a time with
/// "back", is refused on its field.
#[tokio::test]
async fn an_away_for_an_hour_ends_by_itself() {
    let app = TestApp::spawn().await;
    let (admin, channel, _r) = setup(&app, json!({"mode": "least_loaded"})).await;
    let (ana, ana_client) = agent(&app, &admin, "Ana", json!({"capacity": 5})).await;
    let now = app.state.now();
    let in_an_hour = pronto_core::Timestamp::from_micros(now + 3_600 * SECOND).to_string();
    for body in [
        json!({"away": true, "until": pronto_core::Timestamp::from_micros(now - SECOND).to_string()}),
        json!({"away": false, "until": in_an_hour}),
        json!({"away": true, "until": "tomorrow"}),
    ] {
        let (status, answer) = ana_client.put("/api/v1/me/away", body.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}: {answer}");
        assert_eq!(answer["field"], "until", "{answer}");
    }
    let (status, body) = ana_client
        .put(
            "/api/v1/me/away",
            json!({"away": true, "until": in_an_hour}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["until"], in_an_hour);
    let (_, me) = ana_client.get("/api/v1/me").await;
    assert_eq!(me["user"]["away"], true, "{me}");
    assert_eq!(me["user"]["away_until"], now + 3_600 * SECOND, "{me}");
    let (_, page) = admin.get("/team").await;
    assert!(
        page.as_str().unwrap().contains("Away until"),
        "the team page says until when"
    );

    let (c1, _) = arrives(&app, &admin, channel, "c1").await;
    assert_eq!(step(&app).await.assigned, 0, "Ana is away");
    app.advance(3_600 * SECOND);
    // Routing sees the hour is over even before the worker clears the flag.
    assert_eq!(step(&app).await.assigned, 1);
    assert_eq!(assignee(&admin, c1).await, Some(ana));
    assert_eq!(
        app.state
            .store
            .end_aways(app.state.now())
            .await
            .unwrap()
            .len(),
        1
    );
    let (_, me) = ana_client.get("/api/v1/me").await;
    assert_eq!(me["user"]["away"], false, "{me}");
    assert_eq!(me["user"]["away_until"], serde_json::Value::Null, "{me}");
}
