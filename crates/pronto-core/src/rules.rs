//! Automation rules as data: `when` something happens, `if` every condition holds,
//! `then` do the actions. Pure: the server gathers the [`Facts`] and applies what
//! [`evaluate`] returns.
//!
//! Rules can trigger one another (a rule that moves a conversation triggers the
//! `conversation_moved` rules). Every [`Fired`] action carries its [`Cause`], the
//! chain of rules that led to it; a trigger never fires a rule already in its chain,
//! and chains stop at [`MAX_DEPTH`], so no set of rules can loop.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The longest chain of rules one trigger can set off.
pub const MAX_DEPTH: usize = 5;

/// A rule as stored and edited.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// Its id (given by the store; 0 before it is saved).
    #[serde(default)]
    pub id: i64,
    /// A name for people.
    pub name: String,
    /// Off rules are kept but never fire.
    #[serde(default = "yes")]
    pub enabled: bool,
    /// What sets it off.
    pub when: When,
    /// Conditions that must all hold.
    #[serde(rename = "if", default)]
    pub conditions: Vec<Condition>,
    /// What it does, in order.
    pub then: Vec<Action>,
}

fn yes() -> bool {
    true
}

/// What sets a rule off.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum When {
    /// A new conversation.
    ConversationOpened,
    /// A customer wrote.
    CustomerMessage,
    /// The customer has waited this long for a reply.
    NoReplyFor {
        /// Minutes, 1 to 10,080 (a week).
        minutes: u32,
    },
    /// The responsiveness badge is at risk.
    BadgeAtRisk,
    /// A conversation changed folder.
    ConversationMoved,
}

/// A condition on the [`Facts`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Condition {
    /// The conversation is on this channel.
    Channel {
        /// The channel's id.
        id: i64,
    },
    /// The message contains this text, ignoring case.
    TextContains {
        /// The text.
        text: String,
    },
    /// The message matches this regular expression.
    TextMatches {
        /// The pattern (Rust `regex` syntax, at most 500 characters).
        pattern: String,
    },
    /// A contact attribute has exactly this value.
    ContactAttribute {
        /// The attribute.
        name: String,
        /// The value.
        value: String,
    },
    /// The contact's locale starts with this (`fr` matches `fr_FR`).
    Locale {
        /// The locale or language.
        locale: String,
    },
    /// The conversation has this label.
    HasLabel {
        /// The label.
        label: String,
    },
    /// Business hours are open (`true`) or closed (`false`).
    WithinBusinessHours {
        /// Whether the channel must be open.
        open: bool,
    },
}

/// What a rule does.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Action {
    /// Assigns the conversation.
    Assign {
        /// The user.
        user: i64,
    },
    /// Adds a label.
    Label {
        /// The label.
        label: String,
    },
    /// Sets the conversation's priority.
    SetPriority {
        /// Higher comes first; -10 to 10.
        priority: i64,
    },
    /// Sends a saved reply, authored as an automation (never a response).
    SendSavedReply {
        /// The saved reply.
        id: i64,
    },
    /// Sends one of a WhatsApp channel's approved templates (the only message
    /// WhatsApp takes outside the 24-hour window), authored as an automation
    /// (never a response). Elsewhere it is not sent, and the run says why.
    SendTemplate {
        /// The template's name.
        name: String,
        /// Its language (`en_US`); empty: the customer's, else the first found.
        #[serde(default, skip_serializing_if = "String::is_empty")]
        language: String,
        /// The body's positional parameters; `{first_name}` and `{name}` are the
        /// contact's, as in saved replies.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        parameters: Vec<String>,
    },
    /// Moves the conversation to a folder.
    Move {
        /// `inbox`, `done` or `spam`.
        folder: String,
    },
    /// Tells a user.
    Notify {
        /// The user.
        user: i64,
    },
    /// Tells a team: every active member whose routing labels (skills) include
    /// `label`.
    NotifyTeam {
        /// The team's label.
        label: String,
    },
    /// Posts the conversation to a URL.
    CallWebhook {
        /// An `http` or `https` URL.
        url: String,
    },
}

impl Action {
    /// Its type, as the JSON names it (`assign`, `notify`...).
    pub fn kind(&self) -> &'static str {
        match self {
            Action::Assign { .. } => "assign",
            Action::Label { .. } => "label",
            Action::SetPriority { .. } => "set_priority",
            Action::SendSavedReply { .. } => "send_saved_reply",
            Action::SendTemplate { .. } => "send_template",
            Action::Move { .. } => "move",
            Action::Notify { .. } => "notify",
            Action::NotifyTeam { .. } => "notify_team",
            Action::CallWebhook { .. } => "call_webhook",
        }
    }

    /// The trigger that carrying out this action sets off, if any.
    pub fn sets_off(&self) -> Option<When> {
        match self {
            Action::Move { .. } => Some(When::ConversationMoved),
            _ => None,
        }
    }
}

/// The rules that led to an action or a trigger, oldest first.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cause(pub Vec<i64>);

/// Something that happened, and the rules that caused it (none for a person's or a
/// customer's doing).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Trigger {
    /// What happened. For `NoReplyFor`, `minutes` is how long the customer has
    /// waited.
    pub what: When,
    /// The rules behind it.
    pub cause: Cause,
}

impl Trigger {
    /// A trigger no rule caused.
    pub fn new(what: When) -> Self {
        Trigger {
            what,
            cause: Cause::default(),
        }
    }
}

/// What the conditions look at, gathered by the caller.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Facts {
    /// The conversation's channel.
    pub channel_id: i64,
    /// The customer's message (empty when the trigger is not a message).
    pub text: String,
    /// The contact's attributes.
    pub attributes: BTreeMap<String, String>,
    /// The contact's locale.
    pub locale: Option<String>,
    /// The conversation's labels.
    pub labels: Vec<String>,
    /// Whether the channel's business hours are open now.
    pub within_business_hours: bool,
}

/// An action to carry out, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fired {
    /// The rule.
    pub rule_id: i64,
    /// The action.
    pub action: Action,
    /// The chain of rules, ending with `rule_id`.
    pub cause: Cause,
}

/// A rule that cannot be saved: which part is wrong, and how.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{part}: {message}")]
pub struct RuleError {
    /// `name`, `when.minutes`, `if[0].pattern`, `then[1].url`...
    pub part: String,
    /// What is wrong.
    pub message: String,
}

fn bad(part: impl Into<String>, message: impl Into<String>) -> Result<(), RuleError> {
    Err(RuleError {
        part: part.into(),
        message: message.into(),
    })
}

const MAX_TEXT: usize = 500;

fn text(part: String, value: &str) -> Result<(), RuleError> {
    if value.trim().is_empty() {
        bad(part, "must not be empty")
    } else if value.chars().count() > MAX_TEXT {
        bad(part, format!("must have at most {MAX_TEXT} characters"))
    } else {
        Ok(())
    }
}

/// Checks a rule before it is saved.
pub fn validate(rule: &Rule) -> Result<(), RuleError> {
    text("name".into(), &rule.name)?;
    if let When::NoReplyFor { minutes } = rule.when
        && !(1..=10_080).contains(&minutes)
    {
        return bad("when.minutes", "must be 1 to 10080 (a week)");
    }
    if rule.conditions.len() > 20 {
        return bad("if", "at most 20 conditions");
    }
    for (i, c) in rule.conditions.iter().enumerate() {
        match c {
            Condition::Channel { id } if *id <= 0 => {
                bad(format!("if[{i}].id"), "not a channel id")?
            }
            Condition::TextContains { text: t } => text(format!("if[{i}].text"), t)?,
            Condition::TextMatches { pattern } => {
                text(format!("if[{i}].pattern"), pattern)?;
                if let Err(e) = compile(pattern) {
                    bad(
                        format!("if[{i}].pattern"),
                        format!("not a valid regular expression: {e}"),
                    )?;
                }
            }
            Condition::ContactAttribute { name, value: _ } => text(format!("if[{i}].name"), name)?,
            Condition::Locale { locale } => text(format!("if[{i}].locale"), locale)?,
            Condition::HasLabel { label } => text(format!("if[{i}].label"), label)?,
            _ => {}
        }
    }
    if rule.then.is_empty() {
        return bad("then", "a rule needs at least one action");
    }
    if rule.then.len() > 10 {
        return bad("then", "at most 10 actions");
    }
    for (i, a) in rule.then.iter().enumerate() {
        match a {
            Action::Assign { user } | Action::Notify { user } if *user <= 0 => {
                bad(format!("then[{i}].user"), "not a user id")?;
            }
            Action::SendSavedReply { id } if *id <= 0 => {
                bad(format!("then[{i}].id"), "not a saved reply id")?;
            }
            Action::Label { label } | Action::NotifyTeam { label } => {
                text(format!("then[{i}].label"), label)?
            }
            Action::SendTemplate {
                name, parameters, ..
            } => {
                text(format!("then[{i}].name"), name)?;
                if parameters.len() > 20 {
                    bad(format!("then[{i}].parameters"), "at most 20 parameters")?;
                }
                for (k, p) in parameters.iter().enumerate() {
                    text(format!("then[{i}].parameters[{k}]"), p)?;
                }
            }
            Action::SetPriority { priority } if !(-10..=10).contains(priority) => {
                bad(format!("then[{i}].priority"), "must be -10 to 10")?;
            }
            Action::Move { folder } if crate::Folder::parse(folder).is_none() => {
                bad(
                    format!("then[{i}].folder"),
                    format!("unknown folder {folder:?}; use inbox, done or spam"),
                )?;
            }
            Action::CallWebhook { url } => {
                text(format!("then[{i}].url"), url)?;
                let rest = url
                    .strip_prefix("https://")
                    .or_else(|| url.strip_prefix("http://"));
                if rest.is_none_or(|r| r.is_empty() || r.contains(char::is_whitespace)) {
                    bad(
                        format!("then[{i}].url"),
                        "must be an http:// or https:// URL",
                    )?;
                }
            }
            _ => {}
        }
    }
    Ok(())
}

fn compile(pattern: &str) -> Result<regex::Regex, regex::Error> {
    regex::RegexBuilder::new(pattern)
        .size_limit(1 << 20)
        .build()
}

fn holds(condition: &Condition, facts: &Facts) -> bool {
    match condition {
        Condition::Channel { id } => *id == facts.channel_id,
        Condition::TextContains { text } => {
            facts.text.to_lowercase().contains(&text.to_lowercase())
        }
        // A pattern that does not compile was refused at save time; here it matches
        // nothing.
        Condition::TextMatches { pattern } => {
            compile(pattern).is_ok_and(|r| r.is_match(&facts.text))
        }
        Condition::ContactAttribute { name, value } => facts.attributes.get(name) == Some(value),
        Condition::Locale { locale } => facts.locale.as_deref().is_some_and(|l| {
            l.to_lowercase()
                .replace('-', "_")
                .starts_with(&locale.to_lowercase().replace('-', "_"))
        }),
        Condition::HasLabel { label } => facts.labels.iter().any(|l| l == label),
        Condition::WithinBusinessHours { open } => facts.within_business_hours == *open,
    }
}

fn sets_off(when: &When, what: &When) -> bool {
    match (when, what) {
        (When::NoReplyFor { minutes }, When::NoReplyFor { minutes: waited }) => waited >= minutes,
        _ => std::mem::discriminant(when) == std::mem::discriminant(what),
    }
}

/// The actions that `trigger` sets off, rule by rule in their stored order, each
/// rule's actions in its order. A rule already in the trigger's cause does not fire,
/// nor does any rule once the cause is [`MAX_DEPTH`] rules long.
pub fn evaluate(rules: &[Rule], trigger: &Trigger, facts: &Facts) -> Vec<Fired> {
    if trigger.cause.0.len() >= MAX_DEPTH {
        return Vec::new();
    }
    let mut fired = Vec::new();
    for rule in rules {
        if !rule.enabled
            || trigger.cause.0.contains(&rule.id)
            || !sets_off(&rule.when, &trigger.what)
            || !rule.conditions.iter().all(|c| holds(c, facts))
        {
            continue;
        }
        let mut cause = trigger.cause.clone();
        cause.0.push(rule.id);
        fired.extend(rule.then.iter().map(|action| Fired {
            rule_id: rule.id,
            action: action.clone(),
            cause: cause.clone(),
        }));
    }
    fired
}

/// [`evaluate`], then the triggers its actions set off, and so on, breadth first,
/// with the same `facts`. Ends because every chain grows by a distinct rule and
/// stops at [`MAX_DEPTH`].
pub fn cascade(rules: &[Rule], trigger: &Trigger, facts: &Facts) -> Vec<Fired> {
    let mut all = Vec::new();
    let mut queue = std::collections::VecDeque::from([trigger.clone()]);
    while let Some(t) = queue.pop_front() {
        for f in evaluate(rules, &t, facts) {
            if let Some(what) = f.action.sets_off() {
                queue.push_back(Trigger {
                    what,
                    cause: f.cause.clone(),
                });
            }
            all.push(f);
        }
    }
    all
}

#[cfg(test)]
mod tests;
