//! Properties of the engine over generated channels.
//!
//! Times are drawn from a few days of minutes chosen to land on the spec's edges:
//! ties, exact 24 h gaps, the 12 h end of away, one microsecond either side.

use pronto_core::forecast::Deadline;
use pronto_core::report::Threshold;
use pronto_core::{Analysis, LiveEngine, Settings, Status, Timestamp};
use proptest::prelude::*;

use crate::support::{at, stream_from_lines};

#[derive(Clone, Debug)]
enum Kind {
    Customer,
    Business(&'static str),
    Status(&'static str),
    Folder(&'static str),
}

#[derive(Clone, Debug)]
struct Spec {
    conv: u8,
    minute: f64,
    kind: Kind,
}

fn kind() -> impl Strategy<Value = Kind> {
    prop_oneof![
        8 => Just(Kind::Customer),
        3 => Just(Kind::Business("agent")),
        2 => Just(Kind::Business("bot")),
        2 => Just(Kind::Business("automation")),
        2 => Just(Kind::Status("away")),
        1 => Just(Kind::Status("available")),
        1 => Just(Kind::Folder("inbox")),
        1 => Just(Kind::Folder("done")),
        1 => Just(Kind::Folder("spam")),
    ]
}

fn minute() -> impl Strategy<Value = f64> {
    let edge = prop_oneof![
        Just(0.0),
        Just(1.0),
        Just(4.0),
        Just(15.0),
        Just(20.0),
        Just(60.0),
        Just(720.0),
        Just(1439.0),
        Just(1440.0),
        Just(1440.0 - 1.0 / 60_000_000.0),
        Just(1440.0 + 1.0 / 60_000_000.0),
    ];
    // Mostly a few days (dense: ties and 24 h edges); sometimes 80 days, so that the
    // 30-day window and its "latest ten" fallback are at stake.
    let half_days = prop_oneof![3 => 0u32..12, 1 => 0u32..160];
    (half_days, edge, 0u32..3).prop_map(|(half_days, edge, jitter)| {
        f64::from(half_days) * 720.0 + edge + f64::from(jitter) * 7.0
    })
}

fn specs(max: usize) -> impl Strategy<Value = Vec<Spec>> {
    proptest::collection::vec(
        (0u8..4, minute(), kind()).prop_map(|(conv, minute, kind)| Spec { conv, minute, kind }),
        0..max,
    )
}

/// A channel that mostly answers within minutes, with messages still waiting near the
/// end: the shape in which the badge, and so a deadline, is at stake.
fn responsive_channel() -> impl Strategy<Value = Vec<Spec>> {
    let answered = proptest::collection::vec(
        (
            0f64..4300.0,
            prop_oneof![20 => (0f64..16.0).prop_map(Some), 1 => Just(None)],
        ),
        1..40,
    );
    let waiting = proptest::collection::vec(4380f64..4400.0, 1..4);
    (answered, waiting).prop_map(|(answered, waiting)| {
        let mut specs = Vec::new();
        for (i, (start, reply)) in answered.into_iter().enumerate() {
            let conv = i as u8;
            specs.push(Spec {
                conv,
                minute: start,
                kind: Kind::Customer,
            });
            if let Some(after) = reply {
                specs.push(Spec {
                    conv,
                    minute: start + after,
                    kind: Kind::Business("agent"),
                });
            }
        }
        for (i, start) in waiting.into_iter().enumerate() {
            specs.push(Spec {
                conv: 200 + i as u8,
                minute: start,
                kind: Kind::Customer,
            });
        }
        specs
    })
}

fn settings() -> impl Strategy<Value = Settings> {
    (
        any::<bool>(),
        prop_oneof![Just("15"), Just("5"), Just("0.5"), Just("14.99")],
    )
        .prop_map(|(human_only, minutes)| Settings {
            human_only,
            threshold: Threshold::parse_minutes(minutes).unwrap(),
        })
}

fn line(spec: &Spec, time: Timestamp) -> String {
    let c = spec.conv;
    match spec.kind {
        Kind::Customer => {
            format!(r#"{{"kind":"message","conversation":"c{c}","at":"{time}","from":"customer"}}"#)
        }
        Kind::Business(author) => format!(
            r#"{{"kind":"message","conversation":"c{c}","at":"{time}","from":"business","author":"{author}","agent_id":"a{}"}}"#,
            c % 2
        ),
        Kind::Status(s) => format!(r#"{{"kind":"status","at":"{time}","status":"{s}"}}"#),
        Kind::Folder(f) => {
            format!(r#"{{"kind":"folder","conversation":"c{c}","at":"{time}","folder":"{f}"}}"#)
        }
    }
}

fn lines(specs: &[Spec]) -> Vec<String> {
    specs.iter().map(|s| line(s, at(s.minute))).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn live_engine_equals_batch_at_every_step(specs in specs(70), settings in settings(), probes in proptest::collection::vec(prop_oneof![0f64..9000.0, 0f64..120_000.0], 1..6)) {
        let stream = stream_from_lines(&lines(&specs));
        let mut probes: Vec<Timestamp> = probes.into_iter().map(at).collect();
        probes.sort();
        let mut live = LiveEngine::new(settings);
        let mut next = 0;
        let events = stream.events();
        for now in probes {
            while next < events.len() && events[next].at <= now {
                live.push(&events[next]).unwrap();
                next += 1;
            }
            let expected = Analysis::new(&stream, now, settings).report;
            prop_assert_eq!(live.report_at(now), expected);
        }
    }

    /// The server's pattern: the engine is read at `now`, and only then do events
    /// from before `now` arrive (a webhook's platform time is behind the server's
    /// clock). Whatever the engine takes must give the batch's figures; what it
    /// refuses is rebuilt from the stream, as the server does.
    #[test]
    fn late_events_taken_by_the_live_engine_give_the_batch_figures(specs in specs(70), settings in settings(), probes in proptest::collection::vec(prop_oneof![0f64..9000.0, 0f64..120_000.0], 1..6)) {
        let stream = stream_from_lines(&lines(&specs));
        let mut probes: Vec<Timestamp> = probes.into_iter().map(at).collect();
        probes.sort();
        let mut live = LiveEngine::new(settings);
        let mut next = 0;
        let events = stream.events();
        for now in probes {
            live.report_at(now);
            let mut refused = false;
            while next < events.len() && events[next].at <= now {
                if live.push(&events[next]).is_err() {
                    refused = true;
                }
                next += 1;
            }
            if refused {
                live = LiveEngine::new(settings);
                for e in &events[..next] {
                    live.push(e).unwrap();
                }
            }
            let expected = Analysis::new(&stream, now, settings).report;
            prop_assert_eq!(live.report_at(now), expected);
        }
    }

    #[test]
    fn figures_stay_in_range(specs in specs(70), settings in settings(), now in 0f64..9000.0) {
        let stream = stream_from_lines(&lines(&specs));
        let report = Analysis::new(&stream, at(now), settings).report;
        let c = report.opportunities;
        prop_assert_eq!(c.counted, c.answered + c.missed);
        if let Some(rate) = report.response_rate() {
            prop_assert!((0.0..=1.0).contains(&rate));
        } else {
            prop_assert_eq!(c.counted, 0);
            prop_assert!(report.window.is_none());
            prop_assert!(!report.badge);
        }
        prop_assert_eq!(report.fastest.is_some(), c.answered > 0);
        if let Some(t) = report.response_time_seconds() {
            prop_assert!((0.0..86_400.0).contains(&t));
        }
    }

    #[test]
    fn line_order_does_not_matter_for_distinct_times(specs in specs(60), settings in settings(), now in 0f64..9000.0, seed in any::<u64>()) {
        // Distinct times: an event whose instant is taken moves a microsecond on.
        let mut used = std::collections::HashSet::new();
        let lines: Vec<String> = specs
            .iter()
            .map(|s| {
                let mut t = at(s.minute);
                while !used.insert(t) {
                    t = t.add_micros(1);
                }
                line(s, t)
            })
            .collect();
        let mut shuffled = lines.clone();
        let mut state = seed | 1;
        for i in (1..shuffled.len()).rev() {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            shuffled.swap(i, (state % (i as u64 + 1)) as usize);
        }
        let a = Analysis::new(&stream_from_lines(&lines), at(now), settings).report;
        let b = Analysis::new(&stream_from_lines(&shuffled), at(now), settings).report;
        prop_assert_eq!(a, b);
    }

    #[test]
    fn automated_replies_never_change_the_figures(specs in specs(60), settings in settings(), now in 0f64..9000.0, picks in proptest::collection::vec(any::<bool>(), 60)) {
        // An instant reply: an automation message in the same conversation at the same
        // instant, right after a message. (Automation elsewhere can bridge a 24 h
        // silence, which the spec counts, so it may change which messages are new.)
        let mut with_automation = Vec::new();
        for (i, s) in specs.iter().enumerate() {
            with_automation.push(line(s, at(s.minute)));
            if picks[i] && matches!(s.kind, Kind::Customer | Kind::Business(_)) {
                let auto = Spec { conv: s.conv, minute: s.minute, kind: Kind::Business("automation") };
                with_automation.push(line(&auto, at(s.minute)));
            }
        }
        let plain = Analysis::new(&stream_from_lines(&lines(&specs)), at(now), settings).report;
        let auto = Analysis::new(&stream_from_lines(&with_automation), at(now), settings).report;
        prop_assert_eq!(plain.response_rate(), auto.response_rate());
        prop_assert_eq!(plain.fastest, auto.fastest);
        prop_assert_eq!(plain.badge, auto.badge);
        prop_assert_eq!(plain, auto);
    }

    #[test]
    fn daily_series_last_day_equals_a_plain_report(specs in specs(60), settings in settings(), days in 1i64..12) {
        let stream = stream_from_lines(&lines(&specs));
        let from = at(0.0).date();
        let to = pronto_core::Date::from_days(from.days_since_epoch() + days - 1);
        let series = pronto_core::daily::daily(&stream, from, to, to.end(), settings);
        prop_assert_eq!(series.len() as i64, days);
        for point in &series {
            prop_assert_eq!(point.report, Analysis::new(&stream, point.date.end(), settings).report);
        }
    }

    #[test]
    fn a_reply_by_the_deadline_earns_the_badge_and_one_later_does_not(specs in prop_oneof![specs(60), responsive_channel()], settings in settings(), now in prop_oneof![0f64..9000.0, 4400f64..4420.0]) {
        let now = at(now);
        let stream = stream_from_lines(&lines(&specs));
        let analysis = Analysis::new(&stream, now, settings);
        let forecast = analysis.forecast();
        let pending: Vec<_> = analysis.opportunities.iter().filter(|o| o.status == Status::Pending).collect();
        prop_assert_eq!(forecast.deadlines.len(), pending.len());
        let base: Vec<String> = stream
            .until(now)
            .iter()
            .map(|e| pronto_core::jsonl::to_line(&stream, e))
            .collect();
        let reply = |conv: &str, t: Timestamp| format!(
            r#"{{"kind":"message","conversation":"{conv}","at":"{t}","from":"business","author":"agent"}}"#
        );
        let badge_with = |d: &Deadline, when: Timestamp| {
            let mut all = base.clone();
            for o in &pending {
                let t = if o.conversation == d.conversation { when } else { now };
                all.push(reply(stream.conversation_name(o.conversation), t));
            }
            Analysis::new(&stream_from_lines(&all), when.max(now), settings).report.badge
        };
        for d in &forecast.deadlines {
            match d.deadline {
                Some(deadline) => {
                    prop_assert!(deadline >= now && deadline < d.expires);
                    prop_assert!(badge_with(d, deadline), "reply at the deadline keeps the badge");
                    let later = deadline.add_micros(1);
                    if later < d.expires {
                        prop_assert!(!badge_with(d, later), "a reply after the deadline loses it");
                    }
                }
                None => prop_assert!(!badge_with(d, now), "no deadline: even a reply now misses the badge"),
            }
        }
    }
}

/// Pushes `specs` into an engine with a journal in the order they arrive (each one
/// `delays[i]` minutes after its own time), reading it at `probes` in between, and
/// returns the engine read at `end`, with the sorted stream as the batch engine
/// reads it (ties in arrival order). A refused event rebuilds the engine from the
/// events that arrived, as the server does.
fn arrive_late(
    specs: &[Spec],
    delays: &[f64],
    probes: &[f64],
    settings: Settings,
    within_minutes: f64,
    steps: usize,
) -> (LiveEngine, pronto_core::Stream, Timestamp, usize) {
    let arrival = |i: usize| specs[i].minute + delays.get(i).copied().unwrap_or(0.0);
    // Arrival order (stable), then the stream: the same lines in arrival order.
    let mut order: Vec<usize> = (0..specs.len()).collect();
    order.sort_by(|&a, &b| arrival(a).total_cmp(&arrival(b)));
    let arrived: Vec<Spec> = order.iter().map(|&i| specs[i].clone()).collect();
    let stream = stream_from_lines(&lines(&arrived));
    // The stream's k-th event is arrived[by_time[k]]; `position[a]` is where the
    // a-th arrival sits in the stream.
    let mut by_time: Vec<usize> = (0..arrived.len()).collect();
    by_time.sort_by_key(|&a| at(arrived[a].minute));
    let mut position = vec![0; arrived.len()];
    for (k, &a) in by_time.iter().enumerate() {
        position[a] = k;
    }
    let within = (within_minutes * 60_000_000.0) as i64;
    let new = || LiveEngine::with_lateness(settings, within, steps);
    let mut live = new();
    let mut probes: Vec<f64> = probes.to_vec();
    probes.sort_by(f64::total_cmp);
    let mut next_probe = 0;
    let mut rebuilds = 0;
    let events = stream.events();
    for (a, &i) in order.iter().enumerate() {
        while next_probe < probes.len() && probes[next_probe] <= arrival(i) {
            live.report_at(at(probes[next_probe]));
            next_probe += 1;
        }
        if live.push(&events[position[a]]).is_err() {
            rebuilds += 1;
            live = new();
            let mut taken: Vec<usize> = position[..=a].to_vec();
            taken.sort_unstable();
            for k in taken {
                live.push(&events[k]).unwrap();
            }
        }
    }
    let last = order.last().map_or(0.0, |&i| arrival(i));
    let end = at(probes.iter().copied().fold(last, f64::max) + 1.0);
    live.report_at(end);
    (live, stream, end, rebuilds)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Events arriving up to three days late (a platform's timestamps, concurrent
    /// writers), taken by an engine with a journal, give exactly the batch engine's
    /// report, opportunities, forecast, per-agent figures and daily series over the
    /// sorted stream, without a rebuild.
    #[test]
    fn late_events_within_the_bound_are_taken_without_a_rebuild(
        specs in specs(70),
        settings in settings(),
        delays in proptest::collection::vec(prop_oneof![3 => Just(0.0), 2 => 0f64..30.0, 1 => 0f64..4320.0], 70),
        probes in proptest::collection::vec(prop_oneof![0f64..9000.0, 0f64..120_000.0], 0..6),
    ) {
        let (mut live, stream, end, rebuilds) =
            arrive_late(&specs, &delays, &probes, settings, 4320.0, usize::MAX);
        prop_assert_eq!(rebuilds, 0);
        let batch = Analysis::new(&stream, end, settings);
        prop_assert_eq!(live.report(), batch.report);
        prop_assert_eq!(&live.analysis().opportunities, &batch.opportunities);
        prop_assert_eq!(live.forecast(), batch.forecast());
        prop_assert_eq!(live.per_agent(), batch.per_agent());
        let from = at(-1440.0).date();
        let to = pronto_core::Date::from_days(end.date().days_since_epoch() + 1);
        prop_assert_eq!(
            live.daily(from, to, end),
            pronto_core::daily::daily(&stream, from, to, end, settings)
        );
    }

    /// With a short journal, what is beyond it is refused (and rebuilt from the
    /// stream, as the server does); the figures are the batch engine's either way.
    #[test]
    fn late_events_beyond_the_bound_are_refused(
        specs in specs(70),
        settings in settings(),
        delays in proptest::collection::vec(prop_oneof![0f64..30.0, 0f64..4320.0], 70),
        probes in proptest::collection::vec(0f64..9000.0, 0..6),
        within in prop_oneof![Just(0.0), 0f64..120.0],
        steps in 1usize..6,
    ) {
        let (mut live, stream, end, _) = arrive_late(&specs, &delays, &probes, settings, within, steps);
        let batch = Analysis::new(&stream, end, settings);
        prop_assert_eq!(live.report(), batch.report);
        prop_assert_eq!(&live.analysis().opportunities, &batch.opportunities);
        let from = at(0.0).date();
        prop_assert_eq!(
            live.daily(from, end.date(), end),
            pronto_core::daily::daily(&stream, from, end.date(), end, settings)
        );
    }

    /// The forecast and per-agent figures a live engine keeps equal the batch
    /// engine's at every step of an in-order stream.
    #[test]
    fn live_forecast_and_agents_equal_the_batch(specs in prop_oneof![specs(60), responsive_channel()], settings in settings(), probes in proptest::collection::vec(prop_oneof![0f64..9000.0, 4380f64..4420.0], 1..5)) {
        let stream = stream_from_lines(&lines(&specs));
        let mut probes: Vec<Timestamp> = probes.into_iter().map(at).collect();
        probes.sort();
        let mut live = LiveEngine::new(settings);
        let mut next = 0;
        let events = stream.events();
        for now in probes {
            while next < events.len() && events[next].at <= now {
                live.push(&events[next]).unwrap();
                next += 1;
            }
            live.advance(now);
            let batch = Analysis::new(&stream, now, settings);
            prop_assert_eq!(live.forecast(), batch.forecast());
            prop_assert_eq!(live.per_agent(), batch.per_agent());
        }
    }
}
