//! Effectiveness in the picture: what the services achieved over a period —
//! placements (hires) per area × occupation (or industry), the flow of
//! actual hires between regions, introductions per hire, days from a
//! vacancy's creation to a hire, the placement of layoff cohorts month by
//! month, and employer outreach per region × industry — with the
//! picture's disclosure control. This module is the arithmetic and the
//! published shapes; `indexer::picture::effectiveness` tallies the store.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::picture::{
    csv_line, is_small_count, opt, ratio, secondary_suppression, Grouping, Label,
};

/// The raw outcome tally of one cell.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct OutcomeTally {
    /// Hires in the period.
    pub placements: u64,
    /// Of those, hires whose home region differs from the job's.
    pub cross_regional: u64,
    /// Introductions made in the period to vacancies of the cell.
    pub introductions: u64,
    /// Sum over the hires of the days from the vacancy's creation.
    pub days_to_hire: f64,
}

impl OutcomeTally {
    pub fn add(&mut self, other: &OutcomeTally) {
        self.placements += other.placements;
        self.cross_regional += other.cross_regional;
        self.introductions += other.introductions;
        self.days_to_hire += other.days_to_hire;
    }

    /// Hires, cross-regional hires and introductions are people: 1–4 of
    /// any could identify someone.
    pub fn is_small(&self) -> bool {
        is_small_count(self.placements)
            || is_small_count(self.cross_regional)
            || is_small_count(self.introductions)
    }

    fn size(&self) -> u64 {
        self.placements + self.introductions
    }
}

/// The published outcome figures of one cell.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct OutcomeFigures {
    pub placements: Option<u64>,
    /// Hires from another region (or from abroad) than the job's.
    pub cross_regional_placements: Option<u64>,
    pub introductions: Option<u64>,
    /// Introductions made in the period per hire in the period; `None`
    /// without hires.
    pub introductions_per_hire: Option<f64>,
    /// Mean days from the vacancy's creation to the hire; `None` without
    /// hires.
    pub mean_days_to_hire: Option<f64>,
    /// The figures are withheld (disclosure control).
    pub suppressed: bool,
}

impl OutcomeFigures {
    pub fn of(t: &OutcomeTally) -> OutcomeFigures {
        let hires = (t.placements > 0).then_some(t.placements as f64);
        OutcomeFigures {
            placements: Some(t.placements),
            cross_regional_placements: Some(t.cross_regional),
            introductions: Some(t.introductions),
            introductions_per_hire: hires.map(|h| t.introductions as f64 / h),
            mean_days_to_hire: hires.map(|h| t.days_to_hire / h),
            suppressed: false,
        }
    }

    pub fn suppressed() -> OutcomeFigures {
        OutcomeFigures {
            placements: None,
            cross_regional_placements: None,
            introductions: None,
            introductions_per_hire: None,
            mean_days_to_hire: None,
            suppressed: true,
        }
    }
}

/// One published row of outcomes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct OutcomeRow {
    pub area: Label,
    /// `None` in the per-area table.
    pub group: Option<Label>,
    #[serde(flatten)]
    pub figures: OutcomeFigures,
}

/// Hires of people from region `from` into jobs in region `to`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct HireFlow {
    pub from: Label,
    pub to: Label,
    pub placements: Option<u64>,
    pub suppressed: bool,
}

/// The members of a cohort placed in one month.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CohortMonth {
    /// `YYYY-MM`.
    pub month: String,
    /// Members whose first hire in the period fell in this month.
    pub placed: Option<u64>,
    pub suppressed: bool,
}

/// A layoff cohort's placement over the period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CohortRow {
    /// The cohort's id and name.
    pub cohort: Label,
    pub employer_name: String,
    /// Members today (erased profiles leave the cohort).
    pub members: Option<u64>,
    /// Members placed in the period.
    pub placed: Option<u64>,
    /// One entry per month of the period.
    pub months: Vec<CohortMonth>,
    /// The cohort is too small to publish (analysts): every count withheld.
    pub suppressed: bool,
}

/// The raw outreach tally of one region × industry cell.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct OutreachTally {
    /// Distinct firms contacted.
    pub firms: u64,
    pub contacts: u64,
    /// Recruitment needs found, and their positions.
    pub needs: u64,
    pub positions: u64,
    /// Needs turned into hidden vacancies.
    pub hidden_vacancies: u64,
}

impl OutreachTally {
    pub fn add(&mut self, other: &OutreachTally) {
        self.firms += other.firms;
        self.contacts += other.contacts;
        self.needs += other.needs;
        self.positions += other.positions;
        self.hidden_vacancies += other.hidden_vacancies;
    }
}

/// The published outreach figures of one cell.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct OutreachFigures {
    pub firms_contacted: Option<u64>,
    pub contacts: Option<u64>,
    pub needs_found: Option<u64>,
    /// People the needs asked for.
    pub positions_needed: Option<u64>,
    pub hidden_vacancies_created: Option<u64>,
    pub suppressed: bool,
}

impl OutreachFigures {
    pub fn of(t: &OutreachTally) -> OutreachFigures {
        OutreachFigures {
            firms_contacted: Some(t.firms),
            contacts: Some(t.contacts),
            needs_found: Some(t.needs),
            positions_needed: Some(t.positions),
            hidden_vacancies_created: Some(t.hidden_vacancies),
            suppressed: false,
        }
    }

    pub fn suppressed() -> OutreachFigures {
        OutreachFigures {
            firms_contacted: None,
            contacts: None,
            needs_found: None,
            positions_needed: None,
            hidden_vacancies_created: None,
            suppressed: true,
        }
    }
}

/// One published row of outreach.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct OutreachRow {
    pub area: Label,
    /// The TOL 2008 industry; `None` in the per-area table.
    pub industry: Option<Label>,
    #[serde(flatten)]
    pub figures: OutreachFigures,
}

/// Employer outreach in the period, per region × industry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Outreach {
    pub total: OutreachFigures,
    pub areas: Vec<OutreachRow>,
    /// Non-empty region × industry cells.
    pub cells: Vec<OutreachRow>,
}

/// What the services achieved in a period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Effectiveness {
    /// First day of the period.
    pub since: NaiveDate,
    /// Last day of the period (inclusive).
    pub until: NaiveDate,
    pub grouping: Grouping,
    /// Whether small cells are withheld (the analyst role).
    pub disclosure_control: bool,
    pub total: OutcomeFigures,
    /// Per region of the job, all groups.
    pub areas: Vec<OutcomeRow>,
    /// Per group, the whole country.
    pub groups: Vec<OutcomeRow>,
    /// Per region × group, non-empty cells only.
    pub cells: Vec<OutcomeRow>,
    /// The flow matrix of actual hires, non-empty pairs, by origin then
    /// destination; `from == to` is a local hire.
    pub hires: Vec<HireFlow>,
    /// The months of the period, `YYYY-MM`.
    pub months: Vec<String>,
    pub cohorts: Vec<CohortRow>,
    pub outreach: Outreach,
    pub seconds: f64,
}

/// Withhold the small cells of an outcome table (rows, columns, tally),
/// with secondary suppression; `disclosure_control` off publishes all.
pub fn suppress_outcomes(cells: &[(usize, usize, OutcomeTally)], on: bool) -> Vec<bool> {
    if !on {
        return vec![false; cells.len()];
    }
    let sized: Vec<(usize, usize, u64)> =
        cells.iter().map(|(r, c, t)| (*r, *c, t.size())).collect();
    secondary_suppression(&sized, cells.iter().map(|c| c.2.is_small()).collect())
}

/// Withhold the small cells of a table of counts of people or firms.
pub fn suppress_counts(cells: &[(usize, usize, u64)], on: bool) -> Vec<bool> {
    if !on {
        return vec![false; cells.len()];
    }
    secondary_suppression(cells, cells.iter().map(|c| is_small_count(c.2)).collect())
}

/// Publish tallies of a table: figures, or the withheld figures.
pub fn publish_outcomes(tallies: &[(usize, usize, OutcomeTally)], on: bool) -> Vec<OutcomeFigures> {
    tallies
        .iter()
        .zip(suppress_outcomes(tallies, on))
        .map(|((_, _, t), s)| {
            if s {
                OutcomeFigures::suppressed()
            } else {
                OutcomeFigures::of(t)
            }
        })
        .collect()
}

/// Publish outreach tallies; a cell with 1–4 firms is withheld.
pub fn publish_outreach(
    tallies: &[(usize, usize, OutreachTally)],
    on: bool,
) -> Vec<OutreachFigures> {
    let sized: Vec<(usize, usize, u64)> =
        tallies.iter().map(|(r, c, t)| (*r, *c, t.firms)).collect();
    tallies
        .iter()
        .zip(suppress_counts(&sized, on))
        .map(|((_, _, t), s)| {
            if s {
                OutreachFigures::suppressed()
            } else {
                OutreachFigures::of(t)
            }
        })
        .collect()
}

/// Which table of the effectiveness a CSV holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EffectivenessTable {
    #[default]
    Cells,
    Areas,
    Groups,
    Hires,
    Cohorts,
    Outreach,
}

impl std::str::FromStr for EffectivenessTable {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "cells" => Ok(EffectivenessTable::Cells),
            "areas" => Ok(EffectivenessTable::Areas),
            "groups" => Ok(EffectivenessTable::Groups),
            "hires" => Ok(EffectivenessTable::Hires),
            "cohorts" => Ok(EffectivenessTable::Cohorts),
            "outreach" => Ok(EffectivenessTable::Outreach),
            other => Err(format!(
                "unknown table {other:?} (cells, areas, groups, hires, cohorts or outreach)"
            )),
        }
    }
}

fn header(out: &mut String, names: &[&str]) {
    csv_line(
        out,
        &names.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>(),
    );
}

impl Effectiveness {
    /// `table` as CSV (header first; withheld and unknown figures are
    /// empty fields).
    pub fn to_csv(&self, table: EffectivenessTable) -> String {
        let mut out = String::new();
        let rows = match table {
            EffectivenessTable::Cells => &self.cells,
            EffectivenessTable::Areas => &self.areas,
            EffectivenessTable::Groups => &self.groups,
            EffectivenessTable::Hires => {
                header(
                    &mut out,
                    &[
                        "from_code",
                        "from_name",
                        "to_code",
                        "to_name",
                        "placements",
                        "suppressed",
                    ],
                );
                for f in &self.hires {
                    csv_line(
                        &mut out,
                        &[
                            f.from.code.clone(),
                            f.from.name.clone(),
                            f.to.code.clone(),
                            f.to.name.clone(),
                            opt(f.placements),
                            f.suppressed.to_string(),
                        ],
                    );
                }
                return out;
            }
            EffectivenessTable::Cohorts => {
                header(
                    &mut out,
                    &[
                        "cohort_id",
                        "cohort_name",
                        "employer_name",
                        "members",
                        "month",
                        "placed",
                        "suppressed",
                    ],
                );
                for c in &self.cohorts {
                    for m in &c.months {
                        csv_line(
                            &mut out,
                            &[
                                c.cohort.code.clone(),
                                c.cohort.name.clone(),
                                c.employer_name.clone(),
                                opt(c.members),
                                m.month.clone(),
                                opt(m.placed),
                                m.suppressed.to_string(),
                            ],
                        );
                    }
                }
                return out;
            }
            EffectivenessTable::Outreach => {
                header(
                    &mut out,
                    &[
                        "area_code",
                        "area_name",
                        "industry_code",
                        "industry_name",
                        "firms_contacted",
                        "contacts",
                        "needs_found",
                        "positions_needed",
                        "hidden_vacancies_created",
                        "suppressed",
                    ],
                );
                for r in &self.outreach.cells {
                    let f = &r.figures;
                    csv_line(
                        &mut out,
                        &[
                            r.area.code.clone(),
                            r.area.name.clone(),
                            opt(r.industry.as_ref().map(|g| g.code.clone())),
                            opt(r.industry.as_ref().map(|g| g.name.clone())),
                            opt(f.firms_contacted),
                            opt(f.contacts),
                            opt(f.needs_found),
                            opt(f.positions_needed),
                            opt(f.hidden_vacancies_created),
                            f.suppressed.to_string(),
                        ],
                    );
                }
                return out;
            }
        };
        header(
            &mut out,
            &[
                "area_code",
                "area_name",
                "group_code",
                "group_name",
                "placements",
                "cross_regional_placements",
                "introductions",
                "introductions_per_hire",
                "mean_days_to_hire",
                "suppressed",
            ],
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
                    opt(f.placements),
                    opt(f.cross_regional_placements),
                    opt(f.introductions),
                    ratio(f.introductions_per_hire),
                    ratio(f.mean_days_to_hire),
                    f.suppressed.to_string(),
                ],
            );
        }
        out
    }
}

/// The months from `since` to `until` (inclusive), `YYYY-MM`.
pub fn months_between(since: NaiveDate, until: NaiveDate) -> Vec<String> {
    use chrono::Datelike;
    let mut out = Vec::new();
    let (mut y, mut m) = (since.year(), since.month());
    while (y, m) <= (until.year(), until.month()) {
        out.push(format!("{y:04}-{m:02}"));
        (y, m) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(placements: u64, introductions: u64) -> OutcomeTally {
        OutcomeTally {
            placements,
            cross_regional: placements / 2,
            introductions,
            days_to_hire: 30.0 * placements as f64,
        }
    }

    #[test]
    fn outcome_figures_derive_rates_from_the_counts() {
        let f = OutcomeFigures::of(&OutcomeTally {
            placements: 4,
            cross_regional: 1,
            introductions: 10,
            days_to_hire: 100.0,
        });
        assert_eq!(f.introductions_per_hire, Some(2.5));
        assert_eq!(f.mean_days_to_hire, Some(25.0));
        let none = OutcomeFigures::of(&t(0, 7));
        assert_eq!(none.introductions, Some(7));
        assert_eq!(none.introductions_per_hire, None);
        assert_eq!(none.mean_days_to_hire, None);
    }

    #[test]
    fn small_outcome_cells_are_withheld_with_a_partner() {
        // Row 0: 2 hires is small; the row's other cell goes too. Column 0
        // then has one withheld cell: row 1's cell of column 0 pays, and
        // row 1 then has one, so its other cell too.
        let cells = [
            (0, 0, t(2, 8)),
            (0, 1, t(9, 20)),
            (1, 0, t(30, 60)),
            (1, 1, t(40, 80)),
        ];
        assert_eq!(suppress_outcomes(&cells, true), vec![true; 4]);
        assert_eq!(suppress_outcomes(&cells, false), vec![false; 4]);
        // Introductions count as people too; zero is published.
        assert!(t(0, 3).is_small());
        assert!(!t(0, 0).is_small());
        assert!(!t(10, 5).is_small());
        assert!(t(5, 5).is_small(), "two of the five moved region");
        let published = publish_outcomes(&[(0, 0, t(1, 9)), (0, 1, t(0, 0))], true);
        assert!(published[0].suppressed && published[0].placements.is_none());
        assert_eq!(published[1].placements, Some(0));
    }

    #[test]
    fn outreach_cells_of_fewer_than_five_firms_are_withheld() {
        let tally = |firms| OutreachTally {
            firms,
            contacts: firms * 2,
            needs: firms,
            positions: firms * 3,
            hidden_vacancies: 1,
        };
        let cells = [(0, 0, tally(3)), (0, 1, tally(12)), (0, 2, tally(50))];
        let published = publish_outreach(&cells, true);
        assert!(published[0].suppressed);
        assert!(published[1].suppressed, "the smallest partner of the row");
        assert_eq!(published[2].firms_contacted, Some(50));
        assert_eq!(published[2].positions_needed, Some(150));
        assert!(publish_outreach(&cells, false)
            .iter()
            .all(|f| !f.suppressed));
    }

    #[test]
    fn months_and_csv() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        assert_eq!(
            months_between(d(2025, 11, 20), d(2026, 2, 1)),
            ["2025-11", "2025-12", "2026-01", "2026-02"]
        );
        assert!(months_between(d(2026, 3, 1), d(2026, 2, 1)).is_empty());
        let label = |code: &str, name: &str| Label {
            code: code.into(),
            name: name.into(),
        };
        let e = Effectiveness {
            since: d(2026, 1, 1),
            until: d(2026, 1, 31),
            grouping: Grouping::Occupation(1),
            disclosure_control: true,
            total: OutcomeFigures::of(&t(10, 20)),
            areas: vec![],
            groups: vec![],
            cells: vec![
                OutcomeRow {
                    area: label("01", "Uusimaa"),
                    group: Some(label("2", "Erityisasiantuntijat")),
                    figures: OutcomeFigures::of(&t(10, 20)),
                },
                OutcomeRow {
                    area: label("21", "Ahvenanmaa"),
                    group: Some(label("2", "Erityisasiantuntijat")),
                    figures: OutcomeFigures::suppressed(),
                },
            ],
            hires: vec![HireFlow {
                from: label("02", "Varsinais-Suomi"),
                to: label("01", "Uusimaa"),
                placements: Some(6),
                suppressed: false,
            }],
            months: vec!["2026-01".into()],
            cohorts: vec![CohortRow {
                cohort: label("7", "Tehdas, Kotka"),
                employer_name: "Paperi Oy".into(),
                members: Some(40),
                placed: Some(12),
                months: vec![CohortMonth {
                    month: "2026-01".into(),
                    placed: Some(12),
                    suppressed: false,
                }],
                suppressed: false,
            }],
            outreach: Outreach {
                total: OutreachFigures::suppressed(),
                areas: vec![],
                cells: vec![],
            },
            seconds: 0.0,
        };
        let csv = e.to_csv(EffectivenessTable::Cells);
        let lines: Vec<&str> = csv.split("\r\n").collect();
        assert_eq!(
            lines[0],
            "area_code,area_name,group_code,group_name,placements,cross_regional_placements,\
             introductions,introductions_per_hire,mean_days_to_hire,suppressed"
        );
        assert_eq!(
            lines[1],
            "01,Uusimaa,2,Erityisasiantuntijat,10,5,20,2.0000,30.0000,false"
        );
        assert_eq!(lines[2], "21,Ahvenanmaa,2,Erityisasiantuntijat,,,,,,true");
        assert_eq!(
            e.to_csv(EffectivenessTable::Hires),
            "from_code,from_name,to_code,to_name,placements,suppressed\r\n\
             02,Varsinais-Suomi,01,Uusimaa,6,false\r\n"
        );
        assert_eq!(
            e.to_csv(EffectivenessTable::Cohorts),
            "cohort_id,cohort_name,employer_name,members,month,placed,suppressed\r\n\
             7,\"Tehdas, Kotka\",Paperi Oy,40,2026-01,12,false\r\n"
        );
        assert!(e
            .to_csv(EffectivenessTable::Outreach)
            .starts_with("area_code,area_name,industry_code,industry_name,firms_contacted,"));
        assert_eq!("hires".parse(), Ok(EffectivenessTable::Hires));
        assert!("flows".parse::<EffectivenessTable>().is_err());
    }
}
