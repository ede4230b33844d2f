//! What alerts need stored: each person's preferences (JSON, checked by
//! `pronto_core::alerts`), and how far the alerts worker has read each workspace's
//! event log, moved in the same transaction as the alerts it writes.

use serde_json::Value;
use sqlx::Row;

use crate::live_event::LiveEvent;
use crate::model::Micros;
use crate::{Result, Store, StoreError};

impl Store {
    /// A member's alert preferences, if they saved any.
    pub async fn alert_prefs(&self, workspace_id: i64, user_id: i64) -> Result<Option<Value>> {
        let prefs: Option<String> = sqlx::query_scalar(
            "SELECT prefs FROM alert_prefs WHERE workspace_id = $1 AND user_id = $2",
        )
        .bind(workspace_id)
        .bind(user_id)
        .fetch_optional(&self.pool)
        .await?;
        Ok(prefs.and_then(|p| serde_json::from_str(&p).ok()))
    }

    /// Saves a member's alert preferences (checked by the caller).
    pub async fn set_alert_prefs(
        &self,
        workspace_id: i64,
        user_id: i64,
        prefs: &Value,
        now: Micros,
    ) -> Result<()> {
        self.member(workspace_id, user_id).await?;
        sqlx::query(
            "INSERT INTO alert_prefs (workspace_id, user_id, prefs, updated_at) VALUES ($1, $2, $3, $4)
             ON CONFLICT (workspace_id, user_id) DO UPDATE SET prefs = excluded.prefs,
                 updated_at = excluded.updated_at",
        )
        .bind(workspace_id)
        .bind(user_id)
        .bind(prefs.to_string())
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    /// A workspace whose log has events the alerts worker has not read, with the
    /// number it read up to. A workspace it never read starts at its latest event:
    /// history is nobody's news.
    pub async fn alerts_due(&self) -> Result<Option<(i64, i64)>> {
        loop {
            let row = sqlx::query(
                "SELECT w.id, w.event_seq, c.last_seq FROM workspaces w
                 LEFT JOIN alert_cursors c ON c.workspace_id = w.id
                 WHERE c.last_seq IS NULL OR c.last_seq < w.event_seq
                 ORDER BY w.id LIMIT 1",
            )
            .fetch_optional(&self.pool)
            .await?;
            let Some(row) = row else { return Ok(None) };
            let ws: i64 = row.try_get("id")?;
            match row.try_get::<Option<i64>, _>("last_seq")? {
                Some(seq) => return Ok(Some((ws, seq))),
                None => {
                    let latest: i64 = row.try_get("event_seq")?;
                    sqlx::query(
                        "INSERT INTO alert_cursors (workspace_id, last_seq) VALUES ($1, $2)
                         ON CONFLICT (workspace_id) DO NOTHING",
                    )
                    .bind(ws)
                    .bind(latest)
                    .execute(&self.pool)
                    .await?;
                }
            }
        }
    }

    /// Writes `alerts` and moves the workspace's cursor from `from` to `to`, in one
    /// transaction; false (and nothing written) if another worker moved it first.
    pub async fn commit_alerts(
        &self,
        workspace_id: i64,
        from: i64,
        to: i64,
        alerts: &[LiveEvent],
        now: Micros,
    ) -> Result<bool> {
        let mut tx = self.write_tx().await?;
        let moved = sqlx::query(
            "UPDATE alert_cursors SET last_seq = $1 WHERE workspace_id = $2 AND last_seq = $3",
        )
        .bind(to)
        .bind(workspace_id)
        .bind(from)
        .execute(&mut *tx)
        .await?;
        if moved.rows_affected() == 0 {
            return Ok(false);
        }
        for alert in alerts {
            tx.emit(workspace_id, alert, now);
        }
        tx.commit().await?;
        Ok(true)
    }

    /// Whether `message_id` is the first customer message of its conversation.
    pub async fn is_first_customer_message(
        &self,
        workspace_id: i64,
        conversation_id: i64,
        message_id: i64,
    ) -> Result<bool> {
        let earlier: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM messages m JOIN conversations c ON c.id = m.conversation_id
             WHERE c.workspace_id = $1 AND m.conversation_id = $2 AND m.id < $3
               AND m.author = 'customer'",
        )
        .bind(workspace_id)
        .bind(conversation_id)
        .bind(message_id)
        .fetch_one(&self.pool)
        .await
        .map_err(StoreError::from)?;
        Ok(earlier == 0)
    }
}

/// A device's Web Push subscription.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct PushSubscription {
    /// Its id.
    pub id: i64,
    /// The push service's URL for the device.
    pub endpoint: String,
    /// The device's public key (P-256, base64url), payloads are encrypted to.
    pub p256dh: String,
    /// The device's authentication secret (base64url).
    #[serde(skip)]
    pub auth: String,
    /// When it was added.
    pub created_at: Micros,
}

fn push_subscription(r: &sqlx::any::AnyRow) -> Result<PushSubscription> {
    Ok(PushSubscription {
        id: r.try_get("id")?,
        endpoint: r.try_get("endpoint")?,
        p256dh: r.try_get("p256dh")?,
        auth: r.try_get("auth")?,
        created_at: r.try_get("created_at")?,
    })
}

impl Store {
    /// Adds a device for a member; the same endpoint again replaces its keys (and
    /// moves it to this member: a browser belongs to whoever signed in last).
    pub async fn add_push_subscription(
        &self,
        workspace_id: i64,
        user_id: i64,
        endpoint: &str,
        p256dh: &str,
        auth: &str,
        now: Micros,
    ) -> Result<PushSubscription> {
        self.member(workspace_id, user_id).await?;
        let row = sqlx::query(
            "INSERT INTO push_subscriptions (workspace_id, user_id, endpoint, p256dh, auth, created_at)
             VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (endpoint) DO UPDATE SET workspace_id = excluded.workspace_id,
                 user_id = excluded.user_id, p256dh = excluded.p256dh, auth = excluded.auth
             RETURNING id, endpoint, p256dh, auth, created_at",
        )
        .bind(workspace_id)
        .bind(user_id)
        .bind(endpoint)
        .bind(p256dh)
        .bind(auth)
        .bind(now)
        .fetch_one(&self.pool)
        .await?;
        push_subscription(&row)
    }

    /// A member's devices.
    pub async fn push_subscriptions(
        &self,
        workspace_id: i64,
        user_id: i64,
    ) -> Result<Vec<PushSubscription>> {
        let rows = sqlx::query(
            "SELECT id, endpoint, p256dh, auth, created_at FROM push_subscriptions
             WHERE workspace_id = $1 AND user_id = $2 ORDER BY id",
        )
        .bind(workspace_id)
        .bind(user_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(push_subscription).collect()
    }

    /// Removes one of a member's devices.
    pub async fn delete_push_subscription(
        &self,
        workspace_id: i64,
        user_id: i64,
        id: i64,
    ) -> Result<()> {
        let done = sqlx::query(
            "DELETE FROM push_subscriptions WHERE id = $1 AND workspace_id = $2 AND user_id = $3",
        )
        .bind(id)
        .bind(workspace_id)
        .bind(user_id)
        .execute(&self.pool)
        .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound("push subscription"));
        }
        Ok(())
    }

    /// Forgets a device its push service no longer knows (404 or 410).
    pub async fn forget_push_endpoint(&self, endpoint: &str) -> Result<()> {
        sqlx::query("DELETE FROM push_subscriptions WHERE endpoint = $1")
            .bind(endpoint)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// The server key `name`, made by `make` and kept the first time it is asked
    /// for; every node then reads the same one.
    pub async fn server_key(
        &self,
        name: &str,
        make: impl FnOnce() -> String,
        now: Micros,
    ) -> Result<String> {
        let existing: Option<String> =
            sqlx::query_scalar("SELECT value FROM server_keys WHERE name = $1")
                .bind(name)
                .fetch_optional(&self.pool)
                .await?;
        if let Some(v) = existing {
            return Ok(v);
        }
        sqlx::query(
            "INSERT INTO server_keys (name, value, created_at) VALUES ($1, $2, $3)
             ON CONFLICT (name) DO NOTHING",
        )
        .bind(name)
        .bind(make())
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(
            sqlx::query_scalar("SELECT value FROM server_keys WHERE name = $1")
                .bind(name)
                .fetch_one(&self.pool)
                .await?,
        )
    }
}
