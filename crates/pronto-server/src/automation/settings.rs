//! A channel's automation settings as the API takes them, checked into
//! `pronto-core`'s types.

use pronto_core::automation::KeywordRules;
use pronto_core::hours::{Schedule, ScheduleSpec};
use pronto_core::template::{Template, Texts, Variable};
use std::collections::BTreeMap;
use std::sync::Arc;

use pronto_store::StoreError;
use serde::{Deserialize, Serialize};

use crate::state::AppState;

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
    /// The template, for customers in a language without its own text.
    #[serde(default)]
    pub text: String,
    /// The text per language (`{"it": "Ciao {first_name}!"}`), chosen by the
    /// customer's language (given by their platform or detected).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub translations: BTreeMap<String, String>,
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
    /// The reply per language, as for a message's `translations`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub translations: BTreeMap<String, String>,
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
    /// The field, as the request names it (`hours.weekly.monday`,
    /// `instant_reply.text`, `keyword_replies.rules[0].keywords`).
    pub field: String,
}

/// Settings checked into `pronto-core`'s types.
#[derive(Clone, Debug)]
pub struct Automations {
    /// Business hours.
    pub schedule: Option<Schedule>,
    /// The instant reply, when on.
    pub instant_reply: Option<Texts>,
    /// The away message, when on.
    pub away_message: Option<Texts>,
    /// Keyword rules and hand-over words, when any is set.
    pub keywords: Option<KeywordRules>,
}

impl Automations {
    /// Whether the instant reply or the away message says `{wait}` (keyword replies
    /// are answers, not promises of a wait, and are rendered without it when asked).
    pub(super) fn uses_wait(&self) -> bool {
        [&self.instant_reply, &self.away_message]
            .into_iter()
            .flatten()
            .flat_map(Texts::all)
            .any(|t| t.variables().any(|v| v == Variable::Wait))
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
                    field: format!("hours.{}", e.field()),
                })
            })
            .transpose()?;
        let instant_reply = message_template("instant_reply", &self.instant_reply)?;
        let away_message = message_template("away_message", &self.away_message)?;
        let k = &self.keyword_replies;
        let keyword = |field: String, e: &dyn std::fmt::Display| SettingsError {
            code: "invalid_keyword",
            message: format!("{field}: {e}"),
            field,
        };
        let mut rules = KeywordRules::new(k.limit_per_conversation);
        if let Some(words) = &k.handover_words {
            let words: Vec<&str> = words.iter().map(String::as_str).collect();
            rules
                .set_handover_words(&words)
                .map_err(|e| keyword("keyword_replies.handover_words".into(), &e))?;
        }
        for (i, rule) in k.rules.iter().enumerate() {
            let field = format!("keyword_replies.rules[{i}]");
            let reply = texts(&field, "reply", &rule.reply, &rule.translations)?;
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
        field: field.to_owned(),
    })
}

/// A text and its translations, each checked (`field.key`, `field.translations.it`).
fn texts(
    field: &str,
    key: &str,
    text: &str,
    translations: &BTreeMap<String, String>,
) -> Result<Texts, SettingsError> {
    let mut texts = Texts::from(template(&format!("{field}.{key}"), text)?);
    for (language, text) in translations {
        let at = format!("{field}.translations.{language}");
        texts = texts
            .with(language, template(&at, text)?)
            .map_err(|e| SettingsError {
                code: "invalid_template",
                message: format!("{at}: {e}"),
                field: at.clone(),
            })?;
    }
    Ok(texts)
}

/// A message's texts when it is on; an off message is still checked if it has
/// text, so that turning it on later cannot fail.
fn message_template(field: &str, m: &MessageSetting) -> Result<Option<Texts>, SettingsError> {
    if !m.enabled && m.text.trim().is_empty() && m.translations.is_empty() {
        return Ok(None);
    }
    let t = texts(field, "text", &m.text, &m.translations)?;
    Ok(m.enabled.then_some(t))
}

/// A channel's automation settings as saved (all off when never saved); settings
/// that no longer read are an internal error, never shown as empty.
pub async fn stored_settings(
    state: &AppState,
    workspace_id: i64,
    channel_id: i64,
) -> crate::error::ApiResult<AutomationSettings> {
    match state
        .store
        .channel_automation(workspace_id, channel_id)
        .await?
    {
        Some(value) => {
            serde_json::from_value(value).map_err(|e| crate::error::ApiError::internal(&e))
        }
        None => Ok(AutomationSettings::default()),
    }
}

/// A channel's checked automations, if it has settings.
pub async fn channel_automations(
    state: &AppState,
    workspace_id: i64,
    channel_id: i64,
) -> Result<Option<Arc<Automations>>, StoreError> {
    // Kept a moment: this runs on every customer message.
    state
        .automations
        .get(&(workspace_id, channel_id), async {
            let value = state
                .store
                .channel_automation(workspace_id, channel_id)
                .await?;
            Ok(value.as_ref().and_then(checked).map(Arc::new))
        })
        .await
}

pub(super) fn checked(value: &serde_json::Value) -> Option<Automations> {
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
