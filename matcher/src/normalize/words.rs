//! Words as the text coders see them: analysed with the index's analyzers
//! into stems and the compound heads each ends with, after technology names
//! that punctuation would break apart ("C#", ".NET") are protected.

use tantivy::tokenizer::TextAnalyzer;

use crate::taxonomy::Lang;

/// One analysed word: its stem and the compound heads it ends with.
#[derive(Clone, Debug)]
pub(crate) struct Word {
    pub stem: String,
    pub heads: Vec<String>,
    pub from: usize,
    pub to: usize,
}

/// Analyse `text`, grouping compound heads with the word they came from.
pub(crate) fn analyse(analyzer: &mut TextAnalyzer, text: &str) -> Vec<Word> {
    let mut words: Vec<Word> = Vec::new();
    let mut last_position = usize::MAX;
    let mut stream = analyzer.token_stream(text);
    stream.process(&mut |token| {
        if token.position == last_position {
            if let Some(word) = words.last_mut() {
                word.heads.push(token.text.clone());
            }
        } else {
            last_position = token.position;
            words.push(Word {
                stem: token.text.clone(),
                heads: Vec::new(),
                from: token.offset_from,
                to: token.offset_to,
            });
        }
    });
    words
}

pub(crate) fn lang_index(lang: Lang) -> usize {
    match lang {
        Lang::Fi => 0,
        Lang::Sv => 1,
        Lang::En => 2,
    }
}

/// Technology names that punctuation would break apart or make ambiguous
/// ("C#" → "c", ".NET" → "net" as in fishing nets), as single words, and
/// Finnish case endings after a colon ("SAP:sta", "Excel:iä") dropped.
/// Applied alike to labels and to queries.
pub(crate) fn protect_technology_words(text: &str) -> String {
    let maybe_dotted = text
        .match_indices('.')
        .any(|(i, _)| text[i + 1..].starts_with(['n', 'N', 'j', 'J']));
    if !maybe_dotted && !text.contains(['#', '+', ':']) {
        return text.to_owned();
    }
    protect_with_offsets(text).0
}

/// Patterns (ASCII, lower case) and what they become; longer first.
const TECHNOLOGY_WORDS: &[(&str, &str)] = &[
    ("asp.net", " aspdotnet "),
    ("node.js", " nodejs "),
    ("react.js", " react "),
    ("next.js", " nextjs "),
    ("vue.js", " vuejs "),
    (".net", " dotnet "),
    ("c++", " cplusplus "),
    ("c#", " csharp "),
    ("f#", " fsharp "),
];

/// [`protect_technology_words`] with, for every output byte, the span of
/// the input bytes it came from, so that spans found in the output can be
/// mapped back to the input.
pub(crate) fn protect_with_offsets(text: &str) -> (String, Vec<(usize, usize)>) {
    let mut out = String::with_capacity(text.len() + 8);
    let mut spans: Vec<(usize, usize)> = Vec::with_capacity(text.len() + 8);
    let bytes = text.as_bytes();
    let mut i = 0;
    let mut after_technology = false;
    'scan: while i < text.len() {
        let previous_is_word = text[..i]
            .chars()
            .next_back()
            .is_some_and(char::is_alphanumeric);
        for (pattern, replacement) in TECHNOLOGY_WORDS {
            let end = i + pattern.len();
            let Some(candidate) = bytes.get(i..end) else {
                continue;
            };
            let starts_with_letter = pattern.as_bytes()[0].is_ascii_alphabetic();
            let next_is_word = text
                .get(end..)
                .and_then(|rest| rest.chars().next())
                .is_some_and(char::is_alphanumeric);
            if candidate.eq_ignore_ascii_case(pattern.as_bytes())
                && !(starts_with_letter && previous_is_word)
                && !next_is_word
            {
                out.push_str(replacement);
                spans.extend(std::iter::repeat_n((i, end), replacement.len()));
                i = end;
                after_technology = true;
                continue 'scan;
            }
        }
        let Some(c) = text[i..].chars().next() else {
            break;
        };
        if c == ':' && (previous_is_word || after_technology) {
            let ending: usize = text[i + 1..]
                .chars()
                .take_while(|c| c.is_alphabetic())
                .map(char::len_utf8)
                .sum();
            let letters = text[i + 1..i + 1 + ending].chars().count();
            if (1..=4).contains(&letters) {
                i += 1 + ending;
                after_technology = false;
                continue;
            }
        }
        after_technology = false;
        out.push(c);
        spans.extend(std::iter::repeat_n((i, i + c.len_utf8()), c.len_utf8()));
        i += c.len_utf8();
    }
    (out, spans)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn technology_words_survive_tokenising() {
        assert_eq!(
            protect_technology_words("C# / .NET").trim(),
            "csharp  /  dotnet"
        );
        assert_eq!(
            protect_technology_words("kokemusta SAP:sta"),
            "kokemusta SAP"
        );
        assert_eq!(
            protect_technology_words("Excel:iä ja klo 8:00"),
            "Excel ja klo 8:00"
        );
        assert_eq!(protect_technology_words("Myyjä"), "Myyjä");
        assert_eq!(protect_technology_words("magic#"), "magic#");
        let (out, spans) = protect_with_offsets("Osaat C#:n");
        assert_eq!(out, "Osaat  csharp ");
        assert_eq!(spans[7], (6, 8));
    }
}
