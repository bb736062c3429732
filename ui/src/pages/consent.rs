//! Consent for one identity request (issue 20, item 3): before any face check, who asks (the
//! department), for what matter and in which role, exactly what they receive, and by when; then
//! 拒绝 / 不是我办理 beside 同意 with the same weight. Declining says why, and the registrar is
//! told. The steps: `Review → Check → Done | Declined | Cannot`; a request already answered opens
//! on its outcome.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shimin_wire::liveness::{DeclineReasonView, IdentityRequestView, LivenessPurposeView, RequestStateView};

use crate::api;
use crate::clock::china_date_time;
use crate::components::app_bar::AppBar;
use crate::components::liveness::LivenessCheck;
use crate::components::status::error_key;
use crate::consent_text::{matter_text, reason_key, respond_by_text, roles_text, shared_key};
use crate::context::use_app;
use crate::i18n::{Key, Language, t, tf};

/// Where the citizen is with the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    /// Reading what is asked, before answering.
    Review,
    /// The face check.
    Check,
    /// Confirmed at this time (seconds since the epoch).
    Done(i64),
    /// Declined for this reason.
    Declined(DeclineReasonView),
    /// The face check cannot be done (the failure's words): the hall, or declining.
    Cannot(Key),
}

/// The check passed: done, at the time the backend recorded the confirmation once its list says
/// it (the device's clock until then, and if the list cannot be read).
fn confirmed(step: RwSignal<Step>, case_id: i64) {
    step.set(Step::Done((js_sys::Date::now() / 1000.0) as i64));
    spawn_local(async move {
        let recorded = api::identity_requests()
            .await
            .ok()
            .and_then(|list| list.into_iter().find(|r| r.case_id == case_id))
            .and_then(|r| r.confirmed_at);
        if let Some(at) = recorded
            && matches!(step.get_untracked(), Step::Done(_))
        {
            step.set(Step::Done(at));
        }
    });
}

/// The step a request opens on.
fn first_step(r: &IdentityRequestView) -> Step {
    match r.state {
        RequestStateView::Pending => Step::Review,
        RequestStateView::Confirmed => Step::Done(r.confirmed_at.unwrap_or(r.created_at)),
        RequestStateView::Declined => Step::Declined(r.decline_reason.unwrap_or(DeclineReasonView::Refused)),
        RequestStateView::Expired => Step::Cannot(Key::ErrorRequestExpired),
    }
}

/// What the cannot-check page says for a failure of the check.
fn cannot_key(failure: Key) -> Key {
    match failure {
        Key::ErrorNoRegistryPhoto => Key::IdConsentNoPhoto,
        Key::ErrorTooManyAttempts => Key::IdConsentNoAttempts,
        other => other,
    }
}

/// The facts of the request: who, what, which role, what is shared, by when.
fn facts(l: Language, r: &IdentityRequestView) -> impl IntoView + use<> {
    let shared = r.shared.iter().map(|s| view! { <li>{t(l, shared_key(*s))}</li> }).collect_view();
    view! {
        <div class="card consent-card">
            <h2 id="consent-title">{tf(l, Key::IdConsentTitle, &[&r.department_name])}</h2>
            <dl class="consent-facts">
                <div>
                    <dt>{t(l, Key::IdConsentMatter)}</dt>
                    <dd id="consent-matter">{matter_text(l, r)}</dd>
                </div>
                <div>
                    <dt>{t(l, Key::IdConsentRole)}</dt>
                    <dd id="consent-roles">{roles_text(l, &r.roles)}</dd>
                </div>
                <div>
                    <dt>{t(l, Key::IdConsentShared)}</dt>
                    <dd><ul id="consent-shared" class="consent-shared">{shared}</ul></dd>
                </div>
                <div>
                    <dt>{t(l, Key::IdConsentRespondByLabel)}</dt>
                    <dd id="consent-by">{respond_by_text(l, r)}</dd>
                </div>
            </dl>
            <p class="muted">{t(l, Key::IdConsentFramesKept)}</p>
        </div>
    }
}

/// One identity request, from reading it to its outcome. `on_close` goes back to the list.
#[component]
pub fn Consent(request: IdentityRequestView, #[prop(into)] on_close: Callback<()>) -> impl IntoView {
    let lang = use_app().lang;
    let step = RwSignal::new(first_step(&request));
    let request = StoredValue::new(request);
    let case_id = request.with_value(|r| r.case_id);
    let department = move || request.with_value(|r| r.department_name.clone());
    // The decline sheet: open or not, the reason chosen, sending, and a refusal to show.
    let sheet = RwSignal::new(false);
    let reason = RwSignal::new(None::<DeclineReasonView>);
    let sending = RwSignal::new(false);
    let sheet_error = RwSignal::new(None::<Key>);

    let send = move || {
        let Some(chosen) = reason.get_untracked() else {
            sheet_error.set(Some(Key::DeclineChoose));
            return;
        };
        sending.set(true);
        sheet_error.set(None);
        spawn_local(async move {
            let answer = api::decline_identity_request(case_id, chosen).await;
            sending.set(false);
            match answer {
                Ok(r) => {
                    sheet.set(false);
                    step.set(Step::Declined(r.decline_reason.unwrap_or(chosen)));
                }
                Err(e) => sheet_error.set(Some(error_key(&e))),
            }
        });
    };
    let radio = move |id: &'static str, value: DeclineReasonView| {
        view! {
            <label class="choice" for=id>
                <input type="radio" id=id name="decline-reason"
                    prop:checked=move || reason.get() == Some(value)
                    on:change=move |_| reason.set(Some(value))/>
                {move || t(lang.get(), reason_key(value))}
            </label>
        }
    };
    // The two answers side by side, the same class and size: declining weighs as much as agreeing.
    let answers = move |confirm: bool| {
        let l = lang.get();
        if sheet.get() {
            return view! {
                <div id="decline-sheet" class="card decline-sheet" role="group" aria-labelledby="decline-title">
                    <h2 id="decline-title">{t(l, Key::DeclineTitle)}</h2>
                    <div class="choices">
                        {radio("decline-refused", DeclineReasonView::Refused)}
                        {radio("decline-not-me", DeclineReasonView::NotMe)}
                    </div>
                    {move || sheet_error.get().map(|k| view! {
                        <p id="decline-error" class="result bad" role="alert">{t(lang.get(), k)}</p>
                    })}
                    <div class="consent-actions">
                        <button id="decline-back" type="button" class="equal" on:click=move |_| sheet.set(false)>
                            {t(l, Key::Back)}
                        </button>
                        <button id="decline-send" type="button" class="equal" disabled=move || sending.get()
                            on:click=move |_| send()>
                            {t(l, Key::DeclineSend)}
                        </button>
                    </div>
                </div>
            }
            .into_any();
        }
        view! {
            <div class="consent-actions">
                <button id="consent-decline" type="button" class="equal" on:click=move |_| sheet.set(true)>
                    {t(l, Key::IdConsentDecline)}
                </button>
                {confirm.then(|| view! {
                    <button id="consent-confirm" type="button" class="equal" on:click=move |_| step.set(Step::Check)>
                        {t(l, Key::IdConsentConfirm)}
                    </button>
                })}
            </div>
        }
        .into_any()
    };
    let back = move || {
        view! {
            <button id="consent-back" type="button" class="primary" on:click=move |_| on_close.run(())>
                {t(lang.get(), Key::IdConsentBack)}
            </button>
        }
    };

    let body = move || {
        let l = lang.get();
        match step.get() {
            Step::Review => view! {
                <section id="consent-review" class="consent" aria-labelledby="consent-title">
                    {request.with_value(|r| facts(l, r))}
                    {move || answers(true)}
                </section>
            }
            .into_any(),
            Step::Check => view! {
                <section id="consent-check" class="card consent-card" aria-labelledby="consent-check-title">
                    <h2 id="consent-check-title">{request.with_value(|r| matter_text(l, r))}</h2>
                    <LivenessCheck
                        purpose=LivenessPurposeView::Case { case_id }
                        on_passed=move |()| confirmed(step, case_id)
                        on_cancel=move |()| step.set(Step::Review)
                        on_final=move |key| step.set(Step::Cannot(key))
                    />
                </section>
            }
            .into_any(),
            Step::Done(at) => view! {
                <section id="consent-done" class="card consent-outcome" role="status" aria-labelledby="done-title">
                    <div class="outcome-mark ok" aria-hidden="true">"✓"</div>
                    <h2 id="done-title">{t(l, Key::IdConsentDoneTitle)}</h2>
                    <p id="consent-done-text">{tf(l, Key::IdConsentDoneText, &[&department(), &china_date_time(at)])}</p>
                    {back}
                </section>
            }
            .into_any(),
            Step::Declined(why) => view! {
                <section id="consent-declined" class="card consent-outcome" role="status" aria-labelledby="declined-title">
                    <div class="outcome-mark bad" aria-hidden="true">"✕"</div>
                    <h2 id="declined-title">{t(l, Key::IdConsentDeclinedTitle)}</h2>
                    <p id="consent-declined-text">
                        {tf(l, Key::IdConsentDeclinedText, &[&department(), t(l, reason_key(why))])}
                    </p>
                    {(why == DeclineReasonView::NotMe).then(|| view! {
                        <p id="consent-not-me-hint" class="muted">{t(l, Key::IdConsentNotMeHint)}</p>
                    })}
                    {back}
                </section>
            }
            .into_any(),
            Step::Cannot(failure) => view! {
                <section id="consent-cannot" class="consent" aria-labelledby="cannot-title">
                    <div class="card consent-card">
                        <h2 id="cannot-title">{t(l, Key::IdConsentCannotTitle)}</h2>
                        <p id="consent-cannot-reason" class="result bad" role="alert">{t(l, cannot_key(failure))}</p>
                        <p>{tf(l, Key::IdConsentGoToHall, &[&department()])}</p>
                    </div>
                    {move || answers(false)}
                    <div class="consent-back">{back}</div>
                </section>
            }
            .into_any(),
        }
    };
    view! {
        <main id="consent-screen" class="screen">
            <AppBar title=Signal::derive(move || t(lang.get(), Key::RequestsTitle).to_owned())
                back=Callback::new(move |()| on_close.run(()))/>
            {body}
        </main>
    }
}
