//! WhatsApp's side of the media worker (`crate::media`): a file customers send is
//! fetched by media id with the channel's token soon after it arrives (an id can be
//! downloaded for 7 days, each download URL works for 5 minutes and only with the
//! token).

use pronto_store::MediaJob;
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::media::{Failure, MAX_BYTES};
use crate::state::AppState;

/// `GET /{media-id}` for a fresh URL, then the URL with the token; the bytes and
/// their MIME type, checked against the SHA-256 WhatsApp gives.
pub(crate) async fn download(
    state: &AppState,
    channel: &pronto_store::Channel,
    job: &MediaJob,
) -> Result<(Vec<u8>, Option<String>), Failure> {
    let config = channel.whatsapp_config();
    let token = state
        .open_secret(&config.access_token)
        .map_err(Failure::Retry)?;
    let base = super::cloud::base_url(state, channel);
    let transport = |e: reqwest::Error| {
        Failure::Retry(format!(
            "could not reach WhatsApp: {}",
            crate::outgoing::transport_error(&e)
        ))
    };
    let response = state
        .http
        .get(format!("{base}/{}", job.media_id))
        .bearer_auth(token.as_str())
        .query(&[("phone_number_id", config.phone_number_id.as_str())])
        .send()
        .await
        .map_err(transport)?;
    let status = response.status();
    let info: Value = response.json().await.unwrap_or(Value::Null);
    if !status.is_success() {
        return Err(match super::cloud::classify(status.as_u16(), &info) {
            crate::graph::SendError::Retry(r) | crate::graph::SendError::SlowDown(r, _) => {
                Failure::Retry(r)
            }
            crate::graph::SendError::Final(r)
            | crate::graph::SendError::TokenInvalid(r)
            | crate::graph::SendError::AccountStopped(r) => Failure::Final(r),
        });
    }
    let Some(url) = info["url"].as_str() else {
        return Err(Failure::Retry("WhatsApp gave no download URL".into()));
    };
    let mut response = state
        .http
        .get(url)
        .bearer_auth(token.as_str())
        .send()
        .await
        .map_err(transport)?;
    let status = response.status();
    if !status.is_success() {
        // An expired URL (404): the next attempt asks for a fresh one.
        return Err(Failure::Retry(format!("the download answered {status}")));
    }
    let mut bytes = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(transport)? {
        if bytes.len() + chunk.len() > MAX_BYTES {
            return Err(Failure::Final(format!(
                "the file is larger than {} MB",
                MAX_BYTES / 1024 / 1024
            )));
        }
        bytes.extend_from_slice(&chunk);
    }
    if let Some(expected) = info["sha256"].as_str().filter(|s| !s.is_empty()) {
        let actual = hex::encode(Sha256::digest(&bytes));
        if !actual.eq_ignore_ascii_case(expected) {
            return Err(Failure::Retry(
                "the file's SHA-256 does not match WhatsApp's".into(),
            ));
        }
    }
    Ok((bytes, info["mime_type"].as_str().map(str::to_owned)))
}
