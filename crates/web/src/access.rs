//! Which route each principal may reach: one table, deny by default. A route the table does
//! not name answers 401 or 403 to everyone, so a new route is unreachable until it is given a
//! rule here (and the authorization matrix test then covers it). What of a resource a
//! principal sees once admitted is decided by `truce_core::access`.

use axum::extract::{MatchedPath, Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use truce_core::access::{Permission, Viewer};

use crate::AppState;
use crate::auth::Authenticated;
use crate::error::ApiError;

/// Who may reach a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// Anyone, signed in or not.
    Anyone,
    /// Any signed-in user.
    SignedIn,
    /// A principal with this permission.
    May(Permission),
}

use Permission::*;
use Rule::*;

/// Every route of the service: method, path as routed, rule. `GET` covers `HEAD`.
pub const ROUTES: &[(&str, &str, Rule)] = &[
    // The API.
    ("GET", "/api/v1/health", Anyone),
    ("GET", "/api/v1/version", Anyone),
    ("GET", "/api/v1/openapi.json", Anyone),
    ("GET", "/api/v1/agreements", Anyone),
    ("POST", "/api/v1/agreements", May(ChangeTerms)),
    ("GET", "/api/v1/agreements/{id}", Anyone),
    ("GET", "/api/v1/actors", Anyone),
    ("POST", "/api/v1/actors", May(ChangeTerms)),
    ("GET", "/api/v1/actors/{id}", Anyone),
    ("GET", "/api/v1/actors/{id}/designations", Anyone),
    ("POST", "/api/v1/actors/{id}/designations", May(ChangeTerms)),
    ("GET", "/api/v1/actors/{id}/commitments", Anyone),
    ("POST", "/api/v1/actors/{id}/commitments", May(ChangeTerms)),
    ("GET", "/api/v1/areas", Anyone),
    ("POST", "/api/v1/areas", May(AddAreaVersion)),
    ("GET", "/api/v1/areas/at", Anyone),
    ("GET", "/api/v1/incidents", May(ReadIncidents)),
    ("POST", "/api/v1/incidents", May(Submit)),
    ("GET", "/api/v1/incidents/{id}", May(ReadIncidents)),
    ("GET", "/api/v1/incidents/{id}/reports", May(ReadIncidents)),
    ("POST", "/api/v1/incidents/{id}/reports", May(Submit)),
    ("GET", "/api/v1/changes", May(ReadChangeLog)),
    ("GET", "/api/v1/ledger/keys", Anyone),
    ("GET", "/api/v1/besieged", Anyone),
    ("POST", "/api/v1/besieged", May(ChangeHumanitarian)),
    ("GET", "/api/v1/besieged/{id}", Anyone),
    ("GET", "/api/v1/besieged/{id}/classifications", Anyone),
    (
        "POST",
        "/api/v1/besieged/{id}/classifications",
        May(ChangeHumanitarian),
    ),
    ("GET", "/api/v1/besieged/{id}/estimates", Anyone),
    (
        "POST",
        "/api/v1/besieged/{id}/estimates",
        May(ChangeHumanitarian),
    ),
    ("GET", "/api/v1/convoys", Anyone),
    ("POST", "/api/v1/convoys", May(ChangeHumanitarian)),
    ("GET", "/api/v1/convoys/{id}", Anyone),
    (
        "POST",
        "/api/v1/convoys/{id}/transitions",
        May(ChangeHumanitarian),
    ),
    (
        "POST",
        "/api/v1/convoys/{id}/attacks",
        May(ChangeHumanitarian),
    ),
    ("GET", "/api/v1/air-operations", Anyone),
    ("POST", "/api/v1/air-operations", May(ChangeHumanitarian)),
    ("GET", "/api/v1/air-operations/{id}", Anyone),
    (
        "POST",
        "/api/v1/air-operations/{id}/transitions",
        May(ChangeHumanitarian),
    ),
    ("GET", "/api/v1/humanitarian/scorecard", Anyone),
    ("GET", "/api/v1/cases", Anyone),
    ("POST", "/api/v1/cases", May(OpenCases)),
    ("GET", "/api/v1/cases/summary", Anyone),
    ("GET", "/api/v1/cases/{id}", Anyone),
    ("POST", "/api/v1/cases/{id}/incidents", May(OpenCases)),
    ("POST", "/api/v1/cases/{id}/actions", May(ActOnCases)),
    ("GET", "/api/v1/docket", May(WorkCases)),
    ("GET", "/api/v1/inbox", May(AnswerRequests)),
    ("POST", "/api/v1/escalations", May(OpenCases)),
    ("POST", "/api/v1/extract", May(Draft)),
    ("GET", "/api/v1/me", SignedIn),
    ("GET", "/api/v1/users", May(ManageUsers)),
    ("POST", "/api/v1/users", May(ManageUsers)),
    ("POST", "/api/v1/users/{name}/disable", May(ManageUsers)),
    ("GET", "/api/v1/tokens", SignedIn),
    ("POST", "/api/v1/tokens", SignedIn),
    ("DELETE", "/api/v1/tokens/{id}", SignedIn),
    // The pages.
    ("GET", "/", Anyone),
    ("GET", "/map", Anyone),
    ("GET", "/incidents", May(ReadIncidents)),
    ("GET", "/incidents.csv", May(ReadIncidents)),
    ("GET", "/incidents.geojson", May(ReadIncidents)),
    ("GET", "/incidents/{id}", May(ReadIncidents)),
    ("GET", "/report", May(Submit)),
    ("POST", "/report", May(Submit)),
    ("POST", "/incidents/{id}/reports", May(Submit)),
    ("POST", "/report/draft", May(Draft)),
    ("GET", "/actors", Anyone),
    ("GET", "/actors.csv", Anyone),
    ("GET", "/terms", Anyone),
    ("GET", "/besieged", Anyone),
    ("GET", "/besieged.csv", Anyone),
    ("GET", "/besieged/{id}", Anyone),
    (
        "POST",
        "/besieged/{id}/classifications",
        May(ChangeHumanitarian),
    ),
    ("POST", "/besieged/{id}/estimates", May(ChangeHumanitarian)),
    ("GET", "/cases", Anyone),
    ("GET", "/cases/{id}", Anyone),
    ("POST", "/cases/{id}/actions", May(ActOnCases)),
    ("POST", "/escalations", May(OpenCases)),
    ("GET", "/convoys", Anyone),
    ("POST", "/convoys", May(ChangeHumanitarian)),
    ("GET", "/convoys/{id}", Anyone),
    ("POST", "/convoys/{id}/transitions", May(ChangeHumanitarian)),
    ("GET", "/air-operations", Anyone),
    ("POST", "/air-operations", May(ChangeHumanitarian)),
    (
        "POST",
        "/air-operations/{id}/transitions",
        May(ChangeHumanitarian),
    ),
    ("GET", "/humanitarian/scorecard", Anyone),
    ("GET", "/changes", May(ReadChangeLog)),
    ("GET", "/static/truce.css", Anyone),
    ("GET", "/static/map.css", Anyone),
    ("GET", "/static/icon.svg", Anyone),
    ("GET", "/favicon.ico", Anyone),
    ("GET", "/static/map.js", Anyone),
    ("GET", "/login", Anyone),
    ("POST", "/login", Anyone),
    ("GET", "/login/second-factor", Anyone),
    ("POST", "/login/second-factor", Anyone),
    ("POST", "/logout", Anyone),
    ("GET", "/account", SignedIn),
    ("POST", "/account/password", SignedIn),
    ("POST", "/account/tokens", SignedIn),
    ("POST", "/account/tokens/{id}/revoke", SignedIn),
    ("POST", "/account/second-factor", SignedIn),
    ("POST", "/account/second-factor/remove", SignedIn),
    ("GET", "/admin/users", May(ManageUsers)),
    ("POST", "/admin/users", May(ManageUsers)),
    ("POST", "/admin/users/{name}/disable", May(ManageUsers)),
];

/// What a user who must enrol a second factor may still reach.
const ENROLMENT_ROUTES: &[&str] = &[
    "/account",
    "/account/second-factor",
    "/account/password",
    "/logout",
    "/static/truce.css",
    "/api/v1/me",
];

fn path_of(matched: &Option<MatchedPath>) -> &str {
    matched.as_ref().map_or("", MatchedPath::as_str)
}

/// The rule of a route, if the table has one.
pub fn rule_of(method: &Method, path: &str) -> Option<Rule> {
    let method = if method == Method::HEAD {
        "GET"
    } else {
        method.as_str()
    };
    ROUTES
        .iter()
        .find(|(m, p, _)| *m == method && *p == path)
        .map(|(_, _, rule)| *rule)
}

/// Whether `viewer` passes `rule` on this deployment.
pub fn admits(rule: Rule, viewer: &Viewer, state: &AppState) -> bool {
    match rule {
        Anyone => true,
        SignedIn => !matches!(viewer, Viewer::Public),
        May(permission) => viewer.may(permission, state.security().public),
    }
}

/// Lets a request through only if the table admits its principal to its route.
pub async fn guard(
    State(state): State<AppState>,
    matched: Option<MatchedPath>,
    authenticated: Authenticated,
    request: Request,
    next: Next,
) -> Response {
    let rule = matched
        .as_ref()
        .and_then(|path| rule_of(request.method(), path.as_str()));
    let Some(rule) = rule else {
        // A path the table knows, with another method: the router answers 405.
        if let Some(path) = &matched
            && ROUTES.iter().any(|(_, p, _)| *p == path.as_str())
        {
            return next.run(request).await;
        }
        // Unlisted: nobody passes (and the matrix test fails until it is listed).
        tracing::warn!(path = ?matched.map(|p| p.as_str().to_owned()), "a route with no access rule was refused");
        return ApiError::Forbidden("this route is closed".to_owned()).into_response();
    };
    if authenticated.must_enrol && !ENROLMENT_ROUTES.contains(&path_of(&matched)) {
        return ApiError::Forbidden(
            "this deployment requires a second factor for your role: enrol one on your account page (/account) first".to_owned(),
        )
        .into_response();
    }
    if admits(rule, authenticated.viewer(), &state) {
        return next.run(request).await;
    }
    match authenticated.viewer() {
        Viewer::Public => {
            ApiError::Unauthenticated("sign in to see this, or send an API token".to_owned())
        }
        viewer => ApiError::Forbidden(format!(
            "the role {} may not see or do this",
            viewer.role().map_or("system", |role| role.name())
        )),
    }
    .into_response()
}
