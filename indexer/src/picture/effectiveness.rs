//! Effectiveness in the picture, tallied from the store for a period:
//! placements per region of the job × occupation (or industry), the flow
//! matrix of actual hires, introductions per hire, days to a hire, layoff
//! cohorts placed month by month, and employer outreach per region ×
//! industry. The arithmetic and the published shapes are in
//! [`matcher::effectiveness`].

use std::collections::HashMap;
use std::time::Instant;

use chrono::NaiveDate;
use matcher::effectiveness::{
    months_between, publish_outcomes, publish_outreach, suppress_counts, CohortMonth, CohortRow,
    Effectiveness, HireFlow, OutcomeFigures, OutcomeRow, OutcomeTally, Outreach, OutreachFigures,
    OutreachRow, OutreachTally,
};
use matcher::picture::{is_small_count, AreaLevel, Grouping, Label, COUNTRY};
use matcher::taxonomy::Lang;

use super::{areas, groups, Axis};
use crate::matching::{MatchEngine, MatchError};
use crate::store::{introductions, outcomes};

/// What effectiveness to tally.
#[derive(Debug, Clone)]
pub struct EffectivenessRequest {
    /// First day of the period.
    pub since: NaiveDate,
    /// Last day of the period (inclusive).
    pub until: NaiveDate,
    /// Columns of the outcome tables; outreach is always by industry
    /// (divisions with `Industry(2)`, else sections).
    pub grouping: Grouping,
    /// Withhold small cells (the analyst role).
    pub disclosure_control: bool,
    pub lang: Lang,
}

/// Longest period, in days (ten years).
pub const MAX_PERIOD_DAYS: i64 = 3_660;

/// The region rows: codes to indexes.
fn region_index(axis: &Axis) -> HashMap<&str, usize> {
    axis.labels
        .iter()
        .enumerate()
        .map(|(i, l)| (l.code.as_str(), i))
        .collect()
}

/// Dense area × group outcome tallies with their line totals.
struct Table<T> {
    groups: usize,
    cells: Vec<T>,
}

impl<T: Default + Clone> Table<T> {
    fn new(areas: usize, groups: usize) -> Self {
        Table {
            groups,
            cells: vec![T::default(); areas * groups],
        }
    }

    fn at(&mut self, area: usize, group: usize) -> &mut T {
        &mut self.cells[area * self.groups + group]
    }

    fn get(&self, area: usize, group: usize) -> &T {
        &self.cells[area * self.groups + group]
    }
}

impl MatchEngine {
    /// What the services achieved from `since` to `until`.
    pub fn effectiveness(&self, r: &EffectivenessRequest) -> Result<Effectiveness, MatchError> {
        let started = Instant::now();
        let geography = &self.reference.geography;
        let taxonomy = &self.reference.taxonomy;
        let industries = self.store.read(crate::store::taxonomy::load_industries)?;
        let (areas, area_of_municipality) = areas(geography, AreaLevel::Region, r.lang);
        let area_of_region = region_index(&areas);
        let (groups, group_of) = groups(taxonomy, industries.as_ref(), r.grouping, r.lang);
        // A vacancy's ISCO code is the one it was coded with, else its ESCO
        // occupation's, as in the picture.
        let group = |isco: Option<&str>, uri: Option<&str>, industry: Option<&str>| -> usize {
            let isco = isco.or_else(|| {
                uri.and_then(|u| taxonomy.occupation_by_uri(u))
                    .map(|o| o.isco_code.as_str())
            });
            let code = match r.grouping {
                Grouping::Occupation(level) => isco.map(|c| c.get(..level as usize).unwrap_or(c)),
                Grouping::Industry(_) => industry,
            };
            code.and_then(|c| group_of.get(c).copied())
                .unwrap_or(groups.unknown)
        };
        let region = |code: &str| *area_of_region.get(code).unwrap_or(&areas.unknown);

        let (hired, introduced, sizes, cohort_hires, contacts) = self.store.read(|c| {
            let since = r.since.and_time(chrono::NaiveTime::MIN);
            let until = crate::store::snapshots::day_after(r.until);
            let hired: Vec<_> = introductions::placements_since(c, since)?
                .into_iter()
                .filter(|p| p.hired_at < until)
                .collect();
            Ok((
                hired,
                outcomes::introductions_between(c, r.since, r.until)?,
                outcomes::cohort_sizes(c)?,
                outcomes::cohort_placements(c, r.since, r.until)?,
                outcomes::outreach_between(c, r.since, r.until)?,
            ))
        })?;

        // Outcomes per region of the job × group.
        let mut table: Table<OutcomeTally> = Table::new(areas.len(), groups.len());
        let mut flows: HashMap<(usize, usize), u64> = HashMap::new();
        for p in &hired {
            let to = region(&p.to_region_code);
            let from = region(&p.from_region_code);
            let cell = table.at(
                to,
                group(
                    p.isco_code.as_deref(),
                    p.occupation_uri.as_deref(),
                    p.industry_code.as_deref(),
                ),
            );
            cell.placements += 1;
            cell.cross_regional += u64::from(p.from_region_code != p.to_region_code);
            cell.days_to_hire +=
                ((p.hired_at - p.vacancy_created_at).num_seconds() as f64 / 86_400.0).max(0.0);
            *flows.entry((from, to)).or_default() += 1;
        }
        for i in &introduced {
            let area = i
                .municipality
                .as_deref()
                .and_then(|m| area_of_municipality.get(m).copied())
                .unwrap_or(areas.unknown);
            table
                .at(
                    area,
                    group(
                        i.isco_code.as_deref(),
                        i.occupation_uri.as_deref(),
                        i.industry_code.as_deref(),
                    ),
                )
                .introductions += 1;
        }
        let mut area_totals = vec![OutcomeTally::default(); areas.len()];
        let mut group_totals = vec![OutcomeTally::default(); groups.len()];
        let mut total = OutcomeTally::default();
        for (a, area_total) in area_totals.iter_mut().enumerate() {
            for (g, group_total) in group_totals.iter_mut().enumerate() {
                let t = *table.get(a, g);
                area_total.add(&t);
                group_total.add(&t);
                total.add(&t);
            }
        }
        let empty = |t: &OutcomeTally| t.placements == 0 && t.introductions == 0;
        // Every known region (a map has no holes), non-empty groups and cells.
        let area_rows: Vec<usize> = (0..areas.len())
            .filter(|&a| areas.known(a) || !empty(&area_totals[a]))
            .collect();
        let group_rows: Vec<usize> = (0..groups.len())
            .filter(|&g| !empty(&group_totals[g]))
            .collect();
        let cell_rows: Vec<(usize, usize)> = (0..areas.len())
            .flat_map(|a| (0..groups.len()).map(move |g| (a, g)))
            .filter(|&(a, g)| !empty(table.get(a, g)))
            .collect();
        let on = r.disclosure_control;
        // The area rows and the group rows each add up to the total: each
        // set is one line.
        let area_figures = publish_outcomes(
            &area_rows
                .iter()
                .map(|&a| (0, a, area_totals[a]))
                .collect::<Vec<_>>(),
            on,
        );
        let group_figures = publish_outcomes(
            &group_rows
                .iter()
                .map(|&g| (0, g, group_totals[g]))
                .collect::<Vec<_>>(),
            on,
        );
        let cell_figures = publish_outcomes(
            &cell_rows
                .iter()
                .map(|&(a, g)| (a, g, *table.get(a, g)))
                .collect::<Vec<_>>(),
            on,
        );
        let country = Label {
            code: COUNTRY.into(),
            name: "Suomi / Finland".into(),
        };
        let row = |a: Option<usize>, g: Option<usize>, figures: OutcomeFigures| OutcomeRow {
            area: a.map_or_else(|| country.clone(), |a| areas.labels[a].clone()),
            group: g.map(|g| groups.labels[g].clone()),
            figures,
        };

        // The flow matrix of hires, by origin then destination.
        let mut pairs: Vec<(usize, usize, u64)> =
            flows.into_iter().map(|((f, t), n)| (f, t, n)).collect();
        pairs.sort_unstable();
        let hires = pairs
            .iter()
            .zip(suppress_counts(&pairs, on))
            .map(|(&(from, to, n), s)| HireFlow {
                from: areas.labels[from].clone(),
                to: areas.labels[to].clone(),
                placements: (!s).then_some(n),
                suppressed: s,
            })
            .collect();

        let months = months_between(r.since, r.until);
        let cohorts = cohort_rows(&months, &sizes, &cohort_hires, on);
        let outreach = self.outreach(r, industries.as_ref(), &contacts)?;
        let mut total_figures = OutcomeFigures::of(&total);
        if on && total.is_small() {
            total_figures = OutcomeFigures::suppressed();
        }
        Ok(Effectiveness {
            since: r.since,
            until: r.until,
            grouping: r.grouping,
            disclosure_control: on,
            total: total_figures,
            areas: area_rows
                .iter()
                .zip(area_figures)
                .map(|(&a, f)| row(Some(a), None, f))
                .collect(),
            groups: group_rows
                .iter()
                .zip(group_figures)
                .map(|(&g, f)| row(None, Some(g), f))
                .collect(),
            cells: cell_rows
                .iter()
                .zip(cell_figures)
                .map(|(&(a, g), f)| row(Some(a), Some(g), f))
                .collect(),
            hires,
            months,
            cohorts,
            outreach,
            seconds: started.elapsed().as_secs_f64(),
        })
    }

    /// Outreach per region of the firm × its industry.
    fn outreach(
        &self,
        r: &EffectivenessRequest,
        industries: Option<&matcher::industry::Industries>,
        contacts: &[outcomes::OutreachFact],
    ) -> Result<Outreach, MatchError> {
        let level = match r.grouping {
            Grouping::Industry(2) => 2,
            _ => 1,
        };
        let (areas, area_of) = areas(&self.reference.geography, AreaLevel::Region, r.lang);
        let (groups, group_of) = groups(
            &self.reference.taxonomy,
            industries,
            Grouping::Industry(level),
            r.lang,
        );
        let mut table: Table<OutreachTally> = Table::new(areas.len(), groups.len());
        let mut firms: HashMap<(usize, usize), std::collections::HashSet<i64>> = HashMap::new();
        for c in contacts {
            let a = c
                .firm_municipality
                .as_deref()
                .and_then(|m| area_of.get(m).copied())
                .unwrap_or(areas.unknown);
            let g = c
                .firm_industry
                .as_deref()
                .and_then(|i| group_of.get(i).copied())
                .unwrap_or(groups.unknown);
            firms.entry((a, g)).or_default().insert(c.firm);
            let cell = table.at(a, g);
            cell.contacts += 1;
            for &(positions, hidden) in &c.needs {
                cell.needs += 1;
                cell.positions += positions;
                cell.hidden_vacancies += u64::from(hidden);
            }
        }
        for (&(a, g), set) in &firms {
            table.at(a, g).firms = set.len() as u64;
        }
        let mut area_totals = vec![OutreachTally::default(); areas.len()];
        let mut total = OutreachTally::default();
        for (a, area_total) in area_totals.iter_mut().enumerate() {
            for g in 0..groups.len() {
                area_total.add(table.get(a, g));
            }
            total.add(area_total);
        }
        // A firm belongs to one region and one industry, so firm counts add
        // up across cells as the other counts do.
        let cell_rows: Vec<(usize, usize)> = (0..areas.len())
            .flat_map(|a| (0..groups.len()).map(move |g| (a, g)))
            .filter(|&(a, g)| table.get(a, g).contacts > 0)
            .collect();
        let area_rows: Vec<usize> = (0..areas.len())
            .filter(|&a| areas.known(a) || area_totals[a].contacts > 0)
            .collect();
        let on = r.disclosure_control;
        let cell_figures = publish_outreach(
            &cell_rows
                .iter()
                .map(|&(a, g)| (a, g, *table.get(a, g)))
                .collect::<Vec<_>>(),
            on,
        );
        let area_figures = publish_outreach(
            &area_rows
                .iter()
                .map(|&a| (0, a, area_totals[a]))
                .collect::<Vec<_>>(),
            on,
        );
        Ok(Outreach {
            total: if on && is_small_count(total.firms) {
                OutreachFigures::suppressed()
            } else {
                OutreachFigures::of(&total)
            },
            areas: area_rows
                .iter()
                .zip(area_figures)
                .map(|(&a, figures)| OutreachRow {
                    area: areas.labels[a].clone(),
                    industry: None,
                    figures,
                })
                .collect(),
            cells: cell_rows
                .iter()
                .zip(cell_figures)
                .map(|(&(a, g), figures)| OutreachRow {
                    area: areas.labels[a].clone(),
                    industry: Some(groups.labels[g].clone()),
                    figures,
                })
                .collect(),
        })
    }
}

/// Each cohort's members placed per month of the period. For analysts a
/// cohort of 1–4 members is withheld whole, and the month cells (cohort ×
/// month, with the cohort's placed total published) get the picture's
/// primary and secondary suppression.
fn cohort_rows(
    months: &[String],
    sizes: &[outcomes::CohortSize],
    hires: &[(i64, i64, chrono::NaiveDateTime)],
    on: bool,
) -> Vec<CohortRow> {
    let month_of: HashMap<&str, usize> = months
        .iter()
        .enumerate()
        .map(|(i, m)| (m.as_str(), i))
        .collect();
    let mut placed: HashMap<i64, Vec<u64>> = HashMap::new();
    for (cohort, _, at) in hires {
        if let Some(&m) = month_of.get(at.format("%Y-%m").to_string().as_str()) {
            placed
                .entry(*cohort)
                .or_insert_with(|| vec![0; months.len()])[m] += 1;
        }
    }
    let cells: Vec<(usize, usize, u64)> = sizes
        .iter()
        .enumerate()
        .flat_map(|(row, c)| {
            let counts = placed
                .get(&c.id)
                .cloned()
                .unwrap_or_else(|| vec![0; months.len()]);
            counts
                .into_iter()
                .enumerate()
                .map(move |(m, n)| (row, m, n))
        })
        .collect();
    let suppressed = suppress_counts(&cells, on);
    sizes
        .iter()
        .enumerate()
        .map(|(row, c)| {
            let whole = on && is_small_count(c.members);
            let line = &cells[row * months.len()..(row + 1) * months.len()];
            let flags = &suppressed[row * months.len()..(row + 1) * months.len()];
            CohortRow {
                cohort: Label {
                    code: c.id.to_string(),
                    name: c.name.clone(),
                },
                employer_name: c.employer_name.clone(),
                members: (!whole).then_some(c.members),
                // The placed total is a count of people too.
                placed: Some(line.iter().map(|x| x.2).sum())
                    .filter(|&n| !(whole || (on && is_small_count(n)))),
                months: line
                    .iter()
                    .zip(flags)
                    .map(|(&(_, m, n), &s)| CohortMonth {
                        month: months[m].clone(),
                        placed: (!(s || whole)).then_some(n),
                        suppressed: s || whole,
                    })
                    .collect(),
                suppressed: whole,
            }
        })
        .collect()
}
