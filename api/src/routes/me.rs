//! The caller itself: its role and organization (the web UI learns from it
//! what to show after sign-in), the vacancies its organization owns, and
//! the agencies a vacancy can be shared with.

use actix_web::{web, HttpResponse};
use std::collections::HashMap;

use indexer::store::{coding, orgs, vacancies as store_vacancies};
use matcher::domain::OrgId;
use matcher::domain::{OrgKind, Role};
use serde::Serialize;
use utoipa::ToSchema;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::state::{blocking, AppState};

/// Most vacancies `GET /v1/me/vacancies` lists (newest first).
pub const MAX_OWN_VACANCIES: i64 = 200;

/// The caller's organization.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrganizationSummary {
    pub id: OrgId,
    pub kind: OrgKind,
    pub name: String,
    pub municipality_code: Option<String>,
}

/// Who the caller is.
#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    pub role: Role,
    pub organization: Option<OrganizationSummary>,
}

/// An agency a vacancy can be shared with.
#[derive(Debug, Serialize, ToSchema)]
pub struct Agency {
    pub id: OrgId,
    pub name: String,
}

/// The recruitment agencies.
#[derive(Debug, Serialize, ToSchema)]
pub struct AgencyList {
    pub items: Vec<Agency>,
}

/// The caller: role and organization (the web UI reads it after sign-in).
#[utoipa::path(
    get,
    path = "/v1/me",
    operation_id = "me",
    responses((status = 200, description = "the caller", body = Me)),
)]
pub async fn me(caller: Caller, state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let store = state.store.clone();
    let org = caller.org;
    let organization = blocking(move || {
        store
            .read(|c| orgs::get_org(c, org))
            .map_err(ApiError::from)
    })
    .await?;
    Ok(HttpResponse::Ok().json(Me {
        role: caller.role,
        organization: organization.map(|o| OrganizationSummary {
            id: o.id,
            kind: o.kind,
            name: o.name,
            municipality_code: o.municipality_code,
        }),
    }))
}

/// The vacancies the caller's organization owns, every status, newest
/// first, at most 200 (recruiters and employers).
#[utoipa::path(
    get,
    path = "/v1/me/vacancies",
    operation_id = "own_vacancies",
    responses((status = 200, description = "the vacancies", body = super::vacancies::VacancyList)),
)]
pub async fn own_vacancies(
    caller: Caller,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    caller.require(&[Role::Recruiter, Role::Employer])?;
    let store = state.store.clone();
    let org = caller.org;
    let (items, mut codings) = blocking(move || {
        store
            .read(|c| {
                let items = store_vacancies::vacancies_of_org(c, org, MAX_OWN_VACANCIES)?;
                let ids: Vec<_> = items.iter().map(|v| v.id).collect();
                let codings: HashMap<_, _> = coding::coding_of(c, &ids)?.into_iter().collect();
                Ok((items, codings))
            })
            .map_err(ApiError::from)
    })
    .await?;
    Ok(HttpResponse::Ok().json(super::vacancies::VacancyList {
        items: items
            .into_iter()
            .map(|v| {
                let record = codings.remove(&v.id);
                super::vacancies::view(&caller, v, record.as_ref())
            })
            .collect(),
    }))
}

/// The recruitment agencies, for sharing a hidden vacancy with some of
/// them (recruiters and employers).
#[utoipa::path(
    get,
    path = "/v1/agencies",
    operation_id = "agencies",
    responses((status = 200, description = "the agencies", body = AgencyList)),
)]
pub async fn agencies(
    caller: Caller,
    state: web::Data<AppState>,
) -> Result<HttpResponse, ApiError> {
    caller.require(&[Role::Recruiter, Role::Employer])?;
    let store = state.store.clone();
    let all = blocking(move || store.read(orgs::list_orgs).map_err(ApiError::from)).await?;
    Ok(HttpResponse::Ok().json(AgencyList {
        items: all
            .into_iter()
            .filter(|o| o.kind == OrgKind::Agency)
            .map(|o| Agency {
                id: o.id,
                name: o.name,
            })
            .collect(),
    }))
}
