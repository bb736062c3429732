//! The way to the verifier from the screens before the wallet is open (the first start, the
//! unlock), which have no tab bar: checking someone else's code needs no wallet of one's own.

use leptos::prelude::*;

use crate::context::use_app;
use crate::i18n::{Key, t};
use crate::route::Route;

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
