//! PLACEHOLDER until the backend branch lands: the error codes of the backend's answers.

use serde::{Deserialize, Serialize};

/// The backend's error code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// The liveness check did not pass.
    LivenessFailed,
    /// No registry photo.
    NoRegistryPhoto,
    /// Attempts used up.
    AttemptsExhausted,
    /// Done already.
    AlreadyDone,
    /// Not found.
    NotFound,
    /// A code this build does not know.
    #[serde(other)]
    Unknown,
}
