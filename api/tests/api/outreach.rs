//! Employer outreach through the API: an adviser logs a contact (the firm
//! created on first contact), turns its need into a hidden vacancy once,
//! sees it as a vacancy; bad input is refused naming the field with
//! nothing stored; another office sees none of it; a campaign's progress
//! per office adds up.

use serde_json::{json, Value};

use crate::world::World;
use indexer::testkit::TestDb;

/// An ESCO occupation the shipped taxonomy has.
pub fn an_occupation(w: &World) -> String {
    let (_, o) = w.state.reference.taxonomy.occupations().next().unwrap();
    o.uri.clone()
}

fn today() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive()
}

fn days(n: i64) -> String {
    (today() + chrono::Duration::days(n)).to_string()
}

fn contacts_stored(w: &World) -> i64 {
    use diesel::prelude::*;
    use indexer::store::schema::outreach_contacts;
    w.db.store
        .read(|c| Ok(outreach_contacts::table.count().get_result::<i64>(c)?))
        .unwrap()
}

fn contact_log_and_hidden_vacancy(db: TestDb) {
    let w = World::start(db);
    let occupation = an_occupation(&w);
    let body = json!({
        "firm": {"business_id": "0245437-2", "name": "Rakennus Esimerkki Oy",
                 "municipality_code": "091", "industry_code": "41"},
        "contacted_on": days(-1),
        "channel": "visit",
        "needs": [{"occupation_uri": occupation, "positions": 3, "needed_by": days(30)}],
        "follow_up_on": days(14),
        "notes": "Kasvava rakennusliike, tarvitsee kolme työntekijää keväällä."
    });
    let (s, contact) = w.call(
        Some("adviser_a"),
        "POST",
        "/v1/outreach/contacts",
        Some(&body),
    );
    assert_eq!(s, 201, "{contact}");
    let firm = contact["firm"]["id"].as_i64().unwrap();
    assert_eq!(contact["firm"]["industry_code"], "41");
    assert_eq!(contact["needs"][0]["positions"], 3);
    assert!(contact["needs"][0]["vacancy_id"].is_null());

    // The firm is found again by business id, and by the typeahead.
    let (s, again) = w.call(
        Some("adviser_a"),
        "POST",
        "/v1/outreach/contacts",
        Some(
            &json!({"firm_id": firm, "contacted_on": days(0), "channel": "phone", "no_need": true}),
        ),
    );
    assert_eq!(s, 201, "{again}");
    let (s, found) = w.call(
        Some("adviser_b"),
        "GET",
        "/v1/outreach/firms?q=esimerk",
        None,
    );
    assert_eq!(s, 200);
    assert_eq!(found[0]["id"], firm);
    let (s, found) = w.call(
        Some("adviser_a"),
        "GET",
        "/v1/outreach/firms?q=0245437",
        None,
    );
    assert_eq!((s, found[0]["id"].as_i64()), (200, Some(firm)));

    // Bad input: the right code, the field named, nothing stored.
    let stored = contacts_stored(&w);
    let bad = |patch: Value| {
        let mut b = body.clone();
        for (k, v) in patch.as_object().unwrap() {
            b[k] = v.clone();
        }
        b
    };
    for (patch, status, code, field) in [
        (
            json!({"no_need": true}),
            422,
            "invalid_contact",
            Some("no_need"),
        ),
        (
            json!({"contacted_on": days(3)}),
            422,
            "invalid_contact",
            Some("contacted_on"),
        ),
        (
            json!({"follow_up_on": days(-2)}),
            422,
            "invalid_contact",
            Some("follow_up_on"),
        ),
        (
            json!({"layoff_on": days(40)}),
            422,
            "invalid_contact",
            Some("layoff_people"),
        ),
        (
            json!({"notes": "x".repeat(2001)}),
            422,
            "invalid_contact",
            Some("notes"),
        ),
        (
            json!({"needs": [{"occupation_uri": "http://data.europa.eu/esco/occupation/nope", "positions": 1}]}),
            422,
            "invalid_reference",
            Some("needs[0].occupation_uri"),
        ),
        (
            json!({"needs": [{"occupation_uri": occupation, "positions": 0}]}),
            422,
            "invalid_contact",
            Some("needs[0].positions"),
        ),
        (
            json!({"firm": {"business_id": "0245437-3", "name": "X Oy", "municipality_code": "091"}}),
            422,
            "invalid_contact",
            Some("firm.business_id"),
        ),
        (
            json!({"firm": {"name": "X Oy", "municipality_code": "999"}}),
            422,
            "invalid_reference",
            Some("firm.municipality_code"),
        ),
        (
            json!({"firm": {"name": "X Oy", "municipality_code": "091", "industry_code": "ZZ"}}),
            422,
            "invalid_reference",
            Some("firm.industry_code"),
        ),
        (
            json!({"firm_id": firm}),
            422,
            "invalid_contact",
            Some("firm"),
        ),
        (json!({"channel": "fax"}), 400, "invalid_body", None),
        (json!({"person": "Matti"}), 400, "invalid_body", None),
    ] {
        let (s, p) = w.call(
            Some("adviser_a"),
            "POST",
            "/v1/outreach/contacts",
            Some(&bad(patch.clone())),
        );
        assert_eq!(
            (s, p["code"].as_str()),
            (status, Some(code)),
            "{patch}: {p}"
        );
        assert_eq!(p["field"].as_str(), field, "{patch}: {p}");
    }
    assert_eq!(
        contacts_stored(&w),
        stored,
        "a refused contact stored something"
    );

    // Another office sees none of it; it cannot turn the need either.
    let id = contact["id"].as_i64().unwrap();
    let need = contact["needs"][0]["id"].as_i64().unwrap();
    let path = format!("/v1/outreach/contacts/{id}");
    assert_eq!(w.call(Some("adviser_b"), "GET", &path, None).0, 404);
    let (_, page) = w.call(Some("adviser_b"), "GET", "/v1/outreach/contacts", None);
    assert_eq!(page["items"].as_array().unwrap().len(), 0);
    let turn = format!("/v1/outreach/needs/{need}/vacancy");
    assert_eq!(w.call(Some("adviser_b"), "POST", &turn, None).0, 404);

    // Follow-ups due: the first contact's is answered by the later one.
    let due = format!("/v1/outreach/contacts?due_on={}", days(20));
    let (s, page) = w.call(Some("adviser_a"), "GET", &due, None);
    assert_eq!(
        (s, page["items"].as_array().unwrap().len()),
        (200, 0),
        "{page}"
    );
    let (_, page) = w.call(
        Some("adviser_a"),
        "GET",
        "/v1/outreach/contacts?limit=1",
        None,
    );
    assert_eq!(page["items"][0]["id"], again["id"]);
    let next = page["next_cursor"].as_str().unwrap();
    let (_, rest) = w.call(
        Some("adviser_a"),
        "GET",
        &format!("/v1/outreach/contacts?limit=1&cursor={next}"),
        None,
    );
    assert_eq!(rest["items"][0]["id"], id);

    // The need becomes a hidden vacancy of the firm, once.
    let (s, vacancy) = w.call(Some("adviser_a"), "POST", &turn, None);
    assert_eq!(s, 201, "{vacancy}");
    assert_eq!(vacancy["visibility"], "hidden");
    assert_eq!(vacancy["owner_org"], firm);
    assert_eq!(vacancy["positions"], 3);
    assert_eq!(vacancy["source"], "outreach");
    let (s, p) = w.call(Some("adviser_a"), "POST", &turn, None);
    assert_eq!((s, p["code"].as_str()), (409, Some("conflict")));
    let v = vacancy["id"].as_i64().unwrap();
    let (_, read) = w.call(Some("adviser_a"), "GET", &path, None);
    assert_eq!(read["needs"][0]["vacancy_id"], v);
    // Advisers see it as a vacancy, the index too; other employers do not.
    assert_eq!(
        w.call(
            Some("adviser_b"),
            "GET",
            &format!("/v1/vacancies/{v}"),
            None
        )
        .0,
        200
    );
    assert_eq!(
        w.call(
            Some("employer_e"),
            "GET",
            &format!("/v1/vacancies/{v}"),
            None
        )
        .0,
        404
    );
    w.wait_for_index();
    let (s, m) = w.call(
        Some("adviser_a"),
        "GET",
        &format!("/v1/vacancies/{v}/candidates?scope=nationwide"),
        None,
    );
    assert_eq!(s, 200, "{m}");

    // Ids in the query are 1 or more, as the schema says.
    for q in ["campaign=0", "firm=-1"] {
        let (s, p) = w.call(
            Some("adviser_a"),
            "GET",
            &format!("/v1/outreach/contacts?{q}"),
            None,
        );
        assert_eq!(
            (s, p["code"].as_str()),
            (400, Some("invalid_query")),
            "{q}: {p}"
        );
    }

    // Every write audited.
    let (_, audit) = w.call(Some("admin"), "GET", "/v1/audit?limit=100", None);
    let actions: Vec<&str> = audit["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    for a in ["outreach.contact.create", "outreach.need.vacancy"] {
        assert!(actions.contains(&a), "{a}: {actions:?}");
    }
}
on_every_backend!(contact_log_and_hidden_vacancy);

fn campaign_progress_per_office(db: TestDb) {
    let w = World::start(db);
    let occupation = an_occupation(&w);
    let start = days(-60);
    let firms = json!([
        {"business_id": "0245437-2", "name": "Eka Oy", "municipality_code": "091", "industry_code": "62"},
        {"name": "Toka Oy", "municipality_code": "049"},
        {"name": "Kolmas Oy", "municipality_code": "837"},
    ]);
    let campaign = json!({"name": "Yritysharavointi", "starts_on": start, "firms": firms});
    // A regional campaign refuses a firm outside its region, naming it.
    let mut regional = campaign.clone();
    regional["region_code"] = json!("01");
    let (s, p) = w.call(
        Some("adviser_a"),
        "POST",
        "/v1/outreach/campaigns",
        Some(&regional),
    );
    assert_eq!(
        (s, p["field"].as_str()),
        (422, Some("firms[2].municipality_code")),
        "{p}"
    );
    let mut ends = campaign.clone();
    ends["ends_on"] = json!(days(-61));
    let (s, p) = w.call(
        Some("adviser_a"),
        "POST",
        "/v1/outreach/campaigns",
        Some(&ends),
    );
    assert_eq!(
        (s, p["code"].as_str(), p["field"].as_str()),
        (422, Some("invalid_campaign"), Some("ends_on"))
    );
    assert_eq!(
        w.call(
            Some("employer_e"),
            "POST",
            "/v1/outreach/campaigns",
            Some(&campaign)
        )
        .0,
        403
    );

    let (s, created) = w.call(
        Some("adviser_a"),
        "POST",
        "/v1/outreach/campaigns",
        Some(&campaign),
    );
    assert_eq!(s, 201, "{created}");
    assert_eq!(created["firms"], 3);
    let id = created["id"].as_i64().unwrap();
    let (_, listed) = w.call(Some("adviser_b"), "GET", "/v1/outreach/campaigns", None);
    assert_eq!(listed["items"][0]["id"], id);

    let log = |who: &str, firm: &str, municipality: &str, extra: Value| {
        let mut b = json!({
            "firm": {"name": firm, "municipality_code": municipality},
            "campaign_id": id, "contacted_on": days(-10), "channel": "phone",
        });
        for (k, v) in extra.as_object().unwrap() {
            b[k] = v.clone();
        }
        let (s, c) = w.call(Some(who), "POST", "/v1/outreach/contacts", Some(&b));
        assert_eq!(s, 201, "{c}");
        c
    };
    // adviser_a's office serves Uusimaa (091, 049): the first office there.
    let eka = log(
        "adviser_a",
        "Eka Oy",
        "091",
        json!({"needs": [
            {"occupation_uri": occupation, "positions": 2},
            {"occupation_uri": occupation, "positions": 5},
        ]}),
    );
    log(
        "adviser_a",
        "Toka Oy",
        "049",
        json!({"follow_up_on": days(-2)}),
    );
    // adviser_b contacts Kolmas Oy (no office serves Pirkanmaa here).
    log(
        "adviser_b",
        "Kolmas Oy",
        "837",
        json!({"no_need": true, "layoff_people": 12}),
    );
    let need = eka["needs"][1]["id"].as_i64().unwrap();
    let (s, _) = w.call(
        Some("adviser_a"),
        "POST",
        &format!("/v1/outreach/needs/{need}/vacancy"),
        None,
    );
    assert_eq!(s, 201);

    for who in ["adviser_b", "admin"] {
        let (s, p) = w.call(
            Some(who),
            "GET",
            &format!("/v1/outreach/campaigns/{id}?as_of={}", days(0)),
            None,
        );
        assert_eq!(s, 200, "{p}");
        let office = |org: i64| {
            p["offices"]
                .as_array()
                .unwrap()
                .iter()
                .find(|o| o["office"] == org)
                .unwrap_or_else(|| panic!("{org}: {p}"))
                .clone()
        };
        let figures = |o: &Value| {
            [
                "firms",
                "firms_contacted",
                "needs",
                "positions",
                "vacancies",
                "follow_ups_due",
            ]
            .map(|k| o[k].as_i64().unwrap())
        };
        assert_eq!(
            figures(&office(w.who("adviser_a").org)),
            [2, 2, 2, 7, 1, 1],
            "{p}"
        );
        assert_eq!(
            figures(&office(w.who("adviser_b").org)),
            [0, 1, 0, 0, 0, 0],
            "{p}"
        );
        assert_eq!(figures(&p["total"]), [3, 3, 2, 7, 1, 1], "{p}");
    }
    // Before the contacts: nothing contacted yet.
    let (_, early) = w.call(
        Some("adviser_a"),
        "GET",
        &format!("/v1/outreach/campaigns/{id}?as_of={}", days(-30)),
        None,
    );
    assert_eq!(early["total"]["firms_contacted"], 0);
    assert_eq!(
        w.call(
            Some("adviser_a"),
            "GET",
            "/v1/outreach/campaigns/999999",
            None
        )
        .0,
        404
    );
}
on_every_backend!(campaign_progress_per_office);

/// `kohtaanto outreach import-campaign … --json` on the test store.
fn import_campaign(db: &TestDb, dir: &std::path::Path, csv: &str, args: &[&str]) -> (i32, Value) {
    let file = dir.join("firms.csv");
    std::fs::write(&file, csv).unwrap();
    let out = crate::support::kohtaanto(dir)
        .env("KOHTAANTO_DATABASE_URL", &db.url)
        .env("KOHTAANTO_DATA_DIR", "data")
        .args(["outreach", "import-campaign", &file.display().to_string()])
        .args([
            "--name",
            "Yritysharavointi",
            "--starts",
            "2026-09-01",
            "--json",
        ])
        .args(args)
        .output()
        .unwrap();
    let report = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code().unwrap(), report)
}

fn campaigns_stored(db: &TestDb) -> usize {
    db.store
        .read(|c| indexer::store::outreach::list_campaigns(c, 0, 100))
        .unwrap()
        .len()
}

/// A file with errors is reported line by line and stores nothing; a good
/// one (municipalities by code or name) creates the campaign, its firms
/// assigned to the office of their region; `progress` reads it.
fn cli_imports_a_campaign_whole_or_not_at_all(db: TestDb) {
    let tmp = tempfile::tempdir().unwrap();
    let store = &db.store;
    indexer::generate::ensure_reference_data(store, &indexer::sources::fixtures_dir()).unwrap();
    let office = store
        .write(|c| {
            indexer::store::orgs::create_org(
                c,
                matcher::domain::OrgKind::EmploymentOffice,
                "Uudenmaan työllisyysalue",
                None,
                Some("091"),
            )
        })
        .unwrap();
    let created_by = office.id.0.to_string();
    let bad = "business_id,name,municipality,industry\n\
               0245437-2,Eka Oy,091,62\n\
               0245437-3,Toka Oy,Espoo,41\n\
               ,Kolmas Oy,Atlantis,41\n\
               ,Neljäs Oy,Tampere,ZZ\n\
               ,eka oy,091,\n";
    let (code, report) = import_campaign(&db, tmp.path(), bad, &["--created-by", &created_by]);
    assert_eq!(code, 1, "{report}");
    let errors: Vec<(i64, &str)> = report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["line"].as_i64().unwrap(), e["field"].as_str().unwrap()))
        .collect();
    assert_eq!(
        errors,
        vec![(3, "business_id"), (4, "municipality"), (5, "industry")],
        "{report}"
    );
    assert_eq!(report["applied"], false);
    assert_eq!(campaigns_stored(&db), 0);

    let good = "business_id,name,municipality,industry\n\
                0245437-2,Eka Oy,091,62\n\
                ,Toka Oy,Espoo,41\n\
                \n\
                ,Kolmas Oy,Tampere,\n";
    let (code, dry) = import_campaign(
        &db,
        tmp.path(),
        good,
        &["--created-by", &created_by, "--dry-run"],
    );
    assert_eq!(
        (code, &dry["firms_created"], &dry["applied"]),
        (0, &json!(3), &json!(false)),
        "{dry}"
    );
    assert_eq!(campaigns_stored(&db), 0);
    let (code, done) = import_campaign(&db, tmp.path(), good, &["--created-by", &created_by]);
    assert_eq!(code, 0, "{done}");
    assert_eq!(
        (&done["rows"], &done["campaign"]["firms"]),
        (&json!(3), &json!(3)),
        "{done}"
    );
    let id = done["campaign"]["id"].as_i64().unwrap();
    let progress = store
        .read(|c| indexer::store::outreach::campaign_progress(c, id, today()))
        .unwrap()
        .unwrap();
    let of = |o: Option<i64>| {
        progress
            .offices
            .iter()
            .find(|p| p.office.map(|x| x.0) == o)
            .unwrap()
            .firms
    };
    assert_eq!((of(Some(office.id.0)), of(None)), (2, 1));

    let out = crate::support::kohtaanto(tmp.path())
        .env("KOHTAANTO_DATABASE_URL", &db.url)
        .env("KOHTAANTO_DATA_DIR", "data")
        .args(["outreach", "progress", &id.to_string(), "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["total"]["firms"], 3);
}
on_every_backend!(cli_imports_a_campaign_whole_or_not_at_all);
