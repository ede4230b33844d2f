//! `pronto report`: a channel's responsiveness from a file of events.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::{Args, ValueEnum};
use pronto_channels::messenger::CaptureReader;
use pronto_core::jsonl::{self, LineError};
use pronto_core::{Analysis, Date, EventLog, Settings, Stream, Threshold, Timestamp, daily, view};

use crate::render;

#[derive(Args, Debug)]
pub struct ReportArgs {
    /// The events: a file, or `-` for standard input.
    file: PathBuf,
    /// The moment of evaluation (RFC 3339); default: the current time.
    #[arg(long, value_name = "RFC3339", value_parser = parse_timestamp)]
    now: Option<Timestamp>,
    /// Count only agents' replies (bots' replies do not count).
    #[arg(long)]
    human_only: bool,
    /// The badge's response-time threshold in minutes (fractions allowed).
    #[arg(long, value_name = "N", value_parser = parse_threshold, default_value = "15")]
    badge_minutes: Threshold,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
    /// Explain every opportunity: its status, why it is excluded, its reply, whether
    /// it is in the window.
    #[arg(long, conflicts_with = "daily")]
    explain: bool,
    /// The pending opportunities' deadlines, and the report if they are all missed.
    #[arg(long, conflicts_with = "daily")]
    forecast: bool,
    /// Each agent's answered count and mean response time within the window.
    #[arg(long, conflicts_with = "daily")]
    agents: bool,
    /// The report as of the end of each day (UTC) from FROM to TO, both YYYY-MM-DD.
    #[arg(long, value_name = "FROM..TO", value_parser = parse_range)]
    daily: Option<(Date, Date)>,
    /// What the file holds.
    #[arg(long, value_enum, default_value_t = Input::Jsonl)]
    input: Input,
    /// With `--input messenger-webhooks`: the id of Pronto's Meta app, whose echoes
    /// carry their author in the message metadata.
    #[arg(long, value_name = "ID")]
    app_id: Option<u64>,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum Format {
    Text,
    Json,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum Input {
    /// The spec's events, one JSON object per line.
    Jsonl,
    /// Messenger webhook POST bodies, one per line.
    MessengerWebhooks,
}

fn parse_timestamp(s: &str) -> Result<Timestamp, String> {
    Timestamp::parse(s).map_err(|e| e.to_string())
}

fn parse_threshold(s: &str) -> Result<Threshold, String> {
    Threshold::parse_minutes(s).map_err(|e| e.to_string())
}

/// The longest daily series printed at once: ten years.
const MAX_DAYS: i64 = 3660;

fn parse_range(s: &str) -> Result<(Date, Date), String> {
    let (from, to) = s
        .split_once("..")
        .ok_or_else(|| format!("{s:?}: expected FROM..TO, such as 2026-01-01..2026-03-31"))?;
    let date = |d: &str| {
        Date::parse(d).ok_or_else(|| format!("{d:?} is not a date of the form YYYY-MM-DD"))
    };
    let (from, to) = (date(from)?, date(to)?);
    if from > to {
        return Err(format!("{from} comes after {to}"));
    }
    if to.days_since_epoch() - from.days_since_epoch() >= MAX_DAYS {
        return Err(format!("at most {MAX_DAYS} days at once"));
    }
    Ok((from, to))
}

/// Runs the command: exit 0 with the report on stdout, or 2 with the reason on stderr
/// (and nothing on stdout) when the input is bad.
pub fn run(args: ReportArgs) -> ExitCode {
    let stream = match read_stream(&args) {
        Ok(stream) => stream,
        Err(e) => {
            // A bad line is said as the spec says: `line N: what is wrong`.
            match e.downcast_ref::<LineError>() {
                Some(line) => eprintln!("{line}"),
                None => eprintln!("pronto report: {e:#}"),
            }
            return ExitCode::from(2);
        }
    };
    let now = args.now.unwrap_or_else(crate::clock::now);
    let settings = Settings {
        human_only: args.human_only,
        threshold: args.badge_minutes,
    };
    let output = match render_output(&args, &stream, now, settings) {
        Ok(output) => output,
        Err(e) => {
            eprintln!("pronto report: {e:#}");
            return ExitCode::from(2);
        }
    };
    let mut stdout = io::stdout().lock();
    if let Err(e) = stdout
        .write_all(output.as_bytes())
        .and_then(|()| stdout.flush())
    {
        if e.kind() != io::ErrorKind::BrokenPipe {
            eprintln!("pronto report: writing the report: {e}");
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}

fn render_output(
    args: &ReportArgs,
    stream: &Stream,
    now: Timestamp,
    settings: Settings,
) -> anyhow::Result<String> {
    let json = matches!(args.format, Format::Json);
    if let Some((from, to)) = args.daily {
        if from.start() > now {
            bail!("--daily starts on {from}, after --now {now}");
        }
        let series = daily::daily(stream, from, to, now, settings);
        return Ok(if json {
            let views: Vec<view::DailyView> = series.iter().map(Into::into).collect();
            pretty(&views)?
        } else {
            render::daily_text(&series, settings)
        });
    }
    let analysis = Analysis::new(stream, now, settings);
    if json {
        let mut value = serde_json::to_value(analysis.report)?;
        let object = value.as_object_mut().context("a report is an object")?;
        if args.explain {
            object.insert(
                "explain".into(),
                serde_json::to_value(view::explain(&analysis, stream))?,
            );
        }
        if args.forecast {
            object.insert(
                "forecast".into(),
                serde_json::to_value(view::forecast(&analysis.forecast(), stream))?,
            );
        }
        if args.agents {
            object.insert(
                "agents".into(),
                serde_json::to_value(view::agents(&analysis, stream))?,
            );
        }
        pretty(&value)
    } else {
        let mut out = render::report_text(&analysis.report, settings);
        if args.forecast {
            out.push_str(&render::forecast_text(&view::forecast(
                &analysis.forecast(),
                stream,
            )));
        }
        if args.agents {
            out.push_str(&render::agents_text(&view::agents(&analysis, stream)));
        }
        if args.explain {
            out.push_str(&render::explain_text(&view::explain(&analysis, stream)));
        }
        Ok(out)
    }
}

fn pretty<T: serde::Serialize>(value: &T) -> anyhow::Result<String> {
    let mut s = serde_json::to_string_pretty(value)?;
    s.push('\n');
    Ok(s)
}

fn read_stream(args: &ReportArgs) -> anyhow::Result<Stream> {
    let input: Box<dyn Read> = if args.file.as_os_str() == "-" {
        Box::new(io::stdin().lock())
    } else {
        Box::new(
            File::open(&args.file)
                .with_context(|| format!("cannot open {}", args.file.display()))?,
        )
    };
    let mut log = EventLog::new();
    let name = if args.file.as_os_str() == "-" {
        "standard input".to_owned()
    } else {
        args.file.display().to_string()
    };
    match args.input {
        Input::Jsonl => read_lines(input, &name, |n, line| jsonl::parse_line(&mut log, n, line))?,
        Input::MessengerWebhooks => {
            let mut capture = CaptureReader::new(args.app_id);
            read_lines(input, &name, |n, line| capture.push_line(&mut log, n, line))?;
        }
    }
    Ok(log.into_stream())
}

/// Feeds each line (without its line break) to `parse`, stopping at the first error.
pub fn read_lines(
    input: impl Read,
    name: &str,
    mut parse: impl FnMut(usize, &[u8]) -> Result<(), LineError>,
) -> anyhow::Result<()> {
    let mut reader = BufReader::with_capacity(1 << 20, input);
    let mut line = Vec::with_capacity(1024);
    let mut n = 0;
    loop {
        line.clear();
        let read = reader
            .read_until(b'\n', &mut line)
            .with_context(|| format!("reading {name}"))?;
        if read == 0 {
            return Ok(());
        }
        n += 1;
        let mut text = &line[..];
        if let [rest @ .., b'\n'] = text {
            text = rest;
        }
        if let [rest @ .., b'\r'] = text {
            text = rest;
        }
        parse(n, text)?;
    }
}
