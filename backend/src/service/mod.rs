//! What the backend does, independent of HTTP: registry look-ups, keys and trust list, issuance
//! and status, devices and tokens, sync. HTTP handlers parse, call one function here, and
//! convert the result to a view. `now` is always a parameter.

pub mod applications;
pub mod calendar;
pub mod catalogue;
pub mod desk;
pub mod devices;
pub mod escalation;
pub mod gate;
pub mod issuance;
pub mod keyfile;
pub mod keys;
pub mod liveness;
pub mod paced;
pub mod password;
pub mod ratings;
pub mod recovery;
pub mod results;
pub mod submission;
pub mod sync;

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use shimin_core::crypto::SigningKey;
use shimin_core::liveness::Action;

use shimin_core::sensitive::Sensitive;

use crate::store::{Store, StoreError};
use keyfile::{KeyFile, KeyFileError};

/// The setting under which the database keeps the root *public* key, to check the key file
/// against: a key file of another backend is refused at start.
const ROOT_PUBLIC_SETTING: &str = "root-public-key";

/// Why an operation was refused or failed. The `&'static str` texts are fixed phrases: no
/// personal data ever goes into them.
#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    /// The request is malformed (400).
    #[error("bad request: {0}")]
    BadInput(&'static str),
    /// The request is well-formed but cannot be done (422).
    #[error("cannot be processed: {0}")]
    Unprocessable(&'static str),
    /// No valid credentials (401).
    #[error("authentication required")]
    Unauthorized,
    /// Authenticated but not allowed (403).
    #[error("forbidden: {0}")]
    Forbidden(&'static str),
    /// Nothing there, or nothing the caller may see (404).
    #[error("not found: {0}")]
    NotFound(&'static str),
    /// The ID number is not in the registry (404).
    #[error("not found: citizen")]
    UnknownCitizen,
    /// The enrolment code is unknown, used, expired or another citizen's (401).
    #[error("bad enrolment code")]
    BadEnrolmentCode,
    /// It clashes with what exists (409).
    #[error("conflict: {0}")]
    Conflict(&'static str),
    /// A device with this key is registered already (409).
    #[error("device key already registered")]
    DeviceAlreadyRegistered,
    /// The liveness check was answered already: each is answered once (409).
    #[error("this liveness check was answered already")]
    AlreadyAnswered,
    /// The citizen has confirmed the registration case already (409).
    #[error("already confirmed")]
    AlreadyConfirmed,
    /// The citizen has declined the registration case already (409).
    #[error("already declined")]
    AlreadyDeclined,
    /// The time to answer the identity request has passed (410).
    #[error("the time to answer this request has passed")]
    RequestExpired,
    /// Too many requests from one address (429).
    #[error("too many requests")]
    TooManyRequests,
    /// The citizen's liveness checks for the day are used up (429).
    #[error("liveness attempts used up")]
    AttemptsExhausted,
    /// The registry has no photo of the citizen to compare a liveness check with (422); the
    /// fixed text may say what to do instead.
    #[error("{0}")]
    NoRegistryPhoto(&'static str),
    /// The storage failed (500, or 409 for a unique-key clash).
    #[error("storage: {0}")]
    Store(#[from] StoreError),
    /// A key, a signature or a certificate could not be made (500).
    #[error("signing failed: {0}")]
    Signing(&'static str),
    /// The liveness check did not pass (422); why is for the server's log only.
    #[error("the liveness check did not pass")]
    LivenessFailed,
    /// A part of the service is not available now (503), e.g. the liveness judge's models.
    #[error("unavailable: {0}")]
    Unavailable(&'static str),
    /// The key file could not be read or written (500 when serving; fatal at start).
    #[error("{0}")]
    KeyFile(#[from] KeyFileError),
}

/// Settings of the service.
#[derive(Debug, Clone)]
pub struct Config {
    /// The URL the backend is reached at, without a trailing slash; status-list URIs start with it.
    pub public_url: String,
    /// Lifetime of a device token, seconds.
    pub device_token_ttl: i64,
    /// Lifetime of a staff token, seconds.
    pub staff_token_ttl: i64,
    /// How long a workbench session may sit unused before it ends, seconds (its token still
    /// ends after `staff_token_ttl` at the latest).
    pub desk_idle_secs: i64,
    /// Status list `ttl`, seconds; a list older than this is re-signed when fetched.
    pub status_list_ttl: i64,
    /// Entries per status list.
    pub status_list_capacity: i64,
    /// The argon2id cost of staff password hashes.
    pub password_cost: password::PasswordCost,
    /// The actions a liveness challenge draws from (all four by default; an operator may leave
    /// one out).
    pub liveness_actions: Vec<Action>,
    /// Actions per liveness challenge (3 or 4), in a random order.
    pub liveness_action_count: usize,
    /// Time limit of a liveness session from its first frame, ms.
    pub liveness_time_limit_ms: u64,
    /// Liveness challenges a citizen's own enrolled devices may be issued in 24 hours (to confirm
    /// a case). Checks asked for without logging in never count against it.
    pub liveness_attempts_per_day: i64,
    /// Enrolment checks, asked for without logging in, one ID number may be issued in 24 hours:
    /// a limit of their own, so that a stranger spending them leaves the citizen's own intact.
    pub liveness_enrolment_attempts_per_day: i64,
    /// Enrolment challenges one source (an IPv4 address, an IPv6 /64) may ask for in 24 hours,
    /// whatever the ID number and whether or not a check is issued.
    pub liveness_source_attempts_per_day: i64,
    /// Frame batches of liveness checks measured at once (each takes a core for a fraction of
    /// a second; the face match at the end of a check, a second or so).
    pub liveness_judges: usize,
    /// The longest a frame batch waits for a free judge before it is refused with 503 (it is
    /// not taken, so the device may send it again).
    pub liveness_queue_timeout_ms: u64,
    /// The key file holding the root and issuer private keys (see [`keyfile`]); `None`
    /// keeps them in this process's memory only, for tests that never restart over the same
    /// database. The database never holds them.
    pub key_file: Option<PathBuf>,
    /// Whether a backend whose catalogue has never changed loads the seed catalogue at start
    /// ([`catalogue::seed_documents`], once); tests that bring their own set this to `false`.
    pub catalogue_seed: bool,
    /// A directory of holiday-notice files (`docs/formats/calendar.md`) merged at start over
    /// the embedded years 2004–2026: a new year's notice needs no release. `None`: the embedded
    /// years only.
    pub calendar_dir: Option<PathBuf>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            public_url: "http://127.0.0.1:8787".into(),
            device_token_ttl: 15 * 60,
            staff_token_ttl: 8 * 3_600,
            desk_idle_secs: 15 * 60,
            status_list_ttl: 300,
            status_list_capacity: 100_000,
            password_cost: password::PasswordCost::OWASP,
            liveness_actions: Action::ALL.to_vec(),
            liveness_action_count: 3,
            liveness_time_limit_ms: 60_000,
            liveness_attempts_per_day: 5,
            liveness_enrolment_attempts_per_day: 5,
            liveness_source_attempts_per_day: 20,
            liveness_judges: std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get),
            liveness_queue_timeout_ms: 10_000,
            key_file: None,
            catalogue_seed: true,
            calendar_dir: None,
        }
    }
}

/// The backend: storage, the private keys (from the key file) and settings.
#[derive(Debug, Clone)]
pub struct Backend {
    /// The storage.
    pub store: Arc<dyn Store>,
    root: Arc<SigningKey>,
    /// The issuer private keys (and the root's), read from the key file at start and written
    /// to it when a key is made or found compromised.
    keys: Arc<Mutex<KeyFile>>,
    /// Settings.
    pub config: Config,
    /// Serialises re-signing of published documents so that an older list never overwrites a
    /// newer one.
    publish_lock: Arc<tokio::sync::Mutex<()>>,
    /// The liveness judge, loaded on first use.
    liveness: Arc<gate::LivenessGate>,
    /// The catalogue of the store's current version, as the listing (and search) need it.
    catalogue: Arc<catalogue::CatalogueCache>,
    /// The working-day calendar: the embedded notices and those of `config.calendar_dir`.
    calendar: Arc<shimin_core::calendar::Calendar>,
}

impl Backend {
    /// The backend over `store` with the private keys of `config.key_file`, creating the
    /// national root key on first start. A database from before the key file gives its private
    /// keys to the key file here, once, and forgets them.
    ///
    /// # Errors
    /// When the store fails, the key file is unreadable or unwritable, or its root key is not
    /// the one this database's trust list is signed with.
    pub async fn new(store: Arc<dyn Store>, config: Config) -> Result<Self, ServiceError> {
        let mut keys = match &config.key_file {
            Some(path) => KeyFile::open(path)?,
            None => KeyFile::in_memory(),
        };
        let legacy = store.legacy_private_keys().await?;
        if !legacy.is_empty() {
            // The key file is written (and synced) before the database lets go of the keys, so
            // a crash in between leaves them in both places, never in neither.
            keys.put_pkcs8(legacy.into_iter().map(|k| (k.key_id, Sensitive::new(k.pkcs8))).collect())?;
            store.forget_private_keys().await?;
            tracing::info!("moved the private keys from the database to the key file");
        }
        let root = match keys.root() {
            Some(root) => root,
            None => {
                // Into the key file first: a crash before the database records the public key
                // leaves an unused key in the file, never a database whose root is lost.
                let fresh =
                    SigningKey::generate_p256().map_err(|_| ServiceError::Signing("no randomness"))?;
                keys.put_root(&fresh)?;
                fresh
            }
        };
        let public = root.verifying_key().as_bytes().to_vec();
        if store.setting_or_insert(ROOT_PUBLIC_SETTING, public.clone()).await? != public {
            return Err(ServiceError::Signing("the key file's root key is not this database's"));
        }
        // A refused notice file stops the start: a server never counts with half a calendar.
        let calendar = calendar::load(config.calendar_dir.as_deref()).map_err(|e| {
            tracing::error!(error = %e, "the working-day calendar does not load");
            ServiceError::Unavailable("the working-day calendar")
        })?;
        let liveness = gate::LivenessGate::new(
            config.liveness_judges,
            std::time::Duration::from_millis(config.liveness_queue_timeout_ms),
        );
        let backend = Self {
            store,
            root: Arc::new(root),
            keys: Arc::new(Mutex::new(keys)),
            config,
            publish_lock: Arc::new(tokio::sync::Mutex::new(())),
            liveness: Arc::new(liveness),
            catalogue: Arc::default(),
            calendar: Arc::new(calendar),
        };
        if backend.config.catalogue_seed && backend.store.catalogue_head().await? == 0 {
            let documents = catalogue::seed_documents().map_err(|e| {
                tracing::error!(error = %e, "the seed catalogue does not load");
                ServiceError::Unavailable("the seed catalogue")
            })?;
            backend.seed_catalogue(documents, crate::now()).await?;
        }
        Ok(backend)
    }

    /// The national root key (signs the trust list).
    pub fn root(&self) -> &SigningKey {
        &self.root
    }

    /// The key file (or the in-memory keys), locked; a poisoned lock is an error, not a panic.
    fn keys(&self) -> Result<std::sync::MutexGuard<'_, KeyFile>, ServiceError> {
        self.keys.lock().map_err(|_| ServiceError::Signing("key store"))
    }
}

/// Base64url without padding.
pub fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Decodes base64url without padding.
///
/// # Errors
/// [`ServiceError::BadInput`] naming `what`.
pub fn unb64(text: &str, what: &'static str) -> Result<Vec<u8>, ServiceError> {
    URL_SAFE_NO_PAD.decode(text.trim_end_matches('=')).map_err(|_| ServiceError::BadInput(what))
}

/// `N` random bytes.
///
/// # Errors
/// [`ServiceError::Signing`] when no randomness is available.
pub fn random<const N: usize>() -> Result<[u8; N], ServiceError> {
    shimin_core::crypto::random_bytes::<N>().map_err(|_| ServiceError::Signing("no randomness"))
}
