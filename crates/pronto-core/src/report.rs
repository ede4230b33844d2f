//! The report: what the spec's JSON shows, kept as exact integers.
//!
//! Rates and means are printed as floating point, but they are stored and compared as
//! integer counts and microsecond sums, so that two reports are equal exactly when the
//! spec says they are, and the badge comparisons are exact.

use serde::ser::SerializeStruct;

use crate::time::{HOUR, MINUTE, Timestamp};

/// The badge's response-time threshold, an exact decimal number of minutes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Threshold {
    /// The minutes, times `10^scale`.
    mantissa: u64,
    /// How many decimal places the mantissa carries.
    scale: u32,
}

/// Why a badge threshold was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("bad badge threshold {text:?}: expected a positive number of minutes such as 15 or 14.99")]
pub struct ThresholdError {
    text: String,
}

impl Threshold {
    /// Meta's current rule: 15 minutes.
    pub const DEFAULT: Threshold = Threshold {
        mantissa: 15,
        scale: 0,
    };

    /// A whole number of minutes (positive).
    pub fn from_minutes(minutes: u32) -> Option<Self> {
        (minutes > 0).then_some(Threshold {
            mantissa: u64::from(minutes),
            scale: 0,
        })
    }

    /// Parses a positive decimal number of minutes, such as `15`, `5` or `14.99`.
    pub fn parse_minutes(text: &str) -> Result<Self, ThresholdError> {
        let err = || ThresholdError {
            text: text.to_owned(),
        };
        let (int, frac) = match text.split_once('.') {
            Some((i, f)) => (i, f),
            None => (text, ""),
        };
        let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if (int.is_empty() && frac.is_empty())
            || !all_digits(int)
            || !all_digits(frac)
            || (text.contains('.') && frac.is_empty())
        {
            return Err(err());
        }
        let frac = frac.trim_end_matches('0');
        let int = int.trim_start_matches('0');
        if int.len() + frac.len() > 18 {
            return Err(err());
        }
        let mantissa: u64 = format!("{int}{frac}").parse().unwrap_or(0);
        if mantissa == 0 {
            return Err(err());
        }
        Ok(Threshold {
            mantissa,
            scale: frac.len() as u32,
        })
    }

    /// Whether a mean of `sum_us / k` microseconds is at or under the threshold, exactly.
    pub fn admits(self, sum_us: u64, k: u64) -> bool {
        let lhs = u128::from(sum_us) * 10u128.pow(self.scale);
        let rhs = u128::from(k) * u128::from(self.mantissa) * MINUTE as u128;
        lhs <= rhs
    }

    /// The threshold in microseconds, rounded down: for deadlines, which are instants.
    pub fn micros_floor(self) -> u64 {
        let v = u128::from(self.mantissa) * MINUTE as u128 / 10u128.pow(self.scale);
        u64::try_from(v).unwrap_or(u64::MAX)
    }

    /// The largest total of `k` response times that keeps their mean at or under the
    /// threshold, in microseconds.
    pub fn max_sum(self, k: u64) -> u64 {
        let v = u128::from(k) * u128::from(self.mantissa) * MINUTE as u128 / 10u128.pow(self.scale);
        u64::try_from(v).unwrap_or(u64::MAX)
    }

    /// The threshold in seconds, for display.
    pub fn seconds(self) -> f64 {
        self.mantissa as f64 * 60.0 / 10f64.powi(self.scale as i32)
    }
}

impl Default for Threshold {
    fn default() -> Self {
        Threshold::DEFAULT
    }
}

/// How a report is computed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Settings {
    /// Only agents' replies count (bots' do not).
    pub human_only: bool,
    /// The badge's response-time threshold.
    pub threshold: Threshold,
}

/// The public label that Meta derives from the response time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Label {
    /// Under 60 s.
    Instantly,
    /// Up to 15 min.
    Minutes,
    /// Up to 1 h.
    Hour,
    /// Up to 4 h.
    FewHours,
    /// Up to 24 h.
    Day,
}

impl Label {
    /// The label for a mean of `sum_us / k` microseconds, compared exactly.
    pub fn for_mean(sum_us: u64, k: u64) -> Option<Label> {
        let sum = u128::from(sum_us);
        let bound = |limit: i64| u128::from(k) * limit as u128;
        if sum < bound(MINUTE) {
            Some(Label::Instantly)
        } else if sum <= bound(15 * MINUTE) {
            Some(Label::Minutes)
        } else if sum <= bound(HOUR) {
            Some(Label::Hour)
        } else if sum <= bound(4 * HOUR) {
            Some(Label::FewHours)
        } else if sum <= bound(24 * HOUR) {
            Some(Label::Day)
        } else {
            None
        }
    }

    /// The text Meta shows.
    pub fn text(self) -> &'static str {
        match self {
            Label::Instantly => "Typically replies instantly",
            Label::Minutes => "Typically replies within minutes",
            Label::Hour => "Typically replies within an hour",
            Label::FewHours => "Typically replies within a few hours",
            Label::Day => "Typically replies within a day",
        }
    }
}

impl serde::Serialize for Label {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.text())
    }
}

/// The first and last opportunity of the window.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct WindowSpan {
    /// The earliest opportunity in the window.
    pub start: Timestamp,
    /// `T`, the latest counted opportunity.
    pub end: Timestamp,
}

/// The fastest-90% statistic: the sum of the `k` fastest response times.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FastestSum {
    /// Their total, in microseconds.
    pub sum_us: u64,
    /// How many: `ceil(9n / 10)` of the `n` answered.
    pub k: u64,
}

impl FastestSum {
    /// How many of `answered` response times the mean takes.
    pub fn k_for(answered: u64) -> u64 {
        (9 * answered).div_ceil(10)
    }

    /// The mean in seconds.
    pub fn mean_seconds(self) -> f64 {
        self.sum_us as f64 / self.k as f64 / 1e6
    }
}

/// The counts of a report.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Counts {
    /// Answered and missed opportunities in the window.
    pub counted: u64,
    /// Answered opportunities in the window.
    pub answered: u64,
    /// Missed opportunities in the window.
    pub missed: u64,
    /// All pending opportunities up to `now`.
    pub pending: u64,
    /// All excluded opportunities up to `now`.
    pub excluded: u64,
}

/// A responsiveness report, as the spec defines it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Report {
    /// The moment it was computed for.
    pub as_of: Timestamp,
    /// The window, when anything is counted.
    pub window: Option<WindowSpan>,
    /// The counts.
    pub opportunities: Counts,
    /// The fastest-90% sum, when anything in the window was answered.
    pub fastest: Option<FastestSum>,
    /// Whether the badge is earned.
    pub badge: bool,
}

impl Report {
    /// Builds a report from the window's figures, deciding the badge exactly.
    pub fn new(
        as_of: Timestamp,
        window: Option<WindowSpan>,
        opportunities: Counts,
        fastest: Option<FastestSum>,
        threshold: Threshold,
    ) -> Self {
        let rate_ok =
            opportunities.counted > 0 && 10 * opportunities.answered >= 9 * opportunities.counted;
        let time_ok = fastest.is_some_and(|f| threshold.admits(f.sum_us, f.k));
        Report {
            as_of,
            window,
            opportunities,
            fastest,
            badge: rate_ok && time_ok,
        }
    }

    /// Answered / counted in the window; `None` when nothing is counted.
    pub fn response_rate(&self) -> Option<f64> {
        let c = self.opportunities;
        (c.counted > 0).then(|| c.answered as f64 / c.counted as f64)
    }

    /// The mean of the fastest 90%, in seconds.
    pub fn response_time_seconds(&self) -> Option<f64> {
        self.fastest.map(FastestSum::mean_seconds)
    }

    /// The label Meta would show.
    pub fn label(&self) -> Option<Label> {
        self.fastest.and_then(|f| Label::for_mean(f.sum_us, f.k))
    }
}

impl serde::Serialize for Report {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Report", 7)?;
        st.serialize_field("as_of", &self.as_of)?;
        st.serialize_field("window", &self.window)?;
        st.serialize_field("opportunities", &self.opportunities)?;
        st.serialize_field("response_rate", &self.response_rate())?;
        st.serialize_field("response_time_seconds", &self.response_time_seconds())?;
        st.serialize_field("badge", &self.badge)?;
        st.serialize_field("label", &self.label())?;
        st.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_compare_exactly() {
        let t = Threshold::parse_minutes("14.99").unwrap();
        // 14.99 min = 899.4 s
        assert!(t.admits(899_400_000, 1));
        assert!(!t.admits(899_400_001, 1));
        assert!(!t.admits(9 * 900_000_000, 9));
        assert!(Threshold::DEFAULT.admits(9 * 900_000_000, 9));
        assert_eq!(
            Threshold::parse_minutes("15.000").unwrap(),
            Threshold::DEFAULT
        );
        assert_eq!(Threshold::parse_minutes("015").unwrap(), Threshold::DEFAULT);
        assert_eq!(t.micros_floor(), 899_400_000);
        assert_eq!(
            Threshold::parse_minutes(".5").unwrap().micros_floor(),
            30_000_000
        );
        for bad in [
            "",
            "0",
            "0.0",
            "-1",
            "1e3",
            "abc",
            "1.",
            ".",
            "15 ",
            "1234567890123456789",
        ] {
            assert!(Threshold::parse_minutes(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn labels_follow_the_bounds() {
        let s = 1_000_000u64;
        assert_eq!(Label::for_mean(59 * s, 1), Some(Label::Instantly));
        assert_eq!(Label::for_mean(60 * s, 1), Some(Label::Minutes));
        assert_eq!(Label::for_mean(900 * s, 1), Some(Label::Minutes));
        assert_eq!(Label::for_mean(900 * s + 1, 1), Some(Label::Hour));
        assert_eq!(Label::for_mean(3600 * s, 1), Some(Label::Hour));
        assert_eq!(Label::for_mean(4 * 3600 * s, 1), Some(Label::FewHours));
        assert_eq!(Label::for_mean(24 * 3600 * s, 1), Some(Label::Day));
        assert_eq!(Label::for_mean(24 * 3600 * s + 1, 1), None);
        assert_eq!(FastestSum::k_for(11), 10);
        assert_eq!(FastestSum::k_for(10), 9);
        assert_eq!(FastestSum::k_for(1), 1);
    }
}
