//! The `kohtaanto` binary end to end: demo, stats, imports, tokens and the
//! errors an operator sees.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Output;

use indexer::sources::fixtures_dir;
use indexer::store::{orgs, Store};
use indexer::testkit::TestDb;
use matcher::domain::Role;

use crate::support::{demo_command, get, kohtaanto, Server};

fn stdout(output: &Output) -> String {
    assert!(
        output.status.success(),
        "exit {:?}: {}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stats(dir: &Path, database_url: Option<&str>) -> serde_json::Value {
    let mut command = kohtaanto(dir);
    command
        .args(["stats", "--json"])
        .env("KOHTAANTO_DATA_DIR", "data");
    if let Some(url) = database_url {
        command.env("KOHTAANTO_DATABASE_URL", url);
    }
    serde_json::from_str(&stdout(&command.output().unwrap())).unwrap()
}

/// `demo` prepares an empty store, prints and writes one token per role,
/// answers /healthz; a restart keeps data and tokens.
fn demo_end_to_end(database_url: Option<&str>) {
    let tmp = tempfile::tempdir().unwrap();
    let demo = || {
        let mut command = demo_command(tmp.path(), 300, 60);
        if let Some(url) = database_url {
            command.env("KOHTAANTO_DATABASE_URL", url);
        }
        Server::start(command)
    };
    let server = demo();
    let health = get(server.port, "/healthz");
    assert_eq!(health.status, 200);
    assert_eq!(get(server.port, "/readyz").status, 200);

    let file = tmp.path().join("data/demo-tokens.json");
    let tokens: BTreeMap<String, String> =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(tokens.len(), Role::ALL.len());
    let store = Store::open(
        &database_url
            .map(str::to_owned)
            .unwrap_or_else(|| tmp.path().join("data/kohtaanto.db").display().to_string()),
    )
    .unwrap();
    for role in Role::ALL {
        let secret = &tokens[role.as_str()];
        assert!(
            server.output.iter().any(|l| l.contains(secret.as_str())),
            "token of {role} not printed"
        );
        let identity = store
            .read(|c| orgs::authenticate(c, secret))
            .unwrap()
            .unwrap();
        assert_eq!(identity.role, *role);
        assert_eq!(identity.org_kind, role.org_kind());
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "token file readable by others");
    }
    drop(server);

    let counts = stats(tmp.path(), database_url);
    assert!(counts["occupations"].as_i64().unwrap() >= 3000, "{counts}");
    assert!(counts["skills"].as_i64().unwrap() >= 13000, "{counts}");
    assert_eq!(counts["municipalities"], 308);
    assert_eq!(counts["regions"], 19);
    assert_eq!(counts["profiles"], 300);
    // The 60 generated and the hidden vacancies the demo's outreach found
    // (deterministic for the seed).
    assert_eq!(counts["vacancies"], 90);
    assert!(counts["organizations"].as_i64().unwrap() >= 5);

    // A restart neither generates again nor issues new tokens.
    let server = demo();
    assert_eq!(get(server.port, "/healthz").status, 200);
    drop(server);
    let again: BTreeMap<String, String> =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(again, tokens);
    assert_eq!(stats(tmp.path(), database_url), counts);
}

#[test]
fn demo_on_sqlite() {
    demo_end_to_end(None);
}

#[test]
fn demo_on_postgres() {
    let Some(db) = TestDb::postgres().unwrap() else {
        eprintln!("KOHTAANTO_TEST_DATABASE_URL is not set: PostgreSQL run skipped");
        return;
    };
    demo_end_to_end(Some(&db.url));
}

#[test]
fn works_under_kohtaanto_data_without_configuration() {
    let tmp = tempfile::tempdir().unwrap();
    let out = stdout(&kohtaanto(tmp.path()).arg("migrate").output().unwrap());
    assert!(out.contains("kohtaanto-data/kohtaanto.db"), "{out}");
    assert!(tmp.path().join("kohtaanto-data/kohtaanto.db").is_file());
}

#[test]
fn malformed_import_names_file_and_line_and_keeps_what_was_stored() {
    let tmp = tempfile::tempdir().unwrap();
    let geo = fixtures_dir().join("geo");
    let import = |dir: &Path| {
        kohtaanto(tmp.path())
            .env("KOHTAANTO_DATA_DIR", "data")
            .args(["import", "geography"])
            .arg(dir)
            .output()
            .unwrap()
    };
    let out = stdout(&import(&geo));
    assert!(out.contains("308 municipalities"), "{out}");

    let broken = tmp.path().join("broken");
    std::fs::create_dir(&broken).unwrap();
    std::fs::copy(
        geo.join("regions_maakunnat.csv"),
        broken.join("regions_maakunnat.csv"),
    )
    .unwrap();
    let text = std::fs::read_to_string(geo.join("municipalities_2025.csv")).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let mut fields: Vec<&str> = lines[9].split(',').collect();
    let lat = fields.len() - 2;
    fields[lat] = "north";
    lines[9] = fields.join(",");
    lines.truncate(100);
    std::fs::write(broken.join("municipalities_2025.csv"), lines.join("\n")).unwrap();

    let failed = import(&broken);
    assert_eq!(failed.status.code(), Some(1));
    let err = String::from_utf8_lossy(&failed.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("municipalities_2025.csv"), "{err}");
    assert!(err.contains("line 10"), "{err}");
    assert_eq!(stats(tmp.path(), None)["municipalities"], 308);
}

#[test]
fn unreachable_database_is_one_line_and_exit_code_1() {
    let tmp = tempfile::tempdir().unwrap();
    for url in [
        "postgres://kohtaanto:secret@127.0.0.1:9/nowhere",
        "mysql://elsewhere/db",
    ] {
        let out = kohtaanto(tmp.path())
            .env("KOHTAANTO_DATABASE_URL", url)
            .args(["stats"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1));
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.starts_with("error: "), "{err}");
        assert!(!err.contains("secret"), "password leaked: {err}");
    }
}

#[test]
fn tokens_are_printed_once_and_only_their_hash_is_stored() {
    let tmp = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        stdout(
            &kohtaanto(tmp.path())
                .env("KOHTAANTO_DATA_DIR", "data")
                .args(args)
                .output()
                .unwrap(),
        )
    };
    let out = run(&[
        "org",
        "add",
        "--kind",
        "agency",
        "--name",
        "Rekrytointi Oy",
        "--business-id",
        "0112038-9",
    ]);
    let id = out
        .split_whitespace()
        .nth(1)
        .unwrap()
        .trim_end_matches(':')
        .to_owned();
    let out = run(&["token", "issue", "--org", &id, "--role", "recruiter"]);
    let secret = out.lines().last().unwrap().trim().to_owned();
    assert!(secret.starts_with("koh_"), "{out}");

    let db = tmp.path().join("data/kohtaanto.db");
    let raw = std::fs::read(&db).unwrap();
    let needle = secret.as_bytes();
    assert!(!raw.windows(needle.len()).any(|w| w == needle));
    let store = Store::open(&db.display().to_string()).unwrap();
    let identity = store
        .read(|c| orgs::authenticate(c, &secret))
        .unwrap()
        .unwrap();
    assert_eq!(identity.role, Role::Recruiter);

    // An employer role cannot be issued to an agency.
    let refused = kohtaanto(tmp.path())
        .env("KOHTAANTO_DATA_DIR", "data")
        .args(["token", "issue", "--org", &id, "--role", "employer"])
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(1));
}

/// `org add` of an employer through `run`: its id.
fn add_employer(run: impl Fn(&[&str]) -> Output) -> String {
    let out = stdout(&run(&[
        "org", "add", "--kind", "employer", "--name", "Rekry Oy",
    ]));
    out.split_whitespace().nth(1).unwrap().to_owned()
}

#[test]
fn import_vacancies_from_a_jobposting_file() {
    let tmp = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        kohtaanto(tmp.path())
            .env("KOHTAANTO_DATA_DIR", "data")
            .args(args)
            .output()
            .unwrap()
    };
    let org = add_employer(run);
    let feed = tmp.path().join("jobs.json");
    std::fs::write(
        &feed,
        r#"[
          {"@context": "https://schema.org", "@type": "JobPosting", "identifier": "A-1",
           "title": "Ohjelmistokehittäjä", "description": "Rust ja PostgreSQL.",
           "datePosted": "2026-11-01", "validThrough": "2099-01-31",
           "employmentType": "FULL_TIME",
           "hiringOrganization": {"@type": "Organization", "name": "Rekry Oy"},
           "jobLocation": {"@type": "Place", "address": {"@type": "PostalAddress",
             "addressLocality": "Tampere", "addressCountry": "FI"}}},
          {"@type": "JobPosting", "identifier": "A-2", "description": "no title"},
          {"@context": "https://schema.org", "@type": "JobPosting", "identifier": "A-3",
           "title": "Työntekijä", "description": "Monipuolisia tehtäviä.",
           "datePosted": "2026-11-01", "validThrough": "2099-01-31",
           "hiringOrganization": {"@type": "Organization", "name": "Rekry Oy"},
           "jobLocation": {"@type": "Place", "address": {"@type": "PostalAddress",
             "addressLocality": "Tampere", "addressCountry": "FI"}}}
        ]"#,
    )
    .unwrap();
    let import = || {
        let feed = feed.display().to_string();
        let args = [
            "import",
            "vacancies",
            &feed,
            "--source",
            "rekry",
            "--owner-org",
            &org,
            "--json",
        ];
        let report: serde_json::Value = serde_json::from_str(&stdout(&run(&args))).unwrap();
        report
    };
    let first = import();
    assert_eq!(first["created"], 2, "{first}");
    // "Työntekijä" (a worker) names no occupation: left for review, with
    // suggestions, and no occupation set.
    assert_eq!(first["needs_review"], 1, "{first}");
    assert_eq!(first["rejected"].as_array().unwrap().len(), 1, "{first}");
    assert_eq!(first["rejected"][0]["identifier"], "A-2");
    // The title had no occupation: the coder set one (software developer, ISCO 2512).
    let store = Store::open(&tmp.path().join("data/kohtaanto.db").display().to_string()).unwrap();
    let v = store
        .read(|c| indexer::store::vacancies::find_vacancy_by_source(c, "rekry", "A-1"))
        .unwrap()
        .unwrap();
    assert_eq!(
        v.draft.isco_code.as_deref(),
        Some("2512"),
        "{:?}",
        v.draft.occupation_uri
    );
    assert!(v.draft.occupation_uri.is_some());
    assert!(first["concepts_coded"].as_u64().unwrap() >= 1, "{first}");
    let vague = store
        .read(|c| indexer::store::vacancies::find_vacancy_by_source(c, "rekry", "A-3"))
        .unwrap()
        .unwrap();
    assert!(vague.draft.occupation_uri.is_none());
    let codings = store
        .read(|c| indexer::store::coding::coding_of(c, &[v.id, vague.id]))
        .unwrap();
    let status = |id| {
        codings
            .iter()
            .find(|(v, _)| *v == id)
            .map(|(_, r)| (r.status, r.suggestions.len()))
    };
    use indexer::store::coding::CodingStatus;
    assert!(matches!(status(v.id), Some((CodingStatus::Coded, n)) if n >= 1));
    assert!(matches!(status(vague.id), Some((CodingStatus::NeedsReview, n)) if n >= 1));
    let again = import();
    assert_eq!(
        (again["created"].clone(), again["unchanged"].clone()),
        (0.into(), 2.into())
    );
    assert_eq!(stats(tmp.path(), None)["vacancies"], 2);

    // A missing file is an error naming it, with nothing written.
    let out = run(&[
        "import",
        "vacancies",
        "/no/such/feed.json",
        "--source",
        "x",
        "--owner-org",
        &org,
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/no/such/feed.json"));
}

/// JSON-LD that strict JSON rejects (the fixtures of
/// `fixtures/test/jsonld/lenient/`, one kind of repair each and one with
/// several) is imported and reported `repaired` with what was repaired; a
/// file with a block that stays unreadable writes nothing. Reading is the
/// same on every backend and each import is a process of some seconds, so
/// PostgreSQL imports the fixture with every repair and the failing one;
/// SQLite imports them all.
fn import_repaired_jsonld(db: TestDb) {
    let every_kind = db.store.backend() == indexer::store::Backend::Sqlite;
    let tmp = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        kohtaanto(tmp.path())
            .env("KOHTAANTO_DATA_DIR", "data")
            .env("KOHTAANTO_DATABASE_URL", &db.url)
            .args(args)
            .output()
            .unwrap()
    };
    let org = add_employer(run);
    let fixtures = fixtures_dir().join("test/jsonld/lenient");
    let import = |name: &str, json: bool| {
        let file = fixtures.join(name).display().to_string();
        let mut args = vec![
            "import",
            "vacancies",
            &file,
            "--source",
            "sivut",
            "--owner-org",
            &org,
        ];
        if json {
            args.push("--json");
        }
        run(&args)
    };
    let vacancies = || {
        db.store
            .read(indexer::store::vacancies::count_vacancies)
            .unwrap()
    };
    let mut total = 0;
    for (name, expected) in [
        ("cdata-wrapper.html", vec![("KV-2026-031", "cdata_wrapper")]),
        (
            "html-comment-wrapper.html",
            vec![("VASA-2026-112", "html_comment_wrapper")],
        ),
        ("entity-encoded.html", vec![("KT-88", "entity_encoded")]),
        (
            "control-characters.json",
            vec![("NL-SE-204", "control_characters")],
        ),
        ("invalid-escapes.html", vec![("RK-19", "invalid_escapes")]),
        (
            "combined.html",
            vec![
                (
                    "KSR-41",
                    "html_comment_wrapper,control_characters,trailing_commas,invalid_escapes",
                ),
                (
                    "KSR-42",
                    "html_comment_wrapper,control_characters,trailing_commas,invalid_escapes",
                ),
            ],
        ),
        ("commented-out.html", vec![]),
    ]
    .into_iter()
    .filter(|(name, _)| every_kind || *name == "combined.html")
    {
        let report: serde_json::Value = serde_json::from_str(&stdout(&import(name, true))).unwrap();
        let created = expected.len().max(1);
        assert_eq!(report["created"], created, "{name}: {report}");
        assert_eq!(
            report["rejected"],
            serde_json::json!([]),
            "{name}: {report}"
        );
        let repaired: Vec<(String, String)> = report["repaired"]
            .as_array()
            .unwrap()
            .iter()
            .map(|item| {
                let codes: Vec<&str> = item["repairs"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|c| c.as_str().unwrap())
                    .collect();
                (
                    item["identifier"].as_str().unwrap().to_owned(),
                    codes.join(","),
                )
            })
            .collect();
        let expected: Vec<(String, String)> = expected
            .iter()
            .map(|(id, codes)| ((*id).to_owned(), (*codes).to_owned()))
            .collect();
        assert_eq!(repaired, expected, "{name}: {report}");
        total += created;
        assert_eq!(vacancies(), total as i64, "{name}");
    }
    // The stored vacancy holds the text the page meant.
    let stored = db
        .store
        .read(|c| indexer::store::vacancies::find_vacancy_by_source(c, "sivut", "KSR-42"))
        .unwrap()
        .unwrap();
    assert_eq!(
        stored.draft.description,
        "Työnjohtaja Oulun kohteeseen, 'heti' alkaen."
    );

    // The text report names each repaired item and its repairs.
    let text = stdout(&import("trailing-commas.json", false));
    assert!(
        text.contains("2 items, 2 created, 0 updated, 0 unchanged, 0 duplicates of other sources, 0 rejected, 2 repaired"),
        "{text}"
    );
    for line in [
        "  repaired item 0 (TS-2026-7): trailing_commas",
        "  repaired item 1 (TS-2026-8): trailing_commas",
    ] {
        assert!(text.lines().any(|l| l == line), "{text}");
    }
    total += 2;
    assert_eq!(vacancies(), total as i64);

    // A readable posting and a block no rule repairs: refused whole, with
    // strict JSON's reason, and nothing written.
    let outbox = db.store.read(indexer::store::outbox::last_id).unwrap();
    let failed = import("unreadable.html", true);
    assert_eq!(failed.status.code(), Some(1));
    let err = String::from_utf8_lossy(&failed.stderr);
    assert!(
        err.contains("JSON-LD block 2 is not valid JSON: key must be a string at line 4"),
        "{err}"
    );
    assert_eq!(vacancies(), total as i64);
    assert_eq!(
        db.store.read(indexer::store::outbox::last_id).unwrap(),
        outbox
    );
    assert!(db
        .store
        .read(|c| indexer::store::vacancies::find_vacancy_by_source(c, "sivut", "LL-5"))
        .unwrap()
        .is_none());
}

on_every_backend!(import_repaired_jsonld);

#[test]
fn match_from_the_command_line_with_explanations() {
    let tmp = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        stdout(
            &kohtaanto(tmp.path())
                .env("KOHTAANTO_DATA_DIR", "data")
                .args(args)
                .output()
                .unwrap(),
        )
    };
    run(&[
        "generate",
        "--profiles",
        "400",
        "--vacancies",
        "60",
        "--seed",
        "4",
    ]);
    run(&["index", "rebuild"]);
    let json: serde_json::Value = serde_json::from_str(&run(&[
        "match",
        "candidates",
        "3",
        "--limit",
        "5",
        "--scope",
        "nationwide",
        "--json",
    ]))
    .unwrap();
    let results = json["results"].as_array().unwrap();
    assert_eq!(results.len(), 5, "{json}");
    let totals: Vec<f64> = results
        .iter()
        .map(|r| r["score"]["total"].as_f64().unwrap())
        .collect();
    assert!(totals.windows(2).all(|w| w[0] >= w[1]), "{totals:?}");
    assert_eq!(results[0]["score"]["features"].as_array().unwrap().len(), 9);
    assert_eq!(json["config_hash"].as_str().unwrap().len(), 64);

    let text = run(&[
        "match",
        "vacancies",
        "3",
        "--limit",
        "3",
        "--scope",
        "nationwide",
    ]);
    assert!(text.contains(" 1. vacancy "), "{text}");
    assert!(
        text.contains("skills") && text.contains("geography"),
        "{text}"
    );

    // An unknown id is one error line, exit 1.
    let out = kohtaanto(tmp.path())
        .env("KOHTAANTO_DATA_DIR", "data")
        .args(["match", "candidates", "999999"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("vacancy 999999 not found"));
}

/// `taxonomy occupations --batch`: one JSON line per title with ranked ESCO
/// occupations; a single title and skill extraction print too.
#[test]
fn taxonomy_codes_titles_in_batch_and_extracts_skills() {
    let tmp = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        kohtaanto(tmp.path())
            .args(args)
            .env("KOHTAANTO_DATA_DIR", "data")
            .output()
            .unwrap()
    };
    let titles = tmp.path().join("titles.txt");
    std::fs::write(
        &titles,
        "Sairaanhoitaja (vakituinen)\nLagerarbetare till Vanda\n\nSenior Java dev (m/f/d) – Helsinki\nbussinkuljettaja\n",
    )
    .unwrap();
    let out = stdout(&run(&[
        "taxonomy",
        "occupations",
        "--batch",
        &titles.display().to_string(),
        "--limit",
        "3",
    ]));
    let lines: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 4, "{out}");
    let esco = "http://data.europa.eu/esco/occupation/";
    let expected = [
        (
            "Sairaanhoitaja (vakituinen)",
            "8d3e8aaa-791b-4c75-a465-f3f827028f50",
        ),
        (
            "Lagerarbetare till Vanda",
            "bea705fe-06ac-4147-b8e0-6e8ac1208d8f",
        ),
        (
            "Senior Java dev (m/f/d) – Helsinki",
            "f2b15a0e-e65a-438a-affb-29b9d50b77d1",
        ),
        ("bussinkuljettaja", "00cee175-1376-43fb-9f02-ba3d7a910a58"),
    ];
    for (line, (title, uuid)) in lines.iter().zip(expected) {
        assert_eq!(line["title"], title);
        let occupations = line["occupations"].as_array().unwrap();
        assert!(occupations.len() <= 3);
        assert_eq!(occupations[0]["uri"], format!("{esco}{uuid}"), "{line}");
        assert!(occupations[0]["isco_code"].as_str().unwrap().len() == 4);
        assert!(occupations[0]["labels"]["en"].is_string());
    }
    assert_eq!(lines[0]["occupations"][0]["score"], 1.0);

    let one = stdout(&run(&[
        "taxonomy",
        "occupations",
        "kokki",
        "--lang",
        "fi",
        "--json",
    ]));
    let one: serde_json::Value = serde_json::from_str(&one).unwrap();
    assert_eq!(one[0]["labels"]["fi"], "kokki");

    let text = "Experience in project management and customer service.";
    let skills = stdout(&run(&["taxonomy", "skills", text, "--json"]));
    let skills: Vec<serde_json::Value> = serde_json::from_str(&skills).unwrap();
    let spans: Vec<&str> = skills
        .iter()
        .map(|m| &text[m["start"].as_u64().unwrap() as usize..m["end"].as_u64().unwrap() as usize])
        .collect();
    assert!(spans.contains(&"project management"), "{skills:?}");

    // Neither a title nor a batch file: an error, exit code 1.
    let out = run(&["taxonomy", "occupations"]);
    assert_eq!(out.status.code(), Some(1));
    let out = run(&["taxonomy", "occupations", "--batch", "/no/such/titles.txt"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/no/such/titles.txt"));

    // An operator measures the coder on their own coded titles: ESCO URIs
    // or ISCO codes, at the level asked for.
    let coded = tmp.path().join("coded.tsv");
    std::fs::write(
        &coded,
        format!(
            "# title, expected\nSairaanhoitaja\t{esco}8d3e8aaa-791b-4c75-a465-f3f827028f50\n\
             Ohjelmistokehittäjä, Java\t2512\nbussinkuljettaja\t8331\n"
        ),
    )
    .unwrap();
    let path = coded.display().to_string();
    let eval = |level: &str| {
        let out = run(&["taxonomy", "eval", &path, "--level", level, "--json"]);
        serde_json::from_str::<serde_json::Value>(&stdout(&out)).unwrap()
    };
    let isco = eval("isco4");
    assert_eq!(isco["cases"], 3, "{isco}");
    assert_eq!(isco["top1"], 1.0, "{isco}");
    assert_eq!(isco["mrr"], 1.0, "{isco}");
    let major = eval("isco2");
    assert_eq!(major["top1"], 1.0, "{major}");
    // ISCO codes cannot be scored at the occupation level: a clear error.
    let out = run(&["taxonomy", "eval", &path]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--level isco4"));
    // A line that names no known occupation or code is refused by number.
    std::fs::write(&coded, "Kokki\thttp://example.org/nope\n").unwrap();
    let out = run(&["taxonomy", "eval", &path, "--level", "isco4"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("line 1"),
        "{out:?}"
    );

    // Skill extraction on annotated texts: precision and recall.
    let annotated = tmp.path().join("skills.jsonl");
    std::fs::write(
        &annotated,
        r#"{"id": "a", "lang": "en", "text": "Experience in project management and customer service.", "skills": [{"uri": "http://data.europa.eu/esco/skill/7111b95d-0ce3-441a-9d92-4c75d05c4388"}], "split": "dev"}
"#,
    )
    .unwrap();
    let out = run(&[
        "taxonomy",
        "eval-skills",
        &annotated.display().to_string(),
        "--json",
    ]);
    let m: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(m["all"]["texts"], 1, "{m}");
    assert_eq!(m["all"]["gold"], 1, "{m}");
    assert!(m["all"]["found"].as_u64().unwrap() >= 1, "{m}");
}

/// The README's curl examples, exactly as printed, against `kohtaanto
/// demo` started in a fresh directory (only the port differs).
#[test]
fn readme_curl_examples_work() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../README.md")).unwrap();
    let block = readme
        .split("<!-- api-examples -->")
        .nth(1)
        .and_then(|rest| rest.split("```sh\n").nth(1))
        .and_then(|rest| rest.split("\n```").next())
        .expect("no api-examples block in the README");
    let tmp = tempfile::tempdir().unwrap();
    let mut command = kohtaanto(tmp.path());
    command.args([
        "demo",
        "--bind",
        "127.0.0.1:0",
        "--profiles",
        "2000",
        "--vacancies",
        "300",
    ]);
    let server = Server::start(command);
    let script = block.replace(
        "http://127.0.0.1:8080",
        &format!("http://127.0.0.1:{}", server.port),
    );
    let out = std::process::Command::new("sh")
        .arg("-euc")
        .arg(&script)
        .current_dir(tmp.path())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "README examples failed ({:?}): {}\n{stdout}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    // Every curl printed a JSON body.
    let bodies =
        stdout.lines().filter(|l| l.starts_with('{')).count() + stdout.matches("}{").count();
    assert!(bodies >= 7, "{stdout}");
    assert!(stdout.contains("\"results\""), "{stdout}");
}

/// SIGTERM: the server answers what it accepted, exits 0, and the index it
/// leaves holds every acknowledged write.
#[test]
fn sigterm_stops_gracefully_with_the_index_committed() {
    let tmp = tempfile::tempdir().unwrap();
    let command = demo_command(tmp.path(), 200, 40);
    let server = Server::start(command);
    let tokens: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(tmp.path().join("data/demo-tokens.json")).unwrap(),
    )
    .unwrap();
    let client = reqwest::blocking::Client::new();
    for i in 0..30 {
        let r = client
            .post(format!("http://127.0.0.1:{}/v1/vacancies", server.port))
            .bearer_auth(tokens["employer"].as_str().unwrap())
            .json(&serde_json::json!({"title": format!("Kokki {i}"), "municipality_code": "091"}))
            .send()
            .unwrap();
        assert_eq!(r.status().as_u16(), 201);
    }
    let status = server.terminate();
    assert!(status.success(), "{status:?}");
    let check = kohtaanto(tmp.path())
        .env("KOHTAANTO_DATA_DIR", "data")
        .args(["index", "check", "--json"])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&check.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&check.stderr)));
    assert!(check.status.success(), "{report}");
    assert_eq!(report["lag"], 0, "{report}");
    let verify = kohtaanto(tmp.path())
        .env("KOHTAANTO_DATA_DIR", "data")
        .args(["audit", "verify"])
        .output()
        .unwrap();
    assert!(stdout(&verify).starts_with("audit chain intact"));

    // A cohort from the command line: created, then assigned.
    let run = |args: &[&str]| {
        let out = kohtaanto(tmp.path())
            .env("KOHTAANTO_DATA_DIR", "data")
            .args(args)
            .output()
            .unwrap();
        stdout(&out)
    };
    let ids: Vec<String> = (1..=40).map(|i| i.to_string()).collect();
    let created = run(&[
        "cohort",
        "create",
        "--org",
        "1",
        "--name",
        "Sulkeutuva tehdas",
        "--employer",
        "Tehdas Oy",
        "--profiles",
        &ids.join(","),
    ]);
    assert!(created.starts_with("cohort 1 created"), "{created}");
    let assigned: serde_json::Value = serde_json::from_str(&run(&[
        "cohort",
        "assign",
        "1",
        "--org",
        "1",
        "--min-score",
        "0.3",
        "--json",
    ]))
    .unwrap();
    assert_eq!(assigned["members"], 40);
    assert!(
        assigned["total_score"].as_f64().unwrap()
            >= assigned["greedy_total_score"].as_f64().unwrap()
    );
    let table = run(&["cohort", "assign", "1", "--org", "1"]);
    assert!(
        table.contains("40 members") && table.contains("region"),
        "{table}"
    );

    // The picture from the command line: readable tables, JSON and CSV
    // agree on the totals.
    let table = run(&["picture", "--by", "region", "--level", "2", "--potential"]);
    assert!(table.contains("Jackman–Roper mismatch"), "{table}");
    assert!(
        table.contains("Uusimaa") && table.contains("Cross-region potential"),
        "{table}"
    );
    let picture: serde_json::Value =
        serde_json::from_str(&run(&["picture", "--level", "2", "--json"])).unwrap();
    let positions = picture["total"]["open_positions"].as_u64().unwrap();
    assert!(positions > 0, "{picture}");
    let csv = run(&["picture", "--by", "ely", "--csv", "areas"]);
    let summed: u64 = csv
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(5).unwrap().parse::<u64>().unwrap())
        .sum();
    assert_eq!(summed, positions, "{csv}");
    let analyst = run(&[
        "picture",
        "--by",
        "municipality",
        "--level",
        "4",
        "--suppress",
        "--csv",
        "cells",
    ]);
    assert!(
        analyst.lines().skip(1).any(|l| l.ends_with(",true")),
        "{analyst}"
    );

    // Today's snapshot of the picture: the live tallies, per region; taken
    // again, it replaces the day's.
    let taken: serde_json::Value =
        serde_json::from_str(&run(&["picture", "snapshot", "--json"])).unwrap();
    assert_eq!(
        taken["day"],
        chrono::Utc::now().date_naive().to_string(),
        "{taken}"
    );
    let regions = taken["tallies"]["regions"].as_array().unwrap();
    assert!(regions.len() >= 19, "{taken}");
    let summed: u64 = regions
        .iter()
        .map(|r| r["open_positions"].as_u64().unwrap())
        .sum();
    assert_eq!(summed, positions, "{taken}");
    assert!(taken["tallies"]["mismatch_across_cells"].as_f64().is_some());
    let text = run(&["picture", "snapshot"]);
    assert!(
        text.starts_with("snapshot of ") && text.contains(&format!("{positions} open positions")),
        "{text}"
    );
}

/// The benchmark harness end to end on a tiny population (a smoke run that
/// keeps it working; no figure is judged here): every section is filled,
/// answers are exact, the HTTP load gets no errors, and with
/// `KOHTAANTO_TEST_DATABASE_URL` the PostgreSQL baseline runs too.
#[test]
fn bench_runs_every_section_on_a_tiny_population() {
    let tmp = tempfile::tempdir().unwrap();
    let mut command = kohtaanto(tmp.path());
    command.args([
        "bench",
        "--profiles",
        "300",
        "--vacancies",
        "60",
        "--queries",
        "8",
        "--concurrency",
        "1,2",
        "--http-seconds",
        "0.5",
        "--batch-vacancies",
        "20",
        "--data-dir",
        "bench",
        "--json",
        "bench.json",
    ]);
    let baseline = std::env::var("KOHTAANTO_TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty());
    match &baseline {
        Some(url) => command.args(["--baseline-url", url]),
        None => command.env_remove("KOHTAANTO_BENCH_BASELINE_URL"),
    };
    let table = stdout(&command.output().unwrap());
    assert!(table.contains("top-20 candidates for a vacancy"), "{table}");
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(tmp.path().join("bench.json")).unwrap())
            .unwrap();
    assert_eq!(report["index"]["documents"], 360, "{report}");
    assert_eq!(report["candidates"]["queries"], 8);
    assert_eq!(report["vacancies_for_jobseeker"]["queries"], 8);
    assert_eq!(report["exactness"]["overlap"], 1.0);
    assert_eq!(report["batch"]["sampled_of"], 60);
    let http = report["server"]["http"].as_array().unwrap();
    assert_eq!(http.len(), 4);
    for run in http {
        assert!(run["requests"].as_u64().unwrap() > 0, "{run}");
        assert_eq!(run["errors"], 0, "{run}");
    }
    assert!(report["server"]["peak_rss_mb"].as_f64().unwrap() > 0.0);
    match baseline {
        Some(_) => {
            let b = &report["baseline"];
            assert_eq!(b["load"]["profiles"], 300, "{b}");
            assert_eq!(b["candidates"]["queries"], 8);
            let overlap = b["candidates_overlap"].as_f64().unwrap();
            assert!((0.0..=1.0).contains(&overlap));
        }
        None => assert!(report["baseline"].is_null()),
    }
    // A second run reuses the population.
    let again = stdout(
        &kohtaanto(tmp.path())
            .args([
                "bench",
                "--profiles",
                "300",
                "--vacancies",
                "60",
                "--queries",
                "2",
            ])
            .args(["--concurrency", "1", "--http-seconds", "0.2", "--no-batch"])
            .args(["--data-dir", "bench"])
            .env_remove("KOHTAANTO_BENCH_BASELINE_URL")
            .output()
            .unwrap(),
    );
    assert!(again.contains("index build"), "{again}");
    // The global --data-dir was the benchmark's directory.
    assert!(tmp.path().join("bench/kohtaanto.db").is_file());
    assert!(!tmp.path().join("kohtaanto-bench").exists());
    assert!(!tmp.path().join("kohtaanto-data").exists());

    // `--json` without a file: the figures on stdout instead of the table.
    let figures = stdout(
        &kohtaanto(tmp.path())
            .args(["--data-dir", "bench", "bench", "--json"])
            .args(["--profiles", "300", "--vacancies", "60", "--queries", "2"])
            .args(["--concurrency", "1", "--http-seconds", "0.2", "--no-batch"])
            .env_remove("KOHTAANTO_BENCH_BASELINE_URL")
            .output()
            .unwrap(),
    );
    let figures: serde_json::Value = serde_json::from_str(&figures).unwrap();
    assert_eq!(figures["index"]["documents"], 360, "{figures}");
}

/// The soak harness end to end on a tiny population for a few seconds: the
/// server answers every request of the mix — rankings, search, profile
/// views and write cycles — without an error, and each minute reports its
/// memory.
#[test]
fn bench_soak_runs_mixed_load_without_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let out = kohtaanto(tmp.path())
        .args(["--data-dir", "soak", "bench", "soak", "0.1", "--json"])
        .args(["--profiles", "400", "--vacancies", "60", "--rate", "40"])
        .args(["--workers", "4", "--warmup", "0"])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let requests = report["requests"].as_u64().unwrap();
    assert_eq!(requests, 240, "{report}");
    assert_eq!(report["errors"], 0, "{report}");
    assert!(report["writes"].as_u64().unwrap() > 20, "{report}");
    let minutes = report["minutes"].as_array().unwrap();
    assert_eq!(minutes.len(), 1, "{report}");
    assert_eq!(minutes[0]["requests"], requests);
    assert!(minutes[0]["rss_mb"].as_f64().unwrap() > 0.0, "{report}");
    assert!(report["latency"]["p99_ms"].as_f64().unwrap() > 0.0);

    // Every write cycle was closed: a second run reuses the population.
    let again = kohtaanto(tmp.path())
        .args(["--data-dir", "soak", "bench", "soak", "0.02", "--json"])
        .args(["--profiles", "400", "--vacancies", "60", "--rate", "20"])
        .args(["--warmup", "0"])
        .output()
        .unwrap();
    let again: serde_json::Value = serde_json::from_str(&stdout(&again)).unwrap();
    assert_eq!(again["errors"], 0, "{again}");
    assert_eq!(again["profiles"], report["profiles"], "{again}");
    assert_eq!(again["vacancies"], report["vacancies"], "{again}");

    let refused = kohtaanto(tmp.path())
        .args(["--data-dir", "soak", "bench", "soak", "0"])
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(2), "{refused:?}");
}

/// `kohtaanto …` in `dir` with `KOHTAANTO_DATA_DIR` and `./kohtaanto.toml`
/// both naming other directories, so that a command which ignored
/// `--data-dir` would show up as one of those directories appearing.
fn with_decoys(dir: &Path) -> impl Fn(&[&str]) -> Output + '_ {
    std::fs::write(dir.join("kohtaanto.toml"), "data_dir = \"from-file\"\n").unwrap();
    move |args: &[&str]| {
        let output = kohtaanto(dir)
            .env("KOHTAANTO_DATA_DIR", "from-env")
            .args(args)
            .output()
            .unwrap();
        for decoy in ["from-env", "from-file", "kohtaanto-data"] {
            assert!(
                !dir.join(decoy).exists(),
                "{args:?} used {decoy}: {}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
        output
    }
}

/// The one JSON document a successful `--json` command printed.
fn json_of(output: &Output) -> serde_json::Value {
    let out = stdout(output);
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: not JSON: {out}"))
}

/// Start a server command with `--json` and read its JSON lines up to the
/// one with the listening address; the child is killed on drop.
struct JsonServer {
    child: std::process::Child,
    lines: Vec<serde_json::Value>,
}

impl JsonServer {
    fn start(mut command: std::process::Command) -> JsonServer {
        use std::io::BufRead;
        let mut child = command
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let out = std::io::BufReader::new(child.stdout.take().unwrap());
        let mut lines = Vec::new();
        for line in out.lines() {
            let line = line.unwrap();
            let value: serde_json::Value = serde_json::from_str(&line)
                .unwrap_or_else(|e| panic!("{e}: not a JSON line: {line}"));
            let listening = value.get("listening").is_some();
            lines.push(value);
            if listening {
                return JsonServer { child, lines };
            }
        }
        let _ = child.kill();
        let _ = child.wait();
        panic!("the server ended before listening: {lines:?}");
    }

    fn port(&self) -> u16 {
        let port = self.lines.last().unwrap()["port"].as_u64().unwrap();
        u16::try_from(port).unwrap()
    }
}

impl Drop for JsonServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Every command (its cheapest form; `bench` in its own test) takes the
/// global `--data-dir`, before or after the command's own arguments, over
/// `KOHTAANTO_DATA_DIR` and the configuration file; and its `--json`
/// output parses.
#[test]
fn every_command_uses_the_global_data_dir_and_prints_json() {
    let tmp = tempfile::tempdir().unwrap();
    let run = with_decoys(tmp.path());
    let json = |args: &[&str]| {
        let mut all = args.to_vec();
        all.extend(["--json", "--data-dir", "d"]);
        json_of(&run(&all))
    };
    let fixtures = fixtures_dir();
    let path = |sub: &str| fixtures.join(sub).display().to_string();

    let migrated = json(&["migrate"]);
    assert!(
        migrated["database"]
            .as_str()
            .unwrap()
            .ends_with("d/kohtaanto.db"),
        "{migrated}"
    );
    assert!(tmp.path().join("d/kohtaanto.db").is_file());
    let geo = json(&["import", "geography", &path("geo")]);
    assert_eq!(geo["municipalities"], 308, "{geo}");
    let industries = json(&["import", "industries", &path("classifications")]);
    assert!(
        industries["industries"].as_u64().unwrap() > 0,
        "{industries}"
    );
    let taxonomy = json(&["import", "taxonomy", &path("esco")]);
    assert!(
        taxonomy["occupations"].as_u64().unwrap() >= 3000,
        "{taxonomy}"
    );
    let generated = json(&["generate", "--profiles", "60", "--vacancies", "20"]);
    assert_eq!(generated["profiles"], 60, "{generated}");

    // The flag may also come first.
    let org = json_of(&run(&[
        "--data-dir",
        "d",
        "org",
        "add",
        "--kind",
        "employment_office",
        "--name",
        "Kainuun TE-toimisto",
        "--json",
    ]));
    let org_id = org["id"].as_i64().unwrap().to_string();
    let orgs = json(&["org", "list"]);
    assert!(
        orgs.as_array()
            .unwrap()
            .iter()
            .any(|o| o["id"] == org["id"]),
        "{orgs}"
    );
    let token = json(&["token", "issue", "--org", &org_id, "--role", "adviser"]);
    assert!(
        token["secret"].as_str().unwrap().starts_with("koh_"),
        "{token}"
    );
    let token_id = token["id"].as_i64().unwrap().to_string();
    assert_eq!(
        json(&["token", "revoke", &token_id])["revoked"],
        token["id"]
    );

    let rebuilt = json(&["index", "rebuild"]);
    assert_eq!(rebuilt["rebuild"]["profiles"], 60, "{rebuilt}");
    assert!(tmp.path().join("d/index").is_dir());
    assert_eq!(json(&["index", "sync"])["entries"], 0);
    assert_eq!(json(&["index", "check"])["drift"], false);
    assert!(json(&["index", "purge"]).is_object());

    let scope = ["--scope", "nationwide", "--limit", "3"];
    let candidates = json(&[&["match", "candidates", "1"][..], &scope].concat());
    assert_eq!(candidates["results"].as_array().unwrap().len(), 3);
    let vacancies = json(&[&["match", "vacancies", "1"][..], &scope].concat());
    assert!(!vacancies["results"].as_array().unwrap().is_empty());

    let cohort = json(&[
        "cohort",
        "create",
        "--org",
        &org_id,
        "--name",
        "Tehdas",
        "--employer",
        "Tehdas Oy",
        "--profiles",
        "1,2,3",
    ]);
    let cohort_id = cohort["id"].as_i64().unwrap().to_string();
    let assigned = json(&["cohort", "assign", &cohort_id, "--org", &org_id]);
    assert_eq!(assigned["members"], 3, "{assigned}");

    let picture = json(&["picture"]);
    assert!(picture["total"]["open_positions"].as_u64().unwrap() > 0);
    let coded = json(&["taxonomy", "occupations", "kokki", "--lang", "fi"]);
    assert_eq!(coded[0]["labels"]["fi"], "kokki", "{coded}");
    assert_eq!(
        json(&["audit", "verify"])["broken_at"],
        serde_json::Value::Null
    );
    let counts = json(&["stats"]);
    assert_eq!(counts["profiles"], 60, "{counts}");
    assert_eq!(counts["municipalities"], 308, "{counts}");
    // Storage limitation: a dry run lists, the real run makes inactive.
    let dry = json(&["profiles", "expire", "--dry-run", "--months", "1"]);
    assert_eq!(dry["dry_run"], true, "{dry}");
    assert_eq!(dry["made_inactive"], 0, "{dry}");
    let due = dry["due"].as_array().unwrap().len();
    let expired = json(&["profiles", "expire", "--months", "1"]);
    assert_eq!(expired["made_inactive"], due, "{expired}");
    assert_eq!(
        json(&["profiles", "expire", "--dry-run", "--months", "1"])["due"],
        serde_json::json!([])
    );
    assert_eq!(json(&["profiles", "expire"])["retention_months"], 24);

    // The servers: `serve` as people read it, `demo` as JSON lines.
    let mut serve = kohtaanto(tmp.path());
    serve.env("KOHTAANTO_DATA_DIR", "from-env").args([
        "serve",
        "--bind",
        "127.0.0.1:0",
        "--data-dir",
        "d",
    ]);
    let server = Server::start(serve);
    assert_eq!(get(server.port, "/readyz").status, 200);
    drop(server);
    let mut demo = kohtaanto(tmp.path());
    demo.env("KOHTAANTO_DATA_DIR", "from-env").args([
        "--data-dir",
        "d",
        "demo",
        "--bind",
        "127.0.0.1:0",
        "--json",
    ]);
    let server = JsonServer::start(demo);
    let tokens = &server.lines[0];
    assert!(
        tokens["token_file"]
            .as_str()
            .unwrap()
            .ends_with("d/demo-tokens.json"),
        "{tokens}"
    );
    assert_eq!(tokens["tokens"].as_object().unwrap().len(), Role::ALL.len());
    assert!(tmp.path().join("d/demo-tokens.json").is_file());
    assert_eq!(get(server.port(), "/healthz").status, 200);
    drop(server);
    // Nothing went to the decoys (checked after every command above).
    run(&["stats", "--data-dir", "d"]);
}

/// `--config FILE` names the data directory; `--data-dir` overrides the
/// file and the environment alike.
#[test]
fn config_flag_and_its_data_dir_are_used_and_the_flag_wins() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir(tmp.path().join("etc")).unwrap();
    std::fs::write(
        tmp.path().join("etc/k.toml"),
        "data_dir = \"from-config\"\nlog = \"warn\"\n",
    )
    .unwrap();
    let run = |args: &[&str]| kohtaanto(tmp.path()).args(args).output().unwrap();
    let org = json_of(&run(&[
        "org",
        "add",
        "--kind",
        "agency",
        "--name",
        "Rekry Oy",
        "--config",
        "etc/k.toml",
        "--json",
    ]));
    assert!(tmp.path().join("from-config/kohtaanto.db").is_file());
    let counts = json_of(&run(&["--config", "etc/k.toml", "stats", "--json"]));
    assert_eq!(counts["organizations"], 1, "{counts}");
    let listed = json_of(&run(&["org", "list", "--json", "--config", "etc/k.toml"]));
    assert_eq!(listed[0]["name"], org["name"]);

    // The flag beats the file, and the environment (which beats the file).
    let out = kohtaanto(tmp.path())
        .env("KOHTAANTO_DATA_DIR", "from-env")
        .args([
            "stats",
            "--json",
            "--config",
            "etc/k.toml",
            "--data-dir",
            "flag",
        ])
        .output()
        .unwrap();
    assert_eq!(json_of(&out)["organizations"], 0);
    assert!(tmp.path().join("flag/kohtaanto.db").is_file());
    assert!(!tmp.path().join("from-env").exists());

    // A missing configuration file is an error naming it.
    let out = run(&["stats", "--config", "etc/none.toml"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("etc/none.toml"));
}

/// 0 ok; 1 error, one line on stderr; 2 a check that found a problem
/// (report on stdout, nothing on stderr) or a command line clap refuses.
#[test]
fn exit_codes_are_0_ok_1_error_2_check_failed_or_usage() {
    use diesel::RunQueryDsl;
    let tmp = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        kohtaanto(tmp.path())
            .args(args)
            .args(["--data-dir", "d"])
            .output()
            .unwrap()
    };
    let code = |out: &Output| out.status.code();
    for args in [
        &["generate", "--profiles", "20", "--vacancies", "5"][..],
        &["index", "rebuild"],
        &["index", "check"],
        &["audit", "verify"],
        &["--help"],
        &["stats", "--help"],
        &["import", "profiles", "--help"],
        &["outreach", "import-campaign", "--help"],
        &["outreach", "progress", "--help"],
        &["bench", "import", "--help"],
        &["bench", "soak", "--help"],
        &["backup", "--help"],
        &["picture", "snapshot", "--help"],
        &["--version"],
    ] {
        let out = run(args);
        assert_eq!(code(&out), Some(0), "{args:?}: {out:?}");
    }

    // Drift: written after the index was built, not yet applied.
    run(&[
        "generate",
        "--profiles",
        "2",
        "--vacancies",
        "1",
        "--seed",
        "9",
    ]);
    let drift = run(&["index", "check", "--json"]);
    assert_eq!(code(&drift), Some(2), "{drift:?}");
    assert!(drift.stderr.is_empty(), "{drift:?}");
    let report: serde_json::Value = serde_json::from_slice(&drift.stdout).unwrap();
    assert_eq!(report["drift"], true, "{report}");
    assert_eq!(code(&run(&["index", "check"])), Some(2));
    assert_eq!(code(&run(&["index", "sync"])), Some(0));
    assert_eq!(code(&run(&["index", "check"])), Some(0));

    // A broken audit chain: an event edited after it was written.
    let store = Store::open(&tmp.path().join("d/kohtaanto.db").display().to_string()).unwrap();
    store
        .write(|c| {
            for subject in ["1", "2"] {
                indexer::store::audit::append(
                    c,
                    &indexer::store::audit::NewEvent {
                        org_id: None,
                        token_id: None,
                        role: Some("adviser"),
                        action: "profile.view",
                        subject_kind: "profile",
                        subject_id: subject.to_owned(),
                        reason: None,
                        request_id: "r-test",
                    },
                )?;
            }
            Ok(())
        })
        .unwrap();
    assert_eq!(code(&run(&["audit", "verify"])), Some(0));
    store
        .write(|c| {
            diesel::sql_query("UPDATE audit_events SET subject_id = 'x' WHERE subject_id = '1'")
                .execute(c)?;
            Ok(())
        })
        .unwrap();
    let broken = run(&["audit", "verify", "--json"]);
    assert_eq!(code(&broken), Some(2), "{broken:?}");
    assert!(broken.stderr.is_empty(), "{broken:?}");
    let report: serde_json::Value = serde_json::from_slice(&broken.stdout).unwrap();
    assert!(report["broken_at"].is_i64(), "{report}");
    let text = stdout_of_failure(&run(&["audit", "verify"]));
    assert!(text.starts_with("audit chain broken at event"), "{text}");

    // Errors: exit 1 and one line on stderr.
    for args in [
        &["match", "candidates", "999999"][..],
        &["import", "geography", "/no/such/dir"],
        &["taxonomy", "eval", "/no/such/file.tsv"],
    ] {
        let out = run(args);
        assert_eq!(code(&out), Some(1), "{args:?}: {out:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.starts_with("error: ") && err.lines().count() == 1,
            "{err}"
        );
    }

    // Usage errors: clap's exit code 2, with the usage on stderr.
    for args in [
        &["stats", "--no-such-flag"][..],
        &["no-such-command"],
        &["picture", "--level", "7"],
        &["picture", "--by", "planet"],
        &["cohort", "assign", "1", "--org", "1", "--scope", "galaxy"],
        &["match", "candidates", "not-a-number"],
    ] {
        let out = run(args);
        assert_eq!(code(&out), Some(2), "{args:?}: {out:?}");
        assert!(out.stdout.is_empty(), "{args:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("--help"),
            "{args:?}: {out:?}"
        );
    }
    let bare = kohtaanto(tmp.path()).output().unwrap();
    assert_eq!(code(&bare), Some(2));
}

/// What a command that exited non-zero printed on stdout.
fn stdout_of_failure(output: &Output) -> String {
    assert!(!output.status.success(), "{output:?}");
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// `kohtaanto --help` lists every command once, under the people who use
/// it, and says what the exit codes mean.
#[test]
fn help_groups_the_commands_by_who_uses_them() {
    let tmp = tempfile::tempdir().unwrap();
    let help = stdout(&kohtaanto(tmp.path()).arg("--help").output().unwrap());
    let groups = [
        (
            "Operators",
            &[
                "demo", "serve", "migrate", "import", "generate", "org", "token", "index", "audit",
                "stats", "bench",
            ][..],
        ),
        ("Advisers", &["match", "cohort", "outreach", "taxonomy"]),
        ("Analysts", &["picture", "evaluate"]),
    ];
    let heading = |name: &str| {
        help.lines()
            .position(|l| l.starts_with(name) && l.ends_with(':'))
            .unwrap_or_else(|| panic!("no {name} heading: {help}"))
    };
    let lines: Vec<&str> = help.lines().collect();
    for (n, (group, commands)) in groups.iter().enumerate() {
        let start = heading(group);
        let end = groups
            .get(n + 1)
            .map_or_else(|| heading("Options"), |(next, _)| heading(next));
        assert!(start < end, "{help}");
        for command in *commands {
            let listed: Vec<usize> = lines
                .iter()
                .enumerate()
                .filter(|(_, l)| l.starts_with(&format!("  {command} ")))
                .map(|(i, _)| i)
                .collect();
            assert_eq!(listed.len(), 1, "{command} listed {listed:?}: {help}");
            assert!(
                (start..end).contains(&listed[0]),
                "{command} not under {group}: {help}"
            );
        }
    }
    assert!(!help.contains("Other commands"), "{help}");
    assert!(
        help.contains("--data-dir") && help.contains("--config"),
        "{help}"
    );
    assert!(help.contains("Exit codes: 0 ok; 1 error"), "{help}");
}

/// `evaluate outcomes` on an empty store says there is nothing yet; on a
/// generated store with its history it finds every hire in the ranking it
/// was introduced from.
#[test]
fn evaluate_outcomes_on_a_generated_history() {
    let tmp = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        kohtaanto(tmp.path())
            .args(args)
            .args(["--data-dir", "d"])
            .output()
            .unwrap()
    };
    let empty = stdout(&run(&["evaluate", "outcomes"]));
    assert!(empty.contains("no hires from introductions"), "{empty}");

    let generated = json_of(&run(&[
        "generate",
        "--profiles",
        "300",
        "--vacancies",
        "48",
        "--seed",
        "3",
        "--json",
    ]));
    let hired = generated["history"]["hired"].as_u64().unwrap();
    assert!(hired > 0, "{generated}");
    // A quarter of the 48 vacancies are sampled; one without candidates
    // to rank has no history.
    let rankings = generated["history"]["rankings"].as_u64().unwrap();
    assert!((1..=12).contains(&rankings), "{generated}");

    let e = json_of(&run(&["evaluate", "outcomes", "--json"]));
    assert_eq!(e["overall"]["hires"].as_u64(), Some(hired), "{e}");
    assert_eq!(e["overall"]["with_ranking"].as_u64(), Some(hired), "{e}");
    assert_eq!(e["overall"]["hit_at_20"].as_f64(), Some(1.0), "{e}");
    let mrr = e["overall"]["mrr"].as_f64().unwrap();
    assert!(mrr > 0.0 && mrr <= 1.0, "{e}");
    let regions: u64 = e["by_region"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["hires"].as_u64().unwrap())
        .sum();
    assert_eq!(regions, hired, "{e}");
    assert_eq!(e["comparison"]["predecessor"], serde_json::Value::Null);

    let text = stdout(&run(&["evaluate", "outcomes"]));
    assert!(
        text.contains(&format!("{hired} hires from introductions")) && text.contains("hit@5"),
        "{text}"
    );
    // No hire is in the future.
    let later = json_of(&run(&[
        "evaluate",
        "outcomes",
        "--since",
        "2999-01-01",
        "--json",
    ]));
    assert_eq!(later["overall"]["hires"], 0, "{later}");
}
