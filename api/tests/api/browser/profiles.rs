//! The adviser's whole cycle with a jobseeker, in the browser: create a
//! profile with the keyboard only (typeaheads, client-side errors next to
//! their fields), intake from a pasted Finnish CV (accept, reject, the
//! highlighted spans), the office's list with its counts and filters, an
//! edit that meets a concurrent change (409: a message, nothing
//! overwritten), export, and erasure; then what another office's adviser
//! and a recruiter may see of the same people.

use std::path::Path;

use serde_json::{json, Value};

use super::{assert_human, tab_to, Ui, SLOW};
use crate::webdriver::keys;

/// A profile the flows made: its id and the name they gave it.
pub(super) struct Created {
    pub id: i64,
    pub name: String,
}

/// The CV the intake reads: occupations with years, skills, languages with
/// levels, a licence class and certificates, in Finnish.
const CV: &str = "Olen työskennellyt lähihoitajana 4 vuotta Tampereen kaupungin kotihoidossa \
ja sitä ennen varastotyöntekijänä 2 vuotta. Osaan lääkehoidon, haavanhoidon ja \
asiakaspalvelun. Kielitaito: suomi äidinkieli, ruotsi B1, englanti hyvä. \
Minulla on B-ajokortti, hygieniapassi ja ensiapukortti EA1.";

impl Ui<'_> {
    pub(super) fn value(&self, css: &str) -> String {
        self.b
            .prop(&self.b.el(css), "value")
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// The text of the error shown next to the field `id`, and that the
    /// field points to it (aria-invalid, aria-describedby).
    pub(super) fn field_error(&self, id: &str) -> String {
        let el = self.b.el(&format!("#{id}"));
        let text = self.wait_text(&format!("#{id}-error"), SLOW);
        assert_eq!(
            self.b.attr(&el, "aria-invalid").as_deref(),
            Some("true"),
            "#{id} not marked invalid"
        );
        let described = self.b.attr(&el, "aria-describedby").unwrap_or_default();
        assert!(
            described.split(' ').any(|d| d == format!("{id}-error")),
            "#{id} is described by {described:?}, not its error"
        );
        text.trim().to_owned()
    }

    /// Type into a typeahead that has the focus, take its first option
    /// with ArrowDown and Enter (the keyboard only): the option's text.
    pub(super) fn keyboard_pick(&self, text: &str) -> String {
        let input = self.b.active();
        self.b.press(text);
        let options = self.b.wait_for(SLOW, &format!("options for {text:?}"), || {
            let o = self.listbox_options(&input);
            (!o.is_empty()).then_some(o)
        });
        let first = self.b.text(&options[0]);
        self.b.press(keys::ARROW_DOWN);
        self.b.press(keys::ENTER);
        self.b.wait(&format!("the list of {text:?} closed"), || {
            self.listbox_options(&input).is_empty().then_some(())
        });
        first
    }

    fn api_profile(&self, token: &str, id: i64) -> (u16, Value) {
        self.demo.api(token, &format!("/v1/profiles/{id}"))
    }

    fn page_text(&self) -> String {
        self.b
            .exec("return document.body.innerText;", vec![])
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }
}

/// The office's jobseekers → "New jobseeker" → the form, all with the
/// keyboard: an empty save shows the errors next to their fields, then
/// every kind of field is filled in (typeaheads with ArrowDown + Enter,
/// selects by typing, checkboxes with Space) and saved.
pub(super) fn create_with_keyboard(ui: &Ui) -> Created {
    ui.sign_in_as("adviser");
    let nav = ui.b.el("nav#main-nav");
    let link =
        ui.b.find_in(&nav, "a[href$='#/profiles']")
            .into_iter()
            .next()
            .expect("the adviser's navigation links to the jobseekers");
    ui.b.click(&link);
    ui.wait_route("/profiles");
    ui.b.wait_for(SLOW, "the office's jobseekers", || {
        ui.b.find("ul#profiles li.profile")
    });
    tab_to(ui, "a#new-profile", 60);
    ui.b.press(keys::ENTER);
    ui.wait_route("/profiles/new");
    ui.b.el("form#profile-form");
    ui.check_page("profile-form", "fi");

    // Enter in the empty name field submits: the errors stand next to
    // their fields, in Finnish, and the first gets the focus.
    tab_to(ui, "input#full-name", 40);
    ui.b.press(keys::ENTER);
    assert_eq!(
        ui.field_error("full-name"),
        ui.demo.message("fi", "pform.name_required")
    );
    assert_eq!(
        ui.field_error("home-municipality"),
        ui.demo.message("fi", "pform.municipality_required")
    );
    assert_human("form errors", &ui.wait_text("#error", SLOW));
    let focused = ui.b.exec("return document.activeElement.id;", vec![]);
    assert_eq!(
        focused, "full-name",
        "the first invalid field has the focus"
    );
    ui.b.screenshot("profile-form-errors");

    let name = format!("Aino Kanervala {}", std::process::id());
    ui.b.press(&name);
    tab_to(ui, "input#email", 3);
    ui.b.press("aino.kanervala@example.fi");
    tab_to(ui, "input#phone", 3);
    ui.b.press("+358 40 123 4567");
    tab_to(ui, "input#home-municipality", 10);
    let home = ui.keyboard_pick("Tamp");
    assert!(home.contains("Tampere"), "{home:?}");
    // Relocation to listed regions, without a region: Enter in the next
    // text field saves, and the error stands on the regions, which get the
    // focus; Pirkanmaa with Space.
    tab_to(ui, "select#relocation", 5);
    ui.b.press("Valmis muuttamaan t");
    assert_eq!(ui.value("select#relocation"), "regions");
    tab_to(ui, "input#desired-occupations", 30);
    ui.b.press(keys::ENTER);
    assert_eq!(
        ui.field_error("relocation-regions"),
        ui.demo.message("fi", "pform.regions_required")
    );
    let focused = ui.b.exec("return document.activeElement.id;", vec![]);
    assert_eq!(focused, "region-01", "the regions have the focus");
    tab_to(ui, "input#region-06", 8);
    ui.b.press(" ");
    tab_to(ui, "input#desired-occupations", 30);
    let desired = ui.keyboard_pick("sairaanhoitaja");
    assert_eq!(ui.b.find_all("#desired-chips li").len(), 1, "{desired:?}");
    tab_to(ui, "button#add-work-history", 5);
    ui.b.press(keys::ENTER);
    let occupation = ui.keyboard_pick("lähihoitaja");
    let title = ui.b.wait("the title from the occupation", || {
        let t = ui.value("#work-history-rows input[id^=wh-title-]");
        (!t.is_empty()).then_some(t)
    });
    // The option reads "label ISCO code"; the title takes the label.
    assert!(
        occupation.starts_with(&title),
        "the title {title:?} does not follow the occupation {occupation:?}"
    );
    tab_to(ui, "#work-history-rows input[id^=wh-years-]", 3);
    ui.b.press("3");
    tab_to(ui, "input#profile-skills-input", 10);
    let skill = ui.keyboard_pick("potilas");
    assert_eq!(
        ui.b.find_all("#profile-skill-chips li").len(),
        1,
        "{skill:?}"
    );
    tab_to(ui, "select#education-level", 5);
    ui.b.press("3");
    tab_to(ui, "button#add-language", 5);
    ui.b.press(keys::ENTER);
    ui.b.press("ruotsi");
    assert_eq!(ui.value("#language-rows select[id^=lang-code-]"), "sv");
    tab_to(ui, "#language-rows select[id^=lang-level-]", 3);
    ui.b.press("b2");
    assert_eq!(ui.value("#language-rows select[id^=lang-level-]"), "b2");
    tab_to(ui, "input#licence-B", 15);
    ui.b.press(" ");
    tab_to(ui, "input#certificate-input", 20);
    ui.b.press("Hygieniapassi");
    ui.b.press(keys::ENTER);
    assert_eq!(ui.b.find_all("#certificate-chips li").len(), 1);
    tab_to(ui, "input#consent-agencies", 12);
    ui.b.press(" ");
    ui.check_page("profile-form-filled", "fi");
    ui.b.screenshot("profile-form");
    tab_to(ui, "button#save-profile", 6);
    ui.b.press(keys::ENTER);

    let id = ui.b.wait_for(SLOW, "the saved profile's page", || {
        ui.b.route().strip_prefix("/profiles/")?.parse::<i64>().ok()
    });
    assert_human("saved", &ui.wait_text("#status", SLOW));
    assert_eq!(ui.wait_text("h1#profile-title", SLOW).trim(), name);
    let (status, saved) = ui.api_profile(ui.demo.token("adviser"), id);
    assert_eq!(status, 200, "{saved}");
    assert_eq!(saved["contact"]["full_name"], name.as_str(), "{saved}");
    assert_eq!(saved["contact"]["email"], "aino.kanervala@example.fi");
    assert_eq!(saved["home_municipality_code"], "837", "{saved}");
    assert_eq!(saved["relocation"], "regions", "{saved}");
    assert_eq!(saved["relocation_regions"], json!(["06"]), "{saved}");
    assert_eq!(saved["desired_occupations"].as_array().unwrap().len(), 1);
    let history = &saved["work_history"][0];
    assert!(history["occupation_uri"].is_string(), "{saved}");
    assert_eq!(history["years"].as_f64(), Some(3.0), "{saved}");
    assert_eq!(saved["skills"].as_array().unwrap().len(), 1, "{saved}");
    assert_eq!(saved["education_level"], 3, "{saved}");
    assert_eq!(
        saved["languages"],
        json!([{"language": "sv", "level": "b2"}])
    );
    assert_eq!(saved["licences"], json!(["B"]));
    assert_eq!(saved["certificates"], json!(["Hygieniapassi"]));
    assert_eq!(saved["consent_agencies"], true);
    Created { id, name }
}

/// A pasted Finnish CV: suggestions with accept and reject, their spans
/// highlighted; the accepted ones land in the form and are saved.
pub(super) fn intake_from_cv(ui: &Ui) {
    ui.sign_in_as("adviser");
    ui.goto("/profiles/new");
    let text = ui.b.el("textarea#cv-text");
    ui.b.click(&text);
    ui.b.send_keys(&text, CV);
    ui.b.click(&ui.b.el("button#suggest"));
    let items = ui.b.wait_for(SLOW, "suggestions", || {
        let s = ui.b.find_all("#intake-results li.suggestion");
        (!s.is_empty()).then_some(s)
    });
    ui.check_page("intake", "fi");
    let kinds: Vec<String> = items
        .iter()
        .filter_map(|i| ui.b.attr(i, "data-kind"))
        .collect();
    for kind in ["occupation", "skill", "language", "licence", "certificate"] {
        assert!(
            kinds.iter().any(|k| k == kind),
            "no {kind} suggested: {kinds:?}"
        );
    }
    // Each span is marked in the text as the API gave it, and focusing a
    // suggestion highlights its own.
    let chars: Vec<char> = CV.chars().collect();
    let marks = ui.b.exec(
        "return [...document.querySelectorAll('#cv-marked mark')].map(m => [m.dataset.for, m.textContent]);",
        vec![],
    );
    let marks: Vec<(String, String)> = serde_json::from_value(marks).unwrap();
    assert!(!marks.is_empty(), "no <mark> in the text");
    let first = &items[0];
    let first_id = ui.b.attr(first, "id").unwrap();
    let span = ui.b.text(&ui.b.find_in(first, "q.span-text")[0]);
    let covered: String = marks
        .iter()
        .filter(|(ids, _)| ids.split(' ').any(|i| i == first_id))
        .map(|(_, t)| t.as_str())
        .collect();
    assert_eq!(
        covered.trim(),
        span.trim().trim_matches(['“', '”', '"']),
        "the marks of {first_id}"
    );
    assert!(chars.len() > covered.chars().count());
    let accept = ui.b.find_in(first, "button")[0].clone();
    ui.b.exec_on(&accept, "arguments[0].focus();");
    ui.b.wait("the focused suggestion's span highlighted", || {
        let current = ui.b.exec(
            "return [...document.querySelectorAll('#cv-marked mark.current')].map(m => m.dataset.for);",
            vec![],
        );
        let current: Vec<String> = serde_json::from_value(current).ok()?;
        // Scrolling may also put another suggestion under the pointer.
        let mine = current
            .iter()
            .filter(|c| c.split(' ').any(|i| i == first_id))
            .count();
        (mine > 0 && current.len() < marks.len()).then_some(())
    });

    // Occupations go to the work history with their years.
    let occupation = ui.b.el("#intake-occupations li.suggestion");
    let history = ui.b.find_in(&occupation, "button.accept-history")[0].clone();
    ui.b.click(&history);
    assert_eq!(ui.b.attr(&history, "aria-pressed").as_deref(), Some("true"));
    ui.b.wait("a work history row from the CV", || {
        ui.b.find("#work-history-rows li")
    });
    // Every skill but the last accepted, the last rejected.
    let skills = ui.b.find_all("#intake-skills li.suggestion");
    let (rejected, accepted) = skills.split_last().unwrap();
    for s in accepted {
        ui.b.click(&ui.b.find_in(s, "button.accept")[0]);
    }
    // A rejection after an acceptance takes the skill back out.
    ui.b.click(&ui.b.find_in(rejected, "button.accept")[0]);
    ui.b.click(&ui.b.find_in(rejected, "button.reject")[0]);
    assert_eq!(
        ui.b.attr(rejected, "data-decision").as_deref(),
        Some("rejected")
    );
    let rejected_label = ui.b.text(&ui.b.find_in(rejected, ".suggestion-label")[0]);
    for kind in ["language", "licence", "certificate"] {
        for s in ui.b.find_all(&format!("#intake-{kind}s li.suggestion")) {
            ui.b.click(&ui.b.find_in(&s, "button.accept")[0]);
        }
    }
    assert_eq!(
        ui.b.find_all("#profile-skill-chips li").len(),
        accepted.len(),
        "accepted skills as chips"
    );
    ui.b.screenshot("intake");

    // Nothing is saved until the form is: the required fields, then save.
    let (_, before) = ui
        .demo
        .api(ui.demo.token("adviser"), "/v1/profiles?q=Kotihoito&limit=5");
    let name = format!("Kotihoito Intake {}", std::process::id());
    assert!(
        before["items"].as_array().is_none_or(|items| items
            .iter()
            .all(|p| p["contact"]["full_name"] != name.as_str())),
        "saved before the form was"
    );
    ui.b.send_keys(&ui.b.el("input#full-name"), &name);
    ui.typeahead_pick("input#home-municipality", "Tampere");
    ui.b.click(&ui.b.el("button#save-profile"));
    let id = ui.b.wait_for(SLOW, "the saved profile's page", || {
        ui.b.route().strip_prefix("/profiles/")?.parse::<i64>().ok()
    });
    let (status, saved) = ui.api_profile(ui.demo.token("adviser"), id);
    assert_eq!(status, 200, "{saved}");
    let history = saved["work_history"].as_array().unwrap();
    assert!(
        history
            .iter()
            .any(|w| w["occupation_uri"].is_string() && w["years"].as_f64().unwrap_or(0.0) > 0.0),
        "the occupation with its years: {saved}"
    );
    let labels: Vec<&str> = saved["skills"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["label"].as_str())
        .collect();
    assert_eq!(labels.len(), accepted.len(), "{saved}");
    assert!(
        !labels.contains(&rejected_label.as_str()),
        "{rejected_label} rejected but saved"
    );
    assert!(
        saved["licences"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l == "B"),
        "{saved}"
    );
    assert!(
        saved["languages"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["language"] == "sv"),
        "{saved}"
    );
    assert!(
        !saved["certificates"].as_array().unwrap().is_empty(),
        "{saved}"
    );
}

/// `#/profiles`: counts, the search by name, filters in the route, paging.
pub(super) fn office_list(ui: &Ui, created: &Created) {
    ui.sign_in_as("adviser");
    ui.goto("/profiles");
    ui.wait_text("#profile-counts", SLOW);
    let total = ui.b.text_of("#profile-counts");
    assert!(total.chars().any(|c| c.is_ascii_digit()), "{total}");
    ui.b.wait_for(SLOW, "a first page", || {
        (ui.b.find_all("ul#profiles li.profile").len() == 20).then_some(())
    });
    ui.b.click(&ui.b.el("button#profiles-more"));
    ui.b.wait_for(SLOW, "a second page", || {
        (ui.b.find_all("ul#profiles li.profile").len() > 20).then_some(())
    });
    ui.check_page("profiles", "fi");

    let q = ui.b.el("input#profiles-q");
    ui.b.send_keys(&q, "Kanervala");
    ui.b.select("select#profiles-consent", "given");
    ui.b.click(&ui.b.el("form#profiles-form button[type=submit]"));
    ui.b.wait("the search in the route", || {
        let route = ui.b.route();
        (route.contains("q=Kanervala") && route.contains("consent=given")).then_some(())
    });
    let link = format!(
        "ul#profiles li.profile a[href$='#/profiles/{}']",
        created.id
    );
    ui.b.wait_for(SLOW, "the created profile found", || ui.b.find(&link));
    let rows = ui.b.find_all("ul#profiles li.profile");
    assert!(rows.len() < 20, "{} rows for one name", rows.len());
    ui.b.screenshot("profiles");
    ui.b.click(&ui.b.el(&link));
    ui.wait_route(&format!("/profiles/{}", created.id));
    ui.wait_text("h1#profile-title", SLOW);
}

/// The managed view: contact details, consent and last activity, and an
/// "Introduce" per ranked vacancy.
pub(super) fn managed_profile(ui: &Ui, created: &Created) {
    ui.goto(&format!("/profiles/{}", created.id));
    assert_eq!(ui.wait_text("h1#profile-title", SLOW).trim(), created.name);
    let contact = ui.wait_text("section#contact", SLOW);
    assert!(contact.contains("aino.kanervala@example.fi"), "{contact}");
    let page = ui.page_text();
    let consent = ui.demo.message("fi", "consent.given");
    let until = ui.demo.message("fi", "consent.given_until");
    let until = until.split('{').next().unwrap();
    assert!(
        page.contains(&consent) || page.contains(until),
        "no consent in {page}"
    );
    assert!(page.contains(&ui.demo.message("fi", "profile.last_active")));
    let vacancy = ui.b.wait_for(SLOW, "ranked vacancies", || {
        ui.b.find("ul#vacancies li.vacancy")
    });
    ui.check_page("profile-managed", "fi");
    ui.b.screenshot("profile-managed");
    let vacancy_id: i64 =
        ui.b.attr(&vacancy, "data-vacancy")
            .unwrap()
            .parse()
            .unwrap();
    ui.b.click(&ui.b.find_in(&vacancy, "button.introduce")[0]);
    assert_human("introduced", &ui.wait_text("#status", SLOW));
    let (status, intros) = ui.demo.api(
        ui.demo.token("adviser"),
        &format!("/v1/vacancies/{vacancy_id}/introductions"),
    );
    assert_eq!(status, 200, "{intros}");
    assert!(!intros["items"].as_array().unwrap().is_empty(), "{intros}");
}

/// Open the form, change the profile through the API meanwhile, save: the
/// conflict is shown, nothing is overwritten; reloading and saving again
/// works.
pub(super) fn edit_with_concurrent_change(ui: &Ui, created: &Created) {
    let adviser = ui.demo.token("adviser").to_owned();
    ui.goto(&format!("/profiles/{}", created.id));
    ui.b.click(&ui.b.el("a#edit-profile"));
    ui.wait_route(&format!("/profiles/{}/edit", created.id));
    ui.b.wait("the form filled in", || {
        (ui.value("input#full-name") == created.name).then_some(())
    });
    let (_, before) = ui.api_profile(&adviser, created.id);
    let (status, changed) = ui.demo.send(
        reqwest::Method::PATCH,
        &adviser,
        &format!("/v1/profiles/{}", created.id),
        &json!({"version": before["version"], "contact": {"notes": "Muutettu toisaalla"}}),
    );
    assert_eq!(status, 200, "{changed}");

    let phone = ui.b.el("input#phone");
    ui.b.clear(&phone);
    ui.b.send_keys(&phone, "+358 50 000 0000");
    ui.b.click(&ui.b.el("button#save-profile"));
    let notice = ui.wait_text("section#conflict", SLOW);
    assert!(
        notice.contains(&ui.demo.message("fi", "pform.conflict_title")),
        "{notice}"
    );
    assert_eq!(ui.b.route(), format!("/profiles/{}/edit", created.id));
    ui.b.screenshot("profile-conflict");
    let (_, after) = ui.api_profile(&adviser, created.id);
    assert_eq!(after["contact"]["notes"], "Muutettu toisaalla", "{after}");
    assert_eq!(
        after["contact"]["phone"], before["contact"]["phone"],
        "{after}"
    );
    assert_eq!(after["version"], changed["version"]);

    // Reload: the form shows the other change; a new edit is saved on top.
    ui.b.click(&ui.b.el("button#conflict-reload"));
    ui.b.wait("the reloaded form", || {
        (ui.value("textarea#notes") == "Muutettu toisaalla").then_some(())
    });
    let phone = ui.b.el("input#phone");
    ui.b.clear(&phone);
    ui.b.send_keys(&phone, "+358 50 000 0000");
    ui.b.click(&ui.b.el("button#save-profile"));
    ui.wait_route(&format!("/profiles/{}", created.id));
    let (_, saved) = ui.api_profile(&adviser, created.id);
    assert_eq!(saved["contact"]["phone"], "+358 50 000 0000", "{saved}");
    assert_eq!(saved["contact"]["notes"], "Muutettu toisaalla", "{saved}");
}

/// A range the form checks itself, then one only the server knows (a
/// date past 2200): each error lands next to its field, the server's by
/// the problem's `field`.
pub(super) fn errors_next_to_fields(ui: &Ui, created: &Created) {
    ui.goto(&format!("/profiles/{}/edit", created.id));
    ui.b.wait("the form filled in", || {
        (ui.value("input#full-name") == created.name).then_some(())
    });
    let years = ui.b.el("#work-history-rows input[id^=wh-years-]");
    let id = ui.b.attr(&years, "id").unwrap();
    ui.b.clear(&years);
    ui.b.send_keys(&years, "61");
    ui.b.click(&ui.b.el("button#save-profile"));
    assert_eq!(
        ui.field_error(&id),
        ui.demo.message("fi", "pform.years_range")
    );
    ui.b.clear(&years);
    ui.b.send_keys(&years, "3");

    // A date input takes any year; the server refuses one past 2200.
    ui.b.exec_on(
        &ui.b.el("input#available-from"),
        "arguments[0].value = '2300-01-01'; arguments[0].dispatchEvent(new Event('change'));",
    );
    ui.b.click(&ui.b.el("button#save-profile"));
    let text = ui.field_error("available-from");
    assert!(
        text.starts_with(&ui.demo.message("fi", "error.invalid_profile")),
        "{text}"
    );
    assert_human("server error", &ui.error_text());
    let focused = ui.b.exec("return document.activeElement.id;", vec![]);
    assert_eq!(focused, "available-from");
    assert!(
        ui.b.find(&format!("#{id}-error")).is_none(),
        "an old error stayed"
    );
    ui.b.screenshot("profile-form-server-error");
    assert_eq!(ui.b.route(), format!("/profiles/{}/edit", created.id));
    let (_, saved) = ui.api_profile(ui.demo.token("adviser"), created.id);
    assert!(saved["available_from"].is_null(), "{saved}");
}

/// Export: the JSON file is downloaded and names the profile.
pub(super) fn export(ui: &Ui, created: &Created, downloads: &Path) {
    ui.goto(&format!("/profiles/{}", created.id));
    ui.b.click(&ui.b.el("button#export-profile"));
    let file = ui.b.wait_for(SLOW, "a downloaded JSON file", || {
        std::fs::read_dir(downloads)
            .ok()?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .find(|p| p.extension().is_some_and(|x| x == "json"))
    });
    let export: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(export["profile"]["id"], created.id, "{}", file.display());
    assert_eq!(
        export["profile"]["contact"]["full_name"],
        created.name.as_str()
    );
    assert!(
        export["audit"].as_array().is_some_and(|a| !a.is_empty()),
        "{export}"
    );
    assert_human("exported", &ui.wait_text("#status", SLOW));
}

/// Another office's adviser: not in their list, and the profile's page is
/// the pseudonymous view (matching reaches everyone); a recruiter sees a
/// consented profile pseudonymised and no other.
pub(super) fn other_office_and_recruiter(ui: &Ui, created: &Created) {
    let adviser = ui.demo.token("adviser").to_owned();
    let (_, full) = ui.api_profile(&adviser, created.id);
    let pseudonym = full["pseudonym"].as_str().unwrap().to_owned();
    let secrets = [
        created.name.clone(),
        "aino.kanervala@example.fi".to_owned(),
        "Muutettu toisaalla".to_owned(),
    ];

    ui.sign_in(&ui.demo.other_office.clone());
    ui.wait_route("/search");
    ui.goto("/profiles?q=Kanervala");
    ui.b.el("ul#profiles");
    ui.b.wait_for(SLOW, "the other office's (empty) list", || {
        ui.b.find("ul#profiles li")
    });
    assert!(
        ui.b.find(&format!("ul#profiles a[href$='#/profiles/{}']", created.id))
            .is_none(),
        "another office lists the profile"
    );
    let pseudonymous = |who: &str| {
        ui.goto(&format!("/profiles/{}", created.id));
        let title = ui.wait_text("h1#profile-title", SLOW);
        assert_eq!(title.trim(), pseudonym, "{who}");
        ui.b.el("#pseudonymous-note");
        assert!(
            ui.b.find("section#contact").is_none(),
            "{who} sees contact details"
        );
        assert!(ui.b.find("a#edit-profile").is_none(), "{who} may edit");
        assert!(
            ui.b.find("button#erase-profile").is_none(),
            "{who} may erase"
        );
        let page = ui.page_text();
        for secret in &secrets {
            assert!(!page.contains(secret.as_str()), "{who} sees {secret:?}");
        }
        ui.b.screenshot(&format!("profile-{who}"));
    };
    pseudonymous("other-office");

    ui.sign_in_as("recruiter");
    assert!(!ui.nav_routes().contains("/profiles"));
    pseudonymous("recruiter");
    // A profile without consent is not there for a recruiter.
    let (status, unconsented) = ui.demo.post(
        &adviser,
        "/v1/profiles",
        &json!({"contact": {"full_name": "Ei Suostumusta"}, "home_municipality_code": "091",
                "consent_agencies": false}),
    );
    assert_eq!(status, 201, "{unconsented}");
    let id = unconsented["id"].as_i64().unwrap();
    ui.goto(&format!("/profiles/{id}"));
    let error = ui.wait_text("#error", SLOW);
    assert_eq!(error, ui.demo.message("fi", "error.not_found"));
    assert!(!ui.page_text().contains("Ei Suostumusta"));
    ui.goto("/profiles");
    ui.wait_text("h1", SLOW);
    assert!(
        ui.b.find("ul#profiles").is_none(),
        "a recruiter lists profiles"
    );
}

/// Erase: a confirmation that Escape cancels, then the profile is gone
/// and the list says so.
pub(super) fn erase(ui: &Ui, created: &Created) {
    ui.sign_in_as("adviser");
    ui.goto(&format!("/profiles/{}", created.id));
    let erase = ui.b.el("button#erase-profile");
    ui.b.click(&erase);
    ui.b.el("#erase-confirm button#erase-confirm-yes");
    assert!(ui.displayed("#erase-confirm"));
    let focused = ui.b.exec("return document.activeElement.id;", vec![]);
    assert_eq!(focused, "erase-confirm-no", "the safe choice has the focus");
    ui.b.screenshot("erase-confirm");
    ui.b.press(keys::ESCAPE);
    ui.b.wait("the confirmation closed", || {
        (!ui.displayed("#erase-confirm")).then_some(())
    });
    let (status, _) = ui.api_profile(ui.demo.token("adviser"), created.id);
    assert_eq!(status, 200, "erased without confirmation");

    ui.b.click(&ui.b.el("button#erase-profile"));
    ui.b.click(&ui.b.el("button#erase-confirm-yes"));
    ui.wait_route("/profiles");
    let message = ui.wait_text("#status", SLOW);
    assert!(message.contains(&created.name), "{message}");
    let (status, _) = ui.api_profile(ui.demo.token("adviser"), created.id);
    assert_eq!(status, 404);
    assert!(ui
        .b
        .find(&format!("ul#profiles a[href$='#/profiles/{}']", created.id))
        .is_none());
}
