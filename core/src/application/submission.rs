//! What the device sends for an application, the binding of a wallet presentation to it, and the
//! automatic pre-review (自动预审) that checks it against the service's guide.
//!
//! # The submission
//!
//! | field | what |
//! |---|---|
//! | application id | 128 random bits the device draws ([`ApplicationId::random`]): the idempotency key (the outbox may send it twice; the backend stores it once) and the binding nonce's input |
//! | service code, catalogue version | the guide the form was filled against |
//! | values | the form's answers ([`crate::catalogue::form`]) |
//! | per material | its index in the guide and its source: a wallet presentation's `SM1:` text, a library item's id, or an upload's SHA-256, type and size (the bytes travel beside it) |
//!
//! # Binding a wallet presentation
//!
//! A presentation for an application is an ordinary `SM1:` presentation in the two-way mode
//! ([`crate::present::PresentationRequest`]): its device signature covers a 16-byte request
//! nonce, here not drawn at random but derived:
//!
//! ```text
//! nonce = SHA-256("shimin/application/v1" ‖ department credit code (18 ASCII bytes) ‖ application id (16 bytes))[..16]
//! ```
//!
//! so one made for another department (audience) or another application fails with
//! [`crate::verifier::Reason::NotThisRequest`], and a presentation replayed from one application
//! into another is refused. The department verifies it with the same [`Verifier`] as an offline
//! code, with a longer age allowance ([`PRESENTATION_MAX_AGE_SECS`]): an application may wait
//! in the outbox while the phone is offline; the nonce, not the age, keeps it from being reused.
//!
//! # The pre-review
//!
//! [`precheck`] gives every [`Finding`] at once: the service open, the form's rules, every
//! required material (and every conditional one the answers call for) given, each source
//! acceptable — a presentation valid, bound, of the right type, carrying what the service needs;
//! a library item reusable by its class; an upload within the limits. The bytes of an upload are
//! checked with [`super::material::check_upload`] when they arrive, against the digest here.

use std::collections::BTreeMap;
use std::fmt;

use shimin_wire::application::{
    FieldValueDto, FindingDto, MaterialSourceDto, MaterialSubmissionDto, SubmissionRequest,
};
use time::Date;

use super::material::{
    LibraryItem, MAX_APPLICATION_UPLOAD_BYTES, MAX_UPLOAD_BYTES, Unusable, UploadType, library_decision,
};
use crate::catalogue::code::ServiceCode;
use crate::catalogue::form::{CheckedValues, FieldProblem, Value};
use crate::catalogue::guide::{Requirement, Service};
use crate::cert::{CertificateType, CreditCode, IssuedCertificate};
use crate::crypto::{self, CryptoError};
use crate::present::{
    DeviceSigner, PresentError, Presentation, PresentationRequest, Preset, REQUEST_NONCE_LEN,
    SignedPresentation,
};
use crate::trust::{CachedCopy, VerifiedTrustList};
use crate::verifier::{Outcome, Reason, StatusListSource, ValueView, Verdict, Verifier, VerifierPolicy};

/// The domain label of the binding nonce.
pub const NONCE_LABEL: &[u8] = b"shimin/application/v1";
/// How long after its signing a presentation for an application is taken: seven days, the
/// longest an application is expected to wait in the outbox.
pub const PRESENTATION_MAX_AGE_SECS: u64 = 7 * 86_400;
/// The most materials and the most answers a submission may carry.
const MAX_ITEMS: usize = 100;
/// The longest presentation text taken (a certificate with a photo is a few kilobytes).
const MAX_PRESENTATION_CHARS: usize = 16 * 1024;

/// An application's id: 128 bits the device draws.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ApplicationId([u8; 16]);

impl ApplicationId {
    /// A fresh random id.
    ///
    /// # Errors
    /// [`CryptoError::Random`].
    pub fn random() -> Result<Self, CryptoError> {
        crypto::random_bytes().map(Self)
    }

    /// Parses 32 lower-case hex digits.
    ///
    /// # Errors
    /// [`SubmissionError::ApplicationId`].
    pub fn parse(text: &str) -> Result<Self, SubmissionError> {
        let b = text.as_bytes();
        if b.len() != 32 || !b.iter().all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(c)) {
            return Err(SubmissionError::ApplicationId);
        }
        let mut out = [0u8; 16];
        for (i, pair) in b.chunks(2).enumerate() {
            let hex = std::str::from_utf8(pair).map_err(|_| SubmissionError::ApplicationId)?;
            out[i] = u8::from_str_radix(hex, 16).map_err(|_| SubmissionError::ApplicationId)?;
        }
        Ok(Self(out))
    }

    /// The bytes.
    pub fn as_bytes(&self) -> &[u8; 16] {
        &self.0
    }
}

impl fmt::Display for ApplicationId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.iter().try_for_each(|b| write!(f, "{b:02x}"))
    }
}

/// The request nonce that binds a presentation to `department` and application `id`.
pub fn binding_nonce(department: &CreditCode, id: &ApplicationId) -> [u8; REQUEST_NONCE_LEN] {
    let mut input = Vec::with_capacity(NONCE_LABEL.len() + 18 + 16);
    input.extend_from_slice(NONCE_LABEL);
    input.extend_from_slice(department.as_str().as_bytes());
    input.extend_from_slice(id.as_bytes());
    let digest = crypto::sha256(&input);
    let mut nonce = [0u8; REQUEST_NONCE_LEN];
    nonce.copy_from_slice(&digest[..REQUEST_NONCE_LEN]);
    nonce
}

fn binding_request(department: &CreditCode, id: &ApplicationId, now: i64) -> PresentationRequest {
    // Only the nonce is signed; `asked` names what a scanned request would ask for and plays no
    // part here (the service's needs are in the guide).
    PresentationRequest { nonce: binding_nonce(department, id), issued_at: now, asked: Preset::Full }
}

/// The attributes a presentation of `certificate` for `service` carries: the holder's number
/// (the 一号 index: whose certificate it is), the name where the type has one, and every
/// attribute of that type the form prefills. Nothing else leaves the phone.
pub fn needed_attributes(service: &Service, certificate: CertificateType) -> Vec<&'static str> {
    let mut names = vec![certificate.holder_attribute().1];
    if certificate != CertificateType::BusinessLicence {
        names.push(crate::cert::types::names::NAME);
    }
    if let Some(form) = &service.form {
        for p in form.fields().iter().filter_map(|f| f.prefill) {
            if p.certificate == certificate && !names.contains(&p.attribute) {
                names.push(p.attribute);
            }
        }
    }
    names
}

/// The holder's side: a presentation of `issued` for `service`'s application `id`, with only
/// [`needed_attributes`], bound to the service's department and this application, signed at
/// `now`.
///
/// # Errors
/// [`PresentError`]: the certificate lacks an attribute the service needs, or signing failed.
pub fn present_for_application(
    issued: &IssuedCertificate,
    certificate: CertificateType,
    service: &Service,
    id: &ApplicationId,
    signer: &dyn DeviceSigner,
    now: i64,
) -> Result<SignedPresentation, PresentError> {
    let request = binding_request(&service.organ.code, id, now);
    Presentation::new(issued)?
        .disclose_only(&needed_attributes(service, certificate))?
        .sign_for_request(signer, now, &request)
}

/// Why a submission cannot even be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SubmissionError {
    /// The application id is not 32 lower-case hex digits.
    #[error("the application id is not valid")]
    ApplicationId,
    /// The service code does not parse.
    #[error("the service code is not valid")]
    ServiceCode,
    /// An upload's digest is not 64 lower-case hex digits.
    #[error("an upload's digest is not valid")]
    Digest,
    /// A presentation text longer than any presentation.
    #[error("a presentation is too long")]
    PresentationTooLong,
    /// More materials or answers than any form has.
    #[error("the submission has too many items")]
    TooManyItems,
}

/// Where one material comes from. `Debug` hides the presentation (it carries personal data).
#[derive(Clone, PartialEq, Eq)]
pub enum MaterialSource {
    /// An `SM1:` presentation.
    Wallet(String),
    /// A library item's id.
    Library(String),
    /// An upload.
    Upload {
        /// SHA-256 of its bytes.
        sha256: [u8; 32],
        /// Its type.
        kind: UploadType,
        /// Its size in bytes.
        size: u64,
    },
}

impl fmt::Debug for MaterialSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MaterialSource::Wallet(_) => f.write_str("Wallet([redacted])"),
            MaterialSource::Library(id) => write!(f, "Library({id:?})"),
            MaterialSource::Upload { kind, size, .. } => write!(f, "Upload({kind:?}, {size} bytes)"),
        }
    }
}

/// A submission, read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submission {
    /// Its id.
    pub id: ApplicationId,
    /// The service.
    pub service_code: ServiceCode,
    /// The catalogue version the form was filled against.
    pub catalogue_version: u64,
    /// The answers, unchecked (the pre-review checks them).
    pub values: BTreeMap<String, FieldValueDto>,
    /// Per material (its index in the guide) its source.
    pub materials: Vec<(u8, MaterialSource)>,
}

impl TryFrom<&SubmissionRequest> for Submission {
    type Error = SubmissionError;

    fn try_from(r: &SubmissionRequest) -> Result<Self, SubmissionError> {
        if r.materials.len() > MAX_ITEMS || r.values.len() > MAX_ITEMS {
            return Err(SubmissionError::TooManyItems);
        }
        let materials = r
            .materials
            .iter()
            .map(|m| {
                let source = match &m.source {
                    MaterialSourceDto::Wallet { presentation }
                        if presentation.len() > MAX_PRESENTATION_CHARS =>
                    {
                        return Err(SubmissionError::PresentationTooLong);
                    }
                    MaterialSourceDto::Wallet { presentation } => {
                        MaterialSource::Wallet(presentation.clone())
                    }
                    MaterialSourceDto::Library { item_id } => MaterialSource::Library(item_id.clone()),
                    MaterialSourceDto::Upload { sha256, media_type, size } => MaterialSource::Upload {
                        sha256: digest(sha256)?,
                        kind: (*media_type).into(),
                        size: *size,
                    },
                };
                Ok((m.material, source))
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self {
            id: ApplicationId::parse(&r.application_id)?,
            service_code: ServiceCode::parse(&r.service_code).map_err(|_| SubmissionError::ServiceCode)?,
            catalogue_version: r.catalogue_version,
            values: r.values.clone(),
            materials,
        })
    }
}

impl From<&Submission> for SubmissionRequest {
    /// The device's side: the request it sends (and the outbox keeps) for a submission.
    fn from(s: &Submission) -> Self {
        let materials = s
            .materials
            .iter()
            .map(|(material, source)| MaterialSubmissionDto {
                material: *material,
                source: match source {
                    MaterialSource::Wallet(text) => MaterialSourceDto::Wallet { presentation: text.clone() },
                    MaterialSource::Library(id) => MaterialSourceDto::Library { item_id: id.clone() },
                    MaterialSource::Upload { sha256, kind, size } => MaterialSourceDto::Upload {
                        sha256: sha256.iter().map(|b| format!("{b:02x}")).collect(),
                        media_type: (*kind).into(),
                        size: *size,
                    },
                },
            })
            .collect();
        SubmissionRequest {
            application_id: s.id.to_string(),
            service_code: s.service_code.to_string(),
            catalogue_version: s.catalogue_version,
            values: s.values.clone(),
            materials,
        }
    }
}

fn digest(hex: &str) -> Result<[u8; 32], SubmissionError> {
    let b = hex.as_bytes();
    if b.len() != 64 || !b.iter().all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(c)) {
        return Err(SubmissionError::Digest);
    }
    let mut out = [0u8; 32];
    for (i, pair) in b.chunks(2).enumerate() {
        let text = std::str::from_utf8(pair).map_err(|_| SubmissionError::Digest)?;
        out[i] = u8::from_str_radix(text, 16).map_err(|_| SubmissionError::Digest)?;
    }
    Ok(out)
}

/// Why a source is not accepted for a material.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceRefusal {
    /// The material names no certificate: a wallet source cannot stand for it.
    NoCertificate,
    /// No such library item among the citizen's.
    UnknownItem,
    /// What [`library_decision`] found, or the material is paper only.
    Unusable(Unusable),
}

impl SourceRefusal {
    /// The code the wire carries.
    pub fn code(self) -> &'static str {
        match self {
            SourceRefusal::NoCertificate => "no_certificate",
            SourceRefusal::UnknownItem => "unknown_item",
            SourceRefusal::Unusable(u) => match u {
                Unusable::OtherCertificate => "other_certificate",
                Unusable::CertificateExpired => "certificate_expired",
                Unusable::CertificateNotValid => "certificate_not_valid",
                Unusable::OtherMaterial => "other_material",
                Unusable::NeverReused => "never_reused",
                Unusable::Expired => "expired",
                Unusable::PaperOnly => "paper_only",
            },
        }
    }
}

/// Why an upload's declared size is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UploadRefusal {
    /// Zero bytes.
    Empty,
    /// Above [`MAX_UPLOAD_BYTES`].
    TooLarge,
    /// The application's uploads together above [`MAX_APPLICATION_UPLOAD_BYTES`].
    TotalTooLarge,
}

/// One finding of the pre-review. Names fields, materials and reasons, never contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Finding {
    /// The service takes no online application (not active, no form, another service).
    ServiceNotOpen,
    /// Filled against an older guide (not blocking: the clerk sees it).
    OlderCatalogue {
        /// The version in force.
        current: u64,
    },
    /// A field's problem.
    Field(FieldProblem),
    /// A material needed and not given.
    MaterialMissing(usize),
    /// A material index the guide does not have, or given twice.
    MaterialUnknown(u8),
    /// A source that cannot stand for the material.
    SourceNotAccepted(usize, SourceRefusal),
    /// An upload refused by its declared size.
    UploadRefused(usize, UploadRefusal),
    /// A presentation that did not verify.
    PresentationInvalid(usize, Vec<Reason>),
    /// A presentation with warnings only (not blocking).
    PresentationWarning(usize, Vec<Reason>),
    /// A presentation not bound to this department and application.
    PresentationNotBound(usize),
    /// A presentation of another certificate type.
    WrongCertificate(usize),
    /// A presentation without an attribute the service needs.
    AttributeMissing(usize, &'static str),
    /// A prefilled field's answer differs from what the presented certificate says.
    AnswerDiffers(usize, String),
}

impl Finding {
    /// Whether it stops the application before a clerk sees it.
    pub fn blocking(&self) -> bool {
        !matches!(self, Finding::OlderCatalogue { .. } | Finding::PresentationWarning(..))
    }
}

/// The pre-review's verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Precheck {
    /// Every finding.
    pub findings: Vec<Finding>,
    /// The checked answers, when the form's rules all hold.
    pub values: Option<CheckedValues>,
}

impl Precheck {
    /// No blocking finding.
    pub fn passed(&self) -> bool {
        !self.findings.iter().any(Finding::blocking)
    }
}

/// The automatic pre-review of `submission` for `service` at `now` (`today` its day in China
/// time): `trust` and `status_lists` are the verifier's lists, exactly as for offline codes;
/// `library` the citizen's material library.
pub fn precheck<S: StatusListSource + ?Sized>(
    service: &Service,
    submission: &Submission,
    trust: &CachedCopy<VerifiedTrustList>,
    status_lists: &S,
    library: &[LibraryItem],
    now: i64,
    today: Date,
) -> Precheck {
    let Some(form) =
        service.form.as_ref().filter(|_| service.is_active() && submission.service_code == service.code)
    else {
        return Precheck { findings: vec![Finding::ServiceNotOpen], values: None };
    };
    let mut findings = Vec::new();
    if submission.catalogue_version < service.version {
        findings.push(Finding::OlderCatalogue { current: service.version });
    }
    let values = match form.check(&submission.values, today) {
        Ok(values) => Some(values),
        Err(problems) => {
            findings.extend(problems.into_iter().map(Finding::Field));
            None
        }
    };
    let policy = VerifierPolicy { max_age_secs: PRESENTATION_MAX_AGE_SECS, ..VerifierPolicy::default() };
    let verifier = Verifier::new(trust, status_lists, policy);
    let request = binding_request(&service.organ.code, &submission.id, now);
    let mut given = vec![false; service.materials.len()];
    let mut upload_total = 0u64;
    for (index, source) in &submission.materials {
        let i = usize::from(*index);
        let Some(material) = service.materials.get(i).filter(|_| !given[i]) else {
            findings.push(Finding::MaterialUnknown(*index));
            continue;
        };
        given[i] = true;
        match source {
            MaterialSource::Wallet(text) => {
                let Some(certificate) = material.satisfied_by else {
                    findings.push(Finding::SourceNotAccepted(i, SourceRefusal::NoCertificate));
                    continue;
                };
                let verdict = verifier.verify_answer(text, &request, now);
                let bound = !verdict.has(&Reason::NotThisRequest);
                let others: Vec<Reason> =
                    verdict.reasons.iter().filter(|r| **r != Reason::NotThisRequest).cloned().collect();
                if !bound {
                    findings.push(Finding::PresentationNotBound(i));
                }
                match Verdict::outcome_of(&others) {
                    Outcome::Invalid => findings.push(Finding::PresentationInvalid(i, others)),
                    Outcome::Warning => findings.push(Finding::PresentationWarning(i, others)),
                    Outcome::Valid => {}
                }
                if let Some(view) = &verdict.certificate {
                    if view.type_code != certificate.code_str() {
                        findings.push(Finding::WrongCertificate(i));
                    } else {
                        for name in needed_attributes(service, certificate) {
                            if verdict.attribute(name).is_none() {
                                findings.push(Finding::AttributeMissing(i, name));
                            }
                        }
                        for field in form.fields() {
                            let Some(p) = field.prefill.filter(|p| p.certificate == certificate) else {
                                continue;
                            };
                            let answer = values.as_ref().and_then(|v| v.get(&field.key));
                            if let (Some(shown), Some(answer)) = (verdict.attribute(p.attribute), answer)
                                && !same(shown, answer)
                            {
                                findings.push(Finding::AnswerDiffers(i, field.key.clone()));
                            }
                        }
                    }
                }
            }
            MaterialSource::Library(id) => match library.iter().find(|item| item.id == *id) {
                None => findings.push(Finding::SourceNotAccepted(i, SourceRefusal::UnknownItem)),
                Some(item) => {
                    if let Err(u) = library_decision(material, item, now) {
                        findings.push(Finding::SourceNotAccepted(i, SourceRefusal::Unusable(u)));
                    }
                }
            },
            MaterialSource::Upload { size, .. } => {
                upload_total = upload_total.saturating_add(*size);
                if material.form == shimin_wire::catalogue::MaterialFormDto::Paper {
                    findings
                        .push(Finding::SourceNotAccepted(i, SourceRefusal::Unusable(Unusable::PaperOnly)));
                } else if *size == 0 {
                    findings.push(Finding::UploadRefused(i, UploadRefusal::Empty));
                } else if *size > MAX_UPLOAD_BYTES {
                    findings.push(Finding::UploadRefused(i, UploadRefusal::TooLarge));
                } else if upload_total > MAX_APPLICATION_UPLOAD_BYTES {
                    findings.push(Finding::UploadRefused(i, UploadRefusal::TotalTooLarge));
                }
            }
        }
    }
    for (i, material) in service.materials.iter().enumerate() {
        let needed = match material.requirement {
            Requirement::Required => true,
            Requirement::Conditional(_) => {
                values.as_ref().and_then(|v| form.material_needed(i, v)).unwrap_or(false)
            }
        };
        // A paper-only material cannot be given online: it is handed over at the counter.
        let online = material.form != shimin_wire::catalogue::MaterialFormDto::Paper;
        if needed && online && !given[i] {
            findings.push(Finding::MaterialMissing(i));
        }
    }
    Precheck { findings, values }
}

/// Whether a form's answer says what the certificate says (answers of other kinds are not
/// compared).
fn same(shown: &ValueView, answer: &Value) -> bool {
    match (shown, answer.to_dto()) {
        (ValueView::Text(s) | ValueView::Date(s), FieldValueDto::Text(t)) => s.trim() == t,
        (ValueView::Integer(n), FieldValueDto::Text(t)) => n.to_string() == t,
        (ValueView::Bool(b), FieldValueDto::YesNo(c)) => *b == c,
        _ => true,
    }
}

/// A verifier reason's code (`expired`, `revoked` …), as its JSON names it.
fn reason_code(reason: &Reason) -> String {
    serde_json::to_value(reason)
        .ok()
        .and_then(|v| v.get("reason").and_then(|r| r.as_str()).map(str::to_owned))
        .unwrap_or_else(|| "unknown".to_owned())
}

fn index(i: usize) -> u8 {
    u8::try_from(i).unwrap_or(u8::MAX)
}

impl From<&Finding> for FindingDto {
    fn from(f: &Finding) -> Self {
        let codes = |reasons: &[Reason]| reasons.iter().map(reason_code).collect();
        match f {
            Finding::ServiceNotOpen => FindingDto::ServiceNotOpen,
            Finding::OlderCatalogue { current } => FindingDto::OlderCatalogue { current: *current },
            Finding::Field(p) => FindingDto::Field { field: p.field.clone(), problem: (&p.problem).into() },
            Finding::MaterialMissing(i) => FindingDto::MaterialMissing { material: index(*i) },
            Finding::MaterialUnknown(i) => FindingDto::MaterialUnknown { material: *i },
            Finding::SourceNotAccepted(i, why) => {
                FindingDto::SourceNotAccepted { material: index(*i), reason: why.code().to_owned() }
            }
            Finding::UploadRefused(i, why) => FindingDto::UploadRefused {
                material: index(*i),
                reason: match why {
                    UploadRefusal::Empty => "empty",
                    UploadRefusal::TooLarge => "too_large",
                    UploadRefusal::TotalTooLarge => "total_too_large",
                }
                .to_owned(),
            },
            Finding::PresentationInvalid(i, r) => {
                FindingDto::PresentationInvalid { material: index(*i), reasons: codes(r) }
            }
            Finding::PresentationWarning(i, r) => {
                FindingDto::PresentationWarning { material: index(*i), reasons: codes(r) }
            }
            Finding::PresentationNotBound(i) => FindingDto::PresentationNotBound { material: index(*i) },
            Finding::WrongCertificate(i) => FindingDto::WrongCertificate { material: index(*i) },
            Finding::AttributeMissing(i, name) => {
                FindingDto::AttributeMissing { material: index(*i), attribute: (*name).to_owned() }
            }
            Finding::AnswerDiffers(i, field) => {
                FindingDto::AnswerDiffers { material: index(*i), field: field.clone() }
            }
        }
    }
}
