//! Ninety days of past conversations, put in the way Meta would have delivered
//! them: signed webhooks with their past timestamps, customers' messages and the
//! Page's replies as echoes. Replies made in Meta's own inbox (app 263902037430900)
//! are an agent's; those of another app connected to the Page are a bot's. The
//! responsiveness engine reads messages by their platform timestamps, so the
//! history counts exactly as live traffic would have.

use anyhow::{Context, bail};
use pronto_channels::messenger::PAGE_INBOX_APP_ID;
use pronto_sandbox::webhook::escape_unicode;
use pronto_sandbox::{DAY, Event, HOUR, PageConfig, Platform, Sandbox, SeedMessage, build, sign};
use serde_json::{Value, json};

use super::Rng;
use super::script::{Lang, first_names};

/// The app id of the demo's order-tracking bot, another app connected to the Page.
pub const BOT_APP_ID: u64 = 700_000_000_000_007;

const MINUTE: i64 = 60_000_000;
/// Events per webhook body: Meta batches deliveries, and fewer bodies start faster.
const BATCH: usize = 40;

/// Sends `conversations` past conversations of `page` to `callback`; returns how
/// many events were delivered. Every message is also recorded in the sandbox, so its
/// Conversations API and messaging windows agree with what Pronto holds.
pub async fn load(
    sandbox: &Sandbox,
    http: &reqwest::Client,
    page: &PageConfig,
    callback: &str,
    conversations: usize,
    seed: u64,
) -> anyhow::Result<usize> {
    let now = sandbox.now();
    let mut rng = Rng::new(seed);
    let mut events = Vec::new();
    let customers: Vec<(String, String, Lang)> = (0..conversations.div_ceil(2).max(1))
        .map(|_| {
            let lang = *rng.pick(&Lang::ALL);
            let id = match page.platform {
                Platform::Messenger => format!("2{}", rng.digits(15)),
                Platform::Instagram => format!("17{}", rng.digits(15)),
            };
            (id, rng.pick(first_names(lang)).to_string(), lang)
        })
        .collect();
    for (id, name, lang) in &customers {
        sandbox.add_customer(&page.id, id, name);
        // Their profile's locale, as Messenger gives it (Instagram gives none).
        let locale = format!("{}_{}", lang.code(), lang.code().to_ascii_uppercase());
        sandbox.set_customer_profile(&page.id, id, Some(&locale), None, Some(1));
    }
    for _ in 0..conversations {
        let (id, name, lang) = rng.pick(&customers).clone();
        let Some(asked) = asked_at(&mut rng, now) else {
            continue;
        };
        let record = |from_customer: bool, text: &str, at: i64| {
            let m = SeedMessage {
                customer: id.clone(),
                customer_name: name.clone(),
                from_customer,
                text: text.to_owned(),
                at,
            };
            sandbox.seed_message(&page.id, m)
        };
        let text = rng.pick(lang.questions()).to_string();
        let mid = record(true, &text, asked);
        events.push((
            asked,
            Event::Text {
                from: id.clone(),
                mid,
                text,
            },
        ));
        let mut last = asked;
        if rng.below(100) < 30 {
            last = asked + rng.range(MINUTE, 4 * MINUTE);
            let text = rng.pick(lang.follow_ups()).to_string();
            let mid = record(true, &text, last);
            events.push((
                last,
                Event::Text {
                    from: id.clone(),
                    mid,
                    text,
                },
            ));
        }
        let Some((delay, app_id, text)) = answer(&mut rng, asked, lang) else {
            continue;
        };
        let at = last + delay;
        // A reply that would still lie ahead is left out: that customer waits now.
        if at >= now - MINUTE {
            continue;
        }
        let mid = record(false, &text, at);
        let echo = Event::Echo {
            to: id.clone(),
            app_id,
            mid,
            text: Some(text),
            metadata: None,
            attachment: None,
        };
        events.push((at, echo));
    }
    // Deliveries in time order, as Meta sends them; ties keep their order.
    events.sort_by_key(|(at, _)| *at);
    for chunk in events.chunks(BATCH) {
        deliver(http, page, callback, chunk).await?;
    }
    Ok(events.len())
}

/// When a past conversation began: a day in the last 90, mostly in the shop's
/// daytime (UTC 7:00 to 21:00, Paris being an hour or two ahead), never in the last
/// hour so that every one of them is history.
pub(super) fn asked_at(rng: &mut Rng, now: i64) -> Option<i64> {
    let days_ago = rng.range(0, 90);
    let midnight = now.div_euclid(DAY) * DAY - days_ago * DAY;
    let hour = if rng.below(100) < 85 {
        rng.range(7, 21)
    } else {
        rng.range(0, 24)
    };
    let at = midnight + hour * HOUR + rng.range(0, 60) * MINUTE;
    (at < now - HOUR).then_some(at)
}

/// Who answers and how fast, or nobody: quick in opening hours (weekdays 8:00 to
/// 17:00 UTC), slow or missed outside them, as in a real small team.
pub(super) fn answer(rng: &mut Rng, asked: i64, lang: Lang) -> Option<(i64, u64, String)> {
    let hour = asked.rem_euclid(DAY) / HOUR;
    // 1970-01-01 was a Thursday: day 0 is Thursday, so days 2 and 3 are the weekend.
    let weekend = matches!(asked.div_euclid(DAY).rem_euclid(7), 2 | 3);
    let open = !weekend && (8..17).contains(&hour);
    let roll = rng.below(100);
    // (lowest delay, highest delay) of an agent's answer; none: the bot or nobody.
    let band = match (open, roll) {
        (true, 0..70) => Some((MINUTE, 12 * MINUTE)),
        (true, 70..85) => Some((15 * MINUTE, 90 * MINUTE)),
        (false, 0..45) => Some((6 * HOUR, 14 * HOUR)),
        (false, 45..70) => Some((20 * MINUTE, 3 * HOUR)),
        _ => None,
    };
    let bot = matches!((open, roll), (true, 85..93) | (false, 70..78));
    if let Some((lo, hi)) = band {
        let delay = rng.range(lo, hi);
        Some((
            delay,
            PAGE_INBOX_APP_ID,
            rng.pick(lang.answers()).to_string(),
        ))
    } else if bot {
        let delay = rng.range(5, 30) * 1_000_000;
        Some((delay, BOT_APP_ID, lang.bot_answer().to_owned()))
    } else {
        None
    }
}

/// One webhook body holding `events`, signed with the app secret, POSTed.
async fn deliver(
    http: &reqwest::Client,
    page: &PageConfig,
    callback: &str,
    events: &[(i64, Event)],
) -> anyhow::Result<()> {
    let mut entries = Vec::with_capacity(events.len());
    for (at, event) in events {
        // `build` gives one delivery; its entry is taken out to batch several.
        let one: Value = serde_json::from_slice(&build(page.platform, &page.id, event, *at))
            .context("the sandbox built a webhook that is not JSON")?;
        entries.push(one["entry"][0].clone());
    }
    let object = match page.platform {
        Platform::Messenger => "page",
        Platform::Instagram => "instagram",
    };
    let body =
        escape_unicode(&json!({"object": object, "entry": entries}).to_string()).into_bytes();
    let response = http
        .post(callback)
        .header("content-type", "application/json")
        .header("x-hub-signature-256", sign(&page.app_secret, &body))
        .body(body)
        .send()
        .await
        .with_context(|| format!("delivering the history to {callback}"))?;
    if !response.status().is_success() {
        bail!(
            "Pronto refused the history's webhook ({})",
            response.status()
        );
    }
    Ok(())
}
