//! A WhatsApp channel's message templates: synchronized from the Cloud API
//! (`GET /{waba-id}/message_templates`, every page), kept in the store, and checked
//! before a template is sent (approved, in that language, its parameters fitting
//! its placeholders).

use pronto_channels::whatsapp::outgoing::{Content, Outgoing};
use pronto_channels::whatsapp::templates::{self, Template};
use pronto_store::{Channel, StoreError, WhatsAppTemplate};

use crate::state::AppState;

/// At most this many pages are read in one synchronization (250 templates per
/// account is Meta's limit; 100 a page).
const MAX_PAGES: usize = 20;

/// Why a synchronization failed.
#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    /// The Cloud API refused or could not be reached; says why (never the token).
    #[error("{0}")]
    Graph(String),
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// How often the schedule synchronizes each WhatsApp channel's templates (the
/// `message_template_status_update` webhook keeps their status between times).
pub const SYNC_EVERY: i64 = 6 * 3_600_000_000;

/// Reads every template of the channel's account and keeps them (the stored list is
/// replaced), and records the try (its failure too). Returns how many there are.
pub async fn sync(state: &AppState, channel: &Channel) -> Result<usize, SyncError> {
    let result = fetch_and_keep(state, channel).await;
    let error = match &result {
        Err(SyncError::Graph(reason)) => Some(reason.as_str()),
        _ => None,
    };
    state
        .store
        .record_template_sync(channel.id, state.now(), error)
        .await?;
    result
}

/// One step of the schedule: synchronizes the WhatsApp channel whose templates are
/// the oldest, if older than [`SYNC_EVERY`]; true when it did (there may be more).
/// A refusal is recorded and logged, and tried again after the same wait.
pub async fn scheduled(state: &AppState) -> Result<bool, StoreError> {
    let Some(id) = state
        .store
        .template_sync_due(state.now() - SYNC_EVERY)
        .await?
    else {
        return Ok(false);
    };
    let channel = state.store.channel_any_workspace(id).await?;
    match sync(state, &channel).await {
        Ok(n) => tracing::info!(channel = id, "templates synchronized: {n}"),
        Err(SyncError::Graph(reason)) => {
            tracing::warn!(channel = id, "templates not synchronized: {reason}");
        }
        Err(SyncError::Store(e)) => return Err(e),
    }
    Ok(true)
}

async fn fetch_and_keep(state: &AppState, channel: &Channel) -> Result<usize, SyncError> {
    let config = channel.whatsapp_config();
    let token = state
        .open_secret(&config.access_token)
        .map_err(SyncError::Graph)?;
    let secret = state
        .open_secret(&config.app_secret)
        .map_err(SyncError::Graph)?;
    let base = super::cloud::base_url(state, channel);
    let proof = pronto_channels::signature::appsecret_proof(secret.as_str(), token.as_str());
    let mut url = format!("{base}/{}/message_templates?limit=100", config.waba_id);
    let mut all: Vec<Template> = Vec::new();
    for _ in 0..MAX_PAGES {
        let response = state
            .http
            .get(&url)
            .bearer_auth(token.as_str())
            .query(&[("appsecret_proof", proof.as_str())])
            .send()
            .await
            .map_err(|e| {
                SyncError::Graph(format!(
                    "could not reach WhatsApp: {}",
                    crate::outgoing::transport_error(&e)
                ))
            })?;
        let status = response.status();
        let bytes = response
            .bytes()
            .await
            .map_err(|e| SyncError::Graph(crate::outgoing::transport_error(&e)))?;
        if !status.is_success() {
            let answer: serde_json::Value = serde_json::from_slice(&bytes).unwrap_or_default();
            return Err(SyncError::Graph(
                match super::cloud::classify(status.as_u16(), &answer) {
                    crate::graph::SendError::Retry(r)
                    | crate::graph::SendError::Final(r)
                    | crate::graph::SendError::TokenInvalid(r)
                    | crate::graph::SendError::AccountStopped(r)
                    | crate::graph::SendError::SlowDown(r, _) => {
                        format!("the templates could not be read: {r}")
                    }
                },
            ));
        }
        let page = templates::parse_page(&bytes).map_err(SyncError::Graph)?;
        for skipped in &page.skipped {
            tracing::warn!(channel = channel.id, "template skipped: {skipped}");
        }
        all.extend(page.templates);
        // The next page's link carries the token only if it is the same API.
        match page.next {
            Some(next) if next.starts_with(&base) => url = next,
            _ => break,
        }
    }
    let now = state.now();
    let rows: Vec<WhatsAppTemplate> = all
        .into_iter()
        .map(|t| WhatsAppTemplate {
            name: t.name,
            language: t.language,
            template_id: t.id,
            status: t.status,
            category: t.category,
            parameter_format: t.parameter_format,
            components: t.components,
            updated_at: now,
        })
        .collect();
    state
        .store
        .replace_templates(channel.workspace_id, channel.id, &rows, now)
        .await?;
    Ok(rows.len())
}

/// A stored template as the wire format's type.
pub fn wire(t: &WhatsAppTemplate) -> Template {
    Template {
        id: t.template_id.clone(),
        name: t.name.clone(),
        language: t.language.clone(),
        status: t.status.clone(),
        category: t.category.clone(),
        parameter_format: t.parameter_format.clone(),
        components: t.components.clone(),
    }
}

/// Checks a template reply against the stored templates: it exists in that
/// language, is approved, and its parameters (body, header, buttons) fit. Returns the text the customer
/// will see; `Ok(None)` when the reply is not a template.
pub async fn check(
    state: &AppState,
    channel: &Channel,
    content: &Outgoing,
) -> Result<Option<String>, Result<String, StoreError>> {
    let Content::Template(t) = &content.content else {
        return Ok(None);
    };
    let stored = state
        .store
        .templates(channel.workspace_id, channel.id)
        .await
        .map_err(Err)?;
    let Some(found) = stored
        .iter()
        .find(|s| s.name == t.name && s.language == t.language)
    else {
        let languages: Vec<&str> = stored
            .iter()
            .filter(|s| s.name == t.name)
            .map(|s| s.language.as_str())
            .collect();
        return Err(Ok(if languages.is_empty() {
            format!(
                "no template {} is known for this channel; synchronize the templates",
                t.name
            )
        } else {
            format!(
                "the template {} has no {} version (it has {})",
                t.name,
                t.language,
                languages.join(", ")
            )
        }));
    };
    let template = wire(found);
    template.sendable().map_err(Ok)?;
    template.preview(t).map(Some).map_err(Ok)
}
