//! Jobseeker profiles: advisers manage their office's customers; every
//! other reader gets the view its role allows, and every view is audited in
//! the transaction that reads it.

use actix_web::{web, HttpResponse};
use indexer::store::access::{self, ProfileViewer};
use indexer::store::data_rights::{self, PersonalData};
use indexer::store::office::{self, ConsentState, OfficeCounts, OfficeFilter};
use indexer::store::{audit, profiles as store_profiles, DbConnection, StoreError};
use matcher::domain::{
    JobseekerProfile, OrgId, ProfileDraft, ProfileId, ProfileStatus, Relocation, RemotePreference,
    Role, WorkTimePreference,
};
use matcher::domain::{LanguageSkill, SkillRef, WorkExperience};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

use super::params::{cursor, merge_patch, page_size, MAX_PAGE};
use crate::auth::Caller;
use crate::error::ApiError;
use crate::state::{blocking, AppState};

/// How `caller` reads profiles (403 for roles that read none).
pub fn viewer(caller: &Caller) -> Result<ProfileViewer, ApiError> {
    match caller.role {
        Role::Adviser => Ok(ProfileViewer::Adviser(caller.org)),
        Role::Recruiter => Ok(ProfileViewer::Agency(chrono::Utc::now().naive_utc())),
        Role::Employer => Ok(ProfileViewer::Employer(caller.org)),
        Role::Analyst | Role::Admin => Err(ApiError::forbidden(format!(
            "the {} role reads no profiles",
            caller.role
        ))),
    }
}

/// A jobseeker as advisers of other offices and agencies see them:
/// matching fields only, no name, contact details or notes.
#[derive(Debug, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PseudonymousProfile {
    pub id: ProfileId,
    pub pseudonym: String,
    pub home_municipality_code: Option<String>,
    pub abroad_country: Option<String>,
    pub max_commute_km: i32,
    pub relocation: Relocation,
    pub relocation_regions: Vec<String>,
    pub remote_preference: RemotePreference,
    pub desired_occupations: Vec<String>,
    pub work_history: Vec<WorkExperience>,
    pub skills: Vec<SkillRef>,
    pub education_level: Option<i32>,
    pub education_field: Option<String>,
    pub languages: Vec<LanguageSkill>,
    pub licences: Vec<String>,
    pub certificates: Vec<String>,
    pub work_time_preference: WorkTimePreference,
    pub available_from: Option<chrono::NaiveDate>,
    pub status: ProfileStatus,
}

/// What an employer sees of a candidate introduced to its vacancy: the
/// fields the job needs, no home, contact or notes.
#[derive(Debug, Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IntroducedProfile {
    pub pseudonym: String,
    pub work_history: Vec<WorkExperience>,
    pub skills: Vec<SkillRef>,
    pub education_level: Option<i32>,
    pub languages: Vec<LanguageSkill>,
    pub licences: Vec<String>,
    pub certificates: Vec<String>,
    pub work_time_preference: WorkTimePreference,
    pub available_from: Option<chrono::NaiveDate>,
}

/// A profile as the caller's role may see it: whole (the managing
/// office), pseudonymous (other advisers, agencies) or as introduced
/// (employers).
#[derive(Debug, Serialize, ToSchema)]
#[serde(untagged)]
pub enum ProfileView {
    Managed(Box<JobseekerProfile>),
    Pseudonymous(PseudonymousProfile),
    Introduced(IntroducedProfile),
}

/// A page of the office's profiles.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProfilePage {
    pub items: Vec<ProfileView>,
    /// The `cursor` of the next page; null on the last.
    pub next_cursor: Option<String>,
    /// Over all the office's profiles; `matching` for the filter.
    pub counts: OfficeCounts,
    /// Profiles last active longer ago than this are due for review.
    pub retention_months: u32,
}

/// Matching fields only: no name, contact details or notes.
pub fn pseudonymous_view(p: &JobseekerProfile) -> PseudonymousProfile {
    let d = p.draft.clone();
    PseudonymousProfile {
        id: p.id,
        pseudonym: p.pseudonym.clone(),
        home_municipality_code: d.home_municipality_code,
        abroad_country: d.abroad_country,
        max_commute_km: d.max_commute_km,
        relocation: d.relocation,
        relocation_regions: d.relocation_regions,
        remote_preference: d.remote_preference,
        desired_occupations: d.desired_occupations,
        work_history: d.work_history,
        skills: d.skills,
        education_level: d.education_level,
        education_field: d.education_field,
        languages: d.languages,
        licences: d.licences,
        certificates: d.certificates,
        work_time_preference: d.work_time_preference,
        available_from: d.available_from,
        status: d.status,
    }
}

/// What an employer sees of a candidate introduced to its vacancy.
pub fn introduced_view(p: &JobseekerProfile) -> IntroducedProfile {
    let d = p.draft.clone();
    IntroducedProfile {
        pseudonym: p.pseudonym.clone(),
        work_history: d.work_history,
        skills: d.skills,
        education_level: d.education_level,
        languages: d.languages,
        licences: d.licences,
        certificates: d.certificates,
        work_time_preference: d.work_time_preference,
        available_from: d.available_from,
    }
}

/// The profile as `caller` may see it.
pub fn view(caller: &Caller, p: &JobseekerProfile) -> ProfileView {
    match caller.role {
        Role::Adviser if p.draft.managing_org == caller.org => {
            ProfileView::Managed(Box::new(p.clone()))
        }
        Role::Adviser | Role::Recruiter => ProfileView::Pseudonymous(pseudonymous_view(p)),
        _ => ProfileView::Introduced(introduced_view(p)),
    }
}

/// Record that `caller` saw `profile` (in the reading transaction).
pub fn audit_view(
    c: &mut DbConnection,
    caller: &Caller,
    action: &str,
    profile: ProfileId,
    reason: Option<&str>,
) -> Result<(), StoreError> {
    audit::append(
        c,
        &audit::NewEvent {
            org_id: Some(caller.org.0),
            token_id: Some(caller.token.0),
            role: Some(caller.role.as_str()),
            action,
            subject_kind: "profile",
            subject_id: profile.to_string(),
            reason,
            request_id: &caller.request_id,
        },
    )
    .map(|_| ())
}

fn template(office: OrgId) -> ProfileDraft {
    ProfileDraft::with_defaults(office, chrono::Utc::now().naive_utc())
}

const FIXED: &[&str] = &[
    "managing_org",
    "id",
    "pseudonym",
    "created_at",
    "updated_at",
];

/// The rules of a profile draft, then its references (422
/// `invalid_profile` / `invalid_reference`).
fn check(state: &AppState, draft: &ProfileDraft) -> Result<(), ApiError> {
    draft
        .validate()
        .map_err(|e| super::params::unprocessable("invalid_profile", e))?;
    state.references.check_profile(draft).map_err(|e| {
        let dated = e.field.ends_with("_from") || e.field.ends_with("_at");
        let code = if dated {
            "invalid_profile"
        } else {
            "invalid_reference"
        };
        super::params::unprocessable(code, e)
    })
}

/// Create a jobseeker profile managed by the caller's office.
#[utoipa::path(
    post,
    path = "/v1/profiles",
    operation_id = "create_profile",
    request_body(content = Object, description = "a profile: contact.full_name and a home municipality (or a country abroad) required"),
    responses((status = 201, description = "created; Location names it", body = JobseekerProfile)),
)]
pub async fn create(
    caller: Caller,
    state: web::Data<AppState>,
    body: web::Json<Value>,
) -> Result<HttpResponse, ApiError> {
    caller.require(&[Role::Adviser])?;
    let mut value = serde_json::to_value(template(caller.org)).unwrap_or(Value::Null);
    merge_patch(&mut value, &body, FIXED)?;
    let draft: ProfileDraft = serde_json::from_value(value)
        .map_err(|e| ApiError::bad_request("invalid_body", e.to_string()))?;
    check(&state, &draft)?;
    let store = state.store.clone();
    let who = caller.clone();
    let created = blocking(move || {
        store
            .write(|c| {
                let p = store_profiles::create_profile(c, &draft)?;
                audit_view(c, &who, "profile.create", p.id, None)?;
                Ok(p)
            })
            .map_err(ApiError::from)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/v1/profiles/{}", created.id)))
        .json(view(&caller, &created)))
}

/// Consent to agencies, as the office's list filters it.
#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ConsentFilter {
    /// Given and in force.
    Given,
    /// Given once, past its expiry: no longer counts.
    Expired,
    /// Never given.
    None,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// Part of the name or of the pseudonym, any case.
    #[param(max_length = 200)]
    q: Option<String>,
    /// An ESCO occupation the person desires or has in the work history.
    #[param(
        max_length = 300,
        pattern = "^http://data\\.europa\\.eu/esco/occupation/"
    )]
    occupation: Option<String>,
    /// Home municipality (Statistics Finland code).
    #[param(pattern = "^[0-9]{3}$")]
    municipality: Option<String>,
    #[param(value_type = Option<ProfileStatus>)]
    status: Option<ProfileStatus>,
    #[param(value_type = Option<ConsentFilter>)]
    consent: Option<ConsentFilter>,
    /// Only profiles due for review: active, last active before the
    /// retention period (`retention_months`).
    review: Option<bool>,
    /// Page size.
    #[param(minimum = 1, maximum = 100, default = 20)]
    limit: Option<usize>,
    /// The `next_cursor` of the previous page.
    #[param(pattern = "^[0-9]{0,18}$")]
    cursor: Option<String>,
}

/// The profiles the caller's office manages, searched and filtered, with
/// the office's counts (each listed profile's view audited).
#[utoipa::path(
    get,
    path = "/v1/profiles",
    operation_id = "list_profiles",
    params(ListQuery),
    responses((status = 200, description = "a page of the office's profiles and its counts", body = ProfilePage)),
)]
pub async fn list(
    caller: Caller,
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.require(&[Role::Adviser])?;
    let query = query.into_inner();
    let limit = page_size(query.limit, MAX_PAGE)?;
    let after = cursor(query.cursor.as_deref())?;
    if let Some(q) = &query.q {
        super::params::check_query(q)?;
    }
    let occupation_uri = |u: &String| {
        u.starts_with("http://data.europa.eu/esco/occupation/") && u.chars().count() <= 300
    };
    if query
        .occupation
        .as_ref()
        .is_some_and(|u| !occupation_uri(u))
    {
        return Err(ApiError::bad_request(
            "invalid_query",
            "occupation is not an ESCO occupation URI",
        ));
    }
    let municipality_code = |m: &String| m.len() == 3 && m.bytes().all(|b| b.is_ascii_digit());
    if query
        .municipality
        .as_ref()
        .is_some_and(|m| !municipality_code(m))
    {
        return Err(ApiError::bad_request(
            "invalid_query",
            "municipality is not a three-digit Statistics Finland code",
        ));
    }
    let at = chrono::Utc::now().naive_utc();
    let retention_months = state.retention_months;
    let review_before = indexer::retention::cut_off(at, retention_months);
    let filter = OfficeFilter {
        text: query.q,
        occupation: query.occupation,
        municipality: query.municipality,
        status: query.status,
        consent: query.consent.map(|c| match c {
            ConsentFilter::Given => ConsentState::Given,
            ConsentFilter::Expired => ConsentState::Expired,
            ConsentFilter::None => ConsentState::None,
        }),
        inactive_before: query.review.filter(|r| *r).map(|_| review_before),
    };
    let review = query.review == Some(true);
    let store = state.store.clone();
    let who = caller.clone();
    let (page, counts) = blocking(move || {
        store
            .write(|c| {
                let mut filter = filter;
                if review {
                    filter.status = Some(ProfileStatus::Active);
                }
                let found =
                    office::office_profiles(c, who.org, &filter, at, review_before, after, limit)?;
                let mut out = Vec::new();
                for id in found.ids {
                    if let Some(p) = access::profile_for(c, id, ProfileViewer::Adviser(who.org))? {
                        audit_view(c, &who, "profile.view", p.id, Some("list"))?;
                        out.push(p);
                    }
                }
                Ok((out, found.counts))
            })
            .map_err(ApiError::from)
    })
    .await?;
    let next = (page.len() == limit)
        .then(|| page.last().map(|p| p.id.to_string()))
        .flatten();
    Ok(HttpResponse::Ok().json(ProfilePage {
        items: page.iter().map(|p| view(&caller, p)).collect(),
        next_cursor: next,
        counts,
        retention_months,
    }))
}

/// Read profile `id` as `caller` may, auditing the view with `action`.
pub async fn read_audited(
    state: &AppState,
    caller: &Caller,
    id: i64,
    action: &'static str,
) -> Result<JobseekerProfile, ApiError> {
    let viewer = viewer(caller)?;
    let store = state.store.clone();
    let who = caller.clone();
    blocking(move || {
        store
            .write(|c| {
                let found = access::profile_for(c, ProfileId(id), viewer)?;
                if let Some(p) = &found {
                    audit_view(c, &who, action, p.id, None)?;
                }
                Ok(found)
            })
            .map_err(ApiError::from)
    })
    .await?
    .ok_or_else(|| ApiError::not_found(format!("profile {id} not found")))
}

/// One profile, as the caller's role may see it (audited).
#[utoipa::path(
    get,
    path = "/v1/profiles/{id}",
    operation_id = "get_profile",
    params(("id" = i64, Path, description = "profile id")),
    responses((status = 200, description = "the profile", body = ProfileView)),
)]
pub async fn get(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let p = read_audited(&state, &caller, *id, "profile.view").await?;
    Ok(HttpResponse::Ok().json(view(&caller, &p)))
}

/// A profile the caller's office manages: 404 when invisible, 403 when
/// another office's.
async fn managed(state: &AppState, caller: &Caller, id: i64) -> Result<JobseekerProfile, ApiError> {
    caller.require(&[Role::Adviser])?;
    let p = read_audited(state, caller, id, "profile.view").await?;
    if p.draft.managing_org != caller.org {
        return Err(ApiError::forbidden(
            "only the managing office may change a profile",
        ));
    }
    Ok(p)
}

/// Change a profile the caller's office manages: a JSON merge patch with
/// the current `version`.
#[utoipa::path(
    patch,
    path = "/v1/profiles/{id}",
    operation_id = "patch_profile",
    params(("id" = i64, Path, description = "profile id")),
    request_body(content = Object, description = "fields to change, and `version`"),
    responses((status = 200, description = "the changed profile", body = JobseekerProfile)),
)]
pub async fn patch(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: web::Json<Value>,
) -> Result<HttpResponse, ApiError> {
    let current = managed(&state, &caller, *id).await?;
    let (draft, version): (ProfileDraft, i64) =
        super::params::patched(&current.draft, body.into_inner(), FIXED)?;
    check(&state, &draft)?;
    let store = state.store.clone();
    let who = caller.clone();
    let pid = current.id;
    let updated = blocking(move || {
        store
            .write(|c| {
                let p = store_profiles::update_profile(c, pid, &draft, Some(version))?;
                audit_view(c, &who, "profile.update", p.id, None)?;
                Ok(p)
            })
            .map_err(ApiError::from)
    })
    .await?;
    Ok(HttpResponse::Ok().json(view(&caller, &updated)))
}

/// Erase a profile the caller's office manages.
#[utoipa::path(
    delete,
    path = "/v1/profiles/{id}",
    operation_id = "delete_profile",
    params(("id" = i64, Path, description = "profile id")),
    responses((status = 204, description = "erased")),
)]
pub async fn delete(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let current = managed(&state, &caller, *id).await?;
    let store = state.store.clone();
    let who = caller.clone();
    blocking(move || {
        store
            .write(|c| {
                store_profiles::delete_profile(c, current.id)?;
                audit_view(c, &who, "profile.delete", current.id, None)
            })
            .map_err(ApiError::from)
    })
    .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Everything stored about a jobseeker (GDPR Art. 15 and 20): the profile
/// with its contact details, introductions, cohorts, the rankings that
/// listed them and who viewed or changed the profile. For advisers of the
/// managing office and admins; audited as `profile.export`.
#[utoipa::path(
    get,
    path = "/v1/profiles/{id}/export",
    operation_id = "export_profile",
    params(("id" = i64, Path, description = "profile id")),
    responses((status = 200, description = "the person's data, as a file to download", body = PersonalData)),
)]
pub async fn export(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    caller.require(&[Role::Adviser, Role::Admin])?;
    let id = ProfileId(*id);
    let store = state.store.clone();
    let who = caller.clone();
    let data = blocking(move || {
        store
            .write(|c| {
                if who.role != Role::Admin {
                    match access::profile_for(c, id, ProfileViewer::Adviser(who.org))? {
                        None => {
                            return Ok(Err(ApiError::not_found(format!("profile {id} not found"))))
                        }
                        Some(p) if p.draft.managing_org != who.org => {
                            return Ok(Err(ApiError::forbidden(
                                "only the managing office may export a profile",
                            )))
                        }
                        Some(_) => {}
                    }
                }
                let Some(data) = data_rights::export(c, id)? else {
                    return Ok(Err(ApiError::not_found(format!("profile {id} not found"))));
                };
                audit_view(c, &who, "profile.export", id, None)?;
                Ok(Ok(data))
            })
            .map_err(ApiError::from)
    })
    .await??;
    let file = format!("profile-{}.json", data.profile.pseudonym);
    Ok(HttpResponse::Ok()
        .insert_header((
            actix_web::http::header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{file}\""),
        ))
        .json(data))
}
