//! The dashboard's tables: the new messages at risk, the per-responder figures and
//! the explanation of every new message with its filter.

use maud::{Markup, html};
use pronto_core::Date;

use super::{Data, Params, REASONS, Row, STATUSES, fill_markup};
use crate::ui::Viewer;
use crate::ui::format::{duration, time};
use crate::ui::i18n::{Texts, fill};

fn status_text(t: &Texts, s: &str) -> &'static str {
    let d = &t.dashboard;
    match s {
        "answered" => d.status_answered,
        "missed" => d.status_missed,
        "pending" => d.status_pending,
        _ => d.status_excluded,
    }
}

fn status_filter_text(t: &Texts, s: &str) -> &'static str {
    let d = &t.dashboard;
    match s {
        "answered" => d.answered,
        "missed" => d.missed,
        "pending" => d.pending,
        _ => d.excluded,
    }
}

fn reason_text(t: &Texts, r: &str) -> &'static str {
    let d = &t.dashboard;
    match r {
        "away" => d.reason_away,
        "spam" => d.reason_spam,
        "moved_to_done" => d.reason_moved_to_done,
        _ => d.reason_moved_to_spam,
    }
}

fn conversation_link(t: &Texts, data: &Data, id: Option<i64>) -> Markup {
    let d = &t.dashboard;
    match id {
        Some(id) => {
            let name = data
                .names
                .get(&id)
                .cloned()
                .unwrap_or_else(|| fill(d.conversation_n, &[("id", &id.to_string())]));
            html! { a href=(format!("/inbox?c={id}")) { (name) } }
        }
        None => html! { "—" },
    }
}

pub(super) fn at_risk(v: &Viewer, data: &Data) -> Markup {
    let t = v.t();
    let d = &t.dashboard;
    html! {
        section.at-risk aria-labelledby="at-risk-title" {
            h2 id="at-risk-title" { (d.at_risk) " (" (data.at_risk.len()) ")" }
            @if data.at_risk.is_empty() {
                p.empty { (d.at_risk_empty) }
            } @else {
                p.help { (d.at_risk_help) }
                div.table-scroll tabindex="0" role="region" aria-labelledby="at-risk-title" {
                    table.data {
                        caption.visually-hidden { (d.at_risk_help) }
                        thead { tr {
                            th scope="col" { (d.col_conversation) }
                            th scope="col" { (d.col_arrived) }
                            th scope="col" { (d.col_deadline) }
                            th scope="col" { (d.col_expires) }
                            th scope="col" { (d.col_if_missed) }
                        } }
                        tbody {
                            @for r in &data.at_risk {
                                tr {
                                    th scope="row" { (conversation_link(t, data, r.conversation)) }
                                    td { (time(r.at)) }
                                    td {
                                        @match r.deadline {
                                            Some(dl) => {
                                                (time(dl)) " "
                                                span.left data-deadline=(dl) { "(" (duration(t, dl - data.now)) ")" }
                                            }
                                            None => span.too-late { (d.no_deadline) },
                                        }
                                    }
                                    td { (time(r.expires)) }
                                    td {
                                        @if r.badge_if_missed { span.verdict.ok { (d.badge_kept) } }
                                        @else { span.verdict.no { (d.badge_lost) } }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

pub(super) fn agents(v: &Viewer, data: &Data) -> Markup {
    let t = v.t();
    let d = &t.dashboard;
    html! {
        section.agents aria-labelledby="agents-title" {
            h2 id="agents-title" { (d.agents) }
            @if data.agents.is_empty() {
                p.empty { (d.agents_empty) }
            } @else {
                p.help { (d.agents_help) }
                div.table-scroll tabindex="0" role="region" aria-labelledby="agents-title" {
                    table.data {
                        caption.visually-hidden { (d.agents_help) }
                        thead { tr {
                            th scope="col" { (d.col_responder) }
                            th.num scope="col" { (d.col_answered_first) }
                            th.num scope="col" { (d.col_mean_time) }
                        } }
                        tbody {
                            @for (who, answered, mean) in &data.agents {
                                tr {
                                    th scope="row" { (who) }
                                    td.num { (answered) }
                                    td.num { (duration(t, (mean * 1e6).round() as i64)) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

pub(super) fn explain(v: &Viewer, data: &Data, p: &Params) -> Markup {
    let t = v.t();
    let d = &t.dashboard;
    let (status, reason) = (p.status(), p.reason());
    html! {
        section.explain id="explain" aria-labelledby="explain-title" {
            h2 id="explain-title" { (d.explain) }
            p.help { (d.explain_help) }
            form.explain-filter method="get" action="/dashboard#explain" {
                input type="hidden" name="channel" value=(data.channel.id);
                @if p.human_only() { input type="hidden" name="human_only" value="1"; }
                label for="filter-status" { (d.status) }
                select id="filter-status" name="status" {
                    option value="" { (d.any) }
                    @for s in STATUSES {
                        option value=(s) selected[status == Some(s)] { (status_filter_text(t, s)) }
                    }
                }
                label for="filter-reason" { (d.reason) }
                select id="filter-reason" name="reason" {
                    option value="" { (d.any) }
                    @for r in REASONS {
                        option value=(r) selected[reason == Some(r)] { (reason_text(t, r)) }
                    }
                }
                button type="submit" { (d.filter) }
            }
            p.row-count role="status" {
                (fill(d.explain_total, &[("shown", &data.rows.len().to_string()), ("total", &data.matching.to_string())]))
                @if data.matching > data.rows.len() {
                    " " (fill(d.explain_capped, &[("shown", &data.rows.len().to_string())]))
                }
            }
            @if data.rows.is_empty() {
                p.empty { (d.explain_empty) }
            } @else {
                div.table-scroll tabindex="0" role="region" aria-labelledby="explain-title" {
                    table.data.explain-table {
                        caption.visually-hidden { (d.explain) }
                        thead { tr {
                            th scope="col" { (d.col_arrived) }
                            th scope="col" { (d.col_conversation) }
                            th scope="col" { (d.col_status) }
                            th scope="col" { (d.col_why) }
                            th scope="col" { (d.col_reply) }
                            th scope="col" { (d.col_in_window) }
                        } }
                        tbody {
                            @for r in &data.rows {
                                tr data-status=(r.status) data-reason=[r.reason] {
                                    td data-label=(d.col_arrived) { (time(r.at)) }
                                    td data-label=(d.col_conversation) { (conversation_link(t, data, r.conversation)) }
                                    td data-label=(d.col_status) { span class=(format!("status-word {}", r.status)) { (status_text(t, r.status)) } }
                                    td data-label=(d.col_why) { (why(t, data, r)) }
                                    td data-label=(d.col_reply) {
                                        @if let Some((at, who)) = &r.reply {
                                            (fill_markup(d.reply_by, &[("who", html! { (who) }), ("time", time(*at))]))
                                        } @else { "—" }
                                    }
                                    td data-label=(d.col_in_window) { (if r.in_window { d.yes } else { d.no }) }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

fn why(t: &Texts, data: &Data, r: &Row) -> String {
    let d = &t.dashboard;
    match (r.status, r.response_us, &r.reply, r.reason) {
        ("answered", Some(us), _, _) => fill(d.answered_in, &[("time", &duration(t, us))]),
        ("missed", _, Some((at, _)), _) => {
            fill(d.replied_late, &[("time", &duration(t, at - r.at))])
        }
        ("missed", ..) => d.no_reply_24h.to_owned(),
        ("pending", ..) => fill(d.waiting_for, &[("time", &duration(t, data.now - r.at))]),
        (_, _, _, Some(reason)) => reason_text(t, reason).to_owned(),
        _ => String::new(),
    }
}

/// The exports of the channel, for a range of days (the last 30 by default): two
/// buttons of one form, each a download from the API.
pub(super) fn export(v: &Viewer, channel: i64, today: Date) -> Markup {
    let d = &v.t().dashboard;
    let from = Date::from_days(today.days_since_epoch() - 29);
    html! {
        section.export id="export" aria-labelledby="export-title" {
            h2 id="export-title" { (d.export) }
            p.help { (d.export_help) }
            form.export-form method="get" action="/api/v1/exports/conversations.csv" {
                input type="hidden" name="channel" value=(channel);
                label for="export-from" { (d.export_from) }
                input id="export-from" type="date" name="from" value=(from.to_string()) required;
                label for="export-to" { (d.export_to) }
                input id="export-to" type="date" name="to" value=(today.to_string()) required;
                button type="submit" formaction="/api/v1/exports/conversations.csv" { (d.export_conversations) }
                button type="submit" formaction="/api/v1/exports/responsiveness.csv" { (d.export_responsiveness) }
            }
        }
    }
}
