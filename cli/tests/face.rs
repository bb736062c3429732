//! `shimin face-landmarks` and `shimin liveness` run as a user would run them, on the real
//! photographs committed with the face crate (`face/tests/images/`).
//!
//! No test here passes a liveness check: a cooperative sequence needs real frames of a person
//! blinking, opening the mouth and turning the head, and edits of a still photograph cannot make
//! them (a 2D warp is not a head turn, and painting the eyes shut lowers the eye aspect ratio by
//! a quarter, not to a closed eye's third — see `face/tests/liveness.rs`). The pass path of the
//! session is tested on synthetic observations in `shimin-core`.
#![allow(clippy::expect_used, clippy::panic)] // test code: a failed expectation is the test failing

use std::path::{Path, PathBuf};
use std::process::Command;

fn astronaut() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../face/tests/images/astronaut.jpg")
}

/// Runs `shimin` with `args`: exit code, stdout, stderr.
fn shimin(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_shimin")).args(args).output().expect("run shimin");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A fresh directory under the system's temporary directory, removed when dropped (also when the
/// test fails), with its path as a command-line argument.
struct TempDir(tempfile::TempDir);

impl TempDir {
    fn new(name: &str) -> Self {
        Self(tempfile::Builder::new().prefix(&format!("shimin-cli-{name}-")).tempdir().expect("temp dir"))
    }

    fn path(&self) -> &str {
        self.0.path().to_str().expect("utf-8 temp path")
    }
}

#[test]
fn face_landmarks_prints_one_face_with_468_points_inside_the_photo() {
    let (code, out, err) = shimin(&["face-landmarks", astronaut().to_str().expect("utf-8")]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON on stdout");
    assert_eq!((v["width"].as_u64(), v["height"].as_u64()), (Some(512), Some(512)));
    let faces = v["faces"].as_array().expect("faces");
    assert_eq!(faces.len(), 1, "{out}");
    let face = &faces[0];
    assert!(face["score"].as_f64().expect("score") > 0.5);
    assert!(face["presence"].as_f64().expect("presence") > 0.9);
    // Her face, read off the photo by eye: x 175–275, y 70–185.
    let b = &face["box"];
    let cx = b["x"].as_f64().expect("x") + b["width"].as_f64().expect("width") / 2.0;
    let cy = b["y"].as_f64().expect("y") + b["height"].as_f64().expect("height") / 2.0;
    assert!((195.0..255.0).contains(&cx) && (100.0..160.0).contains(&cy), "box {b}");
    let points = face["landmarks"].as_array().expect("landmarks");
    assert_eq!(points.len(), 468);
    for p in points {
        let xyz: Vec<f64> =
            p.as_array().expect("[x, y, z]").iter().map(|c| c.as_f64().expect("number")).collect();
        assert_eq!(xyz.len(), 3);
        assert!((0.0..512.0).contains(&xyz[0]) && (0.0..512.0).contains(&xyz[1]), "{p}");
    }
}

#[test]
fn face_landmarks_refuses_what_is_not_an_image() {
    let dir = TempDir::new("not-an-image");
    let fake = dir.0.path().join("photo.jpg");
    std::fs::write(&fake, b"\xFF\xD8\xFF but not really a JPEG").expect("writes");
    let text = dir.0.path().join("notes.txt");
    std::fs::write(&text, "hello").expect("writes");
    for path in [&fake, &text] {
        let (code, out, err) = shimin(&["face-landmarks", path.to_str().expect("utf-8")]);
        assert_eq!(code, 3, "{}: {out}", path.display());
        assert!(out.is_empty());
        assert!(err.contains("is not a PNG or JPEG image"), "{err}");
    }
    let (code, _, err) =
        shimin(&["face-landmarks", dir.0.path().join("missing.png").to_str().expect("utf-8")]);
    assert_eq!(code, 3);
    assert!(err.contains("cannot read"), "{err}");
}

#[test]
fn face_landmarks_without_a_face_prints_an_empty_list_and_exits_1() {
    let coffee = Path::new(env!("CARGO_MANIFEST_DIR")).join("../face/tests/images/coffee.jpg");
    let (code, out, _) = shimin(&["face-landmarks", coffee.to_str().expect("utf-8")]);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON on stdout");
    assert_eq!(v["faces"].as_array().map(Vec::len), Some(0));
}

#[test]
fn a_static_photo_does_not_pass_and_the_result_says_the_blink_is_missing() {
    let dir = TempDir::new("static");
    // The astronaut framed as a selfie (a 320×320 crop around her face, which passes the quality
    // gate), the same photo 60 times: 6 s at 10 fps.
    let photo = image::open(astronaut()).expect("decodes").to_rgb8();
    let selfie = image::imageops::crop_imm(&photo, 65, 8, 320, 320).to_image();
    for i in 0..60 {
        selfie.save(dir.0.path().join(format!("frame_{i:03}.jpg"))).expect("writes");
    }
    let (code, out, err) =
        shimin(&["liveness", "--frames", dir.path(), "--actions", "blink,mouth,shake,nod"]);
    assert_eq!(code, 1, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON on stdout");
    assert_eq!(v["passed"], false, "{v}");
    assert_eq!(v["requested"], serde_json::json!(["blink", "mouth", "shake", "nod"]));
    // Calibrated on the still face, then waited for a blink until the frames ran out.
    assert_eq!(v["calibrated"], true, "{v}");
    assert_eq!(v["actions"], serde_json::json!([]), "{v}");
    assert_eq!(v["reason"], "stream_ended", "{v}");
    assert_eq!(v["missing_action"], "blink", "{v}");
    assert_eq!(v["last_guidance"], "blink", "{v}");
    assert_eq!((v["frames"].as_u64(), v["frames_used"].as_u64()), (Some(60), Some(60)));
    assert_eq!((v["fps"].as_u64(), v["time_limit_ms"].as_u64()), (Some(10), Some(6000)));
    assert!(v["evidence"].is_null());

    // Asked in another order, the missing action is the first one asked for.
    let (code, out, _) =
        shimin(&["liveness", "--frames", dir.path(), "--actions", "nod,blink,mouth", "--fps", "20"]);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON on stdout");
    assert_eq!((v["reason"].as_str(), v["missing_action"].as_str()), (Some("stream_ended"), Some("nod")));
}

#[test]
fn liveness_over_a_missing_or_empty_directory_is_a_clear_error() {
    let dir = TempDir::new("empty");
    std::fs::write(dir.0.path().join("notes.txt"), "not a frame").expect("writes");
    let (code, out, err) = shimin(&["liveness", "--frames", dir.path(), "--actions", "blink,mouth,nod"]);
    assert_eq!(code, 3);
    assert!(out.is_empty());
    assert!(err.contains("holds no PNG or JPEG frames"), "{err}");

    let missing = dir.0.path().join("missing");
    let (code, _, err) =
        shimin(&["liveness", "--frames", missing.to_str().expect("utf-8"), "--actions", "blink,mouth,nod"]);
    assert_eq!(code, 3);
    assert!(err.contains("cannot list the frame directory"), "{err}");
}

#[test]
fn liveness_refuses_a_bad_action_list() {
    let dir = TempDir::new("actions");
    std::fs::copy(astronaut(), dir.0.path().join("frame_000.jpg")).expect("copies");
    // Two actions are too few for a challenge; an action twice is refused; an unknown one too.
    for (actions, says) in [
        ("blink,mouth", "3–4 actions"),
        ("blink,blink,nod", "appears twice"),
        ("blink,wink,nod", "unknown action"),
    ] {
        let (code, out, err) = shimin(&["liveness", "--frames", dir.path(), "--actions", actions]);
        assert_eq!(code, 2, "{actions}: {out}");
        assert!(err.contains(says), "{actions}: {err}");
    }
}

#[test]
fn liveness_with_a_camera_that_is_not_there_or_no_input_is_a_clear_error() {
    // No computer has a 1000th camera.
    let (code, out, err) = shimin(&["liveness", "--camera", "999", "--actions", "blink,mouth,nod"]);
    assert_eq!(code, 3, "{out}");
    assert!(out.is_empty());
    assert!(err.contains("camera 999: ") && err.contains("there is no camera"), "{err}");

    // Frames or a camera, not neither and not both.
    let (code, _, err) = shimin(&["liveness", "--actions", "blink,mouth,nod"]);
    assert_eq!(code, 2);
    assert!(err.contains("--frames") || err.contains("--camera"), "{err}");
    let dir = TempDir::new("both");
    let (code, _, err) =
        shimin(&["liveness", "--frames", dir.path(), "--camera", "0", "--actions", "blink,mouth,nod"]);
    assert_eq!(code, 2);
    assert!(err.contains("cannot be used with"), "{err}");
}
