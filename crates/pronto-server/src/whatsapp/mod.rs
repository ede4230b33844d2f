//! WhatsApp channels (the Cloud API). Webhooks arrive at Meta's endpoint
//! (`meta::receive`, the same signature check and durable acknowledgement) and the
//! same worker claims them; [`webhook`] reads them. Replies leave through the one
//! reply path and the delivery worker, which hands them to [`cloud`]. [`templates`]
//! keeps the account's message templates; [`media`] fetches the files customers
//! send into Pronto's own store.

pub mod cloud;
pub mod media;
pub mod templates;
pub mod webhook;
