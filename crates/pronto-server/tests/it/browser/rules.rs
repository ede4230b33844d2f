//! The rules page in Chromium: a rule made with the form (a bad pattern shown on
//! its field), turned off, edited; axe-clean.

use serde_json::json;

use super::{Browser, Key};
use crate::support::TestApp;

#[tokio::test]
async fn browser_an_admin_makes_turns_off_and_edits_a_rule() {
    let Some(browser) = Browser::open().await else {
        return;
    };
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    browser
        .sign_in_as_admin(&app.url("/rules"), "#rule-form")
        .await;
    browser.wait_for_text("#rules-list", "No rule yet.").await;

    browser.type_into("#rule-name", "Prices").await;
    browser.click("button[data-add=condition]").await;
    assert_eq!(
        browser
            .execute("return document.activeElement.dataset.paramType !== undefined")
            .await,
        json!(true),
        "the new condition's kind has the focus"
    );
    browser
        .execute(
            "const s = document.activeElement; s.value = 'text_matches'; s.dispatchEvent(new Event('change'));",
        )
        .await;
    let pattern = "#conditions-list [data-kind=text_matches] input";
    browser.type_into(pattern, "(").await;
    browser.click("#rule-form button[type=submit]").await;
    let error = browser
        .wait_for_text("#conditions-list .field-error", "if[0].pattern")
        .await;
    assert!(error.contains("regular expression"), "{error}");
    assert_eq!(
        browser
            .execute("const e = document.activeElement; return [e.dataset.param, e.getAttribute('aria-invalid')]")
            .await,
        json!(["pattern", "true"])
    );
    browser
        .assert_axe_clean("the rules page with an error")
        .await;

    browser.press_key(Key::Backspace).await;
    browser.type_into(pattern, "price|cost").await;
    browser.press_key(Key::Enter).await;
    browser.wait_for_text("#rules-list", "Prices").await;
    let (_, rules) = admin.get("/api/v1/rules").await;
    assert_eq!(
        rules[0]["if"],
        json!([{"type": "text_matches", "pattern": "price|cost"}])
    );
    assert_eq!(rules[0]["then"][0]["type"], "notify");
    let id = rules[0]["id"].as_i64().unwrap();

    // Off, then edited: the form is filled from the rule.
    browser.click(&format!("button[data-toggle='{id}']")).await;
    browser.wait_for_text("#rules-list .state", "Off").await;
    browser.click(&format!("button[data-edit='{id}']")).await;
    assert_eq!(
        browser
            .execute(&format!("return [document.getElementById('rule-name').value, document.querySelector('{pattern}').value, document.getElementById('rule-enabled').checked]"))
            .await,
        json!(["Prices", "price|cost", false])
    );
    browser.type_into("#rule-name", " and costs").await;
    browser.press_key(Key::Enter).await;
    browser
        .wait_for_text("#rules-list h3", "Prices and costs")
        .await;
    let (_, rules) = admin.get("/api/v1/rules").await;
    assert_eq!(rules.as_array().unwrap().len(), 1, "edited, not added");
    assert_eq!(rules[0]["enabled"], false);
    browser.assert_axe_clean("the rules page").await;
    browser.screenshot("rules").await;
    browser.close().await;
}

#[tokio::test]
async fn browser_an_admin_adds_an_outgoing_webhook_and_sees_its_secret_once() {
    let Some(browser) = Browser::open().await else {
        return;
    };
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let receiver = crate::support::Receiver::spawn(vec![]).await;
    browser
        .sign_in_as_admin(&app.url("/settings#webhooks"), "#webhook-form")
        .await;

    // A URL that is not one: said beside the field, which takes the focus.
    browser.type_into("#webhook-url", "ftp://files.test").await;
    browser.press_key(Key::Enter).await;
    browser
        .wait_for_text("#webhook-url-error", "http:// or https://")
        .await;
    assert_eq!(
        browser.execute("return document.activeElement.id").await,
        json!("webhook-url")
    );
    browser
        .execute("document.getElementById('webhook-url').value = ''")
        .await;
    browser.type_into("#webhook-url", &receiver.url).await;
    browser
        .click("#webhook-kinds input[value='conversation.assigned']")
        .await;
    browser.press_key(Key::Enter).await;
    browser
        .wait_until("document.querySelector('#webhook-created [data-field=signing_secret]').textContent.length >= 24")
        .await;
    let secret = browser
        .execute("return document.querySelector('#webhook-created [data-field=signing_secret]').textContent")
        .await;
    let secret = secret.as_str().unwrap().to_owned();
    browser.wait_for_text("#webhooks-list", "Delivering").await;
    let (_, subs) = admin.get("/api/v1/webhooks").await;
    assert_eq!(
        subs[0]["kinds"],
        json!(["conversation.assigned", "message.created"])
    );
    assert!(
        !subs.to_string().contains(&secret),
        "the secret is not listed"
    );
    // It is the one the deliveries are signed with.
    *receiver.secret.lock().unwrap() = secret;
    let channel =
        crate::support::api_channel(&admin, &crate::support::Receiver::spawn(vec![]).await).await;
    crate::support::customer_says(&admin, channel, "c1", "m1", "hello").await;
    while pronto_server::integrations::deliver_next(&app.state)
        .await
        .unwrap()
        != pronto_server::integrations::Outcome::Idle
    {}
    let seen = receiver.seen();
    assert!(
        !seen.is_empty() && seen.iter().all(|s| s.signature_ok),
        "{seen:?}"
    );
    browser.assert_axe_clean("the webhooks section").await;
    browser.close().await;
}
