//! Domain types of the matching world: organizations, vacancies and jobseeker
//! profiles, in the shape the engine reasons about. No storage or HTTP detail
//! lives here; the store maps rows into these types and the API maps them to DTOs.
//!
//! Protected attributes (age, gender, nationality, origin, mother tongue, health,
//! family, religion, opinions) have no field here on purpose (DESIGN.md invariant 3).

use std::fmt;
use std::str::FromStr;

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// A value of a closed vocabulary could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid {kind} {value:?}; expected one of: {expected}")]
pub struct InvalidValue {
    pub kind: &'static str,
    pub value: String,
    pub expected: &'static str,
}

/// Defines a closed vocabulary as a Rust enum that round-trips through the
/// snake_case strings used in the database, the JSON API and the CLI.
macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident, $kind:literal { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
        // The texts are the snake_case of the variants; `rename_all` says so
        // to the OpenAPI schema, which does not read the renames below (a
        // test checks that the two agree).
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $(#[serde(rename = $text)] $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = InvalidValue;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($text => Ok($name::$variant),)+
                    _ => Err(InvalidValue {
                        kind: $kind,
                        value: s.to_owned(),
                        expected: concat!($($text, " "),+),
                    }),
                }
            }
        }
    };
}

vocabulary!(
    /// What kind of organization a tenant is (DESIGN.md "Who uses it").
    OrgKind, "organization kind" {
        EmploymentOffice => "employment_office",
        Agency => "agency",
        Employer => "employer",
        Ministry => "ministry",
        Operator => "operator",
    }
);

vocabulary!(
    /// The role a token acts in.
    Role, "role" {
        Adviser => "adviser",
        Recruiter => "recruiter",
        Employer => "employer",
        Analyst => "analyst",
        Admin => "admin",
    }
);

impl Role {
    /// The only organization kind whose tokens may carry this role.
    pub fn org_kind(self) -> OrgKind {
        match self {
            Role::Adviser => OrgKind::EmploymentOffice,
            Role::Recruiter => OrgKind::Agency,
            Role::Employer => OrgKind::Employer,
            Role::Analyst => OrgKind::Ministry,
            Role::Admin => OrgKind::Operator,
        }
    }
}

vocabulary!(
    /// Who may see a vacancy besides its owner.
    Visibility, "visibility" {
        Public => "public",
        Hidden => "hidden",
        Shared => "shared",
    }
);

vocabulary!(VacancyStatus, "vacancy status" { Open => "open", Filled => "filled", Closed => "closed" });
vocabulary!(ProfileStatus, "profile status" { Active => "active", Inactive => "inactive", Placed => "placed" });
vocabulary!(RemoteMode, "remote mode" { None => "none", Hybrid => "hybrid", Full => "full" });
vocabulary!(WorkTime, "work time" { FullTime => "full_time", PartTime => "part_time" });
vocabulary!(WorkTimePreference, "work-time preference" { FullTime => "full_time", PartTime => "part_time", Any => "any" });
vocabulary!(ContractType, "contract type" {
    Permanent => "permanent",
    FixedTerm => "fixed_term",
    Seasonal => "seasonal",
    Apprenticeship => "apprenticeship",
});
vocabulary!(
    /// Where a jobseeker is willing to move for work.
    Relocation, "relocation" { None => "none", Regions => "regions", Nationwide => "nationwide" }
);
vocabulary!(RemotePreference, "remote preference" {
    Onsite => "onsite",
    Hybrid => "hybrid",
    Remote => "remote",
    Any => "any",
});
vocabulary!(SkillImportance, "skill importance" { Essential => "essential", NiceToHave => "nice_to_have" });
vocabulary!(
    /// CEFR level of a language skill; `Native` is proficiency, not mother tongue
    /// (mother tongue is a protected attribute and is never recorded).
    LanguageLevel, "language level" {
        A1 => "a1", A2 => "a2", B1 => "b1", B2 => "b2", C1 => "c1", C2 => "c2", Native => "native",
    }
);

vocabulary!(
    /// Where an introduction stands: `proposed → contacted → interview →
    /// hired | not_hired | withdrawn`; the last three are final.
    IntroductionStatus, "introduction status" {
        Proposed => "proposed",
        Contacted => "contacted",
        Interview => "interview",
        Hired => "hired",
        NotHired => "not_hired",
        Withdrawn => "withdrawn",
    }
);

impl IntroductionStatus {
    /// Whether nothing follows this status.
    pub fn is_final(self) -> bool {
        matches!(
            self,
            IntroductionStatus::Hired
                | IntroductionStatus::NotHired
                | IntroductionStatus::Withdrawn
        )
    }

    /// Whether an introduction may move from `self` to `next`: forward
    /// only (a step may be skipped: a phone call can end in a hire), and
    /// never out of a final status.
    pub fn may_become(self, next: IntroductionStatus) -> bool {
        !self.is_final() && (next.is_final() || next > self)
    }
}

vocabulary!(
    /// Why an introduction did not end in a hire.
    NotHiredReason, "not-hired reason" {
        Skills => "skills",
        Experience => "experience",
        Language => "language",
        Licence => "licence",
        Salary => "salary",
        Location => "location",
        WorkingHours => "working_hours",
        CandidateDeclined => "candidate_declined",
        CandidateUnreachable => "candidate_unreachable",
        PositionFilled => "position_filled",
        PositionCancelled => "position_cancelled",
        Other => "other",
    }
);

vocabulary!(
    /// How an office contacted a firm.
    OutreachChannel, "outreach channel" {
        Visit => "visit",
        Phone => "phone",
        Email => "email",
        Event => "event",
    }
);

macro_rules! typed_id {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ToSchema)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

typed_id!(OrgId);
typed_id!(TokenId);
typed_id!(VacancyId);
typed_id!(ProfileId);
typed_id!(CohortId);
typed_id!(IntroductionId);

/// An organization using Kohtaanto.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Organization {
    pub id: OrgId,
    pub kind: OrgKind,
    pub name: String,
    /// Finnish business id (Y-tunnus), e.g. "1234567-8".
    pub business_id: Option<String>,
    pub municipality_code: Option<String>,
    pub created_at: NaiveDateTime,
}

/// A skill as written on a vacancy or profile: an ESCO concept where known,
/// always with a human label (free text is kept when no concept matched).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SkillRef {
    #[schema(pattern = "^http://data\\.europa\\.eu/esco/skill/")]
    pub uri: Option<String>,
    #[schema(min_length = 1, max_length = 300)]
    pub label: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VacancySkill {
    pub skill: SkillRef,
    pub importance: SkillImportance,
}

/// A language requirement or a language skill (ISO 639-1 code + CEFR level).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LanguageSkill {
    pub language: String,
    pub level: LanguageLevel,
}

/// A requirement that is either scored or, when `hard`, filters candidates.
///
/// In JSON a structured value's fields sit beside `hard`
/// (`{"language": "fi", "level": "b2", "hard": true}`), and a plain value
/// is named `value` (`{"value": "B", "hard": false}`; a bare `"B"` reads as
/// a soft requirement).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requirement<T> {
    pub value: T,
    pub hard: bool,
}

impl<T: Serialize> Serialize for Requirement<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::Error;
        let mut map = match serde_json::to_value(&self.value).map_err(S::Error::custom)? {
            serde_json::Value::Object(map) => map,
            plain => serde_json::Map::from_iter([("value".to_owned(), plain)]),
        };
        map.insert("hard".to_owned(), serde_json::Value::Bool(self.hard));
        map.serialize(serializer)
    }
}

impl<'de, T: serde::de::DeserializeOwned> Deserialize<'de> for Requirement<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let mut map = match serde_json::Value::deserialize(deserializer)? {
            serde_json::Value::Object(map) => map,
            plain => serde_json::Map::from_iter([("value".to_owned(), plain)]),
        };
        let hard = match map.remove("hard") {
            None | Some(serde_json::Value::Null) => false,
            Some(serde_json::Value::Bool(b)) => b,
            Some(other) => {
                return Err(D::Error::custom(format!(
                    "`hard` must be true or false, not {other}"
                )))
            }
        };
        let plain = map.len() == 1 && map.contains_key("value");
        let value = if plain {
            serde_json::from_value(map.remove("value").unwrap_or_default())
        } else {
            serde_json::from_value(serde_json::Value::Object(map))
        };
        Ok(Requirement {
            value: value.map_err(D::Error::custom)?,
            hard,
        })
    }
}

/// `hard`: true, false, or null (soft).
fn nullable_boolean() -> utoipa::openapi::schema::Object {
    use utoipa::openapi::schema::{ObjectBuilder, SchemaType, Type};
    ObjectBuilder::new()
        .schema_type(SchemaType::from_iter([Type::Boolean, Type::Null]))
        .description(Some("true: a hard requirement that filters candidates"))
        .build()
}

/// The OpenAPI schema of a list of language requirements: a language skill
/// with `hard` beside its fields.
fn language_requirements() -> utoipa::openapi::schema::Array {
    use utoipa::openapi::schema::{AdditionalProperties, ObjectBuilder, Type};
    let item = ObjectBuilder::new()
        .property(
            "language",
            ObjectBuilder::new()
                .schema_type(Type::String)
                .description(Some("ISO 639-1 code")),
        )
        .required("language")
        .property(
            "level",
            utoipa::openapi::Ref::from_schema_name("LanguageLevel"),
        )
        .required("level")
        .property("hard", nullable_boolean())
        .additional_properties(Some(AdditionalProperties::FreeForm(false)));
    utoipa::openapi::schema::Array::new(item)
}

/// The OpenAPI schema of a list of plain requirements: `{"value", "hard"}`
/// or a bare string (a soft requirement).
fn plain_requirements() -> utoipa::openapi::schema::Array {
    use utoipa::openapi::schema::{ObjectBuilder, OneOfBuilder, Type};
    let text = || {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .min_length(Some(1))
            .max_length(Some(100))
    };
    let object = ObjectBuilder::new()
        .property("value", text())
        .required("value")
        .property("hard", nullable_boolean())
        .additional_properties(Some(
            utoipa::openapi::schema::AdditionalProperties::FreeForm(false),
        ));
    utoipa::openapi::schema::Array::new(OneOfBuilder::new().item(object).item(text()))
}

/// Everything that defines a vacancy, as written by its owner or a feed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct VacancyDraft {
    pub source: String,
    #[schema(min_length = 1, max_length = 300)]
    pub source_id: String,
    pub owner_org: OrgId,
    #[schema(min_length = 1, max_length = 300, example = "Lähihoitaja, vakituinen")]
    pub title: String,
    #[schema(max_length = 20000)]
    pub description: String,
    pub ad_language: String,
    #[schema(min_length = 1, max_length = 300)]
    pub employer_name: Option<String>,
    #[schema(pattern = "^http://data\\.europa\\.eu/esco/occupation/")]
    pub occupation_uri: Option<String>,
    pub isco_code: Option<String>,
    pub industry_code: Option<String>,
    #[schema(max_items = 200)]
    pub skills: Vec<VacancySkill>,
    pub municipality_code: Option<String>,
    #[schema(minimum = -90.0, maximum = 90.0)]
    pub lat: Option<f64>,
    #[schema(minimum = -180.0, maximum = 180.0)]
    pub lon: Option<f64>,
    pub remote: RemoteMode,
    pub work_time: WorkTime,
    pub contract_type: ContractType,
    #[schema(minimum = 1, maximum = 10000)]
    pub positions: i32,
    #[schema(minimum = 0)]
    pub salary_min_eur: Option<i32>,
    #[schema(minimum = 0)]
    pub salary_max_eur: Option<i32>,
    #[schema(schema_with = language_requirements)]
    pub languages: Vec<Requirement<LanguageSkill>>,
    /// Driving licence classes (B, C, CE…).
    #[schema(schema_with = plain_requirements)]
    pub licences: Vec<Requirement<String>>,
    #[schema(schema_with = plain_requirements)]
    pub certificates: Vec<Requirement<String>>,
    pub start_date: Option<NaiveDate>,
    #[serde(default, deserialize_with = "utc::option")]
    pub expires_at: Option<NaiveDateTime>,
    pub visibility: Visibility,
    /// Agencies a `shared` vacancy is shared with.
    #[schema(max_items = 200)]
    pub shared_with: Vec<OrgId>,
    pub status: VacancyStatus,
}

/// A stored vacancy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Vacancy {
    pub id: VacancyId,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    #[serde(flatten)]
    pub draft: VacancyDraft,
}

/// Contact details of a jobseeker, kept apart from every matching field: they
/// are never indexed, never scored, and never shown to agencies.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactDetails {
    #[schema(min_length = 1, max_length = 300, example = "Aino Virtanen")]
    pub full_name: String,
    #[schema(min_length = 1, max_length = 300)]
    pub email: Option<String>,
    #[schema(min_length = 1, max_length = 300)]
    pub phone: Option<String>,
    /// The adviser's free-text notes.
    #[schema(max_length = 20000)]
    pub notes: Option<String>,
}

/// One line of work history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WorkExperience {
    pub occupation_uri: Option<String>,
    #[schema(min_length = 1, max_length = 300)]
    pub title: String,
    #[schema(minimum = 0.0, maximum = 60.0)]
    pub years: f64,
}

/// Everything that defines a jobseeker profile.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ProfileDraft {
    pub managing_org: OrgId,
    pub contact: ContactDetails,
    /// Statistics Finland municipality code; `None` when living abroad.
    pub home_municipality_code: Option<String>,
    /// ISO 3166-1 alpha-2 country of residence for people living abroad who
    /// want to move to Finland (international recruitment).
    #[schema(pattern = "^[A-Z]{2}$")]
    pub abroad_country: Option<String>,
    #[schema(minimum = 0, maximum = 1000)]
    pub max_commute_km: i32,
    pub relocation: Relocation,
    /// Regions (maakunta codes) the jobseeker would move to, for `Relocation::Regions`.
    pub relocation_regions: Vec<String>,
    pub remote_preference: RemotePreference,
    #[schema(max_items = 200)]
    pub desired_occupations: Vec<String>,
    #[schema(max_items = 200)]
    pub work_history: Vec<WorkExperience>,
    #[schema(max_items = 200)]
    pub skills: Vec<SkillRef>,
    /// ISCED 2011 level, 0–8.
    #[schema(minimum = 0, maximum = 8)]
    pub education_level: Option<i32>,
    /// Statistics Finland field of education code.
    pub education_field: Option<String>,
    pub languages: Vec<LanguageSkill>,
    pub licences: Vec<String>,
    pub certificates: Vec<String>,
    pub work_time_preference: WorkTimePreference,
    pub available_from: Option<NaiveDate>,
    pub consent_agencies: bool,
    #[serde(default, deserialize_with = "utc::option")]
    pub consent_expires_at: Option<NaiveDateTime>,
    pub status: ProfileStatus,
    #[serde(deserialize_with = "utc::required")]
    pub last_active_at: NaiveDateTime,
}

/// A stored jobseeker profile with its pseudonymous id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct JobseekerProfile {
    pub id: ProfileId,
    pub pseudonym: String,
    pub version: i64,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    /// The customer system an imported profile came from (`kohtaanto import
    /// profiles`); null for profiles written through the API. Set by the
    /// import only.
    #[serde(default)]
    #[schema(example = "ura")]
    pub source: Option<String>,
    /// The customer's id in that system: re-importing updates the profile
    /// with the same `source` and `source_id`.
    #[serde(default)]
    pub source_id: Option<String>,
    #[serde(flatten)]
    pub draft: ProfileDraft,
}

/// JSON (and JSON Schema) count `3.0` as the integer 3; serde reads it as
/// a float. Numbers without a fraction become integers before a body is
/// read as its type, so that what the OpenAPI document allows is accepted.
pub fn integral_numbers(value: &mut serde_json::Value) {
    use serde_json::Value;
    match value {
        Value::Number(n) if n.is_f64() => {
            if let Some(f) = n.as_f64() {
                if f.fract() == 0.0 && f.abs() < 9.0e15 {
                    *value = Value::from(f as i64);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(integral_numbers),
        Value::Object(map) => map.values_mut().for_each(integral_numbers),
        _ => {}
    }
}

/// Date-times are UTC. Answers write them without an offset; a client may
/// also send RFC 3339 with one (`Z`, `+02:00`), converted to UTC.
mod utc {
    use chrono::NaiveDateTime;
    use serde::{Deserialize, Deserializer};

    fn parse<E: serde::de::Error>(text: &str) -> Result<NaiveDateTime, E> {
        text.parse::<NaiveDateTime>()
            .or_else(|_| chrono::DateTime::parse_from_rfc3339(text).map(|t| t.naive_utc()))
            .map_err(|_| E::custom(format!("{text:?} is not a date-time (RFC 3339)")))
    }

    pub fn required<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDateTime, D::Error> {
        parse(&String::deserialize(d)?)
    }

    pub fn option<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDateTime>, D::Error> {
        Option::<String>::deserialize(d)?
            .map(|t| parse(&t))
            .transpose()
    }
}

/// A draft that breaks a rule of the domain: which field, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {reason}")]
pub struct ValidationError {
    pub field: String,
    pub reason: String,
}

fn invalid(field: impl Into<String>, reason: impl Into<String>) -> ValidationError {
    ValidationError {
        field: field.into(),
        reason: reason.into(),
    }
}

/// `checked` with the field of its error named by `field()`: the name of a
/// list item (`skills[3].label`) is built only when the item is refused,
/// not for every item checked.
pub(crate) fn named<T>(
    checked: Result<T, ValidationError>,
    field: impl FnOnce() -> String,
) -> Result<T, ValidationError> {
    checked.map_err(|e| invalid(field(), e.reason))
}

/// Longest accepted title; real ads rarely pass 150 characters.
pub const MAX_TITLE_CHARS: usize = 300;
/// Longest accepted description or note.
pub const MAX_TEXT_CHARS: usize = 20_000;
/// Most skills, languages, licences… one vacancy or profile may list.
pub const MAX_LIST_ITEMS: usize = 200;

fn check_text(
    field: &str,
    value: &str,
    max_chars: usize,
    required: bool,
) -> Result<(), ValidationError> {
    if required && value.trim().is_empty() {
        return Err(invalid(field, "must not be empty"));
    }
    if value.chars().count() > max_chars {
        return Err(invalid(
            field,
            format!("longer than {max_chars} characters"),
        ));
    }
    if value
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        return Err(invalid(field, "contains control characters"));
    }
    Ok(())
}

fn check_len<T>(field: &str, items: &[T]) -> Result<(), ValidationError> {
    if items.len() > MAX_LIST_ITEMS {
        return Err(invalid(field, format!("more than {MAX_LIST_ITEMS} items")));
    }
    Ok(())
}

fn check_code(field: &str, value: &str, digits: usize) -> Result<(), ValidationError> {
    if value.len() != digits || !value.bytes().all(|b| b.is_ascii_digit()) {
        return Err(invalid(
            field,
            format!("{value:?} is not a {digits}-digit code"),
        ));
    }
    Ok(())
}

fn check_language_code(field: &str, value: &str) -> Result<(), ValidationError> {
    if value.len() != 2 || !value.bytes().all(|b| b.is_ascii_lowercase()) {
        return Err(invalid(
            field,
            format!("{value:?} is not an ISO 639-1 code such as \"fi\""),
        ));
    }
    Ok(())
}

fn check_skills<'a>(
    field: &str,
    skills: impl Iterator<Item = &'a SkillRef>,
) -> Result<(), ValidationError> {
    let mut seen = std::collections::HashSet::new();
    for (i, skill) in skills.enumerate() {
        named(check_text("", &skill.label, MAX_TITLE_CHARS, true), || {
            format!("{field}[{i}].label")
        })?;
        if let Some(uri) = &skill.uri {
            if !uri.starts_with("http://data.europa.eu/esco/skill/") {
                return Err(invalid(
                    format!("{field}[{i}].uri"),
                    "not an ESCO skill URI",
                ));
            }
            if !seen.insert(uri.as_str()) {
                return Err(invalid(format!("{field}[{i}].uri"), "listed twice"));
            }
        }
    }
    Ok(())
}

fn check_unique<'a>(
    field: &str,
    values: impl Iterator<Item = &'a str>,
) -> Result<(), ValidationError> {
    let mut seen = std::collections::HashSet::new();
    for (i, value) in values.enumerate() {
        named(check_text("", value, 100, true), || format!("{field}[{i}]"))?;
        if !seen.insert(value) {
            return Err(invalid(format!("{field}[{i}]"), "listed twice"));
        }
    }
    Ok(())
}

impl VacancyDraft {
    /// Rules that hold without looking anything up; taxonomy and geography
    /// codes are checked by the caller that has them.
    pub fn validate(&self) -> Result<(), ValidationError> {
        check_text("source", &self.source, 100, true)?;
        check_text("source_id", &self.source_id, 300, true)?;
        check_text("title", &self.title, MAX_TITLE_CHARS, true)?;
        check_text("description", &self.description, MAX_TEXT_CHARS, false)?;
        check_language_code("ad_language", &self.ad_language)?;
        if let Some(name) = &self.employer_name {
            check_text("employer_name", name, MAX_TITLE_CHARS, true)?;
        }
        if let Some(uri) = &self.occupation_uri {
            if !uri.starts_with("http://data.europa.eu/esco/occupation/") {
                return Err(invalid("occupation_uri", "not an ESCO occupation URI"));
            }
        }
        if let Some(code) = &self.isco_code {
            check_code("isco_code", code, 4)?;
        }
        if let Some(code) = &self.municipality_code {
            check_code("municipality_code", code, 3)?;
        }
        match (self.lat, self.lon) {
            (Some(lat), Some(lon)) => {
                if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
                    return Err(invalid("lat", "coordinates out of range"));
                }
            }
            (None, None) => {}
            _ => return Err(invalid("lat", "give both lat and lon, or neither")),
        }
        if self.municipality_code.is_none() && self.lat.is_none() && self.remote != RemoteMode::Full
        {
            return Err(invalid(
                "municipality_code",
                "a vacancy that is not fully remote needs a municipality or coordinates",
            ));
        }
        if !(1..=10_000).contains(&self.positions) {
            return Err(invalid("positions", "must be between 1 and 10000"));
        }
        if let (Some(min), Some(max)) = (self.salary_min_eur, self.salary_max_eur) {
            if min > max {
                return Err(invalid("salary_min_eur", "greater than salary_max_eur"));
            }
        }
        if self.salary_min_eur.is_some_and(|s| s < 0) || self.salary_max_eur.is_some_and(|s| s < 0)
        {
            return Err(invalid("salary_min_eur", "must not be negative"));
        }
        check_len("skills", &self.skills)?;
        check_skills("skills", self.skills.iter().map(|s| &s.skill))?;
        check_len("languages", &self.languages)?;
        for (i, l) in self.languages.iter().enumerate() {
            named(check_language_code("", &l.value.language), || {
                format!("languages[{i}].language")
            })?;
        }
        check_unique(
            "languages",
            self.languages.iter().map(|l| l.value.language.as_str()),
        )?;
        check_len("licences", &self.licences)?;
        check_unique("licences", self.licences.iter().map(|l| l.value.as_str()))?;
        check_len("certificates", &self.certificates)?;
        check_unique(
            "certificates",
            self.certificates.iter().map(|c| c.value.as_str()),
        )?;
        match self.visibility {
            Visibility::Shared if self.shared_with.is_empty() => {
                return Err(invalid(
                    "shared_with",
                    "a shared vacancy names at least one agency",
                ))
            }
            Visibility::Public | Visibility::Hidden if !self.shared_with.is_empty() => {
                return Err(invalid(
                    "shared_with",
                    "only a shared vacancy names agencies",
                ))
            }
            _ => {}
        }
        check_len("shared_with", &self.shared_with)?;
        Ok(())
    }
}

impl ProfileDraft {
    /// A profile of `office` with nothing but the defaults a new profile
    /// starts from (what an import row or an API body leaves out): no home
    /// yet, 30 km commute, no relocation, any remote or work-time
    /// arrangement, no consent to agencies, active since `now`.
    pub fn with_defaults(office: OrgId, now: NaiveDateTime) -> ProfileDraft {
        ProfileDraft {
            managing_org: office,
            contact: ContactDetails::default(),
            home_municipality_code: None,
            abroad_country: None,
            max_commute_km: 30,
            relocation: Relocation::None,
            relocation_regions: Vec::new(),
            remote_preference: RemotePreference::Any,
            desired_occupations: Vec::new(),
            work_history: Vec::new(),
            skills: Vec::new(),
            education_level: None,
            education_field: None,
            languages: Vec::new(),
            licences: Vec::new(),
            certificates: Vec::new(),
            work_time_preference: WorkTimePreference::Any,
            available_from: None,
            consent_agencies: false,
            consent_expires_at: None,
            status: ProfileStatus::Active,
            last_active_at: now,
        }
    }

    /// Rules that hold without looking anything up.
    pub fn validate(&self) -> Result<(), ValidationError> {
        check_text(
            "contact.full_name",
            &self.contact.full_name,
            MAX_TITLE_CHARS,
            true,
        )?;
        for (field, value) in [
            ("contact.email", &self.contact.email),
            ("contact.phone", &self.contact.phone),
        ] {
            if let Some(v) = value {
                check_text(field, v, MAX_TITLE_CHARS, true)?;
            }
        }
        if let Some(notes) = &self.contact.notes {
            check_text("contact.notes", notes, MAX_TEXT_CHARS, false)?;
        }
        match (&self.home_municipality_code, &self.abroad_country) {
            (Some(code), None) => check_code("home_municipality_code", code, 3)?,
            (None, Some(country)) => {
                if country.len() != 2 || !country.bytes().all(|b| b.is_ascii_uppercase()) {
                    return Err(invalid(
                        "abroad_country",
                        "not an ISO 3166-1 alpha-2 code such as \"SE\"",
                    ));
                }
                if country == "FI" {
                    return Err(invalid(
                        "abroad_country",
                        "a jobseeker in Finland has a home municipality",
                    ));
                }
            }
            (Some(_), Some(_)) => {
                return Err(invalid(
                    "abroad_country",
                    "give a home municipality or a country abroad, not both",
                ))
            }
            (None, None) => {
                return Err(invalid(
                    "home_municipality_code",
                    "required unless living abroad",
                ))
            }
        }
        if !(0..=1_000).contains(&self.max_commute_km) {
            return Err(invalid("max_commute_km", "must be between 0 and 1000"));
        }
        match self.relocation {
            Relocation::Regions if self.relocation_regions.is_empty() => {
                return Err(invalid(
                    "relocation_regions",
                    "relocation to regions names at least one region",
                ))
            }
            Relocation::None | Relocation::Nationwide if !self.relocation_regions.is_empty() => {
                return Err(invalid(
                    "relocation_regions",
                    "only relocation to regions names regions",
                ))
            }
            _ => {}
        }
        for (i, code) in self.relocation_regions.iter().enumerate() {
            named(check_code("", code, 2), || {
                format!("relocation_regions[{i}]")
            })?;
        }
        check_unique(
            "relocation_regions",
            self.relocation_regions.iter().map(String::as_str),
        )?;
        check_len("desired_occupations", &self.desired_occupations)?;
        for (i, uri) in self.desired_occupations.iter().enumerate() {
            if !uri.starts_with("http://data.europa.eu/esco/occupation/") {
                return Err(invalid(
                    format!("desired_occupations[{i}]"),
                    "not an ESCO occupation URI",
                ));
            }
        }
        check_unique(
            "desired_occupations",
            self.desired_occupations.iter().map(String::as_str),
        )?;
        check_len("work_history", &self.work_history)?;
        for (i, w) in self.work_history.iter().enumerate() {
            named(check_text("", &w.title, MAX_TITLE_CHARS, true), || {
                format!("work_history[{i}].title")
            })?;
            if !(0.0..=60.0).contains(&w.years) || !w.years.is_finite() {
                return Err(invalid(
                    format!("work_history[{i}].years"),
                    "must be between 0 and 60",
                ));
            }
        }
        check_len("skills", &self.skills)?;
        check_skills("skills", self.skills.iter())?;
        if let Some(level) = self.education_level {
            if !(0..=8).contains(&level) {
                return Err(invalid("education_level", "ISCED level 0–8"));
            }
        }
        check_len("languages", &self.languages)?;
        for (i, l) in self.languages.iter().enumerate() {
            named(check_language_code("", &l.language), || {
                format!("languages[{i}].language")
            })?;
        }
        check_unique(
            "languages",
            self.languages.iter().map(|l| l.language.as_str()),
        )?;
        check_len("licences", &self.licences)?;
        check_unique("licences", self.licences.iter().map(String::as_str))?;
        check_len("certificates", &self.certificates)?;
        check_unique("certificates", self.certificates.iter().map(String::as_str))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requirements_round_trip_through_json() {
        let licence = Requirement {
            value: "B".to_owned(),
            hard: true,
        };
        let json = serde_json::to_value(&licence).unwrap();
        assert_eq!(json, serde_json::json!({"value": "B", "hard": true}));
        assert_eq!(
            serde_json::from_value::<Requirement<String>>(json).unwrap(),
            licence
        );
        let bare: Requirement<String> = serde_json::from_value(serde_json::json!("C1")).unwrap();
        assert_eq!((bare.value.as_str(), bare.hard), ("C1", false));
        let language = Requirement {
            value: LanguageSkill {
                language: "fi".into(),
                level: LanguageLevel::B2,
            },
            hard: false,
        };
        let json = serde_json::to_value(&language).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"language": "fi", "level": "b2", "hard": false})
        );
        assert_eq!(
            serde_json::from_value::<Requirement<LanguageSkill>>(json).unwrap(),
            language
        );
        for bad in [
            serde_json::json!({"value": "B", "hard": "yes"}),
            serde_json::json!({"language": "fi", "level": "B2", "colour": 1}),
        ] {
            assert!(serde_json::from_value::<Requirement<LanguageSkill>>(bad).is_err());
        }
    }

    #[test]
    fn vocabularies_round_trip_through_their_strings() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>(), Ok(*role));
        }
        for v in Visibility::ALL {
            assert_eq!(v.as_str().parse::<Visibility>(), Ok(*v));
        }
        let err = "boss".parse::<Role>().unwrap_err();
        assert_eq!(err.kind, "role");
        assert!(err.to_string().contains("adviser"));
    }

    #[test]
    fn vocabulary_schemas_list_the_texts() {
        fn texts<T: ToSchema + Serialize>(all: &[T]) {
            let schema = serde_json::to_value(T::schema()).unwrap();
            let texts: Vec<_> = all
                .iter()
                .map(|v| serde_json::to_value(v).unwrap())
                .collect();
            assert_eq!(schema["enum"], serde_json::json!(texts), "{}", T::name());
        }
        texts(OrgKind::ALL);
        texts(Role::ALL);
        texts(Visibility::ALL);
        texts(VacancyStatus::ALL);
        texts(ProfileStatus::ALL);
        texts(RemoteMode::ALL);
        texts(WorkTime::ALL);
        texts(WorkTimePreference::ALL);
        texts(ContractType::ALL);
        texts(Relocation::ALL);
        texts(RemotePreference::ALL);
        texts(SkillImportance::ALL);
        texts(LanguageLevel::ALL);
    }

    #[test]
    fn date_times_read_with_or_without_an_offset() {
        let at =
            |text: &str| super::utc::required(serde_json::json!(text)).map_err(|e| e.to_string());
        let naive = chrono::NaiveDate::from_ymd_opt(2026, 12, 3)
            .unwrap()
            .and_hms_opt(10, 0, 0)
            .unwrap();
        assert_eq!(at("2026-12-03T10:00:00"), Ok(naive));
        assert_eq!(at("2026-12-03T10:00:00Z"), Ok(naive));
        assert_eq!(at("2026-12-03T12:00:00+02:00"), Ok(naive));
        assert!(at("3.12.2026").is_err());
    }

    #[test]
    fn every_role_belongs_to_one_org_kind() {
        assert_eq!(Role::Recruiter.org_kind(), OrgKind::Agency);
        assert_eq!(Role::Admin.org_kind(), OrgKind::Operator);
    }
}
