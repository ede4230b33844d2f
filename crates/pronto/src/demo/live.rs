//! The demo while it runs: simulated customers keep writing, the order-tracking bot
//! answers some of them, and the demo agents answer waiting conversations after a
//! human delay. Customers and the bot speak through signed webhooks (Meta's side,
//! played by the sandbox); agents through Pronto's API, so their replies leave by
//! the outbox to the sandbox's Send API and come back as echoes.

use std::collections::HashSet;
use std::time::Duration;

use pronto_sandbox::{Event, PageConfig, Sandbox, Simulator, build, sign};

use super::Rng;
use super::api::Api;
use super::history::BOT_APP_ID;
use super::script::Lang;

/// Customers of one page, writing every 5 to 15 seconds until the task is dropped;
/// the bot answers about a third of the questions about an order.
pub async fn customers(sandbox: Sandbox, page: PageConfig, seed: u64) {
    let mut simulator = match Simulator::new(&sandbox, &page.id, seed) {
        Ok(s) => s,
        Err(e) => {
            tracing::warn!("demo customers of page {}: {e}", page.id);
            return;
        }
    };
    let mut rng = Rng::new(seed ^ 0x5eed);
    let http = reqwest::Client::new();
    let mut bot_replies = 0u64;
    loop {
        tokio::time::sleep(Duration::from_millis(
            rng.range(5_000, 15_000).unsigned_abs(),
        ))
        .await;
        let sent = match simulator.step().await {
            Ok(sent) => sent,
            Err(e) => {
                tracing::warn!("demo customer event on page {}: {e}", page.id);
                continue;
            }
        };
        if let Event::Text { from, text, .. } = &sent.event
            && asks_about_order(text)
            && rng.below(3) == 0
        {
            bot_replies += 1;
            let mid = format!("m_demobot_{seed:x}_{bot_replies}");
            let reply = Lang::guess(text).bot_answer();
            tokio::time::sleep(Duration::from_secs(2)).await;
            if let Err(e) = bot_echo(&http, &sandbox, &page, from, &mid, reply).await {
                tracing::warn!("demo bot reply on page {}: {e}", page.id);
            }
        }
    }
}

fn asks_about_order(text: &str) -> bool {
    let lower = text.to_lowercase();
    ["order", "commande", "ordine"]
        .iter()
        .any(|w| lower.contains(w))
}

/// What Meta sends when another app connected to the Page replies: an echo with
/// that app's id, which Pronto records as a bot's reply.
async fn bot_echo(
    http: &reqwest::Client,
    sandbox: &Sandbox,
    page: &PageConfig,
    to: &str,
    mid: &str,
    text: &str,
) -> anyhow::Result<()> {
    let Some(callback) = sandbox.page(&page.id).and_then(|p| p.callback_url) else {
        anyhow::bail!("the page has no callback");
    };
    let event = Event::Echo {
        to: to.to_owned(),
        app_id: BOT_APP_ID,
        mid: mid.to_owned(),
        text: Some(text.to_owned()),
        metadata: None,
        attachment: None,
    };
    let body = build(page.platform, &page.id, &event, sandbox.now());
    let response = http
        .post(&callback)
        .header("content-type", "application/json")
        .header("x-hub-signature-256", sign(&page.app_secret, &body))
        .body(body)
        .send()
        .await?;
    if !response.status().is_success() {
        anyhow::bail!("Pronto answered {}", response.status());
    }
    Ok(())
}

/// The demo agents: every 10 seconds they look at the conversations waiting on
/// `channels`, and answer one that has waited its turn (20 seconds to 4 minutes,
/// drawn per conversation) since this run `started`. One in six is left for a person to pick up, so the
/// figures are not perfect.
pub async fn agents(
    admin: Api,
    agents: Vec<(Api, Lang)>,
    channels: Vec<i64>,
    started: i64,
    seed: u64,
) {
    let mut seen: HashSet<(i64, i64)> = HashSet::new();
    loop {
        tokio::time::sleep(Duration::from_secs(10)).await;
        for &channel in &channels {
            if let Err(e) = answer_some(&admin, &agents, channel, started, seed, &mut seen).await {
                tracing::warn!("demo agents on channel {channel}: {e:#}");
            }
        }
    }
}

async fn answer_some(
    admin: &Api,
    agents: &[(Api, Lang)],
    channel: i64,
    started: i64,
    seed: u64,
    seen: &mut HashSet<(i64, i64)>,
) -> anyhow::Result<()> {
    let now = pronto_sandbox::system_clock()();
    let page = admin
        .get(&format!(
            "/api/v1/conversations?waiting=true&channel={channel}&limit=50"
        ))
        .await?;
    let items = page["items"].as_array().cloned().unwrap_or_default();
    for c in items {
        let (Some(id), Some(since)) = (c["id"].as_i64(), c["waiting_since"].as_i64()) else {
            continue;
        };
        // Only the customers of this run: the history's are past the 24-hour
        // window, and an earlier run's are unknown to this run's sandbox, so both
        // replies would be refused.
        if since < started || seen.contains(&(id, since)) {
            continue;
        }
        let mut rng = Rng::new(seed ^ id.unsigned_abs() ^ since.unsigned_abs());
        let wait = rng.range(20, 240) * 1_000_000;
        if now - since < wait {
            continue;
        }
        seen.insert((id, since));
        if rng.below(6) == 0 {
            continue;
        }
        let detail = admin.get(&format!("/api/v1/conversations/{id}")).await?;
        let asked = detail["messages"]
            .as_array()
            .and_then(|m| m.iter().rev().find(|m| m["author"] == "customer"))
            .and_then(|m| m["text"].as_str())
            .unwrap_or_default();
        let lang = Lang::guess(asked);
        let Some((agent, _)) = agents.iter().find(|(_, l)| *l == lang).or(agents.first()) else {
            return Ok(());
        };
        let text = lang.answer_for(asked);
        agent
            .post(
                &format!("/api/v1/conversations/{id}/messages"),
                serde_json::json!({"text": text}),
            )
            .await?;
        tracing::info!("demo: {} answered conversation {id}", agent.name);
        // One reply per round keeps the pace human.
        return Ok(());
    }
    Ok(())
}
