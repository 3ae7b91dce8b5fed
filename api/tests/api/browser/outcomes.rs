//! What became of an introduction, in the browser: the employer moves the
//! adviser's introduction to an interview, a refusal without its reason is
//! shown next to the reason field, then the hire with its start date; the
//! managing office sees the hire on the jobseeker's page, and the hire is
//! in the store as a placement.

use super::{assert_human, Introduced, Ui, SLOW};

/// The introduction of `introduced` as the API shows it to `role`.
fn introduction(ui: &Ui, role: &str, introduced: &Introduced) -> serde_json::Value {
    let (s, page) = ui.demo.api(
        ui.demo.token(role),
        &format!(
            "/v1/introductions?vacancy={}&profile={}",
            introduced.vacancy, introduced.profile
        ),
    );
    assert_eq!(s, 200, "{page}");
    page["items"][0].clone()
}

/// Choose `status` in the introduction's form and save it.
fn move_to(ui: &Ui, id: i64, status: &str) {
    ui.b.select(&format!("select#intro-{id}-next"), status);
    let form =
        ui.b.el(&format!("[data-introduction='{id}'] form.outcome-form"));
    let save = ui.b.find_in(&form, "button[type=submit]")[0].clone();
    ui.b.click(&save);
}

/// The employer marks the hire; the adviser's office sees it.
pub(super) fn employer_marks_the_hire(ui: &Ui, introduced: &Introduced) {
    let id = introduction(ui, "employer", introduced)["id"]
        .as_i64()
        .expect("the introduction has an id");
    ui.sign_in_as("employer");
    ui.goto(&format!("/vacancies/{}", introduced.vacancy));
    ui.wait_text(&format!("#intro-{id}-status"), SLOW);
    ui.check_page("introduction-outcome", "fi");

    move_to(ui, id, "interview");
    let interview = ui.demo.message("fi", "introduction_status.interview");
    ui.b.wait_for(SLOW, "the interview shown", || {
        let text = ui.wait_text(&format!("#intro-{id}-status"), SLOW);
        text.contains(&interview).then_some(())
    });
    assert_human("status saved", &ui.wait_text("#status", SLOW));
    assert_eq!(
        introduction(ui, "employer", introduced)["status"],
        "interview"
    );

    // A refusal needs its reason: the server's answer stands next to the
    // reason field, nothing changes.
    move_to(ui, id, "not_hired");
    let error = ui.wait_text(&format!("#intro-{id}-reason-error"), SLOW);
    assert_eq!(error, ui.demo.message("fi", "error.invalid_outcome"));
    let reason = ui.b.el(&format!("#intro-{id}-reason"));
    assert_eq!(ui.b.attr(&reason, "aria-invalid").as_deref(), Some("true"));
    assert_eq!(
        introduction(ui, "employer", introduced)["status"],
        "interview"
    );

    // The hire, with its start date.
    ui.b.select(&format!("select#intro-{id}-next"), "hired");
    ui.b.exec_on(
        &ui.b.el(&format!("#intro-{id}-start")),
        "arguments[0].value = '2027-02-01'; arguments[0].dispatchEvent(new Event('change'));",
    );
    let form =
        ui.b.el(&format!("[data-introduction='{id}'] form.outcome-form"));
    ui.b.click(&ui.b.find_in(&form, "button[type=submit]")[0]);
    let hired = ui.demo.message("fi", "introduction_status.hired");
    ui.b.wait_for(SLOW, "the hire shown", || {
        let text = ui.wait_text(&format!("#intro-{id}-status"), SLOW);
        text.contains(&hired).then_some(())
    });
    assert!(
        ui.b.find(&format!("[data-introduction='{id}'] form"))
            .is_none(),
        "a hire is final: no form"
    );
    let stored = introduction(ui, "employer", introduced);
    assert_eq!(stored["status"], "hired", "{stored}");
    assert_eq!(stored["start_date"], "2027-02-01", "{stored}");

    // The office that introduced the person follows the outcome (the
    // placed profile itself is no longer theirs to open: it is not
    // active and another office manages it).
    assert_eq!(introduction(ui, "adviser", introduced)["status"], "hired");
}
