//! The offline catalogue file: pages applied once or twice give the same rows, an older copy
//! never replaces a newer one, a reset replaces everything, a damaged row is skipped and counted
//! (never shown), and a file from a newer build is refused.

#![allow(clippy::expect_used, clippy::panic)] // Test code: a failed expectation is the test failing.

use shimin_core::catalogue::guide::Service;
use shimin_core::catalogue::sync::{CataloguePage, CatalogueStore, ChangeOp};
use shimin_store::catalogue::CatalogueDb;
use shimin_store::{StoreError, schema};
use shimin_wire::catalogue::ServiceDocument;

fn service(version: u64, suffix: &str, name: &str) -> Service {
    let json = include_str!("../../core/tests/vectors/catalogue/driving-licence-renewal.json");
    let mut d: ServiceDocument = serde_json::from_str(json).expect("the test vector");
    d.code = d.code.replace("-05", suffix);
    d.name.hans = name.into();
    d.version = version;
    Service::parse(d).expect("a service")
}

fn page(to: u64, reset: bool, services: Vec<Service>) -> CataloguePage {
    CataloguePage {
        to,
        head: to,
        more: false,
        reset,
        changes: services.into_iter().map(|s| (ChangeOp::Add, s)).collect(),
    }
}

fn names(db: &CatalogueDb) -> Vec<(String, u64)> {
    db.services().expect("services").services.into_iter().map(|s| (s.name.hans, s.version)).collect()
}

#[test]
fn pages_apply_idempotently_and_never_go_back_in_version() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("catalogue.db");
    let mut db = CatalogueDb::open(schema::open_file(&path).expect("db")).expect("open");
    assert_eq!(db.version().expect("version"), 0);
    let first = page(2, true, vec![service(1, "-05", "换证"), service(2, "-01", "申领")]);
    db.apply_catalogue_page(&first).expect("first");
    let second = page(3, false, vec![service(3, "-05", "换证（新）")]);
    db.apply_catalogue_page(&second).expect("second");
    db.apply_catalogue_page(&second).expect("again");
    assert_eq!(names(&db), [("申领".to_owned(), 2), ("换证（新）".to_owned(), 3)]);
    assert_eq!(db.version().expect("version"), 3);

    // An older copy of a service does not replace the newer one it holds.
    db.apply_catalogue_page(&page(3, false, vec![service(1, "-05", "换证")])).expect("stale");
    assert_eq!(names(&db)[1], ("换证（新）".to_owned(), 3));

    // It all survives closing the file.
    drop(db);
    let mut db = CatalogueDb::open(schema::open_file(&path).expect("db")).expect("reopen");
    assert_eq!(db.version().expect("version"), 3);
    let code = service(0, "-05", "x").code;
    assert_eq!(db.service(&code).expect("read").map(|s| s.version), Some(3));

    // A reset keeps only what it brings.
    db.apply_catalogue_page(&page(9, true, vec![service(9, "-03", "延续")])).expect("reset");
    assert_eq!(names(&db), [("延续".to_owned(), 9)]);
}

#[test]
fn a_damaged_row_is_skipped_counted_and_refused_by_code() {
    let mut db = CatalogueDb::open(schema::open_in_memory().expect("db")).expect("open");
    db.apply_catalogue_page(&page(2, true, vec![service(1, "-05", "换证"), service(2, "-01", "申领")]))
        .expect("page");
    let damaged = service(0, "-05", "x").code;
    db.connection()
        .execute("UPDATE services SET document = '{\"code\": 1}' WHERE code = ?1", [damaged.to_string()])
        .expect("damage");
    let loaded = db.services().expect("services");
    assert_eq!((loaded.services.len(), loaded.corrupt), (1, 1));
    assert!(matches!(db.service(&damaged), Err(StoreError::CorruptRow { .. })));
    db.forget_version().expect("forget");
    assert_eq!(db.version().expect("version"), 0, "the next round downloads the whole catalogue");
}

#[test]
fn a_file_from_a_newer_build_is_refused() {
    let conn = schema::open_in_memory().expect("db");
    conn.pragma_update(None, "user_version", 99).expect("pragma");
    assert!(matches!(CatalogueDb::open(conn), Err(StoreError::SchemaTooNew { found: 99, .. })));
}
