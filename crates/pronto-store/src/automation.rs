//! What automations need stored: a channel's settings, what they did in each
//! conversation, and the status changes the business hours write.

use pronto_core::Presence;
use serde_json::Value;
use sqlx::Row;

use crate::live_event::LiveEvent;
use crate::model::Micros;
use crate::{Result, Store, StoreError};

/// Who set a channel's status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StatusSource {
    /// A person, through the API: an away ends by itself after 12 hours.
    Manual,
    /// The channel's business hours.
    Schedule,
    /// The end of a person's away, 12 hours after it was set.
    Expiry,
}

impl StatusSource {
    /// As stored.
    pub fn as_str(self) -> &'static str {
        match self {
            StatusSource::Manual => "manual",
            StatusSource::Schedule => "schedule",
            StatusSource::Expiry => "expiry",
        }
    }

    fn parse(text: &str) -> Self {
        match text {
            "schedule" => StatusSource::Schedule,
            "expiry" => StatusSource::Expiry,
            _ => StatusSource::Manual,
        }
    }
}

/// A channel's latest status change.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StatusChange {
    /// Away or available.
    pub status: Presence,
    /// From when.
    pub at: Micros,
    /// Who set it.
    pub source: StatusSource,
}

/// A channel with automation settings, for the schedule worker.
#[derive(Clone, Debug, PartialEq)]
pub struct AutomatedChannel {
    /// The channel.
    pub channel_id: i64,
    /// Its workspace.
    pub workspace_id: i64,
    /// The settings as saved.
    pub settings: Value,
    /// Status changes are written up to this instant.
    pub status_checked_at: Micros,
}

/// What the automations know about a conversation when a customer message arrives.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ConversationFacts {
    /// The conversation's message before this one, from either side.
    pub previous_message_at: Option<Micros>,
    /// The latest message a person of the team wrote.
    pub agent_reply_at: Option<Micros>,
    /// The latest instant reply.
    pub instant_reply_at: Option<Micros>,
    /// The latest away message.
    pub away_message_at: Option<Micros>,
    /// Keyword replies so far.
    pub keyword_replies: i64,
    /// When the customer asked for a person, if they did.
    pub handed_over_at: Option<Micros>,
    /// The customer's name, as known.
    pub contact_name: String,
    /// Their first name, as their platform's profile gave it.
    pub contact_first_name: Option<String>,
    /// The language they write in, when known.
    pub contact_language: Option<String>,
    /// The customer's time zone, when known.
    pub contact_timezone: Option<String>,
}

/// Which automated message a conversation had, for [`Store::note_automation`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Automated {
    /// An instant reply.
    InstantReply,
    /// An away message.
    AwayMessage,
    /// A keyword reply.
    KeywordReply,
    /// The customer asked for a person.
    HandOver,
}

impl Store {
    /// A channel's automation settings, if saved.
    pub async fn channel_automation(
        &self,
        workspace_id: i64,
        channel_id: i64,
    ) -> Result<Option<Value>> {
        self.channel(workspace_id, channel_id).await?;
        let settings: Option<String> =
            sqlx::query_scalar("SELECT settings FROM channel_automation WHERE channel_id = $1")
                .bind(channel_id)
                .fetch_optional(&self.pool)
                .await?;
        Ok(settings.map(|s| serde_json::from_str(&s).unwrap_or(Value::Null)))
    }

    /// Saves a channel's automation settings (checked by the caller) and publishes
    /// `channel.automation`. The schedule's status changes are written from `now` on.
    pub async fn set_channel_automation(
        &self,
        workspace_id: i64,
        channel_id: i64,
        settings: &Value,
        now: Micros,
    ) -> Result<()> {
        self.channel(workspace_id, channel_id).await?;
        let mut tx = self.write_tx().await?;
        sqlx::query(
            "INSERT INTO channel_automation (channel_id, settings, status_checked_at, updated_at)
             VALUES ($1, $2, $3, $3)
             ON CONFLICT (channel_id) DO UPDATE
             SET settings = excluded.settings, status_checked_at = excluded.status_checked_at,
                 updated_at = excluded.updated_at",
        )
        .bind(channel_id)
        .bind(settings.to_string())
        .bind(now)
        .execute(&mut *tx)
        .await?;
        tx.emit(
            workspace_id,
            &LiveEvent::ChannelAutomation { channel_id },
            now,
        );
        tx.commit().await?;
        Ok(())
    }

    /// Every channel with automation settings, in every workspace.
    pub async fn automated_channels(&self) -> Result<Vec<AutomatedChannel>> {
        let rows = sqlx::query(
            "SELECT a.channel_id, c.workspace_id, a.settings, a.status_checked_at
             FROM channel_automation a JOIN channels c ON c.id = a.channel_id
             ORDER BY a.channel_id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let settings: String = r.try_get("settings")?;
                Ok(AutomatedChannel {
                    channel_id: r.try_get("channel_id")?,
                    workspace_id: r.try_get("workspace_id")?,
                    settings: serde_json::from_str(&settings).unwrap_or(Value::Null),
                    status_checked_at: r.try_get("status_checked_at")?,
                })
            })
            .collect()
    }

    /// Records that status changes are written up to `at`.
    pub async fn set_status_checked(&self, channel_id: i64, at: Micros) -> Result<()> {
        sqlx::query("UPDATE channel_automation SET status_checked_at = $1 WHERE channel_id = $2")
            .bind(at)
            .bind(channel_id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Channels (workspace, channel) whose latest status is a person's away set at or
    /// before `set_before`: aways that have ended by themselves.
    pub async fn ended_manual_aways(&self, set_before: Micros) -> Result<Vec<(i64, i64)>> {
        let rows = sqlx::query(
            "SELECT c.workspace_id, s.channel_id FROM channel_status s
             JOIN channels c ON c.id = s.channel_id
             WHERE s.id = (SELECT s2.id FROM channel_status s2 WHERE s2.channel_id = s.channel_id
                           ORDER BY s2.at DESC, s2.id DESC LIMIT 1)
               AND s.status = 'away' AND s.source = 'manual' AND s.at <= $1
             ORDER BY s.channel_id",
        )
        .bind(set_before)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("workspace_id")?, r.try_get("channel_id")?)))
            .collect()
    }

    /// The channel's latest status change with who made it.
    pub async fn latest_status(&self, channel_id: i64) -> Result<Option<StatusChange>> {
        let row = sqlx::query(
            "SELECT status, at, source FROM channel_status WHERE channel_id = $1
             ORDER BY at DESC, id DESC LIMIT 1",
        )
        .bind(channel_id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            let status: String = r.try_get("status")?;
            let source: String = r.try_get("source")?;
            Ok(StatusChange {
                status: Presence::parse(&status).unwrap_or(Presence::Available),
                at: r.try_get("at")?,
                source: StatusSource::parse(&source),
            })
        })
        .transpose()
    }

    /// Writes a status change from `at` (which may be before `now`, when a worker
    /// catches up) and publishes `channel.status`.
    pub async fn record_channel_status(
        &self,
        workspace_id: i64,
        channel_id: i64,
        change: StatusChange,
        now: Micros,
    ) -> Result<()> {
        let mut tx = self.write_tx().await?;
        sqlx::query(
            "INSERT INTO channel_status (channel_id, status, at, source) VALUES ($1, $2, $3, $4)",
        )
        .bind(channel_id)
        .bind(change.status.as_str())
        .bind(change.at)
        .bind(change.source.as_str())
        .execute(&mut *tx)
        .await?;
        let event = LiveEvent::ChannelStatus {
            channel_id,
            status: change.status.as_str().to_owned(),
            at: change.at,
            source: Some(change.source.as_str().to_owned()),
        };
        tx.emit(workspace_id, &event, now);
        tx.commit().await?;
        Ok(())
    }

    /// What the automations need about `message`'s conversation.
    pub async fn conversation_facts(
        &self,
        conversation_id: i64,
        message_id: i64,
        message_at: Micros,
    ) -> Result<ConversationFacts> {
        let row = sqlx::query(
            "SELECT k.name, k.first_name, k.language, k.timezone,
                    (SELECT MAX(m.at) FROM messages m WHERE m.conversation_id = c.id
                       AND m.id <> $2 AND m.at <= $3) AS previous_at,
                    (SELECT MAX(m.at) FROM messages m WHERE m.conversation_id = c.id
                       AND m.author = 'agent') AS agent_at,
                    a.instant_reply_at, a.away_message_at, a.keyword_replies, a.handed_over_at
             FROM conversations c
             JOIN contacts k ON k.id = c.contact_id
             LEFT JOIN conversation_automation a ON a.conversation_id = c.id
             WHERE c.id = $1",
        )
        .bind(conversation_id)
        .bind(message_id)
        .bind(message_at)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound("conversation"))?;
        let keyword_replies: Option<i64> = row.try_get("keyword_replies")?;
        Ok(ConversationFacts {
            previous_message_at: row.try_get("previous_at")?,
            agent_reply_at: row.try_get("agent_at")?,
            instant_reply_at: row.try_get("instant_reply_at")?,
            away_message_at: row.try_get("away_message_at")?,
            keyword_replies: keyword_replies.unwrap_or(0),
            handed_over_at: row.try_get("handed_over_at")?,
            contact_name: row.try_get("name")?,
            contact_first_name: row.try_get("first_name")?,
            contact_language: row.try_get("language")?,
            contact_timezone: row.try_get("timezone")?,
        })
    }

    /// Records that an automation acted in a conversation at `at`.
    pub async fn note_automation(
        &self,
        conversation_id: i64,
        what: Automated,
        at: Micros,
    ) -> Result<()> {
        let set = match what {
            Automated::InstantReply => "instant_reply_at = $2",
            Automated::AwayMessage => "away_message_at = $3",
            Automated::KeywordReply => {
                "keyword_replies = conversation_automation.keyword_replies + $4"
            }
            Automated::HandOver => "handed_over_at = $5",
        };
        let (ir, am, kr, ho) = match what {
            Automated::InstantReply => (Some(at), None, 0, None),
            Automated::AwayMessage => (None, Some(at), 0, None),
            Automated::KeywordReply => (None, None, 1, None),
            Automated::HandOver => (None, None, 0, Some(at)),
        };
        let mut tx = self.write_tx().await?;
        sqlx::query(&format!(
            "INSERT INTO conversation_automation
                 (conversation_id, instant_reply_at, away_message_at, keyword_replies, handed_over_at)
             VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (conversation_id) DO UPDATE SET {set}"
        ))
        .bind(conversation_id)
        .bind(ir)
        .bind(am)
        .bind(kr)
        .bind(ho)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }
}
