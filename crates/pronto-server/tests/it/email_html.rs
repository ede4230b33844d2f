//! The whole-email view of an HTML mail with inline images, against the real
//! mail server: its HTML served under a policy that runs no script and loads
//! nothing from elsewhere, its `cid:` images pointed at their files, both for the
//! workspace's agents only; the pane frames it, sandboxed, under "Show the whole
//! email".

use axum::http::StatusCode;

use crate::email::{SUPPORT, conversation_of, conversations, email_channel, mailserver, sync};
use crate::support::TestApp;

/// A 1×1 PNG.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, 0x49, 0x48, 0x44, 0x52, 0, 0, 0,
    1, 0, 0, 0, 1, 8, 6, 0, 0, 0, 0x1f, 0x15, 0xc4, 0x89, 0, 0, 0, 0x0d, 0x49, 0x44, 0x41, 0x54,
    0x78, 0x9c, 0x63, 0, 1, 0, 0, 5, 0, 1, 0x0d, 0x0a, 0x2d, 0xb4, 0, 0, 0, 0, 0x49, 0x45, 0x4e,
    0x44, 0xae, 0x42, 0x60, 0x82,
];

#[tokio::test]
async fn an_html_mail_is_shown_with_its_inline_images_and_nothing_else() {
    let Some(server) = mailserver("email HTML") else {
        return;
    };
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let folder = server.folder("html").await;
    let channel = email_channel(&admin, server.config(&folder)).await;
    let png = base64_lines(PNG);
    let raw = format!(
        "From: Hana <hana@customer.test>\nTo: {SUPPORT}\nSubject: Broken part\n\
         Message-ID: <h1@customer.test>\nMIME-Version: 1.0\n\
         Content-Type: multipart/related; boundary=rel\n\n\
         --rel\nContent-Type: multipart/alternative; boundary=alt\n\n\
         --alt\nContent-Type: text/plain; charset=utf-8\n\nThe part is broken, see the photo.\n\
         --alt\nContent-Type: text/html; charset=utf-8\n\n\
         <p>The part is <b>broken</b>, see the photo.</p><img src=\"cid:photo@customer.test\">\
         <img src=\"https://tracker.example/pixel.gif\"><script>document.title='ran'</script>\n\
         --alt--\n\
         --rel\nContent-Type: image/png; name=photo.png\nContent-ID: <photo@customer.test>\n\
         Content-Disposition: inline; filename=photo.png\nContent-Transfer-Encoding: base64\n\n{png}\n\
         --rel--\n"
    );
    server.append(&folder, &raw).await;
    assert_eq!(sync(&app, channel).await.stored, 1);
    let conversation = conversation_of(&admin, "h1@customer.test").await;
    let message = conversations(&admin).await[0]["messages"][0].clone();
    let id = message["id"].as_i64().unwrap();
    let file = message["attachments"][0]["file"]
        .as_str()
        .unwrap()
        .to_owned();

    let response = admin
        .request(
            reqwest::Method::GET,
            &format!("/api/v1/messages/{id}/email/html"),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let policy = response.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(policy, pronto_server::routes::email::HTML_POLICY);
    assert!(
        policy.contains("sandbox") && !policy.contains("allow-scripts"),
        "{policy}"
    );
    assert!(response.headers().get("x-frame-options").is_none());
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let html = response.text().await.unwrap();
    assert!(html.contains(&format!("<img src=\"{file}\">")), "{html}");
    assert!(!html.contains("cid:"), "{html}");
    // The image is the mail's own, for the workspace's agents.
    let image = admin
        .request(reqwest::Method::GET, &file)
        .send()
        .await
        .unwrap();
    assert_eq!(image.status(), StatusCode::OK);
    assert_eq!(image.bytes().await.unwrap().as_ref(), PNG);

    // The pane frames it, sandboxed without scripts.
    let (_, pane) =
        crate::support::html(&admin, &format!("/ui/conversations/{conversation}"), "en").await;
    let frame = pane
        .split("<iframe")
        .nth(1)
        .and_then(|f| f.split('>').next())
        .unwrap_or_default();
    assert!(
        frame.contains("sandbox=\"allow-same-origin\"")
            && frame.contains(&format!("src=\"/api/v1/messages/{id}/email/html\"")),
        "{pane}"
    );

    // Another workspace sees neither; a plain mail has no HTML to show.
    let other = crate::support::second_workspace_admin(&app).await;
    for path in [format!("/api/v1/messages/{id}/email/html"), file] {
        let r = other
            .request(reqwest::Method::GET, &path)
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{path}");
    }
    server
        .append(
            &folder,
            &crate::email::mail(
                "hana@customer.test",
                "h2@customer.test",
                "Plain",
                "",
                "Just text",
            ),
        )
        .await;
    sync(&app, channel).await;
    let plain = conversations(&admin)
        .await
        .iter()
        .flat_map(|c| c["messages"].as_array().unwrap().clone())
        .find(|m| m["external_id"] == "h2@customer.test")
        .unwrap()["id"]
        .clone();
    let (status, _) = admin
        .get(&format!("/api/v1/messages/{plain}/email/html"))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    app.stop().await;
}

/// Base64 in 76-character lines, as mail carries it.
fn base64_lines(bytes: &[u8]) -> String {
    use base64::Engine;
    let text = base64::engine::general_purpose::STANDARD.encode(bytes);
    text.as_bytes()
        .chunks(76)
        .map(|c| String::from_utf8_lossy(c).into_owned())
        .collect::<Vec<_>>()
        .join("\n")
}
