//! Finnish and Swedish compounds: the modifier in front of a head, and
//! lookups of terms by prefix.
//!
//! The analyzers already know the heads (words that stand alone in some
//! label of the taxonomy and end longer words: "asiantuntija",
//! "suunnittelija", "kehittäjä"). What a compound adds to its head is its
//! *modifier* ("tietoliikenne-", "ohjelmisto-", "sisustus-"), and that is what
//! tells a software designer from an interior designer. A modifier is the
//! analysed word with its head cut off and a linking genitive -n (Finnish) or
//! -s (Swedish) trimmed; it is looked up as a *prefix* of the vocabulary's
//! terms, since the vocabulary holds it inside other compounds
//! ("tietoliikenneinsinööri") and the stemmer leaves modifiers unstemmed.

use std::collections::HashMap;

use crate::taxonomy::Lang;

/// Shortest modifier that is looked up (in characters): shorter ones
/// ("työ-", "ala-") start too many unrelated words.
const MIN_MODIFIER: usize = 4;
/// At most this many vocabulary terms are taken for one prefix.
pub(crate) const MAX_PREFIX_TERMS: usize = 48;
/// Shortest stem whose other inflected forms are looked up by prefix, for
/// titles (skill names are shorter: "python", "java" need less).
pub(crate) const MIN_INFLECTED: usize = 7;

/// The modifier of a compound `stem` ending in `head`, if both are long
/// enough: "tietoliikenneasiantuntij" with head "asiantuntij" →
/// "tietoliikenne"; "sairaanhoitaj" with head "hoitaj" → "sairaa".
pub(crate) fn modifier<'a>(stem: &'a str, head: &str, lang: Lang) -> Option<&'a str> {
    let rest = stem.strip_suffix(head)?.trim_end_matches('-');
    let rest = match lang {
        // The genitive of a modifier ("sairaan-", "linja-auton-").
        Lang::Fi => rest.strip_suffix('n').unwrap_or(rest),
        // The linking -s of Swedish compounds ("försäljnings-").
        Lang::Sv => rest.strip_suffix('s').unwrap_or(rest),
        Lang::En => rest,
    };
    (rest.chars().count() >= MIN_MODIFIER).then_some(rest)
}

/// The prefix under which other inflected forms of a stem of at least
/// `min` characters are found: the stem less its last two characters
/// ("arkkitehd" and "arkkiteht" share "arkkite"), or `None` for a shorter
/// stem.
pub(crate) fn inflection_prefix(stem: &str, min: usize) -> Option<&str> {
    let n = stem.chars().count();
    if n < min {
        return None;
    }
    stem.char_indices().nth(n - 2).map(|(i, _)| &stem[..i])
}

/// Terms in sorted order for prefix lookups.
#[derive(Clone, Debug, Default)]
pub(crate) struct PrefixTable {
    sorted: Vec<(String, u32)>,
}

impl PrefixTable {
    pub fn new(terms: &HashMap<String, u32>) -> PrefixTable {
        let mut sorted: Vec<(String, u32)> = terms.iter().map(|(t, &id)| (t.clone(), id)).collect();
        sorted.sort_unstable();
        PrefixTable { sorted }
    }

    /// Ids of the terms starting with `prefix` (at most
    /// [`MAX_PREFIX_TERMS`]; a prefix shared by more is too common to
    /// mean anything, and yields none).
    pub fn with_prefix(&self, prefix: &str) -> &[(String, u32)] {
        let start = self.sorted.partition_point(|(t, _)| t.as_str() < prefix);
        let end = start
            + self.sorted[start..]
                .iter()
                .take(MAX_PREFIX_TERMS + 1)
                .take_while(|(t, _)| t.starts_with(prefix))
                .count();
        if end - start > MAX_PREFIX_TERMS {
            return &[];
        }
        &self.sorted[start..end]
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn modifiers_are_cut_from_their_heads() {
        assert_eq!(
            modifier("tietoliikenneasiantuntij", "asiantuntij", Lang::Fi),
            Some("tietoliikenne")
        );
        assert_eq!(
            modifier("sairaanhoitaj", "hoitaj", Lang::Fi),
            Some("sairaa")
        );
        assert_eq!(
            modifier("forsaljningschef", "chef", Lang::Sv),
            Some("forsaljning")
        );
        assert_eq!(modifier("tyonjohtaj", "johtaj", Lang::Fi), None);
        assert_eq!(modifier("kokki", "hoitaj", Lang::Fi), None);
    }

    #[test]
    fn prefixes_find_terms_and_give_up_when_too_common() {
        let terms: HashMap<String, u32> = ["tietoliikenneinsinoor", "tietoturv", "ohjelmist"]
            .iter()
            .enumerate()
            .map(|(i, t)| ((*t).to_owned(), i as u32))
            .collect();
        let table = PrefixTable::new(&terms);
        let found: Vec<u32> = table.with_prefix("tieto").iter().map(|t| t.1).collect();
        assert_eq!(found.len(), 2);
        assert!(table.with_prefix("xyz").is_empty());
        assert_eq!(
            inflection_prefix("arkkitehd", MIN_INFLECTED),
            Some("arkkite")
        );
        assert_eq!(inflection_prefix("kokk", MIN_INFLECTED), None);
    }
}
