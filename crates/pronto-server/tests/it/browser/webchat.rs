//! The web chat end to end in Chromium: a page of another origin embeds the widget,
//! a visitor writes, an agent answers from the inbox, the visitor sees the answer
//! live, and a reload keeps the conversation; a second tab shares it, a lost
//! connection misses nothing, and a site that is not allowed gets no session.

use std::sync::atomic::Ordering;
use std::time::Duration;

use axum::http::StatusCode;
use serde_json::json;

use super::{Browser, Key, Options, Proxy};
use crate::support::TestApp;

fn now_micros() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_micros() as i64
}

/// A business's site on its own origin (another port): one page embedding the
/// widget, under a strict Content-Security-Policy.
async fn site(pronto: &str, channel: i64) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let origin = format!("http://{}", listener.local_addr().unwrap());
    let page = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>Shop</title></head><body><main><h1>The shop</h1><p>Welcome.</p></main>\
         <script src=\"{pronto}/widget.js\" data-channel=\"{channel}\" async></script></body></html>"
    );
    // A strict policy, like Pronto's own pages': no inline script or style, and
    // only Pronto's origin for the widget's script, style, calls and images.
    let csp = format!(
        "default-src 'self'; script-src {pronto}; style-src {pronto}; connect-src {pronto}; \
         img-src {pronto} data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
    );
    let app = axum::Router::new().route(
        "/",
        axum::routing::get(move || {
            let (page, csp) = (page.clone(), csp.clone());
            async move {
                (
                    [(axum::http::header::CONTENT_SECURITY_POLICY, csp)],
                    axum::response::Html(page),
                )
            }
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

/// A server with its workers on the real clock (the widget counts time with the
/// browser's), and a web chat channel for the origins a test gives it later.
async fn live_app() -> (TestApp, crate::support::Client, i64) {
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
    (app, admin, ch["id"].as_i64().unwrap())
}

/// Makes `origins` the channel's allowed origins.
async fn allow(app: &TestApp, channel: i64, origins: &[&str]) {
    let stored = app
        .state
        .store
        .channel_any_workspace(channel)
        .await
        .unwrap();
    let mut config = stored.config;
    config["allowed_origins"] = json!(origins);
    app.state
        .store
        .set_channel_config(stored.workspace_id, channel, &config)
        .await
        .unwrap();
}

/// The conversation of the channel (there is one).
async fn the_conversation(admin: &crate::support::Client, channel: i64) -> i64 {
    for _ in 0..200 {
        let (_, list) = admin
            .get(&format!("/api/v1/conversations?channel={channel}"))
            .await;
        if let Some(id) = list["items"][0]["id"].as_i64() {
            return id;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("no conversation on channel {channel}");
}

async fn reply(admin: &crate::support::Client, conversation: i64, text: &str) {
    let (status, m) = admin
        .post(
            &format!("/api/v1/conversations/{conversation}/messages"),
            json!({"text": text}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{m}");
}

#[tokio::test]
async fn browser_tabs_share_the_chat_a_lost_connection_misses_nothing_and_other_sites_are_refused()
{
    let Some(visitor) = Browser::open().await else {
        return;
    };
    let (app, admin, channel) = live_app().await;
    let proxy = Proxy::start(app.addr).await;
    let origin = site(&proxy.url(""), channel).await;
    let stranger = site(&proxy.url(""), channel).await;
    allow(&app, channel, &[&origin]).await;

    // A site that is not allowed: the widget cannot start a session.
    visitor.goto(&format!("{stranger}/")).await;
    visitor
        .wait_until(&format!(
            "{} && {}.classList.contains('offline')",
            inside(".pw"),
            inside(".pw")
        ))
        .await;

    // The allowed site, in a first tab.
    visitor.goto(&format!("{origin}/")).await;
    visitor.wait_until(&inside(".launcher")).await;
    visitor
        .execute(&format!("{}.click()", inside(".launcher")))
        .await;
    visitor_writes(&visitor, "Is the shop open on Sunday?").await;
    widget_shows(&visitor, "Is the shop open on Sunday?").await;
    let conversation = the_conversation(&admin, channel).await;
    let first = visitor.client.window().await.unwrap();

    // A second tab shares the conversation, and both get the answer live.
    let second = visitor.client.new_window(true).await.unwrap().handle;
    visitor
        .client
        .switch_to_window(second.clone())
        .await
        .unwrap();
    visitor.goto(&format!("{origin}/")).await;
    widget_shows(&visitor, "Is the shop open on Sunday?").await;
    reply(&admin, conversation, "Yes, from 10 to 18.").await;
    widget_shows(&visitor, "Yes, from 10 to 18.").await;
    visitor
        .client
        .switch_to_window(first.clone())
        .await
        .unwrap();
    widget_shows(&visitor, "Yes, from 10 to 18.").await;

    // The network goes down; an answer comes meanwhile; the widget catches up.
    proxy.pause();
    visitor
        .wait_until(&format!("{}.classList.contains('offline')", inside(".pw")))
        .await;
    reply(&admin, conversation, "Anything else?").await;
    proxy.resume();
    widget_shows(&visitor, "Anything else?").await;
    visitor
        .wait_until(&format!("!{}.classList.contains('offline')", inside(".pw")))
        .await;
    assert_eq!(
        visitor
            .execute(&format!(
                "return {}.querySelectorAll('li[data-id]').length",
                inside(".log")
            ))
            .await,
        json!(3),
        "each message once"
    );
    visitor.close().await;
}

#[tokio::test]
async fn browser_a_visitor_and_an_agent_talk_through_the_web_chat() {
    let Some(visitor) = Browser::open_with(Options::desktop().lang("fr-FR")).await else {
        return;
    };
    let Some(agent) = Browser::open().await else {
        return;
    };
    let (app, _admin, channel) = live_app().await;
    let origin = site(&app.url(""), channel).await;
    allow(&app, channel, &[&origin]).await;

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

    // The visitor sees the answer live, without a reload.
    visitor.execute("window.__sameDocument = true").await;
    widget_shows(&visitor, "Oui, en bleu et en noir.").await;
    assert_eq!(
        visitor
            .execute("return window.__sameDocument === true && window.__pwned === undefined")
            .await,
        json!(true)
    );
    // The visitor has the chat open: the agent sees the answer read.
    agent
        .wait_for_text("#thread .msg.agent .state", "Read")
        .await;

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
