//! Two-stage matching equals exhaustive scoring, in both directions, on a
//! generated population; rankings are logged.

use chrono::NaiveDate;
use indexer::generate::{generate_population, PopulationSpec};
use indexer::index::{IndexRoot, IndexSync, ReferenceData, SearchIndex};
use indexer::matching::{MatchEngine, MatchRequest};
use indexer::sources::fixtures_dir;
use indexer::store::{match_log, profiles, vacancies};
use matcher::domain::*;
use matcher::picture::Balance;
use matcher::ranking::Ranked;
use matcher::retrieval::{ProfileAccess, VacancyAccess};
use matcher::scoring::{Scope, ScoringConfig};

use crate::support::TestDb;

/// Checks the cross-regional views of `results`; returns (views, flagged).
fn check_views(results: &[Ranked]) -> (usize, usize) {
    let (mut viewed, mut flagged) = (0, 0);
    for r in results {
        let Some(view) = &r.cross_regional else {
            continue;
        };
        viewed += 1;
        assert!(view.national_counts.vacancies >= view.vacancy_region_counts.vacancies);
        assert!(view.national_counts.jobseekers >= view.vacancy_region_counts.jobseekers);
        if view.flagged {
            flagged += 1;
            assert_eq!(view.vacancy_region_balance, Balance::Shortage);
            assert_ne!(
                view.jobseeker_region.as_deref(),
                Some(view.vacancy_region.as_str())
            );
        }
    }
    (viewed, flagged)
}

fn key(results: &[Ranked]) -> Vec<(i64, u64)> {
    results
        .iter()
        .map(|r| (r.id, r.score.total.to_bits()))
        .collect()
}

/// The reference date of the generated populations, at noon.
pub(crate) fn noon() -> chrono::NaiveDateTime {
    NaiveDate::from_ymd_opt(2026, 11, 23)
        .unwrap()
        .and_hms_opt(12, 0, 0)
        .unwrap()
}

/// A generated population in `db`, indexed, and an engine over it (the
/// index directory lives as long as the returned guard).
pub(crate) fn engine_over(
    db: &TestDb,
    profiles: usize,
    vacancies: usize,
    seed: u64,
) -> (MatchEngine, tempfile::TempDir) {
    let spec = PopulationSpec {
        profiles,
        vacancies,
        seed,
        reference_date: noon().date(),
    };
    generate_population(&db.store, &fixtures_dir(), &spec, |_, _| {}).unwrap();
    let reference = ReferenceData::load(&db.store).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let root = IndexRoot::new(dir.path());
    let mut sync = IndexSync::open(root.clone(), reference.clone()).unwrap();
    sync.sync_all(&db.store, |_| {}).unwrap();
    let engine = MatchEngine::new(
        db.store.clone(),
        reference,
        SearchIndex::open_current(&root).unwrap(),
        ScoringConfig::default(),
    );
    (engine, dir)
}

pub fn two_stage_top_k_equals_exhaustive(db: &TestDb) {
    let (engine, _index) = engine_over(db, 1_000, 160, 17);
    let now = noon();
    let request = |limit, scope| MatchRequest {
        limit,
        scope,
        now,
        org_id: None,
        token_id: None,
        lang: matcher::taxonomy::Lang::En,
    };
    let vacancy_ids = db
        .store
        .read(|c| vacancies::vacancy_ids_after(c, 0, 10_000))
        .unwrap();
    let profile_ids = db
        .store
        .read(|c| profiles::profile_ids_after(c, 0, 10_000))
        .unwrap();
    let agency = db
        .store
        .read(indexer::store::orgs::list_orgs)
        .unwrap()
        .into_iter()
        .find(|o| o.kind == OrgKind::Agency)
        .unwrap()
        .id;

    let (mut compared, mut proven, mut nonempty) = (0, 0, 0);
    let (mut viewed, mut flagged) = (0, 0);
    for (i, id) in vacancy_ids.iter().step_by(2).take(80).enumerate() {
        let scope = [
            Scope::Mobility,
            Scope::Nationwide,
            Scope::Region,
            Scope::Commute,
        ][i % 4];
        let access = if i % 4 == 0 {
            ProfileAccess::Consented
        } else {
            ProfileAccess::AllActive
        };
        let limit = [10, 20, 1][i % 3];
        let fast = engine
            .candidates(*id, access, &request(limit, scope))
            .unwrap();
        let slow = engine
            .candidates_exhaustive(*id, access, &request(limit, scope))
            .unwrap();
        assert_eq!(
            key(&fast.results),
            key(&slow),
            "vacancy {id} {scope:?} {access:?}"
        );
        compared += 1;
        let (v, f) = check_views(&fast.results);
        viewed += v;
        flagged += f;
        proven += usize::from(!fast.exhaustive);
        nonempty += usize::from(!slow.is_empty());
    }
    for (i, id) in profile_ids.iter().step_by(7).take(80).enumerate() {
        let scope = [Scope::Nationwide, Scope::Mobility][i % 2];
        let access = match i % 3 {
            0 => VacancyAccess::Agency(agency),
            _ => VacancyAccess::All,
        };
        let fast = engine.vacancies(*id, access, &request(20, scope)).unwrap();
        let slow = engine
            .vacancies_exhaustive(*id, access, &request(20, scope))
            .unwrap();
        assert_eq!(
            key(&fast.results),
            key(&slow),
            "profile {id} {scope:?} {access:?}"
        );
        compared += 1;
        let (v, f) = check_views(&fast.results);
        viewed += v;
        flagged += f;
        proven += usize::from(!fast.exhaustive);
        nonempty += usize::from(!slow.is_empty());
    }
    assert_eq!(compared, 160);
    assert!(nonempty > 120, "{nonempty} non-empty rankings");
    // The bound proves a good share of rankings from retrieval alone (the
    // rest fell back to a full scan, with the same result).
    assert!(
        proven >= compared / 6,
        "only {proven} of {compared} proven without a full scan"
    );
    eprintln!(
        "{compared} rankings compared, {proven} proven by the bound; \
         {viewed} cross-regional views, {flagged} flagged"
    );
    assert!(viewed > 500, "{viewed}");
    assert!(flagged > 0, "no pair flagged as cross-regional");

    // Every ranking is logged with the configuration hash and taxonomy version.
    let last = engine
        .candidates(
            vacancy_ids[0],
            ProfileAccess::AllActive,
            &request(5, Scope::Nationwide),
        )
        .unwrap();
    let (_, entry) = db
        .store
        .read(|c| match_log::find(c, &last.request_id))
        .unwrap()
        .unwrap();
    assert_eq!(entry.config_hash, ScoringConfig::default().hash());
    assert_eq!(entry.direction, "candidates");
    assert_eq!(entry.subject_id, Some(vacancy_ids[0].0));
    let logged: Vec<(i64, f64)> = serde_json::from_str(&entry.results_json).unwrap();
    assert_eq!(
        logged.iter().map(|r| r.0).collect::<Vec<_>>(),
        last.results.iter().map(|r| r.id).collect::<Vec<_>>()
    );
}

/// A cohort's candidate lists are each member's exact ranking: the vacancy
/// a member is given and its alternatives are exactly its exhaustive top k,
/// with the same scores, in every scope; the optimum is at least greedy.
pub fn cohort_lists_are_exact_rankings(db: &TestDb) {
    let (engine, _index) = engine_over(db, 600, 200, 23);
    let now = noon();
    let ids = db
        .store
        .read(|c| profiles::profile_ids_after(c, 0, 120))
        .unwrap();
    let members = db.store.read(|c| profiles::get_profiles(c, &ids)).unwrap();
    for scope in [
        Scope::Mobility,
        Scope::Commute,
        Scope::Region,
        Scope::Nationwide,
    ] {
        let options = indexer::cohorts::AssignmentOptions {
            min_score: 0.3,
            candidates: 10,
            alternatives: 10,
            scope,
            now,
            lang: matcher::taxonomy::Lang::Fi,
        };
        let a = engine.assign_cohort(&members, &options).unwrap();
        assert!(a.total_score + 1e-9 >= a.greedy_total_score, "{scope:?}");
        let request = MatchRequest {
            limit: 10,
            scope,
            now,
            org_id: None,
            token_id: None,
            lang: matcher::taxonomy::Lang::En,
        };
        for (member, placement) in members.iter().zip(&a.placements) {
            let exact = engine
                .vacancies_exhaustive(member.id, VacancyAccess::All, &request)
                .unwrap();
            let listed: Vec<(i64, f64)> = placement
                .assigned
                .iter()
                .chain(&placement.alternatives)
                .map(|c| (c.vacancy_id, c.score))
                .collect();
            let mut sorted = listed.clone();
            sorted.sort_by(|x, y| y.1.total_cmp(&x.1).then(x.0.cmp(&y.0)));
            sorted.truncate(10);
            let expected: Vec<(i64, f64)> = exact.iter().map(|r| (r.id, r.score.total)).collect();
            assert_eq!(sorted, expected, "{scope:?}: member {}", member.id);
        }
    }
}

on_every_backend!(
    two_stage_top_k_equals_exhaustive,
    cohort_lists_are_exact_rankings
);
