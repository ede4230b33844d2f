//! The harness against what the server shows today: the first-run setup page, a
//! phone in French, and a network that goes down under a page and its event stream.

use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::sync::mpsc;

use super::{Browser, Key, Options, Proxy, Violation};
use crate::support::TestApp;

fn list(violations: &[Violation]) -> String {
    violations.iter().map(|v| format!("\n  {v}")).collect()
}

#[tokio::test]
async fn browser_creates_the_first_admin_on_the_setup_page() {
    let Some(browser) = Browser::open().await else {
        return;
    };
    let app = TestApp::spawn().await;
    let link = pronto_server::first_run(&app.state).await.unwrap().unwrap();
    let token = link.split("token=").nth(1).unwrap();

    // A wrong token: the page says why, in its alert.
    browser.goto(&app.url("/setup?token=wrong")).await;
    assert_eq!(browser.text("h1").await, "Welcome to Pronto");
    assert_eq!(
        browser.execute("return [innerWidth, innerHeight]").await,
        json!([1280, 900]),
        "the desktop viewport"
    );
    browser.type_into("#name", "Ada Admin").await;
    browser.type_into("#email", "ada@acme.test").await;
    browser
        .type_into("#password", "correct horse battery")
        .await;
    browser.click("button[type=submit]").await;
    browser
        .wait_until("document.getElementById('error').textContent !== ''")
        .await;
    let violations = browser.axe_violations().await;
    assert!(violations.is_empty(), "axe:{}", list(&violations));

    // The link's token: Enter submits, and the admin can sign in.
    browser
        .goto(&app.url(&format!("/setup?token={token}")))
        .await;
    browser.type_into("#name", "Ada Admin").await;
    browser.type_into("#email", "ada@acme.test").await;
    browser
        .type_into("#password", "correct horse battery")
        .await;
    browser.press_key(Key::Enter).await;
    browser
        .wait_for_text("[role=status]", "You can now sign in as ada@acme.test")
        .await;
    let violations = browser.axe_violations().await;
    assert!(violations.is_empty(), "axe:{}", list(&violations));
    let png = browser.screenshot("smoke-setup-done").await;
    assert!(std::fs::metadata(png).unwrap().len() > 1000);
    app.login("ada@acme.test", "correct horse battery").await;

    // axe does see a fault: a button without a name.
    browser
        .execute("document.querySelector('main').append(document.createElement('button'))")
        .await;
    let violations = browser.axe_violations().await;
    assert!(
        violations.iter().any(|v| v.id == "button-name"),
        "axe missed a nameless button:{}",
        list(&violations)
    );
    browser.close().await;
}

#[tokio::test]
async fn browser_phone_in_french_asks_for_french() {
    let Some(browser) = Browser::open_with(Options::phone().lang("fr")).await else {
        return;
    };
    // A server that records each request's head and answers a page for phones.
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (heads, mut requests) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok((mut s, _)) = listener.accept().await {
            let heads = heads.clone();
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut buf = [0; 1024];
                while !head.ends_with(b"\r\n\r\n") {
                    match s.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                let _ = heads.send(String::from_utf8_lossy(&head).to_lowercase());
                let page = r#"<!doctype html><html lang="fr"><meta name="viewport" content="width=device-width, initial-scale=1"><title>t</title><p>Bonjour</p></html>"#;
                let response = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{page}",
                    page.len()
                );
                let _ = s.write_all(response.as_bytes()).await;
            });
        }
    });
    browser.goto(&format!("http://{addr}/")).await;
    let head = requests.recv().await.unwrap();
    assert!(head.contains("\r\naccept-language: fr\r\n"), "{head}");
    assert_eq!(
        browser
            .execute("return [navigator.language, innerWidth, innerHeight, devicePixelRatio, navigator.maxTouchPoints > 0]")
            .await,
        json!(["fr", 390, 844, 3, true])
    );
    browser.screenshot("smoke-phone").await;
    browser.close().await;
}

#[tokio::test]
async fn browser_page_loads_through_a_proxy_that_goes_down_and_comes_back() {
    let Some(browser) = Browser::open().await else {
        return;
    };
    let app = TestApp::spawn().await;
    let proxy = Proxy::start(app.addr).await;
    browser.goto(&proxy.url("/setup")).await;
    browser.wait_for("form#setup").await;

    proxy.pause();
    let down = browser.try_goto(&proxy.url("/setup?down")).await;
    let down = down.expect_err("the page loaded through a paused proxy");
    eprintln!("while paused: {down}");

    proxy.resume();
    browser.goto(&proxy.url("/setup?up")).await;
    browser.wait_for("form#setup").await;
    browser.close().await;
}

#[tokio::test]
async fn browser_event_stream_reconnects_after_the_proxy_cuts_it() {
    let Some(browser) = Browser::open().await else {
        return;
    };
    let app = TestApp::spawn().await;
    app.admin().await;
    let proxy = Proxy::start(app.addr).await;
    browser.goto(&proxy.url("/setup")).await;
    browser
        .execute(
            r#"window.log = [];
            fetch("/api/v1/auth/login", {method: "POST", headers: {"content-type": "application/json"},
                body: JSON.stringify({email: "admin@acme.test", password: "correct horse battery"})})
              .then((r) => {
                log.push("login " + r.status);
                const events = new EventSource("/api/v1/events");
                events.onopen = () => log.push("open");
                events.onerror = () => log.push("error");
              });"#,
        )
        .await;
    let opens = |n: usize| format!("log.filter((e) => e === 'open').length === {n}");
    browser.wait_until(&opens(1)).await;
    assert_eq!(
        browser.execute("return log").await,
        json!(["login 200", "open"])
    );

    // Cut: the stream ends and EventSource comes back by itself.
    proxy.sever();
    browser.wait_until(&opens(2)).await;

    // Down: it keeps failing (its retries are refused) until the network is back.
    proxy.pause();
    browser
        .wait_until("log.slice(log.lastIndexOf('open')).filter((e) => e === 'error').length >= 2")
        .await;
    proxy.resume();
    browser.wait_until(&opens(3)).await;
    browser.close().await;
}
