//! The six-digit PIN field every PIN form uses (unlock, onboarding, PIN change).

use leptos::prelude::*;

/// A masked numeric PIN input bound to `value`.
pub fn pin_input(id: &'static str, value: RwSignal<String>) -> impl IntoView {
    view! {
        <input
            id=id
            class="pin mono"
            type="password"
            inputmode="numeric"
            pattern="[0-9]*"
            maxlength="6"
            autocomplete="off"
            prop:value=move || value.get()
            on:input=move |ev| value.set(event_target_value(&ev))
        />
    }
}
