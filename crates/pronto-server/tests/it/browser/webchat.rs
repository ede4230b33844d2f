//! The web chat end to end in Chromium: a page of another origin embeds the widget,
//! a visitor writes, an agent answers from the inbox, the visitor sees the answer
//! live, and a reload keeps the conversation.

use std::sync::atomic::Ordering;
use std::time::Duration;

use axum::http::StatusCode;
use serde_json::json;

use super::{Browser, Key, Options};
use crate::support::TestApp;

fn now_micros() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_micros() as i64
}

/// A business's site on its own origin (another port): one page embedding the widget.
async fn site(pronto: &str, channel: i64) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let origin = format!("http://{}", listener.local_addr().unwrap());
    let page = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>Shop</title></head><body><main><h1>The shop</h1><p>Welcome.</p></main>\
         <script src=\"{pronto}/widget.js\" data-channel=\"{channel}\" async></script></body></html>"
    );
    let app = axum::Router::new().route(
        "/",
        axum::routing::get(move || {
            let page = page.clone();
            async move { axum::response::Html(page) }
        }),
    );
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    origin
}

/// JavaScript that finds `css` inside the widget's shadow root.
fn inside(css: &str) -> String {
    format!(
        "(document.getElementById('pronto-webchat') && \
          document.getElementById('pronto-webchat').shadowRoot.querySelector({css:?}))"
    )
}

/// Waits until the widget's log shows `text`.
async fn widget_shows(browser: &Browser, text: &str) {
    browser
        .wait_until(&format!(
            "{} && {}.textContent.includes({text:?})",
            inside(".log"),
            inside(".log")
        ))
        .await;
}

/// Opens the widget and writes `text` with Enter.
async fn visitor_writes(browser: &Browser, text: &str) {
    browser
        .wait_until(&format!(
            "{} && !{}.hidden",
            inside(".composer"),
            inside(".composer")
        ))
        .await;
    browser
        .execute(&format!(
            "const t = {}; t.focus(); t.value = {text:?};",
            inside("textarea")
        ))
        .await;
    browser.press_key(Key::Enter).await;
}

#[tokio::test]
async fn browser_a_visitor_and_an_agent_talk_through_the_web_chat() {
    let Some(visitor) = Browser::open_with(Options::desktop().lang("fr-FR")).await else {
        return;
    };
    let Some(agent) = Browser::open().await else {
        return;
    };
    let db = pronto_store::testing::sqlite().await;
    let url = db.url.clone();
    let app = TestApp::start_with(url, Some(db), true, |_| {}).await;
    app.clock.store(now_micros(), Ordering::SeqCst);
    let clock = app.clock.clone();
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(Duration::from_millis(200)).await;
            clock.fetch_max(now_micros(), Ordering::SeqCst);
        }
    });
    let admin = app.admin().await;
    let (status, ch) = admin
        .post(
            "/api/v1/channels",
            json!({"kind": "webchat", "name": "Acme chat", "config": {
                "allowed_origins": ["http://placeholder.invalid"], "greeting": "Bonjour ! Une question ?",
                "color": "#0b6e4f"}}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{ch}");
    let channel = ch["id"].as_i64().unwrap();
    let origin = site(&app.url(""), channel).await;
    // Only the site's origin is allowed.
    let stored = app
        .state
        .store
        .channel_any_workspace(channel)
        .await
        .unwrap();
    let mut config = stored.config;
    config["allowed_origins"] = json!([origin]);
    app.state
        .store
        .set_channel_config(stored.workspace_id, channel, &config)
        .await
        .unwrap();

    // The visitor opens the site: the widget loads, in French, with the greeting.
    visitor.goto(&format!("{origin}/")).await;
    visitor.wait_until(&inside(".launcher")).await;
    visitor
        .execute(&format!("{}.click()", inside(".launcher")))
        .await;
    widget_shows(&visitor, "Bonjour ! Une question ?").await;
    visitor
        .wait_until(&format!(
            "{}.getAttribute('aria-label') === 'Écrivez un message…'",
            inside("textarea")
        ))
        .await;
    let markup = "<img src=x onerror=\"window.__pwned=1\"> Avez-vous la taille 42 ?";
    visitor_writes(&visitor, markup).await;
    widget_shows(&visitor, "Avez-vous la taille 42 ?").await;
    visitor.screenshot("webchat-visitor").await;

    // The agent sees it live in the inbox, as text, and answers.
    agent.goto(&app.url("/inbox")).await;
    agent.wait_for("#login").await;
    agent.type_into("#email", "admin@acme.test").await;
    agent.type_into("#password", "correct horse battery").await;
    agent.press_key(Key::Enter).await;
    agent
        .wait_for_text("#list li.row", "Avez-vous la taille 42 ?")
        .await;
    agent.click("#list li.row a").await;
    agent.wait_for("#composer").await;
    agent
        .wait_for_text("#thread", "<img src=x onerror=\"window.__pwned=1\">")
        .await;
    assert_eq!(
        agent.execute("return window.__pwned === undefined").await,
        json!(true),
        "the visitor's markup ran in the inbox"
    );
    agent
        .type_into("#reply-text", "Oui, en bleu et en noir.")
        .await;
    agent.press_key(Key::Enter).await;
    agent
        .wait_for_text("#thread .msg.agent .state", "Sent")
        .await;

    // The visitor sees the answer live, without a reload.
    visitor.execute("window.__sameDocument = true").await;
    widget_shows(&visitor, "Oui, en bleu et en noir.").await;
    assert_eq!(
        visitor
            .execute("return window.__sameDocument === true && window.__pwned === undefined")
            .await,
        json!(true)
    );

    // A reload keeps the conversation.
    visitor.goto(&format!("{origin}/")).await;
    widget_shows(&visitor, "Oui, en bleu et en noir.").await;
    widget_shows(&visitor, "Avez-vous la taille 42 ?").await;
    visitor
        .execute(&format!("{}.click()", inside(".launcher")))
        .await;
    let violations = visitor.axe_violations().await;
    assert!(violations.is_empty(), "axe on the widget: {violations:?}");
    visitor.close().await;
    agent.close().await;

    // On a phone, the open widget takes the screen.
    let Some(phone) = Browser::open_phone().await else {
        return;
    };
    phone.goto(&format!("{origin}/")).await;
    phone.wait_until(&inside(".launcher")).await;
    phone
        .execute(&format!("{}.click()", inside(".launcher")))
        .await;
    phone
        .wait_until(&format!(
            "{}.getBoundingClientRect().width >= window.innerWidth - 1",
            inside(".panel")
        ))
        .await;
    phone.screenshot("webchat-phone").await;
    phone.close().await;
}
