#![allow(clippy::expect_used, clippy::panic)]
//! Our pipeline against MediaPipe itself: `golden/mediapipe.json` holds what MediaPipe 0.10.21
//! (the wheel the models come from, its own TFLite runtime and preprocessing) finds on the same
//! committed photographs; `golden/mediapipe_reference.py` regenerates it.
//!
//! Differences come from resampling (MediaPipe's warp vs ours), runtime arithmetic (XNNPACK vs
//! tract) and the detector's coarse 128×128 input; the mesh then refines on a 192×192 crop, so the
//! mesh is expected to agree more closely than the detector keypoints.

mod common;

use common::{ASTRONAUT, GRACE_HOPPER, analyzer, decode};
use serde_json::Value;
use shimin_face::{NUM_LANDMARKS, Rotation};

const GOLDEN: &str = include_str!("golden/mediapipe.json");

fn floats(v: &Value) -> Vec<f32> {
    v.as_array().expect("an array").iter().map(|x| x.as_f64().expect("a number") as f32).collect()
}

struct Reference {
    box_xywh: Vec<f32>,
    keypoints: Vec<Vec<f32>>,
    mesh: Vec<Vec<f32>>,
}

fn reference(name: &str) -> Reference {
    let golden: Value = serde_json::from_str(GOLDEN).expect("golden JSON parses");
    let entry = &golden["images"][name];
    let detections = entry["detections"].as_array().expect("detections");
    let meshes = entry["meshes"].as_array().expect("meshes");
    assert_eq!(detections.len(), 1, "MediaPipe found one face in {name}");
    assert_eq!(meshes.len(), 1, "MediaPipe found one mesh in {name}");
    Reference {
        box_xywh: floats(&detections[0]["box"]),
        keypoints: detections[0]["keypoints"].as_array().expect("keypoints").iter().map(floats).collect(),
        mesh: meshes[0].as_array().expect("points").iter().map(floats).collect(),
    }
}

fn compare(name: &str, bytes: &[u8]) {
    let want = reference(name);
    let faces = analyzer().analyze(&decode(bytes), Rotation::None).expect("runs");
    assert_eq!(faces.len(), 1, "{name}");
    let face = &faces[0];

    // Detector: box edges and keypoints within a few pixels of MediaPipe's.
    let b = face.detection.bbox;
    let got_box = [b.x, b.y, b.width, b.height];
    for (g, w) in got_box.iter().zip(&want.box_xywh) {
        assert!((g - w).abs() < 6.0, "{name} box {got_box:?} vs {:?}", want.box_xywh);
    }
    for (g, w) in face.detection.keypoints.iter().zip(&want.keypoints) {
        let d = (g.x - w[0]).hypot(g.y - w[1]);
        assert!(d < 8.0, "{name} keypoint {g:?} vs {w:?}: {d} px");
    }

    // Mesh: every point close, on average within a pixel or two.
    assert_eq!(want.mesh.len(), NUM_LANDMARKS);
    let face_size = b.width.max(b.height);
    let mut sum = 0.0f32;
    let mut worst = 0.0f32;
    let mut sum_z = 0.0f32;
    for (g, w) in face.landmarks.points().iter().zip(&want.mesh) {
        let d = (g.x - w[0]).hypot(g.y - w[1]);
        sum += d;
        worst = worst.max(d);
        sum_z += (g.z - w[2]).abs();
    }
    let mean = sum / NUM_LANDMARKS as f32;
    let mean_z = sum_z / NUM_LANDMARKS as f32;
    eprintln!("{name}: mesh mean {mean:.2} px, worst {worst:.2} px, mean |dz| {mean_z:.2} px");
    // Tolerances relative to the face box side: 1 % mean, 3 % worst, 1.5 % mean depth.
    assert!(mean < 0.01 * face_size, "{name}: mean {mean} px");
    assert!(worst < 0.03 * face_size, "{name}: worst {worst} px");
    assert!(mean_z < 0.015 * face_size, "{name}: mean |dz| {mean_z} px");
}

#[test]
fn astronaut_matches_mediapipe() {
    compare("astronaut.jpg", ASTRONAUT);
}

#[test]
fn grace_hopper_matches_mediapipe() {
    compare("grace_hopper.jpg", GRACE_HOPPER);
}
