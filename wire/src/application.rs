//! HTTP and IPC shapes of an online application (issue 17): what the device sends (the form's
//! answers and a source for each material), the automatic pre-review's findings, and the
//! citizen's rating (好差评) with the rectification a bad one opens.
//!
//! Nothing here is trusted: `core::application` parses a [`SubmissionRequest`] and checks it
//! against the service's guide before anything stores it.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// One answer of the form: yes/no as a JSON boolean, a list of codes for a multiple choice, and
/// text for everything else (numbers and dates as typed: `"12"`, `"3.50"`, `"2026-12-07"`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum FieldValueDto {
    /// A yes/no field.
    YesNo(bool),
    /// Any field answered with text.
    Text(String),
    /// A multiple-choice field's codes.
    Codes(Vec<String>),
}

/// An application as the device sends it (`POST /v1/sync/applications`). Sending the same
/// `application_id` again is the same application: the backend answers with what it stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubmissionRequest {
    /// 128 random bits chosen by the device, 32 lower-case hex digits: the idempotency key, and
    /// the nonce every wallet presentation of this application is bound to.
    pub application_id: String,
    /// The service's code.
    pub service_code: String,
    /// The catalogue version of the guide the form was filled against.
    pub catalogue_version: u64,
    /// The form's answers, by field key.
    #[serde(default)]
    pub values: BTreeMap<String, FieldValueDto>,
    /// A source for each material given.
    #[serde(default)]
    pub materials: Vec<MaterialSubmissionDto>,
}

/// How one material of the guide is given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MaterialSubmissionDto {
    /// The material's index in the guide's `materials`.
    pub material: u8,
    /// Where it comes from.
    pub source: MaterialSourceDto,
}

/// Where a material comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum MaterialSourceDto {
    /// A wallet certificate, as an `SM1:` presentation bound to this department and application.
    Wallet {
        /// The presentation's text.
        presentation: String,
    },
    /// An item of the citizen's material library (材料库) a department accepted before.
    Library {
        /// The item's id.
        item_id: String,
    },
    /// A file uploaded beside the application.
    Upload {
        /// SHA-256 of the file's bytes, 64 lower-case hex digits.
        sha256: String,
        /// What the file is.
        media_type: UploadTypeDto,
        /// Its size in bytes.
        size: u64,
    },
}

/// The file types an upload may have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum UploadTypeDto {
    /// A JPEG photo.
    #[serde(rename = "image/jpeg")]
    Jpeg,
    /// A PNG picture.
    #[serde(rename = "image/png")]
    Png,
    /// A PDF document.
    #[serde(rename = "application/pdf")]
    Pdf,
}

/// The automatic pre-review's verdict (预审): `passed` when no finding blocks the application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrecheckView {
    /// No blocking finding.
    pub passed: bool,
    /// Every finding, blocking or not.
    pub findings: Vec<FindingDto>,
}

/// The answer to `POST /v1/sync/applications` and to a resubmission after 补正
/// (`POST /v1/sync/applications/{id}/correction`, the same body with the same `application_id`):
/// the same answer for every retry of the same submission, so a device that lost the answer sends
/// again and nothing is stored twice.
///
/// Uploaded files travel before the submission that names them, one request each:
/// `PUT /v1/sync/applications/{id}/uploads/{sha256}` with the file's bytes as the body and its
/// media type as `Content-Type`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubmissionReceipt {
    /// The application's id, as sent.
    pub application_id: String,
    /// The automatic pre-review. When it did not pass nothing was stored: fix and send again.
    pub precheck: PrecheckView,
    /// When the backend first stored this submission (Unix seconds); absent when nothing was
    /// stored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub received_at: Option<i64>,
    /// The application as stored; absent when nothing was stored.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeline: Option<crate::workflow::TimelineView>,
}

/// The citizen's own applications, newest first (`GET /v1/sync/applications?offset=&limit=`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApplicationListResponse {
    /// One page.
    pub applications: Vec<ApplicationSummaryView>,
    /// The `offset` of the next page; absent on the last.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_offset: Option<u64>,
}

/// One application in the citizen's list; its timeline is `GET /v1/sync/applications/{id}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApplicationSummaryView {
    /// The application's id.
    pub application_id: String,
    /// The service's code.
    pub service_code: String,
    /// The case number, once accepted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case_no: Option<String>,
    /// Where it stands.
    pub phase: crate::workflow::ApplicationPhaseDto,
    /// When it arrived (Unix seconds).
    pub received_at: i64,
    /// The next date something falls due (`YYYY-MM-DD`, China).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_deadline: Option<String>,
}

/// One finding of the automatic pre-review. Names fields and materials, never their contents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "finding", rename_all = "snake_case", deny_unknown_fields)]
pub enum FindingDto {
    /// The service takes no online application now (suspended, cancelled, or no form).
    ServiceNotOpen,
    /// The form was filled against an older guide than the one in force.
    OlderCatalogue {
        /// The version in force.
        current: u64,
    },
    /// A field's answer breaks a rule of the form.
    Field {
        /// The field's key.
        field: String,
        /// Why.
        problem: FieldProblemDto,
    },
    /// A required material (or a conditional one the answers call for) was not given.
    MaterialMissing {
        /// The material's index.
        material: u8,
    },
    /// A material index the guide does not have, or given twice.
    MaterialUnknown {
        /// The index sent.
        material: u8,
    },
    /// The source cannot stand for this material (a library item of a class that is never
    /// reused, out of its validity, of another material; a wallet source for a material no
    /// certificate satisfies).
    SourceNotAccepted {
        /// The material's index.
        material: u8,
        /// Why, as a code: `never_reused`, `expired`, `not_accepted`, `no_certificate`,
        /// `unknown_item`, `other_material`.
        reason: String,
    },
    /// The upload is not one the department takes (type or size).
    UploadRefused {
        /// The material's index.
        material: u8,
        /// Why, as a code: `too_large`, `total_too_large`, `empty`, `bad_digest`, or
        /// `not_received` (its bytes were not sent before the submission: send them and submit
        /// again).
        reason: String,
    },
    /// The presentation did not verify; `reasons` are the verifier's reason codes.
    PresentationInvalid {
        /// The material's index.
        material: u8,
        /// The verifier's reasons (`expired`, `revoked`, `bad_issuer_signature` …).
        reasons: Vec<String>,
    },
    /// The presentation verified with warnings (revocation not checkable, a stale list): not
    /// blocking; the clerk sees it.
    PresentationWarning {
        /// The material's index.
        material: u8,
        /// The verifier's reasons.
        reasons: Vec<String>,
    },
    /// The presentation is genuine but not bound to this department and this application (made
    /// for another, or replayed).
    PresentationNotBound {
        /// The material's index.
        material: u8,
    },
    /// The presentation is of another certificate type than the material asks for.
    WrongCertificate {
        /// The material's index.
        material: u8,
    },
    /// The presentation lacks an attribute the service needs.
    AttributeMissing {
        /// The material's index.
        material: u8,
        /// The attribute's name.
        attribute: String,
    },
    /// A prefilled field's answer differs from what the presented certificate says (a typing
    /// mistake, or someone else's certificate).
    AnswerDiffers {
        /// The material's index.
        material: u8,
        /// The field's key.
        field: String,
    },
}

/// Why a field's answer was refused, for the UI to put in words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "snake_case", deny_unknown_fields)]
pub enum FieldProblemDto {
    /// Required and not answered.
    Missing,
    /// The form has no such field.
    Unknown,
    /// An answer of the wrong shape (text for a yes/no …).
    WrongType,
    /// Fewer characters than allowed.
    TooShort {
        /// The fewest.
        min: u16,
    },
    /// More characters than allowed.
    TooLong {
        /// The most.
        max: u16,
    },
    /// Control characters in text.
    BadCharacters,
    /// Not a number.
    NotANumber,
    /// More digits after the point than allowed.
    TooManyPlaces {
        /// The most.
        places: u8,
    },
    /// Below the least value.
    BelowMinimum {
        /// The least value, as text.
        min: String,
    },
    /// Above the greatest value.
    AboveMaximum {
        /// The greatest value, as text.
        max: String,
    },
    /// Not a date `YYYY-MM-DD`.
    NotADate,
    /// Before the earliest day.
    TooEarly {
        /// The earliest day.
        earliest: String,
    },
    /// After the latest day.
    TooLate {
        /// The latest day.
        latest: String,
    },
    /// A code not in the code list.
    NotAnOption,
    /// A code given twice.
    RepeatedChoice,
    /// Fewer codes than required.
    TooFewChoices {
        /// The fewest.
        min: u8,
    },
    /// More codes than allowed.
    TooManyChoices {
        /// The most.
        max: u8,
    },
    /// Not a valid resident ID number.
    BadIdNumber,
    /// Not a valid unified social credit code.
    BadCreditCode,
    /// Not a mainland phone number (or not a mobile one where only mobiles are taken).
    BadPhone,
    /// Comes before the field it must follow.
    OutOfOrder {
        /// The key of the field it must not precede.
        after: String,
    },
}

/// The five levels of 好差评 (GB/T 39734-2020; 国办发〔2019〕51号).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RatingLevelDto {
    /// 非常满意.
    VerySatisfied,
    /// 满意.
    Satisfied,
    /// 基本满意.
    BasicallySatisfied,
    /// 不满意.
    Dissatisfied,
    /// 非常不满意.
    VeryDissatisfied,
}

/// The citizen rates an application once (`POST /v1/sync/applications/{id}/rating`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RatingRequest {
    /// The application's id.
    pub application_id: String,
    /// The level.
    pub level: RatingLevelDto,
    /// Tags of the level's list (`slow`, `many_trips` …).
    #[serde(default)]
    pub tags: Vec<String>,
    /// Free text.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub text: String,
}

/// A rating as stored and shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RatingView {
    /// The level.
    pub level: RatingLevelDto,
    /// Its tags.
    pub tags: Vec<String>,
    /// Its text.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub text: String,
    /// When, Unix seconds.
    pub rated_at: i64,
    /// The rectification a bad rating opened.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rectification: Option<RectificationView>,
}

/// Where a rectification (整改) stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RectificationStateDto {
    /// Opened; the department has not called the citizen back yet.
    Open,
    /// The department called back (回访) and is working on it.
    CalledBack,
    /// The department reported what it did.
    Done,
    /// The citizen rated the rectification.
    Rated,
}

/// A rectification ticket as the citizen and the department see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RectificationView {
    /// Where it stands.
    pub state: RectificationStateDto,
    /// The day it opened, `YYYY-MM-DD` (China time).
    pub opened_on: String,
    /// The last day for the call-back.
    pub call_back_due: String,
    /// The last day for the rectification.
    pub due: String,
    /// What the department reported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<String>,
    /// Whether the citizen was satisfied with it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub satisfied: Option<bool>,
}

/// The citizen rates a rectification once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RectificationRatingRequest {
    /// The application's id.
    pub application_id: String,
    /// Satisfied with what was done.
    pub satisfied: bool,
}

/// The department reports what it did on a rectification
/// (`POST /v1/desk/rectifications/{id}/report`), after its call-back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RectificationReportRequest {
    /// What was done, 1 to 1,000 characters.
    pub outcome: String,
}

/// One of a department's rectification tickets (`GET /v1/desk/rectifications`), oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RectificationRow {
    /// The rated application's id (the ticket's id in the desk's routes).
    pub application_id: String,
    /// Its case number, once accepted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case_no: Option<String>,
    /// The service's code.
    pub service_code: String,
    /// The rating that opened it.
    pub rating: RatingView,
    /// The call-back is late today.
    pub call_back_overdue: bool,
    /// The rectification is late today.
    pub overdue: bool,
}

/// An item of the citizen's 材料库 (`GET /v1/sync/library`): a material a department accepted,
/// reusable until `valid_until` (none: without limit).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LibraryItemView {
    /// Its id.
    pub id: i64,
    /// The material's name in the guide it was accepted under.
    pub material: String,
    /// The department that accepted it (credit code).
    pub department: String,
    /// When, Unix seconds.
    pub accepted_at: i64,
    /// Until when it may be reused, Unix seconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<i64>,
}

/// The signed result document of an application whose result is not a certificate
/// (`GET /v1/sync/applications/{id}/result`): its text, and the `SMR1:` code that binds the text
/// by its SHA-256 (`docs/formats/result-document.md`), to show as a QR and verify offline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResultDocumentView {
    /// Its title (准予行政许可决定书 …).
    pub title: String,
    /// Its text, exactly as signed.
    pub text: String,
    /// The signed code, `SMR1:…`.
    pub code: String,
    /// When it was signed, Unix seconds.
    pub issued_at: i64,
}
