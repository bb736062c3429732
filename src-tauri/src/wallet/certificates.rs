//! The certificates of an open wallet: cards, detail with versions and check, and presenting one.

use shimin_core::cert::types::names;
use shimin_core::cert::{AttributeValue, CertificateId};
use shimin_core::present::Presentation;
use shimin_core::verifier::Verdict;
use shimin_core::views;
use shimin_store::{PresentationRecord, Search, StoredCertificate, Wallet};
use shimin_wire::wallet::{
    CertificateCardView, CertificateDetailView, PresentRequest, PresentationView, VersionView,
};

use super::AppError;
use super::lists::CachedLists;

/// Pixels per module of the SVG QR code before CSS scales it.
const QR_MODULE_PX: u32 = 4;

fn parse_id(id: &str) -> Result<CertificateId, AppError> {
    CertificateId::parse(id).map_err(|_| AppError::BadRequest)
}

fn card(c: &StoredCertificate, check: Option<&Verdict>, now: i64) -> CertificateCardView {
    CertificateCardView {
        id: c.id.to_string(),
        type_slug: c.certificate_type.slug().to_owned(),
        type_name: c.certificate_type.name().to_owned(),
        holder_name: c.holder_name().map(str::to_owned),
        valid_from: views::day_text(c.valid_from),
        valid_until: c.valid_to.map(views::last_day_text),
        days_left: c.valid_to.and_then(|to| views::days_left(to, now)),
        badge: views::badge(check, c.valid_to, now),
    }
}

/// The current certificates matching `query` (all when empty), soonest expiry first.
///
/// # Errors
/// [`AppError::Store`] for a damaged wallet.
pub fn list(
    wallet: &Wallet,
    lists: &CachedLists,
    query: &str,
    now: i64,
) -> Result<Vec<CertificateCardView>, AppError> {
    let query = query.trim();
    let found = if query.is_empty() {
        wallet.list()?
    } else {
        wallet.search(&Search { text: Some(query.to_owned()), ..Search::default() })?
    };
    Ok(found.iter().map(|c| card(c, lists.check(c, wallet.device_key(), now).as_ref(), now)).collect())
}

/// Everything about the certificate `id`.
///
/// # Errors
/// [`AppError::BadRequest`] for a malformed identifier, [`AppError::NotFound`].
pub fn detail(
    wallet: &Wallet,
    lists: &CachedLists,
    id: &str,
    now: i64,
) -> Result<CertificateDetailView, AppError> {
    let id = parse_id(id)?;
    let c = wallet.get(&id)?;
    let verdict = lists.check(&c, wallet.device_key(), now);
    let issuer_from_list =
        verdict.as_ref().and_then(|v| v.certificate.as_ref()).map(|c| c.issuer_name.clone());
    let issuer_printed = match c.attribute(names::ISSUER_NAME) {
        Some(AttributeValue::Text(name)) => Some(name.clone()),
        _ => None,
    };
    let versions = wallet
        .history(&id)?
        .iter()
        .map(|v| VersionView {
            id: v.id.to_string(),
            version: v.id.version(),
            valid_from: views::day_text(v.valid_from),
            valid_until: v.valid_to.map(views::last_day_text),
            current: v.current,
            imported_at: views::time_text(v.imported_at),
        })
        .collect();
    Ok(CertificateDetailView {
        card: card(&c, verdict.as_ref(), now),
        attributes: c.issued.disclosures.iter().map(|d| views::attribute_view(&d.name, &d.value)).collect(),
        issuer_name: issuer_from_list.or(issuer_printed),
        issuer_code: id.issuer().as_str().to_owned(),
        check: verdict.as_ref().map_or_else(views::unchecked_view, views::check_view),
        versions,
    })
}

/// Signs a presentation of the certificate with the device key at `now` and draws its QR code;
/// logs it unless it is a redraw of a code already shown.
///
/// # Errors
/// [`AppError::PresetNotApplicable`], [`AppError::NotFound`], or a signing or storage failure.
pub fn present(
    wallet: &mut Wallet,
    request: &PresentRequest,
    now: i64,
) -> Result<PresentationView, AppError> {
    let id = parse_id(&request.id)?;
    let c = wallet.get(&id)?;
    let signed = Presentation::new(&c.issued)?
        .disclose(&views::preset(request.preset))?
        .sign(wallet.device_key(), now)?;
    let qr = signed.to_qr().map_err(|_| AppError::Internal("the presentation does not fit a QR code"))?;
    if !request.refresh {
        wallet.log_presentation(&PresentationRecord {
            presented_at: now,
            certificate_id: id,
            preset: views::preset_name(request.preset).to_owned(),
            disclosed: signed.disclosed_names().to_vec(),
        })?;
    }
    Ok(PresentationView {
        qr_svg: qr.to_svg(QR_MODULE_PX),
        qr_version: qr.version(),
        refresh_in_secs: signed.seconds_until_refresh(now),
        disclosed: signed.disclosed_names().to_vec(),
    })
}
