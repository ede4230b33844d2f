//! The dashboard's export: the form's buttons download the CSV files.

use super::Browser;
use crate::support::{Receiver, TestApp, api_channel, customer_says};

#[tokio::test]
async fn browser_downloads_the_exports_from_the_dashboard() {
    let Some(browser) = Browser::open().await else {
        return;
    };
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let receiver = Receiver::spawn(vec![]).await;
    let channel = api_channel(&admin, &receiver).await;
    customer_says(&admin, channel, "c1", "m1", "Bonjour").await;

    browser
        .sign_in_as_admin(
            &app.url(&format!("/dashboard?channel={channel}")),
            "#export",
        )
        .await;
    // The range defaults to the last 30 days, today (the test clock's) included.
    assert_eq!(
        browser
            .execute("return document.getElementById('export-to').value")
            .await,
        "2026-03-01"
    );
    browser
        .assert_axe_clean("the dashboard with its export")
        .await;
    browser
        .click("#export button[formaction='/api/v1/exports/conversations.csv']")
        .await;
    let csv = browser.downloaded("conversations-").await;
    assert!(csv.starts_with("id,channel,channel_kind,contact,"), "{csv}");
    assert!(csv.contains(",Marie c1,c1,inbox,true,"), "{csv}");
    browser
        .click("#export button[formaction='/api/v1/exports/responsiveness.csv']")
        .await;
    let csv = browser.downloaded("responsiveness-").await;
    assert!(
        csv.starts_with("channel_id,channel,conversation_id,"),
        "{csv}"
    );
    assert!(csv.contains(",pending,"), "{csv}");
    // Still on the dashboard: a download does not leave the page.
    assert!(browser.url().await.contains("/dashboard"));
    browser.close().await;
    app.stop().await;
}
