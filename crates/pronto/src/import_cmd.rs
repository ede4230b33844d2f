//! `pronto import messenger`: a Messenger or Instagram channel's past conversations,
//! from an export file or from Meta's Conversations API. The work is in
//! `pronto_server::import`; this is the flags, the progress bar and the summary.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::{Context, anyhow};
use clap::{Args, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use pronto_channels::messenger::history::parse_time;
use pronto_server::import::{self, LiveOptions, Progress, Tally, Target};
use pronto_server::secrets::Sealer;

use crate::serve_cmd::Common;

#[derive(Subcommand, Debug)]
pub enum ImportCommand {
    /// A Messenger or Instagram channel's history, so that its responsiveness figures
    /// start from its past conversations.
    Messenger(MessengerArgs),
}

#[derive(Args, Debug)]
pub struct MessengerArgs {
    /// The channel to import into (a Messenger or Instagram channel).
    #[arg(long, value_name = "ID")]
    channel: i64,
    /// An export of the Conversations API: one page, an array of pages, or one page
    /// per line.
    #[arg(
        long,
        value_name = "FILE",
        required_unless_present = "live",
        conflicts_with = "live"
    )]
    file: Option<PathBuf>,
    /// Read the history from Meta's API with the channel's Page token.
    #[arg(long)]
    live: bool,
    /// Which conversations to list; default: the channel's kind.
    #[arg(long, value_enum)]
    platform: Option<Platform>,
    /// Continue an interrupted live import, skipping the conversations it finished.
    #[arg(long, requires = "live")]
    resume: bool,
    /// Leave out messages older than this instant (RFC 3339).
    #[arg(long, value_name = "RFC3339")]
    since: Option<String>,
    #[command(flatten)]
    common: Common,
    /// The least time between two API calls (Meta allows 2 per second per Page).
    #[arg(long, hide = true, default_value_t = 500)]
    pace_ms: u64,
    /// The first wait before retrying a transient failure (doubled each time).
    #[arg(long, hide = true, default_value_t = 2000)]
    backoff_ms: u64,
    #[arg(long, hide = true, default_value_t = 5)]
    retries: u32,
    #[arg(long, hide = true, default_value_t = 25)]
    page_size: u32,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum Platform {
    Messenger,
    Instagram,
}

pub fn run(command: ImportCommand) -> anyhow::Result<()> {
    let ImportCommand::Messenger(args) = command;
    let config = args.common.load()?;
    let since = args
        .since
        .as_deref()
        .map(parse_time)
        .transpose()
        .context("--since takes an RFC 3339 instant, such as 2026-01-01T00:00:00Z")?;
    let text = match &args.file {
        Some(path) => Some(
            std::fs::read_to_string(path)
                .with_context(|| format!("reading the export {}", path.display()))?,
        ),
        None => None,
    };
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    runtime.block_on(async move {
        let store = pronto_server::open_store(&config).await.with_context(|| {
            format!(
                "opening the database {}",
                pronto_server::config::redact_url(&config.database())
            )
        })?;
        let now = crate::clock::now().micros();
        let target = Target::new(store.clone(), args.channel, since, now).await?;
        let bar = Bar::new();
        let result = match text {
            Some(text) => import::import_file(&target, &text, &bar).await,
            None => {
                let options = live_options(&args, &config, &target)?;
                import::import_live(&target, &options, &bar).await
            }
        };
        bar.0.finish_and_clear();
        store.close().await;
        let tally = result?;
        print_summary(&tally);
        Ok(())
    })
}

fn live_options(
    args: &MessengerArgs,
    config: &pronto_server::Config,
    target: &Target,
) -> anyhow::Result<LiveOptions> {
    let channel = &target.channel;
    let sealer = Sealer::load(&config.secret_key, &config.data_dir)
        .context("loading the key of the channel secrets (secret_key)")?;
    let meta = channel.meta_config();
    let secret = |key: &str, stored: &str| {
        if stored.is_empty() {
            return Err(anyhow!("channel {} has no config.{key}", channel.id));
        }
        sealer
            .open(stored)
            .with_context(|| format!("opening the channel's {key}"))
    };
    let platform = match args.platform {
        Some(Platform::Messenger) => "messenger",
        Some(Platform::Instagram) => "instagram",
        None => channel.kind.as_str(),
    };
    Ok(LiveOptions {
        // A channel may name its own Graph API (a staging Page); else the server's.
        base_url: meta
            .graph_base_url
            .clone()
            .unwrap_or_else(|| config.graph_base_url.clone()),
        platform: platform.to_owned(),
        token: secret("page_access_token", &meta.page_access_token)?,
        app_secret: secret("app_secret", &meta.app_secret)?,
        page_size: args.page_size,
        pace: Duration::from_millis(args.pace_ms),
        retries: args.retries,
        backoff: Duration::from_millis(args.backoff_ms),
        resume: args.resume,
    })
}

/// A spinner with the counts, on a terminal only.
struct Bar(ProgressBar);

impl Bar {
    fn new() -> Bar {
        let target = if std::io::stderr().is_terminal() {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        };
        let bar = ProgressBar::with_draw_target(None, target);
        bar.set_style(
            ProgressStyle::with_template("{spinner} {elapsed} {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar.enable_steady_tick(Duration::from_millis(120));
        Bar(bar)
    }
}

impl Progress for Bar {
    fn update(&self, t: &Tally) {
        self.0.set_message(format!(
            "{} conversations, {} messages stored, {} already there",
            t.conversations, t.stored, t.already
        ));
    }
}

fn print_summary(t: &Tally) {
    println!(
        "imported {} conversations: {} messages stored, {} already there",
        t.conversations, t.stored, t.already
    );
    let notes = [
        (
            t.resumed,
            "conversations finished by the interrupted import",
        ),
        (t.before_since, "items older than --since left out"),
        (
            t.deleted,
            "old messages Meta no longer gives (error 9000001)",
        ),
        (
            t.partial,
            "conversations whose export holds only their newest messages (import with --live for all)",
        ),
    ];
    for (n, what) in notes {
        if n > 0 {
            println!("{n} {what}");
        }
    }
    if t.restarted {
        println!("Meta refused the kept cursor: the walk started again from the first page");
    }
    if !t.skipped.is_empty() {
        println!("skipped {} items:", t.skipped.len());
        for s in &t.skipped {
            println!("  {s}");
        }
    }
}
