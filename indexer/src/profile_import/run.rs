//! One import of a profile file, start to end: every row read and checked
//! against the domain rules and the reference data, external ids given
//! twice found, and all of it written in one transaction — or, when any row
//! failed or on a dry run, nothing, with a report of what would have
//! happened.
//!
//! Reading and writing overlap: a reader thread reads and checks the file
//! a chunk of rows at a time while this thread writes the chunks already
//! checked, inside the one transaction. When the reader finds a problem,
//! the rest is read for the report only, and the transaction is rolled
//! back whole.

use std::collections::HashMap;
use std::sync::mpsc;
use std::time::Instant;

use chrono::NaiveDateTime;
use matcher::domain::{OrgId, OrgKind, ProfileId};
use matcher::labels::LabelIndex;
use matcher::references::References;
use serde::Serialize;

use super::columns::{column_of, CsvRows};
use super::json_lines::JsonLineRows;
use super::record::{map_in_parallel, FileFormat, ImportRow, Issue, RowChunks};
use crate::store::external_profiles::{self, ExternalProfile};
use crate::store::{audit, orgs, DbConnection, Store, StoreError};

/// Rows read, checked and written at a time.
const CHUNK: usize = 10_000;

/// How to import.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// The employment office whose customers the file lists.
    pub office: OrgId,
    pub format: FileFormat,
    /// Check and report only; write nothing.
    pub dry_run: bool,
    /// The last activity of rows that give none.
    pub now: NaiveDateTime,
    /// The request id of the audit event (`cli-import-…`).
    pub request_id: String,
}

/// Seconds each step was busy. Reading and checking run beside writing,
/// so the three add up to more than the import took.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct ImportTimings {
    /// Parsing the file and resolving names (the label index built
    /// included).
    pub read: f64,
    /// Domain rules, references and repeated ids.
    pub check: f64,
    /// The statements of the transaction: lookups, writes, outbox, audit,
    /// commit.
    pub write: f64,
}

/// What an import did (`applied`), or on a dry run would do.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImportReport {
    pub file: String,
    /// Rows read (a CSV's header and blank lines not counted).
    pub rows: usize,
    /// Profiles created; on a dry run, those that would be. 0 when refused.
    pub created: usize,
    /// Profiles updated; on a dry run, those that would be. 0 when refused.
    pub updated: usize,
    /// Every problem that refuses the file, by line.
    pub errors: Vec<Issue>,
    /// What was accepted with a remark (a skill kept as free text), by line.
    pub warnings: Vec<Issue>,
    /// Whether the profiles were written (no errors, not a dry run).
    pub applied: bool,
    pub dry_run: bool,
    #[serde(skip)]
    pub timings: ImportTimings,
    /// The ids written, in file order (empty unless applied).
    #[serde(skip)]
    pub created_ids: Vec<ProfileId>,
    #[serde(skip)]
    pub updated_ids: Vec<ProfileId>,
}

/// Why an import could not run at all (a refused row is not an error: it
/// is in the report).
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("organization {0} does not exist")]
    UnknownOffice(OrgId),
    #[error("organization {office} is {kind}, not an employment office")]
    NotAnOffice { office: OrgId, kind: OrgKind },
}

/// Checks rows against the domain rules and the reference data, and
/// remembers the external ids seen so that one given twice is caught
/// wherever in the file it comes again.
struct RowChecker<'a> {
    format: FileFormat,
    references: &'a References,
    first_line: HashMap<(String, String), usize>,
}

impl RowChecker<'_> {
    /// The rows that pass; what fails goes to `errors`.
    fn check(&mut self, rows: Vec<ImportRow>, errors: &mut Vec<Issue>) -> Vec<ImportRow> {
        let references = self.references;
        let checked = map_in_parallel(&rows, |row| {
            let draft = &row.profile.draft;
            draft
                .validate()
                .and_then(|()| references.check_profile(draft))
        });
        let mut passed = Vec::with_capacity(rows.len());
        for (row, checked) in rows.into_iter().zip(checked) {
            let p = &row.profile;
            if let Err(e) = checked {
                let field = match self.format {
                    FileFormat::Csv => column_of(&e.field).to_owned(),
                    FileFormat::JsonLines => e.field,
                };
                errors.push(Issue::new(row.line, &field, e.reason));
                continue;
            }
            let key = (p.source.clone(), p.source_id.clone());
            if let Some(&earlier) = self.first_line.get(&key) {
                let reason = format!(
                    "{:?} of source {:?} is also on line {earlier}",
                    p.source_id, p.source
                );
                errors.push(Issue::new(row.line, "source_id", reason).value(&p.source_id));
                continue;
            }
            self.first_line.insert(key, row.line);
            passed.push(row);
        }
        passed
    }
}

/// What the reader found in the whole file.
#[derive(Default)]
struct Read {
    rows: usize,
    errors: Vec<Issue>,
    warnings: Vec<Issue>,
    read_seconds: f64,
    check_seconds: f64,
}

/// Read and check the file a chunk at a time, sending the rows that pass
/// to the writer while nothing has failed (and on a dry run, always: the
/// writer looks up what they would do).
fn read_and_check(
    rows: &mut dyn RowChunks,
    checker: &mut RowChecker<'_>,
    to_writer: &mpsc::SyncSender<Vec<ImportRow>>,
    dry_run: bool,
) -> Read {
    let mut read = Read::default();
    let mut writer_gone = false;
    loop {
        let started = Instant::now();
        let Some(chunk) = rows.next_chunk(CHUNK) else {
            break;
        };
        read.read_seconds += started.elapsed().as_secs_f64();
        let started = Instant::now();
        read.rows += chunk.rows;
        read.errors.extend(chunk.errors);
        read.warnings.extend(chunk.warnings);
        let passed = checker.check(chunk.profiles, &mut read.errors);
        read.check_seconds += started.elapsed().as_secs_f64();
        if (dry_run || read.errors.is_empty()) && !writer_gone {
            writer_gone = to_writer.send(passed).is_err();
        }
    }
    read
}

/// What the writer did with the chunks it got.
#[derive(Default)]
struct Written {
    created: usize,
    created_ids: Vec<ProfileId>,
    updated_ids: Vec<ProfileId>,
    /// Lines whose external id belongs to another office's profile, with
    /// the row's external id.
    foreign: Vec<(usize, ExternalProfile)>,
    seconds: f64,
}

/// Write (or on a dry run, look up) each chunk as it comes. Once another
/// office's external id has turned up, the import is refused: the rest is
/// only looked up, for the report.
fn write_chunks(
    c: &mut DbConnection,
    office: OrgId,
    from_reader: mpsc::Receiver<Vec<ImportRow>>,
    dry_run: bool,
) -> Result<Written, StoreError> {
    let mut written = Written::default();
    for chunk in from_reader {
        let started = Instant::now();
        let (lines, items): (Vec<usize>, Vec<ExternalProfile>) =
            chunk.into_iter().map(|r| (r.line, r.profile)).unzip();
        let plan_only = dry_run || !written.foreign.is_empty();
        let outcome = external_profiles::import_profiles(c, office, &items, plan_only)?;
        written.created += outcome.created;
        written.created_ids.extend(outcome.created_ids);
        written.updated_ids.extend(outcome.updated_ids);
        for &i in &outcome.foreign {
            written.foreign.push((lines[i], items[i].clone()));
        }
        written.seconds += started.elapsed().as_secs_f64();
    }
    Ok(written)
}

/// Import a profile file for `options.office`: all of it in one
/// transaction with its outbox rows and one audit event, or nothing.
pub fn import_profile_file(
    store: &Store,
    references: &References,
    file: &str,
    bytes: &[u8],
    options: &ImportOptions,
) -> Result<ImportReport, ImportError> {
    let office = options.office;
    match store.read(|c| orgs::get_org(c, office))? {
        None => return Err(ImportError::UnknownOffice(office)),
        Some(org) if org.kind != OrgKind::EmploymentOffice => {
            return Err(ImportError::NotAnOffice {
                office,
                kind: org.kind,
            })
        }
        Some(_) => {}
    }
    let started = Instant::now();
    let labels = match options.format {
        FileFormat::Csv => Some(LabelIndex::new(
            references.taxonomy(),
            references.geography(),
        )),
        FileFormat::JsonLines => None,
    };
    let mut rows: Box<dyn RowChunks + Send> = match &labels {
        Some(labels) => Box::new(CsvRows::new(bytes, office, options.now, labels)),
        None => Box::new(JsonLineRows::new(bytes, office, options.now)),
    };
    let labels_seconds = started.elapsed().as_secs_f64();
    let mut checker = RowChecker {
        format: options.format,
        references,
        first_line: HashMap::new(),
    };
    let dry_run = options.dry_run;
    let (to_writer, from_reader) = mpsc::sync_channel(1);
    let (read, written) = std::thread::scope(|scope| {
        let reader =
            scope.spawn(move || read_and_check(rows.as_mut(), &mut checker, &to_writer, dry_run));
        let mut read = None;
        let written = store.write_or_discard(|c| {
            let mut written = write_chunks(c, office, from_reader, dry_run)?;
            let done = match reader.join() {
                Ok(done) => done,
                Err(panic) => std::panic::resume_unwind(panic),
            };
            let commit = !dry_run && done.errors.is_empty() && written.foreign.is_empty();
            if commit {
                let started = Instant::now();
                let reason = audit_reason(done.rows, &written);
                audit::append(
                    c,
                    &audit::NewEvent {
                        org_id: Some(office.0),
                        token_id: None,
                        role: None,
                        action: "profile.import",
                        subject_kind: "organization",
                        subject_id: office.to_string(),
                        reason: Some(&reason),
                        request_id: &options.request_id,
                    },
                )?;
                written.seconds += started.elapsed().as_secs_f64();
            }
            read = Some(done);
            Ok((written, commit))
        });
        (read, written)
    });
    let written = written?;
    let read = read.unwrap_or_default();
    let Read {
        rows,
        mut errors,
        mut warnings,
        read_seconds,
        check_seconds,
    } = read;
    for (line, p) in &written.foreign {
        let reason = format!(
            "{:?} of source {:?} is a profile of another office",
            p.source_id, p.source
        );
        errors.push(Issue::new(*line, "source_id", reason).value(&p.source_id));
    }
    errors.sort_by_key(|e| e.line);
    warnings.sort_by_key(|w| w.line);
    let applied = !dry_run && errors.is_empty();
    let counted = applied || dry_run;
    Ok(ImportReport {
        file: file.to_owned(),
        rows,
        created: if counted { written.created } else { 0 },
        updated: if counted {
            written.updated_ids.len()
        } else {
            0
        },
        errors,
        warnings,
        applied,
        dry_run,
        timings: ImportTimings {
            read: labels_seconds + read_seconds,
            check: check_seconds,
            write: written.seconds,
        },
        created_ids: if applied {
            written.created_ids
        } else {
            Vec::new()
        },
        updated_ids: if applied {
            written.updated_ids
        } else {
            Vec::new()
        },
    })
}

/// What the audit log keeps of an import: counts and the sources, no
/// personal data.
fn audit_reason(rows: usize, written: &Written) -> String {
    format!(
        "{rows} rows: {} created, {} updated",
        written.created,
        written.updated_ids.len(),
    )
}
