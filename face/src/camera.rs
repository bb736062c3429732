//! Frames from a camera. The pixel formats cameras deliver (MJPEG, YUYV 4:2:2, NV12, grey, raw
//! RGB or BGR) become a [`Frame`] here, with every size checked first: a driver's buffer is input
//! like any other. With the `camera` feature, [`NativeCamera`] is a [`FrameSource`] over a desktop
//! camera (`nokhwa`: V4L2 on Linux, Media Foundation on Windows, AVFoundation on macOS); phones
//! feed the pipeline from the webview instead.
//!
//! [`FrameSource`]: shimin_core::liveness::FrameSource

use nokhwa_core::buffer::Buffer;
use nokhwa_core::pixel_format::RgbFormat;
use nokhwa_core::types::{FrameFormat, Resolution};
use shimin_core::liveness::{Frame, FrameRotation, FrameSourceError, MAX_FRAME_SIDE};
use shimin_core::picture::{self, Limits, PictureFormat};

/// The byte count a `format` frame of this size must have; `None` for MJPEG (compressed) and for
/// sizes a format cannot have (NV12 and YUYV need an even width).
fn expected_len(format: FrameFormat, width: usize, height: usize) -> Option<usize> {
    let pixels = width.checked_mul(height)?;
    match format {
        FrameFormat::MJPEG => None,
        FrameFormat::YUYV => width.is_multiple_of(2).then(|| pixels * 2),
        FrameFormat::NV12 => {
            (width.is_multiple_of(2) && height.is_multiple_of(2)).then(|| pixels + pixels / 2)
        }
        FrameFormat::GRAY => Some(pixels),
        FrameFormat::RAWRGB | FrameFormat::RAWBGR => Some(pixels * 3),
    }
}

/// A camera buffer as an RGB [`Frame`].
///
/// MJPEG is decoded by the core's one decoder ([`picture::decode`] within [`Limits::STANDARD`]; a
/// frame without its end marker is refused as cut short), the other formats with `nokhwa-core`'s
/// converters after their length is checked against the size.
///
/// # Errors
/// [`FrameSourceError::Decode`] (with `index`) when the bytes are not a frame of that format and
/// size; [`FrameSourceError::Frame`] when the size is out of range.
pub fn camera_frame(
    buffer: &Buffer,
    index: u64,
    timestamp_ms: u64,
    rotation: FrameRotation,
) -> Result<Frame, FrameSourceError> {
    let Resolution { width_x: width, height_y: height } = buffer.resolution();
    if width > MAX_FRAME_SIDE || height > MAX_FRAME_SIDE {
        return Err(shimin_core::liveness::FrameError::TooLarge { width, height }.into());
    }
    let bytes = buffer.buffer();
    let (width, height, rgb) = match buffer.source_frame_format() {
        FrameFormat::MJPEG => {
            // The core's decoder refuses a frame the camera cut short (it would decode as a
            // partly grey picture) as well as anything that is not a JPEG.
            let image = picture::decode_rgb8(bytes, PictureFormat::JPEG_ONLY, Limits::STANDARD)
                .map_err(|_| FrameSourceError::Decode { index })?;
            let (w, h) = image.dimensions();
            (w, h, image.into_raw())
        }
        format => {
            let expected = expected_len(format, width as usize, height as usize);
            if expected != Some(bytes.len()) {
                return Err(FrameSourceError::Decode { index });
            }
            let image = buffer.decode_image::<RgbFormat>().map_err(|_| FrameSourceError::Decode { index })?;
            (width, height, image.into_raw())
        }
    };
    Ok(Frame::new(width, height, rgb, timestamp_ms, rotation)?)
}

#[cfg(feature = "camera")]
pub use native::{NativeCamera, cameras};

#[cfg(feature = "camera")]
mod native {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
    use std::time::{Duration, Instant};

    use nokhwa::Camera;
    use nokhwa::utils::{ApiBackend, CameraFormat, CameraIndex, RequestedFormat, RequestedFormatType};
    use nokhwa_core::pixel_format::RgbFormat;
    use nokhwa_core::types::{FrameFormat, Resolution};
    use shimin_core::liveness::{Frame, FrameRotation, FrameSource, FrameSourceError};

    use super::camera_frame;

    /// How long [`NativeCamera::next_frame`] waits before it calls the camera stalled.
    const STALL: Duration = Duration::from_secs(5);

    /// The cameras of this computer, by name, in index order (empty when there are none or they
    /// cannot be listed).
    #[must_use]
    pub fn cameras() -> Vec<String> {
        nokhwa::query(ApiBackend::Auto)
            .map(|list| list.iter().map(|c| c.human_name()).collect())
            .unwrap_or_default()
    }

    /// The newest frame, handed from the capture thread to the reader.
    #[derive(Default)]
    struct Slot {
        frame: Option<Result<Frame, FrameSourceError>>,
        /// The capture thread has ended (after its last error, if any).
        ended: bool,
    }

    #[derive(Default)]
    struct Shared {
        slot: Mutex<Slot>,
        ready: Condvar,
        stop: AtomicBool,
    }

    impl Shared {
        fn slot(&self) -> MutexGuard<'_, Slot> {
            // A slot holds no invariant a panic could break.
            self.slot.lock().unwrap_or_else(PoisonError::into_inner)
        }

        fn put(&self, frame: Result<Frame, FrameSourceError>) {
            self.slot().frame = Some(frame);
            self.ready.notify_all();
        }
    }

    /// A desktop camera as a [`FrameSource`]: a thread reads the camera and keeps only its newest
    /// frame, so a slow reader (the face models) always gets a fresh one rather than a queue of
    /// old ones. The camera is released when this is dropped.
    pub struct NativeCamera {
        shared: Arc<Shared>,
        name: String,
    }

    impl std::fmt::Debug for NativeCamera {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.debug_struct("NativeCamera").field("name", &self.name).finish_non_exhaustive()
        }
    }

    fn unavailable(what: &str, e: impl std::fmt::Display) -> FrameSourceError {
        FrameSourceError::Unavailable(format!("{what}: {e}"))
    }

    fn open_camera(index: u32) -> Result<Camera, FrameSourceError> {
        let index = CameraIndex::Index(index);
        // 640×480 is what the pipeline is tuned for; any format and size the camera offers will do
        // if it has not that one.
        let wanted = CameraFormat::new(Resolution::new(640, 480), FrameFormat::MJPEG, 30);
        let mut camera = Camera::new(
            index.clone(),
            RequestedFormat::new::<RgbFormat>(RequestedFormatType::Closest(wanted)),
        )
        .or_else(|_| {
            Camera::new(
                index,
                RequestedFormat::new::<RgbFormat>(RequestedFormatType::AbsoluteHighestFrameRate),
            )
        })
        .map_err(|e| unavailable("cannot open the camera", e))?;
        camera.open_stream().map_err(|e| unavailable("cannot start the camera", e))?;
        Ok(camera)
    }

    fn capture(mut camera: Camera, shared: &Shared, rotation: FrameRotation) {
        let started = Instant::now();
        let mut index = 0_u64;
        while !shared.stop.load(Ordering::Relaxed) {
            let frame = match camera.frame() {
                Ok(buffer) => {
                    let at = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
                    camera_frame(&buffer, index, at, rotation)
                }
                Err(e) => Err(unavailable("the camera stopped", e)),
            };
            index += 1;
            let failed = frame.is_err();
            shared.put(frame);
            if failed {
                break;
            }
        }
        // The stream is stopped when the camera is dropped here.
        drop(camera.stop_stream());
        shared.slot().ended = true;
        shared.ready.notify_all();
    }

    impl NativeCamera {
        /// Opens camera `index` (0 is the first of [`cameras`]) and starts reading it; `rotation`
        /// is how its frames must be turned to be upright.
        ///
        /// # Errors
        /// [`FrameSourceError::Unavailable`] when there is no such camera or it cannot be opened
        /// (taken by another program, no permission).
        pub fn open(index: u32, rotation: FrameRotation) -> Result<Self, FrameSourceError> {
            let name = nokhwa::query(ApiBackend::Auto)
                .map_err(|e| unavailable("cannot list the cameras", e))?
                .into_iter()
                .nth(index as usize)
                .map(|c| c.human_name())
                .ok_or_else(|| FrameSourceError::Unavailable("there is no camera".into()))?;
            let shared = Arc::new(Shared::default());
            let (opened, outcome) = std::sync::mpsc::sync_channel(1);
            let thread_shared = Arc::clone(&shared);
            std::thread::Builder::new()
                .name("shimin-camera".into())
                .spawn(move || match open_camera(index) {
                    Ok(camera) => {
                        if opened.send(Ok(())).is_ok() {
                            capture(camera, &thread_shared, rotation);
                        }
                    }
                    Err(e) => drop(opened.send(Err(e))),
                })
                .map_err(|e| unavailable("cannot start the camera thread", e))?;
            outcome.recv().map_err(|_| FrameSourceError::Unavailable("the camera thread ended".into()))??;
            Ok(Self { shared, name })
        }

        /// The camera's name, as the system gives it.
        #[must_use]
        pub fn name(&self) -> &str {
            &self.name
        }
    }

    impl FrameSource for NativeCamera {
        /// The newest frame not read yet, waiting for one if needed. A camera never ends on its
        /// own: `Ok(None)` does not occur; a stalled or lost camera is
        /// [`FrameSourceError::Unavailable`].
        fn next_frame(&mut self) -> Result<Option<Frame>, FrameSourceError> {
            let deadline = Instant::now() + STALL;
            let mut slot = self.shared.slot();
            loop {
                if let Some(frame) = slot.frame.take() {
                    return frame.map(Some);
                }
                if slot.ended {
                    return Err(FrameSourceError::Unavailable("the camera stopped".into()));
                }
                let left = deadline.saturating_duration_since(Instant::now());
                if left.is_zero() {
                    return Err(FrameSourceError::Unavailable("the camera sends no frames".into()));
                }
                slot = self
                    .shared
                    .ready
                    .wait_timeout(slot, left)
                    .map(|(guard, _)| guard)
                    .unwrap_or_else(|e| e.into_inner().0);
            }
        }
    }

    impl Drop for NativeCamera {
        fn drop(&mut self) {
            // The thread sees this after the frame it is waiting for, then releases the camera.
            self.shared.stop.store(true, Ordering::Relaxed);
        }
    }
}
