//! Settings: 长辈版, spoken guidance and language first, then auto-lock and the wipe (kept between
//! runs; in elder mode these and everything below fold under 更多设置), locking the wallet, my
//! devices (removing another one after the PIN again), changing the PIN, removing this device,
//! and 关于 ›, the way to the About page (versions, licences, the ID-number check).

use leptos::prelude::*;
use leptos::task::spawn_local;
use shimin_wire::wallet::AutoLock;
use web_sys::HtmlSelectElement;

use crate::api;
use crate::components::app_bar::AppBar;
use crate::components::pill::{Pill, Tone};
use crate::components::pin::pin_input;
use crate::components::status::error_key;
use crate::context::{refresh_wallet_status, save_preferences, use_app};
use crate::i18n::{Key, Language, native_name, t, tf};
use crate::route::Route;

fn auto_lock_text(lang: Language, choice: AutoLock) -> String {
    match choice.minutes() {
        None => t(lang, Key::AutoLockNever).to_owned(),
        Some(m) => tf(lang, Key::AutoLockMinutes, &[&m.to_string()]),
    }
}

/// Which of `choices` a `<select>` listing them in order has selected.
fn chosen<T: Copy>(ev: &leptos::ev::Event, choices: &[T]) -> Option<T> {
    let index = event_target::<HtmlSelectElement>(ev).selected_index();
    usize::try_from(index).ok().and_then(|i| choices.get(i)).copied()
}

/// Changing the PIN: the current one, the new one twice.
#[component]
fn ChangePin() -> impl IntoView {
    let lang = use_app().lang;
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let confirm = RwSignal::new(String::new());
    let outcome = RwSignal::new(None::<(bool, Key)>);
    let submit = move || {
        let (c, n, n2) = (current.get_untracked(), new.get_untracked(), confirm.get_untracked());
        if n != n2 {
            outcome.set(Some((false, Key::PinsDiffer)));
            return;
        }
        spawn_local(async move {
            let result = api::change_pin(c, n).await;
            current.set(String::new());
            new.set(String::new());
            confirm.set(String::new());
            outcome.set(Some(match result {
                Ok(()) => (true, Key::PinChanged),
                Err(e) => (false, error_key(&e)),
            }));
        });
    };
    let field = move |id: &'static str, label: Key, value: RwSignal<String>| {
        view! {
            <label for=id>{move || t(lang.get(), label)}</label>
            {pin_input(id, value)}
        }
    };
    view! {
        <section class="card" aria-labelledby="change-pin-title">
            <h2 id="change-pin-title">{move || t(lang.get(), Key::ChangePinTitle)}</h2>
            <form on:submit=move |ev| { ev.prevent_default(); submit(); }>
                {field("pin-current", Key::PinCurrentLabel, current)}
                {field("pin-new", Key::PinNewLabel, new)}
                {field("pin-new-confirm", Key::PinConfirmLabel, confirm)}
                <button id="change-pin-submit" type="submit">{move || t(lang.get(), Key::ChangePinButton)}</button>
            </form>
            {move || outcome.get().map(|(ok, key)| view! {
                <p id="change-pin-result" class=if ok { "result ok" } else { "result bad" } role="status">{t(lang.get(), key)}</p>
            })}
        </section>
    }
}

/// Removing this device: a second press confirms; the backend is told, then the wallet erased.
#[component]
fn RemoveDevice() -> impl IntoView {
    let app = use_app();
    let lang = app.lang;
    let armed = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<Key>);
    let remove = move |_| {
        if !armed.get_untracked() {
            armed.set(true);
            return;
        }
        busy.set(true);
        spawn_local(async move {
            let result = api::remove_device().await;
            busy.set(false);
            match result {
                Ok(()) => {
                    app.route.set(Route::Wallet);
                    refresh_wallet_status(app.wallet);
                }
                Err(e) => {
                    armed.set(false);
                    error.set(Some(error_key(&e)));
                }
            }
        });
    };
    view! {
        <section class="card danger" aria-labelledby="remove-title">
            <h2 id="remove-title">{move || t(lang.get(), Key::RemoveDeviceTitle)}</h2>
            <p class="muted">{move || t(lang.get(), Key::RemoveDeviceIntro)}</p>
            <button id="remove-device" type="button" class="danger-button" disabled=move || busy.get() on:click=remove>
                {move || t(lang.get(), if armed.get() { Key::RemoveDeviceConfirm } else { Key::RemoveDeviceButton })}
            </button>
            {move || error.get().map(|k| view! { <p id="remove-error" class="result bad" role="alert">{t(lang.get(), k)}</p> })}
        </section>
    }
}

/// "My devices": the citizen's devices, this one marked; another one is removed only after the
/// PIN is entered again (the step-up).
#[component]
fn MyDevices() -> impl IntoView {
    let lang = use_app().lang;
    let shown = RwSignal::new(false);
    let reload = RwSignal::new(0_u64);
    let devices = LocalResource::new(move || {
        let show = shown.get();
        reload.track();
        async move { if show { Some(api::my_devices().await) } else { None } }
    });
    // The device whose removal waits for the PIN, and the PIN typed.
    let removing = RwSignal::new(None::<i64>);
    let pin = RwSignal::new(String::new());
    let outcome = RwSignal::new(None::<(bool, Key)>);
    let confirm = move || {
        let Some(id) = removing.get_untracked() else { return };
        let typed = pin.get_untracked();
        spawn_local(async move {
            let result = api::remove_other_device(id, typed).await;
            pin.set(String::new());
            match result {
                Ok(()) => {
                    removing.set(None);
                    outcome.set(Some((true, Key::DeviceRemoved)));
                    reload.update(|n| *n += 1);
                }
                Err(e) => outcome.set(Some((false, error_key(&e)))),
            }
        });
    };
    let row = move |d: shimin_wire::sync::MyDeviceView| {
        let id = d.device_id;
        let l = lang.get();
        view! {
            <li class="device" data-device=id.to_string() data-this=d.this_device.to_string()>
                <div class="device-top">
                    <strong class="device-label">{d.label.clone()}</strong>
                    {d.this_device.then(|| view! { <Pill tone=Tone::Ok text=t(l, Key::ThisDevice).to_owned()/> })}
                    {(!d.this_device).then(|| view! {
                        <button type="button" class="danger-button small remove-other"
                            on:click=move |_| { outcome.set(None); removing.set(Some(id)); }>
                            {t(l, Key::RemoveOtherButton)}
                        </button>
                    })}
                </div>
                <span class="muted small">{tf(l, Key::RegisteredOn, &[&d.registered_on])}</span>
                {move || (removing.get() == Some(id)).then(|| view! {
                    <form class="step-up" on:submit=move |ev| { ev.prevent_default(); confirm(); }>
                        <label for="remove-other-pin">{t(lang.get(), Key::RemoveOtherPin)}</label>
                        {pin_input("remove-other-pin", pin)}
                        <button id="remove-other-confirm" type="submit" class="danger-button">
                            {t(lang.get(), Key::RemoveOtherConfirm)}
                        </button>
                    </form>
                })}
            </li>
        }
    };
    let list = move || {
        devices.get().flatten().map(|result| match result {
            Ok(list) => {
                view! { <ul id="my-devices" class="devices">{list.into_iter().map(row).collect_view()}</ul> }
                    .into_any()
            }
            Err(e) => {
                view! { <p class="result bad" role="alert">{t(lang.get(), error_key(&e))}</p> }.into_any()
            }
        })
    };
    view! {
        <section id="my-devices-card" class="card" aria-labelledby="my-devices-title">
            <h2 id="my-devices-title">{move || t(lang.get(), Key::MyDevicesTitle)}</h2>
            <p class="muted">{move || t(lang.get(), Key::MyDevicesIntro)}</p>
            {move || (!shown.get()).then(|| view! {
                <button id="my-devices-show" type="button" class="secondary" on:click=move |_| shown.set(true)>
                    {t(lang.get(), Key::MyDevicesLoad)}
                </button>
            })}
            {list}
            {move || outcome.get().map(|(ok, key)| view! {
                <p id="my-devices-result" class=if ok { "result ok" } else { "result bad" } role="status">{t(lang.get(), key)}</p>
            })}
        </section>
    }
}

/// The settings screen.
#[component]
pub fn Settings() -> impl IntoView {
    let app = use_app();
    let lang = app.lang;
    let unlocked = move || app.wallet.get().is_some_and(|w| w.unlocked);
    let lock = move |_| {
        spawn_local(async move {
            let _ = api::lock_wallet().await;
            refresh_wallet_status(app.wallet);
        });
    };
    // 长辈版: its switch first; the rest of the preferences and the secondary cards fold under
    // 更多设置 in elder mode (fewer items per screen, ADR 0004).
    let elder = app.elder;
    let secondary = move || {
        view! {
            <section class="card" aria-labelledby="security-title">
                <h2 id="security-title">{move || t(lang.get(), Key::SecurityTitle)}</h2>
                <div class="row">
                    <label for="auto-lock">{move || t(lang.get(), Key::AutoLock)}</label>
                    <select
                        id="auto-lock"
                        on:change=move |ev| {
                            if let Some(choice) = chosen(&ev, &AutoLock::ALL) {
                                app.auto_lock.set(choice);
                                save_preferences(app);
                            }
                        }
                    >
                        {AutoLock::ALL
                            .into_iter()
                            .map(|choice| view! {
                                <option value=u32::from(choice).to_string() selected=move || app.auto_lock.get() == choice>
                                    {move || auto_lock_text(lang.get(), choice)}
                                </option>
                            })
                            .collect_view()}
                    </select>
                </div>
                <label class="choice" for="wipe-after">
                    <input
                        id="wipe-after"
                        type="checkbox"
                        prop:checked=move || app.wipe_after_wrong_pins.get()
                        on:change=move |ev| {
                            app.wipe_after_wrong_pins.set(event_target_checked(&ev));
                            save_preferences(app);
                        }
                    />
                    <span>{move || t(lang.get(), Key::WipeAfterWrongPins)}</span>
                </label>
            </section>
            {move || unlocked().then(|| view! { <MyDevices/> <ChangePin/> <RemoveDevice/> })}
        }
    };
    view! {
        <main id="settings" class="screen">
            <AppBar title=Signal::derive(move || t(lang.get(), Key::SettingsTitle).to_owned())/>
            <section class="card">
                <label class="choice" for="elder-mode">
                    <input
                        id="elder-mode"
                        type="checkbox"
                        role="switch"
                        prop:checked=move || elder.get()
                        on:change=move |ev| {
                            elder.set(event_target_checked(&ev));
                            save_preferences(app);
                        }
                    />
                    <span class="switch-text">
                        <span>{move || t(lang.get(), Key::ElderMode)}</span>
                        <span class="muted">{move || t(lang.get(), Key::ElderModeHint)}</span>
                    </span>
                </label>
                <label class="choice" for="voice-guidance">
                    <input
                        id="voice-guidance"
                        type="checkbox"
                        role="switch"
                        prop:checked=move || app.voice.get().unwrap_or(elder.get())
                        on:change=move |ev| {
                            app.voice.set(Some(event_target_checked(&ev)));
                            save_preferences(app);
                        }
                    />
                    <span class="switch-text">
                        <span>{move || t(lang.get(), Key::VoiceGuidance)}</span>
                        <span class="muted">{move || t(lang.get(), Key::VoiceGuidanceHint)}</span>
                    </span>
                </label>
                <div class="row">
                    <label for="lang-select">{move || t(lang.get(), Key::Language)}</label>
                    <select
                        id="lang-select"
                        on:change=move |ev| {
                            if let Some(l) = chosen(&ev, &Language::ALL) {
                                lang.set(l);
                                save_preferences(app);
                            }
                        }
                    >
                        {Language::ALL
                            .into_iter()
                            .map(|l| view! { <option value=l.tag() selected=move || lang.get() == l>{native_name(l)}</option> })
                            .collect_view()}
                    </select>
                </div>
                {move || unlocked().then(|| view! {
                    <button id="lock-wallet" type="button" class="secondary" on:click=lock>{move || t(lang.get(), Key::LockButton)}</button>
                })}
            </section>
            {move || if elder.get() {
                view! {
                    <details id="more-settings" class="card more">
                        <summary>{move || t(lang.get(), Key::MoreSettings)}</summary>
                        {secondary()}
                    </details>
                }
                .into_any()
            } else {
                secondary().into_any()
            }}
            <section class="card">
                <button id="open-about" type="button" class="row-link" on:click=move |_| app.route.set(Route::About)>
                    <span class="row-link-text">
                        <span>{move || t(lang.get(), Key::AboutOpen)}</span>
                        <span class="muted">{move || t(lang.get(), Key::AboutIntro)}</span>
                    </span>
                    <span aria-hidden="true">"›"</span>
                </button>
            </section>
        </main>
    }
}
