//! The wallet, end to end: a citizen creates a wallet with a PIN, imports certificates that a
//! department issued to the wallet's device key (checked against a signed trust list), renews
//! one, searches, shows them and exports the log of what was shown. Along the way: nothing
//! personal is on disk in clear, and a bad certificate, a wrong PIN or a damaged row never
//! changes or breaks what is stored.

#![allow(clippy::expect_used, clippy::panic)] // Test code: a failed expectation is the test failing.

use std::path::{Path, PathBuf};

use rusqlite::Connection;
use shimin_core::IdNumber;
use shimin_core::cert::kinds::{DegreeCertificate, DegreeLevel, DrivingLicence, Ethnicity, ResidentIdCard};
use shimin_core::cert::kinds::{Photo, VehicleClass};
use shimin_core::cert::{
    AttributeValue, Certificate, CertificateBody, CertificateId, CertificateIssuer, CertificateStatus,
    CertificateType, CertificateVerifyError, CreditCode, DivisionCode, HolderId, IssuedCertificate,
    IssuerKeyInfo, Metadata, Person, Serial, StatusReference, Validity, VerifiedCertificate,
    verify_certificate,
};
use shimin_core::crypto::{SigningKey, VerifyingKey};
use shimin_core::id_number::check_character;
use shimin_core::sensitive::Sensitive;
use shimin_core::trust::VerifiedTrustList;
use shimin_core::trust::{CachedCopy, Department, IssuerEntry, KeyValidity, TrustList, TrustListInfo};
use shimin_store::keys::DEFAULT_PIN_ITERATIONS;
use shimin_store::{
    ImportError, ImportOutcome, KeyError, PinWrapper, PresentationRecord, Search, StoreError, Wallet, cache,
    schema,
};
use time::{Date, Month};

/// 2024-06-01 00:30 China Standard Time.
const NOW: i64 = 1_717_173_000;
const DAY: i64 = 86_400;
const KID: &[u8] = b"bj-psb-2024";
const HOLDER_NAME: &str = "欧阳娜娜";
const ADDRESS: &str = "北京市西城区金融街7号";

fn date(y: i32, m: Month, d: u8) -> Date {
    Date::from_calendar_date(y, m, d).expect("date")
}

fn holder_id_number() -> IdNumber {
    let first17 = "11010519900315002";
    let check = check_character(first17).expect("17 digits");
    IdNumber::parse(&format!("{first17}{check}")).expect("ID number")
}

fn holder() -> Person {
    Person::new(HOLDER_NAME, holder_id_number())
}

fn issuer_code() -> CreditCode {
    CreditCode::parse("111101050000000017").expect("issuer code")
}

/// A fast PIN wrapper for tests; one test below proves the 600,000-iteration default.
fn pin(p: &str) -> PinWrapper {
    PinWrapper::insecure_low_iterations_for_tests(p, 10).expect("pin")
}

fn metadata(valid_until: Option<Date>) -> Metadata {
    Metadata {
        number: Sensitive::new("A0001".into()),
        issuer_name: "北京市公安局西城分局".into(),
        issuer_code: issuer_code(),
        issue_date: date(2024, Month::June, 1),
        validity: Validity::new(date(2024, Month::June, 1), valid_until).expect("validity"),
        jurisdiction: DivisionCode::parse("110102").expect("division"),
        status: CertificateStatus::Valid,
    }
}

fn id_card(valid_until: Date) -> Certificate {
    Certificate {
        metadata: metadata(Some(valid_until)),
        body: CertificateBody::ResidentIdCard(ResidentIdCard {
            person: holder(),
            ethnicity: Ethnicity::from_code(1).expect("汉"),
            address: Sensitive::new(ADDRESS.into()),
            photo: Photo::new(vec![0x5c; 600]),
        }),
    }
}

fn driving_licence(valid_until: Date) -> Certificate {
    Certificate {
        metadata: metadata(Some(valid_until)),
        body: CertificateBody::DrivingLicence(DrivingLicence {
            person: holder(),
            nationality: "CHN".into(),
            address: Sensitive::new(ADDRESS.into()),
            classes: vec![VehicleClass::C1],
            first_issue_date: date(2012, Month::July, 20),
            file_number: Sensitive::new("110001234567".into()),
            photo: None,
        }),
    }
}

fn degree() -> Certificate {
    Certificate {
        metadata: metadata(None),
        body: CertificateBody::DegreeCertificate(DegreeCertificate {
            person: holder(),
            level: DegreeLevel::Bachelor,
            discipline: "工学".into(),
            major: "计算机科学与技术".into(),
            university: "福州大学".into(),
            conferral_date: date(2012, Month::June, 30),
        }),
    }
}

fn id_of(t: CertificateType, serial: &str, version: u16) -> CertificateId {
    CertificateId::new(t.type_code(), issuer_code(), Serial::parse(serial).expect("serial"), version)
        .expect("id")
}

/// The issuing department and the national root that lists its key.
struct Issuer {
    key: SigningKey,
    trust: VerifiedTrustList,
    root: SigningKey,
}

impl Issuer {
    fn new() -> Self {
        let key = SigningKey::generate_p256().expect("issuer key");
        let root = SigningKey::generate_p256().expect("root key");
        let department = Department::new("北京市公安局西城分局", issuer_code().as_str()).expect("department");
        let types: Vec<String> = CertificateType::ALL.iter().map(|t| t.type_code().to_string()).collect();
        let entry = IssuerEntry::new(
            KID,
            department,
            key.verifying_key(),
            KeyValidity { from: NOW - 365 * DAY, to: NOW + 3650 * DAY },
            types,
        )
        .expect("entry");
        let info = TrustListInfo {
            sequence: 7,
            issued_at: NOW - DAY,
            next_update: NOW + DAY,
            expires_at: NOW + 30 * DAY,
        };
        let bytes = TrustList::sign(&[entry], &root, info).expect("sign trust list");
        let trust = TrustList::verify(&bytes, &root.verifying_key(), NOW).expect("trust list");
        Self { key, trust, root }
    }

    fn issue(
        &self,
        certificate: &Certificate,
        id: &CertificateId,
        device: &VerifyingKey,
    ) -> IssuedCertificate {
        let status = StatusReference { uri: "https://status.example.invalid/7".into(), index: 42 };
        CertificateIssuer::new(&self.key, KID, issuer_code())
            .issue(certificate, id, device, &status, NOW)
            .expect("issue")
    }

    /// What the app passes to `import`: signature and trust through the core, at `now`.
    fn verifier(
        &self,
        now: i64,
    ) -> impl Fn(&IssuedCertificate) -> Result<VerifiedCertificate, CertificateVerifyError> {
        move |issued| {
            let lookup = |kid: &[u8]| {
                self.trust.entry(kid).map(|e| IssuerKeyInfo {
                    key: e.public_key().clone(),
                    issuer_code: issuer_code(),
                    allowed_types: CertificateType::ALL.to_vec(),
                })
            };
            verify_certificate(&issued.signed, &issued.disclosures, lookup, now)
        }
    }
}

fn db_path(dir: &tempfile::TempDir) -> PathBuf {
    dir.path().join("wallet.db")
}

fn open(path: &Path) -> Connection {
    schema::open_file(path).expect("open database")
}

/// Every column of every certificate row, in id order: what "untouched" is compared with.
fn certificate_rows(conn: &Connection) -> Vec<Vec<rusqlite::types::Value>> {
    all_rows(conn, "SELECT * FROM certificates ORDER BY id")
}

fn all_rows(conn: &Connection, sql: &str) -> Vec<Vec<rusqlite::types::Value>> {
    let mut stmt = conn.prepare(sql).expect("prepare");
    let n = stmt.column_count();
    stmt.query_map([], |r| (0..n).map(|i| r.get(i)).collect())
        .expect("query")
        .collect::<Result<_, _>>()
        .expect("rows")
}

fn import(wallet: &mut Wallet, issuer: &Issuer, issued: &IssuedCertificate) -> ImportOutcome {
    wallet.import(issued, issuer.verifier(NOW), NOW).expect("import")
}

#[test]
fn the_default_pin_wrapper_uses_600k_iterations_and_refuses_a_wrong_pin() {
    let dir = tempfile::tempdir().expect("dir");
    let path = db_path(&dir);
    let wallet = Wallet::create(open(&path), &PinWrapper::new("246810").expect("pin"), NOW).expect("create");
    let device = wallet.device_public_key();
    let conn = wallet.lock();
    let iterations: i64 =
        conn.query_row("SELECT iterations FROM key_material", [], |r| r.get(0)).expect("iterations");
    assert_eq!(iterations, i64::from(DEFAULT_PIN_ITERATIONS));
    assert!(iterations >= 600_000);
    drop(conn);

    let wrong = Wallet::open(open(&path), &PinWrapper::new("246811").expect("pin"));
    assert!(matches!(wrong, Err(StoreError::Key(KeyError::WrongPin))));
    let wallet = Wallet::open(open(&path), &PinWrapper::new("246810").expect("pin")).expect("unlock");
    assert_eq!(wallet.device_public_key(), device);
}

#[test]
fn a_wrong_pin_is_refused_and_changes_nothing() {
    let dir = tempfile::tempdir().expect("dir");
    let path = db_path(&dir);
    drop(Wallet::create(open(&path), &pin("1234"), NOW).expect("create"));
    let key_rows = |conn: &Connection| all_rows(conn, "SELECT * FROM key_material");
    let before = key_rows(&open(&path));
    assert_eq!(before.len(), 1);
    assert!(matches!(Wallet::open(open(&path), &pin("4321")), Err(StoreError::Key(KeyError::WrongPin))));
    assert_eq!(key_rows(&open(&path)), before);
    Wallet::open(open(&path), &pin("1234")).expect("the right PIN still works");
}

#[test]
fn after_a_pin_change_only_the_new_pin_unlocks_and_certificates_stay_readable() {
    let dir = tempfile::tempdir().expect("dir");
    let path = db_path(&dir);
    let issuer = Issuer::new();
    let mut wallet = Wallet::create(open(&path), &pin("1111"), NOW).expect("create");
    let id = id_of(CertificateType::ResidentIdCard, "1", 0);
    let issued = issuer.issue(&id_card(date(2034, Month::May, 31)), &id, &wallet.device_public_key());
    import(&mut wallet, &issuer, &issued);
    let sealed_before = certificate_rows(wallet.connection());

    assert!(matches!(
        wallet.change_pin(&pin("9999"), &pin("2222"), NOW),
        Err(StoreError::Key(KeyError::WrongPin))
    ));
    wallet.change_pin(&pin("1111"), &pin("2222"), NOW + 1).expect("change PIN");
    assert_eq!(certificate_rows(wallet.connection()), sealed_before, "certificates are not re-encrypted");
    drop(wallet);

    assert!(matches!(Wallet::open(open(&path), &pin("1111")), Err(StoreError::Key(KeyError::WrongPin))));
    let wallet = Wallet::open(open(&path), &pin("2222")).expect("new PIN");
    assert_eq!(wallet.get(&id).expect("get").issued, issued);
}

#[test]
fn nothing_personal_is_stored_in_clear() {
    let dir = tempfile::tempdir().expect("dir");
    let path = db_path(&dir);
    let issuer = Issuer::new();
    let mut wallet = Wallet::create(open(&path), &pin("1234"), NOW).expect("create");
    let device = wallet.device_public_key();
    let card = issuer.issue(
        &id_card(date(2034, Month::May, 31)),
        &id_of(CertificateType::ResidentIdCard, "1", 0),
        &device,
    );
    let licence = issuer.issue(
        &driving_licence(date(2030, Month::May, 31)),
        &id_of(CertificateType::DrivingLicence, "2", 0),
        &device,
    );
    import(&mut wallet, &issuer, &card);
    import(&mut wallet, &issuer, &licence);
    let record = PresentationRecord {
        presented_at: NOW,
        certificate_id: id_of(CertificateType::ResidentIdCard, "1", 0),
        preset: "identity".into(),
        disclosed: vec!["name".into(), "id_number_masked".into()],
        recipient: Default::default(),
    };
    wallet.log_presentation(&record).expect("log");
    // Fold the WAL into the main file, then read every byte SQLite wrote.
    wallet.connection().pragma_update(None, "wal_checkpoint", "TRUNCATE").expect("checkpoint");
    drop(wallet);

    let mut raw = std::fs::read(&path).expect("db file");
    for suffix in ["-wal", "-journal"] {
        raw.extend(std::fs::read(format!("{}{suffix}", path.display())).unwrap_or_default());
    }
    let contains = |needle: &[u8]| raw.windows(needle.len()).any(|w| w == needle);
    let id_number = holder_id_number();
    let mut secrets: Vec<Vec<u8>> = vec![
        HOLDER_NAME.as_bytes().to_vec(),
        id_number.as_str().as_bytes().to_vec(),
        ADDRESS.as_bytes().to_vec(),
        "110001234567".as_bytes().to_vec(),
        vec![0x5c; 64], // the photo
    ];
    // Every disclosed text value and every salt, from both certificates.
    for d in card.disclosures.iter().chain(&licence.disclosures) {
        secrets.push(d.salt.clone());
        // Short codes ("C1", "CHN") could occur by chance; names, numbers and addresses cannot.
        if let AttributeValue::Text(t) = &d.value
            && t.chars().count() >= 4
        {
            secrets.push(t.as_bytes().to_vec());
        }
    }
    for secret in &secrets {
        assert!(!contains(secret), "found {} plaintext bytes in the database file", secret.len());
    }
    // The check can see: the identifiers are stored in clear on purpose.
    assert!(contains(id_of(CertificateType::ResidentIdCard, "1", 0).to_string().as_bytes()));
}

#[test]
fn a_bad_certificate_is_refused_with_its_reason_and_nothing_stored_is_touched() {
    let issuer = Issuer::new();
    let mut wallet =
        Wallet::create(schema::open_in_memory().expect("db"), &pin("1234"), NOW).expect("create");
    let device = wallet.device_public_key();
    for (t, serial, cert) in [
        (CertificateType::ResidentIdCard, "1", id_card(date(2034, Month::May, 31))),
        (CertificateType::DrivingLicence, "2", driving_licence(date(2030, Month::May, 31))),
    ] {
        import(&mut wallet, &issuer, &issuer.issue(&cert, &id_of(t, serial, 0), &device));
    }
    let before = certificate_rows(wallet.connection());
    assert_eq!(before.len(), 2);

    // A renewal of the ID card whose signature was tampered with.
    let renewal_id = id_of(CertificateType::ResidentIdCard, "1", 1);
    let mut tampered = issuer.issue(&id_card(date(2044, Month::May, 31)), &renewal_id, &device);
    let last = tampered.signed.len() - 1;
    tampered.signed[last] ^= 0x01;
    let refused = wallet.import(&tampered, issuer.verifier(NOW), NOW);
    assert!(
        matches!(refused, Err(ImportError::Refused(CertificateVerifyError::BadSignature))),
        "{refused:?}"
    );

    // A disclosure whose value was changed after issuance.
    let mut forged = issuer.issue(&id_card(date(2044, Month::May, 31)), &renewal_id, &device);
    forged.disclosures[0].value = AttributeValue::Text("X".into());
    assert!(matches!(
        wallet.import(&forged, issuer.verifier(NOW), NOW),
        Err(ImportError::Refused(CertificateVerifyError::DigestMismatch { .. }))
    ));

    // Valid, but issued to someone else's device.
    let other_device = SigningKey::generate_p256().expect("key").verifying_key();
    let not_mine = issuer.issue(&id_card(date(2044, Month::May, 31)), &renewal_id, &other_device);
    assert!(matches!(
        wallet.import(&not_mine, issuer.verifier(NOW), NOW),
        Err(ImportError::Store(StoreError::WrongDevice))
    ));

    // Valid, but checked at a time when it had expired.
    let expired = issuer.issue(&id_card(date(2044, Month::May, 31)), &renewal_id, &device);
    assert!(matches!(
        wallet.import(&expired, issuer.verifier(NOW + 30 * 365 * DAY), NOW),
        Err(ImportError::Refused(CertificateVerifyError::Expired))
    ));

    assert_eq!(certificate_rows(wallet.connection()), before, "stored rows are byte-identical");
    // The good renewal still goes in afterwards.
    assert_eq!(import(&mut wallet, &issuer, &expired), ImportOutcome::Renewed { previous_version: 0 });
}

#[test]
fn a_renewal_becomes_current_and_keeps_the_old_version_as_history() {
    let issuer = Issuer::new();
    let mut wallet =
        Wallet::create(schema::open_in_memory().expect("db"), &pin("1234"), NOW).expect("create");
    let device = wallet.device_public_key();
    let v0 = id_of(CertificateType::DrivingLicence, "77", 0);
    let v1 = v0.next_version().expect("v1");
    let old = issuer.issue(&driving_licence(date(2026, Month::May, 31)), &v0, &device);
    let new = issuer.issue(&driving_licence(date(2032, Month::May, 31)), &v1, &device);

    assert_eq!(import(&mut wallet, &issuer, &old), ImportOutcome::Added);
    assert_eq!(import(&mut wallet, &issuer, &new), ImportOutcome::Renewed { previous_version: 0 });
    assert_eq!(import(&mut wallet, &issuer, &new), ImportOutcome::AlreadyStored);
    // The old version is already kept as history: importing it again changes nothing.
    assert_eq!(import(&mut wallet, &issuer, &old), ImportOutcome::AlreadyStored);

    let listed = wallet.list().expect("list");
    assert_eq!(listed.iter().map(|c| c.id.clone()).collect::<Vec<_>>(), vec![v1.clone()]);
    let history = wallet.history(&v0).expect("history");
    assert_eq!(
        history.iter().map(|c| (c.id.version(), c.current)).collect::<Vec<_>>(),
        vec![(1, true), (0, false)]
    );
    assert_eq!(history[1].issued, old);
    let got = wallet.get(&v0).expect("old version by id");
    assert!(!got.current);
    assert!(got.valid_to < history[0].valid_to);
}

#[test]
fn the_list_shows_soonest_expiry_first_and_search_finds_by_type_holder_and_text() {
    let issuer = Issuer::new();
    let mut wallet =
        Wallet::create(schema::open_in_memory().expect("db"), &pin("1234"), NOW).expect("create");
    let device = wallet.device_public_key();
    let card = id_of(CertificateType::ResidentIdCard, "1", 0);
    let licence = id_of(CertificateType::DrivingLicence, "2", 0);
    let diploma = id_of(CertificateType::DegreeCertificate, "3", 0);
    // Imported in an order that is not the expiry order.
    import(&mut wallet, &issuer, &issuer.issue(&degree(), &diploma, &device));
    import(&mut wallet, &issuer, &issuer.issue(&id_card(date(2034, Month::May, 31)), &card, &device));
    import(
        &mut wallet,
        &issuer,
        &issuer.issue(&driving_licence(date(2026, Month::May, 31)), &licence, &device),
    );

    let ids =
        |found: Vec<shimin_store::StoredCertificate>| found.into_iter().map(|c| c.id).collect::<Vec<_>>();
    assert_eq!(ids(wallet.list().expect("list")), vec![licence.clone(), card.clone(), diploma.clone()]);

    let by_type = Search { certificate_type: Some(CertificateType::ResidentIdCard), ..Search::default() };
    assert_eq!(ids(wallet.search(&by_type).expect("search")), vec![card.clone()]);

    let mine = Search { holder: Some(HolderId::Resident(holder_id_number())), ..Search::default() };
    assert_eq!(wallet.search(&mine).expect("search").len(), 3);
    let stranger = IdNumber::parse(&{
        let first17 = "11010519850101001";
        format!("{first17}{}", check_character(first17).expect("check"))
    })
    .expect("id");
    let theirs = Search { holder: Some(HolderId::Resident(stranger)), ..Search::default() };
    assert!(wallet.search(&theirs).expect("search").is_empty());

    let by_name = Search { text: Some("欧阳".into()), ..Search::default() };
    assert_eq!(wallet.search(&by_name).expect("search").len(), 3);
    let by_university = Search { text: Some("福州大学".into()), ..Search::default() };
    assert_eq!(ids(wallet.search(&by_university).expect("search")), vec![diploma.clone()]);
    let both = Search {
        certificate_type: Some(CertificateType::DrivingLicence),
        text: Some("福州".into()),
        ..Search::default()
    };
    assert!(wallet.search(&both).expect("search").is_empty());
    assert_eq!(wallet.list().expect("list")[0].holder_name(), Some(HOLDER_NAME));
}

#[test]
fn presentations_are_logged_without_values_and_exported_as_json_lines() {
    let issuer = Issuer::new();
    let mut wallet =
        Wallet::create(schema::open_in_memory().expect("db"), &pin("1234"), NOW).expect("create");
    let card = id_of(CertificateType::ResidentIdCard, "1", 0);
    let issued = issuer.issue(&id_card(date(2034, Month::May, 31)), &card, &wallet.device_public_key());
    import(&mut wallet, &issuer, &issued);

    let later = PresentationRecord {
        presented_at: NOW + 600,
        certificate_id: card.clone(),
        preset: "age_over_18".into(),
        disclosed: vec!["age_over_18".into()],
        recipient: Default::default(),
    };
    let earlier = PresentationRecord {
        presented_at: NOW + 60,
        certificate_id: card.clone(),
        preset: "identity".into(),
        disclosed: vec!["name".into(), "id_number_masked".into(), "photo".into()],
        recipient: Default::default(),
    };
    wallet.log_presentation(&later).expect("log");
    wallet.log_presentation(&earlier).expect("log");
    let unknown = PresentationRecord {
        certificate_id: id_of(CertificateType::DrivingLicence, "9", 0),
        ..earlier.clone()
    };
    assert!(matches!(wallet.log_presentation(&unknown), Err(StoreError::NotFound)));
    assert_eq!(wallet.presentation_log().expect("log"), vec![earlier.clone(), later.clone()]);

    let mut out = Vec::new();
    // The export is the wallet's use case, over this store.
    assert_eq!(shimin_core::wallet::history::export(&wallet, &mut out).expect("export"), 2);
    let text = String::from_utf8(out).expect("utf-8");
    let lines: Vec<serde_json::Value> =
        text.lines().map(|l| serde_json::from_str(l).expect("each line is JSON")).collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["presented_at"], earlier.presented_at);
    assert_eq!(lines[0]["preset"], "identity");
    assert_eq!(lines[0]["certificate_id"], card.to_string());
    assert_eq!(lines[0]["disclosed"], serde_json::json!(earlier.disclosed));
    assert_eq!(lines[1]["disclosed"], serde_json::json!(["age_over_18"]));
    assert!(lines[0]["presented_at_utc"].as_str().expect("utc").starts_with("2024-05-31T16:"));
    assert!(!text.contains(HOLDER_NAME) && !text.contains(holder_id_number().as_str()));
}

fn schema_of(conn: &Connection) -> Vec<(String, String, Option<String>)> {
    schema::schema_snapshot(conn).expect("schema")
}

#[test]
fn a_database_upgraded_step_by_step_equals_a_fresh_one() {
    let dir = tempfile::tempdir().expect("dir");
    let fresh = Wallet::create(open(&dir.path().join("fresh.db")), &pin("1"), NOW).expect("fresh").lock();

    let old_path = dir.path().join("old.db");
    let mut old = open(&old_path);
    schema::upgrade_to(&mut old, 1).expect("as the first release left it");
    assert_eq!(schema::user_version(&old).expect("version"), 1);
    assert_ne!(schema_of(&old), schema_of(&fresh));
    for step in 2..=schema::SCHEMA_VERSION {
        schema::upgrade_to(&mut old, step).expect("one step");
        assert_eq!(schema::user_version(&old).expect("version"), step);
    }
    drop(old);
    let upgraded = Wallet::create(open(&old_path), &pin("1"), NOW).expect("create on upgraded").lock();
    assert_eq!(schema_of(&upgraded), schema_of(&fresh));
    assert_eq!(schema::user_version(&upgraded).expect("v"), schema::user_version(&fresh).expect("v"));
    let mode: String = upgraded.pragma_query_value(None, "journal_mode", |r| r.get(0)).expect("mode");
    assert_eq!(mode, "wal");
}

#[test]
fn a_corrupted_encrypted_blob_gives_a_typed_error() {
    let issuer = Issuer::new();
    let mut wallet =
        Wallet::create(schema::open_in_memory().expect("db"), &pin("1234"), NOW).expect("create");
    let device = wallet.device_public_key();
    let card = id_of(CertificateType::ResidentIdCard, "1", 0);
    let licence = id_of(CertificateType::DrivingLicence, "2", 0);
    import(&mut wallet, &issuer, &issuer.issue(&id_card(date(2034, Month::May, 31)), &card, &device));
    import(
        &mut wallet,
        &issuer,
        &issuer.issue(&driving_licence(date(2030, Month::May, 31)), &licence, &device),
    );

    let conn = wallet.lock();
    // Flip one bit in the middle of the licence's ciphertext.
    let sealed: Vec<u8> = conn
        .query_row("SELECT sealed FROM certificates WHERE id = ?1", [licence.to_string()], |r| r.get(0))
        .expect("blob");
    let mut damaged = sealed.clone();
    let middle = damaged.len() / 2;
    damaged[middle] ^= 0x10;
    conn.execute(
        "UPDATE certificates SET sealed = ?1 WHERE id = ?2",
        rusqlite::params![damaged, licence.to_string()],
    )
    .expect("damage");
    let wallet = Wallet::open(conn, &pin("1234")).expect("unlock");
    assert!(matches!(wallet.get(&licence), Err(StoreError::Undecryptable { table: "certificates" })));
    assert!(matches!(wallet.list(), Err(StoreError::Undecryptable { .. })));
    assert!(wallet.get(&card).is_ok(), "the other certificate is still readable");

    // A blob moved to another row does not open either: it is bound to its identifier.
    let conn = wallet.lock();
    conn.execute(
        "UPDATE certificates SET sealed = ?1 WHERE id = ?2",
        rusqlite::params![sealed, card.to_string()],
    )
    .expect("swap");
    let wallet = Wallet::open(conn, &pin("1234")).expect("unlock");
    assert!(matches!(wallet.get(&card), Err(StoreError::Undecryptable { .. })));
}

#[test]
fn the_cached_trust_list_is_kept_and_verified_again_when_read() {
    let issuer = Issuer::new();
    let mut wallet =
        Wallet::create(schema::open_in_memory().expect("db"), &pin("1234"), NOW).expect("create");
    assert!(
        cache::load_trust_list(wallet.connection(), &issuer.root.verifying_key()).expect("empty").is_none()
    );
    wallet.save_trust_list(&CachedCopy::new(issuer.trust.clone(), NOW - 3600)).expect("save");
    wallet.save_trust_list(&CachedCopy::new(issuer.trust.clone(), NOW)).expect("save again");

    // An older list (sequence 6 < 7), even validly signed by the root, never replaces it.
    let older_info = TrustListInfo { sequence: 6, ..issuer.trust.info() };
    let older_bytes = TrustList::sign(issuer.trust.entries(), &issuer.root, older_info).expect("sign older");
    let older = TrustList::verify(&older_bytes, &issuer.root.verifying_key(), NOW).expect("older list");
    assert!(matches!(
        wallet.save_trust_list(&CachedCopy::new(older, NOW + 60)),
        Err(StoreError::OlderList("trust list"))
    ));

    let conn = wallet.lock(); // a locked wallet can still verify offline
    let cached = cache::load_trust_list(&conn, &issuer.root.verifying_key()).expect("load").expect("cached");
    assert_eq!(cached.fetched_at(), NOW);
    assert_eq!(cached.list().info().sequence, 7);
    // The list was signed a day before it was fetched: its age counts from then.
    assert_eq!(cached.freshness(NOW + 120).age_seconds, (DAY + 120) as u64);
    let impostor = SigningKey::generate_p256().expect("key").verifying_key();
    assert!(matches!(cache::load_trust_list(&conn, &impostor), Err(StoreError::CachedList(_))));
}

#[test]
fn a_cached_status_list_is_replaced_only_by_a_later_one() {
    use shimin_core::status_list::{Bits, Status, StatusList, StatusListClaims, VerifiedStatusList};
    let key = SigningKey::generate_p256().expect("status key");
    let uri = "https://status.example.invalid/7";
    let signed_at = |issued_at: i64, revoked: bool| {
        let mut list = StatusList::new(Bits::Two, 1_024);
        if revoked {
            list.set(42, Status::Invalid).expect("revoke");
        }
        let claims = StatusListClaims {
            uri: uri.into(),
            issued_at,
            expires_at: Some(NOW + DAY),
            ttl_seconds: Some(3_600),
        };
        let bytes = list.sign(&claims, b"status", &key).expect("sign");
        VerifiedStatusList::verify(&bytes, &key.verifying_key(), NOW).expect("verify")
    };
    let mut wallet =
        Wallet::create(schema::open_in_memory().expect("db"), &pin("1234"), NOW).expect("create");

    wallet.save_status_list(&CachedCopy::new(signed_at(NOW - 600, true), NOW - 60)).expect("save");
    // A list issued earlier (one where index 42 was not yet revoked) must not undo the revocation.
    assert!(matches!(
        wallet.save_status_list(&CachedCopy::new(signed_at(NOW - 7_200, false), NOW)),
        Err(StoreError::OlderList("status list"))
    ));
    let cached = cache::load_status_list(wallet.connection(), uri, &key.verifying_key())
        .expect("load")
        .expect("cached");
    assert_eq!(cached.fetched_at(), NOW - 60);
    assert_eq!(cached.list().status_at(42).expect("index"), Status::Invalid);
    assert_eq!(
        cache::cached_status_lists(wallet.connection()).expect("uris"),
        vec![(uri.to_owned(), NOW - 60)]
    );
}
