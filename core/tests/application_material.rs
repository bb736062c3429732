//! The sources of a material (issue 17, seed 002): uploads sniffed from real small files, the four
//! reuse classes at their validity boundaries, and the ranking the citizen chooses from.

#![allow(clippy::expect_used, clippy::panic)] // Test code: a failed expectation is the test failing.

use shimin_core::application::material::{
    Candidate, HeldCertificate, LibraryItem, MAX_APPLICATION_UPLOAD_BYTES, MAX_UPLOAD_BYTES, Source,
    Unusable, UploadError, UploadType, check_named_upload, check_total, check_upload, library_decision,
    sources,
};
use shimin_core::catalogue::guide::{Material, Service};
use shimin_core::catalogue::material::ReuseClass;
use shimin_core::cert::CertificateType;
use shimin_core::picture::PictureError;
use shimin_wire::catalogue::MaterialFormDto;

const JPEG: &[u8] = include_bytes!("vectors/application/tenancy-page.jpg");
const PNG: &[u8] = include_bytes!("vectors/application/tenancy-page.png");
const PDF: &[u8] = include_bytes!("vectors/application/tenancy-agreement.pdf");
const RENAMED: &[u8] = include_bytes!("vectors/application/tenancy-page-renamed.jpg");

const NOW: i64 = 1_796_601_600; // 2026-12-07 08:00 China time
const DAY: i64 = 86_400;

fn materials() -> Vec<Material> {
    let json = include_str!("vectors/application/residence-permit.json");
    Service::from_json(json.as_bytes()).expect("the vector parses").materials
}

#[test]
fn real_jpeg_png_and_pdf_files_are_taken_by_what_their_bytes_are() {
    for (name, bytes, kind) in [
        ("page.JPG", JPEG, UploadType::Jpeg),
        ("page.png", PNG, UploadType::Png),
        ("agreement.pdf", PDF, UploadType::Pdf),
    ] {
        let checked = check_named_upload(name, bytes).expect(name);
        assert_eq!(checked.kind, kind);
        assert_eq!(checked.size, bytes.len() as u64);
        assert_eq!(checked.sha256, shimin_core::crypto::sha256(bytes));
    }
}

#[test]
fn a_file_that_is_not_what_its_name_or_type_says_is_refused() {
    assert_eq!(
        check_named_upload("tenancy-page-renamed.jpg", RENAMED),
        Err(UploadError::Mismatch { claimed: UploadType::Jpeg, actual: UploadType::Png })
    );
    assert_eq!(
        check_upload(PDF, UploadType::Jpeg),
        Err(UploadError::Mismatch { claimed: UploadType::Jpeg, actual: UploadType::Pdf })
    );
    assert_eq!(check_named_upload("agreement.docx", PDF), Err(UploadError::NotAllowed), "by its name");
    assert_eq!(check_named_upload("agreement", PDF), Err(UploadError::NotAllowed), "no extension");
    assert_eq!(check_named_upload("notes.pdf", b"just some text, not a PDF"), Err(UploadError::NotAllowed));
    assert_eq!(
        check_upload(b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", UploadType::Png),
        Err(UploadError::NotAllowed)
    );
    assert_eq!(check_upload(b"%PDF-1.x", UploadType::Pdf), Err(UploadError::NotAllowed), "no version digit");
}

#[test]
fn a_cut_short_or_empty_or_oversized_file_is_refused() {
    let cut = PDF.len() - 6;
    assert!(PDF[cut..].starts_with(b"%%EOF"));
    assert_eq!(check_upload(&PDF[..cut], UploadType::Pdf), Err(UploadError::PdfIncomplete));
    assert!(matches!(
        check_upload(&JPEG[..JPEG.len() / 2], UploadType::Jpeg),
        Err(UploadError::Picture(PictureError::Corrupt { .. }))
    ));
    assert_eq!(check_upload(&[], UploadType::Jpeg), Err(UploadError::Empty));
    let mut big = PDF.to_vec();
    big.resize(MAX_UPLOAD_BYTES as usize, b' ');
    big.extend_from_slice(b"%%EOF\n");
    assert_eq!(check_upload(&big, UploadType::Pdf), Err(UploadError::TooLarge));
    big.truncate(MAX_UPLOAD_BYTES as usize - 6);
    big.extend_from_slice(b"%%EOF\n");
    assert_eq!(check_upload(&big, UploadType::Pdf).map(|c| c.size), Ok(MAX_UPLOAD_BYTES), "the limit itself");
    assert_eq!(check_total([MAX_UPLOAD_BYTES; 3]), Ok(()));
    assert_eq!(
        check_total([MAX_UPLOAD_BYTES, MAX_UPLOAD_BYTES, MAX_UPLOAD_BYTES, 1]),
        Err(UploadError::TotalTooLarge)
    );
    assert_eq!(MAX_APPLICATION_UPLOAD_BYTES, 3 * MAX_UPLOAD_BYTES);
}

fn item(material: &Material, valid_until: Option<i64>) -> LibraryItem {
    LibraryItem {
        id: format!("lib-{}", valid_until.unwrap_or(0)),
        material_name: material.name.hans.clone(),
        accepted_at: NOW - 400 * DAY,
        valid_until,
    }
}

#[test]
fn each_reuse_class_decides_a_library_item_at_its_boundaries() {
    let m = materials();
    let (tenancy, marriage, form, birth) = (&m[1], &m[3], &m[4], &m[5]);
    assert_eq!(
        [tenancy.reuse, marriage.reuse, form.reuse, birth.reuse],
        [ReuseClass::WithinValidity, ReuseClass::WithoutLimit, ReuseClass::Never, ReuseClass::Unconditional]
    );
    // (1) unconditional: even an item whose date has passed.
    assert_eq!(library_decision(birth, &item(birth, Some(NOW - 5 * 365 * DAY)), NOW), Ok(()));
    // (2) within validity: the last valid second counts, the next does not; no end is no trust.
    assert_eq!(library_decision(tenancy, &item(tenancy, Some(NOW)), NOW), Ok(()));
    assert_eq!(library_decision(tenancy, &item(tenancy, Some(NOW - 1)), NOW), Err(Unusable::Expired));
    assert_eq!(library_decision(tenancy, &item(tenancy, None), NOW), Err(Unusable::Expired));
    // (3) without limit: ten years on.
    assert_eq!(library_decision(marriage, &item(marriage, Some(NOW - 3_650 * DAY)), NOW), Ok(()));
    // (4) never.
    assert_eq!(library_decision(form, &item(form, Some(NOW + DAY)), NOW), Err(Unusable::NeverReused));
    // Another material's item never stands in.
    assert_eq!(library_decision(tenancy, &item(birth, Some(NOW + DAY)), NOW), Err(Unusable::OtherMaterial));
}

fn held(id: &str, t: CertificateType, valid_until: Option<i64>, status_valid: bool) -> HeldCertificate {
    HeldCertificate { id: id.into(), certificate_type: t, valid_until, status_valid }
}

#[test]
fn the_sources_are_ranked_wallet_then_library_then_upload_with_every_refusal_explained() {
    let m = materials();
    let id_card = &m[0];
    let wallet = [
        held("old-card", CertificateType::ResidentIdCard, Some(NOW), true),
        held("licence", CertificateType::DrivingLicence, None, true),
        held("card", CertificateType::ResidentIdCard, Some(NOW + 3_650 * DAY), true),
        held("suspended", CertificateType::ResidentIdCard, None, false),
    ];
    let library = [item(id_card, Some(NOW + DAY)), item(id_card, Some(NOW + 90 * DAY)), item(&m[1], None)];
    let got = sources(id_card, &wallet, &library, NOW);
    let expected = [
        Candidate { source: Source::Wallet("card".into()), usable: Ok(()) },
        Candidate { source: Source::Library(format!("lib-{}", NOW + 90 * DAY)), usable: Ok(()) },
        Candidate { source: Source::Library(format!("lib-{}", NOW + DAY)), usable: Ok(()) },
        Candidate { source: Source::Upload, usable: Ok(()) },
        Candidate { source: Source::Wallet("suspended".into()), usable: Err(Unusable::CertificateNotValid) },
        Candidate { source: Source::Wallet("old-card".into()), usable: Err(Unusable::CertificateExpired) },
    ];
    assert_eq!(got, expected);
    // A paper-only material cannot be uploaded; a material no certificate satisfies has no
    // wallet candidate at all.
    let paper = Material { form: MaterialFormDto::Paper, ..m[4].clone() };
    assert_eq!(
        sources(&paper, &wallet, &[], NOW),
        [Candidate { source: Source::Upload, usable: Err(Unusable::PaperOnly) }]
    );
}
