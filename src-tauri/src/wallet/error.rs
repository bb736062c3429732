//! The wallet operations' error, and the small public [`CommandError`] the UI receives. Neither
//! carries personal data: the store's and the core's errors name tables, steps and attribute
//! names, never values.

use shimin_core::present::PresentError;
use shimin_store::{KeyError, StoreError};
use shimin_wire::ipc::CommandError;
use shimin_wire::sync::SyncProblemView;

/// Why a wallet operation failed.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// The request does not parse (e.g. a malformed certificate identifier).
    #[error("the request could not be understood")]
    BadRequest,
    /// A PIN must be exactly six digits.
    #[error("a PIN must be six digits")]
    InvalidPin,
    /// The PIN does not open the wallet.
    #[error("wrong PIN")]
    WrongPin,
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
    Store(StoreError),
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
    Backend(shimin_client::SyncFailure),
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
    /// It was done already (enrolled, confirmed).
    #[error("already done")]
    AlreadyDone,
    /// Something that should not happen (a poisoned lock, a QR code too large).
    #[error("internal: {0}")]
    Internal(&'static str),
}

impl From<StoreError> for AppError {
    fn from(e: StoreError) -> Self {
        match e {
            StoreError::Key(KeyError::WrongPin) => AppError::WrongPin,
            StoreError::NotInitialised => AppError::NoWallet,
            StoreError::AlreadyInitialised => AppError::WalletExists,
            StoreError::NotFound => AppError::NotFound,
            other => AppError::Store(other),
        }
    }
}

impl From<PresentError> for AppError {
    fn from(e: PresentError) -> Self {
        match e {
            PresentError::PresetNotApplicable(_) => AppError::PresetNotApplicable,
            other => AppError::Present(other),
        }
    }
}

impl From<AppError> for CommandError {
    fn from(e: AppError) -> Self {
        match e {
            AppError::BadRequest => CommandError::BadRequest,
            AppError::InvalidPin => CommandError::InvalidPin,
            AppError::WrongPin => CommandError::WrongPin,
            AppError::NoWallet => CommandError::NoWallet,
            AppError::WalletExists => CommandError::WalletExists,
            AppError::Locked => CommandError::Locked,
            AppError::NotFound => CommandError::NotFound,
            AppError::PresetNotApplicable => CommandError::PresetNotApplicable,
            e @ (AppError::Store(_) | AppError::Io(_)) => {
                eprintln!("shimin: {e}");
                CommandError::Storage
            }
            AppError::InvalidIdNumber => CommandError::InvalidIdNumber,
            AppError::NoBackend => CommandError::NoBackend,
            AppError::NotEnrolled => CommandError::NotEnrolled,
            AppError::EnrolmentRefused => CommandError::EnrolmentRefused,
            AppError::LivenessRejected => CommandError::LivenessRejected,
            AppError::NoRegistryPhoto => CommandError::NoRegistryPhoto,
            AppError::TooManyAttempts => CommandError::TooManyAttempts,
            AppError::NoLivenessCheck => CommandError::NoLivenessCheck,
            AppError::BadFrame => CommandError::BadFrame,
            AppError::AlreadyDone => CommandError::AlreadyDone,
            AppError::Backend(failure) => {
                eprintln!("shimin: {failure}");
                match super::sync::problem_of(&failure) {
                    SyncProblemView::Offline => CommandError::Offline,
                    SyncProblemView::ServerUnavailable => CommandError::ServerUnavailable,
                    SyncProblemView::Storage => CommandError::Storage,
                    SyncProblemView::DeviceRefused => CommandError::EnrolmentRefused,
                    SyncProblemView::BadData => CommandError::BadData,
                }
            }
            e @ (AppError::Present(_) | AppError::Internal(_)) => {
                eprintln!("shimin: {e}");
                CommandError::Internal
            }
        }
    }
}
