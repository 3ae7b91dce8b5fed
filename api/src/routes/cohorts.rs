//! Cohorts: an employment office's change situations (the workers one
//! employer lays off) and their nationwide assignment.

use actix_web::{web, HttpResponse};
use indexer::cohorts::AssignmentOptions;
use indexer::store::access::{self, ProfileViewer};
use indexer::store::cohorts as store_cohorts;
use matcher::domain::{ProfileId, Role};
use serde::Deserialize;
use utoipa::ToSchema;

use crate::auth::Caller;
use crate::error::ApiError;
use crate::state::{blocking, AppState};

/// A change situation: the workers one employer lays off.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CohortBody {
    name: String,
    employer_name: String,
    /// Profiles the adviser may see (1–50,000).
    #[schema(min_items = 1, max_items = 50000)]
    profile_ids: Vec<i64>,
}

/// Create a cohort: the workers one employer lays off (advisers).
#[utoipa::path(
    post,
    path = "/v1/cohorts",
    operation_id = "create_cohort",
    request_body = CohortBody,
    responses((status = 201, description = "created", body = indexer::store::cohorts::Cohort)),
)]

pub async fn create(
    caller: Caller,
    state: web::Data<AppState>,
    body: web::Json<serde_json::Value>,
) -> Result<HttpResponse, ApiError> {
    caller.require(&[Role::Adviser])?;
    let body: CohortBody = super::params::typed_body(body.into_inner())?;
    if body.profile_ids.is_empty() || body.profile_ids.len() > store_cohorts::MAX_MEMBERS {
        return Err(ApiError::bad_request(
            "invalid_members",
            format!("profile_ids must hold 1–{} ids", store_cohorts::MAX_MEMBERS),
        ));
    }
    let store = state.store.clone();
    let who = caller.clone();
    let cohort = blocking(move || {
        store
            .write(|c| {
                // Every member must be a profile the adviser may see.
                for id in &body.profile_ids {
                    if access::profile_for(c, ProfileId(*id), ProfileViewer::Adviser(who.org))?
                        .is_none()
                    {
                        return Err(indexer::store::StoreError::NotFound {
                            kind: "profile",
                            id: id.to_string(),
                        });
                    }
                }
                let ids: Vec<ProfileId> = body.profile_ids.iter().map(|i| ProfileId(*i)).collect();
                let cohort = store_cohorts::create_cohort(
                    c,
                    &body.name,
                    &body.employer_name,
                    who.org,
                    &ids,
                )?;
                indexer::store::audit::append(
                    c,
                    &indexer::store::audit::NewEvent {
                        org_id: Some(who.org.0),
                        token_id: Some(who.token.0),
                        role: Some(who.role.as_str()),
                        action: "cohort.create",
                        subject_kind: "cohort",
                        subject_id: cohort.id.to_string(),
                        reason: Some(&format!("{} members", cohort.members.len())),
                        request_id: &who.request_id,
                    },
                )?;
                Ok(cohort)
            })
            .map_err(ApiError::from)
    })
    .await?;
    Ok(HttpResponse::Created()
        .insert_header(("Location", format!("/v1/cohorts/{}", cohort.id)))
        .json(cohort))
}

/// How to assign a cohort; every field is optional.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssignBody {
    /// A pair at or above this score is a good match (default 0.5).
    #[schema(minimum = 0.0, maximum = 1.0)]
    min_score: Option<f64>,
    /// Candidate vacancies per member (default 20).
    #[schema(minimum = 1, maximum = 200)]
    candidates: Option<usize>,
    /// Alternatives reported per member (default 3).
    #[schema(minimum = 0, maximum = 20)]
    alternatives: Option<usize>,
    #[schema(value_type = Option<matcher::scoring::Scope>)]
    scope: Option<String>,
    /// The language of skill labels in the report (else `Accept-Language`).
    #[schema(value_type = Option<matcher::taxonomy::Lang>)]
    lang: Option<String>,
}

/// Assign a cohort nationwide: optimal under open positions and mobility.
#[utoipa::path(
    post,
    path = "/v1/cohorts/{id}/assignments",
    operation_id = "assign_cohort",
    params(("id" = i64, Path, description = "cohort id")),
    request_body(content = Option<AssignBody>, description = "optional"),
    responses((status = 200, description = "the assignment", body = indexer::cohorts::CohortAssignment)),
)]

pub async fn assign(
    caller: Caller,
    request: actix_web::HttpRequest,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: Result<web::Json<serde_json::Value>, actix_web::Error>,
) -> Result<HttpResponse, ApiError> {
    caller.require(&[Role::Adviser])?;
    // The body is optional, but when there is one it must be JSON of the
    // right shape (an optional `Json` extractor would drop a bad one).
    let b: AssignBody = match body {
        Ok(value) if value.is_null() => AssignBody::default(),
        Ok(value) => super::params::typed_body(value.into_inner())?,
        Err(error) => {
            let headers = request.headers();
            let empty = !headers.contains_key(actix_web::http::header::CONTENT_TYPE)
                && headers
                    .get(actix_web::http::header::CONTENT_LENGTH)
                    .and_then(|v| v.to_str().ok())
                    .is_none_or(|v| v.trim() == "0");
            if !empty {
                return Ok(error.error_response());
            }
            AssignBody::default()
        }
    };
    let min_score = b.min_score.unwrap_or(0.5);
    if !(0.0..=1.0).contains(&min_score) {
        return Err(ApiError::bad_request(
            "invalid_min_score",
            "min_score must be 0–1",
        ));
    }
    let scope = match &b.scope {
        None => matcher::scoring::Scope::Mobility,
        Some(s) => s
            .parse()
            .map_err(|e: String| ApiError::bad_request("invalid_scope", e))?,
    };
    let candidates = b.candidates.unwrap_or(20);
    let alternatives = b.alternatives.unwrap_or(3);
    if !(1..=200).contains(&candidates) || alternatives > 20 {
        return Err(ApiError::bad_request(
            "invalid_body",
            "candidates must be 1–200 and alternatives 0–20",
        ));
    }
    let options = AssignmentOptions {
        min_score,
        candidates,
        alternatives,
        scope,
        now: chrono::Utc::now().naive_utc(),
        lang: super::params::language(&request, b.lang.as_deref())?,
    };
    let st = state.clone();
    let who = caller.clone();
    let id = *id;
    let result = blocking(move || {
        let cohort = st
            .store
            .read(|c| store_cohorts::cohort_of(c, id, who.org))
            .map_err(ApiError::from)?
            .ok_or_else(|| ApiError::not_found(format!("cohort {id} not found")))?;
        let members = st
            .store
            .read(|c| indexer::store::profiles::get_profiles(c, &cohort.members))
            .map_err(ApiError::from)?;
        let result = st
            .engine
            .assign_cohort(&members, &options)
            .map_err(ApiError::from)?;
        st.store
            .write(|c| {
                indexer::store::audit::append(
                    c,
                    &indexer::store::audit::NewEvent {
                        org_id: Some(who.org.0),
                        token_id: Some(who.token.0),
                        role: Some(who.role.as_str()),
                        action: "cohort.assign",
                        subject_kind: "cohort",
                        subject_id: cohort.id.to_string(),
                        reason: Some(&format!("{} placed", result.placed)),
                        request_id: &who.request_id,
                    },
                )
            })
            .map_err(ApiError::from)?;
        Ok(result)
    })
    .await?;
    Ok(HttpResponse::Ok().json(result))
}
