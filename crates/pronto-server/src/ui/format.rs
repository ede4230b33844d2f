//! Numbers, durations and instants as the pages show them.
//!
//! Instants are written in UTC inside `<time datetime>`; the page's script shows
//! them in the browser's time zone. Durations are written in the page's language
//! and counted down by the script from the instant in `data-until`.

use maud::{Markup, PreEscaped, html};
use pronto_core::Timestamp;
use serde::Serialize;

use super::i18n::{Texts, fill};

const SECOND: i64 = 1_000_000;

/// A duration in microseconds, short (`3 min`, `2 h 5 min`, `4 j`).
pub fn duration(t: &Texts, micros: i64) -> String {
    let s = micros.max(0) / SECOND;
    let c = &t.common;
    let n = |text: &str, v: i64| fill(text, &[("n", &v.to_string())]);
    if s < 60 {
        n(c.seconds, s)
    } else if s < 3600 {
        n(c.minutes, s / 60)
    } else if s < 86_400 {
        let (h, m) = (s / 3600, s % 3600 / 60);
        if m == 0 || h >= 10 {
            n(c.hours, h)
        } else {
            format!("{} {}", n(c.hours, h), n(c.minutes, m))
        }
    } else {
        n(c.days, s / 86_400)
    }
}

/// An instant as `2026-11-21 14:05 UTC`, the text before the script localises it.
pub fn instant(at: i64) -> String {
    let ts = Timestamp::from_micros(at).to_string();
    // `2026-11-21T14:05:09.123456Z`: keep the minute.
    match ts.split_once('T') {
        Some((date, time)) => format!("{date} {} UTC", time.get(..5).unwrap_or(time)),
        None => ts,
    }
}

/// A `<time>` element the script shows in the browser's zone.
pub fn time(at: i64) -> Markup {
    html! {
        time datetime=(Timestamp::from_micros(at).to_string()) data-local="" { (instant(at)) }
    }
}

/// `template` with its `{time}` as a [`time`] element (the rest as text).
pub fn with_time(template: &str, at: i64) -> Markup {
    let (before, after) = template.split_once("{time}").unwrap_or((template, ""));
    html! { (before) (time(at)) (after) }
}

/// A value as JSON inside a `<script type="application/json">`: `<` is escaped so
/// no text can close the script element.
pub fn json_script(id: &str, value: &impl Serialize) -> Markup {
    let json = serde_json::to_string(value)
        .unwrap_or_else(|_| "null".to_owned())
        .replace('<', "\\u003c");
    html! {
        script type="application/json" id=(id) { (PreEscaped(json)) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ui::i18n::Lang;

    #[test]
    fn durations_read_naturally() {
        let en = Lang::En.texts();
        assert_eq!(duration(en, 42 * SECOND), "42 s");
        assert_eq!(duration(en, 14 * 60 * SECOND), "14 min");
        assert_eq!(duration(en, (2 * 3600 + 5 * 60) * SECOND), "2 h 5 min");
        assert_eq!(duration(en, 11 * 3600 * SECOND), "11 h");
        assert_eq!(duration(Lang::Fr.texts(), 3 * 86_400 * SECOND), "3 j");
        assert_eq!(duration(en, -5), "0 s");
    }

    #[test]
    fn json_in_a_script_cannot_close_it() {
        let m = json_script("x", &"</script><script>alert(1)</script>").into_string();
        assert!(!m.contains("</script><script>"), "{m}");
        assert!(m.contains("\\u003c/script>"));
    }

    #[test]
    fn instants_are_written_in_utc() {
        assert_eq!(instant(0), "1970-01-01 00:00 UTC");
    }
}
