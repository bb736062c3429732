//! The parts of an action: who acts, what they send (parsed: case numbers, reasons, staff ids,
//! correction items, the step and version seen), and why an action or a stored state is refused.

use shimin_wire::workflow::SpecialProcedureDto;

use crate::calendar::CalendarError;
use crate::cert::credit_code::CreditCode;

/// The longest reason, in characters.
const MAX_REASON: usize = 500;
/// The longest staff id or case number, in characters.
const MAX_ID: usize = 64;
/// The most items of one correction request.
pub(super) const MAX_CORRECTIONS: usize = 60;

/// Why an action was refused. Nothing changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WorkflowError {
    /// The application is closed (checks failed, not accepted, or closed after its result).
    #[error("the application is closed")]
    Closed,
    /// The action does not fit the application's phase.
    #[error("this action is not possible in the application's current phase")]
    WrongPhase,
    /// The version sent is not the current one: someone (or the same click) acted first.
    #[error("the application changed since it was shown; reload it")]
    Stale,
    /// The actor may not take this action (a citizen approving, the system refusing …).
    #[error("this actor may not take this action")]
    NotAllowed,
    /// An officer of another department acts on a branch or a pre-review not theirs.
    #[error("the step belongs to another department")]
    NotYourDepartment,
    /// The stage, branch or step named is not the current one.
    #[error("no such current step")]
    NoSuchStep,
    /// The branch has already decided.
    #[error("the branch has already decided")]
    BranchDecided,
    /// The step's clock is stopped: restart it before deciding.
    #[error("the step's clock is stopped")]
    ClockStopped,
    /// The step's clock is already running: nothing to restart.
    #[error("the step's clock is not stopped")]
    ClockNotStopped,
    /// A correction was already requested once (art. 32: one request, everything at once).
    #[error("a correction was already requested")]
    CorrectionAlreadyRequested,
    /// Five working days have passed since the materials arrived: the application counts as
    /// accepted, no correction can be requested any more.
    #[error("the time to request a correction has passed")]
    CorrectionTooLate,
    /// A correction request lists nothing, too much, or the same item twice.
    #[error("a correction request lists nothing, too much, or an item twice")]
    CorrectionItems,
    /// Art. 32 acceptance asked for before the five working days have passed.
    #[error("the application is not yet accepted by law")]
    NotYetDeemed,
    /// A time outside the representable dates.
    #[error("the time is out of range")]
    Time,
    /// The calendar cannot answer.
    #[error(transparent)]
    Calendar(#[from] CalendarError),
}

/// Why a stored state was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StateError {
    /// Not the JSON of a state.
    #[error("the stored workflow state does not parse: {0}")]
    Shape(String),
    /// A format version this code does not read.
    #[error("unsupported workflow state version {0}")]
    Version(u32),
    /// The parts do not fit together (a branch the process does not have, a step past the end …).
    #[error("the stored workflow state is inconsistent: {0}")]
    Inconsistent(&'static str),
}

/// A case number (办件编号): drawn by the backend on acceptance, 1 to 64 characters of `A-Z`,
/// `0-9` and `-`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CaseNo(String);

impl CaseNo {
    /// Parses a case number.
    ///
    /// # Errors
    /// [`StateError::Inconsistent`] for an empty, long or oddly spelled number.
    pub fn parse(text: &str) -> Result<Self, StateError> {
        let ok = !text.is_empty()
            && text.len() <= MAX_ID
            && text.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'-');
        if ok { Ok(Self(text.to_owned())) } else { Err(StateError::Inconsistent("a case number")) }
    }

    /// The number.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for CaseNo {
    type Error = StateError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<CaseNo> for String {
    fn from(value: CaseNo) -> Self {
        value.0
    }
}

impl std::fmt::Display for CaseNo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// An officer's reason (a refusal, a correction item, a check that failed): 1 to 500 characters,
/// not blank.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Reason(String);

impl Reason {
    /// Parses a reason.
    ///
    /// # Errors
    /// [`StateError::Inconsistent`] for a blank or too long reason.
    pub fn parse(text: &str) -> Result<Self, StateError> {
        let text = text.trim();
        if text.is_empty() || text.chars().count() > MAX_REASON {
            return Err(StateError::Inconsistent("a reason"));
        }
        Ok(Self(text.to_owned()))
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Reason {
    type Error = StateError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Reason> for String {
    fn from(value: Reason) -> Self {
        value.0
    }
}

/// A staff member: their staff id (1 to 64 visible characters) and unit.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Holder {
    /// The staff id.
    pub officer: String,
    /// The unit.
    pub unit: CreditCode,
}

impl Holder {
    /// A staff member.
    ///
    /// # Errors
    /// [`StateError::Inconsistent`] for an empty, long or non-graphic staff id.
    pub fn new(officer: &str, unit: CreditCode) -> Result<Self, StateError> {
        let ok = !officer.is_empty()
            && officer.chars().count() <= MAX_ID
            && officer.chars().all(|c| !c.is_control() && !c.is_whitespace());
        if ok {
            Ok(Self { officer: officer.to_owned(), unit })
        } else {
            Err(StateError::Inconsistent("a staff id"))
        }
    }
}

/// Who acts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Actor {
    /// A department's officer.
    Officer(Holder),
    /// The applicant.
    Citizen,
    /// The backend itself (checks, sweeps, issuing the result).
    System,
}

/// What a correction request asks to fix.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CorrectionTarget {
    /// A material, by its index in the guide.
    Material(u8),
    /// A form field, by its key.
    Field(String),
}

/// One item to fix, with its reason.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CorrectionItem {
    /// What.
    pub target: CorrectionTarget,
    /// Why.
    pub reason: Reason,
}

/// The step an action is on, and the branch version the officer saw (compare-and-set).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepRef {
    /// The stage (from 0).
    pub stage: usize,
    /// The branch's department.
    pub department: CreditCode,
    /// The step (from 0).
    pub step: usize,
    /// The branch version seen.
    pub version: u32,
}

/// An action on an application.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// The automatic checks passed (system).
    ChecksPassed,
    /// The automatic checks refused it, with their reasons (system).
    ChecksFailed(Vec<Reason>),
    /// 受理 with the case number the backend drew (an officer of the organ).
    Accept {
        /// The application version seen.
        version: u64,
        /// The case number.
        case_no: CaseNo,
    },
    /// 补正: everything to fix at once (an officer of the organ; once).
    RequestCorrection {
        /// The application version seen.
        version: u64,
        /// The items.
        items: Vec<CorrectionItem>,
    },
    /// 不予受理 (an officer of the organ).
    NotAccept {
        /// The application version seen.
        version: u64,
        /// Why.
        reason: Reason,
    },
    /// The citizen sends the corrected application.
    Resubmit {
        /// The application version seen.
        version: u64,
    },
    /// Accepted by art. 32 (system, from [`super::deemed_accepted`]).
    DeemAccepted {
        /// The case number.
        case_no: CaseNo,
    },
    /// Approve the current step of a branch.
    Approve(StepRef),
    /// Refuse at the current step: the branch and the application are refused.
    Refuse(StepRef, Reason),
    /// Hand the step to another officer, of this unit or another.
    Forward(StepRef, Holder),
    /// Stop the step's clock for a special procedure.
    StopClock(StepRef, SpecialProcedureDto),
    /// Restart it.
    RestartClock(StepRef),
    /// The result was issued (system or an officer of the organ).
    IssueResult,
    /// Close the application after its result (system).
    Close,
}
