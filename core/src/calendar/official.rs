//! The official calendar: the State Council's holiday notices of the loaded years, one
//! [`NoticeFile`] each, and the working-day answers they give.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, OnceLock};

use time::{Date, Weekday};

use super::file::{CalendarFileError, Holiday, NoticeFile};
use super::{CalendarError, WorkingDays};

/// The notices of 2004–2026, one file a year (`core/data/calendar/`), embedded.
const EMBEDDED: [&str; 23] = [
    include_str!("../../data/calendar/2004.toml"),
    include_str!("../../data/calendar/2005.toml"),
    include_str!("../../data/calendar/2006.toml"),
    include_str!("../../data/calendar/2007.toml"),
    include_str!("../../data/calendar/2008.toml"),
    include_str!("../../data/calendar/2009.toml"),
    include_str!("../../data/calendar/2010.toml"),
    include_str!("../../data/calendar/2011.toml"),
    include_str!("../../data/calendar/2012.toml"),
    include_str!("../../data/calendar/2013.toml"),
    include_str!("../../data/calendar/2014.toml"),
    include_str!("../../data/calendar/2015.toml"),
    include_str!("../../data/calendar/2016.toml"),
    include_str!("../../data/calendar/2017.toml"),
    include_str!("../../data/calendar/2018.toml"),
    include_str!("../../data/calendar/2019.toml"),
    include_str!("../../data/calendar/2020.toml"),
    include_str!("../../data/calendar/2021.toml"),
    include_str!("../../data/calendar/2022.toml"),
    include_str!("../../data/calendar/2023.toml"),
    include_str!("../../data/calendar/2024.toml"),
    include_str!("../../data/calendar/2025.toml"),
    include_str!("../../data/calendar/2026.toml"),
];

/// What a notice says about one day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mark {
    /// In the holiday `index` of the file of `year`.
    Holiday { year: i32, index: usize },
    /// The make-up day `index` of the file of `year`.
    Makeup { year: i32, index: usize },
}

impl Mark {
    fn year(self) -> i32 {
        match self {
            Mark::Holiday { year, .. } | Mark::Makeup { year, .. } => year,
        }
    }
}

/// What kind of day a day is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayKind<'a> {
    /// A weekday no notice touches.
    Workday,
    /// A Saturday or Sunday no notice touches.
    Weekend,
    /// A day of a holiday period.
    Holiday(&'a Holiday),
    /// A make-up working day (调休上班), with the holiday it makes up for where the notice says.
    Makeup(Option<&'a Holiday>),
}

/// One day of the calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Day<'a> {
    /// The day.
    pub date: Date,
    /// What kind of day it is.
    pub kind: DayKind<'a>,
}

impl Day<'_> {
    /// Whether it is a working day.
    pub fn is_working(&self) -> bool {
        matches!(self.kind, DayKind::Workday | DayKind::Makeup(_))
    }
}

/// The official working-day calendar: the loaded years' notices. A day of a year without a
/// loaded notice is [`CalendarError::NotCovered`].
///
/// The last days of December of a loaded year are answered from its own notice; the next
/// year's notice, once loaded, may still make one of them a holiday or a make-up working day
/// (it has done so six times since 2004, see `docs/formats/calendar.md`).
#[derive(Debug, Clone, Default)]
pub struct Calendar {
    files: BTreeMap<i32, Arc<NoticeFile>>,
    days: HashMap<Date, Mark>,
}

impl Calendar {
    /// A calendar of no year: every question is [`CalendarError::NotCovered`].
    pub fn empty() -> Self {
        Self::default()
    }

    /// The notices of 2004–2026 as embedded in this build, parsed once per process.
    ///
    /// # Errors
    /// Only if an embedded file were malformed (a test makes sure none is).
    pub fn official() -> Result<&'static Calendar, CalendarFileError> {
        static OFFICIAL: OnceLock<Result<Calendar, CalendarFileError>> = OnceLock::new();
        OFFICIAL
            .get_or_init(|| EMBEDDED.iter().try_fold(Calendar::empty(), |cal, text| cal.with_file(text)))
            .as_ref()
            .map_err(Clone::clone)
    }

    /// This calendar and the notice file `text`: a new year, or (with `supersedes = true`) a
    /// new version of a loaded year.
    ///
    /// # Errors
    /// The file's own refusal ([`NoticeFile::parse`]), [`CalendarFileError::DuplicateYear`], or
    /// [`CalendarFileError::Conflict`] when it contradicts another loaded file about a day.
    pub fn with_file(&self, text: &str) -> Result<Calendar, CalendarFileError> {
        self.with_notice(NoticeFile::parse(text)?)
    }

    /// This calendar and one parsed notice file (see [`Calendar::with_file`]).
    ///
    /// # Errors
    /// As [`Calendar::with_file`], but for the parsing.
    pub fn with_notice(&self, file: NoticeFile) -> Result<Calendar, CalendarFileError> {
        if self.files.contains_key(&file.year) && !file.supersedes {
            return Err(CalendarFileError::DuplicateYear { year: file.year });
        }
        let mut files = self.files.clone();
        files.insert(file.year, Arc::new(file));
        let mut days = HashMap::new();
        for (&year, file) in &files {
            let holiday_days = file.holidays.iter().enumerate().flat_map(|(index, h)| {
                let mut day = Some(h.first);
                std::iter::from_fn(move || {
                    let d = day.filter(|d| *d <= h.last)?;
                    day = d.next_day();
                    Some((d, Mark::Holiday { year, index }))
                })
            });
            let makeup_days =
                file.makeups.iter().enumerate().map(|(index, m)| (m.date, Mark::Makeup { year, index }));
            for (date, mark) in holiday_days.chain(makeup_days) {
                if let Some(other) = days.insert(date, mark) {
                    return Err(CalendarFileError::Conflict { date, year, other_year: other.year() });
                }
            }
        }
        Ok(Calendar { files, days })
    }

    /// The years loaded, in order.
    pub fn years(&self) -> impl Iterator<Item = i32> + '_ {
        self.files.keys().copied()
    }

    /// The notice file of `year`, if loaded.
    pub fn notice_file(&self, year: i32) -> Option<&NoticeFile> {
        self.files.get(&year).map(|f| &**f)
    }

    /// What kind of day `date` is.
    ///
    /// # Errors
    /// [`CalendarError::NotCovered`] when its year is not loaded.
    pub fn day(&self, date: Date) -> Result<Day<'_>, CalendarError> {
        if !self.files.contains_key(&date.year()) {
            return Err(CalendarError::NotCovered { year: date.year() });
        }
        let holiday = |year: i32, index: usize| self.files.get(&year).and_then(|f| f.holidays.get(index));
        let kind = match self.days.get(&date) {
            Some(&Mark::Holiday { year, index }) => match holiday(year, index) {
                Some(h) => DayKind::Holiday(h),
                None => DayKind::Weekend,
            },
            Some(&Mark::Makeup { year, index }) => {
                let made_up = self
                    .files
                    .get(&year)
                    .and_then(|f| f.makeups.get(index))
                    .and_then(|m| m.holiday)
                    .and_then(|h| holiday(year, h));
                DayKind::Makeup(made_up)
            }
            None if matches!(date.weekday(), Weekday::Saturday | Weekday::Sunday) => DayKind::Weekend,
            None => DayKind::Workday,
        };
        Ok(Day { date, kind })
    }
}

impl WorkingDays for Calendar {
    fn is_working_day(&self, day: Date) -> Result<bool, CalendarError> {
        Ok(self.day(day)?.is_working())
    }
}
