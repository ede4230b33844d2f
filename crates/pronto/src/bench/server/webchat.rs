//! `pronto bench webchat`: web chat visitors against `pronto serve`, as browsers
//! would be: each starts a session, holds its live stream (SSE) open and writes one
//! message; an agent, watching the workspace's stream, answers each one through the
//! API. Measured: the latency from a visitor's POST to the message on the agent's
//! stream, from the agent's POST to the answer on the visitor's stream, and the
//! server's memory per connected visitor.
//!
//! Visitors come through a trusted proxy (`X-Forwarded-For`, one address each), as
//! on a real site: the per-address limits then count each visitor's own.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use clap::Args;
use reqwest::StatusCode;
use reqwest::header::COOKIE;
use serde_json::{Value, json};

use super::harness::{Server, add_admin};
use super::load::{expect, load};
use super::{TIME_LIMIT, call, login, ms, status};

#[derive(Args, Debug)]
pub struct WebChatBench {
    /// Visitors, each with a live stream open and one message to write.
    #[arg(long, default_value_t = 2_000)]
    visitors: u64,
    /// Requests in flight at once (sessions, messages, the agent's answers).
    #[arg(long, default_value_t = 32)]
    concurrency: usize,
    /// PostgreSQL instead of SQLite: postgres://... (or PRONTO_BENCH_DATABASE_URL).
    #[arg(long, value_name = "URL")]
    database_url: Option<String>,
}

const SITE: &str = "https://shop.bench.test";
/// How long the streams may take to deliver everything once it is sent.
const DELIVERY_LIMIT: Duration = Duration::from_secs(120);

pub fn run(args: WebChatBench) -> anyhow::Result<()> {
    if args.visitors == 0 || args.concurrency == 0 {
        bail!("--visitors and --concurrency must be positive");
    }
    super::on_fresh_database(args.database_url.clone(), async |db| {
        measure(&args, db).await
    })
}

/// When each visitor's message (by the visitor's number) was seen, and the
/// conversation it landed in.
#[derive(Default)]
struct Seen {
    at: HashMap<u64, Instant>,
    conversation: HashMap<u64, i64>,
}

async fn measure(args: &WebChatBench, db: &super::harness::Database) -> anyhow::Result<()> {
    let (n, concurrency) = (args.visitors, args.concurrency);
    println!("# pronto bench webchat");
    println!();
    println!("machine: {}", super::super::machine());
    println!("database: {}", db.describe().await?);
    println!(
        "{n} visitors, each holding a live stream and writing one message; an agent answers each; {concurrency} requests in flight"
    );
    println!();
    println!("| what | measured |");
    println!("| --- | --- |");

    status("starting pronto serve");
    let connections = (n + 256).to_string();
    let server = Server::start_with(
        db,
        &[
            ("PRONTO_MAX_CONNECTIONS", connections.as_str()),
            ("PRONTO_TRUSTED_PROXIES", "127.0.0.1/32"),
        ],
    )
    .await?;
    tokio::task::block_in_place(|| add_admin(db))?;
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()?;
    // Streams are read for as long as the bench runs: no overall timeout.
    let streams = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()?;
    let (cookie, _) = login(&http, &server.base).await?;
    let channel = call(
        http.post(format!("{}/api/v1/channels", server.base))
            .header(COOKIE, &cookie)
            .header("origin", &server.base)
            .json(&json!({"kind": "webchat", "name": "bench", "config": {
                "allowed_origins": [SITE]}})),
        StatusCode::CREATED,
    )
    .await?["id"]
        .as_i64()
        .context("the channel's id")?;
    let api = format!("{}/webchat/v1/{channel}", server.base);
    let address = |i: u64| format!("10.{}.{}.{}", (i >> 16) & 255, (i >> 8) & 255, i & 255);

    status("starting the visitors' sessions");
    let tokens = Arc::new(Mutex::new(vec![String::new(); n as usize]));
    let (h, a, t) = (http.clone(), api.clone(), tokens.clone());
    let sessions = load(n, concurrency, TIME_LIMIT, move |i| {
        let request = h
            .post(format!("{a}/session"))
            .header("origin", SITE)
            .header("x-forwarded-for", address(i))
            .json(&json!({}));
        let t = t.clone();
        async move {
            let response = request.send().await.map_err(|e| e.to_string())?;
            if response.status() != StatusCode::OK {
                return Err(format!("session: {}", response.status()));
            }
            let v: Value = response.json().await.map_err(|e| e.to_string())?;
            let token = v["token"].as_str().ok_or("no token")?.to_owned();
            t.lock().map_err(|e| e.to_string())?[i as usize] = token;
            Ok(())
        }
    })
    .await;
    sessions.check(n, "sessions")?;
    println!(
        "| sessions started (`POST /webchat/v1/{{channel}}/session`) | {} |",
        sessions.summary("sessions")
    );
    let tokens: Vec<String> = tokens.lock().map_err(|e| anyhow::anyhow!("{e}"))?.clone();

    // The agent's stream: each visitor's message as it reaches the inbox.
    let agent_seen = Arc::new(Mutex::new(Seen::default()));
    let agent_stream = streams
        .get(format!("{}/api/v1/events", server.base))
        .header(COOKIE, &cookie)
        .send()
        .await?;
    if agent_stream.status() != StatusCode::OK {
        bail!("the agent's stream: {}", agent_stream.status());
    }
    let seen = agent_seen.clone();
    let agent_reader = tokio::spawn(read_sse(agent_stream, move |kind, data| {
        let message = &data["message"];
        if kind == "message.created" && message["author"] == "customer" {
            if let Some(i) = number_in(message["text"].as_str()) {
                if let Ok(mut s) = seen.lock() {
                    s.at.insert(i, Instant::now());
                    if let Some(c) = message["conversation_id"].as_i64() {
                        s.conversation.insert(i, c);
                    }
                }
            }
        }
    }));

    status("opening the visitors' live streams");
    let before = server.rss_kib();
    let visitor_seen = Arc::new(Mutex::new(Seen::default()));
    let mut readers = Vec::with_capacity(n as usize);
    for (i, token) in tokens.iter().enumerate() {
        let response = streams
            .get(format!("{api}/events"))
            .header("origin", SITE)
            .header("x-forwarded-for", address(i as u64))
            .bearer_auth(token)
            .send()
            .await
            .with_context(|| format!("visitor {i}'s stream"))?;
        if response.status() != StatusCode::OK {
            bail!("visitor {i}'s stream: {}", response.status());
        }
        let seen = visitor_seen.clone();
        readers.push(tokio::spawn(read_sse(response, move |kind, data| {
            if kind == "message" && data["from"] == "business" {
                if let Some(i) = number_in(data["text"].as_str()) {
                    if let Ok(mut s) = seen.lock() {
                        s.at.insert(i, Instant::now());
                    }
                }
            }
        })));
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    let after = server.rss_kib();
    if let (Some(b), Some(a)) = (before, after) {
        println!(
            "| server memory per connected visitor (resident, {n} streams open) | {:.1} KiB ({:.1} MiB → {:.1} MiB) |",
            (a - b) / n as f64,
            b / 1024.0,
            a / 1024.0
        );
    }

    status("the visitors write");
    let sent = Arc::new(Mutex::new(HashMap::new()));
    let (h, a, s, tk) = (http.clone(), api.clone(), sent.clone(), Arc::new(tokens));
    let messages = load(n, concurrency, TIME_LIMIT, move |i| {
        let request = h
            .post(format!("{a}/messages"))
            .header("origin", SITE)
            .header("x-forwarded-for", address(i))
            .bearer_auth(&tk[i as usize])
            .json(
                &json!({"client_id": format!("m{i}"), "text": format!("Is it in stock? #{i}#"),
                          "page": "https://shop.bench.test/product", "language": "en-GB"}),
            );
        let s = s.clone();
        async move {
            if let Ok(mut s) = s.lock() {
                s.insert(i, Instant::now());
            }
            expect(request, StatusCode::CREATED).await
        }
    })
    .await;
    messages.check(n, "visitors' messages")?;
    println!(
        "| visitors' messages stored (`POST /webchat/v1/{{channel}}/messages`, through the inbound path) | {} |",
        messages.summary("messages")
    );
    let to_agent = wait_for(&agent_seen, messages.ok, &sent).await;
    print_latency(
        "a visitor's message on the agent's stream (from the visitor's POST)",
        &to_agent,
        messages.ok,
    );

    status("the agent answers");
    let conversations: HashMap<u64, i64> = agent_seen
        .lock()
        .map_err(|e| anyhow::anyhow!("{e}"))?
        .conversation
        .clone();
    // The visitors whose message reached the agent (all, unless a limit ran out).
    let mut asked: Vec<(u64, i64)> = conversations.into_iter().collect();
    asked.sort_unstable();
    let count = asked.len() as u64;
    let conversations = Arc::new(asked);
    let answered = Arc::new(Mutex::new(HashMap::new()));
    let (h, b, s, c, ck) = (
        http.clone(),
        server.base.clone(),
        answered.clone(),
        conversations.clone(),
        cookie.clone(),
    );
    let replies = load(count, concurrency, TIME_LIMIT, move |k| {
        let (i, conversation) = c[k as usize];
        let request = h
            .post(format!("{b}/api/v1/conversations/{conversation}/messages"))
            .header(COOKIE, &ck)
            .header("origin", &b)
            .json(&json!({"text": format!("Yes, 3 left. #{i}#")}));
        let s = s.clone();
        async move {
            if let Ok(mut s) = s.lock() {
                s.insert(i, Instant::now());
            }
            expect(request, StatusCode::CREATED).await
        }
    })
    .await;
    replies.check(count, "agent's answers")?;
    println!(
        "| agent's answers stored (`POST /api/v1/conversations/{{id}}/messages`) | {} |",
        replies.summary("answers")
    );
    let to_visitor = wait_for(&visitor_seen, replies.ok, &answered).await;
    print_latency(
        "an answer on its visitor's stream (from the agent's POST)",
        &to_visitor,
        replies.ok,
    );
    let memory = server.memory();
    println!(
        "| server resident memory after / peak | {} / {} |",
        memory.rss, memory.peak
    );
    agent_reader.abort();
    for r in readers {
        r.abort();
    }
    Ok(())
}

/// The visitor's number in a bench text (`... #12#`).
fn number_in(text: Option<&str>) -> Option<u64> {
    let text = text?.strip_suffix('#')?;
    text.rsplit_once('#')?.1.parse().ok()
}

/// Waits until `seen` holds `count` arrivals (bounded by [`DELIVERY_LIMIT`]); the
/// latencies from `sent`, sorted.
async fn wait_for(
    seen: &Mutex<Seen>,
    count: u64,
    sent: &Mutex<HashMap<u64, Instant>>,
) -> Vec<Duration> {
    let deadline = Instant::now() + DELIVERY_LIMIT;
    loop {
        let got = seen.lock().map_or(0, |s| s.at.len() as u64);
        if got >= count || Instant::now() > deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let (Ok(seen), Ok(sent)) = (seen.lock(), sent.lock()) else {
        return Vec::new();
    };
    let mut l: Vec<Duration> = seen
        .at
        .iter()
        .filter_map(|(i, at)| sent.get(i).map(|s| at.saturating_duration_since(*s)))
        .collect();
    l.sort_unstable();
    l
}

fn print_latency(what: &str, l: &[Duration], wanted: u64) {
    let p = |q: usize| {
        l.get(l.len().saturating_sub(1) * q / 100)
            .copied()
            .unwrap_or_default()
    };
    let missing = wanted.saturating_sub(l.len() as u64);
    let note = if missing > 0 {
        format!(" ({missing} not seen within {DELIVERY_LIMIT:?})")
    } else {
        String::new()
    };
    println!(
        "| {what}: p50 / p99 / max | {} / {} / {}{note} |",
        ms(p(50)),
        ms(p(99)),
        ms(p(100))
    );
}

/// Reads Server-Sent Events from `response` until it ends, handing each event's
/// kind and JSON data to `on`.
async fn read_sse(mut response: reqwest::Response, on: impl Fn(&str, &Value)) {
    let mut buffer = String::new();
    while let Ok(Some(chunk)) = response.chunk().await {
        buffer.push_str(&String::from_utf8_lossy(&chunk));
        while let Some(end) = buffer.find("\n\n") {
            let block: String = buffer.drain(..end + 2).collect();
            let (mut kind, mut data) = (String::new(), String::new());
            for line in block.lines() {
                if let Some(v) = line.strip_prefix("event:") {
                    kind = v.trim().to_owned();
                } else if let Some(v) = line.strip_prefix("data:") {
                    data.push_str(v.trim());
                }
            }
            if let Ok(value) = serde_json::from_str::<Value>(&data) {
                on(&kind, &value);
            }
        }
    }
}
