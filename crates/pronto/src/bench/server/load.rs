//! The load generator: a fixed number of operations, a bounded number in flight, a
//! time limit, and the latency of each.

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::bail;
use reqwest::StatusCode;

use super::{ms, status};

/// What a run of requests (or inserts) saw.
#[derive(Default)]
pub(super) struct Load {
    pub(super) ok: u64,
    /// Failed operations (an error answer, a database error).
    failed: u64,
    /// Operations still in flight when the time limit (and its grace) ran out.
    stopped: u64,
    first_error: Option<String>,
    pub(super) elapsed: Duration,
    /// Of the successful operations, sorted.
    latencies: Vec<Duration>,
    /// When each successful operation ended, from the start.
    ended: Vec<Duration>,
}

impl Load {
    pub(super) fn rate(&self) -> f64 {
        self.ok as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    pub(super) fn percentile(&self, p: usize) -> Duration {
        let l = &self.latencies;
        l.get((l.len().saturating_sub(1)) * p / 100)
            .copied()
            .unwrap_or_default()
    }

    /// The rate, with the rates of the run's first and second halves (by time): a
    /// rate that falls as data grows is not one figure.
    pub(super) fn summary(&self, unit: &str) -> String {
        let half = self.elapsed / 2;
        let first = self.ended.iter().filter(|&&t| t < half).count();
        let per_s = |count: usize| count as f64 / half.as_secs_f64().max(1e-9);
        format!(
            "{:.0} {unit}/s ({} in {:.1?}; first half {:.0}/s, second half {:.0}/s); latency p50 {}, p99 {}",
            self.rate(),
            self.ok,
            self.elapsed,
            per_s(first),
            per_s(self.ended.len() - first),
            ms(self.percentile(50)),
            ms(self.percentile(99))
        )
    }

    /// Fails on any failed operation: figures with errors in them mean nothing. A
    /// run the time limit cut short stands (its rate is over what was done), and
    /// says so.
    pub(super) fn check(&self, wanted: u64, what: &str) -> anyhow::Result<()> {
        if self.failed > 0 {
            let first = self.first_error.as_deref().unwrap_or_default();
            bail!("{} of the {what} failed; the first: {first}", self.failed);
        }
        if self.ok < wanted {
            status(&format!(
                "the time limit stopped the {what} after {} of {wanted} ({} cut off in flight)",
                self.ok, self.stopped
            ));
        }
        Ok(())
    }
}

/// Runs `op(0)` to `op(n - 1)` with at most `concurrency` in flight, taking no new
/// work after `limit`; work still in flight 10 s later is cut off, so that a hung
/// server cannot hang the bench.
pub(super) async fn load<F, Fut>(n: u64, concurrency: usize, limit: Duration, op: F) -> Load
where
    F: Fn(u64) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<(), String>> + Send + 'static,
{
    let op = Arc::new(op);
    let next = Arc::new(AtomicU64::new(0));
    let start = Instant::now();
    let deadline = tokio::time::Instant::now() + limit;
    let workers: Vec<_> = (0..concurrency)
        .map(|_| {
            let (op, next) = (op.clone(), next.clone());
            tokio::spawn(async move {
                let mut seen = Load::default();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= n || tokio::time::Instant::now() >= deadline {
                        break;
                    }
                    let t = Instant::now();
                    let grace = deadline + Duration::from_secs(10);
                    match tokio::time::timeout_at(grace, op(i)).await {
                        Ok(Ok(())) => {
                            seen.ok += 1;
                            seen.latencies.push(t.elapsed());
                            seen.ended.push(start.elapsed());
                        }
                        Err(_) => seen.stopped += 1,
                        Ok(Err(e)) => {
                            seen.failed += 1;
                            seen.first_error.get_or_insert(e);
                        }
                    }
                }
                seen
            })
        })
        .collect();
    let mut total = Load::default();
    for worker in workers {
        let part = worker.await.unwrap_or_else(|e| Load {
            failed: 1,
            first_error: Some(e.to_string()),
            ..Load::default()
        });
        total.ok += part.ok;
        total.failed += part.failed;
        total.stopped += part.stopped;
        total.first_error = total.first_error.or(part.first_error);
        total.latencies.extend(part.latencies);
        total.ended.extend(part.ended);
    }
    total.elapsed = start.elapsed();
    total.latencies.sort_unstable();
    total
}

/// Sends `request`, reads the whole answer, and fails unless it has status `want`.
pub(super) async fn expect(
    request: reqwest::RequestBuilder,
    want: StatusCode,
) -> Result<(), String> {
    let response = request.send().await.map_err(|e| e.to_string())?;
    let status = response.status();
    let body = response.bytes().await.map_err(|e| e.to_string())?;
    if status == want {
        Ok(())
    } else {
        Err(format!("{status}: {}", String::from_utf8_lossy(&body)))
    }
}
