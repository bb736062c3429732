//! Attack: someone holding a copy of the wallet's files reads what a citizen applied for — the
//! form's answers (an address, a phone number, an employer), the presentations of certificates
//! and the uploaded files. Each application and each upload is sealed under the data key (migration
//! 009); these tests prove none of it is in the files in clear, that the app reads it back after
//! unlocking, that a sealed record moved to another row does not open, and that the uploads are
//! let go once the application has left the outbox.

#![allow(clippy::expect_used, clippy::panic)] // Test code.

use std::collections::BTreeMap;
use std::path::Path;

use shimin_core::wallet::applications::{ApplicationRecord, LocalPhase};
use shimin_store::{PinWrapper, StoreError, Wallet, schema};
use shimin_wire::application::{
    FieldValueDto, MaterialSourceDto, MaterialSubmissionDto, SubmissionRequest, UploadTypeDto,
};
use shimin_wire::catalogue::Localized;

const NOW: i64 = 1_717_173_000;
/// Answers that occur nowhere else in the file.
const ADDRESS: &str = "北京市朝阳区幸福里七号院3单元";
const PHONE: &str = "13912345678";
const FILE: &[u8] = b"%PDF-1.7 tenancy agreement of Ouyang Nana %%EOF";
const SHA: &str = "ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12";

fn pin(p: &str) -> PinWrapper {
    PinWrapper::insecure_low_iterations_for_tests(p, 10).expect("pin")
}

fn record(id: &str) -> ApplicationRecord {
    let values: BTreeMap<String, FieldValueDto> = [
        ("address".to_owned(), FieldValueDto::Text(ADDRESS.into())),
        ("phone".to_owned(), FieldValueDto::Text(PHONE.into())),
    ]
    .into_iter()
    .collect();
    ApplicationRecord {
        id: id.to_owned(),
        service_name: Localized { hans: "居住证签发".into(), hant: None, en: None },
        created_at: NOW,
        phase: LocalPhase::Waiting,
        request: SubmissionRequest {
            application_id: id.to_owned(),
            service_code: "11110105MB0000000X4000111001000".into(),
            catalogue_version: 3,
            values,
            materials: vec![MaterialSubmissionDto {
                material: 1,
                source: MaterialSourceDto::Upload {
                    sha256: SHA.into(),
                    media_type: UploadTypeDto::Pdf,
                    size: 48,
                },
            }],
        },
        uploads_sent: Vec::new(),
        findings: Vec::new(),
        timeline: None,
        updated_at: None,
    }
}

fn raw_bytes(path: &Path) -> Vec<u8> {
    let mut raw = std::fs::read(path).expect("db file");
    for suffix in ["-wal", "-journal"] {
        raw.extend(std::fs::read(format!("{}{suffix}", path.display())).unwrap_or_default());
    }
    raw
}

fn found(raw: &[u8]) -> Vec<&'static str> {
    [
        ("an address", ADDRESS.as_bytes()),
        ("a phone", PHONE.as_bytes()),
        ("a file", &FILE[..20]),
        ("a service name", "居住证签发".as_bytes()),
    ]
    .into_iter()
    .filter(|(_, t)| raw.windows(t.len()).any(|w| w == *t))
    .map(|(what, _)| what)
    .collect()
}

#[test]
fn an_application_and_its_files_are_sealed_at_rest_and_read_back_after_unlocking() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("wallet.db");
    let mut wallet =
        Wallet::create(schema::open_file(&path).expect("db"), &pin("1234"), NOW).expect("create");
    let id = "0123456789abcdef0123456789abcdef";
    wallet.queue_application(&record(id), &[(SHA.to_owned(), FILE.to_vec())]).expect("queued");
    assert_eq!(found(&raw_bytes(&path)), Vec::<&str>::new(), "in clear while open");
    drop(wallet);
    assert_eq!(found(&raw_bytes(&path)), Vec::<&str>::new(), "in clear after closing");

    let mut wallet = Wallet::open(schema::open_file(&path).expect("db"), &pin("1234")).expect("unlock");
    assert_eq!(wallet.applications().expect("read"), vec![record(id)]);
    assert_eq!(wallet.application_upload(id, SHA).expect("read"), Some(FILE.to_vec()));

    // Sent: the record changes, the file is let go.
    let mut sent = record(id);
    sent.phase = LocalPhase::Sent;
    wallet.save_application(&sent).expect("saved");
    assert_eq!(wallet.applications().expect("read"), vec![sent]);
    assert_eq!(wallet.application_upload(id, SHA).expect("read"), None);
    assert!(matches!(
        wallet.save_application(&record("ffffffffffffffffffffffffffffffff")),
        Err(StoreError::NotFound)
    ));
}

#[test]
fn a_sealed_application_copied_to_another_row_does_not_open() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("wallet.db");
    let mut wallet =
        Wallet::create(schema::open_file(&path).expect("db"), &pin("1234"), NOW).expect("create");
    wallet.queue_application(&record("0123456789abcdef0123456789abcdef"), &[]).expect("queued");
    drop(wallet);
    let conn = schema::open_file(&path).expect("db");
    conn.execute(
        "INSERT INTO applications (id, created_at, waiting, sealed)
         SELECT 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', created_at + 1, waiting, sealed FROM applications",
        [],
    )
    .expect("copy");
    drop(conn);
    let wallet = Wallet::open(schema::open_file(&path).expect("db"), &pin("1234")).expect("unlock");
    assert!(matches!(wallet.applications(), Err(StoreError::Undecryptable { table: "applications" })));
}
