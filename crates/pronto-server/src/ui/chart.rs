//! The dashboard's trend charts: one small line chart per figure, written as SVG
//! on the server. Days without a figure are gaps in the line, and the badge's
//! threshold is a dashed line across the chart.

use std::fmt::Write;

use maud::{Markup, html};

/// The chart's drawing box, in SVG user units (the SVG scales to its container).
pub const WIDTH: f64 = 640.0;
/// The drawing box's height.
pub const HEIGHT: f64 = 180.0;
const LEFT: f64 = 56.0;
const RIGHT: f64 = 12.0;
const TOP: f64 = 12.0;
const BOTTOM: f64 = 28.0;

/// A linear map from a value range onto a pixel range (which may run backwards,
/// as the y axis does).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Scale {
    /// The value drawn at `px0`.
    pub min: f64,
    /// The value drawn at `px1`.
    pub max: f64,
    /// Where `min` goes.
    pub px0: f64,
    /// Where `max` goes.
    pub px1: f64,
}

impl Scale {
    /// Where `v` goes; values outside the range are clamped to its ends.
    pub fn at(&self, v: f64) -> f64 {
        let span = self.max - self.min;
        let f = if span > 0.0 {
            ((v - self.min) / span).clamp(0.0, 1.0)
        } else {
            0.0
        };
        self.px0 + f * (self.px1 - self.px0)
    }
}

/// The x position of day `i` of `n`.
pub fn x_scale(n: usize) -> Scale {
    Scale {
        min: 0.0,
        max: n.saturating_sub(1).max(1) as f64,
        px0: LEFT,
        px1: WIDTH - RIGHT,
    }
}

/// The y axis from 0 (at the bottom) to `max` (at the top).
pub fn y_scale(max: f64) -> Scale {
    Scale {
        min: 0.0,
        max,
        px0: HEIGHT - BOTTOM,
        px1: TOP,
    }
}

/// The top of a response-time axis in minutes: a round duration whose half is
/// round too (so both labelled ticks read like "2 h" and "4 h", never "8 h 20 min"),
/// above the highest figure and the threshold.
pub fn nice_minutes(highest: f64, threshold: f64) -> f64 {
    const TOPS: [f64; 11] = [
        2.0, 10.0, 20.0, 30.0, 60.0, 120.0, 240.0, 480.0, 720.0, 1440.0, 2880.0,
    ];
    let want = highest.max(threshold) * 1.1;
    TOPS.into_iter().find(|t| *t >= want).unwrap_or(2880.0)
}

/// The SVG path of a series: one `M` where a run of days with figures starts, an
/// `L` for each following day, so days without a figure are gaps.
pub fn path(values: &[Option<f64>], x: Scale, y: Scale) -> String {
    let mut d = String::new();
    let mut drawing = false;
    for (i, v) in values.iter().enumerate() {
        match v {
            Some(v) => {
                let cmd = if drawing { 'L' } else { 'M' };
                if !d.is_empty() {
                    d.push(' ');
                }
                let _ = write!(d, "{cmd}{:.1} {:.1}", x.at(i as f64), y.at(*v));
                drawing = true;
            }
            None => drawing = false,
        }
    }
    d
}

/// What one chart shows.
pub struct Chart<'a> {
    /// The element id prefix (`rate`, `time`), for the title and description ids.
    pub id: &'a str,
    /// The chart's title.
    pub title: &'a str,
    /// A sentence that says what the chart shows, for screen readers.
    pub summary: &'a str,
    /// One value per day (`None`: no figure that day), oldest first.
    pub values: &'a [Option<f64>],
    /// The date under each value, as shown under the axis.
    pub dates: &'a [String],
    /// The badge's threshold, in the values' unit.
    pub threshold: f64,
    /// The threshold line's label.
    pub threshold_label: &'a str,
    /// The y axis's top; the bottom is 0.
    pub max: f64,
    /// Writes a value as the axis and the points' tooltips show it.
    pub format: &'a dyn Fn(f64) -> String,
}

/// The chart as an SVG image with its title and description. The threshold's label
/// sits at the left, where the oldest (often empty) days are.
pub fn render(c: &Chart) -> Markup {
    let x = x_scale(c.values.len());
    let y = y_scale(c.max);
    let ticks = [0.0, c.max / 2.0, c.max];
    let threshold_y = y.at(c.threshold);
    let last = c.dates.len().saturating_sub(1);
    let labelled: Vec<usize> = if last == 0 {
        vec![0]
    } else {
        vec![0, last / 2, last]
    };
    let title_id = format!("{}-chart-title", c.id);
    let desc_id = format!("{}-chart-desc", c.id);
    html! {
        svg.chart viewBox=(format!("0 0 {WIDTH} {HEIGHT}")) role="img"
            aria-labelledby=(format!("{title_id} {desc_id}")) preserveAspectRatio="xMidYMid meet" {
            title id=(title_id) { (c.title) }
            desc id=(desc_id) { (c.summary) }
            g.axis {
                @for v in ticks {
                    line.grid x1=(LEFT) x2=(WIDTH - RIGHT) y1=(fmt(y.at(v))) y2=(fmt(y.at(v))) {}
                    text.tick x=(LEFT - 6.0) y=(fmt(y.at(v) + 4.0)) text-anchor="end" { ((c.format)(v)) }
                }
                @for i in &labelled {
                    @let anchor = if *i == 0 { "start" } else if *i == last { "end" } else { "middle" };
                    text.tick x=(fmt(x.at(*i as f64))) y=(HEIGHT - 8.0) text-anchor=(anchor) {
                        (c.dates.get(*i).map_or("", String::as_str))
                    }
                }
            }
            line.threshold x1=(LEFT) x2=(WIDTH - RIGHT) y1=(fmt(threshold_y)) y2=(fmt(threshold_y)) {}
            text.threshold-label x=(LEFT + 4.0) y=(fmt(threshold_y - 4.0)) text-anchor="start" {
                (c.threshold_label)
            }
            path.series d=(path(c.values, x, y)) {}
            @for (i, v) in c.values.iter().enumerate() {
                @if let Some(v) = v {
                    circle.point cx=(fmt(x.at(i as f64))) cy=(fmt(y.at(*v))) r="2.5" {
                        title { (c.dates.get(i).map_or("", String::as_str)) ": " ((c.format)(*v)) }
                    }
                }
            }
        }
    }
}

fn fmt(v: f64) -> String {
    format!("{v:.1}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scales_map_the_ends_and_clamp() {
        let y = y_scale(1.0);
        assert_eq!(y.at(0.0), HEIGHT - BOTTOM);
        assert_eq!(y.at(1.0), TOP);
        assert_eq!(y.at(0.5), (HEIGHT - BOTTOM + TOP) / 2.0);
        assert_eq!(y.at(2.0), TOP, "above the top is drawn at the top");
        assert_eq!(y.at(-1.0), HEIGHT - BOTTOM);
        let x = x_scale(90);
        assert_eq!(x.at(0.0), LEFT);
        assert_eq!(x.at(89.0), WIDTH - RIGHT);
        // One day alone is drawn at the left, not divided by zero.
        assert_eq!(x_scale(1).at(0.0), LEFT);
        let flat = Scale {
            min: 3.0,
            max: 3.0,
            px0: 10.0,
            px1: 20.0,
        };
        assert_eq!(flat.at(3.0), 10.0);
    }

    #[test]
    fn days_without_figures_are_gaps() {
        let x = x_scale(5);
        let y = y_scale(1.0);
        let d = path(&[Some(1.0), Some(0.5), None, Some(0.0), None], x, y);
        assert_eq!(d.matches('M').count(), 2, "{d}");
        assert_eq!(d.matches('L').count(), 1, "{d}");
        assert!(d.starts_with(&format!("M{LEFT:.1} {TOP:.1} L")), "{d}");
        assert_eq!(path(&[None, None], x, y), "");
    }

    #[test]
    fn the_chart_draws_its_threshold_and_describes_itself() {
        let values = [Some(0.95), None, Some(0.8)];
        let dates: Vec<String> = ["03-01", "03-02", "03-03"].map(String::from).to_vec();
        let f = |v: f64| format!("{:.0} %", v * 100.0);
        let svg = render(&Chart {
            id: "rate",
            title: "Rate <b>",
            summary: "Latest 80 %",
            values: &values,
            dates: &dates,
            threshold: 0.9,
            threshold_label: "target 90 %",
            max: 1.0,
            format: &f,
        })
        .into_string();
        let ty = fmt(y_scale(1.0).at(0.9));
        assert!(
            svg.contains(&format!(
                r#"class="threshold" x1="{LEFT}" x2="{}" y1="{ty}""#,
                WIDTH - RIGHT
            )),
            "{svg}"
        );
        assert!(svg.contains(r#"role="img""#));
        assert!(svg.contains("Rate &lt;b&gt;"));
        assert_eq!(svg.matches("<circle").count(), 2);
    }

    #[test]
    fn time_axes_end_on_round_durations() {
        assert_eq!(nice_minutes(0.0, 15.0), 20.0);
        assert_eq!(nice_minutes(800.0, 15.0), 1440.0);
        assert_eq!(nice_minutes(100.0, 15.0), 120.0);
        assert_eq!(nice_minutes(5000.0, 15.0), 2880.0);
    }
}
