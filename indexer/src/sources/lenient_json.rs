//! The second pass for a JSON-LD block that strict JSON rejects. Real pages
//! carry a few deviations that browsers and search engines read past; each
//! is repaired by a rule that never guesses at structure:
//!
//! | repair | what is done |
//! |---|---|
//! | `cdata_wrapper` | a `<![CDATA[ … ]]>` around the whole block is removed, also behind JavaScript comments (`//<![CDATA[ … //]]>`, `/*<![CDATA[*/ … /*]]>*/`) |
//! | `html_comment_wrapper` | a `<!-- … -->` (or `<!-- … //-->`) around the whole block is removed |
//! | `entity_encoded` | a block HTML-entity-encoded as a whole (it starts with `{` or `[`, has no `"` but `&quot;`, `&#34;` or `&#x22;`) is decoded once |
//! | `control_characters` | a raw control character (newline, tab, CR, any other below U+0020) inside a string is escaped |
//! | `trailing_commas` | a comma outside strings followed (after whitespace) by `}` or `]` is dropped |
//! | `invalid_escapes` | an escape JSON does not know inside a string (`\$`, `\'`, `\-`) is read as the character itself |
//!
//! A wrapper counts only when it encloses the whole block: its closing
//! delimiter ends the block and appears nowhere inside it (as in HTML and
//! XML, where the first one closes it). The other three rules are one scan
//! over the text that tells strings from the rest, so `//`, `,]` or
//! `<!--` inside a string stay as written. The work is linear in the
//! block and the repaired text at most six times its length (a control
//! character becomes `\u00XX`); the block itself is bounded by the feed's
//! size limit. A block that is still not JSON is refused with strict JSON's
//! error for the block as written.

use serde::Serialize;
use serde_json::Value;

use super::entities::decode_entities;

/// One kind of repair made to a block, named by a stable snake_case code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Repair {
    CdataWrapper,
    HtmlCommentWrapper,
    EntityEncoded,
    ControlCharacters,
    TrailingCommas,
    InvalidEscapes,
}

impl Repair {
    /// Every repair, in the order they are applied and reported.
    pub const ALL: [Repair; 6] = [
        Repair::CdataWrapper,
        Repair::HtmlCommentWrapper,
        Repair::EntityEncoded,
        Repair::ControlCharacters,
        Repair::TrailingCommas,
        Repair::InvalidEscapes,
    ];

    /// The stable code (as serialised).
    pub fn code(self) -> &'static str {
        match self {
            Repair::CdataWrapper => "cdata_wrapper",
            Repair::HtmlCommentWrapper => "html_comment_wrapper",
            Repair::EntityEncoded => "entity_encoded",
            Repair::ControlCharacters => "control_characters",
            Repair::TrailingCommas => "trailing_commas",
            Repair::InvalidEscapes => "invalid_escapes",
        }
    }
}

impl std::fmt::Display for Repair {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.code())
    }
}

/// The repairs made so far, each once.
#[derive(Debug, Default)]
struct Made([bool; Repair::ALL.len()]);

impl Made {
    fn add(&mut self, repair: Repair) {
        self.0[repair as usize] = true;
    }

    fn is_empty(&self) -> bool {
        !self.0.contains(&true)
    }

    fn into_vec(self) -> Vec<Repair> {
        Repair::ALL
            .into_iter()
            .filter(|r| self.0[*r as usize])
            .collect()
    }
}

/// A block after the repairs, and which were made (in [`Repair::ALL`]
/// order; empty when none applied).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepairedText {
    pub text: String,
    pub repairs: Vec<Repair>,
}

/// Parses `block` as JSON: strictly, or when strict JSON rejects it, after
/// the repairs. Returns the value and the repairs made (none for valid
/// JSON); when it is still not JSON, strict JSON's error for `block`.
pub fn parse(block: &str) -> Result<(Value, Vec<Repair>), serde_json::Error> {
    let strict = match serde_json::from_str(block) {
        Ok(value) => return Ok((value, Vec::new())),
        Err(e) => e,
    };
    let repaired = repair(block);
    if repaired.repairs.is_empty() {
        return Err(strict);
    }
    serde_json::from_str(&repaired.text)
        .map(|value| (value, repaired.repairs))
        .map_err(|_| strict)
}

/// Applies every rule that applies to `block`.
pub fn repair(block: &str) -> RepairedText {
    let mut made = Made::default();
    let inner = unwrap(block, &mut made);
    let decoded;
    let text = if is_entity_encoded(inner) {
        made.add(Repair::EntityEncoded);
        decoded = decode_entities(inner);
        decoded.as_str()
    } else {
        inner
    };
    let text = scan(text, &mut made);
    RepairedText {
        text,
        repairs: made.into_vec(),
    }
}

/// Whether `text` is a JSON document wrapped whole in CDATA or an HTML
/// comment (a JSON file written like the content of a script block), as
/// opposed to an HTML page.
pub fn is_wrapped_json(text: &str) -> bool {
    let mut made = Made::default();
    let inner = unwrap(text, &mut made);
    !made.is_empty() && matches!(inner.as_bytes().first(), Some(b'{' | b'['))
}

/// `text` without the CDATA and HTML comment wrappers around the whole of
/// it. There are at most two: a comment cannot hold a comment, nor CDATA a
/// CDATA section, since the inner one's end would end the outer one.
fn unwrap<'t>(text: &'t str, made: &mut Made) -> &'t str {
    let mut text = text.trim();
    loop {
        if let Some(inner) = cdata_inner(text) {
            made.add(Repair::CdataWrapper);
            text = inner.trim();
        } else if let Some(inner) = comment_inner(text) {
            made.add(Repair::HtmlCommentWrapper);
            text = inner.trim();
        } else {
            return text;
        }
    }
}

const CDATA_OPEN: &str = "<![CDATA[";
const CDATA_CLOSE: &str = "]]>";

/// The inside of `<![CDATA[ … ]]>` filling all of `text`, each delimiter
/// possibly behind a JavaScript comment (`//<![CDATA[`, `/*<![CDATA[*/`,
/// `//]]>`, `/*]]>*/`).
fn cdata_inner(text: &str) -> Option<&str> {
    let (rest, in_block_comment) = if let Some(rest) = text.strip_prefix("//") {
        (rest.trim_start(), false)
    } else if let Some(rest) = text.strip_prefix("/*") {
        (rest.trim_start(), true)
    } else {
        (text, false)
    };
    let mut rest = rest.strip_prefix(CDATA_OPEN)?;
    if in_block_comment {
        rest = rest.trim_start().strip_prefix("*/")?;
    }
    let mut body = rest.trim_end();
    if let Some(before) = body.strip_suffix("*/") {
        body = before
            .trim_end()
            .strip_suffix(CDATA_CLOSE)?
            .trim_end()
            .strip_suffix("/*")?;
    } else {
        body = body.strip_suffix(CDATA_CLOSE)?.trim_end();
        body = body.strip_suffix("//").unwrap_or(body);
    }
    (!body.contains(CDATA_CLOSE)).then_some(body)
}

/// The inside of `<!-- … -->` (or `<!-- … //-->`) filling all of `text`.
fn comment_inner(text: &str) -> Option<&str> {
    let body = text.strip_prefix("<!--")?.strip_suffix("-->")?.trim_end();
    let body = body.strip_suffix("//").unwrap_or(body);
    (!body.contains("-->")).then_some(body)
}

/// A block entity-encoded as a whole: JSON in shape, no quote of its own,
/// and quotes as character references.
fn is_entity_encoded(text: &str) -> bool {
    if !matches!(text.as_bytes().first(), Some(b'{' | b'[')) || text.contains('"') {
        return false;
    }
    let bytes = text.as_bytes();
    bytes.iter().enumerate().any(|(i, b)| {
        *b == b'&'
            && ["&quot;", "&#34;", "&#x22;"].iter().any(|quote| {
                bytes
                    .get(i..i + quote.len())
                    .is_some_and(|s| s.eq_ignore_ascii_case(quote.as_bytes()))
            })
    })
}

/// JSON's whitespace.
fn is_json_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

/// The string rules and the trailing-comma rule in one pass.
fn scan(text: &str, made: &mut Made) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut in_string = false;
    // The last character outside strings other than whitespace: a comma
    // is trailing only after a value, not after `[`, `{`, `:` or a comma.
    let mut previous = None;
    let mut chars = text.char_indices();
    while let Some((i, c)) = chars.next() {
        if in_string {
            match c {
                '"' => {
                    in_string = false;
                    out.push(c);
                }
                '\\' => match chars.next() {
                    Some((_, e @ ('"' | '\\' | '/' | 'b' | 'f' | 'n' | 'r' | 't' | 'u'))) => {
                        out.push('\\');
                        out.push(e);
                    }
                    Some((_, e)) => {
                        made.add(Repair::InvalidEscapes);
                        push_in_string(&mut out, e, made);
                    }
                    // A lone backslash at the end: left for strict JSON to refuse.
                    None => out.push('\\'),
                },
                c => push_in_string(&mut out, c, made),
            }
        } else {
            match c {
                '"' => {
                    in_string = true;
                    previous = Some(c);
                    out.push(c);
                }
                // Whitespace after a comma is looked at here and again when
                // the scan reaches it: twice at most, so still linear.
                ',' if previous.is_some_and(|p| !matches!(p, '[' | '{' | ':' | ','))
                    && bytes[i + 1..]
                        .iter()
                        .find(|b| !is_json_space(**b))
                        .is_some_and(|b| matches!(b, b'}' | b']')) =>
                {
                    made.add(Repair::TrailingCommas);
                }
                c => {
                    if !c.is_ascii() || !is_json_space(c as u8) {
                        previous = Some(c);
                    }
                    out.push(c);
                }
            }
        }
    }
    out
}

/// One character of a string's content, a control character escaped.
fn push_in_string(out: &mut String, c: char, made: &mut Made) {
    if c >= ' ' {
        out.push(c);
        return;
    }
    made.add(Repair::ControlCharacters);
    match c {
        '\n' => out.push_str("\\n"),
        '\t' => out.push_str("\\t"),
        '\r' => out.push_str("\\r"),
        '\u{8}' => out.push_str("\\b"),
        '\u{c}' => out.push_str("\\f"),
        other => out.push_str(&format!("\\u{:04x}", u32::from(other))),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parsed(block: &str) -> (Value, Vec<Repair>) {
        parse(block).unwrap_or_else(|e| panic!("{block:?}: {e}"))
    }

    #[test]
    fn valid_json_is_read_as_is() {
        let block = r#"{"title": "a // b ,] <!-- c --> ]]> \"d\" \u00e4 \\$", "n": [1, 2]}"#;
        let (value, repairs) = parsed(block);
        assert!(repairs.is_empty());
        assert_eq!(value["title"], "a // b ,] <!-- c --> ]]> \"d\" ä \\$");
        assert_eq!(repair(block).text, block);
    }

    #[test]
    fn cdata_wrappers_are_removed_in_every_form() {
        for block in [
            "<![CDATA[{\"a\": 1}]]>",
            "//<![CDATA[\n{\"a\": 1}\n//]]>",
            "<![CDATA[\n{\"a\": 1}\n//]]>",
            "/* <![CDATA[ */\n{\"a\": 1}\n/* ]]> */",
            "  // <![CDATA[\r\n{\"a\": 1}  ]]>  ",
        ] {
            assert_eq!(
                parsed(block),
                (json!({"a": 1}), vec![Repair::CdataWrapper]),
                "{block:?}"
            );
        }
    }

    #[test]
    fn html_comment_wrappers_are_removed() {
        for block in ["<!--{\"a\": 1}-->", "<!--\n  {\"a\": 1}\n//-->"] {
            assert_eq!(
                parsed(block),
                (json!({"a": 1}), vec![Repair::HtmlCommentWrapper]),
                "{block:?}"
            );
        }
        assert_eq!(
            parsed("<!-- //<![CDATA[\n[1]\n//]]> -->"),
            (
                json!([1]),
                vec![Repair::CdataWrapper, Repair::HtmlCommentWrapper]
            )
        );
    }

    #[test]
    fn wrappers_count_only_around_the_whole_block() {
        for block in [
            // The first "-->" closes the comment: not a wrapper of it all.
            "<!-- {\"a\": \"-->\"} -->",
            "<![CDATA[ {\"a\": \"]]>\"} ]]>",
            // Opened but never closed, or closed but never opened.
            "<![CDATA[ {\"a\": 1}",
            "{\"a\": 1} ]]>",
            "<!-- {\"a\": 1}",
            "/* <![CDATA[ {\"a\": 1} ]]> */",
        ] {
            assert!(parse(block).is_err(), "{block:?}");
        }
        // Inside strings they are text.
        let (value, repairs) = parsed("{\"a\": \"<!-- x -->\",}");
        assert_eq!(value, json!({"a": "<!-- x -->"}));
        assert_eq!(repairs, vec![Repair::TrailingCommas]);
    }

    #[test]
    fn entity_encoded_blocks_are_decoded_once() {
        let block = "{&quot;@type&quot;: &quot;JobPosting&quot;, &#34;title&#34;: \
                     &quot;Myyj&auml; &amp;amp; kassa&quot;, &#X22;n&#x22;: [1]}";
        assert_eq!(
            parsed(block),
            (
                json!({"@type": "JobPosting", "title": "Myyjä &amp; kassa", "n": [1]}),
                vec![Repair::EntityEncoded]
            )
        );
        // Entities inside an ordinary block are the strings' business.
        let (value, repairs) = parsed("{\"t\": \"&quot;x&quot;\",}");
        assert_eq!(value, json!({"t": "&quot;x&quot;"}));
        assert_eq!(repairs, vec![Repair::TrailingCommas]);
        // Not JSON in shape, or a raw quote somewhere: not encoded as a whole.
        assert!(!is_entity_encoded("&quot;a&quot;"));
        assert!(!is_entity_encoded("{&quot;a&quot;: \"b\"}"));
        assert!(!is_entity_encoded("{a: 1}"));
    }

    #[test]
    fn control_characters_in_strings_are_escaped() {
        let block = "{\"title\": \"Kokki\tkeittiö\r\n\u{1}\u{8}\u{c}\", \"n\":\n\t1}";
        assert_eq!(
            parsed(block),
            (
                json!({"title": "Kokki\tkeittiö\r\n\u{1}\u{8}\u{c}", "n": 1}),
                vec![Repair::ControlCharacters]
            )
        );
        assert_eq!(
            repair(block).text,
            "{\"title\": \"Kokki\\tkeittiö\\r\\n\\u0001\\b\\f\", \"n\":\n\t1}"
        );
        // Outside strings a control character is not whitespace: refused.
        assert!(parse("{\"n\":\u{1} 1}").is_err());
    }

    #[test]
    fn trailing_commas_outside_strings_are_dropped() {
        let block = "{\"a\": [1, 2,\n ], \"b\": {\"c\": \"x,]\",\t},\r\n}";
        assert_eq!(
            parsed(block),
            (
                json!({"a": [1, 2], "b": {"c": "x,]"}}),
                vec![Repair::TrailingCommas]
            )
        );
        // Only the comma right before a closing bracket goes: no guessing.
        for block in ["[1,,]", "[,]", "{\"a\": 1,, }", "[1 2,]", "{,}"] {
            let repaired = repair(block);
            assert!(parse(block).is_err(), "{block:?} → {:?}", repaired.text);
        }
    }

    #[test]
    fn unknown_escapes_are_the_character_itself() {
        let block = r#"{"t": "\$100 \'a\' \- \ä \"q\" \\ \/ \u00e4 \ud83d\ude00"}"#;
        assert_eq!(
            parsed(block),
            (
                json!({"t": "$100 'a' - ä \"q\" \\ / ä 😀"}),
                vec![Repair::InvalidEscapes]
            )
        );
        // A backslash before a raw line break: the line break, escaped.
        assert_eq!(
            parsed("[\"a\\\nb\"]"),
            (
                json!(["a\nb"]),
                vec![Repair::ControlCharacters, Repair::InvalidEscapes]
            )
        );
        // Escaped quotes keep the string open; a lone backslash at the end fails.
        assert_eq!(parsed(r#"["a\",]",]"#).0, json!(["a\",]"]));
        assert!(parse("[\"a\\").is_err());
    }

    #[test]
    fn repairs_combine_and_strict_errors_are_kept() {
        let block = "//<![CDATA[\n{\"title\": \"Lähihoitaja\nHelsinki\", \"s\": \"\\€\",\n\
                     \"skills\": [\"a\", \"b\",],}\n//]]>";
        assert_eq!(
            parsed(block),
            (
                json!({"title": "Lähihoitaja\nHelsinki", "s": "€", "skills": ["a", "b"]}),
                vec![
                    Repair::CdataWrapper,
                    Repair::ControlCharacters,
                    Repair::TrailingCommas,
                    Repair::InvalidEscapes
                ]
            )
        );
        // Still broken after the repairs: strict JSON's error for the block
        // as written (line 1, where the comma is).
        let broken = "{\"a\": [1,],\n \"b\": }";
        let strict = serde_json::from_str::<Value>(broken).unwrap_err();
        let err = parse(broken).unwrap_err();
        assert_eq!(err.to_string(), strict.to_string());
        assert_eq!(err.line(), 1);
        // Nothing to repair: the strict error as it is.
        assert!(parse("{oops}").is_err());
        assert!(repair("{oops}").repairs.is_empty());
    }

    #[test]
    fn wrapped_json_documents_are_told_from_html_pages() {
        assert!(is_wrapped_json("<![CDATA[ [{\"a\": 1}] ]]>"));
        assert!(is_wrapped_json("//<![CDATA[\n{&quot;a&quot;: 1}\n//]]>"));
        assert!(is_wrapped_json("<!-- {\"a\": 1} -->"));
        assert!(!is_wrapped_json("<!-- page --><html></html>"));
        assert!(!is_wrapped_json("<!-- <html></html> -->"));
        assert!(!is_wrapped_json("{\"a\": 1}"));
    }

    #[test]
    fn codes_are_stable() {
        for repair in Repair::ALL {
            assert_eq!(
                serde_json::to_value(repair).unwrap(),
                Value::from(repair.code())
            );
        }
        assert_eq!(
            Repair::ALL.map(Repair::code),
            [
                "cdata_wrapper",
                "html_comment_wrapper",
                "entity_encoded",
                "control_characters",
                "trailing_commas",
                "invalid_escapes"
            ]
        );
    }

    #[test]
    fn hostile_blocks_take_linear_time() {
        // Long runs of what each rule looks at: a quadratic scan would take
        // minutes here.
        let n = 200_000;
        let commas = format!("[{}1]", ", ".repeat(n));
        assert!(parse(&commas).is_err());
        let spaces = format!("[1,{}]", " ".repeat(n));
        assert_eq!(parsed(&spaces).0, json!([1]));
        let controls = format!("[\"{}\"]", "\u{1}\\$".repeat(n));
        let repaired = repair(&controls);
        assert!(repaired.text.len() <= 6 * controls.len());
        assert_eq!(parsed(&controls).0[0].as_str().unwrap().len(), 2 * n);
        let amps = format!("[{}&quot;]", "&".repeat(n));
        assert!(parse(&amps).is_err());
    }
}
