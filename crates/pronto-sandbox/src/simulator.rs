//! Simulated customers: a seeded stream of Meta webhooks (messages in English,
//! French and Italian, images, quick-reply taps, ad referrals, postbacks,
//! reactions, reads, deliveries, comments), signed and POSTed to a page's callback;
//! `whatsapp` does the same for a WhatsApp number.
//!
//! The events depend only on the seed, the page and the sandbox's history (what the
//! page replied), and the bodies also on the clock: a fixed clock and a seed
//! reproduce a run byte for byte. Each event is recorded in the sandbox before it is
//! sent, so that a reply Pronto makes at once finds the window open.

use std::time::{Duration, Instant};

use crate::SandboxError;
use crate::ids::Rng;
use crate::sandbox::{Platform, Sandbox};
use crate::webhook::{Event, build, sign};

mod personas;
mod whatsapp;

pub use whatsapp::{WaKind, WaMessage, WaSent, WhatsAppSimulator};

/// The kinds of event customers produce.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventKind {
    Text,
    Image,
    QuickReply,
    AdReferral,
    Postback,
    Reaction,
    Read,
    Delivery,
    Comment,
}

/// How often the mix picks each kind (out of 100).
const MIX: [(EventKind, u64); 9] = [
    (EventKind::Text, 40),
    (EventKind::Image, 8),
    (EventKind::QuickReply, 8),
    (EventKind::AdReferral, 5),
    (EventKind::Postback, 8),
    (EventKind::Reaction, 8),
    (EventKind::Read, 8),
    (EventKind::Delivery, 7),
    (EventKind::Comment, 8),
];

/// The kind a `roll` below 100 picks from a mix whose weights add up to 100.
fn pick<K: Copy>(mix: &[(K, u64)], mut roll: u64) -> Option<K> {
    mix.iter()
        .find(|(_, w)| {
            let hit = roll < *w;
            roll = roll.saturating_sub(*w);
            hit
        })
        .map(|(k, _)| *k)
}

/// How fast and how long [`Simulator::run`] goes: `rate` events per second, until
/// `count` events or `duration`, whichever comes first (at least one must be set).
#[derive(Debug, Clone, Copy)]
pub struct Pace {
    pub rate: f64,
    pub count: Option<u64>,
    pub duration: Option<Duration>,
}

/// One delivered event and what the callback answered.
#[derive(Debug, Clone)]
pub struct Sent {
    pub kind: EventKind,
    pub event: Event,
    pub status: u16,
    pub latency: Duration,
}

/// A run's totals.
#[derive(Debug, Clone, Copy, Default)]
pub struct Summary {
    pub sent: u64,
    /// Answered with a 2xx.
    pub acknowledged: u64,
    pub elapsed: Duration,
}

/// Customers of one page.
pub struct Simulator {
    sandbox: Sandbox,
    page: String,
    platform: Platform,
    seed: u64,
    rng: Rng,
    n: u64,
    customers: Vec<personas::Persona>,
    posts: Vec<String>,
}

impl Simulator {
    /// Twelve customers of `page` (registered in `sandbox`), chosen by `seed`.
    pub fn new(sandbox: &Sandbox, page: &str, seed: u64) -> Result<Simulator, SandboxError> {
        let p = sandbox
            .page(page)
            .ok_or_else(|| SandboxError::UnknownPage(page.to_owned()))?;
        let mut rng = Rng::new(seed);
        let customers = personas::cast(&mut rng, 12);
        let posts = (0..3).map(|_| rng.digits(15)).collect();
        for c in &customers {
            sandbox.add_customer(page, &c.id, &c.name);
            sandbox.set_customer_profile(page, &c.id, Some(c.locale), Some(&c.username), None);
        }
        Ok(Simulator {
            sandbox: sandbox.clone(),
            page: page.to_owned(),
            platform: p.platform,
            seed,
            rng,
            n: 0,
            customers,
            posts,
        })
    }

    /// The customers as (PSID or IGSID, name, locale).
    pub fn customers(&self) -> Vec<(String, String, String)> {
        self.customers
            .iter()
            .map(|c| (c.id.clone(), c.name.clone(), c.locale.to_owned()))
            .collect()
    }

    /// The next event of the mix, recorded in the sandbox (not sent).
    pub fn next_event(&mut self) -> Event {
        let kind = pick(&MIX, self.rng.below(100)).unwrap_or(EventKind::Text);
        self.event(kind)
    }

    /// An event of `kind` from a customer of the mix, recorded in the sandbox. A
    /// kind that needs a page message (a reaction; an Instagram read) becomes a
    /// text while the customer has none; Instagram has no deliveries, so a read.
    pub fn event(&mut self, kind: EventKind) -> Event {
        self.n += 1;
        let who = self.rng.pick(&self.customers).clone();
        let lines = personas::lines(who.locale);
        let mid = format!("m_sim{:x}_{}", self.seed, self.n);
        let now = self.sandbox.now();
        let page_msgs = self.sandbox.page_messages(&self.page, &who.id);
        let last_page_mid = page_msgs.last().map(|(m, _)| m.clone());
        let from = who.id.clone();
        let kind = match (kind, self.platform, &last_page_mid) {
            (EventKind::Reaction, _, None)
            | (EventKind::Read | EventKind::Delivery, Platform::Instagram, None) => EventKind::Text,
            (EventKind::Delivery, Platform::Instagram, Some(_)) => EventKind::Read,
            (k, _, _) => k,
        };
        let message = |text: String, sb: &Sandbox| {
            sb.record_customer(&self.page, &who.id, &who.name, &mid, &text, now);
        };
        match kind {
            EventKind::Text => {
                let text = self.rng.pick(lines.texts).to_string();
                message(text.clone(), &self.sandbox);
                Event::Text { from, mid, text }
            }
            EventKind::Image => {
                let url = format!(
                    "https://sandbox.pronto.invalid/photos/{}.jpg",
                    self.rng.digits(8)
                );
                message("[image]".into(), &self.sandbox);
                Event::Image { from, mid, url }
            }
            EventKind::QuickReply => {
                let (title, payload) = *self.rng.pick(lines.quick_replies);
                message(title.into(), &self.sandbox);
                Event::QuickReply {
                    from,
                    mid,
                    title: title.into(),
                    payload: payload.into(),
                }
            }
            EventKind::AdReferral => {
                let text = self.rng.pick(lines.texts).to_string();
                message(text.clone(), &self.sandbox);
                let ad_id = self.rng.digits(17);
                Event::AdReferral {
                    from,
                    mid,
                    text,
                    ad_id,
                    ad_title: lines.ad_title.into(),
                }
            }
            EventKind::Postback => {
                let (title, payload) = *self.rng.pick(lines.postbacks);
                self.sandbox.customer_acted(&self.page, &who.id, now);
                Event::Postback {
                    from,
                    mid,
                    title: title.into(),
                    payload: payload.into(),
                }
            }
            EventKind::Reaction => {
                let (reaction, emoji) = *self.rng.pick(&personas::REACTIONS);
                self.sandbox.customer_acted(&self.page, &who.id, now);
                let mid = last_page_mid.unwrap_or_default();
                Event::Reaction {
                    from,
                    mid,
                    reaction: reaction.into(),
                    emoji: emoji.into(),
                    react: true,
                }
            }
            EventKind::Read => {
                let mid = match self.platform {
                    Platform::Messenger => None,
                    Platform::Instagram => last_page_mid,
                };
                Event::Read {
                    from,
                    watermark_ms: now.div_euclid(1000),
                    mid,
                }
            }
            EventKind::Delivery => Event::Delivery {
                from,
                mids: page_msgs
                    .into_iter()
                    .rev()
                    .take(1)
                    .map(|(m, _)| m)
                    .collect(),
                watermark_ms: now.div_euclid(1000),
            },
            EventKind::Comment => {
                let post = self.rng.pick(&self.posts).clone();
                let text = self.rng.pick(lines.comments).to_string();
                let (from, name, comment_id, post_id) = match self.platform {
                    Platform::Messenger => (
                        who.user_id.clone(),
                        who.name.clone(),
                        format!("{post}_{}", self.n),
                        format!("{}_{post}", self.page),
                    ),
                    Platform::Instagram => (
                        who.id.clone(),
                        who.username.clone(),
                        self.rng.digits(17),
                        post,
                    ),
                };
                self.sandbox
                    .add_comment(&self.page, &comment_id, &who.id, now);
                Event::Comment {
                    from,
                    name,
                    comment_id,
                    post_id,
                    text,
                }
            }
        }
    }

    /// Signs `event` and POSTs it to the page's callback URL.
    pub async fn deliver(&self, event: Event) -> Result<Sent, SandboxError> {
        let page = self
            .sandbox
            .page(&self.page)
            .ok_or_else(|| SandboxError::UnknownPage(self.page.clone()))?;
        let url = page
            .callback_url
            .clone()
            .ok_or_else(|| SandboxError::NoCallback(self.page.clone()))?;
        let body = build(self.platform, &self.page, &event, self.sandbox.now());
        let started = Instant::now();
        let answer = self
            .sandbox
            .http
            .post(&url)
            .header("content-type", "application/json")
            .header("x-hub-signature-256", sign(&page.app_secret, &body))
            .body(body)
            .send()
            .await
            .map_err(|source| SandboxError::Http { url, source })?;
        Ok(Sent {
            kind: kind_of(&event),
            event,
            status: answer.status().as_u16(),
            latency: started.elapsed(),
        })
    }

    /// Builds, records and sends the next event of the mix.
    pub async fn step(&mut self) -> Result<Sent, SandboxError> {
        let event = self.next_event();
        self.deliver(event).await
    }

    /// Builds, records and sends one event of `kind`.
    pub async fn step_kind(&mut self, kind: EventKind) -> Result<Sent, SandboxError> {
        let event = self.event(kind);
        self.deliver(event).await
    }

    /// Sends events at `pace`, calling `on_sent` after each.
    pub async fn run(
        &mut self,
        pace: Pace,
        on_sent: impl FnMut(&Sent),
    ) -> Result<Summary, SandboxError> {
        paced(pace, async || self.step().await, |s| s.status, on_sent).await
    }
}

/// Runs `step` at `pace` (see [`Pace`]), calling `on_sent` after each; `status`
/// reads what the callback answered.
pub(crate) async fn paced<T>(
    pace: Pace,
    mut step: impl AsyncFnMut() -> Result<T, SandboxError>,
    status: fn(&T) -> u16,
    mut on_sent: impl FnMut(&T),
) -> Result<Summary, SandboxError> {
    let started = Instant::now();
    let period = Duration::from_secs_f64(1.0 / pace.rate.clamp(0.001, 1_000_000.0));
    let mut tick = tokio::time::interval(period);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut summary = Summary::default();
    loop {
        let unbounded = pace.count.is_none() && pace.duration.is_none();
        if unbounded
            || pace.count.is_some_and(|c| summary.sent >= c)
            || pace.duration.is_some_and(|d| started.elapsed() >= d)
        {
            break;
        }
        tick.tick().await;
        let sent = step().await?;
        summary.sent += 1;
        if (200..300).contains(&status(&sent)) {
            summary.acknowledged += 1;
        }
        on_sent(&sent);
    }
    summary.elapsed = started.elapsed();
    Ok(summary)
}

fn kind_of(e: &Event) -> EventKind {
    match e {
        Event::Text { .. } | Event::Echo { .. } => EventKind::Text,
        Event::Image { .. } => EventKind::Image,
        Event::QuickReply { .. } => EventKind::QuickReply,
        Event::AdReferral { .. } => EventKind::AdReferral,
        Event::Postback { .. } => EventKind::Postback,
        Event::Reaction { .. } => EventKind::Reaction,
        Event::Read { .. } => EventKind::Read,
        Event::Delivery { .. } => EventKind::Delivery,
        Event::Comment { .. } => EventKind::Comment,
    }
}
