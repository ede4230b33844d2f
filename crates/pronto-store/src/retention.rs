//! Retention: what is deleted once it is old, in small transactions so that a large
//! first sweep never holds SQLite's one write lock for long.
//!
//! Deleted: webhook bodies processed without error (dead letters stay, for an admin to
//! read), live events (the log that event streams resume from and outgoing webhooks
//! follow), and sessions that have expired. Messages, notes, contacts and the history
//! the responsiveness engine reads are never deleted here.

use sqlx::Row;

use crate::model::Micros;
use crate::{Result, Store};

/// Rows deleted per transaction.
pub const CHUNK: i64 = 5_000;

/// What one sweep deleted.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Purged {
    /// Processed webhook bodies.
    pub webhook_bodies: u64,
    /// Live events.
    pub events: u64,
    /// Expired sessions.
    pub sessions: u64,
    /// Bookkeeping: rules' past runs (the rules page's last firings) and
    /// at-risk flags.
    pub bookkeeping: u64,
}

impl Store {
    /// Deletes processed webhook bodies, live events, rules' runs and at-risk flags
    /// older than `before`, and the sessions expired at `now`, [`CHUNK`] rows per
    /// transaction.
    pub async fn purge(&self, before: Micros, now: Micros) -> Result<Purged> {
        self.purge_in_chunks(before, now, CHUNK).await
    }

    /// [`Store::purge`], `chunk` rows per transaction.
    pub async fn purge_in_chunks(&self, before: Micros, now: Micros, chunk: i64) -> Result<Purged> {
        let chunk = chunk.max(1);
        Ok(Purged {
            webhook_bodies: self.purge_webhook_bodies(before, chunk).await?,
            events: self.purge_events(before, chunk).await?,
            sessions: sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
                .bind(now)
                .execute(&self.pool)
                .await?
                .rows_affected(),
            bookkeeping: self.purge_older("rule_runs", "at", before, chunk).await?
                + self
                    .purge_older("at_risk_flags", "flagged_at", before, chunk)
                    .await?,
        })
    }

    /// Deletes the rows of `table` whose `column` is before `before`, oldest ids
    /// first, `chunk` at a time (ids grow with time in these tables).
    async fn purge_older(
        &self,
        table: &str,
        column: &str,
        before: Micros,
        chunk: i64,
    ) -> Result<u64> {
        let sql = format!(
            "DELETE FROM {table} WHERE id IN (
                 SELECT id FROM {table} WHERE {column} < $1 ORDER BY id LIMIT $2)"
        );
        let mut total = 0;
        loop {
            let deleted = sqlx::query(&sql)
                .bind(before)
                .bind(chunk)
                .execute(&self.pool)
                .await?
                .rows_affected();
            total += deleted;
            if deleted < chunk as u64 {
                return Ok(total);
            }
        }
    }

    async fn purge_webhook_bodies(&self, before: Micros, chunk: i64) -> Result<u64> {
        let mut total = 0;
        loop {
            // The subquery walks the (processed_at, id) index from its oldest end.
            let deleted = sqlx::query(
                "DELETE FROM webhook_inbox WHERE id IN (
                     SELECT id FROM webhook_inbox
                     WHERE processed_at IS NOT NULL AND processed_at < $1 AND error IS NULL
                     ORDER BY processed_at, id LIMIT $2)",
            )
            .bind(before)
            .bind(chunk)
            .execute(&self.pool)
            .await?
            .rows_affected();
            total += deleted;
            if deleted < chunk as u64 {
                return Ok(total);
            }
        }
    }

    /// Events are numbered in commit order and stamped with the time they were
    /// written, so the old ones are a prefix of each workspace's log: each step reads
    /// the oldest remaining event and deletes the next chunk of numbers, never
    /// scanning the events that stay.
    async fn purge_events(&self, before: Micros, chunk: i64) -> Result<u64> {
        let workspaces: Vec<i64> = sqlx::query_scalar("SELECT id FROM workspaces ORDER BY id")
            .fetch_all(&self.pool)
            .await?;
        let mut total = 0;
        for workspace in workspaces {
            loop {
                let oldest = sqlx::query(
                    "SELECT seq, created_at FROM events WHERE workspace_id = $1 ORDER BY seq LIMIT 1",
                )
                .bind(workspace)
                .fetch_optional(&self.pool)
                .await?;
                let Some(row) = oldest else { break };
                let (seq, at): (i64, i64) = (row.try_get("seq")?, row.try_get("created_at")?);
                if at >= before {
                    break;
                }
                total += sqlx::query(
                    "DELETE FROM events WHERE workspace_id = $1 AND seq >= $2 AND seq < $3 AND created_at < $4",
                )
                .bind(workspace)
                .bind(seq)
                .bind(seq + chunk)
                .bind(before)
                .execute(&self.pool)
                .await?
                .rows_affected();
            }
        }
        Ok(total)
    }
}
