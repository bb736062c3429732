//! A list of attributes with translated labels; coded values by their names in the user's
//! language; photos drawn as images.

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
        ValueView::Date { date } => date.clone(),
        ValueView::Bool { value } => t(lang, if *value { Key::Yes } else { Key::No }).to_owned(),
        ValueView::Integer { value } => value.to_string(),
        ValueView::Jpeg { .. } | ValueView::Bytes { .. } => String::new(),
    }
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
