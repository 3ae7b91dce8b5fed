//! In-process latency of top-20 matching in both directions, against the
//! exhaustive scan of the same queries as the baseline.
//!
//! `cargo bench -p indexer --bench match_latency` generates 20,000 profiles
//! and 3,000 vacancies (the demo size) into a temporary SQLite store, or uses
//! an existing store and index: `KOHTAANTO_BENCH_DATABASE_URL=<url>
//! KOHTAANTO_BENCH_INDEX_DIR=<dir>`. `KOHTAANTO_BENCH_QUERIES` (default 200)
//! queries per direction.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Instant;

use chrono::NaiveDate;
use indexer::generate::{generate_population, PopulationSpec};
use indexer::index::{rebuild, IndexRoot, ReferenceData, SearchIndex};
use indexer::matching::{MatchEngine, MatchRequest};
use indexer::sources::fixtures_dir;
use indexer::store::{profiles, vacancies, Store};
use matcher::retrieval::{ProfileAccess, VacancyAccess};
use matcher::scoring::{Scope, ScoringConfig};

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn summary(name: &str, mut fast: Vec<f64>, mut slow: Vec<f64>, proven: usize) {
    fast.sort_by(f64::total_cmp);
    slow.sort_by(f64::total_cmp);
    let (p50, p99) = (percentile(&fast, 0.5), percentile(&fast, 0.99));
    let (b50, b99) = (percentile(&slow, 0.5), percentile(&slow, 0.99));
    println!(
        "{name}: {} queries, two-stage p50 {:.1} ms p99 {:.1} ms; exhaustive p50 {:.1} ms p99 {:.1} ms; \
         ratio p50 {:.2}, p99 {:.2}; {proven} proven without a full scan",
        fast.len(),
        p50 * 1e3,
        p99 * 1e3,
        b50 * 1e3,
        b99 * 1e3,
        p50 / b50,
        p99 / b99
    );
}

fn main() {
    let queries: usize = std::env::var("KOHTAANTO_BENCH_QUERIES")
        .ok()
        .and_then(|q| q.parse().ok())
        .unwrap_or(200);
    let tmp = tempfile::tempdir().unwrap();
    let (store, root) = match (
        std::env::var("KOHTAANTO_BENCH_DATABASE_URL"),
        std::env::var("KOHTAANTO_BENCH_INDEX_DIR"),
    ) {
        (Ok(url), Ok(dir)) => (Store::open(&url).unwrap(), IndexRoot::new(dir)),
        _ => {
            let store = Store::open(&tmp.path().join("bench.db").display().to_string()).unwrap();
            let spec = PopulationSpec {
                profiles: 20_000,
                vacancies: 3_000,
                seed: 1,
                reference_date: NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
            };
            generate_population(&store, &fixtures_dir(), &spec, |_, _| {}).unwrap();
            let root = IndexRoot::new(tmp.path().join("index"));
            let reference = ReferenceData::load(&store).unwrap();
            rebuild(&store, &root, &reference, |_, _| {}).unwrap();
            (store, root)
        }
    };
    let reference = ReferenceData::load(&store).unwrap();
    let engine = MatchEngine::new(
        store.clone(),
        reference,
        SearchIndex::open_current(&root).unwrap(),
        ScoringConfig::default(),
    );
    let t = Instant::now();
    let records = engine.warm().unwrap();
    println!(
        "match records of {records} documents loaded in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    let request = MatchRequest {
        limit: 20,
        scope: Scope::Mobility,
        now: NaiveDate::from_ymd_opt(2026, 11, 23)
            .unwrap()
            .and_hms_opt(12, 0, 0)
            .unwrap(),
        org_id: None,
        token_id: None,
        lang: matcher::taxonomy::Lang::En,
    };
    let vacancy_ids = store
        .read(|c| vacancies::vacancy_ids_after(c, 0, i64::MAX))
        .unwrap();
    let profile_ids = store
        .read(|c| profiles::profile_ids_after(c, 0, i64::MAX))
        .unwrap();
    // A fixed spread of ids: every n-th, so runs are comparable.
    let pick = |n: usize, len: usize| (0..n).map(move |i| i * len / n.max(1));

    let (mut fast, mut slow, mut proven) = (Vec::new(), Vec::new(), 0);
    for i in pick(queries, vacancy_ids.len()) {
        let id = vacancy_ids[i];
        let t = Instant::now();
        let r = engine
            .candidates(id, ProfileAccess::AllActive, &request)
            .unwrap();
        fast.push(t.elapsed().as_secs_f64());
        proven += usize::from(!r.exhaustive);
        let t = Instant::now();
        let e = engine
            .candidates_exhaustive(id, ProfileAccess::AllActive, &request)
            .unwrap();
        slow.push(t.elapsed().as_secs_f64());
        assert_eq!(
            r.results.iter().map(|x| x.id).collect::<Vec<_>>(),
            e.iter().map(|x| x.id).collect::<Vec<_>>()
        );
    }
    summary("top-20 candidates for a vacancy", fast, slow, proven);

    let (mut fast, mut slow, mut proven) = (Vec::new(), Vec::new(), 0);
    for i in pick(queries, profile_ids.len()) {
        let id = profile_ids[i];
        let t = Instant::now();
        let r = engine.vacancies(id, VacancyAccess::All, &request).unwrap();
        fast.push(t.elapsed().as_secs_f64());
        proven += usize::from(!r.exhaustive);
        let t = Instant::now();
        let e = engine
            .vacancies_exhaustive(id, VacancyAccess::All, &request)
            .unwrap();
        slow.push(t.elapsed().as_secs_f64());
        assert_eq!(
            r.results.iter().map(|x| x.id).collect::<Vec<_>>(),
            e.iter().map(|x| x.id).collect::<Vec<_>>()
        );
    }
    summary("top-20 vacancies for a jobseeker", fast, slow, proven);
}
