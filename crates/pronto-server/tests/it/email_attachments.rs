//! Files from the composer go out as MIME attachments of an email reply, against
//! the real mail server (the sink's copy read back with the parser); a file over
//! the size limit is refused when uploaded, naming the field and the limit.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::email::{conversation_of, email_channel, mail, mailserver, sync};
use crate::support::{Client, TestApp};

async fn upload(
    admin: &Client,
    conversation: i64,
    name: &str,
    mime: &str,
    bytes: Vec<u8>,
) -> (StatusCode, Value) {
    let r = admin
        .request(
            reqwest::Method::POST,
            &format!("/api/v1/conversations/{conversation}/attachments?name={name}"),
        )
        .header("content-type", mime)
        .body(bytes)
        .send()
        .await
        .unwrap();
    let status = r.status();
    (status, r.json().await.unwrap_or_default())
}

#[tokio::test]
async fn an_email_reply_carries_the_composers_files() {
    let Some(server) = mailserver("email attachments") else {
        return;
    };
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let folder = server.folder("files").await;
    let channel = email_channel(&admin, server.config(&folder)).await;
    server
        .append(
            &folder,
            &mail(
                "fay@customer.test",
                "f1@customer.test",
                "Notes",
                "",
                "Send me the notes?",
            ),
        )
        .await;
    sync(&app, channel).await;
    let conversation = conversation_of(&admin, "f1@customer.test").await;

    // Too large: refused when uploaded, with the limit.
    let limit = pronto_channels::email::attach::MAX_BYTES;
    let (status, body) = upload(
        &admin,
        conversation,
        "big.pdf",
        "application/pdf",
        vec![0; limit + 1],
    )
    .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["field"], "file", "{body}");
    assert!(
        body["message"].as_str().unwrap().contains("up to 10 MB"),
        "{body}"
    );

    let notes = b"%PDF-1.4 the notes\n".to_vec();
    let (status, kept) = upload(
        &admin,
        conversation,
        "notes.pdf",
        "application/pdf",
        notes.clone(),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{kept}");
    let body = json!({"text": "Here are the notes.", "attachments": [{"upload_id": kept["id"]}]});
    let captured = server.reply_sent(&app, &admin, conversation, body).await;
    let sent = pronto_channels::email::parse(captured.as_bytes()).unwrap();
    assert_eq!(sent.text.trim(), "Here are the notes.");
    assert_eq!(sent.files.len(), 1, "{captured}");
    let file = &sent.files[0];
    assert_eq!(
        (file.name.as_str(), file.content_type.as_str()),
        ("notes.pdf", "application/pdf")
    );
    assert_eq!(file.bytes, notes);
    assert!(!file.inline);
    app.stop().await;
}
