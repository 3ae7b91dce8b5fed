//! The pair score and exhaustive ranking on the real taxonomy and geography
//! and a generated population: hard filters, mobility, occupation
//! proximity, determinism, and the fairness counterfactuals.

use std::sync::OnceLock;

use chrono::NaiveDate;
use indexer::generate::{DemoOrgs, LabourMarket, PopulationGenerator};
use indexer::sources::{fixtures_dir, load_geography_dir, load_taxonomy_dir};
use matcher::domain::*;
use matcher::geography::Geography;
use matcher::index::analysis::Analyzers;
use matcher::index::CompoundLexicon;
use matcher::ranking::{rank_candidates, rank_vacancies};
use matcher::scoring::{Feature, Ineligible, Scope, Scorer, ScoringConfig, UniformTerms};
use matcher::taxonomy::Taxonomy;

struct World {
    taxonomy: Taxonomy,
    geography: Geography,
    lexicon: CompoundLexicon,
    profiles: Vec<JobseekerProfile>,
    vacancies: Vec<Vacancy>,
}

fn world() -> &'static World {
    static WORLD: OnceLock<World> = OnceLock::new();
    WORLD.get_or_init(|| {
        let taxonomy = load_taxonomy_dir(&fixtures_dir().join("esco")).unwrap();
        let geography = load_geography_dir(&fixtures_dir().join("geo")).unwrap();
        let market = LabourMarket::load(&fixtures_dir().join("labour-stats"), &geography).unwrap();
        let orgs = DemoOrgs {
            offices: geography
                .regions()
                .map(|r| (r.code.clone(), OrgId(1)))
                .collect(),
            agencies: vec![OrgId(2), OrgId(3)],
            employers: vec![(OrgId(4), "Työnantaja Oy".into())],
            ministry: OrgId(5),
            operator: OrgId(6),
        };
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let at = today.and_hms_opt(8, 0, 0).unwrap();
        let (profiles, vacancies) = {
            let generator =
                PopulationGenerator::new(&taxonomy, &geography, &market, orgs, 21, today).unwrap();
            let profiles = (0..600)
                .map(|i| {
                    let (pseudonym, draft) = generator.profile(i);
                    JobseekerProfile {
                        id: ProfileId(i as i64 + 1),
                        pseudonym,
                        version: 1,
                        created_at: at,
                        updated_at: at,
                        source: None,
                        source_id: None,
                        draft,
                    }
                })
                .collect();
            let vacancies = (0..60)
                .map(|i| Vacancy {
                    id: VacancyId(i as i64 + 1),
                    version: 1,
                    created_at: at,
                    updated_at: at,
                    draft: generator.vacancy(i),
                })
                .collect();
            (profiles, vacancies)
        };
        let lexicon = CompoundLexicon::from_taxonomy(&taxonomy);
        World {
            taxonomy,
            geography,
            lexicon,
            profiles,
            vacancies,
        }
    })
}

fn scorer<'a>(w: &'a World, config: &'a ScoringConfig) -> Scorer<'a> {
    Scorer {
        taxonomy: &w.taxonomy,
        geography: &w.geography,
        config,
        terms: &UniformTerms,
        lang: matcher::taxonomy::Lang::En,
    }
}

fn ids(ranked: &[matcher::ranking::Ranked]) -> Vec<(i64, u64)> {
    ranked
        .iter()
        .map(|r| (r.id, r.score.total.to_bits()))
        .collect()
}

#[test]
fn rankings_ignore_names_contacts_and_notes() {
    let w = world();
    let config = ScoringConfig::default();
    let s = scorer(w, &config);
    let mut analyzers = Analyzers::new(&w.lexicon);
    let mut changed = w.profiles.clone();
    for (i, p) in changed.iter_mut().enumerate() {
        p.draft.contact = ContactDetails {
            full_name: format!("Muhammad {i} Öztürk"),
            email: Some(format!("someone{i}@example.com")),
            phone: None,
            notes: Some("Äidinkieli somali; 58 vuotta; kaksi lasta.".into()),
        };
        p.pseudonym = format!("JS-OTHER{i}");
    }
    let mut compared = 0;
    for v in &w.vacancies {
        for scope in [Scope::Mobility, Scope::Nationwide] {
            let before = rank_candidates(&s, &mut analyzers, v, &w.profiles, scope, 20);
            let after = rank_candidates(&s, &mut analyzers, v, &changed, scope, 20);
            assert_eq!(ids(&before), ids(&after));
            compared += before.len();
        }
    }
    assert!(
        compared > 500,
        "too few ranked pairs to say anything: {compared}"
    );
    for p in w.profiles.iter().take(30) {
        let before = rank_vacancies(&s, &mut analyzers, p, &w.vacancies, Scope::Nationwide, 20);
        let q = changed.iter().find(|c| c.id == p.id).unwrap();
        let after = rank_vacancies(&s, &mut analyzers, q, &w.vacancies, Scope::Nationwide, 20);
        assert_eq!(ids(&before), ids(&after));
    }
}

fn with_skills(p: &JobseekerProfile, skills: Vec<SkillRef>) -> JobseekerProfile {
    let mut p = p.clone();
    p.draft.skills = skills;
    p
}

#[test]
fn keyword_stuffing_does_not_buy_a_better_rank() {
    let w = world();
    let config = ScoringConfig::default();
    let s = scorer(w, &config);
    let mut a = Analyzers::new(&w.lexicon);
    let noise: Vec<SkillRef> = w
        .taxonomy
        .skills()
        .step_by(23)
        .take(600)
        .map(|(_, skill)| SkillRef {
            uri: Some(skill.uri.clone()),
            label: skill.labels.en.clone(),
        })
        .collect();
    let mut tried = 0;
    for v in w.vacancies.iter().filter(|v| !v.draft.skills.is_empty()) {
        let ranked = rank_candidates(&s, &mut a, v, &w.profiles, Scope::Nationwide, 3);
        let vt = a.vacancy_terms(&w.taxonomy, v);
        for r in &ranked {
            let honest = w.profiles.iter().find(|p| p.id.0 == r.id).unwrap();
            // (a) The same profile with hundreds of extra skills never gains.
            let mut skills = honest.draft.skills.clone();
            skills.extend(noise.iter().cloned());
            let stuffed = with_skills(honest, skills);
            let pt = a.profile_terms(&w.taxonomy, &stuffed);
            let gained = s.score(v, &stuffed, &vt, &pt).total;
            assert!(
                gained <= r.score.total + 1e-12,
                "{gained} > {}",
                r.score.total
            );

            // (b) Listing the vacancy's own skills among hundreds of others
            // scores below listing just them.
            let wanted: Vec<SkillRef> = v.draft.skills.iter().map(|s| s.skill.clone()).collect();
            let precise = with_skills(honest, wanted.clone());
            let mut buried = noise.clone();
            buried.extend(wanted);
            let buried = with_skills(honest, buried);
            let pt = a.profile_terms(&w.taxonomy, &precise);
            let precise_score = s.score(v, &precise, &vt, &pt).total;
            let buried_score = s.score(v, &buried, &vt, &pt).total;
            assert!(
                buried_score < precise_score,
                "{buried_score} >= {precise_score}"
            );
            tried += 1;
        }

        // (c) Repeating a word does not raise the text feature.
        let honest = &w.profiles[0];
        let mut repeated = honest.clone();
        let title = v.draft.title.clone();
        repeated.draft.work_history[0].title = title.clone();
        let once = a.profile_terms(&w.taxonomy, &repeated);
        repeated.draft.work_history[0].title = std::iter::repeat_n(title.as_str(), 200)
            .collect::<Vec<_>>()
            .join(" ");
        let many = a.profile_terms(&w.taxonomy, &repeated);
        let text = |pt| {
            s.score(v, &repeated, &vt, pt)
                .features
                .iter()
                .find(|f| f.feature == Feature::Text)
                .unwrap()
                .value
        };
        assert_eq!(text(&once), text(&many));
    }
    assert!(tried >= 60, "{tried}");
}

#[test]
fn hard_requirements_filter_and_soft_ones_score() {
    let w = world();
    let config = ScoringConfig::default();
    let s = scorer(w, &config);
    let mut v = w.vacancies[0].clone();
    let mut p = w.profiles[0].clone();
    v.draft.languages = vec![Requirement {
        value: LanguageSkill {
            language: "sv".into(),
            level: LanguageLevel::C1,
        },
        hard: true,
    }];
    p.draft.languages = vec![LanguageSkill {
        language: "sv".into(),
        level: LanguageLevel::B1,
    }];
    assert!(matches!(
        s.eligibility(&v, &p, Scope::Nationwide),
        Err(Ineligible::HardLanguage { .. })
    ));
    p.draft.languages[0].level = LanguageLevel::C2;
    assert_eq!(s.eligibility(&v, &p, Scope::Nationwide), Ok(()));

    // Soft: B1 for a C1 requirement scores partly, not zero, not full.
    v.draft.languages[0].hard = false;
    p.draft.languages[0].level = LanguageLevel::B1;
    let mut a = Analyzers::new(&w.lexicon);
    let (vt, pt) = (
        a.vacancy_terms(&w.taxonomy, &v),
        a.profile_terms(&w.taxonomy, &p),
    );
    let score = s.score(&v, &p, &vt, &pt);
    let languages = score
        .features
        .iter()
        .find(|f| f.feature == Feature::Languages)
        .unwrap();
    assert!(
        languages.value > 0.0 && languages.value < 1.0,
        "{languages:?}"
    );

    v.draft.licences = vec![Requirement {
        value: "CE".into(),
        hard: true,
    }];
    p.draft.licences = vec!["b".into(), "ce".into()];
    assert_eq!(s.eligibility(&v, &p, Scope::Nationwide), Ok(()));
    p.draft.licences = vec!["B".into()];
    assert!(matches!(
        s.eligibility(&v, &p, Scope::Nationwide),
        Err(Ineligible::HardLicence { .. })
    ));
}

#[test]
fn mobility_decides_scope_and_explains_itself() {
    let w = world();
    let config = ScoringConfig::default();
    let s = scorer(w, &config);
    let mut v = w.vacancies[0].clone();
    v.draft.municipality_code = Some("091".into()); // Helsinki, Uusimaa
    v.draft.lat = None;
    v.draft.lon = None;
    v.draft.remote = RemoteMode::None;
    let mut p = w.profiles[0].clone();
    p.draft.home_municipality_code = Some("297".into()); // Kuopio
    p.draft.max_commute_km = 40;
    p.draft.relocation = Relocation::Regions;
    p.draft.relocation_regions = vec!["01".into()];
    let m = s.mobility(&v, &p);
    assert!(!m.within_commute && m.willing_to_relocate);
    assert!(
        m.reason.starts_with("lives in Kuopio")
            && m.reason.contains("willing to relocate to Uusimaa"),
        "{}",
        m.reason
    );
    let d = m.distance_km.unwrap();
    assert!((330.0..400.0).contains(&d), "{d}");
    assert_eq!(s.eligibility(&v, &p, Scope::Mobility), Ok(()));
    assert!(s.eligibility(&v, &p, Scope::Commute).is_err());
    assert_eq!(s.eligibility(&v, &p, Scope::Region), Ok(()));

    p.draft.relocation = Relocation::None;
    assert!(s.eligibility(&v, &p, Scope::Mobility).is_err());
    assert_eq!(s.eligibility(&v, &p, Scope::Nationwide), Ok(()));
    v.draft.remote = RemoteMode::Full;
    assert_eq!(s.eligibility(&v, &p, Scope::Commute), Ok(()));

    // Living abroad, moving to Finland.
    v.draft.remote = RemoteMode::None;
    p.draft.home_municipality_code = None;
    p.draft.abroad_country = Some("EE".into());
    p.draft.relocation = Relocation::Nationwide;
    let m = s.mobility(&v, &p);
    assert!(m.reason.contains("lives abroad (EE)"), "{}", m.reason);
    assert_eq!(s.eligibility(&v, &p, Scope::Mobility), Ok(()));
}

#[test]
fn occupation_proximity_follows_the_isco_hierarchy() {
    let w = world();
    let config = ScoringConfig::default();
    let s = scorer(w, &config);
    let nurse = w
        .taxonomy
        .occupations()
        .find(|(_, o)| o.isco_code == "2221")
        .unwrap()
        .1;
    let mut v = w.vacancies[0].clone();
    v.draft.occupation_uri = Some(nurse.uri.clone());
    let find = |pred: &dyn Fn(&str) -> bool| {
        w.taxonomy
            .occupations()
            .find(|(_, o)| o.uri != nurse.uri && pred(&o.isco_code))
            .map(|(_, o)| o.uri.clone())
            .unwrap()
    };
    let same_unit = find(&|c| c == "2221");
    let same_minor = find(&|c| c.starts_with("222") && c != "2221");
    let same_sub_major = find(&|c| c.starts_with("22") && !c.starts_with("222"));
    let other = find(&|c| c.starts_with('7'));
    let p = |u: &str| s.occupation_proximity(&v, u);
    assert_eq!(p(&nurse.uri), 1.0);
    assert!(p(&nurse.uri) > p(&same_unit));
    assert!(p(&same_unit) > p(&same_minor));
    assert!(p(&same_minor) > p(&same_sub_major));
    assert!(p(&same_sub_major) > p(&other));
}

#[test]
fn scores_are_deterministic_and_explained() {
    let w = world();
    let config = ScoringConfig::default();
    let s = scorer(w, &config);
    let mut a = Analyzers::new(&w.lexicon);
    let v = &w.vacancies[3];
    let first = rank_candidates(&s, &mut a, v, &w.profiles, Scope::Nationwide, 25);
    let reversed: Vec<_> = w.profiles.iter().rev().cloned().collect();
    let second = rank_candidates(&s, &mut a, v, &reversed, Scope::Nationwide, 25);
    assert_eq!(ids(&first), ids(&second));
    for r in &first {
        let sum: f64 = r.score.features.iter().map(|f| f.contribution).sum();
        assert!((sum - r.score.total).abs() < 1e-9);
        assert_eq!(r.score.features.len(), Feature::ALL.len());
        assert!(r.score.features.iter().all(|f| !f.reason.is_empty()));
        assert!((0.0..=1.0).contains(&r.score.total));
    }
    for pair in first.windows(2) {
        assert!(
            pair[0].score.total > pair[1].score.total
                || (pair[0].score.total == pair[1].score.total && pair[0].id < pair[1].id)
        );
    }

    // The configuration hash changes with the weights, and only with them.
    let mut other = ScoringConfig::default();
    assert_eq!(other.hash(), config.hash());
    other.weights.skills = 0.5;
    assert_ne!(other.hash(), config.hash());
}

fn keys(value: &serde_json::Value, out: &mut Vec<String>) {
    match value {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                out.push(k.clone());
                keys(v, out);
            }
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| keys(v, out)),
        _ => {}
    }
}

/// DESIGN.md invariant 3 for the match records the index stores: no key
/// names a protected attribute, and no name, contact detail or note of a
/// profile is in its record.
#[test]
fn match_records_hold_no_protected_attribute_or_contact_details() {
    use matcher::index::schema::protected_attribute;
    use matcher::records::{ProfileRecord, Record, VacancyRecord};
    let w = world();
    let mut a = Analyzers::new(&w.lexicon);
    let mut checked = 0;
    for p in w.profiles.iter().take(300) {
        let terms = a.profile_terms(&w.taxonomy, p);
        let record = Record::Profile(ProfileRecord::new(p, &w.taxonomy, &w.geography, &terms));
        let json = String::from_utf8(record.to_json()).unwrap();
        let mut names = Vec::new();
        keys(&serde_json::from_str(&json).unwrap(), &mut names);
        for k in &names {
            assert_eq!(protected_attribute(k), None, "record key {k:?}");
        }
        let c = &p.draft.contact;
        for secret in [
            Some(&c.full_name),
            c.email.as_ref(),
            c.phone.as_ref(),
            c.notes.as_ref(),
        ]
        .into_iter()
        .flatten()
        .filter(|s| s.len() > 3)
        {
            assert!(!json.contains(secret.as_str()), "{secret:?} in {json}");
        }
        assert!(!json.contains(&p.pseudonym));
        // The stored form reads back to the same record.
        let back = Record::from_json(json.as_bytes(), &w.geography).unwrap();
        assert_eq!(back, record);
        checked += 1;
    }
    for v in w.vacancies.iter().take(100) {
        let terms = a.vacancy_terms(&w.taxonomy, v);
        let record = Record::Vacancy(VacancyRecord::new(v, &w.taxonomy, &w.geography, &terms));
        let back = Record::from_json(&record.to_json(), &w.geography).unwrap();
        assert_eq!(back, record);
    }
    assert_eq!(checked, 300);
}
