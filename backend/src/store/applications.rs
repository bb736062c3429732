//! The applications area (issue 17): an application with its workflow state, the branch rows a
//! department's queue reads, the append-only events, materials and uploads, the 材料库, case
//! number counters, 好差评 and rectifications.
//!
//! The state is core's [`Application`] on both sides of the trait (a row that does not parse is
//! [`StoreError::Corrupt`]); the store derives its `phase`, `version`, `case_no` and `open`
//! columns from it, so a copy can never disagree with the state it was written with. Every
//! change of state is one compare-and-set on the version it was read at.

use std::fmt;

use async_trait::async_trait;
use shimin_core::application::submission::ApplicationId;
use shimin_core::application::workflow::{Application, Phase};
use shimin_wire::workflow::EventView;

use super::StoreError;

/// The stored name of a phase (the wire's snake_case name).
pub(super) fn phase_str(phase: Phase) -> &'static str {
    match phase {
        Phase::Submitted => "submitted",
        Phase::ChecksFailed => "checks_failed",
        Phase::PreReview => "pre_review",
        Phase::CorrectionRequested => "correction_requested",
        Phase::NotAccepted => "not_accepted",
        Phase::InApproval => "in_approval",
        Phase::Approved => "approved",
        Phase::Refused => "refused",
        Phase::ResultIssued => "result_issued",
        Phase::Closed => "closed",
    }
}

/// A stored state, parsed and checked against the version column.
pub(super) fn parse_state(json: &str, version: i64) -> Result<Application, StoreError> {
    let app = Application::from_json(json).map_err(|_| StoreError::Corrupt("application state"))?;
    if i64::try_from(app.version()).ok() != Some(version) {
        return Err(StoreError::Corrupt("application version"));
    }
    Ok(app)
}

/// A stored application id.
pub(super) fn parse_id(bytes: &[u8]) -> Result<ApplicationId, StoreError> {
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    if bytes.len() != 16 {
        return Err(StoreError::Corrupt("application id"));
    }
    ApplicationId::parse(&hex).map_err(|_| StoreError::Corrupt("application id"))
}

/// A stored event.
pub(super) fn parse_event(json: &str) -> Result<EventView, StoreError> {
    serde_json::from_str(json).map_err(|_| StoreError::Corrupt("application event"))
}

/// An event as stored.
pub(super) fn event_json(event: &EventView) -> String {
    // Strings, numbers and enums always serialise.
    serde_json::to_string(event).unwrap_or_default()
}

/// A count or version as the databases store it.
pub(super) fn to_i64(n: u64) -> Result<i64, StoreError> {
    i64::try_from(n).map_err(|_| StoreError::Corrupt("application number"))
}

/// A stored count or version.
pub(super) fn to_u64(n: i64) -> Result<u64, StoreError> {
    u64::try_from(n).map_err(|_| StoreError::Corrupt("application number"))
}

/// A stored 32-byte digest.
pub(super) fn digest(bytes: &[u8]) -> Result<[u8; 32], StoreError> {
    bytes.try_into().map_err(|_| StoreError::Corrupt("application digest"))
}

/// How one required material is satisfied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MaterialSource {
    /// A wallet presentation.
    Wallet,
    /// An item of the 材料库.
    Library,
    /// An uploaded file.
    Upload,
}

impl MaterialSource {
    /// The stored name.
    pub fn name(self) -> &'static str {
        match self {
            MaterialSource::Wallet => "wallet",
            MaterialSource::Library => "library",
            MaterialSource::Upload => "upload",
        }
    }

    /// From the stored name.
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "wallet" => Some(MaterialSource::Wallet),
            "library" => Some(MaterialSource::Library),
            "upload" => Some(MaterialSource::Upload),
            _ => None,
        }
    }
}

/// One material of a submission and its source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MaterialRecord {
    /// The material's name in the guide.
    pub material: String,
    /// Its source.
    pub source: MaterialSource,
    /// The presentation's SHA-256 (hex), the library item's id, or the upload's SHA-256 (hex).
    pub reference: String,
}

/// An upload a submission declares; its bytes come later.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadDecl {
    /// The bytes' SHA-256.
    pub sha256: [u8; 32],
    /// The sniffed media type.
    pub media_type: String,
    /// The size in bytes.
    pub size: u64,
}

/// A declared upload and whether its bytes arrived.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadRecord {
    /// The declaration.
    pub decl: UploadDecl,
    /// When the bytes were stored.
    pub stored_at: Option<i64>,
}

/// What storing an upload's bytes did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UploadPut {
    /// Stored now.
    Stored,
    /// The same bytes were stored before; nothing changed.
    AlreadyStored,
    /// The submission declared no upload of this digest.
    NotDeclared,
    /// The media type or the size differs from the declaration; nothing stored.
    Mismatch,
}

/// The rows of a department's queue, one per branch of a started stage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BranchRow {
    /// The stage (from 0).
    pub stage: u32,
    /// The branch's department (credit code).
    pub department: String,
    /// The branch's current step (from 0).
    pub step: u32,
    /// When the current step falls due (YYYY-MM-DD, China); `None` while its clock stands still.
    pub due: Option<String>,
    /// Whether it is past its due date.
    pub overdue: bool,
    /// Whether the branch still waits for its department.
    pub open: bool,
}

/// A new application, with everything the submission brought.
#[derive(Clone)]
pub struct NewApplication {
    /// The device's id for it.
    pub id: ApplicationId,
    /// The accepting department's GB/T 2260 division.
    pub region: String,
    /// YYYYMM of its arrival (China).
    pub arrival_month: i64,
    /// The citizen's identity number.
    pub citizen: String,
    /// The service's code.
    pub service_code: String,
    /// The catalogue version of the guide it was made under.
    pub catalogue_version: u64,
    /// The accepting department (credit code).
    pub department: String,
    /// When it arrived.
    pub arrived_at: i64,
    /// The SHA-256 of the submission's body: the same id with another body is refused.
    pub body_sha256: [u8; 32],
    /// The submission as received (JSON).
    pub submission: String,
    /// The state after its first events.
    pub state: Application,
    /// The next date something falls due.
    pub next_deadline: Option<String>,
    /// Its first events.
    pub events: Vec<EventView>,
    /// Per material its source.
    pub materials: Vec<MaterialRecord>,
    /// The uploads it declares.
    pub uploads: Vec<UploadDecl>,
}

/// A stored application.
#[derive(Clone, PartialEq, Eq)]
pub struct ApplicationRecord {
    /// The device's id for it.
    pub id: ApplicationId,
    /// The accepting department's division.
    pub region: String,
    /// YYYYMM of its arrival.
    pub arrival_month: i64,
    /// The case number, once accepted.
    pub case_no: Option<String>,
    /// The citizen's identity number.
    pub citizen: String,
    /// The service's code.
    pub service_code: String,
    /// The catalogue version of its guide.
    pub catalogue_version: u64,
    /// The accepting department.
    pub department: String,
    /// When it arrived.
    pub arrived_at: i64,
    /// The SHA-256 of the submission's body.
    pub body_sha256: [u8; 32],
    /// The submission as received.
    pub submission: String,
    /// The workflow state (its version is the compare-and-set key).
    pub state: Application,
    /// The next date something falls due.
    pub next_deadline: Option<String>,
    /// Whether something is overdue.
    pub overdue: bool,
    /// When it last changed.
    pub updated_at: i64,
}

/// What a submission did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Submitted {
    /// Stored now.
    New(Box<ApplicationRecord>),
    /// The same id with the same body was stored before: that application, unchanged.
    Same(Box<ApplicationRecord>),
    /// The id is taken by another body (or another citizen); nothing stored.
    OtherBody,
}

/// A change of an application's state.
#[derive(Debug, Clone)]
pub struct ApplicationUpdate {
    /// Which.
    pub id: ApplicationId,
    /// The version it was read at: nothing is written unless it is still the stored one.
    pub expect_version: u64,
    /// The state after the action.
    pub state: Application,
    /// The next date something falls due.
    pub next_deadline: Option<String>,
    /// Whether something is overdue.
    pub overdue: bool,
    /// Every branch of the started stages (replacing the stored ones).
    pub branches: Vec<BranchRow>,
    /// The events the action recorded.
    pub events: Vec<EventView>,
    /// When.
    pub at: i64,
}

/// A row of a department's queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueRow {
    /// The application.
    pub application: ApplicationRecord,
    /// Its branch at this department.
    pub branch: BranchRow,
}

/// A branch past its due date not yet flagged (the overdue sweep).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverdueBranch {
    /// The application.
    pub id: ApplicationId,
    /// The stage.
    pub stage: u32,
    /// The department.
    pub department: String,
}

/// A new 材料库 item.
#[derive(Clone, PartialEq, Eq)]
pub struct NewLibraryItem {
    /// The citizen.
    pub citizen: String,
    /// The material's kind.
    pub material_kind: String,
    /// The department that accepted it.
    pub department: String,
    /// When.
    pub accepted_at: i64,
    /// Until when it may be reused.
    pub valid_until: Option<i64>,
    /// The application it came with.
    pub from_application: ApplicationId,
}

/// A 材料库 item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LibraryItem {
    /// Its id.
    pub id: i64,
    /// The item.
    pub item: NewLibraryItem,
}

/// A 好差评 rating.
#[derive(Clone, PartialEq, Eq)]
pub struct RatingRecord {
    /// 1 (非常不满意) to 5 (非常满意).
    pub level: u8,
    /// The tags, JSON.
    pub tags: String,
    /// The citizen's text.
    pub text: Option<String>,
    /// When.
    pub rated_at: i64,
}

/// A rectification (整改).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RectificationRecord {
    /// The application rated.
    pub id: ApplicationId,
    /// The department that must rectify.
    pub department: String,
    /// When the bad rating opened it.
    pub opened_at: i64,
    /// When the call-back falls due (YYYY-MM-DD).
    pub call_back_due: String,
    /// When the report falls due (YYYY-MM-DD).
    pub due: String,
    /// When the department called the citizen back.
    pub called_back_at: Option<i64>,
    /// The department's report.
    pub report: Option<String>,
    /// When it reported.
    pub reported_at: Option<i64>,
    /// The citizen's verdict on the rectification.
    pub satisfied: Option<bool>,
    /// When the citizen rated it.
    pub rated_at: Option<i64>,
}

/// An upload's bytes sent before the submission that names them (held in
/// `application_upload_staged`, keyed by the device's citizen, the application id and the digest).
#[derive(Clone)]
pub struct StagedUpload {
    /// The device's citizen.
    pub citizen: String,
    /// The application id the device drew.
    pub id: ApplicationId,
    /// The bytes' SHA-256 (computed by the caller from the bytes).
    pub sha256: [u8; 32],
    /// The media type sniffed from the bytes.
    pub media_type: String,
    /// The bytes.
    pub bytes: Vec<u8>,
    /// When they arrived.
    pub at: i64,
}

impl fmt::Debug for StagedUpload {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StagedUpload")
            .field("id", &self.id)
            .field("media_type", &self.media_type)
            .field("size", &self.bytes.len())
            .finish_non_exhaustive()
    }
}

/// What holding an upload before its submission did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Staged {
    /// Held now.
    Stored,
    /// The same bytes were held (or stored with the submission) before; nothing changed.
    AlreadyStored,
    /// With it the application's uploads would pass the limit; nothing held.
    TotalTooLarge,
}

/// What a submission with its held uploads and its notice did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SubmitWithUploads {
    /// As [`ApplicationStore::submit_application`].
    Done(Submitted),
    /// A declared upload's bytes are not held for this citizen and application; nothing stored.
    UploadsMissing,
}

/// The one resubmission after 补正: the state's compare-and-set with the new body, its materials
/// and uploads, and the citizen's notice, in one transaction.
#[derive(Clone)]
pub struct Resubmission {
    /// The change of state (resubmitted, checked).
    pub update: ApplicationUpdate,
    /// The device's citizen (must be the application's).
    pub citizen: String,
    /// The SHA-256 of the resubmission's body.
    pub body_sha256: [u8; 32],
    /// The resubmission as received (JSON).
    pub submission: String,
    /// Per material its source (replacing the stored ones).
    pub materials: Vec<MaterialRecord>,
    /// The uploads it declares (added to the stored ones; their bytes held before).
    pub uploads: Vec<UploadDecl>,
    /// The sync notice for the citizen.
    pub notice: String,
    /// The receipt's pre-review (JSON of a `PrecheckView`).
    pub precheck: String,
}

/// A stored round's receipt: when it arrived and what the pre-review answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceiptRecord {
    /// 0 the submission, 1 the resubmission after 补正.
    pub round: u8,
    /// When the round was stored.
    pub received_at: i64,
    /// The pre-review (JSON of a `PrecheckView`).
    pub precheck: String,
    /// The SHA-256 of the round's body.
    pub body_sha256: [u8; 32],
}

impl fmt::Debug for Resubmission {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Resubmission").field("id", &self.update.id).finish_non_exhaustive()
    }
}

/// What a resubmission did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resubmitted {
    /// Stored now.
    New(Box<ApplicationRecord>),
    /// The same resubmission was stored before: the application as it is.
    Same(Box<ApplicationRecord>),
    /// Another resubmission was stored before, or the application is another citizen's.
    OtherBody,
    /// The state moved since it was read (or is not waiting for a correction); nothing stored.
    Moved,
    /// A declared upload's bytes are not held; nothing stored.
    UploadsMissing,
}

/// An application's signed result document (a result that is not a certificate).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResultRecord {
    /// The document's title (准予行政许可决定书 …).
    pub title: String,
    /// Its text, exactly as signed.
    pub text: String,
    /// The `SMR1:` code binding the text.
    pub code: String,
    /// When it was signed.
    pub issued_at: i64,
}

// The records that hold a citizen's identity number, the submission (the form's answers) or a
// citizen's own words show none of it when printed: no personal data in logs or errors.

impl fmt::Debug for NewApplication {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewApplication")
            .field("id", &self.id)
            .field("service_code", &self.service_code)
            .field("department", &self.department)
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for ApplicationRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApplicationRecord")
            .field("id", &self.id)
            .field("case_no", &self.case_no)
            .field("service_code", &self.service_code)
            .field("department", &self.department)
            .field("phase", &self.state.phase())
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for NewLibraryItem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NewLibraryItem")
            .field("material_kind", &self.material_kind)
            .field("department", &self.department)
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for RatingRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RatingRecord").field("level", &self.level).finish_non_exhaustive()
    }
}

/// The applications area.
#[async_trait]
pub trait ApplicationStore: Send + Sync {
    /// Stores a new application with its events, materials and uploads, in one transaction.
    /// Idempotent by id: the same body again answers [`Submitted::Same`] and writes nothing.
    async fn submit_application(&self, new: NewApplication) -> Result<Submitted, StoreError>;

    /// One application.
    async fn application(&self, id: ApplicationId) -> Result<Option<ApplicationRecord>, StoreError>;

    /// A citizen's applications, newest first.
    async fn citizen_applications(
        &self,
        citizen: &str,
        limit: u64,
    ) -> Result<Vec<ApplicationRecord>, StoreError>;

    /// Writes a change of state if the stored version is still `expect_version` (and then the
    /// case number, the branch rows and the events with it); `false`, writing nothing, when it
    /// moved: the action was taken already.
    async fn update_application(&self, update: ApplicationUpdate) -> Result<bool, StoreError>;

    /// The events of an application, oldest first.
    async fn application_events(&self, id: ApplicationId) -> Result<Vec<EventView>, StoreError>;

    /// The materials of an application, by name.
    async fn application_materials(&self, id: ApplicationId) -> Result<Vec<MaterialRecord>, StoreError>;

    /// The uploads of an application, by digest.
    async fn application_uploads(&self, id: ApplicationId) -> Result<Vec<UploadRecord>, StoreError>;

    /// Stores an upload's bytes against its declaration (the caller computed `sha256` and sniffed
    /// `media_type` from the bytes).
    async fn put_upload(
        &self,
        id: ApplicationId,
        sha256: [u8; 32],
        media_type: &str,
        bytes: Vec<u8>,
        at: i64,
    ) -> Result<UploadPut, StoreError>;

    /// An upload's bytes, once stored.
    async fn upload_bytes(&self, id: ApplicationId, sha256: [u8; 32]) -> Result<Option<Vec<u8>>, StoreError>;

    /// The next case number's serial for a department and a day (from 1).
    async fn next_case_serial(&self, department: &str, day: &str) -> Result<u64, StoreError>;

    /// A department's open applications waiting for pre-review, oldest first.
    async fn pre_review_queue(
        &self,
        department: &str,
        offset: u64,
        limit: u64,
    ) -> Result<Vec<ApplicationRecord>, StoreError>;

    /// A department's open branches, soonest due first (a stopped clock last).
    async fn branch_queue(
        &self,
        department: &str,
        offset: u64,
        limit: u64,
    ) -> Result<Vec<QueueRow>, StoreError>;

    /// A department's applications that are decided (approved, refused, the result issued),
    /// closed or not accepted, the most recently changed first: the desk's 已办结 tab. (No index
    /// serves it yet: it reads the department's rows; fine for a district, not for the nation.)
    async fn department_closed(
        &self,
        department: &str,
        offset: u64,
        limit: u64,
    ) -> Result<Vec<ApplicationRecord>, StoreError>;

    /// The application with this case number, if any (the hall window's case QR).
    async fn application_by_case_no(&self, case_no: &str) -> Result<Option<ApplicationRecord>, StoreError>;

    /// The art. 32 sweep: open applications in pre-review whose day is before `today`.
    async fn pre_review_past(&self, today: &str, limit: u64) -> Result<Vec<ApplicationId>, StoreError>;

    /// Open applications still waiting for a due date (submitted, in pre-review or in approval
    /// with no `next_deadline`: it fell in a year whose holiday notice was not loaded), after
    /// `after` in id order: the sweep counts them again once the notice is there.
    async fn awaiting_deadline(
        &self,
        after: Option<ApplicationId>,
        limit: u64,
    ) -> Result<Vec<ApplicationId>, StoreError>;

    /// The overdue sweep: open branches due before `today` not yet flagged.
    async fn branches_falling_overdue(
        &self,
        today: &str,
        limit: u64,
    ) -> Result<Vec<OverdueBranch>, StoreError>;

    /// Adds a 材料库 item; the same material from the same application again is
    /// [`StoreError::Conflict`].
    async fn add_library_item(&self, item: NewLibraryItem) -> Result<i64, StoreError>;

    /// A citizen's 材料库 items.
    async fn library_items(&self, citizen: &str) -> Result<Vec<LibraryItem>, StoreError>;

    /// Rates an application once, opening `rectification` with it; `false`, writing nothing,
    /// when it was rated before.
    async fn rate_application(
        &self,
        id: ApplicationId,
        rating: RatingRecord,
        rectification: Option<RectificationRecord>,
    ) -> Result<bool, StoreError>;

    /// An application's rating.
    async fn application_rating(&self, id: ApplicationId) -> Result<Option<RatingRecord>, StoreError>;

    /// An application's rectification.
    async fn rectification(&self, id: ApplicationId) -> Result<Option<RectificationRecord>, StoreError>;

    /// A department's rectifications, oldest first.
    async fn department_rectifications(
        &self,
        department: &str,
        limit: u64,
    ) -> Result<Vec<RectificationRecord>, StoreError>;

    /// Records the call-back (once); `false` when there is none to record.
    async fn rectification_called_back(&self, id: ApplicationId, at: i64) -> Result<bool, StoreError>;

    /// Records the report (once, after the call-back); `false` otherwise.
    async fn rectification_report(
        &self,
        id: ApplicationId,
        report: &str,
        at: i64,
    ) -> Result<bool, StoreError>;

    /// The citizen's verdict on the rectification (once, after the report); `false` otherwise.
    async fn rate_rectification(
        &self,
        id: ApplicationId,
        satisfied: bool,
        at: i64,
    ) -> Result<bool, StoreError>;

    /// Holds an upload's bytes before the submission that names them; refused with
    /// [`Staged::TotalTooLarge`] when the citizen's uploads held for the application would pass
    /// `max_total` bytes.
    async fn stage_upload(&self, upload: StagedUpload, max_total: u64) -> Result<Staged, StoreError>;

    /// The uploads held for a citizen's application (declarations only, by digest).
    async fn staged_uploads(&self, citizen: &str, id: ApplicationId) -> Result<Vec<UploadDecl>, StoreError>;

    /// [`ApplicationStore::submit_application`], and in the same transaction: the held bytes of
    /// every declared upload moved into the application (nothing stored when one is missing),
    /// `notice` appended to the citizen's sync feed and round 0's receipt with `precheck`.
    async fn submit_with_uploads(
        &self,
        new: NewApplication,
        notice: String,
        precheck: String,
    ) -> Result<SubmitWithUploads, StoreError>;

    /// The receipt of an application's stored round (0 the submission, 1 the resubmission).
    async fn application_receipt(
        &self,
        id: ApplicationId,
        round: u8,
    ) -> Result<Option<ReceiptRecord>, StoreError>;

    /// The resubmission after 补正, idempotent by its body, in one transaction.
    async fn resubmit_application(&self, resubmission: Resubmission) -> Result<Resubmitted, StoreError>;

    /// A citizen's applications, newest first, from `offset`.
    async fn citizen_applications_page(
        &self,
        citizen: &str,
        offset: u64,
        limit: u64,
    ) -> Result<Vec<ApplicationRecord>, StoreError>;

    /// Forgets held uploads that arrived before `before` (no submission claimed them); how many.
    async fn sweep_staged_uploads(&self, before: i64) -> Result<u64, StoreError>;

    /// Stores an application's result document, once; `false`, writing nothing, when one is
    /// stored already.
    async fn put_result(&self, id: ApplicationId, result: ResultRecord) -> Result<bool, StoreError>;

    /// An application's result document.
    async fn application_result(&self, id: ApplicationId) -> Result<Option<ResultRecord>, StoreError>;
    /// The escalation sweep: open branches flagged overdue whose due date is before
    /// `due_before`, soonest due first.
    async fn branches_to_escalate(
        &self,
        due_before: &str,
        limit: u64,
    ) -> Result<Vec<OverdueBranch>, StoreError>;
}

/// The columns of an application, in the order [`RawApplication`] reads them (table alias `a`).
pub(super) const COLUMNS: &str = "a.id, a.region, a.arrival_month, a.case_no, a.citizen, a.service_code, \
     a.catalogue_version, a.department, a.arrived_at, a.body_sha256, a.submission, a.state, a.version, \
     a.next_deadline, a.overdue, a.updated_at";

/// An application's row as read, before it is parsed.
pub(super) struct RawApplication {
    pub(super) id: Vec<u8>,
    pub(super) region: String,
    pub(super) arrival_month: i64,
    pub(super) case_no: Option<String>,
    pub(super) citizen: String,
    pub(super) service_code: String,
    pub(super) catalogue_version: i64,
    pub(super) department: String,
    pub(super) arrived_at: i64,
    pub(super) body_sha256: Vec<u8>,
    pub(super) submission: String,
    pub(super) state: String,
    pub(super) version: i64,
    pub(super) next_deadline: Option<String>,
    pub(super) overdue: bool,
    pub(super) updated_at: i64,
}

impl RawApplication {
    /// The record, every part parsed.
    pub(super) fn parse(self) -> Result<ApplicationRecord, StoreError> {
        let state = parse_state(&self.state, self.version)?;
        if state.case_no().map(|c| c.as_str()) != self.case_no.as_deref() {
            return Err(StoreError::Corrupt("application case number"));
        }
        Ok(ApplicationRecord {
            id: parse_id(&self.id)?,
            region: self.region,
            arrival_month: self.arrival_month,
            case_no: self.case_no,
            citizen: self.citizen,
            service_code: self.service_code,
            catalogue_version: to_u64(self.catalogue_version)?,
            department: self.department,
            arrived_at: self.arrived_at,
            body_sha256: digest(&self.body_sha256)?,
            submission: self.submission,
            state,
            next_deadline: self.next_deadline,
            overdue: self.overdue,
            updated_at: self.updated_at,
        })
    }
}

/// A stored rating level.
pub(super) fn level(n: i64) -> Result<u8, StoreError> {
    u8::try_from(n).ok().filter(|l| (1..=5).contains(l)).ok_or(StoreError::Corrupt("rating level"))
}
