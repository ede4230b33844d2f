//! Group commit for webhook bodies: the bodies that concurrent deliveries hand to
//! [`Store::accept_webhook`] while a transaction is being written wait together,
//! and the next transaction inserts all of them (up to [`MAX_BATCH`], in runs of
//! 64, 32... 1 rows) and commits once. Each delivery is answered only after the
//! commit that made its body durable, so an acknowledgement still means "kept".
//! A failing batch is inserted again one body a transaction, so only a bad one
//! fails.

use tokio::sync::{mpsc, oneshot};

use super::MAX_BATCH;
use crate::model::Micros;
use crate::runs::{Forms, fixed_runs, params};
use crate::{Backend, Result, Store, StoreError};

/// A body waiting for the writer, and where its id goes.
pub(crate) struct Body {
    channel_id: i64,
    body: Vec<u8>,
    now: Micros,
    answer: oneshot::Sender<Result<i64>>,
}

/// The handle deliveries send to; the writer task ends when every handle is gone.
#[derive(Clone, Debug)]
pub(crate) struct Bodies {
    jobs: mpsc::UnboundedSender<Body>,
}

impl Bodies {
    /// Starts the writer of `store`.
    pub(crate) fn start(store: Store) -> Bodies {
        let (jobs, rx) = mpsc::unbounded_channel();
        tokio::spawn(writer(store, rx));
        Bodies { jobs }
    }
}

impl Store {
    /// Keeps a webhook body; returns its id. The caller acknowledges only after this.
    /// Bodies arriving together are inserted in one transaction.
    pub async fn accept_webhook(&self, channel_id: i64, body: &[u8], now: Micros) -> Result<i64> {
        let (answer, rx) = oneshot::channel();
        let job = Body {
            channel_id,
            body: body.to_vec(),
            now,
            answer,
        };
        let bodies = self
            .bodies
            .get_or_init(|| Bodies::start(self.without_group_commit()));
        if bodies.jobs.send(job).is_err() {
            return Err(stopped());
        }
        rx.await.unwrap_or_else(|_| Err(stopped()))
    }
}

fn stopped() -> StoreError {
    StoreError::Conflict("the store's writer of webhook bodies stopped; try again".into())
}

async fn writer(store: Store, mut rx: mpsc::UnboundedReceiver<Body>) {
    let mut jobs = Vec::with_capacity(MAX_BATCH);
    while rx.recv_many(&mut jobs, MAX_BATCH).await > 0 {
        let batch = std::mem::take(&mut jobs);
        if batch.len() > 1 {
            match insert(&store, &batch).await {
                Ok(ids) => {
                    for (job, id) in batch.into_iter().zip(ids) {
                        let _ = job.answer.send(Ok(id));
                    }
                    continue;
                }
                Err(e) => tracing::debug!(
                    "a batch of {} webhook bodies failed ({e}); one by one",
                    batch.len()
                ),
            }
        }
        for job in batch {
            let result = insert(&store, std::slice::from_ref(&job))
                .await
                .map(|ids| ids[0]);
            let _ = job.answer.send(result);
        }
    }
}

/// Inserts the bodies in one transaction; their ids, in order.
async fn insert(store: &Store, jobs: &[Body]) -> Result<Vec<i64>> {
    let pool = store.pool();
    let mut tx = match store.backend() {
        Backend::Sqlite => pool.begin_with("BEGIN IMMEDIATE").await?,
        Backend::Postgres => pool.begin().await?,
    };
    let mut ids = Vec::with_capacity(jobs.len());
    for run in fixed_runs(jobs) {
        let mut q = sqlx::query_scalar::<_, i64>(INSERT.get(run.len()));
        for job in run {
            q = q
                .bind(job.channel_id)
                .bind(job.body.as_slice())
                .bind(job.now);
        }
        // Ids are given in the order of the VALUES rows: sorted, they are the rows'.
        let mut got = q.fetch_all(&mut *tx).await?;
        got.sort_unstable();
        if got.len() != run.len() {
            return Err(StoreError::Conflict(format!(
                "{} webhook bodies inserted of {}",
                got.len(),
                run.len()
            )));
        }
        ids.extend(got);
    }
    tx.commit().await?;
    Ok(ids)
}

/// The insert of a run of bodies.
static INSERT: Forms = Forms::new(|n| {
    format!(
        "INSERT INTO webhook_inbox (channel_id, body, received_at) VALUES {} RETURNING id",
        params(n, 3, 1)
    )
});
