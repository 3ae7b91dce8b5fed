//! Operator routes: the audit log.

use actix_web::{web, HttpResponse};
use matcher::domain::Role;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::params::{cursor, page_size, MAX_PAGE};
use crate::auth::Caller;
use crate::error::ApiError;
use crate::state::{blocking, AppState};

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Page size.
    #[param(minimum = 1, maximum = 100, default = 20)]
    limit: Option<usize>,
    /// The `next_cursor` of the previous page.
    #[param(pattern = "^[0-9]{0,18}$")]
    cursor: Option<String>,
}

/// A page of the audit log.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditPage {
    pub items: Vec<indexer::store::audit::Event>,
    /// The `cursor` of the next page; null on the last.
    pub next_cursor: Option<String>,
}

/// The audit log, oldest first (admins).
#[utoipa::path(
    get,
    path = "/v1/audit",
    operation_id = "audit_log",
    params(AuditQuery),
    responses((status = 200, description = "a page of events", body = AuditPage)),
)]

pub async fn audit(
    caller: Caller,
    state: web::Data<AppState>,
    query: web::Query<AuditQuery>,
) -> Result<HttpResponse, ApiError> {
    caller.require(&[Role::Admin])?;
    let limit = page_size(query.limit, MAX_PAGE)?;
    let after = cursor(query.cursor.as_deref())?;
    let store = state.store.clone();
    let events = blocking(move || {
        store
            .read(|c| indexer::store::audit::list(c, after, limit as i64))
            .map_err(ApiError::from)
    })
    .await?;
    let next = (events.len() == limit)
        .then(|| events.last().map(|e| e.id.to_string()))
        .flatten();
    Ok(HttpResponse::Ok().json(AuditPage {
        items: events,
        next_cursor: next,
    }))
}
