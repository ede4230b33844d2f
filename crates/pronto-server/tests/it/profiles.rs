//! Customers with names: a new Messenger or Instagram contact's profile is asked of
//! the platform (the sandbox) by the profile worker, never in the webhook's path;
//! names, language, time zone and picture are kept, and the first message's instant
//! reply waits for the name. Profile errors leave the contact nameless without
//! asking again and again. On SQLite, and on PostgreSQL when configured.

use axum::http::StatusCode;
use pronto_sandbox::webhook::Event;
use pronto_sandbox::{PageConfig, Platform, Sandbox, Simulator};
use pronto_server::meta::{Processed, process_next};
use pronto_server::profiles::ask_next;
use pronto_store::testing;
use serde_json::{Value, json};

use crate::support::{Client, TestApp};

/// A channel of `platform` on the sandbox's page `page`, with an instant reply
/// that greets by first name, and a simulator to send its customers' webhooks.
async fn channel(
    app: &TestApp,
    sandbox: &Sandbox,
    admin: &Client,
    platform: Platform,
    page: &str,
) -> (i64, Simulator) {
    sandbox.add_page(PageConfig::new(
        platform,
        page,
        "777",
        "app-secret",
        "EAAB-token",
    ));
    let kind = match platform {
        Platform::Messenger => "messenger",
        Platform::Instagram => "instagram",
    };
    let (status, c) = admin
        .post(
            "/api/v1/channels",
            json!({"kind": kind, "name": page, "config": {
                "page_id": page, "app_id": "777", "app_secret": "app-secret", "page_access_token": "EAAB-token"
            }}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{c}");
    let channel = c["id"].as_i64().unwrap();
    sandbox
        .set_callback(page, Some(app.url(&format!("/webhooks/meta/{channel}"))))
        .unwrap();
    let (status, body) = admin
        .put(
            &format!("/api/v1/channels/{channel}/automation"),
            json!({"instant_reply": {"enabled": true, "text": "Hi {first_name}! A person answers soon."}}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    (channel, Simulator::new(sandbox, page, 7).unwrap())
}

/// `from` writes `text`; the webhook is processed.
async fn writes(app: &TestApp, sim: &Simulator, from: &str, mid: &str, text: &str) {
    let sent = sim
        .deliver(Event::Text {
            from: from.into(),
            mid: mid.into(),
            text: text.into(),
        })
        .await
        .unwrap();
    assert_eq!(sent.status, 200);
    assert_eq!(process_next(&app.state).await.unwrap(), Processed::Done(1));
}

/// The conversation of the channel's contact, with its messages.
async fn conversation(admin: &Client, channel: i64) -> Value {
    let (_, list) = admin
        .get(&format!("/api/v1/conversations?channel={channel}"))
        .await;
    let id = list["items"][0]["id"].as_i64().unwrap();
    let (status, detail) = admin.get(&format!("/api/v1/conversations/{id}")).await;
    assert_eq!(status, StatusCode::OK, "{detail}");
    detail
}

fn automated(detail: &Value) -> Vec<String> {
    detail["messages"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["author"] == "automation")
        .map(|m| m["text"].as_str().unwrap().to_owned())
        .collect()
}

fn profile_calls(sandbox: &Sandbox, id: &str) -> usize {
    sandbox
        .requests()
        .iter()
        .filter(|r| r.method == "GET" && r.path.ends_with(&format!("/{id}")))
        .count()
}

#[tokio::test]
async fn new_contacts_get_their_names_pictures_and_language_from_their_profiles() {
    for db in testing::backends().await {
        let (app, sandbox) = TestApp::spawn_with_sandbox(db).await;
        let admin = app.admin().await;

        // Messenger: first and last name, locale, time zone, picture.
        let (messenger, sim) = channel(&app, &sandbox, &admin, Platform::Messenger, "PAGE_P").await;
        sandbox.add_customer("PAGE_P", "psid-giulia", "Giulia Rossi");
        sandbox.set_customer_profile("PAGE_P", "psid-giulia", Some("it_IT"), None, Some(1));
        writes(&app, &sim, "psid-giulia", "m-1", "Spedite in Svizzera?").await;
        let before = conversation(&admin, messenger).await;
        assert_eq!(before["contact"]["name"], "", "the webhook carries no name");
        assert_eq!(
            automated(&before),
            Vec::<String>::new(),
            "the instant reply waits for the name"
        );
        assert!(ask_next(&app.state).await.unwrap());
        let after = conversation(&admin, messenger).await;
        let contact = &after["contact"];
        assert_eq!(contact["name"], "Giulia Rossi");
        assert_eq!(contact["first_name"], "Giulia");
        assert_eq!(contact["last_name"], "Rossi");
        assert_eq!(contact["locale"], "it_IT");
        assert_eq!(contact["language"], "it");
        assert_eq!(contact["language_source"], "platform");
        assert_eq!(contact["timezone"], "Etc/GMT-1");
        assert_eq!(after["conversation"]["contact_name"], "Giulia Rossi");
        assert_eq!(automated(&after), vec!["Hi Giulia! A person answers soon."]);
        let id = contact["id"].as_i64().unwrap();
        let picture = contact["picture"].as_str().unwrap();
        assert_eq!(picture, format!("/api/v1/contacts/{id}/picture"));
        let response = admin
            .request(reqwest::Method::GET, picture)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers()["content-type"], "image/png");
        assert_eq!(
            response.bytes().await.unwrap(),
            pronto_sandbox::profile_picture("psid-giulia")
        );
        let (_, detail) = admin.get(&format!("/api/v1/contacts/{id}")).await;
        assert_eq!(detail["profile"]["state"], "fetched", "{detail}");
        // The call carried the token's proof, and is not made again for her next
        // message.
        let calls = sandbox.requests();
        let call = calls
            .iter()
            .find(|r| r.path.ends_with("/psid-giulia"))
            .unwrap();
        assert!(call.proof_ok);
        writes(&app, &sim, "psid-giulia", "m-2", "Per favore").await;
        assert!(!ask_next(&app.state).await.unwrap());
        assert_eq!(profile_calls(&sandbox, "psid-giulia"), 1);

        // A saved reply's {first_name} is hers.
        let (_, saved) = admin
            .post(
                "/api/v1/saved-replies",
                json!({"name": "Hello", "shortcut": "hello", "text": "Ciao {first_name}!"}),
            )
            .await;
        let (status, rendered) = admin
            .post(
                &format!("/api/v1/saved-replies/{}/render", saved["id"]),
                json!({"conversation_id": after["conversation"]["id"]}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{rendered}");
        assert_eq!(rendered["text"], "Ciao Giulia!");

        // Instagram: a name when the person set one, else the username.
        let (instagram, ig) = channel(&app, &sandbox, &admin, Platform::Instagram, "IG_P").await;
        sandbox.add_customer("IG_P", "igsid-no-name", "");
        sandbox.set_customer_profile("IG_P", "igsid-no-name", None, Some("marco.b"), None);
        writes(&app, &ig, "igsid-no-name", "ig-1", "Ciao").await;
        assert!(ask_next(&app.state).await.unwrap());
        let detail = conversation(&admin, instagram).await;
        assert_eq!(detail["contact"]["name"], "marco.b");
        assert_eq!(detail["contact"]["first_name"], "");
        assert!(detail["contact"]["picture"].is_string());
        assert_eq!(automated(&detail), vec!["Hi! A person answers soon."]);
        app.stop().await;
    }
}

#[tokio::test]
async fn profile_errors_leave_the_contact_nameless_without_retry_storms() {
    for db in testing::backends().await {
        let (app, sandbox) = TestApp::spawn_with_sandbox(db).await;
        let admin = app.admin().await;
        let (messenger, sim) = channel(&app, &sandbox, &admin, Platform::Messenger, "PAGE_E").await;
        let err = |code: i64, sub: i64, message: &str| {
            json!({"error": {"message": message, "type": "OAuthException", "code": code,
                             "error_subcode": sub, "fbtrace_id": "x"}})
        };

        // An account made with a phone number has no profile: asked once, the
        // instant reply goes without a name.
        sandbox.add_customer("PAGE_E", "psid-phone", "Phone Person");
        sandbox.push_error(
            400,
            err(100, 2_018_218, "No profile available for this user"),
        );
        writes(&app, &sim, "psid-phone", "e-1", "Hello?").await;
        assert!(ask_next(&app.state).await.unwrap());
        assert!(!ask_next(&app.state).await.unwrap(), "not asked again");
        let detail = conversation(&admin, messenger).await;
        assert_eq!(detail["contact"]["name"], "");
        assert_eq!(automated(&detail), vec!["Hi! A person answers soon."]);
        let id = detail["contact"]["id"].as_i64().unwrap();
        let (_, contact) = admin.get(&format!("/api/v1/contacts/{id}")).await;
        assert_eq!(contact["profile"]["state"], "none");
        assert!(
            contact["profile"]["error"]
                .as_str()
                .unwrap()
                .contains("2018218")
        );
        assert_eq!(profile_calls(&sandbox, "psid-phone"), 1);
        let (status, _) = admin.get(&format!("/api/v1/contacts/{id}/picture")).await;
        assert_eq!(status, StatusCode::NOT_FOUND);

        // An app that may not read the locale: asked again at once with the basic
        // fields, and the names are kept.
        sandbox.add_customer("PAGE_E", "psid-basic", "Ana Lima");
        sandbox.push_error(
            400,
            err(
                100,
                2_018_247,
                "(#100) Insufficient permission to access user profile",
            ),
        );
        writes(&app, &sim, "psid-basic", "e-2", "Olá").await;
        assert!(ask_next(&app.state).await.unwrap());
        let asked: Vec<String> = sandbox
            .requests()
            .iter()
            .filter(|r| r.path.ends_with("/psid-basic"))
            .map(|r| {
                r.query
                    .iter()
                    .find(|(k, _)| k == "fields")
                    .unwrap()
                    .1
                    .clone()
            })
            .collect();
        assert_eq!(
            asked,
            vec![
                "first_name,last_name,profile_pic,locale,timezone",
                "first_name,last_name,profile_pic"
            ]
        );
        let (_, list) = admin
            .get(&format!("/api/v1/conversations?channel={messenger}"))
            .await;
        let names: Vec<&str> = list["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["contact_name"].as_str().unwrap())
            .collect();
        assert!(names.contains(&"Ana Lima"), "{names:?}");

        // Meta asks to slow down: that profile and every other waiting one of the
        // channel wait ten minutes instead of being asked again at once.
        sandbox.add_customer("PAGE_E", "psid-busy", "Busy Bee");
        sandbox.add_customer("PAGE_E", "psid-next", "Next One");
        sandbox.push_error(
            400,
            err(613, 0, "Calls to this api have exceeded the rate limit."),
        );
        writes(&app, &sim, "psid-busy", "e-3", "Hi").await;
        writes(&app, &sim, "psid-next", "e-4", "Hi").await;
        assert!(ask_next(&app.state).await.unwrap());
        assert!(!ask_next(&app.state).await.unwrap(), "the channel waits");
        assert_eq!(
            profile_calls(&sandbox, "psid-busy") + profile_calls(&sandbox, "psid-next"),
            1
        );
        // Ten minutes later both are asked.
        app.clock.fetch_add(
            pronto_server::profiles::SLOW_DOWN,
            std::sync::atomic::Ordering::SeqCst,
        );
        assert!(ask_next(&app.state).await.unwrap());
        assert!(ask_next(&app.state).await.unwrap());
        assert!(!ask_next(&app.state).await.unwrap());
        assert_eq!(profile_calls(&sandbox, "psid-busy"), 2);
        assert_eq!(profile_calls(&sandbox, "psid-next"), 1);
        app.stop().await;
    }
}

/// The automated messages speak the customer's language: detected from their
/// message where the channel does not say, with the default text for the rest.
#[tokio::test]
async fn a_customers_language_is_detected_and_the_instant_reply_speaks_it() {
    for db in testing::backends().await {
        let app = TestApp::start(db.url.clone(), Some(db), false).await;
        let admin = app.admin().await;
        let receiver = crate::support::Receiver::spawn(vec![]).await;
        let channel = crate::support::api_channel(&admin, &receiver).await;
        let (status, body) = admin
            .put(
                &format!("/api/v1/channels/{channel}/automation"),
                json!({"instant_reply": {"enabled": true, "text": "Hi {first_name}, the shop answers soon.",
                    "translations": {"it": "Ciao {first_name}, il negozio risponde presto.",
                                     "fr": "Bonjour {first_name}, la boutique répond bientôt."}}}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (_, saved) = admin
            .get(&format!("/api/v1/channels/{channel}/automation"))
            .await;
        assert_eq!(
            saved["instant_reply"]["translations"]["it"],
            "Ciao {first_name}, il negozio risponde presto."
        );

        let cases = [
            (
                "giulia",
                "Spedite in Svizzera?",
                Some("it"),
                "Ciao Marie, il negozio risponde presto.",
            ),
            (
                "louise",
                "Vous livrez en Suisse ?",
                Some("fr"),
                "Bonjour Marie, la boutique répond bientôt.",
            ),
            (
                "ana",
                "¿Enviáis a Suiza? Necesito saberlo hoy",
                Some("es"),
                "Hi Marie, the shop answers soon.",
            ),
            ("kim", "ok", None, "Hi Marie, the shop answers soon."),
        ];
        for (who, text, language, reply) in cases {
            let (status, m) =
                crate::support::customer_says(&admin, channel, who, &format!("{who}-1"), text)
                    .await;
            assert_eq!(status, StatusCode::CREATED, "{m}");
            let conversation = m["conversation_id"].as_i64().unwrap();
            let (_, detail) = admin
                .get(&format!("/api/v1/conversations/{conversation}"))
                .await;
            assert_eq!(detail["contact"]["language"].as_str(), language, "{text}");
            if language.is_some() {
                assert_eq!(detail["contact"]["language_source"], "detected");
            }
            assert_eq!(automated(&detail), vec![reply], "{text}");
        }

        // A translation keyed by something that is not a language is refused,
        // naming the field.
        let (status, body) = admin
            .put(
                &format!("/api/v1/channels/{channel}/automation"),
                json!({"instant_reply": {"enabled": true, "text": "Hi", "translations": {"italian": "Ciao"}}}),
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert!(
            body["message"]
                .as_str()
                .unwrap()
                .starts_with("instant_reply.translations.italian: "),
            "{body}"
        );
        app.stop().await;
    }
}

/// A saved reply with a text per language is filled in the customer's (detected)
/// language, with the default for a language it lacks; a translation keyed by
/// something that is not a language is refused, naming the field.
#[tokio::test]
async fn a_saved_reply_is_filled_in_the_customers_language() {
    for db in testing::backends().await {
        let app = TestApp::start(db.url.clone(), Some(db), false).await;
        let admin = app.admin().await;
        let receiver = crate::support::Receiver::spawn(vec![]).await;
        let channel = crate::support::api_channel(&admin, &receiver).await;
        let (status, saved) = admin
            .post(
                "/api/v1/saved-replies",
                json!({"name": "Shipping", "shortcut": "ship", "text": "Hi {first_name}, we ship to Switzerland.",
                    "translations": {"it": "Ciao {first_name}, spediamo in Svizzera.", "fr": " "}}),
            )
            .await;
        assert_eq!(status, StatusCode::CREATED, "{saved}");
        // The empty French text is dropped.
        assert_eq!(
            saved["translations"],
            json!({"it": "Ciao {first_name}, spediamo in Svizzera."})
        );
        let render = |conversation: i64| {
            let admin = &admin;
            let path = format!("/api/v1/saved-replies/{}/render", saved["id"]);
            async move {
                let (status, body) = admin
                    .post(&path, json!({"conversation_id": conversation}))
                    .await;
                assert_eq!(status, StatusCode::OK, "{body}");
                body
            }
        };
        for (who, text, rendered, language) in [
            (
                "Giulia Rossi",
                "Spedite in Svizzera? Mi serve entro venerdì",
                "Ciao Giulia, spediamo in Svizzera.",
                json!("it"),
            ),
            (
                "Louise Martin",
                "Vous livrez en Suisse ? J'en ai besoin vendredi",
                "Hi Louise, we ship to Switzerland.",
                Value::Null,
            ),
        ] {
            let (status, m) = admin
                .post(
                    &format!("/api/v1/channels/{channel}/inbound"),
                    json!({"message_id": format!("m-{who}"), "contact_id": who,
                        "contact_name": who, "text": text}),
                )
                .await;
            assert_eq!(status, StatusCode::CREATED, "{m}");
            let body = render(m["conversation_id"].as_i64().unwrap()).await;
            assert_eq!(body["text"], rendered, "{who}");
            assert_eq!(body["language"], language, "{who}");
        }

        let (status, body) = admin
            .put(
                &format!("/api/v1/saved-replies/{}", saved["id"]),
                json!({"name": "Shipping", "shortcut": "ship", "text": "Hi",
                    "translations": {"italian": "Ciao"}}),
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(body["field"], "translations.italian", "{body}");
        let (status, body) = admin
            .put(
                &format!("/api/v1/saved-replies/{}", saved["id"]),
                json!({"name": "Shipping", "shortcut": "ship", "text": "Hi",
                    "translations": {"it": "Ciao {nome}"}}),
            )
            .await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(body["field"], "translations.it", "{body}");
        app.stop().await;
    }
}

/// The language is told from a conversation's first messages: after six that
/// could not tell it, later ones are not tried (each try costs CPU on the
/// message path), and the contact's language stays unknown.
#[tokio::test]
async fn language_detection_stops_after_the_first_messages() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let receiver = crate::support::Receiver::spawn(vec![]).await;
    let channel = crate::support::api_channel(&admin, &receiver).await;
    let italian = "Spedite in Svizzera? Mi serve entro venerdì";
    let mut conversation = 0;
    for i in 0..6 {
        let (status, m) =
            crate::support::customer_says(&admin, channel, "short", &format!("s-{i}"), "ok").await;
        assert_eq!(status, StatusCode::CREATED, "{m}");
        conversation = m["conversation_id"].as_i64().unwrap();
    }
    crate::support::customer_says(&admin, channel, "short", "s-6", italian).await;
    let (_, detail) = admin
        .get(&format!("/api/v1/conversations/{conversation}"))
        .await;
    assert_eq!(detail["contact"]["language"], Value::Null, "{detail}");

    // Within the first six, the same message tells it.
    for i in 0..5 {
        crate::support::customer_says(&admin, channel, "early", &format!("e-{i}"), "ok").await;
    }
    let (_, m) = crate::support::customer_says(&admin, channel, "early", "e-5", italian).await;
    let (_, detail) = admin
        .get(&format!("/api/v1/conversations/{}", m["conversation_id"]))
        .await;
    assert_eq!(detail["contact"]["language"], "it", "{detail}");
}
