//! `truce bench`: measurements reported in docs/benchmarks.md.

use std::hint::black_box;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::Result;
use clap::{Args, Subcommand};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;
use truce_core::classify;
use truce_core::incident::{GeoPrecision, Incident, Location};

#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Classify uniformly random points in Syria's bounding box, on one thread.
    Classify(ClassifyBench),
    /// Post incidents to a running server and report throughput and latency.
    Load(crate::load::LoadArgs),
    /// Fill a database with incidents, change the world, and report the re-classification's
    /// time and memory.
    Reclassify(crate::reclassify_bench::ReclassifyBench),
}

#[derive(Debug, Args)]
pub struct ClassifyBench {
    /// How many points.
    #[arg(long, default_value_t = 1_000_000)]
    points: usize,
    /// Random seed (the same seed gives the same points).
    #[arg(long, default_value_t = 2016)]
    seed: u64,
    /// Print `{"points", "seconds", "points_per_s"}` as JSON.
    #[arg(long)]
    json: bool,
    /// Scenario folder. Default: the built-in 2016 scenario.
    #[arg(long)]
    scenario: Option<PathBuf>,
}

/// Syria's bounding box: 35.6–42.4 E, 32.3–37.4 N.
const LON: (f64, f64) = (35.6, 42.4);
const LAT: (f64, f64) = (32.3, 37.4);

#[derive(Serialize)]
struct Report {
    points: usize,
    seconds: f64,
    points_per_s: f64,
}

pub fn run(command: BenchCommand) -> Result<ExitCode> {
    let args = match command {
        BenchCommand::Classify(args) => args,
        BenchCommand::Load(args) => return crate::load::run(args),
        BenchCommand::Reclassify(args) => return crate::reclassify_bench::run(args),
    };
    let scenario = truce_scenario::load(args.scenario.as_deref())
        .map_err(|errors| anyhow::anyhow!("{errors}"))?;
    let mut rng = ChaCha8Rng::seed_from_u64(args.seed);
    let occurred_at = "2016-03-01T12:00:00Z".parse()?;
    // Building the incidents is set-up, not classification: it stays outside the timed loop.
    let incidents: Vec<Incident> = (0..args.points)
        .map(|n| {
            let lat = rng.random_range(LAT.0..LAT.1);
            let lon = rng.random_range(LON.0..LON.1);
            Incident::new(
                n.to_string(),
                occurred_at,
                Location::new(lat, lon, GeoPrecision::Town).ok(),
            )
        })
        .collect();
    let started = Instant::now();
    let mut in_an_area = 0usize;
    for incident in &incidents {
        let assessment = black_box(classify(black_box(incident), &scenario));
        in_an_area += usize::from(assessment.area.is_some());
    }
    let seconds = started.elapsed().as_secs_f64();
    let report = Report {
        points: args.points,
        seconds,
        points_per_s: args.points as f64 / seconds,
    };
    if args.json {
        println!("{}", serde_json::to_string(&report)?);
    } else {
        println!(
            "classified {} points in {:.3} s: {:.0} points/s on one thread ({} inside a control-map area)",
            report.points, report.seconds, report.points_per_s, in_an_area
        );
    }
    Ok(ExitCode::SUCCESS)
}
