//! A service's guide (办事指南), its sections in the plan's order (issue 16, A2), each a
//! `<section>` under its own heading so a screen reader can jump between them: the title with
//! its type and themes and the favourite star; the flags; 申请材料 (what the citizen acts on
//! first: each with 已在卡包 when the wallet holds a current certificate that satisfies it, its
//! reuse class, originals and copies, required or the condition); 受理条件; 办理流程 (numbered,
//! each step's limit); 办理时限 (法定 and 承诺); 收费; 办理地点与时间; the phones as `tel:` links;
//! 设定依据; 常见问题 (`<details>`); 办理结果; and the 在线办理 button (`#guide-apply`), which opens
//! the application page when the guide has a form and the service is open.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shimin_wire::hall::{GuideView, MaterialView};

use crate::api;
use crate::components::app_bar::AppBar;
use crate::components::icon::{Icon, IconName};
use crate::components::pill::{Pill, Tone};
use crate::components::status::{error_key, type_name};
use crate::context::use_app;
use crate::hall_text::{copies_text, flag_texts, form_key, item_type_key, limit_text, reuse_key, yuan_text};
use crate::i18n::{Key, Language, t, tf};
use crate::route::Route;

/// A section with a heading; `id` names both.
fn section(id: &'static str, title: String, body: impl IntoView + 'static) -> impl IntoView {
    let heading = format!("{id}-title");
    let labelled_by = heading.clone();
    view! {
        <section id=id class="card guide-section" aria-labelledby=labelled_by>
            <h2 id=heading>{title}</h2>
            {body}
        </section>
    }
}

/// One material: its name and 已在卡包, then what to bring and how it is reused.
fn material_row(l: Language, m: MaterialView) -> impl IntoView {
    let need = match &m.condition {
        None => t(l, Key::MaterialRequired).to_owned(),
        Some(condition) => tf(l, Key::MaterialConditional, &[condition]),
    };
    let mut facts = vec![need];
    facts.extend(copies_text(l, m.originals, m.copies));
    facts.push(t(l, form_key(m.form)).to_owned());
    let wallet_hint = match (&m.certificate, m.in_wallet) {
        (Some(slug), false) => Some(tf(l, Key::MaterialWalletHint, &[&type_name(l, slug, slug)])),
        _ => None,
    };
    let in_wallet = m.in_wallet.then(|| {
        view! {
            <span class="in-wallet">
                <Pill tone=Tone::Ok text=Signal::stored(t(l, Key::MaterialInWallet).to_owned())/>
            </span>
        }
    });
    view! {
        <li class="material" data-in-wallet=m.in_wallet.to_string() data-reuse=format!("{:?}", m.reuse)>
            <div class="material-top">
                <span class="material-name">{m.name.clone()}</span>
                {in_wallet}
            </div>
            <p class="material-facts">{facts.join(" · ")}</p>
            <p class="material-reuse">{t(l, reuse_key(m.reuse))}</p>
            {(!m.issuer.is_empty()).then(|| view! { <p class="muted">{tf(l, Key::MaterialIssuer, &[&m.issuer])}</p> })}
            {wallet_hint.map(|h| view! { <p class="muted">{h}</p> })}
            {m.notes.clone().map(|n| view! { <p class="muted">{n}</p> })}
            {m.blank_form.clone().map(|a| view! { <p class="muted wrap">{tf(l, Key::MaterialBlankForm, &[&a])}</p> })}
            {m.sample.clone().map(|a| view! { <p class="muted wrap">{tf(l, Key::MaterialSample, &[&a])}</p> })}
        </li>
    }
}

/// A phone number as a `tel:` link, as large as any control.
fn phone_link(id: &'static str, text: String, number: &str) -> impl IntoView + use<> {
    let digits: String = number.chars().filter(|c| c.is_ascii_digit() || *c == '+' || *c == '-').collect();
    view! { <a id=id class="tel" href=format!("tel:{digits}")>{text}</a> }
}

/// The whole guide in `l`.
fn guide_view(l: Language, g: GuideView, favourite: RwSignal<bool>, here: Route) -> impl IntoView {
    let app = use_app();
    let lang = app.lang;
    let code = g.code.clone();
    let apply_code = g.code.clone();
    let online = g.online;
    let unlocked = app.wallet.get_untracked().is_some_and(|w| w.unlocked);
    let fav_error = RwSignal::new(None::<Key>);
    let toggle = move |_| {
        let (code, next) = (code.clone(), !favourite.get_untracked());
        fav_error.set(None);
        spawn_local(async move {
            match api::set_favourite(code, next).await {
                Ok(()) => favourite.set(next),
                Err(e) => fav_error.set(Some(error_key(&e))),
            }
        });
    };
    let mut chips: Vec<String> =
        item_type_key(&g.item_type).map(|k| t(l, k).to_owned()).into_iter().collect();
    chips.extend(g.themes.iter().cloned());
    let head = view! {
        <section id="guide-head" class="card guide-head" aria-labelledby="guide-title">
            <h2 id="guide-title">{g.name.clone()}</h2>
            <p class="guide-department">{g.department.clone()}</p>
            <ul class="tags">{chips.into_iter().map(|c| view! { <li class="tag">{c}</li> }).collect_view()}</ul>
            <p class="muted mono wrap">{tf(l, Key::GuideCode, &[&g.code])}</p>
            {g.suspended.then(|| view! { <p id="guide-suspended" class="banner alert" role="status">{t(l, Key::GuideSuspended)}</p> })}
            {(g.untranslated && l != Language::ZhHans).then(|| view! { <p id="guide-untranslated" class="hint">{t(l, Key::GuideUntranslated)}</p> })}
            // Favourites are kept in the wallet: the star shows while it is open.
            {unlocked.then(|| view! {
                <button id="guide-favourite" type="button" class="favourite"
                    aria-pressed=move || favourite.get().to_string()
                    on:click=toggle>
                    <Icon name=IconName::Star/>
                    <span>{move || t(lang.get(), if favourite.get() { Key::GuideFavourited } else { Key::GuideFavourite })}</span>
                </button>
            })}
            {move || fav_error.get().map(|k| view! { <p class="result bad" role="alert">{t(lang.get(), k)}</p> })}
        </section>
    };
    let flags = section(
        "guide-flags",
        t(l, Key::GuideFlags).to_owned(),
        view! {
            <ul class="flags">
                {flag_texts(l, &g.flags, g.promised).into_iter().map(|f| view! { <li class="flag">{f}</li> }).collect_view()}
            </ul>
        },
    );
    let materials = section(
        "guide-materials-section",
        t(l, Key::GuideMaterials).to_owned(),
        view! {
            <ol id="guide-materials" class="materials">
                {g.materials.into_iter().map(|m| material_row(l, m)).collect_view()}
            </ol>
        },
    );
    let conditions = (!g.conditions.is_empty()).then(|| {
        section(
            "guide-conditions",
            t(l, Key::GuideConditions).to_owned(),
            view! { <ul class="guide-list">{g.conditions.into_iter().map(|c| view! { <li>{c}</li> }).collect_view()}</ul> },
        )
    });
    let steps = (!g.steps.is_empty()).then(|| {
        section(
            "guide-steps",
            t(l, Key::GuideSteps).to_owned(),
            view! {
                <ol class="steps">
                    {g.steps.into_iter().map(|s| view! {
                        <li class="step">
                            <span class="step-name">{s.name}</span>
                            {(!s.detail.is_empty()).then(|| view! { <p>{s.detail}</p> })}
                            {s.limit.map(|lim| view! { <p class="muted">{tf(l, Key::GuideStepLimit, &[&limit_text(l, lim)])}</p> })}
                        </li>
                    }).collect_view()}
                </ol>
            },
        )
    });
    let limits = section(
        "guide-limits",
        t(l, Key::GuideLimits).to_owned(),
        view! {
            <dl class="attrs">
                <div class="attr"><dt>{t(l, Key::GuideStatutory)}</dt><dd id="guide-statutory">{limit_text(l, g.statutory)}</dd></div>
                <div class="attr"><dt>{t(l, Key::GuidePromised)}</dt><dd id="guide-promised">{limit_text(l, g.promised)}</dd></div>
            </dl>
        },
    );
    let fees = section(
        "guide-fees",
        t(l, Key::GuideFees).to_owned(),
        if g.fees.is_empty() {
            view! { <p id="guide-free">{t(l, Key::FeeFree)}</p> }.into_any()
        } else {
            view! {
                <ul class="guide-list fees">
                    {g.fees.into_iter().map(|f| view! {
                        <li>
                            <span>{format!("{} {}", f.item, yuan_text(l, f.amount_fen))}</span>
                            {(!f.basis.is_empty()).then(|| view! { <p class="muted">{f.basis}</p> })}
                        </li>
                    }).collect_view()}
                </ul>
            }
            .into_any()
        },
    );
    let places = (!g.places.is_empty()).then(|| {
        section(
            "guide-places",
            t(l, Key::GuidePlaces).to_owned(),
            view! {
                <ul class="guide-list places">
                    {g.places.into_iter().map(|p| view! {
                        <li class="place">
                            <span class="place-name">{p.name}</span>
                            {(!p.address.is_empty()).then(|| view! { <p>{p.address}</p> })}
                            {(!p.windows.is_empty()).then(|| view! { <p class="muted">{tf(l, Key::GuideWindows, &[&p.windows])}</p> })}
                            {(!p.hours.is_empty()).then(|| view! { <p class="muted">{tf(l, Key::GuideHours, &[&p.hours])}</p> })}
                        </li>
                    }).collect_view()}
                </ul>
            },
        )
    });
    let (consult_phone, supervise_phone) = (g.consult_phone.clone(), g.supervise_phone.clone());
    let phones = (!consult_phone.is_empty() || !supervise_phone.is_empty()).then(|| {
        let consult = (!consult_phone.is_empty()).then(|| {
            phone_link("guide-consult", tf(l, Key::GuideConsultPhone, &[&consult_phone]), &consult_phone)
        });
        let supervise = (!supervise_phone.is_empty()).then(|| {
            phone_link(
                "guide-supervise",
                tf(l, Key::GuideSupervisePhone, &[&supervise_phone]),
                &supervise_phone,
            )
        });
        section(
            "guide-contact",
            t(l, Key::GuideContact).to_owned(),
            view! { <div class="phones">{consult}{supervise}</div> },
        )
    });
    let basis = (!g.legal_basis.is_empty()).then(|| {
        section(
            "guide-basis",
            t(l, Key::GuideBasis).to_owned(),
            view! { <ul class="guide-list">{g.legal_basis.into_iter().map(|b| view! { <li>{b}</li> }).collect_view()}</ul> },
        )
    });
    let faq = (!g.faq.is_empty()).then(|| {
        section(
            "guide-faq",
            t(l, Key::GuideFaq).to_owned(),
            g.faq
                .into_iter()
                .map(|f| view! { <details class="faq"><summary>{f.q}</summary><p>{f.a}</p></details> })
                .collect_view(),
        )
    });
    let result = section(
        "guide-result",
        t(l, Key::GuideResult).to_owned(),
        view! {
            <p id="guide-result-name">{g.result.clone()}</p>
            {g.result_certificate.map(|slug| view! {
                <p id="guide-result-wallet" class="result ok">
                    {tf(l, Key::GuideResultCertificate, &[&type_name(l, &slug, &slug)])}
                </p>
            })}
        },
    );
    view! {
        {head}
        {flags}
        {materials}
        {conditions}
        {steps}
        {limits}
        {fees}
        {places}
        {phones}
        {basis}
        {faq}
        {result}
        <div class="apply-bar">
            <button id="guide-apply" type="button" class="primary" disabled=!online
                aria-describedby=(!online).then_some("guide-apply-note")
                on:click=move |_| app.route.set(Route::Apply { code: apply_code.clone(), back: Box::new(here.clone()) })>
                {t(l, Key::GuideApply)}
            </button>
            {(!online).then(|| view! { <p id="guide-apply-note" class="hint">{t(l, Key::GuideApplySoon)}</p> })}
        </div>
    }
}

/// The guide of service `code`; back leads to `back`.
#[component]
pub fn GuidePage(code: String, back: Route) -> impl IntoView {
    let app = use_app();
    let lang = app.lang;
    let favourite = RwSignal::new(false);
    let back_to = back.clone();
    let guide = LocalResource::new(move || {
        let (code, language) = (code.clone(), lang.get());
        async move { api::service_guide(code, language).await }
    });
    let body = move || {
        let l = lang.get();
        guide.get().map(|r| match r {
            Ok(g) => {
                favourite.set(g.favourite);
                let here = Route::Guide { code: g.code.clone(), back: Box::new(back_to.clone()) };
                guide_view(l, g, favourite, here).into_any()
            }
            Err(e) => view! { <p class="result bad" role="alert">{t(l, error_key(&e))}</p> }.into_any(),
        })
    };
    view! {
        <main id="guide" class="screen">
            <AppBar title=Signal::derive(move || t(lang.get(), Key::GuideBarTitle).to_owned())
                back=Callback::new(move |()| app.route.set(back.clone())) back_id="guide-back"/>
            {body}
        </main>
    }
}
