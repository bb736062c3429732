#![doc = include_str!("../README.md")]

// On the host only the tests use the texts; the wasm build reports what no screen uses.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
mod i18n;
// An identity request's words and dates, tested on the host like the texts.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
mod consent_text;
// The sync line's words, tested on the host like the texts.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
mod sync_text;
// The service hall's words (limits, fees, reuse classes, the catalogue line), tested on the host.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
mod hall_text;
// Applying online: problems, findings, states (issue 17), tested on the host.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
mod apply_text;

// The status pill's tones, used by host-tested text modules.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
mod tone;
// What the face check says aloud; the host build prints the list the recordings are made from.
#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
mod voice;
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

/// On the host the crate exists so that `i18n` can be unit-tested, and to print the spoken
/// prompts to record (`voice-prompts`: one `tag\tstem\ttext` line each, for
/// `scripts/voice-prompts.sh`).
#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    match std::env::args().nth(1).as_deref() {
        Some("voice-prompts") => {
            print!("{}", voice::manifest());
            std::process::ExitCode::SUCCESS
        }
        _ => {
            eprintln!("usage: shimin-ui voice-prompts");
            std::process::ExitCode::from(2)
        }
    }
}
