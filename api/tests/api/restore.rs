//! A store restored from a backup older than the index: the index has
//! applied outbox entries the store no longer holds, so following the
//! outbox would skip the store's next changes. `index check` says so,
//! `index sync` refuses, `serve` rebuilds. SQLite, whose backup is a file
//! (`kohtaanto backup`); the check itself is the same on PostgreSQL.

use std::path::Path;

use indexer::store::{vacancies, Store};
use matcher::domain::VacancyId;

use crate::support::{get, kohtaanto, Server};

fn run(dir: &Path, args: &[&str]) -> std::process::Output {
    kohtaanto(dir)
        .args(["--data-dir", "data"])
        .args(args)
        .output()
        .unwrap()
}

fn check(dir: &Path) -> (Option<i32>, serde_json::Value) {
    let out = run(dir, &["index", "check", "--json"]);
    let report = serde_json::from_slice(&out.stdout).unwrap_or_else(|_| {
        panic!("no report: {}", String::from_utf8_lossy(&out.stderr));
    });
    (out.status.code(), report)
}

fn delete(db: &Path, ids: &[i64]) {
    let store = Store::open(&db.display().to_string()).unwrap();
    for &id in ids {
        store
            .write(|c| vacancies::delete_vacancy(c, VacancyId(id)))
            .unwrap();
    }
}

#[test]
fn a_store_restored_from_an_older_backup_gets_its_index_rebuilt() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let db = dir.join("data/kohtaanto.db");
    let out = run(dir, &["generate", "--profiles", "60", "--vacancies", "20"]);
    assert!(out.status.success(), "{out:?}");
    assert!(run(dir, &["index", "sync"]).status.success());
    let (code, report) = check(dir);
    assert_eq!(code, Some(0), "{report}");
    let generated = report["vacancies"]["store"].as_u64().unwrap();

    // The backup, then changes the index follows.
    let backup = dir.join("backup.db");
    let path = backup.to_str().unwrap();
    let out = run(dir, &["backup", path, "--json"]);
    assert!(out.status.success(), "{out:?}");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(report["bytes"].as_u64().unwrap() > 0, "{report}");
    // Never over an existing file.
    let again = run(dir, &["backup", path]);
    assert_eq!(again.status.code(), Some(1), "{again:?}");
    let store = Store::open(&db.display().to_string()).unwrap();
    let ids: Vec<i64> = store
        .read(|c| vacancies::vacancy_ids_after(c, 0, 4))
        .unwrap()
        .into_iter()
        .map(|v| v.0)
        .collect();
    drop(store);
    delete(&db, &ids[..3]);
    assert!(run(dir, &["index", "sync"]).status.success());
    assert_eq!(check(dir).0, Some(0));

    // Restored: the index is ahead of the store.
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
    }
    std::fs::copy(&backup, &db).unwrap();
    let (code, report) = check(dir);
    assert_eq!(code, Some(2), "{report}");
    assert_eq!(report["ahead"], true, "{report}");
    assert_eq!(report["drift"], true, "{report}");

    let refused = run(dir, &["index", "sync"]);
    assert_eq!(refused.status.code(), Some(1), "{refused:?}");
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("kohtaanto index rebuild"), "{stderr}");

    // A change after the restore takes an outbox id the index had already
    // passed; the server rebuilds instead of skipping it.
    delete(&db, &ids[3..4]);
    let mut serve = kohtaanto(dir);
    serve.args(["--data-dir", "data", "serve", "--bind", "127.0.0.1:0"]);
    let server = Server::start(serve);
    while get(server.port, "/readyz").status != 200 {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let status = server.terminate();
    assert!(status.success(), "{status:?}");
    let (code, report) = check(dir);
    assert_eq!(code, Some(0), "{report}");
    assert_eq!(report["ahead"], false);
    assert_eq!(report["vacancies"]["store"], report["vacancies"]["index"]);
    // The three deleted after the backup are back, the one deleted after
    // the restore is gone.
    assert_eq!(report["vacancies"]["store"], generated - 1, "{report}");
}
