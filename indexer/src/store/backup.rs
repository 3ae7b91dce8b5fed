//! An online, consistent copy of an embedded (SQLite) store: `VACUUM INTO`
//! writes the database as one read transaction sees it, while the server
//! keeps reading and writing. A PostgreSQL store is backed up with
//! PostgreSQL's own tools (docs/operations.md).

use std::path::Path;
use std::time::Instant;

use diesel::sql_types::Text;
use diesel::RunQueryDsl;
use serde::Serialize;

use super::{DbConnection, Store, StoreError};

/// What a backup wrote.
#[derive(Debug, Clone, Serialize)]
pub struct BackupReport {
    pub file: String,
    pub bytes: u64,
    pub seconds: f64,
}

/// Copy the store into `file`, which must not exist yet.
pub fn backup(store: &Store, file: &Path) -> Result<BackupReport, StoreError> {
    if file.exists() {
        return Err(StoreError::Invalid(format!(
            "{} exists: a backup never overwrites a file",
            file.display()
        )));
    }
    let path = file
        .to_str()
        .ok_or_else(|| StoreError::Invalid(format!("{} is not UTF-8", file.display())))?;
    let started = Instant::now();
    let mut conn = store.conn()?;
    match &mut *conn {
        DbConnection::Sqlite(c) => {
            diesel::sql_query("VACUUM INTO ?")
                .bind::<Text, _>(path)
                .execute(c)?;
        }
        DbConnection::Pg(_) => {
            return Err(StoreError::Invalid(
                "a PostgreSQL store is backed up with PostgreSQL's tools: pg_dump, or \
                 pg_basebackup with WAL archiving (see docs/operations.md)"
                    .into(),
            ))
        }
    }
    let bytes = std::fs::metadata(file).map(|m| m.len()).unwrap_or(0);
    Ok(BackupReport {
        file: path.to_owned(),
        bytes,
        seconds: started.elapsed().as_secs_f64(),
    })
}
