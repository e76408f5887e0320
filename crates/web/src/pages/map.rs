//! `/map` (and `/`, until the dashboard exists): the whole country with its layers.

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
use truce_map::{Area, Layer, Marker, Viewport, render, render_layer};

use super::{Lang, layout, with_lang_cookie};
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
    /// The instant of the control map, RFC 3339 (default: the agreement's start).
    at: Option<String>,
}

pub(crate) struct Shown {
    pub(crate) admin: bool,
    pub(crate) control: bool,
    pub(crate) besieged: bool,
    pub(crate) incidents: bool,
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
        }
    } else {
        Shown {
            admin: true,
            control: true,
            besieged: true,
            incidents: true,
        }
    };
    let at: DateTime<Utc> = match &query.at {
        Some(text) => DateTime::parse_from_rfc3339(text)
            .map_err(|_| ApiError::BadRequest(format!("at '{text}' is not an RFC 3339 time")))?
            .with_timezone(&Utc),
        None => scenario
            .agreement
            .versions
            .first()
            .map_or_else(Utc::now, |v| v.effective_start),
    };
    let zoom = query.zoom.unwrap_or(1.0).clamp(1.0, 64.0);
    let centre_lon = query
        .lon
        .unwrap_or((COUNTRY[0] + COUNTRY[2]) / 2.0)
        .clamp(COUNTRY[0], COUNTRY[2]);
    let centre_lat = query
        .lat
        .unwrap_or((COUNTRY[1] + COUNTRY[3]) / 2.0)
        .clamp(COUNTRY[1], COUNTRY[3]);
    let viewport = Viewport::fit(COUNTRY, WIDTH).zoomed(centre_lon, centre_lat, zoom);

    let svg = country_svg(&state, &auth, lang, &shown, &viewport, at).await?;

    let path_and_query = uri.path_and_query().map_or("/map", |pq| pq.as_str());
    let body = html! {
        h1 { (lang.t("map.title")) }
        p.notice role="note" { (lang.t("map.approximate")) " " (lang.t("map.synthetic")) }
        div.map-wrap {
            figure.map #map data-lon=(centre_lon) data-lat=(centre_lat) data-zoom=(zoom) {
                (PreEscaped(svg))
            }
            aside.map-side {
                (controls(lang, &shown, centre_lon, centre_lat, zoom, &query))
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

/// The country map's SVG with the chosen layers (shared by the map page and the dashboard).
pub(crate) async fn country_svg(
    state: &AppState,
    auth: &Authenticated,
    lang: Lang,
    shown: &Shown,
    viewport: &Viewport,
    at: DateTime<Utc>,
) -> Result<String, ApiError> {
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
            || {
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
                        Area {
                            shape: &version.shape,
                            class: format!("ctl ctl-{controller}"),
                            title: format!(
                                "{} — {} ({}{})",
                                version
                                    .name
                                    .clone()
                                    .unwrap_or_else(|| version.id.to_string()),
                                controller_name(lang, &controller),
                                version.contributor,
                                if version.approximate {
                                    lang.t("map.approximate_tag")
                                } else {
                                    String::new()
                                }
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
            },
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
                    .map(|unit| {
                        let name = if lang == Lang::Ar && !unit.name_ar.is_empty() {
                            unit.name_ar.clone()
                        } else {
                            unit.name_en.clone()
                        };
                        let label = unit
                            .shape
                            .interior_point()
                            .map(|p| (p.x(), p.y(), name.clone()));
                        Area {
                            shape: &unit.shape,
                            class: "admin1".to_owned(),
                            title: name,
                            hatched: false,
                            label,
                        }
                    })
                    .collect();
                Layer::Areas {
                    id: "admin".to_owned(),
                    areas,
                }
            },
        ));
    }
    if shown.besieged {
        let markers = state
            .base()
            .besieged
            .iter()
            .map(|location| {
                let population = location.population.as_ref().map_or(0, |p| p.value);
                Marker {
                    lon: location.lon,
                    lat: location.lat,
                    class: "besieged".to_owned(),
                    title: format!(
                        "{} ({population})",
                        if lang == Lang::Ar {
                            &location.name_ar
                        } else {
                            &location.name
                        }
                    ),
                    href: None,
                    radius: ((population as f64).sqrt() / 40.0).clamp(3.0, 12.0),
                }
            })
            .collect();
        layers.push(Layer::Markers {
            id: "besieged".to_owned(),
            markers,
            cluster_cell: None,
        });
    }
    if shown.incidents {
        // The markers depend on the data, not on the world: keyed by the store's data version.
        let version = state.store().data_version().await?;
        // What the viewer may see of the markers: exact ones, only its party's (a liaison),
        // or each at its district's centre on its day (docs/security.md).
        let viewer = auth.viewer();
        let exact = viewer.sees_exact_places();
        let naming = viewer.bound_actor().map(str::to_owned);
        let public_none = matches!(viewer, truce_core::access::Viewer::Public)
            && state.security().public == truce_core::access::PublicIncidents::None;
        let mode = match (&naming, exact, public_none) {
            (_, _, true) => "none".to_owned(),
            (Some(actor), _, _) => format!("naming:{actor}"),
            (None, true, _) => "exact".to_owned(),
            (None, false, _) => "coarse".to_owned(),
        };
        let incidents_key = format!(
            "{version}|{mode}|{:?}|{}|{}",
            viewport.bbox,
            viewport.width,
            lang.code()
        );
        let cache = &state.caches().incident_layers;
        let svg = match cache.get(&incidents_key) {
            Some(svg) => svg,
            None => {
                let markers = state
                    .store()
                    .incident_markers(if public_none { 0 } else { MAX_INCIDENTS })
                    .await?
                    .into_iter()
                    .filter(|marker| {
                        naming.as_ref().is_none_or(|actor| {
                            marker.perpetrator.as_ref() == Some(actor)
                                || marker.target.as_ref() == Some(actor)
                        })
                    })
                    .map(|marker| {
                        let labels = &marker.labels;
                        let label = primary_label(labels);
                        let when = truce_service::world::rfc3339(marker.occurred_at);
                        let (lon, lat, when) = if exact {
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
                                when,
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
                };
                cache.put(&incidents_key, Arc::from(render_layer(viewport, &layer)))
            }
        };
        layers.push(Layer::Rendered(svg));
    }
    Ok(render(viewport, &layers, &lang.t("map.title")))
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

fn link(lon: f64, lat: f64, zoom: f64, query: &MapQuery) -> String {
    let mut url = format!("/map?lon={lon:.3}&lat={lat:.3}&zoom={zoom}");
    if let Some(lang) = &query.lang {
        url.push_str(&format!("&lang={lang}"));
    }
    if query.layers.is_some() {
        url.push_str("&layers=1");
        for (name, on) in [
            ("admin", &query.admin),
            ("control", &query.control),
            ("besieged", &query.besieged),
            ("incidents", &query.incidents),
        ] {
            if on.is_some() {
                url.push_str(&format!("&{name}=on"));
            }
        }
    }
    url
}

fn controls(lang: Lang, shown: &Shown, lon: f64, lat: f64, zoom: f64, query: &MapQuery) -> Markup {
    let step = 1.5 / zoom;
    html! {
        form.layers method="get" action="/map" {
            fieldset {
                legend { (lang.t("map.layers")) }
                input type="hidden" name="layers" value="1";
                input type="hidden" name="lon" value=(format!("{lon:.3}"));
                input type="hidden" name="lat" value=(format!("{lat:.3}"));
                input type="hidden" name="zoom" value=(zoom);
                @if let Some(code) = &query.lang { input type="hidden" name="lang" value=(code); }
                @for (name, key, on) in [("control", "map.layer.control", shown.control), ("admin", "map.layer.admin", shown.admin), ("besieged", "map.layer.besieged", shown.besieged), ("incidents", "map.layer.incidents", shown.incidents)] {
                    label { input type="checkbox" name=(name) checked[on] data-layer=(name); " " (lang.t(key)) }
                }
                button type="submit" { (lang.t("map.apply")) }
            }
        }
        nav.zoom aria-label=(lang.t("map.layers")) {
            a href=(link(lon, lat, (zoom * 2.0).min(64.0), query)) rel="nofollow" data-zoom="in" { (lang.t("map.zoom_in")) }
            a href=(link(lon, lat, (zoom / 2.0).max(1.0), query)) rel="nofollow" data-zoom="out" { (lang.t("map.zoom_out")) }
            a href=(link(lon, lat + step, zoom, query)) rel="nofollow" { (lang.t("map.pan_north")) }
            a href=(link(lon, lat - step, zoom, query)) rel="nofollow" { (lang.t("map.pan_south")) }
            a href=(link(lon + step, lat, zoom, query)) rel="nofollow" { (lang.t("map.pan_east")) }
            a href=(link(lon - step, lat, zoom, query)) rel="nofollow" { (lang.t("map.pan_west")) }
            a href="/map" { (lang.t("map.reset")) }
        }
    }
}

fn legend(lang: Lang) -> Markup {
    html! {
        section.legend {
            h2 { (lang.t("map.legend")) }
            ul {
                @for key in ["gos", "opposition", "isil", "nusra", "sdf", "contested"] {
                    li { span class=(format!("swatch ctl-{key}")) {} " " (lang.t(&format!("legend.{key}"))) }
                }
                li { span.swatch.hatched {} " " (lang.t("legend.hatched")) }
                li { span.swatch.besieged {} " " (lang.t("legend.besieged")) }
                @for label in LABEL_ORDER.iter().chain(std::iter::once(&"other")) {
                    li { span class=(format!("dot lbl-{label}")) {} " " (lang.t(&format!("label.{label}"))) }
                }
            }
        }
    }
}
