//! The `truce` command line.

mod accounts_cmd;
mod bench;
mod classify_cmd;
mod demo;
mod demo_cases;
mod extract_cmd;
mod ledger_cmd;
mod ledger_key;
mod load;
mod reclassify_bench;
mod server;

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use clap::{Parser, Subcommand};

/// jemalloc: it returns freed memory to the system (a re-classification of a million incidents
/// would otherwise leave its peak resident), and it is quicker than the system allocator under
/// the server's many small allocations (`docs/benchmarks.md`).
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static ALLOCATOR: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

/// Truce: ceasefire monitoring and humanitarian access.
#[derive(Debug, Parser)]
#[command(name = "truce", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the API on a database (SQLite by default, PostgreSQL with a postgres:// URL).
    Serve(server::ServeArgs),
    /// Load the 2016 scenario and a SYNTHETIC incident stream into truce-demo.db, then serve.
    Demo(server::DemoArgs),
    /// Classify incidents from a CSV file against the agreement's terms (rules R0–R6).
    Classify(classify_cmd::ClassifyArgs),
    /// Work with scenarios.
    #[command(subcommand)]
    Scenario(ScenarioCommand),
    /// Measure performance.
    #[command(subcommand)]
    Bench(bench::BenchCommand),
    /// Turn a free-text report (standard input) into a structured draft.
    Extract(extract_cmd::ExtractArgs),
    /// Manage users (add, list, disable).
    #[command(subcommand)]
    User(accounts_cmd::UserCommand),
    /// Manage API tokens (create, revoke, list).
    #[command(subcommand)]
    Token(accounts_cmd::TokenCommand),
    /// Measure quality against labelled data.
    #[command(subcommand)]
    Eval(EvalCommand),
    /// The tamper-evident record: verify the change log's chain.
    #[command(subcommand)]
    Ledger(ledger_cmd::LedgerCommand),
}

#[derive(Debug, Subcommand)]
enum EvalCommand {
    /// Run extraction on an ACLED export's notes and compare with its labelled fields.
    Extract(extract_cmd::EvalExtractArgs),
}

#[derive(Debug, Subcommand)]
enum ScenarioCommand {
    /// Load a scenario and report every problem in it (exit 1 if there is any).
    Check {
        /// The scenario folder (holding scenario.json). Default: the built-in 2016 scenario.
        dir: Option<PathBuf>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Serve(args) => server::serve(args),
        Command::Demo(args) => server::demo(args),
        Command::Classify(args) => classify_cmd::run(args),
        Command::Scenario(ScenarioCommand::Check { dir }) => scenario_check(dir),
        Command::Bench(command) => bench::run(command),
        Command::Extract(args) => extract_cmd::run(args),
        Command::Eval(EvalCommand::Extract(args)) => extract_cmd::eval(args),
        Command::User(command) => accounts_cmd::user(command),
        Command::Token(command) => accounts_cmd::token(command),
        Command::Ledger(command) => ledger_cmd::run(command),
    }
}

fn scenario_check(dir: Option<PathBuf>) -> Result<ExitCode> {
    let source = dir
        .as_ref()
        .map_or("the built-in 2016 scenario".to_owned(), |dir| {
            dir.display().to_string()
        });
    let scenario = match truce_scenario::load(dir.as_deref()) {
        Ok(scenario) => scenario,
        Err(errors) => {
            eprint!("{source}: {errors}");
            return Ok(ExitCode::from(1));
        }
    };
    let approximate = scenario
        .control
        .versions()
        .iter()
        .filter(|v| v.approximate)
        .count();
    println!("{source}: OK — {}", scenario.name);
    println!(
        "  agreement {} with {} version(s); first start {}",
        scenario.agreement.id,
        scenario.agreement.versions.len(),
        scenario
            .agreement
            .versions
            .first()
            .map(|v| format!(
                "{} ({})",
                truce_core::time::format_local(v.effective_start, v.zone),
                truce_core::time::format_utc(v.effective_start)
            ))
            .unwrap_or_default()
    );
    println!(
        "  {} actors, {} designations, {} commitments",
        scenario.actors.actors().len(),
        scenario.actors.designations().len(),
        scenario.commitments.len()
    );
    println!(
        "  {} control-map versions ({} APPROXIMATE), {} governorates, {} sub-districts, {} besieged locations",
        scenario.control.versions().len(),
        approximate,
        scenario.admin1.units().len(),
        scenario.admin3.units().len(),
        scenario.besieged.len()
    );
    Ok(ExitCode::SUCCESS)
}
