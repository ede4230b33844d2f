//! Business hours through the public API: daylight saving, holidays, validation,
//! manual away, and properties tying `is_open`, `next_change` and `away_periods`.

use pronto_core::hours::{
    BackAt, Date, LocalTime, Range, Schedule, ScheduleError, ScheduleSpec, Weekday, Zone,
};
use pronto_core::presence::{Availability, AwayReason, ManualAway};
use pronto_core::time::{HOUR, MINUTE};
use pronto_core::{Presence, Timestamp};
use proptest::prelude::*;

fn ts(s: &str) -> Timestamp {
    Timestamp::parse(s).unwrap()
}

fn spec(zone: &str, days: [&[&str]; 7], holidays: &[&str]) -> ScheduleSpec {
    let v = |d: &[&str]| d.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let mut spec = ScheduleSpec {
        timezone: zone.into(),
        holidays: v(holidays),
        ..Default::default()
    };
    let w = &mut spec.weekly;
    for (slot, d) in [
        &mut w.monday,
        &mut w.tuesday,
        &mut w.wednesday,
        &mut w.thursday,
        &mut w.friday,
        &mut w.saturday,
        &mut w.sunday,
    ]
    .into_iter()
    .zip(days)
    {
        *slot = v(d);
    }
    spec
}

fn every_day(zone: &str, ranges: &[&str]) -> Schedule {
    Schedule::parse(&spec(zone, [ranges; 7], &[])).unwrap()
}

/// Mon–Fri 09:00–12:00 and 14:00–18:00.
fn office(zone: &str, holidays: &[&str]) -> Schedule {
    let day: &[&str] = &["09:00-12:00", "14:00-18:00"];
    Schedule::parse(&spec(zone, [day, day, day, day, day, &[], &[]], holidays)).unwrap()
}

/// The one open period of the local day holding `noon`.
fn period_around(s: &Schedule, noon: &str) -> (Timestamp, Timestamp) {
    let at = ts(noon);
    let periods = s.open_periods(at.add_micros(-12 * HOUR), at.add_micros(12 * HOUR));
    assert_eq!(periods.len(), 1, "{periods:?}");
    periods[0]
}

#[test]
fn paris_daylight_saving_days() {
    let s = every_day("Europe/Paris", &["08:00-18:00"]);
    // Winter (CET, +01:00), the spring-forward Sunday (CEST, +02:00), summer.
    assert_eq!(
        period_around(&s, "2026-03-28T12:00:00Z"),
        (ts("2026-03-28T07:00:00Z"), ts("2026-03-28T17:00:00Z"))
    );
    assert_eq!(
        period_around(&s, "2026-03-29T12:00:00Z"),
        (ts("2026-03-29T06:00:00Z"), ts("2026-03-29T16:00:00Z"))
    );
    // The fall-back Sunday is back on CET.
    assert_eq!(
        period_around(&s, "2026-10-24T12:00:00Z"),
        (ts("2026-10-24T06:00:00Z"), ts("2026-10-24T16:00:00Z"))
    );
    assert_eq!(
        period_around(&s, "2026-10-25T12:00:00Z"),
        (ts("2026-10-25T07:00:00Z"), ts("2026-10-25T17:00:00Z"))
    );
    assert!(s.is_open(ts("2026-03-29T06:00:00Z")));
    assert!(!s.is_open(ts("2026-03-29T05:59:59.999999Z")));
    assert!(!s.is_open(ts("2026-03-29T16:00:00Z")));
}

#[test]
fn new_york_daylight_saving_days() {
    let s = every_day("America/New_York", &["08:00-18:00"]);
    assert_eq!(
        period_around(&s, "2026-03-07T17:00:00Z"),
        (ts("2026-03-07T13:00:00Z"), ts("2026-03-07T23:00:00Z"))
    );
    assert_eq!(
        period_around(&s, "2026-03-08T17:00:00Z"),
        (ts("2026-03-08T12:00:00Z"), ts("2026-03-08T22:00:00Z"))
    );
    assert_eq!(
        period_around(&s, "2026-10-31T17:00:00Z"),
        (ts("2026-10-31T12:00:00Z"), ts("2026-10-31T22:00:00Z"))
    );
    assert_eq!(
        period_around(&s, "2026-11-01T17:00:00Z"),
        (ts("2026-11-01T13:00:00Z"), ts("2026-11-01T23:00:00Z"))
    );
    assert_eq!(
        s.next_change(ts("2026-11-01T12:00:00Z")),
        Some(ts("2026-11-01T13:00:00Z"))
    );
}

#[test]
fn skipped_and_repeated_wall_times_follow_the_compatible_rule() {
    // 02:30 does not exist in Paris on 2026-03-29: it is read with CET, i.e. 03:30 CEST.
    let sunday: &[&str] = &["02:30-05:00"];
    let s = Schedule::parse(&spec(
        "Europe/Paris",
        [&[], &[], &[], &[], &[], &[], sunday],
        &[],
    ))
    .unwrap();
    assert_eq!(
        period_around(&s, "2026-03-29T02:00:00Z"),
        (ts("2026-03-29T01:30:00Z"), ts("2026-03-29T03:00:00Z"))
    );
    // A range wholly inside the gap is empty that day.
    let gap: &[&str] = &["02:00-03:00"];
    let s = Schedule::parse(&spec(
        "Europe/Paris",
        [&[], &[], &[], &[], &[], &[], gap],
        &[],
    ))
    .unwrap();
    let day = s.open_periods(ts("2026-03-28T22:00:00Z"), ts("2026-03-29T22:00:00Z"));
    assert_eq!(day, vec![]);
    assert!(!s.is_open(ts("2026-03-29T01:00:00Z")));
    // ...but not the Sunday before.
    assert_eq!(
        period_around(&s, "2026-03-22T01:30:00Z"),
        (ts("2026-03-22T01:00:00Z"), ts("2026-03-22T02:00:00Z"))
    );
    // 02:30 happens twice in Paris on 2026-10-25: the first one (CEST) counts.
    let fold: &[&str] = &["00:00-02:30"];
    let s = Schedule::parse(&spec(
        "Europe/Paris",
        [&[], &[], &[], &[], &[], &[], fold],
        &[],
    ))
    .unwrap();
    assert_eq!(
        period_around(&s, "2026-10-25T00:00:00Z"),
        (ts("2026-10-24T22:00:00Z"), ts("2026-10-25T00:30:00Z"))
    );
    // New York's gap: 02:30 on 2026-03-08 is 03:30 EDT.
    let sunday: &[&str] = &["02:30-04:00"];
    let s = Schedule::parse(&spec(
        "America/New_York",
        [&[], &[], &[], &[], &[], &[], sunday],
        &[],
    ))
    .unwrap();
    assert_eq!(
        period_around(&s, "2026-03-08T07:30:00Z"),
        (ts("2026-03-08T07:30:00Z"), ts("2026-03-08T08:00:00Z"))
    );
}

#[test]
fn holidays_close_the_whole_local_day() {
    let s = office("Europe/Paris", &["2026-12-25"]);
    assert!(s.is_open(ts("2026-12-24T09:00:00Z")));
    assert!(!s.is_open(ts("2026-12-25T09:00:00Z")));
    assert!(s.hours_on(Date::parse("2026-12-25").unwrap()).holiday);
    assert_eq!(s.hours_at(ts("2026-12-25T09:00:00Z")).to_string(), "closed");
    assert_eq!(
        s.hours_at(ts("2026-12-24T09:00:00Z")).to_string(),
        "09:00–12:00, 14:00–18:00"
    );
    // Thursday 18:00 -> Monday 28th 09:00 CET, over the holiday and the weekend.
    assert_eq!(
        s.next_change(ts("2026-12-24T17:00:00Z")),
        Some(ts("2026-12-28T08:00:00Z"))
    );
    assert_eq!(
        s.next_open(ts("2026-12-25T10:00:00Z")),
        Some(ts("2026-12-28T08:00:00Z"))
    );
    // Always open but for a holiday far ahead: the holiday is the next change.
    let always = Schedule::parse(&spec(
        "Europe/Paris",
        [&["00:00-24:00"]; 7],
        &["2027-05-01"],
    ))
    .unwrap();
    assert_eq!(
        always.next_change(ts("2026-01-01T00:00:00Z")),
        Some(ts("2027-04-30T22:00:00Z"))
    );
    assert_eq!(
        always.next_change(ts("2027-05-01T00:00:00Z")),
        Some(ts("2027-05-01T22:00:00Z"))
    );
}

#[test]
fn schedules_that_never_change() {
    let always = every_day("UTC", &["00:00-24:00"]);
    assert!(always.is_open(ts("2026-06-01T00:00:00Z")));
    assert_eq!(always.next_change(ts("2026-06-01T00:00:00Z")), None);
    assert_eq!(
        always.away_periods(ts("2026-06-01T00:00:00Z"), ts("2026-07-01T00:00:00Z")),
        vec![]
    );
    let never = Schedule::parse(&spec("UTC", [&[]; 7], &[])).unwrap();
    assert_eq!(never.next_open(ts("2026-06-01T00:00:00Z")), None);
    // The engine's "beginning of time" does not panic.
    assert!(!never.is_open(Timestamp::from_micros(i64::MIN)));
}

#[test]
fn overnight_ranges_are_two_ranges_that_join() {
    let err = Schedule::parse(&spec(
        "Europe/Paris",
        [&["22:00-02:00"], &[], &[], &[], &[], &[], &[]],
        &[],
    ))
    .unwrap_err();
    assert!(matches!(
        err,
        ScheduleError::CrossesMidnight {
            day: Weekday::Monday,
            number: 1,
            ..
        }
    ));
    assert_eq!(
        err.to_string(),
        "Monday, range 1 (22:00–02:00): it ends before it starts; a range crossing midnight is two ranges, 22:00–24:00 on Monday and 00:00–02:00 on Tuesday"
    );
    let s = Schedule::parse(&spec(
        "UTC",
        [&["22:00-24:00"], &["00:00-02:00"], &[], &[], &[], &[], &[]],
        &[],
    ))
    .unwrap();
    // Monday 2026-03-02 23:00 -> open until Tuesday 02:00, with no change at midnight.
    assert_eq!(
        s.next_change(ts("2026-03-02T23:00:00Z")),
        Some(ts("2026-03-03T02:00:00Z"))
    );
    assert!(s.is_open(ts("2026-03-03T00:00:00Z")));
    let open = s.open_periods(ts("2026-03-02T00:00:00Z"), ts("2026-03-04T00:00:00Z"));
    assert_eq!(
        open,
        vec![(ts("2026-03-02T22:00:00Z"), ts("2026-03-03T02:00:00Z"))]
    );
}

#[test]
fn validation_names_the_day_and_the_range() {
    let err = |days: [&[&str]; 7], zone: &str, holidays: &[&str]| {
        Schedule::parse(&spec(zone, days, holidays))
            .unwrap_err()
            .to_string()
    };
    assert_eq!(
        err(
            [
                &[],
                &["14:00-18:00", "09:00-12:00", "11:00-13:00"],
                &[],
                &[],
                &[],
                &[],
                &[]
            ],
            "UTC",
            &[]
        ),
        "Tuesday: range 2 (09:00–12:00) and range 3 (11:00–13:00) overlap"
    );
    assert_eq!(
        err([&[], &[], &["9-12"], &[], &[], &[], &[]], "UTC", &[]),
        "Wednesday, range 1: \"9-12\" is not a range like 09:00-18:00"
    );
    assert_eq!(
        err([&[], &[], &[], &["10:00-10:00"], &[], &[], &[]], "UTC", &[]),
        "Thursday, range 1 (10:00–10:00): it ends when it starts, so it is empty"
    );
    assert!(
        err([&[], &[], &[], &[], &["24:30-25:00"], &[], &[]], "UTC", &[])
            .starts_with("Friday, range 1")
    );
    assert_eq!(
        err([&[]; 7], "Europe/Pariss", &[]),
        "unknown time zone \"Europe/Pariss\": expected an IANA name such as Europe/Paris or America/New_York"
    );
    assert_eq!(
        err([&[]; 7], "UTC", &["2026-02-30"]),
        "holiday 1: \"2026-02-30\" is not a date like 2026-12-25"
    );
    // Each error names the spec's field a form shows it beside.
    let field = |days: [&[&str]; 7], zone: &str, holidays: &[&str]| {
        Schedule::parse(&spec(zone, days, holidays))
            .unwrap_err()
            .field()
    };
    assert_eq!(
        field([&[], &["9-12"], &[], &[], &[], &[], &[]], "UTC", &[]),
        "weekly.tuesday"
    );
    assert_eq!(
        field([&[], &[], &[], &[], &[], &[], &["10:00-09:00"]], "UTC", &[]),
        "weekly.sunday"
    );
    assert_eq!(field([&[]; 7], "Mars/Olympus", &[]), "timezone");
    assert_eq!(field([&[]; 7], "UTC", &["soon"]), "holidays");
    // Touching ranges are fine; a stored spec with a misspelt day is refused by serde.
    assert!(Schedule::parse(&spec("UTC", [&["09:00-12:00", "12:00-13:00"]; 7], &[])).is_ok());
    let bad = r#"{"timezone":"UTC","weekly":{"munday":["09:00-12:00"]}}"#;
    assert!(serde_json::from_str::<ScheduleSpec>(bad).is_err());
    let good = r#"{"timezone":"europe/paris","weekly":{"monday":["09:00 – 12:00"]},"holidays":["2026-12-25"]}"#;
    let s = Schedule::parse(&serde_json::from_str(good).unwrap()).unwrap();
    assert_eq!(s.zone().name(), "Europe/Paris");
    assert_eq!(
        s.ranges(Weekday::Monday),
        &[Range {
            start: LocalTime::new(9, 0).unwrap(),
            end: LocalTime::new(12, 0).unwrap()
        }]
    );
}

#[test]
fn away_periods_and_status_changes() {
    let s = office("Europe/Paris", &[]);
    let (from, to) = (ts("2026-03-27T00:00:00Z"), ts("2026-03-31T00:00:00Z"));
    // Friday (CET) then Monday (CEST).
    assert_eq!(
        s.away_periods(from, to),
        vec![
            (from, ts("2026-03-27T08:00:00Z")),
            (ts("2026-03-27T11:00:00Z"), ts("2026-03-27T13:00:00Z")),
            (ts("2026-03-27T17:00:00Z"), ts("2026-03-30T07:00:00Z")),
            (ts("2026-03-30T10:00:00Z"), ts("2026-03-30T12:00:00Z")),
            (ts("2026-03-30T16:00:00Z"), to),
        ]
    );
    let changes = s.status_changes(from, to);
    assert_eq!(changes[0], (from, Presence::Away));
    assert_eq!(
        changes[1],
        (ts("2026-03-27T08:00:00Z"), Presence::Available)
    );
    assert_eq!(changes.len(), 9);
    assert_eq!(
        changes.last(),
        Some(&(ts("2026-03-30T16:00:00Z"), Presence::Away))
    );
    let open_at_start = s.status_changes(ts("2026-03-27T09:00:00Z"), ts("2026-03-27T10:00:00Z"));
    assert_eq!(
        open_at_start,
        vec![(ts("2026-03-27T09:00:00Z"), Presence::Available)]
    );
}

#[test]
fn back_at_in_the_customers_zone() {
    let s = office("Europe/Paris", &[]);
    let now = ts("2026-03-27T18:00:00Z"); // Friday 19:00 in Paris
    let back = s.next_open(now).unwrap();
    assert_eq!(back, ts("2026-03-30T07:00:00Z"));
    let paris = BackAt::new(back, now, s.zone());
    assert_eq!(
        (paris.weekday, paris.to_string()),
        (Weekday::Monday, "Monday at 09:00".into())
    );
    let ny = BackAt::new(back, now, &Zone::parse("America/New_York").unwrap());
    assert_eq!(ny.to_string(), "Monday at 03:00");
    let tokyo = BackAt::new(back, now, &Zone::parse("Asia/Tokyo").unwrap());
    assert_eq!(tokyo.to_string(), "Monday at 16:00");
    let lunch = ts("2026-03-27T11:30:00Z");
    assert_eq!(
        BackAt::new(s.next_open(lunch).unwrap(), lunch, s.zone()).to_string(),
        "today at 14:00"
    );
    let thursday = ts("2026-03-26T18:00:00Z");
    assert_eq!(
        BackAt::new(s.next_open(thursday).unwrap(), thursday, s.zone()).to_string(),
        "tomorrow at 09:00"
    );
    let far = BackAt::new(ts("2026-04-10T07:00:00Z"), now, s.zone());
    assert_eq!(far.to_string(), "Friday 2026-04-10 at 09:00");
}

#[test]
fn manual_away_ends_by_itself_after_12_hours() {
    let set = ts("2026-03-27T08:30:00Z");
    let away = ManualAway::from_latest(Some((set, Presence::Away))).unwrap();
    assert_eq!(away.ends_at(), ts("2026-03-27T20:30:00Z"));
    assert!(away.is_active(set));
    assert!(away.is_active(ts("2026-03-27T20:29:59.999999Z")));
    assert!(!away.is_active(ts("2026-03-27T20:30:00Z")));
    assert_eq!(
        ManualAway::from_latest(Some((set, Presence::Available))),
        None
    );
    // Without hours: away until the 12 hours end, then available.
    assert_eq!(
        Availability::at(None, Some(away), ts("2026-03-27T12:00:00Z")),
        Availability::Away {
            reason: AwayReason::Manual,
            back_at: Some(away.ends_at())
        }
    );
    assert_eq!(
        Availability::at(None, Some(away), away.ends_at()),
        Availability::Available
    );
    // With hours: the manual away ends at 20:30 UTC, after closing; back Monday.
    let s = office("Europe/Paris", &[]);
    assert_eq!(
        Availability::at(Some(&s), Some(away), ts("2026-03-27T12:00:00Z")),
        Availability::Away {
            reason: AwayReason::Manual,
            back_at: Some(ts("2026-03-30T07:00:00Z"))
        }
    );
    let after = Availability::at(Some(&s), Some(away), away.ends_at());
    assert_eq!(
        after,
        Availability::Away {
            reason: AwayReason::OutsideHours,
            back_at: Some(ts("2026-03-30T07:00:00Z"))
        }
    );
    assert_eq!(after.presence(), Presence::Away);
    assert_eq!(
        Availability::at(Some(&s), None, ts("2026-03-30T07:00:00Z")),
        Availability::Available
    );
}

/// Random weekly schedules: up to three ranges a day on half-hour marks, in zones with
/// daylight saving (Lord Howe's is 30 minutes; Santiago changes at midnight).
fn arb_schedule() -> impl Strategy<Value = Schedule> {
    let zones = [
        "Europe/Paris",
        "America/New_York",
        "Australia/Lord_Howe",
        "America/Santiago",
        "UTC",
    ];
    // Ranges are either apart or touching (`09:00-12:00`, `12:00-14:00`), and often
    // reach midnight at either end, so that periods join within and across days.
    let time = |mark: u16| LocalTime::new((mark / 2) as u8, (mark % 2 * 30) as u8).unwrap();
    let day = (
        proptest::collection::btree_set(0u16..=48, 0..=6),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(move |(marks, touching, to_midnight)| {
            let mut marks: Vec<u16> = marks.into_iter().collect();
            if to_midnight {
                marks.retain(|&m| m != 0 && m != 48);
                marks.insert(0, 0);
                marks.push(48);
            }
            let pairs: Vec<&[u16]> = if touching {
                marks.windows(2).collect()
            } else {
                marks.chunks_exact(2).collect()
            };
            pairs
                .into_iter()
                .map(|p| Range {
                    start: time(p[0]),
                    end: time(p[1]),
                })
                .collect::<Vec<_>>()
        });
    (
        proptest::sample::select(zones.to_vec()),
        proptest::array::uniform7(day),
        proptest::collection::vec(0i64..120, 0..3),
    )
        .prop_map(|(zone, weekly, holidays)| {
            let base = Date::parse("2026-01-01").unwrap().days_since_epoch();
            let holidays = holidays
                .into_iter()
                .map(|d| Date::from_days(base + d))
                .collect();
            Schedule::new(Zone::parse(zone).unwrap(), weekly, holidays).unwrap()
        })
}

/// Instants in the first 120 days of 2026, on half-hour marks or anywhere.
fn arb_instant() -> impl Strategy<Value = Timestamp> {
    let start = ts("2026-01-01T00:00:00Z").micros();
    prop_oneof![
        (0i64..120 * 48).prop_map(move |k| Timestamp::from_micros(start + k * 30 * MINUTE)),
        (0i64..120 * 24 * HOUR).prop_map(move |us| Timestamp::from_micros(start + us)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn is_open_agrees_with_away_periods(s in arb_schedule(), at in arb_instant(), len in 1i64..(10 * 24 * HOUR)) {
        let to = at.add_micros(len);
        let away = s.away_periods(at, to);
        let open = s.open_periods(at, to);
        // Open and away periods tile [at, to) exactly.
        let mut all: Vec<_> = away.iter().chain(&open).copied().collect();
        all.sort();
        let mut cursor = at;
        for &(a, b) in &all {
            prop_assert_eq!(a, cursor);
            prop_assert!(a < b);
            cursor = b;
        }
        prop_assert_eq!(cursor, to);
        for &(a, b) in &away {
            prop_assert!(!s.is_open(a));
            prop_assert!(!s.is_open(b.add_micros(-1)));
        }
        for &(a, b) in &open {
            prop_assert!(s.is_open(a));
            prop_assert!(s.is_open(b.add_micros(-1)));
        }
    }

    #[test]
    fn next_change_is_the_first_flip(s in arb_schedule(), at in arb_instant()) {
        let now_open = s.is_open(at);
        match s.next_change(at) {
            Some(change) => {
                prop_assert!(change > at);
                prop_assert_ne!(s.is_open(change), now_open);
                // Nothing flips before it: the open/away periods from `at` to it are one.
                let periods = if now_open { s.open_periods(at, change) } else { s.away_periods(at, change) };
                prop_assert_eq!(periods, vec![(at, change)]);
                if !now_open {
                    prop_assert_eq!(s.next_open(at), Some(change));
                }
            }
            None => {
                // Never changes: the same for the next 60 days at least.
                let far = at.add_micros(60 * 24 * HOUR);
                let same = if now_open { s.open_periods(at, far) } else { s.away_periods(at, far) };
                prop_assert_eq!(same, vec![(at, far)]);
            }
        }
    }
}
