//! Email for the other channels' customers, against the real mail server of
//! `email.rs`: "Move to email" from a chat conversation (issue 15), and a web
//! chat visitor who left answered by email, their answer back in the same
//! conversation (issue 14). On SQLite, and on PostgreSQL when configured.

use axum::http::StatusCode;
use pronto_server::delivery::{Outcome, deliver_next};
use pronto_store::testing::{self, TestDb};
use serde_json::{Value, json};

use crate::email::{Mailserver, email_channel, mail, mailserver, sync};
use crate::support::{Client, TestApp};
use crate::webchat::{SITE, Visitor, webchat};

/// A web chat visitor's first message: (the channel, the visitor, the conversation).
async fn chat(app: &TestApp, admin: &Client) -> (i64, Visitor, i64) {
    let (channel, _) = webchat(admin).await;
    let mut visitor = Visitor::new(app, channel, SITE);
    visitor.start().await;
    visitor.says("v1", "Can you send me the details?").await;
    let (_, list) = admin
        .get(&format!("/api/v1/conversations?channel={channel}"))
        .await;
    let conversation = list["items"][0]["id"].as_i64().unwrap();
    (channel, visitor, conversation)
}

/// The Message-ID of a captured mail.
fn message_id(captured: &str) -> String {
    let line = captured
        .lines()
        .find_map(|l| l.strip_prefix("Message-ID: <"))
        .unwrap_or_else(|| panic!("no Message-ID in {captured}"));
    line.trim_end_matches('>').to_owned()
}

async fn detail(admin: &Client, conversation: i64) -> Value {
    let (status, c) = admin
        .get(&format!("/api/v1/conversations/{conversation}"))
        .await;
    assert_eq!(status, StatusCode::OK, "{c}");
    c
}

#[tokio::test]
async fn a_chat_moves_to_email_on_the_same_contact() {
    let Some(server) = mailserver("move to email") else {
        return;
    };
    for db in testing::backends().await {
        move_to_email(&server, db).await;
    }
}

async fn move_to_email(server: &Mailserver, db: TestDb) {
    let app = TestApp::start(db.url.clone(), Some(db), false).await;
    let admin = app.admin().await;
    let (_, _, chat_conv) = chat(&app, &admin).await;
    let path = format!("/api/v1/conversations/{chat_conv}/email");
    let body = json!({"text": "Here are the details.", "subject": "Your order details"});

    // Refused, naming what is missing: the address, then the channel.
    let (status, e) = admin.post(&path, body.clone()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(
        (e["code"].as_str(), e["field"].as_str()),
        (Some("no_email_address"), Some("contact.email")),
        "{e}"
    );
    let contact = detail(&admin, chat_conv).await["contact"]["id"]
        .as_i64()
        .unwrap();
    let (status, c) = admin
        .patch(
            &format!("/api/v1/contacts/{contact}"),
            json!({"email": "Lia@Customer.test"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{c}");
    let (status, e) = admin.post(&path, body.clone()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(
        (e["code"].as_str(), e["field"].as_str()),
        (Some("no_email_channel"), Some("channel")),
        "{e}"
    );
    // No pane offers it yet.
    let (_, pane) =
        crate::support::html(&admin, &format!("/ui/conversations/{chat_conv}"), "en").await;
    assert!(!pane.contains("id=\"move-email\""));

    let folder = server.folder("move").await;
    let channel = email_channel(&admin, server.config(&folder)).await;
    let (_, pane) =
        crate::support::html(&admin, &format!("/ui/conversations/{chat_conv}"), "en").await;
    assert!(
        pane.contains("id=\"move-email\"") && pane.contains("Lia@Customer.test"),
        "{pane}"
    );

    let (status, moved) = admin.post(&path, body).await;
    assert_eq!(status, StatusCode::CREATED, "{moved}");
    assert_eq!(moved["address"], "lia@customer.test");
    let email_conv = moved["conversation_id"].as_i64().unwrap();
    assert_ne!(email_conv, chat_conv);
    let before = server.sink_files();
    let outcome = deliver_next(&app.state).await.unwrap();
    assert_eq!(
        outcome,
        Outcome::Delivered(moved["message"]["id"].as_i64().unwrap())
    );
    let conv = detail(&admin, email_conv).await;
    assert_eq!(conv["conversation"]["channel_id"], channel);
    assert_eq!(conv["contact"]["id"], contact, "the same contact");
    let ours = conv["messages"][0]["external_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let captured = server.captured(&ours, &before).await;
    for needle in [
        format!("Message-ID: <{ours}>"),
        "Subject: Your order details".to_owned(),
        "From: \"ACME Support\" <support@example.test>".to_owned(),
        "X-RcptTo: lia@customer.test".to_owned(),
        "Here are the details.".to_owned(),
    ] {
        assert!(captured.contains(&needle), "{needle}: {captured}");
    }

    // The answer, threaded by our Message-ID, lands in that conversation.
    let refs = format!("In-Reply-To: <{ours}>\nReferences: <{ours}>\n");
    server
        .append(
            &folder,
            &mail(
                "Lia <lia@customer.test>",
                "lia1@customer.test",
                "Re: Your order details",
                &refs,
                "Thanks, got them.",
            ),
        )
        .await;
    assert_eq!(sync(&app, channel).await.stored, 1);
    let conv = detail(&admin, email_conv).await;
    assert_eq!(conv["messages"][1]["text"], "Thanks, got them.", "{conv}");
    assert_eq!(conv["messages"][1]["author"], "customer");
    // The chat conversation is left as it was.
    assert_eq!(
        detail(&admin, chat_conv).await["messages"]
            .as_array()
            .unwrap()
            .len(),
        1
    );

    // An email conversation does not move to email; another contact's address
    // is not taken over.
    let (status, e) = admin
        .post(
            &format!("/api/v1/conversations/{email_conv}/email"),
            json!({"text": "x"}),
        )
        .await;
    assert_eq!(
        (status, e["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("not_a_chat")),
        "{e}"
    );
    let (_, _, other_chat) = chat(&app, &admin).await;
    let other = detail(&admin, other_chat).await["contact"]["id"]
        .as_i64()
        .unwrap();
    admin
        .patch(
            &format!("/api/v1/contacts/{other}"),
            json!({"email": "lia@customer.test"}),
        )
        .await;
    let (status, e) = admin
        .post(
            &format!("/api/v1/conversations/{other_chat}/email"),
            json!({"text": "x"}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{e}");

    // Another workspace cannot move this one's conversation.
    let stranger = crate::support::second_workspace_admin(&app).await;
    let (status, _) = stranger.post(&path, json!({"text": "x"})).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_web_chat_visitor_who_left_is_answered_by_email() {
    let Some(server) = mailserver("web chat by email") else {
        return;
    };
    for db in testing::backends().await {
        visitor_who_left(&server, db).await;
    }
}

async fn visitor_who_left(server: &Mailserver, db: TestDb) {
    let app = TestApp::start(db.url.clone(), Some(db), false).await;
    let admin = app.admin().await;
    let folder = server.folder("left").await;
    let email = email_channel(&admin, server.config(&folder)).await;
    let (chat_channel, visitor, conv) = chat(&app, &admin).await;
    let reply = |text: &'static str| {
        let admin = &admin;
        async move {
            let (status, m) = admin
                .post(
                    &format!("/api/v1/conversations/{conv}/messages"),
                    json!({"text": text}),
                )
                .await;
            assert_eq!(status, StatusCode::CREATED, "{m}");
            m["id"].as_i64().unwrap()
        }
    };
    let mailed = |app: &TestApp| {
        let state = app.state.clone();
        async move { state.store.email_thread_of(email, conv).await.unwrap() }
    };

    // No address left: the reply is only stored.
    let id = reply("Hello! Looking.").await;
    assert_eq!(
        deliver_next(&app.state).await.unwrap(),
        Outcome::Delivered(id)
    );
    assert!(mailed(&app).await.is_empty());

    // The visitor leaves an address, and is connected: still no mail.
    let (status, _) = visitor
        .post("/contact", json!({"email": "lia@customer.test"}))
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let stream = visitor.stream(None).await;
    let id = reply("Still looking.").await;
    assert_eq!(
        deliver_next(&app.state).await.unwrap(),
        Outcome::Delivered(id)
    );
    assert!(mailed(&app).await.is_empty());
    drop(stream);
    // The server forgets the stream once it sees it closed (at its next write at
    // the latest: a keep-alive every 15 s).
    let ws = app
        .state
        .store
        .channel_any_workspace(chat_channel)
        .await
        .unwrap()
        .workspace_id;
    let key = (
        chat_channel,
        app.state.store.reply_target(conv).await.unwrap().0,
    );
    let mut gone = false;
    for _ in 0..600 {
        if !app.state.feeds.is_connected(ws, &key) {
            gone = true;
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert!(
        gone,
        "the visitor's closed stream is forgotten within a minute"
    );

    // Gone: the reply goes by email too, From the email channel.
    let before = server.sink_files();
    let id = reply("Found it: it ships Monday.").await;
    assert_eq!(
        deliver_next(&app.state).await.unwrap(),
        Outcome::Delivered(id)
    );
    let sent = mailed(&app).await;
    assert_eq!(sent.len(), 1);
    let captured = server.captured(&sent[0], &before).await;
    assert_eq!(message_id(&captured), sent[0]);
    for needle in [
        "Subject: Your conversation with Shop chat",
        "From: \"ACME Support\" <support@example.test>",
        "X-RcptTo: lia@customer.test",
        "Found it: it ships Monday.",
    ] {
        assert!(captured.contains(needle), "{needle}: {captured}");
    }
    let messages = detail(&admin, conv).await["messages"].clone();
    assert_eq!(
        messages.as_array().unwrap().last().unwrap()["status"],
        "sent"
    );

    // Her answer comes back into the web chat conversation; someone else's
    // answer to the same mail, and an auto-reply, go to the email channel.
    let refs = format!("In-Reply-To: <{}>\nReferences: <{}>\n", sent[0], sent[0]);
    let subject = "Re: Your conversation with Shop chat";
    server
        .append(
            &folder,
            &mail(
                "Lia <LIA@customer.test>",
                "lia-a@customer.test",
                subject,
                &refs,
                "Great, thank you!\n\n-- \nLia, from Lyon",
            ),
        )
        .await;
    server
        .append(
            &folder,
            &mail(
                "mallory@evil.test",
                "mal@evil.test",
                subject,
                &refs,
                "Let me in.",
            ),
        )
        .await;
    let auto = format!("{refs}Auto-Submitted: auto-replied\n");
    server
        .append(
            &folder,
            &mail(
                "lia@customer.test",
                "lia-ooo@customer.test",
                subject,
                &auto,
                "I am away.",
            ),
        )
        .await;
    assert_eq!(sync(&app, email).await.stored, 3);
    let messages = detail(&admin, conv).await["messages"].clone();
    let last = messages.as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (last["text"].as_str(), last["author"].as_str()),
        (Some("Great, thank you!"), Some("customer")),
        "{messages}"
    );
    let texts: Vec<String> = messages
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["text"].as_str().unwrap().to_owned())
        .collect();
    assert!(
        !texts.iter().any(|t| t == "Let me in." || t == "I am away."),
        "{texts:?}"
    );
    // On the web chat's pane her mail has its whole text, and the original, one
    // click away.
    let (_, pane) = crate::support::html(&admin, &format!("/ui/conversations/{conv}"), "en").await;
    assert!(
        pane.contains("Show the whole email") && pane.contains("Lia, from Lyon"),
        "{pane}"
    );
    assert!(
        pane.contains(&format!("/api/v1/messages/{}/email/raw", last["id"])),
        "{pane}"
    );
    let (_, list) = admin
        .get(&format!("/api/v1/conversations?channel={email}"))
        .await;
    assert_eq!(list["items"].as_array().unwrap().len(), 2, "{list}");
    // The same mail read again is stored once.
    assert_eq!(
        pronto_server::email::receive::ingest(
            &app.state,
            &app.state.store.channel_any_workspace(email).await.unwrap(),
            &[(
                1,
                mail(
                    "lia@customer.test",
                    "lia-a@customer.test",
                    subject,
                    &refs,
                    "Great, thank you!"
                )
                .replace('\n', "\r\n")
                .into_bytes()
            )],
        )
        .await
        .unwrap(),
        0
    );

    // The next reply continues the thread.
    let before = server.sink_files();
    let id = reply("You are welcome.").await;
    assert_eq!(
        deliver_next(&app.state).await.unwrap(),
        Outcome::Delivered(id)
    );
    let sent = mailed(&app).await;
    assert_eq!(sent.len(), 2);
    let captured = server.captured(&sent[1], &before).await;
    assert!(
        captured.contains(&format!("In-Reply-To: <{}>", sent[0])),
        "{captured}"
    );
    assert!(
        captured.contains(&format!("Subject: {subject}")),
        "{captured}"
    );

    // That copy bounces: the web chat message shows failed, with the remote
    // server's answer, and the bounce starts no conversation.
    server
        .append(
            &folder,
            &crate::email::bounce(&sent[1], "lia@customer.test"),
        )
        .await;
    sync(&app, email).await;
    let messages = detail(&admin, conv).await["messages"].clone();
    let last = messages.as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        (last["text"].as_str(), last["status"].as_str()),
        (Some("You are welcome."), Some("failed")),
        "{last}"
    );
    assert!(last["error"].as_str().unwrap().contains("550"), "{last}");
    let (_, list) = admin
        .get(&format!("/api/v1/conversations?channel={email}"))
        .await;
    assert_eq!(list["items"].as_array().unwrap().len(), 2, "{list}");

    // Her answers by mail get at most MAX_AUTOMATED automated replies a day, as
    // on the email channel; what is typed in the widget has no such cap.
    let chat = app
        .state
        .store
        .channel_any_workspace(chat_channel)
        .await
        .unwrap();
    let all = app.state.store.messages(ws, conv, 1000).await.unwrap();
    let by_mail = all
        .iter()
        .find(|m| m.external_id.as_deref() == Some("lia-a@customer.test"))
        .unwrap()
        .clone();
    let typed = all
        .iter()
        .find(|m| m.author == pronto_store::MessageAuthor::Customer && m.id != by_mail.id)
        .unwrap()
        .clone();
    let may = |m: pronto_store::Message| {
        let (state, chat) = (app.state.clone(), chat.clone());
        async move { pronto_server::email::may_automate(&state, &chat, &m).await }
    };
    assert!(may(by_mail.clone()).await);
    let token = admin
        .post("/api/v1/tokens", json!({"name": "bot", "role": "agent"}))
        .await
        .1["secret"]
        .as_str()
        .unwrap()
        .to_owned();
    let bot = admin.with_token(&token);
    for n in 0..pronto_server::email::MAX_AUTOMATED {
        let (status, body) = bot
            .post(
                &format!("/api/v1/conversations/{conv}/messages"),
                json!({"text": format!("Automated {n}"), "author": "automation"}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    assert!(!may(by_mail).await);
    assert!(may(typed).await);
}
