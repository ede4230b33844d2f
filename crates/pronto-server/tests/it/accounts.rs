//! Accounts: setup links, sign-in limits and client addresses, the redirect after
//! signing in, and passwords (policy, changes, resets).

use axum::http::StatusCode;
use reqwest::Method;
use serde_json::{Value, json};

use crate::support::{Client, MIN, TestApp};

const ADMIN: (&str, &str) = ("admin@acme.test", "correct horse battery");

async fn setup_with(app: &TestApp, link: &str, email: &str) -> (StatusCode, Value) {
    let token = link.split("token=").nth(1).unwrap();
    app.anonymous()
        .post(
            "/api/v1/setup",
            json!({"token": token, "email": email, "name": "Ada", "password": "correct horse battery"}),
        )
        .await
}

async fn new_link(app: &TestApp) -> String {
    pronto_server::first_run(&app.state).await.unwrap().unwrap()
}

#[tokio::test]
async fn a_setup_link_is_superseded_expires_and_dies_once_an_admin_exists() {
    let app = TestApp::spawn().await;
    // A link printed at an earlier start is replaced by the next start's.
    let earlier = new_link(&app).await;
    let later = new_link(&app).await;
    let (status, body) = setup_with(&app, &earlier, "a@acme.test").await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("forbidden"))
    );
    // After 24 hours the link is dead.
    app.advance(24 * 60 * MIN);
    assert_eq!(
        setup_with(&app, &later, "a@acme.test").await.0,
        StatusCode::FORBIDDEN
    );
    // A link printed before `pronto user add --admin` ran makes no second admin.
    let printed = new_link(&app).await;
    let hash = pronto_server::auth::hash_password("another long password".into())
        .await
        .unwrap();
    let now = app.state.now();
    let ws = app.state.store.first_workspace().await.unwrap().unwrap();
    let cli = app
        .state
        .store
        .create_user("cli@acme.test", "Cli", Some(&hash), now)
        .await
        .unwrap();
    app.state
        .store
        .set_member(ws, cli.id, pronto_store::Role::Admin)
        .await
        .unwrap();
    assert_eq!(
        setup_with(&app, &printed, "b@acme.test").await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(app.state.store.user_count().await.unwrap(), 1);

    // On a fresh install, two uses of one link at once make one admin.
    let app = TestApp::spawn().await;
    let link = new_link(&app).await;
    let (one, two) = tokio::join!(
        setup_with(&app, &link, "one@acme.test"),
        setup_with(&app, &link, "two@acme.test")
    );
    let mut statuses = [one.0, two.0];
    statuses.sort();
    assert_eq!(
        statuses,
        [StatusCode::CREATED, StatusCode::FORBIDDEN],
        "{one:?} {two:?}"
    );
    assert_eq!(
        setup_with(&app, &link, "three@acme.test").await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(app.state.store.user_count().await.unwrap(), 1);
}

async fn login_from(
    c: &Client,
    forwarded: Option<&str>,
    email: &str,
    password: &str,
) -> (StatusCode, Value) {
    let mut r = c.request(Method::POST, "/api/v1/auth/login");
    if let Some(ip) = forwarded {
        r = r.header("x-forwarded-for", ip);
    }
    c.send(r.json(&json!({"email": email, "password": password})))
        .await
}

#[tokio::test]
async fn concurrent_wrong_passwords_are_counted_before_any_is_checked() {
    let db = pronto_store::testing::sqlite().await;
    let url = db.url.clone();
    let app = TestApp::start_with(url, Some(db), false, |c| c.login_attempts = 10).await;
    let _admin = app.admin().await;
    let before = app.state.passwords.verifications();
    let anon = app.anonymous();
    let attempts = (0..60).map(|_| login_from(&anon, None, ADMIN.0, "wrong password!"));
    let answers = futures_util::future::join_all(attempts).await;
    let refused = answers
        .iter()
        .filter(|(s, _)| *s == StatusCode::UNAUTHORIZED)
        .count();
    let limited = answers
        .iter()
        .filter(|(s, _)| *s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert_eq!((refused, limited), (10, 50), "{answers:?}");
    assert_eq!(
        app.state.passwords.verifications() - before,
        10,
        "only the attempts under the limit reach argon2"
    );
}

#[tokio::test]
async fn an_attackers_failures_slow_the_attacker_not_the_owner_elsewhere() {
    let db = pronto_store::testing::sqlite().await;
    let url = db.url.clone();
    let app = TestApp::start_with(url, Some(db), false, |c| {
        c.login_attempts = 10;
        c.trusted_proxies = vec![pronto_server::config::parse_proxy("127.0.0.1").unwrap()];
    })
    .await;
    let _admin = app.admin().await;
    let anon = app.anonymous();
    let attacker = Some("198.51.100.66");
    for _ in 0..10 {
        let (status, _) = login_from(&anon, attacker, ADMIN.0, "wrong password!").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let (status, body) = login_from(&anon, attacker, ADMIN.0, ADMIN.1).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::TOO_MANY_REQUESTS, Some("rate_limited"))
    );
    // The owner, from home, is not locked out.
    let (status, body) = login_from(&anon, Some("203.0.113.7"), ADMIN.0, ADMIN.1).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // Through the proxy, the right-most address that is not the proxy counts: a
    // client writing its own header in front does not escape its limit.
    let (status, _) = login_from(&anon, Some("10.9.9.9, 198.51.100.66"), ADMIN.0, ADMIN.1).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn x_forwarded_for_is_ignored_from_an_untrusted_peer() {
    let app = TestApp::spawn().await; // login_attempts 5, no trusted proxy
    let _admin = app.admin().await;
    let anon = app.anonymous();
    for i in 0..5 {
        let ip = format!("198.51.100.{i}");
        let (status, _) = login_from(&anon, Some(&ip), ADMIN.0, "wrong password!").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    // Every attempt came from 127.0.0.1 whatever the header said.
    let (status, _) = login_from(&anon, Some("198.51.100.99"), ADMIN.0, ADMIN.1).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn oversize_sign_in_fields_are_refused_before_hashing() {
    let app = TestApp::spawn().await;
    let _admin = app.admin().await;
    let anon = app.anonymous();
    let before = app.state.passwords.verifications();
    let long_email = format!("{}@acme.test", "a".repeat(300));
    let (status, body) = login_from(&anon, None, &long_email, "wrong password!").await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_request"))
    );
    let (status, body) = login_from(&anon, None, ADMIN.0, &"x".repeat(257)).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("invalid_request"))
    );
    // A megabyte email is refused by the route's small body limit.
    let (status, body) = login_from(&anon, None, &"a".repeat(1 << 20), "wrong password!").await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::PAYLOAD_TOO_LARGE, Some("body_too_large"))
    );
    assert_eq!(app.state.passwords.verifications(), before);
    // Nothing was counted against the account either.
    let (status, _) = login_from(&anon, None, ADMIN.0, ADMIN.1).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn unknown_accounts_answer_like_wrong_passwords_after_a_real_check() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let (_, member) = admin
        .post("/api/v1/users", json!({"email": "gone@acme.test", "name": "Gone", "role": "agent", "password": "another long password"}))
        .await;
    let gone = member["user"]["id"]
        .as_i64()
        .or(member["id"].as_i64())
        .unwrap();
    admin
        .post(&format!("/api/v1/users/{gone}/deactivate"), json!({}))
        .await;
    let anon = app.anonymous();
    let (_, known) = login_from(&anon, None, ADMIN.0, "wrong password!").await;
    for (email, password) in [
        ("nobody@acme.test", "wrong password!"),
        ("gone@acme.test", "another long password"),
    ] {
        let before = app.state.passwords.verifications();
        let (status, body) = login_from(&anon, None, email, password).await;
        assert_eq!(
            (status, &body),
            (StatusCode::UNAUTHORIZED, &known),
            "{email}"
        );
        assert_eq!(
            app.state.passwords.verifications() - before,
            1,
            "{email}: checked against a dummy hash"
        );
    }
}

#[tokio::test]
async fn the_sign_in_page_sends_people_only_to_pages_of_this_server() {
    let app = TestApp::spawn().await;
    let anon = app.anonymous();
    for hostile in [
        "/%09/evil.example/x",
        "/%0a/evil.example/x",
        "/%0d/evil.example/x",
        "//evil.example",
        "/%5Cevil.example",
        "https://evil.example/",
        "/%2F%2Fevil.example",
    ] {
        let page = anon
            .http
            .get(app.url(&format!("/login?next={hostile}")))
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        assert!(page.contains("data-next=\"/inbox\""), "{hostile}: {page}");
        assert!(!page.contains("evil"), "{hostile}");
    }
    let page = anon
        .http
        .get(app.url("/login?next=/inbox%3Fc%3D12"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(page.contains("data-next=\"/inbox?c=12\""), "{page}");
}

#[tokio::test]
async fn weak_and_overlong_passwords_are_refused_everywhere() {
    let app = TestApp::spawn().await;
    let link = new_link(&app).await;
    let token = link.split("token=").nth(1).unwrap();
    let anon = app.anonymous();
    for (password, code) in [
        ("password1234", "weak_password"),
        ("aaaaaaaaaaaaaa", "weak_password"),
        ("short", "invalid_request"),
    ] {
        let (status, body) = anon
            .post("/api/v1/setup", json!({"token": token, "email": "ada@acme.test", "name": "Ada", "password": password}))
            .await;
        assert_eq!(
            (status, body["code"].as_str()),
            (StatusCode::BAD_REQUEST, Some(code)),
            "{password}"
        );
    }
    let admin = app.admin().await;
    for password in ["qwertyuiop123", &"xy".repeat(129)] {
        let (status, _) = admin
            .post("/api/v1/users", json!({"email": "bo@acme.test", "name": "Bo", "role": "agent", "password": password}))
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{password}");
    }
}

async fn agent(app: &TestApp, admin: &Client) -> i64 {
    let (status, member) = admin
        .post("/api/v1/users", json!({"email": "ana@acme.test", "name": "Ana", "role": "agent", "password": "another long password"}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{member}");
    let _ = app;
    member["id"].as_i64().unwrap()
}

#[tokio::test]
async fn people_change_their_own_password_and_their_other_sessions_end() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    agent(&app, &admin).await;
    let here = app.login("ana@acme.test", "another long password").await;
    let phone = app.login("ana@acme.test", "another long password").await;
    let change =
        |current: &str, new: &str| json!({"current_password": current, "new_password": new});

    let (status, body) = here
        .put(
            "/api/v1/me/password",
            change("wrong password!", "a brand new passphrase"),
        )
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("wrong_password"))
    );
    let (status, body) = here
        .put(
            "/api/v1/me/password",
            change("another long password", "1234567890"),
        )
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::BAD_REQUEST, Some("weak_password"))
    );
    let (status, body) = here
        .put(
            "/api/v1/me/password",
            change("another long password", "a brand new passphrase"),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT, "{body}");

    assert_eq!(
        here.get("/api/v1/me").await.0,
        StatusCode::OK,
        "this session stays"
    );
    assert_eq!(
        phone.get("/api/v1/me").await.0,
        StatusCode::UNAUTHORIZED,
        "the others end"
    );
    let (status, _) = login_from(
        &app.anonymous(),
        None,
        "ana@acme.test",
        "another long password",
    )
    .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    app.login("ana@acme.test", "a brand new passphrase").await;

    // An API token has no password to change.
    let (_, tok) = admin.post("/api/v1/tokens", json!({"name": "bot"})).await;
    let bot = admin.with_token(tok["secret"].as_str().unwrap());
    let (status, _) = bot
        .put(
            "/api/v1/me/password",
            change("x", "a brand new passphrase 2"),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // The page to do it, reachable from the top bar.
    let inbox = here.get("/inbox").await.1;
    assert!(inbox.as_str().unwrap().contains("href=\"/account\""));
    let page = here.get("/account").await.1;
    let page = page.as_str().unwrap();
    assert!(
        page.contains("id=\"password-form\"") && page.contains("Change your password"),
        "{page}"
    );
    assert!(!page.contains("must-change"));
}

#[tokio::test]
async fn an_admin_resets_a_members_password_and_the_member_must_choose_a_new_one() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let ana = agent(&app, &admin).await;
    let before = app.login("ana@acme.test", "another long password").await;

    // Agents cannot reset; admins do not reset their own this way.
    assert_eq!(
        before
            .post(&format!("/api/v1/users/{ana}/reset-password"), json!({}))
            .await
            .0,
        StatusCode::FORBIDDEN
    );
    let (_, me) = admin.get("/api/v1/me").await;
    let own = me["user"]["user"]["id"]
        .as_i64()
        .or(me["user"]["id"].as_i64())
        .unwrap();
    assert_eq!(
        admin
            .post(&format!("/api/v1/users/{own}/reset-password"), json!({}))
            .await
            .0,
        StatusCode::BAD_REQUEST
    );

    let (status, reset) = admin
        .post(&format!("/api/v1/users/{ana}/reset-password"), json!({}))
        .await;
    assert_eq!(status, StatusCode::OK, "{reset}");
    let temporary = reset["temporary_password"].as_str().unwrap().to_owned();
    assert!(temporary.len() >= 16);
    assert_eq!(
        before.get("/api/v1/me").await.0,
        StatusCode::UNAUTHORIZED,
        "her sessions ended"
    );
    let (_, users) = admin.get("/api/v1/users").await;
    assert!(!users.to_string().contains(&temporary), "shown once");

    let ana_c = app.login("ana@acme.test", &temporary).await;
    let (status, me) = ana_c.get("/api/v1/me").await;
    assert_eq!(
        (status, me["must_change_password"].as_bool()),
        (StatusCode::OK, Some(true))
    );
    let (status, body) = ana_c.get("/api/v1/conversations").await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("password_change_required"))
    );
    let (status, _) = ana_c.get("/api/v1/events").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // The pages send her to the form.
    let r = ana_c
        .without_redirects()
        .request(Method::GET, "/inbox")
        .send()
        .await
        .unwrap();
    assert!(r.status().is_redirection(), "{}", r.status());
    assert_eq!(r.headers()["location"], "/account");
    let (status, page) = ana_c.get("/account").await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.as_str().unwrap().contains("id=\"must-change\""));

    let (status, _) = ana_c
        .put(
            "/api/v1/me/password",
            json!({"current_password": temporary, "new_password": "a brand new passphrase"}),
        )
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert_eq!(ana_c.get("/api/v1/conversations").await.0, StatusCode::OK);

    // Another workspace's admin cannot reach her: 404.
    let admin_b = crate::support::second_workspace_admin(&app).await;
    let (status, body) = admin_b
        .post(&format!("/api/v1/users/{ana}/reset-password"), json!({}))
        .await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::NOT_FOUND, Some("not_found"))
    );
    app.login("ana@acme.test", "a brand new passphrase").await;
}
