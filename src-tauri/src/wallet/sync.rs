//! The wallet's link with the national backend: enrolling this device, sync rounds (run on a
//! second handle of the unlocked wallet, so the screens keep working while one runs), the
//! status line, and the background loop that syncs on unlock, every interval, and after a
//! failure with backoff. The protocol itself is in `shimin-client` and `shimin_core::sync`.

use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use shimin_client::{BackendClient, ClientError, SyncFailure, SyncStep};
use shimin_core::IdNumber;
use shimin_core::sync::Backoff;
use shimin_wire::sync::{ReminderView, SyncProblemView, SyncStatusView, SyncStepView};

use super::{AppError, WalletState, now};

/// The environment variable naming the backend this device enrols with.
pub const BACKEND_URL_ENV: &str = "SHIMIN_BACKEND_URL";
/// The environment variable that changes the interval between background rounds (seconds).
pub const SYNC_INTERVAL_ENV: &str = "SHIMIN_SYNC_INTERVAL_SECS";
/// Between background rounds when nothing failed: 15 minutes.
pub const DEFAULT_SYNC_INTERVAL: Duration = Duration::from_secs(15 * 60);
/// How often the background loop looks again when there is nothing to do.
const IDLE_POLL: Duration = Duration::from_secs(30);

/// The label this device registers under, e.g. "Shimin (linux)".
pub(super) fn device_label() -> String {
    format!("Shimin ({})", std::env::consts::OS)
}

/// What the app remembers of sync rounds while it runs (the rest is in the wallet).
#[derive(Debug, Default)]
struct Tracker {
    running: Option<SyncStepView>,
    problem: Option<SyncProblemView>,
    failures: u32,
    next_attempt_at: Option<i64>,
    last_attempt_at: Option<i64>,
    last_imported: u32,
    /// A round was asked for (unlocking, "sync now" from elsewhere): run one at once.
    requested: bool,
}

/// The sync side of [`WalletState`].
#[derive(Debug)]
pub(super) struct SyncState {
    backend_url: Option<String>,
    interval: Duration,
    tracker: Mutex<Tracker>,
    /// Held for the whole of a round: rounds never overlap.
    round: tokio::sync::Mutex<()>,
    /// Wakes the background loop (after unlocking, enrolling).
    wake: tokio::sync::Notify,
}

impl SyncState {
    /// The backend from [`BACKEND_URL_ENV`] and the interval from [`SYNC_INTERVAL_ENV`].
    pub(super) fn from_env() -> Self {
        let backend_url = std::env::var(BACKEND_URL_ENV).ok().filter(|u| !u.trim().is_empty());
        let interval = std::env::var(SYNC_INTERVAL_ENV)
            .ok()
            .and_then(|s| s.trim().parse::<u64>().ok())
            .filter(|s| *s > 0)
            .map_or(DEFAULT_SYNC_INTERVAL, Duration::from_secs);
        Self::new(backend_url, interval)
    }

    pub(super) fn new(backend_url: Option<String>, interval: Duration) -> Self {
        Self {
            backend_url,
            interval,
            tracker: Mutex::new(Tracker::default()),
            round: tokio::sync::Mutex::new(()),
            wake: tokio::sync::Notify::new(),
        }
    }

    fn tracker(&self) -> MutexGuard<'_, Tracker> {
        // The tracker holds no invariant a panic could break: take it even if poisoned.
        self.tracker.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The backend this device enrols with, if one is configured.
    pub(super) fn backend_url(&self) -> Option<&str> {
        self.backend_url.as_deref()
    }

    /// Waits until no round runs, and keeps others from starting while held.
    pub(super) async fn round_lock(&self) -> tokio::sync::MutexGuard<'_, ()> {
        self.round.lock().await
    }

    /// Forgets what rounds reported (the wallet they ran on is gone).
    pub(super) fn forget(&self) {
        *self.tracker() = Tracker::default();
    }

    /// Asks the background loop for a round as soon as it can.
    pub(super) fn request_round(&self) {
        self.tracker().requested = true;
        self.wake.notify_one();
    }
}

fn step_view(step: SyncStep) -> SyncStepView {
    match step {
        SyncStep::SigningIn => SyncStepView::SigningIn,
        SyncStep::Pulling(page) => SyncStepView::Pulling { page },
        SyncStep::StatusLists => SyncStepView::StatusLists,
        SyncStep::Pushing => SyncStepView::Pushing,
    }
}

/// What the user is told about a failed round.
pub(super) fn problem_of(failure: &SyncFailure) -> SyncProblemView {
    match failure {
        SyncFailure::Client(ClientError::Network(_)) => SyncProblemView::Offline,
        SyncFailure::Client(ClientError::Unavailable { .. }) => SyncProblemView::ServerUnavailable,
        SyncFailure::Client(ClientError::Unauthorized | ClientError::Refused { .. })
        | SyncFailure::NotEnrolled
        | SyncFailure::OtherBackend => SyncProblemView::DeviceRefused,
        SyncFailure::Store(_) => SyncProblemView::Storage,
        SyncFailure::Client(ClientError::Malformed(_) | ClientError::ForeignUrl | ClientError::Sign(_))
        | SyncFailure::Page(_)
        | SyncFailure::TrustList
        | SyncFailure::TooManyPages => SyncProblemView::BadData,
    }
}

/// A little randomness for the backoff's jitter (not a secret: the clock's nanoseconds do).
fn jitter() -> f64 {
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
    f64::from(nanos % 1_000) / 1_000.0
}

fn secs(d: Duration) -> i64 {
    i64::try_from(d.as_secs()).unwrap_or(i64::MAX)
}

impl WalletState {
    /// Enrols this device with the configured backend using the citizen's ID number and a
    /// one-time code, then runs the first sync round.
    ///
    /// # Errors
    /// [`AppError::InvalidIdNumber`], [`AppError::NoBackend`], [`AppError::Locked`],
    /// [`AppError::EnrolmentRefused`], [`AppError::Backend`] (offline, server trouble).
    pub async fn enrol(&self, id_number: &str, code: &str) -> Result<SyncStatusView, AppError> {
        let id = IdNumber::parse(id_number.trim()).map_err(|_| AppError::InvalidIdNumber)?;
        let code = code.trim();
        if code.is_empty() || code.len() > 64 {
            return Err(AppError::EnrolmentRefused);
        }
        let url = self.sync.backend_url.as_deref().ok_or(AppError::NoBackend)?;
        let client = BackendClient::new(url).map_err(|_| AppError::NoBackend)?;
        {
            let _round = self.sync.round.lock().await;
            let mut handle = self.second_handle()?;
            shimin_client::enrol(&mut handle, &client, id.as_str(), code, &device_label()).await.map_err(
                |e| match e {
                    SyncFailure::Client(ClientError::Refused { .. } | ClientError::Unauthorized) => {
                        AppError::EnrolmentRefused
                    }
                    other => AppError::Backend(other),
                },
            )?;
        }
        self.run_round().await;
        self.sync_status()
    }

    /// Runs a sync round now (after the one running, if any) and answers the status.
    ///
    /// # Errors
    /// [`AppError::Locked`], [`AppError::NotEnrolled`], or a storage failure. A round that
    /// fails on the network is not an error here: the status says why.
    pub async fn sync_now(&self) -> Result<SyncStatusView, AppError> {
        if self.with_wallet(|w| Ok(w.enrolment()?))?.is_none() {
            return Err(AppError::NotEnrolled);
        }
        self.run_round().await;
        self.sync_status()
    }

    /// The sync status line.
    ///
    /// # Errors
    /// [`AppError::Locked`], or a storage failure.
    pub fn sync_status(&self) -> Result<SyncStatusView, AppError> {
        let (enrolled, progress) =
            self.with_wallet(|w| Ok((w.enrolment()?.is_some(), w.sync_progress()?)))?;
        let tracker = self.sync.tracker();
        Ok(SyncStatusView {
            backend_configured: self.sync.backend_url.is_some(),
            enrolled,
            running: tracker.running,
            last_sync_at: progress.last_sync_at,
            pending_outbox: progress.pending_outbox,
            problem: tracker.problem,
            next_attempt_at: tracker.next_attempt_at,
            last_imported: tracker.last_imported,
        })
    }

    /// The backend's reminders for certificates still in the wallet, soonest first.
    ///
    /// # Errors
    /// [`AppError::Locked`], or a storage failure.
    pub fn reminders(&self) -> Result<Vec<ReminderView>, AppError> {
        let today = now();
        self.with_wallet(|w| {
            let mut views: Vec<ReminderView> = w
                .reminders()?
                .into_iter()
                .filter(|r| r.expires_at >= today)
                .map(|r| ReminderView {
                    days_left: (r.expires_at - today) / 86_400,
                    certificate_id: r.certificate_id,
                    type_slug: r.certificate_type,
                    expires_at: r.expires_at,
                })
                .collect();
            views.sort_by_key(|r| r.expires_at);
            Ok(views)
        })
    }

    /// One round on a second handle of the open wallet, recorded in the tracker. Skipped when
    /// the wallet is locked or not enrolled.
    pub(super) async fn run_round(&self) {
        let _round = self.sync.round.lock().await;
        {
            let mut tracker = self.sync.tracker();
            tracker.requested = false;
            tracker.last_attempt_at = Some(now());
        }
        let Ok(mut handle) = self.second_handle() else { return };
        let enrolment = match handle.enrolment() {
            Ok(Some(e)) => e,
            Ok(None) => return,
            Err(e) => {
                self.sync.tracker().problem = Some(problem_of(&SyncFailure::Store(e)));
                return;
            }
        };
        // Always the backend the device enrolled with, whatever the environment says now.
        let result = match BackendClient::new(&enrolment.backend_url) {
            Ok(client) => {
                self.sync.tracker().running = Some(SyncStepView::SigningIn);
                shimin_client::sync_with_progress(&mut handle, &client, now(), |step| {
                    self.sync.tracker().running = Some(step_view(step));
                })
                .await
            }
            Err(e) => Err(SyncFailure::Client(e)),
        };
        let mut tracker = self.sync.tracker();
        tracker.running = None;
        match result {
            Ok(report) => {
                *tracker = Tracker {
                    last_imported: report.imported,
                    last_attempt_at: tracker.last_attempt_at,
                    requested: tracker.requested,
                    ..Tracker::default()
                };
            }
            Err(failure) => {
                tracker.failures = tracker.failures.saturating_add(1);
                tracker.problem = Some(problem_of(&failure));
                tracker.next_attempt_at = failure.is_transient().then(|| {
                    now().saturating_add(secs(Backoff::default().delay(tracker.failures, jitter())))
                });
                eprintln!("shimin: sync round failed: {failure}");
            }
        }
    }

    /// When the background loop should run the next round: `Some(0)` now, `Some(s)` in `s`
    /// seconds, `None` when there is nothing to do (locked, not enrolled, no backend).
    fn next_round_in(&self) -> Option<i64> {
        self.sync.backend_url.as_ref()?;
        let progress = self.with_wallet(|w| Ok(w.enrolment()?.map(|_| w.sync_progress()))).ok()??.ok()?;
        let now = now();
        let tracker = self.sync.tracker();
        if tracker.requested {
            return Some(0);
        }
        // After a transient failure, the backoff says when; otherwise an interval after the
        // last round, whether it succeeded or not (a refused device is not retried at once).
        let due = tracker.next_attempt_at.unwrap_or_else(|| {
            match progress.last_sync_at.max(tracker.last_attempt_at) {
                Some(last) => last.saturating_add(secs(self.sync.interval)),
                None => now,
            }
        });
        Some((due - now).max(0))
    }

    /// The background loop: a round when the wallet is open and enrolled and one is due, then
    /// sleeps until the next is due or something wakes it. Runs for the life of the app.
    pub async fn background_sync(&self) {
        loop {
            let wait = match self.next_round_in() {
                Some(0) => {
                    self.run_round().await;
                    continue;
                }
                Some(s) => Duration::from_secs(u64::try_from(s).unwrap_or(u64::MAX)).min(IDLE_POLL),
                None => IDLE_POLL,
            };
            let _ = tokio::time::timeout(wait, self.sync.wake.notified()).await;
        }
    }
}
