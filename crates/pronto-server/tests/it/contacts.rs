//! The contact card: a person (or a shop's own system, with a token) edits the
//! details and the workspace's typed attributes; every wrong field is refused with
//! its name, and nothing is half-written. On SQLite, and on PostgreSQL when
//! configured.

use axum::http::StatusCode;
use pronto_store::testing;
use serde_json::json;

use crate::support::{Receiver, TestApp, api_channel, customer_says};

#[tokio::test]
async fn a_contact_card_is_edited_with_typed_attributes_and_clear_errors() {
    for db in testing::backends().await {
        let app = TestApp::start(db.url.clone(), Some(db), false).await;
        let admin = app.admin().await;
        let receiver = Receiver::spawn(vec![]).await;
        let channel = api_channel(&admin, &receiver).await;
        let (_, m) = customer_says(&admin, channel, "c1", "m1", "Hello").await;
        let (_, detail) = admin
            .get(&format!("/api/v1/conversations/{}", m["conversation_id"]))
            .await;
        let id = detail["contact"]["id"].as_i64().unwrap();
        let path = format!("/api/v1/contacts/{id}");

        // The workspace's attributes.
        for (key, label, kind) in [
            ("order_number", "Order", "text"),
            ("cart_value", "Cart value", "number"),
            ("renewal", "Renewal", "date"),
            ("crm", "CRM", "link"),
        ] {
            let (status, body) = admin
                .post(
                    "/api/v1/contact-attributes",
                    json!({"key": key, "label": label, "kind": kind}),
                )
                .await;
            assert_eq!(status, StatusCode::CREATED, "{body}");
        }
        for (bad, field) in [
            (
                json!({"key": "Order", "label": "x", "kind": "text"}),
                "key: ",
            ),
            (
                json!({"key": "page", "label": "x", "kind": "text"}),
                "key: ",
            ),
            (
                json!({"key": "color", "label": "x", "kind": "colour"}),
                "kind: ",
            ),
            (
                json!({"key": "color", "label": " ", "kind": "text"}),
                "label: ",
            ),
        ] {
            let (status, body) = admin.post("/api/v1/contact-attributes", bad).await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
            assert!(
                body["message"].as_str().unwrap().starts_with(field),
                "{body}"
            );
        }
        let (_, defs) = admin.get("/api/v1/contact-attributes").await;
        assert_eq!(defs.as_array().unwrap().len(), 4, "{defs}");

        // Every field at once.
        let (status, card) = admin
            .send(admin.request(reqwest::Method::PATCH, &path).json(&json!({
                "name": "Giulia Rossi", "email": "giulia@example.test", "phone": "+39 347 123 4567",
                "language": "it", "timezone": "europe/rome", "notes": "Prefers WhatsApp.",
                "attributes": {"order_number": "A-1234", "cart_value": 59.9, "renewal": "2027-01-31",
                               "crm": "https://crm.example.test/c/42"}
            })))
            .await;
        assert_eq!(status, StatusCode::OK, "{card}");
        assert_eq!(card["name"], "Giulia Rossi");
        assert_eq!(card["email"], "giulia@example.test");
        assert_eq!(card["phone"], "+39 347 123 4567");
        assert_eq!(card["language"], "it");
        assert_eq!(card["language_source"], "agent");
        assert_eq!(card["timezone"], "Europe/Rome");
        assert_eq!(card["notes"], "Prefers WhatsApp.");
        assert_eq!(card["attributes"]["cart_value"], 59.9);
        let (_, list) = admin
            .get(&format!("/api/v1/conversations?channel={channel}"))
            .await;
        assert_eq!(list["items"][0]["contact_name"], "Giulia Rossi");

        // Wrong fields are refused by name, and nothing of the change is kept.
        for (bad, field) in [
            (json!({"email": "giulia"}), "email: "),
            (json!({"phone": "call me"}), "phone: "),
            (json!({"language": "italian"}), "language: "),
            (json!({"timezone": "Rome"}), "timezone: "),
            (json!({"name": "x".repeat(201)}), "name: "),
            (
                json!({"attributes": {"cart_value": "cheap"}}),
                "attributes.cart_value: ",
            ),
            (
                json!({"attributes": {"renewal": "31/01/2027"}}),
                "attributes.renewal: ",
            ),
            (
                json!({"attributes": {"crm": "javascript:alert(1)"}}),
                "attributes.crm: ",
            ),
            (
                json!({"attributes": {"shoe_size": 42}}),
                "attributes.shoe_size: ",
            ),
            (json!({"email": "ok@example.test", "vip": true}), "vip: "),
        ] {
            let (status, body) = admin
                .send(admin.request(reqwest::Method::PATCH, &path).json(&bad))
                .await;
            assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {body}");
            assert!(
                body["message"].as_str().unwrap().starts_with(field),
                "{body}"
            );
        }
        let (_, unchanged) = admin.get(&path).await;
        assert_eq!(unchanged["email"], "giulia@example.test");

        // Null clears; absent fields stay; an attribute set to null goes.
        let (status, card) = admin
            .send(admin.request(reqwest::Method::PATCH, &path).json(&json!({
                "phone": null, "language": null, "attributes": {"crm": null, "cart_value": 12}
            })))
            .await;
        assert_eq!(status, StatusCode::OK, "{card}");
        assert_eq!(card["phone"], serde_json::Value::Null);
        assert_eq!(card["language"], serde_json::Value::Null);
        assert_eq!(card["language_source"], serde_json::Value::Null);
        assert_eq!(card["email"], "giulia@example.test");
        assert_eq!(card["attributes"]["cart_value"], 12);
        assert!(card["attributes"].get("crm").is_none(), "{card}");

        // A definition removed: 204, then 404.
        let (status, _) = admin.delete("/api/v1/contact-attributes/crm").await;
        assert_eq!(status, StatusCode::NO_CONTENT);
        let (status, _) = admin.delete("/api/v1/contact-attributes/crm").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        app.stop().await;
    }
}

/// One person on two channels becomes one contact: both conversations are theirs,
/// what one card lacked comes from the other, and later messages find them.
#[tokio::test]
async fn two_contacts_of_one_person_are_merged() {
    for db in testing::backends().await {
        let app = TestApp::start(db.url.clone(), Some(db), false).await;
        let admin = app.admin().await;
        let site = Receiver::spawn(vec![]).await;
        let shop = Receiver::spawn(vec![]).await;
        let web = api_channel(&admin, &site).await;
        let app_channel = api_channel(&admin, &shop).await;
        let contact_of = |m: serde_json::Value| {
            let admin = admin.clone();
            async move {
                let (_, d) = admin
                    .get(&format!("/api/v1/conversations/{}", m["conversation_id"]))
                    .await;
                d["contact"]["id"].as_i64().unwrap()
            }
        };
        let (_, m1) = customer_says(&admin, web, "ana-web", "w1", "Hello from the site").await;
        let (_, m2) =
            customer_says(&admin, app_channel, "ana-app", "a1", "Hello from the app").await;
        let (_, m3) = customer_says(&admin, web, "bo-web", "w2", "I am someone else").await;
        let (ana, ana_too, bo) = (
            contact_of(m1.clone()).await,
            contact_of(m2.clone()).await,
            contact_of(m3).await,
        );
        let patch = |id: i64, body: serde_json::Value| {
            let admin = admin.clone();
            async move {
                let (status, b) = admin
                    .send(
                        admin
                            .request(reqwest::Method::PATCH, &format!("/api/v1/contacts/{id}"))
                            .json(&body),
                    )
                    .await;
                assert_eq!(status, StatusCode::OK, "{b}");
            }
        };
        patch(ana, json!({"notes": "Site customer."})).await;
        patch(
            ana_too,
            json!({"email": "ana@example.test", "notes": "App customer."}),
        )
        .await;

        // The other one is found by her email, with the channel she is known on;
        // the one merged into is left out; LIKE's wildcards are plain characters.
        let (status, found) = admin
            .get(&format!("/api/v1/contacts?q=ANA@example&except={ana}"))
            .await;
        assert_eq!(status, StatusCode::OK, "{found}");
        assert_eq!(
            found,
            json!([{"id": ana_too, "name": "Marie ana-app",
            "email": "ana@example.test", "phone": null, "channels": [app_channel]}])
        );
        let (_, found) = admin
            .get(&format!("/api/v1/contacts?q=marie&except={ana}"))
            .await;
        assert_eq!(found.as_array().unwrap().len(), 2, "{found}");
        assert_eq!(admin.get("/api/v1/contacts?q=%25%25").await.1, json!([]));
        let (status, body) = admin.get("/api/v1/contacts?q=a").await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(body["field"], "q");

        // Two contacts known on the same channel stay apart; so does a contact and itself.
        let (status, body) = admin
            .post(
                &format!("/api/v1/contacts/{ana}/merge"),
                json!({"from": bo}),
            )
            .await;
        assert_eq!(status, StatusCode::CONFLICT, "{body}");
        assert!(
            body["message"]
                .as_str()
                .unwrap()
                .contains(&format!("channel {web}")),
            "{body}"
        );
        let (status, _) = admin
            .post(
                &format!("/api/v1/contacts/{ana}/merge"),
                json!({"from": ana}),
            )
            .await;
        assert_eq!(status, StatusCode::CONFLICT);

        let (status, merged) = admin
            .post(
                &format!("/api/v1/contacts/{ana}/merge"),
                json!({"from": ana_too}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{merged}");
        assert_eq!(merged["email"], "ana@example.test");
        assert_eq!(merged["notes"], "Site customer.\n\nApp customer.");
        let (status, _) = admin.get(&format!("/api/v1/contacts/{ana_too}")).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "the other contact is gone");
        for m in [&m1, &m2] {
            let (_, d) = admin
                .get(&format!("/api/v1/conversations/{}", m["conversation_id"]))
                .await;
            assert_eq!(d["contact"]["id"], ana, "{d}");
        }
        // Her next message on the app lands in the same conversation, hers.
        let (_, m4) = customer_says(&admin, app_channel, "ana-app", "a2", "Still me").await;
        assert_eq!(m4["conversation_id"], m2["conversation_id"]);
        app.stop().await;
    }
}
