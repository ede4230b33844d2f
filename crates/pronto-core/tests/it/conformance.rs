//! Every shared conformance case, through the batch engine, the live engine and the
//! daily series, compared with its expected report.

use pronto_core::report::Threshold;
use pronto_core::{Analysis, LiveEngine, Report, Settings, Timestamp};
use serde_json::Value;

use crate::support::{fixtures_dir, stream_from_lines};

struct Case {
    name: String,
    lines: Vec<String>,
    now: Timestamp,
    settings: Settings,
    expected: Value,
}

fn cases() -> Vec<Case> {
    let mut cases = Vec::new();
    for sub in ["examples", "random"] {
        let dir = fixtures_dir().join(sub);
        let mut stems: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .filter_map(|e| {
                let p = e.unwrap().path();
                (p.extension()? == "jsonl").then(|| p.with_extension(""))
            })
            .collect();
        stems.sort();
        for stem in stems {
            let read = |ext: &str| std::fs::read_to_string(stem.with_extension(ext)).unwrap();
            let args: Vec<String> = read("args").split_whitespace().map(str::to_owned).collect();
            let mut settings = Settings::default();
            let mut now = None;
            let mut i = 0;
            while i < args.len() {
                match args[i].as_str() {
                    "--now" => {
                        now = Some(Timestamp::parse(&args[i + 1]).unwrap());
                        i += 1;
                    }
                    "--human-only" => settings.human_only = true,
                    "--badge-minutes" => {
                        settings.threshold = Threshold::parse_minutes(&args[i + 1]).unwrap();
                        i += 1;
                    }
                    other => panic!("unknown flag {other} in {}", stem.display()),
                }
                i += 1;
            }
            cases.push(Case {
                name: stem.display().to_string(),
                lines: read("jsonl").lines().map(str::to_owned).collect(),
                now: now.expect("every case gives --now"),
                settings,
                expected: serde_json::from_str(&read("expected.json")).unwrap(),
            });
        }
    }
    assert!(
        cases.len() >= 50,
        "expected the shared cases, found {}",
        cases.len()
    );
    cases
}

/// Compares as the fixtures' README says: timestamps as instants, floats within 1e-6.
fn assert_matches(name: &str, report: &Report, expected: &Value) {
    let got = serde_json::to_value(report).unwrap();
    let keys = |v: &Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(&got), keys(expected), "{name}: keys");
    assert_eq!(
        got["opportunities"], expected["opportunities"],
        "{name}: counts"
    );
    assert_eq!(got["badge"], expected["badge"], "{name}: badge");
    assert_eq!(got["label"], expected["label"], "{name}: label");
    let instant = |v: &Value| v.as_str().map(|s| Timestamp::parse(s).unwrap());
    assert_eq!(
        instant(&got["as_of"]),
        instant(&expected["as_of"]),
        "{name}: as_of"
    );
    for k in ["start", "end"] {
        assert_eq!(
            instant(&got["window"][k]),
            instant(&expected["window"][k]),
            "{name}: window.{k}"
        );
    }
    for k in ["response_rate", "response_time_seconds"] {
        match (got[k].as_f64(), expected[k].as_f64()) {
            (Some(a), Some(b)) => assert!(
                (a - b).abs() <= 1e-6 * b.abs().max(1e-12),
                "{name}: {k} {a} != {b}"
            ),
            (a, b) => assert_eq!(a, b, "{name}: {k}"),
        }
    }
}

#[test]
fn batch_engine_matches_every_case() {
    for case in cases() {
        let stream = stream_from_lines(&case.lines);
        let analysis = Analysis::new(&stream, case.now, case.settings);
        assert_matches(&case.name, &analysis.report, &case.expected);
    }
}

#[test]
fn live_engine_matches_every_case() {
    for case in cases() {
        let stream = stream_from_lines(&case.lines);
        let mut live = LiveEngine::new(case.settings);
        for event in stream.until(case.now) {
            live.push(event).unwrap();
        }
        assert_matches(&case.name, &live.report_at(case.now), &case.expected);
    }
}

#[test]
fn daily_series_ends_with_the_case_report() {
    for case in cases() {
        let stream = stream_from_lines(&case.lines);
        let day = case.now.date();
        let from = pronto_core::Date::from_days(day.days_since_epoch() - 40);
        let series = pronto_core::daily::daily(&stream, from, day, day.end(), case.settings);
        assert_eq!(series.len(), 41);
        let last = series.last().unwrap();
        let plain = Analysis::new(&stream, day.end(), case.settings).report;
        assert_eq!(last.report, plain, "{}", case.name);
        // And every day equals a plain report at its end.
        for point in series.iter().step_by(7) {
            let plain = Analysis::new(&stream, point.date.end(), case.settings).report;
            assert_eq!(point.report, plain, "{} on {}", case.name, point.date);
        }
    }
}
