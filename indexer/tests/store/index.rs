//! The index follows the store: sync in outbox order, resume after restart,
//! rebuild and swap, check, purge; real tantivy on disk, both backends.

use chrono::NaiveDate;
use indexer::generate::{generate_population, PopulationSpec};
use indexer::index::{check, rebuild, IndexRoot, IndexSync, ReferenceData, SearchIndex};
use indexer::sources::fixtures_dir;
use indexer::store::{orgs, profiles, vacancies};
use matcher::domain::*;
use matcher::index::document::{profile_key, vacancy_key};
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{QueryParser, TermQuery};
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{TantivyDocument, Term};

use crate::support::{profile_draft, vacancy_draft, TestDb};

fn populated(db: &TestDb, profiles: usize, vacancies: usize) -> ReferenceData {
    let spec = PopulationSpec {
        profiles,
        vacancies,
        seed: 5,
        reference_date: NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
    };
    generate_population(&db.store, &fixtures_dir(), &spec, |_, _| {}).unwrap();
    ReferenceData::load(&db.store).unwrap()
}

fn key_count(index: &SearchIndex, key: &str) -> usize {
    let searcher = index.reader.searcher();
    let query = TermQuery::new(
        Term::from_field_text(index.schema.doc_key, key),
        IndexRecordOption::Basic,
    );
    searcher.search(&query, &Count).unwrap()
}

/// Ids of the documents matching `text` in the Finnish or Swedish title fields.
fn title_search(index: &SearchIndex, text: &str) -> Vec<u64> {
    let s = &index.schema;
    let parser = QueryParser::for_index(&index.index, vec![s.title_fi, s.title_sv]);
    let query = parser.parse_query(text).unwrap();
    let searcher = index.reader.searcher();
    searcher
        .search(&query, &TopDocs::with_limit(10_000).order_by_score())
        .unwrap()
        .into_iter()
        .map(|(_, address)| {
            let doc: TantivyDocument = searcher.doc(address).unwrap();
            doc.get_first(s.id).and_then(|v| v.as_u64()).unwrap()
        })
        .collect()
}

fn office(db: &TestDb) -> OrgId {
    db.store
        .write(|c| orgs::create_org(c, OrgKind::EmploymentOffice, "Testitoimisto", None, None))
        .unwrap()
        .id
}

pub fn sync_follows_creates_updates_and_deletes(db: &TestDb) {
    let reference = populated(db, 120, 40);
    let dir = tempfile::tempdir().unwrap();
    let mut sync = IndexSync::open(IndexRoot::new(dir.path()), reference.clone()).unwrap();
    let report = sync.sync_all(&db.store, |_| {}).unwrap();
    assert_eq!(report.entries, 160);
    let first = check(&db.store, sync.index()).unwrap();
    assert!(!first.drift, "{first:?}");
    assert_eq!((first.vacancies.index, first.profiles.index), (40, 120));

    // Create, update, delete through the store; one batch makes them visible.
    let org = office(db);
    let mut draft = vacancy_draft(org, "idx-1");
    draft.title = "Ohjelmistokehittäjä, Rust".into();
    let created = db
        .store
        .write(|c| vacancies::create_vacancy(c, &draft))
        .unwrap();
    let nurse = db
        .store
        .write(|c| vacancies::create_vacancy(c, &vacancy_draft(org, "idx-2")))
        .unwrap();
    let person = db
        .store
        .write(|c| profiles::create_profile(c, &profile_draft(org)))
        .unwrap();
    let mut changed = person.draft.clone();
    changed.max_commute_km = 80;
    db.store
        .write(|c| profiles::update_profile(c, person.id, &changed, Some(person.version)))
        .unwrap();
    let doomed = db
        .store
        .write(|c| profiles::create_profile(c, &profile_draft(org)))
        .unwrap();
    db.store
        .write(|c| profiles::delete_profile(c, doomed.id))
        .unwrap();
    assert_eq!(sync.sync_batch(&db.store, 5_000).unwrap(), 6);

    let index = sync.index();
    assert_eq!(key_count(index, &vacancy_key(created.id.0)), 1);
    assert_eq!(key_count(index, &profile_key(person.id.0)), 1);
    assert_eq!(key_count(index, &profile_key(doomed.id.0)), 0);
    // Finnish compounds: the head finds the compound, in any form.
    let id = created.id.0 as u64;
    assert!(title_search(index, "kehittäjä").contains(&id));
    assert!(title_search(index, "kehittäjiä").contains(&id));
    assert!(title_search(index, "ohjelmistokehittäjän").contains(&id));
    assert!(!title_search(index, "sairaanhoitaja").contains(&id));
    // "Sairaanhoitaja, sisätautien osasto" is found by "hoitaja", and by the
    // form typed without diacritics.
    let nurse = nurse.id.0 as u64;
    assert!(title_search(index, "hoitaja").contains(&nurse));
    assert!(title_search(index, "hoitajia").contains(&nurse));
    assert!(title_search(index, "sisatautien").contains(&nurse));
    let after = check(&db.store, index).unwrap();
    assert!(!after.drift, "{after:?}");
    assert_eq!(after.lag, 0);
    assert_eq!(after.profiles.index, 121);

    // A restart resumes from the commit payload: nothing is applied twice.
    let applied = sync.applied();
    drop(sync);
    db.store
        .write(|c| vacancies::delete_vacancy(c, created.id))
        .unwrap();
    let mut sync = IndexSync::open(IndexRoot::new(dir.path()), reference).unwrap();
    assert_eq!(sync.applied(), applied);
    assert_eq!(sync.sync_all(&db.store, |_| {}).unwrap().entries, 1);
    assert_eq!(key_count(sync.index(), &vacancy_key(created.id.0)), 0);
    assert!(!check(&db.store, sync.index()).unwrap().drift);
}

pub fn check_reports_drift(db: &TestDb) {
    let reference = populated(db, 30, 10);
    let dir = tempfile::tempdir().unwrap();
    let mut sync = IndexSync::open(IndexRoot::new(dir.path()), reference).unwrap();
    sync.sync_all(&db.store, |_| {}).unwrap();
    // A write the index has not applied yet is drift (with lag), and names the id.
    let org = office(db);
    let v = db
        .store
        .write(|c| vacancies::create_vacancy(c, &vacancy_draft(org, "drift-1")))
        .unwrap();
    let report = check(&db.store, sync.index()).unwrap();
    assert!(report.drift);
    assert_eq!(report.vacancies.missing, 1);
    assert_eq!(report.vacancies.missing_ids, vec![v.id.0]);
    assert_eq!(report.lag, 1);
    sync.sync_all(&db.store, |_| {}).unwrap();
    assert!(!check(&db.store, sync.index()).unwrap().drift);
}

pub fn rebuild_swaps_in_a_fresh_generation(db: &TestDb) {
    let reference = populated(db, 200, 50);
    let dir = tempfile::tempdir().unwrap();
    let root = IndexRoot::new(dir.path());
    let first = rebuild(&db.store, &root, &reference, |_, _| {}).unwrap();
    assert_eq!((first.vacancies, first.profiles), (50, 200));
    let old = root.current().unwrap().unwrap();

    // Changes after a rebuild are caught up by sync; a second rebuild replaces
    // the generation and removes the old one.
    let org = office(db);
    db.store
        .write(|c| vacancies::create_vacancy(c, &vacancy_draft(org, "after-rebuild")))
        .unwrap();
    let mut sync = IndexSync::open(root.clone(), reference.clone()).unwrap();
    assert_eq!(sync.sync_all(&db.store, |_| {}).unwrap().entries, 1);
    assert!(!check(&db.store, sync.index()).unwrap().drift);

    let second = rebuild(&db.store, &root, &reference, |_, _| {}).unwrap();
    assert_eq!(second.vacancies, 51);
    let new = root.current().unwrap().unwrap();
    assert_ne!(old, new);
    assert!(!old.exists());
    // The running writer follows the swap.
    assert!(sync.follow_swap().unwrap());
    assert_eq!(sync.index().dir, new);
    assert!(!check(&db.store, sync.index()).unwrap().drift);
}

fn contains(dir: &std::path::Path, needle: &[u8]) -> bool {
    std::fs::read_dir(dir).unwrap().flatten().any(|entry| {
        let bytes = std::fs::read(entry.path()).unwrap_or_default();
        bytes.windows(needle.len()).any(|w| w == needle)
    })
}

pub fn purge_leaves_no_trace_of_a_deleted_profile(db: &TestDb) {
    let reference = populated(db, 50, 5);
    let dir = tempfile::tempdir().unwrap();
    let mut sync = IndexSync::open(IndexRoot::new(dir.path()), reference).unwrap();
    let org = office(db);
    let canary = "Kanarialintuhoitaja-q7x4z9w2";
    let mut draft = profile_draft(org);
    draft.work_history[0].title = canary.into();
    let p = db
        .store
        .write(|c| profiles::create_profile(c, &draft))
        .unwrap();
    sync.sync_all(&db.store, |_| {}).unwrap();
    let gen = sync.index().dir.clone();
    assert!(
        contains(&gen, canary.as_bytes()),
        "canary not written at all"
    );

    db.store
        .write(|c| profiles::delete_profile(c, p.id))
        .unwrap();
    sync.sync_all(&db.store, |_| {}).unwrap();
    assert_eq!(key_count(sync.index(), &profile_key(p.id.0)), 0);
    // Deleted but still in the segment files until purged.
    assert!(contains(&gen, canary.as_bytes()));
    let report = sync.purge().unwrap();
    assert_eq!(report.segments_after, 1);
    assert!(!contains(&gen, canary.as_bytes()), "canary survived purge");
    assert!(!contains(&gen, b"q7x4z9w2"));
    let after = check(&db.store, sync.index()).unwrap();
    assert!(!after.drift, "{after:?}");
    assert_eq!(after.profiles.index, 50);
}

/// An index whose match records have an older format does not open (the
/// server then rebuilds it); a rebuild writes the current format.
pub fn records_of_another_format_are_not_opened(db: &TestDb) {
    let reference = populated(db, 20, 10);
    let dir = tempfile::tempdir().unwrap();
    let root = IndexRoot::new(dir.path());
    rebuild(&db.store, &root, &reference, |_, _| {}).unwrap();
    let index = SearchIndex::open_current(&root).unwrap();
    let payload: indexer::index::CommitPayload =
        serde_json::from_str(&index.index.load_metas().unwrap().payload.unwrap()).unwrap();
    assert_eq!(payload.records, matcher::records::RECORD_FORMAT);
    // What a version before the format was recorded committed.
    let mut writer: tantivy::IndexWriter = index.index.writer(15_000_000).unwrap();
    let mut prepared = writer.prepare_commit().unwrap();
    prepared.set_payload(&format!(
        r#"{{"outbox_id": {}, "taxonomy": "{}"}}"#,
        payload.outbox_id, payload.taxonomy
    ));
    prepared.commit().unwrap();
    drop(writer);
    drop(index);
    let error = SearchIndex::open_current(&root).unwrap_err();
    assert!(error.to_string().contains("another format"), "{error}");
    rebuild(&db.store, &root, &reference, |_, _| {}).unwrap();
    assert!(SearchIndex::open_current(&root).is_ok());
}

on_every_backend!(
    records_of_another_format_are_not_opened,
    sync_follows_creates_updates_and_deletes,
    check_reports_drift,
    rebuild_swaps_in_a_fresh_generation,
    purge_leaves_no_trace_of_a_deleted_profile,
);
