//! Working days (工作日): every time limit of an application, a correction request, a message
//! board answer or an appointment counts working days under the State Council's holiday notices,
//! make-up working days (调休) included.
//!
//! This module holds the one interface the rest of the core counts with, [`WorkingDays`]; the
//! official calendar that implements it, [`Calendar`], is loaded from data — one TOML file per
//! notice (`docs/formats/calendar.md`), 2004–2026 embedded ([`Calendar::official`]), more
//! accepted at run time ([`Calendar::with_file`]) — so a new year's notice needs no release. A
//! day outside the loaded years is an error ([`CalendarError::NotCovered`]), never a guess from
//! weekends alone.

mod file;
mod official;

pub use file::{CalendarFileError, FORMAT, Holiday, HolidayName, MakeupDay, Notice, NoticeFile};
pub use official::{Calendar, Day, DayKind};

use time::{Date, Duration};

/// Why a working-day question has no answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CalendarError {
    /// The day lies in a year whose holiday notice is not loaded.
    #[error("the working-day calendar does not cover the year {year}")]
    NotCovered {
        /// The year asked about.
        year: i32,
    },
    /// The count runs past the last representable date.
    #[error("the working-day count runs past the end of the calendar")]
    Overflow,
}

/// Counting in working days. Implementations answer [`WorkingDays::is_working_day`]; the
/// counting on top of it is shared.
pub trait WorkingDays {
    /// Whether `day` is a working day (a weekday that is no public holiday, or a make-up working
    /// day on a weekend).
    ///
    /// # Errors
    /// [`CalendarError::NotCovered`] for a day outside the loaded years.
    fn is_working_day(&self, day: Date) -> Result<bool, CalendarError>;

    /// The `working_days`-th working day after `from` (`from` itself never counts; zero gives
    /// `from` back). From Friday 2026-02-13, five working days is 2026-02-27: Saturday 14
    /// February is a make-up working day and 15–23 February the Spring Festival holiday.
    ///
    /// # Errors
    /// As [`WorkingDays::is_working_day`], for any day the count passes.
    fn due(&self, from: Date, working_days: u32) -> Result<Date, CalendarError> {
        let mut day = from;
        let mut left = working_days;
        while left > 0 {
            day = day.checked_add(Duration::DAY).ok_or(CalendarError::Overflow)?;
            if self.is_working_day(day)? {
                left -= 1;
            }
        }
        Ok(day)
    }

    /// Whether `today` is past the `working_days`-th working day after `from` (the day
    /// [`WorkingDays::due`] names), answered from the days before `today` alone: a due date that
    /// would fall in a year whose notice is not loaded yet is certainly not past while `today`
    /// itself is covered, so the answer is `false`, not an error.
    ///
    /// # Errors
    /// As [`WorkingDays::is_working_day`], for any day from `from` to `today`.
    fn is_past_due(&self, from: Date, working_days: u32, today: Date) -> Result<bool, CalendarError> {
        let mut day = from;
        let mut left = working_days;
        loop {
            if left == 0 {
                return Ok(day < today);
            }
            day = day.checked_add(Duration::DAY).ok_or(CalendarError::Overflow)?;
            if day >= today {
                return Ok(false);
            }
            if self.is_working_day(day)? {
                left -= 1;
            }
        }
    }

    /// How many working days lie after `from` up to and including `to` (zero when `to` is not
    /// after `from`).
    ///
    /// # Errors
    /// As [`WorkingDays::is_working_day`], for any day counted.
    fn working_days_between(&self, from: Date, to: Date) -> Result<u32, CalendarError> {
        let mut day = from;
        let mut count = 0u32;
        while day < to {
            day = day.checked_add(Duration::DAY).ok_or(CalendarError::Overflow)?;
            if self.is_working_day(day)? {
                count = count.saturating_add(1);
            }
        }
        Ok(count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::{Month, Weekday};

    /// Weekends only, over 2026 — the counting's own test, not a calendar.
    struct Weekends;

    impl WorkingDays for Weekends {
        fn is_working_day(&self, day: Date) -> Result<bool, CalendarError> {
            if day.year() != 2026 {
                return Err(CalendarError::NotCovered { year: day.year() });
            }
            Ok(!matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday))
        }
    }

    fn day(month: Month, d: u8) -> Date {
        Date::from_calendar_date(2026, month, d).unwrap_or(Date::MIN)
    }

    #[test]
    fn counting_skips_what_is_not_a_working_day_and_never_counts_the_start() {
        // Friday 6 March + 1 = Monday 9 March; + 5 = Friday 13 March.
        assert_eq!(Weekends.due(day(Month::March, 6), 1), Ok(day(Month::March, 9)));
        assert_eq!(Weekends.due(day(Month::March, 6), 5), Ok(day(Month::March, 13)));
        assert_eq!(Weekends.due(day(Month::March, 6), 0), Ok(day(Month::March, 6)));
        assert_eq!(Weekends.working_days_between(day(Month::March, 6), day(Month::March, 13)), Ok(5));
        assert_eq!(Weekends.working_days_between(day(Month::March, 13), day(Month::March, 6)), Ok(0));
    }

    #[test]
    fn a_count_leaving_the_covered_years_is_an_error() {
        assert_eq!(Weekends.due(day(Month::December, 30), 3), Err(CalendarError::NotCovered { year: 2027 }));
    }
}
