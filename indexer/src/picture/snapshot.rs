//! The picture over time: taking the day's snapshot of the picture's
//! tallies (per region counts, the country's mismatch indexes, the day's
//! placements) into the store, daily from `serve`; and the monthly trend
//! read back from the snapshots and the placements.

use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use matcher::effectiveness::months_between;
use matcher::picture::{AreaLevel, Grouping, Label};
use matcher::taxonomy::Lang;
use matcher::trend::{monthly, RegionCounts, Snapshot, SnapshotTallies, Trend};

use super::PictureRequest;
use crate::matching::{MatchEngine, MatchError};
use crate::store::snapshots;

/// How often `serve` takes the day's snapshot.
pub const EVERY: Duration = Duration::from_secs(60 * 60);

/// Longest trend, in months (ten years).
pub const MAX_TREND_MONTHS: usize = 120;

/// What trend to draw.
#[derive(Debug, Clone)]
pub struct TrendRequest {
    /// First month (any day of it).
    pub from: NaiveDate,
    /// Last month (any day of it).
    pub to: NaiveDate,
    /// A region code, or the whole country.
    pub region: Option<String>,
    /// Withhold 1–4 placements (the analyst role).
    pub disclosure_control: bool,
    pub lang: Lang,
}

impl MatchEngine {
    /// The tallies of the picture now: per region, and across region ×
    /// ISCO major group cells, with the placements of `now`'s day.
    pub fn snapshot_tallies(&self, now: NaiveDateTime) -> Result<SnapshotTallies, MatchError> {
        let picture = self.picture(&PictureRequest {
            by: AreaLevel::Region,
            grouping: Grouping::Occupation(1),
            disclosure_control: false,
            potential: false,
            min_score: 0.5,
            lang: Lang::Fi,
            now,
        })?;
        let placements = self
            .store
            .read(|c| snapshots::placements_on(c, now.date()))?;
        Ok(SnapshotTallies {
            regions: picture
                .areas
                .iter()
                .map(|row| RegionCounts {
                    code: row.area.code.clone(),
                    open_vacancies: row.figures.open_vacancies.unwrap_or(0),
                    open_positions: row.figures.open_positions.unwrap_or(0),
                    active_jobseekers: row.figures.active_jobseekers.unwrap_or(0),
                })
                .collect(),
            mismatch_across_areas: picture.mismatch.across_areas,
            mismatch_across_cells: picture.mismatch.across_cells,
            placements,
        })
    }

    /// Take the snapshot of `now`'s day (replacing an earlier one of the
    /// same day).
    pub fn take_snapshot(&self, now: NaiveDateTime) -> Result<Snapshot, MatchError> {
        let tallies = self.snapshot_tallies(now)?;
        let day = now.date();
        self.store
            .write(|c| snapshots::upsert(c, day, now, &tallies))?;
        Ok(Snapshot {
            day,
            taken_at: now,
            tallies,
        })
    }

    /// Whether `code` is one of the regions.
    pub fn knows_region(&self, code: &str) -> bool {
        self.reference.geography.regions().any(|r| r.code == code)
    }

    /// Tightness, mismatch and placements per month.
    pub fn trend(&self, r: &TrendRequest) -> Result<Trend, MatchError> {
        let first = r.from.with_day(1).unwrap_or(r.from);
        let last = last_day_of_month(r.to);
        let months = months_between(first, last);
        let region = r.region.as_deref();
        let (snapshots, placements) = self.store.read(|c| {
            Ok((
                snapshots::between(c, first, last)?,
                snapshots::placements_per_month(c, first, last, region)?,
            ))
        })?;
        let days: Vec<(NaiveDate, SnapshotTallies)> =
            snapshots.into_iter().map(|s| (s.day, s.tallies)).collect();
        let label = region.map(|code| Label {
            code: code.to_owned(),
            name: self
                .reference
                .geography
                .regions()
                .find(|g| g.code == code)
                .map_or_else(|| code.to_owned(), |g| g.name(r.lang).to_owned()),
        });
        Ok(Trend {
            from: first.format("%Y-%m").to_string(),
            to: last.format("%Y-%m").to_string(),
            region: label,
            disclosure_control: r.disclosure_control,
            months: monthly(&months, &days, &placements, region, r.disclosure_control),
        })
    }
}

/// The last day of `day`'s month.
pub fn last_day_of_month(day: NaiveDate) -> NaiveDate {
    let (y, m) = if day.month() == 12 {
        (day.year() + 1, 1)
    } else {
        (day.year(), day.month() + 1)
    };
    NaiveDate::from_ymd_opt(y, m, 1)
        .and_then(|d| d.pred_opt())
        .unwrap_or(day)
}

/// Take the day's snapshot now and then every `every` until `stop` (a
/// failure is logged and retried at the next turn). Taking it again the
/// same day refreshes it, so the day's last snapshot holds.
pub fn spawn_daily(
    engine: Arc<MatchEngine>,
    every: Duration,
    stop: Arc<AtomicBool>,
) -> JoinHandle<()> {
    crate::retention::spawn_periodic(every, stop, move || {
        if let Err(error) = engine.take_snapshot(chrono::Utc::now().naive_utc()) {
            tracing::warn!(%error, "picture snapshot failed");
        }
    })
}
