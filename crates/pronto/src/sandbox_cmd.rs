//! `pronto sandbox`: Meta's side on loopback. Serves the sandbox's Graph API,
//! registers one Page (or WhatsApp number), optionally creates the matching channel
//! in a running Pronto, then sends simulated customers to it and keeps answering
//! Pronto's replies (for WhatsApp: statuses for them, templates, media downloads).

use std::time::Duration;

use anyhow::{Context, bail};
use clap::Args;
use pronto_sandbox::{
    GRAPH_VERSION, Pace, PageConfig, Platform, Sandbox, SandboxError, Simulator, Summary,
    WhatsAppNumber, WhatsAppSimulator, system_clock,
};
use serde_json::{Value, json};

#[derive(Args, Debug)]
pub struct SandboxArgs {
    /// The port on 127.0.0.1 for the Graph API; 0 picks a free one (printed).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// messenger, instagram or whatsapp.
    #[arg(long, default_value = "messenger", value_parser = ["messenger", "instagram", "whatsapp"])]
    platform: String,
    /// The Page (or Instagram account, or WhatsApp phone number) id; default: made up.
    #[arg(long)]
    page_id: Option<String>,
    /// The WhatsApp Business Account id (with --platform whatsapp); default: made up.
    #[arg(long)]
    waba_id: Option<String>,
    /// The app id; default: made up.
    #[arg(long)]
    app_id: Option<String>,
    /// The app secret; default: made up from the seed.
    #[arg(long)]
    app_secret: Option<String>,
    /// The Page access token (WhatsApp: the access token); default: made up from the seed.
    #[arg(long)]
    page_token: Option<String>,
    /// The app has the Human Agent feature (HUMAN_AGENT replies up to 7 days).
    #[arg(long)]
    human_agent: bool,
    /// A running Pronto (http://HOST:PORT): the channel is created there through the
    /// API, with --token.
    #[arg(long, value_name = "URL", requires = "token")]
    pronto: Option<String>,
    /// An admin API token of that Pronto (`POST /api/v1/tokens`).
    #[arg(long, value_name = "API_TOKEN")]
    token: Option<String>,
    /// Instead of --pronto: the callback URL of a channel already configured.
    #[arg(long, value_name = "URL", conflicts_with = "pronto")]
    callback: Option<String>,
    /// Simulated customer events per second.
    #[arg(long, default_value_t = 1.0)]
    rate: f64,
    /// Stop the customers after this many events (default 20 without --duration).
    #[arg(long)]
    count: Option<u64>,
    /// Stop the customers after this many seconds.
    #[arg(long, value_name = "SECONDS")]
    duration: Option<u64>,
    /// The customers' seed (a seed reproduces a run); default: from the clock.
    #[arg(long)]
    seed: Option<u64>,
    /// Print a line every N events (0: only the summary).
    #[arg(long, default_value_t = 10)]
    progress_every: u64,
}

pub fn run(args: SandboxArgs) -> anyhow::Result<()> {
    if !(args.rate > 0.0 && args.rate.is_finite()) {
        bail!("--rate must be a positive number of events per second");
    }
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?
        .block_on(serve(args))
}

async fn serve(args: SandboxArgs) -> anyhow::Result<()> {
    let clock = system_clock();
    let seed = args.seed.unwrap_or_else(|| clock().unsigned_abs());
    let platform = match args.platform.as_str() {
        "instagram" => Platform::Instagram,
        _ => Platform::Messenger,
    };
    let whatsapp = args.platform == "whatsapp";
    let node = args.page_id.clone().unwrap_or_else(|| {
        if whatsapp {
            "106540352242922"
        } else {
            "100000000000001"
        }
        .to_owned()
    });
    let app_id = args.app_id.as_deref().unwrap_or("900000000000009");
    let secret = args
        .app_secret
        .clone()
        .unwrap_or_else(|| format!("sandbox-secret-{seed:x}"));
    let token = args
        .page_token
        .clone()
        .unwrap_or_else(|| format!("EAAB-sandbox-{seed:x}"));
    let sandbox = Sandbox::new(clock);
    let config = if whatsapp {
        let waba = args.waba_id.as_deref().unwrap_or("102290129340398");
        sandbox.add_whatsapp(
            WhatsAppNumber::new(&node, waba, &secret, &token).with_sample_templates(),
        );
        json!({"phone_number_id": node, "waba_id": waba, "app_id": app_id,
            "app_secret": secret, "access_token": token, "mark_read": true})
    } else {
        let mut page = PageConfig::new(platform, &node, app_id, &secret, &token);
        page.human_agent = args.human_agent;
        sandbox.add_page(page.clone());
        json!({
            "page_id": page.id, "app_id": page.app_id, "app_secret": page.app_secret,
            "page_access_token": page.token, "human_agent": page.human_agent,
        })
    };
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", args.port))
        .await
        .with_context(|| format!("listening on 127.0.0.1:{}", args.port))?;
    let graph = format!("http://{}/{GRAPH_VERSION}", listener.local_addr()?);
    sandbox.serve(listener);
    tokio::spawn(sandbox.clone().run_deliveries());

    println!("Graph API: {graph}");
    println!("Start Pronto with: PRONTO_GRAPH_BASE_URL={graph} pronto serve");
    let what = if whatsapp { "number" } else { "page" };
    println!(
        "{} {what} {node} (app {app_id}), seed {seed}",
        args.platform
    );
    println!("channel config: {config}");

    let callback = match (&args.pronto, &args.token, &args.callback) {
        (Some(pronto), Some(token), _) => {
            Some(create_channel(pronto, token, &args.platform, config).await?)
        }
        (_, _, Some(url)) => Some(url.clone()),
        _ => None,
    };
    let Some(callback) = callback else {
        println!(
            "No --pronto/--token or --callback: only the Graph API runs (Ctrl-C to stop). \
             Create the channel with the config above, then pass --callback with its callback URL to send customers."
        );
        tokio::signal::ctrl_c()
            .await
            .context("waiting for Ctrl-C")?;
        return Ok(());
    };
    if whatsapp {
        sandbox.with_whatsapp(&node, |n| n.callback_url = Some(callback.clone()));
    } else {
        sandbox.set_callback(&node, Some(callback.clone()))?;
    }
    println!("customers write to {callback}");

    let pace = Pace {
        rate: args.rate,
        count: args.count.or(if args.duration.is_none() {
            Some(20)
        } else {
            None
        }),
        duration: args.duration.map(Duration::from_secs),
    };
    let every = args.progress_every;
    let (mut n, mut refused) = (0u64, 0u64);
    let mut report = |kind: &dyn std::fmt::Debug, status: u16| {
        n += 1;
        if !(200..300).contains(&status) {
            refused += 1;
            eprintln!("event {n} ({kind:?}) answered {status}");
        }
        if every > 0 && n % every == 0 {
            println!("{n} events sent, {refused} refused");
        }
    };
    let run = async {
        let summary: Result<Summary, SandboxError> = if whatsapp {
            match WhatsAppSimulator::new(&sandbox, &node, seed) {
                Ok(mut customers) => {
                    customers
                        .run(pace, |sent| report(&sent.message.kind, sent.status))
                        .await
                }
                Err(e) => Err(e),
            }
        } else {
            match Simulator::new(&sandbox, &node, seed) {
                Ok(mut customers) => {
                    customers
                        .run(pace, |sent| report(&sent.kind, sent.status))
                        .await
                }
                Err(e) => Err(e),
            }
        };
        summary
    };
    let summary = tokio::select! {
        s = run => s.context("sending simulated customers")?,
        _ = tokio::signal::ctrl_c() => {
            println!("interrupted");
            return Ok(());
        }
    };
    println!(
        "done: {} events sent, {} acknowledged, in {:.1} s",
        summary.sent,
        summary.acknowledged,
        summary.elapsed.as_secs_f64()
    );
    println!("The Graph API stays up for Pronto's replies (echoes included); Ctrl-C to stop.");
    tokio::signal::ctrl_c()
        .await
        .context("waiting for Ctrl-C")?;
    Ok(())
}

/// Creates the channel in Pronto; returns the callback URL the customers write to.
async fn create_channel(
    pronto: &str,
    token: &str,
    kind: &str,
    config: Value,
) -> anyhow::Result<String> {
    let base = pronto.trim_end_matches('/');
    let response = reqwest::Client::new()
        .post(format!("{base}/api/v1/channels"))
        .bearer_auth(token)
        .json(&json!({"kind": kind, "name": format!("Sandbox {kind}"), "config": config}))
        .send()
        .await
        .with_context(|| format!("reaching Pronto at {base} (is `pronto serve` running?)"))?;
    let status = response.status();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    if !status.is_success() {
        bail!(
            "Pronto refused the channel ({status}): {} (is --token an admin API token?)",
            body["message"].as_str().unwrap_or("no message")
        );
    }
    let id = body["id"]
        .as_i64()
        .context("Pronto's answer has no channel id")?;
    println!(
        "created channel {id} in Pronto (Pronto's own callback URL: {})",
        body["callback_url"].as_str().unwrap_or("?")
    );
    // Pronto builds its callback URL from public_url or its listen address, which may
    // not be how this machine reaches it; the URL given with --pronto is.
    Ok(format!("{base}/webhooks/meta/{id}"))
}
