//! Visitors' attachments: images (PNG, JPEG, GIF, WebP) and PDFs up to the
//! channel's `attachments_max_bytes`, their type checked against their first bytes,
//! kept in the database under a random key (`Store::put_visitor_file`), and served
//! at `/webchat/files/{key}` as inert downloads: `nosniff`, a sandboxing CSP, PDFs
//! as attachments.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::header::{
    CACHE_CONTROL, CONTENT_DISPOSITION, CONTENT_SECURITY_POLICY, CONTENT_TYPE,
};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use pronto_store::VisitorFile;
use serde_json::{Value, json};

use super::{Limits, VisitorAuth};
use crate::client::ClientIp;
use crate::error::{ApiError, ApiResult};
use crate::extract::ApiPath;
use crate::state::AppState;

/// The most files one message carries.
pub const MAX_PER_MESSAGE: usize = 3;

/// The media types a visitor may send, with the bytes each must begin with.
fn sniff(declared: &str, bytes: &[u8]) -> bool {
    match declared {
        "image/png" => bytes.starts_with(b"\x89PNG\r\n\x1a\n"),
        "image/jpeg" => bytes.starts_with(b"\xff\xd8\xff"),
        "image/gif" => bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a"),
        "image/webp" => bytes.len() > 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP",
        "application/pdf" => bytes.starts_with(b"%PDF-"),
        _ => false,
    }
}

/// A file name as kept: ASCII letters and digits, dots, dashes, underscores and
/// spaces, at most 100 characters (it goes into a `Content-Disposition` header).
fn clean_name(name: Option<&str>) -> String {
    let name: String = name
        .unwrap_or("")
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | ' '))
        .take(100)
        .collect();
    let name = name.trim();
    if name.is_empty() {
        "file".into()
    } else {
        name.to_owned()
    }
}

/// `POST /webchat/v1/{channel}/attachments`: the body is the file, its
/// `Content-Type` its type, `X-Filename` its name.
pub async fn upload(
    State(state): State<AppState>,
    auth: VisitorAuth,
    ip: ClientIp,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Response> {
    if let Err(limited) = Limits::Message.check(&state, ip, Some(&auth.visitor.visitor)) {
        return Ok(limited.into());
    }
    let max = auth.channel.webchat_config().attachments_max_bytes;
    if body.len() as u64 > max {
        return Err(ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too_large",
            format!("the file is larger than this chat's limit of {max} bytes"),
        ));
    }
    if body.is_empty() {
        return Err(ApiError::invalid("the file is empty"));
    }
    let declared = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if !sniff(&declared, &body) {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_type",
            "send an image (PNG, JPEG, GIF, WebP) or a PDF, with its Content-Type",
        ));
    }
    let name = clean_name(headers.get("x-filename").and_then(|v| v.to_str().ok()));
    let file = VisitorFile {
        key: crate::auth::random_token(16),
        workspace_id: auth.channel.workspace_id,
        channel_id: auth.channel.id,
        visitor: auth.visitor.visitor,
        content_type: declared,
        name,
        bytes: body.to_vec(),
    };
    state.store.put_visitor_file(&file, state.now()).await?;
    Ok((
        StatusCode::CREATED,
        axum::Json(attachment(&state.config.base_url(), &file)),
    )
        .into_response())
}

/// What the team may send a visitor: the types a visitor may send, up to the
/// channel's size limit; the attachment type, or why not.
pub fn team_kind_for(
    config: &pronto_core::webchat::WebChatConfig,
    mime: &str,
    size: usize,
) -> Result<&'static str, String> {
    let kind = match mime {
        "image/png" | "image/jpeg" | "image/gif" | "image/webp" => "image",
        "application/pdf" => "file",
        m => {
            return Err(format!(
                "the web chat shows images (PNG, JPEG, GIF, WebP) and PDFs, not {m} files"
            ));
        }
    };
    if size == 0 {
        return Err("the file is empty".into());
    }
    if size as u64 > config.attachments_max_bytes {
        return Err(format!(
            "this web chat takes files of at most {} bytes; this one has {size}",
            config.attachments_max_bytes
        ));
    }
    Ok(kind)
}

/// A file the team uploaded, copied where the visitor's frame reads files (a
/// random key of its own), after checking its bytes are what its type says; the
/// copy as an attachment, or why it cannot go.
pub async fn team_copy(
    state: &AppState,
    channel: &pronto_store::Channel,
    upload: &pronto_store::Upload,
) -> ApiResult<Result<Value, String>> {
    let bytes = state
        .files
        .get(&upload.storage_key)
        .await
        .map_err(|e| ApiError::internal(&e))?
        .ok_or_else(|| ApiError::not_found("upload"))?;
    if !sniff(&upload.mime_type, &bytes) {
        return Ok(Err(format!(
            "the file's bytes are not a {} file",
            upload.mime_type
        )));
    }
    let file = VisitorFile {
        key: crate::auth::random_token(16),
        workspace_id: channel.workspace_id,
        channel_id: channel.id,
        // Sent by the team, to whoever reads the conversation.
        visitor: String::new(),
        content_type: upload.mime_type.clone(),
        name: clean_name(Some(&upload.name)),
        bytes,
    };
    state.store.put_visitor_file(&file, state.now()).await?;
    Ok(Ok(attachment(&state.config.base_url(), &file)))
}

/// A file as a message's attachment.
pub fn attachment(base_url: &str, f: &VisitorFile) -> Value {
    json!({
        "type": if f.content_type.starts_with("image/") { "image" } else { "file" },
        "id": f.key,
        "url": format!("{base_url}/webchat/files/{}", f.key),
        "name": f.name,
        "mime": f.content_type,
        "size": f.bytes.len(),
    })
}

/// The attachments of a visitor's message: their own files on this channel.
pub async fn attachments_of(
    state: &AppState,
    auth: &VisitorAuth,
    keys: &[String],
) -> ApiResult<Value> {
    if keys.len() > MAX_PER_MESSAGE {
        return Err(ApiError::invalid(format!(
            "a message carries at most {MAX_PER_MESSAGE} attachments"
        )));
    }
    let mut out = Vec::with_capacity(keys.len());
    for key in keys {
        let file = state
            .store
            .visitor_file(key)
            .await?
            .filter(|f| f.channel_id == auth.channel.id && f.visitor == auth.visitor.visitor)
            .ok_or_else(|| {
                ApiError::invalid(format!("attachment {key:?}: no such file of yours"))
            })?;
        out.push(attachment(&state.config.base_url(), &file));
    }
    Ok(Value::from(out))
}

/// `GET /webchat/files/{key}`: a visitor's file, inert.
pub async fn serve(
    State(state): State<AppState>,
    ApiPath(key): ApiPath<String>,
) -> ApiResult<Response> {
    if key.len() != 32 || !key.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(ApiError::not_found("file"));
    }
    let file = state
        .store
        .visitor_file(&key)
        .await?
        .ok_or_else(|| ApiError::not_found("file"))?;
    let disposition = if file.content_type.starts_with("image/") {
        format!("inline; filename=\"{}\"", file.name)
    } else {
        format!("attachment; filename=\"{}\"", file.name)
    };
    Ok((
        [
            (CONTENT_TYPE, file.content_type.clone()),
            (CONTENT_DISPOSITION, disposition),
            (
                CONTENT_SECURITY_POLICY,
                "default-src 'none'; sandbox".to_owned(),
            ),
            (CACHE_CONTROL, "private, max-age=86400".to_owned()),
        ],
        [("cross-origin-resource-policy", "cross-origin")],
        file.bytes,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_are_checked_against_the_bytes() {
        assert!(sniff("image/png", b"\x89PNG\r\n\x1a\n...."));
        assert!(!sniff("image/png", b"<svg onload=alert(1)>"));
        assert!(sniff("application/pdf", b"%PDF-1.7"));
        assert!(!sniff("text/html", b"<html>"));
        assert!(!sniff("image/svg+xml", b"<svg/>"));
        assert_eq!(
            clean_name(Some("../../etc/pa\"ss wd.pdf")),
            "....etcpass wd.pdf"
        );
        assert_eq!(clean_name(None), "file");
        assert_eq!(clean_name(Some("café.png")), "caf.png");
    }
}
