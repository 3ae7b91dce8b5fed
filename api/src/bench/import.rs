//! `kohtaanto bench import`: `import profiles` of a customer system's file
//! of N generated profiles, on SQLite and on each PostgreSQL given. Each
//! backend imports the file into a fresh store (every profile created) and
//! then again (every profile updated), and, as the baseline of the same
//! run, stores the same profiles with `create_profiles` (batched inserts,
//! nothing to parse or check). The report is seconds and rows a second,
//! and each pass as a multiple of the baseline; nothing is asserted.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use indexer::generate::{DemoOrgs, LabourMarket, PopulationGenerator};
use indexer::index::ReferenceData;
use indexer::profile_import::writer::{Naming, ProfileCsvWriter};
use indexer::profile_import::{FileFormat, ImportOptions};
use indexer::store::external_profiles::ExternalProfile;
use indexer::store::profiles;
use indexer::store::{orgs, Store};
use indexer::testkit::TestDb;
use matcher::domain::{OrgId, OrgKind, ProfileDraft};
use matcher::labels::LabelIndex;
use serde::Serialize;

use super::{io, machine, BenchError, Machine};

/// What to run.
#[derive(Debug, Clone)]
pub struct ImportBenchOptions {
    pub profiles: usize,
    pub seed: u64,
    /// Where the file and the SQLite stores are written.
    pub data_dir: PathBuf,
    /// Measure SQLite (a store under `data_dir`).
    pub sqlite: bool,
    /// PostgreSQL databases to measure, each in a schema of its own that
    /// is dropped afterwards.
    pub postgres: Vec<String>,
}

/// One pass over the profiles.
#[derive(Debug, Clone, Serialize)]
pub struct Pass {
    pub seconds: f64,
    pub rows_per_second: f64,
    /// This pass's seconds over the baseline's.
    pub vs_baseline: f64,
    /// Seconds each step was busy: loading the taxonomy and geography
    /// from the store; reading the file and resolving names, and checking
    /// the rows, both while the transaction writes what was checked
    /// before. The baseline only writes.
    pub references_seconds: f64,
    pub read_seconds: f64,
    pub check_seconds: f64,
    pub write_seconds: f64,
}

/// The passes on one backend.
#[derive(Debug, Clone, Serialize)]
pub struct BackendPasses {
    pub backend: String,
    pub database: String,
    /// `create_profiles` of the same drafts, in one transaction.
    pub baseline: Pass,
    /// `import profiles` into a store without them.
    pub create: Pass,
    /// `import profiles` of the same file again.
    pub update: Pass,
    /// Skills kept as free text (reported as warnings), per pass.
    pub warnings: usize,
}

/// The system's load averages (1, 5, 15 minutes) from /proc/loadavg: on a
/// shared machine, what else was running shows here.
fn load_average() -> Option<[f64; 3]> {
    let text = std::fs::read_to_string("/proc/loadavg").ok()?;
    let mut loads = text.split_whitespace().map(|n| n.parse::<f64>().ok());
    Some([loads.next()??, loads.next()??, loads.next()??])
}

/// Everything one run measured.
#[derive(Debug, Clone, Serialize)]
pub struct ImportBenchReport {
    pub machine: Machine,
    /// The load averages before and after the run.
    pub load_before: Option<[f64; 3]>,
    pub load_after: Option<[f64; 3]>,
    pub profiles: usize,
    pub seed: u64,
    pub file: String,
    pub file_bytes: u64,
    /// Generating the profiles and writing the file.
    pub file_seconds: f64,
    pub backends: Vec<BackendPasses>,
}

fn failed<E: std::fmt::Display>(what: &str) -> impl FnOnce(E) -> BenchError + '_ {
    move |e| BenchError::Io(format!("{what}: {e}"))
}

/// The generated profiles (their pseudonyms and drafts, managed by office
/// 0 until a store's office is known) and the file naming them as a
/// customer system would: occupations and skills by label, home by name.
fn write_file(
    o: &ImportBenchOptions,
    path: &Path,
) -> Result<Vec<(String, ExternalProfile)>, BenchError> {
    let fixtures = indexer::sources::fixtures_dir();
    let taxonomy = indexer::sources::load_taxonomy_dir(&fixtures.join("esco"))
        .map_err(indexer::generate::GenerateError::from)?;
    let geography = indexer::sources::load_geography_dir(&fixtures.join("geo"))
        .map_err(indexer::generate::GenerateError::from)?;
    let market = LabourMarket::load(&fixtures.join("labour-stats"), &geography)
        .map_err(indexer::generate::GenerateError::from)?;
    let orgs = DemoOrgs {
        offices: geography
            .regions()
            .map(|r| (r.code.clone(), OrgId(0)))
            .collect(),
        agencies: Vec::new(),
        employers: Vec::new(),
        ministry: OrgId(0),
        operator: OrgId(0),
    };
    let today = chrono::Utc::now().date_naive();
    let generator = PopulationGenerator::new(&taxonomy, &geography, &market, orgs, o.seed, today)?;
    let labels = LabelIndex::new(&taxonomy, &geography);
    let file = std::fs::File::create(path).map_err(io("the profile file"))?;
    let mut writer =
        ProfileCsvWriter::new(std::io::BufWriter::new(file)).map_err(failed("the profile file"))?;
    let mut profiles = Vec::with_capacity(o.profiles);
    for i in 0..o.profiles {
        let (pseudonym, draft) = generator.profile(i as u64);
        let profile = ExternalProfile {
            source: "bench".into(),
            source_id: format!("P{i:07}"),
            draft,
        };
        writer
            .write(&profile, Naming::Labels(&labels))
            .map_err(failed("the profile file"))?;
        profiles.push((pseudonym, profile));
    }
    writer
        .finish()
        .map_err(failed("the profile file"))?
        .flush()
        .map_err(io("the profile file"))?;
    Ok(profiles)
}

/// A fresh store of the backend `url` names (`None`: SQLite under
/// `data_dir`) with the shipped reference data and one employment office.
fn fresh_store(url: Option<&str>, data_dir: &Path) -> Result<(TestDb, OrgId), BenchError> {
    let db = match url {
        Some(url) => TestDb::postgres_in(url)?,
        None => TestDb::sqlite_in(data_dir)?,
    };
    indexer::generate::ensure_reference_data(&db.store, &indexer::sources::fixtures_dir())?;
    let office = db.store.write(|c| {
        orgs::create_org(
            c,
            OrgKind::EmploymentOffice,
            "Työllisyysalue Vertailu",
            None,
            Some("091"),
        )
    })?;
    Ok((db, office.id))
}

fn pass(rows: usize, seconds: f64, baseline: f64) -> Pass {
    Pass {
        seconds,
        rows_per_second: rows as f64 / seconds.max(1e-9),
        vs_baseline: seconds / baseline.max(1e-9),
        references_seconds: 0.0,
        read_seconds: 0.0,
        check_seconds: 0.0,
        write_seconds: seconds,
    }
}

/// One `import profiles` of `file` for `office`, as the command runs it:
/// reference data loaded from the store, the file read, imported.
fn import_once(
    store: &Store,
    file: &Path,
    office: OrgId,
    rows: usize,
    baseline: f64,
) -> Result<(Pass, usize), BenchError> {
    let started = Instant::now();
    let references = ReferenceData::load(store)?.references(store)?;
    let references_seconds = started.elapsed().as_secs_f64();
    let bytes = std::fs::read(file).map_err(io("the profile file"))?;
    let options = ImportOptions {
        office,
        format: FileFormat::Csv,
        dry_run: false,
        now: indexer::store::now(),
        request_id: "bench-import".into(),
    };
    let name = file.display().to_string();
    let report =
        indexer::profile_import::import_profile_file(store, &references, &name, &bytes, &options)?;
    let seconds = started.elapsed().as_secs_f64();
    if let Some(first) = report.errors.first() {
        return Err(BenchError::Io(format!(
            "the generated file was refused ({} errors), first: {first}",
            report.errors.len()
        )));
    }
    if report.rows != rows || report.created + report.updated != rows {
        return Err(BenchError::Io(format!(
            "{} rows imported as {} created and {} updated, not {rows}",
            report.rows, report.created, report.updated
        )));
    }
    let t = report.timings;
    Ok((
        Pass {
            references_seconds,
            read_seconds: t.read,
            check_seconds: t.check,
            write_seconds: t.write,
            ..pass(rows, seconds, baseline)
        },
        report.warnings.len(),
    ))
}

/// The three passes on the backend `url` names (`None`: SQLite).
fn measure(
    o: &ImportBenchOptions,
    url: Option<&str>,
    profiles: &[(String, ExternalProfile)],
    file: &Path,
    say: &dyn Fn(&str),
) -> Result<BackendPasses, BenchError> {
    let rows = profiles.len();
    let (baseline_db, office) = fresh_store(url, &o.data_dir)?;
    let backend = baseline_db.store.backend().to_string();
    let database = baseline_db.store.url().to_string();
    say(&format!("{backend}: create_profiles (baseline)"));
    let drafts: Vec<(String, ProfileDraft)> = profiles
        .iter()
        .map(|(pseudonym, p)| {
            let mut draft = p.draft.clone();
            draft.managing_org = office;
            (pseudonym.clone(), draft)
        })
        .collect();
    let started = Instant::now();
    baseline_db
        .store
        .write(|c| profiles::create_profiles(c, &drafts))?;
    let base = started.elapsed().as_secs_f64();
    drop(baseline_db);

    let (db, office) = fresh_store(url, &o.data_dir)?;
    say(&format!("{backend}: import (every profile created)"));
    let (create, warnings) = import_once(&db.store, file, office, rows, base)?;
    say(&format!("{backend}: import again (every profile updated)"));
    let (update, _) = import_once(&db.store, file, office, rows, base)?;
    let stored = db.store.read(profiles::count_profiles)? as usize;
    if stored != rows {
        return Err(BenchError::Io(format!(
            "{stored} profiles stored after two imports of {rows}"
        )));
    }
    Ok(BackendPasses {
        backend,
        database,
        baseline: pass(rows, base, base),
        create,
        update,
        warnings,
    })
}

/// Run the benchmark, reporting progress on stderr.
pub fn run(o: &ImportBenchOptions) -> Result<ImportBenchReport, BenchError> {
    let started = Instant::now();
    let say = |what: &str| eprintln!("[{:>7.1} s] {what}", started.elapsed().as_secs_f64());
    let load_before = load_average();
    std::fs::create_dir_all(&o.data_dir).map_err(io("data directory"))?;
    let file = o.data_dir.join(format!("profiles-{}.csv", o.profiles));
    say(&format!(
        "generating {} profiles into {}",
        o.profiles,
        file.display()
    ));
    let t = Instant::now();
    let profiles = write_file(o, &file)?;
    let file_seconds = t.elapsed().as_secs_f64();
    let file_bytes = std::fs::metadata(&file).map_or(0, |m| m.len());
    let mut backends = Vec::new();
    if o.sqlite {
        backends.push(measure(o, None, &profiles, &file, &say)?);
    }
    for url in &o.postgres {
        backends.push(measure(o, Some(url), &profiles, &file, &say)?);
    }
    say("done");
    Ok(ImportBenchReport {
        machine: machine(),
        load_before,
        load_after: load_average(),
        profiles: o.profiles,
        seed: o.seed,
        file: file.display().to_string(),
        file_bytes,
        file_seconds,
        backends,
    })
}

/// The figures as a table on stdout.
pub fn print(r: &ImportBenchReport) {
    println!(
        "import profiles: {} rows ({}, {:.1} MB, seed {}) on {} cores, {:.0} GB, {}",
        r.profiles,
        r.file,
        r.file_bytes as f64 / 1e6,
        r.seed,
        r.machine.cores,
        r.machine.memory_gb,
        r.machine.cpu
    );
    if let (Some(before), Some(after)) = (r.load_before, r.load_after) {
        println!(
            "load average before {:.2} {:.2} {:.2}, after {:.2} {:.2} {:.2}",
            before[0], before[1], before[2], after[0], after[1], after[2]
        );
    }
    println!(
        "{:<9} {:<26} {:>8} {:>9} {:>10}   {:>6} {:>6} {:>6} {:>6}",
        "backend", "pass", "seconds", "rows/s", "×baseline", "refs", "read", "check", "write"
    );
    for b in &r.backends {
        for (name, p) in [
            ("create_profiles (baseline)", &b.baseline),
            ("import, all created", &b.create),
            ("import again, all updated", &b.update),
        ] {
            println!(
                "{:<9} {:<26} {:>8.1} {:>9.0} {:>10.2}   {:>6.1} {:>6.1} {:>6.1} {:>6.1}",
                b.backend,
                name,
                p.seconds,
                p.rows_per_second,
                p.vs_baseline,
                p.references_seconds,
                p.read_seconds,
                p.check_seconds,
                p.write_seconds
            );
        }
    }
    println!(
        "(busy seconds of each import: refs = reference data loaded from the store; read = file parsed and \
         names resolved, and check = rules and references, both beside write = the transaction)"
    );
}
