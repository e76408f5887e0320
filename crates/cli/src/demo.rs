//! The SYNTHETIC incident stream of the demonstration: seeded and reproducible, about 40–60
//! incidents a day before the cessation and 20–35 after, placed in the governorates where
//! fighting was heaviest in early 2016, with plausible perpetrators for whoever holds each
//! place on the (approximate) control map. Every incident is marked `synthetic`.

use anyhow::{Context, Result};
use chrono::{Duration, NaiveDate, TimeZone, Utc};
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use truce_core::Scenario;
use truce_core::control::Controller;
use truce_service::{Command, Key, Principal, Request, Service, silent};
use truce_store::{ActorName, Casualties, IncidentBody, Point, Range};

/// The end of the demonstration period (1 April 2016, 00:00 UTC): the demo's "now".
pub const PERIOD_END_MS: i64 = 1_459_468_800_000;

/// The seed used when none is given.
pub const DEFAULT_SEED: u64 = 2016;

/// Governorates (P-code) and their share of incidents.
const GOVERNORATE_WEIGHTS: [(&str, u32); 13] = [
    ("SY02", 22), // Aleppo
    ("SY07", 14), // Idleb
    ("SY03", 14), // Rural Damascus
    ("SY05", 9),  // Hama
    ("SY04", 8),  // Homs
    ("SY12", 8),  // Dar'a
    ("SY06", 7),  // Lattakia
    ("SY09", 6),  // Deir-ez-Zor
    ("SY11", 4),  // Ar-Raqqa
    ("SY08", 3),  // Al-Hasakeh
    ("SY01", 3),  // Damascus
    ("SY14", 1),  // Quneitra
    ("SY13", 1),  // As-Sweida
];

struct Draft {
    perpetrator: Option<&'static str>,
    target: Option<&'static str>,
    event: &'static str,
    origin: Option<Point>,
}

/// The demonstration's users, one per role: name, role, party. Their passwords are
/// `truce-demo-` and the name, printed at every start (a demonstration only: the pages say so).
const DEMO_USERS: [(&str, &str, Option<&str>); 8] = [
    ("demo-admin", "admin", None),
    ("demo-us", "co_chair", Some("US")),
    ("demo-ru", "co_chair", Some("RU")),
    ("demo-task-force", "task_force", None),
    ("demo-monitor", "monitor", None),
    ("demo-liaison-fsa", "party_liaison", Some("fsa")),
    ("demo-liaison-gos", "party_liaison", Some("gos")),
    ("demo-humanitarian", "humanitarian", None),
];

/// Adds the demonstration's users (those missing) and prints how to sign in as each.
pub async fn add_demo_users(service: &Service) -> Result<()> {
    let existing: Vec<String> = service
        .store()
        .users()
        .await?
        .into_iter()
        .map(|user| user.name)
        .collect();
    println!("Demonstration users (demo only; sign in at /login):");
    for (name, role, party) in DEMO_USERS {
        let password = format!("truce-demo-{name}");
        if !existing.iter().any(|user| user == name) {
            crate::accounts_cmd::add_user(service, "demo", name, role, party, &password).await?;
        }
        let role = match party {
            Some(party) => format!("{role} ({party})"),
            None => role.to_owned(),
        };
        println!("  {name:<18} {role:<22} password {password}");
    }
    Ok(())
}

/// Adds the stream unless the database already holds another seed's. Returns how many were
/// added. Each incident is a command through the door, keyed by its id, so that a run stopped
/// half-way is completed by the next one without duplicates.
pub async fn add_synthetic_stream(service: &Service, seed: u64) -> Result<usize> {
    let store = service.store();
    if store.count_incidents(true).await? > 0
        && store
            .incident(&format!("synthetic-{seed}-00001"))
            .await?
            .is_none()
    {
        return Ok(0);
    }
    let world = service.world().await.map_err(|e| anyhow::anyhow!("{e}"))?;
    let incidents = generate(&world.scenario, seed);
    let total = incidents.len();
    // Sent together, so that the writer commits them in a few large transactions.
    let mut writes = tokio::task::JoinSet::new();
    for incident in incidents {
        let service = service.clone();
        writes.spawn(async move {
            let request = Request {
                principal: Principal::cli("demo"),
                key: Some(Key {
                    key: incident.id.clone(),
                    scope: "demo".to_owned(),
                    request_hash: incident.id.clone(),
                }),
                reason: format!("SYNTHETIC demonstration stream, seed {seed}"),
            };
            let command = Command::RecordIncident {
                incident,
                report: None,
            };
            service.execute(request, command, silent()).await
        });
    }
    let mut added = 0;
    while let Some(written) = writes.join_next().await {
        let outcome = written
            .context("a demonstration write stopped")?
            .map_err(|e| anyhow::anyhow!("storing the synthetic incidents: {e}"))?;
        if !outcome.replayed {
            added += 1;
        }
    }
    debug_assert!(added <= total);
    Ok(added)
}

/// The synthetic incidents for `seed`, in time order.
pub fn generate(scenario: &Scenario, seed: u64) -> Vec<IncidentBody> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let start = scenario
        .agreement
        .versions
        .first()
        .map(|v| v.effective_start);
    let total_weight: u32 = GOVERNORATE_WEIGHTS.iter().map(|(_, w)| w).sum();
    let mut out = Vec::new();
    let mut day = NaiveDate::from_ymd_opt(2016, 2, 20).unwrap_or_default();
    let last = NaiveDate::from_ymd_opt(2016, 3, 31).unwrap_or_default();
    debug_assert_eq!(
        last.succ_opt()
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(|t| t.and_utc().timestamp_millis()),
        Some(PERIOD_END_MS)
    );
    let mut number = 0;
    while day <= last {
        // Damascus midnight of that day (UTC+2 before 25 March, UTC+3 after): close enough for
        // spreading incidents over the day.
        let midnight = Utc.from_utc_datetime(&day.and_hms_opt(0, 0, 0).unwrap_or_default())
            - Duration::hours(2);
        let before_start = start.is_some_and(|s| midnight + Duration::hours(24) <= s);
        let count = if before_start {
            rng.random_range(40..=60)
        } else {
            rng.random_range(20..=35)
        };
        let mut times: Vec<i64> = (0..count).map(|_| rng.random_range(0..86_400)).collect();
        times.sort_unstable();
        for seconds in times {
            let occurred = midnight + Duration::seconds(seconds);
            let mut pick = rng.random_range(0..total_weight);
            let governorate = GOVERNORATE_WEIGHTS
                .iter()
                .find(|(_, w)| {
                    if pick < *w {
                        true
                    } else {
                        pick -= w;
                        false
                    }
                })
                .map_or("SY02", |(code, _)| code);
            let Some((lat, lon, unit_name, pcode, admin1)) =
                random_point(scenario, governorate, &mut rng)
            else {
                continue;
            };
            let controller = scenario
                .control
                .at(lon, lat, occurred)
                .first()
                .map(|v| v.controller.clone())
                .unwrap_or(Controller::Contested);
            let draft = draft_for(&controller, lat, lon, &mut rng);
            number += 1;
            let actor = |id: Option<&str>| {
                id.and_then(|id| scenario.actors.resolve(id))
                    .map(|a| ActorName {
                        id: Some(a.id.to_string()),
                        name: a.name.clone(),
                    })
            };
            let (kind, weapon) =
                truce_core::incident::EventKind::parse(draft.event).unwrap_or_default();
            let killed = rng.random_range(0..4u32);
            let perpetrator = actor(draft.perpetrator);
            let target = actor(draft.target);
            out.push(IncidentBody {
                id: format!("synthetic-{seed}-{number:05}"),
                occurred_at: occurred.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                time_precision: 1,
                lat,
                lon,
                geo_precision: if rng.random_bool(0.7) { 1 } else { 2 },
                origin: draft.origin,
                admin1_pcode: Some(admin1),
                admin3_pcode: Some(pcode),
                notes: format!(
                    "SYNTHETIC demonstration incident: {} by {} against {} in {unit_name}.",
                    draft.event.replace('_', " "),
                    perpetrator
                        .as_ref()
                        .map_or("an unidentified party", |a| a.name.as_str()),
                    target.as_ref().map_or("civilians", |a| a.name.as_str()),
                ),
                perpetrator,
                target,
                event_type: kind.event_type.map(|e| e.as_str().to_owned()),
                sub_event_type: kind.sub_event_type.map(|s| s.as_str().to_owned()),
                weapon: weapon.map(str::to_owned),
                self_defence_claimed: false,
                casualties: Casualties {
                    killed_civilian: Range {
                        min: killed,
                        max: killed + rng.random_range(0..3),
                    },
                    ..Casualties::default()
                },
                synthetic: true,
            });
        }
        day = day.succ_opt().unwrap_or(last + Duration::days(1));
    }
    out
}

/// A random point inside a random sub-district of the governorate.
fn random_point(
    scenario: &Scenario,
    governorate: &str,
    rng: &mut ChaCha8Rng,
) -> Option<(f64, f64, String, String, String)> {
    use geo::BoundingRect;
    let units: Vec<_> = scenario
        .admin3
        .units()
        .iter()
        .filter(|u| &*u.admin1_pcode == governorate)
        .collect();
    let unit = units.choose(rng)?;
    let rect = unit.shape.bounding_rect()?;
    for _ in 0..100 {
        let lon = rng.random_range(rect.min().x..=rect.max().x);
        let lat = rng.random_range(rect.min().y..=rect.max().y);
        if scenario
            .admin3
            .at(lon, lat)
            .is_some_and(|found| found.pcode == unit.pcode)
        {
            let round = |v: f64| (v * 10_000.0).round() / 10_000.0;
            return Some((
                round(lat),
                round(lon),
                unit.name_en.clone(),
                unit.pcode.to_string(),
                unit.admin1_pcode.to_string(),
            ));
        }
    }
    None
}

fn draft_for(controller: &Controller, lat: f64, lon: f64, rng: &mut ChaCha8Rng) -> Draft {
    let holder = match controller {
        Controller::Actor(id) => id.as_str(),
        Controller::Contested => "contested",
    };
    let one = |rng: &mut ChaCha8Rng, options: &[(&'static str, &'static str)]| {
        options.choose(rng).copied().unwrap_or(options[0])
    };
    let civilians_or = |rng: &mut ChaCha8Rng, target: &'static str| {
        if rng.random_bool(0.3) {
            None
        } else {
            Some(target)
        }
    };
    match holder {
        "opposition" => {
            let (perpetrator, event) = one(
                rng,
                &[
                    ("gos", "air_strike"),
                    ("gos", "shelling_artillery"),
                    ("russia", "air_strike"),
                    ("gos", "Armed clash"),
                    ("hezbollah", "Armed clash"),
                    ("isil", "Armed clash"),
                ],
            );
            let target = one(
                rng,
                &[
                    ("opposition", ""),
                    ("fsa", ""),
                    ("ahrar_al_sham", ""),
                    ("faylaq_al_sham", ""),
                    ("jaysh_al_islam", ""),
                ],
            )
            .0;
            Draft {
                perpetrator: Some(perpetrator),
                target: civilians_or(rng, target),
                event,
                origin: None,
            }
        }
        "gos" => {
            let (perpetrator, event) = one(
                rng,
                &[
                    ("opposition", "shelling_artillery"),
                    ("fsa", "mortar"),
                    ("ahrar_al_sham", "rocket_mlrs"),
                    ("nusra", "Armed clash"),
                    ("isil", "Suicide bomb"),
                    ("isil", "Armed clash"),
                ],
            );
            let target = one(rng, &[("gos", ""), ("ndf", "")]).0;
            Draft {
                perpetrator: Some(perpetrator),
                target: civilians_or(rng, target),
                event,
                origin: None,
            }
        }
        "isil" => {
            let (perpetrator, event) = one(
                rng,
                &[
                    ("coalition", "air_strike"),
                    ("russia", "air_strike"),
                    ("gos", "air_strike"),
                    ("gos", "Armed clash"),
                    ("sdf", "Armed clash"),
                ],
            );
            Draft {
                perpetrator: Some(perpetrator),
                target: Some("isil"),
                event,
                origin: None,
            }
        }
        "sdf" => {
            if rng.random_bool(0.25) && lat > 36.3 {
                // Shelling from across the northern border.
                let origin = Point {
                    lat: (lat + 0.25).min(37.5),
                    lon,
                };
                Draft {
                    perpetrator: Some("turkey"),
                    target: Some("ypg"),
                    event: "shelling_artillery",
                    origin: Some(origin),
                }
            } else {
                let (perpetrator, event) = one(
                    rng,
                    &[
                        ("isil", "Armed clash"),
                        ("isil", "Remote explosive/landmine/IED"),
                        ("opposition", "shelling_artillery"),
                    ],
                );
                Draft {
                    perpetrator: Some(perpetrator),
                    target: Some("sdf"),
                    event,
                    origin: None,
                }
            }
        }
        _ => {
            let (perpetrator, event) = one(
                rng,
                &[
                    ("gos", "shelling_artillery"),
                    ("opposition", "Armed clash"),
                    ("nusra", "Armed clash"),
                    ("isil", "Armed clash"),
                ],
            );
            let _ = lon;
            Draft {
                perpetrator: if rng.random_bool(0.1) {
                    None
                } else {
                    Some(perpetrator)
                },
                target: None,
                event,
                origin: None,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_stream_is_reproducible_plausible_and_marked_synthetic() {
        let scenario = truce_scenario::load(None).unwrap();
        let first = generate(&scenario, 7);
        let again = generate(&scenario, 7);
        assert_eq!(first, again, "the same seed gives the same incidents");
        assert_ne!(first, generate(&scenario, 8));
        assert!(
            first
                .iter()
                .all(|i| i.synthetic && i.notes.starts_with("SYNTHETIC"))
        );
        let days = 41;
        let per_day = first.len() as f64 / days as f64;
        assert!((20.0..=60.0).contains(&per_day), "{per_day} a day");
        assert!(
            first
                .iter()
                .any(|i| i.occurred_at.as_str() < "2016-02-26T22:00:00Z")
        );
        assert!(
            first
                .iter()
                .any(|i| i.occurred_at.as_str() > "2016-03-30T00:00:00Z")
        );
        let governorates: std::collections::HashSet<_> = first
            .iter()
            .filter_map(|i| i.admin1_pcode.clone())
            .collect();
        assert!(governorates.len() >= 10, "{governorates:?}");
    }
}
