//! The demo's WhatsApp number: its history and its live customers. Customers'
//! messages come as signed `whatsapp_business_account` webhooks (their past ones
//! with their past timestamps, batched as Meta does). WhatsApp never sends the
//! business's own messages back, so the past replies (made, say, in the WhatsApp
//! Business app before Pronto) are put in as an imported history is, with their
//! platform times, after the customers' messages are processed; live replies go
//! through Pronto's outbox to the sandbox's Cloud API, whose statuses come back.

use std::time::Duration;

use anyhow::{Context, bail};
use pronto_channels::messenger::PAGE_INBOX_APP_ID;
use pronto_sandbox::{Sandbox, WaCustomerMessage, WhatsAppNumber, WhatsAppSimulator};
use pronto_server::AppState;
use pronto_store::{HistoryItem, MessageAuthor, PlatformReply};
use serde_json::json;

use super::Rng;
use super::history::{answer, asked_at};
use super::script::{Lang, first_names};

const MINUTE: i64 = 60_000_000;
/// Messages per webhook body.
const BATCH: usize = 40;

/// The demo's number. Its ids and secrets are fixed so that a restart's sandbox
/// matches the channel stored by the first start.
pub fn number() -> WhatsAppNumber {
    WhatsAppNumber::new(
        "100000000000077",
        "100000000000078",
        "pronto-demo-app-secret",
        "EAAG-pronto-demo",
    )
    .with_sample_templates()
}

/// Puts in `conversations` past conversations of the number (its callback set);
/// returns how many messages.
pub async fn history(
    state: &AppState,
    sandbox: &Sandbox,
    http: &reqwest::Client,
    number: &WhatsAppNumber,
    channel: i64,
    conversations: usize,
    seed: u64,
) -> anyhow::Result<usize> {
    let workspace = state
        .store
        .channel_any_workspace(channel)
        .await?
        .workspace_id;
    let now = sandbox.now();
    let mut rng = Rng::new(seed);
    let customers: Vec<(String, String, Lang)> = (0..conversations.div_ceil(2).max(1))
        .map(|_| {
            let lang = *rng.pick(&Lang::ALL);
            let code = match lang {
                Lang::En => "44",
                Lang::Fr => "33",
                Lang::It => "39",
            };
            let id = format!("{code}{}", rng.digits(10));
            (id, rng.pick(first_names(lang)).to_string(), lang)
        })
        .collect();
    let mut asked = Vec::new();
    let mut replies = Vec::new();
    for n in 0..conversations {
        let (id, name, lang) = rng.pick(&customers).clone();
        let Some(at) = asked_at(&mut rng, now) else {
            continue;
        };
        let text = rng.pick(lang.questions()).to_string();
        let message = |text: String, at| WaCustomerMessage {
            wa_id: id.clone(),
            name: Some(name.clone()),
            message: json!({"type": "text", "text": {"body": text}}),
            at,
        };
        asked.push(message(text, at));
        let mut last = at;
        if rng.below(100) < 30 {
            last = at + rng.range(MINUTE, 4 * MINUTE);
            asked.push(message(rng.pick(lang.follow_ups()).to_string(), last));
        }
        let Some((delay, app, text)) = answer(&mut rng, at, lang) else {
            continue;
        };
        let at = last + delay;
        if at >= now - MINUTE {
            continue;
        }
        let author = if app == PAGE_INBOX_APP_ID {
            MessageAuthor::Agent
        } else {
            MessageAuthor::Bot
        };
        replies.push(HistoryItem::Business {
            reply: PlatformReply {
                channel_id: channel,
                contact_external_id: id.clone(),
                external_id: format!("wamid.DEMOHIST{seed:x}{n:05}"),
                author,
                text,
                at,
            },
            contact_name: Some(name.clone()),
        });
    }
    asked.sort_by_key(|m| m.at);
    let count = asked.len() + replies.len();
    let mut items = asked.into_iter().peekable();
    while items.peek().is_some() {
        let chunk: Vec<WaCustomerMessage> = items.by_ref().take(BATCH).collect();
        let (url, signature, body, _) = sandbox
            .whatsapp_customer_batch(&number.phone_number_id, chunk)
            .context("the demo's WhatsApp number")?;
        let response = http
            .post(&url)
            .header("content-type", "application/json")
            .header("x-hub-signature-256", signature)
            .body(body)
            .send()
            .await
            .with_context(|| format!("delivering the WhatsApp history to {url}"))?;
        if !response.status().is_success() {
            bail!(
                "Pronto refused the WhatsApp history ({})",
                response.status()
            );
        }
    }
    super::wait_for_webhooks(state).await?;
    replies.sort_by_key(|r| match r {
        HistoryItem::Business { reply, .. } => reply.at,
        HistoryItem::Customer(m) => m.at,
    });
    for chunk in replies.chunks(BATCH) {
        state
            .store
            .import_history(workspace, chunk, state.now())
            .await?;
    }
    Ok(count)
}

/// Customers of the number, writing every 5 to 15 seconds until the task is
/// dropped.
pub async fn customers(sandbox: Sandbox, phone_number_id: String, seed: u64) {
    let mut simulator = match WhatsAppSimulator::new(&sandbox, &phone_number_id, seed) {
        Ok(s) => s,
        Err(e) => {
            tracing::warn!("demo WhatsApp customers: {e}");
            return;
        }
    };
    let mut rng = Rng::new(seed ^ 0x5eed);
    loop {
        tokio::time::sleep(Duration::from_millis(
            rng.range(5_000, 15_000).unsigned_abs(),
        ))
        .await;
        if let Err(e) = simulator.step().await {
            tracing::warn!("demo WhatsApp customer message: {e}");
        }
    }
}
