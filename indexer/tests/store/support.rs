//! Test data builders; the test databases themselves come from
//! `indexer::testkit`.

use chrono::NaiveDate;
pub use indexer::testkit::TestDb;
use matcher::domain::*;

pub fn ts(y: i32, m: u32, d: u32) -> chrono::NaiveDateTime {
    NaiveDate::from_ymd_opt(y, m, d)
        .unwrap()
        .and_hms_opt(9, 30, 0)
        .unwrap()
}

pub fn vacancy_draft(owner: OrgId, source_id: &str) -> VacancyDraft {
    VacancyDraft {
        source: "test".into(),
        source_id: source_id.into(),
        owner_org: owner,
        title: "Sairaanhoitaja, sisätautien osasto".into(),
        description: "Etsimme sairaanhoitajaa vakituiseen työsuhteeseen.".into(),
        ad_language: "fi".into(),
        employer_name: Some("Pirkanmaan hyvinvointialue".into()),
        occupation_uri: Some("http://data.europa.eu/esco/occupation/example-nurse".into()),
        isco_code: Some("2221".into()),
        industry_code: Some("86".into()),
        skills: vec![
            VacancySkill {
                skill: SkillRef {
                    uri: Some("http://data.europa.eu/esco/skill/a".into()),
                    label: "administer medication".into(),
                },
                importance: SkillImportance::Essential,
            },
            VacancySkill {
                skill: SkillRef {
                    uri: None,
                    label: "Lifecare-potilastietojärjestelmä".into(),
                },
                importance: SkillImportance::NiceToHave,
            },
        ],
        municipality_code: Some("837".into()),
        lat: None,
        lon: None,
        remote: RemoteMode::None,
        work_time: WorkTime::FullTime,
        contract_type: ContractType::Permanent,
        positions: 2,
        salary_min_eur: Some(2900),
        salary_max_eur: Some(3500),
        languages: vec![
            Requirement {
                value: LanguageSkill {
                    language: "fi".into(),
                    level: LanguageLevel::C1,
                },
                hard: true,
            },
            Requirement {
                value: LanguageSkill {
                    language: "sv".into(),
                    level: LanguageLevel::A2,
                },
                hard: false,
            },
        ],
        licences: vec![Requirement {
            value: "B".into(),
            hard: false,
        }],
        certificates: vec![Requirement {
            value: "Lääkehoitopassi".into(),
            hard: true,
        }],
        start_date: Some(NaiveDate::from_ymd_opt(2027, 1, 1).unwrap()),
        expires_at: Some(ts(2026, 12, 31)),
        visibility: Visibility::Public,
        shared_with: vec![],
        status: VacancyStatus::Open,
    }
}

pub fn profile_draft(office: OrgId) -> ProfileDraft {
    ProfileDraft {
        managing_org: office,
        contact: ContactDetails {
            full_name: "Aino Virtanen".into(),
            email: Some("aino.virtanen@example.fi".into()),
            phone: Some("+358 40 123 4567".into()),
            notes: Some("Prefers morning shifts.".into()),
        },
        home_municipality_code: Some("297".into()),
        abroad_country: None,
        max_commute_km: 40,
        relocation: Relocation::Regions,
        relocation_regions: vec!["01".into(), "06".into()],
        remote_preference: RemotePreference::Any,
        desired_occupations: vec!["http://data.europa.eu/esco/occupation/example-nurse".into()],
        work_history: vec![WorkExperience {
            occupation_uri: Some("http://data.europa.eu/esco/occupation/example-nurse".into()),
            title: "Sairaanhoitaja".into(),
            years: 4.5,
        }],
        skills: vec![
            SkillRef {
                uri: Some("http://data.europa.eu/esco/skill/a".into()),
                label: "administer medication".into(),
            },
            SkillRef {
                uri: None,
                label: "Lifecare".into(),
            },
        ],
        education_level: Some(6),
        education_field: Some("09".into()),
        languages: vec![
            LanguageSkill {
                language: "en".into(),
                level: LanguageLevel::B2,
            },
            LanguageSkill {
                language: "fi".into(),
                level: LanguageLevel::Native,
            },
        ],
        licences: vec!["B".into()],
        certificates: vec!["Lääkehoitopassi".into()],
        work_time_preference: WorkTimePreference::FullTime,
        available_from: Some(NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()),
        consent_agencies: true,
        consent_expires_at: Some(ts(2027, 6, 30)),
        status: ProfileStatus::Active,
        last_active_at: ts(2026, 11, 20),
    }
}
