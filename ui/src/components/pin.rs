//! The PIN field every PIN form uses (unlock, onboarding, PIN change).

use leptos::prelude::*;
use shimin_wire::wallet::PIN_DIGITS;

/// A masked numeric PIN input bound to `value`, as long as a PIN.
pub fn pin_input(id: &'static str, value: RwSignal<String>) -> impl IntoView {
    view! {
        <input
            id=id
            class="pin mono"
            type="password"
            inputmode="numeric"
            pattern="[0-9]*"
            maxlength=PIN_DIGITS.to_string()
            autocomplete="off"
            prop:value=move || value.get()
            on:input=move |ev| value.set(event_target_value(&ev))
        />
    }
}
