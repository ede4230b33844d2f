//! A channel's settings page in Chromium: hours typed with the keyboard, an error
//! shown on the day it concerns, the week and the availability following the save,
//! a keyword rule added, routing changed; axe-clean with an error on screen.

use serde_json::json;

use super::{Browser, Key};
use crate::support::{Receiver, TestApp, api_channel};

#[tokio::test]
async fn browser_an_admin_sets_a_channels_hours_replies_and_routing() {
    let Some(browser) = Browser::open().await else {
        return;
    };
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let receiver = Receiver::spawn(vec![]).await;
    let channel = api_channel(&admin, &receiver).await;

    browser
        .sign_in_as_admin(&app.url("/settings"), "#channels-list")
        .await;
    browser
        .click(&format!("a[href='/settings/channels/{channel}']"))
        .await;
    browser.wait_for("#hours-form").await;
    browser
        .wait_for_text("#week-summary", "No business hours")
        .await;

    // Hours on; a wrong range on Wednesday; Enter submits.
    browser.click("#hours-on").await;
    browser
        .execute("document.getElementById('hours-timezone').value = ''")
        .await;
    browser.type_into("#hours-timezone", "Europe/Paris").await;
    browser.type_into("#hours-monday", "09:00-18:00").await;
    browser.type_into("#hours-wednesday", "9-12").await;
    browser.press_key(Key::Enter).await;
    let error = browser
        .wait_for_text("#hours-wednesday-error", "Wednesday, range 1")
        .await;
    assert!(error.contains("\"9-12\""), "{error}");
    assert_eq!(
        browser
            .execute("const e = document.activeElement; return [e.id, e.getAttribute('aria-invalid'), e.getAttribute('aria-describedby')]")
            .await,
        json!(["hours-wednesday", "true", "hours-ranges-hint hours-wednesday-error"]),
        "focus is on the field, which says it is wrong and why"
    );
    browser
        .assert_axe_clean("the channel settings with an error")
        .await;

    // Corrected: saved, and the week and the availability follow.
    browser
        .execute("document.getElementById('hours-wednesday').value = ''")
        .await;
    browser.type_into("#hours-wednesday", "09:00-12:00").await;
    browser.press_key(Key::Enter).await;
    browser.wait_for_text("#week-summary", "Next change").await;
    assert_eq!(
        browser
            .execute("return document.getElementById('hours-wednesday-error').textContent")
            .await,
        json!(""),
        "the error is gone"
    );
    browser.wait_for_text("table.week", "09:00–18:00").await;
    let (_, saved) = admin
        .get(&format!("/api/v1/channels/{channel}/automation"))
        .await;
    assert_eq!(saved["hours"]["timezone"], "Europe/Paris");
    assert_eq!(saved["hours"]["weekly"]["monday"], json!(["09:00-18:00"]));
    assert_eq!(
        saved["hours"]["weekly"]["wednesday"],
        json!(["09:00-12:00"])
    );

    // The away message and a keyword rule, saved from the other form.
    browser.click("#away-on").await;
    browser
        .type_into("#away-text", "We are back {back_at}.")
        .await;
    // Its Italian text, for customers who write in Italian.
    browser
        .click("fieldset[data-message=away_message] details.translations summary")
        .await;
    browser
        .type_into("#away-text-it", "Torniamo {back_at}.")
        .await;
    browser.type_into("#rule-new-keywords", "price, cost").await;
    browser.type_into("#rule-new-reply", "From 10 EUR.").await;
    browser.click("#replies-form button[type=submit]").await;
    // The new rule becomes rule 1, and an empty one is offered again.
    browser.wait_for("#rule-0-keywords").await;
    assert_eq!(
        browser
            .execute("return [document.getElementById('rule-0-keywords').value, document.getElementById('rule-new-keywords').value]")
            .await,
        json!(["price, cost", ""])
    );
    let (_, saved) = admin
        .get(&format!("/api/v1/channels/{channel}/automation"))
        .await;
    assert_eq!(saved["away_message"]["enabled"], true);
    assert_eq!(saved["away_message"]["text"], "We are back {back_at}.");
    assert_eq!(
        saved["away_message"]["translations"],
        json!({"it": "Torniamo {back_at}."})
    );
    assert_eq!(
        saved["keyword_replies"]["rules"],
        json!([{"keywords": ["price", "cost"], "reply": "From 10 EUR."}])
    );
    assert_eq!(saved["hours"]["weekly"]["monday"], json!(["09:00-18:00"]));

    // Set away by hand from the page.
    browser.click("#presence-part button[type=submit]").await;
    browser
        .wait_for_text("#presence-state", "set by hand")
        .await;
    let (_, view) = admin.get(&format!("/api/v1/channels/{channel}")).await;
    assert_eq!(view["status"]["status"], "away");

    // Routing.
    browser
        .execute("const s = document.getElementById('routing-mode'); s.value = 'round_robin';")
        .await;
    browser.click("#routing-form button[type=submit]").await;
    browser.wait_for_text("#live-status", "Saved").await;
    let (_, routing) = admin
        .get(&format!("/api/v1/channels/{channel}/routing"))
        .await;
    assert_eq!(routing["mode"], "round_robin");

    browser.assert_axe_clean("the channel settings").await;
    browser.screenshot("channel-settings").await;
    browser.close().await;
}
