//! Profile CSV: UTF-8, comma-separated, quoted as RFC 4180, a header row
//! naming [`Column`]s, one row per profile. Multi-valued cells are
//! `;`-lists. Concepts may be named by code or URI, or by label or name
//! through a [`LabelIndex`]; docs/import.md has the table of columns and
//! their defaults.
//!
//! Reading checks each cell and collects every problem of every row;
//! `profile_import::writer` writes profiles in the same shape.

use chrono::{NaiveDate, NaiveDateTime};
use matcher::domain::{
    LanguageLevel, LanguageSkill, OrgId, ProfileDraft, ProfileStatus, Relocation, RemotePreference,
    SkillRef, WorkExperience, WorkTimePreference,
};
use matcher::labels::{LabelIndex, Lookup};
use matcher::taxonomy::Lang;

use super::record::{map_in_parallel, ImportRow, Issue, ParsedFile, RowChunks};
use crate::store::external_profiles::ExternalProfile;

macro_rules! columns {
    ($($variant:ident => $name:literal),+ $(,)?) => {
        /// A column of a profile CSV.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum Column { $($variant),+ }

        impl Column {
            /// Every column, in the order [`ProfileCsvWriter`] writes them.
            pub const ALL: &'static [Column] = &[$(Column::$variant),+];

            pub fn name(self) -> &'static str {
                match self { $(Column::$variant => $name),+ }
            }
        }
    };
}

columns! {
    Source => "source",
    SourceId => "source_id",
    FullName => "full_name",
    Email => "email",
    Phone => "phone",
    Notes => "notes",
    HomeMunicipality => "home_municipality",
    AbroadCountry => "abroad_country",
    MaxCommuteKm => "max_commute_km",
    Relocation => "relocation",
    RelocationRegions => "relocation_regions",
    RemotePreference => "remote_preference",
    DesiredOccupations => "desired_occupations",
    WorkHistory => "work_history",
    Skills => "skills",
    EducationLevel => "education_level",
    EducationField => "education_field",
    Languages => "languages",
    Licences => "licences",
    Certificates => "certificates",
    WorkTimePreference => "work_time_preference",
    AvailableFrom => "available_from",
    ConsentAgencies => "consent_agencies",
    ConsentExpiresAt => "consent_expires_at",
    Status => "status",
    LastActiveAt => "last_active_at",
}

/// The columns every file has.
const REQUIRED: &[Column] = &[Column::Source, Column::SourceId, Column::FullName];

/// The column of a profile field named by [`ProfileDraft::validate`] or
/// [`matcher::references::References::check_profile`]:
/// `contact.full_name` → `full_name`, `skills[3].uri` → `skills`.
pub fn column_of(field: &str) -> &str {
    let field = field.strip_prefix("contact.").unwrap_or(field);
    let field = field.split(['[', '.']).next().unwrap_or(field);
    match field {
        "home_municipality_code" => Column::HomeMunicipality.name(),
        other => other,
    }
}

/// Where each column sits in the file's rows.
struct Header {
    at: Vec<Option<usize>>,
}

impl Header {
    /// The header row: every column known, none twice, the required ones
    /// present.
    fn read(record: &csv::StringRecord) -> Result<Header, Vec<Issue>> {
        let mut at = vec![None; Column::ALL.len()];
        let mut issues = Vec::new();
        for (i, name) in record.iter().enumerate() {
            let name = name.trim().to_ascii_lowercase();
            match Column::ALL.iter().position(|c| c.name() == name) {
                Some(c) if at[c].is_some() => {
                    issues.push(Issue::new(1, &name, "the column is named twice"));
                }
                Some(c) => at[c] = Some(i),
                None => issues.push(
                    Issue::new(
                        1,
                        &name,
                        format!(
                            "unknown column {name:?}; the columns are {}",
                            Column::ALL
                                .iter()
                                .map(|c| c.name())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    )
                    .value(&name),
                ),
            }
        }
        for &c in REQUIRED {
            if at[c as usize].is_none() {
                issues.push(Issue::new(1, c.name(), "the required column is missing"));
            }
        }
        if issues.is_empty() {
            Ok(Header { at })
        } else {
            Err(issues)
        }
    }
}

/// One data row being read: its cells and the problems found so far.
struct Row<'a> {
    line: usize,
    record: &'a csv::StringRecord,
    header: &'a Header,
    labels: &'a LabelIndex<'a>,
    errors: Vec<Issue>,
    warnings: Vec<Issue>,
}

/// The items of a `;`-list, trimmed, empty ones left out.
fn items(cell: &str) -> impl Iterator<Item = &str> {
    cell.split(';').map(str::trim).filter(|s| !s.is_empty())
}

/// A date as `2026-12-04` or as Finns write it, `4.12.2026`.
fn date(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(text, "%d.%m.%Y"))
        .ok()
}

/// A date-time as RFC 3339 (converted to UTC) or without an offset (UTC),
/// or a date (its midnight, UTC).
fn date_time(text: &str) -> Option<NaiveDateTime> {
    text.parse::<NaiveDateTime>()
        .ok()
        .or_else(|| NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S").ok())
        .or_else(|| {
            chrono::DateTime::parse_from_rfc3339(text)
                .ok()
                .map(|t| t.naive_utc())
        })
        .or_else(|| date(text).map(|d| d.and_time(chrono::NaiveTime::MIN)))
}

impl Row<'_> {
    fn cell(&self, column: Column) -> &str {
        self.header.at[column as usize]
            .and_then(|i| self.record.get(i))
            .map_or("", str::trim)
    }

    fn error(&mut self, column: Column, value: &str, reason: impl Into<String>) {
        self.errors
            .push(Issue::new(self.line, column.name(), reason).value(value));
    }

    fn required(&mut self, column: Column) -> String {
        let value = self.cell(column).to_owned();
        if value.is_empty() {
            self.errors
                .push(Issue::new(self.line, column.name(), "required"));
        }
        value
    }

    fn optional(&self, column: Column) -> Option<String> {
        Some(self.cell(column))
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    }

    /// A closed vocabulary (`full_time`, `nationwide`…), any case.
    fn vocabulary<T>(&mut self, column: Column, default: T) -> T
    where
        T: std::str::FromStr<Err = matcher::domain::InvalidValue>,
    {
        let text = self.cell(column).to_ascii_lowercase();
        if text.is_empty() {
            return default;
        }
        match text.parse() {
            Ok(v) => v,
            Err(e) => {
                let reason = format!("{text:?} is not one of: {}", e.expected.trim());
                self.error(column, &text, reason);
                default
            }
        }
    }

    fn number<T: std::str::FromStr>(&mut self, column: Column, what: &str) -> Option<T> {
        let text = self.cell(column).to_owned();
        if text.is_empty() {
            return None;
        }
        match text.parse() {
            Ok(n) => Some(n),
            Err(_) => {
                self.error(column, &text, format!("{text:?} is not {what}"));
                None
            }
        }
    }

    fn date_time(&mut self, column: Column) -> Option<NaiveDateTime> {
        let text = self.cell(column).to_owned();
        if text.is_empty() {
            return None;
        }
        let at = date_time(&text);
        if at.is_none() {
            let reason = format!("{text:?} is not a date-time (2026-12-04T09:30:00Z) or a date");
            self.error(column, &text, reason);
        }
        at
    }

    /// Resolve a name through `lookup`; an unknown or ambiguous one is an
    /// error saying what it is not (`what`).
    fn resolve(
        &mut self,
        column: Column,
        text: &str,
        what: &str,
        lookup: Lookup,
    ) -> Option<String> {
        match lookup {
            Lookup::Found(id) => Some(id),
            Lookup::Unknown => {
                self.error(column, text, format!("{text:?} is not {what}"));
                None
            }
            Lookup::Ambiguous(candidates) => {
                let reason = format!("{text:?} is ambiguous: it names {}", candidates.join(", "));
                self.error(column, text, reason);
                None
            }
        }
    }

    fn occupation(&mut self, column: Column, text: &str) -> Option<String> {
        let lookup = self.labels.occupation(text);
        let what = if text.starts_with("http") {
            "an ESCO occupation URI"
        } else {
            "an ESCO occupation label (fi, sv or en) or URI"
        };
        self.resolve(column, text, what, lookup)
    }

    /// The label a concept named by `text` is shown with: `text` itself,
    /// or for a URI the preferred Finnish label (English where ESCO has no
    /// Finnish one).
    fn shown(text: &str, uri: &str, label_of: impl Fn(&str) -> Option<String>) -> String {
        if text == uri {
            label_of(uri).unwrap_or_else(|| text.to_owned())
        } else {
            text.to_owned()
        }
    }

    fn occupations(&mut self) -> Vec<String> {
        let cell = self.cell(Column::DesiredOccupations).to_owned();
        let mut out: Vec<String> = Vec::new();
        for text in items(&cell) {
            if let Some(uri) = self.occupation(Column::DesiredOccupations, text) {
                if !out.contains(&uri) {
                    out.push(uri);
                }
            }
        }
        out
    }

    /// `occupation|years` or `occupation|title|years`; the occupation may
    /// be left empty when a title is given.
    fn work_history(&mut self) -> Vec<WorkExperience> {
        let column = Column::WorkHistory;
        let cell = self.cell(column).to_owned();
        let mut out = Vec::new();
        for text in items(&cell) {
            let parts: Vec<&str> = text.split('|').map(str::trim).collect();
            let (occupation, title, years) = match parts[..] {
                [occupation, years] => (occupation, "", years),
                [occupation, title, years] => (occupation, title, years),
                _ => {
                    let reason =
                        format!("{text:?} is not occupation|years or occupation|title|years");
                    self.error(column, text, reason);
                    continue;
                }
            };
            let Ok(years) = years.replace(',', ".").parse::<f64>() else {
                self.error(column, text, format!("{years:?} is not a number of years"));
                continue;
            };
            let uri = if occupation.is_empty() {
                None
            } else {
                match self.occupation(column, occupation) {
                    Some(uri) => Some(uri),
                    None => continue,
                }
            };
            let title = match (title, &uri) {
                ("", Some(uri)) => Self::shown(occupation, uri, |u| {
                    self.labels
                        .taxonomy()
                        .occupation_by_uri(u)
                        .map(|o| o.labels.get(Lang::Fi).to_owned())
                }),
                ("", None) => {
                    self.error(
                        column,
                        text,
                        format!("{text:?} names no occupation or title"),
                    );
                    continue;
                }
                (title, _) => title.to_owned(),
            };
            out.push(WorkExperience {
                occupation_uri: uri,
                title,
                years,
            });
        }
        out
    }

    /// ESCO skills by URI or label; a label ESCO does not have is kept as
    /// free text (with a warning), a URI it does not have is an error.
    fn skills(&mut self) -> Vec<SkillRef> {
        let column = Column::Skills;
        let cell = self.cell(column).to_owned();
        let mut out: Vec<SkillRef> = Vec::new();
        for text in items(&cell) {
            let lookup = self.labels.skill(text);
            let skill = match lookup {
                Lookup::Unknown if !text.starts_with("http") => {
                    let reason = format!("{text:?} is not an ESCO skill label; kept as free text");
                    self.warnings
                        .push(Issue::new(self.line, column.name(), reason).value(text));
                    SkillRef {
                        uri: None,
                        label: text.to_owned(),
                    }
                }
                lookup => {
                    let Some(uri) = self.resolve(column, text, "an ESCO skill URI", lookup) else {
                        continue;
                    };
                    let label = Self::shown(text, &uri, |u| {
                        self.labels
                            .taxonomy()
                            .skill_by_uri(u)
                            .map(|s| s.labels.get(Lang::Fi).to_owned())
                    });
                    SkillRef {
                        uri: Some(uri),
                        label,
                    }
                }
            };
            let repeated = out.iter().any(|s| match (&s.uri, &skill.uri) {
                (Some(a), Some(b)) => a == b,
                (None, None) => s.label.eq_ignore_ascii_case(&skill.label),
                _ => false,
            });
            if !repeated {
                out.push(skill);
            }
        }
        out
    }

    /// `fi:native;sv:b1`.
    fn languages(&mut self) -> Vec<LanguageSkill> {
        let column = Column::Languages;
        let cell = self.cell(column).to_owned();
        let mut out = Vec::new();
        for text in items(&cell) {
            let Some((language, level)) = text.split_once(':') else {
                self.error(
                    column,
                    text,
                    format!("{text:?} is not language:level (fi:b2)"),
                );
                continue;
            };
            let level = level.trim().to_ascii_lowercase();
            match level.parse::<LanguageLevel>() {
                Ok(level) => out.push(LanguageSkill {
                    language: language.trim().to_ascii_lowercase(),
                    level,
                }),
                Err(e) => {
                    let reason = format!("{level:?} is not a level: {}", e.expected.trim());
                    self.error(column, text, reason);
                }
            }
        }
        out
    }

    fn regions(&mut self) -> Vec<String> {
        let column = Column::RelocationRegions;
        let cell = self.cell(column).to_owned();
        let mut out: Vec<String> = Vec::new();
        for text in items(&cell) {
            let lookup = self.labels.region(text);
            if let Some(code) = self.resolve(column, text, "a region code or name", lookup) {
                if !out.contains(&code) {
                    out.push(code);
                }
            }
        }
        out
    }

    fn consent(&mut self) -> bool {
        let text = self.cell(Column::ConsentAgencies).to_ascii_lowercase();
        match text.as_str() {
            "" | "false" | "0" | "no" => false,
            "true" | "1" | "yes" => true,
            _ => {
                self.error(
                    Column::ConsentAgencies,
                    &text,
                    format!("{text:?} is not true or false"),
                );
                false
            }
        }
    }

    /// The row as a profile of `office`, or `None` when a cell was refused.
    fn profile(mut self, office: OrgId, now: NaiveDateTime) -> RowOutcome {
        let source = self.required(Column::Source);
        let source_id = self.required(Column::SourceId);
        let mut draft = ProfileDraft::with_defaults(office, now);
        draft.contact.full_name = self.required(Column::FullName);
        draft.contact.email = self.optional(Column::Email);
        draft.contact.phone = self.optional(Column::Phone);
        draft.contact.notes = self.optional(Column::Notes);
        let home = self.cell(Column::HomeMunicipality).to_owned();
        if !home.is_empty() {
            let lookup = self.labels.municipality(&home);
            draft.home_municipality_code = self.resolve(
                Column::HomeMunicipality,
                &home,
                "a municipality code or name",
                lookup,
            );
        }
        draft.abroad_country = self
            .optional(Column::AbroadCountry)
            .map(|c| c.to_ascii_uppercase());
        if let Some(km) = self.number(Column::MaxCommuteKm, "a number of kilometres") {
            draft.max_commute_km = km;
        }
        draft.relocation_regions = self.regions();
        let relocation = if draft.relocation_regions.is_empty() {
            Relocation::None
        } else {
            Relocation::Regions
        };
        draft.relocation = self.vocabulary(Column::Relocation, relocation);
        draft.remote_preference = self.vocabulary(Column::RemotePreference, RemotePreference::Any);
        draft.desired_occupations = self.occupations();
        draft.work_history = self.work_history();
        draft.skills = self.skills();
        draft.education_level = self.number(Column::EducationLevel, "an ISCED level 0–8");
        let field = self.cell(Column::EducationField).to_owned();
        if !field.is_empty() {
            let lookup = self.labels.education_field(&field);
            draft.education_field = self.resolve(
                Column::EducationField,
                &field,
                "a field of education code (00–10) or name",
                lookup,
            );
        }
        draft.languages = self.languages();
        draft.licences = items(self.cell(Column::Licences))
            .map(str::to_ascii_uppercase)
            .collect();
        draft.certificates = items(self.cell(Column::Certificates))
            .map(str::to_owned)
            .collect();
        draft.work_time_preference =
            self.vocabulary(Column::WorkTimePreference, WorkTimePreference::Any);
        let available = self.cell(Column::AvailableFrom).to_owned();
        if !available.is_empty() {
            draft.available_from = date(&available);
            if draft.available_from.is_none() {
                let reason = format!("{available:?} is not a date (2026-12-04 or 4.12.2026)");
                self.error(Column::AvailableFrom, &available, reason);
            }
        }
        draft.consent_agencies = self.consent();
        draft.consent_expires_at = self.date_time(Column::ConsentExpiresAt);
        draft.status = self.vocabulary(Column::Status, ProfileStatus::Active);
        if let Some(at) = self.date_time(Column::LastActiveAt) {
            draft.last_active_at = at;
        }
        let profile = self.errors.is_empty().then_some(ImportRow {
            line: self.line,
            profile: ExternalProfile {
                source,
                source_id,
                draft,
            },
        });
        RowOutcome {
            profile,
            errors: self.errors,
            warnings: self.warnings,
        }
    }
}

struct RowOutcome {
    profile: Option<ImportRow>,
    errors: Vec<Issue>,
    warnings: Vec<Issue>,
}

/// A profile CSV being read as profiles of `office`, a stretch of rows at
/// a time; `now` is the last activity of rows that leave it empty.
pub struct CsvRows<'a, 't> {
    reader: csv::Reader<&'a [u8]>,
    /// `None` when the header was refused (its problems are the first
    /// chunk; nothing else is read).
    header: Option<Header>,
    header_errors: Vec<Issue>,
    width: usize,
    labels: &'a LabelIndex<'t>,
    office: OrgId,
    now: NaiveDateTime,
    done: bool,
}

impl std::fmt::Debug for CsvRows<'_, '_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CsvRows").field("done", &self.done).finish()
    }
}

fn line_of(e: &csv::Error) -> usize {
    e.position().map_or(0, |p| p.line() as usize)
}

impl<'a, 't> CsvRows<'a, 't> {
    /// Start reading: the header row is read and checked here.
    pub fn new(
        bytes: &'a [u8],
        office: OrgId,
        now: NaiveDateTime,
        labels: &'a LabelIndex<'t>,
    ) -> CsvRows<'a, 't> {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(bytes);
        let mut record = csv::StringRecord::new();
        let header = match reader.read_record(&mut record) {
            Ok(true) => Header::read(&record),
            Ok(false) => Err(vec![Issue::new(1, "header", "the file is empty")]),
            Err(e) => Err(vec![Issue::new(
                line_of(&e).max(1),
                "header",
                e.to_string(),
            )]),
        };
        let (header, header_errors) = match header {
            Ok(header) => (Some(header), Vec::new()),
            Err(issues) => (None, issues),
        };
        CsvRows {
            reader,
            header,
            header_errors,
            width: record.len(),
            labels,
            office,
            now,
            done: false,
        }
    }
}

impl RowChunks for CsvRows<'_, '_> {
    fn next_chunk(&mut self, n: usize) -> Option<ParsedFile> {
        if self.done {
            return None;
        }
        let mut out = ParsedFile::default();
        let Some(header) = &self.header else {
            self.done = true;
            out.errors = std::mem::take(&mut self.header_errors);
            return Some(out);
        };
        let mut records = Vec::new();
        let mut record = csv::StringRecord::new();
        while records.len() < n {
            match self.reader.read_record(&mut record) {
                Ok(false) => {
                    self.done = true;
                    break;
                }
                Ok(true) => {}
                Err(e) => {
                    out.rows += 1;
                    out.errors
                        .push(Issue::new(line_of(&e), "row", e.to_string()));
                    if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                        self.done = true;
                        break;
                    }
                    continue;
                }
            }
            let line = record.position().map_or(0, |p| p.line() as usize);
            if record.iter().all(|cell| cell.trim().is_empty()) {
                continue;
            }
            out.rows += 1;
            if record.len() != self.width {
                let reason = format!("{} cells; the header has {}", record.len(), self.width);
                out.errors.push(Issue::new(line, "row", reason));
                continue;
            }
            records.push((line, std::mem::take(&mut record)));
        }
        let (labels, office, now) = (self.labels, self.office, self.now);
        let outcomes = map_in_parallel(&records, |(line, record)| {
            let row = Row {
                line: *line,
                record,
                header,
                labels,
                errors: Vec::new(),
                warnings: Vec::new(),
            };
            row.profile(office, now)
        });
        for outcome in outcomes {
            out.errors.extend(outcome.errors);
            out.warnings.extend(outcome.warnings);
            out.profiles.extend(outcome.profile);
        }
        out.errors.sort_by_key(|e| e.line);
        Some(out)
    }
}

/// Read a whole profile CSV as profiles of `office`.
pub fn read_csv(
    bytes: &[u8],
    office: OrgId,
    now: NaiveDateTime,
    labels: &LabelIndex<'_>,
) -> ParsedFile {
    CsvRows::new(bytes, office, now, labels).read_all()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_of_the_domain_rules_are_named_by_their_column() {
        assert_eq!(column_of("contact.full_name"), "full_name");
        assert_eq!(column_of("skills[3].uri"), "skills");
        assert_eq!(column_of("work_history[0].years"), "work_history");
        assert_eq!(column_of("home_municipality_code"), "home_municipality");
        assert_eq!(column_of("relocation_regions"), "relocation_regions");
    }

    #[test]
    fn dates_read_as_iso_or_as_finns_write_them() {
        let day = NaiveDate::from_ymd_opt(2026, 12, 4).unwrap();
        assert_eq!(date("2026-12-04"), Some(day));
        assert_eq!(date("4.12.2026"), Some(day));
        assert_eq!(date("31.2.2026"), None);
        let midnight = day.and_time(chrono::NaiveTime::MIN);
        assert_eq!(date_time("2026-12-04"), Some(midnight));
        assert_eq!(date_time("2026-12-04T02:00:00+02:00"), Some(midnight));
        assert_eq!(date_time("2026-12-04 00:00:00"), Some(midnight));
        assert_eq!(date_time("soon"), None);
    }

    #[test]
    fn the_header_names_known_columns_once_and_the_required_ones() {
        let header = |names: &[&str]| Header::read(&csv::StringRecord::from(names.to_vec()));
        assert!(header(&["Source", " source_id ", "full_name", "skills"]).is_ok());
        let issues = header(&["source", "shoe_size", "skills", "skills"])
            .err()
            .unwrap();
        let fields: Vec<&str> = issues.iter().map(|i| i.field.as_str()).collect();
        assert_eq!(fields, ["shoe_size", "skills", "source_id", "full_name"]);
        assert!(issues.iter().all(|i| i.line == 1));
    }
}
