//! Who is asking: `Authorization: Bearer <token>` resolved against the
//! store (tokens are stored hashed, with expiry and revocation), the
//! request id, and a per-token rate limit.

use std::future::Future;
use std::pin::Pin;

use actix_web::http::header;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest};
use matcher::domain::{OrgId, Role, TokenId};

use crate::error::ApiError;
use crate::state::AppState;

pub use crate::limits::RateLimiter;

/// The authenticated caller of a request.
#[derive(Debug, Clone)]
pub struct Caller {
    pub token: TokenId,
    pub org: OrgId,
    pub role: Role,
    pub request_id: String,
}

impl Caller {
    /// Fail with 403 unless the caller acts in one of `roles`.
    pub fn require(&self, roles: &[Role]) -> Result<(), ApiError> {
        if roles.contains(&self.role) {
            Ok(())
        } else {
            Err(ApiError::forbidden(format!(
                "the {} role may not do this",
                self.role
            )))
        }
    }
}

/// The id of the request, from `X-Request-Id` when the client sent a sane
/// one, else made here; echoed in the response and written to the audit log.
#[derive(Debug, Clone)]
pub struct RequestId(pub String);

/// A fresh request id.
pub fn new_request_id() -> String {
    indexer::matching::random_id("r-")
}

/// The request id of `request` (set by the middleware in `server`).
pub fn request_id(request: &HttpRequest) -> String {
    request
        .extensions()
        .get::<RequestId>()
        .map(|r| r.0.clone())
        .unwrap_or_else(new_request_id)
}

fn bearer(request: &HttpRequest) -> Result<String, ApiError> {
    let value = request
        .headers()
        .get(header::AUTHORIZATION)
        .ok_or_else(|| {
            ApiError::unauthorized("missing_token", "send Authorization: Bearer <token>")
        })?;
    let value = value
        .to_str()
        .map_err(|_| ApiError::unauthorized("invalid_token", "the token is not valid"))?;
    let secret = value
        .strip_prefix("Bearer ")
        .or_else(|| value.strip_prefix("bearer "))
        .ok_or_else(|| {
            ApiError::unauthorized("missing_token", "send Authorization: Bearer <token>")
        })?
        .trim();
    if secret.is_empty() || secret.len() > 200 {
        return Err(ApiError::unauthorized(
            "invalid_token",
            "the token is not valid",
        ));
    }
    Ok(secret.to_owned())
}

impl FromRequest for Caller {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Caller, ApiError>>>>;

    fn from_request(request: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        let state = request.app_data::<web::Data<AppState>>().cloned();
        let secret = bearer(request);
        let request_id = request_id(request);
        Box::pin(async move {
            let secret = secret?;
            let state = state.ok_or_else(|| ApiError::internal(&"no application state"))?;
            let store = state.store.clone();
            let identity = crate::state::blocking(move || {
                store
                    .read(|c| indexer::store::orgs::authenticate(c, &secret))
                    .map_err(ApiError::from)
            })
            .await?
            .ok_or_else(|| {
                ApiError::unauthorized("invalid_token", "the token is unknown, expired or revoked")
            })?;
            if let Some(wait) = state.limiter.check(identity.token) {
                return Err(ApiError::rate_limited(wait));
            }
            Ok(Caller {
                token: identity.token,
                org: identity.org,
                role: identity.role,
                request_id,
            })
        })
    }
}
