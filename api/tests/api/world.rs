//! A running API over a test store: reference data, one organization and
//! token per role (two of each kind that owns objects), the index with its
//! background sync, and the real HTTP server on a random port.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use api::server::{AppState, Application};
use indexer::index::{IndexRoot, IndexSync, ReferenceData};
use indexer::store::orgs;
use indexer::testkit::TestDb;
use matcher::domain::{OrgKind, Role};
use serde_json::Value;

/// A caller: role, organization and bearer token.
#[derive(Debug, Clone)]
pub struct Who {
    pub name: &'static str,

    pub org: i64,
    pub token: String,
}

pub struct World {
    pub db: TestDb,
    pub port: u16,
    pub state: AppState,
    pub client: reqwest::blocking::Client,
    pub who: Vec<Who>,
    pub root: IndexRoot,
    _index: tempfile::TempDir,
    stop: Arc<AtomicBool>,
}

impl Drop for World {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
    }
}

/// (name, role, kind) of every caller the world has.
const CALLERS: &[(&str, Role, OrgKind)] = &[
    ("adviser_a", Role::Adviser, OrgKind::EmploymentOffice),
    ("adviser_b", Role::Adviser, OrgKind::EmploymentOffice),
    ("recruiter_x", Role::Recruiter, OrgKind::Agency),
    ("recruiter_y", Role::Recruiter, OrgKind::Agency),
    ("employer_e", Role::Employer, OrgKind::Employer),
    ("employer_f", Role::Employer, OrgKind::Employer),
    ("analyst", Role::Analyst, OrgKind::Ministry),
    ("admin", Role::Admin, OrgKind::Operator),
];

impl World {
    pub fn start(db: TestDb) -> World {
        Self::start_with(db, |_| {})
    }

    /// Start, letting `tune` change the state (limits) before serving.
    pub fn start_with(db: TestDb, tune: impl FnOnce(&mut AppState)) -> World {
        let store = db.store.clone();
        indexer::generate::ensure_reference_data(&store, &indexer::sources::fixtures_dir())
            .unwrap();
        let mut who = Vec::new();
        for (name, role, kind) in CALLERS {
            let org = store
                .write(|c| orgs::create_org(c, *kind, name, None, Some("091")))
                .unwrap();
            let token = store
                .write(|c| orgs::issue_token(c, org.id, *role, name, None))
                .unwrap();
            who.push(Who {
                name,

                org: org.id.0,
                token: token.secret.expose().to_owned(),
            });
        }
        let index = tempfile::tempdir().unwrap();
        let root = IndexRoot::new(index.path());
        let reference = ReferenceData::load(&store).unwrap();
        indexer::index::rebuild(&store, &root, &reference, |_, _| {}).unwrap();
        let mut state = AppState::new(store.clone(), &root, None).unwrap();
        tune(&mut state);
        let stop = Arc::new(AtomicBool::new(false));
        let sync = IndexSync::open(root.clone(), reference).unwrap();
        indexer::index::spawn(sync, store, Arc::clone(&stop), Duration::from_millis(20));
        let (tx, rx) = std::sync::mpsc::channel();
        let serving = state.clone();
        std::thread::spawn(move || {
            actix_web::rt::System::new().block_on(async move {
                let app = Application::build(serving, "127.0.0.1:0").unwrap();
                tx.send(app.port()).unwrap();
                app.run_until_stopped().await.unwrap();
            })
        });
        let port = rx.recv().unwrap();
        World {
            db,
            port,
            state,
            client: reqwest::blocking::Client::new(),
            who,
            root,
            _index: index,
            stop,
        }
    }

    pub fn who(&self, name: &str) -> &Who {
        self.who.iter().find(|w| w.name == name).unwrap()
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    /// `method path` as `who` (None: no token) with an optional JSON body.
    /// The `Allow` header of an anonymous `method` request to `path`.
    pub fn allow_header(&self, method: &str, path: &str) -> String {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let response = self.client.request(method, self.url(path)).send().unwrap();
        response
            .headers()
            .get("allow")
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default()
    }

    pub fn call(
        &self,
        who: Option<&str>,
        method: &str,
        path: &str,
        body: Option<&Value>,
    ) -> (u16, Value) {
        let method = reqwest::Method::from_bytes(method.as_bytes()).unwrap();
        let mut request = self.client.request(method, self.url(path));
        if let Some(w) = who {
            request = request.bearer_auth(&self.who(w).token);
        }
        if let Some(b) = body {
            request = request.json(b);
        }
        let response = request.send().unwrap();
        let status = response.status().as_u16();
        let problem = response
            .headers()
            .get("content-type")
            .is_some_and(|v| v.to_str().unwrap_or("") == "application/problem+json");
        let text = response.text().unwrap();
        let value = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        if status >= 400 {
            assert!(problem, "{status} without problem+json: {value}");
            assert!(value["code"].is_string(), "{value}");
        }
        assert!(
            status < 500 || status == 503,
            "{status} from {path}: {value}"
        );
        (status, value)
    }

    /// Wait until the index has applied every change written so far.
    pub fn wait_for_index(&self) {
        let store = &self.db.store;
        let last = store.read(indexer::store::outbox::last_id).unwrap();
        for _ in 0..500 {
            let applied = self.state.engine.applied_outbox_id().unwrap_or(0);
            if applied >= last {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        panic!("the index did not catch up");
    }
}
