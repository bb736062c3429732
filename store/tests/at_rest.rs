//! Attack: someone holding a copy of the wallet's files (a backup, a stolen laptop's disk, the
//! database and its WAL copied off a phone) reads the presentation log — which certificate was
//! shown, with which preset and which attributes, and when — and the notification texts (a new
//! device's name, what was issued) without the PIN. The certificates are sealed under the data
//! key; these tests prove the log and the notification texts are too, that the app still lists
//! them after unlocking, and that a wallet written by an older build in clear is sealed at its
//! first unlock with the clear bytes gone from the file.

#![allow(clippy::expect_used, clippy::panic)] // Test code: a failed expectation is the test failing.

use std::path::Path;

use rusqlite::Connection;
use shimin_core::IdNumber;
use shimin_core::cert::kinds::{DegreeCertificate, DegreeLevel};
use shimin_core::cert::{
    Certificate, CertificateBody, CertificateId, CertificateIssuer, CertificateStatus, CertificateType,
    CreditCode, DivisionCode, IssuerKeyInfo, Metadata, Person, Serial, StatusReference, Validity,
    verify_certificate,
};
use shimin_core::crypto::SigningKey;
use shimin_core::records::{Enrolment, NotificationRecord, PresentationRecord};
use shimin_core::sensitive::Sensitive;
use shimin_store::{KeyError, PinWrapper, StoreError, Wallet, schema};
use time::{Date, Month};

/// 2024-06-01 00:30 China Standard Time.
const NOW: i64 = 1_717_173_000;
/// When the holder showed the certificate: a time that occurs nowhere else in the file.
const SHOWN_AT: i64 = NOW + 4_321;
/// A preset and attribute names that occur nowhere else in the file.
const PRESET: &str = "age_over_18";
const DISCLOSED: [&str; 2] = ["age_over_18", "photo_thumbnail"];
/// What a new device's notice says (the backend's text, with the device's label).
const NOTICE: &str = "新设备已登记：欧阳娜娜的平板";
const OTHER_NOTICE: &str = "您的学位证书已签发，请同步。";
/// The migration that seals the log and the notifications.
const SEALING_STEP: u32 = 7;

fn pin(p: &str) -> PinWrapper {
    PinWrapper::insecure_low_iterations_for_tests(p, 10).expect("pin")
}

fn issuer_code() -> CreditCode {
    CreditCode::parse("111101050000000017").expect("issuer code")
}

/// A wallet with one degree certificate in it, enrolled (notifications come with sync pages).
fn wallet_with_a_certificate(path: &Path) -> (Wallet, CertificateId) {
    let mut wallet = Wallet::create(schema::open_file(path).expect("db"), &pin("1234"), NOW).expect("create");
    let date = |y, m, d| Date::from_calendar_date(y, m, d).expect("date");
    let first17 = "11010519900315002";
    let check = shimin_core::id_number::check_character(first17).expect("17 digits");
    let certificate = Certificate {
        metadata: Metadata {
            number: Sensitive::new("D00001".into()),
            issuer_name: "福州大学".into(),
            issuer_code: issuer_code(),
            issue_date: date(2024, Month::June, 1),
            validity: Validity::new(date(2024, Month::June, 1), None).expect("validity"),
            jurisdiction: DivisionCode::parse("110102").expect("division"),
            status: CertificateStatus::Valid,
        },
        body: CertificateBody::DegreeCertificate(DegreeCertificate {
            person: Person::new("欧阳娜娜", IdNumber::parse(&format!("{first17}{check}")).expect("id")),
            level: DegreeLevel::Bachelor,
            discipline: "工学".into(),
            major: "计算机科学与技术".into(),
            university: "福州大学".into(),
            conferral_date: date(2012, Month::June, 30),
        }),
    };
    let id = CertificateId::new(
        CertificateType::DegreeCertificate.type_code(),
        issuer_code(),
        Serial::parse("1").expect("serial"),
        0,
    )
    .expect("id");
    let key = SigningKey::generate_p256().expect("issuer key");
    let status = StatusReference { uri: "https://status.example.invalid/1".into(), index: 0 };
    let issued = CertificateIssuer::new(&key, b"kid".to_vec(), issuer_code())
        .issue(&certificate, &id, &wallet.device_public_key(), &status, NOW)
        .expect("issue");
    let lookup = |_: &[u8]| {
        Some(IssuerKeyInfo {
            key: key.verifying_key(),
            issuer_code: issuer_code(),
            allowed_types: CertificateType::ALL.to_vec(),
        })
    };
    wallet
        .import(&issued, |i| verify_certificate(&i.signed, &i.disclosures, lookup, NOW), NOW)
        .expect("import");
    let root_key = SigningKey::generate_p256().expect("root").verifying_key();
    wallet
        .set_enrolment(&Enrolment {
            backend_url: "https://backend.example.invalid".into(),
            device_id: 7,
            root_key,
        })
        .expect("enrol");
    (wallet, id)
}

fn shown(id: &CertificateId) -> PresentationRecord {
    PresentationRecord {
        presented_at: SHOWN_AT,
        certificate_id: id.clone(),
        preset: PRESET.into(),
        disclosed: DISCLOSED.iter().map(|s| (*s).to_owned()).collect(),
        recipient: Default::default(),
    }
}

fn notices() -> Vec<NotificationRecord> {
    vec![
        NotificationRecord { id: 12, created_at: NOW + 60, message: NOTICE.into() },
        NotificationRecord { id: 11, created_at: NOW + 30, message: OTHER_NOTICE.into() },
    ]
}

/// Every byte SQLite keeps for the database at `path`: the file, its WAL and a rollback journal.
fn raw_bytes(path: &Path) -> Vec<u8> {
    let mut raw = std::fs::read(path).expect("db file");
    for suffix in ["-wal", "-journal"] {
        raw.extend(std::fs::read(format!("{}{suffix}", path.display())).unwrap_or_default());
    }
    raw
}

/// The texts the attacker looks for, each with what it is (for the failure message).
fn clear_texts() -> Vec<(&'static str, Vec<u8>)> {
    let mut texts = vec![
        ("the preset", PRESET.as_bytes().to_vec()),
        ("a notification text", NOTICE.as_bytes().to_vec()),
        ("a notification text", OTHER_NOTICE.as_bytes().to_vec()),
        // SQLite stores this integer as 4 big-endian bytes.
        ("the time of the presentation", i32::try_from(SHOWN_AT).expect("fits").to_be_bytes().to_vec()),
    ];
    texts.extend(DISCLOSED.iter().map(|name| ("a disclosed attribute's name", name.as_bytes().to_vec())));
    texts
}

/// The clear texts found in `raw`, by what they are.
fn found_in(raw: &[u8]) -> Vec<&'static str> {
    clear_texts()
        .into_iter()
        .filter(|(_, text)| raw.windows(text.len()).any(|w| w == text.as_slice()))
        .map(|(what, _)| what)
        .collect()
}

#[test]
fn the_presentation_log_and_notification_texts_are_not_in_the_files_and_the_app_still_lists_them() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("wallet.db");
    let (mut wallet, id) = wallet_with_a_certificate(&path);
    wallet.log_presentation(&shown(&id)).expect("log");
    wallet.finish_page("c1", &[], &notices()).expect("page");
    wallet.acknowledge_notifications(11).expect("acknowledge");

    // While the wallet is open, what was just written sits in the WAL.
    assert_eq!(found_in(&raw_bytes(&path)), Vec::<&str>::new(), "in clear while open");
    drop(wallet);
    assert_eq!(found_in(&raw_bytes(&path)), Vec::<&str>::new(), "in clear after closing");

    let wallet = Wallet::open(schema::open_file(&path).expect("db"), &pin("1234")).expect("unlock");
    assert_eq!(wallet.presentation_log().expect("log"), vec![shown(&id)]);
    assert_eq!(wallet.notifications().expect("notifications"), notices());
    assert_eq!(wallet.unacknowledged_notifications().expect("unacknowledged"), notices()[..1].to_vec());
}

/// The rows as a build before the sealing step wrote them, in a wallet at schema version 6: the
/// key material and the certificate come from a wallet made now (those tables did not change).
fn old_wallet(path: &Path, donor: &Path, id: &CertificateId) {
    let mut conn = schema::open_file(path).expect("db");
    schema::upgrade_to(&mut conn, SEALING_STEP - 1).expect("as the last build left it");
    conn.execute("ATTACH DATABASE ?1 AS donor", [donor.to_str().expect("utf-8 path")]).expect("attach");
    conn.execute_batch(
        "INSERT INTO key_material SELECT * FROM donor.key_material;
         INSERT INTO certificates SELECT * FROM donor.certificates;
         INSERT INTO sync_state SELECT * FROM donor.sync_state;
         DETACH DATABASE donor;",
    )
    .expect("copy the wallet");
    let record = shown(id);
    conn.execute(
        "INSERT INTO presentations (presented_at, certificate_id, preset, disclosed) VALUES (?1, ?2, ?3, ?4)",
        rusqlite::params![
            record.presented_at,
            record.certificate_id.to_string(),
            record.preset,
            serde_json::to_string(&record.disclosed).expect("json")
        ],
    )
    .expect("old log row");
    for (n, acknowledged) in notices().iter().zip([0, 1]) {
        conn.execute(
            "INSERT INTO notifications (id, created_at, message, acknowledged) VALUES (?1, ?2, ?3, ?4)",
            rusqlite::params![n.id, n.created_at, n.message, acknowledged],
        )
        .expect("old notification row");
    }
    conn.pragma_update(None, "wal_checkpoint", "TRUNCATE").expect("checkpoint");
}

fn schema_of(conn: &Connection) -> Vec<(String, String, Option<String>)> {
    schema::schema_snapshot(conn).expect("schema")
}

#[test]
fn an_old_wallet_is_sealed_at_its_first_unlock_and_its_clear_texts_are_gone_from_the_file() {
    let dir = tempfile::tempdir().expect("dir");
    let donor_path = dir.path().join("donor.db");
    let (donor, id) = wallet_with_a_certificate(&donor_path);
    let fresh = donor.lock();
    let path = dir.path().join("wallet.db");
    old_wallet(&path, &donor_path, &id);
    assert_eq!(found_in(&raw_bytes(&path)).len(), clear_texts().len(), "the old build wrote them in clear");

    // A wrong PIN migrates the schema but cannot seal: the clear rows wait for the key.
    assert!(matches!(
        Wallet::open(schema::open_file(&path).expect("db"), &pin("9999")),
        Err(StoreError::Key(KeyError::WrongPin))
    ));
    assert_eq!(
        schema::user_version(&schema::open_file(&path).expect("db")).expect("v"),
        schema::SCHEMA_VERSION
    );

    let wallet = Wallet::open(schema::open_file(&path).expect("db"), &pin("1234")).expect("unlock");
    assert_eq!(wallet.presentation_log().expect("log"), vec![shown(&id)]);
    assert_eq!(wallet.notifications().expect("notifications"), notices());
    assert_eq!(wallet.unacknowledged_notifications().expect("unacknowledged"), notices()[..1].to_vec());
    assert_eq!(found_in(&raw_bytes(&path)), Vec::<&str>::new(), "in clear after the first unlock");
    assert_eq!(schema_of(wallet.connection()), schema_of(&fresh), "the same schema as a new wallet");
    drop(wallet);
    assert_eq!(found_in(&raw_bytes(&path)), Vec::<&str>::new(), "in clear after closing");

    // Nothing is sealed twice: the next unlock reads the same.
    let wallet = Wallet::open(schema::open_file(&path).expect("db"), &pin("1234")).expect("unlock again");
    assert_eq!(wallet.presentation_log().expect("log"), vec![shown(&id)]);
    assert_eq!(wallet.notifications().expect("notifications"), notices());
}
