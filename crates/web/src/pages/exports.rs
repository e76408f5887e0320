//! The incident list's current filter as a file: `/incidents.csv` and `/incidents.geojson`.
//! They are the list's own pages (so each viewer gets exactly what the list shows them, redacted
//! the same way), fetched one after another while the file streams out: a download of a
//! hundred thousand incidents holds one page in memory, not the file.

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use futures_util::{StreamExt, stream};

use super::incidents::ListQuery;
use super::reference::csv_field;
use crate::AppState;
use crate::api::incident_page;
use crate::auth::Authenticated;
use crate::error::ApiError;
use crate::extract::Query;
use crate::views::{ActorRefView, IncidentResponse};

/// Incidents per page read for a download.
const PAGE: usize = 500;

/// The columns of the CSV, in order (the GeoJSON properties have the same names).
const COLUMNS: [&str; 18] = [
    "id",
    "occurred_at",
    "time_precision",
    "lat",
    "lon",
    "geo_precision",
    "admin1_pcode",
    "admin2_pcode",
    "admin3_pcode",
    "event_type",
    "sub_event_type",
    "perpetrator",
    "target",
    "killed_civilian_max",
    "killed_combatant_max",
    "labels",
    "verification",
    "notes",
];

/// One incident's values, in the order of [`COLUMNS`].
fn values(item: &IncidentResponse) -> [String; 18] {
    let incident = &item.incident;
    let party = |actor: &Option<ActorRefView>| {
        actor
            .as_ref()
            .map(|a| a.id.clone().unwrap_or_else(|| a.name.clone()))
            .unwrap_or_default()
    };
    [
        incident.id.clone(),
        incident.occurred_at.clone(),
        incident.time_precision.to_string(),
        incident.lat.to_string(),
        incident.lon.to_string(),
        incident.geo_precision.to_string(),
        incident.admin1_pcode.clone().unwrap_or_default(),
        incident.admin2_pcode.clone().unwrap_or_default(),
        incident.admin3_pcode.clone().unwrap_or_default(),
        incident.event_type.clone().unwrap_or_default(),
        incident.sub_event_type.clone().unwrap_or_default(),
        party(&incident.perpetrator),
        party(&incident.target),
        incident.casualties.killed_civilian.max.to_string(),
        incident.casualties.killed_combatant.max.to_string(),
        item.assessment.labels.join("|"),
        item.assessment.verification.clone(),
        incident.notes.clone(),
    ]
}

fn csv_rows(items: &[IncidentResponse]) -> String {
    let mut text = String::new();
    for item in items {
        let row: Vec<String> = values(item).iter().map(|v| csv_field(v)).collect();
        text.push_str(&row.join(","));
        text.push('\n');
    }
    text
}

/// Features, each preceded by a comma unless it is the file's first.
fn features(items: &[IncidentResponse], first: bool) -> String {
    let mut text = String::new();
    for (index, item) in items.iter().enumerate() {
        let properties: serde_json::Map<String, serde_json::Value> = COLUMNS
            .iter()
            .zip(values(item))
            .map(|(name, value)| ((*name).to_owned(), serde_json::Value::String(value)))
            .collect();
        let feature = serde_json::json!({
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [item.incident.lon, item.incident.lat]},
            "properties": properties,
        });
        if !(first && index == 0) {
            text.push(',');
        }
        text.push_str(&feature.to_string());
    }
    text
}

/// Which file.
#[derive(Clone, Copy)]
enum Format {
    Csv,
    GeoJson,
}

pub async fn csv(
    State(state): State<AppState>,
    auth: Authenticated,
    Query(query): Query<ListQuery>,
) -> Result<Response, ApiError> {
    download(state, auth, query, Format::Csv).await
}

pub async fn geojson(
    State(state): State<AppState>,
    auth: Authenticated,
    Query(query): Query<ListQuery>,
) -> Result<Response, ApiError> {
    download(state, auth, query, Format::GeoJson).await
}

async fn download(
    state: AppState,
    auth: Authenticated,
    query: ListQuery,
    format: Format,
) -> Result<Response, ApiError> {
    let mut first_query = query.api_query(PAGE);
    first_query.cursor = None;
    // The first page before the answer: a filter the list refuses is refused here too, with
    // its error, instead of a file cut short.
    let first = incident_page(&state, &auth, &first_query).await?;
    let head = match format {
        Format::Csv => format!("{}\n{}", COLUMNS.join(","), csv_rows(&first.items)),
        Format::GeoJson => format!(
            "{{\"type\":\"FeatureCollection\",\"features\":[{}",
            features(&first.items, true)
        ),
    };
    // The stream's state: the next page's cursor, and whether a feature has been written
    // (every later one is preceded by a comma).
    let start = (first.next, !first.items.is_empty());
    let pages = stream::unfold(start, move |(cursor, written)| {
        let (state, auth, mut next_query) = (state.clone(), auth.clone(), first_query.clone());
        async move {
            next_query.cursor = Some(cursor?);
            match incident_page(&state, &auth, &next_query).await {
                Ok(page) => {
                    let text = match format {
                        Format::Csv => csv_rows(&page.items),
                        Format::GeoJson => features(&page.items, !written),
                    };
                    let written = written || !page.items.is_empty();
                    Some((Ok(Bytes::from(text)), (page.next, written)))
                }
                // The answer has begun: the file can only be cut short, which the client sees.
                Err(error) => Some((
                    Err(std::io::Error::other(error.to_string())),
                    (None, written),
                )),
            }
        }
    });
    let tail = match format {
        Format::Csv => "",
        Format::GeoJson => "]}\n",
    };
    let body = stream::iter([Ok::<Bytes, std::io::Error>(Bytes::from(head))])
        .chain(pages)
        .chain(stream::iter([Ok(Bytes::from_static(tail.as_bytes()))]));
    let (content_type, name) = match format {
        Format::Csv => ("text/csv; charset=utf-8", "incidents.csv"),
        Format::GeoJson => ("application/geo+json", "incidents.geojson"),
    };
    Ok((
        [
            (CONTENT_TYPE, content_type.to_owned()),
            (
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        Body::from_stream(body),
    )
        .into_response())
}
