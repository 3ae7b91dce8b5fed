//! Jobseeker profiles: advisers manage their office's customers; every
//! other reader gets the view its role allows, and every view is audited in
//! the transaction that reads it.

use actix_web::{web, HttpResponse};
use indexer::store::access::{self, ProfileViewer};
use indexer::store::{audit, profiles as store_profiles, DbConnection, StoreError};
use matcher::domain::{
    ContactDetails, JobseekerProfile, OrgId, ProfileDraft, ProfileId, ProfileStatus, Relocation,
    RemotePreference, Role, WorkTimePreference,
};
use serde::Deserialize;
use serde_json::{json, Value};

use super::{cursor, merge_patch, page_size, MAX_PAGE};
use crate::auth::Caller;
use crate::error::ApiError;
use crate::server::{blocking, AppState};

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

/// Matching fields only: no name, contact details or notes.
pub fn pseudonymous_view(p: &JobseekerProfile) -> Value {
    let d = &p.draft;
    json!({
        "id": p.id,
        "pseudonym": p.pseudonym,
        "home_municipality_code": d.home_municipality_code,
        "abroad_country": d.abroad_country,
        "max_commute_km": d.max_commute_km,
        "relocation": d.relocation,
        "relocation_regions": d.relocation_regions,
        "remote_preference": d.remote_preference,
        "desired_occupations": d.desired_occupations,
        "work_history": d.work_history,
        "skills": d.skills,
        "education_level": d.education_level,
        "education_field": d.education_field,
        "languages": d.languages,
        "licences": d.licences,
        "certificates": d.certificates,
        "work_time_preference": d.work_time_preference,
        "available_from": d.available_from,
        "status": d.status,
    })
}

/// What an employer sees of a candidate introduced to its vacancy: the
/// fields the job needs, no home, contact or notes.
pub fn introduced_view(p: &JobseekerProfile) -> Value {
    let d = &p.draft;
    json!({
        "pseudonym": p.pseudonym,
        "work_history": d.work_history,
        "skills": d.skills,
        "education_level": d.education_level,
        "languages": d.languages,
        "licences": d.licences,
        "certificates": d.certificates,
        "work_time_preference": d.work_time_preference,
        "available_from": d.available_from,
    })
}

/// The profile as `caller` may see it.
pub fn view(caller: &Caller, p: &JobseekerProfile) -> Value {
    match caller.role {
        Role::Adviser if p.draft.managing_org == caller.org => {
            serde_json::to_value(p).unwrap_or(Value::Null)
        }
        Role::Adviser | Role::Recruiter => pseudonymous_view(p),
        _ => introduced_view(p),
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
    ProfileDraft {
        managing_org: office,
        contact: ContactDetails::default(),
        home_municipality_code: None,
        abroad_country: None,
        max_commute_km: 30,
        relocation: Relocation::None,
        relocation_regions: Vec::new(),
        remote_preference: RemotePreference::Any,
        desired_occupations: Vec::new(),
        work_history: Vec::new(),
        skills: Vec::new(),
        education_level: None,
        education_field: None,
        languages: Vec::new(),
        licences: Vec::new(),
        certificates: Vec::new(),
        work_time_preference: WorkTimePreference::Any,
        available_from: None,
        consent_agencies: false,
        consent_expires_at: None,
        status: ProfileStatus::Active,
        last_active_at: chrono::Utc::now().naive_utc(),
    }
}

const FIXED: &[&str] = &[
    "managing_org",
    "id",
    "pseudonym",
    "created_at",
    "updated_at",
];

fn invalid(e: impl std::fmt::Display) -> ApiError {
    ApiError::new(
        actix_web::http::StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_profile",
        e.to_string(),
    )
}

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
    draft.validate().map_err(invalid)?;
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

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    limit: Option<usize>,
    cursor: Option<String>,
}

pub async fn list(
    caller: Caller,
    state: web::Data<AppState>,
    query: web::Query<ListQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.require(&[Role::Adviser])?;
    let limit = page_size(query.limit, MAX_PAGE)?;
    let after = cursor(query.cursor.as_deref())?;
    let store = state.store.clone();
    let who = caller.clone();
    let page = blocking(move || {
        store
            .write(|c| {
                let ids = access::managed_profile_ids(c, who.org, after, limit as i64)?;
                let mut out = Vec::new();
                for id in ids {
                    if let Some(p) = access::profile_for(c, id, ProfileViewer::Adviser(who.org))? {
                        audit_view(c, &who, "profile.view", p.id, Some("list"))?;
                        out.push(p);
                    }
                }
                Ok(out)
            })
            .map_err(ApiError::from)
    })
    .await?;
    let next = (page.len() == limit)
        .then(|| page.last().map(|p| p.id.to_string()))
        .flatten();
    Ok(HttpResponse::Ok().json(json!({
        "items": page.iter().map(|p| view(&caller, p)).collect::<Vec<_>>(),
        "next_cursor": next,
    })))
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

pub async fn patch(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: web::Json<Value>,
) -> Result<HttpResponse, ApiError> {
    let current = managed(&state, &caller, *id).await?;
    let (draft, version): (ProfileDraft, i64) =
        super::patched(&current.draft, body.into_inner(), FIXED)?;
    draft.validate().map_err(invalid)?;
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
