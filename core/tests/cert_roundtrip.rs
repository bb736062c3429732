//! Issuing and verifying e-certificates, end to end: an issuing department signs each of the
//! eight certificate types for a holder's device, the holder keeps the salted attributes, and a
//! verifier checks the signature, the validity at an explicit `now` and every disclosed attribute.

#![allow(clippy::expect_used, clippy::panic)] // Test code: a failed expectation is the test failing.

use std::num::NonZeroU8;

use shimin_core::IdNumber;
use shimin_core::cert::kinds::{
    BusinessLicence, DegreeCertificate, DegreeLevel, DrivingLicence, Endorsement, EndorsementKind, Entries,
    Ethnicity, HkMacauTravelPermit, HouseholdRegister, MarriageCertificate, Photo, Relation, ResidencePermit,
    ResidentIdCard, VehicleClass,
};
use shimin_core::cert::payload::CLAIM_DIGESTS;
use shimin_core::cert::types::names;
use shimin_core::cert::{
    AttributeValue, Certificate, CertificateBody, CertificateId, CertificateIdError, CertificateIssuer,
    CertificateStatus, CertificateType, CertificateVerifyError, CreditCode, Disclosure, DivisionCode,
    HolderId, IssueError, IssuedCertificate, IssuerKeyInfo, Metadata, Person, Serial, StatusReference,
    Validity, verify_certificate,
};
use shimin_core::cose::{self, CwtClaims, Value};
use shimin_core::crypto::{SigningKey, SigningPurpose, VerifyingKey};
use shimin_core::id_number::check_character;
use shimin_core::sensitive::Sensitive;
use time::{Date, Month};

/// 2024-06-01 00:30 China Standard Time (2024-05-31 16:30 UTC).
const ISSUED_AT: i64 = 1_717_173_000;
/// 2024-06-01 00:00 China Standard Time: the start of the first valid day.
const VALID_FROM: i64 = 1_717_171_200;
/// 2034-06-01 00:00 China Standard Time: the end of the last valid day, 2034-05-31.
const EXPIRES_AT: i64 = 2_032_704_000;
const KID: &[u8] = b"bj-psb-2024";

fn date(y: i32, m: Month, d: u8) -> Date {
    Date::from_calendar_date(y, m, d).expect("date")
}

/// A valid ID number born on `born` with sequence `seq` (odd: male), check digit by GB 11643.
fn id_number(born: &str, seq: &str) -> IdNumber {
    let first17 = format!("110105{born}{seq}");
    let check = check_character(&first17).expect("17 digits");
    IdNumber::parse(&format!("{first17}{check}")).expect("valid ID number")
}

fn zhang_san() -> Person {
    Person::new("张三", id_number("19900315", "001"))
}

fn issuer_code() -> CreditCode {
    // Check character computed by hand from GB 32100: see the credit_code unit tests.
    CreditCode::parse("111101050000000017").expect("issuer code")
}

fn metadata(number: &str) -> Metadata {
    Metadata {
        number: Sensitive::new(number.to_owned()),
        issuer_name: "北京市公安局西城分局".into(),
        issuer_code: issuer_code(),
        issue_date: date(2024, Month::June, 1),
        validity: Validity::new(date(2024, Month::June, 1), Some(date(2034, Month::May, 31)))
            .expect("validity"),
        jurisdiction: DivisionCode::parse("110102").expect("division"),
        status: CertificateStatus::Valid,
    }
}

/// A flat grey 36 × 44 thumbnail's compact bytes.
fn photo_bytes() -> Vec<u8> {
    let img = image::GrayImage::from_pixel(36, 44, image::Luma([0x7f]));
    shimin_core::photo::Thumbnail::encode(&img, 50).expect("thumbnail").to_bytes()
}

fn photo() -> Option<Photo> {
    Photo::new(photo_bytes())
}

fn body_of(t: CertificateType) -> CertificateBody {
    let han = Ethnicity::from_code(1).expect("汉");
    match t {
        CertificateType::ResidentIdCard => CertificateBody::ResidentIdCard(ResidentIdCard {
            person: zhang_san(),
            ethnicity: han,
            address: Sensitive::new("北京市西城区某街1号".into()),
            photo: photo(),
        }),
        CertificateType::HouseholdRegister => CertificateBody::HouseholdRegister(HouseholdRegister {
            household_number: Sensitive::new("110102001234".into()),
            head_of_household: Sensitive::new("张大山".into()),
            address: Sensitive::new("北京市西城区某街1号".into()),
            member: zhang_san(),
            relation: Relation::Son,
            ethnicity: han,
            birthplace: Sensitive::new("北京市".into()),
        }),
        CertificateType::ResidencePermit => CertificateBody::ResidencePermit(ResidencePermit {
            person: zhang_san(),
            residence_address: Sensitive::new("福建省福州市鼓楼区某路2号".into()),
            photo: photo(),
        }),
        CertificateType::HkMacauTravelPermit => CertificateBody::HkMacauTravelPermit(HkMacauTravelPermit {
            person: zhang_san(),
            name_pinyin: Sensitive::new("ZHANG, SAN".into()),
            hong_kong: Some(Endorsement {
                kind: EndorsementKind::IndividualTourism,
                entries: Entries::Limited(NonZeroU8::new(2).expect("2")),
                valid_until: date(2025, Month::May, 31),
            }),
            macau: Some(Endorsement {
                kind: EndorsementKind::Business,
                entries: Entries::Multiple,
                valid_until: date(2024, Month::November, 30),
            }),
            photo: photo(),
        }),
        CertificateType::DrivingLicence => CertificateBody::DrivingLicence(DrivingLicence {
            person: zhang_san(),
            nationality: "CHN".into(),
            address: Sensitive::new("北京市西城区某街1号".into()),
            classes: vec![VehicleClass::C1, VehicleClass::E],
            first_issue_date: date(2012, Month::July, 20),
            file_number: Sensitive::new("110001234567".into()),
            photo: photo(),
        }),
        CertificateType::MarriageCertificate => CertificateBody::MarriageCertificate(MarriageCertificate {
            holder: zhang_san(),
            spouse: Person::new("李四", id_number("19920808", "002")),
            registration_date: date(2024, Month::May, 20),
        }),
        CertificateType::BusinessLicence => CertificateBody::BusinessLicence(BusinessLicence {
            company_name: "北京某某科技有限公司".into(),
            credit_code: CreditCode::parse("91350100M000100Y43").expect("credit code"),
            company_kind: "有限责任公司".into(),
            legal_representative: Sensitive::new("张三".into()),
            registered_capital_yuan: 1_000_000,
            established: date(2015, Month::March, 2),
            business_term_until: None,
            address: "北京市西城区某街1号".into(),
            business_scope: "软件开发；技术服务。".into(),
        }),
        CertificateType::DegreeCertificate => CertificateBody::DegreeCertificate(DegreeCertificate {
            person: zhang_san(),
            level: DegreeLevel::Bachelor,
            discipline: "工学".into(),
            major: "计算机科学与技术".into(),
            university: "福州大学".into(),
            conferral_date: date(2012, Month::June, 30),
        }),
    }
}

fn certificate_of(t: CertificateType) -> Certificate {
    Certificate { metadata: metadata("A0001"), body: body_of(t) }
}

fn id_for(t: CertificateType, serial: &str) -> CertificateId {
    CertificateId::new(t.type_code(), issuer_code(), Serial::parse(serial).expect("serial"), 0).expect("id")
}

fn status() -> StatusReference {
    StatusReference { uri: "https://status.example.invalid/lists/7".into(), index: 4_242 }
}

struct Fixture {
    issuer_key: SigningKey,
    device_key: SigningKey,
}

impl Fixture {
    fn new() -> Self {
        Self {
            issuer_key: SigningKey::generate_p256().expect("issuer key"),
            device_key: SigningKey::generate_p256().expect("device key"),
        }
    }

    fn issuer(&self) -> CertificateIssuer<'_> {
        CertificateIssuer::new(&self.issuer_key, KID, issuer_code())
    }

    fn issue(&self, certificate: &Certificate, issued_at: i64) -> IssuedCertificate {
        let id = id_for(certificate.certificate_type(), "20240601001");
        self.issuer()
            .issue(certificate, &id, &self.device_key.verifying_key(), &status(), issued_at)
            .expect("issue")
    }

    /// What a verifier's trust list says about our issuer's key.
    fn lookup(&self) -> impl Fn(&[u8]) -> Option<IssuerKeyInfo> + '_ {
        move |kid| {
            (kid == KID).then(|| IssuerKeyInfo {
                key: self.issuer_key.verifying_key(),
                issuer_code: issuer_code(),
                allowed_types: CertificateType::ALL.to_vec(),
            })
        }
    }
}

fn reason(result: Result<impl std::fmt::Debug, CertificateVerifyError>) -> CertificateVerifyError {
    result.expect_err("verification should fail")
}

#[test]
fn every_certificate_type_round_trips_with_full_disclosure() {
    let f = Fixture::new();
    for t in CertificateType::ALL {
        let certificate = certificate_of(t);
        let issued = f.issue(&certificate, ISSUED_AT);
        let verified = verify_certificate(&issued.signed, &issued.disclosures, f.lookup(), ISSUED_AT)
            .unwrap_or_else(|e| panic!("{t:?}: {e}"));

        let expected = certificate.attributes(date(2024, Month::June, 1)).expect("attributes");
        assert_eq!(verified.disclosed, expected, "{t:?}");
        assert_eq!(verified.undisclosed().count(), 0);
        let p = &verified.payload;
        assert_eq!(p.certificate_type, t);
        assert_eq!(p.id, id_for(t, "20240601001"));
        assert_eq!(p.issuer(), &issuer_code());
        assert_eq!((p.issued_at, p.not_before, p.expires_at), (ISSUED_AT, VALID_FROM, Some(EXPIRES_AT)));
        assert_eq!(p.device_key, f.device_key.verifying_key());
        assert_eq!(p.status, status());
        assert_eq!(p.jurisdiction.as_str(), "110102");
        assert_eq!(verified.key_id, KID);
        // The 一号 index: the holder's ID number, or the company's credit code.
        let key = certificate.holder_key();
        match t {
            CertificateType::BusinessLicence => {
                assert_eq!((key.code_type(), key.as_str()), ("001", "91350100M000100Y43"))
            }
            _ => assert_eq!(key, HolderId::Resident(zhang_san().id_number)),
        }
    }
}

#[test]
fn type_specific_fields_become_typed_attributes() {
    let f = Fixture::new();
    let permit = f.issue(&certificate_of(CertificateType::HkMacauTravelPermit), ISSUED_AT);
    let value = |issued: &IssuedCertificate, name: &str| {
        issued.disclosures.iter().find(|d| d.name == name).map(|d| d.value.clone())
    };
    let text = |s: &str| Some(AttributeValue::Text(s.into()));
    assert_eq!(value(&permit, "hk_endorsement_kind"), text("G"));
    assert_eq!(value(&permit, "hk_endorsement_entries"), text("2"));
    assert_eq!(value(&permit, "macau_endorsement_entries"), text("M"));
    assert_eq!(
        value(&permit, "hk_endorsement_valid_until"),
        Some(AttributeValue::Date(date(2025, Month::May, 31)))
    );
    assert_eq!(value(&permit, names::SEX), text("1"));
    assert_eq!(value(&permit, names::BIRTH_DATE), Some(AttributeValue::Date(date(1990, Month::March, 15))));
    // 110105 19900315 001 + GB 11643 check digit 7.
    assert_eq!(value(&permit, names::ID_NUMBER), text("110105199003150017"));
    assert_eq!(value(&permit, names::ID_NUMBER_MASKED), text("1101**********0017"));
    assert_eq!(value(&permit, names::PHOTO), Some(AttributeValue::Bytes(photo_bytes())));
    assert_eq!(Photo::new(vec![0x7f; 900]), None, "not a thumbnail");

    let marriage = f.issue(&certificate_of(CertificateType::MarriageCertificate), ISSUED_AT);
    assert_eq!(value(&marriage, "spouse_name"), text("李四"));
    assert_eq!(value(&marriage, "spouse_sex"), text("2"));
    let licence = f.issue(&certificate_of(CertificateType::BusinessLicence), ISSUED_AT);
    assert_eq!(value(&licence, "registered_capital_yuan"), Some(AttributeValue::Integer(1_000_000)));
    assert_eq!(CertificateType::BusinessLicence.holder_attribute(), ("001", "credit_code"));
    assert_eq!(value(&licence, "credit_code").map(|v| matches!(v, AttributeValue::Text(_))), Some(true));
    assert_eq!(value(&licence, names::AGE_OVER_18), None, "a company has no age");
    let driving = f.issue(&certificate_of(CertificateType::DrivingLicence), ISSUED_AT);
    assert_eq!(value(&driving, "vehicle_classes"), text("C1E"));
    assert_eq!(CertificateType::DrivingLicence.holder_attribute(), ("111", names::ID_NUMBER));
}

#[test]
fn selective_disclosure_reveals_only_what_is_shown_and_the_payload_holds_no_values() {
    let f = Fixture::new();
    let issued = f.issue(&certificate_of(CertificateType::ResidentIdCard), ISSUED_AT);
    let shown: Vec<Disclosure> =
        issued.disclosures.iter().filter(|d| d.name == names::AGE_OVER_18).cloned().collect();
    let verified = verify_certificate(&issued.signed, &shown, f.lookup(), ISSUED_AT).expect("verifies");
    assert_eq!(verified.disclosed.get(names::AGE_OVER_18), Some(&AttributeValue::Bool(true)));
    assert_eq!(verified.disclosed.len(), 1);
    assert!(verified.undisclosed().any(|n| n == names::BIRTH_DATE));

    let contains = |needle: &[u8]| issued.signed.windows(needle.len()).any(|w| w == needle);
    assert!(!contains("张三".as_bytes()));
    assert!(!contains(zhang_san().id_number.as_str().as_bytes()));
    assert!(!contains(b"1990-03-15"));
    assert!(!contains(b"birth_date"), "the digests are keyed by attribute code, not name");
    assert!(verified.payload.digest_of(names::BIRTH_DATE).is_some());
}

#[test]
fn salts_are_at_least_16_bytes_and_fresh_per_issuance() {
    let f = Fixture::new();
    let certificate = certificate_of(CertificateType::ResidentIdCard);
    let a = f.issue(&certificate, ISSUED_AT);
    let b = f.issue(&certificate, ISSUED_AT);
    for (x, y) in a.disclosures.iter().zip(&b.disclosures) {
        assert!(x.salt.len() >= 16);
        assert_eq!((&x.name, &x.value), (&y.name, &y.value));
        assert_ne!(x.salt, y.salt, "{}", x.name);
    }
    let mut salts: Vec<_> = a.disclosures.iter().map(|d| d.salt.clone()).collect();
    salts.sort();
    salts.dedup();
    assert_eq!(salts.len(), a.disclosures.len(), "one salt per attribute");
}

#[test]
fn a_tampered_value_or_salt_is_a_digest_mismatch_naming_the_attribute() {
    let f = Fixture::new();
    let issued = f.issue(&certificate_of(CertificateType::ResidentIdCard), ISSUED_AT);
    let verify = |d: &[Disclosure]| verify_certificate(&issued.signed, d, f.lookup(), ISSUED_AT);
    let index = |name: &str| issued.disclosures.iter().position(|d| d.name == name).expect(name);
    let mismatch = |name: &str| CertificateVerifyError::DigestMismatch { attribute: name.into() };

    let mut value_changed = issued.disclosures.clone();
    value_changed[index(names::NAME)].value = AttributeValue::Text("李四".into());
    let err = reason(verify(&value_changed));
    assert_eq!(err, mismatch(names::NAME));
    assert!(!err.to_string().contains("李四") && !err.to_string().contains("张三"));

    let mut age_changed = issued.disclosures.clone();
    age_changed[index(names::AGE_OVER_18)].value = AttributeValue::Bool(false);
    assert_eq!(reason(verify(&age_changed)), mismatch(names::AGE_OVER_18));

    let mut salt_changed = issued.disclosures.clone();
    salt_changed[index(names::ADDRESS)].salt[0] ^= 1;
    assert_eq!(reason(verify(&salt_changed)), mismatch(names::ADDRESS));

    let mut renamed = issued.disclosures.clone();
    renamed[index(names::ADDRESS)].name = "home_address".into();
    assert_eq!(
        reason(verify(&renamed)),
        CertificateVerifyError::MissingDigest { attribute: "home_address".into() }
    );

    let twice = vec![issued.disclosures[0].clone(), issued.disclosures[0].clone()];
    assert!(matches!(reason(verify(&twice)), CertificateVerifyError::DuplicateDisclosure { .. }));
}

#[test]
fn only_the_right_issuer_key_verifies() {
    let f = Fixture::new();
    let issued = f.issue(&certificate_of(CertificateType::DrivingLicence), ISSUED_AT);
    let verify = |lookup: &dyn Fn(&[u8]) -> Option<IssuerKeyInfo>| {
        verify_certificate(&issued.signed, &issued.disclosures, lookup, ISSUED_AT)
    };
    let info = |key: VerifyingKey, code: &str, allowed: &[CertificateType]| IssuerKeyInfo {
        key,
        issuer_code: CreditCode::parse(code).expect("code"),
        allowed_types: allowed.to_vec(),
    };
    let other_key = SigningKey::generate_p256().expect("key").verifying_key();
    let right_key = f.issuer_key.verifying_key();
    let all = CertificateType::ALL;

    let err = reason(verify(&|_| Some(info(other_key.clone(), "111101050000000017", &all))));
    assert_eq!(err, CertificateVerifyError::BadSignature);
    assert_eq!(reason(verify(&|_| None)), CertificateVerifyError::UnknownKeyId);
    let err = reason(verify(&|_| Some(info(right_key.clone(), "91350100M000100Y43", &all))));
    assert_eq!(err, CertificateVerifyError::IssuerMismatch);
    let only_id_cards = [CertificateType::ResidentIdCard];
    let err = reason(verify(&|_| Some(info(right_key.clone(), "111101050000000017", &only_id_cards))));
    assert_eq!(err, CertificateVerifyError::TypeNotAllowed);
}

#[test]
fn a_certificate_signed_by_another_key_under_the_same_kid_is_refused() {
    let f = Fixture::new();
    let forger = Fixture { issuer_key: SigningKey::generate_p256().expect("key"), device_key: f.device_key };
    let forged = forger.issue(&certificate_of(CertificateType::DegreeCertificate), ISSUED_AT);
    let genuine = Fixture::new();
    let err = reason(verify_certificate(&forged.signed, &forged.disclosures, genuine.lookup(), ISSUED_AT));
    assert_eq!(err, CertificateVerifyError::BadSignature);
}

#[test]
fn validity_is_checked_at_an_explicit_now_to_the_second() {
    let f = Fixture::new();
    let issued = f.issue(&certificate_of(CertificateType::ResidencePermit), VALID_FROM);
    let at = |now| verify_certificate(&issued.signed, &issued.disclosures, f.lookup(), now);
    assert_eq!(reason(at(VALID_FROM - 1)), CertificateVerifyError::NotYetValid);
    assert!(at(VALID_FROM).is_ok());
    assert!(at(EXPIRES_AT - 1).is_ok());
    assert_eq!(reason(at(EXPIRES_AT)), CertificateVerifyError::Expired);
    assert_eq!(reason(at(EXPIRES_AT + 86_400 * 365)), CertificateVerifyError::Expired);

    // Issued after the first valid day began: not valid before it was issued.
    let late = f.issue(&certificate_of(CertificateType::ResidencePermit), ISSUED_AT);
    let err = reason(verify_certificate(&late.signed, &late.disclosures, f.lookup(), ISSUED_AT - 1));
    assert_eq!(err, CertificateVerifyError::NotYetValid);

    // A long-term business licence has no end.
    let mut long_term = certificate_of(CertificateType::BusinessLicence);
    long_term.metadata.validity = Validity::new(date(2024, Month::June, 1), None).expect("validity");
    let issued = f.issue(&long_term, ISSUED_AT);
    let verified = verify_certificate(&issued.signed, &issued.disclosures, f.lookup(), 4_000_000_000)
        .expect("long-term");
    assert_eq!(verified.payload.expires_at, None);
    let start = verified.payload.not_before;
    assert_eq!(shimin_core::cert::issue::china_date_of(start), Ok(date(2024, Month::June, 1)));
}

/// The holder turns 18 on `birthday_of_18`; the certificate is issued at 00:30 China time on
/// 2024-06-01, which is still 2024-05-31 in UTC.
fn age_over_18_at_issuance(born: &str) -> AttributeValue {
    let f = Fixture::new();
    let mut certificate = certificate_of(CertificateType::ResidentIdCard);
    if let CertificateBody::ResidentIdCard(card) = &mut certificate.body {
        card.person = Person::new("王五", id_number(born, "003"));
    }
    let issued = f.issue(&certificate, ISSUED_AT);
    let shown: Vec<_> = issued.disclosures.into_iter().filter(|d| d.name == names::AGE_OVER_18).collect();
    let verified = verify_certificate(&issued.signed, &shown, f.lookup(), ISSUED_AT).expect("verifies");
    verified.disclosed.get(names::AGE_OVER_18).cloned().expect("age attribute disclosed")
}

#[test]
fn age_over_18_is_computed_at_issuance_on_the_china_calendar_day() {
    // 18th birthday on the issue day (China time): an adult, although in UTC it is the day before.
    assert_eq!(age_over_18_at_issuance("20060601"), AttributeValue::Bool(true));
    assert_eq!(age_over_18_at_issuance("20060531"), AttributeValue::Bool(true));
    assert_eq!(age_over_18_at_issuance("20060602"), AttributeValue::Bool(false));
    assert_eq!(age_over_18_at_issuance("19900315"), AttributeValue::Bool(true));
    assert_eq!(age_over_18_at_issuance("20240101"), AttributeValue::Bool(false));
    for t in CertificateType::ALL {
        let expected = (t != CertificateType::BusinessLicence).then_some(names::AGE_OVER_18);
        assert_eq!(t.age_over_18_attribute(), expected);
    }
}

#[test]
fn renewal_keeps_the_serial_and_takes_the_next_version() {
    let f = Fixture::new();
    let certificate = certificate_of(CertificateType::ResidentIdCard);
    let first = id_for(CertificateType::ResidentIdCard, "20240601001");
    let device = f.device_key.verifying_key();
    let (renewed_id, renewed) =
        f.issuer().renew(&first, &certificate, &device, &status(), ISSUED_AT).expect("renew");
    assert_eq!(renewed_id.serial(), first.serial());
    assert_eq!(renewed_id.version(), first.version() + 1);
    assert_ne!(renewed_id.to_string(), first.to_string());
    let verified =
        verify_certificate(&renewed.signed, &renewed.disclosures, f.lookup(), ISSUED_AT).expect("verifies");
    assert_eq!(verified.payload.id, renewed_id);

    let last = CertificateId::new(first.type_code().clone(), issuer_code(), first.serial().clone(), 999)
        .expect("version 999");
    let err =
        f.issuer().renew(&last, &certificate, &device, &status(), ISSUED_AT).expect_err("no version 1000");
    assert_eq!(err, IssueError::Renewal(CertificateIdError::VersionExhausted));
}

#[test]
fn the_issuer_refuses_inconsistent_requests() {
    let f = Fixture::new();
    let certificate = certificate_of(CertificateType::ResidentIdCard);
    let device = f.device_key.verifying_key();
    let wrong_type = id_for(CertificateType::ResidencePermit, "1");
    let issuer = f.issuer();
    let issue =
        |id: &CertificateId, key: &VerifyingKey| issuer.issue(&certificate, id, key, &status(), ISSUED_AT);
    assert_eq!(issue(&wrong_type, &device), Err(IssueError::TypeMismatch));
    let other_issuer = CertificateId::new(
        CertificateType::ResidentIdCard.type_code(),
        CreditCode::parse("91350100M000100Y43").expect("code"),
        Serial::parse("1").expect("serial"),
        0,
    )
    .expect("id");
    assert_eq!(issue(&other_issuer, &device), Err(IssueError::IssuerMismatch));
    let p384 = VerifyingKey::p384_from_sec1(&[4; 97]).expect("shape only");
    let right_id = id_for(CertificateType::ResidentIdCard, "1");
    assert_eq!(issue(&right_id, &p384), Err(IssueError::DeviceKeyNotP256));
}

/// Signs a hand-made payload with the issuer's key, as a forger with the key but a bad encoder.
fn sign_claims(f: &Fixture, claims: &CwtClaims) -> Vec<u8> {
    cose::sign_cwt(SigningPurpose::Certificate, claims, KID, &f.issuer_key).expect("sign")
}

#[test]
fn a_signed_payload_with_a_bad_identifier_or_shape_is_refused() {
    let f = Fixture::new();
    let issued = f.issue(&certificate_of(CertificateType::ResidentIdCard), ISSUED_AT);
    let good = verify_certificate(&issued.signed, &[], f.lookup(), ISSUED_AT).expect("verifies");
    let claims = good.payload.to_claims().expect("claims");
    let verify = |bytes: &[u8]| verify_certificate(bytes, &[], f.lookup(), ISSUED_AT);
    assert!(verify(&sign_claims(&f, &claims)).is_ok(), "re-signing the same claims verifies");

    let id = good.payload.id.to_string();
    let wrong_check = if id.ends_with('0') {
        format!("{}1", &id[..id.len() - 1])
    } else {
        format!("{}0", &id[..id.len() - 1])
    };
    let err = reason(verify(&sign_claims(&f, &claims.clone().with_subject(wrong_check))));
    assert_eq!(
        err.to_string(),
        "bad payload: the subject is not a valid certificate identifier: the check character of the identifier is wrong"
    );

    let unregistered = claims.clone().with_private_claim(
        CLAIM_DIGESTS,
        Value::Map(vec![(Value::Integer(999.into()), Value::Bytes(vec![0; 16]))]),
    );
    assert_eq!(
        reason(verify(&sign_claims(&f, &unregistered))).to_string(),
        "bad payload: an attribute is not in the registry"
    );
    let long_digest = claims.clone().with_private_claim(
        CLAIM_DIGESTS,
        Value::Map(vec![(Value::Integer(1.into()), Value::Bytes(vec![0; 32]))]),
    );
    assert_eq!(
        reason(verify(&sign_claims(&f, &long_digest))).to_string(),
        "bad payload: the digests claim has the wrong shape"
    );
    let err = reason(verify(&sign_claims(&f, &claims.clone().with_issuer("91350100M000100Y43"))));
    assert_eq!(err.to_string(), "bad payload: the iss claim does not match the identifier's issuer");
    let err = reason(verify(&sign_claims(&f, &CwtClaims::new().with_issuer("x"))));
    assert_eq!(err.to_string(), "bad payload: unsupported certificate format version");

    // Signed for another purpose: never accepted as a certificate.
    let presentation =
        cose::sign_cwt(SigningPurpose::Presentation, &claims, KID, &f.issuer_key).expect("sign");
    assert_eq!(reason(verify(&presentation)), CertificateVerifyError::BadSignature);
}

#[test]
fn garbage_never_panics_and_never_verifies() {
    let f = Fixture::new();
    let issued = f.issue(&certificate_of(CertificateType::HkMacauTravelPermit), ISSUED_AT);
    let valid = &issued.signed;
    let accepted =
        |bytes: &[u8]| verify_certificate(bytes, &issued.disclosures, f.lookup(), ISSUED_AT).is_ok();
    assert!(accepted(valid));
    for len in 0..valid.len() {
        assert!(!accepted(&valid[..len]), "truncated to {len} bytes");
    }
    for bit in 0..valid.len() * 8 {
        let mut flipped = valid.clone();
        flipped[bit / 8] ^= 1 << (bit % 8);
        assert!(!accepted(&flipped), "bit {bit} flipped");
    }
    for junk in [&b""[..], b"\x00", b"\xd2\x84", b"SM1:xyz", &[0x81; 10_000], &[0xff; 64]] {
        assert!(!accepted(junk));
    }
}

#[test]
fn debug_output_hides_personal_data() {
    let f = Fixture::new();
    let certificate = certificate_of(CertificateType::MarriageCertificate);
    let issued = f.issue(&certificate, ISSUED_AT);
    let verified =
        verify_certificate(&issued.signed, &issued.disclosures, f.lookup(), ISSUED_AT).expect("ok");
    let printed = format!("{certificate:?} {issued:?} {verified:?}");
    for secret in ["张三", "李四", zhang_san().id_number.as_str(), "1990-03-15"] {
        assert!(!printed.contains(secret), "Debug leaks personal data");
    }
}
