//! The daily series: the report as of the end of each day, for trend charts.

use crate::event::Stream;
use crate::live::LiveEngine;
use crate::report::{Report, Settings};
use crate::time::Date;

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
/// day's end.
pub fn daily(stream: &Stream, from: Date, to: Date, settings: Settings) -> Vec<DailyPoint> {
    let events = stream.until(to.end());
    let mut live = LiveEngine::new(settings);
    let mut next = 0;
    let mut points = Vec::new();
    let mut date = from;
    while date <= to {
        let end = date.end();
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
