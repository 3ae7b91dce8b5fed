//! Every route of the v1 contract, in one table: the server registers the
//! routes from it, and `GET /openapi.json` joins it with the types of the
//! handlers (`crate::openapi`), so the two cannot disagree (a test walks
//! the document against the live server).

use actix_web::{web, HttpResponse};
use matcher::domain::Role;
use serde_json::Value;

use crate::error::ApiError;

pub mod admin;
pub mod cohorts;
pub mod matches;
pub mod me;
pub mod picture;
pub mod profiles;
pub mod reference;
pub mod vacancies;

/// How deep a vacancy search pages: its first 10,000 results (an offset
/// cursor beyond is refused, as in search engines' result windows).
pub const MAX_SEARCH_OFFSET: i64 = 9_999;

/// Largest page of a listing.
pub const MAX_PAGE: usize = 100;
/// Longest free-text query, in characters.
pub const MAX_QUERY_CHARS: usize = 200;

/// One route: method, path (OpenAPI syntax, which actix shares), who may
/// call it, the problem codes it answers and how to serve it. Its
/// parameters and bodies are typed on the handler (`#[utoipa::path]`);
/// [`crate::openapi`] joins the two.
pub struct Endpoint {
    pub method: &'static str,
    pub path: &'static str,
    /// Roles that may call it; empty means no authentication.
    pub roles: &'static [Role],
    /// Problem codes particular to this route; the ones every route of its
    /// kind answers (authentication, bodies, paths) are added to them.
    pub problems: &'static [&'static str],
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
const PICTURE_READERS: &[Role] = &[Role::Adviser, Role::Analyst];

const PAGING: &[&str] = &["invalid_limit", "invalid_cursor"];
const RANKING: &[&str] = &[
    "invalid_limit",
    "invalid_scope",
    "invalid_lang",
    "index_stale",
    "index_error",
];
const VACANCY_WRITE: &[&str] = &[
    "unknown_field",
    "field_not_writable",
    "invalid_vacancy",
    "invalid_reference",
    "invalid_data",
];
const VACANCY_CHANGE: &[&str] = &[
    "unknown_field",
    "field_not_writable",
    "invalid_vacancy",
    "invalid_reference",
    "invalid_data",
    "version_required",
    "conflict",
];
const PROFILE_WRITE: &[&str] = &[
    "unknown_field",
    "field_not_writable",
    "invalid_profile",
    "invalid_reference",
    "invalid_data",
];
const PROFILE_CHANGE: &[&str] = &[
    "unknown_field",
    "field_not_writable",
    "invalid_profile",
    "invalid_reference",
    "invalid_data",
    "version_required",
    "conflict",
];
const TEXT_QUERY: &[&str] = &[
    "query_required",
    "query_too_long",
    "invalid_lang",
    "invalid_limit",
];
const OCCUPATION_QUERY: &[&str] = &[
    "query_required",
    "query_too_long",
    "invalid_lang",
    "invalid_limit",
    "q_or_uri_required",
];
const PICTURE: &[&str] = &[
    "invalid_by",
    "invalid_grouping",
    "invalid_industry",
    "invalid_occupation_level",
    "invalid_min_score",
    "invalid_table",
    "invalid_lang",
    "index_stale",
    "index_error",
];

macro_rules! endpoint {
    ($method:ident $path:literal, $roles:expr, $problems:expr, $handler:path) => {
        Endpoint {
            method: stringify!($method),
            path: $path,
            roles: $roles,
            problems: $problems,
            route: || web::method(actix_web::http::Method::$method).to($handler),
        }
    };
}

/// The whole contract.
pub fn endpoints() -> Vec<Endpoint> {
    use crate::server;
    vec![
        endpoint!(GET "/healthz", &[], &[], server::healthz),
        endpoint!(GET "/readyz", &[], &[], server::readyz),
        endpoint!(GET "/metrics", &[], &[], server::metrics),
        endpoint!(GET "/openapi.json", &[], &[], crate::openapi::document),
        endpoint!(GET "/v1/me", ALL, &[], me::me),
        endpoint!(GET "/v1/me/vacancies", VACANCY_OWNERS, &[], me::own_vacancies),
        endpoint!(GET "/v1/agencies", VACANCY_OWNERS, &[], me::agencies),
        endpoint!(POST "/v1/vacancies", VACANCY_OWNERS, VACANCY_WRITE, vacancies::create),
        endpoint!(
            GET "/v1/vacancies",
            VACANCY_READERS,
            &["invalid_limit", "invalid_cursor", "query_too_long", "invalid_radius", "index_stale", "index_error"],
            vacancies::search
        ),
        endpoint!(GET "/v1/vacancies/{id}", VACANCY_READERS, &[], vacancies::get),
        endpoint!(PATCH "/v1/vacancies/{id}", VACANCY_OWNERS, VACANCY_CHANGE, vacancies::patch),
        endpoint!(DELETE "/v1/vacancies/{id}", VACANCY_OWNERS, &[], vacancies::delete),
        endpoint!(
            POST "/v1/vacancies/{id}/introductions",
            &[Role::Adviser],
            &["conflict"],
            vacancies::introduce
        ),
        endpoint!(
            GET "/v1/vacancies/{id}/introductions",
            &[Role::Adviser, Role::Employer],
            &[],
            vacancies::introductions
        ),
        endpoint!(GET "/v1/vacancies/{id}/candidates", VACANCY_READERS, RANKING, matches::candidates),
        endpoint!(
            POST "/v1/match/candidates",
            VACANCY_READERS,
            &[
                "invalid_limit", "invalid_scope", "invalid_lang", "index_stale", "index_error",
                "unknown_field", "field_not_writable", "invalid_vacancy", "invalid_reference",
            ],
            matches::candidates_for_body
        ),
        endpoint!(POST "/v1/profiles", &[Role::Adviser], PROFILE_WRITE, profiles::create),
        endpoint!(GET "/v1/profiles", &[Role::Adviser], PAGING, profiles::list),
        endpoint!(GET "/v1/profiles/{id}", VACANCY_READERS, &[], profiles::get),
        endpoint!(PATCH "/v1/profiles/{id}", &[Role::Adviser], PROFILE_CHANGE, profiles::patch),
        endpoint!(DELETE "/v1/profiles/{id}", &[Role::Adviser], &[], profiles::delete),
        endpoint!(
            GET "/v1/profiles/{id}/vacancies",
            &[Role::Adviser, Role::Recruiter],
            RANKING,
            matches::vacancies
        ),
        endpoint!(GET "/v1/taxonomy/occupations", ALL, OCCUPATION_QUERY, reference::occupations),
        endpoint!(GET "/v1/taxonomy/skills", ALL, TEXT_QUERY, reference::skills),
        endpoint!(POST "/v1/taxonomy/extract", ALL, &["text_too_long", "invalid_lang"], reference::extract),
        endpoint!(GET "/v1/places", ALL, TEXT_QUERY, reference::places),
        endpoint!(POST "/v1/cohorts", &[Role::Adviser], &["invalid_members", "invalid_data", "not_found"], cohorts::create),
        endpoint!(
            POST "/v1/cohorts/{id}/assignments",
            &[Role::Adviser],
            &["invalid_min_score", "invalid_scope", "invalid_lang", "index_stale", "index_error"],
            cohorts::assign
        ),
        endpoint!(GET "/v1/picture", PICTURE_READERS, PICTURE, picture::picture),
        endpoint!(GET "/v1/picture.csv", PICTURE_READERS, PICTURE, picture::picture_csv),
        endpoint!(GET "/v1/audit", &[Role::Admin], PAGING, admin::audit),
    ]
}

/// Register every endpoint; a path answers 405 (problem+json, with the
/// `Allow` header RFC 9110 asks for) to a method it does not serve.
pub fn configure(cfg: &mut web::ServiceConfig) {
    let all = endpoints();
    let mut seen = std::collections::BTreeSet::new();
    for e in &all {
        if !seen.insert(e.path) {
            continue;
        }
        let mut resource = web::resource(e.path);
        let mut allowed = Vec::new();
        for same in all.iter().filter(|x| x.path == e.path) {
            resource = resource.route((same.route)());
            allowed.push(same.method);
        }
        let allow = allowed.join(", ");
        cfg.service(resource.default_service(web::to(move || {
            let allow = allow.clone();
            async move { method_not_allowed(allow) }
        })));
    }
}

fn method_not_allowed(allow: String) -> HttpResponse {
    use actix_web::ResponseError;
    let mut response = ApiError::new(
        actix_web::http::StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        format!("this resource serves {allow}"),
    )
    .error_response();
    if let Ok(value) = actix_web::http::header::HeaderValue::from_str(&allow) {
        response
            .headers_mut()
            .insert(actix_web::http::header::ALLOW, value);
    }
    response
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
    Ok(())
}

/// A cursor that is a plain non-negative number (an id or an offset).
pub fn cursor(text: Option<&str>) -> Result<i64, ApiError> {
    match text {
        None | Some("") => Ok(0),
        Some(t) if t.len() > 18 || !t.bytes().all(|b| b.is_ascii_digit()) => Err(
            ApiError::bad_request("invalid_cursor", "the cursor is not valid"),
        ),
        Some(t) => t
            .parse::<i64>()
            .ok()
            .filter(|n| *n >= 0)
            .ok_or_else(|| ApiError::bad_request("invalid_cursor", "the cursor is not valid")),
    }
}

/// JSON (and JSON Schema) count `3.0` as the integer 3; serde reads it as
/// a float. Numbers without a fraction become integers before a body is
/// read as its type, so that what the OpenAPI document allows is accepted.
pub fn integral_numbers(value: &mut Value) {
    match value {
        Value::Number(n) if n.is_f64() => {
            if let Some(f) = n.as_f64() {
                if f.fract() == 0.0 && f.abs() < 9.0e15 {
                    *value = Value::from(f as i64);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(integral_numbers),
        Value::Object(map) => map.values_mut().for_each(integral_numbers),
        _ => {}
    }
}

/// A JSON body read as `T` (400 `invalid_body` when it is not one).
pub fn typed_body<T: serde::de::DeserializeOwned>(mut body: Value) -> Result<T, ApiError> {
    integral_numbers(&mut body);
    serde_json::from_value(body).map_err(|e| ApiError::bad_request("invalid_body", e.to_string()))
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
            let mut value = value.clone();
            integral_numbers(&mut value);
            *slot = value;
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
