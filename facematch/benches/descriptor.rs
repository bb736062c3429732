//! Time of one descriptor: detection + landmarks + ResNet on the 512×512 astronaut photo, and the
//! ResNet path alone for a known face box. Needs the models (`scripts/fetch-face-match-models.sh`).
#![allow(clippy::expect_used)]

use criterion::{Criterion, criterion_group, criterion_main};
use shimin_facematch::FaceMatcher;

fn descriptor(c: &mut Criterion) {
    let matcher = FaceMatcher::load_default().expect("models: run scripts/fetch-face-match-models.sh");
    let image = image::load_from_memory(include_bytes!("../../face/tests/images/astronaut.jpg"))
        .expect("the astronaut decodes")
        .to_rgb8();
    let face = matcher.detect(&image).expect("detection runs").first().expect("a face").face_box;

    let mut group = c.benchmark_group("facematch_512x512");
    group.sample_size(20);
    group.bench_function("descriptor (detect + landmarks + ResNet)", |b| {
        b.iter(|| matcher.descriptor(&image).expect("descriptor"))
    });
    group.bench_function("descriptor_of (given box)", |b| {
        b.iter(|| matcher.descriptor_of(&image, face).expect("descriptor"))
    });
    group.bench_function("detect", |b| b.iter(|| matcher.detect(&image).expect("detect")));
    // An image without a face runs the detector at 1× and 2×.
    let blank = image::RgbImage::new(512, 512);
    group.bench_function("detect (no face: 1× and 2×)", |b| {
        b.iter(|| matcher.detect(&blank).expect("detect"))
    });
    group.finish();
}

criterion_group!(benches, descriptor);
criterion_main!(benches);
