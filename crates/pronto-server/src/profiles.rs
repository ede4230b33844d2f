//! The profile worker: asks Messenger and Instagram who a new contact is (the User
//! Profile API), never in a webhook's path. The store queues a profile with the
//! contact's first conversation on such a channel; this worker claims it, asks
//! with the channel's token, copies the picture (its URL expires) and keeps the
//! names, locale and time zone, then runs the automations of the contact's first
//! message, which waited for the name so that `{first_name}` is filled.
//!
//! No retry storms: a person with no profile is not asked again; "too many calls"
//! pushes every waiting profile of the channel back by [`SLOW_DOWN`]; other
//! failures back off and are given up after [`MAX_ATTEMPTS`]. A profile is asked
//! again after [`REFRESH`].

use pronto_channels::messenger::profile::{self, Failure, Profile};
use pronto_store::{Channel, ChannelKind, ProfileFacts, ProfileJob, ProfileOutcome, StoreError};
use serde_json::Value;

use crate::state::AppState;

/// How long a claimed profile is the claimant's.
const LEASE: i64 = 60_000_000;
/// When a fetched profile is asked again.
pub const REFRESH: i64 = 30 * 24 * 3600 * 1_000_000;
/// How long a channel's profiles wait after Meta asked to slow down.
pub const SLOW_DOWN: i64 = 10 * 60 * 1_000_000;
/// Attempts before a profile is given up.
pub const MAX_ATTEMPTS: i64 = 5;
/// The largest picture kept.
const MAX_PICTURE: usize = 2 * 1024 * 1024;
/// The picture types kept (never SVG: it may carry script).
const PICTURE_TYPES: [&str; 4] = ["image/jpeg", "image/png", "image/webp", "image/gif"];

/// Claims and asks for the next due profile; false when none was due.
pub async fn ask_next(state: &AppState) -> Result<bool, StoreError> {
    let now = state.now();
    let Some(job) = state.store.claim_profile(now, LEASE).await? else {
        return Ok(false);
    };
    let channel = state.store.channel_any_workspace(job.channel_id).await?;
    let outcome = match ask(state, &channel, &job).await {
        Ok(p) => ProfileOutcome::Fetched {
            facts: facts(state, &p).await,
            refresh_at: now + REFRESH,
        },
        Err(Failure::NoProfile(why)) => ProfileOutcome::None(why),
        Err(Failure::SlowDown(why)) => {
            state
                .store
                .delay_profiles(channel.id, now + SLOW_DOWN)
                .await?;
            ProfileOutcome::Retry(why, now + SLOW_DOWN)
        }
        Err(Failure::Later(why)) if job.attempts < MAX_ATTEMPTS => {
            ProfileOutcome::Retry(why, now + crate::delivery::backoff(job.attempts) * 30)
        }
        Err(Failure::Later(why) | Failure::Stop(why) | Failure::FieldsRefused(why)) => {
            ProfileOutcome::Failed(why)
        }
    };
    if let ProfileOutcome::Retry(why, _) | ProfileOutcome::Failed(why) | ProfileOutcome::None(why) =
        &outcome
    {
        tracing::info!(
            "profile of contact {} on channel {}: {why}",
            job.contact_id,
            channel.id
        );
    }
    state
        .store
        .profile_done(&job, &outcome, state.now())
        .await?;
    // The first message's automations waited for this first answer, whatever it
    // was; one node runs them.
    if job.automations_waiting
        && state
            .store
            .profile_automations_taken(job.contact_id)
            .await?
    {
        if let Some(message) = state.store.first_customer_message(&job).await? {
            crate::automation::after_customer_message(state, &channel, &message).await;
        }
    }
    Ok(true)
}

/// `GET /{id}?fields=…` with the channel's token; on Messenger, again with the
/// basic fields when the app may not read the locale and time zone.
async fn ask(state: &AppState, channel: &Channel, job: &ProfileJob) -> Result<Profile, Failure> {
    let fields: &[&str] = match channel.kind {
        ChannelKind::Instagram => &[profile::INSTAGRAM],
        _ => &[profile::MESSENGER_FULL, profile::MESSENGER_BASIC],
    };
    let mut last = Failure::Later("no fields asked".into());
    for fields in fields {
        match get(state, channel, &job.external_id, fields).await {
            Ok(answer) => {
                return Profile::parse(&answer).ok_or_else(|| {
                    Failure::NoProfile("the platform gave an empty profile".into())
                });
            }
            Err(refused @ Failure::FieldsRefused(_)) => last = refused,
            Err(other) => return Err(other),
        }
    }
    Err(last)
}

async fn get(
    state: &AppState,
    channel: &Channel,
    id: &str,
    fields: &str,
) -> Result<Value, Failure> {
    let credentials = crate::graph::credentials(state, channel).map_err(Failure::Later)?;
    let url = format!("{}/{id}", crate::graph::base_url(state, channel));
    let request = state
        .http
        .get(&url)
        .query(&credentials)
        .query(&[("fields", fields)]);
    crate::graph::exchange(request, "Meta")
        .await
        .map_err(|e| match e {
            crate::graph::Exchange::Unreachable(why) => Failure::Later(why),
            crate::graph::Exchange::Refused(status, answer) => profile::classify(status, &answer),
        })
}

/// What the store keeps of a profile: the picture is copied when it can be (a
/// picture that cannot be fetched leaves the rest kept).
async fn facts(state: &AppState, p: &Profile) -> ProfileFacts {
    let picture = match &p.profile_pic {
        Some(url) => match picture(state, url).await {
            Ok(picture) => Some(picture),
            Err(why) => {
                tracing::info!("profile picture not copied: {why}");
                None
            }
        },
        None => None,
    };
    ProfileFacts {
        name: p.display_name(),
        // Known to be none when the profile gave no first name (only a username):
        // `{first_name}` is then left empty rather than filled with the username.
        first_name: Some(p.first_name().unwrap_or_default()),
        last_name: p.last_name(),
        locale: p.locale.clone(),
        language: p.language(),
        timezone: p.timezone(),
        picture,
    }
}

async fn picture(state: &AppState, url: &str) -> Result<(Vec<u8>, String), String> {
    let transport = |e: reqwest::Error| crate::outgoing::transport_error(&e);
    let mut response = state.http.get(url).send().await.map_err(transport)?;
    if !response.status().is_success() {
        return Err(format!("the picture's URL answered {}", response.status()));
    }
    let mime = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .unwrap_or_default();
    if !PICTURE_TYPES.contains(&mime.as_str()) {
        return Err(format!(
            "the picture is not an image Pronto keeps ({mime:?})"
        ));
    }
    let mut bytes = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(transport)? {
        if bytes.len() + chunk.len() > MAX_PICTURE {
            return Err("the picture is larger than 2 MB".into());
        }
        bytes.extend_from_slice(&chunk);
    }
    Ok((bytes, mime))
}
