//! What reading a profile file yields, whatever its format: the rows that
//! became profiles, and the problems found, each with its line and field;
//! and [`map_in_parallel`], with which the rows are read and checked on
//! every core.

use serde::Serialize;

use crate::store::external_profiles::ExternalProfile;

/// The formats a profile file comes in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FileFormat {
    /// One row per profile under a header of documented columns
    /// (`profile_import::columns`).
    Csv,
    /// One JSON object per line: the body `POST /v1/profiles` takes, with
    /// `source` and `source_id`.
    JsonLines,
}

impl FileFormat {
    /// The format a file name's extension says: `.csv`, or `.jsonl` /
    /// `.ndjson`.
    pub fn of_path(path: &std::path::Path) -> Option<FileFormat> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "csv" => Some(FileFormat::Csv),
            "jsonl" | "ndjson" => Some(FileFormat::JsonLines),
            _ => None,
        }
    }
}

/// A problem with one row: the line it starts on (1-based; a CSV header
/// is line 1), the column or JSON field, why, and the value refused (none
/// when the reason is about the row as a whole).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Issue {
    pub line: usize,
    pub field: String,
    pub reason: String,
    pub value: Option<String>,
}

impl Issue {
    pub fn new(line: usize, field: &str, reason: impl Into<String>) -> Issue {
        Issue {
            line,
            field: field.to_owned(),
            reason: reason.into(),
            value: None,
        }
    }

    /// The same issue, naming the value refused.
    pub fn value(mut self, value: &str) -> Issue {
        self.value = Some(value.to_owned());
        self
    }
}

impl std::fmt::Display for Issue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}, {}: {}", self.line, self.field, self.reason)
    }
}

/// A row that became a profile draft.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportRow {
    pub line: usize,
    pub profile: ExternalProfile,
}

/// What reading a file (or a stretch of it) found: the rows read, the
/// drafts of those that parsed, and every problem.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ParsedFile {
    /// Rows read (a CSV's header and blank lines not counted).
    pub rows: usize,
    /// The rows that parsed, in file order. A row with an error is not
    /// among them.
    pub profiles: Vec<ImportRow>,
    pub errors: Vec<Issue>,
    pub warnings: Vec<Issue>,
}

impl ParsedFile {
    /// Add what a later stretch of the file found.
    pub fn append(&mut self, later: ParsedFile) {
        self.rows += later.rows;
        self.profiles.extend(later.profiles);
        self.errors.extend(later.errors);
        self.warnings.extend(later.warnings);
    }
}

/// A file read a stretch of rows at a time, so that the rows read can be
/// checked and written while the rest is being read.
pub trait RowChunks {
    /// What the next `n` rows (or what is left, if fewer) hold; `None` at
    /// the end of the file.
    fn next_chunk(&mut self, n: usize) -> Option<ParsedFile>;

    /// The rest of the file at once.
    fn read_all(&mut self) -> ParsedFile {
        let mut out = ParsedFile::default();
        while let Some(chunk) = self.next_chunk(usize::MAX) {
            out.append(chunk);
        }
        out
    }
}

/// `f` of every item, in order, the items split evenly over the machine's
/// cores (rows are independent of each other; a file of 100,000 is read
/// and checked in a fraction of the time one core takes).
pub fn map_in_parallel<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    if threads < 2 || items.len() < 1_000 {
        return items.iter().map(f).collect();
    }
    let per_thread = items.len().div_ceil(threads);
    let f = &f;
    std::thread::scope(|scope| {
        let parts: Vec<_> = items
            .chunks(per_thread)
            .map(|chunk| scope.spawn(move || chunk.iter().map(f).collect::<Vec<R>>()))
            .collect();
        parts
            .into_iter()
            .flat_map(|part| match part.join() {
                Ok(results) => results,
                Err(panic) => std::panic::resume_unwind(panic),
            })
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parallel_maps_keep_the_order() {
        let items: Vec<usize> = (0..10_001).collect();
        let doubled = map_in_parallel(&items, |i| i * 2);
        assert_eq!(doubled, items.iter().map(|i| i * 2).collect::<Vec<_>>());
        assert!(map_in_parallel(&[] as &[usize], |i| *i).is_empty());
    }
}
