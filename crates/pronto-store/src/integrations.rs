//! Outgoing webhook subscriptions (a cursor over the workspace's event log, with
//! the attempt state kept here so that restarts lose nothing) and automation rules
//! (kept as JSON; `pronto_core::rules` reads them).

use serde::Serialize;
use serde_json::Value;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::model::Micros;
use crate::{Result, Store, StoreError};

/// An outgoing webhook subscription as admins see it (the secret left out).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Subscription {
    /// Its id.
    pub id: i64,
    /// Where events are posted.
    pub url: String,
    /// The event kinds it receives.
    pub kinds: Vec<String>,
    /// `active`, or `failing` once an event could not be delivered after many
    /// attempts (delivery stops until it is created again).
    pub state: String,
    /// The last event number delivered or skipped.
    pub last_seq: i64,
    /// Failed attempts at the next event.
    pub attempts: i64,
    /// When the next attempt is due.
    pub next_attempt_at: i64,
    /// Why the last attempt failed.
    pub last_error: Option<String>,
    /// When it was created.
    pub created_at: i64,
    #[serde(skip)]
    #[schema(ignore)]
    /// Its workspace.
    pub workspace_id: i64,
}

/// One time a rule fired on a conversation.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct RuleRun {
    /// The rule.
    pub rule_id: i64,
    /// The conversation.
    pub conversation_id: i64,
    /// What it did (`label`, `notify`...).
    pub action: String,
    /// When.
    pub at: Micros,
}

/// An automation rule as stored: its id, position and JSON.
#[derive(Clone, Debug, PartialEq)]
pub struct StoredRule {
    /// Its id.
    pub id: i64,
    /// The rule, without its id.
    pub body: Value,
}

const SUB_COLUMNS: &str = "id, workspace_id, url, kinds, state, last_seq, attempts, next_attempt_at, last_error, created_at";

fn subscription(r: &AnyRow) -> Result<Subscription> {
    let kinds: String = r.try_get("kinds")?;
    Ok(Subscription {
        id: r.try_get("id")?,
        workspace_id: r.try_get("workspace_id")?,
        url: r.try_get("url")?,
        kinds: serde_json::from_str(&kinds).unwrap_or_default(),
        state: r.try_get("state")?,
        last_seq: r.try_get("last_seq")?,
        attempts: r.try_get("attempts")?,
        next_attempt_at: r.try_get("next_attempt_at")?,
        last_error: r.try_get("last_error")?,
        created_at: r.try_get("created_at")?,
    })
}

impl Store {
    /// Subscribes `url` to `kinds`, from the next event on. `secret` is stored as
    /// given (the caller seals it).
    pub async fn create_subscription(
        &self,
        workspace_id: i64,
        url: &str,
        kinds: &[String],
        secret: &str,
        now: Micros,
    ) -> Result<Subscription> {
        let row = sqlx::query(&format!(
            "INSERT INTO webhook_subscriptions (workspace_id, url, kinds, secret, last_seq, created_at)
             VALUES ($1, $2, $3, $4, (SELECT event_seq FROM workspaces WHERE id = $1), $5)
             RETURNING {SUB_COLUMNS}"
        ))
        .bind(workspace_id)
        .bind(url)
        .bind(serde_json::to_string(kinds).unwrap_or_default())
        .bind(secret)
        .bind(now)
        .fetch_one(&self.pool)
        .await?;
        subscription(&row)
    }

    /// The workspace's subscriptions, oldest first.
    pub async fn subscriptions(&self, workspace_id: i64) -> Result<Vec<Subscription>> {
        let rows = sqlx::query(&format!(
            "SELECT {SUB_COLUMNS} FROM webhook_subscriptions
             WHERE workspace_id = $1 AND deleted_at IS NULL ORDER BY id"
        ))
        .bind(workspace_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(subscription).collect()
    }

    /// Ends a subscription.
    pub async fn delete_subscription(&self, workspace_id: i64, id: i64, now: Micros) -> Result<()> {
        let done = sqlx::query(
            "UPDATE webhook_subscriptions SET deleted_at = $1
             WHERE id = $2 AND workspace_id = $3 AND deleted_at IS NULL",
        )
        .bind(now)
        .bind(id)
        .bind(workspace_id)
        .execute(&self.pool)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound("webhook subscription"));
        }
        Ok(())
    }

    /// Delivers again now: an active subscription's next attempt is due at once and a
    /// failing one is active again, from the event it stopped at.
    pub async fn retry_subscription(&self, workspace_id: i64, id: i64) -> Result<Subscription> {
        let row = sqlx::query(&format!(
            "UPDATE webhook_subscriptions SET state = 'active', attempts = 0, next_attempt_at = 0
             WHERE id = $1 AND workspace_id = $2 AND deleted_at IS NULL
             RETURNING {SUB_COLUMNS}"
        ))
        .bind(id)
        .bind(workspace_id)
        .fetch_optional(&self.pool)
        .await?
        .ok_or(StoreError::NotFound("webhook subscription"))?;
        subscription(&row)
    }

    /// Claims, for `lease`, an active subscription that is due and has events past
    /// its cursor; returns it with its stored secret.
    pub async fn claim_subscription(
        &self,
        now: Micros,
        lease: Micros,
    ) -> Result<Option<(Subscription, String)>> {
        let due = "deleted_at IS NULL AND state = 'active' AND next_attempt_at <= $2
                   AND (locked_until IS NULL OR locked_until <= $2)
                   AND last_seq < (SELECT w.event_seq FROM workspaces w WHERE w.id = workspace_id)";
        let row = sqlx::query(&format!(
            "UPDATE webhook_subscriptions SET locked_until = $1
             WHERE id = (SELECT id FROM webhook_subscriptions WHERE {due}
                         ORDER BY next_attempt_at, id LIMIT 1)
               AND {due}
             RETURNING {SUB_COLUMNS}, secret"
        ))
        .bind(now + lease)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| Ok((subscription(&r)?, r.try_get("secret")?)))
            .transpose()
    }

    /// Moves the cursor past `seq` and clears the attempt state.
    pub async fn subscription_advanced(&self, id: i64, seq: i64) -> Result<()> {
        sqlx::query(
            "UPDATE webhook_subscriptions SET last_seq = $1, attempts = 0, next_attempt_at = 0,
                    last_error = NULL, locked_until = NULL WHERE id = $2 AND last_seq < $1",
        )
        .bind(seq)
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// Records a failed attempt: due again at `next`, or, with `failing`, given up.
    pub async fn subscription_failed(
        &self,
        id: i64,
        attempts: i64,
        next: Micros,
        error: &str,
        failing: bool,
    ) -> Result<()> {
        sqlx::query(
            "UPDATE webhook_subscriptions SET attempts = $1, next_attempt_at = $2, last_error = $3,
                    state = $4, locked_until = NULL WHERE id = $5",
        )
        .bind(attempts)
        .bind(next)
        .bind(error)
        .bind(if failing { "failing" } else { "active" })
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The workspace's rules, in evaluation order.
    pub async fn rules(&self, workspace_id: i64) -> Result<Vec<StoredRule>> {
        let rows =
            sqlx::query("SELECT id, body FROM rules WHERE workspace_id = $1 ORDER BY position, id")
                .bind(workspace_id)
                .fetch_all(&self.pool)
                .await?;
        rows.iter().map(stored_rule).collect()
    }

    /// One rule.
    pub async fn rule(&self, workspace_id: i64, id: i64) -> Result<StoredRule> {
        let row = sqlx::query("SELECT id, body FROM rules WHERE workspace_id = $1 AND id = $2")
            .bind(workspace_id)
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NotFound("rule"))?;
        stored_rule(&row)
    }

    /// Adds a rule after the others.
    pub async fn create_rule(
        &self,
        workspace_id: i64,
        body: &Value,
        now: Micros,
    ) -> Result<StoredRule> {
        let row = sqlx::query(
            "INSERT INTO rules (workspace_id, position, body, created_at, updated_at)
             VALUES ($1, (SELECT COALESCE(MAX(position), 0) + 1 FROM rules WHERE workspace_id = $1), $2, $3, $3)
             RETURNING id, body",
        )
        .bind(workspace_id)
        .bind(body.to_string())
        .bind(now)
        .fetch_one(&self.pool)
        .await?;
        stored_rule(&row)
    }

    /// Replaces a rule, keeping its place.
    pub async fn update_rule(
        &self,
        workspace_id: i64,
        id: i64,
        body: &Value,
        now: Micros,
    ) -> Result<StoredRule> {
        let done = sqlx::query(
            "UPDATE rules SET body = $1, updated_at = $2 WHERE id = $3 AND workspace_id = $4",
        )
        .bind(body.to_string())
        .bind(now)
        .bind(id)
        .bind(workspace_id)
        .execute(&self.pool)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound("rule"));
        }
        self.rule(workspace_id, id).await
    }

    /// Puts the workspace's rules in this order; `ids` must be all of them, once.
    pub async fn order_rules(&self, workspace_id: i64, ids: &[i64]) -> Result<()> {
        let mut tx = self.write_tx().await?;
        let mut have: Vec<i64> =
            sqlx::query_scalar("SELECT id FROM rules WHERE workspace_id = $1 ORDER BY id")
                .bind(workspace_id)
                .fetch_all(&mut *tx)
                .await?;
        let mut given = ids.to_vec();
        given.sort_unstable();
        have.sort_unstable();
        if given != have {
            return Err(StoreError::Conflict(
                "the order must list each of the workspace's rules once".into(),
            ));
        }
        for (position, id) in ids.iter().enumerate() {
            sqlx::query("UPDATE rules SET position = $1 WHERE id = $2 AND workspace_id = $3")
                .bind(position as i64 + 1)
                .bind(id)
                .bind(workspace_id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Records that a rule fired on a conversation (what it did, as the rule's
    /// action type), for the rules page's "last firings".
    pub async fn record_rule_run(
        &self,
        workspace_id: i64,
        rule_id: i64,
        conversation_id: i64,
        action: &str,
        at: Micros,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO rule_runs (workspace_id, rule_id, conversation_id, action, at)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(workspace_id)
        .bind(rule_id)
        .bind(conversation_id)
        .bind(action)
        .bind(at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// The latest runs of each of the workspace's rules, newest first, at most
    /// `per_rule` a rule.
    pub async fn rule_runs(&self, workspace_id: i64, per_rule: i64) -> Result<Vec<RuleRun>> {
        let rows = sqlx::query(
            "SELECT r.rule_id, r.conversation_id, r.action, r.at FROM rule_runs r
             WHERE r.workspace_id = $1 AND r.id IN (
                 SELECT x.id FROM rule_runs x
                 WHERE x.rule_id = r.rule_id AND x.workspace_id = $1
                 ORDER BY x.id DESC LIMIT $2)
             ORDER BY r.id DESC",
        )
        .bind(workspace_id)
        .bind(per_rule)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(RuleRun {
                    rule_id: r.try_get("rule_id")?,
                    conversation_id: r.try_get("conversation_id")?,
                    action: r.try_get("action")?,
                    at: r.try_get("at")?,
                })
            })
            .collect()
    }

    /// Deletes a rule.
    pub async fn delete_rule(&self, workspace_id: i64, id: i64) -> Result<()> {
        let done = sqlx::query("DELETE FROM rules WHERE id = $1 AND workspace_id = $2")
            .bind(id)
            .bind(workspace_id)
            .execute(&self.pool)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound("rule"));
        }
        Ok(())
    }
}

fn stored_rule(r: &AnyRow) -> Result<StoredRule> {
    let body: String = r.try_get("body")?;
    Ok(StoredRule {
        id: r.try_get("id")?,
        body: serde_json::from_str(&body).unwrap_or(Value::Null),
    })
}

/// A conversation whose customer waits for a reply.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Waiting {
    /// The conversation.
    pub conversation_id: i64,
    /// Its channel.
    pub channel_id: i64,
    /// Since when the customer waits.
    pub since: i64,
}

impl Store {
    /// The workspaces that have rules.
    pub async fn workspaces_with_rules(&self) -> Result<Vec<i64>> {
        Ok(
            sqlx::query_scalar("SELECT DISTINCT workspace_id FROM rules ORDER BY workspace_id")
                .fetch_all(&self.pool)
                .await?,
        )
    }

    /// Conversations in the inbox whose customer has waited since `waiting_since` or
    /// earlier, longest first.
    pub async fn waiting_since(
        &self,
        workspace_id: i64,
        waiting_since: i64,
        limit: i64,
    ) -> Result<Vec<Waiting>> {
        let rows = sqlx::query(
            "SELECT id, channel_id, waiting_since FROM conversations
             WHERE workspace_id = $1 AND waiting_since IS NOT NULL AND waiting_since <= $2
               AND folder = 'inbox'
             ORDER BY list_key, id LIMIT $3",
        )
        .bind(workspace_id)
        .bind(waiting_since)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(Waiting {
                    conversation_id: r.try_get("id")?,
                    channel_id: r.try_get("channel_id")?,
                    since: r.try_get("waiting_since")?,
                })
            })
            .collect()
    }

    /// Records that `rule` fired for the wait that began at `since`; false if it
    /// had already (then it must not fire again).
    pub async fn claim_rule_firing(
        &self,
        rule_id: i64,
        conversation_id: i64,
        since: i64,
        now: i64,
    ) -> Result<bool> {
        let done = sqlx::query(
            "INSERT INTO rule_firings (rule_id, conversation_id, since, fired_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (rule_id, conversation_id, since) DO NOTHING",
        )
        .bind(rule_id)
        .bind(conversation_id)
        .bind(since)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }
}
