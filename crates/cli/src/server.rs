//! `truce serve` and `truce demo`: the HTTP service on a database.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Args, ValueEnum};
use truce_scenario::{EmbeddedCoh2016, FolderFiles};
use truce_store::Store;
use truce_web::{AppState, DEFAULT_BODY_LIMIT, router};

use crate::demo;

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
        let store = Store::open(&args.database_url)
            .await
            .with_context(|| format!("opening {}", args.database_url))?;
        let state = match &args.scenario {
            Some(folder) => AppState::new(store, &FolderFiles::new(folder), args.body_limit).await,
            None => AppState::new(store, &EmbeddedCoh2016, args.body_limit).await,
        }
        .context("loading the scenario")?;
        run(state, args.listen).await
    })
}

pub fn demo(args: DemoArgs) -> Result<ExitCode> {
    init_logging(args.log_format);
    runtime()?.block_on(async {
        let store = Store::open(&args.database_url).await.with_context(|| format!("opening {}", args.database_url))?;
        let state = AppState::new(store.clone(), &EmbeddedCoh2016, DEFAULT_BODY_LIMIT).await.context("loading the scenario")?;
        let added = demo::add_synthetic_stream(state.service(), args.seed).await?;
        let total = store.count_incidents(true).await?;
        if added > 0 {
            println!("Added {added} SYNTHETIC incidents (20 Feb – 31 Mar 2016, seed {}) to {}.", args.seed, args.database_url);
        } else {
            println!("{} already holds {total} SYNTHETIC incidents; none added.", args.database_url);
        }
        println!("The control map is APPROXIMATE and the incidents are SYNTHETIC: a demonstration, not a record.");
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
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown)
        .await
        .context("serving")?;
    store.close().await;
    tracing::info!("stopped");
    Ok(ExitCode::SUCCESS)
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
