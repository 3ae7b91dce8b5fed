#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The API crate's tests: the real server on a random port, and the real
//! `kohtaanto` binary, against SQLite always and PostgreSQL when
//! `KOHTAANTO_TEST_DATABASE_URL` is set.

/// A test `fn name(db: TestDb)` run on SQLite, and on PostgreSQL when
/// `KOHTAANTO_TEST_DATABASE_URL` is set.
macro_rules! on_every_backend {
    ($name:ident) => {
        mod $name {
            #[test]
            fn sqlite() {
                super::$name(indexer::testkit::TestDb::sqlite().unwrap());
            }

            #[test]
            fn postgres() {
                let Some(db) = indexer::testkit::TestDb::postgres().unwrap() else {
                    eprintln!("KOHTAANTO_TEST_DATABASE_URL is not set: PostgreSQL run skipped");
                    return;
                };
                super::$name(db);
            }
        }
    };
}

mod architecture;
mod browser;
mod cli;
mod contract;
mod crash;
mod disk;
mod effectiveness;
mod faults;
mod health;
mod index;
mod introductions;
mod nodes;
mod outreach;
mod profile_import;
mod profiles;
mod references;
mod restore;
mod support;
mod ui;
mod v1;
mod webdriver;
mod world;
