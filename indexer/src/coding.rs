//! The coders the service runs: the occupation coder and the skill
//! extractor, built from the store's taxonomy, the geography's place names
//! and the curated lexicon.
//!
//! The lexicon is read from the shipped `fixtures/lexicon/` and then from
//! `<data dir>/lexicon/` when that exists, so that an operator extends it
//! without touching shipped files: every `titles*.tsv` and `skills*.tsv`
//! there, in name order (each shipped file's header gives its layout).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use matcher::geography::Geography;
use matcher::normalize::{Lexicon, OccupationCoder, SkillExtractor};
use matcher::taxonomy::Taxonomy;

use crate::generate::labour::LabourMarket;
use crate::sources::{fixtures_dir, SourceError};

/// Folder of lexicon files, under the fixtures and under a data directory.
pub const LEXICON_DIR: &str = "lexicon";

/// The lexicon files of `dirs` (missing folders are skipped), checked
/// against `taxonomy`.
pub fn load_lexicon(taxonomy: &Taxonomy, dirs: &[PathBuf]) -> Result<Lexicon, SourceError> {
    let mut lexicon = Lexicon::default();
    for dir in dirs {
        let Ok(entries) = std::fs::read_dir(dir) else {
            continue;
        };
        let mut files: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "tsv"))
            .collect();
        files.sort();
        for path in files {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let text = std::fs::read_to_string(&path).map_err(|source| SourceError::Io {
                file: path.display().to_string(),
                source,
            })?;
            let file = path.display().to_string();
            let added = if name.starts_with("titles") {
                lexicon.add_titles(&file, &text, taxonomy)
            } else if name.starts_with("skills") {
                lexicon.add_skill_terms(&file, &text, taxonomy)
            } else {
                continue;
            };
            added.map_err(|e| SourceError::Malformed {
                file: e.file,
                line: e.line as u64,
                reason: e.reason,
            })?;
        }
    }
    Ok(lexicon)
}

/// The lexicon folders read for a data directory: the shipped one, then the
/// operator's.
pub fn lexicon_dirs(data_dir: Option<&Path>) -> Vec<PathBuf> {
    let mut dirs = vec![fixtures_dir().join(LEXICON_DIR)];
    if let Some(dir) = data_dir {
        dirs.push(dir.join(LEXICON_DIR));
    }
    dirs
}

/// The occupation coder and skill extractor, shared.
#[derive(Clone, Debug)]
pub struct Coders {
    pub occupations: Arc<OccupationCoder>,
    pub skills: Arc<SkillExtractor>,
}

impl Coders {
    /// Build both from `taxonomy` and `lexicon`; municipality and region
    /// names (fi/sv) of `geography` are stripped from titles, and `market`
    /// gives each ISCO unit group its prior (open vacancies plus unemployed
    /// jobseekers).
    pub fn build(
        taxonomy: &Taxonomy,
        geography: &Geography,
        lexicon: &Lexicon,
        market: &LabourMarket,
    ) -> Coders {
        let started = std::time::Instant::now();
        // The two are independent: build them side by side.
        let (occupations, skills) = std::thread::scope(|scope| {
            let skills = scope.spawn(|| SkillExtractor::new(taxonomy, lexicon));
            let occupations = Coders::occupation_coder(taxonomy, geography, lexicon, market);
            let skills = skills
                .join()
                .unwrap_or_else(|_| SkillExtractor::new(taxonomy, lexicon));
            (occupations, skills)
        });
        tracing::info!(seconds = started.elapsed().as_secs_f64(), "coders built");
        Coders {
            occupations: Arc::new(occupations),
            skills: Arc::new(skills),
        }
    }

    /// The occupation coder alone, as [`build`](Self::build) makes it (for
    /// commands that need no skill extractor).
    pub fn occupation_coder(
        taxonomy: &Taxonomy,
        geography: &Geography,
        lexicon: &Lexicon,
        market: &LabourMarket,
    ) -> OccupationCoder {
        OccupationCoder::new(taxonomy, lexicon)
            .with_place_names(place_names(geography))
            .with_group_frequencies(group_frequencies(market))
    }

    /// [`occupation_coder`](Self::occupation_coder) with the lexicon of
    /// [`lexicon_dirs`] and the shipped labour statistics.
    pub fn load_occupation_coder(
        taxonomy: &Taxonomy,
        geography: &Geography,
        data_dir: Option<&Path>,
    ) -> Result<OccupationCoder, SourceError> {
        let lexicon = load_lexicon(taxonomy, &lexicon_dirs(data_dir))?;
        let market = LabourMarket::load(&fixtures_dir().join("labour-stats"), geography)?;
        Ok(Coders::occupation_coder(
            taxonomy, geography, &lexicon, &market,
        ))
    }

    /// [`build`](Self::build) with the lexicon of [`lexicon_dirs`] and the
    /// shipped labour statistics.
    pub fn load(
        taxonomy: &Taxonomy,
        geography: &Geography,
        data_dir: Option<&Path>,
    ) -> Result<Coders, SourceError> {
        let lexicon = load_lexicon(taxonomy, &lexicon_dirs(data_dir))?;
        let market = LabourMarket::load(&fixtures_dir().join("labour-stats"), geography)?;
        Ok(Coders::build(taxonomy, geography, &lexicon, &market))
    }
}

/// Municipality and region names (fi/sv), stripped from titles.
fn place_names(geography: &Geography) -> impl Iterator<Item = &str> {
    geography
        .municipalities()
        .flat_map(|m| [m.name_fi.as_str(), m.name_sv.as_str()])
        .chain(
            geography
                .regions()
                .flat_map(|r| [r.name_fi.as_str(), r.name_sv.as_str()]),
        )
}

/// Open vacancies plus unemployed jobseekers per ISCO unit group.
fn group_frequencies(market: &LabourMarket) -> impl Iterator<Item = (&str, f64)> {
    market
        .by_occupation
        .iter()
        .map(|(code, (unemployed, vacancies))| (code.as_str(), unemployed + vacancies))
}
