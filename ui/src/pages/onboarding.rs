//! First start: choose the language and 长辈版 or the standard mode → who you are (ID number checked live, and how to prove
//! it: the face check, or a one-time enrolment code) → a PIN (the wallet, with the device key
//! the check is signed with, is created) → the face check → this device registered and the
//! first sync run. A failed registration keeps the wallet and what was typed, and offers to try
//! again, to use a code instead, or to register later. Also the "register this device" screen
//! for a wallet that was not registered.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shimin_wire::ipc::IdNumberCheckView;
use shimin_wire::liveness::LivenessPurposeView;
use shimin_wire::wallet::Pin;

use crate::api;
use crate::components::app_bar::AppBar;
use crate::components::liveness::LivenessCheck;
use crate::components::pin::pin_input;
use crate::components::status::error_key;
use crate::components::verify_only::VerifyOnly;
use crate::context::{refresh_wallet_status, save_preferences, use_app};
use crate::i18n::{Key, Language, native_name, t, tf};
use crate::pages::id_check::problem_text;
use crate::route::Route;

/// How the citizen proves who they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Method {
    /// The liveness check against the registry photo.
    Face,
    /// A one-time enrolment code from staff.
    Code,
}

/// The enrolment code field.
fn code_field(code: RwSignal<String>) -> impl IntoView {
    let lang = use_app().lang;
    view! {
        <label for="onboard-code">{move || t(lang.get(), Key::EnrolmentCodeLabel)}</label>
        <input
            id="onboard-code"
            class="mono"
            autocomplete="one-time-code"
            maxlength="64"
            prop:value=move || code.get()
            on:input=move |ev| code.set(event_target_value(&ev))
        />
    }
}

/// The ID number (checked in the core as it is typed), the way to prove it, and the
/// enrolment code when that is the way.
#[component]
fn IdentityFields(
    id_number: RwSignal<String>,
    code: RwSignal<String>,
    method: RwSignal<Method>,
) -> impl IntoView {
    let lang = use_app().lang;
    let check = RwSignal::new(None::<IdNumberCheckView>);
    let on_id = move |ev| {
        let value = event_target_value(&ev);
        id_number.set(value.clone());
        if value.trim().chars().count() < 18 {
            check.set(None);
            return;
        }
        spawn_local(async move {
            check.set(api::check_id_number(value).await.ok());
        });
    };
    let invalid = move || matches!(check.get(), Some(IdNumberCheckView::Invalid { .. }));
    let result = move || {
        let l = lang.get();
        check.get().map(|c| match c {
            IdNumberCheckView::Valid { masked, .. } => view! {
                <p id="onboard-id-result" class="result ok" role="status">
                    {t(l, Key::IdValid)} " · " <span class="mono">{masked}</span>
                </p>
            }
            .into_any(),
            IdNumberCheckView::Invalid { reason } => view! {
                <p id="onboard-id-result" class="result bad" role="alert">{problem_text(l, reason)}</p>
            }
            .into_any(),
        })
    };
    let choice = move |value: Method, id: &'static str, key: Key| {
        view! {
            <label class="choice" for=id>
                <input type="radio" id=id name="method"
                    prop:checked=move || method.get() == value
                    on:change=move |_| method.set(value)/>
                <span>{move || t(lang.get(), key)}</span>
            </label>
        }
    };
    view! {
        <label for="onboard-id">{move || t(lang.get(), Key::IdCheckLabel)}</label>
        <input
            id="onboard-id"
            class="mono"
            autocomplete="off"
            maxlength="18"
            placeholder=move || t(lang.get(), Key::IdCheckPlaceholder)
            prop:value=move || id_number.get()
            on:input=on_id
            aria-describedby="onboard-id-result"
            aria-invalid=move || invalid().then_some("true")
            class:invalid=invalid
        />
        {result}
        <fieldset class="presets" id="onboard-method">
            <legend>{move || t(lang.get(), Key::OnboardMethodLegend)}</legend>
            {choice(Method::Face, "method-face", Key::OnboardMethodFace)}
            {choice(Method::Code, "method-code", Key::OnboardMethodCode)}
        </fieldset>
        {move || (method.get() == Method::Code).then(|| code_field(code))}
    }
}

/// Whether the identity step may go on; the sentence to show otherwise. `code` is `None` when
/// the face check proves the identity.
async fn identity_problem(id_number: &str, code: Option<&str>) -> Option<String> {
    let lang = use_app().lang.get_untracked();
    match api::check_id_number(id_number.trim().to_owned()).await {
        Ok(IdNumberCheckView::Valid { .. }) => {}
        Ok(IdNumberCheckView::Invalid { reason }) => return Some(problem_text(lang, reason)),
        Err(e) => return Some(t(lang, error_key(&e)).to_owned()),
    }
    code.is_some_and(|c| c.trim().is_empty()).then(|| t(lang, Key::EnrolmentCodeMissing).to_owned())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    Welcome,
    Identity,
    Pin,
    Face,
    Code,
    Working(Key),
    Failed(Key),
}

/// The first-start flow, shown while no wallet exists.
#[component]
pub fn Onboarding() -> impl IntoView {
    let app = use_app();
    let lang = app.lang;
    let step = RwSignal::new(Step::Welcome);
    let id_number = RwSignal::new(String::new());
    let code = RwSignal::new(String::new());
    let method = RwSignal::new(Method::Face);
    let register = RwSignal::new(true);
    let pin = RwSignal::new(String::new());
    let confirm = RwSignal::new(String::new());
    let error = RwSignal::new(None::<String>);

    // The wallet status is refreshed only at the end: until then the app keeps showing this.
    let finish = move || {
        app.route.set(Route::Wallet);
        refresh_wallet_status(app.wallet);
    };
    let enrol = move || {
        step.set(Step::Working(Key::OnboardEnrolling));
        spawn_local(async move {
            match api::enrol_device(id_number.get_untracked(), code.get_untracked()).await {
                Ok(_) => finish(),
                Err(e) => step.set(Step::Failed(error_key(&e))),
            }
        });
    };
    // After the wallet exists (its device key signs the check): the face check or the code.
    let register_device = move || match method.get_untracked() {
        Method::Face => step.set(Step::Face),
        Method::Code => enrol(),
    };
    let identity_next = move || {
        let (id, c) = (id_number.get_untracked(), code.get_untracked());
        let with_code = method.get_untracked() == Method::Code;
        spawn_local(async move {
            match identity_problem(&id, with_code.then_some(c.as_str())).await {
                Some(problem) => error.set(Some(problem)),
                None => {
                    error.set(None);
                    register.set(true);
                    step.set(Step::Pin);
                }
            }
        });
    };
    let create = move || {
        let l = lang.get_untracked();
        let (typed, again) = (pin.get_untracked(), confirm.get_untracked());
        let Ok(p) = Pin::parse(&typed) else {
            error.set(Some(t(l, Key::PinNotSixDigits).to_owned()));
            return;
        };
        if typed != again {
            error.set(Some(t(l, Key::PinsDiffer).to_owned()));
            return;
        }
        error.set(None);
        step.set(Step::Working(Key::OnboardCreating));
        spawn_local(async move {
            match api::create_wallet(&p).await {
                Ok(()) if register.get_untracked() => register_device(),
                Ok(()) => finish(),
                Err(e) => {
                    pin.set(String::new());
                    confirm.set(String::new());
                    error.set(Some(t(l, error_key(&e)).to_owned()));
                    step.set(Step::Pin);
                }
            }
        });
    };

    let error_view =
        move || error.get().map(|e| view! { <p id="onboard-error" class="result bad" role="alert">{e}</p> });
    let step_of = move |n: u32| {
        view! { <p class="muted step-of">{move || tf(lang.get(), Key::OnboardStepOf, &[&n.to_string()])}</p> }
    };

    let body = move || {
        let l = lang.get();
        match step.get() {
            Step::Welcome => view! {
                <section class="card" aria-labelledby="welcome-title">
                    <h2 id="welcome-title">{t(l, Key::OnboardWelcomeTitle)}</h2>
                    <p class="muted">{t(l, Key::OnboardWelcomeIntro)}</p>
                    <fieldset class="presets" id="onboard-langs">
                        <legend>{t(l, Key::Language)}</legend>
                        {Language::ALL.into_iter().map(|option| view! {
                            <label class="choice" for=format!("lang-{}", option.tag())>
                                <input
                                    type="radio"
                                    id=format!("lang-{}", option.tag())
                                    name="lang"
                                    prop:checked=move || lang.get() == option
                                    on:change=move |_| {
                                        lang.set(option);
                                        save_preferences(app);
                                    }
                                />
                                <span lang=option.tag()>{native_name(option)}</span>
                            </label>
                        }).collect_view()}
                    </fieldset>
                    <section id="elder-offer" aria-labelledby="elder-offer-title">
                        <h3 id="elder-offer-title">{t(l, Key::ElderOfferTitle)}</h3>
                        <p class="muted">{t(l, Key::ElderOfferIntro)}</p>
                        // Two buttons of the same weight (MIIT 适老化 §3.1: a prominent offer at
                        // first entry); the chosen one is pressed.
                        <div class="equal-pair">
                            <button id="elder-yes" type="button"
                                aria-pressed=move || app.elder.get().to_string()
                                on:click=move |_| { app.elder.set(true); save_preferences(app); }>
                                {t(l, Key::ElderOfferYes)}
                            </button>
                            <button id="elder-no" type="button"
                                aria-pressed=move || (!app.elder.get()).to_string()
                                on:click=move |_| { app.elder.set(false); save_preferences(app); }>
                                {t(l, Key::ElderOfferNo)}
                            </button>
                        </div>
                    </section>
                    <button id="onboard-start" type="button" class="primary" on:click=move |_| step.set(Step::Identity)>
                        {t(l, Key::OnboardStart)}
                    </button>
                    <VerifyOnly id="onboard-verify-only"/>
                </section>
            }
            .into_any(),
            Step::Identity => view! {
                <section class="card" aria-labelledby="identity-title">
                    {step_of(1)}
                    <h2 id="identity-title">{t(l, Key::OnboardIdentityTitle)}</h2>
                    <p class="muted">{t(l, Key::OnboardIdentityIntro)}</p>
                    <form on:submit=move |ev| { ev.prevent_default(); identity_next(); }>
                        <IdentityFields id_number=id_number code=code method=method/>
                        {error_view}
                        <button id="onboard-next" type="submit">{t(l, Key::OnboardNext)}</button>
                    </form>
                    <button id="onboard-skip" type="button" class="secondary" on:click=move |_| {
                        error.set(None);
                        register.set(false);
                        step.set(Step::Pin);
                    }>{t(l, Key::OnboardSkip)}</button>
                </section>
            }
            .into_any(),
            Step::Pin => view! {
                <section id="create-wallet" class="card" aria-labelledby="pin-title">
                    {step_of(2)}
                    <h2 id="pin-title">{t(l, Key::OnboardPinTitle)}</h2>
                    <p class="muted">{t(l, Key::CreateIntro)}</p>
                    <form on:submit=move |ev| { ev.prevent_default(); create(); }>
                        <label for="pin">{t(l, Key::PinLabel)}</label>
                        {pin_input("pin", pin)}
                        <label for="pin-confirm">{t(l, Key::PinConfirmLabel)}</label>
                        {pin_input("pin-confirm", confirm)}
                        {error_view}
                        <button id="create-submit" type="submit">{t(l, Key::CreateButton)}</button>
                    </form>
                </section>
            }
            .into_any(),
            Step::Face => view! {
                <section id="onboard-face" class="card" aria-labelledby="face-title">
                    {step_of(3)}
                    <h2 id="face-title">{t(l, Key::OnboardFaceTitle)}</h2>
                    <p class="muted">{t(l, Key::OnboardFaceIntro)}</p>
                    <LivenessCheck
                        purpose=LivenessPurposeView::Enrolment { id_number: id_number.get_untracked() }
                        on_passed=move |()| finish()
                        alternative=(Key::OnboardUseCode, Callback::new(move |()| {
                            method.set(Method::Code);
                            step.set(Step::Code);
                        }))
                    />
                    <button id="onboard-later" type="button" class="secondary" on:click=move |_| finish()>
                        {t(l, Key::OnboardLater)}
                    </button>
                </section>
            }
            .into_any(),
            Step::Code => view! {
                <section id="onboard-code-step" class="card" aria-labelledby="code-title">
                    {step_of(3)}
                    <h2 id="code-title">{t(l, Key::OnboardCodeTitle)}</h2>
                    <form on:submit=move |ev| {
                        ev.prevent_default();
                        if code.get_untracked().trim().is_empty() {
                            error.set(Some(t(l, Key::EnrolmentCodeMissing).to_owned()));
                        } else {
                            error.set(None);
                            enrol();
                        }
                    }>
                        {code_field(code)}
                        {error_view}
                        <button id="onboard-register" type="submit">{t(l, Key::OnboardRegisterButton)}</button>
                    </form>
                    <button id="onboard-later" type="button" class="secondary" on:click=move |_| finish()>
                        {t(l, Key::OnboardLater)}
                    </button>
                </section>
            }
            .into_any(),
            Step::Working(key) => view! {
                <section class="card" aria-live="polite">
                    {step_of(3)}
                    <p id="onboard-working" class="working" role="status">
                        <span class="spinner" aria-hidden="true"></span>{t(l, key)}
                    </p>
                </section>
            }
            .into_any(),
            Step::Failed(key) => view! {
                <section id="onboard-failed" class="card" aria-labelledby="failed-title">
                    {step_of(3)}
                    <h2 id="failed-title">{t(l, Key::OnboardFailedTitle)}</h2>
                    <p id="onboard-failed-reason" class="result bad" role="alert">{t(l, key)}</p>
                    <p class="muted">{t(l, Key::OnboardFailedIntro)}</p>
                    {(key != Key::ErrorNoBackend).then(|| view! {
                        <button id="onboard-retry" type="button" class="primary" on:click=move |_| register_device()>
                            {t(l, Key::OnboardRetry)}
                        </button>
                    })}
                    <button id="onboard-later" type="button" class="secondary" on:click=move |_| finish()>
                        {t(l, Key::OnboardLater)}
                    </button>
                </section>
            }
            .into_any(),
        }
    };
    view! {
        <main id="onboarding" class="screen">
            <header class="app-bar">
                <h1>{move || t(lang.get(), Key::AppName)}</h1>
                <p class="tagline">{move || t(lang.get(), Key::Tagline)}</p>
            </header>
            {body}
        </main>
    }
}

/// Registering this device later, for a wallet that was created without it.
#[component]
pub fn Enrol() -> impl IntoView {
    let app = use_app();
    let lang = app.lang;
    let id_number = RwSignal::new(String::new());
    let code = RwSignal::new(String::new());
    let method = RwSignal::new(Method::Face);
    let error = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let face = RwSignal::new(false);
    let submit = move || {
        let (id, c) = (id_number.get_untracked(), code.get_untracked());
        let with_code = method.get_untracked() == Method::Code;
        busy.set(true);
        spawn_local(async move {
            if let Some(problem) = identity_problem(&id, with_code.then_some(c.as_str())).await {
                error.set(Some(problem));
                busy.set(false);
                return;
            }
            error.set(None);
            if !with_code {
                busy.set(false);
                face.set(true);
                return;
            }
            let result = api::enrol_device(id, c).await;
            busy.set(false);
            match result {
                Ok(_) => app.route.set(Route::Wallet),
                Err(e) => error.set(Some(t(lang.get_untracked(), error_key(&e)).to_owned())),
            }
        });
    };
    let body = move || {
        if face.get() {
            return view! {
                <section class="card" aria-labelledby="enrol-face-title">
                    <h2 id="enrol-face-title">{move || t(lang.get(), Key::OnboardFaceTitle)}</h2>
                    <p class="muted">{move || t(lang.get(), Key::OnboardFaceIntro)}</p>
                    <LivenessCheck
                        purpose=LivenessPurposeView::Enrolment { id_number: id_number.get_untracked() }
                        on_passed=move |()| app.route.set(Route::Wallet)
                        alternative=(Key::OnboardUseCode, Callback::new(move |()| {
                            method.set(Method::Code);
                            face.set(false);
                        }))
                    />
                </section>
            }
            .into_any();
        }
        view! {
            <section class="card">
                <p class="muted">{move || t(lang.get(), Key::OnboardIdentityIntro)}</p>
                <form on:submit=move |ev| { ev.prevent_default(); submit(); }>
                    <IdentityFields id_number=id_number code=code method=method/>
                    {move || error.get().map(|e| view! { <p id="enrol-error" class="result bad" role="alert">{e}</p> })}
                    <button id="enrol-submit" type="submit" disabled=move || busy.get()>
                        {move || t(lang.get(), if busy.get() { Key::OnboardEnrolling } else { Key::EnrolButton })}
                    </button>
                </form>
            </section>
        }
        .into_any()
    };
    view! {
        <main id="enrol" class="screen">
            <AppBar title=Signal::derive(move || t(lang.get(), Key::EnrolTitle).to_owned())
                back=Callback::new(move |()| app.route.set(Route::Wallet))/>
            {body}
        </main>
    }
}
