//! Saved replies, and their text filled in for a conversation.
//!
//! The rule: admins manage the team's shared saved replies; anyone signed in may
//! keep personal ones (`"personal": true` at creation), which only their owner
//! sees, changes or deletes (another person's is "not found"). The `/` list
//! offers the shared ones and the person's own. Shortcuts are unique among the
//! shared replies and among each person's own, and a personal reply cannot take
//! a shared one's shortcut (409). An API token sees and, as an admin token,
//! manages the shared ones only.
//!
//! A reply may carry its text in other languages (`translations`); the one in the
//! customer's language is filled in, else the default `text`.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use pronto_core::template::saved_reply;
use pronto_store::SavedReplyFields;
use serde::Deserialize;
use serde_json::json;

use crate::auth::Auth;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiJson, ApiPath};
use crate::state::AppState;

/// The request body.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct SavedReplyBody {
    name: String,
    shortcut: String,
    text: String,
    /// The text for customers writing a language (ISO 639-1 code, `it`, to text);
    /// an empty text is dropped.
    #[serde(default)]
    translations: BTreeMap<String, String>,
    /// At creation: the caller's personal reply (only they see it) rather than
    /// a shared one (admins only). Ignored by changes: a reply keeps its owner.
    #[serde(default)]
    personal: bool,
    /// A file the reply carries (an upload of the workspace, from
    /// `POST /api/v1/uploads` or a conversation's attachments); sent before the text.
    #[serde(default)]
    upload_id: Option<i64>,
}

/// The reply's file, checked to be the workspace's.
async fn check_upload(state: &AppState, auth: &Auth, body: &SavedReplyBody) -> ApiResult<()> {
    if let Some(id) = body.upload_id
        && state.store.upload(auth.workspace(), id).await?.is_none()
    {
        return Err(ApiError::invalid(format!("upload_id: no upload {id}")).on_field("upload_id"));
    }
    Ok(())
}

/// Checks a reply and gives what to store: the name trimmed, empty translations
/// dropped. Each error names its field (`translations.it`).
fn check(body: &SavedReplyBody) -> ApiResult<SavedReplyFields> {
    if body.name.trim().is_empty() {
        return Err(ApiError::invalid("a saved reply needs a name").on_field("name"));
    }
    if body.text.trim().is_empty() {
        return Err(ApiError::invalid("a saved reply needs a text").on_field("text"));
    }
    let s = &body.shortcut;
    if s.is_empty()
        || s.len() > 32
        || !s
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(
            ApiError::invalid("a shortcut has 1 to 32 letters, digits, - or _")
                .on_field("shortcut"),
        );
    }
    known_variables(&body.text, "text")?;
    let mut translations = BTreeMap::new();
    for (language, text) in &body.translations {
        let field = format!("translations.{language}");
        if !pronto_core::template::is_language_code(language) {
            return Err(ApiError::invalid(format!(
                "\"{language}\" is not a language: use a two-letter ISO 639-1 code such as \"it\""
            ))
            .on_field(field));
        }
        if text.trim().is_empty() {
            continue;
        }
        known_variables(text, &field)?;
        translations.insert(language.clone(), text.clone());
    }
    Ok(SavedReplyFields {
        name: body.name.trim().to_owned(),
        shortcut: body.shortcut.clone(),
        text: body.text.clone(),
        translations,
        upload_id: body.upload_id,
    })
}

fn known_variables(text: &str, field: &str) -> ApiResult<()> {
    match saved_reply::unknown_variable(text) {
        Some(unknown) => Err(ApiError::invalid(format!(
            "unknown variable {{{unknown}}}; known: {}",
            saved_reply::VARIABLES
                .iter()
                .map(|v| format!("{{{v}}}"))
                .collect::<Vec<_>>()
                .join(", ")
        ))
        .on_field(field)),
        None => Ok(()),
    }
}

/// `GET /api/v1/saved-replies`.
#[utoipa::path(get, path = "/api/v1/saved-replies", tag = "saved replies", responses((status = 200, description = "The shared saved replies and the caller's personal ones", body = Vec<pronto_store::SavedReply>)))]
pub async fn list(State(state): State<AppState>, auth: Auth) -> ApiResult<impl IntoResponse> {
    Ok(Json(
        state
            .store
            .saved_replies(auth.workspace(), auth.0.user_id)
            .await?,
    ))
}

/// Shared replies are the admins' to create, change and delete.
fn may_manage_shared(auth: &Auth) -> ApiResult<()> {
    auth.require_admin().map_err(|_| {
        ApiError::forbidden(
            "shared saved replies are managed by admins; create a personal one with \"personal\": true",
        )
    })
}

/// Refuses a change to reply `id` that the caller may not make: another person's
/// personal reply is not found, a shared one needs an admin.
async fn may_change(state: &AppState, auth: &Auth, id: i64) -> ApiResult<()> {
    let current = state
        .store
        .saved_reply(auth.workspace(), id, auth.0.user_id)
        .await?;
    if current.owner_id.is_none() {
        may_manage_shared(auth)?;
    }
    Ok(())
}

/// `POST /api/v1/saved-replies`.
#[utoipa::path(post, path = "/api/v1/saved-replies", tag = "saved replies", request_body = SavedReplyBody, responses((status = 201, description = "The saved reply", body = pronto_store::SavedReply), (status = 403, description = "A shared reply, and the caller is not an admin", body = crate::openapi::ErrorBody), (status = 409, description = "The shortcut is taken (among the shared replies, or the caller's own, or a personal reply taking a shared one's)", body = crate::openapi::ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    auth: Auth,
    ApiJson(body): ApiJson<SavedReplyBody>,
) -> ApiResult<impl IntoResponse> {
    let fields = check(&body)?;
    check_upload(&state, &auth, &body).await?;
    let owner = if body.personal {
        Some(auth.user()?)
    } else {
        may_manage_shared(&auth)?;
        None
    };
    let r = state
        .store
        .create_saved_reply(auth.workspace(), owner, &fields, state.now())
        .await?;
    Ok((StatusCode::CREATED, Json(r)))
}

/// `PUT /api/v1/saved-replies/{id}`.
#[utoipa::path(put, path = "/api/v1/saved-replies/{id}", tag = "saved replies", params(("id" = i64, Path, description = "The saved reply")), request_body = SavedReplyBody, responses((status = 200, description = "The saved reply", body = pronto_store::SavedReply), (status = 403, description = "A shared reply, and the caller is not an admin", body = crate::openapi::ErrorBody), (status = 404, description = "No such reply, or another person's personal one", body = crate::openapi::ErrorBody), (status = 409, description = "The shortcut is taken", body = crate::openapi::ErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<SavedReplyBody>,
) -> ApiResult<impl IntoResponse> {
    let fields = check(&body)?;
    check_upload(&state, &auth, &body).await?;
    let viewer = auth.0.user_id;
    may_change(&state, &auth, id).await?;
    Ok(Json(
        state
            .store
            .update_saved_reply(auth.workspace(), id, viewer, &fields)
            .await?,
    ))
}

/// `DELETE /api/v1/saved-replies/{id}`.
#[utoipa::path(delete, path = "/api/v1/saved-replies/{id}", tag = "saved replies", params(("id" = i64, Path, description = "The saved reply")), responses((status = 204, description = "Deleted"), (status = 403, description = "A shared reply, and the caller is not an admin", body = crate::openapi::ErrorBody), (status = 404, description = "No such reply, or another person's personal one", body = crate::openapi::ErrorBody)))]
pub async fn delete(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<impl IntoResponse> {
    let viewer = auth.0.user_id;
    may_change(&state, &auth, id).await?;
    state
        .store
        .delete_saved_reply(auth.workspace(), id, viewer)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The request body.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct RenderBody {
    conversation_id: i64,
}

/// `POST /api/v1/saved-replies/{id}/render`: the text in the customer's language
/// (when the reply has it) with the conversation's variables filled in, for the
/// agent to edit before sending.
#[utoipa::path(post, path = "/api/v1/saved-replies/{id}/render", tag = "saved replies", params(("id" = i64, Path, description = "The saved reply")), request_body = RenderBody, responses((status = 200, description = "The text with the conversation's variables filled in", body = crate::openapi::RenderedText)))]
pub async fn render_for(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(body): ApiJson<RenderBody>,
) -> ApiResult<impl IntoResponse> {
    let ws = auth.workspace();
    let reply = state.store.saved_reply(ws, id, auth.0.user_id).await?;
    let conversation = state.store.conversation(ws, body.conversation_id).await?;
    let agent = match auth.0.user_id {
        Some(u) => state.store.member(ws, u).await?.user.name,
        None => String::new(),
    };
    let contact = state.store.contact(ws, conversation.contact_id).await?;
    let (text, language) = reply.text_for(contact.language.as_deref());
    let upload = match reply.upload_id {
        Some(u) => state.store.upload(ws, u).await?,
        None => None,
    };
    Ok(Json(json!({
        "text": saved_reply::render(text, contact.greeting_name(), &contact.name, &agent),
        "language": language,
        "upload": upload,
    })))
}
