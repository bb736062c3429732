//! The wallet behind the screens: where it lives, opening it with the PIN, and every operation
//! the wallet, present, verify and history screens ask for. The Tauri commands call these one
//! line each; the rules themselves are in `shimin-core` (verification, presentation, badges) and
//! `shimin-store` (encryption, log, cached lists).
//!
//! The database is `wallet.db` in the app's data directory (`SHIMIN_DATA_DIR` overrides it), and
//! the national root public key the cached trust list must be signed with is pinned next to it
//! as `root.pub` (SEC1).

mod certificates;
mod error;
mod history;
mod lists;
mod liveness;
mod scan;
mod settings;
mod sync;

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::{SystemTime, UNIX_EPOCH};

use rusqlite::Connection;
use shimin_core::views;
use shimin_store::{PinWrapper, Wallet, schema};
use shimin_wire::wallet::{
    CertificateCardView, CertificateDetailView, ExportView, HistoryEntryView, Pin, PresentRequest,
    PresentationView, SettingsView, VerdictView, WalletStatusView,
};

pub use error::AppError;
use lists::CachedLists;
pub use liveness::{CAMERA_FPS_ENV, CAMERA_FRAMES_ENV, MAX_FRAME_BYTES};
use sync::SyncState;
pub use sync::{BACKEND_URL_ENV, DEFAULT_SYNC_INTERVAL, SYNC_INTERVAL_ENV};

/// The environment variable that moves the data directory (tests, portable installs).
pub const DATA_DIR_ENV: &str = "SHIMIN_DATA_DIR";
/// The wallet's database file in the data directory.
pub const DATABASE_FILE: &str = "wallet.db";
/// The pinned national root public key (SEC1) in the data directory.
pub const ROOT_KEY_FILE: &str = "root.pub";
/// The largest picture file `verify_image` takes, bytes: far above any photo of a code, so
/// that only a body no picture needs is refused before it is read.
pub const MAX_IMAGE_BYTES: usize = 64 * 1024 * 1024;

/// The app's wallet: its files and, once unlocked, the open wallet. Managed by Tauri.
#[derive(Debug)]
pub struct WalletState {
    data_dir: PathBuf,
    export_dir: PathBuf,
    wallet: Mutex<Option<Wallet>>,
    sync: SyncState,
    liveness: liveness::LivenessState,
    scan: scan::ScanState,
}

/// The system clock, Unix seconds.
fn now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// A PIN wrapper for `pin`, which must be a [`Pin`].
fn pin_wrapper(pin: &str) -> Result<PinWrapper, AppError> {
    let pin = Pin::parse(pin).map_err(|_| AppError::InvalidPin)?;
    PinWrapper::new(pin.as_str()).map_err(|_| AppError::InvalidPin)
}

impl WalletState {
    /// The wallet in `$SHIMIN_DATA_DIR`, else in `default_data_dir` (the platform's app data
    /// directory). Exports go to `downloads` when the data directory is the platform's.
    /// The backend comes from `$SHIMIN_BACKEND_URL` (none: the app works offline only).
    pub fn new(default_data_dir: PathBuf, downloads: Option<PathBuf>) -> Self {
        let state = match std::env::var_os(DATA_DIR_ENV).filter(|d| !d.is_empty()) {
            Some(dir) => Self::in_dir(PathBuf::from(dir), None),
            None => Self::in_dir(default_data_dir, downloads),
        };
        Self { sync: SyncState::from_env(), ..state }
    }

    /// The wallet in `data_dir`, with no backend; exports go to `export_dir`, else to
    /// `data_dir/exports`.
    pub fn in_dir(data_dir: PathBuf, export_dir: Option<PathBuf>) -> Self {
        let export_dir = export_dir.unwrap_or_else(|| data_dir.join("exports"));
        let sync = SyncState::new(None, DEFAULT_SYNC_INTERVAL);
        Self {
            data_dir,
            export_dir,
            wallet: Mutex::new(None),
            sync,
            liveness: liveness::LivenessState::from_env(),
            scan: scan::ScanState::default(),
        }
    }

    /// The same wallet, enrolling with and syncing against `backend_url` every `interval`.
    #[must_use]
    pub fn with_backend(self, backend_url: &str, interval: std::time::Duration) -> Self {
        Self { sync: SyncState::new(Some(backend_url.to_owned()), interval), ..self }
    }

    fn database(&self) -> PathBuf {
        self.data_dir.join(DATABASE_FILE)
    }

    fn root_key(&self) -> PathBuf {
        self.data_dir.join(ROOT_KEY_FILE)
    }

    fn connect(&self) -> Result<Connection, AppError> {
        std::fs::create_dir_all(&self.data_dir)?;
        Ok(schema::open_file(&self.database())?)
    }

    fn guard(&self) -> Result<MutexGuard<'_, Option<Wallet>>, AppError> {
        self.wallet.lock().map_err(|_| AppError::Internal("the wallet lock is poisoned"))
    }

    /// Runs `f` on the open wallet.
    fn with_wallet<T>(&self, f: impl FnOnce(&mut Wallet) -> Result<T, AppError>) -> Result<T, AppError> {
        let mut guard = self.guard()?;
        f(guard.as_mut().ok_or(AppError::Locked)?)
    }

    /// A second handle on the open wallet over its own connection, for a sync round.
    fn second_handle(&self) -> Result<Wallet, AppError> {
        let conn = self.connect()?;
        self.with_wallet(|w| Ok(w.second_handle(conn)?))
    }

    /// Runs `f` on the open wallet with the cached lists.
    fn with_open<T>(
        &self,
        f: impl FnOnce(&mut Wallet, &CachedLists) -> Result<T, AppError>,
    ) -> Result<T, AppError> {
        let mut guard = self.guard()?;
        let wallet = guard.as_mut().ok_or(AppError::Locked)?;
        let lists = CachedLists::load(wallet.connection(), &self.root_key())?;
        f(wallet, &lists)
    }

    /// Whether a wallet exists and is open.
    ///
    /// # Errors
    /// [`AppError::Store`] when the database cannot be read.
    pub fn status(&self) -> Result<WalletStatusView, AppError> {
        if self.guard()?.is_some() {
            return Ok(WalletStatusView { exists: true, unlocked: true });
        }
        let exists = self.database().is_file() && Wallet::exists(&self.connect()?)?;
        Ok(WalletStatusView { exists, unlocked: false })
    }

    /// Creates the wallet with `pin` and keeps it open.
    ///
    /// # Errors
    /// [`AppError::InvalidPin`], [`AppError::WalletExists`], or a storage failure.
    pub fn create(&self, pin: &str) -> Result<(), AppError> {
        let wrapper = pin_wrapper(pin)?;
        let mut guard = self.guard()?;
        if guard.is_some() {
            return Err(AppError::WalletExists);
        }
        *guard = Some(Wallet::create(self.connect()?, &wrapper, now())?);
        Ok(())
    }

    /// Opens the wallet with `pin`. A wrong PIN changes nothing.
    ///
    /// # Errors
    /// [`AppError::WrongPin`], [`AppError::NoWallet`], [`AppError::InvalidPin`].
    pub fn unlock(&self, pin: &str) -> Result<(), AppError> {
        let wrapper = pin_wrapper(pin).map_err(|_| AppError::WrongPin)?;
        if !self.database().is_file() {
            return Err(AppError::NoWallet);
        }
        // The key derivation takes a moment: do it before taking the lock.
        let wallet = Wallet::open(self.connect()?, &wrapper)?;
        *self.guard()? = Some(wallet);
        self.sync.request_round();
        Ok(())
    }

    /// Closes the wallet: its keys leave memory.
    ///
    /// # Errors
    /// Only [`AppError::Internal`] for a poisoned lock.
    pub fn lock(&self) -> Result<(), AppError> {
        self.guard()?.take();
        Ok(())
    }

    /// Changes the PIN from `current` to `new`. A wrong current PIN changes nothing.
    ///
    /// # Errors
    /// [`AppError::WrongPin`], [`AppError::InvalidPin`] for a new PIN that is not six digits,
    /// [`AppError::Locked`].
    pub fn change_pin(&self, current: &str, new: &str) -> Result<(), AppError> {
        let new = pin_wrapper(new)?;
        let current = pin_wrapper(current).map_err(|_| AppError::WrongPin)?;
        self.with_wallet(|w| Ok(w.change_pin(&current, &new, now())?))
    }

    /// Unregisters this device from the backend (when it is enrolled) and erases the wallet from
    /// the device: the database and its journal files. Offline, nothing is erased: the backend
    /// must hear of it first, or the device would stay registered.
    ///
    /// # Errors
    /// [`AppError::Locked`], [`AppError::Backend`] when the backend cannot be told,
    /// [`AppError::Io`] when a file cannot be removed.
    pub async fn remove_device(&self) -> Result<(), AppError> {
        let _round = self.sync.round_lock().await;
        let mut handle = self.second_handle()?;
        if handle.enrolment()?.is_some() {
            shimin_client::unregister(&mut handle).await.map_err(AppError::Backend)?;
        }
        drop(handle);
        self.guard()?.take();
        let database = self.database();
        for suffix in ["", "-wal", "-shm"] {
            let path = PathBuf::from(format!("{}{suffix}", database.display()));
            match std::fs::remove_file(&path) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(e.into()),
            }
        }
        self.sync.forget();
        Ok(())
    }

    /// The app's preferences.
    pub fn settings(&self) -> SettingsView {
        settings::load(&self.data_dir)
    }

    /// Saves the app's preferences (a value the app does not offer does not parse into them).
    ///
    /// # Errors
    /// [`AppError::Io`].
    pub fn save_settings(&self, view: SettingsView) -> Result<(), AppError> {
        settings::save(&self.data_dir, view)
    }

    /// The current certificates matching `query`, soonest expiry first.
    ///
    /// # Errors
    /// [`AppError::Locked`], or a storage failure.
    pub fn certificates(&self, query: &str) -> Result<Vec<CertificateCardView>, AppError> {
        self.with_open(|w, lists| certificates::list(w, lists, query, now()))
    }

    /// One certificate in full.
    ///
    /// # Errors
    /// [`AppError::Locked`], [`AppError::NotFound`], [`AppError::BadRequest`].
    pub fn certificate(&self, id: &str) -> Result<CertificateDetailView, AppError> {
        self.with_open(|w, lists| certificates::detail(w, lists, id, now()))
    }

    /// A fresh presentation QR code, logged unless it is a redraw.
    ///
    /// # Errors
    /// [`AppError::Locked`], [`AppError::NotFound`], [`AppError::PresetNotApplicable`].
    pub fn present(&self, request: &PresentRequest) -> Result<PresentationView, AppError> {
        self.with_open(|w, _| certificates::present(w, request, now()))
    }

    /// The presentation log, newest first.
    ///
    /// # Errors
    /// [`AppError::Locked`], or a storage failure.
    pub fn history(&self) -> Result<Vec<HistoryEntryView>, AppError> {
        self.with_open(|w, _| history::entries(w))
    }

    /// Exports the presentation log as JSON Lines.
    ///
    /// # Errors
    /// [`AppError::Locked`], [`AppError::Io`].
    pub fn export_history(&self) -> Result<ExportView, AppError> {
        self.with_open(|w, _| history::export(w, &self.export_dir, now()))
    }

    /// Verifies a picture of someone's presentation QR code with the lists cached on this
    /// device. Needs no PIN: a verifier's lists are not secret.
    ///
    /// # Errors
    /// A storage failure.
    pub fn verify_image(&self, image: &[u8]) -> Result<VerdictView, AppError> {
        let verdict = self.verify_with(|verifier, now| verifier.verify_image(image, now))?;
        Ok(verdict.map_or_else(views::unchecked_verdict_view, |v| views::verdict_view(&v)))
    }

    /// The verdict `check` gives with the lists cached on this device at the present time;
    /// `None` without a trust list (nothing can be checked).
    fn verify_with(
        &self,
        check: impl FnOnce(&lists::ListVerifier<'_>, i64) -> shimin_core::verifier::Verdict,
    ) -> Result<Option<shimin_core::verifier::Verdict>, AppError> {
        let lists = match self.database().is_file() {
            true => CachedLists::load(&self.connect()?, &self.root_key())?,
            false => CachedLists::default(),
        };
        Ok(lists.verifier().map(|verifier| check(&verifier, now())))
    }

    /// The data directory, for the about screen and tests.
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pin_is_six_digits() {
        assert!(pin_wrapper("123456").is_ok());
        for bad in ["12345", "1234567", "12345a", "", "１２３４５６"] {
            assert!(matches!(pin_wrapper(bad), Err(AppError::InvalidPin)), "{bad}");
        }
    }

    #[test]
    fn create_lock_unlock_and_a_wrong_pin_changes_nothing() {
        let dir = std::env::temp_dir().join(format!("shimin-app-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let state = WalletState::in_dir(dir.clone(), None);
        assert_eq!(state.status().expect("status"), WalletStatusView { exists: false, unlocked: false });
        assert!(matches!(state.unlock("123456"), Err(AppError::NoWallet)));
        state.create("246810").expect("create");
        assert!(matches!(state.create("246810"), Err(AppError::WalletExists)));
        assert_eq!(state.certificates("").expect("list"), Vec::new());
        state.lock().expect("lock");
        assert!(matches!(state.certificates(""), Err(AppError::Locked)));
        assert_eq!(state.status().expect("status"), WalletStatusView { exists: true, unlocked: false });
        assert!(matches!(state.unlock("111111"), Err(AppError::WrongPin)));
        state.unlock("246810").expect("unlock");
        assert!(state.history().expect("history").is_empty());
        // Verifying needs no PIN; without a pinned root key nothing can be checked.
        let verdict = state.verify_image(b"not an image").expect("verdict");
        assert_eq!(verdict.check, views::unchecked_view());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
