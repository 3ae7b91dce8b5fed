//! The OpenAPI 3.1 document. Parameters, bodies and answers come from the
//! handlers' own types through utoipa (`#[utoipa::path]`,
//! `#[derive(ToSchema, IntoParams)]`), so the document cannot drift from
//! the code. This room joins them with what the types do not carry:
//! - the route table ([`crate::routes::endpoints`]): roles as tags and
//!   `x-roles`, security, and the problem codes of each route, as an enum
//!   of `code` per status;
//! - the writable shape of vacancies and profiles, derived from their
//!   domain schemas (the fields the server sets removed);
//! - the loaded reference data: enums of municipality, region, ISCO,
//!   industry, language and licence codes, so that a schema-valid request
//!   names only things that exist (URIs of the ~17,000 ESCO concepts are
//!   checked by pattern here and against the taxonomy by the server);
//! - links from created objects to the operations that read, change and
//!   delete them (clients and schemathesis' stateful tests follow them).

use matcher::references::{References, EDUCATION_FIELDS, LANGUAGE_CODES, LICENCE_CLASSES};
use serde_json::{json, Map, Value};
use utoipa::OpenApi;

use crate::error::{problem_status, PROBLEMS};
use crate::routes::{self, Endpoint};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Kohtaanto API",
        description = "Cross-regional job matching for Finland. Every error is `application/problem+json` with a stable `code`; each operation lists the codes it answers. Operations are tagged with the roles that may call them.",
        license(name = "MIT OR Apache-2.0", identifier = "MIT OR Apache-2.0"),
    ),
    paths(
        routes::operations::healthz,
        routes::operations::readyz,
        routes::operations::metrics,
        routes::operations::document,
        routes::me::me,
        routes::me::own_vacancies,
        routes::me::agencies,
        routes::vacancies::create,
        routes::vacancies::search,
        routes::vacancies::get,
        routes::vacancies::patch,
        routes::vacancies::delete,
        routes::vacancies::introduce,
        routes::vacancies::introductions,
        routes::introductions::list,
        routes::introductions::get,
        routes::introductions::change,
        routes::matches::candidates,
        routes::matches::candidates_for_body,
        routes::profiles::create,
        routes::profiles::list,
        routes::profiles::get,
        routes::profiles::patch,
        routes::profiles::delete,
        routes::profiles::export,
        routes::intake::suggest,
        routes::matches::vacancies,
        routes::reference::occupations,
        routes::reference::skills,
        routes::reference::extract,
        routes::reference::places,
        routes::cohorts::create,
        routes::cohorts::assign,
        routes::picture::picture,
        routes::picture::picture_csv,
        routes::outreach::create_contact,
        routes::outreach::list_contacts,
        routes::outreach::get_contact,
        routes::outreach::need_vacancy,
        routes::outreach::firms,
        routes::outreach::create_campaign,
        routes::outreach::list_campaigns,
        routes::outreach::campaign,
        routes::effectiveness::effectiveness,
        routes::effectiveness::trend,
        routes::admin::audit,
    ),
    components(schemas(
        crate::error::Problem,
        matcher::domain::VacancyDraft,
        matcher::domain::ProfileDraft,
        crate::routes::profiles::ConsentFilter,
        matcher::domain::IntroductionStatus,
    ))
)]
struct ApiDoc;

/// Fields of a vacancy the server sets.
const VACANCY_FIXED: &[&str] = &["source", "owner_org"];
/// Fields of a profile the server sets.
const PROFILE_FIXED: &[&str] = &["managing_org"];

/// What each role is, for the tags.
const ROLE_TAGS: &[(&str, &str)] = &[
    ("adviser", "Advisers of the employment offices: their office's jobseekers, nationwide matching, cohorts, the picture"),
    ("recruiter", "Private recruitment agencies: own vacancies, matching against consented, pseudonymised profiles"),
    ("employer", "Employers: own vacancies (public, hidden or shared), anonymous match summaries, introduced candidates"),
    ("analyst", "Analysts: the labour-market picture, small cells withheld"),
    ("admin", "Operators: the audit log"),
    ("operations", "Health, readiness, metrics and this document; no token"),
];

/// The document, with the reference data's codes when given.
pub fn build(references: Option<&References>) -> Value {
    let mut doc = serde_json::to_value(ApiDoc::openapi()).unwrap_or(Value::Null);
    doc["servers"] = json!([{"url": "/"}]);
    doc["security"] = json!([{"bearer": []}]);
    doc["components"]["securitySchemes"] = json!({
        "bearer": {
            "type": "http",
            "scheme": "bearer",
            "description": "An API token (`kohtaanto token create`); its role decides what the caller may do."
        }
    });
    doc["tags"] = Value::Array(
        ROLE_TAGS
            .iter()
            .map(|(name, description)| json!({"name": name, "description": description}))
            .collect(),
    );
    writable_schemas(&mut doc);
    for endpoint in routes::endpoints() {
        let method = endpoint.method.to_ascii_lowercase();
        if let Some(op) = doc["paths"][endpoint.path].get_mut(&method) {
            contract(op, &endpoint);
        }
    }
    links(&mut doc);
    naive_date_times(&mut doc);
    parameters_not_null(&mut doc);
    if let Some(r) = references {
        reference_codes(&mut doc, r);
        examples(&mut doc, r);
    }
    doc
}

/// Roles, security and problems of one operation.
fn contract(op: &mut Value, e: &Endpoint) {
    let roles: Vec<&str> = e.roles.iter().map(|r| r.as_str()).collect();
    op["tags"] = if roles.is_empty() {
        json!(["operations"])
    } else {
        json!(roles)
    };
    op["x-roles"] = json!(roles);
    if roles.is_empty() {
        op["security"] = json!([]);
    }
    let mut codes: Vec<&str> = e.problems.to_vec();
    if !roles.is_empty() {
        codes.extend([
            "missing_token",
            "invalid_token",
            "forbidden",
            "rate_limited",
            "database_unavailable",
            "timeout",
            // Every authenticated call may write: the change itself, or
            // the audit event and match log a read leaves.
            "storage_full",
            "storage_read_only",
        ]);
    }
    if e.path == "/readyz" {
        codes.push("database_unavailable");
    }
    if op.get("requestBody").is_some() {
        codes.extend(["invalid_body", "body_too_large", "unsupported_media_type"]);
    }
    let parameters = op["parameters"].as_array().cloned().unwrap_or_default();
    if parameters.iter().any(|p| p["in"] == "query") {
        codes.push("invalid_query");
    }
    if e.path.contains('{') {
        codes.push("not_found");
    }
    codes.push("internal_error");
    let mut by_status: std::collections::BTreeMap<u16, Vec<&str>> = Default::default();
    for code in codes {
        if let Some(status) = problem_status(code) {
            let list = by_status.entry(status).or_default();
            if !list.contains(&code) {
                list.push(code);
            }
        }
    }
    for (status, codes) in by_status {
        let meaning: Vec<String> = codes
            .iter()
            .filter_map(|c| PROBLEMS.iter().find(|(code, ..)| code == c))
            .map(|(code, _, meaning)| format!("`{code}`: {meaning}"))
            .collect();
        op["responses"][status.to_string()] = json!({
            "description": meaning.join("; "),
            "content": {"application/problem+json": {"schema": {
                "allOf": [
                    {"$ref": "#/components/schemas/Problem"},
                    {"type": "object", "properties": {"code": {"enum": codes}}}
                ]
            }}}
        });
    }
    let body = match op["operationId"].as_str() {
        Some("create_vacancy" | "match_candidates") => Some("VacancyInput"),
        Some("patch_vacancy") => Some("VacancyPatch"),
        Some("create_profile") => Some("ProfileInput"),
        Some("patch_profile") => Some("ProfilePatch"),
        _ => None,
    };
    if let Some(name) = body {
        op["requestBody"]["content"] = json!({"application/json": {
            "schema": {"$ref": format!("#/components/schemas/{name}")}
        }});
    }
}

/// The shapes a client writes, derived from the domain's: the fields the
/// server sets removed, unknown fields refused (as the server does); a
/// patch also carries the `version` it was written against.
fn writable_schemas(doc: &mut Value) {
    let schemas = &mut doc["components"]["schemas"];
    let version = json!({
        "type": "integer", "format": "int64", "minimum": 0,
        "description": "the version the change was written against (409 when it changed meanwhile)"
    });
    schemas["VacancyInput"] = writable(&schemas["VacancyDraft"], VACANCY_FIXED, &["title"]);
    let mut patch = writable(&schemas["VacancyDraft"], VACANCY_FIXED, &["version"]);
    patch["properties"]["version"] = version.clone();
    schemas["VacancyPatch"] = patch;
    let mut profile = writable(&schemas["ProfileDraft"], PROFILE_FIXED, &["contact"]);
    let mut patch = profile.clone();
    // The contact details merge too: a patch names only what changes.
    patch["properties"]["contact"] = json!({
        "type": "object",
        "additionalProperties": false,
        "properties": schemas["ContactDetails"]["properties"].clone(),
    });
    patch["properties"]["version"] = version;
    patch["required"] = json!(["version"]);
    schemas["ProfilePatch"] = patch;
    profile["description"] = json!("A profile to create: the contact details (full_name required) and a home municipality or a country abroad; every other field has a default.");
    schemas["ProfileInput"] = profile;
}

/// `schema` without the `fixed` fields, requiring only `required`, and
/// refusing unknown fields.
fn writable(schema: &Value, fixed: &[&str], required: &[&str]) -> Value {
    let mut s = schema.clone();
    if let Some(props) = s["properties"].as_object_mut() {
        for f in fixed {
            props.remove(*f);
        }
    }
    s["required"] = json!(required);
    s["additionalProperties"] = json!(false);
    s
}

/// Answers write date-times in UTC without an offset
/// (`2026-12-03T10:15:00.123`), which JSON Schema's `date-time` format
/// (RFC 3339) does not allow: their schemas say so by pattern. The writable
/// shapes keep `date-time`: a client may send either form.
fn naive_date_times(doc: &mut Value) {
    fn walk(v: &mut Value) {
        match v {
            Value::Object(map) => {
                if map.get("format").and_then(Value::as_str) == Some("date-time") {
                    map.remove("format");
                    map.insert("pattern".into(), json!(NAIVE_DATE_TIME));
                    map.entry("description")
                        .or_insert(json!("UTC, without an offset"));
                }
                for child in map.values_mut() {
                    walk(child);
                }
            }
            Value::Array(items) => items.iter_mut().for_each(walk),
            _ => {}
        }
    }
    const WRITABLE: &[&str] = &[
        "VacancyInput",
        "VacancyPatch",
        "ProfileInput",
        "ProfilePatch",
    ];
    if let Some(schemas) = doc["components"]["schemas"].as_object_mut() {
        for (name, schema) in schemas.iter_mut() {
            if !WRITABLE.contains(&name.as_str()) {
                walk(schema);
            }
        }
    }
    walk(&mut doc["paths"]);
}

/// A query parameter is given or absent, never null: an empty value is
/// not one of the parameter's (`limit=` is refused, not read as absent).
fn parameters_not_null(doc: &mut Value) {
    let Some(paths) = doc["paths"].as_object_mut() else {
        return;
    };
    for item in paths.values_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for op in item.values_mut() {
            let Some(parameters) = op.get_mut("parameters").and_then(Value::as_array_mut) else {
                continue;
            };
            for p in parameters {
                let schema = &mut p["schema"];
                if let Some(types) = schema.get_mut("type").and_then(Value::as_array_mut) {
                    types.retain(|t| t != "null");
                    if types.len() == 1 {
                        let only = types[0].clone();
                        schema["type"] = only;
                    }
                }
                if let Some(one_of) = schema["oneOf"].as_array() {
                    let rest: Vec<Value> = one_of
                        .iter()
                        .filter(|s| s["type"] != "null")
                        .cloned()
                        .collect();
                    if let [only] = rest.as_slice() {
                        *schema = only.clone();
                    }
                }
            }
        }
    }
}

/// A date-time as answers write it.
const NAIVE_DATE_TIME: &str = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]+)?$";

/// Links from what an operation creates to what reads, changes and
/// deletes it.
fn links(doc: &mut Value) {
    let id = json!({"id": "$response.body#/id"});
    let link = |op: &str| json!({"operationId": op, "parameters": id.clone()});
    let created = [
        (
            "/v1/vacancies",
            "post",
            "201",
            &[
                "get_vacancy",
                "patch_vacancy",
                "delete_vacancy",
                "vacancy_candidates",
                "vacancy_introductions",
                "introduce_candidate",
            ][..],
        ),
        (
            "/v1/profiles",
            "post",
            "201",
            &[
                "get_profile",
                "patch_profile",
                "delete_profile",
                "profile_vacancies",
            ][..],
        ),
        ("/v1/cohorts", "post", "201", &["assign_cohort"][..]),
    ];
    for (path, method, status, targets) in created {
        let Some(response) = doc.pointer_mut(&format!(
            "/paths/{}/{method}/responses/{status}",
            path.replace('/', "~1")
        )) else {
            continue;
        };
        let mut map = Map::new();
        for target in targets {
            map.insert(format!("{target}_of_created"), link(target));
        }
        response["links"] = Value::Object(map);
    }
}

/// Enums of the codes the loaded reference data has.
fn reference_codes(doc: &mut Value, r: &References) {
    let geography = r.geography();
    let municipalities: Vec<&str> = geography
        .municipalities()
        .map(|m| m.code.as_str())
        .collect();
    let regions: Vec<&str> = geography.regions().map(|m| m.code.as_str()).collect();
    let isco: Vec<&str> = r
        .taxonomy()
        .isco_groups()
        .filter(|g| g.code.len() == 4)
        .map(|g| g.code.as_str())
        .collect();
    let industries: Vec<&str> = r
        .industries()
        .map(|i| i.iter().map(|x| x.code.as_str()).collect())
        .unwrap_or_default();
    let fields: Vec<&str> = EDUCATION_FIELDS.iter().map(|(code, ..)| *code).collect();
    let nullable = |codes: &[&str]| json!({"type": ["string", "null"], "enum": with_null(codes)});
    let plain = |codes: &[&str]| json!({"type": "string", "enum": codes});
    let schemas = &mut doc["components"]["schemas"];
    for name in ["VacancyInput", "VacancyPatch"] {
        let props = &mut schemas[name]["properties"];
        props["municipality_code"] = nullable(&municipalities);
        props["isco_code"] = nullable(&isco);
        props["industry_code"] = nullable(&industries);
        props["ad_language"] = plain(LANGUAGE_CODES);
        props["languages"]["items"]["properties"]["language"] = plain(LANGUAGE_CODES);
        props["licences"]["items"] = json!({"oneOf": [
            {"type": "object", "required": ["value"], "additionalProperties": false,
             "properties": {"value": plain(LICENCE_CLASSES), "hard": {"type": ["boolean", "null"]}}},
            plain(LICENCE_CLASSES),
        ]});
    }
    for name in ["ProfileInput", "ProfilePatch"] {
        let props = &mut schemas[name]["properties"];
        props["home_municipality_code"] = nullable(&municipalities);
        props["relocation_regions"]["items"] = plain(&regions);
        props["education_field"] = nullable(&fields);
        props["licences"]["items"] = plain(LICENCE_CLASSES);
    }
    schemas["LanguageSkill"]["properties"]["language"] = plain(LANGUAGE_CODES);
    // A firm of an outreach contact or campaign list.
    if let Some(firm) = schemas
        .get_mut("NewFirm")
        .and_then(|s| s.get_mut("properties"))
    {
        firm["municipality_code"] = plain(&municipalities);
        firm["industry_code"] = nullable(&industries);
    }
    for (path, names, codes) in [
        (
            "/v1/vacancies",
            &["municipality", "near"][..],
            &municipalities,
        ),
        ("/v1/vacancies", &["region"][..], &regions),
    ] {
        if let Some(parameters) = doc["paths"][path]["get"]["parameters"].as_array_mut() {
            for p in parameters {
                if names.iter().any(|n| p["name"] == *n) {
                    p["schema"] = plain(codes);
                }
            }
        }
    }
}

/// Examples of the bodies a client writes, naming things the reference
/// data has (schemathesis' examples phase sends them as they are).
fn examples(doc: &mut Value, r: &References) {
    let geography = r.geography();
    let home = geography
        .municipality("091")
        .or_else(|| geography.municipalities().next())
        .map(|m| (m.code.clone(), m.region_code.clone()));
    let occupation = r
        .taxonomy()
        .occupations()
        .map(|(_, o)| o)
        .find(|o| o.isco_code == "5321")
        .or_else(|| r.taxonomy().occupations().next().map(|(_, o)| o));
    let skill = occupation
        .and_then(|o| r.taxonomy().occupation_idx(&o.uri))
        .and_then(|idx| r.taxonomy().skills_of(idx).first().copied())
        .map(|(s, _)| r.taxonomy().skill(s))
        .or_else(|| r.taxonomy().skills().next().map(|(_, s)| s));
    let (Some((municipality, region)), Some(occupation), Some(skill)) = (home, occupation, skill)
    else {
        return;
    };
    let skill_ref = json!({"uri": skill.uri, "label": skill.labels.fi});
    let vacancy = json!({
        "title": occupation.labels.fi,
        "description": "Vakituinen työ kotihoidossa, kolmivuorotyö.",
        "municipality_code": municipality,
        "occupation_uri": occupation.uri,
        "skills": [{"skill": skill_ref, "importance": "essential"}],
        "languages": [{"language": "fi", "level": "b2", "hard": true}],
        "licences": [{"value": "B", "hard": false}],
        "work_time": "full_time",
        "remote": "none",
        "positions": 2,
        "expires_at": "2099-12-31T23:59:59Z",
    });
    let profile = json!({
        "contact": {"full_name": "Aino Virtanen", "email": "aino.virtanen@example.fi"},
        "home_municipality_code": municipality,
        "max_commute_km": 40,
        "relocation": "regions",
        "relocation_regions": [region],
        "desired_occupations": [occupation.uri],
        "work_history": [{"occupation_uri": occupation.uri, "title": occupation.labels.fi, "years": 4.0}],
        "skills": [skill_ref],
        "languages": [{"language": "fi", "level": "native"}, {"language": "en", "level": "b2"}],
        "licences": ["B"],
        "education_level": 4,
        "education_field": "09",
        "work_time_preference": "any",
    });
    let bodies = [
        ("/v1/vacancies", "post", vacancy.clone()),
        ("/v1/match/candidates", "post", vacancy),
        (
            "/v1/vacancies/{id}",
            "patch",
            json!({"version": 1, "positions": 3}),
        ),
        ("/v1/profiles", "post", profile),
        (
            "/v1/profiles/{id}",
            "patch",
            json!({"version": 1, "max_commute_km": 60}),
        ),
        (
            "/v1/vacancies/{id}/introductions",
            "post",
            json!({"profile_id": 1}),
        ),
        (
            "/v1/cohorts",
            "post",
            json!({"name": "Tehdas Oy, muutosneuvottelut 2026", "employer_name": "Tehdas Oy", "profile_ids": [1, 2, 3]}),
        ),
        (
            "/v1/cohorts/{id}/assignments",
            "post",
            json!({"min_score": 0.5, "candidates": 20, "alternatives": 3, "scope": "mobility"}),
        ),
        (
            "/v1/taxonomy/extract",
            "post",
            json!({"text": "Osaat Excelin ja SAP:n, ja sinulla on B-ajokortti.", "lang": "fi"}),
        ),
    ];
    for (path, method, example) in bodies {
        let pointer = format!(
            "/paths/{}/{method}/requestBody/content/application~1json",
            path.replace('~', "~0").replace('/', "~1")
        );
        if let Some(media) = doc.pointer_mut(&pointer) {
            media["example"] = example;
        }
    }
}

fn with_null(codes: &[&str]) -> Vec<Value> {
    let mut all: Vec<Value> = codes.iter().map(|c| json!(c)).collect();
    all.push(Value::Null);
    all
}
