#![allow(clippy::expect_used, clippy::panic)]
//! Detector, mesh and features on real photographs (see `images/README.md` for their sources).
//!
//! The expected regions were read off the images by eye, not copied from the program's output:
//! in the 512×512 astronaut portrait the face (hairline to chin, cheek to cheek) spans about
//! x 175–275, y 70–185, the eyes sit near y 105 at x ≈ 205 and 245, the mouth near (222, 145).
//! In the 512×600 Grace Hopper portrait the face spans about x 165–370, y 150–345 under the cap,
//! the eyes (behind glasses) near y 195 at x ≈ 220 and 305, the mouth near (268, 278).

mod common;

use common::{ASTRONAUT, COFFEE, GRACE_HOPPER, analyzer, decode, tilt};
use shimin_face::{FaceFeatures, Keypoint, LEFT_EYE, Landmarks, NUM_LANDMARKS, Point3, RIGHT_EYE, Rotation};

fn within(value: f32, lo: f32, hi: f32, what: &str) {
    assert!((lo..=hi).contains(&value), "{what} = {value}, expected within {lo}..={hi}");
}

fn mean(points: impl IntoIterator<Item = Point3>) -> Point3 {
    let (mut sum, mut n) = (Point3 { x: 0.0, y: 0.0, z: 0.0 }, 0.0);
    for p in points {
        sum.x += p.x;
        sum.y += p.y;
        sum.z += p.z;
        n += 1.0;
    }
    Point3 { x: sum.x / n, y: sum.y / n, z: sum.z / n }
}

fn eye_centers(l: &Landmarks) -> (Point3, Point3) {
    (mean(RIGHT_EYE.map(|i| l.point(i))), mean(LEFT_EYE.map(|i| l.point(i))))
}

/// Geometry every upright frontal face must satisfy.
fn assert_face_geometry(l: &Landmarks) {
    assert_eq!(l.points().len(), NUM_LANDMARKS);
    assert!(l.presence() > 0.9, "presence {}", l.presence());
    assert!(l.points().iter().all(|p| p.x.is_finite() && p.y.is_finite() && p.z.is_finite()));
    let (right_eye, left_eye) = eye_centers(l);
    let mouth = mean([l.point(13), l.point(14)]);
    let nose_tip = l.point(1);
    // The person's right eye is on the image's left.
    assert!(right_eye.x < left_eye.x);
    // Eyes above the nose tip, nose tip above the mouth, mouth above the chin; forehead on top.
    let eyes_y = right_eye.y.max(left_eye.y);
    assert!(eyes_y < nose_tip.y, "eyes {eyes_y} nose {}", nose_tip.y);
    assert!(nose_tip.y < mouth.y);
    assert!(mouth.y < l.point(152).y);
    assert!(l.point(10).y < right_eye.y.min(left_eye.y));
    // The nose between the eyes, the mouth centred under it.
    assert!(right_eye.x < nose_tip.x && nose_tip.x < left_eye.x);
    assert!(right_eye.x < mouth.x && mouth.x < left_eye.x);
    // The nose tip is the nearest part of a frontal face.
    assert!(nose_tip.z < right_eye.z && nose_tip.z < left_eye.z);
}

#[test]
fn astronaut_has_exactly_one_face_where_her_face_is() {
    let image = decode(ASTRONAUT);
    let found = analyzer().detector().detect(&image).expect("detects");
    assert_eq!(found.len(), 1, "{found:?}");
    let d = &found[0];
    assert!(d.score > 0.8, "score {}", d.score);
    let b = d.bbox;
    within(b.x, 165.0, 200.0, "box left");
    within(b.x + b.width, 255.0, 290.0, "box right");
    within(b.y, 60.0, 100.0, "box top");
    within(b.y + b.height, 160.0, 195.0, "box bottom");
    let right_eye = d.keypoint(Keypoint::RightEye);
    let left_eye = d.keypoint(Keypoint::LeftEye);
    within(right_eye.x, 195.0, 215.0, "right eye x");
    within(left_eye.x, 235.0, 258.0, "left eye x");
    within(right_eye.y, 92.0, 115.0, "right eye y");
    within(left_eye.y, 92.0, 115.0, "left eye y");
    let mouth = d.keypoint(Keypoint::MouthCenter);
    within(mouth.x, 210.0, 235.0, "mouth x");
    within(mouth.y, 135.0, 155.0, "mouth y");
}

#[test]
fn grace_hopper_has_exactly_one_face_where_her_face_is() {
    let image = decode(GRACE_HOPPER);
    let found = analyzer().detector().detect(&image).expect("detects");
    assert_eq!(found.len(), 1, "{found:?}");
    let b = found[0].bbox;
    within(b.x, 150.0, 190.0, "box left");
    within(b.x + b.width, 345.0, 385.0, "box right");
    within(b.y, 125.0, 170.0, "box top");
    within(b.y + b.height, 320.0, 360.0, "box bottom");
}

#[test]
fn coffee_cup_has_no_face() {
    let image = decode(COFFEE);
    assert!(analyzer().detector().detect(&image).expect("runs").is_empty());
    assert!(analyzer().analyze(&image, Rotation::None).expect("runs").is_empty());
}

#[test]
fn astronaut_landmarks_sit_on_her_face() {
    let image = decode(ASTRONAUT);
    let faces = analyzer().analyze(&image, Rotation::None).expect("runs");
    assert_eq!(faces.len(), 1);
    let l = &faces[0].landmarks;
    assert_face_geometry(l);
    let (right_eye, left_eye) = eye_centers(l);
    within(right_eye.x, 195.0, 215.0, "right eye x");
    within(left_eye.x, 235.0, 258.0, "left eye x");
    within(right_eye.y, 95.0, 115.0, "right eye y");
    within(left_eye.y, 95.0, 115.0, "left eye y");
    let mouth = mean([l.point(13), l.point(14)]);
    within(mouth.x, 212.0, 235.0, "mouth x");
    within(mouth.y, 135.0, 155.0, "mouth y");
    within(l.point(152).y, 165.0, 190.0, "chin y");
    let b = l.bounding_box();
    within(b.x, 165.0, 195.0, "mesh left");
    within(b.x + b.width, 260.0, 290.0, "mesh right");
}

#[test]
fn grace_hopper_landmarks_sit_on_her_face() {
    let image = decode(GRACE_HOPPER);
    let faces = analyzer().analyze(&image, Rotation::None).expect("runs");
    assert_eq!(faces.len(), 1);
    let l = &faces[0].landmarks;
    assert_face_geometry(l);
    let (right_eye, left_eye) = eye_centers(l);
    within(right_eye.x, 205.0, 240.0, "right eye x");
    within(left_eye.x, 285.0, 320.0, "left eye x");
    within(right_eye.y, 180.0, 210.0, "right eye y");
    within(left_eye.y, 180.0, 210.0, "left eye y");
    let mouth = mean([l.point(13), l.point(14)]);
    within(mouth.x, 255.0, 285.0, "mouth x");
    within(mouth.y, 265.0, 290.0, "mouth y");
}

#[test]
fn open_eyes_closed_and_smiling_mouths_and_frontal_pose_measure_plausibly() {
    let astronaut = analyzer().analyze(&decode(ASTRONAUT), Rotation::None).expect("runs");
    let hopper = analyzer().analyze(&decode(GRACE_HOPPER), Rotation::None).expect("runs");
    let (a, h): (FaceFeatures, FaceFeatures) = (astronaut[0].features, hopper[0].features);
    for (f, who) in [(a, "astronaut"), (h, "hopper")] {
        within(f.right_eye_aspect_ratio, 0.18, 0.45, &format!("{who} right EAR"));
        within(f.left_eye_aspect_ratio, 0.18, 0.45, &format!("{who} left EAR"));
        // Both look into the camera.
        within(f.yaw_degrees, -15.0, 15.0, &format!("{who} yaw"));
        within(f.roll_degrees, -10.0, 10.0, &format!("{who} roll"));
    }
    // Grace Hopper's lips are closed; the astronaut smiles with her teeth showing.
    within(h.mouth_aspect_ratio, 0.0, 0.08, "hopper MAR");
    within(a.mouth_aspect_ratio, 0.08, 0.5, "astronaut MAR");
}

#[test]
fn every_rotation_option_finds_the_face_in_a_sideways_frame() {
    let upright = decode(ASTRONAUT);
    let reference = analyzer().analyze(&upright, Rotation::None).expect("runs");
    let want = reference[0].detection.bbox.center();
    // A sensor frame that needs turning by `rotation` to be upright.
    let cases = [
        (Rotation::Clockwise90, image::imageops::rotate270(&upright)),
        (Rotation::Clockwise180, image::imageops::rotate180(&upright)),
        (Rotation::Clockwise270, image::imageops::rotate90(&upright)),
    ];
    for (rotation, sensor) in cases {
        let faces = analyzer().analyze(&sensor, rotation).expect("runs");
        assert_eq!(faces.len(), 1, "{rotation:?}");
        let got = faces[0].detection.bbox.center();
        assert!(
            (got.x - want.x).abs() < 3.0 && (got.y - want.y).abs() < 3.0,
            "{rotation:?}: {got:?} vs {want:?}"
        );
        assert_face_geometry(&faces[0].landmarks);
    }
}

#[test]
fn a_tilted_head_gives_a_level_crop_and_the_tilt_as_roll() {
    let upright = decode(ASTRONAUT);
    for degrees in [-25.0f32, 20.0] {
        let tilted = tilt(&upright, degrees);
        let faces = analyzer().analyze(&tilted, Rotation::None).expect("runs");
        assert_eq!(faces.len(), 1, "tilt {degrees}");
        let f = faces[0].features;
        // The photo's own head tilt is a few degrees; the added tilt dominates.
        within(f.roll_degrees - degrees, -8.0, 8.0, "roll minus tilt");
        within(
            faces[0].landmarks.region().angle.to_degrees() - degrees,
            -12.0,
            12.0,
            "crop angle minus tilt",
        );
        within(f.eye_aspect_ratio(), 0.18, 0.45, "EAR of the tilted face");
    }
}

#[test]
fn two_people_in_one_frame_are_two_faces() {
    // Both portraits cropped around the face and placed side by side in a 640×320 frame.
    let astronaut = image::imageops::crop_imm(&decode(ASTRONAUT), 100, 10, 250, 250).to_image();
    let hopper = image::imageops::crop_imm(&decode(GRACE_HOPPER), 90, 70, 360, 360).to_image();
    let size = 300;
    let filter = image::imageops::FilterType::Triangle;
    let mut frame = image::RgbImage::from_pixel(640, 320, image::Rgb([128, 128, 128]));
    image::imageops::replace(&mut frame, &image::imageops::resize(&astronaut, size, size, filter), 10, 10);
    image::imageops::replace(&mut frame, &image::imageops::resize(&hopper, size, size, filter), 330, 10);
    let faces = analyzer().analyze(&frame, Rotation::None).expect("runs");
    assert_eq!(faces.len(), 2, "{:?}", faces.iter().map(|f| f.detection.bbox).collect::<Vec<_>>());
    let mut xs: Vec<f32> = faces.iter().map(|f| f.detection.bbox.center().x).collect();
    xs.sort_by(f32::total_cmp);
    within(xs[0], 60.0, 260.0, "left face centre");
    within(xs[1], 380.0, 580.0, "right face centre");
    for face in &faces {
        assert_face_geometry(&face.landmarks);
    }
}
