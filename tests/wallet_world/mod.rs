//! The world the wallet E2E test starts in, built with the real components: a national root and
//! one issuing department, a trust list and a status list, and a wallet (real PIN wrapping)
//! holding three certificates imported with trust verification — a resident ID card (valid), a
//! driving licence that ends in 12 days, and a household register page the issuer revoked.

#![allow(clippy::expect_used, clippy::panic, dead_code)] // Test setup: a failure is the test failing.

use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use shimin_core::IdNumber;
use shimin_core::cert::issue::china_date_of;
use shimin_core::cert::kinds::{
    DrivingLicence, Ethnicity, HouseholdRegister, Photo, Relation, ResidentIdCard, VehicleClass,
};
use shimin_core::cert::{
    Certificate, CertificateBody, CertificateId, CertificateIssuer, CertificateStatus, CertificateType,
    CreditCode, DivisionCode, IssuerKeyInfo, Metadata, Person, Serial, StatusReference, Validity,
    verify_certificate,
};
use shimin_core::crypto::SigningKey;
use shimin_core::photo::{THUMBNAIL_BUDGET, Thumbnail};
use shimin_core::sensitive::Sensitive;
use shimin_core::status_list::{Bits, Status, StatusList, StatusListClaims, VerifiedStatusList};
use shimin_core::trust::{
    CachedCopy, Department, IssuerEntry, KeyValidity, TrustList, TrustListInfo, VerifiedTrustList,
};
use shimin_store::{PinWrapper, Wallet, schema};
use time::{Date, Duration, Month};

pub const PIN: &str = "135790";
pub const HOLDER_NAME: &str = "王秀兰";
pub const DAY: i64 = 86_400;
const KID: &[u8] = b"bj-psb-2024";
const ISSUER_CODE: &str = "111101050000000017";
const STATUS_URI: &str = "https://status.example.invalid/lists/7";
const GOOD_INDEX: u64 = 4_242;
const REVOKED_INDEX: u64 = 17;

/// The verifier's side of the world: the lists the test verifies the app's QR code with.
pub struct World {
    pub trust: CachedCopy<VerifiedTrustList>,
    pub status: Vec<CachedCopy<VerifiedStatusList>>,
    pub id_card: CertificateId,
}

pub fn now() -> i64 {
    let secs = SystemTime::now().duration_since(UNIX_EPOCH).expect("clock").as_secs();
    i64::try_from(secs).expect("time")
}

fn issuer_code() -> CreditCode {
    CreditCode::parse(ISSUER_CODE).expect("issuer code")
}

fn date(y: i32, m: Month, d: u8) -> Date {
    Date::from_calendar_date(y, m, d).expect("date")
}

/// The holder's photo as the compact thumbnail an issuer signs (36 × 44 grey): a real
/// portrait, Grace Hopper's public-domain photograph, head and shoulders as on an ID card.
fn photo() -> Option<Photo> {
    let portrait = shimin_testkit::film::decode(shimin_testkit::film::GRACE_HOPPER);
    let head = image::imageops::crop_imm(&portrait, 105, 45, 310, 379).to_image();
    let small = image::imageops::resize(&head, 36, 44, image::imageops::FilterType::Lanczos3);
    let grey = image::DynamicImage::ImageRgb8(small).to_luma8();
    Photo::from_thumbnail(&Thumbnail::fit(&grey, THUMBNAIL_BUDGET).expect("thumbnail"))
}

fn holder() -> Person {
    Person::new(HOLDER_NAME, IdNumber::parse(HOLDER_ID).expect("ID number"))
}

/// The holder's identity number.
const HOLDER_ID: &str = "11010519491231002X";

/// The printed number of a certificate, as its kind numbers them: a driving licence by the
/// holder's identity number, a household register page by the household and the member.
fn metadata(until: Option<Date>, number: &str) -> Metadata {
    Metadata {
        number: Sensitive::new(number.into()),
        issuer_name: "北京市公安局西城分局".into(),
        issuer_code: issuer_code(),
        issue_date: date(2024, Month::June, 1),
        validity: Validity::new(date(2024, Month::June, 1), until).expect("validity"),
        jurisdiction: DivisionCode::parse("110102").expect("division"),
        status: CertificateStatus::Valid,
    }
}

fn certificates(today: Date) -> Vec<(Certificate, u64)> {
    let han = Ethnicity::from_code(1).expect("汉");
    vec![
        (
            Certificate {
                metadata: metadata(Some(date(2044, Month::May, 31)), "B24G0601341"),
                body: CertificateBody::ResidentIdCard(ResidentIdCard {
                    person: holder(),
                    ethnicity: han,
                    address: Sensitive::new("北京市西城区金融街7号".into()),
                    photo: photo(),
                }),
            },
            GOOD_INDEX,
        ),
        (
            Certificate {
                metadata: metadata(Some(today + Duration::days(12)), HOLDER_ID),
                body: CertificateBody::DrivingLicence(DrivingLicence {
                    person: holder(),
                    nationality: "CHN".into(),
                    address: Sensitive::new("北京市西城区金融街7号".into()),
                    classes: vec![VehicleClass::C1],
                    first_issue_date: date(2012, Month::July, 20),
                    file_number: Sensitive::new("110001234567".into()),
                    photo: photo(),
                }),
            },
            GOOD_INDEX + 1,
        ),
        (
            Certificate {
                metadata: metadata(None, "110102001234-03"),
                body: CertificateBody::HouseholdRegister(HouseholdRegister {
                    household_number: Sensitive::new("110102001234".into()),
                    head_of_household: Sensitive::new("王大山".into()),
                    address: Sensitive::new("北京市西城区金融街7号".into()),
                    member: holder(),
                    relation: Relation::Son,
                    ethnicity: han,
                    birthplace: Sensitive::new("北京市".into()),
                }),
            },
            REVOKED_INDEX,
        ),
    ]
}

fn id_for(t: CertificateType) -> CertificateId {
    CertificateId::new(t.type_code(), issuer_code(), Serial::parse("20240601001").expect("serial"), 0)
        .expect("id")
}

/// Creates the wallet in `dir` (`wallet.db`, `root.pub`) and returns the verifier's view.
pub fn prepare(dir: &Path) -> World {
    let now = now();
    let (root, issuer_key) =
        (SigningKey::generate_p256().expect("key"), SigningKey::generate_p256().expect("key"));
    let entry = IssuerEntry::new(
        KID.to_vec(),
        Department::new("北京市公安局西城分局", ISSUER_CODE).expect("department"),
        issuer_key.verifying_key(),
        KeyValidity { from: now - 2 * DAY, to: now + 3 * 365 * DAY },
        CertificateType::ALL.iter().map(|t| t.code_str()),
    )
    .expect("entry");
    let info = TrustListInfo {
        sequence: 1,
        issued_at: now - 3_600,
        next_update: now + DAY,
        expires_at: now + 30 * DAY,
    };
    let trust_bytes = TrustList::sign(&[entry], &root, info).expect("sign trust list");
    let trust = CachedCopy::new(
        TrustList::verify_ignoring_expiry(&trust_bytes, &root.verifying_key()).expect("trust list"),
        now - 3_600,
    );
    let mut list = StatusList::new(Bits::Two, 8_192);
    list.set(REVOKED_INDEX as usize, Status::Invalid).expect("revoke");
    let claims = StatusListClaims {
        uri: STATUS_URI.into(),
        issued_at: now - 700,
        expires_at: Some(now + DAY),
        ttl_seconds: Some(3_600),
    };
    let status_bytes = list.sign(&claims, KID, &issuer_key).expect("sign status list");
    let status = CachedCopy::new(
        VerifiedStatusList::verify_ignoring_expiry(&status_bytes, &issuer_key.verifying_key())
            .expect("status"),
        now - 600,
    );

    std::fs::create_dir_all(dir).expect("data dir");
    std::fs::write(dir.join("root.pub"), root.verifying_key().as_bytes()).expect("root key");
    let conn = schema::open_file(&dir.join("wallet.db")).expect("database");
    let mut wallet = Wallet::create(conn, &PinWrapper::new(PIN).expect("pin"), now).expect("wallet");
    wallet.save_trust_list(&trust).expect("cache trust list");
    wallet.save_status_list(&status).expect("cache status list");

    let issuer = CertificateIssuer::new(&issuer_key, KID, issuer_code());
    let lookup = |kid: &[u8]| {
        trust.list().entry(kid).map(|e| IssuerKeyInfo {
            key: e.public_key().clone(),
            issuer_code: issuer_code(),
            allowed_types: CertificateType::ALL.to_vec(),
        })
    };
    let today = china_date_of(now).expect("today");
    for (certificate, index) in certificates(today) {
        let issued = issuer
            .issue(
                &certificate,
                &id_for(certificate.certificate_type()),
                &wallet.device_public_key(),
                &StatusReference { uri: STATUS_URI.into(), index },
                now - 3_600,
            )
            .expect("issue");
        wallet
            .import(&issued, |i| verify_certificate(&i.signed, &i.disclosures, lookup, now), now)
            .expect("import");
    }
    World { trust, status: vec![status], id_card: id_for(CertificateType::ResidentIdCard) }
}

/// A fresh data directory `target/e2e-data/NAME-XXXXXX` ([`shimin_tests::data_dir`]: kept unless
/// the test closes it) holding the prepared wallet, and the app started on it (it asks for
/// [`PIN`]).
pub async fn open_app(name: &str) -> anyhow::Result<(tempfile::TempDir, World, shimin_tests::AppSession)> {
    let data = shimin_tests::data_dir(name)?;
    let world = prepare(data.path());
    let data_dir = data.path().display().to_string();
    // Exports go into `exports` of the data directory, with no save dialog to answer.
    let exports = data.path().join("exports").display().to_string();
    let env = [("SHIMIN_DATA_DIR", data_dir.as_str()), ("SHIMIN_EXPORT_TO", exports.as_str())];
    let app = shimin_tests::AppSession::start(&env).await?;
    Ok((data, world, app))
}
