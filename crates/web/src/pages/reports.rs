//! A report added to an existing incident from its page: a second source is what makes an
//! incident verified, and a reviewer must be able to add one from the browser.

use axum::Form;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use maud::{Markup, html};
use serde::Deserialize;
use truce_service::{Applied, Command};

use super::report::{form_request, see_other};
use super::{Lang, csrf_field};
use crate::AppState;
use crate::api::{SOURCE_TYPES, report_body};
use crate::auth::Authenticated;
use crate::error::ApiError;
use crate::extract::Path;
use crate::views::NewReportBody;

/// The fields of the form.
#[derive(Debug, Default, Deserialize)]
pub struct AddReportForm {
    idempotency_key: String,
    #[serde(default)]
    lang: String,
    source_name: String,
    source_type: String,
    #[serde(default)]
    affiliation: String,
    reliability: String,
    credibility: String,
    #[serde(default)]
    direct_observation: Option<String>,
    text: String,
}

/// The form, for a viewer who may submit reports.
pub(crate) fn form(auth: &Authenticated, lang: Lang, incident_id: &str) -> Markup {
    html! {
        details.add-report #add-report {
            summary { (lang.t("add_report.title")) }
            form.report method="post" action=(format!("/incidents/{incident_id}/reports")) {
                (csrf_field(auth))
                input type="hidden" name="idempotency_key" value=(uuid::Uuid::new_v4().to_string());
                input type="hidden" name="lang" value=(lang.code());
                div.field { label for="source_name" { (lang.t("report.source")) }
                    input #source_name type="text" name="source_name" required maxlength="200"; }
                div.field { label for="source_type" { (lang.t("report.source_type")) }
                    select #source_type name="source_type" { @for kind in SOURCE_TYPES { option value=(kind) { (lang.t(&format!("source.{kind}"))) } } } }
                div.field { label for="affiliation" { (lang.t("add_report.affiliation")) }
                    input #affiliation type="text" name="affiliation" maxlength="200"; }
                div.field { label for="reliability" { (lang.t("report.reliability")) }
                    select #reliability name="reliability" { @for grade in ["A", "B", "C", "D", "E", "F"] { option value=(grade) selected[grade == "F"] { (grade) } } } }
                div.field { label for="credibility" { (lang.t("report.credibility")) }
                    select #credibility name="credibility" { @for grade in 1..=6 { option value=(grade) selected[grade == 6] { (grade) } } } }
                div.field { label { input type="checkbox" name="direct_observation" value="yes"; " " (lang.t("add_report.direct")) } }
                div.field.wide { label for="report_text" { (lang.t("report.text")) }
                    textarea #report_text name="text" rows="4" required maxlength="100000" {} }
                button type="submit" { (lang.t("add_report.submit")) }
            }
        }
    }
}

/// `POST /incidents/{id}/reports`: the report, through the door, then the incident's page.
pub async fn submit(
    State(state): State<AppState>,
    auth: Authenticated,
    Path(id): Path<String>,
    headers: HeaderMap,
    Form(form): Form<AddReportForm>,
) -> Result<Response, ApiError> {
    let (lang, _) = Lang::choose(Some(form.lang.as_str()).filter(|l| !l.is_empty()), &headers);
    // An incident the viewer cannot see is not one it can add to.
    crate::api::stored_incident(&state, &auth, &id).await?;
    let credibility = form.credibility.trim().parse::<u8>().map_err(|_| {
        ApiError::invalid(format!("credibility '{}' is not 1 to 6", form.credibility))
    })?;
    let report = report_body(
        NewReportBody {
            source_name: form.source_name.trim().to_owned(),
            source_type: form.source_type,
            affiliation: Some(form.affiliation.trim().to_owned()).filter(|a| !a.is_empty()),
            reliability: form.reliability,
            credibility,
            direct_observation: Some(form.direct_observation.is_some()),
            text: form.text.trim().to_owned(),
            received_at: None,
            language: Some(lang.code().to_owned()),
            url: None,
        },
        id.clone(),
    )?;
    let command = Command::AddReport { report };
    let scope = format!("POST /incidents/{id}/reports");
    let request = form_request(&auth, &form.idempotency_key, &scope, &command);
    let render =
        std::sync::Arc::new(
            |applied: &Applied, _: &truce_service::world::World| match applied {
                Applied::Report { report, .. } => Ok(see_other(&report.incident_id)),
                _ => Err(truce_service::ServiceError::Internal(
                    "the form adds a report".to_owned(),
                )),
            },
        );
    let outcome = state
        .service()
        .execute(request, command, render)
        .await
        .map_err(ApiError::from)?;
    let suffix = if lang == Lang::Ar { "&lang=ar" } else { "" };
    Ok(Redirect::to(&format!(
        "/incidents/{}?report_saved=1{suffix}#reports",
        outcome.reply.body
    ))
    .into_response())
}
