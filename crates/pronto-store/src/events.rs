//! Live events: written in the transaction of the change they describe, numbered per
//! workspace, read back by number so that a client resuming with `Last-Event-ID`
//! misses nothing.
//!
//! The number comes from the workspace row, bumped under its row lock: two
//! transactions of one workspace cannot both hold it, so events commit in the order
//! of their numbers and a reader never sees number 11 before number 10.

use serde_json::Value;
use sqlx::{AnyConnection, Row};

use crate::model::{LiveEvent, Micros};
use crate::{Backend, Result, Store};

/// The PostgreSQL channel on which a committed event is announced (payload: the
/// workspace id), so that every node wakes its event streams.
pub const EVENTS_CHANNEL: &str = "pronto_events";

/// Appends an event inside the caller's transaction; returns its number.
pub(crate) async fn append(
    conn: &mut AnyConnection,
    backend: Backend,
    workspace_id: i64,
    kind: &str,
    payload: &Value,
    now: Micros,
) -> Result<i64> {
    let seq: i64 = sqlx::query_scalar(
        "UPDATE workspaces SET event_seq = event_seq + 1 WHERE id = $1 RETURNING event_seq",
    )
    .bind(workspace_id)
    .fetch_one(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO events (workspace_id, seq, kind, payload, created_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(workspace_id)
    .bind(seq)
    .bind(kind)
    .bind(payload.to_string())
    .bind(now)
    .execute(&mut *conn)
    .await?;
    if backend == Backend::Postgres {
        // Delivered by PostgreSQL when (and only if) the transaction commits.
        sqlx::query("SELECT pg_notify($1, $2)")
            .bind(EVENTS_CHANNEL)
            .bind(workspace_id.to_string())
            .execute(&mut *conn)
            .await?;
    }
    Ok(seq)
}

impl Store {
    /// Events of the workspace after number `after`, oldest first, at most `limit`.
    pub async fn events_after(
        &self,
        workspace_id: i64,
        after: i64,
        limit: i64,
    ) -> Result<Vec<LiveEvent>> {
        let rows = sqlx::query(
            "SELECT seq, kind, payload FROM events WHERE workspace_id = $1 AND seq > $2
             ORDER BY seq LIMIT $3",
        )
        .bind(workspace_id)
        .bind(after)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let payload: String = r.try_get("payload")?;
                Ok(LiveEvent {
                    seq: r.try_get("seq")?,
                    kind: r.try_get("kind")?,
                    payload: serde_json::from_str(&payload).unwrap_or(Value::Null),
                })
            })
            .collect()
    }

    /// The workspace's latest event number (0 before the first).
    pub async fn latest_event(&self, workspace_id: i64) -> Result<i64> {
        Ok(
            sqlx::query_scalar("SELECT event_seq FROM workspaces WHERE id = $1")
                .bind(workspace_id)
                .fetch_optional(&self.pool)
                .await?
                .unwrap_or(0),
        )
    }

    /// Records an event on its own (for changes that live outside the store, such as
    /// a responsiveness change the server computed).
    pub async fn publish(
        &self,
        workspace_id: i64,
        kind: &str,
        payload: &Value,
        now: Micros,
    ) -> Result<i64> {
        let mut tx = self.write_tx().await?;
        let seq = append(&mut tx, self.backend, workspace_id, kind, payload, now).await?;
        tx.commit().await?;
        Ok(seq)
    }
}
