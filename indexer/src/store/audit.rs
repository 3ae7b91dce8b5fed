//! The audit log: who (org, token, role) did what to which subject, when,
//! under which request id. Events form a hash chain — each event's hash
//! covers its fields and the previous event's hash — so that editing or
//! deleting an event breaks the chain ([`verify`]). Events are written in
//! the transaction of the read or change they record, so that a failed
//! audit write fails the request.

use chrono::{NaiveDateTime, Timelike};
use diesel::prelude::*;
use serde::Serialize;
use sha2::{Digest, Sha256};

use super::schema::audit_events;
use super::{insert_rows, now, DbConnection, StoreError};

/// The hash the first event chains to.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// An event to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEvent<'a> {
    pub org_id: Option<i64>,
    pub token_id: Option<i64>,
    pub role: Option<&'a str>,
    /// What was done: `profile.view`, `profile.export`, `match.candidates`, …
    pub action: &'a str,
    pub subject_kind: &'a str,
    pub subject_id: String,
    pub reason: Option<&'a str>,
    pub request_id: &'a str,
}

/// A recorded event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Event {
    pub id: i64,
    pub at: NaiveDateTime,
    pub org_id: Option<i64>,
    pub token_id: Option<i64>,
    pub role: Option<String>,
    pub action: String,
    pub subject_kind: String,
    pub subject_id: String,
    pub reason: Option<String>,
    pub request_id: String,
    pub prev_hash: String,
    pub hash: String,
}

type Row = (
    i64,
    NaiveDateTime,
    Option<i64>,
    Option<i64>,
    Option<String>,
    String,
    String,
    String,
    Option<String>,
    String,
    String,
    String,
);

fn event(r: Row) -> Event {
    Event {
        id: r.0,
        at: r.1,
        org_id: r.2,
        token_id: r.3,
        role: r.4,
        action: r.5,
        subject_kind: r.6,
        subject_id: r.7,
        reason: r.8,
        request_id: r.9,
        prev_hash: r.10,
        hash: r.11,
    }
}

/// SHA-256 over the previous hash and every field, each length-prefixed so
/// that no two different events hash alike.
#[allow(clippy::too_many_arguments)]
fn chain_hash(
    prev: &str,
    at: NaiveDateTime,
    org_id: Option<i64>,
    token_id: Option<i64>,
    role: Option<&str>,
    action: &str,
    subject_kind: &str,
    subject_id: &str,
    reason: Option<&str>,
    request_id: &str,
) -> String {
    let mut h = Sha256::new();
    let at = at.format("%Y-%m-%dT%H:%M:%S%.6f").to_string();
    let org = org_id.map(|o| o.to_string());
    let token = token_id.map(|t| t.to_string());
    for part in [
        Some(prev),
        Some(at.as_str()),
        org.as_deref(),
        token.as_deref(),
        role,
        Some(action),
        Some(subject_kind),
        Some(subject_id),
        reason,
        Some(request_id),
    ] {
        match part {
            Some(p) => {
                h.update((p.len() as u64).to_le_bytes());
                h.update(p.as_bytes());
            }
            None => h.update(u64::MAX.to_le_bytes()),
        }
    }
    hex::encode(h.finalize())
}

/// Append an event to the chain (in the caller's transaction). On
/// PostgreSQL a transaction-scoped advisory lock makes writers take turns,
/// so the chain never forks.
pub fn append(conn: &mut DbConnection, e: &NewEvent<'_>) -> Result<Event, StoreError> {
    if let DbConnection::Pg(pg) = conn {
        diesel::sql_query("SELECT pg_advisory_xact_lock(7265637)").execute(pg)?;
    }
    let prev: Option<String> = (audit_events::table
        .order(audit_events::id.desc())
        .select(audit_events::hash)
        .first(conn)
        .optional())?;
    let prev = prev.unwrap_or_else(|| GENESIS.to_owned());
    // Microsecond precision: what both backends keep.
    let at = now();
    let at = at
        .with_nanosecond((at.nanosecond() / 1_000) * 1_000)
        .unwrap_or(at);
    let hash = chain_hash(
        &prev,
        at,
        e.org_id,
        e.token_id,
        e.role,
        e.action,
        e.subject_kind,
        &e.subject_id,
        e.reason,
        e.request_id,
    );
    let row = (
        audit_events::at.eq(at),
        audit_events::org_id.eq(e.org_id),
        audit_events::token_id.eq(e.token_id),
        audit_events::role.eq(e.role),
        audit_events::action.eq(e.action),
        audit_events::subject_kind.eq(e.subject_kind),
        audit_events::subject_id.eq(&e.subject_id),
        audit_events::reason.eq(e.reason),
        audit_events::request_id.eq(e.request_id),
        audit_events::prev_hash.eq(&prev),
        audit_events::hash.eq(&hash),
    );
    insert_rows!(conn, audit_events::table, row)?;
    let id: i64 = (audit_events::table
        .filter(audit_events::hash.eq(&hash))
        .select(audit_events::id)
        .first(conn))?;
    Ok(Event {
        id,
        at,
        org_id: e.org_id,
        token_id: e.token_id,
        role: e.role.map(str::to_owned),
        action: e.action.to_owned(),
        subject_kind: e.subject_kind.to_owned(),
        subject_id: e.subject_id.clone(),
        reason: e.reason.map(str::to_owned),
        request_id: e.request_id.to_owned(),
        prev_hash: prev,
        hash,
    })
}

/// Events with id above `after`, oldest first, at most `limit`.
pub fn list(conn: &mut DbConnection, after: i64, limit: i64) -> Result<Vec<Event>, StoreError> {
    let rows: Vec<Row> = (audit_events::table
        .filter(audit_events::id.gt(after))
        .order(audit_events::id.asc())
        .limit(limit)
        .select((
            audit_events::id,
            audit_events::at,
            audit_events::org_id,
            audit_events::token_id,
            audit_events::role,
            audit_events::action,
            audit_events::subject_kind,
            audit_events::subject_id,
            audit_events::reason,
            audit_events::request_id,
            audit_events::prev_hash,
            audit_events::hash,
        ))
        .load(conn))?;
    Ok(rows.into_iter().map(event).collect())
}

/// What [`verify`] found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verification {
    pub events: u64,
    /// The first event whose hash or link does not hold, with the reason.
    pub broken_at: Option<i64>,
    pub reason: Option<String>,
    pub head: String,
}

/// Walk the whole chain: every event's hash must be the hash of its fields
/// and its predecessor's hash, and every link must point at the event
/// before it. An edited event fails the first check; a deleted one the
/// second (its successor points at a hash that is gone).
pub fn verify(conn: &mut DbConnection) -> Result<Verification, StoreError> {
    let mut prev = GENESIS.to_owned();
    let mut after = 0;
    let mut events = 0;
    loop {
        let page = list(conn, after, 5_000)?;
        let Some(last) = page.last().map(|e| e.id) else {
            return Ok(Verification {
                events,
                broken_at: None,
                reason: None,
                head: prev,
            });
        };
        for e in &page {
            events += 1;
            let broken = |reason: &str| Verification {
                events,
                broken_at: Some(e.id),
                reason: Some(reason.to_owned()),
                head: prev.clone(),
            };
            if e.prev_hash != prev {
                return Ok(broken(
                    "links to a hash that is not the previous event's (an event before it was deleted or edited)",
                ));
            }
            let expected = chain_hash(
                &e.prev_hash,
                e.at,
                e.org_id,
                e.token_id,
                e.role.as_deref(),
                &e.action,
                &e.subject_kind,
                &e.subject_id,
                e.reason.as_deref(),
                &e.request_id,
            );
            if e.hash != expected {
                return Ok(broken("its fields do not match its hash (edited)"));
            }
            prev = e.hash.clone();
        }
        after = last;
    }
}
