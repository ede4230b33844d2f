//! The sandbox through HTTP on a real port: one integration test binary.

mod conversations;
mod customers;
mod send;
mod support;
mod whatsapp;
