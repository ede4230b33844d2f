//! Finding Chromium and ChromeDriver, and the one ChromeDriver of this test binary.
//!
//! ChromeDriver is started once, lazily, on a free port, and shared by every test of
//! the binary (each test has its own runtime, so the process is kept in a plain
//! `OnceLock`, and the few blocking calls run on `spawn_blocking`).
//!
//! Nothing drops a static at exit, and neither ChromeDriver nor the Chromium it
//! launched dies with its parent: killing ChromeDriver even leaves its browsers
//! running. So ChromeDriver runs under a small `sh` watchdog that leads a process
//! group of its own: when this test process is gone (however it ended, SIGKILL
//! included), the watchdog signals the whole group, which holds ChromeDriver and
//! every Chromium process it started. Nothing lingers for more than about a second.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// Set to `1` to skip the browser tests (they return early and say so).
pub const SKIP_VAR: &str = "PRONTO_SKIP_BROWSER_TESTS";

/// What to do when something the browser tests need is missing.
pub const INSTALL_HINT: &str = "install Chromium and ChromeDriver with \
    `apt-get install chromium chromium-driver` and axe-core with \
    `npm ci --prefix crates/pronto-server/tests/browser` (`bash .ci/run` does both), \
    or set PRONTO_SKIP_BROWSER_TESTS=1 to skip the browser tests";

/// The running ChromeDriver.
pub struct Driver {
    pub port: u16,
    /// Chromium's own binary, passed in the capabilities.
    pub chromium: PathBuf,
    /// The watchdog (see the module's comment); kept so that it is plainly owned.
    _watchdog: Child,
}

/// True (after saying so on stderr) when the browser tests are to be skipped.
pub fn skipped() -> bool {
    let skip = std::env::var(SKIP_VAR).is_ok_and(|v| v == "1");
    if skip {
        eprintln!("browser test skipped: {SKIP_VAR}=1");
    }
    skip
}

/// The shared ChromeDriver, started on first use. Panics with the install hint if
/// Chromium or ChromeDriver is missing or does not start.
pub async fn driver() -> &'static Driver {
    static DRIVER: OnceLock<Result<Driver, String>> = OnceLock::new();
    if let Some(d) = DRIVER.get() {
        return d.as_ref().unwrap_or_else(|e| panic!("{e}"));
    }
    tokio::task::spawn_blocking(|| DRIVER.get_or_init(start))
        .await
        .expect("starting chromedriver")
        .as_ref()
        .unwrap_or_else(|e| panic!("{e}"))
}

fn start() -> Result<Driver, String> {
    let chromedriver =
        find_program("PRONTO_CHROMEDRIVER", &[], &["chromedriver"]).ok_or_else(|| {
            format!("ChromeDriver is not installed (no `chromedriver` on PATH): {INSTALL_HINT}")
        })?;
    // Debian's /usr/bin/chromium is a shell wrapper that adds flags of its own
    // (extensions, GPU rasterization); the binary behind it takes exactly ours.
    let chromium = find_program(
        "PRONTO_CHROMIUM",
        &["/usr/lib/chromium/chromium"],
        &["chromium", "chromium-browser", "google-chrome"],
    )
    .ok_or_else(|| format!("Chromium is not installed (no `chromium` on PATH): {INSTALL_HINT}"))?;
    for program in [&chromedriver, &chromium] {
        if !program.is_file() {
            return Err(format!(
                "{} does not exist: {INSTALL_HINT}",
                program.display()
            ));
        }
    }
    let mut last = String::new();
    // A port picked by binding port 0 can be taken again before ChromeDriver binds
    // it; another port is tried then.
    for _ in 0..3 {
        let port = free_port();
        let log = target_dir().join("tmp").join("chromedriver.log");
        let mut watchdog = Command::new("sh")
            .args(["-c", WATCHDOG, "sh", &std::process::id().to_string()])
            .arg(&chromedriver)
            .arg(format!("--port={port}"))
            .arg(format!("--log-path={}", log.display()))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .map_err(|e| {
                format!(
                    "cannot start {}: {e}; {INSTALL_HINT}",
                    chromedriver.display()
                )
            })?;
        match wait_ready(port, &mut watchdog) {
            Ok(()) => {
                return Ok(Driver {
                    port,
                    chromium,
                    _watchdog: watchdog,
                });
            }
            Err(e) => {
                // The whole group: killing the shell alone would leave ChromeDriver.
                let _ = Command::new("kill")
                    .args(["-KILL", "--", &format!("-{}", watchdog.id())])
                    .status();
                let _ = watchdog.wait();
                last = e;
            }
        }
    }
    Err(format!(
        "{} did not start: {last} (its log: {}); {INSTALL_HINT}",
        chromedriver.display(),
        target_dir().join("tmp/chromedriver.log").display()
    ))
}

/// `sh -c WATCHDOG sh PARENT_PID CHROMEDRIVER ARGS...`: runs ChromeDriver, and once
/// the parent or ChromeDriver is gone, ends the whole process group (TERM, then KILL
/// for anything left; the shell ignores the TERM so that it can send the KILL).
const WATCHDOG: &str = r#"parent=$1; shift
"$@" & driver=$!
while kill -0 "$parent" 2>/dev/null && kill -0 "$driver" 2>/dev/null; do sleep 1; done
trap '' TERM
kill -TERM 0; sleep 2; kill -KILL 0"#;

/// Polls ChromeDriver's `/status` until it says it is ready (10 s at most).
fn wait_ready(port: u16, watchdog: &mut Child) -> Result<(), String> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        if let Ok((_, body)) = http(port, "GET", "/status", Duration::from_secs(2))
            && body.contains("\"ready\":true")
        {
            return Ok(());
        }
        if let Ok(Some(status)) = watchdog.try_wait() {
            return Err(format!("it exited ({status})"));
        }
        if Instant::now() > deadline {
            return Err(format!("it was not ready on port {port} after 10 s"));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// A bodiless HTTP/1.1 request to ChromeDriver, blocking: the status line and body.
/// ChromeDriver keeps the connection open whatever the request says, so the body is
/// read by its Content-Length, not to the end.
pub fn http(
    port: u16,
    method: &str,
    path: &str,
    timeout: Duration,
) -> std::io::Result<(String, String)> {
    let mut s = TcpStream::connect(("127.0.0.1", port))?;
    s.set_read_timeout(Some(timeout))?;
    write!(
        s,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    )?;
    let mut response = Vec::new();
    let mut buf = [0; 4096];
    loop {
        let n = s.read(&mut buf)?;
        if n == 0 {
            break;
        }
        response.extend_from_slice(&buf[..n]);
        let text = String::from_utf8_lossy(&response);
        if let Some((head, body)) = text.split_once("\r\n\r\n") {
            let length = head.lines().find_map(|l| {
                let (name, value) = l.split_once(':')?;
                name.eq_ignore_ascii_case("content-length")
                    .then(|| value.trim().parse::<usize>().ok())?
            });
            if length.is_some_and(|n| body.len() >= n) {
                break;
            }
        }
    }
    let response = String::from_utf8_lossy(&response);
    let status = response.lines().next().unwrap_or_default().to_owned();
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    Ok((status, body))
}

/// The program named by `var`, else the first of `paths` that exists, else the
/// first of `names` found on PATH.
fn find_program(var: &str, paths: &[&str], names: &[&str]) -> Option<PathBuf> {
    if let Some(p) = std::env::var_os(var) {
        return Some(PathBuf::from(p));
    }
    if let Some(p) = paths.iter().map(Path::new).find(|p| p.is_file()) {
        return Some(p.to_owned());
    }
    let path = std::env::var_os("PATH")?;
    names.iter().find_map(|name| {
        std::env::split_paths(&path)
            .map(|dir| dir.join(name))
            .find(|p| p.is_file())
    })
}

fn free_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").expect("a free port");
    l.local_addr().unwrap().port()
}

/// Cargo's target directory (the parent of `CARGO_TARGET_TMPDIR`).
pub fn target_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("CARGO_TARGET_TMPDIR is inside the target directory")
        .to_owned()
}
