//! The webview's camera (`getUserMedia`): open it into a `<video>`, grab its picture as a JPEG
//! through a `<canvas>`, stop it. Used by the liveness check and the verifier's scanner, which
//! both send the JPEG's bytes to the app as they are.

use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{
    CanvasRenderingContext2d, HtmlCanvasElement, HtmlVideoElement, MediaStream, MediaStreamConstraints,
};

/// Waits `ms` milliseconds.
pub async fn sleep_ms(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        let _ = window().set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// Opens a camera into `video`: the front one for the face check (`front`), the back one for
/// scanning a code (a preference: a desktop's only camera is used either way).
pub async fn open_camera(video: &HtmlVideoElement, front: bool) -> Option<MediaStream> {
    let devices = window().navigator().media_devices().ok()?;
    let constraints = MediaStreamConstraints::new();
    constraints.set_audio(&JsValue::FALSE);
    let video_constraints = js_sys::Object::new();
    let facing = if front { "user" } else { "environment" };
    js_sys::Reflect::set(&video_constraints, &"facingMode".into(), &facing.into()).ok()?;
    constraints.set_video(&video_constraints);
    let promise = devices.get_user_media_with_constraints(&constraints).ok()?;
    let stream: MediaStream = wasm_bindgen_futures::JsFuture::from(promise).await.ok()?.dyn_into().ok()?;
    // Inline on phones (not full screen), and silent.
    let _ = video.set_attribute("playsinline", "");
    video.set_muted(true);
    video.set_src_object(Some(&stream));
    let _ = video.play();
    Some(stream)
}

/// Stops every track of `stream`, so that the camera turns off.
pub fn stop_camera(stream: &MediaStream) {
    for track in stream.get_tracks().iter() {
        if let Ok(track) = track.dyn_into::<web_sys::MediaStreamTrack>() {
            track.stop();
        }
    }
}

/// The video's current picture as a JPEG file, at most `max_width` wide.
pub fn grab(video: &HtmlVideoElement, canvas: &HtmlCanvasElement, max_width: u32) -> Option<Vec<u8>> {
    let (w, h) = (video.video_width(), video.video_height());
    if w == 0 || h == 0 {
        return None;
    }
    let scale = f64::from(max_width.min(w)) / f64::from(w);
    let (cw, ch) = ((f64::from(w) * scale) as u32, (f64::from(h) * scale) as u32);
    canvas.set_width(cw);
    canvas.set_height(ch);
    let ctx: CanvasRenderingContext2d = canvas.get_context("2d").ok()??.dyn_into().ok()?;
    ctx.draw_image_with_html_video_element_and_dw_and_dh(video, 0.0, 0.0, f64::from(cw), f64::from(ch))
        .ok()?;
    let url = canvas.to_data_url_with_type("image/jpeg").ok()?;
    let (_, base64) = url.split_once(',')?;
    // `atob` gives a "binary string": one char per byte.
    let binary = window().atob(base64).ok()?;
    binary.chars().map(|c| u8::try_from(u32::from(c)).ok()).collect()
}
