//! Routing's storage, on every backend: settings, profiles, the pool's reads, the
//! guarded assignment and the hand-back.

use pronto_store::testing::backends;
use pronto_store::{Inbound, Role, RoutingRow};
use serde_json::json;

const T0: i64 = 1_772_355_600_000_000; // 2026-03-01T09:00:00Z
const HOUR: i64 = 3_600_000_000;

#[tokio::test]
async fn routing_reads_and_guarded_writes() {
    for db in backends().await {
        let s = &db.store;
        let ws = s.create_workspace("Acme", T0).await.unwrap();
        let ch = s
            .create_channel(
                ws,
                pronto_store::ChannelKind::Api,
                "Website",
                &json!({"url": "http://127.0.0.1:9/h"}),
                T0,
            )
            .await
            .unwrap()
            .id;
        assert_eq!(s.channel_routing(ws, ch).await.unwrap(), None);
        let row = RoutingRow {
            mode: "least_loaded".to_owned(),
            fallback: false,
            reassign_on_away: true,
        };
        s.set_channel_routing(ws, ch, &row, T0).await.unwrap();
        assert_eq!(s.channel_routing(ws, ch).await.unwrap(), Some(row.clone()));
        assert_eq!(s.routed_channels().await.unwrap(), [(ws, ch, row)]);

        let ana = s
            .create_user("ana@acme.test", "Ana", None, T0)
            .await
            .unwrap();
        s.set_member(ws, ana.id, Role::Agent).await.unwrap();
        s.set_member_routing(ws, ana.id, 3, &["fr".to_owned()], &["billing".to_owned()])
            .await
            .unwrap();
        s.create_session("h", ana.id, ws, T0, T0 + HOUR)
            .await
            .unwrap();
        let agents = s.routing_agents(ws, T0).await.unwrap();
        assert_eq!(agents.len(), 1);
        assert!(agents[0].signed_in && !agents[0].away);
        assert_eq!(
            (agents[0].capacity, agents[0].languages.clone()),
            (3, vec!["fr".to_owned()])
        );
        assert!(!s.routing_agents(ws, T0 + 2 * HOUR).await.unwrap()[0].signed_in);

        let received = s
            .receive(
                ws,
                &Inbound {
                    channel_id: ch,
                    contact_external_id: "marie".to_owned(),
                    contact_name: Some("Marie".to_owned()),
                    external_id: Some("m1".to_owned()),
                    text: "bonjour".to_owned(),
                    attachments: json!([]),
                    at: T0,
                },
                T0,
            )
            .await
            .unwrap();
        let conv = received.message.conversation_id;
        let contact = s.conversation(ws, conv).await.unwrap().contact_id;
        s.set_contact_routing(ws, contact, true, Some("fr_FR"))
            .await
            .unwrap();
        let waiting = s.routing_waiting(ws, ch).await.unwrap();
        assert_eq!(waiting.len(), 1);
        assert!(waiting[0].vip);
        assert_eq!(waiting[0].locale.as_deref(), Some("fr_FR"));

        assert!(
            s.route_assign(ws, ch, conv, ana.id, "least_loaded", "assigned to Ana", T0)
                .await
                .unwrap()
        );
        assert!(
            !s.route_assign(ws, ch, conv, ana.id, "least_loaded", "again", T0)
                .await
                .unwrap()
        );
        assert_eq!(s.last_routed_agent(ch).await.unwrap(), Some(ana.id));
        assert_eq!(s.routing_held(ws).await.unwrap().len(), 1);
        assert!(s.routing_waiting(ws, ch).await.unwrap().is_empty());
        assert_eq!(
            s.routing_agents(ws, T0).await.unwrap()[0].last_assigned,
            Some(T0)
        );

        s.set_away(ws, ana.id, true, None).await.unwrap();
        assert_eq!(
            s.hand_back(ws, ana.id, "Ana", T0 + 1).await.unwrap(),
            [conv]
        );
        assert_eq!(s.conversation(ws, conv).await.unwrap().assignee_id, None);
        let log = s.assignment_log(ws, conv).await.unwrap();
        let codes: Vec<_> = log.iter().map(|e| e.reason_code.as_str()).collect();
        assert_eq!(codes, ["least_loaded", "agent_away"]);
        assert!(s.assignment_log(ws + 1, conv).await.unwrap().is_empty());

        // The workspace's log, newest first, with names; one agent's alone.
        let recent = s.recent_assignments(ws, None, 10).await.unwrap();
        let seen: Vec<_> = recent
            .iter()
            .map(|e| {
                (
                    e.action.as_str(),
                    e.agent_name.as_str(),
                    e.contact_name.as_str(),
                )
            })
            .collect();
        assert_eq!(
            seen,
            [("unassigned", "Ana", "Marie"), ("assigned", "Ana", "Marie")]
        );
        assert_eq!(recent[1].reason, "assigned to Ana");
        assert_eq!(recent[0].conversation_id, conv);
        assert_eq!(s.recent_assignments(ws, None, 1).await.unwrap().len(), 1);
        assert_eq!(
            s.recent_assignments(ws, Some(ana.id), 10)
                .await
                .unwrap()
                .len(),
            2
        );
        assert!(
            s.recent_assignments(ws, Some(ana.id + 1), 10)
                .await
                .unwrap()
                .is_empty()
        );
        assert!(
            s.recent_assignments(ws + 1, None, 10)
                .await
                .unwrap()
                .is_empty()
        );
        // Members say whether they are away.
        assert!(s.member(ws, ana.id).await.unwrap().away);
        s.set_away(ws, ana.id, false, None).await.unwrap();
        assert!(!s.members(ws).await.unwrap()[0].away);
        // An away for an hour ends by itself, then and not before.
        s.set_away(ws, ana.id, true, Some(T0 + 3_600_000_000))
            .await
            .unwrap();
        assert_eq!(
            s.member(ws, ana.id).await.unwrap().away_until,
            Some(T0 + 3_600_000_000)
        );
        assert!(s.end_aways(T0 + 3_599_999_999).await.unwrap().is_empty());
        assert!(s.member(ws, ana.id).await.unwrap().away);
        assert_eq!(s.end_aways(T0 + 3_600_000_000).await.unwrap(), [ws]);
        let back = s.member(ws, ana.id).await.unwrap();
        assert!(!back.away && back.away_until.is_none());
        // VIP contacts, of this workspace only.
        let vips = s.vip_contacts(ws).await.unwrap();
        assert_eq!(
            vips,
            [pronto_store::VipContact {
                id: contact,
                name: "Marie".to_owned()
            }]
        );
        assert!(s.vip_contacts(ws + 1).await.unwrap().is_empty());
        s.set_contact_routing(ws, contact, false, None)
            .await
            .unwrap();
        assert!(s.vip_contacts(ws).await.unwrap().is_empty());
    }
}

#[tokio::test]
async fn dispatchers_racing_on_one_agent_never_exceed_its_capacity() {
    for db in backends().await {
        let s = db.store.clone();
        let ws = s.create_workspace("Acme", T0).await.unwrap();
        let ch = s
            .create_channel(
                ws,
                pronto_store::ChannelKind::Api,
                "Web",
                &json!({"url": "http://127.0.0.1:9/h"}),
                T0,
            )
            .await
            .unwrap()
            .id;
        let ana = s
            .create_user("ana@acme.test", "Ana", None, T0)
            .await
            .unwrap();
        s.set_member(ws, ana.id, Role::Agent).await.unwrap();
        s.set_member_routing(ws, ana.id, 2, &[], &[]).await.unwrap();
        let mut conversations = Vec::new();
        for i in 0..6 {
            let m = s
                .receive(
                    ws,
                    &Inbound {
                        channel_id: ch,
                        contact_external_id: format!("c{i}"),
                        contact_name: None,
                        external_id: Some(format!("m{i}")),
                        text: "hi".to_owned(),
                        attachments: json!([]),
                        at: T0,
                    },
                    T0,
                )
                .await
                .unwrap();
            conversations.push(m.message.conversation_id);
        }
        // Six dispatchers (as on six nodes) each give Ana a different conversation.
        let tasks: Vec<_> = conversations
            .into_iter()
            .map(|conv| {
                let s = s.clone();
                tokio::spawn(async move {
                    s.route_assign(ws, ch, conv, ana.id, "least_loaded", "to Ana", T0)
                        .await
                        .unwrap()
                })
            })
            .collect();
        let mut assigned = 0;
        for t in tasks {
            assigned += usize::from(t.await.unwrap());
        }
        assert_eq!(assigned, 2, "capacity 2");
    }
}
