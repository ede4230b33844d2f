//! The composer's files in Chromium: a photo chosen with the button goes to Meta's
//! Attachment Upload API once and out as a reply; a file dropped on the composer is
//! uploaded the same way, and one Meta would refuse is refused with the reason.

use std::time::Duration;

use super::Browser;
use super::inbox::Live;

#[tokio::test]
async fn browser_the_composer_sends_a_chosen_file_and_takes_a_dropped_one() {
    let Some(browser) = Browser::open().await else {
        return;
    };
    let live = Live::start().await;
    live.customer_says("PSID_ANA", "Ana Costa", "A photo of the red one?")
        .await;
    let conversation = live.conversation_of("A photo of the red one?").await;
    live.sign_in(&browser, &live.app.url("")).await;
    browser
        .goto(&live.app.url(&format!("/inbox?c={conversation}")))
        .await;
    browser.wait_for("#attach-file").await;
    browser
        .assert_axe_clean("the composer with its file button")
        .await;

    let dir = tempfile::tempdir().unwrap();
    let photo = dir.path().join("red.png");
    std::fs::write(&photo, b"\x89PNG\r\n\x1a\n the red one").unwrap();
    browser.choose_file("#attach-file", &photo).await;
    browser.wait_for_text("#attached li", "red.png").await;
    browser.click("#send").await;

    // Meta gets the file once, then the reply naming its attachment_id.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    let sent = loop {
        let sent = live.sandbox.sends();
        if let Some(r) = sent
            .iter()
            .find(|r| r.body["message"].get("attachment").is_some())
        {
            break r.body.clone();
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no attachment sent: {sent:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let uploads: Vec<_> = live
        .sandbox
        .requests()
        .into_iter()
        .filter(|r| r.path.ends_with("/message_attachments"))
        .collect();
    assert_eq!(uploads.len(), 1);
    assert_eq!(
        sent["message"]["attachment"]["payload"]["attachment_id"],
        uploads[0].response["attachment_id"]
    );
    browser
        .wait_for("#thread .msg.agent a[href^='/api/v1/uploads/']")
        .await;
    assert_eq!(
        browser
            .execute("return document.querySelectorAll('#attached li').length")
            .await,
        0,
        "the composer is cleared"
    );

    // Dropped on the composer: uploaded and shown; a type Meta refuses: the reason.
    let drop = |name: &str, mime: &str| {
        format!(
            "const dt = new DataTransfer();
             dt.items.add(new File([new Uint8Array([1, 2, 3])], {name:?}, {{type: {mime:?}}}));
             document.getElementById('composer').dispatchEvent(
               new DragEvent('drop', {{dataTransfer: dt, bubbles: true, cancelable: true}}));"
        )
    };
    browser.execute(&drop("notes.pdf", "application/pdf")).await;
    browser.wait_for_text("#attached li", "notes.pdf").await;
    browser.execute(&drop("logo.svg", "image/svg+xml")).await;
    browser
        .wait_for_text("#live-status", "WebP images, not image/svg+xml")
        .await;
    browser.close().await;
    live.app.stop().await;
}
