//! Profile JSON Lines: one JSON object per line, the body `POST
//! /v1/profiles` takes — any fields of a profile but `managing_org`, the
//! rest defaulted as the API defaults them — with the external id
//! `source` and `source_id`. Concepts are named by URI and code, as in the
//! API. Blank lines are skipped.

use chrono::NaiveDateTime;
use matcher::domain::integral_numbers;
use matcher::domain::{OrgId, ProfileDraft};
use serde_json::{Map, Value};

use super::record::{map_in_parallel, ImportRow, Issue, ParsedFile, RowChunks};
use crate::store::external_profiles::ExternalProfile;

/// Fields a line may not set: the store sets them.
const FIXED: &[&str] = &[
    "managing_org",
    "id",
    "pseudonym",
    "version",
    "created_at",
    "updated_at",
];

/// The external id field `name` of a line: a non-empty string.
fn external_id(body: &mut Map<String, Value>, name: &str, line: usize) -> Result<String, Issue> {
    match body.remove(name) {
        Some(Value::String(s)) if !s.trim().is_empty() => Ok(s.trim().to_owned()),
        Some(Value::String(_)) | None | Some(Value::Null) => {
            Err(Issue::new(line, name, "required"))
        }
        Some(other) => Err(Issue::new(line, name, "must be a string").value(&other.to_string())),
    }
}

/// `template` with the fields of `body` put in (`contact` field by field).
/// Unknown and fixed fields are refused.
fn merge(template: &mut Map<String, Value>, body: Map<String, Value>, line: usize) -> Vec<Issue> {
    let mut issues = Vec::new();
    for (key, value) in body {
        if FIXED.contains(&key.as_str()) {
            issues.push(Issue::new(line, &key, "cannot be set"));
            continue;
        }
        let Some(slot) = template.get_mut(&key) else {
            issues.push(Issue::new(line, &key, format!("unknown field {key:?}")));
            continue;
        };
        match (slot, value) {
            (Value::Object(contact), Value::Object(fields)) if key == "contact" => {
                for (name, value) in fields {
                    let field = format!("contact.{name}");
                    match contact.get_mut(&name) {
                        Some(slot) => *slot = value,
                        None => {
                            issues.push(Issue::new(line, &field, format!("unknown field {name:?}")))
                        }
                    }
                }
            }
            (slot, value) => *slot = value,
        }
    }
    issues
}

/// One line as a profile of `office`.
fn read_line(
    text: &str,
    line: usize,
    template: &Map<String, Value>,
) -> Result<ExternalProfile, Vec<Issue>> {
    let mut body = match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(body)) => body,
        Ok(_) => return Err(vec![Issue::new(line, "line", "not a JSON object")]),
        Err(e) => return Err(vec![Issue::new(line, "line", format!("not JSON: {e}"))]),
    };
    body.values_mut().for_each(integral_numbers);
    let mut issues = Vec::new();
    let source = external_id(&mut body, "source", line).map_err(|e| issues.push(e));
    let source_id = external_id(&mut body, "source_id", line).map_err(|e| issues.push(e));
    let fields: Vec<(String, Value)> = body.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    let mut merged = template.clone();
    issues.extend(merge(&mut merged, body, line));
    // Unknown and fixed fields were left out of `merged`: what does not
    // read now is a value of the wrong shape.
    match serde_json::from_value::<ProfileDraft>(Value::Object(merged)) {
        Ok(draft) => match (source, source_id) {
            (Ok(source), Ok(source_id)) if issues.is_empty() => Ok(ExternalProfile {
                source,
                source_id,
                draft,
            }),
            _ => Err(issues),
        },
        Err(whole) => {
            // Name the fields that do not read, one at a time.
            let before = issues.len();
            for (key, value) in fields {
                let mut alone = template.clone();
                let mut one = Map::new();
                one.insert(key.clone(), value.clone());
                merge(&mut alone, one, line);
                if let Err(e) = serde_json::from_value::<ProfileDraft>(Value::Object(alone)) {
                    issues.push(Issue::new(line, &key, e.to_string()).value(&value.to_string()));
                }
            }
            if issues.len() == before {
                issues.push(Issue::new(line, "line", whole.to_string()));
            }
            Err(issues)
        }
    }
}

/// Profile JSON Lines being read as profiles of `office`, a stretch of
/// lines at a time; `now` is the last activity of lines that leave it out.
#[derive(Debug)]
pub struct JsonLineRows<'a> {
    rest: &'a [u8],
    /// The number of the line `rest` starts on.
    line: usize,
    template: Map<String, Value>,
}

impl<'a> JsonLineRows<'a> {
    pub fn new(bytes: &'a [u8], office: OrgId, now: NaiveDateTime) -> JsonLineRows<'a> {
        let template = match serde_json::to_value(ProfileDraft::with_defaults(office, now)) {
            Ok(Value::Object(map)) => map,
            _ => Map::new(),
        };
        JsonLineRows {
            rest: bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes),
            line: 1,
            template,
        }
    }
}

impl RowChunks for JsonLineRows<'_> {
    fn next_chunk(&mut self, n: usize) -> Option<ParsedFile> {
        if self.rest.is_empty() {
            return None;
        }
        let mut out = ParsedFile::default();
        let mut lines = Vec::new();
        while lines.len() < n && !self.rest.is_empty() {
            let end = self
                .rest
                .iter()
                .position(|&b| b == b'\n')
                .unwrap_or(self.rest.len());
            let raw = &self.rest[..end];
            self.rest = self.rest.get(end + 1..).unwrap_or_default();
            let line = self.line;
            self.line += 1;
            let Ok(text) = std::str::from_utf8(raw) else {
                out.rows += 1;
                out.errors.push(Issue::new(line, "line", "not UTF-8 text"));
                continue;
            };
            let text = text.trim();
            if !text.is_empty() {
                out.rows += 1;
                lines.push((line, text));
            }
        }
        let template = &self.template;
        let read = map_in_parallel(&lines, |&(line, text)| {
            read_line(text, line, template).map(|profile| ImportRow { line, profile })
        });
        for row in read {
            match row {
                Ok(row) => out.profiles.push(row),
                Err(issues) => out.errors.extend(issues),
            }
        }
        out.errors.sort_by_key(|e| e.line);
        Some(out)
    }
}

/// Read whole profile JSON Lines as profiles of `office`.
pub fn read_json_lines(bytes: &[u8], office: OrgId, now: NaiveDateTime) -> ParsedFile {
    JsonLineRows::new(bytes, office, now).read_all()
}
