//! `pronto serve`, `pronto user add` and `pronto config default`.

use std::path::PathBuf;

use anyhow::{Context, bail};
use clap::{Args, Subcommand};
use pronto_server::{AppState, Config, config, system_clock};
use pronto_store::Role;

#[derive(Args, Debug)]
pub struct ServeArgs {
    #[command(flatten)]
    common: Common,
    /// Where to listen (HOST:PORT); default 127.0.0.1:8080.
    #[arg(long, value_name = "HOST:PORT")]
    listen: Option<std::net::SocketAddr>,
    /// A demo: a sandbox Messenger and Instagram with simulated customers, 90 days of
    /// history and demo users, in ./pronto-demo unless --data-dir or --database-url.
    #[arg(long)]
    demo: bool,
}

/// Flags shared by the commands that open the database.
#[derive(Args, Debug)]
pub struct Common {
    /// The settings file; default: ./pronto.toml when it exists.
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// The database: postgres://... (or PRONTO_DATABASE_URL); default: SQLite in --data-dir.
    #[arg(long, value_name = "URL")]
    pub(crate) database_url: Option<String>,
    /// Where the embedded SQLite database lives; default ./pronto-data.
    #[arg(long, value_name = "DIR")]
    pub(crate) data_dir: Option<PathBuf>,
}

impl Common {
    pub(crate) fn load(&self) -> anyhow::Result<Config> {
        let mut c = Config::load(self.config.as_deref(), std::env::vars())?;
        if let Some(url) = &self.database_url {
            c.database_url = url.clone();
        }
        if let Some(dir) = &self.data_dir {
            c.data_dir = dir.clone();
        }
        Ok(c)
    }
}

#[derive(Subcommand, Debug)]
pub enum UserCommand {
    /// Add a user to the first workspace (the password is read from standard input).
    Add {
        /// The user's email address.
        email: String,
        /// Make the user an admin.
        #[arg(long)]
        admin: bool,
        /// The user's name; default: the part of the email before the @.
        #[arg(long)]
        name: Option<String>,
        #[command(flatten)]
        common: Common,
    },
    /// Set a user's password (read from standard input), for an admin who is locked
    /// out; every session of theirs ends.
    ResetPassword {
        /// The user's email address.
        email: String,
        #[command(flatten)]
        common: Common,
    },
}

#[derive(Subcommand, Debug)]
pub enum ConfigCommand {
    /// Print a commented pronto.toml with every setting and its default.
    Default,
}

pub fn config(command: ConfigCommand) {
    match command {
        ConfigCommand::Default => print!("{}", config::TEMPLATE),
    }
}

pub fn serve(args: ServeArgs) -> anyhow::Result<()> {
    if args.demo {
        return crate::demo::serve(&args.common, args.listen);
    }
    let mut config = args.common.load()?;
    if let Some(listen) = args.listen {
        config.listen = listen;
    }
    init_logging();
    let runtime = tokio::runtime::Runtime::new().context("starting the async runtime")?;
    runtime.block_on(async move {
        let store = pronto_server::open_store(&config).await.with_context(|| {
            format!(
                "opening the database {} (for PostgreSQL, check that the server runs and the URL is right)",
                config::redact_url(&config.database())
            )
        })?;
        let listener = tokio::net::TcpListener::bind(config.listen)
            .await
            .with_context(|| format!("listening on {} (is another program using it? try --listen)", config.listen))?;
        // With port 0 the system picks one: say the real address.
        let mut config = config;
        config.listen = listener.local_addr()?;
        let state = AppState::new(store, config, system_clock());
        let url = state.config.base_url();
        println!("Pronto is running at {url}");
        if let Some(link) = pronto_server::first_run(&state).await? {
            println!("First start: open {link} once to create the first admin,");
            println!("or run `pronto user add --admin EMAIL` (the password is read from standard input).");
        }
        tracing::info!(config = ?state.config, "serving");
        pronto_server::serve(state, listener, shutdown_signal()).await?;
        println!("Pronto stopped.");
        Ok(())
    })
}

/// A password from standard input, checked against the server's policy.
fn read_password(inputs: &[&str]) -> anyhow::Result<String> {
    let mut password = String::new();
    std::io::stdin()
        .read_line(&mut password)
        .context("reading the password from standard input")?;
    let password = password.trim_end_matches(['\n', '\r']).to_owned();
    if let Err(refused) = pronto_server::passwords::check(&password, inputs) {
        bail!("{refused} (read from standard input)");
    }
    Ok(password)
}

pub fn user(command: UserCommand) -> anyhow::Result<()> {
    let (email, admin, name, common) = match command {
        UserCommand::Add {
            email,
            admin,
            name,
            common,
        } => (email, admin, name, common),
        UserCommand::ResetPassword { email, common } => return reset_password(email, common),
    };
    let config = common.load()?;
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async move {
        let store = pronto_server::open_store(&config).await?;
        let password = read_password(&[&email])?;
        let now = pronto_server::system_clock()();
        let workspace = match store.first_workspace().await? {
            Some(id) => id,
            None => store.create_workspace("My business", now).await?,
        };
        let hash = pronto_server::auth::hash_password(password)
            .await
            .map_err(|e| anyhow::anyhow!(e.message))?;
        let name = name.unwrap_or_else(|| email.split('@').next().unwrap_or(&email).to_owned());
        let user = store.create_user(&email, &name, Some(&hash), now).await?;
        let role = if admin { Role::Admin } else { Role::Agent };
        store.set_member(workspace, user.id, role).await?;
        println!(
            "added {} as {} of workspace {workspace}",
            user.email,
            role.as_str()
        );
        store.close().await;
        Ok(())
    })
}

fn reset_password(email: String, common: Common) -> anyhow::Result<()> {
    let config = common.load()?;
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async move {
        let store = pronto_server::open_store(&config).await?;
        let password = read_password(&[&email])?;
        let hash = pronto_server::auth::hash_password(password)
            .await
            .map_err(|e| anyhow::anyhow!(e.message))?;
        let user = match store.set_password_by_email(&email, &hash).await {
            Err(pronto_store::StoreError::NotFound(_)) => {
                bail!("no user has the email {email:?} (see `pronto user add`)")
            }
            other => other?,
        };
        println!("set the password of {}; their sessions ended", user.email);
        store.close().await;
        Ok(())
    })
}

pub(crate) fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

/// Resolves on SIGINT (Ctrl-C) or SIGTERM.
pub(crate) async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = term => {}
    }
    tracing::info!("shutting down: finishing requests in flight");
}
