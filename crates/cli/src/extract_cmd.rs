//! `truce extract` (free text to a structured draft) and `truce eval extract` (the measured
//! evaluation on an ACLED export).

use std::io::{BufRead, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result, bail};
use chrono::{DateTime, NaiveDate, Utc};
use clap::Args;
use serde::Deserialize;
use serde_json::{Value, json};
use truce_core::actor::{ActorId, ActorRegistry};
use truce_extract::{Draft, actors::actor_of_label};

/// `truce extract`.
#[derive(Debug, Args)]
pub struct ExtractArgs {
    /// The day the report was received (relative dates count from it). Default: today (UTC).
    #[arg(long)]
    ref_date: Option<NaiveDate>,
    /// Print the whole draft, with evidence and confidence, as JSON.
    #[arg(long, conflicts_with = "jsonl")]
    json: bool,
    /// Batch mode: one `{"id", "text", "ref_date"}` object per input line, one result per
    /// output line, in the same order.
    #[arg(long)]
    jsonl: bool,
}

/// `truce eval extract`.
#[derive(Debug, Args)]
pub struct EvalExtractArgs {
    /// An ACLED export (CSV with `notes`, `event_date`, `timestamp` and the labelled columns).
    #[arg(long)]
    acled: PathBuf,
    /// Print the figures as one JSON object.
    #[arg(long)]
    json: bool,
    /// Where to write the rows with a miss, for study (JSON lines).
    #[arg(long, default_value = "target/eval/extract-misses.jsonl")]
    misses: PathBuf,
}

fn registry() -> Result<ActorRegistry> {
    truce_scenario::load(None)
        .map(|scenario| scenario.actors)
        .map_err(|errors| anyhow::anyhow!("the built-in scenario does not load: {errors}"))
}

/// The batch line of the format.
fn line(id: &Value, draft: &Draft, registry: &ActorRegistry) -> Value {
    let side = |actor: &Option<String>| {
        actor
            .as_deref()
            .and_then(|id| registry.get(&ActorId::new(id)))
            .map(|a| a.side.as_str())
    };
    json!({
        "id": id,
        "date": draft.date.as_ref().map(|d| &d.value),
        "time_precision": draft.time_precision,
        "location": draft.location.as_ref().map(|l| json!({
            "name": l.value.name,
            "lat": l.value.lat,
            "lon": l.value.lon,
            "admin1_pcode": l.value.admin1_pcode,
            "admin2_pcode": l.value.admin2_pcode,
            "admin3_pcode": l.value.admin3_pcode,
            "geo_precision": l.value.geo_precision,
        })),
        "actors": draft.actors.iter().map(|a| json!({
            "text": a.text,
            "actor": a.actor,
            "side": side(&a.actor),
            "role": a.role,
            "stance": a.stance,
        })).collect::<Vec<_>>(),
        "event_type": draft.event_type.as_ref().map(|f| &f.value),
        "sub_event_type": draft.sub_event_type.as_ref().map(|f| &f.value),
        "fatalities": draft.fatalities.as_ref().map(|f| json!({
            "killed_min": f.value.killed_min,
            "killed_max": f.value.killed_max,
        })),
    })
}

#[derive(Debug, Deserialize)]
struct BatchLine {
    #[serde(default)]
    id: Value,
    text: String,
    ref_date: Option<NaiveDate>,
}

/// Runs `truce extract`.
pub fn run(args: ExtractArgs) -> Result<ExitCode> {
    let today = Utc::now().date_naive();
    let registry = registry()?;
    if args.jsonl {
        let stdin = std::io::stdin();
        let mut out = std::io::BufWriter::new(std::io::stdout().lock());
        let mut bad = 0;
        for (number, text) in stdin.lock().lines().enumerate() {
            let text = text.context("reading standard input")?;
            if text.trim().is_empty() {
                continue;
            }
            let value = match serde_json::from_str::<BatchLine>(&text) {
                Ok(input) => {
                    let reference = input.ref_date.or(args.ref_date).unwrap_or(today);
                    let draft = truce_extract::extract(&input.text, reference);
                    line(&input.id, &draft, &registry)
                }
                Err(error) => {
                    // Keep the output aligned with the input: one line per line, saying why.
                    bad += 1;
                    eprintln!("line {}: {error}", number + 1);
                    json!({"id": null, "error": format!("line {}: {error}", number + 1)})
                }
            };
            writeln!(out, "{value}")?;
        }
        out.flush()?;
        return Ok(if bad == 0 {
            ExitCode::SUCCESS
        } else {
            ExitCode::from(1)
        });
    }
    let mut text = String::new();
    std::io::stdin()
        .read_to_string(&mut text)
        .context("reading standard input")?;
    if text.trim().is_empty() {
        bail!("no text on standard input: pipe a report in, e.g. `echo '...' | truce extract`");
    }
    let draft = truce_extract::extract(&text, args.ref_date.unwrap_or(today));
    if args.json {
        println!("{}", serde_json::to_string_pretty(&draft)?);
    } else {
        print_draft(&draft);
    }
    Ok(ExitCode::SUCCESS)
}

fn print_draft(draft: &Draft) {
    let said = |evidence: &Option<truce_extract::Evidence>| {
        evidence
            .as_ref()
            .map_or_else(|| "(not stated)".to_owned(), |e| format!("\"{}\"", e.text))
    };
    if let Some(date) = &draft.date {
        println!(
            "date           {} (precision {}) from {} [{:.2}]",
            date.value,
            draft.time_precision,
            said(&date.evidence),
            date.confidence
        );
    }
    match &draft.location {
        Some(place) => println!(
            "place          {}{} ({:.4} {:.4}, {}, geo precision {}) from {} [{:.2}]",
            place.value.name,
            if place.value.name_ar.is_empty() {
                String::new()
            } else {
                format!(" / {}", place.value.name_ar)
            },
            place.value.lat,
            place.value.lon,
            place.value.finest_pcode(),
            place.value.geo_precision,
            said(&place.evidence),
            place.confidence
        ),
        None => println!("place          (none found)"),
    }
    for actor in &draft.actors {
        println!(
            "{:<14} {} from \"{}\"",
            actor.role,
            actor.actor.as_deref().unwrap_or("(not in the registry)"),
            actor.text
        );
    }
    for (name, field) in [
        ("part of day", &draft.part_of_day),
        ("event type", &draft.event_type),
        ("sub-event type", &draft.sub_event_type),
        ("weapon", &draft.weapon),
    ] {
        if let Some(field) = field {
            println!("{name:<14} {} from {}", field.value, said(&field.evidence));
        }
    }
    if let Some(killed) = &draft.fatalities {
        println!(
            "killed         {}–{}{} from {}",
            killed.value.killed_min,
            killed.value.killed_max,
            if killed.value.civilian {
                " (civilians among them)"
            } else {
                ""
            },
            said(&killed.evidence)
        );
    }
}

/// One labelled row of an ACLED export.
struct Labelled {
    notes: String,
    event_date: Option<NaiveDate>,
    reference: NaiveDate,
    admin1: String,
    lat: f64,
    lon: f64,
    actor1: String,
    actor2: String,
    sub_event_type: String,
    fatalities: u32,
}

fn read_acled(path: &PathBuf) -> Result<Vec<Labelled>> {
    let mut reader =
        csv::Reader::from_path(path).with_context(|| format!("cannot read {}", path.display()))?;
    let headers = reader.headers()?.clone();
    let column = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .with_context(|| format!("{} has no `{name}` column", path.display()))
    };
    let [
        notes,
        event_date,
        timestamp,
        admin1,
        lat,
        lon,
        actor1,
        actor2,
        sub_event,
        fatalities,
    ] = [
        column("notes")?,
        column("event_date")?,
        column("timestamp")?,
        column("admin1")?,
        column("latitude")?,
        column("longitude")?,
        column("actor1")?,
        column("actor2")?,
        column("sub_event_type")?,
        column("fatalities")?,
    ];
    let mut rows = Vec::new();
    for (index, record) in reader.records().enumerate() {
        let record = record.with_context(|| format!("{} row {}", path.display(), index + 2))?;
        let get = |i: usize| record.get(i).unwrap_or("").trim().to_owned();
        let uploaded: i64 = get(timestamp).parse().unwrap_or(0);
        rows.push(Labelled {
            notes: get(notes),
            event_date: parse_acled_date(&get(event_date)),
            reference: DateTime::from_timestamp(uploaded, 0)
                .map(|t| t.date_naive())
                .unwrap_or_default(),
            admin1: get(admin1),
            lat: get(lat).parse().unwrap_or(f64::NAN),
            lon: get(lon).parse().unwrap_or(f64::NAN),
            actor1: get(actor1),
            actor2: get(actor2),
            sub_event_type: get(sub_event),
            fatalities: get(fatalities).parse().unwrap_or(0),
        });
    }
    Ok(rows)
}

/// ACLED writes `31 December 2017` (older exports), `31-December-2017` (some spreadsheet
/// exports) or `2017-12-31` (the API).
fn parse_acled_date(text: &str) -> Option<NaiveDate> {
    ["%d %B %Y", "%d-%B-%Y", "%Y-%m-%d"]
        .iter()
        .find_map(|format| NaiveDate::parse_from_str(text, format).ok())
}

fn km_between(a: (f64, f64), b: (f64, f64)) -> f64 {
    let (lat1, lon1) = (a.0.to_radians(), a.1.to_radians());
    let (lat2, lon2) = (b.0.to_radians(), b.1.to_radians());
    let h = ((lat2 - lat1) / 2.0).sin().powi(2)
        + lat1.cos() * lat2.cos() * ((lon2 - lon1) / 2.0).sin().powi(2);
    2.0 * 6371.0 * h.sqrt().asin()
}

/// Whether the draft's actor in `role` is the labelled actor: the same registry actor, or,
/// when the registry lacks the labelled one, no registry actor either.
fn actor_matches(draft: &Draft, role: &str, label: &str) -> bool {
    let predicted = draft
        .actors
        .iter()
        .find(|a| a.role == role)
        .and_then(|a| a.actor.as_deref());
    predicted == actor_of_label(label)
}

/// Runs `truce eval extract`.
pub fn eval(args: EvalExtractArgs) -> Result<ExitCode> {
    let rows = read_acled(&args.acled)?;
    if rows.is_empty() {
        bail!("{} has no rows", args.acled.display());
    }
    let gazetteer = truce_extract::Gazetteer::embedded();
    let extractor = truce_extract::Extractor::new(gazetteer);
    let started = Instant::now();
    let drafts: Vec<Draft> = rows
        .iter()
        .map(|row| extractor.extract(&row.notes, row.reference))
        .collect();
    let seconds = started.elapsed().as_secs_f64();

    let registry = registry()?;
    let mut hits = [0usize; 8];
    // Dates the notes state themselves, and how many of those are the labelled date.
    let (mut stated, mut stated_exact) = (0usize, 0usize);
    if let Some(parent) = args.misses.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
    }
    let mut misses = std::io::BufWriter::new(
        std::fs::File::create(&args.misses)
            .with_context(|| format!("cannot write {}", args.misses.display()))?,
    );
    for (row, draft) in rows.iter().zip(&drafts) {
        let date = draft.date.as_ref().map(|d| d.value.clone());
        let location = draft.location.as_ref().map(|l| &l.value);
        let distance = location.map(|l| km_between((l.lat, l.lon), (row.lat, row.lon)));
        let labelled_admin1 = gazetteer.governorate(&row.admin1);
        let checks = [
            date.is_some() && date == row.event_date.map(|d| d.to_string()),
            location.is_some_and(|l| Some(l.admin1_pcode.as_str()) == labelled_admin1),
            distance.is_some_and(|d| d <= 5.0),
            distance.is_some_and(|d| d <= 25.0),
            actor_matches(draft, "actor1", &row.actor1),
            actor_matches(draft, "actor2", &row.actor2),
            draft.sub_event_type.as_ref().map(|f| f.value.as_str())
                == Some(row.sub_event_type.as_str()),
            draft.fatalities.as_ref().map_or(0, |f| f.value.killed_min) == row.fatalities,
        ];
        for (hit, ok) in hits.iter_mut().zip(checks) {
            *hit += usize::from(ok);
        }
        if draft.date.as_ref().is_some_and(|d| d.evidence.is_some()) {
            stated += 1;
            stated_exact += usize::from(checks[0]);
        }
        if checks.iter().any(|ok| !ok) {
            let names = [
                "date",
                "admin1",
                "loc_5km",
                "loc_25km",
                "actor1",
                "actor2",
                "sub_event_type",
                "fatalities",
            ];
            let missed: Vec<&str> = names
                .iter()
                .zip(checks)
                .filter(|(_, ok)| !ok)
                .map(|(name, _)| *name)
                .collect();
            let record = json!({
                "missed": missed,
                "notes": row.notes,
                "labelled": {
                    "date": row.event_date.map(|d| d.to_string()),
                    "admin1": row.admin1,
                    "lat": row.lat, "lon": row.lon,
                    "actor1": row.actor1, "actor2": row.actor2,
                    "sub_event_type": row.sub_event_type,
                    "fatalities": row.fatalities,
                },
                "extracted": line(&Value::Null, draft, &registry),
                "km_off": distance,
                // The other places named, and how far each is from the labelled point: where
                // the right place was found but not chosen.
                "other_places": draft.other_places.iter().map(|p| json!({
                    "name": p.value.name,
                    "admin1_pcode": p.value.admin1_pcode,
                    "km_off": km_between((p.value.lat, p.value.lon), (row.lat, row.lon)),
                })).collect::<Vec<_>>(),
            });
            writeln!(misses, "{record}")?;
        }
    }
    misses.flush()?;
    let n = rows.len() as f64;
    let share = |hit: usize| hit as f64 / n;
    let figures = json!({
        "rows": rows.len(),
        "date_exact": share(hits[0]),
        "admin1": share(hits[1]),
        "loc_5km": share(hits[2]),
        "loc_25km": share(hits[3]),
        "actor1": share(hits[4]),
        "actor2": share(hits[5]),
        "sub_event_type": share(hits[6]),
        "fatalities_exact": share(hits[7]),
        "notes_per_s": n / seconds.max(1e-9),
        "rows_stating_a_date": stated,
        "date_exact_where_stated": if stated == 0 { 0.0 } else { stated_exact as f64 / stated as f64 },
    });
    if args.json {
        println!("{figures}");
    } else {
        println!("{} rows of {}", rows.len(), args.acled.display());
        for (name, key) in [
            ("date exact", "date_exact"),
            ("admin1 correct", "admin1"),
            ("location within 5 km", "loc_5km"),
            ("location within 25 km", "loc_25km"),
            ("actor1 correct", "actor1"),
            ("actor2 correct", "actor2"),
            ("sub-event type correct", "sub_event_type"),
            ("fatalities exact", "fatalities_exact"),
        ] {
            println!(
                "{name:<24} {:>6.1}%",
                figures[key].as_f64().unwrap_or(0.0) * 100.0
            );
        }
        println!(
            "{:<24} {:>6.1}% of the {stated} notes that state a date",
            "date exact where stated",
            figures["date_exact_where_stated"].as_f64().unwrap_or(0.0) * 100.0
        );
        println!(
            "{:<24} {:>8.0} notes/s (one thread)",
            "throughput",
            figures["notes_per_s"].as_f64().unwrap_or(0.0)
        );
        println!("misses written to {}", args.misses.display());
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn acled_dates_in_each_export_format() {
        let day = NaiveDate::from_ymd_opt(2020, 3, 5);
        for text in [
            "05 March 2020",
            "5 March 2020",
            "05-March-2020",
            "2020-03-05",
        ] {
            assert_eq!(parse_acled_date(text), day, "{text}");
        }
        assert_eq!(parse_acled_date("March 2020"), None);
    }
}
