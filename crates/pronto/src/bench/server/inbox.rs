//! `pronto bench inbox`: the inbox page as an agent loads it, from `pronto serve` in
//! a child process, with a workspace of 100,000 conversations and their messages.
//!
//! Each figure is the time from the request to the last byte of the page's HTML
//! (the server's work: session, list query, previews, clocks, the open conversation,
//! rendering). The page's CSS and script are static and cached by the browser.

use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use clap::Args;
use pronto_store::Store;
use reqwest::StatusCode;
use reqwest::header::{AUTHORIZATION, COOKIE};
use serde_json::json;
use sqlx::AnyPool;

use super::harness::{Database, Server, add_admin};
use super::load::{expect, load};
use super::{
    DAY, Rng, api_channel_and_token, call, insert_contacts, login, ms, now_micros, status,
};

#[derive(Args, Debug)]
pub struct InboxBench {
    /// Conversations in the workspace (each with its customer's messages and, for
    /// most, an agent's reply).
    #[arg(long, default_value_t = 100_000)]
    conversations: u64,
    /// Page loads per measurement (each also stops after 15 s).
    #[arg(long, default_value_t = 200)]
    requests: u64,
    /// PostgreSQL instead of SQLite: postgres://... (or PRONTO_BENCH_DATABASE_URL).
    #[arg(long, value_name = "URL")]
    database_url: Option<String>,
}

const LIMIT: Duration = Duration::from_secs(15);
const MINUTE: i64 = 60_000_000;

pub fn run(args: InboxBench) -> anyhow::Result<()> {
    if args.conversations == 0 || args.requests == 0 {
        bail!("--conversations and --requests must be positive");
    }
    super::on_fresh_database(args.database_url.clone(), async |db| {
        measure(&args, db).await
    })
}

async fn measure(args: &InboxBench, db: &Database) -> anyhow::Result<()> {
    println!("# pronto bench inbox");
    println!();
    println!("machine: {}", crate::bench::machine());
    println!("database: {}", db.describe().await?);
    println!(
        "workspace: {} conversations on one channel; {} page loads per line",
        args.conversations, args.requests
    );
    println!();
    println!("| page | measured |");
    println!("| --- | --- |");

    status("starting pronto serve");
    let server = Server::start(db).await?;
    tokio::task::block_in_place(|| add_admin(db))?;
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(60))
        .build()?;
    let (cookie, workspace) = login(&http, &server.base).await?;
    let (channel, token) = api_channel_and_token(&http, &server.base, &cookie).await?;

    status(&format!(
        "seeding {} conversations with messages",
        args.conversations
    ));
    let t = Instant::now();
    let store = Store::connect_unmigrated(&db.url()).await?;
    let (messages, waiting) = seed(store.pool(), workspace, channel, args.conversations).await?;
    status(&format!(
        "seeded {messages} messages ({waiting} customers waiting) in {:.1?}",
        t.elapsed()
    ));
    store.close().await;
    // The server's engines were built before the seeding: a restart is what a real
    // workspace of this size looks like when an agent opens it.
    drop(server);
    let server = Server::start(db).await?;
    let open: i64 = {
        let store = Store::connect_unmigrated(&db.url()).await?;
        let id = sqlx::query_scalar(
            "SELECT id FROM conversations WHERE workspace_id = $1 ORDER BY list_key, id LIMIT 1",
        )
        .bind(workspace)
        .fetch_one(store.pool())
        .await?;
        store.close().await;
        id
    };

    let page = |path: &str| format!("{}{path}", server.base);
    let first = Instant::now();
    expect(
        http.get(page("/inbox")).header(COOKIE, &cookie),
        StatusCode::OK,
    )
    .await
    .map_err(|e| anyhow::anyhow!("the first /inbox: {e:?}"))?;
    println!(
        "| `GET /inbox`, the first load after a start (its clocks are computed in the background) | {} |",
        ms(first.elapsed())
    );
    clocks_current(&http, &page("/ui/list?folder=inbox"), &cookie).await?;
    println!(
        "| from the first load until its clocks are current | {} |",
        ms(first.elapsed())
    );
    let cases = [
        (
            "`GET /inbox`: the inbox folder, 50 rows",
            "/inbox".to_owned(),
        ),
        (
            "`GET /inbox?c=…`: with the longest-waiting conversation open",
            format!("/inbox?c={open}"),
        ),
        (
            "`GET /inbox?folder=done`: done, 50 rows",
            "/inbox?folder=done".to_owned(),
        ),
        (
            "`GET /ui/list?folder=inbox`: the list alone (what live updates fetch)",
            "/ui/list?folder=inbox".to_owned(),
        ),
    ];
    for (what, path) in cases {
        status(&format!("GET {path}"));
        let (url, cookie) = (page(&path), cookie.clone());
        let http = http.clone();
        let l = load(args.requests, 1, LIMIT, move |_| {
            let request = http.get(&url).header(COOKIE, &cookie);
            async move { expect(request, StatusCode::OK).await }
        })
        .await;
        l.check(1, "page loads")?;
        println!(
            "| {what} | p50 {}, p99 {} over {} loads |",
            ms(l.percentile(50)),
            ms(l.percentile(99)),
            l.ok
        );
    }

    // Every new message on the channel makes the clocks stale: the page is served
    // with the clocks it has while they are computed again in the background, and
    // says so (`data-clocks-pending`); the script asks again until they are current.
    status("GET /inbox after a new message each time, then until the clocks are current");
    let inbound = page(&format!("/api/v1/channels/{channel}/inbound"));
    let list = page("/ui/list?folder=inbox");
    let (mut loads, mut fresh) = (Vec::new(), Vec::new());
    let started = Instant::now();
    for i in 0..args.requests.min(20) {
        call(
            http.post(&inbound)
                .header(AUTHORIZATION, format!("Bearer {token}"))
                .json(&json!({"message_id": format!("live-{i}"), "contact_id": format!("live-{i}"), "text": "Hello?"})),
            StatusCode::CREATED,
        )
        .await?;
        let t = Instant::now();
        expect(
            http.get(page("/inbox")).header(COOKIE, &cookie),
            StatusCode::OK,
        )
        .await
        .map_err(|e| anyhow::anyhow!("/inbox after a message: {e:?}"))?;
        loads.push(t.elapsed());
        clocks_current(&http, &list, &cookie).await?;
        fresh.push(t.elapsed());
        // Past the spacing between two computations, so each message costs one.
        tokio::time::sleep(Duration::from_millis(3_100)).await;
        if started.elapsed() > Duration::from_secs(120) {
            break;
        }
    }
    loads.sort();
    fresh.sort();
    println!(
        "| `GET /inbox` right after a new message (served with the previous clocks) | p50 {}, max {} over {} loads |",
        ms(loads[loads.len() / 2]),
        ms(*loads.last().context("at least one load")?),
        loads.len()
    );
    println!(
        "| from that load until the clocks include the new message (computed in the background) | p50 {}, max {} |",
        ms(fresh[fresh.len() / 2]),
        ms(*fresh.last().context("at least one")?)
    );
    // The dashboard analyses the channel's whole history at each load (not a target
    // of the issue; measured so that its cost is known).
    status("GET /dashboard");
    let (url, c) = (page("/dashboard"), cookie.clone());
    let h = http.clone();
    let l = load(args.requests.min(10), 1, LIMIT, move |_| {
        let request = h.get(&url).header(COOKIE, &c);
        async move { expect(request, StatusCode::OK).await }
    })
    .await;
    l.check(1, "dashboard loads")?;
    println!(
        "| `GET /dashboard`: the channel's figures, charts, at-risk list and explanation | p50 {}, max {} over {} loads |",
        ms(l.percentile(50)),
        ms(l.percentile(100)),
        l.ok
    );
    let memory = server.memory();
    println!(
        "| server resident memory after the loads (VmRSS / VmHWM) | {} / {} |",
        memory.rss, memory.peak
    );
    Ok(())
}

/// Waits until the list at `url` no longer says its clocks are pending.
async fn clocks_current(http: &reqwest::Client, url: &str, cookie: &str) -> anyhow::Result<()> {
    let started = Instant::now();
    loop {
        let body = http
            .get(url)
            .header(COOKIE, cookie)
            .send()
            .await?
            .text()
            .await?;
        if !body.contains("data-clocks-pending") {
            return Ok(());
        }
        if started.elapsed() > Duration::from_secs(60) {
            bail!("the clocks were not current after 60 s");
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Seeds `count` conversations on `channel`, shaped like a busy inbox: each has a
/// contact and a customer's message; 95% were answered by the agent after one to
/// sixty minutes (85% of those are done, the rest in the inbox) and 5% have the
/// customer waiting since within the last day, in the inbox. Multi-row INSERTs of
/// literals: preparation, not measured. Returns (messages, waiting).
pub(super) async fn seed(
    pool: &AnyPool,
    workspace: i64,
    channel: i64,
    count: u64,
) -> anyhow::Result<(u64, u64)> {
    const ROWS: u64 = 1_000;
    let now = now_micros();
    let agent: i64 = sqlx::query_scalar("SELECT MIN(id) FROM users")
        .fetch_one(pool)
        .await?;
    let mut rng = Rng(0x2026_0005);
    let (mut done, mut messages, mut waiting_total) = (0, 0, 0);
    while done < count {
        let rows = ROWS.min(count - done);
        let mut tx = pool.begin().await?;
        let ids = insert_contacts(&mut tx, workspace, done..done + rows, now - 100 * DAY).await?;
        let mut plans = Vec::with_capacity(ids.len());
        let conversations: Vec<String> = ids
            .iter()
            .map(|contact| {
                let waiting = rng.below(100) < 5;
                let asked = if waiting {
                    now - rng.below(DAY)
                } else {
                    now - rng.below(90 * DAY)
                };
                let answered = (!waiting).then(|| asked + MINUTE + rng.below(59 * MINUTE));
                let folder = if waiting || rng.below(100) >= 85 {
                    "inbox"
                } else {
                    "done"
                };
                let last = answered.unwrap_or(asked);
                let key = if waiting { asked } else { i64::MAX - last };
                let waiting_since = if waiting {
                    asked.to_string()
                } else {
                    "NULL".to_owned()
                };
                plans.push((asked, answered));
                format!(
                    "({workspace}, {channel}, {contact}, '{folder}', {waiting_since}, {last}, {key}, {asked})"
                )
            })
            .collect();
        let conversation_ids: Vec<i64> = sqlx::query_scalar(&format!(
            "INSERT INTO conversations (workspace_id, channel_id, contact_id, folder, waiting_since,
                 last_message_at, list_key, created_at) VALUES {} RETURNING id",
            conversations.join(", ")
        ))
        .persistent(false)
        .fetch_all(&mut *tx)
        .await?;
        let mut values = Vec::with_capacity(rows as usize * 2);
        for (conversation, (asked, answered)) in conversation_ids.iter().zip(&plans) {
            values.push(format!(
                "({workspace}, {channel}, {conversation}, 'in', 'customer', NULL, 'Hello, where is my order? It has not arrived yet.', 'received', {asked}, {asked})"
            ));
            if let Some(a) = answered {
                values.push(format!(
                    "({workspace}, {channel}, {conversation}, 'out', 'agent', {agent}, 'Sorry about that! It ships tomorrow.', 'sent', {a}, {a})"
                ));
            } else {
                waiting_total += 1;
            }
        }
        messages += values.len() as u64;
        sqlx::query(&format!(
            "INSERT INTO messages (workspace_id, channel_id, conversation_id, direction, author, agent_id,
                 text, status, at, created_at) VALUES {}",
            values.join(", ")
        ))
        .persistent(false)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        done += rows;
    }
    Ok((messages, waiting_total))
}
