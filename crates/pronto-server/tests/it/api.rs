//! Sign-in, tokens, conversations, saved replies, responsiveness and bad input.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::support::{MIN, Receiver, TestApp, api_channel, customer_says};

#[tokio::test]
async fn sign_in_sessions_and_rate_limits() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let (status, me) = admin.get("/api/v1/me").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(me["role"], "admin");
    assert_eq!(me["user"]["email"], "admin@acme.test");

    // The setup link works once.
    assert!(
        pronto_server::first_run(&app.state)
            .await
            .unwrap()
            .is_none()
    );

    let anon = app.anonymous();
    let (status, body) = anon.get("/api/v1/me").await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::UNAUTHORIZED, Some("unauthenticated"))
    );
    let wrong = json!({"email": "admin@acme.test", "password": "wrong password!"});
    for _ in 0..5 {
        let (status, body) = anon.post("/api/v1/auth/login", wrong.clone()).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (StatusCode::UNAUTHORIZED, Some("bad_credentials"))
        );
    }
    // The account is now locked for a while, even with the right password.
    let right = json!({"email": "admin@acme.test", "password": "correct horse battery"});
    let (status, body) = anon.post("/api/v1/auth/login", right).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::TOO_MANY_REQUESTS, Some("rate_limited"))
    );

    // Signing out ends the session.
    let (status, _) = admin.post("/api/v1/auth/logout", json!({})).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(admin.get("/api/v1/me").await.0, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn api_tokens_are_shown_once_and_respect_roles() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let (status, created) = admin
        .post("/api/v1/tokens", json!({"name": "zapier", "role": "agent"}))
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let secret = created["secret"].as_str().unwrap();
    let (_, list) = admin.get("/api/v1/tokens").await;
    assert!(
        !list.to_string().contains(secret),
        "the secret is shown only once"
    );
    let bot = admin.with_token(secret);
    let (status, me) = bot.get("/api/v1/me").await;
    assert_eq!(
        (status, me["role"].as_str()),
        (StatusCode::OK, Some("agent"))
    );
    // An agent token cannot manage tokens, channels or users.
    assert_eq!(
        bot.post("/api/v1/tokens", json!({"name": "x"})).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        bot.post(
            "/api/v1/channels",
            json!({"kind": "api", "name": "x", "config": {"url": "http://x"}})
        )
        .await
        .0,
        StatusCode::FORBIDDEN
    );
    let id = created["token"]["id"].as_i64().unwrap();
    assert_eq!(
        admin.delete(&format!("/api/v1/tokens/{id}")).await.0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(bot.get("/api/v1/me").await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(
        admin
            .with_token("pronto_nonsense")
            .get("/api/v1/me")
            .await
            .0,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn conversations_from_inbound_to_reply() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let receiver = Receiver::spawn(vec![]).await;
    let channel = api_channel(&admin, &receiver).await;

    let (status, first) =
        customer_says(&admin, channel, "c1", "m-1", "Hello, is the shop open?").await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    let (status, again) =
        customer_says(&admin, channel, "c1", "m-1", "Hello, is the shop open?").await;
    assert_eq!(status, StatusCode::OK, "the same message id is stored once");
    assert_eq!(again["id"], first["id"]);
    let conversation = first["conversation_id"].as_i64().unwrap();

    let (status, page) = admin
        .get("/api/v1/conversations?folder=inbox&waiting=true")
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(page["items"][0]["id"], conversation);
    assert_eq!(page["items"][0]["contact_name"], "Marie c1");

    let (status, me) = admin.get("/api/v1/me").await;
    assert_eq!(status, StatusCode::OK);
    let me_id = me["user"]["id"].as_i64().unwrap();
    let path = format!("/api/v1/conversations/{conversation}");
    assert_eq!(
        admin
            .post(&format!("{path}/assign"), json!({"user_id": me_id}))
            .await
            .1["assignee_id"],
        me_id
    );
    assert_eq!(
        admin
            .post(&format!("{path}/labels"), json!({"add": ["vip"]}))
            .await
            .1["labels"],
        json!(["vip"])
    );
    assert_eq!(
        admin
            .post(
                &format!("{path}/notes"),
                json!({"text": "regular customer"})
            )
            .await
            .0,
        StatusCode::CREATED
    );

    app.advance(4 * MIN);
    let reply = admin
        .request(reqwest::Method::POST, &format!("{path}/messages"))
        .header("idempotency-key", "reply-1")
        .json(&json!({"text": "Yes, until 19:00!"}));
    let (status, sent) = admin.send(reply).await;
    assert_eq!(status, StatusCode::CREATED, "{sent}");
    assert_eq!(
        (sent["author"].as_str(), sent["status"].as_str()),
        (Some("agent"), Some("queued"))
    );
    let retry = admin
        .request(reqwest::Method::POST, &format!("{path}/messages"))
        .header("idempotency-key", "reply-1")
        .json(&json!({"text": "Yes, until 19:00!"}));
    let (status, again) = admin.send(retry).await;
    assert_eq!((status, &again["id"]), (StatusCode::OK, &sent["id"]));

    let (_, full) = admin.get(&path).await;
    assert_eq!(full["messages"].as_array().unwrap().len(), 2);
    assert_eq!(full["notes"][0]["text"], "regular customer");
    assert_eq!(full["contact"]["name"], "Marie c1");
    assert!(full["conversation"]["waiting_since"].is_null());

    // The responsiveness report sees the 4-minute answer, live.
    let (status, r) = admin
        .get(&format!(
            "/api/v1/channels/{channel}/responsiveness?explain&forecast&agents"
        ))
        .await;
    assert_eq!(status, StatusCode::OK, "{r}");
    assert_eq!(r["opportunities"]["answered"], 1);
    assert_eq!(r["response_time_seconds"], 240.0);
    assert_eq!(r["badge"], true);
    assert_eq!(r["explain"][0]["status"], "answered");
    assert_eq!(r["agents"][0]["agent"], me_id.to_string());

    // Done, then a new customer message brings it back to the inbox.
    assert_eq!(
        admin
            .post(&format!("{path}/move"), json!({"folder": "done"}))
            .await
            .1["folder"],
        "done"
    );
    customer_says(&admin, channel, "c1", "m-2", "One more thing").await;
    assert_eq!(admin.get(&path).await.1["conversation"]["folder"], "inbox");
}

#[tokio::test]
async fn conversation_pages_follow_the_cursor() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let receiver = Receiver::spawn(vec![]).await;
    let channel = api_channel(&admin, &receiver).await;
    for i in 0..7 {
        app.advance(MIN);
        customer_says(&admin, channel, &format!("c{i}"), &format!("m{i}"), "hi").await;
    }
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/api/v1/conversations?limit=3&cursor={c}"),
            None => "/api/v1/conversations?limit=3".to_owned(),
        };
        let (status, page) = admin.get(&path).await;
        assert_eq!(status, StatusCode::OK, "{page}");
        for item in page["items"].as_array().unwrap() {
            seen.push(item["contact_name"].as_str().unwrap().to_owned());
        }
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_owned()),
            None => break,
        }
    }
    let expected: Vec<String> = (0..7).map(|i| format!("Marie c{i}")).collect();
    assert_eq!(seen, expected, "longest waiting first, each once");
}

#[tokio::test]
async fn saved_replies_render_with_the_conversation() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let receiver = Receiver::spawn(vec![]).await;
    let channel = api_channel(&admin, &receiver).await;
    let (_, m) = customer_says(&admin, channel, "c1", "m1", "hi").await;
    let (status, r) = admin
        .post("/api/v1/saved-replies", json!({"name": "Hello", "shortcut": "hello", "text": "Hi {first_name}, {agent_name} here."}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{r}");
    let id = r["id"].as_i64().unwrap();
    let (_, text) = admin
        .post(
            &format!("/api/v1/saved-replies/{id}/render"),
            json!({"conversation_id": m["conversation_id"]}),
        )
        .await;
    assert_eq!(text["text"], "Hi Marie, Ada Admin here.");
    let (status, body) = admin
        .post(
            "/api/v1/saved-replies",
            json!({"name": "x", "shortcut": "x", "text": "Hi {surname}"}),
        )
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_request"))
    );
    assert!(body["message"].as_str().unwrap().contains("{surname}"));
    assert_eq!(
        admin
            .post(
                "/api/v1/saved-replies",
                json!({"name": "Hello", "shortcut": "hello", "text": "again"})
            )
            .await
            .0,
        StatusCode::CONFLICT
    );
}

#[tokio::test]
async fn admins_manage_shared_saved_replies_and_agents_their_own() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    for email in ["bo@acme.test", "cy@acme.test"] {
        let (status, body) = admin
            .post(
                "/api/v1/users",
                json!({"email": email, "name": "Agent", "role": "agent", "password": "correct horse battery"}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    let bo = app.login("bo@acme.test", "correct horse battery").await;
    let cy = app.login("cy@acme.test", "correct horse battery").await;
    let (status, shared) = admin
        .post(
            "/api/v1/saved-replies",
            json!({"name": "Hours", "shortcut": "hours", "text": "We open at 9."}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{shared}");
    assert!(shared["owner_id"].is_null());
    let shared = format!("/api/v1/saved-replies/{}", shared["id"]);

    // An agent cannot create, change or delete a shared reply.
    let (status, body) = bo
        .post(
            "/api/v1/saved-replies",
            json!({"name": "X", "shortcut": "x", "text": "x"}),
        )
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("forbidden"))
    );
    let (status, _) = bo
        .put(
            &shared,
            json!({"name": "Hours", "shortcut": "hours", "text": "We never open."}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(bo.delete(&shared).await.0, StatusCode::FORBIDDEN);

    // Bo's personal reply: Bo sees it next to the shared one, changes and deletes it.
    let (status, mine) = bo
        .post(
            "/api/v1/saved-replies",
            json!({"name": "Thanks", "shortcut": "thanks", "text": "Thanks! Bo", "personal": true}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{mine}");
    let mine_path = format!("/api/v1/saved-replies/{}", mine["id"]);
    let shortcuts = |list: &Value| {
        list.as_array()
            .unwrap()
            .iter()
            .map(|r| r["shortcut"].as_str().unwrap().to_owned())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        shortcuts(&bo.get("/api/v1/saved-replies").await.1),
        ["hours", "thanks"]
    );
    let (status, body) = bo
        .put(
            &mine_path,
            json!({"name": "Thanks", "shortcut": "ty", "text": "Thank you! Bo"}),
        )
        .await;
    assert_eq!(
        (status, body["shortcut"].as_str()),
        (StatusCode::OK, Some("ty"))
    );

    // Cy neither sees nor touches it; Cy may use the same shortcut for their own.
    assert_eq!(
        shortcuts(&cy.get("/api/v1/saved-replies").await.1),
        ["hours"]
    );
    assert_eq!(
        shortcuts(&admin.get("/api/v1/saved-replies").await.1),
        ["hours"]
    );
    for (status, what) in [
        (
            cy.put(
                &mine_path,
                json!({"name": "Mine", "shortcut": "ty", "text": "x"}),
            )
            .await
            .0,
            "change",
        ),
        (cy.delete(&mine_path).await.0, "delete"),
        (admin.delete(&mine_path).await.0, "delete (admin)"),
        (
            cy.post(
                &format!("{mine_path}/render"),
                json!({"conversation_id": 1}),
            )
            .await
            .0,
            "render",
        ),
    ] {
        assert_eq!(status, StatusCode::NOT_FOUND, "{what}");
    }
    let (status, body) = cy
        .post(
            "/api/v1/saved-replies",
            json!({"name": "Mine", "shortcut": "ty", "text": "Thanks! Cy", "personal": true}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    // A personal reply cannot take a shared one's shortcut.
    let (status, body) = cy
        .post(
            "/api/v1/saved-replies",
            json!({"name": "H", "shortcut": "hours", "text": "x", "personal": true}),
        )
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::CONFLICT, Some("conflict"))
    );
    assert_eq!(bo.delete(&mine_path).await.0, StatusCode::NO_CONTENT);

    // The composer's `/` list offers the shared replies and the person's own.
    let page = cy
        .request(reqwest::Method::GET, "/inbox")
        .send()
        .await
        .unwrap();
    let page = page.text().await.unwrap();
    assert!(page.contains("Thanks! Cy") && page.contains("We open at 9."));
    assert!(!page.contains("Thank you! Bo"));
}

#[tokio::test]
async fn away_status_ends_by_itself_after_twelve_hours() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let receiver = Receiver::spawn(vec![]).await;
    let channel = api_channel(&admin, &receiver).await;
    let (status, c) = admin
        .put(
            &format!("/api/v1/channels/{channel}/status"),
            json!({"status": "away"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(c["status"]["status"], "away");
    assert!(c["status"]["away_ends_at"].is_i64());
    app.advance(12 * 60 * MIN);
    assert_eq!(
        admin.get(&format!("/api/v1/channels/{channel}")).await.1["status"]["status"],
        "available"
    );
    assert!(
        !admin
            .get(&format!("/api/v1/channels/{channel}"))
            .await
            .1
            .to_string()
            .contains("signing_secret")
    );
}

#[tokio::test]
async fn bad_input_gets_the_error_shape() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let bad_json = admin
        .request(reqwest::Method::POST, "/api/v1/tokens")
        .header("content-type", "application/json")
        .body("{nope");
    let (status, body) = admin.send(bad_json).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_json"))
    );
    assert!(body["message"].is_string());
    let (status, body) = admin.get("/api/v1/conversations?limit=abc").await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_query"))
    );
    let (status, body) = admin.get("/api/v1/conversations?colour=blue").await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_query"))
    );
    let (status, body) = admin.get("/api/v1/conversations/abc").await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_path"))
    );
    let (status, body) = admin.get("/api/v1/nothing-here").await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("not_found"))
    );
    let (status, body) = admin.get("/api/v1/conversations/999999").await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("not_found"))
    );
    let big = "x".repeat(100 * 1024);
    let (status, body) = admin.post("/api/v1/tokens", json!({"name": big})).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::PAYLOAD_TOO_LARGE, Some("body_too_large"))
    );
    let (status, body) = admin.get("/api/v1/conversations?cursor=garbage").await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_request"))
    );
    let (status, _) = admin
        .post("/api/v1/channels", json!({"kind": "fax", "name": "x"}))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn the_openapi_document_is_served_and_committed() {
    let app = TestApp::spawn().await;
    let response = reqwest::get(app.url("/api/openapi.json")).await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let served = response.text().await.unwrap();
    assert_eq!(served, pronto_server::openapi::json());
    let doc: serde_json::Value = serde_json::from_str(&served).unwrap();
    for path in [
        "/api/v1/conversations",
        "/api/v1/conversations/{id}/messages",
        "/api/v1/events",
        "/api/v1/channels/{id}/responsiveness",
    ] {
        assert!(doc["paths"][path].is_object(), "{path} is documented");
    }
    let committed =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/openapi.json");
    if std::env::var_os("PRONTO_UPDATE_OPENAPI").is_some() {
        std::fs::write(&committed, &served).unwrap();
    }
    let on_disk = std::fs::read_to_string(&committed).unwrap_or_default();
    assert!(
        on_disk == served,
        "docs/openapi.json differs from the code's document: run `cargo run -- openapi > docs/openapi.json` (or the tests with PRONTO_UPDATE_OPENAPI=1) and commit it"
    );
}

#[tokio::test]
async fn metrics_are_served_on_their_own_listener() {
    let db = pronto_store::testing::sqlite().await;
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let config = pronto_server::Config {
        database_url: db.url.clone(),
        metrics_listen: format!("127.0.0.1:{port}"),
        ..pronto_server::Config::default()
    };
    let store = pronto_server::open_store(&config).await.unwrap();
    let state = pronto_server::AppState::new(store, config, pronto_server::system_clock());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let api = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(pronto_server::serve_with(
        state,
        listener,
        async move {
            let _ = stopped.await;
        },
        false,
    ));
    let mut text = String::new();
    for _ in 0..50 {
        if let Ok(r) = reqwest::get(format!("http://127.0.0.1:{port}/metrics")).await {
            text = r.text().await.unwrap();
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    assert!(text.contains("pronto_outbox_pending 0"), "{text}");
    // Not on the API's listener.
    let r = reqwest::get(format!("http://{api}/metrics")).await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    stop.send(()).unwrap();
    server.await.unwrap().unwrap();
}

#[tokio::test]
async fn the_setup_link_opens_a_page_that_creates_the_first_admin() {
    let app = TestApp::spawn().await;
    let link = pronto_server::first_run(&app.state).await.unwrap().unwrap();
    let path = link
        .split_once("127.0.0.1:8080")
        .map(|(_, p)| p.to_owned())
        .unwrap();
    let page = reqwest::get(app.url(&path)).await.unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    assert!(
        page.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert_eq!(page.headers()["cache-control"], "no-store");
    assert_eq!(page.headers()["referrer-policy"], "no-referrer");
    let html = page.text().await.unwrap();
    assert!(html.contains("id=\"setup\"") && html.contains("Create the admin"));
    let token = path.split("token=").nth(1).unwrap();
    assert!(
        !html.contains(token),
        "the token is never written into the page"
    );
}
