//! The picture over time and the effectiveness of the services, in the
//! browser: the analyst's trend view on the demo's year of snapshots (a
//! line chart per measure whose points the keyboard reaches, the same
//! figures in a table, CSV), and the adviser's effectiveness tables with
//! the hire matrix next to the potential one.

use std::path::Path;

use super::{tab_to, Ui, SLOW};

/// Analyst: the trend of the last twelve months.
pub(super) fn analyst_trend(ui: &Ui, downloads: &Path) {
    ui.sign_in_as("analyst");
    ui.goto("/trend");
    ui.b.wait_for(SLOW, "twelve months in the table", || {
        (ui.b.find_all("table#trend-table tbody tr").len() == 12).then_some(())
    });
    // The demo wrote a snapshot for every day: every month has figures,
    // and every month is a point of the tightness chart.
    let days: Vec<String> =
        ui.b.find_all("table#trend-table tbody tr td:nth-child(2)")
            .iter()
            .map(|c| ui.b.text(c))
            .collect();
    assert!(
        days.iter().all(|d| d.trim() != "0" && d.trim() != "–"),
        "{days:?}"
    );
    let points = ui.b.find_all("svg#trend-tightness circle.trend-point");
    assert_eq!(points.len(), 12);
    let label = ui.b.attr(&points[0], "aria-label").unwrap_or_default();
    assert!(label.contains(':'), "{label:?}");
    ui.b.el("svg#trend-mismatch");
    ui.b.el("svg#trend-placements");
    // The keyboard reaches the chart's points.
    let focused = tab_to(ui, "svg#trend-tightness circle.trend-point", 40);
    assert!(ui.b.attr(&focused, "aria-label").is_some());
    ui.check_page("trend", "fi");
    ui.b.screenshot("trend");

    // A region, then the CSV.
    ui.b.select("select#trend-region", "06");
    ui.b.click(&ui.b.el("form#trend-form button[type=submit]"));
    ui.b.wait_for(SLOW, "the region in the caption", || {
        ui.b.text_of("#trend-table-caption")
            .contains("Pirkanmaa")
            .then_some(())
    });
    ui.b.click(&ui.b.el("button#trend-download"));
    let csv = ui.b.wait_for(SLOW, "kohtaanto-trend.csv", || {
        let p = downloads.join("kohtaanto-trend.csv");
        p.exists().then_some(p)
    });
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(text.starts_with("month,region_code,days,"), "{text}");
    assert_eq!(text.lines().count(), 13, "{text}");
    assert!(text.lines().nth(1).unwrap().contains(",06,"), "{text}");
    assert!(ui.error_text().is_empty(), "{}", ui.error_text());
}

/// Adviser: the effectiveness tables, and the potential matrix brought
/// next to the hires.
pub(super) fn adviser_effectiveness(ui: &Ui) {
    ui.sign_in_as("adviser");
    ui.goto("/effectiveness");
    ui.b.wait_for(SLOW, "the regions table", || {
        (ui.b.find_all("table#effect-areas tbody tr").len() >= 19).then_some(())
    });
    ui.b.el("table#effect-hires");
    ui.b.el("table#effect-outreach");
    // Advisers see every figure: no withheld mark.
    assert!(ui.b.find_all("table#effect-areas abbr").is_empty());
    let summary = ui.wait_text("#effect-summary", SLOW);
    assert!(!summary.contains('…'), "{summary}");
    ui.b.click(&ui.b.el("button#effect-compare"));
    ui.b.wait_for(SLOW, "the potential matrix", || {
        ui.b.find("table#effect-potential-flows").map(|_| ())
    });
    ui.check_page("effectiveness", "fi");
    ui.b.screenshot("effectiveness");
    assert!(ui.error_text().is_empty(), "{}", ui.error_text());
}
