//! Says the face check's prompts aloud (长辈版, ADR 0004): one `<audio id="voice">` element,
//! kept on the page so that the last prompt ("核验通过") is not cut off when the check's screen
//! goes, playing the recordings listed in [`crate::voice`]. Its `data-prompt` names what it was
//! last asked to say.
//!
//! A `play()` the platform refuses (no sound device, or an autoplay rule) is ignored: the words
//! are on the screen as well.

use std::cell::RefCell;

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsCast;
use web_sys::HtmlAudioElement;

use crate::context::use_app;
use crate::i18n::{Key, Language};
use crate::voice;

/// The same instruction is said again after this long, while it is still the one to follow, ms.
const REPEAT_AFTER_MS: f64 = 6_000.0;

thread_local! {
    /// What was said last, and when (ms since the epoch).
    static LAST: RefCell<Option<(Key, f64)>> = const { RefCell::new(None) };
}

/// The page's one audio element, made on first use.
fn element() -> Option<HtmlAudioElement> {
    let document = document();
    if let Some(found) = document.get_element_by_id("voice") {
        return found.dyn_into().ok();
    }
    let audio: HtmlAudioElement = document.create_element("audio").ok()?.dyn_into().ok()?;
    audio.set_id("voice");
    let _ = audio.set_attribute("aria-hidden", "true");
    audio.set_preload("auto");
    document.body()?.append_child(&audio).ok()?;
    Some(audio)
}

/// Says `key` in `lang` now, when it has a recording.
fn say(lang: Language, key: Key) {
    let (Some(url), Some(audio)) = (voice::url_of(lang, key), element()) else { return };
    LAST.with(|last| *last.borrow_mut() = Some((key, js_sys::Date::now())));
    audio.set_src(&url);
    let _ = audio.set_attribute("data-prompt", voice::stem_of(key).unwrap_or_default());
    if let Ok(playing) = audio.play() {
        spawn_local(async move {
            // Refused or interrupted by the next prompt: the text is on the screen.
            let _ = wasm_bindgen_futures::JsFuture::from(playing).await;
        });
    }
}

/// Says each new prompt of `prompt` aloud while the calling component is mounted, when the user
/// wants spoken guidance; an instruction still to follow is said again every few seconds.
pub fn follow(prompt: Signal<Option<Key>>) {
    let app = use_app();
    let speak = move |repeat: bool| {
        if !app.speaks() {
            return;
        }
        let Some(key) = prompt.get_untracked() else { return };
        let now = js_sys::Date::now();
        let due = LAST.with(|last| match *last.borrow() {
            Some((said, at)) if said == key => {
                repeat && voice::is_instruction(key) && now - at >= REPEAT_AFTER_MS
            }
            _ => true,
        });
        if due {
            say(app.lang.get_untracked(), key);
        }
    };
    Effect::new(move |_| {
        prompt.track();
        speak(false);
    });
    if let Ok(handle) = set_interval_with_handle(move || speak(true), std::time::Duration::from_secs(1)) {
        on_cleanup(move || handle.clear());
    }
    // A new check starts from silence: its first prompt is said even if the last check ended on it.
    on_cleanup(|| LAST.with(|last| *last.borrow_mut() = None));
}
