//! The platform under the wallet's use cases (`shimin_core::wallet`): where the wallet lives,
//! the locks around the open wallet and the lists held in memory, the system clock, and the
//! files, cameras and HTTP client. Every rule is in the core; each method here takes what it needs
//! under the right lock and calls one use case.
//!
//! The database is `wallet.db` in the app's data directory (`SHIMIN_DATA_DIR` overrides it), and
//! the national root public key the cached trust list must be signed with is the one this build
//! ships (pinned at build time, see `build.rs`) and is pinned again at enrolment; a development
//! build without one reads `root.pub` (SEC1) next to the database on a verifier-only device.

mod applications;
mod attempts;
mod camera;
mod hall;
mod key_store;
mod liveness;
mod recorded;
mod scan;
mod settings;
mod sync;
mod two_way;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{SystemTime, UNIX_EPOCH};

use rusqlite::Connection;
use shimin_core::clock::{Clock, UnixSeconds};
use shimin_core::crypto::VerifyingKey;
use shimin_core::qr;
use shimin_core::verifier::SeenPresentations;
use shimin_core::wallet::{Lists, certificates, history, pin};
use shimin_store::{CachedLists, KeyStoreWrapper, PinWrapper, PlatformKeyStore, Wallet, schema};
use shimin_wire::wallet::{
    CertificateCardView, CertificateDetailView, HistoryDayView, ListAgeView, Pin, PresentRequest,
    PresentationView, ScannedView, SettingsView, WalletStatusView,
};

pub use hall::CATALOGUE_FILE;
pub use liveness::{CAMERA_FRAMES_ENV, MAX_FRAME_BYTES};
pub use shimin_core::wallet::WalletError as AppError;
use sync::SyncState;
pub use sync::{BACKEND_URL_ENV, DEFAULT_SYNC_INTERVAL, SYNC_INTERVAL_ENV};

/// The environment variable that moves the data directory (tests, portable installs).
pub const DATA_DIR_ENV: &str = "SHIMIN_DATA_DIR";
/// A directory exports are written into without the save dialog (tests, scripted runs).
pub const EXPORT_TO_ENV: &str = "SHIMIN_EXPORT_TO";
/// The wallet's database file in the data directory.
pub const DATABASE_FILE: &str = "wallet.db";
/// The pinned national root public key (SEC1) in the data directory.
pub const ROOT_KEY_FILE: &str = "root.pub";
/// The largest picture file `verify_image` takes, bytes: far above any photo of a code, so
/// that only a body no picture needs is refused before it is read.
pub const MAX_IMAGE_BYTES: usize = 64 * 1024 * 1024;

/// The system clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> UnixSeconds {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
    }
}

/// The lists held in memory and how many times they were let go, so that a load that raced a
/// sync round does not put back lists older than the round's.
#[derive(Debug, Default)]
struct HeldLists {
    lists: Option<Arc<Lists>>,
    generation: u64,
}

/// The app's wallet: its files and, once unlocked, the open wallet. Managed by Tauri.
pub struct WalletState {
    data_dir: PathBuf,
    /// Where exports go without asking (`SHIMIN_EXPORT_TO`, for tests); `None`: the user
    /// chooses in the save dialog.
    export_dir: Option<PathBuf>,
    wallet: Mutex<Option<Wallet>>,
    /// The verified trust and status lists, loaded when first needed (and at unlock) and let go
    /// after each sync round, so that no screen and no camera frame verifies them again.
    lists: Mutex<HeldLists>,
    /// The codes this device accepted as a verifier in the last minute and a half, so that a
    /// code shown again (a screenshot passed back) is flagged. Kept across list reloads.
    seen: Mutex<SeenPresentations>,
    clock: Arc<dyn Clock>,
    /// The platform key store the data key is bound to where it answers.
    key_store: Option<&'static dyn PlatformKeyStore>,
    sync: SyncState,
    liveness: liveness::LivenessState,
    scan: scan::ScanState,
    /// The request this device shows as a verifier (two-way mode), while its screen shows it.
    asking: two_way::AskState,
    /// The service hall's catalogue.
    hall: hall::HallState,
    /// Files chosen for an application's materials, until it is submitted.
    staged: applications::StagedFiles,
}

impl std::fmt::Debug for WalletState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WalletState").field("data_dir", &self.data_dir).finish_non_exhaustive()
    }
}

impl WalletState {
    /// The wallet in `$SHIMIN_DATA_DIR`, else in `default_data_dir` (the platform's app data
    /// directory). Exports go where the user chooses, or into `$SHIMIN_EXPORT_TO` without asking.
    /// The backend comes from `$SHIMIN_BACKEND_URL` (none: the app works offline only).
    pub fn new(default_data_dir: PathBuf) -> Self {
        let data_dir = match std::env::var_os(DATA_DIR_ENV).filter(|d| !d.is_empty()) {
            Some(dir) => PathBuf::from(dir),
            None => default_data_dir,
        };
        let export_dir = std::env::var_os(EXPORT_TO_ENV).filter(|d| !d.is_empty()).map(PathBuf::from);
        Self { sync: SyncState::from_env(), ..Self::in_dir(data_dir, export_dir) }
    }

    /// The wallet in `data_dir`, with no backend and the system clock; exports go into
    /// `export_dir` without asking, or (`None`) where the user chooses.
    pub fn in_dir(data_dir: PathBuf, export_dir: Option<PathBuf>) -> Self {
        Self {
            data_dir,
            export_dir,
            wallet: Mutex::new(None),
            lists: Mutex::new(HeldLists::default()),
            seen: Mutex::new(SeenPresentations::new()),
            clock: Arc::new(SystemClock),
            key_store: key_store::platform(),
            sync: SyncState::new(None, DEFAULT_SYNC_INTERVAL),
            liveness: liveness::LivenessState::from_env(),
            scan: scan::ScanState::default(),
            asking: two_way::AskState::default(),
            hall: hall::HallState::default(),
            staged: applications::StagedFiles::default(),
        }
    }

    /// The same wallet, enrolling with and syncing against `backend_url` every `interval`.
    #[must_use]
    pub fn with_backend(self, backend_url: &str, interval: std::time::Duration) -> Self {
        Self { sync: SyncState::new(Some(backend_url.to_owned()), interval), ..self }
    }

    /// The same wallet reading the time from `clock` (tests: a fixed clock).
    #[must_use]
    pub fn with_clock(self, clock: Arc<dyn Clock>) -> Self {
        Self { clock, ..self }
    }

    /// The same wallet over another key store (`None`: none answers), as tests put a double.
    #[cfg(test)]
    fn with_key_store(self, key_store: Option<&'static dyn PlatformKeyStore>) -> Self {
        Self { key_store, ..self }
    }

    /// The wrapper of the data key for a PIN the core's rule accepted: the PIN's key
    /// derivation, with the platform key store where it answers (the PIN alone where it does
    /// not).
    fn wrapper(&self, pin: &Pin) -> Result<KeyStoreWrapper<'static>, AppError> {
        let pin = PinWrapper::new(pin.as_str()).map_err(|_| AppError::InvalidPin)?;
        Ok(KeyStoreWrapper::new(pin, self.key_store))
    }

    fn now(&self) -> i64 {
        self.clock.now()
    }

    fn database(&self) -> PathBuf {
        self.data_dir.join(DATABASE_FILE)
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

    /// A second handle on the open wallet over its own connection, for a sync round. A locked
    /// (or removed) wallet is refused before any connection is opened, so that nothing creates
    /// the database file again.
    fn second_handle(&self) -> Result<Wallet, AppError> {
        let guard = self.guard()?;
        let wallet = guard.as_ref().ok_or(AppError::Locked)?;
        Ok(wallet.second_handle(self.connect()?)?)
    }

    fn held_lists(&self) -> MutexGuard<'_, HeldLists> {
        // Holds only an `Arc` and a counter: nothing a panic could leave half-done.
        self.lists.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The verified lists held in memory, loaded (and verified) first if they are not. Never
    /// called with the wallet's lock held: loading takes it.
    fn lists(&self) -> Result<Arc<Lists>, AppError> {
        let generation = {
            let held = self.held_lists();
            if let Some(lists) = &held.lists {
                return Ok(Arc::clone(lists));
            }
            held.generation
        };
        let loaded = Arc::new(self.load_lists()?);
        for problem in loaded.problems() {
            eprintln!("shimin: {problem}");
        }
        let mut held = self.held_lists();
        if held.generation == generation {
            held.lists = Some(Arc::clone(&loaded));
        }
        Ok(loaded)
    }

    /// Lets go of the lists held: the next check loads the ones stored now (after a sync round,
    /// a new wallet, a removed one).
    fn let_go_of_lists(&self) {
        let mut held = self.held_lists();
        held.lists = None;
        held.generation = held.generation.wrapping_add(1);
    }

    /// Reads the lists from the open wallet, or from the database without its PIN (a verifier
    /// needs no PIN), trusting the root key pinned at enrolment or else the one in
    /// [`ROOT_KEY_FILE`].
    fn load_lists(&self) -> Result<Lists, AppError> {
        let fallback = self.root_key_file();
        let guard = self.guard()?;
        if let Some(wallet) = guard.as_ref() {
            return Ok(Lists::load(wallet, fallback.as_ref())?);
        }
        drop(guard);
        if !self.database().is_file() {
            return Ok(Lists::default());
        }
        let conn = self.connect()?;
        if schema::user_version(&conn)? == 0 {
            return Ok(Lists::default());
        }
        Ok(Lists::load(&CachedLists(&conn), fallback.as_ref())?)
    }

    /// The verifier's memory of codes seen lately. It holds no invariant a panic could break:
    /// taken even if poisoned.
    fn seen(&self) -> MutexGuard<'_, SeenPresentations> {
        self.seen.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The root key a device that never enrolled checks lists with: the one this build ships,
    /// or in a development build without one, the one in [`ROOT_KEY_FILE`] if it is readable.
    fn root_key_file(&self) -> Option<VerifyingKey> {
        if let Some(shipped) = sync::shipped_root() {
            return Some(shipped);
        }
        let bytes = std::fs::read(self.data_dir.join(ROOT_KEY_FILE)).ok()?;
        VerifyingKey::p256_from_sec1(&bytes)
            .map_err(|_| eprintln!("shimin: {ROOT_KEY_FILE} is not a P-256 public key; it is not used"))
            .ok()
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
        let wrapper = self.wrapper(&pin::new_pin(pin)?)?;
        let mut guard = self.guard()?;
        if guard.is_some() {
            return Err(AppError::WalletExists);
        }
        *guard = Some(Wallet::create(self.connect()?, &wrapper, self.now())?);
        drop(guard);
        self.let_go_of_lists();
        Ok(())
    }

    /// Opens the wallet with `pin` and loads its lists. A wrong PIN changes nothing but the
    /// count of wrong PINs: after a few the next must wait, and the tenth erases the wallet.
    /// A wallet wrapped under the PIN alone (made while no key store answered) moves into the
    /// key store here where one answers now; where none does, it opens as before.
    ///
    /// # Errors
    /// [`AppError::WrongPin`], [`AppError::PinLockedOut`], [`AppError::NoWallet`].
    pub fn unlock(&self, pin: &str) -> Result<(), AppError> {
        if !self.database().is_file() {
            return Err(AppError::NoWallet);
        }
        let now = self.now();
        let wallet = self.guarded(|| {
            let wrapper =
                self.wrapper(&pin::offered_pin(pin)?).map_err(|_| AppError::WrongPin { tries_left: None })?;
            // The key derivation takes a moment: do it before taking the lock.
            Ok(Wallet::open_with_key_store(self.connect()?, &wrapper, now)?)
        })?;
        *self.guard()? = Some(wallet);
        self.let_go_of_lists();
        self.lists()?;
        self.sync.request_round();
        Ok(())
    }

    /// Runs `offer` (something that checks a PIN) unless the wait after wrong PINs runs, and
    /// counts a wrong PIN — persisted before answering, so quitting the app does not undo it.
    /// The wrong PIN that reaches the limit erases the wallet from the device.
    fn guarded<T>(&self, offer: impl FnOnce() -> Result<T, AppError>) -> Result<T, AppError> {
        let now = self.now();
        let attempts = attempts::load(&self.data_dir);
        attempts.may_try(now)?;
        match offer() {
            Ok(value) => {
                attempts::clear(&self.data_dir)?;
                Ok(value)
            }
            Err(AppError::WrongPin { .. }) => {
                let wipe_after = self.settings().wipe_after_wrong_pins.then_some(pin::DEFAULT_WIPE_AFTER);
                let tries_left = match attempts.wrong_pin(now, wipe_after) {
                    pin::AfterWrongPin::Count(next) => {
                        attempts::save(&self.data_dir, next)?;
                        next.tries_left(wipe_after)
                    }
                    pin::AfterWrongPin::Wipe => {
                        self.forget()?;
                        Some(0)
                    }
                };
                Err(AppError::WrongPin { tries_left })
            }
            Err(other) => Err(other),
        }
    }

    /// The wallet opened afresh with `pin`, for an act that needs the PIN again (the step-up):
    /// counted like unlocking, waits and wipe included.
    fn step_up(&self, pin: &str) -> Result<Wallet, AppError> {
        self.guarded(|| {
            let wrapper =
                self.wrapper(&pin::offered_pin(pin)?).map_err(|_| AppError::WrongPin { tries_left: None })?;
            Ok(Wallet::open(self.connect()?, &wrapper)?)
        })
    }

    /// Removes the database and its journal files, and first the data key's secret in the key
    /// store: with it gone, what a failed removal leaves behind no longer opens. A key store
    /// that does not answer does not stop the erase (its secret stays behind, useless without
    /// the erased database, under an alias nothing names any more).
    fn erase_database(&self) -> Result<(), AppError> {
        self.forget_key_store_secret();
        let database = self.database();
        for suffix in ["", "-wal", "-shm"] {
            let path = PathBuf::from(format!("{}{suffix}", database.display()));
            match std::fs::remove_file(&path) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(e.into()),
            }
        }
        Ok(())
    }

    /// Deletes the wallet's secret from the key store, where it has one; best effort.
    fn forget_key_store_secret(&self) {
        let Some(key_store) = self.key_store else { return };
        if !self.database().is_file() {
            return;
        }
        let alias = self.connect().ok().and_then(|conn| Wallet::key_store_alias(&conn).ok().flatten());
        if let Some(alias) = alias
            && key_store.delete(&alias).is_err()
        {
            eprintln!("shimin: the key store did not forget the erased wallet's secret");
        }
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
        let new = self.wrapper(&pin::new_pin(new)?)?;
        let now = self.now();
        self.guarded(|| {
            let current = self
                .wrapper(&pin::offered_pin(current)?)
                .map_err(|_| AppError::WrongPin { tries_left: None })?;
            self.with_wallet(|w| Ok(w.change_pin(&current, &new, now)?))
        })
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
        self.unregister(&mut handle).await?;
        drop(handle);
        self.guard()?.take();
        self.erase_database()?;
        self.let_go_of_lists();
        self.sync.forget();
        Ok(())
    }

    /// Erases the wallet from this device without its PIN, for a holder who forgot it: the
    /// wipe the last wrong PIN does. Nothing is lost that cannot come back: the holder enrols
    /// again (by the face or a code) and the certificates download again. The backend is not
    /// told (that needs the device key, under the forgotten PIN); the new enrolment is a new
    /// device, and the old one can be removed from 我的设备.
    ///
    /// # Errors
    /// [`AppError::Io`] when a file cannot be removed; [`AppError::Internal`] for a poisoned lock.
    pub fn forget(&self) -> Result<(), AppError> {
        self.guard()?.take();
        self.erase_database()?;
        self.let_go_of_lists();
        self.sync.forget();
        attempts::clear(&self.data_dir)?;
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
        let lists = self.lists()?;
        let now = self.now();
        self.with_wallet(|w| certificates::cards(w, &lists, query, now))
    }

    /// One certificate in full.
    ///
    /// # Errors
    /// [`AppError::Locked`], [`AppError::NotFound`], [`AppError::BadRequest`].
    pub fn certificate(&self, id: &str) -> Result<CertificateDetailView, AppError> {
        let lists = self.lists()?;
        let now = self.now();
        self.with_wallet(|w| certificates::detail(w, &lists, id, now))
    }

    /// A fresh presentation QR code, logged unless it is a redraw.
    ///
    /// # Errors
    /// [`AppError::Locked`], [`AppError::NotFound`], [`AppError::PresetNotApplicable`].
    pub fn present(&self, request: &PresentRequest) -> Result<PresentationView, AppError> {
        let now = self.now();
        self.with_wallet(|w| certificates::present(w, request, now))
    }

    /// The presentation log by day, newest first.
    ///
    /// # Errors
    /// [`AppError::Locked`], or a storage failure.
    pub fn history(&self) -> Result<Vec<HistoryDayView>, AppError> {
        let now = self.now();
        self.with_wallet(|w| history::entries(w, now))
    }

    /// Where an export goes without asking, if anywhere ([`EXPORT_TO_ENV`]).
    pub fn export_dir(&self) -> Option<&Path> {
        self.export_dir.as_deref()
    }

    /// The name an export made now is offered under.
    pub fn export_file_name(&self) -> String {
        history::export_file_name(self.now())
    }

    /// Exports the presentation log as JSON Lines into `path` (the user's choice) and answers
    /// how many lines. A failed export leaves no half-written file behind.
    ///
    /// # Errors
    /// [`AppError::Locked`], [`AppError::Io`].
    pub fn export_history_to(&self, path: &Path) -> Result<usize, AppError> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let written = self.with_wallet(|w| {
            let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
            history::export(w, &mut out)
        });
        if written.is_err() {
            let _ = std::fs::remove_file(path);
        }
        written
    }

    /// Reads a picture of a QR code: someone's presentation, verified with the lists held on
    /// this device (no PIN needed: a verifier's lists are not secret), or a verifier's request.
    ///
    /// # Errors
    /// [`AppError::Locked`] for a request while the wallet is locked; a storage failure.
    pub fn verify_image(&self, image: &[u8]) -> Result<ScannedView, AppError> {
        match qr::decode_image(image) {
            Ok(text) => self.scanned(&text),
            Err(_) => Ok(ScannedView::Verdict(self.lists()?.verdict_view(
                self.now(),
                &mut self.seen(),
                |verifier, now| verifier.verify_image(image, now),
            ))),
        }
    }

    /// How fresh the lists held for verifying are now (no PIN needed, as for verifying).
    ///
    /// # Errors
    /// A storage failure.
    pub fn verify_data_age(&self) -> Result<Option<ListAgeView>, AppError> {
        Ok(self.lists()?.freshness(self.now()))
    }

    /// The data directory, for the about screen and tests.
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }
}

#[cfg(test)]
mod tests {
    use shimin_core::views;

    use super::*;

    #[test]
    fn create_lock_unlock_and_a_wrong_pin_changes_nothing() {
        let dir = tempfile::tempdir().expect("dir");
        let state = WalletState::in_dir(dir.path().to_path_buf(), None);
        assert_eq!(state.status().expect("status"), WalletStatusView { exists: false, unlocked: false });
        assert!(matches!(state.unlock("123456"), Err(AppError::NoWallet)));
        assert!(matches!(state.create("12345a"), Err(AppError::InvalidPin)));
        state.create("246810").expect("create");
        assert!(matches!(state.create("246810"), Err(AppError::WalletExists)));
        assert_eq!(state.certificates("").expect("list"), Vec::new());
        state.lock().expect("lock");
        assert!(matches!(state.certificates(""), Err(AppError::Locked)));
        assert_eq!(state.status().expect("status"), WalletStatusView { exists: true, unlocked: false });
        assert!(matches!(state.unlock("111111"), Err(AppError::WrongPin { .. })));
        assert!(
            matches!(state.unlock("24681"), Err(AppError::WrongPin { .. })),
            "a malformed PIN is a wrong one"
        );
        state.unlock("246810").expect("unlock");
        assert!(state.history().expect("history").is_empty());
        // Verifying needs no PIN; without a pinned root key nothing can be checked.
        let Ok(ScannedView::Verdict(verdict)) = state.verify_image(b"not an image") else {
            panic!("a verdict")
        };
        assert_eq!(verdict.check, views::unchecked_view());
    }

    /// Issue 15, finding 4: guessing the PIN at the app. Wrong PINs make the next wait, the wait
    /// survives a restart of the app (a new `WalletState` on the same directory), even the
    /// right PIN is refused during it, and the tenth wrong PIN erases the wallet.
    #[test]
    fn guessing_the_pin_waits_across_restarts_and_the_tenth_guess_erases_the_wallet() {
        let dir = tempfile::tempdir().expect("dir");
        let at = |now: i64| {
            WalletState::in_dir(dir.path().to_path_buf(), None)
                .with_clock(Arc::new(shimin_core::clock::FixedClock(now)))
        };
        let mut now = 1_800_000_000;
        at(now).create("246810").expect("create");
        for guess in 1..=3 {
            assert!(matches!(at(now).unlock("111111"), Err(AppError::WrongPin { .. })), "guess {guess}");
        }
        // A restarted app still makes the guesser wait, and the right PIN does not skip it.
        assert!(matches!(at(now + 1).unlock("246810"), Err(AppError::PinLockedOut { .. })));
        assert!(matches!(at(now + 1).change_pin("246810", "135790"), Err(AppError::PinLockedOut { .. })));
        now += pin::delay_after(3);
        at(now).unlock("246810").expect("after the wait the right PIN opens it");
        // The right PIN reset the count; ten wrong ones in a row, each after its wait, erase it.
        for guess in 1..pin::DEFAULT_WIPE_AFTER {
            let left = Some(pin::DEFAULT_WIPE_AFTER - guess);
            assert!(
                matches!(at(now).unlock("111111"), Err(AppError::WrongPin { tries_left }) if tries_left == left),
                "guess {guess} tells {left:?} tries left"
            );
            now += pin::delay_after(guess);
        }
        assert!(dir.path().join(DATABASE_FILE).is_file());
        assert!(matches!(at(now).unlock("111111"), Err(AppError::WrongPin { .. })));
        assert!(!dir.path().join(DATABASE_FILE).exists(), "the tenth wrong PIN erased the wallet");
        assert!(matches!(at(now).unlock("246810"), Err(AppError::NoWallet)));
    }

    /// The wipe is the user's choice: turned off in the settings, the tenth wrong PIN (and the
    /// ones after) only make the wait longer.
    #[test]
    fn with_the_wipe_turned_off_wrong_pins_only_wait() {
        let dir = tempfile::tempdir().expect("dir");
        let at = |now: i64| {
            WalletState::in_dir(dir.path().to_path_buf(), None)
                .with_clock(Arc::new(shimin_core::clock::FixedClock(now)))
        };
        let mut now = 1_800_000_000;
        at(now).create("246810").expect("create");
        let off = SettingsView { wipe_after_wrong_pins: false, ..at(now).settings() };
        at(now).save_settings(off).expect("save");
        for guess in 1..=pin::DEFAULT_WIPE_AFTER + 1 {
            let wrong = at(now).unlock("111111");
            assert!(
                matches!(wrong, Err(AppError::WrongPin { tries_left: None })),
                "guess {guess}: no count to tell"
            );
            now += pin::delay_after(guess);
        }
        assert!(dir.path().join(DATABASE_FILE).is_file(), "not erased");
        at(now).unlock("246810").expect("after the wait the right PIN opens it");
    }

    /// 忘记密码: a locked wallet is erased without its PIN, with the count of wrong PINs, so a
    /// new wallet starts afresh (no wait inherited from the guesses before).
    #[test]
    fn a_forgotten_pin_erases_the_locked_wallet_and_the_count_of_wrong_pins() {
        let dir = tempfile::tempdir().expect("dir");
        let at = |now: i64| {
            WalletState::in_dir(dir.path().to_path_buf(), None)
                .with_clock(Arc::new(shimin_core::clock::FixedClock(now)))
        };
        let now = 1_800_000_000;
        at(now).create("246810").expect("create");
        at(now).lock().expect("lock");
        for _ in 0..3 {
            assert!(matches!(at(now).unlock("111111"), Err(AppError::WrongPin { .. })));
        }
        assert!(matches!(at(now).unlock("246810"), Err(AppError::PinLockedOut { .. })), "a wait runs");
        at(now).forget().expect("forget");
        assert!(!dir.path().join(DATABASE_FILE).exists(), "erased");
        assert_eq!(at(now).status().expect("status"), WalletStatusView { exists: false, unlocked: false });
        at(now).create("135790").expect("a new wallet");
        at(now).lock().expect("lock");
        at(now).unlock("135790").expect("no wait carried over from the forgotten wallet");
    }

    #[tokio::test]
    async fn a_removed_wallet_is_not_created_again_by_the_calls_that_follow() {
        let dir = tempfile::tempdir().expect("dir");
        let state = WalletState::in_dir(dir.path().to_path_buf(), None)
            .with_backend("http://127.0.0.1:9", std::time::Duration::from_secs(3_600));
        state.create("246810").expect("create");
        state.remove_device().await.expect("an unenrolled wallet is removed without the backend");
        let database = dir.path().join(DATABASE_FILE);
        assert!(!database.exists(), "the wallet is erased");
        assert!(matches!(state.identity_requests().await, Err(AppError::Locked)));
        assert!(matches!(state.sync_now().await, Err(AppError::Locked)));
        state.run_round().await;
        assert!(state.certificates("").is_err());
        assert!(!database.exists(), "nothing created the database again");
        assert_eq!(state.status().expect("status"), WalletStatusView { exists: false, unlocked: false });
    }

    #[test]
    fn an_export_that_fails_leaves_no_file() {
        let dir = tempfile::tempdir().expect("dir");
        let exports = dir.path().join("exports");
        let now = 1_717_200_000;
        let state = WalletState::in_dir(dir.path().join("data"), Some(exports.clone()))
            .with_clock(Arc::new(shimin_core::clock::FixedClock(now)));
        assert_eq!(state.export_file_name(), "市民通出示记录-2024-06-01.jsonl", "named by the clock's day");
        let path = exports.join(state.export_file_name());
        assert!(matches!(state.export_history_to(&path), Err(AppError::Locked)));
        assert!(!path.exists(), "a locked wallet writes no export");
        state.create("246810").expect("create");
        assert_eq!(state.export_history_to(&path).expect("export"), 0);
        assert!(path.is_file());
    }
}
