//! The HTTP server: an [`Application`] binds its listener first (port 0 gives
//! a free port, which tests use) and then serves until stopped.

use std::net::TcpListener;

use actix_web::dev::Server;
use actix_web::{web, App, HttpResponse, HttpServer};
use indexer::store::{Backend, Store};

use crate::error::ApiError;

/// What every handler can reach.
#[derive(Debug, Clone)]
pub struct AppState {
    pub store: Store,
}

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

impl Application {
    /// Bind `address` (e.g. `127.0.0.1:8080`, or port 0 for any free port).
    pub fn build(state: AppState, address: &str) -> std::io::Result<Application> {
        let listener = TcpListener::bind(address)?;
        let port = listener.local_addr()?.port();
        let state = web::Data::new(state);
        let server = HttpServer::new(move || {
            App::new()
                .app_data(state.clone())
                .configure(routes)
                .default_service(web::to(unknown_path))
        })
        .listen(listener)?
        .run();
        Ok(Application { port, server })
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Serve until the process is told to stop (SIGINT / SIGTERM).
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        self.server.await
    }
}

/// Every route of the API.
pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.route("/healthz", web::get().to(healthz))
        .route("/readyz", web::get().to(readyz));
}

/// Liveness: the process answers.
async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({
        "status": "ok",
        "version": env!("CARGO_PKG_VERSION"),
    }))
}

/// Readiness: the store answers a query.
async fn readyz(state: web::Data<AppState>) -> Result<HttpResponse, ApiError> {
    let store = state.store.clone();
    let backend = store.backend();
    let counted = web::block(move || store.read(indexer::store::orgs::count_orgs))
        .await
        .map_err(|e| ApiError::internal(&e))?;
    counted?;
    Ok(HttpResponse::Ok().json(serde_json::json!({
        "status": "ready",
        "database": match backend {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        },
    })))
}

async fn unknown_path(request: actix_web::HttpRequest) -> Result<HttpResponse, ApiError> {
    Err(ApiError::not_found(format!(
        "no such resource: {}",
        request.path()
    )))
}
