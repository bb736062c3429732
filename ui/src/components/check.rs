//! A check's outcome at a glance: a green, amber or red banner, the reasons in words, and one
//! plain line for how fresh the verification data is (the older of the cached lists).

use leptos::prelude::*;
use shimin_wire::wallet::{CheckView, ListAgeView, OutcomeView, ReasonView};

use crate::context::use_lang;
use crate::i18n::{Key, Language, age_text, attribute_label, t, tf};

/// A reason as a sentence.
pub fn reason_text(lang: Language, reason: &ReasonView) -> String {
    match reason {
        ReasonView::NoQrCode => t(lang, Key::ReasonNoQrCode).to_owned(),
        ReasonView::NotAShiminCode => t(lang, Key::ReasonNotAShiminCode).to_owned(),
        ReasonView::Malformed => t(lang, Key::ReasonMalformed).to_owned(),
        ReasonView::UnknownIssuer => t(lang, Key::ReasonUnknownIssuer).to_owned(),
        ReasonView::BadIssuerSignature => t(lang, Key::ReasonBadIssuerSignature).to_owned(),
        ReasonView::IssuerNotAllowed => t(lang, Key::ReasonIssuerNotAllowed).to_owned(),
        ReasonView::NotYetValid { from } => tf(lang, Key::ReasonNotYetValid, &[from]),
        ReasonView::Expired { on } => tf(lang, Key::ReasonExpired, &[on]),
        ReasonView::Revoked { list_age_seconds } => {
            tf(lang, Key::ReasonRevoked, &[&age_text(lang, *list_age_seconds)])
        }
        ReasonView::Suspended { list_age_seconds } => {
            tf(lang, Key::ReasonSuspended, &[&age_text(lang, *list_age_seconds)])
        }
        ReasonView::StatusNotCheckable => t(lang, Key::ReasonStatusNotCheckable).to_owned(),
        ReasonView::StatusListStale { age_seconds } => {
            tf(lang, Key::ReasonStatusListStale, &[&age_text(lang, *age_seconds)])
        }
        ReasonView::TrustListStale { age_seconds } => {
            tf(lang, Key::ReasonTrustListStale, &[&age_text(lang, *age_seconds)])
        }
        ReasonView::NoTrustList => t(lang, Key::ReasonNoTrustList).to_owned(),
        ReasonView::AttributeTampered { attribute } => {
            tf(lang, Key::ReasonAttributeTampered, &[&attribute_label(lang, attribute)])
        }
        ReasonView::DeviceSignatureMissing => t(lang, Key::ReasonDeviceSignatureMissing).to_owned(),
        ReasonView::DeviceSignatureBad => t(lang, Key::ReasonDeviceSignatureBad).to_owned(),
        ReasonView::ExpiredScreenshot { skew_seconds } => {
            tf(lang, Key::ReasonExpiredScreenshot, &[&skew_seconds.to_string()])
        }
        ReasonView::SeenBefore => t(lang, Key::ReasonSeenBefore).to_owned(),
        ReasonView::NotThisRequest => t(lang, Key::ReasonNotThisRequest).to_owned(),
    }
}

/// "核验数据 10 分钟前已更新": the older of the two lists speaks for both, and either one out
/// of date makes the line say so. `None` when no list is held (a reason says that).
pub fn freshness_text(lang: Language, lists: &[ListAgeView]) -> Option<String> {
    let oldest = lists.iter().map(|a| a.age_seconds).max()?;
    let key = if lists.iter().any(|a| a.stale) { Key::VerifyDataStale } else { Key::VerifyDataAge };
    Some(tf(lang, key, &[&age_text(lang, oldest)]))
}

/// The CSS class and word of an outcome.
pub fn outcome_parts(outcome: OutcomeView) -> (&'static str, Key, &'static str) {
    match outcome {
        OutcomeView::Valid => ("outcome-valid", Key::OutcomeValid, "✓"),
        OutcomeView::Warning => ("outcome-warning", Key::OutcomeWarning, "!"),
        OutcomeView::Invalid => ("outcome-invalid", Key::OutcomeInvalid, "✕"),
    }
}

/// The banner, reasons and data freshness of a check.
#[component]
pub fn CheckPanel(check: CheckView, #[prop(into)] id: String) -> impl IntoView {
    let lang = use_lang();
    let (class, key, icon) = outcome_parts(check.outcome);
    let reasons = check.reasons.clone();
    let lists: Vec<ListAgeView> = [check.trust_list, check.status_list].into_iter().flatten().collect();
    let freshness = move || freshness_text(lang.get(), &lists);
    view! {
        <section id=id class=format!("check {class}") role="status">
            <div class="outcome">
                <span class="outcome-icon" aria-hidden="true">{icon}</span>
                <span class="outcome-word">{move || t(lang.get(), key)}</span>
            </div>
            {(!reasons.is_empty())
                .then(|| {
                    let reasons = reasons.clone();
                    view! {
                        <ul class="reasons" aria-label=move || t(lang.get(), Key::Reasons)>
                            {reasons
                                .into_iter()
                                .map(|r| view! { <li>{move || reason_text(lang.get(), &r)}</li> })
                                .collect_view()}
                        </ul>
                    }
                })}
            <p id=format!("{id}-freshness") class="list-ages">{freshness}</p>
        </section>
    }
}
