//! The liveness check's capture pipeline (issue 5), with no I/O and no model of its own.
//!
//! Frames come from a [`FrameSource`] (camera, webview, files: implemented outside the core);
//! a [`FaceObserver`] (the face model, `shimin-face`) turns each into a [`FaceObservation`]; the
//! challenge [`Session`] runs the quality gate, calibrates on the user's neutral face, detects the
//! actions in the server's order with guidance and progress, and ends [`Passed`] or [`Failed`]
//! with a reason. A passed session becomes [`Evidence`] — key frames, feature trace, nonce —
//! signed by the device key: the CLI's offline check prints it, [`audit()`] replays the session
//! over its trace with the same code the session runs. No backend takes evidence (issue 15,
//! finding 1: a device can assemble it from edited stills): a check the backend decides is
//! server-paced — the device streams signed [`FrameBatch`]es, the server measures every frame
//! with its own models and applies [`pace`]'s rules, revealing each action only when it is to
//! be done, then matches the faces. Nothing here is a verdict on identity.
//!
//! ```text
//! FrameSource ─Frame─▶ FaceObserver ─FaceObservation─▶ Session<Calibrating> ─▶ Session<Acting> ─▶ Session<Passed> ─▶ Evidence ─sign─▶ COSE_Sign1
//!                                                                         └──────────┴──▶ Session<Failed> (reason)
//! ```

mod actions;
pub mod audit;
mod batch;
mod challenge;
mod evidence;
mod frame;
mod guidance;
mod observation;
pub mod pace;
mod phase;
pub mod quality;
mod record;
mod session;
mod track;

pub use actions::{
    Action, BLINK_ARM_FRAMES, BLINK_CLOSED_RATIO, BLINK_MAX_CLOSED_MS, BLINK_OPEN_RATIO, Baseline,
    CALIBRATION_FRAMES, CALIBRATION_MAX_MAR, CALIBRATION_MAX_POSE_SPREAD, CALIBRATION_MIN_EAR,
    MOUTH_CLOSED_DELTA, MOUTH_MAX_WIDENING, MOUTH_OPEN_DELTA, MOUTH_OPEN_MIN_MS, NEUTRAL_PITCH, NEUTRAL_YAW,
    NOD_MAX_YAW, NOD_PITCH, NOD_RETURN, SHAKE_CENTRE, SHAKE_MAX_PITCH, SHAKE_YAW, SMOOTHING_FRAMES,
};
pub use audit::{AuditFailure, AuditedEvidence, AuditedKeyFrame, audit};
pub use batch::{
    FRAME_BATCH_FORMAT_VERSION, FrameBatch, FrameBatchError, MAX_BATCH_FRAMES, MAX_FRAME_BATCH_BYTES,
    MAX_STREAMED_FRAME_BYTES, StreamedFrame,
};
pub use challenge::{
    Challenge, ChallengeError, FailureReason, MAX_ACTIONS, MAX_NONCE_LEN, MAX_TIME_LIMIT_MS, MIN_ACTIONS,
    MIN_NONCE_LEN, MIN_TIME_LIMIT_MS, Progress,
};
pub use evidence::{
    EVIDENCE_FORMAT_VERSION, Evidence, EvidenceError, EvidenceFrame, MAX_EVIDENCE_BYTES, MAX_KEY_FRAME_BYTES,
    MAX_TRACE_LEN,
};
pub use frame::{
    Frame, FrameError, FrameRotation, FrameSource, FrameSourceError, MAX_FRAME_SIDE, MemoryFrames,
};
pub use guidance::Guidance;
pub use observation::{
    FaceBox, FaceMeasures, FaceObservation, FaceObserver, FaceShape, ObserveError, SHAPE_LEN, median,
};
pub use phase::{CAMERA_FAILURE, CapturePhase};
pub use record::{KeyFrame, KeyFrameKind, TraceEntry, TracedFace};
pub use session::{Acting, Calibrating, Failed, Passed, Session, Step};
pub use track::{
    FACE_JUMP_MAX, FACE_LOST_MAX_MS, FACE_SCALE_JUMP_MAX, SEVERAL_FACES_FRAMES, SHAPE_CHANGE_FRAMES,
    SHAPE_MAX_DIFFERENCE,
};

/// Why [`run`] stopped without an outcome.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RunError {
    /// The frame source failed.
    #[error(transparent)]
    Source(#[from] FrameSourceError),
    /// The face model failed.
    #[error(transparent)]
    Observe(#[from] ObserveError),
}

/// One update for the UI after each frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Status {
    /// 0-based index of the frame just processed.
    pub frame_index: u64,
    /// What to show.
    pub guidance: Guidance,
    /// Actions done of the total.
    pub progress: Progress,
}

/// Runs a whole session: frames from `source` through `observer` until the session passes or
/// fails, or the source ends (then it fails with [`FailureReason::StreamEnded`]). `on_status` is
/// called after every frame, for the UI. The result is a finished [`Step`] (`Passed` or `Failed`).
///
/// # Errors
/// [`RunError`] when the source or the model fails (the session is abandoned).
pub fn run(
    challenge: Challenge,
    source: &mut dyn FrameSource,
    observer: &mut dyn FaceObserver,
    mut on_status: impl FnMut(&Status),
) -> Result<Step, RunError> {
    let mut step = Step::start(challenge);
    let mut index = 0u64;
    while !step.is_finished() {
        let Some(frame) = source.next_frame()? else { return Ok(step.end_of_stream()) };
        let observation = observer.observe(&frame)?;
        step = step.push(frame, &observation);
        on_status(&Status { frame_index: index, guidance: step.guidance(), progress: step.progress() });
        index += 1;
    }
    Ok(step)
}

#[cfg(test)]
mod tests;
