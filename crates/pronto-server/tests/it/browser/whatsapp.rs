//! WhatsApp in Chromium: the window is closed, so the composer's side offers the
//! approved templates; the agent fills one with a header, a dynamic link and a
//! quick reply's payload, then one with body parameters only (the preview follows),
//! sends them, and the sandbox's Cloud API receives them with their parameters.

use std::time::Duration;

use axum::http::StatusCode;
use pronto_sandbox::WhatsAppNumber;
use serde_json::json;

use super::Browser;
use super::inbox::Live;

const SECRET: &str = "wa-e2e-secret";
const TOKEN: &str = "EAAG-wa-e2e";
const PNID: &str = "106540352242922";
const WABA: &str = "102290129340398";

#[tokio::test]
async fn browser_the_closed_window_composer_offers_templates_and_sends_one() {
    let Some(browser) = Browser::open().await else {
        return;
    };
    let live = Live::start().await;
    live.sandbox.add_whatsapp(
        WhatsAppNumber::new(PNID, WABA, SECRET, TOKEN)
            .with_template(
                "order_update",
                "en_US",
                "UTILITY",
                "Your order {{1}} ships on {{2}}.",
            )
            .with_template_components(
                "order_shipped",
                "en_US",
                "UTILITY",
                json!([
                    {"type": "HEADER", "format": "TEXT", "text": "Order {{1}}"},
                    {"type": "BODY", "text": "It left our warehouse {{1}}."},
                    {"type": "BUTTONS", "buttons": [
                        {"type": "URL", "text": "Track it", "url": "https://shop.example/track/{{1}}"},
                        {"type": "QUICK_REPLY", "text": "Stop updates"}]}]),
            ),
    );
    let (status, c) = live
        .admin
        .post(
            "/api/v1/channels",
            json!({"kind": "whatsapp", "name": "Acme WhatsApp", "config": {
                "phone_number_id": PNID, "waba_id": WABA, "app_id": "901",
                "app_secret": SECRET, "access_token": TOKEN}}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{c}");
    let channel = c["id"].as_i64().unwrap();
    let (status, synced) = live
        .admin
        .post(
            &format!("/api/v1/channels/{channel}/templates/sync"),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{synced}");

    // The customer wrote 25 hours ago: only a template may go now.
    let at = live.app.state.now() - 25 * 3_600_000_000;
    let body = pronto_sandbox::whatsapp_text_body(
        WABA,
        PNID,
        "16505551234",
        "Sheena Nelson",
        "wamid.OLD",
        "Where is my order?",
        at,
    );
    let r = reqwest::Client::new()
        .post(live.app.url(&format!("/webhooks/meta/{channel}")))
        .header("x-hub-signature-256", pronto_sandbox::sign(SECRET, &body))
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let conversation = live.conversation_of("Where is my order?").await;

    live.sign_in(&browser, &live.app.url("")).await;
    browser
        .goto(&live.app.url(&format!("/inbox?c={conversation}")))
        .await;
    browser.wait_for("#templates").await;
    browser
        .wait_for_text("#reply-why", "only takes an approved template")
        .await;
    // order_shipped comes first (by name): its header, body and buttons.
    browser.click("#templates summary").await;
    browser.type_into("#template-0-header", "A-9").await;
    browser.type_into("#template-0-0", "today").await;
    browser.type_into("#template-0-button-0", "A-9").await;
    browser.type_into("#template-0-button-1", "STOP_A9").await;
    browser
        .wait_for_text("#templates [data-preview]", "Order A-9")
        .await;
    browser
        .wait_for_text("#templates [data-preview]", "[Track it] [Stop updates]")
        .await;
    browser.click("#templates button[type=submit]").await;
    let shipped = sent_template(&live, "order_shipped").await;
    assert_eq!(shipped.status, 200, "{}", shipped.response);
    assert_eq!(
        shipped.body["template"]["components"],
        json!([
            {"type": "header", "parameters": [{"type": "text", "text": "A-9"}]},
            {"type": "body", "parameters": [{"type": "text", "text": "today"}]},
            {"type": "button", "sub_type": "url", "index": "0", "parameters": [{"type": "text", "text": "A-9"}]},
            {"type": "button", "sub_type": "quick_reply", "index": "1", "parameters": [{"type": "payload", "payload": "STOP_A9"}]}])
    );
    browser.wait_for_text("#thread", "Order A-9").await;
    // Its `sent` status redraws the pane; the next template is filled on a fresh
    // page after it (a redraw keeps what is typed, not webdriver's handles).
    browser.wait_for_text("#thread", "Sent").await;
    browser
        .goto(&live.app.url(&format!("/inbox?c={conversation}")))
        .await;
    browser.wait_for("#template-1-0").await;
    browser
        .click("#templates details:nth-of-type(2) summary")
        .await;
    browser.type_into("#template-1-0", "A-17").await;
    browser.type_into("#template-1-1", "Friday").await;
    browser
        .wait_for_text(
            "#templates details:nth-of-type(2) [data-preview]",
            "Your order A-17 ships on Friday.",
        )
        .await;
    browser.screenshot("whatsapp-templates").await;
    let violations = browser.axe_violations().await;
    assert!(violations.is_empty(), "axe: {violations:?}");
    browser
        .click("#templates details:nth-of-type(2) button[type=submit]")
        .await;

    // The Cloud API receives the template with its parameters.
    let sent = sent_template(&live, "order_update").await;
    assert_eq!(sent.status, 200, "{}", sent.response);
    assert_eq!(
        sent.body["template"]["components"][0]["parameters"],
        json!([{"type": "text", "text": "A-17"}, {"type": "text", "text": "Friday"}])
    );
    browser
        .wait_for_text("#thread", "Your order A-17 ships on Friday.")
        .await;
    browser.close().await;
}

/// The Cloud API's call that sent the template `name` (waited for, within what the
/// outbox takes).
async fn sent_template(live: &Live, name: &str) -> pronto_sandbox::LoggedRequest {
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    loop {
        let sends = live.sandbox.sends();
        if let Some(r) = sends
            .iter()
            .find(|r| r.body["type"] == "template" && r.body["template"]["name"] == name)
        {
            return r.clone();
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the Cloud API got no template {name}: {sends:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
