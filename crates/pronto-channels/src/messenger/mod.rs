//! Messenger and Instagram Messaging, which share Meta's webhook format.
//!
//! - [`parse_body`] reads a webhook POST body into the wire types of [`webhook`]; the
//!   live endpoint and the capture reader both use it.
//! - [`SendMetadata`] is what Pronto puts in a send's `metadata` so that the echo
//!   says who wrote the message.
//! - [`Outgoing`] is a reply as the Send API takes it, checked against Meta's
//!   content rules.
//! - [`history`] reads Meta's Conversations API (pages of conversations with their
//!   messages), the source of a history import.
//! - [`CaptureReader`] turns a capture file (one body per line) into the core's
//!   event log.

mod capture;
mod de;
pub mod error;
pub mod history;
mod metadata;
pub mod outgoing;
mod parse;
pub mod profile;
pub mod upload;
pub mod webhook;

pub use capture::{CaptureReader, PAGE_INBOX_APP_ID};
pub use metadata::SendMetadata;
pub use outgoing::{ContentError, Outgoing};
pub use parse::{WebhookError, parse_body};
pub use webhook::WebhookBody;

#[cfg(test)]
mod proptests;
