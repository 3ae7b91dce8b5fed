//! The HTTP server: an [`Application`] binds its listener first (port 0 gives
//! a free port, which tests use) and then serves until stopped. Every route
//! comes from [`crate::routes::endpoints`], the same table the OpenAPI
//! document is generated from.

use std::net::TcpListener;
use std::sync::Arc;
use std::time::Duration;

pub use crate::state::{blocking, AppState, REQUEST_TIMEOUT};

use actix_web::dev::{Server, Service};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::{web, App, HttpMessage, HttpRequest, HttpResponse, HttpServer};

use crate::auth::{new_request_id, RequestId};
use crate::error::ApiError;
use crate::state::OpenApiDocument;

/// Largest JSON body accepted (413 beyond).
pub const MAX_BODY_BYTES: usize = 256 * 1024;
/// A bound, not yet running server.
pub struct Application {
    port: u16,
    server: Server,
}

impl std::fmt::Debug for Application {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Application")
            .field("port", &self.port)
            .finish()
    }
}

fn json_error(error: actix_web::error::JsonPayloadError, _: &HttpRequest) -> actix_web::Error {
    use actix_web::error::JsonPayloadError as E;
    let api = match &error {
        E::OverflowKnownLength { .. } | E::Overflow { .. } => ApiError::new(
            actix_web::http::StatusCode::PAYLOAD_TOO_LARGE,
            "body_too_large",
            format!("the body is larger than {MAX_BODY_BYTES} bytes"),
        ),
        E::ContentType => ApiError::new(
            actix_web::http::StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "send Content-Type: application/json",
        ),
        E::Deserialize(e) => ApiError::bad_request("invalid_body", e.to_string()),
        other => ApiError::bad_request("invalid_body", other.to_string()),
    };
    api.into()
}

fn query_error(error: actix_web::error::QueryPayloadError, _: &HttpRequest) -> actix_web::Error {
    ApiError::bad_request("invalid_query", error.to_string()).into()
}

fn path_error(error: actix_web::error::PathError, _: &HttpRequest) -> actix_web::Error {
    ApiError::not_found(format!("no such resource ({error})")).into()
}

impl Application {
    /// Bind `address` (e.g. `127.0.0.1:8080`, or port 0 for any free port).
    pub fn build(state: AppState, address: &str) -> std::io::Result<Application> {
        let listener = TcpListener::bind(address)?;
        let port = listener.local_addr()?.port();
        let document = web::Data::new(OpenApiDocument(
            crate::openapi::build(Some(&state.references))
                .to_string()
                .into(),
        ));
        let state = web::Data::new(state);
        let server = HttpServer::new(move || {
            let metrics = Arc::clone(&state.metrics);
            App::new()
                .app_data(state.clone())
                .app_data(document.clone())
                .app_data(
                    web::JsonConfig::default()
                        .limit(MAX_BODY_BYTES)
                        .error_handler(json_error),
                )
                .app_data(web::QueryConfig::default().error_handler(query_error))
                .app_data(web::PathConfig::default().error_handler(path_error))
                .app_data(web::PayloadConfig::default().limit(MAX_BODY_BYTES))
                .wrap_fn(move |request, service| {
                    let id = request
                        .headers()
                        .get("x-request-id")
                        .and_then(|v| v.to_str().ok())
                        .filter(|v| {
                            !v.is_empty()
                                && v.len() <= 64
                                && v.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
                        })
                        .map_or_else(new_request_id, str::to_owned);
                    request.extensions_mut().insert(RequestId(id.clone()));
                    let pattern = request
                        .match_pattern()
                        .unwrap_or_else(|| "unmatched".to_owned());
                    let method = request.method().to_string();
                    let started = std::time::Instant::now();
                    let span =
                        tracing::info_span!("request", request_id = %id, %method, path = %pattern);
                    let metrics = Arc::clone(&metrics);
                    let future = service.call(request);
                    async move {
                        let mut response = future.await?;
                        let status = response.status().as_u16();
                        let elapsed = started.elapsed();
                        metrics.observe(&method, &pattern, status, elapsed);
                        span.in_scope(|| {
                            tracing::info!(status, ms = elapsed.as_secs_f64() * 1e3, "answered")
                        });
                        if let Ok(value) = HeaderValue::from_str(&id) {
                            response
                                .headers_mut()
                                .insert(HeaderName::from_static("x-request-id"), value);
                        }
                        Ok(response)
                    }
                })
                .configure(crate::routes::configure)
                .configure(crate::ui::configure)
                .default_service(web::to(unknown_path))
        })
        .client_request_timeout(Duration::from_secs(10))
        .shutdown_timeout(30)
        .listen(listener)?
        .run();
        Ok(Application { port, server })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Serve until the process is told to stop (SIGINT / SIGTERM); requests
    /// in flight are finished first.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}

async fn unknown_path(request: HttpRequest) -> Result<HttpResponse, ApiError> {
    Err(ApiError::not_found(format!(
        "no such resource: {}",
        request.path()
    )))
}
