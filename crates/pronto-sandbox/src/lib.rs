//! Meta's side of Messenger, Instagram and WhatsApp, on loopback: a fake Graph API
//! that answers like Meta (the Send API with its rules, the Conversations API, the
//! WhatsApp Cloud API with its window and templates) and simulated customers who
//! send signed webhooks to Pronto.
//!
//! Everything runs from one [`Sandbox`]: its [`Sandbox::router`] can be mounted on any
//! listener, and its state (pages, customers, history, the request log, scripted
//! errors, echoes waiting to go out) sits behind one mutex that tests read. Time
//! comes from an injected [`Clock`], so the 24-hour and 7-day rules can be tested at
//! their edges; customers come from a seed, so a run can be reproduced.
#![forbid(unsafe_code)]

mod api;
mod avatar;
mod conversations;
mod echoes;
mod error;
mod ids;
mod profiles;
mod rules;
mod sandbox;
mod simulator;
mod state;
pub mod webhook;
mod whatsapp;

use std::sync::Arc;

pub use api::appsecret_proof;
pub use avatar::picture as profile_picture;
pub use echoes::Delivered;
pub use error::{GraphError, SandboxError};
pub use sandbox::{LoggedRequest, PageConfig, Platform, Sandbox, SeedMessage};
pub use simulator::{
    EventKind, Pace, Sent, Simulator, Summary, WaKind, WaMessage, WaSent, WhatsAppSimulator,
};
pub use webhook::{Event, build, sign};
pub use whatsapp::{WaCustomerMessage, WhatsAppNumber, text_body as whatsapp_text_body};

/// The current time in microseconds since the Unix epoch.
pub type Clock = Arc<dyn Fn() -> i64 + Send + Sync>;

/// The wall clock.
pub fn system_clock() -> Clock {
    Arc::new(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_micros()).unwrap_or(i64::MAX))
    })
}

/// Meta's Graph API version that the sandbox also answers under (`/v25.0/...`).
pub const GRAPH_VERSION: &str = "v25.0";

/// A microsecond.
pub const HOUR: i64 = 3_600_000_000;
/// 24 hours, the messaging window.
pub const DAY: i64 = 24 * HOUR;
