//! The wallet's link with the national backend, as the platform runs it: the HTTP client for the
//! configured backend, the lock that keeps two rounds from overlapping, rounds on a second handle
//! of the unlocked wallet (so the screens keep working while one runs), and the background task
//! that wakes when the core's [`SyncSchedule`] says a round is due. Enrolment, the round itself,
//! the schedule's rules and the status line are `shimin_core::wallet::sync`.

use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use shimin_client::BackendClient;
use shimin_core::crypto::VerifyingKey;
use shimin_core::wallet::devices;
use shimin_core::wallet::sync::{self as use_case, RootOfTrust, SyncSchedule};
use shimin_core::wallet::{self as core_wallet, SyncFailure};
use shimin_store::Wallet;
use shimin_wire::sync::{DeviceNoticeView, MyDeviceView, ReminderView, SyncStatusView};

use super::{AppError, WalletState};

/// The environment variable naming the backend this device enrols with.
pub const BACKEND_URL_ENV: &str = "SHIMIN_BACKEND_URL";
/// The environment variable that changes the interval between background rounds (seconds).
pub const SYNC_INTERVAL_ENV: &str = "SHIMIN_SYNC_INTERVAL_SECS";
/// Between background rounds when nothing failed: 15 minutes.
pub const DEFAULT_SYNC_INTERVAL: Duration = Duration::from_secs(15 * 60);
/// How often the background loop looks again when there is nothing to do.
const IDLE_POLL: Duration = Duration::from_secs(30);

mod shipped {
    include!(concat!(env!("OUT_DIR"), "/shipped_root.rs"));
}

/// The national root key this build ships (see `build.rs`), if it was built with one; a release
/// build always is. A development build without one takes it from the file named by
/// [`crate::root_key::ROOT_KEY_FILE_ENV`] when that is set (the demo configuration of `make run`);
/// a release build never reads it at run time.
pub(super) fn shipped_root() -> Option<VerifyingKey> {
    if let Some(sec1) = shipped::SHIPPED_ROOT {
        return VerifyingKey::p256_from_sec1(sec1).ok();
    }
    if !cfg!(debug_assertions) {
        return None;
    }
    let path = std::env::var_os(crate::root_key::ROOT_KEY_FILE_ENV)?;
    let key = std::fs::read(path)
        .ok()
        .and_then(|bytes| crate::root_key::sec1(&bytes))
        .and_then(|sec1| VerifyingKey::p256_from_sec1(&sec1).ok());
    if key.is_none() {
        eprintln!(
            "shimin: {} names no readable P-256 public key; it is not used",
            crate::root_key::ROOT_KEY_FILE_ENV
        );
    }
    key
}

/// The label this device registers under, e.g. "Shimin (linux)".
pub(super) fn device_label() -> String {
    format!("Shimin ({})", std::env::consts::OS)
}

/// The sync side of [`WalletState`].
#[derive(Debug)]
pub(super) struct SyncState {
    backend_url: Option<String>,
    interval: Duration,
    schedule: Mutex<SyncSchedule>,
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
            schedule: Mutex::new(SyncSchedule::default()),
            round: tokio::sync::Mutex::new(()),
            wake: tokio::sync::Notify::new(),
        }
    }

    fn schedule(&self) -> MutexGuard<'_, SyncSchedule> {
        // The schedule holds no invariant a panic could break: take it even if poisoned.
        self.schedule.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// A client for the configured backend.
    pub(super) fn client(&self) -> Result<BackendClient, AppError> {
        let url = self.backend_url.as_deref().ok_or(AppError::NoBackend)?;
        BackendClient::new(url).map_err(|_| AppError::NoBackend)
    }

    /// Whether a backend is configured.
    pub(super) fn configured(&self) -> bool {
        self.backend_url.is_some()
    }

    /// Waits until no round runs, and keeps others from starting while held.
    pub(super) async fn round_lock(&self) -> tokio::sync::MutexGuard<'_, ()> {
        self.round.lock().await
    }

    /// Forgets what rounds reported (the wallet they ran on is gone).
    pub(super) fn forget(&self) {
        *self.schedule() = SyncSchedule::default();
    }

    /// Asks the background loop for a round as soon as it can.
    pub(super) fn request_round(&self) {
        self.schedule().request();
        self.wake.notify_one();
    }
}

/// A little randomness for the backoff's jitter (not a secret: the clock's nanoseconds do).
/// A client of the backend `wallet` is enrolled with.
fn enrolled_client(wallet: &Wallet) -> Result<BackendClient, AppError> {
    let enrolment = wallet.enrolment()?.ok_or(AppError::NotEnrolled)?;
    BackendClient::new(&enrolment.backend_url).map_err(|e| AppError::Backend(SyncFailure::Backend(e)))
}

pub(super) fn jitter() -> f64 {
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
    f64::from(nanos % 1_000) / 1_000.0
}

impl WalletState {
    /// Enrols this device with the configured backend using the citizen's ID number and a
    /// one-time code, then runs the first sync round.
    ///
    /// # Errors
    /// [`AppError::InvalidIdNumber`], [`AppError::NoBackend`], [`AppError::Locked`],
    /// [`AppError::EnrolmentRefused`], [`AppError::Backend`] (offline, server trouble).
    pub async fn enrol(&self, id_number: &str, code: &str) -> Result<SyncStatusView, AppError> {
        let (id, code) = use_case::parse_enrolment(id_number, code)?;
        let client = self.sync.client()?;
        let shipped = shipped_root();
        // Only a development build may be without a shipped root (build.rs refuses a release one).
        let root = shipped.as_ref().map_or(RootOfTrust::FirstUseForDevelopment, RootOfTrust::Shipped);
        {
            let _round = self.sync.round_lock().await;
            let mut handle = self.second_handle()?;
            use_case::enrol(&mut handle, &client, root, id.as_str(), code, &device_label())
                .await
                .map_err(core_wallet::enrolment_refusal)?;
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
        Ok(self.sync.schedule().view(self.sync.backend_url.is_some(), enrolled, &progress, self.now()))
    }

    /// The backend's reminders for certificates still in the wallet, soonest first.
    ///
    /// # Errors
    /// [`AppError::Locked`], or a storage failure.
    pub fn reminders(&self) -> Result<Vec<ReminderView>, AppError> {
        let now = self.now();
        self.with_wallet(|w| core_wallet::reminders(w, now))
    }

    /// The citizen's devices, this one marked (asked of the backend this device enrolled with).
    ///
    /// # Errors
    /// [`AppError::Locked`], [`AppError::NotEnrolled`], [`AppError::Backend`].
    pub async fn my_devices(&self) -> Result<Vec<MyDeviceView>, AppError> {
        let mut handle = self.second_handle()?;
        let client = enrolled_client(&handle)?;
        devices::my_devices(&mut handle, &client).await.map_err(|e| match e {
            SyncFailure::NotEnrolled => AppError::NotEnrolled,
            other => AppError::Backend(other),
        })
    }

    /// Removes another device of the citizen after the PIN was entered again: the PIN opens
    /// the wallet afresh (a wrong one counts like any wrong PIN), and that wallet's device key
    /// signs the removal.
    ///
    /// # Errors
    /// [`AppError::WrongPin`], [`AppError::PinLockedOut`], [`AppError::Locked`],
    /// [`AppError::NotEnrolled`], [`AppError::BadRequest`] for this device,
    /// [`AppError::Backend`].
    pub async fn remove_other_device(&self, device_id: i64, pin: &str) -> Result<(), AppError> {
        // Only an open wallet offers this; the step-up opens it once more with the PIN.
        self.with_wallet(|_| Ok(()))?;
        let mut handle = self.step_up(pin)?;
        let client = enrolled_client(&handle)?;
        devices::remove_other_device(&mut handle, &client, device_id).await
    }

    /// The notices of new devices not yet acknowledged, newest first.
    ///
    /// # Errors
    /// [`AppError::Locked`], or a storage failure.
    pub fn device_notices(&self) -> Result<Vec<DeviceNoticeView>, AppError> {
        self.with_wallet(|w| devices::device_notices(w))
    }

    /// Acknowledges the notices up to and including `up_to`.
    ///
    /// # Errors
    /// [`AppError::Locked`], or a storage failure.
    pub fn acknowledge_notices(&self, up_to: i64) -> Result<(), AppError> {
        self.with_wallet(|w| devices::acknowledge_notices(w, up_to))
    }

    /// Unregisters this device from the backend it enrolled with, when it is enrolled.
    pub(super) async fn unregister(&self, handle: &mut Wallet) -> Result<(), AppError> {
        let Some(enrolment) = handle.enrolment()? else { return Ok(()) };
        let client = BackendClient::new(&enrolment.backend_url)
            .map_err(|e| AppError::Backend(SyncFailure::Backend(e)))?;
        use_case::unregister(handle, &client).await.map_err(AppError::Backend)
    }

    /// One round on a second handle of the open wallet, recorded in the schedule; the lists
    /// held in memory are let go afterwards, so the next check uses what the round stored.
    /// Skipped when the wallet is locked or not enrolled.
    pub(super) async fn run_round(&self) {
        let _round = self.sync.round_lock().await;
        self.sync.schedule().started(self.now());
        let Ok(mut handle) = self.second_handle() else { return };
        let enrolment = match handle.enrolment() {
            Ok(Some(e)) => e,
            Ok(None) => return,
            Err(e) => {
                self.sync.schedule().storage_failed(&SyncFailure::Store(e.into()));
                return;
            }
        };
        // Always the backend the device enrolled with, whatever the environment says now.
        let result = match BackendClient::new(&enrolment.backend_url) {
            Ok(client) => {
                use_case::round(&mut handle, &client, self.now(), |step| self.sync.schedule().step(step))
                    .await
            }
            Err(e) => Err(SyncFailure::Backend(e)),
        };
        if let Err(failure) = &result {
            eprintln!("shimin: sync round failed: {failure}");
        }
        self.sync.schedule().finished(&result, self.now(), jitter());
        self.let_go_of_lists();
    }

    /// When the background loop should run the next round: `Some(0)` now, `Some(s)` in `s`
    /// seconds, `None` when there is nothing to do (locked, not enrolled, no backend).
    fn next_round_in(&self) -> Option<i64> {
        self.sync.backend_url.as_ref()?;
        let progress = self.with_wallet(|w| Ok(w.enrolment()?.map(|_| w.sync_progress()))).ok()??.ok()?;
        Some(self.sync.schedule().due_in(&progress, self.sync.interval, self.now()))
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
