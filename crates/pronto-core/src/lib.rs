//! Pronto's pure core: the domain types and the responsiveness engine.
//!
//! Nothing here does IO, reads a clock or spawns a task: every function takes what it
//! needs (including `now`) as arguments, which is what makes the engine exact,
//! fast and testable.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod alerts;
pub mod analysis;
pub mod automation;
pub mod channel;
pub mod contact;
pub mod daily;
pub mod email;
pub mod event;
pub mod forecast;
pub mod hours;
pub mod jsonl;
pub mod language;
pub mod live;
pub mod multiset;
pub mod policy;
pub mod presence;
pub mod report;
pub mod routing;
pub mod rules;
pub mod search;
pub mod template;
pub mod text;
pub mod time;
pub mod view;
pub mod webchat;

pub use analysis::{Analysis, Exclusion, Opportunity, Status};
pub use event::{Author, ConvId, Event, EventKind, EventLog, Folder, Presence, Sender, Stream};
pub use live::LiveEngine;
pub use report::{Label, Report, Settings, Threshold};
pub use time::{Date, Timestamp};
