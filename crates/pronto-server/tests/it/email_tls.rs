//! Email channels over TLS against the real local mail server: IMAP with implicit
//! TLS and with STARTTLS, SMTP with implicit TLS and with STARTTLS; the server's
//! self-signed certificate is trusted through the setting `mail_tls_roots` (the
//! tests point it at the certificate; Debian's snakeoil one is also in this
//! machine's system store), and a certificate that does not verify (here: a host
//! it does not name) is said so by "test connection", with the way to trust a
//! server's own. Private addresses are refused unless
//! `allow_private_mail_servers` is on: when the channel is made (naming the
//! field) and when connecting.

use axum::http::StatusCode;
use pronto_store::testing;
use serde_json::{Value, json};

use crate::email::{conversation_of, email_channel, mail, mailserver, sync};
use crate::support::{Client, TestApp};

#[tokio::test]
async fn mail_goes_both_ways_over_tls_and_an_unverified_certificate_is_named() {
    let Some(server) = mailserver("email over TLS") else {
        return;
    };
    let db = testing::sqlite().await;
    let url = db.url.clone();
    let ca = server.tls.ca.clone();
    let app = TestApp::start_with(url.clone(), Some(db), false, |c| c.mail_tls_roots = ca).await;
    let admin = app.admin().await;
    let mut channels = Vec::new();
    for (n, (imap_tls, smtp_tls)) in [("implicit", "implicit"), ("starttls", "starttls")]
        .into_iter()
        .enumerate()
    {
        let folder = server.folder(&format!("tls-{imap_tls}")).await;
        let channel = email_channel(&admin, server.tls_config(&folder, imap_tls, smtp_tls)).await;
        let report = test_connection(&admin, channel).await;
        assert_eq!(
            (&report["imap"]["ok"], &report["smtp"]["ok"]),
            (&json!(true), &json!(true)),
            "{imap_tls}/{smtp_tls}: {report}"
        );
        // Received over IMAP with TLS...
        let id = format!("tls{n}@customer.test");
        server
            .append(
                &folder,
                &mail("tess@customer.test", &id, "Hi", "", "Over TLS"),
            )
            .await;
        assert_eq!(sync(&app, channel).await.stored, 1, "{imap_tls}");
        // ...and answered over SMTP with TLS.
        let conversation = conversation_of(&admin, &id).await;
        let text = format!("Answered with {smtp_tls} TLS");
        let captured = server
            .reply_sent(&app, &admin, conversation, json!({ "text": text }))
            .await;
        assert!(
            captured.contains(&format!("In-Reply-To: <{id}>")),
            "{captured}"
        );
        channels.push(channel);
    }
    // A host the certificate does not name: refused, said so.
    let folder = server.folder("tls-name").await;
    let mut by_address = server.tls_config(&folder, "implicit", "implicit");
    by_address["imap_host"] = json!("127.0.0.1");
    by_address["smtp_host"] = json!("127.0.0.1");
    let wrong_name = email_channel(&admin, by_address).await;
    let report = test_connection(&admin, wrong_name).await;
    assert_unverified(&report, "imap");
    assert_unverified(&report, "smtp");
    let db = app.stop().await;

    // A roots file that cannot be read: said so, nothing dialled unverified.
    let app = TestApp::start_with(url, db, false, |c| {
        c.mail_tls_roots = "/nonexistent/pronto-roots.pem".into();
    })
    .await;
    let admin = app.login("admin@acme.test", "correct horse battery").await;
    for channel in channels {
        let report = test_connection(&admin, channel).await;
        for side in ["imap", "smtp"] {
            let error = report[side]["error"].as_str().unwrap_or_default();
            assert!(error.contains("mail_tls_roots (/nonexistent"), "{report}");
        }
    }
    app.stop().await;
}

#[tokio::test]
async fn mail_servers_at_private_addresses_are_refused_unless_allowed() {
    let Some(server) = mailserver("email private hosts") else {
        return;
    };
    let db = testing::sqlite().await;
    let url = db.url.clone();
    let app = TestApp::start(url.clone(), Some(db), false).await;
    let admin = app.admin().await;
    let folder = server.folder("private").await;
    let allowed = email_channel(&admin, server.config(&folder)).await;
    let db = app.stop().await;

    let app = TestApp::start_with(url, db, false, |c| c.allow_private_mail_servers = false).await;
    let admin = app.login("admin@acme.test", "correct horse battery").await;
    // Made: refused, naming the field and the setting.
    let refused = |field: &str, body: &Value| {
        let message = body["message"].as_str().unwrap_or_default().to_owned();
        assert!(
            message.contains(&format!("config.{field}"))
                && message.contains("allow_private_mail_servers"),
            "{body}"
        );
    };
    let (status, body) = admin
        .post(
            "/api/v1/channels",
            json!({"kind": "email", "name": "x", "config": server.config(&folder)}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    refused("imap_host", &body);
    let mut config = server.config(&folder);
    // A public address (never dialled: the SMTP host is refused first).
    config["imap_host"] = json!("192.0.43.10");
    config["smtp_host"] = json!("10.1.2.3");
    let (status, body) = admin
        .post(
            "/api/v1/channels",
            json!({"kind": "email", "name": "x", "config": config}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    refused("smtp_host", &body);
    // Connecting: the channel made while they were allowed is neither read nor
    // tested; nothing was dialled.
    let report = test_connection(&admin, allowed).await;
    for (side, field) in [("imap", "imap_host"), ("smtp", "smtp_host")] {
        let error = report[side]["error"].as_str().unwrap_or_default();
        assert!(
            error.contains(field) && error.contains("allow_private_mail_servers"),
            "{report}"
        );
    }
    let channel = app
        .state
        .store
        .channel_any_workspace(allowed)
        .await
        .unwrap();
    let error = pronto_server::email::receive::sync(&app.state, &channel)
        .await
        .unwrap_err();
    assert!(error.contains("imap_host"), "{error}");
    // The channel's health line says the read failed, and why.
    let (_, view) = admin.get(&format!("/api/v1/channels/{allowed}")).await;
    let health = &view["health"];
    assert!(
        health["error"]
            .as_str()
            .unwrap_or_default()
            .contains("imap_host"),
        "{view}"
    );
    assert_eq!(health["error_at"], app.state.now(), "{view}");
    assert_eq!(health["last_read_at"], Value::Null, "{view}");
    let (_, page) = crate::support::html(&admin, "/settings", "en").await;
    assert!(
        page.contains("The last read failed") && page.contains("allow_private_mail_servers"),
        "{page}"
    );
    app.stop().await;
}

async fn test_connection(admin: &Client, channel: i64) -> Value {
    let (status, report) = admin
        .post(&format!("/api/v1/channels/{channel}/email/test"), json!({}))
        .await;
    assert_eq!(status, StatusCode::OK, "{report}");
    report
}

/// The report says `side` failed because the certificate could not be verified,
/// and how to trust a server's own.
fn assert_unverified(report: &Value, side: &str) {
    assert_eq!(report[side]["ok"], false, "{report}");
    let error = report[side]["error"].as_str().unwrap_or_default();
    assert!(
        error.contains("certificate") && error.contains("mail_tls_roots"),
        "{side}: {report}"
    );
}
