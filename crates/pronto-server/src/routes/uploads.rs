//! Files agents attach to replies. `POST /api/v1/conversations/{id}/attachments`
//! takes the bytes (the request's body, its `Content-Type` and `?name=`), checks them
//! against the conversation's platform before keeping them (a clear refusal naming
//! the field `file`), and keeps them in the file store; the reply then names the
//! upload (`{"upload_id": N}` in its attachments), and the delivery uploads it to the
//! platform once per channel and content while its id lives (`graph::platform_file_id`:
//! Messenger's attachment id, WhatsApp's media id).
//! `GET /api/v1/uploads/{id}` serves it back to the workspace's members.

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::IntoResponse;
use hmac::{Hmac, KeyInit, Mac};
use pronto_core::channel::ChannelKind;
use pronto_store::{Channel, Upload};
use serde::Deserialize;
use serde_json::{Value, json};
use sha2::Sha256;

use crate::auth::Auth;
use crate::error::{ApiError, ApiResult};
use crate::extract::{ApiPath, ApiQuery};
use crate::state::AppState;

/// The largest upload read (the platforms' limits are checked after, per channel).
pub const MAX_UPLOAD_BYTES: usize = {
    let messenger = pronto_channels::messenger::upload::MAX_BYTES;
    let whatsapp = pronto_channels::whatsapp::upload::MAX_BYTES;
    if messenger > whatsapp {
        messenger + 1
    } else {
        whatsapp + 1
    }
};

/// The query string.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct Params {
    /// The file's name, as the agent's computer calls it.
    name: String,
}

/// `POST /api/v1/conversations/{id}/attachments`.
#[utoipa::path(post, path = "/api/v1/conversations/{id}/attachments", tag = "conversations", params(("id" = i64, Path, description = "The conversation"), Params), request_body(content = Vec<u8>, description = "The file's bytes, with its Content-Type", content_type = "application/octet-stream"), responses((status = 201, description = "Kept; name it in a reply's attachments as {\"upload_id\": id}", body = pronto_store::Upload), (status = 400, description = "The platform would refuse this file (field: file), with the reason", body = crate::openapi::ErrorBody), (status = 404, description = "No such conversation in this workspace", body = crate::openapi::ErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(p): ApiQuery<Params>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<impl IntoResponse> {
    let ws = auth.workspace();
    let conversation = state.store.conversation(ws, id).await?;
    let channel = state.store.channel(ws, conversation.channel_id).await?;
    keep(&state, &auth, &channel, &p.name, &headers, &body).await
}

/// The query string of an upload for a channel.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ChannelParams {
    /// The file's name.
    name: String,
    /// The channel whose platform's limits it is checked against.
    channel: i64,
}

/// `POST /api/v1/uploads`: a file checked for a channel, outside any conversation
/// (for a saved reply).
#[utoipa::path(post, path = "/api/v1/uploads", tag = "saved replies", params(ChannelParams), request_body(content = Vec<u8>, description = "The file's bytes, with its Content-Type", content_type = "application/octet-stream"), responses((status = 201, description = "Kept", body = pronto_store::Upload), (status = 400, description = "The platform would refuse this file (field: file), with the reason", body = crate::openapi::ErrorBody), (status = 404, description = "No such channel in this workspace", body = crate::openapi::ErrorBody)))]
pub async fn create_for_channel(
    State(state): State<AppState>,
    auth: Auth,
    ApiQuery(p): ApiQuery<ChannelParams>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<impl IntoResponse> {
    let channel = state.store.channel(auth.workspace(), p.channel).await?;
    keep(&state, &auth, &channel, &p.name, &headers, &body).await
}

/// Checks a file against `channel`'s platform, keeps its bytes and records it.
async fn keep(
    state: &AppState,
    auth: &Auth,
    channel: &Channel,
    name: &str,
    headers: &HeaderMap,
    body: &Bytes,
) -> ApiResult<(StatusCode, Json<Upload>)> {
    let ws = auth.workspace();
    let mime = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or(v).trim().to_ascii_lowercase())
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| "application/octet-stream".to_owned());
    let kind = check(state, channel, &mime, body.len())
        .map_err(|why| ApiError::invalid(why).on_field("file"))?;
    let name: String = name.trim().chars().take(200).collect();
    if name.is_empty() {
        return Err(ApiError::invalid("name: the file needs a name").on_field("name"));
    }
    let key = crate::files::key_of(body);
    state
        .files
        .put(&key, body)
        .await
        .map_err(|e| ApiError::internal(&e))?;
    let size = i64::try_from(body.len()).unwrap_or(i64::MAX);
    let upload = state
        .store
        .create_upload(
            ws,
            channel.id,
            auth.0.user_id,
            &key,
            kind,
            &mime,
            &name,
            size,
            state.now(),
        )
        .await?;
    Ok((StatusCode::CREATED, Json(upload)))
}

/// Whether the composer offers files on a channel of this kind.
pub fn takes_files(kind: ChannelKind) -> bool {
    matches!(
        kind,
        ChannelKind::Messenger
            | ChannelKind::Instagram
            | ChannelKind::WhatsApp
            | ChannelKind::WebChat
            | ChannelKind::Email
    )
}

/// The attachment type `channel`'s platform gives a file, or why it refuses it.
fn check(
    state: &AppState,
    channel: &Channel,
    mime: &str,
    size: usize,
) -> Result<&'static str, String> {
    use pronto_channels::messenger::upload;
    match channel.kind {
        ChannelKind::Messenger => upload::kind_for(mime, size),
        ChannelKind::Instagram if state.config.public_url.is_empty() => Err(
            "Instagram fetches a file from Pronto's public address, and none is set \
             (public_url in pronto.toml)"
                .into(),
        ),
        ChannelKind::Instagram => upload::instagram_kind_for(mime, size),
        ChannelKind::WhatsApp => pronto_channels::whatsapp::upload::kind_for(mime, size),
        ChannelKind::Email => pronto_channels::email::attach::kind_for(mime, size),
        ChannelKind::WebChat => {
            crate::webchat::files::team_kind_for(&channel.webchat_config(), mime, size)
        }
        _ => Err(not_yet(channel)),
    }
}

fn not_yet(channel: &Channel) -> String {
    format!(
        "files from the composer do not go to {} channels yet ({})",
        channel.kind.as_str(),
        channel.name
    )
}

/// How long a public link to an upload works: Instagram fetches the file while the
/// Send API call is answered.
const PUBLIC_LINK_LIFETIME: i64 = 3_600_000_000;

/// The signature of a public link to upload `id` of workspace `ws` until `expires`.
fn link_mac(state: &AppState, ws: i64, id: i64, expires: i64) -> Result<Hmac<Sha256>, String> {
    let key = state.sealer()?.derive("public upload links");
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(&key).map_err(|e| e.to_string())?;
    mac.update(format!("{ws}.{id}.{expires}").as_bytes());
    Ok(mac)
}

/// A link anyone may fetch an upload at for the next hour, for a platform that
/// takes files by address (Instagram):
/// `{public_url}/files/{workspace}/{id}/{expires}/{signature}`.
pub fn public_link(state: &AppState, ws: i64, id: i64) -> Result<String, String> {
    let expires = state.now() + PUBLIC_LINK_LIFETIME;
    let signature = hex::encode(link_mac(state, ws, id, expires)?.finalize().into_bytes());
    Ok(format!(
        "{}/files/{ws}/{id}/{expires}/{signature}",
        state.config.base_url()
    ))
}

/// `GET /files/{workspace}/{id}/{expires}/{signature}`: an upload at its public
/// link, while the link works (a wrong signature, or an expired link, is "not found").
pub async fn public(
    State(state): State<AppState>,
    ApiPath((ws, id, expires, signature)): ApiPath<(i64, i64, i64, String)>,
) -> ApiResult<impl IntoResponse> {
    let mac = link_mac(&state, ws, id, expires).map_err(|e| ApiError::internal(&e))?;
    let signed = hex::decode(&signature).is_ok_and(|s| mac.verify_slice(&s).is_ok());
    if !signed || expires < state.now() {
        return Err(ApiError::not_found("file"));
    }
    let upload = state
        .store
        .upload(ws, id)
        .await?
        .ok_or_else(|| ApiError::not_found("file"))?;
    let bytes = state
        .files
        .get(&upload.storage_key)
        .await
        .map_err(|e| ApiError::internal(&e))?
        .ok_or_else(|| ApiError::not_found("file"))?;
    Ok(super::media::serve(
        id,
        upload.mime_type,
        Some(upload.name),
        bytes,
    ))
}

/// A reply's attachments with each `{"upload_id": N}` replaced by the upload as the
/// reply keeps it (its type, name, size and the path that serves it), after checking
/// that it is the workspace's and that this channel's platform takes it.
pub async fn resolve(
    state: &AppState,
    workspace_id: i64,
    channel: &Channel,
    attachments: Value,
) -> ApiResult<Value> {
    let Value::Array(items) = attachments else {
        return Ok(attachments);
    };
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.into_iter().enumerate() {
        let Some(id) = item.get("upload_id").and_then(Value::as_i64) else {
            out.push(item);
            continue;
        };
        let field = format!("attachments[{i}].upload_id");
        let upload: Upload = state.store.upload(workspace_id, id).await?.ok_or_else(|| {
            ApiError::invalid(format!("{field}: no upload {id}")).on_field(field.clone())
        })?;
        let size = usize::try_from(upload.size).unwrap_or(usize::MAX);
        let refused =
            |why: String| ApiError::invalid(format!("{field}: {why}")).on_field(field.clone());
        check(state, channel, &upload.mime_type, size).map_err(&refused)?;
        let mut item = json!({
            "type": upload.kind, "upload_id": id, "name": upload.name,
            "mime_type": upload.mime_type, "size": upload.size,
            "file": format!("/api/v1/uploads/{id}"),
        });
        if channel.kind == ChannelKind::WebChat {
            // The visitor's frame shows files by their web chat key.
            let copy = crate::webchat::files::team_copy(state, channel, &upload)
                .await?
                .map_err(&refused)?;
            item["id"] = copy["id"].clone();
            item["url"] = copy["url"].clone();
        }
        out.push(item);
    }
    Ok(Value::Array(out))
}

/// `GET /api/v1/uploads/{id}`.
#[utoipa::path(get, path = "/api/v1/uploads/{id}", tag = "conversations", params(("id" = i64, Path, description = "The upload")), responses((status = 200, description = "The file's bytes"), (status = 404, description = "No such upload in this workspace", body = crate::openapi::ErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<impl IntoResponse> {
    let upload = state
        .store
        .upload(auth.workspace(), id)
        .await?
        .ok_or_else(|| ApiError::not_found("upload"))?;
    let bytes = state
        .files
        .get(&upload.storage_key)
        .await
        .map_err(|e| ApiError::internal(&e))?
        .ok_or_else(|| ApiError::not_found("upload"))?;
    Ok(super::media::serve(
        id,
        upload.mime_type,
        Some(upload.name),
        bytes,
    ))
}
