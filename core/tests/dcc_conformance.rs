//! The EU DCC conformance cases (`tests/data/dcc/*/2DCode/raw/*.json`), run through
//! [`shimin_core::dcc::verify_hc1_explained`].
//!
//! Each case gives an HC1 text (`PREFIX`), the signer certificate and a validation clock
//! (`TESTCTX`), and the expected outcome of some steps (`EXPECTEDRESULTS`): `true` means the step
//! must pass; `false` means it must not pass — it failed, or it was not reached because an
//! earlier step failed (a certificate that cannot be decoded cannot be verified either). Steps the
//! case does not mention, and keys we do not know (schema validation, misspelt keys), are not
//! checked. All mismatches are collected and reported together.

#![allow(clippy::expect_used, clippy::panic)] // Test code: a failed expectation is the test failing.

use std::fs;
use std::path::{Path, PathBuf};

use base64::Engine;
use serde_json::Value;
use shimin_core::base45;
use shimin_core::dcc::{self, DccError, DccReport, Step, verify_hc1, verify_hc1_explained};

mod test_data;

/// The expectations we check, by their key in `EXPECTEDRESULTS`.
const CHECKED: [(&str, Step); 7] = [
    ("EXPECTEDUNPREFIX", Step::Unprefix),
    ("EXPECTEDB45DECODE", Step::B45Decode),
    ("EXPECTEDCOMPRESSION", Step::Compression),
    ("EXPECTEDDECODE", Step::Decode),
    ("EXPECTEDVERIFY", Step::Verify),
    ("EXPECTEDEXPIRATIONCHECK", Step::ExpirationCheck),
    ("EXPECTEDKEYUSAGE", Step::KeyUsage),
];

/// Every `<country>/2DCode/raw/*.json` under the test data folder, sorted.
fn case_files(root: &Path) -> Vec<PathBuf> {
    let countries = fs::read_dir(root).unwrap_or_else(|e| panic!("cannot list {}: {e}", root.display()));
    let mut files = Vec::new();
    for country in countries.flatten() {
        let raw = country.path().join("2DCode").join("raw");
        let Ok(entries) = fs::read_dir(&raw) else { continue };
        files.extend(
            entries.flatten().map(|e| e.path()).filter(|p| p.extension().is_some_and(|ext| ext == "json")),
        );
    }
    files.sort();
    files
}

/// Parses the validation clock: RFC 3339, also with a `+hhmm` offset (no colon) as some files
/// have. Fractions of a second are dropped.
fn parse_clock(text: &str) -> Result<i64, String> {
    let mut normalised = text.trim().to_owned();
    let bytes = normalised.as_bytes();
    if bytes.len() > 5 {
        let tail = &bytes[bytes.len() - 5..];
        if (tail[0] == b'+' || tail[0] == b'-') && tail[1..].iter().all(u8::is_ascii_digit) {
            normalised.insert(normalised.len() - 2, ':');
        }
    }
    time::OffsetDateTime::parse(&normalised, &time::format_description::well_known::Rfc3339)
        .map(|t| t.unix_timestamp())
        .map_err(|e| format!("VALIDATIONCLOCK {text:?} is not a date-time: {e}"))
}

struct Outcome {
    checked: usize,
    /// Expected failures met because an earlier step failed and this one was not reached.
    unreached: usize,
    mismatches: Vec<String>,
}

/// Runs one case; `Err` when the file itself cannot be used.
fn run_case(path: &Path) -> Result<Outcome, String> {
    let text = fs::read_to_string(path).map_err(|e| format!("unreadable: {e}"))?;
    let case: Value = serde_json::from_str(&text).map_err(|e| format!("not JSON: {e}"))?;
    let prefix = case["PREFIX"].as_str().ok_or("no PREFIX text")?;
    let context = &case["TESTCTX"];
    let certificate = context["CERTIFICATE"].as_str().ok_or("no TESTCTX.CERTIFICATE")?;
    let certificate = base64::engine::general_purpose::STANDARD
        .decode(certificate.trim())
        .map_err(|e| format!("TESTCTX.CERTIFICATE is not base64: {e}"))?;
    let now = parse_clock(context["VALIDATIONCLOCK"].as_str().ok_or("no TESTCTX.VALIDATIONCLOCK")?)?;
    let expected = case["EXPECTEDRESULTS"].as_object().ok_or("no EXPECTEDRESULTS object")?;

    let (report, failures) = verify_hc1_explained(prefix, &certificate, now);
    assert_eq!(report.picture_decode, None, "picture_decode is not this pipeline's step");

    let mut outcome = Outcome { checked: 0, unreached: 0, mismatches: Vec::new() };
    for (key, step) in CHECKED {
        let Some(want) = expected.get(key) else { continue };
        let want = want.as_bool().ok_or(format!("{key} is not a boolean"))?;
        outcome.checked += 1;
        if !want && report.step(step).is_none() {
            outcome.unreached += 1;
        }
        if let Some(problem) = mismatch(&report, &failures, step, want) {
            outcome.mismatches.push(format!("{key}: {problem}"));
        }
    }
    Ok(outcome)
}

/// Why `step` did not come out as `want`, if it did not.
fn mismatch(report: &DccReport, failures: &[(Step, DccError)], step: Step, want: bool) -> Option<String> {
    let got = report.step(step);
    let reasons = || {
        let listed: Vec<String> = failures.iter().map(|(s, e)| format!("{s:?}: {e}")).collect();
        if listed.is_empty() { "no step failed".to_owned() } else { listed.join("; ") }
    };
    match (want, got) {
        (true, Some(true)) | (false, Some(false)) => None,
        (false, None) if failures.iter().any(|(failed, _)| *failed < step) => None,
        (true, _) => Some(format!("expected to pass, got {got:?} ({})", reasons())),
        (false, _) => Some(format!("expected to fail, got {got:?} ({})", reasons())),
    }
}

#[test]
fn every_eu_dcc_case_gives_the_expected_step_results() {
    let root = test_data::path("dcc");
    let files = case_files(&root);
    assert!(!files.is_empty(), "no */2DCode/raw/*.json case under {}", root.display());

    let mut problems = Vec::new();
    let mut checked = 0;
    let mut unreached = 0;
    let mut passed_cases = 0;
    for path in &files {
        let name = path.strip_prefix(&root).unwrap_or(path).display().to_string();
        match run_case(path) {
            Ok(outcome) if outcome.mismatches.is_empty() => {
                checked += outcome.checked;
                unreached += outcome.unreached;
                passed_cases += 1;
            }
            Ok(outcome) => {
                checked += outcome.checked;
                unreached += outcome.unreached;
                problems.extend(outcome.mismatches.into_iter().map(|m| format!("{name}: {m}")));
            }
            Err(e) => problems.push(format!("{name}: unusable case: {e}")),
        }
    }
    println!(
        "EU DCC: {passed_cases} of {} cases as expected; {checked} step results checked, of which \
         {unreached} expected failures were met by an earlier step failing",
        files.len()
    );
    assert!(
        problems.is_empty(),
        "{} of {} EU DCC cases differ from their expected results:\n{}",
        files.len() - passed_cases,
        files.len(),
        problems.join("\n")
    );
    // Guard against a harness that silently checks nothing.
    assert!(checked >= files.len(), "only {checked} step results checked in {} cases", files.len());
}

#[test]
fn clock_formats_of_the_test_data_parse() {
    assert_eq!(parse_clock("2021-05-03T18:00:00Z"), Ok(1_620_064_800));
    assert_eq!(parse_clock("2021-05-03T20:00:00+02:00"), Ok(1_620_064_800));
    assert_eq!(parse_clock("2021-05-03T20:00:00+0200"), Ok(1_620_064_800));
    assert_eq!(parse_clock("2021-05-03T18:00:00.806Z"), Ok(1_620_064_800));
    assert!(parse_clock("yesterday").is_err());
}

/// Reads a case's HC1 text, signer certificate and clock.
fn fixture(relative: &str) -> (String, Vec<u8>, i64) {
    let path = test_data::path("dcc").join(relative);
    let text = fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    let case: Value = serde_json::from_str(&text).expect("case is JSON");
    let certificate = base64::engine::general_purpose::STANDARD
        .decode(case["TESTCTX"]["CERTIFICATE"].as_str().expect("certificate"))
        .expect("certificate is base64");
    let now = parse_clock(case["TESTCTX"]["VALIDATIONCLOCK"].as_str().expect("clock")).expect("clock parses");
    (case["PREFIX"].as_str().expect("PREFIX").to_owned(), certificate, now)
}

fn hc1_of(cose: &[u8]) -> String {
    use std::io::Write;
    let mut encoder = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(cose).expect("compress");
    format!("{}{}", dcc::PREFIX, base45::encode(&encoder.finish().expect("compress")))
}

/// Truncations and single-bit flips of real, verifiable certificates (ES256 and PS256) never
/// panic and never verify.
#[test]
fn mutated_real_certificates_never_verify_and_never_panic() {
    for relative in ["common/2DCode/raw/CO3.json", "common/2DCode/raw/CO1.json"] {
        let (text, certificate, now) = fixture(relative);
        assert_eq!(
            verify_hc1(&text, &certificate, now).verify,
            Some(true),
            "{relative} is the valid baseline"
        );

        for len in 0..text.len() {
            let report = verify_hc1(&text[..len], &certificate, now);
            assert_ne!(report.verify, Some(true), "{relative} truncated to {len} characters verified");
        }

        let body = dcc::unprefix(&text).expect("prefix");
        let cose = dcc::decompress(&dcc::b45_decode(body).expect("base45")).expect("zlib");
        // The same bytes re-encoded still verify, so a failure below is the flipped bit's doing.
        assert_eq!(verify_hc1(&hc1_of(&cose), &certificate, now).verify, Some(true));
        for bit in 0..cose.len() * 8 {
            let mut flipped = cose.clone();
            flipped[bit / 8] ^= 1 << (bit % 8);
            let report = verify_hc1(&hc1_of(&flipped), &certificate, now);
            assert_ne!(report.verify, Some(true), "{relative} with bit {bit} of the COSE flipped verified");
        }
    }
}
