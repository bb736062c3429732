//! The ways from the screens before the wallet is open (the first start, the unlock), which have
//! no tab bar, to what needs no wallet of one's own: checking someone else's code, and the
//! service hall's public, offline catalogue.

use leptos::prelude::*;

use crate::context::use_app;
use crate::i18n::{Key, t};
use crate::route::{HallHome, Route};

/// A secondary button that opens the verifier.
#[component]
pub fn VerifyOnly(id: &'static str) -> impl IntoView {
    let app = use_app();
    view! {
        <button id=id type="button" class="secondary verify-only" on:click=move |_| app.route.set(Route::Verify)>
            {move || t(app.lang.get(), Key::VerifyOthersOnly)}
        </button>
    }
}

/// A secondary button that opens the service hall (办事): its guides are public and offline.
#[component]
pub fn HallOnly(id: &'static str) -> impl IntoView {
    let app = use_app();
    view! {
        <button id=id type="button" class="secondary verify-only"
            on:click=move |_| app.route.set(Route::Hall(HallHome::default()))>
            {move || t(app.lang.get(), Key::HallWithoutWallet)}
        </button>
    }
}
