//! The liveness check on this device (issue 5), as the platform runs it: the backend's challenge
//! and the signed evidence go through the core's use cases (`shimin_core::wallet::liveness`), the
//! capture through the one driver of `shimin-face` ([`LivenessCapture`]); this module supplies the
//! frames — a camera of this computer (desktop, `nokhwa`), the webview's camera (`getUserMedia`,
//! each frame a JPEG sent as the raw body of an invoke; phones, and desktops whose camera the app
//! cannot open) or a directory of recorded frames (`SHIMIN_CAMERA_FRAMES`, for demos and the
//! end-to-end tests) — and the preview the screen shows. Two purposes: enrolling this device
//! instead of with a code, and confirming the citizen's part in a company registration case.
//!
//! Frames and key frames live in memory for the session only; nothing of them is stored or
//! logged. The screen drives the pace: it sends (or asks for) one frame at a time and shows the
//! guidance and progress each answer carries.

use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard, OnceLock};

use shimin_core::liveness::{CapturePhase, Frame, FrameRotation};
use shimin_core::picture::{self, PictureFormat};
use shimin_core::views;
use shimin_core::wallet::LivenessChallenge;
use shimin_core::wallet::liveness::{self as use_case, Purpose};
use shimin_face::{
    CaptureError, CaptureSource, FaceAnalyzer, ImageSequence, LivenessCapture, LivenessObserver,
};
use shimin_wire::ipc::JpegPreview;
use shimin_wire::liveness::{
    ActionView, CameraSourceView, IdentityRequestView, LivenessPhaseView, LivenessPurposeView,
    LivenessStatusView,
};

use super::camera::{native_camera, preview};
use super::sync::device_label;
use super::{AppError, WalletState};

/// A directory of recorded frames (PNG or JPEG, in file-name order) used instead of the camera.
/// A recording answers one order of actions only: when the directory holds a subdirectory named
/// by the challenge's actions (`blink-mouth-nod`), that recording is used; otherwise the
/// directory's own frames. Read by development builds only: a release build always uses a camera,
/// so that nothing in a citizen's environment can feed a face check with a recording.
pub const CAMERA_FRAMES_ENV: &str = "SHIMIN_CAMERA_FRAMES";
/// Frames per second of the recorded frames (default [`shimin_face::RECORDED_FPS`]).
pub const CAMERA_FPS_ENV: &str = "SHIMIN_CAMERA_FPS";
/// The largest camera frame accepted over IPC, bytes of JPEG (a 1080p JPEG is well under).
pub const MAX_FRAME_BYTES: usize = 3 * 1024 * 1024;
/// The largest camera frame side decoded (the backend decodes key frames within the same).
const MAX_FRAME_SIDE: u32 = 1920;
/// The preview of frames the app reads is scaled to this width.
const PREVIEW_WIDTH: u32 = 320;

/// A running check: what it is for, and the capture driver.
struct Capture {
    purpose: Purpose,
    check_id: i64,
    actions: Vec<ActionView>,
    source: CameraSourceView,
    capture: LivenessCapture,
    /// The last pulled frame as the screen shows it, encoded once per frame.
    preview: Option<JpegPreview>,
    /// Whether the end of the frames was logged already.
    logged_camera_failure: bool,
}

impl Capture {
    fn view(&self) -> LivenessStatusView {
        let status = self.capture.status();
        LivenessStatusView {
            actions: self.actions.clone(),
            done: status.done,
            guidance: views::guidance_view(status.guidance),
            phase: views::capture_phase_view(status.phase),
            source: self.source,
            preview: self.preview.clone(),
        }
    }

    /// Keeps the preview of the frame just pulled, and logs why the frames stopped (once).
    fn after_frame(&mut self) {
        if let Some(frame) = self.capture.preview() {
            self.preview = preview(frame, PREVIEW_WIDTH);
        }
        if let (Some(e), false) = (self.capture.camera_error(), self.logged_camera_failure) {
            eprintln!("shimin: the liveness check's frames stopped: {e}");
            self.logged_camera_failure = true;
        }
    }

    /// Measures a frame the webview sent.
    fn push(&mut self, frame: Frame) {
        self.capture.push(frame);
        self.after_frame();
    }

    /// Reads the next frame the app pulls itself (recorded, or the desktop camera).
    ///
    /// # Errors
    /// [`AppError::BadRequest`] when the webview sends the frames.
    fn pull(&mut self) -> Result<(), AppError> {
        self.capture.pull().map_err(|_| AppError::BadRequest)?;
        self.after_frame();
        Ok(())
    }
}

/// A camera frame from the webview taken at `timestamp_ms`: a JPEG of at most
/// [`MAX_FRAME_BYTES`] within [`MAX_FRAME_SIDE`], decoded by the one picture decoder.
fn camera_frame(jpeg: &[u8], timestamp_ms: u64) -> Result<Frame, AppError> {
    if jpeg.len() > MAX_FRAME_BYTES {
        return Err(AppError::BadFrame);
    }
    let limits = picture::Limits::STANDARD.with_max_side(MAX_FRAME_SIDE);
    let image =
        picture::decode_rgb8(jpeg, PictureFormat::JPEG_ONLY, limits).map_err(|_| AppError::BadFrame)?;
    let (width, height) = image.dimensions();
    Frame::new(width, height, image.into_raw(), timestamp_ms, FrameRotation::None)
        .map_err(|_| AppError::BadFrame)
}

/// The liveness side of [`WalletState`].
#[derive(Default)]
pub(super) struct LivenessState {
    capture: Mutex<Option<Capture>>,
    analyzer: OnceLock<FaceAnalyzer>,
    frames_dir: Option<PathBuf>,
    fps: u32,
}

impl std::fmt::Debug for LivenessState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LivenessState")
            .field("recorded_frames", &self.frames_dir.is_some())
            .finish_non_exhaustive()
    }
}

impl LivenessState {
    /// Recorded frames from [`CAMERA_FRAMES_ENV`] at [`CAMERA_FPS_ENV`], if set, in a development
    /// build; a release build ignores them.
    pub(super) fn from_env() -> Self {
        let frames_dir = std::env::var_os(CAMERA_FRAMES_ENV)
            .filter(|d| cfg!(debug_assertions) && !d.is_empty())
            .map(PathBuf::from);
        let fps = std::env::var(CAMERA_FPS_ENV).ok().and_then(|s| s.trim().parse().ok()).filter(|f| *f > 0);
        Self { frames_dir, fps: fps.unwrap_or(shimin_face::RECORDED_FPS), ..Self::default() }
    }

    fn capture(&self) -> MutexGuard<'_, Option<Capture>> {
        // A capture holds no invariant a panic could break.
        self.capture.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The face models, loaded on first use (a second on a phone).
    async fn analyzer(&self) -> Result<FaceAnalyzer, AppError> {
        if let Some(a) = self.analyzer.get() {
            return Ok(a.clone());
        }
        let loaded = tokio::task::spawn_blocking(FaceAnalyzer::new)
            .await
            .map_err(|_| AppError::Internal("loading the face models"))?
            .map_err(|_| AppError::Internal("the face models do not load"))?;
        Ok(self.analyzer.get_or_init(|| loaded).clone())
    }
}

impl WalletState {
    /// Asks the backend for a challenge and starts the check. A check already running is
    /// dropped.
    ///
    /// # Errors
    /// [`AppError::Locked`] (the device key is in the wallet), [`AppError::InvalidIdNumber`],
    /// [`AppError::NoBackend`], [`AppError::NoRegistryPhoto`], [`AppError::TooManyAttempts`],
    /// [`AppError::AlreadyDone`], [`AppError::Backend`] (offline…).
    pub async fn liveness_start(&self, purpose: LivenessPurposeView) -> Result<LivenessStatusView, AppError> {
        let purpose = Purpose::parse(&purpose)?;
        *self.liveness.capture() = None;
        let client = self.sync.client()?;
        let LivenessChallenge { check_id, challenge } = {
            let mut handle = self.second_handle()?;
            use_case::begin(&mut handle, &client, &purpose, &device_label()).await?
        };
        let observer = LivenessObserver::new(self.liveness.analyzer().await?);
        let (source, frames) = match &self.liveness.frames_dir {
            Some(dir) => {
                let names: Vec<&str> = challenge.actions().iter().map(|a| a.as_str()).collect();
                let recording = dir.join(names.join("-"));
                let dir = if recording.is_dir() { recording } else { dir.clone() };
                let files = ImageSequence::from_dir(&dir, self.liveness.fps).map_err(|e| {
                    eprintln!("shimin: recorded frames: {e}");
                    AppError::BadFrame
                })?;
                (CameraSourceView::Files, CaptureSource::Stills(Box::new(files)))
            }
            None => match native_camera().await {
                Some(camera) => (CameraSourceView::Native, CaptureSource::Video(camera)),
                None => (CameraSourceView::Camera, CaptureSource::Pushed),
            },
        };
        let capture = Capture {
            purpose,
            check_id,
            actions: challenge.actions().iter().copied().map(views::action_view).collect(),
            source,
            capture: LivenessCapture::start(challenge, observer, frames),
            preview: None,
            logged_camera_failure: false,
        };
        let view = capture.view();
        *self.liveness.capture() = Some(capture);
        Ok(view)
    }

    /// Takes one camera frame from the webview: a JPEG taken `timestamp_ms` after the check's
    /// first frame.
    ///
    /// # Errors
    /// [`AppError::NoLivenessCheck`], [`AppError::BadFrame`] (the check goes on).
    pub fn liveness_frame(&self, jpeg: &[u8], timestamp_ms: u64) -> Result<LivenessStatusView, AppError> {
        let frame = camera_frame(jpeg, timestamp_ms)?;
        let mut guard = self.liveness.capture();
        let capture = guard.as_mut().ok_or(AppError::NoLivenessCheck)?;
        capture.push(frame);
        Ok(capture.view())
    }

    /// Takes the next frame the app reads itself (recorded, or the desktop camera); when
    /// recorded frames run out, an unfinished session fails.
    ///
    /// # Errors
    /// [`AppError::NoLivenessCheck`]; [`AppError::BadRequest`] when the webview sends the
    /// frames.
    pub fn liveness_next_frame(&self) -> Result<LivenessStatusView, AppError> {
        let mut guard = self.liveness.capture();
        let capture = guard.as_mut().ok_or(AppError::NoLivenessCheck)?;
        capture.pull()?;
        Ok(capture.view())
    }

    /// Sends the evidence of a captured check, signed with the device key, and answers when the
    /// backend has decided. An enrolment then runs the first sync round.
    ///
    /// # Errors
    /// [`AppError::NoLivenessCheck`] (none captured); [`AppError::LivenessRejected`] when the
    /// backend said no (start again); [`AppError::Backend`] offline (the check may be sent
    /// again).
    pub async fn liveness_submit(&self) -> Result<LivenessStatusView, AppError> {
        let (purpose, check_id, evidence, view) = {
            let mut guard = self.liveness.capture();
            let passed = guard.as_ref().is_some_and(|c| c.capture.status().phase == CapturePhase::Passed);
            if !passed {
                return Err(AppError::NoLivenessCheck);
            }
            let Some(captured) = guard.take() else { return Err(AppError::NoLivenessCheck) };
            let view = captured.view();
            let Capture { purpose, check_id, capture, .. } = captured;
            let evidence = capture.into_evidence().map_err(|e| match e {
                CaptureError::NotPassed => AppError::NoLivenessCheck,
                _ => AppError::Internal("liveness evidence"),
            })?;
            (purpose, check_id, evidence, view)
        };
        let client = self.sync.client()?;
        {
            // Passing an enrolment check enrols the wallet: no sync round may run meanwhile.
            let _round = match purpose.enrols() {
                true => Some(self.sync.round_lock().await),
                false => None,
            };
            let mut handle = self.second_handle()?;
            use_case::finish(&mut handle, &client, &purpose, check_id, &evidence).await?;
        }
        if purpose.enrols() {
            self.run_round().await;
        }
        Ok(LivenessStatusView { phase: LivenessPhaseView::Passed, done: view.actions.len(), ..view })
    }

    /// Stops the running check, if any.
    pub fn liveness_cancel(&self) {
        *self.liveness.capture() = None;
    }

    /// The open registration cases naming this wallet's citizen.
    ///
    /// # Errors
    /// [`AppError::Locked`], [`AppError::NotEnrolled`], [`AppError::NoBackend`],
    /// [`AppError::Backend`].
    pub async fn identity_requests(&self) -> Result<Vec<IdentityRequestView>, AppError> {
        let client = self.sync.client()?;
        let mut handle = self.second_handle()?;
        use_case::identity_requests(&mut handle, &client).await
    }
}

#[cfg(test)]
mod tests {
    //! The capture itself is tested with the driver (`face/tests/capture.rs`); here, what the app
    //! adds: the screen's view of it, the preview scaled for the screen, and the refusal to pull
    //! frames the webview sends.
    #![allow(clippy::expect_used, clippy::panic)]

    use std::collections::VecDeque;

    use base64::Engine;
    use base64::engine::general_purpose::STANDARD;
    use shimin_core::liveness::{Action, Challenge, FrameSource, FrameSourceError};
    use shimin_testkit::film::{FRAME_INTERVAL_MS, analyzer, frame, scene};
    use shimin_wire::liveness::LivenessFailureView;

    use super::*;

    /// A camera in a test: the film's frames one after the other, then unplugged.
    struct FilmCamera(VecDeque<Frame>);

    impl FrameSource for FilmCamera {
        fn next_frame(&mut self) -> Result<Option<Frame>, FrameSourceError> {
            self.0.pop_front().map(Some).ok_or_else(|| FrameSourceError::Unavailable("unplugged".into()))
        }
    }

    const ORDER: [Action; 3] = [Action::MouthOpen, Action::Nod, Action::Blink];

    fn capture(source: CameraSourceView, frames: CaptureSource) -> Capture {
        let challenge = Challenge::new(vec![7; 16], ORDER.to_vec(), 60_000).expect("a challenge");
        Capture {
            purpose: Purpose::Case(1),
            check_id: 1,
            actions: ORDER.into_iter().map(views::action_view).collect(),
            source,
            capture: LivenessCapture::start(challenge, LivenessObserver::new(analyzer().clone()), frames),
            preview: None,
            logged_camera_failure: false,
        }
    }

    #[test]
    fn a_desktop_camera_check_shows_a_preview_for_the_screen_and_its_end_as_the_cameras_failure() {
        let shots = scene().take(&[Action::MouthOpen]);
        let frames: VecDeque<Frame> =
            shots.iter().enumerate().map(|(i, s)| frame(&s.image, i as u64 * FRAME_INTERVAL_MS)).collect();
        let sent = frames.len();
        let mut capture =
            capture(CameraSourceView::Native, CaptureSource::Video(Box::new(FilmCamera(frames))));
        for _ in 0..sent {
            capture.pull().expect("the app reads its own camera");
        }
        let view = capture.view();
        assert_eq!(
            (view.phase.clone(), view.done, view.source),
            (LivenessPhaseView::Capturing, 1, CameraSourceView::Native)
        );
        assert_eq!(view.actions, [ActionView::MouthOpen, ActionView::Nod, ActionView::Blink]);
        let jpeg = STANDARD.decode(view.preview.expect("a preview of the camera").base64()).expect("base64");
        let shown =
            image::load_from_memory_with_format(&jpeg, image::ImageFormat::Jpeg).expect("a JPEG preview");
        assert_eq!(shown.width(), PREVIEW_WIDTH, "scaled for the screen");

        capture.pull().expect("the unplugged camera is the check's failure, not the call's");
        assert_eq!(capture.view().phase, LivenessPhaseView::Failed { reason: LivenessFailureView::Camera });
        assert!(capture.logged_camera_failure);
    }

    #[test]
    fn frames_sent_by_the_webview_cannot_be_pulled_and_a_bad_frame_is_refused() {
        let mut capture = capture(CameraSourceView::Camera, CaptureSource::Pushed);
        assert!(matches!(capture.pull(), Err(AppError::BadRequest)));
        assert_eq!(capture.view().phase, LivenessPhaseView::Capturing);
        assert!(capture.view().preview.is_none(), "the webview shows its own video");
        assert!(matches!(camera_frame(b"not a jpeg", 0), Err(AppError::BadFrame)));
        assert!(matches!(camera_frame(&vec![0xFF; MAX_FRAME_BYTES + 1], 0), Err(AppError::BadFrame)));
    }
}
