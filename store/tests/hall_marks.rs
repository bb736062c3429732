//! The hall's favourites and recently viewed services: kept across locking, ordered, bounded, and
//! sealed — someone with a copy of the file cannot read which services the citizen looked at.

#![allow(clippy::expect_used, clippy::panic)] // Test code: a failed expectation is the test failing.

use shimin_core::catalogue::code::ServiceCode;
use shimin_store::hall_marks::MAX_RECENT;
use shimin_store::{PinWrapper, Wallet, schema};

const NOW: i64 = 1_717_173_000;

fn pin() -> PinWrapper {
    PinWrapper::insecure_low_iterations_for_tests("1234", 10).expect("pin")
}

/// A service code of the police organ with the main item `n`.
fn code(n: u32) -> ServiceCode {
    ServiceCode::parse(&format!("07{n:05}000-110105-111101050000000017")).expect("a service code")
}

#[test]
fn marks_survive_locking_in_order_and_are_sealed_in_the_file() {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("wallet.db");
    let mut wallet = Wallet::create(schema::open_file(&path).expect("db"), &pin(), NOW).expect("create");
    assert_eq!(wallet.hall_marks().expect("marks"), Default::default(), "a new wallet has none");

    wallet.set_favourite(&code(1), true).expect("favourite");
    wallet.set_favourite(&code(2), true).expect("favourite");
    wallet.set_favourite(&code(1), false).expect("unmark");
    wallet.set_favourite(&code(3), true).expect("favourite");
    for (i, n) in [4, 5, 4].into_iter().enumerate() {
        wallet.mark_viewed(&code(n), NOW + i as i64).expect("viewed");
    }
    let conn = wallet.lock();
    drop(conn);

    let wallet = Wallet::open(schema::open_file(&path).expect("db"), &pin()).expect("unlock");
    let marks = wallet.hall_marks().expect("marks");
    assert_eq!(marks.favourites, [code(2).to_string(), code(3).to_string()]);
    assert_eq!(
        marks.recent,
        [(code(4).to_string(), NOW + 2), (code(5).to_string(), NOW + 1)],
        "newest first, once"
    );
    drop(wallet);

    let bytes = [
        std::fs::read(&path).expect("file"),
        std::fs::read(dir.path().join("wallet.db-wal")).unwrap_or_default(),
    ]
    .concat();
    let needle = code(5).to_string();
    assert!(
        !bytes.windows(needle.len()).any(|w| w == needle.as_bytes()),
        "a viewed service's code is in clear"
    );
}

#[test]
fn recently_viewed_keeps_only_the_newest() {
    let dir = tempfile::tempdir().expect("dir");
    let mut wallet = Wallet::create(schema::open_file(&dir.path().join("w.db")).expect("db"), &pin(), NOW)
        .expect("create");
    for n in 0..(MAX_RECENT as u32 + 5) {
        wallet.mark_viewed(&code(n), NOW + i64::from(n)).expect("viewed");
    }
    let recent = wallet.hall_marks().expect("marks").recent;
    assert_eq!(recent.len(), MAX_RECENT);
    assert_eq!(recent[0].0, code(MAX_RECENT as u32 + 4).to_string());
}
