//! The system of record: vacancies, jobseeker profiles, organizations, tokens,
//! cohorts, the outbox, the audit log and the match log, in SQLite (embedded
//! default) or PostgreSQL, chosen at run time from the database URL.
//!
//! Query functions take `&mut DbConnection` so that they compose inside one
//! transaction; [`Store`] owns the pool and hands out connections and
//! transactions. Every write to a vacancy or profile writes its outbox row in
//! the same transaction (DESIGN.md invariant 1).

pub mod access;
pub mod audit;
pub mod backup;
pub mod coding;
pub mod cohorts;
pub mod data_rights;
pub mod external_profiles;
pub mod hires;
pub mod introductions;
pub mod match_log;
pub mod office;
pub mod orgs;
pub mod outbox;
pub mod outcomes;
pub mod outreach;
pub mod profiles;
mod rows;
pub mod schema;
pub mod snapshots;
pub mod taxonomy;
pub mod vacancies;
pub mod versions;

use std::fmt;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{NaiveDateTime, SubsecRound, Utc};
use diesel::connection::SimpleConnection;
use diesel::r2d2::{self, ManageConnection, Pool, PooledConnection};
use diesel::{Connection, PgConnection, SqliteConnection};
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../migrations/sqlite");
const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../migrations/postgres");

/// One connection to either backend. Queries are written once against the
/// common subset of SQL both backends speak.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Pg(PgConnection),
    Sqlite(SqliteConnection),
}

/// Which database a URL names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Backend::Sqlite => "sqlite",
            Backend::Postgres => "postgres",
        })
    }
}

/// A parsed database URL. The password of a PostgreSQL URL never prints.
#[derive(Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    Sqlite(PathBuf),
    Postgres(String),
}

impl DatabaseUrl {
    /// `postgres://…` / `postgresql://…` select PostgreSQL; `sqlite://PATH`,
    /// `sqlite:PATH` or a plain file path select SQLite.
    pub fn parse(url: &str) -> Result<Self, StoreError> {
        let url = url.trim();
        if url.is_empty() {
            return Err(StoreError::InvalidUrl("the database URL is empty".into()));
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(DatabaseUrl::Postgres(url.to_owned()));
        }
        if let Some(path) = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
        {
            if path.is_empty() {
                return Err(StoreError::InvalidUrl(
                    "sqlite URL without a file path".into(),
                ));
            }
            return Ok(DatabaseUrl::Sqlite(PathBuf::from(path)));
        }
        if let Some((scheme, _)) = url.split_once("://") {
            return Err(StoreError::InvalidUrl(format!(
                "unsupported database URL scheme {scheme:?} (use postgres:// or a SQLite file path)"
            )));
        }
        Ok(DatabaseUrl::Sqlite(PathBuf::from(url)))
    }

    pub fn backend(&self) -> Backend {
        match self {
            DatabaseUrl::Sqlite(_) => Backend::Sqlite,
            DatabaseUrl::Postgres(_) => Backend::Postgres,
        }
    }

    /// Open one connection, set up as the store needs it.
    pub fn connect(&self) -> Result<DbConnection, StoreError> {
        match self {
            DatabaseUrl::Postgres(url) => PgConnection::establish(url)
                .map(DbConnection::Pg)
                .map_err(|e| StoreError::Connect {
                    url: self.to_string(),
                    reason: first_line(&e.to_string()),
                }),
            DatabaseUrl::Sqlite(path) => {
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir).map_err(|e| StoreError::Connect {
                        url: self.to_string(),
                        reason: format!("cannot create {}: {e}", dir.display()),
                    })?;
                }
                let path_text = path.to_string_lossy();
                let mut conn =
                    SqliteConnection::establish(&path_text).map_err(|e| StoreError::Connect {
                        url: self.to_string(),
                        reason: first_line(&e.to_string()),
                    })?;
                // WAL lets readers run beside the single writer; FULL makes an
                // acknowledged commit survive power loss, not just a crash.
                conn.batch_execute(
                    "PRAGMA busy_timeout = 10000; PRAGMA journal_mode = WAL; \
                     PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;",
                )
                .map_err(|e| match StoreError::from(e) {
                    StoreError::Database(e) => StoreError::Connect {
                        url: self.to_string(),
                        reason: first_line(&e.to_string()),
                    },
                    fault => fault,
                })?;
                Ok(DbConnection::Sqlite(conn))
            }
        }
    }
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DatabaseUrl::Sqlite(path) => write!(f, "sqlite:{}", path.display()),
            DatabaseUrl::Postgres(url) => f.write_str(&redact_password(url)),
        }
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

fn redact_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    match rest.split_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
            None => url.to_owned(),
        },
        None => url.to_owned(),
    }
}

fn first_line(text: &str) -> String {
    text.lines().next().unwrap_or("").trim().to_owned()
}

/// Errors of the store. `code()` is stable and goes into API problem bodies.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("invalid database URL: {0}")]
    InvalidUrl(String),
    #[error("cannot connect to {url}: {reason}")]
    Connect { url: String, reason: String },
    #[error("database unavailable: {0}")]
    Unavailable(String),
    #[error("migration failed: {0}")]
    Migration(String),
    #[error("{kind} {id} not found")]
    NotFound { kind: &'static str, id: String },
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("invalid data: {0}")]
    Invalid(String),
    /// The disk under the database is full (SQLite `SQLITE_FULL` or a write
    /// I/O error, PostgreSQL SQLSTATE 53100): writes fail, reads go on.
    #[error("storage full: {0}")]
    StorageFull(String),
    /// The database cannot be written at all (SQLite on a read-only file or
    /// file system).
    #[error("storage read-only: {0}")]
    ReadOnly(String),
    #[error("database error: {0}")]
    Database(diesel::result::Error),
}

impl From<diesel::result::Error> for StoreError {
    /// A lack of space or a read-only file is a state of the machine, not a
    /// bug: it gets its own variant so that callers can say so.
    fn from(e: diesel::result::Error) -> Self {
        use diesel::result::Error;
        let fault = match &e {
            Error::DatabaseError(_, info) => {
                storage_fault(info.message()).or_else(|| info.hint().and_then(storage_fault))
            }
            _ => None,
        };
        match fault {
            Some(StorageFault::Full) => StoreError::StorageFull(first_line(&e.to_string())),
            Some(StorageFault::ReadOnly) => StoreError::ReadOnly(first_line(&e.to_string())),
            None => StoreError::Database(e),
        }
    }
}

/// A failure of the storage under the database rather than of a query.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum StorageFault {
    Full,
    ReadOnly,
}

/// Classify a database error message. diesel hands over SQLite's message
/// (`sqlite3_errmsg`: fixed English texts) but neither SQLite's result code
/// nor PostgreSQL's SQLSTATE, so the texts are what there is: SQLite's
/// `SQLITE_FULL` and `SQLITE_IOERR` (a failed write is most often a full
/// disk; a read error shows up as a corrupt page instead), PostgreSQL's
/// `disk_full` (53100: "could not extend file …: No space left on device",
/// hint "Check free disk space.").
fn storage_fault(message: &str) -> Option<StorageFault> {
    const FULL: &[&str] = &[
        "database or disk is full",
        "disk I/O error",
        "No space left on device",
        "Check free disk space",
    ];
    const READ_ONLY: &[&str] = &["readonly database", "Read-only file system"];
    if FULL.iter().any(|m| message.contains(m)) {
        Some(StorageFault::Full)
    } else if READ_ONLY.iter().any(|m| message.contains(m)) {
        Some(StorageFault::ReadOnly)
    } else {
        None
    }
}

impl StoreError {
    pub fn code(&self) -> &'static str {
        match self {
            StoreError::InvalidUrl(_) => "invalid_database_url",
            StoreError::Connect { .. } | StoreError::Unavailable(_) => "database_unavailable",
            StoreError::Migration(_) => "migration_failed",
            StoreError::NotFound { .. } => "not_found",
            StoreError::Conflict(_) => "conflict",
            StoreError::Invalid(_) => "invalid_data",
            StoreError::StorageFull(_) => "storage_full",
            StoreError::ReadOnly(_) => "storage_read_only",
            StoreError::Database(_) => "database_error",
        }
    }
}

impl From<r2d2::PoolError> for StoreError {
    fn from(e: r2d2::PoolError) -> Self {
        StoreError::Unavailable(first_line(&e.to_string()))
    }
}

/// The r2d2 manager: opens the backend the URL names, and only that one (the
/// derived `establish` would fall back to creating a SQLite file named like a
/// PostgreSQL URL when PostgreSQL is down).
#[derive(Debug, Clone)]
pub struct ConnectionManager {
    url: DatabaseUrl,
}

impl ManageConnection for ConnectionManager {
    type Connection = DbConnection;
    type Error = StoreError;

    fn connect(&self) -> Result<DbConnection, StoreError> {
        self.url.connect()
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), StoreError> {
        conn.batch_execute("SELECT 1").map_err(StoreError::from)
    }

    /// A connection whose transaction could not be closed (SQLite may roll
    /// a transaction back by itself on `SQLITE_FULL`, so diesel's own
    /// rollback then fails) is dropped rather than handed out again.
    fn has_broken(&self, conn: &mut DbConnection) -> bool {
        std::thread::panicking() || diesel::r2d2::R2D2Connection::is_broken(conn)
    }
}

/// A pooled connection.
pub type Conn = PooledConnection<ConnectionManager>;

/// The store: a connection pool plus the knowledge of which backend it is.
#[derive(Clone)]
pub struct Store {
    pool: Pool<ConnectionManager>,
    url: DatabaseUrl,
    /// SQLite has one writer; taking this lock before a write transaction
    /// avoids lock-upgrade deadlocks between this process's own connections.
    sqlite_writer: Arc<Mutex<()>>,
}

impl fmt::Debug for Store {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Store").field("url", &self.url).finish()
    }
}

impl Store {
    /// Connect, apply pending migrations and build the pool.
    pub fn open(url: &str) -> Result<Store, StoreError> {
        let url = DatabaseUrl::parse(url)?;
        let mut first = url.connect()?;
        run_migrations(&mut first)?;
        drop(first);
        let pool_size = match url.backend() {
            Backend::Sqlite => 8,
            Backend::Postgres => 16,
        };
        let pool = Pool::builder()
            .max_size(pool_size)
            .min_idle(Some(0))
            .connection_timeout(Duration::from_secs(5))
            .build_unchecked(ConnectionManager { url: url.clone() });
        Ok(Store {
            pool,
            url,
            sqlite_writer: Arc::new(Mutex::new(())),
        })
    }

    pub fn backend(&self) -> Backend {
        self.url.backend()
    }

    pub fn url(&self) -> &DatabaseUrl {
        &self.url
    }

    /// A connection from the pool.
    pub fn conn(&self) -> Result<Conn, StoreError> {
        Ok(self.pool.get()?)
    }

    /// Run `f` on a pooled connection (reads).
    pub fn read<T>(
        &self,
        f: impl FnOnce(&mut DbConnection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let mut conn = self.conn()?;
        f(&mut conn)
    }

    /// Run `f` in one write transaction: all of it commits or none of it.
    pub fn write<T>(
        &self,
        f: impl FnOnce(&mut DbConnection) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let mut conn = self.conn()?;
        let _writer = match self.backend() {
            Backend::Sqlite => Some(self.sqlite_writer.lock().unwrap_or_else(|p| p.into_inner())),
            Backend::Postgres => None,
        };
        let conn: &mut DbConnection = &mut conn;
        conn.transaction(f)
    }

    /// Run `f` in one write transaction and commit it only when `f` says
    /// so (`(value, true)`); otherwise roll all of it back. The value comes
    /// back either way: a dry run, or an import refused after it wrote,
    /// still reports what it found.
    pub fn write_or_discard<T>(
        &self,
        f: impl FnOnce(&mut DbConnection) -> Result<(T, bool), StoreError>,
    ) -> Result<T, StoreError> {
        let mut discarded = None;
        let mut failed = None;
        let committed = self.write(|c| match f(c) {
            Ok((value, true)) => Ok(Some(value)),
            Ok((value, false)) => {
                discarded = Some(value);
                Err(StoreError::Database(
                    diesel::result::Error::RollbackTransaction,
                ))
            }
            Err(e) => {
                failed = Some(e);
                Err(StoreError::Database(
                    diesel::result::Error::RollbackTransaction,
                ))
            }
        });
        match (committed, discarded, failed) {
            (_, _, Some(e)) => Err(e),
            (_, Some(value), None) => Ok(value),
            (Ok(Some(value)), None, None) => Ok(value),
            (Ok(None), None, None) => Err(StoreError::Invalid("nothing written".into())),
            (Err(e), None, None) => Err(e),
        }
    }
}

/// Apply every pending migration of the connection's backend; returns the
/// names of the migrations applied.
pub fn run_migrations(conn: &mut DbConnection) -> Result<Vec<String>, StoreError> {
    let applied = match conn {
        DbConnection::Sqlite(c) => c
            .run_pending_migrations(SQLITE_MIGRATIONS)
            .map(|v| v.iter().map(|m| m.to_string()).collect()),
        DbConnection::Pg(c) => c
            .run_pending_migrations(POSTGRES_MIGRATIONS)
            .map(|v| v.iter().map(|m| m.to_string()).collect()),
    };
    applied.map_err(|e| {
        let reason = first_line(&e.to_string());
        match storage_fault(&reason) {
            Some(StorageFault::Full) => StoreError::StorageFull(reason),
            Some(StorageFault::ReadOnly) => StoreError::ReadOnly(reason),
            None => StoreError::Migration(reason),
        }
    })
}

/// The current time as the store keeps it: UTC, microsecond precision (what
/// PostgreSQL keeps), so values round-trip exactly on both backends.
pub fn now() -> NaiveDateTime {
    Utc::now().naive_utc().trunc_subsecs(6)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_select_their_backend() {
        assert_eq!(
            DatabaseUrl::parse("postgres://u:p@h/db").unwrap().backend(),
            Backend::Postgres
        );
        assert_eq!(
            DatabaseUrl::parse("postgresql://h/db").unwrap().backend(),
            Backend::Postgres
        );
        assert_eq!(
            DatabaseUrl::parse("sqlite://data/k.db").unwrap(),
            DatabaseUrl::Sqlite(PathBuf::from("data/k.db"))
        );
        assert_eq!(
            DatabaseUrl::parse("kohtaanto-data/k.db").unwrap(),
            DatabaseUrl::Sqlite(PathBuf::from("kohtaanto-data/k.db"))
        );
        assert!(matches!(
            DatabaseUrl::parse("mysql://h/db"),
            Err(StoreError::InvalidUrl(_))
        ));
        assert!(matches!(
            DatabaseUrl::parse("  "),
            Err(StoreError::InvalidUrl(_))
        ));
    }

    fn database_error(message: &str) -> diesel::result::Error {
        diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::Unknown,
            Box::new(message.to_owned()),
        )
    }

    #[test]
    fn a_full_or_read_only_disk_is_told_apart_from_other_errors() {
        for message in [
            "database or disk is full",
            "disk I/O error",
            "could not extend file \"base/16384/16385\": No space left on device",
        ] {
            let e = StoreError::from(database_error(message));
            assert_eq!(e.code(), "storage_full", "{message}");
        }
        let e = StoreError::from(database_error("attempt to write a readonly database"));
        assert_eq!(e.code(), "storage_read_only");
        let e = StoreError::from(database_error("no such table: vacancies"));
        assert_eq!(e.code(), "database_error");
        let e = StoreError::from(diesel::result::Error::NotFound);
        assert_eq!(e.code(), "database_error");
    }

    #[test]
    fn passwords_never_print() {
        let url = DatabaseUrl::parse("postgres://kohtaanto:s3cret@db:5432/k").unwrap();
        assert_eq!(url.to_string(), "postgres://kohtaanto:***@db:5432/k");
        assert!(!format!("{url:?}").contains("s3cret"));
    }
}

/// Allocate `n` fresh ids for rows of `table` (one of the tables with a
/// `{table}_id_seq` sequence on PostgreSQL). Ids are allocated up front so
/// that parent and child rows can be written in batches.
///
/// On SQLite the caller holds the write transaction, so `MAX(id)` cannot move
/// underneath it; on PostgreSQL the sequence hands out ids atomically.
pub(crate) fn allocate_ids(
    conn: &mut DbConnection,
    table: IdTable,
    n: usize,
) -> Result<Vec<i64>, StoreError> {
    use diesel::prelude::*;
    use diesel::sql_types::BigInt;

    #[derive(QueryableByName)]
    struct Id {
        #[diesel(sql_type = BigInt)]
        id: i64,
    }

    if n == 0 {
        return Ok(Vec::new());
    }
    let name = table.name();
    match conn {
        DbConnection::Pg(pg) => {
            let sql = format!("SELECT nextval('{name}_id_seq') AS id FROM generate_series(1, $1)");
            let ids: Vec<Id> = diesel::sql_query(sql)
                .bind::<BigInt, _>(n as i64)
                .load(pg)?;
            Ok(ids.into_iter().map(|i| i.id).collect())
        }
        DbConnection::Sqlite(lite) => {
            // sqlite_sequence remembers ids of deleted rows too, as AUTOINCREMENT
            // promises never to reuse an id.
            let sql = format!(
                "SELECT MAX(COALESCE((SELECT MAX(id) FROM {name}), 0), \
                 COALESCE((SELECT seq FROM sqlite_sequence WHERE name = '{name}'), 0)) AS id"
            );
            let max: Id = diesel::sql_query(sql).get_result(lite)?;
            Ok((1..=n as i64).map(|k| max.id + k).collect())
        }
    }
}

/// Tables whose ids [`allocate_ids`] hands out.
#[derive(Debug, Clone, Copy)]
pub(crate) enum IdTable {
    Vacancies,
    Profiles,
    Organizations,
    ApiTokens,
    Cohorts,
    Introductions,
    Placements,
    OutreachCampaigns,
    OutreachContacts,
    OutreachNeeds,
}

impl IdTable {
    fn name(self) -> &'static str {
        match self {
            IdTable::Vacancies => "vacancies",
            IdTable::Profiles => "profiles",
            IdTable::Organizations => "organizations",
            IdTable::ApiTokens => "api_tokens",
            IdTable::Cohorts => "cohorts",
            IdTable::Introductions => "introductions",
            IdTable::Placements => "placements",
            IdTable::OutreachCampaigns => "outreach_campaigns",
            IdTable::OutreachContacts => "outreach_contacts",
            IdTable::OutreachNeeds => "outreach_needs",
        }
    }
}

/// Turn constraint violations into the errors a caller can act on.
pub(crate) fn constraint_error(e: diesel::result::Error, what: &str) -> StoreError {
    use diesel::result::{DatabaseErrorKind, Error};
    match e {
        Error::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
            StoreError::Conflict(format!("{what}: already exists ({})", info.message()))
        }
        Error::DatabaseError(DatabaseErrorKind::ForeignKeyViolation, _) => {
            StoreError::Invalid(format!("{what}: refers to something that does not exist"))
        }
        Error::DatabaseError(DatabaseErrorKind::CheckViolation, info) => {
            StoreError::Invalid(format!("{what}: {}", info.message()))
        }
        other => StoreError::from(other),
    }
}

/// Parse a closed-vocabulary value read from the database.
pub(crate) fn parse_db<T>(value: &str) -> Result<T, StoreError>
where
    T: std::str::FromStr<Err = matcher::domain::InvalidValue>,
{
    value
        .parse()
        .map_err(|e: matcher::domain::InvalidValue| StoreError::Invalid(e.to_string()))
}

/// Split `ids` into chunks small enough for one `IN (…)` list on both backends.
pub(crate) const IN_CHUNK: usize = 5_000;
/// Rows per multi-row INSERT: below PostgreSQL's 65,535 bind parameters for
/// the widest table.
pub(crate) const INSERT_CHUNK: usize = 1_500;

/// Multi-row INSERT of `rows` into `table`, run on the concrete connection:
/// diesel's `MultiConnection` cannot express batch inserts for SQLite, while
/// each backend's own connection can (inside the same transaction).
macro_rules! insert_rows {
    ($conn:expr, $table:expr, $rows:expr) => {
        match $conn {
            $crate::store::DbConnection::Pg(c) => {
                diesel::RunQueryDsl::execute(diesel::insert_into($table).values($rows), c)
            }
            $crate::store::DbConnection::Sqlite(c) => {
                diesel::RunQueryDsl::execute(diesel::insert_into($table).values($rows), c)
            }
        }
    };
}
pub(crate) use insert_rows;

/// Many rows into `table` (`$rows` a slice): a binary `COPY` on PostgreSQL,
/// multi-row INSERTs of [`INSERT_CHUNK`] rows on SQLite. The row type must
/// insert `None` as NULL (`treat_none_as_default_value = false`, or no
/// optional fields). Evaluates to the `QueryResult` of the rows written.
macro_rules! copy_rows {
    ($conn:expr, $table:expr, $rows:expr) => {
        match $conn {
            $crate::store::DbConnection::Pg(c) => diesel::prelude::ExecuteCopyFromDsl::execute(
                diesel::copy_from($table).from_insertable($rows),
                c,
            ),
            $crate::store::DbConnection::Sqlite(c) => $rows
                .chunks($crate::store::INSERT_CHUNK)
                .try_fold(0, |n, chunk| {
                    diesel::RunQueryDsl::execute(diesel::insert_into($table).values(chunk), &mut *c)
                        .map(|m| n + m)
                }),
        }
    };
}
pub(crate) use copy_rows;

/// SQLite's page cache during a bulk write, in KiB: enough for the indexes a
/// transaction of 100,000 profiles touches. SQLite's default (2 MB) makes
/// such a transaction spill dirty pages to the WAL and read them back over
/// and over.
const BULK_CACHE_KIB: i64 = 256 * 1024;

/// Run `f` set up for bulk writes on SQLite — a large page cache, and
/// statement journals (which every multi-row INSERT inside a transaction
/// keeps) in memory rather than in temporary files — then give the
/// connection its settings back; PostgreSQL runs `f` as it is.
pub(crate) fn with_bulk_cache<T>(
    conn: &mut DbConnection,
    f: impl FnOnce(&mut DbConnection) -> Result<T, StoreError>,
) -> Result<T, StoreError> {
    use diesel::prelude::*;
    use diesel::sql_types::BigInt;

    #[derive(QueryableByName)]
    struct CacheSize {
        #[diesel(sql_type = BigInt)]
        cache_size: i64,
    }

    #[derive(QueryableByName)]
    struct TempStore {
        #[diesel(sql_type = BigInt)]
        temp_store: i64,
    }

    let DbConnection::Sqlite(lite) = conn else {
        return f(conn);
    };
    let cache: CacheSize = diesel::sql_query("PRAGMA cache_size").get_result(lite)?;
    let temp: TempStore = diesel::sql_query("PRAGMA temp_store").get_result(lite)?;
    lite.batch_execute(&format!(
        "PRAGMA cache_size = -{BULK_CACHE_KIB}; PRAGMA temp_store = MEMORY;"
    ))?;
    let out = f(conn);
    if let DbConnection::Sqlite(lite) = conn {
        lite.batch_execute(&format!(
            "PRAGMA cache_size = {}; PRAGMA temp_store = {};",
            cache.cache_size, temp.temp_store
        ))?;
    }
    out
}
