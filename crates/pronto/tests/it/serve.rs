//! `pronto serve` as a process: it starts with no configuration, answers, and stops
//! cleanly on SIGTERM; `pronto user add` and `pronto config default`.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};

fn http_get(addr: &str, path: &str) -> String {
    let mut s = TcpStream::connect(addr).expect("the server accepts connections");
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    out
}

#[test]
fn serve_starts_on_sqlite_answers_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_pronto"))
        .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
        .arg(dir.path().join("data"))
        .env_remove("PRONTO_DATABASE_URL")
        .current_dir(dir.path())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    out.read_line(&mut first).unwrap();
    let url = first
        .trim()
        .strip_prefix("Pronto is running at ")
        .expect("it says where it runs")
        .to_owned();
    let addr = url.strip_prefix("http://").unwrap().to_owned();
    let mut setup = String::new();
    out.read_line(&mut setup).unwrap();
    assert!(
        setup.contains("/setup?token="),
        "a first start prints a setup link: {setup}"
    );
    assert!(http_get(&addr, "/healthz").contains("200 OK"));
    assert!(http_get(&addr, "/readyz").contains("\"ready\""));
    assert!(
        dir.path().join("data/pronto.db").exists(),
        "SQLite file in the data dir"
    );

    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let exit = child.wait().unwrap();
    assert_eq!(exit.code(), Some(0), "a clean exit on SIGTERM");
    let mut rest = String::new();
    out.read_to_string(&mut rest).unwrap();
    assert!(rest.contains("Pronto stopped."), "{rest}");
}

#[test]
fn user_add_and_config_default() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let run = |args: &[&str], stdin: &str| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_pronto"))
            .args(args)
            .arg("--data-dir")
            .arg(&data)
            .env_remove("PRONTO_DATABASE_URL")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(stdin.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    };
    let ok = run(
        &["user", "add", "--admin", "ana@example.com"],
        "a long enough password\n",
    );
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert!(String::from_utf8_lossy(&ok.stdout).contains("added ana@example.com as admin"));
    let short = run(&["user", "add", "bob@example.com"], "short\n");
    assert!(!short.status.success());
    assert!(String::from_utf8_lossy(&short.stderr).contains("at least 10 characters"));
    let again = run(
        &["user", "add", "ana@example.com"],
        "a long enough password\n",
    );
    assert!(String::from_utf8_lossy(&again.stderr).contains("already exists"));
    let weak = run(&["user", "add", "bob@example.com"], "1234567890\n");
    assert!(String::from_utf8_lossy(&weak.stderr).contains("too common"));

    // A locked-out admin gets a new password from the command line.
    let hash_of = || {
        tokio::runtime::Runtime::new().unwrap().block_on(async {
            let url = format!("sqlite://{}", data.join("pronto.db").display());
            let store = pronto_store::Store::connect(&url).await.unwrap();
            let (_, hash) = store
                .user_for_login("ana@example.com")
                .await
                .unwrap()
                .unwrap();
            store.close().await;
            hash.unwrap()
        })
    };
    let before = hash_of();
    let reset = run(
        &["user", "reset-password", "ana@example.com"],
        "another long password\n",
    );
    assert!(
        reset.status.success(),
        "{}",
        String::from_utf8_lossy(&reset.stderr)
    );
    assert!(String::from_utf8_lossy(&reset.stdout).contains("set the password of ana@example.com"));
    let weak = run(
        &["user", "reset-password", "ana@example.com"],
        "aaaaaaaaaaaa\n",
    );
    assert!(!weak.status.success());
    assert!(String::from_utf8_lossy(&weak.stderr).contains("repeats one character"));
    let nobody = run(
        &["user", "reset-password", "zoe@example.com"],
        "another long password\n",
    );
    assert!(!nobody.status.success());
    assert!(String::from_utf8_lossy(&nobody.stderr).contains("no user has the email"));
    let after = hash_of();
    assert!(after.starts_with("$argon2") && after != before, "{after}");

    let template = Command::new(env!("CARGO_BIN_EXE_pronto"))
        .args(["config", "default"])
        .output()
        .unwrap();
    let text = String::from_utf8(template.stdout).unwrap();
    assert!(text.contains("listen = \"127.0.0.1:8080\""));
    assert!(
        text.lines().filter(|l| l.starts_with('#')).count() > 10,
        "commented"
    );
}
