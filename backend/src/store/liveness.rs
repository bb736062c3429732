//! The liveness area: liveness checks (the challenge issued, whether it was answered and
//! passed, counted against a daily limit) and the company registration cases whose parties
//! confirm their identity by one.

use async_trait::async_trait;

use super::StoreError;

/// Why a liveness check was issued.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LivenessPurpose {
    /// A new device proves that its holder is the citizen it enrols for.
    Enrolment,
    /// A party confirms a registration case (the case's id).
    Case(i64),
}

/// A liveness check: the challenge issued, and whether it was answered and passed. Key frames
/// and traces are never stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LivenessCheckRecord {
    /// Row id.
    pub id: i64,
    /// The citizen to be checked.
    pub citizen_id_number: String,
    /// Why.
    pub purpose: LivenessPurpose,
    /// The enrolled device answering a case check; `None` for an enrolment.
    pub device_id: Option<i64>,
    /// The SEC1 P-256 key the evidence must be signed with.
    pub device_key: Vec<u8>,
    /// The label the device gives itself (enrolment).
    pub device_label: String,
    /// The one-time nonce.
    pub nonce: Vec<u8>,
    /// Action names in order, comma-separated.
    pub actions: String,
    /// Time limit of the session, ms.
    pub time_limit_ms: i64,
    /// When it was issued, ms since the epoch.
    pub issued_at_ms: i64,
    /// When it was answered, seconds since the epoch.
    pub answered_at: Option<i64>,
    /// Whether the answer passed, once judged.
    pub passed: Option<bool>,
}

/// What a judged liveness answer does, stored atomically with the outcome. A passed enrolment
/// is not one of them: its device is stored, with its certificates and the notice to the other
/// devices, by [`super::DeviceStore::enrol_device_with_copies`] with
/// [`super::EnrolmentGrant::LivenessCheck`], the one store call of both enrolment paths.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LivenessOutcome {
    /// Failed: nothing else changes.
    Failed,
    /// Passed a case check: the citizen's roles in the case are confirmed at `at`, unless the
    /// citizen declined the case meanwhile.
    Confirmed {
        /// The case.
        case_id: i64,
        /// The party.
        id_number: String,
        /// When.
        at: i64,
    },
}

/// A party's role in a registration case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PartyRole {
    /// 法定代表人.
    LegalRepresentative,
    /// 股东.
    Shareholder,
    /// 监事.
    Supervisor,
}

impl PartyRole {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            PartyRole::LegalRepresentative => "legal_representative",
            PartyRole::Shareholder => "shareholder",
            PartyRole::Supervisor => "supervisor",
        }
    }

    /// The role with this stored name.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "legal_representative" => Some(PartyRole::LegalRepresentative),
            "shareholder" => Some(PartyRole::Shareholder),
            "supervisor" => Some(PartyRole::Supervisor),
            _ => None,
        }
    }
}

/// Why a party declined to confirm a registration case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeclineReason {
    /// The party does not agree to confirm it.
    Refused,
    /// The party did not ask for this case: someone may be using their identity.
    NotMe,
}

impl DeclineReason {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            DeclineReason::Refused => "refused",
            DeclineReason::NotMe => "not_me",
        }
    }

    /// The reason with this stored name.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "refused" => Some(DeclineReason::Refused),
            "not_me" => Some(DeclineReason::NotMe),
            _ => None,
        }
    }
}

/// A party's refusal to confirm a case: when, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Declined {
    /// When, seconds since the epoch.
    pub at: i64,
    /// Why.
    pub reason: DeclineReason,
}

impl Declined {
    /// The refusal stored in the `declined_at` and `decline_reason` columns, or none; both or
    /// neither are set.
    pub(super) fn from_columns(at: Option<i64>, reason: Option<&str>) -> Result<Option<Self>, StoreError> {
        match (at, reason) {
            (None, None) => Ok(None),
            (Some(at), Some(reason)) => {
                let reason = DeclineReason::parse(reason).ok_or(StoreError::Corrupt("decline reason"))?;
                Ok(Some(Declined { at, reason }))
            }
            _ => Err(StoreError::Corrupt("case party refusal")),
        }
    }
}

/// A party of a registration case in one role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartyRecord {
    /// The party's ID number.
    pub id_number: String,
    /// The role.
    pub role: PartyRole,
    /// When the party confirmed, if it has.
    pub confirmed_at: Option<i64>,
    /// The party's refusal, if it declined. A party confirms or declines, never both.
    pub declined: Option<Declined>,
}

/// A company registration case: the parties named must each confirm their identity by a
/// liveness check before the registrar proceeds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseRecord {
    /// Row id.
    pub id: i64,
    /// The registering department.
    pub department_code: String,
    /// The company's name.
    pub company_name: String,
    /// The company's credit code, when assigned.
    pub credit_code: Option<String>,
    /// The staff member who opened it.
    pub created_by: i64,
    /// When.
    pub created_at: i64,
    /// When the registrar proceeded, if it has.
    pub proceeded_at: Option<i64>,
    /// The parties, by role then ID number.
    pub parties: Vec<PartyRecord>,
}

impl CaseRecord {
    /// Whether every party has confirmed.
    pub fn all_confirmed(&self) -> bool {
        self.parties.iter().all(|p| p.confirmed_at.is_some())
    }
}

/// The purpose of a stored check from its `purpose` and `case_id` columns.
pub(super) fn parse_purpose(purpose: &str, case_id: Option<i64>) -> Result<LivenessPurpose, StoreError> {
    match (purpose, case_id) {
        ("enrolment", None) => Ok(LivenessPurpose::Enrolment),
        ("case", Some(id)) => Ok(LivenessPurpose::Case(id)),
        _ => Err(StoreError::Corrupt("liveness check purpose")),
    }
}

/// The `purpose` and `case_id` columns of a check.
pub(super) fn purpose_columns(purpose: LivenessPurpose) -> (&'static str, Option<i64>) {
    match purpose {
        LivenessPurpose::Enrolment => ("enrolment", None),
        LivenessPurpose::Case(id) => ("case", Some(id)),
    }
}

/// Liveness checks and registration cases.
#[async_trait]
pub trait LivenessStore: Send + Sync {
    /// Stores a liveness check unless the citizen already has `max_attempts` checks of the same
    /// kind (enrolment, or case) issued at or after `since_ms` (the daily attempt limit),
    /// atomically; `None` when the limit is reached. Enrolment checks are asked for without
    /// logging in, so they are counted apart: spending them never spends the citizen's own.
    async fn insert_liveness_check(
        &self,
        check: LivenessCheckRecord,
        since_ms: i64,
        max_attempts: i64,
    ) -> Result<Option<i64>, StoreError>;
    /// Records an unauthenticated ask for a liveness check by `source` at `now_ms`, unless the
    /// source has `max_attempts` asks recorded at or after `since_ms`; atomically, and every
    /// source's older asks are forgotten. Whether it was recorded (`false`: limit reached).
    async fn spend_source_attempt(
        &self,
        source: &str,
        since_ms: i64,
        now_ms: i64,
        max_attempts: i64,
    ) -> Result<bool, StoreError>;
    /// The check with this id.
    async fn liveness_check(&self, id: i64) -> Result<Option<LivenessCheckRecord>, StoreError>;
    /// Marks a check answered at `now` and returns it, unless it is unknown or was answered
    /// already (`None`): each nonce is answered once.
    async fn answer_liveness_check(
        &self,
        id: i64,
        now: i64,
    ) -> Result<Option<LivenessCheckRecord>, StoreError>;
    /// Records a judged check's outcome and what it does, atomically.
    async fn record_liveness_outcome(&self, id: i64, outcome: LivenessOutcome) -> Result<(), StoreError>;
    /// Records failed every check answered but without an outcome: its stream lived in the
    /// memory of a server that stopped, and no batch can continue it. Run at start, before
    /// serving; answers how many there were.
    async fn fail_interrupted_liveness_checks(&self) -> Result<u64, StoreError>;
    /// Opens a registration case with its parties; returns its id.
    async fn insert_case(&self, case: CaseRecord) -> Result<i64, StoreError>;
    /// The case with this id.
    async fn case(&self, id: i64) -> Result<Option<CaseRecord>, StoreError>;
    /// The cases naming this citizen as a party that the registrar has not proceeded with,
    /// newest first.
    async fn open_cases_of(&self, id_number: &str) -> Result<Vec<CaseRecord>, StoreError>;
    /// Records that the citizen declines to confirm case `case_id` (in every role of theirs), for
    /// `reason` at `at`, unless the case was proceeded with or the citizen has confirmed or
    /// declined it already; returns whether it did. Atomic with confirming: a party's roles are
    /// either confirmed or declined, never both.
    async fn decline_case(
        &self,
        case_id: i64,
        id_number: &str,
        reason: DeclineReason,
        at: i64,
    ) -> Result<bool, StoreError>;
    /// Marks the case proceeded at `at` if every party has confirmed and it was not proceeded;
    /// returns whether it did.
    async fn proceed_case(&self, id: i64, at: i64) -> Result<bool, StoreError>;
}
