//! The working-day calendar (`docs/formats/calendar.md`): the official notices embedded in
//! `shimin_core`, merged at start with the notice files of the operator's directory, and the two
//! public questions asked of it over HTTP — the due day of a count, and what kind of day each day
//! of a span is. Deadlines elsewhere in the backend count with [`Backend::calendar`].

use std::path::{Path, PathBuf};

use shimin_core::calendar::{Calendar, CalendarError, CalendarFileError, DayKind, Holiday, WorkingDays};
use shimin_wire::calendar::{CalendarDayView, CalendarDaysResponse, DayKindView, DueResponse};
use shimin_wire::catalogue::Localized;
use time::{Date, Month};

use super::{Backend, ServiceError};

/// The most working days one `due` question may count.
pub const MAX_WORKING_DAYS: u32 = 1_000;
/// The most days one `days` question may list.
pub const MAX_SPAN_DAYS: i64 = 366;

/// Why the calendar could not be loaded at start.
#[derive(Debug, thiserror::Error)]
pub enum CalendarLoadError {
    /// The embedded notices do not load (a build error the core's tests rule out).
    #[error("the embedded holiday notices: {0}")]
    Embedded(CalendarFileError),
    /// The directory or a file in it could not be read.
    #[error("{}: {source}", path.display())]
    Read {
        /// The directory or file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// A file was refused.
    #[error("{}: {source}", path.display())]
    File {
        /// The file.
        path: PathBuf,
        /// Why, with its line.
        source: CalendarFileError,
    },
}

/// The official calendar, and the `*.toml` notice files of `dir` (in file-name order) merged
/// over it: a new year is added, a known year replaced only by a file saying `supersedes = true`.
///
/// # Errors
/// The first directory entry or file that cannot be read or is refused.
pub fn load(dir: Option<&Path>) -> Result<Calendar, CalendarLoadError> {
    let official = Calendar::official().map_err(CalendarLoadError::Embedded)?;
    let Some(dir) = dir else {
        return Ok(official.clone());
    };
    let read_err = |path: &Path| {
        let path = path.to_path_buf();
        move |source| CalendarLoadError::Read { path, source }
    };
    let mut files = std::fs::read_dir(dir)
        .map_err(read_err(dir))?
        .map(|entry| entry.map(|e| e.path()).map_err(read_err(dir)))
        .collect::<Result<Vec<_>, _>>()?;
    files.retain(|p| p.extension().is_some_and(|e| e == "toml") && p.is_file());
    files.sort();
    let mut calendar = official.clone();
    for path in files {
        let text = std::fs::read_to_string(&path).map_err(read_err(&path))?;
        calendar = calendar
            .with_file(&text)
            .map_err(|source| CalendarLoadError::File { path: path.clone(), source })?;
        tracing::info!(file = %path.display(), "holiday notice loaded");
    }
    Ok(calendar)
}

/// A date parameter `YYYY-MM-DD`, exactly (no sign, no week or ordinal form, no time).
fn parse_date(value: &str, bad: &'static str) -> Result<Date, ServiceError> {
    let b = value.as_bytes();
    let digits = |r: std::ops::Range<usize>| {
        b.get(r).filter(|s| s.iter().all(u8::is_ascii_digit)).and_then(|s| std::str::from_utf8(s).ok())
    };
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return Err(ServiceError::BadInput(bad));
    }
    let (Some(y), Some(m), Some(d)) = (digits(0..4), digits(5..7), digits(8..10)) else {
        return Err(ServiceError::BadInput(bad));
    };
    let year: i32 = y.parse().map_err(|_| ServiceError::BadInput(bad))?;
    let month: u8 = m.parse().map_err(|_| ServiceError::BadInput(bad))?;
    let day: u8 = d.parse().map_err(|_| ServiceError::BadInput(bad))?;
    let month = Month::try_from(month).map_err(|_| ServiceError::BadInput(bad))?;
    Date::from_calendar_date(year, month, day).map_err(|_| ServiceError::BadInput(bad))
}

/// A date as the wire carries it.
fn format_date(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// The two named parameters of a query, each at most once, and no other.
fn two_params<'a>(
    pairs: &'a [(String, String)],
    names: [&'static str; 2],
    errors: TwoParamErrors,
) -> Result<[&'a str; 2], ServiceError> {
    let mut slots: [Option<&str>; 2] = [None, None];
    for (name, value) in pairs {
        let i = names.iter().position(|n| n == name).ok_or(ServiceError::BadInput(errors.unknown))?;
        if slots[i].replace(value.as_str()).is_some() {
            return Err(ServiceError::BadInput(errors.twice[i]));
        }
    }
    match slots {
        [Some(a), Some(b)] => Ok([a, b]),
        [None, _] => Err(ServiceError::BadInput(errors.missing[0])),
        [_, None] => Err(ServiceError::BadInput(errors.missing[1])),
    }
}

/// The fixed texts of [`two_params`]' refusals.
struct TwoParamErrors {
    unknown: &'static str,
    twice: [&'static str; 2],
    missing: [&'static str; 2],
}

/// `GET /v1/calendar/due`'s query: `from` and `working_days`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DueQuery {
    /// The day counted from.
    pub from: Date,
    /// How many working days.
    pub working_days: u32,
}

impl DueQuery {
    /// Parses the query's pairs.
    ///
    /// # Errors
    /// [`ServiceError::BadInput`] naming the parameter.
    pub fn parse(pairs: &[(String, String)]) -> Result<Self, ServiceError> {
        let [from, n] = two_params(
            pairs,
            ["from", "working_days"],
            TwoParamErrors {
                unknown: "unknown parameter: only from and working_days are read",
                twice: ["from is given twice", "working_days is given twice"],
                missing: ["from is missing", "working_days is missing"],
            },
        )?;
        let from = parse_date(from, "from must be a date YYYY-MM-DD")?;
        let bad_n = ServiceError::BadInput("working_days must be a whole number from 0 to 1000");
        if n.is_empty() || n.len() > 4 || !n.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad_n);
        }
        let working_days: u32 = n
            .parse()
            .map_err(|_| ServiceError::BadInput("working_days must be a whole number from 0 to 1000"))?;
        if working_days > MAX_WORKING_DAYS {
            return Err(bad_n);
        }
        Ok(Self { from, working_days })
    }
}

/// `GET /v1/calendar/days`' query: `from` and `to`, at most [`MAX_SPAN_DAYS`] days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DaysQuery {
    /// The first day.
    pub from: Date,
    /// The last day.
    pub to: Date,
}

impl DaysQuery {
    /// Parses the query's pairs.
    ///
    /// # Errors
    /// [`ServiceError::BadInput`] naming the parameter.
    pub fn parse(pairs: &[(String, String)]) -> Result<Self, ServiceError> {
        let [from, to] = two_params(
            pairs,
            ["from", "to"],
            TwoParamErrors {
                unknown: "unknown parameter: only from and to are read",
                twice: ["from is given twice", "to is given twice"],
                missing: ["from is missing", "to is missing"],
            },
        )?;
        let from = parse_date(from, "from must be a date YYYY-MM-DD")?;
        let to = parse_date(to, "to must be a date YYYY-MM-DD")?;
        if to < from {
            return Err(ServiceError::BadInput("to is before from"));
        }
        if (to - from).whole_days() >= MAX_SPAN_DAYS {
            return Err(ServiceError::BadInput("from and to span more than 366 days"));
        }
        Ok(Self { from, to })
    }
}

fn localized(h: &Holiday) -> Localized {
    Localized { hans: h.name.hans.clone(), hant: Some(h.name.hant.clone()), en: Some(h.name.en.clone()) }
}

impl Backend {
    /// The working-day calendar every deadline counts with.
    pub fn calendar(&self) -> &Calendar {
        &self.calendar
    }

    /// The `working_days`-th working day after `from`.
    ///
    /// # Errors
    /// [`ServiceError::BadInput`] when `from`, or a day the count passes, is in a year the
    /// calendar does not cover.
    pub fn calendar_due(&self, query: DueQuery) -> Result<DueResponse, ServiceError> {
        if self.calendar.day(query.from).is_err() {
            return Err(ServiceError::BadInput("from is in a year the working-day calendar does not cover"));
        }
        // Past the loaded years (or, in theory, past the last representable date).
        let due = self.calendar.due(query.from, query.working_days).map_err(|_: CalendarError| {
            ServiceError::BadInput(
                "working_days: the count runs past the years the working-day calendar covers",
            )
        })?;
        Ok(DueResponse {
            from: format_date(query.from),
            working_days: query.working_days,
            due: format_date(due),
        })
    }

    /// Every day from `from` to `to` with what kind of day it is.
    ///
    /// # Errors
    /// [`ServiceError::BadInput`] naming `from` or `to` when it lies in a year the calendar does
    /// not cover.
    pub fn calendar_days(&self, query: DaysQuery) -> Result<CalendarDaysResponse, ServiceError> {
        let not_covered = |d: Date| {
            if d.year() == query.from.year() {
                ServiceError::BadInput("from is in a year the working-day calendar does not cover")
            } else {
                ServiceError::BadInput("to is in a year the working-day calendar does not cover")
            }
        };
        let mut days = Vec::new();
        let mut date = Some(query.from);
        while let Some(d) = date.filter(|d| *d <= query.to) {
            let day = self.calendar.day(d).map_err(|_| not_covered(d))?;
            let (kind, holiday) = match day.kind {
                DayKind::Workday => (DayKindView::Workday, None),
                DayKind::Weekend => (DayKindView::Weekend, None),
                DayKind::Holiday(h) => (DayKindView::Holiday, Some(localized(h))),
                DayKind::Makeup(h) => (DayKindView::Makeup, h.map(localized)),
            };
            days.push(CalendarDayView { date: format_date(d), working: day.is_working(), kind, holiday });
            date = d.next_day();
        }
        Ok(CalendarDaysResponse { from: format_date(query.from), to: format_date(query.to), days })
    }
}

#[cfg(test)]
#[allow(clippy::panic)] // Test code: a failed expectation is the test failing.
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter().map(|(a, b)| ((*a).to_owned(), (*b).to_owned())).collect()
    }

    fn refusal(r: Result<impl std::fmt::Debug, ServiceError>) -> &'static str {
        match r {
            Err(ServiceError::BadInput(m)) => m,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn dates_are_read_exactly_as_yyyy_mm_dd() {
        assert_eq!(
            parse_date("2026-02-13", "x").ok(),
            Date::from_calendar_date(2026, Month::February, 13).ok()
        );
        for bad in [
            "2026-2-13",
            "20260213",
            "+2026-02-13",
            "2026-02-30",
            "2026-13-01",
            "2026-02-13T00",
            "２０２６-02-13",
            "",
        ] {
            assert_eq!(refusal(parse_date(bad, "bad")), "bad", "{bad:?}");
        }
    }

    #[test]
    fn the_due_query_names_the_parameter_it_refuses() {
        let ok =
            DueQuery::parse(&pairs(&[("from", "2026-02-13"), ("working_days", "5")])).map(|q| q.working_days);
        assert_eq!(ok.ok(), Some(5));
        let cases: [(&[(&str, &str)], &str); 8] = [
            (&[("from", "2026-02-13")], "working_days is missing"),
            (&[("working_days", "5")], "from is missing"),
            (&[("from", "2026-02-13"), ("working_days", "5"), ("from", "2026-02-14")], "from is given twice"),
            (
                &[("from", "2026-02-13"), ("working_days", "5"), ("n", "1")],
                "unknown parameter: only from and working_days are read",
            ),
            (&[("from", "13/02/2026"), ("working_days", "5")], "from must be a date YYYY-MM-DD"),
            (
                &[("from", "2026-02-13"), ("working_days", "-1")],
                "working_days must be a whole number from 0 to 1000",
            ),
            (
                &[("from", "2026-02-13"), ("working_days", "1001")],
                "working_days must be a whole number from 0 to 1000",
            ),
            (
                &[("from", "2026-02-13"), ("working_days", "99999999999")],
                "working_days must be a whole number from 0 to 1000",
            ),
        ];
        for (query, expected) in cases {
            assert_eq!(refusal(DueQuery::parse(&pairs(query))), expected, "{query:?}");
        }
    }

    #[test]
    fn the_days_query_caps_its_span() {
        assert!(DaysQuery::parse(&pairs(&[("from", "2026-01-01"), ("to", "2026-12-31")])).is_ok());
        assert!(
            DaysQuery::parse(&pairs(&[("from", "2023-12-31"), ("to", "2024-12-30")])).is_ok(),
            "366 days"
        );
        assert_eq!(
            refusal(DaysQuery::parse(&pairs(&[("from", "2025-12-30"), ("to", "2026-12-31")]))),
            "from and to span more than 366 days"
        );
        assert_eq!(
            refusal(DaysQuery::parse(&pairs(&[("from", "2026-02-02"), ("to", "2026-02-01")]))),
            "to is before from"
        );
    }
}
