//! Runs the real `truce` binary: golden output on the shipped scenario, and clear errors for
//! bad input. Set `TRUCE_BLESS=1` to rewrite the golden files after an intended change.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "test helpers fail loudly"
)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn truce(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_truce"))
        .args(args)
        .output()
        .expect("the truce binary runs")
}

fn here(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join(path)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn check_golden(name: &str, actual: &str) {
    let path = here(&format!("golden/{name}"));
    if std::env::var_os("TRUCE_BLESS").is_some() {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        expected == actual,
        "{} differs from the output; rerun with TRUCE_BLESS=1 if the change is intended.\n--- output ---\n{actual}",
        path.display()
    );
}

#[test]
fn classifying_real_looking_incidents_matches_the_golden_json() {
    let incidents = here("fixtures/incidents-2016.csv");
    let output = truce(&[
        "classify",
        "--incidents",
        incidents.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let json = text(&output.stdout);
    check_golden("incidents-2016.json", &json);

    let parsed: serde_json::Value = serde_json::from_str(&json).unwrap();
    let labels = |id: &str| -> Vec<String> {
        let item = parsed
            .as_array()
            .unwrap()
            .iter()
            .find(|item| item["id"] == id)
            .unwrap();
        item["labels"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l.as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(labels("atareb-air"), ["covered"]);
    assert_eq!(labels("deir-ez-zor-attack"), ["perpetrator_excluded"]);
    assert_eq!(labels("aleppo-before"), ["pre_start"]);
    assert!(labels("aleppo-first-hours").contains(&"transition_window".to_owned()));
    assert_eq!(labels("no-place"), ["insufficient_data"]);
    assert_eq!(labels("beirut"), ["outside_geography"]);
    assert_eq!(
        labels("unknown-group"),
        ["coverage_disputed", "non_participant"]
    );
}

#[test]
fn the_table_and_csv_formats_carry_the_same_labels() {
    let incidents = here("fixtures/incidents-2016.csv");
    let table = text(&truce(&["classify", "--incidents", incidents.to_str().unwrap()]).stdout);
    assert!(
        table.lines().any(|line| line.starts_with("atareb-air")
            && line.contains("covered")
            && line.contains("OBL-NO-ATTACK")),
        "{table}"
    );
    assert!(
        table.contains("R3: perpetrator isil is excluded: listed on UNSC 1267"),
        "{table}"
    );
    let csv = text(
        &truce(&[
            "classify",
            "--incidents",
            incidents.to_str().unwrap(),
            "--format",
            "csv",
        ])
        .stdout,
    );
    assert!(
        csv.starts_with("id,labels,obligations,pcode,controller,area_version,route_to,reasons\n"),
        "{csv}"
    );
    assert!(
        csv.contains(
            "atareb-air,covered,OBL-NO-ATTACK,SY020001,opposition,compiled-2016-02-27/SY020001,RU,"
        ),
        "{csv}"
    );
}

#[test]
fn bad_rows_are_reported_with_their_line_numbers_and_nothing_is_classified() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.csv");
    std::fs::write(
        &path,
        "id,occurred_at,lat,lon,perpetrator,target,event_type\n\
         ok,2016-03-01T10:00:00Z,36.1,36.8,SAA,FSA,air_strike\n\
         bad-time,yesterday,36.1,36.8,SAA,FSA,air_strike\n\
         bad-lat,2016-03-01T10:00:00Z,95,36.8,SAA,FSA,air_strike\n\
         half-place,2016-03-01T10:00:00Z,36.1,,SAA,FSA,air_strike\n\
         bad-type,2016-03-01T10:00:00Z,36.1,36.8,SAA,FSA,picnic\n\
         ok,2016-03-01T10:00:00Z,36.1,36.8,SAA,FSA,air_strike\n",
    )
    .unwrap();
    let output = truce(&["classify", "--incidents", path.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
    let stderr = text(&output.stderr);
    for expected in [
        "line 3: occurred_at 'yesterday' is not an RFC 3339 time",
        "line 4: lat/lon: (95, 36.8) is not a position",
        "line 5: lat/lon: give both or neither",
        "line 6: 'picnic' is not an ACLED event type",
        "line 7: id 'ok' appears twice",
        "5 bad row(s); nothing classified",
    ] {
        assert!(
            stderr.contains(expected),
            "missing «{expected}» in:\n{stderr}"
        );
    }
}

#[test]
fn a_missing_column_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("short.csv");
    std::fs::write(
        &path,
        "id,occurred_at,lat,lon\nx,2016-03-01T10:00:00Z,36.1,36.8\n",
    )
    .unwrap();
    let output = truce(&["classify", "--incidents", path.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        text(&output.stderr).contains("line 1: the header lacks perpetrator, target, event_type"),
        "{}",
        text(&output.stderr)
    );
}

#[test]
fn the_shipped_scenario_passes_its_check() {
    let output = truce(&["scenario", "check"]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    assert!(text(&output.stdout).contains("276 control-map versions (276 APPROXIMATE)"));
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/scenario/coh-2016");
    let output = truce(&["scenario", "check", folder.to_str().unwrap()]);
    assert!(output.status.success(), "{}", text(&output.stderr));
}

/// Copies the shipped scenario into a temporary folder so that a test can break it.
fn scenario_copy() -> tempfile::TempDir {
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/scenario/coh-2016");
    let dir = tempfile::tempdir().unwrap();
    for sub in ["", "boundaries", "control"] {
        std::fs::create_dir_all(dir.path().join(sub)).unwrap();
        for entry in std::fs::read_dir(source.join(sub)).unwrap() {
            let entry = entry.unwrap();
            if entry.file_type().unwrap().is_file() {
                std::fs::copy(entry.path(), dir.path().join(sub).join(entry.file_name())).unwrap();
            }
        }
    }
    dir
}

#[test]
fn a_broken_scenario_is_refused_with_file_feature_and_reason() {
    let dir = scenario_copy();
    let layer = serde_json::json!({
        "type": "FeatureCollection",
        "truce_layer": {
            "id": "bad", "contributor": "Compiled from public accounts (approximate)", "agreed_by": "none",
            "valid_from": "2016-02-20T00:00:00Z", "approximate": true
        },
        "features": [
            {"type": "Feature", "properties": {"id": "bow-tie", "controller": "gos"},
             "geometry": {"type": "Polygon", "coordinates": [[[36.0, 35.0], [36.2, 35.2], [36.2, 35.0], [36.0, 35.2], [36.0, 35.0]]]}},
            {"type": "Feature", "properties": {"id": "off-the-globe", "controller": "gos"},
             "geometry": {"type": "Polygon", "coordinates": [[[36.0, 95.0], [36.2, 95.0], [36.2, 95.2], [36.0, 95.0]]]}},
            {"type": "Feature", "properties": {"admin3_pcode": "SY070001", "controller": "the_martians"}, "geometry": null},
            {"type": "Feature", "properties": {"admin3_pcode": "SY020001", "controller": "gos"}, "geometry": null}
        ]
    });
    std::fs::write(dir.path().join("control/bad.geojson"), layer.to_string()).unwrap();
    let manifest_path = dir.path().join("scenario.json");
    let mut manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&manifest_path).unwrap()).unwrap();
    manifest["control_layers"]
        .as_array_mut()
        .unwrap()
        .push("control/bad.geojson".into());
    std::fs::write(&manifest_path, manifest.to_string()).unwrap();

    let output = truce(&["scenario", "check", dir.path().to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output.stderr);
    for expected in [
        "control/bad.geojson: feature 1 (bow-tie): invalid polygon: edges cross",
        "control/bad.geojson: feature 2 (off-the-globe): coordinate (36, 95) is out of range",
        "area version bad/SY070001: unknown actor 'the_martians'",
        "area version bad/SY020001: overlaps area version compiled-2016-02-27/SY020001 of the same contributor",
    ] {
        assert!(
            stderr.contains(expected),
            "missing «{expected}» in:\n{stderr}"
        );
    }
}

#[test]
fn a_syntax_error_is_reported_with_its_line() {
    let dir = scenario_copy();
    let path = dir.path().join("actors.json");
    let broken = std::fs::read_to_string(&path)
        .unwrap()
        .replacen("\"gos\",", "\"gos\"", 1);
    std::fs::write(&path, broken).unwrap();
    let output = truce(&["scenario", "check", dir.path().to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = text(&output.stderr);
    assert!(stderr.contains("actors.json: line 4, column"), "{stderr}");
}

#[test]
fn the_benchmark_prints_json_with_the_agreed_keys() {
    let output = truce(&["bench", "classify", "--points", "2000", "--json"]);
    assert!(output.status.success(), "{}", text(&output.stderr));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["points"], 2000);
    assert!(report["seconds"].as_f64().unwrap() > 0.0);
    assert!(report["points_per_s"].as_f64().unwrap() > 0.0);
}
