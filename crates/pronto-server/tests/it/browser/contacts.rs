//! The contact card in Chromium: the name and picture from the customer's profile,
//! the language, and the card edited by hand, a refused field marked where it is.

use serde_json::json;

use super::Browser;
use super::inbox::Live;

#[tokio::test]
async fn browser_a_named_customer_and_the_contact_card_edited() {
    let Some(browser) = Browser::open().await else {
        return;
    };
    let live = Live::start().await;
    let (status, body) = live
        .admin
        .post(
            "/api/v1/contact-attributes",
            json!({"key": "order_number", "label": "Order", "kind": "text"}),
        )
        .await;
    assert_eq!(status, axum::http::StatusCode::CREATED, "{body}");
    live.sandbox
        .set_customer_profile("PAGE_E2E", "PSID_GIULIA", Some("it_IT"), None, Some(1));
    live.customer_says("PSID_GIULIA", "Giulia Rossi", "Spedite in Svizzera?")
        .await;
    let conversation = live.conversation_of("Spedite in Svizzera?").await;
    live.named(conversation, "Giulia Rossi").await;

    live.sign_in(&browser, &live.app.url("")).await;
    browser
        .goto(&live.app.url(&format!("/inbox?c={conversation}")))
        .await;
    browser.wait_for_text(".contact-name", "Giulia Rossi").await;
    // Her picture, copied from her profile and served by Pronto.
    browser
        .wait_until("document.querySelector('.contact-name img.avatar').naturalWidth === 1")
        .await;
    browser
        .wait_for_text(
            "#contact-title + .contact-name + dl",
            "it (from their profile)",
        )
        .await;

    // Edit the card: a wrong email is marked on its field; nothing is saved.
    browser.click(".contact-edit summary").await;
    browser
        .type_into("#contact-email", "giulia-at-example")
        .await;
    browser
        .type_into("#contact-attr-order_number", "A-1234")
        .await;
    browser.click("#contact-form button[type=submit]").await;
    browser
        .wait_until(
            "document.getElementById('contact-email').getAttribute('aria-invalid') === 'true'",
        )
        .await;
    let error = browser.text("#contact-email-error").await;
    assert!(error.starts_with("email: "), "{error}");
    let violations = browser.axe_violations().await;
    assert!(
        violations.is_empty(),
        "axe on the card's editor: {violations:?}"
    );
    let (_, contact) = live
        .admin
        .get(&format!("/api/v1/conversations/{conversation}"))
        .await;
    assert_eq!(contact["contact"]["email"], serde_json::Value::Null);

    // Corrected, it is saved and shown.
    browser
        .execute("document.getElementById('contact-email').value = ''")
        .await;
    browser
        .type_into("#contact-email", "giulia@example.test")
        .await;
    browser.click("#contact-form button[type=submit]").await;
    browser
        .wait_for_text("#contact-title + .contact-name + dl", "giulia@example.test")
        .await;
    browser
        .wait_for_text("#contact-title + .contact-name + dl", "A-1234")
        .await;
    // The language was not touched: it is still the one her profile gave (the
    // pane is redrawn after the save and again on the contact's event, so the
    // test waits for the text rather than reading it once).
    browser
        .wait_for_text(
            "#contact-title + .contact-name + dl",
            "it (from their profile)",
        )
        .await;
    let (_, after) = live
        .admin
        .get(&format!("/api/v1/conversations/{conversation}"))
        .await;
    assert_eq!(after["contact"]["language_source"], "platform", "{after}");
    browser.screenshot("contact-card").await;
    browser.close().await;
}
