//! Times as China shows them (China Standard Time, UTC+8, no daylight saving): the live clock
//! of 亮证 from the webview's `Date.now()`, and the dates of identity requests. The one place the
//! UI turns an instant into a Chinese date. Host-testable: no browser types.

/// Seconds in a day.
const DAY: i64 = 86_400;
/// China Standard Time, ahead of UTC.
const CST_OFFSET: i64 = 8 * 3_600;

/// The date `YYYY-MM-DD` and time `HH:MM:SS` in China at `unix_ms` milliseconds since the epoch.
pub fn china_clock(unix_ms: f64) -> (String, String) {
    // Whole seconds; `as` saturates, and a clock outside i64 is not a clock.
    let seconds = (unix_ms / 1_000.0).floor() as i64 + CST_OFFSET;
    let (days, of_day) = (seconds.div_euclid(DAY), seconds.rem_euclid(DAY));
    let (y, m, d) = civil_from_days(days);
    (
        format!("{y:04}-{m:02}-{d:02}"),
        format!("{:02}:{:02}:{:02}", of_day / 3_600, of_day % 3_600 / 60, of_day % 60),
    )
}

/// `secs` since the epoch as a date in China: "2024-06-30".
pub fn china_date(secs: i64) -> String {
    let (y, m, d) = civil_from_days((secs + CST_OFFSET).div_euclid(DAY));
    format!("{y:04}-{m:02}-{d:02}")
}

/// `secs` since the epoch as a date and time in China, to the minute: "2024-06-30 12:00".
pub fn china_date_time(secs: i64) -> String {
    let minutes = (secs + CST_OFFSET).rem_euclid(DAY) / 60;
    format!("{} {:02}:{:02}", china_date(secs), minutes / 60, minutes % 60)
}

/// The proleptic Gregorian date of `days` since 1970-01-01 (Howard Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn clock(ms: f64) -> (String, String) {
        china_clock(ms)
    }

    #[test]
    fn the_clock_is_china_standard_time() {
        // 2024-07-01 04:00:00 UTC is noon in Beijing.
        assert_eq!(clock(1_719_806_400_000.0), ("2024-07-01".into(), "12:00:00".into()));
        // Milliseconds do not round up: the second shown is the one that has begun.
        assert_eq!(clock(1_719_806_400_999.0).1, "12:00:00");
        assert_eq!(clock(1_719_806_401_000.0).1, "12:00:01");
    }

    #[test]
    fn the_date_turns_at_midnight_in_china_not_in_greenwich() {
        // 2024-02-28 16:00:00 UTC = 2024-02-29 00:00:00 in China (a leap day).
        assert_eq!(clock(1_709_136_000_000.0), ("2024-02-29".into(), "00:00:00".into()));
        assert_eq!(clock(1_709_135_999_000.0), ("2024-02-28".into(), "23:59:59".into()));
        // The epoch, and the last second of a year.
        assert_eq!(clock(0.0), ("1970-01-01".into(), "08:00:00".into()));
        assert_eq!(clock(1_767_196_799_000.0), ("2025-12-31".into(), "23:59:59".into()));
    }
}
