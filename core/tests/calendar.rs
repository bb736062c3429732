//! The official working-day calendar against the State Council's notices, and the notice-file
//! loader's refusals — both as data: `vectors/calendar/notices.txt` restates the notices' facts
//! by hand, `vectors/calendar/refused/*.toml` are files each refused with the error its first
//! line names.

#![allow(clippy::expect_used, clippy::panic)] // Test code: a failed expectation is the test failing.

use std::path::Path;

use shimin_core::calendar::{Calendar, CalendarError, CalendarFileError, DayKind, WorkingDays};
use time::{Date, Month, Weekday, format_description::well_known::Iso8601};

fn date(text: &str) -> Date {
    Date::parse(text, &Iso8601::DATE).unwrap_or_else(|e| panic!("{text}: {e}"))
}

fn official() -> &'static Calendar {
    Calendar::official().expect("the embedded notices load")
}

#[test]
fn every_year_from_2004_to_2026_is_loaded_and_no_other() {
    let years: Vec<i32> = official().years().collect();
    assert_eq!(years, (2004..=2026).collect::<Vec<_>>());
    for year in 2004..=2026 {
        let file = official().notice_file(year).expect("loaded");
        assert!(!file.notices.is_empty(), "{year}: a notice");
        assert!(file.notices[0].title.contains(&format!("{year}年")), "{year}: {}", file.notices[0].title);
        assert!(file.holidays.iter().any(|h| h.name.hans == "春节"), "{year}: the Spring Festival");
    }
}

#[test]
fn the_embedded_calendar_says_what_the_notices_say() {
    let text = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/calendar/notices.txt"),
    )
    .expect("vectors");
    let cal = official();
    let mut checked = 0;
    for (n, line) in text.lines().enumerate() {
        let words: Vec<&str> = line.split_whitespace().collect();
        let at = format!("notices.txt:{}", n + 1);
        match words.as_slice() {
            [] => continue,
            [first, ..] if first.starts_with('#') => continue,
            ["holiday", name, first, last] => {
                let (first, last) = (date(first), date(last));
                let mut day = first;
                while day <= last {
                    match cal.day(day).expect("covered").kind {
                        DayKind::Holiday(h) => assert_eq!(h.name.hans, *name, "{at}: {day}"),
                        other => panic!("{at}: {day} is {other:?}, not {name}"),
                    }
                    day = day.next_day().expect("date");
                }
                for outside in [first.previous_day(), last.next_day()].into_iter().flatten() {
                    if let Ok(d) = cal.day(outside) {
                        assert!(
                            !matches!(d.kind, DayKind::Holiday(h) if h.name.hans == *name),
                            "{at}: {outside} is still {name}"
                        );
                    }
                }
            }
            ["makeups", year, days @ ..] => {
                let year: i32 = year.parse().expect("year");
                let listed: Vec<Date> =
                    cal.notice_file(year).expect("loaded").makeups.iter().map(|m| m.date).collect();
                let expected: Vec<Date> = days.iter().map(|d| date(d)).collect();
                assert_eq!(listed, expected, "{at}: the make-up days of {year}");
                for day in expected {
                    assert!(matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday), "{at}: {day}");
                    assert!(matches!(cal.day(day).expect("covered").kind, DayKind::Makeup(_)), "{at}: {day}");
                    assert_eq!(cal.is_working_day(day), Ok(true), "{at}: {day}");
                }
            }
            ["working", days @ ..] => {
                for d in days {
                    assert_eq!(cal.is_working_day(date(d)), Ok(true), "{at}: {d}");
                }
            }
            ["off", days @ ..] => {
                for d in days {
                    assert_eq!(cal.is_working_day(date(d)), Ok(false), "{at}: {d}");
                }
            }
            ["due", from, n, due] => {
                assert_eq!(cal.due(date(from), n.parse().expect("n")), Ok(date(due)), "{at}");
            }
            ["between", from, to, n] => {
                assert_eq!(cal.working_days_between(date(from), date(to)), Ok(n.parse().expect("n")), "{at}");
            }
            _ => panic!("{at}: cannot read {line:?}"),
        }
        checked += 1;
    }
    assert!(checked > 100, "only {checked} facts checked");
}

#[test]
fn every_year_has_its_statutory_days_off_on_weekdays_net_of_make_up_days() {
    // Weekdays off minus make-up days is the number of statutory holiday days a notice moves
    // onto weekdays: 10 before 2008, 11 from 2008, 13 from 2025 — plus 2015's anniversary day
    // and the two days of 2020's extension. A day dropped or added anywhere breaks the sum.
    let cal = official();
    for year in 2004..=2026 {
        let file = cal.notice_file(year).expect("loaded");
        let weekday_off: usize = file
            .holidays
            .iter()
            .map(|h| {
                let mut n = 0;
                let mut d = h.first;
                while d <= h.last {
                    n += usize::from(!matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday));
                    d = d.next_day().expect("date");
                }
                n
            })
            .sum();
        let expected = match year {
            ..=2007 => 10,
            2015 => 12,
            2020 => 13,
            2008..=2024 => 11,
            _ => 13,
        };
        assert_eq!(weekday_off - file.makeups.len(), expected, "{year}");
    }
}

#[test]
fn a_day_outside_the_loaded_years_is_not_covered_never_guessed() {
    let cal = official();
    assert_eq!(cal.is_working_day(date("2003-12-31")), Err(CalendarError::NotCovered { year: 2003 }));
    assert_eq!(cal.is_working_day(date("2027-01-04")), Err(CalendarError::NotCovered { year: 2027 }));
    assert_eq!(cal.due(date("2026-12-25"), 10), Err(CalendarError::NotCovered { year: 2027 }));
    assert_eq!(cal.day(date("2027-01-01")).map(|d| d.date), Err(CalendarError::NotCovered { year: 2027 }));
    assert_eq!(
        Calendar::empty().is_working_day(date("2026-03-02")),
        Err(CalendarError::NotCovered { year: 2026 })
    );
}

#[test]
fn a_thousand_working_days_are_counted_from_the_calendar_parsed_once() {
    let cal = official();
    for _ in 0..100 {
        assert!(cal.due(date("2005-01-04"), 1000).is_ok());
    }
    assert!(std::ptr::eq(official(), Calendar::official().expect("loads")), "parsed once");
}

/// A file for 2027 as a new notice would be written (a test file, not the real notice): loaded
/// at run time, it answers. The backend's directory test loads the same file.
const NOTICE_2027: &str = include_str!("vectors/calendar/test-notice-2027.toml");

#[test]
fn a_new_years_notice_is_loaded_at_run_time_and_may_reach_back_into_december() {
    let before = official();
    let cal = before.with_file(NOTICE_2027).expect("loads");
    assert_eq!(cal.is_working_day(date("2027-01-01")), Ok(false));
    assert_eq!(cal.is_working_day(date("2027-01-04")), Ok(true));
    // Saturday 26 December 2026 becomes a working day once the 2027 notice is loaded.
    assert_eq!(before.is_working_day(date("2026-12-26")), Ok(false));
    assert_eq!(cal.is_working_day(date("2026-12-26")), Ok(true));
    assert_eq!(cal.due(date("2026-12-31"), 1), Ok(date("2027-01-04")));
    // The official calendar itself is unchanged.
    assert_eq!(before.is_working_day(date("2027-01-04")), Err(CalendarError::NotCovered { year: 2027 }));
}

#[test]
fn a_loaded_year_is_replaced_only_by_a_file_that_says_it_supersedes() {
    let cal = official();
    let again = include_str!("../data/calendar/2026.toml");
    assert_eq!(cal.with_file(again).map(|_| ()), Err(CalendarFileError::DuplicateYear { year: 2026 }));
    // A corrected 2026 that drops the make-up Saturday of 14 February.
    let corrected = again.replacen("format = 1", "format = 1\nsupersedes = true", 1).replacen(
        "[[makeup]]\ndate = 2026-02-14  # 星期六\nholiday = \"春节\"\n",
        "",
        1,
    );
    assert_ne!(corrected, again);
    let replaced = cal.with_file(&corrected).expect("supersedes");
    assert_eq!(cal.is_working_day(date("2026-02-14")), Ok(true));
    assert_eq!(replaced.is_working_day(date("2026-02-14")), Ok(false));
    assert_eq!(replaced.years().count(), 23);
}

#[test]
fn two_files_disagreeing_about_a_day_are_refused() {
    // With a 2027 notice that makes Sunday 27 December 2026 a make-up working day, a new 2026
    // file calling that day a holiday contradicts it: refused, naming both years.
    let with_2027 = official().with_file(&NOTICE_2027.replace("2026-12-26", "2026-12-27")).expect("loads");
    let clash = include_str!("../data/calendar/2026.toml").replacen(
        "format = 1",
        "format = 1\nsupersedes = true",
        1,
    ) + "\n[[holiday]]\nname = \"测试\"\nname_hant = \"測試\"\nname_en = \"Test\"\nfirst = 2026-12-27\nlast = 2026-12-27\n";
    assert_eq!(
        with_2027.with_file(&clash).map(|_| ()),
        Err(CalendarFileError::Conflict { date: date("2026-12-27"), year: 2027, other_year: 2026 })
    );
}

/// The error's variant name and the numbers it carries, as the vectors' `# expect:` line says.
fn describe(e: &CalendarFileError) -> String {
    match e {
        CalendarFileError::Syntax { line, .. } => format!("Syntax {line}"),
        CalendarFileError::UnsupportedFormat { line, .. } => format!("UnsupportedFormat {line}"),
        CalendarFileError::BadYear { line, .. } => format!("BadYear {line}"),
        CalendarFileError::NoNotice => "NoNotice".into(),
        CalendarFileError::NotADate { line, field } => format!("NotADate {line} {field}"),
        CalendarFileError::DateOutsideYear { line, field, .. } => format!("DateOutsideYear {line} {field}"),
        CalendarFileError::EmptyRange { line } => format!("EmptyRange {line}"),
        CalendarFileError::Overlap { line, other_line } => format!("Overlap {line} {other_line}"),
        CalendarFileError::MakeupNotWeekend { line } => format!("MakeupNotWeekend {line}"),
        CalendarFileError::HolidayOnMakeup { line, holiday_line } => {
            format!("HolidayOnMakeup {line} {holiday_line}")
        }
        CalendarFileError::DuplicateMakeup { line, other_line } => {
            format!("DuplicateMakeup {line} {other_line}")
        }
        CalendarFileError::UnknownHoliday { line } => format!("UnknownHoliday {line}"),
        CalendarFileError::UnknownNotice { line } => format!("UnknownNotice {line}"),
        CalendarFileError::EmptyText { line, field } => format!("EmptyText {line} {field}"),
        other => format!("{other:?}"),
    }
}

#[test]
fn each_refused_file_is_refused_with_the_error_and_line_it_names() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/calendar/refused");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).expect("dir") {
        let path = entry.expect("entry").path();
        let text = std::fs::read_to_string(&path).expect("file");
        let expected =
            text.lines().next().and_then(|l| l.strip_prefix("# expect: ")).expect("an # expect: line");
        let error = Calendar::empty().with_file(&text).map(|_| ()).expect_err("refused");
        assert_eq!(describe(&error), expected.trim(), "{}: {error}", path.display());
        // The message names the line (or says what is missing) and quotes no file content.
        let message = error.to_string();
        assert!(message.contains("line") || message.contains("notice"), "{}: {message}", path.display());
        seen += 1;
    }
    assert!(seen >= 12, "{seen} refused files");
}

#[test]
fn a_make_up_day_names_the_holiday_it_makes_up_for() {
    let day =
        official().day(Date::from_calendar_date(2026, Month::February, 14).expect("date")).expect("covered");
    match day.kind {
        DayKind::Makeup(Some(h)) => {
            assert_eq!(
                (h.name.hans.as_str(), h.name.hant.as_str(), h.name.en.as_str()),
                ("春节", "春節", "Spring Festival")
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(day.is_working());
}

#[test]
fn past_due_agrees_with_the_due_date_wherever_both_answer() {
    let cal = official();
    let mut from = date("2025-01-02");
    let mut checked = 0u32;
    while from < date("2026-11-30") {
        for n in 0..=12 {
            let due = cal.due(from, n).expect("covered");
            for today in
                [due - time::Duration::DAY, due, due + time::Duration::DAY, due + time::Duration::days(9)]
            {
                assert_eq!(cal.is_past_due(from, n, today), Ok(today > due), "{from} + {n} on {today}");
                checked += 1;
            }
        }
        from += time::Duration::days(5);
    }
    assert!(checked > 5_000, "{checked}");
}

#[test]
fn a_due_date_in_a_year_not_loaded_is_not_past_while_today_is_covered() {
    let cal = official();
    assert_eq!(cal.due(date("2026-12-25"), 10), Err(CalendarError::NotCovered { year: 2027 }));
    // Counted from the days before today alone: not past, not an error.
    assert_eq!(cal.is_past_due(date("2026-12-25"), 10, date("2026-12-31")), Ok(false));
    // Once today itself lies in the year without a notice, the answer is the error again.
    assert_eq!(
        cal.is_past_due(date("2026-12-25"), 10, date("2027-01-12")),
        Err(CalendarError::NotCovered { year: 2027 })
    );
    // With the year loaded, the same question is answered by the count.
    let loaded = cal.with_file(NOTICE_2027).expect("loads");
    let due = loaded.due(date("2026-12-25"), 10).expect("covered now");
    assert_eq!(loaded.is_past_due(date("2026-12-25"), 10, due + time::Duration::DAY), Ok(true));
}
