//! The one place where errors become HTTP: every error answer is an RFC 9457
//! `application/problem+json` body with a stable snake_case `code`. 5xx
//! bodies name the kind of failure, never internals.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;

/// An error answer of the API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub detail: String,
}

/// The JSON body of an error answer.
#[derive(Debug, Serialize)]
pub struct Problem<'a> {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: &'a str,
    pub status: u16,
    pub code: &'a str,
    pub detail: &'a str,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, detail: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            detail: detail.into(),
        }
    }

    pub fn not_found(detail: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", detail)
    }

    pub fn unavailable(code: &'static str, detail: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::SERVICE_UNAVAILABLE, code, detail)
    }

    /// A failure that is ours, not the caller's: logged in full, answered
    /// without detail.
    pub fn internal(error: &dyn std::fmt::Display) -> ApiError {
        tracing::error!(%error, "internal error");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_error",
            "the request could not be completed; it has been logged",
        )
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({}): {}", self.status, self.code, self.detail)
    }
}

impl ResponseError for ApiError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        let problem = Problem {
            kind: format!("https://kohtaanto.fi/problems/{}", self.code),
            title: self.status.canonical_reason().unwrap_or("Error"),
            status: self.status.as_u16(),
            code: self.code,
            detail: &self.detail,
        };
        HttpResponse::build(self.status)
            .content_type("application/problem+json")
            .json(problem)
    }
}

impl From<indexer::store::StoreError> for ApiError {
    fn from(e: indexer::store::StoreError) -> ApiError {
        use indexer::store::StoreError as E;
        match &e {
            E::NotFound { .. } => ApiError::not_found(e.to_string()),
            E::Conflict(_) => ApiError::new(StatusCode::CONFLICT, e.code(), e.to_string()),
            E::Invalid(_) => {
                ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, e.code(), e.to_string())
            }
            E::Connect { .. } | E::Unavailable(_) => {
                tracing::warn!(error = %e, "database unavailable");
                ApiError::unavailable(e.code(), "the database is not reachable")
            }
            E::InvalidUrl(_) | E::Migration(_) | E::Database(_) => ApiError::internal(&e),
        }
    }
}
