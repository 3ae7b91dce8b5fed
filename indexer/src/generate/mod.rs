//! Realistic synthetic populations for the demo and for scale tests.
//!
//! Occupations are drawn from the real distribution of unemployed jobseekers
//! (profiles) and open vacancies (vacancies) per ISCO unit group, home and
//! workplace municipalities from the real per-municipality counts; skills come
//! from each ESCO occupation's essential and optional skills with noise.
//! Everything is deterministic for a seed and a reference date: item `i` is
//! drawn from its own random stream, so batches can be produced in any order.

pub mod history;
pub mod labour;
pub mod outreach;
pub mod rng;
pub mod snapshots;

use std::collections::BTreeSet;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use chrono::{Days, NaiveDate, NaiveDateTime};
use matcher::domain::*;
use matcher::geography::Geography;
use matcher::taxonomy::{Lang, OccupationIdx, SkillRelationKind, Taxonomy};

use crate::store::{orgs, profiles, vacancies, Store, StoreError};
pub use labour::LabourMarket;
use rng::{DemoRng, WeightedIndex};

/// What to generate.
#[derive(Debug, Clone)]
pub struct PopulationSpec {
    pub profiles: usize,
    pub vacancies: usize,
    pub seed: u64,
    /// Dates (availability, expiry, last activity) are relative to this day.
    pub reference_date: NaiveDate,
}

impl PopulationSpec {
    /// A population whose dates are relative to today (UTC).
    pub fn today(profiles: usize, vacancies: usize, seed: u64) -> PopulationSpec {
        PopulationSpec {
            profiles,
            vacancies,
            seed,
            reference_date: chrono::Utc::now().date_naive(),
        }
    }
}

/// The organizations a demo population belongs to.
#[derive(Debug, Clone)]
pub struct DemoOrgs {
    /// One employment office per region: (region code, org).
    pub offices: Vec<(String, OrgId)>,
    pub agencies: Vec<OrgId>,
    pub employers: Vec<(OrgId, String)>,
    pub ministry: OrgId,
    pub operator: OrgId,
}

impl DemoOrgs {
    /// One organization of each role, for demo tokens.
    pub fn for_role(&self, role: Role) -> Option<OrgId> {
        match role {
            Role::Adviser => self
                .offices
                .iter()
                .find(|(r, _)| r == "01")
                .or(self.offices.first())
                .map(|o| o.1),
            Role::Recruiter => self.agencies.first().copied(),
            Role::Employer => self.employers.first().map(|e| e.0),
            Role::Analyst => Some(self.ministry),
            Role::Admin => Some(self.operator),
        }
    }
}

const AGENCIES: &[(&str, &str)] = &[
    ("Henkilöstöpalvelu Kohtaus Oy", "091"),
    ("Rekrytointitalo Aalto Oy", "837"),
    ("Bemanning Norden Ab", "499"),
    ("Työvoimapalvelu Pohjola Oy", "564"),
];

/// Demo employers: name, home municipality, TOL 2008 division.
const EMPLOYERS: &[(&str, &str, &str)] = &[
    ("Ohjelmistotalo Revontuli Oy", "091", "62"),
    ("Konepaja Virta Oy", "837", "28"),
    ("Rakennus Kallio Oy", "049", "41"),
    ("Kauppa Sampo Oy", "853", "47"),
    ("Logistiikka Pohjola Oy", "092", "49"),
    ("Ravintola Lumo Oy", "091", "56"),
    ("Metsä Kaski Oy", "179", "02"),
    ("Hoivakoti Aurinkorinne Oy", "297", "87"),
    ("Sähkö Tuli Oy", "564", "43"),
    ("Siivous Puhdas Oy", "091", "81"),
    ("Elintarvike Vilja Oy", "905", "10"),
    ("Kiinteistöhuolto Kotiranta Oy", "398", "68"),
    ("Telakka Meri Oy", "853", "30"),
    ("Opetus Tieto Oy", "179", "85"),
    ("Tilitoimisto Luku Oy", "091", "69"),
    ("Kuljetus Maantie Oy", "167", "49"),
    ("Österbottens Trä Ab", "905", "16"),
    ("Lapin Matkailu Oy", "698", "55"),
    ("Kainuun Kaivos Oy", "205", "07"),
    ("Pirkanmaan Hyvinvointipalvelut Oy", "837", "86"),
];

/// Client employers named on agencies' vacancies.
const AGENCY_CLIENTS: &[&str] = &[
    "Asiakasyritys Oy",
    "Teknologiayhtiö Nova Oy",
    "Tukkukauppa Laatu Oy",
    "Varastopalvelu Oy",
];

/// A valid Y-tunnus for demo organization `n`.
fn business_id(n: u32) -> String {
    let weights = [7u32, 9, 10, 5, 8, 4, 2];
    let mut base = 3_100_000 + n * 37;
    loop {
        let digits: Vec<u32> = format!("{base:07}")
            .bytes()
            .map(|b| u32::from(b - b'0'))
            .collect();
        let sum: u32 = digits.iter().zip(weights).map(|(d, w)| d * w).sum();
        match sum % 11 {
            1 => base += 1,
            0 => return format!("{base:07}-0"),
            r => return format!("{base:07}-{}", 11 - r),
        }
    }
}

/// Create the demo organizations unless they exist (matched by name).
pub fn ensure_demo_orgs(store: &Store, geography: &Geography) -> Result<DemoOrgs, StoreError> {
    store.write(|conn| {
        let existing = orgs::list_orgs(conn)?;
        let mut n = 0u32;
        let mut get = |conn: &mut crate::store::DbConnection,
                       kind: OrgKind,
                       name: &str,
                       municipality: Option<&str>,
                       with_bid: bool|
         -> Result<OrgId, StoreError> {
            n += 1;
            if let Some(o) = existing.iter().find(|o| o.name == name && o.kind == kind) {
                return Ok(o.id);
            }
            let bid = with_bid.then(|| business_id(n));
            Ok(orgs::create_org(conn, kind, name, bid.as_deref(), municipality)?.id)
        };
        let mut offices = Vec::new();
        for region in geography.regions() {
            let seat = geography
                .municipalities_of_region(&region.code)
                .max_by_key(|m| m.population)
                .map(|m| m.code.clone());
            let name = format!("Työllisyysalue {} ({})", region.name_fi, region.name_sv);
            offices.push((
                region.code.clone(),
                get(
                    conn,
                    OrgKind::EmploymentOffice,
                    &name,
                    seat.as_deref(),
                    false,
                )?,
            ));
        }
        let mut agencies = Vec::new();
        for (name, muni) in AGENCIES {
            agencies.push(get(conn, OrgKind::Agency, name, Some(muni), true)?);
        }
        let mut employers = Vec::new();
        for (name, muni, _) in EMPLOYERS {
            employers.push((
                get(conn, OrgKind::Employer, name, Some(muni), true)?,
                (*name).to_owned(),
            ));
        }
        let ministry = get(
            conn,
            OrgKind::Ministry,
            "Työ- ja elinkeinoministeriö",
            Some("091"),
            false,
        )?;
        let operator = get(
            conn,
            OrgKind::Operator,
            "Kohtaanto-palvelun ylläpito",
            Some("091"),
            false,
        )?;
        Ok(DemoOrgs {
            offices,
            agencies,
            employers,
            ministry,
            operator,
        })
    })
}

/// Draws profiles and vacancies.
pub struct PopulationGenerator<'a> {
    taxonomy: &'a Taxonomy,
    geography: &'a Geography,
    orgs: DemoOrgs,
    seed: u64,
    today: NaiveDate,
    /// ISCO unit groups that have ESCO occupations with skills, and weights.
    profile_groups: (Vec<String>, WeightedIndex),
    vacancy_groups: (Vec<String>, WeightedIndex),
    profile_places: (Vec<String>, WeightedIndex),
    vacancy_places: (Vec<String>, WeightedIndex),
    /// Skills that are essential somewhere, for noise.
    common_skills: Vec<matcher::taxonomy::SkillIdx>,
}

impl std::fmt::Debug for PopulationGenerator<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PopulationGenerator")
            .field("seed", &self.seed)
            .finish()
    }
}

/// Why a population cannot be generated.
#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    #[error("the labour statistics name no occupation group that the taxonomy has")]
    NoOccupations,
    #[error("the labour statistics name no municipality that the geography has")]
    NoMunicipalities,
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Source(#[from] crate::sources::SourceError),
    #[error(transparent)]
    Index(#[from] crate::index::IndexError),
    #[error(transparent)]
    Match(#[from] crate::matching::MatchError),
}

const STREAM_PROFILE: u64 = 1;
const STREAM_VACANCY: u64 = 2;

impl<'a> PopulationGenerator<'a> {
    pub fn new(
        taxonomy: &'a Taxonomy,
        geography: &'a Geography,
        market: &LabourMarket,
        orgs: DemoOrgs,
        seed: u64,
        today: NaiveDate,
    ) -> Result<PopulationGenerator<'a>, GenerateError> {
        let usable = |code: &str| {
            taxonomy
                .occupations_in_isco(code)
                .iter()
                .any(|&o| !taxonomy.skills_of(o).is_empty())
        };
        let groups: Vec<(&String, &(f64, f64))> = market
            .by_occupation
            .iter()
            .filter(|(code, _)| usable(code))
            .collect();
        let codes: Vec<String> = groups.iter().map(|(c, _)| (*c).clone()).collect();
        let profile_w = WeightedIndex::new(groups.iter().map(|(_, w)| w.0))
            .ok_or(GenerateError::NoOccupations)?;
        let vacancy_w = WeightedIndex::new(groups.iter().map(|(_, w)| w.1))
            .ok_or(GenerateError::NoOccupations)?;
        let places: Vec<(&String, &(f64, f64))> = market
            .by_municipality
            .iter()
            .filter(|(code, _)| geography.municipality(code).is_some())
            .collect();
        let place_codes: Vec<String> = places.iter().map(|(c, _)| (*c).clone()).collect();
        // Municipalities without a single recorded vacancy still get a few,
        // weighted by jobseekers, so the map has no holes.
        let profile_pw = WeightedIndex::new(places.iter().map(|(_, w)| w.0))
            .ok_or(GenerateError::NoMunicipalities)?;
        let vacancy_pw = WeightedIndex::new(places.iter().map(|(_, w)| w.1 + 0.02 * w.0))
            .ok_or(GenerateError::NoMunicipalities)?;
        let common_skills = taxonomy
            .skills()
            .filter(|(_, s)| s.n_occupations_essential >= 20)
            .map(|(i, _)| i)
            .collect();
        Ok(PopulationGenerator {
            taxonomy,
            geography,
            orgs,
            seed,
            today,
            profile_groups: (codes.clone(), profile_w),
            vacancy_groups: (codes, vacancy_w),
            profile_places: (place_codes.clone(), profile_pw),
            vacancy_places: (place_codes, vacancy_pw),
            common_skills,
        })
    }

    pub fn orgs(&self) -> &DemoOrgs {
        &self.orgs
    }

    fn occupation(
        &self,
        rng: &mut DemoRng,
        groups: &(Vec<String>, WeightedIndex),
    ) -> OccupationIdx {
        let code = &groups.0[groups.1.sample(rng)];
        let candidates: Vec<OccupationIdx> = self
            .taxonomy
            .occupations_in_isco(code)
            .iter()
            .copied()
            .filter(|&o| !self.taxonomy.skills_of(o).is_empty())
            .collect();
        *rng.pick(&candidates)
    }

    fn at(&self, days: i64) -> NaiveDate {
        if days >= 0 {
            self.today
                .checked_add_days(Days::new(days as u64))
                .unwrap_or(self.today)
        } else {
            self.today
                .checked_sub_days(Days::new(days.unsigned_abs()))
                .unwrap_or(self.today)
        }
    }

    fn time(&self, days: i64) -> NaiveDateTime {
        self.at(days).and_time(chrono::NaiveTime::MIN)
    }

    fn skill_ref(&self, idx: matcher::taxonomy::SkillIdx, lang: Lang) -> SkillRef {
        let s = self.taxonomy.skill(idx);
        SkillRef {
            uri: Some(s.uri.clone()),
            label: s.labels.get(lang).to_owned(),
        }
    }

    /// Profile number `i` of this seed: its pseudonym and content.
    pub fn profile(&self, i: u64) -> (String, ProfileDraft) {
        let mut rng = DemoRng::fork(self.seed, STREAM_PROFILE, i);
        let tax = self.taxonomy;
        let occupation = self.occupation(&mut rng, &self.profile_groups);
        let occ = tax.occupation(occupation);
        let abroad = rng.chance(0.012);
        let home = if abroad {
            None
        } else {
            Some(self.profile_places.0[self.profile_places.1.sample(&mut rng)].clone())
        };
        let region = home
            .as_deref()
            .and_then(|c| self.geography.region_of(c))
            .map(|r| r.code.clone());
        let swedish = match region.as_deref() {
            Some("21") => 0.95,
            Some("15") => 0.45,
            Some("01") | Some("02") => 0.07,
            _ => 0.02,
        };
        let swedish_speaker = rng.chance(swedish);

        // Skills: most essential skills of the occupation, some optional ones,
        // a little noise from elsewhere.
        let mut skills = BTreeSet::new();
        for &(skill, kind) in tax.skills_of(occupation) {
            let p = match kind {
                SkillRelationKind::Essential => 0.7,
                SkillRelationKind::Optional => 0.15,
            };
            if rng.chance(p) {
                skills.insert(skill);
            }
        }
        for _ in 0..rng.below(3) {
            skills.insert(*rng.pick(&self.common_skills));
        }
        let lang = if swedish_speaker { Lang::Sv } else { Lang::Fi };
        let mut skills: Vec<SkillRef> = skills
            .into_iter()
            .take(40)
            .map(|s| self.skill_ref(s, lang))
            .collect();
        if rng.chance(0.05) {
            skills.push(SkillRef {
                uri: None,
                label: "SAP".into(),
            });
        }

        // Work history: the main occupation, sometimes a neighbour in the
        // same ISCO minor group before it.
        let years = (rng.unit() * rng.unit() * 25.0 * 2.0).round() / 2.0;
        let mut work_history = vec![WorkExperience {
            occupation_uri: Some(occ.uri.clone()),
            title: occ.labels.get(lang).to_owned(),
            years: years.max(0.5),
        }];
        let minor = &occ.isco_code[..3];
        let neighbours = tax.occupations_in_isco(minor);
        let mut desired = vec![occ.uri.clone()];
        if rng.chance(0.35) && !neighbours.is_empty() {
            let other = tax.occupation(*rng.pick(neighbours));
            if other.uri != occ.uri {
                work_history.push(WorkExperience {
                    occupation_uri: Some(other.uri.clone()),
                    title: other.labels.get(lang).to_owned(),
                    years: (rng.range(1, 12) as f64) / 2.0,
                });
                if rng.chance(0.5) {
                    desired.push(other.uri.clone());
                }
            }
        }

        let mut languages = Vec::new();
        if abroad {
            languages.push(LanguageSkill {
                language: "en".into(),
                level: *rng.pick(&[LanguageLevel::B2, LanguageLevel::C1, LanguageLevel::C2]),
            });
            if rng.chance(0.3) {
                languages.push(LanguageSkill {
                    language: "fi".into(),
                    level: LanguageLevel::A1,
                });
            }
        } else {
            let (first, second) = if swedish_speaker {
                ("sv", "fi")
            } else {
                ("fi", "sv")
            };
            languages.push(LanguageSkill {
                language: first.into(),
                level: LanguageLevel::Native,
            });
            if rng.chance(if swedish_speaker { 0.8 } else { 0.45 }) {
                languages.push(LanguageSkill {
                    language: second.into(),
                    level: *rng.pick(&[
                        LanguageLevel::A2,
                        LanguageLevel::B1,
                        LanguageLevel::B2,
                        LanguageLevel::C1,
                    ]),
                });
            }
            if rng.chance(0.7) {
                languages.push(LanguageSkill {
                    language: "en".into(),
                    level: *rng.pick(&[
                        LanguageLevel::A2,
                        LanguageLevel::B1,
                        LanguageLevel::B2,
                        LanguageLevel::C1,
                    ]),
                });
            }
        }
        if rng.chance(0.04) {
            languages.push(LanguageSkill {
                language: (*rng.pick(&["ru", "et", "ar", "so", "de"])).into(),
                level: LanguageLevel::B2,
            });
        }
        languages.sort_by(|a, b| a.language.cmp(&b.language));
        languages.dedup_by(|a, b| a.language == b.language);

        let mut licences = Vec::new();
        if rng.chance(0.72) {
            licences.push("B".to_owned());
        }
        if occ.isco_code.starts_with("83") && rng.chance(0.8) {
            licences.push("C".to_owned());
            if rng.chance(0.6) {
                licences.push("CE".to_owned());
            }
        }
        licences.sort();
        let mut certificates: Vec<String> = certificates_for(&occ.isco_code)
            .iter()
            .filter(|_| rng.chance(0.6))
            .map(|c| (*c).to_owned())
            .collect();
        if rng.chance(0.25) {
            certificates.push("Ensiapukortti EA1".into());
        }
        certificates.sort();
        certificates.dedup();

        let (relocation, relocation_regions) = if abroad || rng.chance(0.1) {
            (Relocation::Nationwide, Vec::new())
        } else if rng.chance(0.17) {
            let mut regions = BTreeSet::new();
            regions.insert(if rng.chance(0.5) {
                "01".to_owned()
            } else {
                "06".to_owned()
            });
            if rng.chance(0.5) {
                regions.insert(
                    rng.pick(
                        &self
                            .geography
                            .regions()
                            .map(|r| r.code.clone())
                            .collect::<Vec<_>>(),
                    )
                    .clone(),
                );
            }
            if let Some(own) = &region {
                regions.remove(own);
            }
            if regions.is_empty() {
                (Relocation::None, Vec::new())
            } else {
                (Relocation::Regions, regions.into_iter().collect())
            }
        } else {
            (Relocation::None, Vec::new())
        };

        let office = region
            .as_deref()
            .and_then(|r| self.orgs.offices.iter().find(|(code, _)| code == r))
            .or(self.orgs.offices.first())
            .map(|o| o.1)
            .unwrap_or(self.orgs.operator);
        let (first_name, last_name) = person_name(&mut rng, swedish_speaker);
        let draft = ProfileDraft {
            managing_org: office,
            contact: ContactDetails {
                full_name: format!("{first_name} {last_name}"),
                email: Some(format!(
                    "{}.{}{}@example.fi",
                    ascii(first_name),
                    ascii(last_name),
                    i
                )),
                phone: Some(format!(
                    "+358 4{} {:03} {:04}",
                    rng.below(10),
                    rng.below(1000),
                    rng.below(10_000)
                )),
                notes: rng
                    .chance(0.2)
                    .then(|| "Asiakas toivoo yhteydenottoa sähköpostitse.".to_owned()),
            },
            home_municipality_code: home,
            abroad_country: abroad.then(|| {
                (*rng.pick(&["SE", "EE", "ES", "DE", "IN", "PH", "UA", "VN", "PT"])).to_owned()
            }),
            max_commute_km: [10, 20, 30, 30, 40, 50, 60, 80][rng.below(8)],
            relocation,
            relocation_regions,
            remote_preference: *rng.pick(&[
                RemotePreference::Any,
                RemotePreference::Any,
                RemotePreference::Onsite,
                RemotePreference::Hybrid,
                RemotePreference::Remote,
            ]),
            desired_occupations: desired,
            work_history,
            skills,
            education_level: Some(*rng.pick(&[2, 3, 3, 3, 4, 5, 6, 6, 7, 8])),
            education_field: Some(format!("{:02}", rng.range(1, 10))),
            languages,
            licences,
            certificates,
            work_time_preference: *rng.pick(&[
                WorkTimePreference::FullTime,
                WorkTimePreference::FullTime,
                WorkTimePreference::Any,
                WorkTimePreference::PartTime,
            ]),
            available_from: Some(self.at(rng.range(-30, 90))),
            consent_agencies: rng.chance(0.45),
            consent_expires_at: Some(self.time(rng.range(30, 365))),
            status: if rng.chance(0.92) {
                ProfileStatus::Active
            } else if rng.chance(0.6) {
                ProfileStatus::Inactive
            } else {
                ProfileStatus::Placed
            },
            last_active_at: self.time(-rng.range(0, 120)),
        };
        let pseudonym = format!("JS-{:012X}", rng.next_u64() >> 16);
        (pseudonym, draft)
    }

    /// Vacancy number `i` of this seed.
    pub fn vacancy(&self, i: u64) -> VacancyDraft {
        let mut rng = DemoRng::fork(self.seed, STREAM_VACANCY, i);
        let tax = self.taxonomy;
        let occupation = self.occupation(&mut rng, &self.vacancy_groups);
        let occ = tax.occupation(occupation);
        let place = self.vacancy_places.0[self.vacancy_places.1.sample(&mut rng)].clone();
        let municipality = self.geography.municipality(&place);
        let region = municipality.map(|m| m.region_code.as_str()).unwrap_or("");
        let lang = match (region, rng.unit()) {
            ("21", _) => Lang::Sv,
            ("15", x) if x < 0.4 => Lang::Sv,
            (_, x) if x < 0.05 => Lang::Sv,
            (_, x) if x < 0.17 => Lang::En,
            _ => Lang::Fi,
        };
        let mut essential = Vec::new();
        let mut nice = Vec::new();
        for &(skill, kind) in tax.skills_of(occupation) {
            match kind {
                SkillRelationKind::Essential if rng.chance(0.45) => essential.push(skill),
                SkillRelationKind::Optional if rng.chance(0.12) => nice.push(skill),
                _ => {}
            }
        }
        essential.truncate(10);
        nice.truncate(6);
        let mut skills: Vec<VacancySkill> = essential
            .iter()
            .map(|&s| VacancySkill {
                skill: self.skill_ref(s, lang),
                importance: SkillImportance::Essential,
            })
            .chain(nice.iter().map(|&s| VacancySkill {
                skill: self.skill_ref(s, lang),
                importance: SkillImportance::NiceToHave,
            }))
            .collect();
        if skills.is_empty() {
            if let Some(&(s, _)) = tax.skills_of(occupation).first() {
                skills.push(VacancySkill {
                    skill: self.skill_ref(s, lang),
                    importance: SkillImportance::Essential,
                });
            }
        }

        let by_agency = rng.chance(0.22);
        let (owner, employer_name, industry) = if by_agency {
            let agency = *rng.pick(&self.orgs.agencies);
            (
                agency,
                (*rng.pick(AGENCY_CLIENTS)).to_owned(),
                industry_for(&occ.isco_code),
            )
        } else {
            let k = rng.below(self.orgs.employers.len());
            let (id, name) = &self.orgs.employers[k];
            let division = EMPLOYERS.get(k).map(|e| e.2).unwrap_or("");
            let industry = industry_for(&occ.isco_code).or_else(|| Some(division.to_owned()));
            (*id, name.clone(), industry)
        };
        let visibility = match rng.unit() {
            x if x < 0.12 => Visibility::Hidden,
            x if x < 0.19 && !self.orgs.agencies.is_empty() => Visibility::Shared,
            _ => Visibility::Public,
        };
        let shared_with = if visibility == Visibility::Shared {
            let mut v = vec![self.orgs.agencies[rng.below(self.orgs.agencies.len())]];
            if rng.chance(0.3) {
                v.push(self.orgs.agencies[rng.below(self.orgs.agencies.len())]);
            }
            v.sort();
            v.dedup();
            v
        } else {
            Vec::new()
        };
        let work_time = if rng.chance(0.78) {
            WorkTime::FullTime
        } else {
            WorkTime::PartTime
        };
        let contract_type = *rng.pick(&[
            ContractType::Permanent,
            ContractType::Permanent,
            ContractType::Permanent,
            ContractType::FixedTerm,
            ContractType::FixedTerm,
            ContractType::Seasonal,
        ]);
        let remote = if occ.isco_code.starts_with('2') || occ.isco_code.starts_with('4') {
            *rng.pick(&[
                RemoteMode::None,
                RemoteMode::Hybrid,
                RemoteMode::Hybrid,
                RemoteMode::Full,
            ])
        } else {
            RemoteMode::None
        };
        let (lo, hi) = salary_range(&occ.isco_code);
        let salary_min = (rng.range(lo, hi) / 50 * 50) as i32;
        let positions = match rng.unit() {
            x if x < 0.8 => 1,
            x if x < 0.97 => rng.range(2, 5) as i32,
            _ => rng.range(6, 20) as i32,
        };
        let base_title = occ.labels.get(lang).to_owned();
        let place_name = municipality
            .map(|m| m.name(lang).to_owned())
            .unwrap_or_default();
        let title = noisy_title(&mut rng, &base_title, &place_name, lang);
        let skill_list = |list: &[matcher::taxonomy::SkillIdx]| {
            list.iter()
                .map(|&s| tax.skill(s).labels.get(lang).to_owned())
                .collect::<Vec<_>>()
                .join(", ")
        };
        let description = describe(
            lang,
            &employer_name,
            &base_title,
            &place_name,
            &skill_list(&essential),
            &skill_list(&nice),
            work_time,
            contract_type,
        );

        let mut languages = vec![Requirement {
            value: LanguageSkill {
                language: if lang == Lang::Sv { "sv" } else { "fi" }.into(),
                level: *rng.pick(&[LanguageLevel::B1, LanguageLevel::B2, LanguageLevel::C1]),
            },
            hard: rng.chance(0.3),
        }];
        if lang == Lang::En || rng.chance(0.3) {
            languages.push(Requirement {
                value: LanguageSkill {
                    language: "en".into(),
                    level: LanguageLevel::B2,
                },
                hard: lang == Lang::En && rng.chance(0.5),
            });
        }
        languages.sort_by(|a, b| a.value.language.cmp(&b.value.language));
        languages.dedup_by(|a, b| a.value.language == b.value.language);
        let mut licences = Vec::new();
        if occ.isco_code.starts_with("83") {
            licences.push(Requirement {
                value: if rng.chance(0.5) { "CE" } else { "C" }.to_owned(),
                hard: true,
            });
        } else if rng.chance(0.2) {
            licences.push(Requirement {
                value: "B".to_owned(),
                hard: false,
            });
        }
        let mut certificates = Vec::new();
        for c in certificates_for(&occ.isco_code) {
            if rng.chance(0.5) {
                certificates.push(Requirement {
                    value: (*c).to_owned(),
                    hard: rng.chance(0.5),
                });
            }
        }
        VacancyDraft {
            source: "demo".into(),
            source_id: format!("{}-{i}", self.seed),
            owner_org: owner,
            title,
            description,
            ad_language: lang.as_str().to_owned(),
            employer_name: Some(employer_name),
            occupation_uri: Some(occ.uri.clone()),
            isco_code: Some(occ.isco_code.clone()),
            industry_code: industry,
            skills,
            municipality_code: Some(place),
            lat: None,
            lon: None,
            remote,
            work_time,
            contract_type,
            positions,
            salary_min_eur: Some(salary_min),
            salary_max_eur: Some(salary_min + (rng.range(2, 10) * 100) as i32),
            languages,
            licences,
            certificates,
            start_date: Some(self.at(rng.range(7, 75))),
            expires_at: Some(self.time(rng.range(3, 45))),
            visibility,
            shared_with,
            status: if rng.chance(0.95) {
                VacancyStatus::Open
            } else {
                VacancyStatus::Filled
            },
        }
    }
}

fn certificates_for(isco: &str) -> &'static [&'static str] {
    match &isco[..2.min(isco.len())] {
        "51" | "94" => &["Hygieniapassi", "Anniskelupassi"],
        "53" | "32" | "22" => &["Lääkehoitopassi", "Ensiapukortti EA1"],
        "71" | "93" => &["Työturvallisuuskortti", "Tulityökortti"],
        "72" | "74" => &[
            "Työturvallisuuskortti",
            "Sähköturvallisuustutkinto SFS 6002",
            "Tulityökortti",
        ],
        "54" => &[
            "Järjestyksenvalvojakortti",
            "Turvallisuusalan peruskoulutus",
        ],
        "83" => &[
            "Ammattipätevyys (kuljettaja)",
            "ADR-ajolupa",
            "Trukkikortti",
        ],
        "43" => &["Trukkikortti"],
        _ => &[],
    }
}

/// A plausible TOL 2008 division for an occupation group.
fn industry_for(isco: &str) -> Option<String> {
    let division = match &isco[..2.min(isco.len())] {
        "22" | "32" | "53" => "86",
        "23" => "85",
        "25" | "35" => "62",
        "24" | "33" | "41" | "43" => "69",
        "51" | "94" => "56",
        "52" => "47",
        "71" | "93" => "41",
        "72" => "28",
        "74" => "43",
        "81" | "82" => "25",
        "83" => "49",
        "91" => "81",
        "92" | "61" | "62" => "01",
        "21" | "31" => "71",
        _ => return None,
    };
    Some(division.to_owned())
}

/// Monthly salary range (EUR) by ISCO major group.
fn salary_range(isco: &str) -> (i64, i64) {
    match isco.as_bytes().first() {
        Some(b'1') => (4500, 7500),
        Some(b'2') => (3300, 5500),
        Some(b'3') => (2800, 4200),
        Some(b'4') => (2300, 3100),
        Some(b'5') => (2000, 2900),
        Some(b'6') => (2000, 2800),
        Some(b'7') => (2500, 3600),
        Some(b'8') => (2400, 3400),
        _ => (1900, 2600),
    }
}

fn noisy_title(rng: &mut DemoRng, title: &str, place: &str, lang: Lang) -> String {
    let mut chars = title.chars();
    let capitalised: String = match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => String::new(),
    };
    let variant = rng.below(10);
    match (lang, variant) {
        (Lang::Fi, 0) => format!("Kokenut {title}"),
        (Lang::Fi, 1) => format!("{capitalised}, {place}"),
        (Lang::Fi, 2) => format!("{capitalised} (sijaisuus)"),
        (Lang::Fi, 3) => format!("{capitalised} / osa-aikainen"),
        (Lang::Sv, 0) => format!("Erfaren {title}"),
        (Lang::Sv, 1) => format!("{capitalised} till {place}"),
        (Lang::En, 0) => format!("Senior {title}"),
        (Lang::En, 1) => format!("{capitalised} – {place}"),
        (Lang::En, 2) => format!("{capitalised} (m/f/d)"),
        _ => capitalised,
    }
}

#[allow(clippy::too_many_arguments)]
fn describe(
    lang: Lang,
    employer: &str,
    title: &str,
    place: &str,
    essential: &str,
    nice: &str,
    work_time: WorkTime,
    contract: ContractType,
) -> String {
    match lang {
        Lang::Fi => {
            let time = if work_time == WorkTime::FullTime {
                "kokoaikainen"
            } else {
                "osa-aikainen"
            };
            let kind = match contract {
                ContractType::Permanent => "vakituinen",
                ContractType::FixedTerm => "määräaikainen",
                ContractType::Seasonal => "kausiluonteinen",
                ContractType::Apprenticeship => "oppisopimus",
            };
            let mut text =
                format!("{employer} hakee tehtävään {title} ({place}). Työ on {time} ja {kind}.");
            if !essential.is_empty() {
                text.push_str(&format!(" Edellytämme: {essential}."));
            }
            if !nice.is_empty() {
                text.push_str(&format!(" Eduksi katsotaan: {nice}."));
            }
            text
        }
        Lang::Sv => {
            let time = if work_time == WorkTime::FullTime {
                "heltid"
            } else {
                "deltid"
            };
            let kind = match contract {
                ContractType::Permanent => "tillsvidare",
                ContractType::FixedTerm => "visstid",
                ContractType::Seasonal => "säsongsarbete",
                ContractType::Apprenticeship => "läroavtal",
            };
            let mut text =
                format!("{employer} söker {title} till {place}. Arbetet är på {time}, {kind}.");
            if !essential.is_empty() {
                text.push_str(&format!(" Vi förutsätter: {essential}."));
            }
            if !nice.is_empty() {
                text.push_str(&format!(" Meriterande: {nice}."));
            }
            text
        }
        Lang::En => {
            let time = if work_time == WorkTime::FullTime {
                "full-time"
            } else {
                "part-time"
            };
            let kind = match contract {
                ContractType::Permanent => "permanent",
                ContractType::FixedTerm => "fixed-term",
                ContractType::Seasonal => "seasonal",
                ContractType::Apprenticeship => "apprenticeship",
            };
            let mut text = format!(
                "{employer} is hiring: {title} in {place}. This is a {time}, {kind} position."
            );
            if !essential.is_empty() {
                text.push_str(&format!(" You will need: {essential}."));
            }
            if !nice.is_empty() {
                text.push_str(&format!(" Nice to have: {nice}."));
            }
            text
        }
    }
}

const FIRST_FI: &[&str] = &[
    "Aino", "Eeva", "Helmi", "Sofia", "Maria", "Laura", "Emilia", "Anna", "Juha", "Mikko", "Matti",
    "Timo", "Jari", "Antti", "Elias", "Onni", "Leevi", "Veeti", "Sanna", "Tiina", "Oskari", "Niko",
    "Katja", "Pekka",
];
const LAST_FI: &[&str] = &[
    "Korhonen",
    "Virtanen",
    "Mäkinen",
    "Nieminen",
    "Mäkelä",
    "Hämäläinen",
    "Laine",
    "Heikkinen",
    "Koskinen",
    "Järvinen",
    "Lehtonen",
    "Lehtinen",
    "Saarinen",
    "Salminen",
    "Heinonen",
    "Niemi",
    "Heikkilä",
    "Kinnunen",
    "Salonen",
    "Turunen",
];
const FIRST_SV: &[&str] = &[
    "Anna", "Elin", "Ebba", "Linnea", "Johan", "Erik", "Anders", "Mikael", "Henrik", "Sara",
    "Emma", "Oskar",
];
const LAST_SV: &[&str] = &[
    "Lindholm",
    "Johansson",
    "Nyström",
    "Holmberg",
    "Lindqvist",
    "Sjöberg",
    "Backman",
    "Eriksson",
    "Björklund",
    "Forsman",
];

fn person_name(rng: &mut DemoRng, swedish: bool) -> (&'static str, &'static str) {
    if swedish {
        (*rng.pick(FIRST_SV), *rng.pick(LAST_SV))
    } else {
        (*rng.pick(FIRST_FI), *rng.pick(LAST_FI))
    }
}

fn ascii(name: &str) -> String {
    name.chars()
        .map(|c| match c {
            'ä' | 'å' => 'a',
            'ö' => 'o',
            'Ä' | 'Å' => 'a',
            'Ö' => 'o',
            c => c.to_ascii_lowercase(),
        })
        .collect()
}

/// What a population run did.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct PopulationReport {
    pub profiles: usize,
    pub vacancies: usize,
    pub seconds: f64,
}

/// Items written per transaction.
const BATCH: usize = 5_000;

/// Where a run starts in the seed's sequences of profiles and vacancies.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StartAt {
    pub profile: u64,
    pub vacancy: u64,
}

/// Generate `spec` into the store: a generator thread draws batches while this
/// thread writes the previous one, each batch in one transaction. Calls
/// `progress(done, total)` after each batch.
pub fn populate(
    store: &Store,
    generator: &PopulationGenerator<'_>,
    spec: &PopulationSpec,
    first: StartAt,
    mut progress: impl FnMut(usize, usize),
) -> Result<PopulationReport, GenerateError> {
    let started = Instant::now();
    let total = spec.profiles + spec.vacancies;
    let mut done = 0;
    std::thread::scope(|scope| -> Result<(), GenerateError> {
        let (tx, rx) = mpsc::sync_channel::<Batch>(2);
        let producer = scope.spawn(move || {
            let mut start = 0;
            while start < spec.vacancies {
                let end = (start + BATCH).min(spec.vacancies);
                let batch = (start as u64..end as u64)
                    .map(|i| generator.vacancy(first.vacancy + i))
                    .collect();
                if tx.send(Batch::Vacancies(batch)).is_err() {
                    return;
                }
                start = end;
            }
            let mut start = 0;
            while start < spec.profiles {
                let end = (start + BATCH).min(spec.profiles);
                let batch = (start as u64..end as u64)
                    .map(|i| generator.profile(first.profile + i))
                    .collect();
                if tx.send(Batch::Profiles(batch)).is_err() {
                    return;
                }
                start = end;
            }
        });
        for batch in rx {
            let n = match &batch {
                Batch::Vacancies(v) => {
                    store.write(|c| vacancies::create_vacancies(c, v))?;
                    v.len()
                }
                Batch::Profiles(p) => {
                    store.write(|c| profiles::create_profiles(c, p))?;
                    p.len()
                }
            };
            done += n;
            progress(done, total);
        }
        // The channel closes when the producer is done or gone; a panic in it
        // would be a bug in the generator.
        let _ = producer.join();
        Ok(())
    })?;
    Ok(PopulationReport {
        profiles: spec.profiles,
        vacancies: spec.vacancies,
        seconds: started
            .elapsed()
            .as_secs_f64()
            .max(Duration::from_millis(1).as_secs_f64()),
    })
}

enum Batch {
    Vacancies(Vec<VacancyDraft>),
    Profiles(Vec<(String, ProfileDraft)>),
}

/// The reference data a population is drawn from, as the store holds it.
#[derive(Debug)]
pub struct ReferenceData {
    pub taxonomy: Taxonomy,
    pub geography: Geography,
}

/// Load the taxonomy, geography and industries from the store, first
/// importing the shipped fixtures for whatever the store does not hold yet.
pub fn ensure_reference_data(
    store: &Store,
    fixtures: &std::path::Path,
) -> Result<ReferenceData, GenerateError> {
    use crate::sources;
    use crate::store::taxonomy as tables;
    let taxonomy = match store.read(tables::load_taxonomy)? {
        Some(t) => t,
        None => {
            let t = sources::load_taxonomy_dir(&fixtures.join("esco"))?;
            store.write(|c| tables::replace_taxonomy(c, &t))?;
            t
        }
    };
    let geography = match store.read(tables::load_geography)? {
        Some(g) => g,
        None => {
            let g = sources::load_geography_dir(&fixtures.join("geo"))?;
            store.write(|c| tables::replace_geography(c, &g))?;
            g
        }
    };
    if store.read(tables::load_industries)?.is_none() {
        let industries = sources::load_industries_dir(&fixtures.join("classifications"))?;
        store.write(|c| tables::replace_industries(c, &industries))?;
    }
    Ok(ReferenceData {
        taxonomy,
        geography,
    })
}

/// Generate `spec` into the store from the shipped labour statistics:
/// reference data and demo organizations are created first when missing.
/// Item indices continue after what the store already holds from earlier
/// runs with the same seed, so that running twice adds rather than collides.
pub fn generate_population(
    store: &Store,
    fixtures: &std::path::Path,
    spec: &PopulationSpec,
    progress: impl FnMut(usize, usize),
) -> Result<PopulationReport, GenerateError> {
    let reference = ensure_reference_data(store, fixtures)?;
    let market = LabourMarket::load(&fixtures.join("labour-stats"), &reference.geography)?;
    let orgs = ensure_demo_orgs(store, &reference.geography)?;
    let generator = PopulationGenerator::new(
        &reference.taxonomy,
        &reference.geography,
        &market,
        orgs,
        spec.seed,
        spec.reference_date,
    )?;
    let start = resume_point(store, &generator)?;
    populate(store, &generator, spec, start, progress)
}

/// The first profile and vacancy numbers of this seed not yet in the store.
/// Earlier runs wrote numbers `0..n` contiguously, so a binary search over
/// "is number `i` stored?" finds `n` in a few dozen lookups.
pub fn resume_point(
    store: &Store,
    generator: &PopulationGenerator<'_>,
) -> Result<StartAt, StoreError> {
    store.read(|conn| {
        let profile = first_free(|i| {
            let (pseudonym, _) = generator.profile(i);
            profiles::pseudonym_exists(conn, &pseudonym)
        })?;
        let vacancy = first_free(|i| {
            let draft = generator.vacancy(i);
            Ok(vacancies::find_vacancy_by_source(conn, &draft.source, &draft.source_id)?.is_some())
        })?;
        Ok(StartAt { profile, vacancy })
    })
}

fn first_free(mut taken: impl FnMut(u64) -> Result<bool, StoreError>) -> Result<u64, StoreError> {
    if !taken(0)? {
        return Ok(0);
    }
    // Invariant: `low` is taken, `high` is free.
    let mut low = 0;
    let mut high = 1;
    while taken(high)? {
        low = high;
        high *= 2;
    }
    while high - low > 1 {
        let mid = low + (high - low) / 2;
        if taken(mid)? {
            low = mid;
        } else {
            high = mid;
        }
    }
    Ok(high)
}
