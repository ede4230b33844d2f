//! Contacts beyond their messages: the profile queued with a customer's first
//! conversation on a Messenger channel (and not on others), the language learnt
//! once, two contacts merged, a snoozed conversation woken by its customer, the
//! list ordered by priority, the workspace's attributes.

use pronto_core::Folder;
use pronto_store::testing::backends;
use pronto_store::{
    ChannelKind, ConversationQuery, Inbound, ProfileFacts, ProfileOutcome, StoreError,
};
use serde_json::json;

const T0: i64 = 1_772_355_600_000_000;

fn says(channel: i64, who: &str, id: &str, text: &str, at: i64) -> Inbound {
    Inbound {
        channel_id: channel,
        contact_external_id: who.into(),
        contact_name: None,
        external_id: Some(id.into()),
        text: text.into(),
        attachments: json!([]),
        at,
    }
}

#[tokio::test]
async fn a_first_conversation_on_messenger_queues_the_profile_and_the_language_is_learnt_once() {
    for db in backends().await {
        let s = &db.store;
        let ws = s.create_workspace("Acme", T0).await.unwrap();
        let meta =
            json!({"page_id": "P", "app_id": "1", "app_secret": "x", "page_access_token": "y"});
        let messenger = s
            .create_channel(ws, ChannelKind::Messenger, "Page", &meta, T0)
            .await
            .unwrap()
            .id;
        let api = s
            .create_channel(ws, ChannelKind::Api, "Web", &json!({"url": "http://x"}), T0)
            .await
            .unwrap()
            .id;
        let first = s
            .receive_many(
                ws,
                vec![
                    says(messenger, "psid", "m1", "Spedite in Svizzera?", T0),
                    says(messenger, "psid", "m2", "Grazie", T0 + 1),
                    says(api, "web", "w1", "Hello there", T0 + 2),
                ],
                T0,
            )
            .await;
        let first: Vec<_> = first.into_iter().map(Result::unwrap).collect();
        assert!(first[0].profile_pending && first[1].profile_pending);
        assert!(!first[2].profile_pending, "no profiles on an api channel");
        let contact = first[0]
            .detect_language_of
            .expect("her language is not known");
        assert!(first[2].detect_language_of.is_some());

        // One profile to ask, claimed once.
        let job = s.claim_profile(T0, 60_000_000).await.unwrap().unwrap();
        assert_eq!(
            (job.contact_id, job.external_id.as_str()),
            (contact, "psid")
        );
        assert!(job.automations_waiting);
        assert_eq!(s.claim_profile(T0, 60_000_000).await.unwrap(), None);
        let facts = ProfileFacts {
            name: Some("Giulia Rossi".into()),
            first_name: Some("Giulia".into()),
            last_name: Some("Rossi".into()),
            locale: Some("it_IT".into()),
            language: Some("it".into()),
            timezone: Some("Etc/GMT-1".into()),
            picture: Some((vec![1, 2, 3], "image/png".into())),
        };
        let outcome = ProfileOutcome::Fetched {
            facts,
            refresh_at: T0 + 1_000,
        };
        s.profile_done(&job, &outcome, T0).await.unwrap();
        let c = s.contact(ws, contact).await.unwrap();
        assert_eq!(c.name, "Giulia Rossi");
        assert_eq!(c.greeting_name(), "Giulia");
        assert_eq!(
            (c.language.as_deref(), c.language_source.as_deref()),
            (Some("it"), Some("platform"))
        );
        assert_eq!(
            s.contact_picture(ws, contact).await.unwrap(),
            Some((vec![1, 2, 3], "image/png".into()))
        );
        assert!(s.profile_automations_taken(contact).await.unwrap());
        assert!(
            !s.profile_automations_taken(contact).await.unwrap(),
            "run once"
        );
        // Due again at its refresh, not before.
        assert_eq!(s.claim_profile(T0 + 999, 1).await.unwrap(), None);
        assert!(s.claim_profile(T0 + 1_000, 1).await.unwrap().is_some());

        // A language already known is not replaced by a detected one; an unknown
        // one is learnt once.
        assert!(!s.learn_language(ws, contact, "fr", T0).await.unwrap());
        let web = first[2].detect_language_of.unwrap();
        assert!(s.learn_language(ws, web, "en", T0).await.unwrap());
        assert!(!s.learn_language(ws, web, "fr", T0).await.unwrap());
        let later = s
            .receive_many(ws, vec![says(api, "web", "w2", "Bonjour", T0 + 3)], T0)
            .await
            .pop()
            .unwrap()
            .unwrap();
        assert_eq!(later.detect_language_of, None);
        assert!(!later.profile_pending);
    }
}

#[tokio::test]
async fn contacts_merge_unless_they_share_a_channel_and_a_customer_wakes_a_snooze() {
    for db in backends().await {
        let s = &db.store;
        let ws = s.create_workspace("Acme", T0).await.unwrap();
        let config = json!({"url": "http://x"});
        let site = s
            .create_channel(ws, ChannelKind::Api, "Site", &config, T0)
            .await
            .unwrap()
            .id;
        let app = s
            .create_channel(ws, ChannelKind::Api, "App", &config, T0)
            .await
            .unwrap()
            .id;
        let stored = s
            .receive_many(
                ws,
                vec![
                    says(site, "ana", "s1", "Hi", T0),
                    says(app, "ana-app", "a1", "Hi again", T0 + 1),
                    says(site, "bo", "s2", "Hello", T0 + 2),
                ],
                T0,
            )
            .await;
        let stored: Vec<_> = stored.into_iter().map(Result::unwrap).collect();
        let contact_of = |i: usize| stored[i].detect_language_of.unwrap();
        let (ana, ana_app, bo) = (contact_of(0), contact_of(1), contact_of(2));
        assert!(matches!(
            s.merge_contacts(ws, ana, bo, T0).await,
            Err(StoreError::Conflict(_))
        ));
        s.merge_contacts(ws, ana, ana_app, T0).await.unwrap();
        assert!(matches!(
            s.contact(ws, ana_app).await,
            Err(StoreError::NotFound(_))
        ));
        let identities = s.contact_identities(ws, ana).await.unwrap();
        assert_eq!(identities.len(), 2, "{identities:?}");

        // Snoozed until she writes: out of the inbox's view, back with her message.
        let conversation = stored[0].message.conversation_id;
        s.snooze(ws, conversation, None, T0).await.unwrap();
        let inbox = |now| ConversationQuery {
            folder: Some(Folder::Inbox),
            snoozed: Some((false, now)),
            limit: 50,
            ..Default::default()
        };
        let listed = s.conversations(ws, &inbox(T0)).await.unwrap();
        assert!(listed.iter().all(|c| c.id != conversation));
        s.receive_many(
            ws,
            vec![says(site, "ana", "s3", "Any news?", T0 + 10)],
            T0 + 10,
        )
        .await
        .pop()
        .unwrap()
        .unwrap();
        let listed = s.conversations(ws, &inbox(T0 + 10)).await.unwrap();
        assert!(
            listed
                .iter()
                .any(|c| c.id == conversation && c.snooze.is_none())
        );
    }
}

/// A higher priority comes first in the list (among the waiting conversations,
/// which come before the others); the workspace's attribute definitions are kept,
/// a contact's values set and removed, and another workspace sees none of them.
#[tokio::test]
async fn priority_orders_the_list_and_attributes_are_defined_and_written() {
    for db in backends().await {
        let s = &db.store;
        let ws = s.create_workspace("Acme", T0).await.unwrap();
        let other = s.create_workspace("Other", T0).await.unwrap();
        let config = json!({"url": "http://x"});
        let site = s
            .create_channel(ws, ChannelKind::Api, "Site", &config, T0)
            .await
            .unwrap()
            .id;
        let stored: Vec<_> = s
            .receive_many(
                ws,
                vec![
                    says(site, "ana", "p1", "first", T0),
                    says(site, "bo", "p2", "second", T0 + 1),
                    says(site, "cy", "p3", "third", T0 + 2),
                ],
                T0 + 3,
            )
            .await
            .into_iter()
            .map(Result::unwrap)
            .collect();
        let ids: Vec<i64> = stored.iter().map(|m| m.message.conversation_id).collect();
        let list = |s: &pronto_store::Store| {
            let s = s.clone();
            async move {
                s.conversations(
                    ws,
                    &ConversationQuery {
                        folder: Some(Folder::Inbox),
                        limit: 10,
                        ..Default::default()
                    },
                )
                .await
                .unwrap()
                .iter()
                .map(|c| c.id)
                .collect::<Vec<_>>()
            }
        };
        // The longest waiting first, until the last one is made urgent.
        assert_eq!(list(s).await, ids);
        s.set_priority(ws, ids[2], 3, T0 + 4).await.unwrap();
        s.set_priority(ws, ids[1], 1, T0 + 4).await.unwrap();
        assert_eq!(list(s).await, vec![ids[2], ids[1], ids[0]]);
        s.set_priority(ws, ids[2], 0, T0 + 5).await.unwrap();
        assert_eq!(list(s).await, vec![ids[1], ids[0], ids[2]]);

        let order = pronto_store::AttributeDefinition {
            key: "order_number".into(),
            label: "Order".into(),
            kind: "text".into(),
        };
        s.define_attribute(ws, &order, T0).await.unwrap();
        assert_eq!(s.attribute_definitions(ws).await.unwrap(), [order]);
        assert!(s.attribute_definitions(other).await.unwrap().is_empty());
        let contact = s.conversation(ws, ids[0]).await.unwrap().contact_id;
        let mut change = pronto_store::ContactChange::default();
        change
            .attributes
            .insert("order_number".into(), json!("A-1"));
        s.update_contact(ws, contact, &change, T0 + 6)
            .await
            .unwrap();
        assert_eq!(
            s.contact(ws, contact).await.unwrap().attributes["order_number"],
            "A-1"
        );
        assert!(matches!(
            s.update_contact(other, contact, &change, T0 + 6).await,
            Err(StoreError::NotFound(_))
        ));
        let mut removal = pronto_store::ContactChange::default();
        removal
            .attributes
            .insert("order_number".into(), serde_json::Value::Null);
        s.update_contact(ws, contact, &removal, T0 + 7)
            .await
            .unwrap();
        assert!(s.contact(ws, contact).await.unwrap().attributes["order_number"].is_null());
        assert!(s.remove_attribute(ws, "order_number").await.unwrap());
        assert!(!s.remove_attribute(ws, "order_number").await.unwrap());
    }
}
