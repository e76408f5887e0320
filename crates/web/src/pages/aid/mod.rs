//! The humanitarian pillar's pages: the besieged list and a sheet per location, the convoy
//! board and a page per convoy (with its next step for the humanitarian role), the air
//! operations log and the working group's scorecard. Each is printable and in both languages.

pub mod air;
pub mod convoys;
pub mod locations;
pub mod scorecard;

use chrono::{DateTime, NaiveDateTime, Utc};
use maud::{Markup, html};
use serde::Deserialize;
use truce_core::humanitarian::{AccessLocation, Source};

use super::Lang;
use super::bidi::{in_lang, ltr};
use crate::error::ApiError;

/// `lang` and `as_of`.
#[derive(Debug, Default, Deserialize)]
pub struct AidQuery {
    lang: Option<String>,
    as_of: Option<String>,
    classifier: Option<String>,
    saved: Option<String>,
}

/// A location's name as a link to its sheet, or the id when it is not listed.
fn location_link(lang: Lang, locations: &[AccessLocation], id: &str) -> Markup {
    match locations.iter().find(|l| l.id == id) {
        Some(location) => html! {
            a href=(format!("/besieged/{id}{}", lang_suffix(lang, '?'))) {
                (in_lang(lang, &location.name, &location.name_ar))
            }
        },
        None => ltr(id),
    }
}

/// `?lang=ar` (or `&lang=ar`) on links of an Arabic page.
fn lang_suffix(lang: Lang, separator: char) -> String {
    match lang {
        Lang::Ar => format!("{separator}lang=ar"),
        Lang::En => String::new(),
    }
}

/// A record's sources as a list of links.
fn sources(lang: Lang, sources: &[Source]) -> Markup {
    html! {
        @if sources.is_empty() { p { (lang.t("aid.no_sources")) } }
        @else { ul.sources { @for source in sources { li {
            @match &source.url {
                Some(url) => { a href=(url) rel="noreferrer noopener" { (ltr(&source.title)) } }
                None => { (ltr(&source.title)) }
            }
        } } } }
    }
}

/// An optional whole number of a form field.
pub(super) fn optional_number<T: std::str::FromStr>(
    text: &str,
    what: &str,
) -> Result<Option<T>, ApiError> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    text.parse()
        .map(Some)
        .map_err(|_| ApiError::invalid(format!("{what} '{text}' is not a number")))
}

/// A `datetime-local` value (UTC), or RFC 3339.
pub(super) fn form_time(text: &str) -> Result<DateTime<Utc>, ApiError> {
    let text = text.trim();
    DateTime::parse_from_rfc3339(text)
        .map(|t| t.with_timezone(&Utc))
        .or_else(|_| NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M").map(|t| t.and_utc()))
        .or_else(|_| NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S").map(|t| t.and_utc()))
        .map_err(|_| ApiError::invalid(format!("'{text}' is not a date and time")))
}

/// Executes a form's command through the door and sends the browser to the record it changed
/// (the reply stored for the form's retry key is that address, so a resent form lands there
/// too).
pub(super) async fn run_form(
    state: &crate::AppState,
    auth: &crate::auth::Authenticated,
    lang: &str,
    key: &str,
    scope: &str,
    command: truce_service::Command,
) -> Result<axum::response::Response, ApiError> {
    use axum::response::IntoResponse;
    use truce_service::{Applied, HumanitarianRecord, Reply, ServiceError};
    let request = super::report::form_request(auth, key, scope, &command);
    let render = std::sync::Arc::new(|applied: &Applied, _: &truce_service::world::World| {
        let (path, fragment) = match applied {
            Applied::Humanitarian(HumanitarianRecord::Location(l)) => {
                (format!("/besieged/{}", l.id), String::new())
            }
            Applied::Humanitarian(HumanitarianRecord::Convoy(c)) => {
                (format!("/convoys/{}", c.id), String::new())
            }
            Applied::Humanitarian(HumanitarianRecord::AirOperation(a)) => {
                ("/air-operations".to_owned(), format!("#{}", a.id))
            }
            _ => {
                return Err(ServiceError::Internal(
                    "a form changes a humanitarian record".to_owned(),
                ));
            }
        };
        Ok(Reply {
            status: axum::http::StatusCode::SEE_OTHER.as_u16(),
            body: format!("{path}?saved=1{fragment}"),
        })
    });
    let outcome = state.service().execute(request, command, render).await?;
    let target = match (lang, outcome.reply.body.split_once('#')) {
        ("ar", Some((page, fragment))) => format!("{page}&lang=ar#{fragment}"),
        ("ar", None) => format!("{}&lang=ar", outcome.reply.body),
        _ => outcome.reply.body,
    };
    Ok(axum::response::Redirect::to(&target).into_response())
}
