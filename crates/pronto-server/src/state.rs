//! The state every handler and worker shares, passed explicitly.

use std::collections::HashMap;
use std::ops::Deref;
use std::sync::{Arc, Mutex};

use pronto_store::{LiveEvent, Store};

use crate::auth::LoginLimiter;
use crate::config::Config;
use crate::engines::Engines;

/// The current time in microseconds; tests inject their own.
pub type Clock = Arc<dyn Fn() -> i64 + Send + Sync>;

/// The wall clock.
pub fn system_clock() -> Clock {
    Arc::new(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_micros()).unwrap_or(i64::MAX))
    })
}

/// Everything a handler needs.
pub struct Inner {
    /// The database.
    pub store: Store,
    /// The settings.
    pub config: Config,
    /// The live responsiveness engines, one per channel.
    pub engines: Engines,
    /// The inbox's clocks, from each channel's forecast.
    pub clocks: crate::clocks::ClockCache,
    /// Sign-in attempts.
    pub limiter: Mutex<LoginLimiter>,
    /// Web chat visitors' calls, per address and per visitor.
    pub webchat_limiter: Mutex<LoginLimiter>,
    /// Slots for web chat visitors' live streams.
    pub visitor_streams: Arc<tokio::sync::Semaphore>,
    /// The workspaces' event logs, read once for all visitor streams.
    pub feeds: crate::webchat::feed::Feeds,
    /// Argon2, a few at a time.
    pub passwords: crate::passwords::Hasher,
    /// The client for Meta's APIs, at the configured base URLs.
    pub http: reqwest::Client,
    /// The client for admin-given URLs (outgoing webhooks, rules, api channels):
    /// no redirects, private addresses refused unless allowed.
    pub outgoing: crate::outgoing::Outgoing,
    /// The channel secrets' key, loaded on first use (an install without Meta
    /// channels never needs it).
    sealer: std::sync::OnceLock<Result<crate::secrets::Sealer, String>>,
    /// Slots for live event streams (`max_event_streams`).
    pub event_streams: Arc<tokio::sync::Semaphore>,
    /// Turns true when the server begins to stop: live event streams end then, so
    /// that a graceful stop does not wait for the open inbox tabs forever.
    stopping: tokio::sync::watch::Sender<bool>,
    /// Channels whose responsiveness is being looked at, and whether another change
    /// came meanwhile (then it is looked at once more when the run ends).
    announcing: Mutex<HashMap<(i64, i64), bool>>,
    /// Each workspace's rules, parsed, kept a moment (read on every message).
    pub rules: pronto_store::cache::Cache<i64, Arc<Vec<pronto_core::rules::Rule>>>,
    /// Each channel's automation settings, kept a moment (read on every message).
    pub automations:
        pronto_store::cache::Cache<(i64, i64), Option<Arc<crate::automation::Automations>>>,
    /// Requests handled, by status class, for `/metrics`.
    pub counters: Mutex<HashMap<&'static str, u64>>,
    /// This node's name in leases (an email mailbox's reader), random per start.
    pub node: String,
    /// The email channels this node holds an IDLE connection for.
    pub idling: Mutex<std::collections::HashSet<i64>>,
    /// Where file bytes live (`files`).
    pub files: Arc<dyn crate::files::FileStore>,
    clock: Clock,
}

/// A cheap handle on [`Inner`].
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

impl Deref for AppState {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.0
    }
}

impl AppState {
    /// State over `store` with `config`, reading time from `clock`.
    pub fn new(store: Store, config: Config, clock: Clock) -> Self {
        let outgoing = crate::outgoing::Outgoing::new(config.allow_private_webhook_urls);
        let http = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(10))
            .build()
            .expect("an HTTP client with default TLS builds");
        // The settings are checked by `Config::load`; a config made in code must be right.
        let files: Arc<dyn crate::files::FileStore> =
            match config.file_store().expect("valid S3 settings") {
                Some(s3) => Arc::new(crate::files::s3::S3::new(&s3).expect("valid S3 settings")),
                None => Arc::new(crate::files::LocalDir::new(config.files())),
            };
        AppState(Arc::new(Inner {
            files,
            event_streams: Arc::new(tokio::sync::Semaphore::new(config.max_event_streams)),
            stopping: tokio::sync::watch::channel(false).0,
            store,
            config,
            engines: Engines::default(),
            clocks: Default::default(),
            limiter: Mutex::new(LoginLimiter::default()),
            webchat_limiter: Mutex::new(LoginLimiter::default()),
            visitor_streams: Arc::new(tokio::sync::Semaphore::new(
                crate::webchat::stream::MAX_STREAMS,
            )),
            feeds: Default::default(),
            passwords: crate::passwords::Hasher::per_core(),
            http,
            outgoing,
            counters: Mutex::new(HashMap::new()),
            announcing: Mutex::new(HashMap::new()),
            rules: Default::default(),
            automations: Default::default(),
            sealer: std::sync::OnceLock::new(),
            node: crate::auth::random_token(12),
            idling: Mutex::new(Default::default()),
            clock,
        }))
    }

    /// Says that the server is stopping (long-lived answers end).
    pub fn begin_stopping(&self) {
        self.stopping.send_replace(true);
    }

    /// Whether the server has begun to stop.
    pub fn is_stopping(&self) -> bool {
        *self.stopping.borrow()
    }

    /// Resolves once the server has begun to stop.
    pub async fn stopping(&self) {
        let _ = self
            .stopping
            .subscribe()
            .wait_for(|stopping| *stopping)
            .await;
    }

    /// The sealer of channel secrets.
    pub fn sealer(&self) -> Result<&crate::secrets::Sealer, String> {
        self.sealer
            .get_or_init(|| {
                crate::secrets::Sealer::load(&self.config.secret_key, &self.config.data_dir)
                    .map_err(|e| e.to_string())
            })
            .as_ref()
            .map_err(Clone::clone)
    }

    /// A channel secret as its typed config holds it (sealed), opened.
    pub fn open_secret(&self, sealed: &str) -> Result<String, String> {
        self.sealer()?.open(sealed).map_err(|e| e.to_string())
    }

    /// The current time, in microseconds since the epoch.
    pub fn now(&self) -> i64 {
        (self.clock)()
    }

    /// After a change on a channel: announces `responsiveness.changed` to the
    /// workspace's live clients if the channel's figures moved. Runs in the
    /// background so that the request that made the change does not wait for it;
    /// at most one run per channel at a time, and changes that come during a run
    /// are looked at together by one more run (a batch of messages announces once).
    pub fn after_change(&self, workspace_id: i64, channel_id: i64) {
        let key = (workspace_id, channel_id);
        {
            let Ok(mut running) = self.announcing.lock() else {
                return;
            };
            if let Some(again) = running.get_mut(&key) {
                *again = true;
                return;
            }
            running.insert(key, false);
        }
        let state = self.clone();
        tokio::spawn(async move {
            loop {
                state.announce(workspace_id, channel_id).await;
                let Ok(mut running) = state.announcing.lock() else {
                    return;
                };
                match running.get_mut(&key) {
                    Some(again) if *again => *again = false,
                    _ => {
                        running.remove(&key);
                        return;
                    }
                }
            }
        });
    }

    async fn announce(&self, workspace_id: i64, channel_id: i64) {
        let now = self.now();
        match self
            .engines
            .changed(&self.store, workspace_id, channel_id, now)
            .await
        {
            Ok(Some(report)) => {
                let event = LiveEvent::ResponsivenessChanged {
                    channel_id,
                    report: serde_json::to_value(report).unwrap_or_default(),
                };
                if let Err(e) = self.store.publish(workspace_id, &event, now).await {
                    tracing::warn!("announcing responsiveness: {e}");
                }
            }
            Ok(None) => {}
            Err(e) => tracing::warn!("computing responsiveness: {e}"),
        }
    }

    /// Counts one occurrence of `what` for `/metrics`.
    pub fn count(&self, what: &'static str) {
        if let Ok(mut c) = self.counters.lock() {
            *c.entry(what).or_default() += 1;
        }
    }
}
