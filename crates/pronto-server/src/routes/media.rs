//! `GET /api/v1/media/{id}`: a file a customer sent (WhatsApp media, Messenger and
//! Instagram attachments, email files), from Pronto's own file store, to the
//! workspace's agents only. What a browser could run (HTML, SVG, scripts) is never
//! served as such: only images, audio, video and PDF keep their type, everything
//! else is `application/octet-stream`; only the safe images are shown inline, the
//! rest are downloads; and the CSP's `sandbox` keeps any of them from running.

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;

use crate::auth::Auth;
use crate::error::{ApiError, ApiResult};
use crate::extract::ApiPath;
use crate::state::AppState;

/// The images shown inline.
fn inline(mime: &str) -> bool {
    matches!(
        mime,
        "image/jpeg" | "image/png" | "image/webp" | "image/gif"
    )
}

/// The types served as themselves (the page's players and viewers need them).
fn typed(mime: &str) -> bool {
    inline(mime)
        || mime == "application/pdf"
        || (mime.starts_with("audio/") || mime.starts_with("video/"))
            && !mime.contains(['<', '>', '"', ';'])
}

/// `GET /api/v1/media/{id}`.
#[utoipa::path(get, path = "/api/v1/media/{id}", tag = "conversations", params(("id" = i64, Path, description = "The file, as a message's attachment names it")), responses((status = 200, description = "The file's bytes"), (status = 404, description = "No such file in this workspace, or not downloaded yet", body = crate::openapi::ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<impl IntoResponse> {
    let file = state
        .store
        .media_file(auth.workspace(), id)
        .await?
        .ok_or_else(|| ApiError::not_found("media"))?;
    let bytes = match (&file.storage_key, file.bytes) {
        (Some(key), _) => state
            .files
            .get(key)
            .await
            .map_err(|e| ApiError::internal(&e))?
            .ok_or_else(|| ApiError::not_found("media"))?,
        (None, Some(bytes)) => bytes,
        (None, None) => return Err(ApiError::not_found("media")),
    };
    Ok(serve(
        id,
        file.mime_type.unwrap_or_default(),
        file.filename,
        bytes,
    ))
}

/// A stored file's answer: images of the safe kinds inline, everything else a
/// download; only images, PDF, audio and video keep their type; `nosniff` and a CSP
/// `sandbox` always, so a browser never runs it.
pub fn serve(id: i64, mime: String, filename: Option<String>, bytes: Vec<u8>) -> impl IntoResponse {
    // A name of safe characters only, in quotes.
    let name: String = filename
        .unwrap_or_else(|| format!("file-{id}"))
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        .take(100)
        .collect();
    let disposition = if inline(&mime) {
        "inline".to_owned()
    } else {
        format!("attachment; filename=\"{name}\"")
    };
    let content_type = if typed(&mime) {
        mime
    } else {
        "application/octet-stream".to_owned()
    };
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CONTENT_DISPOSITION, disposition),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff".to_owned()),
            (header::CACHE_CONTROL, "private, max-age=3600".to_owned()),
            (
                header::CONTENT_SECURITY_POLICY,
                "default-src 'none'; sandbox".to_owned(),
            ),
        ],
        bytes,
    )
}
