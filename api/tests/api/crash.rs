//! The server killed with SIGKILL while it acknowledges writes. Writer
//! threads create, change and delete vacancies (as an employer) and
//! profiles (as an adviser) over HTTP and remember every acknowledged
//! answer; the real `kohtaanto serve` is killed at seeded random moments and
//! started again. After each restart: every acknowledged write is there with
//! its last acknowledged content, a write that got no answer is there whole
//! or not at all, the outbox's last word on every record is the store's, the
//! index catches up without drift and the audit chain verifies. Both
//! backends; `KOHTAANTO_CRASH_KILLS` sets the number of kills (default 4).

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use indexer::generate::{generate_population, PopulationSpec};
use indexer::sources::fixtures_dir;
use indexer::store::outbox::{self, Entity, Op};
use indexer::store::{audit, orgs, profiles, vacancies, versions, Store};
use indexer::testkit::TestDb;
use matcher::domain::{OrgId, OrgKind, Role};
use serde_json::{json, Value};

use crate::support::{check_json, kohtaanto, with_store, Random, Server};

/// Kills per backend unless `KOHTAANTO_CRASH_KILLS` says otherwise.
const DEFAULT_KILLS: usize = 3;
/// Writer threads per kind of record.
const WRITERS: u64 = 2;

/// What a writer writes: the record kind, its path and its token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Kind {
    Vacancy,
    Profile,
}

impl Kind {
    fn path(self) -> &'static str {
        match self {
            Kind::Vacancy => "/v1/vacancies",
            Kind::Profile => "/v1/profiles",
        }
    }

    /// The content of write `label`: every field the read-back compares.
    /// Child rows (languages) are included, so that a write applied in
    /// part would show.
    fn body(self, label: &str, n: u64) -> Value {
        const LEVELS: [&str; 4] = ["a2", "b1", "b2", "c1"];
        const HOMES: [&str; 3] = ["091", "837", "564"];
        let level = LEVELS[(n % 4) as usize];
        match self {
            Kind::Vacancy => json!({
                "title": format!("Lähihoitaja {label}"),
                "description": format!("Kotihoidon vakituinen työ, muutos {n}."),
                "municipality_code": "091",
                "positions": 1 + n % 5,
                "languages": [{"language": "fi", "level": level}],
            }),
            Kind::Profile => json!({
                "contact": {"full_name": format!("Kuorma {label}")},
                "home_municipality_code": HOMES[(n % 3) as usize],
                "max_commute_km": 10 + n % 50,
                "languages": [{"language": "sv", "level": level}],
            }),
        }
    }
}

/// Whether every field of `sent` has its value in `stored` (objects
/// compared key by key, arrays element by element).
fn agrees(sent: &Value, stored: &Value) -> bool {
    match (sent, stored) {
        (Value::Object(s), Value::Object(t)) => s
            .iter()
            .all(|(k, v)| t.get(k).is_some_and(|w| agrees(v, w))),
        (Value::Array(s), Value::Array(t)) => {
            s.len() == t.len() && s.iter().zip(t).all(|(v, w)| agrees(v, w))
        }
        (Value::Number(s), Value::Number(t)) => s.as_f64() == t.as_f64(),
        _ => sent == stored,
    }
}

/// A change without an answer: the record is now one of these (None: gone).
type Outcomes = Vec<Option<Known>>;

/// A record as the writers know it.
#[derive(Debug, Clone)]
struct Known {
    version: i64,
    body: Value,
}

/// What the writers know: acknowledged records and deletes, and the
/// writes that got no answer (resolved after the restart).
#[derive(Debug, Default)]
struct Model {
    live: BTreeMap<(Kind, i64), Known>,
    gone: Vec<(Kind, i64)>,
    /// Changes without an answer.
    unsure: Vec<((Kind, i64), Outcomes)>,
    /// Creates without an answer.
    pending: Vec<(Kind, Value)>,
    acknowledged: u64,
    unacknowledged: u64,
}

/// One writer's share of a round: the live records it owns.
struct Writer {
    kind: Kind,
    token: String,
    port: u16,
    label: String,
    random: Random,
    owned: Vec<(i64, Known)>,
}

/// What a writer found out in one round.
#[derive(Default)]
struct Outcome {
    owned: Vec<(i64, Known)>,
    gone: Vec<i64>,
    unsure: Vec<(i64, Outcomes)>,
    pending: Vec<Value>,
    acknowledged: u64,
    unacknowledged: u64,
}

/// The answer to a write, or None when none came (the server died).
fn send(
    client: &reqwest::blocking::Client,
    method: reqwest::Method,
    url: String,
    token: &str,
    body: Option<&Value>,
) -> Option<(u16, Value)> {
    let mut request = client.request(method, url).bearer_auth(token);
    if let Some(b) = body {
        request = request.json(b);
    }
    let response = request.send().ok()?;
    let status = response.status().as_u16();
    let text = response.text().ok()?;
    let value = serde_json::from_str(&text).unwrap_or(Value::Null);
    // 503 (busy, timed out) promises nothing: not an acknowledgement.
    if status == 503 {
        return None;
    }
    assert!(status < 500, "{status}: {text}");
    Some((status, value))
}

impl Writer {
    /// Write until the server stops answering or `stop` is set.
    fn run(mut self, stop: &AtomicBool) -> Outcome {
        let client = reqwest::blocking::Client::builder()
            .timeout(Duration::from_secs(30))
            .connect_timeout(Duration::from_secs(2))
            .build()
            .unwrap();
        let base = format!("http://127.0.0.1:{}{}", self.port, self.kind.path());
        let mut out = Outcome::default();
        let mut n = 0;
        while !stop.load(Ordering::Relaxed) {
            n += 1;
            let label = format!("{}-{n}", self.label);
            let body = self.kind.body(&label, self.random.below(1_000));
            let roll = self.random.below(100);
            if self.owned.len() < 3 || roll < 40 {
                let Some((status, created)) = send(
                    &client,
                    reqwest::Method::POST,
                    base.clone(),
                    &self.token,
                    Some(&body),
                ) else {
                    out.pending.push(body);
                    out.unacknowledged += 1;
                    break;
                };
                assert_eq!(status, 201, "{created}");
                let id = created["id"].as_i64().unwrap();
                let version = created["version"].as_i64().unwrap();
                assert!(agrees(&body, &created), "{body} ≠ {created}");
                self.owned.push((id, Known { version, body }));
                out.acknowledged += 1;
                continue;
            }
            let at = self.random.below(self.owned.len() as u64) as usize;
            let (id, known) = self.owned[at].clone();
            let url = format!("{base}/{id}");
            if roll < 75 {
                let mut patch = body.clone();
                patch["version"] = json!(known.version);
                match send(
                    &client,
                    reqwest::Method::PATCH,
                    url,
                    &self.token,
                    Some(&patch),
                ) {
                    Some((status, updated)) => {
                        assert_eq!(status, 200, "{updated}");
                        assert_eq!(updated["version"], known.version + 1, "{updated}");
                        assert!(agrees(&body, &updated), "{body} ≠ {updated}");
                        self.owned[at].1 = Known {
                            version: known.version + 1,
                            body,
                        };
                        out.acknowledged += 1;
                    }
                    None => {
                        let after = Known {
                            version: known.version + 1,
                            body,
                        };
                        self.owned.swap_remove(at);
                        out.unsure.push((id, vec![Some(known), Some(after)]));
                        out.unacknowledged += 1;
                        break;
                    }
                }
            } else {
                match send(&client, reqwest::Method::DELETE, url, &self.token, None) {
                    Some((status, answer)) => {
                        assert_eq!(status, 204, "{answer}");
                        self.owned.swap_remove(at);
                        out.gone.push(id);
                        out.acknowledged += 1;
                    }
                    None => {
                        self.owned.swap_remove(at);
                        out.unsure.push((id, vec![Some(known), None]));
                        out.unacknowledged += 1;
                        break;
                    }
                }
            }
        }
        out.owned = self.owned;
        out
    }
}

/// The two organizations the writers act for, with their tokens.
pub struct Writers {
    pub employer: OrgId,
    pub employer_token: String,
    pub office: OrgId,
    pub adviser_token: String,
}

/// A small generated population, plus an employer and an employment office
/// with one token each.
pub fn seed(store: &Store) -> Writers {
    let spec = PopulationSpec {
        profiles: 60,
        vacancies: 20,
        seed: 19,
        reference_date: NaiveDate::from_ymd_opt(2026, 11, 23).unwrap(),
    };
    generate_population(store, &fixtures_dir(), &spec, |_, _| {}).unwrap();
    let org = |kind, name: &str, role| {
        let org = store
            .write(|c| orgs::create_org(c, kind, name, None, Some("091")))
            .unwrap();
        let token = store
            .write(|c| orgs::issue_token(c, org.id, role, name, None))
            .unwrap();
        (org.id, token.secret.expose().to_owned())
    };
    let (employer, employer_token) = org(OrgKind::Employer, "Kuorma Oy", Role::Employer);
    let (office, adviser_token) = org(OrgKind::EmploymentOffice, "Kuormatoimisto", Role::Adviser);
    Writers {
        employer,
        employer_token,
        office,
        adviser_token,
    }
}

/// Every stored record of the writers' two organizations: (kind, id) →
/// (version, the record as JSON).
fn stored_records(store: &Store, w: &Writers) -> HashMap<(Kind, i64), (i64, Value)> {
    let mut out = HashMap::new();
    let mut after = 0;
    loop {
        let page = store
            .read(|c| {
                let ids = vacancies::vacancy_ids_after(c, after, 1_000)?;
                vacancies::get_vacancies(c, &ids)
            })
            .unwrap();
        let Some(last) = page.last() else { break };
        after = last.id.0;
        for v in page.into_iter().filter(|v| v.draft.owner_org == w.employer) {
            let json = serde_json::to_value(&v).unwrap();
            out.insert((Kind::Vacancy, v.id.0), (v.version, json));
        }
    }
    let mut after = 0;
    loop {
        let page = store
            .read(|c| {
                let ids = profiles::profile_ids_after(c, after, 1_000)?;
                profiles::get_profiles(c, &ids)
            })
            .unwrap();
        let Some(last) = page.last() else { break };
        after = last.id.0;
        for p in page
            .into_iter()
            .filter(|p| p.draft.managing_org == w.office)
        {
            let json = serde_json::to_value(&p).unwrap();
            out.insert((Kind::Profile, p.id.0), (p.version, json));
        }
    }
    out
}

/// The outbox's last entry on every record agrees with the store: an
/// upsert of the stored version, or a delete of a record that is gone. A
/// change committed without its outbox row (or the reverse) shows here.
fn outbox_agrees_with_store(store: &Store) {
    let mut last: HashMap<(Entity, i64), (Op, i64)> = HashMap::new();
    let mut after = 0;
    loop {
        let page = store
            .read(|c| outbox::read_after(c, after, 10_000))
            .unwrap();
        let Some(end) = page.last().map(|e| e.id) else {
            break;
        };
        after = end;
        for e in page {
            last.insert((e.entity, e.entity_id), (e.op, e.version));
        }
    }
    for entity in [Entity::Vacancy, Entity::Profile] {
        let stored: HashMap<i64, i64> = store
            .read(|c| versions::all_versions(c, entity))
            .unwrap()
            .into_iter()
            .collect();
        for (&id, &version) in &stored {
            assert_eq!(
                last.get(&(entity, id)),
                Some(&(Op::Upsert, version)),
                "{entity} {id} at version {version}: the outbox's last word differs"
            );
        }
        for ((e, id), (op, _)) in &last {
            if *e == entity && !stored.contains_key(id) {
                assert_eq!(*op, Op::Delete, "{entity} {id} is gone without a delete");
            }
        }
    }
}

/// Every profile the writers' office created or erased has its audit event
/// and the other way round: the profile and its audit event are one write.
fn audit_agrees_with_profiles(store: &Store, w: &Writers, model: &Model) {
    let mut events = Vec::new();
    let mut after = 0;
    loop {
        let page = store.read(|c| audit::list(c, after, 10_000)).unwrap();
        let Some(end) = page.last().map(|e| e.id) else {
            break;
        };
        after = end;
        events.extend(page);
    }
    let ours = |action: &str| -> Vec<i64> {
        events
            .iter()
            .filter(|e| e.action == action && e.org_id == Some(w.office.0))
            .map(|e| e.subject_id.parse().unwrap())
            .collect()
    };
    let created = ours("profile.create");
    let deleted = ours("profile.delete");
    let profile = Kind::Profile;
    for (k, id) in model.live.keys() {
        if *k == profile {
            assert!(
                created.contains(id),
                "profile {id} without its create event"
            );
        }
    }
    for (k, id) in &model.gone {
        if *k == profile {
            assert!(
                deleted.contains(id),
                "erased profile {id} without its event"
            );
        }
    }
    for id in &created {
        let live = model.live.contains_key(&(profile, *id));
        assert!(
            live || deleted.contains(id),
            "a create event for profile {id}, which neither exists nor was erased"
        );
    }
}

/// Compare the model with the store and the server after a restart,
/// resolving the writes that got no answer.
fn verify(model: &mut Model, store: &Store, w: &Writers, port: u16) {
    let mut stored = stored_records(store, w);
    let client = reqwest::blocking::Client::new();
    let read = |kind: Kind, id: i64| -> (u16, Value) {
        let token = match kind {
            Kind::Vacancy => &w.employer_token,
            Kind::Profile => &w.adviser_token,
        };
        let r = client
            .get(format!("http://127.0.0.1:{port}{}/{id}", kind.path()))
            .bearer_auth(token)
            .send()
            .unwrap();
        let status = r.status().as_u16();
        (status, r.json().unwrap_or(Value::Null))
    };
    for (&(k, id), known) in &model.live {
        let (version, record) = stored
            .remove(&(k, id))
            .unwrap_or_else(|| panic!("acknowledged {:?} {id} is missing", k));
        assert_eq!(version, known.version, "{:?} {id}: {record}", k);
        assert!(agrees(&known.body, &record), "{} ≠ {record}", known.body);
        let (status, served) = read(k, id);
        assert_eq!((status, &served["version"]), (200, &json!(version)));
    }
    for &(k, id) in &model.gone {
        assert!(
            !stored.contains_key(&(k, id)),
            "deleted {:?} {id} is back",
            k
        );
        assert_eq!(read(k, id).0, 404);
    }
    for ((k, id), options) in std::mem::take(&mut model.unsure) {
        let now = stored.remove(&(k, id));
        let found = options.into_iter().find(|o| match (o, &now) {
            (None, None) => true,
            (Some(known), Some((version, record))) => {
                known.version == *version && agrees(&known.body, record)
            }
            _ => false,
        });
        match found {
            Some(Some(known)) => {
                model.live.insert((k, id), known);
            }
            Some(None) => model.gone.push((k, id)),
            None => panic!("{:?} {id} is half written: {now:?}", k),
        }
    }
    // A create without an answer: at most one record, whole, at version 1.
    for (k, body) in std::mem::take(&mut model.pending) {
        let matches: Vec<(Kind, i64)> = stored
            .iter()
            .filter(|(&(kk, _), (_, record))| kk == k && agrees(&body, record))
            .map(|(&key, _)| key)
            .collect();
        assert!(matches.len() <= 1, "one create stored twice: {matches:?}");
        if let Some(found) = matches.first() {
            let (version, _) = stored.remove(found).unwrap();
            assert_eq!(version, 1);
            model.live.insert(*found, Known { version, body });
        }
    }
    assert!(
        stored.is_empty(),
        "records nobody wrote whole: {:?}",
        stored.keys().collect::<Vec<_>>()
    );
    outbox_agrees_with_store(store);
    audit_agrees_with_profiles(store, w, model);
}

/// Wait (bounded) until the index has caught up, then require no drift.
pub fn index_catches_up(dir: &Path, url: &str, index_dir: &Path) {
    let started = Instant::now();
    loop {
        let (code, report) = check_json(dir, url, index_dir);
        if report["lag"] == 0 {
            assert_eq!(code, Some(0), "drift after catch-up: {report}");
            assert_eq!(report["drift"], false);
            return;
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the index did not catch up: {report}"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn audit_verifies(dir: &Path, url: &str, index_dir: &Path) {
    let mut command = kohtaanto(dir);
    command.args(["audit", "verify", "--json"]);
    with_store(&mut command, url, index_dir);
    let out = command.output().unwrap();
    assert!(
        out.status.success(),
        "audit verify: {} {}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `kohtaanto serve` on a random port over this store and index, with a
/// rate limit no load test reaches.
pub fn serve(dir: &Path, url: &str, index_dir: &Path) -> Server {
    let mut command = kohtaanto(dir);
    command
        .args(["serve", "--bind", "127.0.0.1:0"])
        .env("KOHTAANTO_RATE_LIMIT", "100000");
    with_store(&mut command, url, index_dir);
    Server::start(command)
}

fn kill_nine_under_write_load(db: TestDb) {
    let kills: usize = std::env::var("KOHTAANTO_CRASH_KILLS")
        .ok()
        .and_then(|k| k.parse().ok())
        .unwrap_or(DEFAULT_KILLS);
    let started = Instant::now();
    let w = seed(&db.store);
    let tmp = tempfile::tempdir().unwrap();
    let index_dir: PathBuf = tmp.path().join("data").join("index");
    let mut random = Random::new();
    let mut model = Model::default();
    let mut server = serve(tmp.path(), &db.url, &index_dir);
    for round in 0..=kills {
        eprintln!(
            "round {round}: serving at {:.1} s",
            started.elapsed().as_secs_f64()
        );
        verify(&mut model, &db.store, &w, server.port);
        index_catches_up(tmp.path(), &db.url, &index_dir);
        audit_verifies(tmp.path(), &db.url, &index_dir);
        eprintln!(
            "round {round}: checked at {:.1} s",
            started.elapsed().as_secs_f64()
        );
        if round == kills {
            break;
        }
        let stop = Arc::new(AtomicBool::new(false));
        let mut threads = Vec::new();
        for (kind, token) in [
            (Kind::Vacancy, &w.employer_token),
            (Kind::Profile, &w.adviser_token),
        ] {
            for t in 0..WRITERS {
                let owned = model
                    .live
                    .iter()
                    .filter(|(&(k, id), _)| k == kind && id as u64 % WRITERS == t)
                    .map(|(&(_, id), known)| (id, known.clone()))
                    .collect();
                let writer = Writer {
                    kind,
                    token: token.clone(),
                    port: server.port,
                    label: format!("r{round}-{kind:?}{t}"),
                    random: Random(random.below(u64::MAX) | 1),
                    owned,
                };
                let stop = Arc::clone(&stop);
                threads.push((kind, std::thread::spawn(move || writer.run(&stop))));
            }
        }
        std::thread::sleep(Duration::from_millis(300 + random.below(1_500)));
        server.kill_nine();
        stop.store(true, Ordering::Relaxed);
        model.live.clear();
        for (kind, thread) in threads {
            let out = thread.join().unwrap();
            let k = kind;
            model
                .live
                .extend(out.owned.into_iter().map(|(id, known)| ((k, id), known)));
            model.gone.extend(out.gone.into_iter().map(|id| (k, id)));
            model
                .unsure
                .extend(out.unsure.into_iter().map(|(id, o)| ((k, id), o)));
            model
                .pending
                .extend(out.pending.into_iter().map(|b| (k, b)));
            model.acknowledged += out.acknowledged;
            model.unacknowledged += out.unacknowledged;
        }
        server = serve(tmp.path(), &db.url, &index_dir);
    }
    // A clean stop leaves the index committed up to date.
    assert!(server.terminate().success());
    index_catches_up(tmp.path(), &db.url, &index_dir);
    assert!(model.acknowledged > 0);
    eprintln!(
        "{} backend: {kills} kills, {} acknowledged writes, {} without an answer, \
         {} live records checked, {:.0} s",
        db.store.backend(),
        model.acknowledged,
        model.unacknowledged,
        model.live.len(),
        started.elapsed().as_secs_f64()
    );
}

on_every_backend!(kill_nine_under_write_load);
