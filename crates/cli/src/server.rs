//! `truce serve` and `truce demo`: the HTTP service on a database.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Args, ValueEnum};
use truce_scenario::{EmbeddedCoh2016, FolderFiles};
use truce_service::Service;
use truce_web::{AppState, DEFAULT_BODY_LIMIT, Security, router};

use crate::demo;
use crate::ledger_key::{LedgerKeyArg, open_signed};

/// Log formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// One readable line per event.
    Text,
    /// One JSON object per event, for log collectors.
    Json,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Database: sqlite://FILE (created if missing) or postgres://USER@HOST:PORT/DB.
    #[arg(long, env = "TRUCE_DATABASE_URL", default_value = "sqlite://truce.db")]
    database_url: String,
    /// Address to listen on (port 0 picks a free port; the address is printed).
    #[arg(long, env = "TRUCE_LISTEN", default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// Largest request body accepted, in bytes.
    #[arg(long, env = "TRUCE_BODY_LIMIT", default_value_t = DEFAULT_BODY_LIMIT)]
    body_limit: usize,
    /// Scenario folder for the reference data and the first seeding. Default: the built-in 2016 scenario.
    #[arg(long)]
    scenario: Option<PathBuf>,
    /// Log format.
    #[arg(long, value_enum, default_value_t = LogFormat::Text)]
    log_format: LogFormat,
    /// On a database with no admin, create this admin (password from TRUCE_PASSWORD, or
    /// generated and printed once). Ignored, with a log line, when an admin exists.
    #[arg(long, env = "TRUCE_INIT_ADMIN")]
    init_admin: Option<String>,
    #[command(flatten)]
    ledger_key: LedgerKeyArg,
    #[command(flatten)]
    security: SecurityArgs,
}

/// How the server guards itself (docs/security.md).
#[derive(Debug, Args)]
pub struct SecurityArgs {
    /// What the public (nobody signed in) sees of incidents: coarse (day, admin2, labels) or none.
    #[arg(long, env = "TRUCE_PUBLIC", default_value = "coarse")]
    public: truce_core::access::PublicIncidents,
    /// Mark cookies Secure (set this behind TLS; a proxy's X-Forwarded-Proto: https does too).
    #[arg(long, env = "TRUCE_SECURE_COOKIES")]
    secure_cookies: bool,
    /// Admins and co-chairs must enrol and give a second factor (TOTP).
    #[arg(long = "require-2fa", env = "TRUCE_REQUIRE_2FA")]
    require_second_factor: bool,
    /// A name this server answers to (repeat for several). Without any: localhost and IP
    /// addresses only.
    #[arg(
        long = "allowed-host",
        env = "TRUCE_ALLOWED_HOSTS",
        value_delimiter = ','
    )]
    allowed_hosts: Vec<String>,
    /// Writes a second per principal (bursts of as many again); 0 for no limit.
    #[arg(long, env = "TRUCE_WRITE_RATE", default_value_t = truce_web::DEFAULT_WRITE_RATE)]
    write_rate: u32,
}

impl SecurityArgs {
    fn security(&self, demo: bool) -> Security {
        Security {
            public: self.public,
            secure_cookies: self.secure_cookies,
            require_second_factor: self.require_second_factor,
            allowed_hosts: self.allowed_hosts.clone(),
            write_rate: self.write_rate,
            demo,
            fixed_now: demo.then_some(demo::PERIOD_END_MS),
            ..Security::default()
        }
    }
}

#[derive(Debug, Args)]
pub struct DemoArgs {
    /// Database (default: the file truce-demo.db in the current folder).
    #[arg(
        long,
        env = "TRUCE_DEMO_DATABASE_URL",
        default_value = "sqlite://truce-demo.db"
    )]
    database_url: String,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// Seed of the synthetic incident stream (the same seed gives the same incidents).
    #[arg(long, default_value_t = demo::DEFAULT_SEED)]
    seed: u64,
    /// Log format.
    #[arg(long, value_enum, default_value_t = LogFormat::Text)]
    log_format: LogFormat,
    #[command(flatten)]
    ledger_key: LedgerKeyArg,
    #[command(flatten)]
    security: SecurityArgs,
}

fn init_logging(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("TRUCE_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let _ = match format {
        LogFormat::Text => builder.try_init(),
        LogFormat::Json => builder.json().try_init(),
    };
}

fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")
}

pub fn serve(args: ServeArgs) -> Result<ExitCode> {
    init_logging(args.log_format);
    runtime()?.block_on(async {
        let (store, key_file) = open_signed(&args.database_url, &args.ledger_key).await?;
        let service = match &args.scenario {
            Some(folder) => Service::start(store, &FolderFiles::new(folder)).await,
            None => Service::start(store, &EmbeddedCoh2016).await,
        }
        .context("loading the scenario")?;
        key_file.settle()?;
        ensure_admin(&service, args.init_admin.as_deref()).await?;
        let state = AppState::configured(service, args.body_limit, args.security.security(false));
        run(state, args.listen).await
    })
}

pub fn demo(args: DemoArgs) -> Result<ExitCode> {
    init_logging(args.log_format);
    runtime()?.block_on(async {
        let (store, key_file) = open_signed(&args.database_url, &args.ledger_key).await?;
        let service = Service::start(store.clone(), &EmbeddedCoh2016).await.context("loading the scenario")?;
        key_file.settle()?;
        let state = AppState::configured(service, DEFAULT_BODY_LIMIT, args.security.security(true));
        let added = demo::add_synthetic_stream(state.service(), args.seed).await?;
        let total = store.count_incidents(true).await?;
        if added > 0 {
            println!("Added {added} SYNTHETIC incidents (20 Feb – 31 Mar 2016, seed {}) to {}.", args.seed, args.database_url);
        } else {
            println!("{} already holds {total} SYNTHETIC incidents; none added.", args.database_url);
        }
        println!("The control map is APPROXIMATE and the incidents are SYNTHETIC: a demonstration, not a record.");
        demo::add_demo_users(state.service()).await?;
        let worked = crate::demo_cases::add_illustrative_cases(state.service()).await?;
        if worked > 0 {
            println!("Worked {worked} cases through the procedure as the demo users (ILLUSTRATIVE casework).");
        }
        run(state, args.listen).await
    })
}

async fn run(state: AppState, listen: SocketAddr) -> Result<ExitCode> {
    let backend = state.store().backend().as_str();
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .with_context(|| format!("listening on {listen}"))?;
    let address = listener.local_addr()?;
    // Install the signal handlers before announcing the address: a SIGTERM that arrives right
    // after the announcement must still shut down gracefully.
    let shutdown = shutdown_signal()?;
    println!(
        "Truce is listening on http://{address} (database: {backend}); try http://{address}/api/v1/incidents"
    );
    tracing::info!(%address, backend, "serving");
    let store = state.store().clone();
    // The client's address is kept for throttling failed sign-ins per address.
    let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
        .context("serving")?;
    store.close().await;
    tracing::info!("stopped");
    Ok(ExitCode::SUCCESS)
}

/// A database without an admin cannot be administered: create the one `--init-admin` names,
/// or refuse to start. Several servers started at once with the same option make one admin.
async fn ensure_admin(service: &Service, init_admin: Option<&str>) -> Result<()> {
    let has_admin = service.store().has_admin().await?;
    match (has_admin, init_admin) {
        (true, Some(name)) => {
            tracing::info!(
                name,
                "--init-admin ignored: the database has an admin already"
            );
            Ok(())
        }
        (true, None) => Ok(()),
        (false, None) => Err(anyhow::anyhow!(
            "the database has no admin: start once with --init-admin NAME (the password comes from TRUCE_PASSWORD, or is generated and printed once)"
        )),
        (false, Some(name)) => {
            let (password, generated) = crate::accounts_cmd::password_from_env();
            match crate::accounts_cmd::add_user(
                service,
                "serve --init-admin",
                name,
                "admin",
                None,
                &password,
            )
            .await
            {
                Ok(()) if generated => {
                    println!("Created the admin {name}. Password, shown this once: {password}");
                    Ok(())
                }
                Ok(()) => {
                    println!("Created the admin {name} with the password from TRUCE_PASSWORD.");
                    Ok(())
                }
                // Another server starting at the same moment made it first.
                Err(_) if service.store().has_admin().await? => Ok(()),
                Err(error) => Err(error),
            }
        }
    }
}

/// A future that resolves on Ctrl-C or SIGTERM, so that requests in flight finish and the
/// database closes. The handlers are registered when this function returns.
#[cfg(unix)]
fn shutdown_signal() -> Result<impl std::future::Future<Output = ()>> {
    use tokio::signal::unix::{SignalKind, signal};
    let mut interrupt = signal(SignalKind::interrupt()).context("installing the Ctrl-C handler")?;
    let mut terminate =
        signal(SignalKind::terminate()).context("installing the SIGTERM handler")?;
    Ok(async move {
        tokio::select! {
            _ = interrupt.recv() => {},
            _ = terminate.recv() => {},
        }
        tracing::info!("shutting down");
    })
}

#[cfg(not(unix))]
fn shutdown_signal() -> Result<impl std::future::Future<Output = ()>> {
    Ok(async {
        let _ = tokio::signal::ctrl_c().await;
        tracing::info!("shutting down");
    })
}
