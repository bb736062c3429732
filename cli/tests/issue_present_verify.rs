//! A development issuer, a holder and a verifier, each played by the `shimin` binary: `issue init`
//! → `issue cert` → `present` → `verify`, and the ways that goes wrong.
#![allow(clippy::expect_used, clippy::panic)] // test code: a failed expectation is the test failing

use std::path::{Path, PathBuf};
use std::process::Command;

/// The lists and the certificate are made on New Year's Day 2026 …
const ISSUED_AT: &str = "2026-01-01T01:00:00Z";
/// … the holder shows it the next morning …
const SHOWN_AT: &str = "2026-01-02T10:00:00Z";
/// … and the verifier scans it 30 s later.
const SCANNED_AT: &str = "2026-01-02T10:00:30Z";
const NAME: &str = "张三";

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("JSON on stdout ({e}): {}", self.stdout))
    }
}

fn shimin<S: AsRef<std::ffi::OsStr>>(args: &[S]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_shimin")).args(args).output().expect("run shimin");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).trim().to_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A GB 11643 identity number: 17 digits and their check character.
fn id_number(first17: &str) -> String {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = first17.bytes().zip(WEIGHTS).map(|(c, w)| u32::from(c - b'0') * w).sum();
    let check = b"10X98765432"[(sum % 11) as usize];
    format!("{first17}{}", char::from(check))
}

/// A temporary issuer directory, removed when the test ends (also when it fails).
struct Issuer {
    /// `issuer` in this fresh temporary directory: `issue init` creates it.
    dir: PathBuf,
    _temp: tempfile::TempDir,
}

impl Issuer {
    fn init(test: &str) -> Self {
        let temp =
            tempfile::Builder::new().prefix(&format!("shimin-cli-{test}-")).tempdir().expect("temp dir");
        let issuer = Self { dir: temp.path().join("issuer"), _temp: temp };
        let run = shimin(&["issue", "init", "--dir", issuer.s("."), "--at", ISSUED_AT]);
        assert_eq!(run.code, 0, "init: {}", run.stderr);
        issuer
    }

    /// `name` in the directory, or the directory itself for `"."`.
    fn path(&self, name: &str) -> PathBuf {
        if name == "." { self.dir.clone() } else { self.dir.join(name) }
    }

    fn s(&self, name: &str) -> &str {
        // Leaked so the argument lists below stay plain `&str` slices; a test is short-lived.
        Box::leak(self.path(name).to_str().expect("utf-8 path").to_owned().into_boxed_str())
    }

    /// Issues a certificate of `kind` to the demo holder; returns the holder's copy.
    fn issue(&self, kind: &str, holder_id: &str, name: &str, index: &str) -> &str {
        let out = self.s(&format!("{kind}-{index}.cbor"));
        let run = shimin(&[
            "issue",
            "cert",
            "--dir",
            self.s("."),
            "--type",
            kind,
            "--holder-id",
            holder_id,
            "--name",
            name,
            "--index",
            index,
            "--out",
            out,
            "--at",
            ISSUED_AT,
        ]);
        assert_eq!(run.code, 0, "issue {kind}: {}", run.stderr);
        out
    }

    fn id_card(&self, index: &str) -> &str {
        self.issue("resident-id-card", &id_number("11010519900315001"), NAME, index)
    }

    fn present(&self, cert: &str, preset: &str, at: &str) -> String {
        let run = shimin(&["present", "--dir", self.s("."), "--cert", cert, "--preset", preset, "--at", at]);
        assert_eq!(run.code, 0, "present: {}", run.stderr);
        assert!(run.stdout.starts_with("SM1:"), "presentation text: {}", run.stdout);
        run.stdout
    }

    /// `shimin verify` with this issuer's lists; `input` is `["--text", S]` or `[IMAGE]`.
    fn verify(&self, at: &str, input: &[&str]) -> Run {
        let mut args = vec!["verify", "--at", at, "--trust", self.s("trust.cbor")];
        args.extend(["--root-key", self.s("root.pub"), "--status", self.s("status.cbor")]);
        args.extend(input);
        shimin(&args)
    }
}

fn reasons(verdict: &serde_json::Value) -> Vec<String> {
    verdict["reasons"]
        .as_array()
        .expect("reasons")
        .iter()
        .map(|r| r["reason"].as_str().expect("reason name").to_owned())
        .collect()
}

fn attribute<'a>(verdict: &'a serde_json::Value, name: &str) -> Option<&'a serde_json::Value> {
    verdict["attributes"].as_array()?.iter().find(|a| a["name"] == name).map(|a| &a["value"]["value"])
}

#[test]
fn init_writes_private_keys_readable_by_the_owner_only() {
    use std::os::unix::fs::PermissionsExt as _;
    let issuer = Issuer::init("perms");
    for key in ["root.pk8", "issuer.pk8", "status.pk8", "device.pk8"] {
        let mode = std::fs::metadata(issuer.path(key)).expect("key file").permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "{key}");
    }
    for public in ["trust.cbor", "root.pub", "status.cbor"] {
        assert!(issuer.path(public).is_file(), "{public}");
    }
    let again = shimin(&["issue", "init", "--dir", issuer.s(".")]);
    assert_eq!(again.code, 3, "a second init without --force must not replace the keys");
}

#[test]
fn an_identity_presentation_verifies_with_the_disclosed_name() {
    let issuer = Issuer::init("identity");
    let text = issuer.present(issuer.id_card("7"), "identity", SHOWN_AT);
    let run = issuer.verify(SCANNED_AT, &["--text", &text]);
    let verdict = run.json();
    assert_eq!(run.code, 0, "{verdict}");
    assert_eq!(verdict["outcome"], "valid");
    assert_eq!(attribute(&verdict, "name"), Some(&serde_json::json!(NAME)));
    assert_eq!(attribute(&verdict, "id_number"), None, "identity shows the masked number only");
    assert_eq!(verdict["certificate"]["type_name"], "居民身份证");
}

#[test]
fn a_png_presentation_verifies_from_the_image() {
    let issuer = Issuer::init("png");
    let png = issuer.s("shown.png");
    let run = shimin(&[
        "present",
        "--dir",
        issuer.s("."),
        "--cert",
        issuer.id_card("1"),
        "--preset",
        "full",
        "--at",
        SHOWN_AT,
        "--png",
        png,
    ]);
    assert_eq!(run.code, 0, "present: {}", run.stderr);
    let run = issuer.verify(SCANNED_AT, &[png]);
    let verdict = run.json();
    assert_eq!(run.code, 0, "{verdict}");
    assert_eq!(attribute(&verdict, "name"), Some(&serde_json::json!(NAME)));
    assert_eq!(attribute(&verdict, "id_number"), Some(&serde_json::json!(id_number("11010519900315001"))));
}

#[test]
fn a_revoked_certificate_is_invalid() {
    let issuer = Issuer::init("revoke");
    let text = issuer.present(issuer.id_card("42"), "identity", SHOWN_AT);
    let other = issuer.present(issuer.id_card("43"), "identity", SHOWN_AT);
    let run = shimin(&["issue", "revoke", "--dir", issuer.s("."), "--index", "42", "--at", SHOWN_AT]);
    assert_eq!(run.code, 0, "revoke: {}", run.stderr);

    let run = issuer.verify(SCANNED_AT, &["--text", &text]);
    let verdict = run.json();
    assert_eq!(run.code, 1, "{verdict}");
    assert_eq!(verdict["outcome"], "invalid");
    assert_eq!(reasons(&verdict), ["revoked"]);
    assert_eq!(issuer.verify(SCANNED_AT, &["--text", &other]).code, 0, "only index 42 is revoked");
}

#[test]
fn a_presentation_shown_two_minutes_ago_is_an_expired_screenshot() {
    let issuer = Issuer::init("screenshot");
    let text = issuer.present(issuer.id_card("2"), "identity", SHOWN_AT);
    let run = issuer.verify("2026-01-02T10:02:00Z", &["--text", &text]);
    let verdict = run.json();
    assert_eq!(run.code, 1, "{verdict}");
    assert_eq!(reasons(&verdict), ["expired_screenshot"]);
    assert_eq!(verdict["reasons"][0]["skew_seconds"].as_i64().map(i64::abs), Some(120));
}

#[test]
fn tampered_text_is_invalid_with_a_reason() {
    let issuer = Issuer::init("tamper");
    let text = issuer.present(issuer.id_card("3"), "identity", SHOWN_AT);
    let mid = text.len() / 2;
    let flipped = if &text[mid..=mid] == "A" { "B" } else { "A" };
    let tampered =
        [format!("{}{flipped}{}", &text[..mid], &text[mid + 1..]), text[..text.len() - 7].to_owned()];
    for bad in tampered.iter().map(String::as_str).chain(["SM1:", "HC1:ABC", "SM1:%%%%"]) {
        let run = issuer.verify(SCANNED_AT, &["--text", bad]);
        let verdict = run.json();
        assert_eq!(run.code, 1, "{verdict}");
        assert!(!reasons(&verdict).is_empty(), "{verdict}");
    }
}

#[test]
fn a_trust_list_under_another_root_key_is_refused() {
    let issuer = Issuer::init("root");
    let stranger = Issuer::init("root-stranger");
    let text = issuer.present(issuer.id_card("4"), "identity", SHOWN_AT);
    let run = shimin(&[
        "verify",
        "--at",
        SCANNED_AT,
        "--trust",
        issuer.s("trust.cbor"),
        "--root-key",
        stranger.s("root.pub"),
        "--text",
        &text,
    ]);
    assert_eq!(run.code, 3, "stdout: {}", run.stdout);
    assert!(run.stdout.is_empty(), "no verdict without a trusted list");
    assert!(run.stderr.contains("trust list"), "stderr: {}", run.stderr);
    // The stranger's status list is not signed by anyone on this trust list either.
    let mut args = vec!["verify", "--at", SCANNED_AT, "--trust", issuer.s("trust.cbor")];
    args.extend(["--root-key", issuer.s("root.pub"), "--status", stranger.s("status.cbor"), "--text", &text]);
    assert_eq!(shimin(&args).code, 3);
}

#[test]
fn without_a_status_list_the_verdict_is_amber() {
    let issuer = Issuer::init("amber");
    let text = issuer.present(issuer.id_card("5"), "identity", SHOWN_AT);
    let run = shimin(&[
        "verify",
        "--at",
        SCANNED_AT,
        "--trust",
        issuer.s("trust.cbor"),
        "--root-key",
        issuer.s("root.pub"),
        "--text",
        &text,
    ]);
    let verdict = run.json();
    assert_eq!(run.code, 4, "{verdict}");
    assert_eq!(verdict["outcome"], "warning");
    assert_eq!(reasons(&verdict), ["status_list_missing"]);
}

#[test]
fn the_age_preset_shows_only_the_derived_boolean() {
    let issuer = Issuer::init("age");
    let text = issuer.present(issuer.id_card("6"), "age18", SHOWN_AT);
    let verdict = issuer.verify(SCANNED_AT, &["--text", &text]).json();
    assert_eq!(verdict["outcome"], "valid", "{verdict}");
    assert_eq!(attribute(&verdict, "age_over_18"), Some(&serde_json::json!(true)));
    assert_eq!(attribute(&verdict, "name"), None);
    assert_eq!(attribute(&verdict, "birth_date"), None);
}

#[test]
fn every_certificate_type_issues_and_verifies() {
    let issuer = Issuer::init("types");
    let person = id_number("11010519900315001");
    let kinds = [
        ("resident-id-card", person.as_str(), NAME),
        ("household-register", &person, NAME),
        ("residence-permit", &person, NAME),
        ("hk-macau-travel-permit", &person, NAME),
        ("driving-licence", &person, NAME),
        ("marriage-certificate", &person, NAME),
        ("business-licence", "91350100M000100Y43", "演示科技有限公司"),
        ("degree-certificate", &person, NAME),
    ];
    for (i, (kind, holder, name)) in kinds.into_iter().enumerate() {
        let cert = issuer.issue(kind, holder, name, &(100 + i).to_string());
        let text = issuer.present(cert, "full", SHOWN_AT);
        let run = issuer.verify(SCANNED_AT, &["--text", &text]);
        let verdict = run.json();
        assert_eq!(run.code, 0, "{kind}: {verdict}");
        assert_eq!(attribute(&verdict, "name"), Some(&serde_json::json!(name)), "{kind}");
    }
}

#[test]
fn bad_input_files_exit_3_with_a_message() {
    let issuer = Issuer::init("badfiles");
    let junk = issuer.path("junk.bin");
    std::fs::write(&junk, b"\xa1\x01not a certificate").expect("write junk");
    let junk = junk.to_str().expect("utf-8");
    let run = shimin(&["present", "--dir", issuer.s("."), "--cert", junk, "--preset", "identity"]);
    assert_eq!(run.code, 3, "{}", run.stderr);
    assert!(run.stderr.contains("not a holder's certificate file"), "{}", run.stderr);
    let run = shimin(&["verify", "--trust", junk, "--root-key", issuer.s("root.pub"), "--text", "SM1:"]);
    assert_eq!(run.code, 3, "{}", run.stderr);
    let run = shimin(&["verify", "--trust", issuer.s("trust.cbor"), "--root-key", junk, "--text", "SM1:"]);
    assert_eq!(run.code, 3, "{}", run.stderr);
    let missing = issuer.path("missing.png");
    let run = issuer.verify(SCANNED_AT, &[missing.to_str().expect("utf-8")]);
    assert_eq!(run.code, 3, "{}", run.stderr);
}

#[test]
fn a_wrong_holder_id_is_refused_without_echoing_it() {
    let issuer = Issuer::init("holderid");
    let wrong = "110105199003150010";
    let out = issuer.s("never.cbor");
    let run = shimin(&[
        "issue",
        "cert",
        "--dir",
        issuer.s("."),
        "--type",
        "resident-id-card",
        "--holder-id",
        wrong,
        "--name",
        NAME,
        "--out",
        out,
    ]);
    assert_eq!(run.code, 2);
    assert!(!run.stderr.contains(wrong) && !run.stderr.contains(NAME), "{}", run.stderr);
    assert!(!Path::new(out).exists());
}

#[test]
fn list_ages_come_from_the_lists_signed_issue_times_not_from_when_they_were_fetched() {
    let issuer = Issuer::init("ages");
    let text = issuer.present(issuer.id_card("8"), "identity", SHOWN_AT);
    // SCANNED_AT is 1_767_348_030; the files were "fetched" an hour before it. A list handed over
    // later is no newer for it (it may be a replay): its age counts from its signed `iat`.
    let fetched = std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_767_348_030 - 3_600);
    for list in ["trust.cbor", "status.cbor"] {
        let file = std::fs::File::options().write(true).open(issuer.path(list)).expect("open list");
        file.set_modified(fetched).expect("set mtime");
    }
    let since_signed = 118_830;
    let verdict = issuer.verify(SCANNED_AT, &["--text", &text]).json();
    assert_eq!(verdict["trust_list"]["age_seconds"], since_signed, "{verdict}");
    assert_eq!(verdict["status_list"]["age_seconds"], since_signed, "{verdict}");
    assert_eq!(verdict["status_list"]["refresh_due"], true, "{verdict}");

    let run = issuer.verify(SCANNED_AT, &["--fetched-at", "2026-01-02T09:59:30Z", "--text", &text]);
    let verdict = run.json();
    assert_eq!(verdict["trust_list"]["age_seconds"], since_signed, "{verdict}");
    assert_eq!(verdict["status_list"]["age_seconds"], since_signed, "{verdict}");
}
