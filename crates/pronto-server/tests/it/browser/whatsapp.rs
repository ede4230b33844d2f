//! WhatsApp in Chromium: the window is closed, so the composer's side offers the
//! approved templates; the agent fills one (the preview follows), sends it, and the
//! sandbox's Cloud API receives it with its parameters.

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
        WhatsAppNumber::new(PNID, WABA, SECRET, TOKEN).with_template(
            "order_update",
            "en_US",
            "UTILITY",
            "Your order {{1}} ships on {{2}}.",
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
    browser.click("#templates summary").await;
    browser.type_into("#template-0-0", "A-17").await;
    browser.type_into("#template-0-1", "Friday").await;
    browser
        .wait_for_text(
            "#templates [data-preview]",
            "Your order A-17 ships on Friday.",
        )
        .await;
    browser.screenshot("whatsapp-templates").await;
    let violations = browser.axe_violations().await;
    assert!(violations.is_empty(), "axe: {violations:?}");
    browser.click("#templates button[type=submit]").await;

    // The Cloud API receives the template with its parameters.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    let sent = loop {
        let sends = live.sandbox.sends();
        if let Some(r) = sends.iter().find(|r| r.body["type"] == "template") {
            break r.clone();
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the Cloud API got no template: {sends:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
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
