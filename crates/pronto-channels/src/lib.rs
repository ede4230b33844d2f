//! Pronto's channels: how each messaging platform talks to us and how we talk back
//! (Messenger and Instagram, WhatsApp, email), and Meta's signatures they share.
//!
//! One module per channel holds its wire types, its webhook parsing and the readers
//! that turn captured traffic into the core's [`pronto_core::EventLog`]. Nothing here
//! does IO: callers hand in bytes, so the same parsing serves the live webhook
//! endpoint, the report command and the tests.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod email;
pub mod messenger;
pub mod multipart;
pub mod signature;
pub mod whatsapp;
