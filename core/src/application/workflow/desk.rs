//! The desk's actions as they arrive over HTTP ([`DeskActionRequest`]), parsed into [`Action`]s:
//! the handler parses, then calls [`Application::act`](super::Application::act) — no rule lives
//! in the handler.

use shimin_wire::workflow::{CorrectionTargetDto, DeskActionRequest, StepRefDto};

use super::CaseNo;
use super::action::{Action, CorrectionItem, CorrectionTarget, Holder, Reason, StepRef};
use crate::cert::credit_code::CreditCode;

/// The longest form-field key of a correction item.
const MAX_FIELD_KEY: usize = 64;

/// Why a desk request is not an action. Names the part; never echoes a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DeskActionError {
    /// A department or unit is not a valid credit code.
    #[error("a department is not a valid credit code")]
    Department,
    /// A reason is blank or longer than 500 characters.
    #[error("a reason is blank or too long")]
    Reason,
    /// A staff id is empty, too long or not printable.
    #[error("a staff id is not valid")]
    StaffId,
    /// A correction names a form field whose key is not one.
    #[error("a form field key is not valid")]
    FieldKey,
    /// An acceptance without the case number the backend draws for it.
    #[error("an acceptance needs a case number")]
    CaseNumber,
}

/// Whether a desk request needs a case number drawn first (an acceptance).
pub fn needs_case_no(request: &DeskActionRequest) -> bool {
    matches!(request, DeskActionRequest::Accept { .. })
}

impl Action {
    /// The action a desk request asks for; `case_no` is the number the backend drew for an
    /// acceptance (ignored otherwise).
    ///
    /// # Errors
    /// [`DeskActionError`] naming the part that does not parse.
    pub fn from_desk(request: DeskActionRequest, case_no: Option<CaseNo>) -> Result<Self, DeskActionError> {
        Ok(match request {
            DeskActionRequest::Accept { version } => {
                Action::Accept { version, case_no: case_no.ok_or(DeskActionError::CaseNumber)? }
            }
            DeskActionRequest::RequestCorrection { version, items } => Action::RequestCorrection {
                version,
                items: items
                    .into_iter()
                    .map(|item| {
                        let target = match item.target {
                            CorrectionTargetDto::Material { index } => CorrectionTarget::Material(index),
                            CorrectionTargetDto::Field { key } => CorrectionTarget::Field(field_key(key)?),
                        };
                        Ok(CorrectionItem { target, reason: reason(&item.reason)? })
                    })
                    .collect::<Result<_, DeskActionError>>()?,
            },
            DeskActionRequest::NotAccept { version, reason: text } => {
                Action::NotAccept { version, reason: reason(&text)? }
            }
            DeskActionRequest::Approve { at } => Action::Approve(step(at)?),
            DeskActionRequest::Refuse { at, reason: text } => Action::Refuse(step(at)?, reason(&text)?),
            DeskActionRequest::Forward { at, officer, unit } => {
                let unit = CreditCode::parse(&unit).map_err(|_| DeskActionError::Department)?;
                Action::Forward(step(at)?, Holder::new(&officer, unit).map_err(|_| DeskActionError::StaffId)?)
            }
            DeskActionRequest::StopClock { at, procedure } => Action::StopClock(step(at)?, procedure),
            DeskActionRequest::RestartClock { at } => Action::RestartClock(step(at)?),
        })
    }
}

fn step(at: StepRefDto) -> Result<StepRef, DeskActionError> {
    Ok(StepRef {
        stage: usize::from(at.stage),
        department: CreditCode::parse(&at.department).map_err(|_| DeskActionError::Department)?,
        step: usize::from(at.step),
        version: at.version,
    })
}

fn reason(text: &str) -> Result<Reason, DeskActionError> {
    Reason::parse(text).map_err(|_| DeskActionError::Reason)
}

fn field_key(key: String) -> Result<String, DeskActionError> {
    let ok = !key.is_empty()
        && key.len() <= MAX_FIELD_KEY
        && key.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'.');
    if ok { Ok(key) } else { Err(DeskActionError::FieldKey) }
}

#[cfg(test)]
#[allow(clippy::expect_used)]
mod tests {
    use shimin_wire::workflow::{CorrectionItemDto, SpecialProcedureDto};

    use super::*;

    const POLICE: &str = "111101050000000017";

    fn at() -> StepRefDto {
        StepRefDto { stage: 0, department: POLICE.into(), step: 1, version: 3 }
    }

    #[test]
    fn each_desk_request_becomes_its_action() {
        let code = CreditCode::parse(POLICE).expect("a code");
        let step = StepRef { stage: 0, department: code.clone(), step: 1, version: 3 };
        let case_no = CaseNo::parse("110105-20260302-000042").expect("a case number");
        let accept = DeskActionRequest::Accept { version: 2 };
        assert!(needs_case_no(&accept));
        assert_eq!(Action::from_desk(accept.clone(), None), Err(DeskActionError::CaseNumber));
        assert_eq!(
            Action::from_desk(accept, Some(case_no.clone())),
            Ok(Action::Accept { version: 2, case_no })
        );
        assert_eq!(
            Action::from_desk(DeskActionRequest::Approve { at: at() }, None),
            Ok(Action::Approve(step.clone()))
        );
        assert_eq!(
            Action::from_desk(
                DeskActionRequest::StopClock { at: at(), procedure: SpecialProcedureDto::Hearing },
                None
            ),
            Ok(Action::StopClock(step.clone(), SpecialProcedureDto::Hearing))
        );
        let forward =
            DeskActionRequest::Forward { at: at(), officer: "chief-02".into(), unit: POLICE.into() };
        assert_eq!(
            Action::from_desk(forward, None),
            Ok(Action::Forward(step, Holder::new("chief-02", code).expect("a holder")))
        );
    }

    #[test]
    fn a_bad_part_is_refused_by_name() {
        let bad_unit = StepRefDto { department: "111101050000000018".into(), ..at() };
        assert_eq!(
            Action::from_desk(DeskActionRequest::Approve { at: bad_unit }, None),
            Err(DeskActionError::Department)
        );
        assert_eq!(
            Action::from_desk(DeskActionRequest::Refuse { at: at(), reason: "  ".into() }, None),
            Err(DeskActionError::Reason)
        );
        let field = |key: &str| DeskActionRequest::RequestCorrection {
            version: 1,
            items: vec![CorrectionItemDto {
                target: CorrectionTargetDto::Field { key: key.into() },
                reason: "地址不完整".into(),
            }],
        };
        assert!(Action::from_desk(field("address.street"), None).is_ok());
        assert_eq!(Action::from_desk(field("地址"), None), Err(DeskActionError::FieldKey));
        let forward = DeskActionRequest::Forward { at: at(), officer: "a b".into(), unit: POLICE.into() };
        assert_eq!(Action::from_desk(forward, None), Err(DeskActionError::StaffId));
    }
}
