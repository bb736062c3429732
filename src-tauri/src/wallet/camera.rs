//! The cameras the app reads itself, shared by the scanner and the liveness check: opening the
//! computer's first camera (desktop, `nokhwa`; phones have none the app reads, their webview sends
//! the frames), and the small JPEG preview of a frame the screen shows.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use shimin_core::liveness::{Frame, FrameSource};
use shimin_wire::ipc::JpegPreview;

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

/// `frame` upright and `width` pixels wide (never wider than it is).
fn scaled(frame: &Frame, width: u32) -> Option<image::RgbImage> {
    let image = shimin_face::upright_image(frame).ok()?;
    if image.width() <= width {
        return Some(image);
    }
    let height = (u64::from(image.height()) * u64::from(width) / u64::from(image.width().max(1))) as u32;
    Some(image::imageops::resize(&image, width, height.max(1), image::imageops::FilterType::Triangle))
}

fn jpeg(image: &image::RgbImage, quality: u8) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality).encode_image(image).ok()?;
    Some(out)
}

/// A small JPEG of `frame`, upright and `width` pixels wide, for the screen to show.
pub(super) fn preview(frame: &Frame, width: u32) -> Option<JpegPreview> {
    let out = jpeg(&scaled(frame, width)?, 70)?;
    Some(JpegPreview::from_base64(STANDARD.encode(out)))
}

/// Width of the frames a server-paced liveness check streams: the backend's face models work
/// on far less, and a 640-pixel JPEG at [`STREAMED_QUALITY`] is 30–80 KB.
pub(super) const STREAMED_WIDTH: u32 = 640;
/// JPEG quality of the streamed frames.
const STREAMED_QUALITY: u8 = 85;

/// `frame` as the JPEG a server-paced check streams: upright, at most [`STREAMED_WIDTH`] wide,
/// within the batch format's per-frame limit (`None` when it cannot be encoded within it).
pub(super) fn streamed_jpeg(frame: &Frame) -> Option<Vec<u8>> {
    let out = jpeg(&scaled(frame, STREAMED_WIDTH)?, STREAMED_QUALITY)?;
    (out.len() <= shimin_core::liveness::MAX_STREAMED_FRAME_BYTES).then_some(out)
}
