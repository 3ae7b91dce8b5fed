//! Profiles written as a profile CSV ([`super::columns`]): what the import
//! benchmark feeds back in, with concepts named as a customer system would
//! name them.

use matcher::domain::SkillRef;
use matcher::labels::{LabelIndex, Lookup};
use matcher::taxonomy::Lang;

use super::columns::Column;
use crate::store::external_profiles::ExternalProfile;

/// Writes profiles as a profile CSV: the header, then one row per profile.
pub struct ProfileCsvWriter<W: std::io::Write> {
    out: csv::Writer<W>,
}

impl<W: std::io::Write> std::fmt::Debug for ProfileCsvWriter<W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProfileCsvWriter").finish_non_exhaustive()
    }
}

/// How the writer names concepts.
#[derive(Debug, Clone, Copy)]
pub enum Naming<'a> {
    /// URIs and codes, as stored.
    Codes,
    /// As a customer system would: an occupation by its Finnish label, a
    /// skill by the label it carries, a municipality by its Finnish name —
    /// each where the index finds that name again unambiguously, else by
    /// URI or code.
    Labels(&'a LabelIndex<'a>),
}

/// Whether `label` can stand in a `;`-list or a `|`-item for `uri`.
fn names(label: &str, lookup: Lookup, uri: &str) -> bool {
    !label.contains([';', '|']) && lookup == Lookup::Found(uri.to_owned())
}

impl<W: std::io::Write> ProfileCsvWriter<W> {
    /// A writer that has written the header.
    pub fn new(out: W) -> Result<ProfileCsvWriter<W>, csv::Error> {
        let mut out = csv::Writer::from_writer(out);
        out.write_record(Column::ALL.iter().map(|c| c.name()))?;
        Ok(ProfileCsvWriter { out })
    }

    /// Write one profile.
    pub fn write(&mut self, p: &ExternalProfile, naming: Naming<'_>) -> Result<(), csv::Error> {
        let d = &p.draft;
        let occupation = |uri: &str| -> String {
            if let Naming::Labels(labels) = naming {
                let label = labels
                    .taxonomy()
                    .occupation_by_uri(uri)
                    .map(|o| o.labels.get(Lang::Fi));
                if let Some(label) = label {
                    if names(label, labels.occupation(label), uri) {
                        return label.to_owned();
                    }
                }
            }
            uri.to_owned()
        };
        let skill = |s: &SkillRef| -> String {
            match (&s.uri, naming) {
                (Some(uri), Naming::Labels(labels))
                    if names(&s.label, labels.skill(&s.label), uri) =>
                {
                    s.label.clone()
                }
                (Some(uri), _) => uri.clone(),
                (None, _) => s.label.clone(),
            }
        };
        let home = match (&d.home_municipality_code, naming) {
            (Some(code), Naming::Labels(labels)) => labels
                .geography()
                .municipality(code)
                .map_or_else(|| code.clone(), |m| m.name_fi.clone()),
            (Some(code), Naming::Codes) => code.clone(),
            (None, _) => String::new(),
        };
        let list = |items: Vec<String>| items.join(";");
        let opt = |v: &Option<String>| v.clone().unwrap_or_default();
        let record = [
            p.source.clone(),
            p.source_id.clone(),
            d.contact.full_name.clone(),
            opt(&d.contact.email),
            opt(&d.contact.phone),
            opt(&d.contact.notes),
            home,
            opt(&d.abroad_country),
            d.max_commute_km.to_string(),
            d.relocation.as_str().to_owned(),
            list(d.relocation_regions.clone()),
            d.remote_preference.as_str().to_owned(),
            list(
                d.desired_occupations
                    .iter()
                    .map(|u| occupation(u))
                    .collect(),
            ),
            list(
                d.work_history
                    .iter()
                    .map(|w| {
                        let occ = w
                            .occupation_uri
                            .as_deref()
                            .map(occupation)
                            .unwrap_or_default();
                        format!("{occ}|{}|{}", w.title, w.years)
                    })
                    .collect(),
            ),
            list(d.skills.iter().map(skill).collect()),
            d.education_level.map(|l| l.to_string()).unwrap_or_default(),
            opt(&d.education_field),
            list(
                d.languages
                    .iter()
                    .map(|l| format!("{}:{}", l.language, l.level))
                    .collect(),
            ),
            list(d.licences.clone()),
            list(d.certificates.clone()),
            d.work_time_preference.as_str().to_owned(),
            d.available_from.map(|a| a.to_string()).unwrap_or_default(),
            d.consent_agencies.to_string(),
            d.consent_expires_at
                .map(|t| t.format("%Y-%m-%dT%H:%M:%S").to_string())
                .unwrap_or_default(),
            d.status.as_str().to_owned(),
            d.last_active_at.format("%Y-%m-%dT%H:%M:%S%.f").to_string(),
        ];
        self.out.write_record(&record)
    }

    /// Flush and hand back the output.
    pub fn finish(self) -> Result<W, csv::Error> {
        self.out
            .into_inner()
            .map_err(|e| csv::Error::from(std::io::Error::other(e.to_string())))
    }
}
