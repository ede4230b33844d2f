//! `pronto bench`: measured figures for `BENCHMARKS.md`.
//!
//! Benchmarks live here, not in tests: a test asserts behaviour, a benchmark measures
//! it on a stated machine and the figures are recorded with the command that made them.

mod generate;
mod routing;
mod server;

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use clap::{Args, Subcommand};
use pronto_core::{Analysis, Date, EventKind, LiveEngine, Settings, Stream, Timestamp};

use generate::Shape;

#[derive(Subcommand, Debug)]
pub enum BenchCommand {
    /// The responsiveness engine and `pronto report` on a generated channel.
    Report(ReportBench),
    /// `pronto serve` in a child process: inbound messages per second through the API
    /// beside the database's raw insert rate, the conversation list at 1 million
    /// conversations, and the server's memory. SQLite by default; PostgreSQL with
    /// --database-url.
    Server(server::ServerBench),
    /// Signed Meta webhook deliveries: acknowledged per second, acknowledgement
    /// latency, and the time until each is a stored message. SQLite by default;
    /// PostgreSQL with --database-url.
    Webhooks(server::webhooks::WebhookBench),
    /// A Messenger history export stored as `pronto import messenger --file` stores
    /// it, then imported again, beside the raw insert rate of the same database.
    /// SQLite by default; PostgreSQL with --database-url.
    Import(server::import::ImportBench),
    /// Web chat visitors, each holding a live stream and writing: the latency from a
    /// visitor to the agent's stream and back, and the memory per connected
    /// visitor. SQLite by default; PostgreSQL with --database-url.
    Webchat(server::webchat::WebChatBench),
    /// A mailbox of 10,000 messages on the test IMAP server (scripts/mailserver.sh
    /// start) read by Pronto's email reader into a fresh database, beside the IMAP
    /// server's own fetch rate. SQLite by default; PostgreSQL with --database-url.
    Email(server::email::EmailBench),
    /// The router (`pronto_core::routing`): routing decisions per second in each mode
    /// with 1,000 agents and 100,000 waiting conversations.
    Routing(routing::RoutingBench),
    /// The inbox page (`GET /inbox`) from `pronto serve` with 100,000 conversations
    /// and their messages in the workspace. SQLite by default; PostgreSQL with
    /// --database-url.
    Inbox(server::inbox::InboxBench),
    /// The retention sweep on 1 million live events (half past 90 days), beside the
    /// plain DELETE statements on the same data, with a writer's latency meanwhile.
    /// SQLite by default; PostgreSQL with --database-url.
    Retention(server::retention::RetentionBench),
    /// Full-text search (two-word queries, p50/p99), reply suggestions (latency and
    /// a held-out evaluation) and the write cost of the index, on a generated
    /// history bulk-loaded into a fresh database. SQLite by default; PostgreSQL with
    /// --database-url.
    Search(server::search::SearchBench),
    /// The CSV exports streamed from `pronto serve` as the workspace grows (10,000
    /// to 1 million conversations), with the server's memory sampled meanwhile.
    /// SQLite by default; PostgreSQL with --database-url.
    Export(server::export::ExportBench),
}

#[derive(Args, Debug)]
pub struct ReportBench {
    /// Messages to generate.
    #[arg(long, default_value_t = 10_000_000)]
    messages: u64,
    /// Conversations they fall in.
    #[arg(long, default_value_t = 1_000_000)]
    conversations: u64,
    /// Days they span.
    #[arg(long, default_value_t = 365)]
    days: i64,
    /// Where to write the generated JSON Lines file (removed afterwards).
    #[arg(long)]
    dir: Option<PathBuf>,
    /// Timed runs of each measurement (the best is reported, with the median).
    #[arg(long, default_value_t = 3)]
    runs: usize,
}

pub fn run(command: BenchCommand) -> anyhow::Result<()> {
    match command {
        BenchCommand::Report(args) => report(args),
        BenchCommand::Server(args) => server::run(args),
        BenchCommand::Webhooks(args) => server::webhooks::run(args),
        BenchCommand::Webchat(args) => server::webchat::run(args),
        BenchCommand::Inbox(args) => server::inbox::run(args),
        BenchCommand::Retention(args) => server::retention::run(args),
        BenchCommand::Export(args) => server::export::run(args),
        BenchCommand::Import(args) => server::import::run(args),
        BenchCommand::Routing(args) => routing::run(args),
        BenchCommand::Email(args) => server::email::run(args),
        BenchCommand::Search(args) => server::search::run(args),
    }
}

fn report(args: ReportBench) -> anyhow::Result<()> {
    if args.messages == 0 || args.conversations == 0 || args.days < 4 {
        bail!("--messages and --conversations must be positive and --days at least 4");
    }
    let start = Date::parse("2025-01-01").context("a valid date")?;
    let shape = Shape {
        messages: args.messages,
        conversations: args.conversations,
        start: start.start(),
        days: args.days,
        seed: 2026,
    };
    println!("# pronto bench report");
    println!();
    println!("machine: {}", machine());
    println!(
        "shape: {} messages in {} conversations over {} days (seed {})",
        args.messages, args.conversations, args.days, shape.seed
    );

    let t = Instant::now();
    let stream = generate::channel(shape);
    let end = Date::from_days(start.days_since_epoch() + args.days - 1);
    let now = end.end();
    let messages = stream
        .events()
        .iter()
        .filter(|e| matches!(e.kind, EventKind::Message { .. }))
        .count();
    println!(
        "generated {} events ({} messages) in {:.2?}",
        stream.events().len(),
        messages,
        t.elapsed()
    );
    let settings = Settings::default();

    let (best, median, analysis) = timed(args.runs, || Analysis::new(&stream, now, settings));
    let c = analysis.report.opportunities;
    println!(
        "report: {} opportunities ({} counted in the window, {} excluded, {} pending)",
        analysis.opportunities.len(),
        c.counted,
        c.excluded,
        c.pending
    );
    drop(analysis);
    row(
        "full report, events in memory, one core",
        best,
        median,
        Some(Duration::from_secs(1)),
    );

    let from = Date::from_days(end.days_since_epoch() - 364.min(args.days - 1));
    let (best, median, series) = timed(args.runs, || {
        pronto_core::daily::daily(&stream, from, end, now, settings)
    });
    assert_eq!(
        series.last().map(|p| p.report),
        Some(Analysis::new(&stream, now, settings).report),
        "the series ends with the plain report"
    );
    row(
        &format!("daily series, {} days", series.len()),
        best,
        median,
        Some(Duration::from_secs(3)),
    );

    let mut pushes = Vec::new();
    let mut with_report = Vec::new();
    for _ in 0..args.runs.max(1) {
        let (push, both) = incremental(&stream, now, settings);
        pushes.push(push);
        with_report.push(both);
    }
    pushes.sort_by(f64::total_cmp);
    with_report.sort_by(f64::total_cmp);
    println!(
        "| incremental update (push one event, all {} events) | {:.3} µs/event best, {:.3} median | < 5 µs | {} |",
        stream.until(now).len(),
        pushes[0],
        pushes[pushes.len() / 2],
        verdict(pushes[0] <= 5.0)
    );
    println!(
        "| incremental update then a full report read (last 100,000 events) | {:.3} µs/event best, {:.3} median | < 5 µs | {} |",
        with_report[0],
        with_report[with_report.len() / 2],
        verdict(with_report[0] <= 5.0)
    );
    println!("peak memory so far (VmHWM): {}", peak_memory());

    // `pronto report` on the same channel as JSON Lines, in a child process.
    let dir = args.dir.clone().unwrap_or_else(std::env::temp_dir);
    std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
    let path = dir.join(format!("pronto-bench-{}.jsonl", std::process::id()));
    let bytes = write_jsonl(&stream, &path)?;
    drop(stream);
    let result = child_report(&path, now, bytes, args.runs);
    let _ = std::fs::remove_file(&path);
    result
}

/// Feeds every event to a live engine. Returns the cost per event of a push, and of
/// a push followed by a report over the last 100,000 events (the server's pattern),
/// both in microseconds.
fn incremental(stream: &Stream, now: Timestamp, settings: Settings) -> (f64, f64) {
    let events = stream.until(now);
    let split = events.len().saturating_sub(100_000);
    let mut live = LiveEngine::new(settings);
    let t = Instant::now();
    for e in &events[..split] {
        live.push(e).expect("in order");
    }
    let push = t.elapsed().as_secs_f64() * 1e6 / split.max(1) as f64;
    let t = Instant::now();
    let mut badges = 0u64;
    for e in &events[split..] {
        live.push(e).expect("in order");
        badges += u64::from(live.report().badge);
    }
    let both = t.elapsed().as_secs_f64() * 1e6 / (events.len() - split).max(1) as f64;
    std::hint::black_box(badges);
    assert_eq!(
        live.report_at(now),
        Analysis::new(stream, now, settings).report,
        "the live engine agrees with the batch engine"
    );
    (push, both)
}

fn write_jsonl(stream: &Stream, path: &std::path::Path) -> anyhow::Result<u64> {
    let file = File::create(path).with_context(|| format!("creating {}", path.display()))?;
    let mut out = BufWriter::with_capacity(1 << 20, file);
    for e in stream.events() {
        writeln!(out, "{}", pronto_core::jsonl::to_line(stream, e))?;
    }
    out.flush()?;
    Ok(std::fs::metadata(path)?.len())
}

fn child_report(
    path: &std::path::Path,
    now: Timestamp,
    bytes: u64,
    runs: usize,
) -> anyhow::Result<()> {
    let exe = std::env::current_exe().context("finding the pronto binary")?;
    let mut times = Vec::new();
    for _ in 0..runs.max(1) {
        let t = Instant::now();
        let output = Command::new(&exe)
            .args(["report", "--format", "json", "--now"])
            .arg(now.to_string())
            .arg(path)
            .output()
            .context("running pronto report")?;
        times.push(t.elapsed());
        if !output.status.success() {
            bail!(
                "pronto report failed: {}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
    }
    times.sort();
    let mb = bytes as f64 / 1e6;
    let best = times[0];
    let median = times[times.len() / 2];
    println!(
        "| `pronto report` reading {:.0} MB of JSON Lines (whole command) | {:.0} MB/s best ({:.2?}), {:.0} MB/s median | >= 100 MB/s | {} |",
        mb,
        mb / best.as_secs_f64(),
        best,
        mb / median.as_secs_f64(),
        verdict(mb / best.as_secs_f64() >= 100.0)
    );
    let rss = nix::sys::resource::getrusage(nix::sys::resource::UsageWho::RUSAGE_CHILDREN)
        .map(|u| u.max_rss())
        .unwrap_or(0);
    println!(
        "peak memory of `pronto report` (max RSS of the child): {} MiB",
        rss / 1024
    );
    Ok(())
}

/// Runs `f` `runs` times; returns the best and median times and the last result.
fn timed<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, Duration, T) {
    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..runs.max(1) {
        let t = Instant::now();
        let value = std::hint::black_box(f());
        times.push(t.elapsed());
        last = Some(value);
    }
    times.sort();
    let value = last.expect("at least one run");
    (times[0], times[times.len() / 2], value)
}

fn row(what: &str, best: Duration, median: Duration, limit: Option<Duration>) {
    let (limit_text, ok) = match limit {
        Some(l) => (format!("< {l:.0?}"), verdict(best < l)),
        None => ("-".to_owned(), ""),
    };
    println!("| {what} | {best:.3?} best, {median:.3?} median | {limit_text} | {ok} |");
}

fn verdict(ok: bool) -> &'static str {
    if ok { "met" } else { "NOT met" }
}

fn peak_memory() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(|l| l["VmHWM:".len()..].trim().to_owned())
        })
        .unwrap_or_else(|| "unknown".to_owned())
}

fn machine() -> String {
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let memory = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("MemTotal:"))
                .map(|l| l["MemTotal:".len()..].trim().to_owned())
        })
        .unwrap_or_default();
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_owned())
        })
        .unwrap_or_default();
    format!("{cores} cores ({cpu}), {memory} memory")
}
