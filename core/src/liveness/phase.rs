//! Where a liveness check on a device stands, as the capture driver reports it and the screen
//! shows it.

use super::challenge::FailureReason;

/// Where a liveness check on a device stands: the session's own state, or the end of its frames
/// before the session decided (the capture driver in `shimin-face` reports it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CapturePhase {
    /// The session wants more frames.
    Capturing,
    /// Every action was seen: the capture driver gives the evidence.
    Passed,
    /// The session failed, for this reason (time out, wrong action, frames that ran out…).
    Failed(FailureReason),
    /// The frames stopped before the session decided: the source failed (a camera unplugged,
    /// stalled, a recorded frame that does not decode) or the models failed on a frame;
    /// the driver says which.
    CameraFailed,
}

impl CapturePhase {
    /// The stable key of a failure: the session's reason ([`FailureReason::as_str`]), or
    /// [`CAMERA_FAILURE`]; `None` while capturing or on a pass.
    pub fn failure_key(self) -> Option<&'static str> {
        match self {
            CapturePhase::Failed(reason) => Some(reason.as_str()),
            CapturePhase::CameraFailed => Some(CAMERA_FAILURE),
            CapturePhase::Capturing | CapturePhase::Passed => None,
        }
    }

    /// Whether the check has ended (passed, failed, or its frames stopped).
    pub fn is_finished(self) -> bool {
        self != CapturePhase::Capturing
    }
}

/// The failure key of [`CapturePhase::CameraFailed`], beside the session's own reasons.
pub const CAMERA_FAILURE: &str = "camera";
