//! One recorded action (GB/T 39046: action, step name, officer, unit, start, end).

use shimin_wire::catalogue::Localized;
use shimin_wire::workflow::{EventActionDto, EventView};

use crate::cert::credit_code::CreditCode;
use crate::clock::UnixSeconds;

/// One recorded event. Reasons and notes are the officers' words about the application, never
/// the citizen's data; a store keeps them with the application, not in logs.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Event {
    /// What happened.
    pub action: EventActionDto,
    /// The step's name, or the phase's (申请, 预审, 补正, 出件, 办结).
    pub step: Localized,
    /// The officer's staff id, for an officer's action.
    pub officer: Option<String>,
    /// The unit, for a department's action.
    pub unit: Option<CreditCode>,
    /// When the step or phase acted on began.
    pub start: UnixSeconds,
    /// When the action was taken.
    pub end: UnixSeconds,
    /// A reason or note: a refusal's reason, the special procedure, where a step was forwarded.
    pub note: Option<String>,
}

impl Event {
    /// The wire view.
    pub fn to_view(&self) -> EventView {
        EventView {
            action: self.action,
            step: self.step.clone(),
            officer: self.officer.clone(),
            unit: self.unit.as_ref().map(ToString::to_string),
            start: self.start,
            end: self.end,
            note: self.note.clone(),
        }
    }
}

/// The names of the phases outside approval, as a timeline shows them.
pub fn phase_name(action: EventActionDto) -> Localized {
    let (hans, hant, en) = match action {
        EventActionDto::Submitted => ("申请", "申請", "Application"),
        EventActionDto::ChecksPassed | EventActionDto::ChecksFailed => {
            ("自动核验", "自動核驗", "Automatic checks")
        }
        EventActionDto::CorrectionRequested | EventActionDto::Resubmitted => ("补正", "補正", "Correction"),
        EventActionDto::Accepted | EventActionDto::DeemedAccepted | EventActionDto::NotAccepted => {
            ("预审", "預審", "Pre-review")
        }
        EventActionDto::ResultIssued => ("出件", "出件", "Result"),
        EventActionDto::Closed => ("办结", "辦結", "Closed"),
        EventActionDto::StageDecided => ("阶段办结", "階段辦結", "Stage decided"),
        EventActionDto::Escalated => ("督办", "督辦", "Escalated"),
        _ => ("审批", "審批", "Approval"),
    };
    Localized { hans: hans.into(), hant: Some(hant.into()), en: Some(en.into()) }
}
