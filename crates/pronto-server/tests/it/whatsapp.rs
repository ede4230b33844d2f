//! WhatsApp channels end to end: created through the API with Meta's names, signed
//! `whatsapp_business_account` webhooks of every type kept durably and applied in
//! order (deduplicated by wamid, the contact named from the profile), statuses that
//! never go backwards with their pricing; and, against the sandbox over HTTP, a text
//! round trip, a free reply refused after 24 hours then a template accepted, a
//! 131047 arriving later in a `failed` status, a 130429 retried. On SQLite, and on
//! PostgreSQL when configured.

use axum::http::StatusCode;
use pronto_sandbox::{Sandbox, WhatsAppNumber};
use pronto_server::delivery::{Outcome, deliver_next};
use pronto_server::meta::Processed;
use pronto_store::testing::{self, TestDb};
use serde_json::{Value, json};

use crate::meta::drain;
use crate::support::{Client, MIN, T0, TestApp};

const SECRET: &str = "wa-app-secret";
const TOKEN: &str = "EAAG-wa-token";
const PNID: &str = "106540352242922";
const WABA: &str = "102290129340398";
const CUSTOMER: &str = "16505551234";
const HOUR: i64 = 60 * MIN;
const S0: i64 = T0 / 1_000_000;

async fn whatsapp_channel(app: &TestApp, admin: &Client) -> i64 {
    whatsapp_channel_with(app, admin, false).await
}

async fn whatsapp_channel_with(app: &TestApp, admin: &Client, mark_read: bool) -> i64 {
    let (status, c) = admin
        .post(
            "/api/v1/channels",
            json!({"kind": "whatsapp", "name": "Shop WhatsApp", "config": {
                "phone_number_id": PNID, "waba_id": WABA, "app_id": "901",
                "app_secret": SECRET, "access_token": TOKEN, "mark_read": mark_read
            }}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{c}");
    assert_eq!(c["kind"], "whatsapp");
    let id = c["id"].as_i64().unwrap();
    assert!(
        c["callback_url"]
            .as_str()
            .unwrap()
            .ends_with(&format!("/webhooks/meta/{id}"))
    );
    assert!(!c["verify_token"].as_str().unwrap().is_empty());
    let text = c.to_string();
    assert!(!text.contains(SECRET) && !text.contains(TOKEN), "{c}");
    assert_eq!(c["config"]["phone_number_id"], PNID);
    let stored = app.state.store.channel_any_workspace(id).await.unwrap();
    for key in ["app_secret", "access_token"] {
        let v = stored.config[key].as_str().unwrap();
        assert!(v.starts_with("enc:v1:"), "{key} sealed: {v}");
    }
    id
}

fn body(value: Value) -> String {
    let mut value = value;
    value["messaging_product"] = json!("whatsapp");
    value["metadata"] = json!({"display_phone_number": "15550783881", "phone_number_id": PNID});
    json!({"object": "whatsapp_business_account", "entry": [{"id": WABA, "changes": [
        {"field": "messages", "value": value}]}]})
    .to_string()
}

fn from_customer(messages: Vec<Value>) -> String {
    body(
        json!({"contacts": [{"profile": {"name": "Sheena Nelson"}, "wa_id": CUSTOMER}],
        "messages": messages}),
    )
}

fn text(id: &str, secs: i64, text: &str) -> Value {
    json!({"from": CUSTOMER, "id": id, "timestamp": secs.to_string(), "type": "text", "text": {"body": text}})
}

async fn post_signed(app: &TestApp, channel: i64, body: &str) -> StatusCode {
    reqwest::Client::new()
        .post(app.url(&format!("/webhooks/meta/{channel}")))
        .header(
            "x-hub-signature-256",
            pronto_channels::signature::sign(SECRET, body.as_bytes()),
        )
        .body(body.to_owned())
        .send()
        .await
        .unwrap()
        .status()
}

/// Sheena writes `text` at T0, and it is processed; her conversation.
async fn customer_wrote(app: &TestApp, sandbox: &Sandbox, admin: &Client, text: &str) -> i64 {
    sandbox.whatsapp_customer_text(PNID, CUSTOMER, "Sheena Nelson", text, T0);
    sandbox.deliver_pending().await;
    drain(app).await;
    conversation(admin).await.0
}

async fn conversation(admin: &Client) -> (i64, Value) {
    let (_, list) = admin.get("/api/v1/conversations").await;
    let id = list["items"][0]["id"].as_i64().expect("a conversation");
    let (_, c) = admin.get(&format!("/api/v1/conversations/{id}")).await;
    (id, c)
}

#[tokio::test]
async fn whatsapp_webhooks_of_every_type_are_kept_in_order_once() {
    for db in testing::backends().await {
        webhooks(db).await;
    }
}

async fn webhooks(db: TestDb) {
    let url = db.url.clone();
    let app = TestApp::start(url, Some(db), false).await;
    let admin = app.admin().await;
    let channel = whatsapp_channel(&app, &admin).await;

    // The handshake with the verify token, and only signed bodies are kept.
    let first = from_customer(vec![text("wamid.A", S0 + 10, "Another color?")]);
    let unsigned = reqwest::Client::new()
        .post(app.url(&format!("/webhooks/meta/{channel}")))
        .body(first.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(unsigned.status(), StatusCode::FORBIDDEN);
    assert_eq!(post_signed(&app, channel, &first).await, StatusCode::OK);
    // The same delivery again (Meta retries) and a later body with an earlier
    // message (the platform's order is the timestamps').
    assert_eq!(post_signed(&app, channel, &first).await, StatusCode::OK);
    let earlier = from_customer(vec![
        text("wamid.EARLY", S0 + 5, "Hello"),
        json!({"from": CUSTOMER, "id": "wamid.IMG", "timestamp": (S0 + 20).to_string(), "type": "image",
            "image": {"id": "MEDIA1", "mime_type": "image/jpeg", "sha256": "x", "caption": "this one"},
            "context": {"from": "15550783881", "id": "wamid.A"}}),
        json!({"from": CUSTOMER, "id": "wamid.LOC", "timestamp": (S0 + 21).to_string(), "type": "location",
            "location": {"latitude": 48.85, "longitude": 2.35, "name": "Shop", "address": "1 rue X"}}),
        json!({"from": CUSTOMER, "id": "wamid.BTN", "timestamp": (S0 + 22).to_string(), "type": "interactive",
            "interactive": {"type": "button_reply", "button_reply": {"id": "yes", "title": "Yes please"}}}),
        json!({"from": CUSTOMER, "id": "wamid.TPL", "timestamp": (S0 + 23).to_string(), "type": "button",
            "button": {"payload": "STOP", "text": "Stop promotions"}}),
        json!({"from": CUSTOMER, "id": "wamid.ODD", "timestamp": (S0 + 24).to_string(), "type": "unsupported",
            "unsupported": {"type": "poll_creation"},
            "errors": [{"code": 131051, "title": "Message type unknown"}]}),
        json!({"from": CUSTOMER, "id": "wamid.AD", "timestamp": (S0 + 25).to_string(), "type": "text",
            "text": {"body": "I saw your ad"},
            "referral": {"source_type": "ad", "source_id": "AD1", "headline": "Sale", "ctwa_clid": "CLID"}}),
    ]);
    assert_eq!(post_signed(&app, channel, &earlier).await, StatusCode::OK);
    let outcomes = drain(&app).await;
    assert_eq!(
        outcomes,
        [Processed::Done(1), Processed::Done(0), Processed::Done(7)],
        "the repeated delivery stores nothing"
    );

    let (_, c) = conversation(&admin).await;
    assert_eq!(c["contact"]["name"], "Sheena Nelson", "{c}");
    assert_eq!(c["contact"]["attributes"]["referral"]["ctwa_clid"], "CLID");
    let messages = c["messages"].as_array().unwrap();
    let ids: Vec<&str> = messages
        .iter()
        .map(|m| m["external_id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        [
            "wamid.EARLY",
            "wamid.A",
            "wamid.IMG",
            "wamid.LOC",
            "wamid.BTN",
            "wamid.TPL",
            "wamid.ODD",
            "wamid.AD"
        ],
        "in the platform's order, each once"
    );
    assert_eq!(messages[0]["at"], (S0 + 5) * 1_000_000);
    let image = &messages[2];
    assert_eq!(image["text"], "this one");
    assert_eq!(image["attachments"][0]["type"], "image");
    assert_eq!(image["attachments"][0]["media_id"], "MEDIA1");
    assert_eq!(image["attachments"][1]["type"], "reply_to");
    assert_eq!(image["attachments"][1]["message_id"], "wamid.A");
    assert_eq!(messages[3]["text"], "Shop, 1 rue X");
    assert_eq!(messages[3]["attachments"][0]["latitude"], 48.85);
    assert_eq!(messages[4]["text"], "Yes please");
    assert_eq!(messages[4]["attachments"][0]["id"], "yes");
    assert_eq!(messages[5]["attachments"][0]["payload"], "STOP");
    assert_eq!(messages[6]["attachments"][0]["kind"], "poll_creation");
    assert_eq!(messages[6]["attachments"][1]["code"], 131051);

    // A body of the wrong shape but rightly signed is kept as a dead letter.
    assert_eq!(
        post_signed(&app, channel, r#"{"object":"page","entry":[]}"#).await,
        StatusCode::OK
    );
    let outcomes = drain(&app).await;
    assert!(
        matches!(&outcomes[..], [Processed::DeadLetter(r)] if r.contains("whatsapp_business_account")),
        "{outcomes:?}"
    );
    app.stop().await;
}

/// A WhatsApp number in the sandbox, its channel in Pronto, webhooks wired.
async fn connected(db: TestDb) -> (TestApp, Sandbox, Client, i64) {
    connected_with(db, false).await
}

async fn connected_with(db: TestDb, mark_read: bool) -> (TestApp, Sandbox, Client, i64) {
    let (app, sandbox) = TestApp::spawn_with_sandbox(db).await;
    let admin = app.admin().await;
    sandbox.add_whatsapp(
        WhatsAppNumber::new(PNID, WABA, SECRET, TOKEN)
            .with_template(
                "order_update",
                "en_US",
                "UTILITY",
                "Your order {{1}} ships on {{2}}.",
            )
            .with_template("spring_sale", "en_US", "MARKETING", "Spring sale!"),
    );
    let channel = whatsapp_channel_with(&app, &admin, mark_read).await;
    let callback = app.url(&format!("/webhooks/meta/{channel}"));
    sandbox.with_whatsapp(PNID, |n| n.callback_url = Some(callback));
    (app, sandbox, admin, channel)
}

/// Synchronizes the channel's templates from the sandbox's account.
async fn sync(admin: &Client, channel: i64) {
    let (status, synced) = admin
        .post(
            &format!("/api/v1/channels/{channel}/templates/sync"),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{synced}");
}

/// [`connected`], its templates synchronized.
async fn synced(db: TestDb) -> (TestApp, Sandbox, Client, i64) {
    let (app, sandbox, admin, channel) = connected(db).await;
    sync(&admin, channel).await;
    (app, sandbox, admin, channel)
}

#[tokio::test]
async fn a_text_round_trip_with_statuses_that_never_go_backwards() {
    for db in testing::backends().await {
        round_trip(db).await;
    }
}

async fn round_trip(db: TestDb) {
    let (app, sandbox, admin, channel) = connected(db).await;
    let wamid =
        sandbox.whatsapp_customer_text(PNID, CUSTOMER, "Sheena Nelson", "Do you ship to Lyon?", T0);
    let d = sandbox.deliver_pending().await;
    assert_eq!((d.ok, d.failed), (1, 0));
    assert_eq!(drain(&app).await, [Processed::Done(1)]);
    let (conversation, c) = conversation(&admin).await;
    assert_eq!(c["messages"][0]["external_id"], wamid.as_str());

    app.advance(MIN);
    let (status, reply) = admin
        .post(
            &format!("/api/v1/conversations/{conversation}/messages"),
            json!({"text": "Yes, see https://shop.example/lyon", "attachments": [{"type": "reply_to", "message_id": wamid}]}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{reply}");
    let reply_id = reply["id"].as_i64().unwrap();
    assert_eq!(
        deliver_next(&app.state).await.unwrap(),
        Outcome::Delivered(reply_id)
    );
    let sends = sandbox.sends();
    let call = sends.last().unwrap();
    assert_eq!(call.path, format!("/v25.0/{PNID}/messages"));
    assert!(call.proof_ok, "the bearer token and appsecret_proof");
    assert_eq!(call.body["to"], format!("+{CUSTOMER}"));
    assert_eq!(call.body["type"], "text");
    assert_eq!(call.body["text"]["preview_url"], true);
    assert_eq!(call.body["context"]["message_id"], wamid.as_str());
    let sent_id = call.response["messages"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();

    // `sent` (with its pricing) and `delivered` arrive as signed webhooks.
    assert_eq!(sandbox.deliver_pending().await.ok, 1);
    drain(&app).await;
    let message = app.state.store.message(1, reply_id).await.unwrap();
    assert_eq!(message.external_id.as_deref(), Some(sent_id.as_str()));
    assert_eq!(message.status, "delivered");
    let pricing = message.pricing.expect("pricing kept");
    assert_eq!(pricing["billable"], false);
    assert_eq!(pricing["category"], "service");

    // `read` moves it on; a late `sent` or `delivered` never moves it back.
    let status_body = |s: &str| {
        body(
            json!({"statuses": [{"id": sent_id, "status": s, "timestamp": (S0 + 120).to_string(),
            "recipient_id": CUSTOMER}]}),
        )
    };
    for s in ["read", "delivered", "sent"] {
        assert_eq!(
            post_signed(&app, channel, &status_body(s)).await,
            StatusCode::OK
        );
    }
    drain(&app).await;
    let message = app.state.store.message(1, reply_id).await.unwrap();
    assert_eq!(message.status, "read");

    // The channel's health line: the last webhook, the last send, the token.
    let (_, view) = admin.get(&format!("/api/v1/channels/{channel}")).await;
    assert!(
        view["health"]["last_webhook_at"].as_i64().is_some(),
        "{view}"
    );
    assert_eq!(view["health"]["last_send_at"], T0 + MIN, "{view}");
    assert_eq!(view["health"]["token"], "accepted");
    let settings = admin
        .request(reqwest::Method::GET, "/settings")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        settings.contains("Last webhook") && settings.contains(PNID),
        "{settings}"
    );
    assert!(settings.contains("Message templates: 0"), "{settings}");

    // The agent opens the conversation: with `mark_read` off, no receipt is sent.
    let before = sandbox.sends().len();
    admin
        .get(&format!("/api/v1/conversations/{conversation}"))
        .await;
    assert_eq!(sandbox.sends().len(), before);
    app.stop().await;
}

#[tokio::test]
async fn after_24_hours_only_a_template_goes() {
    for db in testing::backends().await {
        templates(db).await;
    }
}

async fn templates(db: TestDb) {
    let (app, sandbox, admin, channel) = connected(db).await;
    let conversation = customer_wrote(&app, &sandbox, &admin, "Where is my order?").await;
    app.advance(24 * HOUR);

    // A free reply is refused before it is stored, saying why.
    let (status, refused) = admin
        .post(
            &format!("/api/v1/conversations/{conversation}/messages"),
            json!({"text": "It ships tomorrow"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");
    assert_eq!(refused["code"], "template_required");
    assert!(
        refused["message"]
            .as_str()
            .unwrap()
            .contains("2026-03-02T09:00:00Z"),
        "{refused}"
    );
    assert!(sandbox.sends().is_empty(), "nothing was sent");

    // The templates come from the account.
    let (status, synced) = admin
        .post(
            &format!("/api/v1/channels/{channel}/templates/sync"),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{synced}");
    assert_eq!(synced["templates"], 2);
    let (_, list) = admin
        .get(&format!("/api/v1/channels/{channel}/templates"))
        .await;
    assert_eq!(list[0]["name"], "order_update");
    assert_eq!(list[0]["status"], "APPROVED");
    assert_eq!(
        list[0]["components"][0]["text"],
        "Your order {{1}} ships on {{2}}."
    );

    // The inbox's pane says why and offers the approved templates, each with a field
    // per placeholder and a preview.
    let pane = admin
        .request(
            reqwest::Method::GET,
            &format!("/ui/conversations/{conversation}"),
        )
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(pane.contains("only takes an approved template"), "{pane}");
    assert!(pane.contains(r#"data-template="order_update""#), "{pane}");
    assert!(pane.contains(r#"name="1""#) && pane.contains(r#"name="2""#));
    assert!(pane.contains("Your order {{1}} ships on {{2}}."));

    // Parameters that do not fit are refused before sending.
    let template = |params: Value| {
        json!({"text": "", "attachments": [{"type": "template", "name": "order_update",
            "language": "en_US", "parameters": params}]})
    };
    let (status, bad) = admin
        .post(
            &format!("/api/v1/conversations/{conversation}/messages"),
            template(json!(["A-17"])),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
    assert_eq!(bad["code"], "template_refused");
    assert!(
        bad["message"].as_str().unwrap().contains("2 placeholders"),
        "{bad}"
    );

    // A template with its parameters is accepted, stored as the customer sees it,
    // and delivered.
    let (status, sent) = admin
        .post(
            &format!("/api/v1/conversations/{conversation}/messages"),
            template(json!(["A-17", "Friday"])),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{sent}");
    assert_eq!(sent["text"], "Your order A-17 ships on Friday.");
    let id = sent["id"].as_i64().unwrap();
    assert_eq!(
        deliver_next(&app.state).await.unwrap(),
        Outcome::Delivered(id)
    );
    let call = sandbox.sends().pop().unwrap();
    assert_eq!(call.status, 200, "{}", call.response);
    assert_eq!(call.body["type"], "template");
    assert_eq!(
        call.body["template"]["components"][0]["parameters"][1]["text"],
        "Friday"
    );
    sandbox.deliver_pending().await;
    drain(&app).await;
    let message = app.state.store.message(1, id).await.unwrap();
    assert_eq!(message.status, "delivered");
    assert_eq!(
        message.pricing.unwrap()["billable"],
        true,
        "a template outside the window is charged"
    );

    // A paused template is refused with the reason, once the status update arrives.
    let update = json!({"object": "whatsapp_business_account", "entry": [{"id": WABA, "time": S0, "changes": [
        {"field": "message_template_status_update", "value": {"event": "PAUSED", "message_template_id": 1000000,
         "message_template_name": "order_update", "message_template_language": "en_US", "reason": null}}]}]})
    .to_string();
    assert_eq!(post_signed(&app, channel, &update).await, StatusCode::OK);
    drain(&app).await;
    let (status, paused) = admin
        .post(
            &format!("/api/v1/conversations/{conversation}/messages"),
            template(json!(["A-18", "Monday"])),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{paused}");
    assert!(
        paused["message"].as_str().unwrap().contains("paused"),
        "{paused}"
    );
    app.stop().await;
}

#[tokio::test]
async fn a_131047_in_a_failed_status_is_shown_on_the_message() {
    for db in testing::backends().await {
        failed_later(db).await;
    }
}

async fn failed_later(db: TestDb) {
    let (app, sandbox, admin, channel) = connected(db).await;
    sandbox.with_whatsapp(PNID, |n| n.async_window_errors = true);
    // Pronto has the customer's message; WhatsApp holds the window closed (its
    // known issue: "occasionally unable to reply even inside the window").
    let b = from_customer(vec![text("wamid.IN", S0, "Hi")]);
    assert_eq!(post_signed(&app, channel, &b).await, StatusCode::OK);
    drain(&app).await;
    let (conversation, _) = conversation(&admin).await;
    let (status, reply) = admin
        .post(
            &format!("/api/v1/conversations/{conversation}/messages"),
            json!({"text": "Hello!"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{reply}");
    let id = reply["id"].as_i64().unwrap();
    assert_eq!(
        deliver_next(&app.state).await.unwrap(),
        Outcome::Delivered(id)
    );
    assert_eq!(app.state.store.message(1, id).await.unwrap().status, "sent");
    // The failure arrives asynchronously.
    assert_eq!(sandbox.deliver_pending().await.ok, 1);
    drain(&app).await;
    let (_, c) = admin
        .get(&format!("/api/v1/conversations/{conversation}"))
        .await;
    let m = &c["messages"][1];
    assert_eq!(m["status"], "failed", "{c}");
    let error = m["error"].as_str().unwrap();
    assert!(
        error.contains("more than 24 hours") && error.contains("131047"),
        "{error}"
    );
    app.stop().await;
}

#[tokio::test]
async fn a_130429_is_retried_and_a_locked_account_stops_the_channel() {
    for db in testing::backends().await {
        throughput(db).await;
    }
}

async fn throughput(db: TestDb) {
    let (app, sandbox, admin, _) = connected(db).await;
    let conversation = customer_wrote(&app, &sandbox, &admin, "Hi").await;
    let (_, reply) = admin
        .post(
            &format!("/api/v1/conversations/{conversation}/messages"),
            json!({"text": "One moment"}),
        )
        .await;
    let id = reply["id"].as_i64().unwrap();
    let limited = json!({"error": {"message": "(#130429) Rate limit hit", "type": "OAuthException",
        "code": 130429, "error_data": {"messaging_product": "whatsapp", "details": "Cloud API message throughput has been reached."},
        "fbtrace_id": "x"}});
    sandbox.push_error(400, limited);
    let Outcome::Retrying(m, next) = deliver_next(&app.state).await.unwrap() else {
        panic!("130429 is retried");
    };
    assert_eq!(m, id);
    assert_eq!(
        deliver_next(&app.state).await.unwrap(),
        Outcome::Idle,
        "not before its time"
    );
    app.advance(next - T0);
    assert_eq!(
        deliver_next(&app.state).await.unwrap(),
        Outcome::Delivered(id)
    );

    // 131031: the account is locked; the channel stops and says so.
    let (_, second) = admin
        .post(
            &format!("/api/v1/conversations/{conversation}/messages"),
            json!({"text": "Still there?"}),
        )
        .await;
    let second = second["id"].as_i64().unwrap();
    sandbox.push_error(
        400,
        json!({"error": {"code": 131031, "message": "(#131031) Account has been locked", "type": "OAuthException"}}),
    );
    assert!(matches!(
        deliver_next(&app.state).await.unwrap(),
        Outcome::Retrying(m, _) if m == second
    ));
    let channel = app
        .state
        .store
        .channel_any_workspace(app.state.store.message(1, second).await.unwrap().channel_id)
        .await
        .unwrap();
    assert_eq!(channel.state, "needs_attention");
    app.stop().await;
}

#[tokio::test]
async fn a_customers_photo_is_downloaded_and_served_to_agents_only() {
    for db in testing::backends().await {
        media(db).await;
    }
}

async fn media(db: TestDb) {
    use pronto_server::media::{Fetched, fetch_next};
    let (app, sandbox, admin, channel) = connected(db).await;
    let png = b"\x89PNG\r\n\x1a\n not really a picture".to_vec();
    let (_, media_id) = sandbox.whatsapp_customer_media(
        PNID,
        CUSTOMER,
        "Sheena Nelson",
        "image",
        "image/png",
        png.clone(),
        Some("the damage"),
        T0,
    );
    sandbox.deliver_pending().await;
    assert_eq!(drain(&app).await, [Processed::Done(1)]);
    let Fetched::Stored(file) = fetch_next(&app.state).await.unwrap() else {
        panic!("the photo is fetched");
    };
    assert_eq!(fetch_next(&app.state).await.unwrap(), Fetched::Idle);
    let (_, c) = conversation(&admin).await;
    let m = &c["messages"][0];
    assert_eq!(m["text"], "the damage");
    let a = &m["attachments"][0];
    assert_eq!(a["media_id"], media_id.as_str());
    let path = format!("/api/v1/media/{file}");
    assert_eq!(a["file"], path.as_str(), "{m}");
    // The sandbox saw a URL asked for with the token, then the download.
    assert!(
        sandbox
            .requests()
            .iter()
            .any(|r| r.path.ends_with(&format!("/{media_id}")) && r.status == 200)
    );
    let served = admin
        .request(reqwest::Method::GET, &path)
        .send()
        .await
        .unwrap();
    assert_eq!(served.status(), StatusCode::OK);
    assert_eq!(served.headers()["content-type"], "image/png");
    assert_eq!(served.headers()["x-content-type-options"], "nosniff");
    assert_eq!(served.bytes().await.unwrap().to_vec(), png);
    let anonymous = reqwest::get(app.url(&path)).await.unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED, "agents only");

    // A media id WhatsApp does not know fails with the reason on the attachment.
    let b = from_customer(vec![
        json!({"from": CUSTOMER, "id": "wamid.DOC", "timestamp": (S0 + 60).to_string(),
        "type": "document", "document": {"id": "404404", "mime_type": "text/html", "filename": "x.html"}}),
    ]);
    assert_eq!(post_signed(&app, channel, &b).await, StatusCode::OK);
    drain(&app).await;
    let Fetched::Failed(_, reason) = fetch_next(&app.state).await.unwrap() else {
        panic!("an unknown media id fails");
    };
    assert!(reason.contains("WhatsApp"), "{reason}");
    let (_, c) = conversation(&admin).await;
    let doc = c["messages"][1]["attachments"][0].clone();
    assert_eq!(doc["error"], reason.as_str(), "{doc}");
    assert!(doc.get("file").is_none());
    app.stop().await;
}

#[tokio::test]
async fn read_receipts_and_the_typing_indicator_name_the_customers_last_message() {
    let db = testing::sqlite().await;
    let (app, sandbox, admin, channel) = connected_with(db, true).await;
    let wamid = sandbox.whatsapp_customer_text(PNID, CUSTOMER, "Sheena Nelson", "Hello?", T0);
    sandbox.deliver_pending().await;
    drain(&app).await;
    let (conversation, _) = conversation(&admin).await;
    let receipts = |sandbox: &Sandbox| {
        sandbox
            .sends()
            .into_iter()
            .filter(|r| r.body["status"] == "read")
            .collect::<Vec<_>>()
    };
    // Opening the conversation (as `conversation` did) sends the receipt, in the
    // background.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while receipts(&sandbox).is_empty() {
        assert!(std::time::Instant::now() < deadline, "no read receipt");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let r = &receipts(&sandbox)[0];
    assert_eq!(r.body["message_id"], wamid.as_str());
    assert_eq!(r.status, 200, "{}", r.response);
    assert!(r.body.get("typing_indicator").is_none());
    // Typing: the indicator, which WhatsApp sends with a receipt.
    let (status, _) = admin
        .post(
            &format!("/api/v1/conversations/{conversation}/typing"),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    let typing = || {
        receipts(&sandbox)
            .into_iter()
            .find(|r| r.body.get("typing_indicator").is_some())
    };
    while typing().is_none() {
        assert!(std::time::Instant::now() < deadline, "no typing indicator");
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let t = typing().unwrap();
    assert_eq!(t.body["typing_indicator"]["type"], "text");
    assert_eq!(t.body["message_id"], wamid.as_str());
    // After 24 hours nothing is sent: WhatsApp would refuse it.
    app.advance(24 * HOUR);
    let before = sandbox.sends().len();
    let channel = app
        .state
        .store
        .channel_any_workspace(channel)
        .await
        .unwrap();
    for action in ["mark_seen", "typing_on"] {
        let sent = pronto_server::graph::sender_action(&app.state, &channel, conversation, action)
            .await
            .unwrap();
        assert!(!sent, "{action} after 24 hours");
    }
    assert_eq!(sandbox.sends().len(), before);
    app.stop().await;
}

#[tokio::test]
async fn the_sandboxs_simulated_customers_send_every_kind_and_get_statuses() {
    for db in testing::backends().await {
        simulated_customers(db).await;
    }
}

/// Every message id Pronto holds, over all conversations.
async fn stored_ids(admin: &Client) -> Vec<(String, Value)> {
    let (_, list) = admin.get("/api/v1/conversations?limit=100").await;
    let mut out = Vec::new();
    for c in list["items"].as_array().unwrap() {
        let (_, c) = admin
            .get(&format!("/api/v1/conversations/{}", c["id"]))
            .await;
        for m in c["messages"].as_array().unwrap() {
            if let Some(id) = m["external_id"].as_str() {
                out.push((id.to_owned(), m.clone()));
            }
        }
    }
    out
}

async fn simulated_customers(db: TestDb) {
    use pronto_sandbox::{WaKind, WhatsAppSimulator};
    use pronto_server::media::{Fetched, fetch_next};
    let (app, sandbox, admin, _) = connected(db).await;
    let mut customers = WhatsAppSimulator::new(&sandbox, PNID, 11).unwrap();
    assert!(WhatsAppSimulator::new(&sandbox, "999", 11).is_err());
    let first = [
        WaKind::Text,
        WaKind::Image,
        WaKind::Video,
        WaKind::Audio,
        WaKind::Document,
        WaKind::Sticker,
        WaKind::Location,
        WaKind::Contacts,
        WaKind::AdReferral,
        WaKind::Unsupported,
    ];
    let mut sent = Vec::new();
    for kind in first {
        let s = customers.step_kind(kind).await.unwrap();
        assert_eq!((s.status, s.message.kind), (200, kind));
        sent.push(s.message);
    }
    let outcomes = drain(&app).await;
    assert!(
        outcomes.iter().all(|p| matches!(p, Processed::Done(1))),
        "{outcomes:?}"
    );
    let stored = stored_ids(&admin).await;
    for m in &sent {
        assert!(
            stored.iter().any(|(id, _)| *id == m.wamid),
            "{:?} {} stored",
            m.kind,
            m.wamid
        );
    }
    // Their five files are fetched by id with the token, while the URLs work.
    for _ in 0..5 {
        assert!(matches!(
            fetch_next(&app.state).await.unwrap(),
            Fetched::Stored(_)
        ));
    }
    assert_eq!(fetch_next(&app.state).await.unwrap(), Fetched::Idle);

    // The business answers every conversation; the sandbox's statuses come back.
    let (_, list) = admin.get("/api/v1/conversations?limit=100").await;
    for c in list["items"].as_array().unwrap() {
        let (status, _) = admin
            .post(
                &format!("/api/v1/conversations/{}/messages", c["id"]),
                json!({"text": "Thanks, looking into it"}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED);
        assert!(matches!(
            deliver_next(&app.state).await.unwrap(),
            Outcome::Delivered(_)
        ));
    }
    sandbox.deliver_pending().await;
    drain(&app).await;
    let replies: Vec<Value> = stored_ids(&admin)
        .await
        .into_iter()
        .map(|(_, m)| m)
        .filter(|m| m["author"] == "agent")
        .collect();
    assert!(!replies.is_empty());
    assert!(
        replies.iter().all(|m| m["status"] == "delivered"),
        "{replies:?}"
    );

    // Now the kinds that answer the business's messages: reactions, taps, and a
    // number change; each is applied (a customer with no reply yet writes a text).
    for kind in [
        WaKind::Reaction,
        WaKind::ButtonReply,
        WaKind::ListReply,
        WaKind::TemplateButton,
        WaKind::NumberChange,
    ] {
        let s = customers.step_kind(kind).await.unwrap();
        assert_eq!(s.status, 200);
        sent.push(s.message);
    }
    let outcomes = drain(&app).await;
    assert!(
        outcomes.iter().all(|p| matches!(p, Processed::Done(_))),
        "{outcomes:?}"
    );
    let stored = stored_ids(&admin).await;
    for m in &sent[first.len()..] {
        match m.kind {
            WaKind::Reaction => assert!(
                stored.iter().any(|(_, s)| s["reaction"].is_string()),
                "a reaction shown on the reply"
            ),
            WaKind::NumberChange => {}
            _ => assert!(stored.iter().any(|(id, _)| *id == m.wamid), "{:?}", m.kind),
        }
    }
    app.stop().await;
}

#[tokio::test]
async fn a_file_from_the_composer_goes_by_media_upload_once_and_whatsapps_limits_refuse_first() {
    for db in testing::backends().await {
        composer_file(db).await;
    }
}

async fn composer_file(db: TestDb) {
    use crate::files::upload;
    let (app, sandbox, admin, _) = connected(db).await;
    let conversation = customer_wrote(&app, &sandbox, &admin, "A photo?").await;

    // What WhatsApp would refuse is refused before anything is kept.
    let (status, e) = upload(&admin, conversation, "a.gif", "image/gif", b"GIF89a").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{e}");
    assert_eq!(e["field"], "file", "{e}");
    assert!(
        e["message"].as_str().unwrap().contains("JPEG or PNG"),
        "{e}"
    );
    let big = vec![0u8; 5 * 1024 * 1024 + 1];
    let (status, e) = upload(&admin, conversation, "big.jpg", "image/jpeg", &big).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        e["message"].as_str().unwrap().contains("at most 5 MB"),
        "{e}"
    );

    // A photo: uploaded to WhatsApp at send time, its media id named in the message.
    let png = pronto_sandbox::profile_picture("the-parcel");
    let (status, file) = upload(&admin, conversation, "parcel.png", "image/png", &png).await;
    assert_eq!(status, StatusCode::CREATED, "{file}");
    assert_eq!(file["type"], "image");
    let mut ids = Vec::new();
    for key in ["one", "two"] {
        app.advance(MIN);
        let (status, reply) = admin
            .send(
                admin
                    .request(
                        reqwest::Method::POST,
                        &format!("/api/v1/conversations/{conversation}/messages"),
                    )
                    .header("idempotency-key", key)
                    .json(
                        &json!({"text": "Here it is", "attachments": [{"upload_id": file["id"]}]}),
                    ),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{reply}");
        assert_eq!(
            deliver_next(&app.state).await.unwrap(),
            Outcome::Delivered(reply["id"].as_i64().unwrap())
        );
        let sends = sandbox.sends();
        let call = sends.last().unwrap();
        assert_eq!(call.body["type"], "image", "{}", call.body);
        assert_eq!(call.body["image"]["caption"], "Here it is");
        ids.push(call.body["image"]["id"].as_str().unwrap().to_owned());
    }
    let uploads: Vec<_> = sandbox
        .requests()
        .into_iter()
        .filter(|r| r.path.ends_with(&format!("/{PNID}/media")))
        .collect();
    assert_eq!(uploads.len(), 1, "the same file goes to WhatsApp once");
    assert_eq!(uploads[0].status, 200, "{:?}", uploads[0].response);
    assert!(uploads[0].proof_ok);
    assert_eq!(uploads[0].response["id"].as_str(), Some(ids[0].as_str()));
    assert_eq!(ids[0], ids[1], "its media id reused");
    // Both sends were accepted: the media id is the number's.
    sandbox.deliver_pending().await;
    drain(&app).await;
    let (_, c) = admin
        .get(&format!("/api/v1/conversations/{conversation}"))
        .await;
    let replies: Vec<&Value> = c["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["author"] == "agent")
        .collect();
    assert_eq!(replies.len(), 2);
    assert!(replies.iter().all(|m| m["status"] == "delivered"), "{c}");

    // A document keeps its name as the file name WhatsApp shows.
    let pdf = b"%PDF-1.4\n%%EOF\n";
    let (_, doc) = upload(&admin, conversation, "invoice.pdf", "application/pdf", pdf).await;
    let (status, _) = admin
        .post(
            &format!("/api/v1/conversations/{conversation}/messages"),
            json!({"text": "", "attachments": [{"upload_id": doc["id"]}]}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    assert!(matches!(
        deliver_next(&app.state).await.unwrap(),
        Outcome::Delivered(_)
    ));
    let sends = sandbox.sends();
    let call = sends.last().unwrap();
    assert_eq!(call.body["type"], "document", "{}", call.body);
    assert_eq!(call.body["document"]["filename"], "invoice.pdf");
    app.stop().await;
}

#[tokio::test]
async fn an_ad_answered_within_a_day_opens_72_free_hours_shown_in_the_composer() {
    for db in testing::backends().await {
        free_entry_point(db).await;
    }
}

async fn free_entry_point(db: TestDb) {
    use crate::support::html;
    let (app, sandbox, admin, channel) = synced(db).await;
    sandbox.whatsapp_customer_message(
        PNID,
        CUSTOMER,
        "Sheena Nelson",
        json!({"type": "text", "text": {"body": "I saw your ad"},
            "referral": {"source_type": "ad", "source_id": "AD1", "headline": "Sale", "ctwa_clid": "C1"}}),
        T0,
    );
    sandbox.deliver_pending().await;
    drain(&app).await;
    let (conversation, _) = conversation(&admin).await;
    let pane = async || {
        html(&admin, &format!("/ui/conversations/{conversation}"), "en")
            .await
            .1
    };
    let p = pane().await;
    assert!(p.contains("This customer came from an ad"), "{p}");

    // The answer, an hour later, opens 72 free hours from it.
    app.advance(HOUR);
    let (status, reply) = admin
        .post(
            &format!("/api/v1/conversations/{conversation}/messages"),
            json!({"text": "Welcome!"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{reply}");
    deliver_next(&app.state).await.unwrap();
    sandbox.deliver_pending().await;
    drain(&app).await;
    let p = pane().await;
    assert!(p.contains("Free entry point (ad)"), "{p}");

    // Two days later the 24-hour window is closed (only a template may go), but
    // the free entry point still is open: the template is free.
    app.advance(2 * 24 * HOUR);
    let p = pane().await;
    assert!(p.contains("Free entry point (ad)"), "{p}");
    assert!(p.contains("data-allowed=\"false\""), "{p}");
    assert!(
        p.contains("spring_sale · en_US · marketing · <span class=\"cost\">free now</span>"),
        "the picker says the template is free now: {p}"
    );
    let (status, _) = admin
        .post(
            &format!("/api/v1/conversations/{conversation}/messages"),
            json!({"text": "no template"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, sent) = admin
        .post(
            &format!("/api/v1/conversations/{conversation}/messages"),
            json!({"text": "", "attachments": [{"type": "template", "name": "spring_sale", "language": "en_US"}]}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{sent}");
    deliver_next(&app.state).await.unwrap();
    sandbox.deliver_pending().await;
    drain(&app).await;
    let m = app
        .state
        .store
        .message(1, sent["id"].as_i64().unwrap())
        .await
        .unwrap();
    let pricing = m.pricing.expect("pricing");
    assert_eq!(pricing["type"], "free_entry_point", "{pricing}");
    assert_eq!(pricing["billable"], false);

    // After the 72 hours, it is over, and a marketing template is billed.
    app.advance(2 * 24 * HOUR);
    let p = pane().await;
    assert!(p.contains("The free entry point after the ad ended"), "{p}");
    assert!(
        p.contains(
            "spring_sale · en_US · marketing · <span class=\"cost\">billed by WhatsApp</span>"
        ),
        "{p}"
    );
    let (status, _) = admin
        .post(
            &format!("/api/v1/conversations/{conversation}/messages"),
            json!({"text": "", "attachments": [{"type": "template", "name": "spring_sale", "language": "en_US"}]}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    deliver_next(&app.state).await.unwrap();
    sandbox.deliver_pending().await;
    drain(&app).await;

    // The month's cost, from each message's pricing: by category, billable or free
    // (the answer that opened the free entry point is priced in it too).
    let (status, costs) = admin
        .get(&format!("/api/v1/channels/{channel}/costs?month=2026-03"))
        .await;
    assert_eq!(status, StatusCode::OK, "{costs}");
    assert_eq!(
        (costs["billable"].as_i64(), costs["free"].as_i64()),
        (Some(1), Some(2)),
        "{costs}"
    );
    assert_eq!(
        costs["categories"],
        json!([
            {"category": "marketing", "billable": 1, "free": 1, "free_entry_point": 1},
            {"category": "service", "billable": 0, "free": 1, "free_entry_point": 1}
        ])
    );
    let (_, april) = admin
        .get(&format!("/api/v1/channels/{channel}/costs?month=2026-04"))
        .await;
    assert_eq!(april["categories"], json!([]));
    let (status, e) = admin
        .get(&format!("/api/v1/channels/{channel}/costs?month=March"))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{e}");
    // The channel's settings say it too, in the admin's language.
    let (_, settings) = html(&admin, "/settings", "fr").await;
    assert!(settings.contains("1 facturables, 2 gratuits"), "{settings}");
    app.stop().await;
}

#[tokio::test]
async fn a_template_with_header_and_button_parameters_is_checked_sent_and_previewed() {
    for db in testing::backends().await {
        template_parts(db).await;
    }
}

async fn template_parts(db: TestDb) {
    let (app, sandbox, admin, channel) = connected(db).await;
    sandbox.with_whatsapp(PNID, |n| {
        *n = n.clone().with_sample_templates();
    });
    let conversation = customer_wrote(&app, &sandbox, &admin, "Where is it?").await;
    sync(&admin, channel).await;
    // Two days later only a template goes.
    app.advance(2 * 24 * HOUR);
    let path = format!("/api/v1/conversations/{conversation}/messages");

    // The dynamic link's end is required, and the header's variable.
    let (status, e) = admin
        .post(
            &path,
            json!({"text": "", "attachments": [{"type": "template", "name": "order_shipped",
                "language": "en_US", "parameters": ["today"], "header": {"type": "text", "text": "A-1"}}]}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("needs the end of its link"),
        "{e}"
    );
    let (status, e) = admin
        .post(
            &path,
            json!({"text": "", "attachments": [{"type": "template", "name": "order_shipped",
                "language": "en_US", "parameters": ["today"], "buttons": [{"index": 0, "url": "A-1"}]}]}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("header needs a text"),
        "{e}"
    );
    assert!(sandbox.sends().is_empty(), "nothing refused was sent");

    // Filled: stored as the customer sees it, sent with every component.
    let (status, sent) = admin
        .post(
            &path,
            json!({"text": "", "attachments": [{"type": "template", "name": "order_shipped",
                "language": "en_US", "parameters": ["today"], "header": {"type": "text", "text": "A-1"},
                "buttons": [{"index": 0, "url": "A-1"}, {"index": 1, "payload": "STOP_A1"}]}]}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{sent}");
    assert_eq!(
        sent["text"],
        "Order A-1\nGood news: it left our warehouse today.\nPronto Demo Shop\n[Track it] [Stop updates]"
    );
    assert_eq!(
        deliver_next(&app.state).await.unwrap(),
        Outcome::Delivered(sent["id"].as_i64().unwrap())
    );
    let sends = sandbox.sends();
    let call = sends.last().unwrap();
    assert_eq!(call.status, 200, "{}", call.response);
    let components = &call.body["template"]["components"];
    assert_eq!(components[0]["parameters"][0]["text"], "A-1");
    assert_eq!(components[2]["sub_type"], "url");
    assert_eq!(components[2]["parameters"][0]["text"], "A-1");
    assert_eq!(components[3]["parameters"][0]["payload"], "STOP_A1");

    // A media header goes by its link.
    let (status, sent) = admin
        .post(
            &path,
            json!({"text": "", "attachments": [{"type": "template", "name": "new_arrivals",
                "language": "en_US", "parameters": ["Sheena"],
                "header": {"type": "image", "link": "https://shop.example/new.png"}}]}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{sent}");
    assert_eq!(sent["text"], "[image]\nNew arrivals are in, Sheena!");
    deliver_next(&app.state).await.unwrap();
    let sends = sandbox.sends();
    let call = sends.last().unwrap();
    assert_eq!(call.status, 200, "{}", call.response);
    assert_eq!(
        call.body["template"]["components"][0]["parameters"][0]["image"]["link"],
        "https://shop.example/new.png"
    );

    // The composer's form has a field for each part, and the preview shows them.
    let p = crate::support::html(&admin, &format!("/ui/conversations/{conversation}"), "en")
        .await
        .1;
    assert!(p.contains("data-part=\"header\""), "{p}");
    assert!(p.contains("data-part=\"url\""), "{p}");
    assert!(p.contains("data-part=\"payload\""), "{p}");
    assert!(p.contains("data-part=\"header-media\""), "{p}");
    assert!(p.contains("Button “Track it”: the end of its link"), "{p}");
    app.stop().await;
}

#[tokio::test]
async fn a_rule_sends_a_template_as_an_automation_that_is_never_a_response() {
    for db in testing::backends().await {
        rule_template(db).await;
    }
}

async fn rule_template(db: TestDb) {
    let (app, sandbox, admin, _) = synced(db).await;
    let rule = json!({"name": "Order news", "when": {"type": "customer_message"},
        "if": [{"type": "text_contains", "text": "shipped"}],
        "then": [{"type": "send_template", "name": "order_update",
                  "parameters": ["{first_name}", "Friday"]}]});
    let (status, created) = admin.post("/api/v1/rules", rule).await;
    assert_eq!(status, StatusCode::CREATED, "{created}");
    // The customer asks: the rule answers with the template, in their language
    // (English, the only version), the contact's first name filled in.
    sandbox.whatsapp_customer_text(PNID, CUSTOMER, "Sheena Nelson", "Has it shipped?", T0);
    sandbox.deliver_pending().await;
    drain(&app).await;
    assert_eq!(
        deliver_next(&app.state).await.unwrap(),
        Outcome::Delivered(2),
        "the rule's template is queued after the customer's message"
    );
    let sends = sandbox.sends();
    let call = sends.last().unwrap();
    assert_eq!(call.status, 200, "{}", call.response);
    assert_eq!(call.body["template"]["name"], "order_update");
    assert_eq!(call.body["template"]["language"]["code"], "en_US");
    assert_eq!(
        call.body["template"]["components"][0]["parameters"],
        json!([{"type": "text", "text": "Sheena"}, {"type": "text", "text": "Friday"}])
    );
    let (_, c) = conversation(&admin).await;
    let sent = &c["messages"][1];
    assert_eq!(sent["author"], "automation", "{c}");
    assert_eq!(sent["text"], "Your order Sheena ships on Friday.");
    assert_eq!(
        c["conversation"]["waiting_since"], T0,
        "an automation is never a response: {c}"
    );

    // Two days later (window closed), the same rule still may send it: a template.
    app.advance(2 * 24 * HOUR);
    let at = T0 + 2 * 24 * HOUR;
    sandbox.whatsapp_customer_text(PNID, CUSTOMER, "Sheena Nelson", "shipped yet?", at);
    sandbox.deliver_pending().await;
    drain(&app).await;
    assert!(matches!(
        deliver_next(&app.state).await.unwrap(),
        Outcome::Delivered(_)
    ));
    assert_eq!(sandbox.sends().last().unwrap().body["type"], "template");
    app.stop().await;
}

#[tokio::test]
async fn the_outbox_keeps_the_numbers_pace_and_a_pair_limit_holds_that_customer_only() {
    for db in testing::backends().await {
        pacing(db).await;
    }
}

async fn pacing(db: TestDb) {
    let (app, sandbox, admin, channel) = connected(db).await;
    // A number that takes 2 messages a second (a coexistence number takes 20).
    let stored = app
        .state
        .store
        .channel_any_workspace(channel)
        .await
        .unwrap();
    let mut config = stored.config.clone();
    config["messages_per_second"] = json!(2);
    app.state
        .store
        .set_channel_config(1, channel, &config)
        .await
        .unwrap();
    const OTHER: &str = "33612345678";
    sandbox.whatsapp_customer_text(PNID, CUSTOMER, "Sheena Nelson", "Hi", T0);
    sandbox.whatsapp_customer_text(PNID, OTHER, "Léa Martin", "Bonjour", T0);
    sandbox.deliver_pending().await;
    drain(&app).await;
    let (_, list) = admin.get("/api/v1/conversations").await;
    let id_of = |name: &str| {
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["contact_name"] == name || c["contact"]["name"] == name)
            .map(|c| c["id"].as_i64().unwrap())
            .unwrap_or_else(|| panic!("{name} in {list}"))
    };
    let (sheena, lea) = (id_of("Sheena Nelson"), id_of("Léa Martin"));
    let reply = async |conversation: i64, text: &str| {
        let (status, m) = admin
            .post(
                &format!("/api/v1/conversations/{conversation}/messages"),
                json!({"text": text}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{m}");
        m["id"].as_i64().unwrap()
    };
    let a1 = reply(sheena, "one").await;
    let a2 = reply(sheena, "two").await;
    let b1 = reply(lea, "un").await;

    // 131056: too many to Sheena. Her messages wait; Léa's goes.
    let pair = json!({"error": {"message": "(#131056) Pair rate limit hit", "type": "OAuthException",
        "code": 131056, "error_data": {"messaging_product": "whatsapp",
        "details": "Message failed to send because there were too many messages sent from this phone number to the same phone number in a short period of time."},
        "fbtrace_id": "x"}});
    sandbox.push_error(400, pair);
    let Outcome::Retrying(m, next) = deliver_next(&app.state).await.unwrap() else {
        panic!("131056 is retried");
    };
    assert_eq!(m, a1);
    assert_eq!(
        deliver_next(&app.state).await.unwrap(),
        Outcome::Delivered(b1),
        "the other customer's message goes at once"
    );
    assert_eq!(
        deliver_next(&app.state).await.unwrap(),
        Outcome::Idle,
        "Sheena's second message waits with her first"
    );

    // Then hers, in order, two a second: the third waits for the next second,
    // without counting an attempt.
    app.advance(next - T0);
    let a3 = reply(sheena, "three").await;
    assert_eq!(
        deliver_next(&app.state).await.unwrap(),
        Outcome::Delivered(a1)
    );
    assert_eq!(
        deliver_next(&app.state).await.unwrap(),
        Outcome::Delivered(a2)
    );
    let Outcome::Paced(m, turn) = deliver_next(&app.state).await.unwrap() else {
        panic!("the third message of the second waits its turn");
    };
    assert_eq!(m, a3);
    assert!(turn > next && turn <= next + 1_000_000, "{turn} {next}");
    assert_eq!(deliver_next(&app.state).await.unwrap(), Outcome::Idle);
    app.advance(turn - next);
    assert_eq!(
        deliver_next(&app.state).await.unwrap(),
        Outcome::Delivered(a3)
    );
    let texts: Vec<String> = sandbox
        .sends()
        .iter()
        .filter(|r| r.status == 200)
        .map(|r| {
            r.body["text"]["body"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        })
        .collect();
    assert_eq!(texts, ["un", "one", "two", "three"]);
    app.stop().await;
}

#[tokio::test]
async fn templates_are_synchronized_on_a_schedule() {
    for db in testing::backends().await {
        scheduled_sync(db).await;
    }
}

async fn scheduled_sync(db: TestDb) {
    use pronto_server::whatsapp::templates::{SYNC_EVERY, scheduled};
    let (app, sandbox, admin, channel) = connected(db).await;
    let reads = |sandbox: &Sandbox| {
        sandbox
            .requests()
            .iter()
            .filter(|r| r.path.ends_with("/message_templates"))
            .count()
    };
    // A new channel is synchronized at once, then not before its time.
    assert!(scheduled(&app.state).await.unwrap());
    assert!(!scheduled(&app.state).await.unwrap());
    assert_eq!(reads(&sandbox), 1);
    let (_, list) = admin
        .get(&format!("/api/v1/channels/{channel}/templates"))
        .await;
    assert_eq!(list.as_array().unwrap().len(), 2, "{list}");

    // Six hours later, again; a refusal is recorded and waits its turn too.
    app.advance(SYNC_EVERY + MIN);
    sandbox.push_error(
        400,
        json!({"error": {"code": 190, "message": "(#190) token expired", "type": "OAuthException"}}),
    );
    assert!(scheduled(&app.state).await.unwrap());
    assert!(!scheduled(&app.state).await.unwrap());
    assert_eq!(reads(&sandbox), 2);
    app.advance(SYNC_EVERY + MIN);
    assert!(scheduled(&app.state).await.unwrap());
    assert_eq!(reads(&sandbox), 3);
    app.stop().await;
}
