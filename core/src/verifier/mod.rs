//! Verifying a presentation offline: the text of a QR code (or a picture or camera frame holding
//! one) in, a reasoned [`Verdict`] out.
//!
//! The checks, in order; a failure in the first group stops there, since nothing after it can be
//! read, while the checks of the second group all run so that the verdict lists every problem:
//!
//! 1. QR code → `SM1:` prefix → Base45 → zlib (capped at
//!    [`VerifierPolicy::max_decompressed_len`]) → CBOR → issuer COSE_Sign1 → key id on the
//!    trust list → issuer signature → certificate payload.
//! 2. issuer holds the key; key allowed for the type and valid at the certificate's `iat`;
//!    validity at `now`; status list (revoked / suspended, or amber when not checkable or stale);
//!    every disclosed attribute against its digest; device signature by the certificate's device
//!    key, over this certificate and these attributes, signed no more than
//!    [`VerifierPolicy::max_age_secs`] before `now` and no more than
//!    [`VerifierPolicy::clock_tolerance_secs`] after it.
//!
//! The trust list and status lists come from caches; their age is in the verdict and a stale one
//! makes it amber. Nothing here reads a clock, does I/O, or panics on any input.

mod seen;
mod verdict;

use std::collections::{HashMap, HashSet};

use crate::cert::{CertificatePayload, Disclosure, IssuedCertificate};
use crate::cose::{CoseError, CwtClaims, Sign1};
use crate::crypto::{self, SigningPurpose, VerifyingKey};
use crate::present::{
    DeviceSignedPayload, MAX_DECOMPRESSED_LEN, PRESENTATION_REFRESH_SECS, PresentationRequest,
    PresentationWire, WireError,
};
use crate::qr::{self, Effort, Frame};
use crate::status_list::{Status, StatusListError, VerifiedStatusList};
use crate::trust::{CachedCopy, IssuerEntry, IssuerRejection, VerifiedTrustList};

pub use seen::{SEEN_CAPACITY, SEEN_WINDOW_SECS, SeenPresentations};
pub use verdict::{AttributeView, CertificateView, ListAge, Outcome, Reason, Severity, ValueView, Verdict};

/// How far two honest clocks may disagree, in seconds: the allowance a device's signing time gets
/// in the future of the verifier's clock, and on top of the refresh interval in its past.
pub const CLOCK_TOLERANCE_SECS: u64 = 30;

/// What the verifier tolerates.
///
/// The acceptance window is asymmetric on purpose. A genuine code is at most one refresh interval
/// old ([`PRESENTATION_REFRESH_SECS`]) when it is scanned, so anything older is a screenshot or a
/// recording; and a genuine code is never from the future, so one dated ahead by more than the
/// clocks' tolerance was made in advance (a device clock set forward) to be shown later by
/// someone else.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VerifierPolicy {
    /// How long before the verifier's `now` the device may have signed, in seconds.
    pub max_age_secs: u64,
    /// How far after the verifier's `now` the device may have signed (the clocks' tolerance),
    /// in seconds.
    pub clock_tolerance_secs: u64,
    /// The most bytes a presentation may inflate to.
    pub max_decompressed_len: usize,
}

impl Default for VerifierPolicy {
    /// Signed at most 60 s before `now` (the 30 s refresh interval plus the clocks' tolerance) and
    /// at most 30 s after it; [`MAX_DECOMPRESSED_LEN`].
    fn default() -> Self {
        Self {
            max_age_secs: PRESENTATION_REFRESH_SECS + CLOCK_TOLERANCE_SECS,
            clock_tolerance_secs: CLOCK_TOLERANCE_SECS,
            max_decompressed_len: MAX_DECOMPRESSED_LEN,
        }
    }
}

/// Where the verifier finds cached status lists, by URI. The lists must have been verified with
/// keys the app trusts before they were cached.
pub trait StatusListSource {
    /// The cached list published at `uri`, if there is one.
    fn status_list(&self, uri: &str) -> Option<&CachedCopy<VerifiedStatusList>>;
}

/// No status lists at all: every verdict says revocation was not checkable.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NoStatusLists;

impl StatusListSource for NoStatusLists {
    fn status_list(&self, _uri: &str) -> Option<&CachedCopy<VerifiedStatusList>> {
        None
    }
}

impl StatusListSource for HashMap<String, CachedCopy<VerifiedStatusList>> {
    fn status_list(&self, uri: &str) -> Option<&CachedCopy<VerifiedStatusList>> {
        self.get(uri)
    }
}

impl StatusListSource for [CachedCopy<VerifiedStatusList>] {
    fn status_list(&self, uri: &str) -> Option<&CachedCopy<VerifiedStatusList>> {
        self.iter().find(|c| c.list().claims().uri == uri)
    }
}

impl StatusListSource for Vec<CachedCopy<VerifiedStatusList>> {
    fn status_list(&self, uri: &str) -> Option<&CachedCopy<VerifiedStatusList>> {
        self.as_slice().status_list(uri)
    }
}

/// An offline verifier: a cached trust list, cached status lists and a policy.
#[derive(Debug)]
pub struct Verifier<'a, S: ?Sized> {
    trust: &'a CachedCopy<VerifiedTrustList>,
    status_lists: &'a S,
    policy: VerifierPolicy,
}

/// The findings so far.
struct Findings {
    reasons: Vec<Reason>,
    certificate: Option<CertificateView>,
    attributes: Vec<AttributeView>,
    device_signed_at: Option<i64>,
    presentation_key: Option<[u8; 32]>,
    status_list: Option<ListAge>,
}

impl<'a, S: StatusListSource + ?Sized> Verifier<'a, S> {
    /// A verifier trusting `trust` (a verified list and when it was fetched; wrap a list fetched
    /// just now with `CachedCopy::new(list, now)`), looking up status lists in `status_lists`.
    pub fn new(
        trust: &'a CachedCopy<VerifiedTrustList>,
        status_lists: &'a S,
        policy: VerifierPolicy,
    ) -> Self {
        Self { trust, status_lists, policy }
    }

    /// Verifies presentation `text` at `now` (Unix seconds).
    pub fn verify_text(&self, text: &str, now: i64) -> Verdict {
        self.verdict(now, |f| self.check_text(text, now, f))
    }

    /// Verifies `text` at `now` as the answer to this verifier's `request` (the two-way mode):
    /// every check of [`Verifier::verify_text`], and the device signature must cover the
    /// request's nonce ([`Reason::NotThisRequest`] otherwise: a one-way code, a code made for
    /// another request, or one recorded earlier).
    pub fn verify_answer(&self, text: &str, request: &PresentationRequest, now: i64) -> Verdict {
        self.verdict(now, |f| {
            self.check_text(text, now, f)?;
            let nonce = PresentationWire::from_text(text, self.policy.max_decompressed_len)
                .ok()
                .and_then(|w| w.device_signature)
                .and_then(|d| d.request_nonce);
            if f.device_signed_at.is_some() && nonce != Some(request.nonce) {
                f.reasons.push(Reason::NotThisRequest);
            }
            Ok(())
        })
    }

    /// The wallet's own check of a certificate it holds for the device whose public key is
    /// `device`, at `now`: every check a verifier makes of a presentation disclosing all of its
    /// attributes — issuer signature and trust, validity, status, each attribute against its
    /// digest — and, instead of a device signature, that the certificate is bound to `device`
    /// (otherwise [`Reason::DeviceSignatureBad`]: this device could not present it). Nothing is
    /// signed: the verdict equals the one a verifier would give to a fresh presentation by this
    /// device, without the cost of making one.
    pub fn verify_issued(&self, issued: &IssuedCertificate, device: &VerifyingKey, now: i64) -> Verdict {
        self.verdict(now, |f| {
            let (payload, _) = self.check_certificate(&issued.signed, &issued.disclosures, now, f)?;
            if payload.device_key != *device {
                f.reasons.push(Reason::DeviceSignatureBad);
            }
            Ok(())
        })
    }

    /// The verdict of `check` at `now`, with the trust list's age.
    fn verdict(&self, now: i64, check: impl FnOnce(&mut Findings) -> Result<(), Reason>) -> Verdict {
        let mut f = Findings {
            reasons: Vec::new(),
            certificate: None,
            attributes: Vec::new(),
            device_signed_at: None,
            presentation_key: None,
            status_list: None,
        };
        let trust_age = self.trust.freshness(now);
        if trust_age.stale {
            f.reasons.push(Reason::TrustListStale { age_seconds: trust_age.age_seconds });
        }
        if let Err(reason) = check(&mut f) {
            f.reasons.push(reason);
        }
        Verdict {
            outcome: Verdict::outcome_of(&f.reasons),
            certificate: f.certificate,
            attributes: f.attributes,
            device_signed_at: f.device_signed_at,
            presentation_key: f.presentation_key,
            trust_list: trust_age.into(),
            status_list: f.status_list,
            reasons: f.reasons,
        }
    }

    /// Verifies the presentation in a PNG or JPEG picture at `now`.
    pub fn verify_image(&self, image: &[u8], now: i64) -> Verdict {
        match qr::decode_image(image) {
            Ok(text) => self.verify_text(&text, now),
            Err(_) => self.no_code(now),
        }
    }

    /// Verifies the presentation in a camera frame at `now`.
    pub fn verify_frame(&self, frame: &Frame<'_>, effort: Effort, now: i64) -> Verdict {
        match qr::decode_frame(frame, effort) {
            Ok(text) => self.verify_text(&text, now),
            Err(_) => self.no_code(now),
        }
    }

    fn no_code(&self, now: i64) -> Verdict {
        let reasons = vec![Reason::NoQrCode];
        Verdict {
            outcome: Verdict::outcome_of(&reasons),
            certificate: None,
            attributes: Vec::new(),
            device_signed_at: None,
            presentation_key: None,
            trust_list: self.trust.freshness(now).into(),
            status_list: None,
            reasons,
        }
    }

    /// The checks of a presentation's text; `Err` is a finding after which nothing more can be
    /// read.
    fn check_text(&self, text: &str, now: i64, f: &mut Findings) -> Result<(), Reason> {
        let wire =
            PresentationWire::from_text(text, self.policy.max_decompressed_len).map_err(wire_reason)?;
        let (payload, payload_bytes) =
            self.check_certificate(&wire.issuer_signed, &wire.disclosures, now, f)?;
        self.check_device(&wire, &payload, &payload_bytes, now, f);
        Ok(())
    }

    /// The checks of an issuer-signed certificate and the attributes shown with it, shared by
    /// presentations and the wallet's own check; answers the payload and its signed bytes for the
    /// device binding.
    fn check_certificate(
        &self,
        issuer_signed: &[u8],
        disclosures: &[Disclosure],
        now: i64,
        f: &mut Findings,
    ) -> Result<(CertificatePayload, Vec<u8>), Reason> {
        let message = Sign1::decode(issuer_signed).map_err(|_| Reason::BadCoseStructure)?;
        let key_id = message.key_id().ok_or(Reason::UnknownKeyId)?;
        let entry = self.trust.list().entry(key_id).ok_or(Reason::UnknownKeyId)?;
        let payload_bytes =
            message.verify_own(SigningPurpose::Certificate, entry.public_key()).map_err(|e| match e {
                CoseError::Malformed(_) => Reason::BadCoseStructure,
                _ => Reason::BadIssuerSignature,
            })?;
        let claims = CwtClaims::from_slice(payload_bytes).map_err(|_| Reason::BadCertificatePayload)?;
        let payload = CertificatePayload::from_claims(&claims).map_err(|_| Reason::BadCertificatePayload)?;
        f.certificate = Some(certificate_view(&payload, entry));

        self.check_issuer(entry, &payload, f);
        if now < payload.not_before || now < payload.issued_at {
            f.reasons.push(Reason::NotYetValid { not_before: payload.not_before.max(payload.issued_at) });
        }
        if let Some(expired_at) = payload.expires_at.filter(|exp| now >= *exp) {
            f.reasons.push(Reason::Expired { expired_at });
        }
        self.check_status(&payload, now, f);
        check_disclosures(&payload, disclosures, f);
        Ok((payload, payload_bytes.to_vec()))
    }

    fn check_issuer(&self, entry: &IssuerEntry, payload: &CertificatePayload, f: &mut Findings) {
        if payload.issuer().as_str() != entry.department().code() {
            f.reasons.push(Reason::IssuerMismatch);
        }
        match entry.check(payload.certificate_type.code_str(), payload.issued_at) {
            Ok(()) => {}
            Err(IssuerRejection::UnknownKeyId) => f.reasons.push(Reason::UnknownKeyId),
            Err(IssuerRejection::TypeNotAllowed) => f.reasons.push(Reason::TypeNotAllowed),
            Err(IssuerRejection::KeyCompromised) => f.reasons.push(Reason::IssuerKeyCompromised),
            Err(_) => f.reasons.push(Reason::IssuerKeyOutsideValidity),
        }
    }

    fn check_status(&self, payload: &CertificatePayload, now: i64, f: &mut Findings) {
        let Some(copy) = self.status_lists.status_list(&payload.status.uri) else {
            f.reasons.push(Reason::StatusListMissing);
            return;
        };
        // Only the certificate's own department speaks for its status: a list signed by another
        // department's key (or by a key not on the trust list, or by a compromised one) is as
        // good as none.
        let signer = Sign1::decode(copy.list().signed_bytes()).ok().and_then(|m| {
            m.key_id()
                .and_then(|kid| self.trust.list().entry(kid))
                .filter(|e| e.is_trusted())
                .map(|e| e.department().code().to_owned())
        });
        if signer.as_deref() != Some(payload.issuer().as_str()) {
            f.reasons.push(Reason::StatusListWrongIssuer);
            return;
        }
        let age = copy.freshness(now);
        f.status_list = Some(age.into());
        if age.stale {
            f.reasons.push(Reason::StatusListStale { age_seconds: age.age_seconds });
        }
        let list_age_seconds = age.age_seconds;
        let Ok(index) = usize::try_from(payload.status.index) else {
            f.reasons.push(Reason::StatusIndexOutOfRange);
            return;
        };
        match copy.list().status_for(&payload.status.uri, index) {
            Ok(Status::Valid) => {}
            Ok(Status::Invalid) => f.reasons.push(Reason::Revoked { list_age_seconds }),
            Ok(Status::Suspended) => f.reasons.push(Reason::Suspended { list_age_seconds }),
            Ok(Status::Other(value)) => f.reasons.push(Reason::UnknownStatus { value, list_age_seconds }),
            Err(StatusListError::IndexOutOfRange { .. }) => f.reasons.push(Reason::StatusIndexOutOfRange),
            Err(_) => f.reasons.push(Reason::StatusListMissing),
        }
    }

    fn check_device(
        &self,
        wire: &PresentationWire,
        payload: &CertificatePayload,
        issuer_payload: &[u8],
        now: i64,
        f: &mut Findings,
    ) {
        let Some(device) = &wire.device_signature else {
            f.reasons.push(Reason::DeviceSignatureMissing);
            return;
        };
        let expected = DeviceSignedPayload {
            issuer_payload_digest: crypto::sha256(issuer_payload),
            disclosed_names: wire.disclosures.iter().map(|d| d.name.clone()).collect(),
            signed_at: device.signed_at,
            request_nonce: device.request_nonce,
        };
        let verified = expected.to_cbor().ok().and_then(|payload_bytes| {
            let key = [payload.device_key.as_bytes(), payload_bytes.as_slice()].concat();
            Sign1::decode_detached(&device.cose, payload_bytes)
                .and_then(|m| m.verify_own(SigningPurpose::Presentation, &payload.device_key).map(|_| ()))
                .ok()
                .map(|()| crypto::sha256(&key))
        });
        let Some(presentation_key) = verified else {
            f.reasons.push(Reason::DeviceSignatureBad);
            return;
        };
        f.device_signed_at = Some(device.signed_at);
        f.presentation_key = Some(presentation_key);
        let skew = now.saturating_sub(device.signed_at);
        let too_old = skew > 0 && skew.unsigned_abs() > self.policy.max_age_secs;
        let from_the_future = skew < 0 && skew.unsigned_abs() > self.policy.clock_tolerance_secs;
        if too_old || from_the_future {
            f.reasons.push(Reason::ExpiredScreenshot { skew_seconds: skew });
        }
    }
}

fn wire_reason(e: WireError) -> Reason {
    match e {
        WireError::BadPrefix => Reason::BadPrefix,
        WireError::BadBase45 => Reason::BadBase45,
        WireError::BadZlib => Reason::BadZlib,
        WireError::TooLarge { limit } => Reason::TooLarge { limit },
        WireError::UnsupportedVersion(version) => Reason::UnsupportedVersion { version },
        WireError::UnknownAttribute => Reason::UnknownAttribute,
        WireError::BadCbor(_) | WireError::Encode => Reason::BadCbor,
    }
}

fn certificate_view(payload: &CertificatePayload, entry: &IssuerEntry) -> CertificateView {
    CertificateView {
        type_code: payload.certificate_type.code_str().to_owned(),
        type_name: payload.certificate_type.name().to_owned(),
        identifier: payload.id.to_string(),
        issuer_code: payload.issuer().as_str().to_owned(),
        issuer_name: entry.department().name().to_owned(),
        valid_from: payload.not_before,
        valid_until: payload.expires_at,
    }
}

fn check_disclosures(payload: &CertificatePayload, disclosures: &[Disclosure], f: &mut Findings) {
    let mut seen = HashSet::with_capacity(disclosures.len());
    for d in disclosures {
        let attribute = || d.name.clone();
        if !seen.insert(d.name.as_str()) {
            f.reasons.push(Reason::DuplicateDisclosure { attribute: attribute() });
            continue;
        }
        let Some(signed) = payload.digest_of(&d.name) else {
            f.reasons.push(Reason::NotSignedAttribute { attribute: attribute() });
            continue;
        };
        if d.digest().ok().as_ref() != Some(signed) {
            f.reasons.push(Reason::DigestMismatch { attribute: attribute() });
            continue;
        }
        f.attributes.push(AttributeView::new(&d.name, &d.value));
    }
}
