//! The certificates of an open wallet: cards, the detail with its versions and check, and
//! presenting one as a QR code.

use shimin_wire::wallet::{
    CertificateCardView, CertificateDetailView, PresentRequest, PresentationView, PresetOptionView,
    PresetView,
};

use super::error::WalletError;
use super::lists::Lists;
use super::store::WalletStore;
use crate::card_state;
use crate::cert::{CertificateId, IssuedCertificate};
use crate::present::Presentation;
use crate::records::{PresentationRecord, Search};
use crate::views;

/// Pixels per module of the SVG QR code before CSS scales it.
const QR_MODULE_PX: u32 = 4;

fn parse_id(id: &str) -> Result<CertificateId, WalletError> {
    CertificateId::parse(id).map_err(|_| WalletError::BadRequest)
}

/// The current certificates matching `query` (all when blank), each with the badge of its check
/// against `lists` at `now`, in the wallet's order ([`card_state::arrange`]): the ones that can
/// be shown first, soonest expiry first, then the inactive ones (expired, withdrawn, replaced),
/// newest first. Whether a card was replaced is decided over every certificate held, whatever
/// the query.
///
/// # Errors
/// [`WalletError::Store`] for a damaged wallet.
pub fn cards<S: WalletStore + ?Sized>(
    store: &S,
    lists: &Lists,
    query: &str,
    now: i64,
) -> Result<Vec<CertificateCardView>, WalletError> {
    let query = query.trim();
    let mut cards = all_cards(store, lists, now)?;
    if !query.is_empty() {
        let found: Vec<String> = store
            .search(&Search { text: Some(query.to_owned()), ..Search::default() })?
            .iter()
            .map(|c| c.id.to_string())
            .collect();
        cards.retain(|card| found.contains(&card.id));
    }
    card_state::arrange(&mut cards);
    Ok(cards)
}

/// The card of every current certificate held, replaced ones marked, in the store's order.
fn all_cards<S: WalletStore + ?Sized>(
    store: &S,
    lists: &Lists,
    now: i64,
) -> Result<Vec<CertificateCardView>, WalletError> {
    let held = store.certificates()?;
    let device = store.device_key().verifying_key();
    let mut cards: Vec<CertificateCardView> = held
        .iter()
        .map(|c| views::card_view(c, lists.check(&c.issued, &device, now).as_ref(), now))
        .collect();
    card_state::mark_replaced(&held, &mut cards);
    Ok(cards)
}

/// The presets `issued` can be shown with, each with the names it would disclose (what 亮证's
/// chips promise is what the code will carry: no photo for a certificate without one).
fn preset_options(issued: &IssuedCertificate) -> Vec<PresetOptionView> {
    [PresetView::Identity, PresetView::AgeOver18, PresetView::Full]
        .into_iter()
        .filter_map(|preset| {
            let ready = Presentation::new(issued).ok()?.disclose(&views::preset(preset)).ok()?;
            Some(PresetOptionView { preset, disclosed: ready.disclosed_names().map(str::to_owned).collect() })
        })
        .collect()
}

/// Everything about the certificate `id`: its card, attributes, issuer, check, versions and the
/// presets it can be shown with.
///
/// # Errors
/// [`WalletError::BadRequest`] for a malformed identifier, [`WalletError::NotFound`].
pub fn detail<S: WalletStore + ?Sized>(
    store: &S,
    lists: &Lists,
    id: &str,
    now: i64,
) -> Result<CertificateDetailView, WalletError> {
    let id = parse_id(id)?;
    let certificate = store.certificate(&id)?;
    let device = store.device_key().verifying_key();
    let verdict = lists.check(&certificate.issued, &device, now);
    let versions = store.versions(&id)?;
    let mut view = views::detail_view(&certificate, verdict.as_ref(), &versions, now);
    view.presets = preset_options(&certificate.issued);
    // The card says "replaced" here too, as in the wallet.
    if let Some(card) = all_cards(store, lists, now)?.into_iter().find(|c| c.id == view.card.id) {
        view.card = card;
    }
    Ok(view)
}

/// Signs a presentation of the certificate with the device key at `now` and draws its QR code;
/// logs it unless it is a redraw (`request.refresh`) of a code already shown.
///
/// # Errors
/// [`WalletError::PresetNotApplicable`], [`WalletError::NotFound`], or a signing or storage
/// failure.
pub fn present<S: WalletStore + ?Sized>(
    store: &mut S,
    request: &PresentRequest,
    now: i64,
) -> Result<PresentationView, WalletError> {
    let id = parse_id(&request.id)?;
    let certificate = store.certificate(&id)?;
    let signed = Presentation::new(&certificate.issued)?
        .disclose(&views::preset(request.preset))?
        .sign(store.device_key(), now)?;
    let qr = signed.to_qr().map_err(|_| WalletError::Internal("the presentation does not fit a QR code"))?;
    if !request.refresh {
        store.log_presentation(&PresentationRecord {
            presented_at: now,
            certificate_id: id,
            preset: views::preset_name(request.preset).to_owned(),
            disclosed: signed.disclosed_names().to_vec(),
            recipient: crate::records::Recipient::Scanned,
        })?;
    }
    Ok(PresentationView {
        qr_svg: qr.to_svg(QR_MODULE_PX),
        qr_version: qr.version(),
        refresh_in_secs: signed.seconds_until_refresh(now),
        disclosed: signed.disclosed_names().to_vec(),
    })
}
