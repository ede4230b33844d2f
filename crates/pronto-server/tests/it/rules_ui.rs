//! The rules page over HTTP: rules in order with their parts in words and their
//! last firings, the order endpoint, refusals naming the part, who may see it, and
//! another workspace's rules out of reach.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::support::{Client, Receiver, TestApp, api_channel, customer_says, html};

async fn created(admin: &Client, rule: Value) -> i64 {
    let (status, body) = admin.post("/api/v1/rules", rule).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["id"].as_i64().unwrap()
}

fn position(page: &str, text: &str) -> usize {
    page.find(text)
        .unwrap_or_else(|| panic!("the page shows {text:?}:\n{page}"))
}

#[tokio::test]
async fn rules_show_in_order_with_their_parts_and_last_firings() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let receiver = Receiver::spawn(vec![]).await;
    let channel = api_channel(&admin, &receiver).await;
    let (_, me) = admin.get("/api/v1/me").await;
    let ada = me["id"].as_i64().or(me["user"]["id"].as_i64()).unwrap();
    let sales = created(
        &admin,
        json!({"name": "Prices to sales", "when": {"type": "customer_message"},
            "if": [{"type": "text_contains", "text": "price"}, {"type": "channel", "id": channel}],
            "then": [{"type": "label", "label": "sales"}, {"type": "notify", "user": ada}]}),
    )
    .await;
    let late = created(
        &admin,
        json!({"name": "Waiting too long", "enabled": false,
            "when": {"type": "no_reply_for", "minutes": 20},
            "then": [{"type": "set_priority", "priority": 5}]}),
    )
    .await;

    // A customer asks for prices: the first rule fires (twice: two actions).
    let (status, m) = customer_says(&admin, channel, "c1", "m1", "What is the price?").await;
    assert!(status.is_success(), "{m}");
    let conversation = m["conversation_id"].as_i64().unwrap();

    let (status, page) = html(&admin, "/rules", "en").await;
    assert_eq!(status, StatusCode::OK);
    for expected in [
        "<h3>Prices to sales</h3><p class=\"state ok\">On</p>",
        "A customer writes",
        "The message contains “price”",
        "On the channel Website",
        "Add the label sales · Notify Ada Admin",
        "<h3>Waiting too long</h3><p class=\"state bad\">Off</p>",
        "A customer waits 20 min for a reply",
        "Set the priority to 5",
        "Last firings (2)",
        "Last firings (0)",
        &format!("href=\"/inbox?c={conversation}\">Notify on conversation {conversation}</a>"),
        &format!(
            "href=\"/inbox?c={conversation}\">Add the label on conversation {conversation}</a>"
        ),
        "aria-label=\"Turn on Waiting too long\"",
        "aria-label=\"Move Prices to sales down\"",
        // The editor, with its rows' templates.
        "id=\"rule-form\"",
        "id=\"condition-template\"",
        "<option value=\"text_matches\">",
    ] {
        position(&page, expected);
    }
    assert!(
        !page.contains("Move Prices to sales up"),
        "the first cannot go up"
    );
    assert!(position(&page, "Prices to sales") < position(&page, "Waiting too long"));

    // Reordered: the second comes first.
    let (status, body) = admin
        .put("/api/v1/rules/order", json!({"ids": [late, sales]}))
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body[0]["id"], late);
    let (_, list) = html(&admin, "/ui/rules", "en").await;
    assert!(position(&list, "Waiting too long") < position(&list, "Prices to sales"));
    assert!(!list.contains("<html"), "a fragment");
    // An order that is not each rule once is refused, and changes nothing.
    for ids in [
        json!([late]),
        json!([late, sales, sales]),
        json!([late, sales, 999]),
    ] {
        let (status, _) = admin.put("/api/v1/rules/order", json!({"ids": ids})).await;
        assert_eq!(status, StatusCode::CONFLICT, "{ids}");
    }
    assert_eq!(admin.get("/api/v1/rules").await.1[0]["id"], late);

    // In French.
    let (_, fr) = html(&admin, "/rules", "fr").await;
    position(&fr, "Un client attend une réponse depuis 20 min");
    position(&fr, "Derniers déclenchements (2)");

    // Agents: neither the page nor the list; another workspace: none of these rules.
    let (status, _) = admin
        .post(
            "/api/v1/users",
            json!({"email": "bo@acme.test", "name": "Bo", "role": "agent", "password": "long enough pw"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let agent = app.login("bo@acme.test", "long enough pw").await;
    assert_eq!(html(&agent, "/rules", "en").await.0, StatusCode::FORBIDDEN);
    assert_eq!(
        html(&agent, "/ui/rules", "en").await.0,
        StatusCode::FORBIDDEN
    );
    let (status, _) = agent
        .put("/api/v1/rules/order", json!({"ids": [sales, late]}))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    let other = app.other_workspace_admin("zed@other.test", "Zed").await;
    let (status, theirs) = html(&other, "/rules", "en").await;
    assert_eq!(status, StatusCode::OK);
    assert!(!theirs.contains("Prices to sales") && theirs.contains("No rule yet."));
    let (status, _) = other
        .put("/api/v1/rules/order", json!({"ids": [sales, late]}))
        .await;
    assert_eq!(
        status,
        StatusCode::CONFLICT,
        "A's rules are not B's to order"
    );
    assert_eq!(admin.get("/api/v1/rules").await.1[0]["id"], late);
}

#[tokio::test]
async fn a_refused_rule_names_the_part() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let base = |conditions: Value, actions: Value| json!({"name": "R", "when": {"type": "customer_message"}, "if": conditions, "then": actions});
    let cases = [
        (
            base(
                json!([{"type": "text_matches", "pattern": "("}]),
                json!([{"type": "label", "label": "x"}]),
            ),
            "if[0].pattern",
        ),
        (
            base(
                json!([]),
                json!([{"type": "label", "label": "x"}, {"type": "call_webhook", "url": "ftp://x"}]),
            ),
            "then[1].url",
        ),
        (
            json!({"name": " ", "when": {"type": "customer_message"}, "then": [{"type": "label", "label": "x"}]}),
            "name",
        ),
        (
            json!({"name": "R", "when": {"type": "no_reply_for", "minutes": 0}, "then": [{"type": "label", "label": "x"}]}),
            "when.minutes",
        ),
    ];
    for (rule, field) in cases {
        let (status, error) = admin.post("/api/v1/rules", rule).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{error}");
        assert_eq!(error["field"], field, "{error}");
    }
}
