//! Submitting an application (issue 17): the citizen's side under the device token.
//!
//! - **Uploads first.** A file travels before the submission that names it
//!   (`PUT /v1/sync/applications/{id}/uploads/{sha256}`): its bytes are checked by core
//!   ([`check_upload`]: sniffed type equal to the `Content-Type`, at most 10 MiB), their SHA-256
//!   must be the path's, and they are held for the device's citizen and that application id
//!   (`application_upload_staged`, at most 30 MiB per application) until the submission claims
//!   them. Held bytes no submission claimed are swept after [`STAGED_UPLOAD_DAYS`] days.
//! - **The submission** (`POST /v1/sync/applications`) is read by core
//!   ([`Submission::try_from`]) and pre-reviewed by core's [`precheck`] against the service's
//!   current guide (the catalogue held in memory), the backend's own current trust list and
//!   status lists — the same [`shimin_core::verifier`] as an offline code — and the citizen's
//!   材料库; every upload it names must be held with the declared digest, type and size. A
//!   submission that does not pass stores nothing: the receipt carries the findings. One that
//!   passes is stored with its first events (submitted, checks passed), the art. 32 pre-review
//!   deadline counted with [`Backend::calendar`], its uploads and the citizen's sync notice, all
//!   in one transaction; no case number until a clerk accepts.
//! - **Idempotent.** The application id is the key: the same id with the same body answers the
//!   receipt stored the first time ([`ApplicationStore::application_receipt`]), with no second
//!   pre-review; another body or another citizen is [`SubmitError::Taken`].
//! - **The resubmission after 补正** (`POST /v1/sync/applications/{id}/correction`): the same
//!   body shape, pre-reviewed again, core's [`Action::Resubmit`] then the checks, stored as one
//!   compare-and-set with its receipt and notice; a retry answers the same.

use shimin_core::application::material::{
    CheckedUpload, LibraryItem as CoreLibraryItem, MAX_APPLICATION_UPLOAD_BYTES, UploadError, UploadType,
    check_upload,
};
use shimin_core::application::submission::{
    ApplicationId, MaterialSource as Source, Submission, SubmissionError, precheck,
};
use shimin_core::application::workflow::{Action, Actor, Application, Event, Phase, china_date};
use shimin_core::catalogue::guide::Service;
use shimin_core::cert::CreditCode;
use shimin_core::clock::UnixSeconds;
use shimin_core::status_list::VerifiedStatusList;
use shimin_core::trust::{CachedCopy, TrustList, VerifiedTrustList};
use shimin_wire::application::{FindingDto, PrecheckView, SubmissionReceipt, SubmissionRequest};
use shimin_wire::workflow::{EventView, TimelineView};

use super::applications::{ApplicationError, columns, notice_of};
use super::{Backend, ServiceError};
use crate::store::{
    ApplicationRecord, ApplicationUpdate, MaterialRecord, MaterialSource, NewApplication, Resubmission,
    Resubmitted, Staged, StagedUpload, SubmitWithUploads, Submitted, UploadDecl,
};

/// How long held uploads wait for their submission before the sweep forgets them.
pub const STAGED_UPLOAD_DAYS: i64 = 7;
/// How many applications one page of the citizen's list holds at most.
pub const MAX_PAGE: u64 = 100;

/// Why a submission or a resubmission was refused. Nothing was stored in any case.
#[derive(Debug, thiserror::Error)]
pub enum SubmitError {
    /// The body does not read as a submission (400).
    #[error("{0}")]
    Request(#[from] SubmissionError),
    /// The path's application id is not the body's (400).
    #[error("the application id of the path is not the body's")]
    OtherId,
    /// The id is taken by another body or another citizen (409).
    #[error("this application id is taken")]
    Taken,
    /// An upload the submission names is not (any more) held; send it again (409).
    #[error("an upload the submission names has not arrived; send it again")]
    UploadsMissing,
    /// No such application of this citizen (404).
    #[error("application not found")]
    NotFound,
    /// The application is not waiting for a correction (409).
    #[error("this application is not waiting for a correction")]
    NotCorrecting,
    /// The storage, the calendar or the workflow failed (503).
    #[error(transparent)]
    Application(#[from] ApplicationError),
    /// The lists or the catalogue could not be read (as the service error says).
    #[error(transparent)]
    Service(#[from] ServiceError),
}

impl From<crate::store::StoreError> for SubmitError {
    fn from(e: crate::store::StoreError) -> Self {
        SubmitError::Application(e.into())
    }
}

/// Why an upload was refused. Nothing was held in any case.
#[derive(Debug, thiserror::Error)]
pub enum UploadRefused {
    /// The path's digest is not 64 lower-case hex digits (400).
    #[error("the digest in the path is not 64 lower-case hex digits")]
    Digest,
    /// The `Content-Type` is not one of image/jpeg, image/png, application/pdf (415).
    #[error("Content-Type must be image/jpeg, image/png or application/pdf")]
    ContentType,
    /// The bytes' SHA-256 is not the path's (400).
    #[error("the body's SHA-256 is not the one in the path")]
    DigestMismatch,
    /// Core refused the bytes (type, size, a picture that does not decode, a cut PDF).
    #[error("{0}")]
    Upload(#[from] UploadError),
    /// The application's uploads would pass 30 MiB together (413).
    #[error("the application's files together are larger than {MAX_APPLICATION_UPLOAD_BYTES} bytes")]
    TotalTooLarge,
    /// The application id is another citizen's, or the application is stored and takes no
    /// more files now (409).
    #[error("this application takes no upload now")]
    Taken,
    /// The storage failed (503).
    #[error(transparent)]
    Application(#[from] ApplicationError),
}

impl From<crate::store::StoreError> for UploadRefused {
    fn from(e: crate::store::StoreError) -> Self {
        UploadRefused::Application(e.into())
    }
}

/// A digest as 64 lower-case hex digits.
fn parse_digest(text: &str) -> Option<[u8; 32]> {
    let b = text.as_bytes();
    if b.len() != 64 || !b.iter().all(|c| c.is_ascii_digit() || (b'a'..=b'f').contains(c)) {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, pair) in b.chunks(2).enumerate() {
        out[i] = u8::from_str_radix(std::str::from_utf8(pair).ok()?, 16).ok()?;
    }
    Some(out)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The upload type a `Content-Type` names (parameters such as `; charset` ignored).
pub fn upload_type(content_type: &str) -> Option<UploadType> {
    let essence = content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    match essence.as_str() {
        "image/jpeg" => Some(UploadType::Jpeg),
        "image/png" => Some(UploadType::Png),
        "application/pdf" => Some(UploadType::Pdf),
        _ => None,
    }
}

/// A stored event as core's (the stored ones were written from core's, so a unit parses).
pub fn event_of(view: EventView) -> Event {
    Event {
        action: view.action,
        step: view.step,
        officer: view.officer,
        unit: view.unit.as_deref().and_then(|u| CreditCode::parse(u).ok()),
        start: view.start,
        end: view.end,
        note: view.note,
    }
}

/// What the backend verifies presentations with: its own current lists.
struct Lists {
    trust: CachedCopy<VerifiedTrustList>,
    status: Vec<CachedCopy<VerifiedStatusList>>,
}

/// The pre-review of one submission, as the receipt carries it.
struct Reviewed {
    view: PrecheckView,
}

impl Backend {
    /// The trust list and every status list this backend publishes, verified as a verifier
    /// verifies them (the trust list with the root key, each status list with its issuer's key
    /// from the trust list): a presentation is judged exactly as offline.
    async fn verifier_lists(&self, now: UnixSeconds) -> Result<Lists, ServiceError> {
        let doc = self.trust_list(now).await?;
        let trust = TrustList::verify(&doc.bytes, &self.root().verifying_key(), now)
            .map_err(|_| ServiceError::Signing("trust list"))?;
        let mut status = Vec::new();
        for id in self.store.all_status_list_ids().await? {
            let doc = self.status_list(id, now).await?;
            let Some(key) = trust.status_list_key(&doc.bytes) else { continue };
            let Ok(list) = VerifiedStatusList::verify(&doc.bytes, key, now) else { continue };
            status.push(CachedCopy::new(list, now));
        }
        Ok(Lists { trust: CachedCopy::new(trust, now), status })
    }

    /// Core's pre-review of `submission` for `service`, plus the backend's own check that every
    /// upload it names is held (or already stored with the application) as declared.
    async fn review(
        &self,
        citizen: &str,
        service: &Service,
        submission: &Submission,
        stored_uploads: &[UploadDecl],
        now: UnixSeconds,
    ) -> Result<Reviewed, SubmitError> {
        let today = china_date(now).ok_or(ApplicationError::Time)?;
        let lists = self.verifier_lists(now).await?;
        let library: Vec<CoreLibraryItem> = self
            .store
            .library_items(citizen)
            .await?
            .into_iter()
            .map(|i| CoreLibraryItem {
                id: i.id.to_string(),
                material_name: i.item.material_kind,
                accepted_at: i.item.accepted_at,
                valid_until: i.item.valid_until,
            })
            .collect();
        let checked = precheck(service, submission, &lists.trust, &lists.status, &library, now, today);
        let mut passed = checked.passed();
        let mut findings: Vec<FindingDto> = checked.findings.iter().map(FindingDto::from).collect();
        let held = self.store.staged_uploads(citizen, submission.id).await?;
        for (index, source) in &submission.materials {
            let Source::Upload { sha256, kind, size } = source else { continue };
            let declared =
                UploadDecl { sha256: *sha256, media_type: kind.media_type().to_owned(), size: *size };
            if !held.contains(&declared) && !stored_uploads.contains(&declared) {
                passed = false;
                findings.push(FindingDto::UploadRefused { material: *index, reason: "not_received".into() });
            }
        }
        Ok(Reviewed { view: PrecheckView { passed, findings } })
    }

    /// The application's timeline, counted with the backend's calendar.
    ///
    /// # Errors
    /// [`ApplicationError`].
    pub async fn application_timeline(
        &self,
        record: &ApplicationRecord,
    ) -> Result<TimelineView, ApplicationError> {
        let events = self.store.application_events(record.id).await?;
        let events: Vec<Event> = events.into_iter().map(event_of).collect();
        Ok(record.state.timeline(&events, self.calendar())?)
    }

    /// The receipt of a stored round of `record` (0 the submission, 1 the resubmission).
    async fn stored_receipt(
        &self,
        record: &ApplicationRecord,
        round: u8,
    ) -> Result<SubmissionReceipt, SubmitError> {
        let receipt = self
            .store
            .application_receipt(record.id, round)
            .await?
            .ok_or(ApplicationError::Store(crate::store::StoreError::Corrupt("application receipt")))?;
        let precheck: PrecheckView = serde_json::from_str(&receipt.precheck)
            .map_err(|_| ApplicationError::Store(crate::store::StoreError::Corrupt("application receipt")))?;
        Ok(SubmissionReceipt {
            application_id: record.id.to_string(),
            precheck,
            received_at: Some(receipt.received_at),
            timeline: Some(self.application_timeline(record).await?),
        })
    }

    /// Holds an upload of the device's citizen for application `id` (see the module's doc).
    /// `Ok` for bytes held now and for the same bytes again.
    ///
    /// # Errors
    /// [`UploadRefused`].
    pub async fn put_upload(
        &self,
        citizen: &str,
        id: ApplicationId,
        sha256: &str,
        content_type: &str,
        bytes: Vec<u8>,
        now: UnixSeconds,
    ) -> Result<(), UploadRefused> {
        let sha256 = parse_digest(sha256).ok_or(UploadRefused::Digest)?;
        let claimed = upload_type(content_type).ok_or(UploadRefused::ContentType)?;
        let CheckedUpload { kind, sha256: actual, .. } = check_upload(&bytes, claimed)?;
        if actual != sha256 {
            return Err(UploadRefused::DigestMismatch);
        }
        if let Some(record) = self.store.application(id).await? {
            let taking = record.citizen == citizen
                && (record.state.phase() == Phase::CorrectionRequested
                    || self.store.application_uploads(id).await?.iter().any(|u| u.decl.sha256 == sha256));
            if !taking {
                return Err(UploadRefused::Taken);
            }
        }
        let upload = StagedUpload {
            citizen: citizen.to_owned(),
            id,
            sha256,
            media_type: kind.media_type().to_owned(),
            bytes,
            at: now,
        };
        match self.store.stage_upload(upload, MAX_APPLICATION_UPLOAD_BYTES).await? {
            Staged::Stored | Staged::AlreadyStored => Ok(()),
            Staged::TotalTooLarge => Err(UploadRefused::TotalTooLarge),
        }
    }

    /// Forgets held uploads older than [`STAGED_UPLOAD_DAYS`] at `now`; how many.
    ///
    /// # Errors
    /// [`ApplicationError`].
    pub async fn sweep_staged_uploads(&self, now: UnixSeconds) -> Result<u64, ApplicationError> {
        Ok(self.store.sweep_staged_uploads(now - STAGED_UPLOAD_DAYS * 86_400).await?)
    }

    /// A submission from the device's citizen (see the module's doc).
    ///
    /// # Errors
    /// [`SubmitError`]; nothing stored.
    pub async fn submit_application(
        &self,
        citizen: &str,
        request: &SubmissionRequest,
        now: UnixSeconds,
    ) -> Result<SubmissionReceipt, SubmitError> {
        let submission = Submission::try_from(request)?;
        let (body, body_sha256) = body_of(request);
        // A retry answers what was stored, with no second pre-review.
        if let Some(record) = self.store.application(submission.id).await? {
            if record.citizen != citizen || record.body_sha256 != body_sha256 {
                return Err(SubmitError::Taken);
            }
            return self.stored_receipt(&record, 0).await;
        }
        let index = self.catalogue_index().await?;
        let Some(service) = index.service(&submission.service_code.to_string()) else {
            return Ok(not_stored(request, vec![FindingDto::ServiceNotOpen]));
        };
        let reviewed = self.review(citizen, &service, &submission, &[], now).await?;
        if !reviewed.view.passed {
            return Ok(not_stored(request, reviewed.view.findings));
        }
        let today = china_date(now).ok_or(ApplicationError::Time)?;
        let organ = service.organ.code.clone();
        let (mut state, first) = Application::submitted(organ.clone(), service.process.clone(), now);
        let mut events = vec![first];
        events.extend(
            state
                .act(&Actor::System, Action::ChecksPassed, now, self.calendar())
                .map_err(ApplicationError::from)?,
        );
        let cols = columns(&state, today, self.calendar())?;
        let notice = notice_of(&state);
        let new = NewApplication {
            id: submission.id,
            region: organ.division_code().to_owned(),
            arrival_month: i64::from(today.year()) * 100 + i64::from(u8::from(today.month())),
            citizen: citizen.to_owned(),
            service_code: service.code.to_string(),
            catalogue_version: service.version,
            department: organ.as_str().to_owned(),
            arrived_at: now,
            body_sha256,
            submission: body,
            state,
            next_deadline: cols.next_deadline,
            events: events.iter().map(Event::to_view).collect(),
            materials: materials(&service, &submission),
            uploads: uploads(&submission),
        };
        let precheck = serde_json::to_string(&reviewed.view).unwrap_or_default();
        match self.store.submit_with_uploads(new, notice, precheck).await? {
            SubmitWithUploads::Done(Submitted::New(record) | Submitted::Same(record)) => {
                self.stored_receipt(&record, 0).await
            }
            SubmitWithUploads::Done(Submitted::OtherBody) => Err(SubmitError::Taken),
            SubmitWithUploads::UploadsMissing => Err(SubmitError::UploadsMissing),
        }
    }

    /// The resubmission after 补正 of application `id` by the device's citizen (see the
    /// module's doc).
    ///
    /// # Errors
    /// [`SubmitError`]; nothing stored.
    pub async fn resubmit_application(
        &self,
        citizen: &str,
        id: ApplicationId,
        request: &SubmissionRequest,
        now: UnixSeconds,
    ) -> Result<SubmissionReceipt, SubmitError> {
        let submission = Submission::try_from(request)?;
        if submission.id != id {
            return Err(SubmitError::OtherId);
        }
        let (body, body_sha256) = body_of(request);
        let record = self
            .store
            .application(id)
            .await?
            .filter(|r| r.citizen == citizen)
            .ok_or(SubmitError::NotFound)?;
        if let Some(before) = self.store.application_receipt(id, 1).await? {
            if before.body_sha256 != body_sha256 {
                return Err(SubmitError::Taken);
            }
            return self.stored_receipt(&record, 1).await;
        }
        if record.state.phase() != Phase::CorrectionRequested {
            return Err(SubmitError::NotCorrecting);
        }
        if submission.service_code.to_string() != record.service_code {
            return Err(SubmitError::Taken);
        }
        let index = self.catalogue_index().await?;
        let Some(service) = index.service(&record.service_code) else {
            return Ok(not_stored(request, vec![FindingDto::ServiceNotOpen]));
        };
        let stored: Vec<UploadDecl> = self
            .store
            .application_uploads(id)
            .await?
            .into_iter()
            .filter(|u| u.stored_at.is_some())
            .map(|u| u.decl)
            .collect();
        let reviewed = self.review(citizen, &service, &submission, &stored, now).await?;
        if !reviewed.view.passed {
            return Ok(not_stored(request, reviewed.view.findings));
        }
        let today = china_date(now).ok_or(ApplicationError::Time)?;
        let mut state = record.state.clone();
        let version = state.version();
        let mut events = state
            .act(&Actor::Citizen, Action::Resubmit { version }, now, self.calendar())
            .map_err(ApplicationError::from)?;
        events.extend(
            state
                .act(&Actor::System, Action::ChecksPassed, now, self.calendar())
                .map_err(ApplicationError::from)?,
        );
        let cols = columns(&state, today, self.calendar())?;
        let notice = notice_of(&state);
        let resubmission = Resubmission {
            update: ApplicationUpdate {
                id,
                expect_version: version,
                state,
                next_deadline: cols.next_deadline,
                overdue: cols.overdue,
                branches: cols.branches,
                events: events.iter().map(Event::to_view).collect(),
                at: now,
            },
            citizen: citizen.to_owned(),
            body_sha256,
            submission: body,
            materials: materials(&service, &submission),
            uploads: uploads(&submission).into_iter().filter(|u| !stored.contains(u)).collect(),
            notice,
            precheck: serde_json::to_string(&reviewed.view).unwrap_or_default(),
        };
        match self.store.resubmit_application(resubmission).await? {
            Resubmitted::New(record) | Resubmitted::Same(record) => self.stored_receipt(&record, 1).await,
            Resubmitted::OtherBody => Err(SubmitError::Taken),
            Resubmitted::Moved => Err(SubmitError::NotCorrecting),
            Resubmitted::UploadsMissing => Err(SubmitError::UploadsMissing),
        }
    }
}

/// The body as stored (the request re-serialised: its answers are a sorted map, so one request
/// has one text) and its SHA-256.
fn body_of(request: &SubmissionRequest) -> (String, [u8; 32]) {
    // A struct of strings, numbers and maps always serialises.
    let body = serde_json::to_string(request).unwrap_or_default();
    let digest = shimin_core::crypto::sha256(body.as_bytes());
    (body, digest)
}

fn not_stored(request: &SubmissionRequest, findings: Vec<FindingDto>) -> SubmissionReceipt {
    SubmissionReceipt {
        application_id: request.application_id.clone(),
        precheck: PrecheckView { passed: false, findings },
        received_at: None,
        timeline: None,
    }
}

/// Per material its source, as the store keeps it (a presentation by its digest only).
fn materials(service: &Service, submission: &Submission) -> Vec<MaterialRecord> {
    submission
        .materials
        .iter()
        .filter_map(|(index, source)| {
            let name = service.materials.get(usize::from(*index))?.name.hans.clone();
            let (source, reference) = match source {
                Source::Wallet(text) => {
                    (MaterialSource::Wallet, hex(&shimin_core::crypto::sha256(text.as_bytes())))
                }
                Source::Library(item) => (MaterialSource::Library, item.clone()),
                Source::Upload { sha256, .. } => (MaterialSource::Upload, hex(sha256)),
            };
            Some(MaterialRecord { material: name, source, reference })
        })
        .collect()
}

/// The uploads a submission declares, each once.
fn uploads(submission: &Submission) -> Vec<UploadDecl> {
    let mut out: Vec<UploadDecl> = Vec::new();
    for (_, source) in &submission.materials {
        if let Source::Upload { sha256, kind, size } = source {
            let decl = UploadDecl { sha256: *sha256, media_type: kind.media_type().to_owned(), size: *size };
            if !out.contains(&decl) {
                out.push(decl);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_content_type_names_one_of_three_upload_types() {
        assert_eq!(upload_type("image/jpeg"), Some(UploadType::Jpeg));
        assert_eq!(upload_type("Image/PNG; charset=binary"), Some(UploadType::Png));
        assert_eq!(upload_type("application/pdf"), Some(UploadType::Pdf));
        assert_eq!(upload_type("image/gif"), None);
        assert_eq!(upload_type(""), None);
    }

    #[test]
    fn a_digest_is_64_lower_case_hex_digits() {
        assert_eq!(parse_digest(&"ab".repeat(32)), Some([0xab; 32]));
        assert_eq!(parse_digest(&"AB".repeat(32)), None);
        assert_eq!(parse_digest(&"ab".repeat(31)), None);
    }
}
