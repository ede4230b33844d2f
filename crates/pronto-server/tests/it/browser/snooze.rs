//! The list's order and what leaves it, in Chromium: a conversation of higher
//! priority comes first and says so on its row; a snoozed one leaves the inbox for
//! "Snoozed" and comes back when the customer writes.

use std::sync::atomic::Ordering;

use super::Browser;
use super::inbox::Live;

/// The ids of the list's rows, top to bottom.
async fn rows(browser: &Browser) -> Vec<i64> {
    let ids = browser
        .execute(
            "return [...document.querySelectorAll('#list a[data-conversation]')].map((a) => Number(a.dataset.conversation))",
        )
        .await;
    serde_json::from_value(ids).unwrap()
}

#[tokio::test]
async fn browser_priority_orders_the_list_and_a_snoozed_conversation_comes_back() {
    let Some(browser) = Browser::open().await else {
        return;
    };
    let live = Live::start().await;
    live.customer_says("PSID_ANA", "Ana", "My parcel is late")
        .await;
    let ana = live.conversation_of("My parcel is late").await;
    live.customer_says("PSID_BO", "Bo", "Do you ship to Oslo?")
        .await;
    let bo = live.conversation_of("Do you ship to Oslo?").await;
    let (_, me) = live.admin.get("/api/v1/me").await;
    let ws = me["workspace_id"].as_i64().unwrap();

    live.sign_in(&browser, &live.app.url("")).await;
    browser.goto(&live.app.url("/inbox")).await;
    browser.wait_for("#list a[data-conversation]").await;
    // The oldest waits longest and comes first, until Bo's is made urgent.
    assert_eq!(rows(&browser).await, vec![ana, bo]);
    let now = live.app.clock.load(Ordering::SeqCst);
    live.app
        .state
        .store
        .set_priority(ws, bo, 2, now)
        .await
        .unwrap();
    browser
        .wait_for_text(&format!("#list a[data-conversation='{bo}'] .priority"), "2")
        .await;
    browser
        .wait_until(&format!(
            "document.querySelector('#list a[data-conversation]').dataset.conversation === '{bo}'"
        ))
        .await;
    assert_eq!(rows(&browser).await, vec![bo, ana]);

    // Bo's is snoozed until he writes: it leaves the inbox...
    browser.goto(&live.app.url(&format!("/inbox?c={bo}"))).await;
    browser.wait_for("form.snooze").await;
    browser
        .execute("document.getElementById('snooze-choice').value = 'reply'")
        .await;
    browser.click("form.snooze button[type=submit]").await;
    browser
        .wait_until(&format!(
            "!document.querySelector(\"#list a[data-conversation='{bo}']\")"
        ))
        .await;
    assert_eq!(rows(&browser).await, vec![ana]);
    // ...and is listed under Snoozed, saying until when.
    browser.goto(&live.app.url("/inbox?folder=snoozed")).await;
    browser
        .wait_for_text(
            &format!("#list a[data-conversation='{bo}']"),
            "Snoozed until the customer writes",
        )
        .await;
    assert_eq!(rows(&browser).await, vec![bo]);
    browser.assert_axe_clean("the snoozed list").await;

    // Bo writes again: back in the inbox, live.
    browser.goto(&live.app.url("/inbox")).await;
    browser.wait_for("#list a[data-conversation]").await;
    live.customer_says("PSID_BO", "Bo", "Hello?").await;
    browser
        .wait_for(&format!("#list a[data-conversation='{bo}']"))
        .await;
    assert_eq!(rows(&browser).await, vec![bo, ana]);
    browser.close().await;
}
