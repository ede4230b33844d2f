//! `pronto report`.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use pronto_core::{Analysis, EventLog, Settings, Threshold, Timestamp};

#[derive(Args)]
pub struct ReportArgs {
    /// The events: a JSON Lines file, or `-` for standard input.
    file: PathBuf,
    /// The moment of evaluation (RFC 3339); default: the current time.
    #[arg(long, value_parser = parse_timestamp)]
    now: Option<Timestamp>,
    /// Count only agents' replies (not bots').
    #[arg(long)]
    human_only: bool,
    /// The badge's response-time threshold in minutes (fractions allowed).
    #[arg(long, value_name = "N", value_parser = parse_threshold, default_value = "15")]
    badge_minutes: Threshold,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Text,
    Json,
}

fn parse_timestamp(s: &str) -> Result<Timestamp, String> {
    Timestamp::parse(s).map_err(|e| e.to_string())
}

fn parse_threshold(s: &str) -> Result<Threshold, String> {
    Threshold::parse_minutes(s).map_err(|e| e.to_string())
}

pub fn run(args: ReportArgs) -> ExitCode {
    let input: Box<dyn Read> = if args.file.as_os_str() == "-" {
        Box::new(io::stdin().lock())
    } else {
        match File::open(&args.file) {
            Ok(f) => Box::new(f),
            Err(e) => {
                eprintln!("pronto report: cannot open {}: {e}", args.file.display());
                return ExitCode::from(2);
            }
        }
    };
    let mut reader = BufReader::with_capacity(1 << 20, input);
    let mut log = EventLog::new();
    let mut line = Vec::new();
    let mut n = 0;
    loop {
        line.clear();
        match reader.read_until(b'\n', &mut line) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) => {
                eprintln!("pronto report: reading {}: {e}", args.file.display());
                return ExitCode::from(2);
            }
        }
        n += 1;
        if let Err(e) = pronto_core::jsonl::parse_line(&mut log, n, &line) {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    }
    let stream = log.into_stream();
    let settings = Settings { human_only: args.human_only, threshold: args.badge_minutes };
    let now = args.now.unwrap_or_else(|| Timestamp::from_micros(0));
    let analysis = Analysis::new(&stream, now, settings);
    let out = serde_json::to_string_pretty(&analysis.report).unwrap();
    let _ = writeln!(io::stdout(), "{out}");
    ExitCode::SUCCESS
}
