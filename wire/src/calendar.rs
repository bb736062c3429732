//! The working-day calendar over HTTP (`docs/formats/calendar.md` §2): `GET /v1/calendar/due`
//! and `GET /v1/calendar/days`. Dates are `YYYY-MM-DD` strings.

use serde::{Deserialize, Serialize};

use crate::catalogue::Localized;

/// `GET /v1/calendar/due?from=…&working_days=…`: the `working_days`-th working day after `from`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DueResponse {
    /// The day counted from (never counted itself).
    pub from: String,
    /// How many working days.
    pub working_days: u32,
    /// The day the count ends on.
    pub due: String,
}

/// What kind of day a day is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DayKindView {
    /// A weekday no notice touches: working.
    Workday,
    /// A Saturday or Sunday no notice touches: off.
    Weekend,
    /// A day of a holiday period: off.
    Holiday,
    /// A make-up working day (调休上班) on a weekend: working.
    Makeup,
}

/// One day of `GET /v1/calendar/days`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CalendarDayView {
    /// The day.
    pub date: String,
    /// Whether it is a working day.
    pub working: bool,
    /// What kind of day it is.
    pub kind: DayKindView,
    /// The holiday's name (a holiday), or that of the holiday a make-up day makes up for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub holiday: Option<Localized>,
}

/// `GET /v1/calendar/days?from=…&to=…`: every day from `from` to `to`, both included.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CalendarDaysResponse {
    /// The first day.
    pub from: String,
    /// The last day.
    pub to: String,
    /// The days, in order.
    pub days: Vec<CalendarDayView>,
}
