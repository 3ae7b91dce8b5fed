//! The labour-market picture: open positions and active jobseekers per area
//! and occupation (or industry), tightness, the Jackman–Roper mismatch
//! index, disclosure control for published tables, CSV output; and the
//! balance behind the cross-regional view of a pair (how tight the market
//! for an occupation group is in a region compared with the whole country).
//!
//! This module is the arithmetic; `indexer::picture` tallies the index.

use serde::{Deserialize, Serialize};

/// Open vacancies and active jobseekers of one occupation group somewhere.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Counts {
    pub vacancies: u64,
    pub jobseekers: u64,
}

impl Counts {
    /// Vacancies per jobseeker (+1 smoothing so that empty cells are finite).
    pub fn tightness(self) -> f64 {
        (self.vacancies as f64 + 1.0) / (self.jobseekers as f64 + 1.0)
    }
}

/// How a region's market for a group compares with the country's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Balance {
    /// Tighter than the country by more than [`MARGIN`]: short of workers.
    Shortage,
    /// Looser than the country by more than [`MARGIN`]: surplus of workers.
    Surplus,
    Balanced,
}

/// Relative difference of tightness that counts as shortage or surplus.
pub const MARGIN: f64 = 0.25;

/// Cells with fewer vacancies plus jobseekers than this are too small to call.
pub const MIN_CELL: u64 = 5;

pub fn balance(local: Counts, national: Counts) -> Balance {
    if local.vacancies + local.jobseekers < MIN_CELL {
        return Balance::Balanced;
    }
    let ratio = local.tightness() / national.tightness();
    if ratio > 1.0 + MARGIN {
        Balance::Shortage
    } else if ratio < 1.0 / (1.0 + MARGIN) {
        Balance::Surplus
    } else {
        Balance::Balanced
    }
}

/// The cross-regional view of one pair.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CrossRegional {
    /// ISCO-08 minor group (3 digits) of the vacancy's occupation.
    pub occupation_group: String,
    pub vacancy_region: String,
    pub vacancy_region_counts: Counts,
    pub vacancy_region_balance: Balance,
    pub jobseeker_region: Option<String>,
    pub jobseeker_region_counts: Option<Counts>,
    pub jobseeker_region_balance: Option<Balance>,
    pub national_counts: Counts,
    /// The vacancy's region is short of the group and the jobseeker's
    /// (another region, or abroad) has a surplus: a move that eases both.
    pub flagged: bool,
}

/// The geographic level of a picture's rows.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum AreaLevel {
    /// The whole country, one row.
    Country,
    /// The 19 regions (maakunnat).
    #[default]
    Region,
    /// Sub-regions (seutukunnat).
    SubRegion,
    /// ELY centre areas.
    Ely,
    Municipality,
}

impl std::str::FromStr for AreaLevel {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "country" => Ok(AreaLevel::Country),
            "region" => Ok(AreaLevel::Region),
            "sub_region" => Ok(AreaLevel::SubRegion),
            "ely" => Ok(AreaLevel::Ely),
            "municipality" => Ok(AreaLevel::Municipality),
            other => Err(format!(
                "unknown area level {other:?} (country, region, sub_region, ely or municipality)"
            )),
        }
    }
}

/// What a picture's columns are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "kind", content = "level", rename_all = "snake_case")]
pub enum Grouping {
    /// ISCO-08 groups at level 1–4 (0: no split).
    Occupation(u8),
    /// TOL 2008 sections (1) or divisions (2). Only vacancies carry an
    /// industry, so jobseeker figures are per area only.
    Industry(u8),
}

impl Grouping {
    /// Whether jobseekers can be told apart by this grouping.
    pub fn counts_jobseekers(self) -> bool {
        matches!(self, Grouping::Occupation(_))
    }
}

/// Area and group codes that stand for "not known".
pub const ABROAD: &str = "abroad";
pub const UNKNOWN: &str = "unknown";
/// Code of the country row.
pub const COUNTRY: &str = "FI";

/// Counts below this (but above zero) are suppressed in tables for
/// analysts: fewer than five persons (or positions) could identify someone.
pub const DISCLOSURE_MIN: u64 = 5;

/// The raw tally of one cell.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Tally {
    /// Open vacancies (ads).
    pub vacancies: u64,
    /// Their open positions.
    pub positions: u64,
    /// Active jobseekers.
    pub jobseekers: u64,
    /// Sum over the open vacancies of the days each has been open.
    pub days_open: f64,
}

impl Tally {
    pub fn add(&mut self, other: &Tally) {
        self.vacancies += other.vacancies;
        self.positions += other.positions;
        self.jobseekers += other.jobseekers;
        self.days_open += other.days_open;
    }

    /// Whether publishing this cell could disclose a person.
    pub fn is_small(&self, counts_jobseekers: bool) -> bool {
        is_small_count(self.positions) || (counts_jobseekers && is_small_count(self.jobseekers))
    }
}

/// The published figures of one cell.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Figures {
    pub open_vacancies: Option<u64>,
    pub open_positions: Option<u64>,
    /// `None` when suppressed or when the grouping cannot tell jobseekers
    /// apart (industries).
    pub active_jobseekers: Option<u64>,
    /// Open positions per active jobseeker; `None` without jobseekers.
    pub tightness: Option<f64>,
    /// Mean days the open vacancies have been open.
    pub mean_days_open: Option<f64>,
    /// The counts are withheld (disclosure control).
    pub suppressed: bool,
}

impl Figures {
    pub fn of(t: &Tally, counts_jobseekers: bool) -> Figures {
        let jobseekers = counts_jobseekers.then_some(t.jobseekers);
        Figures {
            open_vacancies: Some(t.vacancies),
            open_positions: Some(t.positions),
            active_jobseekers: jobseekers,
            tightness: jobseekers
                .filter(|&j| j > 0)
                .map(|j| t.positions as f64 / j as f64),
            mean_days_open: (t.vacancies > 0).then(|| t.days_open / t.vacancies as f64),
            suppressed: false,
        }
    }

    /// The figures with every count (and what derives from it) withheld.
    pub fn suppressed() -> Figures {
        Figures {
            open_vacancies: None,
            open_positions: None,
            active_jobseekers: None,
            tightness: None,
            mean_days_open: None,
            suppressed: true,
        }
    }
}

/// The Jackman–Roper mismatch index 0.5 · Σ |uᵢ/U − vᵢ/V| over cells of
/// (jobseekers uᵢ, open positions vᵢ): the share of jobseekers (or of
/// positions) that would have to change cell for the two distributions to
/// match. 0 is no mismatch, 1 complete. `None` when either total is zero.
pub fn jackman_roper(cells: impl IntoIterator<Item = (u64, u64)> + Clone) -> Option<f64> {
    let (u, v) = cells
        .clone()
        .into_iter()
        .fold((0u64, 0u64), |(u, v), (a, b)| (u + a, v + b));
    if u == 0 || v == 0 {
        return None;
    }
    let (u, v) = (u as f64, v as f64);
    Some(
        0.5 * cells
            .into_iter()
            .map(|(a, b)| (a as f64 / u - b as f64 / v).abs())
            .sum::<f64>(),
    )
}

/// Primary suppression (cells that are [`Tally::is_small`]) and then
/// secondary suppression: a row or column of the table whose total is
/// published must not have exactly one suppressed cell, or subtraction
/// would reveal it, so the smallest other non-empty cell of such a line is
/// suppressed too, until no line has a lone suppressed cell. `cells` are
/// (row, column, tally); the result says which to suppress.
pub fn disclosure_control(cells: &[(usize, usize, Tally)], counts_jobseekers: bool) -> Vec<bool> {
    let size = |t: &Tally| t.positions + if counts_jobseekers { t.jobseekers } else { 0 };
    let lines: Vec<(usize, usize, u64)> = cells.iter().map(|(r, c, t)| (*r, *c, size(t))).collect();
    let primary = cells
        .iter()
        .map(|(_, _, t)| t.is_small(counts_jobseekers))
        .collect();
    secondary_suppression(&lines, primary)
}

/// Whether a count is small enough to identify someone: 1 to
/// [`DISCLOSURE_MIN`] − 1.
pub fn is_small_count(n: u64) -> bool {
    (1..DISCLOSURE_MIN).contains(&n)
}

/// Secondary suppression over cells (row, column, size) of which
/// `suppressed` are withheld already: a line (row or column) with exactly
/// one withheld non-empty cell gets its smallest other non-empty cell
/// withheld too, until no line has a lone one.
pub fn secondary_suppression(cells: &[(usize, usize, u64)], suppressed: Vec<bool>) -> Vec<bool> {
    let mut out = suppressed;
    loop {
        let mut changed = false;
        for axis in 0..2 {
            let line = |c: &(usize, usize, u64)| if axis == 0 { c.0 } else { c.1 };
            let mut lines: std::collections::HashMap<usize, Vec<usize>> = Default::default();
            for (i, c) in cells.iter().enumerate() {
                if c.2 > 0 {
                    lines.entry(line(c)).or_default().push(i);
                }
            }
            let mut keys: Vec<usize> = lines.keys().copied().collect();
            keys.sort_unstable();
            for key in keys {
                let members = &lines[&key];
                if members.iter().filter(|&&i| out[i]).count() != 1 {
                    continue;
                }
                let partner = members
                    .iter()
                    .copied()
                    .filter(|&i| !out[i])
                    .min_by_key(|&i| (cells[i].2, i));
                if let Some(i) = partner {
                    out[i] = true;
                    changed = true;
                }
            }
        }
        if !changed {
            return out;
        }
    }
}

/// A named area or group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Label {
    pub code: String,
    pub name: String,
}

/// One published row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Row {
    pub area: Label,
    /// `None` in the per-area table.
    pub group: Option<Label>,
    #[serde(flatten)]
    pub figures: Figures,
}

/// Mismatch indexes of a picture.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Mismatch {
    /// Across the areas of the picture's level.
    pub across_areas: Option<f64>,
    /// Across the groups (occupations) of the picture's level.
    pub across_groups: Option<f64>,
    /// Across area × group cells.
    pub across_cells: Option<f64>,
}

/// Open positions of region `to` with a good match among the jobseekers of
/// region `from` whose mobility reaches `to`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Flow {
    pub from: Label,
    pub to: Label,
    pub open_vacancies: Option<u64>,
    pub open_positions: Option<u64>,
    pub suppressed: bool,
}

/// The cross-region potential matrix.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Potential {
    /// A pair at or above this score is a good match.
    pub min_score: f64,
    /// Open positions whose vacancy has an occupation and a region.
    pub positions_considered: u64,
    /// Of those, positions with a good match in their own region.
    pub positions_matched_locally: u64,
    /// Of those, positions with a good match only in other regions or abroad.
    pub positions_matched_only_elsewhere: u64,
    /// Non-empty pairs, by origin then destination; `from == to` is local.
    pub flows: Vec<Flow>,
    /// When the matrix was computed: it is reused for up to a minute, and
    /// for up to ten while the index does not change.
    pub computed_at: chrono::NaiveDateTime,
    pub seconds: f64,
}

/// A labour-market picture.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Picture {
    /// The moment open and active are judged at.
    pub as_of: chrono::NaiveDateTime,
    pub by: AreaLevel,
    pub grouping: Grouping,
    /// Whether small cells are withheld (the analyst role).
    pub disclosure_control: bool,
    pub total: Figures,
    /// Per area, all groups.
    pub areas: Vec<Row>,
    /// Per group, the whole country.
    pub groups: Vec<Row>,
    /// Per area × group, non-empty cells only.
    pub cells: Vec<Row>,
    pub mismatch: Mismatch,
    pub potential: Option<Potential>,
    pub seconds: f64,
}

/// Which table of a picture a CSV holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CsvTable {
    #[default]
    Cells,
    Areas,
    Groups,
    Flows,
}

impl std::str::FromStr for CsvTable {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "cells" => Ok(CsvTable::Cells),
            "areas" => Ok(CsvTable::Areas),
            "groups" => Ok(CsvTable::Groups),
            "flows" => Ok(CsvTable::Flows),
            other => Err(format!(
                "unknown table {other:?} (cells, areas, groups or flows)"
            )),
        }
    }
}

/// One CSV field, quoted when it must be (RFC 4180).
fn csv_field(out: &mut String, value: &str) {
    if value.contains([',', '"', '\n', '\r']) {
        out.push('"');
        out.push_str(&value.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(value);
    }
}

pub(crate) fn csv_line(out: &mut String, fields: &[String]) {
    for (i, f) in fields.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        csv_field(out, f);
    }
    out.push_str("\r\n");
}

pub(crate) fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

pub(crate) fn ratio(v: Option<f64>) -> String {
    v.map(|v| format!("{v:.4}")).unwrap_or_default()
}

impl Picture {
    /// `table` as CSV (header line first; suppressed and unknown figures
    /// are empty fields).
    pub fn to_csv(&self, table: CsvTable) -> String {
        let mut out = String::new();
        if table == CsvTable::Flows {
            csv_line(
                &mut out,
                &[
                    "from_code",
                    "from_name",
                    "to_code",
                    "to_name",
                    "open_vacancies",
                    "open_positions",
                    "suppressed",
                ]
                .map(str::to_owned),
            );
            for f in self.potential.iter().flat_map(|p| &p.flows) {
                csv_line(
                    &mut out,
                    &[
                        f.from.code.clone(),
                        f.from.name.clone(),
                        f.to.code.clone(),
                        f.to.name.clone(),
                        opt(f.open_vacancies),
                        opt(f.open_positions),
                        f.suppressed.to_string(),
                    ],
                );
            }
            return out;
        }
        let rows = match table {
            CsvTable::Cells => &self.cells,
            CsvTable::Areas => &self.areas,
            CsvTable::Groups | CsvTable::Flows => &self.groups,
        };
        csv_line(
            &mut out,
            &[
                "area_code",
                "area_name",
                "group_code",
                "group_name",
                "open_vacancies",
                "open_positions",
                "active_jobseekers",
                "tightness",
                "mean_days_open",
                "suppressed",
            ]
            .map(str::to_owned),
        );
        for r in rows {
            let f = &r.figures;
            csv_line(
                &mut out,
                &[
                    r.area.code.clone(),
                    r.area.name.clone(),
                    opt(r.group.as_ref().map(|g| g.code.clone())),
                    opt(r.group.as_ref().map(|g| g.name.clone())),
                    opt(f.open_vacancies),
                    opt(f.open_positions),
                    opt(f.active_jobseekers),
                    ratio(f.tightness),
                    ratio(f.mean_days_open),
                    f.suppressed.to_string(),
                ],
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn balance_compares_with_the_country_and_ignores_tiny_cells() {
        let national = Counts {
            vacancies: 1_000,
            jobseekers: 2_000,
        };
        let short = Counts {
            vacancies: 100,
            jobseekers: 100,
        };
        let surplus = Counts {
            vacancies: 10,
            jobseekers: 100,
        };
        let even = Counts {
            vacancies: 50,
            jobseekers: 100,
        };
        assert_eq!(balance(short, national), Balance::Shortage);
        assert_eq!(balance(surplus, national), Balance::Surplus);
        assert_eq!(balance(even, national), Balance::Balanced);
        let tiny = Counts {
            vacancies: 3,
            jobseekers: 0,
        };
        assert_eq!(balance(tiny, national), Balance::Balanced);
    }

    #[test]
    fn jackman_roper_is_half_the_absolute_share_differences() {
        // u shares 0.5/0.5, v shares 0.9/0.1: 0.5 * (0.4 + 0.4) = 0.4.
        let cells = [(50, 90), (50, 10)];
        assert!((jackman_roper(cells).unwrap() - 0.4).abs() < 1e-12);
        assert_eq!(jackman_roper([(3, 6), (1, 2)]), Some(0.0));
        assert_eq!(jackman_roper([(0, 1), (10, 0)]), Some(1.0));
        assert_eq!(jackman_roper([(0, 5)]), None);
        assert_eq!(jackman_roper(std::iter::empty::<(u64, u64)>()), None);
    }

    fn t(positions: u64, jobseekers: u64) -> Tally {
        Tally {
            vacancies: positions,
            positions,
            jobseekers,
            days_open: 0.0,
        }
    }

    #[test]
    fn small_cells_are_suppressed_and_cannot_be_recovered_by_subtraction() {
        // Row 0: one small cell (3 jobseekers); its row total is published,
        // so the smallest other cell of the row goes too. Column 1 then has
        // two suppressed cells; column 0 one, whose partner is suppressed.
        let cells = [
            (0, 0, t(10, 3)),
            (0, 1, t(10, 20)),
            (0, 2, t(10, 50)),
            (1, 0, t(30, 30)),
            (1, 1, t(30, 30)),
            (1, 2, t(30, 30)),
        ];
        let s = disclosure_control(&cells, true);
        assert!(s[0], "primary");
        assert!(s[1], "secondary in row 0");
        assert!(!s[2]);
        // Columns 0 and 1 each had one suppressed cell: row 1 pays.
        assert!(s[3] && s[4]);
        // Row 1 now has two suppressed cells and stays so.
        assert!(!s[5]);
        for axis in 0..2 {
            for line in 0..3 {
                let n = cells
                    .iter()
                    .zip(&s)
                    .filter(|(c, &x)| x && if axis == 0 { c.0 == line } else { c.1 == line })
                    .count();
                assert_ne!(n, 1, "axis {axis} line {line} has a lone suppressed cell");
            }
        }
        // Nothing small, nothing suppressed; empty cells are not "small".
        let fine = [(0, 0, t(0, 0)), (0, 1, t(7, 9)), (1, 1, t(5, 5))];
        assert_eq!(disclosure_control(&fine, true), vec![false; 3]);
        // Industries: jobseekers are not per cell and do not count.
        assert_eq!(disclosure_control(&[(0, 0, t(9, 1))], false), vec![false]);
    }

    #[test]
    fn figures_and_csv() {
        let f = Figures::of(
            &Tally {
                vacancies: 2,
                positions: 6,
                jobseekers: 4,
                days_open: 30.0,
            },
            true,
        );
        assert_eq!(f.tightness, Some(1.5));
        assert_eq!(f.mean_days_open, Some(15.0));
        assert_eq!(Figures::of(&Tally::default(), true).tightness, None);
        assert_eq!(Figures::of(&t(3, 9), false).active_jobseekers, None);
        let row = |code: &str, name: &str, figures: Figures| Row {
            area: Label {
                code: code.into(),
                name: name.into(),
            },
            group: Some(Label {
                code: "2".into(),
                name: "Erityisasiantuntijat, \"asiantuntijat\"".into(),
            }),
            figures,
        };
        let picture = Picture {
            as_of: chrono::NaiveDate::from_ymd_opt(2026, 11, 23)
                .unwrap()
                .and_hms_opt(12, 0, 0)
                .unwrap(),
            by: AreaLevel::Region,
            grouping: Grouping::Occupation(1),
            disclosure_control: true,
            total: f.clone(),
            areas: vec![],
            groups: vec![],
            cells: vec![
                row("01", "Uusimaa", f),
                row("21", "Ahvenanmaa", Figures::suppressed()),
            ],
            mismatch: Mismatch {
                across_areas: None,
                across_groups: None,
                across_cells: None,
            },
            potential: None,
            seconds: 0.0,
        };
        let csv = picture.to_csv(CsvTable::Cells);
        let lines: Vec<&str> = csv.split("\r\n").collect();
        assert_eq!(
            lines[0],
            "area_code,area_name,group_code,group_name,open_vacancies,open_positions,\
             active_jobseekers,tightness,mean_days_open,suppressed"
        );
        assert_eq!(
            lines[1],
            "01,Uusimaa,2,\"Erityisasiantuntijat, \"\"asiantuntijat\"\"\",2,6,4,1.5000,15.0000,false"
        );
        assert_eq!(
            lines[2],
            "21,Ahvenanmaa,2,\"Erityisasiantuntijat, \"\"asiantuntijat\"\"\",,,,,,true"
        );
        assert_eq!(lines[3], "");
        assert_eq!(
            picture.to_csv(CsvTable::Flows),
            "from_code,from_name,to_code,to_name,open_vacancies,open_positions,suppressed\r\n"
        );
        assert_eq!("sub_region".parse(), Ok(AreaLevel::SubRegion));
        assert!("county".parse::<AreaLevel>().is_err());
    }
}
