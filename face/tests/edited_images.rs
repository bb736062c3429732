#![allow(clippy::expect_used, clippy::panic)]
//! A synthetic closed-eye frame: the astronaut photograph with both eyes painted shut.
//!
//! The eye openings are located from MediaPipe's own mesh of the photo (`golden/mediapipe.json`),
//! not from ours, and each opening (slightly enlarged) is filled by copying the eyelid skin just
//! above it, with a dark lash line drawn along the lower lid — what a retoucher would do. It is an
//! approximation of a closed eye, so the test asks for a clear relative drop of the eye aspect
//! ratio against the unedited photo, not for a textbook closed-eye value; the control edit of a
//! patch of the same size on the forehead must leave the ratio unchanged.

mod common;

use common::{
    ASTRONAUT, LEFT_EYE_CONTOUR, RIGHT_EYE_CONTOUR, analyzer, clone_from_above, decode, mediapipe_mesh,
};
use image::RgbImage;
use shimin_face::{FaceFeatures, Rotation};

fn features(image: &RgbImage) -> FaceFeatures {
    let faces = analyzer().analyze(image, Rotation::None).expect("runs");
    assert_eq!(faces.len(), 1);
    faces[0].features
}

#[test]
fn painting_the_eyes_shut_lowers_the_eye_aspect_ratio() {
    let open = decode(ASTRONAUT);
    let mesh = mediapipe_mesh("astronaut.jpg");
    let mut closed = open.clone();
    let mut control = open.clone();
    for contour in [RIGHT_EYE_CONTOUR, LEFT_EYE_CONTOUR] {
        let poly: Vec<(f32, f32)> = contour.iter().map(|&i| (mesh[i][0], mesh[i][1])).collect();
        // The opening's height: upper-lid middle (index 12 of the contour) to lower (index 4).
        let height = (mesh[contour[4]][1] - mesh[contour[12]][1]).abs();
        let lift = (1.8 * height).round() as u32;
        clone_from_above(&mut closed, &open, &poly, lift, Some(&poly[0..9]));
        // The same edit moved 40 px up, onto the forehead.
        let moved: Vec<(f32, f32)> = poly.iter().map(|p| (p.0, p.1 - 40.0)).collect();
        clone_from_above(&mut control, &open, &moved, lift, None);
    }
    let (open, closed, control) = (features(&open), features(&closed), features(&control));
    eprintln!(
        "EAR open {:.3}/{:.3}, closed {:.3}/{:.3}, control {:.3}/{:.3}",
        open.right_eye_aspect_ratio,
        open.left_eye_aspect_ratio,
        closed.right_eye_aspect_ratio,
        closed.left_eye_aspect_ratio,
        control.right_eye_aspect_ratio,
        control.left_eye_aspect_ratio
    );
    for (o, c, k, eye) in [
        (open.right_eye_aspect_ratio, closed.right_eye_aspect_ratio, control.right_eye_aspect_ratio, "right"),
        (open.left_eye_aspect_ratio, closed.left_eye_aspect_ratio, control.left_eye_aspect_ratio, "left"),
    ] {
        assert!(c < 0.85 * o, "{eye} eye: closed {c} vs open {o}");
        assert!((k - o).abs() < 0.05 * o, "{eye} eye: control {k} vs open {o}");
    }
    // The mouth is untouched.
    assert!((closed.mouth_aspect_ratio - open.mouth_aspect_ratio).abs() < 0.03);
}
