//! Text output of `pronto report`, for a person at a terminal.

use std::fmt::Write;

use pronto_core::daily::DailyPoint;
use pronto_core::report::Report;
use pronto_core::view::{AgentView, ExplainRow, ForecastView};
use pronto_core::{Author, Settings};

/// The summary: badge, rate, time, label, window and counts.
pub fn report_text(r: &Report, settings: Settings) -> String {
    let c = r.opportunities;
    let limit = duration(settings.threshold.seconds());
    let mut out = String::new();
    let _ = writeln!(out, "Responsiveness as of {}", r.as_of);
    let _ = writeln!(out);
    let badge = if r.badge { "EARNED" } else { "not earned" };
    let _ = writeln!(
        out,
        "  Badge          {badge} (\"Very responsive to messages\": rate of 90% or more, time of {limit} or less)"
    );
    match r.response_rate() {
        Some(rate) => {
            let meets = if 10 * c.answered >= 9 * c.counted {
                "meets"
            } else {
                "below"
            };
            let _ = writeln!(
                out,
                "  Response rate  {} ({} of {} answered; {meets} the 90% target)",
                percent(rate),
                c.answered,
                c.counted
            );
        }
        None => {
            let _ = writeln!(out, "  Response rate  none (no new message is counted yet)");
        }
    }
    match (r.response_time_seconds(), r.fastest) {
        (Some(t), Some(f)) => {
            let meets = if settings.threshold.admits(f.sum_us, f.k) {
                "within"
            } else {
                "over"
            };
            let _ = writeln!(
                out,
                "  Response time  {} (mean of the fastest {} of {} replies; {meets} the {limit} target)",
                duration(t),
                f.k,
                c.answered
            );
        }
        _ => {
            let _ = writeln!(
                out,
                "  Response time  none (nothing answered in the window)"
            );
        }
    }
    let label = r.label().map_or("none", |l| l.text());
    let _ = writeln!(out, "  Label          {label}");
    match r.window {
        Some(w) => {
            let _ = writeln!(
                out,
                "  Window         {} to {} ({} counted: {} answered, {} missed)",
                w.start, w.end, c.counted, c.answered, c.missed
            );
        }
        None => {
            let _ = writeln!(out, "  Window         empty");
        }
    }
    let _ = writeln!(
        out,
        "  Not counted    {} pending (under 24 h, not answered yet), {} excluded",
        c.pending, c.excluded
    );
    if settings.human_only {
        let _ = writeln!(out, "  Counting       agents' replies only (--human-only)");
    }
    out
}

/// The explanation table.
pub fn explain_text(rows: &[ExplainRow<'_>]) -> String {
    let mut table = vec![vec![
        "CONVERSATION".to_owned(),
        "ARRIVED".to_owned(),
        "STATUS".to_owned(),
        "WINDOW".to_owned(),
        "DETAIL".to_owned(),
    ]];
    for row in rows {
        let detail = match (
            row.status,
            row.reason,
            row.response_time_seconds,
            &row.reply,
        ) {
            (_, Some(reason), _, _) => reason.describe().to_owned(),
            (_, _, Some(t), Some(reply)) => {
                format!(
                    "replied in {} by {}",
                    duration(t),
                    who(reply.author, reply.agent)
                )
            }
            ("missed", _, _, Some(reply)) => format!(
                "first reply at {} by {}, too late",
                reply.at,
                who(reply.author, reply.agent)
            ),
            ("missed", _, _, None) => "no reply within 24 h".to_owned(),
            _ => "waiting for a reply".to_owned(),
        };
        table.push(vec![
            printable(row.conversation),
            row.at.to_string(),
            row.status.to_owned(),
            if row.in_window { "yes" } else { "" }.to_owned(),
            detail,
        ]);
    }
    format!("\nOpportunities ({})\n\n{}", rows.len(), columns(&table))
}

/// The at-risk list and the two what-ifs.
pub fn forecast_text(f: &ForecastView<'_>) -> String {
    let mut out = String::from("\nAt risk (pending new messages, soonest deadline first)\n\n");
    if f.at_risk.is_empty() {
        out.push_str("  nothing is pending\n");
    } else {
        let mut table = vec![vec![
            "CONVERSATION".to_owned(),
            "ARRIVED".to_owned(),
            "REPLY BY".to_owned(),
            "EXPIRES".to_owned(),
            "BADGE IF MISSED".to_owned(),
        ]];
        for d in &f.at_risk {
            table.push(vec![
                printable(d.conversation),
                d.at.to_string(),
                d.deadline
                    .map_or_else(|| "too late for the badge".to_owned(), |t| t.to_string()),
                d.expires.to_string(),
                if d.badge_if_missed { "kept" } else { "lost" }.to_owned(),
            ]);
        }
        out.push_str(&columns(&table));
    }
    let what_if = |r: &Report| {
        format!(
            "rate {}, time {}, badge {}",
            r.response_rate().map_or("none".to_owned(), percent),
            r.response_time_seconds()
                .map_or("none".to_owned(), duration),
            if r.badge { "earned" } else { "not earned" }
        )
    };
    let _ = writeln!(
        out,
        "\n  If all are answered now: {}\n  If all are missed:       {}",
        what_if(&f.if_all_answered_now),
        what_if(&f.if_all_missed)
    );
    out
}

/// The per-agent table.
pub fn agents_text(agents: &[AgentView<'_>]) -> String {
    let mut table = vec![vec![
        "RESPONDER".to_owned(),
        "ANSWERED".to_owned(),
        "MEAN RESPONSE TIME".to_owned(),
    ]];
    for a in agents {
        table.push(vec![
            who(a.author, a.agent),
            a.answered.to_string(),
            duration(a.mean_response_time_seconds),
        ]);
    }
    format!("\nResponders in the window\n\n{}", columns(&table))
}

/// The daily series as a table.
pub fn daily_text(series: &[DailyPoint], settings: Settings) -> String {
    let mut table = vec![vec![
        "DATE".to_owned(),
        "BADGE".to_owned(),
        "RATE".to_owned(),
        "TIME".to_owned(),
        "COUNTED".to_owned(),
        "ANSWERED".to_owned(),
        "MISSED".to_owned(),
        "PENDING".to_owned(),
        "EXCLUDED".to_owned(),
    ]];
    for p in series {
        let r = &p.report;
        let c = r.opportunities;
        table.push(vec![
            p.date.to_string(),
            if r.badge { "yes" } else { "no" }.to_owned(),
            r.response_rate().map_or("-".to_owned(), percent),
            r.response_time_seconds().map_or("-".to_owned(), duration),
            c.counted.to_string(),
            c.answered.to_string(),
            c.missed.to_string(),
            c.pending.to_string(),
            c.excluded.to_string(),
        ]);
    }
    let mut out = format!(
        "Daily responsiveness (as of each day's end, UTC; badge: 90% and {} or less)\n\n",
        duration(settings.threshold.seconds())
    );
    out.push_str(&columns(&table));
    out
}

fn who(author: Author, agent: Option<&str>) -> String {
    match (author, agent) {
        (Author::Agent, Some(a)) => format!("agent {}", printable(a)),
        (Author::Agent, None) => "an agent".to_owned(),
        (Author::Bot, Some(a)) => format!("bot {}", printable(a)),
        (Author::Bot, None) => "a bot".to_owned(),
        (Author::Automation, _) => "automation".to_owned(),
    }
}

fn percent(rate: f64) -> String {
    let p = rate * 100.0;
    if (p - p.round()).abs() < 1e-9 {
        format!("{p:.0}%")
    } else {
        format!("{p:.1}%")
    }
}

/// A duration for a person: `45 s`, `5 min 12.5 s`, `2 h 5 min`.
pub fn duration(seconds: f64) -> String {
    let trim = |v: f64| {
        let s = format!("{v:.3}");
        let s = s.trim_end_matches('0').trim_end_matches('.');
        s.to_owned()
    };
    if seconds < 60.0 {
        return format!("{} s", trim(seconds));
    }
    let minutes = (seconds / 60.0).floor();
    let rest = seconds - minutes * 60.0;
    if minutes < 60.0 {
        return if rest < 0.0005 {
            format!("{minutes} min")
        } else {
            format!("{minutes} min {} s", trim(rest))
        };
    }
    let hours = (minutes / 60.0).floor();
    let mins = minutes - hours * 60.0;
    if mins == 0.0 {
        format!("{hours} h")
    } else {
        format!("{hours} h {mins} min")
    }
}

/// Escapes control characters so that a name from the input cannot move the cursor.
fn printable(text: &str) -> String {
    if text.chars().any(char::is_control) {
        text.escape_debug().to_string()
    } else {
        text.to_owned()
    }
}

/// Left-aligned columns separated by two spaces.
fn columns(rows: &[Vec<String>]) -> String {
    let n = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..n)
        .map(|i| {
            rows.iter()
                .filter_map(|r| r.get(i))
                .map(|c| c.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for row in rows {
        let mut line = String::from("  ");
        for (i, cell) in row.iter().enumerate() {
            line.push_str(cell);
            if i + 1 < row.len() {
                let pad = widths[i] - cell.chars().count() + 2;
                line.extend(std::iter::repeat_n(' ', pad));
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_well() {
        assert_eq!(duration(0.25), "0.25 s");
        assert_eq!(duration(45.0), "45 s");
        assert_eq!(duration(60.0), "1 min");
        assert_eq!(duration(312.5), "5 min 12.5 s");
        assert_eq!(duration(3600.0), "1 h");
        assert_eq!(duration(7500.0), "2 h 5 min");
    }

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(printable("a\u{1b}[2Jb"), "a\\u{1b}[2Jb");
        assert_eq!(printable("café"), "café");
    }
}
