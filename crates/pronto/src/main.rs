//! `pronto`: the command line.
#![forbid(unsafe_code)]

mod bench;
mod clock;
mod render;
mod report_cmd;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Pronto: a fast, self-hosted customer-messaging inbox.
#[derive(Parser)]
#[command(name = "pronto", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Compute a channel's responsiveness (Meta's response rate, response time and
    /// badge) from a file of events.
    Report(report_cmd::ReportArgs),
    /// Measure Pronto's speed and memory (the figures in BENCHMARKS.md).
    #[command(subcommand)]
    Bench(bench::BenchCommand),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Report(args) => report_cmd::run(args),
        Command::Bench(command) => match bench::run(command) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("pronto bench: {e:#}");
                ExitCode::FAILURE
            }
        },
    }
}
