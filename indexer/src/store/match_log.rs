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
    let row = (
        match_log::at.eq(now()),
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
