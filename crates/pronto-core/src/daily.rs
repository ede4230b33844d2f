//! The daily series: the report as of the end of each day, for trend charts.

use crate::event::Stream;
use crate::live::LiveEngine;
use crate::report::{Report, Settings};
use crate::time::{Date, Timestamp};

/// One day's report.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DailyPoint {
    /// The day (UTC).
    pub date: Date,
    /// The report as of the day's last microsecond.
    pub report: Report,
}

/// The report at the end of each day from `from` to `to` (inclusive, UTC), in one pass
/// over the stream: the live engine is fed the events in order and read at each
/// day's end. Days that start after `now` are left out, and the day holding `now` is
/// reported as of `now`.
pub fn daily(
    stream: &Stream,
    from: Date,
    to: Date,
    now: Timestamp,
    settings: Settings,
) -> Vec<DailyPoint> {
    let events = stream.until(to.end().min(now));
    let mut live = LiveEngine::new(settings);
    let mut next = 0;
    let mut points = Vec::new();
    let mut date = from;
    while date <= to && date.start() <= now {
        let end = date.end().min(now);
        while let Some(event) = events.get(next).filter(|e| e.at <= end) {
            live.push(event).expect("a stream is in order");
            next += 1;
        }
        points.push(DailyPoint {
            date,
            report: live.report_at(end),
        });
        date = date.succ();
    }
    points
}
