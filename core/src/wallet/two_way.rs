//! The two-way mode's use cases ([`crate::present::PresentationRequest`]): the verifier draws a
//! request and checks what is scanned as an answer to it; the holder reads a request, sees who
//! asks and exactly what each of their certificates would show, and only after agreeing signs an
//! answer bound to that request.
//!
//! The verifier's request lives in the shell's memory while its screen shows it (the shell
//! holds it; [`ask`] draws it). Nothing the holder's app does before [`answer`] signs or logs
//! anything: [`read_request`] only reads.

use shimin_wire::wallet::{
    AnswerChoiceView, AnswerRequest, AskView, PresentationView, PresetView, RequestView,
};

use super::error::WalletError;
use super::lists::Lists;
use super::store::WalletStore;
use crate::cert::CertificateId;
use crate::present::{Presentation, PresentationRequest, Preset, REQUEST_PREFIX};
use crate::qr;
use crate::records::PresentationRecord;
use crate::verifier::Outcome;
use crate::views;

/// Pixels per module of the SVG QR code before CSS scales it.
const QR_MODULE_PX: u32 = 4;

/// Whether a scanned text is a verifier's request (`SMQ1:`) rather than a presentation.
pub fn is_request(text: &str) -> bool {
    text.starts_with(REQUEST_PREFIX)
}

/// The preset of the wire's view of it.
fn preset_view(preset: Preset) -> PresetView {
    match preset {
        Preset::Identity => PresetView::Identity,
        Preset::AgeOver18 => PresetView::AgeOver18,
        Preset::Full => PresetView::Full,
    }
}

/// The verifier draws a fresh request for `preset` at `now`: the request to hold (scanned codes
/// are then checked as answers to it, [`crate::verifier::Verifier::verify_answer`]) and its QR
/// code for the screen.
///
/// # Errors
/// [`WalletError::Internal`] when there is no randomness for the nonce or the code cannot be
/// drawn.
pub fn ask(preset: PresetView, now: i64) -> Result<(PresentationRequest, AskView), WalletError> {
    let request = PresentationRequest::new(now, views::preset(preset))
        .map_err(|_| WalletError::Internal("no randomness for a request"))?;
    let text = request.to_text().map_err(|_| WalletError::Internal("the request does not encode"))?;
    let qr = qr::encode(&text).map_err(|_| WalletError::Internal("the request does not fit a QR code"))?;
    Ok((request, AskView { qr_svg: qr.to_svg(QR_MODULE_PX), code: request.code(), preset }))
}

/// The holder reads the request `text`: who asks (its code), what, and which of the wallet's
/// current certificates can answer — each with exactly the attributes it would show — leaving
/// out those the wallet's own check against `lists` at `now` finds invalid (revoked, expired).
/// Nothing is signed or logged.
///
/// # Errors
/// [`WalletError::BadRequest`] when the text is not a request; [`WalletError::Store`].
pub fn read_request<S: WalletStore + ?Sized>(
    store: &S,
    lists: &Lists,
    text: &str,
    now: i64,
) -> Result<RequestView, WalletError> {
    let request = PresentationRequest::from_text(text).map_err(|_| WalletError::BadRequest)?;
    let device = store.device_key().verifying_key();
    let mut choices = Vec::new();
    for certificate in store.certificates()? {
        if lists.check(&certificate.issued, &device, now).is_some_and(|v| v.outcome == Outcome::Invalid) {
            continue;
        }
        // A certificate the preset does not apply to cannot answer.
        let Ok(ready) = Presentation::new(&certificate.issued).and_then(|p| p.disclose(&request.asked))
        else {
            continue;
        };
        choices.push(AnswerChoiceView {
            id: certificate.id.to_string(),
            type_slug: certificate.certificate_type.slug().to_owned(),
            type_name: certificate.certificate_type.name().to_owned(),
            disclosed: ready.disclosed_names().map(str::to_owned).collect(),
        });
    }
    Ok(RequestView {
        text: text.to_owned(),
        code: request.code(),
        preset: preset_view(request.asked),
        asked_at: views::time_text(request.issued_at),
        choices,
    })
}

/// The holder agreed: signs at `now` the answer to the request with the certificate chosen,
/// disclosing what the request asks for and nothing else, bound to the request's nonce; logs it.
///
/// # Errors
/// [`WalletError::BadRequest`] when the request or identifier does not parse,
/// [`WalletError::PresetNotApplicable`], [`WalletError::NotFound`], or a signing or storage
/// failure.
pub fn answer<S: WalletStore + ?Sized>(
    store: &mut S,
    request: &AnswerRequest,
    now: i64,
) -> Result<PresentationView, WalletError> {
    let asked = PresentationRequest::from_text(&request.request).map_err(|_| WalletError::BadRequest)?;
    let id = CertificateId::parse(&request.id).map_err(|_| WalletError::BadRequest)?;
    let certificate = store.certificate(&id)?;
    let signed = Presentation::new(&certificate.issued)?.disclose(&asked.asked)?.sign_for_request(
        store.device_key(),
        now,
        &asked,
    )?;
    let qr = signed.to_qr().map_err(|_| WalletError::Internal("the presentation does not fit a QR code"))?;
    store.log_presentation(&PresentationRecord {
        presented_at: now,
        certificate_id: id,
        preset: views::preset_name(preset_view(asked.asked)).to_owned(),
        disclosed: signed.disclosed_names().to_vec(),
        recipient: crate::records::Recipient::Request { code: asked.code() },
    })?;
    Ok(PresentationView {
        qr_svg: qr.to_svg(QR_MODULE_PX),
        qr_version: qr.version(),
        refresh_in_secs: signed.seconds_until_refresh(now),
        disclosed: signed.disclosed_names().to_vec(),
    })
}
