//! A saved reply written in two languages on the settings page, in Chromium: a
//! wrong variable in the Italian text is marked on that field; saved, the reply
//! keeps both texts and the editor shows them again. A file is attached to it
//! (one the channel would refuse is refused on the file's field), kept through
//! an edit, and removed.

use serde_json::json;

use super::Browser;
use super::inbox::Live;

#[tokio::test]
async fn browser_a_saved_reply_in_english_and_italian() {
    let Some(browser) = Browser::open().await else {
        return;
    };
    let live = Live::start().await;
    live.sign_in(&browser, &live.app.url("")).await;
    browser.goto(&live.app.url("/settings")).await;
    browser.wait_for("#reply-form").await;
    browser.type_into("#reply-name", "Shipping").await;
    browser.type_into("#reply-shortcut", "ship").await;
    browser
        .type_into("#reply-text", "Hi {first_name}, we ship to Switzerland.")
        .await;
    browser
        .click("#reply-form details.translations summary")
        .await;
    browser
        .type_into("#reply-text-it", "Ciao {nome}, spediamo in Svizzera.")
        .await;
    browser.click("#reply-form button[type=submit]").await;
    browser
        .wait_until(
            "document.getElementById('reply-text-it').getAttribute('aria-invalid') === 'true'",
        )
        .await;
    let error = browser.text("#reply-text-it-error").await;
    assert!(error.contains("{nome}"), "{error}");
    browser
        .assert_axe_clean("the saved reply's languages")
        .await;

    browser
        .execute("document.getElementById('reply-text-it').value = ''")
        .await;
    browser
        .type_into("#reply-text-it", "Ciao {first_name}, spediamo in Svizzera.")
        .await;
    browser.click("#reply-form button[type=submit]").await;
    browser
        .wait_for_text("#replies-list", "Ciao {first_name}, spediamo in Svizzera.")
        .await;
    let (_, replies) = live.admin.get("/api/v1/saved-replies").await;
    let ship = replies
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["shortcut"] == "ship")
        .unwrap();
    assert_eq!(
        ship["translations"],
        json!({"it": "Ciao {first_name}, spediamo in Svizzera."})
    );

    // Edited again, the Italian text is back in its field.
    browser
        .click(&format!("button[data-edit='{}']", ship["id"]))
        .await;
    browser
        .wait_until(
            "document.getElementById('reply-text-it').value === 'Ciao {first_name}, spediamo in Svizzera.'",
        )
        .await;

    // A file for it: one Messenger refuses first, then a PDF.
    let dir = tempfile::tempdir().unwrap();
    let logo = dir.path().join("logo.svg");
    std::fs::write(&logo, b"<svg/>").unwrap();
    browser.choose_file("#reply-file", &logo).await;
    browser.click("#reply-form button[type=submit]").await;
    let error = browser
        .wait_for_text("#reply-file-error", "image/svg+xml")
        .await;
    assert!(error.contains("JPEG"), "{error}");
    browser.assert_axe_clean("the saved reply's file").await;
    let pdf = dir.path().join("sizes.pdf");
    std::fs::write(&pdf, b"%PDF-1.7 sizes").unwrap();
    browser.choose_file("#reply-file", &pdf).await;
    browser.click("#reply-form button[type=submit]").await;
    browser
        .wait_for_text("#replies-list .reply-file", "sizes.pdf")
        .await;
    let upload_of = |replies: serde_json::Value| {
        replies
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["shortcut"] == "ship")
            .unwrap()["upload_id"]
            .clone()
    };
    let (_, replies) = live.admin.get("/api/v1/saved-replies").await;
    let upload = upload_of(replies);
    assert!(upload.is_i64(), "{upload}");
    // Edited without touching the file, the reply keeps it.
    let edit = format!("button[data-edit='{}']", ship["id"]);
    browser.click(&edit).await;
    browser
        .wait_for_text("#reply-file-current", "sizes.pdf")
        .await;
    browser
        .execute("document.getElementById('reply-text').value += ' Grazie!'")
        .await;
    browser.click("#reply-form button[type=submit]").await;
    browser
        .wait_for_text("#replies-list", "Switzerland. Grazie!")
        .await;
    let (_, replies) = live.admin.get("/api/v1/saved-replies").await;
    assert_eq!(upload_of(replies), upload);
    // Removed.
    browser.click(&edit).await;
    browser.wait_for("#reply-file-remove:not([hidden])").await;
    browser.click("#reply-file-remove input").await;
    browser.click("#reply-form button[type=submit]").await;
    browser
        .wait_until("!document.querySelector('#replies-list .reply-file')")
        .await;
    let (_, replies) = live.admin.get("/api/v1/saved-replies").await;
    assert!(upload_of(replies).is_null());
    browser.close().await;
}
