//! What a platform tells about a person (Messenger's and Instagram's user
//! profiles): a row queued with each new contact of such a channel, in the same
//! transaction as its first message ([`queue_profile`]), claimed by the profile
//! worker with a lease, then kept (names, locale, time zone, the picture's bytes)
//! with a `contact.updated` event, or recorded as none or failed.

use std::sync::LazyLock;

use sqlx::{AnyConnection, Row};

use crate::live_event::LiveEvent;
use crate::model::Micros;
use crate::{Result, Store};

/// A profile to ask for, claimed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProfileJob {
    /// The contact.
    pub contact_id: i64,
    /// Its workspace.
    pub workspace_id: i64,
    /// The channel to ask through.
    pub channel_id: i64,
    /// The person's id there.
    pub external_id: String,
    /// Attempts so far, this one included.
    pub attempts: i64,
    /// Whether the automations of the contact's first messages wait for it.
    pub automations_waiting: bool,
}

/// What a platform told.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProfileFacts {
    /// The name to show (`first last`, or the platform's one name).
    pub name: Option<String>,
    /// The first name.
    pub first_name: Option<String>,
    /// The last name.
    pub last_name: Option<String>,
    /// The locale (`fr_FR`).
    pub locale: Option<String>,
    /// The language of the locale (`fr`).
    pub language: Option<String>,
    /// An IANA time zone.
    pub timezone: Option<String>,
    /// The picture's bytes and MIME type.
    pub picture: Option<(Vec<u8>, String)>,
}

/// How a profile request ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProfileOutcome {
    /// Kept; asked again at `refresh_at`.
    Fetched {
        /// What it said.
        facts: ProfileFacts,
        /// When to ask again.
        refresh_at: Micros,
    },
    /// The platform has no profile to give (a phone-number account, no consent):
    /// not asked again.
    None(String),
    /// Failed; tried again at `.1`.
    Retry(String, Micros),
    /// Failed for good.
    Failed(String),
}

/// The states a claim picks: a profile never asked, or one due for a refresh.
const DUE: &str = "state IN ('waiting', 'fetched') AND next_attempt_at <= $2
                   AND (locked_until IS NULL OR locked_until <= $2)";

/// Queues the profile of a contact whose first conversation on `channel_id` opens,
/// when the channel's platform has profiles and it was not asked yet; says whether
/// it did.
pub(crate) async fn queue_profile(
    conn: &mut AnyConnection,
    workspace_id: i64,
    contact_id: i64,
    channel_id: i64,
    external_id: &str,
    now: Micros,
) -> Result<bool> {
    // Written once: it runs with every new conversation.
    static QUEUE: LazyLock<String> = LazyLock::new(|| {
        let kinds = pronto_core::channel::ChannelKind::ALL
            .into_iter()
            .filter(|k| k.has_user_profiles())
            .map(|k| format!("'{}'", k.as_str()))
            .collect::<Vec<_>>()
            .join(", ");
        format!(
            "INSERT INTO contact_profiles (contact_id, workspace_id, channel_id, external_id, state,
                 next_attempt_at, created_at)
             SELECT $1, $2, $3, $4, 'waiting', $5, $5 FROM channels WHERE id = $3 AND kind IN ({kinds})
             ON CONFLICT (contact_id) DO NOTHING"
        )
    });
    let done = sqlx::query(QUEUE.as_str())
        .bind(contact_id)
        .bind(workspace_id)
        .bind(channel_id)
        .bind(external_id)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected() > 0)
}

impl Store {
    /// Claims the next profile due for `lease` microseconds. It looks first with a
    /// read, so that a worker woken by every commit writes nothing (and, on SQLite,
    /// takes no write lock) when nothing is due.
    pub async fn claim_profile(&self, now: Micros, lease: Micros) -> Result<Option<ProfileJob>> {
        let due: Option<i64> = sqlx::query_scalar(
            "SELECT 1 FROM contact_profiles
             WHERE state IN ('waiting', 'fetched') AND next_attempt_at <= $1
               AND (locked_until IS NULL OR locked_until <= $1) LIMIT 1",
        )
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        if due.is_none() {
            return Ok(None);
        }
        let row = sqlx::query(&format!(
            "UPDATE contact_profiles SET locked_until = $1, attempts = attempts + 1
             WHERE contact_id = (SELECT contact_id FROM contact_profiles WHERE {DUE}
                                 ORDER BY next_attempt_at, contact_id LIMIT 1)
               AND {DUE}
             RETURNING contact_id, workspace_id, channel_id, external_id, attempts,
                       automations_waiting"
        ))
        .bind(now + lease)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        Ok(Some(ProfileJob {
            contact_id: row.try_get("contact_id")?,
            workspace_id: row.try_get("workspace_id")?,
            channel_id: row.try_get("channel_id")?,
            external_id: row.try_get("external_id")?,
            attempts: row.try_get("attempts")?,
            automations_waiting: row.try_get::<i64, _>("automations_waiting")? != 0,
        }))
    }

    /// Records how asking for a profile ended. A fetched profile fills what the
    /// contact lacks or what came from a profile before (a name or language an
    /// agent set is kept), and the contact's agents are told.
    pub async fn profile_done(
        &self,
        job: &ProfileJob,
        outcome: &ProfileOutcome,
        now: Micros,
    ) -> Result<()> {
        let mut tx = self.write_tx().await?;
        let (state, error, next) = match outcome {
            ProfileOutcome::Fetched { refresh_at, .. } => ("fetched", None, Some(*refresh_at)),
            ProfileOutcome::None(why) => ("none", Some(why.as_str()), None),
            ProfileOutcome::Retry(why, at) => ("waiting", Some(why.as_str()), Some(*at)),
            ProfileOutcome::Failed(why) => ("failed", Some(why.as_str()), None),
        };
        sqlx::query(
            "UPDATE contact_profiles SET state = $1, error = $2,
                 next_attempt_at = COALESCE($3, next_attempt_at), locked_until = NULL,
                 attempts = CASE WHEN $1 = 'fetched' THEN 0 ELSE attempts END,
                 fetched_at = CASE WHEN $1 = 'fetched' THEN $4 ELSE fetched_at END
             WHERE contact_id = $5",
        )
        .bind(state)
        .bind(error)
        .bind(next)
        .bind(now)
        .bind(job.contact_id)
        .execute(&mut *tx)
        .await?;
        if let ProfileOutcome::Fetched { facts, .. } = outcome {
            if let Some((bytes, mime)) = &facts.picture {
                sqlx::query(
                    "UPDATE contact_profiles SET picture = $1, picture_type = $2 WHERE contact_id = $3",
                )
                .bind(bytes.as_slice())
                .bind(mime)
                .bind(job.contact_id)
                .execute(&mut *tx)
                .await?;
            }
            // The name is the platform's unless an agent renamed the contact (a
            // name other than the one the profile gave last time or none).
            let attributes: String = sqlx::query_scalar(
                "UPDATE contacts SET
                     name = CASE WHEN name = '' OR name = TRIM(COALESCE(first_name, '') || ' ' || COALESCE(last_name, ''))
                                 THEN COALESCE($1, name) ELSE name END,
                     first_name = COALESCE($2, first_name),
                     last_name = COALESCE($3, last_name),
                     locale = COALESCE($4, locale),
                     timezone = COALESCE(timezone, $5),
                     language = CASE WHEN language_source IS NULL OR language_source <> 'agent'
                                     THEN COALESCE($6, language) ELSE language END,
                     language_source = CASE WHEN $6 IS NOT NULL AND (language_source IS NULL OR language_source <> 'agent')
                                            THEN 'platform' ELSE language_source END
                 WHERE id = $7
                 RETURNING attributes",
            )
            .bind(facts.name.as_deref())
            .bind(facts.first_name.as_deref())
            .bind(facts.last_name.as_deref())
            .bind(facts.locale.as_deref())
            .bind(facts.timezone.as_deref())
            .bind(facts.language.as_deref())
            .bind(job.contact_id)
            .fetch_one(&mut *tx)
            .await?;
            let event = LiveEvent::ContactUpdated {
                contact_id: job.contact_id,
                attributes: serde_json::from_str(&attributes).unwrap_or_default(),
            };
            tx.emit(job.workspace_id, &event, now);
        }
        tx.commit().await?;
        Ok(())
    }

    /// Marks the automations that waited for a profile as run; says whether they
    /// were still waiting (so that two nodes never both run them).
    pub async fn profile_automations_taken(&self, contact_id: i64) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE contact_profiles SET automations_waiting = 0
             WHERE contact_id = $1 AND automations_waiting = 1",
        )
        .bind(contact_id)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() > 0)
    }

    /// The contact's first customer message on the channel, whose automations
    /// waited for the profile.
    pub async fn first_customer_message(&self, job: &ProfileJob) -> Result<Option<crate::Message>> {
        let id: Option<i64> = sqlx::query_scalar(
            "SELECT m.id FROM messages m JOIN conversations c ON c.id = m.conversation_id
             WHERE c.contact_id = $1 AND c.channel_id = $2 AND m.author = 'customer'
             ORDER BY m.at, m.id LIMIT 1",
        )
        .bind(job.contact_id)
        .bind(job.channel_id)
        .fetch_optional(&self.pool)
        .await?;
        match id {
            Some(id) => Ok(Some(self.message(job.workspace_id, id).await?)),
            None => Ok(None),
        }
    }

    /// Pushes every profile of a channel still to ask to `until` (the platform
    /// asked to slow down).
    pub async fn delay_profiles(&self, channel_id: i64, until: Micros) -> Result<()> {
        sqlx::query(
            "UPDATE contact_profiles SET next_attempt_at = $1
             WHERE channel_id = $2 AND state = 'waiting' AND next_attempt_at < $1",
        )
        .bind(until)
        .bind(channel_id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The contact's picture (bytes, MIME type), for the workspace's agents.
    pub async fn contact_picture(
        &self,
        workspace_id: i64,
        contact_id: i64,
    ) -> Result<Option<(Vec<u8>, String)>> {
        let row = sqlx::query(
            "SELECT picture, picture_type FROM contact_profiles
             WHERE contact_id = $1 AND workspace_id = $2 AND picture IS NOT NULL",
        )
        .bind(contact_id)
        .bind(workspace_id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| Ok((r.try_get("picture")?, r.try_get("picture_type")?)))
            .transpose()
    }

    /// The state of a contact's profile: `waiting`, `fetched`, `none` or `failed`,
    /// with the last error; `None` when the channel has no profiles.
    pub async fn profile_state(
        &self,
        workspace_id: i64,
        contact_id: i64,
    ) -> Result<Option<(String, Option<String>)>> {
        let row = sqlx::query(
            "SELECT state, error FROM contact_profiles WHERE contact_id = $1 AND workspace_id = $2",
        )
        .bind(contact_id)
        .bind(workspace_id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| Ok((r.try_get("state")?, r.try_get("error")?)))
            .transpose()
    }
}
