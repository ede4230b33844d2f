//! The background workers, in one place with one loop. Each worker is a step
//! function that lives beside what it does (`delivery::deliver_next`,
//! `meta::process_batch`...) and says whether there may be more work; [`run`] calls
//! it again at once while there may be, else waits for a wake-up (for the workers
//! that follow changes: a commit, through `Store::subscribe`, or queued work, through
//! `Store::subscribe_work`), the shutdown, or the
//! idle interval. A failed step is logged and tried again after the idle interval
//! (without wake-ups, so a failing database is not hammered). Tests call the step
//! functions directly.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::state::AppState;

/// A step's future: whether there may be more work, or why the step failed.
pub type StepFuture<'a> = Pin<Box<dyn Future<Output = Result<bool, String>> + Send + 'a>>;

/// A background worker.
#[derive(Clone, Copy)]
pub struct Worker {
    /// Its name, in logs.
    pub name: &'static str,
    /// Whether a commit or queued work wakes it (else only the idle interval does).
    pub wakes_on_change: bool,
    /// How long it waits when idle (or after a failure).
    pub idle: Duration,
    /// One step.
    pub step: for<'a> fn(&'a AppState) -> StepFuture<'a>,
}

const SECOND: Duration = Duration::from_secs(1);

/// Every worker the server runs.
pub const WORKERS: [Worker; 13] = [
    Worker {
        name: "outbox",
        wakes_on_change: true,
        idle: SECOND,
        step: |s| Box::pin(outbox(s)),
    },
    Worker {
        name: "webhook worker",
        wakes_on_change: true,
        idle: SECOND,
        step: |s| Box::pin(webhooks(s)),
    },
    Worker {
        name: "schedule",
        wakes_on_change: false,
        idle: crate::automation::SCHEDULE_TICK,
        step: |s| Box::pin(schedule(s)),
    },
    Worker {
        name: "outgoing webhooks",
        wakes_on_change: true,
        idle: SECOND,
        step: |s| Box::pin(outgoing(s)),
    },
    Worker {
        name: "rule timers",
        wakes_on_change: false,
        idle: Duration::from_secs(30),
        step: |s| Box::pin(rule_timers(s)),
    },
    Worker {
        name: "routing",
        wakes_on_change: true,
        idle: Duration::from_secs(5),
        step: |s| Box::pin(routing(s)),
    },
    Worker {
        name: "media downloads",
        wakes_on_change: true,
        idle: Duration::from_secs(5),
        step: |s| Box::pin(media(s)),
    },
    Worker {
        name: "profiles",
        wakes_on_change: true,
        idle: Duration::from_secs(30),
        step: |s| Box::pin(profiles(s)),
    },
    Worker {
        name: "email reader",
        wakes_on_change: false,
        idle: crate::email::receive::POLL,
        step: |s| Box::pin(crate::email::receive::step(s)),
    },
    Worker {
        name: "alerts",
        wakes_on_change: true,
        idle: Duration::from_secs(5),
        step: |s| Box::pin(alerts(s)),
    },
    Worker {
        name: "at-risk flags",
        wakes_on_change: false,
        idle: Duration::from_secs(15),
        step: |s| Box::pin(at_risk(s)),
    },
    Worker {
        name: "template sync",
        wakes_on_change: false,
        idle: Duration::from_secs(600),
        step: |s| Box::pin(template_sync(s)),
    },
    Worker {
        name: "retention sweep",
        wakes_on_change: false,
        idle: crate::retention::EVERY,
        step: |s| Box::pin(retention(s)),
    },
];

/// Starts every worker; each stops when `shutdown` turns true.
pub fn spawn_all(state: &AppState, shutdown: &watch::Receiver<bool>) -> Vec<JoinHandle<()>> {
    WORKERS
        .iter()
        .map(|w| tokio::spawn(run(state.clone(), *w, shutdown.clone())))
        .collect()
}

/// The one loop: steps while there may be more work, else waits for a wake-up,
/// the shutdown or the idle interval; a failure is logged, then waited out.
pub async fn run(state: AppState, worker: Worker, mut shutdown: watch::Receiver<bool>) {
    // Subscribed before the first step, so a commit during it is not missed.
    let mut wake = worker
        .wakes_on_change
        .then(|| (state.store.subscribe(), state.store.subscribe_work()));
    loop {
        if *shutdown.borrow() {
            return;
        }
        let woken = match (worker.step)(&state).await {
            Ok(true) => continue,
            Ok(false) => wake.as_mut(),
            Err(e) => {
                tracing::warn!("{}: {e}", worker.name);
                None
            }
        };
        match woken {
            Some((change, work)) => tokio::select! {
                _ = shutdown.changed() => {}
                _ = change.recv() => {}
                _ = work.recv() => {}
                _ = tokio::time::sleep(worker.idle) => {}
            },
            None => tokio::select! {
                _ = shutdown.changed() => {}
                _ = tokio::time::sleep(worker.idle) => {}
            },
        }
    }
}

async fn outbox(state: &AppState) -> Result<bool, String> {
    let outcome = crate::delivery::deliver_next(state).await;
    Ok(outcome.map_err(|e| e.to_string())? != crate::delivery::Outcome::Idle)
}

async fn webhooks(state: &AppState) -> Result<bool, String> {
    let done = crate::meta::process_batch(state, crate::meta::BATCH).await;
    Ok(!done.map_err(|e| e.to_string())?.is_empty())
}

async fn outgoing(state: &AppState) -> Result<bool, String> {
    let outcome = crate::integrations::deliver_next(state).await;
    Ok(outcome.map_err(|e| e.to_string())? != crate::integrations::Outcome::Idle)
}

/// Each of these steps does everything due now, so none has more until later.
async fn schedule(state: &AppState) -> Result<bool, String> {
    crate::automation::schedule_step(state)
        .await
        .map_err(|e| e.to_string())?;
    // People whose away ends now are back: routing looks again.
    for ws in state
        .store
        .end_aways(state.now())
        .await
        .map_err(|e| e.to_string())?
    {
        state.store.wake(ws);
    }
    Ok(false)
}

async fn rule_timers(state: &AppState) -> Result<bool, String> {
    crate::rules::timer_step(state)
        .await
        .map_err(|e| e.to_string())?;
    Ok(false)
}

async fn routing(state: &AppState) -> Result<bool, String> {
    crate::routing::dispatch_step(state)
        .await
        .map_err(|e| e.to_string())?;
    Ok(false)
}

async fn at_risk(state: &AppState) -> Result<bool, String> {
    // One pass a tick: what is flagged is not flagged again, so there is never
    // more to do at once.
    crate::at_risk::flag_step(state)
        .await
        .map(|_| false)
        .map_err(|e| e.to_string())
}

async fn alerts(state: &AppState) -> Result<bool, String> {
    crate::alerts::step(state).await.map_err(|e| e.to_string())
}

async fn retention(state: &AppState) -> Result<bool, String> {
    let purged = crate::retention::sweep(state)
        .await
        .map_err(|e| e.to_string())?;
    if purged != pronto_store::Purged::default() {
        tracing::info!(
            bodies = purged.webhook_bodies,
            events = purged.events,
            sessions = purged.sessions,
            "retention: deleted old data"
        );
    }
    Ok(false)
}

async fn template_sync(state: &AppState) -> Result<bool, String> {
    crate::whatsapp::templates::scheduled(state)
        .await
        .map_err(|e| e.to_string())
}

async fn media(state: &AppState) -> Result<bool, String> {
    let fetched = crate::media::fetch_next(state)
        .await
        .map_err(|e| e.to_string())?;
    Ok(fetched != crate::media::Fetched::Idle)
}

async fn profiles(state: &AppState) -> Result<bool, String> {
    crate::profiles::ask_next(state)
        .await
        .map_err(|e| e.to_string())
}
