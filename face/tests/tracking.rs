#![allow(clippy::expect_used, clippy::panic)]
//! Steady-state tracking on frame sequences built from the real photographs: the mesh follows the
//! face from the previous frame's landmarks, and the detector comes back when it must.
//!
//! Measured here (debug build): on a 640×480 frame with the astronaut's face about 90 px wide,
//! swaying by 3 px a frame, the tracked mesh lies 0.5–1.2 px on average (4 px at worst) from the
//! mesh the full detector + mesh pipeline gives on the same frame — about as far as the full
//! pipeline's own crop jitter from frame to frame (its box changes by up to 10 px in size on these
//! frames). The mesh on an empty region scores a presence under 0.001.

mod common;

use common::{ASTRONAUT, GRACE_HOPPER, analyzer, decode};
use image::{Rgb, RgbImage, imageops};
use shimin_core::liveness::{
    self, Action, Challenge, FaceObserver, FailureReason, Frame, FrameRotation, MemoryFrames,
};
use shimin_face::{DETECTOR_INTERVAL_FRAMES, FaceTracker, LivenessObserver, Rotation, Tracked};

const GREY: Rgb<u8> = Rgb([90, 90, 90]);

fn tracker() -> FaceTracker {
    FaceTracker::new(analyzer().clone())
}

/// The astronaut portrait scaled to 480 rows in a 640×480 camera frame, moved by `(dx, dy)`.
fn camera(dx: i64, dy: i64) -> RgbImage {
    let photo = imageops::resize(&decode(ASTRONAUT), 480, 480, imageops::FilterType::Triangle);
    let mut frame = RgbImage::from_pixel(640, 480, GREY);
    imageops::replace(&mut frame, &photo, 80 + dx, dy);
    frame
}

fn empty_frame() -> RgbImage {
    RgbImage::from_pixel(640, 480, GREY)
}

/// A 640×320 frame with the astronaut's face in the middle, and, with `second`, Grace Hopper's
/// face beside it on the right.
fn one_or_two(second: bool) -> RgbImage {
    let filter = imageops::FilterType::Triangle;
    let astronaut = imageops::crop_imm(&decode(ASTRONAUT), 65, 8, 320, 320).to_image();
    let mut frame = RgbImage::from_pixel(640, 320, Rgb([128, 128, 128]));
    imageops::replace(&mut frame, &imageops::resize(&astronaut, 300, 300, filter), 170, 10);
    if second {
        let hopper = imageops::crop_imm(&decode(GRACE_HOPPER), 90, 70, 360, 360).to_image();
        imageops::replace(&mut frame, &imageops::resize(&hopper, 150, 150, filter), 480, 85);
    }
    frame
}

fn frame(image: &RgbImage, t: u64) -> Frame {
    Frame::new(image.width(), image.height(), image.as_raw().clone(), t, FrameRotation::None).expect("frame")
}

/// Which frames of `results` ran the detector.
fn detector_frames(results: &[Tracked]) -> Vec<usize> {
    results.iter().enumerate().filter(|(_, r)| r.detector_ran).map(|(i, _)| i).collect()
}

#[test]
fn tracking_a_swaying_face_gives_the_landmarks_of_the_full_pipeline() {
    let mut tracker = tracker();
    let mut results = Vec::new();
    for i in 0..24i64 {
        // Right by 3 px a frame, then back, bobbing by up to 2 px.
        let dx = 3 * if i < 12 { i } else { 24 - i };
        let image = camera(dx, (i % 5) - 2);
        let tracked = tracker.track(&image).expect("tracks");
        let full = analyzer().analyze(&image, Rotation::None).expect("runs");
        assert_eq!((tracked.face_count, full.len()), (1, 1), "frame {i}");
        let (t, f) = (tracked.face.as_ref().expect("a tracked face"), &full[0]);
        let distances: Vec<f32> = t
            .landmarks
            .points()
            .iter()
            .zip(f.landmarks.points())
            .map(|(a, b)| (a.x - b.x).hypot(a.y - b.y))
            .collect();
        let mean = distances.iter().sum::<f32>() / distances.len() as f32;
        let worst = distances.iter().copied().fold(0.0, f32::max);
        assert!(mean < 2.0 && worst < 6.0, "frame {i}: mean {mean} px, worst {worst} px");
        let (tf, ff) = (t.features, f.features);
        assert!((tf.eye_aspect_ratio() - ff.eye_aspect_ratio()).abs() < 0.05, "frame {i}: EAR");
        assert!((tf.yaw_degrees - ff.yaw_degrees).abs() < 4.0, "frame {i}: yaw");
        assert!((tf.pitch_degrees - ff.pitch_degrees).abs() < 4.0, "frame {i}: pitch");
        // The box of a mesh-only frame stays on the detector's box.
        let (tc, fc) = (t.bbox.center(), f.detection.bbox.center());
        assert!((tc.x - fc.x).abs() < 8.0 && (tc.y - fc.y).abs() < 8.0, "frame {i}: {tc:?} vs {fc:?}");
        let size = t.bbox.width.max(t.bbox.height) / f.detection.bbox.width.max(f.detection.bbox.height);
        assert!((0.9..1.1).contains(&size), "frame {i}: size ratio {size}");
        results.push(tracked);
    }
    // The detector ran on the first frame and then once every DETECTOR_INTERVAL_FRAMES frames.
    let every = DETECTOR_INTERVAL_FRAMES as usize;
    assert_eq!(detector_frames(&results), (0..24).step_by(every).collect::<Vec<_>>());
}

#[test]
fn the_detector_runs_again_when_the_face_disappears_and_finds_it_when_it_returns() {
    let mut tracker = tracker();
    let frames: Vec<RgbImage> = [
        (0..4).map(|i| camera(i, 0)).collect::<Vec<_>>(),
        vec![empty_frame(); 3],
        // Back, elsewhere in the frame.
        (0..4).map(|i| camera(-60 + i, 10)).collect(),
    ]
    .concat();
    let results: Vec<Tracked> = frames.iter().map(|f| tracker.track(f).expect("tracks")).collect();
    let found: Vec<bool> = results.iter().map(|r| r.face.is_some()).collect();
    assert_eq!(found, [vec![true; 4], vec![false; 3], vec![true; 4]].concat());
    let counts: Vec<u32> = results.iter().map(|r| r.face_count).collect();
    assert_eq!(counts, vec![1, 1, 1, 1, 0, 0, 0, 1, 1, 1, 1]);
    // The first empty frame: the mesh on the tracked region lost the face, so the detector ran on
    // that same frame; nothing tracked, it runs on every empty frame; it finds the face again and
    // tracking resumes.
    assert_eq!(detector_frames(&results), vec![0, 4, 5, 6, 7]);
    let back = results[7].face.as_ref().expect("found again").bbox.center();
    let before = results[3].face.as_ref().expect("found").bbox.center();
    assert!((before.x - back.x - 63.0).abs() < 10.0, "{before:?} → {back:?}");
}

#[test]
fn a_face_that_jumps_is_found_again_by_the_detector_on_the_same_frame() {
    let mut tracker = tracker();
    let first = tracker.track(&camera(0, 0)).expect("tracks");
    let jumped = tracker.track(&camera(150, 0)).expect("tracks");
    assert!(first.detector_ran && jumped.detector_ran);
    let (a, b) = (first.face.expect("face").bbox.center(), jumped.face.expect("face").bbox.center());
    assert!((b.x - a.x - 150.0).abs() < 10.0, "{a:?} → {b:?}");
    // A steady face after the jump is tracked again; after a reset the detector runs.
    assert!(!tracker.track(&camera(150, 0)).expect("tracks").detector_ran);
    tracker.reset();
    assert!(!tracker.is_tracking());
    assert!(tracker.track(&camera(150, 0)).expect("tracks").detector_ran);
}

#[test]
fn a_second_face_is_counted_within_the_detector_interval() {
    let every = DETECTOR_INTERVAL_FRAMES as usize;
    // Alone for 3 frames; a second person stands beside her for the next `every + 2`; gone again.
    let appears = 3;
    let leaves = appears + every + 2;
    let frames: Vec<RgbImage> = (0..leaves + 3).map(|i| one_or_two((appears..leaves).contains(&i))).collect();
    let mut tracker = tracker();
    let mut observer = LivenessObserver::new(analyzer().clone());
    let mut results = Vec::new();
    for (i, image) in frames.iter().enumerate() {
        let tracked = tracker.track(image).expect("tracks");
        let observed = observer.observe(&frame(image, i as u64 * 100)).expect("observes");
        assert_eq!(observed.face_count, tracked.face_count, "frame {i}");
        results.push(tracked);
    }
    let counts: Vec<u32> = results.iter().map(|r| r.face_count).collect();
    let counted = counts.iter().position(|c| *c == 2).expect("the second face is counted");
    // Counted by the periodic detector run, within the interval: until then the mesh-only frames
    // report the last count, one.
    assert!(counted >= appears && counted < appears + every, "{counts:?}");
    assert!(results[counted].detector_ran);
    assert!(results[appears].face_count == 1 && !results[appears].detector_ran, "{counts:?}");
    // From then on the detector runs on every frame and counts both until she leaves, and the
    // first frame without her is counted at once.
    for i in counted..leaves {
        assert!(results[i].detector_ran && counts[i] == 2, "frame {i}: {counts:?}");
    }
    assert_eq!(counts[leaves], 1, "{counts:?}");
    assert!(!results[leaves + 1].detector_ran);
}

#[test]
fn a_second_face_stepping_in_mid_session_fails_it() {
    let challenge = Challenge::new(vec![3; 16], vec![Action::Blink, Action::MouthOpen, Action::Nod], 10_000)
        .expect("challenge");
    // Calibration (five neutral frames) and a few frames of the first action, then the second face.
    let frames: Vec<RgbImage> = (0..8)
        .map(|_| one_or_two(false))
        .chain((0..DETECTOR_INTERVAL_FRAMES + 2).map(|_| one_or_two(true)))
        .collect();
    let mut source = MemoryFrames::new(frames.iter().enumerate().map(|(i, f)| frame(f, i as u64 * 100)));
    let mut observer = LivenessObserver::new(analyzer().clone());
    let mut last = 0;
    let step = liveness::run(challenge, &mut source, &mut observer, |s| last = s.frame_index).expect("runs");
    assert_eq!(step.failure(), Some(FailureReason::SeveralFaces));
    // Counted by the periodic detector run, then confirmed on the next frame.
    assert!(last < 8 + u64::from(DETECTOR_INTERVAL_FRAMES) + 1, "failed at frame {last}");
}
