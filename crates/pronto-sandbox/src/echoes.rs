//! Webhooks that Meta sends on its own after a send: echoes. They wait in a queue
//! so that a test can deliver them at the moment it chooses
//! ([`Sandbox::deliver_pending`]); [`Sandbox::run_deliveries`] does it in the
//! background instead.

use std::time::Duration;

use crate::sandbox::Sandbox;
use crate::webhook::sign;

/// Meta retries a failed delivery "a few more times"; so does the sandbox.
const ATTEMPTS: u32 = 5;

/// What one round of deliveries did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Delivered {
    /// Acknowledged with a 2xx.
    pub ok: usize,
    /// Refused or unreachable, queued again (or dropped after 5 attempts).
    pub failed: usize,
}

impl Sandbox {
    /// Delivers every queued webhook now, signed with the page's app secret, in the
    /// order they were queued.
    pub async fn deliver_pending(&self) -> Delivered {
        let batch: Vec<_> = self.lock().pending.drain(..).collect();
        let mut done = Delivered::default();
        let mut again = Vec::new();
        for mut p in batch {
            let r = self
                .http
                .post(&p.url)
                .header("content-type", "application/json")
                .header("x-hub-signature-256", sign(&p.secret, &p.body))
                .body(p.body.clone())
                .send()
                .await;
            if r.is_ok_and(|r| r.status().is_success()) {
                done.ok += 1;
            } else {
                done.failed += 1;
                p.attempts += 1;
                if p.attempts < ATTEMPTS {
                    again.push(p);
                }
            }
        }
        if !again.is_empty() {
            let mut s = self.lock();
            for p in again.into_iter().rev() {
                s.pending.push_front(p);
            }
        }
        done
    }

    /// Delivers queued webhooks as they come, until the task is aborted.
    pub async fn run_deliveries(self) {
        loop {
            let notified = self.wake.notified();
            if self.pending() == 0 {
                notified.await;
            }
            let d = self.deliver_pending().await;
            if d.failed > 0 {
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
        }
    }
}
