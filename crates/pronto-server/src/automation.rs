//! Automations on the server: a channel's settings (checked by `pronto-core` when
//! saved), the decisions on each stored customer message, and the worker that turns
//! business hours (and the end of a person's 12-hour away) into status changes.
//!
//! Everything sent here is authored `automation`: it goes through the outbox like any
//! reply, shows in the conversation, and is never counted as a response.

use std::collections::HashSet;
use std::time::Duration;

use pronto_core::Presence;
use pronto_core::analysis::AWAY_LIMIT;
use pronto_core::automation::{self as core, Decision, Facts, KeywordRules};
use pronto_core::event::Author;
use pronto_core::hours::{Schedule, ScheduleSpec, Zone};
use pronto_core::presence::{Availability, ManualAway};
use pronto_core::template::{Template, Variable};
use pronto_core::time::Timestamp;
use pronto_store::{
    Automated, Channel, Message, MessageAuthor, Outbound, StatusChange, StatusSource, StoreError,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use tokio::sync::watch;

use crate::state::AppState;

/// How often the schedule worker looks for due status changes.
const SCHEDULE_TICK: Duration = Duration::from_secs(15);
/// The most status changes one channel gets in one step (a server down for weeks
/// catches up over several steps).
const MAX_CHANGES: usize = 64;

/// A channel's automations, as the API takes and returns them.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AutomationSettings {
    /// Business hours: `{"timezone": "Europe/Paris", "weekly": {"monday":
    /// ["09:00-18:00"], ...}, "holidays": ["2026-12-25"]}`; none: always open.
    #[serde(default)]
    #[schema(value_type = Option<Object>)]
    pub hours: Option<ScheduleSpec>,
    /// The greeting on a customer's new conversation (once per opportunity).
    #[serde(default)]
    pub instant_reply: MessageSetting,
    /// The message while the channel is away (at most once a day per conversation).
    #[serde(default)]
    pub away_message: MessageSetting,
    /// Answers to frequent questions, and the words that ask for a person.
    #[serde(default)]
    pub keyword_replies: KeywordSettings,
}

/// An automated message: its template (`{first_name}`, `{hours}`, `{wait}`,
/// `{back_at}`) and whether it is on.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MessageSetting {
    /// On or off.
    #[serde(default)]
    pub enabled: bool,
    /// The template.
    #[serde(default)]
    pub text: String,
}

/// Keyword replies.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct KeywordSettings {
    /// The rules, the first matching one answering.
    #[serde(default)]
    pub rules: Vec<KeywordRuleSetting>,
    /// The most keyword replies one conversation gets.
    #[serde(default = "default_limit")]
    pub limit_per_conversation: u32,
    /// The words that ask for a person (none: Pronto's defaults; empty: no hand-over).
    #[serde(default)]
    pub handover_words: Option<Vec<String>>,
}

/// One keyword rule.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct KeywordRuleSetting {
    /// Any of these words or phrases, as whole words, ignoring case and accents.
    pub keywords: Vec<String>,
    /// The reply's template.
    pub reply: String,
}

fn default_limit() -> u32 {
    3
}

impl Default for KeywordSettings {
    fn default() -> Self {
        KeywordSettings {
            rules: Vec::new(),
            limit_per_conversation: default_limit(),
            handover_words: None,
        }
    }
}

/// Why settings are refused: a stable code and a sentence naming the field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SettingsError {
    /// `invalid_hours`, `invalid_template` or `invalid_keyword`.
    pub code: &'static str,
    /// What is wrong, and where.
    pub message: String,
}

/// Settings checked into `pronto-core`'s types.
#[derive(Clone, Debug)]
pub struct Automations {
    /// Business hours.
    pub schedule: Option<Schedule>,
    /// The instant reply, when on.
    pub instant_reply: Option<Template>,
    /// The away message, when on.
    pub away_message: Option<Template>,
    /// Keyword rules and hand-over words, when any is set.
    pub keywords: Option<KeywordRules>,
}

impl Automations {
    /// Whether the instant reply or the away message says `{wait}` (keyword replies
    /// are answers, not promises of a wait, and are rendered without it when asked).
    fn uses_wait(&self) -> bool {
        [&self.instant_reply, &self.away_message]
            .into_iter()
            .flatten()
            .any(|t| t.variables().any(|v| v == Variable::Wait))
    }
}

/// The channel's current response time (the mean of its fastest 90%, as the badge
/// reads it), for `{wait}`; none while nothing in the window was answered.
async fn expected_wait(state: &AppState, channel: &Channel, now: i64) -> Option<i64> {
    let report = state
        .engines
        .report(
            &state.store,
            channel.workspace_id,
            channel.id,
            pronto_core::Settings::default(),
            "15".to_owned(),
            now,
        )
        .await;
    match report {
        Ok(r) => r
            .fastest
            .filter(|f| f.k > 0)
            .and_then(|f| i64::try_from(f.sum_us / f.k).ok()),
        Err(e) => {
            tracing::warn!("response time for {{wait}}: {e}");
            None
        }
    }
}

impl AutomationSettings {
    /// Checks every part, naming the first that is wrong.
    pub fn check(&self) -> Result<Automations, SettingsError> {
        let schedule = self
            .hours
            .as_ref()
            .map(|spec| {
                Schedule::parse(spec).map_err(|e| SettingsError {
                    code: "invalid_hours",
                    message: format!("hours: {e}"),
                })
            })
            .transpose()?;
        let instant_reply = message_template("instant_reply", &self.instant_reply)?;
        let away_message = message_template("away_message", &self.away_message)?;
        let k = &self.keyword_replies;
        let keyword = |field: String, e: &dyn std::fmt::Display| SettingsError {
            code: "invalid_keyword",
            message: format!("{field}: {e}"),
        };
        let mut rules = KeywordRules::new(k.limit_per_conversation);
        if let Some(words) = &k.handover_words {
            let words: Vec<&str> = words.iter().map(String::as_str).collect();
            rules
                .set_handover_words(&words)
                .map_err(|e| keyword("keyword_replies.handover_words".into(), &e))?;
        }
        for (i, rule) in k.rules.iter().enumerate() {
            let reply = template(&format!("keyword_replies.rules[{i}].reply"), &rule.reply)?;
            let words: Vec<&str> = rule.keywords.iter().map(String::as_str).collect();
            rules
                .add(&words, reply)
                .map_err(|e| keyword(format!("keyword_replies.rules[{i}].keywords"), &e))?;
        }
        let keywords = (!k.rules.is_empty() || k.handover_words.is_some()).then_some(rules);
        Ok(Automations {
            schedule,
            instant_reply,
            away_message,
            keywords,
        })
    }
}

fn template(field: &str, text: &str) -> Result<Template, SettingsError> {
    pronto_core::template::validate_template(text).map_err(|e| SettingsError {
        code: "invalid_template",
        message: format!("{field}: {e}"),
    })
}

/// A message's template when it is on; an off message is still checked if it has
/// text, so that turning it on later cannot fail.
fn message_template(field: &str, m: &MessageSetting) -> Result<Option<Template>, SettingsError> {
    if !m.enabled && m.text.trim().is_empty() {
        return Ok(None);
    }
    let t = template(&format!("{field}.text"), &m.text)?;
    Ok(m.enabled.then_some(t))
}

/// A channel's checked automations, if it has settings.
pub async fn channel_automations(
    state: &AppState,
    workspace_id: i64,
    channel_id: i64,
) -> Result<Option<Automations>, StoreError> {
    let Some(value) = state
        .store
        .channel_automation(workspace_id, channel_id)
        .await?
    else {
        return Ok(None);
    };
    Ok(checked(&value))
}

fn checked(value: &serde_json::Value) -> Option<Automations> {
    let settings: AutomationSettings = match serde_json::from_value(value.clone()) {
        Ok(s) => s,
        Err(e) => {
            tracing::warn!("stored automation settings do not read: {e}");
            return None;
        }
    };
    match settings.check() {
        Ok(a) => Some(a),
        Err(e) => {
            tracing::warn!("stored automation settings refused: {}", e.message);
            None
        }
    }
}

/// After a customer message was stored (the first time): asks the automations in
/// `pronto-core`'s order and sends what they decide. A keyword reply, or a customer
/// asking for a person, ends there (a hand-over is labeled `handover` and stops
/// keyword replies in the conversation); otherwise the away message when the channel
/// is away, else the instant reply. Failures are logged: the customer's message is
/// stored whatever happens here.
pub async fn after_customer_message(state: &AppState, channel: &Channel, message: &Message) {
    if let Err(e) = decide_and_send(state, channel, message).await {
        tracing::warn!(
            "automation on message {} of channel {}: {e}",
            message.id,
            channel.id
        );
    }
}

async fn decide_and_send(
    state: &AppState,
    channel: &Channel,
    message: &Message,
) -> Result<(), StoreError> {
    let Some(auto) = channel_automations(state, channel.workspace_id, channel.id).await? else {
        return Ok(());
    };
    let now = state.now();
    let stored = state
        .store
        .conversation_facts(message.conversation_id, message.id, message.at)
        .await?;
    let ts = Timestamp::from_micros;
    let facts = Facts {
        message_at: ts(message.at),
        previous_message_at: stored.previous_message_at.map(ts),
        instant_reply_at: stored.instant_reply_at.map(ts),
        away_message_at: stored.away_message_at.map(ts),
        agent_reply_at: stored.agent_reply_at.map(ts),
        keyword_replies: u32::try_from(stored.keyword_replies).unwrap_or(u32::MAX),
        first_name: stored
            .contact_name
            .split_whitespace()
            .next()
            .map(str::to_owned),
        customer_zone: stored
            .contact_timezone
            .as_deref()
            .and_then(|z| Zone::parse(z).ok()),
        expected_wait: if auto.uses_wait() {
            expected_wait(state, channel, now).await
        } else {
            None
        },
    };
    let schedule = auto.schedule.as_ref();
    let ctx = Context {
        state,
        channel,
        message,
        now,
    };
    if let Some(rules) = &auto.keywords
        && stored.handed_over_at.is_none()
    {
        match core::keyword_reply(rules, &message.text, &facts, schedule, ts(now)) {
            Decision::Send(out) => {
                ctx.send(Automated::KeywordReply, &out.text).await?;
                return Ok(());
            }
            Decision::HandOver { word } => {
                ctx.hand_over(&word).await?;
                return Ok(());
            }
            Decision::Skip(_) => {}
        }
    }
    let manual = manual_away(state, channel.id).await?;
    let away = matches!(
        Availability::at(schedule, manual, ts(now)),
        Availability::Away { .. }
    );
    if away {
        if let Some(t) = &auto.away_message
            && let Decision::Send(out) = core::away_message(t, &facts, schedule, manual, ts(now))
        {
            ctx.send(Automated::AwayMessage, &out.text).await?;
        }
    } else if let Some(t) = &auto.instant_reply
        && let Decision::Send(out) = core::instant_reply(t, &facts, schedule, ts(now))
    {
        ctx.send(Automated::InstantReply, &out.text).await?;
    }
    Ok(())
}

struct Context<'a> {
    state: &'a AppState,
    channel: &'a Channel,
    message: &'a Message,
    now: i64,
}

impl Context<'_> {
    /// Sends an automated message through the outbox. On Meta channels only within
    /// what the platform allows an automated message (never the `HUMAN_AGENT` tag).
    async fn send(&self, what: Automated, text: &str) -> Result<bool, StoreError> {
        let (state, channel, message) = (self.state, self.channel, self.message);
        if crate::meta::is_meta(&channel.kind) {
            let (recipient, last_in) = state.store.reply_target(message.conversation_id).await?;
            if recipient.starts_with(crate::graph::COMMENTER_PREFIX) {
                return Ok(false);
            }
            let facts = pronto_core::policy::ReplyFacts {
                platform: crate::graph::platform(&channel.kind),
                capabilities: crate::graph::capabilities(channel),
                last_customer_action: last_in.map(Timestamp::from_micros),
                author: Author::Automation,
                now: Timestamp::from_micros(self.now),
            };
            if let Err(refusal) = pronto_core::policy::decide_reply(&facts, text) {
                tracing::info!(
                    "automated message to conversation {} not sent: {refusal}",
                    message.conversation_id
                );
                return Ok(false);
            }
        }
        let out = Outbound {
            conversation_id: message.conversation_id,
            author: MessageAuthor::Automation,
            agent_id: None,
            text: text.to_owned(),
            attachments: json!([]),
            // One automated message of each kind per customer message, even if this
            // runs twice.
            idempotency_key: Some(format!("automation:{}:{what:?}", message.id)),
        };
        let stored = state
            .store
            .send(channel.workspace_id, &out, self.now)
            .await?;
        if stored.created {
            state
                .store
                .note_automation(message.conversation_id, what, self.now)
                .await?;
            state.hub.notify(channel.workspace_id);
            state.after_change(channel.workspace_id, channel.id);
        }
        Ok(stored.created)
    }

    /// The customer asked for a person: labels the conversation `handover`.
    async fn hand_over(&self, word: &str) -> Result<(), StoreError> {
        let (state, ws) = (self.state, self.channel.workspace_id);
        tracing::info!(
            "conversation {} handed over to the team (the customer wrote {word:?})",
            self.message.conversation_id
        );
        state
            .store
            .note_automation(self.message.conversation_id, Automated::HandOver, self.now)
            .await?;
        state
            .store
            .label(
                ws,
                self.message.conversation_id,
                &["handover".to_owned()],
                &[],
                self.now,
            )
            .await?;
        state.hub.notify(ws);
        Ok(())
    }
}

/// A person's away on the channel, if that is its latest status.
async fn manual_away(state: &AppState, channel_id: i64) -> Result<Option<ManualAway>, StoreError> {
    Ok(manual_of(state.store.latest_status(channel_id).await?))
}

fn manual_of(latest: Option<StatusChange>) -> Option<ManualAway> {
    latest
        .filter(|s| s.status == Presence::Away && s.source == StatusSource::Manual)
        .map(|s| ManualAway::new(Timestamp::from_micros(s.at)))
}

/// What a schedule step did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    /// Status changes written.
    pub changes: usize,
}

/// One step of the schedule worker: for each channel with business hours, writes the
/// status changes due up to now (each at the instant the hours say, so that a late
/// step still feeds the engine the right times), and ends every person's away
/// 12 hours after it was set with an `available` status (or `away` when the hours
/// are closed then).
pub async fn schedule_step(state: &AppState) -> Result<Outcome, StoreError> {
    let now = state.now();
    let mut outcome = Outcome::default();
    let mut seen = HashSet::new();
    for ch in state.store.automated_channels().await? {
        seen.insert(ch.channel_id);
        let schedule = checked(&ch.settings).and_then(|a| a.schedule);
        let cursor = step_channel(
            state,
            (ch.workspace_id, ch.channel_id),
            schedule.as_ref(),
            ch.status_checked_at,
            now,
            &mut outcome,
        )
        .await?;
        if cursor != ch.status_checked_at {
            state
                .store
                .set_status_checked(ch.channel_id, cursor)
                .await?;
        }
    }
    for (ws, id) in state.store.ended_manual_aways(now - AWAY_LIMIT).await? {
        if !seen.contains(&id) {
            step_channel(state, (ws, id), None, now, now, &mut outcome).await?;
        }
    }
    Ok(outcome)
}

async fn step_channel(
    state: &AppState,
    (ws, channel_id): (i64, i64),
    schedule: Option<&Schedule>,
    mut cursor: i64,
    now: i64,
    outcome: &mut Outcome,
) -> Result<i64, StoreError> {
    let ts = Timestamp::from_micros;
    for _ in 0..MAX_CHANGES {
        let latest = state.store.latest_status(channel_id).await?;
        let manual = manual_of(latest);
        let manual_end = manual.map(|m| m.ends_at().micros()).filter(|&e| e <= now);
        let next = schedule
            .and_then(|s| s.next_change(ts(cursor)))
            .map(Timestamp::micros)
            .filter(|&t| t <= now);
        let Some(t) = [manual_end, next].into_iter().flatten().min() else {
            break;
        };
        let presence = Availability::at(schedule, manual, ts(t)).presence();
        let current = latest.map_or(Presence::Available, |s| s.status);
        let ends_manual = manual_end == Some(t);
        // A status a person set after `t` stands.
        let later = latest.is_some_and(|s| s.at > t);
        if (presence != current || ends_manual) && !later {
            let source = if ends_manual && presence == Presence::Available {
                StatusSource::Expiry
            } else {
                StatusSource::Schedule
            };
            let change = StatusChange {
                status: presence,
                at: t,
                source,
            };
            state
                .store
                .record_channel_status(ws, channel_id, change, now)
                .await?;
            outcome.changes += 1;
            state.hub.notify(ws);
            state.after_change(ws, channel_id);
        }
        cursor = cursor.max(t);
    }
    Ok(cursor)
}

/// After settings are saved: the channel's status as the hours say now (a person's
/// away stands until it ends).
pub async fn apply_hours_now(
    state: &AppState,
    workspace_id: i64,
    channel_id: i64,
    schedule: Option<&Schedule>,
) -> Result<(), StoreError> {
    let Some(schedule) = schedule else {
        return Ok(());
    };
    let now = state.now();
    let latest = state.store.latest_status(channel_id).await?;
    let presence = Availability::at(
        Some(schedule),
        manual_of(latest),
        Timestamp::from_micros(now),
    )
    .presence();
    if presence != latest.map_or(Presence::Available, |s| s.status) {
        let change = StatusChange {
            status: presence,
            at: now,
            source: StatusSource::Schedule,
        };
        state
            .store
            .record_channel_status(workspace_id, channel_id, change, now)
            .await?;
        state.hub.notify(workspace_id);
        state.after_change(workspace_id, channel_id);
    }
    Ok(())
}

/// The schedule worker: a step every few seconds until `shutdown`.
pub async fn run(state: AppState, mut shutdown: watch::Receiver<bool>) {
    loop {
        if *shutdown.borrow() {
            return;
        }
        if let Err(e) = schedule_step(&state).await {
            tracing::warn!("schedule: {e}");
        }
        tokio::select! {
            _ = shutdown.changed() => {}
            _ = tokio::time::sleep(SCHEDULE_TICK) => {}
        }
    }
}
