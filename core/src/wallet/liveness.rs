//! The liveness check's exchanges with the backend, for its two purposes: enrolling this device
//! instead of with a one-time code, and confirming the citizen's part in a company registration
//! case. The capture itself (camera frames, face models, the session) is the platform's and
//! `shimin-face`'s; here are the rules around it: who may start which check, what is signed with
//! the device key, what is recorded when the backend passes it, and what each refusal means to
//! the user.

use shimin_wire::backend::IdentityRequestView;
use shimin_wire::error::ErrorCode;
use shimin_wire::liveness::LivenessPurposeView;

use super::backend::{Backend, BackendError, LivenessChallenge};
use super::error::SyncFailure;
use super::error::WalletError;
use super::store::WalletStore;
use super::sync::sign_in;
use crate::IdNumber;

/// What a check is for, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Purpose {
    /// Register this device for the citizen with this ID number.
    Enrolment(IdNumber),
    /// Confirm the citizen's part in this registration case.
    Case(i64),
}

impl Purpose {
    /// Parses what the screen asked for.
    ///
    /// # Errors
    /// [`WalletError::InvalidIdNumber`].
    pub fn parse(view: &LivenessPurposeView) -> Result<Self, WalletError> {
        Ok(match view {
            LivenessPurposeView::Enrolment { id_number } => Purpose::Enrolment(
                IdNumber::parse(id_number.trim()).map_err(|_| WalletError::InvalidIdNumber)?,
            ),
            LivenessPurposeView::Case { case_id } => Purpose::Case(*case_id),
        })
    }

    /// Whether passing the check enrols this device (and a first sync round should follow).
    pub fn enrols(&self) -> bool {
        matches!(self, Purpose::Enrolment(_))
    }
}

/// What the user is told when the backend refuses a liveness call, by the refusal's code.
pub fn refusal(failure: SyncFailure) -> WalletError {
    match failure.backend_code() {
        Some(ErrorCode::LivenessFailed) => WalletError::LivenessRejected,
        Some(ErrorCode::NoRegistryPhoto) => WalletError::NoRegistryPhoto,
        // The citizen's daily checks, or the server's rate limit on these routes: not now.
        Some(ErrorCode::AttemptsExhausted | ErrorCode::TooManyRequests) => WalletError::TooManyAttempts,
        Some(
            ErrorCode::AlreadyAnswered | ErrorCode::AlreadyConfirmed | ErrorCode::DeviceAlreadyRegistered,
        ) => WalletError::AlreadyDone,
        Some(ErrorCode::UnknownCitizen | ErrorCode::NotFound) => WalletError::EnrolmentRefused,
        _ => WalletError::Backend(failure),
    }
}

/// Asks the backend for a challenge for `purpose`, for the device of the wallet in `store`
/// (registering under `label` when it enrols).
///
/// # Errors
/// [`WalletError::AlreadyDone`] when the wallet is enrolled already and the check would enrol
/// it; otherwise the backend's refusal ([`refusal`]).
pub async fn begin<S: WalletStore + Send + ?Sized, B: Backend>(
    store: &mut S,
    backend: &B,
    purpose: &Purpose,
    label: &str,
) -> Result<LivenessChallenge, WalletError> {
    match purpose {
        Purpose::Enrolment(id) => {
            if store.enrolment()?.is_some() {
                return Err(WalletError::AlreadyDone);
            }
            let device_key = store.device_key().verifying_key();
            backend
                .liveness_enrolment_challenge(id.as_str(), &device_key, label)
                .await
                .map_err(|e| refusal(e.into()))
        }
        Purpose::Case(case_id) => {
            let (_, token) = sign_in(store, backend).await.map_err(refusal)?;
            backend.case_challenge(&token, *case_id).await.map_err(|e| refusal(e.into()))
        }
    }
}

/// The open registration cases naming the wallet's citizen.
///
/// # Errors
/// [`WalletError::NotEnrolled`], [`WalletError::Backend`].
pub async fn identity_requests<S: WalletStore + Send + ?Sized, B: Backend>(
    store: &mut S,
    backend: &B,
) -> Result<Vec<IdentityRequestView>, WalletError> {
    let (_, token) = sign_in(store, backend).await.map_err(|e| match e {
        SyncFailure::NotEnrolled => WalletError::NotEnrolled,
        other => WalletError::Backend(other),
    })?;
    Ok(backend.identity_requests(&token).await?)
}

impl From<BackendError> for WalletError {
    fn from(e: BackendError) -> Self {
        WalletError::Backend(SyncFailure::Backend(e))
    }
}
