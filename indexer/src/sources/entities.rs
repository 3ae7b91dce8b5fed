//! HTML character references (`&amp;`, `&#228;`, `&#xE4;` and the named
//! ones Finnish, Swedish and English job ads use), decoded for the HTML
//! text of postings, attribute values and JSON-LD blocks that a page
//! entity-encoded as a whole.

/// Decodes every entity in `text`.
pub fn decode_entities(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < text.len() {
        let rest = &text[i..];
        if rest.starts_with('&') {
            if let Some((decoded, len)) = decode_entity(rest) {
                out.push_str(&decoded);
                i += len;
                continue;
            }
        }
        let c = rest.chars().next().unwrap_or(' ');
        out.push(c);
        i += c.len_utf8();
    }
    out
}

/// The entity at the start of `text` (`&amp;`, `&#228;`, `&#xE4;`) and its
/// length in bytes, or `None` when it is not one.
pub(crate) fn decode_entity(text: &str) -> Option<(String, usize)> {
    // Entity names are short ASCII: look for the ';' among the next bytes.
    let end = text.as_bytes().iter().take(34).position(|b| *b == b';')?;
    let name = text.get(1..end)?;
    if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'#') {
        return None;
    }
    let len = end + 1;
    if let Some(number) = name.strip_prefix('#') {
        let code = match number.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => number.parse::<u32>().ok()?,
        };
        let c = char::from_u32(code)
            .filter(|c| *c != '\0')
            .unwrap_or('\u{fffd}');
        return Some((c.to_string(), len));
    }
    let decoded = match name {
        "amp" => "&",
        "lt" => "<",
        "gt" => ">",
        "quot" => "\"",
        "apos" => "'",
        "nbsp" => " ",
        "shy" => "",
        "auml" => "ä",
        "Auml" => "Ä",
        "ouml" => "ö",
        "Ouml" => "Ö",
        "aring" => "å",
        "Aring" => "Å",
        "uuml" => "ü",
        "Uuml" => "Ü",
        "eacute" => "é",
        "Eacute" => "É",
        "egrave" => "è",
        "aacute" => "á",
        "oslash" => "ø",
        "Oslash" => "Ø",
        "aelig" => "æ",
        "AElig" => "Æ",
        "scaron" => "š",
        "Scaron" => "Š",
        "zcaron" => "ž",
        "Zcaron" => "Ž",
        "szlig" => "ß",
        "ndash" => "–",
        "mdash" => "—",
        "hellip" => "…",
        "lsquo" => "‘",
        "rsquo" => "’",
        "ldquo" => "“",
        "rdquo" => "”",
        "laquo" => "«",
        "raquo" => "»",
        "bull" => "•",
        "middot" => "·",
        "euro" => "€",
        "copy" => "©",
        "reg" => "®",
        "trade" => "™",
        "deg" => "°",
        "times" => "×",
        _ => return None,
    };
    Some((decoded.to_owned(), len))
}
