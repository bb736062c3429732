//! Scanning presentation codes with the computer's own camera (desktop, `nokhwa`): the screen
//! asks for one frame at a time and gets the picture to show and, once a code is in view, the
//! verdict on it, read from the frame's pixels with the lists held in memory. Phones, and
//! desktops whose camera the app cannot open, scan in the webview instead (`getUserMedia`, then
//! `scan_image` with each frame's JPEG as the raw body). Frames are not kept: each is shown, read
//! and dropped.

use std::sync::{Mutex, MutexGuard, PoisonError};

use shimin_core::liveness::FrameSource;
use shimin_core::qr::{self, Effort, PixelFormat};
use shimin_wire::wallet::{ScanFrameView, ScannedView};

use super::camera::{PulledFrames, native_camera, preview};
use super::{AppError, WalletState};

/// The scanner's preview is scaled to this width.
const SCAN_PREVIEW_WIDTH: u32 = 480;

/// The scanning camera, while the verify screen scans.
#[derive(Default)]
pub(super) struct ScanState {
    camera: Mutex<Option<PulledFrames>>,
}

impl std::fmt::Debug for ScanState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScanState").field("open", &self.camera().is_some()).finish()
    }
}

impl ScanState {
    fn camera(&self) -> MutexGuard<'_, Option<PulledFrames>> {
        // A camera handle holds no invariant a panic could break.
        self.camera.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Scans with `frames` from now on (a camera already open is released).
    pub(super) fn open(&self, frames: Option<PulledFrames>) -> bool {
        let opened = frames.is_some();
        *self.camera() = frames;
        opened
    }
}

impl WalletState {
    /// Opens the computer's camera for scanning; `false` when the app cannot read one itself
    /// (the screen then uses the webview's camera).
    pub async fn scan_camera_open(&self) -> bool {
        // A camera still open from an earlier scan is released first: it is the same device.
        self.scan.open(None);
        self.scan.open(native_camera().await)
    }

    /// The next frame of the scanning camera and the verdict on the code in it; no verdict
    /// while no code is in view (without a trust list, the unchecked verdict at once: there is
    /// nothing to wait for).
    ///
    /// # Errors
    /// [`AppError::BadFrame`] when no camera is open or it stopped (it is then released).
    pub fn scan_camera_frame(&self) -> Result<ScanFrameView, AppError> {
        let frame = {
            let mut camera = self.scan.camera();
            let next = camera.as_mut().ok_or(AppError::BadFrame)?.next_frame();
            match next {
                Ok(Some(frame)) => frame,
                Ok(None) | Err(_) => {
                    *camera = None;
                    return Err(AppError::BadFrame);
                }
            }
        };
        let pixels = qr::Frame {
            width: frame.width(),
            height: frame.height(),
            format: PixelFormat::Rgb8,
            data: frame.rgb(),
        };
        // A live feed: the quick attempts only, the next frame is the better retry.
        let scanned = match qr::decode_frame(&pixels, Effort::Quick) {
            Ok(text) => Some(self.scanned(&text)?),
            Err(_) => self.no_code()?,
        };
        let preview = preview(&frame, SCAN_PREVIEW_WIDTH).ok_or(AppError::BadFrame)?;
        Ok(ScanFrameView { preview, scanned })
    }

    /// What the code in one frame of the webview's camera (a JPEG) is while it scans; `None`
    /// while no code is in view.
    ///
    /// # Errors
    /// [`AppError::Locked`] for a request while the wallet is locked; a storage failure.
    pub fn scan_image(&self, jpeg: &[u8]) -> Result<Option<ScannedView>, AppError> {
        match qr::decode_image(jpeg) {
            Ok(text) => self.scanned(&text).map(Some),
            Err(_) => self.no_code(),
        }
    }

    /// A frame with no code in it: nothing yet (keep scanning), or without a trust list the
    /// "nothing could be checked" verdict at once, since there is nothing to wait for.
    fn no_code(&self) -> Result<Option<ScannedView>, AppError> {
        let lists = self.lists()?;
        Ok(lists
            .scan_verdict_view(self.now(), &mut self.seen(), |verifier, now| verifier.verify_image(&[], now))
            .map(ScannedView::Verdict))
    }

    /// Scans with `frames` (a benchmark's or a test's source) instead of a camera of this
    /// computer.
    pub fn scan_with(&self, frames: Box<dyn FrameSource + Send>) {
        self.scan.open(Some(frames));
    }

    /// Releases the scanning camera.
    pub fn scan_camera_close(&self) {
        self.scan.open(None);
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::expect_used, clippy::panic)]

    use base64::Engine;
    use base64::engine::general_purpose::STANDARD;
    use shimin_core::liveness::{Frame, FrameSourceError};
    use shimin_testkit::film::{ASTRONAUT, decode, frame};

    use super::*;

    /// A camera in a test: `frames` pictures, then unplugged.
    struct StillCamera {
        frames: usize,
    }

    impl FrameSource for StillCamera {
        fn next_frame(&mut self) -> Result<Option<Frame>, FrameSourceError> {
            if self.frames == 0 {
                return Err(FrameSourceError::Unavailable("unplugged".into()));
            }
            self.frames -= 1;
            Ok(Some(frame(&decode(ASTRONAUT), 0)))
        }
    }

    #[test]
    fn scanning_shows_each_frame_and_releases_a_camera_that_stops() {
        let dir = tempfile::tempdir().expect("dir");
        let state = WalletState::in_dir(dir.path().to_path_buf(), None);
        assert!(matches!(state.scan_camera_frame(), Err(AppError::BadFrame)), "no camera is open");

        assert!(state.scan.open(Some(Box::new(StillCamera { frames: 2 }))));
        for _ in 0..2 {
            let shown = state.scan_camera_frame().expect("a frame");
            let jpeg = STANDARD.decode(shown.preview.base64()).expect("base64");
            let picture =
                image::load_from_memory_with_format(&jpeg, image::ImageFormat::Jpeg).expect("a JPEG");
            assert_eq!(picture.width(), SCAN_PREVIEW_WIDTH, "the frame is shown, scaled for the screen");
            assert_eq!(
                shown.scanned,
                Some(state.verify_image(ASTRONAUT).expect("a verdict")),
                "the verdict is the one on the same picture as a file"
            );
        }
        assert!(matches!(state.scan_camera_frame(), Err(AppError::BadFrame)), "the camera stopped");
        assert!(state.scan.camera().is_none(), "a stopped camera is released");

        assert!(state.scan.open(Some(Box::new(StillCamera { frames: 5 }))));
        state.scan_camera_close();
        assert!(state.scan.camera().is_none(), "closing releases the camera");
    }
}
