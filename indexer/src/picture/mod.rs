//! The live labour-market picture, tallied from one index snapshot: open
//! positions and active jobseekers per area × occupation (or industry), the
//! mismatch indexes, and the cross-region potential matrix, in which every
//! open position is scored against the jobseekers of its occupation group
//! with the matching engine's own scorer. The arithmetic and the published
//! shapes are in [`matcher::picture`].

pub(crate) mod cache;
pub mod effectiveness;
pub mod snapshot;

use std::collections::HashMap;
use std::time::Instant;

use chrono::NaiveDateTime;
use matcher::geography::Geography;
use matcher::industry::Industries;
use matcher::picture::{
    disclosure_control, jackman_roper, AreaLevel, Figures, Flow, Grouping, Label, Mismatch,
    Picture, Potential, Row, Tally, ABROAD, COUNTRY, UNKNOWN,
};
use matcher::records::{ProfileRecord, VacancyRecord, NO_REGION};
use matcher::scoring::Scope;
use matcher::taxonomy::{Lang, OccupationIdx, Taxonomy};

use crate::matching::{MatchEngine, MatchError, Profiles, Snapshot, Vacancies};
use cache::PotentialKey;

pub use cache::PotentialCache;

/// What picture to draw.
#[derive(Debug, Clone)]
pub struct PictureRequest {
    pub by: AreaLevel,
    pub grouping: Grouping,
    /// Withhold small cells (the analyst role).
    pub disclosure_control: bool,
    /// Compute the cross-region potential matrix (scores every open
    /// position; see [`PictureRequest::min_score`]).
    pub potential: bool,
    /// A pair at or above this score is a good match.
    pub min_score: f64,
    pub lang: Lang,
    pub now: NaiveDateTime,
}

/// Reuse a matrix of an unchanged index this long…
const POTENTIAL_SAME_INDEX: std::time::Duration = std::time::Duration::from_secs(600);
/// … and of a changed one this long.
const POTENTIAL_ANY_INDEX: std::time::Duration = std::time::Duration::from_secs(60);

/// The rows or columns of a picture: codes, names and lookups.
struct Axis {
    labels: Vec<Label>,
    /// Index of the `abroad` / `unknown` entries.
    abroad: usize,
    unknown: usize,
}

/// The `abroad` and `unknown` labels.
fn special(lang: Lang) -> [Label; 2] {
    let (abroad, unknown) = match lang {
        Lang::Fi => ("Ulkomailla", "Tuntematon"),
        Lang::Sv => ("Utomlands", "Okänd"),
        Lang::En => ("Abroad", "Unknown"),
    };
    [
        Label {
            code: ABROAD.into(),
            name: abroad.into(),
        },
        Label {
            code: UNKNOWN.into(),
            name: unknown.into(),
        },
    ]
}

impl Axis {
    fn new(mut labels: Vec<Label>, lang: Lang) -> Axis {
        labels.extend(special(lang));
        let n = labels.len();
        Axis {
            labels,
            abroad: n - 2,
            unknown: n - 1,
        }
    }

    fn len(&self) -> usize {
        self.labels.len()
    }

    fn known(&self, i: usize) -> bool {
        i != self.abroad && i != self.unknown
    }
}

/// The areas of `level` and the area of every municipality.
fn areas(geography: &Geography, level: AreaLevel, lang: Lang) -> (Axis, HashMap<String, usize>) {
    let mut labels: Vec<Label> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut of_municipality = HashMap::new();
    if level == AreaLevel::Region {
        // In the geography's order (region codes), including any region
        // without municipalities.
        for r in geography.regions() {
            index.insert(r.code.clone(), labels.len());
            labels.push(Label {
                code: r.code.clone(),
                name: r.name(lang).to_owned(),
            });
        }
    }
    for m in geography.municipalities() {
        let (code, name) = match level {
            AreaLevel::Country => (COUNTRY.to_owned(), "Suomi / Finland".to_owned()),
            AreaLevel::Region => (m.region_code.clone(), String::new()),
            AreaLevel::SubRegion => (m.sub_region_code.clone(), m.sub_region_name_fi.clone()),
            AreaLevel::Ely => (m.ely_code.clone(), m.ely_abbr.clone()),
            AreaLevel::Municipality => (m.code.clone(), m.name(lang).to_owned()),
        };
        let i = *index.entry(code.clone()).or_insert_with(|| {
            labels.push(Label { code, name });
            labels.len() - 1
        });
        of_municipality.insert(m.code.clone(), i);
    }
    if level != AreaLevel::Region {
        // Sorted by code, as the statistics publish them.
        let mut order: Vec<usize> = (0..labels.len()).collect();
        order.sort_by(|&a, &b| labels[a].code.cmp(&labels[b].code));
        let mut position = vec![0; labels.len()];
        for (new, &old) in order.iter().enumerate() {
            position[old] = new;
        }
        labels = order.iter().map(|&i| labels[i].clone()).collect();
        for i in of_municipality.values_mut() {
            *i = position[*i];
        }
    }
    (Axis::new(labels, lang), of_municipality)
}

/// The groups of `grouping` and the group of every ISCO unit group or
/// industry code.
fn groups(
    taxonomy: &Taxonomy,
    industries: Option<&Industries>,
    grouping: Grouping,
    lang: Lang,
) -> (Axis, HashMap<String, usize>) {
    let mut labels = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    match grouping {
        Grouping::Occupation(level) => {
            for g in taxonomy.isco_groups() {
                if g.level() == level {
                    index.insert(g.code.clone(), labels.len());
                    labels.push(Label {
                        code: g.code.clone(),
                        name: g.labels.get(lang).to_owned(),
                    });
                }
            }
        }
        Grouping::Industry(level) => {
            for industry in industries.into_iter().flat_map(|i| i.iter()) {
                if industry.level == level {
                    index.insert(industry.code.clone(), labels.len());
                    labels.push(Label {
                        code: industry.code.clone(),
                        name: industry.labels.get(lang).to_owned(),
                    });
                }
            }
            // Divisions (and deeper classes) map to their section.
            for industry in industries.into_iter().flat_map(|i| i.iter()) {
                let mut at = industry;
                while at.level > level {
                    match at.parent.as_deref().and_then(|p| industries?.get(p)) {
                        Some(parent) => at = parent,
                        None => break,
                    }
                }
                if let Some(&i) = index.get(&at.code) {
                    index.insert(industry.code.clone(), i);
                }
            }
        }
    }
    (Axis::new(labels, lang), index)
}

/// The tallies of one snapshot: a dense area × group grid.
struct Grid {
    groups: usize,
    cells: Vec<Tally>,
}

impl Grid {
    fn at(&mut self, area: usize, group: usize) -> &mut Tally {
        &mut self.cells[area * self.groups + group]
    }

    fn get(&self, area: usize, group: usize) -> &Tally {
        &self.cells[area * self.groups + group]
    }
}

impl MatchEngine {
    /// The labour-market picture of the current index.
    pub fn picture(&self, r: &PictureRequest) -> Result<Picture, MatchError> {
        let started = Instant::now();
        let snapshot = self.snapshot()?;
        let taxonomy = &self.reference.taxonomy;
        let geography = &self.reference.geography;
        let industries = match r.grouping {
            Grouping::Industry(_) => self.store.read(crate::store::taxonomy::load_industries)?,
            Grouping::Occupation(_) => None,
        };
        let now = r.now.and_utc().timestamp();
        let lang = r.lang;
        let counts_jobseekers = r.grouping.counts_jobseekers();
        let (areas, area_of) = areas(geography, r.by, lang);
        let (groups, group_of) = groups(taxonomy, industries.as_ref(), r.grouping, lang);
        // The group of each occupation (a jobseeker's is their first
        // desired occupation, or else the latest in their work history).
        let group = |code: &str| -> usize {
            let code = match r.grouping {
                Grouping::Occupation(level) => code.get(..level as usize).unwrap_or(code),
                Grouping::Industry(_) => code,
            };
            *group_of.get(code).unwrap_or(&groups.unknown)
        };
        let occupation_group: Vec<usize> = taxonomy
            .occupations()
            .map(|(_, o)| group(&o.isco_code))
            .collect();
        let mut grid = Grid {
            groups: groups.len(),
            cells: vec![Tally::default(); areas.len() * groups.len()],
        };
        let area = |municipality: Option<&str>, abroad: bool| match municipality {
            Some(m) => *area_of.get(m).unwrap_or(&areas.unknown),
            None if abroad => areas.abroad,
            None => areas.unknown,
        };
        snapshot.live::<Profiles>().for_each(|(_, p)| {
            if !p.active {
                return;
            }
            let group = if counts_jobseekers {
                primary_occupation(p)
                    .and_then(|o| occupation_group.get(o as usize).copied())
                    .unwrap_or(groups.unknown)
            } else {
                groups.unknown
            };
            let a = area(p.home.as_deref(), p.abroad.is_some());
            grid.at(a, group).jobseekers += 1;
        });
        snapshot.live::<Vacancies>().for_each(|(_, v)| {
            if !v.open_at(now) {
                return;
            }
            let group = match r.grouping {
                Grouping::Occupation(_) => v.isco.as_deref(),
                Grouping::Industry(_) => v.industry.as_deref(),
            }
            .map_or(groups.unknown, group);
            let cell = grid.at(area(v.municipality.as_deref(), false), group);
            cell.vacancies += 1;
            cell.positions += u64::from(v.positions);
            cell.days_open += v
                .created
                .map_or(0.0, |c| ((now - c) as f64 / 86_400.0).max(0.0));
        });

        let mut area_totals = vec![Tally::default(); areas.len()];
        let mut group_totals = vec![Tally::default(); groups.len()];
        let mut total = Tally::default();
        for (a, area_total) in area_totals.iter_mut().enumerate() {
            for (g, group_total) in group_totals.iter_mut().enumerate() {
                let t = *grid.get(a, g);
                area_total.add(&t);
                group_total.add(&t);
                total.add(&t);
            }
        }
        let mismatch = Mismatch {
            across_areas: jackman_roper(
                (0..areas.len())
                    .filter(|&a| areas.known(a))
                    .map(|a| (area_totals[a].jobseekers, area_totals[a].positions)),
            ),
            across_groups: if counts_jobseekers {
                jackman_roper(
                    (0..groups.len())
                        .filter(|&g| groups.known(g))
                        .map(|g| (group_totals[g].jobseekers, group_totals[g].positions)),
                )
            } else {
                None
            },
            across_cells: if counts_jobseekers {
                let known: Vec<(u64, u64)> = (0..areas.len())
                    .filter(|&a| areas.known(a))
                    .flat_map(|a| {
                        (0..groups.len())
                            .filter(|&g| groups.known(g))
                            .map(move |g| (a, g))
                    })
                    .map(|(a, g)| {
                        let t = grid.get(a, g);
                        (t.jobseekers, t.positions)
                    })
                    .collect();
                jackman_roper(known.iter().copied())
            } else {
                None
            },
        };

        // Published tables: every known area, the non-empty groups and
        // cells; abroad / unknown only when non-empty.
        let empty = |t: &Tally| t.vacancies == 0 && t.jobseekers == 0;
        let area_rows: Vec<usize> = (0..areas.len())
            .filter(|&a| areas.known(a) || !empty(&area_totals[a]))
            .collect();
        let group_rows: Vec<usize> = (0..groups.len())
            .filter(|&g| !empty(&group_totals[g]))
            .collect();
        let cell_rows: Vec<(usize, usize)> = (0..areas.len())
            .flat_map(|a| (0..groups.len()).map(move |g| (a, g)))
            .filter(|&(a, g)| !empty(grid.get(a, g)))
            .collect();
        let publish = |tallies: Vec<(usize, usize, Tally)>, counts_jobseekers: bool| {
            let suppressed = if r.disclosure_control {
                disclosure_control(&tallies, counts_jobseekers)
            } else {
                vec![false; tallies.len()]
            };
            tallies
                .iter()
                .zip(suppressed)
                .map(|((_, _, t), s)| {
                    if s {
                        Figures::suppressed()
                    } else {
                        Figures::of(t, counts_jobseekers)
                    }
                })
                .collect::<Vec<Figures>>()
        };
        // The area (and group) totals add up to the published total, so
        // each set is one line of the table. Per-area figures count every
        // jobseeker of the area, whatever the grouping.
        let area_figures = publish(
            area_rows.iter().map(|&a| (0, a, area_totals[a])).collect(),
            true,
        );
        let group_figures = publish(
            group_rows
                .iter()
                .map(|&g| (0, g, group_totals[g]))
                .collect(),
            counts_jobseekers,
        );
        let cell_figures = publish(
            cell_rows
                .iter()
                .map(|&(a, g)| (a, g, *grid.get(a, g)))
                .collect(),
            counts_jobseekers,
        );
        let country = Label {
            code: COUNTRY.into(),
            name: "Suomi / Finland".into(),
        };
        let row = |a: Option<usize>, g: Option<usize>, figures: Figures| Row {
            area: a.map_or_else(|| country.clone(), |a| areas.labels[a].clone()),
            group: g.map(|g| groups.labels[g].clone()),
            figures,
        };
        let potential = if r.potential {
            Some(self.cached_potential(&snapshot, r, now)?)
        } else {
            None
        };
        let mut total_figures = Figures::of(&total, true);
        if r.disclosure_control && total.is_small(true) {
            total_figures = Figures::suppressed();
        }
        Ok(Picture {
            as_of: r.now,
            by: r.by,
            grouping: r.grouping,
            disclosure_control: r.disclosure_control,
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
            mismatch,
            potential,
            seconds: started.elapsed().as_secs_f64(),
        })
    }

    /// The potential matrix, reused while fresh enough (computing it scores
    /// every open position: seconds at national scale).
    fn cached_potential(
        &self,
        snapshot: &Snapshot,
        r: &PictureRequest,
        now: i64,
    ) -> Result<Potential, MatchError> {
        let key = PotentialKey {
            index: snapshot.index.dir.clone(),
            searcher: snapshot.searcher.generation().generation_id(),
            min_score: r.min_score,
            disclosure_control: r.disclosure_control,
            lang: r.lang,
        };
        let fresh = |(k, at, _): &(PotentialKey, Instant, Potential)| {
            let same = k.index == key.index
                && k.min_score == key.min_score
                && k.disclosure_control == key.disclosure_control
                && k.lang == key.lang;
            same && (at.elapsed() < POTENTIAL_ANY_INDEX
                || (k.searcher == key.searcher && at.elapsed() < POTENTIAL_SAME_INDEX))
        };
        let mut cache = self.potential.0.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(hit) = cache.as_ref().filter(|c| fresh(c)) {
            return Ok(hit.2.clone());
        }
        // Computed under the lock: concurrent requests wait for one
        // computation instead of each starting their own.
        let potential = self.potential(snapshot, r, now)?;
        *cache = Some((key, Instant::now(), potential.clone()));
        Ok(potential)
    }

    /// The cross-region potential matrix: for every open position (of a
    /// vacancy with an occupation group and a region), the origin regions
    /// that have a jobseeker of the vacancy's ISCO unit group (desired or
    /// worked in) whose mobility reaches the vacancy and who scores at
    /// least `min_score`. Each origin needs one such jobseeker, so the
    /// search of an origin stops at the first.
    fn potential(
        &self,
        snapshot: &Snapshot,
        r: &PictureRequest,
        now: i64,
    ) -> Result<Potential, MatchError> {
        let started = Instant::now();
        let taxonomy = &self.reference.taxonomy;
        let geography = &self.reference.geography;
        let regions: Vec<&matcher::geography::Region> = geography.regions().collect();
        let n = regions.len();
        // Origins: the regions, then abroad.
        let abroad = n;
        let origin = |p: &ProfileRecord| -> Option<usize> {
            if p.home_region != NO_REGION {
                Some(p.home_region as usize)
            } else if p.home.is_none() && p.abroad.is_some() {
                Some(abroad)
            } else {
                None
            }
        };
        // The pool of each ISCO unit group, ordered by origin.
        let mut pools: HashMap<&str, Vec<(usize, &ProfileRecord)>> = HashMap::new();
        let mut units: Vec<&str> = Vec::new();
        snapshot.live::<Profiles>().for_each(|(_, p)| {
            if !p.active {
                return;
            }
            let Some(o) = origin(p) else {
                return;
            };
            units.clear();
            let occupations = p.desired.iter().copied().chain(p.past.iter().map(|x| x.0));
            for occupation in occupations {
                if (occupation as usize) < taxonomy.occupation_count() {
                    let code = taxonomy
                        .occupation(OccupationIdx(occupation))
                        .isco_code
                        .as_str();
                    if !units.contains(&code) {
                        units.push(code);
                    }
                }
            }
            for &u in &units {
                pools.entry(u).or_default().push((o, p));
            }
        });
        for pool in pools.values_mut() {
            pool.sort_by_key(|(o, p)| (*o, p.id));
        }
        let mut vacancies: Vec<&VacancyRecord> = Vec::new();
        snapshot.live::<Vacancies>().for_each(|(_, v)| {
            if v.open_at(now) && v.region != NO_REGION && v.isco.is_some() {
                vacancies.push(v);
            }
        });
        let positions_considered = vacancies.iter().map(|v| u64::from(v.positions)).sum();
        // (origin, destination) → (vacancies, positions), per worker.
        let terms = self.terms(&snapshot.searcher);
        let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
        let next = std::sync::atomic::AtomicUsize::new(0);
        type Counts = (Vec<(u64, u64)>, u64, u64);
        let partials: Vec<Counts> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..workers)
                .map(|_| {
                    scope.spawn(|| {
                        let scorer = self.scorer(&terms, Lang::En);
                        let mut flows = vec![(0u64, 0u64); (n + 1) * n];
                        let (mut local, mut elsewhere) = (0u64, 0u64);
                        let mut reached = vec![false; n + 1];
                        loop {
                            let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                            let Some(v) = vacancies.get(i) else {
                                return (flows, local, elsewhere);
                            };
                            let Some(pool) = v.isco.as_deref().and_then(|u| pools.get(u)) else {
                                continue;
                            };
                            let destination = v.region as usize;
                            let mut scoring = scorer.candidates_for(v);
                            reached.fill(false);
                            for &(o, p) in pool {
                                if reached[o] {
                                    continue;
                                }
                                if scoring
                                    .total(p, Scope::Mobility)
                                    .is_some_and(|t| t >= r.min_score)
                                {
                                    reached[o] = true;
                                    let cell = &mut flows[o * n + destination];
                                    cell.0 += 1;
                                    cell.1 += u64::from(v.positions);
                                }
                            }
                            if reached[destination] {
                                local += u64::from(v.positions);
                            } else if reached.iter().any(|&x| x) {
                                elsewhere += u64::from(v.positions);
                            }
                        }
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                .collect()
        });
        let mut flows = vec![(0u64, 0u64); (n + 1) * n];
        let (mut local, mut elsewhere) = (0, 0);
        for (part, l, e) in partials {
            for (cell, p) in flows.iter_mut().zip(part) {
                cell.0 += p.0;
                cell.1 += p.1;
            }
            local += l;
            elsewhere += e;
        }
        let label = |o: usize| -> Label {
            if o == abroad {
                let [abroad, _] = special(r.lang);
                abroad
            } else {
                Label {
                    code: regions[o].code.clone(),
                    name: regions[o].name(r.lang).to_owned(),
                }
            }
        };
        let nonempty: Vec<(usize, usize, Tally)> = (0..=n)
            .flat_map(|o| (0..n).map(move |d| (o, d)))
            .filter_map(|(o, d)| {
                let (vacancies, positions) = flows[o * n + d];
                (positions > 0).then_some((
                    o,
                    d,
                    Tally {
                        vacancies,
                        positions,
                        jobseekers: 0,
                        days_open: 0.0,
                    },
                ))
            })
            .collect();
        let suppressed = if r.disclosure_control {
            disclosure_control(&nonempty, false)
        } else {
            vec![false; nonempty.len()]
        };
        Ok(Potential {
            min_score: r.min_score,
            positions_considered,
            positions_matched_locally: local,
            positions_matched_only_elsewhere: elsewhere,
            flows: nonempty
                .iter()
                .zip(suppressed)
                .map(|((o, d, t), s)| Flow {
                    from: label(*o),
                    to: label(*d),
                    open_vacancies: (!s).then_some(t.vacancies),
                    open_positions: (!s).then_some(t.positions),
                    suppressed: s,
                })
                .collect(),
            computed_at: chrono::Utc::now().naive_utc(),
            seconds: started.elapsed().as_secs_f64(),
        })
    }
}

/// A jobseeker's occupation for the picture: the first desired one, or the
/// latest of the work history.
fn primary_occupation(p: &ProfileRecord) -> Option<u32> {
    p.desired.first().copied().or(p.past.first().map(|x| x.0))
}
