//! `pronto search rebuild` on a database whose index was emptied behind its back.

use pronto_core::search::Query;
use pronto_store::{ChannelKind, Inbound, SearchQuery};
use serde_json::json;

use crate::support::pronto;

#[tokio::test]
async fn rebuild_restores_an_emptied_index() {
    let db = pronto_store::testing::sqlite().await;
    let s = &db.store;
    let ws = s.create_workspace("Acme", 0).await.unwrap();
    let ch = s
        .create_channel(
            ws,
            ChannelKind::Api,
            "Site",
            &json!({"url": "http://127.0.0.1:9/"}),
            0,
        )
        .await
        .unwrap()
        .id;
    let inbound = Inbound {
        channel_id: ch,
        contact_external_id: "c".into(),
        contact_name: None,
        external_id: Some("m".into()),
        text: "Où est mon colis ?".into(),
        attachments: json!([]),
        at: 0,
    };
    s.receive(ws, &inbound, 0).await.unwrap();
    let q = SearchQuery {
        query: Query::parse("colis").unwrap(),
        channel: None,
        folder: None,
        assignee: None,
        label: None,
        from: None,
        to: None,
        offset: 0,
        limit: 10,
    };
    assert_eq!(s.search(ws, &q).await.unwrap().len(), 1);
    // Emptied as a lost index would be (FTS5's own command; no trigger runs).
    sqlx::query("INSERT INTO messages_fts (messages_fts) VALUES ('delete-all')")
        .execute(s.pool())
        .await
        .unwrap();
    assert_eq!(s.search(ws, &q).await.unwrap().len(), 0);

    let run = pronto(&["search", "rebuild", "--database-url", &db.url], "");
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(
        run.stdout.contains("search indexes rebuilt"),
        "{}",
        run.stdout
    );
    assert_eq!(s.search(ws, &q).await.unwrap().len(), 1);
}
