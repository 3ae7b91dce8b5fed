//! The web UI end to end in headless Chromium: one `kohtaanto demo` server,
//! one browser session, every flow in turn — sign-in per role with
//! role-aware navigation, search, candidates with their explanations, a
//! jobseeker's vacancies, an introduction, a hidden vacancy posted through
//! the form's typeaheads and who may see it, the analyst's picture and its
//! CSV, cohorts, employer outreach (`outreach`: a contact with a need, a
//! server error beside its field, the need made a hidden vacancy), the
//! adviser's cycle with a jobseeker (`profiles`: create,
//! intake from a CV, list, edit against a concurrent change, export,
//! erase, and what other offices and agencies see), languages,
//! keyboard-only use and the accessibility basics of every page. Screenshots of the main pages go to
//! `$KOHTAANTO_SCREENSHOTS_DIR` (default `target/screenshots`).
//!
//! Needs `/usr/bin/chromium` and `/usr/bin/chromedriver` (Debian:
//! `apt-get install chromium chromium-driver`); without them the test says
//! so and passes, unless `KOHTAANTO_BROWSER_TESTS=required`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::support::{demo_command, kohtaanto, Server};

mod effectiveness;
mod outcomes;
mod outreach;
mod profiles;
use crate::webdriver::{keys, Browser, Driver, Element, CHROMEDRIVER, CHROMIUM};

/// Matching and the picture run in a debug build: give them time.
const SLOW: Duration = Duration::from_secs(60);

/// Whether the browser tests can run here; `None` after saying why not.
fn browser_available() -> Option<()> {
    let missing: Vec<&str> = [CHROMIUM, CHROMEDRIVER]
        .into_iter()
        .filter(|p| !Path::new(p).exists())
        .collect();
    if missing.is_empty() {
        return Some(());
    }
    let required = std::env::var("KOHTAANTO_BROWSER_TESTS").is_ok_and(|v| v == "required");
    assert!(
        !required,
        "KOHTAANTO_BROWSER_TESTS=required but {missing:?} missing: install chromium chromium-driver"
    );
    eprintln!("browser tests skipped: install chromium chromium-driver ({missing:?} missing)");
    None
}

fn screenshots_dir() -> PathBuf {
    std::env::var_os("KOHTAANTO_SCREENSHOTS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
            workspace.join("target/screenshots")
        })
}

/// The demo server, its tokens and a second employer organization's token.
struct Demo {
    /// Holds the demo's data; removed with the demo.
    _dir: tempfile::TempDir,
    server: Server,
    tokens: BTreeMap<String, String>,
    other_employer: String,
    /// An adviser of a second employment office.
    other_office: String,
    http: reqwest::blocking::Client,
    /// The UI's message catalogue (`/ui/messages.json`): what each label
    /// and error must read in each language.
    messages: Value,
}

impl Demo {
    fn start() -> Demo {
        let dir = tempfile::tempdir().unwrap();
        let command = demo_command(dir.path(), 600, 120);
        let server = Server::start(command);
        let tokens: BTreeMap<String, String> = serde_json::from_str(
            &std::fs::read_to_string(dir.path().join("data/demo-tokens.json")).unwrap(),
        )
        .unwrap();
        let run = |args: &[&str]| {
            let out = kohtaanto(dir.path())
                .env("KOHTAANTO_DATA_DIR", "data")
                .args(args)
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "{args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            String::from_utf8_lossy(&out.stdout).into_owned()
        };
        // "organization 42 created: …"
        let created = run(&[
            "org",
            "add",
            "--kind",
            "employer",
            "--name",
            "Toinen Työnantaja Oy",
        ]);
        let org = created.split_whitespace().nth(1).unwrap().to_owned();
        let issued = run(&["token", "issue", "--org", &org, "--role", "employer"]);
        let other_employer = issued.lines().last().unwrap().trim().to_owned();
        let created = run(&[
            "org",
            "add",
            "--kind",
            "employment_office",
            "--name",
            "Toinen työllisyysalue",
        ]);
        let org = created.split_whitespace().nth(1).unwrap().to_owned();
        let issued = run(&["token", "issue", "--org", &org, "--role", "adviser"]);
        let other_office = issued.lines().last().unwrap().trim().to_owned();
        let http = reqwest::blocking::Client::builder()
            .timeout(SLOW)
            .build()
            .unwrap();
        let messages = http
            .get(format!("http://127.0.0.1:{}/ui/messages.json", server.port))
            .send()
            .unwrap()
            .json()
            .unwrap();
        Demo {
            _dir: dir,
            server,
            tokens,
            other_employer,
            other_office,
            http,
            messages,
        }
    }

    /// The message `key` in `lang`.
    fn message(&self, lang: &str, key: &str) -> String {
        self.messages[lang][key]
            .as_str()
            .unwrap_or_else(|| panic!("no message {key} in {lang}"))
            .to_owned()
    }

    fn token(&self, role: &str) -> &str {
        &self.tokens[role]
    }

    fn base(&self) -> String {
        format!("http://127.0.0.1:{}", self.server.port)
    }

    /// `GET path` on the API as `token`: (status, JSON body).
    fn api(&self, token: &str, path: &str) -> (u16, Value) {
        let r = self
            .http
            .get(format!("{}{path}", self.base()))
            .bearer_auth(token)
            .send()
            .unwrap();
        let status = r.status().as_u16();
        (status, r.json().unwrap_or(Value::Null))
    }
}

impl Demo {
    fn post(&self, token: &str, path: &str, body: &Value) -> (u16, Value) {
        self.send(reqwest::Method::POST, token, path, body)
    }

    /// `method path` with a JSON body as `token`: (status, JSON body).
    fn send(&self, method: reqwest::Method, token: &str, path: &str, body: &Value) -> (u16, Value) {
        let r = self
            .http
            .request(method, format!("{}{path}", self.base()))
            .bearer_auth(token)
            .json(body)
            .send()
            .unwrap();
        let status = r.status().as_u16();
        (status, r.json().unwrap_or(Value::Null))
    }
}

/// The browser on the demo's UI.
struct Ui<'a> {
    b: &'a Browser,
    demo: &'a Demo,
}

/// The routes of `nav#main-nav` each role must see, exactly.
fn expected_nav(role: &str) -> BTreeSet<&'static str> {
    let routes: &[&str] = match role {
        "adviser" => &[
            "/search",
            "/profiles",
            "/cohorts",
            "/outreach",
            "/picture",
            "/effectiveness",
            "/trend",
        ],
        "employer" | "recruiter" => &["/my-vacancies", "/vacancies/new"],
        "analyst" => &["/picture", "/effectiveness", "/trend"],
        _ => &[],
    };
    routes.iter().copied().collect()
}

fn home(role: &str) -> &'static str {
    match role {
        "employer" | "recruiter" => "/my-vacancies",
        "analyst" => "/picture",
        _ => "/search",
    }
}

/// An error shown to people: words, never the API's JSON or its codes.
fn assert_human(what: &str, text: &str) {
    assert!(!text.trim().is_empty(), "{what}: empty error");
    assert!(
        !text.contains('{') && !text.contains("\"code\"") && !text.contains("problem"),
        "{what}: raw JSON in the error: {text:?}"
    );
    let code = text
        .split(|c: char| !(c.is_ascii_lowercase() || c == '_'))
        .find(|w| w.contains('_') && w.len() > 3);
    assert!(
        code.is_none(),
        "{what}: an error code in the error: {text:?}"
    );
}

/// Whether a route is a search with free text.
fn searched(route: &str) -> bool {
    route
        .strip_prefix("/search?")
        .is_some_and(|q| q.split('&').any(|p| p.starts_with("q=")))
}

/// The vacancy id of a `#/vacancies/{id}` link.
fn vacancy_id(href: &str) -> Option<i64> {
    href.split("#/vacancies/")
        .nth(1)?
        .split(['/', '?'])
        .next()?
        .parse()
        .ok()
}

fn profile_id(href: &str) -> Option<i64> {
    href.split("#/profiles/")
        .nth(1)?
        .split(['/', '?'])
        .next()?
        .parse()
        .ok()
}

impl Ui<'_> {
    fn goto(&self, route: &str) {
        self.b.goto(&format!("{}/#{route}", self.demo.base()));
    }

    fn wait_route(&self, route: &str) {
        self.b.wait(&format!("route {route}"), || {
            (self.b.route() == route).then_some(())
        });
    }

    fn displayed(&self, css: &str) -> bool {
        self.b.find(css).is_some_and(|e| self.b.displayed(&e))
    }

    /// Wait until `css` shows non-empty text; return it.
    fn wait_text(&self, css: &str, timeout: Duration) -> String {
        self.b.wait_for(timeout, &format!("text in {css}"), || {
            let t = self.b.text_of(css);
            (!t.trim().is_empty()).then_some(t)
        })
    }

    fn error_text(&self) -> String {
        self.b.text_of("#error").trim().to_owned()
    }

    /// Sign out if signed in, then sign in with `token`.
    fn sign_in(&self, token: &str) {
        self.sign_out();
        let input = self.b.el("form#signin-form input#token");
        self.b.clear(&input);
        self.b.send_keys(&input, token);
        self.b
            .click(&self.b.el("form#signin-form button[type=submit]"));
    }

    fn sign_in_as(&self, role: &str) {
        self.sign_in(self.demo.token(role));
        self.wait_route(home(role));
        self.b.el("nav#main-nav");
    }

    fn sign_out(&self) {
        if self
            .b
            .find("button#signout")
            .is_none_or(|e| !self.b.displayed(&e))
        {
            self.goto("/signin");
        }
        if let Some(button) = self
            .b
            .find("button#signout")
            .filter(|e| self.b.displayed(e))
        {
            self.b.click(&button);
        }
        self.wait_route("/signin");
        self.b.wait("the sign-in form", || {
            self.b
                .find("form#signin-form input#token")
                .filter(|e| self.b.displayed(e))
        });
    }

    /// Every page: `<html lang>` as chosen, one `main#main` landmark, an h1
    /// with text, each form field labelled, a skip link to `#main`.
    fn page_problems(&self, lang: &str) -> Vec<String> {
        let problems = self.b.exec(
            r##"
            const problems = [];
            const expected = arguments[0];
            if (document.documentElement.lang !== expected)
              problems.push('html lang is ' + document.documentElement.lang);
            const mains = document.querySelectorAll('main');
            if (mains.length !== 1 || mains[0].id !== 'main')
              problems.push(mains.length + ' main elements (want one, id main)');
            const h1 = [...document.querySelectorAll('h1')]
              .filter(h => h.offsetParent !== null && h.textContent.trim() !== '');
            if (h1.length === 0) problems.push('no visible h1 with text');
            if (!document.querySelector('a.skip-link[href="#main"]'))
              problems.push('no a.skip-link to #main');
            const roles = [['#error', 'role', 'alert'], ['#status', 'role', 'status']];
            for (const [css, name, value] of roles) {
              const el = document.querySelector(css);
              if (!el || el.getAttribute(name) !== value) problems.push(css + ' without ' + name + '=' + value);
            }
            const progress = document.querySelector('#progress');
            if (!progress) problems.push('no #progress');
            else if (!progress.hidden && progress.getAttribute('aria-busy') !== 'true')
              problems.push('#progress shown without aria-busy=true');
            for (const el of document.querySelectorAll('input, select, textarea')) {
              if (el.type === 'hidden') continue;
              const label = el.id && document.querySelector('label[for="' + CSS.escape(el.id) + '"]');
              const byLabel = label && label.textContent.trim() !== '';
              const aria = (el.getAttribute('aria-label') || '').trim() !== '';
              const ids = (el.getAttribute('aria-labelledby') || '').split(/\s+/).filter(Boolean);
              const by = ids.length > 0 && ids.every(id => document.getElementById(id));
              if (!byLabel && !aria && !by)
                problems.push('unlabelled ' + el.outerHTML.slice(0, 120));
            }
            return problems;
            "##,
            vec![json!(lang)],
        );
        serde_json::from_value(problems).unwrap()
    }

    /// [`Self::page_problems`] until there are none (pages render
    /// asynchronously), else fail with the last ones.
    fn check_page(&self, name: &str, lang: &str) {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let problems = self.page_problems(lang);
            if problems.is_empty() {
                return;
            }
            if Instant::now() > deadline {
                self.b.fail(&format!("page {name}: {problems:#?}"));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// The route part of every link in `nav#main-nav`.
    fn nav_routes(&self) -> BTreeSet<String> {
        let nav = self.b.el("nav#main-nav");
        self.b
            .find_in(&nav, "a[href]")
            .iter()
            .filter(|a| self.b.displayed(a))
            .filter_map(|a| self.b.attr(a, "href"))
            .filter_map(|h| h.split_once('#').map(|(_, r)| r.to_owned()))
            .collect()
    }

    /// The open listbox of a typeahead input: the one its `aria-controls`
    /// names, else any shown listbox; its options when it shows some.
    fn listbox_options(&self, input: &Element) -> Vec<Element> {
        let listbox = match self.b.attr(input, "aria-controls") {
            Some(id) if !id.is_empty() => self.b.find(&format!("#{id}")),
            _ => self
                .b
                .find_all("ul[role=listbox]")
                .into_iter()
                .find(|l| self.b.displayed(l)),
        };
        let Some(listbox) = listbox.filter(|l| self.b.displayed(l)) else {
            return Vec::new();
        };
        self.b
            .find_in(&listbox, "li[role=option]")
            .into_iter()
            .filter(|o| self.b.displayed(o))
            .collect()
    }

    /// Type `text` into a typeahead, wait for its options, pick the first
    /// with ArrowDown + Enter; the option's text.
    fn typeahead_pick(&self, css: &str, text: &str) -> String {
        let input = self.b.el(css);
        self.b.click(&input);
        self.b.clear(&input);
        self.b.send_keys(&input, text);
        let options = self.b.wait_for(SLOW, &format!("options of {css}"), || {
            let o = self.listbox_options(&input);
            (!o.is_empty()).then_some(o)
        });
        let first = self.b.text(&options[0]);
        self.b.press(keys::ARROW_DOWN);
        self.b.wait(&format!("first option of {css} active"), || {
            let active = self
                .b
                .attr(&input, "aria-activedescendant")
                .unwrap_or_default();
            let selected = self
                .b
                .attr(&options[0], "aria-selected")
                .unwrap_or_default();
            let id = self.b.attr(&options[0], "id").unwrap_or_default();
            (selected == "true" || (!active.is_empty() && active == id)).then_some(())
        });
        self.b.press(keys::ENTER);
        self.b.wait(&format!("{css} listbox closed"), || {
            self.listbox_options(&input).is_empty().then_some(())
        });
        first
    }
}

#[test]
fn browser_flows() {
    if browser_available().is_none() {
        return;
    }
    let started = Instant::now();
    let demo = Demo::start();
    let server_ready = started.elapsed();
    let driver = Driver::start();
    let downloads = tempfile::tempdir().unwrap();
    let mut browser = driver.session(downloads.path());
    browser.screenshots = screenshots_dir();
    let ui = Ui {
        b: &browser,
        demo: &demo,
    };

    signin_page(&ui);
    roles_and_navigation(&ui);
    let introduced = adviser_search_match_introduce(&ui);
    let hidden = employer_posts_hidden_vacancy(&ui, &introduced);
    hidden_vacancy_visibility(&ui, &hidden);
    coding_review(&ui);
    analyst_picture(&ui, downloads.path());
    effectiveness::analyst_trend(&ui, downloads.path());
    effectiveness::adviser_effectiveness(&ui);
    adviser_cohorts(&ui);
    outreach::contact_need_hidden_vacancy(&ui);
    let created = profiles::create_with_keyboard(&ui);
    profiles::intake_from_cv(&ui);
    profiles::office_list(&ui, &created);
    profiles::managed_profile(&ui, &created);
    profiles::edit_with_concurrent_change(&ui, &created);
    profiles::errors_next_to_fields(&ui, &created);
    profiles::export(&ui, &created, downloads.path());
    profiles::other_office_and_recruiter(&ui, &created);
    profiles::erase(&ui, &created);
    languages(&ui);
    keyboard_only(&ui, &introduced);
    outcomes::employer_marks_the_hire(&ui, &introduced);
    api_reference(&ui);

    let uncaught: Vec<_> = browser
        .console()
        .into_iter()
        .filter(|(_, m)| m.contains("Uncaught") || m.contains("Content Security Policy"))
        .collect();
    assert!(uncaught.is_empty(), "script errors: {uncaught:#?}");
    eprintln!(
        "browser flows: {:.1?} in all, of which {:.1?} to start the demo; screenshots in {}",
        started.elapsed(),
        server_ready,
        browser.screenshots.display()
    );
}

/// `/docs`: the API reference renders offline, under the UI's policy, from
/// the server's own document (the console check after the flows catches a
/// policy violation).
fn api_reference(ui: &Ui) {
    ui.b.goto(&format!("{}/docs", ui.demo.base()));
    let tags = ui.b.wait("the role sections of /docs", || {
        let tags = ui.b.find_all(".opblock-tag");
        (tags.len() >= 6).then_some(tags)
    });
    let names: Vec<String> = tags.iter().map(|t| ui.b.text(t)).collect();
    for role in ["adviser", "recruiter", "employer", "analyst", "admin"] {
        assert!(names.iter().any(|n| n.starts_with(role)), "{names:?}");
    }
    ui.b.click(&tags[0]);
    let paths = ui.b.wait("the adviser's operations", || {
        let paths: Vec<String> =
            ui.b.find_all(".opblock-summary-path")
                .iter()
                .map(|p| ui.b.text(p))
                .collect();
        (!paths.is_empty()).then_some(paths)
    });
    assert!(
        paths.iter().any(|p| p.contains("/v1/profiles")),
        "{paths:?}"
    );
    ui.b.screenshot("api-docs");
}

/// The sign-in page, and a bad token answered in words in `#error`.
fn signin_page(ui: &Ui) {
    ui.b.goto(&format!("{}/", ui.demo.base()));
    ui.wait_route("/signin");
    ui.check_page("signin", "fi");
    assert!(
        ui.error_text().is_empty(),
        "an error before anything happened"
    );
    assert!(ui
        .b
        .find("nav#main-nav a")
        .is_none_or(|a| !ui.b.displayed(&a)));
    ui.b.screenshot("signin");

    let input = ui.b.el("input#token");
    ui.b.send_keys(&input, "koh_not_a_real_token");
    ui.b.click(&ui.b.el("form#signin-form button[type=submit]"));
    let error = ui.wait_text("#error", SLOW);
    assert_human("bad token", &error);
    assert_eq!(error, ui.demo.message("fi", "error.invalid_token"));
    assert_eq!(ui.b.route(), "/signin");
    assert_eq!(
        ui.b.attr(&ui.b.el("#error"), "role").as_deref(),
        Some("alert")
    );
}

/// Each role lands on its home with exactly its navigation and its role in
/// `#whoami`; signing out returns to the sign-in page.
fn roles_and_navigation(ui: &Ui) {
    let mut whoami = BTreeSet::new();
    for role in ["adviser", "recruiter", "employer", "analyst"] {
        ui.sign_in_as(role);
        assert!(ui.error_text().is_empty(), "{role}: {}", ui.error_text());
        let routes = ui.nav_routes();
        let expected: BTreeSet<String> = expected_nav(role).into_iter().map(String::from).collect();
        assert_eq!(routes, expected, "navigation of {role}");
        let who = ui.wait_text("#whoami", SLOW);
        whoami.insert(who);
        assert!(ui.displayed("button#signout"));
    }
    assert_eq!(
        whoami.len(),
        4,
        "#whoami names every role differently: {whoami:?}"
    );
    ui.sign_out();
    assert!(ui
        .b
        .find("nav#main-nav a")
        .is_none_or(|a| !ui.b.displayed(&a)));
}

/// What the adviser part found: the vacancy and the introduced profile.
struct Introduced {
    vacancy: i64,
    title: String,
    profile: i64,
}

/// A vacancy of the demo employer that has candidates: its id and title.
fn employer_vacancy_with_candidates(demo: &Demo) -> (i64, String) {
    let (status, own) = demo.api(demo.token("employer"), "/v1/me/vacancies");
    assert_eq!(status, 200, "{own}");
    let adviser = demo.token("adviser");
    for v in own["items"].as_array().unwrap() {
        if v["visibility"] != "public" || v["status"] != "open" {
            continue;
        }
        let id = v["id"].as_i64().unwrap();
        let (status, ranked) = demo.api(adviser, &format!("/v1/vacancies/{id}/candidates?limit=5"));
        assert_eq!(status, 200, "{ranked}");
        let usable = ranked["results"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| !r["score"]["matched_skills"].as_array().unwrap().is_empty());
        if usable {
            return (id, v["title"].as_str().unwrap().to_owned());
        }
    }
    panic!("no open public vacancy of the demo employer has candidates with matched skills");
}

/// Adviser: search, open a vacancy, its explained candidates, a candidate's
/// vacancies, then introduce the candidate.
fn adviser_search_match_introduce(ui: &Ui) -> Introduced {
    let (vacancy, title) = employer_vacancy_with_candidates(ui.demo);
    ui.sign_in_as("adviser");
    ui.check_page("search", "fi");

    let q = ui.b.el("form#search-form input#q");
    ui.b.clear(&q);
    ui.b.send_keys(&q, &title);
    let regions = ui.b.find_in(&ui.b.el("select#region"), "option");
    assert_eq!(regions.len(), 20, "19 regions and all");
    ui.b.click(&ui.b.el("form#search-form button[type=submit]"));
    // The search is in the route; its results replace the newest vacancies
    // the page opened with.
    let link = format!("ul#results li.result a[href$='#/vacancies/{vacancy}']");
    ui.b.wait_for(SLOW, "the vacancy among the search results", || {
        searched(&ui.b.route()).then_some(())?;
        ui.b.find(&link)
    });
    let results = ui.b.find_all("ul#results li.result");
    let mut ids = Vec::new();
    for r in &results {
        let a = ui.b.find_in(r, "a[href]");
        assert!(!a.is_empty(), "a result without a link");
        let href = ui.b.attr(&a[0], "href").unwrap();
        ids.push(vacancy_id(&href).unwrap_or_else(|| panic!("result links to {href}")));
    }
    assert!(
        ids.contains(&vacancy),
        "vacancy {vacancy} ({title}) not in {ids:?}"
    );
    assert!(!ui.b.text_of("#facets").trim().is_empty(), "no facets");
    ui.b.screenshot("search");

    // The vacancy, its candidates and their explanations.
    let link = results
        .iter()
        .flat_map(|r| ui.b.find_in(r, "a[href]"))
        .find(|a| ui.b.attr(a, "href").and_then(|h| vacancy_id(&h)) == Some(vacancy))
        .unwrap();
    ui.b.click(&link);
    ui.wait_route(&format!("/vacancies/{vacancy}"));
    let heading = ui.wait_text("h1#vacancy-title", SLOW);
    assert!(
        heading.contains(title.trim()),
        "{heading:?} is not {title:?}"
    );
    let candidates = ui.b.wait_for(SLOW, "candidates", || {
        let c = ui.b.find_all("ul#candidates li.candidate");
        (!c.is_empty()).then_some(c)
    });
    ui.check_page("vacancy", "fi");
    let (_, ranked) = ui.demo.api(
        ui.demo.token("adviser"),
        &format!("/v1/vacancies/{vacancy}/candidates?scope=nationwide&limit=100&lang=fi"),
    );
    let by_id: BTreeMap<i64, &Value> = ranked["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["id"].as_i64().unwrap(), r))
        .collect();
    let mut compared = 0;
    let mut first_profile = None;
    for c in &candidates {
        for part in [
            ".score",
            ".matched-skills",
            ".missing-skills",
            ".distance",
            ".contributions",
        ] {
            assert!(
                !ui.b.find_in(c, part).is_empty(),
                "a candidate without {part}"
            );
        }
        assert!(!ui.b.find_in(c, "button.introduce").is_empty());
        let profile =
            ui.b.find_in(c, "a[href*='#/profiles/']")
                .first()
                .and_then(|a| ui.b.attr(a, "href"))
                .and_then(|h| profile_id(&h))
                .expect("a candidate without a link to the profile");
        first_profile.get_or_insert(profile);
        // textContent: the contributions sit in a closed <details>.
        let text_of = |css: &str| {
            ui.b.find_in(c, css)
                .first()
                .and_then(|e| ui.b.prop(e, "textContent").as_str().map(str::to_owned))
                .unwrap_or_default()
        };
        assert!(!text_of(".score").trim().is_empty());
        assert!(!text_of(".contributions").trim().is_empty());
        if let Some(api) = by_id.get(&profile) {
            compared += 1;
            let flagged = api["cross_regional"]["flagged"] == true;
            let shown = !ui.b.find_in(c, ".cross-regional").is_empty();
            assert_eq!(shown, flagged, "profile {profile}: .cross-regional");
            let reason = api["score"]["mobility"]["reason"]
                .as_str()
                .unwrap_or_default();
            assert!(
                text_of(".distance").contains(reason),
                "profile {profile}: mobility reason {reason:?} not in {:?}",
                text_of(".distance")
            );
            if api["score"]["mobility"]["distance_km"].is_number() {
                assert!(
                    text_of(".distance").contains("km"),
                    "{}",
                    text_of(".distance")
                );
            }
            for skill in api["score"]["matched_skills"].as_array().unwrap() {
                let skill = skill.as_str().unwrap();
                assert!(
                    text_of(".matched-skills").contains(skill),
                    "profile {profile}: matched skill {skill:?} not in {:?}",
                    text_of(".matched-skills")
                );
            }
        }
    }
    assert!(compared > 0, "no candidate shown is one the API ranks");
    ui.b.screenshot("vacancy");

    // The jobseeker and the vacancies that fit them.
    let profile = first_profile.unwrap();
    ui.b.click(&ui.b.find_in(&candidates[0], "a[href*='#/profiles/']")[0]);
    ui.wait_route(&format!("/profiles/{profile}"));
    ui.wait_text("h1#profile-title", SLOW);
    let fits = ui.b.wait_for(SLOW, "vacancies of the profile", || {
        let v = ui.b.find_all("ul#vacancies li.vacancy");
        (!v.is_empty()).then_some(v)
    });
    for v in &fits {
        let href =
            ui.b.find_in(v, "a[href]")
                .first()
                .and_then(|a| ui.b.attr(a, "href"));
        assert!(href.as_deref().and_then(vacancy_id).is_some(), "{href:?}");
    }
    ui.check_page("profile", "fi");
    ui.b.screenshot("profile");

    // Introduce the first candidate: a confirmation in #status.
    ui.goto(&format!("/vacancies/{vacancy}"));
    let first = ui.b.wait_for(SLOW, "candidates again", || {
        ui.b.find_all("ul#candidates li.candidate")
            .into_iter()
            .next()
    });
    let button = ui.b.find_in(&first, "button.introduce")[0].clone();
    ui.b.click(&button);
    let status = ui.wait_text("#status", SLOW);
    assert_human("introduction", &status);
    assert!(ui.error_text().is_empty(), "{}", ui.error_text());
    let (_, intros) = ui.demo.api(
        ui.demo.token("adviser"),
        &format!("/v1/vacancies/{vacancy}/introductions"),
    );
    let shown_first =
        ui.b.find_in(&first, "a[href*='#/profiles/']")
            .first()
            .and_then(|a| ui.b.attr(a, "href"))
            .and_then(|h| profile_id(&h))
            .unwrap();
    // Introductions name the jobseeker by pseudonym only.
    let pseudonym = by_id
        .get(&shown_first)
        .and_then(|r| r["pseudonym"].as_str())
        .expect("the introduced candidate is in the API's ranking");
    let introduced: Vec<&str> = intros["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["profile"]["pseudonym"].as_str())
        .collect();
    assert_eq!(introduced, [pseudonym], "{intros}");
    Introduced {
        vacancy,
        title,
        profile: shown_first,
    }
}

/// The hidden vacancy the employer posted: id and title.
struct Hidden {
    id: i64,
    title: String,
}

/// Employer: sees the introduction on its vacancy, posts a hidden vacancy
/// with the typeaheads (keyboard), finds it in its list and edits it.
fn employer_posts_hidden_vacancy(ui: &Ui, introduced: &Introduced) -> Hidden {
    ui.sign_in_as("employer");
    let mine = ui.b.wait_for(SLOW, "my vacancies", || {
        let v = ui.b.find_all("ul#my-vacancies li.vacancy");
        (!v.is_empty()).then_some(v)
    });
    assert!(!mine.is_empty());
    ui.check_page("my-vacancies", "fi");

    // The introduction reached the employer, without the jobseeker's contact.
    ui.goto(&format!("/vacancies/{}", introduced.vacancy));
    ui.wait_text("h1#vacancy-title", SLOW);
    ui.wait_text("#match-summary", SLOW);
    let intros = ui.b.wait_for(SLOW, "the introduction", || {
        let i = ui.b.find_all("ul#introductions li:not(.muted)");
        (!i.is_empty()).then_some(i)
    });
    assert_eq!(
        intros.len(),
        1,
        "profile {} introduced once",
        introduced.profile
    );
    assert!(
        ui.b.find("ul#candidates li.candidate").is_none(),
        "an employer sees candidates"
    );
    let edit = ui.b.el("a#edit-vacancy");
    assert!(ui
        .b
        .attr(&edit, "href")
        .unwrap()
        .ends_with(&format!("#/vacancies/{}/edit", introduced.vacancy)));

    // A new hidden vacancy, the occupation and municipality chosen with the keyboard.
    let nav = ui.b.el("nav#main-nav");
    let new =
        ui.b.find_in(&nav, "a[href$='#/vacancies/new']")
            .into_iter()
            .next()
            .expect("no link to a new vacancy");
    ui.b.click(&new);
    ui.wait_route("/vacancies/new");
    ui.b.el("form#vacancy-form");
    ui.check_page("vacancy-form", "fi");
    let title = format!("Yöhoitaja Kanervala {}", std::process::id());
    ui.b.send_keys(&ui.b.el("input#title"), &title);
    ui.b.send_keys(
        &ui.b.el("textarea#description"),
        "Yövuorot vuodeosastolla. Tunnussana kanervala.",
    );
    let occupation = ui.typeahead_pick("input#occupation", "sairaanhoitaja");
    let chosen = ui.b.prop(&ui.b.el("input#occupation"), "value");
    assert!(
        !chosen.as_str().unwrap_or_default().is_empty(),
        "occupation input empty after choosing {occupation:?}"
    );

    // Escape closes a typeahead's list without choosing.
    let skills = ui.b.el("input#skills");
    ui.b.click(&skills);
    ui.b.send_keys(&skills, "potilas");
    ui.b.wait_for(SLOW, "skill options", || {
        (!ui.listbox_options(&skills).is_empty()).then_some(())
    });
    ui.b.press(keys::ESCAPE);
    ui.b.wait("skill listbox closed by Escape", || {
        ui.listbox_options(&skills).is_empty().then_some(())
    });
    let skill = ui.typeahead_pick("input#skills", "potilas");
    let chips = ui.b.find_all("#skill-chips li");
    assert_eq!(chips.len(), 1, "one skill chip after choosing {skill:?}");
    let municipality = ui.typeahead_pick("input#municipality-input", "Tampere");
    assert!(municipality.contains("Tampere"), "{municipality:?}");
    ui.b.select("select#visibility", "hidden");
    ui.b.screenshot("vacancy-form");
    ui.b.click(&ui.b.el("form#vacancy-form button[type=submit]"));
    let id = ui.b.wait_for(SLOW, "the saved vacancy's page", || {
        let route = ui.b.route();
        let id = route.strip_prefix("/vacancies/")?.parse::<i64>().ok()?;
        Some(id)
    });
    assert_human("saved", &ui.wait_text("#status", SLOW));
    assert!(ui.wait_text("h1#vacancy-title", SLOW).contains(&title));

    let (status, saved) = ui
        .demo
        .api(ui.demo.token("employer"), &format!("/v1/vacancies/{id}"));
    assert_eq!(status, 200, "{saved}");
    assert_eq!(saved["visibility"], "hidden", "{saved}");
    assert_eq!(saved["municipality_code"], "837", "{saved}");
    assert!(saved["occupation_uri"].is_string(), "{saved}");
    assert!(
        saved["skills"].as_array().is_some_and(|s| !s.is_empty()),
        "skill {skill:?} not saved: {saved}"
    );

    // In the employer's own list.
    let nav = ui.b.el("nav#main-nav");
    let list =
        ui.b.find_in(&nav, "a[href$='#/my-vacancies']")
            .into_iter()
            .next()
            .unwrap();
    ui.b.click(&list);
    ui.wait_route("/my-vacancies");
    ui.b.wait_for(SLOW, "the new vacancy in my vacancies", || {
        ui.b.find(&format!(
            "ul#my-vacancies li.vacancy a[href$='#/vacancies/{id}']"
        ))
    });
    ui.b.screenshot("my-vacancies");

    // Edit: the form comes filled in; a change is saved.
    ui.goto(&format!("/vacancies/{id}"));
    ui.b.click(&ui.b.el("a#edit-vacancy"));
    ui.wait_route(&format!("/vacancies/{id}/edit"));
    let title_input = ui.b.el("form#vacancy-form input#title");
    ui.b.wait("the form filled in", || {
        (ui.b.prop(&title_input, "value") == title.as_str()).then_some(())
    });
    assert_eq!(ui.b.prop(&ui.b.el("select#visibility"), "value"), "hidden");
    let description = ui.b.el("textarea#description");
    ui.b.clear(&description);
    ui.b.send_keys(&description, "Yövuorot, muokattu. Tunnussana kanervala.");
    ui.b.click(&ui.b.el("form#vacancy-form button[type=submit]"));
    ui.wait_route(&format!("/vacancies/{id}"));
    assert_human("saved again", &ui.wait_text("#status", SLOW));
    let (_, edited) = ui
        .demo
        .api(ui.demo.token("employer"), &format!("/v1/vacancies/{id}"));
    assert_eq!(
        edited["description"],
        "Yövuorot, muokattu. Tunnussana kanervala."
    );
    assert_eq!(edited["visibility"], "hidden");
    Hidden { id, title }
}

/// Who sees the hidden vacancy (docs/api.md, Roles): another employer and
/// an agency it is not shared with get a translated "not found"; every
/// adviser sees it.
fn hidden_vacancy_visibility(ui: &Ui, hidden: &Hidden) {
    let other = ui.demo.other_employer.clone();
    ui.sign_in(&other);
    ui.wait_route("/my-vacancies");
    ui.b.el("ul#my-vacancies");
    assert!(
        ui.b.find(&format!(
            "ul#my-vacancies a[href$='#/vacancies/{}']",
            hidden.id
        ))
        .is_none(),
        "another employer lists the hidden vacancy"
    );
    not_found_for(ui, "other-employer", hidden);
    ui.sign_in(ui.demo.token("recruiter"));
    ui.wait_route("/my-vacancies");
    not_found_for(ui, "recruiter", hidden);

    ui.sign_in_as("adviser");
    ui.goto(&format!("/vacancies/{}", hidden.id));
    let heading = ui.wait_text("h1#vacancy-title", SLOW);
    assert!(heading.contains(&hidden.title), "{heading:?}");
    assert!(ui.error_text().is_empty(), "{}", ui.error_text());
}

/// The hidden vacancy's page as the signed-in caller: a "not found" in
/// words, nothing of the vacancy.
fn not_found_for(ui: &Ui, who: &str, hidden: &Hidden) {
    ui.goto(&format!("/vacancies/{}", hidden.id));
    let error = ui.wait_text("#error", SLOW);
    assert_human(who, &error);
    assert_eq!(error, ui.demo.message("fi", "error.not_found"), "{who}");
    let page =
        ui.b.exec("return document.body.innerText;", vec![])
            .as_str()
            .unwrap_or_default()
            .to_owned();
    assert!(
        !page.contains("Kanervala"),
        "{who} sees the hidden vacancy: {page}"
    );
    ui.b.screenshot(&format!("hidden-{who}"));
}

/// Analyst: the map with 19 regions and the boundaries' attribution under
/// it, the switch to the 308 municipalities and back, the heatmap,
/// mismatch, flows, and the CSV download.
fn analyst_picture(ui: &Ui, downloads: &Path) {
    ui.sign_in_as("analyst");
    // The 19 regions, each named by a <title> (labels may carry the
    // region code too).
    let titled = ui.b.wait_for(SLOW, "19 regions on the map", || {
        let titled = ui.b.exec(
            "return [...new Set([...document.querySelectorAll('svg#map [data-region]')]
               .filter(r => r.querySelector('title') && r.querySelector('title').textContent.trim())
               .map(r => r.getAttribute('data-region')))].sort();",
            vec![],
        );
        let titled: Vec<String> = serde_json::from_value(titled).ok()?;
        (titled.len() == 19).then_some(titled)
    });
    let codes: BTreeSet<String> =
        ui.b.find_all("svg#map [data-region]")
            .iter()
            .filter_map(|r| ui.b.attr(r, "data-region"))
            .collect();
    assert_eq!(codes.len(), 19, "region codes on the map: {codes:?}");
    assert_eq!(
        codes,
        titled.into_iter().collect(),
        "a region without a <title>"
    );
    assert_eq!(ui.b.find_all("svg#map path.region").len(), 19);
    assert_eq!(
        ui.b.text_of("#map-attribution").trim(),
        ui.demo.message("fi", "picture.attribution")
    );
    assert!(ui
        .demo
        .message("fi", "picture.attribution")
        .starts_with("Lähde: Tilastokeskus"));

    // The municipalities, coloured by their own picture, each titled, with
    // their figures in a table; then back to the regions.
    ui.b.select("select#map-level", "municipality");
    ui.b.wait_for(SLOW, "308 municipalities on the map", || {
        let titled = ui.b.exec(
            "return [...document.querySelectorAll('svg#map path[data-municipality]')]
               .filter(p => /heat-/.test(p.getAttribute('class'))
                 && p.querySelector('title').textContent.includes(':')).length;",
            vec![],
        );
        (titled.as_u64() == Some(308)).then_some(())
    });
    assert_eq!(
        ui.b.text_of("#map-heading").trim(),
        ui.demo.message("fi", "picture.map_municipality")
    );
    assert_eq!(ui.b.find_all("table#municipalities tbody tr").len(), 308);
    assert!(ui.b.find("svg#map path.region-borders").is_some());
    ui.check_page("picture-municipalities", "fi");
    ui.b.screenshot("picture-municipalities");
    ui.b.select("select#map-level", "region");
    ui.b.wait_for(SLOW, "the regions again", || {
        (ui.b.find_all("svg#map path.region").len() == 19
            && ui.b.find("table#municipalities").is_none())
        .then_some(())
    });
    ui.b.wait_for(SLOW, "heatmap rows", || {
        (ui.b.find_all("table#heatmap tbody tr").len() > 1).then_some(())
    });
    ui.wait_text("#mismatch", SLOW);
    ui.b.el("table#flows");
    ui.check_page("picture", "fi");
    ui.b.screenshot("picture");

    let button =
        ui.b.find("button#download-csv")
            .or_else(|| ui.b.find("a#download-csv"))
            .expect("no #download-csv");
    ui.b.click(&button);
    let csv = ui.b.wait_for(SLOW, "a downloaded CSV file", || {
        std::fs::read_dir(downloads)
            .ok()?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .find(|p| p.extension().is_some_and(|x| x == "csv"))
    });
    let text = std::fs::read_to_string(&csv).unwrap();
    let header = text.lines().next().unwrap_or_default();
    assert!(
        header.split(',').count() > 2,
        "{}: {header:?}",
        csv.display()
    );
    assert!(text.lines().count() > 2, "{}: {text:?}", csv.display());
    assert!(ui.error_text().is_empty(), "{}", ui.error_text());
}

/// Adviser: a cohort of the office's jobseekers, assigned nationwide.
fn adviser_cohorts(ui: &Ui) {
    let (status, profiles) = ui
        .demo
        .api(ui.demo.token("adviser"), "/v1/profiles?limit=20");
    assert_eq!(status, 200, "{profiles}");
    let ids: Vec<String> = profiles["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].to_string())
        .collect();
    assert!(!ids.is_empty());
    ui.sign_in_as("adviser");
    let nav = ui.b.el("nav#main-nav");
    let link =
        ui.b.find_in(&nav, "a[href$='#/cohorts']")
            .into_iter()
            .next()
            .unwrap();
    ui.b.click(&link);
    ui.wait_route("/cohorts");
    ui.b.el("form#cohort-form");
    ui.check_page("cohorts", "fi");
    ui.b.send_keys(&ui.b.el("#cohort-name"), "Sulkeutuva tehdas");
    ui.b.send_keys(&ui.b.el("#cohort-employer"), "Tehdas Oy");
    ui.b.send_keys(&ui.b.el("textarea#cohort-profiles"), &ids.join("\n"));
    ui.b.click(&ui.b.el("button#run-assignment"));
    ui.wait_text("#assignment-report", SLOW);
    assert!(ui.error_text().is_empty(), "{}", ui.error_text());
    ui.b.screenshot("cohorts");
}

/// fi → sv → en: `<html lang>`, labels and errors follow; the choice
/// survives a reload.
fn languages(ui: &Ui) {
    ui.sign_in_as("adviser");
    let mut labels = BTreeMap::new();
    let mut errors = BTreeMap::new();
    for lang in ["fi", "sv", "en"] {
        ui.goto("/search");
        ui.b.select("select#lang", lang);
        ui.b.wait(&format!("<html lang={lang}>"), || {
            (ui.b.exec("return document.documentElement.lang;", vec![]) == lang).then_some(())
        });
        ui.b.el("form#search-form");
        ui.check_page(&format!("search-{lang}"), lang);
        let label = ui.b.text_of("label[for=q]");
        assert_eq!(label, ui.demo.message(lang, "search.q"), "label[for=q]");
        labels.insert(lang, label);
        assert_eq!(
            ui.b.text_of("button#signout"),
            ui.demo.message(lang, "signout")
        );
        if lang == "sv" {
            ui.b.refresh();
            ui.b.el("form#search-form");
            assert_eq!(
                ui.b.exec("return document.documentElement.lang;", vec![]),
                "sv",
                "the language did not survive a reload"
            );
            assert_eq!(ui.b.prop(&ui.b.el("select#lang"), "value"), "sv");
            ui.b.screenshot("search-sv");
        }
        // An error in this language: a vacancy that does not exist.
        ui.goto("/vacancies/987654321");
        let error = ui.wait_text("#error", SLOW);
        assert_human(&format!("not found ({lang})"), &error);
        assert_eq!(error, ui.demo.message(lang, "error.not_found"));
        errors.insert(lang, error);
        // The profile form, the largest page, in this language: its
        // title, labelled fields and no message key left untranslated.
        ui.goto("/profiles/new");
        ui.b.el("form#profile-form");
        ui.check_page(&format!("profile-form-{lang}"), lang);
        assert_eq!(
            ui.wait_text("#view h1", SLOW).trim(),
            ui.demo.message(lang, "pform.new_title")
        );
        let text = ui.b.exec("return document.body.innerText;", vec![]);
        let keys: Vec<&str> = text
            .as_str()
            .unwrap_or_default()
            .split(|c: char| c.is_whitespace() || c == '(' || c == ')')
            .filter(|w| {
                w.split_once('.').is_some_and(|(prefix, rest)| {
                    !rest.is_empty()
                        && rest
                            .chars()
                            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
                        && ui.demo.messages["fi"]
                            .as_object()
                            .is_some_and(|m| m.keys().any(|k| k.starts_with(&format!("{prefix}."))))
                })
            })
            .collect();
        assert!(keys.is_empty(), "untranslated keys in {lang}: {keys:?}");
    }
    let distinct: BTreeSet<_> = labels.values().collect();
    assert_eq!(distinct.len(), 3, "label[for=q] in fi, sv, en: {labels:?}");
    let distinct: BTreeSet<_> = errors.values().collect();
    assert_eq!(distinct.len(), 3, "not found in fi, sv, en: {errors:?}");
    // Back to Finnish for what follows.
    ui.goto("/search");
    ui.b.select("select#lang", "fi");
    ui.b.wait("<html lang=fi>", || {
        (ui.b.exec("return document.documentElement.lang;", vec![]) == "fi").then_some(())
    });
}

/// Tab to the element `css` matches, asserting that every element reached
/// shows a focus outline; at most `max` presses.
fn tab_to(ui: &Ui, css: &str, max: usize) -> Element {
    for _ in 0..max {
        ui.b.press(keys::TAB);
        let focus = ui.b.exec(
            "const e = document.activeElement; const s = getComputedStyle(e);
             return {tag: e.tagName, html: e.outerHTML.slice(0, 120),
                     matches: e.matches(arguments[0]),
                     outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0};",
            vec![json!(css)],
        );
        if focus["tag"] != "BODY" {
            assert!(
                focus["outline"] == true,
                "no visible focus outline on {}",
                focus["html"]
            );
        }
        if focus["matches"] == true {
            return ui.b.active();
        }
    }
    ui.b.fail(&format!("{css} not reached with {max} Tabs"));
}

/// Sign in, search, open a result and reach a candidate with Tab and Enter
/// only.
fn keyboard_only(ui: &Ui, known: &Introduced) {
    ui.sign_out();
    // A fresh page: the first Tab reaches the skip link.
    ui.b.goto(&format!("{}/", ui.demo.base()));
    ui.wait_route("/signin");
    let skip = tab_to(ui, "a.skip-link", 1);
    assert!(
        ui.b.displayed(&skip),
        "the skip link stays invisible when focused"
    );

    tab_to(ui, "input#token", 30);
    ui.b.press(ui.demo.token("adviser"));
    ui.b.press(keys::ENTER);
    ui.wait_route("/search");

    ui.b.el("form#search-form input#q");
    tab_to(ui, "input#q", 40);
    ui.b.press(&known.title);
    ui.b.press(keys::ENTER);
    ui.b.wait("the search in the route", || {
        searched(&ui.b.route()).then_some(())
    });
    let result = format!(
        "ul#results li.result a[href$='#/vacancies/{}']",
        known.vacancy
    );
    ui.b.wait_for(SLOW, "results", || ui.b.find(&result));
    tab_to(ui, &result, 60);
    let vacancy = known.vacancy;
    ui.b.press(keys::ENTER);
    ui.wait_route(&format!("/vacancies/{vacancy}"));
    ui.b.wait_for(SLOW, "candidates", || {
        ui.b.find("ul#candidates li.candidate")
    });
    let link = tab_to(ui, "ul#candidates li.candidate a[href*='#/profiles/']", 80);
    let profile = profile_id(&ui.b.attr(&link, "href").unwrap()).unwrap();
    ui.b.press(keys::ENTER);
    ui.wait_route(&format!("/profiles/{profile}"));
    ui.wait_text("h1#profile-title", SLOW);
}

/// A vacancy the coder was unsure of: the adviser sees the review and its
/// suggestions without buttons; the owner picks a suggestion and the review
/// is over.
fn coding_review(ui: &Ui) {
    let employer = ui.demo.token("employer").to_owned();
    let (status, posted) = ui.demo.post(
        &employer,
        "/v1/vacancies",
        &serde_json::json!({"title": "Työntekijä", "municipality_code": "091"}),
    );
    assert_eq!(status, 201, "{posted}");
    assert_eq!(posted["coding"]["status"], "needs_review", "{posted}");
    let id = posted["id"].as_i64().unwrap();

    ui.sign_in_as("adviser");
    ui.goto(&format!("/vacancies/{id}"));
    ui.wait_text("section#coding-review h2", SLOW);
    let suggestions = ui.b.find_all("ul#coding-suggestions li");
    assert!(!suggestions.is_empty());
    assert!(ui.b.find("ul#coding-suggestions button").is_none());
    ui.check_page("coding-review", "fi");

    ui.sign_in_as("employer");
    ui.goto(&format!("/vacancies/{id}"));
    ui.wait_text("section#coding-review h2", SLOW);
    let button =
        ui.b.find("ul#coding-suggestions button")
            .expect("the owner can choose a suggestion");
    ui.b.click(&button);
    ui.b.wait_for(SLOW, "the review to end", || {
        ui.b.find("section#coding-review").is_none().then_some(())
    });
    let (_, after) = ui.demo.api(&employer, &format!("/v1/vacancies/{id}"));
    assert!(after["occupation_uri"].is_string(), "{after}");
    assert!(after["coding"].is_null(), "{after}");
}
