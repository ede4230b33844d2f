//! Automations on the server: a channel's settings (checked by `pronto-core` when
//! saved), the decisions on each stored customer message, and the worker that turns
//! business hours (and the end of a person's 12-hour away) into status changes.
//!
//! Everything sent here is authored `automation`: it goes through the outbox like any
//! reply, shows in the conversation, and is never counted as a response.

mod schedule;
mod settings;

use pronto_core::automation::{self as core, Decision, Facts};
use pronto_core::hours::Zone;
use pronto_core::presence::Availability;
use pronto_core::time::Timestamp;
use pronto_store::{Automated, Channel, Message, MessageAuthor, Outbound, StoreError};
use serde_json::json;

use crate::reply::ReplyError;
use crate::state::AppState;

pub(crate) use schedule::manual_away;
pub use schedule::{Outcome, SCHEDULE_TICK, apply_hours_now, schedule_step};
pub use settings::{
    AutomationSettings, Automations, KeywordRuleSetting, KeywordSettings, MessageSetting,
    SettingsError, channel_automations, stored_settings,
};

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
        first_name: Some(
            pronto_core::template::first_name(
                stored.contact_first_name.as_deref(),
                &stored.contact_name,
            )
            .to_owned(),
        )
        .filter(|f| !f.is_empty()),
        language: stored.contact_language.clone(),
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
    let manual = schedule::manual_away(state, channel.id).await?;
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
    /// Sends an automated message through the one reply path (`reply::send`): on
    /// Meta channels only within what the platform allows an automated message
    /// (never the `HUMAN_AGENT` tag). A refusal is logged, not an error.
    async fn send(&self, what: Automated, text: &str) -> Result<bool, StoreError> {
        let (state, channel, message) = (self.state, self.channel, self.message);
        // A robot's mail never gets an automated answer, nor one address too many.
        if !crate::email::may_automate(state, channel, message).await {
            tracing::info!(
                "automated message to conversation {} not sent: the mail was automated, or the address had its share",
                message.conversation_id
            );
            return Ok(false);
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
            subject: None,
        };
        let stored = match crate::reply::send(state, channel, &out, self.now).await {
            Ok(stored) => stored,
            Err(ReplyError::Refused(refusal)) => {
                tracing::info!(
                    "automated message to conversation {} not sent: {refusal}",
                    message.conversation_id
                );
                return Ok(false);
            }
            Err(ReplyError::Store(e)) => return Err(e),
        };
        if stored.created {
            state
                .store
                .note_automation(message.conversation_id, what, self.now)
                .await?;
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
        Ok(())
    }
}

/// The channel's current response time (the mean of its fastest 90%, as the badge
/// reads it), for `{wait}`; none while nothing in the window was answered.
pub(crate) async fn expected_wait(state: &AppState, channel: &Channel, now: i64) -> Option<i64> {
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
