//! The web UI as the server ships it: every file with its content type,
//! a strict CSP, nosniff and cache headers; `/` is the page; the maps have
//! the 19 regions or the 308 municipalities and are well-formed XML; the
//! three message catalogues have the same keys and every key the UI uses;
//! `demo` prints the UI's address. (The pages themselves are driven in a browser by `browser`.)

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use indexer::testkit::TestDb;
use serde_json::Value;

use crate::support::{demo_command, get, Server};
use crate::world::World;

fn ui_dir() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("ui")
}

fn header<'a>(r: &'a reqwest::blocking::Response, name: &str) -> &'a str {
    r.headers()
        .get(name)
        .unwrap_or_else(|| panic!("no {name} header"))
        .to_str()
        .unwrap()
}

fn assert_ui_headers(r: &reqwest::blocking::Response, what: &str) {
    let csp = header(r, "content-security-policy");
    assert_eq!(csp, api::ui::CONTENT_SECURITY_POLICY, "{what}");
    for directive in [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
    ] {
        assert!(csp.contains(directive), "{what}: {csp}");
    }
    assert!(!csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"));
    assert_eq!(header(r, "x-content-type-options"), "nosniff", "{what}");
    assert!(!header(r, "cache-control").is_empty(), "{what}");
    assert!(header(r, "etag").starts_with('"'), "{what}");
}

#[test]
fn ui_files_are_served_with_type_csp_and_cache_headers() {
    let w = World::start(TestDb::sqlite().unwrap());
    let expected: BTreeMap<&str, &str> = [
        ("html", "text/html; charset=utf-8"),
        ("css", "text/css; charset=utf-8"),
        ("js", "text/javascript; charset=utf-8"),
        ("json", "application/json"),
        ("svg", "image/svg+xml"),
    ]
    .into_iter()
    .collect();
    // Every file in api/ui/ is built in, and nothing else.
    let files = |dir: std::path::PathBuf| -> BTreeSet<String> {
        std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap())
            .filter(|e| e.file_type().unwrap().is_file())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect()
    };
    let shipped: BTreeSet<String> = api::ui::ASSETS.iter().map(|a| a.name.to_owned()).collect();
    assert_eq!(files(ui_dir()), shipped);
    // The API reference: every vendored file (but the README that says
    // where it came from) is built in, served under the same policy.
    let mut vendored = files(ui_dir().join("docs"));
    vendored.remove("README.md");
    let docs: BTreeSet<String> = api::ui::DOCS_ASSETS
        .iter()
        .map(|a| a.name.to_owned())
        .collect();
    assert_eq!(vendored, docs);
    for path in std::iter::once("/docs".to_owned()).chain(docs.iter().map(|n| format!("/docs/{n}")))
    {
        let response = w.client.get(w.url(&path)).send().unwrap();
        assert_eq!(response.status().as_u16(), 200, "{path}");
        assert_eq!(
            header(&response, "content-security-policy"),
            api::ui::DOCS_CONTENT_SECURITY_POLICY,
            "{path}"
        );
    }

    for asset in api::ui::ASSETS {
        let response = w
            .client
            .get(w.url(&format!("/ui/{}", asset.name)))
            .send()
            .unwrap();
        assert_eq!(response.status().as_u16(), 200, "{}", asset.name);
        let ext = asset.name.rsplit('.').next().unwrap();
        assert_eq!(
            header(&response, "content-type"),
            expected[ext],
            "{}",
            asset.name
        );
        assert_ui_headers(&response, asset.name);
        let tag = header(&response, "etag").to_owned();
        assert_eq!(response.bytes().unwrap().as_ref(), asset.body);
        // Revalidation with the ETag costs a 304 without a body.
        let again = w
            .client
            .get(w.url(&format!("/ui/{}", asset.name)))
            .header("If-None-Match", &tag)
            .send()
            .unwrap();
        assert_eq!(again.status().as_u16(), 304, "{}", asset.name);
    }

    // `/` is the page itself, revalidated on every load.
    let root = w.client.get(w.url("/")).send().unwrap();
    assert_eq!(root.status().as_u16(), 200);
    assert_eq!(header(&root, "content-type"), "text/html; charset=utf-8");
    assert_ui_headers(&root, "/");
    assert_eq!(header(&root, "cache-control"), "no-cache");
    let page = root.text().unwrap();
    for needle in [
        "<html lang=\"fi\">",
        "<main id=\"main\"",
        "class=\"skip-link\" href=\"#main\"",
        "<select id=\"lang\">",
        "src=\"/ui/app.js\"",
        "id=\"error\"",
        "role=\"alert\"",
        "id=\"status\"",
        "id=\"progress\"",
    ] {
        assert!(page.contains(needle), "{needle} not in the page");
    }
    // Nothing inline: the CSP would block it.
    assert!(!page.contains("<script>") && !page.contains("style="));
    assert!(!page.contains("<style"));

    // Unknown files are 404 (problem+json like every other unknown path).
    for path in ["/ui/nope.js", "/ui/app.js.map", "/ui/%2e%2e%2fCargo.toml"] {
        let (status, body) = w.call(None, "GET", path, None);
        assert_eq!(
            (status, body["code"].as_str()),
            (404, Some("not_found")),
            "{path}"
        );
    }
    // The API's own unknown paths are unchanged.
    let (status, _) = w.call(None, "GET", "/v2/vacancies", None);
    assert_eq!(status, 404);

    // Reference data for the UI: 19 regions, 308 municipalities.
    let geo = w.client.get(w.url("/ui/geography.json")).send().unwrap();
    assert_ui_headers(&geo, "geography.json");
    let geo: Value = geo.json().unwrap();
    assert_eq!(geo["regions"].as_array().unwrap().len(), 19);
    assert_eq!(geo["municipalities"].as_array().unwrap().len(), 308);
}

/// A small XML well-formedness check: tags nest and close, attributes
/// are quoted, entities are the predefined ones.
fn well_formed(xml: &str) -> Result<Vec<String>, String> {
    let mut stack: Vec<String> = Vec::new();
    let mut elements = Vec::new();
    let mut rest = xml;
    while let Some(start) = rest.find('<') {
        check_text(&rest[..start])?;
        let end = rest[start..].find('>').ok_or("unclosed tag")? + start;
        let tag = &rest[start + 1..end];
        rest = &rest[end + 1..];
        if tag.starts_with('?') || tag.starts_with('!') {
            continue;
        }
        if let Some(name) = tag.strip_prefix('/') {
            match stack.pop() {
                Some(open) if open == name.trim() => {}
                other => return Err(format!("</{name}> closes {other:?}")),
            }
            continue;
        }
        let self_closing = tag.ends_with('/');
        let body = tag.trim_end_matches('/');
        let name = body.split_whitespace().next().ok_or("empty tag")?;
        let attributes = &body[name.len()..];
        if !attributes.matches('"').count().is_multiple_of(2) {
            return Err(format!("unbalanced quotes in <{tag}>"));
        }
        check_text(attributes)?;
        elements.push(body.to_owned());
        if !self_closing {
            stack.push(name.to_owned());
        }
    }
    check_text(rest)?;
    if stack.is_empty() {
        Ok(elements)
    } else {
        Err(format!("unclosed: {stack:?}"))
    }
}

fn check_text(text: &str) -> Result<(), String> {
    for (i, _) in text.match_indices('&') {
        let entity = &text[i..text[i..].find(';').map_or(text.len(), |e| i + e + 1)];
        if !["&amp;", "&lt;", "&gt;", "&quot;", "&apos;"].contains(&entity) {
            return Err(format!("bad entity {entity}"));
        }
    }
    if text.contains('<') {
        return Err("stray <".into());
    }
    Ok(())
}

/// The SVG at `path`, checked to be served as the UI's and well-formed,
/// and its elements.
fn map(w: &World, path: &str) -> (String, Vec<String>) {
    let response = w.client.get(w.url(path)).send().unwrap();
    assert_eq!(response.status().as_u16(), 200, "{path}");
    assert_eq!(
        header(&response, "content-type"),
        "image/svg+xml; charset=utf-8"
    );
    assert_ui_headers(&response, path);
    let svg = response.text().unwrap();
    let elements = well_formed(&svg).unwrap_or_else(|e| panic!("{path}: {e}"));
    assert!(elements[0].starts_with("svg ") && elements[0].contains("id=\"map\""));
    (svg, elements)
}

#[test]
fn the_maps_have_the_19_regions_or_308_municipalities_and_are_well_formed() {
    let w = World::start(TestDb::sqlite().unwrap());
    let (svg, elements) = map(&w, "/ui/map.svg");
    let regions: Vec<&String> = elements
        .iter()
        .filter(|e| e.starts_with("path ") && e.contains("data-region=\""))
        .collect();
    assert_eq!(regions.len(), 19, "{regions:?}");
    let codes: BTreeSet<&str> = regions
        .iter()
        .map(|e| {
            e.split("data-region=\"")
                .nth(1)
                .unwrap()
                .split('"')
                .next()
                .unwrap()
        })
        .collect();
    assert_eq!(codes.len(), 19);
    assert!(codes.contains("01") && codes.contains("21"), "{codes:?}");
    // Every region path has a title (its name) and real geometry.
    assert_eq!(svg.matches("<title>").count(), 19);
    assert!(svg.contains("<title>Uusimaa</title>"));
    assert!(svg.contains("<title>Lappi</title>"));
    for e in &regions {
        let d = e.split(" d=\"").nth(1).unwrap();
        assert!(d.starts_with('M') && d.matches('Z').count() >= 1, "{e}");
    }
    assert!(svg.contains("Source: Statistics Finland"));

    // The municipality map: 308 municipalities under the region borders.
    let (svg, elements) = map(&w, "/ui/map.svg?level=municipality");
    let municipalities = elements
        .iter()
        .filter(|e| e.starts_with("path ") && e.contains("data-municipality=\""))
        .count();
    assert_eq!(municipalities, 308);
    assert!(svg.contains("class=\"region-borders\""));

    let response = w
        .client
        .get(w.url("/ui/map.svg?level=parish"))
        .send()
        .unwrap();
    assert_eq!(response.status().as_u16(), 400);
}

fn catalogues() -> BTreeMap<String, BTreeMap<String, String>> {
    let text = std::fs::read_to_string(ui_dir().join("messages.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn placeholders(text: &str) -> BTreeSet<String> {
    text.split('{')
        .skip(1)
        .filter_map(|s| s.split_once('}').map(|(name, _)| name.to_owned()))
        .collect()
}

/// Keys the UI's files name literally: `t('key')`, `'prefix.key'`
/// arguments and `data-i18n` attributes.
fn keys_used(prefixes: &BTreeSet<String>) -> BTreeSet<String> {
    let mut used = BTreeSet::new();
    for entry in std::fs::read_dir(ui_dir()).unwrap() {
        let path = entry.unwrap().path();
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
        if !["js", "html"].contains(&ext) {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        // Every quoted 'prefix.key' whose prefix is a catalogue's.
        let bytes = text.as_bytes();
        for (i, &quote) in bytes.iter().enumerate() {
            if quote != b'\'' && quote != b'"' {
                continue;
            }
            let body: String = text[i + 1..]
                .chars()
                .take_while(|c| {
                    c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_' || *c == '.'
                })
                .collect();
            if bytes.get(i + 1 + body.len()) != Some(&quote) {
                continue;
            }
            if let Some((prefix, rest)) = body.split_once('.') {
                if !rest.is_empty() && !rest.contains('.') && prefixes.contains(prefix) {
                    used.insert(body.clone());
                }
            }
        }
        for piece in text.split("data-i18n=\"").skip(1) {
            used.insert(piece.split('"').next().unwrap().to_owned());
        }
    }
    used
}

#[test]
fn every_message_exists_in_finnish_swedish_and_english() {
    let all = catalogues();
    assert_eq!(
        all.keys().map(String::as_str).collect::<Vec<_>>(),
        ["en", "fi", "sv"]
    );
    let fi = &all["fi"];
    for (lang, messages) in &all {
        let keys: BTreeSet<&String> = messages.keys().collect();
        let reference: BTreeSet<&String> = fi.keys().collect();
        assert_eq!(keys, reference, "{lang} has other keys than fi");
        for (key, text) in messages {
            assert!(!text.trim().is_empty(), "{lang}.{key} is empty");
            assert_eq!(
                placeholders(text),
                placeholders(&fi[key]),
                "{lang}.{key} has other placeholders than fi"
            );
        }
    }
    let prefixes: BTreeSet<String> = fi
        .keys()
        .filter_map(|k| k.split_once('.').map(|(p, _)| p.to_owned()))
        .collect();
    let used = keys_used(&prefixes);
    assert!(used.len() > 150, "{}", used.len());
    let missing: Vec<&String> = used.iter().filter(|k| !fi.contains_key(*k)).collect();
    assert!(missing.is_empty(), "used but not translated: {missing:?}");

    // Every role, and every error code the API documents, has a message.
    for role in matcher::domain::Role::ALL {
        assert!(fi.contains_key(&format!("role.{role}")), "{role}");
    }
    let api_md =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/api.md"))
            .unwrap();
    let errors = api_md.split("## Errors").nth(1).unwrap();
    let table = errors.split("## Behaviour").next().unwrap();
    let mut codes = 0;
    for line in table
        .lines()
        .filter(|l| l.starts_with("| 4") || l.starts_with("| 5"))
    {
        let cell = line.split('|').nth(2).unwrap();
        for code in cell.split('`').skip(1).step_by(2) {
            codes += 1;
            assert!(
                fi.contains_key(&format!("error.{code}")),
                "no message for error code {code}"
            );
        }
    }
    assert!(codes > 30, "{codes}");
}

#[test]
fn routes_for_the_ui_me_own_vacancies_agencies_occupation_by_uri() {
    let w = World::start(TestDb::sqlite().unwrap());
    for who in ["adviser_a", "recruiter_x", "employer_e", "analyst", "admin"] {
        let (s, me) = w.call(Some(who), "GET", "/v1/me", None);
        assert_eq!(s, 200, "{me}");
        assert_eq!(
            me["role"].as_str().unwrap(),
            who.split('_').next().unwrap(),
            "{me}"
        );
        assert_eq!(me["organization"]["id"], w.who(who).org, "{me}");
        assert_eq!(me["organization"]["name"], who, "{me}");
    }
    assert_eq!(w.call(None, "GET", "/v1/me", None).0, 401);

    let body = serde_json::json!({"title": "Lähihoitaja", "municipality_code": "091"});
    let (s, created) = w.call(Some("employer_e"), "POST", "/v1/vacancies", Some(&body));
    assert_eq!(s, 201, "{created}");
    let (s, other) = w.call(Some("employer_f"), "POST", "/v1/vacancies", Some(&body));
    assert_eq!(s, 201, "{other}");
    let (s, mine) = w.call(Some("employer_e"), "GET", "/v1/me/vacancies", None);
    assert_eq!(s, 200, "{mine}");
    let ids: Vec<&Value> = mine["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| &v["id"])
        .collect();
    assert_eq!(ids, [&created["id"]]);
    let (s, _) = w.call(Some("adviser_a"), "GET", "/v1/me/vacancies", None);
    assert_eq!(s, 403);

    let (s, agencies) = w.call(Some("employer_e"), "GET", "/v1/agencies", None);
    assert_eq!(s, 200, "{agencies}");
    let names: BTreeSet<&str> = agencies["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, BTreeSet::from(["recruiter_x", "recruiter_y"]));
    assert_eq!(w.call(Some("analyst"), "GET", "/v1/agencies", None).0, 403);

    // A vacancy's occupation named by its URI, in the asked language.
    let (s, found) = w.call(
        Some("employer_e"),
        "GET",
        "/v1/taxonomy/occupations?q=sairaanhoitaja&limit=1",
        None,
    );
    assert_eq!(s, 200, "{found}");
    let uri = found["items"][0]["uri"].as_str().unwrap();
    let (s, one) = w.call(
        Some("employer_e"),
        "GET",
        &format!("/v1/taxonomy/occupations?uri={uri}&lang=sv"),
        None,
    );
    assert_eq!(s, 200, "{one}");
    assert_eq!(one["items"].as_array().unwrap().len(), 1, "{one}");
    assert_eq!(one["items"][0]["uri"], uri);
    assert_eq!(one["items"][0]["label"], one["items"][0]["labels"]["sv"]);
    let (s, none) = w.call(
        Some("employer_e"),
        "GET",
        "/v1/taxonomy/occupations?uri=http://example.org/nothing",
        None,
    );
    assert_eq!((s, none["items"].as_array().unwrap().len()), (200, 0));
}

#[test]
fn demo_prints_the_ui_address_and_serves_the_page() {
    let tmp = tempfile::tempdir().unwrap();
    let command = demo_command(tmp.path(), 40, 10);
    let server = Server::start(command);
    let line = format!("UI: http://127.0.0.1:{}/", server.port);
    assert!(server.output.contains(&line), "{:#?}", server.output);
    let page = get(server.port, "/");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("/ui/app.js"));
    assert_eq!(page.header("x-content-type-options"), Some("nosniff"));
}
