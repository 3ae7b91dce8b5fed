//! Applying the outbox to the index: one writer, in outbox order, one
//! tantivy commit per batch with the last applied outbox id as payload.

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use matcher::domain::{ProfileId, VacancyId};
use matcher::index::analysis::Analyzers;
use matcher::index::document::{profile_document, profile_key, vacancy_document, vacancy_key};
use serde::Serialize;
use tantivy::{IndexWriter, TantivyDocument, Term};

use super::generation::{CommitPayload, IndexError, IndexRoot, ReferenceData, SearchIndex};
use crate::store::outbox::{self, Entity};
use crate::store::{profiles, vacancies, Store};

/// Outbox entries applied per commit at most.
pub const BATCH: i64 = 5_000;
/// Writer memory for incremental sync.
const SYNC_HEAP: usize = 64 << 20;
/// Longest wait between two tries of a failing sync (a database restart,
/// a full disk): short enough that the index catches up soon after the
/// fault is gone, long enough that a lasting fault costs nothing.
const MAX_BACKOFF: Duration = Duration::from_secs(10);

/// What a sync run did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct SyncReport {
    pub entries: usize,
    pub commits: usize,
    pub applied_outbox_id: i64,
    pub seconds: f64,
}

/// What a purge did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct PurgeReport {
    pub segments_before: usize,
    pub segments_after: usize,
    pub deleted_docs_before: u64,
    pub files_removed: usize,
}

/// How often a sync that keeps failing says so again.
const FAILING_REMINDER: Duration = Duration::from_secs(600);

/// A run of failed sync tries.
struct Failing {
    since: Instant,
    reminded: Instant,
    retries: u64,
}

/// The one writer of this process's index.
pub struct IndexSync {
    root: IndexRoot,
    index: SearchIndex,
    /// `None` after a failed batch: a writer whose commit failed (a full
    /// disk) holds half-applied operations and may have lost its indexing
    /// threads, so it is dropped, and the next batch opens a fresh one on
    /// the last commit.
    writer: Option<IndexWriter<TantivyDocument>>,
    applied: i64,
    reference: ReferenceData,
}

impl std::fmt::Debug for IndexSync {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IndexSync")
            .field("dir", &self.index.dir)
            .field("applied", &self.applied)
            .finish()
    }
}

pub(super) fn open_writer(
    index: &SearchIndex,
    threads: usize,
    heap: usize,
) -> Result<IndexWriter<TantivyDocument>, IndexError> {
    index
        .index
        .writer_with_num_threads(threads, heap)
        .map_err(|e| match e {
            tantivy::TantivyError::LockFailure(..) => {
                IndexError::Locked(index.dir.display().to_string())
            }
            e => IndexError::Tantivy(e),
        })
}

pub(super) fn commit_with(
    writer: &mut IndexWriter<TantivyDocument>,
    payload: &CommitPayload,
) -> Result<(), IndexError> {
    let text = serde_json::to_string(payload)
        .map_err(|e| IndexError::Tantivy(tantivy::TantivyError::InternalError(e.to_string())))?;
    let mut prepared = writer.prepare_commit()?;
    prepared.set_payload(&text);
    prepared.commit()?;
    Ok(())
}

impl IndexSync {
    /// Open the live generation for writing, creating an empty one (that will
    /// replay the whole outbox) when there is none.
    pub fn open(root: IndexRoot, reference: ReferenceData) -> Result<IndexSync, IndexError> {
        let index = match root.current()? {
            Some(dir) => SearchIndex::open(&dir)?,
            None => {
                let dir = root.new_generation()?;
                let index = SearchIndex::create(&dir, &reference.taxonomy)?;
                let mut writer = open_writer(&index, 1, SYNC_HEAP)?;
                commit_with(
                    &mut writer,
                    &CommitPayload {
                        outbox_id: 0,
                        taxonomy: reference.taxonomy.version().to_owned(),
                        records: matcher::records::RECORD_FORMAT,
                    },
                )?;
                drop(writer);
                root.swap(&dir)?;
                index
            }
        };
        let writer = open_writer(&index, 1, SYNC_HEAP)?;
        let applied = index.payload()?.outbox_id;
        index.reader.reload()?;
        Ok(IndexSync {
            root,
            index,
            writer: Some(writer),
            applied,
            reference,
        })
    }

    /// The last outbox id the index holds.
    pub fn applied(&self) -> i64 {
        self.applied
    }

    pub fn index(&self) -> &SearchIndex {
        &self.index
    }

    /// When another process swapped in a new generation (a rebuild), switch
    /// to it. Returns whether it did.
    pub fn follow_swap(&mut self) -> Result<bool, IndexError> {
        match self.root.current()? {
            Some(dir) if dir != self.index.dir => {
                // The old generation's writer goes first: a full disk may
                // leave no room for two.
                self.writer = None;
                let index = SearchIndex::open(&dir)?;
                let writer = open_writer(&index, 1, SYNC_HEAP)?;
                self.applied = index.payload()?.outbox_id;
                index.reader.reload()?;
                self.index = index;
                self.writer = Some(writer);
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    /// The writer, taken out for a batch: opened afresh on the last commit
    /// when a failed batch dropped it.
    fn take_writer(&mut self) -> Result<IndexWriter<TantivyDocument>, IndexError> {
        if let Some(writer) = self.writer.take() {
            return Ok(writer);
        }
        let writer = open_writer(&self.index, 1, SYNC_HEAP)?;
        // The index holds what was committed last, whatever the failed
        // batch got to.
        self.applied = self.index.payload()?.outbox_id;
        Ok(writer)
    }

    /// Apply up to `limit` outbox entries in one commit; returns how many
    /// were applied (0: the index is up to date). A batch that fails once
    /// it has touched the writer drops the writer (`?` below), so nothing
    /// of it counts as applied and the next try starts from the last commit.
    pub fn sync_batch(&mut self, store: &Store, limit: i64) -> Result<usize, IndexError> {
        let writer = self.take_writer()?;
        self.writer = Some(writer);
        let entries = store.read(|c| outbox::read_after(c, self.applied, limit))?;
        let Some(last) = entries.last().map(|e| e.id) else {
            return Ok(0);
        };
        let mut vacancy_ids = BTreeSet::new();
        let mut profile_ids = BTreeSet::new();
        for entry in &entries {
            match entry.entity {
                Entity::Vacancy => vacancy_ids.insert(entry.entity_id),
                Entity::Profile => profile_ids.insert(entry.entity_id),
            };
        }
        // The current state of every touched record: a record that is gone
        // was deleted (by this batch or a later one), so only its delete
        // applies. Applying the current state is idempotent, so a replay
        // after a crash cannot duplicate anything.
        let ids: Vec<VacancyId> = vacancy_ids.iter().map(|&id| VacancyId(id)).collect();
        let current_vacancies = store.read(|c| vacancies::get_vacancies(c, &ids))?;
        let ids: Vec<ProfileId> = profile_ids.iter().map(|&id| ProfileId(id)).collect();
        let current_profiles = store.read(|c| profiles::get_profiles(c, &ids))?;

        let mut writer = self.take_writer()?;
        let s = &self.index.schema;
        let (taxonomy, geography) = (&self.reference.taxonomy, &self.reference.geography);
        let mut analyzers = Analyzers::new(&self.index.lexicon);
        for id in &vacancy_ids {
            writer.delete_term(Term::from_field_text(s.doc_key, &vacancy_key(*id)));
        }
        for id in &profile_ids {
            writer.delete_term(Term::from_field_text(s.doc_key, &profile_key(*id)));
        }
        for v in &current_vacancies {
            writer.add_document(vacancy_document(s, v, taxonomy, geography, &mut analyzers))?;
        }
        for p in &current_profiles {
            writer.add_document(profile_document(s, p, taxonomy, geography, &mut analyzers))?;
        }
        commit_with(
            &mut writer,
            &CommitPayload {
                outbox_id: last,
                taxonomy: taxonomy.version().to_owned(),
                records: matcher::records::RECORD_FORMAT,
            },
        )?;
        self.applied = last;
        self.writer = Some(writer);
        self.index.reader.reload()?;
        Ok(entries.len())
    }

    /// Apply the outbox until it is drained.
    pub fn sync_all(
        &mut self,
        store: &Store,
        mut progress: impl FnMut(i64),
    ) -> Result<SyncReport, IndexError> {
        let started = Instant::now();
        let mut report = SyncReport::default();
        self.follow_swap()?;
        loop {
            let n = self.sync_batch(store, BATCH)?;
            if n == 0 {
                break;
            }
            report.entries += n;
            report.commits += 1;
            progress(self.applied);
        }
        report.applied_outbox_id = self.applied;
        report.seconds = started.elapsed().as_secs_f64();
        Ok(report)
    }

    /// Keep applying the outbox until `stop` is set: poll every `interval`
    /// when idle, go straight on while there is a backlog. Errors (a database
    /// restart, a full disk) are retried with backoff. A run of failures is
    /// one warning when it starts (its details change from try to try: a
    /// full disk fails in one file, then another), a reminder every
    /// [`FAILING_REMINDER`], and one line when the index syncs again.
    pub fn run(&mut self, store: &Store, stop: &AtomicBool, interval: Duration) {
        let mut backoff = interval;
        let mut failing: Option<Failing> = None;
        while !stop.load(Ordering::Relaxed) {
            let step = self
                .follow_swap()
                .and_then(|_| self.sync_batch(store, BATCH));
            match step {
                Ok(n) => {
                    backoff = interval;
                    if let Some(f) = failing.take() {
                        tracing::info!(
                            retries = f.retries,
                            seconds = f.since.elapsed().as_secs(),
                            applied = self.applied,
                            "index sync recovered"
                        );
                    }
                    if n == 0 {
                        std::thread::sleep(interval);
                    } else {
                        tracing::debug!(entries = n, applied = self.applied, "index synced");
                    }
                }
                Err(error) => {
                    match &mut failing {
                        None => {
                            tracing::warn!(
                                %error,
                                applied = self.applied,
                                "index sync failed; retrying with backoff until it succeeds"
                            );
                            failing = Some(Failing {
                                since: Instant::now(),
                                reminded: Instant::now(),
                                retries: 0,
                            });
                        }
                        Some(f) => {
                            f.retries += 1;
                            if f.reminded.elapsed() >= FAILING_REMINDER {
                                f.reminded = Instant::now();
                                tracing::warn!(
                                    %error,
                                    retries = f.retries,
                                    seconds = f.since.elapsed().as_secs(),
                                    "index sync still failing"
                                );
                            } else {
                                tracing::debug!(%error, retries = f.retries, "index sync still failing");
                            }
                        }
                    }
                    std::thread::sleep(backoff);
                    backoff = (backoff * 2).min(MAX_BACKOFF);
                }
            }
        }
        // Stopping: apply what the outbox holds now (for at most 10 s), so
        // that a graceful shutdown leaves the index committed up to date.
        let deadline = std::time::Instant::now() + Duration::from_secs(10);
        while std::time::Instant::now() < deadline {
            match self
                .follow_swap()
                .and_then(|_| self.sync_batch(store, BATCH))
            {
                Ok(0) => break,
                Ok(_) => {}
                Err(error) => {
                    tracing::warn!(%error, "final index sync failed; the next start resumes");
                    break;
                }
            }
        }
    }

    /// Merge all segments into one and delete the files of the old ones, so
    /// that deleted documents are gone from disk, not just marked deleted.
    pub fn purge(&mut self) -> Result<PurgeReport, IndexError> {
        purge(self)
    }
}

/// See [`IndexSync::purge`].
pub fn purge(sync: &mut IndexSync) -> Result<PurgeReport, IndexError> {
    let searcher = sync.index.reader.searcher();
    let mut report = PurgeReport {
        segments_before: searcher.segment_readers().len(),
        deleted_docs_before: searcher
            .segment_readers()
            .iter()
            .map(|s| u64::from(s.num_deleted_docs()))
            .sum(),
        ..PurgeReport::default()
    };
    drop(searcher);
    let writer = sync.take_writer()?;
    let writer = sync.writer.insert(writer);
    let segments = sync.index.index.searchable_segment_ids()?;
    if !segments.is_empty() {
        writer.merge(&segments).wait()?;
    }
    let gc = writer.garbage_collect_files().wait()?;
    report.files_removed = gc.deleted_files.len();
    sync.index.reader.reload()?;
    report.segments_after = sync.index.reader.searcher().segment_readers().len();
    Ok(report)
}

/// Run [`IndexSync::run`] on its own thread until `stop` is set.
pub fn spawn(
    mut sync: IndexSync,
    store: Store,
    stop: Arc<AtomicBool>,
    interval: Duration,
) -> std::thread::JoinHandle<IndexSync> {
    std::thread::spawn(move || {
        sync.run(&store, &stop, interval);
        sync
    })
}
