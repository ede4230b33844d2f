//! Alerts: who an event concerns is told, as their preferences allow (what, how
//! much of the message, quiet hours), by the worker, once.

use std::sync::atomic::Ordering;

use axum::http::StatusCode;
use pronto_core::time::Timestamp;
use pronto_store::LiveEvent;
use serde_json::{Value, json};

use crate::support::{Client, Receiver, TestApp, api_channel, customer_says};

fn at(text: &str) -> i64 {
    Timestamp::parse(text).unwrap().micros()
}

/// Runs the worker until it has read everything; returns the alerts it wrote, as
/// (user, conversation, reason, name, text).
async fn alerts(
    app: &TestApp,
    ws: i64,
    after: &mut i64,
) -> Vec<(i64, i64, String, Option<String>, Option<String>)> {
    while pronto_server::alerts::step(&app.state).await.unwrap() {}
    let events = app
        .state
        .store
        .events_after(ws, *after, 10_000)
        .await
        .unwrap();
    if let Some(last) = events.last() {
        *after = last.seq;
    }
    events
        .into_iter()
        .filter_map(|e| match e.event {
            LiveEvent::AlertCreated {
                user_id,
                conversation_id,
                reason,
                name,
                text,
                ..
            } => Some((user_id, conversation_id, reason, name, text)),
            _ => None,
        })
        .collect()
}

async fn put_prefs(client: &Client, prefs: Value) {
    let (status, body) = client.put("/api/v1/me/alerts", prefs).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

/// A workspace of two, at 2026-12-07T09:00:00Z (10:00 in Paris, a Monday): its
/// admin Ada and the agent Bo, signed in; (admin, Ada's id, Bo, Bo's id, workspace).
async fn ada_and_bo(app: &TestApp) -> (Client, i64, Client, i64, i64) {
    app.clock
        .store(at("2026-12-07T09:00:00Z"), Ordering::SeqCst);
    let admin = app.admin().await;
    let (_, me) = admin.get("/api/v1/me").await;
    let ada = me["user"]["id"].as_i64().unwrap();
    let ws = me["workspace_id"].as_i64().unwrap();
    let (status, bo) = admin
        .post(
            "/api/v1/users",
            json!({"email": "bo@acme.test", "name": "Bo", "role": "agent", "password": "long enough pw"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let bo_id = bo["id"].as_i64().unwrap();
    let bo = app.login("bo@acme.test", "long enough pw").await;
    (admin, ada, bo, bo_id, ws)
}

#[tokio::test]
async fn people_are_told_what_concerns_them_as_they_prefer() {
    let app = TestApp::spawn().await;
    let (admin, ada, bo, bo_id, ws) = ada_and_bo(&app).await;
    let receiver = Receiver::spawn(vec![]).await;
    let channel = api_channel(&admin, &receiver).await;
    // History before the worker first looks is nobody's news.
    customer_says(&admin, channel, "old", "m0", "an old message").await;
    let mut after = app.state.store.latest_event(ws).await.unwrap();
    assert!(alerts(&app, ws, &mut after).await.is_empty());

    // The defaults: everything, with the message.
    let (status, prefs) = bo.get("/api/v1/me/alerts").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(prefs["preview"], "message");
    assert_eq!(prefs["quiet_hours"], Value::Null);

    // A new conversation nobody has: everyone is told, with the first words.
    let (_, m) = customer_says(
        &admin,
        channel,
        "c1",
        "m1",
        "Hello, is the shop open today?",
    )
    .await;
    let conv = m["conversation_id"].as_i64().unwrap();
    let mut told = alerts(&app, ws, &mut after).await;
    told.sort();
    let name = Some("Marie c1".to_owned());
    let text = Some("Hello, is the shop open today?".to_owned());
    assert_eq!(
        told,
        [
            (
                ada,
                conv,
                "new_conversation".into(),
                name.clone(),
                text.clone()
            ),
            (
                bo_id,
                conv,
                "new_conversation".into(),
                name.clone(),
                text.clone()
            ),
        ]
    );
    // Looked at once: nothing more on another step.
    assert!(alerts(&app, ws, &mut after).await.is_empty());

    // Bo: names only, and no customer messages. Assigned to Bo: told, without text.
    put_prefs(&bo, json!({"preview": "name", "customer_message": false})).await;
    let (status, _) = admin
        .post(
            &format!("/api/v1/conversations/{conv}/assign"),
            json!({"user_id": bo_id}),
        )
        .await;
    assert!(status.is_success());
    assert_eq!(
        alerts(&app, ws, &mut after).await,
        [(bo_id, conv, "assigned".into(), name.clone(), None)]
    );
    // The customer writes again in Bo's conversation: Bo turned that off; Ada is
    // not concerned (it is not new, and not hers).
    customer_says(&admin, channel, "c1", "m2", "Anyone?").await;
    assert!(alerts(&app, ws, &mut after).await.is_empty());
    put_prefs(&bo, json!({"preview": "nothing"})).await;
    customer_says(&admin, channel, "c1", "m3", "My card number is 1234").await;
    assert_eq!(
        alerts(&app, ws, &mut after).await,
        [(bo_id, conv, "customer_message".into(), None, None)],
        "nothing of the message when the preference says nothing"
    );

    // A rule that notifies Ada, who has quiet hours from 09:00 to 11:00 in Paris.
    let (status, body) = admin
        .post(
            "/api/v1/rules",
            json!({"name": "Tell Ada", "when": {"type": "customer_message"},
                "if": [{"type": "text_contains", "text": "refund"}],
                "then": [{"type": "notify", "user": ada}]}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    put_prefs(
        &admin,
        json!({"quiet_hours": {"timezone": "Europe/Paris", "from": "09:00", "to": "11:00"}}),
    )
    .await;
    customer_says(&admin, channel, "c1", "m4", "I want a refund").await;
    let told = alerts(&app, ws, &mut after).await;
    assert!(told.iter().all(|a| a.0 != ada), "quiet: {told:?}");
    // 11:30 in Paris: told again.
    app.clock
        .store(at("2026-12-07T10:30:00Z"), Ordering::SeqCst);
    customer_says(&admin, channel, "c1", "m5", "refund please").await;
    let told = alerts(&app, ws, &mut after).await;
    assert!(
        told.contains(&(ada, conv, "rule_notify".into(), name.clone(), None)),
        "{told:?}"
    );

    // Bad quiet hours name their field; an API token has no preferences.
    let (status, error) = bo
        .put(
            "/api/v1/me/alerts",
            json!({"quiet_hours": {"timezone": "UTC", "from": "10pm", "to": "07:00"}}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error["field"], "quiet_hours.from");
    let (_, token) = admin.post("/api/v1/tokens", json!({"name": "t"})).await;
    let program = admin.with_token(token["secret"].as_str().unwrap());
    assert_eq!(
        program.get("/api/v1/me/alerts").await.0,
        StatusCode::FORBIDDEN
    );
}

/// A customer's message the badge needs answered within 5 minutes is flagged
/// once; its conversation's assignee is told, else everyone available, unless
/// their preferences say no.
#[tokio::test]
async fn a_message_about_to_cost_the_badge_is_flagged_once_and_told() {
    let app = TestApp::spawn().await;
    let (admin, ada, bo, bo_id, ws) = ada_and_bo(&app).await;
    let receiver = Receiver::spawn(vec![]).await;
    let channel = api_channel(&admin, &receiver).await;
    let (_, m) = customer_says(&admin, channel, "lia", "m1", "Where is my parcel?").await;
    let conversation = m["conversation_id"].as_i64().unwrap();
    // The worker's first look starts its reading here (history is nobody's news).
    let mut after = app.state.store.latest_event(ws).await.unwrap();
    assert!(alerts(&app, ws, &mut after).await.is_empty());

    // Nine minutes in, six are left: not yet at risk.
    app.advance(9 * 60_000_000);
    assert_eq!(
        pronto_server::at_risk::flag_step(&app.state).await.unwrap(),
        0
    );
    // Eleven minutes in, four are left: both are told, once.
    app.advance(2 * 60_000_000);
    assert_eq!(
        pronto_server::at_risk::flag_step(&app.state).await.unwrap(),
        1
    );
    assert_eq!(
        pronto_server::at_risk::flag_step(&app.state).await.unwrap(),
        0
    );
    let mut told = alerts(&app, ws, &mut after).await;
    told.sort();
    let text = Some("Where is my parcel?".to_owned());
    let name = Some("Marie lia".to_owned());
    assert_eq!(
        told,
        vec![
            (
                ada,
                conversation,
                "at_risk".into(),
                name.clone(),
                text.clone()
            ),
            (
                bo_id,
                conversation,
                "at_risk".into(),
                name.clone(),
                text.clone()
            ),
        ]
    );

    // Another customer's conversation, assigned to Bo, who does not want these
    // alerts: nobody is told (Ada is not its assignee).
    put_prefs(&bo, json!({"at_risk": false})).await;
    let (status, body) = admin
        .post(
            &format!("/api/v1/conversations/{conversation}/messages"),
            json!({"text": "It left today."}),
        )
        .await;
    assert!(status.is_success(), "{body}");
    let (_, m) = customer_says(&admin, channel, "kim", "k1", "Do you ship to Oslo?").await;
    let kim = m["conversation_id"].as_i64().unwrap();
    let (status, body) = admin
        .post(
            &format!("/api/v1/conversations/{kim}/assign"),
            json!({"user_id": bo_id}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    alerts(&app, ws, &mut after).await;
    // Lia's answer took 11 minutes, so Kim's may take 19 (a 15-minute average):
    // at risk from 14 minutes in.
    app.advance(13 * 60_000_000);
    assert_eq!(
        pronto_server::at_risk::flag_step(&app.state).await.unwrap(),
        0
    );
    app.advance(2 * 60_000_000);
    assert_eq!(
        pronto_server::at_risk::flag_step(&app.state).await.unwrap(),
        1
    );
    let told = alerts(&app, ws, &mut after).await;
    assert!(
        told.iter().all(|(_, _, reason, ..)| reason != "at_risk"),
        "{told:?}"
    );
}

/// A person told about new conversations on some channels only is not told about
/// the others'; one who watches every channel (the default) is.
#[tokio::test]
async fn new_conversations_are_told_to_those_who_watch_their_channel() {
    let app = TestApp::spawn().await;
    let (admin, ada, bo, bo_id, ws) = ada_and_bo(&app).await;
    let receiver = Receiver::spawn(vec![]).await;
    let shop = api_channel(&admin, &receiver).await;
    let site = api_channel(&admin, &receiver).await;
    put_prefs(&bo, json!({"watched_channels": [site]})).await;
    let (_, saved) = bo.get("/api/v1/me/alerts").await;
    assert_eq!(saved["watched_channels"], json!([site]), "{saved}");
    let mut after = app.state.store.latest_event(ws).await.unwrap();
    assert!(alerts(&app, ws, &mut after).await.is_empty());

    let (_, m) = customer_says(&admin, shop, "c1", "m1", "On the shop").await;
    let on_shop = m["conversation_id"].as_i64().unwrap();
    let (_, m) = customer_says(&admin, site, "c2", "m2", "On the site").await;
    let on_site = m["conversation_id"].as_i64().unwrap();
    let mut told: Vec<(i64, i64)> = alerts(&app, ws, &mut after)
        .await
        .into_iter()
        .map(|(user, conversation, ..)| (user, conversation))
        .collect();
    told.sort_unstable();
    let mut expected = vec![(ada, on_shop), (ada, on_site), (bo_id, on_site)];
    expected.sort_unstable();
    assert_eq!(told, expected);
}
