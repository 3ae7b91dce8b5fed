//! The picture over time: the small daily snapshot of the picture's
//! tallies (counts per region, the country's mismatch indexes, the day's
//! placements) and the monthly trend drawn from the snapshots — tightness,
//! mismatch and placements per month.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::picture::{csv_line, is_small_count, opt, ratio, Label};

/// One region's counts on a snapshot's day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RegionCounts {
    /// Region code (`abroad`/`unknown` for records without one).
    pub code: String,
    pub open_vacancies: u64,
    pub open_positions: u64,
    pub active_jobseekers: u64,
}

/// The picture's tallies of one day: counts, not people.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SnapshotTallies {
    pub regions: Vec<RegionCounts>,
    /// Jackman–Roper across the 19 regions.
    pub mismatch_across_areas: Option<f64>,
    /// Jackman–Roper across region × ISCO major group cells.
    pub mismatch_across_cells: Option<f64>,
    /// Hires recorded that day.
    pub placements: u64,
}

impl SnapshotTallies {
    /// (open positions, active jobseekers) of `region`, or of the whole
    /// country (every row, abroad and unknown included).
    pub fn counts(&self, region: Option<&str>) -> (u64, u64) {
        self.regions
            .iter()
            .filter(|r| region.is_none_or(|code| r.code == code))
            .fold((0, 0), |(p, j), r| {
                (p + r.open_positions, j + r.active_jobseekers)
            })
    }
}

/// A stored snapshot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Snapshot {
    pub day: NaiveDate,
    pub taken_at: chrono::NaiveDateTime,
    pub tallies: SnapshotTallies,
}

/// One month of the trend.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TrendMonth {
    /// `YYYY-MM`.
    pub month: String,
    /// Days of the month with a snapshot; the snapshot figures are `null`
    /// when there is none.
    pub days: u32,
    /// Mean over those days of the open positions.
    pub open_positions: Option<f64>,
    /// Mean over those days of the active jobseekers.
    pub active_jobseekers: Option<f64>,
    /// Mean over those days of the day's open positions per active
    /// jobseeker (days without jobseekers left out).
    pub tightness: Option<f64>,
    /// Mean over those days of the country's Jackman–Roper index across
    /// region × ISCO major group cells.
    pub mismatch_index: Option<f64>,
    /// Hires in the month (from the placements, not the snapshots).
    pub placements: Option<u64>,
    /// `placements` is withheld (1–4 for an analyst).
    pub suppressed: bool,
}

/// Tightness, mismatch and placements per month.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Trend {
    /// First month, `YYYY-MM`.
    pub from: String,
    /// Last month, `YYYY-MM`.
    pub to: String,
    /// The region, or `null` for the whole country.
    pub region: Option<Label>,
    pub disclosure_control: bool,
    pub months: Vec<TrendMonth>,
}

fn mean(values: &[f64]) -> Option<f64> {
    (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
}

/// The trend of `months` (`YYYY-MM`, in order) from the snapshots of those
/// months and the hires per month (of the region, if one is given).
pub fn monthly(
    months: &[String],
    snapshots: &[(NaiveDate, SnapshotTallies)],
    placements: &HashMap<String, u64>,
    region: Option<&str>,
    disclosure_control: bool,
) -> Vec<TrendMonth> {
    let mut by_month: HashMap<String, Vec<&SnapshotTallies>> = HashMap::new();
    for (day, tallies) in snapshots {
        by_month
            .entry(day.format("%Y-%m").to_string())
            .or_default()
            .push(tallies);
    }
    months
        .iter()
        .map(|month| {
            let days = by_month.get(month).map(Vec::as_slice).unwrap_or_default();
            let counts: Vec<(u64, u64)> = days.iter().map(|t| t.counts(region)).collect();
            let positions: Vec<f64> = counts.iter().map(|c| c.0 as f64).collect();
            let jobseekers: Vec<f64> = counts.iter().map(|c| c.1 as f64).collect();
            let tightness: Vec<f64> = counts
                .iter()
                .filter(|c| c.1 > 0)
                .map(|c| c.0 as f64 / c.1 as f64)
                .collect();
            let mismatch: Vec<f64> = days
                .iter()
                .filter_map(|t| t.mismatch_across_cells)
                .collect();
            let hires = placements.get(month).copied().unwrap_or(0);
            let suppressed = disclosure_control && is_small_count(hires);
            TrendMonth {
                month: month.clone(),
                days: days.len() as u32,
                open_positions: mean(&positions),
                active_jobseekers: mean(&jobseekers),
                tightness: mean(&tightness),
                mismatch_index: mean(&mismatch),
                placements: (!suppressed).then_some(hires),
                suppressed,
            }
        })
        .collect()
}

impl Trend {
    /// The months as CSV (header first; unknown and withheld figures are
    /// empty fields).
    pub fn to_csv(&self) -> String {
        let mut out = String::new();
        csv_line(
            &mut out,
            &[
                "month",
                "region_code",
                "days",
                "open_positions",
                "active_jobseekers",
                "tightness",
                "mismatch_index",
                "placements",
                "suppressed",
            ]
            .map(str::to_owned),
        );
        let region = self
            .region
            .as_ref()
            .map_or_else(|| crate::picture::COUNTRY.to_owned(), |r| r.code.clone());
        for m in &self.months {
            csv_line(
                &mut out,
                &[
                    m.month.clone(),
                    region.clone(),
                    m.days.to_string(),
                    ratio(m.open_positions),
                    ratio(m.active_jobseekers),
                    ratio(m.tightness),
                    ratio(m.mismatch_index),
                    opt(m.placements),
                    m.suppressed.to_string(),
                ],
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(positions: u64, jobseekers: u64, mismatch: f64) -> SnapshotTallies {
        SnapshotTallies {
            regions: vec![
                RegionCounts {
                    code: "01".into(),
                    open_vacancies: positions / 2,
                    open_positions: positions,
                    active_jobseekers: jobseekers,
                },
                RegionCounts {
                    code: "02".into(),
                    open_vacancies: 1,
                    open_positions: 10,
                    active_jobseekers: 10,
                },
            ],
            mismatch_across_areas: None,
            mismatch_across_cells: Some(mismatch),
            placements: 0,
        }
    }

    #[test]
    fn a_month_is_the_mean_of_its_days() {
        let d = |m, day| NaiveDate::from_ymd_opt(2026, m, day).unwrap();
        let snapshots = vec![
            (d(1, 1), day(10, 20, 0.2)),
            (d(1, 31), day(30, 20, 0.4)),
            (d(3, 5), day(0, 0, 0.1)),
        ];
        let months: Vec<String> = ["2026-01", "2026-02", "2026-03"].map(String::from).to_vec();
        let placements = HashMap::from([("2026-01".to_owned(), 3), ("2026-03".to_owned(), 12)]);
        let region = monthly(&months, &snapshots, &placements, Some("01"), false);
        // Days 0.5 and 1.5: the mean of the daily ratios is 1.0.
        assert_eq!(region[0].days, 2);
        assert_eq!(region[0].tightness, Some(1.0));
        assert_eq!(region[0].open_positions, Some(20.0));
        assert!((region[0].mismatch_index.unwrap() - 0.3).abs() < 1e-12);
        assert_eq!(region[0].placements, Some(3));
        // A month without snapshots has no snapshot figures.
        assert_eq!(region[1].days, 0);
        assert_eq!(region[1].tightness, None);
        assert_eq!(region[1].placements, Some(0));
        // A day without jobseekers has no tightness.
        assert_eq!(region[2].tightness, None);
        assert_eq!(region[2].active_jobseekers, Some(0.0));
        // The country adds the regions: (20/30 + 40/30) / 2 = 1.0.
        let country = monthly(&months, &snapshots, &placements, None, true);
        assert!((country[0].tightness.unwrap() - 1.0).abs() < 1e-12);
        assert_eq!(country[0].open_positions, Some(30.0));
        // Analysts: 1–4 hires are withheld, 0 and 12 are not.
        assert!(country[0].suppressed && country[0].placements.is_none());
        assert_eq!(country[1].placements, Some(0));
        assert_eq!(country[2].placements, Some(12));
        let trend = Trend {
            from: "2026-01".into(),
            to: "2026-03".into(),
            region: None,
            disclosure_control: true,
            months: country,
        };
        let csv = trend.to_csv();
        let lines: Vec<&str> = csv.split("\r\n").collect();
        assert_eq!(
            lines[0],
            "month,region_code,days,open_positions,active_jobseekers,tightness,mismatch_index,placements,suppressed"
        );
        assert_eq!(lines[1], "2026-01,FI,2,30.0000,30.0000,1.0000,0.3000,,true");
        assert_eq!(lines[2], "2026-02,FI,0,,,,,0,false");
    }
}
