//! Employer outreach in the browser: the adviser logs a contact with a new
//! firm and a recruitment need, the typeaheads (municipality, occupation)
//! worked with the keyboard; a rule only the server knows (a follow-up
//! before the contact) is refused beside its field; then the need becomes
//! a hidden vacancy that the page links to, and the API shows it hidden,
//! owned by the firm and matched.

use super::{assert_human, tab_to, Ui, SLOW};
use crate::webdriver::keys;

pub(super) fn contact_need_hidden_vacancy(ui: &Ui) {
    ui.sign_in_as("adviser");
    let nav = ui.b.el("nav#main-nav");
    let link =
        ui.b.find_in(&nav, "a[href$='#/outreach']")
            .into_iter()
            .next()
            .expect("the adviser's navigation links to the outreach page");
    ui.b.click(&link);
    ui.wait_route("/outreach");
    ui.b.el("form#outreach-form");
    // The demo's contacts are in the log, and its campaign listed.
    ui.b.wait_for(SLOW, "the contact log", || {
        ui.b.find("#outreach-log table tbody tr")
    });
    ui.b.wait_for(SLOW, "the demo campaign", || {
        ui.b.find("#campaign-table a[href^='#/outreach/campaigns/']")
    });
    ui.check_page("outreach", "fi");

    // A new firm, with the keyboard: the radio group, then its fields.
    tab_to(ui, "input#firm-known", 200);
    ui.b.press(keys::ARROW_DOWN);
    assert_eq!(
        ui.b.exec("return document.activeElement.id;", vec![]),
        "firm-new"
    );
    let name = format!("Rakennus Selkeä {} Oy", std::process::id());
    tab_to(ui, "input#firm-name", 5);
    ui.b.press(&name);
    tab_to(ui, "input#firm-municipality", 5);
    let place = ui.keyboard_pick("Tamp");
    assert!(place.contains("Tampere"), "{place:?}");
    tab_to(ui, "select#firm-industry", 5);
    ui.b.press("41");
    assert_eq!(ui.value("select#firm-industry"), "41");
    tab_to(ui, "button#add-need", 20);
    ui.b.press(keys::ENTER);
    let occupation = ui.keyboard_pick("lähihoitaja");
    assert!(!occupation.is_empty());
    let positions = tab_to(ui, "#need-rows input[id^=need-positions-]", 3);
    // Clearing blurs the field (WebDriver): focus it again to type.
    ui.b.clear(&positions);
    ui.b.exec_on(&positions, "arguments[0].focus();");
    ui.b.press("2");

    // A follow-up before the contact: only the server knows that rule.
    ui.b.exec_on(
        &ui.b.el("input#follow-up-on"),
        "arguments[0].value = '2001-01-01'; arguments[0].dispatchEvent(new Event('change'));",
    );
    tab_to(ui, "textarea#outreach-notes", 20);
    ui.b.press("Kasvava rakennusliike, tarvitsee kaksi hoitajaa palvelutaloon.");
    tab_to(ui, "button#save-contact", 5);
    ui.b.press(keys::ENTER);
    let text = ui.field_error("follow-up-on");
    assert!(
        text.starts_with(&ui.demo.message("fi", "error.invalid_contact")),
        "{text}"
    );
    assert_human("server error", &ui.error_text());
    assert_eq!(
        ui.b.exec("return document.activeElement.id;", vec![]),
        "follow-up-on"
    );
    ui.b.screenshot("outreach-server-error");

    let later = (chrono::Local::now().date_naive() + chrono::Days::new(30)).to_string();
    ui.b.exec_on(
        &ui.b.el("input#follow-up-on"),
        &format!(
            "arguments[0].value = '{later}'; arguments[0].dispatchEvent(new Event('change'));"
        ),
    );
    tab_to(ui, "button#save-contact", 30);
    ui.b.press(keys::ENTER);
    let status = ui.wait_text("#status", SLOW);
    assert!(status.contains(&name), "{status}");
    assert!(ui.error_text().is_empty(), "{}", ui.error_text());

    // The contact through the API: the firm created, the need stored.
    let adviser = ui.demo.token("adviser");
    let (s, page) = ui.demo.api(adviser, "/v1/outreach/contacts?limit=100");
    assert_eq!(s, 200, "{page}");
    let contact = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["firm"]["name"] == name.as_str())
        .unwrap_or_else(|| panic!("the contact with {name} is not listed: {page}"))
        .clone();
    assert_eq!(contact["firm"]["municipality_code"], "837", "{contact}");
    assert_eq!(contact["firm"]["industry_code"], "41", "{contact}");
    assert_eq!(contact["follow_up_on"], later.as_str(), "{contact}");
    let need = &contact["needs"][0];
    assert_eq!(need["positions"], 2, "{contact}");
    let need_id = need["id"].as_i64().unwrap();

    // The need → a hidden vacancy, with the keyboard; the page links to it.
    let button = ui.b.wait_for(SLOW, "the need's button", || {
        ui.b.find(&format!("button#need-{need_id}-create"))
    });
    ui.b.exec_on(&button, "arguments[0].focus();");
    ui.b.press(keys::ENTER);
    let link = ui.b.wait_for(SLOW, "the link to the hidden vacancy", || {
        ui.b.find(&format!("a#need-{need_id}-vacancy"))
    });
    assert_eq!(
        ui.b.exec("return document.activeElement.id;", vec![]),
        format!("need-{need_id}-vacancy"),
        "the new link has the focus"
    );
    let href = ui.b.attr(&link, "href").unwrap();
    let vacancy: i64 = href.rsplit('/').next().unwrap().parse().unwrap();
    ui.b.screenshot("outreach-need-vacancy");
    ui.b.press(keys::ENTER);
    ui.wait_route(&format!("/vacancies/{vacancy}"));
    ui.wait_text("#view h1", SLOW);
    assert!(ui.error_text().is_empty(), "{}", ui.error_text());

    // Hidden, owned by the firm, and matched.
    let (s, v) = ui.demo.api(adviser, &format!("/v1/vacancies/{vacancy}"));
    assert_eq!(s, 200, "{v}");
    assert_eq!(v["visibility"], "hidden", "{v}");
    assert_eq!(v["owner_org"], contact["firm"]["id"], "{v}");
    assert_eq!(v["positions"], 2, "{v}");
    let (s, _) = ui.demo.api(
        ui.demo.token("employer"),
        &format!("/v1/vacancies/{vacancy}"),
    );
    assert_eq!(s, 404, "another employer does not see the hidden vacancy");
    ui.b.wait_for(SLOW, "candidates for the hidden vacancy", || {
        let (s, ranked) = ui.demo.api(
            adviser,
            &format!("/v1/vacancies/{vacancy}/candidates?scope=nationwide&limit=5"),
        );
        (s == 200 && ranked["results"].as_array().is_some_and(|r| !r.is_empty())).then_some(())
    });
}
