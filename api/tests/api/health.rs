//! Operations endpoints of the real server on a random port.

use api::server::{AppState, Application};
use indexer::testkit::TestDb;

use crate::support::get;

/// Start the application on a free port in a background thread.
pub fn spawn_app(db: &TestDb) -> u16 {
    let store = db.store.clone();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            let app = Application::build(AppState { store }, "127.0.0.1:0").unwrap();
            tx.send(app.port()).unwrap();
            app.run_until_stopped().await.unwrap();
        })
    });
    rx.recv().unwrap()
}

fn health_and_readiness(db: &TestDb, backend: &str) {
    let port = spawn_app(db);
    let health = get(port, "/healthz");
    assert_eq!(health.status, 200);
    assert_eq!(health.json()["status"], "ok");

    let ready = get(port, "/readyz");
    assert_eq!(ready.status, 200, "{}", ready.body);
    assert_eq!(ready.json()["database"], backend);

    let missing = get(port, "/no/such/thing");
    assert_eq!(missing.status, 404);
    assert_eq!(
        missing.header("content-type"),
        Some("application/problem+json")
    );
    let problem = missing.json();
    assert_eq!(problem["code"], "not_found");
    assert_eq!(problem["status"], 404);
    assert_eq!(problem["detail"], "no such resource: /no/such/thing");
}

#[test]
fn health_and_readiness_on_sqlite() {
    health_and_readiness(&TestDb::sqlite().unwrap(), "sqlite");
}

#[test]
fn health_and_readiness_on_postgres() {
    let Some(db) = TestDb::postgres().unwrap() else {
        eprintln!("KOHTAANTO_TEST_DATABASE_URL is not set: PostgreSQL run skipped");
        return;
    };
    health_and_readiness(&db, "postgres");
}
