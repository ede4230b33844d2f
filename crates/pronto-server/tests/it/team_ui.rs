//! The team page over HTTP: members' routing profiles (admins edit, agents read),
//! who is away, VIP contacts, the assignment log with its reasons (an agent sees
//! their own), the top bar's away switch, and another workspace seeing none of it.

use axum::http::StatusCode;
use serde_json::json;

use crate::routing::{agent, arrives, setup, step};
use crate::support::{TestApp, html};

fn shows(page: &str, expected: &[&str]) {
    for e in expected {
        assert!(page.contains(e), "the page shows {e:?}:\n{page}");
    }
}

#[tokio::test]
async fn the_team_page_shows_profiles_away_vips_and_the_assignment_log() {
    let app = TestApp::spawn().await;
    let (admin, channel, _r) = setup(&app, json!({"mode": "least_loaded"})).await;
    let (ana, ana_client) = agent(
        &app,
        &admin,
        "Ana",
        json!({"capacity": 4, "languages": ["fr", "it"], "labels": ["billing"]}),
    )
    .await;
    let (bo, bo_client) = agent(&app, &admin, "Bo", json!({"capacity": 2})).await;
    let (first, contact) = arrives(&app, &admin, channel, "marie").await;
    assert_eq!(step(&app).await.assigned, 1);
    let (second, _) = arrives(&app, &admin, channel, "luca").await;
    assert_eq!(step(&app).await.assigned, 1);
    let (status, _) = admin
        .put(
            &format!("/api/v1/contacts/{contact}/routing"),
            json!({"vip": true}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    // Bo goes away from the top bar's switch (the API it calls).
    let (status, _) = bo_client
        .put("/api/v1/me/away", json!({"away": true}))
        .await;
    assert_eq!(status, StatusCode::OK);

    let (status, page) = html(&admin, "/team", "en").await;
    assert_eq!(status, StatusCode::OK);
    shows(
        &page,
        &[
            "<h1>Team</h1>",
            "href=\"/team\" aria-current=\"page\"",
            "Ada Admin (you)",
            &format!("data-form=\"member\" data-user=\"{ana}\""),
            &format!(
                "id=\"member-{ana}-capacity\" name=\"capacity\" type=\"number\" min=\"0\" max=\"1000\" value=\"4\""
            ),
            "value=\"fr, it\"",
            "value=\"billing\"",
            "aria-label=\"Save Bo's profile\"",
            // Bo is away, the others available.
            "<h3>Bo</h3><p class=\"state bad\" data-away=\"\">Away</p>",
            "<h3>Ana</h3><p class=\"state ok\">Available</p>",
            // The VIP, with the button that ends it.
            "<span class=\"who\">Marie marie</span>",
            &format!("data-vip=\"{contact}\" aria-label=\"Marie marie: no longer VIP\""),
            // The log: both conversations, with who and why, in the page's words.
            &format!("href=\"/inbox?c={first}\">Marie marie</a>"),
            &format!("href=\"/inbox?c={second}\">Marie luca</a>"),
            "The least busy available agent",
            // The admin is not away: the switch is off.
            "id=\"away-toggle\" aria-pressed=\"false\"",
        ],
    );
    assert!(page.contains("Assigned to Ana") && page.contains("Assigned to Bo"));

    // Bo sees the team without forms, and only the log of what concerns him.
    let (status, mine) = html(&bo_client, "/team", "en").await;
    assert_eq!(status, StatusCode::OK);
    shows(
        &mine,
        &[
            "Only an admin can change these.",
            "Bo (you)",
            "<dt>Languages</dt><dd>fr, it</dd>",
            "<dt>Labels</dt><dd>none</dd>",
            "id=\"away-toggle\" aria-pressed=\"true\"",
            "Assigned to Bo",
        ],
    );
    assert!(
        !mine.contains("data-form=\"member\""),
        "no forms for agents"
    );
    assert!(!mine.contains("data-vip="), "no VIP buttons for agents");
    assert!(
        !mine.contains("Assigned to Ana"),
        "only Bo's own assignments"
    );
    // The fragment is the same content; French.
    let (status, part) = html(&ana_client, "/ui/team", "fr").await;
    assert_eq!(status, StatusCode::OK);
    shows(&part, &["Ana (vous)", "Attribuée à Ana", "Absent"]);
    assert!(!part.contains("<html"), "a fragment");

    // A wrong profile names its field.
    let (status, error) = admin
        .put(
            &format!("/api/v1/users/{bo}/routing"),
            json!({"capacity": 5000}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(error["field"], "capacity");
    let (_, error) = admin
        .put(
            &format!("/api/v1/users/{bo}/routing"),
            json!({"capacity": 5, "languages": ["fr", "not a language"]}),
        )
        .await;
    assert_eq!(error["field"], "languages");

    // Another workspace's admin sees none of it.
    let other = app.other_workspace_admin("zed@other.test", "Zed").await;
    for path in ["/team", "/ui/team"] {
        let (status, page) = html(&other, path, "en").await;
        assert_eq!(status, StatusCode::OK);
        for foreign in [
            "<h3>Ana",
            "Marie marie",
            "Assigned to Ana",
            "Assigned to Bo",
        ] {
            assert!(!page.contains(foreign), "{path} shows {foreign}");
        }
        assert!(page.contains("Zed (you)"));
    }
    // Signed out: the page asks to sign in, the fragment answers 401.
    let (status, _) = html(&app.anonymous(), "/ui/team", "en").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}
