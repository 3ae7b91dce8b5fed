//! The one place that knows the index's field names and handles.
//!
//! One index holds vacancies and profiles (`kind`); `doc_key`
//! ("vacancy:17", "profile:4") is the unique term an upsert deletes by.
//! Concept ids (ESCO URIs, ISCO codes, municipality and region codes) are
//! `STRING` terms; text is analysed per language (see [`super::analysis`]);
//! numbers and dates that ranking and filtering read per document are fast
//! fields. There is deliberately no field for a protected attribute (age,
//! gender, nationality, origin, mother tongue, health, family, religion,
//! opinions …): see DESIGN.md invariant 3 and the test below.

use tantivy::schema::{
    Field, IndexRecordOption, NumericOptions, Schema, TextFieldIndexing, TextOptions, FAST,
    INDEXED, STORED, STRING,
};

use super::analysis::{ANALYZER_EN, ANALYZER_FI, ANALYZER_SV};
use crate::taxonomy::Lang;

/// Field handles of the index schema.
#[derive(Debug, Clone)]
pub struct IndexSchema {
    pub schema: Schema,
    /// `vacancy:<id>` / `profile:<id>`: the upsert key.
    pub doc_key: Field,
    /// `vacancy` or `profile`.
    pub kind: Field,
    pub id: Field,
    pub version: Field,
    /// Vacancy: owner organization. Profile: managing employment office.
    pub owner_org: Field,
    /// Vacancy: `public` / `hidden` / `shared`.
    pub visibility: Field,
    /// Vacancy: agencies a `shared` vacancy is shared with.
    pub shared_with: Field,
    /// Profile: consented to agencies (`true`/`false`).
    pub consent_agencies: Field,
    /// Profile: when the consent ends (far future when open-ended).
    pub consent_expires: Field,
    /// Vacancy or profile status.
    pub status: Field,
    /// ESCO occupation URIs: the vacancy's, the profile's desired ones.
    pub occupation: Field,
    /// ISCO-08 codes of `occupation` at all four levels ("2", "22", "222", "2221").
    pub isco: Field,
    /// Profile: occupations of the work history.
    pub experience_occupation: Field,
    /// Profile: ISCO codes of the work history at all four levels.
    pub experience_isco: Field,
    /// Profile: ESCO skill URIs.
    pub skill: Field,
    /// Vacancy: essential skill URIs.
    pub skill_essential: Field,
    /// Vacancy: nice-to-have skill URIs.
    pub skill_nice: Field,
    /// Vacancy: workplace. Profile: home.
    pub municipality: Field,
    pub sub_region: Field,
    pub region: Field,
    /// Profile: `none` / `regions` / `nationwide`.
    pub relocation: Field,
    /// Profile: regions the jobseeker would move to.
    pub relocation_region: Field,
    /// Profile: maximum commute (km).
    pub max_commute_km: Field,
    pub lat: Field,
    pub lon: Field,
    /// Vacancy: work time. Profile: work-time preference.
    pub work_time: Field,
    /// Vacancy: remote mode. Profile: remote preference.
    pub remote: Field,
    /// Vacancy: contract type.
    pub contract_type: Field,
    /// Language skills as a ladder of `<lang>:<level>` terms: a profile with
    /// Finnish at B2 has fi:a1 … fi:b2, so "at least B2" is the term fi:b2.
    /// Vacancy: the required `<lang>:<level>` terms.
    pub language: Field,
    /// Vacancy: hard language requirements (`<lang>:<level>`).
    pub language_hard: Field,
    /// Driving licence classes (lower case).
    pub licence: Field,
    pub licence_hard: Field,
    /// Certificates (normalised lower case).
    pub certificate: Field,
    pub certificate_hard: Field,
    /// Vacancy: language of the ad.
    pub ad_language: Field,
    pub positions: Field,
    pub salary_min: Field,
    pub salary_max: Field,
    pub created_at: Field,
    pub updated_at: Field,
    /// Vacancy: expiry (far future when none).
    pub expires_at: Field,
    /// Vacancy: start date.
    pub start_date: Field,
    /// Profile: available from.
    pub available_from: Field,
    /// Profile: last active (retention).
    pub last_active: Field,
    /// The title as written (stored, for display).
    pub title: Field,
    /// Title and occupation labels, analysed per language.
    pub title_fi: Field,
    pub title_sv: Field,
    pub title_en: Field,
    /// Vacancy: description and skill labels, analysed per language (the
    /// free-text search reads them; profiles have none).
    pub body_fi: Field,
    pub body_sv: Field,
    pub body_en: Field,
    /// The match record ([`crate::records::Record`], JSON), stored.
    pub record: Field,
}

fn text(analyzer: &str, stored: bool) -> TextOptions {
    let options = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(analyzer)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    if stored {
        options.set_stored()
    } else {
        options
    }
}

impl IndexSchema {
    pub fn new() -> IndexSchema {
        let mut b = Schema::builder();
        let fast_num = || NumericOptions::default().set_fast().set_indexed();
        let s = IndexSchema {
            doc_key: b.add_text_field("doc_key", STRING | STORED),
            kind: b.add_text_field("kind", STRING | STORED),
            id: b.add_u64_field("id", INDEXED | FAST | STORED),
            version: b.add_i64_field("version", FAST | STORED),
            owner_org: b.add_u64_field("owner_org", fast_num()),
            visibility: b.add_text_field("visibility", STRING),
            shared_with: b.add_u64_field("shared_with", INDEXED),
            consent_agencies: b.add_bool_field("consent_agencies", fast_num()),
            consent_expires: b.add_date_field("consent_expires", INDEXED | FAST),
            status: b.add_text_field("status", STRING),
            occupation: b.add_text_field("occupation", STRING),
            isco: b.add_text_field("isco", STRING),
            experience_occupation: b.add_text_field("experience_occupation", STRING),
            experience_isco: b.add_text_field("experience_isco", STRING),
            skill: b.add_text_field("skill", STRING),
            skill_essential: b.add_text_field("skill_essential", STRING),
            skill_nice: b.add_text_field("skill_nice", STRING),
            municipality: b.add_text_field("municipality", STRING),
            sub_region: b.add_text_field("sub_region", STRING),
            region: b.add_text_field("region", STRING),
            relocation: b.add_text_field("relocation", STRING),
            relocation_region: b.add_text_field("relocation_region", STRING),
            max_commute_km: b.add_u64_field("max_commute_km", FAST),
            lat: b.add_f64_field("lat", FAST),
            lon: b.add_f64_field("lon", FAST),
            work_time: b.add_text_field("work_time", STRING),
            remote: b.add_text_field("remote", STRING),
            contract_type: b.add_text_field("contract_type", STRING),
            language: b.add_text_field("language", STRING),
            language_hard: b.add_text_field("language_hard", STRING),
            licence: b.add_text_field("licence", STRING),
            licence_hard: b.add_text_field("licence_hard", STRING),
            certificate: b.add_text_field("certificate", STRING),
            certificate_hard: b.add_text_field("certificate_hard", STRING),
            ad_language: b.add_text_field("ad_language", STRING),
            positions: b.add_u64_field("positions", FAST),
            salary_min: b.add_u64_field("salary_min", FAST),
            salary_max: b.add_u64_field("salary_max", FAST),
            created_at: b.add_date_field("created_at", INDEXED | FAST),
            updated_at: b.add_date_field("updated_at", INDEXED | FAST),
            expires_at: b.add_date_field("expires_at", INDEXED | FAST),
            start_date: b.add_date_field("start_date", INDEXED | FAST),
            available_from: b.add_date_field("available_from", INDEXED | FAST),
            last_active: b.add_date_field("last_active", INDEXED | FAST),
            title: b.add_text_field("title", STORED),
            title_fi: b.add_text_field("title_fi", text(ANALYZER_FI, false)),
            title_sv: b.add_text_field("title_sv", text(ANALYZER_SV, false)),
            title_en: b.add_text_field("title_en", text(ANALYZER_EN, false)),
            body_fi: b.add_text_field("body_fi", text(ANALYZER_FI, false)),
            body_sv: b.add_text_field("body_sv", text(ANALYZER_SV, false)),
            body_en: b.add_text_field("body_en", text(ANALYZER_EN, false)),
            record: b.add_bytes_field("record", STORED),
            schema: Schema::builder().build(),
        };
        IndexSchema {
            schema: b.build(),
            ..s
        }
    }

    /// The title field of a language.
    pub fn title_field(&self, lang: Lang) -> Field {
        match lang {
            Lang::Fi => self.title_fi,
            Lang::Sv => self.title_sv,
            Lang::En => self.title_en,
        }
    }

    /// The body field of a language.
    pub fn body_field(&self, lang: Lang) -> Field {
        match lang {
            Lang::Fi => self.body_fi,
            Lang::Sv => self.body_sv,
            Lang::En => self.body_en,
        }
    }

    /// Every field name, for checks and documentation.
    pub fn field_names(&self) -> Vec<&str> {
        self.schema.fields().map(|(_, e)| e.name()).collect()
    }
}

impl Default for IndexSchema {
    fn default() -> Self {
        IndexSchema::new()
    }
}

/// The protected attribute a field name speaks of, if any (DESIGN.md
/// invariant 3): index fields and match record keys are checked with it.
pub fn protected_attribute(name: &str) -> Option<&'static str> {
    // Whole words of a field name…
    const WORDS: &[&str] = &[
        "age",
        "birth",
        "born",
        "birthday",
        "sex",
        "race",
        "origin",
        "mother",
        "tongue",
        "native",
        "health",
        "family",
        "child",
        "children",
        "faith",
        "opinion",
        "union",
        "orientation",
        "photo",
        "name",
        "email",
        "phone",
        "address",
        "ssn",
        "hetu",
        "notes",
        "contact",
    ];
    // …and word beginnings.
    const STEMS: &[&str] = &[
        "gender",
        "nationalit",
        "citizen",
        "ethnic",
        "disab",
        "sick",
        "pregnan",
        "marit",
        "married",
        "religio",
        "politic",
    ];
    name.split('_').find_map(|part| {
        WORDS
            .iter()
            .find(|w| **w == part)
            .or_else(|| STEMS.iter().find(|s| part.starts_with(**s)))
            .copied()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn protected(name: &str) -> Option<&'static str> {
        protected_attribute(name)
    }

    /// DESIGN.md invariant 3: no protected attribute is ever indexed. A field
    /// whose name speaks of one fails this test.
    #[test]
    fn no_field_for_a_protected_attribute() {
        for bad in [
            "birth_year",
            "gender",
            "mother_tongue",
            "nationality",
            "religion",
            "age",
        ] {
            assert!(protected(bad).is_some(), "{bad} not caught");
        }
        let schema = IndexSchema::new();
        let names = schema.field_names();
        assert!(names.len() > 40, "{names:?}");
        for name in names {
            assert_eq!(protected(name), None, "field {name:?}");
        }
    }
}
