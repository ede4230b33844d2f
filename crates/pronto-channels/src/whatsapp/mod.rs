//! The WhatsApp Cloud API's wire format.
//!
//! - [`parse_body`] reads a `whatsapp_business_account` webhook body into the types
//!   of [`webhook`]: customers' messages of every type, statuses with their pricing
//!   and errors, template status updates. It never panics.
//! - [`Outgoing`] is a reply as `POST /{phone-number-id}/messages` takes it (text,
//!   media, buttons, lists, reactions, quoted replies, templates), checked against
//!   WhatsApp's limits; [`outgoing::mark_read`] is the read receipt.
//! - [`upload`] checks an agent's file against WhatsApp's types and sizes and
//!   builds the media upload's body.
//! - [`errors`] says what each error code means and whether to retry.
//! - [`templates`] reads the account's templates (`message_templates`), their
//!   placeholders, and renders a preview.

pub mod errors;
pub mod outgoing;
mod parse;
pub mod templates;
pub mod upload;
pub mod webhook;

pub use outgoing::{ContentError, Outgoing};
pub use parse::{OBJECT, WebhookError, parse_body};
pub use webhook::WebhookBody;

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;
