//! IPC types of the liveness check in the app: starting a check (to enrol this device, or to
//! confirm a registration case), the frames the webview's camera sends, the live guidance and
//! progress the screen shows, and the identity requests list.

use std::fmt;

use serde::{Deserialize, Serialize};

pub use crate::backend::{IdentityRequestView, PartyRoleView};

/// What a liveness check is for.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum LivenessPurposeView {
    /// Register this device for the citizen with this ID number.
    Enrolment {
        /// The 18-character ID number.
        id_number: String,
    },
    /// Confirm the citizen's part in a company registration case.
    Case {
        /// The case.
        case_id: i64,
    },
}

impl fmt::Debug for LivenessPurposeView {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LivenessPurposeView::Enrolment { .. } => f.write_str("Enrolment([redacted])"),
            LivenessPurposeView::Case { case_id } => {
                f.debug_struct("Case").field("case_id", case_id).finish()
            }
        }
    }
}

/// Arguments of `liveness_start`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LivenessStartRequest {
    /// What the check is for.
    pub purpose: LivenessPurposeView,
}

/// Where the frames come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CameraSourceView {
    /// The webview's camera (`getUserMedia`): the screen sends each frame with `liveness_frame`.
    Camera,
    /// A directory of recorded frames (`SHIMIN_CAMERA_FRAMES`, for demos and tests): the screen
    /// asks for each next one with `liveness_next_frame`.
    Files,
    /// A camera of this computer, read by the app itself (desktop): the screen asks for each
    /// next frame with `liveness_next_frame` and shows the preview that comes with it.
    Native,
}

impl CameraSourceView {
    /// The app reads the frames (recorded or from a desktop camera); the screen only asks for
    /// the next one and shows its preview.
    #[must_use]
    pub fn pulled_by_app(self) -> bool {
        !matches!(self, Self::Camera)
    }
}

/// One camera frame from the webview: a JPEG (base64, standard alphabet) and when it was taken.
/// `Debug` shows neither.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LivenessFrameRequest {
    /// The JPEG, base64 (a canvas's `toDataURL` without its `data:` prefix).
    pub jpeg_b64: String,
    /// Milliseconds since the check's first frame (the video's clock).
    pub timestamp_ms: u64,
}

impl fmt::Debug for LivenessFrameRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LivenessFrameRequest")
            .field("jpeg_b64_len", &self.jpeg_b64.len())
            .field("timestamp_ms", &self.timestamp_ms)
            .finish()
    }
}

/// Where the check is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "phase", rename_all = "snake_case")]
pub enum LivenessPhaseView {
    /// Frames are being taken; follow the guidance.
    Capturing,
    /// Every action was done on this device; `liveness_submit` sends the evidence.
    Captured,
    /// The backend accepted the check.
    Passed,
    /// The check failed; `reason` is a key for the screen's translations: the session's
    /// (`timeout`, `wrong_action`, `face_lost`, `face_changed`, `several_faces`, `stream_ended`,
    /// `time_went_back`) or `camera` (the frames could not be read). The backend's refusal is a
    /// [`crate::ipc::CommandError`] of `liveness_submit`.
    Failed {
        /// The reason's key.
        reason: String,
    },
}

/// What the liveness screen shows.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LivenessStatusView {
    /// The actions asked for, in order (`blink`, `mouth`, `shake`, `nod`).
    pub actions: Vec<String>,
    /// Actions done.
    pub done: usize,
    /// What to tell the user now, a key (`look_straight`, `blink`, `move_closer`…).
    pub guidance: String,
    /// Where the check is.
    pub phase: LivenessPhaseView,
    /// Where the frames come from.
    pub source: CameraSourceView,
    /// The last frame as a small JPEG (base64) for the preview, when the frames come from files
    /// (the camera's own preview is the webview's video).
    pub preview_jpeg_b64: Option<String>,
}

impl fmt::Debug for LivenessStatusView {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LivenessStatusView")
            .field("actions", &self.actions)
            .field("done", &self.done)
            .field("guidance", &self.guidance)
            .field("phase", &self.phase)
            .field("source", &self.source)
            .field("has_preview", &self.preview_jpeg_b64.is_some())
            .finish()
    }
}
