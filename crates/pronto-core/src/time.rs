//! Instants and spans with microsecond precision, and RFC 3339 parsing and printing.
//!
//! The engine's results are exact to the microsecond, so time is an integer count of
//! microseconds since the Unix epoch. Parsing is hand-written: `pronto report` reads
//! hundreds of megabytes of timestamps, and a general date library would cost more than
//! the rest of the line.

use std::fmt;

/// Microseconds in one second.
pub const MICROS_PER_SECOND: i64 = 1_000_000;
/// Microseconds in one minute.
pub const MINUTE: i64 = 60 * MICROS_PER_SECOND;
/// Microseconds in one hour.
pub const HOUR: i64 = 60 * MINUTE;
/// Microseconds in 24 hours: the silence that opens a new opportunity.
pub const DAY: i64 = 24 * HOUR;

/// An instant, in microseconds since 1970-01-01T00:00:00Z.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Timestamp(i64);

/// Why a string is not an RFC 3339 timestamp.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("bad timestamp {text:?}: {reason}")]
pub struct TimestampError {
    text: String,
    reason: &'static str,
}

impl Timestamp {
    /// The instant `micros` microseconds after the Unix epoch.
    pub const fn from_micros(micros: i64) -> Self {
        Timestamp(micros)
    }

    /// The instant `millis` milliseconds after the Unix epoch (Meta's webhook timestamps).
    pub const fn from_millis(millis: i64) -> Self {
        Timestamp(millis.saturating_mul(1000))
    }

    /// Microseconds since the Unix epoch.
    pub const fn micros(self) -> i64 {
        self.0
    }

    /// This instant moved by `micros` microseconds (saturating at the ends of time).
    pub const fn add_micros(self, micros: i64) -> Self {
        Timestamp(self.0.saturating_add(micros))
    }

    /// Microseconds from `earlier` to `self` (negative when `earlier` is later).
    pub const fn micros_since(self, earlier: Timestamp) -> i64 {
        self.0.saturating_sub(earlier.0)
    }

    /// Parses an RFC 3339 date-time with an offset, such as `2026-03-01T10:00:00Z` or
    /// `2026-03-01T11:00:00.250+01:00`. Digits past the microsecond are dropped (the
    /// instant is rounded towards the past), and leap seconds are refused.
    pub fn parse(text: &str) -> Result<Self, TimestampError> {
        parse_rfc3339(text.as_bytes()).map_err(|reason| TimestampError {
            text: text.to_owned(),
            reason,
        })
    }

    /// The UTC calendar date of this instant.
    pub fn date(self) -> Date {
        let days = self.0.div_euclid(DAY);
        Date::from_days(days)
    }
}

impl fmt::Display for Timestamp {
    /// Prints `YYYY-MM-DDTHH:MM:SS[.ffffff]Z` in UTC, with a fraction only when it is not
    /// zero and without its trailing zeros.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let days = self.0.div_euclid(DAY);
        let in_day = self.0.rem_euclid(DAY);
        let date = Date::from_days(days);
        let secs = in_day / MICROS_PER_SECOND;
        let frac = in_day % MICROS_PER_SECOND;
        write!(
            f,
            "{date}T{:02}:{:02}:{:02}",
            secs / 3600,
            secs / 60 % 60,
            secs % 60
        )?;
        if frac != 0 {
            let mut digits = format!("{frac:06}");
            while digits.ends_with('0') {
                digits.pop();
            }
            write!(f, ".{digits}")?;
        }
        f.write_str("Z")
    }
}

impl serde::Serialize for Timestamp {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl std::str::FromStr for Timestamp {
    type Err = TimestampError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Timestamp::parse(s)
    }
}

/// A proleptic Gregorian calendar date.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: i32,
    month: u8,
    day: u8,
}

impl Date {
    /// The date `year-month-day`, if it exists.
    pub fn new(year: i32, month: u8, day: u8) -> Option<Self> {
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        Some(Date { year, month, day })
    }

    /// Parses `YYYY-MM-DD`.
    pub fn parse(text: &str) -> Option<Self> {
        let b = text.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let year = digits(&b[0..4])? as i32;
        let month = digits(&b[5..7])? as u8;
        let day = digits(&b[8..10])? as u8;
        Date::new(year, month, day)
    }

    /// The year.
    pub fn year(self) -> i32 {
        self.year
    }

    /// The month, 1 to 12.
    pub fn month(self) -> u8 {
        self.month
    }

    /// The day of the month, from 1.
    pub fn day(self) -> u8 {
        self.day
    }

    /// Days since 1970-01-01 of this date.
    pub fn days_since_epoch(self) -> i64 {
        days_from_civil(self.year as i64, self.month as i64, self.day as i64)
    }

    /// The date `days` days after 1970-01-01.
    pub fn from_days(days: i64) -> Self {
        let (y, m, d) = civil_from_days(days);
        Date {
            year: y as i32,
            month: m as u8,
            day: d as u8,
        }
    }

    /// The first instant of this date, in UTC.
    pub fn start(self) -> Timestamp {
        Timestamp(self.days_since_epoch() * DAY)
    }

    /// The last microsecond of this date, in UTC: the `now` of an end-of-day report,
    /// since events at `now` count and events at the next midnight belong to the next day.
    pub fn end(self) -> Timestamp {
        Timestamp((self.days_since_epoch() + 1) * DAY - 1)
    }

    /// The next calendar date.
    pub fn succ(self) -> Self {
        Date::from_days(self.days_since_epoch() + 1)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl serde::Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        _ => 28,
    }
}

/// Days since 1970-01-01 of a civil date, counting in 400-year eras whose years start
/// on March 1st so that the leap day falls at the end of the year.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let year_of_era = y - era * 400;
    let month_from_march = (m + 9) % 12;
    let day_of_year = (153 * month_from_march + 2) / 5 + d - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The inverse of [`days_from_civil`].
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z - era * 146_097;
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let d = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    let m = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    };
    let y = year_of_era + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

fn digits(b: &[u8]) -> Option<u32> {
    let mut n = 0u32;
    for &c in b {
        if !c.is_ascii_digit() {
            return None;
        }
        n = n * 10 + u32::from(c - b'0');
    }
    Some(n)
}

fn parse_rfc3339(b: &[u8]) -> Result<Timestamp, &'static str> {
    const SHAPE: &str = "expected YYYY-MM-DDTHH:MM:SS[.fraction] followed by Z or ±HH:MM";
    if b.len() < 20 {
        return Err(SHAPE);
    }
    if b[4] != b'-'
        || b[7] != b'-'
        || !matches!(b[10], b'T' | b't')
        || b[13] != b':'
        || b[16] != b':'
    {
        return Err(SHAPE);
    }
    let year = digits(&b[0..4]).ok_or(SHAPE)? as i32;
    let month = digits(&b[5..7]).ok_or(SHAPE)? as u8;
    let day = digits(&b[8..10]).ok_or(SHAPE)? as u8;
    let hour = digits(&b[11..13]).ok_or(SHAPE)? as i64;
    let minute = digits(&b[14..16]).ok_or(SHAPE)? as i64;
    let second = digits(&b[17..19]).ok_or(SHAPE)? as i64;
    let date = Date::new(year, month, day).ok_or("no such date")?;
    if hour > 23 || minute > 59 {
        return Err("time of day out of range");
    }
    if second == 60 {
        return Err("leap seconds are not supported");
    }
    if second > 59 {
        return Err("time of day out of range");
    }
    let mut i = 19;
    let mut micros = 0i64;
    if b[i] == b'.' {
        i += 1;
        let start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            if i - start < 6 {
                micros = micros * 10 + i64::from(b[i] - b'0');
            }
            i += 1;
        }
        let n = i - start;
        if n == 0 {
            return Err("a fraction needs at least one digit");
        }
        for _ in n..6 {
            micros *= 10;
        }
    }
    let offset_minutes = match &b[i..] {
        [b'Z' | b'z'] => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let oh = digits(&[*h1, *h2]).ok_or(SHAPE)? as i64;
            let om = digits(&[*m1, *m2]).ok_or(SHAPE)? as i64;
            if oh > 23 || om > 59 {
                return Err("offset out of range");
            }
            let total = oh * 60 + om;
            if *sign == b'-' { -total } else { total }
        }
        [] => return Err("missing offset (Z or ±HH:MM)"),
        _ => return Err(SHAPE),
    };
    let local = date.days_since_epoch() * DAY
        + hour * HOUR
        + minute * MINUTE
        + second * MICROS_PER_SECOND
        + micros;
    Ok(Timestamp(local - offset_minutes * MINUTE))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        Timestamp::parse(s).unwrap()
    }

    #[test]
    fn parses_offsets_and_fractions() {
        assert_eq!(ts("1970-01-01T00:00:00Z").micros(), 0);
        assert_eq!(ts("1970-01-01T00:00:01.5Z").micros(), 1_500_000);
        assert_eq!(
            ts("2026-03-01T11:00:00.250+01:00"),
            ts("2026-03-01T10:00:00.25Z")
        );
        assert_eq!(
            ts("2026-03-09T02:17:03.873138-05:00"),
            ts("2026-03-09T07:17:03.873138Z")
        );
        assert_eq!(ts("2026-03-01t10:00:00z"), ts("2026-03-01T10:00:00Z"));
        // Digits past the microsecond are dropped.
        assert_eq!(
            ts("2026-03-01T10:00:00.1234569Z"),
            ts("2026-03-01T10:00:00.123456Z")
        );
        assert_eq!(ts("1969-12-31T23:59:59.999999Z").micros(), -1);
    }

    #[test]
    fn refuses_bad_timestamps() {
        for bad in [
            "",
            "2026-03-01",
            "2026-03-01T10:00:00",
            "2026-02-29T10:00:00Z",
            "2026-13-01T10:00:00Z",
            "2026-03-01T24:00:00Z",
            "2026-03-01T10:60:00Z",
            "2026-03-01T10:00:60Z",
            "2026-03-01T10:00:00.Z",
            "2026-03-01T10:00:00+0100",
            "2026-03-01T10:00:00+24:00",
            "2026-03-01 10:00:00Z",
            "2026-03-01T10:00:00Zjunk",
            "２026-03-01T10:00:00Z",
        ] {
            assert!(Timestamp::parse(bad).is_err(), "{bad:?} should be refused");
        }
        assert!(Timestamp::parse("2024-02-29T10:00:00Z").is_ok());
    }

    #[test]
    fn prints_utc_with_trimmed_fraction() {
        assert_eq!(
            ts("2026-03-23T13:18:28.246550Z").to_string(),
            "2026-03-23T13:18:28.24655Z"
        );
        assert_eq!(
            ts("2026-03-01T11:00:00+01:00").to_string(),
            "2026-03-01T10:00:00Z"
        );
        assert_eq!(
            Timestamp::from_micros(-1).to_string(),
            "1969-12-31T23:59:59.999999Z"
        );
    }

    #[test]
    fn calendar_round_trips() {
        for days in (-800_000..800_000).step_by(97) {
            let date = Date::from_days(days);
            assert_eq!(date.days_since_epoch(), days);
            assert_eq!(Date::parse(&date.to_string()).filter(|_| date.year >= 0), {
                if date.year >= 0 && date.year <= 9999 {
                    Some(date)
                } else {
                    None
                }
            });
        }
        let d = Date::parse("2026-03-01").unwrap();
        assert_eq!(d.start(), ts("2026-03-01T00:00:00Z"));
        assert_eq!(d.end(), ts("2026-03-01T23:59:59.999999Z"));
        assert_eq!(
            Date::parse("2024-02-28").unwrap().succ().to_string(),
            "2024-02-29"
        );
    }
}
