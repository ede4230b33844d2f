//! The Cloud API's rules at their edges: the window (24 h minus 1 µs and 24 h), the
//! bearer token and `appsecret_proof`, templates (missing, paused, wrong count),
//! read receipts, statuses as signed webhooks, and media URLs that expire.

use pronto_sandbox::{WhatsAppNumber, appsecret_proof};
use serde_json::{Value, json};

use crate::support::{Graph, T0};

const PNID: &str = "106540352242922";
const SECRET: &str = "wa-secret";
const TOKEN: &str = "EAAG-wa";
const DAY: i64 = 86_400_000_000;

async fn graph() -> Graph {
    let g = Graph::spawn().await;
    g.sandbox.add_whatsapp(
        WhatsAppNumber::new(PNID, "WABA", SECRET, TOKEN).with_template(
            "order_update",
            "en_US",
            "UTILITY",
            "Order {{1}} ships {{2}}.",
        ),
    );
    g
}

async fn post(g: &Graph, token: &str, proof: Option<&str>, body: Value) -> (u16, Value) {
    let mut r = reqwest::Client::new()
        .post(format!("{}/v25.0/{PNID}/messages", g.url))
        .bearer_auth(token)
        .json(&body);
    if let Some(p) = proof {
        r = r.query(&[("appsecret_proof", p)]);
    }
    let r = r.send().await.unwrap();
    (r.status().as_u16(), r.json().await.unwrap())
}

fn text(to: &str) -> Value {
    json!({"messaging_product": "whatsapp", "recipient_type": "individual", "to": to,
        "type": "text", "text": {"preview_url": false, "body": "hi"}})
}

#[tokio::test]
async fn free_text_goes_until_the_24th_hour_then_only_templates() {
    let g = graph().await;
    g.sandbox
        .whatsapp_customer_text(PNID, "16505551234", "Sheena", "hello", T0);
    let proof = appsecret_proof(SECRET, TOKEN);
    g.set_time(T0 + DAY - 1);
    let (status, ok) = post(&g, TOKEN, Some(&proof), text("+16505551234")).await;
    assert_eq!(status, 200, "{ok}");
    assert!(
        ok["messages"][0]["id"]
            .as_str()
            .unwrap()
            .starts_with("wamid.")
    );
    assert_eq!(ok["contacts"][0]["wa_id"], "16505551234");
    g.set_time(T0 + DAY);
    let (status, refused) = post(&g, TOKEN, Some(&proof), text("+16505551234")).await;
    assert_eq!(status, 400);
    assert_eq!(refused["error"]["code"], 131047);
    assert!(
        refused["error"]["error_data"]["details"]
            .as_str()
            .unwrap()
            .contains("24 hours")
    );
    let template = |name: &str, params: Vec<&str>| {
        let params: Vec<Value> = params
            .into_iter()
            .map(|p| json!({"type": "text", "text": p}))
            .collect();
        json!({"messaging_product": "whatsapp", "to": "+16505551234", "type": "template",
            "template": {"name": name, "language": {"code": "en_US"},
                "components": [{"type": "body", "parameters": params}]}})
    };
    let (status, sent) = post(
        &g,
        TOKEN,
        None,
        template("order_update", vec!["A1", "today"]),
    )
    .await;
    assert_eq!(status, 200, "{sent}");
    let (_, missing) = post(&g, TOKEN, None, template("nope", vec![])).await;
    assert_eq!(missing["error"]["code"], 132001);
    let (_, count) = post(&g, TOKEN, None, template("order_update", vec!["A1"])).await;
    assert_eq!(count["error"]["code"], 132000);
    g.sandbox
        .with_whatsapp(PNID, |n| n.templates[0]["status"] = json!("PAUSED"));
    let (_, paused) = post(&g, TOKEN, None, template("order_update", vec!["A1", "x"])).await;
    assert_eq!(paused["error"]["code"], 132015);
}

#[tokio::test]
async fn the_token_and_the_proof_are_checked() {
    let g = graph().await;
    let (status, e) = post(&g, "wrong", None, text("+1")).await;
    assert_eq!((status, e["error"]["code"].clone()), (400, json!(190)));
    let (_, e) = post(&g, TOKEN, Some("bad"), text("+1")).await;
    assert_eq!(e["error"]["code"], 100);
    let receipt =
        json!({"messaging_product": "whatsapp", "status": "read", "message_id": "wamid.X"});
    let (status, ok) = post(&g, TOKEN, None, receipt).await;
    assert_eq!((status, ok), (200, json!({"success": true})));
    let bad = json!({"messaging_product": "whatsapp", "status": "read", "message_id": "m_1"});
    assert_eq!(post(&g, TOKEN, None, bad).await.1["error"]["code"], 131009);
}

#[tokio::test]
async fn statuses_are_signed_webhooks_with_pricing() {
    let g = graph().await;
    // A receiver that records what it gets.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::<(String, Vec<u8>)>::new()));
    let s = seen.clone();
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(
            move |headers: axum::http::HeaderMap, body: axum::body::Bytes| {
                let s = s.clone();
                async move {
                    let sig = headers["x-hub-signature-256"].to_str().unwrap().to_owned();
                    s.lock().unwrap().push((sig, body.to_vec()));
                    "ok"
                }
            },
        ),
    );
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    g.sandbox
        .with_whatsapp(PNID, |n| n.callback_url = Some(url));
    g.sandbox
        .whatsapp_customer_text(PNID, "16505551234", "Sheena", "h\u{e9}llo", T0);
    post(&g, TOKEN, None, text("16505551234")).await;
    let d = g.sandbox.deliver_pending().await;
    assert_eq!((d.ok, d.failed), (2, 0));
    let seen = seen.lock().unwrap().clone();
    for (sig, body) in &seen {
        assert_eq!(*sig, pronto_sandbox::sign(SECRET, body));
        assert!(body.is_ascii(), "unicode escaped");
    }
    let statuses: Value = serde_json::from_slice(&seen[1].1).unwrap();
    let s = &statuses["entry"][0]["changes"][0]["value"]["statuses"];
    assert_eq!(s[0]["status"], "sent");
    assert_eq!(s[0]["pricing"]["type"], "free_customer_service");
    assert_eq!(s[1]["status"], "delivered");
}

#[tokio::test]
async fn media_urls_need_the_token_and_expire_after_five_minutes() {
    let g = graph().await;
    let (_, media) = g.sandbox.whatsapp_customer_media(
        PNID,
        "16505551234",
        "Sheena",
        "image",
        "image/png",
        b"png bytes".to_vec(),
        None,
        T0,
    );
    let client = reqwest::Client::new();
    let info: Value = client
        .get(format!("{}/v25.0/{media}", g.url))
        .bearer_auth(TOKEN)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(info["mime_type"], "image/png");
    let url = info["url"].as_str().unwrap().to_owned();
    let get = |token: Option<&str>| {
        let mut r = client.get(&url);
        if let Some(t) = token {
            r = r.bearer_auth(t);
        }
        r.send()
    };
    assert_eq!(get(None).await.unwrap().status(), 401);
    let ok = get(Some(TOKEN)).await.unwrap();
    assert_eq!(ok.status(), 200);
    assert_eq!(ok.bytes().await.unwrap().as_ref(), b"png bytes");
    g.set_time(T0 + 5 * 60_000_000);
    assert_eq!(get(Some(TOKEN)).await.unwrap().status(), 404, "expired");
}
