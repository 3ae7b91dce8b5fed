//! A CV as lines in sections: the headings jobseekers write in Finnish,
//! Swedish and English ("Työkokemus", "Arbetslivserfarenhet", "Work
//! experience"…) say what the lines under them are.

use crate::geography::fold_name;

/// What the lines under a heading are about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    /// Before any heading, or under a profile or summary heading: the
    /// name and title lines, a free description.
    Opening,
    Work,
    /// The job the person is looking for.
    Desired,
    Education,
    Languages,
    /// Skills, cards and licences, hobbies, contact details, references.
    Other,
}

/// One line of the text, with its byte range and section.
#[derive(Debug, Clone)]
pub struct Line<'t> {
    pub text: &'t str,
    pub start: usize,
    pub section: Section,
    /// The line is (or starts with) a heading; `text` is what follows it.
    pub heading: bool,
    /// The line starts with a list bullet.
    pub bullet: bool,
}

/// Heading words, folded (lower case, no diacritics), by section.
const HEADINGS: &[(Section, &[&str])] = &[
    (
        Section::Work,
        &[
            "tyokokemus",
            "tyokokemukset",
            "tyo",
            "tyot",
            "arbete",
            "jobb",
            "work",
            "jobs",
            "tyohistoria",
            "aiempi tyokokemus",
            "tyopaikat",
            "tyo ja kokemus",
            "kokemus",
            "arbetslivserfarenhet",
            "arbetserfarenhet",
            "yrkeserfarenhet",
            "erfarenhet",
            "anstallningar",
            "tidigare anstallningar",
            "work experience",
            "experience",
            "professional experience",
            "employment history",
            "employment",
            "work history",
            "career",
            "relevant experience",
        ],
    ),
    (
        Section::Desired,
        &[
            "toivottu tyo",
            "toivottu tehtava",
            "haettava tehtava",
            "haettava tyo",
            "tyotoive",
            "tyotoiveet",
            "tavoite",
            "tavoitteeni",
            "tavoitteet",
            "onskat arbete",
            "onskad tjanst",
            "onskade arbeten",
            "sokt tjanst",
            "mal",
            "objective",
            "career objective",
            "desired position",
            "desired job",
            "desired jobs",
            "looking for",
            "job wanted",
        ],
    ),
    (
        Section::Education,
        &[
            "koulutus",
            "koulutukset",
            "opinnot",
            "tutkinnot",
            "tutkinto",
            "kurssit",
            "lisakoulutus",
            "utbildning",
            "utbildningar",
            "studier",
            "kurser",
            "education",
            "qualifications",
            "training",
            "courses",
        ],
    ),
    (
        Section::Languages,
        &[
            "kielitaito",
            "kielet",
            "kielitaidot",
            "sprakkunskaper",
            "sprak",
            "languages",
            "language skills",
            "language",
        ],
    ),
    (
        Section::Other,
        &[
            "taidot",
            "osaaminen",
            "muu osaaminen",
            "atk-taidot",
            "it-taidot",
            "kortit",
            "kortit ja luvat",
            "luvat",
            "muut tiedot",
            "lisatiedot",
            "harrastukset",
            "yhteystiedot",
            "henkilotiedot",
            "suosittelijat",
            "referenssit",
            "kompetens",
            "kompetenser",
            "fardigheter",
            "kunskaper",
            "ovrigt",
            "ovriga uppgifter",
            "certifikat",
            "kort och tillstand",
            "fritid",
            "fritidsintressen",
            "kontaktuppgifter",
            "personuppgifter",
            "referenser",
            "skills",
            "key skills",
            "technical skills",
            "certificates",
            "certifications",
            "licences",
            "licenses",
            "licences and certificates",
            "other",
            "other information",
            "hobbies",
            "interests",
            "contact",
            "contact information",
            "personal details",
            "references",
        ],
    ),
    (
        Section::Opening,
        &[
            "profiili",
            "profiilini",
            "esittely",
            "yhteenveto",
            "tietoa minusta",
            "profil",
            "sammanfattning",
            "om mig",
            "profile",
            "summary",
            "about me",
        ],
    ),
];

/// The section a heading names, and the rest of the line after a colon
/// (byte offset into `line`), or `None` when the line is no heading.
fn heading(line: &str) -> Option<(Section, usize)> {
    let trimmed = line.trim_start_matches(|c: char| !c.is_alphanumeric());
    let lead = line.len() - trimmed.len();
    let (name, rest) = match trimmed.find(':') {
        Some(i) => (&trimmed[..i], lead + i + 1),
        None => (trimmed, line.len()),
    };
    // A heading is short: a few words, no digits.
    if name.split_whitespace().count() > 4 || name.chars().any(|c| c.is_ascii_digit()) {
        return None;
    }
    let key = fold_name(name.trim_end_matches(|c: char| !c.is_alphanumeric()));
    if key.is_empty() {
        return None;
    }
    // Without a colon the whole line must be the heading; with one, the
    // words before it.
    HEADINGS
        .iter()
        .find(|(_, words)| words.contains(&key.as_str()))
        .map(|(section, _)| (*section, rest))
}

/// The text's lines with their sections.
pub fn lines(text: &str) -> Vec<Line<'_>> {
    let mut out = Vec::new();
    let mut section = Section::Opening;
    let mut start = 0;
    for raw in text.split_inclusive('\n') {
        let line_start = start;
        start += raw.len();
        let line = raw.trim_end_matches(['\n', '\r']);
        let (body, body_start, is_heading) = match heading(line) {
            Some((s, rest)) => {
                section = s;
                (&line[rest..], line_start + rest, true)
            }
            None => (line, line_start, false),
        };
        let trimmed = body.trim_start();
        let lead = body.len() - trimmed.len();
        let bullet = trimmed.starts_with(['-', '•', '*', '–', '·', '▪', '◦']);
        out.push(Line {
            text: body,
            start: body_start,
            section,
            heading: is_heading,
            bullet: bullet && lead < 8,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_in_three_languages_set_the_section() {
        let text = "Matti Meikäläinen\nTYÖKOKEMUS\nHitsaaja, Konepaja Oy 2015–2020\nKoulutus:\nKoneasentaja 2014\nSpråkkunskaper: finska, svenska\nWork experience\n- welding";
        let found: Vec<(Section, bool)> =
            lines(text).iter().map(|l| (l.section, l.heading)).collect();
        assert_eq!(
            found,
            vec![
                (Section::Opening, false),
                (Section::Work, true),
                (Section::Work, false),
                (Section::Education, true),
                (Section::Education, false),
                (Section::Languages, true),
                (Section::Work, true),
                (Section::Work, false),
            ]
        );
        let all = lines(text);
        assert_eq!(all[5].text.trim(), "finska, svenska");
        assert!(all[7].bullet);
        assert_eq!(
            &text[all[5].start..all[5].start + all[5].text.len()],
            all[5].text
        );
    }

    #[test]
    fn headings_without_diacritics_are_headings() {
        assert_eq!(heading("tyokokemus").map(|h| h.0), Some(Section::Work));
        assert_eq!(heading("Hitsaaja 2015-2020"), None);
    }
}
