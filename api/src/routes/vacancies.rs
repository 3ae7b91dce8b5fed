//! Vacancies: post, read, change and delete own ones; search what the
//! caller may see; introductions of candidates.

use actix_web::{web, HttpResponse};
use indexer::search::VacancySearch;
use indexer::store::access::{self, ProfileViewer, VacancyViewer};
use indexer::store::coding::{self, CodingRecord};
use indexer::store::introductions::{self, Introduction};
use indexer::store::{audit, match_log, vacancies as store_vacancies, DbConnection, StoreError};
use matcher::domain::{
    ContractType, OrgId, ProfileId, RemoteMode, Role, Vacancy, VacancyDraft, VacancyId,
    VacancyStatus, Visibility, WorkTime,
};
use matcher::retrieval::VacancyAccess;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

use super::params::{check_query, cursor, merge_patch, page_size, MAX_PAGE};
use crate::auth::Caller;
use crate::error::ApiError;
use crate::state::{blocking, AppState};

/// How `caller` reads vacancies (403 for roles that read none).
pub fn viewer(caller: &Caller) -> Result<VacancyViewer, ApiError> {
    match caller.role {
        Role::Adviser => Ok(VacancyViewer::Adviser),
        Role::Recruiter => Ok(VacancyViewer::Agency(caller.org)),
        Role::Employer => Ok(VacancyViewer::Employer(caller.org)),
        Role::Analyst | Role::Admin => Err(ApiError::forbidden(format!(
            "the {} role reads no vacancies",
            caller.role
        ))),
    }
}

/// The index access of `caller`.
pub fn index_access(caller: &Caller) -> Result<VacancyAccess, ApiError> {
    Ok(match viewer(caller)? {
        VacancyViewer::Adviser => VacancyAccess::All,
        VacancyViewer::Agency(org) => VacancyAccess::Agency(org),
        VacancyViewer::Employer(org) => VacancyAccess::Employer(org),
    })
}

/// A vacancy as the API answers it.
#[derive(Debug, Serialize, ToSchema)]
pub struct VacancyView {
    #[serde(flatten)]
    pub vacancy: Vacancy,
    /// How its occupation was coded from its text (null when a person or
    /// the feed named it).
    pub coding: Option<CodingRecord>,
}

/// A list of vacancies.
#[derive(Debug, Serialize, ToSchema)]
pub struct VacancyList {
    pub items: Vec<VacancyView>,
}

/// A page of a vacancy search.
#[derive(Debug, Serialize, ToSchema)]
pub struct VacancyPage {
    pub items: Vec<VacancyView>,
    /// Open vacancies the search matched, over all pages.
    pub total: u64,
    pub facets: indexer::search::Facets,
    /// The `cursor` of the next page; null on the last.
    pub next_cursor: Option<String>,
}

/// A vacancy as `caller` sees it: the agencies it is shared with are the
/// owner's (and advisers') business only.
pub fn view(caller: &Caller, mut v: Vacancy, coding: Option<&CodingRecord>) -> VacancyView {
    if caller.role != Role::Adviser && v.draft.owner_org != caller.org {
        v.draft.shared_with.clear();
    }
    VacancyView {
        vacancy: v,
        coding: coding.cloned(),
    }
}

/// The coding record of one vacancy.
fn coding_of(c: &mut DbConnection, id: VacancyId) -> Result<Option<CodingRecord>, StoreError> {
    Ok(coding::coding_of(c, &[id])?
        .into_iter()
        .next()
        .map(|(_, r)| r))
}

/// The rules of a vacancy draft, then its references and dates (422
/// `invalid_vacancy` / `invalid_reference`). `expiry_written`: the draft
/// writes its `expires_at` now (creation, or a change of it), so an expiry
/// already past is refused.
pub fn check(state: &AppState, draft: &VacancyDraft, expiry_written: bool) -> Result<(), ApiError> {
    draft
        .validate()
        .map_err(|e| super::params::unprocessable("invalid_vacancy", e))?;
    let now = expiry_written.then(|| chrono::Utc::now().naive_utc());
    state.references.check_vacancy(draft, now).map_err(|e| {
        let dated = e.field.ends_with("date") || e.field == "expires_at";
        let code = if dated {
            "invalid_vacancy"
        } else {
            "invalid_reference"
        };
        super::params::unprocessable(code, e)
    })
}

fn template(owner: OrgId) -> VacancyDraft {
    let mut id = [0u8; 8];
    let _ = getrandom::fill(&mut id);
    VacancyDraft {
        source: "api".into(),
        source_id: format!("api-{}", hex::encode(id)),
        owner_org: owner,
        title: String::new(),
        description: String::new(),
        ad_language: "fi".into(),
        employer_name: None,
        occupation_uri: None,
        isco_code: None,
        industry_code: None,
        skills: Vec::new(),
        municipality_code: None,
        lat: None,
        lon: None,
        remote: RemoteMode::None,
        work_time: WorkTime::FullTime,
        contract_type: ContractType::Permanent,
        positions: 1,
        salary_min_eur: None,
        salary_max_eur: None,
        languages: Vec::new(),
        licences: Vec::new(),
        certificates: Vec::new(),
        start_date: None,
        expires_at: None,
        visibility: Visibility::Public,
        shared_with: Vec::new(),
        status: VacancyStatus::Open,
    }
}

const FIXED: &[&str] = &["source", "owner_org", "id", "created_at", "updated_at"];

/// A vacancy draft from a request body, owned by `owner`, coded to ESCO
/// when it names no occupation (the coding record says how).
pub fn draft_from_body(
    state: &AppState,
    owner: OrgId,
    body: &Value,
) -> Result<(VacancyDraft, Option<CodingRecord>), ApiError> {
    let mut value = serde_json::to_value(template(owner)).unwrap_or(Value::Null);
    merge_patch(&mut value, body, FIXED)?;
    let mut draft: VacancyDraft = serde_json::from_value(value)
        .map_err(|e| ApiError::bad_request("invalid_body", e.to_string()))?;
    check(state, &draft, true)?;
    let outcome = state.feed_coding.code(&mut draft);
    Ok((draft, outcome.record))
}

/// Post a vacancy (public, hidden or shared); an uncoded title is coded to
/// ESCO.
#[utoipa::path(
    post,
    path = "/v1/vacancies",
    operation_id = "create_vacancy",
    request_body(content = Object, description = "a vacancy: title required; any other field of VacancyInput"),
    responses((status = 201, description = "created; Location names it", body = VacancyView)),
)]
pub async fn create(
    caller: Caller,
    state: web::Data<AppState>,
    body: web::Json<Value>,
) -> Result<HttpResponse, ApiError> {
    caller.require(&[Role::Recruiter, Role::Employer])?;
    let (draft, record) = draft_from_body(&state, caller.org, &body)?;
    let store = state.store.clone();
    let (created, record) = blocking(move || {
        store
            .write(|c| {
                let created = store_vacancies::create_vacancy(c, &draft)?;
                coding::set_coding(c, created.id, record.as_ref())?;
                Ok((created, record))
            })
            .map_err(ApiError::from)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/v1/vacancies/{}", created.id)))
        .json(view(&caller, created, record.as_ref())))
}

/// The vacancy `id` as `caller` may see it, else 404.
async fn visible(state: &AppState, caller: &Caller, id: i64) -> Result<Vacancy, ApiError> {
    let viewer = viewer(caller)?;
    let store = state.store.clone();
    blocking(move || {
        store
            .read(|c| access::vacancy_for(c, VacancyId(id), viewer))
            .map_err(ApiError::from)
    })
    .await?
    .ok_or_else(|| ApiError::not_found(format!("vacancy {id} not found")))
}

/// One vacancy (404 when the caller may not see it).
#[utoipa::path(
    get,
    path = "/v1/vacancies/{id}",
    operation_id = "get_vacancy",
    params(("id" = i64, Path, description = "vacancy id")),
    responses((status = 200, description = "the vacancy", body = VacancyView)),
)]
pub async fn get(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let v = visible(&state, &caller, *id).await?;
    let store = state.store.clone();
    let vacancy = v.id;
    let record = blocking(move || {
        store
            .read(|c| coding_of(c, vacancy))
            .map_err(ApiError::from)
    })
    .await?;
    Ok(HttpResponse::Ok().json(view(&caller, v, record.as_ref())))
}

/// An own vacancy: 404 when invisible, 403 when visible but someone else's.
async fn owned(state: &AppState, caller: &Caller, id: i64) -> Result<Vacancy, ApiError> {
    caller.require(&[Role::Recruiter, Role::Employer])?;
    let v = visible(state, caller, id).await?;
    if v.draft.owner_org != caller.org {
        return Err(ApiError::forbidden("only the owner may change a vacancy"));
    }
    Ok(v)
}

/// Change an own vacancy: a JSON merge patch with the current `version`.
#[utoipa::path(
    patch,
    path = "/v1/vacancies/{id}",
    operation_id = "patch_vacancy",
    params(("id" = i64, Path, description = "vacancy id")),
    request_body(content = Object, description = "fields to change, and `version`"),
    responses((status = 200, description = "the changed vacancy", body = VacancyView)),
)]
pub async fn patch(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: web::Json<Value>,
) -> Result<HttpResponse, ApiError> {
    let current = owned(&state, &caller, *id).await?;
    let (draft, version): (VacancyDraft, i64) =
        super::params::patched(&current.draft, body.into_inner(), FIXED)?;
    check(&state, &draft, draft.expires_at != current.draft.expires_at)?;
    let store = state.store.clone();
    let id = current.id;
    // An occupation the owner chose ends a review (or replaces what the
    // coder set).
    let chosen =
        draft.occupation_uri.is_some() && draft.occupation_uri != current.draft.occupation_uri;
    let (updated, record) = blocking(move || {
        store
            .write(|c| {
                let updated = store_vacancies::update_vacancy(c, id, &draft, Some(version))?;
                if chosen {
                    coding::set_coding(c, id, None)?;
                }
                Ok((updated, coding_of(c, id)?))
            })
            .map_err(ApiError::from)
    })
    .await?;
    Ok(HttpResponse::Ok().json(view(&caller, updated, record.as_ref())))
}

/// Delete an own vacancy.
#[utoipa::path(
    delete,
    path = "/v1/vacancies/{id}",
    operation_id = "delete_vacancy",
    params(("id" = i64, Path, description = "vacancy id")),
    responses((status = 204, description = "deleted")),
)]
pub async fn delete(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let current = owned(&state, &caller, *id).await?;
    let store = state.store.clone();
    blocking(move || {
        store
            .write(|c| store_vacancies::delete_vacancy(c, current.id))
            .map_err(ApiError::from)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// Free text, Finnish, Swedish or English.
    #[param(max_length = 200)]
    q: Option<String>,
    /// An ESCO occupation URI, or an ISCO-08 code of 1–4 digits.
    #[param(
        max_length = 200,
        pattern = r"^([0-9]{1,4}|http://data\.europa\.eu/esco/occupation/[A-Za-z0-9-]+)$"
    )]
    occupation: Option<String>,
    /// A municipality code (Statistics Finland).
    #[param(pattern = "^[0-9]{3}$")]
    municipality: Option<String>,
    /// A region code (maakunta).
    #[param(pattern = "^[0-9]{2}$")]
    region: Option<String>,
    /// A municipality code to search around.
    #[param(pattern = "^[0-9]{3}$")]
    near: Option<String>,
    /// Radius around `near`, km (default 50).
    #[param(minimum = 0, maximum = 1500)]
    radius_km: Option<f64>,
    work_time: Option<WorkTime>,
    remote: Option<RemoteMode>,
    /// The ad's language.
    #[param(value_type = Option<matcher::taxonomy::Lang>)]
    language: Option<String>,
    /// Page size.
    #[param(minimum = 1, maximum = 100, default = 20)]
    limit: Option<usize>,
    /// The `next_cursor` of the previous page (a search pages through its
    /// first 10,000 results).
    #[param(pattern = "^[0-9]{0,4}$")]
    cursor: Option<String>,
}

/// The filters of a search name things that exist: a municipality, region
/// or language the reference data knows, an occupation as a URI or an ISCO
/// code (400 `invalid_query` otherwise, as the OpenAPI document says).
fn check_filters(state: &AppState, q: &SearchQuery) -> Result<(), ApiError> {
    let geography = state.references.geography();
    let bad = |detail: String| Err(ApiError::bad_request("invalid_query", detail));
    for (name, code) in [("municipality", &q.municipality), ("near", &q.near)] {
        if let Some(code) = code {
            if geography.municipality(code).is_none() {
                return bad(format!("{name}: no municipality has the code {code:?}"));
            }
        }
    }
    if let Some(code) = &q.region {
        if geography.region(code).is_none() {
            return bad(format!("region: no region has the code {code:?}"));
        }
    }
    if let Some(language) = &q.language {
        if language.parse::<matcher::taxonomy::Lang>().is_err() {
            return bad(format!("language: {language:?} is not fi, sv or en"));
        }
    }
    if let Some(occupation) = &q.occupation {
        let isco =
            (1..=4).contains(&occupation.len()) && occupation.bytes().all(|b| b.is_ascii_digit());
        let uri = occupation
            .strip_prefix("http://data.europa.eu/esco/occupation/")
            .is_some_and(|rest| {
                !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            });
        if !isco && !uri {
            return bad(format!(
                "occupation: {occupation:?} is neither an ESCO occupation URI nor an ISCO code"
            ));
        }
    }
    Ok(())
}

/// Search the open vacancies the caller may see, with facet counts.
#[utoipa::path(
    get,
    path = "/v1/vacancies",
    operation_id = "search_vacancies",
    params(SearchQuery),
    responses((status = 200, description = "a page of vacancies", body = VacancyPage)),
)]
pub async fn search(
    caller: Caller,
    state: web::Data<AppState>,
    query: web::Query<SearchQuery>,
) -> Result<HttpResponse, ApiError> {
    let access = index_access(&caller)?;
    let viewer = viewer(&caller)?;
    let q = query.into_inner();
    if let Some(text) = &q.q {
        check_query(text)?;
    }
    let limit = page_size(q.limit, MAX_PAGE)?;
    let offset = cursor(q.cursor.as_deref())?;
    if offset > super::params::MAX_SEARCH_OFFSET {
        return Err(ApiError::bad_request(
            "invalid_cursor",
            "a search pages through its first 10,000 results",
        ));
    }
    let offset = offset as usize;
    let radius = q.radius_km.unwrap_or(50.0);
    if !(0.0..=1500.0).contains(&radius) {
        return Err(ApiError::bad_request(
            "invalid_radius",
            "radius_km must be 0–1500",
        ));
    }
    if q.occupation
        .as_ref()
        .is_some_and(|o| o.chars().count() > 200)
    {
        return Err(ApiError::bad_request(
            "query_too_long",
            "occupation is too long",
        ));
    }
    check_filters(&state, &q)?;
    let search = VacancySearch {
        q: q.q,
        occupation: q.occupation,
        municipality: q.municipality,
        region: q.region,
        near: q.near.map(|n| (n, radius)),
        work_time: q.work_time,
        remote: q.remote,
        language: q.language,
        offset,
        limit,
    };
    let st = state.clone();
    let now = chrono::Utc::now().naive_utc();
    let (page, items, codings) = blocking(move || {
        let page = st
            .engine
            .search_vacancies(&search, access, now)
            .map_err(ApiError::from)?;
        // Each hit is read again through the SQL access filter.
        let (items, codings) = st
            .store
            .read(|c| {
                let items = page
                    .ids
                    .iter()
                    .filter_map(|id| access::vacancy_for(c, VacancyId(*id), viewer).transpose())
                    .collect::<Result<Vec<_>, _>>()?;
                let ids: Vec<VacancyId> = items.iter().map(|v| v.id).collect();
                let codings: std::collections::HashMap<_, _> =
                    coding::coding_of(c, &ids)?.into_iter().collect();
                Ok((items, codings))
            })
            .map_err(ApiError::from)?;
        Ok((page, items, codings))
    })
    .await?;
    let next = offset + limit;
    Ok(HttpResponse::Ok().json(VacancyPage {
        items: items
            .into_iter()
            .map(|v| {
                let record = codings.get(&v.id);
                view(&caller, v, record)
            })
            .collect(),
        total: page.total,
        facets: page.facets,
        next_cursor: ((next as u64) < page.total).then(|| next.to_string()),
    }))
}

/// Whom to introduce.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IntroductionBody {
    /// A profile the adviser's office manages or may match.
    profile_id: i64,
    /// The ranking of this vacancy's candidates (its `request_id`) the
    /// candidate was found in: how outcomes judge the ranking
    /// (`kohtaanto evaluate outcomes`).
    #[schema(max_length = 100)]
    request_id: Option<String>,
}

/// A candidate introduced to a vacancy, as the caller may see them.
#[derive(Debug, Serialize, ToSchema)]
pub struct IntroducedCandidate {
    pub introduced_at: chrono::NaiveDateTime,
    pub introduction: Introduction,
    pub profile: super::profiles::IntroducedProfile,
}

/// The candidates introduced to a vacancy.
#[derive(Debug, Serialize, ToSchema)]
pub struct IntroducedList {
    pub items: Vec<IntroducedCandidate>,
}

/// Introduce a candidate to a vacancy's employer (advisers).
#[utoipa::path(
    post,
    path = "/v1/vacancies/{id}/introductions",
    operation_id = "introduce_candidate",
    params(("id" = i64, Path, description = "vacancy id")),
    request_body = IntroductionBody,
    responses((status = 201, description = "introduced", body = Introduction)),
)]
pub async fn introduce(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: web::Json<Value>,
) -> Result<HttpResponse, ApiError> {
    caller.require(&[Role::Adviser])?;
    let vacancy = visible(&state, &caller, *id).await?;
    let store = state.store.clone();
    let body: IntroductionBody = super::params::typed_body(body.into_inner())?;
    let profile_id = ProfileId(body.profile_id);
    let request_id = body.request_id.clone();
    if request_id
        .as_ref()
        .is_some_and(|r| r.is_empty() || r.chars().count() > 100)
    {
        return Err(ApiError::invalid_field(
            "unknown_ranking",
            "request_id",
            "request_id must be the request id of a ranking (1–100 characters)",
        ));
    }
    let who = caller.clone();
    let introduced = blocking(move || {
        store
            .write(|c| {
                let Some(profile) =
                    access::profile_for(c, profile_id, ProfileViewer::Adviser(who.org))?
                else {
                    return Ok(None);
                };
                if let Some(r) = &request_id {
                    let ranked = match_log::find(c, r)?.is_some_and(|(_, e)| {
                        e.direction == "candidates" && e.subject_id == Some(vacancy.id.0)
                    });
                    if !ranked {
                        return Ok(Some(Err(r.clone())));
                    }
                }
                let intro = introductions::introduce(
                    c,
                    vacancy.id,
                    profile.id,
                    who.org,
                    request_id.as_deref(),
                )?;
                audit::append(
                    c,
                    &audit::NewEvent {
                        org_id: Some(who.org.0),
                        token_id: Some(who.token.0),
                        role: Some(who.role.as_str()),
                        action: "profile.introduce",
                        subject_kind: "profile",
                        subject_id: profile.id.to_string(),
                        reason: Some(&format!("vacancy {}", vacancy.id)),
                        request_id: &who.request_id,
                    },
                )?;
                Ok(Some(Ok(intro)))
            })
            .map_err(ApiError::from)
    })
    .await?
    .ok_or_else(|| ApiError::not_found(format!("profile {} not found", body.profile_id)))?
    .map_err(|r| {
        ApiError::invalid_field(
            "unknown_ranking",
            "request_id",
            format!("{r:?} is not a ranking of this vacancy's candidates"),
        )
    })?;
    Ok(HttpResponse::Created().json(introduced))
}

/// The candidates introduced to a vacancy, with the fields the job needs.
#[utoipa::path(
    get,
    path = "/v1/vacancies/{id}/introductions",
    operation_id = "vacancy_introductions",
    params(("id" = i64, Path, description = "vacancy id")),
    responses((status = 200, description = "the introduced candidates", body = IntroducedList)),
)]
pub async fn introductions(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    caller.require(&[Role::Adviser, Role::Employer])?;
    let vacancy = visible(&state, &caller, *id).await?;
    if caller.role == Role::Employer && vacancy.draft.owner_org != caller.org {
        return Err(ApiError::forbidden(
            "only the owner sees a vacancy's introductions",
        ));
    }
    let store = state.store.clone();
    let who = caller.clone();
    let people = blocking(move || {
        store
            .write(|c| {
                let mut out = Vec::new();
                for intro in introductions::introductions_to(c, vacancy.id)? {
                    let viewer = match who.role {
                        Role::Employer => ProfileViewer::Employer(who.org),
                        _ => ProfileViewer::Adviser(who.org),
                    };
                    let Some(p) = access::profile_for(c, intro.profile_id, viewer)? else {
                        continue;
                    };
                    audit::append(
                        c,
                        &audit::NewEvent {
                            org_id: Some(who.org.0),
                            token_id: Some(who.token.0),
                            role: Some(who.role.as_str()),
                            action: "profile.view",
                            subject_kind: "profile",
                            subject_id: p.id.to_string(),
                            reason: Some(&format!("introduced to vacancy {}", vacancy.id)),
                            request_id: &who.request_id,
                        },
                    )?;
                    out.push(IntroducedCandidate {
                        introduced_at: intro.created_at,
                        introduction: intro,
                        profile: super::profiles::introduced_view(&p),
                    });
                }
                Ok(out)
            })
            .map_err(ApiError::from)
    })
    .await?;
    Ok(HttpResponse::Ok().json(IntroducedList { items: people }))
}
