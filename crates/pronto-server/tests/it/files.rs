//! Files customers send on Messenger, copied from the platform's URL into Pronto's
//! file store by the media worker (never in the webhook's path), then served from
//! Pronto's copy to the workspace's members only: images inline, anything else as
//! a download, never run by the browser. Files agents send: checked against Meta's
//! limits when uploaded, uploaded to Meta once per content and reused; on Instagram,
//! fetched by Meta at a signed link that expires. On SQLite, and PostgreSQL when
//! configured.

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

#[tokio::test]
async fn an_agents_file_is_checked_uploaded_to_meta_once_and_reused() {
    for db in testing::backends().await {
        uploaded(db).await;
    }
}

pub(crate) async fn upload(
    client: &Client,
    conversation: i64,
    name: &str,
    mime: &str,
    bytes: &[u8],
) -> (StatusCode, serde_json::Value) {
    client
        .send(
            client
                .request(
                    reqwest::Method::POST,
                    &format!("/api/v1/conversations/{conversation}/attachments?name={name}"),
                )
                .header("content-type", mime)
                .body(bytes.to_vec()),
        )
        .await
}

async fn uploaded(db: TestDb) {
    use pronto_sandbox::{Event, Platform};
    use pronto_server::delivery::{Outcome, deliver_next};

    use crate::support::T0;
    let (app, sandbox) = TestApp::spawn_with_sandbox(db).await;
    let admin = app.admin().await;
    let channel = crate::send_side::channel(&admin, &sandbox, "messenger", json!({})).await;
    let mid = sandbox.customer_message("PAGE_1", "PSID_1", "Ana", "a photo please", T0);
    let event = Event::Text {
        from: "PSID_1".into(),
        mid,
        text: "a photo please".into(),
    };
    crate::send_side::deliver(&app, channel, Platform::Messenger, &event, T0).await;
    let (_, list) = admin.get("/api/v1/conversations").await;
    let conversation = list["items"][0]["id"].as_i64().unwrap();

    // What Meta would refuse is refused before Pronto keeps it, naming the field.
    let (status, body) = upload(&admin, conversation, "logo.svg", "image/svg+xml", b"<svg/>").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["field"], "file");
    let (status, body) = upload(&admin, conversation, "scan.tiff", "image/tiff", b"II*").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body["message"].as_str().unwrap().contains("JPEG"), "{body}");
    let big = vec![0u8; pronto_channels::messenger::upload::MAX_IMAGE_BYTES + 1];
    let (status, body) = upload(&admin, conversation, "huge.png", "image/png", &big).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(body["message"].as_str().unwrap().contains("8 MB"), "{body}");

    let png = b"\x89PNG\r\n\x1a\n the red one".to_vec();
    let (status, first) = upload(&admin, conversation, "red.png", "image/png", &png).await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    assert_eq!(first["type"], "image");
    let id = first["id"].as_i64().unwrap();
    let (status, reply) = admin
        .post(
            &format!("/api/v1/conversations/{conversation}/messages"),
            json!({"text": "", "attachments": [{"upload_id": id}]}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{reply}");
    let path = format!("/api/v1/uploads/{id}");
    assert_eq!(reply["attachments"][0]["file"], path.as_str(), "{reply}");
    assert!(matches!(
        deliver_next(&app.state).await.unwrap(),
        Outcome::Delivered(_)
    ));
    // The same file again, uploaded anew and sent in another reply: Meta is not
    // asked to take it twice; the kept attachment_id goes out.
    let (_, second) = upload(&admin, conversation, "red-again.png", "image/png", &png).await;
    admin
        .post(
            &format!("/api/v1/conversations/{conversation}/messages"),
            json!({"text": "", "attachments": [{"upload_id": second["id"]}]}),
        )
        .await;
    assert!(matches!(
        deliver_next(&app.state).await.unwrap(),
        Outcome::Delivered(_)
    ));
    assert_eq!(deliver_next(&app.state).await.unwrap(), Outcome::Idle);
    let uploads: Vec<_> = sandbox
        .requests()
        .into_iter()
        .filter(|r| r.path.ends_with("/message_attachments"))
        .collect();
    assert_eq!(uploads.len(), 1, "one upload to Meta");
    assert_eq!(uploads[0].status, 200);
    let attachment_id = uploads[0].response["attachment_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let sent = sandbox.sends();
    assert_eq!(sent.len(), 2, "each reply sent once");
    for s in &sent {
        assert_eq!(
            s.body["message"]["attachment"],
            json!({"type": "image", "payload": {"attachment_id": attachment_id}}),
            "{}",
            s.body
        );
    }

    // A saved reply carries a file (uploaded for the channel, outside any
    // conversation); inserting it offers the file with the text.
    let (status, pdf) = admin
        .send(
            admin
                .request(
                    reqwest::Method::POST,
                    &format!("/api/v1/uploads?channel={channel}&name=sizes.pdf"),
                )
                .header("content-type", "application/pdf")
                .body(b"%PDF sizes".to_vec()),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{pdf}");
    assert_eq!(pdf["type"], "file");
    let (status, saved) = admin
        .post(
            "/api/v1/saved-replies",
            json!({"name": "Sizes", "shortcut": "sizes", "text": "Here are the sizes.", "upload_id": pdf["id"]}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{saved}");
    assert_eq!(saved["upload_id"], pdf["id"]);
    let (_, list) = admin.get("/api/v1/saved-replies").await;
    assert_eq!(list[0]["upload_id"], pdf["id"], "{list}");
    let (_, rendered) = admin
        .post(
            &format!("/api/v1/saved-replies/{}/render", saved["id"]),
            json!({"conversation_id": conversation}),
        )
        .await;
    assert_eq!(rendered["text"], "Here are the sizes.");
    assert_eq!(rendered["upload"]["id"], pdf["id"]);
    assert_eq!(rendered["upload"]["name"], "sizes.pdf");

    // The upload is served back to the workspace only.
    let r = fetch(&admin, &path).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["content-type"], "image/png");
    assert_eq!(r.bytes().await.unwrap().to_vec(), png);
    let other = crate::support::second_workspace_admin(&app).await;
    assert_eq!(fetch(&other, &path).await.status(), StatusCode::NOT_FOUND);
    let (status, _) = upload(&other, conversation, "x.png", "image/png", &png).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, body) = other
        .post(
            "/api/v1/saved-replies",
            json!({"name": "Peek", "shortcut": "peek", "text": "x", "upload_id": id}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["field"], "upload_id");
    app.stop().await;
}

#[tokio::test]
async fn an_instagram_file_goes_by_a_signed_link_that_expires() {
    use pronto_sandbox::Platform;
    use pronto_server::delivery::{Outcome, deliver_next};

    // Without a public address, Instagram could not fetch the file: refused.
    let (app, sandbox) = crate::send_side::spawn().await;
    let admin = app.admin().await;
    let channel = crate::send_side::channel(&admin, &sandbox, "instagram", json!({})).await;
    let conversation =
        crate::send_side::customer_wrote(&app, &sandbox, &admin, channel, Platform::Instagram)
            .await;
    let png = b"\x89PNG\r\n\x1a\n the blue one".to_vec();
    let (status, body) = upload(&admin, conversation, "blue.png", "image/png", &png).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(
        body["message"].as_str().unwrap().contains("public_url"),
        "{body}"
    );

    let (app, sandbox) = crate::send_side::spawn_with(|c| {
        c.public_url = "https://inbox.acme.test".into();
    })
    .await;
    let admin = app.admin().await;
    let channel = crate::send_side::channel(&admin, &sandbox, "instagram", json!({})).await;
    let conversation =
        crate::send_side::customer_wrote(&app, &sandbox, &admin, channel, Platform::Instagram)
            .await;
    // Instagram's own limits: no documents, no WebP.
    let (status, body) = upload(
        &admin,
        conversation,
        "sizes.pdf",
        "application/pdf",
        b"%PDF",
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("Instagram takes images, audio and video"),
        "{body}"
    );
    let (status, body) = upload(&admin, conversation, "a.webp", "image/webp", b"RIFF").await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    let (status, file) = upload(&admin, conversation, "blue.png", "image/png", &png).await;
    assert_eq!(status, StatusCode::CREATED, "{file}");
    let (status, reply) = admin
        .post(
            &format!("/api/v1/conversations/{conversation}/messages"),
            json!({"text": "", "attachments": [{"upload_id": file["id"]}]}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{reply}");
    assert!(matches!(
        deliver_next(&app.state).await.unwrap(),
        Outcome::Delivered(_)
    ));
    let sent = crate::send_side::sends(&sandbox, 1).await;
    let attachment = &sent[0].body["message"]["attachment"];
    assert_eq!(attachment["type"], "image", "{attachment}");
    let link = attachment["payload"]["url"].as_str().unwrap();
    let path = link
        .strip_prefix("https://inbox.acme.test")
        .unwrap_or_else(|| panic!("not at the public address: {link}"));
    assert!(path.starts_with("/files/"), "{path}");
    // Anyone with the link gets the file (Meta signs in as no one), inert.
    let get = |path: String| {
        let url = app.url(&path);
        async move { reqwest::get(url).await.unwrap() }
    };
    let r = get(path.to_owned()).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");
    assert_eq!(r.bytes().await.unwrap().to_vec(), png);
    // A changed signature, another upload's id or another workspace's: nothing.
    let mut parts: Vec<String> = path.split('/').map(str::to_owned).collect();
    let signature = parts[5].clone();
    let flipped = if signature.starts_with('0') { "1" } else { "0" };
    parts[5] = format!("{flipped}{}", &signature[1..]);
    assert_eq!(get(parts.join("/")).await.status(), StatusCode::NOT_FOUND);
    parts[5] = signature;
    parts[3] = (file["id"].as_i64().unwrap() + 1).to_string();
    assert_eq!(get(parts.join("/")).await.status(), StatusCode::NOT_FOUND);
    // An hour later the link no longer works.
    app.advance(61 * 60 * 1_000_000);
    assert_eq!(get(path.to_owned()).await.status(), StatusCode::NOT_FOUND);
}

/// An S3 bucket on the test server (`PRONTO_TEST_S3_ENDPOINT`, which
/// `scripts/test.sh` starts), made for one test; `None` when not configured.
async fn s3_bucket(name: &str) -> Option<pronto_server::files::s3::S3Settings> {
    let Ok(endpoint) = std::env::var("PRONTO_TEST_S3_ENDPOINT") else {
        eprintln!("skipped: PRONTO_TEST_S3_ENDPOINT is not set (scripts/test.sh sets it)");
        return None;
    };
    let settings = pronto_server::files::s3::S3Settings {
        endpoint,
        bucket: format!("{name}-{}", std::process::id()),
        region: "us-east-1".into(),
        access_key: "test-key".into(),
        secret_key: "test-secret-never-shown".into(),
    };
    let bucket = rusty_s3::Bucket::new(
        settings.endpoint.parse().unwrap(),
        rusty_s3::UrlStyle::Path,
        settings.bucket.clone(),
        settings.region.clone(),
    )
    .unwrap();
    let credentials = rusty_s3::Credentials::new(&settings.access_key, &settings.secret_key);
    use rusty_s3::S3Action;
    let url = bucket
        .create_bucket(&credentials)
        .sign(std::time::Duration::from_secs(60));
    let r = reqwest::Client::new()
        .put(url)
        .header("content-length", "0")
        .send()
        .await
        .unwrap();
    assert!(r.status().is_success(), "{:?}", r.text().await);
    Some(settings)
}

#[tokio::test]
async fn files_go_to_an_s3_bucket_when_one_is_set() {
    use pronto_server::files::FileStore;
    use pronto_server::files::s3::S3;
    let Some(settings) = s3_bucket("pronto-files").await else {
        return;
    };
    let db = testing::sqlite().await;
    let url = db.url.clone();
    let folder = tempfile::tempdir().unwrap();
    let (s3, dir) = (settings.clone(), folder.path().to_owned());
    let app = TestApp::start_with(url, Some(db), false, move |c| {
        c.files_dir = dir;
        c.s3_bucket = s3.bucket;
        c.s3_endpoint = s3.endpoint;
        c.s3_access_key = s3.access_key;
        c.s3_secret_key = s3.secret_key;
    })
    .await;
    let admin = app.admin().await;
    let (channel, _) = crate::webchat::webchat(&admin).await;
    let pdf = b"%PDF-1.7 the catalogue".to_vec();
    let (status, file) = admin
        .send(
            admin
                .request(
                    reqwest::Method::POST,
                    &format!("/api/v1/uploads?channel={channel}&name=catalogue.pdf"),
                )
                .header("content-type", "application/pdf")
                .body(pdf.clone()),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{file}");
    let r = fetch(&admin, &format!("/api/v1/uploads/{}", file["id"])).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.bytes().await.unwrap().to_vec(), pdf);
    // The bytes are in the bucket (another node reads them there), not the folder.
    let key = pronto_server::files::key_of(&pdf);
    let other_node = S3::new(&settings).unwrap();
    assert_eq!(other_node.get(&key).await.unwrap(), Some(pdf.clone()));
    assert!(
        std::fs::read_dir(folder.path()).map_or(true, |mut d| d.next().is_none()),
        "nothing in the local folder"
    );
    // A key never stored is none; a bucket that does not exist is an error that
    // says what S3 answered, without the signed request.
    assert_eq!(other_node.get(&"0".repeat(64)).await.unwrap(), None);
    let missing = S3::new(&pronto_server::files::s3::S3Settings {
        bucket: "no-such-bucket".into(),
        ..settings.clone()
    })
    .unwrap();
    let e = missing.put(&key, &pdf).await.unwrap_err().to_string();
    assert!(e.contains("NoSuchBucket"), "{e}");
    assert!(
        !e.contains("Signature") && !e.contains("test-secret"),
        "{e}"
    );
}

#[test]
fn s3_settings_are_all_or_nothing() {
    let env = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    };
    let config = |pairs: &[(&str, &str)]| {
        pronto_server::config::Config::load(Some(std::path::Path::new("/dev/null")), env(pairs))
    };
    let e = config(&[("PRONTO_S3_BUCKET", "files")])
        .unwrap_err()
        .to_string();
    assert!(e.contains("s3_endpoint is needed"), "{e}");
    let e = config(&[
        ("PRONTO_S3_BUCKET", "files"),
        ("PRONTO_S3_ENDPOINT", "minio:9000"),
        ("PRONTO_S3_ACCESS_KEY", "k"),
        ("PRONTO_S3_SECRET_KEY", "s"),
    ])
    .unwrap_err()
    .to_string();
    assert!(e.contains("http(s) address"), "{e}");
    let ok = config(&[
        ("PRONTO_S3_BUCKET", "files"),
        ("PRONTO_S3_ENDPOINT", "http://minio:9000"),
        ("PRONTO_S3_ACCESS_KEY", "k"),
        ("PRONTO_S3_SECRET_KEY", "very-secret"),
    ])
    .unwrap();
    assert_eq!(ok.file_store().unwrap().unwrap().bucket, "files");
    assert!(!format!("{ok:?}").contains("very-secret"));
    assert!(config(&[]).unwrap().file_store().unwrap().is_none());
}
