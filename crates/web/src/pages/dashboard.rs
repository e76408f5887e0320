//! `/`: the dashboard: the agreement's status, counts for the last 24 hours and 7 days by
//! assessment and by governorate, a daily trend chart, and the map.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderMap, Uri};
use axum::response::Response;
use chrono::{DateTime, Datelike, Duration, Utc};
use maud::{PreEscaped, html};
use serde::Deserialize;
use truce_map::Viewport;

use super::bidi::{in_lang, isolate_plain, local_time, number, utc_time};
use super::map::{
    COUNTRY, LABEL_ORDER, MapOptions, Period, Shown, country_svg, now_ms, primary_label,
    to_end_of_minute,
};
use super::{DAY_MS, Lang, layout, with_lang_cookie};
use crate::AppState;
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
    let data_version = state.store().data_version().await?;
    let counts_key = format!("{data_version}|{as_of_ms}");
    let hidden = matches!(viewer, truce_core::access::Viewer::Public)
        && state.security().public == truce_core::access::PublicIncidents::None;
    let counts = match state.caches().counts.get(&counts_key) {
        // A deployment closed to the public shows it no counts either.
        _ if hidden => Arc::new(Vec::new()),
        Some(counts) => counts,
        None => {
            let counts = state
                .store()
                .incident_counts(
                    as_of_ms - TREND_DAYS * DAY_MS,
                    as_of_ms,
                    as_of_ms - DAY_MS,
                    as_of_ms - 7 * DAY_MS,
                )
                .await?;
            state.caches().counts.put(&counts_key, Arc::new(counts))
        }
    };

    // Counts by primary label and governorate for 24 h and 7 days, and per day for the trend.
    let mut label_24: BTreeMap<&str, usize> = BTreeMap::new();
    let mut label_7d: BTreeMap<&str, usize> = BTreeMap::new();
    let mut gov_24: BTreeMap<String, usize> = BTreeMap::new();
    let mut gov_7d: BTreeMap<String, usize> = BTreeMap::new();
    let mut per_day: BTreeMap<i64, BTreeMap<&str, usize>> = BTreeMap::new();
    for group in counts.iter() {
        let label = primary_label(&group.labels);
        let n = usize::try_from(group.count).unwrap_or(0);
        let gov = group.admin1_pcode.clone().unwrap_or_default();
        if group.last_day {
            *label_24.entry(label).or_default() += n;
            *gov_24.entry(gov.clone()).or_default() += n;
        }
        if group.last_week {
            *label_7d.entry(label).or_default() += n;
            *gov_7d.entry(gov).or_default() += n;
        }
        *per_day
            .entry(group.day)
            .or_default()
            .entry(label)
            .or_default() += n;
    }
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
        }
        div.dash {
            section {
                h2 { (lang.t("dash.by_label")) }
                table {
                    thead { tr { th scope="col" {} th scope="col" { (lang.t("dash.last24")) } th scope="col" { (lang.t("dash.last7")) } } }
                    tbody {
                        @for label in &labels {
                            tr { th scope="row" { span class=(format!("dot lbl-{label}")) {} " " (lang.t(&format!("label.{label}"))) }
                                 td { (count(lang, label_24.get(label).copied().unwrap_or(0))) } td { (count(lang, label_7d.get(label).copied().unwrap_or(0))) } }
                        }
                        tr.total { th scope="row" { (lang.t("dash.total")) } td { (count(lang, label_24.values().sum::<usize>())) } td { (count(lang, label_7d.values().sum::<usize>())) } }
                    }
                }
                h2 { (lang.t("dash.by_governorate")) }
                table {
                    thead { tr { th scope="col" {} th scope="col" { (lang.t("dash.last24")) } th scope="col" { (lang.t("dash.last7")) } } }
                    tbody {
                        @for unit in world.scenario.admin1.units() {
                            @let day = gov_24.get(unit.pcode.as_ref()).copied().unwrap_or(0);
                            @let week = gov_7d.get(unit.pcode.as_ref()).copied().unwrap_or(0);
                            @if week > 0 {
                                tr { th scope="row" { a href=(format!("/incidents?admin1={}", unit.pcode)) { (if lang == Lang::Ar { &unit.name_ar } else { &unit.name_en }) } }
                                     td { (count(lang, day)) } td { (count(lang, week)) } }
                            }
                        }
                    }
                }
            }
            section {
                figure.map.small { (PreEscaped(map)) }
                p { a href="/map" { (lang.t("dash.open_map")) } }
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
fn count(lang: Lang, n: usize) -> String {
    number(lang, u64::try_from(n).unwrap_or(u64::MAX))
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
                isolate_plain(&date),
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
