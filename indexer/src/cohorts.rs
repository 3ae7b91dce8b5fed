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
use matcher::records::ProfileRecord;
use matcher::retrieval::VacancyAccess;
use matcher::scoring::Scope;
use serde::Serialize;

use crate::matching::{vacancy_visible, Address, MatchEngine, MatchError};
use crate::vacancy_table::VacancyTable;

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
    /// The language of the report's skill labels.
    pub lang: matcher::taxonomy::Lang,
}

/// A vacancy and how well it fits.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Choice {
    pub vacancy_id: i64,
    pub score: f64,
}

/// One member's result.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Placement {
    pub profile_id: i64,
    pub home_region: Option<String>,
    pub assigned: Option<Choice>,
    pub alternatives: Vec<Choice>,
}

/// Per home region of the members.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
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
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
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
        let access = VacancyAccess::All;
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
        // Every open vacancy, laid out once for all members' queries.
        let table = VacancyTable::new(&snapshot, |v| vacancy_visible(v, access, now));
        // The idf of every open vacancy's title terms, once for all members
        // (each member would otherwise look them up in the index again).
        let idf: HashMap<u64, f64> = {
            use matcher::scoring::TermStats;
            let mut idf = HashMap::new();
            for v in table.records() {
                for (term, hash) in v.terms.iter().zip(&v.term_hashes) {
                    idf.entry(*hash).or_insert_with(|| terms.idf(term));
                }
            }
            idf
        };
        // The exact top `k` of member `i`, in parallel on every core.
        let lists_for = |todo: &[(usize, usize)]| -> Result<Vec<(usize, List)>, MatchError> {
            let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
            let next = std::sync::atomic::AtomicUsize::new(0);
            std::thread::scope(|scope| {
                let handles: Vec<_> = (0..workers)
                    .map(|_| {
                        scope.spawn(|| -> Vec<(usize, List)> {
                            let scorer = self.scorer(&terms, o.lang);
                            let mut seen = Vec::new();
                            let mut out = Vec::new();
                            for stamp in 1.. {
                                let n = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                                let Some(&(i, k)) = todo.get(n) else {
                                    break;
                                };
                                let mut scoring =
                                    scorer.vacancies_for(&records[i]).sharing_idf(&idf);
                                let (top, _) = table.top_k(
                                    taxonomy,
                                    &self.config,
                                    &records[i],
                                    o.scope,
                                    k,
                                    &mut seen,
                                    stamp,
                                    |v| scoring.total(v, o.scope),
                                );
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
                            out
                        })
                    })
                    .collect();
                let mut all = Vec::new();
                for h in handles {
                    all.extend(h.join().map_err(|_| {
                        MatchError::Index(crate::index::IndexError::Missing(
                            "a cohort worker failed".into(),
                        ))
                    })?);
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
        let scorer = self.scorer(&terms, o.lang);
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
