//! The channel's effective presence: a person's away status, which ends by itself
//! after 12 hours, combined with the business hours.
//!
//! Setting the channel available again simply ends the manual away (the server then
//! keeps no [`ManualAway`]); it does not open the channel outside its hours.

use crate::analysis::AWAY_LIMIT;
use crate::event::Presence;
use crate::hours::Schedule;
use crate::time::Timestamp;

/// A person set the channel away at `set_at`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ManualAway {
    set_at: Timestamp,
}

impl ManualAway {
    /// Away since `set_at`.
    pub fn new(set_at: Timestamp) -> Self {
        ManualAway { set_at }
    }

    /// From the latest manual status event: away if it was `Away`.
    pub fn from_latest(status: Option<(Timestamp, Presence)>) -> Option<Self> {
        match status {
            Some((at, Presence::Away)) => Some(ManualAway::new(at)),
            _ => None,
        }
    }

    /// When it was set.
    pub fn set_at(self) -> Timestamp {
        self.set_at
    }

    /// When it ends by itself: [`AWAY_LIMIT`] (12 h) after it was set, the same rule
    /// the responsiveness engine applies.
    pub fn ends_at(self) -> Timestamp {
        self.set_at.add_micros(AWAY_LIMIT)
    }

    /// Whether it is in force at `at`.
    pub fn is_active(self, at: Timestamp) -> bool {
        self.set_at <= at && at < self.ends_at()
    }
}

/// Why the channel is away.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AwayReason {
    /// A person set it away (within the last 12 hours).
    Manual,
    /// Outside the business hours (a holiday included).
    OutsideHours,
}

/// The channel's presence at an instant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Availability {
    /// Open, and nobody set it away.
    Available,
    /// Away.
    Away {
        /// Why (a manual away wins when both apply).
        reason: AwayReason,
        /// When it is available again: the manual away's end, then the next opening;
        /// `None` if the schedule never opens again.
        back_at: Option<Timestamp>,
    },
}

impl Availability {
    /// The channel's presence at `at`, given its hours (if it has any) and the latest
    /// manual away (if one was set and not ended by an `available`).
    pub fn at(schedule: Option<&Schedule>, manual: Option<ManualAway>, at: Timestamp) -> Self {
        let (reason, from) = match manual {
            Some(m) if m.is_active(at) => (AwayReason::Manual, m.ends_at()),
            _ if schedule.is_some_and(|s| !s.is_open(at)) => (AwayReason::OutsideHours, at),
            _ => return Availability::Available,
        };
        let back_at = match schedule {
            Some(s) => s.next_open(from),
            None => Some(from),
        };
        Availability::Away { reason, back_at }
    }

    /// The presence the engine's status events speak of.
    pub fn presence(self) -> Presence {
        match self {
            Availability::Available => Presence::Available,
            Availability::Away { .. } => Presence::Away,
        }
    }
}
