//! The Conversations API over the sandbox's history: pagination visits every item
//! once, newest first, and single messages read back as Meta prints them.

use std::collections::HashSet;

use pronto_sandbox::{HOUR, SeedMessage};
use serde_json::Value;

use crate::support::{Graph, T0, code};

/// Follows `next` from `first` and returns every item's id, in order.
async fn walk(g: &Graph, first: &str, key: &str) -> (Vec<String>, Vec<String>) {
    let (s, mut page) = g.get(first).await;
    assert_eq!(s, 200, "{page}");
    if !key.is_empty() {
        page = page[key].clone();
    }
    let (mut ids, mut times) = (Vec::new(), Vec::new());
    let mut pages = 0;
    loop {
        pages += 1;
        assert!(pages < 100, "pagination does not end");
        for item in page["data"].as_array().unwrap() {
            ids.push(item["id"].as_str().unwrap().to_owned());
            let t = item
                .get("updated_time")
                .or(item.get("created_time"))
                .unwrap();
            times.push(t.as_str().unwrap().to_owned());
        }
        let Some(next) = page["paging"]["next"].as_str() else {
            break;
        };
        let (s, p) = g.get(next).await;
        assert_eq!(s, 200, "{p}");
        page = p;
    }
    (ids, times)
}

fn seed(g: &Graph) -> usize {
    // 9 customers; some conversations end at the same instant, which the cursor
    // must still order and never skip.
    let mut n = 0;
    for c in 0..9 {
        for m in 0..(c + 2) {
            let at = T0 + (c % 4) * HOUR + m * 60_000_000;
            g.sandbox.seed_message(
                "PAGE",
                SeedMessage {
                    customer: format!("PSID_{c}"),
                    customer_name: format!("Customer {c}"),
                    from_customer: m % 2 == 0,
                    text: format!("message {m}"),
                    at,
                },
            );
            n += 1;
        }
    }
    n
}

#[tokio::test]
async fn pagination_walks_every_conversation_and_message_once() {
    let g = Graph::spawn().await;
    let total = seed(&g);
    let (ids, times) = walk(
        &g,
        "/PAGE/conversations?platform=messenger&fields=id,updated_time,participants&limit=2",
        "",
    )
    .await;
    assert_eq!(ids.len(), 9);
    assert_eq!(
        ids.iter().collect::<HashSet<_>>().len(),
        9,
        "each once: {ids:?}"
    );
    let mut sorted = times.clone();
    sorted.sort_by(|a, b| b.cmp(a));
    assert_eq!(times, sorted, "newest first");

    let mut seen = 0;
    for conv in &ids {
        let (mids, created) =
            walk(&g, &format!("/{conv}?fields=messages&limit=3"), "messages").await;
        assert_eq!(mids.iter().collect::<HashSet<_>>().len(), mids.len());
        let mut sorted = created.clone();
        sorted.sort_by(|a, b| b.cmp(a));
        assert_eq!(created, sorted, "newest first");
        seen += mids.len();
    }
    assert_eq!(seen, total, "every seeded message, once");
}

#[tokio::test]
async fn conversations_show_participants_and_messages_read_back() {
    let g = Graph::spawn().await;
    let mid = g.sandbox.seed_message(
        "PAGE",
        SeedMessage {
            customer: "PSID_A".into(),
            customer_name: "Ana Lima".into(),
            from_customer: true,
            text: "Olá!".into(),
            at: 1_657_653_067_000_000,
        },
    );
    let (_, list) = g
        .get("/PAGE/conversations?platform=messenger&fields=participants,updated_time")
        .await;
    let conv = &list["data"][0];
    assert_eq!(conv["updated_time"], "2022-07-12T19:11:07+0000");
    let people: Vec<&Value> = conv["participants"]["data"]
        .as_array()
        .unwrap()
        .iter()
        .collect();
    assert_eq!(people[0]["id"], "PSID_A");
    assert_eq!(people[0]["name"], "Ana Lima");
    assert_eq!(people[1]["id"], "PAGE");
    assert!(list["paging"].get("next").is_none(), "one page, no next");

    let (s, m) = g
        .get(&format!("/{mid}?fields=id,created_time,from,to,message"))
        .await;
    assert_eq!(s, 200, "{m}");
    assert_eq!(m["id"], mid.as_str());
    assert_eq!(m["created_time"], "2022-07-12T19:11:07+0000");
    assert_eq!(m["from"]["id"], "PSID_A");
    assert_eq!(m["to"]["data"][0]["id"], "PAGE");
    assert_eq!(m["message"], "Olá!");

    let (_, a) = g.get("/PAGE/conversations?platform=instagram").await;
    assert_eq!(code(&a).0, 100, "wrong platform: {a}");
    let (_, a) = g.get("/PAGE/conversations?limit=0").await;
    assert_eq!(code(&a).0, 100);
    let (_, a) = g.get("/PAGE/conversations?after=zz").await;
    assert_eq!(code(&a).0, 100);
    let (_, a) = g.get(&format!("{}/PAGE/conversations", g.url)).await;
    assert_eq!(code(&a), (190, 460), "no token: {a}");
}
