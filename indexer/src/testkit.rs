//! Throw-away databases for tests of this crate and the crates above it
//! (and for benchmarks): a SQLite file in a temporary directory, or a fresh
//! schema in the PostgreSQL named by `KOHTAANTO_TEST_DATABASE_URL`, dropped
//! again when the [`TestDb`] goes out of scope. Not used by the service.

use diesel::connection::SimpleConnection;

use crate::store::{DatabaseUrl, Store, StoreError};

/// The environment variable naming the PostgreSQL used by tests.
pub const TEST_DATABASE_ENV: &str = "KOHTAANTO_TEST_DATABASE_URL";

/// A migrated store that disappears with this value.
pub struct TestDb {
    pub store: Store,
    /// The URL the store was opened with (for child processes).
    pub url: String,
    _dir: Option<tempfile::TempDir>,
    pg_cleanup: Option<(String, String)>,
}

impl std::fmt::Debug for TestDb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestDb")
            .field("store", &self.store)
            .finish()
    }
}

fn io_error(e: std::io::Error) -> StoreError {
    StoreError::Unavailable(format!("test database: {e}"))
}

impl TestDb {
    /// A fresh SQLite store in a temporary directory.
    pub fn sqlite() -> Result<TestDb, StoreError> {
        Self::sqlite_with(tempfile::tempdir().map_err(io_error)?)
    }

    /// A fresh SQLite store in a temporary directory under `parent` (a
    /// benchmark's data directory, on the disk it is to measure).
    pub fn sqlite_in(parent: &std::path::Path) -> Result<TestDb, StoreError> {
        Self::sqlite_with(tempfile::tempdir_in(parent).map_err(io_error)?)
    }

    fn sqlite_with(dir: tempfile::TempDir) -> Result<TestDb, StoreError> {
        let url = dir.path().join("store.db").to_string_lossy().into_owned();
        let store = Store::open(&url)?;
        Ok(TestDb {
            store,
            url,
            _dir: Some(dir),
            pg_cleanup: None,
        })
    }

    /// A fresh schema in the test PostgreSQL, or `None` when
    /// `KOHTAANTO_TEST_DATABASE_URL` is not set.
    pub fn postgres() -> Result<Option<TestDb>, StoreError> {
        let Ok(base) = std::env::var(TEST_DATABASE_ENV) else {
            return Ok(None);
        };
        Self::postgres_in(&base).map(Some)
    }

    /// A fresh schema in the PostgreSQL database at `base`, dropped again
    /// with the value.
    pub fn postgres_in(base: &str) -> Result<TestDb, StoreError> {
        let base = base.to_owned();
        let mut bytes = [0u8; 6];
        getrandom::fill(&mut bytes)
            .map_err(|e| StoreError::Unavailable(format!("no randomness: {e}")))?;
        let schema = format!("t_{}", hex::encode(bytes));
        let mut admin = DatabaseUrl::parse(&base)?.connect()?;
        admin.batch_execute(&format!("CREATE SCHEMA {schema}"))?;
        let sep = if base.contains('?') { '&' } else { '?' };
        let url = format!("{base}{sep}options=-csearch_path%3D{schema}");
        let store = Store::open(&url)?;
        Ok(TestDb {
            store,
            url,
            _dir: None,
            pg_cleanup: Some((base, schema)),
        })
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((base, schema)) = &self.pg_cleanup {
            if let Ok(mut admin) = DatabaseUrl::parse(base).and_then(|u| u.connect()) {
                let _ = admin.batch_execute(&format!("DROP SCHEMA {schema} CASCADE"));
            }
        }
    }
}
