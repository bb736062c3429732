//! The presentation log: what the holder showed and to whom, newest first on screen under a
//! heading per day (今天, 昨天, a date), and its export.
//!
//! On screen, the same shown again to the same within [`COLLAPSE_WITHIN_SECONDS`] (a code shown
//! twice at one counter) is one line with a count, not a row per showing.
//!
//! The export is JSON Lines (one JSON object per line, UTF-8, `\n`-terminated), oldest first,
//! with the names of the disclosed attributes and never their values:
//!
//! ```text
//! {"presented_at":1717200000,"presented_at_utc":"2024-06-01T00:00:00Z","certificate_id":"1.2.156.3005.2.…","preset":"identity","disclosed":["name","id_number_masked","photo"],"recipient":{"kind":"scanned"}}
//! ```

use std::io::Write;

use shimin_wire::wallet::HistoryDayView;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::error::WalletError;
use super::store::WalletStore;
use crate::records::{PresentationRecord, Recipient};
use crate::views;

/// Showings of the same to the same this close together are one line of the history.
pub const COLLAPSE_WITHIN_SECONDS: i64 = 600;

/// One line of the export.
#[derive(serde::Serialize)]
struct ExportLine<'a> {
    presented_at: i64,
    presented_at_utc: String,
    certificate_id: String,
    preset: &'a str,
    disclosed: &'a [String],
    recipient: &'a Recipient,
}

/// The log by day (China Standard Time), newest first, said relative to `now`.
///
/// # Errors
/// [`WalletError::Store`] for a damaged log.
pub fn entries<S: WalletStore + ?Sized>(store: &S, now: i64) -> Result<Vec<HistoryDayView>, WalletError> {
    Ok(days(&store.presentation_log()?, now))
}

/// `log` (oldest first, as the store gives it) by day, newest first; in a day, a showing of
/// the same certificate, preset and fields to the same recipient within
/// [`COLLAPSE_WITHIN_SECONDS`] of the one after it counts into that one's line.
pub fn days(log: &[PresentationRecord], now: i64) -> Vec<HistoryDayView> {
    let mut days: Vec<HistoryDayView> = Vec::new();
    // The oldest showing counted into the last line so far.
    let mut last: Option<&PresentationRecord> = None;
    for record in log.iter().rev() {
        let (date, day) = views::history_day(record.presented_at, now);
        if days.last().is_none_or(|d| d.date != date) {
            days.push(HistoryDayView { date, day, entries: Vec::new() });
            last = None;
        }
        let Some(today) = days.last_mut() else { continue };
        let same = last.is_some_and(|l| {
            l.certificate_id == record.certificate_id
                && l.preset == record.preset
                && l.disclosed == record.disclosed
                && l.recipient == record.recipient
                && l.presented_at.saturating_sub(record.presented_at) <= COLLAPSE_WITHIN_SECONDS
        });
        match today.entries.last_mut() {
            Some(line) if same => line.times = line.times.saturating_add(1),
            _ => today.entries.push(views::history_entry_view(record)),
        }
        last = Some(record);
    }
    days
}

/// The name of the export file written at `now`: `市民通出示记录-2024-06-01.jsonl`, the day in
/// China Standard Time (a second export on a day gets its number from the save dialog).
pub fn export_file_name(now: i64) -> String {
    format!("市民通出示记录-{}.jsonl", views::day_text(now))
}

/// Writes the log to `out` as JSON Lines (see the module documentation) and returns the number
/// of lines.
///
/// # Errors
/// [`WalletError::Io`] when writing fails; [`WalletError::Store`] for a damaged log.
pub fn export<S: WalletStore + ?Sized>(store: &S, out: &mut dyn Write) -> Result<usize, WalletError> {
    let log = store.presentation_log()?;
    for record in &log {
        let utc = OffsetDateTime::from_unix_timestamp(record.presented_at)
            .ok()
            .and_then(|t| t.format(&Rfc3339).ok())
            .ok_or(WalletError::Internal("a logged time is out of range"))?;
        let line = ExportLine {
            presented_at: record.presented_at,
            presented_at_utc: utc,
            certificate_id: record.certificate_id.to_string(),
            preset: &record.preset,
            disclosed: &record.disclosed,
            recipient: &record.recipient,
        };
        serde_json::to_writer(&mut *out, &line).map_err(|_| WalletError::Internal("export line"))?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(log.len())
}

#[cfg(test)]
mod tests {
    use shimin_wire::wallet::{DayView, RecipientView};

    use super::*;
    use crate::cert::CertificateId;

    const ID_CARD: &str = "1.2.156.3005.2.11100000000000001M001.111101050000000017.20240601001.000.O";
    /// 2024-06-01 14:00 in China.
    const NOW: i64 = 1_717_221_600;

    fn shown(at: i64, preset: &str, recipient: Recipient) -> PresentationRecord {
        PresentationRecord {
            presented_at: at,
            certificate_id: CertificateId::parse(ID_CARD).expect("id"),
            preset: preset.into(),
            disclosed: vec!["name".into(), "photo".into()],
            recipient,
        }
    }

    #[test]
    fn days_are_headed_today_yesterday_or_by_date_newest_first() {
        let log = [
            shown(NOW - 3 * 86_400, "full", Recipient::Scanned),
            shown(NOW - 86_400, "identity", Recipient::Scanned),
            shown(NOW - 3_600, "identity", Recipient::Request { code: "3F9A-21C0".into() }),
        ];
        let days = days(&log, NOW);
        let heads: Vec<(&str, DayView)> = days.iter().map(|d| (d.date.as_str(), d.day)).collect();
        assert_eq!(
            heads,
            [
                ("2024-06-01", DayView::Today),
                ("2024-05-31", DayView::Yesterday),
                ("2024-05-29", DayView::Earlier)
            ]
        );
        let today = &days[0].entries[0];
        assert_eq!(today.time, "13:00");
        assert_eq!(today.recipient, RecipientView::Request { code: "3F9A-21C0".into() });
        assert_eq!(days[1].entries[0].recipient, RecipientView::Scanned);
        assert_eq!(today.type_slug.as_deref(), Some("resident-id-card"));
    }

    #[test]
    fn the_same_shown_again_within_minutes_is_one_line_with_a_count() {
        let log = [
            shown(NOW - 1_500, "identity", Recipient::Scanned),
            // 15 minutes later: a line of its own.
            shown(NOW - 600, "identity", Recipient::Scanned),
            shown(NOW - 300, "identity", Recipient::Scanned),
            shown(NOW - 60, "identity", Recipient::Scanned),
            // Another preset, then another recipient: lines of their own.
            shown(NOW - 50, "full", Recipient::Scanned),
            shown(NOW - 40, "full", Recipient::Request { code: "3F9A-21C0".into() }),
        ];
        let days = days(&log, NOW);
        assert_eq!(days.len(), 1);
        let lines: Vec<(&str, u32)> = days[0].entries.iter().map(|e| (e.preset.as_str(), e.times)).collect();
        assert_eq!(lines, [("full", 1), ("full", 1), ("identity", 3), ("identity", 1)]);
        assert_eq!(days[0].entries[2].time, "13:59", "the line shows the newest showing");
    }

    #[test]
    fn a_collapse_never_crosses_midnight() {
        // 23:58 and 00:01 in China: the same showing, two days.
        let midnight = NOW - 14 * 3_600;
        let log = [
            shown(midnight - 120, "identity", Recipient::Scanned),
            shown(midnight + 60, "identity", Recipient::Scanned),
        ];
        let days = days(&log, NOW);
        assert_eq!(days.len(), 2);
        assert!(days.iter().all(|d| d.entries.len() == 1 && d.entries[0].times == 1));
    }

    #[test]
    fn the_export_file_is_named_by_the_day() {
        assert_eq!(export_file_name(NOW), "市民通出示记录-2024-06-01.jsonl");
    }
}
