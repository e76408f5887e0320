//! `truce bench reclassify`: the time and memory of re-classifying stored incidents after a
//! change of the world. It fills the database through the door up to `--incidents`, then adds
//! one control-map version over Tadmor, the largest sub-district (which re-classifies
//! the incidents within its box, about a twentieth of them) and one
//! designation (which re-classifies every incident), and reports each change's time, the peak
//! resident memory during it and the resident memory after it.

use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result};
use clap::Args;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;
use serde_json::json;
use truce_scenario::EmbeddedCoh2016;
use truce_service::{Applied, Command, Principal, Request, Service, silent};
use truce_store::{ActorName, Casualties, IncidentBody};

#[derive(Debug, Args)]
pub struct ReclassifyBench {
    /// Database to fill and change (sqlite://FILE or postgres://…); reused when it already
    /// holds enough incidents.
    #[arg(long)]
    database_url: String,
    #[command(flatten)]
    ledger_key: crate::ledger_key::LedgerKeyArg,
    /// How many stored incidents.
    #[arg(long, default_value_t = 1_000_000)]
    incidents: usize,
    /// Print the report as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Serialize)]
struct Measure {
    change: String,
    reclassified: u64,
    seconds: f64,
    peak_rss_mb: f64,
    rss_after_mb: f64,
}

#[derive(Serialize)]
struct Report {
    incidents: i64,
    rss_before_mb: f64,
    changes: Vec<Measure>,
    /// Resident memory 15 s after the last change, when the allocator has given back what it
    /// no longer uses.
    rss_settled_mb: f64,
}

/// Writes in flight at once while filling: enough for the writer's batches.
const IN_FLIGHT: usize = 4_096;

pub fn run(args: ReclassifyBench) -> Result<ExitCode> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(async {
        let (store, key_file) =
            crate::ledger_key::open_signed(&args.database_url, &args.ledger_key).await?;
        let service = Service::start(store.clone(), &EmbeddedCoh2016)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        key_file.settle()?;
        fill(&service, args.incidents).await?;
        let incidents = store.count_incidents(false).await?;
        let rss_before_mb = memory("VmRSS");
        let run = std::process::id() as u64 ^ (Instant::now().elapsed().as_nanos() as u64);
        let area = Command::AddAreaVersion {
            layer: json!({"type": "FeatureCollection",
                "truce_layer": {"id": format!("bench-{run}"), "contributor": format!("bench-{run}"), "agreed_by": "ru",
                                "valid_from": "2016-03-01T00:00:00Z", "approximate": false},
                "features": [{"type": "Feature", "geometry": null, "properties": {
                    "id": "tadmor-claim", "admin3_pcode": "SY040500", "controller": "gos"}}]}),
        };
        let designation = Command::AddDesignation {
            designation: serde_json::from_value(json!({
                "actor": "ahrar_al_sham", "list": "UNSC 1267", "source": format!("benchmark {run}"),
                "listed_from": "2016-03-10T00:00:00Z", "status": "listed"
            }))?,
        };
        let mut changes = Vec::new();
        for command in [area, designation] {
            let (name, _, id) = command.describe();
            reset_peak();
            let started = Instant::now();
            // The reply carries the count, so that nothing else has to.
            let render: truce_service::Render = std::sync::Arc::new(|applied, _| {
                let reclassified = match applied {
                    Applied::World { reclassified, .. } => *reclassified,
                    _ => 0,
                };
                Ok(truce_service::Reply {
                    status: 201,
                    body: reclassified.to_string(),
                })
            });
            let outcome = service
                .execute(Request::by(Principal::cli("bench")), command, render)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            changes.push(Measure {
                change: format!("{name} {id}"),
                reclassified: outcome.reply.body.parse().unwrap_or(0),
                seconds: started.elapsed().as_secs_f64(),
                peak_rss_mb: memory("VmHWM"),
                rss_after_mb: memory("VmRSS"),
            });
        }
        tokio::time::sleep(std::time::Duration::from_secs(15)).await;
        let report = Report {
            incidents,
            rss_before_mb,
            changes,
            rss_settled_mb: memory("VmRSS"),
        };
        if args.json {
            println!("{}", serde_json::to_string(&report)?);
        } else {
            println!(
                "{} incidents stored; resident memory before the changes {:.0} MB",
                report.incidents, report.rss_before_mb
            );
            for change in &report.changes {
                println!(
                    "{}: re-classified {} in {:.1} s; peak resident memory {:.0} MB, after {:.0} MB",
                    change.change,
                    change.reclassified,
                    change.seconds,
                    change.peak_rss_mb,
                    change.rss_after_mb
                );
            }
            println!(
                "resident memory 15 s after the last change: {:.0} MB",
                report.rss_settled_mb
            );
        }
        store.close().await;
        Ok(ExitCode::SUCCESS)
    })
}

/// Records random incidents through the door until the database holds `target`.
async fn fill(service: &Service, target: usize) -> Result<()> {
    let stored = usize::try_from(service.store().count_incidents(false).await?).unwrap_or(0);
    if stored >= target {
        return Ok(());
    }
    let world = service.world().await.map_err(|e| anyhow::anyhow!("{e}"))?;
    let actors: Vec<ActorName> = world
        .scenario
        .actors
        .actors()
        .iter()
        .map(|actor| ActorName {
            id: Some(actor.id.to_string()),
            name: actor.name.clone(),
        })
        .collect();
    let mut rng = ChaCha8Rng::seed_from_u64(stored as u64);
    let started = Instant::now();
    let mut writes = tokio::task::JoinSet::new();
    for n in stored..target {
        let incident = IncidentBody {
            id: format!("bench-{n:08}"),
            occurred_at: format!(
                "2016-03-{:02}T{:02}:00:00Z",
                rng.random_range(1..=31),
                rng.random_range(0..24)
            ),
            time_precision: 1,
            lat: rng.random_range(32.3..37.4),
            lon: rng.random_range(35.6..42.4),
            geo_precision: 1,
            origin: None,
            admin1_pcode: None,
            admin3_pcode: None,
            perpetrator: actors.choose(&mut rng).cloned(),
            target: actors.choose(&mut rng).cloned(),
            event_type: Some("Explosions/Remote violence".to_owned()),
            sub_event_type: Some("Shelling/artillery/missile attack".to_owned()),
            weapon: None,
            self_defence_claimed: false,
            casualties: Casualties::default(),
            notes: format!("benchmark incident {n}"),
            synthetic: true,
        };
        let service = service.clone();
        writes.spawn(async move {
            let command = Command::RecordIncident {
                incident,
                report: None,
            };
            service
                .execute(Request::by(Principal::cli("bench")), command, silent())
                .await
        });
        while writes.len() >= IN_FLIGHT {
            if let Some(done) = writes.join_next().await {
                done?.map_err(|e| anyhow::anyhow!("{e}"))?;
            }
        }
        if (n + 1) % 100_000 == 0 {
            eprintln!(
                "stored {} incidents ({:.0}/s)",
                n + 1,
                (n + 1 - stored) as f64 / started.elapsed().as_secs_f64()
            );
        }
    }
    while let Some(done) = writes.join_next().await {
        done?.map_err(|e| anyhow::anyhow!("{e}"))?;
    }
    Ok(())
}

/// A line of /proc/self/status in MB (0 where there is no /proc).
fn memory(field: &str) -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|line| line.starts_with(field))
                .and_then(|line| line.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

/// Resets the peak resident memory, so that VmHWM is the peak of what follows.
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}
