//! The engine through its public API: conformance cases and properties.

mod conformance;
mod properties;
mod support;
