//! A channel's own settings page over HTTP: the saved hours with the coming week
//! and the next change, the availability that follows them, errors that name their
//! field, read receipts, the web chat's form, and who may see it.

use std::sync::atomic::Ordering;

use axum::http::StatusCode;
use pronto_core::time::Timestamp;
use serde_json::{Value, json};

use crate::support::{Client, Receiver, TestApp, api_channel, html};

fn at(text: &str) -> i64 {
    Timestamp::parse(text).unwrap().micros()
}

async fn page(client: &Client, channel: i64) -> String {
    let (status, page) = html(client, &format!("/settings/channels/{channel}"), "en").await;
    assert_eq!(status, StatusCode::OK, "{page}");
    page
}

fn shows(page: &str, expected: &[&str]) {
    for e in expected {
        assert!(page.contains(e), "the page shows {e:?}:\n{page}");
    }
}

async fn agent(app: &TestApp, admin: &Client) -> Client {
    let (status, body) = admin
        .post(
            "/api/v1/users",
            json!({"email": "bo@acme.test", "name": "Bo", "role": "agent", "password": "long enough pw"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    app.login("bo@acme.test", "long enough pw").await
}

fn office() -> Value {
    let day = json!(["09:00-12:00", "14:00-18:00"]);
    json!({"timezone": "Europe/Paris", "weekly": {
        "monday": day, "tuesday": day, "wednesday": day, "thursday": day, "friday": day},
        "holidays": ["2026-12-08"]})
}

#[tokio::test]
async fn the_page_shows_the_hours_the_week_and_the_availability_that_follows() {
    let app = TestApp::spawn().await;
    // Friday 2026-12-04, 18:30 in Paris: closed since 18:00.
    app.clock
        .store(at("2026-12-04T17:30:00Z"), Ordering::SeqCst);
    let admin = app.admin().await;
    let receiver = Receiver::spawn(vec![]).await;
    let channel = api_channel(&admin, &receiver).await;

    // Never saved: always open, every form empty.
    let p = page(&admin, channel).await;
    shows(
        &p,
        &[
            "No business hours: the channel is open at all times.",
            "Available: a new conversation gets the instant reply.",
            "id=\"hours-timezone\" name=\"timezone\" type=\"text\" value=\"UTC\"",
            "id=\"rule-new-keywords\"",
            "<option value=\"manual\" selected>",
        ],
    );
    assert!(!p.contains("id=\"rule-0-keywords\""), "no rule yet");
    // Settings pages link to it.
    let (_, settings) = html(&admin, "/settings", "en").await;
    assert!(settings.contains(&format!("href=\"/settings/channels/{channel}\"")));

    let (status, body) = admin
        .put(
            &format!("/api/v1/channels/{channel}/automation"),
            json!({"hours": office(),
                "instant_reply": {"enabled": true, "text": "Hi {first_name}!"},
                "away_message": {"enabled": true, "text": "Back {back_at}."},
                "keyword_replies": {"rules": [{"keywords": ["price", "prices"], "reply": "From 10 EUR."}],
                    "limit_per_conversation": 2, "handover_words": ["human"]}}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = admin
        .put(
            &format!("/api/v1/channels/{channel}/routing"),
            json!({"mode": "least_loaded", "reassign_on_away": true}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");

    let p = page(&admin, channel).await;
    shows(
        &p,
        &[
            "Closed now.",
            "Next change: opens Monday 2026-12-07 at 09:00 (Europe/Paris).",
            "Away (outside business hours): customers get the away message. Back Monday 2026-12-07 at 09:00 (Europe/Paris).",
            "Friday 2026-12-04 · Today</th><td>09:00–12:00, 14:00–18:00</td>",
            "Saturday 2026-12-05</th><td>Closed</td>",
            "Monday 2026-12-07</th><td>09:00–12:00, 14:00–18:00</td>",
            "Tuesday 2026-12-08</th><td>Holiday</td>",
            "Thursday 2026-12-10</th><td>09:00–12:00, 14:00–18:00</td>",
            // The forms hold what is saved.
            "value=\"Europe/Paris\"",
            "id=\"hours-monday\" name=\"monday\" type=\"text\" value=\"09:00-12:00, 14:00-18:00\"",
            "id=\"hours-saturday\" name=\"saturday\" type=\"text\" value=\"\"",
            ">2026-12-08</textarea>",
            ">Hi {first_name}!</textarea>",
            ">Back {back_at}.</textarea>",
            "id=\"rule-0-keywords\" name=\"keywords\" type=\"text\" value=\"price, prices\"",
            ">From 10 EUR.</textarea>",
            "value=\"2\"",
            "id=\"handover-custom\" name=\"handover\" type=\"radio\" value=\"custom\" checked",
            "value=\"human\"",
            "<option value=\"least_loaded\" selected>",
            "id=\"routing-reassign\" name=\"reassign_on_away\" type=\"checkbox\" checked",
        ],
    );
    // Eight days ahead is not the week's.
    assert!(!p.contains("2026-12-11"));

    // Set away by hand: it says until when (12 hours), and offers to end it.
    let (status, _) = admin
        .put(
            &format!("/api/v1/channels/{channel}/status"),
            json!({"status": "away"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, part) = html(
        &admin,
        &format!("/ui/settings/channels/{channel}/presence"),
        "en",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    shows(
        &part,
        &[
            "Away (set by hand) until Saturday 2026-12-05 at 06:30 (Europe/Paris)",
            "data-status=\"available\"",
            "Set the channel available",
        ],
    );

    // Monday 09:30 in Paris: the away has ended by itself and the hours are open.
    app.clock
        .store(at("2026-12-07T08:30:00Z"), Ordering::SeqCst);
    let (_, part) = html(
        &admin,
        &format!("/ui/settings/channels/{channel}/presence"),
        "en",
    )
    .await;
    shows(
        &part,
        &[
            "Available: a new conversation gets the instant reply.",
            "data-status=\"away\"",
        ],
    );
    let (_, week) = html(
        &admin,
        &format!("/ui/settings/channels/{channel}/week"),
        "en",
    )
    .await;
    shows(
        &week,
        &[
            "Open now.",
            "Next change: closes Monday 2026-12-07 at 12:00 (Europe/Paris).",
            "Monday 2026-12-07 · Today",
        ],
    );
    let (_, rules) = html(
        &admin,
        &format!("/ui/settings/channels/{channel}/keywords"),
        "en",
    )
    .await;
    shows(
        &rules,
        &["value=\"price, prices\"", "id=\"rule-new-keywords\""],
    );
    let (status, _) = html(
        &admin,
        &format!("/ui/settings/channels/{channel}/nope"),
        "en",
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // In French.
    let (_, fr) = html(&admin, &format!("/settings/channels/{channel}"), "fr").await;
    shows(
        &fr,
        &[
            "Horaires d'ouverture",
            "Ouvert en ce moment.",
            "Prochain changement : ferme Lundi 2026-12-07 à 12:00 (Europe/Paris).",
            "Jour férié",
        ],
    );
}

#[tokio::test]
async fn refusals_name_the_field_they_concern() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let receiver = Receiver::spawn(vec![]).await;
    let channel = api_channel(&admin, &receiver).await;
    let path = format!("/api/v1/channels/{channel}/automation");
    let mut hours = office();
    hours["weekly"]["wednesday"] = json!(["09:00-12:00", "9-12"]);
    let cases = [
        (
            json!({"hours": hours}),
            "invalid_hours",
            "hours.weekly.wednesday",
        ),
        (
            json!({"hours": {"timezone": "Mars/Olympus"}}),
            "invalid_hours",
            "hours.timezone",
        ),
        (
            json!({"hours": {"timezone": "UTC", "holidays": ["soon"]}}),
            "invalid_hours",
            "hours.holidays",
        ),
        (
            json!({"away_message": {"enabled": true, "text": "Back {when}"}}),
            "invalid_template",
            "away_message.text",
        ),
        (
            json!({"keyword_replies": {"rules": [
                {"keywords": ["ok"], "reply": "Fine"},
                {"keywords": [" "], "reply": "Empty"}]}}),
            "invalid_keyword",
            "keyword_replies.rules[1].keywords",
        ),
    ];
    for (body, code, field) in cases {
        let (status, error) = admin.put(&path, body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{error}");
        assert_eq!(error["code"], code, "{error}");
        assert_eq!(error["field"], field, "{error}");
        let message = error["message"].as_str().unwrap();
        assert!(
            message.starts_with(field.split('.').next().unwrap()),
            "the message names the field too: {message}"
        );
    }
    // An error about no field in particular has none.
    let (status, error) = admin
        .put(
            &format!("/api/v1/channels/{channel}/routing"),
            json!({"mode": "lottery"}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(error.get("field").is_none(), "{error}");

    // A web chat's settings name theirs.
    let (status, chat) = admin
        .post(
            "/api/v1/channels",
            json!({"kind": "webchat", "name": "Site", "config": {"allowed_origins": ["https://shop.test"]}}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{chat}");
    let chat = chat["id"].as_i64().unwrap();
    let (status, error) = admin
        .put(
            &format!("/api/v1/channels/{chat}/webchat"),
            json!({"allowed_origins": ["https://shop.test"], "color": "red"}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error["field"], "color", "{error}");
}

#[tokio::test]
async fn read_receipts_and_the_web_chat_are_set_on_their_channels_only() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let (status, ch) = admin
        .post(
            "/api/v1/channels",
            json!({"kind": "messenger", "name": "Shop Page", "config": {
                "page_id": "PAGE_1", "app_id": "555", "app_secret": "app-secret-123",
                "page_access_token": "EAAB-token"}}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{ch}");
    let page_id = ch["id"].as_i64().unwrap();
    assert_eq!(ch["config"]["mark_seen"], json!(null));
    let p = page(&admin, page_id).await;
    shows(&p, &["id=\"seen-on\" name=\"enabled\" type=\"checkbox\">"]);
    assert!(!p.contains("id=\"webchat-form\""));

    let (status, view) = admin
        .put(
            &format!("/api/v1/channels/{page_id}/mark-seen"),
            json!({"enabled": true}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{view}");
    assert_eq!(view["config"]["mark_seen"], true);
    assert!(
        !view.to_string().contains("EAAB-token"),
        "no secret in the answer"
    );
    let p = page(&admin, page_id).await;
    shows(
        &p,
        &["id=\"seen-on\" name=\"enabled\" type=\"checkbox\" checked"],
    );
    let (status, _) = admin
        .put(
            &format!("/api/v1/channels/{page_id}/mark-seen"),
            json!({"enabled": "yes"}),
        )
        .await;
    assert!(status.is_client_error());

    // A web chat has no read receipts, but has its widget's form and snippet.
    let (_, chat) = admin
        .post(
            "/api/v1/channels",
            json!({"kind": "webchat", "name": "Site", "config": {
                "allowed_origins": ["https://shop.test", "https://www.shop.test"],
                "greeting": "Hello <there>", "color": "#aa0011"}}),
        )
        .await;
    let chat = chat["id"].as_i64().unwrap();
    let (status, error) = admin
        .put(
            &format!("/api/v1/channels/{chat}/mark-seen"),
            json!({"enabled": true}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{error}");
    let p = page(&admin, chat).await;
    assert!(!p.contains("id=\"seen-form\""));
    shows(
        &p,
        &[
            "id=\"webchat-form\"",
            ">https://shop.test\nhttps://www.shop.test</textarea>",
            "value=\"Hello &lt;there&gt;\"",
            "value=\"#aa0011\"",
            &format!("/widget.js&quot; data-channel=&quot;{chat}&quot;"),
        ],
    );

    // Agents: neither the page nor the setting.
    let agent = agent(&app, &admin).await;
    let (status, p) = html(&agent, &format!("/settings/channels/{page_id}"), "en").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(!p.contains("seen-form"));
    let (status, _) = html(
        &agent,
        &format!("/ui/settings/channels/{page_id}/presence"),
        "en",
    )
    .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, _) = agent
        .put(
            &format!("/api/v1/channels/{page_id}/mark-seen"),
            json!({"enabled": false}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // An unknown channel is a page that says so.
    let (status, p) = html(&admin, "/settings/channels/999999", "en").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(p.contains("No such channel in this workspace."));
}
