//! Opening the wallet with its PIN. (A new wallet is created in the onboarding.) A wrong PIN
//! says how many tries are left; 忘记密码 explains what happens and, after a second press,
//! erases the wallet so the holder can enrol again.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shimin_wire::ipc::CommandError;
use shimin_wire::wallet::Pin;

use crate::api::{self, ApiError};
use crate::components::pin::pin_input;
use crate::components::status::error_key;
use crate::components::verify_only::{HallOnly, VerifyOnly};
use crate::context::{refresh_wallet_status, use_app};
use crate::i18n::{Key, Language, t, tf};

/// What the unlock screen says after a try.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Problem {
    /// A sentence of its own.
    Said(Key),
    /// A wrong PIN, with the tries left before the wallet is erased.
    TriesLeft(u32),
}

impl Problem {
    fn of(error: &ApiError) -> Self {
        match error {
            ApiError::Command(CommandError::WrongPin { tries_left: Some(n) }) if *n > 0 => {
                Problem::TriesLeft(*n)
            }
            other => Problem::Said(error_key(other)),
        }
    }

    fn text(self, lang: Language) -> String {
        match self {
            Problem::Said(key) => t(lang, key).to_owned(),
            Problem::TriesLeft(n) => tf(lang, Key::WrongPinTriesLeft, &[&n.to_string()]),
        }
    }
}

/// 忘记密码: what happens, then a two-press erase through the wipe path.
#[component]
fn ForgotPin(open: RwSignal<bool>) -> impl IntoView {
    let app = use_app();
    let lang = app.lang;
    let armed = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<Key>);
    let erase = move |_| {
        if !armed.get_untracked() {
            armed.set(true);
            return;
        }
        busy.set(true);
        spawn_local(async move {
            let result = api::forget_wallet().await;
            busy.set(false);
            match result {
                Ok(()) => refresh_wallet_status(app.wallet),
                Err(e) => {
                    armed.set(false);
                    error.set(Some(error_key(&e)));
                }
            }
        });
    };
    view! {
        <section id="forgot-panel" class="card danger" aria-labelledby="forgot-title">
            <h2 id="forgot-title">{move || t(lang.get(), Key::ForgotPinTitle)}</h2>
            <p>{move || t(lang.get(), Key::ForgotPinExplain)}</p>
            <button id="forgot-confirm" type="button" class="danger-button" disabled=move || busy.get() on:click=erase>
                {move || t(lang.get(), if armed.get() { Key::ForgotPinEraseAgain } else { Key::ForgotPinErase })}
            </button>
            <button id="forgot-cancel" type="button" class="secondary" on:click=move |_| { armed.set(false); open.set(false); }>
                {move || t(lang.get(), Key::ForgotPinCancel)}
            </button>
            {move || error.get().map(|k| view! { <p id="forgot-error" class="result bad" role="alert">{t(lang.get(), k)}</p> })}
        </section>
    }
}

/// The unlock screen.
#[component]
pub fn Unlock() -> impl IntoView {
    let app = use_app();
    let lang = app.lang;
    let pin = RwSignal::new(String::new());
    let error = RwSignal::new(None::<Problem>);
    let busy = RwSignal::new(false);
    let forgot = RwSignal::new(false);

    let submit = move || {
        let Ok(p) = Pin::parse(&pin.get_untracked()) else {
            error.set(Some(Problem::Said(Key::PinNotSixDigits)));
            return;
        };
        error.set(None);
        busy.set(true);
        spawn_local(async move {
            let result = api::unlock_wallet(&p).await;
            busy.set(false);
            match result {
                Ok(()) => refresh_wallet_status(app.wallet),
                // The last wrong PIN erased the wallet: onboarding follows.
                Err(ApiError::Command(CommandError::WrongPin { tries_left: Some(0) })) => {
                    refresh_wallet_status(app.wallet)
                }
                Err(e) => {
                    pin.set(String::new());
                    error.set(Some(Problem::of(&e)));
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
                {move || error.get().map(|p| view! {
                    <p id="unlock-error" class="result bad" role="alert">{move || p.text(lang.get())}</p>
                })}
                <button id="forgot-pin" type="button" class="link-button" aria-expanded=move || forgot.get().to_string()
                    aria-controls="forgot-panel" on:click=move |_| forgot.update(|f| *f = !*f)>
                    {move || t(lang.get(), Key::ForgotPin)}
                </button>
            </section>
            {move || forgot.get().then(|| view! { <ForgotPin open=forgot/> })}
            <VerifyOnly id="unlock-verify-only"/>
            <HallOnly id="unlock-hall"/>
        </main>
    }
}
