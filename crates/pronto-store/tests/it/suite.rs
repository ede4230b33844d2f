//! The storage contract, on every backend.

use pronto_core::{Analysis, Folder, Presence, Settings, Timestamp};
use pronto_store::{
    ConversationQuery, Inbound, ListCursor, MessageAuthor, NewAdmin, Outbound, Role,
    SETUP_LINK_LIFETIME, SavedReplyFields, Store, StoreError,
};
use serde_json::json;

use pronto_store::testing::backends;

const MIN: i64 = 60_000_000;
const T0: i64 = 1_772_355_600_000_000; // 2026-03-01T09:00:00Z

async fn workspace_with_channel(store: &Store) -> (i64, i64) {
    let ws = store.create_workspace("Acme", T0).await.unwrap();
    let channel = store
        .create_channel(
            ws,
            pronto_store::ChannelKind::Api,
            "Website",
            &json!({"url": "http://127.0.0.1:9/hook"}),
            T0,
        )
        .await
        .unwrap();
    (ws, channel.id)
}

fn inbound(channel: i64, contact: &str, id: Option<&str>, at: i64) -> Inbound {
    Inbound {
        channel_id: channel,
        contact_external_id: contact.to_owned(),
        contact_name: Some(format!("Customer {contact}")),
        external_id: id.map(str::to_owned),
        text: "hello".to_owned(),
        attachments: json!([]),
        at,
    }
}

fn reply(conversation: i64, author: MessageAuthor, key: Option<&str>) -> Outbound {
    Outbound {
        conversation_id: conversation,
        author,
        agent_id: None,
        text: "hi!".to_owned(),
        attachments: json!([]),
        idempotency_key: key.map(str::to_owned),
        subject: None,
    }
}

#[tokio::test]
async fn accounts_sessions_and_tokens() {
    for db in backends().await {
        let s = &db.store;
        let ws = s.create_workspace("Acme", T0).await.unwrap();
        let ana = s
            .create_user("Ana@Example.com ", "Ana", Some("hash"), T0)
            .await
            .unwrap();
        assert_eq!(ana.email, "ana@example.com");
        let again = s.create_user("ana@example.com", "Ana 2", None, T0).await;
        assert!(matches!(again, Err(StoreError::Conflict(_))), "{again:?}");
        s.set_member(ws, ana.id, Role::Admin).await.unwrap();
        let (user, hash) = s.user_for_login("ANA@example.com").await.unwrap().unwrap();
        assert_eq!((user.id, hash.as_deref()), (ana.id, Some("hash")));
        assert_eq!(
            s.memberships(ana.id).await.unwrap(),
            vec![(ws, Role::Admin)]
        );

        s.create_session("sess", ana.id, ws, T0, T0 + 60 * MIN)
            .await
            .unwrap();
        let p = s
            .session_principal("sess", T0 + MIN)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (p.workspace_id, p.user_id, p.role),
            (ws, Some(ana.id), Role::Admin)
        );
        assert!(
            s.session_principal("sess", T0 + 61 * MIN)
                .await
                .unwrap()
                .is_none(),
            "expired"
        );
        assert!(s.session_principal("other", T0).await.unwrap().is_none());

        let t = s
            .create_api_token(ws, "zapier", "tok", Role::Agent, T0)
            .await
            .unwrap();
        let p = s.token_principal("tok", T0 + MIN).await.unwrap().unwrap();
        assert_eq!((p.token_id, p.role), (Some(t.id), Role::Agent));
        assert_eq!(
            s.api_tokens(ws).await.unwrap()[0].last_used_at,
            Some(T0 + MIN)
        );
        s.revoke_api_token(ws, t.id, T0 + 2 * MIN).await.unwrap();
        assert!(
            s.token_principal("tok", T0 + 3 * MIN)
                .await
                .unwrap()
                .is_none(),
            "revoked"
        );

        s.deactivate_member(ws, ana.id, T0 + MIN).await.unwrap();
        s.create_session("sess2", ana.id, ws, T0, T0 + 60 * MIN)
            .await
            .unwrap();
        assert!(
            s.session_principal("sess2", T0 + 2 * MIN)
                .await
                .unwrap()
                .is_none(),
            "deactivated"
        );
    }
}

#[tokio::test]
async fn a_setup_link_makes_one_admin_once_only_while_there_is_none_and_expires() {
    for db in backends().await {
        let s = &db.store;
        let admin = |email: &'static str| NewAdmin {
            email,
            name: "Ada",
            password_hash: "hash",
        };
        // Superseded: a newer link replaces the older one.
        s.create_setup_link("old", T0).await.unwrap();
        s.create_setup_link("new", T0 + MIN).await.unwrap();
        assert!(!s.setup_link_usable("old", T0 + MIN).await.unwrap());
        assert!(
            s.use_setup_link("old", &admin("a@x.test"), T0 + MIN)
                .await
                .unwrap()
                .is_none()
        );
        // Expired: 24 hours after it was made.
        assert!(
            !s.setup_link_usable("new", T0 + MIN + SETUP_LINK_LIFETIME)
                .await
                .unwrap()
        );
        assert!(
            s.use_setup_link("new", &admin("a@x.test"), T0 + MIN + SETUP_LINK_LIFETIME)
                .await
                .unwrap()
                .is_none()
        );
        assert_eq!(s.user_count().await.unwrap(), 0);
        // Two uses at once: one admin.
        assert!(s.setup_link_usable("new", T0 + 2 * MIN).await.unwrap());
        let (a1, a2) = (admin("one@x.test"), admin("two@x.test"));
        let (one, two) = tokio::join!(
            s.use_setup_link("new", &a1, T0 + 2 * MIN),
            s.use_setup_link("new", &a2, T0 + 2 * MIN),
        );
        let made: Vec<_> = [one.unwrap(), two.unwrap()].into_iter().flatten().collect();
        assert_eq!(made.len(), 1, "{made:?}");
        let (user, ws) = &made[0];
        assert_eq!(s.member(*ws, user.id).await.unwrap().role, Role::Admin);
        assert!(
            s.use_setup_link("new", &admin("b@x.test"), T0 + 3 * MIN)
                .await
                .unwrap()
                .is_none()
        );
        // A link made after an admin exists (a restart, `user add --admin`) makes none.
        s.create_setup_link("later", T0 + 4 * MIN).await.unwrap();
        assert!(!s.setup_link_usable("later", T0 + 4 * MIN).await.unwrap());
        assert!(
            s.use_setup_link("later", &admin("c@x.test"), T0 + 4 * MIN)
                .await
                .unwrap()
                .is_none()
        );
        assert_eq!(s.user_count().await.unwrap(), 1);
    }
}

#[tokio::test]
async fn password_changes_and_resets_end_other_sessions() {
    for db in backends().await {
        let s = &db.store;
        let ws = s.create_workspace("Acme", T0).await.unwrap();
        let other = s.create_workspace("Other", T0).await.unwrap();
        let ana = s
            .create_user("ana@acme.test", "Ana", Some("h1"), T0)
            .await
            .unwrap();
        s.set_member(ws, ana.id, Role::Agent).await.unwrap();
        for t in ["here", "phone", "laptop"] {
            s.create_session(t, ana.id, ws, T0, T0 + 60 * MIN)
                .await
                .unwrap();
        }
        let live = |t: &'static str| async move { s.session_principal(t, T0 + MIN).await.unwrap() };
        s.change_password(ana.id, "h2", Some("here")).await.unwrap();
        assert_eq!(
            s.password_hash(ana.id).await.unwrap().as_deref(),
            Some("h2")
        );
        assert!(live("here").await.is_some());
        assert!(live("phone").await.is_none() && live("laptop").await.is_none());

        // Another workspace's admin cannot reset her.
        assert!(matches!(
            s.reset_password(other, ana.id, "h3", T0).await,
            Err(StoreError::NotFound(_))
        ));
        s.reset_password(ws, ana.id, "h3", T0).await.unwrap();
        assert!(live("here").await.is_none(), "a reset ends every session");
        s.create_session("after", ana.id, ws, T0, T0 + 60 * MIN)
            .await
            .unwrap();
        assert!(live("after").await.unwrap().must_change_password);
        s.change_password(ana.id, "h4", Some("after"))
            .await
            .unwrap();
        assert!(!live("after").await.unwrap().must_change_password);

        let found = s
            .set_password_by_email("ANA@acme.test", "h5")
            .await
            .unwrap();
        assert_eq!(found.id, ana.id);
        assert!(live("after").await.is_none());
        assert_eq!(
            s.password_hash(ana.id).await.unwrap().as_deref(),
            Some("h5")
        );
        assert!(matches!(
            s.set_password_by_email("nobody@acme.test", "h").await,
            Err(StoreError::NotFound(_))
        ));
    }
}

#[tokio::test]
async fn inbound_messages_are_stored_once_and_open_conversations() {
    for db in backends().await {
        let s = &db.store;
        let (ws, ch) = workspace_with_channel(s).await;
        let first = s
            .receive(ws, &inbound(ch, "psid-1", Some("m1"), T0), T0)
            .await
            .unwrap();
        assert!(first.created);
        let dup = s
            .receive(ws, &inbound(ch, "psid-1", Some("m1"), T0), T0 + 1)
            .await
            .unwrap();
        assert!(!dup.created);
        assert_eq!(dup.message.id, first.message.id);
        let c = s
            .conversation(ws, first.message.conversation_id)
            .await
            .unwrap();
        assert_eq!(c.waiting_since, Some(T0));
        assert_eq!(c.contact_name, "Customer psid-1");
        let msgs = s.messages(ws, c.id, 50).await.unwrap();
        assert_eq!(msgs.len(), 1);
        assert_eq!(msgs[0].author, MessageAuthor::Customer);

        // Done goes back to the inbox on a new customer message; spam stays.
        s.move_to(ws, c.id, Folder::Done, T0 + MIN).await.unwrap();
        s.receive(
            ws,
            &inbound(ch, "psid-1", Some("m2"), T0 + 2 * MIN),
            T0 + 2 * MIN,
        )
        .await
        .unwrap();
        assert_eq!(
            s.conversation(ws, c.id).await.unwrap().folder,
            Folder::Inbox
        );
        s.move_to(ws, c.id, Folder::Spam, T0 + 3 * MIN)
            .await
            .unwrap();
        s.receive(
            ws,
            &inbound(ch, "psid-1", Some("m3"), T0 + 4 * MIN),
            T0 + 4 * MIN,
        )
        .await
        .unwrap();
        assert_eq!(s.conversation(ws, c.id).await.unwrap().folder, Folder::Spam);
    }
}

#[tokio::test]
async fn concurrent_deliveries_of_one_message_store_it_once() {
    for db in backends().await {
        let s = db.store.clone();
        let (ws, ch) = workspace_with_channel(&s).await;
        let mut tasks = Vec::new();
        for _ in 0..8 {
            let s = s.clone();
            tasks.push(tokio::spawn(async move {
                s.receive(ws, &inbound(ch, "psid-9", Some("same"), T0), T0)
                    .await
                    .unwrap()
                    .created
            }));
        }
        let mut created = 0;
        for t in tasks {
            created += usize::from(t.await.unwrap());
        }
        assert_eq!(created, 1);
        let list = s
            .conversations(
                ws,
                &ConversationQuery {
                    limit: 10,
                    ..Default::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(list.len(), 1);
    }
}

#[tokio::test]
async fn replies_go_through_the_outbox_once() {
    for db in backends().await {
        let s = &db.store;
        let (ws, ch) = workspace_with_channel(s).await;
        let m = s
            .receive(ws, &inbound(ch, "p", Some("m1"), T0), T0)
            .await
            .unwrap()
            .message;
        let c = m.conversation_id;

        // An automated reply does not stop the customer's wait; an agent's does.
        s.send(ws, &reply(c, MessageAuthor::Automation, None), T0 + 1)
            .await
            .unwrap();
        assert_eq!(s.conversation(ws, c).await.unwrap().waiting_since, Some(T0));
        let sent = s
            .send(ws, &reply(c, MessageAuthor::Agent, Some("k1")), T0 + MIN)
            .await
            .unwrap();
        assert!(sent.created);
        assert_eq!(sent.message.status, "queued");
        let again = s
            .send(ws, &reply(c, MessageAuthor::Agent, Some("k1")), T0 + MIN)
            .await
            .unwrap();
        assert!(!again.created);
        assert_eq!(again.message.id, sent.message.id);
        assert_eq!(s.conversation(ws, c).await.unwrap().waiting_since, None);
        assert_eq!(s.pending_deliveries().await.unwrap(), 2);

        // Claims: a leased job is nobody else's until the lease ends.
        let now = T0 + 2 * MIN;
        let a = s.claim_delivery(now, MIN).await.unwrap().unwrap();
        let b = s.claim_delivery(now, MIN).await.unwrap().unwrap();
        assert_ne!(a.id, b.id);
        assert!(s.claim_delivery(now, MIN).await.unwrap().is_none());
        s.retry_later(&a, "receiver said 503", now + 5 * MIN)
            .await
            .unwrap();
        assert!(
            s.claim_delivery(now + MIN / 2, MIN)
                .await
                .unwrap()
                .is_none()
        );
        // b's worker died: its lease runs out and the job comes back.
        let b2 = s.claim_delivery(now + MIN, MIN).await.unwrap().unwrap();
        assert_eq!((b2.id, b2.attempts), (b.id, 2));
        s.delivered(&b2, Some("ext-1"), now + MIN).await.unwrap();
        let a2 = s.claim_delivery(now + 5 * MIN, MIN).await.unwrap().unwrap();
        assert_eq!((a2.id, a2.attempts), (a.id, 2));
        s.failed(&a2, "gave up", now + 5 * MIN).await.unwrap();
        assert_eq!(s.pending_deliveries().await.unwrap(), 0);
        let msgs = s.messages(ws, c, 10).await.unwrap();
        let statuses: Vec<_> = msgs.iter().map(|m| m.status.as_str()).collect();
        assert!(
            statuses.contains(&"sent") && statuses.contains(&"failed"),
            "{statuses:?}"
        );

        // The customer reads a reply before its send is recorded (a web chat
        // visitor sees it stream): recording the send leaves it read.
        let quick = s
            .send(
                ws,
                &reply(c, MessageAuthor::Agent, Some("k2")),
                now + 6 * MIN,
            )
            .await
            .unwrap()
            .message;
        let job = s.claim_delivery(now + 6 * MIN, MIN).await.unwrap().unwrap();
        assert_eq!(job.message.id, quick.id);
        let read = s
            .apply_watermark(ws, ch, "p", "read", now + 7 * MIN, now + 7 * MIN)
            .await
            .unwrap();
        assert_eq!(read, 2, "the reply sent before, and this one");
        s.delivered(&job, None, now + 8 * MIN).await.unwrap();
        let status = |list: Vec<pronto_store::Message>| {
            list.into_iter()
                .find(|m| m.id == quick.id)
                .map(|m| m.status)
                .unwrap()
        };
        assert_eq!(status(s.messages(ws, c, 10).await.unwrap()), "read");
        assert_eq!(s.pending_deliveries().await.unwrap(), 0);
    }
}

#[tokio::test]
async fn conversation_list_filters_and_pages_by_waiting_time() {
    for db in backends().await {
        let s = &db.store;
        let (ws, ch) = workspace_with_channel(s).await;
        let ana = s
            .create_user(&format!("ana{ws}@x.test"), "Ana", None, T0)
            .await
            .unwrap();
        s.set_member(ws, ana.id, Role::Agent).await.unwrap();
        // Ten conversations; customer 0 has waited longest.
        let mut ids = Vec::new();
        for i in 0..10 {
            let m = s
                .receive(
                    ws,
                    &inbound(ch, &format!("c{i}"), None, T0 + i * MIN),
                    T0 + i * MIN,
                )
                .await
                .unwrap();
            ids.push(m.message.conversation_id);
        }
        // Answer 3: it is no longer waiting and goes after the waiting ones.
        s.send(
            ws,
            &reply(ids[3], MessageAuthor::Agent, None),
            T0 + 20 * MIN,
        )
        .await
        .unwrap();
        s.assign(ws, ids[5], Some(ana.id), T0).await.unwrap();
        s.label(ws, ids[7], &["vip".into()], &[], T0).await.unwrap();

        let all: Vec<i64> = page_through(s, ws, ConversationQuery::default()).await;
        let mut expected: Vec<i64> = ids.iter().copied().filter(|&i| i != ids[3]).collect();
        expected.push(ids[3]);
        assert_eq!(all, expected);
        let waiting = page_through(
            s,
            ws,
            ConversationQuery {
                waiting: true,
                ..Default::default()
            },
        )
        .await;
        assert_eq!(waiting.len(), 9);
        let mine = page_through(
            s,
            ws,
            ConversationQuery {
                assignee: Some(ana.id),
                ..Default::default()
            },
        )
        .await;
        assert_eq!(mine, vec![ids[5]]);
        let unassigned = page_through(
            s,
            ws,
            ConversationQuery {
                unassigned: true,
                ..Default::default()
            },
        )
        .await;
        assert_eq!(unassigned.len(), 9);
        let vip = page_through(
            s,
            ws,
            ConversationQuery {
                label: Some("vip".into()),
                ..Default::default()
            },
        )
        .await;
        assert_eq!(vip, vec![ids[7]]);
        assert_eq!(
            s.conversation(ws, ids[7]).await.unwrap().labels,
            vec!["vip".to_owned()]
        );
        s.move_to(ws, ids[0], Folder::Done, T0 + 30 * MIN)
            .await
            .unwrap();
        let inbox = page_through(
            s,
            ws,
            ConversationQuery {
                folder: Some(Folder::Inbox),
                ..Default::default()
            },
        )
        .await;
        assert_eq!(inbox.len(), 9);
    }
}

/// Reads every page of three.
async fn page_through(s: &Store, ws: i64, mut q: ConversationQuery) -> Vec<i64> {
    q.limit = 3;
    let mut out = Vec::new();
    loop {
        let page = s.conversations(ws, &q).await.unwrap();
        let Some(last) = page.last() else { break };
        q.after = Some(ListCursor {
            key: s.list_key(ws, last.id).await.unwrap(),
            id: last.id,
        });
        out.extend(page.iter().map(|c| c.id));
    }
    out
}

#[tokio::test]
async fn one_workspace_cannot_reach_another() {
    for db in backends().await {
        let s = &db.store;
        let (a, ch_a) = workspace_with_channel(s).await;
        let (b, _) = workspace_with_channel(s).await;
        let m = s
            .receive(a, &inbound(ch_a, "p", None, T0), T0)
            .await
            .unwrap()
            .message;
        let c = m.conversation_id;
        assert!(matches!(
            s.conversation(b, c).await,
            Err(StoreError::NotFound(_))
        ));
        assert!(matches!(
            s.messages(b, c, 10).await,
            Err(StoreError::NotFound(_))
        ));
        assert!(matches!(
            s.channel(b, ch_a).await,
            Err(StoreError::NotFound(_))
        ));
        assert!(matches!(
            s.move_to(b, c, Folder::Spam, T0).await,
            Err(StoreError::NotFound(_))
        ));
        assert!(matches!(
            s.assign(b, c, None, T0).await,
            Err(StoreError::NotFound(_))
        ));
        assert!(matches!(
            s.send(b, &reply(c, MessageAuthor::Agent, None), T0).await,
            Err(StoreError::NotFound(_))
        ));
        assert!(matches!(
            s.receive(b, &inbound(ch_a, "q", None, T0), T0).await,
            Err(StoreError::NotFound(_))
        ));
        assert!(
            s.conversations(
                b,
                &ConversationQuery {
                    limit: 50,
                    ..Default::default()
                }
            )
            .await
            .unwrap()
            .is_empty()
        );
        assert!(s.events_after(b, 0, 100).await.unwrap().is_empty());
        assert_eq!(s.conversation(a, c).await.unwrap().id, c);
    }
}

#[tokio::test]
async fn live_events_are_numbered_in_commit_order() {
    for db in backends().await {
        let s = &db.store;
        let (ws, ch) = workspace_with_channel(s).await;
        assert_eq!(s.latest_event(ws).await.unwrap(), 0);
        let m = s
            .receive(ws, &inbound(ch, "p", Some("m1"), T0), T0)
            .await
            .unwrap()
            .message;
        s.send(
            ws,
            &reply(m.conversation_id, MessageAuthor::Agent, None),
            T0 + MIN,
        )
        .await
        .unwrap();
        s.set_channel_status(ws, ch, Presence::Away, T0 + 2 * MIN)
            .await
            .unwrap();
        let events = s.events_after(ws, 0, 100).await.unwrap();
        let kinds: Vec<_> = events.iter().map(|e| (e.seq, e.kind())).collect();
        assert_eq!(
            kinds,
            vec![
                (1, "message.created"),
                (2, "message.created"),
                (3, "channel.status")
            ]
        );
        assert_eq!(events[0].payload()["message"]["text"], "hello");
        assert_eq!(s.events_after(ws, 2, 100).await.unwrap().len(), 1);
        assert_eq!(s.latest_event(ws).await.unwrap(), 3);
    }
}

#[tokio::test]
async fn the_engine_reads_a_channel_history() {
    for db in backends().await {
        let s = &db.store;
        let (ws, ch) = workspace_with_channel(s).await;
        // Answered in 4 minutes; a second conversation moved to done unanswered; a
        // third arriving while away.
        let m = s
            .receive(ws, &inbound(ch, "a", None, T0), T0)
            .await
            .unwrap()
            .message;
        s.send(
            ws,
            &reply(m.conversation_id, MessageAuthor::Automation, None),
            T0,
        )
        .await
        .unwrap();
        s.send(
            ws,
            &reply(m.conversation_id, MessageAuthor::Agent, None),
            T0 + 4 * MIN,
        )
        .await
        .unwrap();
        let b = s
            .receive(ws, &inbound(ch, "b", None, T0 + 10 * MIN), T0 + 10 * MIN)
            .await
            .unwrap()
            .message;
        s.move_to(ws, b.conversation_id, Folder::Done, T0 + 15 * MIN)
            .await
            .unwrap();
        s.set_channel_status(ws, ch, Presence::Away, T0 + 20 * MIN)
            .await
            .unwrap();
        s.receive(ws, &inbound(ch, "c", None, T0 + 30 * MIN), T0 + 30 * MIN)
            .await
            .unwrap();
        let stream = s.engine_stream(ws, ch).await.unwrap();
        let report = Analysis::new(
            &stream,
            Timestamp::from_micros(T0 + 2 * 24 * 60 * MIN),
            Settings::default(),
        )
        .report;
        let c = report.opportunities;
        assert_eq!((c.counted, c.answered, c.excluded), (1, 1, 2));
        assert_eq!(report.response_time_seconds(), Some(240.0));
        assert_eq!(
            s.channel_status(ws, ch).await.unwrap().map(|x| x.0),
            Some(Presence::Away)
        );
    }
}

#[tokio::test]
async fn personal_saved_replies_are_their_owners_alone() {
    for db in backends().await {
        let s = &db.store;
        let (ws, _) = workspace_with_channel(s).await;
        let mut people = Vec::new();
        for name in ["ana", "bo"] {
            let u = s
                .create_user(&format!("{name}-saved{ws}@x.test"), name, None, T0)
                .await
                .unwrap();
            s.set_member(ws, u.id, Role::Agent).await.unwrap();
            people.push(u.id);
        }
        let (ana, bo) = (people[0], people[1]);
        let shared = s
            .create_saved_reply(
                ws,
                None,
                &SavedReplyFields::new("Hours", "hours", "We open at 9."),
                T0,
            )
            .await
            .unwrap();
        let mine = s
            .create_saved_reply(
                ws,
                Some(ana),
                &SavedReplyFields::new("Mine", "thanks", "Thanks, Ana"),
                T0,
            )
            .await
            .unwrap();
        assert_eq!(mine.owner_id, Some(ana));
        // Each person has their own shortcuts: Bo may use "thanks" too.
        let bos = s
            .create_saved_reply(
                ws,
                Some(bo),
                &SavedReplyFields::new("Bo's", "thanks", "Thanks, Bo"),
                T0,
            )
            .await
            .unwrap();
        // But not twice, and not a shared reply's shortcut.
        for (owner, shortcut) in [(Some(ana), "thanks"), (Some(ana), "hours"), (None, "hours")] {
            assert!(
                matches!(
                    s.create_saved_reply(ws, owner, &SavedReplyFields::new("x", shortcut, "x"), T0)
                        .await,
                    Err(StoreError::Conflict(_))
                ),
                "{owner:?} {shortcut}"
            );
        }
        assert!(matches!(
            s.update_saved_reply(
                ws,
                mine.id,
                Some(ana),
                &SavedReplyFields::new("Mine", "hours", "x")
            )
            .await,
            Err(StoreError::Conflict(_))
        ));
        // Each sees the shared ones and their own; a token (no person) the shared.
        let ids =
            |list: Vec<pronto_store::SavedReply>| list.iter().map(|r| r.id).collect::<Vec<_>>();
        assert_eq!(
            ids(s.saved_replies(ws, Some(ana)).await.unwrap()),
            vec![shared.id, mine.id]
        );
        assert_eq!(
            ids(s.saved_replies(ws, Some(bo)).await.unwrap()),
            vec![shared.id, bos.id]
        );
        assert_eq!(
            ids(s.saved_replies(ws, None).await.unwrap()),
            vec![shared.id]
        );
        // Another person's reply is not found, to read, change or delete.
        assert!(matches!(
            s.saved_reply(ws, mine.id, Some(bo)).await,
            Err(StoreError::NotFound(_))
        ));
        assert!(matches!(
            s.update_saved_reply(ws, mine.id, Some(bo), &SavedReplyFields::new("x", "x", "x"))
                .await,
            Err(StoreError::NotFound(_))
        ));
        assert!(matches!(
            s.delete_saved_reply(ws, mine.id, Some(bo)).await,
            Err(StoreError::NotFound(_))
        ));
        s.delete_saved_reply(ws, mine.id, Some(ana)).await.unwrap();
    }
}

#[tokio::test]
async fn saved_replies_and_notes() {
    for db in backends().await {
        let s = &db.store;
        let (ws, ch) = workspace_with_channel(s).await;
        let r = s
            .create_saved_reply(
                ws,
                None,
                &SavedReplyFields::new("Hours", "hours", "Hi {first_name}, we open at 9."),
                T0,
            )
            .await
            .unwrap();
        assert!(matches!(
            s.create_saved_reply(ws, None, &SavedReplyFields::new("Other", "hours", "x"), T0)
                .await,
            Err(StoreError::Conflict(_))
        ));
        let r2 = s
            .update_saved_reply(
                ws,
                r.id,
                None,
                &SavedReplyFields::new("Hours", "open", "We open at 9."),
            )
            .await
            .unwrap();
        assert_eq!(r2.shortcut, "open");
        // A text per language is kept, and chosen by the customer's language.
        let mut fields = SavedReplyFields::new("Hours", "open", "We open at 9.");
        fields
            .translations
            .insert("it".into(), "Apriamo alle 9.".into());
        let r3 = s.update_saved_reply(ws, r.id, None, &fields).await.unwrap();
        assert_eq!(s.saved_reply(ws, r.id, None).await.unwrap(), r3);
        assert_eq!(r3.text_for(Some("it")), ("Apriamo alle 9.", Some("it")));
        assert_eq!(r3.text_for(Some("fr")), ("We open at 9.", None));
        assert_eq!(r3.text_for(None), ("We open at 9.", None));
        assert_eq!(s.saved_replies(ws, None).await.unwrap().len(), 1);
        s.delete_saved_reply(ws, r.id, None).await.unwrap();
        assert!(matches!(
            s.delete_saved_reply(ws, r.id, None).await,
            Err(StoreError::NotFound(_))
        ));

        let ana = s
            .create_user(&format!("ana-notes{ws}@x.test"), "Ana", None, T0)
            .await
            .unwrap();
        s.set_member(ws, ana.id, Role::Agent).await.unwrap();
        let m = s
            .receive(ws, &inbound(ch, "p", None, T0), T0)
            .await
            .unwrap()
            .message;
        s.add_note(ws, m.conversation_id, ana.id, "VIP, be nice", T0)
            .await
            .unwrap();
        assert_eq!(
            s.notes(ws, m.conversation_id).await.unwrap()[0].text,
            "VIP, be nice"
        );
    }
}

#[tokio::test]
async fn a_comment_is_stored_once_and_gets_one_private_reply_even_when_two_race() {
    for db in backends().await {
        let s = db.store.clone();
        let (ws, ch) = workspace_with_channel(&s).await;
        let comment = pronto_store::InboundComment {
            channel_id: ch,
            external_id: "C_1".into(),
            post_id: Some("POST".into()),
            parent_id: None,
            contact_external_id: "fb:9001".into(),
            contact_name: Some("Ana".into()),
            text: "price?".into(),
            at: T0,
        };
        let (first, created) = s.receive_comment(ws, &comment, T0).await.unwrap();
        assert!(created);
        let (again, created) = s.receive_comment(ws, &comment, T0).await.unwrap();
        assert!(!created);
        assert_eq!(first, again);
        assert_eq!(first.contact_name, "Ana");

        let mut tasks = Vec::new();
        for i in 0..6 {
            let s = s.clone();
            let id = first.id;
            tasks.push(tokio::spawn(async move {
                let mut out = reply(0, MessageAuthor::Agent, None);
                out.text = format!("answer {i}");
                s.private_reply(ws, id, out, T0 + MIN).await
            }));
        }
        let mut written = Vec::new();
        for t in tasks {
            match t.await.unwrap() {
                Ok(stored) => written.push(stored.message),
                Err(StoreError::Conflict(_)) => {}
                Err(e) => panic!("{e}"),
            }
        }
        assert_eq!(written.len(), 1, "one private reply per comment");
        let m = &written[0];
        assert_eq!(
            m.attachments,
            json!([{"type": "private_reply", "comment_id": "C_1"}])
        );
        assert_eq!(
            s.comment_of_reply(m.id).await.unwrap().unwrap().id,
            first.id
        );
        assert_eq!(
            s.comment(ws, first.id).await.unwrap().reply_message_id,
            Some(m.id)
        );
        assert!(s.comments(ws, Some(ch), true, 10).await.unwrap().is_empty());
        assert_eq!(s.comments(ws, None, false, 10).await.unwrap().len(), 1);
        // Another workspace sees none of it.
        let other = s.create_workspace("Other", T0).await.unwrap();
        assert!(s.comments(other, None, false, 10).await.unwrap().is_empty());
        assert!(matches!(
            s.comment(other, first.id).await,
            Err(StoreError::NotFound(_))
        ));
    }
}

#[tokio::test]
async fn reactions_edits_and_deletions_change_the_stored_message() {
    use pronto_store::MessageChange;
    for db in backends().await {
        let s = db.store.clone();
        let (ws, ch) = workspace_with_channel(&s).await;
        let m = s
            .receive(ws, &inbound(ch, "psid-1", Some("m1"), T0), T0)
            .await
            .unwrap()
            .message;
        let (_, window) = s.reply_target(m.conversation_id).await.unwrap();
        assert_eq!(window, Some(T0));
        // A reaction a day later moves the window's start; an older action does not.
        assert!(
            s.customer_acted(ch, "psid-1", T0 + 1440 * MIN)
                .await
                .unwrap()
        );
        assert!(!s.customer_acted(ch, "psid-1", T0 + MIN).await.unwrap());
        assert!(!s.customer_acted(ch, "nobody", T0).await.unwrap());
        assert_eq!(
            s.reply_target(m.conversation_id).await.unwrap().1,
            Some(T0 + 1440 * MIN)
        );
        let changed = s
            .change_message(ws, ch, "m1", MessageChange::Reaction(Some("👍")), T0)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(changed.reaction.as_deref(), Some("👍"));
        let edit = MessageChange::Edit {
            text: "hello again",
            at: T0 + MIN,
        };
        let changed = s
            .change_message(ws, ch, "m1", edit, T0)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (changed.text.as_str(), changed.edited_at),
            ("hello again", Some(T0 + MIN))
        );
        let delete = MessageChange::Delete { at: T0 + 2 * MIN };
        let changed = s
            .change_message(ws, ch, "m1", delete, T0)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            (changed.text.as_str(), changed.deleted_at),
            ("", Some(T0 + 2 * MIN))
        );
        assert!(
            s.change_message(ws, ch, "unknown", delete, T0)
                .await
                .unwrap()
                .is_none()
        );
        // A customer cannot edit what the business wrote.
        let ours = s
            .send(
                ws,
                &reply(m.conversation_id, MessageAuthor::Agent, None),
                T0,
            )
            .await
            .unwrap()
            .message;
        s.attach_platform_id(ch, ours.id, "r1").await.unwrap();
        let edit = MessageChange::Edit { text: "x", at: T0 };
        assert!(
            s.change_message(ws, ch, "r1", edit, T0)
                .await
                .unwrap()
                .is_none()
        );
        let events = s.events_after(ws, 0, 100).await.unwrap();
        assert_eq!(
            events
                .iter()
                .filter(|e| e.kind() == "message.updated")
                .count(),
            3
        );
    }
}

#[tokio::test]
async fn import_progress_is_kept_per_channel_and_forgotten() {
    for db in backends().await {
        let s = &db.store;
        let (ws, channel) = workspace_with_channel(s).await;
        let other = s.create_workspace("Other", T0).await.unwrap();
        assert_eq!(
            s.import_progress(ws, channel).await.unwrap(),
            Default::default()
        );
        s.import_conversation_done(ws, channel, "t_1")
            .await
            .unwrap();
        s.import_conversation_done(ws, channel, "t_1")
            .await
            .unwrap();
        s.import_page_done(ws, channel, Some("AFTER1"), T0)
            .await
            .unwrap();
        s.import_page_done(ws, channel, Some("AFTER2"), T0)
            .await
            .unwrap();
        let p = s.import_progress(ws, channel).await.unwrap();
        assert_eq!(p.after.as_deref(), Some("AFTER2"));
        assert_eq!(p.done.into_iter().collect::<Vec<_>>(), ["t_1"]);
        assert!(matches!(
            s.import_progress(other, channel).await,
            Err(StoreError::NotFound(_))
        ));
        s.import_forget(ws, channel).await.unwrap();
        assert_eq!(
            s.import_progress(ws, channel).await.unwrap(),
            Default::default()
        );
    }
}

#[tokio::test]
async fn webhook_subscriptions_keep_their_cursor_and_attempts() {
    for db in backends().await {
        let s = &db.store;
        let (ws, ch) = workspace_with_channel(s).await;
        s.receive(ws, &inbound(ch, "p", Some("m0"), T0), T0)
            .await
            .unwrap();
        let kinds = vec!["message.created".to_owned()];
        let sub = s
            .create_subscription(ws, "http://x.test/hook", &kinds, "sealed", T0)
            .await
            .unwrap();
        // From the next event on.
        assert_eq!(sub.last_seq, 1);
        assert!(s.claim_subscription(T0, MIN).await.unwrap().is_none());
        s.receive(ws, &inbound(ch, "p", Some("m1"), T0), T0)
            .await
            .unwrap();
        let (claimed, secret) = s.claim_subscription(T0, MIN).await.unwrap().unwrap();
        assert_eq!((claimed.id, secret.as_str()), (sub.id, "sealed"));
        // Leased: not claimed twice.
        assert!(s.claim_subscription(T0, MIN).await.unwrap().is_none());
        s.subscription_failed(sub.id, 1, T0 + 10, "503", false)
            .await
            .unwrap();
        assert!(s.claim_subscription(T0 + 9, MIN).await.unwrap().is_none());
        let events = s.events_after(ws, claimed.last_seq, 10).await.unwrap();
        assert_eq!((events[0].seq, events[0].at), (2, T0));
        let (again, _) = s.claim_subscription(T0 + 10, MIN).await.unwrap().unwrap();
        assert_eq!(
            (again.attempts, again.last_error.as_deref()),
            (1, Some("503"))
        );
        s.subscription_advanced(sub.id, 2).await.unwrap();
        assert!(s.claim_subscription(T0 + 10, MIN).await.unwrap().is_none());
        let listed = s.subscriptions(ws).await.unwrap();
        assert_eq!((listed[0].last_seq, listed[0].attempts), (2, 0));
        // Another workspace sees none of it.
        let other = s.create_workspace("Other", T0).await.unwrap();
        assert!(s.subscriptions(other).await.unwrap().is_empty());
        assert!(s.delete_subscription(other, sub.id, T0).await.is_err());
        s.delete_subscription(ws, sub.id, T0).await.unwrap();
        assert!(s.subscriptions(ws).await.unwrap().is_empty());
    }
}

#[tokio::test]
async fn rules_are_kept_in_order_per_workspace() {
    for db in backends().await {
        let s = &db.store;
        let (ws, ch) = workspace_with_channel(s).await;
        let a = s.create_rule(ws, &json!({"name": "a"}), T0).await.unwrap();
        let b = s.create_rule(ws, &json!({"name": "b"}), T0).await.unwrap();
        s.update_rule(ws, a.id, &json!({"name": "a2"}), T0)
            .await
            .unwrap();
        let names: Vec<_> = s
            .rules(ws)
            .await
            .unwrap()
            .into_iter()
            .map(|r| r.body["name"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(names, vec!["a2", "b"]);
        let other = s.create_workspace("Other", T0).await.unwrap();
        assert!(s.rules(other).await.unwrap().is_empty());
        assert!(matches!(
            s.delete_rule(other, b.id).await,
            Err(StoreError::NotFound("rule"))
        ));
        // Reordered: all of them, once, or nothing changes; never another's.
        let c = s.create_rule(ws, &json!({"name": "c"}), T0).await.unwrap();
        s.order_rules(ws, &[c.id, b.id, a.id]).await.unwrap();
        let order: Vec<_> = s.rules(ws).await.unwrap().iter().map(|r| r.id).collect();
        assert_eq!(order, [c.id, b.id, a.id]);
        for bad in [
            vec![c.id, b.id],
            vec![c.id, b.id, a.id, a.id],
            vec![c.id, b.id, a.id + 100],
        ] {
            assert!(matches!(
                s.order_rules(ws, &bad).await,
                Err(StoreError::Conflict(_))
            ));
        }
        assert!(s.order_rules(other, &[a.id]).await.is_err());
        let order: Vec<_> = s.rules(ws).await.unwrap().iter().map(|r| r.id).collect();
        assert_eq!(order, [c.id, b.id, a.id]);
        // A new rule still goes last.
        let d = s.create_rule(ws, &json!({"name": "d"}), T0).await.unwrap();
        assert_eq!(s.rules(ws).await.unwrap().last().unwrap().id, d.id);
        for id in [c.id, d.id] {
            s.delete_rule(ws, id).await.unwrap();
        }

        // Runs: the latest few of each rule, newest first, of this workspace only.
        let conv = s
            .receive(ws, &inbound(ch, "r", Some("r1"), T0), T0)
            .await
            .unwrap()
            .message
            .conversation_id;
        for i in 0..4 {
            s.record_rule_run(ws, a.id, conv, "label", T0 + i)
                .await
                .unwrap();
        }
        s.record_rule_run(ws, b.id, conv, "notify", T0 + 9)
            .await
            .unwrap();
        let runs = s.rule_runs(ws, 3).await.unwrap();
        let seen: Vec<_> = runs.iter().map(|r| (r.rule_id, r.at)).collect();
        assert_eq!(
            seen,
            [
                (b.id, T0 + 9),
                (a.id, T0 + 3),
                (a.id, T0 + 2),
                (a.id, T0 + 1)
            ]
        );
        assert_eq!(runs[0].action, "notify");
        assert!(s.rule_runs(other, 3).await.unwrap().is_empty());

        s.delete_rule(ws, b.id).await.unwrap();
        assert_eq!(s.rules(ws).await.unwrap().len(), 1);
    }
}

#[tokio::test]
async fn waiting_conversations_and_rule_firings() {
    for db in backends().await {
        let s = db.store.clone();
        let (ws, ch) = workspace_with_channel(&s).await;
        let a = s
            .receive(ws, &inbound(ch, "a", Some("a1"), T0), T0)
            .await
            .unwrap()
            .message;
        s.receive(ws, &inbound(ch, "b", Some("b1"), T0 + 5 * MIN), T0)
            .await
            .unwrap();
        let waiting = s.waiting_since(ws, T0 + MIN, 10).await.unwrap();
        assert_eq!(waiting.len(), 1);
        assert_eq!(
            (
                waiting[0].conversation_id,
                waiting[0].channel_id,
                waiting[0].since
            ),
            (a.conversation_id, ch, T0)
        );
        assert_eq!(
            s.waiting_since(ws, T0 + 9 * MIN, 10).await.unwrap().len(),
            2
        );
        assert!(
            s.claim_rule_firing(7, a.conversation_id, T0, T0)
                .await
                .unwrap()
        );
        assert!(
            !s.claim_rule_firing(7, a.conversation_id, T0, T0)
                .await
                .unwrap()
        );
        assert!(
            s.claim_rule_firing(7, a.conversation_id, T0 + MIN, T0)
                .await
                .unwrap()
        );
        let other = s.create_workspace("Other", T0).await.unwrap();
        assert!(
            s.waiting_since(other, T0 + 9 * MIN, 10)
                .await
                .unwrap()
                .is_empty()
        );
    }
}

#[tokio::test]
async fn the_inbox_pages_read_previews_identities_and_retry_failures() {
    for db in backends().await {
        let s = &db.store;
        let (ws, ch) = workspace_with_channel(s).await;
        let (other_ws, other_ch) = workspace_with_channel(s).await;
        let a = s
            .receive(ws, &inbound(ch, "a", Some("m1"), T0), T0)
            .await
            .unwrap()
            .message;
        let b = s
            .receive(ws, &inbound(ch, "b", Some("m2"), T0 + 1), T0 + 1)
            .await
            .unwrap()
            .message;
        let foreign = s
            .receive(other_ws, &inbound(other_ch, "z", Some("m3"), T0), T0)
            .await
            .unwrap()
            .message;
        let sent = s
            .send(
                ws,
                &reply(a.conversation_id, MessageAuthor::Agent, None),
                T0 + MIN,
            )
            .await
            .unwrap()
            .message;

        // The latest message of each conversation, in one read; never another
        // workspace's.
        let last = s
            .last_messages(
                ws,
                &[
                    a.conversation_id,
                    b.conversation_id,
                    foreign.conversation_id,
                ],
            )
            .await
            .unwrap();
        assert_eq!(last.len(), 2);
        assert_eq!(last[&a.conversation_id].id, sent.id);
        assert_eq!(last[&b.conversation_id].id, b.id);
        assert!(s.last_messages(ws, &[]).await.unwrap().is_empty());

        let contact = s
            .conversation(ws, a.conversation_id)
            .await
            .unwrap()
            .contact_id;
        assert_eq!(
            s.contact_identities(ws, contact).await.unwrap(),
            vec![(ch, "a".to_owned())]
        );
        assert!(
            s.contact_identities(other_ws, contact)
                .await
                .unwrap()
                .is_empty()
        );

        // Only a failed message is sent again, and only by its own workspace.
        assert!(matches!(
            s.retry_message(ws, sent.id, T0 + 2 * MIN).await,
            Err(StoreError::Conflict(_))
        ));
        let job = s.claim_delivery(T0 + 2 * MIN, MIN).await.unwrap().unwrap();
        s.failed(&job, "refused", T0 + 2 * MIN).await.unwrap();
        assert!(matches!(
            s.retry_message(other_ws, sent.id, T0 + 3 * MIN).await,
            Err(StoreError::NotFound(_))
        ));
        let again = s.retry_message(ws, sent.id, T0 + 3 * MIN).await.unwrap();
        assert_eq!(
            (again.status.as_str(), again.error.as_deref()),
            ("queued", None)
        );
        let job = s.claim_delivery(T0 + 3 * MIN, MIN).await.unwrap().unwrap();
        assert_eq!((job.message.id, job.attempts), (sent.id, 1));
        s.delivered(&job, Some("ext"), T0 + 3 * MIN).await.unwrap();
        let events = s.events_after(ws, 0, 100).await.unwrap();
        let statuses: Vec<_> = events
            .iter()
            .filter(|e| e.kind() == "message.status")
            .map(|e| e.payload()["status"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(statuses, ["failed", "queued", "sent"]);

        // A person's language.
        let user = s
            .create_user("ana@acme.test", "Ana", None, T0)
            .await
            .unwrap();
        s.set_member(ws, user.id, Role::Agent).await.unwrap();
        s.set_user_locale(user.id, Some("fr")).await.unwrap();
        assert_eq!(
            s.member(ws, user.id).await.unwrap().user.locale.as_deref(),
            Some("fr")
        );
        s.set_user_locale(user.id, None).await.unwrap();
        assert_eq!(s.member(ws, user.id).await.unwrap().user.locale, None);
    }
}

#[tokio::test]
async fn roles_change_but_a_workspace_keeps_an_active_admin() {
    for db in backends().await {
        let s = &db.store;
        let ws = s.create_workspace("Acme", T0).await.unwrap();
        let other = s.create_workspace("Other", T0).await.unwrap();
        let ada = s
            .create_user("ada@acme.test", "Ada", None, T0)
            .await
            .unwrap();
        let bo = s.create_user("bo@acme.test", "Bo", None, T0).await.unwrap();
        s.set_member(ws, ada.id, Role::Admin).await.unwrap();
        s.set_member(ws, bo.id, Role::Agent).await.unwrap();
        assert!(matches!(
            s.set_member_role(ws, ada.id, Role::Agent).await,
            Err(StoreError::Conflict(_))
        ));
        s.set_member_role(ws, bo.id, Role::Admin).await.unwrap();
        // A deactivated admin does not count as the one that stays.
        s.deactivate_member(ws, bo.id, T0).await.unwrap();
        assert!(matches!(
            s.set_member_role(ws, ada.id, Role::Agent).await,
            Err(StoreError::Conflict(_))
        ));
        s.reactivate_member(ws, bo.id).await.unwrap();
        assert_eq!(s.member(ws, bo.id).await.unwrap().user.deactivated_at, None);
        s.set_member_role(ws, ada.id, Role::Agent).await.unwrap();
        assert_eq!(s.member(ws, ada.id).await.unwrap().role, Role::Agent);
        // Not a member there: nothing to change.
        assert!(matches!(
            s.set_member_role(other, bo.id, Role::Agent).await,
            Err(StoreError::NotFound(_))
        ));
        assert!(matches!(
            s.reactivate_member(other, bo.id).await,
            Err(StoreError::NotFound(_))
        ));
    }
}
