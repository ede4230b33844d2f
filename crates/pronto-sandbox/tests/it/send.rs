//! The Send API: proofs, tokens, the window and tag rules, content limits, private
//! replies, sender actions and scripted errors.

use pronto_sandbox::{DAY, GraphError};
use serde_json::{Value, json};

use crate::support::{Graph, IG_TOKEN, SECRET, T0, TOKEN, code};

fn text(to: &str, t: &str) -> Value {
    json!({"recipient": {"id": to}, "messaging_type": "RESPONSE", "message": {"text": t}})
}

#[tokio::test]
async fn the_proof_and_the_token_are_checked_before_anything_else() {
    let g = Graph::spawn().await;
    g.sandbox.customer_message("PAGE", "PSID", "Ana", "hi", T0);
    let (s, a) = g
        .post_raw(
            &format!("/PAGE/messages?access_token={TOKEN}"),
            text("PSID", "x"),
        )
        .await;
    assert_eq!((s, code(&a).0), (400, 100), "{a}");
    assert!(
        a["error"]["message"]
            .as_str()
            .unwrap()
            .contains("appsecret_proof")
    );
    let wrong = pronto_sandbox::appsecret_proof("other-secret", TOKEN);
    let (s, a) = g
        .post_raw(
            &format!("/PAGE/messages?access_token={TOKEN}&appsecret_proof={wrong}"),
            text("PSID", "x"),
        )
        .await;
    assert_eq!((s, code(&a).0), (400, 100), "{a}");
    let (s, a) = g.send("PAGE", "not-a-token", text("PSID", "x")).await;
    assert_eq!((s, code(&a)), (400, (190, 460)), "{a}");
    assert_eq!(a["error"]["type"], "OAuthException");
    assert!(a["error"]["fbtrace_id"].is_string());
    // Another page's id with this page's token.
    let (_, a) = g.send("IG", TOKEN, text("PSID", "x")).await;
    assert_eq!(code(&a), (100, 33), "{a}");

    let (s, ok) = g.send("PAGE", TOKEN, text("PSID", "x")).await;
    assert_eq!(s, 200, "{ok}");
    assert_eq!(ok["recipient_id"], "PSID");
    assert!(ok["message_id"].as_str().unwrap().starts_with("m_"));
    let (s, ok2) = g.send("me", TOKEN, text("PSID", "y")).await;
    assert_eq!(s, 200, "{ok2}");
    assert_ne!(ok["message_id"], ok2["message_id"]);
    let (s, _) = g
        .post_raw(
            &format!(
                "/v25.0/me/messages?access_token={TOKEN}&appsecret_proof={}",
                pronto_sandbox::appsecret_proof(SECRET, TOKEN)
            ),
            text("PSID", "z"),
        )
        .await;
    assert_eq!(s, 200, "the versioned path answers too");

    let log = g.sandbox.requests();
    let proofs: Vec<bool> = log.iter().map(|r| r.proof_ok).collect();
    assert_eq!(proofs, vec![false, false, false, true, true, true, true]);
    assert_eq!(log[3].path, "/IG/messages");
    assert_eq!(log[4].body["message"]["text"], "x");
    assert_eq!(log[4].param("access_token"), Some(TOKEN));

    g.sandbox.revoke_token(TOKEN);
    let (_, a) = g.send("PAGE", TOKEN, text("PSID", "x")).await;
    assert_eq!(code(&a), (190, 460), "a revoked token");
}

#[tokio::test]
async fn the_window_closes_at_exactly_24_hours() {
    let g = Graph::spawn().await;
    g.sandbox.customer_message("PAGE", "PSID", "Ana", "hi", T0);
    g.sandbox.customer_message("IG", "IGSID", "ana", "hi", T0);
    g.set_time(T0 + DAY - 1);
    assert_eq!(g.send("PAGE", TOKEN, text("PSID", "a")).await.0, 200);
    assert_eq!(g.send("IG", IG_TOKEN, text("IGSID", "a")).await.0, 200);
    g.set_time(T0 + DAY);
    let (s, a) = g.send("PAGE", TOKEN, text("PSID", "a")).await;
    assert_eq!((s, code(&a)), (400, (10, 2_018_278)), "{a}");
    let (_, a) = g.send("IG", IG_TOKEN, text("IGSID", "a")).await;
    assert_eq!(code(&a), (10, 2_534_022), "{a}");
    // A postback or a reaction opens it again, as a message does.
    g.sandbox.customer_acted("PAGE", "PSID", T0 + DAY);
    assert_eq!(g.send("PAGE", TOKEN, text("PSID", "a")).await.0, 200);
    // The page's own messages do not.
    g.set_time(T0 + 3 * DAY);
    assert_eq!(
        code(&g.send("PAGE", TOKEN, text("PSID", "a")).await.1),
        (10, 2_018_278)
    );
    let (_, a) = g.send("PAGE", TOKEN, text("STRANGER", "a")).await;
    assert_eq!(code(&a), (100, 2_018_001), "unknown PSID: {a}");
}

fn tagged(to: &str, tag: &str) -> Value {
    json!({"recipient": {"id": to}, "messaging_type": "MESSAGE_TAG", "tag": tag, "message": {"text": "Following up"}})
}

#[tokio::test]
async fn human_agent_extends_the_window_to_7_days_only_with_the_feature() {
    let g = Graph::spawn().await;
    g.sandbox.customer_message("PAGE", "PSID", "Ana", "hi", T0);
    g.set_time(T0 + 2 * DAY);
    let (_, a) = g.send("PAGE", TOKEN, tagged("PSID", "HUMAN_AGENT")).await;
    assert_eq!(code(&a), (10, 2_018_278), "without the feature: {a}");
    let mut page = g.sandbox.page("PAGE").unwrap();
    page.human_agent = true;
    g.sandbox.add_page(page);
    assert_eq!(
        g.send("PAGE", TOKEN, tagged("PSID", "HUMAN_AGENT")).await.0,
        200
    );
    g.set_time(T0 + 7 * DAY - 1);
    assert_eq!(
        g.send("PAGE", TOKEN, tagged("PSID", "HUMAN_AGENT")).await.0,
        200
    );
    g.set_time(T0 + 7 * DAY);
    assert_eq!(
        code(&g.send("PAGE", TOKEN, tagged("PSID", "HUMAN_AGENT")).await.1),
        (10, 2_018_278)
    );
    // RESPONSE is still judged by 24 hours.
    g.set_time(T0 + 2 * DAY);
    assert_eq!(
        code(&g.send("PAGE", TOKEN, text("PSID", "x")).await.1),
        (10, 2_018_278)
    );
}

#[tokio::test]
async fn retired_and_unknown_tags_and_missing_fields_are_code_100() {
    let g = Graph::spawn().await;
    g.sandbox.customer_message("PAGE", "PSID", "Ana", "hi", T0);
    for tag in [
        "CONFIRMED_EVENT_UPDATE",
        "ACCOUNT_UPDATE",
        "POST_PURCHASE_UPDATE",
        "NOT_A_TAG",
    ] {
        let (s, a) = g.send("PAGE", TOKEN, tagged("PSID", tag)).await;
        assert_eq!((s, code(&a).0), (400, 100), "{tag}: {a}");
    }
    let bad = [
        json!({"recipient": {"id": "PSID"}, "message": {"text": "no type"}}),
        json!({"recipient": {"id": "PSID", "comment_id": "1"}, "messaging_type": "RESPONSE", "message": {"text": "two"}}),
        json!({"recipient": {}, "messaging_type": "RESPONSE", "message": {"text": "none"}}),
        json!({"recipient": {"id": "PSID"}, "messaging_type": "RESPONSE", "message": {}}),
        json!({"recipient": {"id": "PSID"}, "messaging_type": "RESPONSE", "message": {"attachment": {"type": "sticker", "payload": {"url": "u"}}}}),
        json!({"recipient": {"id": "PSID"}, "messaging_type": "RESPONSE", "message": {"attachment": {"type": "image", "payload": {}}}}),
        json!({"recipient": {"id": "PSID"}, "messaging_type": "RESPONSE", "message": {"text": "m", "metadata": "x".repeat(1000)}}),
        json!({"recipient": {"id": "PSID"}, "messaging_type": "RESPONSE", "message": {"text": "q", "quick_replies": (0..14).map(|i| json!({"content_type": "text", "title": format!("t{i}"), "payload": "p"})).collect::<Vec<_>>()}}),
        json!({"recipient": {"id": "PSID"}, "messaging_type": "RESPONSE", "message": {"text": "q", "quick_replies": [{"content_type": "text", "title": "x".repeat(21), "payload": "p"}]}}),
        json!({"recipient": {"id": "PSID"}, "messaging_type": "RESPONSE", "message": {"text": "q", "quick_replies": [{"content_type": "text", "title": "t", "payload": "p".repeat(1001)}]}}),
        json!({"recipient": {"id": "PSID"}, "sender_action": "typing_on", "messaging_type": "RESPONSE"}),
        json!({"recipient": {"id": "PSID"}, "sender_action": "dance"}),
        json!({"recipient": {"id": "PSID"}, "sender_action": "react", "payload": {"reaction": "x"}}),
    ];
    for body in bad {
        let (s, a) = g.send("PAGE", TOKEN, body.clone()).await;
        assert_eq!((s, code(&a).0), (400, 100), "{body}: {a}");
        assert!(
            a["error"]["message"]
                .as_str()
                .unwrap()
                .starts_with("(#100)")
        );
    }
    let good = [
        json!({"recipient": {"id": "PSID"}, "messaging_type": "RESPONSE", "message": {"text": "m", "metadata": "x".repeat(999)}}),
        json!({"recipient": {"id": "PSID"}, "messaging_type": "UPDATE", "message": {"attachment": {"type": "image", "payload": {"url": "https://x/y.png"}}}}),
        json!({"recipient": {"id": "PSID"}, "messaging_type": "RESPONSE", "message": {"text": "q", "quick_replies": (0..13).map(|i| json!({"content_type": "text", "title": "x".repeat(20), "payload": format!("p{i}")})).collect::<Vec<_>>()}}),
    ];
    for body in good {
        let (s, a) = g.send("PAGE", TOKEN, body.clone()).await;
        assert_eq!(s, 200, "{body}: {a}");
    }
    for action in ["typing_on", "typing_off", "mark_seen"] {
        let (s, a) = g
            .send(
                "PAGE",
                TOKEN,
                json!({"recipient": {"id": "PSID"}, "sender_action": action}),
            )
            .await;
        assert_eq!((s, a), (200, json!({"recipient_id": "PSID"})));
    }
    let (s, a) = g.send("PAGE", TOKEN, json!({"recipient": {"id": "PSID"}, "sender_action": "react", "payload": {"message_id": "m_1", "reaction": "love"}})).await;
    assert_eq!((s, a), (200, json!({"recipient_id": "PSID"})));
}

#[tokio::test]
async fn text_limits_differ_between_messenger_and_instagram() {
    let g = Graph::spawn().await;
    g.sandbox.customer_message("PAGE", "PSID", "Ana", "hi", T0);
    g.sandbox.customer_message("IG", "IGSID", "ana", "hi", T0);
    assert_eq!(
        g.send("PAGE", TOKEN, text("PSID", &"é".repeat(1999)))
            .await
            .0,
        200
    );
    assert_eq!(
        code(
            &g.send("PAGE", TOKEN, text("PSID", &"é".repeat(2000)))
                .await
                .1
        )
        .0,
        100
    );
    assert_eq!(
        g.send("IG", IG_TOKEN, text("IGSID", &"a".repeat(1000)))
            .await
            .0,
        200
    );
    // 500 characters but 1000 bytes passes; 501 of them are 1002 bytes.
    assert_eq!(
        g.send("IG", IG_TOKEN, text("IGSID", &"é".repeat(500)))
            .await
            .0,
        200
    );
    assert_eq!(
        code(
            &g.send("IG", IG_TOKEN, text("IGSID", &"é".repeat(501)))
                .await
                .1
        )
        .0,
        100
    );
}

#[tokio::test]
async fn a_comment_gets_one_private_reply_within_7_days() {
    let g = Graph::spawn().await;
    g.sandbox.add_customer("PAGE", "PSID", "Ana");
    g.sandbox.add_comment("PAGE", "POST_1", "PSID", T0);
    g.sandbox.add_comment("PAGE", "POST_2", "PSID", T0);
    let reply =
        |c: &str| json!({"recipient": {"comment_id": c}, "message": {"text": "We wrote to you"}});
    g.set_time(T0 + 7 * DAY - 1);
    let (s, a) = g.send("PAGE", TOKEN, reply("POST_1")).await;
    assert_eq!(s, 200, "{a}");
    assert_eq!(a["recipient_id"], "PSID");
    let (_, a) = g.send("PAGE", TOKEN, reply("POST_1")).await;
    assert_eq!(code(&a).0, 10900, "{a}");
    assert!(
        a["error"]["message"]
            .as_str()
            .unwrap()
            .contains("Activity already replied to")
    );
    g.set_time(T0 + 7 * DAY);
    assert_eq!(
        code(&g.send("PAGE", TOKEN, reply("POST_2")).await.1),
        (100, 2_534_025)
    );
    assert_eq!(
        code(&g.send("PAGE", TOKEN, reply("UNKNOWN")).await.1),
        (100, 2_534_025)
    );
    // A private reply does not open the messaging window.
    assert_eq!(
        code(&g.send("PAGE", TOKEN, text("PSID", "x")).await.1),
        (10, 2_018_278)
    );
}

#[tokio::test]
async fn scripted_errors_answer_the_next_calls_in_order_then_the_rules_resume() {
    let g = Graph::spawn().await;
    g.sandbox.customer_message("PAGE", "PSID", "Ana", "hi", T0);
    g.sandbox.push_error(
        400,
        GraphError::new(613, None, "Calls to this api have exceeded the rate limit.").body(1),
    );
    g.sandbox.push_error(400, GraphError::token().body(2));
    g.sandbox.push_error(500, json!({"error": {"message": "An unexpected error has occurred.", "code": 2, "is_transient": true}}));
    let mut answers = Vec::new();
    for _ in 0..4 {
        let (s, a) = g.send("PAGE", TOKEN, text("PSID", "x")).await;
        answers.push((s, code(&a).0));
    }
    assert_eq!(answers, vec![(400, 613), (400, 190), (500, 2), (200, 0)]);
    // A scripted answer is logged like any other.
    let log = g.sandbox.requests();
    assert_eq!(
        log.iter().map(|r| r.status).collect::<Vec<_>>(),
        vec![400, 400, 500, 200]
    );
    assert!(log.iter().all(|r| r.proof_ok));
    // An error of any platform, for instance an Instagram window refusal.
    g.sandbox
        .push_error(400, GraphError::new(10, Some(2_534_022), "outside").body(3));
    assert_eq!(
        code(&g.send("PAGE", TOKEN, text("PSID", "x")).await.1),
        (10, 2_534_022)
    );
}

#[tokio::test]
async fn an_instagram_comment_opens_the_commenters_window_a_page_comment_does_not() {
    let g = Graph::spawn().await;
    g.sandbox.customer_message("IG", "IGSID", "ana", "hi", T0);
    g.sandbox.customer_message("PAGE", "PSID", "Ana", "hi", T0);
    g.sandbox.add_comment("IG", "IG_C1", "IGSID", T0 + 2 * DAY);
    g.sandbox.add_comment("PAGE", "FB_C1", "PSID", T0 + 2 * DAY);
    g.set_time(T0 + 2 * DAY + 60_000_000);
    assert_eq!(g.send("IG", IG_TOKEN, text("IGSID", "a")).await.0, 200);
    assert_eq!(
        code(&g.send("PAGE", TOKEN, text("PSID", "x")).await.1),
        (10, 2_018_278)
    );
}
