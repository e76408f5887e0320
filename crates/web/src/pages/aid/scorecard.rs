//! `/humanitarian/scorecard`: the working group's weekly scorecard as of a day, every figure
//! with the records behind it.

use axum::extract::State;
use axum::http::{HeaderMap, Uri};
use axum::response::Response;
use maud::{Markup, html};

use super::super::bidi::{ltr, number, plain};
use super::super::{Lang, layout, with_lang_cookie};
use super::{AidQuery, lang_suffix};
use crate::AppState;
use crate::api::{AidView, DEFAULT_CLASSIFIER, as_of_day, scorecard_of};
use crate::auth::Authenticated;
use crate::error::ApiError;
use crate::extract::Query;

/// The links to the records behind a figure.
fn behind(lang: Lang, ids: &[String], path: &str) -> Markup {
    // An air operation is a section of the log: the language goes before the fragment.
    let href = |id: &str| match path.strip_suffix('#') {
        Some(page) => format!("{page}{}#{id}", lang_suffix(lang, '?')),
        None => format!("{path}{id}{}", lang_suffix(lang, '?')),
    };
    html! {
        @if ids.is_empty() { span.muted { (lang.t("score.no_records")) } }
        @else {
            details.behind { summary { (lang.t("score.records").replace("{n}", &number(lang, ids.len() as u64))) }
                ul { @for id in ids { li { a href=(href(id)) { (ltr(id)) } } } }
            }
        }
    }
}

/// `GET /humanitarian/scorecard`.
pub async fn page(
    State(state): State<AppState>,
    auth: Authenticated,
    Query(query): Query<AidQuery>,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Response, ApiError> {
    let (lang, chosen) = Lang::choose(query.lang.as_deref(), &headers);
    // The figures of the records the viewer may see: the public's count no pending approval
    // (stepping the day would otherwise date convoys it may not see).
    let visible = AidView::of(&auth).filter(state.service().humanitarian().await?);
    let as_of = as_of_day(&state, query.as_of.as_deref(), &visible)?;
    let classifier = query
        .classifier
        .as_deref()
        .filter(|c| !c.is_empty())
        .unwrap_or(DEFAULT_CLASSIFIER)
        .to_owned();
    let mut classifiers: Vec<String> = visible
        .locations
        .iter()
        .flat_map(|l| l.classifiers().into_iter().map(str::to_owned))
        .collect();
    classifiers.sort();
    classifiers.dedup();
    let card = scorecard_of(&state.world(), &visible, as_of, &classifier);
    let shown = |figure: &str| card.records.get(figure).cloned().unwrap_or_default();
    let rows: [(&str, String, &str); 12] = [
        (
            "besieged_locations_total",
            number(lang, card.besieged_locations_total),
            "/besieged/",
        ),
        (
            "besieged_locations_reached",
            number(lang, card.besieged_locations_reached),
            "/besieged/",
        ),
        (
            "people_reached_cumulative",
            number(lang, card.people_reached_cumulative),
            "/convoys/",
        ),
        (
            "people_reached_month",
            number(lang, card.people_reached_month),
            "/convoys/",
        ),
        (
            "approvals_pending",
            number(lang, card.approvals_pending),
            "/convoys/",
        ),
        (
            "approvals_overdue",
            number(lang, card.approvals_overdue),
            "/convoys/",
        ),
        (
            "medical_removals",
            number(lang, card.medical_removals),
            "/convoys/",
        ),
        (
            "airdrops_flown",
            number(lang, card.airdrops_flown),
            "/air-operations#",
        ),
        (
            "tonnes_delivered",
            lang.digits(&format!("{:.1}", card.tonnes_delivered)),
            "/air-operations#",
        ),
        (
            "pallets_dropped",
            number(lang, card.pallets_dropped),
            "/air-operations#",
        ),
        (
            "pallets_recovered",
            number(lang, card.pallets_recovered),
            "/air-operations#",
        ),
        (
            "convoys_aborted_by_reason",
            number(lang, card.convoys_aborted_by_reason.values().sum()),
            "/convoys/",
        ),
    ];
    let date = as_of.format("%Y-%m-%d").to_string();
    let body = html! {
        h1 { (lang.t("nav.scorecard")) }
        p { (lang.t("score.intro")) }
        form.filters method="get" action="/humanitarian/scorecard" {
            @if lang == Lang::Ar { input type="hidden" name="lang" value="ar"; }
            div.field { label for="as_of" { (lang.t("aid.as_of")) }
                input #as_of type="date" name="as_of" value=(date); }
            div.field { label for="classifier" { (lang.t("aid.classifier")) }
                select #classifier name="classifier" { @for c in &classifiers { option value=(c) selected[*c == classifier] { (plain(lang, c)) } } } }
            button type="submit" { (lang.t("aid.show")) }
        }
        table.cards.scorecard {
            thead { tr { th scope="col" { (lang.t("score.figure")) } th scope="col" { (lang.t("score.value")) } th scope="col" { (lang.t("score.behind")) } } }
            tbody {
                @for (figure, value, path) in &rows {
                    tr id=(figure) {
                        th scope="row" { (lang.t(&format!("score.{figure}"))) }
                        td data-label=(lang.t("score.value")) { strong.figure { (value) } }
                        td data-label=(lang.t("score.behind")) { (behind(lang, &shown(figure), path)) }
                    }
                }
            }
        }
        h2 { (lang.t("score.convoys_aborted_by_reason")) }
        ul { @for (reason, n) in &card.convoys_aborted_by_reason {
            li { (lang.value("convoy.abort", reason)) (lang.t("list.colon")) (number(lang, *n)) }
        } }
        p.muted { (lang.t("score.notes")) }
        p.links { a href=(format!("/api/v1/humanitarian/scorecard?as_of={date}&classifier={}", form_urlencoded::byte_serialize(classifier.as_bytes()).collect::<String>())) { (lang.t("data.json")) } }
    };
    let path = uri
        .path_and_query()
        .map_or("/humanitarian/scorecard", |pq| pq.as_str());
    Ok(with_lang_cookie(
        lang,
        chosen,
        layout(&state, &auth, lang, &lang.t("nav.scorecard"), path, body),
    ))
}
