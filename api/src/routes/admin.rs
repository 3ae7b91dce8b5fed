//! Operator routes: the audit log.

use actix_web::{web, HttpResponse};
use matcher::domain::Role;
use serde::Deserialize;
use serde_json::json;

use super::{cursor, page_size, MAX_PAGE};
use crate::auth::Caller;
use crate::error::ApiError;
use crate::server::{blocking, AppState};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    limit: Option<usize>,
    cursor: Option<String>,
}

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
    Ok(HttpResponse::Ok().json(json!({ "items": events, "next_cursor": next })))
}
