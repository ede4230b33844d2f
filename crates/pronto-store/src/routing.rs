//! What routing needs stored: each channel's mode, each member's capacity, skills and
//! away flag, VIP contacts, and the log of who got which conversation and why.
//!
//! "Signed in" means the user has a session of the workspace that has not expired:
//! sessions are the only trace of a person at their desk that the store keeps. An API
//! token is not a person and never counts.

use std::collections::HashMap;

use serde_json::json;
use sqlx::Row;

use crate::live_event::LiveEvent;
use crate::model::Micros;
use crate::{Result, Store, StoreError};

/// A channel's routing settings as stored (`mode` is checked by the caller).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoutingRow {
    /// `manual`, `round_robin`, `least_loaded` or `skills`.
    pub mode: String,
    /// Skills mode: fall back to any available agent.
    pub fallback: bool,
    /// Hand back an away agent's waiting conversations.
    pub reassign_on_away: bool,
}

/// A member as routing sees them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoutingAgent {
    /// The user.
    pub user_id: i64,
    /// Their name.
    pub name: String,
    /// Whether they have an unexpired session in the workspace.
    pub signed_in: bool,
    /// Whether they marked themselves away (an away whose end has come at `now`
    /// is over, even before the worker clears it).
    pub away: bool,
    /// When their away ends by itself.
    pub away_until: Option<Micros>,
    /// The most open conversations they take.
    pub capacity: i64,
    /// Locales or language codes they speak.
    pub languages: Vec<String>,
    /// Labels they handle.
    pub labels: Vec<String>,
    /// When routing last gave them a conversation.
    pub last_assigned: Option<Micros>,
}

/// An open conversation held by a member.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HeldConversation {
    /// The conversation.
    pub conversation_id: i64,
    /// Who holds it.
    pub agent_id: i64,
    /// Whether the customer still waits for a reply.
    pub waiting: bool,
}

/// An unassigned conversation waiting in a channel.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WaitingConversation {
    /// The conversation.
    pub conversation_id: i64,
    /// Since when the customer waits.
    pub waiting_since: Micros,
    /// Whether the contact is VIP.
    pub vip: bool,
    /// The contact's locale.
    pub locale: Option<String>,
    /// The conversation's labels.
    pub labels: Vec<String>,
}

/// One line of a conversation's routing log.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct AssignmentLogEntry {
    /// The agent.
    pub agent_id: i64,
    /// `assigned` or `unassigned`.
    pub action: String,
    /// `round_robin`, `least_loaded`, `skills`, `skills_fallback` or `agent_away`.
    pub reason_code: String,
    /// The sentence, such as "assigned to Ana: least loaded (2 of 5 open), speaks French".
    pub reason: String,
    /// When.
    pub at: Micros,
}

impl Store {
    /// A channel's routing settings; `None` when never saved (manual).
    pub async fn channel_routing(
        &self,
        workspace_id: i64,
        channel_id: i64,
    ) -> Result<Option<RoutingRow>> {
        self.channel(workspace_id, channel_id).await?;
        let row = sqlx::query(
            "SELECT mode, fallback, reassign_on_away FROM channel_routing WHERE channel_id = $1",
        )
        .bind(channel_id)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| routing_row(&r)).transpose()
    }

    /// Saves a channel's routing settings.
    pub async fn set_channel_routing(
        &self,
        workspace_id: i64,
        channel_id: i64,
        row: &RoutingRow,
        now: Micros,
    ) -> Result<()> {
        self.channel(workspace_id, channel_id).await?;
        let mut tx = self.write_tx().await?;
        sqlx::query(
            "INSERT INTO channel_routing (channel_id, workspace_id, mode, fallback, reassign_on_away, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (channel_id) DO UPDATE
             SET mode = excluded.mode, fallback = excluded.fallback,
                 reassign_on_away = excluded.reassign_on_away, updated_at = excluded.updated_at",
        )
        .bind(channel_id)
        .bind(workspace_id)
        .bind(&row.mode)
        .bind(i64::from(row.fallback))
        .bind(i64::from(row.reassign_on_away))
        .bind(now)
        .execute(&mut *tx)
        .await?;
        let event = LiveEvent::ChannelRouting {
            channel_id,
            mode: row.mode.clone(),
        };
        tx.emit(workspace_id, &event, now);
        tx.commit().await?;
        Ok(())
    }

    /// Every channel routed automatically, as (workspace, channel, settings).
    pub async fn routed_channels(&self) -> Result<Vec<(i64, i64, RoutingRow)>> {
        let rows = sqlx::query(
            "SELECT workspace_id, channel_id, mode, fallback, reassign_on_away FROM channel_routing
             WHERE mode <> 'manual' ORDER BY workspace_id, channel_id",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok((
                    r.try_get("workspace_id")?,
                    r.try_get("channel_id")?,
                    routing_row(r)?,
                ))
            })
            .collect()
    }

    /// Sets a member's capacity, languages and labels.
    pub async fn set_member_routing(
        &self,
        workspace_id: i64,
        user_id: i64,
        capacity: i64,
        languages: &[String],
        labels: &[String],
    ) -> Result<()> {
        let done = sqlx::query(
            "UPDATE memberships SET capacity = $1, languages = $2, labels = $3
             WHERE workspace_id = $4 AND user_id = $5",
        )
        .bind(capacity)
        .bind(json!(languages).to_string())
        .bind(json!(labels).to_string())
        .bind(workspace_id)
        .bind(user_id)
        .execute(&self.pool)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound("user"));
        }
        Ok(())
    }

    /// Sets a member's away flag, and when it ends by itself (`until`, kept only
    /// while away).
    pub async fn set_away(
        &self,
        workspace_id: i64,
        user_id: i64,
        away: bool,
        until: Option<Micros>,
    ) -> Result<()> {
        let done = sqlx::query(
            "UPDATE memberships SET away = $1, away_until = $2 WHERE workspace_id = $3 AND user_id = $4",
        )
        .bind(i64::from(away))
        .bind(until.filter(|_| away))
        .bind(workspace_id)
        .bind(user_id)
        .execute(&self.pool)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound("user"));
        }
        Ok(())
    }

    /// Ends the aways whose time has come at `now`; returns the workspaces whose
    /// members came back.
    pub async fn end_aways(&self, now: Micros) -> Result<Vec<i64>> {
        let mut workspaces: Vec<i64> = sqlx::query_scalar(
            "UPDATE memberships SET away = 0, away_until = NULL
             WHERE away = 1 AND away_until IS NOT NULL AND away_until <= $1
             RETURNING workspace_id",
        )
        .bind(now)
        .fetch_all(&self.pool)
        .await?;
        workspaces.sort_unstable();
        workspaces.dedup();
        Ok(workspaces)
    }

    /// Marks a contact VIP or not, and sets its locale when `locale` is given.
    pub async fn set_contact_routing(
        &self,
        workspace_id: i64,
        contact_id: i64,
        vip: bool,
        locale: Option<&str>,
    ) -> Result<()> {
        let done = sqlx::query(
            "UPDATE contacts SET vip = $1, locale = COALESCE($2, locale)
             WHERE id = $3 AND workspace_id = $4",
        )
        .bind(i64::from(vip))
        .bind(locale)
        .bind(contact_id)
        .bind(workspace_id)
        .execute(&self.pool)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound("contact"));
        }
        Ok(())
    }

    /// The workspace's active members, with what routing needs to know at `now`.
    pub async fn routing_agents(
        &self,
        workspace_id: i64,
        now: Micros,
    ) -> Result<Vec<RoutingAgent>> {
        let rows = sqlx::query(
            "SELECT u.id, u.name, m.away, m.away_until, m.capacity, m.languages, m.labels,
                    (SELECT MAX(s.expires_at) FROM sessions s
                     WHERE s.user_id = u.id AND s.workspace_id = m.workspace_id) AS session_until,
                    (SELECT MAX(l.at) FROM assignment_log l
                     WHERE l.agent_id = u.id AND l.workspace_id = m.workspace_id
                       AND l.action = 'assigned') AS last_assigned
             FROM memberships m JOIN users u ON u.id = m.user_id
             WHERE m.workspace_id = $1 AND u.deactivated_at IS NULL
             ORDER BY u.id",
        )
        .bind(workspace_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let session_until: Option<i64> = r.try_get("session_until")?;
                let away: i64 = r.try_get("away")?;
                let away_until: Option<i64> = r.try_get("away_until")?;
                Ok(RoutingAgent {
                    user_id: r.try_get("id")?,
                    name: r.try_get("name")?,
                    signed_in: session_until.is_some_and(|t| t > now),
                    away: away != 0 && away_until.is_none_or(|t| t > now),
                    away_until,
                    capacity: r.try_get("capacity")?,
                    languages: strings(&r.try_get::<String, _>("languages")?),
                    labels: strings(&r.try_get::<String, _>("labels")?),
                    last_assigned: r.try_get("last_assigned")?,
                })
            })
            .collect()
    }

    /// The workspace's open (inbox) conversations held by someone, on any channel:
    /// an agent's load counts all of them.
    pub async fn routing_held(&self, workspace_id: i64) -> Result<Vec<HeldConversation>> {
        let rows = sqlx::query(
            "SELECT id, assignee_id, waiting_since FROM conversations
             WHERE workspace_id = $1 AND folder = 'inbox' AND assignee_id IS NOT NULL
             ORDER BY id",
        )
        .bind(workspace_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(HeldConversation {
                    conversation_id: r.try_get("id")?,
                    agent_id: r.try_get("assignee_id")?,
                    waiting: r.try_get::<Option<i64>, _>("waiting_since")?.is_some(),
                })
            })
            .collect()
    }

    /// The channel's unassigned inbox conversations whose customer waits, oldest first.
    pub async fn routing_waiting(
        &self,
        workspace_id: i64,
        channel_id: i64,
    ) -> Result<Vec<WaitingConversation>> {
        let rows = sqlx::query(
            "SELECT c.id, c.waiting_since, k.vip, COALESCE(k.locale, k.language) AS locale FROM conversations c
             JOIN contacts k ON k.id = c.contact_id
             WHERE c.workspace_id = $1 AND c.channel_id = $2 AND c.folder = 'inbox'
               AND c.assignee_id IS NULL AND c.waiting_since IS NOT NULL
             ORDER BY c.waiting_since, c.id",
        )
        .bind(workspace_id)
        .bind(channel_id)
        .fetch_all(&self.pool)
        .await?;
        let label_rows = sqlx::query(
            "SELECT l.conversation_id, l.label FROM conversation_labels l
             JOIN conversations c ON c.id = l.conversation_id
             WHERE c.workspace_id = $1 AND c.channel_id = $2 AND c.folder = 'inbox'
               AND c.assignee_id IS NULL",
        )
        .bind(workspace_id)
        .bind(channel_id)
        .fetch_all(&self.pool)
        .await?;
        let mut labels: HashMap<i64, Vec<String>> = HashMap::new();
        for r in &label_rows {
            labels
                .entry(r.try_get("conversation_id")?)
                .or_default()
                .push(r.try_get("label")?);
        }
        rows.iter()
            .map(|r| {
                let id: i64 = r.try_get("id")?;
                let vip: i64 = r.try_get("vip")?;
                Ok(WaitingConversation {
                    conversation_id: id,
                    waiting_since: r.try_get("waiting_since")?,
                    vip: vip != 0,
                    locale: r.try_get("locale")?,
                    labels: labels.remove(&id).unwrap_or_default(),
                })
            })
            .collect()
    }

    /// The agent routing last gave a conversation of the channel, for round robin.
    pub async fn last_routed_agent(&self, channel_id: i64) -> Result<Option<i64>> {
        Ok(sqlx::query_scalar(
            "SELECT agent_id FROM assignment_log WHERE channel_id = $1 AND action = 'assigned'
             ORDER BY id DESC LIMIT 1",
        )
        .bind(channel_id)
        .fetch_optional(&self.pool)
        .await?)
    }

    /// Assigns a conversation routing chose, only if it is still unassigned and open
    /// (someone may have taken it by hand since): publishes `conversation.assigned`,
    /// like [`Store::assign`], and logs the reason. Returns whether it was assigned.
    #[allow(clippy::too_many_arguments)]
    pub async fn route_assign(
        &self,
        workspace_id: i64,
        channel_id: i64,
        conversation_id: i64,
        agent_id: i64,
        reason_code: &str,
        reason: &str,
        now: Micros,
    ) -> Result<bool> {
        let mut tx = self.write_tx().await?;
        // The agent's row is locked first, so that dispatchers on several nodes
        // assigning to one agent at once take turns, and each sees the others'
        // assignments when it counts: capacity holds whatever the number of nodes.
        let capacity: Option<i64> = sqlx::query_scalar(
            "UPDATE memberships SET capacity = capacity
             WHERE workspace_id = $1 AND user_id = $2 RETURNING capacity",
        )
        .bind(workspace_id)
        .bind(agent_id)
        .fetch_optional(&mut *tx)
        .await?;
        let Some(capacity) = capacity else {
            return Ok(false);
        };
        let open: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM conversations
             WHERE workspace_id = $1 AND assignee_id = $2 AND folder = 'inbox'",
        )
        .bind(workspace_id)
        .bind(agent_id)
        .fetch_one(&mut *tx)
        .await?;
        if open >= capacity {
            return Ok(false);
        }
        let done = sqlx::query(
            "UPDATE conversations SET assignee_id = $1
             WHERE id = $2 AND workspace_id = $3 AND assignee_id IS NULL AND folder = 'inbox'",
        )
        .bind(agent_id)
        .bind(conversation_id)
        .bind(workspace_id)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 0 {
            return Ok(false);
        }
        log(
            &mut tx,
            [workspace_id, channel_id, conversation_id, agent_id],
            "assigned",
            reason_code,
            reason,
            now,
        )
        .await?;
        let event = LiveEvent::ConversationAssigned {
            conversation_id,
            assignee_id: Some(agent_id),
        };
        tx.emit(workspace_id, &event, now);
        tx.commit().await?;
        Ok(true)
    }

    /// When an agent goes away: unassigns their inbox conversations whose customer
    /// still waits, on channels routed automatically with `reassign_on_away`, so the
    /// next dispatch hands them out again (their waiting time is kept). Returns them.
    pub async fn hand_back(
        &self,
        workspace_id: i64,
        agent_id: i64,
        name: &str,
        now: Micros,
    ) -> Result<Vec<i64>> {
        let mut tx = self.write_tx().await?;
        let rows = sqlx::query(
            "SELECT c.id, c.channel_id FROM conversations c
             JOIN channel_routing r ON r.channel_id = c.channel_id
             WHERE c.workspace_id = $1 AND c.assignee_id = $2 AND c.folder = 'inbox'
               AND c.waiting_since IS NOT NULL
               AND r.mode <> 'manual' AND r.reassign_on_away = 1
             ORDER BY c.id",
        )
        .bind(workspace_id)
        .bind(agent_id)
        .fetch_all(&mut *tx)
        .await?;
        let mut handed = Vec::with_capacity(rows.len());
        let reason = format!("unassigned from {name}: went away before answering");
        for r in &rows {
            let id: i64 = r.try_get("id")?;
            let channel_id: i64 = r.try_get("channel_id")?;
            sqlx::query("UPDATE conversations SET assignee_id = NULL WHERE id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await?;
            log(
                &mut tx,
                [workspace_id, channel_id, id, agent_id],
                "unassigned",
                "agent_away",
                &reason,
                now,
            )
            .await?;
            let event = LiveEvent::ConversationAssigned {
                conversation_id: id,
                assignee_id: None,
            };
            tx.emit(workspace_id, &event, now);
            handed.push(id);
        }
        tx.commit().await?;
        Ok(handed)
    }

    /// The workspace's latest routing decisions, newest first, `agent_id`'s only
    /// when given.
    pub async fn recent_assignments(
        &self,
        workspace_id: i64,
        agent_id: Option<i64>,
        limit: i64,
    ) -> Result<Vec<LoggedAssignment>> {
        let rows = sqlx::query(
            "SELECT l.conversation_id, c.name AS contact_name, l.agent_id, u.name AS agent_name,
                    l.action, l.reason_code, l.reason, l.at
             FROM assignment_log l
             JOIN users u ON u.id = l.agent_id
             JOIN conversations v ON v.id = l.conversation_id
             JOIN contacts c ON c.id = v.contact_id
             WHERE l.workspace_id = $1 AND ($2 = 0 OR l.agent_id = $2)
             ORDER BY l.id DESC LIMIT $3",
        )
        .bind(workspace_id)
        .bind(agent_id.unwrap_or(0))
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(LoggedAssignment {
                    conversation_id: r.try_get("conversation_id")?,
                    contact_name: r.try_get("contact_name")?,
                    agent_id: r.try_get("agent_id")?,
                    agent_name: r.try_get("agent_name")?,
                    action: r.try_get("action")?,
                    reason_code: r.try_get("reason_code")?,
                    reason: r.try_get("reason")?,
                    at: r.try_get("at")?,
                })
            })
            .collect()
    }

    /// The workspace's VIP contacts, by name.
    pub async fn vip_contacts(&self, workspace_id: i64) -> Result<Vec<VipContact>> {
        let rows = sqlx::query(
            "SELECT id, name FROM contacts WHERE workspace_id = $1 AND vip = 1 ORDER BY name, id",
        )
        .bind(workspace_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(VipContact {
                    id: r.try_get("id")?,
                    name: r.try_get("name")?,
                })
            })
            .collect()
    }

    /// A conversation's routing log, oldest first.
    pub async fn assignment_log(
        &self,
        workspace_id: i64,
        conversation_id: i64,
    ) -> Result<Vec<AssignmentLogEntry>> {
        let rows = sqlx::query(
            "SELECT agent_id, action, reason_code, reason, at FROM assignment_log
             WHERE workspace_id = $1 AND conversation_id = $2 ORDER BY id",
        )
        .bind(workspace_id)
        .bind(conversation_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(AssignmentLogEntry {
                    agent_id: r.try_get("agent_id")?,
                    action: r.try_get("action")?,
                    reason_code: r.try_get("reason_code")?,
                    reason: r.try_get("reason")?,
                    at: r.try_get("at")?,
                })
            })
            .collect()
    }
}

/// A routing decision in the workspace's log, with the names a page shows.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct LoggedAssignment {
    /// The conversation.
    pub conversation_id: i64,
    /// Its contact's name.
    pub contact_name: String,
    /// The agent.
    pub agent_id: i64,
    /// Their name.
    pub agent_name: String,
    /// `assigned` or `unassigned`.
    pub action: String,
    /// Why, as a code.
    pub reason_code: String,
    /// Why, as a sentence.
    pub reason: String,
    /// When.
    pub at: Micros,
}

/// A contact routing hands out first.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct VipContact {
    /// The contact.
    pub id: i64,
    /// Their name.
    pub name: String,
}

fn routing_row(r: &sqlx::any::AnyRow) -> Result<RoutingRow> {
    let fallback: i64 = r.try_get("fallback")?;
    let reassign: i64 = r.try_get("reassign_on_away")?;
    Ok(RoutingRow {
        mode: r.try_get("mode")?,
        fallback: fallback != 0,
        reassign_on_away: reassign != 0,
    })
}

fn strings(json: &str) -> Vec<String> {
    serde_json::from_str(json).unwrap_or_default()
}

/// Writes one line of the routing log: ids are (workspace, channel, conversation, agent).
async fn log(
    conn: &mut sqlx::AnyConnection,
    ids: [i64; 4],
    action: &str,
    reason_code: &str,
    reason: &str,
    now: Micros,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO assignment_log
         (workspace_id, channel_id, conversation_id, agent_id, action, reason_code, reason, at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(ids[0])
    .bind(ids[1])
    .bind(ids[2])
    .bind(ids[3])
    .bind(action)
    .bind(reason_code)
    .bind(reason)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(())
}
