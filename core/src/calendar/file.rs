//! One holiday-notice file (`docs/formats/calendar.md`): the TOML text of one year's State
//! Council notice, parsed into a [`NoticeFile`] whose dates are known to be consistent — in its
//! year, periods apart, make-up days on weekends and outside the holidays — or refused with a
//! [`CalendarFileError`] naming the line and the field.

use std::ops::Range;

use serde::Deserialize;
use time::{Date, Month, Weekday};
use toml::Spanned;
use toml::value::Datetime;

/// The version of the file format this parser reads (`format = 1`).
pub const FORMAT: u32 = 1;

/// The first day of the previous year a file may still name: notices put the New Year holiday's
/// first days and make-up days into the last days of the year before (2008: 29 December 2007),
/// never earlier than this.
const PREVIOUS_YEAR_FROM: (Month, u8) = (Month::December, 20);

/// Why a notice file is refused. `line` is 1-based in the file's text; `field` is the key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CalendarFileError {
    /// Not TOML, a key of the wrong type, an unknown key, a missing key.
    #[error("line {line}: {message}")]
    Syntax {
        /// Where the parser stopped.
        line: usize,
        /// The parser's message.
        message: String,
    },
    /// `format` is not one this parser reads.
    #[error("line {line}: format {format} is not supported (this reader knows {FORMAT})")]
    UnsupportedFormat {
        /// The line of `format`.
        line: usize,
        /// The format given.
        format: u32,
    },
    /// `year` is not a plausible year of a notice.
    #[error("line {line}: year {year} is out of range")]
    BadYear {
        /// The line of `year`.
        line: usize,
        /// The year given.
        year: i32,
    },
    /// The file names no `[[notice]]`.
    #[error("the file names no [[notice]]")]
    NoNotice,
    /// A date field holds a time or an offset, or a day that does not exist.
    #[error("line {line}: `{field}` must be a plain date (YYYY-MM-DD)")]
    NotADate {
        /// The line of the field.
        line: usize,
        /// The key.
        field: &'static str,
    },
    /// A holiday or make-up date lies outside the file's year (and outside the last days of
    /// the year before, where a New Year holiday may start).
    #[error("line {line}: `{field}` is not in {year} (nor in the last days of {prev})", prev = year - 1)]
    DateOutsideYear {
        /// The line of the field.
        line: usize,
        /// The key.
        field: &'static str,
        /// The file's year.
        year: i32,
    },
    /// A holiday's `last` day is before its `first`.
    #[error("line {line}: `last` is before `first`")]
    EmptyRange {
        /// The line of `last`.
        line: usize,
    },
    /// Two holiday periods share a day.
    #[error("line {line}: the holiday overlaps the one on line {other_line}")]
    Overlap {
        /// The line of the later period's `first`.
        line: usize,
        /// The line of the earlier period's `first`.
        other_line: usize,
    },
    /// A make-up working day (调休上班) that is not a Saturday or a Sunday.
    #[error("line {line}: a make-up working day must be a Saturday or a Sunday")]
    MakeupNotWeekend {
        /// The line of its `date`.
        line: usize,
    },
    /// A make-up working day inside a holiday period.
    #[error("line {line}: the make-up working day falls in the holiday on line {holiday_line}")]
    HolidayOnMakeup {
        /// The line of the make-up day's `date`.
        line: usize,
        /// The line of the holiday's `first`.
        holiday_line: usize,
    },
    /// The same make-up day twice.
    #[error("line {line}: the make-up working day is listed already on line {other_line}")]
    DuplicateMakeup {
        /// The line of the second `date`.
        line: usize,
        /// The line of the first.
        other_line: usize,
    },
    /// A make-up day's `holiday` names no holiday of the file.
    #[error("line {line}: `holiday` names no [[holiday]] of this file")]
    UnknownHoliday {
        /// The line of `holiday`.
        line: usize,
    },
    /// A `notice` index that is not one of the file's `[[notice]]` entries (1-based).
    #[error("line {line}: `notice` is not the number of a [[notice]] of this file")]
    UnknownNotice {
        /// The line of `notice`.
        line: usize,
    },
    /// An empty text field.
    #[error("line {line}: `{field}` is empty")]
    EmptyText {
        /// The line of the field.
        line: usize,
        /// The key.
        field: &'static str,
    },
    /// A year is loaded already and the new file does not say `supersedes = true`.
    #[error("the year {year} is loaded already (a file replacing it says `supersedes = true`)")]
    DuplicateYear {
        /// The year.
        year: i32,
    },
    /// Two loaded files say different things about one day (a New Year holiday reaching into
    /// the previous year, against that year's own file).
    #[error("the files of {year} and {other_year} disagree about {date}")]
    Conflict {
        /// The day.
        date: Date,
        /// The file that named it last.
        year: i32,
        /// The file that named it first.
        other_year: i32,
    },
}

/// A holiday's name in the app's three languages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HolidayName {
    /// Simplified Chinese, as the notice writes it (春节).
    pub hans: String,
    /// Traditional Chinese (春節).
    pub hant: String,
    /// English (Spring Festival).
    pub en: String,
}

/// One notice of the State Council (or its General Office) the file's days come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    /// Its title (国务院办公厅关于2026年部分节假日安排的通知).
    pub title: String,
    /// Its document number (国办发明电〔2025〕7号), where known.
    pub number: Option<String>,
    /// The date it was signed (成文日期), where known.
    pub date: Option<Date>,
}

/// A holiday period (放假): every day from `first` to `last` is not a working day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Holiday {
    /// Its name.
    pub name: HolidayName,
    /// The first day off.
    pub first: Date,
    /// The last day off (inclusive).
    pub last: Date,
    /// The index in [`NoticeFile::notices`] of the notice that set it (0: the yearly notice).
    pub notice: usize,
}

impl Holiday {
    /// Whether `day` is in the period.
    pub fn contains(&self, day: Date) -> bool {
        self.first <= day && day <= self.last
    }
}

/// A make-up working day (调休上班): a Saturday or Sunday that is a working day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MakeupDay {
    /// The day.
    pub date: Date,
    /// The index in [`NoticeFile::holidays`] of the holiday it makes up for, where the file says.
    pub holiday: Option<usize>,
    /// The index in [`NoticeFile::notices`] of the notice that set it.
    pub notice: usize,
}

/// One year's notice(s), parsed and consistent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoticeFile {
    /// The year the notice arranges.
    pub year: i32,
    /// Whether this file replaces an already loaded file of its year.
    pub supersedes: bool,
    /// The yearly notice first, then any that changed it (2019: Labour Day; 2020: the Spring
    /// Festival's extension).
    pub notices: Vec<Notice>,
    /// Holiday periods, in date order.
    pub holidays: Vec<Holiday>,
    /// Make-up working days, in date order.
    pub makeups: Vec<MakeupDay>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    format: Spanned<u32>,
    year: Spanned<i32>,
    #[serde(default)]
    supersedes: bool,
    #[serde(default)]
    notice: Vec<RawNotice>,
    #[serde(default)]
    holiday: Vec<RawHoliday>,
    #[serde(default)]
    makeup: Vec<RawMakeup>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNotice {
    title: Spanned<String>,
    number: Option<Spanned<String>>,
    date: Option<Spanned<Datetime>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHoliday {
    name: Spanned<String>,
    name_hant: Spanned<String>,
    name_en: Spanned<String>,
    first: Spanned<Datetime>,
    last: Spanned<Datetime>,
    notice: Option<Spanned<usize>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMakeup {
    date: Spanned<Datetime>,
    holiday: Option<Spanned<String>>,
    notice: Option<Spanned<usize>>,
}

/// Line numbers of byte offsets in one text.
struct Lines<'a>(&'a str);

impl Lines<'_> {
    /// The 1-based line of a span's start.
    fn of(&self, span: Range<usize>) -> usize {
        let end = span.start.min(self.0.len());
        self.0.as_bytes()[..end].iter().filter(|&&b| b == b'\n').count() + 1
    }
}

fn date(
    lines: &Lines<'_>,
    value: &Spanned<Datetime>,
    field: &'static str,
) -> Result<Date, CalendarFileError> {
    let line = lines.of(value.span());
    let not_a_date = CalendarFileError::NotADate { line, field };
    let dt = value.get_ref();
    let (Some(d), None, None) = (dt.date, dt.time, dt.offset) else {
        return Err(not_a_date);
    };
    let month = Month::try_from(d.month).map_err(|_| not_a_date.clone())?;
    Date::from_calendar_date(i32::from(d.year), month, d.day).map_err(|_| not_a_date)
}

fn text(
    lines: &Lines<'_>,
    value: &Spanned<String>,
    field: &'static str,
) -> Result<String, CalendarFileError> {
    let t = value.get_ref().trim();
    if t.is_empty() {
        return Err(CalendarFileError::EmptyText { line: lines.of(value.span()), field });
    }
    Ok(t.to_owned())
}

fn notice_index(
    lines: &Lines<'_>,
    value: Option<&Spanned<usize>>,
    notices: usize,
) -> Result<usize, CalendarFileError> {
    match value {
        None => Ok(0),
        Some(n) if (1..=notices).contains(n.get_ref()) => Ok(n.get_ref() - 1),
        Some(n) => Err(CalendarFileError::UnknownNotice { line: lines.of(n.span()) }),
    }
}

/// Whether `day` may appear in the file of `year`: in that year, or in its last days before.
fn in_reach(day: Date, year: i32) -> bool {
    day.year() == year || (day.year() == year - 1 && (day.month(), day.day()) >= PREVIOUS_YEAR_FROM)
}

impl NoticeFile {
    /// Parses and checks one file's text.
    ///
    /// # Errors
    /// The first refusal found, naming its line and field.
    pub fn parse(source: &str) -> Result<Self, CalendarFileError> {
        let lines = Lines(source);
        let raw: RawFile = toml::from_str(source).map_err(|e| CalendarFileError::Syntax {
            line: e.span().map_or(1, |s| lines.of(s)),
            message: e.message().trim().to_owned(),
        })?;
        if *raw.format.get_ref() != FORMAT {
            return Err(CalendarFileError::UnsupportedFormat {
                line: lines.of(raw.format.span()),
                format: *raw.format.get_ref(),
            });
        }
        let year = *raw.year.get_ref();
        if !(1949..=9998).contains(&year) {
            return Err(CalendarFileError::BadYear { line: lines.of(raw.year.span()), year });
        }
        if raw.notice.is_empty() {
            return Err(CalendarFileError::NoNotice);
        }
        let notices = raw
            .notice
            .iter()
            .map(|n| {
                Ok(Notice {
                    title: text(&lines, &n.title, "title")?,
                    number: n.number.as_ref().map(|v| text(&lines, v, "number")).transpose()?,
                    date: n.date.as_ref().map(|v| date(&lines, v, "date")).transpose()?,
                })
            })
            .collect::<Result<Vec<_>, CalendarFileError>>()?;

        let mut holidays: Vec<(usize, Holiday)> = Vec::with_capacity(raw.holiday.len());
        for h in &raw.holiday {
            let line = lines.of(h.first.span());
            let first = date(&lines, &h.first, "first")?;
            let last = date(&lines, &h.last, "last")?;
            if !in_reach(first, year) {
                return Err(CalendarFileError::DateOutsideYear { line, field: "first", year });
            }
            if !in_reach(last, year) {
                return Err(CalendarFileError::DateOutsideYear {
                    line: lines.of(h.last.span()),
                    field: "last",
                    year,
                });
            }
            if last < first {
                return Err(CalendarFileError::EmptyRange { line: lines.of(h.last.span()) });
            }
            let holiday = Holiday {
                name: HolidayName {
                    hans: text(&lines, &h.name, "name")?,
                    hant: text(&lines, &h.name_hant, "name_hant")?,
                    en: text(&lines, &h.name_en, "name_en")?,
                },
                first,
                last,
                notice: notice_index(&lines, h.notice.as_ref(), notices.len())?,
            };
            if let Some((other_line, _)) =
                holidays.iter().find(|(_, o)| o.first <= holiday.last && holiday.first <= o.last)
            {
                return Err(CalendarFileError::Overlap { line, other_line: *other_line });
            }
            holidays.push((line, holiday));
        }

        let mut makeups: Vec<(usize, MakeupDay)> = Vec::with_capacity(raw.makeup.len());
        for m in &raw.makeup {
            let line = lines.of(m.date.span());
            let day = date(&lines, &m.date, "date")?;
            if !in_reach(day, year) {
                return Err(CalendarFileError::DateOutsideYear { line, field: "date", year });
            }
            if !matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday) {
                return Err(CalendarFileError::MakeupNotWeekend { line });
            }
            if let Some((holiday_line, _)) = holidays.iter().find(|(_, h)| h.contains(day)) {
                return Err(CalendarFileError::HolidayOnMakeup { line, holiday_line: *holiday_line });
            }
            if let Some((other_line, _)) = makeups.iter().find(|(_, o)| o.date == day) {
                return Err(CalendarFileError::DuplicateMakeup { line, other_line: *other_line });
            }
            let holiday = match &m.holiday {
                None => None,
                Some(name) => Some(
                    holidays
                        .iter()
                        .position(|(_, h)| h.name.hans == name.get_ref().trim())
                        .ok_or(CalendarFileError::UnknownHoliday { line: lines.of(name.span()) })?,
                ),
            };
            let notice = notice_index(&lines, m.notice.as_ref(), notices.len())?;
            makeups.push((line, MakeupDay { date: day, holiday, notice }));
        }

        // Date order; a make-up day's holiday index follows its holiday.
        let mut order: Vec<usize> = (0..holidays.len()).collect();
        order.sort_by_key(|&i| holidays[i].1.first);
        let mut new_index = vec![0; holidays.len()];
        for (new, &old) in order.iter().enumerate() {
            new_index[old] = new;
        }
        let mut makeups: Vec<MakeupDay> = makeups
            .into_iter()
            .map(|(_, mut m)| {
                m.holiday = m.holiday.map(|i| new_index[i]);
                m
            })
            .collect();
        makeups.sort_by_key(|m| m.date);
        let mut sorted: Vec<Option<Holiday>> = holidays.into_iter().map(|(_, h)| Some(h)).collect();
        let holidays = order.iter().filter_map(|&i| sorted[i].take()).collect();
        Ok(Self { year, supersedes: raw.supersedes, notices, holidays, makeups })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: Month, d: u8) -> Date {
        Date::from_calendar_date(y, m, d).unwrap_or(Date::MIN)
    }

    #[test]
    fn a_file_reaches_back_only_into_the_last_days_of_december() {
        assert!(in_reach(day(2026, Month::January, 1), 2026));
        assert!(in_reach(day(2026, Month::December, 31), 2026));
        assert!(in_reach(day(2025, Month::December, 20), 2026));
        assert!(!in_reach(day(2025, Month::December, 19), 2026));
        assert!(!in_reach(day(2027, Month::January, 1), 2026));
        assert!(!in_reach(day(2024, Month::December, 31), 2026));
    }

    #[test]
    fn lines_count_from_one() {
        let lines = Lines("a\nb\nc");
        assert_eq!((lines.of(0..1), lines.of(2..3), lines.of(4..5), lines.of(99..100)), (1, 2, 3, 3));
    }

    #[test]
    fn holidays_and_make_up_days_come_out_in_date_order_with_their_links() {
        let text = "format = 1\nyear = 2026\n[[notice]]\ntitle = \"t\"\n\
            [[holiday]]\nname = \"国庆节\"\nname_hant = \"國慶節\"\nname_en = \"National Day\"\nfirst = 2026-10-01\nlast = 2026-10-07\n\
            [[holiday]]\nname = \"春节\"\nname_hant = \"春節\"\nname_en = \"Spring Festival\"\nfirst = 2026-02-15\nlast = 2026-02-23\n\
            [[makeup]]\ndate = 2026-10-10\nholiday = \"国庆节\"\n[[makeup]]\ndate = 2026-02-14\nholiday = \"春节\"\n";
        let file = NoticeFile::parse(text).map_err(|e| e.to_string());
        let Ok(file) = file else { return assert_eq!(file.map(|_| ()), Ok(())) };
        let names: Vec<&str> = file.holidays.iter().map(|h| h.name.hans.as_str()).collect();
        assert_eq!(names, ["春节", "国庆节"]);
        let links: Vec<(Date, Option<&str>)> = file
            .makeups
            .iter()
            .map(|m| (m.date, m.holiday.and_then(|i| file.holidays.get(i)).map(|h| h.name.hans.as_str())))
            .collect();
        assert_eq!(
            links,
            [(day(2026, Month::February, 14), Some("春节")), (day(2026, Month::October, 10), Some("国庆节"))]
        );
    }
}
