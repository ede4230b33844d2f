//! An email conversation in Chromium, against the real mail server: the trimmed
//! text with "Show the whole email" opening the signature and quote, a reply with
//! a subject sent by the outbox worker, its delivery state shown, and the mail in
//! the sink with that subject and the thread's headers.

use super::Browser;
use super::inbox::follow_real_clock;
use crate::email::{conversation_of, email_channel, mail, mailserver, sync};
use crate::support::TestApp;

#[tokio::test]
async fn browser_an_agent_reads_and_answers_an_email() {
    let Some(server) = mailserver("the email conversation in a browser") else {
        return;
    };
    let Some(browser) = Browser::open().await else {
        return;
    };
    let db = pronto_store::testing::sqlite().await;
    let url = db.url.clone();
    // With its workers: the outbox sends the reply by itself.
    let app = TestApp::start_with(url, Some(db), true, |_| {}).await;
    follow_real_clock(&app);
    let admin = app.admin().await;
    let folder = server.folder("browser").await;
    let channel = email_channel(&admin, server.config(&folder)).await;
    server
        .append(
            &folder,
            &mail(
                "Ann Example <ann@customer.test>",
                "web1@customer.test",
                "Order 42",
                "",
                "Where is my order 42?\n\n-- \nAnn Example\nACME fan",
            ),
        )
        .await;
    sync(&app, channel).await;
    let conversation = conversation_of(&admin, "web1@customer.test").await;

    browser.sign_in_as_admin(&app.url("/inbox"), "#list").await;
    browser
        .goto(&app.url(&format!("/inbox?c={conversation}")))
        .await;
    let shown = browser
        .wait_for_text("#thread .msg.customer p.text", "Where is my order 42?")
        .await;
    assert!(
        !shown.contains("ACME fan"),
        "the signature is trimmed: {shown}"
    );
    browser.click("#thread details.full-email summary").await;
    browser
        .wait_for_text("#thread details.full-email pre", "ACME fan")
        .await;
    browser
        .assert_axe_clean("an email conversation with its whole email open")
        .await;

    let before = server.sink_files();
    browser.type_into("#reply-subject", "Your order 42").await;
    browser.type_into("#reply-text", "It ships tomorrow.").await;
    browser.click("#send").await;
    browser
        .wait_for_text("#thread .msg.agent p.text", "It ships tomorrow.")
        .await;
    // Sent by the outbox: the message says so.
    browser.wait_for("#thread .msg.agent .state.sent").await;
    let captured = server.captured("It ships tomorrow.", &before).await;
    assert!(captured.contains("Subject: Your order 42"), "{captured}");
    assert!(
        captured.contains("In-Reply-To: <web1@customer.test>"),
        "{captured}"
    );
    browser.close().await;
    app.stop().await;
}
