#![allow(clippy::expect_used, clippy::panic)]
//! No frame and no detection makes the models panic: unusable input is a typed error, a frame
//! without a face is an empty list.

mod common;

use common::{ASTRONAUT, analyzer, decode};
use image::{Rgb, RgbImage};
use shimin_face::{BoundingBox, Detection, FaceError, FaceRegion, MAX_IMAGE_SIDE, Point2, Rotation};

#[test]
fn empty_frames_are_refused() {
    for (w, h) in [(0, 0), (0, 480), (640, 0)] {
        let image = RgbImage::new(w, h);
        for rotation in [Rotation::None, Rotation::Clockwise90] {
            let err = analyzer().analyze(&image, rotation).expect_err("empty");
            assert!(matches!(err, FaceError::EmptyImage { .. }), "{err}");
        }
        assert!(matches!(analyzer().detector().detect(&image), Err(FaceError::EmptyImage { .. })));
    }
}

#[test]
fn oversized_frames_are_refused() {
    let image = RgbImage::new(MAX_IMAGE_SIDE + 1, 1);
    assert!(matches!(analyzer().detector().detect(&image), Err(FaceError::ImageTooLarge { .. })));
}

#[test]
fn tiny_and_odd_shaped_frames_have_no_face() {
    for (w, h) in [(1, 1), (2, 3), (7, 7), (1, 4000), (4000, 1), (33, 17)] {
        let image = RgbImage::from_pixel(w, h, Rgb([200, 150, 120]));
        let faces = analyzer().analyze(&image, Rotation::Clockwise90).expect("runs");
        assert!(faces.is_empty(), "{w}x{h}");
    }
}

#[test]
fn flat_frames_have_no_face() {
    for value in [0u8, 128, 255] {
        let image = RgbImage::from_pixel(640, 480, Rgb([value; 3]));
        assert!(analyzer().detector().detect(&image).expect("runs").is_empty());
    }
}

#[test]
fn noise_frames_run_without_panic() {
    // A fixed linear congruential generator: the same noise every run.
    let mut state = 0x2545_f491_u32;
    let image = RgbImage::from_fn(640, 480, |_, _| {
        let mut px = [0u8; 3];
        for c in &mut px {
            state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            *c = (state >> 24) as u8;
        }
        Rgb(px)
    });
    let faces = analyzer().analyze(&image, Rotation::None).expect("runs");
    assert!(faces.is_empty(), "noise is not a face");
}

fn detection_with(bbox: BoundingBox, eye: Point2) -> Detection {
    Detection { score: 0.9, bbox, keypoints: [eye, Point2 { x: eye.x + 10.0, y: eye.y }, eye, eye, eye, eye] }
}

#[test]
fn unusable_detections_are_refused() {
    let image = decode(ASTRONAUT);
    let ok_eye = Point2 { x: 200.0, y: 100.0 };
    let bad = [
        detection_with(BoundingBox { x: f32::NAN, y: 0.0, width: 10.0, height: 10.0 }, ok_eye),
        detection_with(BoundingBox { x: 0.0, y: 0.0, width: f32::INFINITY, height: 10.0 }, ok_eye),
        detection_with(BoundingBox { x: 10.0, y: 10.0, width: 0.0, height: 0.0 }, ok_eye),
        detection_with(
            BoundingBox { x: 10.0, y: 10.0, width: 50.0, height: 50.0 },
            Point2 { x: f32::NAN, y: 1.0 },
        ),
    ];
    for d in &bad {
        let err = analyzer().mesh().landmarks(&image, d).expect_err("refused");
        assert!(matches!(err, FaceError::InvalidDetection), "{err}");
    }
}

#[test]
fn detections_off_the_frame_or_on_no_face_are_not_faces() {
    let image = decode(ASTRONAUT);
    let far = detection_with(
        BoundingBox { x: 5000.0, y: -9000.0, width: 80.0, height: 80.0 },
        Point2 { x: 5000.0, y: -9000.0 },
    );
    let huge =
        detection_with(BoundingBox { x: -1e7, y: -1e7, width: 2e7, height: 2e7 }, Point2 { x: 0.0, y: 0.0 });
    // The orange suit below the face.
    let suit = detection_with(
        BoundingBox { x: 60.0, y: 330.0, width: 120.0, height: 120.0 },
        Point2 { x: 80.0, y: 360.0 },
    );
    for d in [far, huge, suit] {
        let landmarks = analyzer().mesh().landmarks(&image, &d).expect("runs");
        assert!(!landmarks.is_face(), "presence {}", landmarks.presence());
    }
}

#[test]
fn regions_from_landmarks_track_the_face() {
    let image = decode(ASTRONAUT);
    let faces = analyzer().analyze(&image, Rotation::None).expect("runs");
    let first = &faces[0].landmarks;
    let region = FaceRegion::from_landmarks(first).expect("usable");
    let tracked = analyzer().mesh().landmarks_in(&image, region).expect("runs");
    assert!(tracked.is_face());
    // Re-running on the tracked region lands on the same face.
    let drift = first
        .points()
        .iter()
        .zip(tracked.points())
        .map(|(a, b)| (a.x - b.x).hypot(a.y - b.y))
        .fold(0.0f32, f32::max);
    assert!(drift < 6.0, "largest drift {drift} px");
}

#[test]
fn landmarks_debug_output_holds_no_coordinates() {
    let image = decode(ASTRONAUT);
    let faces = analyzer().analyze(&image, Rotation::None).expect("runs");
    let text = format!("{:?}", faces[0].landmarks);
    assert!(text.contains("468"), "{text}");
    assert!(!text.contains("Point3") && !text.contains("x:"), "{text}");
}
