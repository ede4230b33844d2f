//! One reader of a workspace's event log for all of this node's visitor streams.
//!
//! A visitor's stream wants a few events of its own conversation among all of the
//! workspace's; if each stream read the log on every commit, a commit would cost
//! one query per connected visitor. Instead one task per workspace (while it has
//! visitor streams) reads each new block of the log once and hands the events to
//! every stream through a broadcast channel; each stream keeps its own filter. A
//! stream reads the log itself only to catch up: when it opens or resumes
//! (`Last-Event-ID`), and when it fell behind the channel.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use pronto_store::Logged;
use tokio::sync::broadcast;

use crate::routes::events::POLL;
use crate::state::AppState;

/// Events a stream may be behind before it must catch up from the log.
const CAPACITY: usize = 1024;

/// The workspaces' feeds on this node.
#[derive(Default)]
pub struct Feeds {
    senders: Mutex<HashMap<i64, broadcast::Sender<Arc<Logged>>>>,
}

impl Feeds {
    /// A receiver of `workspace`'s events, starting the workspace's reader (from
    /// after event `from`) if none runs. A running reader sends only what it reads
    /// from now on, and it has sent everything up to what it read last: the caller
    /// catches up from the log, after subscribing, to meet it.
    pub fn subscribe(
        &self,
        state: &AppState,
        workspace: i64,
        from: i64,
    ) -> broadcast::Receiver<Arc<Logged>> {
        let mut senders = self.senders.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(tx) = senders.get(&workspace) {
            return tx.subscribe();
        }
        let (tx, rx) = broadcast::channel(CAPACITY);
        senders.insert(workspace, tx.clone());
        tokio::spawn(read(state.clone(), workspace, from, tx));
        rx
    }

    /// Ends `workspace`'s feed if nobody listens any more; says whether it did.
    fn end_if_unused(&self, workspace: i64, tx: &broadcast::Sender<Arc<Logged>>) -> bool {
        let mut senders = self.senders.lock().unwrap_or_else(|e| e.into_inner());
        if tx.receiver_count() > 0 {
            return false;
        }
        senders.remove(&workspace);
        true
    }
}

/// The workspace's reader: after each wake-up (and every [`POLL`]), reads what was
/// logged since its last read and sends it on.
async fn read(state: AppState, workspace: i64, from: i64, tx: broadcast::Sender<Arc<Logged>>) {
    let mut wake = state.store.subscribe();
    let mut after = from;
    loop {
        if state.feeds.end_if_unused(workspace, &tx) || state.is_stopping() {
            return;
        }
        loop {
            match state.store.events_after(workspace, after, 500).await {
                Ok(list) if !list.is_empty() => {
                    for e in list {
                        after = e.seq;
                        // No receiver right now is fine: the next check ends the feed.
                        let _ = tx.send(Arc::new(e));
                    }
                }
                Ok(_) => break,
                Err(e) => {
                    tracing::warn!("visitor feed: {e}");
                    break;
                }
            }
        }
        let wait = tokio::time::timeout(POLL, async {
            loop {
                match wake.recv().await {
                    Ok(ws) if ws == workspace => break,
                    Ok(_) => continue,
                    Err(broadcast::error::RecvError::Lagged(_)) => break,
                    Err(broadcast::error::RecvError::Closed) => std::future::pending::<()>().await,
                }
            }
        });
        tokio::select! {
            _ = wait => {}
            () = state.stopping() => return,
        }
    }
}
