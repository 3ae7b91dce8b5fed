//! JSON-LD that strict JSON rejects, as real pages carry it: each fixture
//! of `fixtures/test/jsonld/lenient/` read into its postings, every posting
//! naming the repairs its block needed, and what cannot be repaired
//! refused whole.

use indexer::sources::fixtures_dir;
use indexer::sources::jobposting::{self, ParsedItem};
use indexer::sources::lenient_json::Repair::{self, *};

fn parse(name: &str) -> Result<Vec<ParsedItem>, String> {
    let path = fixtures_dir().join("test/jsonld/lenient").join(name);
    let text = std::fs::read_to_string(&path).unwrap();
    jobposting::parse_document(&text).map_err(|e| e.reason)
}

/// `(identifier, repairs)` of every posting, each read without error.
fn postings(name: &str) -> Vec<(String, Vec<Repair>)> {
    parse(name)
        .unwrap()
        .into_iter()
        .map(|item| {
            let posting = item.posting.unwrap_or_else(|e| panic!("{name}: {e}"));
            (posting.identifier.unwrap(), item.repairs)
        })
        .collect()
}

/// A posting's identifier and the repairs its block needed.
type Posting<'a> = (&'a str, &'a [Repair]);

#[test]
fn every_kind_of_block_is_repaired_and_says_so() {
    let all = [
        HtmlCommentWrapper,
        ControlCharacters,
        TrailingCommas,
        InvalidEscapes,
    ];
    let expected: [(&str, &[Posting]); 7] = [
        ("cdata-wrapper.html", &[("KV-2026-031", &[CdataWrapper])]),
        (
            "html-comment-wrapper.html",
            &[("VASA-2026-112", &[HtmlCommentWrapper])],
        ),
        ("entity-encoded.html", &[("KT-88", &[EntityEncoded])]),
        (
            "control-characters.json",
            &[("NL-SE-204", &[ControlCharacters])],
        ),
        (
            "trailing-commas.json",
            &[
                ("TS-2026-7", &[TrailingCommas]),
                ("TS-2026-8", &[TrailingCommas]),
            ],
        ),
        ("invalid-escapes.html", &[("RK-19", &[InvalidEscapes])]),
        ("combined.html", &[("KSR-41", &all), ("KSR-42", &all)]),
    ];
    for (name, items) in expected {
        let items: Vec<(String, Vec<Repair>)> = items
            .iter()
            .map(|(id, repairs)| ((*id).to_owned(), repairs.to_vec()))
            .collect();
        assert_eq!(postings(name), items, "{name}");
    }
}

#[test]
fn repaired_text_reads_as_the_page_meant_it() {
    let posting = |name: &str, i: usize| parse(name).unwrap().swap_remove(i).posting.unwrap();
    let encoded = posting("entity-encoded.html", 0);
    assert_eq!(encoded.title, "Myyjä, kodinkoneet");
    assert_eq!(
        encoded.description,
        "Etsimme myyjää kodinkoneosastolle. Työ sisältää myyntiä & asiakaspalvelua."
    );
    assert_eq!(encoded.locations[0].locality.as_deref(), Some("Tampere"));
    let control = posting("control-characters.json", 0);
    assert_eq!(control.title, "Software Engineer, Backend");
    assert!(
        control
            .description
            .starts_with("We are looking for a backend software engineer.\nYou will design"),
        "{}",
        control.description
    );
    let escapes = posting("invalid-escapes.html", 0);
    assert_eq!(
        escapes.description,
        "We're looking for a line cook for our restaurant in Helsinki's Kamppi. \
         Shifts 10-22, tips $ shared."
    );
    let combined = posting("combined.html", 1);
    assert_eq!(
        combined.description,
        "Työnjohtaja Oulun kohteeseen, 'heti' alkaen."
    );
}

#[test]
fn what_cannot_be_repaired_refuses_the_document() {
    let reason = parse("unreadable.html").unwrap_err();
    assert!(
        reason.starts_with(
            "JSON-LD block 2 is not valid JSON: key must be a string at line 4 column 3"
        ),
        "{reason}"
    );
    // A JSON file is refused with strict JSON's error, as before.
    let reason = jobposting::parse_document("[{\"@type\": \"JobPosting\",, }]").unwrap_err();
    assert_eq!(
        reason.reason,
        "invalid JSON: key must be a string at line 1 column 25"
    );
}

#[test]
fn a_block_in_an_html_comment_stays_ignored() {
    assert_eq!(
        postings("commented-out.html"),
        [("PSHVA-2026-1201".to_owned(), vec![])]
    );
    // Only a comment around a page's whole content: no block at all.
    let page = "<!-- <script type=\"application/ld+json\">{\"@type\": \"JobPosting\", \
                \"title\": \"x\",}</script> --><p>Ei avoimia paikkoja</p>";
    assert!(jobposting::parse_document(page)
        .unwrap_err()
        .reason
        .starts_with("an HTML page without any"));
}

#[test]
fn repairs_belong_to_the_block_a_posting_is_written_in() {
    // The list is valid JSON; the posting it refers to sits in a block with
    // a trailing comma, and a JSON file may come wrapped like a block.
    let page = r##"<script type="application/ld+json">{"@context": "https://schema.org",
          "@type": "ItemList", "itemListElement": [{"@id": "#job-1"},
          {"@type": "JobPosting", "title": "Putkiasentaja"}]}</script>
        <script type="application/ld+json">{"@type": "JobPosting", "@id": "#job-1",
          "title": "Sähköasentaja",}</script>"##;
    let items = jobposting::parse_document(page).unwrap();
    let seen: Vec<(String, Vec<Repair>)> = items
        .into_iter()
        .map(|i| (i.posting.unwrap().title, i.repairs))
        .collect();
    assert_eq!(
        seen,
        [
            ("Sähköasentaja".to_owned(), vec![TrailingCommas]),
            ("Putkiasentaja".to_owned(), vec![])
        ]
    );
    let wrapped = "//<![CDATA[\n{\"@type\": \"JobPosting\", \"title\": \"Kokki\"}\n//]]>";
    let items = jobposting::parse_document(wrapped).unwrap();
    assert_eq!(items[0].repairs, [CdataWrapper]);
}
