//! The liveness check on this device (issue 5): the backend's challenge, frames from a camera of
//! this computer (desktop, `nokhwa`), from the webview's camera (`getUserMedia`, sent over IPC as
//! JPEG; phones, and desktops whose camera the app cannot open) or from a directory of recorded
//! frames (`SHIMIN_CAMERA_FRAMES`, for demos and the end-to-end tests), the real face models
//! (`shimin-face`) and the core's session state machine, then the signed evidence to the
//! backend, which decides. Two purposes: enrolling this device instead of with a code, and
//! confirming the citizen's part in a company registration case.
//!
//! Frames and key frames live in memory for the session only; nothing of them is stored or
//! logged. The screen drives the pace: it sends (or asks for) one frame at a time and shows the
//! guidance and progress each answer carries.

use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard, OnceLock};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use image::{ImageFormat, ImageReader, Limits};
use shimin_client::{BackendClient, ClientError, LivenessChallenge, SyncFailure, is_liveness_failure};
use shimin_core::IdNumber;
use shimin_core::liveness::{Evidence, Frame, FrameRotation, Step};
use shimin_face::{FaceAnalyzer, ImageSequence, LivenessObserver, encode_jpeg};
use shimin_wire::error::ErrorCode;
use shimin_wire::liveness::{
    CameraSourceView, IdentityRequestView, LivenessFrameRequest, LivenessPhaseView, LivenessPurposeView,
    LivenessStatusView,
};

use super::scan::{PulledFrames, preview};
use super::{AppError, WalletState};

/// A directory of recorded frames (PNG or JPEG, in file-name order) used instead of the camera.
/// A recording answers one order of actions only: when the directory holds a subdirectory named
/// by the challenge's actions (`blink-mouth-nod`), that recording is used; otherwise the
/// directory's own frames.
pub const CAMERA_FRAMES_ENV: &str = "SHIMIN_CAMERA_FRAMES";
/// Frames per second of the recorded frames (default 10).
pub const CAMERA_FPS_ENV: &str = "SHIMIN_CAMERA_FPS";
/// The longest camera frame accepted over IPC, base64 characters (a 1080p JPEG is well under).
const MAX_FRAME_B64: usize = 4 * 1024 * 1024;
/// The largest camera frame side decoded.
const MAX_FRAME_SIDE: u32 = 1920;
/// Key frames are JPEG at this quality (the backend re-measures them).
const KEY_FRAME_QUALITY: u8 = 90;
/// The preview of frames the app reads is scaled to this width.
const PREVIEW_WIDTH: u32 = 320;

/// What the check is for, parsed.
#[derive(Clone)]
enum Purpose {
    Enrolment(IdNumber),
    Case(i64),
}

/// A running check.
struct Capture {
    purpose: Purpose,
    check_id: i64,
    actions: Vec<String>,
    /// `None` only while a frame is being pushed.
    step: Option<Step>,
    observer: LivenessObserver,
    source: CameraSourceView,
    /// The frames the app reads itself (recorded, or a desktop camera); released as soon as the
    /// session has ended, so that the camera turns off.
    pulled: Option<PulledFrames>,
    preview: Option<String>,
    /// Why the frames stopped, when it was not the session's decision.
    camera_failed: bool,
}

impl Capture {
    fn view(&self) -> LivenessStatusView {
        let phase = match &self.step {
            _ if self.camera_failed => LivenessPhaseView::Failed { reason: "camera".into() },
            Some(Step::Passed(_)) => LivenessPhaseView::Captured,
            Some(Step::Failed(s)) => LivenessPhaseView::Failed { reason: s.reason().as_str().into() },
            _ => LivenessPhaseView::Capturing,
        };
        let (guidance, done) =
            self.step.as_ref().map_or(("done", 0), |s| (s.guidance().as_str(), s.progress().done));
        LivenessStatusView {
            actions: self.actions.clone(),
            done,
            guidance: guidance.into(),
            phase,
            source: self.source,
            preview_jpeg_b64: self.preview.clone(),
        }
    }

    /// Measures `frame` and moves the session on.
    fn push(&mut self, frame: Frame) {
        let Some(step) = self.step.take() else { return };
        if step.is_finished() || self.camera_failed {
            self.step = Some(step);
            return;
        }
        if self.source.pulled_by_app() {
            self.preview = preview(&frame, PREVIEW_WIDTH);
        }
        if self.source == CameraSourceView::Files {
            // A recording is a sequence of stills, not a camera stream: each is measured on its
            // own (detector and mesh), as the backend measures key frames, rather than tracked
            // from the one before.
            self.observer.reset();
        }
        self.step = Some(match self.observer.observe_frame(&frame) {
            Ok(observation) => step.push(frame, &observation),
            Err(e) => {
                eprintln!("shimin: the face models failed on a frame: {e}");
                self.camera_failed = true;
                step
            }
        });
    }

    /// Reads the next frame the app pulls itself and moves the session on; when they run out,
    /// an unfinished session fails.
    ///
    /// # Errors
    /// [`AppError::BadRequest`] when the webview sends the frames.
    fn pull(&mut self) -> Result<(), AppError> {
        if !self.source.pulled_by_app() {
            return Err(AppError::BadRequest);
        }
        // The session has ended and its source is released: nothing more to read.
        let Some(source) = self.pulled.as_mut() else { return Ok(()) };
        match source.next_frame() {
            Ok(Some(frame)) => self.push(frame),
            Ok(None) => self.step = self.step.take().map(Step::end_of_stream),
            Err(e) => {
                eprintln!("shimin: camera frames: {e}");
                self.camera_failed = true;
            }
        }
        // Once the session has ended, however it ended, the camera is released.
        if self.camera_failed || self.step.as_ref().is_none_or(Step::is_finished) {
            self.pulled = None;
        }
        Ok(())
    }
}

/// A camera frame from the webview: a JPEG within [`MAX_FRAME_SIDE`].
fn camera_frame(request: &LivenessFrameRequest) -> Result<Frame, AppError> {
    if request.jpeg_b64.len() > MAX_FRAME_B64 {
        return Err(AppError::BadFrame);
    }
    let b64 = request.jpeg_b64.rsplit_once(',').map_or(request.jpeg_b64.as_str(), |(_, data)| data);
    let bytes = STANDARD.decode(b64.trim()).map_err(|_| AppError::BadFrame)?;
    let mut reader = ImageReader::with_format(std::io::Cursor::new(bytes), ImageFormat::Jpeg);
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_FRAME_SIDE);
    limits.max_image_height = Some(MAX_FRAME_SIDE);
    limits.max_alloc = Some(64 * 1024 * 1024);
    reader.limits(limits);
    let image = reader.decode().map_err(|_| AppError::BadFrame)?.to_rgb8();
    let (width, height) = image.dimensions();
    Frame::new(width, height, image.into_raw(), request.timestamp_ms, FrameRotation::None)
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
    /// Recorded frames from [`CAMERA_FRAMES_ENV`] at [`CAMERA_FPS_ENV`], if set.
    pub(super) fn from_env() -> Self {
        let frames_dir = std::env::var_os(CAMERA_FRAMES_ENV).filter(|d| !d.is_empty()).map(PathBuf::from);
        let fps = std::env::var(CAMERA_FPS_ENV).ok().and_then(|s| s.trim().parse().ok()).filter(|f| *f > 0);
        Self { frames_dir, fps: fps.unwrap_or(10), ..Self::default() }
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

/// The app's error for a refused liveness call.
fn liveness_error(failure: SyncFailure) -> AppError {
    match &failure {
        SyncFailure::Client(e) if is_liveness_failure(e) => AppError::LivenessRejected,
        SyncFailure::Client(ClientError::Refused { code: ErrorCode::NoRegistryPhoto, .. }) => {
            AppError::NoRegistryPhoto
        }
        // The citizen's daily checks, or the server's rate limit on these routes: not now.
        SyncFailure::Client(ClientError::Unavailable {
            code: ErrorCode::AttemptsExhausted | ErrorCode::TooManyRequests,
            ..
        }) => AppError::TooManyAttempts,
        SyncFailure::Client(ClientError::Refused {
            code:
                ErrorCode::AlreadyAnswered | ErrorCode::AlreadyConfirmed | ErrorCode::DeviceAlreadyRegistered,
            ..
        }) => AppError::AlreadyDone,
        SyncFailure::Client(ClientError::Refused {
            code: ErrorCode::UnknownCitizen | ErrorCode::NotFound,
            ..
        }) => AppError::EnrolmentRefused,
        _ => AppError::Backend(failure),
    }
}

impl WalletState {
    fn backend_client(&self) -> Result<BackendClient, AppError> {
        let url = self.sync.backend_url().ok_or(AppError::NoBackend)?;
        BackendClient::new(url).map_err(|_| AppError::NoBackend)
    }

    /// Asks the backend for a challenge and starts the check. A check already running is
    /// dropped.
    ///
    /// # Errors
    /// [`AppError::Locked`] (the device key is in the wallet), [`AppError::InvalidIdNumber`],
    /// [`AppError::NoBackend`], [`AppError::NoRegistryPhoto`], [`AppError::TooManyAttempts`],
    /// [`AppError::AlreadyDone`], [`AppError::Backend`] (offline…).
    pub async fn liveness_start(&self, purpose: LivenessPurposeView) -> Result<LivenessStatusView, AppError> {
        let purpose = match purpose {
            LivenessPurposeView::Enrolment { id_number } => {
                Purpose::Enrolment(IdNumber::parse(id_number.trim()).map_err(|_| AppError::InvalidIdNumber)?)
            }
            LivenessPurposeView::Case { case_id } => Purpose::Case(case_id),
        };
        *self.liveness.capture() = None;
        let client = self.backend_client()?;
        let LivenessChallenge { check_id, challenge } = match &purpose {
            Purpose::Enrolment(id) => {
                if self.with_wallet(|w| Ok(w.enrolment()?))?.is_some() {
                    return Err(AppError::AlreadyDone);
                }
                let mut handle = self.second_handle()?;
                shimin_client::begin_liveness_enrolment(
                    &mut handle,
                    &client,
                    id.as_str(),
                    &super::sync::device_label(),
                )
                .await
                .map_err(liveness_error)?
            }
            Purpose::Case(case_id) => {
                let mut handle = self.second_handle()?;
                shimin_client::begin_case_confirmation(&mut handle, &client, *case_id)
                    .await
                    .map_err(liveness_error)?
            }
        };
        let observer = LivenessObserver::new(self.liveness.analyzer().await?);
        let (source, pulled): (_, Option<PulledFrames>) = match &self.liveness.frames_dir {
            Some(dir) => {
                let names: Vec<&str> = challenge.actions().iter().map(|a| a.as_str()).collect();
                let recording = dir.join(names.join("-"));
                let dir = if recording.is_dir() { recording } else { dir.clone() };
                let files = ImageSequence::from_dir(&dir, self.liveness.fps).map_err(|e| {
                    eprintln!("shimin: recorded frames: {e}");
                    AppError::BadFrame
                })?;
                (CameraSourceView::Files, Some(Box::new(files)))
            }
            None => match super::scan::native_camera().await {
                Some(camera) => (CameraSourceView::Native, Some(camera)),
                None => (CameraSourceView::Camera, None),
            },
        };
        let capture = Capture {
            purpose,
            check_id,
            actions: challenge.actions().iter().map(|a| a.as_str().to_owned()).collect(),
            step: Some(Step::start(challenge)),
            observer,
            source,
            pulled,
            preview: None,
            camera_failed: false,
        };
        let view = capture.view();
        *self.liveness.capture() = Some(capture);
        Ok(view)
    }

    /// Takes one camera frame from the webview.
    ///
    /// # Errors
    /// [`AppError::NoLivenessCheck`], [`AppError::BadFrame`] (the check goes on).
    pub fn liveness_frame(&self, request: &LivenessFrameRequest) -> Result<LivenessStatusView, AppError> {
        let frame = camera_frame(request)?;
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
            let capture = guard.as_mut().ok_or(AppError::NoLivenessCheck)?;
            let Some(Step::Passed(_)) = &capture.step else { return Err(AppError::NoLivenessCheck) };
            let Some(Step::Passed(passed)) = capture.step.take() else {
                return Err(AppError::NoLivenessCheck);
            };
            let view = capture.view();
            let evidence = Evidence::from_session(passed, |frame| {
                encode_jpeg(frame, KEY_FRAME_QUALITY).map_err(|e| e.to_string())
            })
            .map_err(|_| AppError::Internal("liveness evidence"))?;
            let purpose = capture.purpose.clone();
            let check_id = capture.check_id;
            *guard = None;
            (purpose, check_id, evidence, view)
        };
        let client = self.backend_client()?;
        match purpose {
            Purpose::Enrolment(_) => {
                {
                    let _round = self.sync.round_lock().await;
                    let mut handle = self.second_handle()?;
                    shimin_client::finish_liveness_enrolment(&mut handle, &client, check_id, &evidence)
                        .await
                        .map_err(liveness_error)?;
                }
                self.run_round().await;
            }
            Purpose::Case(_) => {
                let mut handle = self.second_handle()?;
                shimin_client::finish_case_confirmation(&mut handle, &client, check_id, &evidence)
                    .await
                    .map_err(liveness_error)?;
            }
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
        let client = self.backend_client()?;
        if self.with_wallet(|w| Ok(w.enrolment()?))?.is_none() {
            return Err(AppError::NotEnrolled);
        }
        let mut handle = self.second_handle()?;
        shimin_client::identity_requests(&mut handle, &client).await.map_err(AppError::Backend)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::expect_used, clippy::panic)]

    use std::collections::VecDeque;

    use shimin_core::liveness::{Action, Challenge, FrameSource, FrameSourceError};
    use shimin_testkit::film::{FRAME_INTERVAL_MS, analyzer, frame, scene};

    use super::*;

    /// A camera in a test: the film's frames one after the other, as a desktop camera hands
    /// them over, then a failure if `then_fails`.
    struct FilmCamera {
        frames: VecDeque<Frame>,
        then_fails: bool,
    }

    impl FrameSource for FilmCamera {
        fn next_frame(&mut self) -> Result<Option<Frame>, FrameSourceError> {
            match self.frames.pop_front() {
                Some(frame) => Ok(Some(frame)),
                None if self.then_fails => Err(FrameSourceError::Unavailable("unplugged".into())),
                None => Ok(None),
            }
        }
    }

    const ORDER: [Action; 3] = [Action::MouthOpen, Action::Nod, Action::Blink];

    fn capture(source: CameraSourceView, camera: Option<FilmCamera>) -> Capture {
        let challenge = Challenge::new(vec![7; 16], ORDER.to_vec(), 60_000).expect("a challenge");
        Capture {
            purpose: Purpose::Case(1),
            check_id: 1,
            actions: ORDER.iter().map(|a| a.as_str().to_owned()).collect(),
            step: Some(Step::start(challenge)),
            observer: LivenessObserver::new(analyzer().clone()),
            source,
            pulled: camera.map(|c| Box::new(c) as PulledFrames),
            preview: None,
            camera_failed: false,
        }
    }

    fn film(order: &[Action]) -> VecDeque<Frame> {
        let shots = scene().take(order);
        shots.iter().enumerate().map(|(i, s)| frame(&s.image, i as u64 * FRAME_INTERVAL_MS)).collect()
    }

    /// A desktop camera's frames are tracked from one to the next (not measured afresh like a
    /// recording's). The film is stills, and its closed-eye still is at the edge of what a
    /// blink needs (see `shimin_testkit::film`): tracked, it does not count, so this camera shows
    /// the mouth and the nod, and is then unplugged.
    #[test]
    fn a_desktop_camera_moves_the_check_on_shows_a_preview_and_is_released_when_it_fails() {
        let frames = film(&[Action::MouthOpen, Action::Nod]);
        let sent = frames.len();
        let mut capture = capture(CameraSourceView::Native, Some(FilmCamera { frames, then_fails: true }));
        for _ in 0..sent {
            capture.pull().expect("the app reads its own camera");
            assert_eq!(capture.view().phase, LivenessPhaseView::Capturing);
        }
        let view = capture.view();
        assert_eq!(view.done, 2, "the mouth and the nod are seen on tracked camera frames");
        assert_eq!(view.source, CameraSourceView::Native);
        let preview =
            STANDARD.decode(view.preview_jpeg_b64.expect("a preview of the camera")).expect("base64");
        let shown = image::load_from_memory_with_format(&preview, ImageFormat::Jpeg).expect("a JPEG preview");
        assert_eq!(shown.width(), PREVIEW_WIDTH);
        assert!(capture.pulled.is_some(), "the camera stays open while the check runs");

        capture.pull().expect("the unplugged camera is the check's failure, not the call's");
        assert_eq!(capture.view().phase, LivenessPhaseView::Failed { reason: "camera".into() });
        assert!(capture.pulled.is_none(), "a failed camera is released");
        capture.pull().expect("asking again reads nothing");
        assert_eq!(capture.view().phase, LivenessPhaseView::Failed { reason: "camera".into() });
    }

    #[test]
    fn recorded_frames_that_run_out_fail_the_check_and_are_released() {
        let frames = film(&[Action::MouthOpen]);
        let count = frames.len();
        let mut capture = capture(CameraSourceView::Files, Some(FilmCamera { frames, then_fails: false }));
        for _ in 0..=count {
            capture.pull().expect("pulls");
        }
        let view = capture.view();
        assert_eq!(view.done, 1);
        assert!(
            matches!(&view.phase, LivenessPhaseView::Failed { reason } if reason != "camera"),
            "the session's own failure: {:?}",
            view.phase
        );
        assert!(capture.pulled.is_none());
    }

    #[test]
    fn frames_sent_by_the_webview_cannot_be_pulled() {
        let mut capture = capture(CameraSourceView::Camera, None);
        assert!(matches!(capture.pull(), Err(AppError::BadRequest)));
        assert_eq!(capture.view().source, CameraSourceView::Camera);
        assert_eq!(capture.view().phase, LivenessPhaseView::Capturing);
    }
}
