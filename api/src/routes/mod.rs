//! Every route of the v1 contract, in one table: the server registers the
//! routes from it and `GET /openapi.json` is generated from it, so the two
//! cannot disagree (a test walks the document against the live server).

use actix_web::{web, HttpResponse};
use matcher::domain::Role;
use serde_json::{json, Map, Value};

use crate::error::ApiError;

pub mod admin;
pub mod cohorts;
pub mod matches;
pub mod me;
pub mod picture;
pub mod profiles;
pub mod reference;
pub mod vacancies;

/// Largest page of a listing.
pub const MAX_PAGE: usize = 100;
/// Longest free-text query, in characters.
pub const MAX_QUERY_CHARS: usize = 200;
/// Most words in a free-text query.
pub const MAX_QUERY_TERMS: usize = 32;

/// One route: method, path (OpenAPI syntax, which actix shares), who may
/// call it, its parameters and how to serve it.
pub struct Endpoint {
    pub method: &'static str,
    pub path: &'static str,
    pub summary: &'static str,
    /// Roles that may call it; empty means no authentication.
    pub roles: &'static [Role],
    /// Query parameters: (name, description).
    pub query: &'static [(&'static str, &'static str)],
    /// A JSON request body, described.
    pub body: Option<&'static str>,
    /// Success status.
    pub ok: u16,
    pub route: fn() -> actix_web::Route,
}

const ALL: &[Role] = &[
    Role::Adviser,
    Role::Recruiter,
    Role::Employer,
    Role::Analyst,
    Role::Admin,
];
const VACANCY_READERS: &[Role] = &[Role::Adviser, Role::Recruiter, Role::Employer];
const VACANCY_OWNERS: &[Role] = &[Role::Recruiter, Role::Employer];
const PAGE: (&str, &str) = ("limit", "page size, 1–100 (default 20)");
const CURSOR: (&str, &str) = ("cursor", "the next_cursor of the previous page");
const LANG: (&str, &str) = ("lang", "fi, sv or en (default: Accept-Language, else fi)");

const PICTURE_READERS: &[Role] = &[Role::Adviser, Role::Analyst];
const PICTURE_QUERY: &[(&str, &str)] = &[
    (
        "by",
        "rows: country, region (default), sub_region, ely or municipality",
    ),
    (
        "occupation_level",
        "ISCO-08 level of the columns, 1–4 (default 1)",
    ),
    (
        "industry",
        "columns by TOL 2008 industry instead: section or division",
    ),
    (
        "potential",
        "true: add the cross-region potential matrix (scores every open position)",
    ),
    (
        "min_score",
        "good-match score for the potential matrix (default 0.5)",
    ),
    (
        "table",
        "CSV table: cells (default), areas, groups or flows",
    ),
    LANG,
];

/// The whole contract.
pub fn endpoints() -> Vec<Endpoint> {
    vec![
        Endpoint {
            method: "GET",
            path: "/healthz",
            summary: "Liveness",
            roles: &[],
            query: &[],
            body: None,
            ok: 200,
            route: || web::get().to(crate::server::healthz),
        },
        Endpoint {
            method: "GET",
            path: "/readyz",
            summary: "Readiness: the database answers",
            roles: &[],
            query: &[],
            body: None,
            ok: 200,
            route: || web::get().to(crate::server::readyz),
        },
        Endpoint {
            method: "GET",
            path: "/metrics",
            summary: "Prometheus metrics",
            roles: &[],
            query: &[],
            body: None,
            ok: 200,
            route: || web::get().to(crate::server::metrics),
        },
        Endpoint {
            method: "GET",
            path: "/openapi.json",
            summary: "This document",
            roles: &[],
            query: &[],
            body: None,
            ok: 200,
            route: || web::get().to(openapi_json),
        },
        Endpoint {
            method: "GET",
            path: "/v1/me",
            summary: "The caller: role and organization (the web UI reads it after sign-in)",
            roles: ALL,
            query: &[],
            body: None,
            ok: 200,
            route: || web::get().to(me::me),
        },
        Endpoint {
            method: "GET",
            path: "/v1/me/vacancies",
            summary: "The vacancies the caller's organization owns, every status, newest first (at most 200)",
            roles: VACANCY_OWNERS,
            query: &[],
            body: None,
            ok: 200,
            route: || web::get().to(me::own_vacancies),
        },
        Endpoint {
            method: "GET",
            path: "/v1/agencies",
            summary: "Recruitment agencies a vacancy can be shared with",
            roles: VACANCY_OWNERS,
            query: &[],
            body: None,
            ok: 200,
            route: || web::get().to(me::agencies),
        },
        Endpoint {
            method: "POST",
            path: "/v1/vacancies",
            summary: "Post a vacancy (public, hidden or shared); uncoded titles are coded to ESCO",
            roles: VACANCY_OWNERS,
            query: &[],
            body: Some("a vacancy: title required; any other vacancy field"),
            ok: 201,
            route: || web::post().to(vacancies::create),
        },
        Endpoint {
            method: "GET",
            path: "/v1/vacancies",
            summary: "Search open vacancies the caller may see, with facet counts",
            roles: VACANCY_READERS,
            query: &[
                ("q", "free text, Finnish, Swedish or English"),
                (
                    "occupation",
                    "ESCO occupation URI or ISCO code (1–4 digits)",
                ),
                ("municipality", "municipality code"),
                ("region", "region code"),
                ("near", "municipality code to search around"),
                ("radius_km", "radius around `near` (default 50)"),
                ("work_time", "full_time or part_time"),
                ("remote", "none, hybrid or full"),
                ("language", "ad language: fi, sv or en"),
                PAGE,
                CURSOR,
            ],
            body: None,
            ok: 200,
            route: || web::get().to(vacancies::search),
        },
        Endpoint {
            method: "GET",
            path: "/v1/vacancies/{id}",
            summary: "One vacancy (404 when the caller may not see it)",
            roles: VACANCY_READERS,
            query: &[],
            body: None,
            ok: 200,
            route: || web::get().to(vacancies::get),
        },
        Endpoint {
            method: "PATCH",
            path: "/v1/vacancies/{id}",
            summary: "Change an own vacancy (JSON merge patch with the current version)",
            roles: VACANCY_OWNERS,
            query: &[],
            body: Some("fields to change, and `version`"),
            ok: 200,
            route: || web::patch().to(vacancies::patch),
        },
        Endpoint {
            method: "DELETE",
            path: "/v1/vacancies/{id}",
            summary: "Delete an own vacancy",
            roles: VACANCY_OWNERS,
            query: &[],
            body: None,
            ok: 204,
            route: || web::delete().to(vacancies::delete),
        },
        Endpoint {
            method: "POST",
            path: "/v1/vacancies/{id}/introductions",
            summary: "Introduce a candidate to a vacancy's employer (advisers)",
            roles: &[Role::Adviser],
            query: &[],
            body: Some("{\"profile_id\": id}"),
            ok: 201,
            route: || web::post().to(vacancies::introduce),
        },
        Endpoint {
            method: "GET",
            path: "/v1/vacancies/{id}/introductions",
            summary: "Candidates introduced to a vacancy, with the fields the job needs",
            roles: &[Role::Adviser, Role::Employer],
            query: &[],
            body: None,
            ok: 200,
            route: || web::get().to(vacancies::introductions),
        },
        Endpoint {
            method: "GET",
            path: "/v1/vacancies/{id}/candidates",
            summary: "Ranked candidates for a vacancy (anonymous summaries for employers)",
            roles: VACANCY_READERS,
            query: &[
                ("limit", "1–100 (default 20)"),
                ("scope", "mobility (default), commute, region or nationwide"),
                ("explain", "true (default) or false"),
                LANG,
            ],
            body: None,
            ok: 200,
            route: || web::get().to(matches::candidates),
        },
        Endpoint {
            method: "POST",
            path: "/v1/match/candidates",
            summary: "Rank candidates for a vacancy given in the body, not stored",
            roles: VACANCY_READERS,
            query: &[
                ("limit", "1–100 (default 20)"),
                ("scope", "mobility (default), commute, region or nationwide"),
                ("explain", "true (default) or false"),
                LANG,
            ],
            body: Some("a vacancy, as for POST /v1/vacancies"),
            ok: 200,
            route: || web::post().to(matches::candidates_for_body),
        },
        Endpoint {
            method: "POST",
            path: "/v1/profiles",
            summary: "Create a jobseeker profile managed by the caller's office",
            roles: &[Role::Adviser],
            query: &[],
            body: Some("a profile: contact.full_name required; any other profile field"),
            ok: 201,
            route: || web::post().to(profiles::create),
        },
        Endpoint {
            method: "GET",
            path: "/v1/profiles",
            summary: "The profiles the caller's office manages",
            roles: &[Role::Adviser],
            query: &[PAGE, CURSOR],
            body: None,
            ok: 200,
            route: || web::get().to(profiles::list),
        },
        Endpoint {
            method: "GET",
            path: "/v1/profiles/{id}",
            summary: "One profile, as the caller's role may see it (audited)",
            roles: VACANCY_READERS,
            query: &[],
            body: None,
            ok: 200,
            route: || web::get().to(profiles::get),
        },
        Endpoint {
            method: "PATCH",
            path: "/v1/profiles/{id}",
            summary: "Change a profile the caller's office manages",
            roles: &[Role::Adviser],
            query: &[],
            body: Some("fields to change, and `version`"),
            ok: 200,
            route: || web::patch().to(profiles::patch),
        },
        Endpoint {
            method: "DELETE",
            path: "/v1/profiles/{id}",
            summary: "Erase a profile the caller's office manages",
            roles: &[Role::Adviser],
            query: &[],
            body: None,
            ok: 204,
            route: || web::delete().to(profiles::delete),
        },
        Endpoint {
            method: "GET",
            path: "/v1/profiles/{id}/vacancies",
            summary: "Ranked vacancies for a jobseeker",
            roles: &[Role::Adviser, Role::Recruiter],
            query: &[
                ("limit", "1–100 (default 20)"),
                ("scope", "mobility (default), commute, region or nationwide"),
                ("explain", "true (default) or false"),
                LANG,
            ],
            body: None,
            ok: 200,
            route: || web::get().to(matches::vacancies),
        },
        Endpoint {
            method: "GET",
            path: "/v1/taxonomy/occupations",
            summary: "A job title (fi/sv/en, noisy) → ranked ESCO occupations",
            roles: ALL,
            query: &[
                ("q", "the title"),
                ("uri", "instead of q: the one occupation with this ESCO URI"),
                LANG,
                ("limit", "1–50 (default 10)"),
            ],
            body: None,
            ok: 200,
            route: || web::get().to(reference::occupations),
        },
        Endpoint {
            method: "GET",
            path: "/v1/taxonomy/skills",
            summary: "Skill typeahead over ESCO labels",
            roles: ALL,
            query: &[
                ("q", "the beginning of a label"),
                LANG,
                ("limit", "1–50 (default 10)"),
            ],
            body: None,
            ok: 200,
            route: || web::get().to(reference::skills),
        },
        Endpoint {
            method: "POST",
            path: "/v1/taxonomy/extract",
            summary: "The ESCO skills a text mentions, with byte spans",
            roles: ALL,
            query: &[],
            body: Some("{\"text\": \"…\", \"lang\": \"fi\"|\"sv\"|\"en\" (optional)}"),
            ok: 200,
            route: || web::post().to(reference::extract),
        },
        Endpoint {
            method: "GET",
            path: "/v1/places",
            summary: "Municipality and region typeahead",
            roles: ALL,
            query: &[
                ("q", "the beginning of a name (fi or sv)"),
                ("limit", "1–50 (default 10)"),
            ],
            body: None,
            ok: 200,
            route: || web::get().to(reference::places),
        },
        Endpoint {
            method: "POST",
            path: "/v1/cohorts",
            summary: "Create a cohort: the workers one employer lays off (advisers)",
            roles: &[Role::Adviser],
            query: &[],
            body: Some("{\"name\", \"employer_name\", \"profile_ids\": [ids]}"),
            ok: 201,
            route: || web::post().to(cohorts::create),
        },
        Endpoint {
            method: "POST",
            path: "/v1/cohorts/{id}/assignments",
            summary: "Assign a cohort nationwide: optimal under open positions and mobility",
            roles: &[Role::Adviser],
            query: &[],
            body: Some("optional: {\"min_score\" (0.5), \"candidates\" (20), \"alternatives\" (3), \"scope\"}"),
            ok: 200,
            route: || web::post().to(cohorts::assign),
        },
        Endpoint {
            method: "GET",
            path: "/v1/picture",
            summary: "The labour-market picture: positions, jobseekers, tightness, days open per area × occupation (or industry), Jackman–Roper mismatch, cross-region potential; CSV with Accept: text/csv (analysts: cells under 5 withheld)",
            roles: PICTURE_READERS,
            query: PICTURE_QUERY,
            body: None,
            ok: 200,
            route: || web::get().to(picture::picture),
        },
        Endpoint {
            method: "GET",
            path: "/v1/picture.csv",
            summary: "The labour-market picture as CSV (one table, see `table`)",
            roles: PICTURE_READERS,
            query: PICTURE_QUERY,
            body: None,
            ok: 200,
            route: || web::get().to(picture::picture_csv),
        },
        Endpoint {
            method: "GET",
            path: "/v1/audit",
            summary: "The audit log, oldest first (admins)",
            roles: &[Role::Admin],
            query: &[PAGE, CURSOR],
            body: None,
            ok: 200,
            route: || web::get().to(admin::audit),
        },
    ]
}

/// Register every endpoint; a path answers 405 (problem+json) to a method
/// it does not serve.
pub fn configure(cfg: &mut web::ServiceConfig) {
    let all = endpoints();
    let mut paths: Vec<&str> = all.iter().map(|e| e.path).collect();
    paths.dedup();
    let mut seen = std::collections::BTreeSet::new();
    for path in paths {
        if !seen.insert(path) {
            continue;
        }
        let mut resource = web::resource(path);
        for e in all.iter().filter(|e| e.path == path) {
            resource = resource.route((e.route)());
        }
        cfg.service(resource.default_service(web::to(method_not_allowed)));
    }
}

async fn method_not_allowed() -> Result<HttpResponse, ApiError> {
    Err(ApiError::new(
        actix_web::http::StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "this resource does not serve that method",
    ))
}

/// The OpenAPI 3.1 document of [`endpoints`].
pub fn openapi() -> Value {
    let mut paths: Map<String, Value> = Map::new();
    for e in endpoints() {
        let mut parameters: Vec<Value> = Vec::new();
        for segment in e.path.split('/') {
            if let Some(name) = segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                parameters.push(json!({
                    "name": name, "in": "path", "required": true,
                    "schema": {"type": "integer", "format": "int64"}
                }));
            }
        }
        for (name, description) in e.query {
            parameters.push(json!({
                "name": name, "in": "query", "required": false,
                "description": description, "schema": {"type": "string"}
            }));
        }
        let mut responses = Map::new();
        responses.insert(e.ok.to_string(), json!({"description": "success"}));
        let problem = json!({
            "description": "a problem",
            "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
        });
        let mut errors = vec!["400", "404", "429", "503"];
        if !e.roles.is_empty() {
            errors.extend(["401", "403"]);
        }
        if e.body.is_some() {
            errors.extend(["413", "415", "422"]);
        }
        for code in errors {
            responses.insert(code.to_owned(), problem.clone());
        }
        let mut operation = json!({
            "summary": e.summary,
            "parameters": parameters,
            "responses": responses,
            "x-roles": e.roles.iter().map(|r| r.as_str()).collect::<Vec<_>>(),
        });
        if e.roles.is_empty() {
            operation["security"] = json!([]);
        }
        if let Some(body) = e.body {
            operation["requestBody"] = json!({
                "required": true,
                "description": body,
                "content": {"application/json": {"schema": {"type": "object"}}}
            });
        }
        let item = paths
            .entry(e.path.to_owned())
            .or_insert_with(|| Value::Object(Map::new()));
        item[e.method.to_ascii_lowercase()] = operation;
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Kohtaanto API",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Cross-regional job matching for Finland. Errors are application/problem+json with a stable `code` (docs/api.md)."
        },
        "servers": [{"url": "/"}],
        "security": [{"bearer": []}],
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {"Problem": {
                "type": "object",
                "required": ["type", "title", "status", "code", "detail"],
                "properties": {
                    "type": {"type": "string"}, "title": {"type": "string"},
                    "status": {"type": "integer"}, "code": {"type": "string"},
                    "detail": {"type": "string"}
                }
            }}
        },
        "paths": paths,
    })
}

async fn openapi_json() -> HttpResponse {
    HttpResponse::Ok().json(openapi())
}

/// A page size from the query: default 20, at most [`MAX_PAGE`].
pub fn page_size(limit: Option<usize>, max: usize) -> Result<usize, ApiError> {
    match limit {
        None => Ok(20.min(max)),
        Some(n) if (1..=max).contains(&n) => Ok(n),
        Some(n) => Err(ApiError::bad_request(
            "invalid_limit",
            format!("limit must be 1–{max}, not {n}"),
        )),
    }
}

/// A free-text query within the limits.
pub fn check_query(q: &str) -> Result<(), ApiError> {
    if q.chars().count() > MAX_QUERY_CHARS {
        return Err(ApiError::bad_request(
            "query_too_long",
            format!("q is longer than {MAX_QUERY_CHARS} characters"),
        ));
    }
    if q.split_whitespace().count() > MAX_QUERY_TERMS {
        return Err(ApiError::bad_request(
            "too_many_terms",
            format!("q has more than {MAX_QUERY_TERMS} words"),
        ));
    }
    Ok(())
}

/// A cursor that is a plain non-negative number (an id or an offset).
pub fn cursor(text: Option<&str>) -> Result<i64, ApiError> {
    match text {
        None | Some("") => Ok(0),
        Some(t) => t
            .parse::<i64>()
            .ok()
            .filter(|n| *n >= 0)
            .ok_or_else(|| ApiError::bad_request("invalid_cursor", "the cursor is not valid")),
    }
}

/// RFC 7386 JSON merge patch of `patch` onto `target`. Keys `target` does
/// not have are refused (`unknown_field`), and so are keys in `fixed`.
pub fn merge_patch(target: &mut Value, patch: &Value, fixed: &[&str]) -> Result<(), ApiError> {
    let (Some(t), Some(p)) = (target.as_object_mut(), patch.as_object()) else {
        return Err(ApiError::bad_request(
            "invalid_body",
            "the body must be a JSON object",
        ));
    };
    for (key, value) in p {
        if fixed.contains(&key.as_str()) {
            return Err(ApiError::bad_request(
                "field_not_writable",
                format!("{key} cannot be set"),
            ));
        }
        let Some(slot) = t.get_mut(key) else {
            return Err(ApiError::bad_request(
                "unknown_field",
                format!("unknown field {key:?}"),
            ));
        };
        if value.is_object() && slot.is_object() && key == "contact" {
            merge_patch(slot, value, &[])?;
        } else {
            *slot = value.clone();
        }
    }
    Ok(())
}

/// `current` with the merge patch `body` applied, and the `version` the
/// patch was written against (required: optimistic concurrency).
pub fn patched<T: serde::Serialize + serde::de::DeserializeOwned>(
    current: &T,
    mut body: Value,
    fixed: &[&str],
) -> Result<(T, i64), ApiError> {
    let version = body
        .as_object_mut()
        .and_then(|o| o.remove("version"))
        .and_then(|v| v.as_i64())
        .ok_or_else(|| ApiError::bad_request("version_required", "send the current `version`"))?;
    let mut value = serde_json::to_value(current).unwrap_or(Value::Null);
    merge_patch(&mut value, &body, fixed)?;
    let patched = serde_json::from_value(value)
        .map_err(|e| ApiError::bad_request("invalid_body", e.to_string()))?;
    Ok((patched, version))
}
