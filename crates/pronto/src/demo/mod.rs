//! `pronto serve --demo`: Pronto with Meta's side played by the sandbox in the same
//! process, so one command shows the inbox and the dashboard alive. On the first
//! start of its database it makes a demo workspace (an admin, three agents, a
//! Messenger and an Instagram channel on sandbox pages, a WhatsApp channel on a
//! sandbox number with its templates, a web chat, automations,
//! saved replies) and 90 days of history; later starts find them again. While it
//! runs, simulated customers write in English, French and Italian (on Meta's
//! channels, and as visitors of the demo shop's site, served beside it with the
//! widget), a bot answers some, and the demo agents answer others.
//!
//! Everything goes through Pronto's real paths: signed webhooks in, the API for
//! what people do, the outbox and the sandbox's Send API for replies.

mod api;
mod email;
mod history;
mod live;
mod script;
mod setup;
mod webchat;
mod whatsapp;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::time::Duration;

use anyhow::Context;
use pronto_sandbox::{GRAPH_VERSION, PageConfig, Platform, Sandbox};
use pronto_server::{AppState, Config, config};

use crate::serve_cmd::{Common, init_logging, shutdown_signal};

/// The demo admin's email.
pub const EMAIL: &str = "demo@pronto.test";
/// The password of every demo user. It is printed and in the README: the demo is
/// for trying Pronto on one's own machine, never for real data.
pub const PASSWORD: &str = "pronto-demo";
/// Past conversations put in on the first start, per channel.
const HISTORY: [(Platform, usize); 2] = [(Platform::Messenger, 240), (Platform::Instagram, 80)];
/// Past conversations put in on the first start on WhatsApp.
const WHATSAPP_HISTORY: usize = 120;

/// Runs the demo until Ctrl-C or SIGTERM.
pub fn serve(common: &Common, listen: Option<SocketAddr>) -> anyhow::Result<()> {
    let mut config = common.load()?;
    // The demo's data lives apart from real data unless asked otherwise: a
    // PRONTO_DATABASE_URL or data_dir in pronto.toml is meant for `pronto serve`.
    if common.data_dir.is_none() {
        config.data_dir = "pronto-demo".into();
    }
    if common.database_url.is_none() {
        config.database_url.clear();
    }
    if let Some(listen) = listen {
        config.listen = listen;
    }
    init_logging();
    tokio::runtime::Runtime::new()
        .context("starting the async runtime")?
        .block_on(run(config))
}

async fn run(mut config: Config) -> anyhow::Result<()> {
    let clock = pronto_sandbox::system_clock();
    let started = clock().unsigned_abs();
    let sandbox = Sandbox::new(clock);
    sandbox.start_ids_above(started);
    let pages = pages();
    for page in &pages {
        sandbox.add_page(page.clone());
    }
    let number = whatsapp::number();
    sandbox.add_whatsapp(number.clone());
    let graph_listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
        .await
        .context("listening for the sandbox's Graph API on 127.0.0.1")?;
    let graph = format!("http://{}/{GRAPH_VERSION}", graph_listener.local_addr()?);
    sandbox.serve(graph_listener);
    tokio::spawn(sandbox.clone().run_deliveries());
    config.graph_base_url.clone_from(&graph);
    config.instagram_base_url = graph;

    // The demo's mail sink listens on 127.0.0.1 (`demo::email`).
    config.allow_private_mail_servers = true;
    let store = pronto_server::open_store(&config).await.with_context(|| {
        format!(
            "opening the demo database {}",
            config::redact_url(&config.database())
        )
    })?;
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .with_context(|| {
            format!(
                "listening on {} (is another program using it? try --listen)",
                config.listen
            )
        })?;
    config.listen = listener.local_addr()?;
    let own = loopback(config.listen);
    let state = AppState::new(store, config, pronto_server::system_clock());
    let url = state.config.base_url();
    let server = tokio::spawn(pronto_server::serve(
        state.clone(),
        listener,
        shutdown_signal(),
    ));
    println!(
        "Pronto demo is running at {url} (data: {})",
        where_data(&state.config)
    );
    if !own.ip().is_loopback() {
        println!("Warning: the demo password is public; keep --listen on 127.0.0.1.");
    }

    let base = format!("http://{own}");
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        // The server closes a kept-alive connection idle for `header_timeout_secs`
        // (10 s), as long as the agents' round: a pooled connection must be dropped
        // before, or a request goes out on one the server is closing.
        .pool_idle_timeout(Duration::from_secs(5))
        .build()
        .context("building the HTTP client")?;
    let workspace = setup::prepare(&state, &http, &base, &pages, &number).await?;
    for c in &workspace.channels {
        sandbox.set_callback(&c.page.id, Some(c.callback.clone()))?;
    }
    let (wa_channel, wa_created) = workspace.whatsapp;
    let wa_callback = format!("{base}/webhooks/meta/{wa_channel}");
    sandbox.with_whatsapp(&number.phone_number_id, |n| {
        n.callback_url = Some(wa_callback);
    });
    // The account's templates, as the channel's settings page would synchronize them.
    let path = format!("/api/v1/channels/{wa_channel}/templates/sync");
    workspace.admin.post(&path, serde_json::json!({})).await?;
    for (i, c) in workspace
        .channels
        .iter()
        .enumerate()
        .filter(|(_, c)| c.created)
    {
        let count = HISTORY
            .iter()
            .find(|(p, _)| *p == c.page.platform)
            .map_or(0, |(_, n)| *n);
        println!(
            "Putting in 90 days of history on {} ({count} conversations)...",
            c.page.platform.as_str()
        );
        history::load(
            &sandbox,
            &http,
            &c.page,
            &c.callback,
            count,
            2026 + i as u64,
        )
        .await?;
    }
    if wa_created {
        println!("Putting in 90 days of history on whatsapp ({WHATSAPP_HISTORY} conversations)...");
        whatsapp::history(
            &state,
            &sandbox,
            &http,
            &number,
            wa_channel,
            WHATSAPP_HISTORY,
            2029,
        )
        .await?;
    }
    if workspace.channels.iter().any(|c| c.created) || wa_created {
        wait_for_webhooks(&state).await?;
        let created = workspace
            .channels
            .iter()
            .filter(|c| c.created)
            .map(|c| c.id);
        for id in created.chain(wa_created.then_some(wa_channel)) {
            setup::tidy(&workspace.admin, id, state.now()).await?;
        }
    }
    // Automations come after the history: a greeting for a message of last month
    // would be sent today.
    let mailbox = email::channel(&workspace.admin).await?;
    let sink = email::sink(&state, mailbox).await?;
    let channel_ids: Vec<i64> = workspace
        .channels
        .iter()
        .map(|c| c.id)
        .chain([wa_channel, workspace.webchat, mailbox])
        .collect();
    for id in &channel_ids {
        let path = format!("/api/v1/channels/{id}/automation");
        workspace.admin.put(&path, script::automation()).await?;
    }
    // A rule a newcomer sees at work (the admin is alerted) and can change on the
    // rules page; each channel's settings page shows the automations above.
    let me = workspace.admin.get("/api/v1/me").await?;
    let admin_id = me["id"].as_i64().or(me["user"]["id"].as_i64()).unwrap_or(0);
    if workspace
        .admin
        .get("/api/v1/rules")
        .await?
        .as_array()
        .is_some_and(|r| r.is_empty())
    {
        workspace
            .admin
            .post("/api/v1/rules", script::alert_rule(admin_id))
            .await?;
    }
    let shop = webchat::site(&url, workspace.webchat).await?;
    webchat::allow(&state, workspace.webchat, &shop).await?;

    println!(
        "The demo shop's site, with the web chat (channel {}): {shop}/",
        workspace.webchat
    );
    println!(
        "The demo's email channel (channel {mailbox}) is in-process: customers' mails go straight to the email reader's parsing and threading (no IMAP server), replies go over SMTP to the demo's own sink"
    );
    println!("Sign in at {url}/ with {EMAIL} / {PASSWORD}");
    let names: Vec<String> = workspace
        .channels
        .iter()
        .map(|c| format!("{} (channel {})", c.page.platform.as_str(), c.id))
        .chain([format!("whatsapp (channel {wa_channel})")])
        .collect();
    println!(
        "Customers write to {} every 5 to 15 seconds, visitors to the web chat every 20 to 45; agents Ana, Marco and Léa (same password) answer. Ctrl-C to stop.",
        names.join(", ")
    );
    let mut tasks = Vec::new();
    for (i, c) in workspace.channels.iter().enumerate() {
        let seed = started ^ (i as u64).wrapping_mul(0x9e37_79b9);
        tasks.push(tokio::spawn(live::customers(
            sandbox.clone(),
            c.page.clone(),
            seed,
        )));
    }
    tasks.push(tokio::spawn(whatsapp::customers(
        sandbox.clone(),
        number.phone_number_id.clone(),
        started ^ 0x0000_0a77,
    )));
    tasks.push(tokio::spawn(webchat::visitors(
        base.clone(),
        workspace.webchat,
        shop,
        started ^ 0x00c0_ffee,
    )));
    tasks.push(tokio::spawn(email::customers(
        state.clone(),
        mailbox,
        started ^ 0x000e_3a11,
    )));
    // Kept for the demo's life: the sink counts what it accepted.
    let _sink = sink;
    let ids = channel_ids;
    let since = i64::try_from(started).unwrap_or(i64::MAX);
    let agents = live::agents(workspace.admin, workspace.agents, ids, since, started);
    tasks.push(tokio::spawn(agents));

    let served = server.await.context("the server task")?;
    for t in tasks {
        t.abort();
    }
    served?;
    println!("Pronto demo stopped.");
    Ok(())
}

/// The two sandbox pages. Their ids and secrets are fixed so that a restart's
/// sandbox matches the channels stored by the first start.
fn pages() -> Vec<PageConfig> {
    let secret = "pronto-demo-app-secret";
    let app = "900000000000009";
    let mut messenger = PageConfig::new(
        Platform::Messenger,
        "100000000000001",
        app,
        secret,
        "EAAB-pronto-demo",
    );
    messenger.name = "Pronto Demo Shop".to_owned();
    let mut instagram = PageConfig::new(
        Platform::Instagram,
        "17841400000000001",
        app,
        secret,
        "IGAA-pronto-demo",
    );
    instagram.name = "prontodemoshop".to_owned();
    vec![messenger, instagram]
}

/// Where the demo reaches its own server: an unspecified address (0.0.0.0) is
/// reached on loopback.
fn loopback(listen: SocketAddr) -> SocketAddr {
    if listen.ip().is_unspecified() {
        SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), listen.port())
    } else {
        listen
    }
}

fn where_data(config: &Config) -> String {
    if config.database_url.is_empty() {
        config.data_dir.display().to_string()
    } else {
        config::redact_url(&config.database_url)
    }
}

/// Waits until the webhook worker has processed every stored body (the history),
/// so the dashboard is complete when the sign-in line appears.
async fn wait_for_webhooks(state: &AppState) -> anyhow::Result<()> {
    // Generous: a slow disk takes longer, and the demo goes on regardless.
    for _ in 0..1200 {
        if state.store.unprocessed_webhooks().await? == 0 {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    tracing::warn!("the history is still being processed; the dashboard fills in as it goes");
    Ok(())
}

/// A small seeded generator (SplitMix64): the demo needs variety, not secrecy, and a
/// seed makes the history the same on every machine.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    /// A number in `lo..hi` (`hi` > `lo`).
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        let span = hi.saturating_sub(lo).max(1).unsigned_abs();
        lo + i64::try_from(self.below(span)).unwrap_or(0)
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        let n = u64::try_from(items.len()).unwrap_or(u64::MAX);
        &items[usize::try_from(self.below(n)).unwrap_or(0)]
    }

    /// `n` decimal digits.
    pub fn digits(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| char::from(b'0' + (self.below(10) as u8)))
            .collect()
    }
}
