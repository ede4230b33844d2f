//! The inbox pages over HTTP: sign-in redirects, escaping, languages, clocks,
//! folders, and the endpoints the page's script uses (viewing, retry, language).

use axum::http::StatusCode;
use pronto_server::delivery::{Outcome, deliver_next};
use serde_json::json;

use crate::support::{Client, Receiver, TestApp, api_channel, customer_says};

const SCRIPT_NAME: &str = "<script>alert('name')</script>";
const IMG_TEXT: &str = "<img src=x onerror=alert('text')> & \"quotes\"";

async fn html(client: &Client, path: &str, lang: Option<&str>) -> (StatusCode, String) {
    let mut r = client.request(reqwest::Method::GET, path);
    if let Some(l) = lang {
        r = r.header("accept-language", l);
    }
    let response = r.send().await.unwrap();
    (response.status(), response.text().await.unwrap())
}

async fn message_from(admin: &Client, channel: i64, contact: &str, name: &str, text: &str) -> i64 {
    let (status, m) = admin
        .post(
            &format!("/api/v1/channels/{channel}/inbound"),
            json!({"message_id": format!("m-{contact}-{}", text.len()), "contact_id": contact, "contact_name": name, "text": text}),
        )
        .await;
    assert!(status.is_success(), "{m}");
    m["conversation_id"].as_i64().unwrap()
}

/// The list once its clocks are computed (they are computed in the background).
async fn list_with_clocks(client: &Client) -> String {
    for _ in 0..200 {
        let (status, list) = html(client, "/ui/list?folder=inbox", None).await;
        assert_eq!(status, StatusCode::OK);
        if !list.contains("data-clocks-pending") {
            return list;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    panic!("the clocks stay pending");
}

#[tokio::test]
async fn pages_need_a_session_and_send_people_to_sign_in() {
    let app = TestApp::spawn().await;
    let response = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(app.url("/inbox?folder=mine"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        response.headers()["location"],
        "/login?next=/inbox%3Ffolder%3Dmine"
    );
    let (status, page) = html(&app.anonymous(), "/login", Some("it-IT,it;q=0.9")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("<html lang=\"it\">"), "{page}");
    assert!(page.contains("Accedi a Pronto"));
    let (_, page) = html(&app.anonymous(), "/setup?token=x", Some("it")).await;
    assert!(page.contains("Benvenuto in Pronto"), "{page}");
    // A fragment answers 401, so the script can send the page to sign in.
    let (status, _) = html(&app.anonymous(), "/ui/list?folder=inbox", None).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // The sign-in page only sends people to our own paths afterwards.
    let (_, page) = html(&app.anonymous(), "/login?next=//evil.test/x", None).await;
    assert!(page.contains("data-next=\"/inbox\""), "{page}");
}

#[tokio::test]
async fn names_and_messages_render_as_text_everywhere() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let receiver = Receiver::spawn(vec![]).await;
    let channel = api_channel(&admin, &receiver).await;
    let conversation = message_from(&admin, channel, "x1", SCRIPT_NAME, IMG_TEXT).await;
    let (_, note) = admin
        .post(
            &format!("/api/v1/conversations/{conversation}/notes"),
            json!({"text": "</textarea><script>alert('note')</script>"}),
        )
        .await;
    assert!(note.is_object(), "{note}");
    for path in [
        "/inbox".to_owned(),
        format!("/inbox?c={conversation}"),
        format!("/ui/conversations/{conversation}"),
        "/ui/list?folder=inbox".to_owned(),
    ] {
        let (status, page) = html(&admin, &path, None).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(!page.contains("<script>alert"), "{path}: {page}");
        assert!(!page.contains("<img src=x"), "{path}: {page}");
        assert!(
            page.contains("&lt;script&gt;alert('name')&lt;/script&gt;"),
            "{path}: {page}"
        );
    }
    let (_, pane) = html(&admin, &format!("/ui/conversations/{conversation}"), None).await;
    assert!(pane.contains("&lt;img src=x onerror=alert('text')&gt; &amp; &quot;quotes&quot;"));
    assert!(pane.contains("&lt;/textarea&gt;&lt;script&gt;alert('note')"));
}

#[tokio::test]
async fn the_language_follows_the_user_then_the_browser() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let (_, page) = html(&admin, "/inbox", Some("fr-CH, fr;q=0.9, en;q=0.5")).await;
    assert!(page.contains("<html lang=\"fr\">"));
    assert!(page.contains("Boîte de réception"));
    let (status, me) = admin.put("/api/v1/me", json!({"locale": "it"})).await;
    assert_eq!(status, StatusCode::OK, "{me}");
    assert_eq!(me["user"]["locale"], "it");
    let (_, page) = html(&admin, "/inbox", Some("fr")).await;
    assert!(page.contains("<html lang=\"it\">"));
    assert!(page.contains("Posta in arrivo"));
    let (status, e) = admin.put("/api/v1/me", json!({"locale": "de"})).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{e}");
    assert!(e["message"].as_str().unwrap().contains("en, fr and it"));
    admin.put("/api/v1/me", json!({"locale": ""})).await;
    let (_, page) = html(&admin, "/inbox", Some("en-GB")).await;
    assert!(page.contains("<html lang=\"en\">"));
}

#[tokio::test]
async fn a_waiting_conversation_shows_its_clock_and_an_answer_clears_it() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let receiver = Receiver::spawn(vec![]).await;
    let channel = api_channel(&admin, &receiver).await;
    let (_, m) = customer_says(&admin, channel, "c1", "m1", "hello?").await;
    let conversation = m["conversation_id"].as_i64().unwrap();
    app.advance(3 * 60 * 1_000_000);
    let list = list_with_clocks(&admin).await;
    assert!(list.contains("class=\"clock ok\""), "{list}");
    // Three minutes gone of the fifteen the badge allows.
    assert!(list.contains("12 min to answer"), "{list}");
    assert!(list.contains("waiting 3 min"), "{list}");
    app.advance(13 * 60 * 1_000_000);
    let list = list_with_clocks(&admin).await;
    assert!(list.contains("class=\"clock late\""), "{list}");
    let (status, _) = admin
        .post(
            &format!("/api/v1/conversations/{conversation}/messages"),
            json!({"text": "Hi!"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let list = list_with_clocks(&admin).await;
    assert!(!list.contains("class=\"clock"), "{list}");
    assert!(
        list.contains("Ada Admin"),
        "the last message's author: {list}"
    );
}

#[tokio::test]
async fn folders_filter_the_list() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let receiver = Receiver::spawn(vec![]).await;
    let channel = api_channel(&admin, &receiver).await;
    let mine = message_from(&admin, channel, "a", "Alice Mine", "one").await;
    let _free = message_from(&admin, channel, "b", "Bruno Free", "two").await;
    let done = message_from(&admin, channel, "c", "Chloe Done", "three").await;
    let (_, me) = admin.get("/api/v1/me").await;
    let my_id = me["user"]["id"].as_i64().unwrap();
    admin
        .post(
            &format!("/api/v1/conversations/{mine}/assign"),
            json!({"user_id": my_id}),
        )
        .await;
    admin
        .post(
            &format!("/api/v1/conversations/{done}/move"),
            json!({"folder": "done"}),
        )
        .await;
    let names = |page: &str| {
        ["Alice Mine", "Bruno Free", "Chloe Done"]
            .into_iter()
            .filter(|n| page.contains(n))
            .collect::<Vec<_>>()
    };
    for (folder, expected) in [
        ("inbox", vec!["Alice Mine", "Bruno Free"]),
        ("mine", vec!["Alice Mine"]),
        ("unassigned", vec!["Bruno Free"]),
        ("done", vec!["Chloe Done"]),
        ("spam", vec![]),
    ] {
        let (_, list) = html(&admin, &format!("/ui/list?folder={folder}"), None).await;
        assert_eq!(names(&list), expected, "{folder}");
    }
    let (_, list) = html(
        &admin,
        &format!("/ui/list?folder=inbox&channel={}", channel + 1000),
        None,
    )
    .await;
    assert_eq!(names(&list), Vec::<&str>::new());
}

#[tokio::test]
async fn a_failed_reply_shows_its_reason_and_can_be_retried() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let receiver = Receiver::spawn(vec![400]).await;
    let channel = api_channel(&admin, &receiver).await;
    let conversation = message_from(&admin, channel, "r", "Rita", "hi").await;
    let (_, m) = admin
        .post(
            &format!("/api/v1/conversations/{conversation}/messages"),
            json!({"text": "Hello Rita"}),
        )
        .await;
    let id = m["id"].as_i64().unwrap();
    // Not failed yet: nothing to retry.
    let (status, e) = admin
        .post(&format!("/api/v1/messages/{id}/retry"), json!({}))
        .await;
    assert_eq!(status, StatusCode::CONFLICT, "{e}");
    let outcome = deliver_next(&app.state).await.unwrap();
    assert!(matches!(outcome, Outcome::Failed(..)), "{outcome:?}");
    let (_, pane) = html(&admin, &format!("/ui/conversations/{conversation}"), None).await;
    assert!(pane.contains("Not sent: "), "{pane}");
    assert!(pane.contains(&format!("data-action=\"retry\" data-message=\"{id}\"")));
    let (status, m) = admin
        .post(&format!("/api/v1/messages/{id}/retry"), json!({}))
        .await;
    assert_eq!(status, StatusCode::OK, "{m}");
    assert_eq!(m["status"], "queued");
    let outcome = deliver_next(&app.state).await.unwrap();
    assert!(
        matches!(outcome, Outcome::Delivered(i) if i == id),
        "{outcome:?}"
    );
    let (_, pane) = html(&admin, &format!("/ui/conversations/{conversation}"), None).await;
    assert!(!pane.contains("Not sent: "), "{pane}");
    assert_eq!(receiver.seen().len(), 2, "the refused try and the retry");
}

#[tokio::test]
async fn viewing_is_announced_to_the_workspace() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let receiver = Receiver::spawn(vec![]).await;
    let channel = api_channel(&admin, &receiver).await;
    let conversation = message_from(&admin, channel, "v", "Vera", "hi").await;
    let (status, _) = admin
        .post(
            &format!("/api/v1/conversations/{conversation}/viewing"),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::ACCEPTED);
    let (status, _) = admin
        .post("/api/v1/conversations/999999/viewing", json!({}))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let ws = pronto_store::Store::first_workspace(&app.state.store)
        .await
        .unwrap()
        .unwrap();
    let events = app.state.store.events_after(ws, 0, 1000).await.unwrap();
    let seen = events
        .iter()
        .find(|e| e.kind() == "conversation.viewing")
        .expect("a viewing event");
    assert_eq!(seen.payload()["conversation_id"], conversation);
}

#[tokio::test]
async fn the_window_and_the_send_state_come_from_the_policy() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let receiver = Receiver::spawn(vec![]).await;
    let channel = api_channel(&admin, &receiver).await;
    let conversation = message_from(&admin, channel, "w", "Wes", "hi").await;
    // An api channel has no 24-hour window: replies are always allowed.
    let (_, pane) = html(&admin, &format!("/ui/conversations/{conversation}"), None).await;
    assert!(
        pane.contains("No 24-hour window on this channel."),
        "{pane}"
    );
    assert!(pane.contains("data-allowed=\"true\""));
}

#[tokio::test]
async fn a_closed_window_disables_sending_with_the_reason_in_the_viewers_language() {
    use crate::send_side::{channel, deliver, spawn};
    use crate::support::T0;
    use pronto_sandbox::{Event, Platform};

    let (app, sandbox) = spawn().await;
    let admin = app.admin().await;
    let ch = channel(&admin, &sandbox, "messenger", json!({"human_agent": true})).await;
    let mid = sandbox.customer_message("PAGE_1", "PSID_9", "Zoé", "Bonjour ?", T0);
    let event = Event::Text {
        from: "PSID_9".into(),
        mid,
        text: "Bonjour ?".into(),
    };
    deliver(&app, ch, Platform::Messenger, &event, T0).await;
    let (_, list) = admin.get("/api/v1/conversations").await;
    let conversation = list["items"][0]["id"].as_i64().unwrap();
    let pane = |lang: &'static str| {
        let admin = admin.clone();
        async move {
            html(
                &admin,
                &format!("/ui/conversations/{conversation}"),
                Some(lang),
            )
            .await
            .1
        }
    };
    // Inside the window: open, with the time left.
    let p = pane("en").await;
    assert!(p.contains("data-allowed=\"true\""), "{p}");
    assert!(
        p.contains("Open: 24 h left of 24 hours") || p.contains("left of 24 hours"),
        "{p}"
    );
    // A day later: only a person with the Human Agent tag, until T0 + 7 days.
    app.advance(25 * 60 * 60 * 1_000_000);
    let p = pane("en").await;
    assert!(p.contains("data-allowed=\"true\""), "{p}");
    assert!(p.contains("data-tagged=\"true\""), "{p}");
    assert!(
        p.contains("A person may still reply with the Human Agent tag until"),
        "{p}"
    );
    // After 7 days nobody may: the send button says why, in French here.
    app.advance(7 * 24 * 60 * 60 * 1_000_000);
    let p = pane("fr").await;
    assert!(p.contains("data-allowed=\"false\""), "{p}");
    assert!(
        p.contains("La fenêtre de 24 heures et les 7 jours du tag Human Agent sont passés."),
        "{p}"
    );
}

#[tokio::test]
async fn comments_show_their_private_reply_or_why_there_is_none() {
    use crate::send_side::{channel, deliver, spawn};
    use crate::support::T0;
    use pronto_sandbox::{Event, Platform};

    let (app, sandbox) = spawn().await;
    let admin = app.admin().await;
    let ch = channel(&admin, &sandbox, "messenger", json!({})).await;
    for (id, from, name, text, at) in [
        (
            "POST_1_C1",
            "USER_1",
            "Luca <b>",
            "Quanto costa? <script>x()</script>",
            T0,
        ),
        (
            "POST_1_C2",
            "USER_2",
            "Ines",
            "Old question",
            T0 - 9 * 24 * 3_600_000_000,
        ),
    ] {
        sandbox.add_comment("PAGE_1", id, from, at);
        let comment = Event::Comment {
            from: from.into(),
            name: name.into(),
            comment_id: id.into(),
            post_id: "PAGE_1_POST_1".into(),
            text: text.into(),
        };
        deliver(&app, ch, Platform::Messenger, &comment, at).await;
    }
    let (status, page) = html(&admin, "/comments", Some("en")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(page.contains("Luca &lt;b&gt;"), "{page}");
    assert!(page.contains("Quanto costa? &lt;script&gt;x()&lt;/script&gt;"));
    assert!(page.contains("Private reply to Luca &lt;b&gt;"), "{page}");
    assert!(
        page.contains("Too late for a private reply: the 7 days ended"),
        "{page}"
    );
    // The reply is sent; the comment then says so and links its conversation.
    let (_, comments) = admin.get("/api/v1/comments").await;
    let luca = comments
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["contact_name"] == "Luca <b>")
        .unwrap()["id"]
        .clone();
    let (status, m) = admin
        .post(
            &format!("/api/v1/comments/{luca}/private-reply"),
            json!({"text": "25 euro."}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{m}");
    let (_, list) = html(&admin, "/ui/comments?unanswered=1", Some("fr")).await;
    assert!(
        !list.contains("Luca"),
        "answered comments are filtered out: {list}"
    );
    let (_, list) = html(&admin, "/ui/comments", Some("fr")).await;
    assert!(list.contains("Réponse privée envoyée"), "{list}");
    assert!(
        list.contains(&format!("/inbox?c={}", m["conversation_id"])),
        "{list}"
    );
}

/// The app installs on every platform: the manifest lists the SVG icon and PNG
/// ones (Android and iOS home screens take only those), each served as what it
/// says, at its size.
#[tokio::test]
async fn the_manifest_icons_are_served_at_their_sizes() {
    let app = TestApp::spawn().await;
    let http = reqwest::Client::new();
    let manifest: serde_json::Value = http
        .get(app.url("/manifest.webmanifest"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let icons = manifest["icons"].as_array().unwrap();
    assert_eq!(icons.len(), 3, "{manifest}");
    for icon in icons {
        let r = http
            .get(app.url(icon["src"].as_str().unwrap()))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{icon}");
        assert_eq!(r.headers()["content-type"], icon["type"].as_str().unwrap());
        let bytes = r.bytes().await.unwrap();
        if icon["type"] == "image/png" {
            // The PNG header's width and height, big-endian, after the signature.
            let side = u32::from_be_bytes(bytes[16..20].try_into().unwrap());
            let height = u32::from_be_bytes(bytes[20..24].try_into().unwrap());
            assert_eq!(format!("{side}x{height}"), icon["sizes"], "{icon}");
        }
    }
}
