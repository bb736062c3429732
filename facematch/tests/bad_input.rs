//! Bad input gives a typed error or `Ok(None)`, never a panic or a crash in dlib.
#![allow(clippy::expect_used, clippy::panic)]

mod common;

use std::fs;

use common::{ASTRONAUT, decode, matcher};
use image::{Rgb, RgbImage};
use shimin_facematch::{
    FaceBox, FaceMatcher, MatchError, RECOGNITION_MODEL_FILE, RgbView, SHAPE_PREDICTOR_FILE,
    default_models_dir,
};

#[test]
fn a_zero_sized_image_is_an_error() {
    for (w, h) in [(0, 0), (0, 10), (10, 0)] {
        let image = RgbImage::new(w, h);
        assert!(matches!(matcher().descriptor(&image), Err(MatchError::EmptyImage { .. })));
        assert!(matches!(matcher().detect(&image), Err(MatchError::EmptyImage { .. })));
        let face = FaceBox { x: 0, y: 0, width: 1, height: 1 };
        assert!(matches!(matcher().descriptor_of(&image, face), Err(MatchError::EmptyImage { .. })));
    }
}

#[test]
fn a_truncated_buffer_is_an_error() {
    let astronaut = decode(ASTRONAUT);
    let (w, h) = astronaut.dimensions();
    let pixels = astronaut.as_raw();
    let stride = w as usize * 3;
    assert!(RgbView::new(pixels, w, h, stride).is_ok());
    for len in [0, 1, pixels.len() / 2, pixels.len() - 1] {
        match RgbView::new(&pixels[..len], w, h, stride) {
            Err(MatchError::BufferTooShort { len: got, needed }) => {
                assert_eq!((got, needed), (len, pixels.len()));
            }
            other => panic!("{len} bytes: expected BufferTooShort, got {other:?}"),
        }
    }
    assert!(matches!(RgbView::new(pixels, w, h, stride - 1), Err(MatchError::BadStride { .. })));
    assert!(matches!(RgbView::new(pixels, 5000, 1, 15000), Err(MatchError::ImageTooLarge { .. })));
}

#[test]
fn padded_rows_give_the_same_descriptor() {
    let astronaut = decode(ASTRONAUT);
    let (w, h) = astronaut.dimensions();
    let row = w as usize * 3;
    let stride = row + 13;
    let mut padded = vec![0xAAu8; stride * h as usize];
    for (y, src) in astronaut.as_raw().chunks_exact(row).enumerate() {
        padded[y * stride..y * stride + row].copy_from_slice(src);
    }
    let view = RgbView::new(&padded, w, h, stride).expect("a valid view");
    let from_view = matcher().descriptor(&view).expect("runs").expect("a face");
    let from_image = matcher().descriptor(&astronaut).expect("runs").expect("a face");
    assert_eq!(from_view, from_image);
}

#[test]
fn tiny_flat_and_noisy_images_have_no_face() {
    let mut noise = RgbImage::new(320, 240);
    let mut state = 0x2545_f491_u32;
    for p in noise.pixels_mut() {
        state ^= state << 13;
        state ^= state >> 17;
        state ^= state << 5;
        let [r, g, b, _] = state.to_le_bytes();
        *p = Rgb([r, g, b]);
    }
    for image in [
        RgbImage::new(1, 1),
        RgbImage::new(2, 3),
        RgbImage::from_pixel(17, 5, Rgb([255, 255, 255])),
        RgbImage::from_pixel(640, 480, Rgb([0, 0, 0])),
        noise,
    ] {
        assert!(matcher().descriptor(&image).expect("runs").is_none(), "{:?}", image.dimensions());
    }
}

#[test]
fn face_boxes_outside_the_image_are_errors_and_odd_ones_do_not_crash() {
    let astronaut = decode(ASTRONAUT);
    for bad in [
        FaceBox { x: 512, y: 0, width: 100, height: 100 },
        FaceBox { x: -100, y: -100, width: 100, height: 100 },
        FaceBox { x: 0, y: 0, width: 0, height: 100 },
        FaceBox { x: i32::MAX, y: i32::MAX, width: u32::MAX, height: u32::MAX },
    ] {
        assert!(matches!(matcher().descriptor_of(&astronaut, bad), Err(MatchError::BadFaceBox)), "{bad:?}");
    }
    // Boxes that overlap the image but hold no face still give some descriptor, without a crash.
    let tiny = RgbImage::new(1, 1);
    for (image, odd) in [
        (&astronaut, FaceBox { x: 0, y: 0, width: 1, height: 1 }),
        (&astronaut, FaceBox { x: -1000, y: -1000, width: 3000, height: 3000 }),
        (&astronaut, FaceBox { x: 511, y: 511, width: 16_000, height: 16_000 }),
        (&tiny, FaceBox { x: 0, y: 0, width: 1, height: 1 }),
    ] {
        matcher().descriptor_of(image, odd).expect("a descriptor");
    }
}

#[test]
fn options_out_of_range_are_errors() {
    let load = || FaceMatcher::load_default().expect("the models load");
    assert!(matches!(load().with_max_upsample(3), Err(MatchError::InvalidOption("max_upsample"))));
    for score in [-0.1, f64::NAN, f64::INFINITY] {
        assert!(matches!(load().with_min_score(score), Err(MatchError::InvalidOption("min_score"))));
    }
}

/// A fresh scratch models directory, removed when it is dropped (also when the test fails).
fn scratch_dir(name: &str) -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix(&format!("shimin-facematch-{name}-"))
        .tempdir()
        .expect("a scratch directory")
}

#[test]
fn damaged_model_files_are_errors() {
    let models = default_models_dir().expect("a models directory");
    let shape = fs::read(models.join(SHAPE_PREDICTOR_FILE)).expect("the shape predictor");
    let resnet = fs::read(models.join(RECOGNITION_MODEL_FILE)).expect("the ResNet");
    let cases: [(&str, &[u8], &[u8]); 5] = [
        ("empty", &[], &resnet),
        ("text", b"this is not a dlib model\n", &resnet),
        ("truncated-shape", &shape[..shape.len() / 2], &resnet),
        ("truncated-resnet", &shape, &resnet[..resnet.len() / 3]),
        // Each file where the other belongs.
        ("swapped", &resnet, &shape),
    ];
    for (name, shape_bytes, resnet_bytes) in cases {
        let dir = scratch_dir(name);
        fs::write(dir.path().join(SHAPE_PREDICTOR_FILE), shape_bytes).expect("write");
        fs::write(dir.path().join(RECOGNITION_MODEL_FILE), resnet_bytes).expect("write");
        let result = FaceMatcher::load(dir.path());
        dir.close().expect("clean up");
        match result {
            Err(e @ (MatchError::ModelLoad { .. } | MatchError::OutOfMemory)) => println!("{name}: {e}"),
            other => panic!("{name}: expected ModelLoad, got {other:?}"),
        }
    }
}
