//! The inbox's search box and its results, shown in place of the list (the reply
//! suggestions above the composer are the script's, `inbox.js`).

use maud::{Markup, PreEscaped, html};
use pronto_core::Folder;
use pronto_core::hours::{LocalTime, Zone};
use pronto_core::search::{self, Query};
use pronto_core::time::Date;
use pronto_store::{Channel, HitKind, Member, SearchQuery};
use serde::Deserialize;

use super::Viewer;
use super::format::time;
use super::i18n::fill;
use super::inbox::display_name;
use crate::error::ApiResult;
use crate::routes::search::MAX_QUERY;
use crate::state::AppState;

/// Hits on one page of results.
const PAGE: i64 = 30;

/// Characters of a hit's text shown around its first match.
const SNIPPET: usize = 140;

/// The search box: a plain form, so it works before the script runs.
pub fn search_box(v: &Viewer, q: Option<&str>) -> Markup {
    let t = &v.t().search;
    html! {
        form.search role="search" method="get" action="/inbox" {
            label for="search-q" { (t.label) }
            input id="search-q" type="search" name="q" value=[q] maxlength=(MAX_QUERY)
                placeholder=(t.placeholder) autocomplete="off";
            button type="submit" { (t.button) }
        }
    }
}

/// The search's filters, from the inbox's query string (named apart from the
/// list's own `folder` and `channel`, which the list keeps while results show).
#[derive(Deserialize, Default, Clone)]
pub struct Filters {
    /// Only this channel (its id).
    in_channel: Option<String>,
    /// Only conversations in this folder: inbox, done or spam.
    in_folder: Option<String>,
    /// Only conversations assigned to this member (`me`, or a user id).
    by: Option<String>,
    /// Only conversations with this label.
    label: Option<String>,
    /// Only what was written on or after this day (`YYYY-MM-DD`).
    from: Option<String>,
    /// Only what was written on or before this day (`YYYY-MM-DD`).
    to: Option<String>,
    /// The browser's time zone, which the days are read in (UTC when absent).
    tz: Option<String>,
}

/// A filter's value, `None` when empty.
fn value(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

impl Filters {
    fn channel(&self) -> Option<i64> {
        value(&self.in_channel).and_then(|c| c.parse().ok())
    }

    fn folder(&self) -> Option<Folder> {
        value(&self.in_folder).and_then(Folder::parse)
    }

    fn assignee(&self, v: &Viewer) -> Option<i64> {
        match value(&self.by)? {
            "me" => Some(v.user.id),
            id => id.parse().ok(),
        }
    }

    fn zone(&self) -> Zone {
        value(&self.tz)
            .and_then(|z| Zone::parse(z).ok())
            .or_else(|| Zone::parse("UTC").ok())
            .expect("UTC is a zone")
    }

    /// The first instant of `from`'s day in the filters' zone.
    fn from(&self) -> Option<i64> {
        let date = Date::parse(value(&self.from)?)?;
        Some(self.zone().instant(date, LocalTime::MIDNIGHT)?.micros())
    }

    /// The first instant after `to`'s day (the whole day is in) in the filters' zone.
    fn to(&self) -> Option<i64> {
        let date = Date::parse(value(&self.to)?)?.succ();
        Some(self.zone().instant(date, LocalTime::MIDNIGHT)?.micros())
    }

    /// Whether any filter is set (the filters then show open).
    fn any(&self) -> bool {
        [
            &self.in_channel,
            &self.in_folder,
            &self.by,
            &self.label,
            &self.from,
            &self.to,
        ]
        .into_iter()
        .any(|f| value(f).is_some())
    }

    /// The filters as a query string's continuation (`&in_channel=3…`).
    fn query_string(&self) -> String {
        let mut out = String::new();
        for (name, f) in [
            ("in_channel", &self.in_channel),
            ("in_folder", &self.in_folder),
            ("by", &self.by),
            ("label", &self.label),
            ("from", &self.from),
            ("to", &self.to),
            ("tz", &self.tz),
        ] {
            if let Some(v) = value(f) {
                out.push_str(&format!("&{name}={}", encode(v)));
            }
        }
        out
    }
}

/// What the results are drawn from besides the words: the workspace's channels
/// and members, for the filters' choices.
pub struct Choices<'a> {
    /// The workspace's channels.
    pub channels: &'a [Channel],
    /// The workspace's members.
    pub members: &'a [Member],
}

/// The filters' form: the words again (hidden) and a choice for each filter;
/// the script fills `tz` with the browser's zone.
fn filters_form(v: &Viewer, text: &str, f: &Filters, choices: &Choices) -> Markup {
    let t = v.t();
    let s = &t.search;
    let channel = f.channel();
    let folder = f.folder();
    let by = value(&f.by);
    html! {
        details.search-filters open[f.any()] {
            summary { (s.filters) }
            form method="get" action="/inbox" {
                input type="hidden" name="q" value=(text);
                input type="hidden" name="tz" value=[value(&f.tz)] data-browser-zone="";
                label for="search-channel" { (t.common.channel) }
                select id="search-channel" name="in_channel" {
                    option value="" { (t.common.all_channels) }
                    @for ch in choices.channels {
                        option value=(ch.id) selected[channel == Some(ch.id)] { (ch.name) }
                    }
                }
                label for="search-folder" { (s.filter_folder) }
                select id="search-folder" name="in_folder" {
                    option value="" { (s.any_folder) }
                    @for (f, name) in [(Folder::Inbox, t.inbox.folder_inbox), (Folder::Done, t.inbox.folder_done), (Folder::Spam, t.inbox.folder_spam)] {
                        option value=(f.as_str()) selected[folder == Some(f)] { (name) }
                    }
                }
                label for="search-by" { (s.filter_assignee) }
                select id="search-by" name="by" {
                    option value="" { (s.anyone) }
                    option value="me" selected[by == Some("me")] { (s.me) }
                    @for m in choices.members {
                        @let id = m.user.id.to_string();
                        option value=(id) selected[by == Some(id.as_str())] { (m.user.name) }
                    }
                }
                label for="search-label" { (s.filter_label) }
                input id="search-label" type="text" name="label" value=[value(&f.label)] maxlength="64";
                label for="search-from" { (s.filter_from) }
                input id="search-from" type="date" name="from" value=[value(&f.from)];
                label for="search-to" { (s.filter_to) }
                input id="search-to" type="date" name="to" value=[value(&f.to)];
                button type="submit" { (s.apply_filters) }
                @if f.any() {
                    a.clear-filters href={ "/inbox?q=" (encode(text)) } { (s.clear_filters) }
                }
            }
        }
    }
}

/// The results for `q` with the filters (`offset` hits skipped), each a link
/// that opens its conversation at the matching message.
pub async fn results(
    state: &AppState,
    v: &Viewer,
    q: &str,
    filters: &Filters,
    choices: &Choices<'_>,
    offset: i64,
) -> ApiResult<Markup> {
    let t = v.t();
    let s = &t.search;
    let text: String = q.chars().take(MAX_QUERY).collect();
    let hits = match Query::parse(&text) {
        Some(query) => {
            let sq = SearchQuery {
                query: query.clone(),
                channel: filters.channel(),
                folder: filters.folder(),
                assignee: filters.assignee(v),
                label: value(&filters.label).map(str::to_owned),
                from: filters.from(),
                to: filters.to(),
                offset: offset.max(0),
                limit: PAGE + 1,
            };
            let hits = state.store.search(v.workspace(), &sq).await?;
            Some((query, hits))
        }
        None => None,
    };
    let encoded = encode(&text);
    Ok(html! {
        div.search-results id="search-results" {
            h2 { (fill(s.results, &[("q", &text)])) }
            a.clear href="/inbox" { (s.clear) }
            (filters_form(v, &text, filters, choices))
            @match &hits {
                Some((query, hits)) if !hits.is_empty() => {
                    ol.hits {
                        @for h in hits.iter().take(PAGE as usize) {
                            @let anchor = match (h.kind, h.item_id) {
                                (HitKind::Message, Some(id)) => format!("#m{id}"),
                                _ => String::new(),
                            };
                            li.hit data-kind=(kind_name(h.kind)) {
                                a href={ "/inbox?q=" (encoded) "&c=" (h.conversation_id) (anchor) }
                                    data-hit=(h.conversation_id) data-message=[h.item_id.filter(|_| h.kind == HitKind::Message)] {
                                    span.line1 {
                                        span.name { (display_name(t, &h.contact_name, h.contact_id)) }
                                        " " span.kind { (kind_label(v, h.kind)) }
                                        @if let Some(at) = h.at { " " (time(at)) }
                                    }
                                    // Escaped by `search::snippet`, which adds only `<mark>`.
                                    span.snippet { (PreEscaped(search::snippet(&h.text, query, SNIPPET))) }
                                }
                            }
                        }
                    }
                    @if hits.len() as i64 > PAGE {
                        a.more href={ "/inbox?q=" (encoded) (filters.query_string()) "&offset=" (offset + PAGE) } { (s.more) }
                    }
                }
                _ => p.empty { (fill(s.none, &[("q", &text)])) },
            }
        }
    })
}

fn kind_name(kind: HitKind) -> &'static str {
    match kind {
        HitKind::Contact => "contact",
        HitKind::Label => "label",
        HitKind::Message => "message",
        HitKind::Note => "note",
    }
}

fn kind_label(v: &Viewer, kind: HitKind) -> &'static str {
    let s = &v.t().search;
    match kind {
        HitKind::Contact => s.kind_contact,
        HitKind::Label => s.kind_label,
        HitKind::Message => s.kind_message,
        HitKind::Note => s.kind_note,
    }
}

/// `text` for a query string's value.
fn encode(text: &str) -> String {
    let mut out = String::new();
    for b in text.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}
