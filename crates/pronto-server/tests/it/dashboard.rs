//! The responsiveness dashboard (`/dashboard`, `/ui/dashboard`) over HTTP: the
//! figures, the at-risk list, the explanation table and its filter, languages,
//! escaping, roles and workspaces.

use axum::http::StatusCode;
use reqwest::header::ACCEPT_LANGUAGE;
use serde_json::json;

use crate::support::{Client, MIN, Receiver, TestApp, api_channel, customer_says};

/// The HTML a signed-in client gets for `path`, with its status.
async fn html(client: &Client, path: &str, lang: Option<&str>) -> (StatusCode, String) {
    let mut r = client.request(reqwest::Method::GET, path);
    if let Some(l) = lang {
        r = r.header(ACCEPT_LANGUAGE, l);
    }
    let response = r.send().await.unwrap();
    let status = response.status();
    (status, response.text().await.unwrap())
}

/// A channel with one message answered in 4 minutes and one pending from a contact
/// whose name is HTML; returns (channel, answered conversation, pending conversation).
async fn answered_and_pending(app: &TestApp, admin: &Client) -> (i64, i64, i64) {
    let receiver = Receiver::spawn(vec![]).await;
    let channel = api_channel(admin, &receiver).await;
    let (_, m) = customer_says(admin, channel, "c1", "m1", "Hello?").await;
    let answered = m["conversation_id"].as_i64().unwrap();
    app.advance(4 * MIN);
    let reply = admin
        .request(
            reqwest::Method::POST,
            &format!("/api/v1/conversations/{answered}/messages"),
        )
        .header("idempotency-key", "r1")
        .json(&json!({"text": "Hi!"}));
    assert_eq!(admin.send(reply).await.0, StatusCode::CREATED);
    app.advance(MIN);
    let (status, m) = admin
        .post(
            &format!("/api/v1/channels/{channel}/inbound"),
            json!({"message_id": "m2", "contact_id": "c2",
                   "contact_name": "<script>alert(1)</script>", "text": "Anyone?"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{m}");
    let pending = m["conversation_id"].as_i64().unwrap();
    app.advance(MIN);
    (channel, answered, pending)
}

#[tokio::test]
async fn the_dashboard_shows_the_figures_the_risks_and_every_new_message() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let (channel, answered, pending) = answered_and_pending(&app, &admin).await;

    let (status, page) = html(&admin, &format!("/dashboard?channel={channel}"), None).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    // The badge with its figures against the thresholds, the window and the counts.
    assert!(page.contains("Badge earned"), "{page}");
    assert!(page.contains("100.0 %"), "{page}");
    assert!(page.contains("target: at least 90 %"));
    assert!(page.contains("target: at most 15 min"));
    assert!(page.contains("Typically replies within minutes"));
    assert!(page.contains("new messages from <time"));
    // The explanation: the answered one with its response time, the pending one.
    assert!(page.contains("answered in 4 min"), "{page}");
    assert_eq!(page.matches(r#"data-status="answered""#).count(), 1);
    assert_eq!(page.matches(r#"data-status="pending""#).count(), 1);
    assert!(page.contains(&format!(r#"href="/inbox?c={answered}""#)));
    // At risk: the pending one, linked to its conversation, its name escaped.
    let risk = page.split("id=\"at-risk-title\"").nth(1).unwrap();
    let risk = risk.split("id=\"agents-title\"").next().unwrap();
    assert!(
        risk.contains(&format!(r#"href="/inbox?c={pending}""#)),
        "{risk}"
    );
    assert!(
        risk.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
        "{risk}"
    );
    assert!(
        !page.contains("<script>alert(1)"),
        "a name is never raw HTML"
    );
    // Per responder: the admin answered first.
    let agents = page.split("id=\"agents-title\"").nth(1).unwrap();
    let agents = agents.split("id=\"explain-title\"").next().unwrap();
    assert!(
        agents.contains("<th scope=\"row\">Ada Admin</th>"),
        "{agents}"
    );
    // The trend: two SVG charts, each with its threshold line and a description.
    assert_eq!(page.matches("<svg").count(), 2);
    assert_eq!(page.matches(r#"<line class="threshold""#).count(), 2);
    assert_eq!(page.matches(r#"role="img""#).count(), 2);
    assert!(page.contains("<desc id=\"rate-chart-desc\">"));
    assert!(page.contains("target 90 %") && page.contains("target 15 min"));

    // Only people's replies: the admin's reply still counts, and the box stays ticked.
    let (status, human) = html(
        &admin,
        &format!("/dashboard?channel={channel}&human_only=1"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        human.contains(r#"name="human_only" value="1" checked"#),
        "{human}"
    );
    assert!(human.contains("answered in 4 min"));
    assert!(human.contains(&format!(
        r#"data-query="channel={channel}&amp;human_only=1""#
    )));

    // The first channel is the default.
    let (status, default) = html(&admin, "/dashboard", None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(default.contains(&format!(r#"data-channel="{channel}""#)));
}

#[tokio::test]
async fn the_explanation_filters_by_status_and_reason() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let (channel, _, pending) = answered_and_pending(&app, &admin).await;

    let (_, page) = html(
        &admin,
        &format!("/dashboard?channel={channel}&status=pending"),
        None,
    )
    .await;
    let table = page.split("id=\"explain-title\"").nth(1).unwrap();
    assert_eq!(
        table.matches(r#"data-status="pending""#).count(),
        1,
        "{table}"
    );
    assert!(!table.contains(r#"data-status="answered""#));
    assert!(table.contains(&format!(r#"href="/inbox?c={pending}""#)));
    assert!(page.contains(r#"<option value="pending" selected>"#));
    assert!(table.contains("1 of 1 new messages shown"));

    // The fragment the script fetches: the same main part, without the frame.
    let (status, part) = html(
        &admin,
        &format!("/ui/dashboard?channel={channel}&status=answered"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(!part.contains("<html"));
    assert_eq!(part.matches(r#"data-status="answered""#).count(), 1);
    assert!(!part.contains(r#"data-status="pending""#));

    // Excluded for a reason: moved to done before any reply.
    admin
        .post(
            &format!("/api/v1/conversations/{pending}/move"),
            json!({"folder": "done"}),
        )
        .await;
    let (_, part) = html(
        &admin,
        &format!("/ui/dashboard?channel={channel}&reason=moved_to_done"),
        None,
    )
    .await;
    assert_eq!(
        part.matches(r#"data-reason="moved_to_done""#).count(),
        1,
        "{part}"
    );
    assert!(part.contains("moved to done within 24 h, before any reply"));
    assert!(!part.contains(r#"data-status="answered""#));
    // An unknown word filters nothing out.
    let (status, part) = html(
        &admin,
        &format!("/ui/dashboard?channel={channel}&status=%3Cb%3E"),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(part.matches("data-status=").count(), 2);
}

#[tokio::test]
async fn the_dashboard_speaks_the_browser_language() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let (channel, _, _) = answered_and_pending(&app, &admin).await;
    let path = format!("/dashboard?channel={channel}");
    let (_, fr) = html(&admin, &path, Some("fr-FR,fr;q=0.9")).await;
    assert!(fr.contains(r#"<html lang="fr">"#));
    assert!(fr.contains("Taux de réponse"), "{fr}");
    assert!(fr.contains("100,0 %"));
    assert!(fr.contains("répondu en 4 min"));
    assert!(fr.contains("objectif 90 %"));
    let (_, it) = html(&admin, &path, Some("it")).await;
    assert!(it.contains("Tasso di risposta") && it.contains("100,0 %"));
}

#[tokio::test]
async fn agents_see_it_and_no_one_sees_another_workspace() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let (channel, _, _) = answered_and_pending(&app, &admin).await;
    let store = &app.state.store;
    let now = app.state.now();
    let ws_a = store.first_workspace().await.unwrap().unwrap();
    let hash = pronto_server::auth::hash_password("an agent's long password".into())
        .await
        .unwrap();
    let agent = store
        .create_user("agent@acme.test", "Ana Agent", Some(&hash), now)
        .await
        .unwrap();
    store
        .set_member(ws_a, agent.id, pronto_store::Role::Agent)
        .await
        .unwrap();
    let agent = app
        .login("agent@acme.test", "an agent's long password")
        .await;
    let (status, page) = html(&agent, &format!("/dashboard?channel={channel}"), None).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("answered in 4 min"));

    // Workspace B and its channel.
    let ws_b = store.create_workspace("Other", now).await.unwrap();
    let hash = pronto_server::auth::hash_password("another long password".into())
        .await
        .unwrap();
    let bob = store
        .create_user("bob@other.test", "Bob", Some(&hash), now)
        .await
        .unwrap();
    store
        .set_member(ws_b, bob.id, pronto_store::Role::Admin)
        .await
        .unwrap();
    let admin_b = app.login("bob@other.test", "another long password").await;
    let receiver = Receiver::spawn(vec![]).await;
    let channel_b = api_channel(&admin_b, &receiver).await;
    customer_says(&admin_b, channel_b, "b1", "mb1", "secret of B").await;

    for path in [
        format!("/dashboard?channel={channel_b}"),
        format!("/ui/dashboard?channel={channel_b}"),
        "/dashboard?channel=nope".to_owned(),
    ] {
        let (status, body) = html(&admin, &path, None).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}: {body}");
        assert!(!body.contains("Marie b1"));
    }
    // B's own dashboard shows B's channel only.
    let (_, page) = html(&admin_b, "/dashboard", None).await;
    assert!(page.contains(&format!(r#"data-channel="{channel_b}""#)));
    assert!(!page.contains(&format!(r#"<option value="{channel}""#)));
}
