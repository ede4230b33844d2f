//! Email channels against a real mail server (Dovecot for IMAP, Postfix for
//! submission relaying to an aiosmtpd sink: `scripts/mailserver.sh start`, which
//! `scripts/test.sh` and CI run and whose variables they set). Each test reads its
//! own IMAP folder, filled with APPEND; replies leave through Postfix and are read
//! back from the sink's files. On SQLite, and on PostgreSQL when configured.
//!
//! Without `PRONTO_TEST_IMAP` these tests say they were skipped; with it, a server
//! that does not answer fails them.

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use axum::http::StatusCode;
use pronto_core::email::EmailConfig;
use pronto_server::delivery::{Outcome, deliver_next};
use pronto_server::email::net::Reach;
use pronto_server::email::{imap, receive};
use pronto_store::testing::{self, TestDb};
use serde_json::{Value, json};

use crate::support::{Client, TestApp};

pub(crate) const PASSWORD: &str = "mail-pass-7359";
pub(crate) const SUPPORT: &str = "support@example.test";
static NEXT: AtomicU32 = AtomicU32::new(0);
/// The tests' own IMAP sessions reach the local server.
const LOCAL: Reach = Reach {
    allow_private: true,
    roots: None,
};

/// The test mail server, from the variables `scripts/mailserver.sh env` prints.
pub(crate) struct Mailserver {
    imap: (String, u16),
    smtp: (String, u16),
    sink: PathBuf,
    /// The same servers over TLS, under the name their certificate gives.
    pub(crate) tls: Tls,
}

/// The TLS side of the test mail server: IMAP with implicit TLS (STARTTLS is on
/// the plain port), SMTP with implicit TLS and STARTTLS (submission), and the
/// self-signed certificate they present (`PRONTO_TEST_MAIL_CA`).
pub(crate) struct Tls {
    pub(crate) imaps: (String, u16),
    pub(crate) smtps: (String, u16),
    pub(crate) submission: (String, u16),
    pub(crate) ca: PathBuf,
}

pub(crate) fn mailserver(test: &str) -> Option<Mailserver> {
    let Ok(imap) = std::env::var("PRONTO_TEST_IMAP") else {
        eprintln!(
            "PRONTO_TEST_IMAP is not set: {test} skipped (scripts/mailserver.sh start, then export its `env` lines; scripts/test.sh does both)"
        );
        return None;
    };
    let split = |v: &str| {
        let (h, p) = v.rsplit_once(':').expect("HOST:PORT");
        (h.to_owned(), p.parse().expect("a port"))
    };
    let smtp = std::env::var("PRONTO_TEST_SMTP").expect("PRONTO_TEST_SMTP beside PRONTO_TEST_IMAP");
    let sink = std::env::var("PRONTO_TEST_MAIL_SINK")
        .expect("PRONTO_TEST_MAIL_SINK beside PRONTO_TEST_IMAP");
    let var = |name: &str| {
        std::env::var(name).unwrap_or_else(|_| {
            panic!("{name} beside PRONTO_TEST_IMAP (scripts/mailserver.sh env prints it)")
        })
    };
    Some(Mailserver {
        imap: split(&imap),
        smtp: split(&smtp),
        sink: PathBuf::from(sink),
        tls: Tls {
            imaps: split(&var("PRONTO_TEST_IMAPS")),
            smtps: split(&var("PRONTO_TEST_SMTPS")),
            submission: split(&var("PRONTO_TEST_SUBMISSION")),
            ca: PathBuf::from(var("PRONTO_TEST_MAIL_CA")),
        },
    })
}

impl Mailserver {
    /// A channel's settings reading `folder`.
    pub(crate) fn config(&self, folder: &str) -> Value {
        json!({"address": SUPPORT, "imap_host": self.imap.0, "imap_port": self.imap.1,
            "imap_tls": "none", "imap_user": SUPPORT, "imap_password": PASSWORD,
            "imap_folder": folder, "smtp_host": self.smtp.0, "smtp_port": self.smtp.1,
            "smtp_tls": "none", "smtp_user": SUPPORT, "smtp_password": PASSWORD})
    }

    /// A channel's settings reading `folder` over TLS: IMAP with `imap_tls`
    /// (implicit, or STARTTLS on the plain port), SMTP with `smtp_tls` (implicit,
    /// or STARTTLS on submission), every host named as the certificate names it.
    pub(crate) fn tls_config(&self, folder: &str, imap_tls: &str, smtp_tls: &str) -> Value {
        let imap = if imap_tls == "implicit" {
            self.tls.imaps.clone()
        } else {
            (self.tls.imaps.0.clone(), self.imap.1)
        };
        let smtp = if smtp_tls == "implicit" {
            &self.tls.smtps
        } else {
            &self.tls.submission
        };
        let mut config = self.config(folder);
        for (k, v) in [
            ("imap_host", json!(imap.0)),
            ("imap_port", json!(imap.1)),
            ("imap_tls", json!(imap_tls)),
            ("smtp_host", json!(smtp.0)),
            ("smtp_port", json!(smtp.1)),
            ("smtp_tls", json!(smtp_tls)),
        ] {
            config[k] = v;
        }
        config
    }

    /// An agent's reply in `conversation` (`body`: its text, and a subject or
    /// files), sent by the outbox at once; the mail the sink captured.
    pub(crate) async fn reply_sent(
        &self,
        app: &TestApp,
        admin: &Client,
        conversation: i64,
        body: Value,
    ) -> String {
        let text = body["text"].as_str().unwrap_or_default().to_owned();
        let (status, reply) = admin
            .post(
                &format!("/api/v1/conversations/{conversation}/messages"),
                body,
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{reply}");
        let before = self.sink_files();
        let outcome = deliver_next(&app.state).await.unwrap();
        assert!(matches!(outcome, Outcome::Delivered(_)), "{outcome:?}");
        self.captured(&text, &before).await
    }

    /// An IMAP session of the support account (for the test's own APPENDs).
    async fn session(&self) -> imap::Imap {
        let config = EmailConfig::read(&self.config("INBOX"));
        let (session, _) = imap::open(&LOCAL, &config, PASSWORD)
            .await
            .unwrap_or_else(|e| {
                panic!(
                    "the test IMAP server does not answer ({e}): run scripts/mailserver.sh start"
                )
            });
        session
    }

    /// A new, empty folder of the support account.
    pub(crate) async fn folder(&self, name: &str) -> String {
        // Unique across runs too: the server keeps its folders.
        let started = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default()
            .as_micros();
        let folder = format!(
            "t{started}-{}-{}-{name}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        );
        let mut s = self.session().await;
        s.create(&folder).await.unwrap();
        imap::close(s).await;
        folder
    }

    pub(crate) async fn append(&self, folder: &str, raw: &str) {
        let mut s = self.session().await;
        s.append(folder, None, None, raw.replace('\n', "\r\n"))
            .await
            .unwrap();
        imap::close(s).await;
    }

    /// The files the sink holds now.
    pub(crate) fn sink_files(&self) -> HashSet<PathBuf> {
        ["new", "cur"]
            .iter()
            .filter_map(|dir| std::fs::read_dir(self.sink.join(dir)).ok())
            .flat_map(|entries| entries.flatten().map(|e| e.path()))
            .collect()
    }

    /// The mail the sink captured, not among `before`, that contains `needle`
    /// (Message-IDs repeat across runs and backends: the tests' key and message
    /// ids are the same). Postfix relays on its own schedule, so this looks until
    /// the mail is there (a minute at most, then fails saying where to look).
    pub(crate) async fn captured(&self, needle: &str, before: &HashSet<PathBuf>) -> String {
        for _ in 0..600 {
            for path in self.sink_files().difference(before) {
                let text = std::fs::read_to_string(path).unwrap_or_default();
                if text.contains(needle) {
                    return text;
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!(
            "no new mail with {needle:?} reached the sink {} (see the mail server's postfix.log)",
            self.sink.display()
        );
    }
}

/// A customer's mail.
pub(crate) fn mail(from: &str, id: &str, subject: &str, extra: &str, body: &str) -> String {
    format!(
        "From: {from}\nTo: Support <{SUPPORT}>\nSubject: {subject}\nMessage-ID: <{id}>\n{extra}MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n{body}\n"
    )
}

/// A remote server's bounce (a DSN) of the mail `id` sent to `to`: 550, user
/// unknown.
pub(crate) fn bounce(id: &str, to: &str) -> String {
    format!(
        "Return-Path: <>\nFrom: MAILER-DAEMON@mail.example.test (Mail Delivery System)\nTo: {SUPPORT}\nSubject: Undelivered Mail Returned to Sender\nMessage-ID: <dsn-{id}@mail.example.test>\nMIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status; boundary=\"b1\"\n\n--b1\nContent-Type: text/plain\n\nYour message could not be delivered.\n--b1\nContent-Type: message/delivery-status\n\nReporting-MTA: dns; mail.example.test\n\nFinal-Recipient: rfc822; {to}\nAction: failed\nStatus: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1 User unknown\n--b1\nContent-Type: text/rfc822-headers\n\nFrom: {SUPPORT}\nTo: {to}\nMessage-ID: <{id}>\n--b1--\n"
    )
}

pub(crate) async fn email_channel(admin: &Client, config: Value) -> i64 {
    let (status, c) = admin
        .post(
            "/api/v1/channels",
            json!({"kind": "email", "name": "ACME Support", "config": config}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{c}");
    assert!(!c.to_string().contains(PASSWORD), "{c}");
    c["id"].as_i64().unwrap()
}

pub(crate) async fn sync(app: &TestApp, channel: i64) -> receive::Synced {
    let channel = app
        .state
        .store
        .channel_any_workspace(channel)
        .await
        .unwrap();
    receive::sync(&app.state, &channel).await.unwrap()
}

/// The workspace's conversations, newest activity first, with their messages.
pub(crate) async fn conversations(admin: &Client) -> Vec<Value> {
    let (_, list) = admin.get("/api/v1/conversations").await;
    let mut out = Vec::new();
    for item in list["items"].as_array().unwrap() {
        let (_, c) = admin
            .get(&format!("/api/v1/conversations/{}", item["id"]))
            .await;
        out.push(c);
    }
    out
}

#[tokio::test]
async fn email_is_received_threaded_trimmed_and_answered_with_its_headers() {
    let Some(server) = mailserver("email round trip") else {
        return;
    };
    for db in testing::backends().await {
        round_trip(&server, db).await;
    }
}

async fn round_trip(server: &Mailserver, db: TestDb) {
    let app = TestApp::start(db.url.clone(), Some(db), false).await;
    let admin = app.admin().await;

    // Settings are checked, naming the field; secrets are sealed and never shown.
    let mut bad = server.config("INBOX");
    bad["imap_tls"] = json!("ssl");
    let (status, body) = admin
        .post(
            "/api/v1/channels",
            json!({"kind": "email", "name": "x", "config": bad}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        body["message"]
            .as_str()
            .unwrap()
            .contains("config.imap_tls"),
        "{body}"
    );
    let folder = server.folder("round").await;
    let channel = email_channel(&admin, server.config(&folder)).await;
    let stored = app
        .state
        .store
        .channel_any_workspace(channel)
        .await
        .unwrap();
    for key in ["imap_password", "smtp_password"] {
        assert!(
            stored.config[key].as_str().unwrap().starts_with("enc:v1:"),
            "{key}"
        );
    }
    let (_, view) = admin.get(&format!("/api/v1/channels/{channel}")).await;
    assert!(view["config"].get("imap_password").is_none(), "{view}");
    assert_eq!(view["config"]["imap_folder"], folder.as_str());

    // Test connection: both servers answer.
    let (status, report) = admin
        .post(&format!("/api/v1/channels/{channel}/email/test"), json!({}))
        .await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(
        (report["imap"]["ok"].clone(), report["smtp"]["ok"].clone()),
        (json!(true), json!(true)),
        "{report}"
    );

    // A new mail starts a conversation, named after its sender.
    let body = "Hello, where is my order 42?\n\n-- \nAnn Example\nACME fan";
    server
        .append(
            &folder,
            &mail(
                "Ann Example <Ann@Customer.test>",
                "m1@customer.test",
                "Order 42",
                "",
                body,
            ),
        )
        .await;
    let synced = sync(&app, channel).await;
    assert_eq!((synced.fetched, synced.stored), (1, 1));
    let convs = conversations(&admin).await;
    assert_eq!(convs.len(), 1);
    let conv = &convs[0];
    let conversation = conv["conversation"]["id"].as_i64().unwrap();
    assert_eq!(conv["contact"]["name"], "Ann Example", "{conv}");
    let first = &conv["messages"][0];
    assert_eq!(first["text"], "Hello, where is my order 42?", "{first}");
    assert_eq!(first["external_id"], "m1@customer.test");
    // The whole mail, signature included, is one request away.
    let (status, full) = admin
        .get(&format!("/api/v1/messages/{}/email", first["id"]))
        .await;
    assert_eq!(status, StatusCode::OK, "{full}");
    assert!(
        full["full_text"].as_str().unwrap().contains("ACME fan"),
        "{full}"
    );
    assert_eq!(full["subject"], "Order 42");
    let raw = admin
        .request(reqwest::Method::GET, full["raw"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status(), StatusCode::OK);
    assert!(
        raw.text()
            .await
            .unwrap()
            .contains("Message-ID: <m1@customer.test>")
    );

    // The agent's reply is a real mail with the thread's headers.
    let (status, reply) = admin
        .post(
            &format!("/api/v1/conversations/{conversation}/messages"),
            json!({"text": "It ships <tomorrow>.", "subject": "Your order 42"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{reply}");
    let before = server.sink_files();
    let outcome = deliver_next(&app.state).await.unwrap();
    assert!(matches!(outcome, Outcome::Delivered(_)), "{outcome:?}");
    let (_, conv) = admin
        .get(&format!("/api/v1/conversations/{conversation}"))
        .await;
    let sent = &conv["messages"][1];
    assert_eq!(sent["status"], "sent", "{sent}");
    let our_id = sent["external_id"].as_str().unwrap().to_owned();
    assert!(
        our_id.starts_with("pronto.") && our_id.ends_with("@example.test"),
        "{our_id}"
    );
    let captured = server.captured(&our_id, &before).await;
    assert!(
        captured.contains(&format!("Message-ID: <{our_id}>")),
        "{captured}"
    );
    assert!(
        captured.contains("In-Reply-To: <m1@customer.test>"),
        "{captured}"
    );
    assert!(
        captured.contains("References: <m1@customer.test>"),
        "{captured}"
    );
    assert!(captured.contains("Subject: Your order 42"), "{captured}");
    assert!(
        captured.contains("From: \"ACME Support\" <support@example.test>"),
        "{captured}"
    );
    assert!(
        captured.contains("X-RcptTo: ann@customer.test"),
        "{captured}"
    );
    assert!(
        captured.contains("text/plain") && captured.contains("text/html"),
        "{captured}"
    );
    assert!(captured.contains("&lt;tomorrow&gt;"), "{captured}");
    assert!(!captured.contains("Auto-Submitted"), "{captured}");

    // The customer's answer, quoting ours Gmail-style, lands in the same
    // conversation, trimmed; so does a colleague's answer in the thread.
    let answer = format!(
        "Great, thanks!\n\nOn Sun, 1 Mar 2026 at 09:00, ACME Support <{SUPPORT}>\nwrote:\n> It ships tomorrow."
    );
    let refs = format!("In-Reply-To: <{our_id}>\nReferences: <m1@customer.test> <{our_id}>\n");
    server
        .append(
            &folder,
            &mail(
                "ann@customer.test",
                "m2@customer.test",
                "Re: Your order 42",
                &refs,
                &answer,
            ),
        )
        .await;
    server
        .append(
            &folder,
            &mail(
                "Bob <bob@customer.test>",
                "b1@customer.test",
                "Re: Your order 42",
                &refs,
                "I am Ann's colleague: same question.",
            ),
        )
        .await;
    let synced = sync(&app, channel).await;
    assert_eq!((synced.fetched, synced.stored), (2, 2));
    let convs = conversations(&admin).await;
    assert_eq!(convs.len(), 1, "a threaded answer starts no conversation");
    let texts: Vec<&str> = convs[0]["messages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["text"].as_str().unwrap())
        .collect();
    assert_eq!(
        texts[2..],
        ["Great, thanks!", "I am Ann's colleague: same question."]
    );

    // The pane: the composer has a subject, a trimmed mail shows its whole text
    // one click away; the settings page lists the channel with its test button.
    let page = |path: String| {
        let admin = &admin;
        async move {
            let r = admin
                .request(reqwest::Method::GET, &path)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), StatusCode::OK, "{path}");
            r.text().await.unwrap()
        }
    };
    let pane = page(format!("/ui/conversations/{conversation}")).await;
    assert!(pane.contains("id=\"reply-subject\""), "{pane}");
    assert!(
        pane.contains("Show the whole email") && pane.contains("ACME fan"),
        "{pane}"
    );
    assert!(
        pane.contains(&format!("/api/v1/messages/{}/email/raw", first["id"])),
        "{pane}"
    );
    let settings = page("/settings".to_owned()).await;
    assert!(settings.contains("value=\"email\"") && settings.contains("name=\"smtp_password\""));
    assert!(settings.contains(&format!("data-form=\"email-test\" data-id=\"{channel}\"")));
    assert!(!settings.contains(PASSWORD));

    // Another sender without references starts their own conversation.
    server
        .append(
            &folder,
            &mail(
                "carol@customer.test",
                "c1@customer.test",
                "Question",
                "",
                "Do you ship to Italy?",
            ),
        )
        .await;
    assert_eq!(sync(&app, channel).await.stored, 1);
    assert_eq!(conversations(&admin).await.len(), 2);

    // Another workspace sees none of it.
    let other = crate::support::second_workspace_admin(&app).await;
    let (status, _) = other
        .post(&format!("/api/v1/channels/{channel}/email/test"), json!({}))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = other
        .get(&format!("/api/v1/messages/{}/email", first["id"]))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = other
        .get(&format!("/api/v1/messages/{}/email/raw", first["id"]))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // A wrong password: the test says which server refused, never the password.
    let wrong_folder = server.folder("wrong").await;
    let mut wrong = server.config(&wrong_folder);
    wrong["imap_password"] = json!("not-the-password");
    wrong["smtp_password"] = json!("not-the-password");
    let bad_channel = email_channel(&admin, wrong).await;
    let (_, report) = admin
        .post(
            &format!("/api/v1/channels/{bad_channel}/email/test"),
            json!({}),
        )
        .await;
    assert_eq!(report["imap"]["ok"], false, "{report}");
    assert!(
        report["imap"]["error"]
            .as_str()
            .unwrap()
            .contains("refused the sign-in"),
        "{report}"
    );
    assert_eq!(report["smtp"]["ok"], false, "{report}");
    assert!(
        report["smtp"]["error"].as_str().unwrap().contains("535"),
        "{report}"
    );
    assert!(!report.to_string().contains("not-the-password"), "{report}");
    app.stop().await;
}

#[tokio::test]
async fn email_is_stored_once_across_restarts_uidvalidity_changes_and_nodes() {
    let Some(server) = mailserver("email exactly once") else {
        return;
    };
    for db in testing::backends().await {
        exactly_once(&server, db).await;
    }
}

async fn exactly_once(server: &Mailserver, db: TestDb) {
    let url = db.url.clone();
    let app = TestApp::start(url.clone(), Some(db), false).await;
    let admin = app.admin().await;
    let folder = server.folder("once").await;
    let channel = email_channel(&admin, server.config(&folder)).await;
    for n in 1..=3 {
        let from = format!("c{n}@customer.test");
        server
            .append(
                &folder,
                &mail(&from, &format!("once{n}@customer.test"), "Hi", "", "Hello"),
            )
            .await;
    }
    // Another node holds the mailbox: this one leaves it alone.
    let now = app.state.now();
    let taken = app
        .state
        .store
        .claim_mailbox(channel, "other-node", now, receive::LEASE)
        .await
        .unwrap();
    assert!(taken.is_some());
    assert!(sync(&app, channel).await.busy);
    assert_eq!(conversations(&admin).await.len(), 0);
    app.state
        .store
        .release_mailbox(channel, "other-node", None, app.state.now())
        .await
        .unwrap();

    // A crash after storing and before the position moved: the next reader (a
    // restarted server) fetches the same mail again and stores none twice.
    assert_eq!(sync(&app, channel).await.stored, 3);
    let state = position(&app, channel).await;
    let node = app.state.node.clone();
    app.state
        .store
        .claim_mailbox(channel, &node, now, receive::LEASE)
        .await
        .unwrap();
    let back = pronto_store::MailboxState {
        uidvalidity: state.uidvalidity,
        last_uid: 1,
    };
    assert!(
        app.state
            .store
            .advance_mailbox(channel, &node, back, now)
            .await
            .unwrap()
    );
    app.state
        .store
        .release_mailbox(channel, &node, None, app.state.now())
        .await
        .unwrap();
    let db = app.stop().await;
    let app = TestApp::start(url.clone(), db, false).await;
    let admin = app.login("admin@acme.test", "correct horse battery").await;
    let again = sync(&app, channel).await;
    assert_eq!((again.fetched, again.stored), (2, 0));
    assert_eq!(conversations(&admin).await.len(), 3);
    assert_eq!(
        sync(&app, channel).await.fetched,
        0,
        "nothing is fetched twice"
    );

    // The folder is made again (a new UIDVALIDITY) with the same mail and one new:
    // everything is read again and only the new one is stored.
    let mut s = server.session().await;
    s.delete(&folder).await.unwrap();
    s.create(&folder).await.unwrap();
    imap::close(s).await;
    for n in 1..=4 {
        let from = format!("c{n}@customer.test");
        server
            .append(
                &folder,
                &mail(&from, &format!("once{n}@customer.test"), "Hi", "", "Hello"),
            )
            .await;
    }
    let before = position(&app, channel).await;
    let synced = sync(&app, channel).await;
    let after = position(&app, channel).await;
    assert_ne!(
        before.uidvalidity, after.uidvalidity,
        "the server gave a new UIDVALIDITY"
    );
    assert_eq!((synced.fetched, synced.stored), (4, 1));
    assert_eq!(conversations(&admin).await.len(), 4);
    app.stop().await;
}

/// The mailbox's position, read by claiming it for a moment.
async fn position(app: &TestApp, channel: i64) -> pronto_store::MailboxState {
    let node = app.state.node.clone();
    let now = app.state.now();
    let state = app
        .state
        .store
        .claim_mailbox(channel, &node, now, receive::LEASE)
        .await
        .unwrap()
        .unwrap();
    app.state
        .store
        .release_mailbox(channel, &node, None, app.state.now())
        .await
        .unwrap();
    state
}

#[tokio::test]
async fn robots_get_no_automated_answer_bounces_and_refusals_fail_the_message() {
    let Some(server) = mailserver("email robots") else {
        return;
    };
    for db in testing::backends().await {
        robots(&server, db).await;
    }
}

async fn robots(server: &Mailserver, db: TestDb) {
    let app = TestApp::start(db.url.clone(), Some(db), false).await;
    let admin = app.admin().await;
    let folder = server.folder("robots").await;
    let channel = email_channel(&admin, server.config(&folder)).await;
    let (status, body) = admin
        .put(
            &format!("/api/v1/channels/{channel}/automation"),
            json!({"instant_reply": {"enabled": true, "text": "Thanks, we answer soon."}}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");

    // An out-of-office and a list mail: kept, never answered by the automation.
    let ooo = mail(
        "dan@customer.test",
        "ooo@customer.test",
        "Automatic reply: hi",
        "Auto-Submitted: auto-replied\n",
        "I am away.",
    );
    let list = mail(
        "news@lists.test",
        "news@lists.test",
        "Digest",
        "Precedence: list\nList-Id: <n.lists.test>\n",
        "News.",
    );
    server.append(&folder, &ooo).await;
    server.append(&folder, &list).await;
    assert_eq!(sync(&app, channel).await.stored, 2);
    assert_eq!(deliver_next(&app.state).await.unwrap(), Outcome::Idle);

    // A person's mail gets the instant reply, marked as automated.
    server
        .append(
            &folder,
            &mail(
                "erin@customer.test",
                "erin1@customer.test",
                "Help",
                "",
                "Hello?",
            ),
        )
        .await;
    assert_eq!(sync(&app, channel).await.stored, 1);
    let before = server.sink_files();
    let outcome = deliver_next(&app.state).await.unwrap();
    let Outcome::Delivered(auto_id) = outcome else {
        panic!("the instant reply is sent: {outcome:?}")
    };
    let auto = app
        .state
        .store
        .message_email(1, auto_id)
        .await
        .unwrap()
        .unwrap();
    let captured = server.captured(&auto.rfc_id, &before).await;
    assert!(
        captured.contains("Auto-Submitted: auto-replied"),
        "{captured}"
    );
    assert!(
        captured.contains("X-Auto-Response-Suppress: All"),
        "{captured}"
    );
    assert!(
        captured.contains("In-Reply-To: <erin1@customer.test>"),
        "{captured}"
    );

    // However the automations are set, one address gets at most MAX_AUTOMATED
    // automated replies a day: with two more stored, the next one is refused.
    let conv_id = conversation_of(&admin, "erin1@customer.test").await;
    let token = admin
        .post("/api/v1/tokens", json!({"name": "bot", "role": "agent"}))
        .await
        .1["secret"]
        .as_str()
        .unwrap()
        .to_owned();
    let bot = admin.with_token(&token);
    for n in 0..2 {
        let (status, body) = bot
            .post(
                &format!("/api/v1/conversations/{conv_id}/messages"),
                json!({"text": format!("Automated {n}"), "author": "automation"}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    let channel_row = app
        .state
        .store
        .channel_any_workspace(channel)
        .await
        .unwrap();
    let customer = app
        .state
        .store
        .messages(1, conv_id, 1000)
        .await
        .unwrap()
        .remove(0);
    assert_eq!(customer.external_id.as_deref(), Some("erin1@customer.test"));
    assert!(!pronto_server::email::may_automate(&app.state, &channel_row, &customer).await);
    while deliver_next(&app.state).await.unwrap() != Outcome::Idle {}

    // An agent's reply to an address that does not exist, then the bounce: the
    // message shows failed with the remote answer, and the bounce gets no reply.
    server
        .append(
            &folder,
            &mail("nobody@customer.test", "nb1@customer.test", "Hi", "", "Hi"),
        )
        .await;
    sync(&app, channel).await;
    while deliver_next(&app.state).await.unwrap() != Outcome::Idle {}
    let nobody = conversation_of(&admin, "nb1@customer.test").await;
    let (_, reply) = admin
        .post(
            &format!("/api/v1/conversations/{nobody}/messages"),
            json!({"text": "Here is your answer."}),
        )
        .await;
    assert!(matches!(
        deliver_next(&app.state).await.unwrap(),
        Outcome::Delivered(_)
    ));
    let sent = app
        .state
        .store
        .message_email(1, reply["id"].as_i64().unwrap())
        .await
        .unwrap()
        .unwrap();
    server
        .append(&folder, &bounce(&sent.rfc_id, "nobody@customer.test"))
        .await;
    let before = conversations(&admin).await.len();
    sync(&app, channel).await;
    assert_eq!(
        deliver_next(&app.state).await.unwrap(),
        Outcome::Idle,
        "no answer to a bounce"
    );
    assert_eq!(
        conversations(&admin).await.len(),
        before,
        "the bounce starts no conversation"
    );
    let (_, conv) = admin.get(&format!("/api/v1/conversations/{nobody}")).await;
    let failed = conv["messages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == reply["id"])
        .unwrap();
    assert_eq!(failed["status"], "failed", "{failed}");
    assert!(
        failed["error"]
            .as_str()
            .unwrap()
            .contains("550 5.1.1 User unknown"),
        "{failed}"
    );

    // The SMTP server refuses (no AUTH: relay denied): the message fails with its
    // answer. A server that is not there: tried again later.
    let fay = reply_through(
        &app,
        &admin,
        server,
        "fay",
        json!({"smtp_user": "", "smtp_password": ""}),
    )
    .await;
    let Outcome::Failed(_, reason) = deliver_next(&app.state).await.unwrap() else {
        panic!("a 5xx fails the message")
    };
    assert!(
        reason.contains("554") && reason.contains("Relay access denied"),
        "{reason}"
    );
    let (_, conv) = admin.get(&format!("/api/v1/conversations/{fay}")).await;
    assert_eq!(conv["messages"][1]["status"], "failed");
    let error = conv["messages"][1]["error"].as_str().unwrap();
    assert!(error.contains("Relay access denied"), "{error}");

    reply_through(&app, &admin, server, "gus", json!({"smtp_port": 9})).await;
    let outcome = deliver_next(&app.state).await.unwrap();
    assert!(matches!(outcome, Outcome::Retrying(..)), "{outcome:?}");
    app.stop().await;
}

/// A channel with some settings `changed`, a mail from `who` received on it, and
/// an agent's reply queued; the conversation's id.
async fn reply_through(
    app: &TestApp,
    admin: &Client,
    server: &Mailserver,
    who: &str,
    changed: Value,
) -> i64 {
    let folder = server.folder(who).await;
    let mut config = server.config(&folder);
    for (k, v) in changed.as_object().unwrap() {
        config[k] = v.clone();
    }
    let channel = email_channel(admin, config).await;
    let id = format!("{who}1@customer.test");
    let from = format!("{who}@customer.test");
    server
        .append(&folder, &mail(&from, &id, "Hi", "", "Hi"))
        .await;
    sync(app, channel).await;
    let conversation = conversation_of(admin, &id).await;
    let (status, body) = admin
        .post(
            &format!("/api/v1/conversations/{conversation}/messages"),
            json!({"text": format!("Hello {who}")}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    conversation
}

/// The conversation that begins with the mail `id`.
pub(crate) async fn conversation_of(admin: &Client, id: &str) -> i64 {
    conversations(admin)
        .await
        .iter()
        .find(|c| c["messages"][0]["external_id"] == id)
        .and_then(|c| c["conversation"]["id"].as_i64())
        .unwrap_or_else(|| panic!("no conversation begins with {id}"))
}

#[tokio::test]
async fn idle_reads_new_mail_at_once_and_mark_seen_sets_the_flag() {
    let Some(server) = mailserver("email IDLE") else {
        return;
    };
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let folder = server.folder("idle").await;
    let mut config = server.config(&folder);
    config["mark_seen"] = json!(true);
    let channel = email_channel(&admin, config).await;
    // The worker's step reads the mailbox and leaves an IDLE connection open.
    pronto_server::email::receive::step(&app.state)
        .await
        .unwrap();
    while !app.state.idling.lock().unwrap().contains(&channel) {
        tokio::task::yield_now().await;
    }
    server
        .append(
            &folder,
            &mail("ida@customer.test", "ida1@customer.test", "Hi", "", "Hello"),
        )
        .await;
    // No poll is due for a minute: the watcher brings the mail in (looked for until
    // it is there, a minute at most), then waits in IDLE, which brings the next.
    until_conversations(&admin, 1).await;
    server
        .append(
            &folder,
            &mail("ivo@customer.test", "ivo1@customer.test", "Hi", "", "Hello"),
        )
        .await;
    until_conversations(&admin, 2).await;
    // Fetched mail is marked \Seen, as the channel asks.
    let mut s = server.session().await;
    s.select(&folder).await.unwrap();
    let seen = s.uid_search("SEEN").await.unwrap();
    assert_eq!(seen.len(), 2, "the mail is \\Seen");
    imap::close(s).await;
    app.state.begin_stopping();
    app.stop().await;
}

/// Waits until the workspace has `n` conversations (a minute at most).
async fn until_conversations(admin: &Client, n: usize) {
    for _ in 0..600 {
        if conversations(admin).await.len() == n {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no {n} conversations after a minute: the IDLE watcher did not read the mail");
}
