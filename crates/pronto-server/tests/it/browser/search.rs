//! Search and reply suggestions in Chromium, in French: the box finds a message by
//! another form of its word, the filters narrow the results, the hit opens the
//! conversation at that message (older than the pane's latest page); a suggestion
//! from the team's past answer goes into the composer with Alt+1, filled for the
//! new customer, and nothing is sent; a new message from the customer brings the
//! suggestions for it.

use axum::http::StatusCode;
use serde_json::json;

use super::{Browser, Key, Options};
use crate::support::{Client, Receiver, TestApp, api_channel};

async fn says(admin: &Client, channel: i64, who: &str, name: &str, id: &str, text: &str) -> i64 {
    let (status, m) = admin
        .post(
            &format!("/api/v1/channels/{channel}/inbound"),
            json!({"message_id": id, "contact_id": who, "contact_name": name, "text": text}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{m}");
    m["conversation_id"].as_i64().unwrap()
}

#[tokio::test]
async fn browser_search_opens_at_the_message_and_a_suggestion_is_inserted() {
    let Some(browser) = Browser::open_with(Options::desktop().lang("fr")).await else {
        return;
    };
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let receiver = Receiver::spawn(vec![]).await;
    let channel = api_channel(&admin, &receiver).await;
    let first = says(
        &admin,
        channel,
        "c1",
        "Chloé Martin",
        "m0",
        "Mes chaussures sont arrivées abîmées <b>",
    )
    .await;
    // More later messages than the pane's latest page holds (200), so the match
    // is only reached by loading older ones.
    for i in 1..205 {
        says(
            &admin,
            channel,
            "c1",
            "Chloé Martin",
            &format!("m{i}"),
            &format!("Encore un détail, numéro {i}."),
        )
        .await;
    }
    let (status, sent) = admin
        .post(
            &format!("/api/v1/conversations/{first}/messages"),
            json!({"text": "Bonjour Chloé, nous renvoyons une paire neuve."}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{sent}");
    // Another customer's question and the team's answer, for later.
    let third = says(
        &admin,
        channel,
        "c3",
        "Anna Bianchi",
        "a1",
        "Où est mon colis ?",
    )
    .await;
    let (status, sent) = admin
        .post(
            &format!("/api/v1/conversations/{third}/messages"),
            json!({"text": "Votre colis part demain matin."}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{sent}");
    let second = says(
        &admin,
        channel,
        "c2",
        "Paolo Rossi",
        "p1",
        "Mes chaussures sont abîmées !",
    )
    .await;

    browser
        .sign_in_as_admin(&app.url("/inbox"), "#search-q")
        .await;
    assert_eq!(browser.text("label[for=search-q]").await, "Rechercher");
    browser.type_into("#search-q", "CHAUSSURE abimee").await;
    browser.press_key(Key::Enter).await;
    browser
        .wait_for_text(".search-results h2", "Résultats pour « CHAUSSURE abimee »")
        .await;
    let hit = format!(".search-results a[data-hit='{first}'][data-message]");
    let snippet = browser
        .execute(&format!(
            "return document.querySelector(\"{hit} .snippet\").innerHTML"
        ))
        .await;
    assert_eq!(
        snippet, "Mes <mark>chaussures</mark> sont arrivées <mark>abîmées</mark> &lt;b&gt;",
        "the customer's text is escaped, the words marked"
    );
    browser.assert_axe_clean("the search results").await;
    // The filters: the browser's zone is filled in; a folder with no such
    // message finds nothing; clearing them finds the hit again.
    let zone = browser
        .execute("return document.querySelector('.search-filters input[name=tz]').value")
        .await;
    assert!(zone.as_str().is_some_and(|z| !z.is_empty()), "{zone}");
    browser.click(".search-filters summary").await;
    browser
        .execute("const s = document.getElementById('search-folder'); s.value = 'spam';")
        .await;
    browser.click(".search-filters button[type=submit]").await;
    browser
        .wait_for_text(
            ".search-results p.empty",
            "Rien trouvé pour « CHAUSSURE abimee »",
        )
        .await;
    let kept = browser
        .execute("return document.getElementById('search-folder').value")
        .await;
    assert_eq!(kept, "spam", "the filter shows as chosen");
    browser.assert_axe_clean("the search filters").await;
    browser.click(".search-filters a.clear-filters").await;
    browser.wait_for(&hit).await;
    browser.click(&hit).await;
    // The conversation opens at that message, highlighted and in view.
    browser
        .wait_until(
            "(() => { const m = document.querySelector('.msg.found'); if (!m) return false;
              const t = document.getElementById('thread').getBoundingClientRect();
              const r = m.getBoundingClientRect();
              return m.textContent.includes('chaussures') && r.top >= t.top && r.bottom <= t.bottom; })()",
        )
        .await;
    browser.screenshot("search-opened-at-message").await;

    // The other customer's conversation: the team's past answer, for Paolo.
    browser.goto(&app.url(&format!("/inbox?c={second}"))).await;
    let offered = browser
        .wait_for_text("#suggestions button[data-suggestion='1']", "Paolo")
        .await;
    assert!(
        offered.contains("Bonjour Paolo, nous renvoyons une paire neuve."),
        "{offered}"
    );
    browser.assert_axe_clean("the suggestions").await;
    browser.click("#reply-text").await;
    browser.press_key(Key::Alt('1')).await;
    browser
        .wait_until(
            "document.getElementById('reply-text').value === 'Bonjour Paolo, nous renvoyons une paire neuve.'",
        )
        .await;
    // Editable, and never sent by itself.
    browser.type_into("#reply-text", " Merci !").await;
    browser
        .wait_until("document.getElementById('reply-text').value.endsWith('neuve. Merci !')")
        .await;
    let (_, detail) = admin.get(&format!("/api/v1/conversations/{second}")).await;
    assert_eq!(detail["messages"].as_array().unwrap().len(), 1, "{detail}");
    browser.screenshot("suggestion-inserted").await;

    // Paolo writes again: the suggestions follow his new question.
    says(
        &admin,
        channel,
        "c2",
        "Paolo Rossi",
        "p2",
        "Et où est mon colis ?",
    )
    .await;
    browser
        .wait_for_text("#suggestions ol", "Votre colis part demain matin.")
        .await;
    browser.close().await;
}
