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
