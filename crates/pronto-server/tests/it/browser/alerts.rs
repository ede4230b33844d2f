//! Alerts in Chromium, with notifications allowed: a rule that notifies the signed-in
//! person makes the page create a browser notification (the real constructor,
//! wrapped to record the call), count it in the tab's title until the tab is looked
//! at, and the page is installable (manifest, service worker).

use serde_json::json;

use super::{Browser, Options};
use crate::support::{Receiver, TestApp, api_channel, customer_says};

#[tokio::test]
async fn browser_a_notify_rule_becomes_a_notification_and_an_unread_count() {
    let Some(browser) = Browser::open_with(Options::desktop().notifications_allowed()).await else {
        return;
    };
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let (_, me) = admin.get("/api/v1/me").await;
    let ada = me["id"].as_i64().or(me["user"]["id"].as_i64()).unwrap();
    let receiver = Receiver::spawn(vec![]).await;
    let channel = api_channel(&admin, &receiver).await;
    let (status, _) = admin
        .post(
            "/api/v1/rules",
            json!({"name": "Refunds to Ada", "when": {"type": "customer_message"},
                "if": [{"type": "text_contains", "text": "refund"}],
                "then": [{"type": "notify", "user": ada}]}),
        )
        .await;
    assert!(status.is_success());
    // The worker starts reading the log from here.
    while pronto_server::alerts::step(&app.state).await.unwrap() {}

    browser.sign_in_as_admin(&app.url("/inbox"), "#list").await;
    browser.wait_for_text("#alerts-toggle", "Alerts on").await;
    assert_eq!(
        browser
            .execute("return [document.querySelector('link[rel=manifest]').href.endsWith('/manifest.webmanifest'), Notification.permission]")
            .await,
        json!([true, "granted"])
    );
    browser
        .execute("navigator.serviceWorker.getRegistration('/').then((r) => { window.registered = !!r; })")
        .await;
    browser.wait_until("window.registered === true").await;
    browser
        .execute(
            r#"window.made = [];
            const Real = window.Notification;
            window.Notification = class extends Real {
              constructor(title, options) {
                super(title, options);
                window.made.push({ title, body: options.body, tag: options.tag });
              }
            };
            document.hasFocus = () => false;
            window.ready = true;"#,
        )
        .await;
    // The page's stream starts at the event the page was rendered with, so what
    // follows reaches it even if the stream opens after the customer writes.
    browser.wait_until("window.ready === true").await;

    let (_, m) = customer_says(&admin, channel, "c1", "m1", "I would like a refund").await;
    let conversation = m["conversation_id"].as_i64().unwrap();
    while pronto_server::alerts::step(&app.state).await.unwrap() {}
    browser
        .wait_until("window.made.some((n) => n.tag.startsWith('conversation-') && n.title.startsWith('A rule'))")
        .await;
    let made = browser.execute("return window.made").await;
    let notified: Vec<_> = made
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["tag"] == format!("conversation-{conversation}"))
        .map(|n| n["title"].as_str().unwrap().to_owned())
        .collect();
    assert!(
        notified.contains(&"A rule asks you to look: Marie c1".to_owned())
            && notified.contains(&"New conversation: Marie c1".to_owned()),
        "{made}"
    );
    browser
        .wait_until("document.title.startsWith('(2) ')")
        .await;
    let icon = browser
        .execute("return document.getElementById('favicon').href.slice(0, 22)")
        .await;
    assert_eq!(
        icon,
        json!("data:image/png;base64,"),
        "the icon shows the count"
    );

    // Looked at: the count goes.
    browser
        .execute("document.hasFocus = () => true; window.dispatchEvent(new Event('focus'));")
        .await;
    browser.wait_until("!document.title.startsWith('(')").await;
    browser.close().await;
}
