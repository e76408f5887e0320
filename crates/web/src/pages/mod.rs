//! Server-rendered pages. They work without JavaScript (links and forms carry the state in the
//! URL); `static/map.js` only adds pan and zoom by mouse, touch and keyboard, and instant layer
//! switching.

mod account;
mod admin;
mod aid;
mod bidi;
mod cases;
mod changes;
mod dashboard;
mod errors;
mod escalations;
mod exports;
mod i18n;
mod incidents;
mod login;
mod map;
mod reference;
mod report;
mod reports;
mod towns;

use axum::Router;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, SET_COOKIE};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use maud::{DOCTYPE, Markup, html};

pub use dashboard::DashboardCounts;
pub use errors::as_pages;
pub(crate) use errors::error_page;
pub use i18n::Lang;
pub(crate) use map::now_ms;

use truce_core::access::Viewer;

use crate::AppState;
use crate::auth::Authenticated;

/// A day in milliseconds.
pub(crate) const DAY_MS: i64 = 86_400_000;

/// The page routes.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(dashboard::page))
        .route("/map", get(map::page))
        .route("/incidents", get(incidents::list))
        .route("/incidents.csv", get(exports::csv))
        .route("/incidents.geojson", get(exports::geojson))
        .route("/report", get(report::form).post(report::submit))
        .route("/incidents/{id}/reports", post(reports::submit))
        .route("/report/draft", axum::routing::post(report::draft))
        .route("/actors", get(reference::actors))
        .route("/actors.csv", get(reference::actors_csv))
        .route("/terms", get(reference::terms))
        .route("/besieged", get(aid::locations::list))
        .route("/besieged.csv", get(aid::locations::download))
        .route("/besieged/{id}", get(aid::locations::sheet))
        .route(
            "/besieged/{id}/classifications",
            axum::routing::post(aid::locations::classify),
        )
        .route(
            "/besieged/{id}/estimates",
            axum::routing::post(aid::locations::add_estimate),
        )
        .route(
            "/convoys",
            get(aid::convoys::board).post(aid::convoys::plan),
        )
        .route("/convoys/{id}", get(aid::convoys::page))
        .route(
            "/convoys/{id}/transitions",
            axum::routing::post(aid::convoys::step),
        )
        .route("/air-operations", get(aid::air::log).post(aid::air::plan))
        .route(
            "/air-operations/{id}/transitions",
            axum::routing::post(aid::air::step),
        )
        .route("/humanitarian/scorecard", get(aid::scorecard::page))
        .route("/incidents/{id}", get(incidents::detail))
        .route("/changes", get(changes::page))
        .route("/cases", get(cases::list))
        .route("/cases/{id}", get(cases::page))
        .route("/cases/{id}/actions", post(cases::act))
        .route("/escalations", post(escalations::decide))
        .route("/login", get(login::form).post(login::submit))
        .route(
            "/login/second-factor",
            get(login::second_factor_form).post(login::second_factor_submit),
        )
        .route("/logout", post(login::logout))
        .route("/account", get(account::page))
        .route("/account/password", post(account::password))
        .route("/account/tokens", post(account::create_token))
        .route("/account/tokens/{id}/revoke", post(account::revoke_token))
        .route("/account/second-factor", post(account::enrol))
        .route(
            "/account/second-factor/remove",
            post(account::remove_second_factor),
        )
        .route("/admin/users", get(admin::page).post(admin::add))
        .route("/admin/users/{name}/disable", post(admin::disable))
        .route(
            "/static/truce.css",
            get(|| async {
                asset(
                    "text/css; charset=utf-8",
                    include_str!("../../static/truce.css"),
                )
            }),
        )
        .route(
            "/static/map.css",
            get(|| async { asset("text/css; charset=utf-8", truce_map::palette::style()) }),
        )
        .route(
            "/static/icon.svg",
            get(|| async { asset("image/svg+xml", include_str!("../../static/icon.svg")) }),
        )
        // Browsers ask for this address whatever the page says: send them to the icon.
        .route(
            "/favicon.ico",
            get(|| async { axum::response::Redirect::permanent("/static/icon.svg") }),
        )
        .route(
            "/static/map.js",
            get(|| async {
                asset(
                    "text/javascript; charset=utf-8",
                    include_str!("../../static/map.js"),
                )
            }),
        )
}

fn asset(content_type: &'static str, body: &'static str) -> Response {
    (
        [
            (CONTENT_TYPE, content_type),
            (CACHE_CONTROL, "public, max-age=86400"),
        ],
        body,
    )
        .into_response()
}

/// An actor id (or `contested`) as people read it in `lang`.
pub(crate) fn actor_label(
    id: &str,
    lang: Lang,
    scenario: &truce_core::scenario::Scenario,
) -> String {
    if id == "contested" {
        return lang.t("controller.contested");
    }
    scenario
        .actors
        .get(&truce_core::actor::ActorId::new(id))
        .map(|actor| bidi::name_in(lang, &actor.name, &actor.name_ar))
        .unwrap_or_else(|| bidi::plain(lang, id))
}

/// The zone the agreement states its times in (Damascus for the 2016 terms): pages show local
/// times in it.
pub(crate) fn zone_of(scenario: &truce_core::Scenario) -> chrono_tz::Tz {
    scenario
        .agreement
        .versions
        .first()
        .map_or(chrono_tz::Tz::Asia__Damascus, |v| v.zone)
}

/// Wraps a page body in the common layout, in the chosen language and direction, for the
/// signed-in user (or nobody): the navigation offers only what the viewer may open.
pub(crate) fn layout(
    state: &AppState,
    auth: &Authenticated,
    lang: Lang,
    title: &str,
    path_and_query: &str,
    body: Markup,
) -> Markup {
    let switch = switch_link(path_and_query, lang.other());
    let viewer = auth.viewer();
    let open = |path: &str| {
        crate::access::rule_of(&axum::http::Method::GET, path)
            .is_some_and(|rule| crate::access::admits(rule, viewer, state))
    };
    let links = [
        ("/", "nav.dashboard"),
        ("/map", "nav.map"),
        ("/incidents", "nav.incidents"),
        ("/report", "nav.report"),
        ("/actors", "nav.actors"),
        ("/terms", "nav.terms"),
        ("/besieged", "nav.besieged"),
        ("/convoys", "nav.convoys"),
        ("/humanitarian/scorecard", "nav.scorecard"),
        ("/cases", "nav.cases"),
        ("/changes", "nav.changes"),
        ("/admin/users", "nav.users"),
    ];
    html! {
        (DOCTYPE)
        html lang=(lang.code()) dir=(lang.dir()) {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " · " (lang.t("app.name")) }
                link rel="stylesheet" href="/static/truce.css";
            link rel="stylesheet" href="/static/map.css";
            link rel="icon" type="image/svg+xml" href="/static/icon.svg";
            }
            body {
                a.skip href="#content" { (lang.t("skip")) }
                @if state.security().demo {
                    p.demo-banner role="note" { (lang.t("demo.banner")) }
                }
                header.top {
                    a.brand href="/" { (lang.t("app.name")) }
                    span.tagline { (lang.t("app.tagline")) }
                    nav aria-label=(lang.t("app.name")) {
                        @for (href, key) in links {
                            @if open(href) { a href=(href) { (lang.t(key)) } }
                        }
                        a href="/api/v1/incidents" { (lang.t("nav.api")) }
                        a href=(switch) lang=(lang.other().code()) dir=(lang.other().dir()) { (lang.t("lang.switch")) }
                    }
                    div.who {
                        @match viewer {
                            Viewer::User { name, role } => {
                                a href="/account" { bdi dir="ltr" { (name) } " · " (lang.t(&format!("role.{}", role.name()))) }
                                form.inline method="post" action="/logout" {
                                    input type="hidden" name="csrf" value=(auth.csrf());
                                    button type="submit" { (lang.t("nav.sign_out")) }
                                }
                            }
                            // Half signed in (the second factor to come): a way out.
                            _ if matches!(auth.via, crate::auth::Via::PendingSecondFactor { .. }) => {
                                form.inline method="post" action="/logout" {
                                    input type="hidden" name="csrf" value=(auth.csrf());
                                    button type="submit" { (lang.t("nav.sign_out")) }
                                }
                            }
                            _ => { a href=(format!("/login?next={}", encode_next(path_and_query))) { (lang.t("nav.sign_in")) } }
                        }
                    }
                }
                main #content tabindex="-1" { (body) }
                footer { small { (lang.t("footer.data")) } }
            }
        }
    }
}

/// A local path for the `next` parameter of the sign-in link.
fn encode_next(path_and_query: &str) -> String {
    form_urlencoded::byte_serialize(path_and_query.as_bytes()).collect()
}

/// The hidden CSRF field every form of a signed-in page carries.
pub(crate) fn csrf_field(auth: &Authenticated) -> Markup {
    html! { input type="hidden" name=(crate::auth::CSRF_FIELD) value=(auth.csrf()); }
}

/// The current URL with `lang` replaced.
fn switch_link(path_and_query: &str, lang: Lang) -> String {
    let (path, query) = path_and_query
        .split_once('?')
        .unwrap_or((path_and_query, ""));
    let mut pairs: Vec<&str> = query
        .split('&')
        .filter(|p| !p.is_empty() && !p.starts_with("lang="))
        .collect();
    let lang_pair = format!("lang={}", lang.code());
    pairs.push(&lang_pair);
    format!("{path}?{}", pairs.join("&"))
}

/// Adds the language cookie when the query chose the language.
pub(crate) fn with_lang_cookie(lang: Lang, chosen_by_query: bool, markup: Markup) -> Response {
    let mut response = markup.into_response();
    if chosen_by_query
        && let Ok(value) = format!(
            "lang={}; Path=/; Max-Age=31536000; SameSite=Lax",
            lang.code()
        )
        .parse()
    {
        response.headers_mut().insert(SET_COOKIE, value);
    }
    response
}
