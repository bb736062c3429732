//! The wallet use cases' error, and the small public [`CommandError`] the UI receives. Neither
//! carries personal data: the store's and the core's errors name tables, steps and attribute
//! names, never values.

use shimin_wire::error::ErrorCode;
use shimin_wire::ipc::CommandError;
use shimin_wire::sync::SyncProblemView;

use super::backend::BackendError;
use super::store::StorageError;
use crate::present::PresentError;
use crate::sync::SyncError;

/// Why enrolment or a sync round stopped. Never carries personal data.
#[derive(Debug, thiserror::Error)]
pub enum SyncFailure {
    /// The wallet is not enrolled with a backend yet.
    #[error("this wallet is not enrolled with a backend")]
    NotEnrolled,
    /// The wallet is enrolled with another backend than the one offered.
    #[error("this wallet is enrolled with another backend")]
    OtherBackend,
    /// The backend call failed; [`BackendError::is_transient`] says whether to retry.
    #[error(transparent)]
    Backend(#[from] BackendError),
    /// The wallet's storage failed.
    #[error("wallet: {0}")]
    Store(#[from] StorageError),
    /// A pulled page was unusable.
    #[error("pulled page: {0}")]
    Page(#[from] SyncError),
    /// The trust list did not verify under the pinned root key, or was already past its refresh
    /// time when fetched (an old list handed over again).
    #[error("the trust list does not verify under the national root key, or is an old one replayed")]
    TrustList,
    /// The server kept saying "more" past [`super::sync::MAX_PAGES`].
    #[error("too many pages in one round")]
    TooManyPages,
    /// The backend offered for enrolment publishes a trust list not signed by the national root
    /// key this app ships: an impostor (or a backend of another country), never pinned.
    #[error("the backend's trust list is not signed by the national root key this app ships")]
    UntrustedBackend,
}

impl SyncFailure {
    /// Whether trying the round again later may help.
    pub fn is_transient(&self) -> bool {
        matches!(self, SyncFailure::Backend(e) if e.is_transient())
    }

    /// What the user is told about it.
    pub fn problem(&self) -> SyncProblemView {
        match self {
            SyncFailure::Backend(BackendError::Network(_)) => SyncProblemView::Offline,
            SyncFailure::Backend(BackendError::Unavailable { .. }) => SyncProblemView::ServerUnavailable,
            SyncFailure::Backend(BackendError::Unauthorized | BackendError::Refused { .. })
            | SyncFailure::NotEnrolled
            | SyncFailure::OtherBackend => SyncProblemView::DeviceRefused,
            SyncFailure::Store(_) => SyncProblemView::Storage,
            SyncFailure::Backend(
                BackendError::Malformed(_)
                | BackendError::ForeignUrl
                | BackendError::Sign(_)
                | BackendError::InsecureUrl,
            )
            | SyncFailure::Page(_)
            | SyncFailure::TrustList
            | SyncFailure::UntrustedBackend
            | SyncFailure::TooManyPages => SyncProblemView::BadData,
        }
    }
}

impl SyncFailure {
    /// The backend's error code, when the backend refused.
    pub fn backend_code(&self) -> Option<ErrorCode> {
        match self {
            SyncFailure::Backend(e) => e.code(),
            _ => None,
        }
    }
}

/// Why a wallet use case failed.
#[derive(Debug, thiserror::Error)]
pub enum WalletError {
    /// The request does not parse (e.g. a malformed certificate identifier).
    #[error("the request could not be understood")]
    BadRequest,
    /// A new PIN must be exactly six digits.
    #[error("a PIN must be six digits")]
    InvalidPin,
    /// The PIN does not open the wallet.
    #[error("wrong PIN")]
    WrongPin {
        /// How many more wrong PINs erase the wallet from the device, once counted; `None`
        /// while not counted yet, or when the user turned the wipe off.
        tries_left: Option<u32>,
    },
    /// Too many wrong PINs: the next may be tried at `retry_at` (Unix seconds).
    #[error("too many wrong PINs; try again later")]
    PinLockedOut {
        /// When the next PIN may be tried.
        retry_at: i64,
    },
    /// There is no wallet yet.
    #[error("no wallet on this device")]
    NoWallet,
    /// A wallet already exists.
    #[error("a wallet already exists")]
    WalletExists,
    /// The wallet is locked.
    #[error("the wallet is locked")]
    Locked,
    /// No certificate has this identifier.
    #[error("no such certificate")]
    NotFound,
    /// The preset needs an attribute the certificate does not have.
    #[error("the preset does not apply to this certificate")]
    PresetNotApplicable,
    /// The store failed.
    #[error("store: {0}")]
    Store(StorageError),
    /// A presentation could not be made.
    #[error("presentation: {0}")]
    Present(PresentError),
    /// A file could not be read or written.
    #[error("file: {0}")]
    Io(#[from] std::io::Error),
    /// The identity number is not a valid one.
    #[error("invalid identity number")]
    InvalidIdNumber,
    /// No backend is configured.
    #[error("no backend is configured")]
    NoBackend,
    /// The device is not enrolled with the backend.
    #[error("this device is not enrolled")]
    NotEnrolled,
    /// The backend refused the enrolment code.
    #[error("the backend refused the enrolment")]
    EnrolmentRefused,
    /// Talking to the backend failed.
    #[error("backend: {0}")]
    Backend(SyncFailure),
    /// The backend's liveness check did not pass.
    #[error("the liveness check did not pass")]
    LivenessRejected,
    /// The registry has no photo of the citizen to compare with.
    #[error("no registry photo")]
    NoRegistryPhoto,
    /// Today's liveness attempts are used up.
    #[error("too many liveness attempts today")]
    TooManyAttempts,
    /// No liveness check is running.
    #[error("no liveness check is running")]
    NoLivenessCheck,
    /// A camera frame could not be read.
    #[error("a camera frame could not be read")]
    BadFrame,
    /// It was done already (enrolled, confirmed, declined).
    #[error("already done")]
    AlreadyDone,
    /// The time to answer the identity request has passed.
    #[error("the request has expired")]
    RequestExpired,
    /// Something that should not happen (a poisoned lock, a QR code too large).
    #[error("internal: {0}")]
    Internal(&'static str),
}

impl From<StorageError> for WalletError {
    fn from(e: StorageError) -> Self {
        match e {
            StorageError::NotFound => WalletError::NotFound,
            StorageError::NotEnrolled => WalletError::NotEnrolled,
            other => WalletError::Store(other),
        }
    }
}

impl From<PresentError> for WalletError {
    fn from(e: PresentError) -> Self {
        match e {
            PresentError::PresetNotApplicable(_) => WalletError::PresetNotApplicable,
            other => WalletError::Present(other),
        }
    }
}

impl WalletError {
    /// The detail worth a line in the app's log when the UI only gets a code: storage, file,
    /// backend and internal failures. `None` for an answer the user's input explains.
    pub fn log_line(&self) -> Option<String> {
        match self {
            WalletError::Store(_)
            | WalletError::Io(_)
            | WalletError::Backend(_)
            | WalletError::Present(_)
            | WalletError::Internal(_) => Some(self.to_string()),
            _ => None,
        }
    }
}

impl From<WalletError> for CommandError {
    fn from(e: WalletError) -> Self {
        match e {
            WalletError::BadRequest => CommandError::BadRequest,
            WalletError::InvalidPin => CommandError::InvalidPin,
            WalletError::WrongPin { tries_left } => CommandError::WrongPin { tries_left },
            WalletError::PinLockedOut { .. } => CommandError::TooManyAttempts,
            WalletError::NoWallet => CommandError::NoWallet,
            WalletError::WalletExists => CommandError::WalletExists,
            WalletError::Locked => CommandError::Locked,
            WalletError::NotFound => CommandError::NotFound,
            WalletError::PresetNotApplicable => CommandError::PresetNotApplicable,
            WalletError::Store(_) | WalletError::Io(_) => CommandError::Storage,
            WalletError::InvalidIdNumber => CommandError::InvalidIdNumber,
            WalletError::NoBackend => CommandError::NoBackend,
            WalletError::NotEnrolled => CommandError::NotEnrolled,
            WalletError::EnrolmentRefused => CommandError::EnrolmentRefused,
            WalletError::LivenessRejected => CommandError::LivenessRejected,
            WalletError::NoRegistryPhoto => CommandError::NoRegistryPhoto,
            WalletError::TooManyAttempts => CommandError::TooManyAttempts,
            WalletError::NoLivenessCheck => CommandError::NoLivenessCheck,
            WalletError::BadFrame => CommandError::BadFrame,
            WalletError::AlreadyDone => CommandError::AlreadyDone,
            WalletError::RequestExpired => CommandError::RequestExpired,
            WalletError::Backend(failure) => match failure.problem() {
                SyncProblemView::Offline => CommandError::Offline,
                SyncProblemView::ServerUnavailable => CommandError::ServerUnavailable,
                SyncProblemView::Storage => CommandError::Storage,
                SyncProblemView::DeviceRefused => CommandError::EnrolmentRefused,
                SyncProblemView::BadData => CommandError::BadData,
            },
            WalletError::Present(_) | WalletError::Internal(_) => CommandError::Internal,
        }
    }
}

/// What the user is told when enrolment with a one-time code fails: a refused code (wrong,
/// spent, expired, another person's) is [`WalletError::EnrolmentRefused`]; anything else is the
/// backend's trouble.
pub fn enrolment_refusal(failure: SyncFailure) -> WalletError {
    match failure {
        SyncFailure::Backend(BackendError::Refused { .. } | BackendError::Unauthorized) => {
            WalletError::EnrolmentRefused
        }
        other => WalletError::Backend(other),
    }
}
