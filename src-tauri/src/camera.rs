//! The camera in the webview. The UI reads frames with `getUserMedia` (the liveness check, the
//! verifier's scanner). Android's, iOS's, macOS's and Windows' webviews offer it and ask the
//! user; WebKitGTK on Linux keeps it off and refuses every permission request no one answers,
//! so there the main window turns it on and allows requests for a camera — a camera only:
//! microphones, screen capture, location and the rest stay refused.

/// Lets the main window use a camera on Linux; elsewhere the platform's webview handles it.
pub fn allow_camera<R: tauri::Runtime>(window: &tauri::WebviewWindow<R>) {
    #[cfg(target_os = "linux")]
    {
        use webkit2gtk::glib::prelude::Cast;
        use webkit2gtk::{
            PermissionRequestExt, SettingsExt, UserMediaPermissionRequest, UserMediaPermissionRequestExt,
            WebViewExt,
        };
        let result = window.with_webview(|webview| {
            let view = webview.inner();
            if let Some(settings) = WebViewExt::settings(&view) {
                settings.set_enable_media_stream(true);
            }
            view.connect_permission_request(|_, request| {
                match request.downcast_ref::<UserMediaPermissionRequest>() {
                    Some(media) if media.is_for_video_device() && !media.is_for_audio_device() => {
                        request.allow();
                        true
                    }
                    // Not ours to grant: WebKit's default (refuse).
                    _ => false,
                }
            });
        });
        if let Err(e) = result {
            eprintln!("shimin: the camera cannot be enabled in this window: {e}");
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = window;
}
