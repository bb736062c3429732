#![allow(clippy::expect_used, clippy::panic)]
//! The backend's liveness judge with the real models on real photographs: what the server-paced
//! check asks of it — measuring each streamed frame itself ([`LivenessJudge::measure_streamed`])
//! and, once the stream passed the paced rules, matching the faces ([`LivenessJudge::match_paced`]):
//! the neutral frame against the registry photo, every action's key frame against the neutral one.
//!
//! A still photograph cannot blink, open its mouth or nod, so the action frames are edits of the
//! photograph that the real mesh measures as the action: `shimin_testkit::film` makes them and
//! describes the edits; `the_edited_frames_measure_as_the_actions` checks what the mesh measures.
//! The person is Grace Hopper; the astronaut is the "other person".
//!
//! The dlib matcher measures every edited frame 0.22–0.29 from the neutral one, and the astronaut
//! 0.71–0.73 from it.

use std::sync::OnceLock;
use std::time::Instant;

use image::{RgbImage, imageops};
use shimin_backend::liveness::{Decision, FailReason, KeyFrameName, LivenessJudge};
use shimin_core::liveness::{
    Action, BLINK_CLOSED_RATIO, FaceMeasures, KeyFrameKind, MOUTH_MAX_WIDENING, MOUTH_OPEN_DELTA,
    NOD_MAX_YAW, NOD_PITCH,
};
use shimin_testkit::film::{self, Shot, decode, scene};

fn judge() -> &'static LivenessJudge {
    static JUDGE: OnceLock<LivenessJudge> = OnceLock::new();
    JUDGE.get_or_init(|| {
        LivenessJudge::load_default()
            .expect("the models load; fetch dlib's with scripts/fetch-face-match-models.sh")
    })
}

/// The film's key frames of a cooperative check, as the paced check keeps them: JPEGs of the
/// neutral frame and of each action (blink, mouth, nod).
fn key_frames(nod: &Shot) -> (Vec<u8>, Vec<(Action, Vec<u8>)>) {
    let s = scene();
    let actions = [(Action::Blink, &s.closed), (Action::MouthOpen, &s.open_mouth), (Action::Nod, nod)];
    (film::jpeg(&s.neutral.image), actions.iter().map(|(a, shot)| (*a, film::jpeg(&shot.image))).collect())
}

fn matched(registry: Option<&[u8]>, neutral: &[u8], key_frames: &[(Action, Vec<u8>)]) -> Decision {
    let keys: Vec<(Action, &[u8])> = key_frames.iter().map(|(a, j)| (*a, j.as_slice())).collect();
    judge().match_paced(registry, neutral, &keys)
}

fn fail(decision: Decision) -> FailReason {
    match decision {
        Decision::Fail(reason) => reason,
        Decision::Pass => panic!("expected a failure, got a pass"),
    }
}

fn relative(a: &FaceMeasures, neutral: &FaceMeasures) -> [f32; 6] {
    [
        a.left_eye_aspect_ratio / neutral.left_eye_aspect_ratio,
        a.right_eye_aspect_ratio / neutral.right_eye_aspect_ratio,
        a.mouth_aspect_ratio - neutral.mouth_aspect_ratio,
        a.mouth_width_ratio / neutral.mouth_width_ratio,
        a.yaw_degrees - neutral.yaw_degrees,
        a.pitch_degrees - neutral.pitch_degrees,
    ]
}

// ---- tests -----------------------------------------------------------------------------------

#[test]
fn the_edited_frames_measure_as_the_actions() {
    let s = scene();
    let face = |shot: &Shot| shot.seen.face.expect("a face");
    let neutral = face(&s.neutral);
    let [left, right, _, _, _, _] = relative(&face(&s.closed), &neutral);
    eprintln!("closed eyes: {left:.2} / {right:.2} of the neutral eye ratios");
    assert!(left < BLINK_CLOSED_RATIO && right < BLINK_CLOSED_RATIO);
    let [_, _, opening, widening, _, _] = relative(&face(&s.open_mouth), &neutral);
    eprintln!("open mouth: +{opening:.2} mouth ratio, width ×{widening:.2}");
    assert!(opening >= MOUTH_OPEN_DELTA && widening <= MOUTH_MAX_WIDENING);
    for nod in [&s.nod, &s.swapped_nod] {
        let [_, _, _, _, yaw, pitch] = relative(&face(nod), &neutral);
        eprintln!("nod: pitch +{pitch:.1}°, yaw {yaw:+.1}°");
        assert!(pitch >= NOD_PITCH && yaw.abs() <= NOD_MAX_YAW);
    }
}

#[test]
fn the_registry_persons_frames_match() {
    let s = scene();
    let (neutral, keys) = key_frames(&s.nod);
    // The judge is loaded before the clock starts.
    let judge = judge();
    let mut times = Vec::new();
    for _ in 0..3 {
        let started = Instant::now();
        let decision = matched(Some(&s.registry), &neutral, &keys);
        times.push(started.elapsed());
        assert_eq!(decision, Decision::Pass);
    }
    let started = Instant::now();
    let seen = judge.measure_streamed(&neutral, 1_000).expect("measured");
    eprintln!("match_paced() took {times:?}; measure_streamed() {:?}", started.elapsed());
    assert_eq!(seen.face_count, 1);
    let face = seen.face.expect("a face");
    let film_face = s.neutral.seen.face.expect("a face");
    assert!(
        (face.pitch_degrees - film_face.pitch_degrees).abs() < 2.0,
        "the server measures as the mesh does"
    );
}

#[test]
fn another_persons_registry_photo_fails_the_face_match() {
    let s = scene();
    let (neutral, keys) = key_frames(&s.nod);
    assert_eq!(fail(matched(Some(&s.other_registry), &neutral, &keys)), FailReason::NotRegistryPerson);
    assert_eq!(fail(matched(None, &neutral, &keys)), FailReason::NoRegistryPhoto);
    assert_eq!(fail(matched(Some(b"not a photo"), &neutral, &keys)), FailReason::BadRegistryPhoto);
}

#[test]
fn a_face_swapped_into_a_key_frame_fails() {
    // The astronaut nods in Grace Hopper's place: same place, same size, proportions within the
    // stream's continuity limit.
    let s = scene();
    let (neutral, keys) = key_frames(&s.swapped_nod);
    assert_eq!(
        fail(matched(Some(&s.registry), &neutral, &keys)),
        FailReason::NotSamePerson(KeyFrameName(KeyFrameKind::Action(Action::Nod)))
    );
}

#[test]
fn a_corrupted_jpeg_fails_cleanly() {
    let s = scene();
    // A JPEG header, then noise.
    let mut corrupt = film::jpeg(&s.closed.image);
    for (i, b) in corrupt.iter_mut().enumerate().skip(20) {
        *b = (i as u8).wrapping_mul(31);
    }
    assert_eq!(judge().measure_streamed(&corrupt, 1_000), Err(FailReason::BadStreamedFrame));
    assert_eq!(judge().measure_streamed(b"", 1_000), Err(FailReason::BadStreamedFrame));
    let (neutral, mut keys) = key_frames(&s.nod);
    keys[0].1 = corrupt;
    assert_eq!(
        fail(matched(Some(&s.registry), &neutral, &keys)),
        FailReason::BadKeyFrame(KeyFrameName(KeyFrameKind::Action(Action::Blink)))
    );
}

#[test]
fn a_streamed_frame_with_several_faces_is_measured_as_several() {
    // The left part of the insightface group photo (three people) at the film's frame size
    // (640×750 → 512×600, the same aspect): the paced check takes a frame only when it shows
    // exactly one face (a second person could prompt or stand in), so the server counts them.
    let left = imageops::crop_imm(&group_photo(), 0, 0, 640, 750).to_image();
    let group = imageops::resize(&left, 512, 600, imageops::FilterType::Triangle);
    let seen = judge().measure_streamed(&film::jpeg(&group), 1_000).expect("measured");
    assert!(seen.face_count > 1, "{}", seen.face_count);
}

/// The group photo `insightface/data/images/t1.jpg` from the PyPI wheel `insightface==2.1` (no
/// licence stated, so not committed): `scripts/fetch-face-match-models.sh` caches it where
/// `facematch/tests/common` looks.
fn group_photo() -> RgbImage {
    let dir =
        std::env::var_os("SHIMIN_FACEMATCH_TEST_IMAGES").map(std::path::PathBuf::from).unwrap_or_else(|| {
            let cache = std::env::var_os("XDG_CACHE_HOME")
                .map(std::path::PathBuf::from)
                .filter(|p| p.is_absolute())
                .or_else(|| std::env::var_os("HOME").map(|h| std::path::PathBuf::from(h).join(".cache")))
                .expect("HOME is set");
            cache.join("shimin").join("insightface-2.1")
        });
    let path = dir.join("t1.jpg");
    let bytes = std::fs::read(&path).unwrap_or_else(|e| {
        panic!("{}: {e}; fetch it with scripts/fetch-face-match-models.sh", path.display())
    });
    decode(&bytes)
}
