//! The index under real processes: SIGKILL at random points while the store
//! takes a bulk load, and two servers each keeping their own index by
//! tailing one store's outbox. Both backends.

use std::time::{Duration, Instant};

use chrono::NaiveDate;
use indexer::generate::{generate_population, PopulationSpec};
use indexer::sources::fixtures_dir;
use indexer::store::{orgs, profiles, vacancies, Store};
use indexer::testkit::TestDb;
use matcher::domain::*;

use crate::support::{check_json, kohtaanto, with_store, Random, Server};

fn seeded(store: &Store) -> OrgId {
    let spec = PopulationSpec {
        profiles: 40,
        vacancies: 10,
        seed: 3,
        reference_date: NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
    };
    generate_population(store, &fixtures_dir(), &spec, |_, _| {}).unwrap();
    store
        .write(|c| orgs::create_org(c, OrgKind::EmploymentOffice, "Kuormitus", None, None))
        .unwrap()
        .id
}

fn vacancy(owner: OrgId, n: u64) -> VacancyDraft {
    VacancyDraft {
        source: "load".into(),
        source_id: format!("load-{n}"),
        owner_org: owner,
        title: format!("Lähihoitaja {n}"),
        description: "Vakituinen työ kotihoidossa.".into(),
        ad_language: "fi".into(),
        employer_name: None,
        occupation_uri: None,
        isco_code: Some("5322".into()),
        industry_code: None,
        skills: Vec::new(),
        municipality_code: Some("091".into()),
        lat: None,
        lon: None,
        remote: RemoteMode::None,
        work_time: WorkTime::FullTime,
        contract_type: ContractType::Permanent,
        positions: 1,
        salary_min_eur: None,
        salary_max_eur: None,
        languages: Vec::new(),
        licences: Vec::new(),
        certificates: Vec::new(),
        start_date: None,
        expires_at: None,
        visibility: Visibility::Public,
        shared_with: Vec::new(),
        status: VacancyStatus::Open,
    }
}

/// Bulk writes: batches of new vacancies and profiles, updates and deletes.
fn bulk_load(store: &Store, owner: OrgId, rounds: u64, seed: u64) {
    let template = store
        .read(|c| {
            let ids = profiles::profile_ids_after(c, 0, 1)?;
            profiles::get_profiles(c, &ids)
        })
        .unwrap()
        .remove(0)
        .draft;
    let mut random = Random(seed | 1);
    for round in 0..rounds {
        let drafts: Vec<VacancyDraft> = (0..50).map(|i| vacancy(owner, round * 1000 + i)).collect();
        let ids = store
            .write(|c| vacancies::create_vacancies(c, &drafts))
            .unwrap();
        let people: Vec<(String, ProfileDraft)> = (0..50)
            .map(|i| (format!("JS-LOAD{round:04}{i:03}"), template.clone()))
            .collect();
        let people = store
            .write(|c| profiles::create_profiles(c, &people))
            .unwrap();
        // Update one, delete a few of each kind.
        let v = ids[random.below(ids.len() as u64) as usize];
        store
            .write(|c| {
                let current = vacancies::get_vacancy(c, v)?.unwrap();
                let mut draft = current.draft.clone();
                draft.positions = 3;
                vacancies::update_vacancy(c, v, &draft, Some(current.version))
            })
            .unwrap();
        for _ in 0..5 {
            let v = ids[random.below(ids.len() as u64) as usize];
            let _ = store.write(|c| vacancies::delete_vacancy(c, v));
            let p = people[random.below(people.len() as u64) as usize];
            let _ = store.write(|c| profiles::delete_profile(c, p));
        }
        // Spread the load over several seconds so that kills land inside it.
        std::thread::sleep(Duration::from_millis(40));
    }
}

fn kill_nine_during_bulk_load(db: &TestDb) {
    let owner = seeded(&db.store);
    let tmp = tempfile::tempdir().unwrap();
    let index_dir = tmp.path().join("index");
    let mut random = Random::new();
    let loader_seed = random.below(u64::MAX);
    let store = db.store.clone();
    let loader = std::thread::spawn(move || bulk_load(&store, owner, 80, loader_seed));

    let mut kills = 0;
    let mut kills_during_load = 0;
    while !loader.is_finished() || kills < 8 {
        if !loader.is_finished() {
            kills_during_load += 1;
        }
        // Now and then kill a rebuild instead: the live generation must survive it.
        let rebuild = kills % 4 == 3;
        let mut command = kohtaanto(tmp.path());
        if rebuild {
            command.args(["index", "rebuild"]);
        } else {
            command.args(["index", "sync", "--follow"]);
        }
        with_store(&mut command, &db.url, &index_dir);
        let mut child = command
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_millis(200 + random.below(2_000)));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
        kills += 1;
        assert!(kills < 200, "bulk load did not finish");
    }
    loader.join().unwrap();
    assert!(
        kills_during_load >= 3,
        "only {kills_during_load} kills during the load"
    );

    let mut command = kohtaanto(tmp.path());
    command.args(["index", "sync"]);
    with_store(&mut command, &db.url, &index_dir);
    let out = command.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let (code, report) = check_json(tmp.path(), &db.url, &index_dir);
    assert_eq!(code, Some(0), "drift after {kills} kills: {report}");
    assert_eq!(report["drift"], false);
    assert_eq!(report["lag"], 0);
    let stored_profiles = db.store.read(profiles::count_profiles).unwrap();
    let stored_vacancies = db.store.read(vacancies::count_vacancies).unwrap();
    assert_eq!(report["profiles"]["index"], stored_profiles);
    assert_eq!(report["vacancies"]["index"], stored_vacancies);
    assert!(stored_vacancies > 1000, "{stored_vacancies}");
    eprintln!("{kills} kills ({kills_during_load} during the load); index holds {stored_vacancies} vacancies, {stored_profiles} profiles");
}

fn two_servers_tail_one_outbox(db: &TestDb) {
    let owner = seeded(&db.store);
    let tmp = tempfile::tempdir().unwrap();
    let start = |name: &str| {
        let index_dir = tmp.path().join(name).join("index");
        std::fs::create_dir_all(&index_dir).unwrap();
        let mut command = kohtaanto(tmp.path());
        command.args(["serve", "--bind", "127.0.0.1:0"]);
        with_store(&mut command, &db.url, &index_dir);
        (Server::start(command), index_dir)
    };
    let (first, first_dir) = start("node-a");
    let (second, second_dir) = start("node-b");
    assert_ne!(first.port, second.port);

    let ids = db
        .store
        .write(|c| vacancies::create_vacancies(c, &[vacancy(owner, 1), vacancy(owner, 2)]))
        .unwrap();
    db.store
        .write(|c| vacancies::delete_vacancy(c, ids[0]))
        .unwrap();
    let written = Instant::now();
    let last = db.store.read(indexer::store::outbox::last_id).unwrap();
    for dir in [&first_dir, &second_dir] {
        loop {
            let (code, report) = check_json(tmp.path(), &db.url, dir);
            if code == Some(0) && report["applied_outbox_id"] == last {
                break;
            }
            assert!(
                written.elapsed() < Duration::from_secs(60),
                "{} never caught up: {report}",
                dir.display()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
    eprintln!(
        "both nodes caught up {:.2} s after the write (including `index check` process start-ups)",
        written.elapsed().as_secs_f64()
    );
    drop(first);
    drop(second);
}

#[test]
fn kill_nine_during_bulk_load_on_sqlite() {
    kill_nine_during_bulk_load(&TestDb::sqlite().unwrap());
}

#[test]
fn kill_nine_during_bulk_load_on_postgres() {
    let Some(db) = TestDb::postgres().unwrap() else {
        eprintln!("KOHTAANTO_TEST_DATABASE_URL is not set: PostgreSQL run skipped");
        return;
    };
    kill_nine_during_bulk_load(&db);
}

#[test]
fn two_servers_tail_one_outbox_on_sqlite() {
    two_servers_tail_one_outbox(&TestDb::sqlite().unwrap());
}

#[test]
fn two_servers_tail_one_outbox_on_postgres() {
    let Some(db) = TestDb::postgres().unwrap() else {
        eprintln!("KOHTAANTO_TEST_DATABASE_URL is not set: PostgreSQL run skipped");
        return;
    };
    two_servers_tail_one_outbox(&db);
}
