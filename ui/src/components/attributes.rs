//! A list of attributes with translated labels; coded values by their names in the user's
//! language; photos drawn as images; a masked number with a button that shows it whole.

use leptos::prelude::*;
use shimin_wire::wallet::{AttributeView, ValueView};

use crate::components::status::data_url;
use crate::context::use_lang;
use crate::i18n::{Key, Language, attribute_label, t, tf};

fn value_text(lang: Language, value: &ValueView) -> String {
    match value {
        ValueView::Text { text } => text.clone(),
        ValueView::Coded { zh_hans, zh_hant, en, .. } => match lang {
            Language::ZhHans => zh_hans.clone(),
            Language::ZhHant => zh_hant.clone(),
            Language::En => en.clone(),
        },
        ValueView::UnknownCode { code } => tf(lang, Key::UnknownCode, &[code]),
        ValueView::Masked { masked, .. } => masked.clone(),
        ValueView::Date { date } => date.clone(),
        ValueView::Bool { value } => t(lang, if *value { Key::Yes } else { Key::No }).to_owned(),
        ValueView::Integer { value } => value.to_string(),
        ValueView::Jpeg { .. } | ValueView::Bytes { .. } => String::new(),
    }
}

/// A number shown masked until the holder presses `#reveal-{name}` (a toggle: `aria-pressed`).
fn masked_value(name: &str, masked: String, full: String) -> AnyView {
    let lang = use_lang();
    let shown = RwSignal::new(false);
    let value_id = format!("value-{name}");
    view! {
        <span class="masked">
            <span id=value_id.clone() class="mono">{move || if shown.get() { full.clone() } else { masked.clone() }}</span>
            <button id=format!("reveal-{name}") type="button" class="reveal" aria-controls=value_id
                aria-pressed=move || shown.get().to_string() on:click=move |_| shown.update(|s| *s = !*s)>
                {move || t(lang.get(), if shown.get() { Key::RevealHide } else { Key::RevealShow })}
            </button>
        </span>
    }
    .into_any()
}

/// The attributes as a definition list.
#[component]
pub fn AttributeList(attributes: Vec<AttributeView>, #[prop(into)] id: String) -> impl IntoView {
    let lang = use_lang();
    let rows = attributes
        .into_iter()
        .map(|a| {
            let label = {
                let name = a.name.clone();
                move || attribute_label(lang.get(), &name)
            };
            let value = match &a.value {
                ValueView::Jpeg { bytes } => {
                    let src = data_url("image/jpeg", bytes);
                    let alt = move || t(lang.get(), Key::AttrPhoto);
                    view! { <img class="photo" src=src alt=alt/> }.into_any()
                }
                ValueView::Masked { masked, full } => masked_value(&a.name, masked.clone(), full.clone()),
                other => {
                    let other = other.clone();
                    view! { <span>{move || value_text(lang.get(), &other)}</span> }.into_any()
                }
            };
            view! {
                <div class="attr" data-name=a.name.clone()>
                    <dt>{label}</dt>
                    <dd>{value}</dd>
                </div>
            }
        })
        .collect_view();
    view! { <dl id=id class="attrs">{rows}</dl> }
}
