//! Strict references: a write naming a municipality, region, occupation,
//! skill, ISCO group, industry, language, licence class or education field
//! that the loaded reference data does not have is refused with 422 and
//! the field; dates that make no sense too. And the property behind it:
//! whatever is accepted can be found again through every filter that
//! should match it.

use indexer::testkit::TestDb;
use serde_json::{json, Value};

use crate::world::World;

/// A small seeded generator (xorshift64*), so that a failing case repeats.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

fn vacancy(title: &str, extra: Value) -> Value {
    let mut body = json!({"title": title, "municipality_code": "091"});
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    body
}

fn unknown_references_are_refused_with_the_field(db: TestDb) {
    let w = World::start(db);
    let skill = w
        .state
        .reference
        .taxonomy
        .skills()
        .next()
        .unwrap()
        .1
        .uri
        .clone();
    let cases = [
        (
            json!({"municipality_code": "999"}),
            "invalid_reference",
            "municipality_code",
        ),
        (
            json!({"occupation_uri": "http://data.europa.eu/esco/occupation/00000000-0000-0000-0000-000000000000"}),
            "invalid_reference",
            "occupation_uri",
        ),
        (
            json!({"isco_code": "9999"}),
            "invalid_reference",
            "isco_code",
        ),
        (
            json!({"industry_code": "ZZ"}),
            "invalid_reference",
            "industry_code",
        ),
        (
            json!({"ad_language": "xx"}),
            "invalid_reference",
            "ad_language",
        ),
        (
            json!({"skills": [{"skill": {"uri": "http://data.europa.eu/esco/skill/nope", "label": "x"}, "importance": "essential"}]}),
            "invalid_reference",
            "skills[0].skill.uri",
        ),
        (
            json!({"languages": [{"language": "xx", "level": "b1"}]}),
            "invalid_reference",
            "languages[0].language",
        ),
        (
            json!({"licences": ["Q"]}),
            "invalid_reference",
            "licences[0]",
        ),
        (
            json!({"expires_at": "1900-01-01T00:00:00"}),
            "invalid_vacancy",
            "expires_at",
        ),
        (
            json!({"expires_at": "2001-01-01T00:00:00Z"}),
            "invalid_vacancy",
            "expires_at",
        ),
        (
            json!({"start_date": "1850-06-01"}),
            "invalid_vacancy",
            "start_date",
        ),
    ];
    for (extra, code, field) in cases {
        let body = vacancy("Lähihoitaja", extra.clone());
        let (s, p) = w.call(Some("employer_e"), "POST", "/v1/vacancies", Some(&body));
        assert_eq!((s, p["code"].as_str()), (422, Some(code)), "{extra}: {p}");
        assert!(
            p["detail"].as_str().unwrap().starts_with(field),
            "{extra}: {p}"
        );
        // The body ranked without storing is held to the same rules.
        let (s, _) = w.call(
            Some("adviser_a"),
            "POST",
            "/v1/match/candidates",
            Some(&body),
        );
        assert_eq!(s, 422, "{extra}");
    }
    // Nothing refused was stored.
    let (_, own) = w.call(Some("employer_e"), "GET", "/v1/me/vacancies", None);
    assert_eq!(own["items"], json!([]), "{own}");
    // A known skill, licence and language pass.
    let ok = vacancy(
        "Lähihoitaja",
        json!({
            "skills": [{"skill": {"uri": skill, "label": "x"}, "importance": "essential"}],
            "licences": [{"value": "B", "hard": true}],
            "languages": [{"language": "sv", "level": "b1", "hard": false}],
            "expires_at": "2099-01-01T00:00:00+02:00",
        }),
    );
    let (s, created) = w.call(Some("employer_e"), "POST", "/v1/vacancies", Some(&ok));
    assert_eq!(s, 201, "{created}");
    assert_eq!(created["expires_at"], "2098-12-31T22:00:00");
    // A change is held to them too.
    let id = created["id"].as_i64().unwrap();
    let patch = json!({"version": created["version"], "municipality_code": "999"});
    let (s, p) = w.call(
        Some("employer_e"),
        "PATCH",
        &format!("/v1/vacancies/{id}"),
        Some(&patch),
    );
    assert_eq!(
        (s, p["code"].as_str()),
        (422, Some("invalid_reference")),
        "{p}"
    );

    let profile = |extra: Value| {
        let mut body =
            json!({"contact": {"full_name": "Testi Henkilö"}, "home_municipality_code": "091"});
        for (k, v) in extra.as_object().unwrap() {
            body[k] = v.clone();
        }
        body
    };
    let cases = [
        (
            json!({"home_municipality_code": "999"}),
            "invalid_reference",
            "home_municipality_code",
        ),
        (
            json!({"relocation": "regions", "relocation_regions": ["99"]}),
            "invalid_reference",
            "relocation_regions[0]",
        ),
        (
            json!({"desired_occupations": ["http://data.europa.eu/esco/occupation/nope"]}),
            "invalid_reference",
            "desired_occupations[0]",
        ),
        (
            json!({"education_field": "55"}),
            "invalid_reference",
            "education_field",
        ),
        (
            json!({"licences": ["B", "ZZ"]}),
            "invalid_reference",
            "licences[1]",
        ),
        (
            json!({"available_from": "1850-01-01"}),
            "invalid_profile",
            "available_from",
        ),
    ];
    for (extra, code, field) in cases {
        let (s, p) = w.call(
            Some("adviser_a"),
            "POST",
            "/v1/profiles",
            Some(&profile(extra.clone())),
        );
        assert_eq!((s, p["code"].as_str()), (422, Some(code)), "{extra}: {p}");
        assert!(
            p["detail"].as_str().unwrap().starts_with(field),
            "{extra}: {p}"
        );
    }
    let (s, p) = w.call(
        Some("adviser_a"),
        "POST",
        "/v1/profiles",
        Some(&profile(
            json!({"education_field": "06", "licences": ["B", "CE"]}),
        )),
    );
    assert_eq!(s, 201, "{p}");
    // A search filter naming an unknown place is refused, not answered empty.
    for query in [
        "municipality=999",
        "region=99",
        "near=999",
        "language=de",
        "occupation=abc",
    ] {
        let (s, p) = w.call(
            Some("adviser_a"),
            "GET",
            &format!("/v1/vacancies?{query}"),
            None,
        );
        assert_eq!(
            (s, p["code"].as_str()),
            (400, Some("invalid_query")),
            "{query}: {p}"
        );
    }
}
on_every_backend!(unknown_references_are_refused_with_the_field);

/// Random vacancies, some with a broken reference: the broken ones are
/// refused and leave nothing behind; every accepted one is found by each
/// filter that names what it has, and by all of them at once.
fn accepted_vacancies_are_found_through_every_filter(db: TestDb) {
    // Some hundred searches in a moment: no rate limit here.
    let w = World::start_with(db, |s| {
        s.limiter = std::sync::Arc::new(api::limits::RateLimiter::new(1e6, 1e6));
    });
    let geography = &w.state.reference.geography;
    let taxonomy = &w.state.reference.taxonomy;
    let municipalities: Vec<(String, String)> = geography
        .municipalities()
        .map(|m| (m.code.clone(), m.region_code.clone()))
        .collect();
    let occupations: Vec<(String, String)> = taxonomy
        .occupations()
        .map(|(_, o)| (o.uri.clone(), o.isco_code.clone()))
        .collect();
    let mut rng = Rng(0x5eed_2026_1203);
    let mut accepted = Vec::new();
    for case in 0..24 {
        let (municipality, region) = rng.pick(&municipalities).clone();
        let (occupation, isco) = rng.pick(&occupations).clone();
        let work_time = *rng.pick(&["full_time", "part_time"]);
        let remote = *rng.pick(&["none", "hybrid", "full"]);
        let language = *rng.pick(&["fi", "sv", "en"]);
        let broken = rng.below(4) == 0;
        let mut body = json!({
            "title": format!("Zorblaxtyöntekijä {case}"),
            "municipality_code": if broken { "998".to_owned() } else { municipality.clone() },
            "occupation_uri": occupation,
            "work_time": work_time,
            "remote": remote,
            "ad_language": language,
            "positions": 1 + rng.below(5),
        });
        if rng.below(2) == 0 {
            body["expires_at"] = json!("2099-06-30T12:00:00");
        }
        let (s, created) = w.call(Some("employer_e"), "POST", "/v1/vacancies", Some(&body));
        if broken {
            assert_eq!(
                (s, created["code"].as_str()),
                (422, Some("invalid_reference")),
                "{body}"
            );
            continue;
        }
        assert_eq!(s, 201, "{body}: {created}");
        let id = created["id"].as_i64().unwrap();
        accepted.push((
            id,
            municipality,
            region,
            occupation,
            isco,
            work_time,
            remote,
            language,
        ));
    }
    assert!(accepted.len() >= 12, "too few accepted: {}", accepted.len());
    let (_, own) = w.call(Some("employer_e"), "GET", "/v1/me/vacancies", None);
    assert_eq!(own["items"].as_array().unwrap().len(), accepted.len());
    w.wait_for_index();

    let found = |query: &str| -> Vec<i64> {
        let (s, page) = w.call(
            Some("adviser_a"),
            "GET",
            &format!("/v1/vacancies?q=zorblaxty%C3%B6ntekij%C3%A4&limit=100&{query}"),
            None,
        );
        assert_eq!(s, 200, "{query}: {page}");
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["id"].as_i64().unwrap())
            .collect()
    };
    let enc = |uri: &str| uri.replace(':', "%3A").replace('/', "%2F");
    for (id, municipality, region, occupation, isco, work_time, remote, language) in &accepted {
        let filters = [
            format!("municipality={municipality}"),
            format!("region={region}"),
            format!("near={municipality}&radius_km=1"),
            format!("occupation={}", enc(occupation)),
            format!("occupation={isco}"),
            format!("occupation={}", &isco[..1]),
            format!("occupation={}", &isco[..2]),
            format!("work_time={work_time}"),
            format!("remote={remote}"),
            format!("language={language}"),
        ];
        for filter in &filters {
            assert!(
                found(filter).contains(id),
                "vacancy {id} not found by {filter}"
            );
        }
        let all = format!(
            "municipality={municipality}&region={region}&near={municipality}&occupation={}\
             &work_time={work_time}&remote={remote}&language={language}",
            enc(occupation)
        );
        assert!(found(&all).contains(id), "vacancy {id} not found by {all}");
    }
}
on_every_backend!(accepted_vacancies_are_found_through_every_filter);
