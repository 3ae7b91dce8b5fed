//! The one place where errors become HTTP: every error answer is an RFC 9457
//! `application/problem+json` body with a stable snake_case `code`. 5xx
//! bodies name the kind of failure, never internals.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;

/// Every problem `code` the API answers: its status and what it means. The
/// OpenAPI document lists, per route, the codes of this table it answers.
pub const PROBLEMS: &[(&str, u16, &str)] = &[
    (
        "invalid_query",
        400,
        "a query parameter is malformed or unknown",
    ),
    (
        "invalid_body",
        400,
        "the body is not the JSON the route reads",
    ),
    ("invalid_limit", 400, "limit out of range"),
    (
        "invalid_cursor",
        400,
        "the cursor is not one this listing gave",
    ),
    (
        "invalid_scope",
        400,
        "scope is not mobility, commute, region or nationwide",
    ),
    ("invalid_lang", 400, "lang is not fi, sv or en"),
    ("invalid_radius", 400, "radius_km out of range"),
    ("invalid_by", 400, "by is not an area level"),
    (
        "invalid_industry",
        400,
        "industry is not section or division",
    ),
    (
        "invalid_occupation_level",
        400,
        "occupation_level is not 1–4",
    ),
    ("invalid_min_score", 400, "min_score is not within 0–1"),
    (
        "invalid_table",
        400,
        "table is not one of the tables of the answer",
    ),
    ("invalid_date", 400, "a date or month is malformed"),
    (
        "invalid_period",
        422,
        "the period ends before it starts, or is too long",
    ),
    ("invalid_region", 400, "region is not a region code"),
    ("invalid_format", 400, "format is not json or csv"),
    (
        "invalid_members",
        400,
        "a cohort names no members, or too many",
    ),
    ("query_required", 400, "q is missing or blank"),
    (
        "query_too_long",
        400,
        "a free-text parameter is longer than 200 characters",
    ),
    ("text_too_long", 400, "the text to extract from is too long"),
    (
        "unknown_field",
        400,
        "the body names a field the resource does not have",
    ),
    (
        "field_not_writable",
        400,
        "the body sets a field the server sets",
    ),
    (
        "version_required",
        400,
        "a change without the `version` it was written against",
    ),
    ("missing_token", 401, "no bearer token"),
    (
        "invalid_token",
        401,
        "the token is unknown, expired or revoked",
    ),
    ("forbidden", 403, "the caller's role may not do this"),
    (
        "not_found",
        404,
        "no such resource, or the caller may not see it",
    ),
    (
        "method_not_allowed",
        405,
        "the resource does not serve the method (see Allow)",
    ),
    (
        "conflict",
        409,
        "the resource changed meanwhile (stale version) or already exists",
    ),
    ("body_too_large", 413, "the body is larger than the limit"),
    (
        "unsupported_media_type",
        415,
        "the body is not application/json",
    ),
    (
        "invalid_vacancy",
        422,
        "the vacancy breaks a rule (the detail names the field)",
    ),
    (
        "invalid_profile",
        422,
        "the profile breaks a rule (the detail names the field)",
    ),
    (
        "invalid_reference",
        422,
        "a code or URI that the loaded taxonomy or geography does not have",
    ),
    ("invalid_data", 422, "the store refused the data"),
    (
        "invalid_contact",
        422,
        "an outreach contact breaks a rule (the detail names the field)",
    ),
    (
        "invalid_campaign",
        422,
        "an outreach campaign or a firm of its list breaks a rule (the field is named)",
    ),
    (
        "unknown_ranking",
        422,
        "request_id is not a ranking of the vacancy's candidates",
    ),
    (
        "invalid_outcome",
        422,
        "the fields of an introduction's status do not agree with it (the field is named)",
    ),
    (
        "invalid_status_change",
        409,
        "the introduction cannot move to that status from where it is",
    ),
    (
        "invalid_grouping",
        422,
        "occupation_level and industry together",
    ),
    ("q_or_uri_required", 422, "neither q nor uri was given"),
    (
        "rate_limited",
        429,
        "too many requests for this token (see Retry-After)",
    ),
    ("internal_error", 500, "a failure of ours, logged"),
    (
        "database_unavailable",
        503,
        "the database is not reachable (see Retry-After)",
    ),
    (
        "index_stale",
        503,
        "the index is behind the store (see Retry-After)",
    ),
    (
        "index_error",
        503,
        "the index could not answer (see Retry-After)",
    ),
    (
        "reference_data_error",
        503,
        "the taxonomy or geography could not be loaded",
    ),
    (
        "timeout",
        503,
        "the request took too long (see Retry-After)",
    ),
    (
        "storage_full",
        507,
        "the server's disk is full: writes are refused until space is freed, reads go on",
    ),
    (
        "storage_read_only",
        503,
        "the server's storage has turned read-only: writes are refused, reads go on",
    ),
];

/// The status of a problem code of [`PROBLEMS`].
pub fn problem_status(code: &str) -> Option<u16> {
    PROBLEMS
        .iter()
        .find(|(c, _, _)| *c == code)
        .map(|(_, status, _)| *status)
}

/// An error answer of the API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub detail: String,
    /// Seconds for `Retry-After` (429 and 503).
    pub retry_after: Option<u64>,
    /// The JSON path of the field a 422 is about (`contact.full_name`,
    /// `work_history[2].years`), so that a form can show it there.
    pub field: Option<String>,
}

/// The JSON body of an error answer (RFC 9457).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Problem<'a> {
    #[serde(rename = "type")]
    pub kind: String,
    pub title: &'a str,
    pub status: u16,
    pub code: &'a str,
    pub detail: &'a str,
    /// The JSON path of the offending field, on validation problems.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<&'a str>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, detail: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            detail: detail.into(),
            retry_after: None,
            field: None,
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

    /// A 422 about one field of the body.
    pub fn invalid_field(code: &'static str, field: &str, detail: impl Into<String>) -> ApiError {
        ApiError {
            field: Some(field.to_owned()),
            ..ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, code, detail)
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
            field: self.field.as_deref(),
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
            // The machine's state, not the caller's fault nor a bug: say
            // so (without paths or file names) and log it for the operator.
            E::StorageFull(_) => {
                tracing::warn!(error = %e, "storage full; write refused");
                ApiError::new(
                    StatusCode::INSUFFICIENT_STORAGE,
                    e.code(),
                    "the server's storage is full; the change was not made",
                )
            }
            E::ReadOnly(_) => {
                tracing::warn!(error = %e, "storage read-only; write refused");
                ApiError::unavailable(
                    e.code(),
                    "the server's storage is read-only; the change was not made",
                )
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
