//! `GET /api/v1/exports/conversations.csv` and `GET /api/v1/exports/responsiveness.csv`:
//! a date range of the workspace as CSV, streamed. The conversations come from the
//! store a page at a time (keyset on the id) and the explanation from the channels'
//! live engines a block of opportunities at a time, each page written out before the
//! next is read, so an export of any length holds one page in memory.

use std::borrow::Cow;

use axum::body::Body;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use pronto_core::analysis::Status;
use pronto_core::{Date, Settings, Threshold, Timestamp, view};
use pronto_store::{Channel, ExportedConversation};
use serde::Deserialize;

use crate::auth::Auth;
use crate::error::{ApiError, ApiResult};
use crate::extract::ApiQuery;
use crate::state::AppState;

/// Conversations read from the store at a time.
const PAGE: i64 = 500;
/// Opportunities read from an engine at a time (the engine's lock is held that long).
const BLOCK: usize = 1000;
/// A day, in microseconds.
const DAY: i64 = 86_400_000_000;

/// The range, in UTC days; both ends included.
#[derive(Deserialize, Default, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct Params {
    /// The first day (`YYYY-MM-DD`, UTC); default: 29 days before `to`.
    from: Option<String>,
    /// The last day, included (`YYYY-MM-DD`, UTC); default: today.
    to: Option<String>,
    /// Only this channel; default: every channel of the workspace.
    channel: Option<i64>,
}

/// The range asked for, as `[from, to)` in microseconds, and its name for the file.
struct Range {
    from: i64,
    to: i64,
    name: String,
}

fn range(p: &Params, now: i64) -> ApiResult<Range> {
    let day = |field: &'static str, text: &str| {
        Date::parse(text).ok_or_else(|| {
            ApiError::invalid(format!(
                "{field}={text:?}: expected a date as YYYY-MM-DD, such as 2026-01-31"
            ))
            .on_field(field)
        })
    };
    let to = match &p.to {
        Some(t) => day("to", t)?,
        None => Timestamp::from_micros(now).date(),
    };
    let from = match &p.from {
        Some(f) => day("from", f)?,
        None => Date::from_days(to.days_since_epoch() - 29),
    };
    if from > to {
        return Err(ApiError::invalid("from: the first day comes after the last").on_field("from"));
    }
    Ok(Range {
        from: from.days_since_epoch() * DAY,
        to: (to.days_since_epoch() + 1) * DAY,
        name: format!("{from}-{to}"),
    })
}

/// A cell as a spreadsheet may not read it as a formula: text beginning with `=`,
/// `+`, `-`, `@`, a tab or a carriage return gets a leading `'` (OWASP's advice).
pub fn cell(text: &str) -> Cow<'_, str> {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

fn time(micros: Option<i64>) -> String {
    micros.map_or_else(String::new, |m| Timestamp::from_micros(m).to_string())
}

fn seconds(micros: i64) -> String {
    let text = format!("{:.3}", micros as f64 / 1e6);
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

fn csv_response(
    name: String,
    stream: impl futures_util::Stream<Item = std::io::Result<Vec<u8>>> + Send + 'static,
) -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}.csv\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
        ],
        Body::from_stream(stream),
    )
}

/// Rows as CSV bytes; a failure is an IO error that ends the stream.
fn write_rows(rows: impl IntoIterator<Item = Vec<String>>) -> std::io::Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    for row in rows {
        w.write_record(row.iter().map(|c| cell(c).into_owned()))
            .map_err(std::io::Error::other)?;
    }
    w.into_inner()
        .map_err(|e| std::io::Error::other(e.to_string()))
}

const CONVERSATION_HEADER: [&str; 15] = [
    "id",
    "channel",
    "channel_kind",
    "contact",
    "contact_id",
    "status",
    "waiting",
    "snoozed_until",
    "assignee",
    "labels",
    "created_at",
    "last_message_at",
    "first_customer_message_at",
    "first_reply_at",
    "first_response_seconds",
];

fn conversation_row(c: ExportedConversation) -> Vec<String> {
    let response = match (c.first_customer_at, c.first_reply_at) {
        (Some(a), Some(b)) => seconds(b - a),
        _ => String::new(),
    };
    vec![
        c.id.to_string(),
        c.channel,
        c.channel_kind,
        c.contact,
        c.contact_external_id.unwrap_or_default(),
        c.folder,
        c.waiting.to_string(),
        time(c.snoozed_until),
        c.assignee.unwrap_or_default(),
        c.labels.join("; "),
        time(Some(c.created_at)),
        time(c.last_message_at),
        time(c.first_customer_at),
        time(c.first_reply_at),
        response,
    ]
}

/// `GET /api/v1/exports/conversations.csv`.
#[utoipa::path(get, path = "/api/v1/exports/conversations.csv", tag = "exports", params(Params), responses((status = 200, description = "One row per conversation open during the range (begun before its end, last written to after its start), streamed", content_type = "text/csv"), (status = 400, description = "A bad date", body = crate::openapi::ErrorBody), (status = 404, description = "No such channel in this workspace", body = crate::openapi::ErrorBody)))]
pub async fn conversations(
    State(state): State<AppState>,
    auth: Auth,
    ApiQuery(p): ApiQuery<Params>,
) -> ApiResult<impl IntoResponse> {
    let r = range(&p, state.now())?;
    let ws = auth.workspace();
    let channel = match p.channel {
        Some(id) => state.store.channel(ws, id).await?.id,
        None => 0,
    };
    let (from, to) = (r.from, r.to);
    let header = write_rows([CONVERSATION_HEADER.map(str::to_owned).to_vec()])
        .map_err(|e| ApiError::internal(&e))?;
    // The state: the last id written, or `None` once the last page is out.
    let pages = futures_util::stream::unfold(Some(0i64), move |after| {
        let state = state.clone();
        async move {
            let after = after?;
            let page = match state
                .store
                .export_conversations(ws, channel, from, to, after, PAGE)
                .await
            {
                Ok(page) => page,
                Err(e) => {
                    tracing::warn!(error = %e, "the conversations export failed");
                    return Some((Err(std::io::Error::other("the export failed")), None));
                }
            };
            let next = match page.last() {
                Some(c) if page.len() as i64 == PAGE => Some(c.id),
                _ => None,
            };
            if page.is_empty() {
                return None;
            }
            Some((write_rows(page.into_iter().map(conversation_row)), next))
        }
    });
    let stream = futures_util::StreamExt::chain(
        futures_util::stream::once(async move { Ok(header) }),
        pages,
    );
    Ok(csv_response(format!("conversations-{}", r.name), stream))
}

const RESPONSIVENESS_HEADER: [&str; 12] = [
    "channel_id",
    "channel",
    "conversation_id",
    "message_at",
    "status",
    "counted_in_window",
    "reason",
    "explanation",
    "response_seconds",
    "reply_at",
    "reply_author",
    "reply_agent",
];

/// Where a responsiveness export is: the channel, and the next opportunity's index
/// (`None` before its first block, when the range's start is looked up).
struct Cursor {
    channels: Vec<Channel>,
    channel: usize,
    next: Option<usize>,
}

/// `GET /api/v1/exports/responsiveness.csv`.
#[utoipa::path(get, path = "/api/v1/exports/responsiveness.csv", tag = "exports", params(Params), responses((status = 200, description = "One row per new customer message of the range, counted or excluded, with the reason, as the dashboard's explanation (badge threshold 15 minutes, every reply counting); streamed", content_type = "text/csv"), (status = 400, description = "A bad date", body = crate::openapi::ErrorBody), (status = 404, description = "No such channel in this workspace", body = crate::openapi::ErrorBody)))]
pub async fn responsiveness(
    State(state): State<AppState>,
    auth: Auth,
    ApiQuery(p): ApiQuery<Params>,
) -> ApiResult<impl IntoResponse> {
    let r = range(&p, state.now())?;
    let ws = auth.workspace();
    let channels = match p.channel {
        Some(id) => vec![state.store.channel(ws, id).await?],
        None => state.store.channels(ws).await?,
    };
    let (from, to) = (r.from, r.to);
    let header = write_rows([RESPONSIVENESS_HEADER.map(str::to_owned).to_vec()])
        .map_err(|e| ApiError::internal(&e))?;
    let start = Cursor {
        channels,
        channel: 0,
        next: None,
    };
    let blocks = futures_util::stream::unfold(start, move |mut cur| {
        let state = state.clone();
        async move {
            let channel = cur.channels.get(cur.channel)?.clone();
            let next = cur.next;
            let settings = Settings {
                human_only: false,
                threshold: Threshold::parse_minutes("15").ok()?,
            };
            let block = state
                .engines
                .read(
                    &state.store,
                    ws,
                    channel.id,
                    settings,
                    "15".into(),
                    |entry| {
                        let (engine, names) = entry.parts();
                        let count = engine.opportunity_count();
                        // Opportunities are in time order: the range's first by bisection.
                        let begin = next.unwrap_or_else(|| {
                            let (mut lo, mut hi) = (0, count);
                            while lo < hi {
                                let mid = (lo + hi) / 2;
                                match engine.opportunity(mid) {
                                    Some(o) if o.at.micros() < from => lo = mid + 1,
                                    _ => hi = mid,
                                }
                            }
                            lo
                        });
                        let mut rows = Vec::new();
                        let mut i = begin;
                        let mut done = true;
                        while let Some(o) = engine.opportunity(i) {
                            if o.at.micros() >= to {
                                break;
                            }
                            if rows.len() == BLOCK {
                                done = false;
                                break;
                            }
                            rows.push(explain_row(
                                &channel,
                                &view::explain_one(&o, names),
                                o.status,
                            ));
                            i += 1;
                        }
                        (rows, i, done)
                    },
                )
                .await;
            let (rows, i, done) = match block {
                Ok(block) => block,
                Err(e) => {
                    tracing::warn!(error = %e, "the responsiveness export failed");
                    cur.channel = usize::MAX;
                    return Some((Err(std::io::Error::other("the export failed")), cur));
                }
            };
            if done {
                cur.channel += 1;
                cur.next = None;
            } else {
                cur.next = Some(i);
            }
            Some((write_rows(rows), cur))
        }
    });
    let stream = futures_util::StreamExt::chain(
        futures_util::stream::once(async move { Ok(header) }),
        blocks,
    );
    Ok(csv_response(format!("responsiveness-{}", r.name), stream))
}

fn explain_row(channel: &Channel, r: &view::ExplainRow<'_>, status: Status) -> Vec<String> {
    let reason = r.reason.map(|e| {
        serde_json::to_value(e)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default()
    });
    let explanation = match status {
        Status::Excluded(e) => format!("not counted: {}", e.describe()),
        Status::Answered { response_us } => {
            format!(
                "answered in {} s",
                seconds(i64::try_from(response_us).unwrap_or(i64::MAX))
            )
        }
        Status::Missed => "counted as missed: no reply within 24 h".to_owned(),
        Status::Pending => "waiting for a reply".to_owned(),
    };
    vec![
        channel.id.to_string(),
        channel.name.clone(),
        r.conversation.to_owned(),
        r.at.to_string(),
        r.status.to_owned(),
        r.in_window.to_string(),
        reason.unwrap_or_default(),
        explanation,
        r.response_time_seconds
            .map_or_else(String::new, |s| seconds((s * 1e6).round() as i64)),
        r.reply
            .as_ref()
            .map_or_else(String::new, |x| x.at.to_string()),
        r.reply
            .as_ref()
            .map_or_else(String::new, |x| x.author.as_str().to_owned()),
        r.reply
            .as_ref()
            .and_then(|x| x.agent)
            .unwrap_or_default()
            .to_owned(),
    ]
}
