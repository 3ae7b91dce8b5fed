//! The contract, tried from outside: a live `kohtaanto demo` serves its
//! OpenAPI document, an OpenAPI 3.1 validator from PyPI reads it, and
//! schemathesis (PyPI) runs every phase against it once per role — with
//! the bounds, seed and checks of `api/tests/schemathesis/schemathesis.toml`.
//! Any failure or 5xx fails the test.
//!
//! Both tools come from a Python virtual environment named by
//! `KOHTAANTO_SCHEMATHESIS_VENV` (`.ci/run` makes it). Without one the test
//! says so and passes, unless `KOHTAANTO_CONTRACT_TESTS=required`.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::{demo_command, Server};

const ROLES: [&str; 5] = ["adviser", "recruiter", "employer", "analyst", "admin"];

fn venv() -> Option<PathBuf> {
    let dir = std::env::var_os("KOHTAANTO_SCHEMATHESIS_VENV").map(PathBuf::from);
    let usable = dir
        .as_ref()
        .is_some_and(|d| d.join("bin/schemathesis").is_file() && d.join("bin/python").is_file());
    if usable {
        return dir;
    }
    let required = std::env::var("KOHTAANTO_CONTRACT_TESTS").is_ok_and(|v| v == "required");
    assert!(
        !required,
        "KOHTAANTO_CONTRACT_TESTS=required but KOHTAANTO_SCHEMATHESIS_VENV ({dir:?}) has no \
         bin/schemathesis: python3 -m venv V && V/bin/pip install schemathesis openapi-spec-validator"
    );
    eprintln!("contract tests skipped: set KOHTAANTO_SCHEMATHESIS_VENV (see .ci/run)");
    None
}

/// Runs the schemathesis entry script given as the first argument with a
/// recursion limit deep enough for its coverage phase.
const LAUNCH: &str = "import runpy, sys\n\
                      sys.setrecursionlimit(20000)\n\
                      entry = sys.argv.pop(1)\n\
                      sys.argv[0] = entry\n\
                      runpy.run_path(entry, run_name='__main__')";

fn config_file() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/schemathesis/schemathesis.toml")
}

#[test]
fn schemathesis_finds_nothing_for_any_role() {
    let Some(venv) = venv() else { return };
    let dir = tempfile::tempdir().unwrap();
    let server = Server::start(demo_command(dir.path(), 600, 120));
    let base = format!("http://127.0.0.1:{}", server.port);
    let tokens: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("data/demo-tokens.json")).unwrap(),
    )
    .unwrap();

    // The document is OpenAPI 3.1 by a validator that is not ours.
    let document = reqwest::blocking::get(format!("{base}/openapi.json"))
        .unwrap()
        .text()
        .unwrap();
    let path = dir.path().join("openapi.json");
    std::fs::write(&path, &document).unwrap();
    let validated = Command::new(venv.join("bin/python"))
        .args([
            "-c",
            "import json, sys\n\
             from openapi_spec_validator import validate\n\
             doc = json.load(open(sys.argv[1]))\n\
             assert doc['openapi'].startswith('3.1'), doc['openapi']\n\
             validate(doc)\n\
             print('valid OpenAPI', doc['openapi'])",
        ])
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        validated.status.success(),
        "openapi-spec-validator: {}{}",
        String::from_utf8_lossy(&validated.stdout),
        String::from_utf8_lossy(&validated.stderr)
    );

    let mut failed = Vec::new();
    for role in ROLES {
        let token = tokens[role].as_str().unwrap();
        let run = || {
            // Through the venv's Python with a deeper recursion limit:
            // hypothesis reads the source of schemathesis' large modules
            // with `ast` deep inside the coverage phase, and CPython 3.11
            // then fails with "AST constructor recursion depth mismatch".
            Command::new(venv.join("bin/python"))
                .args(["-c", LAUNCH])
                .arg(venv.join("bin/schemathesis"))
                .arg("--config-file")
                .arg(config_file())
                .args(["run", &format!("{base}/openapi.json")])
                .args(["--header", &format!("Authorization: Bearer {token}")])
                .args(["--checks", "all", "--no-color"])
                .output()
                .unwrap()
        };
        let mut output = run();
        let mut text = String::from_utf8_lossy(&output.stdout).into_owned();
        // An error inside the tool itself is not a finding about the API:
        // such a run is repeated, twice at most. A failure, any check that
        // found something, is never repeated.
        for _ in 0..2 {
            if output.status.success() || text.contains("Failures:") || !text.contains("Errors:") {
                break;
            }
            eprintln!("schemathesis as {role}: the tool erred, not a check; running it again");
            output = run();
            text = String::from_utf8_lossy(&output.stdout).into_owned();
        }
        let summary = text.lines().last().unwrap_or("").trim_matches('=').trim();
        eprintln!("schemathesis as {role}: {summary}");
        if !output.status.success() {
            failed.push(format!(
                "--- {role} ---\n{text}\n{}",
                String::from_utf8_lossy(&output.stderr)
            ));
        }
    }
    assert!(
        failed.is_empty(),
        "schemathesis failed:\n{}",
        failed.join("\n")
    );
    drop(server);
}
