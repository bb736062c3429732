//! Online applications (办件, issue 17), with no I/O: the approval workflow and its deadlines in
//! working days, the signed case QR (办件二维码) and the signed result document. The backend
//! stores the state and the events; the app and the desk show them.

pub mod workflow;

pub mod case_qr;
mod envelope;
pub mod result;

pub use envelope::{CLOCK_TOLERANCE_SECS, CodeError, MAX_INFLATED};

/// What kind of signed code a scanned text is, by its prefix: the scanner's first question, so a
/// case QR never reaches the presentation verifier or the other way round.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeKind {
    /// `SM1:`, a presentation (`crate::verifier`).
    Presentation,
    /// `SMC1:`, a case QR ([`case_qr::CaseQr::verify`]).
    CaseQr,
    /// `SMR1:`, a result document ([`result::ResultDocument::verify`]).
    ResultDocument,
}

/// The kind of a scanned code; `None` for a text of no format of ours.
pub fn kind_of(text: &str) -> Option<CodeKind> {
    let text = text.trim_start();
    if text.starts_with(crate::present::PRESENTATION_PREFIX) {
        Some(CodeKind::Presentation)
    } else if text.starts_with(case_qr::CASE_QR_PREFIX) {
        Some(CodeKind::CaseQr)
    } else if text.starts_with(result::RESULT_PREFIX) {
        Some(CodeKind::ResultDocument)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_code_is_known_by_its_prefix_and_no_prefix_starts_another() {
        assert_eq!(kind_of("SM1:6BF"), Some(CodeKind::Presentation));
        assert_eq!(kind_of("SMC1:6BF"), Some(CodeKind::CaseQr));
        assert_eq!(kind_of(" SMR1:6BF"), Some(CodeKind::ResultDocument));
        assert_eq!(kind_of("HC1:6BF"), None);
        let prefixes = [crate::present::PRESENTATION_PREFIX, case_qr::CASE_QR_PREFIX, result::RESULT_PREFIX];
        for a in prefixes {
            for b in prefixes {
                assert!(a == b || !b.starts_with(a), "{a} starts {b}");
            }
        }
    }
}
