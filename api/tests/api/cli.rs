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
    assert_eq!(counts["vacancies"], 60);
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
    let out = stdout(&run(&[
        "org", "add", "--kind", "employer", "--name", "Rekry Oy",
    ]));
    let org = out.split_whitespace().nth(1).unwrap().to_owned();
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
}
