//! Readable pages for the reference data, each with its data as JSON (the API) and CSV:
//! `/actors` and `/terms` (the besieged list is in `aid`).

use axum::extract::State;
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::{HeaderMap, Uri};
use axum::response::{IntoResponse, Response};
use maud::{Markup, html};
use serde::Deserialize;
use truce_core::agreement::Geography;

use super::bidi::{day, in_lang, local_time, ltr, number, utc_time};
use super::{Lang, actor_label, layout, with_lang_cookie};
use crate::AppState;
use crate::auth::Authenticated;
use crate::error::ApiError;
use crate::extract::Query;

#[derive(Debug, Default, Deserialize)]
pub struct LangQuery {
    lang: Option<String>,
}

/// One CSV field, quoted when it needs to be. A field a spreadsheet would read as a formula
/// (starting with `=`, `+`, `-`, `@`, a tab or a carriage return, and not a plain number) gets
/// a leading `'`, as OWASP recommends against formula injection.
pub(crate) fn csv_field(text: &str) -> String {
    let formula =
        text.starts_with(['=', '+', '-', '@', '\t', '\r']) && text.parse::<f64>().is_err();
    let text = if formula {
        format!("'{text}")
    } else {
        text.to_owned()
    };
    if formula || text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

pub(crate) fn csv(name: &str, header: &[&str], rows: Vec<Vec<String>>) -> Response {
    let mut text = header.join(",");
    text.push('\n');
    for row in rows {
        text.push_str(
            &row.iter()
                .map(|f| csv_field(f))
                .collect::<Vec<_>>()
                .join(","),
        );
        text.push('\n');
    }
    (
        [
            (CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        text,
    )
        .into_response()
}

fn commitment_text(state: &AppState, id: &truce_core::actor::ActorId, lang: Lang) -> Markup {
    let world = state.world();
    let scenario = &world.scenario;
    let found = scenario
        .actors
        .ancestry(id)
        .find_map(|a| scenario.commitment(&a.id).map(|c| (a.id.clone(), c)));
    match found {
        Some((holder, commitment)) => html! {
            @if &holder != id {
                (lang.t("actors.via")) " " (actor_label(holder.as_str(), lang, scenario)) " · "
            }
            (ltr(&commitment.channel.to_string()))
            @if let Some(declared) = commitment.declared_at() { " · " (utc_time(lang, declared)) }
        },
        None => html! { "—" },
    }
}

/// An actor's other names, each isolated in its own direction, so that a list mixing English
/// and Arabic keeps its order and its separators.
fn aliases(actor: &truce_core::actor::Actor, lang: Lang) -> Markup {
    let separator = lang.t("list.separator");
    html! {
        @for (index, alias) in actor.aliases.iter().enumerate() {
            @if index > 0 { (separator) }
            bdi lang=(alias.lang) dir=(if alias.lang == "ar" { "rtl" } else { "ltr" }) { (alias.text) }
        }
    }
}

pub async fn actors(
    State(state): State<AppState>,
    auth: Authenticated,
    Query(query): Query<LangQuery>,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Response, ApiError> {
    let (lang, chosen) = Lang::choose(query.lang.as_deref(), &headers);
    let world = state.world();
    let registry = &world.scenario.actors;
    let body = html! {
        h1 { (lang.t("actors.title")) }
        p { a href="/api/v1/actors" { (lang.t("data.json")) } " · " a href="/actors.csv" { (lang.t("data.csv")) } }
        table.cards {
            thead { tr {
                th scope="col" { (lang.t("actors.name")) } th scope="col" { (lang.t("actors.name_other")) }
                th scope="col" { (lang.t("actors.side")) } th scope="col" { (lang.t("actors.guarantor")) }
                th scope="col" { (lang.t("actors.commitment")) } th scope="col" { (lang.t("actors.designation")) }
                th scope="col" { (lang.t("actors.aliases")) }
            } }
            tbody {
                @for actor in registry.actors() {
                    tr {
                        th scope="row" { a href=(format!("/incidents?actor={}", actor.id)) { (in_lang(lang, &actor.name, &actor.name_ar)) } }
                        td data-label=(lang.t("actors.name_other")) { @match lang {
                            Lang::En => bdi lang="ar" dir="rtl" { (actor.name_ar) },
                            Lang::Ar => bdi lang="en" dir="ltr" { (actor.name) },
                        } }
                        td data-label=(lang.t("actors.side")) { (lang.t(&format!("side.{}", actor.side.as_str()))) }
                        td data-label=(lang.t("actors.guarantor")) { @match registry.guarantor(&actor.id) { Some(c) => (ltr(&c.to_string())), None => "—" } }
                        td data-label=(lang.t("actors.commitment")) { (commitment_text(&state, &actor.id, lang)) }
                        td data-label=(lang.t("actors.designation")) { @for d in registry.designations().iter().filter(|d| d.actor == actor.id) {
                            (ltr(&d.list)) " · " (lang.t(&format!("status.{}", format!("{:?}", d.status).to_lowercase()))) " · " (day(lang, d.listed_from.date_naive())) br;
                        } }
                        td data-label=(lang.t("actors.aliases")) { (aliases(actor, lang)) }
                    }
                }
            }
        }
    };
    let path = uri.path_and_query().map_or("/actors", |pq| pq.as_str());
    Ok(with_lang_cookie(
        lang,
        chosen,
        layout(&state, &auth, lang, &lang.t("actors.title"), path, body),
    ))
}

pub async fn actors_csv(State(state): State<AppState>) -> Response {
    let world = state.world();
    let registry = &world.scenario.actors;
    let rows = registry
        .actors()
        .iter()
        .map(|a| {
            vec![
                a.id.to_string(),
                a.name.clone(),
                a.name_ar.clone(),
                a.acled_type.to_string(),
                a.side.as_str().to_owned(),
                registry
                    .guarantor(&a.id)
                    .map(|c| c.to_string())
                    .unwrap_or_default(),
                a.parent.as_ref().map(|p| p.to_string()).unwrap_or_default(),
                a.aliases
                    .iter()
                    .map(|x| x.text.as_str())
                    .collect::<Vec<_>>()
                    .join("|"),
            ]
        })
        .collect();
    csv(
        "actors.csv",
        &[
            "id",
            "name",
            "name_ar",
            "acled_type",
            "side",
            "guarantor",
            "parent",
            "aliases",
        ],
        rows,
    )
}

pub async fn terms(
    State(state): State<AppState>,
    auth: Authenticated,
    Query(query): Query<LangQuery>,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Response, ApiError> {
    let (lang, chosen) = Lang::choose(query.lang.as_deref(), &headers);
    let world = state.world();
    let agreement = &world.scenario.agreement;
    let body = html! {
        h1 { (lang.t("terms.title")) ": " (in_lang(lang, &agreement.name, &agreement.name_ar)) }
        p { a href=(format!("/api/v1/agreements/{}", agreement.id)) { (lang.t("data.json")) } }
        @for version in &agreement.versions {
            section {
                h2 { (lang.t("terms.version")) " " (number(lang, version.number.into())) ": " (in_lang(lang, &version.title, &version.title_ar)) }
                dl {
                    dt { (lang.t("dash.start")) } dd { (local_time(lang, version.effective_start, version.zone)) " · " (utc_time(lang, version.effective_start)) }
                    @if let Some(deadline) = version.acceptance_deadline {
                        dt { (lang.t("terms.deadline")) } dd { (local_time(lang, deadline, version.zone)) " · " (utc_time(lang, deadline)) }
                    }
                    dt { (lang.t("terms.geography")) }
                    dd { (match version.geography { Geography::Nationwide => lang.t("terms.nationwide"), Geography::Area { .. } => lang.t("terms.local") }) }
                    dt { (lang.t("terms.excluded")) }
                    dd {
                        @for list in &version.excluded_lists { (ltr(list)) (lang.t("list.separator")) }
                        (version.excluded_actors.iter().map(|a| actor_label(a.as_str(), lang, &world.scenario)).collect::<Vec<_>>().join(&lang.t("list.separator")))
                    }
                    dt { (lang.t("terms.window")) } dd { (number(lang, version.transition_window.num_hours().unsigned_abs())) }
                }
                h3 { (lang.t("terms.obligations")) }
                table {
                    thead { tr { th scope="col" { "" } th scope="col" { (lang.t("terms.applies_to")) } th scope="col" { "" } } }
                    tbody { @for obligation in &version.obligations {
                        tr { th scope="row" { code dir="ltr" { (obligation.code.as_str()) } }
                             td { (obligation.applies_to.iter().map(|s| lang.t(&format!("side.{}", s.as_str()))).collect::<Vec<_>>().join(&lang.t("list.separator"))) }
                             td { (in_lang(lang, &obligation.text, &obligation.text_ar)) } }
                    } }
                }
                h3 { (lang.t("terms.sources")) }
                ul { @for source in &version.sources { li { (in_lang(lang, source, "")) } } }
            }
        }
    };
    let path = uri.path_and_query().map_or("/terms", |pq| pq.as_str());
    Ok(with_lang_cookie(
        lang,
        chosen,
        layout(&state, &auth, lang, &lang.t("terms.title"), path, body),
    ))
}

#[cfg(test)]
mod tests {
    use super::csv_field;

    #[test]
    fn formulas_are_defused_and_numbers_kept() {
        assert_eq!(
            csv_field("=HYPERLINK(\"http://x\",\"y\")"),
            "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""
        );
        assert_eq!(csv_field("@SUM(A1)"), "\"'@SUM(A1)\"");
        assert_eq!(csv_field("+1 555"), "\"'+1 555\"");
        assert_eq!(csv_field("-36.5"), "-36.5");
        assert_eq!(csv_field("Jaysh al-Islam"), "Jaysh al-Islam");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
    }
}
