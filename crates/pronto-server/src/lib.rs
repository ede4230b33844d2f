//! Pronto's server: the HTTP API, live events, and the workers behind them.
//!
//! Only this crate knows HTTP. Handlers parse requests into store calls and map
//! failures to the API's one error shape; workers (the outbox) do one step at a
//! time so that tests can drive them.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod alerts;
pub mod at_risk;
pub mod auth;
pub mod automation;
pub mod client;
pub mod clocks;
pub mod config;
pub mod delivery;
pub mod edge;
pub mod email;
pub mod engines;
pub mod error;
pub mod extract;
pub mod files;
pub mod graph;
pub mod import;
pub mod inbound;
pub mod integrations;
pub mod media;
pub mod meta;
pub mod openapi;
pub mod outgoing;
pub mod passwords;
pub mod profiles;
pub mod push;
pub mod reply;
pub mod retention;
pub mod routes;
pub mod routing;
pub mod rules;
pub mod secrets;
pub mod state;
pub mod suggestions;
pub mod ui;
pub mod webchat;
pub mod whatsapp;
pub mod workers;

use std::future::Future;
use std::net::SocketAddr;

use pronto_store::Store;
use tokio::net::TcpListener;
use tokio::sync::watch;

pub use config::Config;
pub use state::{AppState, Clock, system_clock};

/// Why the database could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// The SQLite data folder could not be created.
    #[error("cannot create the data folder {path}: {source}")]
    DataDir {
        /// The folder.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// The database refused or failed.
    #[error(transparent)]
    Store(#[from] pronto_store::StoreError),
}

/// Opens the store that `config` names (creating the SQLite data folder if needed)
/// and applies its migrations.
pub async fn open_store(config: &Config) -> Result<Store, OpenError> {
    if config.database_url.is_empty() {
        // A new data folder is its owner's alone (it holds the database and the key).
        let mut folder = std::fs::DirBuilder::new();
        folder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut folder, 0o700);
        folder
            .create(&config.data_dir)
            .map_err(|source| OpenError::DataDir {
                path: config.data_dir.display().to_string(),
                source,
            })?;
    }
    Ok(Store::connect(&config.database()).await?)
}

/// On a database with no user yet: the default workspace and a one-time setup link.
pub async fn first_run(state: &AppState) -> Result<Option<String>, pronto_store::StoreError> {
    if state.store.user_count().await? > 0 {
        return Ok(None);
    }
    if state.store.first_workspace().await?.is_none() {
        state
            .store
            .create_workspace("My business", state.now())
            .await?;
    }
    let token = auth::random_token(24);
    state
        .store
        .create_setup_link(&auth::hash_secret(&token), state.now())
        .await?;
    Ok(Some(format!(
        "{}/setup?token={token}",
        state.config.base_url()
    )))
}

/// Seals the secrets of channels stored before their kind's secrets were kept
/// encrypted (an `api` channel's signing secret, before 0.1's hardening); says how
/// many channels changed. The sealer's key is loaded only if one needs it.
pub async fn seal_stored_secrets(state: &AppState) -> Result<usize, String> {
    let mut sealed = 0;
    for mut channel in state
        .store
        .all_channels()
        .await
        .map_err(|e| e.to_string())?
    {
        let plain = channel.kind.secret_keys().iter().any(|key| {
            channel.config[*key]
                .as_str()
                .is_some_and(|v| !secrets::is_sealed(v))
        });
        if plain
            && state
                .sealer()?
                .seal_config(channel.kind, &mut channel.config)
        {
            state
                .store
                .set_channel_config(channel.workspace_id, channel.id, &channel.config)
                .await
                .map_err(|e| e.to_string())?;
            sealed += 1;
        }
    }
    Ok(sealed)
}

/// Serves the API on `listener` until `shutdown` completes, then stops accepting,
/// lets in-flight requests finish, stops the workers and closes the database.
pub async fn serve(
    state: AppState,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_with(state, listener, shutdown, true).await
}

/// [`serve`], with the background workers (the outbox, Meta's webhooks, the
/// schedule, outgoing webhooks, rule timers, the routing dispatcher, retention) on or off: tests that drive
/// the outbox one step at a time turn them off.
pub async fn serve_with(
    state: AppState,
    listener: TcpListener,
    shutdown: impl Future<Output = ()> + Send + 'static,
    workers: bool,
) -> std::io::Result<()> {
    match seal_stored_secrets(&state).await {
        Ok(0) => {}
        Ok(n) => tracing::info!("sealed the plain secrets of {n} channels"),
        Err(e) => tracing::warn!("sealing stored channel secrets: {e}"),
    }
    let (stop_tx, stop_rx) = watch::channel(false);
    let workers = if workers {
        crate::workers::spawn_all(&state, &stop_rx)
    } else {
        Vec::new()
    };
    let listener_task = {
        let store = state.store.clone();
        let mut stop = stop_rx.clone();
        tokio::spawn(async move {
            store
                .relay_other_nodes(async move {
                    let _ = stop.changed().await;
                })
                .await;
        })
    };
    let metrics = if state.config.metrics_listen.is_empty() {
        None
    } else {
        let addr: SocketAddr = state.config.metrics_listen.parse().map_err(|e| {
            std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!("metrics_listen: {e}"),
            )
        })?;
        let l = TcpListener::bind(addr).await?;
        let app = axum::Router::new()
            .route("/metrics", axum::routing::get(routes::health::metrics))
            .with_state(state.clone());
        let mut stop = stop_rx.clone();
        Some(tokio::spawn(async move {
            let _ = axum::serve(l, app)
                .with_graceful_shutdown(async move {
                    let _ = stop.changed().await;
                })
                .await;
        }))
    };
    let app = routes::router(state.clone());
    let limits = edge::serve::Limits::from_config(&state.config);
    // When the stop begins, the event streams end too: the connections that carry
    // them can then finish, and the graceful stop does not wait for open tabs.
    let stopping = state.clone();
    let shutdown = async move {
        shutdown.await;
        stopping.begin_stopping();
    };
    let result = edge::serve::serve(listener, app, limits, shutdown).await;
    let _ = stop_tx.send(true);
    for task in workers {
        let _ = task.await;
    }
    listener_task.abort();
    if let Some(t) = metrics {
        let _ = t.await;
    }
    state.store.close().await;
    result
}
