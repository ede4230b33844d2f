//! `pronto bench email`: a mailbox of 10,000 messages on a real IMAP server (the
//! test mail server, `scripts/mailserver.sh start`), APPENDed into a fresh folder,
//! then read by Pronto's email reader (`email::receive::sync`: UID SEARCH, UID FETCH
//! `BODY.PEEK[]` in batches, MIME parsing, threading lookups, headers and messages
//! stored through the one inbound path) into a fresh database.
//!
//! The yardstick, measured in the same run against the same folder: the IMAP
//! server's own fetch rate, the same UID SEARCH and the same batched UID FETCH with
//! nothing done with the bytes.

use std::time::Instant;

use anyhow::{Context, bail};
use clap::Args;
use futures_util::TryStreamExt;
use pronto_core::email::EmailConfig;
use pronto_server::email::net::Reach;
use pronto_server::email::{imap, receive};
use pronto_server::{AppState, Config};
use pronto_store::{Backend, ChannelKind};
use serde_json::json;

use super::harness::Database;
use super::{now_micros, status};

/// The bench's own IMAP sessions: the mail server is a local one.
const LOCAL: Reach = Reach {
    allow_private: true,
    roots: None,
};

#[derive(Args, Debug)]
pub struct EmailBench {
    /// Messages in the mailbox.
    #[arg(long, default_value_t = 10_000)]
    messages: u32,
    /// The IMAP server, HOST:PORT (plain IMAP; the test mail server's by default).
    #[arg(long, default_value = "127.0.0.1:10143")]
    imap: String,
    /// The mailbox's account.
    #[arg(long, default_value = "bench@example.test")]
    user: String,
    /// Its password.
    #[arg(long, default_value = "mail-pass-7359")]
    password: String,
    /// PostgreSQL instead of SQLite: postgres://... (or PRONTO_BENCH_DATABASE_URL).
    #[arg(long, value_name = "URL")]
    database_url: Option<String>,
}

pub fn run(args: EmailBench) -> anyhow::Result<()> {
    if args.messages == 0 {
        bail!("--messages must be positive");
    }
    super::on_fresh_database(args.database_url.clone(), async |db| {
        measure(&args, db).await
    })
}

async fn measure(args: &EmailBench, db: &Database) -> anyhow::Result<()> {
    let (host, port) = args.imap.rsplit_once(':').context("--imap is HOST:PORT")?;
    let folder = format!("bench-{}", now_micros());
    let settings = json!({
        "address": args.user, "imap_host": host, "imap_port": port.parse::<u16>()?,
        "imap_tls": "none", "imap_user": args.user, "imap_password": args.password,
        "imap_folder": folder, "smtp_host": host, "smtp_port": 25, "smtp_tls": "none",
    });
    let (_, mut settings) = pronto_core::channel::check_new("email", settings)?;
    let config = EmailConfig::read(&settings);
    let n = args.messages;
    println!("# pronto bench email");
    println!();
    println!("machine: {}", crate::bench::machine());
    println!("database: {}", db.describe().await?);
    println!("IMAP server: {} (folder {folder}, {n} messages)", args.imap);
    println!();

    status("filling the mailbox");
    let (mut session, _) = imap::open(
        &LOCAL,
        &EmailConfig::read(&json!({
            "imap_host": host, "imap_port": port, "imap_tls": "none",
            "imap_user": args.user, "imap_folder": "INBOX"
        })),
        &args.password,
    )
    .await
    .map_err(|e| {
        anyhow::anyhow!("{e} (is the test mail server running? scripts/mailserver.sh start)")
    })?;
    session.create(&folder).await?;
    let t = Instant::now();
    for i in 0..n {
        session.append(&folder, None, None, mail(i)).await?;
    }
    let appended = t.elapsed();
    imap::close(session).await;

    println!("| measurement | messages | time | messages/s |");
    println!("| --- | --- | --- | --- |");
    row("APPEND into the folder (filling it)", n, appended);

    status("yardstick: the IMAP server's own fetch");
    let t = Instant::now();
    let (mut session, _) = imap::open(&LOCAL, &config, &args.password)
        .await
        .map_err(|e| anyhow::anyhow!(e))?;
    let uids = imap::uids_after(&mut session, 0)
        .await
        .map_err(|e| anyhow::anyhow!(e))?;
    let mut bytes = 0usize;
    let mut fetched = 0u32;
    for batch in uids.chunks(receive::BATCH) {
        let stream = session
            .uid_fetch(imap::uid_set(batch), "(UID BODY.PEEK[])")
            .await?;
        let all: Vec<_> = stream.try_collect().await?;
        for f in &all {
            if let Some(body) = f.body() {
                bytes += body.len();
                fetched += 1;
            }
        }
    }
    imap::close(session).await;
    let raw = t.elapsed();
    if fetched != n {
        bail!("the yardstick fetched {fetched} of {n}");
    }
    row(
        &format!(
            "yardstick: UID SEARCH + UID FETCH BODY.PEEK[] in batches of {} ({:.1} MB), bytes dropped",
            receive::BATCH,
            bytes as f64 / 1e6
        ),
        n,
        raw,
    );

    status("Pronto: email::receive::sync into a fresh database");
    if db.backend() == Backend::Sqlite {
        std::fs::create_dir_all(db.data_dir())?;
    }
    let server_config = Config {
        database_url: db.url(),
        data_dir: db.data_dir(),
        secret_key: "42".repeat(32),
        // The bench's IMAP server is a local one.
        allow_private_mail_servers: true,
        ..Config::default()
    };
    let store = pronto_server::open_store(&server_config).await?;
    let state = AppState::new(store, server_config, pronto_server::system_clock());
    state
        .sealer()
        .map_err(|e| anyhow::anyhow!(e))?
        .seal_config(ChannelKind::Email, &mut settings);
    let now = now_micros();
    let ws = state.store.create_workspace("Bench", now).await?;
    let channel = state
        .store
        .create_channel(ws, ChannelKind::Email, "Bench mailbox", &settings, now)
        .await?;
    let t = Instant::now();
    let synced = receive::sync(&state, &channel)
        .await
        .map_err(|e| anyhow::anyhow!(e))?;
    let took = t.elapsed();
    if synced.fetched != n as usize || synced.stored != n as usize {
        bail!(
            "Pronto fetched {} and stored {} of {n}",
            synced.fetched,
            synced.stored
        );
    }
    row(
        "Pronto: fetched, parsed, threaded and stored (messages, headers, raw mail)",
        n,
        took,
    );
    let again = Instant::now();
    let nothing = receive::sync(&state, &channel)
        .await
        .map_err(|e| anyhow::anyhow!(e))?;
    println!(
        "| Pronto again: nothing new (UID SEARCH only) | {} | {:.3} s | - |",
        nothing.fetched,
        again.elapsed().as_secs_f64()
    );
    println!();
    println!(
        "Pronto's rate is {:.0}% of the server's own fetch rate.",
        100.0 * raw.as_secs_f64() / took.as_secs_f64()
    );

    status("removing the folder");
    let (mut session, _) = imap::open(&LOCAL, &config, &args.password)
        .await
        .map_err(|e| anyhow::anyhow!(e))?;
    session.close().await.ok();
    session.delete(&folder).await?;
    imap::close(session).await;
    state.store.close().await;
    Ok(())
}

fn row(what: &str, n: u32, took: std::time::Duration) {
    println!(
        "| {what} | {n} | {:.2} s | {:.0} |",
        took.as_secs_f64(),
        f64::from(n) / took.as_secs_f64()
    );
}

/// A customer's mail: one in three answers an earlier one (In-Reply-To and
/// References), every tenth is multipart with a small attachment; 500 customers.
fn mail(i: u32) -> String {
    let customer = i % 500;
    let mut headers = format!(
        "From: Customer {customer} <c{customer}@customer.test>\r\nTo: bench@example.test\r\nSubject: Order {i}\r\nDate: Mon, 07 Dec 2026 10:00:00 +0000\r\nMessage-ID: <bench-{i}@customer.test>\r\n"
    );
    if i % 3 == 1 && i >= 500 {
        let parent = i - 500;
        headers.push_str(&format!(
            "In-Reply-To: <bench-{parent}@customer.test>\r\nReferences: <bench-{parent}@customer.test>\r\n"
        ));
    }
    let text = format!(
        "Hello, this is message {i}. Where is my order? It was due last week.\r\n\r\nThanks,\r\nCustomer {customer}\r\n\r\nOn Mon, 7 Dec 2026, Support wrote:\r\n> We are looking into it.\r\n"
    );
    if i % 10 == 0 {
        format!(
            "{headers}MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{text}--b\r\nContent-Type: application/pdf; name=\"invoice-{i}.pdf\"\r\nContent-Disposition: attachment; filename=\"invoice-{i}.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQKJcfsj6IKMSAwIG9iago8PC9UeXBlL0NhdGFsb2c+PgplbmRvYmoK\r\n--b--\r\n"
        )
    } else {
        format!(
            "{headers}MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{text}"
        )
    }
}
