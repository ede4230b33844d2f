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
        .wait_until("document.querySelector('.contact-name img.avatar').naturalWidth === 50")
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
    // Marked VIP from the card: routing hands her conversations out first.
    browser.click(".card button.vip").await;
    browser
        .wait_until(
            "document.querySelector('.card button.vip').getAttribute('aria-pressed') === 'true'",
        )
        .await;
    let (_, vips) = live.admin.get("/team").await;
    assert!(
        vips.as_str().unwrap().contains("Giulia Rossi"),
        "the team page lists her as VIP"
    );
    browser.screenshot("contact-card").await;
    browser.close().await;
}

/// One person known on Messenger and on the shop's own channel: found from the
/// card by name, merged after the confirmation; a contact known on the same
/// channel is refused with the reason shown.
#[tokio::test]
async fn browser_two_contacts_of_one_person_are_merged_from_the_card() {
    let Some(browser) = Browser::open().await else {
        return;
    };
    let live = Live::start().await;
    live.customer_says("PSID_GIULIA", "Giulia Rossi", "Spedite in Svizzera?")
        .await;
    let messenger = live.conversation_of("Spedite in Svizzera?").await;
    live.named(messenger, "Giulia Rossi").await;
    live.customer_says("PSID_GIORGIO", "Giorgio Rossi", "Buongiorno")
        .await;
    let giorgio = live.conversation_of("Buongiorno").await;
    live.named(giorgio, "Giorgio Rossi").await;
    let receiver = crate::support::Receiver::spawn(vec![]).await;
    let shop = crate::support::api_channel(&live.admin, &receiver).await;
    let (status, m) = live
        .admin
        .post(
            &format!("/api/v1/channels/{shop}/inbound"),
            json!({"message_id": "shop-1", "contact_id": "giulia-42",
                "contact_name": "Giulia Rossi", "text": "Il mio ordine A-1234?"}),
        )
        .await;
    assert_eq!(status, axum::http::StatusCode::CREATED, "{m}");
    let on_shop = m["conversation_id"].as_i64().unwrap();
    let contact_of = |conversation: i64| {
        let admin = &live.admin;
        async move {
            let (_, d) = admin
                .get(&format!("/api/v1/conversations/{conversation}"))
                .await;
            d["contact"]["id"].as_i64().unwrap()
        }
    };
    let giulia = contact_of(messenger).await;
    assert_ne!(contact_of(on_shop).await, giulia);

    live.sign_in(&browser, &live.app.url("")).await;
    browser
        .goto(&live.app.url(&format!("/inbox?c={messenger}")))
        .await;
    browser.wait_for_text(".contact-name", "Giulia Rossi").await;
    browser.click(".contact-merge summary").await;
    browser.type_into("#merge-query", "rossi").await;
    browser.click("#merge-form button[type=submit]").await;
    // Both other Rossis are offered, each with its channel; she is not.
    browser
        .wait_for_text("#merge-results", "Giorgio Rossi")
        .await;
    browser
        .wait_for_text("#merge-results", "Giulia Rossi")
        .await;
    assert_eq!(
        browser
            .execute("return document.querySelectorAll('#merge-results button[data-merge]').length")
            .await,
        2
    );
    browser.assert_axe_clean("the merge lookup").await;
    browser.execute("window.confirm = () => true").await;

    // Giorgio is known on Messenger too: refused, with the reason.
    browser
        .click("#merge-results li:first-child button[data-merge]")
        .await;
    browser
        .wait_for_text("#merge-error", "each has their own conversation")
        .await;
    assert_ne!(contact_of(giorgio).await, giulia);

    // Giulia on the shop's channel: merged; the card lists both channels.
    browser
        .click("#merge-results li:last-child button[data-merge]")
        .await;
    browser.wait_for_text("ul.identities", "giulia-42").await;
    assert_eq!(contact_of(on_shop).await, giulia);
    browser.close().await;
}
