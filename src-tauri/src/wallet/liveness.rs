//! The liveness check on this device (issues 5 and 15), as the platform runs it: the check is
//! paced by the backend (finding 1 of issue 15). The device streams its camera frames to the
//! server as it captures them, in batches signed by the device key; the server measures every
//! frame with its own models, reveals each next action only after it saw the one before done,
//! and passes the check when every action was done in time by the face in the registry photo.
//! The device knows no action before the server reveals it and judges nothing itself: it shows
//! what the server said and the camera's picture.
//!
//! The use cases (the challenge, signing a batch, what a passed check records, refusals) are the
//! core's (`shimin_core::wallet::liveness`, with [`FrameStream`]: which frames are streamed and
//! when a batch leaves); this module supplies the frames — a camera of this computer (desktop,
//! `nokhwa`), the webview's camera (`getUserMedia`, each frame a JPEG sent as the raw body of an
//! invoke; phones, and desktops whose camera the app cannot open) or a recording that acts on
//! cue (`SHIMIN_CAMERA_FRAMES`, development builds only; [`super::recorded`]) — sends each batch
//! on its own task while the capture goes on, and makes the screen's view. Two purposes:
//! enrolling this device instead of with a code, and confirming the citizen's part in a company
//! registration case.
//!
//! Frames live in memory until their batch is sent; nothing of them is stored or logged. The
//! screen drives the pace: it sends (or asks for) one frame at a time and shows the guidance and
//! progress each answer carries.

use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Instant;

use shimin_client::BackendClient;
use shimin_core::liveness::{Frame, FrameBatch, FrameRotation};
use shimin_core::picture::{self, PictureFormat};
use shimin_core::views;
use shimin_core::wallet::PaceAnswer;
use shimin_core::wallet::liveness::{self as use_case, Check, FrameStream, Purpose, StreamState};
use shimin_wire::ipc::JpegPreview;
use shimin_wire::liveness::{
    CameraSourceView, DeclineReasonView, IdentityRequestView, LivenessFailureView, LivenessPhaseView,
    LivenessPurposeView, LivenessStatusView,
};

use super::camera::{PulledFrames, native_camera, preview, streamed_jpeg};
use super::recorded::Recording;
use super::sync::device_label;
use super::{AppError, WalletState};

/// A directory of recorded frames used instead of the camera: clips of a neutral face and of
/// each action, played on cue ([`super::recorded`]). Read by development builds only: a release
/// build always uses a camera, so that nothing in a citizen's environment can feed a face check
/// with a recording.
pub const CAMERA_FRAMES_ENV: &str = "SHIMIN_CAMERA_FRAMES";
/// The largest camera frame accepted over IPC, bytes of JPEG (a 1080p JPEG is well under).
pub const MAX_FRAME_BYTES: usize = 3 * 1024 * 1024;
/// The largest camera frame side decoded.
const MAX_FRAME_SIDE: u32 = 1920;
/// The preview of frames the app reads is scaled to this width.
const PREVIEW_WIDTH: u32 = 320;

/// Where a check's frames come from.
enum Frames {
    /// The webview sends them.
    Pushed,
    /// A camera of this computer, until it fails.
    Camera(Option<PulledFrames>),
    /// A recording acting on cue.
    Recorded(Box<Recording>),
}

/// The stream of a running check and what ended it, shared with the task sending its batch.
struct Streaming {
    stream: FrameStream,
    /// The refusal that ended the check, until the screen is told.
    refusal: Option<AppError>,
}

type SharedStream = Arc<Mutex<Streaming>>;

fn lock(shared: &SharedStream) -> MutexGuard<'_, Streaming> {
    // Holds a stream's state only: nothing a panic could leave half-done.
    shared.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A running check.
struct Capture {
    check: Arc<Check>,
    shared: SharedStream,
    source: CameraSourceView,
    frames: Frames,
    began: Instant,
    /// The last pulled frame as the screen shows it.
    preview: Option<JpegPreview>,
    /// The camera stopped giving frames.
    camera_failed: bool,
}

impl Capture {
    fn view(&self) -> LivenessStatusView {
        let streaming = lock(&self.shared);
        let stream = &streaming.stream;
        let phase = if self.camera_failed {
            LivenessPhaseView::Failed { reason: LivenessFailureView::Camera }
        } else {
            match stream.state() {
                StreamState::Told(PaceAnswer::Passed { .. }) => LivenessPhaseView::Captured,
                _ => LivenessPhaseView::Capturing,
            }
        };
        LivenessStatusView {
            actions: stream.revealed().iter().copied().map(views::action_view).collect(),
            steps: stream.steps(),
            done: stream.done(),
            guidance: views::guidance_view(stream.guidance()),
            phase,
            source: self.source,
            preview: self.preview.clone(),
        }
    }

    fn now_ms(&self) -> u64 {
        u64::try_from(self.began.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    /// The next frame the app reads itself (recorded, or the desktop camera), kept as the
    /// preview; its JPEG when the stream wants a frame now.
    ///
    /// # Errors
    /// [`AppError::BadRequest`] when the webview sends the frames.
    fn pull(&mut self, now_ms: u64) -> Result<Option<Vec<u8>>, AppError> {
        let state = lock(&self.shared).stream.state();
        let wanted = lock(&self.shared).stream.wants(now_ms);
        match &mut self.frames {
            Frames::Pushed => Err(AppError::BadRequest),
            Frames::Recorded(recording) => {
                if !wanted {
                    return Ok(None);
                }
                let recorded = recording.next(now_ms, state);
                self.preview = recorded.preview.clone();
                Ok(Some(recorded.jpeg.clone()))
            }
            Frames::Camera(camera) => match camera.as_mut().map(|c| c.next_frame()) {
                Some(Ok(Some(frame))) => {
                    self.preview = preview(&frame, PREVIEW_WIDTH);
                    Ok(wanted.then(|| streamed_jpeg(&frame)).flatten())
                }
                Some(Ok(None) | Err(_)) => {
                    // Logged without the frame; the camera turns off.
                    eprintln!("shimin: the liveness check's camera stopped giving frames");
                    *camera = None;
                    self.camera_failed = true;
                    Ok(None)
                }
                None => Ok(None),
            },
        }
    }

    /// Keeps `jpeg`, captured at `now_ms`, for the stream, and takes the batch to send, if one
    /// is due.
    fn take(&mut self, now_ms: u64, jpeg: Option<Vec<u8>>) -> Option<FrameBatch> {
        let mut streaming = lock(&self.shared);
        if let Some(jpeg) = jpeg {
            streaming.stream.push(now_ms, jpeg);
        }
        match streaming.stream.next_batch() {
            Ok(batch) => batch,
            Err(_) => {
                streaming.stream.refused();
                streaming.refusal = Some(AppError::BadFrame);
                None
            }
        }
    }
}

/// The JPEG a check streams of a frame the webview sent: its own bytes when they are within the
/// stream's limits, otherwise encoded again.
fn pushed_jpeg(jpeg: &[u8], frame: &Frame) -> Option<Vec<u8>> {
    let (width, _) = frame.upright_size();
    if width <= super::camera::STREAMED_WIDTH && jpeg.len() <= shimin_core::liveness::MAX_STREAMED_FRAME_BYTES
    {
        return Some(jpeg.to_vec());
    }
    streamed_jpeg(frame)
}

/// A camera frame from the webview: a JPEG of at most [`MAX_FRAME_BYTES`] within
/// [`MAX_FRAME_SIDE`], decoded by the one picture decoder.
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

/// Sends one signed batch and records the server's answer (or its refusal) in the stream.
async fn send(client: BackendClient, check: Arc<Check>, shared: SharedStream, signed: Vec<u8>) {
    let sent = Instant::now();
    let answer = check.send(&client, signed).await;
    let round_trip_ms = u64::try_from(sent.elapsed().as_millis()).unwrap_or(u64::MAX);
    let mut streaming = lock(&shared);
    match answer {
        Ok(answer) => streaming.stream.answered(answer, round_trip_ms),
        Err(refusal) => {
            streaming.stream.refused();
            streaming.refusal = Some(refusal);
        }
    }
}

/// The liveness side of [`WalletState`].
#[derive(Default)]
pub(super) struct LivenessState {
    capture: Mutex<Option<Capture>>,
    frames_dir: Option<PathBuf>,
}

impl std::fmt::Debug for LivenessState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LivenessState")
            .field("recorded_frames", &self.frames_dir.is_some())
            .finish_non_exhaustive()
    }
}

impl LivenessState {
    /// Recorded frames from [`CAMERA_FRAMES_ENV`], if set, in a development build; a release
    /// build ignores them.
    pub(super) fn from_env() -> Self {
        let frames_dir = std::env::var_os(CAMERA_FRAMES_ENV)
            .filter(|d| cfg!(debug_assertions) && !d.is_empty())
            .map(PathBuf::from);
        Self { frames_dir, ..Self::default() }
    }

    fn capture(&self) -> MutexGuard<'_, Option<Capture>> {
        // A capture holds no invariant a panic could break.
        self.capture.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl WalletState {
    /// Asks the backend for a challenge and starts the check. A check already running is
    /// dropped.
    ///
    /// # Errors
    /// [`AppError::Locked`] (the device key is in the wallet), [`AppError::InvalidIdNumber`],
    /// [`AppError::NoBackend`], [`AppError::NoRegistryPhoto`], [`AppError::TooManyAttempts`],
    /// [`AppError::AlreadyDone`], [`AppError::Backend`] (offline…), [`AppError::BadFrame`] (a
    /// recording that cannot be read).
    pub async fn liveness_start(&self, purpose: LivenessPurposeView) -> Result<LivenessStatusView, AppError> {
        let purpose = Purpose::parse(&purpose)?;
        *self.liveness.capture() = None;
        let client = self.sync.client()?;
        let check = {
            let mut handle = self.second_handle()?;
            use_case::begin(&mut handle, &client, purpose, &device_label()).await?
        };
        let (source, frames) = match &self.liveness.frames_dir {
            Some(dir) => {
                let dir = dir.clone();
                let prepare = |f: &Frame| (streamed_jpeg(f), preview(f, PREVIEW_WIDTH));
                let recording = tokio::task::spawn_blocking(move || Recording::load(&dir, &prepare))
                    .await
                    .map_err(|_| AppError::Internal("reading the recording"))?
                    .map_err(|e| {
                        eprintln!("shimin: recorded frames: {e}");
                        AppError::BadFrame
                    })?;
                (CameraSourceView::Files, Frames::Recorded(Box::new(recording)))
            }
            None => match native_camera().await {
                Some(camera) => (CameraSourceView::Native, Frames::Camera(Some(camera))),
                None => (CameraSourceView::Camera, Frames::Pushed),
            },
        };
        let stream = FrameStream::new(check.nonce().to_vec(), check.steps());
        let capture = Capture {
            check: Arc::new(check),
            shared: Arc::new(Mutex::new(Streaming { stream, refusal: None })),
            source,
            frames,
            began: Instant::now(),
            preview: None,
            camera_failed: false,
        };
        let view = capture.view();
        *self.liveness.capture() = Some(capture);
        Ok(view)
    }

    /// Takes one camera frame from the webview (a JPEG); it is stamped when it arrives.
    ///
    /// # Errors
    /// [`AppError::NoLivenessCheck`], [`AppError::BadFrame`] (the check goes on); the server's
    /// refusal of the check ([`AppError::LivenessRejected`] …), once.
    pub fn liveness_frame(&self, jpeg: &[u8], timestamp_ms: u64) -> Result<LivenessStatusView, AppError> {
        let frame = camera_frame(jpeg, timestamp_ms)?;
        self.stream_frame(|capture, now_ms| {
            let wanted = lock(&capture.shared).stream.wants(now_ms);
            Ok(wanted.then(|| pushed_jpeg(jpeg, &frame)).flatten())
        })
    }

    /// Takes the next frame the app reads itself (recorded, or the desktop camera).
    ///
    /// # Errors
    /// [`AppError::NoLivenessCheck`]; [`AppError::BadRequest`] when the webview sends the
    /// frames; the server's refusal of the check, once.
    pub fn liveness_next_frame(&self) -> Result<LivenessStatusView, AppError> {
        self.stream_frame(Capture::pull)
    }

    /// Gets the JPEG of a frame captured now from `frame` (when the stream wants one), streams
    /// it, sends a batch when one is due (on its own task, signed here with the device key) and
    /// answers the screen's view — or the refusal that ended the check.
    fn stream_frame(
        &self,
        frame: impl FnOnce(&mut Capture, u64) -> Result<Option<Vec<u8>>, AppError>,
    ) -> Result<LivenessStatusView, AppError> {
        let mut guard = self.liveness.capture();
        let capture = guard.as_mut().ok_or(AppError::NoLivenessCheck)?;
        let refusal = lock(&capture.shared).refusal.take();
        if let Some(refusal) = refusal {
            *guard = None;
            return Err(refusal);
        }
        let now_ms = capture.now_ms();
        let jpeg = frame(capture, now_ms)?;
        if let Some(batch) = capture.take(now_ms, jpeg) {
            let signed = self.with_wallet(|wallet| use_case::sign_batch(wallet, &batch));
            match signed.and_then(|signed| Ok((self.sync.client()?, signed))) {
                Ok((client, signed)) => {
                    let (check, shared) = (Arc::clone(&capture.check), Arc::clone(&capture.shared));
                    tauri::async_runtime::spawn(send(client, check, shared, signed));
                }
                Err(e) => {
                    *guard = None;
                    return Err(e);
                }
            }
        }
        Ok(capture.view())
    }

    /// Finishes a check the server passed: an enrolment records the wallet's enrolment, then
    /// runs the first sync round.
    ///
    /// # Errors
    /// [`AppError::NoLivenessCheck`] (none passed); [`AppError::Backend`] offline (fetching the
    /// root key of an enrolment: the device is registered, a code or another check is needed).
    pub async fn liveness_submit(&self) -> Result<LivenessStatusView, AppError> {
        let (check, device_id, view) = {
            let mut guard = self.liveness.capture();
            let passed = guard.as_ref().and_then(|c| match lock(&c.shared).stream.state() {
                StreamState::Told(PaceAnswer::Passed { device_id }) => Some(device_id),
                _ => None,
            });
            let Some(device_id) = passed else { return Err(AppError::NoLivenessCheck) };
            let Some(captured) = guard.take() else { return Err(AppError::NoLivenessCheck) };
            (captured.check.clone(), device_id, captured.view())
        };
        let enrols = check.purpose.enrols();
        if enrols {
            let client = self.sync.client()?;
            // Passing an enrolment check enrols the wallet: no sync round may run meanwhile.
            let _round = self.sync.round_lock().await;
            let mut handle = self.second_handle()?;
            use_case::complete(&mut handle, &client, &check.purpose, device_id).await?;
        }
        if enrols {
            self.run_round().await;
        }
        Ok(LivenessStatusView { phase: LivenessPhaseView::Passed, ..view })
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

    /// Declines identity request `case_id` for `reason`: the registrar is told.
    ///
    /// # Errors
    /// [`AppError::Locked`], [`AppError::NotEnrolled`], [`AppError::NoBackend`], the backend's
    /// refusal (confirmed or declined already, not the citizen's case).
    pub async fn decline_request(
        &self,
        case_id: i64,
        reason: DeclineReasonView,
    ) -> Result<IdentityRequestView, AppError> {
        let client = self.sync.client()?;
        let mut handle = self.second_handle()?;
        use_case::decline_request(&mut handle, &client, case_id, reason).await
    }
}

#[cfg(test)]
mod tests {
    //! The stream's rules are the core's (`FrameStream`), the whole check against the real
    //! backend is `tests/e2e_liveness.rs`; here, what the app adds: the screen's view, frames
    //! encoded for the stream, the preview scaled for the screen, a camera's end, and the refusal
    //! to pull frames the webview sends.
    #![allow(clippy::expect_used, clippy::panic)]

    use std::collections::VecDeque;

    use base64::Engine;
    use base64::engine::general_purpose::STANDARD;
    use shimin_core::liveness::{Action, FrameSourceError};
    use shimin_core::wallet::LivenessChallenge;
    use shimin_testkit::film::{FRAME_INTERVAL_MS, frame, scene};
    use shimin_wire::liveness::GuidanceView;

    use super::*;

    /// A camera in a test: the film's frames one after the other, then unplugged.
    struct FilmCamera(VecDeque<Frame>);

    impl FrameSource for FilmCamera {
        fn next_frame(&mut self) -> Result<Option<Frame>, FrameSourceError> {
            self.0.pop_front().map(Some).ok_or_else(|| FrameSourceError::Unavailable("unplugged".into()))
        }
    }

    use shimin_core::liveness::FrameSource;

    fn capture(source: CameraSourceView, frames: Frames) -> Capture {
        let challenge =
            LivenessChallenge { check_id: 1, nonce: vec![7; 16], steps: 3, time_limit_ms: 60_000 };
        let check = Check::new(Purpose::Case(1), challenge, None);
        let stream = FrameStream::new(check.nonce().to_vec(), check.steps());
        Capture {
            check: Arc::new(check),
            shared: Arc::new(Mutex::new(Streaming { stream, refusal: None })),
            source,
            frames,
            began: Instant::now(),
            preview: None,
            camera_failed: false,
        }
    }

    #[test]
    fn a_desktop_camera_check_streams_its_frames_shows_a_preview_and_ends_as_the_cameras_failure() {
        let shots = scene().take(&[Action::MouthOpen]);
        let frames: VecDeque<Frame> =
            shots.iter().enumerate().map(|(i, s)| frame(&s.image, i as u64 * FRAME_INTERVAL_MS)).collect();
        let sent = frames.len() as u64;
        let mut capture =
            capture(CameraSourceView::Native, Frames::Camera(Some(Box::new(FilmCamera(frames)))));
        let view = capture.view();
        assert_eq!(
            (view.phase.clone(), view.done, view.steps, view.guidance),
            (LivenessPhaseView::Capturing, 0, 3, GuidanceView::LookStraight)
        );
        assert!(view.actions.is_empty(), "no action is known before the server reveals it");

        let first = capture.pull(0).expect("the app reads its own camera");
        let batch = capture.take(0, first).expect("the first frame opens the check at once");
        assert_eq!((batch.seq(), batch.nonce(), batch.frames().len()), (0, &[7; 16][..], 1));
        let streamed =
            image::load_from_memory_with_format(batch.frames()[0].jpeg.expose(), image::ImageFormat::Jpeg)
                .expect("a streamed JPEG");
        assert!(streamed.width() <= super::super::camera::STREAMED_WIDTH);
        // Every 50 ms: the stream keeps every other frame, and waits for the batch in flight.
        let mut kept = 0;
        for i in 1..sent {
            let next = capture.pull(i * 50).expect("a frame");
            kept += usize::from(next.is_some());
            assert!(capture.take(i * 50, next).is_none(), "one batch in flight at a time");
        }
        assert_eq!(kept as u64, (sent - 1) / 2, "frames kept 100 ms apart");
        let jpeg =
            STANDARD.decode(capture.view().preview.expect("a preview of the camera").base64()).expect("b64");
        let shown =
            image::load_from_memory_with_format(&jpeg, image::ImageFormat::Jpeg).expect("a JPEG preview");
        assert_eq!(shown.width(), PREVIEW_WIDTH, "scaled for the screen");

        let unplugged =
            capture.pull(sent * 50).expect("the unplugged camera is the check's failure, not the call's");
        assert!(unplugged.is_none());
        assert_eq!(capture.view().phase, LivenessPhaseView::Failed { reason: LivenessFailureView::Camera });
    }

    #[test]
    fn frames_sent_by_the_webview_cannot_be_pulled_and_a_bad_frame_is_refused() {
        let mut capture = capture(CameraSourceView::Camera, Frames::Pushed);
        assert!(matches!(capture.pull(0), Err(AppError::BadRequest)));
        assert_eq!(capture.view().phase, LivenessPhaseView::Capturing);
        assert!(capture.view().preview.is_none(), "the webview shows its own video");
        assert!(matches!(camera_frame(b"not a jpeg", 0), Err(AppError::BadFrame)));
        assert!(matches!(camera_frame(&vec![0xFF; MAX_FRAME_BYTES + 1], 0), Err(AppError::BadFrame)));
    }
}
