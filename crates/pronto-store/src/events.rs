//! The live event log: events written in the transaction of the change they
//! describe, numbered per workspace, read back by number so that a client resuming
//! with `Last-Event-ID` misses nothing.
//!
//! Every write goes through [`Write`]: a transaction that records the events it
//! emits and, once it has committed, wakes the workspaces' listeners (this node's
//! event streams and workers through [`Store::subscribe`]; other nodes through
//! PostgreSQL's `NOTIFY`, delivered only if the transaction commits). The wake-up
//! follows the commit by construction: no caller announces a change by hand.
//!
//! Numbers are given out in blocks: [`Write::emit`] keeps the events, and the
//! commit takes one block of numbers per workspace from the workspace row and
//! inserts the events in one statement, just before it commits. Two transactions of
//! one workspace cannot both hold the row, so events commit in the order of their
//! numbers and a reader never sees number 11 before number 10, while the row is
//! held only for the end of each transaction (one batch of messages, not each).

use std::ops::{Deref, DerefMut};

use sqlx::{AnyConnection, Row};
use tokio::sync::broadcast;

use crate::live_event::{LiveEvent, Logged};
use crate::model::Micros;
use crate::runs::{Forms, params};
use crate::{Backend, Result, Store};

/// The PostgreSQL channel on which a committed event is announced (payload: the
/// workspace id), so that every node wakes its event streams.
pub const EVENTS_CHANNEL: &str = "pronto_events";

/// An event waiting for its transaction's commit: (workspace, kind, payload, now).
type Emitted = (i64, &'static str, String, Micros);

/// A write transaction and the events it will publish when it commits.
pub(crate) struct Write {
    tx: sqlx::Transaction<'static, sqlx::Any>,
    backend: Backend,
    wake: broadcast::Sender<i64>,
    /// The events emitted, in emission order.
    events: Vec<Emitted>,
}

impl Deref for Write {
    type Target = AnyConnection;
    fn deref(&self) -> &AnyConnection {
        &self.tx
    }
}

impl DerefMut for Write {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        &mut self.tx
    }
}

impl Write {
    /// Adds `event` of `workspace_id` to what this transaction publishes.
    pub(crate) fn emit(&mut self, workspace_id: i64, event: &LiveEvent, now: Micros) {
        self.events
            .push((workspace_id, event.kind(), event.payload_json(), now));
    }

    /// Numbers and writes the events, commits, then wakes the listeners of each
    /// workspace that got one.
    pub(crate) async fn commit(self) -> Result<()> {
        self.commit_numbered().await.map(drop)
    }

    /// [`Write::commit`], returning each emitted event's number, in emission order.
    pub(crate) async fn commit_numbered(mut self) -> Result<Vec<i64>> {
        let (workspaces, numbers) = self.write_events().await?;
        self.tx.commit().await?;
        for ws in workspaces {
            let _ = self.wake.send(ws);
        }
        Ok(numbers)
    }

    async fn write_events(&mut self) -> Result<(Vec<i64>, Vec<i64>)> {
        let mut numbers = vec![0; self.events.len()];
        let mut workspaces: Vec<i64> = self.events.iter().map(|e| e.0).collect();
        workspaces.sort_unstable();
        workspaces.dedup();
        // Workspaces in id order: two transactions never wait on each other's rows
        // the other way round.
        for &ws in &workspaces {
            let (positions, mine): (Vec<usize>, Vec<&Emitted>) = self
                .events
                .iter()
                .enumerate()
                .filter(|(_, e)| e.0 == ws)
                .unzip();
            let count = mine.len() as i64;
            let last: i64 = sqlx::query_scalar(
                "UPDATE workspaces SET event_seq = event_seq + $2 WHERE id = $1 RETURNING event_seq",
            )
            .bind(ws)
            .bind(count)
            .fetch_one(&mut *self.tx)
            .await?;
            for (i, &at) in positions.iter().enumerate() {
                numbers[at] = last - count + 1 + i as i64;
            }
            // Rows a statement in a few fixed sizes (`runs`), so that each
            // connection keeps few prepared forms of this insert.
            let mut first = last - count + 1;
            for chunk in crate::runs::fixed_runs(&mine) {
                let size = chunk.len();
                let mut query = sqlx::query(INSERT_EVENTS.get(size));
                for (i, (_, kind, payload, now)) in chunk.iter().enumerate() {
                    query = query
                        .bind(ws)
                        .bind(first + i as i64)
                        .bind(*kind)
                        .bind(payload.as_str())
                        .bind(*now);
                }
                query.execute(&mut *self.tx).await?;
                first += size as i64;
            }
            if self.backend == Backend::Postgres {
                // Delivered by PostgreSQL when (and only if) the transaction commits.
                sqlx::query("SELECT pg_notify($1, $2)")
                    .bind(EVENTS_CHANNEL)
                    .bind(ws.to_string())
                    .execute(&mut *self.tx)
                    .await?;
            }
        }
        Ok((workspaces, numbers))
    }
}

/// The insert of a run of events (5 parameters each).
static INSERT_EVENTS: Forms = Forms::new(|rows| {
    format!(
        "INSERT INTO events (workspace_id, seq, kind, payload, created_at) VALUES {}",
        params(rows, 5, 1)
    )
});

impl Store {
    /// Starts a transaction that will write. On SQLite it takes the write lock at
    /// once (`BEGIN IMMEDIATE`), so that concurrent writers wait for each other (up
    /// to the busy timeout) instead of failing when a read lock cannot be upgraded.
    pub(crate) async fn write_tx(&self) -> Result<Write> {
        let tx = match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            Backend::Postgres => self.pool.begin().await?,
        };
        Ok(Write {
            tx,
            backend: self.backend,
            wake: self.wake.clone(),
            events: Vec::new(),
        })
    }

    /// Wake-ups: the id of each workspace that has new events, after each commit on
    /// this node (and, with [`Store::relay_other_nodes`] running, on the others).
    pub fn subscribe(&self) -> broadcast::Receiver<i64> {
        self.wake.subscribe()
    }

    /// Wakes the listeners of a workspace without an event (a credential ended, so
    /// its event streams check theirs again; routing settings changed).
    pub fn wake(&self, workspace_id: i64) {
        let _ = self.wake.send(workspace_id);
    }

    /// Wakes this node's workers, and nothing else, about work that no event
    /// announces (a webhook body was queued): event streams are not disturbed.
    pub fn work_queued(&self) {
        let _ = self.work.send(());
    }

    /// Wake-ups of [`Store::work_queued`].
    pub fn subscribe_work(&self) -> broadcast::Receiver<()> {
        self.work.subscribe()
    }

    /// Events of the workspace after number `after`, oldest first, at most `limit`.
    pub async fn events_after(
        &self,
        workspace_id: i64,
        after: i64,
        limit: i64,
    ) -> Result<Vec<Logged>> {
        let rows = sqlx::query(
            "SELECT seq, kind, payload, created_at FROM events WHERE workspace_id = $1 AND seq > $2
             ORDER BY seq LIMIT $3",
        )
        .bind(workspace_id)
        .bind(after)
        .bind(limit)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let kind: String = r.try_get("kind")?;
                let payload: String = r.try_get("payload")?;
                Ok(Logged {
                    seq: r.try_get("seq")?,
                    at: r.try_get("created_at")?,
                    event: LiveEvent::read(&kind, &payload),
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
    /// a responsiveness change the server computed, or someone typing).
    /// Returns its number.
    pub async fn publish(&self, workspace_id: i64, event: &LiveEvent, now: Micros) -> Result<i64> {
        let mut tx = self.write_tx().await?;
        tx.emit(workspace_id, event, now);
        Ok(tx.commit_numbered().await?.first().copied().unwrap_or(0))
    }

    /// Relays the other nodes' wake-ups (PostgreSQL's `LISTEN`) to this node's
    /// subscribers until `stop` resolves; reconnects after a lost connection. Does
    /// nothing on SQLite, where one process owns the file.
    pub async fn relay_other_nodes(&self, stop: impl std::future::Future<Output = ()>) {
        let Some(url) = self.url.postgres() else {
            return stop.await;
        };
        tokio::pin!(stop);
        loop {
            match sqlx::postgres::PgListener::connect(url).await {
                Ok(mut listener) => {
                    if let Err(e) = listener.listen(EVENTS_CHANNEL).await {
                        tracing_warn(&format!("LISTEN failed: {e}"));
                    } else {
                        loop {
                            tokio::select! {
                                _ = &mut stop => return,
                                n = listener.recv() => match n {
                                    Ok(n) => {
                                        if let Ok(ws) = n.payload().parse() {
                                            self.wake(ws);
                                        }
                                    }
                                    Err(e) => {
                                        tracing_warn(&format!("LISTEN connection lost: {e}"));
                                        break;
                                    }
                                },
                            }
                        }
                    }
                }
                Err(e) => tracing_warn(&format!("cannot LISTEN on PostgreSQL: {e}")),
            }
            tokio::select! {
                _ = &mut stop => return,
                _ = tokio::time::sleep(std::time::Duration::from_secs(1)) => {}
            }
        }
    }
}

fn tracing_warn(message: &str) {
    tracing::warn!("{message}");
}
