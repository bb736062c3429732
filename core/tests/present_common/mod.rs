//! The world the presentation tests live in: a national root, a trust list naming one issuing
//! department's key, a status list with a revoked and a suspended entry, and a holder whose
//! device key the certificates are bound to.

#![allow(clippy::expect_used, clippy::panic, dead_code)] // Test code.

use std::num::NonZeroU8;

use coset::{CoseSign1Builder, HeaderBuilder, TaggedCborSerializable, iana};
use image::{GrayImage, Luma};
use ring::rand::SystemRandom;
use ring::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair};
use shimin_core::IdNumber;
use shimin_core::cert::kinds::{
    BusinessLicence, DegreeCertificate, DegreeLevel, DrivingLicence, Endorsement, EndorsementKind, Entries,
    Ethnicity, HkMacauTravelPermit, HouseholdRegister, MAX_PHOTO_BYTES, MarriageCertificate, Photo, Relation,
    ResidencePermit, ResidentIdCard, VehicleClass,
};
use shimin_core::cert::{
    Certificate, CertificateBody, CertificateId, CertificateIssuer, CertificateStatus, CertificateType,
    CreditCode, DivisionCode, IssuedCertificate, Metadata, Person, Serial, StatusReference, Validity,
};
use shimin_core::cose::Sign1;
use shimin_core::crypto::{SigningKey, SigningPurpose, sha256};
use shimin_core::id_number::check_character;
use shimin_core::photo::{THUMBNAIL_BUDGET, Thumbnail};
use shimin_core::present::{DeviceSignature, DeviceSignedPayload, Presentation, PresentationWire, Preset};
use shimin_core::sensitive::Sensitive;
use shimin_core::status_list::{Bits, Status, StatusList, StatusListClaims, VerifiedStatusList};
use shimin_core::trust::{
    CachedCopy, Department, IssuerEntry, KeyValidity, TrustList, TrustListInfo, VerifiedTrustList,
};
use shimin_core::verifier::{Verdict, Verifier, VerifierPolicy};
use time::{Date, Month};

pub const DAY: i64 = 86_400;
/// 2024-06-01 00:00 China Standard Time: the first valid day starts.
pub const VALID_FROM: i64 = 1_717_171_200;
/// 2024-06-01 00:30 China Standard Time: the certificates are issued.
pub const ISSUED_AT: i64 = VALID_FROM + 30 * 60;
/// 2024-07-01 12:00 China Standard Time: when the verifier scans, unless a test says otherwise.
pub const NOW: i64 = VALID_FROM + 30 * DAY + 12 * 3_600;
/// The issuer key id on the trust list.
pub const KID: &[u8] = b"bj-psb-2024";
pub const STATUS_URI: &str = "https://status.example.invalid/lists/7";
pub const GOOD_INDEX: u64 = 4_242;
pub const REVOKED_INDEX: u64 = 17;
pub const SUSPENDED_INDEX: u64 = 18;
pub const ODD_STATUS_INDEX: u64 = 19;
/// The status list holds this many entries.
pub const STATUS_LEN: usize = 8_192;
/// The trust list was fetched an hour before `NOW`, the status list ten minutes before.
pub const TRUST_FETCHED_AT: i64 = NOW - 3_600;
pub const STATUS_FETCHED_AT: i64 = NOW - 600;
pub const ISSUER_CODE: &str = "111101050000000017";

pub fn date(y: i32, m: Month, d: u8) -> Date {
    Date::from_calendar_date(y, m, d).expect("date")
}

/// A valid ID number born on `born` with sequence `seq`, check digit by GB 11643.
pub fn id_number(born: &str, seq: &str) -> IdNumber {
    let first17 = format!("110105{born}{seq}");
    let check = check_character(&first17).expect("17 digits");
    IdNumber::parse(&format!("{first17}{check}")).expect("valid ID number")
}

pub fn holder_id() -> IdNumber {
    id_number("19900315", "001")
}

pub fn issuer_code() -> CreditCode {
    CreditCode::parse(ISSUER_CODE).expect("issuer code")
}

/// A 36 × 44 grey "face" (an oval, darker eyes and mouth on a soft gradient) as the compact
/// thumbnail an issuer signs: the kind of photo the "identity" preset carries.
pub fn thumbnail() -> Vec<u8> {
    let (w, h) = (36u32, 44u32);
    let img = GrayImage::from_fn(w, h, |x, y| {
        let (fx, fy) = (f64::from(x) - 18.0, f64::from(y) - 22.0);
        let face = (fx / 14.0).powi(2) + (fy / 19.0).powi(2) <= 1.0;
        let eye = ((fx.abs() - 6.0).powi(2) + (fy + 5.0).powi(2)) < 5.0;
        let mouth = fy > 7.0 && fy < 10.0 && fx.abs() < 6.0;
        let v = if !face {
            235.0 - f64::from(y)
        } else if eye || mouth {
            50.0
        } else {
            170.0 - fx.abs() * 2.0 - fy
        };
        Luma([v.clamp(0.0, 255.0) as u8])
    });
    let out = Thumbnail::fit(&img, THUMBNAIL_BUDGET).expect("fits").to_bytes();
    assert!(out.len() <= MAX_PHOTO_BYTES, "thumbnail is {} bytes", out.len());
    out
}

fn metadata(until: Date) -> Metadata {
    Metadata {
        number: Sensitive::new("A0001".into()),
        issuer_name: "北京市公安局西城分局".into(),
        issuer_code: issuer_code(),
        issue_date: date(2024, Month::June, 1),
        validity: Validity::new(date(2024, Month::June, 1), Some(until)).expect("validity"),
        jurisdiction: DivisionCode::parse("110102").expect("division"),
        status: CertificateStatus::Valid,
    }
}

pub fn zhang_san() -> Person {
    Person::new("张三", holder_id())
}

fn body_of(t: CertificateType) -> CertificateBody {
    let han = Ethnicity::from_code(1).expect("汉");
    let photo = || Photo::new(thumbnail());
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
            macau: None,
            photo: photo(),
        }),
        CertificateType::DrivingLicence => CertificateBody::DrivingLicence(DrivingLicence {
            person: zhang_san(),
            nationality: "CHN".into(),
            address: Sensitive::new("北京市西城区某街1号".into()),
            classes: vec![VehicleClass::C1],
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

/// A certificate of type `t` valid from 2024-06-01 to 2034-05-31.
pub fn certificate_of(t: CertificateType) -> Certificate {
    certificate_until(t, date(2034, Month::May, 31))
}

/// A certificate of type `t` valid from 2024-06-01 to `until`.
pub fn certificate_until(t: CertificateType, until: Date) -> Certificate {
    Certificate { metadata: metadata(until), body: body_of(t) }
}

pub fn id_for(t: CertificateType) -> CertificateId {
    CertificateId::new(t.type_code(), issuer_code(), Serial::parse("20240601001").expect("serial"), 0)
        .expect("id")
}

/// The keys of everyone involved, and the verifier's cached lists.
pub struct World {
    pub root: SigningKey,
    pub issuer_key: SigningKey,
    pub status_key: SigningKey,
    pub device_key: SigningKey,
    pub trust: CachedCopy<VerifiedTrustList>,
    pub status_lists: Vec<CachedCopy<VerifiedStatusList>>,
}

pub fn key() -> SigningKey {
    SigningKey::generate_p256().expect("key")
}

/// A device signature as a presentation carries it (a tagged COSE_Sign1 with a detached payload,
/// ES256, no key id) over `payload` for `purpose`, signed here with `ring` itself: the crate has
/// a device key sign only what its own sessions build, and the tests need signatures no honest
/// path of this app makes (for the wrong purpose, or over a choice the app does not offer).
pub fn device_signature_by_hand(key: &SigningKey, purpose: SigningPurpose, payload: &[u8]) -> Vec<u8> {
    let rng = SystemRandom::new();
    let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, key.to_pkcs8().expose(), &rng)
        .expect("the device key");
    CoseSign1Builder::new()
        .protected(HeaderBuilder::new().algorithm(iana::Algorithm::ES256).build())
        .create_detached_signature(payload, purpose.label(), |tbs| {
            pair.sign(&rng, tbs).expect("sign").as_ref().to_vec()
        })
        .build()
        .to_tagged_vec()
        .expect("encode")
}

/// The Beijing police's issuer entry: every type, key valid from a day before issuing.
pub fn issuer_entry(issuer_key: &SigningKey, types: &[CertificateType], from: i64) -> IssuerEntry {
    IssuerEntry::new(
        KID.to_vec(),
        Department::new("北京市公安局西城分局", ISSUER_CODE).expect("department"),
        issuer_key.verifying_key(),
        KeyValidity { from, to: from + 3 * 365 * DAY },
        types.iter().map(|t| t.code_str()),
    )
    .expect("entry")
}

/// The Beijing police's second key, which signs its status lists (kid `bj-status`).
pub fn status_entry(status_key: &SigningKey) -> IssuerEntry {
    IssuerEntry::new(
        STATUS_KID.to_vec(),
        Department::new("北京市公安局西城分局", ISSUER_CODE).expect("department"),
        status_key.verifying_key(),
        KeyValidity { from: ISSUED_AT - DAY, to: ISSUED_AT + 3 * 365 * DAY },
        CertificateType::ALL.iter().map(|t| t.code_str()),
    )
    .expect("entry")
}

/// The key id of the status lists' key.
pub const STATUS_KID: &[u8] = b"bj-status";

/// A trust list holding `entries`, expiring at `expires_at`, cached at [`TRUST_FETCHED_AT`].
pub fn trust_list(
    root: &SigningKey,
    entries: &[IssuerEntry],
    expires_at: i64,
) -> CachedCopy<VerifiedTrustList> {
    let issued_at = TRUST_FETCHED_AT - DAY;
    let info = TrustListInfo { sequence: 1, issued_at, next_update: issued_at + DAY, expires_at };
    let bytes = TrustList::sign(entries, root, info).expect("sign trust list");
    let list = TrustList::verify_ignoring_expiry(&bytes, &root.verifying_key()).expect("verify trust list");
    CachedCopy::new(list, TRUST_FETCHED_AT)
}

/// The status list at [`STATUS_URI`] with one revoked, one suspended and one odd (3) entry,
/// expiring at `expires_at`, cached at [`STATUS_FETCHED_AT`].
pub fn status_list(key: &SigningKey, expires_at: i64) -> CachedCopy<VerifiedStatusList> {
    let mut list = StatusList::new(Bits::Two, STATUS_LEN);
    list.set(REVOKED_INDEX as usize, Status::Invalid).expect("revoke");
    list.set(SUSPENDED_INDEX as usize, Status::Suspended).expect("suspend");
    list.set(ODD_STATUS_INDEX as usize, Status::Other(3)).expect("odd");
    let claims = StatusListClaims {
        uri: STATUS_URI.into(),
        issued_at: STATUS_FETCHED_AT - 60,
        expires_at: Some(expires_at),
        ttl_seconds: Some(3_600),
    };
    let bytes = list.sign(&claims, STATUS_KID, key).expect("sign status list");
    let verified =
        VerifiedStatusList::verify_ignoring_expiry(&bytes, &key.verifying_key()).expect("verify status");
    CachedCopy::new(verified, STATUS_FETCHED_AT)
}

/// The education department's credit code (a valid check character).
pub fn education_code() -> String {
    let first17 = "11350100000000002";
    let check = shimin_core::cert::credit_code::check_character(first17).expect("17 characters");
    format!("{first17}{check}")
}

/// A status list at [`STATUS_URI`] in which every certificate is valid, signed by `key` under
/// `kid`, as a forger (or another department) would publish it.
pub fn forged_status_list(key: &SigningKey, kid: &[u8]) -> CachedCopy<VerifiedStatusList> {
    let list = StatusList::new(Bits::Two, STATUS_LEN);
    let claims = StatusListClaims {
        uri: STATUS_URI.into(),
        issued_at: STATUS_FETCHED_AT - 60,
        expires_at: Some(NOW + DAY),
        ttl_seconds: Some(3_600),
    };
    let bytes = list.sign(&claims, kid, key).expect("sign status list");
    let verified =
        VerifiedStatusList::verify_ignoring_expiry(&bytes, &key.verifying_key()).expect("verify status");
    CachedCopy::new(verified, STATUS_FETCHED_AT)
}

impl World {
    pub fn new() -> Self {
        let (root, issuer_key, status_key, device_key) = (key(), key(), key(), key());
        let entry = issuer_entry(&issuer_key, &CertificateType::ALL, ISSUED_AT - DAY);
        let trust = trust_list(&root, &[entry, status_entry(&status_key)], NOW + 30 * DAY);
        let status_lists = vec![status_list(&status_key, NOW + DAY)];
        Self { root, issuer_key, status_key, device_key, trust, status_lists }
    }

    pub fn issuer(&self) -> CertificateIssuer<'_> {
        CertificateIssuer::new(&self.issuer_key, KID, issuer_code())
    }

    /// Issues `certificate` to our holder's device at [`ISSUED_AT`], status at `index`.
    pub fn issue_at_index(&self, certificate: &Certificate, index: u64) -> IssuedCertificate {
        let status = StatusReference { uri: STATUS_URI.into(), index };
        self.issuer()
            .issue(
                certificate,
                &id_for(certificate.certificate_type()),
                &self.device_key.verifying_key(),
                &status,
                ISSUED_AT,
            )
            .expect("issue")
    }

    pub fn issue(&self, t: CertificateType) -> IssuedCertificate {
        self.issue_at_index(&certificate_of(t), GOOD_INDEX)
    }

    /// The holder presents `issued` with `preset` at `at`, signing with the device key.
    pub fn present(&self, issued: &IssuedCertificate, preset: &Preset, at: i64) -> String {
        Presentation::new(issued)
            .expect("stored certificate")
            .disclose(preset)
            .expect("preset applies")
            .sign(&self.device_key, at)
            .expect("sign")
            .text()
            .to_owned()
    }

    /// The holder presents exactly the attributes `chosen` of `issued`, in that order, at `at`:
    /// built and signed by hand, as another wallet might, since this app offers only presets.
    pub fn present_chosen(&self, issued: &IssuedCertificate, chosen: &[&str], at: i64) -> String {
        let disclosures: Vec<_> = chosen
            .iter()
            .map(|name| issued.disclosures.iter().find(|d| d.name == *name).expect("an attribute").clone())
            .collect();
        let issuer_payload = Sign1::decode(&issued.signed).expect("cose").unverified_payload().to_vec();
        let payload = DeviceSignedPayload {
            issuer_payload_digest: sha256(&issuer_payload),
            disclosed_names: chosen.iter().map(|name| (*name).to_owned()).collect(),
            signed_at: at,
            request_nonce: None,
        };
        let cose = device_signature_by_hand(
            &self.device_key,
            SigningPurpose::Presentation,
            &payload.to_cbor().expect("cbor"),
        );
        PresentationWire {
            issuer_signed: issued.signed.clone(),
            disclosures,
            device_signature: Some(DeviceSignature { signed_at: at, cose, request_nonce: None }),
        }
        .to_text()
        .expect("text")
    }

    /// Verifies `text` at `now` with the default policy and our cached lists.
    pub fn verify(&self, text: &str, now: i64) -> Verdict {
        Verifier::new(&self.trust, &self.status_lists, VerifierPolicy::default()).verify_text(text, now)
    }
}
