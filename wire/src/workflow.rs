//! The shapes of an application's approval (issue 17): a service's process definition as its
//! guide carries it, the steps' states, the timeline of recorded events, and the actions a
//! department's desk sends. Only shapes: `core::application::workflow` parses a [`ProcessDto`]
//! whole (no empty stage, no department twice in one stage, no zero limit) and owns every rule.
//!
//! Credit codes are GB 32100 unified social credit codes (18 characters); times are Unix seconds;
//! dates `YYYY-MM-DD` in China Standard Time.

use serde::{Deserialize, Serialize};

use crate::catalogue::Localized;
/// The process a guide carries lives with the guide's other shapes ([`crate::catalogue`]).
pub use crate::catalogue::{BranchDto, ProcessDto, ProcessStepDto, StageDto};

/// Where an application stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApplicationPhaseDto {
    /// Arrived; the automatic checks have not run.
    Submitted,
    /// The automatic checks refused it (the reasons are in its timeline).
    ChecksFailed,
    /// Waiting for a clerk's pre-review (预审).
    PreReview,
    /// Sent back once for correction (补正).
    CorrectionRequested,
    /// Not accepted (不予受理).
    NotAccepted,
    /// Accepted (受理) and in approval.
    InApproval,
    /// Every branch approved.
    Approved,
    /// A branch refused.
    Refused,
    /// The result (a certificate or a result document) was issued.
    ResultIssued,
    /// Closed.
    Closed,
}

/// Where one step of a branch stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepStateDto {
    /// Its stage has not started.
    Waiting,
    /// The step being worked on.
    Active,
    /// The step being worked on, its clock stopped for a special procedure.
    Stopped,
    /// Approved.
    Approved,
    /// Refused (the branch and the application are refused).
    Refused,
    /// Closed unworked: another branch refused the application.
    NotNeeded,
}

/// A special procedure (特别程序) that stops a step's clock; its days do not count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SpecialProcedureDto {
    /// 听证.
    Hearing,
    /// 现场勘查 / 检验检测.
    Inspection,
    /// 专家评审.
    ExpertReview,
    /// 公示 / 公告.
    PublicNotice,
}

/// What an event recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventActionDto {
    /// The application arrived.
    Submitted,
    /// The automatic checks passed.
    ChecksPassed,
    /// The automatic checks refused it.
    ChecksFailed,
    /// Accepted by a clerk (受理).
    Accepted,
    /// Accepted by law: no correction request within five working days (行政许可法第三十二条).
    DeemedAccepted,
    /// Sent back for correction.
    CorrectionRequested,
    /// The citizen resubmitted after correcting.
    Resubmitted,
    /// Not accepted.
    NotAccepted,
    /// A step approved.
    StepApproved,
    /// A step refused.
    StepRefused,
    /// A step forwarded to another officer or unit.
    Forwarded,
    /// A step's clock stopped.
    ClockStopped,
    /// A step's clock restarted.
    ClockRestarted,
    /// A pending step closed because another branch refused.
    ClosedNotNeeded,
    /// A stage decided (every branch decided).
    StageDecided,
    /// The result issued.
    ResultIssued,
    /// The application closed.
    Closed,
    /// A step late by the escalation threshold, escalated to its unit's lead (督办).
    Escalated,
}

/// One recorded event (GB/T 39046: action, step name, officer, unit, start, end).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EventView {
    /// What happened.
    pub action: EventActionDto,
    /// The step's name (the phase's for pre-review events).
    pub step: Localized,
    /// The officer's staff id, for an officer's action.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub officer: Option<String>,
    /// The unit's credit code, for a department's action.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// When the step or phase acted on began, Unix seconds.
    pub start: i64,
    /// When the action was taken, Unix seconds.
    pub end: i64,
    /// A reason or note, where the action has one (a refusal's reason, the procedure's kind).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// One step as the timeline shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StepView {
    /// The stage (from 0).
    pub stage: u8,
    /// The department's credit code.
    pub department: String,
    /// The step (from 0 within its branch).
    pub step: u8,
    /// Its name.
    pub name: Localized,
    /// Where it stands.
    pub state: StepStateDto,
    /// Who holds it when forwarded (a staff id), else the department.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub holder: Option<String>,
    /// Its due date, while it is active (`YYYY-MM-DD`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<String>,
    /// Instead of `due`, while it is active: the year its due date falls in, whose holiday notice
    /// is not loaded yet — the date is counted once it is, never guessed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_awaits_notice: Option<i32>,
    /// The branch's version, to send back with an action on it (compare-and-set).
    pub version: u32,
}

/// The timeline of an application: its phase, its steps and every event, oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimelineView {
    /// The case number, once accepted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case_no: Option<String>,
    /// Where the application stands.
    pub phase: ApplicationPhaseDto,
    /// The application's version, to send back with a pre-review action (compare-and-set).
    pub version: u64,
    /// The whole application's due date once accepted (`YYYY-MM-DD`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<String>,
    /// Instead of `due`: the year the application's due date falls in, whose holiday notice is
    /// not loaded yet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_awaits_notice: Option<i32>,
    /// The steps of every stage started so far.
    pub steps: Vec<StepView>,
    /// The events.
    pub events: Vec<EventView>,
}

/// What a correction request asks to fix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum CorrectionTargetDto {
    /// A material, by its index in the guide's list.
    Material {
        /// The index.
        index: u8,
    },
    /// A form field, by its key.
    Field {
        /// The key.
        key: String,
    },
}

/// One thing to fix, with its reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CorrectionItemDto {
    /// What.
    pub target: CorrectionTargetDto,
    /// Why.
    pub reason: String,
}

/// Which step a branch action acts on, and the branch version the officer saw.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StepRefDto {
    /// The stage (from 0).
    pub stage: u8,
    /// The branch's department.
    pub department: String,
    /// The step (from 0).
    pub step: u8,
    /// The branch version seen ([`StepView::version`]).
    pub version: u32,
}

/// An action sent from the desk (`POST /v1/desk/applications/{id}/actions`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case", deny_unknown_fields)]
pub enum DeskActionRequest {
    /// 受理 (the case number is the backend's to draw).
    Accept {
        /// The application version seen.
        version: u64,
    },
    /// 补正: everything to fix, at once.
    RequestCorrection {
        /// The application version seen.
        version: u64,
        /// The items.
        items: Vec<CorrectionItemDto>,
    },
    /// 不予受理.
    NotAccept {
        /// The application version seen.
        version: u64,
        /// Why.
        reason: String,
    },
    /// Approve a step.
    Approve {
        /// The step.
        at: StepRefDto,
    },
    /// Refuse a step (and so the application).
    Refuse {
        /// The step.
        at: StepRefDto,
        /// Why.
        reason: String,
    },
    /// Forward a step to another officer, in this unit or another.
    Forward {
        /// The step.
        at: StepRefDto,
        /// The officer's staff id.
        officer: String,
        /// The unit's credit code.
        unit: String,
    },
    /// Stop a step's clock for a special procedure.
    StopClock {
        /// The step.
        at: StepRefDto,
        /// Which procedure.
        procedure: SpecialProcedureDto,
    },
    /// Restart a stopped clock.
    RestartClock {
        /// The step.
        at: StepRefDto,
    },
}

/// A tab of a department's queue (`GET /v1/desk/queue?tab=`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QueueTabDto {
    /// 待预审: waiting for the department's pre-review; due on the art. 32 day.
    PreReview,
    /// 审批中: the department's open branches, with their step and due date.
    InApproval,
    /// 已逾期: the open branches past their due date.
    Overdue,
    /// 已办结: recently closed applications the department accepted.
    Closed,
}

/// One row of a department's queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QueueRowView {
    /// The application's id (32 hex digits), for its page.
    pub id: String,
    /// The case number, once accepted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub case_no: Option<String>,
    /// The service's code.
    pub service_code: String,
    /// The service's name (the code's when the catalogue no longer has it).
    pub service_name: Localized,
    /// When it arrived, Unix seconds.
    pub arrived_at: i64,
    /// When the row falls due (`YYYY-MM-DD`); none while a clock stands still or once closed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<String>,
    /// Instead of `due`: the year the row falls due in, whose holiday notice is not loaded yet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_awaits_notice: Option<i32>,
    /// The step the department works on (the pre-review's name before acceptance).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step: Option<Localized>,
    /// Where the application stands.
    pub phase: ApplicationPhaseDto,
    /// Whether the row is past its due date.
    pub overdue: bool,
}

/// One page of a department's queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QueuePageView {
    /// The tab.
    pub tab: QueueTabDto,
    /// The page (from 1).
    pub page: u32,
    /// The rows, soonest due first.
    pub rows: Vec<QueueRowView>,
    /// Whether another page follows.
    pub more: bool,
}
