//! The admins' settings pages over HTTP: what each section shows, who may see it,
//! escaping, and the language.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::support::{Client, TestApp, html};

async fn created(client: &Client, path: &str, body: Value) -> Value {
    let (status, v) = client.post(path, body).await;
    assert_eq!(status, StatusCode::CREATED, "{path}: {v}");
    v
}

async fn messenger(admin: &Client, name: &str, page: &str) -> Value {
    created(
        admin,
        "/api/v1/channels",
        json!({"kind": "messenger", "name": name, "config": {
            "page_id": page, "app_id": "555", "app_secret": "app-secret-123",
            "page_access_token": "EAAB-token"
        }}),
    )
    .await
}

#[tokio::test]
async fn settings_show_every_section_with_what_exists() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let channel = messenger(&admin, "Shop Page", "PAGE_1").await;
    created(
        &admin,
        "/api/v1/users",
        json!({"email": "bo@acme.test", "name": "Bo Agent", "role": "agent", "password": "long enough pw"}),
    )
    .await;
    created(
        &admin,
        "/api/v1/saved-replies",
        json!({"name": "Greeting", "shortcut": "hello", "text": "Hi {first_name}, {agent_name} here."}),
    )
    .await;
    let token = created(&admin, "/api/v1/tokens", json!({"name": "CRM sync"})).await;

    let (status, page) = html(&admin, "/settings", "en").await;
    assert_eq!(status, StatusCode::OK);
    for expected in [
        "<h1>Settings</h1>",
        "id=\"channels-title\"",
        "id=\"users-title\"",
        "id=\"replies-title\"",
        "id=\"tokens-title\"",
        "Shop Page",
        "Receiving messages",
        "bo@acme.test",
        "Bo Agent",
        "Greeting",
        "/hello",
        // The preview fills the variables for an example customer and the viewer.
        "Hi Marie, Ada Admin here.",
        "CRM sync",
    ] {
        assert!(page.contains(expected), "the page shows {expected:?}");
    }
    // The channel created through the API shows what to paste into Meta's dashboard.
    let callback = channel["callback_url"].as_str().unwrap();
    let verify = channel["verify_token"].as_str().unwrap();
    assert!(
        page.contains(callback),
        "callback URL {callback} on the page"
    );
    assert!(page.contains(verify), "verify token on the page");
    assert!(page.contains("Webhooks"), "with the instruction");
    // Every field of the settings has its label, and the saved replies' variables
    // are explained.
    let settings = page.split("id=\"settings\"").nth(1).unwrap();
    for input in settings
        .split("<input ")
        .skip(1)
        .chain(settings.split("<select ").skip(1))
        .chain(settings.split("<textarea ").skip(1))
    {
        if input.contains("type=\"hidden\"") {
            continue;
        }
        let id = input
            .split("id=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap();
        assert!(
            page.contains(&format!("<label for=\"{id}\"")),
            "{id} has a label"
        );
    }
    assert!(page.contains("<code>{first_name}</code>"));
    // Secrets are never on the page.
    assert!(!page.contains(token["secret"].as_str().unwrap()));
    assert!(!page.contains("app-secret-123") && !page.contains("EAAB-token"));

    // Each section's list is a fragment the script fetches again after a change.
    for (section, expected) in [
        ("channels", "Shop Page"),
        ("users", "Bo Agent"),
        ("replies", "Greeting"),
        ("tokens", "CRM sync"),
    ] {
        let (status, part) = html(&admin, &format!("/ui/settings/{section}"), "en").await;
        assert_eq!(status, StatusCode::OK, "{section}");
        assert!(part.contains(expected), "{section} shows {expected}");
        assert!(!part.contains("<html"), "{section} is a fragment");
    }
    let (status, _) = html(&admin, "/ui/settings/nothing", "en").await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // A revoked token and a deactivated user say so.
    let id = token["token"]["id"].as_i64().unwrap();
    let (status, _) = admin.delete(&format!("/api/v1/tokens/{id}")).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, part) = html(&admin, "/ui/settings/tokens", "en").await;
    assert!(part.contains("Revoked"), "{part}");
}

#[tokio::test]
async fn settings_are_for_admins_only() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    created(
        &admin,
        "/api/v1/users",
        json!({"email": "bo@acme.test", "name": "Bo", "role": "agent", "password": "long enough pw"}),
    )
    .await;
    let agent = app.login("bo@acme.test", "long enough pw").await;
    let (status, page) = html(&agent, "/settings", "en").await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(page.contains("Only an admin"), "the page says why: {page}");
    assert!(!page.contains("id=\"channel-form\""));
    let (status, _) = html(&agent, "/ui/settings/users", "en").await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // Someone signed out is sent to sign in.
    let r = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(app.url("/settings"))
        .send()
        .await
        .unwrap();
    assert!(r.status().is_redirection());
    assert!(
        r.headers()["location"]
            .to_str()
            .unwrap()
            .starts_with("/login")
    );
}

#[tokio::test]
async fn settings_escape_names() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let evil = "<img src=x onerror=alert(1)>";
    messenger(&admin, evil, "PAGE_1").await;
    created(
        &admin,
        "/api/v1/users",
        json!({"email": "eve@acme.test", "name": evil, "role": "agent", "password": "long enough pw"}),
    )
    .await;
    created(
        &admin,
        "/api/v1/saved-replies",
        json!({"name": evil, "shortcut": "evil", "text": "<script>alert(2)</script> {name}"}),
    )
    .await;
    created(&admin, "/api/v1/tokens", json!({"name": evil})).await;
    let (_, page) = html(&admin, "/settings", "en").await;
    assert!(!page.contains("<img"), "no name becomes HTML");
    assert!(!page.contains("<script>alert"));
    assert!(page.contains("&lt;img src=x onerror=alert(1)&gt;"));
    for section in ["channels", "users", "replies", "tokens"] {
        let (_, part) = html(&admin, &format!("/ui/settings/{section}"), "en").await;
        assert!(
            !part.contains("<img") && !part.contains("<script"),
            "{section}"
        );
    }
}

#[tokio::test]
async fn settings_offer_a_token_form_to_a_channel_that_needs_one() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let channel = messenger(&admin, "Shop Page", "PAGE_1").await;
    let id = channel["id"].as_i64().unwrap();
    let (_, page) = html(&admin, "/settings", "en").await;
    assert!(
        !page.contains("data-form=\"page-token\""),
        "a receiving channel needs none"
    );

    app.state
        .store
        .set_channel_state(id, "needs_token")
        .await
        .unwrap();
    let (_, page) = html(&admin, "/settings", "en").await;
    assert!(page.contains("Needs a new token"));
    assert!(page.contains(&format!("data-form=\"page-token\" data-id=\"{id}\"")));
    assert!(page.contains(&format!("<label for=\"channel-{id}-token\">")));

    // The form's request brings the channel back.
    let (status, body) = admin
        .put(
            &format!("/api/v1/channels/{id}/token"),
            json!({"page_access_token": "EAAB-new"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (_, part) = html(&admin, "/ui/settings/channels", "en").await;
    assert!(part.contains("Receiving messages") && !part.contains("page-token"));
}

#[tokio::test]
async fn settings_speak_the_browsers_language() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    messenger(&admin, "Shop Page", "PAGE_1").await;
    let (_, page) = html(&admin, "/settings", "fr-CH, fr;q=0.9, en;q=0.8").await;
    assert!(page.contains("<html lang=\"fr\""));
    assert!(page.contains("<h1>Paramètres</h1>"));
    assert!(page.contains("Reçoit les messages"));
    assert!(page.contains("Jetons d’API"));
    assert!(!page.contains("Receiving messages"));
    let (_, page) = html(&admin, "/settings", "it").await;
    assert!(page.contains("Impostazioni") && page.contains("Risposte salvate"));
}

#[tokio::test]
async fn roles_change_and_the_last_admin_stays_one() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let (_, me) = admin.get("/api/v1/me").await;
    let ada = me["user"]["id"].as_i64().unwrap();
    let bo = created(
        &admin,
        "/api/v1/users",
        json!({"email": "bo@acme.test", "name": "Bo", "role": "agent", "password": "another long password"}),
    )
    .await["id"]
        .as_i64()
        .unwrap();

    // The only admin cannot become an agent.
    let (status, e) = admin
        .put(
            &format!("/api/v1/users/{ada}/role"),
            json!({"role": "agent"}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{e}");
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("at least one active admin")
    );
    // Bo becomes an admin; then Ada may step down, and an agent may change nothing.
    let (status, m) = admin
        .put(
            &format!("/api/v1/users/{bo}/role"),
            json!({"role": "admin"}),
        )
        .await;
    assert_eq!(
        (status, m["role"].clone()),
        (StatusCode::OK, json!("admin"))
    );
    let (_, page) = html(&admin, "/settings", "en").await;
    assert!(page.contains(">Role of Bo</label>"), "{page}");
    let (status, _) = admin
        .put(
            &format!("/api/v1/users/{ada}/role"),
            json!({"role": "agent"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = admin
        .put(
            &format!("/api/v1/users/{bo}/role"),
            json!({"role": "agent"}),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "Ada is an agent now");
    let (status, e) = admin
        .put("/api/v1/users/999999/role", json!({"role": "admin"}))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "{e}");

    // Bo deactivates Ada's account, then lets her back in.
    let bo_client = app.login("bo@acme.test", "another long password").await;
    let (status, _) = bo_client
        .post(&format!("/api/v1/users/{ada}/deactivate"), json!({}))
        .await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    let (_, page) = html(&bo_client, "/settings", "en").await;
    assert!(
        page.contains("aria-label=\"Reactivate Ada Admin\""),
        "{page}"
    );
    let (status, m) = bo_client
        .post(&format!("/api/v1/users/{ada}/reactivate"), json!({}))
        .await;
    assert_eq!(status, StatusCode::OK, "{m}");
    assert_eq!(m["deactivated_at"], Value::Null);
    app.login("admin@acme.test", "correct horse battery").await;
}
