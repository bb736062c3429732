#![doc = include_str!("../README.md")]

// On the host only the tests use the texts; the wasm build reports what no screen uses.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
mod i18n;
// The sync line's words, tested on the host like the texts.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
mod sync_text;

// 亮证's clock and QR sizing, tested on the host.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
mod clock;
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
mod qr_size;

#[cfg(target_arch = "wasm32")]
mod api;
#[cfg(target_arch = "wasm32")]
mod app;
#[cfg(target_arch = "wasm32")]
mod components;
#[cfg(target_arch = "wasm32")]
mod context;
#[cfg(target_arch = "wasm32")]
mod pages;
#[cfg(target_arch = "wasm32")]
mod route;

#[cfg(target_arch = "wasm32")]
fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
    // Two frames after mounting, the first screen has been painted: tell the app (its startup
    // benchmark measures to here).
    leptos::prelude::request_animation_frame(|| {
        leptos::prelude::request_animation_frame(|| {
            leptos::task::spawn_local(async {
                let _ = api::ui_painted().await;
            });
        });
    });
}

/// On the host the crate only exists so that `i18n` can be unit-tested.
#[cfg(not(target_arch = "wasm32"))]
fn main() {}
