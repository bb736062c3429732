//! Online applications (办件, issue 17), with no I/O.
//!
//! The citizen's side and the automatic checks:
//! - [`crate::catalogue::form`] (part of the guide, so it lives with it): a service's application
//!   form, parsed whole, and the answers checked all at once;
//! - [`material`]: for each material of the guide, the sources the citizen can give it from — a
//!   wallet certificate, an item of the material library (材料库) by its reuse class, an upload
//!   (sniffed and size-checked) — ranked best first, each with the reason it is or is not usable;
//! - [`submission`]: what the device sends, the binding of a wallet presentation to the
//!   department and the application, and the automatic pre-review (预审) that gives findings;
//! - [`rating`]: 好差评, once per application, and the rectification (整改) a bad rating opens.
//!
//! The department's side: [`workflow`], the approval workflow and its deadlines in working days;
//! [`case_qr`], the signed case QR (办件二维码); [`result`], the signed result document. The
//! backend stores the state and the events; the app and the desk show them.
//! `docs/plans/issue-17.md` names the pieces.

pub mod material;
pub mod rating;
pub mod submission;
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
