//! The card face of 亮证: what the other person looks at first — the type, the holder's name in
//! large type, the photo large, the validity and the status — under a moving watermark with the
//! live date and time, so that a screenshot or a photo of the screen is visibly not live.

use leptos::prelude::*;
use shimin_wire::wallet::CertificateCardView;

use crate::components::status::{Badge, data_url, type_name};
use crate::context::use_lang;
use crate::i18n::{Key, t, tf};

/// Rows of the watermark: enough to cover the card face at its tallest (elder mode).
const WATERMARK_ROWS: u32 = 14;

/// The card face of `card`, with `photo` (a JPEG) when the certificate has one; `stamp` is the
/// watermark's live text.
#[component]
pub fn CardFace(
    card: CertificateCardView,
    photo: Option<Vec<u8>>,
    #[prop(into)] stamp: Signal<String>,
) -> impl IntoView {
    let lang = use_lang();
    let (slug, printed) = (card.type_slug.clone(), card.type_name.clone());
    let until = card.valid_until.clone();
    let validity = move || {
        let l = lang.get();
        match &until {
            Some(until) => tf(l, Key::ValidUntil, &[until]),
            None => t(l, Key::LongTerm).to_owned(),
        }
    };
    let photo = photo.map(|bytes| {
        let src = data_url("image/jpeg", &bytes);
        view! { <img id="show-photo" class="card-face-photo" src=src alt=move || t(lang.get(), Key::ShowPhotoAlt)/> }
    });
    let rows = (0..WATERMARK_ROWS)
        .map(|i| {
            // Each row starts at another point of the drift, so the rows do not move as one.
            let style = format!("animation-delay: -{}s", i * 2);
            let text = move || vec![stamp.get(); 4].join(" · ");
            view! { <div class="watermark-row" style=style>{text}</div> }
        })
        .collect_view();
    view! {
        <section id="show-card" class=format!("card-face type-{}", card.type_slug)>
            <div class="card-face-text">
                <span class="card-face-type">{move || type_name(lang.get(), &slug, &printed)}</span>
                <span id="show-holder" class="card-face-holder">{card.holder_name.clone().unwrap_or_default()}</span>
                <span class="card-face-validity">{validity}</span>
                <Badge badge=card.badge/>
            </div>
            {photo}
            <div class="watermark" aria-hidden="true">{rows}</div>
        </section>
    }
}
