//! The adviser's profile work over HTTP: the office's list (search,
//! filters, counts, paging), CV intake, validation problems that name their
//! field, export of everything stored about a person, erasure and
//! retention. SQLite always, PostgreSQL when `KOHTAANTO_TEST_DATABASE_URL`
//! is set.

use indexer::testkit::TestDb;
use serde_json::{json, Value};

use crate::world::World;

fn id(v: &Value) -> i64 {
    v["id"].as_i64().unwrap_or_else(|| panic!("no id in {v}"))
}

fn occupation(w: &World, q: &str) -> String {
    let (s, found) = w.call(
        Some("adviser_a"),
        "GET",
        &format!("/v1/taxonomy/occupations?q={q}&lang=fi&limit=1"),
        None,
    );
    assert_eq!(s, 200, "{found}");
    found["items"][0]["uri"].as_str().unwrap().to_owned()
}

fn listed(page: &Value) -> Vec<i64> {
    page["items"].as_array().unwrap().iter().map(id).collect()
}

fn office_list_intake_export_erasure_and_retention(db: TestDb) {
    let w = World::start(db);
    let welder = occupation(&w, "hitsaaja");
    let nurse = occupation(&w, "sairaanhoitaja");
    let now = chrono::Utc::now().naive_utc();
    let long_ago = (now - chrono::Duration::days(3 * 365)).format("%Y-%m-%dT%H:%M:%S");
    let expired = (now - chrono::Duration::days(10)).format("%Y-%m-%dT%H:%M:%S");
    let profile = |who: &str, body: Value| -> i64 {
        let (s, p) = w.call(Some(who), "POST", "/v1/profiles", Some(&body));
        assert_eq!(s, 201, "{p}");
        id(&p)
    };
    let aino = profile(
        "adviser_a",
        json!({
            "contact": {"full_name": "Aino Äijälä"},
            "home_municipality_code": "091",
            "desired_occupations": [welder],
            "consent_agencies": true,
        }),
    );
    let bertil = profile(
        "adviser_a",
        json!({
            "contact": {"full_name": "Bertil Åberg"},
            "home_municipality_code": "499",
            "work_history": [{"occupation_uri": nurse, "title": "sairaanhoitaja", "years": 3.0}],
            "consent_agencies": true,
            "consent_expires_at": expired.to_string(),
            "last_active_at": long_ago.to_string(),
        }),
    );
    let cecilia = profile(
        "adviser_a",
        json!({
            "contact": {"full_name": "Cecilia Nieminen"},
            "home_municipality_code": "091",
            "status": "placed",
        }),
    );
    let other = profile(
        "adviser_b",
        json!({"contact": {"full_name": "Aino Muu"}, "home_municipality_code": "091"}),
    );

    // The office's list: only its own, searched and filtered, with counts.
    let list = |query: &str| -> Value {
        let (s, page) = w.call(
            Some("adviser_a"),
            "GET",
            &format!("/v1/profiles{query}"),
            None,
        );
        assert_eq!(s, 200, "{query}: {page}");
        page
    };
    let all = list("");
    assert_eq!(listed(&all), vec![aino, bertil, cecilia]);
    assert_eq!(
        all["counts"],
        json!({"total": 3, "active": 2, "inactive": 0, "placed": 1, "consent_given": 1,
               "consent_expired": 1, "due_for_review": 1, "matching": 3}),
        "{all}"
    );
    assert_eq!(all["retention_months"], 24);
    assert_eq!(
        listed(&list("?q=%C3%A4ij%C3%A4")),
        vec![aino],
        "any case, with ä"
    );
    assert_eq!(
        listed(&list("?q=AINO")),
        vec![aino],
        "not another office's Aino"
    );
    let pseudonym = all["items"][1]["pseudonym"]
        .as_str()
        .unwrap()
        .to_lowercase();
    assert_eq!(listed(&list(&format!("?q={pseudonym}"))), vec![bertil]);
    assert_eq!(listed(&list(&format!("?occupation={welder}"))), vec![aino]);
    assert_eq!(listed(&list(&format!("?occupation={nurse}"))), vec![bertil]);
    assert_eq!(listed(&list("?municipality=091")), vec![aino, cecilia]);
    assert_eq!(listed(&list("?status=placed")), vec![cecilia]);
    assert_eq!(listed(&list("?consent=given")), vec![aino]);
    assert_eq!(listed(&list("?consent=expired")), vec![bertil]);
    assert_eq!(listed(&list("?consent=none")), vec![cecilia]);
    let due = list("?review=true");
    assert_eq!(listed(&due), vec![bertil]);
    assert_eq!(due["counts"]["matching"], 1);
    assert_eq!(due["counts"]["total"], 3);
    let first = list("?limit=2");
    assert_eq!(listed(&first), vec![aino, bertil]);
    let next = first["next_cursor"].as_str().unwrap();
    assert_eq!(
        listed(&list(&format!("?limit=2&cursor={next}"))),
        vec![cecilia]
    );
    let (s, page) = w.call(Some("adviser_b"), "GET", "/v1/profiles?q=aino", None);
    assert_eq!((s, listed(&page)), (200, vec![other]));
    for who in ["recruiter_x", "employer_e", "analyst", "admin"] {
        let (s, _) = w.call(Some(who), "GET", "/v1/profiles", None);
        assert_eq!(s, 403, "{who}");
    }
    let (s, problem) = w.call(
        Some("adviser_a"),
        "GET",
        &format!("/v1/profiles?q={}", "x".repeat(201)),
        None,
    );
    assert_eq!((s, problem["code"].as_str()), (400, Some("query_too_long")));
    let (s, problem) = w.call(Some("adviser_a"), "GET", "/v1/profiles?consent=maybe", None);
    assert_eq!((s, problem["code"].as_str()), (400, Some("invalid_query")));

    // Validation problems name their field.
    let (s, problem) = w.call(
        Some("adviser_a"),
        "POST",
        "/v1/profiles",
        Some(&json!({
            "contact": {"full_name": "X"},
            "home_municipality_code": "091",
            "work_history": [{"title": "hitsaaja", "years": 3.0}, {"title": "x", "years": 99.0}],
        })),
    );
    assert_eq!(s, 422, "{problem}");
    assert_eq!(problem["field"], "work_history[1].years", "{problem}");
    let (s, problem) = w.call(
        Some("adviser_a"),
        "PATCH",
        &format!("/v1/profiles/{aino}"),
        Some(&json!({"version": 1, "home_municipality_code": "999"})),
    );
    assert_eq!(s, 422, "{problem}");
    assert_eq!(
        (problem["code"].as_str(), problem["field"].as_str()),
        (Some("invalid_reference"), Some("home_municipality_code")),
        "{problem}"
    );

    // Intake: suggestions with spans in characters; nothing stored but
    // the audit event, which does not hold the text.
    let cv = "Äijälä Aino\nHitsaaja\n\nTYÖKOKEMUS\n2015–2020 Hitsaaja, Konepaja Oy\n\
              - MIG-hitsaus ja särmäys\n\nKIELITAITO\nsuomi äidinkieli, englanti hyvä\n\
              Ajokortti B. Työturvallisuuskortti, hygieniapassi.";
    let (s, found) = w.call(
        Some("adviser_a"),
        "POST",
        "/v1/profiles/suggestions?lang=en",
        Some(&json!({"text": cv, "lang": "fi"})),
    );
    assert_eq!(s, 200, "{found}");
    assert_eq!(found["lang"], "fi");
    let chars: Vec<char> = cv.chars().collect();
    let span = |item: &Value| -> String {
        let (a, b) = (
            item["start"].as_u64().unwrap() as usize,
            item["end"].as_u64().unwrap() as usize,
        );
        chars[a..b].iter().collect()
    };
    let welding = found["occupations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["uri"] == welder.as_str())
        .unwrap_or_else(|| panic!("no welder in {found}"));
    assert_eq!(welding["years"], 5.0, "{found}");
    assert_eq!(span(welding), welding["text"].as_str().unwrap());
    assert!(
        welding["label"].as_str().unwrap().contains("welder"),
        "{welding}"
    );
    for kind in ["skills", "languages", "licences", "certificates"] {
        for item in found[kind].as_array().unwrap() {
            assert_eq!(span(item), item["text"].as_str().unwrap(), "{kind}: {item}");
        }
    }
    let languages: Vec<(String, String)> = found["languages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["language"].as_str().unwrap().into(),
                l["level"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        languages,
        vec![("fi".into(), "native".into()), ("en".into(), "b2".into())]
    );
    assert_eq!(found["licences"][0]["class"], "B", "{found}");
    let cards: Vec<&str> = found["certificates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(cards, vec!["työturvallisuuskortti", "hygieniapassi"]);
    assert!(!found["skills"].as_array().unwrap().is_empty(), "{found}");
    let events =
        w.db.store
            .read(|c| indexer::store::audit::list(c, 0, 10_000))
            .unwrap();
    let intake = events
        .iter()
        .find(|e| e.action == "profile.intake")
        .expect("an intake event");
    assert_eq!(intake.subject_kind, "intake");
    let stored = format!("{events:?}");
    assert!(!stored.contains("Konepaja"), "the CV text is not stored");
    for (who, status) in [("recruiter_x", 403), ("employer_e", 403), ("analyst", 403)] {
        let (s, _) = w.call(
            Some(who),
            "POST",
            "/v1/profiles/suggestions",
            Some(&json!({"text": cv})),
        );
        assert_eq!(s, status, "{who}");
    }
    let (s, problem) = w.call(
        Some("adviser_a"),
        "POST",
        "/v1/profiles/suggestions",
        Some(&json!({"text": "ä".repeat(20_001)})),
    );
    assert_eq!((s, problem["code"].as_str()), (400, Some("text_too_long")));
    for hostile in [
        "",
        "\u{0}",
        "–––",
        "2019–",
        "Työkokemus:\n- \n-",
        "😀 hitsaaja 😀",
    ] {
        let (s, found) = w.call(
            Some("adviser_a"),
            "POST",
            "/v1/profiles/suggestions",
            Some(&json!({"text": hostile})),
        );
        assert_eq!(s, 200, "{hostile:?}: {found}");
    }

    // Export: everything stored about the person, with who viewed and
    // ranked them, to the managing office and admins only.
    let (s, vacancy) = w.call(
        Some("employer_e"),
        "POST",
        "/v1/vacancies",
        Some(&json!({"title": "Hitsaaja", "occupation_uri": welder, "municipality_code": "091"})),
    );
    assert_eq!(s, 201, "{vacancy}");
    w.wait_for_index();
    let (s, ranked) = w.call(
        Some("adviser_b"),
        "GET",
        &format!(
            "/v1/vacancies/{}/candidates?scope=nationwide&limit=100",
            id(&vacancy)
        ),
        None,
    );
    assert_eq!(s, 200, "{ranked}");
    assert!(
        ranked.to_string().contains(&format!("\"id\":{aino}")),
        "{ranked}"
    );
    let (s, introduced) = w.call(
        Some("adviser_a"),
        "POST",
        &format!("/v1/vacancies/{}/introductions", id(&vacancy)),
        Some(&json!({"profile_id": aino})),
    );
    assert!(s == 201 || s == 200, "{s} {introduced}");
    let response = reqwest::blocking::Client::new()
        .get(w.url(&format!("/v1/profiles/{aino}/export")))
        .bearer_auth(&w.who("adviser_a").token)
        .send()
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let disposition = response.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        disposition.starts_with("attachment; filename=\"profile-JS-"),
        "{disposition}"
    );
    let data: Value = response.json().unwrap();
    assert_eq!(data["profile"]["contact"]["full_name"], "Aino Äijälä");
    let actions: Vec<&str> = data["audit"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert!(
        actions.contains(&"profile.create") && actions.contains(&"profile.view"),
        "{actions:?}"
    );
    let ranking = data["rankings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["request_id"] == ranked["request_id"])
        .unwrap_or_else(|| panic!("the ranking is not in {data}"));
    assert_eq!(ranking["direction"], "candidates");
    assert_eq!(ranking["vacancy_id"], id(&vacancy));
    assert_eq!(ranking["org_id"], w.who("adviser_b").org);
    assert!(ranking["rank"].as_u64().unwrap() >= 1);
    assert_eq!(
        data["introductions"][0]["vacancy_id"],
        id(&vacancy),
        "{data}"
    );
    for (who, status) in [
        ("adviser_b", 403),
        ("recruiter_x", 403),
        ("employer_e", 403),
        ("analyst", 403),
        ("admin", 200),
    ] {
        let (s, _) = w.call(
            Some(who),
            "GET",
            &format!("/v1/profiles/{aino}/export"),
            None,
        );
        assert_eq!(s, status, "{who}");
    }
    let (_, again) = w.call(
        Some("adviser_a"),
        "GET",
        &format!("/v1/profiles/{aino}/export"),
        None,
    );
    assert!(
        again["audit"].to_string().contains("profile.export"),
        "exports are audited"
    );

    // Erasure: gone from the store and the index; the audit keeps that
    // it happened, not the person.
    let (s, _) = w.call(
        Some("adviser_a"),
        "DELETE",
        &format!("/v1/profiles/{aino}"),
        None,
    );
    assert_eq!(s, 204);
    let (s, _) = w.call(
        Some("adviser_a"),
        "GET",
        &format!("/v1/profiles/{aino}/export"),
        None,
    );
    assert_eq!(s, 404);
    w.wait_for_index();
    let (_, ranked) = w.call(
        Some("adviser_b"),
        "GET",
        &format!(
            "/v1/vacancies/{}/candidates?scope=nationwide&limit=100",
            id(&vacancy)
        ),
        None,
    );
    assert!(
        !ranked.to_string().contains(&format!("\"id\":{aino}")),
        "{ranked}"
    );
    let events =
        w.db.store
            .read(|c| indexer::store::audit::list(c, 0, 10_000))
            .unwrap();
    assert!(events
        .iter()
        .any(|e| e.action == "profile.delete" && e.subject_id == aino.to_string()));
    assert!(!format!("{events:?}").contains("Äijälä"));

    // Retention: the profile inactive for three years is made inactive,
    // audited; a dry run changes nothing.
    let at = chrono::Utc::now().naive_utc();
    let dry = indexer::retention::expire(&w.db.store, 24, at, true).unwrap();
    assert_eq!(
        dry.due.iter().map(|p| p.id.0).collect::<Vec<_>>(),
        vec![bertil]
    );
    assert_eq!(dry.made_inactive, 0);
    let (_, before) = w.call(
        Some("adviser_a"),
        "GET",
        &format!("/v1/profiles/{bertil}"),
        None,
    );
    assert_eq!(before["status"], "active");
    let done = indexer::retention::expire(&w.db.store, 24, at, false).unwrap();
    assert_eq!(done.made_inactive, 1);
    let (_, after) = w.call(
        Some("adviser_a"),
        "GET",
        &format!("/v1/profiles/{bertil}"),
        None,
    );
    assert_eq!(after["status"], "inactive");
    assert_eq!(after["version"], before["version"].as_i64().unwrap() + 1);
    assert_eq!(list("?review=true")["counts"]["due_for_review"], 0);
    let events =
        w.db.store
            .read(|c| indexer::store::audit::list(c, 0, 10_000))
            .unwrap();
    assert!(events
        .iter()
        .any(|e| e.action == "profile.expire" && e.subject_id == bertil.to_string()));
    let again = indexer::retention::expire(&w.db.store, 24, at, false).unwrap();
    assert_eq!(again.made_inactive, 0, "already inactive");
}
on_every_backend!(office_list_intake_export_erasure_and_retention);
