//! `pronto bench server`: the server as people run it, measured from outside.
//!
//! `pronto serve` runs as a child process on loopback, so every figure includes HTTP,
//! JSON, authentication and the store, and the memory measured is the server's own.
//! Next to the API's ingest rate stands the raw insert rate of the same database,
//! measured in the same run with the same driver, pool and durability settings: that
//! is the limit the API can approach, and the ratio says how close it gets.

pub mod email;
pub mod export;
mod harness;
pub mod import;
pub mod inbox;
mod load;
pub mod retention;
pub mod search;
pub mod webchat;
pub mod webhooks;
mod yardstick;

use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::{Context, bail};
use clap::Args;
use pronto_store::{Backend, Store};
use reqwest::StatusCode;
use reqwest::header::{AUTHORIZATION, COOKIE, SET_COOKIE};
use serde_json::{Value, json};
use sqlx::AnyPool;

use harness::{Database, Server, add_admin, cpu_of};
use load::{Load, expect, load};
use yardstick::{Peer, Yardstick};

#[derive(Args, Debug)]
pub struct ServerBench {
    /// Inbound messages to post through the API (and rows for the raw insert rate).
    #[arg(long, default_value_t = 20_000)]
    messages: u64,
    /// Conversations to seed for the conversation list.
    #[arg(long, default_value_t = 1_000_000)]
    conversations: u64,
    /// Requests (and raw inserts) in flight at once.
    #[arg(long, default_value_t = 32)]
    concurrency: usize,
    /// Requests per conversation-list measurement (each also stops after 15 s).
    #[arg(long, default_value_t = 500)]
    requests: u64,
    /// PostgreSQL instead of SQLite: postgres://... (or PRONTO_BENCH_DATABASE_URL). The
    /// run works in a schema of its own and drops it at the end.
    #[arg(long, value_name = "URL")]
    database_url: Option<String>,
    /// Seconds after which an ingest phase (raw inserts, inbound messages) takes no
    /// new work: raise it to get every one of a large --messages through.
    #[arg(long, value_name = "SECONDS", default_value_t = 60)]
    time_limit: u64,
    /// Also measure a peer, in the same run, right after Pronto's inbound messages:
    /// the same number of requests at the same concurrency, for at most as long as
    /// Pronto's took. django-helpdesk is set up and served by
    /// scripts/yardstick/django-helpdesk.sh (Python 3.10+ and PyPI needed on its
    /// first run).
    #[arg(long, value_enum, value_name = "PEER")]
    yardstick: Option<Yardstick>,
}

/// Ingest phases stop taking new work after this long, whatever happens.
const TIME_LIMIT: Duration = Duration::from_secs(60);
/// A list measurement stops after this long: a slow query shows as a figure over
/// fewer requests, not as a bench that never ends.
const LIST_TIME_LIMIT: Duration = Duration::from_secs(15);
const EMAIL: &str = "bench@pronto.test";
const PASSWORD: &str = "bench password, not a secret";
const TEXT: &str = "Hello! My order has not arrived yet and the tracking page says nothing. Order";
const DAY: i64 = 86_400_000_000;

pub fn run(args: ServerBench) -> anyhow::Result<()> {
    if args.messages == 0
        || args.conversations == 0
        || args.concurrency == 0
        || args.requests == 0
        || args.time_limit == 0
    {
        bail!(
            "--messages, --conversations, --concurrency, --requests and --time-limit must be positive"
        );
    }
    on_fresh_database(args.database_url.clone(), async |db| {
        measure(&args, db).await
    })
}

/// Runs `measure` on a fresh database: SQLite in a temporary folder, or a schema of
/// its own in the PostgreSQL at `url` (or PRONTO_BENCH_DATABASE_URL), removed after
/// the run whatever happened, Ctrl-C and SIGTERM included.
fn on_fresh_database(
    url: Option<String>,
    measure: impl AsyncFnOnce(&Database) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let url = url
        .or_else(|| std::env::var("PRONTO_BENCH_DATABASE_URL").ok())
        .filter(|u| !u.is_empty());
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    runtime.block_on(async {
        let db = Database::create(url.as_deref()).await?;
        // A server child is killed by `Server`'s drop when `measure` returns or is
        // abandoned; the database is removed after, whatever happened.
        let result = tokio::select! {
            result = measure(&db) => result,
            signal = interrupted() => Err(anyhow::anyhow!("stopped by {signal}")),
        };
        db.remove().await;
        result
    })
}

/// Resolves on SIGINT or SIGTERM, naming it.
async fn interrupted() -> &'static str {
    #[cfg(unix)]
    let term = async {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut t) => t.recv().await,
            Err(_) => std::future::pending().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = tokio::signal::ctrl_c() => "SIGINT",
        _ = term => "SIGTERM",
    }
}

async fn measure(args: &ServerBench, db: &Database) -> anyhow::Result<()> {
    let (n, concurrency) = (args.messages, args.concurrency);
    let limit = Duration::from_secs(args.time_limit);
    println!("# pronto bench server");
    println!();
    println!("machine: {}", super::machine());
    println!("database: {}", db.describe().await?);
    println!(
        "inbound: {n} messages from {} customers, {concurrency} requests in flight; list: {} conversations",
        customers(n),
        args.conversations
    );
    println!();
    println!("| what | measured |");
    println!("| --- | --- |");

    status("raw inserts, one row per transaction");
    let own_before = cpu_of("self");
    let raw = raw_inserts(db, n, concurrency, limit).await?;
    let raw_cpu = cpu_of("self").saturating_sub(own_before);
    println!(
        "| raw insert, one message-shaped row per transaction, {concurrency} in flight (the limit) | {} |",
        raw.summary("rows")
    );
    println!(
        "| CPU per raw insert, in the bench process (the driver; on SQLite the database too) | {:.0} µs |",
        raw_cpu.as_secs_f64() * 1e6 / raw.ok as f64
    );
    let alone = raw_inserts(db, n.min(5_000), 1, limit).await?;
    println!(
        "| raw insert, one row per transaction, one at a time | {} |",
        alone.summary("rows")
    );

    status("starting pronto serve");
    let server = Server::start(db).await?;
    let idle = server.memory();
    tokio::task::block_in_place(|| add_admin(db))?;
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()?;
    let (cookie, workspace) = login(&http, &server.base).await?;
    let (channel, token) = api_channel_and_token(&http, &server.base, &cookie).await?;

    status("posting inbound messages");
    let (cpu_before, own_before) = (server.cpu(), cpu_of("self"));
    let api = inbound(&http, &server.base, channel, &token, n, concurrency, limit).await;
    api.check(n, "inbound requests")?;
    println!(
        "| inbound messages through the API (`POST /channels/{{id}}/inbound`, bearer token) | {} |",
        api.summary("messages")
    );
    println!(
        "| API / raw insert rate | {:.2} |",
        api.rate() / raw.rate().max(f64::MIN_POSITIVE)
    );
    let store = Store::connect_unmigrated(&db.url()).await?;
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM messages")
        .fetch_one(store.pool())
        .await?;
    if stored != api.ok as i64 {
        bail!(
            "{} inbound requests succeeded but {stored} messages are stored",
            api.ok
        );
    }
    // The server answers before it has done everything a message causes: the
    // responsiveness engine catches up in a task of its own. Wait until the server
    // is idle, so that the rate with that work and the figures after it are honest.
    let drain = server.quiet().await;
    let cpu = server.cpu().saturating_sub(cpu_before);
    println!(
        "| inbound, until the server is idle again (work it deferred past its answers: {drain:.1?}) | {:.0} messages/s |",
        api.ok as f64 / (api.elapsed + drain).as_secs_f64()
    );
    println!(
        "| CPU per inbound message: the server / the load generator | {:.0} µs / {:.0} µs |",
        cpu.as_secs_f64() * 1e6 / api.ok as f64,
        cpu_of("self").saturating_sub(own_before).as_secs_f64() * 1e6 / api.ok as f64
    );
    let after_inbound = server.memory();
    println!(
        "| server resident memory after the {} inbound messages, the server idle again (VmRSS / VmHWM) | {} / {} |",
        api.ok, after_inbound.rss, after_inbound.peak
    );
    println!(
        "| of which the process's own (RssAnon) / mapped files' pages, the binary and its language models (RssFile) | {} / {} |",
        after_inbound.anon, after_inbound.file
    );
    if let Some(peer) = args.yardstick {
        yardstick(peer, db, &http, &api, n, concurrency).await?;
    }

    status(&format!("seeding {} conversations", args.conversations));
    let t = Instant::now();
    if db.backend() == Backend::Postgres {
        // What autovacuum does on its own within a minute or so, done now because it
        // may be off (it is on the reference machine): the ingest left thousands of
        // dead versions of the workspace row (its event counter), and every foreign
        // key check of the seeding would walk them. After seeding, the statistics
        // and the visibility map of a settled table. SQLite gets nothing: Pronto
        // never runs ANALYZE there, so its planner has no statistics in production
        // either.
        sqlx::query("VACUUM workspaces, api_tokens")
            .execute(store.pool())
            .await?;
    }
    seed(store.pool(), workspace, channel, args.conversations).await?;
    if db.backend() == Backend::Postgres {
        sqlx::query("VACUUM ANALYZE workspaces, contacts, conversations")
            .execute(store.pool())
            .await?;
    }
    status(&format!("seeded in {:.1?}", t.elapsed()));

    let cursor = |folder: Option<&'static str>| {
        let store = store.clone();
        async move { middle_cursor(store.pool(), workspace, folder).await }
    };
    let cases = [
        ("first page, all folders (the default)", "limit=50", None),
        ("first page, inbox", "folder=inbox&limit=50", None),
        ("customers waiting", "waiting=true&limit=50", None),
        (
            "a page halfway down, all folders",
            "limit=50",
            Some(cursor(None).await?),
        ),
        (
            "a page halfway down the inbox",
            "folder=inbox&limit=50",
            Some(cursor(Some("inbox")).await?),
        ),
    ];
    for (what, shown, cursor) in cases {
        let (query, shown) = match cursor {
            Some(c) => (format!("{shown}&cursor={c}"), format!("{shown}&cursor=…")),
            None => (shown.to_owned(), shown.to_owned()),
        };
        status(&format!("GET /api/v1/conversations?{query}"));
        let url = format!("{}/api/v1/conversations?{query}", server.base);
        let first = call(http.get(&url).header(COOKIE, &cookie), StatusCode::OK).await?;
        let items = first["items"].as_array().map_or(0, Vec::len);
        let l = list(&http, url, &cookie, args.requests).await;
        l.check(1, "list requests")?;
        println!(
            "| `GET /conversations?{shown}`: {what}, {items} items | p50 {}, p99 {} over {} requests |",
            ms(l.percentile(50)),
            ms(l.percentile(99)),
            l.ok
        );
    }
    let after_list = server.memory();
    println!(
        "| server resident memory (VmRSS): idle after start / after ingest / after the list | {} / {} / {} |",
        idle.rss, after_inbound.rss, after_list.rss
    );
    println!(
        "| server peak resident memory (VmHWM) | {} |",
        after_list.peak
    );
    let slow = server.log().matches("slow statement").count();
    println!("| slow-statement warnings in the server's log (sqlx, over 1 s) | {slow} |");
    store.close().await;
    Ok(())
}

/// The peer, measured right after Pronto's inbound messages (Pronto's server idle
/// meanwhile): the same number of requests, as many in flight, for at most as long
/// as Pronto's took (and at least 10 s), so that neither gets more time to fill its
/// database; then the two side by side.
async fn yardstick(
    peer: Yardstick,
    db: &Database,
    http: &reqwest::Client,
    api: &Load,
    n: u64,
    concurrency: usize,
) -> anyhow::Result<()> {
    let Yardstick::DjangoHelpdesk = peer;
    status("starting django-helpdesk (scripts/yardstick/django-helpdesk.sh)");
    let peer = Peer::start(db.dir()).await?;
    let before = peer.stored().await?;
    let limit = api.elapsed.max(Duration::from_secs(10));
    status(&format!(
        "posting followups to django-helpdesk (at most {limit:.0?})"
    ));
    let (cpu_before, own_before) = (peer.cpu(), cpu_of("self"));
    let followups = peer
        .followups(http, n, concurrency, limit, customers_of(n))
        .await;
    let (cpu, own) = (
        peer.cpu().saturating_sub(cpu_before),
        cpu_of("self").saturating_sub(own_before),
    );
    followups.check(n, "followups")?;
    let stored = peer.stored().await? - before;
    if stored != followups.ok as i64 {
        bail!(
            "{} followups were answered 201 but {stored} are stored",
            followups.ok
        );
    }
    println!(
        "| yardstick: {} (gunicorn, 2 sync workers, SQLite WAL), followups through its REST API (`POST /api/followups/`, token), {concurrency} in flight | {} |",
        peer.versions,
        followups.summary("followups")
    );
    println!(
        "| Pronto / django-helpdesk, inbound messages per second (p50 / p99 latency) | {:.0} / {:.0} = **{:.1}×** ({} / {}; {} / {}) |",
        api.rate(),
        followups.rate(),
        api.rate() / followups.rate().max(f64::MIN_POSITIVE),
        ms(api.percentile(50)),
        ms(followups.percentile(50)),
        ms(api.percentile(99)),
        ms(followups.percentile(99)),
    );
    println!(
        "| CPU per followup: django-helpdesk (gunicorn's master and workers) / the load generator | {:.0} µs / {:.0} µs |",
        cpu.as_secs_f64() * 1e6 / followups.ok.max(1) as f64,
        own.as_secs_f64() * 1e6 / followups.ok.max(1) as f64
    );
    println!(
        "| django-helpdesk resident memory after (gunicorn's master and workers, VmRSS) | {:.1} MiB |",
        peer.rss_mib()
    );
    Ok(())
}

/// The customers the inbound messages come from: ten messages each, so most requests
/// find their contact and conversation and a tenth create them.
fn customers(messages: u64) -> u64 {
    (messages / 10).max(1)
}

/// The customer of message `i` of `messages`.
fn customers_of(messages: u64) -> impl Fn(u64) -> u64 + Send + Sync + 'static {
    let customers = customers(messages);
    move |i| i % customers
}

async fn inbound(
    http: &reqwest::Client,
    base: &str,
    channel: i64,
    token: &str,
    n: u64,
    concurrency: usize,
    limit: Duration,
) -> Load {
    let url = format!("{base}/api/v1/channels/{channel}/inbound");
    let auth = format!("Bearer {token}");
    let http = http.clone();
    let customer = customers_of(n);
    load(n, concurrency, limit, move |i| {
        let request = http.post(&url).header(AUTHORIZATION, &auth).json(&json!({
            "message_id": format!("bench-{i}"),
            "contact_id": format!("customer-{}", customer(i)),
            "text": format!("{TEXT} #{i}."),
        }));
        async move { expect(request, StatusCode::CREATED).await }
    })
    .await
}

async fn list(http: &reqwest::Client, url: String, cookie: &str, requests: u64) -> Load {
    let (http, cookie) = (http.clone(), cookie.to_owned());
    load(requests, 1, LIST_TIME_LIMIT, move |_| {
        let request = http.get(&url).header(COOKIE, &cookie);
        async move { expect(request, StatusCode::OK).await }
    })
    .await
}

/// Inserts `n` rows shaped like an inbound message, with the messages table's
/// indexes, each in its own transaction begun the way the store begins a write (on
/// SQLite `BEGIN IMMEDIATE`), through a pool opened by the store itself (its pragmas
/// and pool size).
async fn raw_inserts(
    db: &Database,
    n: u64,
    concurrency: usize,
    limit: Duration,
) -> anyhow::Result<Load> {
    let backend = db.backend();
    let store = Store::connect_unmigrated(&db.raw_url()).await?;
    let pool = store.pool().clone();
    let id = match backend {
        Backend::Sqlite => "id INTEGER PRIMARY KEY",
        Backend::Postgres => "id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY",
    };
    sqlx::raw_sql(&format!(
        "DROP TABLE IF EXISTS bench_raw;
         CREATE TABLE bench_raw ({id}, workspace_id BIGINT NOT NULL, channel_id BIGINT NOT NULL,
             conversation_id BIGINT NOT NULL, direction TEXT NOT NULL, author TEXT NOT NULL,
             agent_id BIGINT, text TEXT NOT NULL DEFAULT '', attachments TEXT NOT NULL DEFAULT '[]',
             external_id TEXT, idempotency_key TEXT, status TEXT NOT NULL, error TEXT,
             at BIGINT NOT NULL, created_at BIGINT NOT NULL);
         CREATE UNIQUE INDEX bench_raw_external ON bench_raw (channel_id, external_id);
         CREATE UNIQUE INDEX bench_raw_idempotency ON bench_raw (workspace_id, idempotency_key);
         CREATE INDEX bench_raw_conversation ON bench_raw (conversation_id, at, id);
         CREATE INDEX bench_raw_channel_time ON bench_raw (channel_id, at, id);"
    ))
    .execute(&pool)
    .await?;
    let p = pool.clone();
    let result = load(n, concurrency, limit, move |i| {
        let pool = p.clone();
        async move {
            let mut tx = match backend {
                Backend::Sqlite => pool.begin_with("BEGIN IMMEDIATE").await,
                Backend::Postgres => pool.begin().await,
            }
            .map_err(|e| e.to_string())?;
            let now = now_micros();
            sqlx::query_scalar::<_, i64>(
                "INSERT INTO bench_raw (workspace_id, channel_id, conversation_id, direction, author,
                     text, attachments, external_id, status, at, created_at)
                 VALUES ($1, $2, $3, 'in', 'customer', $4, '[]', $5, 'received', $6, $6) RETURNING id",
            )
            .bind(1_i64)
            .bind(1_i64)
            .bind((i % customers(n)) as i64)
            .bind(format!("{TEXT} #{i}."))
            .bind(format!("bench-{i}"))
            .bind(now)
            .fetch_one(&mut *tx)
            .await
            .map_err(|e| e.to_string())?;
            tx.commit().await.map_err(|e| e.to_string())
        }
    })
    .await;
    sqlx::query("DROP TABLE bench_raw").execute(&pool).await?;
    store.close().await;
    result.check(n, "raw inserts")?;
    Ok(result)
}

/// Seeds `count` conversations, each with a contact of its own, shaped like a year of
/// a busy inbox: 5% have a customer waiting (their last message within a week, the
/// wait up to an hour older, in the inbox); of the rest, 85% are done, 10% in the
/// inbox and 5% spam, their last message anywhere in the past year. The list keys
/// follow the store's rule: `waiting_since` while a customer waits, else
/// `i64::MAX - last_message_at`. Multi-row INSERTs of literals, 50,000 rows a
/// transaction: this is preparation, not measured.
async fn seed(pool: &AnyPool, workspace: i64, channel: i64, count: u64) -> anyhow::Result<()> {
    const ROWS: u64 = 1_000;
    const PER_TX: u64 = 50;
    let now = now_micros();
    let mut rng = Rng(0x2026_0001);
    let mut done = 0;
    while done < count {
        let mut tx = pool.begin().await?;
        for _ in 0..PER_TX {
            let rows = ROWS.min(count - done);
            if rows == 0 {
                break;
            }
            // Pairing ids with rows is arbitrary: every row is drawn at random anyway.
            let ids =
                insert_contacts(&mut tx, workspace, done..done + rows, now - 400 * DAY).await?;
            let conversations: Vec<String> = ids
                .iter()
                .map(|contact| {
                    let (folder, waiting, last) = if rng.below(100) < 5 {
                        let last = now - rng.below(7 * DAY);
                        ("inbox", Some(last - rng.below(DAY / 24)), last)
                    } else {
                        let folder = match rng.below(100) {
                            0..85 => "done",
                            85..95 => "inbox",
                            _ => "spam",
                        };
                        (folder, None, now - rng.below(365 * DAY))
                    };
                    let key = waiting.unwrap_or(i64::MAX - last);
                    let waiting = waiting.map_or("NULL".to_owned(), |w| w.to_string());
                    let created = last - rng.below(30 * DAY);
                    format!(
                        "({workspace}, {channel}, {contact}, '{folder}', {waiting}, {last}, {key}, {created})"
                    )
                })
                .collect();
            sqlx::query(&format!(
                "INSERT INTO conversations (workspace_id, channel_id, contact_id, folder, waiting_since,
                     last_message_at, list_key, created_at) VALUES {}",
                conversations.join(", ")
            ))
            .persistent(false)
            .execute(&mut *tx)
            .await?;
            done += rows;
        }
        tx.commit().await?;
    }
    Ok(())
}

/// Inserts contacts named `Customer {k}` for each `k` of `range` in one statement;
/// their ids in ascending order.
async fn insert_contacts(
    tx: &mut sqlx::AnyConnection,
    workspace: i64,
    range: std::ops::Range<u64>,
    created: i64,
) -> anyhow::Result<Vec<i64>> {
    let contacts: Vec<String> = range
        .map(|k| format!("({workspace}, 'Customer {k}', {created})"))
        .collect();
    let mut ids: Vec<i64> = sqlx::query_scalar(&format!(
        "INSERT INTO contacts (workspace_id, name, created_at) VALUES {} RETURNING id",
        contacts.join(", ")
    ))
    .persistent(false)
    .fetch_all(&mut *tx)
    .await?;
    ids.sort_unstable();
    Ok(ids)
}

/// The cursor of the conversation halfway down the list (of one folder, or all), as
/// the API hands it out: `list_key.id`.
async fn middle_cursor(
    pool: &AnyPool,
    workspace: i64,
    folder: Option<&str>,
) -> anyhow::Result<String> {
    let filter = folder.map_or(String::new(), |f| format!(" AND folder = '{f}'"));
    let total: i64 = sqlx::query_scalar(&format!(
        "SELECT COUNT(*) FROM conversations WHERE workspace_id = $1{filter}"
    ))
    .bind(workspace)
    .fetch_one(pool)
    .await?;
    let (key, id): (i64, i64) = sqlx::query_as(&format!(
        "SELECT list_key, id FROM conversations WHERE workspace_id = $1{filter}
         ORDER BY list_key, id LIMIT 1 OFFSET $2"
    ))
    .bind(workspace)
    .bind(total / 2)
    .fetch_one(pool)
    .await?;
    Ok(format!("{key}.{id}"))
}

async fn call(request: reqwest::RequestBuilder, want: StatusCode) -> anyhow::Result<Value> {
    let response = request.send().await?;
    let status = response.status();
    let text = response.text().await?;
    if status != want {
        bail!("expected {want}, got {status}: {text}");
    }
    Ok(serde_json::from_str(&text)?)
}

/// Signs in as the bench's admin; returns the session cookie and the workspace.
async fn login(http: &reqwest::Client, base: &str) -> anyhow::Result<(String, i64)> {
    let response = http
        .post(format!("{base}/api/v1/auth/login"))
        .header("origin", base)
        .json(&json!({"email": EMAIL, "password": PASSWORD}))
        .send()
        .await?;
    if response.status() != StatusCode::OK {
        bail!("signing in: {}", response.text().await?);
    }
    let cookie = (response.headers().get(SET_COOKIE))
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .filter(|c| c.starts_with("pronto_session="))
        .context("the sign-in answer sets the pronto_session cookie")?
        .to_owned();
    let body: Value = response.json().await?;
    let workspace = body["workspace_id"].as_i64().context("the workspace id")?;
    Ok((cookie, workspace))
}

/// An api channel (its replies go nowhere) and an API token, made through the API.
async fn api_channel_and_token(
    http: &reqwest::Client,
    base: &str,
    cookie: &str,
) -> anyhow::Result<(i64, String)> {
    let channel = call(
        http.post(format!("{base}/api/v1/channels"))
            .header(COOKIE, cookie)
            .header("origin", base)
            .json(&json!({"kind": "api", "name": "bench", "config": {"url": "https://replies.invalid/unused"}})),
        StatusCode::CREATED,
    )
    .await?["id"]
        .as_i64()
        .context("the channel's id")?;
    let token = call(
        http.post(format!("{base}/api/v1/tokens"))
            .header(COOKIE, cookie)
            .header("origin", base)
            .json(&json!({"name": "bench"})),
        StatusCode::CREATED,
    )
    .await?["secret"]
        .as_str()
        .context("the token's secret")?
        .to_owned();
    Ok((channel, token))
}

/// A small deterministic generator (xorshift64*), so every run seeds the same data.
struct Rng(u64);

impl Rng {
    fn below(&mut self, bound: i64) -> i64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        let x = self.0.wrapping_mul(0x2545_F491_4F6C_DD1D);
        (x % bound.max(1) as u64) as i64
    }
}

fn now_micros() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_micros() as i64)
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
}

/// Progress on standard error, so standard output stays the table.
fn status(what: &str) {
    eprintln!("pronto bench server: {what}");
}
