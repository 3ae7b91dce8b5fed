//! How long after a store write its change is searchable, with the sync loop
//! of `kohtaanto serve` running and a background write load. Run with
//! `cargo bench -p indexer --bench sync_latency` (SQLite; PostgreSQL too when
//! `KOHTAANTO_TEST_DATABASE_URL` is set). Reports p50 / p95 / max latency and
//! their ratio to the 1 s budget, and the store-write time in the same run as
//! the baseline.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use indexer::generate::{generate_population, PopulationSpec};
use indexer::index::{spawn, IndexRoot, IndexSync, ReferenceData, SearchIndex};
use indexer::sources::fixtures_dir;
use indexer::store::{profiles, Store};
use indexer::testkit::TestDb;
use matcher::index::document::profile_key;
use tantivy::collector::Count;
use tantivy::query::TermQuery;
use tantivy::schema::IndexRecordOption;
use tantivy::Term;

const PROBES: usize = 60;

fn visible(index: &SearchIndex, key: &str) -> bool {
    index.reader.reload().unwrap();
    let query = TermQuery::new(
        Term::from_field_text(index.schema.doc_key, key),
        IndexRecordOption::Basic,
    );
    index.reader.searcher().search(&query, &Count).unwrap() > 0
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    sorted[((sorted.len() - 1) as f64 * p).round() as usize]
}

fn run(name: &str, db: &TestDb) {
    let spec = PopulationSpec {
        profiles: 5_000,
        vacancies: 500,
        seed: 9,
        reference_date: NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
    };
    generate_population(&db.store, &fixtures_dir(), &spec, |_, _| {}).unwrap();
    let template = db
        .store
        .read(|c| {
            let first = profiles::profile_ids_after(c, 0, 1)?;
            profiles::get_profiles(c, &first)
        })
        .unwrap()
        .remove(0)
        .draft;
    let dir = tempfile::tempdir().unwrap();
    let root = IndexRoot::new(dir.path());
    let mut sync = IndexSync::open(root.clone(), ReferenceData::load(&db.store).unwrap()).unwrap();
    sync.sync_all(&db.store, |_| {}).unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    let syncer = spawn(
        sync,
        db.store.clone(),
        Arc::clone(&stop),
        Duration::from_millis(100),
    );
    let observer = SearchIndex::open_current(&root).unwrap();

    // Background load: 20 profiles every 100 ms (200 writes/s).
    let load_store: Store = db.store.clone();
    let load_stop = Arc::clone(&stop);
    let load_template = template.clone();
    let load = std::thread::spawn(move || {
        let mut n = 0u64;
        while !load_stop.load(Ordering::Relaxed) {
            let batch: Vec<_> = (0..20)
                .map(|i| (format!("JS-BG{n:06}{i:02}"), load_template.clone()))
                .collect();
            load_store
                .write(|c| profiles::create_profiles(c, &batch))
                .unwrap();
            n += 1;
            std::thread::sleep(Duration::from_millis(100));
        }
    });

    let mut latencies = Vec::new();
    let mut writes = Vec::new();
    for i in 0..PROBES {
        let started = Instant::now();
        let ids = db
            .store
            .write(|c| {
                profiles::create_profiles(c, &[(format!("JS-PROBE{i:05}"), template.clone())])
            })
            .unwrap();
        let committed = Instant::now();
        writes.push((committed - started).as_secs_f64());
        let key = profile_key(ids[0].0);
        while !visible(&observer, &key) {
            std::thread::sleep(Duration::from_millis(5));
            assert!(
                committed.elapsed() < Duration::from_secs(30),
                "never visible"
            );
        }
        latencies.push(committed.elapsed().as_secs_f64());
        std::thread::sleep(Duration::from_millis(37));
    }
    stop.store(true, Ordering::Relaxed);
    load.join().unwrap();
    let _ = syncer.join();

    latencies.sort_by(f64::total_cmp);
    writes.sort_by(f64::total_cmp);
    let (p50, p95, max) = (
        percentile(&latencies, 0.5),
        percentile(&latencies, 0.95),
        latencies[latencies.len() - 1],
    );
    println!(
        "{name}: write→searchable over {PROBES} probes under 200 writes/s: \
         p50 {:.0} ms, p95 {:.0} ms, max {:.0} ms (p95 = {:.2} × the 1 s budget); \
         baseline store write p50 {:.1} ms (p50 latency = {:.0} × write)",
        p50 * 1e3,
        p95 * 1e3,
        max * 1e3,
        p95,
        percentile(&writes, 0.5) * 1e3,
        p50 / percentile(&writes, 0.5)
    );
}

fn main() {
    run("sqlite", &TestDb::sqlite().unwrap());
    if let Some(db) = TestDb::postgres().unwrap() {
        run("postgres", &db);
    }
}
