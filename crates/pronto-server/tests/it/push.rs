//! Web Push end to end: a device's subscription whose push service is a receiver in
//! this test; the alerts worker posts it a payload encrypted per RFC 8291 with a
//! VAPID signature, which the test decrypts with the device's own private key; the
//! person's preferences and quiet hours hold on the device too.

use axum::http::{HeaderMap, StatusCode};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use p256::ecdsa::signature::Verifier;
use p256::elliptic_curve::sec1::ToEncodedPoint;
use serde_json::{Value, json};
use tokio::sync::mpsc;

use crate::support::{Receiver, TestApp, api_channel, customer_says};

/// A push service: records each request (headers, body) and answers 201, or 410
/// at `/gone`.
async fn push_service() -> (String, mpsc::UnboundedReceiver<(HeaderMap, Vec<u8>)>) {
    use axum::routing::post;
    let (tx, rx) = mpsc::unbounded_channel();
    let tx2 = tx.clone();
    let app = axum::Router::new()
        .route(
            "/device",
            post(move |h: HeaderMap, b: axum::body::Bytes| {
                let tx = tx.clone();
                async move {
                    let _ = tx.send((h, b.to_vec()));
                    StatusCode::CREATED
                }
            }),
        )
        .route(
            "/gone",
            post(move |h: HeaderMap, b: axum::body::Bytes| {
                let tx = tx2.clone();
                async move {
                    let _ = tx.send((h, b.to_vec()));
                    StatusCode::GONE
                }
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{addr}"), rx)
}

/// The device's keys: its private key (which only the test has) and the
/// subscription's `keys` as a browser gives them.
fn device() -> (p256::SecretKey, web_push_native::Auth, Value) {
    let secret = p256::SecretKey::from_slice(&[7u8; 32]).unwrap();
    let auth = [9u8; 16];
    let keys = json!({
        "p256dh": URL_SAFE_NO_PAD.encode(secret.public_key().to_encoded_point(false).as_bytes()),
        "auth": URL_SAFE_NO_PAD.encode(auth),
    });
    (secret, web_push_native::Auth::clone_from_slice(&auth), keys)
}

async fn drain(app: &TestApp) {
    while pronto_server::alerts::step(&app.state).await.unwrap() {}
}

#[tokio::test]
async fn a_device_gets_encrypted_signed_alerts_as_the_person_prefers() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let receiver = Receiver::spawn(vec![]).await;
    let channel = api_channel(&admin, &receiver).await;
    drain(&app).await;
    let (base, mut pushed) = push_service().await;
    let (secret, auth, keys) = device();

    // Bad subscriptions name their field.
    for (body, field) in [
        (
            json!({"endpoint": "ftp://push.test/x", "keys": keys}),
            "endpoint",
        ),
        (
            json!({"endpoint": format!("{base}/device"), "keys": {"p256dh": "AAAA", "auth": keys["auth"]}}),
            "keys.p256dh",
        ),
        (
            json!({"endpoint": format!("{base}/device"), "keys": {"p256dh": keys["p256dh"], "auth": "AAAA"}}),
            "keys.auth",
        ),
    ] {
        let (status, error) = admin.post("/api/v1/me/push-subscriptions", body).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{error}");
        assert_eq!(error["field"], field);
    }
    let (status, sub) = admin
        .post(
            "/api/v1/me/push-subscriptions",
            json!({"endpoint": format!("{base}/device"), "keys": keys}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{sub}");
    assert!(
        sub.get("auth").is_none(),
        "the device's secret is not shown"
    );
    let (_, gone) = admin
        .post(
            "/api/v1/me/push-subscriptions",
            json!({"endpoint": format!("{base}/gone"), "keys": keys}),
        )
        .await;
    let (_, key) = admin.get("/api/v1/push/key").await;
    let server_key = key["public_key"].as_str().unwrap().to_owned();
    // The same key on every call (made once, kept).
    assert_eq!(
        admin.get("/api/v1/push/key").await.1["public_key"],
        server_key
    );

    // A new conversation: the device gets it, encrypted to it.
    let (_, m) = customer_says(&admin, channel, "c1", "m1", "Is my order shipped?").await;
    let conversation = m["conversation_id"].as_i64().unwrap();
    drain(&app).await;
    let (headers, body) = pushed.recv().await.unwrap();
    assert_eq!(headers["content-encoding"], "aes128gcm");
    assert!(
        !String::from_utf8_lossy(&body).contains("shipped"),
        "encrypted"
    );
    let plain =
        web_push_native::decrypt(body, &secret, &auth).expect("decrypts with the device's key");
    let alert: Value = serde_json::from_slice(&plain).unwrap();
    assert_eq!(
        alert,
        json!({"title": "New conversation: Marie c1", "body": "Is my order shipped?", "conversation_id": conversation})
    );
    // Signed by the server's VAPID key, for the push service's origin.
    let authorization = headers["authorization"].to_str().unwrap();
    let (token, k) = authorization
        .strip_prefix("vapid t=")
        .and_then(|rest| rest.split_once(", k="))
        .expect("vapid t=..., k=...");
    assert_eq!(k, server_key);
    let (input, signature) = token.rsplit_once('.').unwrap();
    let verifying =
        p256::ecdsa::VerifyingKey::from_sec1_bytes(&URL_SAFE_NO_PAD.decode(k).unwrap()).unwrap();
    let signature =
        p256::ecdsa::Signature::from_slice(&URL_SAFE_NO_PAD.decode(signature).unwrap()).unwrap();
    verifying
        .verify(input.as_bytes(), &signature)
        .expect("a valid ES256 signature");
    let claims: Value = serde_json::from_slice(
        &URL_SAFE_NO_PAD
            .decode(input.split('.').nth(1).unwrap())
            .unwrap(),
    )
    .unwrap();
    assert_eq!(claims["aud"], base);
    // The other device's push service said it is gone: it is forgotten.
    let (_, _) = pushed.recv().await.unwrap();
    let (_, devices) = admin.get("/api/v1/me/push-subscriptions").await;
    let ids: Vec<_> = devices
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].clone())
        .collect();
    assert_eq!(ids, [sub["id"].clone()], "{gone}");

    // "Nothing" of the message: the device learns only that something happened.
    let (status, _) = admin
        .put("/api/v1/me/alerts", json!({"preview": "nothing"}))
        .await;
    assert_eq!(status, StatusCode::OK);
    let (_, me) = admin.get("/api/v1/me").await;
    let ada = me["id"].as_i64().or(me["user"]["id"].as_i64()).unwrap();
    admin
        .post(
            &format!("/api/v1/conversations/{conversation}/assign"),
            json!({"user_id": ada}),
        )
        .await;
    drain(&app).await;
    let (_, body) = pushed.recv().await.unwrap();
    let alert: Value =
        serde_json::from_slice(&web_push_native::decrypt(body, &secret, &auth).unwrap()).unwrap();
    assert_eq!(
        alert,
        json!({"title": "Assigned to you: A customer", "body": "", "conversation_id": conversation})
    );

    // Quiet hours all day long: nothing is sent.
    let (status, _) = admin
        .put(
            "/api/v1/me/alerts",
            json!({"quiet_hours": {"timezone": "UTC", "from": "00:00", "to": "23:59"}}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    customer_says(&admin, channel, "c1", "m2", "Hello again").await;
    drain(&app).await;
    assert!(pushed.try_recv().is_err(), "nothing during quiet hours");

    // Devices are the person's own: another person cannot remove this one.
    let (status, _) = admin
        .post(
            "/api/v1/users",
            json!({"email": "bo@acme.test", "name": "Bo", "role": "admin", "password": "long enough pw"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    let bo = app.login("bo@acme.test", "long enough pw").await;
    let id = sub["id"].as_i64().unwrap();
    assert_eq!(
        bo.delete(&format!("/api/v1/me/push-subscriptions/{id}"))
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(bo.get("/api/v1/me/push-subscriptions").await.1, json!([]));
    assert_eq!(
        admin
            .delete(&format!("/api/v1/me/push-subscriptions/{id}"))
            .await
            .0,
        StatusCode::NO_CONTENT
    );
}
