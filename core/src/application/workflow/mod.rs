//! The workflow of an application (办件), as pure functions over a serialisable state: the
//! backend stores an [`Application`] and its [`Event`]s and calls these; nothing here does I/O.
//!
//! ```text
//! submitted ─ checks ─┬─ checks failed (closed; the citizen sends a new application)
//!                     └─ pre-review ─┬─ accept (受理: a case number) ──────────────┐
//!                         ▲          ├─ not accepted (不予受理, with a reason)      │
//!                         │          └─ correction requested (补正, once) ─ resubmitted ─ checks
//!                         │  art. 32: no correction request within 5 working days  │
//!                         └─ → deemed accepted on the day the materials arrived ──┤
//!                                                                                   ▼
//!      stage 1: branch A ‖ branch B ‖ …  (each: step → step → …: approve, refuse, forward,
//!      stage 2: …                          stop the clock for a special procedure, restart)
//!      all approved → approved │ any refused → refused → result issued → closed
//! ```
//!
//! # Rules
//! - **Compare-and-set.** A pre-review action carries the application's version, a branch action
//!   the branch's version ([`StepRef`]); a stale version is refused ([`WorkflowError::Stale`]) and
//!   changes nothing, so a double click on 批准 approves once. Departments of one stage never
//!   conflict with each other: each works its own branch's version.
//! - **Refused transitions change nothing**: [`Application::act`] works on a copy and keeps it only
//!   when every check passed.
//! - **The join.** A stage is decided when every branch is. A refusal refuses the application at
//!   once: branches already decided stand as decided (their decisions are recorded facts); branches
//!   still pending are closed as not needed ([`StepStateDto::NotNeeded`], one event each), and the
//!   later stages never start.
//! - **Working days.** Every limit counts with a [`WorkingDays`] calendar. A step's due date is its
//!   limit in working days after the day it started, pushed back by the working days its clock
//!   stood still; a clock stopped on day S and restarted on day R does not count the working days
//!   after S up to and including R. The application's due date is the process's limit (per stage
//!   its longest branch) after the day of acceptance, pushed back likewise by each stage's longest
//!   stop.
//! - **Art. 32** of the Administrative Licensing Law: a correction request must come within five
//!   working days of the materials' arrival, once, listing everything; if none came, the application
//!   counts as accepted on the day they arrived. [`deemed_accepted`] sweeps open applications; a
//!   correction request after the five days is refused ([`WorkflowError::CorrectionTooLate`]); a
//!   clerk accepting after them accepts as of the arrival day. After a resubmission the five days
//!   run again from the day the corrected materials arrived (no second request is possible).
//! - **Overdue**: a step past its due date is flagged; by `escalate_after` working days or more,
//!   escalated to the unit's lead ([`Application::overdue`]).
//!
//! [`WorkingDays`]: crate::calendar::WorkingDays

mod action;
mod deadline;
mod desk;
mod event;
mod state;
mod view;

#[cfg(test)]
mod tests;

pub use crate::catalogue::process::{
    Branch, MAX_PARTS, MAX_STEP_DAYS, Process, ProcessError, ProcessStep, Stage,
};
pub use action::{
    Action, Actor, CaseNo, CorrectionItem, CorrectionTarget, Holder, Reason, StateError, StepRef,
    WorkflowError,
};
pub use deadline::{DueDate, Overdue, OverdueLevel, PRE_REVIEW_WORKING_DAYS, deemed_accepted, overdue_steps};
pub use desk::{DeskActionError, needs_case_no};
pub use event::{Event, phase_name};
pub use shimin_wire::workflow::{
    ApplicationPhaseDto as Phase, EventActionDto as EventAction, SpecialProcedureDto as SpecialProcedure,
    StepStateDto,
};
pub use state::{Application, BranchOutcome, BranchState, ClockStop, STATE_FORMAT_VERSION};

use time::{Date, OffsetDateTime, UtcOffset};

use crate::clock::UnixSeconds;

/// China Standard Time (UTC+8), in which every date of a limit is counted.
const CHINA: UtcOffset = match UtcOffset::from_hms(8, 0, 0) {
    Ok(offset) => offset,
    Err(_) => UtcOffset::UTC,
};

/// A date as `YYYY-MM-DD` (how the stored state and the signed codes write dates).
pub fn format_iso_date(date: Date) -> String {
    deadline::iso_date::format(date)
}

/// A `YYYY-MM-DD` date; `None` for anything else.
pub fn parse_iso_date(text: &str) -> Option<Date> {
    deadline::iso_date::parse(text)
}

/// The date in China Standard Time of an instant; `None` outside the representable years.
pub fn china_date(at: UnixSeconds) -> Option<Date> {
    OffsetDateTime::from_unix_timestamp(at).ok().map(|t| t.to_offset(CHINA).date())
}
