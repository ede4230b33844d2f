//! The media worker: files customers send, copied into Pronto's file store
//! (`crate::files`) soon after they arrive, because the platforms' copies do not
//! last: WhatsApp's by media id with the channel's token (`whatsapp::media`),
//! Messenger's and Instagram's from the attachment's URL, which expires. Then the
//! message's attachment points at Pronto's copy, served to the workspace's agents
//! only (`GET /api/v1/media/{id}`). Never in the webhook's path.

use pronto_store::StoreError;

use crate::state::AppState;

/// How long a claimed download is the claimant's.
const LEASE: i64 = 120_000_000;
/// Attempts before a file is given up.
pub const MAX_ATTEMPTS: i64 = 6;
/// The largest file kept (WhatsApp's own limit for documents is 100 MB; Messenger's
/// attachments are at most 25 MB).
pub const MAX_BYTES: usize = 100 * 1024 * 1024;

/// What one step did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fetched {
    /// Nothing was due.
    Idle,
    /// A file was stored (Pronto's id).
    Stored(i64),
    /// A download failed and is tried again at `.1`.
    Retrying(i64, String),
    /// A download failed for good, with the reason.
    Failed(i64, String),
}

/// Why a download failed.
pub(crate) enum Failure {
    /// Worth another attempt later.
    Retry(String),
    /// Not worth another attempt.
    Final(String),
}

/// Claims and downloads the next due file, keeps it in the file store and records
/// it.
pub async fn fetch_next(state: &AppState) -> Result<Fetched, StoreError> {
    let now = state.now();
    let Some(job) = state.store.claim_media(now, LEASE).await? else {
        return Ok(Fetched::Idle);
    };
    let result = match &job.url {
        Some(url) => from_url(state, url).await,
        None => {
            let channel = state.store.channel_any_workspace(job.channel_id).await?;
            crate::whatsapp::media::download(state, &channel, &job).await
        }
    };
    let result = match result {
        Ok((bytes, mime)) => {
            let key = crate::files::key_of(&bytes);
            match state.files.put(&key, &bytes).await {
                Ok(()) => Ok((key, bytes.len(), mime)),
                Err(e) => {
                    tracing::warn!(error = %e, "the file store did not take a file");
                    Err(Failure::Retry(
                        "the file store did not take the file".into(),
                    ))
                }
            }
        }
        Err(e) => Err(e),
    };
    let now = state.now();
    Ok(match result {
        Ok((key, size, mime)) => {
            let size = i64::try_from(size).unwrap_or(i64::MAX);
            state
                .store
                .media_stored(&job, &key, size, mime.as_deref(), now)
                .await?;
            Fetched::Stored(job.id)
        }
        Err(Failure::Retry(reason)) if job.attempts < MAX_ATTEMPTS => {
            let next = now + crate::delivery::backoff(job.attempts) * 10;
            state
                .store
                .media_failed(&job, &reason, Some(next), now)
                .await?;
            Fetched::Retrying(job.id, reason)
        }
        Err(Failure::Retry(reason) | Failure::Final(reason)) => {
            state.store.media_failed(&job, &reason, None, now).await?;
            Fetched::Failed(job.id, reason)
        }
    })
}

/// A Messenger or Instagram attachment from its URL (it came in a signed webhook;
/// the platform's CDN needs no token): the bytes and the type the CDN gives.
async fn from_url(state: &AppState, url: &str) -> Result<(Vec<u8>, Option<String>), Failure> {
    let transport = |e: reqwest::Error| {
        Failure::Retry(format!(
            "could not download the attachment: {}",
            crate::outgoing::transport_error(&e)
        ))
    };
    let mut response = state.http.get(url).send().await.map_err(transport)?;
    let status = response.status();
    if status.as_u16() == 403 || status.as_u16() == 404 || status.as_u16() == 410 {
        // The link expired (or never was): another attempt would see the same.
        return Err(Failure::Final(format!(
            "the platform's link answered {status}: it has expired"
        )));
    }
    if !status.is_success() {
        return Err(Failure::Retry(format!("the download answered {status}")));
    }
    let mime = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.split(';').next().unwrap_or(v).trim().to_ascii_lowercase())
        .filter(|v| !v.is_empty());
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
    Ok((bytes, mime))
}
