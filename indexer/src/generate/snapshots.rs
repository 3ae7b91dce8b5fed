//! A year of daily picture snapshots for the demo, so that the trend view
//! has months to show: each region's open vacancies, positions and active
//! jobseekers follow a seasonal curve (vacancies peak in late spring,
//! jobseekers in winter) with a little day-to-day noise, and end, on the
//! reference day, at the population's own tallies in the store.
//! Deterministic for a seed and a reference day; days that already have a
//! snapshot (a real one, taken by `serve`) are left alone.

use std::collections::{BTreeMap, HashMap};
use std::f64::consts::TAU;

use chrono::{Datelike, Days, NaiveDate};
use diesel::dsl::{count_star, sum};
use diesel::prelude::*;
use matcher::picture::{jackman_roper, UNKNOWN};
use matcher::trend::{RegionCounts, SnapshotTallies};

use super::rng::DemoRng;
use super::{GenerateError, ReferenceData};
use crate::store::schema::{profile_desired_occupations, profiles, vacancies};
use crate::store::{snapshots, DbConnection, Store, StoreError};

diesel::allow_columns_to_appear_in_same_group_by_clause!(
    profiles::home_municipality_code,
    profile_desired_occupations::occupation_uri,
);

/// Days of history before the reference day.
pub const DAYS: u64 = 365;

const STREAM_SNAPSHOT: u64 = 7;

/// (region, ISCO major group) → (jobseekers, positions, vacancies).
type Cells = BTreeMap<(String, String), (u64, u64, u64)>;

/// The population's tallies now, per region and ISCO major group.
fn current_cells(
    conn: &mut DbConnection,
    reference: &ReferenceData,
    now: chrono::NaiveDateTime,
) -> Result<Cells, StoreError> {
    let region = |m: Option<&str>| {
        m.and_then(|m| reference.geography.municipality(m))
            .map_or_else(|| UNKNOWN.to_owned(), |m| m.region_code.clone())
    };
    let major = |isco: Option<&str>, uri: Option<&str>| -> String {
        isco.map(str::to_owned)
            .or_else(|| {
                uri.and_then(|u| reference.taxonomy.occupation_by_uri(u))
                    .map(|o| o.isco_code.clone())
            })
            .and_then(|c| c.get(..1).map(str::to_owned))
            .unwrap_or_else(|| UNKNOWN.to_owned())
    };
    let mut cells = Cells::new();
    #[allow(clippy::type_complexity)]
    let open: Vec<(
        Option<String>,
        Option<String>,
        Option<String>,
        i64,
        Option<i64>,
    )> = vacancies::table
        .filter(vacancies::status.eq("open"))
        .filter(
            vacancies::expires_at
                .is_null()
                .or(vacancies::expires_at.gt(now)),
        )
        .group_by((
            vacancies::municipality_code,
            vacancies::isco_code,
            vacancies::occupation_uri,
        ))
        .select((
            vacancies::municipality_code,
            vacancies::isco_code,
            vacancies::occupation_uri,
            count_star(),
            sum(vacancies::positions),
        ))
        .load(conn)?;
    for (m, isco, uri, n, positions) in open {
        let cell = cells
            .entry((region(m.as_deref()), major(isco.as_deref(), uri.as_deref())))
            .or_default();
        cell.2 += n.max(0) as u64;
        cell.1 += positions.unwrap_or(0).max(0) as u64;
    }
    // Jobseekers per desired occupation (one with several counts in each:
    // the demo's cells are drawn, not published).
    let active: Vec<(Option<String>, String, i64)> = profiles::table
        .inner_join(
            profile_desired_occupations::table
                .on(profile_desired_occupations::profile_id.eq(profiles::id)),
        )
        .filter(profiles::status.eq("active"))
        .group_by((
            profiles::home_municipality_code,
            profile_desired_occupations::occupation_uri,
        ))
        .select((
            profiles::home_municipality_code,
            profile_desired_occupations::occupation_uri,
            count_star(),
        ))
        .load(conn)?;
    for (m, uri, n) in active {
        cells
            .entry((region(m.as_deref()), major(None, Some(&uri))))
            .or_default()
            .0 += n.max(0) as u64;
    }
    // The region totals count every active jobseeker once.
    let per_region: Vec<(Option<String>, i64)> = profiles::table
        .filter(profiles::status.eq("active"))
        .group_by(profiles::home_municipality_code)
        .select((profiles::home_municipality_code, count_star()))
        .load(conn)?;
    let mut people: HashMap<String, u64> = HashMap::new();
    for (m, n) in per_region {
        *people.entry(region(m.as_deref())).or_default() += n.max(0) as u64;
    }
    for (r, n) in people {
        cells.entry((r, "total".to_owned())).or_default().0 = n;
    }
    Ok(cells)
}

/// The seasonal level of open positions (peak in late May) and of
/// jobseekers (peak in January) on `day`.
fn season(day: NaiveDate) -> (f64, f64) {
    let t = f64::from(day.ordinal0()) / 365.25;
    (
        1.0 + 0.18 * (TAU * (t - 0.39)).cos(),
        1.0 + 0.07 * (TAU * (t - 0.04)).cos(),
    )
}

/// Write the year of snapshots before `today` and of `today`; returns how
/// many days were written.
pub fn generate(
    store: &Store,
    reference: &ReferenceData,
    seed: u64,
    today: NaiveDate,
) -> Result<usize, GenerateError> {
    let now = today.and_time(chrono::NaiveTime::MIN) + chrono::Duration::hours(12);
    let cells = store.read(|c| current_cells(c, reference, now))?;
    // The 19 regions, then records without one (remote work, abroad), as
    // the live picture has them.
    let mut regions: Vec<String> = reference
        .geography
        .regions()
        .map(|r| r.code.clone())
        .collect();
    for (region, _) in cells.keys() {
        if !regions.contains(region) {
            regions.push(region.clone());
        }
    }
    let (positions_now, people_now) = season(today);
    let mut days = Vec::new();
    for back in (0..=DAYS).rev() {
        let day = today.checked_sub_days(Days::new(back)).unwrap_or(today);
        let mut rng = DemoRng::fork(seed, STREAM_SNAPSHOT, day.num_days_from_ce() as u64);
        let (p, j) = season(day);
        // A slow drift (the market a year ago was a little looser) and
        // day-to-day noise; the reference day is the population itself.
        let drift = 1.0 - 0.04 * back as f64 / DAYS as f64;
        let noise = |rng: &mut DemoRng| {
            if back == 0 {
                1.0
            } else {
                1.0 + 0.03 * (rng.unit() - 0.5)
            }
        };
        let positions_scale = p / positions_now * drift;
        let people_scale = j / people_now;
        let scaled = |n: u64, scale: f64| (n as f64 * scale).round().max(0.0) as u64;
        let mut scaled_cells: Vec<(u64, u64)> = Vec::new();
        let mut counts: Vec<RegionCounts> = Vec::new();
        for region in &regions {
            let n = noise(&mut rng);
            let total = |f: fn(&(u64, u64, u64)) -> u64| -> u64 {
                cells
                    .iter()
                    .filter(|((r, g), _)| r == region && g != "total")
                    .map(|(_, c)| f(c))
                    .sum()
            };
            let jobseekers = cells
                .get(&(region.clone(), "total".to_owned()))
                .map_or(0, |c| c.0);
            counts.push(RegionCounts {
                code: region.clone(),
                open_vacancies: scaled(total(|c| c.2), positions_scale * n),
                open_positions: scaled(total(|c| c.1), positions_scale * n),
                active_jobseekers: scaled(jobseekers, people_scale * n),
            });
            for ((r, g), c) in &cells {
                if r == region && g != "total" && g != UNKNOWN {
                    scaled_cells.push((
                        scaled(c.0, people_scale * n),
                        scaled(c.1, positions_scale * n),
                    ));
                }
            }
        }
        let tallies = SnapshotTallies {
            mismatch_across_areas: jackman_roper(
                counts
                    .iter()
                    .map(|r| (r.active_jobseekers, r.open_positions)),
            ),
            mismatch_across_cells: jackman_roper(scaled_cells.iter().copied()),
            regions: counts,
            placements: 0,
        };
        days.push((day, tallies));
    }
    let written = store.write(|c| {
        let first = days.first().map_or(today, |d| d.0);
        let taken: std::collections::HashSet<NaiveDate> = snapshots::between(c, first, today)?
            .into_iter()
            .map(|s| s.day)
            .collect();
        let mut written = 0;
        for (day, mut tallies) in days {
            if taken.contains(&day) {
                continue;
            }
            tallies.placements = snapshots::placements_on(c, day)?;
            snapshots::upsert(
                c,
                day,
                now.min(day.and_time(chrono::NaiveTime::MIN) + chrono::Duration::hours(23)),
                &tallies,
            )?;
            written += 1;
        }
        Ok(written)
    })?;
    Ok(written)
}
