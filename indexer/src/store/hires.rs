//! Hires as the evaluation of rankings reads them: each placement that
//! came from an introduction, with what the introduction says about how
//! the person was found (the ranking it named, when it was made).

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::prelude::*;
use matcher::domain::{ProfileId, VacancyId};

use super::schema::{introductions, placements};
use super::{DbConnection, StoreError};

/// One hire that came from an introduction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hire {
    /// The placement's id (the cursor).
    pub id: i64,
    pub hired_at: NaiveDateTime,
    /// The vacancy's region (`unknown` when it had none).
    pub region_code: String,
    /// The vacancy's ISCO-08 unit group.
    pub isco_code: Option<String>,
    /// `None` once the vacancy is erased.
    pub vacancy: Option<VacancyId>,
    /// `None` once the person is erased.
    pub profile: Option<ProfileId>,
    /// When the introduction was made (`None` once it is gone).
    pub introduced_at: Option<NaiveDateTime>,
    /// The ranking the adviser introduced the person from, when named.
    pub match_request_id: Option<String>,
}

/// Up to `limit` hires with placement ids above `after`, hired at or after
/// `since`, in id order: page through them with the last id.
pub fn hires_after(
    conn: &mut DbConnection,
    after: i64,
    since: Option<NaiveDateTime>,
    limit: i64,
) -> Result<Vec<Hire>, StoreError> {
    let mut query = placements::table
        .filter(placements::id.gt(after))
        .filter(placements::introduction_id.is_not_null())
        .into_boxed();
    if let Some(since) = since {
        query = query.filter(placements::hired_at.ge(since));
    }
    #[allow(clippy::type_complexity)]
    let rows: Vec<(
        i64,
        NaiveDateTime,
        String,
        Option<String>,
        Option<i64>,
        Option<i64>,
        Option<i64>,
    )> = query
        .order(placements::id.asc())
        .limit(limit)
        .select((
            placements::id,
            placements::hired_at,
            placements::to_region_code,
            placements::isco_code,
            placements::vacancy_id,
            placements::profile_id,
            placements::introduction_id,
        ))
        .load(conn)?;
    let intro_ids: Vec<i64> = rows.iter().filter_map(|r| r.6).collect();
    let intros: HashMap<i64, (i64, i64, NaiveDateTime, Option<String>)> = introductions::table
        .filter(introductions::id.eq_any(&intro_ids))
        .select((
            introductions::id,
            introductions::vacancy_id,
            introductions::profile_id,
            introductions::created_at,
            introductions::match_request_id,
        ))
        .load::<(i64, i64, i64, NaiveDateTime, Option<String>)>(conn)?
        .into_iter()
        .map(|i| (i.0, (i.1, i.2, i.3, i.4)))
        .collect();
    Ok(rows
        .into_iter()
        .map(|r| {
            let intro = r.6.and_then(|id| intros.get(&id));
            Hire {
                id: r.0,
                hired_at: r.1,
                region_code: r.2,
                isco_code: r.3,
                vacancy: r.4.or(intro.map(|i| i.0)).map(VacancyId),
                profile: r.5.or(intro.map(|i| i.1)).map(ProfileId),
                introduced_at: intro.map(|i| i.2),
                match_request_id: intro.and_then(|i| i.3.clone()),
            }
        })
        .collect())
}
