//! `/incidents` (the filtered list) and `/incidents/{id}` (one incident, explained).

use axum::extract::State;
use axum::http::{HeaderMap, Uri};
use axum::response::Response;
use chrono::{DateTime, Utc};
use maud::{Markup, PreEscaped, html};
use serde::Deserialize;
use truce_core::Label;
use truce_map::{Area, Layer, Marker, Viewport, render};

use super::{Lang, layout, with_lang_cookie};
use crate::AppState;
use crate::api::{IncidentQuery, incident_page};
use crate::auth::Authenticated;
use crate::error::ApiError;
use crate::extract::{Path, Query};
use crate::views::{ActorRefView, IncidentResponse, IncidentView};
use truce_service::world::{core_incident, source_grade};

/// The list's filters, as an HTML form sends them (dates without times, empty fields).
#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    lang: Option<String>,
    from: Option<String>,
    to: Option<String>,
    admin1: Option<String>,
    label: Option<String>,
    actor: Option<String>,
    side: Option<String>,
    verification: Option<String>,
    q: Option<String>,
    cursor: Option<String>,
}

impl ListQuery {
    /// The API's query for these filters, `limit` incidents a page.
    pub(crate) fn api_query(&self, limit: usize) -> IncidentQuery {
        IncidentQuery {
            from: as_instant(non_empty(&self.from)),
            to: as_instant(non_empty(&self.to)),
            admin1: non_empty(&self.admin1),
            label: non_empty(&self.label),
            actor: non_empty(&self.actor),
            side: non_empty(&self.side),
            verification: non_empty(&self.verification),
            q: non_empty(&self.q),
            cursor: non_empty(&self.cursor),
            limit: Some(limit),
            bbox: None,
        }
    }
}

fn non_empty(value: &Option<String>) -> Option<String> {
    value
        .as_ref()
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

/// A form date (`2016-03-01`) as the start of that day in UTC; full RFC 3339 times pass through.
fn as_instant(value: Option<String>) -> Option<String> {
    value.map(|v| {
        if v.len() == 10 {
            format!("{v}T00:00:00Z")
        } else {
            v
        }
    })
}

/// An instant of the API's views (RFC 3339) in Damascus time, for people.
fn local_time(lang: Lang, rfc3339: &str, zone: chrono_tz::Tz) -> Markup {
    match DateTime::parse_from_rfc3339(rfc3339) {
        Ok(t) => super::bidi::local_time(lang, t.with_timezone(&Utc), zone),
        Err(_) => super::bidi::ltr(rfc3339),
    }
}

/// When an incident happened, as precisely as it is known: the time of day only when it was
/// given (a time known to the day shows its day, not the hour it was filed under).
fn occurred(lang: Lang, incident: &IncidentView, zone: chrono_tz::Tz) -> Markup {
    match DateTime::parse_from_rfc3339(&incident.occurred_at) {
        Ok(t) if incident.time_precision >= 1 => {
            super::bidi::day(lang, t.with_timezone(&zone).date_naive())
        }
        _ => local_time(lang, &incident.occurred_at, zone),
    }
}

/// A registry actor by its name in the page's language; any other by the name it was given.
fn actor_name(actor: &Option<ActorRefView>, lang: Lang, state: &AppState) -> String {
    let world = state.world();
    match actor {
        Some(ActorRefView { id: Some(id), .. })
            if world
                .scenario
                .actors
                .get(&truce_core::actor::ActorId::new(id))
                .is_some() =>
        {
            super::actor_label(id, lang, &world.scenario)
        }
        // A name the registry lacks, as it was given: its Latin isolated on an Arabic page.
        Some(actor) => super::bidi::plain(lang, &actor.name),
        None => "—".to_owned(),
    }
}

/// The stored assessment's reasons in structured form, so that they can be said in any language.
/// The store keeps the English sentences; classifying the incident again against the current
/// world gives the structure, which is used only when it says exactly what the store says.
fn structured_reasons(
    stored: &crate::api::StoredIncident,
    scenario: &truce_core::scenario::Scenario,
) -> Option<Vec<truce_core::classify::Reason>> {
    let detail = &stored.detail;
    let sources = stored.reports.iter().map(source_grade).collect();
    let incident = core_incident(&stored.incident, sources).ok()?;
    let reasons = truce_core::classify(&incident, scenario).reasons;
    let same = reasons.len() == detail.assessment.reasons.len()
        && reasons
            .iter()
            .zip(&detail.assessment.reasons)
            .all(|(reason, stored)| reason.to_string() == *stored);
    same.then_some(reasons)
}

/// How much of a long text a page shows; the rest is a link away, so that a page stays light
/// however long the reports about an incident are.
const SHOWN_CHARS: usize = 2_000;

/// A text cut at [`SHOWN_CHARS`] characters, with a link to the whole of it when it was cut.
fn long_text(text: &str, full: &str, lang: Lang) -> maud::Markup {
    match text.char_indices().nth(SHOWN_CHARS) {
        // Free text in whichever language it was written: isolated, its direction its own.
        None => html! { bdi { (text) } },
        Some((end, _)) => html! {
            bdi { (&text[..end]) } "… "
            a href=(full) { (lang.t("detail.full_text")) " (" (text.chars().count()) " " (lang.t("detail.characters")) ")" }
        },
    }
}

/// Why an assessment was made, in `lang`. The store keeps the English sentences written by the
/// API (`area version … added` and so on); a cause it does not recognise is shown as it is.
fn cause_text(cause: &str, lang: Lang, name_of: &dyn Fn(&str) -> String) -> String {
    use truce_core::explain::{Arg, Message};
    let message = |key: &str, args: &[(&str, Arg)]| Message {
        key: format!("cause.{key}"),
        args: args
            .iter()
            .map(|(name, arg)| ((*name).to_owned(), arg.clone()))
            .collect(),
    };
    let text = |value: &str| Arg::Text(value.to_owned());
    let actor = |value: &str| Arg::Actor(value.to_owned());
    let parsed = if cause == "classified when reported" {
        Some(message("reported", &[]))
    } else if let Some(id) = cause
        .strip_prefix("area version ")
        .and_then(|rest| rest.strip_suffix(" added"))
    {
        Some(message("area_added", &[("id", text(id))]))
    } else if let Some((who, list)) = cause
        .strip_prefix("designation of ")
        .and_then(|rest| rest.strip_suffix(" added"))
        .and_then(|rest| rest.split_once(" on "))
    {
        Some(message(
            "designation_added",
            &[("actor", actor(who)), ("list", text(list))],
        ))
    } else {
        cause
            .strip_prefix("commitment of ")
            .and_then(|rest| rest.strip_suffix(" changed"))
            .map(|who| message("commitment_changed", &[("actor", actor(who))]))
    };
    parsed.map_or_else(
        || super::bidi::plain(lang, cause),
        |m| lang.message(&m, name_of),
    )
}

fn kind_name(value: Option<&str>, prefix: &str, lang: Lang) -> String {
    value.map_or_else(|| "—".to_owned(), |value| lang.value(prefix, value))
}

/// Where an incident happened, as finely as the viewer may see it: its sub-district, else its
/// governorate.
fn place_name(incident: &IncidentView, lang: Lang, state: &AppState) -> String {
    let world = state.world();
    let scenario = &world.scenario;
    let unit = incident
        .admin3_pcode
        .as_deref()
        .and_then(|p| scenario.admin3.get(p))
        .or_else(|| {
            incident
                .admin1_pcode
                .as_deref()
                .and_then(|p| scenario.admin1.get(p))
        });
    unit.map_or_else(
        || "—".to_owned(),
        |unit| super::bidi::name_in(lang, &unit.name_en, &unit.name_ar),
    )
}

pub(crate) fn badges(labels: &[String], lang: Lang) -> Markup {
    html! {
        @for label in labels {
            span class=(format!("badge lbl-{label}")) { (lang.t(&format!("label.{label}"))) } " "
        }
    }
}

pub async fn list(
    State(state): State<AppState>,
    auth: Authenticated,
    Query(query): Query<ListQuery>,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Response, ApiError> {
    let (lang, chosen) = Lang::choose(query.lang.as_deref(), &headers);
    let page = incident_page(&state, &auth, &query.api_query(50)).await?;
    let world = state.world();
    let zone = super::zone_of(&world.scenario);
    let path_and_query = uri.path_and_query().map_or("/incidents", |pq| pq.as_str());
    let next_link = page.next.as_ref().map(|cursor| {
        let kept: Vec<String> = path_and_query
            .split_once('?')
            .map_or("", |(_, q)| q)
            .split('&')
            .filter(|pair| !pair.is_empty() && !pair.starts_with("cursor="))
            .map(str::to_owned)
            .collect();
        let mut url = format!("/incidents?cursor={cursor}");
        for pair in kept {
            url.push('&');
            url.push_str(&pair);
        }
        url
    });
    let json_link = path_and_query.replacen("/incidents", "/api/v1/incidents", 1);
    // The downloads take the filters, not the page: the whole of the list.
    let download_link = |extension: &str| {
        let filters: Vec<&str> = path_and_query
            .split_once('?')
            .map_or("", |(_, q)| q)
            .split('&')
            .filter(|pair| {
                !pair.is_empty() && !pair.starts_with("cursor=") && !pair.starts_with("lang=")
            })
            .collect();
        format!("/incidents.{extension}?{}", filters.join("&"))
    };
    let selected = |value: &Option<String>, option: &str| value.as_deref() == Some(option);
    let body = html! {
        h1 { (lang.t("incidents.title")) }
        p.notice role="note" { (lang.t("map.synthetic")) }
        form.filters method="get" action="/incidents" {
            fieldset {
                legend { (lang.t("incidents.filter")) }
                @if let Some(code) = &query.lang { input type="hidden" name="lang" value=(code); }
                label { (lang.t("incidents.from")) " " input type="date" name="from" value=[non_empty(&query.from)]; }
                label { (lang.t("incidents.to")) " " input type="date" name="to" value=[non_empty(&query.to)]; }
                label { (lang.t("incidents.governorate")) " "
                    select name="admin1" {
                        option value="" { (lang.t("incidents.any")) }
                        @for unit in world.scenario.admin1.units() {
                            option value=(unit.pcode.as_ref()) selected[selected(&query.admin1, &unit.pcode)] {
                                (if lang == Lang::Ar { &unit.name_ar } else { &unit.name_en })
                            }
                        }
                    }
                }
                label { (lang.t("incidents.label")) " "
                    select name="label" {
                        option value="" { (lang.t("incidents.any")) }
                        @for label in Label::ALL {
                            option value=(label.as_str()) selected[selected(&query.label, label.as_str())] { (lang.t(&format!("label.{}", label.as_str()))) }
                        }
                    }
                }
                // Only the filters the viewer may use (docs/security.md).
                label { (lang.t("incidents.verification")) " "
                    select name="verification" {
                        option value="" { (lang.t("incidents.any")) }
                        @for status in ["alleged", "verified"] {
                            option value=(status) selected[selected(&query.verification, status)] { (lang.t(&format!("verification.{status}"))) }
                        }
                    }
                }
                @if auth.viewer().sees_exact_places() {
                    label { (lang.t("incidents.actor")) " " input type="text" name="actor" value=[non_empty(&query.actor)]; }
                    label { (lang.t("incidents.side")) " "
                        select name="side" {
                            option value="" { (lang.t("incidents.any")) }
                            @for side in truce_core::actor::Side::ALL {
                                option value=(side.as_str()) selected[selected(&query.side, side.as_str())] { (lang.t(&format!("side.{}", side.as_str()))) }
                            }
                        }
                    }
                }
                @if auth.viewer().may(truce_core::access::Permission::SearchNotes, state.security().public) {
                    label { (lang.t("incidents.text")) " " input type="search" name="q" value=[non_empty(&query.q)]; }
                }
                button type="submit" { (lang.t("incidents.apply")) } " "
                a href="/incidents" { (lang.t("incidents.clear")) }
            }
        }
        @if page.items.is_empty() {
            p { (lang.t("incidents.none")) }
        } @else {
            table.incidents.cards {
                thead { tr {
                    th scope="col" { (lang.t("col.time")) }
                    th scope="col" { (lang.t("col.place")) }
                    th scope="col" { (lang.t("col.perpetrator")) }
                    th scope="col" { (lang.t("col.target")) }
                    th scope="col" { (lang.t("col.type")) }
                    th scope="col" { (lang.t("col.labels")) }
                } }
                tbody {
                    @for item in &page.items {
                        tr {
                            td data-label=(lang.t("col.time")) { a href=(format!("/incidents/{}", item.incident.id)) { (occurred(lang, &item.incident, zone)) } }
                            td data-label=(lang.t("col.place")) { (place_name(&item.incident, lang, &state)) }
                            td data-label=(lang.t("col.perpetrator")) { (actor_name(&item.incident.perpetrator, lang, &state)) }
                            td data-label=(lang.t("col.target")) { (actor_name(&item.incident.target, lang, &state)) }
                            td data-label=(lang.t("col.type")) { @match (&item.incident.sub_event_type, &item.incident.event_type) {
                                (Some(sub), _) => (lang.value("sub", sub)),
                                (None, Some(event)) => (lang.value("event", event)),
                                (None, None) => "—",
                            } }
                            td data-label=(lang.t("col.labels")) { (badges(&item.assessment.labels, lang)) }
                        }
                    }
                }
            }
        }
        p {
            @if let Some(next) = &next_link { a rel="next" href=(next) { (lang.t("incidents.next")) } " · " }
            a href=(json_link) { (lang.t("incidents.json")) } " · "
            a href=(download_link("csv")) download { (lang.t("incidents.csv")) } " · "
            a href=(download_link("geojson")) download { (lang.t("incidents.geojson")) }
        }
    };
    Ok(with_lang_cookie(
        lang,
        chosen,
        layout(
            &state,
            &auth,
            lang,
            &lang.t("incidents.title"),
            path_and_query,
            body,
        ),
    ))
}

/// An incident's title, as people would say it: its type, its place and its day.
pub(crate) fn heading(
    incident: &IncidentView,
    lang: Lang,
    state: &AppState,
    zone: chrono_tz::Tz,
) -> String {
    let kind = match (&incident.sub_event_type, &incident.event_type) {
        (Some(sub), _) => lang.value("sub", sub),
        (None, Some(event)) => lang.value("event", event),
        (None, None) => lang.t("detail.title"),
    };
    let day = DateTime::parse_from_rfc3339(&incident.occurred_at)
        .map(|t| lang.digits(&t.with_timezone(&zone).format("%Y-%m-%d").to_string()))
        .unwrap_or_default();
    let day = match lang {
        Lang::Ar => super::bidi::ltr_plain(&day),
        Lang::En => day,
    };
    lang.t("detail.heading")
        .replace("{type}", &kind)
        .replace("{place}", &place_name(incident, lang, state))
        .replace("{day}", &day)
}

#[derive(Debug, Default, Deserialize)]
pub struct DetailQuery {
    lang: Option<String>,
    /// Set by the report form after it saved the incident.
    saved: Option<String>,
    /// Set after a report was added from this page.
    report_saved: Option<String>,
}

pub async fn detail(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(id): Path<String>,
    Query(query): Query<DetailQuery>,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Response, ApiError> {
    let (lang, chosen) = Lang::choose(query.lang.as_deref(), &headers);
    let stored = crate::api::stored_incident(&state, &auth, &id).await?;
    let detail = &stored.detail;
    let world = state.world();
    let zone = super::zone_of(&world.scenario);
    let incident = &detail.incident;
    let inset = inset_map(
        &state,
        lang,
        &IncidentResponse {
            incident: incident.clone(),
            assessment: detail.assessment.clone(),
        },
    );
    let path_and_query = uri.path_and_query().map_or("/", |pq| pq.as_str());
    let precision = |n: u8| lang.t(&format!("detail.precision.{n}"));
    let name_of = |id: &str| super::actor_label(id, lang, &world.scenario);
    // The reasons name actors and areas: only for a viewer who may see the parties.
    let explained = if stored.seen.parties {
        structured_reasons(&stored, &world.scenario)
    } else {
        None
    };
    let body = html! {
        h1 { (heading(incident, lang, &state, zone)) }
        p.muted { (lang.t("detail.title")) " " bdi { code { (incident.id) } } }
        @if query.saved.is_some() { p.notice.saved role="status" { (lang.t("detail.saved")) } }
        @if incident.synthetic { p.notice role="note" { (lang.t("detail.synthetic")) } }
        @for convoy in &detail.convoys {
            p.notice role="note" { (lang.t("detail.convoy_attack")) " "
                a href=(format!("/convoys/{convoy}{}", if lang == Lang::Ar { "?lang=ar" } else { "" })) { (super::bidi::ltr(convoy)) } }
        }
        div.detail {
            section {
                h2 { (lang.t("detail.facts")) }
                dl {
                    dt { (lang.t("detail.occurred")) }
                    dd { (occurred(lang, incident, zone)) " (" (super::bidi::ltr(&incident.occurred_at)) ")" }
                    dt { (lang.t("detail.time_precision")) }
                    dd { (precision(incident.time_precision)) }
                    dt { (lang.t("detail.place")) }
                    dd { (place_name(incident, lang, &state)) " · " (super::bidi::ltr(&format!("{:.4}, {:.4}", incident.lat, incident.lon))) }
                    dt { (lang.t("detail.geo_precision")) }
                    dd { (lang.value("geo_precision", &incident.geo_precision.to_string())) }
                    dt { (lang.t("col.perpetrator")) }
                    dd { (actor_name(&incident.perpetrator, lang, &state)) }
                    dt { (lang.t("col.target")) }
                    dd { (actor_name(&incident.target, lang, &state)) }
                    dt { (lang.t("col.type")) }
                    dd { (kind_name(incident.event_type.as_deref(), "event", lang)) " / " (kind_name(incident.sub_event_type.as_deref(), "sub", lang)) }
                    dt { (lang.t("detail.casualties")) }
                    dd { (super::bidi::ltr(&lang.digits(&format!("{}–{} / {}–{}", incident.casualties.killed_civilian.min, incident.casualties.killed_civilian.max, incident.casualties.killed_combatant.min, incident.casualties.killed_combatant.max)))) }
                    dt { (lang.t("detail.notes")) }
                    dd { (long_text(&incident.notes, &format!("/api/v1/incidents/{}", incident.id), lang)) }
                    // Only where the role may see who submitted it (docs/security.md).
                    @if let Some(by) = &detail.submitted_by {
                        dt { (lang.t("detail.submitted_by")) }
                        dd { bdi dir="ltr" { (by) } }
                    }
                }
            }
            figure.inset { (PreEscaped(inset)) }
        }
        section {
            h2 { (lang.t("detail.assessment")) }
            p { (badges(&detail.assessment.labels, lang)) }
            dl {
                dt { (lang.t("detail.route")) }
                dd { (detail.assessment.route_to.as_deref().map_or_else(|| lang.t("detail.none"), |co_chair| lang.value("cochair", co_chair))) }
                dt { (lang.t("detail.verification")) }
                dd { (lang.t(&format!("verification.{}", detail.assessment.verification))) }
                dt { (lang.t("detail.area")) }
                dd { (detail.assessment.area.as_ref().map_or_else(|| lang.t("detail.none"), |a| format!("{} ({})", super::bidi::isolate_plain(&a.version_id), name_of(&a.controller)))) }
            }
            h3 { (lang.t("detail.reasons")) }
            ol.reasons {
                @match &explained {
                    Some(reasons) => { @for reason in reasons {
                        li { (super::bidi::ltr(reason.rule())) ": " (lang.message(&reason.message(), &name_of)) }
                    } }
                    None => { @for reason in &detail.assessment.reasons { li { (super::bidi::in_lang(lang, reason, "")) } } }
                }
            }
        }
        section #reports {
            h2 { (lang.t("detail.reports")) }
            @if query.report_saved.is_some() { p.notice.saved role="status" { (lang.t("add_report.saved")) } }
            @if detail.reports.is_empty() {
                p { (lang.t("detail.no_reports")) }
            } @else {
                table { thead { tr { th { (lang.t("detail.source")) } th { (lang.t("detail.grades")) } th { (lang.t("detail.notes")) } } }
                    tbody { @for report in &detail.reports {
                        tr { td { bdi { (report.source_name) } " (" (lang.value("source", &report.source_type)) ")" } td { (super::bidi::ltr(&format!("{}{}", report.reliability, report.credibility))) }
                            td { (long_text(&report.text, &format!("/api/v1/incidents/{}/reports", incident.id), lang)) } }
                    } }
                }
            }
            @if auth.viewer().may(truce_core::access::Permission::Submit, state.security().public) {
                (super::reports::form(&auth, lang, &incident.id))
            }
        }
        section {
            h2 { (lang.t("detail.history")) }
            ol.history {
                @for entry in &detail.assessment_history {
                    li {
                        (local_time(lang, &entry.assessed_at, zone)) " — " (cause_text(&entry.cause, lang, &name_of)) " — " (badges(&entry.assessment.labels, lang))
                        @match &entry.replaced_at {
                            Some(at) => { " (" (lang.t("detail.replaced")) " " (local_time(lang, at, zone)) ")" }
                            None => { " (" (lang.t("detail.current")) ")" }
                        }
                    }
                }
            }
        }
        p { a href=(format!("/api/v1/incidents/{}", incident.id)) { (lang.t("detail.json")) } }
    };
    Ok(with_lang_cookie(
        lang,
        chosen,
        layout(
            &state,
            &auth,
            lang,
            &lang.t("detail.title"),
            path_and_query,
            body,
        ),
    ))
}

/// A small map around the incident: sub-districts, control and the point.
fn inset_map(state: &AppState, lang: Lang, item: &IncidentResponse) -> String {
    // Its tooltips are ids: on an Arabic page they are isolated.
    let id_text = |id: &str| super::bidi::plain(lang, id);
    let world = state.world();
    let (lon, lat) = (item.incident.lon, item.incident.lat);
    let viewport = Viewport::fit([lon - 0.4, lat - 0.3, lon + 0.4, lat + 0.3], 320.0);
    let at = DateTime::parse_from_rfc3339(&item.incident.occurred_at)
        .map_or_else(|_| Utc::now(), |t| t.with_timezone(&Utc));
    let control: Vec<Area<'_>> = world
        .scenario
        .control
        .versions()
        .iter()
        .filter(|v| v.in_force_at(at))
        .map(|v| Area {
            shape: &v.shape,
            class: format!("ctl ctl-{}", v.controller),
            title: id_text(v.id.as_ref()),
            hatched: !v.comingled.is_empty(),
            label: None,
        })
        .collect();
    let label = item
        .assessment
        .labels
        .first()
        .cloned()
        .unwrap_or_else(|| "other".to_owned());
    let marker = Marker {
        lon,
        lat,
        class: format!("inc lbl-{label}"),
        title: id_text(&item.incident.id),
        href: None,
        radius: 6.0,
    };
    render(
        &viewport,
        &[
            Layer::Areas {
                id: "control".to_owned(),
                areas: control,
            },
            Layer::Markers {
                id: "incident".to_owned(),
                markers: vec![marker],
                cluster_cell: None,
                cluster_link: None,
                numerals: super::map::numerals(lang),
            },
        ],
        &id_text(&item.incident.id),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn causes_written_by_the_api_are_translated_and_others_pass_through() {
        let name_of = |id: &str| format!("<{id}>");
        let cases = [
            ("classified when reported", "صُنّفت عند الإبلاغ"),
            (
                "area version ru-1/SY07 added",
                "أُضيفت نسخة المنطقة \u{2066}ru-1/SY07\u{2069}",
            ),
            (
                "designation of nusra on UNSC 1267 added",
                "أُضيف تصنيف <nusra> على \u{2066}UNSC 1267\u{2069}",
            ),
            ("commitment of sdf changed", "تغيّر التزام <sdf>"),
            // Whatever is not recognised passes through, isolated on an Arabic page.
            ("imported by hand", "\u{2066}imported by hand\u{2069}"),
        ];
        for (cause, arabic) in cases {
            assert_eq!(cause_text(cause, Lang::Ar, &name_of), arabic);
        }
        let english = cause_text("commitment of sdf changed", Lang::En, &|id: &str| {
            id.to_owned()
        });
        assert_eq!(english, "commitment of sdf changed");
    }
}
