//! Building streams for tests.

use pronto_core::{EventLog, Stream, Timestamp, jsonl};

/// Parses JSON Lines into a stream, panicking on a bad line (tests write good ones).
pub fn stream_from_lines<S: AsRef<str>>(lines: &[S]) -> Stream {
    let mut log = EventLog::new();
    for (i, line) in lines.iter().enumerate() {
        jsonl::parse_line(&mut log, i + 1, line.as_ref().as_bytes()).expect("test line parses");
    }
    log.into_stream()
}

/// `2026-03-01T09:00:00Z` plus `minutes` (fractions allowed, to the microsecond).
pub fn at(minutes: f64) -> Timestamp {
    let base = Timestamp::parse("2026-03-01T09:00:00Z").unwrap();
    base.add_micros((minutes * 60_000_000.0).round() as i64)
}

/// The directory of the shared conformance cases.
pub fn fixtures_dir() -> std::path::PathBuf {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/fixtures/responsiveness");
    assert!(
        dir.is_dir(),
        "the conformance cases are missing: expected {} (the shared/ folder beside the repository)",
        dir.display()
    );
    dir
}
