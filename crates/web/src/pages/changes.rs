//! `/changes`: the change log as people read it, oldest first, a page at a time. Each entry
//! wraps onto lines of its own, so that the page fits a phone.

use axum::extract::State;
use axum::http::{HeaderMap, Uri};
use axum::response::Response;
use maud::html;
use serde::Deserialize;

use super::{Lang, layout, with_lang_cookie};
use crate::AppState;
use crate::api::{ChangesQuery, change_page};
use crate::auth::Authenticated;
use crate::error::ApiError;
use crate::extract::Query;

#[derive(Debug, Default, Deserialize)]
pub struct ChangesPageQuery {
    lang: Option<String>,
    after: Option<i64>,
}

/// Where an entry's entity can be seen, if it has a page.
fn entity_link(entity: &str, id: &str) -> Option<String> {
    match entity {
        "incident" => Some(format!("/incidents/{id}")),
        "actor" => Some(format!("/api/v1/actors/{id}")),
        "agreement" => Some(format!("/api/v1/agreements/{id}")),
        "location" => Some(format!("/besieged/{id}")),
        "convoy" => Some(format!("/convoys/{id}")),
        "air_operation" => Some(format!("/air-operations#{id}")),
        _ => None,
    }
}

pub async fn page(
    State(state): State<AppState>,
    auth: Authenticated,
    Query(query): Query<ChangesPageQuery>,
    headers: HeaderMap,
    uri: Uri,
) -> Result<Response, ApiError> {
    let (lang, chosen) = Lang::choose(query.lang.as_deref(), &headers);
    let after = query.after.unwrap_or(0).max(0);
    let changes = change_page(
        &state,
        &auth,
        &ChangesQuery {
            after: Some(after),
            limit: Some(100),
        },
    )
    .await?;
    let body = html! {
        h1 { (lang.t("changes.title")) }
        p { (lang.t("changes.intro")) " " a href={"/api/v1/changes?after=" (after)} { (lang.t("data.json")) } }
        @if changes.items.is_empty() {
            p { (lang.t("changes.none")) }
        } @else {
            ol.changes {
                @for change in &changes.items {
                    li value=(change.seq) {
                        strong { "#" (change.seq) } " "
                        bdi dir="ltr" { (change.at) } " · "
                        bdi { (change.principal) } " · "
                        (lang.t(&format!("changes.action.{}", change.action))) " "
                        @match entity_link(&change.entity, &change.entity_id) {
                            Some(href) => a href=(href) { bdi dir="ltr" { (change.entity_id) } },
                            None => bdi dir="ltr" { (change.entity_id) },
                        }
                        @if !change.reason.is_empty() {
                            br; small { (lang.t("changes.reason")) " " bdi { (change.reason) } }
                        }
                    }
                }
            }
        }
        nav.pager {
            @if after > 0 { a href={"/changes?after=" (after.saturating_sub(100))} { (lang.t("changes.previous")) } " " }
            @if let Some(next) = changes.next { a href={"/changes?after=" (next)} { (lang.t("changes.next")) } }
        }
    };
    let path = uri.path_and_query().map_or("/changes", |pq| pq.as_str());
    Ok(with_lang_cookie(
        lang,
        chosen,
        layout(&state, &auth, lang, &lang.t("changes.title"), path, body),
    ))
}
