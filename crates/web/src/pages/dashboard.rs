//! `/`: the dashboard: the agreement's status, counts for the last 24 hours and 7 days by
//! assessment and by governorate, a daily trend chart, and the map.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderMap, Uri};
use axum::response::Response;
use chrono::{DateTime, Datelike, Duration, SecondsFormat, Utc};
use maud::{PreEscaped, html};
use serde::Deserialize;
use truce_map::Viewport;
use truce_store::{Dimension, HOUR_MS, Tally};

use super::bidi::{in_lang, local_time, ltr_plain, number, utc_time};
use super::map::{
    COUNTRY, LABEL_ORDER, MapOptions, Period, Shown, country_svg, now_ms, primary_label,
    to_end_of_minute,
};
use super::{DAY_MS, Lang, layout, with_lang_cookie};
use crate::AppState;
use crate::api::{IncidentQuery, incident_page};
use crate::auth::Authenticated;
use crate::error::ApiError;
use crate::extract::Query;

#[derive(Debug, Default, Deserialize)]
pub struct DashboardQuery {
    lang: Option<String>,
    /// The moment the dashboard describes (RFC 3339); default: the latest incident.
    at: Option<String>,
}

/// Days shown in the trend chart at most.
const TREND_DAYS: i64 = 60;
/// Incidents in the dashboard's "latest" list.
const LATEST: usize = 8;

/// What the dashboard counts, read from the store's tallies: label sets over the trend's days,
/// the other dimensions over the last week.
#[derive(Default)]
pub struct DashboardCounts {
    labels: Vec<Tally>,
    admin1: Vec<Tally>,
    perpetrator: Vec<Tally>,
    verification: Vec<Tally>,
}

/// Incidents and people killed in the last 24 hours and the last 7 days.
#[derive(Debug, Clone, Copy, Default)]
struct Window {
    day: i64,
    week: i64,
    day_civilians: i64,
    week_civilians: i64,
    day_combatants: i64,
    week_combatants: i64,
}

/// Sums `tallies` into windows per key; the last 24 hours are the 24 hours up to the end of
/// the hour `hour_now`, the last 7 days the 168.
fn windows<'a, K: Ord>(
    tallies: &'a [Tally],
    hour_now: i64,
    key: impl Fn(&'a Tally) -> K,
) -> BTreeMap<K, Window> {
    let mut out: BTreeMap<K, Window> = BTreeMap::new();
    for tally in tallies {
        if tally.hour > hour_now || tally.hour <= hour_now - 7 * 24 {
            continue;
        }
        let window = out.entry(key(tally)).or_default();
        window.week += tally.incidents;
        window.week_civilians += tally.killed_civilian;
        window.week_combatants += tally.killed_combatant;
        if tally.hour > hour_now - 24 {
            window.day += tally.incidents;
            window.day_civilians += tally.killed_civilian;
            window.day_combatants += tally.killed_combatant;
        }
    }
    out
}

fn label_set(column: &str) -> Vec<String> {
    column
        .split(',')
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

pub async fn page(
    State(state): State<AppState>,
    auth: Authenticated,
    Query(query): Query<DashboardQuery>,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Response, ApiError> {
    let (lang, chosen) = Lang::choose(query.lang.as_deref(), &headers);
    let world = state.world();
    let version = world.scenario.agreement.versions.first();
    let as_of_ms = match &query.at {
        Some(text) => DateTime::parse_from_rfc3339(text)
            .map_err(|_| ApiError::BadRequest(format!("at '{text}' is not an RFC 3339 time")))?
            .timestamp_millis(),
        // The server's clock: an incident dated in the future cannot move "now" for everyone.
        // A demonstration of 2016 says it is at the end of its period.
        None => now_ms(&state),
    };
    // A viewer who sees incidents by the day gets counts by the day: stepping `at` by the
    // millisecond must not time each incident.
    let viewer = auth.viewer();
    let as_of_ms = if viewer.sees_exact_places() {
        as_of_ms
    } else {
        as_of_ms.div_euclid(DAY_MS) * DAY_MS
    };
    let as_of = DateTime::<Utc>::from_timestamp_millis(as_of_ms).unwrap_or_else(Utc::now);
    // The hour `as_of` falls in ends the windows (counts are kept by the hour).
    let hour_now = (as_of_ms - 1).div_euclid(HOUR_MS);
    let data_version = state.store().data_version().await?;
    let counts_key = format!("{data_version}|{hour_now}");
    let hidden = matches!(viewer, truce_core::access::Viewer::Public)
        && state.security().public == truce_core::access::PublicIncidents::None;
    let counts = match state.caches().counts.get(&counts_key) {
        Some(counts) => counts,
        None => {
            let store = state.store();
            let (end, week) = (hour_now + 1, hour_now + 1 - 7 * 24);
            let counts = DashboardCounts {
                labels: store
                    .tallies(Dimension::Labels, end - TREND_DAYS * 24, end)
                    .await?,
                admin1: store.tallies(Dimension::Admin1, week, end).await?,
                perpetrator: store.tallies(Dimension::Perpetrator, week, end).await?,
                verification: store.tallies(Dimension::Verification, week, end).await?,
            };
            state.caches().counts.put(&counts_key, Arc::new(counts))
        }
    };
    // A deployment closed to the public shows it no counts either.
    let empty = DashboardCounts::default();
    let counts: &DashboardCounts = if hidden { &empty } else { &counts };

    let by_label = windows(&counts.labels, hour_now, |t| {
        primary_label(&label_set(&t.value))
    });
    let by_governorate = windows(&counts.admin1, hour_now, |t| t.value.as_str());
    let by_verification = windows(&counts.verification, hour_now, |t| t.value.as_str());
    let registry = &world.scenario.actors;
    let by_side = windows(&counts.perpetrator, hour_now, |t| {
        registry
            .get(&truce_core::actor::ActorId::new(t.value.as_str()))
            .map(|actor| actor.side.as_str())
    });
    let total = by_label.values().fold(Window::default(), |sum, w| Window {
        day: sum.day + w.day,
        week: sum.week + w.week,
        day_civilians: sum.day_civilians + w.day_civilians,
        week_civilians: sum.week_civilians + w.week_civilians,
        day_combatants: sum.day_combatants + w.day_combatants,
        week_combatants: sum.week_combatants + w.week_combatants,
    });
    let mut per_day: BTreeMap<i64, BTreeMap<&str, usize>> = BTreeMap::new();
    for tally in &counts.labels {
        *per_day
            .entry(tally.hour.div_euclid(24))
            .or_default()
            .entry(primary_label(&label_set(&tally.value)))
            .or_default() += usize::try_from(tally.incidents).unwrap_or(0);
    }
    per_day.retain(|_, labels| labels.values().any(|n| *n > 0));

    // The list of the last 7 days, narrowed by `pairs`.
    let week_from = (hour_now + 1 - 7 * 24) * HOUR_MS;
    let window_end = (hour_now + 1) * HOUR_MS;
    let list = |pairs: &[(&str, &str)]| {
        let stamp = |ms: i64| {
            DateTime::<Utc>::from_timestamp_millis(ms)
                .map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, true))
                .unwrap_or_default()
        };
        let mut query = form_urlencoded::Serializer::new(String::new());
        query.append_pair("from", &stamp(week_from));
        query.append_pair("to", &stamp(window_end));
        for (name, value) in pairs {
            query.append_pair(name, value);
        }
        format!("/incidents?{}", query.finish())
    };
    let latest = if hidden {
        Vec::new()
    } else {
        let newest = IncidentQuery {
            to: DateTime::<Utc>::from_timestamp_millis(window_end)
                .map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, true)),
            limit: Some(LATEST),
            ..IncidentQuery::default()
        };
        incident_page(&state, &auth, &newest).await?.items
    };

    let zone = super::zone_of(&world.scenario);
    let since = version.map(|v| as_of - v.effective_start);
    let viewport = Viewport::fit(COUNTRY, 640.0);
    // The map shows the week the tables count.
    let map = country_svg(
        &state,
        &auth,
        lang,
        &MapOptions {
            shown: &Shown::ALL,
            viewport: &viewport,
            at: version.map_or(as_of, |v| v.effective_start),
            // To the end of the minute: the cached layer lasts a minute, not a request.
            period: Period::last_days(to_end_of_minute(as_of_ms), 7),
            links: None,
        },
    )
    .await?;
    let labels: Vec<&str> = LABEL_ORDER
        .iter()
        .copied()
        .chain(std::iter::once("other"))
        .collect();
    let head = html! {
        thead { tr { th scope="col" {} th scope="col" { (lang.t("dash.last24")) } th scope="col" { (lang.t("dash.last7")) } } }
    };
    let path_and_query = uri.path_and_query().map_or("/", |pq| pq.as_str());
    let body = html! {
        h1 { (lang.t("dash.title")) }
        p.notice role="note" { (lang.t("map.approximate")) " " (lang.t("map.synthetic")) }
        section.status {
            h2 { (lang.t("dash.agreement")) ": " (in_lang(lang, &world.scenario.agreement.name, &world.scenario.agreement.name_ar)) }
            @if let Some(version) = version {
                dl {
                    dt { (lang.t("dash.start")) }
                    dd { (local_time(lang, version.effective_start, zone)) " · " (utc_time(lang, version.effective_start)) }
                    dt { (lang.t("dash.as_of")) }
                    dd {
                        (local_time(lang, as_of, zone))
                        @if query.at.is_none() && state.security().fixed_now.is_some() { " (" (lang.t("dash.demo_now")) ")" }
                    }
                    dt { (lang.t("dash.since")) }
                    dd { (duration_text(lang, since.unwrap_or_default())) }
                }
            }
            @let covered = by_label.get("covered").copied().unwrap_or_default();
            p.headline {
                a href=(list(&[("label", "covered")])) {
                    strong { (count(lang, covered.week)) } " " (lang.t("dash.possible_violations"))
                }
                " · " (count(lang, covered.day)) " " (lang.t("dash.in_last24"))
            }
        }
        div.dash {
            section {
                h2 { (lang.t("dash.by_label")) }
                table {
                    (head)
                    tbody {
                        @for label in &labels {
                            @let w = by_label.get(label).copied().unwrap_or_default();
                            tr { th scope="row" { span class=(format!("dot lbl-{label}")) {} " "
                                    @if *label == "other" { (lang.t("label.other")) }
                                    @else { a href=(list(&[("label", label)])) { (lang.t(&format!("label.{label}"))) } } }
                                 td { (count(lang, w.day)) } td { (count(lang, w.week)) } }
                        }
                        tr.total { th scope="row" { a href=(list(&[])) { (lang.t("dash.total")) } } td { (count(lang, total.day)) } td { (count(lang, total.week)) } }
                    }
                }
                h2 { (lang.t("dash.casualties")) }
                table {
                    (head)
                    tbody {
                        tr { th scope="row" { (lang.t("dash.killed_civilians")) } td { (count(lang, total.day_civilians)) } td { (count(lang, total.week_civilians)) } }
                        tr { th scope="row" { (lang.t("dash.killed_combatants")) } td { (count(lang, total.day_combatants)) } td { (count(lang, total.week_combatants)) } }
                    }
                }
                p.muted { (lang.t("dash.casualties_note")) }
                // Who attacked is shown to those who see who is named (docs/security.md); not to
                // a party's liaison, who may see only its own party's incidents.
                @if viewer.sees_exact_places() && viewer.bound_actor().is_none() {
                    h2 { (lang.t("dash.by_side")) }
                    table {
                        (head)
                        tbody {
                            @for (side, w) in &by_side {
                                tr { th scope="row" { @match side {
                                        Some(side) => a href=(list(&[("side", side)])) { (lang.t(&format!("side.{side}"))) },
                                        None => (lang.t("dash.side_unknown")),
                                     } }
                                     td { (count(lang, w.day)) } td { (count(lang, w.week)) } }
                            }
                        }
                    }
                }
                h2 { (lang.t("dash.by_verification")) }
                table {
                    (head)
                    tbody {
                        @for status in ["alleged", "verified"] {
                            @let w = by_verification.get(status).copied().unwrap_or_default();
                            tr { th scope="row" { a href=(list(&[("verification", status)])) { (lang.t(&format!("verification.{status}"))) } }
                                 td { (count(lang, w.day)) } td { (count(lang, w.week)) } }
                        }
                    }
                }
                h2 { (lang.t("dash.by_governorate")) }
                table {
                    (head)
                    tbody {
                        @for unit in world.scenario.admin1.units() {
                            @let w = by_governorate.get(unit.pcode.as_ref()).copied().unwrap_or_default();
                            @if w.week > 0 {
                                tr { th scope="row" { a href=(list(&[("admin1", &unit.pcode)])) { (in_lang(lang, &unit.name_en, &unit.name_ar)) } }
                                     td { (count(lang, w.day)) } td { (count(lang, w.week)) } }
                            }
                        }
                    }
                }
            }
            section {
                figure.map.small { (PreEscaped(map)) }
                p { a href="/map" { (lang.t("dash.open_map")) } }
                h2 { (lang.t("dash.latest")) }
                @if latest.is_empty() {
                    p { (lang.t("incidents.none")) }
                } @else {
                    ol.latest {
                        @for item in &latest {
                            li {
                                a href=(format!("/incidents/{}", item.incident.id)) { (super::incidents::heading(&item.incident, lang, &state, zone)) }
                                " " (super::incidents::badges(&item.assessment.labels, lang))
                            }
                        }
                    }
                }
                p { a href="/incidents" { (lang.t("dash.all_incidents")) } }
            }
        }
        section {
            h2 { (lang.t("dash.trend")) }
            figure.trend { (PreEscaped(trend_chart(&per_day, &labels, lang))) }
        }
    };
    Ok(with_lang_cookie(
        lang,
        chosen,
        layout(
            &state,
            &auth,
            lang,
            &lang.t("dash.title"),
            path_and_query,
            body,
        ),
    ))
}

/// A count in the language's digits.
fn count(lang: Lang, n: i64) -> String {
    number(lang, u64::try_from(n).unwrap_or(0))
}

fn duration_text(lang: Lang, duration: Duration) -> String {
    let before = duration < Duration::zero();
    let duration = if before { -duration } else { duration };
    let text = format!(
        "{} {} {} {}",
        number(lang, duration.num_days().unsigned_abs()),
        lang.t("dash.days"),
        number(lang, (duration.num_hours() % 24).unsigned_abs()),
        lang.t("dash.hours")
    );
    if before {
        format!("{text} ({})", lang.t("dash.before_start"))
    } else {
        text
    }
}

/// A stacked bar per day, one colour (and pattern class) per assessment label.
fn trend_chart(
    per_day: &BTreeMap<i64, BTreeMap<&str, usize>>,
    labels: &[&str],
    lang: Lang,
) -> String {
    let (width, height, margin) = (720.0, 180.0, 24.0);
    let days: Vec<i64> = match (per_day.keys().next(), per_day.keys().last()) {
        (Some(&first), Some(&last)) => (first..=last).collect(),
        _ => Vec::new(),
    };
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" aria-label="{}"><title>{}</title>"#,
        lang.t("dash.trend"),
        lang.t("dash.trend")
    );
    if days.is_empty() {
        svg.push_str("</svg>");
        return svg;
    }
    let max = per_day
        .values()
        .map(|counts| counts.values().sum::<usize>())
        .max()
        .unwrap_or(1)
        .max(1) as f64;
    let bar = (width - margin) / days.len() as f64;
    for (index, day) in days.iter().enumerate() {
        let x = margin + index as f64 * bar;
        let mut y = height - margin;
        let counts = per_day.get(day);
        for label in labels {
            let count = counts.and_then(|c| c.get(label)).copied().unwrap_or(0);
            if count == 0 {
                continue;
            }
            let h = count as f64 / max * (height - 2.0 * margin);
            y -= h;
            let date = DateTime::<Utc>::from_timestamp_millis(day * DAY_MS)
                .map(|d| lang.digits(&d.format("%Y-%m-%d").to_string()))
                .unwrap_or_default();
            let _ = write!(
                svg,
                r#"<rect x="{x:.1}" y="{y:.1}" width="{w:.1}" height="{h:.1}" class="inc lbl-{label}"><title>{}: {} {}</title></rect>"#,
                ltr_plain(&date),
                number(lang, count as u64),
                lang.t(&format!("label.{label}")),
                w = (bar - 1.0).max(0.5),
            );
        }
        if index % 7 == 0 {
            // The day and its month's name in the language, centred on its bar so that neither
            // direction cuts it at the edge.
            let date = DateTime::<Utc>::from_timestamp_millis(day * DAY_MS)
                .map(|d| {
                    format!(
                        "{} {}",
                        number(lang, u64::from(d.day())),
                        lang.t(&format!("month.{}", d.month()))
                    )
                })
                .unwrap_or_default();
            let _ = write!(
                svg,
                r#"<text x="{:.1}" y="{:.1}" class="axis" text-anchor="middle">{date}</text>"#,
                (x + bar / 2.0).max(margin + 12.0),
                height - 8.0
            );
        }
    }
    let _ = write!(
        svg,
        r#"<text x="2" y="{:.1}" class="axis" direction="ltr">{}</text></svg>"#,
        margin - 8.0,
        number(lang, max as u64)
    );
    svg
}
