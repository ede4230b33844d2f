//! Alerts for people: what a person wants to be told about, when not (quiet
//! hours), and how much of the message an alert may carry. The server decides who
//! an event concerns; this decides whether that person is told, and with what.

use serde::{Deserialize, Serialize};

use crate::hours::{LocalTime, Zone};
use crate::time::Timestamp;

/// Why a person is told.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// A customer began a conversation that nobody has (the unassigned folder).
    NewConversation,
    /// A customer wrote in a conversation assigned to the person.
    CustomerMessage,
    /// A conversation was assigned to the person.
    Assigned,
    /// A rule's `notify` action named the person.
    RuleNotify,
    /// A customer's message must be answered within minutes or the badge is lost
    /// (the responsiveness forecast): its conversation's assignee, else everyone
    /// available, is told once.
    AtRisk,
}

impl Reason {
    /// Its name, as the API and the page write it.
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::NewConversation => "new_conversation",
            Reason::CustomerMessage => "customer_message",
            Reason::Assigned => "assigned",
            Reason::RuleNotify => "rule_notify",
            Reason::AtRisk => "at_risk",
        }
    }
}

/// How much of the message an alert carries (on a lock screen, say).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Preview {
    /// The contact's name and the message's first words.
    #[default]
    Message,
    /// The contact's name only.
    Name,
    /// Only that something happened.
    Nothing,
}

/// A person's alert preferences, as the API takes and returns them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Prefs {
    /// New conversations nobody has.
    #[serde(default = "yes")]
    pub new_conversation: bool,
    /// The channels whose new conversations the person watches; `None`: all.
    #[serde(default)]
    pub watched_channels: Option<Vec<i64>>,
    /// Customer messages in conversations assigned to the person.
    #[serde(default = "yes")]
    pub customer_message: bool,
    /// Conversations assigned to the person.
    #[serde(default = "yes")]
    pub assigned: bool,
    /// Rules that notify the person.
    #[serde(default = "yes")]
    pub rule_notify: bool,
    /// Messages about to cost the badge.
    #[serde(default = "yes")]
    pub at_risk: bool,
    /// A sound with each alert on the page.
    #[serde(default = "yes")]
    pub sound: bool,
    /// How much of the message an alert shows.
    #[serde(default)]
    pub preview: Preview,
    /// No alert between these times, in this zone.
    #[serde(default)]
    pub quiet_hours: Option<QuietHours>,
}

fn yes() -> bool {
    true
}

impl Default for Prefs {
    fn default() -> Self {
        Prefs {
            new_conversation: true,
            watched_channels: None,
            customer_message: true,
            assigned: true,
            rule_notify: true,
            at_risk: true,
            sound: true,
            preview: Preview::Message,
            quiet_hours: None,
        }
    }
}

/// Quiet hours: `from` to `to` (across midnight when `to` is earlier), local time.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuietHours {
    /// An IANA time zone.
    pub timezone: String,
    /// `HH:MM`, when they begin.
    pub from: String,
    /// `HH:MM`, when they end.
    pub to: String,
}

/// Preferences that cannot be kept: the field and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct PrefsError {
    /// `quiet_hours.timezone`, `quiet_hours.from`, `quiet_hours.to`.
    pub field: &'static str,
    /// What is wrong.
    pub message: String,
}

/// Checked preferences.
#[derive(Clone, Debug)]
pub struct Checked {
    prefs: Prefs,
    quiet: Option<(Zone, LocalTime, LocalTime)>,
}

impl Prefs {
    /// Checks the quiet hours.
    pub fn check(self) -> Result<Checked, PrefsError> {
        let quiet = match &self.quiet_hours {
            None => None,
            Some(q) => {
                let zone = Zone::parse(q.timezone.trim()).map_err(|e| PrefsError {
                    field: "quiet_hours.timezone",
                    message: e.to_string(),
                })?;
                let time = |field: &'static str, text: &str| {
                    LocalTime::parse(text.trim()).ok_or_else(|| PrefsError {
                        field,
                        message: format!("{text:?} is not a time like 22:00"),
                    })
                };
                let (from, to) = (
                    time("quiet_hours.from", &q.from)?,
                    time("quiet_hours.to", &q.to)?,
                );
                if from == to {
                    return Err(PrefsError {
                        field: "quiet_hours.to",
                        message: "quiet hours end when they begin".into(),
                    });
                }
                Some((zone, from, to))
            }
        };
        Ok(Checked { prefs: self, quiet })
    }
}

impl Checked {
    /// The preferences.
    pub fn prefs(&self) -> &Prefs {
        &self.prefs
    }

    /// Whether `at` falls in the quiet hours.
    pub fn is_quiet(&self, at: Timestamp) -> bool {
        let Some((zone, from, to)) = &self.quiet else {
            return false;
        };
        let (_, now) = zone.local(at);
        if from < to {
            *from <= now && now < *to
        } else {
            now >= *from || now < *to
        }
    }

    /// Whether the person is told about `reason` at `at`.
    pub fn allows(&self, reason: Reason, at: Timestamp) -> bool {
        let p = &self.prefs;
        let wanted = match reason {
            Reason::NewConversation => p.new_conversation,
            Reason::CustomerMessage => p.customer_message,
            Reason::Assigned => p.assigned,
            Reason::RuleNotify => p.rule_notify,
            Reason::AtRisk => p.at_risk,
        };
        wanted && !self.is_quiet(at)
    }

    /// Whether the person watches channel `channel`'s new conversations.
    pub fn watches(&self, channel: i64) -> bool {
        self.prefs
            .watched_channels
            .as_ref()
            .is_none_or(|list| list.contains(&channel))
    }

    /// What an alert may say of the message: the contact's name and the text, cut
    /// to what the preference allows (and to 140 characters).
    pub fn preview(&self, name: &str, text: &str) -> (Option<String>, Option<String>) {
        match self.prefs.preview {
            Preview::Message => {
                let mut cut: String = text.chars().take(140).collect();
                if text.chars().count() > 140 {
                    cut.push('…');
                }
                (Some(name.to_owned()), Some(cut))
            }
            Preview::Name => (Some(name.to_owned()), None),
            Preview::Nothing => (None, None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Timestamp {
        Timestamp::parse(text).unwrap()
    }

    fn quiet(from: &str, to: &str) -> Checked {
        Prefs {
            quiet_hours: Some(QuietHours {
                timezone: "Europe/Paris".into(),
                from: from.into(),
                to: to.into(),
            }),
            ..Prefs::default()
        }
        .check()
        .unwrap()
    }

    #[test]
    fn quiet_hours_across_midnight_in_the_persons_zone() {
        let q = quiet("22:00", "07:00");
        // 21:59 and 22:00 in Paris (UTC+1 in December).
        assert!(!q.is_quiet(at("2026-12-07T20:59:00Z")));
        assert!(q.is_quiet(at("2026-12-07T21:00:00Z")));
        assert!(q.is_quiet(at("2026-12-08T05:59:00Z")));
        assert!(!q.is_quiet(at("2026-12-08T06:00:00Z")));
        assert!(!q.allows(Reason::Assigned, at("2026-12-08T01:00:00Z")));
        assert!(q.allows(Reason::Assigned, at("2026-12-08T09:00:00Z")));
        let day = quiet("12:00", "14:00");
        assert!(day.is_quiet(at("2026-12-07T11:30:00Z")));
        assert!(!day.is_quiet(at("2026-12-07T13:00:00Z")));
    }

    #[test]
    fn each_reason_follows_its_switch() {
        let p = Prefs {
            customer_message: false,
            ..Prefs::default()
        }
        .check()
        .unwrap();
        let now = at("2026-12-07T10:00:00Z");
        assert!(!p.allows(Reason::CustomerMessage, now));
        assert!(p.allows(Reason::RuleNotify, now));
        assert!(p.allows(Reason::NewConversation, now));
    }

    #[test]
    fn the_preview_never_says_more_than_allowed() {
        let long = "x".repeat(200);
        let mut p = Prefs::default();
        let full = p.clone().check().unwrap().preview("Marie", &long);
        assert_eq!(full.0.as_deref(), Some("Marie"));
        assert_eq!(full.1.unwrap().chars().count(), 141);
        p.preview = Preview::Name;
        assert_eq!(
            p.clone().check().unwrap().preview("Marie", "secret"),
            (Some("Marie".into()), None)
        );
        p.preview = Preview::Nothing;
        assert_eq!(p.check().unwrap().preview("Marie", "secret"), (None, None));
    }

    #[test]
    fn bad_quiet_hours_name_their_field() {
        let bad = |tz: &str, from: &str, to: &str| {
            Prefs {
                quiet_hours: Some(QuietHours {
                    timezone: tz.into(),
                    from: from.into(),
                    to: to.into(),
                }),
                ..Prefs::default()
            }
            .check()
            .unwrap_err()
            .field
        };
        assert_eq!(bad("Mars/Base", "22:00", "07:00"), "quiet_hours.timezone");
        assert_eq!(bad("UTC", "10pm", "07:00"), "quiet_hours.from");
        assert_eq!(bad("UTC", "22:00", "7"), "quiet_hours.to");
        assert_eq!(bad("UTC", "22:00", "22:00"), "quiet_hours.to");
        // Unknown fields are refused when read.
        assert!(serde_json::from_str::<Prefs>(r#"{"sounds": false}"#).is_err());
        let read: Prefs = serde_json::from_str("{}").unwrap();
        assert_eq!(read, Prefs::default());
    }
}
