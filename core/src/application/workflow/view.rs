//! The timeline an application's page and the desk show.

use shimin_wire::workflow::{StepStateDto, StepView, TimelineView};

use super::deadline::{DueDate, iso_date};
use super::event::Event;
use super::state::{Application, BranchOutcome};
use crate::calendar::{CalendarError, WorkingDays};

impl Application {
    /// The timeline: the phase, every step of the stages started so far with its state, holder
    /// and due date, and `events` (as stored, oldest first).
    ///
    /// A due date in a year whose notice is not loaded yet is shown as awaiting it.
    ///
    /// # Errors
    /// [`CalendarError`] when the calendar cannot count a due date for another reason.
    pub fn timeline(
        &self,
        events: &[Event],
        calendar: &dyn WorkingDays,
    ) -> Result<TimelineView, CalendarError> {
        let mut steps = Vec::new();
        for (s, (branches, stage)) in self.stages().iter().zip(self.process().stages()).enumerate() {
            for (branch, def) in branches.iter().zip(&stage.branches) {
                let due = DueDate::from_count(self.step_due(s, &branch.department, calendar))?;
                for (i, step) in def.steps.iter().enumerate() {
                    let state = match (i.cmp(&branch.step), branch.outcome) {
                        (std::cmp::Ordering::Less, _) => StepStateDto::Approved,
                        (std::cmp::Ordering::Greater, BranchOutcome::Pending) => StepStateDto::Waiting,
                        (std::cmp::Ordering::Greater, _) => StepStateDto::NotNeeded,
                        (std::cmp::Ordering::Equal, BranchOutcome::Pending) if branch.stop.is_some() => {
                            StepStateDto::Stopped
                        }
                        (std::cmp::Ordering::Equal, BranchOutcome::Pending) => StepStateDto::Active,
                        (std::cmp::Ordering::Equal, BranchOutcome::Approved) => StepStateDto::Approved,
                        (std::cmp::Ordering::Equal, BranchOutcome::Refused) => StepStateDto::Refused,
                        (std::cmp::Ordering::Equal, BranchOutcome::NotNeeded) => StepStateDto::NotNeeded,
                    };
                    let current = i == branch.step;
                    steps.push(StepView {
                        stage: u8::try_from(s).unwrap_or(u8::MAX),
                        department: branch.department.to_string(),
                        step: u8::try_from(i).unwrap_or(u8::MAX),
                        name: step.name.clone(),
                        state,
                        holder: branch.holder.as_ref().filter(|_| current).map(|h| h.officer.clone()),
                        due: due.and_then(DueDate::day).filter(|_| current).map(iso_date::format),
                        due_awaits_notice: due.and_then(DueDate::awaits).filter(|_| current),
                        version: branch.version,
                    });
                }
            }
        }
        let due = DueDate::from_count(self.due(calendar))?;
        Ok(TimelineView {
            case_no: self.case_no().map(ToString::to_string),
            phase: self.phase(),
            version: self.version(),
            due: due.and_then(DueDate::day).map(iso_date::format),
            due_awaits_notice: due.and_then(DueDate::awaits),
            steps,
            events: events.iter().map(Event::to_view).collect(),
        })
    }
}
