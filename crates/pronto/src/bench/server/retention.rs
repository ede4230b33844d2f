//! `pronto bench retention`: the retention sweep (`Store::purge`, what the retention
//! worker runs every hour) on a database holding 1 million live events, half of them
//! past the retention period, with processed webhook bodies and sessions beside them.
//!
//! The yardstick, measured in the same run on the same data seeded again: the plain
//! `DELETE ... WHERE created_at < cutoff` statements, one transaction each. Beside
//! both stands what a writer sees meanwhile: the latency of one-event transactions
//! (`Store::publish`, as every change does) while the deletion runs, since on
//! SQLite a long delete holds the database's only write lock.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use anyhow::bail;
use clap::Args;
use pronto_store::{Backend, Store};
use serde_json::json;

use super::harness::Database;
use super::{DAY, ms, now_micros, status};

#[derive(Args, Debug)]
pub struct RetentionBench {
    /// Live events in the log (half past the retention period).
    #[arg(long, default_value_t = 1_000_000)]
    events: u64,
    /// Processed webhook bodies (half past the retention period).
    #[arg(long, default_value_t = 200_000)]
    bodies: u64,
    /// Sessions (half expired).
    #[arg(long, default_value_t = 10_000)]
    sessions: u64,
    /// PostgreSQL instead of SQLite: postgres://... (or PRONTO_BENCH_DATABASE_URL).
    #[arg(long, value_name = "URL")]
    database_url: Option<String>,
}

/// The retention period measured: the default, 90 days.
const KEEP_DAYS: i64 = 90;
/// Rows per seeding statement (5 binds each, under SQLite's limit of 32,766).
const ROWS: u64 = 1_000;

pub fn run(args: RetentionBench) -> anyhow::Result<()> {
    if args.events < 2 {
        bail!("--events must be at least 2");
    }
    super::on_fresh_database(args.database_url.clone(), async |db| {
        measure(&args, db).await
    })
}

async fn measure(args: &RetentionBench, db: &Database) -> anyhow::Result<()> {
    if db.backend() == Backend::Sqlite {
        std::fs::create_dir_all(db.data_dir())?;
    }
    let store = Store::connect(&db.url()).await?;
    println!("# pronto bench retention");
    println!();
    println!("machine: {}", crate::bench::machine());
    println!("database: {}", db.describe().await?);
    println!(
        "data: {} live events, {} processed webhook bodies, {} sessions; half of each past {KEEP_DAYS} days (or expired)",
        args.events, args.bodies, args.sessions
    );
    println!();
    println!("| deletion | time | writer's one-event transactions meanwhile: p99 / max |");
    println!("| --- | --- | --- |");

    let now = now_micros();
    let before = now - KEEP_DAYS * DAY;

    let (workspace, ticker) = seed(&store, args, now).await?;
    let (took, writes) = while_writing(&store, ticker, async {
        let purged = store.purge(before, now).await?;
        status(&format!("purged {purged:?}"));
        anyhow::Ok(())
    })
    .await?;
    println!(
        "| `Store::purge` (the retention worker's sweep, 5,000 rows per transaction) | {} | {writes} |",
        ms(took)
    );
    let t = Instant::now();
    store.purge(before, now).await?;
    println!(
        "| `Store::purge` again, with nothing old left (every later hour) | {} | |",
        ms(t.elapsed())
    );
    let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM events WHERE workspace_id = $1")
        .bind(workspace)
        .fetch_one(store.pool())
        .await?;
    status(&format!("{left} events left"));

    // The yardstick on the same data: one statement per table.
    sqlx::query("DELETE FROM events")
        .execute(store.pool())
        .await?;
    sqlx::query("DELETE FROM webhook_inbox")
        .execute(store.pool())
        .await?;
    sqlx::query("DELETE FROM sessions")
        .execute(store.pool())
        .await?;
    let (workspace, ticker) = seed(&store, args, now).await?;
    let (took, writes) = while_writing(&store, ticker, async {
        for (sql, cutoff) in [
            (
                "DELETE FROM events WHERE workspace_id = $1 AND created_at < $2",
                before,
            ),
            (
                "DELETE FROM webhook_inbox WHERE processed_at < $2 AND error IS NULL AND $1 > 0",
                before,
            ),
            (
                "DELETE FROM sessions WHERE expires_at <= $2 AND $1 > 0",
                now,
            ),
        ] {
            sqlx::query(sql)
                .bind(workspace)
                .bind(cutoff)
                .execute(store.pool())
                .await?;
        }
        anyhow::Ok(())
    })
    .await?;
    println!(
        "| the raw database: one `DELETE … WHERE created_at < cutoff` per table (the yardstick) | {} | {writes} |",
        ms(took)
    );
    store.close().await;
    Ok(())
}

/// Seeds the events, bodies and sessions; returns the workspace and another one for
/// the writer that runs beside the deletion.
async fn seed(store: &Store, args: &RetentionBench, now: i64) -> anyhow::Result<(i64, i64)> {
    status("seeding");
    let t = Instant::now();
    let workspace = store.create_workspace("Bench", now).await?;
    let ticker = store.create_workspace("Writer", now).await?;
    let channel = store
        .create_channel(
            workspace,
            pronto_store::ChannelKind::Api,
            "Bench",
            &json!({"url": "http://x"}),
            now,
        )
        .await?
        .id;
    let user = store
        .create_user(&format!("bench{workspace}@pronto.test"), "Bench", None, now)
        .await?;
    // Events evenly over 180 days, oldest first (numbered in time order, as written).
    let span = 2 * KEEP_DAYS * DAY;
    let payload = json!({"conversation_id": 1, "message_id": 1, "channel_id": channel}).to_string();
    let mut seq = 0u64;
    while seq < args.events {
        let n = ROWS.min(args.events - seq);
        let mut sql = String::from(
            "INSERT INTO events (workspace_id, seq, kind, payload, created_at) VALUES ",
        );
        for i in 0..n {
            let b = (i * 5) as usize;
            if i > 0 {
                sql.push(',');
            }
            sql.push_str(&format!(
                "(${}, ${}, ${}, ${}, ${})",
                b + 1,
                b + 2,
                b + 3,
                b + 4,
                b + 5
            ));
        }
        let mut q = sqlx::query(&sql);
        for i in 0..n {
            let s = seq + i + 1;
            let at = now - span + (span as u64 * s / args.events) as i64;
            q = q
                .bind(workspace)
                .bind(s as i64)
                .bind("message.created")
                .bind(payload.clone())
                .bind(at);
        }
        q.execute(store.pool()).await?;
        seq += n;
    }
    sqlx::query("UPDATE workspaces SET event_seq = $1 WHERE id = $2")
        .bind(args.events as i64)
        .bind(workspace)
        .execute(store.pool())
        .await?;
    let body = vec![b'x'; 600];
    let mut done = 0u64;
    while done < args.bodies {
        let n = ROWS.min(args.bodies - done);
        let mut sql = String::from(
            "INSERT INTO webhook_inbox (channel_id, body, received_at, processed_at) VALUES ",
        );
        for i in 0..n {
            let b = (i * 4) as usize;
            if i > 0 {
                sql.push(',');
            }
            sql.push_str(&format!("(${}, ${}, ${}, ${})", b + 1, b + 2, b + 3, b + 4));
        }
        let mut q = sqlx::query(&sql);
        for i in 0..n {
            let at = now - span + (span as u64 * (done + i) / args.bodies) as i64;
            q = q.bind(channel).bind(body.clone()).bind(at).bind(at);
        }
        q.execute(store.pool()).await?;
        done += n;
    }
    for i in 0..args.sessions {
        let expires = if i % 2 == 0 { now - DAY } else { now + DAY };
        store
            .create_session(
                &format!("bench-{workspace}-{i}"),
                user.id,
                workspace,
                now,
                expires,
            )
            .await?;
    }
    status(&format!("seeded in {:.1?}", t.elapsed()));
    Ok((workspace, ticker))
}

/// Runs `work` while a writer publishes one event per transaction in `ticker`'s
/// workspace, back to back; returns the work's time and the writer's p99 and max.
async fn while_writing(
    store: &Store,
    ticker: i64,
    work: impl Future<Output = anyhow::Result<()>>,
) -> anyhow::Result<(Duration, String)> {
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let (store, stop) = (store.clone(), stop.clone());
        tokio::spawn(async move {
            let mut latencies = Vec::new();
            while !stop.load(Ordering::Relaxed) {
                let t = Instant::now();
                store
                    .publish(
                        ticker,
                        &pronto_store::LiveEvent::ChannelAutomation { channel_id: 0 },
                        now_micros(),
                    )
                    .await?;
                latencies.push(t.elapsed());
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
            anyhow::Ok(latencies)
        })
    };
    let t = Instant::now();
    work.await?;
    let took = t.elapsed();
    stop.store(true, Ordering::Relaxed);
    let mut latencies = writer.await??;
    latencies.sort();
    let text = match latencies.last() {
        Some(max) => {
            let p99 = latencies[(latencies.len() * 99 / 100).min(latencies.len() - 1)];
            format!("{} / {} ({} writes)", ms(p99), ms(*max), latencies.len())
        }
        None => "no write finished".to_owned(),
    };
    Ok((took, text))
}
