//! `pronto bench export`: the CSV exports streamed from `pronto serve` in a child
//! process as the workspace grows, with the server's resident memory sampled every
//! 10 ms while each download runs. The yardstick is the file itself: an export built
//! in memory before being sent would need at least its size.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use clap::Args;
use pronto_store::Store;
use reqwest::header::COOKIE;

use super::harness::{Database, Server, add_admin};
use super::{api_channel_and_token, login, ms, status};

#[derive(Args, Debug)]
pub struct ExportBench {
    /// The workspace sizes measured, in conversations (each with one or two
    /// messages), in increasing order; the workspace grows from one to the next.
    #[arg(long, value_delimiter = ',', default_value = "10000,100000,1000000")]
    sizes: Vec<u64>,
    /// PostgreSQL instead of SQLite: postgres://... (or PRONTO_BENCH_DATABASE_URL).
    #[arg(long, value_name = "URL")]
    database_url: Option<String>,
}

pub fn run(args: ExportBench) -> anyhow::Result<()> {
    if args.sizes.is_empty() || args.sizes.windows(2).any(|w| w[0] >= w[1]) {
        bail!("--sizes must be increasing, such as 10000,100000,1000000");
    }
    super::on_fresh_database(args.database_url.clone(), async |db| {
        measure(&args, db).await
    })
}

async fn measure(args: &ExportBench, db: &Database) -> anyhow::Result<()> {
    println!("# pronto bench export");
    println!();
    println!("machine: {}", crate::bench::machine());
    println!("database: {}", db.describe().await?);
    println!();
    println!(
        "| export | conversations | rows | CSV size (yardstick) | time | server VmRSS before | peak VmRSS while streaming | growth |"
    );
    println!("| --- | --- | --- | --- | --- | --- | --- | --- |");
    let mut server = Server::start(db).await?;
    tokio::task::block_in_place(|| add_admin(db))?;
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(3600))
        .build()?;
    let (cookie, workspace) = login(&http, &server.base).await?;
    let (channel, _) = api_channel_and_token(&http, &server.base, &cookie).await?;
    let mut seeded = 0;
    for &size in &args.sizes {
        status(&format!("seeding up to {size} conversations"));
        let store = Store::connect_unmigrated(&db.url()).await?;
        super::inbox::seed(store.pool(), workspace, channel, size - seeded).await?;
        store.close().await;
        seeded = size;
        // A fresh server for each size: what a node that has been running a while
        // looks like is not the point; the export's own footprint is.
        drop(server);
        server = Server::start(db).await?;
        let (cookie, _) = login(&http, &server.base).await?;
        for path in ["conversations.csv", "responsiveness.csv"] {
            let url = format!(
                "{}/api/v1/exports/{path}?from=2020-01-01&to=2030-12-31",
                server.base
            );
            // The first request builds the channel's live engine (the
            // responsiveness export reads it): not the export's cost.
            let warm = format!("{}/api/v1/channels/{channel}/responsiveness", server.base);
            http.get(&warm).header(COOKIE, &cookie).send().await?;
            let before = server.rss_kib().context("the server's memory")?;
            let (bytes, rows, took, peak) = download(&http, &server, &url, &cookie).await?;
            println!(
                "| `{path}` | {size} | {rows} | {:.1} MiB | {} | {:.1} MiB | {:.1} MiB | {:+.1} MiB |",
                bytes as f64 / 1048576.0,
                ms(took),
                before / 1024.0,
                peak / 1024.0,
                (peak - before) / 1024.0
            );
        }
    }
    Ok(())
}

/// Downloads `url`, sampling the server's VmRSS every 10 ms meanwhile: the bytes,
/// the rows (lines less the header), the time and the highest VmRSS seen, in KiB.
async fn download(
    http: &reqwest::Client,
    server: &Server,
    url: &str,
    cookie: &str,
) -> anyhow::Result<(u64, u64, Duration, f64)> {
    let done = Arc::new(AtomicBool::new(false));
    let peak = Arc::new(AtomicU64::new(0));
    let t = Instant::now();
    let mut response = http.get(url).header(COOKIE, cookie).send().await?;
    if !response.status().is_success() {
        bail!("{url}: {}", response.status());
    }
    let (mut bytes, mut lines) = (0u64, 0u64);
    let sampler = {
        let (done, peak) = (done.clone(), peak.clone());
        let read = server.rss_reader();
        tokio::spawn(async move {
            while !done.load(Ordering::Relaxed) {
                if let Some(kib) = read() {
                    peak.fetch_max(kib as u64, Ordering::Relaxed);
                }
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        })
    };
    while let Some(chunk) = response.chunk().await? {
        bytes += chunk.len() as u64;
        lines += chunk.iter().filter(|b| **b == b'\n').count() as u64;
    }
    let took = t.elapsed();
    done.store(true, Ordering::Relaxed);
    sampler.await?;
    if let Some(kib) = server.rss_kib() {
        peak.fetch_max(kib as u64, Ordering::Relaxed);
    }
    Ok((
        bytes,
        lines.saturating_sub(1),
        took,
        peak.load(Ordering::Relaxed) as f64,
    ))
}
