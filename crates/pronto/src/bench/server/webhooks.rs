//! `pronto bench webhooks`: Meta's signed webhook deliveries against `pronto serve`,
//! as Meta sends them (Messenger's, or WhatsApp's with `--channel whatsapp`): how many are acknowledged per second, how long each waits
//! for its `200`, and how long the worker then takes to turn them into messages.
//!
//! An acknowledgement is one durable insert of the body after the signature check,
//! so its limit is the raw insert rate of the same database, measured in the same run.

use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use clap::Args;
use pronto_sandbox::{Event, Platform};
use pronto_store::Store;
use reqwest::StatusCode;
use reqwest::header::COOKIE;
use serde_json::json;

use super::harness::{Database, Server, add_admin, cpu_of};
use super::load::Load;
use super::load::{expect, load};
use super::{TIME_LIMIT, call, login, ms, now_micros, raw_inserts, status};
use pronto_store::Backend;

#[derive(Args, Debug)]
pub struct WebhookBench {
    /// Signed deliveries to post (one customer message each).
    #[arg(long, default_value_t = 20_000)]
    deliveries: u64,
    /// Deliveries in flight at once (Meta sends several at a time).
    #[arg(long, default_value_t = 32)]
    concurrency: usize,
    /// PostgreSQL instead of SQLite: postgres://... (or PRONTO_BENCH_DATABASE_URL).
    #[arg(long, value_name = "URL")]
    database_url: Option<String>,
    /// Whose deliveries: Messenger's or WhatsApp's.
    #[arg(long, value_enum, default_value_t = BenchChannel::Messenger)]
    channel: BenchChannel,
}

/// The channel whose webhooks are posted.
#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum BenchChannel {
    /// A Messenger Page (`object: page`).
    Messenger,
    /// A WhatsApp number (`object: whatsapp_business_account`).
    Whatsapp,
}

impl BenchChannel {
    fn name(self) -> &'static str {
        match self {
            BenchChannel::Messenger => "Messenger",
            BenchChannel::Whatsapp => "WhatsApp",
        }
    }

    /// The body of delivery `i`: one customer text, at `at` (microseconds).
    fn body(self, i: u64, at: i64) -> Vec<u8> {
        let text = format!("Bonjour, où en est ma commande ? #{i}");
        match self {
            BenchChannel::Messenger => pronto_sandbox::build(
                Platform::Messenger,
                PAGE,
                &Event::Text {
                    from: format!("psid-{}", i % 2_000),
                    mid: format!("m_bench_{i}"),
                    text,
                },
                at,
            ),
            BenchChannel::Whatsapp => pronto_sandbox::whatsapp_text_body(
                WABA,
                NUMBER,
                &format!("3360000{:04}", i % 2_000),
                "Client",
                &format!("wamid.bench{i}"),
                &text,
                at,
            ),
        }
    }

    /// The channel as `POST /api/v1/channels` takes it.
    fn create(self) -> serde_json::Value {
        match self {
            BenchChannel::Messenger => json!({"kind": "messenger", "name": "bench", "config": {
                "page_id": PAGE, "app_id": "1", "app_secret": APP_SECRET,
                "page_access_token": "bench-token"}}),
            BenchChannel::Whatsapp => json!({"kind": "whatsapp", "name": "bench", "config": {
                "phone_number_id": NUMBER, "waba_id": WABA, "app_id": "1",
                "app_secret": APP_SECRET, "access_token": "bench-token"}}),
        }
    }
}

const APP_SECRET: &str = "bench-app-secret";
const PAGE: &str = "BENCH_PAGE";
const NUMBER: &str = "106540352242922";
const WABA: &str = "102290129340398";
/// How long the worker may take to process what was acknowledged.
const PROCESS_LIMIT: Duration = Duration::from_secs(180);

pub fn run(args: WebhookBench) -> anyhow::Result<()> {
    if args.deliveries == 0 || args.concurrency == 0 {
        bail!("--deliveries and --concurrency must be positive");
    }
    super::on_fresh_database(args.database_url.clone(), async |db| {
        measure(&args, db).await
    })
}

async fn measure(args: &WebhookBench, db: &Database) -> anyhow::Result<()> {
    let (n, concurrency) = (args.deliveries, args.concurrency);
    println!("# pronto bench webhooks");
    println!();
    println!("machine: {}", super::super::machine());
    println!("database: {}", db.describe().await?);
    println!(
        "{n} signed {} deliveries, one message each, {concurrency} in flight",
        args.channel.name()
    );
    println!();
    println!("| what | measured |");
    println!("| --- | --- |");

    status("raw inserts, one row per transaction");
    let body = args.channel.body(0, 0);
    let raw = raw_inbox_inserts(db, n, concurrency, body).await?;
    println!(
        "| raw insert of a webhook-inbox row (the same body, one index), one per transaction, {concurrency} in flight (the limit) | {} |",
        raw.summary("rows")
    );
    let message_rows = raw_inserts(db, n, concurrency, TIME_LIMIT).await?;
    println!(
        "| raw insert of a message row (four indexes), for comparison with the processing | {} |",
        message_rows.summary("rows")
    );

    status("starting pronto serve");
    let server = Server::start(db).await?;
    tokio::task::block_in_place(|| add_admin(db))?;
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()?;
    let (cookie, _) = login(&http, &server.base).await?;
    let channel = call(
        http.post(format!("{}/api/v1/channels", server.base))
            .header(COOKIE, &cookie)
            .header("origin", &server.base)
            .json(&args.channel.create()),
        StatusCode::CREATED,
    )
    .await?["id"]
        .as_i64()
        .context("the channel's id")?;

    status("signing the deliveries");
    // Built and signed before the clock starts: the load generator only sends.
    let start_ms = now_micros() / 1000;
    let bodies: Vec<(Vec<u8>, String)> = (0..n)
        .map(|i| {
            let at = (start_ms + i as i64) * 1000;
            let body = args.channel.body(i, at);
            let signature = pronto_sandbox::sign(APP_SECRET, &body);
            (body, signature)
        })
        .collect();
    let bodies = std::sync::Arc::new(bodies);

    status("posting signed deliveries");
    let (cpu_before, own_before) = (server.cpu(), cpu_of("self"));
    let url = format!("{}/webhooks/meta/{channel}", server.base);
    let (h, b) = (http.clone(), bodies.clone());
    let started = Instant::now();
    let acks = load(n, concurrency, TIME_LIMIT, move |i| {
        let (body, signature) = &b[i as usize];
        let request = h
            .post(&url)
            .header("content-type", "application/json")
            .header("x-hub-signature-256", signature)
            .body(body.clone());
        async move { expect(request, StatusCode::OK).await }
    })
    .await;
    acks.check(n, "deliveries")?;
    println!(
        "| signed deliveries acknowledged (`POST /webhooks/meta/{{id}}`, signature checked, body stored) | {} |",
        acks.summary("deliveries")
    );
    println!(
        "| acknowledgement latency p50 / p99 / max | {} / {} / {} |",
        ms(acks.percentile(50)),
        ms(acks.percentile(99)),
        ms(acks.percentile(100))
    );
    println!(
        "| acknowledged / raw insert rate | {:.2} |",
        acks.rate() / raw.rate().max(f64::MIN_POSITIVE)
    );

    status("waiting for the worker to process every delivery");
    let store = Store::connect_unmigrated(&db.url()).await?;
    let deadline = Instant::now() + PROCESS_LIMIT;
    loop {
        let waiting: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM webhook_inbox WHERE processed_at IS NULL")
                .fetch_one(store.pool())
                .await?;
        if waiting == 0 || Instant::now() >= deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let all = started.elapsed();
    // Both counts in one statement, so from one snapshot: when the limit ran out
    // the worker is still going, and counted one after the other they would also
    // differ by what it did in between.
    let (waiting, stored): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM webhook_inbox WHERE processed_at IS NULL),
                (SELECT COUNT(*) FROM messages)",
    )
    .fetch_one(store.pool())
    .await?;
    let processed = acks.ok as i64 - waiting;
    // Each delivery holds one new message: what was processed must all be stored.
    // The worker stores a batch's messages and then, in a statement of its own,
    // marks the batch's deliveries processed, so while it still works (the limit ran
    // out) up to one batch of messages may be stored whose deliveries are not
    // marked yet.
    let between = if waiting > 0 {
        pronto_server::meta::BATCH
    } else {
        0
    };
    if !(processed..=processed + between).contains(&stored) {
        bail!("{processed} deliveries were processed but {stored} messages are stored");
    }
    let cut = if waiting > 0 {
        format!(
            ", {waiting} still waiting when the {PROCESS_LIMIT:?} limit ran out{}",
            if stored > processed {
                " (some stored, their deliveries not yet marked processed)"
            } else {
                ""
            }
        )
    } else {
        String::new()
    };
    let _ = server.quiet().await;
    let cpu = server.cpu().saturating_sub(cpu_before);
    println!(
        "| from the first delivery until every one is a stored message (the worker, in batches) | {:.0} messages/s ({stored} in {:.1?}{cut}) |",
        stored as f64 / all.as_secs_f64(),
        all
    );
    println!(
        "| CPU per delivery: the server (acknowledging and processing) / the load generator | {:.0} µs / {:.0} µs |",
        cpu.as_secs_f64() * 1e6 / acks.ok as f64,
        cpu_of("self").saturating_sub(own_before).as_secs_f64() * 1e6 / acks.ok as f64
    );
    let memory = server.memory();
    println!(
        "| server resident memory after / peak | {} / {} |",
        memory.rss, memory.peak
    );
    println!(
        "| of which the process's own (RssAnon) / mapped files' pages, the binary and its language models (RssFile) | {} / {} |",
        memory.anon, memory.file
    );
    Ok(())
}

/// Inserts `n` rows shaped like the webhook inbox's (the body as bytes, its one
/// index), each in its own transaction begun as the store begins a write, through a
/// pool the store opened: the acknowledgement's limit.
async fn raw_inbox_inserts(
    db: &Database,
    n: u64,
    concurrency: usize,
    body: Vec<u8>,
) -> anyhow::Result<Load> {
    let backend = db.backend();
    let store = Store::connect_unmigrated(&db.raw_url()).await?;
    let pool = store.pool().clone();
    let (id, blob) = match backend {
        Backend::Sqlite => ("id INTEGER PRIMARY KEY", "BLOB"),
        Backend::Postgres => (
            "id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY",
            "BYTEA",
        ),
    };
    sqlx::raw_sql(&format!(
        "DROP TABLE IF EXISTS bench_inbox;
         CREATE TABLE bench_inbox ({id}, channel_id BIGINT NOT NULL, body {blob} NOT NULL,
             received_at BIGINT NOT NULL, locked_until BIGINT, processed_at BIGINT, error TEXT);
         CREATE INDEX bench_inbox_due ON bench_inbox (processed_at, id);"
    ))
    .execute(&pool)
    .await?;
    let (p, body) = (pool.clone(), std::sync::Arc::new(body));
    let result = load(n, concurrency, TIME_LIMIT, move |_| {
        let (pool, body) = (p.clone(), body.clone());
        async move {
            let mut tx = match backend {
                Backend::Sqlite => pool.begin_with("BEGIN IMMEDIATE").await,
                Backend::Postgres => pool.begin().await,
            }
            .map_err(|e| e.to_string())?;
            sqlx::query(
                "INSERT INTO bench_inbox (channel_id, body, received_at) VALUES ($1, $2, $3)",
            )
            .bind(1_i64)
            .bind(body.as_slice())
            .bind(now_micros())
            .execute(&mut *tx)
            .await
            .map_err(|e| e.to_string())?;
            tx.commit().await.map_err(|e| e.to_string())
        }
    })
    .await;
    sqlx::query("DROP TABLE bench_inbox").execute(&pool).await?;
    store.close().await;
    result.check(n, "raw inbox inserts")?;
    Ok(result)
}
