//! Test databases: a SQLite file in a temporary directory, or a fresh schema
//! in the PostgreSQL named by `KOHTAANTO_TEST_DATABASE_URL`.

use chrono::NaiveDate;
use diesel::connection::SimpleConnection;
use indexer::store::{DatabaseUrl, Store};
use matcher::domain::*;

pub struct TestDb {
    pub store: Store,
    pub url: String,
    _dir: Option<tempfile::TempDir>,
    pg_cleanup: Option<(String, String)>,
}

impl TestDb {
    pub fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().unwrap();
        let url = dir.path().join("store.db").to_string_lossy().into_owned();
        let store = Store::open(&url).unwrap();
        TestDb {
            store,
            url,
            _dir: Some(dir),
            pg_cleanup: None,
        }
    }

    pub fn postgres() -> Option<TestDb> {
        let base = std::env::var("KOHTAANTO_TEST_DATABASE_URL").ok()?;
        let mut bytes = [0u8; 6];
        getrandom::fill(&mut bytes).unwrap();
        let schema = format!("t_{}", hex::encode(bytes));
        let mut admin = DatabaseUrl::parse(&base).unwrap().connect().unwrap();
        admin
            .batch_execute(&format!("CREATE SCHEMA {schema}"))
            .unwrap();
        let sep = if base.contains('?') { '&' } else { '?' };
        let url = format!("{base}{sep}options=-csearch_path%3D{schema}");
        let store = Store::open(&url).unwrap();
        Some(TestDb {
            store,
            url,
            _dir: None,
            pg_cleanup: Some((base, schema)),
        })
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some((base, schema)) = &self.pg_cleanup {
            if let Ok(mut admin) = DatabaseUrl::parse(base).unwrap().connect() {
                let _ = admin.batch_execute(&format!("DROP SCHEMA {schema} CASCADE"));
            }
        }
    }
}

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
