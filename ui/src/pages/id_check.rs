//! An identity-number check that runs in the core (GB 11643), shown on the About page. A wrong
//! number marks the field (`aria-invalid`, described by the result that says what is wrong).

use leptos::prelude::*;
use leptos::task::spawn_local;
use shimin_wire::ipc::{IdNumberCheckView, IdNumberProblem};

use crate::api::{self, ApiError};
use crate::context::use_lang;
use crate::i18n::{Key, Language, t, tf};

pub fn problem_text(lang: Language, problem: IdNumberProblem) -> String {
    match problem {
        IdNumberProblem::WrongLength { length } => tf(lang, Key::IdWrongLength, &[&length.to_string()]),
        IdNumberProblem::InvalidCharacter { position } => {
            tf(lang, Key::IdInvalidCharacter, &[&position.to_string()])
        }
        IdNumberProblem::UnknownProvince => t(lang, Key::IdUnknownProvince).to_owned(),
        IdNumberProblem::InvalidBirthDate => t(lang, Key::IdInvalidBirthDate).to_owned(),
        IdNumberProblem::ChecksumMismatch => t(lang, Key::IdChecksumMismatch).to_owned(),
    }
}

/// The identity-number check card.
#[component]
pub fn IdCheck() -> impl IntoView {
    let lang = use_lang();
    let input = RwSignal::new(String::new());
    let outcome = RwSignal::new(None::<Result<IdNumberCheckView, ApiError>>);

    let check = move || {
        let value = input.get_untracked();
        spawn_local(async move {
            outcome.set(Some(api::check_id_number(value).await));
        });
    };

    let invalid = move || matches!(outcome.get(), Some(Ok(IdNumberCheckView::Invalid { .. })));
    let result_view = move || {
        let l = lang.get();
        outcome.get().map(|r| match r {
            Ok(IdNumberCheckView::Valid { masked, birth_date }) => view! {
                <p id="id-check-result" class="result ok" role="status">
                    <strong>{t(l, Key::IdValid)}</strong>
                    " · " <span class="mono">{masked}</span>
                    " · " {t(l, Key::IdBirthDate)} " " {birth_date}
                </p>
            }
            .into_any(),
            Ok(IdNumberCheckView::Invalid { reason }) => view! {
                <p id="id-check-result" class="result bad" role="alert">{problem_text(l, reason)}</p>
            }
            .into_any(),
            Err(_) => view! {
                <p id="id-check-result" class="result bad" role="alert">{t(l, Key::ErrorInternal)}</p>
            }
            .into_any(),
        })
    };

    view! {
        <section class="card" aria-labelledby="id-check-title">
            <h2 id="id-check-title">{move || t(lang.get(), Key::IdCheckTitle)}</h2>
            <form on:submit=move |ev| { ev.prevent_default(); check(); }>
                <label for="id-input">{move || t(lang.get(), Key::IdCheckLabel)}</label>
                <input
                    id="id-input"
                    class="mono"
                    inputmode="text"
                    autocomplete="off"
                    maxlength="18"
                    placeholder=move || t(lang.get(), Key::IdCheckPlaceholder)
                    prop:value=move || input.get()
                    on:input=move |ev| input.set(event_target_value(&ev))
                    aria-describedby="id-check-result"
                    aria-invalid=move || invalid().then_some("true")
                    class:invalid=invalid
                />
                <button id="id-check" type="submit">{move || t(lang.get(), Key::IdCheckButton)}</button>
            </form>
            {result_view}
        </section>
    }
}
