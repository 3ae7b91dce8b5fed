//! The curated lexicon: job titles, colloquialisms and abbreviations that
//! ESCO lacks, mapped to ESCO occupations, and technology, tool and product
//! words mapped to the ESCO skills they are evidence of.
//!
//! The team writes it (`fixtures/lexicon/titles.tsv` and `skills.tsv`, with
//! the source of knowledge in their header); an operator extends it with
//! files of the same layout. This room only parses text: reading files is
//! the indexer's job.

use crate::taxonomy::{Lang, Taxonomy};

/// One title the lexicon knows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TitleEntry {
    pub lang: Lang,
    pub title: String,
    pub occupation_uri: String,
}

/// One technology or tool word and the skill it names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SkillTerm {
    pub term: String,
    pub skill_uri: String,
}

/// Titles and skill terms, in file order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Lexicon {
    pub titles: Vec<TitleEntry>,
    pub skills: Vec<SkillTerm>,
}

/// A lexicon line that cannot be used; `line` is 1-based.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file} line {line}: {reason}")]
pub struct LexiconError {
    pub file: String,
    pub line: usize,
    pub reason: String,
}

/// Parse every data line of a TSV file (not empty, not a `#` comment)
/// with `parse`, which gets the tab-separated fields; its error becomes a
/// [`LexiconError`] naming `file` and the line. Returns the entries.
fn parse_lines<T>(
    file: &str,
    text: &str,
    mut parse: impl FnMut(&[&str]) -> Result<T, String>,
) -> Result<Vec<T>, LexiconError> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = line.split('\t').map(str::trim).collect();
        out.push(parse(&fields).map_err(|reason| LexiconError {
            file: file.to_owned(),
            line: i + 1,
            reason,
        })?);
    }
    Ok(out)
}

impl Lexicon {
    /// Add the lines of a titles file:
    /// `lang<TAB>title<TAB>occupation URI[<TAB>…]` (further columns are
    /// comments). Every URI must be an occupation of `taxonomy`.
    pub fn add_titles(
        &mut self,
        file: &str,
        text: &str,
        taxonomy: &Taxonomy,
    ) -> Result<usize, LexiconError> {
        let entries = parse_lines(file, text, |fields| {
            let [lang, title, uri, ..] = fields else {
                return Err("expected lang, title and occupation URI".into());
            };
            let lang: Lang = lang
                .parse()
                .map_err(|_| format!("unknown language {lang:?} (fi, sv or en)"))?;
            if title.is_empty() {
                return Err("empty title".into());
            }
            if taxonomy.occupation_by_uri(uri).is_none() {
                return Err(format!("unknown occupation {uri}"));
            }
            Ok(TitleEntry {
                lang,
                title: (*title).to_owned(),
                occupation_uri: (*uri).to_owned(),
            })
        })?;
        let added = entries.len();
        self.titles.extend(entries);
        Ok(added)
    }

    /// Add the lines of a skill-terms file: `term<TAB>skill URI[<TAB>…]`.
    /// Every URI must be a skill of `taxonomy`.
    pub fn add_skill_terms(
        &mut self,
        file: &str,
        text: &str,
        taxonomy: &Taxonomy,
    ) -> Result<usize, LexiconError> {
        let entries = parse_lines(file, text, |fields| {
            let [term, uri, ..] = fields else {
                return Err("expected term and skill URI".into());
            };
            if term.is_empty() {
                return Err("empty term".into());
            }
            if taxonomy.skill_by_uri(uri).is_none() {
                return Err(format!("unknown skill {uri}"));
            }
            Ok(SkillTerm {
                term: (*term).to_owned(),
                skill_uri: (*uri).to_owned(),
            })
        })?;
        let added = entries.len();
        self.skills.extend(entries);
        Ok(added)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use crate::taxonomy::{IscoGroup, Labels, Occupation, Skill};

    fn taxonomy() -> Taxonomy {
        let labels = |en: &str| Labels {
            en: en.into(),
            fi: None,
            sv: None,
        };
        let group = |code: &str, parent: Option<&str>| IscoGroup {
            code: code.into(),
            labels: labels(code),
            parent: parent.map(Into::into),
        };
        Taxonomy::new(
            "test".into(),
            vec![
                group("7", None),
                group("71", Some("7")),
                group("711", Some("71")),
                group("7119", Some("711")),
            ],
            vec![Occupation {
                uri: "o:builder".into(),
                esco_code: "7119.1".into(),
                isco_code: "7119".into(),
                labels: labels("builder"),
                alt_labels_en: vec![],
                alt_labels_fi: vec![],
                alt_labels_sv: vec![],
                description_en: String::new(),
                description_fi: String::new(),
                broader_uri: None,
            }],
            vec![Skill {
                uri: "s:java".into(),
                labels: labels("Java"),
                alt_labels_en: vec![],
                n_occupations_essential: 0,
                n_occupations_optional: 0,
            }],
            vec![],
            vec![],
        )
        .unwrap()
    }

    #[test]
    fn titles_and_terms_parse_with_comments() {
        let t = taxonomy();
        let mut lexicon = Lexicon::default();
        let n = lexicon
            .add_titles(
                "titles.tsv",
                "# comment\n\nfi\trakennusmies\to:builder\tbuilder\tcolloquial\n",
                &t,
            )
            .unwrap();
        assert_eq!(n, 1);
        assert_eq!(lexicon.titles[0].lang, Lang::Fi);
        lexicon
            .add_skill_terms("skills.tsv", "spring boot\ts:java\tJava\n", &t)
            .unwrap();
        assert_eq!(lexicon.skills[0].term, "spring boot");
    }

    #[test]
    fn bad_lines_name_file_line_and_reason() {
        let t = taxonomy();
        let mut lexicon = Lexicon::default();
        let e = lexicon
            .add_titles("t.tsv", "# x\nfi\trakennusmies\to:nope\n", &t)
            .unwrap_err();
        assert_eq!(e.to_string(), "t.tsv line 2: unknown occupation o:nope");
        let e = lexicon
            .add_titles("t.tsv", "xx\ta\to:builder\n", &t)
            .unwrap_err();
        assert_eq!(e.line, 1);
        let e = lexicon.add_skill_terms("s.tsv", "java\n", &t).unwrap_err();
        assert_eq!(e.reason, "expected term and skill URI");
    }
}
