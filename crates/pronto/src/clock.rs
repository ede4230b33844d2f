//! The one place the binary reads the wall clock; the libraries take `now` as an
//! argument.

use std::time::{SystemTime, UNIX_EPOCH};

use pronto_core::Timestamp;

/// The current time.
pub fn now() -> Timestamp {
    let micros = match SystemTime::now().duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_micros()).unwrap_or(i64::MAX),
        Err(before) => -i64::try_from(before.duration().as_micros()).unwrap_or(i64::MAX),
    };
    Timestamp::from_micros(micros)
}
