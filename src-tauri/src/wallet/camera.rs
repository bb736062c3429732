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

/// A small JPEG of `frame`, upright and `width` pixels wide, for the screen to show.
pub(super) fn preview(frame: &Frame, width: u32) -> Option<JpegPreview> {
    let image = shimin_face::upright_image(frame).ok()?;
    let height = (u64::from(image.height()) * u64::from(width) / u64::from(image.width().max(1))) as u32;
    let small = image::imageops::resize(&image, width, height.max(1), image::imageops::FilterType::Triangle);
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 70).encode_image(&small).ok()?;
    Some(JpegPreview::from_base64(STANDARD.encode(out)))
}
