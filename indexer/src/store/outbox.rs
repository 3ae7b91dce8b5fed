//! The outbox: one row per change to a vacancy or profile, written in the
//! transaction of the change, applied to the index in id order.

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::rows::NewOutboxRow;
use super::schema::outbox;
use super::{copy_rows, now, DbConnection, StoreError};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Entity {
    Vacancy,
    Profile,
}

impl Entity {
    pub fn as_str(self) -> &'static str {
        match self {
            Entity::Vacancy => "vacancy",
            Entity::Profile => "profile",
        }
    }
}

impl fmt::Display for Entity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Entity {
    type Err = StoreError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "vacancy" => Ok(Entity::Vacancy),
            "profile" => Ok(Entity::Profile),
            other => Err(StoreError::Invalid(format!(
                "unknown outbox entity {other:?}"
            ))),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Op {
    Upsert,
    Delete,
}

impl Op {
    pub fn as_str(self) -> &'static str {
        match self {
            Op::Upsert => "upsert",
            Op::Delete => "delete",
        }
    }
}

impl FromStr for Op {
    type Err = StoreError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "upsert" => Ok(Op::Upsert),
            "delete" => Ok(Op::Delete),
            other => Err(StoreError::Invalid(format!("unknown outbox op {other:?}"))),
        }
    }
}

/// One change to apply to the index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxEntry {
    pub id: i64,
    pub entity: Entity,
    pub entity_id: i64,
    pub op: Op,
    pub version: i64,
    pub created_at: NaiveDateTime,
}

/// Append changes to the outbox. Call inside the transaction of the change.
///
/// On PostgreSQL, ids come from a sequence and are handed out before commit,
/// so a reader tailing `id > last` could pass over a smaller id that commits
/// later. A transaction-scoped advisory lock makes outbox writers take turns,
/// so ids become visible in order.
pub fn append(
    conn: &mut DbConnection,
    changes: &[(Entity, i64, Op, i64)],
) -> Result<(), StoreError> {
    if changes.is_empty() {
        return Ok(());
    }
    if let DbConnection::Pg(pg) = conn {
        diesel::sql_query("SELECT pg_advisory_xact_lock(7265636)").execute(pg)?;
    }
    let at = now();
    let rows: Vec<NewOutboxRow<'_>> = changes
        .iter()
        .map(|&(entity, entity_id, op, version)| NewOutboxRow {
            entity: entity.as_str(),
            entity_id,
            op: op.as_str(),
            version,
            created_at: at,
        })
        .collect();
    copy_rows!(conn, outbox::table, &rows[..])?;
    Ok(())
}

/// Up to `limit` entries with id greater than `after_id`, in id order.
pub fn read_after(
    conn: &mut DbConnection,
    after_id: i64,
    limit: i64,
) -> Result<Vec<OutboxEntry>, StoreError> {
    let rows: Vec<(i64, String, i64, String, i64, NaiveDateTime)> = outbox::table
        .filter(outbox::id.gt(after_id))
        .order(outbox::id.asc())
        .limit(limit)
        .select((
            outbox::id,
            outbox::entity,
            outbox::entity_id,
            outbox::op,
            outbox::version,
            outbox::created_at,
        ))
        .load(conn)?;
    rows.into_iter()
        .map(|(id, entity, entity_id, op, version, created_at)| {
            Ok(OutboxEntry {
                id,
                entity: entity.parse()?,
                entity_id,
                op: op.parse()?,
                version,
                created_at,
            })
        })
        .collect()
}

/// The id of the newest outbox entry (0 when empty).
pub fn last_id(conn: &mut DbConnection) -> Result<i64, StoreError> {
    let max: Option<i64> = outbox::table
        .select(diesel::dsl::max(outbox::id))
        .first(conn)?;
    Ok(max.unwrap_or(0))
}
