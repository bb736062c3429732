//! Per-frame cost at 640×480: the detector alone, detector + mesh + features (a cold frame), and
//! the mesh alone on the region tracked from the previous frame (steady state).
#![allow(clippy::expect_used)]

use criterion::{Criterion, criterion_group, criterion_main};
use image::RgbImage;
use shimin_face::{FaceAnalyzer, FaceRegion, Rotation};

/// The astronaut portrait scaled to 480 rows and centred in a 640×480 frame, as a camera gives.
fn frame() -> RgbImage {
    let photo =
        image::load_from_memory(include_bytes!("../tests/images/astronaut.jpg")).expect("decodes").to_rgb8();
    let photo = image::imageops::resize(&photo, 480, 480, image::imageops::FilterType::Triangle);
    let mut frame = RgbImage::from_pixel(640, 480, image::Rgb([90, 90, 90]));
    image::imageops::replace(&mut frame, &photo, 80, 0);
    frame
}

fn bench(c: &mut Criterion) {
    let analyzer = FaceAnalyzer::new().expect("models load");
    let frame = frame();
    let faces = analyzer.analyze(&frame, Rotation::None).expect("runs");
    assert_eq!(faces.len(), 1, "the bench frame has one face");
    let region = FaceRegion::from_landmarks(&faces[0].landmarks).expect("usable");

    let mut group = c.benchmark_group("face_640x480");
    group.bench_function("detector", |b| b.iter(|| analyzer.detector().detect(std::hint::black_box(&frame))));
    group.bench_function("detector_mesh_features", |b| {
        b.iter(|| analyzer.analyze(std::hint::black_box(&frame), Rotation::None))
    });
    group.bench_function("mesh_tracked", |b| {
        b.iter(|| analyzer.mesh().landmarks_in(std::hint::black_box(&frame), region))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
