//! `/map`: the whole country with its layers (a muted basemap of control, governorates, towns,
//! besieged locations and the incidents of a period), and the same map on the dashboard.

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::State;
use axum::http::{HeaderMap, Uri};
use axum::response::Response;
use chrono::{DateTime, Utc};
use geo::InteriorPoint;
use maud::{Markup, PreEscaped, html};
use serde::Deserialize;
use truce_core::control::Controller;
use truce_map::{Area, ClusterLink, Label, Layer, Marker, Viewport, render, render_layer};

use super::bidi::{ltr_plain, name_in, number, plain};
use super::{DAY_MS, Lang, layout, with_lang_cookie};
use crate::AppState;
use crate::auth::Authenticated;
use crate::cache::Cache;
use crate::error::ApiError;
use crate::extract::Query;

/// Syria's bounding box (west, south, east, north).
pub(crate) const COUNTRY: [f64; 4] = [35.6, 32.3, 42.4, 37.4];
const WIDTH: f64 = 960.0;
/// Incidents drawn at most (the most recent).
const MAX_INCIDENTS: usize = 5000;
/// The closest zoom.
const MAX_ZOOM: f64 = 64.0;
/// A minute in milliseconds.
const MINUTE_MS: i64 = 60_000;

/// The end of the minute `ms` falls in (`ms` itself on a whole minute).
pub(crate) fn to_end_of_minute(ms: i64) -> i64 {
    -(-ms).div_euclid(MINUTE_MS) * MINUTE_MS
}
/// The period presets: URL value and text key. The first one after `all` is the default.
const PRESETS: [(&str, &str); 4] = [
    ("24h", "map.period.24h"),
    ("7d", "map.period.7d"),
    ("start", "map.period.start"),
    ("all", "map.period.all"),
];
const DEFAULT_PRESET: &str = "7d";

/// The map's state, all in the URL so that a view can be shared and works without JavaScript.
#[derive(Debug, Default, Deserialize)]
pub struct MapQuery {
    lang: Option<String>,
    lon: Option<f64>,
    lat: Option<f64>,
    zoom: Option<f64>,
    /// Present when the layer form was submitted (then unchecked boxes mean "off").
    layers: Option<String>,
    admin: Option<String>,
    control: Option<String>,
    besieged: Option<String>,
    incidents: Option<String>,
    aid: Option<String>,
    /// The instant of the control map, RFC 3339 (default: the agreement's start).
    at: Option<String>,
    /// The incidents' period: `24h`, `7d` (the default), `start` (since the agreement's start)
    /// or `all`; `from` and `to` choose another.
    period: Option<String>,
    /// The period's first day (`2016-03-01`) or instant (RFC 3339), included.
    from: Option<String>,
    /// The day or instant the period ends before, as in the incident list.
    to: Option<String>,
    /// A box to show, `west,south,east,north` (a cluster's link): sets the centre and zoom.
    bbox: Option<String>,
}

/// The incidents' time window in ms since the epoch: from (included) to (excluded).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Period {
    pub(crate) from: Option<i64>,
    pub(crate) to: Option<i64>,
}

impl Period {
    /// The last `days` days up to `now`.
    pub(crate) fn last_days(now_ms: i64, days: i64) -> Period {
        Period {
            from: Some(now_ms - days * DAY_MS),
            to: Some(now_ms),
        }
    }

    /// The same window in whole days (for viewers who see incidents by the day only, so that
    /// stepping the window's ends cannot time an incident).
    fn in_whole_days(self) -> Period {
        Period {
            from: self.from.map(|ms| ms.div_euclid(DAY_MS) * DAY_MS),
            to: self.to.map(|ms| {
                if ms.rem_euclid(DAY_MS) == 0 {
                    ms
                } else {
                    (ms.div_euclid(DAY_MS) + 1) * DAY_MS
                }
            }),
        }
    }
}

/// A day (`2016-03-01`: its start, in UTC) or an RFC 3339 instant, as the incident list reads
/// its `from` and `to`.
fn parse_bound(name: &str, text: &str) -> Result<i64, ApiError> {
    let text = text.trim();
    match chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d") {
        Ok(day) => Ok(day
            .and_time(chrono::NaiveTime::MIN)
            .and_utc()
            .timestamp_millis()),
        Err(_) => DateTime::parse_from_rfc3339(text)
            .map(|t| t.timestamp_millis())
            .map_err(|_| {
                ApiError::BadRequest(format!(
                    "{name} '{text}' is not a day (2016-03-01) or an RFC 3339 time"
                ))
            }),
    }
}

/// The period the query asks for, and the preset it is (none for a chosen `from`/`to`).
fn chosen_period(
    query: &MapQuery,
    now_ms: i64,
    start_ms: i64,
) -> Result<(Period, Option<&'static str>), ApiError> {
    let from = query.from.as_deref().filter(|t| !t.trim().is_empty());
    let to = query.to.as_deref().filter(|t| !t.trim().is_empty());
    if from.is_some() || to.is_some() {
        let period = Period {
            from: from.map(|t| parse_bound("from", t)).transpose()?,
            to: to.map(|t| parse_bound("to", t)).transpose()?,
        };
        if let (Some(from), Some(to)) = (period.from, period.to)
            && to <= from
        {
            return Err(ApiError::invalid(
                "'to' is not after 'from' (the period would be empty)",
            ));
        }
        return Ok((period, None));
    }
    let preset = query.period.as_deref().unwrap_or(DEFAULT_PRESET);
    let period = match preset {
        "24h" => Period::last_days(now_ms, 1),
        "7d" => Period::last_days(now_ms, 7),
        "start" => Period {
            from: Some(start_ms),
            to: Some(now_ms),
        },
        "all" => Period {
            from: None,
            to: None,
        },
        other => {
            return Err(ApiError::BadRequest(format!(
                "period '{other}' is not one of 24h, 7d, start, all"
            )));
        }
    };
    let key = PRESETS
        .iter()
        .map(|(key, _)| *key)
        .find(|key| *key == preset);
    Ok((period, key))
}

/// The centre and zoom that show `bbox` (`west,south,east,north`) with a margin, the zoom a
/// power of two as the zoom links make it.
fn fit_box(text: &str) -> Result<(f64, f64, f64), ApiError> {
    let numbers: Vec<f64> = text
        .split(',')
        .map(|part| part.trim().parse::<f64>())
        .collect::<Result<_, _>>()
        .map_err(|_| bad_box())?;
    let [west, south, east, north] = numbers[..] else {
        return Err(bad_box());
    };
    if !numbers.iter().all(|n| n.is_finite()) || west > east || south > north {
        return Err(bad_box());
    }
    let margin = 1.6;
    let fit = ((COUNTRY[2] - COUNTRY[0]) / ((east - west) * margin).max(1e-9))
        .min((COUNTRY[3] - COUNTRY[1]) / ((north - south) * margin).max(1e-9));
    let zoom = 2f64.powf(fit.clamp(1.0, MAX_ZOOM).log2().floor());
    Ok(((west + east) / 2.0, (south + north) / 2.0, zoom))
}

fn bad_box() -> ApiError {
    ApiError::BadRequest(
        "bbox must be four numbers, west,south,east,north, the first of each pair the smaller"
            .to_owned(),
    )
}

pub(crate) struct Shown {
    pub(crate) admin: bool,
    pub(crate) control: bool,
    pub(crate) besieged: bool,
    pub(crate) incidents: bool,
    /// Convoy destinations and drop zones of the period.
    pub(crate) aid: bool,
}

impl Shown {
    /// Every layer.
    pub(crate) const ALL: Shown = Shown {
        admin: true,
        control: true,
        besieged: true,
        incidents: true,
        aid: true,
    };
}

/// The order in which an incident's labels pick its colour.
pub(crate) const LABEL_ORDER: [&str; 6] = [
    "covered",
    "coverage_disputed",
    "perpetrator_excluded",
    "target_excluded",
    "non_participant",
    "pre_start",
];

pub(crate) fn primary_label(labels: &[String]) -> &'static str {
    LABEL_ORDER
        .iter()
        .find(|label| labels.iter().any(|l| l == *label))
        .copied()
        .unwrap_or("other")
}

pub async fn page(
    State(state): State<AppState>,
    auth: Authenticated,
    Query(query): Query<MapQuery>,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Response, ApiError> {
    let (lang, chosen) = Lang::choose(query.lang.as_deref(), &headers);
    let world = state.world();
    let scenario = &world.scenario;
    let shown = if query.layers.is_some() {
        Shown {
            admin: query.admin.is_some(),
            control: query.control.is_some(),
            besieged: query.besieged.is_some(),
            incidents: query.incidents.is_some(),
            aid: query.aid.is_some(),
        }
    } else {
        Shown::ALL
    };
    let start = scenario
        .agreement
        .versions
        .first()
        .map_or_else(Utc::now, |v| v.effective_start);
    let at: DateTime<Utc> = match &query.at {
        Some(text) => DateTime::parse_from_rfc3339(text)
            .map_err(|_| ApiError::BadRequest(format!("at '{text}' is not an RFC 3339 time")))?
            .with_timezone(&Utc),
        None => start,
    };
    // "Now" to the end of its minute, so that the presets' windows (and the cached layers
    // drawn for them) do not change with every request, and the newest incident is in.
    let now = to_end_of_minute(now_ms(&state));
    let (period, preset) = chosen_period(&query, now, start.timestamp_millis())?;
    let (lon, lat, zoom) = match query.bbox.as_deref().filter(|b| !b.trim().is_empty()) {
        Some(bbox) => fit_box(bbox)?,
        None => (
            query.lon.unwrap_or((COUNTRY[0] + COUNTRY[2]) / 2.0),
            query.lat.unwrap_or((COUNTRY[1] + COUNTRY[3]) / 2.0),
            query.zoom.unwrap_or(1.0),
        ),
    };
    let view = MapView {
        lon: lon.clamp(COUNTRY[0], COUNTRY[2]),
        lat: lat.clamp(COUNTRY[1], COUNTRY[3]),
        zoom: if zoom.is_finite() {
            zoom.clamp(1.0, MAX_ZOOM)
        } else {
            1.0
        },
        query: &query,
    };
    let viewport = Viewport::fit(COUNTRY, WIDTH).zoomed(view.lon, view.lat, view.zoom);
    // A cluster zooms the map to its members; at the closest zoom, it opens their list.
    let exact = auth.viewer().sees_exact_places();
    let cluster_link = |[west, south, east, north]: [f64; 4]| {
        let pad = 0.002;
        let bbox = format!(
            "{:.3},{:.3},{:.3},{:.3}",
            west - pad,
            south - pad,
            east + pad,
            north + pad
        );
        match fit_box(&bbox) {
            Ok((.., zoom)) if zoom > view.zoom => view.url_with(&[("bbox", bbox)]),
            _ => incidents_link(period, exact.then_some(&bbox)),
        }
    };
    let links = ClusterLinks {
        key: view.url_with(&[("bbox", String::new())]),
        link: &cluster_link,
    };
    let svg = country_svg(
        &state,
        &auth,
        lang,
        &MapOptions {
            shown: &shown,
            viewport: &viewport,
            at,
            period,
            links: Some(&links),
        },
    )
    .await?;

    let path_and_query = uri.path_and_query().map_or("/map", |pq| pq.as_str());
    let body = html! {
        h1 { (lang.t("map.title")) }
        p.notice role="note" { (lang.t("map.approximate")) " " (lang.t("map.synthetic")) }
        (period_bar(lang, &view, preset))
        div.map-wrap {
            figure.map #map data-lon=(view.lon) data-lat=(view.lat) data-zoom=(view.zoom) {
                (PreEscaped(svg))
                figcaption.hint { (lang.t("map.gesture_hint")) }
            }
            aside.map-side {
                (controls(lang, &shown, &view))
                (legend(lang))
            }
        }
        script src="/static/map.js" defer {}
    };
    Ok(with_lang_cookie(
        lang,
        chosen,
        layout(
            &state,
            &auth,
            lang,
            &lang.t("map.title"),
            path_and_query,
            body,
        ),
    ))
}

/// "Now" for the pages: the server's clock, or the demonstration's fixed end of its period (an
/// incident dated in the future cannot move it for everyone).
pub(crate) fn now_ms(state: &AppState) -> i64 {
    state
        .security()
        .fixed_now
        .unwrap_or_else(|| Utc::now().timestamp_millis())
}

/// The incident list of a period (and, for a viewer who sees exact places, of a box).
fn incidents_link(period: Period, bbox: Option<&String>) -> String {
    let day = |ms: i64| {
        DateTime::<Utc>::from_timestamp_millis(ms)
            .map(|t| t.format("%Y-%m-%d").to_string())
            .unwrap_or_default()
    };
    let mut pairs = form_urlencoded::Serializer::new(String::new());
    if let Some(from) = period.from {
        pairs.append_pair("from", &day(from));
    }
    if let Some(to) = period.to {
        // The list's `to` is the day it ends before: the day after the period's last instant.
        pairs.append_pair("to", &day((to - 1).div_euclid(DAY_MS) * DAY_MS + DAY_MS));
    }
    if let Some(bbox) = bbox {
        pairs.append_pair("bbox", bbox);
    }
    format!("/incidents?{}", pairs.finish())
}

/// Where the map looks, with the rest of its state in the query, for building links.
struct MapView<'a> {
    lon: f64,
    lat: f64,
    zoom: f64,
    query: &'a MapQuery,
}

impl MapView<'_> {
    /// The map's address with this view, its layers, language and period, and `changes`
    /// (a pair with an empty value removes that name).
    fn url_with(&self, changes: &[(&str, String)]) -> String {
        let query = self.query;
        let mut pairs: Vec<(&str, String)> = vec![
            ("lon", format!("{:.3}", self.lon)),
            ("lat", format!("{:.3}", self.lat)),
            ("zoom", format!("{}", self.zoom)),
        ];
        let kept = [
            ("lang", &query.lang),
            ("period", &query.period),
            ("from", &query.from),
            ("to", &query.to),
            ("at", &query.at),
        ];
        for (name, value) in kept {
            if let Some(value) = value.as_ref().filter(|v| !v.is_empty()) {
                pairs.push((name, value.clone()));
            }
        }
        if query.layers.is_some() {
            pairs.push(("layers", "1".to_owned()));
            for (name, on) in [
                ("admin", &query.admin),
                ("control", &query.control),
                ("besieged", &query.besieged),
                ("incidents", &query.incidents),
                ("aid", &query.aid),
            ] {
                if on.is_some() {
                    pairs.push((name, "on".to_owned()));
                }
            }
        }
        for (name, value) in changes {
            pairs.retain(|(kept, _)| kept != name);
            if !value.is_empty() {
                pairs.push((name, value.clone()));
            }
        }
        // A box replaces the centre and zoom.
        if changes
            .iter()
            .any(|(name, v)| *name == "bbox" && !v.is_empty())
        {
            pairs.retain(|(name, _)| !["lon", "lat", "zoom"].contains(name));
        }
        let mut url = form_urlencoded::Serializer::new(String::new());
        url.extend_pairs(pairs);
        format!("/map?{}", url.finish())
    }

    fn moved(&self, lon: f64, lat: f64, zoom: f64) -> String {
        self.url_with(&[
            ("lon", format!("{lon:.3}")),
            ("lat", format!("{lat:.3}")),
            ("zoom", format!("{}", zoom.clamp(1.0, MAX_ZOOM))),
        ])
    }
}

/// Where a cluster leads, and what that depends on (a part of the incident layer's cache key).
pub(crate) struct ClusterLinks<'a> {
    pub(crate) key: String,
    pub(crate) link: &'a (dyn Fn([f64; 4]) -> String + Sync),
}

/// What to draw.
pub(crate) struct MapOptions<'a> {
    pub(crate) shown: &'a Shown,
    pub(crate) viewport: &'a Viewport,
    /// The instant of the control map.
    pub(crate) at: DateTime<Utc>,
    /// The incidents' period.
    pub(crate) period: Period,
    pub(crate) links: Option<&'a ClusterLinks<'a>>,
}

/// The country map's SVG with the chosen layers (shared by the map page and the dashboard).
pub(crate) async fn country_svg(
    state: &AppState,
    auth: &Authenticated,
    lang: Lang,
    options: &MapOptions<'_>,
) -> Result<String, ApiError> {
    let MapOptions {
        shown,
        viewport,
        at,
        period,
        links,
    } = *options;
    let world = state.world();
    let scenario = &world.scenario;
    let key = |layer: &str| {
        format!(
            "{}|{layer}|{:?}|{}|{}|{}",
            world.generation,
            viewport.bbox,
            viewport.width,
            at.timestamp(),
            lang.code()
        )
    };
    let mut layers = Vec::new();
    if shown.control {
        layers.push(cached(
            &state.caches().area_layers,
            &key("control"),
            viewport,
            || control_layer(scenario, lang, at),
        ));
    }
    if shown.admin {
        layers.push(cached(
            &state.caches().area_layers,
            &key("admin"),
            viewport,
            || {
                let areas = scenario
                    .admin1
                    .units()
                    .iter()
                    .map(|unit| Area {
                        shape: &unit.shape,
                        class: "admin1".to_owned(),
                        title: name_in(lang, &unit.name_en, &unit.name_ar),
                        hatched: false,
                        label: None,
                    })
                    .collect();
                Layer::Areas {
                    id: "admin".to_owned(),
                    areas,
                }
            },
        ));
    }
    if shown.incidents {
        layers.push(incident_layer(state, auth, lang, viewport, period, links).await?);
    }
    // Besieged locations above the incidents: each is its own circle, never merged with its
    // neighbour, the largest drawn first so that none hides a smaller one; filled by the days
    // since aid last arrived (as of the map's day).
    let day = at.date_naive();
    let records = if shown.besieged || shown.aid {
        crate::api::visible_records(state, auth).await?
    } else {
        Default::default()
    };
    // The estimate of the map's day (a later one would be a figure nobody had then).
    let population = |location: &truce_core::humanitarian::AccessLocation| {
        location
            .estimate_on(day)
            .map_or(0, |estimate| estimate.value)
    };
    let mut besieged: Vec<_> = records
        .locations
        .iter()
        .filter(|location| {
            location
                .classifications_on(day)
                .iter()
                .any(|c| c.status == truce_core::humanitarian::AccessStatus::Besieged)
        })
        .collect();
    besieged.sort_by_key(|location| std::cmp::Reverse(population(location)));
    let besieged_radius = |population: u64| ((population as f64).sqrt() / 30.0).clamp(4.0, 14.0);
    if shown.besieged {
        let markers = besieged
            .iter()
            .map(|location| {
                let metrics = truce_core::humanitarian::location_metrics(
                    location,
                    &records.convoys,
                    &records.air_operations,
                    day,
                );
                let (class, since) = match metrics.days_since_last_reached {
                    Some(days) if days <= 30 => ("reached-30", days),
                    Some(days) if days <= 90 => ("reached-90", days),
                    Some(days) => ("reached-older", days),
                    None => ("reached-older", -1),
                };
                let since = if since < 0 {
                    lang.t("aid.never_reached")
                } else {
                    lang.t("aid.days_ago")
                        .replace("{n}", &number(lang, since as u64))
                };
                Marker {
                    lon: location.lon,
                    lat: location.lat,
                    class: format!("besieged {class}"),
                    title: format!(
                        "{} ({}; {})",
                        name_in(lang, &location.name, &location.name_ar),
                        number(lang, population(location)),
                        since
                    ),
                    href: Some(format!("/besieged/{}", location.id)),
                    radius: besieged_radius(population(location)),
                }
            })
            .collect();
        layers.push(Layer::Markers {
            id: "besieged".to_owned(),
            markers,
            cluster_cell: None,
            cluster_link: None,
            numerals: numerals(lang),
        });
    }
    if shown.aid {
        layers.push(aid_layer(&records, lang, period, numerals(lang)));
    }
    // Names on top, so that no marker hides them: besieged locations first, then the
    // governorates, then towns as the zoom allows; a name that would overlap one placed
    // before it is left out.
    let zoom = (COUNTRY[2] - COUNTRY[0]) / (viewport.bbox[2] - viewport.bbox[0]);
    let mut labels = Vec::new();
    if shown.besieged {
        labels.extend(besieged.iter().map(|location| Label {
            lon: location.lon,
            lat: location.lat,
            text: name_in(lang, &location.name, &location.name_ar),
            class: "besieged-name".to_owned(),
            size: 11.0,
            gap: besieged_radius(population(location)) + 1.0,
            dot: false,
        }));
    }
    if shown.admin {
        labels.extend(scenario.admin1.units().iter().filter_map(|unit| {
            let point = unit.shape.interior_point()?;
            Some(Label {
                lon: point.x(),
                lat: point.y(),
                text: name_in(lang, &unit.name_en, &unit.name_ar),
                class: "gov".to_owned(),
                size: 13.0,
                gap: 0.0,
                dot: false,
            })
        }));
    }
    let most_rank = if zoom >= 8.0 {
        3
    } else if zoom >= 2.0 {
        2
    } else {
        1
    };
    labels.extend(
        super::towns::towns()
            .iter()
            .filter(|town| town.rank <= most_rank)
            .map(|town| Label {
                lon: town.lon,
                lat: town.lat,
                text: name_in(lang, &town.name_en, &town.name_ar),
                class: format!("town-{}", town.rank),
                size: [12.0, 11.0, 10.0][usize::from(town.rank.clamp(1, 3)) - 1],
                gap: 2.5,
                dot: true,
            }),
    );
    layers.push(Layer::Labels {
        id: "labels".to_owned(),
        labels,
    });
    let (km, pixels) = truce_map::scale_bar(viewport, 120.0);
    layers.push(Layer::ScaleBar {
        pixels,
        text: format!("{km} {}", lang.t("map.km")),
    });
    Ok(render(viewport, &layers, &lang.t("map.title")))
}

/// The digits the map writes counts in for `lang`.
pub(crate) fn numerals(lang: Lang) -> truce_map::Numerals {
    match lang {
        Lang::Ar => truce_map::Numerals::ArabicIndic,
        Lang::En => truce_map::Numerals::Western,
    }
}

/// The areas of control in force at `at`, hatched where co-mingled, contested or disputed.
fn control_layer<'a>(
    scenario: &'a truce_core::scenario::Scenario,
    lang: Lang,
    at: DateTime<Utc>,
) -> Layer<'a> {
    let in_force: Vec<_> = scenario
        .control
        .versions()
        .iter()
        .filter(|v| v.in_force_at(at))
        .collect();
    let mut per_unit: HashMap<&str, usize> = HashMap::new();
    for version in &in_force {
        if let Some(pcode) = &version.admin3_pcode {
            *per_unit.entry(pcode).or_default() += 1;
        }
    }
    let areas = in_force
        .iter()
        .map(|version| {
            let rival = version
                .admin3_pcode
                .as_deref()
                .is_some_and(|p| per_unit.get(p).copied().unwrap_or(0) > 1);
            let controller = version.controller.to_string();
            let hatched = rival
                || !version.comingled.is_empty()
                || version.controller == Controller::Contested;
            // The sub-district's Arabic name when the area is one.
            let arabic = version
                .admin3_pcode
                .as_deref()
                .and_then(|pcode| scenario.admin3.get(pcode))
                .map_or("", |unit| unit.name_ar.as_str());
            let name = version
                .name
                .clone()
                .unwrap_or_else(|| version.id.to_string());
            let name = match lang {
                Lang::Ar if !arabic.is_empty() => arabic.to_owned(),
                _ => name,
            };
            Area {
                shape: &version.shape,
                class: format!("ctl ctl-{controller}"),
                // SVG text cannot hold a <bdi>: its Latin runs are isolated by the Unicode isolates.
                title: plain(
                    lang,
                    &format!(
                        "{name} — {} ({}{})",
                        controller_name(lang, &controller),
                        version.contributor,
                        if version.approximate {
                            lang.t("map.approximate_tag")
                        } else {
                            String::new()
                        }
                    ),
                ),
                hatched,
                label: None,
            }
        })
        .collect();
    Layer::Areas {
        id: "control".to_owned(),
        areas,
    }
}

/// The incidents of the period that the viewer may see, clustered, from a cache keyed by the
/// store's data version (the markers follow the data, not the world).
async fn incident_layer(
    state: &AppState,
    auth: &Authenticated,
    lang: Lang,
    viewport: &Viewport,
    period: Period,
    links: Option<&ClusterLinks<'_>>,
) -> Result<Layer<'static>, ApiError> {
    let version = state.store().data_version().await?;
    // What the viewer may see of the markers: exact ones, only its party's (a liaison),
    // or each at its district's centre on its day (docs/security.md).
    let viewer = auth.viewer();
    let exact = viewer.sees_exact_places();
    let period = if exact {
        period
    } else {
        period.in_whole_days()
    };
    let naming = viewer.bound_actor().map(str::to_owned);
    let public_none = matches!(viewer, truce_core::access::Viewer::Public)
        && state.security().public == truce_core::access::PublicIncidents::None;
    // Under a publication policy that publishes observations, everyone sees each incident of
    // that agreement version at its place and time (the key follows the world's generation).
    let world = state.world();
    let published =
        |occurred_at: i64| crate::visibility::observations_published(&world, occurred_at);
    let mode = match (&naming, exact, public_none) {
        (_, _, true) => "none".to_owned(),
        (Some(actor), _, _) => format!("naming:{actor}"),
        (None, true, _) => "exact".to_owned(),
        (None, false, _) => "coarse".to_owned(),
    };
    let incidents_key = format!(
        "{version}|{}|{mode}|{:?}|{}|{}|{:?}|{}",
        world.generation,
        viewport.bbox,
        viewport.width,
        lang.code(),
        period,
        links.map_or("", |l| l.key.as_str()),
    );
    let cache = &state.caches().incident_layers;
    if let Some(svg) = cache.get(&incidents_key) {
        return Ok(Layer::Rendered(svg));
    }
    let markers = state
        .store()
        .incident_markers(
            if public_none { 0 } else { MAX_INCIDENTS },
            period.from,
            period.to,
        )
        .await?
        .into_iter()
        .filter(|marker| {
            naming.as_ref().is_none_or(|actor| {
                marker.perpetrator.as_ref() == Some(actor) || marker.target.as_ref() == Some(actor)
            })
        })
        .map(|marker| {
            let labels = &marker.labels;
            let label = primary_label(labels);
            let when = truce_service::world::rfc3339(marker.occurred_at);
            let (lon, lat, when) = if exact || published(marker.occurred_at) {
                (marker.lon, marker.lat, when)
            } else {
                let (lon, lat) = crate::visibility::coarse_point(
                    state,
                    marker.admin3_pcode.as_deref(),
                    marker.lon,
                    marker.lat,
                );
                (lon, lat, when.get(..10).unwrap_or_default().to_owned())
            };
            let id = &marker.id;
            Marker {
                lon,
                lat,
                class: format!("inc lbl-{label}"),
                title: format!(
                    "{} — {}",
                    match lang {
                        Lang::Ar => super::bidi::ltr_plain(&lang.digits(&when)),
                        Lang::En => when,
                    },
                    labels
                        .iter()
                        .map(|l| lang.t(&format!("label.{l}")))
                        .collect::<Vec<_>>()
                        .join(lang.t("list.separator").as_str())
                ),
                href: Some(format!("/incidents/{id}")),
                radius: 3.5,
            }
        })
        .collect();
    let layer = Layer::Markers {
        id: "incidents".to_owned(),
        markers,
        cluster_cell: Some(22.0),
        cluster_link: links.map(|l| ClusterLink(l.link)),
        numerals: numerals(lang),
    };
    Ok(Layer::Rendered(cache.put(
        &incidents_key,
        Arc::from(render_layer(viewport, &layer)),
    )))
}

/// An area layer from `cache`, drawn by `build` when missing: the outlines are the costly part
/// of a page and change only when the world does.
fn cached<'a>(
    cache: &Cache<str>,
    key: &str,
    viewport: &Viewport,
    build: impl FnOnce() -> Layer<'a>,
) -> Layer<'a> {
    let svg = match cache.get(key) {
        Some(svg) => svg,
        None => cache.put(key, Arc::from(render_layer(viewport, &build()))),
    };
    Layer::Rendered(svg)
}

fn controller_name(lang: Lang, controller: &str) -> String {
    match controller {
        "gos" | "opposition" | "isil" | "nusra" | "sdf" | "contested" => {
            lang.t(&format!("legend.{controller}"))
        }
        other => other.to_owned(),
    }
}

/// The period's presets as links, and the chosen days as a form.
fn period_bar(lang: Lang, view: &MapView<'_>, preset: Option<&str>) -> Markup {
    let query = view.query;
    html! {
        nav.period aria-label=(lang.t("map.period")) {
            span { (lang.t("map.period")) ": " }
            @for (key, text) in PRESETS {
                @if preset == Some(key) {
                    strong aria-current="true" { (lang.t(text)) }
                } @else {
                    a href=(view.url_with(&[("period", key.to_owned()), ("from", String::new()), ("to", String::new())])) rel="nofollow" { (lang.t(text)) }
                }
            }
        }
        form.period method="get" action="/map" {
            @for (name, value) in [("lon", format!("{:.3}", view.lon)), ("lat", format!("{:.3}", view.lat)), ("zoom", format!("{}", view.zoom))] {
                input type="hidden" name=(name) value=(value);
            }
            // The rest of the map's state goes along with the new days.
            @for (name, value) in [("lang", &query.lang), ("at", &query.at), ("layers", &query.layers), ("admin", &query.admin), ("control", &query.control), ("besieged", &query.besieged), ("incidents", &query.incidents), ("aid", &query.aid)] {
                @if let Some(value) = value { input type="hidden" name=(name) value=(value); }
            }
            label { (lang.t("incidents.from")) " " input type="date" name="from" value=[query.from.as_deref()]; }
            label { (lang.t("incidents.to")) " " input type="date" name="to" value=[query.to.as_deref()]; }
            button type="submit" { (lang.t("map.apply")) }
        }
    }
}

fn controls(lang: Lang, shown: &Shown, view: &MapView<'_>) -> Markup {
    let (lon, lat, zoom) = (view.lon, view.lat, view.zoom);
    let step = 1.5 / zoom;
    let query = view.query;
    html! {
        form.layers method="get" action="/map" {
            fieldset {
                legend { (lang.t("map.layers")) }
                input type="hidden" name="layers" value="1";
                input type="hidden" name="lon" value=(format!("{lon:.3}"));
                input type="hidden" name="lat" value=(format!("{lat:.3}"));
                input type="hidden" name="zoom" value=(zoom);
                @for (name, value) in [("lang", &query.lang), ("period", &query.period), ("from", &query.from), ("to", &query.to), ("at", &query.at)] {
                    @if let Some(value) = value { input type="hidden" name=(name) value=(value); }
                }
                @for (name, key, on) in [("control", "map.layer.control", shown.control), ("admin", "map.layer.admin", shown.admin), ("besieged", "map.layer.besieged", shown.besieged), ("incidents", "map.layer.incidents", shown.incidents), ("aid", "map.layer.aid", shown.aid)] {
                    label { input type="checkbox" name=(name) checked[on] data-layer=(name); " " (lang.t(key)) }
                }
                button type="submit" { (lang.t("map.apply")) }
            }
        }
        nav.zoom aria-label=(lang.t("map.layers")) {
            a href=(view.moved(lon, lat, zoom * 2.0)) rel="nofollow" data-zoom="in" { (lang.t("map.zoom_in")) }
            a href=(view.moved(lon, lat, zoom / 2.0)) rel="nofollow" data-zoom="out" { (lang.t("map.zoom_out")) }
            a href=(view.moved(lon, lat + step, zoom)) rel="nofollow" { (lang.t("map.pan_north")) }
            a href=(view.moved(lon, lat - step, zoom)) rel="nofollow" { (lang.t("map.pan_south")) }
            a href=(view.moved(lon + step, lat, zoom)) rel="nofollow" { (lang.t("map.pan_east")) }
            a href=(view.moved(lon - step, lat, zoom)) rel="nofollow" { (lang.t("map.pan_west")) }
            a href="/map" { (lang.t("map.reset")) }
        }
    }
}

/// Convoy destinations and drop zones of the period: a convoy with a step in it is drawn at
/// each of its destinations, an air operation at its drop zone (or its destination). Each is
/// a link to its record; the viewer sees what it may see of them.
fn aid_layer(
    records: &truce_service::humanitarian::Records,
    lang: Lang,
    period: Period,
    numerals: truce_map::Numerals,
) -> Layer<'_> {
    let in_period = |at: DateTime<Utc>| {
        let ms = at.timestamp_millis();
        period.from.is_none_or(|from| ms >= from) && period.to.is_none_or(|to| ms < to)
    };
    let place = |id: &str| records.locations.iter().find(|l| l.id == id);
    let mut markers = Vec::new();
    for convoy in &records.convoys {
        if !convoy.steps.iter().any(|step| in_period(step.at)) {
            continue;
        }
        for destination in &convoy.destinations {
            if let Some(location) = place(&destination.location) {
                markers.push(Marker {
                    lon: location.lon,
                    lat: location.lat,
                    class: "aid-convoy".to_owned(),
                    title: format!(
                        "{} {} ({})",
                        lang.t("convoy.title"),
                        ltr_plain(&convoy.id),
                        lang.value("convoy.state", convoy.state().name())
                    ),
                    href: Some(format!("/convoys/{}", convoy.id)),
                    radius: 5.0,
                });
            }
        }
    }
    for operation in &records.air_operations {
        if !operation.steps.iter().any(|step| in_period(step.at)) {
            continue;
        }
        let point = match (&operation.drop_zone, place(&operation.destination)) {
            (Some(zone), _) => Some((zone.lon, zone.lat)),
            (None, Some(location)) => Some((location.lon, location.lat)),
            (None, None) => None,
        };
        if let Some((lon, lat)) = point {
            markers.push(Marker {
                lon,
                lat,
                class: "aid-drop".to_owned(),
                title: format!(
                    "{} {} ({})",
                    lang.value("air.kind", operation.kind.name()),
                    ltr_plain(&operation.id),
                    lang.value("air.state", operation.state().name())
                ),
                href: Some(format!("/air-operations#{}", operation.id)),
                radius: 5.0,
            });
        }
    }
    Layer::Markers {
        id: "aid".to_owned(),
        markers,
        cluster_cell: None,
        cluster_link: None,
        numerals,
    }
}

/// The legend, its swatches coloured by the map's own style sheet.
pub(crate) fn legend(lang: Lang) -> Markup {
    html! {
        section.legend {
            h2 { (lang.t("map.legend")) }
            ul {
                @for (key, _) in truce_map::palette::CONTROL {
                    li { span class=(format!("swatch ctl-{key}")) {} " " (lang.t(&format!("legend.{key}"))) }
                }
                li { span.swatch.hatched {} " " (lang.t("legend.hatched")) }
                li { span.swatch.besieged.reached-30 {} " " (lang.t("legend.besieged.30")) }
                li { span.swatch.besieged.reached-90 {} " " (lang.t("legend.besieged.90")) }
                li { span.swatch.besieged.reached-older {} " " (lang.t("legend.besieged.older")) }
                li { span.swatch.aid-convoy {} " " (lang.t("legend.aid_convoy")) }
                li { span.swatch.aid-drop {} " " (lang.t("legend.aid_drop")) }
                @for label in LABEL_ORDER.iter().chain(std::iter::once(&"other")) {
                    li { span class=(format!("dot lbl-{label}")) {} " " (lang.t(&format!("label.{label}"))) }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(pairs: &str) -> MapQuery {
        serde_urlencoded_like(pairs)
    }

    /// A query as the router would read it.
    fn serde_urlencoded_like(pairs: &str) -> MapQuery {
        let value: serde_json::Map<String, serde_json::Value> =
            form_urlencoded::parse(pairs.as_bytes())
                .map(|(k, v)| {
                    let v = v.into_owned();
                    let value = v
                        .parse::<f64>()
                        .ok()
                        .filter(|_| ["lon", "lat", "zoom"].contains(&k.as_ref()))
                        .map_or(serde_json::Value::String(v), |n| serde_json::json!(n));
                    (k.into_owned(), value)
                })
                .collect();
        serde_json::from_value(serde_json::Value::Object(value)).unwrap()
    }

    const NOW: i64 = 1_457_000_000_000;
    const START: i64 = 1_456_520_400_000;

    #[test]
    fn the_period_comes_from_a_preset_or_from_days() {
        let (period, preset) = chosen_period(&query(""), NOW, START).unwrap();
        assert_eq!((period, preset), (Period::last_days(NOW, 7), Some("7d")));
        let (period, _) = chosen_period(&query("period=24h"), NOW, START).unwrap();
        assert_eq!(period.from, Some(NOW - DAY_MS));
        let (period, _) = chosen_period(&query("period=start"), NOW, START).unwrap();
        assert_eq!(period.from, Some(START));
        let (period, _) = chosen_period(&query("period=all"), NOW, START).unwrap();
        assert_eq!(
            period,
            Period {
                from: None,
                to: None
            }
        );
        // Days win over a preset; `to` is the day the period ends before, as in the list.
        let (period, preset) = chosen_period(
            &query("period=24h&from=2016-03-01&to=2016-03-02"),
            NOW,
            START,
        )
        .unwrap();
        assert_eq!(preset, None);
        assert_eq!(period.to.unwrap() - period.from.unwrap(), DAY_MS);
        assert_eq!(
            incidents_link(period, None),
            "/incidents?from=2016-03-01&to=2016-03-02"
        );
        // Errors say what is wrong.
        for bad in [
            "period=week",
            "from=yesterday",
            "from=2016-03-02&to=2016-03-01",
            "from=2016-03-01&to=2016-03-01",
        ] {
            assert!(chosen_period(&query(bad), NOW, START).is_err(), "{bad}");
        }
    }

    #[test]
    fn now_is_taken_to_the_end_of_its_minute() {
        assert_eq!(to_end_of_minute(120_000), 120_000);
        assert_eq!(to_end_of_minute(120_001), 180_000);
        assert_eq!(to_end_of_minute(-1), 0);
    }

    #[test]
    fn a_viewer_by_the_day_gets_a_period_of_whole_days() {
        let period = Period::last_days(NOW, 1).in_whole_days();
        assert_eq!(period.from.unwrap() % DAY_MS, 0);
        assert_eq!(period.to.unwrap() % DAY_MS, 0);
        assert!(period.from.unwrap() <= NOW - DAY_MS && period.to.unwrap() >= NOW);
    }

    #[test]
    fn a_box_gives_a_centre_and_a_power_of_two_zoom() {
        let (lon, lat, zoom) = fit_box("36.2,33.4,36.4,33.6").unwrap();
        assert!((lon - 36.3).abs() < 1e-9 && (lat - 33.5).abs() < 1e-9);
        assert_eq!(zoom, 8.0);
        assert_eq!(fit_box("36.3,33.5,36.3,33.5").unwrap().2, MAX_ZOOM);
        assert_eq!(fit_box("30,30,45,40").unwrap().2, 1.0);
        for bad in ["1,2,3", "a,b,c,d", "37,33,36,34", "NaN,1,2,3"] {
            assert!(fit_box(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn links_keep_the_state_and_a_box_replaces_the_centre() {
        let q = query("lang=ar&period=24h&layers=1&besieged=on");
        let view = MapView {
            lon: 36.3,
            lat: 33.5,
            zoom: 8.0,
            query: &q,
        };
        assert_eq!(
            view.moved(36.3, 33.5, 128.0),
            "/map?lang=ar&period=24h&layers=1&besieged=on&lon=36.300&lat=33.500&zoom=64"
        );
        assert_eq!(
            view.url_with(&[("bbox", "1,2,3,4".to_owned())]),
            "/map?lang=ar&period=24h&layers=1&besieged=on&bbox=1%2C2%2C3%2C4"
        );
    }
}
