//! Building a fresh generation from the store and swapping it in.

use std::time::Instant;

use matcher::index::document::{profile_document, vacancy_document};
use serde::Serialize;

use super::generation::{CommitPayload, IndexError, IndexRoot, ReferenceData, SearchIndex};
use super::sync::{commit_with, open_writer};
use crate::store::{outbox, profiles, vacancies, Store};
use matcher::index::analysis::Analyzers;

/// Records read from the store per page.
const PAGE: i64 = 2_000;
/// Writer memory for a rebuild (split across its threads).
const REBUILD_HEAP: usize = 512 << 20;

/// What a rebuild did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RebuildReport {
    pub vacancies: u64,
    pub profiles: u64,
    /// The outbox id the new generation starts from.
    pub outbox_id: i64,
    pub seconds: f64,
    pub docs_per_second: f64,
    pub bytes: u64,
    pub directory: String,
}

/// Build a new generation holding every stored vacancy and profile, commit
/// it with the outbox id read *before* the scan (changes made during the scan
/// are replayed by the next sync; replay is idempotent), then make it live.
/// Until the swap the old generation stays live; an interrupted rebuild
/// leaves only a stale directory that the next one removes.
pub fn rebuild(
    store: &Store,
    root: &IndexRoot,
    reference: &ReferenceData,
    mut progress: impl FnMut(u64, u64),
) -> Result<RebuildReport, IndexError> {
    let started = Instant::now();
    let outbox_id = store.read(outbox::last_id)?;
    let total = (store.read(vacancies::count_vacancies)? + store.read(profiles::count_profiles)?)
        .max(0) as u64;
    let dir = root.new_generation()?;
    let index = SearchIndex::create(&dir, &reference.taxonomy)?;
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get().min(4));
    let mut writer = open_writer(&index, threads, REBUILD_HEAP)?;
    let s = &index.schema;
    let mut analyzers = Analyzers::new(&index.lexicon);
    let (taxonomy, geography) = (&reference.taxonomy, &reference.geography);
    let mut report = RebuildReport {
        outbox_id,
        ..RebuildReport::default()
    };

    // A reader thread pages through the store while this one builds documents.
    std::thread::scope(|scope| -> Result<(), IndexError> {
        let (tx, rx) = std::sync::mpsc::sync_channel(4);
        let reader = scope.spawn(move || -> Result<(), IndexError> {
            let mut after = 0;
            loop {
                let page = store.read(|c| {
                    let ids = vacancies::vacancy_ids_after(c, after, PAGE)?;
                    vacancies::get_vacancies(c, &ids)
                })?;
                let Some(last) = page.last().map(|v| v.id.0) else {
                    break;
                };
                after = last;
                if tx.send(Page::Vacancies(page)).is_err() {
                    return Ok(());
                }
            }
            let mut after = 0;
            loop {
                let page = store.read(|c| {
                    let ids = profiles::profile_ids_after(c, after, PAGE)?;
                    profiles::get_profiles(c, &ids)
                })?;
                let Some(last) = page.last().map(|p| p.id.0) else {
                    break;
                };
                after = last;
                if tx.send(Page::Profiles(page)).is_err() {
                    return Ok(());
                }
            }
            Ok(())
        });
        for page in rx {
            match page {
                Page::Vacancies(page) => {
                    for v in &page {
                        writer.add_document(vacancy_document(
                            s,
                            v,
                            taxonomy,
                            geography,
                            &mut analyzers,
                        ))?;
                    }
                    report.vacancies += page.len() as u64;
                }
                Page::Profiles(page) => {
                    for p in &page {
                        writer.add_document(profile_document(
                            s,
                            p,
                            taxonomy,
                            geography,
                            &mut analyzers,
                        ))?;
                    }
                    report.profiles += page.len() as u64;
                }
            }
            progress(report.vacancies + report.profiles, total);
        }
        reader
            .join()
            .map_err(|_| IndexError::Missing("store reader thread failed".into()))?
    })?;

    commit_with(
        &mut writer,
        &CommitPayload {
            outbox_id,
            taxonomy: taxonomy.version().to_owned(),
            records: matcher::records::RECORD_FORMAT,
        },
    )?;
    writer.wait_merging_threads()?;
    root.swap(&dir)?;
    report.seconds = started.elapsed().as_secs_f64();
    report.docs_per_second = (report.vacancies + report.profiles) as f64 / report.seconds.max(1e-9);
    report.bytes = dir_size(&dir);
    report.directory = dir.display().to_string();
    Ok(report)
}

enum Page {
    Vacancies(Vec<matcher::domain::Vacancy>),
    Profiles(Vec<matcher::domain::JobseekerProfile>),
}

/// Bytes of the files in `dir`.
pub fn dir_size(dir: &std::path::Path) -> u64 {
    std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .filter_map(|e| e.metadata().ok())
                .filter(|m| m.is_file())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0)
}
