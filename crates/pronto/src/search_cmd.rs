//! `pronto search rebuild`: the search indexes rebuilt from the stored rows.

use anyhow::Context;
use clap::Subcommand;

use crate::serve_cmd::Common;

#[derive(Subcommand, Debug)]
pub enum SearchCommand {
    /// Rebuild the search indexes from the stored messages, notes and contacts (after
    /// restoring a database, or to rule out drift). The database keeps them on every
    /// write, so a running server needs no rebuild.
    Rebuild {
        #[command(flatten)]
        common: Common,
    },
}

pub fn run(command: SearchCommand) -> anyhow::Result<()> {
    let SearchCommand::Rebuild { common } = command;
    let config = common.load()?;
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async move {
        let store = pronto_server::open_store(&config).await?;
        let started = std::time::Instant::now();
        store
            .rebuild_search()
            .await
            .context("rebuilding the search indexes")?;
        println!(
            "search indexes rebuilt in {:.1} s",
            started.elapsed().as_secs_f64()
        );
        store.close().await;
        Ok(())
    })
}
