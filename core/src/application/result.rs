//! The signed result document, for results that are not certificates: a decision (准予 / 不予
//! 行政许可决定书, 不予受理通知书) or a registration record. A certificate result goes through the
//! existing issuance instead. The document's text travels beside its signed code (printed as a
//! QR on the paper, or sent with the text to the app); the code binds the text by its SHA-256, so
//! a verifier holding both knows the text is the department's, offline, against the trust list.
//!
//! ```text
//! SMR1:<Base45(zlib(COSE_Sign1))>
//! ```
//!
//! The envelope is the case QR's (`super::case_qr`): tagged COSE_Sign1, ES256, the issuer key's
//! id in the protected header, signed by the issuing unit's key, but with the label
//! `shimin/v1/result-document` ([`SigningPurpose::ResultDocument`]) as `external_aad`. The payload
//! is a CBOR map with integer keys, unknown keys refused:
//!
//! | key | field | CBOR value |
//! |---|---|---|
//! | 1 | format version | uint: `1` |
//! | 2 | case number | tstr |
//! | 3 | service code | tstr: a service of the issuing unit |
//! | 4 | decision | uint: `1` granted (准予), `2` refused (不予许可), `3` not accepted (不予受理) |
//! | 5 | decision date | tstr: `YYYY-MM-DD`, China Standard Time |
//! | 6 | issuing unit | tstr: its credit code, the one the trust list gives the signing key |
//! | 7 | document digest | bstr 32: SHA-256 of the document's text, UTF-8, exactly as issued |
//! | 8 | issued at | int: Unix seconds; inside the key's signing window |
//! | 9 | title | tstr: the document's title (不予行政许可决定书 …), 1 to 100 characters |
//!
//! `docs/formats/result-document.md` describes it for other implementations; golden vectors are
//! in `core/tests/golden/result-document/`.

use ciborium::value::Value;
use time::Date;

use super::envelope::{self, CodeError, int};
use super::workflow::{CaseNo, format_iso_date, parse_iso_date};
use crate::catalogue::code::ServiceCode;
use crate::cert::credit_code::CreditCode;
use crate::clock::UnixSeconds;
use crate::crypto::{SigningKey, SigningPurpose, sha256};
use crate::trust::VerifiedTrustList;

/// The text every result document's code starts with.
pub const RESULT_PREFIX: &str = "SMR1:";
/// The version of the payload this code writes and reads.
pub const RESULT_FORMAT_VERSION: u64 = 1;
/// The longest title, in characters.
const MAX_TITLE: usize = 100;

/// What was decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// 准予: granted, registered, done.
    Granted,
    /// 不予许可: refused after approval.
    Refused,
    /// 不予受理: not accepted at pre-review.
    NotAccepted,
}

impl Decision {
    fn code(self) -> u64 {
        match self {
            Decision::Granted => 1,
            Decision::Refused => 2,
            Decision::NotAccepted => 3,
        }
    }

    fn from_code(code: i64) -> Option<Self> {
        match code {
            1 => Some(Decision::Granted),
            2 => Some(Decision::Refused),
            3 => Some(Decision::NotAccepted),
            _ => None,
        }
    }
}

/// A result document's signed facts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResultDocument {
    /// The application's case number.
    pub case_no: CaseNo,
    /// The service.
    pub service: ServiceCode,
    /// The decision.
    pub decision: Decision,
    /// The day of the decision.
    pub date: Date,
    /// The issuing unit.
    pub unit: CreditCode,
    /// SHA-256 of the document's text.
    pub digest: [u8; 32],
    /// When it was signed.
    pub issued_at: UnixSeconds,
    /// The document's title.
    pub title: String,
}

impl ResultDocument {
    /// The facts of a document whose text is `text`.
    pub fn digest_of(text: &str) -> [u8; 32] {
        sha256(text.as_bytes())
    }

    /// The CBOR payload.
    pub fn to_cbor_value(&self) -> Value {
        Value::Map(vec![
            (int(1), Value::Integer(RESULT_FORMAT_VERSION.into())),
            (int(2), Value::Text(self.case_no.to_string())),
            (int(3), Value::Text(self.service.to_string())),
            (int(4), Value::Integer(self.decision.code().into())),
            (int(5), Value::Text(format_iso_date(self.date))),
            (int(6), Value::Text(self.unit.to_string())),
            (int(7), Value::Bytes(self.digest.to_vec())),
            (int(8), int(self.issued_at)),
            (int(9), Value::Text(self.title.clone())),
        ])
    }

    /// Signs the document's facts with the unit's issuer key, giving the code's text.
    ///
    /// # Errors
    /// [`CodeError::Sign`], or [`CodeError::Payload`] for a title out of bounds.
    pub fn sign(&self, key_id: &[u8], key: &SigningKey) -> Result<String, CodeError> {
        title(&self.title)?;
        envelope::seal(RESULT_PREFIX, SigningPurpose::ResultDocument, &self.to_cbor_value(), key_id, key)
    }

    /// Reads and verifies a result document's code against the trust list at `now`; with the
    /// document's `text`, also that it is the text signed.
    ///
    /// # Errors
    /// [`CodeError`] saying why it is refused; [`CodeError::DigestMismatch`] for another text.
    pub fn verify(
        code: &str,
        text: Option<&str>,
        trust: &VerifiedTrustList,
        now: UnixSeconds,
    ) -> Result<Self, CodeError> {
        let mut opened = envelope::open(code.trim(), RESULT_PREFIX, SigningPurpose::ResultDocument, trust)?;
        opened.version(RESULT_FORMAT_VERSION)?;
        let case_no = CaseNo::parse(&opened.text(2, "the case number")?)
            .map_err(|_| CodeError::Payload("the case number"))?;
        let service = ServiceCode::parse(&opened.text(3, "the service code")?)
            .map_err(|_| CodeError::Payload("the service code"))?;
        let decision =
            Decision::from_code(opened.int(4, "the decision")?).ok_or(CodeError::Payload("the decision"))?;
        let date = parse_iso_date(&opened.text(5, "the date")?).ok_or(CodeError::Payload("the date"))?;
        let unit =
            CreditCode::parse(&opened.text(6, "the unit")?).map_err(|_| CodeError::Payload("the unit"))?;
        let digest: [u8; 32] = match opened.take(7) {
            Some(Value::Bytes(b)) => b.try_into().map_err(|_| CodeError::Payload("the digest"))?,
            _ => return Err(CodeError::Payload("the digest")),
        };
        let issued_at = opened.int(8, "the time")?;
        let title_text = opened.text(9, "the title")?;
        title(&title_text)?;
        opened.finish()?;
        opened.check_signer(unit.as_str(), issued_at, now)?;
        if service.organ() != &unit {
            return Err(CodeError::WrongService);
        }
        if let Some(text) = text
            && Self::digest_of(text) != digest
        {
            return Err(CodeError::DigestMismatch);
        }
        Ok(Self { case_no, service, decision, date, unit, digest, issued_at, title: title_text })
    }
}

fn title(text: &str) -> Result<(), CodeError> {
    let n = text.chars().count();
    if text.trim().is_empty() || n > MAX_TITLE { Err(CodeError::Payload("the title")) } else { Ok(()) }
}

#[cfg(test)]
#[allow(clippy::expect_used)]
mod tests {
    use super::*;
    use crate::application::case_qr::tests::{KID, NOW, POLICE, keys};

    const TEXT: &str =
        "北京市公安局朝阳分局\n不予行政许可决定书\n……经审查，申请不符合法定条件，决定不予许可。";

    fn document() -> ResultDocument {
        ResultDocument {
            case_no: CaseNo::parse("110105-20260302-000042").expect("a case number"),
            service: ServiceCode::parse("0100461000-110105-111101050000000017-05").expect("a code"),
            decision: Decision::Refused,
            date: Date::from_calendar_date(2026, time::Month::May, 28).expect("a date"),
            unit: CreditCode::parse(POLICE).expect("a code"),
            digest: ResultDocument::digest_of(TEXT),
            issued_at: NOW - 60,
            title: "不予行政许可决定书".into(),
        }
    }

    #[test]
    fn a_result_document_round_trips_and_binds_its_text() {
        let k = keys();
        let code = document().sign(KID, &k.police).expect("signed");
        assert!(code.starts_with("SMR1:"));
        assert_eq!(ResultDocument::verify(&code, Some(TEXT), &k.trust, NOW), Ok(document()));
        assert_eq!(ResultDocument::verify(&code, None, &k.trust, NOW), Ok(document()));
        let altered = TEXT.replace("不予许可", "准予许可");
        assert_eq!(
            ResultDocument::verify(&code, Some(&altered), &k.trust, NOW),
            Err(CodeError::DigestMismatch)
        );
    }

    #[test]
    fn a_result_document_is_not_a_case_qr_and_the_other_way_round() {
        let k = keys();
        let code = document().sign(KID, &k.police).expect("signed");
        let as_case_qr = code.replacen("SMR1:", "SMC1:", 1);
        assert_eq!(
            crate::application::case_qr::CaseQr::verify(&as_case_qr, &k.trust, NOW),
            Err(CodeError::BadSignature)
        );
        let qr = crate::application::case_qr::tests::qr().sign(KID, &k.police).expect("signed");
        assert_eq!(
            ResultDocument::verify(&qr.replacen("SMC1:", "SMR1:", 1), None, &k.trust, NOW),
            Err(CodeError::BadSignature)
        );
        assert_eq!(ResultDocument::verify(&qr, None, &k.trust, NOW), Err(CodeError::BadPrefix));
    }

    #[test]
    fn another_units_key_and_a_bad_title_are_refused() {
        let k = keys();
        let code = document().sign(b"bj-health-2026", &k.health).expect("signed");
        assert_eq!(ResultDocument::verify(&code, None, &k.trust, NOW), Err(CodeError::WrongDepartment));
        let long = ResultDocument { title: "书".repeat(101), ..document() };
        assert_eq!(long.sign(KID, &k.police), Err(CodeError::Payload("the title")));
    }
}
