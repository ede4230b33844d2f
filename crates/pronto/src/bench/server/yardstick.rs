//! A peer measured beside Pronto in the same run, on the same machine: django-helpdesk
//! under gunicorn, set up and served by `scripts/yardstick/django-helpdesk.sh`, with
//! followups POSTed through its REST API as Pronto's inbound messages are POSTed
//! through Pronto's.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use clap::ValueEnum;
use nix::sys::signal::{Signal, killpg};
use nix::unistd::Pid;
use reqwest::StatusCode;
use reqwest::header::AUTHORIZATION;
use serde_json::{Value, json};

use super::TEXT;
use super::load::{Load, expect, load};

#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Yardstick {
    /// django-helpdesk 2.6.1 under gunicorn (2 sync workers), SQLite in WAL mode: a
    /// followup POSTed through its REST API per message.
    DjangoHelpdesk,
}

const SCRIPT: &str = "scripts/yardstick/django-helpdesk.sh";
/// The first run installs the virtualenv and migrates the template database.
const SETUP_LIMIT: Duration = Duration::from_secs(600);

/// The script's `run`, in a process group of its own (the script, gunicorn's master
/// and its workers), stopped when this is dropped: SIGTERM to the group, SIGKILL
/// after 10 s.
pub(super) struct Peer {
    child: Child,
    pub(super) url: String,
    token: String,
    tickets: Vec<i64>,
    database: PathBuf,
    pub(super) versions: String,
    log: PathBuf,
}

impl Peer {
    /// Starts the peer, its log in `dir`, and waits until it answers HTTP.
    pub(super) async fn start(dir: &Path) -> anyhow::Result<Peer> {
        let script = find_script()?;
        let info = dir.join("django-helpdesk.json");
        let log = dir.join("django-helpdesk.log");
        let out = std::fs::File::create(&log)?;
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let child = {
            use std::os::unix::process::CommandExt;
            Command::new("bash")
                .arg(&script)
                .args(["run", "--port", &port.to_string(), "--info"])
                .arg(&info)
                .stdin(Stdio::null())
                .stdout(out.try_clone()?)
                .stderr(out)
                .process_group(0)
                .spawn()
                .with_context(|| format!("starting {}", script.display()))?
        };
        let mut peer = Peer {
            child,
            url: format!("http://127.0.0.1:{port}"),
            token: String::new(),
            tickets: Vec::new(),
            database: PathBuf::new(),
            versions: String::new(),
            log,
        };
        let http = reqwest::Client::new();
        let t = Instant::now();
        loop {
            if let Some(exit) = peer.child.try_wait()? {
                bail!("{SCRIPT} stopped ({exit}):\n{}", peer.log());
            }
            // Any answer at all: the API's root wants a token too.
            let up = http.get(format!("{}/api/", peer.url)).send().await.is_ok();
            if up && let Ok(text) = std::fs::read_to_string(&info) {
                let info: Value = serde_json::from_str(&text).context("the peer's info file")?;
                peer.token = info["token"].as_str().context("its token")?.to_owned();
                peer.versions = info["versions"].as_str().unwrap_or("?").to_owned();
                peer.database = info["database"].as_str().context("its database")?.into();
                peer.tickets = (info["tickets"].as_array().context("its tickets")?)
                    .iter()
                    .filter_map(Value::as_i64)
                    .collect();
                if peer.tickets.is_empty() {
                    bail!("the peer has no tickets");
                }
                return Ok(peer);
            }
            if t.elapsed() > SETUP_LIMIT {
                bail!(
                    "{SCRIPT} did not answer in {SETUP_LIMIT:?}:\n{}",
                    peer.log()
                );
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }

    /// POSTs `n` followups, `concurrency` in flight, spread over the tickets as
    /// Pronto's messages are over its customers (`customer(i)` is the one of message
    /// `i`), taking no new work after `limit`.
    pub(super) async fn followups(
        &self,
        http: &reqwest::Client,
        n: u64,
        concurrency: usize,
        limit: Duration,
        customer: impl Fn(u64) -> u64 + Send + Sync + 'static,
    ) -> Load {
        let url = format!("{}/api/followups/", self.url);
        let auth = format!("Token {}", self.token);
        let (http, tickets) = (http.clone(), self.tickets.clone());
        load(n, concurrency, limit, move |i| {
            let ticket = tickets[customer(i) as usize % tickets.len()];
            // No `#number` in the text: the helpdesk would look it up as a ticket
            // reference (a query more per followup that Pronto does not make).
            let request = http.post(&url).header(AUTHORIZATION, &auth).json(&json!({
                "ticket": ticket,
                "comment": format!("{TEXT} {i}."),
                "public": false,
            }));
            async move { expect(request, StatusCode::CREATED).await }
        })
        .await
    }

    /// The followups in the peer's database.
    pub(super) async fn stored(&self) -> anyhow::Result<i64> {
        use sqlx::ConnectOptions;
        let mut db = sqlx::sqlite::SqliteConnectOptions::new()
            .filename(&self.database)
            .read_only(true)
            .connect()
            .await?;
        let count = sqlx::query_scalar("SELECT COUNT(*) FROM helpdesk_followup")
            .fetch_one(&mut db)
            .await?;
        sqlx::Connection::close(db).await?;
        Ok(count)
    }

    /// CPU time of every process of the peer (the script, gunicorn's master and
    /// workers).
    pub(super) fn cpu(&self) -> Duration {
        self.processes()
            .iter()
            .map(|pid| super::harness::cpu_of(&pid.to_string()))
            .sum()
    }

    /// Resident memory of all its processes together, in MiB.
    pub(super) fn rss_mib(&self) -> f64 {
        let kib: u64 = (self.processes().iter())
            .filter_map(|pid| std::fs::read_to_string(format!("/proc/{pid}/status")).ok())
            .filter_map(|status| {
                status
                    .lines()
                    .find_map(|l| l.strip_prefix("VmRSS:"))
                    .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            })
            .sum();
        kib as f64 / 1024.0
    }

    /// The processes of its group.
    fn processes(&self) -> Vec<u32> {
        let group = self.child.id();
        let Ok(entries) = std::fs::read_dir("/proc") else {
            return Vec::new();
        };
        entries
            .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
            .filter(|pid| {
                let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
                // After the command name: state, ppid, pgrp.
                let pgrp = stat
                    .rsplit_once(')')
                    .and_then(|(_, rest)| rest.split_whitespace().nth(2))
                    .and_then(|g| g.parse::<u32>().ok());
                pgrp == Some(group)
            })
            .collect()
    }

    fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Peer {
    fn drop(&mut self) {
        let group = Pid::from_raw(self.child.id() as i32);
        // The script's trap stops gunicorn and removes its copy of the database.
        let _ = killpg(group, Signal::SIGTERM);
        let t = Instant::now();
        loop {
            // Reaps the script once it is gone, so that it leaves the group's list.
            let _ = self.child.try_wait();
            if self.processes().is_empty() || t.elapsed() > Duration::from_secs(10) {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = killpg(group, Signal::SIGKILL);
        let _ = self.child.wait();
    }
}

/// The script in this checkout: under the current folder or one above it, else
/// beside the sources this binary was built from.
fn find_script() -> anyhow::Result<PathBuf> {
    let cwd = std::env::current_dir()?;
    let built = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    cwd.ancestors()
        .chain(std::iter::once(built.as_path()))
        .map(|dir| dir.join(SCRIPT))
        .find(|p| p.is_file())
        .with_context(|| format!("{SCRIPT} not found: run the bench from the repository"))
}
