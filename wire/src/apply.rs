//! The app's IPC views of applying online (issue 17): the application page (the form generated
//! from the guide's definition, prefilled from the wallet; the sources of each material), a file
//! staged for a material, the submission's outcome, and 我的办件. Texts are already in the user's
//! language; problems and reasons are codes the UI words.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::application::{FieldProblemDto, FieldValueDto, FindingDto, UploadTypeDto};
use crate::wallet::Language;
use crate::workflow::{ApplicationPhaseDto, StepView};

/// Opens the application page of a service: [`crate::ipc::command::APPLY_FORM`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplyFormRequest {
    /// The service's code.
    pub code: String,
    /// The user's language.
    pub language: Language,
}

/// The application page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplyFormView {
    /// The service's code.
    pub code: String,
    /// Its name.
    pub name: String,
    /// The department it goes to.
    pub department: String,
    /// The form's fields, in order.
    pub fields: Vec<FormFieldView>,
    /// The first answers, from the wallet.
    pub values: BTreeMap<String, FieldValueDto>,
    /// The materials with their sources.
    pub materials: Vec<MaterialSourcesView>,
}

/// One field of the form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormFieldView {
    /// Its key.
    pub key: String,
    /// Its label.
    pub label: String,
    /// Its help.
    pub help: Option<String>,
    /// The input it needs.
    pub input: InputView,
    /// Whether it must be answered (when asked).
    pub required: bool,
    /// Asked only while another field's answer is one of these.
    pub when: Option<WhenView>,
    /// Filled from a certificate of the wallet.
    pub prefilled: bool,
}

/// "Asked when `field` is one of `one_of`" (`yes`/`no` for a yes/no field).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WhenView {
    /// The field it depends on.
    pub field: String,
    /// The answers that ask it.
    pub one_of: Vec<String>,
}

/// A choice's option.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OptionView {
    /// Its code.
    pub code: String,
    /// Its label.
    pub label: String,
}

/// The input a field needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum InputView {
    /// Free text.
    Text {
        /// Most characters.
        max_len: u16,
    },
    /// A whole number.
    Integer,
    /// A decimal number.
    Decimal,
    /// A date.
    Date,
    /// One of a list.
    Choice {
        /// The list.
        options: Vec<OptionView>,
    },
    /// Several of a list.
    MultiChoice {
        /// The list.
        options: Vec<OptionView>,
    },
    /// A resident ID number (shown masked when prefilled).
    IdNumber,
    /// A unified social credit code.
    CreditCode,
    /// A phone number.
    Phone,
    /// A postal address.
    Address {
        /// Most characters.
        max_len: u16,
    },
    /// Yes or no.
    YesNo,
}

/// One material and where it can come from, best first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MaterialSourcesView {
    /// Its index in the guide.
    pub index: u8,
    /// Its name.
    pub name: String,
    /// Needed always (else only in the case its condition names).
    pub required: bool,
    /// The condition, for a conditional material.
    pub condition: Option<String>,
    /// The sources, usable ones first.
    pub sources: Vec<SourceView>,
}

/// Where a material can come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceKindView {
    /// A certificate of the wallet (卡包).
    Wallet,
    /// The material library (材料库).
    Library,
    /// A file or a photo.
    Upload,
}

/// Why a source cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnusableView {
    /// The certificate has expired.
    CertificateExpired,
    /// The certificate is revoked or suspended.
    CertificateNotValid,
    /// Not this material.
    OtherMaterial,
    /// Never reused (reuse class 4).
    NeverReused,
    /// Past its validity.
    Expired,
    /// Given on paper only.
    PaperOnly,
}

/// One source of a material.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceView {
    /// Its kind.
    pub kind: SourceKindView,
    /// The certificate's or the item's id (none for an upload).
    pub id: Option<String>,
    /// The certificate type's slug, for a wallet source (the UI names it).
    pub certificate_type: Option<String>,
    /// `None` when usable, or why not.
    pub unusable: Option<UnusableView>,
}

/// Checks one field as the citizen leaves it: [`crate::ipc::command::CHECK_APPLICATION_FIELD`] →
/// `Option<FieldProblemDto>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckFieldRequest {
    /// The service's code.
    pub code: String,
    /// The field's key.
    pub key: String,
    /// Every answer so far, by field key (a list: the webview's bridge drops maps).
    pub values: Vec<(String, FieldValueDto)>,
}

/// The name of the header carrying a staged file's name: [`crate::ipc::command::STAGE_UPLOAD`]
/// (the body is the file's bytes).
pub const FILE_NAME_HEADER: &str = "x-shimin-file-name";

/// What staging a file answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum StagedUploadView {
    /// Taken: refer to it by `upload_id` when submitting.
    Accepted {
        /// Its id (the SHA-256 of its bytes, hex).
        upload_id: String,
        /// What it is.
        media_type: UploadTypeDto,
        /// Its size in bytes.
        size: u64,
    },
    /// Refused.
    Refused {
        /// Why.
        reason: UploadProblemView,
    },
}

/// Why a file was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UploadProblemView {
    /// Empty.
    Empty,
    /// Larger than 10 MB.
    TooLarge,
    /// Not a JPEG, PNG or PDF.
    NotAllowed,
    /// Not what its name says.
    Mismatch,
    /// A picture that cannot be read or is too large.
    BadPicture,
    /// A PDF cut short.
    PdfIncomplete,
}

/// The citizen's choice for one material.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PickDto {
    /// A wallet certificate.
    Wallet {
        /// Its identifier.
        certificate_id: String,
    },
    /// A 材料库 item.
    Library {
        /// Its id.
        item_id: String,
    },
    /// A staged file.
    Upload {
        /// Its id from [`StagedUploadView::Accepted`].
        upload_id: String,
    },
}

/// Submits an application: [`crate::ipc::command::SUBMIT_APPLICATION`] → [`SubmitOutcomeView`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubmitApplicationRequest {
    /// The service's code.
    pub code: String,
    /// The answers, by field key (a list: the webview's bridge drops maps).
    pub values: Vec<(String, FieldValueDto)>,
    /// A choice per material given, by its index.
    pub picks: Vec<(u8, PickDto)>,
    /// The user's language.
    pub language: Language,
}

/// One field's problem.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldProblemView {
    /// The field's key.
    pub field: String,
    /// What is wrong.
    pub problem: FieldProblemDto,
}

/// What submitting did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum SubmitOutcomeView {
    /// In the outbox (and being sent when online).
    Stored {
        /// The application.
        application: ApplicationRowView,
    },
    /// Answers to fix, all at once.
    FormProblems {
        /// Every problem.
        problems: Vec<FieldProblemView>,
    },
    /// The pre-review on the device found these.
    Findings {
        /// Every finding.
        findings: Vec<FindingDto>,
    },
    /// A staged file is gone (the app restarted): choose it again.
    UploadMissing,
}

/// Where an application stands, as 我的办件 shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApplicationStateView {
    /// In the outbox (待发送).
    Waiting,
    /// The backend's pre-review refused it (未通过预审).
    Refused,
    /// Submitted (已提交) with no timeline known yet.
    Submitted,
    /// The backend's phase.
    Phase(ApplicationPhaseDto),
}

/// One application in 我的办件.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicationRowView {
    /// Its id.
    pub id: String,
    /// The service's name.
    pub service: String,
    /// Where it stands.
    pub state: ApplicationStateView,
    /// When it was made, `YYYY-MM-DD HH:MM` China time.
    pub created: String,
    /// Its case number (办件编号), once accepted.
    pub case_no: Option<String>,
}

/// One application: [`crate::ipc::command::APPLICATION`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicationRequest {
    /// Its id.
    pub id: String,
}

/// An application's page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApplicationDetailView {
    /// The row.
    pub row: ApplicationRowView,
    /// The backend's findings, when it refused it.
    pub findings: Vec<FindingDto>,
    /// The steps with their holders and due dates.
    pub steps: Vec<StepView>,
    /// The next deadline.
    pub due: Option<String>,
    /// The copy shown is the last known one (the backend could not be asked).
    pub offline: bool,
}
