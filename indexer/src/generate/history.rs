//! A plausible history of introductions for the demo: over the past ~6
//! months, a sample of vacancies is ranked by the real matching engine
//! (logged in the match log as the API logs it, at a past moment), advisers
//! introduce one to four candidates, mostly from the top of the ranking,
//! and the introductions move on with plausible delays — some hired, some
//! not (with a reason), some withdrawn, the recent ones still open.
//!
//! Deterministic for a seed and a day: vacancy `v` draws from its own
//! random stream, the engine ranks deterministically, request ids come from
//! the stream. A store that holds the seed's history already is left alone.

use std::collections::HashSet;
use std::time::Instant;

use chrono::{Duration, NaiveDate, NaiveDateTime};
use matcher::domain::{
    IntroductionStatus, NotHiredReason, ProfileId, ProfileStatus, VacancyId, VacancyStatus,
};
use matcher::retrieval::ProfileAccess;
use matcher::scoring::{Scope, ScoringConfig};
use serde::Serialize;

use super::rng::{DemoRng, WeightedIndex};
use super::{DemoOrgs, GenerateError};
use crate::index::{IndexRoot, ReferenceData, SearchIndex};
use crate::matching::{MatchEngine, MatchRequest};
use crate::store::introductions::{self, StatusChange};
use crate::store::outbox::{self, Entity, Op};
use crate::store::schema::vacancies as vacancy_table;
use crate::store::{match_log, profiles, vacancies, Store};

const STREAM_HISTORY: u64 = 3;
/// How far back the history reaches.
const DAYS: i64 = 180;
/// At most this many vacancies are ranked: the demo starts in seconds.
const MOST_VACANCIES: usize = 60;
/// Candidates per ranking (an adviser's page).
const RANKED: usize = 20;

/// What to record.
#[derive(Debug, Clone)]
pub struct HistorySpec {
    pub seed: u64,
    /// The history ends the day before this one.
    pub today: NaiveDate,
    /// Vacancies to rank; the rest of the population has no history.
    pub vacancies: usize,
}

impl HistorySpec {
    /// The history of a population of `vacancies`: a quarter of them,
    /// at most [`MOST_VACANCIES`].
    pub fn for_population(seed: u64, vacancies: usize, today: NaiveDate) -> HistorySpec {
        HistorySpec {
            seed,
            today,
            vacancies: vacancies.div_ceil(4).min(MOST_VACANCIES),
        }
    }
}

/// What the history holds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct HistoryTally {
    pub rankings: usize,
    pub introductions: usize,
    pub hired: usize,
    pub not_hired: usize,
    pub withdrawn: usize,
    /// Still proposed, contacted or at interview.
    pub open: usize,
}

/// A history run.
#[derive(Debug, Clone, Default, Serialize)]
pub struct HistoryReport {
    #[serde(flatten)]
    pub tally: HistoryTally,
    /// The store held this seed's history already.
    pub already_recorded: bool,
    pub seconds: f64,
}

impl std::fmt::Display for HistoryReport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.already_recorded {
            return write!(f, "history: recorded earlier");
        }
        let t = &self.tally;
        write!(
            f,
            "history: {} rankings, {} introductions ({} hired, {} not hired, {} withdrawn, {} open) in {:.1} s",
            t.rankings, t.introductions, t.hired, t.not_hired, t.withdrawn, t.open, self.seconds
        )
    }
}

/// One sampled vacancy: when it was created and ranked.
struct Sampled {
    vacancy: VacancyId,
    created: NaiveDateTime,
    ranked: NaiveDateTime,
    request_id: String,
    rng: DemoRng,
}

/// A moment `days` before `today`, in office hours.
fn moment(today: NaiveDate, days: i64, rng: &mut DemoRng) -> NaiveDateTime {
    let day = today - Duration::days(days);
    day.and_hms_opt(8, 0, 0).unwrap_or_default() + Duration::minutes(rng.range(0, 8 * 60))
}

fn request_id(rng: &mut DemoRng) -> String {
    format!("m-{:016x}", rng.next_u64())
}

/// Record the history of `spec` into `store`, ranking with the index at
/// `root` (built first when there is none; an existing one is used as it
/// is — `index sync` or the server applies what the history changed).
pub fn record_history(
    store: &Store,
    root: &IndexRoot,
    spec: &HistorySpec,
) -> Result<HistoryReport, GenerateError> {
    let started = Instant::now();
    let ids = store.read(|c| vacancies::vacancy_ids_after(c, 0, i64::MAX))?;
    let mut sampled = sample(&ids, spec);
    let Some(first) = sampled.first() else {
        return Ok(HistoryReport::default());
    };
    if store
        .read(|c| match_log::ranking(c, &first.request_id))?
        .is_some()
    {
        return Ok(HistoryReport {
            already_recorded: true,
            ..HistoryReport::default()
        });
    }
    backdate(store, &sampled)?;
    let reference = ReferenceData::load(store)?;
    if root.current()?.is_none() {
        crate::index::rebuild(store, root, &reference, |_, _| {})?;
    }
    let index = SearchIndex::open_current(root)?;
    let engine = MatchEngine::new(
        store.clone(),
        reference.clone(),
        index,
        ScoringConfig::default(),
    );
    // In the order it happened, so that a person hired earlier is not
    // introduced again.
    sampled.sort_by_key(|s| (s.ranked, s.vacancy.0));
    let orgs = super::ensure_demo_orgs(store, &reference.geography)?;
    let recorder = Recorder {
        store,
        engine: &engine,
        reference: &reference,
        orgs: &orgs,
        today: spec.today,
    };
    let mut taken = HashSet::new();
    let mut tally = HistoryTally::default();
    for s in sampled {
        vacancy_history(&recorder, s, &mut taken, &mut tally)?;
    }
    Ok(HistoryReport {
        tally,
        already_recorded: false,
        seconds: started.elapsed().as_secs_f64(),
    })
}

/// `spec.vacancies` of `ids`, each with its moments, drawn from its own stream.
fn sample(ids: &[VacancyId], spec: &HistorySpec) -> Vec<Sampled> {
    if ids.is_empty() || spec.vacancies == 0 {
        return Vec::new();
    }
    let step = (ids.len() / spec.vacancies).max(1);
    ids.iter()
        .step_by(step)
        .take(spec.vacancies)
        .map(|&vacancy| {
            let mut rng = DemoRng::fork(spec.seed, STREAM_HISTORY, vacancy.0 as u64);
            let age = rng.range(7, DAYS);
            let ranked = moment(spec.today, age, &mut rng);
            let created = ranked - Duration::days(rng.range(1, 21)) - Duration::hours(3);
            Sampled {
                vacancy,
                created,
                ranked,
                request_id: request_id(&mut rng),
                rng,
            }
        })
        .collect()
}

/// A sampled vacancy was created before it was ranked (the outbox tells
/// the index).
fn backdate(store: &Store, sampled: &[Sampled]) -> Result<(), GenerateError> {
    use diesel::prelude::*;
    store.write(|c| {
        let mut changed = Vec::with_capacity(sampled.len());
        for s in sampled {
            diesel::update(vacancy_table::table.find(s.vacancy.0))
                .set(vacancy_table::created_at.eq(s.created))
                .execute(c)?;
            let version: i64 = vacancy_table::table
                .find(s.vacancy.0)
                .select(vacancy_table::version)
                .first(c)?;
            changed.push((Entity::Vacancy, s.vacancy.0, Op::Upsert, version));
        }
        outbox::append(c, &changed)
    })?;
    Ok(())
}

/// Not-hired reasons, most common first, with their weights.
const REASONS: &[(NotHiredReason, f64)] = &[
    (NotHiredReason::Experience, 0.22),
    (NotHiredReason::Skills, 0.18),
    (NotHiredReason::PositionFilled, 0.16),
    (NotHiredReason::CandidateDeclined, 0.12),
    (NotHiredReason::Language, 0.08),
    (NotHiredReason::Location, 0.06),
    (NotHiredReason::Salary, 0.05),
    (NotHiredReason::WorkingHours, 0.05),
    (NotHiredReason::CandidateUnreachable, 0.04),
    (NotHiredReason::Licence, 0.02),
    (NotHiredReason::Other, 0.02),
];

/// What every vacancy's history is recorded with.
struct Recorder<'a> {
    store: &'a Store,
    engine: &'a MatchEngine,
    reference: &'a ReferenceData,
    orgs: &'a DemoOrgs,
    today: NaiveDate,
}

/// Rank one vacancy at its moment, log it, introduce and follow up.
fn vacancy_history(
    r: &Recorder<'_>,
    mut s: Sampled,
    taken: &mut HashSet<i64>,
    tally: &mut HistoryTally,
) -> Result<(), GenerateError> {
    let (store, engine, reference, orgs, today) = (r.store, r.engine, r.reference, r.orgs, r.today);
    let Some(vacancy) = store.read(|c| vacancies::get_vacancy(c, s.vacancy))? else {
        return Ok(());
    };
    if vacancy.draft.status != VacancyStatus::Open {
        return Ok(());
    }
    let rng = &mut s.rng;
    // The office of the vacancy's region ranks it.
    let region = vacancy
        .draft
        .municipality_code
        .as_deref()
        .and_then(|m| reference.geography.region_of(m))
        .map(|r| r.code.as_str());
    let Some(office) = orgs
        .offices
        .iter()
        .find(|(r, _)| Some(r.as_str()) == region)
        .or(orgs.offices.first())
        .map(|o| o.1)
    else {
        return Ok(());
    };
    let request = MatchRequest {
        limit: RANKED,
        scope: Scope::Mobility,
        now: s.ranked,
        org_id: Some(office.0),
        token_id: None,
        lang: matcher::taxonomy::Lang::Fi,
    };
    let mut result = engine.rank_candidates_of(&vacancy, ProfileAccess::AllActive, &request)?;
    result.request_id = s.request_id.clone();
    let entry = MatchEngine::log_entry("candidates", vacancy.id.0, &request, &result);
    store.write(|c| match_log::append_at(c, &entry, s.ranked))?;
    tally.rankings += 1;

    // Mostly from the top five, sometimes further down.
    let ranked: Vec<i64> = result.results.iter().map(|r| r.id).collect();
    let wanted = 1 + WeightedIndex::new([0.45, 0.3, 0.15, 0.1]).map_or(0, |w| w.sample(rng));
    let mut chosen: Vec<i64> = Vec::new();
    for _ in 0..wanted * 3 {
        if chosen.len() == wanted || ranked.is_empty() {
            break;
        }
        let at = if rng.chance(0.8) {
            rng.below(ranked.len().min(5))
        } else {
            rng.below(ranked.len())
        };
        let id = ranked[at];
        if !chosen.contains(&id) && !taken.contains(&id) {
            chosen.push(id);
        }
    }
    let reasons = WeightedIndex::new(REASONS.iter().map(|r| r.1));
    let mut hired = 0;
    let end = today.and_hms_opt(0, 0, 0).unwrap_or_default();
    for id in chosen {
        let Some(profile) = store.read(|c| profiles::get_profile(c, ProfileId(id)))? else {
            continue;
        };
        if profile.draft.status != ProfileStatus::Active {
            continue;
        }
        taken.insert(id);
        let mut at = s.ranked + Duration::hours(rng.range(1, 72));
        let intro = store.write(|c| {
            introductions::introduce_at(
                c,
                vacancy.id,
                profile.id,
                profile.draft.managing_org,
                Some(&s.request_id),
                at,
            )
        })?;
        tally.introductions += 1;
        // Each step happens after a delay, unless that is still to come.
        let mut status = IntroductionStatus::Proposed;
        let mut path = vec![IntroductionStatus::Contacted, IntroductionStatus::Interview];
        let last = if rng.chance(0.06) {
            path.clear();
            IntroductionStatus::Withdrawn
        } else if rng.chance(0.25) {
            path.truncate(1);
            IntroductionStatus::NotHired
        } else if hired < vacancy.draft.positions && rng.chance(0.5) {
            IntroductionStatus::Hired
        } else if rng.chance(0.15) {
            IntroductionStatus::Withdrawn
        } else {
            IntroductionStatus::NotHired
        };
        path.push(last);
        for next in path {
            at += Duration::days(rng.range(1, 15)) + Duration::hours(rng.range(0, 8));
            if at >= end {
                break;
            }
            let change = StatusChange {
                status: next,
                reason: (next == IntroductionStatus::NotHired).then(|| {
                    let i = reasons.as_ref().map_or(0, |w| w.sample(rng));
                    REASONS[i].0
                }),
                start_date: (next == IntroductionStatus::Hired)
                    .then(|| at.date() + Duration::days(rng.range(7, 45))),
                moved_region: None,
                expected_version: None,
            };
            let changed = store.write(|c| {
                introductions::change_status(c, &reference.geography, intro.id, &change, at)
            })?;
            if changed.is_err() {
                break;
            }
            status = next;
        }
        match status {
            IntroductionStatus::Hired => {
                tally.hired += 1;
                hired += 1;
            }
            IntroductionStatus::NotHired => tally.not_hired += 1,
            IntroductionStatus::Withdrawn => tally.withdrawn += 1,
            _ => tally.open += 1,
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sample_is_spread_and_in_the_past() {
        let ids: Vec<VacancyId> = (1..=100).map(VacancyId).collect();
        let today = NaiveDate::from_ymd_opt(2026, 12, 5).unwrap();
        let spec = HistorySpec::for_population(1, ids.len(), today);
        assert_eq!(spec.vacancies, 25);
        let a = sample(&ids, &spec);
        assert_eq!(a.len(), 25);
        let start = today.and_hms_opt(0, 0, 0).unwrap();
        for s in &a {
            assert!(s.created < s.ranked && s.ranked < start - Duration::days(6));
            assert!(s.ranked > start - Duration::days(DAYS + 1));
        }
        let b = sample(&ids, &spec);
        let key = |v: &[Sampled]| -> Vec<(i64, NaiveDateTime, String)> {
            v.iter()
                .map(|s| (s.vacancy.0, s.ranked, s.request_id.clone()))
                .collect()
        };
        assert_eq!(key(&a), key(&b));
        let other = sample(&ids, &HistorySpec { seed: 2, ..spec });
        assert_ne!(key(&a), key(&other));
    }
}
