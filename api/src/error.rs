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
    /// Seconds for `Retry-After` (429 and 503).
    pub retry_after: Option<u64>,
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
            retry_after: None,
        }
    }

    pub fn bad_request(code: &'static str, detail: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, code, detail)
    }

    pub fn unauthorized(code: &'static str, detail: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::UNAUTHORIZED, code, detail)
    }

    pub fn forbidden(detail: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::FORBIDDEN, "forbidden", detail)
    }

    pub fn rate_limited(wait: std::time::Duration) -> ApiError {
        ApiError {
            retry_after: Some(wait.as_secs().max(1)),
            ..ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                "too many requests for this token; retry later",
            )
        }
    }

    pub fn not_found(detail: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", detail)
    }

    pub fn unavailable(code: &'static str, detail: impl Into<String>) -> ApiError {
        ApiError {
            retry_after: Some(5),
            ..ApiError::new(StatusCode::SERVICE_UNAVAILABLE, code, detail)
        }
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
        let mut response = HttpResponse::build(self.status);
        response.content_type("application/problem+json");
        if let Some(seconds) = self.retry_after {
            response.insert_header(("Retry-After", seconds.to_string()));
        }
        if self.status == StatusCode::UNAUTHORIZED {
            response.insert_header(("WWW-Authenticate", "Bearer"));
        }
        response.body(serde_json::to_string(&problem).unwrap_or_default())
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
            // A connection lost in the middle of a query: the database went
            // away, which is not the caller's fault nor a bug.
            E::Database(diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::ClosedConnection
                | diesel::result::DatabaseErrorKind::UnableToSendCommand,
                _,
            )) => {
                tracing::warn!(error = %e, "database connection lost");
                ApiError::unavailable("database_unavailable", "the database is not reachable")
            }
            E::InvalidUrl(_) | E::Migration(_) | E::Database(_) => ApiError::internal(&e),
        }
    }
}

impl From<indexer::index::IndexError> for ApiError {
    fn from(e: indexer::index::IndexError) -> ApiError {
        match e {
            indexer::index::IndexError::Store(inner) => ApiError::from(inner),
            e => {
                tracing::error!(error = %e, "index error");
                ApiError::unavailable(e.code(), "the index is not available")
            }
        }
    }
}

impl From<indexer::matching::MatchError> for ApiError {
    fn from(e: indexer::matching::MatchError) -> ApiError {
        use indexer::matching::MatchError as E;
        match e {
            E::NotFound { kind, id } => ApiError::not_found(format!("{kind} {id} not found")),
            E::Store(inner) => ApiError::from(inner),
            E::Index(inner) => ApiError::from(inner),
            E::StaleIndex { .. } => ApiError::unavailable("index_stale", e.to_string()),
            E::Tantivy(_) => {
                tracing::error!(error = %e, "index error");
                ApiError::unavailable("index_error", "the index is not available")
            }
            E::Source(_) => {
                tracing::error!(error = %e, "reference data error");
                ApiError::unavailable("reference_data_error", "reference data is not available")
            }
        }
    }
}
