//! IPC types of the liveness check in the app: starting a check (to enrol this device, or to
//! confirm a registration case), the frames the webview's camera sends, the live guidance and
//! progress the screen shows, and the identity requests list.

use std::fmt;

use serde::{Deserialize, Serialize};

pub use crate::backend::{
    DeclineReasonView, IdentityRequestView, MatterView, PartyRoleView, RequestStateView, SharedDataView,
};
use crate::ipc::JpegPreview;

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

/// Arguments of `decline_identity_request`: which request, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeclineIdentityRequest {
    /// The case asking.
    pub case_id: i64,
    /// Why the citizen declines.
    pub reason: DeclineReasonView,
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
    /// The webview's camera (`getUserMedia`): the screen sends each frame with `liveness_frame`
    /// (a JPEG, as the raw body of the invoke).
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

/// An action of the challenge, as the steps list names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionView {
    /// Blink (眨眼).
    Blink,
    /// Open the mouth (张嘴).
    #[serde(rename = "mouth")]
    MouthOpen,
    /// Shake the head (摇头).
    #[serde(rename = "shake")]
    ShakeHead,
    /// Nod (点头).
    Nod,
}

/// What to tell the user now; the screen words it in their language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GuidanceView {
    /// No face in view: put your face in the frame.
    FaceNotFound,
    /// More than one face: only one person in front of the camera.
    OneFaceOnly,
    /// The face is too small: come closer.
    MoveCloser,
    /// The face is too large: move back.
    MoveBack,
    /// The face is off centre.
    CenterFace,
    /// Too dark.
    MoreLight,
    /// Too bright.
    LessLight,
    /// Blurred or moving: hold still.
    HoldStill,
    /// Look straight at the camera, eyes open, mouth closed.
    LookStraight,
    /// Blink.
    Blink,
    /// Open your mouth.
    OpenMouth,
    /// Shake your head.
    ShakeHead,
    /// Turn your head to your left.
    TurnLeft,
    /// Turn your head to your right.
    TurnRight,
    /// Nod.
    Nod,
    /// Head down: now bring it back up.
    RaiseHead,
    /// Finished (passed or failed: see the phase).
    Done,
}

/// Why a check failed on this device. The backend's refusal is not one of these but a
/// [`crate::ipc::CommandError`] of `liveness_submit`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LivenessFailureView {
    /// The time ran out before every action was done.
    Timeout,
    /// The actions came in another order than asked.
    WrongAction,
    /// The face left the picture for too long.
    FaceLost,
    /// The face in the picture changed during the check.
    FaceChanged,
    /// Several faces were in the picture.
    SeveralFaces,
    /// The frames stopped before the check finished.
    StreamEnded,
    /// A frame was older than the one before.
    TimeWentBack,
    /// The app could not read the camera's frames (or measure them).
    Camera,
}

/// Where the check is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "phase", rename_all = "snake_case")]
pub enum LivenessPhaseView {
    /// Frames are being taken; follow the guidance.
    Capturing,
    /// The backend passed the check; `liveness_submit` records what it gives (an enrolment).
    Captured,
    /// The check is finished.
    Passed,
    /// The check failed on this device.
    Failed {
        /// Why.
        reason: LivenessFailureView,
    },
}

/// What the liveness screen shows.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LivenessStatusView {
    /// The actions the backend revealed so far, in order (it reveals each only after it saw the
    /// one before done).
    pub actions: Vec<ActionView>,
    /// How many actions the check asks for.
    pub steps: u8,
    /// Actions done.
    pub done: usize,
    /// What to tell the user now.
    pub guidance: GuidanceView,
    /// Where the check is.
    pub phase: LivenessPhaseView,
    /// Where the frames come from.
    pub source: CameraSourceView,
    /// The last frame, when the app reads the frames itself (the webview's camera is previewed
    /// by its own video).
    pub preview: Option<JpegPreview>,
}

impl fmt::Debug for LivenessStatusView {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LivenessStatusView")
            .field("actions", &self.actions)
            .field("steps", &self.steps)
            .field("done", &self.done)
            .field("guidance", &self.guidance)
            .field("phase", &self.phase)
            .field("source", &self.source)
            .field("has_preview", &self.preview.is_some())
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The UI matched these spellings as strings before they were enums: they stay the same.
    #[test]
    fn liveness_views_keep_their_json_spellings() {
        let status = LivenessStatusView {
            actions: vec![ActionView::Blink, ActionView::MouthOpen, ActionView::ShakeHead, ActionView::Nod],
            steps: 4,
            done: 1,
            guidance: GuidanceView::OneFaceOnly,
            phase: LivenessPhaseView::Failed { reason: LivenessFailureView::TimeWentBack },
            source: CameraSourceView::Native,
            preview: None,
        };
        assert_eq!(
            serde_json::to_value(&status).expect("json"),
            serde_json::json!({
                "actions": ["blink", "mouth", "shake", "nod"],
                "steps": 4,
                "done": 1,
                "guidance": "one_face_only",
                "phase": {"phase": "failed", "reason": "time_went_back"},
                "source": "native",
                "preview": null,
            })
        );
        let camera: LivenessPhaseView =
            serde_json::from_str(r#"{"phase":"failed","reason":"camera"}"#).expect("parse");
        assert_eq!(camera, LivenessPhaseView::Failed { reason: LivenessFailureView::Camera });
        assert!(serde_json::from_str::<GuidanceView>(r#""smile""#).is_err(), "no guidance outside the list");
    }
}
