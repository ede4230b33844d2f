//! Group commit for customer messages: the messages that concurrent callers hand to
//! [`Store::receive`] while a transaction is being written wait together, and the
//! next transaction writes all of them (up to [`MAX_BATCH`]) and commits once.
//!
//! One writer task per store takes them in arrival order, so the messages of one
//! conversation are written in the order they were handed in, batch after batch.
//! Each caller's answer comes only after the commit that made its message durable.
//! A batch in which one message fails is rolled back and its messages are written
//! again one transaction each, so the failing one fails alone and the others are
//! stored.
//!
//! A batch is written with a few set-based statements ([`set_write`]): per channel
//! one channel check, one lookup of the duplicates and one of the contacts and
//! their conversations; one insert of the messages; one update of the touched
//! conversations; the block of event numbers, one insert of the events, the commit
//! (inserts and updates in runs of 64, 32... 1 rows, `crate::runs`). New contacts
//! and conversations are written one by one.

pub(crate) mod bodies;
pub(crate) mod set_write;

use tokio::sync::{mpsc, oneshot};

use crate::events::Write;
use crate::model::{Inbound, Micros, Stored};
use crate::{Result, Store, StoreError};

/// The most messages one transaction writes.
pub const MAX_BATCH: usize = 256;

/// A message waiting for the writer, and where its answer goes.
pub(crate) struct Job {
    workspace_id: i64,
    inbound: Inbound,
    /// Its thread on the channel (`set_write::New::Customer`).
    thread: String,
    now: Micros,
    answer: oneshot::Sender<Result<Stored>>,
}

/// The handle callers send to; the writer task ends when every handle is gone.
#[derive(Clone, Debug)]
pub(crate) struct GroupCommit {
    jobs: mpsc::UnboundedSender<Job>,
}

impl GroupCommit {
    /// Starts the writer of `store` (a store without a writer of its own).
    pub(crate) fn start(store: Store) -> GroupCommit {
        let (jobs, rx) = mpsc::unbounded_channel();
        tokio::spawn(writer(store, rx));
        GroupCommit { jobs }
    }
}

impl Store {
    /// Stores customer messages of one workspace, written together with the other
    /// callers' (see [`Store::receive`]); one result per message, in order.
    pub async fn receive_many(
        &self,
        workspace_id: i64,
        inbound: Vec<Inbound>,
        now: Micros,
    ) -> Vec<Result<Stored>> {
        let threads = inbound.into_iter().map(|m| (m, String::new())).collect();
        self.receive_threads(workspace_id, threads, now).await
    }

    /// [`Store::receive_many`] for messages of channels with threads (email): each
    /// with the thread it belongs to, whose conversation it goes to (opened if
    /// new); '' is the contact's one conversation of the other channels.
    pub async fn receive_threads(
        &self,
        workspace_id: i64,
        inbound: Vec<(Inbound, String)>,
        now: Micros,
    ) -> Vec<Result<Stored>> {
        let group = self.group_commit();
        let mut waiting = Vec::with_capacity(inbound.len());
        for (inbound, thread) in inbound {
            let (answer, rx) = oneshot::channel();
            let job = Job {
                workspace_id,
                inbound,
                thread,
                now,
                answer,
            };
            match group.jobs.send(job) {
                Ok(()) => waiting.push(Some(rx)),
                Err(_) => waiting.push(None),
            }
        }
        let mut results = Vec::with_capacity(waiting.len());
        for rx in waiting {
            results.push(match rx {
                Some(rx) => rx.await.unwrap_or_else(|_| Err(stopped())),
                None => Err(stopped()),
            });
        }
        results
    }

    fn group_commit(&self) -> &GroupCommit {
        self.group
            .get_or_init(|| GroupCommit::start(self.without_group_commit()))
    }
}

fn stopped() -> StoreError {
    StoreError::Conflict("the store's writer stopped; try again".into())
}

async fn writer(store: Store, mut rx: mpsc::UnboundedReceiver<Job>) {
    let mut jobs = Vec::with_capacity(MAX_BATCH);
    while rx.recv_many(&mut jobs, MAX_BATCH).await > 0 {
        write_batch(&store, std::mem::take(&mut jobs)).await;
    }
}

async fn write_batch(store: &Store, jobs: Vec<Job>) {
    if jobs.len() > 1 {
        match try_batch(store, &jobs).await {
            Ok(stored) => {
                for (job, stored) in jobs.into_iter().zip(stored) {
                    let _ = job.answer.send(Ok(stored));
                }
                return;
            }
            // One of them failed: each on its own, so that only that one fails.
            Err(e) => tracing::debug!(
                "a batch of {} messages failed ({e}); one by one",
                jobs.len()
            ),
        }
    }
    for job in jobs {
        let result = store
            .receive_one(job.workspace_id, &job.inbound, &job.thread, job.now)
            .await;
        let _ = job.answer.send(result);
    }
}

/// Writes every job in one transaction; any error rolls all of them back.
async fn try_batch(store: &Store, jobs: &[Job]) -> Result<Vec<Stored>> {
    let mut tx = store.write_tx().await?;
    let mut channels: Vec<(i64, i64)> = jobs
        .iter()
        .map(|j| (j.inbound.channel_id, j.workspace_id))
        .collect();
    channels.sort_unstable();
    channels.dedup();
    for (channel, ws) in channels {
        let found: Option<i64> =
            sqlx::query_scalar("SELECT id FROM channels WHERE id = $1 AND workspace_id = $2")
                .bind(channel)
                .bind(ws)
                .fetch_optional(&mut *tx)
                .await?;
        if found.is_none() {
            return Err(StoreError::NotFound("channel"));
        }
    }
    let items: Vec<set_write::Item> = jobs
        .iter()
        .map(|j| {
            let new = set_write::New::Customer(&j.inbound, &j.thread);
            (j.workspace_id, new, j.now)
        })
        .collect();
    let stored = set_write::write_batch(&mut tx, &items).await?;
    tx.commit().await?;
    Ok(stored)
}

/// Writes one customer message in `tx` and emits its event; a message already
/// stored under its id comes back as it is (`created: false`). The batch's writer
/// with a batch of one, so a message alone and in a batch are written alike.
pub(crate) async fn write_one(
    tx: &mut Write,
    workspace_id: i64,
    m: &Inbound,
    thread: &str,
    now: Micros,
) -> Result<Stored> {
    let item = (workspace_id, set_write::New::Customer(m, thread), now);
    let mut stored = set_write::write_batch(tx, &[item]).await?;
    stored.pop().ok_or(StoreError::NotFound("message"))
}
