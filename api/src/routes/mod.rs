//! Every route of the v1 contract, in one table: the server registers the
//! routes from it, and `GET /openapi.json` joins it with the types of the
//! handlers (`crate::openapi`), so the two cannot disagree (a test walks
//! the document against the live server).

use actix_web::{web, HttpResponse};
use matcher::domain::Role;

use crate::error::ApiError;

pub mod admin;
pub mod cohorts;
pub mod effectiveness;
pub mod intake;
pub mod introductions;
pub mod matches;
pub mod me;
pub mod operations;
pub mod outreach;
pub mod params;
pub mod picture;
pub mod profiles;
pub mod reference;
pub mod vacancies;

pub use params::{MAX_PAGE, MAX_QUERY_CHARS, MAX_SEARCH_OFFSET};

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

const OUTREACH_READERS: &[Role] = &[Role::Adviser, Role::Admin];

const PAGING: &[&str] = &["invalid_limit", "invalid_cursor"];
const CONTACT_LIST: &[&str] = &["invalid_limit", "invalid_cursor", "invalid_query"];
const RANKING: &[&str] = &[
    "invalid_limit",
    "invalid_scope",
    "invalid_lang",
    "index_stale",
    "index_error",
];
const VACANCY_WRITE: &[&str] = &[
    "conflict",
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

const EFFECTIVENESS: &[&str] = &[
    "invalid_date",
    "invalid_period",
    "invalid_grouping",
    "invalid_industry",
    "invalid_occupation_level",
    "invalid_table",
    "invalid_format",
    "invalid_lang",
];
const TREND: &[&str] = &[
    "invalid_date",
    "invalid_period",
    "invalid_region",
    "invalid_format",
    "invalid_lang",
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
    use operations as server;
    vec![
        endpoint!(GET "/healthz", &[], &[], server::healthz),
        endpoint!(GET "/readyz", &[], &[], server::readyz),
        endpoint!(GET "/metrics", &[], &[], server::metrics),
        endpoint!(GET "/openapi.json", &[], &[], operations::document),
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
            &["conflict", "unknown_ranking"],
            vacancies::introduce
        ),
        endpoint!(
            GET "/v1/vacancies/{id}/introductions",
            &[Role::Adviser, Role::Employer],
            &[],
            vacancies::introductions
        ),
        endpoint!(
            GET "/v1/introductions",
            &[Role::Adviser, Role::Employer, Role::Admin],
            &["invalid_limit", "invalid_cursor", "invalid_query"],
            introductions::list
        ),
        endpoint!(
            GET "/v1/introductions/{id}",
            &[Role::Adviser, Role::Employer, Role::Admin],
            &[],
            introductions::get
        ),
        endpoint!(
            PATCH "/v1/introductions/{id}",
            &[Role::Adviser, Role::Employer],
            &["conflict", "invalid_status_change", "invalid_outcome"],
            introductions::change
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
        endpoint!(
            GET "/v1/profiles",
            &[Role::Adviser],
            &["invalid_limit", "invalid_cursor", "query_too_long"],
            profiles::list
        ),
        // Before `/v1/profiles/{id}`, which would take the word for an id.
        endpoint!(
            POST "/v1/profiles/suggestions",
            &[Role::Adviser],
            &["text_too_long", "invalid_lang"],
            intake::suggest
        ),
        endpoint!(GET "/v1/profiles/{id}", VACANCY_READERS, &[], profiles::get),
        endpoint!(PATCH "/v1/profiles/{id}", &[Role::Adviser], PROFILE_CHANGE, profiles::patch),
        endpoint!(DELETE "/v1/profiles/{id}", &[Role::Adviser], &[], profiles::delete),
        endpoint!(GET "/v1/profiles/{id}/export", &[Role::Adviser, Role::Admin], &[], profiles::export),
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
        endpoint!(
            POST "/v1/outreach/contacts",
            &[Role::Adviser],
            &["unknown_field", "invalid_contact", "invalid_reference", "invalid_data", "not_found"],
            outreach::create_contact
        ),
        endpoint!(GET "/v1/outreach/contacts", OUTREACH_READERS, CONTACT_LIST, outreach::list_contacts),
        endpoint!(GET "/v1/outreach/contacts/{id}", OUTREACH_READERS, &[], outreach::get_contact),
        endpoint!(
            POST "/v1/outreach/needs/{id}/vacancy",
            &[Role::Adviser],
            &["conflict", "invalid_data"],
            outreach::need_vacancy
        ),
        endpoint!(
            GET "/v1/outreach/firms",
            OUTREACH_READERS,
            &["query_required", "query_too_long", "invalid_limit"],
            outreach::firms
        ),
        endpoint!(
            POST "/v1/outreach/campaigns",
            &[Role::Adviser],
            &["unknown_field", "invalid_campaign", "invalid_reference", "invalid_data"],
            outreach::create_campaign
        ),
        endpoint!(GET "/v1/outreach/campaigns", OUTREACH_READERS, PAGING, outreach::list_campaigns),
        endpoint!(GET "/v1/outreach/campaigns/{id}", OUTREACH_READERS, &[], outreach::campaign),
        endpoint!(
            GET "/v1/picture/effectiveness",
            PICTURE_READERS,
            EFFECTIVENESS,
            effectiveness::effectiveness
        ),
        endpoint!(GET "/v1/picture/trend", PICTURE_READERS, TREND, effectiveness::trend),
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
