//! What a session records as it goes, for the evidence: which frames are key frames and the
//! per-frame feature trace.
//!
//! The [`super::Session`] writes these records and [`super::Evidence`] carries them to the
//! backend, whose [`super::audit()`] replays the trace; they live apart from both so that the
//! session does not depend on the evidence format, nor the evidence on the session's insides.
//! Their CBOR encoding is the evidence's (see `evidence.rs`).

use std::fmt;

use super::actions::Action;
use super::observation::{FaceBox, FaceMeasures, FaceObservation, FaceShape};

/// What a key frame shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum KeyFrameKind {
    /// The neutral face the baseline was taken from (the one compared with the ID photo).
    Neutral,
    /// The clearest frame of an action (eyes most closed, mouth most open, head most turned or
    /// most down).
    Action(Action),
}

impl KeyFrameKind {
    /// The action, if it is one.
    pub fn action(self) -> Option<Action> {
        match self {
            KeyFrameKind::Neutral => None,
            KeyFrameKind::Action(a) => Some(a),
        }
    }

    /// The code of the kind in the evidence: 0 for the neutral frame, else the action's code.
    pub(super) fn code(self) -> u8 {
        self.action().map_or(0, Action::code)
    }

    /// The kind of a code read from evidence; `None` for a code that names nothing.
    pub(super) fn from_code(code: u64) -> Option<Self> {
        if code == 0 {
            Some(KeyFrameKind::Neutral)
        } else {
            Action::from_code(code).map(KeyFrameKind::Action)
        }
    }
}

/// Which frame of the session a key frame is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyFrame {
    /// What it shows.
    pub kind: KeyFrameKind,
    /// 0-based index of the frame in the session (and in the trace).
    pub frame_index: u64,
    /// The frame's timestamp.
    pub timestamp_ms: u64,
}

/// The measures of the main face in one traced frame: everything the session measured, so that
/// the backend can replay it. `Debug` is redacted, like the rest of the evidence.
#[derive(Clone, Copy, PartialEq)]
pub struct TracedFace {
    /// Where the face was.
    pub face_box: FaceBox,
    /// Eye aspect ratio, left eye.
    pub left_eye_aspect_ratio: f32,
    /// Eye aspect ratio, right eye.
    pub right_eye_aspect_ratio: f32,
    /// Mouth aspect ratio.
    pub mouth_aspect_ratio: f32,
    /// Mouth width / eye distance.
    pub mouth_width_ratio: f32,
    /// Yaw in degrees.
    pub yaw_degrees: f32,
    /// Pitch in degrees.
    pub pitch_degrees: f32,
    /// Roll in degrees.
    pub roll_degrees: f32,
    /// The face's proportions.
    pub shape: FaceShape,
}

impl TracedFace {
    /// The measures as the session saw them.
    pub fn measures(&self) -> FaceMeasures {
        FaceMeasures {
            face_box: self.face_box,
            left_eye_aspect_ratio: self.left_eye_aspect_ratio,
            right_eye_aspect_ratio: self.right_eye_aspect_ratio,
            mouth_aspect_ratio: self.mouth_aspect_ratio,
            mouth_width_ratio: self.mouth_width_ratio,
            yaw_degrees: self.yaw_degrees,
            pitch_degrees: self.pitch_degrees,
            roll_degrees: self.roll_degrees,
            shape: self.shape,
        }
    }
}

impl fmt::Debug for TracedFace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TracedFace([redacted])")
    }
}

/// One frame of the feature trace. `Debug` shows the bookkeeping, not the measures.
#[derive(Clone, Copy, PartialEq)]
pub struct TraceEntry {
    /// 0-based index of the frame in the session.
    pub frame_index: u64,
    /// The frame's timestamp.
    pub timestamp_ms: u64,
    /// 0 while calibrating, k while doing the k-th action.
    pub step: u8,
    /// Faces found.
    pub face_count: u32,
    /// Brightness of the face region.
    pub brightness: f32,
    /// Sharpness of the face region.
    pub sharpness: f32,
    /// The main face's measures.
    pub face: Option<TracedFace>,
}

impl fmt::Debug for TraceEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TraceEntry")
            .field("frame_index", &self.frame_index)
            .field("timestamp_ms", &self.timestamp_ms)
            .field("step", &self.step)
            .field("face_count", &self.face_count)
            .finish_non_exhaustive()
    }
}

impl TraceEntry {
    pub(crate) fn new(frame_index: u64, timestamp_ms: u64, step: u8, o: &FaceObservation) -> Self {
        Self {
            frame_index,
            timestamp_ms,
            step,
            face_count: o.face_count,
            brightness: o.brightness,
            sharpness: o.sharpness,
            face: o.face.map(|f| TracedFace {
                face_box: f.face_box,
                left_eye_aspect_ratio: f.left_eye_aspect_ratio,
                right_eye_aspect_ratio: f.right_eye_aspect_ratio,
                mouth_aspect_ratio: f.mouth_aspect_ratio,
                mouth_width_ratio: f.mouth_width_ratio,
                yaw_degrees: f.yaw_degrees,
                pitch_degrees: f.pitch_degrees,
                roll_degrees: f.roll_degrees,
                shape: f.shape,
            }),
        }
    }
}
