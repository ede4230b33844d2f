//! Search: word forms, accents and case; messages, notes, contacts and labels;
//! filters, pages and workspaces; the index kept by every write and rebuilt; the
//! (customer message, agent reply) pairs; and, as a property, every stored message
//! holding a word is found by it.

use pronto_core::Folder;
use pronto_core::search::Query;
use pronto_store::testing::{backends, sqlite};
use pronto_store::{
    ChannelKind, ContactChange, HitKind, Inbound, MessageAuthor, Outbound, Role, SEARCH_CANDIDATES,
    SearchHit, SearchQuery, Store,
};
use proptest::prelude::*;
use serde_json::json;

const T0: i64 = 1_772_355_600_000_000;
const MIN: i64 = 60_000_000;

fn says(channel: i64, who: &str, text: &str, at: i64) -> Inbound {
    Inbound {
        channel_id: channel,
        contact_external_id: who.into(),
        contact_name: Some(format!("Client {who}")),
        external_id: Some(format!("{who}-{at}")),
        text: text.into(),
        attachments: json!([]),
        at,
    }
}

fn query(text: &str) -> SearchQuery {
    SearchQuery {
        query: Query::parse(text).expect("words"),
        channel: None,
        folder: None,
        assignee: None,
        label: None,
        from: None,
        to: None,
        offset: 0,
        limit: 50,
    }
}

async fn found(s: &Store, ws: i64, q: SearchQuery) -> Vec<(HitKind, String)> {
    let hits: Vec<SearchHit> = s.search(ws, &q).await.unwrap();
    hits.into_iter().map(|h| (h.kind, h.text)).collect()
}

async fn messages(s: &Store, ws: i64, text: &str) -> Vec<String> {
    found(s, ws, query(text))
        .await
        .into_iter()
        .filter(|(k, _)| *k == HitKind::Message)
        .map(|(_, t)| t)
        .collect()
}

async fn channel(s: &Store, ws: i64, name: &str) -> i64 {
    s.create_channel(
        ws,
        ChannelKind::Api,
        name,
        &json!({"url": "http://127.0.0.1:9/hook"}),
        T0,
    )
    .await
    .unwrap()
    .id
}

#[tokio::test]
async fn word_forms_accents_and_case_are_matched_on_every_kind_of_text() {
    for db in backends().await {
        let s = &db.store;
        let ws = s.create_workspace("Acme", T0).await.unwrap();
        let shop = channel(s, ws, "Shop").await;
        let site = channel(s, ws, "Site").await;
        let a = s
            .receive(
                ws,
                &says(shop, "a", "Mes chaussures sont arrivées abîmées", T0),
                T0,
            )
            .await
            .unwrap()
            .message;
        s.receive(
            ws,
            &says(site, "b", "Nei vostri negozi avete la taglia 42?", T0 + MIN),
            T0,
        )
        .await
        .unwrap();
        s.receive(
            ws,
            &says(site, "c", "Where is my DELIVERY? <script>", T0 + 2 * MIN),
            T0,
        )
        .await
        .unwrap();

        // French plural and accents, Italian plural, English case.
        assert_eq!(
            messages(s, ws, "chaussure arrivee").await,
            ["Mes chaussures sont arrivées abîmées"]
        );
        assert_eq!(
            messages(s, ws, "NEGOZIO").await,
            ["Nei vostri negozi avete la taglia 42?"]
        );
        assert_eq!(
            messages(s, ws, "deliveries").await,
            ["Where is my DELIVERY? <script>"]
        );
        // Every word must match.
        assert!(messages(s, ws, "chaussures negozio").await.is_empty());

        // An agent's reply, a note, a contact's card and a label are found too.
        s.send(
            ws,
            &Outbound {
                conversation_id: a.conversation_id,
                author: MessageAuthor::Agent,
                agent_id: None,
                text: "Nous renvoyons une paire neuve.".into(),
                attachments: json!([]),
                idempotency_key: None,
                subject: None,
            },
            T0 + 3 * MIN,
        )
        .await
        .unwrap();
        assert_eq!(
            messages(s, ws, "paires").await,
            ["Nous renvoyons une paire neuve."]
        );
        let ana = s
            .create_user(&format!("ana-search{ws}@x.test"), "Ana", None, T0)
            .await
            .unwrap();
        s.set_member(ws, ana.id, Role::Agent).await.unwrap();
        s.add_note(
            ws,
            a.conversation_id,
            ana.id,
            "Remboursement déjà proposé",
            T0,
        )
        .await
        .unwrap();
        assert_eq!(
            found(s, ws, query("rembourser")).await,
            [(HitKind::Note, "Remboursement déjà proposé".to_owned())]
        );
        let conversation = s.conversation(ws, a.conversation_id).await.unwrap();
        s.update_contact(
            ws,
            conversation.contact_id,
            &ContactChange {
                name: Some("Chloé Martin".into()),
                email: Some(Some("chloe.martin@example.com".into())),
                phone: Some(Some("+33 6 12 34 56 78".into())),
                ..ContactChange::default()
            },
            T0,
        )
        .await
        .unwrap();
        for q in ["chloe", "MARTIN", "chloe.martin@example.com", "33612345678"] {
            let hits = s.search(ws, &query(q)).await.unwrap();
            assert_eq!(hits.len(), 1, "{q}: {hits:?}");
            assert_eq!(
                (hits[0].kind, hits[0].conversation_id),
                (HitKind::Contact, a.conversation_id),
                "{q}"
            );
        }
        s.label(ws, a.conversation_id, &["Retour".into()], &[], T0)
            .await
            .unwrap();
        assert_eq!(
            found(s, ws, query("retour")).await,
            [(HitKind::Label, "Retour".to_owned())]
        );

        // Filters: channel, folder, label, dates.
        let q = SearchQuery {
            channel: Some(shop),
            ..query("negozi")
        };
        assert!(found(s, ws, q).await.is_empty());
        let q = SearchQuery {
            channel: Some(site),
            ..query("negozi")
        };
        assert_eq!(found(s, ws, q).await.len(), 1);
        s.move_to(ws, a.conversation_id, Folder::Done, T0 + 4 * MIN)
            .await
            .unwrap();
        let q = SearchQuery {
            folder: Some(Folder::Inbox),
            ..query("chaussures")
        };
        assert!(found(s, ws, q).await.is_empty());
        let q = SearchQuery {
            folder: Some(Folder::Done),
            label: Some("Retour".into()),
            ..query("chaussures")
        };
        assert_eq!(found(s, ws, q).await.len(), 1);
        let q = SearchQuery {
            from: Some(T0 + MIN),
            to: Some(T0 + 2 * MIN),
            ..query("negozi delivery")
        };
        assert!(found(s, ws, q).await.is_empty());
        let q = SearchQuery {
            from: Some(T0 + MIN),
            to: Some(T0 + 2 * MIN + 1),
            ..query("delivery")
        };
        assert_eq!(found(s, ws, q).await.len(), 1);

        // Another workspace finds nothing of this one.
        let other = s.create_workspace("Other", T0).await.unwrap();
        assert!(found(s, other, query("chaussures")).await.is_empty());
        assert!(found(s, other, query("chloe")).await.is_empty());

        // The rebuilt index finds the same.
        s.rebuild_search().await.unwrap();
        assert_eq!(
            messages(s, ws, "chaussure").await,
            ["Mes chaussures sont arrivées abîmées"]
        );
        assert_eq!(found(s, ws, query("33612345678")).await.len(), 1);
    }
}

#[tokio::test]
async fn hits_are_ranked_and_paged() {
    for db in backends().await {
        let s = &db.store;
        let ws = s.create_workspace("Acme", T0).await.unwrap();
        let ch = channel(s, ws, "Shop").await;
        for i in 0..7 {
            let text = if i == 3 {
                "refund refund refund please".to_owned()
            } else {
                format!("message {i} about a refund and many other words besides this one")
            };
            s.receive(ws, &says(ch, &format!("p{i}"), &text, T0 + i * MIN), T0)
                .await
                .unwrap();
        }
        let first = s
            .search(
                ws,
                &SearchQuery {
                    limit: 3,
                    ..query("refund")
                },
            )
            .await
            .unwrap();
        assert_eq!(first[0].text, "refund refund refund please");
        let mut all: Vec<i64> = Vec::new();
        for page in 0..3 {
            let q = SearchQuery {
                limit: 3,
                offset: page * 3,
                ..query("refund")
            };
            all.extend(
                s.search(ws, &q)
                    .await
                    .unwrap()
                    .iter()
                    .filter_map(|h| h.item_id),
            );
        }
        all.sort_unstable();
        all.dedup();
        assert_eq!(all.len(), 7);
    }
}

/// A word in more messages than a search ranks: the newest matches of this
/// workspace (after the filters) are the ones ranked, so another workspace's
/// newer messages take none of their places, and a filter reaches an old one.
#[tokio::test]
async fn a_common_word_ranks_the_newest_matches_of_the_workspace_after_the_filters() {
    for db in backends().await {
        let s = &db.store;
        let ws = s.create_workspace("Acme", T0).await.unwrap();
        let other = s.create_workspace("Other", T0).await.unwrap();
        let old = channel(s, ws, "Old").await;
        let busy = channel(s, ws, "Busy").await;
        let elsewhere = channel(s, other, "Elsewhere").await;
        s.receive(ws, &says(old, "first", "parcel parcel parcel lost", T0), T0)
            .await
            .unwrap();
        let n = SEARCH_CANDIDATES + 5;
        let mine: Vec<Inbound> = (0..n)
            .map(|i| {
                says(
                    busy,
                    &format!("b{i}"),
                    &format!("parcel number {i}"),
                    T0 + (i + 1) * MIN,
                )
            })
            .collect();
        for r in s.receive_many(ws, mine, T0).await {
            r.unwrap();
        }
        // Newer still, in another workspace: never ranked in this one.
        let theirs: Vec<Inbound> = (0..n)
            .map(|i| {
                says(
                    elsewhere,
                    &format!("o{i}"),
                    "parcel parcel",
                    T0 + (n + i + 1) * MIN,
                )
            })
            .collect();
        for r in s.receive_many(other, theirs, T0).await {
            r.unwrap();
        }
        let hits = s.search(ws, &query("parcel")).await.unwrap();
        assert_eq!(hits.len(), 50, "a full page of this workspace's matches");
        assert!(
            hits.iter().all(|h| h.channel_id == busy),
            "the old best match is past the newest {SEARCH_CANDIDATES}: {:?}",
            hits.iter().map(|h| &h.text).collect::<Vec<_>>()
        );
        let q = SearchQuery {
            offset: SEARCH_CANDIDATES - 10,
            ..query("parcel")
        };
        assert_eq!(
            s.search(ws, &q).await.unwrap().len(),
            10,
            "pages end with the ranked matches"
        );
        let q = SearchQuery {
            channel: Some(old),
            ..query("parcel")
        };
        let hits = s.search(ws, &q).await.unwrap();
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].text, "parcel parcel parcel lost");
    }
}

#[tokio::test]
async fn reply_pairs_take_the_next_human_reply_only() {
    for db in backends().await {
        let s = &db.store;
        let ws = s.create_workspace("Acme", T0).await.unwrap();
        let ch = channel(s, ws, "Shop").await;
        let reply = |conversation, author, text: &str| Outbound {
            conversation_id: conversation,
            author,
            agent_id: None,
            text: text.into(),
            attachments: json!([]),
            idempotency_key: None,
            subject: None,
        };
        let asked = s
            .receive(ws, &says(ch, "a", "Où est mon colis 12345 ?", T0), T0)
            .await
            .unwrap()
            .message;
        s.send(
            ws,
            &reply(
                asked.conversation_id,
                MessageAuthor::Automation,
                "Merci, un agent arrive.",
            ),
            T0 + 1,
        )
        .await
        .unwrap();
        s.send(
            ws,
            &reply(
                asked.conversation_id,
                MessageAuthor::Agent,
                "Votre colis 12345 part demain.",
            ),
            T0 + MIN,
        )
        .await
        .unwrap();
        // Answered only by the automation: no pair.
        let bot_only = s
            .receive(ws, &says(ch, "b", "Mon colis est perdu", T0), T0)
            .await
            .unwrap()
            .message;
        s.send(
            ws,
            &reply(
                bot_only.conversation_id,
                MessageAuthor::Automation,
                "Merci !",
            ),
            T0 + 1,
        )
        .await
        .unwrap();
        let now = s
            .receive(ws, &says(ch, "c", "mon colis ??", T0 + 9 * MIN), T0)
            .await
            .unwrap()
            .message;
        let q = Query::parse("colis").unwrap();
        let pairs = s
            .reply_pairs(ws, &q, now.conversation_id, None, 10)
            .await
            .unwrap();
        let replies: Vec<&str> = pairs.iter().map(|p| p.reply.as_str()).collect();
        assert_eq!(replies, ["Votre colis 12345 part demain."]);
        assert_eq!(pairs[0].conversation_id, asked.conversation_id);
        // The conversation being answered is left out.
        let pairs = s
            .reply_pairs(ws, &q, asked.conversation_id, None, 10)
            .await
            .unwrap();
        assert!(pairs.is_empty(), "{pairs:?}");
    }
}

#[tokio::test]
async fn reply_pairs_for_common_words_read_the_newest_holding_them_all() {
    for db in backends().await {
        let s = &db.store;
        let ws = s.create_workspace("Acme", T0).await.unwrap();
        let ch = channel(s, ws, "Shop").await;
        let answer = |conversation, text: &str| Outbound {
            conversation_id: conversation,
            author: MessageAuthor::Agent,
            agent_id: None,
            text: text.into(),
            attachments: json!([]),
            idempotency_key: None,
            subject: None,
        };
        // Six customers ask about a lost parcel, six about a parcel that arrived
        // broken; one gives an order number. Each is answered by the team.
        let mut at = T0;
        for i in 0..6 {
            for (who, ask, reply) in [
                (
                    "lost",
                    "Mon colis est perdu depuis hier",
                    "Nous ouvrons une enquête.",
                ),
                (
                    "broken",
                    "Mon colis est arrivé cassé",
                    "Nous renvoyons un article neuf.",
                ),
            ] {
                at += MIN;
                let m = s
                    .receive(ws, &says(ch, &format!("{who}{i}"), ask, at), at)
                    .await
                    .unwrap()
                    .message;
                s.send(ws, &answer(m.conversation_id, reply), at + 1)
                    .await
                    .unwrap();
            }
        }
        let numbered = s
            .receive(
                ws,
                &says(ch, "n", "Commande 778899 introuvable", at + MIN),
                at,
            )
            .await
            .unwrap()
            .message;
        s.send(
            ws,
            &answer(numbered.conversation_id, "Je regarde la commande 778899."),
            at + MIN + 1,
        )
        .await
        .unwrap();
        let replies = |pairs: &[pronto_store::ReplyPair]| -> Vec<String> {
            pairs.iter().map(|p| p.reply.clone()).collect()
        };
        // Asked but never answered: never a candidate, however new.
        for i in 0..3 {
            s.receive(
                ws,
                &says(
                    ch,
                    &format!("waiting{i}"),
                    "Mon colis est perdu",
                    at + 2 * MIN,
                ),
                at,
            )
            .await
            .unwrap();
        }
        // With a bound of 4 matches, "colis" (12) and "perdu" (6) are both common:
        // the newest answered messages holding both are read, not the broken parcels.
        let q = Query::parse("colis perdu").unwrap();
        let pairs = s.reply_pairs_within(ws, &q, 0, None, 5, 4).await.unwrap();
        assert_eq!(pairs.len(), 5, "{pairs:?}");
        assert!(
            replies(&pairs)
                .iter()
                .all(|r| r == "Nous ouvrons une enquête."),
            "{pairs:?}"
        );
        // No message holds every word: the most common ("colis") is dropped first,
        // and a word found nowhere is left out.
        let q = Query::parse("colis perdu cassé introuvablexyz").unwrap();
        let pairs = s.reply_pairs_within(ws, &q, 0, None, 10, 4).await.unwrap();
        let r = replies(&pairs);
        assert_eq!(r.len(), 6, "{pairs:?}");
        assert!(r.iter().all(|x| x == &r[0]), "{r:?}");
        // A rare word (the order number) is ranked by the index over all its
        // matches, then the common word's newest fill the rest.
        let q = Query::parse("colis 778899").unwrap();
        let pairs = s.reply_pairs_within(ws, &q, 0, None, 3, 4).await.unwrap();
        assert_eq!(
            replies(&pairs)[0],
            "Je regarde la commande 778899.",
            "{pairs:?}"
        );
        assert_eq!(pairs.len(), 3, "{pairs:?}");
        // The same answers with the default bound (every word rare here).
        let pairs = s.reply_pairs(ws, &q, 0, None, 3).await.unwrap();
        assert_eq!(
            replies(&pairs)[0],
            "Je regarde la commande 778899.",
            "{pairs:?}"
        );
    }
}

/// Words drawn from a small vocabulary (with accents and capitals), so that texts
/// share words often.
const VOCABULARY: [&str; 8] = [
    "colis",
    "Livraison",
    "été",
    "negozio",
    "taglia",
    "REFUND",
    "Müller",
    "42",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn every_stored_message_holding_a_word_is_found_by_it(
        texts in prop::collection::vec(prop::collection::vec(0..VOCABULARY.len(), 1..5), 1..12),
        probe in 0..VOCABULARY.len(),
    ) {
        let rt = tokio::runtime::Runtime::new().unwrap();
        rt.block_on(async {
            let db = sqlite().await;
            let s = &db.store;
            let ws = s.create_workspace("Acme", T0).await.unwrap();
            let ch = channel(s, ws, "Shop").await;
            let mut holding = Vec::new();
            for (i, words) in texts.iter().enumerate() {
                let text: Vec<&str> = words.iter().map(|&w| VOCABULARY[w]).collect();
                let m = s
                    .receive(ws, &says(ch, &format!("p{i}"), &text.join(" "), T0 + i as i64), T0)
                    .await
                    .unwrap()
                    .message;
                if words.contains(&probe) {
                    holding.push(m.id);
                }
            }
            let q = SearchQuery { limit: 100, ..query(VOCABULARY[probe]) };
            let mut ids: Vec<i64> = s
                .search(ws, &q)
                .await
                .unwrap()
                .iter()
                .filter(|h| h.kind == HitKind::Message)
                .filter_map(|h| h.item_id)
                .collect();
            ids.sort_unstable();
            assert_eq!(ids, holding, "{texts:?} {probe}");
        });
    }
}
