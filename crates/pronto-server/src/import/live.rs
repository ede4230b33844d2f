//! The live import: Meta's Conversations API walked page by page, at most one call
//! per `pace` (Meta allows 2 calls/s per Page), transient failures retried with
//! backoff, and progress kept in the store so that `--resume` skips what is done.

use std::time::Duration;

use pronto_channels::messenger::history::{Conversation, Paging};

use super::client::{Failure, Graph};
use super::{ImportError, Progress, Skip, Tally, Target};

pub(super) const MESSAGE_FIELDS: &str = "id,created_time,from,to,message";

/// How to walk the API.
#[derive(Clone, Debug)]
pub struct LiveOptions {
    /// The Graph API with its version (`https://graph.facebook.com/v25.0`).
    pub base_url: String,
    /// `messenger` or `instagram`.
    pub platform: String,
    /// The Page access token and the app secret, opened.
    pub token: String,
    /// The app secret, for `appsecret_proof`.
    pub app_secret: String,
    /// Conversations per page.
    pub page_size: u32,
    /// The least time between two calls.
    pub pace: Duration,
    /// Retries of a transient failure, and the first wait (doubled each time).
    pub retries: u32,
    /// The first wait before a retry.
    pub backoff: Duration,
    /// Continue an interrupted import instead of starting afresh.
    pub resume: bool,
}

/// Walks the channel's conversations and stores their messages. Progress is kept in
/// the store while it runs and forgotten when the walk ends.
pub async fn import_live(
    target: &Target,
    options: &LiveOptions,
    progress: &dyn Progress,
) -> Result<Tally, ImportError> {
    let mut graph = Graph::new(options)?;
    let learnt;
    let target = if target.needs_instagram_account() {
        learnt = graph.with_instagram_account(target).await?;
        &learnt
    } else {
        target
    };
    let (ws, channel) = (target.channel.workspace_id, target.channel.id);
    let store = &target.store;
    let kept = if options.resume {
        store.import_progress(ws, channel).await?
    } else {
        store.import_forget(ws, channel).await?;
        Default::default()
    };
    let mut tally = Tally::default();
    let page_id = target.channel.meta_config().page_id;
    let first = graph.url(
        &format!("{page_id}/conversations"),
        &[
            ("platform", options.platform.as_str()),
            (
                "fields",
                &format!("id,updated_time,participants,messages{{{MESSAGE_FIELDS}}}"),
            ),
            ("limit", &options.page_size.to_string()),
        ],
    )?;
    let mut url = first.clone();
    if let Some(after) = &kept.after {
        url.query_pairs_mut().append_pair("after", after);
    }
    let mut stored_cursor = kept.after.is_some();
    loop {
        let page = match graph.get(url.clone()).await {
            // Meta says cursors may not stay valid: start again, skipping what is done.
            Err(Failure::Refused(_) | Failure::Deleted(_)) if stored_cursor => {
                tally.restarted = true;
                stored_cursor = false;
                url = first.clone();
                continue;
            }
            other => other.map_err(Failure::into_error)?,
        };
        stored_cursor = false;
        let items = page["data"].as_array().cloned().unwrap_or_default();
        let mut all_before_since = !items.is_empty();
        for item in &items {
            let Some(conv) = Conversation::of(item) else {
                tally.skipped.push(Skip {
                    at: "a conversation".into(),
                    reason: "no conversation id".into(),
                });
                continue;
            };
            if kept.done.contains(&conv.id) {
                tally.resumed += 1;
                progress.update(&tally);
                continue;
            }
            if let (Some(since), Some(updated)) = (target.since, conv.updated)
                && updated < since
            {
                tally.before_since += 1;
                continue;
            }
            all_before_since = false;
            let messages = graph.messages(target, &conv, &mut tally).await?;
            // One transaction a conversation, so that a conversation marked done is
            // stored whole (Meta's pace, not the database, sets this import's speed).
            let mut pending = Vec::new();
            target.queue_conversation(&conv, messages, &mut pending, &mut tally);
            target.flush(&mut pending, &mut tally, progress).await?;
            store
                .import_conversation_done(ws, channel, &conv.id)
                .await?;
        }
        let paging = Paging::of(&page);
        store
            .import_page_done(ws, channel, paging.after.as_deref(), target.now)
            .await?;
        // Conversations come most recently updated first: a page older than
        // `--since` throughout means the rest is older too.
        match paging.next {
            Some(next) if !(target.since.is_some() && all_before_since) => {
                url = graph.follow(&next)?;
            }
            _ => break,
        }
    }
    store.import_forget(ws, channel).await?;
    Ok(tally)
}
