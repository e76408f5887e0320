//! `/air-operations`: the log of airdrops and airlifts, newest first, with pallets dropped and
//! recovered and the sources of each.

use axum::extract::State;
use axum::http::{HeaderMap, Uri};
use axum::response::Response;
use maud::html;

use super::super::bidi::{ltr, number, plain, utc_time};
use super::super::{Lang, layout, with_lang_cookie};
use super::{AidQuery, location_link, sources};
use crate::AppState;
use crate::api::{air_view, visible_records};
use crate::auth::Authenticated;
use crate::error::ApiError;
use crate::extract::Query;

/// `GET /air-operations`.
pub async fn log(
    State(state): State<AppState>,
    auth: Authenticated,
    Query(query): Query<AidQuery>,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Response, ApiError> {
    let (lang, chosen) = Lang::choose(query.lang.as_deref(), &headers);
    let records = visible_records(&state, &auth).await?;
    let mut operations = records.air_operations.clone();
    operations.sort_by_key(|op| std::cmp::Reverse(op.steps.first().map(|step| step.at)));
    let count = |n: Option<u32>| n.map_or_else(|| "—".to_owned(), |n| number(lang, u64::from(n)));
    let body = html! {
        h1 { (lang.t("nav.air")) }
        p { (lang.t("air.intro")) }
        p.links { a href="/api/v1/air-operations" { (lang.t("data.json")) } }
        @for operation in operations {
            @let view = air_view(operation);
            @let op = &view.operation;
            section.air-operation id=(op.id) {
                h2 { (lang.value("air.kind", op.kind.name())) " " (ltr(&op.id)) }
                p { strong { (lang.value("air.state", view.state.name())) }
                    @if op.compiled { " " span.badge { (lang.t("aid.compiled")) } }
                    @if op.illustrative { " " span.badge { (lang.t("aid.illustrative")) } } }
                dl.facts {
                    dt { (lang.t("air.destination")) } dd { (location_link(lang, &records.locations, &op.destination)) }
                    @if let Some(at) = op.flown_at() { dt { (lang.t("air.flown")) } dd { (utc_time(lang, at)) } }
                    @if !op.origin.is_empty() { dt { (lang.t("air.origin")) } dd { (ltr(&op.origin)) } }
                    @if !op.aircraft.is_empty() { dt { (lang.t("air.aircraft")) } dd { (ltr(&op.aircraft)) } }
                    @if let Some(altitude) = op.altitude_m { dt { (lang.t("air.altitude")) } dd { (number(lang, u64::from(altitude))) } }
                    @if let Some(tonnes) = op.tonnes { dt { (lang.t("air.tonnes")) } dd { (ltr(&lang.digits(&format!("{tonnes}")))) } }
                    dt { (lang.t("air.pallets_dropped")) } dd { (count(view.pallets_dropped)) }
                    dt { (lang.t("air.pallets_recovered")) } dd { (count(view.pallets_recovered)) }
                    @if let Some(unaccounted) = op.steps.iter().find_map(|s| s.pallets_unaccounted) {
                        dt { (lang.t("air.pallets_unaccounted")) } dd { (number(lang, u64::from(unaccounted))) }
                    }
                    @if let Some(tonnes) = view.tonnes_delivered { dt { (lang.t("air.tonnes_delivered")) } dd { (ltr(&lang.digits(&format!("{:.1}", tonnes)))) } }
                    @if let Some(zone) = &op.drop_zone { dt { (lang.t("air.drop_zone")) } dd { (ltr(&format!("{} ({:.4}, {:.4})", zone.name, zone.lat, zone.lon))) } }
                }
                @if !op.note.is_empty() { p { (plain(lang, &op.note)) } }
                details { summary { (lang.t("convoy.steps")) }
                    ul { @for step in &op.steps { li {
                        (lang.value("air.state", step.to.name())) " — " (utc_time(lang, step.at))
                        @if !step.note.is_empty() { " " span.muted { (plain(lang, &step.note)) } }
                    } } }
                }
                details { summary { (lang.t("aid.sources")) } (sources(lang, &op.sources)) }
            }
        }
    };
    let path = uri
        .path_and_query()
        .map_or("/air-operations", |pq| pq.as_str());
    Ok(with_lang_cookie(
        lang,
        chosen,
        layout(&state, &auth, lang, &lang.t("nav.air"), path, body),
    ))
}
