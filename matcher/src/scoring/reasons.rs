//! The sentences of an explanation, in Finnish, Swedish and English.
//!
//! Scoring decides what to say as a [`Reason`] (numbers and names, no
//! words); each language renders every reason in one function, so that a
//! translator reads one table and a sentence cannot exist in one language
//! only. Finnish sentences never inflect a place name (that needs the
//! name's own locative, "Nokialla", "Helsingissä"): they name it after a
//! noun ("kotikunta Nokia", "maakuntaan Uusimaa") instead.

use crate::taxonomy::Lang;

/// Where the jobseeker lives: how a mobility sentence starts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Home<'a> {
    Municipality(&'a str),
    /// ISO 3166-1 alpha-2 country code.
    Abroad(&'a str),
    Unknown,
}

/// How the vacancy lies from the jobseeker's home.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Reach<'a> {
    Remote,
    WithinCommute {
        km: f64,
        commute_km: i32,
    },
    RelocateAnywhere,
    /// Willing to relocate to this region.
    RelocateTo(&'a str),
    BeyondCommute {
        km: f64,
        commute_km: i32,
    },
    /// No distance known: the sentence is the home alone.
    Unknown,
}

/// The closest level at which the vacancy's occupation meets one of the
/// candidate's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Proximity {
    SameOccupation,
    IscoUnitGroup,
    IscoMinorGroup,
    IscoSubMajorGroup,
    IscoMajorGroup,
    Unrelated,
}

/// What one sentence of an explanation says.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Reason<'a> {
    Mobility(Home<'a>, Reach<'a>),
    NoCodedSkills,
    Skills {
        matched: usize,
        required: usize,
        partial: usize,
        missing_essential: usize,
    },
    Occupation(Proximity),
    Experience {
        years: f64,
    },
    TitleTerms {
        found: usize,
        terms: usize,
    },
    NoLanguageRequirements,
    /// `share` of the language requirements met, in [0, 1].
    Languages {
        share: f64,
    },
    Licences {
        met: usize,
        wanted: usize,
    },
    LateStart {
        days: i64,
    },
    WorkTimeFits,
    /// How well the vacancy fits the desired occupations, in [0, 1].
    DesiredOccupation {
        fit: f64,
    },
}

impl Reason<'_> {
    /// The sentence in `lang`.
    pub(super) fn say(&self, lang: Lang) -> String {
        match lang {
            Lang::Fi => finnish(self),
            Lang::Sv => swedish(self),
            Lang::En => english(self),
        }
    }
}

fn percent(share: f64) -> f64 {
    share * 100.0
}

/// One decimal. Adding 0.0 turns -0.0 (what an empty sum of years is)
/// into 0.0.
fn one_decimal(x: f64) -> String {
    format!("{:.1}", x + 0.0)
}

/// One decimal with a decimal comma, as Finnish and Swedish write numbers.
fn decimal_comma(x: f64) -> String {
    one_decimal(x).replace('.', ",")
}

fn english(reason: &Reason) -> String {
    match *reason {
        Reason::Mobility(home, reach) => {
            let lives = match home {
                Home::Municipality(name) => format!("lives in {name}"),
                Home::Abroad(country) => format!("lives abroad ({country})"),
                Home::Unknown => "home municipality unknown".to_owned(),
            };
            match reach {
                Reach::Remote => format!("{lives}; fully remote work"),
                Reach::WithinCommute { km, commute_km } => {
                    format!("{lives}, {km:.0} km away, within the {commute_km} km commute")
                }
                Reach::RelocateAnywhere => {
                    format!("{lives}, willing to relocate anywhere in Finland")
                }
                Reach::RelocateTo(region) => format!("{lives}, willing to relocate to {region}"),
                Reach::BeyondCommute { km, commute_km } => {
                    format!("{lives}, {km:.0} km away, beyond the {commute_km} km commute")
                }
                Reach::Unknown => lives,
            }
        }
        Reason::NoCodedSkills => "the vacancy names no coded skills".to_owned(),
        Reason::Skills {
            matched,
            required,
            partial,
            missing_essential,
        } => format!(
            "{matched} of {required} required skills, {partial} partly; \
             {missing_essential} essential missing"
        ),
        Reason::Occupation(level) => match level {
            Proximity::SameOccupation => "same occupation",
            Proximity::IscoUnitGroup => "same ISCO unit group",
            Proximity::IscoMinorGroup => "same ISCO minor group",
            Proximity::IscoSubMajorGroup => "same ISCO sub-major group",
            Proximity::IscoMajorGroup => "same ISCO major group",
            Proximity::Unrelated => "unrelated occupation",
        }
        .to_owned(),
        Reason::Experience { years } => {
            format!("{} years of related experience", one_decimal(years))
        }
        Reason::TitleTerms { found, terms } => {
            format!("{found} of {terms} title terms in the candidate's titles")
        }
        Reason::NoLanguageRequirements => "no language requirements".to_owned(),
        Reason::Languages { share } => {
            format!("{:.0}% of language requirements met", percent(share))
        }
        Reason::Licences { met, wanted } => format!("{met} of {wanted} licences and certificates"),
        Reason::LateStart { days } => format!("available {days} days after the start"),
        Reason::WorkTimeFits => "work time and start date fit".to_owned(),
        Reason::DesiredOccupation { fit } => {
            format!("desired occupation fit {:.0}%", percent(fit))
        }
    }
}

/// Counts read as "label n/m" so that no noun agrees with a number.
fn finnish(reason: &Reason) -> String {
    match *reason {
        Reason::Mobility(home, reach) => {
            let home = match home {
                Home::Municipality(name) => format!("kotikunta {name}"),
                Home::Abroad(country) => format!("asuu ulkomailla ({country})"),
                Home::Unknown => "kotikunta ei tiedossa".to_owned(),
            };
            match reach {
                Reach::Remote => format!("{home}; työ tehdään kokonaan etänä"),
                Reach::WithinCommute { km, commute_km } => {
                    format!("{home}, etäisyys {km:.0} km, työmatkasäteen ({commute_km} km) sisällä")
                }
                Reach::RelocateAnywhere => {
                    format!("{home}, valmis muuttamaan minne tahansa Suomessa")
                }
                Reach::RelocateTo(region) => {
                    format!("{home}, valmis muuttamaan maakuntaan {region}")
                }
                Reach::BeyondCommute { km, commute_km } => format!(
                    "{home}, etäisyys {km:.0} km, työmatkasäteen ({commute_km} km) ulkopuolella"
                ),
                Reach::Unknown => home,
            }
        }
        Reason::NoCodedSkills => "ilmoituksessa ei ole luokiteltuja taitovaatimuksia".to_owned(),
        Reason::Skills {
            matched,
            required,
            partial,
            missing_essential,
        } => format!(
            "vaaditut taidot {matched}/{required}, osittain {partial}; \
             välttämättömiä puuttuu {missing_essential}"
        ),
        Reason::Occupation(level) => match level {
            Proximity::SameOccupation => "sama ammatti",
            Proximity::IscoUnitGroup => "sama ISCO-ammattiryhmä 4-numerotasolla",
            Proximity::IscoMinorGroup => "sama ISCO-ammattiryhmä 3-numerotasolla",
            Proximity::IscoSubMajorGroup => "sama ISCO-ammattiryhmä 2-numerotasolla",
            Proximity::IscoMajorGroup => "sama ISCO-ammattiryhmä 1-numerotasolla",
            Proximity::Unrelated => "ammatit eivät liity toisiinsa",
        }
        .to_owned(),
        Reason::Experience { years } => {
            format!(
                "{} vuotta alaan liittyvää työkokemusta",
                decimal_comma(years)
            )
        }
        Reason::TitleTerms { found, terms } => {
            format!("otsikon sanoista {found}/{terms} löytyy hakijan tehtävänimikkeistä")
        }
        Reason::NoLanguageRequirements => "ei kielitaitovaatimuksia".to_owned(),
        Reason::Languages { share } => {
            format!("kielitaitovaatimuksista täyttyy {:.0} %", percent(share))
        }
        Reason::Licences { met, wanted } => format!("kortit ja luvat {met}/{wanted}"),
        Reason::LateStart { days } => {
            let unit = if days == 1 { "päivä" } else { "päivää" };
            format!("käytettävissä vasta {days} {unit} aloituspäivän jälkeen")
        }
        Reason::WorkTimeFits => "työaika ja aloituspäivä sopivat".to_owned(),
        Reason::DesiredOccupation { fit } => {
            format!("toiveammatin vastaavuus {:.0} %", percent(fit))
        }
    }
}

fn swedish(reason: &Reason) -> String {
    match *reason {
        Reason::Mobility(home, reach) => {
            let lives = match home {
                Home::Municipality(name) => format!("bor i {name}"),
                Home::Abroad(country) => format!("bor utomlands ({country})"),
                Home::Unknown => "hemkommun okänd".to_owned(),
            };
            match reach {
                Reach::Remote => format!("{lives}; helt på distans"),
                Reach::WithinCommute { km, commute_km } => {
                    format!("{lives}, {km:.0} km bort, inom pendlingsavståndet {commute_km} km")
                }
                Reach::RelocateAnywhere => {
                    format!("{lives}, kan flytta vart som helst i Finland")
                }
                Reach::RelocateTo(region) => format!("{lives}, kan flytta till {region}"),
                Reach::BeyondCommute { km, commute_km } => {
                    format!("{lives}, {km:.0} km bort, utanför pendlingsavståndet {commute_km} km")
                }
                Reach::Unknown => lives,
            }
        }
        Reason::NoCodedSkills => "annonsen har inga klassificerade färdigheter".to_owned(),
        Reason::Skills {
            matched,
            required,
            partial,
            missing_essential,
        } => format!(
            "{matched} av {required} krävda färdigheter, {partial} delvis; \
             saknade nödvändiga: {missing_essential}"
        ),
        Reason::Occupation(level) => match level {
            Proximity::SameOccupation => "samma yrke",
            Proximity::IscoUnitGroup => "samma ISCO-yrkesgrupp på fyrsiffrig nivå",
            Proximity::IscoMinorGroup => "samma ISCO-yrkesgrupp på tresiffrig nivå",
            Proximity::IscoSubMajorGroup => "samma ISCO-yrkesgrupp på tvåsiffrig nivå",
            Proximity::IscoMajorGroup => "samma ISCO-yrkesgrupp på ensiffrig nivå",
            Proximity::Unrelated => "yrkena är inte besläktade",
        }
        .to_owned(),
        Reason::Experience { years } => {
            format!("{} års relevant arbetserfarenhet", decimal_comma(years))
        }
        Reason::TitleTerms { found, terms } => {
            format!("{found} av {terms} ord i annonsrubriken finns i sökandens befattningar")
        }
        Reason::NoLanguageRequirements => "inga språkkrav".to_owned(),
        Reason::Languages { share } => {
            format!("{:.0} % av språkkraven uppfylls", percent(share))
        }
        Reason::Licences { met, wanted } => {
            format!("{met} av {wanted} körkort och certifikat")
        }
        Reason::LateStart { days } => {
            let unit = if days == 1 { "dag" } else { "dagar" };
            format!("tillgänglig först {days} {unit} efter startdatumet")
        }
        Reason::WorkTimeFits => "arbetstid och startdatum passar".to_owned(),
        Reason::DesiredOccupation { fit } => {
            format!("överensstämmelse med önskat yrke {:.0} %", percent(fit))
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use chrono::NaiveDate;

    use super::*;
    use crate::domain::{
        ContactDetails, ContractType, JobseekerProfile, LanguageLevel, LanguageSkill, OrgId,
        ProfileDraft, ProfileId, ProfileStatus, Relocation, RemoteMode, RemotePreference,
        Requirement, SkillImportance, SkillRef, Vacancy, VacancyDraft, VacancyId, VacancySkill,
        VacancyStatus, Visibility, WorkExperience, WorkTime, WorkTimePreference,
    };
    use crate::geography::{Geography, Municipality, Region};
    use crate::scoring::{PairScore, Scorer, ScoringConfig, TextTerms, UniformTerms};
    use crate::taxonomy::{
        IscoGroup, Labels, Occupation, OccupationSkill, Skill, SkillRelationKind, Taxonomy,
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
        let reasons = |s: &PairScore| -> Vec<String> {
            s.features.iter().map(|f| f.reason.clone()).collect()
        };
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
}
