//! `truce ledger …`: the tamper-evident record from the machine's command line
//! (docs/ledger.md).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::Subcommand;
use truce_service::{Principal, Request};
use truce_store::Store;

use crate::accounts_cmd::DatabaseArg;

#[derive(Debug, Subcommand)]
pub enum LedgerCommand {
    /// Walk the change log's chain and check it against the data: exit 0 when it is intact,
    /// 1 when it is broken (the first bad entry and the kind of damage are printed), 2 on
    /// errors.
    Verify {
        /// Database: sqlite://FILE or postgres://USER@HOST:PORT/DB (as for `serve`).
        #[arg(long, env = "TRUCE_DATABASE_URL", default_value = "sqlite://truce.db")]
        database_url: String,
    },
    /// Register another key that may sign the log (a key for a new server, or the next key of
    /// a rotation), in an entry signed by this server's registered key. The new key's file is
    /// made when it does not exist; give it to the servers with --ledger-key afterwards.
    AddKey {
        /// The new key's file (PKCS#8 PEM).
        new_key: PathBuf,
        #[command(flatten)]
        database: DatabaseArg,
    },
}

pub fn run(command: LedgerCommand) -> Result<ExitCode> {
    match command {
        LedgerCommand::Verify { database_url } => {
            let runtime = crate::accounts_cmd::runtime()?;
            runtime.block_on(verify(&database_url))
        }
        LedgerCommand::AddKey { new_key, database } => {
            let runtime = crate::accounts_cmd::runtime()?;
            runtime.block_on(add_key(&new_key, &database))
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

async fn add_key(new_key: &Path, database: &DatabaseArg) -> Result<ExitCode> {
    let (new, new_mark) = crate::ledger_key::load_or_create(new_key)?;
    let (store, _) =
        crate::ledger_key::open_signed(&database.database_url, &database.ledger_key).await?;
    let request = Request {
        principal: Principal::cli("ledger add-key"),
        key: None,
        reason: format!("a new ledger key, {}", new_key.display()),
    };
    let seq = truce_service::ledger::add_ledger_key(&store, &request, new.public())
        .await
        .map_err(|error| anyhow::anyhow!("{error}"))?;
    crate::ledger_key::KeyFile::new(new_mark).settle()?;
    println!(
        "registered ledger key {} at entry {seq}: servers may now sign with {}",
        truce_ledger::to_hex(&new.public()),
        new_key.display()
    );
    Ok(ExitCode::SUCCESS)
}
