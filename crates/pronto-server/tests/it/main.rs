//! The server through HTTP on a real port: one integration test binary.

mod accounts;
mod api;
mod at_rest;
mod automation;
mod batching;
mod browser;
mod caps;
mod customer_actions;
mod dashboard;
mod edge;
mod events;
mod graph;
mod integrations;
mod isolation;
mod meta;
mod nul;
mod outbox;
mod outgoing;
mod routing;
mod sandbox;
mod send_side;
mod settings_ui;
mod support;
mod ui;
mod webchat;
mod whatsapp;
