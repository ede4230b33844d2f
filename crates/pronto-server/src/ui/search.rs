//! The inbox's search box and its results, shown in place of the list (the reply
//! suggestions above the composer are the script's, `inbox.js`).

use maud::{Markup, PreEscaped, html};
use pronto_core::search::{self, Query};
use pronto_store::{HitKind, SearchQuery};

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

/// The results for `q` (`offset` hits skipped), each a link that opens its
/// conversation at the matching message.
pub async fn results(state: &AppState, v: &Viewer, q: &str, offset: i64) -> ApiResult<Markup> {
    let t = v.t();
    let s = &t.search;
    let text: String = q.chars().take(MAX_QUERY).collect();
    let hits = match Query::parse(&text) {
        Some(query) => {
            let sq = SearchQuery {
                query: query.clone(),
                channel: None,
                folder: None,
                assignee: None,
                label: None,
                from: None,
                to: None,
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
                        a.more href={ "/inbox?q=" (encoded) "&offset=" (offset + PAGE) } { (s.more) }
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
