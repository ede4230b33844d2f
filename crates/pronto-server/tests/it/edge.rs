//! The HTTP edge: requests from other origins, security headers, connection
//! timeouts and the connection cap.

use axum::http::StatusCode;
use reqwest::Method;
use serde_json::{Value, json};

use crate::support::{Client, TestApp};

/// Creates an agent; returns its id.
async fn agent(admin: &Client, email: &str) -> i64 {
    let (status, body) = admin
        .post(
            "/api/v1/users",
            json!({"email": email, "name": "Bo Agent", "role": "agent", "password": "correct horse battery"}),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body["id"].as_i64().expect("an id")
}

async fn is_active(admin: &Client, id: i64) -> bool {
    let (_, users) = admin.get("/api/v1/users").await;
    let member = users
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == id)
        .cloned()
        .unwrap_or(Value::Null);
    assert!(!member.is_null(), "user {id} in {users}");
    member["deactivated_at"].is_null()
}

#[tokio::test]
async fn cookie_requests_from_other_origins_are_refused() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let bo = agent(&admin, "bo@acme.test").await;
    let path = format!("/api/v1/users/{bo}/deactivate");
    let port = app.addr.port();
    let refused = [
        Some("http://evil.example".to_owned()),
        // The same site on another port.
        Some(format!("http://127.0.0.1:{}", port.wrapping_add(1))),
        Some("null".to_owned()),
        // No Origin and no Referer.
        None,
    ];
    for origin in &refused {
        let (status, body) = admin
            .send(admin.cross_site(Method::POST, &path, origin.as_deref()))
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{origin:?}: {body}");
        assert_eq!(body["code"], "cross_origin", "{origin:?}: {body}");
        assert!(is_active(&admin, bo).await, "{origin:?} deactivated a user");
    }
    // A Referer from another site, when the browser sent no Origin.
    let r = admin
        .cross_site(Method::POST, &path, None)
        .header("referer", "http://evil.example/page");
    assert_eq!(admin.send(r).await.0, StatusCode::FORBIDDEN);
    // Signing out from another site does not sign the person out.
    let (status, _) = admin
        .send(admin.cross_site(
            Method::POST,
            "/api/v1/auth/logout",
            Some("http://evil.example"),
        ))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(admin.get("/api/v1/me").await.0, StatusCode::OK);
    // Signing in from another site (login CSRF) is refused too.
    let login = app
        .anonymous()
        .cross_site(
            Method::POST,
            "/api/v1/auth/login",
            Some("http://evil.example"),
        )
        .json(&json!({"email": "admin@acme.test", "password": "correct horse battery"}));
    let (status, body) = admin.send(login).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (StatusCode::FORBIDDEN, Some("cross_origin"))
    );

    // From Pronto's own pages: the Origin, or only a Referer.
    let r = admin
        .cross_site(Method::POST, &path, None)
        .header("referer", app.url("/settings"));
    let (status, body) = admin.send(r).await;
    assert!(status.is_success(), "{status} {body}");
    assert!(!is_active(&admin, bo).await);
    let (status, body) = admin
        .post(&format!("/api/v1/users/{bo}/reactivate"), json!({}))
        .await;
    assert!(status.is_success(), "{status} {body}");
    assert!(is_active(&admin, bo).await);
}

#[tokio::test]
async fn a_sibling_subdomain_is_another_origin_and_tokens_need_no_origin() {
    let db = pronto_store::testing::sqlite().await;
    let app = TestApp::start_with(db.url.clone(), Some(db), false, |c| {
        c.public_url = "https://inbox.acme.test".into();
    })
    .await;
    let admin = app.admin().await;
    let bo = agent(&admin, "bo@acme.test").await;
    let path = format!("/api/v1/users/{bo}/deactivate");
    for origin in [
        "https://chat.acme.test",
        "https://acme.test",
        "http://inbox.acme.test",
    ] {
        let (status, _) = admin
            .send(admin.cross_site(Method::POST, &path, Some(origin)))
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{origin}");
    }
    // The public URL's origin is Pronto's own, whatever Host the request came to.
    let (status, body) = admin
        .send(admin.cross_site(Method::POST, &path, Some("https://inbox.acme.test")))
        .await;
    assert!(status.is_success(), "{status} {body}");

    // An API token needs no Origin: a foreign page cannot make a browser send it.
    let (_, created) = admin
        .post("/api/v1/tokens", json!({"name": "zapier", "role": "admin"}))
        .await;
    let bot = admin.with_token(created["secret"].as_str().unwrap());
    let r = bot.request(Method::POST, &format!("/api/v1/users/{bo}/reactivate"));
    let (status, body) = bot.send(r).await;
    assert!(status.is_success(), "{status} {body}");
}

/// The headers every answer carries, whatever made it.
fn assert_secure(r: &reqwest::Response, what: &str) {
    let h = r.headers();
    let get = |name: &str| {
        h.get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_else(|| panic!("{what}: no {name} in {h:?}"))
            .to_owned()
    };
    let csp = get("content-security-policy");
    assert!(csp.contains("frame-ancestors 'none'"), "{what}: {csp}");
    assert!(csp.contains("script-src 'self';"), "{what}: {csp}");
    assert!(!csp.contains("unsafe-inline"), "{what}: {csp}");
    assert_eq!(get("x-content-type-options"), "nosniff", "{what}");
    assert_eq!(get("referrer-policy"), "same-origin", "{what}");
    assert_eq!(get("cache-control"), "no-store", "{what}");
}

#[tokio::test]
async fn pages_api_answers_and_errors_carry_the_security_headers() {
    let app = TestApp::spawn().await;
    let admin = app.admin().await;
    let anonymous = app.anonymous();
    let cases = [
        ("the sign-in page", anonymous.request(Method::GET, "/login")),
        ("the inbox page", admin.request(Method::GET, "/inbox")),
        ("a fragment", admin.request(Method::GET, "/ui/list")),
        ("an API answer", admin.request(Method::GET, "/api/v1/me")),
        ("a 401", anonymous.request(Method::GET, "/api/v1/me")),
        ("a 404", admin.request(Method::GET, "/api/v1/nothing-here")),
        (
            "a 400",
            admin.request(Method::POST, "/api/v1/users").body("{"),
        ),
        (
            "a refused origin",
            admin.cross_site(Method::POST, "/api/v1/auth/logout", None),
        ),
    ];
    for (what, request) in cases {
        let r = request.send().await.unwrap();
        assert_secure(&r, what);
        assert!(
            r.headers().get("strict-transport-security").is_none(),
            "{what}: no HSTS over http"
        );
    }
    // Static assets may be cached (and revalidated).
    let r = anonymous
        .request(Method::GET, "/assets/app.js")
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["cache-control"], "no-cache");
    assert_eq!(r.headers()["x-content-type-options"], "nosniff");

    // HSTS when the public URL is https.
    let db = pronto_store::testing::sqlite().await;
    let https = TestApp::start_with(db.url.clone(), Some(db), false, |c| {
        c.public_url = "https://inbox.acme.test".into();
    })
    .await;
    let r = https
        .anonymous()
        .request(Method::GET, "/login")
        .send()
        .await
        .unwrap();
    assert_secure(&r, "the sign-in page over https");
    assert!(
        r.headers()["strict-transport-security"]
            .to_str()
            .unwrap()
            .starts_with("max-age=")
    );
}

/// A server with settings changed by `configure`, on a fresh SQLite database.
async fn app_with(configure: impl FnOnce(&mut pronto_server::Config)) -> TestApp {
    let db = pronto_store::testing::sqlite().await;
    TestApp::start_with(db.url.clone(), Some(db), false, configure).await
}

/// Reads until the server closes the connection, which must happen within
/// `bound`; returns what it sent.
async fn read_until_closed(conn: &mut tokio::net::TcpStream, bound: std::time::Duration) -> String {
    use tokio::io::AsyncReadExt;
    let mut seen = Vec::new();
    let closed = tokio::time::timeout(bound, async {
        let mut buf = [0u8; 4096];
        loop {
            match conn.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => seen.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await;
    let text = String::from_utf8_lossy(&seen).into_owned();
    assert!(
        closed.is_ok(),
        "the connection was still open after {bound:?}; it sent {text:?}"
    );
    text
}

/// What the code guarantees, with room for a slow machine.
const BOUND: std::time::Duration = std::time::Duration::from_secs(15);

#[tokio::test]
async fn partial_headers_and_idle_keep_alive_connections_are_closed() {
    use tokio::io::AsyncWriteExt;
    let app = app_with(|c| c.header_timeout_secs = 1).await;
    // Headers that never end.
    let mut conn = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    conn.write_all(b"GET /healthz HTTP/1.1\r\nHost: pronto\r\nX-Slow: ")
        .await
        .unwrap();
    read_until_closed(&mut conn, BOUND).await;

    // A request answered, then nothing: the kept-alive connection is closed.
    let mut conn = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    conn.write_all(b"GET /healthz HTTP/1.1\r\nHost: pronto\r\n\r\n")
        .await
        .unwrap();
    let answer = read_until_closed(&mut conn, BOUND).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
}

#[tokio::test]
async fn a_trickled_body_is_cut_off() {
    use tokio::io::AsyncWriteExt;
    let app = app_with(|c| c.body_timeout_secs = 1).await;
    let conn = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    let (mut read, mut write) = conn.into_split();
    let head = format!(
        "POST /api/v1/auth/login HTTP/1.1\r\nHost: {0}\r\nOrigin: http://{0}\r\n\
         Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n{{",
        app.addr
    );
    write.write_all(head.as_bytes()).await.unwrap();
    // One byte every 100 ms: never idle, never done.
    let trickle = tokio::spawn(async move {
        loop {
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            if write.write_all(b" ").await.is_err() {
                break;
            }
        }
    });
    let mut answer = String::new();
    let got = tokio::time::timeout(BOUND, async {
        use tokio::io::AsyncReadExt;
        let mut buf = [0u8; 4096];
        loop {
            match read.read(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(n) => answer.push_str(&String::from_utf8_lossy(&buf[..n])),
            }
        }
    })
    .await;
    trickle.abort();
    assert!(got.is_ok(), "the trickled body was not cut off: {answer:?}");
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("body_timeout"), "{answer}");
}

#[tokio::test]
async fn excess_connections_wait_for_a_free_slot() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let app = app_with(|c| {
        c.max_connections = 2;
        c.header_timeout_secs = 60;
    })
    .await;
    // Two connections take both slots and send nothing.
    let mut held = Vec::new();
    for _ in 0..2 {
        let mut c = tokio::net::TcpStream::connect(app.addr).await.unwrap();
        c.write_all(b"GET /healthz HTTP/1.1\r\n").await.unwrap();
        held.push(c);
    }
    // A third waits: the kernel takes it, the server does not serve it yet.
    let mut third = tokio::net::TcpStream::connect(app.addr).await.unwrap();
    third
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: pronto\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut buf = [0u8; 1024];
    let early =
        tokio::time::timeout(std::time::Duration::from_millis(500), third.read(&mut buf)).await;
    assert!(
        early.is_err(),
        "a third connection was served beyond the cap"
    );
    // One held connection goes: the waiting one is served.
    drop(held.pop());
    let answer = read_until_closed(&mut third, BOUND).await;
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
}

#[tokio::test]
async fn event_streams_are_bounded_in_number() {
    let app = app_with(|c| c.max_event_streams = 1).await;
    let admin = app.admin().await;
    let first = admin
        .request(Method::GET, "/api/v1/events")
        .send()
        .await
        .unwrap();
    assert_eq!(first.status(), StatusCode::OK);
    // Bounded: were the stream not refused, its answer would never end.
    let (status, body) = tokio::time::timeout(BOUND, admin.get("/api/v1/events"))
        .await
        .expect("a second stream is refused, not opened");
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    assert_eq!(body["code"], "too_many_streams");
    drop(first);
}
