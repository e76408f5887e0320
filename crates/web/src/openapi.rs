//! The OpenAPI description of the API, generated from the handlers and types. A copy is kept in
//! `docs/openapi.json`, and a test fails when the two drift apart.

use axum::Json;
use axum::http::Method;
use serde_json::Value;
use utoipa::openapi::path::{Operation, ParameterBuilder, ParameterIn};
use utoipa::openapi::schema::{Object, ObjectBuilder, Schema, Type};
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, Required, ResponseBuilder};
use utoipa::{Modify, OpenApi};

/// The API's OpenAPI document.
#[derive(OpenApi)]
#[openapi(
    info(title = "Truce API", description = "Ceasefire monitoring and humanitarian access: the agreement's terms, actors, the control map, incidents classified against the terms, the task force's cases, and humanitarian access (besieged locations, convoys, air operations, the scorecard)."),
    paths(
        crate::api::health, crate::api::version,
        crate::api::besieged, crate::api::get_location, crate::api::create_location,
        crate::api::list_classifications, crate::api::create_classification,
        crate::api::list_estimates, crate::api::create_estimate,
        crate::api::list_convoys, crate::api::create_convoy, crate::api::get_convoy,
        crate::api::move_convoy, crate::api::record_attack, crate::api::list_air_operations, crate::api::create_air_operation,
        crate::api::get_air_operation, crate::api::move_air_operation, crate::api::get_scorecard,
        crate::api::list_agreements, crate::api::get_agreement, crate::api::create_agreement,
        crate::api::list_actors, crate::api::get_actor, crate::api::create_actor,
        crate::api::list_designations, crate::api::create_designation,
        crate::api::list_commitments, crate::api::put_commitment,
        crate::api::list_areas, crate::api::areas_at, crate::api::create_area,
        crate::api::create_incident, crate::api::list_incidents, crate::api::get_incident,
        crate::api::list_reports, crate::api::create_report, crate::api::extract_draft,
        crate::api::list_changes, crate::api::ledger_keys,
        crate::api::list_cases, crate::api::get_case, crate::api::open_case,
        crate::api::merge_incident, crate::api::act_on_case, crate::api::get_docket,
        crate::api::get_inbox, crate::api::decide_escalation, crate::api::case_summary,
        crate::api::me, crate::api::list_users, crate::api::add_user, crate::api::disable_user,
        crate::api::list_tokens, crate::api::create_token, crate::api::revoke_token,
    ),
    components(schemas(crate::error::ErrorBody)),
    modifiers(&WhatEveryRouteAnswers, &ClosedLists),
    tags(
        (name = "meta", description = "Health, version, the change log and the keys that sign it"),
        (name = "agreements", description = "The terms as data"),
        (name = "actors", description = "Parties, designations and commitments"),
        (name = "areas", description = "The time-versioned control map"),
        (name = "incidents", description = "Incidents, reports and assessments"),
        (name = "cases", description = "The task force's cases: requests to the parties, findings by body, escalation, publication"),
        (name = "humanitarian", description = "Besieged and hard-to-reach locations, convoys, air operations and the scorecard"),
        (name = "accounts", description = "Who am I, users and API tokens"),
    )
)]
pub struct ApiDoc;

/// The statuses and headers every route shares, added to each operation in one place: every
/// write can answer 400 (not JSON, a bad header), 409, 413, 415, 422 and 503 and takes the
/// `Idempotency-Key` and `Truce-Reason` headers; every read with parameters can answer 400; every
/// route can answer 503 when the database does not.
struct WhatEveryRouteAnswers;

impl Modify for WhatEveryRouteAnswers {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        openapi
            .components
            .get_or_insert_with(Default::default)
            .add_security_scheme(
                "token",
                SecurityScheme::Http(
                    HttpBuilder::new()
                        .scheme(HttpAuthScheme::Bearer)
                        .description(Some(
                            "An API token (`truce token create`, or the account page)",
                        ))
                        .build(),
                ),
            );
        for (path, item) in openapi.paths.paths.iter_mut() {
            if let Some(write) = item.post.as_mut() {
                answers(
                    write,
                    "400",
                    "The body is not JSON, or a header is malformed",
                );
                answers(write, "413", "The body is larger than the limit");
                answers(
                    write,
                    "409",
                    "What the body creates exists already, or the Idempotency-Key was used with another request",
                );
                answers(write, "415", "The body is not sent as application/json");
                answers(
                    write,
                    "422",
                    "Well-formed, but a value is refused (the message says which)",
                );
                // Drafting from text stores nothing: it takes no retry key and no reason. A new
                // user's password and a new token are in their reply only, which is never stored
                // for a retry: those take no key (a reason, still).
                if path == "/api/v1/users" || path == "/api/v1/tokens" {
                    write_headers(write);
                    if let Some(parameters) = write.parameters.as_mut() {
                        parameters.retain(|p| p.name != "Idempotency-Key");
                    }
                } else if path != "/api/v1/extract" {
                    write_headers(write);
                }
            }
            if let Some(read) = item.get.as_mut()
                && read.parameters.as_ref().is_some_and(|p| !p.is_empty())
            {
                answers(read, "400", "A parameter is malformed");
            }
            for (method, operation) in [
                (Method::GET, item.get.as_mut()),
                (Method::POST, item.post.as_mut()),
                (Method::DELETE, item.delete.as_mut()),
            ] {
                let Some(operation) = operation else {
                    continue;
                };
                answers(
                    operation,
                    "503",
                    "The database does not answer or is busy: retry",
                );
                // A token that is unknown or revoked is refused on any route.
                answers(
                    operation,
                    "401",
                    "Nobody is signed in where someone must be, or the API token is unknown or revoked",
                );
                // What the access table says of the route (docs/security.md): a token is
                // required, or optional where the public is admitted too (and sees less).
                let rule = crate::access::rule_of(&method, path);
                if rule != Some(crate::access::Rule::Anyone) {
                    answers(operation, "403", "The caller's role may not do this");
                    let token = SecurityRequirement::new("token", Vec::<String>::new());
                    let public =
                        crate::access::Rule::May(truce_core::access::Permission::ReadIncidents);
                    operation.security = Some(if rule == Some(public) {
                        vec![SecurityRequirement::default(), token]
                    } else {
                        vec![token]
                    });
                }
                if method != Method::GET {
                    answers(
                        operation,
                        "429",
                        "Too many writes from this principal: retry after a second",
                    );
                }
            }
        }
    }
}

/// Adds a JSON error response unless the operation documents this status already.
fn answers(operation: &mut Operation, status: &str, description: &str) {
    operation
        .responses
        .responses
        .entry(status.to_owned())
        .or_insert_with(|| {
            RefOr::T(
                ResponseBuilder::new()
                    .description(description)
                    .content(
                        "application/json",
                        ContentBuilder::new()
                            .schema(Some(Ref::from_schema_name("ErrorBody")))
                            .build(),
                    )
                    .build(),
            )
        });
}

/// The two request headers of a write, with their limits.
fn write_headers(operation: &mut Operation) {
    let parameters = operation.parameters.get_or_insert_with(Vec::new);
    parameters.retain(|p| p.name != "Idempotency-Key" && p.name != "Truce-Reason");
    let header = |name: &str, description: &str, min: usize, max: usize| {
        ParameterBuilder::new()
            .name(name)
            .parameter_in(ParameterIn::Header)
            .required(Required::False)
            .description(Some(description))
            .schema(Some(
                ObjectBuilder::new()
                    .schema_type(Type::String)
                    .min_length(Some(min))
                    .max_length(Some(max))
                    .pattern(Some("^[ -~]*$")),
            ))
            .build()
    };
    parameters.push(header(
        "Idempotency-Key",
        "Retry key: the same key and body on the same address gets the first reply and creates nothing",
        1,
        200,
    ));
    parameters.push(header(
        "Truce-Reason",
        "Why the change is made, kept in the change log (printable ASCII)",
        0,
        1_000,
    ));
}

/// The closed lists the server checks, from the lists it checks them against.
struct ClosedLists;

impl Modify for ClosedLists {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let labels: Vec<&str> = truce_core::Label::ALL.iter().map(|l| l.as_str()).collect();
        let grades = ["A", "B", "C", "D", "E", "F"];
        let body_fields: [(&str, &str, &[&str]); 4] = [
            ("NewReportBody", "source_type", &crate::api::SOURCE_TYPES),
            ("NewReportBody", "reliability", &grades),
            (
                "NewDesignation",
                "status",
                &["listed", "proposed", "blocked"],
            ),
            ("NewCommitment", "channel", &["US", "RU"]),
        ];
        if let Some(components) = openapi.components.as_mut() {
            for (schema, field, values) in body_fields {
                if let Some(RefOr::T(Schema::Object(object))) = components.schemas.get_mut(schema)
                    && let Some(RefOr::T(Schema::Object(property))) =
                        object.properties.get_mut(field)
                {
                    closed(property, values);
                }
            }
        }
        for item in openapi.paths.paths.values_mut() {
            let Some(read) = item.get.as_mut() else {
                continue;
            };
            for parameter in read.parameters.iter_mut().flatten() {
                if parameter.name == "label"
                    && let Some(RefOr::T(Schema::Object(property))) = parameter.schema.as_mut()
                {
                    closed(property, &labels);
                }
            }
        }
    }
}

fn closed(property: &mut Object, values: &[&str]) {
    property.enum_values = Some(values.iter().map(|v| Value::from(*v)).collect());
}

/// The document as pretty JSON, as committed in docs/openapi.json.
pub fn document() -> String {
    ApiDoc::openapi().to_pretty_json().unwrap_or_default()
}

/// `GET /api/v1/openapi.json`.
pub async fn serve() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
