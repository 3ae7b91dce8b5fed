//! Create, read, update and delete through the store, with the outbox rows
//! they must write in the same transaction.

use indexer::store::outbox::{self, Entity, Op};
use indexer::store::{orgs, profiles, run_migrations, vacancies, StoreError};
use matcher::domain::*;

use crate::support::{profile_draft, vacancy_draft, TestDb};

fn org(db: &TestDb, kind: OrgKind, name: &str) -> Organization {
    db.store
        .write(|c| orgs::create_org(c, kind, name, None, Some("091")))
        .unwrap()
}

pub fn migrations_are_idempotent(db: &TestDb) {
    let mut conn = db.store.conn().unwrap();
    assert!(
        run_migrations(&mut conn).unwrap().is_empty(),
        "a second run applies nothing"
    );
    // Reopening the same database migrates nothing and keeps the data.
    let office = org(db, OrgKind::EmploymentOffice, "Tampereen työllisyysalue");
    let again = indexer::store::Store::open(&db.url).unwrap();
    let found = again.read(|c| orgs::get_org(c, office.id)).unwrap();
    assert_eq!(found, Some(office));
}

pub fn organizations_and_tokens(db: &TestDb) {
    let agency = org(db, OrgKind::Agency, "Rekrytointi Oy");
    let issued = db
        .store
        .write(|c| orgs::issue_token(c, agency.id, Role::Recruiter, "ci", None))
        .unwrap();
    assert!(issued.secret.expose().starts_with("koh_"));
    let who = db
        .store
        .read(|c| orgs::authenticate(c, issued.secret.expose()))
        .unwrap()
        .unwrap();
    assert_eq!(
        (who.org, who.role, who.org_kind),
        (agency.id, Role::Recruiter, OrgKind::Agency)
    );
    assert_eq!(
        db.store
            .read(|c| orgs::authenticate(c, "koh_wrong"))
            .unwrap(),
        None
    );

    // An agency cannot hold an adviser's token.
    let err = db
        .store
        .write(|c| orgs::issue_token(c, agency.id, Role::Adviser, "x", None))
        .unwrap_err();
    assert!(matches!(err, StoreError::Invalid(_)), "{err}");

    // Expired and revoked tokens stop working.
    let past = crate::support::ts(2020, 1, 1);
    let expired = db
        .store
        .write(|c| orgs::issue_token(c, agency.id, Role::Recruiter, "old", Some(past)))
        .unwrap();
    assert_eq!(
        db.store
            .read(|c| orgs::authenticate(c, expired.secret.expose()))
            .unwrap(),
        None
    );
    db.store
        .write(|c| orgs::revoke_token(c, issued.id))
        .unwrap();
    assert_eq!(
        db.store
            .read(|c| orgs::authenticate(c, issued.secret.expose()))
            .unwrap(),
        None
    );
    assert!(matches!(
        db.store.write(|c| orgs::revoke_token(c, issued.id)),
        Err(StoreError::NotFound { .. })
    ));

    // Only the hash is stored.
    let mut conn = db.store.conn().unwrap();
    use diesel::prelude::*;
    let hashes: Vec<String> = indexer::store::schema::api_tokens::table
        .select(indexer::store::schema::api_tokens::secret_hash)
        .load(&mut conn)
        .unwrap();
    assert!(hashes
        .iter()
        .all(|h| h.len() == 64 && !h.starts_with("koh_")));
    assert_eq!(db.store.read(orgs::count_orgs).unwrap(), 1);
}

pub fn vacancy_crud_writes_outbox(db: &TestDb) {
    let employer = org(db, OrgKind::Employer, "Hyvinvointialue");
    let agency = org(db, OrgKind::Agency, "Henkilöstöpalvelu Oy");
    let start = db.store.read(outbox::last_id).unwrap();

    let draft = vacancy_draft(employer.id, "v-1");
    let created = db
        .store
        .write(|c| vacancies::create_vacancy(c, &draft))
        .unwrap();
    assert_eq!(created.draft, draft);
    assert_eq!(created.version, 1);

    let mut changed = draft.clone();
    changed.title = "Sairaanhoitaja, päivystys".into();
    changed.visibility = Visibility::Shared;
    changed.shared_with = vec![agency.id];
    changed.skills.pop();
    let updated = db
        .store
        .write(|c| vacancies::update_vacancy(c, created.id, &changed, Some(1)))
        .unwrap();
    assert_eq!(updated.draft, changed);
    assert_eq!(updated.version, 2);
    assert_eq!(updated.created_at, created.created_at);

    // A stale version is refused and changes nothing.
    let stale = db
        .store
        .write(|c| vacancies::update_vacancy(c, created.id, &draft, Some(1)));
    assert!(matches!(stale, Err(StoreError::Conflict(_))));

    db.store
        .write(|c| vacancies::delete_vacancy(c, created.id))
        .unwrap();
    assert_eq!(
        db.store
            .read(|c| vacancies::get_vacancy(c, created.id))
            .unwrap(),
        None
    );
    assert!(matches!(
        db.store.write(|c| vacancies::delete_vacancy(c, created.id)),
        Err(StoreError::NotFound { .. })
    ));

    let entries = db
        .store
        .read(|c| outbox::read_after(c, start, 100))
        .unwrap();
    let seen: Vec<_> = entries
        .iter()
        .map(|e| (e.entity, e.entity_id, e.op, e.version))
        .collect();
    assert_eq!(
        seen,
        vec![
            (Entity::Vacancy, created.id.0, Op::Upsert, 1),
            (Entity::Vacancy, created.id.0, Op::Upsert, 2),
            (Entity::Vacancy, created.id.0, Op::Delete, 3),
        ]
    );
    assert!(entries.windows(2).all(|w| w[0].id < w[1].id));
}

pub fn vacancy_source_is_unique(db: &TestDb) {
    let employer = org(db, OrgKind::Employer, "Konepaja Oy");
    let draft = vacancy_draft(employer.id, "same");
    db.store
        .write(|c| vacancies::create_vacancy(c, &draft))
        .unwrap();
    let again = db.store.write(|c| vacancies::create_vacancy(c, &draft));
    assert!(matches!(again, Err(StoreError::Conflict(_))), "{again:?}");
    let found = db
        .store
        .read(|c| vacancies::find_vacancy_by_source(c, "test", "same"))
        .unwrap();
    assert_eq!(found.map(|v| v.draft), Some(draft));
    assert_eq!(db.store.read(vacancies::count_vacancies).unwrap(), 1);
}

pub fn profile_crud_keeps_contacts_apart(db: &TestDb) {
    let office = org(db, OrgKind::EmploymentOffice, "Kuopion työllisyysalue");
    let draft = profile_draft(office.id);
    let created = db
        .store
        .write(|c| profiles::create_profile(c, &draft))
        .unwrap();
    assert_eq!(created.draft, draft);
    assert!(created.pseudonym.starts_with("JS-") && created.pseudonym.len() == 15);

    // Contact details are in their own table, not among the matching fields.
    let mut conn = db.store.conn().unwrap();
    use diesel::prelude::*;
    use indexer::store::schema::profile_contacts;
    let names: Vec<String> = profile_contacts::table
        .select(profile_contacts::full_name)
        .load(&mut conn)
        .unwrap();
    assert_eq!(names, vec!["Aino Virtanen".to_owned()]);

    let mut moved = draft.clone();
    moved.home_municipality_code = None;
    moved.abroad_country = Some("SE".into());
    moved.relocation = Relocation::Nationwide;
    moved.relocation_regions.clear();
    let updated = db
        .store
        .write(|c| profiles::update_profile(c, created.id, &moved, None))
        .unwrap();
    assert_eq!(updated.draft, moved);
    assert_eq!(updated.pseudonym, created.pseudonym);

    db.store
        .write(|c| profiles::delete_profile(c, created.id))
        .unwrap();
    assert_eq!(
        db.store
            .read(|c| profiles::get_profile(c, created.id))
            .unwrap(),
        None
    );
    let left: i64 = profile_contacts::table
        .count()
        .get_result(&mut conn)
        .unwrap();
    assert_eq!(left, 0, "erasure removes contact details too");
    let last = db.store.read(|c| outbox::read_after(c, 0, 10)).unwrap();
    assert_eq!(
        last.last().map(|e| (e.op, e.version)),
        Some((Op::Delete, 3))
    );
}

pub fn bulk_creates_allocate_distinct_ids(db: &TestDb) {
    let employer = org(db, OrgKind::Employer, "Kauppa Oy");
    let drafts: Vec<_> = (0..2_500)
        .map(|i| vacancy_draft(employer.id, &format!("bulk-{i}")))
        .collect();
    let ids = db
        .store
        .write(|c| vacancies::create_vacancies(c, &drafts))
        .unwrap();
    assert_eq!(ids.len(), 2_500);
    let mut sorted = ids.clone();
    sorted.dedup();
    assert_eq!(sorted.len(), 2_500);
    let back = db
        .store
        .read(|c| vacancies::get_vacancies(c, &ids))
        .unwrap();
    assert_eq!(back.len(), 2_500);
    assert!(back.iter().zip(&drafts).all(|(v, d)| &v.draft == d));
    // Ids keep growing after a delete: none is reused.
    let last = *ids.last().unwrap();
    db.store
        .write(|c| vacancies::delete_vacancy(c, last))
        .unwrap();
    let next = db
        .store
        .write(|c| vacancies::create_vacancy(c, &vacancy_draft(employer.id, "after")))
        .unwrap();
    assert!(next.id > last);
    assert_eq!(
        db.store
            .read(|c| outbox::read_after(c, 0, 10_000))
            .unwrap()
            .len(),
        2_502
    );
}

pub fn failed_write_leaves_nothing(db: &TestDb) {
    let employer = org(db, OrgKind::Employer, "Rakennus Oy");
    let before = db.store.read(outbox::last_id).unwrap();
    // The second draft shares to an organization that does not exist: the
    // whole batch, the first vacancy and its outbox row included, is refused.
    let good = vacancy_draft(employer.id, "ok");
    let mut bad = vacancy_draft(employer.id, "bad");
    bad.visibility = Visibility::Shared;
    bad.shared_with = vec![OrgId(987_654)];
    let result = db
        .store
        .write(|c| vacancies::create_vacancies(c, &[good, bad]));
    assert!(matches!(result, Err(StoreError::Invalid(_))), "{result:?}");
    assert_eq!(db.store.read(vacancies::count_vacancies).unwrap(), 0);
    assert_eq!(db.store.read(outbox::last_id).unwrap(), before);

    // Invalid drafts are refused before touching the database.
    let mut empty_title = vacancy_draft(employer.id, "x");
    empty_title.title = "  ".into();
    let err = db
        .store
        .write(|c| vacancies::create_vacancy(c, &empty_title))
        .unwrap_err();
    assert_eq!(err.to_string(), "invalid data: title: must not be empty");
}
