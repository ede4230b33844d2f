//! The automations' decisions: the instant reply, the away message and keyword replies.
//!
//! Each function looks at facts the server gathered and says what to send, or why
//! not, so that the UI and the logs can explain every automated message and every
//! silence. Everything sent is authored [`Author::Automation`], which the
//! responsiveness engine never counts as a response ([`Outgoing::author`]).
//!
//! The three decisions are independent; the server asks in this order for each
//! customer message: the keyword reply (which may hand over to a person), then the
//! away message when the channel is away, else the instant reply.

use std::fmt;

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use crate::analysis::opens_opportunity;
use crate::event::Author;
use crate::hours::{BackAt, Schedule, Zone};
use crate::presence::{Availability, AwayReason, ManualAway};
use crate::template::{Texts, Values};
use crate::time::{DAY, MINUTE, Timestamp};

/// At most one away message per conversation in this span.
pub const AWAY_MESSAGE_INTERVAL: i64 = DAY;
/// No away message this soon after a person answered in the conversation.
pub const AGENT_QUIET: i64 = 5 * MINUTE;
/// The words that ask for a person, in the languages Pronto's customers write most.
pub const DEFAULT_HANDOVER_WORDS: [&str; 7] = [
    "human",
    "agent",
    "person",
    "humain",
    "conseiller",
    "operatore",
    "persona",
];

/// What the server knows about the conversation when a customer message arrives.
#[derive(Clone, Debug, Default)]
pub struct Facts {
    /// The customer message being handled.
    pub message_at: Timestamp,
    /// The conversation's message before it, from either side, automated included.
    pub previous_message_at: Option<Timestamp>,
    /// The latest instant reply sent in the conversation.
    pub instant_reply_at: Option<Timestamp>,
    /// The latest away message sent in the conversation.
    pub away_message_at: Option<Timestamp>,
    /// The latest message written by a person of the team in the conversation.
    pub agent_reply_at: Option<Timestamp>,
    /// How many keyword replies the conversation has had.
    pub keyword_replies: u32,
    /// The customer's first name, when known.
    pub first_name: Option<String>,
    /// The language the customer writes in (`it`), when known: it picks the text.
    pub language: Option<String>,
    /// The customer's time zone, when known.
    pub customer_zone: Option<Zone>,
    /// The expected wait for a person's answer, in microseconds (e.g. the channel's
    /// current response time), when known.
    pub expected_wait: Option<i64>,
}

/// Which automation sends a message.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Automation {
    /// The greeting on a new opportunity.
    InstantReply,
    /// The message while the channel is away.
    AwayMessage {
        /// Why the channel is away.
        reason: AwayReason,
    },
    /// An answer to a frequent question.
    KeywordReply {
        /// The rule's position in [`KeywordRules`], from 0.
        rule: usize,
        /// The keyword that matched, as configured.
        keyword: String,
    },
}

/// A message to send.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Outgoing {
    /// Which automation.
    pub automation: Automation,
    /// The rendered text.
    pub text: String,
    /// When the team is back, when the message says it.
    pub back_at: Option<BackAt>,
}

impl Outgoing {
    /// Who the message is from: always [`Author::Automation`], never a response.
    pub fn author(&self) -> Author {
        Author::Automation
    }
}

/// Why nothing is sent.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Skip {
    /// The message continues a conversation (less than 24 h since its previous one).
    NotNewOpportunity {
        /// The previous message.
        previous_message_at: Timestamp,
    },
    /// This opportunity already had its instant reply.
    InstantReplySent {
        /// When it was sent.
        at: Timestamp,
    },
    /// The channel is open and nobody set it away.
    ChannelAvailable,
    /// An away message went to this conversation less than 24 h ago.
    AwayMessageSent {
        /// When it was sent.
        at: Timestamp,
        /// When another may go.
        next_allowed: Timestamp,
    },
    /// A person answered in this conversation less than 5 minutes ago.
    AgentReplied {
        /// When.
        at: Timestamp,
    },
    /// No keyword of any rule is in the message.
    NoKeyword,
    /// The conversation had its keyword replies.
    KeywordLimit {
        /// The limit.
        limit: u32,
    },
}

impl Skip {
    /// A stable code for the API and the logs.
    pub fn code(&self) -> &'static str {
        match self {
            Skip::NotNewOpportunity { .. } => "not_new_opportunity",
            Skip::InstantReplySent { .. } => "instant_reply_sent",
            Skip::ChannelAvailable => "channel_available",
            Skip::AwayMessageSent { .. } => "away_message_sent",
            Skip::AgentReplied { .. } => "agent_replied",
            Skip::NoKeyword => "no_keyword",
            Skip::KeywordLimit { .. } => "keyword_limit",
        }
    }
}

impl fmt::Display for Skip {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Skip::NotNewOpportunity {
                previous_message_at,
            } => write!(
                f,
                "not a new conversation: the previous message was at {previous_message_at}, less than 24 h before"
            ),
            Skip::InstantReplySent { at } => {
                write!(f, "this new message already had its instant reply, at {at}")
            }
            Skip::ChannelAvailable => f.write_str("the channel is open and not away"),
            Skip::AwayMessageSent { at, next_allowed } => write!(
                f,
                "an away message went to this conversation at {at}; the next may go from {next_allowed}"
            ),
            Skip::AgentReplied { at } => {
                write!(f, "a person answered at {at}, less than 5 minutes ago")
            }
            Skip::NoKeyword => f.write_str("no keyword matched"),
            Skip::KeywordLimit { limit } => write!(
                f,
                "the conversation already had its {limit} keyword replies"
            ),
        }
    }
}

/// The verdict of an automation.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "decision", rename_all = "snake_case")]
pub enum Decision {
    /// Send this message.
    Send(Outgoing),
    /// The customer asked for a person: no automated answer; route to the team.
    HandOver {
        /// The word that asked, as configured.
        word: String,
    },
    /// Send nothing, for this reason.
    Skip(Skip),
}

/// The instant reply: on a customer message that opens an opportunity (the spec's
/// definition, [`opens_opportunity`]), at most once per opportunity.
pub fn instant_reply(
    template: &Texts,
    facts: &Facts,
    schedule: Option<&Schedule>,
    now: Timestamp,
) -> Decision {
    if !opens_opportunity(facts.previous_message_at, facts.message_at) {
        return Decision::Skip(Skip::NotNewOpportunity {
            previous_message_at: facts.previous_message_at.unwrap_or_default(),
        });
    }
    // The instant reply itself ends the silence, so only a reply at or after this
    // message can be this opportunity's (a retried job, a duplicate delivery).
    if let Some(at) = facts.instant_reply_at.filter(|&t| t >= facts.message_at) {
        return Decision::Skip(Skip::InstantReplySent { at });
    }
    let back_at = back_at_text(facts, schedule, Availability::at(schedule, None, now), now);
    send(
        Automation::InstantReply,
        template,
        facts,
        schedule,
        back_at,
        now,
    )
}

/// The away message: when a person set the channel away (within 12 h) or it is
/// outside its hours; at most once per conversation in 24 h, and not within 5 minutes
/// of a person's answer. It says when the team is back, in the customer's time zone
/// when known, else the business's.
pub fn away_message(
    template: &Texts,
    facts: &Facts,
    schedule: Option<&Schedule>,
    manual: Option<ManualAway>,
    now: Timestamp,
) -> Decision {
    let availability = Availability::at(schedule, manual, now);
    let Availability::Away { reason, .. } = availability else {
        return Decision::Skip(Skip::ChannelAvailable);
    };
    if let Some(at) = facts.away_message_at
        && now.micros_since(at) < AWAY_MESSAGE_INTERVAL
    {
        return Decision::Skip(Skip::AwayMessageSent {
            at,
            next_allowed: at.add_micros(AWAY_MESSAGE_INTERVAL),
        });
    }
    if let Some(at) = facts.agent_reply_at
        && now.micros_since(at) < AGENT_QUIET
    {
        return Decision::Skip(Skip::AgentReplied { at });
    }
    let back_at = back_at_text(facts, schedule, availability, now);
    send(
        Automation::AwayMessage { reason },
        template,
        facts,
        schedule,
        back_at,
        now,
    )
}

/// A keyword reply: the first rule (in the configured order) with a keyword in the
/// message, up to the per-conversation limit. A message asking for a person gets no
/// keyword reply but [`Decision::HandOver`], whatever else it says.
pub fn keyword_reply(
    rules: &KeywordRules,
    message: &str,
    facts: &Facts,
    schedule: Option<&Schedule>,
    now: Timestamp,
) -> Decision {
    let words = words(message);
    if let Some(h) = rules.handover.iter().find(|h| contains(&words, &h.words)) {
        return Decision::HandOver {
            word: h.text.clone(),
        };
    }
    let found = rules.rules.iter().enumerate().find_map(|(i, rule)| {
        rule.keywords
            .iter()
            .find(|k| contains(&words, &k.words))
            .map(|k| (i, rule, k))
    });
    let Some((i, rule, keyword)) = found else {
        return Decision::Skip(Skip::NoKeyword);
    };
    if facts.keyword_replies >= rules.limit_per_conversation {
        return Decision::Skip(Skip::KeywordLimit {
            limit: rules.limit_per_conversation,
        });
    }
    let automation = Automation::KeywordReply {
        rule: i,
        keyword: keyword.text.clone(),
    };
    let back_at = back_at_text(facts, schedule, Availability::at(schedule, None, now), now);
    send(automation, &rule.reply, facts, schedule, back_at, now)
}

/// A keyword or phrase, kept as typed and as the words it matches.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Phrase {
    text: String,
    words: Vec<String>,
}

impl Phrase {
    fn new(text: &str) -> Result<Self, KeywordError> {
        let words = words(text);
        if words.is_empty() {
            return Err(KeywordError::NoWord(text.to_owned()));
        }
        Ok(Phrase {
            text: text.trim().to_owned(),
            words,
        })
    }
}

/// A keyword or hand-over word with no letter or digit in it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeywordError {
    /// Nothing to match.
    #[error("{0:?} has no letter or digit to match")]
    NoWord(String),
    /// A rule without keywords.
    #[error("a keyword reply needs at least one keyword")]
    NoKeywords,
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct KeywordRule {
    keywords: Vec<Phrase>,
    reply: Texts,
}

/// The keyword replies of a channel, and the words that hand over to a person.
///
/// Matching is on whole words, ignoring case and accents (`Livraison`, `LIVRAISON`
/// and `livraison` are the same word, and so are `expédition` and `expedition`),
/// whatever the punctuation around them. Only whole words match: `return` matches
/// "return?" but not "returns" or "returning", so a rule lists the forms it wants.
/// A keyword of several words (`opening hours`) matches those words in a row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeywordRules {
    rules: Vec<KeywordRule>,
    handover: Vec<Phrase>,
    /// The most keyword replies one conversation gets.
    pub limit_per_conversation: u32,
}

impl KeywordRules {
    /// No rules, the default hand-over words, and a limit per conversation.
    pub fn new(limit_per_conversation: u32) -> Self {
        KeywordRules {
            rules: Vec::new(),
            handover: DEFAULT_HANDOVER_WORDS
                .iter()
                .map(|w| Phrase::new(w).expect("default words have letters"))
                .collect(),
            limit_per_conversation,
        }
    }

    /// Adds a rule: any of `keywords` in a message answers with `reply`.
    pub fn add(&mut self, keywords: &[&str], reply: impl Into<Texts>) -> Result<(), KeywordError> {
        if keywords.is_empty() {
            return Err(KeywordError::NoKeywords);
        }
        let keywords = keywords
            .iter()
            .map(|k| Phrase::new(k))
            .collect::<Result<_, _>>()?;
        self.rules.push(KeywordRule {
            keywords,
            reply: reply.into(),
        });
        Ok(())
    }

    /// Replaces the hand-over words (an empty list turns the hand-over off).
    pub fn set_handover_words(&mut self, words: &[&str]) -> Result<(), KeywordError> {
        self.handover = words
            .iter()
            .map(|w| Phrase::new(w))
            .collect::<Result<_, _>>()?;
        Ok(())
    }
}

/// The words of a text as matching sees them: lower case, accents removed, split at
/// every character that is not a letter or a digit (spaces, punctuation, apostrophes).
pub fn words(text: &str) -> Vec<String> {
    let lower: String = text.chars().flat_map(char::to_lowercase).collect();
    let folded: String = lower.nfd().filter(|&c| !is_combining_mark(c)).collect();
    folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

fn contains(words: &[String], phrase: &[String]) -> bool {
    words.windows(phrase.len()).any(|w| w == phrase)
}

fn back_at_text(
    facts: &Facts,
    schedule: Option<&Schedule>,
    availability: Availability,
    now: Timestamp,
) -> Option<BackAt> {
    let Availability::Away {
        back_at: Some(at), ..
    } = availability
    else {
        return None;
    };
    let utc;
    let zone = match (facts.customer_zone.as_ref(), schedule) {
        (Some(z), _) => z,
        (None, Some(s)) => s.zone(),
        (None, None) => {
            utc = Zone::parse("UTC").expect("UTC is always known");
            &utc
        }
    };
    Some(BackAt::new(at, now, zone))
}

fn send(
    automation: Automation,
    template: &Texts,
    facts: &Facts,
    schedule: Option<&Schedule>,
    back_at: Option<BackAt>,
    now: Timestamp,
) -> Decision {
    let values = Values {
        first_name: facts.first_name.clone(),
        hours: schedule.map(|s| s.hours_at(now)),
        wait: facts.expected_wait,
        back_at: back_at.clone(),
    };
    Decision::Send(Outgoing {
        automation,
        text: template
            .for_language(facts.language.as_deref())
            .render(&values),
        back_at,
    })
}
