//! The workbench's applications (办件), as the domain sees them, independent of HTML: the
//! department's queue by tab, one application's file (who, what, the answers, the materials, the
//! timeline), an upload's bytes, the department's rectification tickets, and a case QR read at
//! the hall window. Every call is scoped to the staff member's department: an application it
//! takes no part in is [`CaseError::NotFound`], the same answer as no application at all.
//!
//! Actions go through [`Backend::desk_action`] (core decides, one compare-and-set); this module
//! only tells a double submit by the same officer ("already done") from a version another
//! officer moved ("stale").

use std::collections::HashMap;

use shimin_core::application::case_qr::CaseQr;
use shimin_core::application::submission::ApplicationId;
use shimin_core::application::submission::{PRESENTATION_MAX_AGE_SECS, binding_nonce};
use shimin_core::application::workflow::{DueDate, Event, PRE_REVIEW_WORKING_DAYS, Phase, china_date};
use shimin_core::calendar::WorkingDays;
use shimin_core::catalogue::code::ServiceCode;
use shimin_core::catalogue::guide::Service;
use shimin_core::cert::CreditCode;
use shimin_core::id_number::IdNumber;
use shimin_core::present::{PresentationRequest, Preset};
use shimin_core::status_list::VerifiedStatusList;
use shimin_core::trust::{CachedCopy, TrustList, VerifiedTrustList};
use shimin_core::verifier::{Verdict, Verifier, VerifierPolicy};
use shimin_wire::application::MaterialSourceDto;
use shimin_wire::application::SubmissionRequest;
use shimin_wire::catalogue::Localized;
use shimin_wire::workflow::{
    DeskActionRequest, EventView, QueuePageView, QueueRowView, QueueTabDto, TimelineView,
};

use crate::service::applications::{ApplicationError, DeskError, takes_part};
use crate::service::{Backend, ServiceError};
use crate::store::{
    ApplicationRecord, MaterialRecord, QueueRow, RectificationRecord, StaffRecord, StoreError, UploadRecord,
};

/// Rows on one page of the queue.
pub const QUEUE_PAGE: u64 = 20;
/// The pages a queue may be paged to (beyond, the request is refused).
pub const QUEUE_MAX_PAGE: u32 = 500;
/// The rectification tickets the workbench lists.
pub const RECTIFICATIONS_SHOWN: u64 = 200;

/// Why the workbench could not show or do something about an application. None carries
/// personal data.
#[derive(Debug, thiserror::Error)]
pub enum CaseError {
    /// No such application, or none the staff member's department takes part in.
    #[error("no such application for this department")]
    NotFound,
    /// A malformed request (an id, a page, a digest).
    #[error("bad request: {0}")]
    BadRequest(&'static str),
    /// The same officer's action was taken already (a double submit): nothing changed.
    #[error("already done")]
    AlreadyDone,
    /// Another officer acted since the page was read: nothing changed.
    #[error("acted on by someone else")]
    Stale,
    /// The workflow refused the action (not this department's step, a closed step, a reason
    /// missing …): nothing changed.
    #[error("refused: {0}")]
    Refused(String),
    /// The case QR is forged, altered, expired or not a case QR.
    #[error("not a valid case QR")]
    BadCode,
    /// The storage or the calendar failed.
    #[error(transparent)]
    Application(#[from] ApplicationError),
    /// The service layer failed.
    #[error(transparent)]
    Service(#[from] ServiceError),
}

impl From<StoreError> for CaseError {
    fn from(e: StoreError) -> Self {
        Self::Application(ApplicationError::Store(e))
    }
}

/// The pre-review's name as the queue shows it.
pub fn pre_review_name() -> Localized {
    Localized { hans: "预审".into(), hant: Some("預審".into()), en: Some("Pre-review".into()) }
}

/// An application's file as its page shows it.
#[derive(Clone)]
pub struct CaseFile {
    /// The stored application.
    pub record: ApplicationRecord,
    /// Its timeline.
    pub timeline: TimelineView,
    /// Its service's guide, if the catalogue still has it.
    pub service: Option<Service>,
    /// The citizen's name, masked (`张*`); `None` when the registry has no such citizen.
    pub name_masked: Option<String>,
    /// The identity number, masked unless asked for whole.
    pub id_number: String,
    /// Whether `id_number` is the whole number.
    pub id_revealed: bool,
    /// The submission as the device sent it (its answers), when it parses.
    pub submission: Option<SubmissionRequest>,
    /// The materials and their sources.
    pub materials: Vec<MaterialRecord>,
    /// The uploads declared, and whether their bytes arrived.
    pub uploads: Vec<UploadRecord>,
    /// Each wallet presentation (by the material's index in the guide) verified again now.
    pub presentations: Vec<(u8, Verdict)>,
    /// Whether the staff member's department is the accepting organ (it pre-reviews).
    pub is_organ: bool,
    /// The staff member's department.
    pub unit: String,
}

// The file holds a citizen's identity number and answers: printed, it shows none of them.
impl std::fmt::Debug for CaseFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CaseFile").field("record", &self.record).finish_non_exhaustive()
    }
}

/// A name with every character but the first hidden, as the app shows a name it masks.
pub fn mask_name(name: &str) -> String {
    let mut chars = name.chars();
    match chars.next() {
        Some(first) => std::iter::once(first).chain(chars.map(|_| '*')).collect(),
        None => String::new(),
    }
}

/// An identity number masked as the app masks it (`1101**********0015`); a number that does
/// not parse is hidden whole.
pub fn mask_id(number: &str) -> String {
    IdNumber::parse(number).map_or_else(|_| "*".repeat(number.chars().count()), |n| n.masked())
}

/// A stored event as core's (the stored ones were written from core's, so a unit parses).
fn event_of(view: EventView) -> Event {
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

/// The name of the step a branch row is at.
fn step_name(record: &ApplicationRecord, row: &QueueRow) -> Option<Localized> {
    let stage = record.state.process().stages().get(usize::try_from(row.branch.stage).ok()?)?;
    let branch = stage.branches.iter().find(|b| b.department.as_str() == row.branch.department)?;
    branch.steps.get(usize::try_from(row.branch.step).ok()?).map(|s| s.name.clone())
}

impl Backend {
    /// The backend's own trust list, verified with its root key as any verifier would.
    async fn verified_trust_list(&self, now: i64) -> Result<VerifiedTrustList, CaseError> {
        let doc = self.trust_list(now).await?;
        TrustList::verify(&doc.bytes, &self.root().verifying_key(), now)
            .map_err(|_| CaseError::Service(ServiceError::Signing("trust list")))
    }

    fn unit_of(staff: &StaffRecord) -> Result<CreditCode, CaseError> {
        // A staff row's department is written only from a checked credit code.
        CreditCode::parse(&staff.department_code).map_err(|_| CaseError::NotFound)
    }

    /// An application the staff member's department takes part in.
    async fn case_for(&self, staff: &StaffRecord, id: &str) -> Result<ApplicationRecord, CaseError> {
        let id = ApplicationId::parse(id).map_err(|_| CaseError::NotFound)?;
        let unit = Self::unit_of(staff)?;
        let record = self.store.application(id).await?.ok_or(CaseError::NotFound)?;
        if takes_part(&record.state, &unit) { Ok(record) } else { Err(CaseError::NotFound) }
    }

    /// The timeline of a stored application.
    async fn case_timeline(&self, record: &ApplicationRecord) -> Result<TimelineView, CaseError> {
        let events: Vec<Event> =
            self.store.application_events(record.id).await?.into_iter().map(event_of).collect();
        Ok(record.state.timeline(&events, self.calendar()).map_err(ApplicationError::from)?)
    }

    /// The name of each service code, read once per page.
    async fn service_names(&self, codes: impl Iterator<Item = &str>) -> HashMap<String, Localized> {
        let mut names = HashMap::new();
        for code in codes {
            if names.contains_key(code) {
                continue;
            }
            let name = match self.service_guide(code).await {
                Ok(service) => service.name,
                // A code the catalogue no longer has is shown as itself.
                Err(_) => Localized { hans: code.to_owned(), hant: None, en: None },
            };
            names.insert(code.to_owned(), name);
        }
        names
    }

    /// One page (from 1) of the department's queue in `tab`, soonest due first.
    ///
    /// # Errors
    /// [`CaseError::BadRequest`] for a page out of range; the store's failure.
    pub async fn desk_queue(
        &self,
        staff: &StaffRecord,
        tab: QueueTabDto,
        page: u32,
    ) -> Result<QueuePageView, CaseError> {
        if page == 0 || page > QUEUE_MAX_PAGE {
            return Err(CaseError::BadRequest("page"));
        }
        let dept = staff.department_code.as_str();
        let offset = u64::from(page - 1) * QUEUE_PAGE;
        // One row more than the page says whether another page follows.
        let mut rows: Vec<(ApplicationRecord, Option<QueueRow>)> = match tab {
            QueueTabDto::PreReview => self
                .store
                .pre_review_queue(dept, offset, QUEUE_PAGE + 1)
                .await?
                .into_iter()
                .map(|a| (a, None))
                .collect(),
            QueueTabDto::Closed => self
                .store
                .department_closed(dept, offset, QUEUE_PAGE + 1)
                .await?
                .into_iter()
                .map(|a| (a, None))
                .collect(),
            QueueTabDto::InApproval => self
                .store
                .branch_queue(dept, offset, QUEUE_PAGE + 1)
                .await?
                .into_iter()
                .map(|r| (r.application.clone(), Some(r)))
                .collect(),
            QueueTabDto::Overdue => {
                // Soonest due first: the overdue branches are the queue's head.
                self.store
                    .branch_queue(dept, offset, QUEUE_PAGE + 1)
                    .await?
                    .into_iter()
                    .take_while(|r| r.branch.overdue)
                    .map(|r| (r.application.clone(), Some(r)))
                    .collect()
            }
        };
        let more = rows.len() as u64 > QUEUE_PAGE;
        rows.truncate(usize::try_from(QUEUE_PAGE).unwrap_or(usize::MAX));
        let names = self.service_names(rows.iter().map(|(a, _)| a.service_code.as_str())).await;
        let rows = rows
            .into_iter()
            .map(|(a, branch)| {
                let (step, due, overdue) = match &branch {
                    Some(row) => (step_name(&a, row), row.branch.due.clone(), row.branch.overdue),
                    None if a.state.phase() == Phase::PreReview => {
                        (Some(pre_review_name()), a.next_deadline.clone(), a.overdue)
                    }
                    None => (None, None, false),
                };
                let due_awaits_notice =
                    if due.is_none() { self.awaits_notice(&a, branch.as_ref()) } else { None };
                QueueRowView {
                    id: a.id.to_string(),
                    case_no: a.case_no.clone(),
                    service_name: names.get(&a.service_code).cloned().unwrap_or_else(|| Localized {
                        hans: a.service_code.clone(),
                        hant: None,
                        en: None,
                    }),
                    service_code: a.service_code,
                    arrived_at: a.arrived_at,
                    due,
                    due_awaits_notice,
                    step,
                    phase: a.state.phase(),
                    overdue,
                }
            })
            .collect();
        Ok(QueuePageView { tab, page, rows, more })
    }

    /// The year a queue row's date waits for (its holiday notice not loaded yet), when that is
    /// why the row has none.
    fn awaits_notice(&self, a: &ApplicationRecord, row: Option<&QueueRow>) -> Option<i32> {
        let calendar = self.calendar();
        let count = match row {
            Some(r) => {
                let department = CreditCode::parse(&r.branch.department).ok()?;
                a.state.step_due(usize::try_from(r.branch.stage).ok()?, &department, calendar)
            }
            None if a.state.phase() == Phase::PreReview => {
                let arrived = china_date(a.state.pending_since())?;
                calendar.due(arrived, PRE_REVIEW_WORKING_DAYS).map(Some)
            }
            None => return None,
        };
        DueDate::from_count(count).ok().flatten().and_then(DueDate::awaits)
    }

    /// An application's file for a department taking part in it; the identity number whole only
    /// when `reveal_id` (the officer pressed 显示). Nothing of it is logged.
    ///
    /// # Errors
    /// [`CaseError::NotFound`]; the store's or the calendar's failure.
    pub async fn desk_case(
        &self,
        staff: &StaffRecord,
        id: &str,
        reveal_id: bool,
    ) -> Result<CaseFile, CaseError> {
        let record = self.case_for(staff, id).await?;
        let timeline = self.case_timeline(&record).await?;
        let service = self.service_guide(&record.service_code).await.ok();
        let name_masked = self.store.citizen(&record.citizen).await?.map(|c| mask_name(&c.name));
        let id_number = if reveal_id { record.citizen.clone() } else { mask_id(&record.citizen) };
        let submission = serde_json::from_str::<SubmissionRequest>(&record.submission).ok();
        let materials = self.store.application_materials(record.id).await?;
        let uploads = self.store.application_uploads(record.id).await?;
        let presentations = match &submission {
            Some(submission) => self.reverify(&record, submission, crate::now()).await?,
            None => Vec::new(),
        };
        let unit = Self::unit_of(staff)?;
        Ok(CaseFile {
            is_organ: record.state.organ() == &unit,
            unit: unit.to_string(),
            record,
            timeline,
            service,
            name_masked,
            id_number,
            id_revealed: reveal_id,
            submission,
            materials,
            uploads,
            presentations,
        })
    }

    /// Every wallet presentation of `submission` verified again at `now` with `core::verifier`
    /// against the backend's own trust list and status lists, bound to the accepting department
    /// and this application (the `SM1:` request nonce), as old as the pre-review allowed when
    /// it arrived: a certificate revoked or a key compromised since shows now.
    async fn reverify(
        &self,
        record: &ApplicationRecord,
        submission: &SubmissionRequest,
        now: i64,
    ) -> Result<Vec<(u8, Verdict)>, CaseError> {
        let texts: Vec<(u8, &str)> = submission
            .materials
            .iter()
            .filter_map(|m| match &m.source {
                MaterialSourceDto::Wallet { presentation } => Some((m.material, presentation.as_str())),
                _ => None,
            })
            .collect();
        if texts.is_empty() {
            return Ok(Vec::new());
        }
        let trust = self.verified_trust_list(now).await?;
        let mut lists = Vec::new();
        for id in self.store.all_status_list_ids().await? {
            let doc = self.status_list(id, now).await?;
            if let Some(list) = trust
                .status_list_key(&doc.bytes)
                .and_then(|key| VerifiedStatusList::verify(&doc.bytes, key, now).ok())
            {
                lists.push(CachedCopy::new(list, now));
            }
        }
        let trust = CachedCopy::new(trust, now);
        let waited = u64::try_from(now.saturating_sub(record.arrived_at)).unwrap_or(0);
        let policy = VerifierPolicy {
            max_age_secs: PRESENTATION_MAX_AGE_SECS.saturating_add(waited),
            ..VerifierPolicy::default()
        };
        let verifier = Verifier::new(&trust, lists.as_slice(), policy);
        let request = PresentationRequest {
            nonce: binding_nonce(record.state.organ(), &record.id),
            issued_at: now,
            asked: Preset::Full,
        };
        Ok(texts.into_iter().map(|(i, text)| (i, verifier.verify_answer(text, &request, now))).collect())
    }

    /// An upload's stored media type and bytes, for a department taking part in the
    /// application.
    ///
    /// # Errors
    /// [`CaseError::NotFound`] for another department, an unknown digest, or bytes not yet
    /// arrived.
    pub async fn desk_upload(
        &self,
        staff: &StaffRecord,
        id: &str,
        sha256_hex: &str,
    ) -> Result<(String, Vec<u8>), CaseError> {
        let record = self.case_for(staff, id).await?;
        let digest = parse_digest(sha256_hex).ok_or(CaseError::NotFound)?;
        let uploads = self.store.application_uploads(record.id).await?;
        let upload = uploads.into_iter().find(|u| u.decl.sha256 == digest).ok_or(CaseError::NotFound)?;
        let bytes = self.store.upload_bytes(record.id, digest).await?.ok_or(CaseError::NotFound)?;
        Ok((upload.decl.media_type, bytes))
    }

    /// A desk action from the workbench: [`Backend::desk_action`], with a version that moved told
    /// apart — the same officer's last action is a double submit ([`CaseError::AlreadyDone`]),
    /// anyone else's makes the page stale ([`CaseError::Stale`]).
    ///
    /// # Errors
    /// [`CaseError`]; nothing changed on any error.
    pub async fn desk_case_action(
        &self,
        staff: &StaffRecord,
        id: &str,
        request: DeskActionRequest,
        now: i64,
    ) -> Result<ApplicationRecord, CaseError> {
        let record = self.case_for(staff, id).await?;
        let moved = version_moved(&record, &request);
        let refusal = match self.desk_action(staff, record.id, request, now).await {
            Ok(record) => return Ok(record),
            Err(DeskError::AlreadyDone) => None,
            // A step decided since the page was read refuses the action as closed: the version
            // the page saw tells that apart from a refusal on its merits.
            Err(DeskError::Refused(e)) if !moved => Some(e.to_string()),
            Err(DeskError::Refused(_)) => None,
            Err(DeskError::NotFound) => return Err(CaseError::NotFound),
            Err(DeskError::Request(e)) => Some(e.to_string()),
            Err(DeskError::Application(e)) => return Err(e.into()),
        };
        if let Some(why) = refusal {
            return Err(CaseError::Refused(why));
        }
        let events = self.store.application_events(record.id).await?;
        let mine = events.last().and_then(|e| e.officer.as_deref()) == Some(staff.login.as_str());
        Err(if mine { CaseError::AlreadyDone } else { CaseError::Stale })
    }

    /// The department's rectification tickets (整改), oldest first.
    ///
    /// # Errors
    /// The store's failure.
    pub async fn desk_rectifications(
        &self,
        staff: &StaffRecord,
    ) -> Result<Vec<RectificationRecord>, CaseError> {
        Ok(self.store.department_rectifications(&staff.department_code, RECTIFICATIONS_SHOWN).await?)
    }

    /// The signed case QR of an accepted application (its receipt's code), signed now with the
    /// accepting department's current issuer key.
    ///
    /// # Errors
    /// [`CaseError::NotFound`] before acceptance; the key's or the signature's failure.
    pub async fn case_qr_text(&self, record: &ApplicationRecord, now: i64) -> Result<String, CaseError> {
        let case_no = record.state.case_no().ok_or(CaseError::NotFound)?.clone();
        let service = ServiceCode::parse(&record.service_code).map_err(|_| CaseError::NotFound)?;
        let (key_id, key) = self.current_key(&record.department).await?;
        let qr = CaseQr { case_no, department: record.state.organ().clone(), service, issued_at: now };
        qr.sign(key_id.as_bytes(), &key).map_err(|_| CaseError::Service(ServiceError::Signing("case QR")))
    }

    /// The hall window: a scanned case QR verified against the trust list at `now`, then the
    /// application's timeline (any department's staff may see progress, never the materials).
    ///
    /// # Errors
    /// [`CaseError::BadCode`] for a forged, altered or unreadable code; [`CaseError::NotFound`]
    /// for a genuine code whose case is not here.
    pub async fn desk_case_qr(&self, text: &str, now: i64) -> Result<(CaseQr, TimelineView), CaseError> {
        let trust = self.verified_trust_list(now).await?;
        let qr = CaseQr::verify(text.trim(), &trust, now).map_err(|_| CaseError::BadCode)?;
        let record =
            self.store.application_by_case_no(qr.case_no.as_str()).await?.ok_or(CaseError::NotFound)?;
        if record.state.organ() != &qr.department || record.service_code != qr.service.to_string() {
            return Err(CaseError::NotFound);
        }
        let timeline = self.case_timeline(&record).await?;
        Ok((qr, timeline))
    }
}

/// Whether the version a request was made from is no longer the stored one: the application's
/// for a pre-review action, the branch's for a step action.
fn version_moved(record: &ApplicationRecord, request: &DeskActionRequest) -> bool {
    let at = match request {
        DeskActionRequest::Accept { version }
        | DeskActionRequest::RequestCorrection { version, .. }
        | DeskActionRequest::NotAccept { version, .. } => return *version != record.state.version(),
        DeskActionRequest::Approve { at }
        | DeskActionRequest::Refuse { at, .. }
        | DeskActionRequest::Forward { at, .. }
        | DeskActionRequest::StopClock { at, .. }
        | DeskActionRequest::RestartClock { at } => at,
    };
    let branch = record
        .state
        .stages()
        .get(usize::from(at.stage))
        .and_then(|b| b.iter().find(|b| b.department.as_str() == at.department));
    branch.is_some_and(|b| b.version != at.version)
}

/// A SHA-256 digest in lower-case hex.
pub fn parse_digest(hex: &str) -> Option<[u8; 32]> {
    if hex.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (i, pair) in hex.as_bytes().chunks(2).enumerate() {
        let text = std::str::from_utf8(pair).ok()?;
        if text.bytes().any(|b| b.is_ascii_uppercase()) {
            return None;
        }
        out[i] = u8::from_str_radix(text, 16).ok()?;
    }
    Some(out)
}

/// A SHA-256 digest in lower-case hex.
pub fn digest_hex(digest: &[u8; 32]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::expect_used)]

    use super::*;

    #[test]
    fn names_and_numbers_are_masked_as_the_app_masks_them() {
        assert_eq!(mask_name("张三丰"), "张**");
        assert_eq!(mask_name(""), "");
        assert_eq!(mask_id("11010519491231002X"), "1101**********002X");
        assert_eq!(mask_id("123"), "***", "a number that does not parse is hidden whole");
    }

    #[test]
    fn digests_read_only_as_lower_case_hex_of_32_bytes() {
        let d = [0xab; 32];
        assert_eq!(parse_digest(&digest_hex(&d)), Some(d));
        assert_eq!(parse_digest(&"AB".repeat(32)), None);
        assert_eq!(parse_digest(&"ab".repeat(31)), None);
        assert_eq!(parse_digest(&"zz".repeat(32)), None);
    }
}
