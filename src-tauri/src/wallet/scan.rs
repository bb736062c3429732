//! Scanning presentation codes with the computer's own camera (desktop, `nokhwa`): the screen
//! asks for one frame at a time and gets the picture to show and the verdict on it. Phones, and
//! desktops whose camera the app cannot open, scan in the webview instead (`getUserMedia`, then
//! `verify_image`). Frames are not kept: each is shown, read and dropped.

use std::sync::{Mutex, MutexGuard, PoisonError};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use shimin_core::liveness::FrameSource;
use shimin_wire::wallet::ScanFrameView;

use super::{AppError, WalletState};

/// Frames are sent to the screen and read as JPEG at this quality (QR modules stay sharp).
const SCAN_JPEG_QUALITY: u8 = 85;

/// A source of camera frames the app reads itself.
pub(super) type PulledFrames = Box<dyn FrameSource + Send>;

/// Opens the first camera of this computer, if it has one the app can open.
#[cfg(not(any(target_os = "android", target_os = "ios")))]
pub(super) async fn native_camera() -> Option<PulledFrames> {
    let opened = tokio::task::spawn_blocking(|| {
        if shimin_face::cameras().is_empty() {
            return None;
        }
        shimin_face::NativeCamera::open(0, shimin_core::liveness::FrameRotation::None)
            .map_err(|e| eprintln!("shimin: the camera of this computer: {e}; using the webview's"))
            .ok()
    })
    .await
    .ok()
    .flatten()?;
    Some(Box::new(opened))
}

/// Phones have no camera the app reads itself: the webview sends the frames.
#[cfg(any(target_os = "android", target_os = "ios"))]
pub(super) async fn native_camera() -> Option<PulledFrames> {
    None
}

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
        self.scan.open(None);
        self.scan.open(native_camera().await)
    }

    /// The next frame of the scanning camera and the verdict on it.
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
        let jpeg = shimin_face::encode_jpeg(&frame, SCAN_JPEG_QUALITY).map_err(|_| AppError::BadFrame)?;
        let verdict = self.verify_image(&jpeg)?;
        Ok(ScanFrameView { preview_jpeg_b64: STANDARD.encode(&jpeg), verdict })
    }

    /// Releases the scanning camera.
    pub fn scan_camera_close(&self) {
        self.scan.open(None);
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::expect_used, clippy::panic)]

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
        let dir = std::env::temp_dir().join(format!("shimin-scan-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let state = WalletState::in_dir(dir.clone(), None);
        assert!(matches!(state.scan_camera_frame(), Err(AppError::BadFrame)), "no camera is open");

        assert!(state.scan.open(Some(Box::new(StillCamera { frames: 2 }))));
        for _ in 0..2 {
            let shown = state.scan_camera_frame().expect("a frame");
            let jpeg = STANDARD.decode(shown.preview_jpeg_b64).expect("base64");
            let picture =
                image::load_from_memory_with_format(&jpeg, image::ImageFormat::Jpeg).expect("a JPEG");
            assert_eq!(picture.width(), decode(ASTRONAUT).width(), "the frame is shown at its size");
            assert_eq!(
                shown.verdict,
                state.verify_image(&jpeg).expect("a verdict"),
                "the verdict is the frame's"
            );
        }
        assert!(matches!(state.scan_camera_frame(), Err(AppError::BadFrame)), "the camera stopped");
        assert!(state.scan.camera().is_none(), "a stopped camera is released");

        assert!(state.scan.open(Some(Box::new(StillCamera { frames: 5 }))));
        state.scan_camera_close();
        assert!(state.scan.camera().is_none(), "closing releases the camera");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
