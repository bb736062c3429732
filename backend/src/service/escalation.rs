//! Escalation (督办) of late steps (issue 17, item 3): the overdue sweep flags a branch the day
//! after its step falls due; once the step is [`ESCALATE_AFTER_WORKING_DAYS`] working days late,
//! this sweep records an [`EventAction::Escalated`] event on the application — the step's name,
//! its unit, when the step began, and a note of how late it is — so it shows in the timeline the
//! citizen and the department see, once per step.
//!
//! Like the other sweeps it starts from one indexed query over open branches flagged overdue
//! (`application_branch_escalation`), narrowed by calendar days (a step N working days late is at
//! least N calendar days late), and core decides which steps are escalated
//! ([`Application::overdue`]). A step already escalated is known by its event (same unit, same
//! start). The state is unchanged: the events are written with it as a compare-and-set on the
//! same version, as the overdue flag is.

use shimin_core::application::submission::ApplicationId;
use shimin_core::application::workflow::{
    Application, Event, EventAction, OverdueLevel, china_date, phase_name,
};
use shimin_core::calendar::WorkingDays;
use shimin_core::clock::UnixSeconds;
use shimin_wire::workflow::EventView;
use time::Duration;

use super::Backend;
use super::applications::{ApplicationError, SWEEP_BATCH, iso, write_state};
use crate::store::ApplicationStore;

/// How many working days late a step is escalated to its unit's lead. Shimin's choice (the
/// provinces set their own 督办 rules); one constant to change.
pub const ESCALATE_AFTER_WORKING_DAYS: u32 = 3;

/// The escalation events `app` needs on `today` that `recorded` does not hold yet.
///
/// # Errors
/// [`ApplicationError::Calendar`] when the calendar cannot count.
pub fn escalations(
    app: &Application,
    recorded: &[EventView],
    today: time::Date,
    at: UnixSeconds,
    calendar: &dyn WorkingDays,
) -> Result<Vec<Event>, ApplicationError> {
    let mut out = Vec::new();
    for late in app.overdue(today, ESCALATE_AFTER_WORKING_DAYS, calendar)? {
        if late.level != OverdueLevel::Escalated {
            continue;
        }
        let Some(branch) =
            app.stages().get(late.stage).and_then(|s| s.iter().find(|b| b.department == late.department))
        else {
            continue;
        };
        let unit = late.department.to_string();
        let done = recorded.iter().any(|e| {
            e.action == EventAction::Escalated
                && e.unit.as_deref() == Some(unit.as_str())
                && e.start == branch.step_since
        });
        if done {
            continue;
        }
        let step = app
            .process()
            .stages()
            .get(late.stage)
            .and_then(|s| s.branches.iter().find(|b| b.department == late.department))
            .and_then(|b| b.steps.get(late.step))
            .map_or_else(|| phase_name(EventAction::Escalated), |s| s.name.clone());
        out.push(Event {
            action: EventAction::Escalated,
            step,
            officer: None,
            unit: Some(late.department.clone()),
            start: branch.step_since,
            end: at,
            note: Some(format!(
                "超期 {} 个工作日（应于 {} 办结），已提请部门负责人督办",
                late.days_over,
                iso(late.due)
            )),
        });
    }
    Ok(out)
}

/// The escalation sweep at `at`. Returns the applications escalated now.
///
/// # Errors
/// [`ApplicationError`]; what was escalated before the error stays so.
pub async fn sweep_escalations(
    store: &dyn ApplicationStore,
    at: UnixSeconds,
    calendar: &(dyn WorkingDays + Sync),
) -> Result<Vec<ApplicationId>, ApplicationError> {
    let today = china_date(at).ok_or(ApplicationError::Time)?;
    let days = i64::from(ESCALATE_AFTER_WORKING_DAYS).saturating_sub(1);
    let due_before = today.checked_sub(Duration::days(days)).ok_or(ApplicationError::Time)?;
    let mut seen: Vec<ApplicationId> = Vec::new();
    let mut escalated = Vec::new();
    for branch in store.branches_to_escalate(&iso(due_before), SWEEP_BATCH).await? {
        if seen.contains(&branch.id) {
            continue;
        }
        seen.push(branch.id);
        let Some(record) = store.application(branch.id).await? else { continue };
        let recorded = store.application_events(branch.id).await?;
        let events = escalations(&record.state, &recorded, today, at, calendar)?;
        if events.is_empty() {
            continue;
        }
        let version = record.state.version();
        if write_state(store, branch.id, version, record.state, &events, at, calendar).await? {
            escalated.push(branch.id);
        }
    }
    Ok(escalated)
}

impl Backend {
    /// One round of [`sweep_escalations`] with the backend's calendar (run after the overdue
    /// sweep by [`Backend::sweep_applications`]; callable from tests).
    ///
    /// # Errors
    /// [`ApplicationError`].
    pub async fn sweep_escalations(&self, now: UnixSeconds) -> Result<Vec<ApplicationId>, ApplicationError> {
        sweep_escalations(self.store.as_ref(), now, self.calendar()).await
    }
}
