//! The app's side of syncing with the national backend, without I/O: what a pulled page means for
//! the wallet, the outbox's idempotency keys, and when to try again after a failure.
//!
//! The transport (HTTP with `reqwest`) lives in `shimin-client`; the wallet's tables for the
//! cursor and the outbox live in `shimin-store`. The protocol:
//!
//! 1. `GET /v1/sync/pull?cursor=C` answers a page: new or renewed certificates (the holder's copy,
//!    bound to this device's key), status changes, the current trust list's version, reminders,
//!    notifications, the next cursor and whether more pages wait. The app imports the page
//!    (verifying every certificate against its trust list) and only then saves the new cursor:
//!    a crash in between pulls the same page again, and importing a certificate twice is a no-op.
//! 2. `POST /v1/sync/push` sends outbox items, each with an idempotency key chosen once when the
//!    item was queued; the server records each key once and answers the same receipt to a retry.
//!    An item leaves the outbox only when its receipt has come back.
//! 3. A failed round is retried after [`Backoff::delay`].

use std::time::Duration;

use base64::Engine;

use crate::cert::IssuedCertificate;
use crate::crypto::{self, CryptoError};
use shimin_wire::backend::{Notification, Reminder, SyncPullResponse, SyncStatusChange, TrustListVersion};
use shimin_wire::error::ErrorCode;

/// Why a pulled page cannot be used. Never carries certificate content.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SyncError {
    /// A certificate's holder copy is not base64url.
    #[error("certificate {index} of the page is not base64url")]
    BadBase64 {
        /// Its position in the page.
        index: usize,
    },
    /// A certificate's holder copy is not one.
    #[error("certificate {index} of the page is not a holder's copy")]
    BadHolderCopy {
        /// Its position in the page.
        index: usize,
    },
    /// The cursor is empty or too long to be one of ours.
    #[error("the server sent an unusable cursor")]
    BadCursor,
}

/// The longest cursor accepted from a server.
pub const MAX_CURSOR_LEN: usize = 512;

/// A pulled page, parsed.
#[derive(Debug, Clone)]
pub struct PulledPage {
    /// New and renewed certificates for this device, as the holder keeps them.
    pub certificates: Vec<IssuedCertificate>,
    /// Status changes of the citizen's certificates.
    pub status_changes: Vec<SyncStatusChange>,
    /// The current trust list's version, if the server says.
    pub trust_list: Option<TrustListVersion>,
    /// Reminders (replacing the previous ones).
    pub reminders: Vec<Reminder>,
    /// New notifications.
    pub notifications: Vec<Notification>,
    /// The cursor to save once the page is applied.
    pub cursor: String,
    /// Whether to pull again at once.
    pub more: bool,
}

impl PulledPage {
    /// Parses a pull response.
    ///
    /// # Errors
    /// [`SyncError`] naming the first unusable certificate, or a bad cursor.
    pub fn parse(response: SyncPullResponse) -> Result<Self, SyncError> {
        if response.cursor.is_empty() || response.cursor.len() > MAX_CURSOR_LEN {
            return Err(SyncError::BadCursor);
        }
        let certificates = response
            .certificates
            .iter()
            .enumerate()
            .map(|(index, c)| {
                let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
                    .decode(c.holder_copy_b64.as_bytes())
                    .map_err(|_| SyncError::BadBase64 { index })?;
                IssuedCertificate::from_holder_copy(&bytes).map_err(|_| SyncError::BadHolderCopy { index })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self {
            certificates,
            status_changes: response.status_changes,
            trust_list: response.trust_list,
            reminders: response.reminders,
            notifications: response.notifications,
            cursor: response.cursor,
            more: response.more,
        })
    }
}

/// A fresh idempotency key for an outbox item: 16 random bytes, hex (32 characters).
///
/// # Errors
/// [`CryptoError::Random`] when no randomness is available.
pub fn new_idempotency_key() -> Result<String, CryptoError> {
    let bytes = crypto::random_bytes::<16>()?;
    Ok(bytes.iter().map(|b| format!("{b:02x}")).collect())
}

/// Exponential backoff with jitter between failed sync rounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// The delay after the first failure.
    pub base: Duration,
    /// The longest delay.
    pub max: Duration,
}

impl Default for Backoff {
    /// 2 s, doubling, at most 5 minutes.
    fn default() -> Self {
        Self { base: Duration::from_secs(2), max: Duration::from_secs(300) }
    }
}

impl Backoff {
    /// The delay before retry number `attempt` (1 after the first failure), with "equal jitter":
    /// half the exponential delay plus `jitter` (in `[0, 1]`, from the caller's randomness) times
    /// the other half, so many devices that failed together do not return together.
    pub fn delay(&self, attempt: u32, jitter: f64) -> Duration {
        let exponent = attempt.saturating_sub(1).min(30);
        let full = self.base.saturating_mul(1u32 << exponent).min(self.max);
        let half = full / 2;
        half + half.mul_f64(jitter.clamp(0.0, 1.0))
    }
}

#[cfg(test)]
#[allow(clippy::expect_used, clippy::panic)]
mod tests {
    use shimin_wire::backend::SyncCertificate;

    use super::*;

    fn response(certificates: Vec<SyncCertificate>) -> SyncPullResponse {
        SyncPullResponse {
            cursor: "c1".into(),
            more: false,
            certificates,
            status_changes: vec![],
            trust_list: None,
            reminders: vec![],
            notifications: vec![],
        }
    }

    fn cert(b64: &str) -> SyncCertificate {
        SyncCertificate {
            certificate_id: "x".into(),
            certificate_type: "resident-id-card".into(),
            version: 1,
            holder_copy_b64: b64.into(),
        }
    }

    #[test]
    fn a_page_with_a_bad_certificate_is_refused_naming_its_position() {
        let holder_copy = IssuedCertificate { signed: vec![1, 2, 3], disclosures: vec![] }
            .to_holder_copy()
            .expect("encode");
        let good = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&holder_copy);
        let page = PulledPage::parse(response(vec![cert(&good)])).expect("parses");
        assert_eq!(page.certificates[0].signed, vec![1, 2, 3]);
        assert_eq!(page.cursor, "c1");
        assert_eq!(
            PulledPage::parse(response(vec![cert(&good), cert("*not base64*")])).err(),
            Some(SyncError::BadBase64 { index: 1 })
        );
        assert_eq!(
            PulledPage::parse(response(vec![cert("AAAA")])).err(),
            Some(SyncError::BadHolderCopy { index: 0 })
        );
        let mut no_cursor = response(vec![]);
        no_cursor.cursor.clear();
        assert_eq!(PulledPage::parse(no_cursor).err(), Some(SyncError::BadCursor));
    }

    #[test]
    fn idempotency_keys_are_fresh_hex() {
        let a = new_idempotency_key().expect("key");
        let b = new_idempotency_key().expect("key");
        assert_eq!(a.len(), 32);
        assert!(a.bytes().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
    }

    #[test]
    fn backoff_doubles_within_jitter_and_stops_at_the_maximum() {
        let b = Backoff::default();
        assert_eq!(b.delay(1, 0.0), Duration::from_secs(1));
        assert_eq!(b.delay(1, 1.0), Duration::from_secs(2));
        assert_eq!(b.delay(3, 1.0), Duration::from_secs(8));
        assert_eq!(b.delay(3, 0.5), Duration::from_secs(6));
        assert_eq!(b.delay(40, 1.0), Duration::from_secs(300));
        assert_eq!(b.delay(u32::MAX, 7.0), Duration::from_secs(300), "jitter is clamped");
    }
}

/// Why a backend call failed. Never carries personal data: the server's error code, not its
/// body.
///
/// Callers tell the server's refusals apart by their [`ErrorCode`] ([`BackendError::code`]),
/// never by the HTTP status, which is kept for logs.
#[derive(Debug, thiserror::Error)]
pub enum BackendError {
    /// No connection, a timeout, or the connection broke: try again later.
    #[error("the backend could not be reached: {0}")]
    Network(String),
    /// The server failed (5xx) or is limiting us (429): try again later.
    #[error("the backend is unavailable (HTTP {status}, {code})")]
    Unavailable {
        /// The HTTP status.
        status: u16,
        /// The server's error code, e.g. `unavailable`, `too_many_requests` or
        /// `attempts_exhausted`; [`ErrorCode::Unknown`] when the body has none.
        code: ErrorCode,
    },
    /// The device token is missing, expired or revoked, or the enrolment code is refused (401):
    /// sign in again, or ask for a new code.
    #[error("the device is not signed in")]
    Unauthorized,
    /// The server refused the request (other 4xx): trying again will not help.
    #[error("the backend refused the request (HTTP {status}, {code})")]
    Refused {
        /// The HTTP status.
        status: u16,
        /// The server's error code, e.g. `no_registry_photo`; [`ErrorCode::Unknown`] for a
        /// code this build does not know or a body without one.
        code: ErrorCode,
    },
    /// The answer is not what the API promises.
    #[error("the backend's answer is malformed: {0}")]
    Malformed(&'static str),
    /// A URL is not one of this backend's.
    #[error("the URL is not on this backend")]
    ForeignUrl,
    /// Signing the challenge failed.
    #[error("could not sign: {0}")]
    Sign(String),
    /// The backend's address is refused before any connection: not `https://`, and not plain
    /// `http://` to this computer in a development build.
    #[error("the backend address must be https:// (plain http:// only to this computer, in development)")]
    InsecureUrl,
}

impl BackendError {
    /// Whether the same call may succeed later (network trouble, 5xx, 429).
    pub fn is_transient(&self) -> bool {
        matches!(self, BackendError::Network(_) | BackendError::Unavailable { .. })
    }

    /// The server's error code, when the server answered with one (a refusal, or a 5xx or 429).
    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            BackendError::Unavailable { code, .. } | BackendError::Refused { code, .. } => Some(*code),
            _ => None,
        }
    }
}
