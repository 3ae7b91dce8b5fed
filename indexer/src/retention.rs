//! Storage limitation (GDPR Art. 5(1)(e)): a jobseeker profile inactive for
//! longer than the retention period is due for review and is made
//! inactive, so that matching stops using it; the adviser then decides
//! whether to erase it. `kohtaanto profiles expire` runs this once; `serve`
//! runs it at start and then daily.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use chrono::NaiveDateTime;
use serde::Serialize;

use crate::store::data_rights::{self, ExpiredProfile};
use crate::store::{audit, Store, StoreError};

/// How often `serve` looks for expired profiles.
pub const EVERY: Duration = Duration::from_secs(24 * 60 * 60);

/// What a run found and did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExpiryReport {
    pub retention_months: u32,
    /// Profiles last active before this moment were due.
    pub cut_off: NaiveDateTime,
    pub due: Vec<ExpiredProfile>,
    /// How many were made inactive (0 on a dry run).
    pub made_inactive: usize,
    pub dry_run: bool,
}

/// The moment `months` before `at`.
pub fn cut_off(at: NaiveDateTime, months: u32) -> NaiveDateTime {
    at.checked_sub_months(chrono::Months::new(months))
        .unwrap_or(NaiveDateTime::MIN)
}

/// Make the active profiles last active more than `months` before `at`
/// inactive, each with an audit event (`profile.expire`), in one
/// transaction; with `dry_run`, only list them.
pub fn expire(
    store: &Store,
    months: u32,
    at: NaiveDateTime,
    dry_run: bool,
) -> Result<ExpiryReport, StoreError> {
    let cut_off = cut_off(at, months);
    let reason = format!("retention: no activity in {months} months");
    let request_id = format!("retention-{}", at.format("%Y%m%dT%H%M%S"));
    let (due, made_inactive) = store.write(|c| {
        let due = data_rights::due_for_review(c, cut_off)?;
        if dry_run || due.is_empty() {
            return Ok((due, 0));
        }
        let ids: Vec<_> = due.iter().map(|p| p.id).collect();
        let changed = data_rights::make_inactive(c, &ids)?;
        for p in &due {
            audit::append(
                c,
                &audit::NewEvent {
                    org_id: None,
                    token_id: None,
                    role: None,
                    action: "profile.expire",
                    subject_kind: "profile",
                    subject_id: p.id.to_string(),
                    reason: Some(&reason),
                    request_id: &request_id,
                },
            )?;
        }
        Ok((due, changed))
    })?;
    Ok(ExpiryReport {
        retention_months: months,
        cut_off,
        due,
        made_inactive,
        dry_run,
    })
}

/// Run [`expire`] now and then every `every` until `stop` (a failure is
/// logged and retried at the next turn).
pub fn spawn_daily(
    store: Store,
    months: u32,
    every: Duration,
    stop: Arc<AtomicBool>,
) -> JoinHandle<()> {
    spawn_periodic(every, stop, move || {
        let at = chrono::Utc::now().naive_utc();
        match expire(&store, months, at, false) {
            Ok(report) if report.made_inactive > 0 => tracing::info!(
                made_inactive = report.made_inactive,
                months,
                "profiles past retention made inactive"
            ),
            Ok(_) => {}
            Err(error) => tracing::warn!(%error, "retention run failed"),
        }
    })
}

/// Run `task` on a thread of its own now and then every `every` until
/// `stop` (looked at five times a second, so that a stop is prompt).
pub fn spawn_periodic(
    every: Duration,
    stop: Arc<AtomicBool>,
    mut task: impl FnMut() + Send + 'static,
) -> JoinHandle<()> {
    std::thread::spawn(move || {
        let mut next = Instant::now();
        while !stop.load(Ordering::Relaxed) {
            if Instant::now() >= next {
                task();
                next = Instant::now() + every;
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    })
}
