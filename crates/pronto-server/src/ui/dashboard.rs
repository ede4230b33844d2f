//! `GET /dashboard`: a channel's responsiveness, as the badge sees it: the figures
//! against their thresholds, the 90-day trend, the new messages at risk, every
//! opportunity explained and the per-responder figures. `GET /ui/dashboard` is the
//! same without the frame, which the script fetches again when figures move.

use std::collections::HashMap;

use axum::extract::State;
use maud::{Markup, PreEscaped, html};
use pronto_core::{Author, Date, Exclusion, Label, Report, Settings, Status, Timestamp, view};
use pronto_store::{Channel, ConversationQuery};
use serde::Deserialize;

use super::Viewer;
use super::chart::{self, Chart};
use super::format::{duration, time};
use super::i18n::{Lang, Texts, fill};
use super::layout::{Nav, page as layout};
use crate::error::{ApiError, ApiResult};
use crate::extract::ApiQuery;
use crate::state::AppState;

mod tables;

/// At most this many rows of the explanation table, the newest.
pub const MAX_ROWS: usize = 500;
/// The trend chart's length in days, today included.
pub const TREND_DAYS: i64 = 90;

const STATUSES: [&str; 4] = ["answered", "missed", "pending", "excluded"];
const REASONS: [&str; 4] = ["away", "spam", "moved_to_done", "moved_to_spam"];

/// The query string: the channel, how replies count, and the table's filters.
#[derive(Deserialize, Default, Clone)]
pub struct Params {
    channel: Option<String>,
    human_only: Option<String>,
    status: Option<String>,
    reason: Option<String>,
}

impl Params {
    fn human_only(&self) -> bool {
        self.human_only
            .as_deref()
            .is_some_and(|s| !matches!(s, "" | "0" | "false" | "off"))
    }

    fn status(&self) -> Option<&'static str> {
        let s = self.status.as_deref()?;
        STATUSES.into_iter().find(|x| *x == s)
    }

    fn reason(&self) -> Option<&'static str> {
        let r = self.reason.as_deref()?;
        REASONS.into_iter().find(|x| *x == r)
    }

    /// The query string that shows the same thing for `channel`.
    fn query(&self, channel: i64) -> String {
        let mut q = format!("channel={channel}");
        if self.human_only() {
            q.push_str("&human_only=1");
        }
        if let Some(s) = self.status() {
            q.push_str(&format!("&status={s}"));
        }
        if let Some(r) = self.reason() {
            q.push_str(&format!("&reason={r}"));
        }
        q
    }
}

/// The page.
pub async fn page(
    State(state): State<AppState>,
    v: Viewer,
    ApiQuery(p): ApiQuery<Params>,
) -> ApiResult<Markup> {
    let t = v.t();
    let d = &t.dashboard;
    let channels = state.store.channels(v.workspace()).await?;
    let Some(channel) = pick(&channels, &p)? else {
        let body = html! { h1 { (d.title) } p.empty { (d.no_channels) } };
        return Ok(layout(&v, d.title, Nav::Dashboard, body));
    };
    let data = load(&state, &v, channel, &p).await?;
    let body = html! {
        h1 { (d.title) }
        form.dash-controls method="get" action="/dashboard" aria-label=(d.controls) {
            label for="dash-channel" { (t.common.channel) }
            select id="dash-channel" name="channel" {
                @for ch in &channels {
                    option value=(ch.id) selected[ch.id == channel.id] { (ch.name) }
                }
            }
            label.check {
                input type="checkbox" name="human_only" value="1" checked[p.human_only()];
                (d.human_only)
            }
            button type="submit" { (d.show) }
        }
        div id="dash" data-channel=(channel.id) data-query=(p.query(channel.id)) {
            (main_part(&v, &data, &p))
        }
        (tables::export(&v, channel.id, Timestamp::from_micros(state.now()).date()))
    };
    Ok(layout(&v, d.title, Nav::Dashboard, body))
}

/// `GET /ui/dashboard`: the page's main part alone.
pub async fn fragment(
    State(state): State<AppState>,
    v: Viewer,
    ApiQuery(p): ApiQuery<Params>,
) -> ApiResult<Markup> {
    let channels = state.store.channels(v.workspace()).await?;
    let channel = pick(&channels, &p)?.ok_or_else(|| ApiError::not_found("channel"))?;
    let data = load(&state, &v, channel, &p).await?;
    Ok(main_part(&v, &data, &p))
}

/// The asked-for channel among the workspace's (404 when it is not one of them),
/// or the first.
fn pick<'a>(channels: &'a [Channel], p: &Params) -> ApiResult<Option<&'a Channel>> {
    match p.channel.as_deref().filter(|c| !c.is_empty()) {
        None => Ok(channels.first()),
        Some(text) => text
            .parse::<i64>()
            .ok()
            .and_then(|id| channels.iter().find(|c| c.id == id))
            .map(Some)
            .ok_or_else(|| ApiError::not_found("channel")),
    }
}

/// One opportunity, as the table shows it.
struct Row {
    conversation: Option<i64>,
    at: i64,
    status: &'static str,
    reason: Option<&'static str>,
    response_us: Option<i64>,
    reply: Option<(i64, String)>,
    in_window: bool,
}

/// One pending opportunity at risk.
struct Risk {
    conversation: Option<i64>,
    at: i64,
    deadline: Option<i64>,
    expires: i64,
    badge_if_missed: bool,
}

/// Everything the main part shows, read once.
struct Data {
    channel: Channel,
    report: Report,
    settings: Settings,
    now: i64,
    /// Rows matching the filters, newest first, at most [`MAX_ROWS`].
    rows: Vec<Row>,
    /// How many match the filters.
    matching: usize,
    at_risk: Vec<Risk>,
    /// (who, answered first, mean seconds)
    agents: Vec<(String, u64, f64)>,
    /// (date, rate, time in minutes) per day.
    days: Vec<(Date, Option<f64>, Option<f64>)>,
    names: HashMap<i64, String>,
}

async fn load(state: &AppState, v: &Viewer, channel: &Channel, p: &Params) -> ApiResult<Data> {
    let t = v.t();
    let ws = v.workspace();
    let settings = Settings {
        human_only: p.human_only(),
        ..Settings::default()
    };
    let now = state.now();
    let at = Timestamp::from_micros(now);
    let members: HashMap<String, String> = state
        .store
        .members(ws)
        .await?
        .into_iter()
        .map(|m| (m.user.id.to_string(), m.user.name))
        .collect();
    let who = |author: Author, agent: Option<&str>| -> String {
        let d = &t.dashboard;
        match (author, agent) {
            (Author::Bot, _) => d.bot.to_owned(),
            (_, Some(id)) => members
                .get(id)
                .cloned()
                .unwrap_or_else(|| fill(d.former_member, &[("id", id)])),
            (_, None) => d.agent_unknown.to_owned(),
        }
    };
    let (status, reason) = (p.status(), p.reason());
    let today = at.date();
    let from = Date::from_days(today.days_since_epoch() - (TREND_DAYS - 1));
    // Everything from the channel's live engine: the newest rows of the
    // explanation, the forecast (window and pending only), the per-agent figures
    // (window only) and the daily series it keeps.
    let (report, rows, matching, at_risk, agents, days) = state
        .engines
        .read(
            &state.store,
            ws,
            channel.id,
            settings,
            "15".into(),
            |entry| {
                let (engine, names) = entry.parts();
                let report = engine.report_at(at);
                let mut rows: Vec<Row> = Vec::new();
                let mut matching = 0;
                for i in (0..engine.opportunity_count()).rev() {
                    let Some(o) = engine.opportunity(i) else {
                        continue;
                    };
                    let word = o.status.word();
                    let why = match o.status {
                        Status::Excluded(e) => Some(reason_key(e)),
                        _ => None,
                    };
                    if status.is_some_and(|s| word != s) || reason.is_some_and(|x| why != Some(x)) {
                        continue;
                    }
                    matching += 1;
                    if rows.len() >= MAX_ROWS {
                        continue;
                    }
                    let r = view::explain_one(&o, names);
                    rows.push(Row {
                        conversation: r.conversation.parse().ok(),
                        at: r.at.micros(),
                        status: r.status,
                        reason: r.reason.map(reason_key),
                        response_us: r.response_time_seconds.map(|s| (s * 1e6).round() as i64),
                        reply: r.reply.map(|x| (x.at.micros(), who(x.author, x.agent))),
                        in_window: r.in_window,
                    });
                }
                let at_risk: Vec<Risk> = view::forecast(&engine.forecast(), names)
                    .at_risk
                    .iter()
                    .map(|d| Risk {
                        conversation: d.conversation.parse().ok(),
                        at: d.at.micros(),
                        deadline: d.deadline.map(Timestamp::micros),
                        expires: d.expires.micros(),
                        badge_if_missed: d.badge_if_missed,
                    })
                    .collect();
                let agents: Vec<(String, u64, f64)> = view::agent_views(&engine.per_agent(), names)
                    .iter()
                    .map(|a| {
                        (
                            who(a.author, a.agent),
                            a.answered,
                            a.mean_response_time_seconds,
                        )
                    })
                    .collect();
                let days: Vec<(Date, Option<f64>, Option<f64>)> = engine
                    .daily(from, today, at)
                    .iter()
                    .map(|d| {
                        let r = d.report;
                        (
                            d.date,
                            r.response_rate(),
                            r.response_time_seconds().map(|s| s / 60.0),
                        )
                    })
                    .collect();
                (report, rows, matching, at_risk, agents, days)
            },
        )
        .await?;

    // Contact names: one read of the channel's conversations (the store gives at
    // most 500, those waiting first), then one read for each one at risk it missed.
    let query = ConversationQuery {
        channel: Some(channel.id),
        limit: 500,
        ..Default::default()
    };
    let named = |c: pronto_store::Conversation| {
        super::inbox::display_name(t, &c.contact_name, c.contact_id)
    };
    let mut names: HashMap<i64, String> = state
        .store
        .conversations(ws, &query)
        .await?
        .into_iter()
        .map(|c| (c.id, named(c)))
        .collect();
    for id in at_risk.iter().filter_map(|r| r.conversation).take(100) {
        if let std::collections::hash_map::Entry::Vacant(e) = names.entry(id)
            && let Ok(c) = state.store.conversation(ws, id).await
        {
            e.insert(named(c));
        }
    }
    Ok(Data {
        channel: channel.clone(),
        report,
        settings,
        now,
        rows,
        matching,
        at_risk,
        agents,
        days,
        names,
    })
}

fn reason_key(e: Exclusion) -> &'static str {
    match e {
        Exclusion::Away => "away",
        Exclusion::Spam => "spam",
        Exclusion::MovedToDone => "moved_to_done",
        Exclusion::MovedToSpam => "moved_to_spam",
    }
}

/// `ratio` as a percentage in the language's way: `93.4 %`, `93,4 %`.
pub fn percent(lang: Lang, ratio: f64, digits: usize) -> String {
    let text = format!("{:.*}", digits, ratio * 100.0);
    match lang {
        Lang::En => format!("{text} %"),
        Lang::Fr | Lang::It => format!("{} %", text.replace('.', ",")),
    }
}

/// `text` with each `{name}` replaced by markup; the rest of the text is escaped.
fn fill_markup(text: &str, values: &[(&str, Markup)]) -> Markup {
    let mut out = String::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&html! { (&rest[..open]) }.into_string());
        let after = &rest[open + 1..];
        let found = after.split_once('}').and_then(|(name, tail)| {
            values
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, m)| (m, tail))
        });
        match found {
            Some((markup, tail)) => {
                out.push_str(&markup.0);
                rest = tail;
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(&html! { (rest) }.into_string());
    PreEscaped(out)
}

fn label_text(t: &Texts, l: Label) -> &'static str {
    let d = &t.dashboard;
    match l {
        Label::Instantly => d.label_instantly,
        Label::Minutes => d.label_minutes,
        Label::Hour => d.label_hour,
        Label::FewHours => d.label_few_hours,
        Label::Day => d.label_day,
    }
}

fn minutes(t: &Texts, m: f64) -> String {
    duration(t, (m * 60e6).round() as i64)
}

/// The page's main part: what the script swaps in when the figures move.
fn main_part(v: &Viewer, data: &Data, p: &Params) -> Markup {
    html! {
        (badge(v, data))
        (trend(v, data))
        (tables::at_risk(v, data))
        (tables::agents(v, data))
        (tables::explain(v, data, p))
    }
}

fn badge(v: &Viewer, data: &Data) -> Markup {
    let t = v.t();
    let d = &t.dashboard;
    let r = &data.report;
    let c = r.opportunities;
    let threshold_min = data.settings.threshold.seconds() / 60.0;
    let rate_ok = c.counted > 0 && 10 * c.answered >= 9 * c.counted;
    let time_ok = r
        .fastest
        .is_some_and(|f| data.settings.threshold.admits(f.sum_us, f.k));
    let verdict = |ok: bool| {
        html! { span class=(if ok { "verdict ok" } else { "verdict no" }) { (if ok { d.met } else { d.not_met }) } }
    };
    html! {
        section.badge-card aria-labelledby="badge-title" {
            h2 id="badge-title" { (d.summary) " · " (data.channel.name) }
            @if r.badge {
                p.verdict-line.earned { span aria-hidden="true" { "✓ " } (d.badge_earned) }
            } @else {
                p.verdict-line.missed { span aria-hidden="true" { "✗ " } (d.badge_missed) }
            }
            @if let Some(l) = r.label() {
                p.meta-label { (label_text(t, l)) }
            }
            dl.figures {
                div.figure {
                    dt { (d.rate) }
                    dd {
                        strong.value { (r.response_rate().map_or(d.no_figure.to_owned(), |x| percent(v.lang, x, 1))) }
                        span.target { (fill(d.target_at_least, &[("value", &percent(v.lang, 0.9, 0))])) }
                        (verdict(rate_ok))
                    }
                }
                div.figure {
                    dt { (d.time) }
                    dd {
                        strong.value { (r.response_time_seconds().map_or(d.no_figure.to_owned(), |s| duration(t, (s * 1e6).round() as i64))) }
                        span.target { (fill(d.target_at_most, &[("value", &minutes(t, threshold_min))])) }
                        (verdict(time_ok))
                        span.help { (d.time_help) }
                    }
                }
                div.figure {
                    dt { (d.window) }
                    dd {
                        @match r.window {
                            Some(w) => (fill_markup(d.window_range, &[("start", time(w.start.micros())), ("end", time(w.end.micros()))])),
                            None => (d.window_none),
                        }
                    }
                }
            }
            h3 { (d.counts) }
            dl.counts {
                div { dt { (d.counted) } dd { (c.counted) } }
                div { dt { (d.answered) } dd { (c.answered) } }
                div { dt { (d.missed) } dd { (c.missed) } }
                div { dt { (d.pending) } dd { (c.pending) } }
                div { dt { (d.excluded) } dd { (c.excluded) } }
            }
            p.help { (d.count_help) }
        }
    }
}

fn trend(v: &Viewer, data: &Data) -> Markup {
    let t = v.t();
    let d = &t.dashboard;
    let dates: Vec<String> = data
        .days
        .iter()
        .map(|(day, _, _)| day.to_string())
        .collect();
    let rates: Vec<Option<f64>> = data.days.iter().map(|x| x.1).collect();
    let times: Vec<Option<f64>> = data.days.iter().map(|x| x.2).collect();
    let threshold_min = data.settings.threshold.seconds() / 60.0;
    let rate_fmt = |x: f64| percent(v.lang, x, 0);
    let rate_tip = |x: f64| percent(v.lang, x, 1);
    let time_fmt = |m: f64| minutes(t, m);
    let summary = |values: &[Option<f64>], f: &dyn Fn(f64) -> String, target: String| {
        fill(
            d.chart_summary,
            &[
                ("from", dates.first().map_or("", String::as_str)),
                ("to", dates.last().map_or("", String::as_str)),
                (
                    "latest",
                    &values
                        .iter()
                        .rev()
                        .flatten()
                        .next()
                        .map_or(d.no_data.to_owned(), |x| f(*x)),
                ),
                ("target", &target),
                (
                    "gaps",
                    &values.iter().filter(|x| x.is_none()).count().to_string(),
                ),
            ],
        )
    };
    let rate_target = percent(v.lang, 0.9, 0);
    let time_target = minutes(t, threshold_min);
    let rate_summary = summary(&rates, &rate_tip, rate_target.clone());
    let time_summary = summary(&times, &time_fmt, time_target.clone());
    let highest = times.iter().flatten().fold(0.0f64, |a, b| a.max(*b));
    let rate_label = fill(d.chart_target, &[("value", &rate_target)]);
    let time_label = fill(d.chart_target, &[("value", &time_target)]);
    html! {
        section.trend aria-labelledby="trend-title" {
            h2 id="trend-title" { (d.trend) }
            div.charts {
                figure {
                    figcaption { (d.chart_rate_title) }
                    (chart::render(&Chart { id: "rate", title: d.chart_rate_title, summary: &rate_summary,
                        values: &rates, dates: &dates, threshold: 0.9, threshold_label: &rate_label,
                        max: 1.0, format: &rate_fmt }))
                }
                figure {
                    figcaption { (d.chart_time_title) }
                    (chart::render(&Chart { id: "time", title: d.chart_time_title, summary: &time_summary,
                        values: &times, dates: &dates, threshold: threshold_min, threshold_label: &time_label,
                        max: chart::nice_minutes(highest, threshold_min), format: &time_fmt }))
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_follow_the_language() {
        assert_eq!(percent(Lang::En, 0.934, 1), "93.4 %");
        assert_eq!(percent(Lang::Fr, 0.934, 1), "93,4 %");
        assert_eq!(percent(Lang::It, 0.9, 0), "90 %");
    }

    #[test]
    fn markup_fills_escape_the_text_around_them() {
        let m = fill_markup("<b> {a} and {b} {c}", &[("a", html! { i { "x" } })]).into_string();
        assert_eq!(m, "&lt;b&gt; <i>x</i> and {b} {c}");
    }

    #[test]
    fn filters_accept_only_known_words() {
        let p = Params {
            status: Some("missed".into()),
            reason: Some("<x>".into()),
            human_only: Some("on".into()),
            ..Default::default()
        };
        assert_eq!(p.status(), Some("missed"));
        assert_eq!(p.reason(), None);
        assert_eq!(p.query(3), "channel=3&human_only=1&status=missed");
    }
}
