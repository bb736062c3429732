//! Crash safety of the wallet: a child process (this test binary run again, told so by an
//! environment variable) applies sync pages to a wallet the way a sync round does — each pulled
//! certificate imported (some of them renewals), then the page's cursor and notifications in
//! one step — and is killed with SIGKILL at a random moment. After each kill the wallet is
//! reopened with its PIN and checked: the database is sound, the cursor is never ahead of what
//! was applied, no page's notifications are there without its cursor, no certificate version is
//! stored twice; and a child let run to the end applies everything exactly once.
//!
//! Bounded: `KILLS` kills. The randomness is seeded and the seed printed;
//! `SHIMIN_CRASH_SEED=N` replays a run.

#![allow(clippy::expect_used, clippy::panic, clippy::unwrap_used)] // Test code.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use shimin_core::IdNumber;
use shimin_core::cert::kinds::{DegreeCertificate, DegreeLevel};
use shimin_core::cert::{
    Certificate, CertificateBody, CertificateId, CertificateIssuer, CertificateStatus, CertificateType,
    CreditCode, DivisionCode, IssuedCertificate, IssuerKeyInfo, Metadata, Person, Serial, StatusReference,
    Validity, verify_certificate,
};
use shimin_core::crypto::{SigningKey, VerifyingKey};
use shimin_core::records::{Enrolment, NotificationRecord};
use shimin_core::sensitive::Sensitive;
use shimin_store::{PinWrapper, Wallet, schema};
use time::{Date, Month};

/// Kills.
const KILLS: usize = 20;
/// Pages the child applies, and certificates per page.
const PAGES: usize = 60;
const PER_PAGE: usize = 8;
/// 2024-06-01 00:30 China Standard Time.
const NOW: i64 = 1_717_173_000;
const PIN: &str = "135790";
/// Set in the child: the directory with the wallet and the pages.
const CHILD: &str = "SHIMIN_STORE_CRASH_CHILD";

fn issuer_code() -> CreditCode {
    CreditCode::parse("111101050000000017").expect("issuer code")
}

fn pin() -> PinWrapper {
    PinWrapper::insecure_low_iterations_for_tests(PIN, 10).expect("pin")
}

fn open(path: &Path) -> Wallet {
    Wallet::open(schema::open_file(path).expect("open database"), &pin()).expect("the PIN opens the wallet")
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Vec<u8> {
    (0..text.len()).step_by(2).map(|i| u8::from_str_radix(&text[i..i + 2], 16).expect("hex")).collect()
}

/// The `n`-th certificate the pages carry: a degree, serial `n`, version `version`.
fn degree(n: usize, version: u16) -> (Certificate, CertificateId) {
    let first17 = "11010519900315002";
    let check = shimin_core::id_number::check_character(first17).expect("17 digits");
    let id_number = IdNumber::parse(&format!("{first17}{check}")).expect("ID number");
    let date = |y, m, d| Date::from_calendar_date(y, m, d).expect("date");
    let certificate = Certificate {
        metadata: Metadata {
            number: Sensitive::new(format!("D{n:05}")),
            issuer_name: "福州大学".into(),
            issuer_code: issuer_code(),
            issue_date: date(2024, Month::June, 1),
            validity: Validity::new(date(2024, Month::June, 1), None).expect("validity"),
            jurisdiction: DivisionCode::parse("110102").expect("division"),
            status: CertificateStatus::Valid,
        },
        body: CertificateBody::DegreeCertificate(DegreeCertificate {
            person: Person::new("欧阳娜娜", id_number),
            level: DegreeLevel::Bachelor,
            discipline: "工学".into(),
            major: format!("专业{n}"),
            university: "福州大学".into(),
            conferral_date: date(2012, Month::June, 30),
        }),
    };
    let serial = Serial::parse(&(n + 1).to_string()).expect("serial");
    let id =
        CertificateId::new(CertificateType::DegreeCertificate.type_code(), issuer_code(), serial, version)
            .expect("id");
    (certificate, id)
}

/// What the pages carry: page `p` holds `PER_PAGE` certificates; from the second page on, its
/// last one renews (version 1) the first certificate of the page before.
fn page_contents(p: usize) -> Vec<(usize, u16)> {
    let mut items: Vec<(usize, u16)> = (0..PER_PAGE).map(|i| (p * PER_PAGE + i, 0)).collect();
    if p > 0 {
        items.push(((p - 1) * PER_PAGE, 1));
    }
    items
}

fn cursor_of(page: usize) -> String {
    format!("page-{page}")
}

/// The pages as the parent signs them: the issuer's public key, then per page the holder
/// copies, one hex line each, pages separated by an empty line.
fn write_pages(dir: &Path, device: &VerifyingKey) {
    let key = SigningKey::generate_p256().expect("issuer key");
    let issuer = CertificateIssuer::new(&key, b"crash-kid".to_vec(), issuer_code());
    let status = StatusReference { uri: "https://status.example.invalid/1".into(), index: 0 };
    let mut text = hex(key.verifying_key().as_bytes());
    text.push('\n');
    for p in 0..PAGES {
        text.push('\n');
        for (n, version) in page_contents(p) {
            let (certificate, id) = degree(n, version);
            let issued = issuer.issue(&certificate, &id, device, &status, NOW).expect("issue");
            text.push_str(&hex(&issued.to_holder_copy().expect("holder copy")));
            text.push('\n');
        }
    }
    std::fs::write(dir.join("pages.txt"), text).expect("write pages");
}

/// The issuer key and the pages.
fn read_pages(dir: &Path) -> (VerifyingKey, Vec<Vec<IssuedCertificate>>) {
    let text = std::fs::read_to_string(dir.join("pages.txt")).expect("read pages");
    let mut blocks = text.split("\n\n");
    let key = VerifyingKey::p256_from_sec1(&unhex(blocks.next().expect("key").trim())).expect("issuer key");
    let pages = blocks
        .map(|b| {
            b.lines()
                .filter(|l| !l.is_empty())
                .map(|l| IssuedCertificate::from_holder_copy(&unhex(l)).expect("holder copy"))
                .collect()
        })
        .collect();
    (key, pages)
}

/// The child: opens the wallet with the PIN and applies every page after its cursor, as a sync
/// round does (each certificate verified and imported, then the cursor with the page's
/// notification), until all are applied.
fn apply_pages(dir: &Path) {
    let (key, pages) = read_pages(dir);
    let mut wallet = open(&dir.join("wallet.db"));
    // Tells the parent the work starts now: its kill lands among the pages, not in start-up.
    std::fs::write(dir.join("started"), b"").expect("mark started");
    let done =
        wallet.sync_progress().expect("progress").cursor.map_or(0, |c| {
            c.strip_prefix("page-").and_then(|n| n.parse::<usize>().ok()).expect("cursor") + 1
        });
    for (p, page) in pages.iter().enumerate().skip(done) {
        for issued in page {
            let lookup = |_: &[u8]| {
                Some(IssuerKeyInfo {
                    key: key.clone(),
                    issuer_code: issuer_code(),
                    allowed_types: CertificateType::ALL.to_vec(),
                })
            };
            wallet
                .import(issued, |i| verify_certificate(&i.signed, &i.disclosures, lookup, NOW), NOW)
                .expect("import");
        }
        let notification =
            NotificationRecord { id: p as i64, created_at: NOW, message: format!("第{p}页的通知") };
        wallet.finish_page(&cursor_of(p), &[], &[notification]).expect("finish page");
    }
}

#[test]
fn child() {
    // Only as the child of the test below; a no-op in a normal run.
    if let Ok(dir) = std::env::var(CHILD) {
        apply_pages(Path::new(&dir));
    }
}

fn spawn_child(dir: &Path) -> std::process::Child {
    Command::new(std::env::current_exe().expect("test binary"))
        .args(["child", "--exact", "--test-threads=1", "--nocapture"])
        .env(CHILD, dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .spawn()
        .expect("spawn the child")
}

/// The wallet's state after a kill, checked: the page applied last according to the cursor.
fn check(path: &Path, round: usize) -> Option<usize> {
    let wallet = open(path);
    let integrity: String =
        wallet.connection().query_row("PRAGMA integrity_check", [], |r| r.get(0)).expect("integrity check");
    assert_eq!(integrity, "ok", "round {round}: the database is damaged");
    let applied = wallet.sync_progress().expect("progress").cursor.map(|c| {
        c.strip_prefix("page-").and_then(|n| n.parse::<usize>().ok()).expect("a cursor the child wrote")
    });
    // Notifications come with their page's cursor, never without it.
    let mut ids: Vec<i64> = wallet.notifications().expect("notifications").iter().map(|n| n.id).collect();
    ids.sort_unstable();
    let expected: Vec<i64> = applied.map_or_else(Vec::new, |a| (0..=a as i64).collect());
    assert_eq!(ids, expected, "round {round}: notifications disagree with the cursor {applied:?}");
    // Every certificate of the pages up to the cursor is there; none of the pages after the one
    // being applied is; each version once.
    let rows: i64 =
        wallet.connection().query_row("SELECT count(*) FROM certificates", [], |r| r.get(0)).expect("count");
    let mut stored = 0;
    for p in 0..PAGES {
        for (n, version) in page_contents(p) {
            let (_, id) = degree(n, version);
            let there = wallet.history(&id).is_ok_and(|h| h.iter().any(|c| c.id == id));
            if applied.is_some_and(|a| p <= a) {
                assert!(there, "round {round}: certificate {n} v{version} of applied page {p} is missing");
            }
            if applied.map_or(0, |a| a + 1) < p {
                assert!(
                    !there,
                    "round {round}: certificate {n} v{version} of page {p} is there before its turn"
                );
            }
            stored += i64::from(there);
        }
    }
    assert_eq!(rows, stored, "round {round}: {rows} certificate rows for {stored} distinct versions");
    applied
}

#[test]
fn applying_sync_pages_survives_kill_9() {
    let seed = std::env::var("SHIMIN_CRASH_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or_else(|| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(1, |d| d.as_nanos() as u64)
    });
    eprintln!("wallet sync pages: SHIMIN_CRASH_SEED={seed} replays this run");
    let mut state = seed;
    let mut below = |n: u64| {
        state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) % n
    };
    let started = Instant::now();
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("wallet.db");
    let mut wallet = Wallet::create(schema::open_file(&path).expect("open"), &pin(), NOW).expect("create");
    let root = SigningKey::generate_p256().expect("root key").verifying_key();
    let enrolment = Enrolment { backend_url: "http://127.0.0.1:9".into(), device_id: 1, root_key: root };
    wallet.set_enrolment(&enrolment).expect("enrol");
    write_pages(dir.path(), &wallet.device_public_key());
    drop(wallet);
    // How long the whole run takes unkilled tells where kills can land.
    let mut kills = 0;
    let mut last = None;
    while kills < KILLS && last != Some(PAGES - 1) {
        let started_mark = dir.path().join("started");
        let _ = std::fs::remove_file(&started_mark);
        let mut child = spawn_child(dir.path());
        let deadline = Instant::now() + Duration::from_secs(20);
        while !started_mark.exists() && child.try_wait().expect("poll").is_none() {
            assert!(Instant::now() < deadline, "the child did not start within 20 s");
            std::thread::sleep(Duration::from_millis(1));
        }
        std::thread::sleep(Duration::from_millis(below(25)));
        let finished = child.try_wait().expect("poll").is_some();
        child.kill().ok();
        let status = child.wait().expect("reap");
        assert!(finished || !status.success(), "the child was not killed");
        if let Some(code) = status.code() {
            assert_eq!(code, 0, "the child failed on its own (not killed)");
        }
        kills += usize::from(!finished);
        let now = check(&path, kills);
        eprintln!("kill {kills}: the cursor at page {now:?}");
        assert!(now >= last, "round {kills}: the cursor went back from {last:?} to {now:?}");
        last = now;
    }
    // Run to the end: everything applied exactly once.
    let status = spawn_child(dir.path()).wait().expect("child");
    assert!(status.success(), "the last child failed");
    assert_eq!(check(&path, kills + 1), Some(PAGES - 1));
    eprintln!("{kills} kills in {:.1} s", started.elapsed().as_secs_f64());
}
