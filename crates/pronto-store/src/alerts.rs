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
