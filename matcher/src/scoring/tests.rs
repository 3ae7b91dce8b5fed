//! Tests of the scorer's explanations: each reason reads in Finnish,
//! Swedish and English. They sit beside `reasons` rather than inside it
//! because they score real pairs with the [`Scorer`] that uses `reasons`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::NaiveDate;

use super::reasons::{Home, Proximity, Reach, Reason};
use super::{PairScore, Scorer, ScoringConfig, UniformTerms};
use crate::domain::{
    ContactDetails, ContractType, JobseekerProfile, LanguageLevel, LanguageSkill, OrgId,
    ProfileDraft, ProfileId, ProfileStatus, Relocation, RemoteMode, RemotePreference, Requirement,
    SkillImportance, SkillRef, Vacancy, VacancyDraft, VacancyId, VacancySkill, VacancyStatus,
    Visibility, WorkExperience, WorkTime, WorkTimePreference,
};
use crate::geography::{Geography, Municipality, Region};
use crate::records::TextTerms;
use crate::taxonomy::{
    IscoGroup, Labels, Lang, Occupation, OccupationSkill, Skill, SkillRelationKind, Taxonomy,
};

/// English words that must not leak into a Finnish or Swedish sentence.
const ENGLISH: &[&str] = &[
    "lives",
    "within",
    "away",
    "commute",
    "beyond",
    "relocate",
    "willing",
    "anywhere",
    "abroad",
    "home",
    "unknown",
    "fully",
    "remote",
    "work",
    "skills",
    "required",
    "partly",
    "essential",
    "missing",
    "same",
    "occupation",
    "unrelated",
    "group",
    "years",
    "related",
    "experience",
    "title",
    "terms",
    "candidate",
    "language",
    "requirements",
    "met",
    "licences",
    "certificates",
    "available",
    "days",
    "after",
    "start",
    "date",
    "fit",
    "time",
    "desired",
    "the",
    "of",
    "and",
    "no",
    "vacancy",
    "names",
    "coded",
];

fn english_words(sentence: &str) -> Vec<String> {
    sentence
        .split(|c: char| !c.is_alphabetic())
        .map(str::to_lowercase)
        .filter(|w| ENGLISH.contains(&w.as_str()))
        .collect()
}

/// One sentence in fi, sv and en: none empty, each language its own
/// words, and no English in fi or sv.
fn check(what: &str, [fi, sv, en]: [&str; 3]) {
    for (lang, s) in [("fi", fi), ("sv", sv), ("en", en)] {
        assert!(!s.trim().is_empty(), "{what}: empty in {lang}");
    }
    assert!(
        fi != en && sv != en && fi != sv,
        "{what}: {fi:?} {sv:?} {en:?}"
    );
    for (lang, s) in [("fi", fi), ("sv", sv)] {
        let words = english_words(s);
        assert!(words.is_empty(), "{what} in {lang}: {s:?} has {words:?}");
    }
}

fn labels(en: &str, fi: &str, sv: &str) -> Labels {
    Labels {
        en: en.into(),
        fi: Some(fi.into()),
        sv: Some(sv.into()),
    }
}

fn taxonomy() -> Taxonomy {
    let group = |code: &str| IscoGroup {
        code: code.into(),
        labels: labels(code, code, code),
        parent: (code.len() > 1).then(|| code[..code.len() - 1].to_owned()),
    };
    let occupation = |uri: &str, isco: &str, l: Labels| Occupation {
        uri: uri.into(),
        esco_code: format!("{isco}.1"),
        isco_code: isco.into(),
        labels: l,
        alt_labels_en: vec![],
        alt_labels_fi: vec![],
        alt_labels_sv: vec![],
        description_en: String::new(),
        description_fi: String::new(),
        broader_uri: None,
    };
    let skill = |uri: &str, l: Labels| Skill {
        uri: uri.into(),
        labels: l,
        alt_labels_en: vec![],
        n_occupations_essential: 1,
        n_occupations_optional: 0,
    };
    let needs = |s: &str| OccupationSkill {
        occupation_uri: "o:nurse".into(),
        skill_uri: s.into(),
        kind: SkillRelationKind::Essential,
    };
    Taxonomy::new(
        "test".into(),
        ["2", "22", "222", "2221", "5", "53", "532", "5321"]
            .map(group)
            .into(),
        vec![
            occupation(
                "o:nurse",
                "2221",
                labels("nurse", "sairaanhoitaja", "sjuksköterska"),
            ),
            occupation(
                "o:carer",
                "5321",
                labels("carer", "lähihoitaja", "närvårdare"),
            ),
        ],
        vec![
            skill(
                "s:care",
                labels("patient care", "potilashoito", "patientvård"),
            ),
            skill(
                "s:triage",
                labels("triage", "hoidon tarpeen arviointi", "triage"),
            ),
            skill(
                "s:records",
                labels("records", "kirjaaminen", "journalföring"),
            ),
        ],
        vec![needs("s:care"), needs("s:triage")],
        vec![],
    )
    .unwrap()
}

fn geography() -> Geography {
    let municipality = |code: &str, fi: &str, sv: &str, lat: f64, lon: f64| Municipality {
        code: code.into(),
        name_fi: fi.into(),
        name_sv: sv.into(),
        name_en: fi.into(),
        region_code: if code == "091" { "01" } else { "06" }.into(),
        sub_region_code: "000".into(),
        sub_region_name_fi: fi.into(),
        ely_code: "01".into(),
        ely_abbr: "X".into(),
        population: 1000,
        lat,
        lon,
    };
    let region = |code: &str, fi: &str, sv: &str| Region {
        code: code.into(),
        name_fi: fi.into(),
        name_sv: sv.into(),
        name_en: fi.into(),
        population: 1000,
        lat: 61.0,
        lon: 24.0,
    };
    Geography::new(
        vec![
            municipality("837", "Tampere", "Tammerfors", 61.62353, 23.8881),
            municipality("536", "Nokia", "Nokia", 61.47, 23.50),
            municipality("091", "Helsinki", "Helsingfors", 60.21564, 25.01526),
        ],
        vec![
            region("06", "Pirkanmaa", "Birkaland"),
            region("01", "Uusimaa", "Nyland"),
        ],
    )
    .unwrap()
}

fn when() -> chrono::NaiveDateTime {
    NaiveDate::from_ymd_opt(2025, 1, 1)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap()
}

/// A nurse vacancy in Tampere with skills, language and licence
/// requirements and a start date.
fn vacancy() -> Vacancy {
    let skill = |uri: &str, importance| VacancySkill {
        skill: SkillRef {
            uri: Some(uri.into()),
            label: uri.into(),
        },
        importance,
    };
    Vacancy {
        id: VacancyId(1),
        version: 1,
        created_at: when(),
        updated_at: when(),
        draft: VacancyDraft {
            source: "test".into(),
            source_id: "1".into(),
            owner_org: OrgId(1),
            title: "Sairaanhoitaja".into(),
            description: String::new(),
            ad_language: "fi".into(),
            employer_name: None,
            occupation_uri: Some("o:nurse".into()),
            isco_code: None,
            industry_code: None,
            skills: vec![
                skill("s:care", SkillImportance::Essential),
                skill("s:triage", SkillImportance::Essential),
                skill("s:records", SkillImportance::NiceToHave),
            ],
            municipality_code: Some("837".into()),
            lat: None,
            lon: None,
            remote: RemoteMode::None,
            work_time: WorkTime::FullTime,
            contract_type: ContractType::Permanent,
            positions: 1,
            salary_min_eur: None,
            salary_max_eur: None,
            languages: vec![Requirement {
                value: LanguageSkill {
                    language: "fi".into(),
                    level: LanguageLevel::B2,
                },
                hard: false,
            }],
            licences: vec![Requirement {
                value: "B".into(),
                hard: false,
            }],
            certificates: vec![],
            start_date: NaiveDate::from_ymd_opt(2025, 3, 1),
            expires_at: None,
            visibility: Visibility::Public,
            shared_with: vec![],
            status: VacancyStatus::Open,
        },
    }
}

/// A carer living in Nokia who wants to be a nurse, available two weeks
/// after the vacancy starts.
fn profile() -> JobseekerProfile {
    JobseekerProfile {
        id: ProfileId(1),
        pseudonym: "p1".into(),
        version: 1,
        created_at: when(),
        updated_at: when(),
        source: None,
        source_id: None,
        draft: ProfileDraft {
            managing_org: OrgId(1),
            contact: ContactDetails::default(),
            home_municipality_code: Some("536".into()),
            abroad_country: None,
            max_commute_km: 40,
            relocation: Relocation::None,
            relocation_regions: vec![],
            remote_preference: RemotePreference::Any,
            desired_occupations: vec!["o:nurse".into()],
            work_history: vec![WorkExperience {
                occupation_uri: Some("o:carer".into()),
                title: "lähihoitaja".into(),
                years: 3.5,
            }],
            skills: vec![SkillRef {
                uri: Some("s:care".into()),
                label: "potilashoito".into(),
            }],
            education_level: None,
            education_field: None,
            languages: vec![LanguageSkill {
                language: "fi".into(),
                level: LanguageLevel::Native,
            }],
            licences: vec!["B".into()],
            certificates: vec![],
            work_time_preference: WorkTimePreference::Any,
            available_from: NaiveDate::from_ymd_opt(2025, 3, 15),
            consent_agencies: false,
            consent_expires_at: None,
            status: ProfileStatus::Active,
            last_active_at: when(),
        },
    }
}

#[test]
fn a_pair_is_explained_in_finnish_swedish_and_english() {
    let (tax, geo, config) = (taxonomy(), geography(), ScoringConfig::default());
    let explain = |v: &Vacancy, p: &JobseekerProfile, lang| -> PairScore {
        let scorer = Scorer {
            taxonomy: &tax,
            geography: &geo,
            config: &config,
            terms: &UniformTerms,
            lang,
        };
        let terms = TextTerms::new(["sairaanhoitaja".to_owned()]);
        scorer.score(v, p, &terms, &TextTerms::default())
    };
    // One pair per mobility sentence; the last without any requirement.
    let pairs: Vec<(&str, Vacancy, JobseekerProfile)> = vec![
        ("within the commute", vacancy(), profile()),
        ("beyond the commute", vacancy(), {
            let mut p = profile();
            p.draft.home_municipality_code = Some("091".into());
            p
        }),
        ("relocating to a region", vacancy(), {
            let mut p = profile();
            p.draft.home_municipality_code = Some("091".into());
            p.draft.relocation = Relocation::Regions;
            p.draft.relocation_regions = vec!["06".into()];
            p
        }),
        ("abroad, relocating anywhere", vacancy(), {
            let mut p = profile();
            p.draft.home_municipality_code = None;
            p.draft.abroad_country = Some("EE".into());
            p.draft.relocation = Relocation::Nationwide;
            p
        }),
        (
            "fully remote",
            {
                let mut v = vacancy();
                v.draft.remote = RemoteMode::Full;
                v
            },
            profile(),
        ),
        (
            "home unknown, no requirements",
            {
                let mut v = vacancy();
                v.draft.skills.clear();
                v.draft.occupation_uri = None;
                v.draft.languages.clear();
                v.draft.licences.clear();
                v
            },
            {
                let mut p = profile();
                p.draft.home_municipality_code = None;
                p.draft.available_from = None;
                p
            },
        ),
    ];
    for (what, v, p) in &pairs {
        let [fi, sv, en] = [Lang::Fi, Lang::Sv, Lang::En].map(|lang| explain(v, p, lang));
        assert_eq!(fi.total, en.total, "{what}: the language changes no number");
        assert_eq!(sv.mobility.distance_km, en.mobility.distance_km);
        check(
            &format!("{what}: mobility"),
            [
                &fi.mobility.reason,
                &sv.mobility.reason,
                &en.mobility.reason,
            ],
        );
        for ((f, s), e) in fi.features.iter().zip(&sv.features).zip(&en.features) {
            check(
                &format!("{what}: {:?}", e.feature),
                [&f.reason, &s.reason, &e.reason],
            );
        }
    }

    // The sentences of the first pair, word for word: English as it has
    // always read, place names in each language's own form.
    let (_, v, p) = &pairs[0];
    let [fi, sv, en] = [Lang::Fi, Lang::Sv, Lang::En].map(|lang| explain(v, p, lang));
    let km = en.mobility.distance_km.unwrap();
    assert!((10.0..30.0).contains(&km), "{km}");
    assert_eq!(
        en.mobility.reason,
        format!("lives in Nokia, {km:.0} km away, within the 40 km commute")
    );
    assert_eq!(
        fi.mobility.reason,
        format!("kotikunta Nokia, etäisyys {km:.0} km, työmatkasäteen (40 km) sisällä")
    );
    assert_eq!(
        sv.mobility.reason,
        format!("bor i Nokia, {km:.0} km bort, inom pendlingsavståndet 40 km")
    );
    let reasons =
        |s: &PairScore| -> Vec<String> { s.features.iter().map(|f| f.reason.clone()).collect() };
    assert_eq!(
        reasons(&en)[..3],
        [
            "1 of 3 required skills, 0 partly; 1 essential missing",
            "same occupation",
            "0.0 years of related experience",
        ]
    );
    assert_eq!(
        reasons(&fi)[..3],
        [
            "vaaditut taidot 1/3, osittain 0; välttämättömiä puuttuu 1",
            "sama ammatti",
            "0,0 vuotta alaan liittyvää työkokemusta",
        ]
    );
    assert_eq!(
        reasons(&sv)[6],
        "tillgänglig först 14 dagar efter startdatumet"
    );
    assert_eq!(en.matched_skills, ["patient care"]);
    assert_eq!(sv.matched_skills, ["patientvård"]);
}

#[test]
fn every_sentence_reads_in_each_language() {
    let mut reasons = vec![
        Reason::NoCodedSkills,
        Reason::Skills {
            matched: 2,
            required: 5,
            partial: 1,
            missing_essential: 1,
        },
        Reason::Experience { years: 1.5 },
        Reason::Experience { years: -0.0 },
        Reason::TitleTerms { found: 1, terms: 2 },
        Reason::NoLanguageRequirements,
        Reason::Languages { share: 0.5 },
        Reason::Licences { met: 1, wanted: 2 },
        Reason::LateStart { days: 1 },
        Reason::LateStart { days: 30 },
        Reason::WorkTimeFits,
        Reason::DesiredOccupation { fit: 0.75 },
    ];
    reasons.extend(
        [
            Proximity::SameOccupation,
            Proximity::IscoUnitGroup,
            Proximity::IscoMinorGroup,
            Proximity::IscoSubMajorGroup,
            Proximity::IscoMajorGroup,
            Proximity::Unrelated,
        ]
        .map(Reason::Occupation),
    );
    for home in [
        Home::Municipality("Nokia"),
        Home::Abroad("EE"),
        Home::Unknown,
    ] {
        for reach in [
            Reach::Remote,
            Reach::WithinCommute {
                km: 25.0,
                commute_km: 40,
            },
            Reach::RelocateAnywhere,
            Reach::RelocateTo("Pirkanmaa"),
            Reach::BeyondCommute {
                km: 180.0,
                commute_km: 40,
            },
            Reach::Unknown,
        ] {
            reasons.push(Reason::Mobility(home, reach));
        }
    }
    for r in &reasons {
        let [fi, sv, en] = [Lang::Fi, Lang::Sv, Lang::En].map(|lang| r.say(lang));
        check(&format!("{r:?}"), [&fi, &sv, &en]);
    }
    assert_eq!(
        Reason::Mobility(
            Home::Municipality("Nokia"),
            Reach::WithinCommute {
                km: 25.0,
                commute_km: 40
            }
        )
        .say(Lang::En),
        "lives in Nokia, 25 km away, within the 40 km commute"
    );
    assert_eq!(
        Reason::LateStart { days: 1 }.say(Lang::Fi),
        "käytettävissä vasta 1 päivä aloituspäivän jälkeen"
    );
}
