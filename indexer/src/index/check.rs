//! Comparing the index with the store: every id and version of both kinds.

use std::collections::HashMap;

use serde::Serialize;
use tantivy::collector::DocSetCollector;
use tantivy::query::TermQuery;
use tantivy::schema::IndexRecordOption;
use tantivy::Term;

use super::generation::{IndexError, SearchIndex};
use crate::store::outbox::{self, Entity};
use crate::store::versions::all_versions;
use crate::store::Store;

/// How many differing ids a report lists per kind and category.
const SAMPLE: usize = 10;

/// Store and index of one kind compared.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
pub struct KindCheck {
    pub store: usize,
    pub index: usize,
    /// Counts of ids in the store but not in the index, in the index but not
    /// in the store, in both with other versions, and more than once in the index.
    pub missing: usize,
    pub extra: usize,
    pub stale: usize,
    pub duplicated: usize,
    /// Up to ten examples of each: ids, and (id, store version, index version).
    pub missing_ids: Vec<i64>,
    pub extra_ids: Vec<i64>,
    pub stale_versions: Vec<(i64, i64, i64)>,
    pub duplicated_ids: Vec<i64>,
}

impl KindCheck {
    pub fn drift(&self) -> bool {
        self.missing + self.extra + self.stale + self.duplicated > 0
    }
}

/// The whole comparison.
#[derive(Debug, Clone, Default, Serialize)]
pub struct CheckReport {
    pub vacancies: KindCheck,
    pub profiles: KindCheck,
    /// The last outbox id the index holds, and the store's last.
    pub applied_outbox_id: i64,
    pub store_outbox_id: i64,
    /// Outbox entries not yet applied; differences are expected while > 0.
    pub lag: i64,
    /// The index has applied outbox entries the store does not hold: the
    /// store was restored from a backup older than the index (or replaced).
    /// Only a rebuild brings the two together again.
    pub ahead: bool,
    pub drift: bool,
    pub index_directory: String,
}

/// Compare every id and version of the store with the index as committed.
pub fn check(store: &Store, index: &SearchIndex) -> Result<CheckReport, IndexError> {
    index.reader.reload()?;
    let applied = index.payload()?.outbox_id;
    let store_outbox_id = store.read(outbox::last_id)?;
    let vacancies = compare(
        store.read(|c| all_versions(c, Entity::Vacancy))?,
        index_versions(index, "vacancy")?,
    );
    let profiles = compare(
        store.read(|c| all_versions(c, Entity::Profile))?,
        index_versions(index, "profile")?,
    );
    let ahead = applied > store_outbox_id;
    Ok(CheckReport {
        drift: ahead || vacancies.drift() || profiles.drift(),
        ahead,
        vacancies,
        profiles,
        applied_outbox_id: applied,
        store_outbox_id,
        lag: (store_outbox_id - applied).max(0),
        index_directory: index.dir.display().to_string(),
    })
}

/// When the index has applied more of the outbox than the store holds (a
/// store restored from an older backup): the index's and the store's last
/// outbox ids. Syncing such an index would skip the store's next changes.
pub fn ahead_of_store(
    store: &Store,
    index: &SearchIndex,
) -> Result<Option<(i64, i64)>, IndexError> {
    let applied = index.payload()?.outbox_id;
    let stored = store.read(outbox::last_id)?;
    Ok((applied > stored).then_some((applied, stored)))
}

/// `(id, version)` of every live document of a kind.
fn index_versions(index: &SearchIndex, kind: &str) -> Result<Vec<(i64, i64)>, IndexError> {
    let searcher = index.reader.searcher();
    let query = TermQuery::new(
        Term::from_field_text(index.schema.kind, kind),
        IndexRecordOption::Basic,
    );
    let docs = searcher.search(&query, &DocSetCollector)?;
    let mut columns = HashMap::new();
    let mut out = Vec::with_capacity(docs.len());
    for address in docs {
        let segment = searcher.segment_reader(address.segment_ord);
        let (ids, versions) = match columns.entry(address.segment_ord) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(e) => {
                let fast = segment.fast_fields();
                e.insert((fast.u64("id")?, fast.i64("version")?))
            }
        };
        if let (Some(id), Some(version)) =
            (ids.first(address.doc_id), versions.first(address.doc_id))
        {
            out.push((id as i64, version));
        }
    }
    Ok(out)
}

fn compare(store: Vec<(i64, i64)>, index: Vec<(i64, i64)>) -> KindCheck {
    let mut check = KindCheck {
        store: store.len(),
        index: index.len(),
        ..KindCheck::default()
    };
    let mut in_index: HashMap<i64, i64> = HashMap::with_capacity(index.len());
    for (id, version) in index {
        if in_index.insert(id, version).is_some() {
            check.duplicated += 1;
            if check.duplicated_ids.len() < SAMPLE {
                check.duplicated_ids.push(id);
            }
        }
    }
    for (id, version) in store {
        match in_index.remove(&id) {
            None => {
                check.missing += 1;
                if check.missing_ids.len() < SAMPLE {
                    check.missing_ids.push(id);
                }
            }
            Some(v) if v != version => {
                check.stale += 1;
                if check.stale_versions.len() < SAMPLE {
                    check.stale_versions.push((id, version, v));
                }
            }
            Some(_) => {}
        }
    }
    check.extra = in_index.len();
    let mut extra: Vec<i64> = in_index.into_keys().collect();
    extra.sort_unstable();
    check.extra_ids = extra.into_iter().take(SAMPLE).collect();
    check
}
