//! The v1 contract over HTTP: who may do what, that nothing hidden leaks
//! (canary words), the OpenAPI document against the routes served, bad
//! input, limits and the audit chain. SQLite always, PostgreSQL when
//! `KOHTAANTO_TEST_DATABASE_URL` is set.

use indexer::testkit::TestDb;
use serde_json::{json, Value};

use crate::world::World;

const VACANCY_CANARY: &str = "Zebrafinchwork";
const PROFILE_CANARY: &str = "Quokkaword";

/// Objects of the access tests, created over the API.
struct Objects {
    nurse: String,
    v_public: i64,
    v_hidden: i64,
    v_shared_x: i64,
    p_consent: i64,
    p_private: i64,
    p_other_office: i64,
}

fn id(v: &Value) -> i64 {
    v["id"].as_i64().unwrap_or_else(|| panic!("no id in {v}"))
}

fn create(w: &World) -> Objects {
    let (s, found) = w.call(
        Some("adviser_a"),
        "GET",
        "/v1/taxonomy/occupations?q=sairaanhoitaja&limit=3",
        None,
    );
    assert_eq!(s, 200, "{found}");
    let nurse = found["items"][0]["uri"].as_str().unwrap().to_owned();
    let vacancy = |who: &str, title: &str, visibility: &str, shared: Vec<i64>| {
        let (s, v) = w.call(
            Some(who),
            "POST",
            "/v1/vacancies",
            Some(&json!({
                "title": title,
                "description": format!("{title}. Hoitotyötä Helsingissä."),
                "occupation_uri": nurse,
                "municipality_code": "091",
                "visibility": visibility,
                "shared_with": shared,
                "licences": [{"value": "B", "hard": false}],
                "certificates": ["hygieniapassi"],
            })),
        );
        assert_eq!(s, 201, "{v}");
        // Requirements round-trip (a plain string reads as a soft one).
        let (s, read) = w.call(Some(who), "GET", &format!("/v1/vacancies/{}", id(&v)), None);
        assert_eq!(s, 200, "{read}");
        let field = |name: &str| {
            read.pointer(&format!("/draft/{name}"))
                .or_else(|| read.get(name))
                .cloned()
        };
        assert_eq!(
            field("licences"),
            Some(json!([{"value": "B", "hard": false}])),
            "{read}"
        );
        assert_eq!(
            field("certificates"),
            Some(json!([{"value": "hygieniapassi", "hard": false}])),
            "{read}"
        );
        id(&v)
    };
    let x = w.who("recruiter_x").org;
    let v_public = vacancy("employer_e", "Sairaanhoitaja", "public", vec![]);
    let v_hidden = vacancy(
        "employer_e",
        &format!("Sairaanhoitaja {VACANCY_CANARY}"),
        "hidden",
        vec![],
    );
    let v_shared_x = vacancy("employer_f", "Sairaanhoitaja, jaettu", "shared", vec![x]);
    let profile = |who: &str, consent: bool, canary: bool| {
        let title = if canary {
            format!("sairaanhoitaja {PROFILE_CANARY}")
        } else {
            "sairaanhoitaja".to_owned()
        };
        let (s, p) = w.call(
            Some(who),
            "POST",
            "/v1/profiles",
            Some(&json!({
                "contact": {
                    "full_name": "Testi Henkilö",
                    "email": "testi@example.fi",
                    "phone": "+358401234567",
                    "notes": format!("muistiinpano {PROFILE_CANARY}"),
                },
                "home_municipality_code": "091",
                "desired_occupations": [nurse],
                "work_history": [{"occupation_uri": nurse, "title": title, "years": 4.0}],
                "consent_agencies": consent,
            })),
        );
        assert_eq!(s, 201, "{p}");
        id(&p)
    };
    let p_consent = profile("adviser_a", true, false);
    let p_private = profile("adviser_a", false, true);
    let p_other_office = profile("adviser_b", true, false);
    w.wait_for_index();
    Objects {
        nurse,
        v_public,
        v_hidden,
        v_shared_x,
        p_consent,
        p_private,
        p_other_office,
    }
}

fn ids(results: &Value) -> Vec<i64> {
    results["results"]
        .as_array()
        .map(|a| a.iter().filter_map(|r| r["id"].as_i64()).collect())
        .unwrap_or_default()
}

fn access_matrix_and_canaries(db: TestDb) {
    let w = World::start(db);
    let o = create(&w);
    let everyone = [
        "adviser_a",
        "adviser_b",
        "recruiter_x",
        "recruiter_y",
        "employer_e",
        "employer_f",
        "analyst",
        "admin",
    ];

    // Reading vacancies: (who, vacancy) → status.
    let sees = |who: &str, v: i64| -> bool {
        match who {
            "adviser_a" | "adviser_b" => true,
            "recruiter_x" => v != o.v_hidden,
            "recruiter_y" => v == o.v_public,
            "employer_e" => v == o.v_public || v == o.v_hidden,
            "employer_f" => v == o.v_public || v == o.v_shared_x,
            _ => false,
        }
    };
    for who in everyone {
        for v in [o.v_public, o.v_hidden, o.v_shared_x] {
            let (s, body) = w.call(Some(who), "GET", &format!("/v1/vacancies/{v}"), None);
            let expected = match who {
                "analyst" | "admin" => 403,
                _ if sees(who, v) => 200,
                _ => 404,
            };
            assert_eq!(s, expected, "{who} GET vacancy {v}: {body}");
            if s != 200 {
                assert!(!body.to_string().contains(VACANCY_CANARY));
            }
        }
        // Search, facets: the hidden vacancy's canary and count.
        let (s, found) = w.call(
            Some(who),
            "GET",
            &format!("/v1/vacancies?q={VACANCY_CANARY}"),
            None,
        );
        if matches!(who, "analyst" | "admin") {
            assert_eq!(s, 403);
            continue;
        }
        assert_eq!(s, 200, "{found}");
        let expected = u64::from(sees(who, o.v_hidden));
        assert_eq!(found["total"], expected, "{who} search: {found}");
        assert_eq!(
            found.to_string().contains(VACANCY_CANARY),
            expected == 1,
            "{who}"
        );
        let (_, all) = w.call(Some(who), "GET", "/v1/vacancies?limit=100", None);
        let listed: Vec<i64> = all["items"].as_array().unwrap().iter().map(id).collect();
        for v in [o.v_public, o.v_hidden, o.v_shared_x] {
            assert_eq!(listed.contains(&v), sees(who, v), "{who} list {v}");
        }
        let facet_total: u64 = all["facets"]["work_time"]
            .as_object()
            .unwrap()
            .values()
            .map(|n| n.as_u64().unwrap())
            .sum();
        assert_eq!(facet_total, all["total"].as_u64().unwrap(), "{who}");
    }

    // Changing vacancies: only the owner.
    let (s, _) = w.call(
        Some("recruiter_x"),
        "PATCH",
        &format!("/v1/vacancies/{}", o.v_public),
        Some(&json!({"version": 1, "title": "x"})),
    );
    assert_eq!(s, 403);
    let (s, _) = w.call(
        Some("employer_f"),
        "PATCH",
        &format!("/v1/vacancies/{}", o.v_hidden),
        Some(&json!({"version": 1, "title": "x"})),
    );
    assert_eq!(s, 404);
    let (s, _) = w.call(
        Some("employer_f"),
        "DELETE",
        &format!("/v1/vacancies/{}", o.v_public),
        None,
    );
    assert_eq!(s, 403);
    let (s, v) = w.call(
        Some("employer_e"),
        "PATCH",
        &format!("/v1/vacancies/{}", o.v_public),
        Some(&json!({"version": 99, "positions": 2})),
    );
    assert_eq!(s, 409, "{v}");
    let (_, current) = w.call(
        Some("employer_e"),
        "GET",
        &format!("/v1/vacancies/{}", o.v_public),
        None,
    );
    let (s, v) = w.call(
        Some("employer_e"),
        "PATCH",
        &format!("/v1/vacancies/{}", o.v_public),
        Some(&json!({"version": current["version"], "positions": 2})),
    );
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["positions"], 2);
    for who in ["adviser_a", "analyst", "admin"] {
        let (s, _) = w.call(
            Some(who),
            "POST",
            "/v1/vacancies",
            Some(&json!({"title": "x"})),
        );
        assert_eq!(s, 403, "{who}");
    }

    // Reading profiles.
    for who in everyone {
        for p in [o.p_consent, o.p_private, o.p_other_office] {
            let (s, body) = w.call(Some(who), "GET", &format!("/v1/profiles/{p}"), None);
            let expected = match who {
                "adviser_a" | "adviser_b" => 200,
                "recruiter_x" | "recruiter_y" if p != o.p_private => 200,
                "analyst" | "admin" => 403,
                _ => 404,
            };
            assert_eq!(s, expected, "{who} GET profile {p}: {body}");
            let text = body.to_string();
            let own = who == "adviser_a" && p != o.p_other_office
                || who == "adviser_b" && p == o.p_other_office;
            assert_eq!(text.contains("testi@example.fi"), own, "{who} {p}: {text}");
            assert_eq!(text.contains("Testi Henkilö"), own, "{who} {p}");
            if !own {
                assert!(!text.contains("muistiinpano"), "{who} {p}");
            }
            if who.starts_with("recruiter") || who.starts_with("employer") {
                assert!(!text.contains(PROFILE_CANARY), "{who} {p}");
            }
        }
    }
    let (s, _) = w.call(
        Some("adviser_b"),
        "PATCH",
        &format!("/v1/profiles/{}", o.p_consent),
        Some(&json!({"version": 1, "max_commute_km": 5})),
    );
    assert_eq!(s, 403);
    let (s, listed) = w.call(Some("adviser_a"), "GET", "/v1/profiles", None);
    assert_eq!(s, 200);
    let listed: Vec<i64> = listed["items"].as_array().unwrap().iter().map(id).collect();
    assert_eq!(listed, vec![o.p_consent, o.p_private]);

    // The adviser's own routes: the office's list, export, intake.
    for who in everyone {
        let (s, page) = w.call(Some(who), "GET", "/v1/profiles?q=testi", None);
        let (e, export) = w.call(
            Some(who),
            "GET",
            &format!("/v1/profiles/{}/export", o.p_private),
            None,
        );
        let (i, _) = w.call(
            Some(who),
            "POST",
            "/v1/profiles/suggestions",
            Some(&json!({"text": "Hitsaaja 2015–2020"})),
        );
        let ids = |page: &Value| -> Vec<i64> {
            page["items"].as_array().unwrap().iter().map(id).collect()
        };
        let exported = export.to_string().contains(PROFILE_CANARY);
        match who {
            "adviser_a" => {
                assert_eq!((s, e, i), (200, 200, 200), "{who}");
                assert_eq!(ids(&page), vec![o.p_consent, o.p_private]);
                assert!(exported, "the export holds everything: {export}");
            }
            "adviser_b" => {
                assert_eq!((s, e, i), (200, 403, 200), "{who}");
                assert_eq!(ids(&page), vec![o.p_other_office]);
            }
            "admin" => assert_eq!((s, e, i), (403, 200, 403), "{who}"),
            _ => assert_eq!((s, e, i), (403, 403, 403), "{who}"),
        }
        // Every profile's notes hold the canary: only the managing office
        // (and admins, by export) read them.
        if who != "adviser_a" && who != "admin" {
            assert!(!exported, "{who}");
        }
        if !who.starts_with("adviser") {
            assert!(!page.to_string().contains(PROFILE_CANARY), "{who}");
        }
    }

    // Matching.
    for who in everyone {
        let (s, m) = w.call(
            Some(who),
            "GET",
            &format!(
                "/v1/vacancies/{}/candidates?scope=nationwide&limit=50",
                o.v_public
            ),
            None,
        );
        match who {
            "analyst" | "admin" => assert_eq!(s, 403),
            "employer_f" => assert_eq!(s, 403, "{m}"),
            "employer_e" => {
                assert_eq!(s, 200, "{m}");
                let text = m.to_string();
                assert!(m["candidates"].as_u64().unwrap() >= 3, "{m}");
                assert!(
                    !text.contains("pseudonym") && !text.contains("\"id\""),
                    "{text}"
                );
            }
            _ => {
                assert_eq!(s, 200, "{who}: {m}");
                // Logged for replay, in the transaction of its audit event.
                let logged = w
                    .db
                    .store
                    .read(|c| indexer::store::match_log::find(c, m["request_id"].as_str().unwrap()))
                    .unwrap();
                assert!(logged.is_some(), "{who}: no match log");
                let found = ids(&m);
                let agency = who.starts_with("recruiter");
                assert_eq!(found.contains(&o.p_private), !agency, "{who}: {found:?}");
                assert!(found.contains(&o.p_consent), "{who}: {found:?}");
                if agency {
                    assert!(!m.to_string().contains(PROFILE_CANARY));
                }
            }
        }
        let (s, m) = w.call(
            Some(who),
            "GET",
            &format!(
                "/v1/profiles/{}/vacancies?scope=nationwide&limit=50",
                o.p_consent
            ),
            None,
        );
        match who {
            "adviser_a" | "adviser_b" | "recruiter_x" | "recruiter_y" => {
                assert_eq!(s, 200, "{who}: {m}");
                let found = ids(&m);
                for v in [o.v_public, o.v_hidden, o.v_shared_x] {
                    assert_eq!(found.contains(&v), sees(who, v), "{who} {v}: {found:?}");
                }
            }
            _ => assert_eq!(s, 403, "{who}"),
        }
    }
    // Skill labels in the caller's language: `lang`, else Accept-Language.
    let taxonomy = &w.state.reference.taxonomy;
    let labels = |lang: matcher::taxonomy::Lang| -> std::collections::BTreeSet<String> {
        taxonomy
            .skills()
            .map(|(_, s)| s.labels.get(lang).to_owned())
            .collect()
    };
    let path = format!(
        "/v1/vacancies/{}/candidates?scope=nationwide&lang=sv",
        o.v_public
    );
    let (_, sv) = w.call(Some("adviser_a"), "GET", &path, None);
    let r = w
        .client
        .get(w.url(&format!(
            "/v1/vacancies/{}/candidates?scope=nationwide",
            o.v_public
        )))
        .bearer_auth(&w.who("adviser_a").token)
        .header("accept-language", "fi-FI, en;q=0.5")
        .send()
        .unwrap();
    let fi: Value = r.json().unwrap();
    for (body, lang) in [
        (&sv, matcher::taxonomy::Lang::Sv),
        (&fi, matcher::taxonomy::Lang::Fi),
    ] {
        let known = labels(lang);
        let named: Vec<String> = body["results"][0]["score"]["partial_skills"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l.as_str().unwrap().to_owned())
            .collect();
        assert!(!named.is_empty(), "{body}");
        assert!(
            named.iter().all(|l| known.contains(l)),
            "{lang:?}: {named:?}"
        );
        // So are the sentences of the explanation.
        let score = &body["results"][0]["score"];
        let sentences: Vec<&str> = score["features"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["reason"].as_str().unwrap())
            .chain([score["mobility"]["reason"].as_str().unwrap()])
            .collect();
        for s in &sentences {
            assert!(
                !s.is_empty()
                    && ["lives", "commute", "required", "years", "occupation"]
                        .iter()
                        .all(|english| !s.contains(english)),
                "{lang:?}: {s:?}"
            );
        }
    }

    // Agencies cannot match a profile that did not consent.
    let (s, _) = w.call(
        Some("recruiter_x"),
        "GET",
        &format!("/v1/profiles/{}/vacancies", o.p_private),
        None,
    );
    assert_eq!(s, 404);
    // A vacancy in the body, not stored.
    let (s, m) = w.call(
        Some("recruiter_x"),
        "POST",
        "/v1/match/candidates?scope=nationwide",
        Some(&json!({"title": "Sairaanhoitaja", "occupation_uri": o.nurse, "municipality_code": "091"})),
    );
    assert_eq!(s, 200, "{m}");
    assert!(!ids(&m).contains(&o.p_private));

    // Introductions: an employer sees a candidate only once introduced.
    let path = format!("/v1/profiles/{}", o.p_consent);
    assert_eq!(w.call(Some("employer_e"), "GET", &path, None).0, 404);
    let intro = format!("/v1/vacancies/{}/introductions", o.v_public);
    for who in ["recruiter_x", "employer_e", "analyst"] {
        let (s, _) = w.call(
            Some(who),
            "POST",
            &intro,
            Some(&json!({"profile_id": o.p_consent})),
        );
        assert_eq!(s, 403, "{who}");
    }
    let (s, i) = w.call(
        Some("adviser_a"),
        "POST",
        &intro,
        Some(&json!({"profile_id": o.p_consent})),
    );
    assert_eq!(s, 201, "{i}");
    let (s, seen) = w.call(Some("employer_e"), "GET", &path, None);
    assert_eq!(s, 200, "{seen}");
    let text = seen.to_string();
    assert!(!text.contains("Testi") && !text.contains("example.fi") && !text.contains("home"));
    assert_eq!(w.call(Some("employer_f"), "GET", &path, None).0, 404);
    let (s, list) = w.call(Some("employer_e"), "GET", &intro, None);
    assert_eq!(s, 200);
    assert_eq!(list["items"].as_array().unwrap().len(), 1);
    // F sees the public vacancy but does not own it.
    assert_eq!(w.call(Some("employer_f"), "GET", &intro, None).0, 403);

    // What became of it: the owning employer and the introducing office
    // (which also manages the person) read and change it; another
    // employer or office gets "not found", the other roles 403; admins
    // read only.
    let one = format!("/v1/introductions/{}", id(&i));
    for who in everyone {
        let (s, page) = w.call(Some(who), "GET", "/v1/introductions", None);
        let listed = page["items"].as_array().map_or(0, Vec::len);
        let (s_one, _) = w.call(Some(who), "GET", &one, None);
        let expected = match who {
            "employer_e" | "adviser_a" | "admin" => (200, 1, 200),
            "employer_f" | "adviser_b" => (200, 0, 404),
            _ => (403, 0, 403),
        };
        assert_eq!((s, listed, s_one), expected, "{who}: {page}");
    }
    for who in everyone {
        let (s, _) = w.call(
            Some(who),
            "PATCH",
            &one,
            Some(&json!({"status": "contacted", "version": 1})),
        );
        let expected = match who {
            "employer_f" | "adviser_b" => 404,
            "adviser_a" => 200,
            // Already moved by the office: the version is stale.
            "employer_e" => 409,
            _ => 403,
        };
        assert_eq!(s, expected, "{who}");
    }

    // Outreach: advisers write and read their office's contacts, every
    // adviser reads every campaign, admins read everything; the rest 403.
    let (s, contact) = w.call(
        Some("adviser_a"),
        "POST",
        "/v1/outreach/contacts",
        Some(&json!({
            "firm": {"name": "Matriisi Oy", "municipality_code": "091"},
            "contacted_on": chrono::Utc::now().date_naive().to_string(),
            "channel": "event",
            "needs": [{"occupation_uri": o.nurse, "positions": 1}],
            "notes": VACANCY_CANARY,
        })),
    );
    assert_eq!(s, 201, "{contact}");
    let (s, campaign) = w.call(
        Some("adviser_a"),
        "POST",
        "/v1/outreach/campaigns",
        Some(&json!({"name": "Matriisi", "starts_on": "2026-01-01",
                     "firms": [{"name": "Matriisi Oy", "municipality_code": "091"}]})),
    );
    assert_eq!(s, 201, "{campaign}");
    let contact_path = format!("/v1/outreach/contacts/{}", contact["id"]);
    let need_path = format!("/v1/outreach/needs/{}/vacancy", contact["needs"][0]["id"]);
    let campaign_path = format!("/v1/outreach/campaigns/{}", campaign["id"]);
    let new_contact = json!({"firm_id": contact["firm"]["id"], "contacted_on": "2026-01-02",
                             "channel": "phone", "no_need": true});
    let new_campaign = json!({"name": "M2", "starts_on": "2026-01-01",
                              "firms": [{"name": "Matriisi Oy", "municipality_code": "091"}]});
    for who in everyone {
        let reads_all = who == "admin";
        let adviser = who.starts_with("adviser");
        let denied = if adviser || reads_all {
            None
        } else {
            Some(403)
        };
        let rows: [(&str, &str, Option<&Value>, u16); 8] = [
            ("GET", "/v1/outreach/contacts", None, 200),
            (
                "GET",
                &contact_path,
                None,
                if who == "adviser_b" { 404 } else { 200 },
            ),
            ("GET", "/v1/outreach/firms?q=matriisi", None, 200),
            ("GET", "/v1/outreach/campaigns", None, 200),
            ("GET", &campaign_path, None, 200),
            (
                "POST",
                "/v1/outreach/contacts",
                Some(&new_contact),
                if adviser { 201 } else { 403 },
            ),
            (
                "POST",
                "/v1/outreach/campaigns",
                Some(&new_campaign),
                if adviser { 201 } else { 403 },
            ),
            (
                "POST",
                &need_path,
                None,
                match who {
                    "adviser_a" => 201,
                    "adviser_b" => 404,
                    _ => 403,
                },
            ),
        ];
        for (method, path, body, allowed) in rows {
            let (s, answer) = w.call(Some(who), method, path, body);
            assert_eq!(
                s,
                denied.unwrap_or(allowed),
                "{who} {method} {path}: {answer}"
            );
            let own = who == "adviser_a" || reads_all;
            if path.contains("contacts") && method == "GET" && !own {
                assert!(!answer.to_string().contains(VACANCY_CANARY), "{who} {path}");
            }
        }
    }

    // Effectiveness and the trend: aggregates for advisers and analysts
    // only, with no person in them.
    for path in ["/v1/picture/effectiveness", "/v1/picture/trend"] {
        assert_eq!(w.call(None, "GET", path, None).0, 401, "{path}");
        for who in everyone {
            let (s, body) = w.call(Some(who), "GET", path, None);
            match who {
                "adviser_a" | "adviser_b" | "analyst" => {
                    assert_eq!(s, 200, "{who} {path}: {body}");
                    let text = body.to_string();
                    assert!(
                        !text.contains(PROFILE_CANARY) && !text.contains(VACANCY_CANARY),
                        "{who} {path}: {text}"
                    );
                    assert!(!text.contains("pseudonym") && !text.contains("profile_id"));
                }
                _ => assert_eq!(s, 403, "{who} {path}"),
            }
        }
    }

    // Admin only: the audit log, which recorded the views above.
    for who in everyone {
        let (s, a) = w.call(Some(who), "GET", "/v1/audit?limit=100", None);
        assert_eq!(s, if who == "admin" { 200 } else { 403 }, "{who}");
        if who == "admin" {
            let actions: Vec<&str> = a["items"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(|e| e["action"].as_str())
                .collect();
            for needed in [
                "profile.create",
                "profile.view",
                "match.candidates",
                "match.vacancies",
                "profile.introduce",
                "introduction.status",
            ] {
                assert!(actions.contains(&needed), "{needed} not in {actions:?}");
            }
        }
    }
    let verified = w.db.store.read(indexer::store::audit::verify).unwrap();
    assert_eq!(verified.broken_at, None, "{verified:?}");
    assert!(verified.events > 20, "{verified:?}");

    // Deleting: the managing office erases, and the profile is gone.
    let (s, _) = w.call(
        Some("adviser_a"),
        "DELETE",
        &format!("/v1/profiles/{}", o.p_private),
        None,
    );
    assert_eq!(s, 204);
    assert_eq!(
        w.call(
            Some("adviser_a"),
            "GET",
            &format!("/v1/profiles/{}", o.p_private),
            None
        )
        .0,
        404
    );
}
on_every_backend!(access_matrix_and_canaries);

fn audit_chain_detects_edits_and_deletions(db: TestDb) {
    use diesel::RunQueryDsl;
    let w = World::start(db);
    let _ = create(&w);
    let store = &w.db.store;
    let before = store.read(indexer::store::audit::verify).unwrap();
    assert_eq!(before.broken_at, None);
    let events = store
        .read(|c| indexer::store::audit::list(c, 0, 100))
        .unwrap();
    assert!(events.len() >= 3);
    let second = events[1].id;
    store
        .write(|c| {
            diesel::sql_query(format!(
                "UPDATE audit_events SET subject_id = 'x' WHERE id = {second}"
            ))
            .execute(c)?;
            Ok(())
        })
        .unwrap();
    let edited = store.read(indexer::store::audit::verify).unwrap();
    assert_eq!(edited.broken_at, Some(second), "{edited:?}");
    store
        .write(|c| {
            diesel::sql_query(format!("DELETE FROM audit_events WHERE id = {second}"))
                .execute(c)?;
            Ok(())
        })
        .unwrap();
    let deleted = store.read(indexer::store::audit::verify).unwrap();
    assert_eq!(deleted.broken_at, Some(events[2].id), "{deleted:?}");
}
on_every_backend!(audit_chain_detects_edits_and_deletions);

fn openapi_lists_exactly_the_routes_served(db: TestDb) {
    let w = World::start(db);
    let (s, doc) = w.call(None, "GET", "/openapi.json", None);
    assert_eq!(s, 200);
    assert_eq!(doc["openapi"], "3.1.0");
    let paths = doc["paths"].as_object().unwrap();
    let mut documented = Vec::new();
    for (path, item) in paths {
        for (method, op) in item.as_object().unwrap() {
            documented.push((method.to_uppercase(), path.clone()));
            let concrete = path.replace("{id}", "1");
            let (s, body) = w.call(None, &method.to_uppercase(), &concrete, None);
            let public = op["security"] == json!([]);
            if public {
                assert_eq!(s, 200, "{method} {path}: {body}");
            } else {
                assert_eq!(s, 401, "{method} {path} without a token: {body}");
            }
        }
    }
    assert_eq!(documented.len(), api::routes::endpoints().len());
    for e in api::routes::endpoints() {
        let op = &paths[e.path][e.method.to_ascii_lowercase()];
        assert!(
            op.is_object(),
            "{} {} is served but not documented",
            e.method,
            e.path
        );
    }
    // Every operation is typed: an id, typed parameters, a schema for every
    // body and every answer, and the problem codes it answers.
    for (path, item) in paths {
        for (method, op) in item.as_object().unwrap() {
            let name = format!("{method} {path}");
            assert!(op["operationId"].is_string(), "{name}");
            assert!(!op["tags"].as_array().unwrap().is_empty(), "{name}");
            for p in op["parameters"].as_array().into_iter().flatten() {
                assert!(p["schema"].is_object(), "{name}: {p}");
                if p["in"] == "path" {
                    assert_eq!(p["schema"]["type"], "integer", "{name}: {p}");
                }
            }
            if let Some(body) = op.get("requestBody") {
                let content = body["content"].as_object().unwrap();
                assert!(content.values().all(|c| c["schema"].is_object()), "{name}");
            }
            for (status, response) in op["responses"].as_object().unwrap() {
                if status != "204" {
                    let content = response["content"].as_object();
                    assert!(
                        content.is_some_and(|c| c.values().all(|c| c["schema"].is_object())),
                        "{name} {status}: {response}"
                    );
                }
                if status.starts_with('4') || status.starts_with('5') {
                    let codes = &response["content"]["application/problem+json"]["schema"]["allOf"]
                        [1]["properties"]["code"]["enum"];
                    assert!(!codes.as_array().unwrap().is_empty(), "{name} {status}");
                }
            }
        }
    }
    // Codes of the loaded reference data are enums; references are links.
    let vacancy = &doc["components"]["schemas"]["VacancyInput"]["properties"];
    assert!(
        vacancy["municipality_code"]["enum"]
            .as_array()
            .unwrap()
            .len()
            > 300
    );
    assert!(vacancy.get("owner_org").is_none());
    assert!(
        paths["/v1/vacancies"]["post"]["responses"]["201"]["links"]["get_vacancy_of_created"]
            .is_object()
    );
    assert_eq!(
        paths["/v1/vacancies"]["post"]["responses"]["422"]["content"]["application/problem+json"]
            ["schema"]["allOf"][1]["properties"]["code"]["enum"],
        json!(["invalid_vacancy", "invalid_reference", "invalid_data"])
    );
    // Every other method on a documented path is refused as such.
    for (_, path) in &documented {
        let concrete = path.replace("{id}", "1");
        for method in ["GET", "POST", "PATCH", "DELETE", "PUT"] {
            if documented.iter().any(|(m, p)| m == method && p == path) {
                continue;
            }
            let (s, body) = w.call(None, method, &concrete, None);
            assert_eq!(s, 405, "{method} {path}: {body}");
            assert_eq!(body["code"], "method_not_allowed");
            let allow = w.allow_header(method, &concrete);
            for (m, p) in &documented {
                if p == path {
                    assert!(allow.contains(m.as_str()), "{method} {path}: Allow {allow}");
                }
            }
        }
    }
    let (s, body) = w.call(None, "GET", "/v2/vacancies", None);
    assert_eq!((s, body["code"].as_str()), (404, Some("not_found")));
}
on_every_backend!(openapi_lists_exactly_the_routes_served);

fn bad_input_gets_a_clear_problem_and_stores_nothing(db: TestDb) {
    let w = World::start(db);
    let who = Some("employer_e");
    let big = "x".repeat(300 * 1024);
    let cases: Vec<(&str, &str, Option<Value>, u16, &str)> = vec![
        (
            "POST",
            "/v1/vacancies",
            Some(json!({"title": big})),
            413,
            "body_too_large",
        ),
        (
            "POST",
            "/v1/vacancies",
            Some(json!({"title": "x", "colour": "red"})),
            400,
            "unknown_field",
        ),
        (
            "POST",
            "/v1/vacancies",
            Some(json!({"title": "x", "owner_org": 1})),
            400,
            "field_not_writable",
        ),
        (
            "POST",
            "/v1/vacancies",
            Some(json!({"title": "x", "remote": "sometimes"})),
            400,
            "invalid_body",
        ),
        (
            "POST",
            "/v1/vacancies",
            Some(json!([1, 2])),
            400,
            "invalid_body",
        ),
        (
            "POST",
            "/v1/vacancies",
            Some(json!({"title": ""})),
            422,
            "invalid_vacancy",
        ),
        (
            "GET",
            "/v1/vacancies?limit=1000",
            None,
            400,
            "invalid_limit",
        ),
        ("GET", "/v1/vacancies?limit=0", None, 400, "invalid_limit"),
        (
            "GET",
            "/v1/vacancies?cursor=abc",
            None,
            400,
            "invalid_cursor",
        ),
        (
            "GET",
            "/v1/vacancies?colour=red",
            None,
            400,
            "invalid_query",
        ),
        (
            "GET",
            "/v1/vacancies?work_time=sometimes",
            None,
            400,
            "invalid_query",
        ),
        ("GET", "/v1/vacancies/abc", None, 404, "not_found"),
        ("GET", "/v1/vacancies/99999999999", None, 404, "not_found"),
        (
            "GET",
            "/v1/vacancies/1/candidates?scope=moon",
            None,
            400,
            "invalid_scope",
        ),
        (
            "GET",
            "/v1/taxonomy/occupations",
            None,
            422,
            "q_or_uri_required",
        ),
        (
            "GET",
            "/v1/taxonomy/skills?q=+",
            None,
            400,
            "query_required",
        ),
        (
            "GET",
            "/v1/vacancies?cursor=10000",
            None,
            400,
            "invalid_cursor",
        ),
        (
            "GET",
            "/v1/taxonomy/occupations?q=a&lang=de",
            None,
            400,
            "invalid_lang",
        ),
    ];
    for (method, path, body, status, code) in &cases {
        let (s, problem) = w.call(who, method, path, body.as_ref());
        assert_eq!(
            (s, problem["code"].as_str()),
            (*status, Some(*code)),
            "{method} {path}: {problem}"
        );
    }
    // 200 characters bound the words too: 66 short words are one query.
    let many = "ab ".repeat(66);
    let (s, p) = w.call(
        who,
        "GET",
        &format!("/v1/vacancies?q={}", many.trim().replace(' ', "+")),
        None,
    );
    assert_eq!(s, 200, "{p}");
    let (s, p) = w.call(
        who,
        "GET",
        &format!("/v1/vacancies?q={}", "a".repeat(300)),
        None,
    );
    assert_eq!((s, p["code"].as_str()), (400, Some("query_too_long")));
    // Malformed JSON and a wrong content type.
    let response = w
        .client
        .post(w.url("/v1/vacancies"))
        .bearer_auth(&w.who("employer_e").token)
        .header("content-type", "application/json")
        .body("{\"title\": ")
        .send()
        .unwrap();
    assert_eq!(response.status().as_u16(), 400);
    let response = w
        .client
        .post(w.url("/v1/vacancies"))
        .bearer_auth(&w.who("employer_e").token)
        .header("content-type", "text/plain")
        .body("title")
        .send()
        .unwrap();
    assert_eq!(response.status().as_u16(), 415);
    // Bad tokens.
    let response = w
        .client
        .get(w.url("/v1/vacancies"))
        .bearer_auth("koh_0000")
        .send()
        .unwrap();
    assert_eq!(response.status().as_u16(), 401);
    assert_eq!(response.headers()["www-authenticate"], "Bearer");
    // A revoked token stops working at once.
    assert_eq!(w.call(who, "GET", "/v1/places?q=Oulu", None).0, 200);
    let token =
        w.db.store
            .read(|c| indexer::store::orgs::authenticate(c, &w.who("employer_e").token))
            .unwrap()
            .unwrap();
    w.db.store
        .write(|c| indexer::store::orgs::revoke_token(c, token.token))
        .unwrap();
    let (s, p) = w.call(who, "GET", "/v1/places?q=Oulu", None);
    assert_eq!((s, p["code"].as_str()), (401, Some("invalid_token")));
    // The metrics counted the answers by route and status.
    let metrics = w
        .client
        .get(w.url("/metrics"))
        .send()
        .unwrap()
        .text()
        .unwrap();
    assert!(
        metrics.contains("kohtaanto_http_requests_total{method=\"POST\",route=\"/v1/vacancies\",status=\"413\"} 1"),
        "{metrics}"
    );
    // Nothing was stored by any of it.
    let stored =
        w.db.store
            .read(indexer::store::vacancies::count_vacancies)
            .unwrap();
    assert_eq!(stored, 0);
}
on_every_backend!(bad_input_gets_a_clear_problem_and_stores_nothing);

fn rate_limit_answers_429_with_retry_after(db: TestDb) {
    let w = World::start_with(db, |state| {
        state.limiter = std::sync::Arc::new(api::auth::RateLimiter::new(1.0, 5.0));
    });
    let mut statuses = Vec::new();
    for _ in 0..8 {
        let r = w
            .client
            .get(w.url("/v1/places?q=Kuo"))
            .bearer_auth(&w.who("analyst").token)
            .send()
            .unwrap();
        statuses.push((
            r.status().as_u16(),
            r.headers()
                .get("retry-after")
                .map(|v| v.to_str().unwrap().to_owned()),
        ));
    }
    assert!(statuses[..5].iter().all(|(s, _)| *s == 200), "{statuses:?}");
    let limited = statuses.iter().find(|(s, _)| *s == 429).expect("no 429");
    assert!(limited
        .1
        .as_deref()
        .is_some_and(|s| s.parse::<u64>().unwrap() >= 1));
    // Another token is not limited by this one.
    let (s, _) = w.call(Some("admin"), "GET", "/v1/places?q=Kuo", None);
    assert_eq!(s, 200);
}
on_every_backend!(rate_limit_answers_429_with_retry_after);

/// `kohtaanto index rebuild` swaps the generation under a running server:
/// matching and search follow it, and so does the sync.
fn queries_follow_an_index_rebuild(db: TestDb) {
    let w = World::start(db);
    let o = create(&w);
    let before = w.call(Some("adviser_a"), "GET", "/v1/vacancies", None).1["total"].clone();
    let old = w.root.current().unwrap().unwrap();
    let reference = indexer::index::ReferenceData::load(&w.db.store).unwrap();
    indexer::index::rebuild(&w.db.store, &w.root, &reference, |_, _| {}).unwrap();
    assert_ne!(w.root.current().unwrap().unwrap(), old);
    let (s, after) = w.call(Some("adviser_a"), "GET", "/v1/vacancies", None);
    assert_eq!(s, 200);
    assert_eq!(after["total"], before);
    let (s, m) = w.call(
        Some("adviser_a"),
        "GET",
        &format!("/v1/vacancies/{}/candidates?scope=nationwide", o.v_public),
        None,
    );
    assert_eq!(s, 200, "{m}");
    assert!(ids(&m).contains(&o.p_consent));
    // A change after the swap reaches the new generation.
    let (s, _) = w.call(
        Some("employer_e"),
        "POST",
        "/v1/vacancies",
        Some(&json!({"title": "Lähihoitaja", "municipality_code": "091"})),
    );
    assert_eq!(s, 201);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let total = w.call(Some("adviser_a"), "GET", "/v1/vacancies", None).1["total"].as_u64();
        if total == before.as_u64().map(|n| n + 1) {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the new vacancy never appeared"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}
on_every_backend!(queries_follow_an_index_rebuild);

/// A cohort assigned nationwide over the API: positions respected, every
/// member accounted for, at least as good as greedy, advisers only.
fn cohorts_are_assigned_within_positions(db: TestDb) {
    let w = World::start(db);
    let o = create(&w);
    let members = json!({
        "name": "Tehdas Oy, muutosneuvottelut 2026",
        "employer_name": "Tehdas Oy",
        "profile_ids": [o.p_consent, o.p_private, o.p_other_office],
    });
    for who in ["recruiter_x", "employer_e", "analyst", "admin"] {
        let (s, _) = w.call(Some(who), "POST", "/v1/cohorts", Some(&members));
        assert_eq!(s, 403, "{who}");
    }
    let (s, p) = w.call(
        Some("adviser_a"),
        "POST",
        "/v1/cohorts",
        Some(&json!({"name": "x", "employer_name": "y", "profile_ids": [999_999]})),
    );
    assert_eq!((s, p["code"].as_str()), (404, Some("not_found")));
    let (s, cohort) = w.call(Some("adviser_a"), "POST", "/v1/cohorts", Some(&members));
    assert_eq!(s, 201, "{cohort}");
    let path = format!("/v1/cohorts/{}/assignments", id(&cohort));
    assert_eq!(w.call(Some("adviser_b"), "POST", &path, None).0, 404);
    let (s, a) = w.call(
        Some("adviser_a"),
        "POST",
        &path,
        Some(&json!({"min_score": 0.3, "scope": "nationwide"})),
    );
    assert_eq!(s, 200, "{a}");
    assert_eq!(a["members"], 3);
    assert!(a["certified"].as_bool().unwrap(), "{a}");
    assert!(a["total_score"].as_f64().unwrap() >= a["greedy_total_score"].as_f64().unwrap());
    let placements = a["placements"].as_array().unwrap();
    assert_eq!(placements.len(), 3);
    let mut used = std::collections::BTreeMap::new();
    for p in placements {
        if let Some(v) = p["assigned"]["vacancy_id"].as_i64() {
            *used.entry(v).or_insert(0) += 1;
        }
    }
    // Every vacancy has one position: three nurses, three vacancies.
    assert!(used.values().all(|n| *n == 1), "{used:?}");
    assert_eq!(a["placed"], used.len());
    let reported: u64 = a["regions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["members"].as_u64().unwrap())
        .sum();
    assert_eq!(reported, 3);
    let (s, p) = w.call(
        Some("adviser_a"),
        "POST",
        &path,
        Some(&json!({"min_score": 7})),
    );
    assert_eq!((s, p["code"].as_str()), (400, Some("invalid_min_score")));
}
on_every_backend!(cohorts_are_assigned_within_positions);

/// The labour-market picture over the API: advisers see every count,
/// analysts small cells withheld, others nothing; JSON or CSV.
fn picture_for_advisers_and_analysts(db: TestDb) {
    let w = World::start(db);
    let o = create(&w);
    let path = "/v1/picture?by=region&occupation_level=4&potential=true&min_score=0";
    for who in ["recruiter_x", "employer_e", "admin"] {
        assert_eq!(w.call(Some(who), "GET", path, None).0, 403, "{who}");
    }
    assert_eq!(w.call(None, "GET", path, None).0, 401);

    // Three open nurse vacancies (one hidden) and three nurses, all in
    // Helsinki: every one is counted.
    let (s, p) = w.call(Some("adviser_a"), "GET", path, None);
    assert_eq!(s, 200, "{p}");
    assert_eq!(p["total"]["open_positions"], 3, "{p}");
    assert_eq!(p["total"]["active_jobseekers"], 3);
    let cells = p["cells"].as_array().unwrap();
    assert_eq!(cells.len(), 1, "{p}");
    assert_eq!(cells[0]["area"]["code"], "01");
    assert_eq!(cells[0]["area"]["name"], "Uusimaa");
    assert_eq!(cells[0]["group"]["code"], "2221");
    assert_eq!(cells[0]["tightness"], 1.0);
    assert_eq!(p["mismatch"]["across_areas"], 0.0);
    let flows = p["potential"]["flows"].as_array().unwrap();
    assert_eq!(flows.len(), 1, "{p}");
    assert_eq!(flows[0]["from"]["code"], "01");
    assert_eq!(flows[0]["to"]["code"], "01");
    assert_eq!(flows[0]["open_positions"], 3);
    assert_eq!(p["potential"]["positions_matched_locally"], 3);

    // The analyst gets the same shape with nothing under five published.
    let (s, a) = w.call(Some("analyst"), "GET", path, None);
    assert_eq!(s, 200, "{a}");
    assert_eq!(a["disclosure_control"], true);
    assert_eq!(a["cells"][0]["suppressed"], true);
    assert!(a["cells"][0]["open_positions"].is_null());
    assert!(a["total"]["active_jobseekers"].is_null());
    assert!(a["potential"]["flows"][0]["open_positions"].is_null());
    let text = a.to_string();
    assert!(!text.contains("\"open_positions\":3"), "{text}");

    // CSV: by Accept header, and by the .csv path with a table.
    let response = w
        .client
        .get(w.url("/v1/picture?occupation_level=1&lang=en"))
        .bearer_auth(&w.who("adviser_b").token)
        .header("Accept", "text/csv")
        .send()
        .unwrap();
    assert_eq!(response.status().as_u16(), 200);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let csv = response.text().unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert!(lines[0].starts_with("area_code,area_name,group_code,group_name,"));
    assert_eq!(
        lines[1],
        "01,Uusimaa,2,Professionals,3,3,3,1.0000,0.0000,false"
    );
    let (s, areas) = w.call(Some("analyst"), "GET", "/v1/picture.csv?table=areas", None);
    assert_eq!(s, 200);
    let areas = areas.as_str().unwrap();
    assert_eq!(areas.lines().count(), 1 + 19, "{areas}");
    assert!(areas.contains("01,Uusimaa,,,,,,,,true"), "{areas}");
    let (s, flows) = w.call(
        Some("adviser_a"),
        "GET",
        "/v1/picture.csv?table=flows&min_score=0",
        None,
    );
    assert_eq!(s, 200);
    assert!(flows
        .as_str()
        .unwrap()
        .contains("01,Uusimaa,01,Uusimaa,3,3,false"));

    // A deleted vacancy leaves the picture.
    assert_eq!(
        w.call(
            Some("employer_e"),
            "DELETE",
            &format!("/v1/vacancies/{}", o.v_public),
            None
        )
        .0,
        204
    );
    w.wait_for_index();
    let (_, p) = w.call(Some("adviser_a"), "GET", "/v1/picture", None);
    assert_eq!(p["total"]["open_positions"], 2, "{p}");

    for (query, code) in [
        ("by=county", "invalid_by"),
        ("occupation_level=7", "invalid_occupation_level"),
        ("industry=group", "invalid_industry"),
        ("table=everything", "invalid_table"),
        ("min_score=2", "invalid_min_score"),
        ("lang=de", "invalid_lang"),
    ] {
        let (s, e) = w.call(
            Some("adviser_a"),
            "GET",
            &format!("/v1/picture?{query}"),
            None,
        );
        assert_eq!((s, e["code"].as_str()), (400, Some(code)), "{query}: {e}");
    }
    // Two groupings at once is a rule between parameters, not a bad one.
    let (s, e) = w.call(
        Some("adviser_a"),
        "GET",
        "/v1/picture?industry=section&occupation_level=2",
        None,
    );
    assert_eq!(
        (s, e["code"].as_str()),
        (422, Some("invalid_grouping")),
        "{e}"
    );
    assert_eq!(
        w.call(Some("adviser_a"), "GET", "/v1/picture?bogus=1", None)
            .0,
        400
    );
    let (s, i) = w.call(Some("analyst"), "GET", "/v1/picture?industry=section", None);
    assert_eq!(s, 200, "{i}");
    assert!(i["mismatch"]["across_groups"].is_null());
}
on_every_backend!(picture_for_advisers_and_analysts);

on_every_backend!(occupation_coding_is_reviewed_when_unsure);
/// A vacancy posted without an occupation is coded from its text: set when
/// the coder is confident, else left for review with suggestions that the
/// owner and advisers see; the owner's choice ends the review.
fn occupation_coding_is_reviewed_when_unsure(db: TestDb) {
    let w = World::start(db);
    let post = |title: &str| {
        let (s, v) = w.call(
            Some("employer_e"),
            "POST",
            "/v1/vacancies",
            Some(&json!({"title": title, "municipality_code": "091", "visibility": "hidden"})),
        );
        assert_eq!(s, 201, "{v}");
        v
    };
    let sure = post("Sairaanhoitaja");
    assert_eq!(sure["coding"]["status"], "coded", "{sure}");
    assert!(sure["occupation_uri"].is_string());
    assert!(sure["coding"]["confidence"].as_f64().unwrap() >= 0.7);

    let unsure = post("Työntekijä");
    assert_eq!(unsure["coding"]["status"], "needs_review", "{unsure}");
    assert!(unsure["occupation_uri"].is_null());
    let suggestions = unsure["coding"]["suggestions"].as_array().unwrap();
    assert!(!suggestions.is_empty() && suggestions.len() <= 5);
    let chosen = suggestions[0]["uri"].as_str().unwrap().to_owned();

    // Advisers see the review on the vacancy; the owner's list shows it.
    let path = format!("/v1/vacancies/{}", id(&unsure));
    let (s, seen) = w.call(Some("adviser_a"), "GET", &path, None);
    assert_eq!(s, 200);
    assert_eq!(seen["coding"]["status"], "needs_review");
    let (_, mine) = w.call(Some("employer_e"), "GET", "/v1/me/vacancies", None);
    let listed = mine["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|v| v["id"] == unsure["id"])
        .unwrap()
        .clone();
    assert_eq!(listed["coding"]["status"], "needs_review");

    // The owner picks a suggestion: the review is over.
    let (s, done) = w.call(
        Some("employer_e"),
        "PATCH",
        &path,
        Some(&json!({"occupation_uri": chosen, "version": unsure["version"]})),
    );
    assert_eq!(s, 200, "{done}");
    assert_eq!(done["occupation_uri"], chosen);
    assert!(done["coding"].is_null(), "{done}");
}

/// Every problem code the API's source names is in the registry the
/// OpenAPI document lists codes from (with its status), so that no route
/// answers a code its document does not list.
#[test]
fn every_problem_code_is_registered() {
    let registered: std::collections::BTreeSet<&str> = api::error::PROBLEMS
        .iter()
        .map(|(code, ..)| *code)
        .collect();
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = vec![src.clone()];
    let mut missing = Vec::new();
    let mut seen = 0;
    while let Some(path) = files.pop() {
        if path.is_dir() {
            files.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
            continue;
        }
        if path.extension().is_none_or(|e| e != "rs") || path.ends_with("cli") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let constructs = [
                "ApiError::new(",
                "ApiError::bad_request(",
                "ApiError::unauthorized(",
                "ApiError::unavailable(",
                "bad(",
            ];
            if !constructs.iter().any(|c| line.contains(c)) || line.trim_start().starts_with("//") {
                continue;
            }
            // The first snake_case literal of the call is its code.
            let window = lines[i..(i + 4).min(lines.len())].join(" ");
            let start = constructs
                .iter()
                .filter_map(|c| window.find(c))
                .min()
                .unwrap();
            let code = window[start..].split('"').skip(1).step_by(2).find(|s| {
                !s.is_empty()
                    && s.contains('_')
                    && s.chars().all(|c| c.is_ascii_lowercase() || c == '_')
            });
            if let Some(code) = code {
                seen += 1;
                if !registered.contains(code) {
                    missing.push(format!("{}:{}: {code}", path.display(), i + 1));
                }
            }
        }
    }
    assert!(seen > 20, "the scan found only {seen} codes");
    assert!(
        missing.is_empty(),
        "codes not in api::error::PROBLEMS: {missing:#?}"
    );
    for code in [
        "conflict",
        "invalid_data",
        "database_unavailable",
        "not_found",
        "forbidden",
    ] {
        assert!(registered.contains(code), "{code}");
    }
}
