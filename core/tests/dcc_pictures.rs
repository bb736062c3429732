//! Reading the QR pictures of the EU Digital COVID Certificate test cases.
//!
//! Each `*/2DCode/raw/*.json` case may carry its QR code as a base64 PNG (`2DCODE`, misspelt
//! `_2DCODE` in some files) and `EXPECTEDRESULTS.EXPECTEDPICTUREDECODE`: `true` means the picture
//! must decode to the case's `PREFIX` text (`HC1:` + Base45), `false` means it must not.

#![allow(clippy::expect_used, clippy::panic)] // Test code: a failed expectation is the test failing.

use std::path::{Path, PathBuf};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde_json::Value;
use shimin_core::qr::encode::is_alphanumeric;
use shimin_core::qr::{DataMode, decode_image, encode};

mod test_data;

/// Every case file, sorted, with its parsed JSON.
fn cases() -> Vec<(PathBuf, Value)> {
    let root = test_data::path("dcc");
    let mut files = Vec::new();
    for country in std::fs::read_dir(root).expect("list dcc/") {
        let raw = country.expect("directory entry").path().join("2DCode/raw");
        let Ok(entries) = std::fs::read_dir(&raw) else { continue };
        files.extend(
            entries
                .map(|entry| entry.expect("directory entry").path())
                .filter(|path| path.extension().is_some_and(|e| e == "json")),
        );
    }
    files.sort();
    assert!(files.len() >= 100, "expected the full DCC case set, found {} case files", files.len());
    files
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).expect("read case");
            let json =
                serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: bad JSON: {e}", path.display()));
            (path, json)
        })
        .collect()
}

fn name(path: &Path) -> String {
    let parts: Vec<_> = path.iter().map(|p| p.to_string_lossy()).collect();
    let n = parts.len();
    if n >= 4 { format!("{}/{}", parts[n - 4], parts[n - 1]) } else { path.display().to_string() }
}

#[test]
fn case_pictures_decode_as_expected() {
    let mut failures = Vec::new();
    let (mut must_read, mut must_not_read, mut without_picture) = (0, 0, Vec::new());
    for (path, case) in cases() {
        let Some(expect_read) = case["EXPECTEDRESULTS"]["EXPECTEDPICTUREDECODE"].as_bool() else { continue };
        let picture = case.get("2DCODE").or_else(|| case.get("_2DCODE")).and_then(Value::as_str);
        let Some(picture) = picture else {
            // Nothing to decode: these cases test the later steps from the PREFIX text. Listed below.
            without_picture.push(name(&path));
            continue;
        };
        let png = match BASE64.decode(picture.trim()) {
            Ok(png) => png,
            Err(e) => {
                failures.push(format!("{}: 2DCODE is not base64: {e}", name(&path)));
                continue;
            }
        };
        let prefix = case["PREFIX"].as_str();
        let decoded = decode_image(&png);
        if expect_read {
            must_read += 1;
            match (&decoded, prefix) {
                (Ok(text), Some(prefix)) if text == prefix => {}
                (_, None) => {
                    failures.push(format!("{}: must decode but the case has no PREFIX", name(&path)))
                }
                (Ok(_), Some(_)) => {
                    failures.push(format!("{}: decoded to text other than PREFIX", name(&path)))
                }
                (Err(e), Some(_)) => failures.push(format!("{}: must decode but: {e}", name(&path))),
            }
        } else {
            must_not_read += 1;
            if let (Ok(text), Some(prefix)) = (&decoded, prefix)
                && text == prefix
            {
                failures.push(format!("{}: must not decode to PREFIX but did", name(&path)));
            }
        }
    }
    println!(
        "DCC pictures: {must_read} must read, {must_not_read} must not, {} failures; {} cases expect a \
         picture decode but carry no picture: {}",
        failures.len(),
        without_picture.len(),
        without_picture.join(", ")
    );
    assert!(must_read >= 40 && must_not_read >= 1, "too few picture cases: {must_read} + {must_not_read}");
    assert!(failures.is_empty(), "{} picture cases failed:\n{}", failures.len(), failures.join("\n"));
}

/// The other direction, for every case's `PREFIX` (real `HC1:` presentation texts, 300–1,000+
/// characters of Base45): our drawing of it is in alphanumeric mode and reads back to the same text.
#[test]
fn every_case_prefix_draws_and_reads_back() {
    let mut failures = Vec::new();
    let mut drawn = 0;
    for (path, case) in cases() {
        let Some(prefix) = case["PREFIX"].as_str() else { continue };
        drawn += 1;
        let code = match encode(prefix) {
            Ok(code) => code,
            Err(e) => {
                failures.push(format!("{}: {e}", name(&path)));
                continue;
            }
        };
        // B1's PREFIX deliberately holds characters outside Base45 (and so outside the QR
        // alphanumeric set); every other PREFIX is alphanumeric and must be drawn that way.
        let expected_mode = if is_alphanumeric(prefix) { DataMode::Alphanumeric } else { DataMode::Byte };
        if code.mode() != expected_mode {
            failures.push(format!("{}: drawn in {:?} mode", name(&path), code.mode()));
        }
        let png = code.to_png(2).expect("PNG in memory");
        match decode_image(&png) {
            Ok(text) if text == prefix => {}
            Ok(_) => failures.push(format!("{}: read back other text", name(&path))),
            Err(e) => failures.push(format!("{}: not read back: {e}", name(&path))),
        }
    }
    assert!(drawn >= 100, "only {drawn} cases have a PREFIX");
    println!("drew and read back {drawn} case prefixes, {} failures", failures.len());
    assert!(failures.is_empty(), "{} prefixes failed:\n{}", failures.len(), failures.join("\n"));
}
