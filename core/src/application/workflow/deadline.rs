//! Deadlines in working days: each step's, the application's, overdue steps and their
//! escalation, and the art. 32 sweep.

use time::Date;

use super::action::WorkflowError;
use super::china_date;
use super::state::{Application, BranchOutcome};
use crate::calendar::{CalendarError, WorkingDays};
use crate::cert::credit_code::CreditCode;
use shimin_wire::workflow::ApplicationPhaseDto as Phase;

/// Art. 32 of the Administrative Licensing Law: a correction must be requested within five
/// working days (五日内一次告知) of the materials' arrival.
pub const PRE_REVIEW_WORKING_DAYS: u32 = 5;

/// How late a step is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OverdueLevel {
    /// Past its due date: flagged in the department's queue.
    Flagged,
    /// Past it by the escalation threshold or more: escalated to the unit's lead.
    Escalated,
}

/// An overdue step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Overdue {
    /// The stage.
    pub stage: usize,
    /// The branch's department.
    pub department: CreditCode,
    /// The step.
    pub step: usize,
    /// Its due date.
    pub due: Date,
    /// Working days past it (at least one).
    pub days_over: u32,
    /// Flagged or escalated.
    pub level: OverdueLevel,
}

/// A due date as the calendar can tell it: the day, or the year whose holiday notice must be
/// loaded before the day can be counted (never a guess).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DueDate {
    /// Counted.
    On(Date),
    /// It falls in this year, whose notice is not loaded yet.
    AwaitsNotice(i32),
}

impl DueDate {
    /// Splits a count's result: a day outside the loaded years is [`DueDate::AwaitsNotice`].
    ///
    /// # Errors
    /// Any other [`CalendarError`].
    pub fn from_count(count: Result<Option<Date>, CalendarError>) -> Result<Option<Self>, CalendarError> {
        match count {
            Ok(day) => Ok(day.map(Self::On)),
            Err(CalendarError::NotCovered { year }) => Ok(Some(Self::AwaitsNotice(year))),
            Err(e) => Err(e),
        }
    }

    /// The day, when counted.
    #[must_use]
    pub fn day(self) -> Option<Date> {
        match self {
            Self::On(day) => Some(day),
            Self::AwaitsNotice(_) => None,
        }
    }

    /// The year awaited, when not counted.
    #[must_use]
    pub fn awaits(self) -> Option<i32> {
        match self {
            Self::On(_) => None,
            Self::AwaitsNotice(year) => Some(year),
        }
    }
}

impl Application {
    /// The due date of a branch's current step: its limit after the day it started, pushed back
    /// by the working days its clock stood still. `None` while its clock is stopped, once the
    /// branch decided, or for a branch not started.
    ///
    /// # Errors
    /// [`CalendarError`] when the calendar cannot count.
    pub fn step_due(
        &self,
        stage: usize,
        department: &CreditCode,
        calendar: &dyn WorkingDays,
    ) -> Result<Option<Date>, CalendarError> {
        let Some((b, branch)) = self
            .stages()
            .get(stage)
            .and_then(|s| s.iter().enumerate().find(|(_, br)| &br.department == department))
        else {
            return Ok(None);
        };
        if branch.outcome != BranchOutcome::Pending || branch.stop.is_some() {
            return Ok(None);
        }
        let limit = self.process().stages()[stage].branches[b].steps[branch.step].limit;
        calendar.due(branch.step_started, u32::from(limit).saturating_add(branch.stopped_days)).map(Some)
    }

    /// The whole application's due date once accepted: the process's limit after the day of
    /// acceptance, pushed back by each started stage's longest stop.
    ///
    /// # Errors
    /// [`CalendarError`] when the calendar cannot count.
    pub fn due(&self, calendar: &dyn WorkingDays) -> Result<Option<Date>, CalendarError> {
        let Some(accepted) = self.accepted_on() else { return Ok(None) };
        let stopped: u32 =
            self.stages().iter().map(|s| s.iter().map(|b| b.stopped_total).max().unwrap_or(0)).sum();
        calendar.due(accepted, self.process().limit().saturating_add(stopped)).map(Some)
    }

    /// The steps past their due date on `today`, flagged, or escalated when `escalate_after`
    /// working days or more past it. Stopped clocks are never overdue.
    ///
    /// # Errors
    /// [`CalendarError`] when the calendar cannot count.
    pub fn overdue(
        &self,
        today: Date,
        escalate_after: u32,
        calendar: &dyn WorkingDays,
    ) -> Result<Vec<Overdue>, CalendarError> {
        let mut out = Vec::new();
        if self.phase() != Phase::InApproval {
            return Ok(out);
        }
        let stage = self.stages().len().saturating_sub(1);
        for branch in self.stages().last().into_iter().flatten() {
            let due = match self.step_due(stage, &branch.department, calendar) {
                Ok(Some(due)) => due,
                Ok(None) => continue,
                // Due in a year whose notice is not loaded yet: not past while today is covered.
                Err(CalendarError::NotCovered { year }) if year > today.year() => continue,
                Err(e) => return Err(e),
            };
            if today <= due {
                continue;
            }
            let days_over = calendar.working_days_between(due, today)?;
            if days_over == 0 {
                // Only days off since the due date: not a working day late yet.
                continue;
            }
            let level =
                if days_over >= escalate_after { OverdueLevel::Escalated } else { OverdueLevel::Flagged };
            out.push(Overdue {
                stage,
                department: branch.department.clone(),
                step: branch.step,
                due,
                days_over,
                level,
            });
        }
        Ok(out)
    }

    /// The day an application awaiting pre-review counts as accepted under art. 32 when, on
    /// `today`, five working days have passed since its materials arrived with no correction
    /// request; `None` otherwise.
    ///
    /// # Errors
    /// [`WorkflowError::Calendar`] or [`WorkflowError::Time`].
    pub fn deemed_acceptance(
        &self,
        today: Date,
        calendar: &dyn WorkingDays,
    ) -> Result<Option<Date>, WorkflowError> {
        if self.deemed_due(today, calendar)? {
            Ok(Some(china_date(self.pending_since()).ok_or(WorkflowError::Time)?))
        } else {
            Ok(None)
        }
    }
}

/// The art. 32 sweep: of the open applications given with their keys, those that count as
/// accepted on `today`, with the day they count from (the day their materials arrived). The
/// backend then applies [`super::Action::DeemAccepted`] to each.
///
/// # Errors
/// The first [`WorkflowError`] (a calendar that does not cover the days).
pub fn deemed_accepted<'a, K: Clone + 'a>(
    open: impl IntoIterator<Item = (&'a K, &'a Application)>,
    today: Date,
    calendar: &dyn WorkingDays,
) -> Result<Vec<(K, Date)>, WorkflowError> {
    let mut out = Vec::new();
    for (key, app) in open {
        if let Some(day) = app.deemed_acceptance(today, calendar)? {
            out.push((key.clone(), day));
        }
    }
    Ok(out)
}

/// The overdue sweep: of the open applications given with their keys, every overdue step on
/// `today` (flagged, or escalated at `escalate_after` working days late).
///
/// # Errors
/// The first [`CalendarError`].
pub fn overdue_steps<'a, K: Clone + 'a>(
    open: impl IntoIterator<Item = (&'a K, &'a Application)>,
    today: Date,
    escalate_after: u32,
    calendar: &dyn WorkingDays,
) -> Result<Vec<(K, Overdue)>, CalendarError> {
    let mut out = Vec::new();
    for (key, app) in open {
        out.extend(app.overdue(today, escalate_after, calendar)?.into_iter().map(|o| (key.clone(), o)));
    }
    Ok(out)
}

/// A date as `YYYY-MM-DD` in the stored state.
pub(super) mod iso_date {
    use serde::{Deserialize, Deserializer, Serializer};
    use time::{Date, Month};

    pub(crate) fn format(date: Date) -> String {
        format!("{:04}-{:02}-{:02}", date.year(), u8::from(date.month()), date.day())
    }

    pub(crate) fn parse(text: &str) -> Option<Date> {
        let mut parts = text.splitn(3, '-');
        let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
        if y.len() != 4 || m.len() != 2 || d.len() != 2 {
            return None;
        }
        let month = Month::try_from(m.parse::<u8>().ok()?).ok()?;
        Date::from_calendar_date(y.parse().ok()?, month, d.parse().ok()?).ok()
    }

    pub(crate) fn serialize<S: Serializer>(date: &Date, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format(*date))
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        let text = String::deserialize(d)?;
        parse(&text).ok_or_else(|| serde::de::Error::custom("not a YYYY-MM-DD date"))
    }
}

/// An optional date as `YYYY-MM-DD` or `null`.
pub(super) mod iso_date_opt {
    use serde::{Deserialize, Deserializer, Serializer};
    use time::Date;

    pub(crate) fn serialize<S: Serializer>(date: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
        match date {
            Some(d) => s.serialize_some(&super::iso_date::format(*d)),
            None => s.serialize_none(),
        }
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Date>, D::Error> {
        Option::<String>::deserialize(d)?
            .map(|t| {
                super::iso_date::parse(&t).ok_or_else(|| serde::de::Error::custom("not a YYYY-MM-DD date"))
            })
            .transpose()
    }
}
