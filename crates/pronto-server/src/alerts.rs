//! Alerts: the worker that reads each workspace's event log and tells the people an
//! event concerns (`alert.created`, which their pages show as notifications), as
//! their preferences (`pronto_core::alerts`) allow. Who an event concerns:
//! - a customer's first message in a conversation nobody has: every active member
//!   who is not away and watches its channel (the unassigned folder is
//!   everyone's);
//! - a customer's message in an assigned conversation: its assignee;
//! - an assignment: the person it went to;
//! - a rule's `notify`: the person it names;
//! - a message at risk (`conversation.at_risk`, `at_risk`): the conversation's
//!   assignee, else every active member who is not away.
//!
//! The alerts and the worker's cursor are written in one transaction, so an event
//! is looked at once, on one node, and never in a request; then each alert goes to
//! its person's devices by Web Push (`push`), in their language.

use std::collections::HashMap;

use pronto_core::alerts::{Checked, Prefs, Reason};
use pronto_core::time::Timestamp;
use pronto_store::{Conversation, LiveEvent, MessageAuthor, StoreError};

use crate::state::AppState;
use crate::ui::i18n::{Lang, fill};

/// Events read in one step.
const BATCH: i64 = 200;

/// One step: a workspace's unread events turned into alerts. True if there may be more.
pub async fn step(state: &AppState) -> Result<bool, StoreError> {
    let Some((ws, after)) = state.store.alerts_due().await? else {
        return Ok(false);
    };
    let events = state.store.events_after(ws, after, BATCH).await?;
    let Some(last) = events.last().map(|e| e.seq) else {
        return Ok(false);
    };
    let now = state.now();
    let mut prefs: HashMap<i64, Checked> = HashMap::new();
    let mut conversations: HashMap<i64, Option<Conversation>> = HashMap::new();
    let mut alerts = Vec::new();
    for logged in &events {
        for (user, conversation, reason, text) in concerns(state, ws, &logged.event).await? {
            let p = match prefs.entry(user) {
                std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                std::collections::hash_map::Entry::Vacant(e) => {
                    e.insert(prefs_of(state, ws, user).await?)
                }
            };
            if !p.allows(reason, Timestamp::from_micros(now)) {
                continue;
            }
            // The conversation is read once a step, whoever it concerns.
            let found = match conversations.entry(conversation) {
                std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                std::collections::hash_map::Entry::Vacant(e) => {
                    e.insert(conversation_of(state, ws, conversation).await?)
                }
            };
            let Some(c) = found else { continue };
            let (contact, channel) = (c.contact_name.clone(), c.channel_id);
            // A new conversation tells those who watch its channel.
            if reason == Reason::NewConversation && !p.watches(channel) {
                continue;
            }
            let (name, text) = p.preview(&contact, &text);
            alerts.push(LiveEvent::AlertCreated {
                user_id: user,
                conversation_id: conversation,
                reason: reason.as_str().to_owned(),
                name,
                text: text.filter(|t| !t.is_empty()),
                sound: p.prefs().sound,
            });
        }
    }
    if state
        .store
        .commit_alerts(ws, after, last, &alerts, now)
        .await?
    {
        push(state, ws, &alerts).await?;
    }
    Ok(true)
}

/// Sends each alert to its person's devices, in their language.
async fn push(state: &AppState, ws: i64, alerts: &[LiveEvent]) -> Result<(), StoreError> {
    if alerts.is_empty() {
        return Ok(());
    }
    let vapid = match crate::push::Vapid::of(state).await {
        Ok(v) => v,
        Err(e) => {
            tracing::warn!("no push: {e}");
            return Ok(());
        }
    };
    for alert in alerts {
        let LiveEvent::AlertCreated {
            user_id,
            conversation_id,
            reason,
            name,
            text,
            ..
        } = alert
        else {
            continue;
        };
        let devices = state.store.push_subscriptions(ws, *user_id).await?;
        if devices.is_empty() {
            continue;
        }
        let member = state.store.member(ws, *user_id).await?;
        let lang = member
            .user
            .locale
            .as_deref()
            .and_then(Lang::parse)
            .unwrap_or(Lang::En);
        let t = &lang.texts().alerts;
        let template = match reason.as_str() {
            "new_conversation" => t.new_conversation,
            "customer_message" => t.customer_message,
            "assigned" => t.assigned,
            "at_risk" => t.at_risk,
            _ => t.rule_notify,
        };
        let title = fill(template, &[("name", name.as_deref().unwrap_or(t.someone))]);
        let payload = crate::push::payload(&title, text.as_deref(), *conversation_id);
        for device in &devices {
            crate::push::send(state, &vapid, device, payload.clone()).await;
        }
    }
    Ok(())
}

/// A member's checked preferences (the defaults if none are saved or they no
/// longer read).
pub async fn prefs_of(state: &AppState, ws: i64, user: i64) -> Result<Checked, StoreError> {
    let saved = state.store.alert_prefs(ws, user).await?;
    let prefs: Prefs = saved
        .and_then(|v| serde_json::from_value(v).ok())
        .unwrap_or_default();
    Ok(prefs.check().unwrap_or_else(|e| {
        tracing::warn!("stored alert preferences of user {user} refused: {e}");
        Prefs::default().check().expect("the defaults are valid")
    }))
}

/// A conversation of the workspace, `None` when it is gone.
async fn conversation_of(
    state: &AppState,
    ws: i64,
    id: i64,
) -> Result<Option<Conversation>, StoreError> {
    match state.store.conversation(ws, id).await {
        Ok(c) => Ok(Some(c)),
        Err(StoreError::NotFound(_)) => Ok(None),
        Err(e) => Err(e),
    }
}

/// The active members who are not away: those a conversation nobody has
/// concerns.
async fn available(state: &AppState, ws: i64) -> Result<Vec<i64>, StoreError> {
    Ok(state
        .store
        .members(ws)
        .await?
        .into_iter()
        .filter(|m| m.user.deactivated_at.is_none() && !m.away)
        .map(|m| m.user.id)
        .collect())
}

/// Who `event` concerns: (person, conversation, why, the message's text).
async fn concerns(
    state: &AppState,
    ws: i64,
    event: &LiveEvent,
) -> Result<Vec<(i64, i64, Reason, String)>, StoreError> {
    Ok(match event {
        LiveEvent::MessageCreated {
            conversation_id,
            message,
        } if message.author == MessageAuthor::Customer => {
            let Some(conversation) = conversation_of(state, ws, *conversation_id).await? else {
                return Ok(Vec::new());
            };
            match conversation.assignee_id {
                Some(user) => vec![(
                    user,
                    *conversation_id,
                    Reason::CustomerMessage,
                    message.text.clone(),
                )],
                None if state
                    .store
                    .is_first_customer_message(ws, *conversation_id, message.id)
                    .await? =>
                {
                    available(state, ws)
                        .await?
                        .into_iter()
                        .map(|user| {
                            (
                                user,
                                *conversation_id,
                                Reason::NewConversation,
                                message.text.clone(),
                            )
                        })
                        .collect()
                }
                None => Vec::new(),
            }
        }
        LiveEvent::ConversationAssigned {
            conversation_id,
            assignee_id: Some(user),
        } => vec![(*user, *conversation_id, Reason::Assigned, String::new())],
        LiveEvent::ConversationAtRisk {
            conversation_id, ..
        } => {
            let Some(conversation) = conversation_of(state, ws, *conversation_id).await? else {
                return Ok(Vec::new());
            };
            let text = state
                .store
                .messages(ws, *conversation_id, 1)
                .await?
                .pop()
                .map(|m| m.text)
                .unwrap_or_default();
            let people = match conversation.assignee_id {
                Some(user) => vec![user],
                None => available(state, ws).await?,
            };
            people
                .into_iter()
                .map(|user| (user, *conversation_id, Reason::AtRisk, text.clone()))
                .collect()
        }
        LiveEvent::AgentNotified {
            user_id,
            conversation_id,
            ..
        } => vec![(
            *user_id,
            *conversation_id,
            Reason::RuleNotify,
            String::new(),
        )],
        _ => Vec::new(),
    })
}
