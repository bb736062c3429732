//! One certificate: every field, the issuer, its identifier, the check against the cached lists
//! and its version history.

use leptos::prelude::*;
use shimin_wire::wallet::{CertificateDetailView, StatusBadge};

use crate::api;
use crate::components::app_bar::AppBar;
use crate::components::attributes::AttributeList;
use crate::components::check::CheckPanel;
use crate::components::pill::{Pill, Tone};
use crate::components::status::{Badge, error_key, type_name};
use crate::context::use_app;
use crate::i18n::{Key, t, tf};
use crate::route::Route;

fn detail_view(d: CertificateDetailView) -> impl IntoView {
    let app = use_app();
    let lang = app.lang;
    let (slug, printed) = (d.card.type_slug.clone(), d.card.type_name.clone());
    let present_id = d.card.id.clone();
    let validity = {
        let (from, until) = (d.card.valid_from.clone(), d.card.valid_until.clone());
        move || {
            let l = lang.get();
            let until = until.clone().unwrap_or_else(|| t(l, Key::LongTerm).to_owned());
            format!("{from} – {until}")
        }
    };
    let versions = d
        .versions
        .into_iter()
        .map(|v| {
            let current = v.current;
            view! {
                <li class="version">
                    <span>{move || tf(lang.get(), Key::VersionLabel, &[&v.version.to_string()])}</span>
                    {current.then(|| view! { <Pill tone=Tone::Ok text=Signal::derive(move || t(lang.get(), Key::CurrentVersion).to_owned())/> })}
                    <span class="muted">{format!("{} – {}", v.valid_from, v.valid_until.clone().unwrap_or_default())}</span>
                    <span class="muted">{move || tf(lang.get(), Key::ImportedAt, &[&v.imported_at])}</span>
                </li>
            }
        })
        .collect_view();
    // An expiring (or expired) certificate says how to renew it, where the wallet's 办理换领 leads.
    let renewal = matches!(d.card.badge, StatusBadge::ExpiringSoon | StatusBadge::Expired).then(|| {
        let key = if d.card.badge == StatusBadge::Expired { Key::RenewHintExpired } else { Key::RenewHint };
        let until = d.card.valid_until.clone().unwrap_or_default();
        let issuer = d.issuer_name.clone();
        view! {
            <section id="renewal" class="card renewal" aria-labelledby="renewal-title">
                <h2 id="renewal-title">{move || t(lang.get(), Key::RenewTitle)}</h2>
                <p>{move || {
                    let l = lang.get();
                    let office = issuer.clone().unwrap_or_else(|| t(l, Key::RenewIssuerFallback).to_owned());
                    tf(l, key, &[&until, &office])
                }}</p>
            </section>
        }
    });
    let main = view! {
        <AppBar title=Signal::derive(move || type_name(lang.get(), &slug, &printed))
            back=Callback::new(move |()| app.route.set(Route::Wallet))/>
        <section class="card summary">
            <div class="cert-top">
                <span class="cert-holder">{d.card.holder_name.clone().unwrap_or_default()}</span>
                <Badge badge=d.card.badge/>
            </div>
            <p class="muted">{move || t(lang.get(), Key::Validity)} " " {validity}</p>
            <button id="present-button" type="button" class="primary"
                on:click=move |_| app.route.set(Route::Show(present_id.clone()))>
                {move || t(lang.get(), Key::PresentButton)}
            </button>
        </section>
        {renewal}
        <section class="card" aria-labelledby="fields-title">
            <h2 id="fields-title">{move || t(lang.get(), Key::DetailFields)}</h2>
            <AttributeList attributes=d.attributes id="detail-fields"/>
        </section>
    };
    // The issuer, the check and the versions: under 更多信息 in elder mode (fewer items per
    // screen, ADR 0004); the badge above already says whether the certificate is valid.
    let more = view! {
        <section class="card" aria-labelledby="issuer-title">
            <h2 id="issuer-title">{move || t(lang.get(), Key::DetailIssuer)}</h2>
            <dl class="attrs">
                <div class="attr"><dt>{move || t(lang.get(), Key::DetailIssuer)}</dt><dd>{d.issuer_name.clone().unwrap_or_default()}</dd></div>
                <div class="attr"><dt>{move || t(lang.get(), Key::IssuerCode)}</dt><dd class="mono">{d.issuer_code.clone()}</dd></div>
                <div class="attr"><dt>{move || t(lang.get(), Key::Identifier)}</dt><dd id="detail-identifier" class="mono wrap">{d.card.id.clone()}</dd></div>
            </dl>
        </section>
        <section class="card" aria-labelledby="verification-title">
            <h2 id="verification-title">{move || t(lang.get(), Key::Verification)}</h2>
            <CheckPanel check=d.check id="detail-check"/>
        </section>
        <section class="card" aria-labelledby="versions-title">
            <h2 id="versions-title">{move || t(lang.get(), Key::VersionHistory)}</h2>
            <ul id="detail-versions" class="versions">{versions}</ul>
        </section>
    };
    let more = if app.elder.get_untracked() {
        view! {
            <details id="more-info" class="card more">
                <summary>{move || t(lang.get(), Key::MoreInfo)}</summary>
                {more}
            </details>
        }
        .into_any()
    } else {
        more.into_any()
    };
    view! {
        {main}
        {more}
    }
}

/// The detail screen of certificate `id`.
#[component]
pub fn Detail(id: String) -> impl IntoView {
    let lang = use_app().lang;
    let detail = LocalResource::new(move || {
        let id = id.clone();
        async move { api::certificate_detail(id).await }
    });
    view! {
        <main id="detail" class="screen">
            {move || detail.get().map(|r| match r {
                Ok(d) => detail_view(d).into_any(),
                Err(e) => view! { <p class="result bad" role="alert">{t(lang.get(), error_key(&e))}</p> }.into_any(),
            })}
        </main>
    }
}
