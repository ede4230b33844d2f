//! Automations: the instant reply, the away message, keyword replies and hand-over,
//! the business hours' status changes, and the settings' checks.

use std::sync::atomic::Ordering;

use axum::http::StatusCode;
use pronto_core::{Presence, Timestamp};
use pronto_server::automation::schedule_step;
use pronto_store::StatusSource;
use serde_json::{Value, json};

use crate::support::{Client, MIN, Receiver, TestApp, api_channel, customer_says};

const HOUR: i64 = 60 * MIN;

fn at(text: &str) -> i64 {
    Timestamp::parse(text).unwrap().micros()
}

async fn set_automation(admin: &Client, channel: i64, settings: Value) {
    let (status, body) = admin
        .put(&format!("/api/v1/channels/{channel}/automation"), settings)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

/// The conversation's messages as (author, text).
async fn messages(admin: &Client, conversation: &Value) -> Vec<(String, String)> {
    let (status, full) = admin
        .get(&format!("/api/v1/conversations/{conversation}"))
        .await;
    assert_eq!(status, StatusCode::OK, "{full}");
    full["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["author"].as_str().unwrap().to_owned(),
                m["text"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn texts_by(messages: &[(String, String)], author: &str) -> Vec<String> {
    messages
        .iter()
        .filter(|(a, _)| a == author)
        .map(|(_, t)| t.clone())
        .collect()
}

#[tokio::test]
async fn instant_reply_once_per_opportunity_and_never_a_response() {
    instant_reply_once_per_opportunity_and_never_a_response_on(TestApp::spawn().await).await;
}

async fn instant_reply_once_per_opportunity_and_never_a_response_on(app: TestApp) {
    let admin = app.admin().await;
    let receiver = Receiver::spawn(vec![]).await;
    let channel = api_channel(&admin, &receiver).await;
    set_automation(
        &admin,
        channel,
        json!({"instant_reply": {"enabled": true, "text": "Hi {first_name}, a person answers soon. Usual wait: {wait}"}}),
    )
    .await;

    let (status, m1) = customer_says(&admin, channel, "c1", "m1", "Hello").await;
    assert_eq!(status, StatusCode::CREATED, "{m1}");
    let conversation = m1["conversation_id"].clone();
    let all = messages(&admin, &conversation).await;
    assert_eq!(
        texts_by(&all, "automation"),
        ["Hi Marie, a person answers soon. Usual wait:"],
        "nothing answered yet: no wait to promise"
    );

    // The same opportunity: no second instant reply.
    app.advance(MIN);
    customer_says(&admin, channel, "c1", "m2", "Are you there?").await;
    assert_eq!(
        texts_by(&messages(&admin, &conversation).await, "automation").len(),
        1
    );

    // A person answers 5 minutes after the first message: that is the response.
    app.advance(4 * MIN);
    let (status, sent) = admin
        .post(
            &format!("/api/v1/conversations/{conversation}/messages"),
            json!({"text": "Yes, how can I help?"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{sent}");
    let (status, r) = admin
        .get(&format!(
            "/api/v1/channels/{channel}/responsiveness?explain"
        ))
        .await;
    assert_eq!(status, StatusCode::OK, "{r}");
    assert_eq!(r["opportunities"]["answered"], 1, "{r}");
    assert_eq!(r["response_time_seconds"], 300.0, "{r}");

    // A day later the customer's message is a new opportunity: a new instant reply.
    app.advance(25 * HOUR);
    customer_says(&admin, channel, "c1", "m3", "Me again").await;
    let automated = texts_by(&messages(&admin, &conversation).await, "automation");
    assert_eq!(automated.len(), 2, "{automated:?}");
    // {wait} is now the channel's response time: the 5 minutes above.
    assert_eq!(
        automated[1],
        "Hi Marie, a person answers soon. Usual wait: about 5 minutes"
    );
}

#[tokio::test]
async fn away_message_outside_hours_says_when_back_once_a_day() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let receiver = Receiver::spawn(vec![]).await;
    let channel = api_channel(&admin, &receiver).await;
    let weekdays = json!(["09:00-18:00"]);
    // T0 is Sunday 2026-03-01, 10:00 in Paris: closed until Monday 09:00.
    set_automation(
        &admin,
        channel,
        json!({
            "hours": {"timezone": "Europe/Paris", "weekly": {
                "monday": weekdays, "tuesday": weekdays, "wednesday": weekdays,
                "thursday": weekdays, "friday": weekdays}},
            "instant_reply": {"enabled": true, "text": "Hello!"},
            "away_message": {"enabled": true, "text": "We are closed, back {back_at}."},
        }),
    )
    .await;
    let (_, view) = admin.get(&format!("/api/v1/channels/{channel}")).await;
    assert_eq!(view["status"]["status"], "away", "{view}");

    let (_, m1) = customer_says(&admin, channel, "c1", "m1", "Hello").await;
    let conversation = m1["conversation_id"].clone();
    assert_eq!(
        texts_by(&messages(&admin, &conversation).await, "automation"),
        ["We are closed, back tomorrow at 09:00."]
    );

    // Two hours later, still closed: no second away message within the day.
    app.advance(2 * HOUR);
    customer_says(&admin, channel, "c1", "m2", "Anyone?").await;
    assert_eq!(
        texts_by(&messages(&admin, &conversation).await, "automation").len(),
        1
    );

    // Without hours, the away the hours had set ends.
    set_automation(&admin, channel, json!({})).await;
    let (_, view) = admin.get(&format!("/api/v1/channels/{channel}")).await;
    assert_eq!(view["status"]["status"], "available", "{view}");
}

#[tokio::test]
async fn keyword_replies_up_to_the_limit_and_hand_over() {
    keyword_replies_up_to_the_limit_and_hand_over_on(TestApp::spawn().await).await;
}

async fn keyword_replies_up_to_the_limit_and_hand_over_on(app: TestApp) {
    let admin = app.admin().await;
    let receiver = Receiver::spawn(vec![]).await;
    let channel = api_channel(&admin, &receiver).await;
    set_automation(
        &admin,
        channel,
        json!({"keyword_replies": {
            "rules": [{"keywords": ["livraison", "delivery"], "reply": "Delivery takes 2 days."}],
            "limit_per_conversation": 1,
        }}),
    )
    .await;

    let (_, m1) = customer_says(&admin, channel, "c1", "m1", "Quand arrive ma LIVRAISON ?").await;
    let conversation = m1["conversation_id"].clone();
    assert_eq!(
        texts_by(&messages(&admin, &conversation).await, "automation"),
        ["Delivery takes 2 days."]
    );
    customer_says(&admin, channel, "c1", "m2", "delivery again?").await;
    assert_eq!(
        texts_by(&messages(&admin, &conversation).await, "automation").len(),
        1,
        "the limit is one per conversation"
    );

    // Asking for a person: no automated answer, the conversation is labeled, and
    // keyword replies stop there.
    let (_, m3) = customer_says(&admin, channel, "c2", "m3", "I want a human").await;
    let other = m3["conversation_id"].clone();
    let (_, full) = admin.get(&format!("/api/v1/conversations/{other}")).await;
    assert_eq!(
        full["conversation"]["labels"],
        json!(["handover"]),
        "{full}"
    );
    customer_says(&admin, channel, "c2", "m4", "delivery?").await;
    assert!(texts_by(&messages(&admin, &other).await, "automation").is_empty());
}

#[tokio::test]
async fn business_hours_write_status_changes_across_daylight_saving() {
    business_hours_write_status_changes_across_daylight_saving_on(TestApp::spawn().await).await;
}

async fn business_hours_write_status_changes_across_daylight_saving_on(app: TestApp) {
    // Friday 2026-03-27, 13:00 in Paris (CET, UTC+1): open.
    app.clock
        .store(at("2026-03-27T12:00:00Z"), Ordering::SeqCst);
    let admin = app.admin().await;
    let receiver = Receiver::spawn(vec![]).await;
    let channel = api_channel(&admin, &receiver).await;
    let every_day = json!(["09:00-18:00"]);
    set_automation(
        &admin,
        channel,
        json!({"hours": {"timezone": "Europe/Paris", "weekly": {
            "monday": every_day, "tuesday": every_day, "wednesday": every_day,
            "thursday": every_day, "friday": every_day, "saturday": every_day,
            "sunday": every_day}}}),
    )
    .await;
    assert_eq!(schedule_step(&app.state).await.unwrap().changes, 0);

    // Saturday evening: each change is written at the instant the hours say.
    app.clock
        .store(at("2026-03-28T20:00:00Z"), Ordering::SeqCst);
    assert_eq!(schedule_step(&app.state).await.unwrap().changes, 3);
    let latest = app
        .state
        .store
        .latest_status(channel)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (latest.status, latest.at, latest.source),
        (
            Presence::Away,
            at("2026-03-28T17:00:00Z"),
            StatusSource::Schedule
        )
    );
    assert_eq!(schedule_step(&app.state).await.unwrap().changes, 0);

    // Clocks go forward on Sunday night: 09:00 in Paris is now 07:00 UTC (CEST).
    app.clock
        .store(at("2026-03-29T06:59:00Z"), Ordering::SeqCst);
    assert_eq!(schedule_step(&app.state).await.unwrap().changes, 0);
    app.clock
        .store(at("2026-03-29T07:00:00Z"), Ordering::SeqCst);
    assert_eq!(schedule_step(&app.state).await.unwrap().changes, 1);
    let latest = app
        .state
        .store
        .latest_status(channel)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (latest.status, latest.at),
        (Presence::Available, at("2026-03-29T07:00:00Z"))
    );
    // And 18:00 in Paris is 16:00 UTC.
    app.clock
        .store(at("2026-03-29T16:30:00Z"), Ordering::SeqCst);
    assert_eq!(schedule_step(&app.state).await.unwrap().changes, 1);
    let latest = app
        .state
        .store
        .latest_status(channel)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (latest.status, latest.at),
        (Presence::Away, at("2026-03-29T16:00:00Z"))
    );
}

#[tokio::test]
async fn a_persons_away_ends_with_an_event_after_12_hours() {
    a_persons_away_ends_with_an_event_after_12_hours_on(TestApp::spawn().await).await;
}

async fn a_persons_away_ends_with_an_event_after_12_hours_on(app: TestApp) {
    let admin = app.admin().await;
    let receiver = Receiver::spawn(vec![]).await;
    let channel = api_channel(&admin, &receiver).await;
    let (status, body) = admin
        .put(
            &format!("/api/v1/channels/{channel}/status"),
            json!({"status": "away"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let set_at = app.clock.load(Ordering::SeqCst);

    app.advance(11 * HOUR);
    assert_eq!(schedule_step(&app.state).await.unwrap().changes, 0);
    app.advance(2 * HOUR);
    assert_eq!(schedule_step(&app.state).await.unwrap().changes, 1);
    let latest = app
        .state
        .store
        .latest_status(channel)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (latest.status, latest.at, latest.source),
        (
            Presence::Available,
            set_at + 12 * HOUR,
            StatusSource::Expiry
        )
    );
    let ws = app
        .state
        .store
        .channel_any_workspace(channel)
        .await
        .unwrap()
        .workspace_id;
    let events = app.state.store.events_after(ws, 0, 100).await.unwrap();
    let ended = events
        .iter()
        .filter(|e| e.kind() == "channel.status" && e.payload()["status"] == "available")
        .count();
    assert_eq!(ended, 1);
    assert_eq!(schedule_step(&app.state).await.unwrap().changes, 0);
}

#[tokio::test]
async fn settings_are_checked_and_errors_name_the_field() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let receiver = Receiver::spawn(vec![]).await;
    let channel = api_channel(&admin, &receiver).await;
    let path = format!("/api/v1/channels/{channel}/automation");
    let cases = [
        (
            json!({"hours": {"timezone": "Europe/Paris", "weekly": {"monday": ["18:00-09:00"]}}}),
            "invalid_hours",
            "Monday",
        ),
        (
            json!({"hours": {"timezone": "Mars/Olympus"}}),
            "invalid_hours",
            "Mars/Olympus",
        ),
        (
            json!({"instant_reply": {"enabled": true, "text": "Hi {firstname}"}}),
            "invalid_template",
            "instant_reply.text",
        ),
        (
            json!({"away_message": {"enabled": true, "text": "  "}}),
            "invalid_template",
            "away_message.text",
        ),
        (
            json!({"keyword_replies": {"rules": [{"keywords": ["?!"], "reply": "Hi"}]}}),
            "invalid_keyword",
            "keyword_replies.rules[0].keywords",
        ),
    ];
    for (body, code, names) in cases {
        let (status, err) = admin.put(&path, body.clone()).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body} -> {err}");
        assert_eq!(err["code"], code, "{err}");
        let message = err["message"].as_str().unwrap();
        assert!(message.contains(names), "{message} names {names}");
    }
    // Nothing was saved; a good body is, by an admin only, and reads back.
    let (_, saved) = admin.get(&path).await;
    assert_eq!(saved["instant_reply"]["enabled"], false);
    let good = json!({"instant_reply": {"enabled": true, "text": "Hi {first_name}"}});
    let (_, created) = admin
        .post("/api/v1/tokens", json!({"name": "agent", "role": "agent"}))
        .await;
    let agent = admin.with_token(created["secret"].as_str().unwrap());
    let (status, err) = agent.put(&path, good.clone()).await;
    assert_eq!(
        (status, err["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("forbidden"))
    );
    assert_eq!(agent.get(&path).await.0, StatusCode::OK);
    set_automation(&admin, channel, good).await;
    assert_eq!(
        admin.get(&path).await.1["instant_reply"]["text"],
        "Hi {first_name}"
    );
}

/// The same automations on PostgreSQL, when `PRONTO_TEST_DATABASE_URL` is set.
#[tokio::test]
async fn automations_on_postgres() {
    if std::env::var_os("PRONTO_TEST_DATABASE_URL").is_none() {
        eprintln!(
            "PRONTO_TEST_DATABASE_URL is not set: automations on PostgreSQL not run (see README)"
        );
        return;
    }
    instant_reply_once_per_opportunity_and_never_a_response_on(spawn_postgres().await).await;
    keyword_replies_up_to_the_limit_and_hand_over_on(spawn_postgres().await).await;
    business_hours_write_status_changes_across_daylight_saving_on(spawn_postgres().await).await;
    a_persons_away_ends_with_an_event_after_12_hours_on(spawn_postgres().await).await;
}

async fn spawn_postgres() -> TestApp {
    TestApp::spawn_postgres()
        .await
        .expect("PRONTO_TEST_DATABASE_URL is set")
}

#[tokio::test]
async fn on_messenger_automated_messages_stay_within_the_window_without_a_tag() {
    use pronto_sandbox::{Event, Platform};
    use pronto_server::delivery::{Outcome, deliver_next};

    use crate::send_side::{channel, deliver, sends, spawn};
    use crate::support::T0;

    let (app, sandbox) = spawn().await;
    let admin = app.admin().await;
    let channel = channel(&admin, &sandbox, "messenger", json!({})).await;
    set_automation(
        &admin,
        channel,
        json!({"instant_reply": {"enabled": true, "text": "Hi {first_name}!"}}),
    )
    .await;

    let mid = sandbox.customer_message("PAGE_1", "PSID_1", "Ana", "hello?", T0);
    let event = Event::Text {
        from: "PSID_1".into(),
        mid,
        text: "hello?".into(),
    };
    deliver(&app, channel, Platform::Messenger, &event, T0).await;
    // The instant reply waits for her name from her profile.
    assert!(pronto_server::profiles::ask_next(&app.state).await.unwrap());
    assert!(matches!(
        deliver_next(&app.state).await.unwrap(),
        Outcome::Delivered(_)
    ));
    let sent = sends(&sandbox, 1).await;
    assert_eq!(sent[0].status, 200, "{:?}", sent[0].response);
    assert!(
        sent[0].body["message"]["text"]
            .as_str()
            .unwrap()
            .starts_with("Hi Ana!"),
        "{}",
        sent[0].body
    );
    assert_eq!(
        sent[0].body["messaging_type"], "RESPONSE",
        "{}",
        sent[0].body
    );
    assert!(sent[0].body.get("tag").is_none(), "{}", sent[0].body);

    // A message that arrives 25 hours after it was written: a person could still
    // answer with the HUMAN_AGENT tag, an automation may not, so nothing is stored.
    let written = T0 + 2 * HOUR;
    let mid = sandbox.customer_message("PAGE_1", "PSID_2", "Bo", "hello?", written);
    app.clock.store(written + 25 * HOUR, Ordering::SeqCst);
    let event = Event::Text {
        from: "PSID_2".into(),
        mid,
        text: "hello?".into(),
    };
    deliver(&app, channel, Platform::Messenger, &event, written).await;
    assert!(pronto_server::profiles::ask_next(&app.state).await.unwrap());
    assert!(matches!(
        deliver_next(&app.state).await.unwrap(),
        Outcome::Idle
    ));
    let (_, list) = admin.get("/api/v1/conversations").await;
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{list}");
    let mut automated = 0;
    for c in items {
        let all = messages(&admin, &c["id"]).await;
        assert!(!texts_by(&all, "customer").is_empty());
        automated += texts_by(&all, "automation").len();
    }
    assert_eq!(automated, 1, "only the first customer had an instant reply");
}
