//! The one liveness capture driver, used by the app and by the CLI: a challenge's session fed
//! frame by frame through the face models, from frames the caller pushes (the webview's camera)
//! or frames the driver pulls itself (recorded stills, or a video: a desktop camera or a
//! recording of one), until the session passes or fails, then the evidence with its JPEG key
//! frames.
//!
//! ```text
//! start(challenge, observer, source) ─┬─ push(frame) ──┐
//!                                     └─ pull() ───────┴─▶ status(): done, guidance, phase
//!                                                          preview(): the last frame pulled
//! phase Passed ─▶ into_evidence() ─▶ Evidence (key frames: JPEG at KEY_FRAME_QUALITY)
//! ```
//!
//! The driver owns the rules both callers need alike: recorded stills are each measured on their
//! own (the observer forgets the face between them), a video's frames are tracked from one to the
//! next; a pulled source is released as soon as the session has ended, however it ended, so that
//! a camera turns off; a source or model failure ends the check as the camera's failure, not the
//! session's. The caller keeps the pace (one `push` or `pull` a call) and the presentation (the
//! app encodes the preview for its screen, the CLI prints JSON). Frames and key frames live in
//! memory only; nothing of them is logged.

use std::fmt;

pub use shimin_core::liveness::{CAMERA_FAILURE, CapturePhase};
use shimin_core::liveness::{
    Challenge, Evidence, EvidenceError, Frame, FrameSource, FrameSourceError, Guidance, Step,
};

use crate::error::FaceError;
use crate::liveness::{LivenessObserver, encode_jpeg};

/// JPEG quality of the evidence's key frames. The backend decodes them and measures them again
/// with the same models; at 90 its measures agree with the device's trace well within the judge's
/// tolerances, and a key frame stays far under the evidence's per-frame cap.
pub const KEY_FRAME_QUALITY: u8 = 90;

/// The time a check with a live camera has when no server set it (the CLI's `--camera`): the
/// backend gives the app's checks 60 s too, time to read the guidance and do four actions.
pub const CAMERA_TIME_LIMIT_MS: u64 = 60_000;

/// The nominal frame rate reported for a live camera. Its frames carry their own timestamps, so
/// this is a label, not a clock: the rate the camera is opened at (640×480 MJPEG at 30 fps).
pub const CAMERA_FPS: u32 = 30;

/// The frame rate a directory of recorded frames is played at when nothing says otherwise (the
/// CLI's `--fps`): the rate of the test film and of the demos.
pub const RECORDED_FPS: u32 = 10;

/// Frames the driver reads itself. `Send`, so that a running check can live in the app's state.
pub type PulledFrames = Box<dyn FrameSource + Send>;

/// Where the frames of a check come from.
pub enum CaptureSource {
    /// The caller pushes each frame ([`LivenessCapture::push`]): the webview's camera, sent over
    /// IPC. Its screen shows its own video, so no preview is kept.
    Pushed,
    /// Recorded stills the driver reads ([`LivenessCapture::pull`]): each is measured on its own
    /// (detector and mesh), as the backend measures key frames, rather than tracked from the one
    /// before — a still is not a camera stream.
    Stills(PulledFrames),
    /// A video the driver reads: a live camera, or a recording of one (the CLI's frame
    /// directory). Its frames are tracked from one to the next, as a camera's are on a device.
    Video(PulledFrames),
}

impl fmt::Debug for CaptureSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CaptureSource::Pushed => "Pushed",
            CaptureSource::Stills(_) => "Stills",
            CaptureSource::Video(_) => "Video",
        })
    }
}

/// What kind of source a check has (it stays the same after a pulled source is released).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    /// [`CaptureSource::Pushed`].
    Pushed,
    /// [`CaptureSource::Stills`].
    Stills,
    /// [`CaptureSource::Video`].
    Video,
}

impl SourceKind {
    /// Whether the driver reads the frames itself (and keeps a preview of them).
    pub fn is_pulled(self) -> bool {
        self != SourceKind::Pushed
    }
}

/// What the screen shows after a frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CaptureStatus {
    /// Actions done so far.
    pub done: usize,
    /// Actions asked for.
    pub total: usize,
    /// What to tell the user now ([`Guidance::Done`] once the session has ended; while the
    /// frames have stopped, the last guidance).
    pub guidance: Guidance,
    /// Where the check stands.
    pub phase: CapturePhase,
    /// Frames the session has measured so far.
    pub frames: u64,
    /// Whether the session got past the quality gate and calibration on the neutral face.
    pub calibrated: bool,
}

/// Why the frames of a check stopped before the session decided. Never carries pixels.
#[derive(Debug, thiserror::Error)]
pub enum CameraError {
    /// The source could not give the next frame.
    #[error(transparent)]
    Source(FrameSourceError),
    /// The face models failed on a frame.
    #[error("the face models failed on a frame: {0}")]
    Model(FaceError),
}

/// A call the check cannot answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CaptureError {
    /// [`LivenessCapture::pull`] on a check whose frames the caller pushes.
    #[error("the frames of this check are pushed by the caller, not read by the driver")]
    NotPulled,
    /// [`LivenessCapture::into_evidence`] on a check that has not passed.
    #[error("the check has not passed")]
    NotPassed,
    /// The evidence could not be made (a key frame did not encode).
    #[error("cannot make the evidence: {0}")]
    Evidence(EvidenceError),
}

/// A running liveness check: the core's session, the face models, and the frames.
pub struct LivenessCapture {
    /// `None` only while a frame is being pushed (the session moves by value).
    step: Option<Step>,
    observer: LivenessObserver,
    kind: SourceKind,
    /// The frames the driver reads; dropped (a camera released) as soon as the check ends.
    pulled: Option<PulledFrames>,
    preview: Option<Frame>,
    camera_error: Option<CameraError>,
    frames: u64,
}

impl fmt::Debug for LivenessCapture {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LivenessCapture")
            .field("kind", &self.kind)
            .field("status", &self.status())
            .field("source_open", &self.pulled.is_some())
            .finish_non_exhaustive()
    }
}

impl LivenessCapture {
    /// Starts answering `challenge` with `observer` (the face models; it is reset, so that no
    /// face tracked before carries over) on frames from `source`.
    pub fn start(challenge: Challenge, mut observer: LivenessObserver, source: CaptureSource) -> Self {
        observer.reset();
        let (kind, pulled) = match source {
            CaptureSource::Pushed => (SourceKind::Pushed, None),
            CaptureSource::Stills(frames) => (SourceKind::Stills, Some(frames)),
            CaptureSource::Video(frames) => (SourceKind::Video, Some(frames)),
        };
        Self {
            step: Some(Step::start(challenge)),
            observer,
            kind,
            pulled,
            preview: None,
            camera_error: None,
            frames: 0,
        }
    }

    /// The kind of source the check was started with.
    pub fn kind(&self) -> SourceKind {
        self.kind
    }

    /// Where the check stands, for the screen.
    pub fn status(&self) -> CaptureStatus {
        let Some(step) = &self.step else {
            // Only while a push panicked half-way: nothing more will happen.
            return CaptureStatus {
                done: 0,
                total: 0,
                guidance: Guidance::Done,
                phase: CapturePhase::CameraFailed,
                frames: self.frames,
                calibrated: false,
            };
        };
        let phase = match step {
            _ if self.camera_error.is_some() => CapturePhase::CameraFailed,
            Step::Passed(_) => CapturePhase::Passed,
            Step::Failed(s) => CapturePhase::Failed(s.reason()),
            Step::Calibrating(_) | Step::Acting(_) => CapturePhase::Capturing,
        };
        let calibrated = match step {
            Step::Calibrating(_) => false,
            Step::Acting(_) | Step::Passed(_) => true,
            Step::Failed(s) => s.trace().iter().any(|e| e.step > 0),
        };
        let progress = step.progress();
        CaptureStatus {
            done: progress.done,
            total: progress.total,
            guidance: step.guidance(),
            phase,
            frames: self.frames,
            calibrated,
        }
    }

    /// Measures `frame` and moves the session on. A check that has ended ignores it.
    pub fn push(&mut self, frame: Frame) {
        if self.camera_error.is_some() {
            return;
        }
        let Some(step) = self.step.take() else { return };
        if step.is_finished() {
            self.step = Some(step);
            return;
        }
        if self.kind.is_pulled() {
            self.preview = Some(frame.clone());
        }
        if self.kind == SourceKind::Stills {
            self.observer.reset();
        }
        self.step = Some(match self.observer.observe_frame(&frame) {
            Ok(observation) => {
                self.frames += 1;
                step.push(frame, &observation)
            }
            Err(e) => {
                self.camera_error = Some(CameraError::Model(e));
                step
            }
        });
        self.release_when_ended();
    }

    /// Reads the next frame of the pulled source and moves the session on. When the source runs
    /// out, an unfinished session fails ([`FailureReason::StreamEnded`]); when it fails, the check
    /// ends as [`CapturePhase::CameraFailed`]. Either way — and on a pass — the source is released
    /// at once; pulling after that reads nothing.
    ///
    /// # Errors
    /// [`CaptureError::NotPulled`] when the caller pushes the frames.
    pub fn pull(&mut self) -> Result<(), CaptureError> {
        if !self.kind.is_pulled() {
            return Err(CaptureError::NotPulled);
        }
        let Some(source) = self.pulled.as_mut() else { return Ok(()) };
        match source.next_frame() {
            Ok(Some(frame)) => self.push(frame),
            Ok(None) => self.step = self.step.take().map(Step::end_of_stream),
            Err(e) => self.camera_error = Some(CameraError::Source(e)),
        }
        self.release_when_ended();
        Ok(())
    }

    /// Whether the pulled source is still held (a camera still on).
    pub fn source_open(&self) -> bool {
        self.pulled.is_some()
    }

    /// The last frame the driver pulled, for a preview on screen (none for pushed frames, whose
    /// screen shows its own video). Encoding it for the screen is the caller's business.
    pub fn preview(&self) -> Option<&Frame> {
        self.preview.as_ref()
    }

    /// Why the frames stopped, when [`CapturePhase::CameraFailed`].
    pub fn camera_error(&self) -> Option<&CameraError> {
        self.camera_error.as_ref()
    }

    /// The evidence of a passed check: key frames as JPEG at [`KEY_FRAME_QUALITY`], the trace and
    /// the nonce, ready to be signed with the device key.
    ///
    /// # Errors
    /// [`CaptureError::NotPassed`]; [`CaptureError::Evidence`] when a key frame does not encode.
    pub fn into_evidence(self) -> Result<Evidence, CaptureError> {
        let Some(Step::Passed(passed)) = self.step else { return Err(CaptureError::NotPassed) };
        Evidence::from_session(passed, |frame| {
            encode_jpeg(frame, KEY_FRAME_QUALITY).map_err(|e| e.to_string())
        })
        .map_err(CaptureError::Evidence)
    }

    fn release_when_ended(&mut self) {
        if self.camera_error.is_some() || self.step.as_ref().is_none_or(Step::is_finished) {
            self.pulled = None;
        }
    }
}
