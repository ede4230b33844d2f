//! The demo's email channel, in-process and labelled as the demo's: no mail server
//! is assumed on the demo's machine, so
//! - customers' mails (real RFC 5322 bytes, some answering the demo's replies with
//!   In-Reply-To and References and quoting them Gmail-style) are handed to the
//!   email reader's `ingest`, the same parsing, trimming, threading and storing that
//!   follow an IMAP fetch;
//! - replies leave through the outbox and lettre over real SMTP to the demo's own
//!   mail sink, a minimal SMTP server on a port of this process that accepts and
//!   counts what it is sent (the channel's SMTP port is set on each start).
//!
//! The channel's state is `demo`, so the IMAP reader leaves it alone.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use anyhow::Context;
use pronto_server::AppState;
use serde_json::json;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

use super::Rng;
use super::api::Api;
use super::script::{Lang, first_names};

/// The channel's name.
pub const NAME: &str = "Demo email (in-process mailbox)";
/// The support address.
pub const ADDRESS: &str = "support@demo-shop.test";

/// Makes the channel once; returns its id.
pub async fn channel(admin: &Api) -> anyhow::Result<i64> {
    let existing = admin.get("/api/v1/channels").await?;
    if let Some(c) = existing
        .as_array()
        .into_iter()
        .flatten()
        .find(|c| c["name"] == NAME)
    {
        return c["id"].as_i64().context("a channel id");
    }
    // The IMAP side is never dialled (the state is `demo`); the SMTP port is the
    // sink's, set at each start.
    let config = json!({"address": ADDRESS, "imap_host": "imap.demo-shop.test", "imap_port": 993,
        "imap_tls": "implicit", "imap_user": ADDRESS, "imap_password": "not-used-by-the-demo",
        "smtp_host": "127.0.0.1", "smtp_port": 25, "smtp_tls": "none"});
    let body = json!({"kind": "email", "name": NAME, "config": config});
    admin.post("/api/v1/channels", body).await?["id"]
        .as_i64()
        .context("no id for the email channel")
}

/// Starts the demo's mail sink and points the channel's SMTP at it; the channel is
/// marked `demo`. Returns the count of mails the sink accepted.
pub async fn sink(state: &AppState, channel: i64) -> anyhow::Result<Arc<AtomicU64>> {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
        .await
        .context("listening for the demo's mail sink on 127.0.0.1")?;
    let port = listener.local_addr()?.port();
    let stored = state.store.channel_any_workspace(channel).await?;
    let mut config = stored.config;
    config["smtp_port"] = json!(port);
    state
        .store
        .set_channel_config(stored.workspace_id, channel, &config)
        .await?;
    state.store.set_channel_state(channel, "demo").await?;
    let count = Arc::new(AtomicU64::new(0));
    let accepted = count.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let accepted = accepted.clone();
            tokio::spawn(async move {
                if let Ok(true) = session(stream).await {
                    accepted.fetch_add(1, Ordering::Relaxed);
                }
            });
        }
    });
    Ok(count)
}

/// One SMTP session of the sink: greets, says yes to everything, reads the data to
/// its end; whether a mail was accepted.
async fn session(stream: tokio::net::TcpStream) -> std::io::Result<bool> {
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read).lines();
    let mut accepted = false;
    write.write_all(b"220 demo-sink ESMTP\r\n").await?;
    while let Some(line) = lines.next_line().await? {
        let verb = line.get(..4).unwrap_or_default().to_ascii_uppercase();
        let answer: &[u8] = match verb.as_str() {
            "EHLO" => b"250-demo-sink\r\n250 8BITMIME\r\n",
            "DATA" => {
                write.write_all(b"354 go on\r\n").await?;
                while let Some(data) = lines.next_line().await? {
                    if data == "." {
                        break;
                    }
                }
                accepted = true;
                b"250 2.0.0 kept by the demo's sink\r\n"
            }
            "QUIT" => {
                write.write_all(b"221 bye\r\n").await?;
                return Ok(accepted);
            }
            _ => b"250 ok\r\n",
        };
        write.write_all(answer).await?;
    }
    Ok(accepted)
}

/// Customers writing to the support address: a new mail every 40 to 90 seconds,
/// and now and then an answer to the demo's latest reply in a conversation.
pub async fn customers(state: AppState, channel: i64, seed: u64) {
    let mut rng = Rng::new(seed);
    let mut n = 0u64;
    loop {
        tokio::time::sleep(Duration::from_secs(rng.range(40, 90) as u64)).await;
        n += 1;
        if let Err(e) = write_one(&state, channel, &mut rng, seed, n).await {
            tracing::warn!("demo email: {e:#}");
        }
    }
}

async fn write_one(
    state: &AppState,
    channel: i64,
    rng: &mut Rng,
    seed: u64,
    n: u64,
) -> anyhow::Result<()> {
    let lang = *rng.pick(&Lang::ALL);
    let id = format!("demo-{seed:x}-{n}@customer.demo-shop.test");
    // One in three answers the demo's latest reply in a conversation, threaded.
    let parent = if rng.below(3) == 0 {
        latest_reply(state, channel, rng).await?
    } else {
        None
    };
    let (name, address, subject, threading, quote) = match &parent {
        Some(p) => (
            p.name.clone(),
            p.address.clone(),
            pronto_channels::email::thread::reply_subject(&p.subject),
            format!("In-Reply-To: <{0}>\r\nReferences: <{0}>\r\n", p.rfc_id),
            format!(
                "\r\n\r\nOn Monday, Pronto Demo Shop <{ADDRESS}> wrote:\r\n> {}",
                p.text.replace('\n', "\r\n> ")
            ),
        ),
        None => {
            let name = (*rng.pick(first_names(lang))).to_owned();
            let address = format!("{}.{n}@customer.demo-shop.test", name.to_lowercase());
            let subject = "A question about my order".to_owned();
            (name, address, subject, String::new(), String::new())
        }
    };
    let question = if parent.is_some() {
        rng.pick(lang.follow_ups())
    } else {
        rng.pick(lang.questions())
    };
    let raw = format!(
        "From: {name} <{address}>\r\nTo: Pronto Demo Shop <{ADDRESS}>\r\nSubject: {subject}\r\nMessage-ID: <{id}>\r\n{threading}MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{question}\r\n\r\n-- \r\n{name}{quote}\r\n"
    );
    let channel = state.store.channel_any_workspace(channel).await?;
    pronto_server::email::receive::ingest(state, &channel, &[(0, raw.into_bytes())])
        .await
        .map_err(|e| anyhow::anyhow!(e))?;
    Ok(())
}

/// A reply the demo sent, that a customer answers.
struct Parent {
    name: String,
    address: String,
    rfc_id: String,
    subject: String,
    text: String,
}

/// The latest sent reply of one of the channel's recent conversations.
async fn latest_reply(
    state: &AppState,
    channel: i64,
    rng: &mut Rng,
) -> anyhow::Result<Option<Parent>> {
    let stored = state.store.channel_any_workspace(channel).await?;
    let ws = stored.workspace_id;
    let query = pronto_store::ConversationQuery {
        channel: Some(channel),
        limit: 20,
        ..Default::default()
    };
    let conversations = state.store.conversations(ws, &query).await?;
    if conversations.is_empty() {
        return Ok(None);
    }
    let conversation = rng.pick(&conversations);
    let messages = state.store.messages(ws, conversation.id, 50).await?;
    let Some(sent) = messages
        .iter()
        .rev()
        .find(|m| m.author != pronto_store::MessageAuthor::Customer && m.external_id.is_some())
    else {
        return Ok(None);
    };
    let rfc_id = sent.external_id.clone().unwrap_or_default();
    let subject = state
        .store
        .email_headers(channel, &rfc_id)
        .await?
        .map(|h| h.subject)
        .unwrap_or_default();
    let (address, _) = state.store.reply_target(conversation.id).await?;
    Ok(Some(Parent {
        name: conversation.contact_name.clone(),
        address,
        rfc_id,
        subject,
        text: sent.text.clone(),
    }))
}
