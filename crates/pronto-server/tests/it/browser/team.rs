//! The team page in Chromium: the top bar's away switch, a member's profile saved
//! with the keyboard (an error on the field it concerns), a VIP taken off; axe-clean.

use serde_json::json;

use super::{Browser, Key};
use crate::routing::{agent, arrives, setup};
use crate::support::TestApp;

#[tokio::test]
async fn browser_the_team_page_sets_away_profiles_and_vips() {
    let Some(browser) = Browser::open().await else {
        return;
    };
    let app = TestApp::spawn().await;
    let (admin, channel, _r) = setup(&app, json!({"mode": "manual"})).await;
    let (ana, _) = agent(&app, &admin, "Ana", json!({"capacity": 3})).await;
    let (_, contact) = arrives(&app, &admin, channel, "marie").await;
    admin
        .put(
            &format!("/api/v1/contacts/{contact}/routing"),
            json!({"vip": true}),
        )
        .await;

    browser
        .sign_in_as_admin(&app.url("/team"), "#members")
        .await;

    // Away for an hour from the top bar: the switch says so and until when, and
    // so does the team.
    browser
        .execute("document.getElementById('away-for').value = 'hour'")
        .await;
    browser.click("#away-toggle").await;
    browser
        .wait_until(
            "document.getElementById('away-toggle').getAttribute('aria-pressed') === 'true'",
        )
        .await;
    browser.wait_for_text("#away-until", "Away until").await;
    assert_eq!(
        browser
            .execute("return document.getElementById('away-for').hidden")
            .await,
        true
    );
    browser
        .wait_for_text("#members li.card", "Ada Admin (you)\nAway until")
        .await;
    let (_, me) = admin.get("/api/v1/users").await;
    assert!(
        me.as_array()
            .unwrap()
            .iter()
            .any(|u| u["name"] == "Ada Admin" && u["away"] == true && u["away_until"].is_i64()),
        "{me}"
    );

    // Ana's capacity: too high is refused beside the field; corrected, saved.
    let capacity = format!("#member-{ana}-capacity");
    browser
        .execute(&format!("document.querySelector('{capacity}').value = ''"))
        .await;
    browser.type_into(&capacity, "5000").await;
    browser.press_key(Key::Enter).await;
    browser
        .wait_for_text(
            &format!("#member-{ana}-capacity-error"),
            "between 0 and 1000",
        )
        .await;
    assert_eq!(
        browser
            .execute("return [document.activeElement.id, document.activeElement.getAttribute('aria-invalid')]")
            .await,
        json!([format!("member-{ana}-capacity"), "true"])
    );
    browser
        .assert_axe_clean("the team page with an error")
        .await;
    browser
        .execute(&format!("document.querySelector('{capacity}').value = ''"))
        .await;
    browser.type_into(&capacity, "6").await;
    browser
        .type_into(&format!("#member-{ana}-languages"), "fr, it")
        .await;
    browser.press_key(Key::Enter).await;
    browser.wait_for_text("#live-status", "Saved").await;
    let ws = app.state.store.memberships(ana).await.unwrap()[0].0;
    let agents = app
        .state
        .store
        .routing_agents(ws, app.state.now())
        .await
        .unwrap();
    let profile = agents.iter().find(|a| a.user_id == ana).unwrap();
    assert_eq!(
        (profile.capacity, profile.languages.clone()),
        (6, vec!["fr".to_owned(), "it".to_owned()])
    );

    // The VIP taken off.
    browser
        .click(&format!("button[data-vip='{contact}']"))
        .await;
    browser.wait_for_text("#vip", "No VIP contact.").await;
    browser.assert_axe_clean("the team page").await;
    browser.screenshot("team").await;
    browser.close().await;
}
