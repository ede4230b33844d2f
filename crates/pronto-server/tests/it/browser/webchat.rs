//! The web chat end to end in Chromium: a page of another origin embeds the widget
//! (the loader, which opens the widget's frame), a visitor writes, an agent
//! answers from the inbox, the visitor sees the answer live, and a reload keeps
//! the conversation; a second tab shares it, a lost connection misses nothing; a
//! site that is not allowed gets no frame, and cannot show the frame of another;
//! a wrong identity is not merged; another site's messages to the frame are
//! ignored.

use std::time::Duration;

use axum::http::StatusCode;
use serde_json::json;

use super::{Browser, Key, Options, Proxy};
use crate::support::TestApp;

/// A business's site on its own origin (another port): one page embedding the
/// widget, under a strict Content-Security-Policy.
async fn site(pronto: &str, channel: i64) -> String {
    site_with(pronto, |_| {
        format!("<script src=\"{pronto}/widget.js\" data-channel=\"{channel}\" async></script>")
    })
    .await
}

/// A site's page on its own origin whose body ends with `tail(origin)`.
async fn site_with(pronto: &str, tail: impl FnOnce(&str) -> String) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let origin = format!("http://{}", listener.local_addr().unwrap());
    let tail = tail(&origin);
    let page = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>Shop</title></head><body><main><h1>The shop</h1><p>Welcome.</p></main>\
         {tail}</body></html>"
    );
    // A strict policy, like Pronto's own pages': no inline script or style, and
    // Pronto's origin only for the loader and the widget's frame.
    let csp = format!(
        "default-src 'self'; script-src {pronto}; frame-src {pronto}; object-src 'none'; \
         base-uri 'none'; frame-ancestors 'none'"
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

/// JavaScript that finds `css` in the widget's frame (once the test is in it).
fn inside(css: &str) -> String {
    format!("document.querySelector({css:?})")
}

/// Goes into the widget's frame on the current page, once the loader made it.
async fn into_widget(browser: &Browser) {
    let frame = browser.wait_for("iframe#pronto-webchat").await;
    if let Err(e) = frame.enter_frame().await {
        panic!("cannot enter the widget's frame: {e}");
    }
}

/// Back to the page around the frame.
async fn out_of_widget(browser: &Browser) {
    browser.client.enter_parent_frame().await.unwrap();
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

/// Waits until the server has answered every message the visitor sent (the widget
/// drops a message's "Sending…" copy when its POST answers, and the server answers
/// after the visitor's details, such as the page, are stored with it).
async fn widget_sent(browser: &Browser) {
    browser
        .wait_until(&format!(
            "{} && !{}.querySelector('.pending')",
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

/// On the page: runs `Pronto.identify(user, hmac)` and waits for its answer.
async fn identify(browser: &Browser, user: serde_json::Value, hmac: &str) -> bool {
    browser
        .execute(&format!(
            "window.__identified = undefined; \
             Pronto.identify({user}, {hmac:?}).then(v => {{ window.__identified = v; }});"
        ))
        .await;
    browser
        .wait_until("typeof window.__identified === 'boolean'")
        .await;
    browser.execute("return window.__identified").await == json!(true)
}

/// A server with its workers on the real clock (the widget counts time with the
/// browser's), and a web chat channel for the origins a test gives it later.
async fn live_app() -> (TestApp, crate::support::Client, i64) {
    let (app, admin, channel, _) = live_app_with_secret().await;
    (app, admin, channel)
}

/// The same, with the channel's identity secret.
async fn live_app_with_secret() -> (TestApp, crate::support::Client, i64, String) {
    let db = pronto_store::testing::sqlite().await;
    let url = db.url.clone();
    let app = TestApp::start_with(url, Some(db), true, |_| {}).await;
    super::inbox::follow_real_clock(&app);
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
    let secret = ch["identity_secret"].as_str().unwrap().to_owned();
    (app, admin, ch["id"].as_i64().unwrap(), secret)
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

    // A site that is not allowed: Pronto serves no frame (a refusal, itself not
    // to be framed), and the widget does not show.
    visitor.goto(&format!("{stranger}/")).await;
    into_widget(&visitor).await;
    visitor
        .wait_until("document.readyState === 'complete' && location.href !== 'about:blank'")
        .await;
    assert_eq!(
        visitor
            .execute("return document.querySelector('.pw') === null && !(document.body && document.body.dataset.site)")
            .await,
        json!(true)
    );
    out_of_widget(&visitor).await;
    assert_eq!(
        visitor
            .execute(
                "return getComputedStyle(document.getElementById('pronto-webchat')).visibility"
            )
            .await,
        json!("hidden")
    );

    // The allowed site, in a first tab.
    visitor.goto(&format!("{origin}/")).await;
    into_widget(&visitor).await;
    visitor.wait_until(&inside(".launcher")).await;
    visitor
        .execute(&format!("{}.click()", inside(".launcher")))
        .await;
    visitor_writes(&visitor, "Is the shop open on Sunday?").await;
    widget_shows(&visitor, "Is the shop open on Sunday?").await;
    widget_sent(&visitor).await;
    let conversation = the_conversation(&admin, channel).await;
    // The page the visitor is on is the site's (the loader tells the frame).
    let (_, detail) = admin
        .get(&format!("/api/v1/conversations/{conversation}"))
        .await;
    assert_eq!(
        detail["contact"]["attributes"]["page"],
        format!("{origin}/")
    );
    // Open, the frame holds the panel above the launcher.
    out_of_widget(&visitor).await;
    visitor
        .wait_until(
            "document.getElementById('pronto-webchat').getBoundingClientRect().width === 402",
        )
        .await;
    into_widget(&visitor).await;
    let first = visitor.client.window().await.unwrap();

    // A second tab shares the conversation, and both get the answer live.
    let second = visitor.client.new_window(true).await.unwrap().handle;
    visitor
        .client
        .switch_to_window(second.clone())
        .await
        .unwrap();
    visitor.goto(&format!("{origin}/")).await;
    into_widget(&visitor).await;
    widget_shows(&visitor, "Is the shop open on Sunday?").await;
    reply(&admin, conversation, "Yes, from 10 to 18.").await;
    widget_shows(&visitor, "Yes, from 10 to 18.").await;
    // This tab's chat is closed: the page learns of the unread answer, and the
    // frame stays the launcher's size.
    out_of_widget(&visitor).await;
    visitor
        .wait_until(
            "window.Pronto.chat.unread === 1 && \
             document.getElementById('pronto-webchat').getBoundingClientRect().width === 88",
        )
        .await;
    visitor
        .client
        .switch_to_window(first.clone())
        .await
        .unwrap();
    into_widget(&visitor).await;
    widget_shows(&visitor, "Yes, from 10 to 18.").await;

    // The network goes down; an answer comes meanwhile; the widget catches up.
    proxy.pause();
    visitor
        .wait_until(&format!("{}.classList.contains('offline')", inside(".pw")))
        .await;
    reply(&admin, conversation, "Anything else?").await;
    proxy.resume();
    // As the browser does when its network comes back (without it the widget
    // would retry at the end of a backoff that grows to 16 s).
    visitor
        .execute("window.dispatchEvent(new Event('online'))")
        .await;
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
    assert_eq!(
        visitor
            .execute("return document.getElementById('pronto-webchat').title")
            .await,
        json!("Discuter avec nous")
    );
    into_widget(&visitor).await;
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
    into_widget(&visitor).await;
    widget_shows(&visitor, "Oui, en bleu et en noir.").await;
    widget_shows(&visitor, "Avez-vous la taille 42 ?").await;
    visitor
        .execute(&format!("{}.click()", inside(".launcher")))
        .await;
    let violations = visitor.axe_violations().await;
    assert!(violations.is_empty(), "axe on the widget: {violations:?}");
    visitor.close().await;
    agent.close().await;

    // On a phone, the open widget takes the screen: the frame the page's, the
    // panel the frame's.
    let Some(phone) = Browser::open_phone().await else {
        return;
    };
    phone.goto(&format!("{origin}/")).await;
    into_widget(&phone).await;
    phone.wait_until(&inside(".launcher")).await;
    phone
        .execute(&format!("{}.click()", inside(".launcher")))
        .await;
    out_of_widget(&phone).await;
    phone
        .wait_until(
            "document.getElementById('pronto-webchat').getBoundingClientRect().width >= window.innerWidth - 1 \
             && document.getElementById('pronto-webchat').getBoundingClientRect().height >= window.innerHeight - 1",
        )
        .await;
    into_widget(&phone).await;
    phone
        .wait_until(&format!(
            "{}.getBoundingClientRect().width >= window.innerWidth - 1",
            inside(".panel")
        ))
        .await;
    out_of_widget(&phone).await;
    phone.screenshot("webchat-phone").await;
    phone.close().await;
}

#[tokio::test]
async fn browser_a_wrong_hmac_is_not_merged_and_other_sites_cannot_show_or_drive_the_widget() {
    let Some(visitor) = Browser::open().await else {
        return;
    };
    let (app, _admin, channel, secret) = live_app_with_secret().await;
    let origin = site(&app.url(""), channel).await;
    allow(&app, channel, &[&origin]).await;

    // On another device, the signed-in customer cust-7 wrote.
    let api = |path: &str| app.url(&format!("/webchat/v1/{channel}{path}"));
    let http = reqwest::Client::new();
    let call = |path: &str, token: Option<&str>, body: serde_json::Value| {
        let mut r = http.post(api(path)).header("origin", &origin).json(&body);
        if let Some(t) = token {
            r = r.bearer_auth(t);
        }
        async move {
            let r = r.send().await.unwrap();
            assert!(r.status().is_success(), "{}", r.status());
            r.json::<serde_json::Value>().await.unwrap()
        }
    };
    let s = call("/session", None, json!({})).await;
    let good = crate::webchat::hmac_hex(&secret, "cust-7");
    let who = call(
        "/identify",
        s["token"].as_str(),
        json!({"id": "cust-7", "hmac": good}),
    )
    .await;
    assert_eq!(who["verified"], true);
    call(
        "/messages",
        who["token"].as_str(),
        json!({"client_id": "d1", "text": "My order 5521 is late"}),
    )
    .await;

    // In the browser, the page claims cust-7 with a wrong HMAC: refused, and the
    // visitor stays themselves.
    visitor.goto(&format!("{origin}/")).await;
    into_widget(&visitor).await;
    visitor.wait_until(&inside(".launcher")).await;
    visitor
        .execute(&format!("{}.click()", inside(".launcher")))
        .await;
    out_of_widget(&visitor).await;
    let wrong = "00".repeat(32);
    assert!(!identify(&visitor, json!({"id": "cust-7", "name": "Eve"}), &wrong).await);
    into_widget(&visitor).await;
    visitor_writes(&visitor, "Where is my parcel?").await;
    widget_shows(&visitor, "Where is my parcel?").await;
    assert_eq!(
        visitor
            .execute(&format!(
                "return {}.textContent.includes('5521')",
                inside(".log")
            ))
            .await,
        json!(false),
        "the wrong HMAC showed cust-7's conversation"
    );
    out_of_widget(&visitor).await;

    // Another site that holds the page (a window it opened) posts to the frame:
    // ignored. The page's own call, after it, is heard (its answer proves the
    // frame read the messages before it).
    let stranger = site(&app.url(""), channel).await;
    let shop = visitor.client.window().await.unwrap();
    visitor.goto(&format!("{stranger}/")).await;
    visitor
        .execute(&format!(
            "window.__shop = window.open({:?}, 'shop'); return true",
            format!("{origin}/")
        ))
        .await;
    let popup = loop {
        let all = visitor.client.windows().await.unwrap();
        if let Some(w) = all.into_iter().find(|w| *w != shop) {
            break w;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    visitor
        .client
        .switch_to_window(popup.clone())
        .await
        .unwrap();
    into_widget(&visitor).await;
    visitor
        .wait_until(&format!(
            "{} && {}.hidden",
            inside(".launcher"),
            inside(".panel")
        ))
        .await;
    out_of_widget(&visitor).await;
    visitor
        .wait_until("window.Pronto && window.Pronto.chat")
        .await;
    visitor.client.switch_to_window(shop.clone()).await.unwrap();
    visitor
        .execute("window.__shop.frames[0].postMessage({type: 'open'}, '*'); return true")
        .await;
    visitor
        .client
        .switch_to_window(popup.clone())
        .await
        .unwrap();
    // Unverified (no HMAC): an answer, false, after the stranger's message.
    assert!(!identify(&visitor, json!({"id": "probe"}), "").await);
    into_widget(&visitor).await;
    assert_eq!(
        visitor
            .execute(&format!("return {}.hidden", inside(".panel")))
            .await,
        json!(true),
        "another site opened the chat"
    );
    out_of_widget(&visitor).await;
    visitor.execute("Pronto.chat.open(); return true").await;
    into_widget(&visitor).await;
    visitor
        .wait_until(&format!("!{}.hidden", inside(".panel")))
        .await;
    out_of_widget(&visitor).await;

    // The right HMAC: the visitor is cust-7, with her conversation.
    assert!(identify(&visitor, json!({"id": "cust-7"}), &good).await);
    into_widget(&visitor).await;
    widget_shows(&visitor, "My order 5521 is late").await;
    visitor.close().await;
}

#[tokio::test]
async fn browser_a_site_not_allowed_cannot_show_the_widgets_frame() {
    let Some(visitor) = Browser::open().await else {
        return;
    };
    let (app, _admin, channel) = live_app().await;
    let origin = site(&app.url(""), channel).await;
    allow(&app, channel, &[&origin]).await;
    let frame_for = |site: &str| {
        let site = site.replace(':', "%3A").replace('/', "%2F");
        app.url(&format!("/webchat/frame/{channel}?origin={site}"))
    };
    let framing = |src: String| {
        move |_: &str| {
            format!("<iframe id=\"pronto-webchat\" title=\"chat\" src=\"{src}\"></iframe>")
        }
    };
    // A page of an allowed site that frames the frame itself, for itself.
    let own = site_with(&app.url(""), |me| framing(frame_for(me))(me)).await;
    allow(&app, channel, &[&origin, &own]).await;

    // Over HTTP: the frame may be framed by the allowed sites only.
    let r = reqwest::get(frame_for(&origin)).await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let csp = r.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        csp.ends_with(&format!("; frame-ancestors {origin} {own}")),
        "{csp}"
    );
    assert!(r.headers().get("x-frame-options").is_none());

    // Another site frames it, naming an allowed site: the browser shows nothing
    // of it (no document of Pronto's in the frame).
    let stranger = site_with(&app.url(""), framing(frame_for(&origin))).await;
    visitor.goto(&format!("{stranger}/")).await;
    into_widget(&visitor).await;
    visitor
        .wait_until("document.readyState === 'complete' && location.href !== 'about:blank'")
        .await;
    let seen = visitor
        .execute("return [location.href, document.body !== null && document.body.dataset.site !== undefined, document.querySelector('.pw') !== null]")
        .await;
    assert_eq!(
        seen[1],
        json!(false),
        "the frame rendered on a site that is not allowed: {seen}"
    );
    assert_eq!(seen[2], json!(false), "{seen}");

    // The same on an allowed site comes up (so the check above can fail).
    visitor.goto(&format!("{own}/")).await;
    into_widget(&visitor).await;
    visitor
        .wait_until(&format!(
            "document.body && document.body.dataset.site === {own:?} && {}",
            inside(".launcher")
        ))
        .await;
    visitor.close().await;
}
