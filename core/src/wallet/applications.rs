//! Applying online from the phone (issue 17, the citizen's side), as use cases over the
//! [`WalletStore`] and the [`Backend`]: the form prefilled from the wallet, the sources of each
//! material, the submission prepared and checked on the device, the outbox that sends it exactly
//! once, and the citizen's known applications (我的办件).
//!
//! # The outbox
//!
//! [`prepare`] checks the answers, signs a presentation for each wallet source (bound to the
//! department and the application, only the attributes the service needs), runs the automatic
//! pre-review on the device with the lists the wallet holds, and stores the application —
//! sealed, with its uploads — in the state [`LocalPhase::Waiting`]. [`send_pending`] (called
//! right after, and by every sync round) sends each waiting one: its uploads first, one request
//! each (an upload already acknowledged is not sent again), then the submission. The application
//! id is the idempotency key: when the answer is lost the next round sends the same request with
//! the same id, and the backend answers with what it stored the first time. Only an answer moves
//! an application out of the outbox; a refusal by the server's own pre-review keeps its findings
//! for the citizen to see.
//!
//! | phase | meaning |
//! |---|---|
//! | `Waiting` | in the outbox (待发送) |
//! | `Sent` | the backend stored it (已提交); the timeline says how it goes on |
//! | `Refused` | the backend's pre-review refused it; nothing was stored there |

use std::collections::BTreeMap;
use std::fmt;

use shimin_wire::application::{FieldValueDto, FindingDto, SubmissionReceipt, SubmissionRequest};
use time::Date;

use super::backend::{Backend, BackendError};
use super::error::SyncFailure;
use super::lists::Lists;
use super::store::{StorageError, WalletStore};
use crate::application::material::{
    self, Candidate, CheckedUpload, HeldCertificate, UploadError, UploadType, check_total,
};
use crate::application::submission::{
    ApplicationId, Finding, MaterialSource, Submission, precheck, present_for_application,
};
use crate::catalogue::form::{FieldProblem, Form};
use crate::catalogue::guide::Service;
use crate::cert::{AttributeValue, CertificateId, CertificateType};
use crate::records::{PresentationRecord, Recipient, StoredCertificate};
use crate::verifier::Reason;

pub use crate::records::{ApplicationRecord, LocalPhase};

/// A file the citizen chose for a material, its bytes checked (type sniffed, size within the
/// limit). `Debug` shows no bytes.
#[derive(Clone, PartialEq, Eq)]
pub struct StagedUpload {
    checked: CheckedUpload,
    bytes: Vec<u8>,
}

impl fmt::Debug for StagedUpload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "StagedUpload({:?}, {} bytes)", self.checked.kind, self.checked.size)
    }
}

impl StagedUpload {
    /// A file chosen by name: its extension is the claim the bytes must match.
    ///
    /// # Errors
    /// [`UploadError`]: not JPEG, PNG or PDF, too large, or not what its name says.
    pub fn from_named(file_name: &str, bytes: Vec<u8>) -> Result<Self, UploadError> {
        let checked = material::check_named_upload(file_name, &bytes)?;
        Ok(Self { checked, bytes })
    }

    /// Bytes of a claimed type (a camera's JPEG).
    ///
    /// # Errors
    /// As [`StagedUpload::from_named`].
    pub fn from_typed(kind: UploadType, bytes: Vec<u8>) -> Result<Self, UploadError> {
        let checked = material::check_upload(&bytes, kind)?;
        Ok(Self { checked, bytes })
    }

    /// What the checks found.
    pub fn checked(&self) -> &CheckedUpload {
        &self.checked
    }

    /// The digest as 64 lower-case hex digits.
    pub fn sha256_hex(&self) -> String {
        hex(&self.checked.sha256)
    }
}

/// The citizen's choice of source for one material.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pick {
    /// A wallet certificate, by its identifier.
    Wallet(String),
    /// A 材料库 item, by its id.
    Library(String),
    /// A file.
    Upload(StagedUpload),
}

/// Why an application was not stored in the outbox. Names fields and materials, never answers.
#[derive(Debug, thiserror::Error)]
pub enum ApplyError {
    /// The service takes no online application (no form, not active).
    #[error("this service takes no online application")]
    NotOpen,
    /// Answers that break the form's rules: every problem at once.
    #[error("{} answers need attention", .0.len())]
    Form(Vec<FieldProblem>),
    /// The device's pre-review found blocking problems: every finding at once.
    #[error("{} problems found before sending", .0.len())]
    Precheck(Vec<FindingDto>),
    /// The uploads together are too large.
    #[error(transparent)]
    Upload(#[from] UploadError),
    /// A chosen certificate is not in the wallet, or names no certificate type the material has.
    #[error("the chosen certificate cannot be used for material {0}")]
    Certificate(u8),
    /// Signing a presentation failed.
    #[error("signing a presentation failed")]
    Sign,
    /// No randomness for the application id.
    #[error("no randomness for the application id")]
    Random,
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StorageError),
}

/// The first answers of `form` from the wallet's current certificates: for each prefilled
/// field, the attribute of the soonest-expiring current certificate of the named type.
///
/// # Errors
/// [`StorageError`] when the certificates cannot be read.
pub fn prefill<S: WalletStore + ?Sized>(
    store: &S,
    form: &Form,
) -> Result<BTreeMap<String, FieldValueDto>, StorageError> {
    let held = store.certificates()?;
    Ok(form.prefill(|certificate, attribute| {
        held.iter()
            .filter(|c| c.certificate_type == certificate)
            .find_map(|c| c.attribute(attribute))
            .and_then(|value| match value {
                AttributeValue::Text(t) => Some(FieldValueDto::Text(t.clone())),
                AttributeValue::Date(d) => {
                    Some(FieldValueDto::Text(crate::cert::attributes::format_date(*d)))
                }
                AttributeValue::Bool(b) => Some(FieldValueDto::YesNo(*b)),
                AttributeValue::Integer(n) => Some(FieldValueDto::Text(n.to_string())),
                AttributeValue::Bytes(_) => None,
            })
    }))
}

/// Every candidate source of every material of `service` at `now`, by the material's index:
/// the wallet's current certificates (revoked or suspended ones by the lists held), then the
/// material library's items (none held on the device yet), then an upload — usable ones first,
/// each unusable one with its reason.
///
/// # Errors
/// [`StorageError`] when the certificates cannot be read.
pub fn sources<S: WalletStore + ?Sized>(
    store: &S,
    service: &Service,
    lists: &Lists,
    now: i64,
) -> Result<Vec<Vec<Candidate>>, StorageError> {
    let device = store.device_key().verifying_key();
    let held: Vec<HeldCertificate> =
        store.certificates()?.iter().map(|c| held_certificate(c, lists, &device, now)).collect();
    Ok(service.materials.iter().map(|m| material::sources(m, &held, &[], now)).collect())
}

fn held_certificate(
    c: &StoredCertificate,
    lists: &Lists,
    device: &crate::crypto::VerifyingKey,
    now: i64,
) -> HeldCertificate {
    let status_valid = lists.check(&c.issued, device, now).is_none_or(|verdict| {
        !verdict.reasons.iter().any(|r| matches!(r, Reason::Revoked { .. } | Reason::Suspended { .. }))
    });
    HeldCertificate {
        id: c.id.to_string(),
        certificate_type: c.certificate_type,
        valid_until: c.valid_to,
        status_valid,
    }
}

/// Prepares the application of `service` with `answers` and one `picks` entry per material given,
/// checks it on the device at `now` (`today` its day in China time) — the form, the uploads'
/// total, and, when the wallet holds a trust list, the same automatic pre-review the department
/// runs — and stores it in the outbox with its uploads, under a fresh random id. Each wallet
/// presentation made is logged as shown to the department.
///
/// # Errors
/// [`ApplyError`]; nothing is stored then.
#[allow(clippy::too_many_arguments)] // One use case, each argument a different input.
pub fn prepare<S: WalletStore + ?Sized>(
    store: &mut S,
    service: &Service,
    lists: &Lists,
    answers: &BTreeMap<String, FieldValueDto>,
    picks: Vec<(u8, Pick)>,
    now: i64,
    today: Date,
) -> Result<ApplicationRecord, ApplyError> {
    let id = ApplicationId::random().map_err(|_| ApplyError::Random)?;
    prepare_with_id(store, service, lists, answers, picks, id, now, today)
}

/// [`prepare`] with a given id (tests; a resubmission keeps its id).
///
/// # Errors
/// As [`prepare`].
#[allow(clippy::too_many_arguments)]
pub fn prepare_with_id<S: WalletStore + ?Sized>(
    store: &mut S,
    service: &Service,
    lists: &Lists,
    answers: &BTreeMap<String, FieldValueDto>,
    picks: Vec<(u8, Pick)>,
    id: ApplicationId,
    now: i64,
    today: Date,
) -> Result<ApplicationRecord, ApplyError> {
    let form = service.form.as_ref().filter(|_| service.is_active()).ok_or(ApplyError::NotOpen)?;
    form.check(answers, today).map_err(ApplyError::Form)?;
    check_total(picks.iter().filter_map(|(_, p)| match p {
        Pick::Upload(u) => Some(u.checked.size),
        _ => None,
    }))?;
    let mut materials = Vec::with_capacity(picks.len());
    let mut uploads = Vec::new();
    let mut shown = Vec::new();
    for (index, pick) in picks {
        let source = match pick {
            Pick::Wallet(certificate_id) => {
                let cid =
                    CertificateId::parse(&certificate_id).map_err(|_| ApplyError::Certificate(index))?;
                let held = store.certificate(&cid).map_err(|_| ApplyError::Certificate(index))?;
                let wanted: Option<CertificateType> =
                    service.materials.get(usize::from(index)).and_then(|m| m.satisfied_by);
                if wanted != Some(held.certificate_type) {
                    return Err(ApplyError::Certificate(index));
                }
                let signed = present_for_application(
                    &held.issued,
                    held.certificate_type,
                    service,
                    &id,
                    store.device_key(),
                    now,
                )
                .map_err(|_| ApplyError::Sign)?;
                shown.push((cid, signed.disclosed_names().to_vec()));
                MaterialSource::Wallet(signed.text().to_owned())
            }
            Pick::Library(item) => MaterialSource::Library(item),
            Pick::Upload(upload) => {
                let c = upload.checked;
                uploads.push((upload.sha256_hex(), upload.bytes));
                MaterialSource::Upload { sha256: c.sha256, kind: c.kind, size: c.size }
            }
        };
        materials.push((index, source));
    }
    let submission = Submission {
        id,
        service_code: service.code.clone(),
        catalogue_version: service.version,
        values: answers.clone(),
        materials,
    };
    if let Some((trust, status)) = lists.parts() {
        let checked = precheck(service, &submission, trust, status, &[], now, today);
        let blocking: Vec<FindingDto> =
            checked.findings.iter().filter(|f| f.blocking()).map(FindingDto::from).collect();
        if !blocking.is_empty() {
            return Err(ApplyError::Precheck(blocking));
        }
    } else {
        // No lists to verify presentations with: at least completeness, as the department
        // checks it.
        let checked = precheck_completeness(service, &submission, today);
        if !checked.is_empty() {
            return Err(ApplyError::Precheck(checked));
        }
    }
    let record = ApplicationRecord {
        id: id.to_string(),
        service_name: service.name.clone(),
        created_at: now,
        phase: LocalPhase::Waiting,
        request: SubmissionRequest::from(&submission),
        uploads_sent: Vec::new(),
        findings: Vec::new(),
        timeline: None,
        updated_at: None,
    };
    store.queue_application(&record, &uploads)?;
    for (certificate_id, disclosed) in shown {
        store.log_presentation(&PresentationRecord {
            presented_at: now,
            certificate_id,
            preset: "application".to_owned(),
            disclosed,
            recipient: Recipient::Case { department: service.organ.name.hans.clone() },
        })?;
    }
    Ok(record)
}

/// The materials needed and not given, without lists to verify anything else.
fn precheck_completeness(service: &Service, submission: &Submission, today: Date) -> Vec<FindingDto> {
    let Some(form) = &service.form else { return vec![FindingDto::ServiceNotOpen] };
    let Ok(values) = form.check(&submission.values, today) else { return Vec::new() };
    service
        .materials
        .iter()
        .enumerate()
        .filter(|(i, m)| {
            let needed = match m.requirement {
                crate::catalogue::guide::Requirement::Required => true,
                crate::catalogue::guide::Requirement::Conditional(_) => {
                    form.material_needed(*i, &values).unwrap_or(false)
                }
            };
            needed
                && m.form != shimin_wire::catalogue::MaterialFormDto::Paper
                && !submission.materials.iter().any(|(j, _)| usize::from(*j) == *i)
        })
        .map(|(i, _)| FindingDto::from(&Finding::MaterialMissing(i)))
        .collect()
}

/// What one sending pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SendReport {
    /// Applications the backend stored.
    pub sent: u32,
    /// Applications the backend's pre-review refused.
    pub refused: u32,
    /// Applications still waiting (the backend could not be reached, or refused the call).
    pub waiting: u32,
}

/// Sends every waiting application with `token` at `now` (see the module documentation): uploads
/// first, then the submission; an answer moves it out of the outbox. A call the backend refuses
/// (an older backend without the route) leaves that application waiting and goes on with the
/// next; the network failing stops the pass (the next round tries again, with the same ids).
///
/// # Errors
/// [`SyncFailure::Store`]; a malformed answer for another application id
/// ([`SyncFailure::Backend`]).
pub async fn send_pending<S: WalletStore + Send + ?Sized, B: Backend>(
    store: &mut S,
    backend: &B,
    token: &str,
    now: i64,
) -> Result<SendReport, SyncFailure> {
    let mut report = SendReport::default();
    let waiting: Vec<ApplicationRecord> =
        store.applications()?.into_iter().filter(|a| a.phase == LocalPhase::Waiting).collect();
    let mut offline = false;
    for mut record in waiting {
        if offline {
            report.waiting += 1;
            continue;
        }
        match send_one(store, backend, token, &mut record).await {
            Ok(receipt) => {
                record.phase = if receipt.precheck.passed { LocalPhase::Sent } else { LocalPhase::Refused };
                record.findings = receipt.precheck.findings;
                record.timeline = receipt.timeline;
                record.updated_at = Some(now);
                store.save_application(&record)?;
                if record.phase == LocalPhase::Sent {
                    report.sent += 1;
                } else {
                    report.refused += 1;
                }
            }
            Err(SyncFailure::Backend(e)) if e.is_transient() => {
                offline = true;
                report.waiting += 1;
            }
            Err(SyncFailure::Backend(BackendError::Refused { .. } | BackendError::Malformed(_))) => {
                report.waiting += 1;
            }
            Err(e) => return Err(e),
        }
    }
    Ok(report)
}

async fn send_one<S: WalletStore + Send + ?Sized, B: Backend>(
    store: &mut S,
    backend: &B,
    token: &str,
    record: &mut ApplicationRecord,
) -> Result<SubmissionReceipt, SyncFailure> {
    for (sha256, media_type) in record.uploads() {
        if record.uploads_sent.contains(&sha256) {
            continue;
        }
        let bytes = store
            .application_upload(&record.id, &sha256)?
            .ok_or(SyncFailure::Store(StorageError::NotFound))?;
        backend.upload_application_file(token, &record.id, &sha256, media_type, bytes).await?;
        record.uploads_sent.push(sha256);
        store.save_application(record)?;
    }
    let receipt = backend.submit_application(token, &record.request).await?;
    if receipt.application_id != record.id {
        return Err(SyncFailure::Backend(BackendError::Malformed("a receipt for another application")));
    }
    Ok(receipt)
}

/// The application `id` as the backend now has it (its timeline), saved as the last known copy.
///
/// # Errors
/// [`SyncFailure`]: offline, refused, or the store.
pub async fn refresh<S: WalletStore + Send + ?Sized, B: Backend>(
    store: &mut S,
    backend: &B,
    token: &str,
    id: &str,
    now: i64,
) -> Result<ApplicationRecord, SyncFailure> {
    let mut record = application(store, id)?;
    if record.phase != LocalPhase::Sent {
        return Ok(record);
    }
    let timeline = backend.application_timeline(token, id).await?;
    record.timeline = Some(timeline);
    record.updated_at = Some(now);
    store.save_application(&record)?;
    Ok(record)
}

/// The application `id` the wallet knows.
///
/// # Errors
/// [`StorageError::NotFound`], or the store.
pub fn application<S: WalletStore + ?Sized>(store: &S, id: &str) -> Result<ApplicationRecord, StorageError> {
    store.applications()?.into_iter().find(|a| a.id == id).ok_or(StorageError::NotFound)
}

/// The day of `now` in China Standard Time, the day a form's dates are checked on.
pub fn china_today(now: i64) -> Date {
    let offset = time::UtcOffset::from_hms(8, 0, 0).unwrap_or(time::UtcOffset::UTC);
    time::OffsetDateTime::from_unix_timestamp(now)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
        .to_offset(offset)
        .date()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
