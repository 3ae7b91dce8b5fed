//! Ids and versions of every stored vacancy and profile, for comparing the
//! store with the index.

use diesel::prelude::*;

use super::outbox::Entity;
use super::schema::{profiles, vacancies};
use super::{DbConnection, StoreError};

/// `(id, version)` of every record of `entity` with id greater than `after`,
/// ascending, at most `limit`.
pub fn versions_after(
    conn: &mut DbConnection,
    entity: Entity,
    after: i64,
    limit: i64,
) -> Result<Vec<(i64, i64)>, StoreError> {
    Ok(match entity {
        Entity::Vacancy => vacancies::table
            .filter(vacancies::id.gt(after))
            .order(vacancies::id.asc())
            .limit(limit)
            .select((vacancies::id, vacancies::version))
            .load(conn)?,
        Entity::Profile => profiles::table
            .filter(profiles::id.gt(after))
            .order(profiles::id.asc())
            .limit(limit)
            .select((profiles::id, profiles::version))
            .load(conn)?,
    })
}

/// `(id, version)` of every record of `entity`, ascending by id.
pub fn all_versions(
    conn: &mut DbConnection,
    entity: Entity,
) -> Result<Vec<(i64, i64)>, StoreError> {
    let mut out = Vec::new();
    let mut after = 0;
    loop {
        let page = versions_after(conn, entity, after, 50_000)?;
        let Some(&(last, _)) = page.last() else {
            return Ok(out);
        };
        after = last;
        out.extend(page);
    }
}
