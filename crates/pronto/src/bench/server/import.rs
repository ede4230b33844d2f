//! `pronto bench import`: a Messenger history export stored by `import::import_file`
//! (what `pronto import messenger --file` runs), several conversations a
//! transaction, on a fresh database, and the same export imported again (every
//! message already there, as a resumed import sees it).
//!
//! The yardstick, measured in the same run on the same database: the same number of
//! message-shaped rows inserted with the messages table's indexes, one INSERT a row,
//! in transactions as large as the import's (`target::BATCH`), with nothing else
//! (no contact, conversation, dedupe lookup or event).

use std::time::Instant;

use anyhow::bail;
use clap::Args;
use pronto_server::import::{self, Target};
use pronto_store::{Backend, ChannelKind, Store};
use serde_json::{Value, json};

use super::harness::Database;
use super::{DAY, now_micros, status};

#[derive(Args, Debug)]
pub struct ImportBench {
    /// Messages in the export.
    #[arg(long, default_value_t = 200_000)]
    messages: u64,
    /// Messages per conversation (alternately the customer's and the Page's).
    #[arg(long, default_value_t = 10)]
    per_conversation: u64,
    /// PostgreSQL instead of SQLite: postgres://... (or PRONTO_BENCH_DATABASE_URL).
    #[arg(long, value_name = "URL")]
    database_url: Option<String>,
}

/// Conversations per page of the export, as Meta pages them.
const PAGE: u64 = 25;
/// Rows per yardstick transaction: the import's batch.
const ROWS: u64 = 1_000;

pub fn run(args: ImportBench) -> anyhow::Result<()> {
    if args.messages == 0 || args.per_conversation == 0 {
        bail!("--messages and --per-conversation must be positive");
    }
    super::on_fresh_database(args.database_url.clone(), async |db| {
        measure(&args, db).await
    })
}

async fn measure(args: &ImportBench, db: &Database) -> anyhow::Result<()> {
    if db.backend() == Backend::Sqlite {
        std::fs::create_dir_all(db.data_dir())?;
    }
    let store = Store::connect(&db.url()).await?;
    let now = now_micros();
    let export = export(args, now);
    println!("# pronto bench import");
    println!();
    println!("machine: {}", crate::bench::machine());
    println!("database: {}", db.describe().await?);
    println!(
        "export: {} messages in {} conversations ({} per conversation), {} pages, {:.1} MB",
        args.messages,
        args.messages.div_ceil(args.per_conversation),
        args.per_conversation,
        args.messages.div_ceil(args.per_conversation).div_ceil(PAGE),
        export.len() as f64 / 1e6
    );
    println!();
    println!("| measurement | messages | time | messages/s |");
    println!("| --- | --- | --- | --- |");

    let ws = store.create_workspace("Bench", now).await?;
    let channel = store
        .create_channel(
            ws,
            ChannelKind::Messenger,
            "Bench Page",
            &json!({"page_id": "PAGE", "app_id": "APP", "app_secret": "unused",
                    "page_access_token": "unused"}),
            now,
        )
        .await?;
    let target = Target::new(store.clone(), channel.id, None, now).await?;
    for (what, expect_stored) in [
        ("`import_file`, a fresh channel", args.messages),
        ("`import_file` again, every message already there", 0),
    ] {
        status(what);
        let t = Instant::now();
        let tally = import::import_file(&target, &export, &()).await?;
        let took = t.elapsed();
        if tally.stored != expect_stored || tally.stored + tally.already != args.messages {
            bail!(
                "{what}: stored {}, already there {}, skipped {}; expected {expect_stored} stored of {}",
                tally.stored,
                tally.already,
                tally.skipped.len(),
                args.messages
            );
        }
        println!(
            "| {what} | {} | {:.2} s | {:.0} |",
            args.messages,
            took.as_secs_f64(),
            args.messages as f64 / took.as_secs_f64()
        );
    }
    let events: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM events WHERE workspace_id = $1")
        .bind(ws)
        .fetch_one(store.pool())
        .await?;
    if events as u64 != args.messages {
        bail!("{events} events for {} messages", args.messages);
    }
    store.close().await;

    status("yardstick: raw inserts");
    let took = raw_inserts(db, args.messages, now).await?;
    println!(
        "| yardstick: raw message-shaped rows, one INSERT a row, {ROWS} a transaction | {} | {:.2} s | {:.0} |",
        args.messages,
        took.as_secs_f64(),
        args.messages as f64 / took.as_secs_f64()
    );
    Ok(())
}

/// The export, one page a line as `pronto import --file` reads it: conversations
/// of `per_conversation` messages, newest first as Meta lists them, beginning with
/// the customer's, a minute apart, over the last 300 days.
fn export(args: &ImportBench, now: i64) -> String {
    let conversations = args.messages.div_ceil(args.per_conversation);
    let mut out = String::new();
    let mut left = args.messages;
    for page in 0..conversations.div_ceil(PAGE) {
        let mut data = Vec::new();
        for c in page * PAGE..((page + 1) * PAGE).min(conversations) {
            let customer = format!("C{c}");
            let start = now - 300 * DAY + (c as i64 * 7_919 % 290) * DAY;
            let n = left.min(args.per_conversation);
            left -= n;
            let messages: Vec<Value> = (0..n)
                .rev()
                .map(|k| {
                    let (from, name) = if k % 2 == 0 {
                        (customer.as_str(), "Customer")
                    } else {
                        ("PAGE", "Bench Page")
                    };
                    let at = pronto_core::Timestamp::from_micros(start + k as i64 * 60_000_000)
                        .to_string()
                        .replace('Z', "+0000");
                    json!({"id": format!("m_{c}_{k}"), "created_time": at,
                           "from": {"id": from, "name": name},
                           "message": format!("Message {k} of conversation {c}: is my order on its way?")})
                })
                .collect();
            data.push(json!({"id": format!("t_{c}"),
                "participants": {"data": [{"id": customer, "name": format!("Customer {c}")},
                                           {"id": "PAGE", "name": "Bench Page"}]},
                "messages": {"data": messages}}));
        }
        out.push_str(&json!({"data": data}).to_string());
        out.push('\n');
    }
    out
}

/// Inserts `n` message-shaped rows into a table with the messages table's indexes,
/// `ROWS` a transaction, through a pool opened by the store itself.
async fn raw_inserts(db: &Database, n: u64, now: i64) -> anyhow::Result<std::time::Duration> {
    let backend = db.backend();
    let store = Store::connect_unmigrated(&db.raw_url()).await?;
    let pool = store.pool().clone();
    let id = match backend {
        Backend::Sqlite => "id INTEGER PRIMARY KEY",
        Backend::Postgres => "id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY",
    };
    sqlx::raw_sql(&format!(
        "DROP TABLE IF EXISTS bench_import_raw;
         CREATE TABLE bench_import_raw ({id}, workspace_id BIGINT NOT NULL, channel_id BIGINT NOT NULL,
             conversation_id BIGINT NOT NULL, direction TEXT NOT NULL, author TEXT NOT NULL,
             text TEXT NOT NULL, external_id TEXT, status TEXT NOT NULL,
             at BIGINT NOT NULL, created_at BIGINT NOT NULL);
         CREATE UNIQUE INDEX bench_import_raw_external ON bench_import_raw (channel_id, external_id);
         CREATE INDEX bench_import_raw_conversation ON bench_import_raw (conversation_id, at, id);
         CREATE INDEX bench_import_raw_channel_time ON bench_import_raw (channel_id, at, id);"
    ))
    .execute(&pool)
    .await?;
    let t = Instant::now();
    let mut i = 0;
    while i < n {
        let mut tx = match backend {
            Backend::Sqlite => pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => pool.begin().await?,
        };
        for k in i..(i + ROWS).min(n) {
            sqlx::query(
                "INSERT INTO bench_import_raw (workspace_id, channel_id, conversation_id, direction,
                     author, text, external_id, status, at, created_at)
                 VALUES (1, 1, $1, 'in', 'customer', $2, $3, 'received', $4, $5)",
            )
            .bind((k / 10) as i64)
            .bind(format!("Message {k}: is my order on its way?"))
            .bind(format!("m_{k}"))
            .bind(now - 300 * DAY + k as i64)
            .bind(now)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        i += ROWS;
    }
    let took = t.elapsed();
    sqlx::query("DROP TABLE bench_import_raw")
        .execute(&pool)
        .await?;
    store.close().await;
    Ok(took)
}
