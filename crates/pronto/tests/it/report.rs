//! `pronto report`: conformance, bad input, the output formats, and Messenger captures.

use serde_json::Value;

use crate::support::{fixtures_dir, pronto};

#[test]
fn every_conformance_case_matches_through_the_cli() {
    let mut checked = 0;
    for sub in ["examples", "random"] {
        let dir = fixtures_dir().join(sub);
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "jsonl") {
                continue;
            }
            let stem = path.with_extension("");
            let args = std::fs::read_to_string(stem.with_extension("args")).unwrap();
            let mut argv = vec!["report", path.to_str().unwrap()];
            argv.extend(args.split_whitespace());
            argv.extend(["--format", "json"]);
            let run = pronto(&argv, "");
            assert_eq!(run.code, 0, "{}: {}", stem.display(), run.stderr);
            let got: Value = serde_json::from_str(&run.stdout).unwrap();
            let expected: Value = serde_json::from_str(
                &std::fs::read_to_string(stem.with_extension("expected.json")).unwrap(),
            )
            .unwrap();
            assert_same_report(&stem.display().to_string(), &got, &expected);
            checked += 1;
        }
    }
    assert!(checked >= 50, "found only {checked} cases");
}

/// The fixtures' rule: timestamps as instants, floats within 1e-6 relative.
fn assert_same_report(name: &str, got: &Value, expected: &Value) {
    let keys = |v: &Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(got), keys(expected), "{name}");
    for k in ["opportunities", "badge", "label"] {
        assert_eq!(got[k], expected[k], "{name}: {k}");
    }
    let instant = |v: &Value| {
        v.as_str()
            .map(|s| pronto_core::Timestamp::parse(s).unwrap())
    };
    assert_eq!(
        instant(&got["as_of"]),
        instant(&expected["as_of"]),
        "{name}"
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
            (Some(a), Some(b)) => {
                assert!((a - b).abs() <= 1e-6 * b.abs().max(1e-12), "{name}: {k}")
            }
            (a, b) => assert_eq!(a, b, "{name}: {k}"),
        }
    }
}

const GOOD: &str = r#"{"kind":"message","conversation":"a","at":"2026-03-01T09:00:00Z","from":"customer"}
{"kind":"message","conversation":"a","at":"2026-03-01T09:04:00Z","from":"business","author":"agent","agent_id":"ana","id":"m2"}
"#;

#[test]
fn bad_input_names_the_line_prints_nothing_and_exits_2() {
    let cases = [
        ("{\"kind\":\"message\"", "line 3: not valid JSON"),
        (
            r#"{"kind":"typing","at":"2026-03-01T10:00:00Z"}"#,
            "line 3: unknown kind \"typing\"",
        ),
        (
            r#"{"kind":"message","conversation":"b","from":"customer"}"#,
            "line 3: missing field \"at\"",
        ),
        (
            r#"{"kind":"message","conversation":"b","at":"2026-03-01 10:00","from":"customer"}"#,
            "line 3: field \"at\": bad timestamp",
        ),
        (
            r#"{"kind":"message","conversation":"b","at":"2026-03-01T10:00:00Z","from":"business","author":"intern"}"#,
            "line 3: unknown author \"intern\"",
        ),
        (
            r#"{"kind":"message","conversation":"b","at":"2026-03-01T10:00:00Z","from":"customer","author":"bot"}"#,
            "line 3: a customer message cannot have an \"author\"",
        ),
        (
            r#"{"kind":"folder","conversation":"b","at":"2026-03-01T10:00:00Z","folder":"archive"}"#,
            "line 3: unknown folder \"archive\"",
        ),
    ];
    for (bad, expected) in cases {
        // Two good lines, the bad one, and a good one after it.
        let input = format!("{GOOD}{bad}\n{}", GOOD.lines().next().unwrap());
        let run = pronto(
            &[
                "report",
                "-",
                "--now",
                "2026-03-02T00:00:00Z",
                "--format",
                "json",
            ],
            &input,
        );
        assert_eq!(run.code, 2, "{bad}");
        assert!(run.stdout.is_empty(), "{bad}: printed {:?}", run.stdout);
        assert!(run.stderr.starts_with(expected), "{bad}: {:?}", run.stderr);
    }
}

#[test]
fn bad_flags_and_files_are_refused_clearly() {
    let run = pronto(
        &[
            "report",
            "/no/such/file.jsonl",
            "--now",
            "2026-03-02T00:00:00Z",
        ],
        "",
    );
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("cannot open /no/such/file.jsonl"),
        "{}",
        run.stderr
    );
    let run = pronto(&["report", "-", "--now", "yesterday"], GOOD);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("bad timestamp"), "{}", run.stderr);
    let run = pronto(&["report", "-", "--badge-minutes", "0"], GOOD);
    assert_eq!(run.code, 2);
    assert!(
        run.stderr.contains("positive number of minutes"),
        "{}",
        run.stderr
    );
    let run = pronto(&["report", "-", "--daily", "2026-03-05..2026-03-01"], GOOD);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("comes after"), "{}", run.stderr);
}

#[test]
fn text_output_is_a_readable_summary() {
    let run = pronto(&["report", "-", "--now", "2026-03-02T00:00:00Z"], GOOD);
    assert_eq!(run.code, 0, "{}", run.stderr);
    insta::assert_snapshot!("text_summary", run.stdout);
    let run = pronto(
        &[
            "report",
            "-",
            "--now",
            "2026-03-02T00:00:00Z",
            "--explain",
            "--agents",
            "--forecast",
        ],
        GOOD,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    insta::assert_snapshot!("text_explain_agents_forecast", run.stdout);
}

#[test]
fn explain_forecast_and_agents_in_json() {
    let input = format!(
        "{GOOD}{}\n{}\n",
        r#"{"kind":"message","conversation":"b","at":"2026-03-01T23:50:00Z","from":"customer"}"#,
        r#"{"kind":"folder","conversation":"c","at":"2026-03-01T10:00:00Z","folder":"spam"}"#,
    );
    let run = pronto(
        &[
            "report",
            "-",
            "--now",
            "2026-03-02T00:00:00Z",
            "--format",
            "json",
            "--explain",
            "--forecast",
            "--agents",
        ],
        &input,
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let v: Value = serde_json::from_str(&run.stdout).unwrap();
    insta::assert_json_snapshot!("json_explain_forecast_agents", v);
}

#[test]
fn daily_series_ends_with_the_plain_report() {
    let path = fixtures_dir().join("random/000.jsonl");
    let path = path.to_str().unwrap();
    let now = "2026-03-25T13:36:22.723215Z";
    let run = pronto(
        &[
            "report",
            path,
            "--now",
            now,
            "--daily",
            "2026-03-01..2026-03-31",
            "--format",
            "json",
        ],
        "",
    );
    assert_eq!(run.code, 0, "{}", run.stderr);
    let series: Vec<Value> = serde_json::from_str(&run.stdout).unwrap();
    // Days after `now` are left out; the last day is as of `now`.
    assert_eq!(series.len(), 25);
    assert_eq!(series[0]["date"], "2026-03-01");
    assert_eq!(series[0]["as_of"], "2026-03-01T23:59:59.999999Z");
    let plain = pronto(&["report", path, "--now", now, "--format", "json"], "");
    let mut last = series.last().unwrap().clone();
    last.as_object_mut().unwrap().remove("date");
    assert_eq!(last, serde_json::from_str::<Value>(&plain.stdout).unwrap());
    let text = pronto(
        &[
            "report",
            path,
            "--now",
            now,
            "--daily",
            "2026-03-20..2026-03-22",
        ],
        "",
    );
    assert_eq!(text.code, 0);
    insta::assert_snapshot!("daily_text", text.stdout);
}

/// A webhook body with one messaging event.
fn body(object: &str, event: &str) -> String {
    format!(
        r#"{{"object":"{object}","entry":[{{"id":"PAGE","time":1772355600000,"messaging":[{event}]}}]}}"#
    )
}

fn customer(psid: &str, ms: i64, mid: &str) -> String {
    body(
        "page",
        &format!(
            r#"{{"sender":{{"id":"{psid}"}},"recipient":{{"id":"PAGE"}},"timestamp":{ms},"message":{{"mid":"{mid}","text":"hello"}}}}"#
        ),
    )
}

fn echo(psid: &str, ms: i64, mid: &str, app: u64, metadata: Option<&str>) -> String {
    let metadata = metadata
        .map(|m| format!(r#","metadata":{}"#, serde_json::to_string(m).unwrap()))
        .unwrap_or_default();
    body(
        "page",
        &format!(
            r#"{{"sender":{{"id":"PAGE"}},"recipient":{{"id":"{psid}"}},"timestamp":{ms},"message":{{"is_echo":true,"app_id":{app},"mid":"{mid}","text":"hi"{metadata}}}}}"#
        ),
    )
}

#[test]
fn messenger_captures_read_like_the_equivalent_events() {
    let t0 = 1_772_355_600_000i64; // 2026-03-01T09:00:00Z
    let min = 60_000;
    let ours = 555u64;
    let capture = [
        customer("111", t0, "m1"),
        echo("111", t0 + 4 * min, "m2", 263_902_037_430_900, None),
        customer("111", t0, "m1"), // delivered twice
        customer("222", t0 + 10 * min, "m3"),
        echo("222", t0 + 10 * min, "m4", ours, Some(r#"{"pronto":1,"author":"automation"}"#)),
        echo("222", t0 + 12 * min, "m5", 999, None),
        customer("333", t0 + 20 * min, "m6"),
        echo("333", t0 + 25 * min, "m7", ours, Some(r#"{"pronto":1,"author":"agent","agent":"ana"}"#)),
        r#"{"object":"page","entry":[{"id":"PAGE","time":1,"messaging":[{"sender":{"id":"111"},"recipient":{"id":"PAGE"},"timestamp":1772355900000,"read":{"watermark":1772355840000}}]}]}"#.to_owned(),
    ]
    .join("\n");
    let equivalent = [
        r#"{"kind":"message","conversation":"111","at":"2026-03-01T09:00:00Z","from":"customer"}"#,
        r#"{"kind":"message","conversation":"111","at":"2026-03-01T09:04:00Z","from":"business","author":"agent"}"#,
        r#"{"kind":"message","conversation":"222","at":"2026-03-01T09:10:00Z","from":"customer"}"#,
        r#"{"kind":"message","conversation":"222","at":"2026-03-01T09:10:00Z","from":"business","author":"automation"}"#,
        r#"{"kind":"message","conversation":"222","at":"2026-03-01T09:12:00Z","from":"business","author":"bot"}"#,
        r#"{"kind":"message","conversation":"333","at":"2026-03-01T09:20:00Z","from":"customer"}"#,
        r#"{"kind":"message","conversation":"333","at":"2026-03-01T09:25:00Z","from":"business","author":"agent","agent_id":"ana"}"#,
    ]
    .join("\n");
    for extra in [&[][..], &["--human-only"][..]] {
        let mut args = vec![
            "report",
            "-",
            "--now",
            "2026-03-03T00:00:00Z",
            "--format",
            "json",
            "--agents",
        ];
        args.extend(extra);
        let from_events = pronto(&args, &equivalent);
        args.extend(["--input", "messenger-webhooks", "--app-id", "555"]);
        let from_capture = pronto(&args, &capture);
        assert_eq!(from_capture.code, 0, "{}", from_capture.stderr);
        let a: Value = serde_json::from_str(&from_capture.stdout).unwrap();
        let b: Value = serde_json::from_str(&from_events.stdout).unwrap();
        assert_eq!(a, b, "{extra:?}");
        let answered = a["opportunities"]["answered"].as_u64().unwrap();
        assert_eq!(answered, if extra.is_empty() { 3 } else { 2 });
        assert!(
            a["agents"]
                .as_array()
                .unwrap()
                .iter()
                .any(|r| r["agent"] == "ana")
        );
    }
    // A broken body is refused with its line number.
    let broken = format!(
        "{}\n{{\"object\":\"page\",\"entry\":[{{\"messaging\":[{{\"message\":{{\"mid\":\"x\"}}}}]}}]}}\n",
        customer("1", t0, "a")
    );
    let run = pronto(
        &[
            "report",
            "-",
            "--input",
            "messenger-webhooks",
            "--now",
            "2026-03-03T00:00:00Z",
        ],
        &broken,
    );
    assert_eq!(run.code, 2);
    assert!(run.stdout.is_empty());
    assert!(run.stderr.starts_with("line 2: "), "{}", run.stderr);
}
