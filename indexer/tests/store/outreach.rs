//! Employer outreach in the store: firms found or created, contacts and
//! their rules, a need turned into a hidden vacancy once (with its outbox
//! row), campaigns assigned to the office of each firm's region, and the
//! progress figures per office; both backends.

use chrono::NaiveDate;
use indexer::generate::{ensure_demo_orgs, ensure_reference_data};
use indexer::index::ReferenceData;
use indexer::sources::fixtures_dir;
use indexer::store::access::{self, VacancyViewer};
use indexer::store::outreach::{
    self, ContactFilter, ContactScope, FirmRef, NewCampaign, NewContact, NewFirm, NewNeed,
};
use indexer::store::{outbox, StoreError};
use matcher::domain::{OrgId, OutreachChannel, Visibility};
use matcher::references::References;

use crate::support::TestDb;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn references(db: &TestDb) -> References {
    ensure_reference_data(&db.store, &fixtures_dir()).unwrap();
    let reference = ReferenceData::load(&db.store).unwrap();
    reference.references(&db.store).unwrap()
}

fn firm(bid: Option<&str>, name: &str, municipality: &str) -> NewFirm {
    NewFirm {
        business_id: bid.map(str::to_owned),
        name: name.into(),
        municipality_code: municipality.into(),
        industry_code: Some("41".into()),
    }
}

fn contact(office: OrgId, on: NaiveDate) -> NewContact {
    NewContact {
        office,
        campaign: None,
        contacted_on: on,
        channel: OutreachChannel::Visit,
        needs: Vec::new(),
        layoff_people: None,
        layoff_on: None,
        no_need: true,
        follow_up_on: None,
        notes: String::new(),
    }
}

const NURSE: &str = "http://data.europa.eu/esco/occupation/";

fn an_occupation(refs: &References) -> String {
    let (_, o) = refs.taxonomy().occupations().next().unwrap();
    assert!(o.uri.starts_with(NURSE));
    o.uri.clone()
}

/// Contacts find or create their firm, keep their rules, list per office,
/// and a need becomes a hidden vacancy of the firm once.
pub fn outreach_contacts_and_hidden_vacancies(db: &TestDb) {
    let refs = references(db);
    let orgs = ensure_demo_orgs(&db.store, refs.geography()).unwrap();
    let (office, other) = (orgs.offices[0].1, orgs.offices[1].1);
    let today = day(2026, 12, 5);
    let occupation = an_occupation(&refs);

    // The rules, each naming its field.
    let mut bad = contact(office, day(2026, 12, 1));
    bad.needs.push(NewNeed {
        occupation_uri: occupation.clone(),
        positions: 2,
        needed_by: None,
    });
    let e = outreach::check_contact(&refs, &bad, today).unwrap_err();
    assert_eq!(e.field, "no_need");
    bad.no_need = false;
    bad.needs[0].occupation_uri = format!("{NURSE}nope");
    assert_eq!(
        outreach::check_contact(&refs, &bad, today)
            .unwrap_err()
            .field,
        "needs[0].occupation_uri"
    );
    bad.needs[0].occupation_uri = occupation.clone();
    bad.needs[0].needed_by = Some(day(2026, 11, 1));
    assert_eq!(
        outreach::check_contact(&refs, &bad, today)
            .unwrap_err()
            .field,
        "needs[0].needed_by"
    );
    bad.needs[0].needed_by = Some(day(2027, 2, 1));
    bad.follow_up_on = Some(day(2026, 12, 1));
    assert_eq!(
        outreach::check_contact(&refs, &bad, today)
            .unwrap_err()
            .field,
        "follow_up_on"
    );
    bad.follow_up_on = Some(day(2026, 12, 4));
    bad.contacted_on = day(2026, 12, 6);
    assert_eq!(
        outreach::check_contact(&refs, &bad, today)
            .unwrap_err()
            .field,
        "contacted_on"
    );
    bad.contacted_on = day(2026, 12, 1);
    bad.layoff_on = Some(day(2027, 1, 1));
    assert_eq!(
        outreach::check_contact(&refs, &bad, today)
            .unwrap_err()
            .field,
        "layoff_people"
    );
    bad.layoff_people = Some(12);
    outreach::check_contact(&refs, &bad, today).unwrap();
    assert_eq!(
        outreach::check_firm(&refs, &firm(Some("0245437-3"), "X Oy", "091"), "firm.")
            .unwrap_err()
            .field,
        "firm.business_id"
    );
    assert_eq!(
        outreach::check_firm(&refs, &firm(None, "X Oy", "999"), "firm.")
            .unwrap_err()
            .field,
        "firm.municipality_code"
    );

    // First contact creates the firm; the second finds it by name in any case.
    let named = FirmRef::Named(firm(None, "Rakennus Testi Oy", "091"));
    let first = db
        .store
        .write(|c| outreach::record_contact(c, &named, &bad))
        .unwrap();
    assert_eq!(first.needs.len(), 1);
    assert_eq!(first.firm.industry_code.as_deref(), Some("41"));
    let again = FirmRef::Named(firm(None, "  rakennus TESTI oy ", "091"));
    let second = db
        .store
        .write(|c| outreach::record_contact(c, &again, &contact(other, day(2026, 12, 2))))
        .unwrap();
    assert_eq!(second.firm.id, first.firm.id);

    // An office lists and reads only its own contacts.
    let mine = |scope| ContactFilter {
        scope,
        firm: None,
        campaign: None,
        due_on: None,
        before: 0,
        limit: 50,
    };
    let listed = db
        .store
        .read(|c| outreach::list_contacts(c, &mine(ContactScope::Office(office))))
        .unwrap();
    assert_eq!(
        listed.iter().map(|c| c.id).collect::<Vec<_>>(),
        vec![first.id]
    );
    assert!(db
        .store
        .read(|c| outreach::get_contact(c, first.id, ContactScope::Office(other)))
        .unwrap()
        .is_none());
    // The follow-up of the first is not due: the firm was contacted later.
    let due = db
        .store
        .read(|c| {
            outreach::list_contacts(
                c,
                &ContactFilter {
                    due_on: Some(day(2026, 12, 5)),
                    ..mine(ContactScope::All)
                },
            )
        })
        .unwrap();
    assert!(due.is_empty(), "{due:?}");

    // The need becomes a hidden vacancy of the firm, once, with its outbox row.
    let need = first.needs[0].id;
    let before = db.store.read(outbox::last_id).unwrap();
    assert!(matches!(
        db.store
            .write(|c| outreach::need_to_vacancy(c, &refs, need, ContactScope::Office(other))),
        Err(StoreError::NotFound { .. })
    ));
    let vacancy = db
        .store
        .write(|c| outreach::need_to_vacancy(c, &refs, need, ContactScope::Office(office)))
        .unwrap();
    assert_eq!(vacancy.draft.owner_org, first.firm.id);
    assert_eq!(vacancy.draft.visibility, Visibility::Hidden);
    assert_eq!(vacancy.draft.source, "outreach");
    assert_eq!(vacancy.draft.source_id, need.to_string());
    assert_eq!(vacancy.draft.positions, 2);
    assert_eq!(vacancy.draft.municipality_code.as_deref(), Some("091"));
    assert!(db.store.read(outbox::last_id).unwrap() > before);
    assert!(db
        .store
        .read(|c| access::vacancy_for(c, vacancy.id, VacancyViewer::Adviser))
        .unwrap()
        .is_some());
    assert!(matches!(
        db.store
            .write(|c| outreach::need_to_vacancy(c, &refs, need, ContactScope::Office(office))),
        Err(StoreError::Conflict(_))
    ));
    let read = db
        .store
        .read(|c| outreach::get_contact(c, first.id, ContactScope::Office(office)))
        .unwrap()
        .unwrap();
    assert_eq!(read.needs[0].vacancy_id, Some(vacancy.id.0));
}

/// A campaign assigns each firm to the office of its region and counts
/// per office what its contacts found.
pub fn outreach_campaign_progress(db: &TestDb) {
    let refs = references(db);
    let orgs = ensure_demo_orgs(&db.store, refs.geography()).unwrap();
    let office_of = |region: &str| orgs.offices.iter().find(|(r, _)| r == region).unwrap().1;
    let (uusimaa, pirkanmaa) = (office_of("01"), office_of("06"));
    let occupation = an_occupation(&refs);
    let list = vec![
        firm(Some("0245437-2"), "Eka Oy", "091"),
        firm(None, "Toka Oy", "049"),
        firm(None, "Kolmas Oy", "837"),
    ];
    let mut twice = list.clone();
    twice.push(firm(None, "toka oy", "049"));
    let errors = outreach::check_firm_list(&refs, None, &twice);
    assert_eq!(errors.len(), 1);
    assert_eq!((errors[0].0, errors[0].1.field.as_str()), (3, "name"));
    let regional = outreach::check_firm_list(&refs, Some("01"), &list);
    assert_eq!(regional.len(), 1);
    assert_eq!(regional[0].0, 2);

    let new = NewCampaign {
        name: "Yritysharavointi 2026".into(),
        region_code: None,
        starts_on: day(2026, 9, 1),
        ends_on: Some(day(2026, 12, 31)),
        created_by: uusimaa,
    };
    outreach::check_campaign(&refs, &new).unwrap();
    let (campaign, created) = db
        .store
        .write(|c| outreach::create_campaign(c, refs.geography(), &new, &list))
        .unwrap();
    assert_eq!((campaign.firms, created), (3, 3));

    let firms = db
        .store
        .read(|c| outreach::search_firms(c, "oy", 100))
        .unwrap();
    let id_of = |name: &str| firms.iter().find(|f| f.name == name).unwrap().id;
    let on = |office, firm_name: &str, date| {
        let mut c = contact(office, date);
        c.campaign = Some(campaign.id);
        (FirmRef::Existing(id_of(firm_name)), c)
    };
    let mut contacts = Vec::new();
    // Uusimaa: Eka Oy with two needs (3 + 1 positions) and a follow-up due.
    let (f, mut c) = on(uusimaa, "Eka Oy", day(2026, 10, 1));
    c.no_need = false;
    c.needs = vec![
        NewNeed {
            occupation_uri: occupation.clone(),
            positions: 3,
            needed_by: None,
        },
        NewNeed {
            occupation_uri: occupation.clone(),
            positions: 1,
            needed_by: None,
        },
    ];
    c.follow_up_on = Some(day(2026, 11, 1));
    contacts.push((f, c));
    // Toka Oy: a follow-up that a later contact answered.
    let (f, mut c) = on(uusimaa, "Toka Oy", day(2026, 10, 2));
    c.follow_up_on = Some(day(2026, 10, 20));
    contacts.push((f, c));
    contacts.push(on(uusimaa, "Toka Oy", day(2026, 10, 21)));
    // Pirkanmaa: Kolmas Oy, after the as-of day: not counted.
    contacts.push(on(pirkanmaa, "Kolmas Oy", day(2026, 12, 2)));
    let mut stored = Vec::new();
    for (f, c) in &contacts {
        outreach::check_contact(&refs, c, day(2026, 12, 5)).unwrap();
        stored.push(
            db.store
                .write(|conn| outreach::record_contact(conn, f, c))
                .unwrap(),
        );
    }
    let need = stored[0].needs[0].id;
    db.store
        .write(|c| outreach::need_to_vacancy(c, &refs, need, ContactScope::All))
        .unwrap();
    // Outside the campaign's dates: refused.
    let (f, late) = on(uusimaa, "Eka Oy", day(2027, 1, 2));
    assert!(matches!(
        db.store.write(|c| outreach::record_contact(c, &f, &late)),
        Err(StoreError::Invalid(_))
    ));

    let progress = db
        .store
        .read(|c| outreach::campaign_progress(c, campaign.id, day(2026, 11, 30)))
        .unwrap()
        .unwrap();
    let row = |office| {
        progress
            .offices
            .iter()
            .find(|o| o.office == Some(office))
            .unwrap()
    };
    let u = row(uusimaa);
    assert_eq!(
        (
            u.firms,
            u.firms_contacted,
            u.needs,
            u.positions,
            u.vacancies,
            u.follow_ups_due
        ),
        (2, 2, 2, 4, 1, 1)
    );
    let p = row(pirkanmaa);
    assert_eq!((p.firms, p.firms_contacted, p.needs), (1, 0, 0));
    assert_eq!(
        (
            progress.total.firms,
            progress.total.firms_contacted,
            progress.total.follow_ups_due
        ),
        (3, 2, 1)
    );
    let later = db
        .store
        .read(|c| outreach::campaign_progress(c, campaign.id, day(2026, 12, 5)))
        .unwrap()
        .unwrap();
    assert_eq!(later.total.firms_contacted, 3);
}
