//! The server through HTTP on a real port: one integration test binary.

mod api;
mod events;
mod isolation;
mod outbox;
mod support;
