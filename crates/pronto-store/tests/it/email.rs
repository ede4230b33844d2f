//! Email channels' storage on every backend: one reader of a mailbox at a time (the
//! lease), the position moved only by its holder, a mail's headers kept once, and
//! the lookups threading and the automated-reply cap need.

use pronto_store::testing::backends;
use pronto_store::{
    EmailHeaders, EmailThread, Inbound, MailboxHealth, MailboxState, MessageAuthor, Outbound, Store,
};
use serde_json::json;

const MIN: i64 = 60_000_000;
const T0: i64 = 1_772_355_600_000_000;

async fn email_channel(store: &Store) -> (i64, i64) {
    let ws = store.create_workspace("Acme", T0).await.unwrap();
    let channel = store
        .create_channel(
            ws,
            pronto_store::ChannelKind::Email,
            "Support",
            &json!({"address": "support@example.test"}),
            T0,
        )
        .await
        .unwrap();
    (ws, channel.id)
}

#[tokio::test]
async fn one_reader_holds_a_mailbox_and_only_it_moves_the_position() {
    for db in backends().await {
        let s = &db.store;
        let (_, channel) = email_channel(s).await;
        let lease = 5 * MIN;
        let first = s.claim_mailbox(channel, "a", T0, lease).await.unwrap();
        assert_eq!(first, Some(MailboxState::default()));
        // Another node waits while the lease runs; the holder renews.
        assert_eq!(
            s.claim_mailbox(channel, "b", T0 + MIN, lease)
                .await
                .unwrap(),
            None
        );
        assert!(
            s.claim_mailbox(channel, "a", T0 + MIN, lease)
                .await
                .unwrap()
                .is_some()
        );
        let moved = MailboxState {
            uidvalidity: Some(7),
            last_uid: 42,
        };
        assert!(!s.advance_mailbox(channel, "b", moved, T0).await.unwrap());
        assert!(s.advance_mailbox(channel, "a", moved, T0).await.unwrap());
        // A lease that ran out is taken over, with the position.
        let taken = s
            .claim_mailbox(channel, "b", T0 + 7 * MIN, lease)
            .await
            .unwrap();
        assert_eq!(taken, Some(moved));
        assert!(
            !s.advance_mailbox(channel, "a", MailboxState::default(), T0)
                .await
                .unwrap()
        );
        // Released, it is anyone's at once.
        s.release_mailbox(channel, "b", Some("IMAP: timeout"), T0 + 7 * MIN)
            .await
            .unwrap();
        assert_eq!(
            s.claim_mailbox(channel, "c", T0 + 7 * MIN, lease)
                .await
                .unwrap(),
            Some(moved)
        );
        // The health line: the failed read's error and time, until a read succeeds.
        let health = s.mailbox_health(channel).await.unwrap();
        assert_eq!(health.error.as_deref(), Some("IMAP: timeout"));
        assert_eq!(health.error_at, Some(T0 + 7 * MIN));
        s.release_mailbox(channel, "c", None, T0 + 8 * MIN)
            .await
            .unwrap();
        assert_eq!(
            s.mailbox_health(channel).await.unwrap(),
            MailboxHealth {
                read_at: Some(T0 + 8 * MIN),
                error: None,
                error_at: None,
            }
        );
    }
}

#[tokio::test]
async fn mail_headers_are_kept_once_and_find_their_conversation() {
    for db in backends().await {
        let s = &db.store;
        let (ws, channel) = email_channel(s).await;
        let headers = EmailHeaders {
            rfc_id: "m1@customer.test".into(),
            direction: "in".into(),
            subject: "Order 42".into(),
            in_reply_to: vec![],
            references: vec!["a@x".into(), "b@x".into()],
            from_address: "ann@customer.test".into(),
            automated: "no".into(),
            full_text: "Hello\n-- \nAnn".into(),
            raw: Some(b"From: ann@customer.test\r\n\r\nHello".to_vec()),
        };
        s.record_email(channel, &headers, T0).await.unwrap();
        let mut again = headers.clone();
        again.subject = "changed".into();
        s.record_email(channel, &again, T0).await.unwrap();
        assert_eq!(
            s.email_headers(channel, "m1@customer.test").await.unwrap(),
            Some(headers.clone())
        );

        let mail = |id: &str, at: i64| Inbound {
            channel_id: channel,
            contact_external_id: "ann@customer.test".into(),
            contact_name: Some("Ann".into()),
            external_id: Some(id.into()),
            text: "Hello".into(),
            attachments: json!([]),
            at,
        };
        let thread = |id: &str| (mail(id, T0), "m1@customer.test".to_owned());
        let stored = s
            .receive_threads(ws, vec![thread("m1@customer.test")], T0)
            .await
            .pop()
            .unwrap()
            .unwrap();
        let conversation = stored.message.conversation_id;
        assert_eq!(
            s.message_email(ws, stored.message.id).await.unwrap(),
            Some(headers)
        );
        assert_eq!(
            s.message_email(ws + 1, stored.message.id).await.unwrap(),
            None
        );
        let ids = vec!["unknown@x".to_owned(), "m1@customer.test".to_owned()];
        assert_eq!(
            s.email_thread(channel, &ids).await.unwrap(),
            Some(EmailThread {
                contact: "ann@customer.test".into(),
                thread_key: "m1@customer.test".into(),
            })
        );
        assert_eq!(
            s.email_thread(channel, &["x@y".into()]).await.unwrap(),
            None
        );

        // Another thread of the same customer is another conversation, opened
        // in the same batch as a message of the first; the thread's own message
        // goes to its conversation; the contact is one.
        let results = s
            .receive_threads(
                ws,
                vec![
                    (mail("m2@customer.test", T0 + 1), "m2@customer.test".into()),
                    thread("m3@customer.test"),
                ],
                T0,
            )
            .await;
        let second = results[0].as_ref().unwrap();
        let third = results[1].as_ref().unwrap();
        assert!(second.created && third.created);
        assert_ne!(second.message.conversation_id, conversation);
        assert_eq!(third.message.conversation_id, conversation);
        let a = s.conversation(ws, conversation).await.unwrap();
        let b = s
            .conversation(ws, second.message.conversation_id)
            .await
            .unwrap();
        assert_eq!(a.contact_id, b.contact_id);
        // The chats' way in (thread '') is a third one, the same every time.
        let (moved, _) = s
            .email_conversation(ws, channel, a.contact_id, "ann@customer.test", T0)
            .await
            .unwrap();
        assert!(moved != conversation && moved != second.message.conversation_id);
        let (again, _) = s
            .email_conversation(ws, channel, a.contact_id, "ann@customer.test", T0)
            .await
            .unwrap();
        assert_eq!(again, moved);
        // The fallback's subjects: the open threads' mails, newest first.
        let subjects = s
            .email_open_subjects(channel, "ann@customer.test", 10)
            .await
            .unwrap();
        assert_eq!(
            subjects.first(),
            Some(&("m1@customer.test".to_owned(), "Order 42".to_owned()))
        );
        let (to, parent) = s.email_reply_context(conversation).await.unwrap();
        assert_eq!(to, "ann@customer.test");
        assert_eq!(parent.unwrap().subject, "Order 42");

        // A reply keeps its subject; automated ones are counted per address.
        let out = Outbound {
            conversation_id: conversation,
            author: MessageAuthor::Automation,
            agent_id: None,
            text: "Thanks".into(),
            attachments: json!([]),
            idempotency_key: None,
            subject: Some("About your order".into()),
        };
        let sent = s.send(ws, &out, T0 + MIN).await.unwrap();
        assert_eq!(
            s.message_subject(sent.message.id).await.unwrap().as_deref(),
            Some("About your order")
        );
        let count = |since| s.automated_replies_since(channel, "ann@customer.test", since);
        assert_eq!(count(T0).await.unwrap(), 1);
        assert_eq!(count(T0 + 2 * MIN).await.unwrap(), 0);

        // Files are kept and listed on the message.
        let file = pronto_store::EmailFile {
            name: "shot.png".into(),
            content_type: "image/png".into(),
            content_id: Some("shot1".into()),
            inline: true,
            bytes: vec![1, 2, 3],
        };
        s.keep_email_files(ws, stored.message.id, &[file], T0)
            .await
            .unwrap();
        let messages = s.messages(ws, conversation, 10).await.unwrap();
        let attachment = &messages[0].attachments[0];
        assert_eq!(attachment["content_id"], "shot1");
        let path = attachment["file"].as_str().unwrap();
        let id: i64 = path.rsplit('/').next().unwrap().parse().unwrap();
        assert_eq!(
            s.media_file(ws, id).await.unwrap().unwrap().bytes,
            Some(vec![1, 2, 3])
        );
        assert!(s.media_file(ws + 1, id).await.unwrap().is_none());
    }
}
