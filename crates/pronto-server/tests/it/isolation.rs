//! No workspace can read or change another's data: every endpoint with a foreign id,
//! and a foreign token.

use axum::http::StatusCode;
use serde_json::json;

use crate::support::{Receiver, TestApp, api_channel, customer_says};

#[tokio::test]
async fn every_endpoint_refuses_foreign_ids_and_tokens() {
    let app = TestApp::spawn().await;
    let admin_a = app.admin().await;
    let receiver = Receiver::spawn(vec![]).await;
    let channel_a = api_channel(&admin_a, &receiver).await;
    let (_, m) = customer_says(&admin_a, channel_a, "c1", "m1", "secret of A").await;
    let conv_a = m["conversation_id"].as_i64().unwrap();
    let (_, reply) = admin_a
        .post(
            "/api/v1/saved-replies",
            json!({"name": "A", "shortcut": "a", "text": "A"}),
        )
        .await;
    let reply_a = reply["id"].as_i64().unwrap();
    let (_, tok) = admin_a.post("/api/v1/tokens", json!({"name": "a"})).await;
    let token_a = tok["token"]["id"].as_i64().unwrap();
    let (_, hook) = admin_a
        .post(
            "/api/v1/webhooks",
            json!({"url": receiver.url, "kinds": ["message.created"]}),
        )
        .await;
    let hook_a = hook["id"].as_i64().unwrap();
    let rule = json!({"name": "A", "when": {"type": "customer_message"}, "then": [{"type": "label", "label": "a"}]});
    let (_, created) = admin_a.post("/api/v1/rules", rule.clone()).await;
    let rule_a = created["id"].as_i64().unwrap();
    let (status, _) = admin_a
        .post(
            "/api/v1/contact-attributes",
            json!({"key": "order_number", "label": "Order", "kind": "text"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);

    // Workspace B, with its own admin and token.
    let admin_b = crate::support::second_workspace_admin(&app).await;
    let (_, tok_b) = admin_b
        .post("/api/v1/tokens", json!({"name": "b", "role": "admin"}))
        .await;
    let token_b = admin_b.with_token(tok_b["secret"].as_str().unwrap());

    let (_, me_a) = admin_a.get("/api/v1/me").await;
    let user_a = me_a["user"]["id"].as_i64().or(me_a["id"].as_i64()).unwrap();
    let (_, detail_a) = admin_a
        .get(&format!("/api/v1/conversations/{conv_a}"))
        .await;
    let contact_a = detail_a["conversation"]["contact_id"].as_i64().unwrap();
    let message_a = detail_a["messages"][0]["id"].as_i64().unwrap();
    // The pages: B's person cannot open A's conversation or see it listed.
    for page in [
        format!("/ui/conversations/{conv_a}"),
        format!("/inbox?c={conv_a}"),
        format!("/settings/channels/{channel_a}"),
        format!("/ui/settings/channels/{channel_a}/presence"),
        format!("/ui/settings/channels/{channel_a}/week"),
        format!("/ui/settings/channels/{channel_a}/keywords"),
    ] {
        let (status, _) = admin_b.get(&page).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{page}");
    }
    let (_, list) = admin_b
        .get(&format!("/ui/list?folder=inbox&channel={channel_a}"))
        .await;
    assert!(!list.to_string().contains("data-conversation"), "{list}");
    let (status, _) = admin_b
        .post(
            &format!("/api/v1/conversations/{conv_a}/viewing"),
            json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND, "viewing");
    for b in [&admin_b, &token_b] {
        let c = format!("/api/v1/conversations/{conv_a}");
        let ch = format!("/api/v1/channels/{channel_a}");
        let r = format!("/api/v1/saved-replies/{reply_a}");
        let checks = [
            b.get(&c).await,
            b.post(&format!("{c}/assign"), json!({"user_id": null}))
                .await,
            b.post(&format!("{c}/move"), json!({"folder": "spam"}))
                .await,
            b.post(&format!("{c}/snooze"), json!({"until_reply": true}))
                .await,
            b.delete(&format!("{c}/snooze")).await,
            b.post(&format!("{c}/labels"), json!({"add": ["x"]})).await,
            b.post(
                &format!("{c}/messages"),
                json!({"text": "hi", "author": "bot"}),
            )
            .await,
            b.get(&ch).await,
            b.put(&format!("{ch}/status"), json!({"status": "away"}))
                .await,
            b.post(
                &format!("{ch}/inbound"),
                json!({"message_id": "x", "contact_id": "y", "text": "z"}),
            )
            .await,
            b.get(&format!("{ch}/responsiveness")).await,
            b.get(&format!(
                "/api/v1/exports/conversations.csv?channel={channel_a}"
            ))
            .await,
            b.get(&format!(
                "/api/v1/exports/responsiveness.csv?channel={channel_a}"
            ))
            .await,
            b.put(&r, json!({"name": "B", "shortcut": "b", "text": "B"}))
                .await,
            b.delete(&r).await,
            b.post(&format!("{r}/render"), json!({"conversation_id": conv_a}))
                .await,
            b.delete(&format!("/api/v1/tokens/{token_a}")).await,
            b.get(&format!("{ch}/dead-letters")).await,
            b.get(&format!("/api/v1/contacts/{contact_a}")).await,
            b.send(
                b.request(
                    reqwest::Method::PATCH,
                    &format!("/api/v1/contacts/{contact_a}"),
                )
                .json(&json!({"notes": "peek"})),
            )
            .await,
            b.post(
                &format!("/api/v1/contacts/{contact_a}/merge"),
                json!({"from": contact_a}),
            )
            .await,
            b.delete("/api/v1/contact-attributes/order_number").await,
            b.get(&format!("/api/v1/contacts/{contact_a}/picture"))
                .await,
            b.get(&format!("{ch}/templates")).await,
            b.post(&format!("{ch}/templates/sync"), json!({})).await,
            b.put(&format!("{ch}/token"), json!({"page_access_token": "x"}))
                .await,
            b.put(
                &format!("{ch}/webchat"),
                json!({"allowed_origins": ["https://x.test"]}),
            )
            .await,
            b.put(&format!("{ch}/mark-seen"), json!({"enabled": true}))
                .await,
            b.get(&format!("{ch}/automation")).await,
            b.post(&format!("{ch}/email/test"), json!({})).await,
            b.get(&format!("/api/v1/messages/{message_a}/email")).await,
            b.get(&format!("/api/v1/messages/{message_a}/email/raw"))
                .await,
            b.put(
                &format!("{ch}/automation"),
                json!({"instant_reply": {"enabled": true, "text": "Hi"}}),
            )
            .await,
            b.delete(&format!("/api/v1/webhooks/{hook_a}")).await,
            b.post(&format!("/api/v1/webhooks/{hook_a}/retry"), json!({}))
                .await,
            b.put(&format!("/api/v1/rules/{rule_a}"), rule.clone())
                .await,
            b.delete(&format!("/api/v1/rules/{rule_a}")).await,
            b.get(&format!("{ch}/routing")).await,
            b.put(&format!("{ch}/routing"), json!({"mode": "round_robin"}))
                .await,
            b.put(
                &format!("/api/v1/users/{user_a}/routing"),
                json!({"capacity": 1, "languages": [], "labels": []}),
            )
            .await,
            b.put(
                &format!("/api/v1/contacts/{contact_a}/routing"),
                json!({"vip": true}),
            )
            .await,
            b.get(&format!("{c}/assignments")).await,
            b.get(&format!("{c}/suggestions")).await,
            b.post(&format!("{c}/typing"), json!({})).await,
            b.post(&format!("/api/v1/messages/{message_a}/retry"), json!({}))
                .await,
            b.put(
                &format!("/api/v1/users/{user_a}/role"),
                json!({"role": "agent"}),
            )
            .await,
            b.post(&format!("/api/v1/users/{user_a}/reactivate"), json!({}))
                .await,
        ];
        for (i, (status, body)) in checks.iter().enumerate() {
            assert_eq!(*status, StatusCode::NOT_FOUND, "check {i}: {body}");
        }
        // Notes are for people: a token is refused before the id is looked at.
        let (status, _) = b.post(&format!("{c}/notes"), json!({"text": "peek"})).await;
        let expected = if std::ptr::eq(b, &admin_b) {
            StatusCode::NOT_FOUND
        } else {
            StatusCode::FORBIDDEN
        };
        assert_eq!(status, expected, "notes");
        let (_, list) = b.get("/api/v1/conversations").await;
        assert_eq!(list["items"], json!([]));
        let (status, found) = b.get("/api/v1/search?q=secret").await;
        assert_eq!(
            (status, &found["items"]),
            (StatusCode::OK, &json!([])),
            "search"
        );
        let (_, channels) = b.get("/api/v1/channels").await;
        assert_eq!(channels, json!([]));
        let (_, replies) = b.get("/api/v1/saved-replies").await;
        assert_eq!(replies, json!([]));
        assert_eq!(b.get("/api/v1/contact-attributes").await.1, json!([]));
        // A's contact ("Marie c1") is found by A, never by B.
        assert_eq!(b.get("/api/v1/contacts?q=marie").await.1, json!([]));
        assert_eq!(b.get("/api/v1/webhooks").await.1, json!([]));
        assert_eq!(b.get("/api/v1/rules").await.1, json!([]));
        assert!(
            !b.get("/api/v1/users")
                .await
                .1
                .to_string()
                .contains("admin@acme.test")
        );
    }
    let (_, found) = admin_a.get("/api/v1/contacts?q=marie").await;
    assert_eq!(found[0]["name"], "Marie c1", "{found}");
    // A's conversation is untouched.
    let (_, c) = admin_a
        .get(&format!("/api/v1/conversations/{conv_a}"))
        .await;
    assert_eq!(c["conversation"]["folder"], "inbox");
    assert_eq!(c["messages"].as_array().unwrap().len(), 1);
    assert_eq!(admin_a.get("/api/v1/webhooks").await.1[0]["id"], hook_a);
    assert_eq!(admin_a.get("/api/v1/rules").await.1[0]["id"], rule_a);
    // A user's deactivation cannot cross workspaces either.
    assert_eq!(
        admin_b
            .post(&format!("/api/v1/users/{}/deactivate", 1), json!({}))
            .await
            .0,
        StatusCode::NOT_FOUND
    );
}
