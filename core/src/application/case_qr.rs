//! The case QR (办件二维码): printed on the receipt of an accepted application and shown in the
//! app, scanned in the app or at a hall window to open the application's progress. It names the
//! application, not the citizen: no personal data is in it, so anyone who sees it learns only a
//! case number. Signed by the accepting department's issuer key, it is checked offline against
//! the trust list, so a forged or altered code is refused before anything is looked up.
//!
//! ```text
//! SMC1:<Base45(zlib(COSE_Sign1))>
//! ```
//!
//! The COSE_Sign1 is tagged (18), ES256, with the algorithm and the issuer key's id in the
//! protected header and the label `shimin/v1/case-qr` as `external_aad`
//! ([`SigningPurpose::CaseQr`]), so neither a certificate, a presentation nor a result document
//! signed by the same key can pass for one. Its payload is a CBOR map with integer keys; an
//! unknown key is refused (the format carries a version instead):
//!
//! | key | field | CBOR value |
//! |---|---|---|
//! | 1 | format version | uint: `1` |
//! | 2 | case number | tstr: `A-Z`, `0-9`, `-`, 1 to 64 characters |
//! | 3 | department | tstr: the accepting department's credit code (18 characters), the one the trust list gives the signing key |
//! | 4 | service code | tstr: the service's code, whose organ is that department |
//! | 5 | issued at | int: Unix seconds; inside the key's signing window |
//!
//! `docs/formats/case-qr.md` describes the format for other implementations; golden vectors are
//! in `core/tests/golden/case-qr/`.

use ciborium::value::Value;

use super::envelope::{self, CodeError, int};
use super::workflow::CaseNo;
use crate::catalogue::code::ServiceCode;
use crate::cert::credit_code::CreditCode;
use crate::clock::UnixSeconds;
use crate::crypto::{SigningKey, SigningPurpose};
use crate::trust::VerifiedTrustList;

/// The text every case QR starts with (not `SM1:`, a presentation's).
pub const CASE_QR_PREFIX: &str = "SMC1:";
/// The version of the payload this code writes and reads.
pub const CASE_QR_FORMAT_VERSION: u64 = 1;

/// What a case QR says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseQr {
    /// The case number.
    pub case_no: CaseNo,
    /// The accepting department.
    pub department: CreditCode,
    /// The service.
    pub service: ServiceCode,
    /// When it was signed.
    pub issued_at: UnixSeconds,
}

impl CaseQr {
    /// The CBOR payload.
    pub fn to_cbor_value(&self) -> Value {
        Value::Map(vec![
            (int(1), Value::Integer(CASE_QR_FORMAT_VERSION.into())),
            (int(2), Value::Text(self.case_no.to_string())),
            (int(3), Value::Text(self.department.to_string())),
            (int(4), Value::Text(self.service.to_string())),
            (int(5), int(self.issued_at)),
        ])
    }

    /// Signs the code with the department's issuer key, giving the QR text.
    ///
    /// # Errors
    /// [`CodeError::Sign`].
    pub fn sign(&self, key_id: &[u8], key: &SigningKey) -> Result<String, CodeError> {
        envelope::seal(CASE_QR_PREFIX, SigningPurpose::CaseQr, &self.to_cbor_value(), key_id, key)
    }

    /// Reads and verifies a scanned case QR against the trust list, at `now`.
    ///
    /// # Errors
    /// [`CodeError`] saying why the code is refused.
    pub fn verify(text: &str, trust: &VerifiedTrustList, now: UnixSeconds) -> Result<Self, CodeError> {
        let mut opened = envelope::open(text.trim(), CASE_QR_PREFIX, SigningPurpose::CaseQr, trust)?;
        opened.version(CASE_QR_FORMAT_VERSION)?;
        let case_no = CaseNo::parse(&opened.text(2, "the case number")?)
            .map_err(|_| CodeError::Payload("the case number"))?;
        let department = CreditCode::parse(&opened.text(3, "the department")?)
            .map_err(|_| CodeError::Payload("the department"))?;
        let service = ServiceCode::parse(&opened.text(4, "the service code")?)
            .map_err(|_| CodeError::Payload("the service code"))?;
        let issued_at = opened.int(5, "the time")?;
        opened.finish()?;
        opened.check_signer(department.as_str(), issued_at, now)?;
        if service.organ() != &department {
            return Err(CodeError::WrongService);
        }
        Ok(Self { case_no, department, service, issued_at })
    }
}

#[cfg(test)]
#[allow(clippy::expect_used)]
pub(super) mod tests {
    use super::*;
    use crate::trust::{Department, IssuerEntry, KeyValidity, TrustList, TrustListInfo};

    pub(crate) const POLICE: &str = "111101050000000017";
    pub(crate) const HEALTH: &str = "11110105MB0000010A";
    pub(crate) const KID: &[u8] = b"bj-psb-2026";
    pub(crate) const NOW: i64 = 1_780_000_000;

    pub(crate) struct Keys {
        pub police: SigningKey,
        pub health: SigningKey,
        pub trust: VerifiedTrustList,
    }

    /// A trust list with the police's key and the health commission's.
    pub(crate) fn keys() -> Keys {
        let root = SigningKey::generate_p256().expect("root");
        let police = SigningKey::generate_p256().expect("police");
        let health = SigningKey::generate_p256().expect("health");
        let validity = KeyValidity { from: NOW - 1_000_000, to: NOW + 1_000_000 };
        let entry = |kid: &[u8], key: &SigningKey, name: &str, code: &str| {
            IssuerEntry::new(
                kid.to_vec(),
                Department::new(name, code).expect("a department"),
                key.verifying_key(),
                validity,
                ["11100000000000001M001"],
            )
            .expect("an entry")
        };
        let entries = vec![
            entry(KID, &police, "北京市公安局朝阳分局", POLICE),
            entry(b"bj-health-2026", &health, "北京市朝阳区卫生健康委员会", HEALTH),
        ];
        let info = TrustListInfo {
            sequence: 1,
            issued_at: NOW - 10,
            next_update: NOW + 3_600,
            expires_at: NOW + 86_400,
        };
        let bytes = TrustList::sign(&entries, &root, info).expect("signed");
        let trust = TrustList::verify(&bytes, &root.verifying_key(), NOW).expect("verified");
        Keys { police, health, trust }
    }

    pub(crate) fn qr() -> CaseQr {
        CaseQr {
            case_no: CaseNo::parse("110105-20260302-000042").expect("a case number"),
            department: CreditCode::parse(POLICE).expect("a code"),
            service: ServiceCode::parse("0100461000-110105-111101050000000017-05").expect("a service code"),
            issued_at: NOW - 60,
        }
    }

    #[test]
    fn a_case_qr_round_trips_and_is_short_and_alphanumeric() {
        let k = keys();
        let text = qr().sign(KID, &k.police).expect("signed");
        assert!(text.starts_with("SMC1:"));
        assert!(text.len() < 400, "{} characters", text.len());
        assert!(
            text.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || " $%*+-./:".contains(c))
        );
        assert_eq!(CaseQr::verify(&text, &k.trust, NOW), Ok(qr()));
    }

    #[test]
    fn a_forged_or_altered_case_qr_is_refused() {
        let k = keys();
        let text = qr().sign(KID, &k.police).expect("signed");

        // One bit flipped inside the signed bytes.
        let body = crate::base45::decode(&text[5..]).expect("base45");
        let mut signed = crate::zlib::inflate(&body, 4096).expect("zlib");
        let at = signed.len() - 70;
        signed[at] ^= 0x01;
        let flipped = format!("SMC1:{}", crate::base45::encode(&crate::zlib::deflate(&signed)));
        assert!(matches!(
            CaseQr::verify(&flipped, &k.trust, NOW),
            Err(CodeError::BadSignature | CodeError::Envelope(_) | CodeError::Payload(_))
        ));
        let mut last = signed.clone();
        let end = last.len() - 1;
        last[end] ^= 0x80;
        let sig = format!("SMC1:{}", crate::base45::encode(&crate::zlib::deflate(&last)));
        assert_eq!(CaseQr::verify(&sig, &k.trust, NOW), Err(CodeError::BadSignature));

        // Signed by a key the list does not know, under the police's key id.
        let stranger = SigningKey::generate_p256().expect("a key");
        let other_key = qr().sign(KID, &stranger).expect("signed");
        assert_eq!(CaseQr::verify(&other_key, &k.trust, NOW), Err(CodeError::BadSignature));
        assert_eq!(
            CaseQr::verify(&qr().sign(b"nobody", &stranger).expect("s"), &k.trust, NOW),
            Err(CodeError::UnknownKey)
        );

        // The health commission's genuine key, claiming the police's case.
        let health = qr().sign(b"bj-health-2026", &k.health).expect("signed");
        assert_eq!(CaseQr::verify(&health, &k.trust, NOW), Err(CodeError::WrongDepartment));

        // The police's key signing the same payload for another purpose, re-prefixed.
        let mut payload = Vec::new();
        ciborium::ser::into_writer(&qr().to_cbor_value(), &mut payload).expect("cbor");
        for purpose in
            [SigningPurpose::Certificate, SigningPurpose::Presentation, SigningPurpose::ResultDocument]
        {
            let signed = crate::cose::sign(purpose, &payload, KID, &k.police).expect("signed");
            let text = format!("SMC1:{}", crate::base45::encode(&crate::zlib::deflate(&signed)));
            assert_eq!(CaseQr::verify(&text, &k.trust, NOW), Err(CodeError::BadSignature), "{purpose:?}");
        }

        // Another kind of code, or none.
        assert_eq!(
            CaseQr::verify(&text.replacen("SMC1:", "SM1:", 1), &k.trust, NOW),
            Err(CodeError::BadPrefix)
        );
        assert_eq!(CaseQr::verify("SMC1:!!", &k.trust, NOW), Err(CodeError::BadBase45));
        assert_eq!(CaseQr::verify("SMC1:", &k.trust, NOW), Err(CodeError::BadZlib));
    }

    #[test]
    fn a_case_qr_out_of_its_keys_window_from_the_future_or_for_another_organs_service_is_refused() {
        let k = keys();
        let late = CaseQr { issued_at: NOW + 2_000_000, ..qr() };
        assert_eq!(
            CaseQr::verify(&late.sign(KID, &k.police).expect("s"), &k.trust, NOW + 3_000),
            Err(CodeError::KeyNotValidThen)
        );
        let ahead = CaseQr { issued_at: NOW + 3_600, ..qr() };
        assert_eq!(
            CaseQr::verify(&ahead.sign(KID, &k.police).expect("s"), &k.trust, NOW),
            Err(CodeError::FromTheFuture)
        );
        let foreign = CaseQr {
            service: ServiceCode::parse("0100461000-110105-11110105MB0000010A-01").expect("a service code"),
            ..qr()
        };
        assert_eq!(
            CaseQr::verify(&foreign.sign(KID, &k.police).expect("s"), &k.trust, NOW),
            Err(CodeError::WrongService)
        );
    }

    #[test]
    fn an_unknown_payload_key_or_version_is_refused() {
        let k = keys();
        let Value::Map(mut map) = qr().to_cbor_value() else { panic!("a map") };
        map.push((int(9), Value::Text("extra".into())));
        let extra =
            envelope::seal(CASE_QR_PREFIX, SigningPurpose::CaseQr, &Value::Map(map.clone()), KID, &k.police)
                .expect("sealed");
        assert_eq!(CaseQr::verify(&extra, &k.trust, NOW), Err(CodeError::Payload("an unknown key")));
        map.pop();
        map[0].1 = Value::Integer(2.into());
        let v2 = envelope::seal(CASE_QR_PREFIX, SigningPurpose::CaseQr, &Value::Map(map), KID, &k.police)
            .expect("s");
        assert_eq!(CaseQr::verify(&v2, &k.trust, NOW), Err(CodeError::Version(2)));
    }
}
