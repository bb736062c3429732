//! Opening the wallet with its PIN. (A new wallet is created in the onboarding.)

use leptos::prelude::*;
use leptos::task::spawn_local;
use shimin_wire::wallet::Pin;

use crate::api;
use crate::components::pin::pin_input;
use crate::components::status::error_key;
use crate::components::verify_only::VerifyOnly;
use crate::context::{refresh_wallet_status, use_app};
use crate::i18n::{Key, t};

/// The unlock screen.
#[component]
pub fn Unlock() -> impl IntoView {
    let app = use_app();
    let lang = app.lang;
    let pin = RwSignal::new(String::new());
    let error = RwSignal::new(None::<Key>);
    let busy = RwSignal::new(false);

    let submit = move || {
        let Ok(p) = Pin::parse(&pin.get_untracked()) else {
            error.set(Some(Key::PinNotSixDigits));
            return;
        };
        error.set(None);
        busy.set(true);
        spawn_local(async move {
            let result = api::unlock_wallet(&p).await;
            busy.set(false);
            match result {
                Ok(()) => refresh_wallet_status(app.wallet),
                Err(e) => {
                    pin.set(String::new());
                    error.set(Some(error_key(&e)));
                }
            }
        });
    };

    let (title, intro, button) = (Key::UnlockTitle, Key::UnlockIntro, Key::UnlockButton);
    view! {
        <main id="unlock" class="screen">
            <header class="app-bar">
                <h1>{move || t(lang.get(), Key::AppName)}</h1>
                <p class="tagline">{move || t(lang.get(), Key::Tagline)}</p>
            </header>
            <section class="card" aria-labelledby="unlock-title">
                <h2 id="unlock-title">{move || t(lang.get(), title)}</h2>
                <p class="muted">{move || t(lang.get(), intro)}</p>
                <form on:submit=move |ev| { ev.prevent_default(); submit(); }>
                    <label for="pin">{move || t(lang.get(), Key::PinLabel)}</label>
                    {pin_input("pin", pin)}
                    <button id="unlock-submit" type="submit" disabled=move || busy.get()>
                        {move || t(lang.get(), if busy.get() { Key::Working } else { button })}
                    </button>
                </form>
                {move || error.get().map(|k| view! {
                    <p id="unlock-error" class="result bad" role="alert">{t(lang.get(), k)}</p>
                })}
            </section>
            <VerifyOnly id="unlock-verify-only"/>
        </main>
    }
}
