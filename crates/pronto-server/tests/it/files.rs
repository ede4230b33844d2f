//! Files customers send on Messenger, copied from the platform's URL into Pronto's
//! file store by the media worker (never in the webhook's path), then served from
//! Pronto's copy to the workspace's members only: images inline, anything else as
//! a download, never run by the browser. On SQLite, and PostgreSQL when configured.

use axum::http::StatusCode;
use pronto_server::media::{Fetched, fetch_next};
use pronto_store::testing::{self, TestDb};
use serde_json::json;

use crate::meta::{MS0, PAGE, SECRET, body, drain, messenger_channel};
use crate::support::{Client, TestApp, html};

#[tokio::test]
async fn messenger_attachments_are_copied_and_served_to_members_only() {
    for db in testing::backends().await {
        copied(db).await;
    }
}

async fn post_signed(app: &TestApp, channel: i64, body: &str) {
    let r = reqwest::Client::new()
        .post(app.url(&format!("/webhooks/meta/{channel}")))
        .header(
            "x-hub-signature-256",
            pronto_channels::signature::sign(SECRET, body.as_bytes()),
        )
        .body(body.to_owned())
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
}

async fn fetch(client: &Client, path: &str) -> reqwest::Response {
    client
        .request(reqwest::Method::GET, path)
        .send()
        .await
        .unwrap()
}

async fn copied(db: TestDb) {
    let (app, sandbox) = TestApp::spawn_with_sandbox(db).await;
    let cdn = app
        .state
        .config
        .graph_base_url
        .trim_end_matches("/v25.0")
        .to_owned();
    let admin = app.admin().await;
    let (channel, _) = messenger_channel(&app, &admin).await;
    let png = b"\x89PNG\r\n\x1a\n a photo of the parcel".to_vec();
    let page = b"<html><script>alert(document.cookie)</script></html>".to_vec();
    let pdf = b"%PDF-1.4 the invoice".to_vec();
    let photo = sandbox.host_attachment("parcel.png", "image/png", png.clone());
    let trap = sandbox.host_attachment("invoice.html", "text/html; charset=utf-8", page);
    let invoice = sandbox.host_attachment("invoice.pdf", "application/pdf", pdf.clone());
    let attachment =
        |kind: &str, path: &str| json!({"type": kind, "payload": {"url": format!("{cdn}{path}")}});
    let message = json!({"sender": {"id": "PSID_1"}, "recipient": {"id": PAGE}, "timestamp": MS0,
    "message": {"mid": "m_files", "attachments": [
        attachment("image", &photo),
        attachment("file", &trap),
        attachment("file", &invoice),
        attachment("image", "/attachments/999999/gone.png"),
        {"type": "fallback", "payload": {"url": "https://example.test/a-link"}},
    ]}});
    let webhook = body(&[message]);
    post_signed(&app, channel, &webhook).await;
    drain(&app).await;
    // The webhook stored the message only; the worker copies the four files.
    let mut outcomes = Vec::new();
    loop {
        match fetch_next(&app.state).await.unwrap() {
            Fetched::Idle => break,
            f => outcomes.push(f),
        }
    }
    assert_eq!(outcomes.len(), 4, "{outcomes:?}");
    assert_eq!(
        outcomes
            .iter()
            .filter(|f| matches!(f, Fetched::Stored(_)))
            .count(),
        3,
        "{outcomes:?}"
    );
    // The same webhook again queues nothing.
    post_signed(&app, channel, &webhook).await;
    drain(&app).await;
    assert_eq!(fetch_next(&app.state).await.unwrap(), Fetched::Idle);
    // The platform's links expire; Pronto's copies stay.
    sandbox.expire_attachments();

    let (_, list) = admin.get("/api/v1/conversations").await;
    let id = list["items"][0]["id"].as_i64().unwrap();
    let (_, c) = admin.get(&format!("/api/v1/conversations/{id}")).await;
    let a = c["messages"][0]["attachments"].as_array().unwrap().clone();
    assert_eq!(a.len(), 5, "{a:?}");
    let file = |i: usize| {
        a[i]["file"]
            .as_str()
            .unwrap_or_else(|| panic!("{:?}", a[i]))
            .to_owned()
    };
    assert_eq!(a[0]["media_id"], "m_files#0");
    assert!(
        a[3]["error"].as_str().unwrap().contains("expired"),
        "{:?}",
        a[3]
    );
    assert!(a[4].get("media_id").is_none(), "a link is not a file");

    let r = fetch(&admin, &file(0)).await;
    assert_eq!(r.status(), StatusCode::OK);
    let h = r.headers().clone();
    assert_eq!(h["content-type"], "image/png");
    assert_eq!(h["content-disposition"], "inline");
    assert_eq!(h["x-content-type-options"], "nosniff");
    assert!(
        h["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("sandbox")
    );
    assert_eq!(r.bytes().await.unwrap().to_vec(), png);
    // HTML is never served as HTML: a download of bytes.
    let r = fetch(&admin, &file(1)).await;
    assert_eq!(r.headers()["content-type"], "application/octet-stream");
    assert_eq!(
        r.headers()["content-disposition"],
        "attachment; filename=\"invoice.html\""
    );
    assert!(
        r.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("sandbox")
    );
    // A PDF keeps its type, as a download.
    let r = fetch(&admin, &file(2)).await;
    assert_eq!(r.headers()["content-type"], "application/pdf");
    assert!(
        r.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment;")
    );
    assert_eq!(r.bytes().await.unwrap().to_vec(), pdf);
    // The bytes are in the file store, under their hash.
    let key = pronto_server::files::key_of(&png);
    assert_eq!(app.state.files.get(&key).await.unwrap(), Some(png.clone()));
    // The inbox links Pronto's copy, not the platform's.
    let (_, page) = html(&admin, &format!("/ui/conversations/{id}"), "en").await;
    assert!(page.contains(&file(0)), "{page}");
    assert!(!page.contains(&photo), "{page}");

    // Members only: not signed in, 401; another workspace's member, 404.
    let anonymous = reqwest::get(app.url(&file(0))).await.unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    let other = crate::support::second_workspace_admin(&app).await;
    assert_eq!(
        fetch(&other, &file(0)).await.status(),
        StatusCode::NOT_FOUND
    );
    app.stop().await;
}
