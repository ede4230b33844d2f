//! The engine through its public API: conformance cases and properties.

mod automation;
mod conformance;
mod hours;
mod properties;
mod support;
