//! `truce user …` and `truce token …`: accounts from the machine's command line, as commands
//! through the door (recorded as `cli:user add` and so on). They work while servers run on the
//! same database, and what they make works there at once: servers read users and tokens from
//! the database on every request.

use std::process::ExitCode;

use anyhow::{Context, Result, anyhow};
use clap::{Args, Subcommand};
use truce_scenario::EmbeddedCoh2016;
use truce_service::secrets::{generate_password, hash_password, new_token};
use truce_service::{Command, Principal, Request, Secret, Service, ServiceError, silent};

/// Where the accounts are.
#[derive(Debug, Args)]
pub struct DatabaseArg {
    /// Database: sqlite://FILE or postgres://USER@HOST:PORT/DB (as for `serve`).
    #[arg(long, env = "TRUCE_DATABASE_URL", default_value = "sqlite://truce.db")]
    pub database_url: String,
    #[command(flatten)]
    pub ledger_key: crate::ledger_key::LedgerKeyArg,
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add a user. The password is read from TRUCE_PASSWORD, or generated and printed once.
    Add {
        /// The sign-in name (a-z, 0-9, '.', '_', '-').
        name: String,
        /// admin, co_chair, task_force, monitor, party_liaison or humanitarian.
        #[arg(long)]
        role: String,
        /// US or RU for a co_chair; an actor id for a party_liaison.
        #[arg(long)]
        party: Option<String>,
        #[command(flatten)]
        database: DatabaseArg,
    },
    /// List users.
    List {
        /// Print JSON: [{"name", "role", "party"}].
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        database: DatabaseArg,
    },
    /// Disable a user: their sessions end and their tokens stop working.
    Disable {
        /// The user.
        name: String,
        #[command(flatten)]
        database: DatabaseArg,
    },
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create an API token for a user and print it (only it) on standard output.
    Create {
        /// The user it acts for.
        #[arg(long)]
        user: String,
        /// What the token is for.
        #[arg(long, default_value = "")]
        label: String,
        #[command(flatten)]
        database: DatabaseArg,
    },
    /// Revoke a token by its id (`tok_…`, as `token list` shows).
    Revoke {
        /// The token's id.
        id: String,
        #[command(flatten)]
        database: DatabaseArg,
    },
    /// List tokens (never the tokens themselves).
    List {
        /// Only this user's.
        #[arg(long)]
        user: Option<String>,
        #[command(flatten)]
        database: DatabaseArg,
    },
}

/// The door on a database (seeding the built-in scenario if it is empty, as `serve` does).
async fn open(database: &DatabaseArg) -> Result<Service> {
    let (store, key_file) =
        crate::ledger_key::open_signed(&database.database_url, &database.ledger_key).await?;
    let service = Service::start(store, &EmbeddedCoh2016)
        .await
        .context("loading the scenario")?;
    key_file.settle()?;
    Ok(service)
}

async fn run_command(service: &Service, action: &str, command: Command) -> Result<()> {
    service
        .execute(Request::by(Principal::cli(action)), command, silent())
        .await
        .map(|_| ())
        .map_err(|error| match error {
            ServiceError::Internal(detail) => anyhow!("internal error: {detail}"),
            other => anyhow!("{other}"),
        })
}

pub fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")
}

/// The password of a new user: `TRUCE_PASSWORD`, or a generated one (and whether it was).
pub fn password_from_env() -> (String, bool) {
    match std::env::var("TRUCE_PASSWORD") {
        Ok(password) if !password.is_empty() => (password, false),
        _ => (generate_password(), true),
    }
}

/// Adds a user as the command line's `action`, with this password.
pub async fn add_user(
    service: &Service,
    action: &str,
    name: &str,
    role: &str,
    party: Option<&str>,
    password: &str,
) -> Result<()> {
    let hash = hash_password(password).map_err(|error| anyhow!("{error}"))?;
    run_command(
        service,
        action,
        Command::AddUser {
            name: name.to_owned(),
            role: role.to_owned(),
            party: party.map(str::to_owned),
            password_hash: Secret(hash),
        },
    )
    .await
}

pub fn user(command: UserCommand) -> Result<ExitCode> {
    runtime()?.block_on(async {
        match command {
            UserCommand::Add {
                name,
                role,
                party,
                database,
            } => {
                let service = open(&database).await?;
                let (password, generated) = password_from_env();
                add_user(&service, "user add", &name, &role, party.as_deref(), &password).await?;
                if generated {
                    println!("Added {name} ({role}). Password, shown this once: {password}");
                } else {
                    println!("Added {name} ({role}) with the password from TRUCE_PASSWORD.");
                }
            }
            UserCommand::List { json, database } => {
                let service = open(&database).await?;
                let users = service.store().users().await?;
                if json {
                    let rows: Vec<_> = users
                        .iter()
                        .map(|user| {
                            serde_json::json!({"name": user.name, "role": user.role, "party": user.party})
                        })
                        .collect();
                    println!("{}", serde_json::to_string(&rows)?);
                } else {
                    for user in users {
                        println!(
                            "{}\t{}\t{}{}",
                            user.name,
                            user.role,
                            user.party.as_deref().unwrap_or("-"),
                            if user.disabled { "\tdisabled" } else { "" }
                        );
                    }
                }
            }
            UserCommand::Disable { name, database } => {
                let service = open(&database).await?;
                run_command(&service, "user disable", Command::DisableUser { name: name.clone() })
                    .await?;
                println!("Disabled {name}.");
            }
        }
        Ok(ExitCode::SUCCESS)
    })
}

pub fn token(command: TokenCommand) -> Result<ExitCode> {
    runtime()?.block_on(async {
        match command {
            TokenCommand::Create {
                user,
                label,
                database,
            } => {
                let service = open(&database).await?;
                let (id, token, hash) = new_token();
                run_command(
                    &service,
                    "token create",
                    Command::CreateToken {
                        id: id.clone(),
                        user: user.clone(),
                        label,
                        token_hash: Secret(hash),
                    },
                )
                .await?;
                eprintln!("Created token {id} for {user}; it is shown this once:");
                println!("{token}");
            }
            TokenCommand::Revoke { id, database } => {
                let service = open(&database).await?;
                run_command(
                    &service,
                    "token revoke",
                    Command::RevokeToken { id: id.clone() },
                )
                .await?;
                println!("Revoked {id}.");
            }
            TokenCommand::List { user, database } => {
                let service = open(&database).await?;
                for token in service.store().tokens(user.as_deref()).await? {
                    println!(
                        "{}\t{}\t{}\t{}",
                        token.id,
                        token.user_name,
                        if token.revoked_at.is_some() {
                            "revoked"
                        } else {
                            "active"
                        },
                        token.label
                    );
                }
            }
        }
        Ok(ExitCode::SUCCESS)
    })
}
