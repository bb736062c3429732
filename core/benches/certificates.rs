//! The costs of the certificate path, in one run:
//! `cargo bench -p shimin-core --bench certificates`.
//!
//! - a raw ring P-256 (ES256) verification, the unit everything else is measured against;
//! - full verification of an "identity" presentation from its text to the verdict (two signature
//!   checks — issuer and device — plus decoding, digests, trust and status lookups);
//! - building a presentation and its QR matrix on the phone;
//! - decoding a QR code from a 640×480 camera frame.
#![allow(clippy::expect_used, clippy::panic, missing_docs)]

#[path = "../tests/present_common/mod.rs"]
mod common;
#[path = "../tests/test_data/mod.rs"]
mod test_data;

use std::hint::black_box;

use common::{NOW, World};
use criterion::{Criterion, criterion_group, criterion_main};
use image::imageops::FilterType;
use ring::rand::SystemRandom;
use ring::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair};
use shimin_core::cert::CertificateType;
use shimin_core::crypto::SignatureAlgorithm;
use shimin_core::present::{Presentation, Preset};
use shimin_core::qr::{self, Effort, Frame, PixelFormat};
use shimin_core::verifier::Outcome;

fn certificates(c: &mut Criterion) {
    let world = World::new();
    let issued = world.issue(CertificateType::ResidentIdCard);
    let text = world.present(&issued, &Preset::Identity, NOW);
    assert_eq!(world.verify(&text, NOW).outcome, Outcome::Valid, "the benchmark input must verify");

    // Signed with `ring` itself: the crate signs only the `Sig_structure`s it builds.
    let message = b"Shimin benchmark message: the same size class as a COSE Sig_structure".repeat(8);
    let rng = SystemRandom::new();
    let pair = EcdsaKeyPair::from_pkcs8(
        &ECDSA_P256_SHA256_FIXED_SIGNING,
        world.device_key.to_pkcs8().expose(),
        &rng,
    )
    .expect("the device key");
    let signature = pair.sign(&rng, &message).expect("sign").as_ref().to_vec();
    let public = world.device_key.verifying_key();
    c.bench_function("ring P-256 verify (raw)", |b| {
        b.iter(|| public.verify(SignatureAlgorithm::Es256, black_box(&message), black_box(&signature)))
    });

    c.bench_function("verify identity presentation (text -> verdict)", |b| {
        b.iter(|| world.verify(black_box(&text), NOW))
    });

    let compressed = public.p256_compressed().expect("compress");
    c.bench_function("P-256 point decompression (device key)", |b| {
        b.iter(|| shimin_core::crypto::VerifyingKey::p256_from_compressed(black_box(&compressed)))
    });
    let thumbnail = shimin_core::photo::Thumbnail::from_bytes(&common::thumbnail()).expect("thumbnail");
    c.bench_function("photo thumbnail -> JPEG", |b| b.iter(|| black_box(&thumbnail).to_jpeg()));

    c.bench_function("build identity presentation + QR matrix", |b| {
        b.iter(|| {
            let signed = Presentation::new(black_box(&issued))
                .expect("stored")
                .disclose(&Preset::Identity)
                .expect("preset")
                .sign(&world.device_key, NOW)
                .expect("sign");
            signed.to_qr().expect("qr")
        })
    });

    c.bench_function("QR matrix only (identity text)", |b| {
        b.iter(|| qr::encode(black_box(&text)).expect("qr"))
    });

    // A real photo of a QR code (ZXing's set), brought to a 640×480 grey camera frame.
    let photo = test_data::path("qr-photos/qrcode-1/1.png");
    let bytes = std::fs::read(&photo).unwrap_or_else(|e| panic!("{}: {e}", photo.display()));
    let frame = image::load_from_memory(&bytes)
        .expect("photo")
        .resize_exact(640, 480, FilterType::Triangle)
        .to_luma8();
    let frame = Frame { width: 640, height: 480, format: PixelFormat::Luma8, data: frame.as_raw() };
    assert!(qr::decode_frame(&frame, Effort::Thorough).is_ok(), "the benchmark frame must decode");
    c.bench_function("decode QR from a 640x480 photo frame", |b| {
        b.iter(|| qr::decode_frame(black_box(&frame), Effort::Thorough))
    });
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30).measurement_time(std::time::Duration::from_secs(4));
    targets = certificates
}
criterion_main!(benches);
