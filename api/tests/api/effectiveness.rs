//! Effectiveness in the picture and the picture over time, over the API,
//! on a history made through the store's own functions: introductions and
//! hires (`store::introductions`), a layoff cohort, employer outreach, and
//! daily snapshots.

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use indexer::store::introductions::{self, StatusChange};
use indexer::store::schema::{organizations, outreach_contacts, outreach_needs, vacancies};
use indexer::store::{cohorts, orgs, snapshots};
use indexer::testkit::TestDb;
use matcher::domain::{IntroductionStatus, OrgId, OrgKind, ProfileId, VacancyId};
use matcher::trend::{RegionCounts, SnapshotTallies};
use serde_json::{json, Value};

use crate::world::World;

/// What the history holds.
struct History {
    /// The Helsinki vacancy (8 positions) and the Tampere one.
    helsinki: i64,
    tampere: i64,
    now: NaiveDateTime,
}

fn history(w: &World) -> History {
    let (_, found) = w.call(
        Some("adviser_a"),
        "GET",
        "/v1/taxonomy/occupations?q=sairaanhoitaja&limit=1",
        None,
    );
    let nurse = found["items"][0]["uri"].as_str().unwrap().to_owned();
    let vacancy = |municipality: &str, positions: u32| -> i64 {
        let (s, v) = w.call(
            Some("employer_e"),
            "POST",
            "/v1/vacancies",
            Some(&json!({
                "title": "Sairaanhoitaja",
                "description": "Hoitotyötä.",
                "occupation_uri": nurse,
                "municipality_code": municipality,
                "positions": positions,
            })),
        );
        assert_eq!(s, 201, "{v}");
        v["id"].as_i64().unwrap()
    };
    let profile = |home: &str| -> i64 {
        let (s, p) = w.call(
            Some("adviser_a"),
            "POST",
            "/v1/profiles",
            Some(&json!({
                "contact": {"full_name": "Testi Henkilö"},
                "home_municipality_code": home,
                "desired_occupations": [nurse],
            })),
        );
        assert_eq!(s, 201, "{p}");
        p["id"].as_i64().unwrap()
    };
    let helsinki = vacancy("091", 8);
    let tampere = vacancy("837", 2);
    // Five nurses of Helsinki (Uusimaa, 01), four of Tampere (Pirkanmaa, 06).
    let people: Vec<i64> = [
        "091", "091", "091", "091", "091", "837", "837", "837", "837",
    ]
    .iter()
    .map(|home| profile(home))
    .collect();
    let now = chrono::Utc::now().naive_utc();
    let office = OrgId(w.who("adviser_a").org);
    let geography = &w.state.reference.geography;
    w.db.store
        .write(|c| {
            // The vacancies were opened 20 days ago.
            for v in [helsinki, tampere] {
                diesel::update(vacancies::table.find(v))
                    .set(vacancies::created_at.eq(now - Duration::days(20)))
                    .execute(c)?;
            }
            // Eight introductions to Helsinki, six hires (three from each
            // region) 15 days after the vacancy opened; one introduction
            // and one local hire in Tampere.
            let mut hire = |vacancy: i64, person: i64, hired: bool| {
                let intro = introductions::introduce_at(
                    c,
                    VacancyId(vacancy),
                    ProfileId(person),
                    office,
                    None,
                    now - Duration::days(10),
                )?;
                if hired {
                    let change = StatusChange {
                        status: IntroductionStatus::Hired,
                        reason: None,
                        start_date: None,
                        moved_region: None,
                        expected_version: None,
                    };
                    introductions::change_status(
                        c,
                        geography,
                        intro.id,
                        &change,
                        now - Duration::days(5),
                    )?
                    .unwrap();
                }
                Ok::<_, indexer::store::StoreError>(())
            };
            for (i, &p) in people[..8].iter().enumerate() {
                hire(helsinki, p, [0, 1, 2, 5, 6, 7].contains(&i))?;
            }
            hire(tampere, people[8], true)?;
            // The five Helsinki nurses are a layoff cohort.
            let members: Vec<ProfileId> = people[..5].iter().map(|&p| ProfileId(p)).collect();
            cohorts::create_cohort(c, "Sairaala, Helsinki", "Hoiva Oy", office, &members)?;
            // Outreach: six health-care firms of Helsinki contacted (three
            // needs of two people, one made a hidden vacancy), two
            // manufacturers of Tampere.
            let firms: Vec<(&str, &str)> = [("091", "86"); 6]
                .into_iter()
                .chain([("837", "25"); 2])
                .collect();
            for (i, (municipality, industry)) in firms.iter().enumerate() {
                let firm = orgs::create_org(
                    c,
                    OrgKind::Employer,
                    &format!("Yritys {i}"),
                    None,
                    Some(municipality),
                )?;
                diesel::update(organizations::table.find(firm.id.0))
                    .set(organizations::industry_code.eq(*industry))
                    .execute(c)?;
                let contact = 9_000 + i as i64;
                diesel::insert_into(outreach_contacts::table)
                    .values((
                        outreach_contacts::id.eq(contact),
                        outreach_contacts::firm_org_id.eq(firm.id.0),
                        outreach_contacts::office_org_id.eq(office.0),
                        outreach_contacts::contacted_on.eq((now - Duration::days(30)).date()),
                        outreach_contacts::channel.eq("visit"),
                        outreach_contacts::no_need.eq(i >= 3),
                        outreach_contacts::notes.eq(""),
                        outreach_contacts::created_at.eq(now),
                    ))
                    .execute(c)?;
                if i < 3 {
                    diesel::insert_into(outreach_needs::table)
                        .values((
                            outreach_needs::id.eq(contact),
                            outreach_needs::contact_id.eq(contact),
                            outreach_needs::occupation_uri.eq(&nurse),
                            outreach_needs::positions.eq(2),
                            outreach_needs::vacancy_id.eq((i == 0).then_some(helsinki)),
                        ))
                        .execute(c)?;
                }
            }
            Ok(())
        })
        .unwrap();
    w.wait_for_index();
    History {
        helsinki,
        tampere,
        now,
    }
}

fn row<'a>(rows: &'a Value, area: &str) -> &'a Value {
    rows.as_array()
        .unwrap()
        .iter()
        .find(|r| r["area"]["code"] == area)
        .unwrap_or_else(|| panic!("no {area} in {rows}"))
}

fn flow<'a>(e: &'a Value, from: &str, to: &str) -> &'a Value {
    e["hires"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["from"]["code"] == from && f["to"]["code"] == to)
        .unwrap_or_else(|| panic!("no {from} → {to} in {e}"))
}

/// Every published count of an analyst's answer is 0 or at least 5.
fn no_small_counts(v: &Value, path: &str) {
    match v {
        Value::Object(map) => {
            for (k, x) in map {
                let counted = [
                    "placements",
                    "cross_regional_placements",
                    "introductions",
                    "firms_contacted",
                    "placed",
                    "members",
                ];
                if counted.contains(&k.as_str()) {
                    if let Some(n) = x.as_u64() {
                        assert!(n == 0 || n >= 5, "{path}.{k} = {n}");
                    }
                }
                no_small_counts(x, &format!("{path}.{k}"));
            }
        }
        Value::Array(items) => {
            for (i, x) in items.iter().enumerate() {
                no_small_counts(x, &format!("{path}[{i}]"));
            }
        }
        _ => {}
    }
}

fn effectiveness_for_advisers_and_analysts(db: TestDb) {
    let w = World::start(db);
    let h = history(&w);
    let path = "/v1/picture/effectiveness?lang=en";
    for who in ["recruiter_x", "employer_e", "admin"] {
        assert_eq!(w.call(Some(who), "GET", path, None).0, 403, "{who}");
    }
    assert_eq!(w.call(None, "GET", path, None).0, 401);

    // The adviser sees every count.
    let (s, e) = w.call(Some("adviser_a"), "GET", path, None);
    assert_eq!(s, 200, "{e}");
    assert_eq!(e["disclosure_control"], false);
    assert_eq!(e["total"]["placements"], 7, "{e}");
    assert_eq!(e["total"]["introductions"], 9);
    assert_eq!(e["total"]["cross_regional_placements"], 3);
    let uusimaa = row(&e["areas"], "01");
    assert_eq!(uusimaa["placements"], 6, "{uusimaa}");
    assert_eq!(uusimaa["cross_regional_placements"], 3);
    assert_eq!(uusimaa["introductions"], 8);
    assert!((uusimaa["introductions_per_hire"].as_f64().unwrap() - 8.0 / 6.0).abs() < 1e-9);
    assert!((uusimaa["mean_days_to_hire"].as_f64().unwrap() - 15.0).abs() < 1e-6);
    let cell = row(&e["cells"], "06");
    assert_eq!(cell["group"]["code"], "2");
    assert_eq!(cell["placements"], 1);
    assert_eq!(flow(&e, "01", "01")["placements"], 3);
    assert_eq!(flow(&e, "06", "01")["placements"], 3);
    assert_eq!(flow(&e, "06", "06")["placements"], 1);
    assert_eq!(e["hires"].as_array().unwrap().len(), 3, "{e}");
    // The cohort: three of its five placed, all in the month of the hires.
    let cohort = &e["cohorts"][0];
    assert_eq!(cohort["members"], 5, "{cohort}");
    assert_eq!(cohort["placed"], 3);
    let month = (h.now - Duration::days(5)).format("%Y-%m").to_string();
    let months = cohort["months"].as_array().unwrap();
    assert_eq!(months.len(), e["months"].as_array().unwrap().len());
    for m in months {
        let expected = if m["month"] == month.as_str() { 3 } else { 0 };
        assert_eq!(m["placed"], expected, "{m}");
    }
    // Outreach: per region × industry section.
    let health = e["outreach"]["cells"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["area"]["code"] == "01")
        .unwrap();
    assert_eq!(health["industry"]["code"], "Q", "{health}");
    assert_eq!(health["firms_contacted"], 6);
    assert_eq!(health["needs_found"], 3);
    assert_eq!(health["positions_needed"], 6);
    assert_eq!(health["hidden_vacancies_created"], 1);
    assert_eq!(row(&e["outreach"]["areas"], "06")["firms_contacted"], 2);

    // The analyst: small cells withheld, and their partners.
    let (s, a) = w.call(Some("analyst"), "GET", path, None);
    assert_eq!(s, 200, "{a}");
    assert_eq!(a["disclosure_control"], true);
    assert_eq!(row(&a["cells"], "06")["suppressed"], true);
    assert!(row(&a["cells"], "06")["placements"].is_null());
    assert_eq!(flow(&a, "01", "01")["suppressed"], true);
    assert!(flow(&a, "06", "01")["placements"].is_null());
    assert_eq!(row(&a["outreach"]["areas"], "06")["suppressed"], true);
    assert_eq!(a["cohorts"][0]["members"], 5, "five members are published");
    assert!(a["cohorts"][0]["placed"].is_null(), "three placed are not");
    no_small_counts(&a, "");

    // A period before the history has nothing in it.
    let before = (h.now - Duration::days(400)).date();
    let (s, empty) = w.call(
        Some("adviser_a"),
        "GET",
        &format!(
            "/v1/picture/effectiveness?since={before}&until={}",
            before + Duration::days(30)
        ),
        None,
    );
    assert_eq!(s, 200, "{empty}");
    assert_eq!(empty["total"]["placements"], 0);
    assert_eq!(empty["hires"], json!([]));

    // CSV by format and by Accept.
    let (s, csv) = w.call(
        Some("adviser_a"),
        "GET",
        "/v1/picture/effectiveness?format=csv&table=hires",
        None,
    );
    assert_eq!(s, 200);
    let csv = csv.as_str().unwrap();
    assert!(
        csv.starts_with("from_code,from_name,to_code,to_name,placements,suppressed\r\n"),
        "{csv}"
    );
    assert!(csv.contains("06,Pirkanmaa,01,Uusimaa,3,false"), "{csv}");
    let response = w
        .client
        .get(w.url("/v1/picture/effectiveness?table=areas"))
        .bearer_auth(&w.who("analyst").token)
        .header("Accept", "text/csv")
        .send()
        .unwrap();
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let areas = response.text().unwrap();
    assert_eq!(areas.lines().count(), 1 + 19, "{areas}");
    assert!(areas.contains("06,Pirkanmaa,,,,,,,,true"), "{areas}");
    let (_, outreach) = w.call(
        Some("adviser_a"),
        "GET",
        "/v1/picture/effectiveness?format=csv&table=outreach&industry=division",
        None,
    );
    assert!(outreach.as_str().unwrap().contains(",86,"), "{outreach}");

    for (query, status, code) in [
        ("since=2026-13-01", 400, "invalid_date"),
        ("until=yesterday", 400, "invalid_date"),
        ("since=2026-05-01&until=2026-04-01", 422, "invalid_period"),
        ("since=2000-01-01&until=2026-01-01", 422, "invalid_period"),
        ("occupation_level=3", 400, "invalid_occupation_level"),
        ("industry=class", 400, "invalid_industry"),
        (
            "industry=section&occupation_level=1",
            422,
            "invalid_grouping",
        ),
        ("table=flows", 400, "invalid_table"),
        ("format=xml", 400, "invalid_format"),
        ("lang=de", 400, "invalid_lang"),
        ("bogus=1", 400, "invalid_query"),
    ] {
        let (s, p) = w.call(
            Some("adviser_a"),
            "GET",
            &format!("/v1/picture/effectiveness?{query}"),
            None,
        );
        assert_eq!(
            (s, p["code"].as_str()),
            (status, Some(code)),
            "{query}: {p}"
        );
    }
    let _ = (h.helsinki, h.tampere);
}
on_every_backend!(effectiveness_for_advisers_and_analysts);

fn tallies(positions: u64, jobseekers: u64, mismatch: f64) -> SnapshotTallies {
    SnapshotTallies {
        regions: vec![
            RegionCounts {
                code: "01".into(),
                open_vacancies: positions,
                open_positions: positions,
                active_jobseekers: jobseekers,
            },
            RegionCounts {
                code: "06".into(),
                open_vacancies: 1,
                open_positions: 1,
                active_jobseekers: 1,
            },
        ],
        mismatch_across_areas: Some(mismatch / 2.0),
        mismatch_across_cells: Some(mismatch),
        placements: 0,
    }
}

fn trend_from_snapshots_and_placements(db: TestDb) {
    let w = World::start(db);
    let h = history(&w);
    let store = &w.db.store;
    // Two snapshots in one month two months ago; today's taken by the
    // engine, twice (the second replaces the first).
    let earlier = chrono::Datelike::with_day(&(h.now.date() - Duration::days(62)), 1).unwrap();
    store
        .write(|c| {
            snapshots::upsert(c, earlier, h.now, &tallies(10, 20, 0.2))?;
            snapshots::upsert(c, earlier + Duration::days(1), h.now, &tallies(30, 20, 0.4))
        })
        .unwrap();
    w.state.engine.take_snapshot(h.now).unwrap();
    let today = w.state.engine.take_snapshot(h.now).unwrap();
    assert_eq!(store.read(snapshots::count).unwrap(), 3);
    // Open positions stay until filled; the hired are no longer active.
    assert_eq!(today.tallies.counts(Some("01")), (8, 2), "{today:?}");
    assert_eq!(today.tallies.counts(Some("06")), (2, 0));

    let path = "/v1/picture/trend?region=01";
    for who in ["recruiter_x", "employer_e", "admin"] {
        assert_eq!(w.call(Some(who), "GET", path, None).0, 403, "{who}");
    }
    let (s, t) = w.call(Some("adviser_a"), "GET", path, None);
    assert_eq!(s, 200, "{t}");
    assert_eq!(t["region"]["name"], "Uusimaa");
    let months = t["months"].as_array().unwrap();
    assert_eq!(months.len(), 12, "{t}");
    let month = |m: &str| {
        months
            .iter()
            .find(|x| x["month"] == m)
            .unwrap_or_else(|| panic!("{m}: {t}"))
    };
    let old = month(&earlier.format("%Y-%m").to_string());
    assert_eq!(old["days"], 2);
    // The mean of 10/20 and 30/20.
    assert_eq!(old["tightness"], 1.0);
    assert!((old["mismatch_index"].as_f64().unwrap() - 0.3).abs() < 1e-9);
    let hires = month(&(h.now - Duration::days(5)).format("%Y-%m").to_string());
    assert_eq!(hires["placements"], 6, "{hires}");
    let now = month(&h.now.format("%Y-%m").to_string());
    assert_eq!(now["days"], 1);
    assert_eq!(now["tightness"], 4.0);

    // The analyst: the country's hires (7) are published, Pirkanmaa's one is not.
    let (_, c) = w.call(Some("analyst"), "GET", "/v1/picture/trend", None);
    assert!(c["region"].is_null());
    let country = c["months"].as_array().unwrap();
    let hired = (h.now - Duration::days(5)).format("%Y-%m").to_string();
    assert_eq!(
        country
            .iter()
            .find(|m| m["month"] == hired.as_str())
            .unwrap()["placements"],
        7
    );
    let (_, p) = w.call(Some("analyst"), "GET", "/v1/picture/trend?region=06", None);
    let m = p["months"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["month"] == hired.as_str())
        .unwrap();
    assert_eq!(m["suppressed"], true, "{m}");
    assert!(m["placements"].is_null());

    let (s, csv) = w.call(
        Some("adviser_a"),
        "GET",
        "/v1/picture/trend?format=csv&region=01",
        None,
    );
    assert_eq!(s, 200);
    let csv = csv.as_str().unwrap();
    assert!(csv.starts_with("month,region_code,days,open_positions,active_jobseekers,tightness,mismatch_index,placements,suppressed\r\n"), "{csv}");
    assert_eq!(csv.lines().count(), 13);
    assert!(csv.contains(&format!("{hired},01,")), "{csv}");

    for (query, status, code) in [
        ("from=2026-13", 400, "invalid_date"),
        ("to=2026-1", 400, "invalid_date"),
        ("from=2026-05&to=2026-04", 422, "invalid_period"),
        ("from=2000-01&to=2026-01", 422, "invalid_period"),
        ("region=99", 400, "invalid_region"),
        ("format=pdf", 400, "invalid_format"),
        ("lang=de", 400, "invalid_lang"),
    ] {
        let (s, p) = w.call(
            Some("adviser_a"),
            "GET",
            &format!("/v1/picture/trend?{query}"),
            None,
        );
        assert_eq!(
            (s, p["code"].as_str()),
            (status, Some(code)),
            "{query}: {p}"
        );
    }
}
on_every_backend!(trend_from_snapshots_and_placements);
