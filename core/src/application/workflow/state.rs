//! The application's state and its transitions.

use shimin_wire::catalogue::Localized;
use shimin_wire::workflow::{
    ApplicationPhaseDto as Phase, EventActionDto as EventAction, SpecialProcedureDto,
};
use time::Date;

use super::action::{
    Action, Actor, CaseNo, CorrectionItem, Holder, MAX_CORRECTIONS, Reason, StateError, StepRef,
    WorkflowError,
};
use super::china_date;
use super::deadline::PRE_REVIEW_WORKING_DAYS;
use super::event::{Event, phase_name};
use crate::calendar::WorkingDays;
use crate::catalogue::process::Process;
use crate::cert::credit_code::CreditCode;
use crate::clock::UnixSeconds;

/// The version of the stored state's encoding ([`Application::to_json`]).
pub const STATE_FORMAT_VERSION: u32 = 1;

/// How a branch ended, or that it has not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BranchOutcome {
    /// Still working.
    Pending,
    /// Every step approved.
    Approved,
    /// Refused at its current step.
    Refused,
    /// Closed unworked: another branch refused the application.
    NotNeeded,
}

/// A stopped clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ClockStop {
    /// Why.
    pub procedure: SpecialProcedureDto,
    /// The day it stopped (China Standard Time).
    #[serde(with = "super::deadline::iso_date")]
    pub since: Date,
}

/// One branch of a started stage.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct BranchState {
    /// The department.
    pub department: CreditCode,
    /// The current step (the last one once decided).
    pub step: usize,
    /// Its outcome.
    pub outcome: BranchOutcome,
    /// Grows with every action on the branch.
    pub version: u32,
    /// When the current step began.
    pub step_since: UnixSeconds,
    /// The day the current step began, from which its limit counts.
    #[serde(with = "super::deadline::iso_date")]
    pub step_started: Date,
    /// Working days the current step's clock stood still.
    pub stopped_days: u32,
    /// Working days the branch's clock stood still, over all its steps.
    pub stopped_total: u32,
    /// The stopped clock, while it is.
    pub stop: Option<ClockStop>,
    /// Who holds the step after a forward (else the department's queue).
    pub holder: Option<Holder>,
}

/// An application's workflow state: what the backend stores (see [`Application::to_json`]).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Application {
    format: u32,
    organ: CreditCode,
    process: Process,
    phase: Phase,
    version: u64,
    arrived_at: UnixSeconds,
    pending_since: UnixSeconds,
    phase_since: UnixSeconds,
    correction: Option<Vec<CorrectionItem>>,
    case_no: Option<CaseNo>,
    #[serde(with = "super::deadline::iso_date_opt")]
    accepted_on: Option<Date>,
    stages: Vec<Vec<BranchState>>,
}

impl Application {
    /// A new application for a service implemented by `organ` (who pre-reviews it), arrived at
    /// `at`, with the event that records it.
    pub fn submitted(organ: CreditCode, process: Process, at: UnixSeconds) -> (Self, Event) {
        let app = Self {
            format: STATE_FORMAT_VERSION,
            organ,
            process,
            phase: Phase::Submitted,
            version: 0,
            arrived_at: at,
            pending_since: at,
            phase_since: at,
            correction: None,
            case_no: None,
            accepted_on: None,
            stages: Vec::new(),
        };
        let event = app.event(EventAction::Submitted, None, at, at, None);
        (app, event)
    }

    /// Where it stands.
    pub fn phase(&self) -> Phase {
        self.phase
    }

    /// The version a pre-review action must carry.
    pub fn version(&self) -> u64 {
        self.version
    }

    /// The implementing organ, who pre-reviews.
    pub fn organ(&self) -> &CreditCode {
        &self.organ
    }

    /// The process.
    pub fn process(&self) -> &Process {
        &self.process
    }

    /// The case number, once accepted.
    pub fn case_no(&self) -> Option<&CaseNo> {
        self.case_no.as_ref()
    }

    /// The day it counts as accepted.
    pub fn accepted_on(&self) -> Option<Date> {
        self.accepted_on
    }

    /// When the materials under pre-review arrived (the first submission or the resubmission).
    pub fn pending_since(&self) -> UnixSeconds {
        self.pending_since
    }

    /// The one correction request, once made.
    pub fn correction(&self) -> Option<&[CorrectionItem]> {
        self.correction.as_deref()
    }

    /// The branches of every stage started so far.
    pub fn stages(&self) -> &[Vec<BranchState>] {
        &self.stages
    }

    /// Whether no action can change it any more.
    pub fn is_closed(&self) -> bool {
        matches!(self.phase, Phase::Closed | Phase::NotAccepted | Phase::ChecksFailed)
    }

    /// Takes `action` by `actor` at `at`. On success the state moves and the events it recorded
    /// are returned (oldest first); on a refusal nothing changed.
    ///
    /// # Errors
    /// [`WorkflowError`] saying why the action was refused.
    pub fn act(
        &mut self,
        actor: &Actor,
        action: Action,
        at: UnixSeconds,
        calendar: &dyn WorkingDays,
    ) -> Result<Vec<Event>, WorkflowError> {
        if self.is_closed() {
            return Err(WorkflowError::Closed);
        }
        let mut next = self.clone();
        let events = next.apply(actor, action, at, calendar)?;
        next.version = next.version.saturating_add(1);
        *self = next;
        Ok(events)
    }

    fn apply(
        &mut self,
        actor: &Actor,
        action: Action,
        at: UnixSeconds,
        calendar: &dyn WorkingDays,
    ) -> Result<Vec<Event>, WorkflowError> {
        let today = china_date(at).ok_or(WorkflowError::Time)?;
        match action {
            Action::ChecksPassed | Action::ChecksFailed(_) => {
                self.system(actor)?;
                self.expect(Phase::Submitted)?;
                let (phase, kind, note) = match action {
                    Action::ChecksFailed(reasons) => {
                        let note = reasons.iter().map(Reason::as_str).collect::<Vec<_>>().join("；");
                        (Phase::ChecksFailed, EventAction::ChecksFailed, Some(note))
                    }
                    _ => (Phase::PreReview, EventAction::ChecksPassed, None),
                };
                Ok(vec![self.enter(phase, kind, None, at, note)])
            }
            Action::Accept { version, case_no } => {
                let officer = self.pre_reviewer(actor, version)?;
                self.expect(Phase::PreReview)?;
                // Accepted late, it still counts from the day the materials arrived (art. 32).
                let arrived = china_date(self.pending_since).ok_or(WorkflowError::Time)?;
                let day = if self.deemed_due(today, calendar)? { arrived } else { today };
                Ok(self.accept(case_no, day, EventAction::Accepted, Some(officer), at))
            }
            Action::DeemAccepted { case_no } => {
                self.system(actor)?;
                if !matches!(self.phase, Phase::Submitted | Phase::PreReview) {
                    return Err(WorkflowError::WrongPhase);
                }
                if !self.deemed_due(today, calendar)? {
                    return Err(WorkflowError::NotYetDeemed);
                }
                let arrived = china_date(self.pending_since).ok_or(WorkflowError::Time)?;
                Ok(self.accept(case_no, arrived, EventAction::DeemedAccepted, None, at))
            }
            Action::RequestCorrection { version, items } => {
                let officer = self.pre_reviewer(actor, version)?;
                self.expect(Phase::PreReview)?;
                if self.correction.is_some() {
                    return Err(WorkflowError::CorrectionAlreadyRequested);
                }
                if self.deemed_due(today, calendar)? {
                    return Err(WorkflowError::CorrectionTooLate);
                }
                let twice =
                    items.iter().enumerate().any(|(i, a)| items[..i].iter().any(|b| b.target == a.target));
                if items.is_empty() || items.len() > MAX_CORRECTIONS || twice {
                    return Err(WorkflowError::CorrectionItems);
                }
                let note = items.iter().map(|i| i.reason.as_str()).collect::<Vec<_>>().join("；");
                self.correction = Some(items);
                Ok(vec![self.enter(
                    Phase::CorrectionRequested,
                    EventAction::CorrectionRequested,
                    Some(officer),
                    at,
                    Some(note),
                )])
            }
            Action::NotAccept { version, reason } => {
                let officer = self.pre_reviewer(actor, version)?;
                self.expect(Phase::PreReview)?;
                let note = Some(reason.as_str().to_owned());
                Ok(vec![self.enter(Phase::NotAccepted, EventAction::NotAccepted, Some(officer), at, note)])
            }
            Action::Resubmit { version } => {
                if *actor != Actor::Citizen {
                    return Err(WorkflowError::NotAllowed);
                }
                self.check_version(version)?;
                self.expect(Phase::CorrectionRequested)?;
                self.pending_since = at;
                Ok(vec![self.enter(Phase::Submitted, EventAction::Resubmitted, None, at, None)])
            }
            Action::Approve(at_step) => {
                self.on_branch(actor, &at_step, at, today, calendar, BranchAct::Approve)
            }
            Action::Refuse(at_step, reason) => {
                self.on_branch(actor, &at_step, at, today, calendar, BranchAct::Refuse(reason))
            }
            Action::Forward(at_step, to) => {
                self.on_branch(actor, &at_step, at, today, calendar, BranchAct::Forward(to))
            }
            Action::StopClock(at_step, procedure) => {
                self.on_branch(actor, &at_step, at, today, calendar, BranchAct::Stop(procedure))
            }
            Action::RestartClock(at_step) => {
                self.on_branch(actor, &at_step, at, today, calendar, BranchAct::Restart)
            }
            Action::IssueResult => {
                match actor {
                    Actor::System => {}
                    Actor::Officer(h) if h.unit == self.organ => {}
                    Actor::Officer(_) => return Err(WorkflowError::NotYourDepartment),
                    Actor::Citizen => return Err(WorkflowError::NotAllowed),
                }
                if !matches!(self.phase, Phase::Approved | Phase::Refused) {
                    return Err(WorkflowError::WrongPhase);
                }
                let officer = match actor {
                    Actor::Officer(h) => Some(h.clone()),
                    _ => None,
                };
                Ok(vec![self.enter(Phase::ResultIssued, EventAction::ResultIssued, officer, at, None)])
            }
            Action::Close => {
                self.system(actor)?;
                self.expect(Phase::ResultIssued)?;
                Ok(vec![self.enter(Phase::Closed, EventAction::Closed, None, at, None)])
            }
        }
    }

    fn system(&self, actor: &Actor) -> Result<(), WorkflowError> {
        if *actor == Actor::System { Ok(()) } else { Err(WorkflowError::NotAllowed) }
    }

    fn expect(&self, phase: Phase) -> Result<(), WorkflowError> {
        if self.phase == phase { Ok(()) } else { Err(WorkflowError::WrongPhase) }
    }

    fn check_version(&self, version: u64) -> Result<(), WorkflowError> {
        if version == self.version { Ok(()) } else { Err(WorkflowError::Stale) }
    }

    /// The officer of the organ doing a pre-review action at the current version.
    fn pre_reviewer(&self, actor: &Actor, version: u64) -> Result<Holder, WorkflowError> {
        let Actor::Officer(holder) = actor else { return Err(WorkflowError::NotAllowed) };
        if holder.unit != self.organ {
            return Err(WorkflowError::NotYourDepartment);
        }
        self.check_version(version)?;
        Ok(holder.clone())
    }

    /// Whether art. 32's five working days have passed with no correction request.
    pub(super) fn deemed_due(&self, today: Date, calendar: &dyn WorkingDays) -> Result<bool, WorkflowError> {
        if !matches!(self.phase, Phase::Submitted | Phase::PreReview) {
            return Ok(false);
        }
        let arrived = china_date(self.pending_since).ok_or(WorkflowError::Time)?;
        // Counted from the days before today: a fifth working day in a year whose notice is not
        // loaded yet is not past, so the clerk can still act.
        Ok(calendar.is_past_due(arrived, PRE_REVIEW_WORKING_DAYS, today)?)
    }

    fn event(
        &self,
        action: EventAction,
        officer: Option<Holder>,
        start: UnixSeconds,
        end: UnixSeconds,
        note: Option<String>,
    ) -> Event {
        let (officer, unit) = match officer {
            Some(h) => (Some(h.officer), Some(h.unit)),
            None => (None, None),
        };
        Event { action, step: phase_name(action), officer, unit, start, end, note }
    }

    /// Moves to `phase`, recording `action` over the phase that ends.
    fn enter(
        &mut self,
        phase: Phase,
        action: EventAction,
        officer: Option<Holder>,
        at: UnixSeconds,
        note: Option<String>,
    ) -> Event {
        let event = self.event(action, officer, self.phase_since, at, note);
        self.phase = phase;
        self.phase_since = at;
        event
    }

    fn accept(
        &mut self,
        case_no: CaseNo,
        day: Date,
        action: EventAction,
        officer: Option<Holder>,
        at: UnixSeconds,
    ) -> Vec<Event> {
        let note = if action == EventAction::DeemedAccepted {
            Some("《行政许可法》第三十二条".to_owned())
        } else {
            None
        };
        let event = self.enter(Phase::InApproval, action, officer, at, note);
        self.case_no = Some(case_no);
        self.accepted_on = Some(day);
        self.start_stage(0, day, at);
        vec![event]
    }

    fn start_stage(&mut self, index: usize, day: Date, at: UnixSeconds) {
        let Some(stage) = self.process.stages().get(index) else { return };
        let branches = stage
            .branches
            .iter()
            .map(|b| BranchState {
                department: b.department.clone(),
                step: 0,
                outcome: BranchOutcome::Pending,
                version: 0,
                step_since: at,
                step_started: day,
                stopped_days: 0,
                stopped_total: 0,
                stop: None,
                holder: None,
            })
            .collect();
        self.stages.push(branches);
    }

    fn step_name(&self, stage: usize, branch: usize, step: usize) -> Localized {
        self.process
            .stages()
            .get(stage)
            .and_then(|s| s.branches.get(branch))
            .and_then(|b| b.steps.get(step))
            .map(|s| s.name.clone())
            .unwrap_or_else(|| phase_name(EventAction::StepApproved))
    }

    fn on_branch(
        &mut self,
        actor: &Actor,
        at_step: &StepRef,
        at: UnixSeconds,
        today: Date,
        calendar: &dyn WorkingDays,
        act: BranchAct,
    ) -> Result<Vec<Event>, WorkflowError> {
        let Actor::Officer(officer) = actor else { return Err(WorkflowError::NotAllowed) };
        if self.phase != Phase::InApproval || at_step.stage + 1 != self.stages.len() {
            return Err(if self.phase == Phase::InApproval {
                WorkflowError::NoSuchStep
            } else {
                WorkflowError::WrongPhase
            });
        }
        let stage = at_step.stage;
        let b = self.stages[stage]
            .iter()
            .position(|br| br.department == at_step.department)
            .ok_or(WorkflowError::NoSuchStep)?;
        let branch = &self.stages[stage][b];
        let holds = branch.department == officer.unit
            || branch.holder.as_ref().is_some_and(|h| h.unit == officer.unit);
        if !holds {
            return Err(WorkflowError::NotYourDepartment);
        }
        if branch.version != at_step.version {
            return Err(WorkflowError::Stale);
        }
        if branch.outcome != BranchOutcome::Pending {
            return Err(WorkflowError::BranchDecided);
        }
        if branch.step != at_step.step {
            return Err(WorkflowError::NoSuchStep);
        }
        let name = self.step_name(stage, b, branch.step);
        let steps = self.process.stages()[stage].branches[b].steps.len();
        let start = branch.step_since;
        let mut event = Event {
            action: EventAction::StepApproved,
            step: name,
            officer: Some(officer.officer.clone()),
            unit: Some(officer.unit.clone()),
            start,
            end: at,
            note: None,
        };
        let branch = &mut self.stages[stage][b];
        match act {
            BranchAct::Stop(procedure) => {
                if branch.stop.is_some() {
                    return Err(WorkflowError::ClockStopped);
                }
                branch.stop = Some(ClockStop { procedure, since: today });
                event.action = EventAction::ClockStopped;
                event.note = Some(procedure_name(procedure).to_owned());
                branch.version += 1;
                return Ok(vec![event]);
            }
            BranchAct::Restart => {
                let stop = branch.stop.take().ok_or(WorkflowError::ClockNotStopped)?;
                let days = calendar.working_days_between(stop.since, today)?;
                branch.stopped_days = branch.stopped_days.saturating_add(days);
                branch.stopped_total = branch.stopped_total.saturating_add(days);
                event.action = EventAction::ClockRestarted;
                event.note = Some(procedure_name(stop.procedure).to_owned());
                branch.version += 1;
                return Ok(vec![event]);
            }
            BranchAct::Forward(to) => {
                event.action = EventAction::Forwarded;
                event.note = Some(format!("{} {}", to.officer, to.unit));
                branch.holder = Some(to);
                branch.version += 1;
                return Ok(vec![event]);
            }
            BranchAct::Approve | BranchAct::Refuse(_) if branch.stop.is_some() => {
                return Err(WorkflowError::ClockStopped);
            }
            BranchAct::Approve => {
                branch.version += 1;
                if branch.step + 1 < steps {
                    branch.step += 1;
                    branch.step_since = at;
                    branch.step_started = today;
                    branch.stopped_days = 0;
                    branch.holder = None;
                    return Ok(vec![event]);
                }
                branch.outcome = BranchOutcome::Approved;
            }
            BranchAct::Refuse(reason) => {
                branch.version += 1;
                branch.outcome = BranchOutcome::Refused;
                event.action = EventAction::StepRefused;
                event.note = Some(reason.as_str().to_owned());
            }
        }
        let mut events = vec![event];
        self.join(stage, at, today, &mut events);
        Ok(events)
    }

    /// After a branch decided: a refusal closes the other pending branches and refuses the
    /// application; a stage whose branches all approved starts the next one, or approves.
    fn join(&mut self, stage: usize, at: UnixSeconds, today: Date, events: &mut Vec<Event>) {
        let refused = self.stages[stage].iter().any(|b| b.outcome == BranchOutcome::Refused);
        if refused {
            for (i, branch) in self.stages[stage].iter_mut().enumerate() {
                if branch.outcome == BranchOutcome::Pending {
                    branch.outcome = BranchOutcome::NotNeeded;
                    branch.version += 1;
                    branch.stop = None;
                    let step = self.process.stages()[stage].branches[i].steps[branch.step].name.clone();
                    events.push(Event {
                        action: EventAction::ClosedNotNeeded,
                        step,
                        officer: None,
                        unit: Some(branch.department.clone()),
                        start: branch.step_since,
                        end: at,
                        note: None,
                    });
                }
            }
            events.push(self.event(
                EventAction::StageDecided,
                None,
                self.phase_since,
                at,
                Some("refused".into()),
            ));
            self.phase = Phase::Refused;
            self.phase_since = at;
            return;
        }
        if self.stages[stage].iter().any(|b| b.outcome == BranchOutcome::Pending) {
            return;
        }
        events.push(self.event(
            EventAction::StageDecided,
            None,
            self.phase_since,
            at,
            Some("approved".into()),
        ));
        self.phase_since = at;
        if stage + 1 < self.process.stages().len() {
            self.start_stage(stage + 1, today, at);
        } else {
            self.phase = Phase::Approved;
        }
    }

    /// The stored encoding: JSON with a format version, every part named. Stable: a change is a
    /// new [`STATE_FORMAT_VERSION`] (the test vector `core/tests/vectors/workflow/state.json`
    /// pins it).
    pub fn to_json(&self) -> String {
        // Strings, numbers, dates and lists always serialise.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Reads a stored state and checks that its parts fit together.
    ///
    /// # Errors
    /// [`StateError`].
    pub fn from_json(json: &str) -> Result<Self, StateError> {
        let app: Self = serde_json::from_str(json).map_err(|e| {
            StateError::Shape(format!("{:?} at line {} column {}", e.classify(), e.line(), e.column()))
        })?;
        if app.format != STATE_FORMAT_VERSION {
            return Err(StateError::Version(app.format));
        }
        app.check()?;
        Ok(app)
    }

    fn check(&self) -> Result<(), StateError> {
        let bad = StateError::Inconsistent;
        if self.stages.len() > self.process.stages().len() {
            return Err(bad("more stages than the process"));
        }
        for (stage, branches) in self.stages.iter().zip(self.process.stages()) {
            if stage.len() != branches.branches.len() {
                return Err(bad("a stage's branches"));
            }
            for (state, def) in stage.iter().zip(&branches.branches) {
                if state.department != def.department || state.step >= def.steps.len() {
                    return Err(bad("a branch"));
                }
            }
        }
        let accepted = self.case_no.is_some() && self.accepted_on.is_some() && !self.stages.is_empty();
        let needs_acceptance = matches!(
            self.phase,
            Phase::InApproval | Phase::Approved | Phase::Refused | Phase::ResultIssued | Phase::Closed
        );
        if needs_acceptance != accepted {
            return Err(bad("the acceptance"));
        }
        Ok(())
    }
}

enum BranchAct {
    Approve,
    Refuse(Reason),
    Forward(Holder),
    Stop(SpecialProcedureDto),
    Restart,
}

fn procedure_name(procedure: SpecialProcedureDto) -> &'static str {
    match procedure {
        SpecialProcedureDto::Hearing => "听证",
        SpecialProcedureDto::Inspection => "现场勘查",
        SpecialProcedureDto::ExpertReview => "专家评审",
        SpecialProcedureDto::PublicNotice => "公示",
    }
}
