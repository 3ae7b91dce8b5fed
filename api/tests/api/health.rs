//! Operations endpoints of the real server on a random port.

use indexer::testkit::TestDb;

use crate::support::get;
use crate::world::World;

fn health_and_readiness(db: TestDb, backend: &str) {
    let world = World::start(db);
    let port = world.port;
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
    health_and_readiness(TestDb::sqlite().unwrap(), "sqlite");
}

#[test]
fn health_and_readiness_on_postgres() {
    let Some(db) = TestDb::postgres().unwrap() else {
        eprintln!("KOHTAANTO_TEST_DATABASE_URL is not set: PostgreSQL run skipped");
        return;
    };
    health_and_readiness(db, "postgres");
}
