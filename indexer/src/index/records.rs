//! The match records of every live index segment, held in memory.
//!
//! Each document stores its [`Record`]; segments are immutable, so a
//! segment's records are decoded once, when a searcher first shows the
//! segment, and dropped when no searcher shows it any more. Deleted
//! documents are filtered per query with the segment's alive bitset, which
//! is the only part of a segment that changes. Matching reads records by
//! (segment, document), so scoring touches neither the store nor the
//! document store, and the records are exactly those of the searcher's
//! snapshot.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use matcher::geography::Geography;
use matcher::records::{ProfileRecord, Record, VacancyRecord};
use tantivy::index::SegmentId;
use tantivy::schema::{Field, Value};
use tantivy::{DocId, Searcher, SegmentReader, TantivyDocument};

use super::generation::IndexError;

const NONE: u32 = u32::MAX;
/// Marks a vacancy slot; profile slots are plain indexes.
const VACANCY: u32 = 1 << 31;

/// The records of one segment, addressed by document id.
#[derive(Debug, Default)]
pub struct SegmentRecords {
    slots: Vec<u32>,
    profiles: Vec<(DocId, ProfileRecord)>,
    vacancies: Vec<(DocId, VacancyRecord)>,
    /// Per municipality (geography order), the longest commute of a profile
    /// living there, -1 when none does.
    max_commute_km: Vec<i32>,
}

impl SegmentRecords {
    pub fn profile(&self, doc: DocId) -> Option<&ProfileRecord> {
        match self.slots.get(doc as usize).copied() {
            Some(slot) if slot != NONE && slot & VACANCY == 0 => {
                self.profiles.get(slot as usize).map(|(_, p)| p)
            }
            _ => None,
        }
    }

    pub fn vacancy(&self, doc: DocId) -> Option<&VacancyRecord> {
        match self.slots.get(doc as usize).copied() {
            Some(slot) if slot != NONE && slot & VACANCY != 0 => self
                .vacancies
                .get((slot & !VACANCY) as usize)
                .map(|(_, v)| v),
            _ => None,
        }
    }

    /// Every profile document with its record (deleted ones too).
    pub fn profiles(&self) -> &[(DocId, ProfileRecord)] {
        &self.profiles
    }

    /// Every vacancy document with its record (deleted ones too).
    pub fn vacancies(&self) -> &[(DocId, VacancyRecord)] {
        &self.vacancies
    }

    pub fn len(&self) -> usize {
        self.profiles.len() + self.vacancies.len()
    }

    /// The longest commute (km) of a profile living in the municipality at
    /// `index` of the geography, `None` when no profile lives there.
    pub fn max_commute_km(&self, index: usize) -> Option<i32> {
        self.max_commute_km.get(index).copied().filter(|k| *k >= 0)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn load(
        segment: &SegmentReader,
        field: Field,
        geography: &Geography,
    ) -> Result<SegmentRecords, IndexError> {
        let store = segment
            .get_store_reader(64)
            .map_err(|e| IndexError::Tantivy(e.into()))?;
        let mut out = SegmentRecords {
            slots: vec![NONE; segment.max_doc() as usize],
            max_commute_km: vec![-1; geography.municipality_count()],
            ..SegmentRecords::default()
        };
        for (doc, stored) in store.iter::<TantivyDocument>(None).enumerate() {
            let stored = stored?;
            let Some(bytes) = stored.get_first(field).and_then(|v| v.as_bytes()) else {
                continue;
            };
            let record = Record::from_json(bytes, geography).map_err(|e| {
                IndexError::Missing(format!(
                    "a stored match record does not parse ({e}): rebuild the index"
                ))
            })?;
            let doc = doc as DocId;
            let Some(slot) = out.slots.get_mut(doc as usize) else {
                continue;
            };
            match record {
                Record::Profile(p) => {
                    if let Some(k) = out.max_commute_km.get_mut(usize::from(p.home_municipality)) {
                        *k = (*k).max(p.commute_km.max(0));
                    }
                    *slot = out.profiles.len() as u32;
                    out.profiles.push((doc, p));
                }
                Record::Vacancy(v) => {
                    *slot = out.vacancies.len() as u32 | VACANCY;
                    out.vacancies.push((doc, v));
                }
            }
        }
        Ok(out)
    }
}

/// Segment records of the searchers of one index generation.
pub struct RecordCache {
    field: Field,
    geography: Arc<Geography>,
    segments: Mutex<HashMap<SegmentId, Arc<SegmentRecords>>>,
}

impl std::fmt::Debug for RecordCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let n = self.segments.lock().map(|s| s.len()).unwrap_or(0);
        f.debug_struct("RecordCache").field("segments", &n).finish()
    }
}

impl RecordCache {
    pub fn new(field: Field, geography: Arc<Geography>) -> RecordCache {
        RecordCache {
            field,
            geography,
            segments: Mutex::new(HashMap::new()),
        }
    }

    /// The records of every segment of `searcher`, in segment order:
    /// segments seen before come from memory, new ones are decoded (in
    /// parallel), and segments the searcher no longer has are dropped.
    pub fn for_searcher(
        &self,
        searcher: &Searcher,
    ) -> Result<Vec<Arc<SegmentRecords>>, IndexError> {
        let readers = searcher.segment_readers();
        let known: HashMap<SegmentId, Arc<SegmentRecords>> = {
            let cache = self.segments.lock().unwrap_or_else(|e| e.into_inner());
            readers
                .iter()
                .filter_map(|r| {
                    cache
                        .get(&r.segment_id())
                        .map(|s| (r.segment_id(), s.clone()))
                })
                .collect()
        };
        let missing: Vec<&SegmentReader> = readers
            .iter()
            .filter(|r| !known.contains_key(&r.segment_id()))
            .collect();
        let next = std::sync::atomic::AtomicUsize::new(0);
        let workers = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(missing.len());
        let loaded: Vec<Result<(SegmentId, SegmentRecords), IndexError>> =
            std::thread::scope(|scope| {
                let handles: Vec<_> = (0..workers)
                    .map(|_| {
                        scope.spawn(|| {
                            let mut out = Vec::new();
                            loop {
                                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                                let Some(r) = missing.get(i) else {
                                    return out;
                                };
                                out.push(
                                    SegmentRecords::load(r, self.field, &self.geography)
                                        .map(|s| (r.segment_id(), s)),
                                );
                            }
                        })
                    })
                    .collect();
                handles
                    .into_iter()
                    .flat_map(|h| {
                        h.join().unwrap_or_else(|_| {
                            vec![Err(IndexError::Missing(
                                "loading match records failed".into(),
                            ))]
                        })
                    })
                    .collect()
            });
        let mut all = known;
        for result in loaded {
            let (id, records) = result?;
            all.insert(id, Arc::new(records));
        }
        let mut cache = self.segments.lock().unwrap_or_else(|e| e.into_inner());
        // Keep what this searcher shows; older searchers reload what they need.
        cache.retain(|id, _| all.contains_key(id));
        for (id, records) in &all {
            cache.entry(*id).or_insert_with(|| records.clone());
        }
        Ok(readers
            .iter()
            .map(|r| all.get(&r.segment_id()).cloned().unwrap_or_default())
            .collect())
    }
}
