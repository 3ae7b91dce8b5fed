//! The match log: every ranking with its request, caller, scoring
//! configuration hash, taxonomy version and results, so that it can be
//! replayed (DESIGN.md invariant 5).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::match_log;
use super::{insert_rows, now, DbConnection, StoreError};

/// One logged ranking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MatchLogEntry {
    pub request_id: String,
    pub org_id: Option<i64>,
    pub token_id: Option<i64>,
    /// `candidates` or `vacancies`.
    pub direction: String,
    pub subject_id: Option<i64>,
    pub config_hash: String,
    pub taxonomy_version: String,
    pub request_json: String,
    pub results_json: String,
}

/// Append an entry.
pub fn append(conn: &mut DbConnection, e: &MatchLogEntry) -> Result<(), StoreError> {
    append_at(conn, e, now())
}

/// [`append`] at a given moment (the demo history).
pub fn append_at(
    conn: &mut DbConnection,
    e: &MatchLogEntry,
    at: NaiveDateTime,
) -> Result<(), StoreError> {
    let row = (
        match_log::at.eq(at),
        match_log::request_id.eq(&e.request_id),
        match_log::org_id.eq(e.org_id),
        match_log::token_id.eq(e.token_id),
        match_log::direction.eq(&e.direction),
        match_log::subject_id.eq(e.subject_id),
        match_log::config_hash.eq(&e.config_hash),
        match_log::taxonomy_version.eq(&e.taxonomy_version),
        match_log::request_json.eq(&e.request_json),
        match_log::results_json.eq(&e.results_json),
    );
    insert_rows!(conn, match_log::table, row)?;
    Ok(())
}

/// The entry of a request id, with its time.
pub fn find(
    conn: &mut DbConnection,
    request_id: &str,
) -> Result<Option<(NaiveDateTime, MatchLogEntry)>, StoreError> {
    #[allow(clippy::type_complexity)]
    let row: Option<(
        NaiveDateTime,
        String,
        Option<i64>,
        Option<i64>,
        String,
        Option<i64>,
        String,
        String,
        String,
        String,
    )> = match_log::table
        .filter(match_log::request_id.eq(request_id))
        .select((
            match_log::at,
            match_log::request_id,
            match_log::org_id,
            match_log::token_id,
            match_log::direction,
            match_log::subject_id,
            match_log::config_hash,
            match_log::taxonomy_version,
            match_log::request_json,
            match_log::results_json,
        ))
        .first(conn)
        .optional()?;
    Ok(row.map(|r| {
        (
            r.0,
            MatchLogEntry {
                request_id: r.1,
                org_id: r.2,
                token_id: r.3,
                direction: r.4,
                subject_id: r.5,
                config_hash: r.6,
                taxonomy_version: r.7,
                request_json: r.8,
                results_json: r.9,
            },
        )
    }))
}

/// A logged ranking as evaluation reads it: what was ranked, under which
/// configuration, and the `(id, total)` results, best first.
#[derive(Debug, Clone, PartialEq)]
pub struct LoggedRanking {
    pub request_id: String,
    pub at: NaiveDateTime,
    pub direction: String,
    pub subject_id: Option<i64>,
    pub config_hash: String,
    pub results: Vec<(i64, f64)>,
}

type RankingRow = (String, NaiveDateTime, String, Option<i64>, String, String);

macro_rules! ranking_columns {
    () => {
        (
            match_log::request_id,
            match_log::at,
            match_log::direction,
            match_log::subject_id,
            match_log::config_hash,
            match_log::results_json,
        )
    };
}

fn ranking_from_row(r: RankingRow) -> Result<LoggedRanking, StoreError> {
    let results = serde_json::from_str(&r.5).map_err(|e| {
        StoreError::Invalid(format!("match log {}: results not readable: {e}", r.0))
    })?;
    Ok(LoggedRanking {
        request_id: r.0,
        at: r.1,
        direction: r.2,
        subject_id: r.3,
        config_hash: r.4,
        results,
    })
}

/// The ranking logged under `request_id`.
pub fn ranking(
    conn: &mut DbConnection,
    request_id: &str,
) -> Result<Option<LoggedRanking>, StoreError> {
    match_log::table
        .filter(match_log::request_id.eq(request_id))
        .order(match_log::id.asc())
        .select(ranking_columns!())
        .first::<RankingRow>(conn)
        .optional()?
        .map(ranking_from_row)
        .transpose()
}

/// The latest ranking of candidates for `vacancy` logged at or before
/// `until`, under `config_hash` when given.
pub fn latest_candidates_ranking(
    conn: &mut DbConnection,
    vacancy: i64,
    until: NaiveDateTime,
    config_hash: Option<&str>,
) -> Result<Option<LoggedRanking>, StoreError> {
    let mut query = match_log::table
        .filter(match_log::direction.eq("candidates"))
        .filter(match_log::subject_id.eq(vacancy))
        .filter(match_log::at.le(until))
        .into_boxed();
    if let Some(hash) = config_hash {
        query = query.filter(match_log::config_hash.eq(hash));
    }
    query
        .order((match_log::at.desc(), match_log::id.desc()))
        .select(ranking_columns!())
        .first::<RankingRow>(conn)
        .optional()?
        .map(ranking_from_row)
        .transpose()
}

/// When a ranking under `config_hash` was first logged.
pub fn first_logged(
    conn: &mut DbConnection,
    config_hash: &str,
) -> Result<Option<NaiveDateTime>, StoreError> {
    Ok(match_log::table
        .filter(match_log::config_hash.eq(config_hash))
        .select(diesel::dsl::min(match_log::at))
        .first::<Option<NaiveDateTime>>(conn)?)
}

/// The configuration of the last ranking logged before `at` under another
/// configuration than `config_hash`: the one `config_hash` replaced.
pub fn predecessor(
    conn: &mut DbConnection,
    config_hash: &str,
    at: NaiveDateTime,
) -> Result<Option<String>, StoreError> {
    Ok(match_log::table
        .filter(match_log::at.lt(at))
        .filter(match_log::config_hash.ne(config_hash))
        .order((match_log::at.desc(), match_log::id.desc()))
        .select(match_log::config_hash)
        .first::<String>(conn)
        .optional()?)
}
