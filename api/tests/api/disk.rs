//! A full disk and a read-only one, under the real `kohtaanto serve`: the
//! data directory on a small tmpfs that a filler file fills up. Writes then
//! answer 507 `storage_full` (SQLite: the store is on the full disk) or are
//! kept in the store while the index waits (PostgreSQL: only the index is
//! on it); reads go on, the process and its index sync survive, and once
//! the filler is gone writes succeed and the index catches up without
//! drift. A read-only data directory at start is one line and exit 1.
//!
//! Mounting needs root (CI runs as root). Elsewhere the tests say why they
//! skip, unless `KOHTAANTO_FAULT_TESTS=required`, when they fail instead.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use indexer::store::{orgs, Store};
use indexer::testkit::TestDb;
use matcher::domain::{OrgKind, Role};
use serde_json::{json, Value};

use crate::support::{kohtaanto, Server};

/// Space the filler leaves free: room for a few writes, not for many.
const LEFT_FREE: u64 = 192 * 1024;
/// Writes tried against the full disk before the test gives up on a 507.
const MAX_WRITES: usize = 400;

/// A tmpfs mounted on a temporary directory, unmounted on drop (also when
/// the test fails).
struct Tmpfs {
    dir: tempfile::TempDir,
}

impl Tmpfs {
    /// A tmpfs of `size` (mount's syntax: `24m`), or `None` (and why) when
    /// this process cannot mount one.
    fn mount(size: &str) -> Result<Tmpfs, String> {
        if !is_root() {
            return Err("not running as root (euid 0), cannot mount a tmpfs".into());
        }
        let dir = tempfile::tempdir().unwrap();
        let out = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(dir.path())
            .output()
            .map_err(|e| format!("cannot run mount: {e}"))?;
        if !out.status.success() {
            return Err(format!(
                "mount -t tmpfs failed: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            ));
        }
        Ok(Tmpfs { dir })
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn remount_read_only(&self) {
        let status = Command::new("mount")
            .args(["-o", "remount,ro"])
            .arg(self.path())
            .status()
            .unwrap();
        assert!(status.success(), "remount,ro failed");
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        // Lazy: a process the test failed to stop may still hold a file.
        let _ = Command::new("umount")
            .arg("-l")
            .arg(self.dir.path())
            .status();
    }
}

fn is_root() -> bool {
    // The effective uid is the second field of "Uid:".
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|l| l.strip_prefix("Uid:"))
                .and_then(|ids| ids.split_whitespace().nth(1).map(|e| e == "0"))
        })
        .unwrap_or(false)
}

/// The tmpfs, or `None` after saying why the test skips; a failure when
/// `KOHTAANTO_FAULT_TESTS=required` (CI).
fn small_filesystem(size: &str) -> Option<Tmpfs> {
    match Tmpfs::mount(size) {
        Ok(fs) => Some(fs),
        Err(why) => {
            assert!(
                std::env::var("KOHTAANTO_FAULT_TESTS").as_deref() != Ok("required"),
                "KOHTAANTO_FAULT_TESTS=required but {why}"
            );
            eprintln!("disk fault test skipped: {why}");
            None
        }
    }
}

/// Reference data and an employer and an adviser with their tokens.
fn seed(store: &Store) -> (String, String) {
    indexer::generate::ensure_reference_data(store, &indexer::sources::fixtures_dir()).unwrap();
    let token = |kind, role, name| {
        let org = store
            .write(|c| orgs::create_org(c, kind, name, None, Some("091")))
            .unwrap();
        store
            .write(|c| orgs::issue_token(c, org.id, role, name, None))
            .unwrap()
            .secret
            .expose()
            .to_owned()
    };
    (
        token(OrgKind::Employer, Role::Employer, "Levy Oy"),
        token(OrgKind::EmploymentOffice, Role::Adviser, "Levyn toimisto"),
    )
}

/// Fill the file system of `dir` up to [`LEFT_FREE`] bytes with one file.
fn fill(dir: &Path) -> PathBuf {
    let path = dir.join("filler");
    let mut file = File::create(&path).unwrap();
    let chunk = vec![0xA5u8; 1 << 20];
    let mut written = 0u64;
    loop {
        match file.write(&chunk) {
            Ok(0) => break,
            Ok(n) => written += n as u64,
            Err(e) if e.raw_os_error() == Some(28) => break, // ENOSPC
            Err(e) => panic!("filler: {e}"),
        }
    }
    file.set_len(written.saturating_sub(LEFT_FREE)).unwrap();
    file.sync_all().unwrap();
    path
}

struct Api {
    client: reqwest::blocking::Client,
    port: u16,
}

impl Api {
    fn call(
        &self,
        token: &str,
        method: &str,
        path: &str,
        body: Option<&Value>,
    ) -> (u16, String, Value) {
        let url = format!("http://127.0.0.1:{}{path}", self.port);
        let mut request = self
            .client
            .request(method.parse().unwrap(), url)
            .bearer_auth(token);
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request.send().unwrap();
        let status = response.status().as_u16();
        let kind = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        let text = response.text().unwrap();
        (
            status,
            kind,
            serde_json::from_str(&text).unwrap_or(Value::Null),
        )
    }
}

/// A vacancy of about 16 KiB (a long description, within the 20,000
/// characters allowed, fills the disk fast; numbered sentences keep it from
/// compressing to nothing in the index).
fn vacancy(n: usize) -> Value {
    let description: String = (0..330)
        .map(|i| format!("Täyttökoe {n}.{i}: työ kotihoidossa. "))
        .collect();
    json!({
        "title": format!("Levytestin lähihoitaja {n}"),
        "description": description,
        "municipality_code": "091",
    })
}

/// `index check --json` over the server's store and index.
fn index_check(dir: &Path, env: &[(&str, &str)]) -> (Option<i32>, Value) {
    let mut command = kohtaanto(dir);
    command
        .args(["index", "check", "--json"])
        .envs(env.iter().copied());
    let out = command.output().unwrap();
    let report = serde_json::from_slice(&out.stdout).unwrap_or_else(|_| {
        panic!(
            "index check printed no JSON: {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (out.status.code(), report)
}

/// How the store of one run is laid out.
enum Layout {
    /// SQLite file and index both on the small file system.
    Sqlite,
    /// PostgreSQL (its disk is not ours); only the index on it.
    Postgres(TestDb),
}

fn full_disk(layout: Layout) {
    let work = tempfile::tempdir().unwrap();
    // The seeded SQLite store is made on the ordinary disk and copied in:
    // the tmpfs then holds it plus little more.
    let (url, tokens, size) = match &layout {
        Layout::Sqlite => {
            let file = work.path().join("seed.db");
            let store = Store::open(file.to_str().unwrap()).unwrap();
            let tokens = seed(&store);
            drop(store); // the last connection checkpoints the WAL away
            let mib = std::fs::metadata(&file).unwrap().len() >> 20;
            (None, tokens, format!("{}m", mib + 24))
        }
        Layout::Postgres(db) => (Some(db.url.clone()), seed(&db.store), "24m".to_owned()),
    };
    let Some(fs) = small_filesystem(&size) else {
        return;
    };
    let data = fs.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    if url.is_none() {
        std::fs::copy(work.path().join("seed.db"), data.join("kohtaanto.db")).unwrap();
    }
    let data_text = data.to_str().unwrap().to_owned();
    let mut env = vec![("KOHTAANTO_DATA_DIR", data_text.as_str())];
    if let Some(url) = &url {
        env.push(("KOHTAANTO_DATABASE_URL", url));
    }
    let log_path = work.path().join("server.log");
    let mut command = kohtaanto(work.path());
    command
        .args(["serve", "--bind", "127.0.0.1:0"])
        .envs(env.iter().copied())
        .env("KOHTAANTO_LOG", "warn,indexer::index::sync=info");
    let mut server =
        Server::start_with_stderr(command, Stdio::from(File::create(&log_path).unwrap()));
    let api = Api {
        client: reqwest::blocking::Client::builder()
            .timeout(Duration::from_secs(30))
            .build()
            .unwrap(),
        port: server.port,
    };
    let (employer, adviser) = (&tokens.0, &tokens.1);

    let (s, _, first) = api.call(employer, "POST", "/v1/vacancies", Some(&vacancy(0)));
    assert_eq!(s, 201, "{first}");
    let first_id = first["id"].as_i64().unwrap();

    let filler = fill(fs.path());
    let started = Instant::now();
    let mut refused = None;
    let mut accepted = Vec::new();
    for n in 1..=MAX_WRITES {
        let (s, kind, body) = api.call(employer, "POST", "/v1/vacancies", Some(&vacancy(n)));
        match s {
            201 => accepted.push(body["id"].as_i64().unwrap()),
            507 => {
                assert_eq!(kind, "application/problem+json");
                assert_eq!(body["code"], "storage_full", "{body}");
                assert_eq!(body["status"], 507);
                let detail = body["detail"].as_str().unwrap();
                assert!(!detail.contains(fs.path().to_str().unwrap()), "{detail}");
                refused = Some(n);
                break;
            }
            other => panic!("write {n} on a full disk answered {other}: {body}"),
        }
        if url.is_some() && n >= 20 {
            break; // PostgreSQL's own disk is not full: enough writes made
        }
    }
    match &layout {
        Layout::Sqlite => {
            let n = refused.unwrap_or_else(|| panic!("{MAX_WRITES} writes on a full disk"));
            eprintln!(
                "sqlite: refused with 507 after {} accepted writes ({:.1} s)",
                n - 1,
                started.elapsed().as_secs_f64()
            );
            // Refused again, not by luck: the disk stays full.
            let (s, _, body) = api.call(employer, "POST", "/v1/vacancies", Some(&vacancy(0)));
            assert_eq!(s, 507, "{body}");
        }
        Layout::Postgres(_) => {
            assert_eq!(refused, None, "PostgreSQL's disk is not the full one");
            // The store took them; the index cannot commit them yet.
            let last = *accepted.last().unwrap();
            std::thread::sleep(Duration::from_secs(2));
            let (s, _, found) = api.call(
                adviser,
                "GET",
                &format!("/v1/vacancies?q=lähihoitaja+{}&limit=100", accepted.len()),
                None,
            );
            assert_eq!(s, 200, "{found}");
            assert!(
                !found.to_string().contains(&format!("\"id\":{last}")),
                "the index committed on a full disk: {found}"
            );
        }
    }

    // Reads go on: a stored record, a search, the labour-market picture.
    let (s, _, read) = api.call(employer, "GET", &format!("/v1/vacancies/{first_id}"), None);
    assert_eq!(s, 200, "{read}");
    assert_eq!(read["id"], first_id);
    let (s, _, found) = api.call(adviser, "GET", "/v1/vacancies?q=lähihoitaja", None);
    assert_eq!(s, 200, "{found}");
    let (s, _, picture) = api.call(adviser, "GET", "/v1/picture?by=region", None);
    assert_eq!(s, 200, "{picture}");
    // A ranking is audited and logged in the same transaction (DESIGN.md
    // invariants 5 and 6): on a full store it is refused, never half done.
    let (s, _, ranking) = api.call(
        adviser,
        "GET",
        &format!("/v1/vacancies/{first_id}/candidates?limit=5"),
        None,
    );
    assert!(
        s == 200 || (s == 507 && ranking["code"] == "storage_full"),
        "{s}: {ranking}"
    );
    let (s, _, _) = api.call(adviser, "GET", "/healthz", None);
    assert_eq!(s, 200);
    assert!(server.exited().is_none(), "the server died on a full disk");

    // Space back: writes succeed again and the index catches up.
    std::fs::remove_file(&filler).unwrap();
    let (s, _, after) = api.call(employer, "POST", "/v1/vacancies", Some(&vacancy(9999)));
    assert_eq!(s, 201, "{after}");
    let deadline = Instant::now() + Duration::from_secs(40);
    let report = loop {
        let (code, report) = index_check(work.path(), &env);
        if code == Some(0) && report["lag"] == 0 {
            break report;
        }
        assert!(Instant::now() < deadline, "no catch-up: {report}");
        std::thread::sleep(Duration::from_millis(500));
    };
    assert_eq!(report["drift"], false, "{report}");
    let (s, _, found) = api.call(
        adviser,
        "GET",
        "/v1/vacancies?q=lähihoitaja+9999&limit=5",
        None,
    );
    assert_eq!(s, 200);
    assert!(
        found
            .to_string()
            .contains(&format!("\"id\":{}", after["id"])),
        "{found}"
    );

    let status = server.terminate();
    assert!(status.success(), "{status:?}");
    let log = std::fs::read_to_string(&log_path).unwrap();
    assert!(!log.contains("panicked"), "{log}");
    // The index sync says once that it fails, not at every retry.
    let failures = log.matches("index sync failed").count();
    assert!(failures <= 1, "{failures} sync failure lines:\n{log}");
    assert!(!log.contains("still failing"), "{log}");
    if url.is_some() {
        assert!(failures >= 1, "the index never failed to commit:\n{log}");
        assert!(log.contains("index sync recovered"), "{log}");
    }
}

#[test]
fn full_disk_sqlite() {
    full_disk(Layout::Sqlite);
}

#[test]
fn full_index_disk_postgres() {
    let Some(db) = TestDb::postgres().unwrap() else {
        eprintln!("KOHTAANTO_TEST_DATABASE_URL is not set: PostgreSQL run skipped");
        return;
    };
    full_disk(Layout::Postgres(db));
}

#[test]
fn read_only_data_directory_is_one_line_and_exit_1() {
    let Some(fs) = small_filesystem("1m") else {
        return;
    };
    let data = fs.path().join("data");
    std::fs::create_dir_all(&data).unwrap();
    fs.remount_read_only();
    let work = tempfile::tempdir().unwrap();
    for command in ["serve", "demo"] {
        let out = kohtaanto(work.path())
            .args([command, "--bind", "127.0.0.1:0", "--data-dir"])
            .arg(&data)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{command}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(
            stderr,
            format!(
                "error: data directory {} is not writable: Read-only file system\n",
                data.display()
            ),
            "{command}"
        );
    }
    // The SQLite file elsewhere than the data directory: said the same way.
    let out = kohtaanto(work.path())
        .args(["serve", "--bind", "127.0.0.1:0", "--data-dir"])
        .arg(work.path().join("data"))
        .env("KOHTAANTO_DATABASE_URL", data.join("kohtaanto.db"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!(
            "error: database directory {} is not writable: Read-only file system\n",
            data.display()
        )
    );
}
