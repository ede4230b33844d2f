//! Running the binary.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

/// What a run printed and how it ended.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `pronto` with `args`, feeding `stdin`.
pub fn pronto(args: &[&str], stdin: &str) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_pronto"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the pronto binary starts");
    // A command that refuses its flags exits without reading: a broken pipe here is
    // its answer, not a failure of the test.
    if let Err(e) = child
        .stdin
        .take()
        .expect("piped")
        .write_all(stdin.as_bytes())
    {
        assert_eq!(
            e.kind(),
            std::io::ErrorKind::BrokenPipe,
            "writing stdin: {e}"
        );
    }
    let out = child.wait_with_output().expect("pronto finishes");
    Run {
        code: out.status.code().expect("exited, not killed"),
        stdout: String::from_utf8(out.stdout).expect("UTF-8 output"),
        stderr: String::from_utf8(out.stderr).expect("UTF-8 errors"),
    }
}

/// The shared conformance cases.
pub fn fixtures_dir() -> PathBuf {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/fixtures/responsiveness");
    assert!(
        dir.is_dir(),
        "the conformance cases are missing: expected {} (the shared/ folder beside the repository)",
        dir.display()
    );
    dir
}

/// A `pronto serve` process on a database, killed (SIGKILL) when dropped.
pub struct Node {
    child: std::process::Child,
    pub url: String,
}

impl Node {
    /// Starts a server on `database_url` (and `data_dir`, when given) and reads
    /// where it runs from its first line.
    pub fn start(database_url: &str, data_dir: Option<&std::path::Path>) -> Node {
        use std::io::{BufRead, BufReader};
        let mut command = Command::new(env!("CARGO_BIN_EXE_pronto"));
        command
            .args(["serve", "--listen", "127.0.0.1:0", "--database-url"])
            .arg(database_url);
        if let Some(dir) = data_dir {
            command.arg("--data-dir").arg(dir);
        }
        let mut child = command
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let url = line
            .trim()
            .strip_prefix("Pronto is running at ")
            .expect("it says where it runs")
            .to_owned();
        Node { child, url }
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The admin every node test signs in as.
pub const ADMIN: (&str, &str) = ("ops@acme.test", "a long enough password");

/// Creates [`ADMIN`] on `database_url` with `pronto user add --admin`.
pub fn add_admin(database_url: &str) {
    let mut add = Command::new(env!("CARGO_BIN_EXE_pronto"))
        .args(["user", "add", "--admin", ADMIN.0, "--database-url"])
        .arg(database_url)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    add.stdin
        .take()
        .unwrap()
        .write_all(format!("{}\n", ADMIN.1).as_bytes())
        .unwrap();
    assert!(add.wait().unwrap().success());
}

/// Signs [`ADMIN`] in on `node`; returns the session cookie.
pub async fn sign_in(http: &reqwest::Client, node: &Node) -> String {
    let r = http
        .post(format!("{}/api/v1/auth/login", node.url))
        .header("origin", &node.url)
        .json(&serde_json::json!({"email": ADMIN.0, "password": ADMIN.1}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    r.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .split(';')
        .next()
        .unwrap()
        .to_owned()
}
