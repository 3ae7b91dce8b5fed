//! Introduction outcomes over HTTP: an adviser introduces from a ranking,
//! the employer and the managing office move the introduction on, a hire
//! becomes a placement (the profile placed, the vacancy filled once its
//! positions are), every change is audited, and nobody else may read or
//! change it. SQLite always, PostgreSQL when `KOHTAANTO_TEST_DATABASE_URL`
//! is set.

use diesel::prelude::*;
use indexer::store::schema::{audit_events, placements};
use indexer::testkit::TestDb;
use serde_json::{json, Value};

use crate::world::World;

fn id(v: &Value) -> i64 {
    v["id"].as_i64().unwrap_or_else(|| panic!("no id in {v}"))
}

fn introductions_move_on_and_hires_become_placements(db: TestDb) {
    let w = World::start(db);
    let (s, found) = w.call(
        Some("adviser_a"),
        "GET",
        "/v1/taxonomy/occupations?q=hitsaaja&lang=fi&limit=1",
        None,
    );
    assert_eq!(s, 200, "{found}");
    let welder = found["items"][0]["uri"].as_str().unwrap().to_owned();
    let (s, vacancy) = w.call(
        Some("employer_e"),
        "POST",
        "/v1/vacancies",
        Some(&json!({
            "title": "Hitsaaja", "description": "MIG-hitsausta Tampereella.",
            "occupation_uri": welder, "municipality_code": "837", "positions": 2,
        })),
    );
    assert_eq!(s, 201, "{vacancy}");
    let vacancy = id(&vacancy);
    let person = |who: &str, name: &str, home: &str| -> i64 {
        let (s, p) = w.call(
            Some(who),
            "POST",
            "/v1/profiles",
            Some(&json!({
                "contact": {"full_name": name},
                "home_municipality_code": home,
                "desired_occupations": [welder],
                "relocation": "nationwide",
            })),
        );
        assert_eq!(s, 201, "{p}");
        id(&p)
    };
    let aino = person("adviser_a", "Aino", "091");
    let bertil = person("adviser_a", "Bertil", "837");
    let other_office = person("adviser_b", "Cecilia", "091");
    w.wait_for_index();

    // Introduce from the ranking: the request id must name a ranking of
    // this vacancy's candidates.
    let (s, ranking) = w.call(
        Some("adviser_a"),
        "GET",
        &format!("/v1/vacancies/{vacancy}/candidates?scope=nationwide&limit=20"),
        None,
    );
    assert_eq!(s, 200, "{ranking}");
    let request_id = ranking["request_id"].as_str().unwrap().to_owned();
    let introduce = |who: &str, profile: i64, request: Option<&str>| -> (u16, Value) {
        let mut body = json!({"profile_id": profile});
        if let Some(r) = request {
            body["request_id"] = json!(r);
        }
        w.call(
            Some(who),
            "POST",
            &format!("/v1/vacancies/{vacancy}/introductions"),
            Some(&body),
        )
    };
    let (s, problem) = introduce("adviser_a", aino, Some("no-such-ranking"));
    assert_eq!(
        (s, problem["code"].as_str()),
        (422, Some("unknown_ranking"))
    );
    assert_eq!(problem["field"], "request_id");
    let (s, first) = introduce("adviser_a", aino, Some(&request_id));
    assert_eq!(s, 201, "{first}");
    assert_eq!(first["status"], "proposed");
    assert_eq!(first["match_request_id"], request_id.as_str());
    let first_id = id(&first);
    let (s, second) = introduce("adviser_a", bertil, None);
    assert_eq!(s, 201, "{second}");
    let second_id = id(&second);
    let (s, third) = introduce("adviser_b", other_office, None);
    assert_eq!(s, 201, "{third}");
    let third_id = id(&third);

    // Who sees which: the employer all three (its vacancy), each office
    // the ones of its jobseekers; nobody else.
    let listed = |who: &str, query: &str| -> Vec<i64> {
        let (s, page) = w.call(Some(who), "GET", &format!("/v1/introductions{query}"), None);
        assert_eq!(s, 200, "{page}");
        page["items"].as_array().unwrap().iter().map(id).collect()
    };
    assert_eq!(
        listed("employer_e", ""),
        vec![third_id, second_id, first_id]
    );
    assert_eq!(listed("adviser_a", ""), vec![second_id, first_id]);
    assert_eq!(listed("adviser_b", ""), vec![third_id]);
    assert!(listed("employer_f", "").is_empty());
    assert_eq!(
        listed("adviser_a", &format!("?profile={aino}")),
        vec![first_id]
    );
    assert_eq!(listed("employer_e", "?limit=1").len(), 1);
    for who in ["recruiter_x", "analyst"] {
        let (s, _) = w.call(Some(who), "GET", "/v1/introductions", None);
        assert_eq!(s, 403, "{who}");
    }
    let (s, _) = w.call(
        Some("employer_f"),
        "GET",
        &format!("/v1/introductions/{first_id}"),
        None,
    );
    assert_eq!(s, 404);
    let (s, item) = w.call(
        Some("employer_e"),
        "GET",
        &format!("/v1/introductions/{first_id}"),
        None,
    );
    assert_eq!(s, 200, "{item}");
    assert_eq!(item["vacancy_title"], "Hitsaaja");

    // Moving on.
    let change = |who: &str, intro: i64, body: Value| -> (u16, Value) {
        w.call(
            Some(who),
            "PATCH",
            &format!("/v1/introductions/{intro}"),
            Some(&body),
        )
    };
    let (s, _) = change("employer_f", first_id, json!({"status": "contacted"}));
    assert_eq!(s, 404, "another employer cannot change it");
    let (s, _) = change("adviser_b", first_id, json!({"status": "contacted"}));
    assert_eq!(s, 404, "another office cannot change it");
    let (s, contacted) = change(
        "employer_e",
        first_id,
        json!({"status": "contacted", "version": 1}),
    );
    assert_eq!(s, 200, "{contacted}");
    assert_eq!(contacted["version"], 2);
    let (s, problem) = change(
        "adviser_a",
        first_id,
        json!({"status": "interview", "version": 1}),
    );
    assert_eq!((s, problem["code"].as_str()), (409, Some("conflict")));
    let (s, problem) = change("adviser_a", first_id, json!({"status": "not_hired"}));
    assert_eq!(
        (s, problem["code"].as_str(), problem["field"].as_str()),
        (422, Some("invalid_outcome"), Some("reason"))
    );
    let (s, problem) = change(
        "adviser_a",
        first_id,
        json!({"status": "interview", "start_date": "2027-01-07"}),
    );
    assert_eq!((s, problem["field"].as_str()), (422, Some("start_date")));
    let (s, problem) = change("adviser_a", first_id, json!({"status": "proposed"}));
    assert_eq!(
        (s, problem["code"].as_str()),
        (409, Some("invalid_status_change"))
    );
    let (s, problem) = change("adviser_a", first_id, json!({"status": "sacked"}));
    assert_eq!((s, problem["code"].as_str()), (400, Some("invalid_body")));
    let (s, hired) = change(
        "employer_e",
        first_id,
        json!({"status": "hired", "start_date": "2027-01-07"}),
    );
    assert_eq!(s, 200, "{hired}");
    assert_eq!(hired["status"], "hired");
    assert_eq!(
        hired["moved_region"], true,
        "Helsinki to Tampere is a move when not said"
    );
    let (s, problem) = change("employer_e", first_id, json!({"status": "withdrawn"}));
    assert_eq!(
        (s, problem["code"].as_str()),
        (409, Some("invalid_status_change")),
        "a hire is final"
    );
    let (s, refused) = change(
        "adviser_b",
        third_id,
        json!({"status": "not_hired", "reason": "candidate_declined"}),
    );
    assert_eq!(s, 200, "{refused}");
    assert_eq!(refused["reason"], "candidate_declined");

    // The hire: the profile is placed; one of two positions taken leaves
    // the vacancy open, the second fills it.
    let (_, profile) = w.call(
        Some("adviser_a"),
        "GET",
        &format!("/v1/profiles/{aino}"),
        None,
    );
    assert_eq!(profile["status"], "placed");
    let (_, v) = w.call(
        Some("employer_e"),
        "GET",
        &format!("/v1/vacancies/{vacancy}"),
        None,
    );
    assert_eq!(v["status"], "open");
    let (s, _) = change(
        "adviser_a",
        second_id,
        json!({"status": "hired", "moved_region": false}),
    );
    assert_eq!(s, 200);
    let (_, v) = w.call(
        Some("employer_e"),
        "GET",
        &format!("/v1/vacancies/{vacancy}"),
        None,
    );
    assert_eq!(v["status"], "filled");
    let facts: Vec<(String, String, bool, i32)> =
        w.db.store
            .read(|c| {
                Ok(placements::table
                    .order(placements::id.asc())
                    .select((
                        placements::from_region_code,
                        placements::to_region_code,
                        placements::moved_region,
                        placements::introductions_to_vacancy,
                    ))
                    .load(c)?)
            })
            .unwrap();
    assert_eq!(
        facts,
        vec![
            ("01".to_owned(), "06".to_owned(), true, 3),
            ("06".to_owned(), "06".to_owned(), false, 3),
        ]
    );

    // Every change audited; erasing the person keeps the anonymous fact.
    let audited: i64 =
        w.db.store
            .read(|c| {
                Ok(audit_events::table
                    .filter(audit_events::action.eq("introduction.status"))
                    .count()
                    .get_result(c)?)
            })
            .unwrap();
    assert_eq!(audited, 4);
    let (s, _) = w.call(
        Some("adviser_a"),
        "DELETE",
        &format!("/v1/profiles/{aino}"),
        None,
    );
    assert_eq!(s, 204);
    let kept: Vec<Option<i64>> =
        w.db.store
            .read(|c| {
                Ok(placements::table
                    .order(placements::id.asc())
                    .select(placements::profile_id)
                    .load(c)?)
            })
            .unwrap();
    assert_eq!(kept, vec![None, Some(bertil)]);

    // Two hires racing from the same status: one wins, the other is a
    // conflict, and the hire is counted once.
    let dora = person("adviser_a", "Dora", "091");
    let (s, racing) = introduce("adviser_a", dora, None);
    assert_eq!(s, 201, "{racing}");
    let racing = id(&racing);
    let answers: Vec<u16> = std::thread::scope(|scope| {
        let racers: Vec<_> = ["employer_e", "adviser_a"]
            .into_iter()
            .map(|who| scope.spawn(move || change(who, racing, json!({"status": "hired"})).0))
            .collect();
        racers.into_iter().map(|r| r.join().unwrap()).collect()
    });
    let mut sorted = answers.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, vec![200, 409], "{answers:?}");
    let counted: i64 =
        w.db.store
            .read(|c| {
                Ok(placements::table
                    .filter(placements::introduction_id.eq(racing))
                    .count()
                    .get_result(c)?)
            })
            .unwrap();
    assert_eq!(counted, 1);
}
on_every_backend!(introductions_move_on_and_hires_become_placements);
