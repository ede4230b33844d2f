//! The CSV exports: what each row says, quoting and the formula guard, the date
//! range, keyset paging past one page, and another workspace seeing nothing.

use axum::http::StatusCode;
use serde_json::json;

use crate::support::{Client, MIN, Receiver, TestApp, api_channel, customer_says};

const DAY: i64 = 24 * 60 * MIN;

#[tokio::test]
async fn exports_on_sqlite() {
    exports_on(TestApp::spawn().await).await;
}

/// The same on PostgreSQL, when `PRONTO_TEST_DATABASE_URL` is set.
#[tokio::test]
async fn exports_on_postgres() {
    if std::env::var_os("PRONTO_TEST_DATABASE_URL").is_none() {
        return;
    }
    exports_on(
        TestApp::spawn_postgres()
            .await
            .expect("PRONTO_TEST_DATABASE_URL is set"),
    )
    .await;
}

/// The CSV at `path`: its headers checked, then its records (header row first).
async fn csv_at(client: &Client, path: &str) -> Vec<Vec<String>> {
    let r = client
        .request(reqwest::Method::GET, path)
        .send()
        .await
        .unwrap();
    if r.status() != StatusCode::OK {
        panic!("{path}: {} {}", r.status(), r.text().await.unwrap());
    }
    assert_eq!(r.headers()["content-type"], "text/csv; charset=utf-8");
    let disposition = r.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        disposition.starts_with("attachment; filename=\""),
        "{disposition}"
    );
    let body = r.bytes().await.unwrap();
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(&body[..])
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

fn column(rows: &[Vec<String>], name: &str) -> usize {
    rows[0]
        .iter()
        .position(|h| h == name)
        .unwrap_or_else(|| panic!("no {name} column"))
}

async fn exports_on(app: TestApp) {
    let admin = app.admin().await;
    let receiver = Receiver::spawn(vec![]).await;
    let channel = api_channel(&admin, &receiver).await;
    // 2026-03-01: a customer whose name is a formula with a comma and quotes,
    // answered by an agent after 90 s, labelled and assigned.
    let (status, m) = admin
        .post(
            &format!("/api/v1/channels/{channel}/inbound"),
            json!({"message_id": "m1", "contact_id": "c1", "contact_name": "=HYPERLINK(\"x\",\"y\")", "text": "Bonjour"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{m}");
    let first = m["conversation_id"].as_i64().unwrap();
    app.advance(MIN + 30_000_000);
    let (status, body) = admin
        .post(
            &format!("/api/v1/conversations/{first}/messages"),
            json!({"text": "Hello"}),
        )
        .await;
    assert!(status.is_success(), "{body}");
    admin
        .post(
            &format!("/api/v1/conversations/{first}/labels"),
            json!({"add": ["vip", "-2 stars"]}),
        )
        .await;
    let (_, me) = admin.get("/api/v1/me").await;
    let me_id = me["user"]["id"].as_i64().or(me["id"].as_i64()).unwrap();
    let (status, _) = admin
        .post(
            &format!("/api/v1/conversations/{first}/assign"),
            json!({"user_id": me_id}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    // A second customer the same day, moved to spam: excluded, with its reason.
    let (_, m) = customer_says(&admin, channel, "c2", "m2", "buy now").await;
    let spam = m["conversation_id"].as_i64().unwrap();
    admin
        .post(
            &format!("/api/v1/conversations/{spam}/move"),
            json!({"folder": "spam"}),
        )
        .await;

    let day1 = "?from=2026-03-01&to=2026-03-01";
    let rows = csv_at(&admin, &format!("/api/v1/exports/conversations.csv{day1}")).await;
    assert_eq!(rows.len(), 3, "{rows:?}");
    let (id, contact, labels, assignee, response, status, kind) = (
        column(&rows, "id"),
        column(&rows, "contact"),
        column(&rows, "labels"),
        column(&rows, "assignee"),
        column(&rows, "first_response_seconds"),
        column(&rows, "status"),
        column(&rows, "channel_kind"),
    );
    let row = &rows[1];
    assert_eq!(row[id], first.to_string());
    // The formula is text for a spreadsheet; the quotes and comma survive the quoting.
    assert_eq!(row[contact], "'=HYPERLINK(\"x\",\"y\")");
    assert_eq!(row[labels], "'-2 stars; vip");
    assert_eq!(row[assignee], "Ada Admin");
    assert_eq!(row[response], "90");
    assert_eq!(row[status], "inbox");
    assert_eq!(row[kind], "api");
    assert_eq!(rows[2][id], spam.to_string());
    assert_eq!(rows[2][status], "spam");
    assert_eq!(rows[2][response], "");

    let rows = csv_at(&admin, &format!("/api/v1/exports/responsiveness.csv{day1}")).await;
    assert_eq!(rows.len(), 3, "{rows:?}");
    let (conv, st, reason, secs, author, expl) = (
        column(&rows, "conversation_id"),
        column(&rows, "status"),
        column(&rows, "reason"),
        column(&rows, "response_seconds"),
        column(&rows, "reply_author"),
        column(&rows, "explanation"),
    );
    assert_eq!(rows[1][conv], first.to_string());
    assert_eq!(rows[1][st], "answered");
    assert_eq!(rows[1][secs], "90");
    assert_eq!(rows[1][author], "agent");
    assert_eq!(rows[1][expl], "answered in 90 s");
    assert_eq!(rows[2][conv], spam.to_string());
    assert_eq!(rows[2][st], "excluded");
    assert_eq!(rows[2][reason], "spam");

    // 10 days later (sessions last 14), more conversations than one page of the
    // store holds.
    app.advance(10 * DAY);
    let now = app.state.now();
    let many: Vec<pronto_store::Inbound> = (0..1_100)
        .map(|i| pronto_store::Inbound {
            channel_id: channel,
            contact_external_id: format!("bulk-{i}"),
            contact_name: Some(format!("Bulk {i}")),
            external_id: Some(format!("bulk-m{i}")),
            text: "hello".into(),
            attachments: json!([]),
            at: now,
        })
        .collect();
    let ws = app
        .state
        .store
        .channel_any_workspace(channel)
        .await
        .unwrap()
        .workspace_id;
    for r in app.state.store.receive_many(ws, many, now).await {
        r.unwrap();
    }
    // The first day only: the same two; the later range: only the later ones.
    assert_eq!(
        csv_at(&admin, &format!("/api/v1/exports/conversations.csv{day1}"))
            .await
            .len(),
        3
    );
    let rows = csv_at(
        &admin,
        "/api/v1/exports/conversations.csv?from=2026-03-05&to=2026-03-31",
    )
    .await;
    assert_eq!(rows.len(), 1 + 1_100);
    let ids: Vec<i64> = rows[1..].iter().map(|r| r[id].parse().unwrap()).collect();
    assert!(
        ids.windows(2).all(|w| w[0] < w[1]),
        "every conversation once, in order"
    );
    let rows = csv_at(
        &admin,
        "/api/v1/exports/responsiveness.csv?from=2026-03-01&to=2026-03-31",
    )
    .await;
    assert_eq!(rows.len(), 1 + 2 + 1_100);
    assert_eq!(rows[3][st], "pending");
    // The default range is the last 30 days, today included.
    assert_eq!(
        csv_at(&admin, "/api/v1/exports/conversations.csv")
            .await
            .len(),
        1 + 2 + 1_100
    );

    // Bad ranges are refused, naming the field.
    let (status, body) = admin
        .get("/api/v1/exports/conversations.csv?from=2026-13-01")
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["field"], "from");
    let (status, body) = admin
        .get("/api/v1/exports/responsiveness.csv?from=2026-03-02&to=2026-03-01")
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert_eq!(body["field"], "from");
    let (status, _) = app
        .anonymous()
        .get("/api/v1/exports/conversations.csv")
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);

    // Another workspace: an empty export, and A's channel is not found.
    let other = crate::support::second_workspace_admin(&app).await;
    let range = "from=2026-03-01&to=2026-03-31";
    assert_eq!(
        csv_at(
            &other,
            &format!("/api/v1/exports/conversations.csv?{range}")
        )
        .await
        .len(),
        1
    );
    assert_eq!(
        csv_at(
            &other,
            &format!("/api/v1/exports/responsiveness.csv?{range}")
        )
        .await
        .len(),
        1
    );
    let (status, _) = other
        .get(&format!(
            "/api/v1/exports/responsiveness.csv?{range}&channel={channel}"
        ))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    app.stop().await;
}
