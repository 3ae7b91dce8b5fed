//! What every loader shares: the data directory shipped with the source
//! tree, [`SourceError`], opening a file plain or gzip-compressed, and CSV
//! tables whose errors name the file and the line.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::{Path, PathBuf};

use flate2::read::MultiGzDecoder;
use matcher::geography::GeographyError;
use matcher::industry::IndustryError;
use matcher::taxonomy::TaxonomyError;

/// The data shipped with the source tree (`fixtures/` at the workspace root).
pub fn fixtures_dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../fixtures"))
}

/// Why reference data could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error("{file}: not found in {}", dir.display())]
    Missing { file: String, dir: PathBuf },
    #[error("{file}: cannot read: {source}")]
    Io {
        file: String,
        #[source]
        source: std::io::Error,
    },
    /// A record that cannot be understood; `line` is the 1-based line where
    /// the CSV record (or the JSON error) starts.
    #[error("{file} line {line}: {reason}")]
    Malformed {
        file: String,
        line: u64,
        reason: String,
    },
    /// The file parsed but its content is inconsistent.
    #[error("{file}: {reason}")]
    Invalid { file: String, reason: String },
    #[error("{}: {source}", dir.display())]
    Taxonomy {
        dir: PathBuf,
        #[source]
        source: TaxonomyError,
    },
    #[error("{}: {source}", dir.display())]
    Geography {
        dir: PathBuf,
        #[source]
        source: GeographyError,
    },
    #[error("{}: {source}", dir.display())]
    Industries {
        dir: PathBuf,
        #[source]
        source: IndustryError,
    },
}

impl SourceError {
    /// Stable snake_case code for API and CLI output.
    pub fn code(&self) -> &'static str {
        match self {
            SourceError::Missing { .. } => "source_missing",
            SourceError::Io { .. } => "source_unreadable",
            SourceError::Malformed { .. } => "source_malformed",
            SourceError::Invalid { .. }
            | SourceError::Taxonomy { .. }
            | SourceError::Geography { .. }
            | SourceError::Industries { .. } => "source_invalid",
        }
    }
}

/// An opened source file: its display name (the actual file name, with `.gz`
/// when compressed) and a decompressing reader.
pub(crate) struct SourceFile {
    pub name: String,
    pub path: PathBuf,
    pub reader: Box<dyn Read>,
}

/// Opens the first of `names` found in `dir`, each tried plain and `.gz`.
pub(crate) fn open_first(dir: &Path, names: &[&str]) -> Result<SourceFile, SourceError> {
    for name in names {
        if let Some(file) = open_if_exists(dir, name)? {
            return Ok(file);
        }
    }
    Err(SourceError::Missing {
        file: names.join(" or "),
        dir: dir.to_owned(),
    })
}

/// Opens `dir/name` or `dir/name.gz` (preferring the plain file), or `None`
/// when neither exists.
pub(crate) fn open_if_exists(dir: &Path, name: &str) -> Result<Option<SourceFile>, SourceError> {
    let plain = dir.join(name);
    if plain.is_file() {
        return open_path(&plain).map(Some);
    }
    let gz = dir.join(format!("{name}.gz"));
    if gz.is_file() {
        return open_path(&gz).map(Some);
    }
    Ok(None)
}

/// Opens one file, decompressing it if its name ends in `.gz`.
pub(crate) fn open_path(path: &Path) -> Result<SourceFile, SourceError> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string());
    let file = File::open(path).map_err(|source| SourceError::Io {
        file: name.clone(),
        source,
    })?;
    let reader: Box<dyn Read> = if name.ends_with(".gz") {
        Box::new(MultiGzDecoder::new(BufReader::with_capacity(1 << 16, file)))
    } else {
        Box::new(file)
    };
    Ok(SourceFile {
        name,
        path: path.to_owned(),
        reader,
    })
}

/// A CSV file read record by record, with columns found by header name and
/// errors that name the file and line.
pub(crate) struct CsvTable {
    file: String,
    reader: csv::Reader<Box<dyn Read>>,
    columns: HashMap<String, usize>,
    width: usize,
    record: csv::StringRecord,
    line: u64,
}

impl CsvTable {
    pub fn open(source: SourceFile) -> Result<CsvTable, SourceError> {
        let SourceFile { name, reader, .. } = source;
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .buffer_capacity(1 << 16)
            .from_reader(reader);
        let headers = reader.headers().map_err(|e| csv_error(&name, e))?.clone();
        let columns = headers
            .iter()
            .enumerate()
            .map(|(i, h)| (h.trim().trim_start_matches('\u{feff}').to_owned(), i))
            .collect();
        Ok(CsvTable {
            file: name,
            reader,
            columns,
            width: headers.len(),
            record: csv::StringRecord::new(),
            line: 1,
        })
    }

    /// The position of the first of `names` present in the header.
    pub fn column(&self, names: &[&str]) -> Option<usize> {
        names.iter().find_map(|n| self.columns.get(*n).copied())
    }

    /// Like [`CsvTable::column`], but a missing column is an error (line 1).
    pub fn require(&self, names: &[&'static str]) -> Result<Column, SourceError> {
        match self.column(names) {
            Some(index) => Ok(Column {
                index,
                name: names.first().copied().unwrap_or_default(),
            }),
            None => Err(self.header_error(format!(
                "missing column {} in the header",
                names.join(" or ")
            ))),
        }
    }

    /// Reads the next record; `false` at the end of the file.
    pub fn next_record(&mut self) -> Result<bool, SourceError> {
        let more = self
            .reader
            .read_record(&mut self.record)
            .map_err(|e| csv_error(&self.file, e))?;
        if !more {
            return Ok(false);
        }
        self.line = self.record.position().map_or(self.line + 1, |p| p.line());
        if self.record.len() > self.width {
            return Err(self.error(format!(
                "{} fields, but the header has {}",
                self.record.len(),
                self.width
            )));
        }
        Ok(true)
    }

    /// The line where the current record starts.
    #[cfg(test)]
    pub fn line(&self) -> u64 {
        self.line
    }

    /// The current record's value in `column`, trimmed.
    pub fn get(&self, column: Column) -> Result<&str, SourceError> {
        self.record
            .get(column.index)
            .map(str::trim)
            .ok_or_else(|| self.error(format!("missing column {}", column.name)))
    }

    /// Like [`CsvTable::get`], but an empty value is an error.
    pub fn non_empty(&self, column: Column) -> Result<&str, SourceError> {
        let value = self.get(column)?;
        if value.is_empty() {
            return Err(self.error(format!("empty {}", column.name)));
        }
        Ok(value)
    }

    /// The current record's value in an optional column; `None` when the
    /// column is absent or the value empty.
    pub fn optional(&self, column: Option<Column>) -> Result<Option<&str>, SourceError> {
        match column {
            Some(c) => Ok(Some(self.get(c)?).filter(|v| !v.is_empty())),
            None => Ok(None),
        }
    }

    /// Parses the current record's value in `column`.
    pub fn parse<T: std::str::FromStr>(&self, column: Column) -> Result<T, SourceError> {
        let value = self.get(column)?;
        value
            .parse()
            .map_err(|_| self.error(format!("invalid {} {value:?}", column.name)))
    }

    /// An error about the header.
    pub fn header_error(&self, reason: String) -> SourceError {
        SourceError::Malformed {
            file: self.file.clone(),
            line: 1,
            reason,
        }
    }

    /// An error about the current record.
    pub fn error(&self, reason: String) -> SourceError {
        SourceError::Malformed {
            file: self.file.clone(),
            line: self.line,
            reason,
        }
    }
}

/// A column found in the header; `name` is used in error messages.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Column {
    index: usize,
    name: &'static str,
}

impl Column {
    /// The column's name as used in error messages.
    pub fn name(self) -> &'static str {
        self.name
    }

    /// Like [`CsvTable::column`] for optional columns.
    pub fn optional(table: &CsvTable, names: &[&'static str]) -> Option<Column> {
        table.column(names).map(|index| Column {
            index,
            name: names.first().copied().unwrap_or_default(),
        })
    }
}

fn csv_error(file: &str, e: csv::Error) -> SourceError {
    let line = e.position().map(|p| p.line());
    match e.into_kind() {
        csv::ErrorKind::Io(source) => SourceError::Io {
            file: file.to_owned(),
            source,
        },
        csv::ErrorKind::Utf8 { pos, .. } => SourceError::Malformed {
            file: file.to_owned(),
            line: pos.map(|p| p.line()).or(line).unwrap_or(0),
            reason: "invalid UTF-8".into(),
        },
        other => SourceError::Malformed {
            file: file.to_owned(),
            line: line.unwrap_or(0),
            reason: format!("{other:?}"),
        },
    }
}

/// Left-pads an all-digit code with zeros to `width` (spreadsheets drop the
/// leading zeros of "020"); anything else is returned unchanged for the
/// caller to reject.
pub(crate) fn pad_code(code: &str, width: usize) -> String {
    if !code.is_empty() && code.len() < width && code.bytes().all(|b| b.is_ascii_digit()) {
        format!("{code:0>width$}")
    } else {
        code.to_owned()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
pub(crate) mod test_support {
    use std::io::Write;
    use std::path::Path;

    /// Writes `content` to `dir/name`, gzip-compressed when `name` ends in `.gz`.
    pub fn write(dir: &Path, name: &str, content: &str) {
        let path = dir.join(name);
        if name.ends_with(".gz") {
            let file = std::fs::File::create(path).unwrap();
            let mut gz = flate2::write::GzEncoder::new(file, flate2::Compression::fast());
            gz.write_all(content.as_bytes()).unwrap();
            gz.finish().unwrap();
        } else {
            std::fs::write(path, content).unwrap();
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn pad_code_restores_leading_zeros() {
        assert_eq!(pad_code("20", 3), "020");
        assert_eq!(pad_code("1", 2), "01");
        assert_eq!(pad_code("091", 3), "091");
        assert_eq!(pad_code("x1", 3), "x1");
        assert_eq!(pad_code("", 3), "");
    }

    #[test]
    fn files_open_plain_or_gzipped() {
        let dir = tempfile::tempdir().unwrap();
        test_support::write(dir.path(), "a.csv", "x\n1\n");
        test_support::write(dir.path(), "b.csv.gz", "x\n2\n");
        for (name, value) in [("a.csv", "1"), ("b.csv", "2")] {
            let mut table = CsvTable::open(open_first(dir.path(), &[name]).unwrap()).unwrap();
            let x = table.require(&["x"]).unwrap();
            assert!(table.next_record().unwrap());
            assert_eq!(table.get(x).unwrap(), value);
            assert!(!table.next_record().unwrap());
        }
        let missing = open_first(dir.path(), &["c.csv", "d.csv"]).err().unwrap();
        assert!(
            missing.to_string().starts_with("c.csv or d.csv: not found"),
            "{missing}"
        );
        assert_eq!(missing.code(), "source_missing");
    }

    #[test]
    fn csv_errors_name_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        test_support::write(
            dir.path(),
            "t.csv",
            "a,b\n1,2\n\"3\nstill 3\",4\n5\n6,7,8\n",
        );
        let mut table = CsvTable::open(open_first(dir.path(), &["t.csv"]).unwrap()).unwrap();
        let b = table.require(&["b"]).unwrap();
        assert!(table.next_record().unwrap());
        assert_eq!(table.line(), 2);
        assert!(table.next_record().unwrap());
        assert_eq!(table.line(), 3);
        assert!(table.next_record().unwrap());
        assert_eq!(table.line(), 5);
        let err = table.get(b).unwrap_err();
        assert_eq!(err.to_string(), "t.csv line 5: missing column b");
        let err = table.next_record().unwrap_err();
        assert_eq!(
            err.to_string(),
            "t.csv line 6: 3 fields, but the header has 2"
        );
        let err = table.require(&["c", "d"]).err().unwrap();
        assert_eq!(
            err.to_string(),
            "t.csv line 1: missing column c or d in the header"
        );
    }

    #[test]
    fn shipped_fixtures_exist() {
        assert!(fixtures_dir().join("esco").is_dir());
        assert!(fixtures_dir().join("geo").is_dir());
        assert!(fixtures_dir().join("classifications").is_dir());
    }
}
