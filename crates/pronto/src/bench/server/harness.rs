//! What the bench runs against: `pronto serve` in a child process, and a database
//! of the run's own (a temporary folder; on PostgreSQL a schema dropped at the end).

use std::fs::File;
use std::io::Write;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use pronto_server::config::redact_url;
use pronto_store::{Backend, Store};

use super::{EMAIL, PASSWORD, TIME_LIMIT};

/// `pronto user add --admin`, as an operator would run it (password on stdin).
pub(super) fn add_admin(db: &Database) -> anyhow::Result<()> {
    let mut child = pronto()?
        .args(["user", "add", "--admin", EMAIL])
        .args(db.flags())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .context("running pronto user add")?;
    if let Some(mut stdin) = child.stdin.take() {
        writeln!(stdin, "{PASSWORD}")?;
    }
    let output = child.wait_with_output()?;
    if !output.status.success() {
        bail!(
            "pronto user add failed: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    Ok(())
}

/// `pronto serve` in a child process, killed when this is dropped (on every path out
/// of the bench, errors included).
pub(super) struct Server {
    child: Child,
    pub(super) base: String,
    log: std::path::PathBuf,
}

pub(super) struct Memory {
    pub(super) rss: String,
    pub(super) peak: String,
    /// Of the resident memory, the process's own (heap and stacks: RssAnon) and
    /// the pages of files it maps (RssFile: the binary, with lingua's language
    /// models, which are built into it and read in place; the system can drop
    /// them and read them again).
    pub(super) anon: String,
    pub(super) file: String,
}

impl Server {
    pub(super) async fn start(db: &Database) -> anyhow::Result<Server> {
        Server::start_with(db, &[]).await
    }

    /// [`Server::start`] with settings of its own (`PRONTO_*` variables).
    pub(super) async fn start_with(db: &Database, env: &[(&str, &str)]) -> anyhow::Result<Server> {
        // The port is free when asked for; a race with another program is possible
        // but then the server fails to start and says so.
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let log = db.dir.path().join("server.log");
        let out = File::create(&log)?;
        let child = pronto()?
            .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
            .args(db.flags())
            .envs(env.iter().copied())
            .stdin(Stdio::null())
            .stdout(out.try_clone()?)
            .stderr(out)
            .spawn()
            .context("starting pronto serve")?;
        let mut server = Server {
            child,
            base: format!("http://127.0.0.1:{port}"),
            log,
        };
        let http = reqwest::Client::new();
        let t = Instant::now();
        loop {
            if let Some(exit) = server.child.try_wait()? {
                bail!("pronto serve stopped ({exit}):\n{}", server.log());
            }
            let health = http.get(format!("{}/healthz", server.base)).send().await;
            if health.is_ok_and(|r| r.status().is_success()) {
                return Ok(server);
            }
            if t.elapsed() > Duration::from_secs(30) {
                bail!("pronto serve did not answer in 30 s:\n{}", server.log());
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    pub(super) fn memory(&self) -> Memory {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default();
        let field = |name: &str| {
            status
                .lines()
                .find_map(|l| l.strip_prefix(name))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
                .map_or("unknown".to_owned(), |kib| {
                    format!("{:.1} MiB", kib / 1024.0)
                })
        };
        Memory {
            rss: field("VmRSS:"),
            peak: field("VmHWM:"),
            anon: field("RssAnon:"),
            file: field("RssFile:"),
        }
    }

    /// A function that reads the server's resident memory in KiB (for a task that
    /// samples it while the server works).
    pub(super) fn rss_reader(&self) -> impl Fn() -> Option<f64> + Send + 'static {
        let path = format!("/proc/{}/status", self.child.id());
        move || {
            std::fs::read_to_string(&path)
                .ok()?
                .lines()
                .find_map(|l| l.strip_prefix("VmRSS:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        }
    }

    /// The server's resident memory now, in KiB.
    pub(super) fn rss_kib(&self) -> Option<f64> {
        std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .ok()?
            .lines()
            .find_map(|l| l.strip_prefix("VmRSS:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
    }

    /// The CPU time the server has used.
    pub(super) fn cpu(&self) -> Duration {
        cpu_of(&self.child.id().to_string())
    }

    /// Waits until the server uses less than 5% of a core over half a second;
    /// returns how long it stayed busier than that (bounded by the time limit).
    pub(super) async fn quiet(&self) -> Duration {
        let start = Instant::now();
        let mut busy = Duration::ZERO;
        loop {
            let before = self.cpu();
            tokio::time::sleep(Duration::from_millis(500)).await;
            if self.cpu().saturating_sub(before) < Duration::from_millis(25)
                || start.elapsed() > TIME_LIMIT
            {
                return busy;
            }
            busy = start.elapsed();
        }
    }

    pub(super) fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

impl Drop for Server {
    /// Kills the server; with PRONTO_BENCH_KEEP_LOG=FILE its log is kept there (the
    /// run's folder goes away), e.g. with PRONTO_BENCH_RUST_LOG=sqlx=debug to see
    /// every statement.
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if let Some(keep) = std::env::var_os("PRONTO_BENCH_KEEP_LOG") {
            let _ = std::fs::copy(&self.log, keep);
        }
    }
}

/// Where a run's data lives: a temporary folder always (the server's log and settings
/// file, and on SQLite the databases), and on PostgreSQL a schema of its own.
pub(super) struct Database {
    dir: tempfile::TempDir,
    postgres: Option<(String, String)>,
}

impl Database {
    pub(super) async fn create(url: Option<&str>) -> anyhow::Result<Database> {
        let dir = tempfile::Builder::new()
            .prefix("pronto-bench-server-")
            .tempdir()
            .context("creating a temporary folder")?;
        std::fs::write(
            dir.path().join("pronto.toml"),
            "# empty: the bench passes everything as flags\n",
        )?;
        let Some(base) = url else {
            return Ok(Database {
                dir,
                postgres: None,
            });
        };
        if !base.starts_with("postgres") {
            bail!("--database-url takes postgres://...; leave it out to measure SQLite");
        }
        let admin = Store::connect_unmigrated(base).await.with_context(|| {
            format!(
                "connecting to {} (is PostgreSQL running? Start it, or leave --database-url out to measure SQLite)",
                redact_url(base)
            )
        })?;
        // Schemas of earlier runs whose process is gone (killed mid-run) go first.
        let old: Vec<String> = sqlx::query_scalar(
            "SELECT nspname::text FROM pg_namespace WHERE nspname LIKE 'pronto_bench_%'",
        )
        .fetch_all(admin.pool())
        .await?;
        for name in old {
            let pid = name.trim_start_matches("pronto_bench_");
            if !std::path::Path::new(&format!("/proc/{pid}")).exists() {
                let drop = format!("DROP SCHEMA IF EXISTS {name} CASCADE");
                sqlx::query(&drop).execute(admin.pool()).await?;
            }
        }
        let schema = format!("pronto_bench_{}", std::process::id());
        sqlx::raw_sql(&format!(
            "DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}"
        ))
        .execute(admin.pool())
        .await?;
        admin.close().await;
        Ok(Database {
            dir,
            postgres: Some((base.to_owned(), schema)),
        })
    }

    pub(super) fn backend(&self) -> Backend {
        match self.postgres {
            Some(_) => Backend::Postgres,
            None => Backend::Sqlite,
        }
    }

    /// The run's temporary folder.
    pub(super) fn dir(&self) -> &std::path::Path {
        self.dir.path()
    }

    /// The server's data folder (its SQLite file is there).
    pub(super) fn data_dir(&self) -> std::path::PathBuf {
        self.dir.path().join("data")
    }

    /// The URL of the server's database.
    pub(super) fn url(&self) -> String {
        match &self.postgres {
            Some((base, schema)) => {
                let sep = if base.contains('?') { '&' } else { '?' };
                format!("{base}{sep}options=-c%20search_path%3D{schema}")
            }
            None => format!("sqlite://{}", self.data_dir().join("pronto.db").display()),
        }
    }

    /// Where the raw inserts go: on SQLite a file of its own beside the server's
    /// (a scratch table in the server's file would share its WAL); on PostgreSQL a
    /// scratch table in the run's schema.
    pub(super) fn raw_url(&self) -> String {
        match self.postgres {
            Some(_) => self.url(),
            None => format!("sqlite://{}", self.dir.path().join("raw.db").display()),
        }
    }

    /// The flags that point `pronto serve` and `pronto user add` at the database,
    /// with an empty settings file so that a `./pronto.toml` cannot change anything.
    fn flags(&self) -> Vec<String> {
        let config = self.dir.path().join("pronto.toml").display().to_string();
        let database = match self.postgres {
            Some(_) => ["--database-url".into(), self.url()],
            None => [
                "--data-dir".into(),
                self.dir.path().join("data").display().to_string(),
            ],
        };
        [["--config".into(), config], database].concat()
    }

    pub(super) async fn describe(&self) -> anyhow::Result<String> {
        let store = Store::connect_unmigrated(&self.raw_url()).await?;
        let text = match &self.postgres {
            Some((base, schema)) => {
                let version: String = sqlx::query_scalar("SELECT version()")
                    .fetch_one(store.pool())
                    .await?;
                let (sync, autovacuum): (String, String) = sqlx::query_as(
                    "SELECT current_setting('synchronous_commit'), current_setting('autovacuum')",
                )
                .fetch_one(store.pool())
                .await?;
                let version = version.split(" on ").next().unwrap_or(&version).to_owned();
                format!(
                    "{version} at {} (synchronous_commit={sync}, autovacuum={autovacuum}), schema {schema}",
                    redact_url(base)
                )
            }
            None => {
                let version: String = sqlx::query_scalar("SELECT sqlite_version()")
                    .fetch_one(store.pool())
                    .await?;
                format!(
                    "SQLite {version} (WAL, synchronous=NORMAL) in {}",
                    self.dir.path().display()
                )
            }
        };
        store.close().await;
        Ok(text)
    }

    pub(super) async fn remove(self) {
        let Some((base, schema)) = &self.postgres else {
            return;
        };
        let dropped = async {
            let admin = Store::connect_unmigrated(base).await?;
            let drop = format!("DROP SCHEMA IF EXISTS {schema} CASCADE");
            sqlx::query(&drop).execute(admin.pool()).await?;
            admin.close().await;
            anyhow::Ok(())
        };
        if let Err(e) = dropped.await {
            eprintln!("pronto bench: could not drop schema {schema}: {e:#}");
        }
    }
}

/// User and system CPU time of a process (`self` or a pid), from /proc.
pub(super) fn cpu_of(pid: &str) -> Duration {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // The fields after the command name, which is in parentheses and may hold spaces;
    // utime and stime are the 14th and 15th fields, in USER_HZ ticks (100 a second
    // on Linux whatever the kernel's own tick).
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map_or(Vec::new(), |(_, rest)| rest.split_whitespace().collect());
    let ticks: u64 = fields
        .get(11..13)
        .map_or(0, |f| f.iter().filter_map(|v| v.parse::<u64>().ok()).sum());
    Duration::from_millis(ticks * 10)
}

/// This binary without the caller's PRONTO_ variables, so that nothing from the
/// caller's setup changes what is measured (the settings file is `Database::flags`'s);
/// its log filter is PRONTO_BENCH_RUST_LOG's if set.
fn pronto() -> anyhow::Result<Command> {
    let mut command = Command::new(std::env::current_exe().context("finding the pronto binary")?);
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("PRONTO_") {
            command.env_remove(name);
        }
    }
    let log = std::env::var("PRONTO_BENCH_RUST_LOG").unwrap_or_else(|_| "info,sqlx=warn".into());
    command.env("RUST_LOG", log);
    Ok(command)
}
