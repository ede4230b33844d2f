//! Pronto's storage: one schema on SQLite (the default, one file) or PostgreSQL (for
//! several nodes), behind one `Store`.
//!
//! Queries are written once, in SQL that both backends accept (`$1` parameters,
//! `RETURNING`, `ON CONFLICT`), and run through sqlx's `Any` driver; each backend has
//! its own migrations folder for the DDL that differs. What only PostgreSQL can do
//! (`pg_notify`, `LISTEN`) is guarded by [`Backend::Postgres`].
//!
//! Every query that reads tenant data takes the workspace id and filters on it.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod accounts;
mod actions;
mod alerts;
mod at_risk;
mod automation;
pub mod cache;
mod comments;
mod contacts;
mod email;
mod email_links;
mod engine;
mod events;
mod exports;
mod group_commit;
mod imports;
mod inbox;
mod integrations;
mod live_event;
mod media;
mod messages;
pub mod model;
mod pacing;
mod profiles;
mod retention;
mod routing;
mod runs;
mod search;
pub mod testing;
mod uploads;
mod webchat;
mod webhooks;
mod whatsapp;

use std::str::FromStr;
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor};

pub use accounts::{NewAdmin, SETUP_LINK_LIFETIME};
pub use actions::MessageChange;
pub use alerts::PushSubscription;
pub use automation::{Automated, AutomatedChannel, ConversationFacts, StatusChange, StatusSource};
pub use comments::private_reply_marker;
pub use email::{EmailFile, EmailHeaders, EmailThread, MailboxHealth, MailboxState};
pub use email_links::EmailLink;
pub use events::EVENTS_CHANNEL;
pub use exports::ExportedConversation;
pub use imports::{HistoryItem, ImportProgress};
pub use integrations::{RuleRun, StoredRule, Subscription, Waiting};
pub use live_event::{LiveEvent, Logged, MessageStatus};
pub use media::{MediaFile, MediaJob};
pub use model::*;
pub use pacing::Hold;
pub use profiles::{ProfileFacts, ProfileJob, ProfileOutcome};
pub use retention::Purged;
pub use routing::{
    AssignmentLogEntry, HeldConversation, LoggedAssignment, RoutingAgent, RoutingRow, VipContact,
    WaitingConversation,
};
pub use search::{CANDIDATES as SEARCH_CANDIDATES, HitKind, ReplyPair, SearchHit, SearchQuery};
pub use uploads::Upload;
pub use webchat::{VisitorDetails, VisitorFile};
pub use webhooks::{ChannelHealth, DeadLetter, PlatformReply, WebhookBody};
pub use whatsapp::{CostLine, StatusUpdate, status_moves};

/// Which database is behind the store.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// An embedded SQLite file (WAL mode).
    Sqlite,
    /// A PostgreSQL server.
    Postgres,
}

/// What went wrong in the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The row does not exist (or belongs to another workspace).
    #[error("{0} not found")]
    NotFound(&'static str),
    /// A uniqueness rule was broken.
    #[error("{0}")]
    Conflict(String),
    /// The URL names no database Pronto can use.
    #[error("unsupported database URL {0:?}: use sqlite://PATH or postgres://...")]
    UnsupportedUrl(String),
    /// The database failed.
    #[error("database error: {0}")]
    Database(#[from] sqlx::Error),
    /// A migration failed.
    #[error("migration failed: {0}")]
    Migration(#[from] sqlx::migrate::MigrateError),
    /// The SQLite file could not be created or made private.
    #[error("database file {path}: {source}")]
    File {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
}

/// A short alias for the store's results.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// The store: a connection pool, the backend it talks to, the wake-ups of committed
/// events, and those of queued work.
#[derive(Clone, Debug)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
    wake: tokio::sync::broadcast::Sender<i64>,
    work: tokio::sync::broadcast::Sender<()>,
    url: Url,
    /// The writer of customer messages, started on first use.
    group: std::sync::Arc<std::sync::OnceLock<group_commit::GroupCommit>>,
    /// The writer of webhook bodies, started on first use.
    bodies: std::sync::Arc<std::sync::OnceLock<group_commit::bodies::Bodies>>,
    /// Words' match counts for the reply suggestions, kept a while.
    word_counts: std::sync::Arc<search::WordCounts>,
    /// Channels by id, kept a moment (read on every message and webhook); the
    /// writes below forget theirs.
    channels: std::sync::Arc<cache::Cache<i64, Channel>>,
    /// API tokens' owners by the token's hash, kept a moment (read on every API
    /// call); a revocation forgets them all.
    tokens: std::sync::Arc<cache::Cache<String, Option<Principal>>>,
}

/// The database URL, kept for PostgreSQL's `LISTEN` connection; never printed (it
/// may hold a password).
#[derive(Clone)]
struct Url(std::sync::Arc<str>);

impl Url {
    fn postgres(&self) -> Option<&str> {
        (self.0.starts_with("postgres:") || self.0.starts_with("postgresql:")).then_some(&*self.0)
    }
}

impl std::fmt::Debug for Url {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Url(..)")
    }
}

impl Store {
    /// Connects to `url` (`sqlite://path/to/file.db` or `postgres://...`) and applies
    /// the backend's migrations. A SQLite file is created if missing.
    pub async fn connect(url: &str) -> Result<Store> {
        let store = Store::connect_unmigrated(url).await?;
        store.migrate().await?;
        Ok(store)
    }

    /// Connects without touching the schema (for tools that prepare a database).
    pub async fn connect_unmigrated(url: &str) -> Result<Store> {
        sqlx::any::install_default_drivers();
        let backend = if url.starts_with("sqlite:") {
            Backend::Sqlite
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            Backend::Postgres
        } else {
            return Err(StoreError::UnsupportedUrl(url.to_owned()));
        };
        if backend == Backend::Sqlite {
            private_sqlite_files(url)?;
        }
        let url = match backend {
            Backend::Sqlite if !url.contains("mode=") => {
                let sep = if url.contains('?') { '&' } else { '?' };
                format!("{url}{sep}mode=rwc")
            }
            _ => url.to_owned(),
        };
        let options = AnyConnectOptions::from_str(&url)?;
        let pool = match backend {
            Backend::Sqlite => {
                AnyPoolOptions::new()
                    .max_connections(8)
                    // No ping at each acquire: on SQLite it is a round trip to the
                    // connection's thread for nothing (a file cannot drop a link).
                    .test_before_acquire(false)
                    .after_connect(|conn, _| {
                        Box::pin(async move {
                            for pragma in [
                                "PRAGMA journal_mode = WAL",
                                "PRAGMA synchronous = NORMAL",
                                "PRAGMA foreign_keys = ON",
                                "PRAGMA busy_timeout = 10000",
                            ] {
                                conn.execute(pragma).await?;
                            }
                            Ok(())
                        })
                    })
                    .connect_with(options)
                    .await?
            }
            Backend::Postgres => {
                AnyPoolOptions::new()
                    .max_connections(16)
                    .acquire_timeout(Duration::from_secs(10))
                    // No ping at each acquire (a round trip before every statement):
                    // a connection the server dropped fails its next statement, which
                    // the caller sees as any database error, and the pool discards it.
                    .test_before_acquire(false)
                    .connect_with(options)
                    .await?
            }
        };
        Ok(Store {
            pool,
            backend,
            wake: tokio::sync::broadcast::channel(4096).0,
            // Any message wakes a worker, so a lagging receiver loses nothing.
            work: tokio::sync::broadcast::channel(16).0,
            url: Url(url.into()),
            group: Default::default(),
            bodies: Default::default(),
            word_counts: Default::default(),
            channels: Default::default(),
            tokens: Default::default(),
        })
    }

    async fn migrate(&self) -> Result<()> {
        match self.backend {
            Backend::Sqlite => {
                sqlx::migrate!("./migrations/sqlite")
                    .run(&self.pool)
                    .await?
            }
            Backend::Postgres => {
                sqlx::migrate!("./migrations/postgres")
                    .run(&self.pool)
                    .await?
            }
        }
        Ok(())
    }

    /// The same store without the group-commit writers (for a writer itself, which
    /// would otherwise keep its own channel open and never end).
    fn without_group_commit(&self) -> Store {
        Store {
            group: Default::default(),
            bodies: Default::default(),
            ..self.clone()
        }
    }

    /// The backend.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The pool, for backend-specific work (PostgreSQL's `LISTEN`).
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Whether the database answers.
    pub async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Closes the pool, waiting for connections to be returned.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Maps a unique-constraint violation to [`StoreError::Conflict`] with `what`.
/// The SQLite database holds every message and the hashes of every secret: its file
/// is made readable by its owner alone before SQLite opens it (SQLite then gives its
/// `-wal` and `-shm` files the same mode), and an existing one is tightened.
fn private_sqlite_files(url: &str) -> Result<()> {
    let path = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:");
    let path = path.split('?').next().unwrap_or_default();
    if path.is_empty() || path.starts_with(':') {
        return Ok(()); // in memory
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        let io = |source| StoreError::File {
            path: path.to_owned(),
            source,
        };
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .mode(0o600)
            .open(path)
            .map_err(io)?;
        for file in [
            path.to_owned(),
            format!("{path}-wal"),
            format!("{path}-shm"),
        ] {
            match std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)) {
                Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(io(e)),
                _ => {}
            }
        }
    }
    Ok(())
}

fn conflict(e: sqlx::Error, what: &str) -> StoreError {
    match &e {
        sqlx::Error::Database(db) if db.is_unique_violation() => {
            StoreError::Conflict(what.to_owned())
        }
        _ => StoreError::Database(e),
    }
}
