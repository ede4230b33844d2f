//! What customers do besides writing, as Meta's webhooks report it: reactions, edits,
//! deletions, story replies, link and ad re-entries, opt-ins and comments; and the
//! content rules of a reply (attachments, quick replies) checked before storing.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::meta::{MS0, PAGE, body, customer, drain, echo, messenger_channel, post_signed};
use crate::support::{Client, MIN, TestApp};

const HOUR_MS: i64 = 3_600_000;

fn event(psid: &str, ms: i64, key: &str, payload: Value) -> Value {
    let mut e = json!({"sender": {"id": psid}, "recipient": {"id": PAGE}, "timestamp": ms});
    e[key] = payload;
    e
}

async fn only_conversation(admin: &Client) -> Value {
    let (_, list) = admin.get("/api/v1/conversations").await;
    let id = &list["items"][0]["id"];
    admin.get(&format!("/api/v1/conversations/{id}")).await.1
}

fn message<'a>(detail: &'a Value, external_id: &str) -> &'a Value {
    detail["messages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["external_id"] == external_id)
        .unwrap_or_else(|| panic!("no message {external_id} in {detail}"))
}

#[tokio::test]
async fn a_reaction_shows_on_the_message_and_reopens_the_window() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let (channel, _) = messenger_channel(&app, &admin).await;
    // The customer wrote; the Page answered from Meta's inbox a minute later.
    let page_inbox = pronto_channels::messenger::PAGE_INBOX_APP_ID;
    post_signed(
        &app,
        channel,
        &body(&[
            customer("psid-1", MS0, "m1", "is it in stock?"),
            echo("psid-1", MS0 + 60_000, "r1", Some(page_inbox), None),
        ]),
    )
    .await;
    drain(&app).await;
    let id = only_conversation(&admin).await["conversation"]["id"].clone();
    let reply = format!("/api/v1/conversations/{id}/messages");

    // 30 hours later the window is closed: a reply is refused before storing.
    app.advance(30 * 60 * MIN);
    let (status, refused) = admin.post(&reply, json!({"text": "still there?"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{refused}");

    // The customer reacts to the Page's answer: shown on it, and the window opens.
    let now_ms = MS0 + 30 * HOUR_MS;
    let react = event(
        "psid-1",
        now_ms,
        "reaction",
        json!({"reaction": "love", "emoji": "\u{2764}\u{fe0f}", "action": "react", "mid": "r1"}),
    );
    post_signed(&app, channel, &body(&[react])).await;
    drain(&app).await;
    let detail = only_conversation(&admin).await;
    assert_eq!(message(&detail, "r1")["reaction"], "\u{2764}\u{fe0f}");
    let (status, sent) = admin
        .post(&reply, json!({"text": "glad you like it"}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{sent}");

    // Taking the reaction back clears it; a reaction to an unknown message is ignored.
    let unreact = event(
        "psid-1",
        now_ms + 1000,
        "reaction",
        json!({"action": "unreact", "mid": "r1"}),
    );
    let stray = event(
        "psid-1",
        now_ms + 2000,
        "reaction",
        json!({"reaction": "like", "action": "react", "mid": "never-seen"}),
    );
    post_signed(&app, channel, &body(&[unreact, stray])).await;
    drain(&app).await;
    let detail = only_conversation(&admin).await;
    assert_eq!(message(&detail, "r1")["reaction"], Value::Null);
}

#[tokio::test]
async fn edits_deletions_story_replies_and_mentions_are_kept_as_the_customer_left_them() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let (channel, _) = messenger_channel(&app, &admin).await;
    let story = event(
        "psid-1",
        MS0 + 1000,
        "message",
        json!({"mid": "m-story", "text": "love this", "reply_to": {"story": {"id": "st-1", "url": "https://cdn/story.jpg"}}}),
    );
    let mention = event(
        "psid-1",
        MS0 + 2000,
        "message",
        json!({"mid": "m-mention", "attachments": [{"type": "story_mention", "payload": {"url": "https://cdn/m.jpg"}}]}),
    );
    let reply_to = event(
        "psid-1",
        MS0 + 3000,
        "message",
        json!({"mid": "m-reply", "text": "this one", "reply_to": {"mid": "m1"}}),
    );
    post_signed(
        &app,
        channel,
        &body(&[
            customer("psid-1", MS0, "m1", "helo"),
            story,
            mention,
            reply_to,
        ]),
    )
    .await;
    drain(&app).await;
    let edit = event(
        "psid-1",
        MS0 + 5000,
        "message_edit",
        json!({"mid": "m1", "text": "hello", "num_edit": 1}),
    );
    let delete = event(
        "psid-1",
        MS0 + 6000,
        "message",
        json!({"mid": "m-story", "is_deleted": true}),
    );
    post_signed(&app, channel, &body(&[edit, delete])).await;
    drain(&app).await;

    let detail = only_conversation(&admin).await;
    let m1 = message(&detail, "m1");
    assert_eq!(m1["text"], "hello");
    assert_eq!(m1["edited_at"], (MS0 + 5000) * 1000);
    let gone = message(&detail, "m-story");
    assert_eq!(gone["text"], "");
    assert_eq!(gone["attachments"], json!([]));
    assert_eq!(gone["deleted_at"], (MS0 + 6000) * 1000);
    assert_eq!(
        message(&detail, "m-mention")["attachments"][0]["type"],
        "story_mention"
    );
    assert_eq!(
        message(&detail, "m-reply")["attachments"][0],
        json!({"type": "reply_to", "mid": "m1"})
    );
    // The story reply was deleted, but before that it carried the story.
    assert_eq!(detail["messages"].as_array().unwrap().len(), 4);
}

#[tokio::test]
async fn a_link_or_ad_re_entry_and_an_opt_in_land_on_the_contact_card() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let (channel, _) = messenger_channel(&app, &admin).await;
    post_signed(&app, channel, &body(&[customer("psid-1", MS0, "m1", "hi")])).await;
    drain(&app).await;
    let later = MS0 + 40 * HOUR_MS;
    let referral = event(
        "psid-1",
        later,
        "referral",
        json!({"ref": "summer-sale", "source": "ADS", "type": "OPEN_THREAD", "ad_id": "ad-42",
               "ads_context_data": {"ad_title": "Summer sale"}}),
    );
    let optin = event(
        "psid-1",
        later + 1000,
        "optin",
        json!({"type": "notification_messages", "payload": "weekly", "notification_messages_token": "SECRET-TOKEN",
               "notification_messages_status": "RESUME NOTIFICATIONS", "title": "Weekly deals"}),
    );
    post_signed(&app, channel, &body(&[referral, optin])).await;
    drain(&app).await;
    let detail = only_conversation(&admin).await;
    let attributes = &detail["contact"]["attributes"];
    assert_eq!(attributes["referral"]["ad_id"], "ad-42");
    assert_eq!(attributes["referral"]["ref"], "summer-sale");
    assert_eq!(attributes["optin"]["title"], "Weekly deals");
    assert!(
        !detail.to_string().contains("SECRET-TOKEN"),
        "the marketing token is not kept"
    );
    // Re-entering the thread opened the window again.
    app.advance(40 * 60 * MIN + MIN);
    let id = &detail["conversation"]["id"];
    let (status, sent) = admin
        .post(
            &format!("/api/v1/conversations/{id}/messages"),
            json!({"text": "welcome back"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{sent}");
}

fn feed(changes: &[Value]) -> String {
    json!({"object": "page", "entry": [{"id": PAGE, "time": MS0, "changes": changes}]}).to_string()
}

fn comment(id: &str, from: &str, name: &str, text: &str, seconds: i64) -> Value {
    json!({"field": "feed", "value": {"item": "comment", "verb": "add", "comment_id": id,
        "post_id": "PAGE_1_POST", "parent_id": "PAGE_1_POST", "from": {"id": from, "name": name},
        "message": text, "created_time": seconds}})
}

#[tokio::test]
async fn page_comments_become_items_with_one_private_reply_within_seven_days() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let (channel, _) = messenger_channel(&app, &admin).await;
    let s0 = MS0 / 1000;
    let own = json!({"field": "feed", "value": {"item": "comment", "verb": "add", "comment_id": "C_OWN",
        "post_id": "PAGE_1_POST", "from": {"id": PAGE, "name": "Shop"}, "message": "Thanks all!", "created_time": s0}});
    let reaction = json!({"field": "feed", "value": {"item": "reaction", "verb": "add", "reaction_type": "like"}});
    let c1 = comment("C_1", "9001", "Ana Rossi", "Do you ship to Italy?", s0);
    let c2 = comment("C_2", "9002", "Luc Martin", "Prix ?", s0 - 8 * 24 * 3600);
    post_signed(&app, channel, &feed(&[c1.clone(), own, reaction, c2])).await;
    post_signed(&app, channel, &feed(&[c1])).await;
    drain(&app).await;

    let (status, comments) = admin.get("/api/v1/comments").await;
    assert_eq!(status, StatusCode::OK);
    let items = comments.as_array().unwrap();
    assert_eq!(
        items.len(),
        2,
        "one of each, the Page's own left out: {comments}"
    );
    assert_eq!(items[0]["external_id"], "C_1");
    assert_eq!(items[0]["contact_name"], "Ana Rossi");
    assert_eq!(items[0]["text"], "Do you ship to Italy?");
    assert_eq!(items[0]["at"], MS0 * 1000);
    let (c1, c2) = (items[0]["id"].clone(), items[1]["id"].clone());

    // Comments are not messages: the inbox and the engine do not count them.
    let (_, list) = admin.get("/api/v1/conversations").await;
    assert_eq!(list["items"], json!([]));

    let reply = |id: &Value| format!("/api/v1/comments/{id}/private-reply");
    let (status, m) = admin
        .post(&reply(&c1), json!({"text": "Yes! 3-5 days."}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{m}");
    assert_eq!(m["status"], "queued");
    assert_eq!(
        m["attachments"],
        json!([{"type": "private_reply", "comment_id": "C_1"}])
    );
    let (status, again) = admin.post(&reply(&c1), json!({"text": "Also..."})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{again}");
    assert!(
        again["message"].as_str().unwrap().contains("private reply"),
        "{again}"
    );
    let (status, late) = admin.post(&reply(&c2), json!({"text": "Sorry!"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{late}");

    let (_, open) = admin.get("/api/v1/comments?unanswered=true").await;
    assert_eq!(open.as_array().unwrap().len(), 1);
    assert_eq!(open[0]["external_id"], "C_2");

    // A removed comment leaves the list of those to answer.
    let removed = json!({"field": "feed", "value": {"item": "comment", "verb": "remove", "comment_id": "C_2",
        "from": {"id": "9002"}, "created_time": s0 + 10}});
    post_signed(&app, channel, &feed(&[removed])).await;
    drain(&app).await;
    let (_, open) = admin.get("/api/v1/comments?unanswered=true").await;
    assert_eq!(open, json!([]));
}

#[tokio::test]
async fn instagram_comments_open_the_commenters_window() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let (status, c) = admin
        .post(
            "/api/v1/channels",
            json!({"kind": "instagram", "name": "Shop IG", "config": {
                "page_id": "IG_1", "app_id": "555000", "app_secret": crate::meta::SECRET, "page_access_token": "IGAA-token"
            }}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{c}");
    let channel = c["id"].as_i64().unwrap();
    let dm = json!({"object": "instagram", "entry": [{"id": "IG_1", "time": MS0, "messaging": [
        {"sender": {"id": "igsid-7"}, "recipient": {"id": "IG_1"}, "timestamp": MS0, "message": {"mid": "ig-m1", "text": "ciao"}}]}]});
    post_signed(&app, channel, &dm.to_string()).await;
    drain(&app).await;
    let later = MS0 + 30 * HOUR_MS;
    let comment = json!({"object": "instagram", "entry": [{"id": "IG_1", "time": later, "changes": [
        {"field": "comments", "value": {"id": "17890", "from": {"id": "igsid-7", "username": "giulia"},
         "text": "Bellissimo", "media": {"id": "MEDIA_1", "media_product_type": "FEED"}}}]}]});
    post_signed(&app, channel, &comment.to_string()).await;
    drain(&app).await;
    let (_, comments) = admin.get("/api/v1/comments").await;
    assert_eq!(
        comments[0]["contact_name"], "giulia",
        "the nameless DM contact learns it"
    );
    assert_eq!(comments[0]["post_id"], "MEDIA_1");
    // The comment (30 h after the DM) opened the window for a direct message.
    app.advance(30 * 60 * MIN + MIN);
    let id = only_conversation(&admin).await["conversation"]["id"].clone();
    let (status, sent) = admin
        .post(
            &format!("/api/v1/conversations/{id}/messages"),
            json!({"text": "Grazie!"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{sent}");
}

#[tokio::test]
async fn reply_content_is_checked_against_metas_rules_before_storing() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let (channel, _) = messenger_channel(&app, &admin).await;
    post_signed(&app, channel, &body(&[customer("psid-1", MS0, "m1", "hi")])).await;
    drain(&app).await;
    let id = only_conversation(&admin).await["conversation"]["id"].clone();
    let reply = format!("/api/v1/conversations/{id}/messages");
    let image = json!({"type": "image", "url": "https://shop.example/red.png"});

    let (status, e) = admin
        .post(&reply, json!({"text": "here", "attachments": [image]}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert_eq!(e["code"], "content_refused");
    assert!(e["message"].as_str().unwrap().contains("not both"));

    let too_many: Vec<Value> = (0..14).map(|i| json!({"title": format!("{i}")})).collect();
    let (status, e) = admin
        .post(
            &reply,
            json!({"text": "pick", "attachments": [{"type": "quick_replies", "options": too_many}]}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{e}");
    assert!(e["message"].as_str().unwrap().contains("1 to 13"), "{e}");

    let (status, e) = admin
        .post(
            &reply,
            json!({"text": "x", "attachments": [{"type": "private_reply", "comment_id": "C"}]}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{e}");

    let (status, m) = admin
        .post(&reply, json!({"text": "", "attachments": [image]}))
        .await;
    assert_eq!(status, StatusCode::CREATED, "{m}");
    let (status, m) = admin
        .post(
            &reply,
            json!({"text": "Which colour?", "attachments": [{"type": "quick_replies", "options": [
                {"title": "Red", "payload": "RED"}, {"title": "Blue", "payload": "BLUE"}]}]}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{m}");
}

#[tokio::test]
async fn an_instagram_login_account_is_connected_without_a_page() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let (status, e) = admin
        .post(
            "/api/v1/channels",
            json!({"kind": "instagram", "name": "IG", "config": {"login": "instagram", "app_id": "1", "app_secret": "s", "account_id": "IG_9"}}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("config.access_token"),
        "{e}"
    );
    let (status, e) = admin
        .post(
            "/api/v1/channels",
            json!({"kind": "messenger", "name": "P", "config": {"login": "instagram"}}),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{e}");
    let (status, c) = admin
        .post(
            "/api/v1/channels",
            json!({"kind": "instagram", "name": "IG", "config": {"login": "instagram", "app_id": "1", "app_secret": "s",
                   "account_id": "IG_9", "access_token": "IGAA-user-token"}}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{c}");
    let stored = app
        .state
        .store
        .channel_any_workspace(c["id"].as_i64().unwrap())
        .await
        .unwrap();
    assert_eq!(stored.config["page_id"], "IG_9");
    assert!(
        stored.config["page_access_token"]
            .as_str()
            .unwrap()
            .starts_with("enc:v1:")
    );
    assert!(stored.config.get("access_token").is_none());
    assert_eq!(
        pronto_server::graph::base_url(&app.state, &stored),
        "https://graph.instagram.com/v25.0"
    );
}
