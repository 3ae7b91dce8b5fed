//! Free text → ESCO: job titles and ad text to ranked occupations
//! ([`OccupationCoder`]) and the skills a text mentions ([`SkillExtractor`]).
//!
//! Both are built once from a [`Taxonomy`](crate::taxonomy::Taxonomy) and a
//! curated [`Lexicon`], then only read; both may be shared between threads.
//!
//! The rooms, in the order text flows through them:
//! - [`clean`]: what job ads add to a title (gender tags, seniority,
//!   employment terms, hours, places, hiring phrases), alternatives
//!   ("kokki / tarjoilija"), abbreviations, and the title of an ad.
//! - [`lexicon`]: the team's curated file of Finnish and Swedish titles,
//!   colloquialisms and abbreviations that ESCO lacks, and of technology
//!   words that name ESCO skills.
//! - [`compounds`]: Finnish and Swedish compounds split into modifier and
//!   head with the taxonomy's own vocabulary, so that the modifier of
//!   "tietoliikenneasiantuntija" counts, not only its head.
//! - [`coder`]: the occupation coder: labels in three languages, ISCO group
//!   labels, ESCO descriptions and the labels of each occupation's skills as
//!   evidence, and a calibrated confidence.
//! - [`skills`]: skill mentions in ad and CV text, inflected forms included.
//! - `words`: what the coder and the extractor share: text analysed into
//!   stems with their compound heads, technology names kept whole.
//! - [`evaluation`]: top-k and MRR of the coder on labelled titles, and
//!   precision/recall of the extractor on annotated texts.

pub mod clean;
pub mod coder;
pub mod compounds;
pub mod evaluation;
pub mod lexicon;
pub mod skills;
pub(crate) mod words;

pub use clean::EXPANSIONS;
pub use coder::{Evidence, LabelKind, OccupationCoder, OccupationMatch};
pub use lexicon::{Lexicon, LexiconError};
pub use skills::{SkillExtractor, SkillMention, GENERIC_LABEL_DF};
