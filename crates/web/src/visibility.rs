//! What of an incident the viewer may see, applied to what the API and the pages answer. The
//! decision is `truce_core::access::incident_view`; this cuts the views down to it: a coarse
//! incident keeps its day, its district (admin2) and the district's centre, its labels, event
//! type and casualties, and nothing else; reports keep only what the role may see of their
//! sources.

use truce_core::access::{IncidentView as Visibility, ReportView as ReportVisibility};

use crate::AppState;
use crate::auth::Authenticated;
use crate::views::{AssessmentView, IncidentDetail, IncidentResponse, IncidentView, ReportView};

/// The district (admin2) P-code of a sub-district (admin3) P-code: `SY020001` → `SY0200`.
pub fn district_of(admin3: &str) -> Option<String> {
    (admin3.len() >= 6 && admin3.is_char_boundary(6)).then(|| admin3[..6].to_owned())
}

/// Whether the publication policy of the agreement version an incident fell under (at
/// `occurred_at`, ms since the epoch) publishes observations: its place and time.
pub fn observations_published(world: &truce_service::world::World, occurred_at: i64) -> bool {
    chrono::DateTime::from_timestamp_millis(occurred_at).is_some_and(|at| {
        world
            .scenario
            .agreement
            .case_procedure_at(at)
            .publication
            .observations
    })
}

/// What `auth` sees of a stored incident, or `None` if it may not see it at all.
pub fn visibility(
    state: &AppState,
    auth: &Authenticated,
    record: &truce_store::IncidentRecord,
) -> Option<Visibility> {
    let published = observations_published(&state.world(), record.occurred_at);
    let public = state.security().public.under_policy(published);
    truce_core::access::incident_view(
        auth.viewer(),
        public,
        record.perpetrator.as_deref(),
        record.target.as_deref(),
        Some(record.submitted_by.as_str()).filter(|by| !by.is_empty()),
    )
}

/// Where a coarsened incident is shown: its district's centre, or, where the district is
/// unknown, the point rounded to half a degree.
pub fn coarse_point(state: &AppState, admin3: Option<&str>, lon: f64, lat: f64) -> (f64, f64) {
    admin3
        .and_then(district_of)
        .and_then(|district| state.geography().district_centre(state, &district))
        .unwrap_or(((lon * 2.0).round() / 2.0, (lat * 2.0).round() / 2.0))
}

/// Cuts an incident down to what `seen` allows.
pub fn redact_incident(state: &AppState, incident: &mut IncidentView, seen: Visibility) {
    incident.admin2_pcode = incident.admin3_pcode.as_deref().and_then(district_of);
    if !seen.notes {
        incident.notes.clear();
    }
    if !seen.parties {
        incident.origin = None;
        incident.perpetrator = None;
        incident.target = None;
        incident.self_defence_claimed = false;
    }
    if seen.exact {
        return;
    }
    // The day (UTC), at day precision.
    if let Some(day) = incident.occurred_at.get(..10) {
        incident.occurred_at = format!("{day}T00:00:00Z");
    }
    incident.time_precision = incident.time_precision.max(1);
    let (lon, lat) = coarse_point(
        state,
        incident.admin3_pcode.as_deref(),
        incident.lon,
        incident.lat,
    );
    incident.lon = lon;
    incident.lat = lat;
    incident.geo_precision = 3;
    incident.admin3_pcode = None;
    incident.sub_event_type = None;
    incident.weapon = None;
}

/// Cuts an assessment down: a viewer who may not see the parties sees its labels and
/// verification, not the reasons (which name the actors and the area).
pub fn redact_assessment(assessment: &mut AssessmentView, seen: Visibility) {
    if seen.parties {
        return;
    }
    assessment.obligations.clear();
    assessment.area = None;
    assessment.area_versions.clear();
    assessment.route_to = None;
    assessment.reasons.clear();
}

/// Cuts reports down to what `seen` allows.
pub fn redact_reports(reports: &mut Vec<ReportView>, seen: Visibility) {
    match seen.reports {
        ReportVisibility::Hidden => reports.clear(),
        ReportVisibility::Graded => {
            for report in reports {
                // An affiliation left unstated is the source's own name: it goes too.
                if report.affiliation == report.source_name {
                    report.affiliation.clear();
                }
                report.source_name.clear();
                report.url = None;
            }
        }
        ReportVisibility::Full => {}
    }
}

/// An incident of a list, as `seen` allows.
pub fn redact_response(state: &AppState, item: &mut IncidentResponse, seen: Visibility) {
    redact_incident(state, &mut item.incident, seen);
    redact_assessment(&mut item.assessment, seen);
}

/// An incident's detail, as `seen` allows.
pub fn redact_detail(state: &AppState, detail: &mut IncidentDetail, seen: Visibility) {
    redact_incident(state, &mut detail.incident, seen);
    redact_assessment(&mut detail.assessment, seen);
    redact_reports(&mut detail.reports, seen);
    if !seen.parties {
        detail.assessment_history.clear();
    }
    if !seen.reporter {
        detail.submitted_by = None;
    }
}

#[cfg(test)]
mod tests {
    use super::district_of;

    #[test]
    fn a_sub_district_names_its_district() {
        assert_eq!(district_of("SY020001").as_deref(), Some("SY0200"));
        assert_eq!(district_of("SY02"), None);
    }
}
