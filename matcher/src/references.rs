//! Strict references: every code and URI a vacancy or a profile names must
//! be one the loaded taxonomy, geography and classifications know, so that
//! what is stored can always be found again through the filters that name
//! it (a vacancy in municipality "999" would match no region filter ever).
//!
//! [`crate::domain`] checks what holds without looking anything up (shapes,
//! lengths, cross-field rules); this room checks what needs the reference
//! data. Both answer a [`ValidationError`] naming the field.

use std::sync::Arc;

use chrono::{Datelike, NaiveDate, NaiveDateTime};

use crate::domain::{named, ProfileDraft, VacancyDraft, ValidationError};
use crate::geography::Geography;
use crate::industry::Industries;
use crate::taxonomy::Taxonomy;

/// ISO 639-1 language codes.
pub const LANGUAGE_CODES: &[&str] = &[
    "aa", "ab", "ae", "af", "ak", "am", "an", "ar", "as", "av", "ay", "az", "ba", "be", "bg", "bi",
    "bm", "bn", "bo", "br", "bs", "ca", "ce", "ch", "co", "cr", "cs", "cu", "cv", "cy", "da", "de",
    "dv", "dz", "ee", "el", "en", "eo", "es", "et", "eu", "fa", "ff", "fi", "fj", "fo", "fr", "fy",
    "ga", "gd", "gl", "gn", "gu", "gv", "ha", "he", "hi", "ho", "hr", "ht", "hu", "hy", "hz", "ia",
    "id", "ie", "ig", "ii", "ik", "io", "is", "it", "iu", "ja", "jv", "ka", "kg", "ki", "kj", "kk",
    "kl", "km", "kn", "ko", "kr", "ks", "ku", "kv", "kw", "ky", "la", "lb", "lg", "li", "ln", "lo",
    "lt", "lu", "lv", "mg", "mh", "mi", "mk", "ml", "mn", "mr", "ms", "mt", "my", "na", "nb", "nd",
    "ne", "ng", "nl", "nn", "no", "nr", "nv", "ny", "oc", "oj", "om", "or", "os", "pa", "pi", "pl",
    "ps", "pt", "qu", "rm", "rn", "ro", "ru", "rw", "sa", "sc", "sd", "se", "sg", "si", "sk", "sl",
    "sm", "sn", "so", "sq", "sr", "ss", "st", "su", "sv", "sw", "ta", "te", "tg", "th", "ti", "tk",
    "tl", "tn", "to", "tr", "ts", "tt", "tw", "ty", "ug", "uk", "ur", "uz", "ve", "vi", "vo", "wa",
    "wo", "xh", "yi", "yo", "za", "zh", "zu",
];

/// Finnish driving licence classes (ajokorttilaki 386/2011).
pub const LICENCE_CLASSES: &[&str] = &[
    "AM120", "AM121", "A1", "A2", "A", "B", "BE", "C1", "C1E", "C", "CE", "D1", "D1E", "D", "DE",
    "T",
];

/// Statistics Finland's fields of education (koulutusala, the broad level
/// of the national classification of education 2016, after ISCED-F 2013):
/// code and its names in Finnish, Swedish and English.
pub const EDUCATION_FIELDS: &[(&str, &str, &str, &str)] = &[
    (
        "00",
        "Yleissivistävä koulutus",
        "Allmänbildande utbildning",
        "Generic programmes and qualifications",
    ),
    ("01", "Kasvatusalat", "Pedagogik", "Education"),
    (
        "02",
        "Taiteet ja kulttuurialat",
        "Konstnärliga och kulturella områden",
        "Arts and humanities",
    ),
    (
        "03",
        "Yhteiskunnalliset alat",
        "Samhällsvetenskapliga områden",
        "Social sciences, journalism and information",
    ),
    (
        "04",
        "Kauppa, hallinto ja oikeustieteet",
        "Handel, administration och juridik",
        "Business, administration and law",
    ),
    (
        "05",
        "Luonnontieteet",
        "Naturvetenskapliga områden",
        "Natural sciences, mathematics and statistics",
    ),
    (
        "06",
        "Tietojenkäsittely ja tietoliikenne (ICT)",
        "Informations- och kommunikationsteknik (IKT)",
        "Information and communication technologies",
    ),
    (
        "07",
        "Tekniikan alat",
        "Tekniska områden",
        "Engineering, manufacturing and construction",
    ),
    (
        "08",
        "Maa- ja metsätalousalat",
        "Lant- och skogsbruksområden",
        "Agriculture, forestry, fisheries and veterinary",
    ),
    (
        "09",
        "Terveys- ja hyvinvointialat",
        "Hälso- och välfärdsområden",
        "Health and welfare",
    ),
    ("10", "Palvelualat", "Tjänstebranscher", "Services"),
];

/// The earliest date any date field may hold.
pub fn earliest_date() -> NaiveDate {
    NaiveDate::from_ymd_opt(1900, 1, 1).unwrap_or(NaiveDate::MIN)
}

/// The latest year any date field may hold.
pub const LATEST_YEAR: i32 = 2200;

/// The loaded reference data a write is checked against.
#[derive(Clone)]
pub struct References {
    taxonomy: Arc<Taxonomy>,
    geography: Arc<Geography>,
    /// TOL 2008; `None` when the store has no industries (industry codes
    /// are then refused).
    industries: Option<Arc<Industries>>,
}

impl std::fmt::Debug for References {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("References").finish_non_exhaustive()
    }
}

fn invalid(field: impl Into<String>, reason: impl Into<String>) -> ValidationError {
    ValidationError {
        field: field.into(),
        reason: reason.into(),
    }
}

/// A date between 1900 and [`LATEST_YEAR`], or a [`ValidationError`]
/// naming `field`.
pub fn check_date(field: &str, date: NaiveDate) -> Result<(), ValidationError> {
    if date < earliest_date() || date.year() > LATEST_YEAR {
        return Err(invalid(
            field,
            format!("{date} is not a date between 1900 and {LATEST_YEAR}"),
        ));
    }
    Ok(())
}

impl References {
    pub fn new(
        taxonomy: Arc<Taxonomy>,
        geography: Arc<Geography>,
        industries: Option<Arc<Industries>>,
    ) -> References {
        References {
            taxonomy,
            geography,
            industries,
        }
    }

    pub fn taxonomy(&self) -> &Taxonomy {
        &self.taxonomy
    }

    pub fn geography(&self) -> &Geography {
        &self.geography
    }

    pub fn industries(&self) -> Option<&Industries> {
        self.industries.as_deref()
    }

    fn municipality(&self, field: &str, code: &str) -> Result<(), ValidationError> {
        match self.geography.municipality(code) {
            Some(_) => Ok(()),
            None => Err(invalid(
                field,
                format!("no municipality has the code {code:?}"),
            )),
        }
    }

    fn region(&self, field: &str, code: &str) -> Result<(), ValidationError> {
        match self.geography.region(code) {
            Some(_) => Ok(()),
            None => Err(invalid(field, format!("no region has the code {code:?}"))),
        }
    }

    fn occupation(&self, field: &str, uri: &str) -> Result<(), ValidationError> {
        match self.taxonomy.occupation_by_uri(uri) {
            Some(_) => Ok(()),
            None => Err(invalid(field, format!("{uri:?} is not an ESCO occupation"))),
        }
    }

    fn skill(&self, field: &str, uri: Option<&str>) -> Result<(), ValidationError> {
        match uri {
            Some(uri) if self.taxonomy.skill_by_uri(uri).is_none() => {
                Err(invalid(field, format!("{uri:?} is not an ESCO skill")))
            }
            _ => Ok(()),
        }
    }

    fn language(&self, field: &str, code: &str) -> Result<(), ValidationError> {
        if LANGUAGE_CODES.contains(&code) {
            Ok(())
        } else {
            Err(invalid(
                field,
                format!("{code:?} is not an ISO 639-1 language code"),
            ))
        }
    }

    fn licence(&self, field: &str, class: &str) -> Result<(), ValidationError> {
        if LICENCE_CLASSES.contains(&class) {
            Ok(())
        } else {
            Err(invalid(
                field,
                format!("{class:?} is not a driving licence class (B, C, CE…)"),
            ))
        }
    }

    /// Check every code and URI of a vacancy, and its dates. `now` is when
    /// its expiry is written (creation, or a change of `expires_at`): a
    /// vacancy written already expired is refused.
    pub fn check_vacancy(
        &self,
        v: &VacancyDraft,
        now: Option<NaiveDateTime>,
    ) -> Result<(), ValidationError> {
        if let Some(code) = &v.municipality_code {
            self.municipality("municipality_code", code)?;
        }
        if let Some(uri) = &v.occupation_uri {
            self.occupation("occupation_uri", uri)?;
        }
        if let Some(code) = &v.isco_code {
            if self.taxonomy.isco_group(code).is_none() {
                return Err(invalid(
                    "isco_code",
                    format!("{code:?} is not an ISCO-08 unit group"),
                ));
            }
        }
        if let Some(code) = &v.industry_code {
            if self.industries().and_then(|i| i.get(code)).is_none() {
                return Err(invalid(
                    "industry_code",
                    format!("{code:?} is not a TOL 2008 industry"),
                ));
            }
        }
        if !LANGUAGE_CODES.contains(&v.ad_language.as_str()) {
            return Err(invalid(
                "ad_language",
                format!("{:?} is not an ISO 639-1 language code", v.ad_language),
            ));
        }
        for (i, s) in v.skills.iter().enumerate() {
            named(self.skill("", s.skill.uri.as_deref()), || {
                format!("skills[{i}].skill.uri")
            })?;
        }
        for (i, l) in v.languages.iter().enumerate() {
            named(self.language("", &l.value.language), || {
                format!("languages[{i}].language")
            })?;
        }
        for (i, l) in v.licences.iter().enumerate() {
            named(self.licence("", &l.value), || format!("licences[{i}]"))?;
        }
        if let Some(start) = v.start_date {
            check_date("start_date", start)?;
        }
        if let Some(expires) = v.expires_at {
            check_date("expires_at", expires.date())?;
            if now.is_some_and(|now| expires <= now) {
                return Err(invalid("expires_at", "already expired"));
            }
        }
        Ok(())
    }

    /// Check every code and URI of a profile, and its dates.
    pub fn check_profile(&self, p: &ProfileDraft) -> Result<(), ValidationError> {
        if let Some(code) = &p.home_municipality_code {
            self.municipality("home_municipality_code", code)?;
        }
        for (i, code) in p.relocation_regions.iter().enumerate() {
            named(self.region("", code), || format!("relocation_regions[{i}]"))?;
        }
        for (i, uri) in p.desired_occupations.iter().enumerate() {
            named(self.occupation("", uri), || {
                format!("desired_occupations[{i}]")
            })?;
        }
        for (i, w) in p.work_history.iter().enumerate() {
            if let Some(uri) = &w.occupation_uri {
                named(self.occupation("", uri), || {
                    format!("work_history[{i}].occupation_uri")
                })?;
            }
        }
        for (i, s) in p.skills.iter().enumerate() {
            named(self.skill("", s.uri.as_deref()), || {
                format!("skills[{i}].uri")
            })?;
        }
        if let Some(field) = &p.education_field {
            if !EDUCATION_FIELDS.iter().any(|(code, ..)| code == field) {
                return Err(invalid(
                    "education_field",
                    format!("{field:?} is not a Statistics Finland field of education (00–10)"),
                ));
            }
        }
        for (i, l) in p.languages.iter().enumerate() {
            named(self.language("", &l.language), || {
                format!("languages[{i}].language")
            })?;
        }
        for (i, l) in p.licences.iter().enumerate() {
            named(self.licence("", l), || format!("licences[{i}]"))?;
        }
        if let Some(date) = p.available_from {
            check_date("available_from", date)?;
        }
        if let Some(at) = p.consent_expires_at {
            check_date("consent_expires_at", at.date())?;
        }
        Ok(())
    }
}
