//! The `shimin` binary run as a user would run it, on the public test material in `tests/data/`.
#![allow(clippy::expect_used, clippy::panic)] // test code: a failed expectation is the test failing

use std::path::{Path, PathBuf};
use std::process::Command;

use base64::Engine as _;

/// The path of `relative` under the repository's `tests/data/` (its README says what each set
/// is). Panics, naming the path, when nothing is there: a test without its data must fail.
fn test_data(relative: &str) -> PathBuf {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/data").join(relative);
    assert!(p.exists(), "the test data {} is missing: it is committed under tests/data/", p.display());
    p
}

fn shimin(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_shimin")).args(args).output().expect("run shimin");
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Every DCC case file under `dcc/`.
fn dcc_cases() -> Vec<serde_json::Value> {
    let mut cases = Vec::new();
    let root = test_data("dcc");
    for country in std::fs::read_dir(root).expect("dcc dir") {
        let raw = country.expect("entry").path().join("2DCode/raw");
        let Ok(files) = std::fs::read_dir(&raw) else { continue };
        for f in files {
            let path = f.expect("entry").path();
            if path.extension().is_some_and(|e| e == "json") {
                let text = std::fs::read_to_string(&path).expect("read case");
                cases.push(serde_json::from_str(&text).expect("case json"));
            }
        }
    }
    assert!(cases.len() > 50, "expected the DCC case set, found {} cases", cases.len());
    cases
}

fn expected(case: &serde_json::Value, key: &str) -> Option<bool> {
    case["EXPECTEDRESULTS"][key].as_bool()
}

fn run_case_from_picture(case: &serde_json::Value, dir: &Path, name: &str) -> (i32, serde_json::Value) {
    let png = base64::engine::general_purpose::STANDARD
        .decode(case["2DCODE"].as_str().expect("picture"))
        .expect("base64 picture");
    let image = dir.join(format!("{name}.png"));
    std::fs::write(&image, png).expect("write picture");
    let (code, out) = shimin(&[
        "verify-dcc",
        "--signer-cert",
        case["TESTCTX"]["CERTIFICATE"].as_str().expect("certificate"),
        "--at",
        case["TESTCTX"]["VALIDATIONCLOCK"].as_str().expect("clock"),
        image.to_str().expect("utf-8 path"),
    ]);
    (code, serde_json::from_str(&out).expect("JSON on stdout"))
}

#[test]
fn verify_dcc_reads_the_picture_and_reports_each_step() {
    let dir = tempfile::Builder::new().prefix("shimin-cli-").tempdir().expect("temp dir");
    let cases = dcc_cases();
    let has_picture = |c: &&serde_json::Value| c["2DCODE"].as_str().is_some_and(|s| !s.is_empty());

    let good = cases
        .iter()
        .filter(has_picture)
        .find(|c| {
            ["EXPECTEDVERIFY", "EXPECTEDEXPIRATIONCHECK", "EXPECTEDPICTUREDECODE"]
                .iter()
                .all(|k| expected(c, k) == Some(true))
                && expected(c, "EXPECTEDKEYUSAGE") != Some(false)
        })
        .expect("a fully valid case with a picture");
    let (code, report) = run_case_from_picture(good, dir.path(), "good");
    assert_eq!(report["picture_decode"], true, "{report}");
    assert_eq!(report["verify"], true, "{report}");
    assert_eq!(report["expiration_check"], true, "{report}");
    assert_eq!(code, if report["valid"] == true { 0 } else { 1 });

    let expired = cases
        .iter()
        .find(|c| expected(c, "EXPECTEDEXPIRATIONCHECK") == Some(false))
        .expect("a case that must fail the expiration check");
    let (code, out) = shimin(&[
        "verify-dcc",
        "--signer-cert",
        expired["TESTCTX"]["CERTIFICATE"].as_str().expect("certificate"),
        "--at",
        expired["TESTCTX"]["VALIDATIONCLOCK"].as_str().expect("clock"),
        "--text",
        expired["PREFIX"].as_str().expect("prefix"),
    ]);
    let report: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(report["picture_decode"], serde_json::Value::Null, "{report}");
    assert_eq!(report["expiration_check"], false, "{report}");
    assert_eq!(code, 1, "an expired certificate must exit 1");
    assert!(report["reasons"].as_array().is_some_and(|r| !r.is_empty()), "{report}");
}

#[test]
fn verify_dcc_marks_unreached_steps_null() {
    let case = &dcc_cases()[0];
    let (code, out) = shimin(&[
        "verify-dcc",
        "--signer-cert",
        case["TESTCTX"]["CERTIFICATE"].as_str().expect("certificate"),
        "--at",
        "2021-06-01T00:00:00Z",
        "--text",
        "NOT-A-DCC",
    ]);
    let report: serde_json::Value = serde_json::from_str(&out).expect("json");
    assert_eq!(code, 1);
    assert_eq!(report["unprefix"], false);
    for step in ["b45_decode", "compression", "decode", "verify", "expiration_check", "key_usage"] {
        assert!(report[step].is_null(), "{step} should not have been reached: {report}");
    }
}

#[test]
fn decode_prints_the_text_of_a_qr_photo() {
    let dir = test_data("qr-photos/qrcode-1");
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).expect("photos") {
        let path = entry.expect("entry").path();
        let is_photo = path.extension().is_some_and(|e| e == "png" || e == "jpg");
        if !is_photo || checked == 3 {
            continue;
        }
        let expected = std::fs::read_to_string(path.with_extension("txt")).expect("expected text");
        let (code, out) = shimin(&["decode", path.to_str().expect("utf-8")]);
        assert_eq!(code, 0, "{}", path.display());
        assert_eq!(out.trim_end_matches('\n'), expected.trim_end_matches('\n'), "{}", path.display());
        checked += 1;
    }
    assert_eq!(checked, 3);
}

#[test]
fn decode_without_a_qr_code_exits_1_with_a_reason() {
    let icon = Path::new(env!("CARGO_MANIFEST_DIR")).join("../icons/128x128.png");
    let out = Command::new(env!("CARGO_BIN_EXE_shimin")).arg("decode").arg(icon).output().expect("run");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no QR code"));
}

#[test]
fn check_id_refuses_a_wrong_check_character() {
    assert_eq!(shimin(&["check-id", "11010519491231002X"]).0, 0);
    let (code, out) = shimin(&["check-id", "110105194912310021"]);
    assert_eq!(code, 1);
    assert!(out.contains("checksum_mismatch"), "{out}");
}
