//! Operations: liveness, readiness, metrics and the OpenAPI document; no
//! token needed.

use actix_web::{web, HttpResponse};
use indexer::store::Backend;

use crate::error::ApiError;
use crate::state::{blocking, AppState, OpenApiDocument};

/// Liveness.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Health {
    #[schema(example = "ok")]
    pub status: String,
    pub version: String,
}

/// Readiness.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct Ready {
    #[schema(example = "ready")]
    pub status: String,
    /// sqlite or postgres.
    pub database: String,
}

/// Liveness: the process answers.
#[utoipa::path(
    get,
    path = "/healthz",
    operation_id = "healthz",
    responses((status = 200, description = "alive", body = Health)),
)]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(Health {
        status: "ok".into(),
        version: env!("CARGO_PKG_VERSION").into(),
    })
}

/// Readiness: the store answers a query.
#[utoipa::path(
    get,
    path = "/readyz",
    operation_id = "readyz",
    responses((status = 200, description = "ready", body = Ready)),
)]
pub async fn readyz(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let store = state.store.clone();
    let backend = store.backend();
    blocking(move || {
        store
            .read(indexer::store::orgs::count_orgs)
            .map_err(ApiError::from)
    })
    .await?;
    Ok(HttpResponse::Ok().json(Ready {
        status: "ready".into(),
        database: match backend {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        }
        .into(),
    }))
}

/// Prometheus metrics, text format.
#[utoipa::path(
    get,
    path = "/metrics",
    operation_id = "metrics",
    responses((status = 200, description = "metrics", content_type = "text/plain", body = String)),
)]
pub async fn metrics(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("text/plain; version=0.0.4")
        .body(state.metrics.render())
}

/// This document.
#[utoipa::path(
    get,
    path = "/openapi.json",
    operation_id = "openapi",
    responses((status = 200, description = "the OpenAPI 3.1 document", body = Object)),
)]
pub async fn document(document: web::Data<OpenApiDocument>) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .body(document.0.clone())
}
