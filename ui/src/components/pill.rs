//! The one status pill: a short state in words, coloured by its [`Tone`]. Certificates' badges,
//! requests' states, "this device" and "current version" all use it.

use leptos::prelude::*;

pub use crate::tone::Tone;

/// A pill with `text`.
#[component]
pub fn Pill(tone: Tone, #[prop(into)] text: Signal<String>) -> impl IntoView {
    view! { <span class=tone.class()>{move || text.get()}</span> }
}
