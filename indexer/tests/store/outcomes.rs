//! Matching judged by outcomes: rankings logged by hand, introductions and
//! hires on a small generated population, and the figures the evaluation
//! makes of them.

use chrono::{Duration, NaiveDateTime};
use indexer::generate::{generate_population, PopulationSpec};
use indexer::index::ReferenceData;
use indexer::outcomes::{evaluate, Evaluation};
use indexer::sources::fixtures_dir;
use indexer::store::introductions::{self, StatusChange};
use indexer::store::match_log::{self, MatchLogEntry};
use indexer::store::{profiles, vacancies};
use matcher::domain::{IntroductionStatus, NotHiredReason, OrgId, ProfileId, VacancyId};

use crate::support::{ts, TestDb};

const OLD: &str = "old-configuration";
const NEW: &str = "new-configuration";

fn day(d: i64) -> NaiveDateTime {
    ts(2026, 6, 1) + Duration::days(d)
}

fn log(
    db: &TestDb,
    request_id: &str,
    direction: &str,
    subject: i64,
    hash: &str,
    results: &[(i64, f64)],
    at: NaiveDateTime,
) {
    let entry = MatchLogEntry {
        request_id: request_id.into(),
        org_id: None,
        token_id: None,
        direction: direction.into(),
        subject_id: Some(subject),
        config_hash: hash.into(),
        taxonomy_version: "test".into(),
        request_json: "{}".into(),
        results_json: serde_json::to_string(results).unwrap(),
    };
    db.store
        .write(|c| match_log::append_at(c, &entry, at))
        .unwrap();
}

struct Fixture {
    reference: ReferenceData,
    office: OrgId,
    v: Vec<i64>,
    p: Vec<i64>,
}

fn fixture(db: &TestDb) -> Fixture {
    let spec = PopulationSpec {
        profiles: 40,
        vacancies: 8,
        seed: 5,
        reference_date: day(0).date(),
    };
    generate_population(&db.store, &fixtures_dir(), &spec, |_, _| {}).unwrap();
    let reference = ReferenceData::load(&db.store).unwrap();
    let v = db
        .store
        .read(|c| vacancies::vacancy_ids_after(c, 0, 100))
        .unwrap()
        .into_iter()
        .map(|v| v.0)
        .collect();
    let p = db
        .store
        .read(|c| profiles::profile_ids_after(c, 0, 100))
        .unwrap()
        .into_iter()
        .map(|p| p.0)
        .collect();
    let office = db
        .store
        .read(indexer::store::orgs::list_orgs)
        .unwrap()
        .into_iter()
        .find(|o| o.kind == matcher::domain::OrgKind::EmploymentOffice)
        .unwrap()
        .id;
    Fixture {
        reference,
        office,
        v,
        p,
    }
}

impl Fixture {
    /// Introduce `p` to `v` at `at` (naming `request`) and set `status` a
    /// day later.
    fn introduce(
        &self,
        db: &TestDb,
        v: i64,
        p: i64,
        request: Option<&str>,
        at: NaiveDateTime,
        status: IntroductionStatus,
    ) {
        let geography = &self.reference.geography;
        db.store
            .write(|c| {
                let intro = introductions::introduce_at(
                    c,
                    VacancyId(v),
                    ProfileId(p),
                    self.office,
                    request,
                    at,
                )?;
                let change = StatusChange {
                    status,
                    reason: (status == IntroductionStatus::NotHired)
                        .then_some(NotHiredReason::Skills),
                    start_date: None,
                    moved_region: None,
                    expected_version: None,
                };
                introductions::change_status(
                    c,
                    geography,
                    intro.id,
                    &change,
                    at + Duration::days(1),
                )?
                .unwrap();
                Ok(())
            })
            .unwrap();
    }

    fn evaluate(&self, db: &TestDb, since: Option<NaiveDateTime>) -> Evaluation {
        evaluate(
            &db.store,
            &self.reference.taxonomy,
            &self.reference.geography,
            NEW,
            since,
        )
        .unwrap()
    }
}

pub fn outcomes_of_hires_are_judged_by_their_rankings(db: &TestDb) {
    let f = fixture(db);
    let empty = f.evaluate(db, None);
    assert_eq!(empty.overall.hires, 0);
    assert_eq!(empty.overall.mrr, None);
    assert!(empty.by_region.is_empty() && empty.by_occupation_group.is_empty());
    assert_eq!(empty.comparison.predecessor, None);

    let (v, p) = (&f.v, &f.p);
    use IntroductionStatus::{Hired, NotHired};
    // Vacancy 0: ranked under the old configuration, then the new one; the
    // hire was introduced from the new ranking, where the person was second.
    log(
        db,
        "m-a",
        "candidates",
        v[0],
        OLD,
        &[(p[0], 0.9), (p[1], 0.8), (p[2], 0.7)],
        day(1),
    );
    log(
        db,
        "m-b",
        "candidates",
        v[0],
        NEW,
        &[(p[1], 0.9), (p[0], 0.8)],
        day(10),
    );
    f.introduce(db, v[0], p[0], Some("m-b"), day(11), Hired);
    // Vacancy 1: no ranking named; the latest before the introduction puts
    // the person level with the first.
    log(
        db,
        "m-c",
        "candidates",
        v[1],
        NEW,
        &[(p[3], 0.9), (p[4], 0.9), (p[5], 0.5)],
        day(12),
    );
    f.introduce(db, v[1], p[4], None, day(13), Hired);
    // A ranking after the introduction does not count.
    log(
        db,
        "m-late",
        "candidates",
        v[1],
        NEW,
        &[(p[9], 0.9)],
        day(20),
    );
    // Vacancy 2: never ranked.
    f.introduce(db, v[2], p[6], None, day(14), Hired);
    // Vacancy 3: the hired one is not among the 25 logged.
    let others: Vec<(i64, f64)> = (0..25)
        .map(|i| (p[10 + i], 0.9 - 0.01 * i as f64))
        .collect();
    log(db, "m-d", "candidates", v[3], NEW, &others, day(14));
    f.introduce(db, v[3], p[7], Some("m-d"), day(15), Hired);
    // Vacancy 4: found from the person's own ranking of vacancies, 7th.
    let ranked: Vec<(i64, f64)> = [v[5], v[6], v[7], v[1], v[2], v[3], v[4]]
        .iter()
        .enumerate()
        .map(|(i, v)| (*v, 0.8 - 0.05 * i as f64))
        .collect();
    log(db, "m-e", "vacancies", p[8], NEW, &ranked, day(15));
    f.introduce(db, v[4], p[8], Some("m-e"), day(16), Hired);
    // Not a hire: not counted.
    f.introduce(db, v[5], p[1], Some("m-b"), day(16), NotHired);

    let e = f.evaluate(db, None);
    let o = &e.overall;
    assert_eq!(
        (o.hires, o.with_ranking, o.without_ranking),
        (5, 4, 1),
        "{e:#?}"
    );
    assert_eq!(o.hit_at_1, Some(0.25));
    assert_eq!(o.hit_at_5, Some(0.5));
    assert_eq!(o.hit_at_10, Some(0.75));
    assert_eq!(o.hit_at_20, Some(0.75));
    let mrr = (0.5 + 1.0 + 0.0 + 1.0 / 7.0) / 4.0;
    assert!((o.mrr.unwrap() - mrr).abs() < 1e-12, "{e:#?}");
    for groups in [&e.by_region, &e.by_occupation_group] {
        assert_eq!(groups.iter().map(|g| g.figures.hires).sum::<u64>(), 5);
        assert!(groups.iter().all(|g| !g.name.is_empty()), "{groups:?}");
    }
    assert!(
        e.by_region.iter().all(|g| g.code.len() == 2),
        "{:?}",
        e.by_region
    );

    // Only vacancy 0 was ranked under both configurations.
    let c = &e.comparison;
    assert_eq!(c.predecessor.as_deref(), Some(OLD));
    assert_eq!(c.current_since, Some(day(10)));
    assert_eq!(c.hires, 1);
    assert_eq!(c.current_figures.mrr, Some(0.5));
    assert_eq!(c.predecessor_figures.mrr, Some(1.0));

    // Hires from day 14 on: vacancies 2, 3 and 4 (hired a day after their
    // introductions).
    let later = f.evaluate(db, Some(day(15)));
    assert_eq!(
        (later.overall.hires, later.overall.with_ranking),
        (3, 2),
        "{later:#?}"
    );
    assert_eq!(later.comparison.hires, 0);
}

/// A population of `db` with its history; the history's tally and every
/// introduction as (vacancy, profile, status, created, updated).
#[allow(clippy::type_complexity)]
fn history(
    db: &TestDb,
    seed: u64,
) -> (
    indexer::generate::history::HistoryTally,
    Vec<(i64, i64, String, NaiveDateTime, NaiveDateTime)>,
) {
    use indexer::generate::history::{record_history, HistorySpec};
    let today = day(190).date();
    let spec = PopulationSpec {
        profiles: 300,
        vacancies: 48,
        seed,
        reference_date: today,
    };
    generate_population(&db.store, &fixtures_dir(), &spec, |_, _| {}).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let root = indexer::index::IndexRoot::new(dir.path());
    let history = HistorySpec::for_population(seed, spec.vacancies, today);
    let report = record_history(&db.store, &root, &history).unwrap();
    assert!(!report.already_recorded);
    let again = record_history(&db.store, &root, &history).unwrap();
    assert!(again.already_recorded, "{again:?}");
    let filter = introductions::IntroductionFilter {
        scope: introductions::IntroductionScope::All,
        vacancy: None,
        profile: None,
        status: None,
        before: None,
        limit: 10_000,
    };
    let intros = db
        .store
        .read(|c| introductions::list(c, &filter))
        .unwrap()
        .into_iter()
        .map(|i| {
            (
                i.vacancy_id.0,
                i.profile_id.0,
                i.status.to_string(),
                i.created_at,
                i.updated_at,
            )
        })
        .collect();
    (report.tally, intros)
}

pub fn demo_history_is_deterministic_and_evaluable(db: &TestDb) {
    let (tally, intros) = history(db, 3);
    assert_eq!(tally.rankings, 12, "{tally:?}");
    assert_eq!(tally.introductions, intros.len());
    assert_eq!(
        tally.hired + tally.not_hired + tally.withdrawn + tally.open,
        tally.introductions
    );
    assert!(tally.hired > 0 && tally.not_hired > 0, "{tally:?}");
    let today = day(190);
    assert!(intros
        .iter()
        .all(|i| i.3 < today && i.3 <= i.4 && i.4 < today));

    // The same seed on a fresh store: the same history.
    let other = TestDb::sqlite().unwrap();
    assert_eq!(history(&other, 3), (tally.clone(), intros));

    // Every hire was introduced from a logged ranking.
    let reference = ReferenceData::load(&db.store).unwrap();
    let hash = matcher::scoring::ScoringConfig::default().hash();
    let e = evaluate(
        &db.store,
        &reference.taxonomy,
        &reference.geography,
        &hash,
        None,
    )
    .unwrap();
    assert_eq!(e.overall.hires, tally.hired as u64, "{e:#?}");
    assert_eq!(e.overall.with_ranking, e.overall.hires);
    // Introduced from the 20 ranked.
    assert_eq!(e.overall.hit_at_20, Some(1.0), "{e:#?}");
    assert!(e.comparison.current_since.is_some());
    assert_eq!(e.comparison.predecessor, None);
}

on_every_backend!(
    outcomes_of_hires_are_judged_by_their_rankings,
    demo_history_is_deterministic_and_evaluable
);
