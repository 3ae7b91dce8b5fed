//! Daily snapshots of the picture's tallies (`picture_snapshots`): one row
//! per day, counts only (per region open vacancies, positions and active
//! jobseekers, the country's mismatch indexes, the day's placements), so
//! that the picture can be followed over time. Taking the day's snapshot
//! again replaces it.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;
use diesel::upsert::excluded;
use matcher::trend::{Snapshot, SnapshotTallies};

use super::schema::{picture_snapshots, placements};
use super::{DbConnection, StoreError};

/// Store the tallies of `day`, replacing any earlier snapshot of that day.
pub fn upsert(
    conn: &mut DbConnection,
    day: NaiveDate,
    taken_at: NaiveDateTime,
    tallies: &SnapshotTallies,
) -> Result<(), StoreError> {
    let json = serde_json::to_string(tallies).map_err(|e| StoreError::Invalid(e.to_string()))?;
    let row = (
        picture_snapshots::day.eq(day),
        picture_snapshots::taken_at.eq(taken_at),
        picture_snapshots::tallies.eq(&json),
    );
    let upsert = diesel::insert_into(picture_snapshots::table).values(row);
    let set = (
        picture_snapshots::taken_at.eq(excluded(picture_snapshots::taken_at)),
        picture_snapshots::tallies.eq(excluded(picture_snapshots::tallies)),
    );
    match conn {
        DbConnection::Pg(c) => upsert
            .on_conflict(picture_snapshots::day)
            .do_update()
            .set(set)
            .execute(c),
        DbConnection::Sqlite(c) => upsert
            .on_conflict(picture_snapshots::day)
            .do_update()
            .set(set)
            .execute(c),
    }?;
    Ok(())
}

/// The snapshots from `from` to `to` (inclusive), oldest first.
pub fn between(
    conn: &mut DbConnection,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<Snapshot>, StoreError> {
    picture_snapshots::table
        .filter(picture_snapshots::day.ge(from))
        .filter(picture_snapshots::day.le(to))
        .order(picture_snapshots::day.asc())
        .select((
            picture_snapshots::day,
            picture_snapshots::taken_at,
            picture_snapshots::tallies,
        ))
        .load::<(NaiveDate, NaiveDateTime, String)>(conn)?
        .into_iter()
        .map(|(day, taken_at, json)| {
            let tallies = serde_json::from_str(&json)
                .map_err(|e| StoreError::Invalid(format!("snapshot of {day}: {e}")))?;
            Ok(Snapshot {
                day,
                taken_at,
                tallies,
            })
        })
        .collect()
}

/// How many snapshots the store holds.
pub fn count(conn: &mut DbConnection) -> Result<i64, StoreError> {
    Ok(picture_snapshots::table.count().get_result(conn)?)
}

/// Hires from `from` to `to` (inclusive) per `YYYY-MM`, into jobs of
/// `region` when given (the region of the job).
pub fn placements_per_month(
    conn: &mut DbConnection,
    from: NaiveDate,
    to: NaiveDate,
    region: Option<&str>,
) -> Result<std::collections::HashMap<String, u64>, StoreError> {
    let mut query = placements::table
        .filter(placements::hired_at.ge(from.and_time(chrono::NaiveTime::MIN)))
        .filter(placements::hired_at.lt(day_after(to)))
        .select(placements::hired_at)
        .into_boxed();
    if let Some(region) = region {
        query = query.filter(placements::to_region_code.eq(region.to_owned()));
    }
    let mut out = std::collections::HashMap::new();
    for at in query.load::<NaiveDateTime>(conn)? {
        *out.entry(at.format("%Y-%m").to_string()).or_insert(0) += 1;
    }
    Ok(out)
}

/// Hires on `day`.
pub fn placements_on(conn: &mut DbConnection, day: NaiveDate) -> Result<u64, StoreError> {
    let n: i64 = placements::table
        .filter(placements::hired_at.ge(day.and_time(chrono::NaiveTime::MIN)))
        .filter(placements::hired_at.lt(day_after(day)))
        .count()
        .get_result(conn)?;
    Ok(n.max(0) as u64)
}

/// The first moment after `day`.
pub fn day_after(day: NaiveDate) -> NaiveDateTime {
    day.succ_opt()
        .unwrap_or(NaiveDate::MAX)
        .and_time(chrono::NaiveTime::MIN)
}
