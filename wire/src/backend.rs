//! The bodies of the reference backend's HTTP API, shared by the server and the app's sync
//! client. Byte strings travel as base64url without padding (`*_b64` fields).

use serde::{Deserialize, Serialize};

use crate::error::ErrorCode;

/// Every 4xx/5xx answer of the backend. Never carries personal data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorResponse {
    /// What went wrong, for the client to act on: a stable machine-readable code.
    pub error: ErrorCode,
    /// A short English explanation for developers.
    pub message: String,
}

/// `POST /v1/staff/login`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffLoginRequest {
    /// The staff member's login.
    pub login: String,
    /// The password.
    pub password: String,
}

/// A staff member's role within their department.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum StaffRole {
    /// Issues, renews, revokes, suspends and reinstates certificates; hands out enrolment codes.
    Issuer,
    /// Reads and reviews; cannot issue.
    Reviewer,
    /// Keeps the national trust list: marks any department's issuer key compromised. Cannot
    /// issue or hand out enrolment codes. Its department is only the account's home.
    Administrator,
}

/// Answer to a successful staff login.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffLoginResponse {
    /// The bearer token for `Authorization: Bearer …`.
    pub token: String,
    /// When the token stops working (Unix seconds).
    pub expires_at: i64,
    /// The department the staff member acts for (its credit code).
    pub department_code: String,
    /// The staff member's role.
    pub role: StaffRole,
}

/// The type-specific part of an issuance. Everything else about the holder (name, ID number,
/// photo, address, household) comes from the registry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum CertificateFields {
    /// 居民身份证, from the registry entry.
    ResidentIdCard,
    /// 居民户口簿, the holder's page of their registered household.
    HouseholdRegister,
    /// 居住证.
    ResidencePermit {
        /// Address of residence in the issuing city.
        residence_address: String,
    },
    /// 机动车驾驶证.
    DrivingLicence {
        /// The classes allowed as printed together, e.g. `C1E`.
        classes: String,
        /// The date the driver first got a licence, `YYYY-MM-DD`.
        first_issue_date: String,
        /// The file number (档案编号).
        file_number: String,
    },
    /// 往来港澳通行证 with its endorsements.
    HkMacauTravelPermit {
        /// The holder's name in pinyin as printed, e.g. `ZHANG WEI`.
        name_pinyin: String,
        /// The endorsement for Hong Kong, if any.
        #[serde(default)]
        hong_kong: Option<EndorsementFields>,
        /// The endorsement for Macau, if any.
        #[serde(default)]
        macau: Option<EndorsementFields>,
    },
    /// 结婚证: each party holds their own copy, issued to them.
    MarriageCertificate {
        /// The other party's resident ID number (from the registry: name and number).
        spouse_id_number: String,
        /// The registration date, `YYYY-MM-DD`.
        registration_date: String,
    },
    /// 营业执照, issued to the company's legal representative (whose devices receive it).
    BusinessLicence {
        /// The company's unified social credit code (from the registry: its name).
        credit_code: String,
        /// The kind of company, e.g. 有限责任公司.
        company_kind: String,
        /// Registered capital in yuan.
        registered_capital_yuan: u32,
        /// Date of establishment, `YYYY-MM-DD`.
        established: String,
        /// Last day of the business term, absent for long-term.
        #[serde(default)]
        business_term_until: Option<String>,
        /// Registered address.
        address: String,
        /// Business scope.
        business_scope: String,
    },
    /// 学位证书.
    DegreeCertificate {
        /// `bachelor`, `master` or `doctor`.
        level: String,
        /// Discipline (学科门类).
        discipline: String,
        /// Major (专业).
        major: String,
        /// The conferring university.
        university: String,
        /// Conferral date, `YYYY-MM-DD`.
        conferral_date: String,
    },
}

/// A travel permit's endorsement (签注).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EndorsementFields {
    /// The letter printed on it: `G` individual tourism, `L` group tourism, `T` visiting
    /// relatives, `S` business, `D` stay, `Q` other.
    pub kind: String,
    /// Entries allowed; 0 for multiple (多次).
    pub entries: u8,
    /// The last day it may be used, `YYYY-MM-DD`.
    pub valid_until: String,
}

/// The request header of `POST /v1/staff/certificates` that carries a key the client chooses
/// (1 to 128 visible ASCII characters, unique per department): a request repeated with the same
/// key, e.g. after its answer was lost, answers the certificate the first one issued instead of
/// issuing another.
pub const IDEMPOTENCY_KEY_HEADER: &str = "Idempotency-Key";

/// `POST /v1/staff/certificates`: issue a certificate of the staff member's department.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IssueCertificateRequest {
    /// The holder's resident ID number.
    pub holder_id_number: String,
    /// First valid day, `YYYY-MM-DD`.
    pub valid_from: String,
    /// Last valid day, `YYYY-MM-DD`; absent for long-term (长期).
    #[serde(default)]
    pub valid_until: Option<String>,
    /// What kind of certificate, with its own fields.
    pub fields: CertificateFields,
}

/// A certificate's status as the backend keeps it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CertificateStatusView {
    /// In force.
    Valid,
    /// Revoked for good (also: replaced by a renewal).
    Revoked,
    /// Suspended; may be reinstated.
    Suspended,
}

/// A certificate as staff and the holder see its record (no attributes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateView {
    /// The backend's number for the record, used in staff URLs.
    pub id: i64,
    /// The GB/T 36904 identifier `1.2.156.3005.2.…`.
    pub certificate_id: String,
    /// The type's slug, e.g. `resident-id-card`.
    pub certificate_type: String,
    /// Version (0 first, +1 per renewal).
    pub version: u16,
    /// Current status.
    pub status: CertificateStatusView,
    /// The status list the certificate points to.
    pub status_list_id: i64,
    /// Its index in that list.
    pub status_index: u64,
    /// First valid day.
    pub valid_from: String,
    /// Last valid day, if not long-term.
    pub valid_until: Option<String>,
    /// Issue time, Unix seconds.
    pub issued_at: i64,
}

/// What staff do to a certificate's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum StatusAction {
    /// Revoke for good.
    Revoke,
    /// Suspend.
    Suspend,
    /// Lift a suspension.
    Reinstate,
}

/// `POST /v1/staff/certificates/{id}/status`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusChangeRequest {
    /// The change.
    pub action: StatusAction,
}

/// `POST /v1/staff/enrolment-codes`: a one-time code a citizen types into the app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrolmentCodeRequest {
    /// The citizen's resident ID number.
    pub holder_id_number: String,
}

/// A fresh one-time enrolment code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrolmentCodeResponse {
    /// The code (shown once).
    pub code: String,
    /// When it stops working (Unix seconds).
    pub expires_at: i64,
}

/// `POST /v1/devices`: register a device key with an enrolment code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisterDeviceRequest {
    /// The citizen's resident ID number.
    pub id_number: String,
    /// The one-time enrolment code.
    pub enrolment_code: String,
    /// The device's P-256 public key, SEC1 uncompressed, base64url.
    pub public_key_b64: String,
    /// A name the citizen gives the device ("my phone").
    #[serde(default)]
    pub label: String,
}

/// A registered device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisterDeviceResponse {
    /// The device's number, used to ask for challenges.
    pub device_id: i64,
}

/// `POST /v1/devices/{id}/challenge` answer: what the device must sign.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChallengeResponse {
    /// Random bytes, base64url; the device signs them as the payload of a COSE_Sign1 with the
    /// device-binding purpose (`shimin_core::cose::sign(SigningPurpose::DeviceBinding, …)`).
    pub challenge_b64: String,
    /// When the challenge expires (Unix seconds).
    pub expires_at: i64,
}

/// `POST /v1/devices/{id}/token`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceTokenRequest {
    /// The challenge as received.
    pub challenge_b64: String,
    /// The COSE_Sign1 over the challenge made with the device key, base64url.
    pub signature_b64: String,
}

/// `DELETE /v1/devices/{id}` of another device of the citizen: the step-up that proves the
/// holder of this device is present now. The app asks for the PIN (which opens the device key),
/// takes a fresh challenge for this device and signs `shimin_core::wallet::devices::remove_device_payload` with the device
/// key. A device removing itself sends no body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemoveDeviceRequest {
    /// A challenge of the calling device, as received.
    pub challenge_b64: String,
    /// The COSE_Sign1 over `shimin_core::wallet::devices::remove_device_payload` made with the calling device's key,
    /// base64url.
    pub signature_b64: String,
}

/// One of the citizen's registered devices, as "my devices" lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceView {
    /// The device's id.
    pub device_id: i64,
    /// Its label, as given at enrolment.
    pub label: String,
    /// When it was registered, Unix seconds.
    pub created_at: i64,
    /// Whether it is the device asking.
    pub this_device: bool,
}

/// `GET /v1/devices`: the citizen's devices that are not removed, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceListResponse {
    /// The devices.
    pub devices: Vec<DeviceView>,
}

/// A short-lived bearer token bound to one device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceTokenResponse {
    /// The bearer token for `Authorization: Bearer …`.
    pub token: String,
    /// When it stops working (Unix seconds).
    pub expires_at: i64,
}

/// A certificate the device has not seen yet (new or renewed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncCertificate {
    /// The GB/T 36904 identifier.
    pub certificate_id: String,
    /// The type's slug.
    pub certificate_type: String,
    /// Version.
    pub version: u16,
    /// The holder's copy (`IssuedCertificate::to_holder_copy`), base64url: the signed bytes
    /// bound to this device's key, with every attribute and its salt.
    pub holder_copy_b64: String,
}

/// A status change of one of the citizen's certificates.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncStatusChange {
    /// The GB/T 36904 identifier.
    pub certificate_id: String,
    /// The new status.
    pub status: CertificateStatusView,
    /// When it changed (Unix seconds).
    pub changed_at: i64,
}

/// Which trust list is current, so the app fetches `GET /v1/trust-list` only when it changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrustListVersion {
    /// The list's sequence number.
    pub sequence: u64,
    /// Its strong ETag.
    pub etag: String,
}

/// Something the citizen should do soon.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reminder {
    /// The certificate concerned.
    pub certificate_id: String,
    /// The type's slug.
    pub certificate_type: String,
    /// When it expires (Unix seconds).
    pub expires_at: i64,
    /// Whole days left.
    pub days_left: i64,
}

/// A message for the citizen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notification {
    /// Increasing number.
    pub id: i64,
    /// When it was created (Unix seconds).
    pub created_at: i64,
    /// The text.
    pub message: String,
}

/// `GET /v1/sync/pull?cursor=…`: what changed since `cursor`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncPullResponse {
    /// Opaque: pass it back next time.
    pub cursor: String,
    /// More changes wait: pull again at once with the new cursor.
    pub more: bool,
    /// New and renewed certificates for this device.
    pub certificates: Vec<SyncCertificate>,
    /// Status changes.
    pub status_changes: Vec<SyncStatusChange>,
    /// The current trust list.
    pub trust_list: Option<TrustListVersion>,
    /// Certificates expiring within 30 days (recomputed on every pull).
    pub reminders: Vec<Reminder>,
    /// New notifications.
    pub notifications: Vec<Notification>,
}

/// One item of the app's outbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxItem {
    /// Chosen by the app once per item and kept across retries (e.g. a UUID).
    pub idempotency_key: String,
    /// What it is, e.g. `presentation-log`, `feedback`.
    pub kind: String,
    /// The item itself, JSON text.
    pub payload: String,
}

/// `POST /v1/sync/push`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncPushRequest {
    /// The items, oldest first.
    pub items: Vec<OutboxItem>,
}

/// The receipt of one outbox item: the same for every retry of the same key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxReceipt {
    /// The item's key.
    pub idempotency_key: String,
    /// The backend's number for the stored item.
    pub receipt_id: i64,
    /// When the backend first received it (Unix seconds).
    pub received_at: i64,
}

/// Answer to `POST /v1/sync/push`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncPushResponse {
    /// One receipt per item, in order.
    pub receipts: Vec<OutboxReceipt>,
}

/// `POST /v1/staff/certificates/{id}/renew`: the next version, with new dates if given.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RenewCertificateRequest {
    /// New first valid day, `YYYY-MM-DD`; the old one if absent.
    #[serde(default)]
    pub valid_from: Option<String>,
    /// New last valid day, `YYYY-MM-DD`; the old one if absent.
    #[serde(default)]
    pub valid_until: Option<String>,
}

/// `POST /v1/staff/key-rotation` answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyRotationResponse {
    /// The new key's id on the trust list.
    pub key_id: String,
    /// The trust list's new sequence number.
    pub trust_list_sequence: u64,
}

/// `POST /v1/staff/issuer-keys/{key_id}/compromise` (trust-list administrators only): the key
/// was stolen or may have been; verifiers distrust it outright from the next trust list on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyCompromiseRequest {
    /// When the compromise happened or was found, Unix seconds; now if absent. Never in the future.
    #[serde(default)]
    pub compromised_at: Option<i64>,
}

/// `POST /v1/staff/issuer-keys/{key_id}/compromise` answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyCompromiseResponse {
    /// The department whose key it was (its credit code).
    pub department_code: String,
    /// The id of the department's key that signs now (a new one if the compromised key was
    /// its current key).
    pub key_id: String,
    /// The sequence number of the trust list that carries the mark.
    pub trust_list_sequence: u64,
}

/// `GET /healthz`: whether the server and its database answer, and nothing else (it is public:
/// no counts, versions or sizes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HealthResponse {
    /// `"ok"` when the database answers.
    pub status: String,
}

/// `POST /v1/enrolment/liveness`: a new device asks to prove its holder by a liveness check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LivenessEnrolmentRequest {
    /// The citizen's resident ID number.
    pub id_number: String,
    /// The new device's P-256 public key, SEC1 uncompressed, base64url; the check's frame
    /// batches must be signed with it.
    pub public_key_b64: String,
    /// A name the citizen gives the device ("my phone").
    #[serde(default)]
    pub label: String,
}

/// A liveness check opened: stream the camera's frames, in batches signed by the device key, to
/// `POST /v1/enrolment/liveness/{check_id}/frames` (or `/v1/sync/liveness-checks/{check_id}/frames`
/// for a case) and do what each answer ([`LivenessPaceResponse`]) says. The actions are not
/// named here: the server reveals each only when it is to be done, so that nothing can be
/// prepared for them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LivenessChallengeResponse {
    /// The check to answer.
    pub check_id: i64,
    /// The one-time nonce, base64url; every frame batch carries it.
    pub nonce_b64: String,
    /// How many actions the check will ask for (the screen shows progress as "step 2 of 3").
    pub steps: u8,
    /// Time limit of the whole check from its issue, ms.
    pub time_limit_ms: u64,
    /// The last moment the check can pass, seconds since the epoch.
    pub answer_by: i64,
}

/// What the server answers each signed frame batch of a paced check
/// (`POST /v1/enrolment/liveness/{check_id}/frames`, or `/v1/sync/liveness-checks/{check_id}/frames`
/// for a case; body: a `shimin_core::liveness::FrameBatch` signed by the check's device key). The device shows the action it is told, never one it
/// was not told yet: the server reveals each next action only after it saw the one before done.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum LivenessPaceResponse {
    /// Keep looking straight at the camera and keep streaming: no neutral face yet.
    Calibrating,
    /// Perform this action now and keep streaming.
    Act {
        /// The action's name (`blink`, `mouth`, `shake`, `nod`).
        action: String,
        /// Its place in the challenge, from 1.
        step: u8,
    },
    /// The check passed (every action seen done in time, and the faces matched): the check is
    /// over. An enrolment check's device is registered with this id; a case check has none.
    Passed {
        /// The new device's id, for an enrolment check.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        device_id: Option<i64>,
    },
}

/// A party's role in a company registration case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartyRoleView {
    /// 法定代表人.
    LegalRepresentative,
    /// 股东.
    Shareholder,
    /// 监事.
    Supervisor,
}

/// A party named in a new case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CasePartyRequest {
    /// The party's resident ID number.
    pub id_number: String,
    /// The role.
    pub role: PartyRoleView,
}

/// `POST /v1/staff/cases`: open a company registration case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenCaseRequest {
    /// The company's name.
    pub company_name: String,
    /// The company's unified social credit code, when assigned (GB 32100).
    #[serde(default)]
    pub credit_code: Option<String>,
    /// The parties: exactly one legal representative, at most one supervisor, any shareholders.
    pub parties: Vec<CasePartyRequest>,
}

/// A party of a case as staff see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CasePartyView {
    /// The party's resident ID number.
    pub id_number: String,
    /// The party's name from the registry.
    pub name: String,
    /// The role.
    pub role: PartyRoleView,
    /// When the party confirmed by a liveness check, seconds since the epoch.
    pub confirmed_at: Option<i64>,
    /// When the party declined to confirm, seconds since the epoch.
    #[serde(default)]
    pub declined_at: Option<i64>,
    /// Why the party declined, when it did.
    #[serde(default)]
    pub decline_reason: Option<DeclineReasonView>,
}

/// A company registration case as staff see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseView {
    /// The case's id.
    pub id: i64,
    /// The company's name.
    pub company_name: String,
    /// The company's credit code, when assigned.
    pub credit_code: Option<String>,
    /// When it was opened.
    pub created_at: i64,
    /// The parties and who has confirmed.
    pub parties: Vec<CasePartyView>,
    /// Whether every party has confirmed.
    pub all_confirmed: bool,
    /// Whether a party declined to confirm: the case cannot proceed as it is.
    #[serde(default)]
    pub declined: bool,
    /// When the registrar proceeded, if it has.
    pub proceeded_at: Option<i64>,
}

/// Why a party declines to confirm a registration case; the registrar sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeclineReasonView {
    /// 我不同意此次确认: the party does not agree.
    Refused,
    /// 这不是我办理的业务: the party did not ask for it (someone may be using their identity).
    NotMe,
}

/// `POST /v1/sync/identity-requests/{id}/decline`: the signed-in citizen declines to confirm.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeclineRequest {
    /// Why.
    pub reason: DeclineReasonView,
}

/// What a registration case asks the citizen to confirm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MatterView {
    /// 公司设立登记: a company not yet in the registry.
    CompanyEstablishment,
    /// 公司变更登记: a change of a registered company.
    CompanyChange,
}

/// A datum the department receives when the citizen confirms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SharedDataView {
    /// 姓名.
    Name,
    /// 公民身份号码.
    IdNumber,
    /// 刷脸核验结果及时间 (never the photo or the frames).
    FaceCheckResult,
}

/// Where an identity request stands for the citizen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestStateView {
    /// 待确认: to confirm or decline, before `respond_by`.
    Pending,
    /// 已确认.
    Confirmed,
    /// 已拒绝.
    Declined,
    /// 已过期: neither, and `respond_by` has passed.
    Expired,
}

/// A verification request as the named party's app sees it: a case naming the citizen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdentityRequestView {
    /// The case's id.
    pub case_id: i64,
    /// The company's name.
    pub company_name: String,
    /// The registering department's name.
    pub department_name: String,
    /// The citizen's roles in the case.
    pub roles: Vec<PartyRoleView>,
    /// When the case was opened.
    pub created_at: i64,
    /// What the case is.
    pub matter: MatterView,
    /// Exactly what the department receives when the citizen confirms.
    pub shared: Vec<SharedDataView>,
    /// The answer is due by then, seconds since the epoch.
    pub respond_by: i64,
    /// Where it stands, when the backend answered.
    pub state: RequestStateView,
    /// When the citizen confirmed, if they have.
    pub confirmed_at: Option<i64>,
    /// When the citizen declined, if they have.
    pub declined_at: Option<i64>,
    /// Why the citizen declined, if they have.
    pub decline_reason: Option<DeclineReasonView>,
}
