//! What became of introductions: `proposed → contacted → interview → hired
//! | not_hired | withdrawn`. The employer moves its own vacancies'
//! introductions, the adviser those of the office's jobseekers (and those
//! the office made); a hire records the start date and whether the person
//! moved region, and becomes a placement the picture counts. Every change
//! is audited.

use actix_web::{web, HttpResponse};
use chrono::NaiveDate;
use indexer::store::audit;
use indexer::store::introductions::{
    self, ChangeError, Introduction, IntroductionFilter, IntroductionScope, StatusChange,
};
use indexer::store::schema::vacancies;
use matcher::domain::{
    IntroductionId, IntroductionStatus, NotHiredReason, ProfileId, Role, VacancyId,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

use super::params::{cursor, page_size};
use crate::auth::Caller;
use crate::error::ApiError;
use crate::state::{blocking, AppState};

/// Largest page of introductions.
const MAX_INTRODUCTIONS_PAGE: usize = 100;

/// Whose introductions the caller may read and change.
fn scope(caller: &Caller) -> Result<IntroductionScope, ApiError> {
    match caller.role {
        Role::Adviser => Ok(IntroductionScope::Office(caller.org)),
        Role::Employer => Ok(IntroductionScope::Employer(caller.org)),
        Role::Admin => Ok(IntroductionScope::All),
        _ => Err(ApiError::forbidden(
            "introductions are for advisers, employers and operators",
        )),
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct IntroductionQuery {
    /// Only the introductions to this vacancy.
    #[param(minimum = 1)]
    vacancy: Option<i64>,
    /// Only the introductions of this profile.
    #[param(minimum = 1)]
    profile: Option<i64>,
    #[param(value_type = Option<IntroductionStatus>)]
    status: Option<IntroductionStatus>,
    /// Page size.
    #[param(minimum = 1, maximum = 100, default = 20)]
    limit: Option<usize>,
    /// The `next_cursor` of the previous page.
    #[param(pattern = "^[0-9]{0,18}$")]
    cursor: Option<String>,
}

/// An introduction with the title of its vacancy.
#[derive(Debug, Serialize, ToSchema)]
pub struct IntroductionItem {
    #[serde(flatten)]
    pub introduction: Introduction,
    pub vacancy_title: String,
}

/// A page of introductions, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct IntroductionPage {
    pub items: Vec<IntroductionItem>,
    pub next_cursor: Option<String>,
}

/// The introductions the caller may follow, newest first: an employer's
/// to its own vacancies, an office's of its jobseekers and those it made.
#[utoipa::path(
    get,
    path = "/v1/introductions",
    operation_id = "list_introductions",
    params(IntroductionQuery),
    responses((status = 200, description = "a page of introductions", body = IntroductionPage)),
)]
pub async fn list(
    caller: Caller,
    state: web::Data<AppState>,
    query: web::Query<IntroductionQuery>,
) -> Result<HttpResponse, ApiError> {
    let scope = scope(&caller)?;
    let query = query.into_inner();
    let limit = page_size(query.limit, MAX_INTRODUCTIONS_PAGE)?;
    let before = cursor(query.cursor.as_deref())?;
    if query.vacancy.is_some_and(|v| v < 1) || query.profile.is_some_and(|p| p < 1) {
        return Err(ApiError::bad_request(
            "invalid_query",
            "vacancy and profile are ids (1 or more)",
        ));
    }
    let filter = IntroductionFilter {
        scope,
        vacancy: query.vacancy.map(VacancyId),
        profile: query.profile.map(ProfileId),
        status: query.status,
        before: (before > 0).then_some(before),
        limit: limit as i64 + 1,
    };
    let store = state.store.clone();
    let (items, more) = blocking(move || {
        store
            .read(|c| {
                let mut found = introductions::list(c, &filter)?;
                let more = found.len() > limit;
                found.truncate(limit);
                Ok((with_titles(c, found)?, more))
            })
            .map_err(ApiError::from)
    })
    .await?;
    let next_cursor = more
        .then(|| items.last().map(|i| i.introduction.id.0.to_string()))
        .flatten();
    Ok(HttpResponse::Ok().json(IntroductionPage { items, next_cursor }))
}

fn with_titles(
    c: &mut indexer::store::DbConnection,
    found: Vec<Introduction>,
) -> Result<Vec<IntroductionItem>, indexer::store::StoreError> {
    use diesel::prelude::*;
    let ids: Vec<i64> = found.iter().map(|i| i.vacancy_id.0).collect();
    let titles: std::collections::HashMap<i64, String> = vacancies::table
        .filter(vacancies::id.eq_any(&ids))
        .select((vacancies::id, vacancies::title))
        .load::<(i64, String)>(c)?
        .into_iter()
        .collect();
    Ok(found
        .into_iter()
        .map(|i| IntroductionItem {
            vacancy_title: titles.get(&i.vacancy_id.0).cloned().unwrap_or_default(),
            introduction: i,
        })
        .collect())
}

/// One introduction the caller may follow.
#[utoipa::path(
    get,
    path = "/v1/introductions/{id}",
    operation_id = "get_introduction",
    params(("id" = i64, Path, description = "introduction id")),
    responses((status = 200, description = "the introduction", body = IntroductionItem)),
)]
pub async fn get(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<i64>,
) -> Result<HttpResponse, ApiError> {
    let scope = scope(&caller)?;
    let id = IntroductionId(*id);
    let store = state.store.clone();
    let item = blocking(move || {
        store
            .read(|c| {
                let Some(intro) = introductions::get(c, id)? else {
                    return Ok(None);
                };
                if !introductions::may_change(c, scope, &intro)? {
                    return Ok(None);
                }
                Ok(with_titles(c, vec![intro])?.pop())
            })
            .map_err(ApiError::from)
    })
    .await?
    .ok_or_else(|| ApiError::not_found(format!("introduction {id} not found")))?;
    Ok(HttpResponse::Ok().json(item))
}

/// A change of an introduction's status.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StatusBody {
    status: IntroductionStatus,
    /// Why not (required with `not_hired`, refused otherwise).
    reason: Option<NotHiredReason>,
    /// The first day of work (`hired` only).
    start_date: Option<NaiveDate>,
    /// Whether the person moved to another region for the job (`hired`
    /// only; when absent, whether the home region differs from the
    /// vacancy's).
    moved_region: Option<bool>,
    /// The version the caller saw: a different one is a 409 `conflict`.
    #[schema(minimum = 1)]
    version: Option<i64>,
}

/// Move an introduction on: the employer of the vacancy, or an adviser of
/// the office that manages the jobseeker or made the introduction. A hire
/// makes the profile `placed` and, once every position is taken, the
/// vacancy `filled`.
#[utoipa::path(
    patch,
    path = "/v1/introductions/{id}",
    operation_id = "change_introduction",
    params(("id" = i64, Path, description = "introduction id")),
    request_body = StatusBody,
    responses((status = 200, description = "the changed introduction", body = IntroductionItem)),
)]
pub async fn change(
    caller: Caller,
    state: web::Data<AppState>,
    id: web::Path<i64>,
    body: web::Json<Value>,
) -> Result<HttpResponse, ApiError> {
    caller.require(&[Role::Adviser, Role::Employer])?;
    let scope = scope(&caller)?;
    let body: StatusBody = super::params::typed_body(body.into_inner())?;
    let change = StatusChange {
        status: body.status,
        reason: body.reason,
        start_date: body.start_date,
        moved_region: body.moved_region,
        expected_version: body.version,
    };
    if let Err(ChangeError::Field { field, message }) = change.check() {
        return Err(ApiError::invalid_field("invalid_outcome", field, message));
    }
    let id = IntroductionId(*id);
    let store = state.store.clone();
    let geography = state.reference.geography.clone();
    let who = caller.clone();
    let changed = blocking(move || {
        store
            .write(|c| {
                let Some(intro) = introductions::get(c, id)? else {
                    return Ok(None);
                };
                if !introductions::may_change(c, scope, &intro)? {
                    return Ok(None);
                }
                let changed = match introductions::change_status(
                    c,
                    &geography,
                    id,
                    &change,
                    indexer::store::now(),
                )? {
                    Ok(changed) => changed,
                    Err(refused) => return Ok(Some(Err(refused))),
                };
                audit::append(
                    c,
                    &audit::NewEvent {
                        org_id: Some(who.org.0),
                        token_id: Some(who.token.0),
                        role: Some(who.role.as_str()),
                        action: "introduction.status",
                        subject_kind: "introduction",
                        subject_id: id.to_string(),
                        reason: Some(&format!(
                            "{} → {} (profile {}, vacancy {})",
                            intro.status, changed.status, intro.profile_id, intro.vacancy_id
                        )),
                        request_id: &who.request_id,
                    },
                )?;
                Ok(Some(Ok(with_titles(c, vec![changed])?.remove(0))))
            })
            .map_err(ApiError::from)
    })
    .await?
    .ok_or_else(|| ApiError::not_found(format!("introduction {id} not found")))?;
    match changed {
        Ok(item) => Ok(HttpResponse::Ok().json(item)),
        Err(ChangeError::Transition { from, to }) => Err(ApiError::new(
            actix_web::http::StatusCode::CONFLICT,
            "invalid_status_change",
            format!("the introduction is {from} and cannot become {to}"),
        )),
        Err(ChangeError::Field { field, message }) => {
            Err(ApiError::invalid_field("invalid_outcome", field, message))
        }
    }
}
