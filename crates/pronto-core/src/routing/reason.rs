//! Why a conversation went to an agent, as data a UI can translate and as an English
//! sentence for the conversation's log.

use std::fmt;
use std::sync::Arc;

use super::{Assignment, Language};

/// Why the router chose an agent. Each variant carries what the sentence needs, so a
/// UI can render it in another language from `code` and the fields.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reason {
    /// Round robin: the agent's turn came.
    NextInTurn {
        /// The agent's load before this conversation.
        load: Load,
    },
    /// Least loaded: no available agent had fewer open conversations.
    LeastLoaded {
        /// The agent's load before this conversation.
        load: Load,
    },
    /// By skill: the least loaded of the available agents with the skills the
    /// conversation needs (none, when it has no known language and no labels).
    Skilled {
        /// The agent's load before this conversation.
        load: Load,
        /// What the conversation needed, and the agent has.
        skills: Arc<Skills>,
    },
    /// By skill with fallback: no available agent had the skills, so the least loaded
    /// available agent took it.
    Fallback {
        /// The agent's load before this conversation.
        load: Load,
        /// What the conversation needed, and no available agent had.
        wanted: Arc<Skills>,
    },
}

/// An agent's open conversations against their capacity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Load {
    /// Open conversations assigned to the agent.
    pub open: u32,
    /// The most they take.
    pub capacity: u32,
}

/// What a conversation needs of its agent: its contact's language, if known, and
/// every one of its labels.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct Skills {
    /// The language, from the contact's locale.
    pub language: Option<Language>,
    /// The labels, sorted, without duplicates.
    pub labels: Vec<String>,
}

impl Reason {
    /// A stable code for the API and the UI.
    pub fn code(&self) -> &'static str {
        match self {
            Reason::NextInTurn { .. } => "round_robin",
            Reason::LeastLoaded { .. } => "least_loaded",
            Reason::Skilled { .. } => "skills",
            Reason::Fallback { .. } => "skills_fallback",
        }
    }

    /// The agent's load before the assignment.
    pub fn load(&self) -> Load {
        match self {
            Reason::NextInTurn { load }
            | Reason::LeastLoaded { load }
            | Reason::Skilled { load, .. }
            | Reason::Fallback { load, .. } => *load,
        }
    }
}

impl Skills {
    /// Whether the conversation needs nothing in particular.
    pub fn is_empty(&self) -> bool {
        self.language.is_none() && self.labels.is_empty()
    }
}

impl fmt::Display for Reason {
    /// The part after "assigned to Ana: ", such as `least loaded (2 of 5 open), speaks
    /// French, handles billing`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::NextInTurn { load } => write!(f, "next in turn ({load})"),
            Reason::LeastLoaded { load } => write!(f, "least loaded ({load})"),
            Reason::Skilled { load, skills } => {
                write!(f, "least loaded ({load})")?;
                if let Some(language) = skills.language {
                    write!(f, ", speaks {language}")?;
                }
                if !skills.labels.is_empty() {
                    f.write_str(", handles ")?;
                    write_list(f, &skills.labels)?;
                }
                Ok(())
            }
            Reason::Fallback { load, wanted } => {
                write!(f, "least loaded ({load}); no available agent ")?;
                if let Some(language) = wanted.language {
                    write!(f, "speaks {language}")?;
                    if !wanted.labels.is_empty() {
                        f.write_str(" and ")?;
                    }
                }
                if !wanted.labels.is_empty() {
                    f.write_str("handles ")?;
                    write_list(f, &wanted.labels)?;
                }
                Ok(())
            }
        }
    }
}

impl fmt::Display for Load {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} of {} open", self.open, self.capacity)
    }
}

impl fmt::Display for Assignment {
    /// The sentence logged on the conversation: `assigned to Ana: least loaded (2 of 5
    /// open), speaks French`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "assigned to {}: {}", self.agent_name, self.reason)
    }
}

/// `a`, `a and b`, `a, b and c`.
fn write_list(f: &mut fmt::Formatter<'_>, items: &[String]) -> fmt::Result {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            f.write_str(if i + 1 == items.len() { " and " } else { ", " })?;
        }
        f.write_str(item)?;
    }
    Ok(())
}
