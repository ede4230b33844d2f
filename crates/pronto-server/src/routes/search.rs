//! Search across the workspace, and reply suggestions for a conversation.

use axum::Json;
use axum::extract::State;
use axum::response::IntoResponse;
use pronto_core::Folder;
use pronto_core::Timestamp;
use pronto_core::search::{self, Query};
use pronto_store::{HitKind, SearchQuery};
use serde::{Deserialize, Serialize};

use crate::auth::Auth;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiPath, ApiQuery};
use crate::state::AppState;
use crate::suggestions::{self, Suggestion};

/// The longest query, in characters.
pub const MAX_QUERY: usize = 200;

/// Characters of a hit's text shown around its first match.
const SNIPPET: usize = 160;

/// The query string.
#[derive(Deserialize, Default, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct SearchParams {
    /// The words (every one must match; accents, case and word forms ignored).
    q: String,
    /// Only this channel.
    channel: Option<i64>,
    /// Only conversations in this folder: inbox, done or spam.
    #[param(value_type = Option<String>)]
    folder: Option<Folder>,
    /// Only conversations assigned to this user.
    assignee: Option<i64>,
    /// Only conversations with this label.
    label: Option<String>,
    /// Only what was written at or after this time (RFC 3339).
    from: Option<String>,
    /// Only what was written before this time (RFC 3339).
    to: Option<String>,
    /// Hits to skip (the `next_offset` of the previous page).
    offset: Option<i64>,
    /// Hits in a page, 1 to 100 (20 by default).
    limit: Option<i64>,
}

/// One search result.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Hit {
    /// What matched: contact (name, email, phone, card notes), label, message or note.
    kind: HitKind,
    /// The conversation to open.
    conversation_id: i64,
    /// Its channel.
    channel_id: i64,
    /// The matching message: open the conversation at it.
    message_id: Option<i64>,
    /// The matching note.
    note_id: Option<i64>,
    /// The contact.
    contact_id: i64,
    /// The contact's name.
    contact_name: String,
    /// The text around the match as HTML: escaped, the matching words in `<mark>`.
    snippet: String,
    /// When the text was written (microseconds since the epoch; the conversation's
    /// last message for contacts and labels).
    at: Option<i64>,
}

/// A page of hits.
#[derive(Serialize, utoipa::ToSchema)]
pub struct SearchPage {
    /// Contacts first, then labels, then messages and notes by rank.
    items: Vec<Hit>,
    /// Pass it as `offset` for the next page; absent on the last one.
    next_offset: Option<i64>,
}

fn time(field: &str, text: Option<&str>) -> ApiResult<Option<i64>> {
    text.map(|t| {
        Timestamp::parse(t).map(Timestamp::micros).map_err(|_| {
            ApiError::invalid(format!(
                "{field} must be an RFC 3339 time such as 2026-03-01T00:00:00Z"
            ))
            .on_field(field)
        })
    })
    .transpose()
}

/// `GET /api/v1/search`: messages, notes, contacts and labels holding every word.
#[utoipa::path(get, path = "/api/v1/search", tag = "search", params(SearchParams), responses((status = 200, description = "A page of hits", body = SearchPage), (status = 400, description = "No words, a query too long, a bad filter", body = crate::openapi::ErrorBody)))]
pub async fn search(
    State(state): State<AppState>,
    auth: Auth,
    ApiQuery(p): ApiQuery<SearchParams>,
) -> ApiResult<impl IntoResponse> {
    if p.q.chars().count() > MAX_QUERY {
        return Err(
            ApiError::invalid(format!("q has at most {MAX_QUERY} characters")).on_field("q"),
        );
    }
    let query = Query::parse(&p.q)
        .ok_or_else(|| ApiError::invalid("q needs a word to search for").on_field("q"))?;
    let limit = p.limit.unwrap_or(20);
    if !(1..=100).contains(&limit) {
        return Err(ApiError::invalid("limit must be between 1 and 100").on_field("limit"));
    }
    let offset = p.offset.unwrap_or(0);
    if offset < 0 {
        return Err(ApiError::invalid("offset must be 0 or more").on_field("offset"));
    }
    let q = SearchQuery {
        channel: p.channel,
        folder: p.folder,
        assignee: p.assignee,
        label: p.label,
        from: time("from", p.from.as_deref())?,
        to: time("to", p.to.as_deref())?,
        offset,
        limit: limit + 1,
        query,
    };
    let mut hits = state.store.search(auth.workspace(), &q).await?;
    let more = hits.len() as i64 > limit;
    hits.truncate(limit as usize);
    let items = hits
        .into_iter()
        .map(|h| Hit {
            kind: h.kind,
            conversation_id: h.conversation_id,
            channel_id: h.channel_id,
            message_id: h.item_id.filter(|_| h.kind == HitKind::Message),
            note_id: h.item_id.filter(|_| h.kind == HitKind::Note),
            contact_id: h.contact_id,
            contact_name: h.contact_name,
            snippet: search::snippet(&h.text, &q.query, SNIPPET),
            at: h.at,
        })
        .collect();
    Ok(Json(SearchPage {
        items,
        next_offset: more.then_some(offset + limit),
    }))
}

/// The suggestions for a conversation.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Suggestions {
    /// Saved replies that fit first, then the team's past answers, at most 3.
    items: Vec<Suggestion>,
}

/// `GET /api/v1/conversations/{id}/suggestions`: up to three replies for the
/// customer's latest messages, for the agent to insert and edit; nothing is sent.
#[utoipa::path(get, path = "/api/v1/conversations/{id}/suggestions", tag = "conversations", params(("id" = i64, Path, description = "The conversation")), responses((status = 200, description = "Up to three suggestions", body = Suggestions), (status = 404, description = "No such conversation", body = crate::openapi::ErrorBody)))]
pub async fn suggestions(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<impl IntoResponse> {
    let ws = auth.workspace();
    let agent = match auth.0.user_id {
        Some(u) => state.store.member(ws, u).await?.user.name,
        None => String::new(),
    };
    let items = suggestions::suggest(&state.store, ws, id, auth.0.user_id, &agent).await?;
    Ok(Json(Suggestions { items }))
}
