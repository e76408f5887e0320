//! `truce ledger …`: the tamper-evident record from the machine's command line
//! (docs/ledger.md).

use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Subcommand;
use truce_store::Store;

use crate::accounts_cmd::DatabaseArg;

#[derive(Debug, Subcommand)]
pub enum LedgerCommand {
    /// Walk the change log's chain and check it against the data: exit 0 when it is intact,
    /// 1 when it is broken (the first bad entry and the kind of damage are printed), 2 on
    /// errors.
    Verify {
        #[command(flatten)]
        database: DatabaseArg,
    },
}

pub fn run(command: LedgerCommand) -> Result<ExitCode> {
    match command {
        LedgerCommand::Verify { database } => {
            let runtime = crate::accounts_cmd::runtime()?;
            runtime.block_on(verify(&database.database_url))
        }
    }
}

async fn verify(url: &str) -> Result<ExitCode> {
    // A file that is not there is an error, not a new empty record.
    if let Some(path) = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
    {
        let path = path.split('?').next().unwrap_or(path);
        anyhow::ensure!(std::path::Path::new(path).exists(), "no database at {path}");
    }
    // Found as it is: nothing is sealed on the way in.
    let store = Store::open_unsealed(url)
        .await
        .with_context(|| format!("opening {url}"))?;
    match store
        .verify_ledger()
        .await
        .context("reading the change log")?
    {
        Ok(entries) => {
            println!("intact: {entries} entries");
            Ok(ExitCode::SUCCESS)
        }
        Err(damage) => {
            println!("broken at entry {}: {}", damage.seq, damage.kind);
            Ok(ExitCode::from(1))
        }
    }
}
