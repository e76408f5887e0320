//! `truce classify`: a CSV of incidents in, explained classifications out.

use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use chrono::{DateTime, Utc};
use clap::{Args, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;
use truce_core::classify::AreaMatch;
use truce_core::incident::{ActorRef, EventKind, GeoPrecision, Incident, Location, TimePrecision};
use truce_core::{Assessment, Scenario, classify};

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Aligned columns with the reasons under each incident.
    Table,
    /// One CSV row per incident.
    Csv,
    /// A JSON array with one object per incident.
    Json,
    /// One JSON object per line.
    Jsonl,
}

#[derive(Debug, Args)]
pub struct ClassifyArgs {
    /// CSV with the header `id,occurred_at,lat,lon,perpetrator,target,event_type` (optional
    /// extra columns: time_precision, geo_precision, origin_lat, origin_lon, self_defence).
    #[arg(long)]
    incidents: PathBuf,
    /// Scenario folder (holding scenario.json). Default: the built-in 2016 scenario.
    #[arg(long)]
    scenario: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
}

/// Show a progress bar from this many rows on (and only on a terminal).
const PROGRESS_FROM_ROWS: usize = 10_000;
/// Stop listing row errors after this many.
const MAX_ERRORS_SHOWN: usize = 50;

pub fn run(args: ClassifyArgs) -> Result<ExitCode> {
    let scenario = truce_scenario::load(args.scenario.as_deref())
        .map_err(|errors| anyhow::anyhow!("{errors}"))?;
    let file = File::open(&args.incidents)
        .with_context(|| format!("cannot open {}", args.incidents.display()))?;
    let (incidents, errors) = read_incidents(file, &scenario)?;
    if !errors.is_empty() {
        let name = args.incidents.display();
        for error in errors.iter().take(MAX_ERRORS_SHOWN) {
            eprintln!("{name}: {error}");
        }
        if errors.len() > MAX_ERRORS_SHOWN {
            eprintln!("{name}: … and {} more", errors.len() - MAX_ERRORS_SHOWN);
        }
        eprintln!("{name}: {} bad row(s); nothing classified", errors.len());
        return Ok(ExitCode::from(1));
    }

    let progress = if incidents.len() >= PROGRESS_FROM_ROWS && io::stderr().is_terminal() {
        let bar = ProgressBar::new(incidents.len() as u64);
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} classifying {pos}/{len} [{bar:40}] {per_sec} eta {eta}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        bar
    } else {
        ProgressBar::hidden()
    };
    let mut results = Vec::with_capacity(incidents.len());
    for incident in &incidents {
        results.push(classify(incident, &scenario));
        progress.inc(1);
    }
    progress.finish_and_clear();

    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    write_results(&mut out, args.format, &incidents, &results)?;
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

/// The JSON shape of one classified incident.
#[derive(Serialize)]
struct Output<'a> {
    id: &'a str,
    labels: Vec<&'static str>,
    obligations: Vec<&'static str>,
    area: Option<&'a AreaMatch>,
    route_to: Option<String>,
    reasons: Vec<String>,
    agreement_version: Option<u32>,
    area_versions: Vec<&'a str>,
    verification: truce_core::classify::VerificationStatus,
}

impl<'a> Output<'a> {
    fn new(incident: &'a Incident, assessment: &'a Assessment) -> Self {
        Output {
            id: &incident.id,
            labels: assessment.labels.iter().map(|l| l.as_str()).collect(),
            obligations: assessment.obligations.iter().map(|o| o.as_str()).collect(),
            area: assessment.area.as_ref(),
            route_to: assessment.route_to.map(|c| c.to_string()),
            reasons: assessment.reasons.iter().map(ToString::to_string).collect(),
            agreement_version: assessment.agreement_version,
            area_versions: assessment.area_versions.iter().map(|v| &**v).collect(),
            verification: assessment.verification,
        }
    }
}

fn write_results(
    out: &mut impl Write,
    format: Format,
    incidents: &[Incident],
    results: &[Assessment],
) -> Result<()> {
    let pairs = incidents.iter().zip(results);
    match format {
        Format::Json => {
            let all: Vec<Output> = pairs.map(|(i, a)| Output::new(i, a)).collect();
            serde_json::to_writer_pretty(&mut *out, &all)?;
            writeln!(out)?;
        }
        Format::Jsonl => {
            for (incident, assessment) in pairs {
                serde_json::to_writer(&mut *out, &Output::new(incident, assessment))?;
                writeln!(out)?;
            }
        }
        Format::Csv => {
            let mut writer = csv::Writer::from_writer(out);
            writer.write_record([
                "id",
                "labels",
                "obligations",
                "pcode",
                "controller",
                "area_version",
                "route_to",
                "reasons",
            ])?;
            for (incident, assessment) in pairs {
                let row = Output::new(incident, assessment);
                let area = row.area;
                writer.write_record([
                    row.id,
                    &row.labels.join(";"),
                    &row.obligations.join(";"),
                    area.and_then(|a| a.pcode.as_deref()).unwrap_or(""),
                    &area.map(|a| a.controller.to_string()).unwrap_or_default(),
                    area.map(|a| &*a.version_id).unwrap_or(""),
                    row.route_to.as_deref().unwrap_or(""),
                    &row.reasons.join(" | "),
                ])?;
            }
            writer.flush()?;
        }
        Format::Table => {
            let id_width = incidents
                .iter()
                .map(|i| i.id.chars().count())
                .max()
                .unwrap_or(2)
                .max(2);
            writeln!(
                out,
                "{:id_width$}  {:40}  {:30}  {:9}  {:11}  ROUTE",
                "ID", "LABELS", "OBLIGATIONS", "P-CODE", "CONTROLLER"
            )?;
            for (incident, assessment) in pairs {
                let row = Output::new(incident, assessment);
                writeln!(
                    out,
                    "{:id_width$}  {:40}  {:30}  {:9}  {:11}  {}",
                    row.id,
                    row.labels.join(","),
                    row.obligations.join(","),
                    row.area.and_then(|a| a.pcode.as_deref()).unwrap_or("-"),
                    row.area
                        .map(|a| a.controller.to_string())
                        .unwrap_or_else(|| "-".to_owned()),
                    row.route_to.as_deref().unwrap_or("-"),
                )?;
                for reason in &row.reasons {
                    writeln!(out, "{:id_width$}    {reason}", "")?;
                }
            }
        }
    }
    Ok(())
}

/// One problem with one row.
#[derive(Debug)]
struct RowError {
    line: u64,
    message: String,
}

impl std::fmt::Display for RowError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

const REQUIRED: [&str; 7] = [
    "id",
    "occurred_at",
    "lat",
    "lon",
    "perpetrator",
    "target",
    "event_type",
];

/// Reads every row; returns the incidents and every row's problems (line numbers count the
/// header as line 1).
fn read_incidents(
    input: impl io::Read,
    scenario: &Scenario,
) -> Result<(Vec<Incident>, Vec<RowError>)> {
    let mut reader = csv::ReaderBuilder::new().flexible(false).from_reader(input);
    let headers = reader
        .headers()
        .context("cannot read the CSV header")?
        .clone();
    let column = |name: &str| headers.iter().position(|h| h.trim() == name);
    let missing: Vec<&str> = REQUIRED
        .iter()
        .copied()
        .filter(|name| column(name).is_none())
        .collect();
    if !missing.is_empty() {
        anyhow::bail!(
            "line 1: the header lacks {}; expected {}",
            missing.join(", "),
            REQUIRED.join(",")
        );
    }
    let columns = Columns {
        id: column("id"),
        occurred_at: column("occurred_at"),
        lat: column("lat"),
        lon: column("lon"),
        perpetrator: column("perpetrator"),
        target: column("target"),
        event_type: column("event_type"),
        time_precision: column("time_precision"),
        geo_precision: column("geo_precision"),
        origin_lat: column("origin_lat"),
        origin_lon: column("origin_lon"),
        self_defence: column("self_defence"),
    };
    let mut incidents = Vec::new();
    let mut errors = Vec::new();
    let mut seen_ids = std::collections::HashSet::new();
    for record in reader.records() {
        let record = match record {
            Ok(record) => record,
            Err(error) => {
                let line = error.position().map_or(0, |p| p.line());
                errors.push(RowError {
                    line,
                    message: error.to_string(),
                });
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line());
        match parse_row(&record, &columns, scenario) {
            Ok(incident) => {
                if !seen_ids.insert(incident.id.clone()) {
                    errors.push(RowError {
                        line,
                        message: format!("id '{}' appears twice", incident.id),
                    });
                } else {
                    incidents.push(incident);
                }
            }
            Err(message) => errors.push(RowError { line, message }),
        }
    }
    Ok((incidents, errors))
}

struct Columns {
    id: Option<usize>,
    occurred_at: Option<usize>,
    lat: Option<usize>,
    lon: Option<usize>,
    perpetrator: Option<usize>,
    target: Option<usize>,
    event_type: Option<usize>,
    time_precision: Option<usize>,
    geo_precision: Option<usize>,
    origin_lat: Option<usize>,
    origin_lon: Option<usize>,
    self_defence: Option<usize>,
}

fn parse_row(
    record: &csv::StringRecord,
    columns: &Columns,
    scenario: &Scenario,
) -> Result<Incident, String> {
    let field = |column: Option<usize>| column.and_then(|c| record.get(c)).unwrap_or("").trim();
    let id = field(columns.id);
    if id.is_empty() {
        return Err("id is empty".to_owned());
    }
    let occurred_at: DateTime<Utc> = DateTime::parse_from_rfc3339(field(columns.occurred_at))
        .map_err(|_| {
            format!(
                "occurred_at '{}' is not an RFC 3339 time such as 2016-02-27T08:30:00+02:00",
                field(columns.occurred_at)
            )
        })?
        .with_timezone(&Utc);
    let time_precision = match field(columns.time_precision) {
        "" => TimePrecision::Day,
        text => text
            .parse::<u8>()
            .map_err(|_| format!("time_precision '{text}' is not 1, 2 or 3"))
            .and_then(TimePrecision::try_from)?,
    };
    let geo_precision = match field(columns.geo_precision) {
        "" => GeoPrecision::Town,
        text => text
            .parse::<u8>()
            .map_err(|_| format!("geo_precision '{text}' is not 1, 2 or 3"))
            .and_then(GeoPrecision::try_from)?,
    };
    let location = point(
        field(columns.lat),
        field(columns.lon),
        geo_precision,
        "lat/lon",
    )?;
    let origin = point(
        field(columns.origin_lat),
        field(columns.origin_lon),
        GeoPrecision::Town,
        "origin_lat/origin_lon",
    )?;
    let actor = |text: &str| -> Option<ActorRef> {
        if text.is_empty() {
            return None;
        }
        Some(match scenario.actors.resolve(text) {
            Some(actor) => ActorRef::Known(actor.id.clone()),
            None => ActorRef::Unknown(text.to_owned()),
        })
    };
    let (kind, weapon) = match field(columns.event_type) {
        "" => (EventKind::default(), None),
        text => EventKind::parse(text).map_err(|error| error.to_string())?,
    };
    let self_defence_claimed = match field(columns.self_defence).to_ascii_lowercase().as_str() {
        "" | "false" | "no" | "0" => false,
        "true" | "yes" | "1" => true,
        other => return Err(format!("self_defence '{other}' is not true or false")),
    };
    let mut incident = Incident::new(id, occurred_at, location);
    incident.time_precision = time_precision;
    incident.origin = origin;
    incident.perpetrator = actor(field(columns.perpetrator));
    incident.target = actor(field(columns.target));
    incident.kind = kind;
    incident.weapon = weapon.map(str::to_owned);
    incident.self_defence_claimed = self_defence_claimed;
    Ok(incident)
}

/// A point from two fields: both empty means "unknown"; one empty is an error.
fn point(
    lat: &str,
    lon: &str,
    precision: GeoPrecision,
    what: &str,
) -> Result<Option<Location>, String> {
    match (lat, lon) {
        ("", "") => Ok(None),
        ("", _) | (_, "") => Err(format!("{what}: give both or neither")),
        (lat, lon) => {
            let lat: f64 = lat
                .parse()
                .map_err(|_| format!("{what}: '{lat}' is not a number"))?;
            let lon: f64 = lon
                .parse()
                .map_err(|_| format!("{what}: '{lon}' is not a number"))?;
            Location::new(lat, lon, precision)
                .map(Some)
                .map_err(|error| format!("{what}: {error}"))
        }
    }
}
