//! Nationwide assignment of a cohort (the people one employer lays off):
//! each member's exact top-k vacancies from the matching engine (one index
//! snapshot, both cores), then the optimal assignment under each vacancy's
//! open positions ([`matcher::assignment`]). Members whose candidate list
//! might hide a better answer (the assignment's dual certificate fails) get
//! longer lists and the assignment is solved again, so the result is
//! optimal over every eligible vacancy, not only over the first lists.

use std::collections::{BTreeMap, HashMap};
use std::time::Instant;

use chrono::NaiveDateTime;
use matcher::assignment::{assign, greedy, Problem};
use matcher::domain::{JobseekerProfile, VacancyId};
use matcher::domain::{Relocation, RemoteMode};
use matcher::geography::{haversine_km, Geography};
use matcher::ranking::TopK;
use matcher::records::{ProfileRecord, NO_REGION};
use matcher::retrieval::VacancyAccess;
use matcher::scoring::{Scope, VacancyScoring};
use serde::Serialize;

use crate::matching::{vacancy_visible, Address, MatchEngine, MatchError, Snapshot};

/// How to assign.
#[derive(Debug, Clone, Serialize)]
pub struct AssignmentOptions {
    /// Pairs below this score are not made: the member counts as without a
    /// good match.
    pub min_score: f64,
    /// Candidate vacancies per member in the first round.
    pub candidates: usize,
    /// Alternatives reported per member besides its assignment.
    pub alternatives: usize,
    pub scope: Scope,
    pub now: NaiveDateTime,
}

/// A vacancy and how well it fits.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Choice {
    pub vacancy_id: i64,
    pub score: f64,
}

/// One member's result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Placement {
    pub profile_id: i64,
    pub home_region: Option<String>,
    pub assigned: Option<Choice>,
    pub alternatives: Vec<Choice>,
}

/// Per home region of the members.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RegionReport {
    /// Region code, or `abroad` / `unknown`.
    pub region: String,
    pub members: u64,
    pub placed: u64,
    /// Members with no vacancy at or above the minimum score left for them.
    pub without_good_match: u64,
    /// ESCO skills most often missing (essential) in the best vacancy of
    /// members without a good match: retraining needs, most frequent first.
    pub missing_skills: Vec<(String, u64)>,
}

/// A cohort's assignment.
#[derive(Debug, Clone, Serialize)]
pub struct CohortAssignment {
    pub members: u64,
    pub placed: u64,
    pub total_score: f64,
    /// What greedy assignment (best pair first) reaches on the same lists.
    pub greedy_total_score: f64,
    /// Rounds of list extension until the certificate held.
    pub rounds: u32,
    /// Whether the optimality certificate holds for every member.
    pub certified: bool,
    pub seconds: f64,
    pub regions: Vec<RegionReport>,
    pub placements: Vec<Placement>,
}

/// A member's candidate list: (vacancy id, score, where its record is),
/// best first, and the score no left-out vacancy exceeds.
struct List {
    choices: Vec<(i64, f64, Address)>,
    cutoff: f64,
}

/// Open vacancies a cohort can be assigned to, by region (the last bucket:
/// no region), and the fully remote ones with their region.
struct Buckets {
    by_region: Vec<Vec<Address>>,
    remote: Vec<(usize, tantivy::DocId, usize)>,
}

impl Buckets {
    fn new(snapshot: &Snapshot, regions: usize, now: i64) -> Buckets {
        let mut by_region = vec![Vec::new(); regions + 1];
        let mut remote = Vec::new();
        for (ord, segment) in snapshot.searcher.segment_readers().iter().enumerate() {
            let alive = segment.alive_bitset();
            for (doc, v) in snapshot.segments[ord].vacancies() {
                if alive.is_some_and(|a| !a.is_alive(*doc))
                    || !vacancy_visible(v, VacancyAccess::All, now)
                {
                    continue;
                }
                let region = if v.region == NO_REGION {
                    regions
                } else {
                    usize::from(v.region).min(regions)
                };
                by_region[region].push((ord, *doc));
                if v.remote == RemoteMode::Full {
                    remote.push((ord, *doc, region));
                }
            }
        }
        Buckets { by_region, remote }
    }
}

/// The regions (by index; the last one is "no region") whose vacancies a
/// member's scope can reach, besides fully remote work. Generous by
/// design: a region counts when any of its municipalities lies within the
/// commute radius plus 100 km (a workplace's own coordinates may lie that
/// far from its municipality's centre), so nothing eligible is missed.
struct Reach {
    regions: Vec<bool>,
}

impl Reach {
    fn contains(&self, region: usize) -> bool {
        self.regions.get(region).copied().unwrap_or(true)
    }
}

/// Every municipality's centre and region index.
fn places(geography: &Geography) -> Vec<(f64, f64, usize)> {
    geography
        .municipalities()
        .filter_map(|m| {
            let region = geography.regions().position(|r| r.code == m.region_code)?;
            Some((m.lat, m.lon, region))
        })
        .collect()
}

fn within_reach(
    p: &ProfileRecord,
    scope: Scope,
    regions: usize,
    places: &[(f64, f64, usize)],
) -> Reach {
    if scope == Scope::Nationwide
        || (scope != Scope::Commute && p.relocation == Relocation::Nationwide)
    {
        return Reach {
            regions: vec![true; regions + 1],
        };
    }
    let mut reach = vec![false; regions + 1];
    // Vacancies without a region: few, and cheap to score.
    reach[regions] = true;
    if scope != Scope::Commute {
        for r in &p.relocation_region_indexes {
            if let Some(slot) = reach.get_mut(usize::from(*r)) {
                *slot = true;
            }
        }
        if p.home_region != NO_REGION {
            if let Some(slot) = reach.get_mut(usize::from(p.home_region)) {
                *slot = true;
            }
        }
    }
    if scope != Scope::Region {
        if let Some((lat, lon)) = p.home_at {
            let radius = f64::from(p.commute_km.max(0)) + 100.0;
            for (mlat, mlon, region) in places {
                if !reach[*region] && haversine_km(lat, lon, *mlat, *mlon) <= radius {
                    reach[*region] = true;
                }
            }
        }
    }
    Reach { regions: reach }
}

fn score_into(
    snapshot: &Snapshot,
    scoring: &mut VacancyScoring<'_>,
    top: &mut TopK<Address>,
    (ord, doc): Address,
    scope: Scope,
) {
    if let Some(v) = snapshot.segments[ord].vacancy(doc) {
        if let Some(total) = scoring.total(v, scope) {
            top.push(total, v.id, (ord, doc));
        }
    }
}

/// Longest candidate list a member gets.
const MAX_CANDIDATES: usize = 640;
/// Most rounds of list extension.
const MAX_ROUNDS: u32 = 6;

impl MatchEngine {
    /// Assign `members` to open vacancies nationwide (advisers' access).
    pub fn assign_cohort(
        &self,
        members: &[JobseekerProfile],
        o: &AssignmentOptions,
    ) -> Result<CohortAssignment, MatchError> {
        let started = Instant::now();
        let snapshot = self.snapshot()?;
        let taxonomy = &self.reference.taxonomy;
        let geography = &self.reference.geography;
        let now = o.now.and_utc().timestamp();
        let terms = self.terms(&snapshot.searcher);
        let records: Vec<ProfileRecord> = {
            let mut analyzers = self.analyzers.clone();
            members
                .iter()
                .map(|p| {
                    let t = analyzers.profile_terms(taxonomy, p);
                    ProfileRecord::new(p, taxonomy, geography, &t)
                })
                .collect()
        };
        let region_count = geography.regions().len();
        let buckets = Buckets::new(&snapshot, region_count, now);
        let places = places(geography);
        // The exact top `k` of member `i`, in parallel on every core.
        let lists_for = |todo: &[(usize, usize)]| -> Result<Vec<(usize, List)>, MatchError> {
            let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
            let next = std::sync::atomic::AtomicUsize::new(0);
            std::thread::scope(|scope| {
                let handles: Vec<_> = (0..workers)
                    .map(|_| {
                        scope.spawn(|| -> Result<Vec<(usize, List)>, MatchError> {
                            let scorer = self.scorer(&terms, matcher::taxonomy::Lang::En);
                            let mut out = Vec::new();
                            loop {
                                let n = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                                let Some(&(i, k)) = todo.get(n) else {
                                    return Ok(out);
                                };
                                let record = &records[i];
                                let mut scoring = scorer.vacancies_for(record);
                                let mut top: TopK<Address> = TopK::new(k);
                                // Every vacancy the member's scope can reach:
                                // the regions in reach, then fully remote work
                                // elsewhere. Nothing eligible lies outside, so
                                // the top k is exact.
                                let reach = within_reach(record, o.scope, region_count, &places);
                                for (region, bucket) in buckets.by_region.iter().enumerate() {
                                    if !reach.contains(region) {
                                        continue;
                                    }
                                    for (ord, doc) in bucket {
                                        score_into(
                                            &snapshot,
                                            &mut scoring,
                                            &mut top,
                                            (*ord, *doc),
                                            o.scope,
                                        );
                                    }
                                }
                                for (ord, doc, region) in &buckets.remote {
                                    if !reach.contains(*region) {
                                        score_into(
                                            &snapshot,
                                            &mut scoring,
                                            &mut top,
                                            (*ord, *doc),
                                            o.scope,
                                        );
                                    }
                                }
                                let choices: Vec<(i64, f64, Address)> = top
                                    .into_sorted()
                                    .into_iter()
                                    .map(|e| (e.id, e.total, e.item))
                                    .collect();
                                // Fewer than k: every eligible vacancy is listed.
                                let cutoff = if choices.len() < k {
                                    0.0
                                } else {
                                    choices.last().map_or(0.0, |c| c.1)
                                };
                                out.push((i, List { choices, cutoff }));
                            }
                        })
                    })
                    .collect();
                let mut all = Vec::new();
                for h in handles {
                    all.extend(h.join().map_err(|_| {
                        MatchError::Index(crate::index::IndexError::Missing(
                            "a cohort worker failed".into(),
                        ))
                    })??);
                }
                Ok(all)
            })
        };
        let k0 = o.candidates.clamp(1, MAX_CANDIDATES);
        let mut lists: Vec<Option<List>> = (0..members.len()).map(|_| None).collect();
        let mut k_of = vec![k0; members.len()];
        let mut todo: Vec<(usize, usize)> = (0..members.len()).map(|i| (i, k0)).collect();
        let mut rounds = 0;
        let (solution, problem, vacancy_ids) = loop {
            rounds += 1;
            for (i, list) in lists_for(&todo)? {
                lists[i] = Some(list);
            }
            let (problem, vacancy_ids) = self.problem(&lists, o.min_score)?;
            let solution = assign(&problem);
            todo.clear();
            for &i in &solution.uncertified {
                if k_of[i] < MAX_CANDIDATES {
                    k_of[i] = (k_of[i] * 2).min(MAX_CANDIDATES);
                    todo.push((i, k_of[i]));
                }
            }
            if todo.is_empty() || rounds >= MAX_ROUNDS {
                break (solution, problem, vacancy_ids);
            }
        };
        let greedy_total = greedy(&problem).total;

        // Placements, near-misses and the regional report.
        let region_of = |p: &ProfileRecord| -> String {
            match (&p.home, &p.abroad) {
                (Some(code), _) => geography
                    .region_of(code)
                    .map_or_else(|| "unknown".to_owned(), |r| r.code.clone()),
                (None, Some(_)) => "abroad".to_owned(),
                (None, None) => "unknown".to_owned(),
            }
        };
        let scorer = self.scorer(&terms, matcher::taxonomy::Lang::En);
        let mut regions: BTreeMap<String, (u64, u64, u64, HashMap<String, u64>)> = BTreeMap::new();
        let mut placements = Vec::with_capacity(members.len());
        for (i, member) in members.iter().enumerate() {
            let list = lists[i].as_ref().map_or(&[][..], |l| l.choices.as_slice());
            let assigned = solution.assignment[i].map(|j| vacancy_ids[j as usize]);
            let assigned_choice = assigned.and_then(|v| {
                list.iter().find(|c| c.0 == v.0).map(|c| Choice {
                    vacancy_id: c.0,
                    score: c.1,
                })
            });
            let alternatives = list
                .iter()
                .filter(|c| Some(c.0) != assigned.map(|v| v.0))
                .take(o.alternatives)
                .map(|c| Choice {
                    vacancy_id: c.0,
                    score: c.1,
                })
                .collect();
            let region = region_of(&records[i]);
            let entry = regions.entry(region.clone()).or_default();
            entry.0 += 1;
            if assigned_choice.is_some() {
                entry.1 += 1;
            } else {
                entry.2 += 1;
                // What the best vacancy asks that this member lacks.
                if let Some((_, _, (ord, doc))) = list.first() {
                    if let Some(v) = snapshot.segments[*ord].vacancy(*doc) {
                        let mut scoring = scorer.vacancies_for(&records[i]);
                        if let Ok(score) = scoring.explain(v, o.scope) {
                            for skill in score.missing_essential_skills {
                                *entry.3.entry(skill).or_default() += 1;
                            }
                        }
                    }
                }
            }
            placements.push(Placement {
                profile_id: member.id.0,
                home_region: Some(region).filter(|r| r != "unknown"),
                assigned: assigned_choice,
                alternatives,
            });
        }
        let regions = regions
            .into_iter()
            .map(|(region, (members, placed, without, missing))| {
                let mut missing: Vec<(String, u64)> = missing.into_iter().collect();
                missing.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
                missing.truncate(10);
                RegionReport {
                    region,
                    members,
                    placed,
                    without_good_match: without,
                    missing_skills: missing,
                }
            })
            .collect();
        Ok(CohortAssignment {
            members: members.len() as u64,
            placed: solution.assignment.iter().filter(|a| a.is_some()).count() as u64,
            total_score: solution.total,
            greedy_total_score: greedy_total,
            rounds,
            certified: solution.uncertified.is_empty(),
            seconds: started.elapsed().as_secs_f64(),
            regions,
            placements,
        })
    }

    /// The assignment problem of the current lists: vacancies numbered
    /// locally, with their open positions from the store.
    fn problem(
        &self,
        lists: &[Option<List>],
        min_score: f64,
    ) -> Result<(Problem, Vec<VacancyId>), MatchError> {
        let mut local: HashMap<i64, u32> = HashMap::new();
        let mut ids = Vec::new();
        for list in lists.iter().flatten() {
            for (v, _, _) in &list.choices {
                local.entry(*v).or_insert_with(|| {
                    ids.push(VacancyId(*v));
                    (ids.len() - 1) as u32
                });
            }
        }
        let positions: HashMap<i64, i32> = self
            .store
            .read(|c| crate::store::cohorts::positions(c, &ids))?
            .into_iter()
            .map(|(v, n)| (v.0, n))
            .collect();
        let capacities = ids
            .iter()
            .map(|v| positions.get(&v.0).copied().unwrap_or(0).max(0) as u32)
            .collect();
        let candidates = lists
            .iter()
            .map(|l| {
                l.as_ref().map_or_else(Vec::new, |l| {
                    l.choices.iter().map(|(v, s, _)| (local[v], *s)).collect()
                })
            })
            .collect();
        let cutoffs = lists
            .iter()
            .map(|l| l.as_ref().map_or(0.0, |l| l.cutoff))
            .collect();
        Ok((
            Problem {
                capacities,
                candidates,
                cutoffs,
                min_score,
            },
            ids,
        ))
    }
}
