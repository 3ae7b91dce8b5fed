//! The engine's memory of the last cross-region potential matrix. It sits
//! apart from the picture so that [`crate::matching::MatchEngine`] can hold
//! it without depending on the picture that fills it.

use std::time::Instant;

use matcher::picture::Potential;
use matcher::taxonomy::Lang;

/// The last potential matrix: (key, computed, matrix).
#[derive(Debug, Default)]
pub struct PotentialCache(pub(super) std::sync::Mutex<Option<(PotentialKey, Instant, Potential)>>);

/// What a potential matrix depends on: the index generation and searcher
/// generation it was computed from, and the request.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct PotentialKey {
    pub(super) index: std::path::PathBuf,
    pub(super) searcher: u64,
    pub(super) min_score: f64,
    pub(super) disclosure_control: bool,
    pub(super) lang: Lang,
}
