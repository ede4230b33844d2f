//! Automation rules in the server: [`after_customer_message`], the one hook that
//! evaluates them when a customer message is stored and carries out what fired, and
//! [`timer_step`]. Their API (admins; checked by `pronto_core::rules::validate` on
//! save) is `routes::rules`.
//!
//! Carried out: `assign`, `label`, `move`, `set_priority`, `send_saved_reply`,
//! `notify_team` (the members whose routing labels include the team's)
//! (authored `automation`, so it never counts as a response), `notify` (an
//! `agent.notified` live event for that user) and `call_webhook` (a best-effort POST,
//! retried three times in the background; outgoing webhook subscriptions are the
//! durable, signed way). Triggers evaluated: `customer_message`,
//! `conversation_opened` (a conversation's first message), and the
//! `conversation_moved` rules that a `move` sets off. `no_reply_for` and
//! `badge_at_risk` fire from [`timer_step`].

use pronto_core::Folder;
use pronto_core::rules::{self, Action, Facts, Fired, Rule, Trigger, When};
use pronto_store::{LiveEvent, MessageAuthor, Outbound, StoreError, Stored, StoredRule};
use serde_json::json;

use crate::reply::ReplyError;
use crate::state::AppState;

/// Evaluates the workspace's rules for a customer message just stored, and carries
/// out the actions that fired. A failed action is logged and the others go on: the
/// message is stored whatever the rules do.
pub async fn after_customer_message(state: &AppState, workspace_id: i64, stored: &Stored) {
    if !stored.created {
        return;
    }
    if let Err(e) = evaluate_and_apply(state, workspace_id, stored).await {
        tracing::warn!(workspace_id, message = stored.message.id, "rules: {e}");
    }
}

/// What the rules' conditions look at for a conversation, from its latest message
/// and the channel's hours at `at`; with the contact's name for saved replies.
async fn facts_for(
    state: &AppState,
    ws: i64,
    message: &pronto_store::Message,
    at: i64,
) -> Result<(Facts, pronto_store::Contact), StoreError> {
    let conversation = state
        .store
        .conversation(ws, message.conversation_id)
        .await?;
    let contact = state.store.contact(ws, conversation.contact_id).await?;
    let attributes = contact
        .attributes
        .as_object()
        .map(|o| {
            o.iter()
                .map(|(k, v)| {
                    (
                        k.clone(),
                        v.as_str().map_or_else(|| v.to_string(), str::to_owned),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    // A channel without business hours is open whenever a message comes.
    let within_business_hours =
        crate::automation::channel_automations(state, ws, message.channel_id)
            .await?
            .and_then(|a| a.schedule.clone())
            .is_none_or(|s| s.is_open(pronto_core::Timestamp::from_micros(at)));
    let facts = Facts {
        channel_id: message.channel_id,
        text: message.text.clone(),
        attributes,
        locale: contact.locale.clone(),
        labels: conversation.labels.clone(),
        within_business_hours,
    };
    Ok((facts, contact))
}

/// Fires the `badge_at_risk` rules (see [`badge_at_risk`]) and the `no_reply_for`
/// rules whose wait has passed: once per rule, conversation
/// and wait (a new customer message after a reply starts a new wait). Returns how
/// many rules fired. The firing is recorded before its actions run, so a crash in
/// between skips them rather than repeating them.
pub async fn timer_step(state: &AppState) -> Result<usize, StoreError> {
    const MINUTE: i64 = 60_000_000;
    let now = state.now();
    let mut count = 0;
    for ws in state.store.workspaces_with_rules().await? {
        let rules: Vec<Rule> = state
            .store
            .rules(ws)
            .await?
            .into_iter()
            .filter_map(|r| parse(&r).ok())
            .filter(|r| r.enabled && matches!(r.when, When::NoReplyFor { .. } | When::BadgeAtRisk))
            .collect();
        if rules.iter().any(|r| r.when == When::BadgeAtRisk) {
            count += badge_at_risk(state, ws, &rules, now).await?;
        }
        let Some(shortest) = rules
            .iter()
            .filter_map(|r| match r.when {
                When::NoReplyFor { minutes } => Some(i64::from(minutes)),
                _ => None,
            })
            .min()
        else {
            continue;
        };
        for waiting in state
            .store
            .waiting_since(ws, now - shortest * MINUTE, 500)
            .await?
        {
            let waited = u32::try_from((now - waiting.since) / MINUTE).unwrap_or(u32::MAX);
            let trigger = Trigger::new(When::NoReplyFor { minutes: waited });
            count += fire_once(
                state,
                ws,
                &rules,
                &trigger,
                waiting.conversation_id,
                waiting.since,
            )
            .await?;
        }
    }
    Ok(count)
}

/// Fires the `badge_at_risk` rules for each pending customer message that the badge
/// needs answered soon (`at_risk::waits`), once per rule and message.
async fn badge_at_risk(
    state: &AppState,
    ws: i64,
    rules: &[Rule],
    now: i64,
) -> Result<usize, StoreError> {
    let mut count = 0;
    let trigger = Trigger::new(When::BadgeAtRisk);
    for (conversation, since) in crate::at_risk::waits(state, ws, now).await? {
        count += fire_once(state, ws, rules, &trigger, conversation, since).await?;
    }
    Ok(count)
}

/// Evaluates `trigger` for a conversation (facts from its latest message) and
/// carries out each rule that fires, once per rule, conversation and `since`.
async fn fire_once(
    state: &AppState,
    ws: i64,
    rules: &[Rule],
    trigger: &Trigger,
    conversation: i64,
    since: i64,
) -> Result<usize, StoreError> {
    let now = state.now();
    let Some(latest) = state.store.messages(ws, conversation, 1).await?.pop() else {
        return Ok(0);
    };
    let (facts, contact) = facts_for(state, ws, &latest, now).await?;
    let mut count = 0;
    for rule in rules {
        let fired = rules::cascade(std::slice::from_ref(rule), trigger, &facts);
        if fired.is_empty()
            || !state
                .store
                .claim_rule_firing(rule.id, conversation, since, now)
                .await?
        {
            continue;
        }
        count += 1;
        let stored = Stored {
            message: latest.clone(),
            created: true,
            profile_pending: false,
            detect_language_of: None,
        };
        for (i, f) in fired.iter().enumerate() {
            if let Err(e) = apply(state, ws, &stored, &contact, i, f).await {
                tracing::warn!(rule = f.rule_id, "rule action {:?} failed: {e}", f.action);
            }
        }
    }
    Ok(count)
}

/// The workspace's enabled and disabled rules, parsed, as evaluation reads them
/// on every message (kept a moment: `state.rules`).
async fn workspace_rules(
    state: &AppState,
    ws: i64,
) -> Result<std::sync::Arc<Vec<Rule>>, StoreError> {
    state
        .rules
        .get(&ws, async {
            Ok(std::sync::Arc::new(
                state
                    .store
                    .rules(ws)
                    .await?
                    .iter()
                    .filter_map(|r| parse(r).ok())
                    .collect(),
            ))
        })
        .await
}

async fn evaluate_and_apply(state: &AppState, ws: i64, stored: &Stored) -> Result<(), StoreError> {
    let rules = workspace_rules(state, ws).await?;
    if rules.is_empty() {
        return Ok(());
    }
    let message = &stored.message;
    let (facts, contact) = facts_for(state, ws, message, message.at).await?;
    let mut fired = Vec::new();
    // A conversation's first message opens it: those rules come first. The
    // messages are read only when such a rule exists (this runs on every message).
    let opening = rules.iter().any(|r| r.when == When::ConversationOpened);
    if opening
        && state
            .store
            .messages(ws, message.conversation_id, 2)
            .await?
            .len()
            == 1
    {
        fired.extend(rules::cascade(
            &rules,
            &Trigger::new(When::ConversationOpened),
            &facts,
        ));
    }
    fired.extend(rules::cascade(
        &rules,
        &Trigger::new(When::CustomerMessage),
        &facts,
    ));
    for (i, f) in fired.iter().enumerate() {
        if let Err(e) = apply(state, ws, stored, &contact, i, f).await {
            tracing::warn!(rule = f.rule_id, "rule action {:?} failed: {e}", f.action);
        }
    }
    Ok(())
}

/// The language of the template `name` to send to `contact`: the rule's, else the
/// customer's (`fr` finds `fr` or `fr_FR`), else English, else the first listed.
fn template_language(
    templates: &[pronto_store::WhatsAppTemplate],
    name: &str,
    wanted: &str,
    contact: &pronto_store::Contact,
) -> Option<String> {
    let versions: Vec<&str> = templates
        .iter()
        .filter(|t| t.name == name)
        .map(|t| t.language.as_str())
        .collect();
    let starts = |prefix: &str| {
        let prefix = prefix.to_lowercase();
        versions
            .iter()
            .find(|l| l.to_lowercase().starts_with(&prefix))
            .copied()
    };
    if !wanted.is_empty() {
        return versions
            .iter()
            .find(|l| **l == wanted)
            .map(|l| (*l).to_owned());
    }
    contact
        .language
        .as_deref()
        .and_then(|l| starts(l.split(['_', '-']).next().unwrap_or(l)))
        .or_else(|| starts("en"))
        .or_else(|| versions.first().copied())
        .map(str::to_owned)
}

/// Sends a rule's message (`text` and `attachments`) as an automation, through the
/// one reply path: on Meta channels only within what the platform allows an
/// automated message (on WhatsApp, a template at any time). A refusal is logged,
/// like a failed action; a robot's mail gets no automated answer.
async fn send_automated(
    state: &AppState,
    ws: i64,
    stored: &Stored,
    index: usize,
    fired: &Fired,
    text: String,
    attachments: serde_json::Value,
) -> Result<(), StoreError> {
    let conversation = stored.message.conversation_id;
    // Keyed by the message and the rule, so that a message processed twice (a
    // worker's lease ran out) sends once.
    let key = format!(
        "rule-{}-message-{}-{index}",
        fired.rule_id, stored.message.id
    );
    let out = Outbound {
        conversation_id: conversation,
        author: MessageAuthor::Automation,
        agent_id: None,
        text,
        attachments,
        idempotency_key: Some(key),
        subject: None,
    };
    let channel = state.store.channel(ws, stored.message.channel_id).await?;
    let what = fired.action.kind();
    if !crate::email::may_automate(state, &channel, &stored.message).await {
        tracing::info!(
            rule = fired.rule_id,
            "{what} to conversation {conversation} not sent: automated mail"
        );
        return Ok(());
    }
    match crate::reply::send(state, &channel, &out, state.now()).await {
        Ok(_) => Ok(()),
        Err(ReplyError::Refused(r)) => {
            tracing::info!(
                rule = fired.rule_id,
                "{what} to conversation {conversation} not sent: {r}"
            );
            Ok(())
        }
        Err(ReplyError::Store(e)) => Err(e),
    }
}

async fn apply(
    state: &AppState,
    ws: i64,
    stored: &Stored,
    contact: &pronto_store::Contact,
    index: usize,
    fired: &Fired,
) -> Result<(), StoreError> {
    let conversation = stored.message.conversation_id;
    let now = state.now();
    state
        .store
        .record_rule_run(ws, fired.rule_id, conversation, fired.action.kind(), now)
        .await?;
    match &fired.action {
        Action::Assign { user } => {
            state
                .store
                .assign(ws, conversation, Some(*user), now)
                .await?;
        }
        Action::Label { label } => {
            state
                .store
                .label(ws, conversation, std::slice::from_ref(label), &[], now)
                .await?;
        }
        Action::Move { folder } => {
            let folder = Folder::parse(folder).unwrap_or(Folder::Inbox);
            state.store.move_to(ws, conversation, folder, now).await?;
        }
        Action::SendSavedReply { id } => {
            let reply = state.store.saved_reply(ws, *id, None).await?;
            // In the customer's language when the reply has it.
            let (text, _) = reply.text_for(contact.language.as_deref());
            let text = pronto_core::template::saved_reply::render(
                text,
                contact.greeting_name(),
                &contact.name,
                "",
            );
            send_automated(state, ws, stored, index, fired, text, json!([])).await?;
        }
        Action::SendTemplate {
            name,
            language,
            parameters,
        } => {
            let channel = state.store.channel(ws, stored.message.channel_id).await?;
            if channel.kind != pronto_store::ChannelKind::WhatsApp {
                tracing::info!(
                    rule = fired.rule_id,
                    "template {name} to conversation {conversation} not sent: templates are WhatsApp's, and this is a {} channel",
                    channel.kind.as_str()
                );
                return Ok(());
            }
            let templates = state.store.templates(ws, channel.id).await?;
            let Some(language) = template_language(&templates, name, language, contact) else {
                tracing::info!(
                    rule = fired.rule_id,
                    "template {name} to conversation {conversation} not sent: no such template is synchronized"
                );
                return Ok(());
            };
            let parameters: Vec<String> = parameters
                .iter()
                .map(|p| {
                    pronto_core::template::saved_reply::render(
                        p,
                        contact.greeting_name(),
                        &contact.name,
                        "",
                    )
                })
                .collect();
            let attachment = json!([{"type": "template", "name": name, "language": language,
                "parameters": parameters}]);
            send_automated(state, ws, stored, index, fired, String::new(), attachment).await?;
        }
        Action::SetPriority { priority } => {
            state
                .store
                .set_priority(ws, conversation, *priority, now)
                .await?;
        }
        Action::Notify { user } => {
            let event = LiveEvent::AgentNotified {
                user_id: *user,
                conversation_id: conversation,
                rule_id: fired.rule_id,
            };
            state.store.publish(ws, &event, now).await?;
        }
        Action::NotifyTeam { label } => {
            // The team: the active members who handle this label (their skills).
            for agent in state.store.routing_agents(ws, now).await? {
                if agent.labels.iter().any(|l| l.eq_ignore_ascii_case(label)) {
                    let event = LiveEvent::AgentNotified {
                        user_id: agent.user_id,
                        conversation_id: conversation,
                        rule_id: fired.rule_id,
                    };
                    state.store.publish(ws, &event, now).await?;
                }
            }
        }
        Action::CallWebhook { url } => {
            let body = json!({"rule_id": fired.rule_id, "conversation_id": conversation, "message": stored.message});
            let (http, url, rule) = (state.outgoing.clone(), url.clone(), fired.rule_id);
            tokio::spawn(async move {
                // The URL may hold the receiver's key: logs show it without its query.
                let shown = crate::outgoing::redact_url(&url);
                for attempt in 0..3u32 {
                    let request = match http.post(&url) {
                        Ok(request) => request,
                        Err(e) => return tracing::warn!(rule, "rule webhook {shown}: {e}"),
                    };
                    match request.json(&body).send().await {
                        Ok(r) if r.status().is_success() => return,
                        Ok(r) => tracing::warn!(rule, "rule webhook {shown}: {}", r.status()),
                        Err(e) => tracing::warn!(
                            rule,
                            "rule webhook {shown}: {}",
                            crate::outgoing::transport_error(&e)
                        ),
                    }
                    tokio::time::sleep(std::time::Duration::from_secs(1 << attempt)).await;
                }
            });
        }
    }
    Ok(())
}

pub(crate) fn parse(stored: &StoredRule) -> Result<Rule, serde_json::Error> {
    let mut rule: Rule = serde_json::from_value(stored.body.clone())?;
    rule.id = stored.id;
    Ok(rule)
}
