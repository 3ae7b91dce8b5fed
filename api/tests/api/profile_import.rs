//! `kohtaanto import profiles`: a customer system's file of jobseekers
//! read as CSV (names in Finnish, Swedish or English) or JSON Lines,
//! applied in one transaction or not at all, updated by external id on the
//! next import, and found by `index sync` through the outbox.

use std::path::Path;
use std::process::Output;

use indexer::store::{audit, external_profiles, orgs, profiles, Store};
use indexer::testkit::TestDb;
use matcher::domain::{LanguageLevel, OrgKind, ProfileId, Relocation, SkillRef};
use serde_json::Value;

use crate::support::kohtaanto;

const OCC: &str = "http://data.europa.eu/esco/occupation/";
const SKILL: &str = "http://data.europa.eu/esco/skill/";
const COOK: &str = "90f75f67-495d-49fa-ab57-2f320e251d7e";
const KITCHEN_ASSISTANT: &str = "e1cf6897-158d-4b48-a39e-2a3a8cac216c";
const CHEF: &str = "1009be17-7efd-45f1-a033-566bf179c588";
const WAITER: &str = "d5db9d5c-2ebf-4a54-a79a-1b7e7ff70471";
const SOFTWARE_DEVELOPER: &str = "f2b15a0e-e65a-438a-affb-29b9d50b77d1";
const CUSTOMER_SERVICE: &str = "15a33d76-4640-438d-ae64-fdc0c1d3eebc";
const COOKING_TECHNIQUES: &str = "f3934441-4bff-4076-9945-e6c51a01c467";
const PYTHON: &str = "ccd0a1d9-afda-43d9-b901-96344886e14d";
const SQL: &str = "598de5b0-5b58-4ea7-8058-a4bc4d18c742";

/// Three jobseekers as a customer system exports them: occupations and
/// skills by Finnish, Swedish and English labels (preferred and
/// alternative, any case) or URI, homes by name, one skill ESCO lacks.
fn customers(first_skills: &str, extra: &str) -> String {
    format!(
        "source,source_id,full_name,email,home_municipality,abroad_country,relocation_regions,\
desired_occupations,work_history,skills,languages,licences,education_level,education_field,\
consent_agencies,available_from,last_active_at\n\
ura,A-1,Aino Virtanen,aino@example.fi,Tampere,,,kokki;KEITTIÖAVUSTAJA,\"kokki|3,5;|Tarjoilija, kesätyö|0.5\",\
{first_skills},fi:native;sv:B1;en:b2,B;ce,3,Palvelualat,true,4.12.2026,2026-11-30T08:00:00Z\n\
ura,A-2,Bo Ekström,,Jakobstad,,Pirkanmaa;Uusimaa,kock;Waiter,,kundservice;{SKILL}{PYTHON},\
sv:native;fi:b1,,,,,,\n\
ura,A-3,Chris Smith,,,se,,software developer,software developer|4,\
Python (computer programming);SQL,en:c2,,,,false,,\n{extra}"
    )
}

/// A store with the shipped reference data and two employment offices.
fn offices(store: &Store) -> (i64, i64) {
    indexer::generate::ensure_reference_data(store, &indexer::sources::fixtures_dir()).unwrap();
    let office = |name: &str| {
        store
            .write(|c| orgs::create_org(c, OrgKind::EmploymentOffice, name, None, Some("837")))
            .unwrap()
            .id
            .0
    };
    (
        office("Pirkanmaan työllisyysalue"),
        office("Oulun työllisyysalue"),
    )
}

/// `kohtaanto import profiles FILE --office OFFICE ARGS` on the test store.
fn import(db: &TestDb, dir: &Path, file: &str, office: i64, args: &[&str]) -> Output {
    kohtaanto(dir)
        .env("KOHTAANTO_DATABASE_URL", &db.url)
        .env("KOHTAANTO_DATA_DIR", "data")
        .args(["import", "profiles", file, "--office", &office.to_string()])
        .args(args)
        .output()
        .unwrap()
}

/// The JSON report of a run that exited with `code`.
fn report(output: &Output, code: i32) -> Value {
    assert_eq!(
        output.status.code(),
        Some(code),
        "stdout: {}\nstderr: {}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&output.stdout)))
}

fn imported(store: &Store, source_id: &str) -> matcher::domain::JobseekerProfile {
    store
        .read(|c| external_profiles::find_profile_by_source(c, "ura", source_id))
        .unwrap()
        .unwrap_or_else(|| panic!("{source_id} not stored"))
}

fn count(store: &Store) -> i64 {
    store.read(profiles::count_profiles).unwrap()
}

/// A dry run writes nothing; the import creates every row with its names
/// resolved, in one audit event; importing again updates the same
/// profiles (version + 1, children replaced, no duplicates) and creates
/// only the new row; `index sync` finds them all through the outbox.
fn csv_creates_then_updates_by_external_id(db: TestDb) {
    let tmp = tempfile::tempdir().unwrap();
    let (office, _) = offices(&db.store);
    let file = tmp.path().join("asiakkaat.csv");
    std::fs::write(
        &file,
        customers("asiakaspalvelu;use cooking techniques;Excel-taulukot", ""),
    )
    .unwrap();
    let file = file.display().to_string();

    let dry = report(
        &import(&db, tmp.path(), &file, office, &["--dry-run", "--json"]),
        0,
    );
    assert_eq!(
        (&dry["rows"], &dry["created"], &dry["updated"]),
        (&Value::from(3), &Value::from(3), &Value::from(0)),
        "{dry}"
    );
    assert_eq!(
        (&dry["applied"], &dry["dry_run"]),
        (&Value::Bool(false), &Value::Bool(true))
    );
    assert_eq!(count(&db.store), 0);

    let first = report(&import(&db, tmp.path(), &file, office, &["--json"]), 0);
    assert_eq!(first["errors"], Value::Array(vec![]), "{first}");
    assert_eq!(
        (&first["created"], &first["applied"]),
        (&Value::from(3), &Value::Bool(true))
    );
    let warnings = first["warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), 1, "{first}");
    assert_eq!(
        (&warnings[0]["line"], &warnings[0]["field"]),
        (&Value::from(2), &Value::from("skills"))
    );

    let aino = imported(&db.store, "A-1");
    let d = &aino.draft;
    assert_eq!(aino.source.as_deref(), Some("ura"));
    assert_eq!(d.managing_org.0, office);
    assert_eq!(d.contact.full_name, "Aino Virtanen");
    assert_eq!(d.home_municipality_code.as_deref(), Some("837"));
    assert_eq!(
        d.desired_occupations,
        [format!("{OCC}{COOK}"), format!("{OCC}{KITCHEN_ASSISTANT}")]
    );
    assert_eq!(d.work_history.len(), 2);
    assert_eq!(
        d.work_history[0].occupation_uri.as_deref(),
        Some(format!("{OCC}{COOK}").as_str())
    );
    assert_eq!(
        (d.work_history[0].title.as_str(), d.work_history[0].years),
        ("kokki", 3.5)
    );
    assert_eq!(d.work_history[1].occupation_uri, None);
    assert_eq!(d.work_history[1].title, "Tarjoilija, kesätyö");
    assert_eq!(
        d.skills,
        [
            SkillRef {
                uri: Some(format!("{SKILL}{CUSTOMER_SERVICE}")),
                label: "asiakaspalvelu".into()
            },
            SkillRef {
                uri: Some(format!("{SKILL}{COOKING_TECHNIQUES}")),
                label: "use cooking techniques".into()
            },
            SkillRef {
                uri: None,
                label: "Excel-taulukot".into()
            },
        ]
    );
    let levels: Vec<(&str, LanguageLevel)> = d
        .languages
        .iter()
        .map(|l| (l.language.as_str(), l.level))
        .collect();
    assert_eq!(
        levels,
        [
            ("en", LanguageLevel::B2),
            ("fi", LanguageLevel::Native),
            ("sv", LanguageLevel::B1)
        ]
    );
    assert_eq!(d.licences, ["B", "CE"]);
    assert_eq!(
        (d.education_level, d.education_field.as_deref()),
        (Some(3), Some("10"))
    );
    assert!(d.consent_agencies);
    assert_eq!(d.available_from.unwrap().to_string(), "2026-12-04");
    assert_eq!(d.last_active_at.to_string(), "2026-11-30 08:00:00");
    assert_eq!(d.max_commute_km, 30);

    let bo = imported(&db.store, "A-2").draft;
    assert_eq!(bo.home_municipality_code.as_deref(), Some("598"));
    assert_eq!(
        (bo.relocation, bo.relocation_regions.clone()),
        (Relocation::Regions, vec!["01".to_owned(), "06".to_owned()])
    );
    assert_eq!(
        bo.desired_occupations,
        [format!("{OCC}{CHEF}"), format!("{OCC}{WAITER}")]
    );
    assert_eq!(
        bo.skills[1].uri.as_deref(),
        Some(format!("{SKILL}{PYTHON}").as_str())
    );
    assert_eq!(bo.skills[1].label, "Python (tietokoneohjelmointi)");
    let chris = imported(&db.store, "A-3").draft;
    assert_eq!(
        (
            chris.home_municipality_code,
            chris.abroad_country.as_deref()
        ),
        (None, Some("SE"))
    );
    assert_eq!(
        chris.desired_occupations,
        [format!("{OCC}{SOFTWARE_DEVELOPER}")]
    );
    assert_eq!(chris.work_history[0].title, "software developer");

    // One audit event for the import: counts, no names.
    let events = db.store.read(|c| audit::list(c, 0, 100)).unwrap();
    let imports: Vec<_> = events
        .iter()
        .filter(|e| e.action == "profile.import")
        .collect();
    assert_eq!(imports.len(), 1, "{events:?}");
    let reason = imports[0].reason.clone().unwrap();
    assert!(reason.contains("3 created"), "{reason}");
    assert!(
        !reason.contains("Aino") && !reason.contains("A-1"),
        "{reason}"
    );

    // Again, with A-1's skills changed and a fourth jobseeker.
    let ids: Vec<ProfileId> = ["A-1", "A-2", "A-3"]
        .map(|s| imported(&db.store, s).id)
        .to_vec();
    std::fs::write(
        &file,
        customers("SQL", "ura,A-4,Dan Uusi,,Oulu,,,,,,,,,,,,\n"),
    )
    .unwrap();
    let again = report(&import(&db, tmp.path(), &file, office, &["--json"]), 0);
    assert_eq!(
        (&again["created"], &again["updated"]),
        (&Value::from(1), &Value::from(3)),
        "{again}"
    );
    assert_eq!(count(&db.store), 4);
    for (source_id, id) in ["A-1", "A-2", "A-3"].iter().zip(&ids) {
        let p = imported(&db.store, source_id);
        assert_eq!((p.id, p.version), (*id, 2), "{source_id}");
    }
    let aino = imported(&db.store, "A-1");
    assert_eq!(aino.pseudonym, imported(&db.store, "A-1").pseudonym);
    assert_eq!(
        aino.draft.skills,
        [SkillRef {
            uri: Some(format!("{SKILL}{SQL}")),
            label: "SQL".into()
        }]
    );

    // The outbox carried every change: the index holds the four profiles
    // at their versions.
    let index = |args: &[&str]| {
        let out = kohtaanto(tmp.path())
            .env("KOHTAANTO_DATABASE_URL", &db.url)
            .env("KOHTAANTO_DATA_DIR", "data")
            .args(args)
            .output()
            .unwrap();
        report(&out, 0)
    };
    index(&["index", "sync", "--json"]);
    let check = index(&["index", "check", "--json"]);
    assert_eq!(check["drift"], Value::Bool(false), "{check}");
    assert_eq!(
        (&check["profiles"]["store"], &check["profiles"]["index"]),
        (&Value::from(4), &Value::from(4))
    );
}

on_every_backend!(csv_creates_then_updates_by_external_id);

/// A file with bad rows: every bad line and field is reported (text by
/// default, JSON with --json), the exit code is 1 and nothing is stored.
fn bad_rows_are_all_reported_and_nothing_is_stored(db: TestDb) {
    let tmp = tempfile::tempdir().unwrap();
    let (office, _) = offices(&db.store);
    let file = tmp.path().join("bad.csv");
    std::fs::write(
        &file,
        format!(
            "source,source_id,full_name,home_municipality,desired_occupations,skills,languages,available_from\n\
ura,B-1,Hyvä Rivi,Helsinki,kokki,,fi:native,\n\
ura,B-2,Väärä Kunta,Tampera,kokki,,,\n\
ura,B-3,Monitulkintainen,Oulu,masseuse,ratkaista ongelmia,,\n\
ura,B-4,Tuntematon,Oulu,kokkki,{SKILL}00000000-0000-0000-0000-000000000000,fi:expert,31.2.2026\n\
ura,B-1,Kaksoiskappale,Oulu,,,,\n\
ura,B-6,,Oulu,,,,\n\
ura,B-7,Ei Kotia,,,,,\n"
        ),
    )
    .unwrap();
    let file = file.display().to_string();

    let text = import(&db, tmp.path(), &file, office, &[]);
    assert_eq!(text.status.code(), Some(1));
    let out = String::from_utf8_lossy(&text.stdout);
    let err = String::from_utf8_lossy(&text.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("error: ") && err.contains("nothing was imported"),
        "{err}"
    );
    for expected in [
        "line 3, home_municipality: \"Tampera\" is not a municipality code or name",
        "line 4, desired_occupations: \"masseuse\" is ambiguous: it names massage therapist",
        "line 4, skills: \"ratkaista ongelmia\" is ambiguous",
        "line 5, desired_occupations: \"kokkki\" is not an ESCO occupation label",
        "line 5, skills: \"http://data.europa.eu/esco/skill/00000000-0000-0000-0000-000000000000\" is not an ESCO skill URI",
        "line 5, languages: \"expert\" is not a level",
        "line 5, available_from: \"31.2.2026\" is not a date",
        "line 6, source_id: \"B-1\" of source \"ura\" is also on line 2",
        "line 7, full_name: required",
        "line 8, home_municipality: required unless living abroad",
    ] {
        assert!(out.contains(expected), "missing {expected:?} in:\n{out}");
    }
    assert!(!out.contains("line 2,"), "{out}");
    assert!(out.contains("nothing imported"), "{out}");
    assert_eq!(count(&db.store), 0);

    let json = report(&import(&db, tmp.path(), &file, office, &["--json"]), 1);
    let errors = json["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 10, "{json}");
    let lines: Vec<i64> = errors.iter().map(|e| e["line"].as_i64().unwrap()).collect();
    assert_eq!(lines, [3, 4, 4, 5, 5, 5, 5, 6, 7, 8]);
    assert_eq!(errors[0]["field"], "home_municipality");
    assert_eq!(errors[0]["value"], "Tampera");
    assert_eq!(
        (&json["applied"], &json["created"]),
        (&Value::Bool(false), &Value::from(0))
    );
    assert_eq!(count(&db.store), 0);

    // A column the format does not have refuses the file at its header.
    std::fs::write(
        tmp.path().join("shoes.csv"),
        "source,source_id,full_name,shoe_size\nura,C-1,Aku,44\n",
    )
    .unwrap();
    let shoes = tmp.path().join("shoes.csv").display().to_string();
    let json = report(&import(&db, tmp.path(), &shoes, office, &["--json"]), 1);
    assert_eq!(json["errors"][0]["line"], 1, "{json}");
    assert_eq!(json["errors"][0]["field"], "shoe_size", "{json}");
    assert_eq!(count(&db.store), 0);
}

on_every_backend!(bad_rows_are_all_reported_and_nothing_is_stored);

/// JSON Lines: the API's profile body per line with its external id; a
/// line that breaks the body's rules is reported with its field; another
/// office's external ids refuse the whole file.
fn json_lines_and_another_offices_ids(db: TestDb) {
    let tmp = tempfile::tempdir().unwrap();
    let (office, other) = offices(&db.store);
    let file = tmp.path().join("asiakkaat.jsonl");
    std::fs::write(
        &file,
        format!(
            "{{\"source\": \"ura\", \"source_id\": \"K-1\", \"contact\": {{\"full_name\": \"Eero Esimerkki\", \"email\": \"eero@example.fi\"}}, \
\"home_municipality_code\": \"091\", \"max_commute_km\": 40.0, \
\"skills\": [{{\"uri\": \"{SKILL}{SQL}\", \"label\": \"SQL\"}}], \"desired_occupations\": [\"{OCC}{SOFTWARE_DEVELOPER}\"]}}\n\
\n\
{{\"source\": \"ura\", \"source_id\": \"K-2\", \"contact\": {{\"full_name\": \"Liisa Malli\"}}, \"abroad_country\": \"EE\", \
\"languages\": [{{\"language\": \"et\", \"level\": \"native\"}}]}}\n"
        ),
    )
    .unwrap();
    let file = file.display().to_string();
    let done = report(&import(&db, tmp.path(), &file, office, &["--json"]), 0);
    assert_eq!(
        (&done["rows"], &done["created"]),
        (&Value::from(2), &Value::from(2)),
        "{done}"
    );
    let eero = imported(&db.store, "K-1");
    assert_eq!(eero.draft.max_commute_km, 40);
    assert_eq!(eero.draft.home_municipality_code.as_deref(), Some("091"));
    assert_eq!(
        imported(&db.store, "K-2").draft.abroad_country.as_deref(),
        Some("EE")
    );

    // The same customers under another office: refused, nothing changed.
    let refused = report(&import(&db, tmp.path(), &file, other, &["--json"]), 1);
    let errors = refused["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 2, "{refused}");
    assert_eq!(
        (&errors[0]["line"], &errors[1]["line"]),
        (&Value::from(1), &Value::from(3))
    );
    assert!(
        errors[0]["reason"]
            .as_str()
            .unwrap()
            .contains("another office"),
        "{refused}"
    );
    let eero = imported(&db.store, "K-1");
    assert_eq!((eero.draft.managing_org.0, eero.version), (office, 1));

    let bad = tmp.path().join("bad.jsonl");
    std::fs::write(
        &bad,
        "{\"source\": \"ura\", \"source_id\": \"K-3\", \"contact\": {\"full_name\": \"A\"}, \"home_municipality_code\": \"999\"}\n\
{\"source\": \"ura\", \"source_id\": \"K-4\", \"contact\": {\"full_name\": \"B\"}, \"home_municipality_code\": \"091\", \"shoe_size\": 44, \"managing_org\": 1}\n\
{\"source\": \"ura\", \"contact\": {\"full_name\": \"C\"}, \"home_municipality_code\": \"091\", \"max_commute_km\": \"far\"}\n\
not json\n",
    )
    .unwrap();
    let bad = bad.display().to_string();
    let json = report(&import(&db, tmp.path(), &bad, office, &["--json"]), 1);
    let mut fields: Vec<(i64, &str)> = json["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["line"].as_i64().unwrap(), e["field"].as_str().unwrap()))
        .collect();
    fields.sort_unstable();
    assert_eq!(
        fields,
        [
            (1, "home_municipality_code"),
            (2, "managing_org"),
            (2, "shoe_size"),
            (3, "max_commute_km"),
            (3, "source_id"),
            (4, "line"),
        ],
        "{json}"
    );
    assert_eq!(count(&db.store), 2);
}

on_every_backend!(json_lines_and_another_offices_ids);
