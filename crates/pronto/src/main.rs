//! `pronto`: the command line.
#![forbid(unsafe_code)]

mod bench;
mod clock;
mod demo;
mod import_cmd;
mod render;
mod report_cmd;
mod sandbox_cmd;
mod search_cmd;
mod serve_cmd;

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
    /// Run the server: the API (and, soon, the web inbox) on SQLite or PostgreSQL.
    Serve(serve_cmd::ServeArgs),
    /// Manage users.
    #[command(subcommand)]
    User(serve_cmd::UserCommand),
    /// Import history from another system.
    #[command(subcommand)]
    Import(import_cmd::ImportCommand),
    /// Configuration helpers.
    #[command(subcommand)]
    Config(serve_cmd::ConfigCommand),
    /// Print the API's OpenAPI document (the one served at /api/openapi.json).
    Openapi,
    /// Play Meta's side on loopback: a fake Graph API and simulated customers, to try
    /// Pronto's Messenger channel without Meta (start Pronto with
    /// PRONTO_GRAPH_BASE_URL pointing at it).
    Sandbox(sandbox_cmd::SandboxArgs),
    /// The search indexes.
    #[command(subcommand)]
    Search(search_cmd::SearchCommand),
    /// Measure Pronto's speed and memory (the figures in BENCHMARKS.md).
    #[command(subcommand)]
    Bench(bench::BenchCommand),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Report(args) => report_cmd::run(args),
        Command::Serve(args) => fail_with(serve_cmd::serve(args), "pronto serve"),
        Command::User(command) => fail_with(serve_cmd::user(command), "pronto user"),
        Command::Import(command) => fail_with(import_cmd::run(command), "pronto import"),
        Command::Config(command) => {
            serve_cmd::config(command);
            ExitCode::SUCCESS
        }
        Command::Search(command) => fail_with(search_cmd::run(command), "pronto search"),
        Command::Sandbox(args) => fail_with(sandbox_cmd::run(args), "pronto sandbox"),
        Command::Openapi => {
            print!("{}", pronto_server::openapi::json());
            ExitCode::SUCCESS
        }
        Command::Bench(command) => match bench::run(command) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("pronto bench: {e:#}");
                ExitCode::FAILURE
            }
        },
    }
}

fn fail_with(result: anyhow::Result<()>, what: &str) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{what}: {e:#}");
            ExitCode::FAILURE
        }
    }
}
