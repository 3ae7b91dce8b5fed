#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The store suite: every test runs against SQLite always, and against
//! PostgreSQL when `KOHTAANTO_TEST_DATABASE_URL` is set (each test in a fresh
//! schema of its own).

/// Run each named test function (`fn(&TestDb)`) of the module where it is
/// invoked once per backend, as `<module>::sqlite::<name>` and
/// `<module>::postgres::<name>`. Defined before the modules so that each
/// module can invoke it for its own tests.
macro_rules! on_every_backend {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(#[test] fn $name() {
                let db = $crate::support::TestDb::sqlite().unwrap();
                super::$name(&db);
            })*
        }
        mod postgres {
            $(#[test] fn $name() {
                let Some(db) = $crate::support::TestDb::postgres().unwrap() else {
                    eprintln!("KOHTAANTO_TEST_DATABASE_URL is not set: PostgreSQL run skipped");
                    return;
                };
                super::$name(&db);
            })*
        }
    };
}

mod crud;
mod feeds;
mod generate;
mod index;
mod lenient;
mod matching;
mod normalize;
mod outcomes;
mod outreach;
mod picture;
mod scoring;
mod support;
mod taxonomy;

use support::TestDb;

use crud::*;
use generate::*;
use outreach::*;

fn taxonomy_round_trips(db: &TestDb) {
    let mut conn = db.store.conn().unwrap();
    taxonomy::taxonomy_roundtrip(&mut conn);
}

on_every_backend!(
    migrations_are_idempotent,
    organizations_and_tokens,
    vacancy_crud_writes_outbox,
    vacancy_source_is_unique,
    profile_crud_keeps_contacts_apart,
    bulk_creates_allocate_distinct_ids,
    failed_write_leaves_nothing,
    taxonomy_round_trips,
    generation_is_deterministic_and_resumable,
    demo_outreach_is_deterministic_and_written_once,
    outreach_contacts_and_hidden_vacancies,
    outreach_campaign_progress,
    demo_snapshots_make_a_seasonal_year,
);
