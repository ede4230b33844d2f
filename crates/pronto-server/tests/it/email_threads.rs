//! A new mail starts a new conversation (issue 15): one customer's unrelated
//! mails are as many conversations, and each reply lands in its own, by
//! In-Reply-To/References (also to a mail fetched in the same batch), else by the
//! subject fallback of a reply that names no known mail; against the real mail
//! server, on SQLite and PostgreSQL.

use pronto_store::testing::{self, TestDb};
use serde_json::json;

use crate::email::{
    Mailserver, conversation_of, conversations, email_channel, mail, mailserver, sync,
};
use crate::support::TestApp;

#[tokio::test]
async fn a_new_mail_starts_a_conversation_and_each_reply_finds_its_own() {
    let Some(server) = mailserver("email threads") else {
        return;
    };
    for db in testing::backends().await {
        threads(&server, db).await;
    }
}

async fn threads(server: &Mailserver, db: TestDb) {
    let app = TestApp::start(db.url.clone(), Some(db), false).await;
    let admin = app.admin().await;
    let folder = server.folder("threads").await;
    let channel = email_channel(&admin, server.config(&folder)).await;
    let ann = "Ann <ann@customer.test>";

    // Two unrelated mails from one sender, fetched together: two conversations of
    // one contact.
    server
        .append(
            &folder,
            &mail(
                ann,
                "a1@customer.test",
                "Order 42",
                "",
                "Where is my order?",
            ),
        )
        .await;
    server
        .append(
            &folder,
            &mail(
                ann,
                "a2@customer.test",
                "Invoice 7",
                "",
                "The invoice is wrong.",
            ),
        )
        .await;
    assert_eq!(sync(&app, channel).await.stored, 2);
    let order = conversation_of(&admin, "a1@customer.test").await;
    let invoice = conversation_of(&admin, "a2@customer.test").await;
    assert_ne!(order, invoice);
    let all = conversations(&admin).await;
    assert_eq!(all.len(), 2);
    assert_eq!(
        all[0]["contact"]["id"], all[1]["contact"]["id"],
        "one contact"
    );
    // The health line: read just now, no error, polled (no IDLE in this test).
    let (_, view) = admin.get(&format!("/api/v1/channels/{channel}")).await;
    assert_eq!(
        view["health"],
        json!({"last_read_at": app.state.now(), "error": null, "error_at": null, "idle": false}),
        "{view}"
    );

    // The agent answers the invoice; Pronto's Message-ID is that thread's.
    server
        .reply_sent(&app, &admin, invoice, json!({"text": "We will fix it."}))
        .await;
    let ours = admin
        .get(&format!("/api/v1/conversations/{invoice}"))
        .await
        .1["messages"][1]["external_id"]
        .as_str()
        .unwrap()
        .to_owned();

    // In one batch: a reply to the first mail itself; a reply to our answer; a
    // new thread and a reply to it fetched with it; a reply whose program dropped
    // the references (the subject fallback); a new mail on a subject already
    // used (no `Re:`: a new conversation).
    let replies = [
        mail(
            ann,
            "r1@customer.test",
            "Re: Order 42",
            "In-Reply-To: <a1@customer.test>\nReferences: <a1@customer.test>\n",
            "Any news?",
        ),
        mail(
            ann,
            "r2@customer.test",
            "Re: Invoice 7",
            &format!("In-Reply-To: <{ours}>\nReferences: <a2@customer.test> <{ours}>\n"),
            "Thanks.",
        ),
        mail(ann, "a3@customer.test", "Password", "", "I cannot sign in."),
        mail(
            ann,
            "r3@customer.test",
            "Re: Password",
            "In-Reply-To: <a3@customer.test>\n",
            "It works now.",
        ),
        mail(
            ann,
            "r4@customer.test",
            "RE: order 42",
            "",
            "Still waiting.",
        ),
        mail(
            ann,
            "a4@customer.test",
            "Order 42",
            "",
            "A second order 42 question.",
        ),
    ];
    for m in &replies {
        server.append(&folder, m).await;
    }
    assert_eq!(sync(&app, channel).await.stored, replies.len());
    let texts = |id: i64| {
        let admin = &admin;
        async move {
            admin.get(&format!("/api/v1/conversations/{id}")).await.1["messages"]
                .as_array()
                .unwrap()
                .iter()
                .map(|m| m["text"].as_str().unwrap().to_owned())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(
        texts(order).await,
        ["Where is my order?", "Any news?", "Still waiting."]
    );
    assert_eq!(
        texts(invoice).await,
        ["The invoice is wrong.", "We will fix it.", "Thanks."]
    );
    let password = conversation_of(&admin, "a3@customer.test").await;
    assert_eq!(
        texts(password).await,
        ["I cannot sign in.", "It works now."]
    );
    let again = conversation_of(&admin, "a4@customer.test").await;
    assert_eq!(texts(again).await, ["A second order 42 question."]);
    assert_eq!(conversations(&admin).await.len(), 4);

    // Replying in one thread answers that thread's latest mail.
    let captured = server
        .reply_sent(&app, &admin, password, json!({"text": "Glad to hear it."}))
        .await;
    assert!(
        captured.contains("In-Reply-To: <r3@customer.test>"),
        "{captured}"
    );
    assert!(captured.contains("Subject: Re: Password"), "{captured}");
    app.stop().await;
}
