//! The inbox end to end in Chromium: signed webhooks in through the sandbox's
//! signature, replies out to the sandbox's Graph API, the page kept live by the
//! event stream, through a network that fails.

use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use axum::http::StatusCode;
use pronto_sandbox::{Event, PageConfig, Platform, Sandbox};
use serde_json::json;

use super::{Browser, Key, Options, Proxy, Violation};
use crate::support::{Client, TestApp};

const SECRET: &str = "e2e-app-secret";
const TOKEN: &str = "EAAB-e2e-page-token";
const PAGE: &str = "PAGE_E2E";
const EMAIL: &str = "admin@acme.test";
const PASSWORD: &str = "correct horse battery";

/// A server with its workers, a sandbox Graph API beside it, both on the real
/// clock (the page counts time with the browser's clock), and a Messenger channel
/// with a saved reply.
pub(crate) struct Live {
    pub app: TestApp,
    pub sandbox: Sandbox,
    pub admin: Client,
    pub channel: i64,
}

fn now_micros() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_micros() as i64
}

/// The page runs on the real clock, so the server `app` does too from now on.
pub(crate) fn follow_real_clock(app: &TestApp) {
    app.clock.store(now_micros(), Ordering::SeqCst);
    let clock = app.clock.clone();
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(Duration::from_millis(200)).await;
            clock.fetch_max(now_micros(), Ordering::SeqCst);
        }
    });
}

impl Live {
    pub(crate) async fn start() -> Live {
        let db = pronto_store::testing::sqlite().await;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let graph = format!("http://{}/v25.0", listener.local_addr().unwrap());
        let url = db.url.clone();
        let app = TestApp::start_with(url, Some(db), true, move |c| {
            c.graph_base_url = graph;
        })
        .await;
        follow_real_clock(&app);
        let c = app.clock.clone();
        let sandbox = Sandbox::new(Arc::new(move || c.load(Ordering::SeqCst)));
        sandbox.serve(listener);
        sandbox.add_page(PageConfig::new(
            Platform::Messenger,
            PAGE,
            "777",
            SECRET,
            TOKEN,
        ));
        let admin = app.admin().await;
        let (status, ch) = admin
            .post(
                "/api/v1/channels",
                json!({"kind": "messenger", "name": "Acme Shop", "config": {
                    "page_id": PAGE, "app_id": "777", "app_secret": SECRET,
                    "page_access_token": TOKEN, "human_agent": true}}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{ch}");
        let (status, r) = admin
            .post(
                "/api/v1/saved-replies",
                json!({"name": "Hello", "shortcut": "hello",
                       "text": "Hello {first_name}, thanks for writing! Let me check."}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{r}");
        Live {
            channel: ch["id"].as_i64().unwrap(),
            app,
            sandbox,
            admin,
        }
    }

    /// A customer writes: a signed webhook, as Meta sends it.
    pub(crate) async fn customer_says(&self, psid: &str, name: &str, text: &str) {
        let at = self.app.clock.load(Ordering::SeqCst);
        let mid = self.sandbox.customer_message(PAGE, psid, name, text, at);
        let event = Event::Text {
            from: psid.into(),
            mid,
            text: text.into(),
        };
        let body = pronto_sandbox::build(Platform::Messenger, PAGE, &event, at);
        let r = reqwest::Client::new()
            .post(self.app.url(&format!("/webhooks/meta/{}", self.channel)))
            .header("x-hub-signature-256", pronto_sandbox::sign(SECRET, &body))
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::OK);
    }

    /// Waits until the contact of `conversation` is called `name`: Messenger
    /// webhooks carry no names, the profile worker asks the sandbox for it.
    pub(crate) async fn named(&self, conversation: i64, name: &str) {
        for _ in 0..200 {
            let (_, d) = self
                .admin
                .get(&format!("/api/v1/conversations/{conversation}"))
                .await;
            if d["contact"]["name"] == name {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the contact of conversation {conversation} was never named {name:?}");
    }

    /// The conversation with a message of `text`.
    pub(crate) async fn conversation_of(&self, text: &str) -> i64 {
        for _ in 0..200 {
            let (_, list) = self.admin.get("/api/v1/conversations?limit=100").await;
            for c in list["items"].as_array().unwrap() {
                let id = c["id"].as_i64().unwrap();
                let (_, d) = self.admin.get(&format!("/api/v1/conversations/{id}")).await;
                if d["messages"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|m| m["text"] == text)
                {
                    return id;
                }
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("no conversation has the message {text:?}");
    }

    /// Signs the browser in through the sign-in page.
    pub(crate) async fn sign_in(&self, browser: &Browser, base: &str) {
        browser.goto(&format!("{base}/inbox")).await;
        browser.wait_for("#login").await;
        browser.type_into("#email", EMAIL).await;
        browser.type_into("#password", PASSWORD).await;
        browser.press_key(Key::Enter).await;
        browser.wait_for("#list").await;
    }
}

fn list(violations: &[Violation]) -> String {
    violations.iter().map(|v| format!("\n  {v}")).collect()
}

async fn assert_accessible(browser: &Browser, page: &str) {
    let violations = browser.axe_violations().await;
    assert!(violations.is_empty(), "axe on {page}:{}", list(&violations));
}

#[tokio::test]
async fn browser_a_customer_message_arrives_live_and_a_saved_reply_reaches_meta() {
    let Some(browser) = Browser::open().await else {
        return;
    };
    let live = Live::start().await;
    browser.goto(&live.app.url("/login")).await;
    browser.wait_for("#login").await;
    browser.screenshot("login").await;
    assert_accessible(&browser, "the sign-in page").await;
    live.sign_in(&browser, &live.app.url("")).await;
    browser
        .wait_for_text("#list", "No conversations here.")
        .await;
    assert_accessible(&browser, "the empty inbox").await;

    // A signed webhook: the row appears without reloading.
    browser.execute("window.__sameDocument = true").await;
    live.customer_says("PSID_LIA", "Lia", "Hi! Where is my order #1234?")
        .await;
    browser
        .wait_for_text("#list li.row", "Where is my order #1234?")
        .await;
    assert_eq!(
        browser
            .execute("return window.__sameDocument === true")
            .await,
        json!(true),
        "the row came without a reload"
    );
    browser.wait_for("#list .clock.ok").await;
    // Her name comes from her profile, asked in the background.
    let conversation = live.conversation_of("Hi! Where is my order #1234?").await;
    live.named(conversation, "Lia").await;

    // Open it, pick the saved reply with `/hel`, edit it, send with Enter.
    browser.click("#list li.row a").await;
    browser.wait_for("#composer").await;
    browser
        .wait_for_text("#thread", "Where is my order #1234?")
        .await;
    browser.type_into("#reply-text", "/hel").await;
    browser
        .wait_for_text("#saved-suggest [role=option]", "/hello")
        .await;
    browser.press_key(Key::Enter).await;
    browser
        .wait_until("document.getElementById('reply-text').value.startsWith('Hello Lia, thanks')")
        .await;
    let text = browser
        .execute("return document.getElementById('reply-text').value")
        .await;
    assert!(
        text.as_str()
            .unwrap()
            .contains("thanks for writing! Let me check."),
        "{text}"
    );
    browser.type_into("#reply-text", " It ships today.").await;
    browser.screenshot("inbox-conversation").await;
    assert_accessible(&browser, "an open conversation").await;
    browser.press_key(Key::Enter).await;

    // The sandbox's Graph API receives it, signed with the page's token.
    // Typing indicators go to the Send API too: the reply is the one with a message.
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    let body = loop {
        let sent = live.sandbox.sends();
        if let Some(r) = sent.iter().find(|r| r.body.get("message").is_some()) {
            break r.body.clone();
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the Graph API got no reply: {sent:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert_eq!(body["recipient"]["id"], "PSID_LIA", "{body}");
    let sent = body["message"]["text"].as_str().unwrap();
    assert!(sent.starts_with("Hello Lia, thanks for writing!"), "{sent}");
    assert!(sent.ends_with("Let me check. It ships today."), "{sent}");
    browser
        .wait_for_text("#thread .msg.agent", "It ships today.")
        .await;
    browser
        .wait_for_text("#thread .msg.agent .state", "Sent")
        .await;
    assert_eq!(
        browser
            .execute("return document.getElementById('reply-text').value")
            .await,
        json!(""),
        "the composer is cleared"
    );

    // The dashboard shows the answered opportunity and its response time.
    browser
        .goto(
            &live
                .app
                .url(&format!("/dashboard?channel={}", live.channel)),
        )
        .await;
    browser.wait_for_text("main", "answered").await;
    browser.screenshot("dashboard").await;
    assert_accessible(&browser, "the dashboard").await;

    // The settings show the channel with what to paste into Meta's dashboard.
    browser.goto(&live.app.url("/settings")).await;
    browser.wait_for_text("main", "Acme Shop").await;
    browser.click("main details summary").await;
    browser
        .wait_for_text("main", &format!("/webhooks/meta/{}", live.channel))
        .await;
    browser.screenshot("settings").await;
    assert_accessible(&browser, "the settings").await;

    // A comment on a post: answered privately from the comments page, once.
    let at = live.app.clock.load(Ordering::SeqCst);
    live.sandbox
        .add_comment(PAGE, "POST_9_C1", "USER_COMMENTER", at);
    let comment = Event::Comment {
        from: "USER_COMMENTER".into(),
        name: "Luca Bianchi".into(),
        comment_id: "POST_9_C1".into(),
        post_id: "PAGE_POST_9".into(),
        text: "How much is shipping?".into(),
    };
    let body = pronto_sandbox::build(Platform::Messenger, PAGE, &comment, at);
    reqwest::Client::new()
        .post(live.app.url(&format!("/webhooks/meta/{}", live.channel)))
        .header("x-hub-signature-256", pronto_sandbox::sign(SECRET, &body))
        .body(body)
        .send()
        .await
        .unwrap();
    browser.goto(&live.app.url("/comments")).await;
    browser
        .wait_for_text("#comments", "How much is shipping?")
        .await;
    browser.screenshot("comments").await;
    assert_accessible(&browser, "the comments").await;
    browser
        .type_into("form.private-reply textarea", "Free over 50 euro!")
        .await;
    browser.click("form.private-reply button").await;
    browser
        .wait_for_text("#comments", "Answered privately")
        .await;
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while !live
        .sandbox
        .sends()
        .iter()
        .any(|r| r.body["recipient"]["comment_id"] == "POST_9_C1")
    {
        assert!(
            std::time::Instant::now() < deadline,
            "{:?}",
            live.sandbox.sends()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    browser.close().await;
}

#[tokio::test]
async fn browser_the_page_catches_up_after_the_connection_drops() {
    let Some(browser) = Browser::open().await else {
        return;
    };
    let live = Live::start().await;
    let proxy = Proxy::start(live.app.addr).await;
    live.sign_in(&browser, &proxy.url("")).await;
    live.customer_says("PSID_A", "Ana", "First question").await;
    browser.wait_for_text("#list", "First question").await;

    // The network goes down: the page says so, and messages keep arriving at the
    // server meanwhile.
    browser.execute("window.__sameDocument = true").await;
    proxy.pause();
    browser
        .wait_for_text("#live-status", "Connection lost")
        .await;
    live.customer_says("PSID_B", "Bruno", "Second question, while offline")
        .await;
    live.conversation_of("Second question, while offline").await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let shown = browser.text("#list").await;
    assert!(!shown.contains("Second question"), "{shown}");

    // It comes back: the page reconnects by itself and shows what it missed.
    proxy.resume();
    browser
        .wait_for_text("#list", "Second question, while offline")
        .await;
    browser
        .wait_for_text("#live-status", "Connected again")
        .await;
    assert_eq!(
        browser
            .execute("return window.__sameDocument === true")
            .await,
        json!(true),
        "caught up without a reload"
    );
    // And it stays live after the break.
    live.customer_says("PSID_C", "Carla", "Third question")
        .await;
    browser.wait_for_text("#list", "Third question").await;
    browser.close().await;
}

#[tokio::test]
async fn browser_html_in_messages_and_names_renders_as_text() {
    let Some(browser) = Browser::open().await else {
        return;
    };
    let live = Live::start().await;
    live.sign_in(&browser, &live.app.url("")).await;
    let text = "<img src=x onerror=\"window.__xss=1\"><script>window.__xss=2</script>";
    live.customer_says("PSID_X", "X", text).await;
    let conversation = live.conversation_of(text).await;
    // A name and an attribute with markup too (a name from a comment or an
    // import; attributes from the API).
    let workspace = live
        .app
        .state
        .store
        .first_workspace()
        .await
        .unwrap()
        .unwrap();
    live.app
        .state
        .store
        .set_contact_attribute(
            workspace,
            live.channel,
            "PSID_X",
            "<b onmouseover=alert(1)>plan</b>",
            json!("<svg onload=\"window.__xss=3\">"),
            now_micros(),
        )
        .await
        .unwrap();
    live.admin
        .post(
            &format!("/api/v1/conversations/{conversation}/labels"),
            json!({"add": ["<i>vip</i>"]}),
        )
        .await;
    live.admin
        .post(
            &format!("/api/v1/conversations/{conversation}/notes"),
            json!({"text": "</textarea><script>window.__xss=4</script>"}),
        )
        .await;
    browser.wait_for_text("#list", "<img src=x").await;
    browser.click("#list li.row a").await;
    browser
        .wait_for_text("#thread .msg.customer", "<script>window.__xss=2</script>")
        .await;
    browser.wait_for_text("#side", "<svg onload=").await;
    browser.wait_for_text("#side", "</textarea><script>").await;
    browser.wait_for_text(".actions", "<i>vip</i>").await;
    // Reload the whole page too (server-rendered, not only fragments).
    browser
        .goto(&live.app.url(&format!("/inbox?c={conversation}")))
        .await;
    browser.wait_for_text("#thread", "<img src=x").await;
    browser.goto(&live.app.url("/dashboard")).await;
    browser.wait_for("main").await;
    assert_eq!(
        browser
            .execute("return typeof window.__xss === 'undefined' && !document.querySelector('#main img, #main svg[onload], #main b[onmouseover]')")
            .await,
        json!(true),
        "no markup from the customer ran or rendered"
    );
    browser.close().await;
}

#[tokio::test]
async fn browser_keyboard_only_and_two_agents_see_each_other() {
    let Some(ana) = Browser::open().await else {
        return;
    };
    let live = Live::start().await;
    let (status, u) = live
        .admin
        .post(
            "/api/v1/users",
            json!({"email": "bo@acme.test", "name": "Bo Agent", "password": "another long password", "role": "agent"}),
        )
        .await;
    assert!(status.is_success(), "{u}");
    live.customer_says("PSID_1", "One", "Question one").await;
    live.customer_says("PSID_2", "Two", "Question two").await;
    live.conversation_of("Question two").await;
    live.sign_in(&ana, &live.app.url("")).await;
    ana.wait_for_text("#list", "Question two").await;

    // j opens the first conversation, j the next, k goes back; ? shows the help.
    ana.press_key(Key::Char('j')).await;
    ana.wait_for("#composer").await;
    let first = ana
        .execute("return document.querySelector('article.conversation').dataset.id")
        .await;
    ana.press_key(Key::Char('j')).await;
    ana.wait_until(&format!(
        "document.querySelector('article.conversation').dataset.id !== {first}"
    ))
    .await;
    ana.press_key(Key::Char('k')).await;
    ana.wait_until(&format!(
        "document.querySelector('article.conversation').dataset.id === {first}"
    ))
    .await;
    ana.press_key(Key::Char('?')).await;
    ana.wait_until("document.getElementById('help').open").await;
    ana.screenshot("keyboard-help").await;
    ana.press_key(Key::Escape).await;
    ana.wait_until("!document.getElementById('help').open")
        .await;

    // A second agent opens the same conversation: each sees the other.
    let Some(bo) = Browser::open_with(Options::desktop().lang("it")).await else {
        return;
    };
    bo.goto(&live.app.url("/login")).await;
    bo.type_into("#email", "bo@acme.test").await;
    bo.type_into("#password", "another long password").await;
    bo.press_key(Key::Enter).await;
    bo.wait_for("#list").await;
    bo.goto(
        &live
            .app
            .url(&format!("/inbox?c={}", first.as_str().unwrap())),
    )
    .await;
    bo.wait_for("#composer").await;
    ana.wait_for_text("#presence", "Bo Agent is viewing").await;
    bo.wait_for_text("#presence", "Ada Admin sta guardando")
        .await;
    // r goes to the composer; typing there tells the other.
    ana.press_key(Key::Char('r')).await;
    ana.wait_until("document.activeElement.id === 'reply-text'")
        .await;
    ana.type_into("#reply-text", "Looking into it").await;
    bo.wait_for_text("#presence", "Ada Admin sta scrivendo")
        .await;
    // Shift+Enter is a new line, not a send; Escape leaves the composer, e is done.
    ana.press_key(Key::ShiftEnter).await;
    assert_eq!(
        ana.execute("return document.getElementById('reply-text').value")
            .await,
        json!("Looking into it\n")
    );
    assert!(
        !live
            .sandbox
            .sends()
            .iter()
            .any(|r| r.body.get("message").is_some()),
        "Shift+Enter sent nothing"
    );
    ana.press_key(Key::Escape).await;
    ana.press_key(Key::Char('e')).await;
    ana.wait_for_text(".actions .folder", "Done").await;
    bo.screenshot("presence-italian").await;
    bo.close().await;

    // The composer: a gentle hint past three sentences; quick-reply buttons go out
    // with the reply.
    ana.execute("document.getElementById('reply-text').value = ''")
        .await;
    ana.type_into("#reply-text", "One. Two. Three.").await;
    ana.wait_until("document.getElementById('long-hint').hidden")
        .await;
    ana.type_into("#reply-text", " Four.").await;
    ana.wait_until("!document.getElementById('long-hint').hidden")
        .await;
    ana.execute("document.getElementById('reply-text').value = ''")
        .await;
    for title in ["Yes", "No"] {
        ana.type_into("#quick-title", title).await;
        ana.click("#quick-add").await;
    }
    ana.wait_for_text("#quick-list", "No").await;
    ana.type_into("#reply-text", "Shall I refund it?").await;
    ana.press_key(Key::Enter).await;
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    let body = loop {
        let sent = live.sandbox.sends();
        if let Some(r) = sent
            .iter()
            .find(|r| r.body["message"]["text"] == "Shall I refund it?")
        {
            break r.body.clone();
        }
        assert!(std::time::Instant::now() < deadline, "{sent:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let titles: Vec<_> = body["message"]["quick_replies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["title"].clone())
        .collect();
    assert_eq!(titles, [json!("Yes"), json!("No")], "{body}");

    // `/` from anywhere opens the saved replies in the composer.
    ana.press_key(Key::Escape).await;
    ana.press_key(Key::Char('/')).await;
    ana.wait_for_text("#saved-suggest [role=option]", "/hello")
        .await;
    ana.press_key(Key::Escape).await;

    // Eight days later even the Human Agent tag is over: the send button is
    // disabled and says why.
    live.app
        .clock
        .fetch_add(8 * 24 * 3_600_000_000, Ordering::SeqCst);
    ana.goto(
        &live
            .app
            .url(&format!("/inbox?c={}", first.as_str().unwrap())),
    )
    .await;
    ana.wait_until("document.getElementById('send').disabled")
        .await;
    ana.wait_for_text("#reply-why", "7 days of the Human Agent tag are over")
        .await;
    ana.close().await;
}

#[tokio::test]
async fn browser_phone_width_shows_the_list_then_the_conversation() {
    let Some(phone) = Browser::open_with(Options::phone().lang("fr-FR")).await else {
        return;
    };
    let live = Live::start().await;
    live.customer_says("PSID_P", "Paul", "Bonjour, une question")
        .await;
    live.conversation_of("Bonjour, une question").await;
    // A refused sign-in says why in the page's language.
    phone.goto(&live.app.url("/login")).await;
    phone.type_into("#email", EMAIL).await;
    phone.type_into("#password", "not the password").await;
    phone.press_key(Key::Enter).await;
    phone
        .wait_for_text("#login-error", "E-mail ou mot de passe incorrect.")
        .await;
    live.sign_in(&phone, &live.app.url("")).await;
    phone.wait_for_text("#list", "Bonjour, une question").await;
    let fits = "document.scrollingElement.scrollWidth <= innerWidth + 1";
    phone.wait_until(fits).await;
    phone.screenshot("phone-inbox").await;
    assert_accessible(&phone, "the inbox on a phone").await;
    phone.click("#list li.row a").await;
    phone.wait_for("#composer").await;
    phone
        .wait_until("getComputedStyle(document.querySelector('.list-pane')).display === 'none'")
        .await;
    phone.wait_until(fits).await;
    phone.wait_for_text(".conv-head", "Retour à la liste").await;
    phone.screenshot("phone-conversation").await;
    phone.close().await;
}
