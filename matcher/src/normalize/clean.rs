//! Cleaning a job title of what job ads add to it, splitting it into
//! alternatives, expanding abbreviations, finding place names in any
//! Finnish case, and telling an ad's title from its body.

use std::collections::HashSet;

use crate::index::analysis::fold;

/// Words that say how senior the post is, not what it is.
const SENIORITY: &[&str] = &[
    "senior",
    "sr",
    "junior",
    "jr",
    "lead",
    "principal",
    "trainee",
    "vanhempi",
    "nuorempi",
    "kokenut",
    "kokeneelle",
    "kokenutta",
    "experienced",
    "erfaren",
    "seniori",
    "juniori",
];

/// Employment terms, hours, hiring phrases and other words that job ads add
/// to titles in fi/sv/en (folded, lower case).
const NOISE: &[&str] = &[
    // Finnish employment terms
    "sijaisuus",
    "sijaisuuteen",
    "sijaiseksi",
    "sijainen",
    "vakituinen",
    "vakituiseen",
    "vakinainen",
    "vakinaiseen",
    "toistaiseksi",
    "voimassa",
    "oleva",
    "olevaan",
    "osa-aikainen",
    "osa-aikaiseen",
    "osa-aikaisesti",
    "osa-aika",
    "kokoaikainen",
    "kokoaikaiseen",
    "maaraaikainen",
    "maaraaikaiseen",
    "kesatyo",
    "kesatyot",
    "kesatoihin",
    "kesatyontekija",
    "kesaksi",
    "kesa",
    "keikkatyo",
    "keikka",
    "keikalle",
    "tuntityo",
    "harjoittelu",
    "harjoittelija",
    "tyosuhde",
    "tyosuhteeseen",
    "etatyo",
    "etana",
    "eta",
    "hybridi",
    "vko",
    "viikko",
    "viikossa",
    "tuntia",
    "klo",
    "alkaen",
    "heti",
    "pian",
    "paikkakunta",
    "useita",
    "useampi",
    "uusi",
    "uusia",
    // Finnish hiring phrases
    "haemme",
    "etsimme",
    "haetaan",
    "tarvitaan",
    "rekrytoimme",
    "palkkaamme",
    "joukkoomme",
    "tiimiimme",
    "tiimiin",
    "meille",
    "rekry",
    "rekrytointi",
    // Swedish
    "heltid",
    "deltid",
    "vikariat",
    "vikarie",
    "vikarier",
    "sommarjobb",
    "sommarvikarie",
    "sommarvikariat",
    "tillsvidare",
    "tillsvidareanstallning",
    "visstid",
    "visstidsanstallning",
    "praktik",
    "praktikant",
    "timmar",
    "vecka",
    "distans",
    "vi",
    "soker",
    "till",
    "ny",
    "nya",
    "flera",
    // English
    "full-time",
    "fulltime",
    "part-time",
    "parttime",
    "internship",
    "intern",
    "temporary",
    "temp",
    "permanent",
    "contract",
    "freelance",
    "remote",
    "hybrid",
    "hours",
    "week",
    "summer",
    "job",
    "jobs",
    "we",
    "are",
    "hiring",
    "looking",
    "seeking",
    "wanted",
    "new",
    "several",
    "multiple",
    "urgent",
    "immediate",
    "start",
    "asap",
];

/// Two-word noise phrases (folded), removed before single words.
const NOISE_PAIRS: &[(&str, &str)] = &[
    ("full", "time"),
    ("part", "time"),
    ("osa", "aikainen"),
    ("osa", "aikaiseen"),
    ("all", "genders"),
    ("alla", "kon"),
    ("kaikki", "sukupuolet"),
];

/// Built-in place words that are not municipality names.
pub(crate) const PLACE_WORDS: &[&str] = &[
    "suomi",
    "finland",
    "paakaupunkiseutu",
    "paakaupunkiseudulla",
    "paakaupunkiseudulle",
    "huvudstadsregionen",
    "koko",
    "nationwide",
    "remote-first",
];

/// Abbreviations and colloquial words (folded, lower case, ASCII) → what
/// ESCO labels say. A word is replaced whole; an entry ending in `-` replaces
/// a word *prefix* (Finnish compounds: "bussinkuljettaja" →
/// "linja-autonkuljettaja").
pub const EXPANSIONS: &[(&str, &str)] = &[
    // English
    // In job ads "dev" is always software.
    ("dev", "software developer"),
    ("devs", "software developer"),
    ("mgr", "manager"),
    ("mngr", "manager"),
    ("eng", "engineer"),
    ("engr", "engineer"),
    ("admin", "administrator"),
    ("sysadmin", "system administrator"),
    ("asst", "assistant"),
    ("assist", "assistant"),
    ("it", "ict"),
    ("hr", "human resources"),
    ("sw", "software"),
    ("qa", "quality assurance"),
    ("pm", "project manager"),
    ("ceo", "chief executive officer"),
    ("cfo", "chief financial officer"),
    ("cto", "chief technology officer"),
    ("ux", "user experience"),
    ("ui", "user interface"),
    ("rn", "nurse"),
    ("fullstack", "software developer"),
    ("full-stack", "software developer"),
    ("frontend", "web developer"),
    ("front-end", "web developer"),
    ("backend", "software developer"),
    ("back-end", "software developer"),
    ("coder", "programmer"),
    // Finnish
    ("it-tuki", "ict-tuki"),
    ("it-", "ict-"),
    ("sh", "sairaanhoitaja"),
    ("lh", "lähihoitaja"),
    ("th", "terveydenhoitaja"),
    ("lahari", "lähihoitaja"),
    ("koodari", "ohjelmoija"),
    ("devaaja", "ohjelmistokehittäjä"),
    ("hitsari", "hitsaaja"),
    ("putkari", "putkiasentaja"),
    ("sahkari", "sähköasentaja"),
    ("kuski", "kuljettaja"),
    ("rekkakuski", "kuorma-auton kuljettaja"),
    ("bussikuski", "linja-autonkuljettaja"),
    ("bussin-", "linja-auton"),
    ("bussi-", "linja-auto"),
    ("rekan-", "kuorma-auton"),
    ("rekka-", "kuorma-auto"),
    ("hr-", "henkilöstö"),
    // Swedish
    ("ssk", "sjuksköterska"),
    ("usk", "undersköterska"),
];

/// Finnish case endings after a place name ("Helsingissä", "Tampereelle").
const PLACE_SUFFIXES: &[&str] = &[
    "n", "ssa", "ssa", "sta", "lla", "lta", "lle", "na", "an", "en", "in", "on", "un", "yn", "hin",
    "seen", "iin", "aan", "ella", "elle", "ella", "esta", "essa", "een", "lla", "lle",
];

/// Longest alternative scored, in words: longer text is ad text, of which the
/// title-like start is what names the occupation.
const MAX_WORDS: usize = 12;
/// Most alternatives scored per input.
const MAX_ALTERNATIVES: usize = 16;
/// An ad's first sentence is its title when it is at most this many words.
const MAX_TITLE_SENTENCE_WORDS: usize = 16;

/// An input split into the title that names the occupation and the ad text
/// after it (empty for a bare title).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AdText<'a> {
    pub title: &'a str,
    pub body: &'a str,
}

/// The title of an ad is its first line, or its first sentence when that is
/// short ("Ohjelmistokehittäjä. Etsimme tiimiimme…"); a bare title is all
/// title.
pub fn split_ad(text: &str) -> AdText<'_> {
    let text = text.trim();
    let line_end = text.find('\n');
    let sentence_end = text
        .match_indices(['.', '!', '?'])
        .map(|(i, _)| i)
        .find(|&i| {
            // A full stop inside ".NET", "v1.2" or "esim." does not end it.
            let after = text[i + 1..].chars().next();
            after.is_none_or(char::is_whitespace)
                && text[..i].split_whitespace().count() <= MAX_TITLE_SENTENCE_WORDS
                && !text[..i].ends_with(|c: char| c.is_ascii_digit())
        });
    let end = match (line_end, sentence_end) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
    match end {
        Some(end) if !text[..end].trim().is_empty() => AdText {
            title: text[..end].trim(),
            body: text[end + 1..].trim(),
        },
        _ => AdText {
            title: text,
            body: "",
        },
    }
}

/// A title cleaned of noise: its alternatives and all their words together.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct CleanTitle {
    pub alternatives: Vec<String>,
    pub whole: String,
}

/// Is `word` (folded, lower case) a place name in some Finnish case?
pub(crate) fn is_place(word: &str, places: &HashSet<String>) -> bool {
    if places.contains(word) {
        return true;
    }
    // Stems: the name itself, without its final vowel, and with the
    // consonant gradation of -nki/-nka ("Helsinki" → "Helsingissä").
    for cut in 1..=4 {
        let Some((split, _)) = word.char_indices().rev().nth(cut - 1) else {
            break;
        };
        let (stem, suffix) = word.split_at(split);
        if stem.chars().count() < 3 || !PLACE_SUFFIXES.contains(&suffix) {
            continue;
        }
        let candidates = [
            stem.to_owned(),
            format!("{stem}a"),
            format!("{stem}i"),
            format!("{stem}e"),
            format!("{stem}o"),
            format!("{stem}u"),
            stem.replace("ng", "nk"),
            stem.replace("ng", "nk") + "i",
            stem.replace("ng", "nk") + "a",
        ];
        if candidates.iter().any(|c| places.contains(c)) {
            return true;
        }
        // "Tampereella", "Vantaalla": the stem plus a linking vowel.
        if let Some(shorter) = stem.strip_suffix(|c: char| "aeiouy".contains(c)) {
            if places.contains(shorter) {
                return true;
            }
        }
    }
    false
}

/// Split at separators, drop noise words, expand abbreviations.
pub(crate) fn clean_title(text: &str, places: &HashSet<String>) -> CleanTitle {
    let lowered = text.to_lowercase();
    // Hyphens with spaces around them separate, as do dashes and brackets;
    // hyphens inside words ("linja-auto", "osa-aikainen") do not.
    let spaced = lowered.replace(" - ", " | ");
    let mut alternatives = Vec::new();
    let mut all_words: Vec<String> = Vec::new();
    for part in spaced.split(|c: char| "/,;|()[]{}–—:•·+\n\t".contains(c)) {
        if alternatives.len() >= MAX_ALTERNATIVES {
            break;
        }
        // "kokki tai tarjoilija", "cook or waiter", "kock eller servitör"
        let mut current: Vec<String> = Vec::new();
        let mut words: Vec<String> = part
            .split_whitespace()
            .map(|w| {
                w.trim_matches(|c: char| !c.is_alphanumeric() && c != '-')
                    .trim_matches('-')
                    .to_owned()
            })
            .filter(|w| !w.is_empty())
            .collect();
        let mut i = 0;
        let mut pieces: Vec<Vec<String>> = Vec::new();
        while i < words.len() {
            let w = &words[i];
            let folded = fold(w);
            if let Some(next) = words.get(i + 1) {
                if NOISE_PAIRS.contains(&(folded.as_str(), fold(next).as_str())) {
                    i += 2;
                    continue;
                }
            }
            if matches!(folded.as_str(), "or" | "tai" | "eller") {
                pieces.push(std::mem::take(&mut current));
                i += 1;
                continue;
            }
            let noise = w.chars().count() < 2
                || w.chars().any(|c| c.is_ascii_digit())
                || NOISE.contains(&folded.as_str())
                || SENIORITY.contains(&folded.as_str())
                || is_place(&folded, places);
            if !noise {
                current.push(expand(w, &folded));
            }
            i += 1;
        }
        pieces.push(current);
        words.clear();
        for piece in pieces {
            let piece: Vec<String> = piece.into_iter().take(MAX_WORDS).collect();
            if !piece.is_empty() {
                all_words.extend(piece.iter().cloned());
                alternatives.push(piece.join(" "));
            }
        }
    }
    alternatives.truncate(MAX_ALTERNATIVES);
    all_words.truncate(MAX_WORDS);
    CleanTitle {
        alternatives,
        whole: all_words.join(" "),
    }
}

/// The expansion of one lower-case word, given also folded (the word itself
/// when there is none).
pub(crate) fn expand(word: &str, folded: &str) -> String {
    for (from, to) in EXPANSIONS {
        match from.strip_suffix('-') {
            // Keys are ASCII, so a folded prefix is the word's own prefix.
            Some(prefix) if folded.starts_with(prefix) && word.starts_with(prefix) => {
                let rest = &word[prefix.len()..];
                if rest.chars().count() >= 4 {
                    return format!("{to}{rest}");
                }
            }
            Some(_) => {}
            None if folded == *from => return (*to).to_owned(),
            None => {}
        }
    }
    word.to_owned()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn places() -> HashSet<String> {
        ["helsinki", "vantaa", "vanda", "tampere", "espoo", "oulu"]
            .iter()
            .map(|s| (*s).to_owned())
            .collect()
    }

    #[test]
    fn titles_lose_gender_tags_seniority_employment_and_places() {
        let t = clean_title("Senior Java dev (m/f/d) – Helsinki", &places());
        assert_eq!(t.alternatives, ["java software developer"]);
        let t = clean_title("Sairaanhoitaja (vakituinen)", &places());
        assert_eq!(t.alternatives, ["sairaanhoitaja"]);
        let t = clean_title("Myyjä 20h/vko", &places());
        assert_eq!(t.alternatives, ["myyjä"]);
        let t = clean_title("Lagerarbetare till Vanda", &places());
        assert_eq!(t.alternatives, ["lagerarbetare"]);
        let t = clean_title("siivooja osa-aikainen, Helsingissä", &places());
        assert_eq!(t.alternatives, ["siivooja"]);
        let t = clean_title("Kokki Tampereelle, part time", &places());
        assert_eq!(t.alternatives, ["kokki"]);
    }

    #[test]
    fn separators_make_alternatives() {
        let t = clean_title("kokki / keittiöapulainen", &places());
        assert_eq!(t.alternatives, ["kokki", "keittiöapulainen"]);
        assert_eq!(t.whole, "kokki keittiöapulainen");
        let t = clean_title("kokki tai tarjoilija - Oulu", &places());
        assert_eq!(t.alternatives, ["kokki", "tarjoilija"]);
        let t = clean_title("linja-autonkuljettaja", &places());
        assert_eq!(t.alternatives, ["linja-autonkuljettaja"]);
    }

    #[test]
    fn abbreviations_and_colloquial_prefixes_expand() {
        assert_eq!(expand("mgr", "mgr"), "manager");
        assert_eq!(expand("lähäri", "lahari"), "lähihoitaja");
        assert_eq!(
            expand("bussinkuljettaja", "bussinkuljettaja"),
            "linja-autonkuljettaja"
        );
        // A prefix alone is not rewritten.
        assert_eq!(expand("bussi", "bussi"), "bussi");
        assert_eq!(expand("kokki", "kokki"), "kokki");
    }

    #[test]
    fn an_ads_title_is_its_first_short_sentence_or_line() {
        let ad = split_ad("Ohjelmistokehittäjä. Etsimme tiimiimme Java-osaajaa.");
        assert_eq!(ad.title, "Ohjelmistokehittäjä");
        assert_eq!(ad.body, "Etsimme tiimiimme Java-osaajaa.");
        let ad = split_ad(".NET-kehittäjä, Helsinki\nHaemme kehittäjää.");
        assert_eq!(ad.title, ".NET-kehittäjä, Helsinki");
        assert_eq!(split_ad("Senior Java dev (m/f/d)").body, "");
        assert_eq!(split_ad("Lähihoitaja").title, "Lähihoitaja");
    }

    #[test]
    fn places_are_found_in_finnish_cases() {
        let p = places();
        for w in [
            "helsingissa",
            "helsinkiin",
            "vantaalla",
            "tampereelle",
            "espoossa",
            "oulu",
        ] {
            assert!(is_place(w, &p), "{w}");
        }
        for w in ["kokki", "myyja", "ohjelmistokehittaja", "hoitaja"] {
            assert!(!is_place(w, &p), "{w}");
        }
    }
}
