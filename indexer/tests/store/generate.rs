//! The demo population: deterministic for a seed, resumable, drawn from the
//! shipped reference data.

use std::collections::BTreeSet;

use chrono::NaiveDate;
use indexer::generate::{generate_population, PopulationSpec};
use indexer::sources::fixtures_dir;
use indexer::store::{profiles, vacancies, Store};
use matcher::domain::{ProfileDraft, VacancyDraft, Visibility};

use crate::TestDb;

fn spec(seed: u64, profiles: usize, vacancies: usize) -> PopulationSpec {
    PopulationSpec {
        profiles,
        vacancies,
        seed,
        reference_date: NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
    }
}

type Population = (Vec<(String, ProfileDraft)>, Vec<VacancyDraft>);

fn population(store: &Store) -> Population {
    store
        .read(|c| {
            let ids = profiles::profile_ids_after(c, 0, 1_000_000)?;
            let people = profiles::get_profiles(c, &ids)?
                .into_iter()
                .map(|p| (p.pseudonym, p.draft))
                .collect();
            let ids = vacancies::vacancy_ids_after(c, 0, 1_000_000)?;
            let jobs = vacancies::get_vacancies(c, &ids)?
                .into_iter()
                .map(|v| v.draft)
                .collect();
            Ok((people, jobs))
        })
        .unwrap()
}

pub fn generation_is_deterministic_and_resumable(db: &TestDb) {
    let fixtures = fixtures_dir();
    let report = generate_population(&db.store, &fixtures, &spec(11, 150, 60), |_, _| {}).unwrap();
    assert_eq!((report.profiles, report.vacancies), (150, 60));
    let (people, jobs) = population(&db.store);
    assert_eq!((people.len(), jobs.len()), (150, 60));

    // The same seed in another store gives the same population.
    let again = TestDb::sqlite().unwrap();
    generate_population(&again.store, &fixtures, &spec(11, 150, 60), |_, _| {}).unwrap();
    assert_eq!(population(&again.store), (people.clone(), jobs.clone()));

    // Another seed gives another population.
    let other = TestDb::sqlite().unwrap();
    generate_population(&other.store, &fixtures, &spec(12, 150, 60), |_, _| {}).unwrap();
    let (other_people, _) = population(&other.store);
    assert_ne!(other_people[0], people[0]);

    // A second run with the same seed continues the sequence instead of
    // colliding with the first: everything stays unique.
    generate_population(&db.store, &fixtures, &spec(11, 50, 20), |_, _| {}).unwrap();
    let (more_people, more_jobs) = population(&db.store);
    assert_eq!((more_people.len(), more_jobs.len()), (200, 80));
    assert_eq!(&more_people[..150], &people[..]);
    let pseudonyms: BTreeSet<_> = more_people.iter().map(|p| &p.0).collect();
    assert_eq!(pseudonyms.len(), 200);
    let sources: BTreeSet<_> = more_jobs.iter().map(|v| &v.source_id).collect();
    assert_eq!(sources.len(), 80);

    // Drawn from the real distributions: many places, many occupations, valid
    // drafts, some hidden vacancies and some people abroad or nationwide.
    let homes: BTreeSet<_> = more_people
        .iter()
        .filter_map(|p| p.1.home_municipality_code.clone())
        .collect();
    assert!(homes.len() > 30, "{} home municipalities", homes.len());
    let occupations: BTreeSet<_> = more_jobs
        .iter()
        .filter_map(|v| v.occupation_uri.clone())
        .collect();
    assert!(occupations.len() > 30, "{} occupations", occupations.len());
    for (_, draft) in &more_people {
        draft.validate().unwrap();
        assert!(!draft.skills.is_empty());
    }
    for draft in &more_jobs {
        draft.validate().unwrap();
    }
    assert!(more_jobs.iter().any(|v| v.visibility != Visibility::Public));
}

/// The demo's year of daily picture snapshots: one per day, deterministic
/// for a seed, seasonal, ending at the population's own tallies; days
/// already taken are kept.
pub fn demo_snapshots_make_a_seasonal_year(db: &TestDb) {
    use indexer::store::snapshots;
    use std::collections::BTreeMap;
    let fixtures = fixtures_dir();
    let spec = spec(5, 300, 150);
    generate_population(&db.store, &fixtures, &spec, |_, _| {}).unwrap();
    let today = spec.reference_date;
    let reference = indexer::generate::ensure_reference_data(&db.store, &fixtures).unwrap();
    indexer::generate::snapshots::generate(&db.store, &reference, spec.seed, today).unwrap();
    let first = today - chrono::Days::new(indexer::generate::snapshots::DAYS);
    let days = db
        .store
        .read(|c| snapshots::between(c, first, today))
        .unwrap();
    assert_eq!(days.len(), 366);
    assert_eq!(days[0].day, first);
    // The last day is the population: every open position of the store.
    let noon = today.and_hms_opt(12, 0, 0).unwrap();
    let open: i64 = db
        .store
        .read(|c| {
            use diesel::prelude::*;
            use indexer::store::schema::vacancies::dsl as v;
            let rows: Vec<(i32, Option<chrono::NaiveDateTime>)> = v::vacancies
                .filter(v::status.eq("open"))
                .select((v::positions, v::expires_at))
                .load(c)?;
            Ok(rows
                .into_iter()
                .filter(|(_, e)| e.is_none_or(|e| e > noon))
                .map(|(p, _)| i64::from(p))
                .sum())
        })
        .unwrap();
    let open = open as u64;
    let last = &days[365].tallies;
    assert_eq!(last.counts(None).0, open, "{last:?}");
    let active: i64 = db
        .store
        .read(|c| {
            use diesel::prelude::*;
            use indexer::store::schema::profiles::dsl as p;
            Ok(p::profiles
                .filter(p::status.eq("active"))
                .count()
                .get_result(c)?)
        })
        .unwrap();
    assert_eq!(last.counts(None).1, active as u64);
    assert!(last.mismatch_across_cells.unwrap() > 0.0);
    // Seasonal: the spring months have clearly more open positions than
    // the autumn ones.
    let mut months: BTreeMap<String, Vec<u64>> = BTreeMap::new();
    for d in &days {
        months
            .entry(d.day.format("%m").to_string())
            .or_default()
            .push(d.tallies.counts(None).0);
    }
    let mean = |m: &str| {
        let v = &months[m];
        v.iter().sum::<u64>() as f64 / v.len() as f64
    };
    assert!(mean("05") > 1.2 * mean("11"), "{months:?}");
    // The same seed gives the same year; running again keeps the days.
    let again = TestDb::sqlite().unwrap();
    generate_population(&again.store, &fixtures, &spec, |_, _| {}).unwrap();
    let again_reference =
        indexer::generate::ensure_reference_data(&again.store, &fixtures).unwrap();
    indexer::generate::snapshots::generate(&again.store, &again_reference, spec.seed, today)
        .unwrap();
    let other = again
        .store
        .read(|c| snapshots::between(c, first, today))
        .unwrap();
    let tallies =
        |s: &[matcher::trend::Snapshot]| s.iter().map(|s| s.tallies.clone()).collect::<Vec<_>>();
    assert_eq!(tallies(&other), tallies(&days));
    let written = indexer::generate::snapshots::generate(&db.store, &reference, 99, today).unwrap();
    assert_eq!(written, 0);
}

/// The demo outreach: a campaign over the demo employers and generated
/// firms, contacts that keep the rules, some needs already hidden
/// vacancies; the same for the same seed, and written once per store.
pub fn demo_outreach_is_deterministic_and_written_once(db: &TestDb) {
    use indexer::generate::outreach;
    use indexer::store::outreach::{self as store_outreach, ContactFilter, ContactScope};
    let fixtures = fixtures_dir();
    let contacts = |store: &Store| {
        store
            .read(|c| {
                let filter = ContactFilter {
                    scope: ContactScope::All,
                    firm: None,
                    campaign: None,
                    due_on: None,
                    before: 0,
                    limit: 1_000,
                };
                store_outreach::list_contacts(c, &filter)
            })
            .unwrap()
    };
    let shape = |store: &Store| {
        contacts(store)
            .into_iter()
            .map(|c| {
                let needs: Vec<_> = c
                    .needs
                    .iter()
                    .map(|n| {
                        (
                            n.occupation_uri.clone(),
                            n.positions,
                            n.vacancy_id.is_some(),
                        )
                    })
                    .collect();
                (
                    c.firm.name,
                    c.contacted_on,
                    c.channel,
                    c.follow_up_on,
                    c.layoff_people,
                    c.no_need,
                    needs,
                )
            })
            .collect::<Vec<_>>()
    };
    generate_population(&db.store, &fixtures, &spec(11, 20, 10), |_, _| {}).unwrap();
    let report = outreach::generate(&db.store, &spec(11, 20, 10)).unwrap();
    // 20 demo employers and 160 generated firms, a name drawn twice kept once.
    assert!((170..=180).contains(&report.firms), "{report:?}");
    assert!(
        report.contacts > 60 && report.needs > 20 && report.vacancies > 5,
        "{report:?}"
    );
    let first = shape(&db.store);
    assert_eq!(first.len(), report.contacts);
    let day = spec(11, 0, 0).reference_date;
    assert!(first
        .iter()
        .all(|c| c.1 <= day && c.1 >= day - chrono::Days::new(182)));
    assert!(
        first.iter().any(|c| c.3.is_some_and(|f| f <= day)),
        "a follow-up is due"
    );
    assert!(first.iter().any(|c| c.4.is_some()) && first.iter().any(|c| c.5));
    let campaigns = db
        .store
        .read(|c| store_outreach::list_campaigns(c, 0, 10))
        .unwrap();
    assert_eq!(campaigns.len(), 1);
    assert_eq!(campaigns[0].firms, report.firms as i64);

    // Written once: a second run adds nothing.
    let again = outreach::generate(&db.store, &spec(11, 20, 10)).unwrap();
    assert_eq!(again.contacts, 0);
    assert_eq!(shape(&db.store), first);

    // The same seed in another store gives the same contacts.
    let other = TestDb::sqlite().unwrap();
    generate_population(&other.store, &fixtures, &spec(11, 20, 10), |_, _| {}).unwrap();
    outreach::generate(&other.store, &spec(11, 20, 10)).unwrap();
    assert_eq!(shape(&other.store), first);
}
