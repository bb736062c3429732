#![allow(clippy::expect_used, clippy::panic)]
//! The backend's liveness decision with the real models on real photographs.
//!
//! Each test films a "video" made of still photographs: every frame goes through the real
//! on-device pipeline — `shimin_face::LivenessObserver` (detector + mesh) measures it, the core's
//! `Session` runs the quality gate, calibration and action detection on those measures, the
//! passed session becomes `Evidence` whose key frames are the frames themselves as JPEG
//! (`encode_jpeg`, quality 90), signed with a real P-256 device key — and the judge decides.
//!
//! A still photograph cannot blink, open its mouth or nod, so the action frames are edits of the
//! photograph that the real mesh measures as the action: `shimin_testkit::film` makes them and
//! describes the edits; `the_edited_frames_measure_as_the_actions` checks what the mesh measures.
//! The person is Grace Hopper; the astronaut is the "other person". The challenge is blink, mouth,
//! nod (the film cannot show a head shake).
//!
//! The dlib matcher measures every edited frame 0.22–0.29 from the neutral one, and the astronaut
//! 0.71–0.73 from it.

use std::sync::OnceLock;
use std::time::Instant;

use image::{RgbImage, imageops};
use shimin_backend::liveness::{
    Decision, FailReason, KeyFrameName, LivenessAnswer, LivenessJudge, Measure, UPLOAD_GRACE_MS,
};
use shimin_core::crypto::{SigningKey, VerifyingKey};
use shimin_core::liveness::{
    Action, AuditFailure, BLINK_CLOSED_RATIO, Challenge, EvidenceError, FaceMeasures, Frame, KeyFrameKind,
    MOUTH_MAX_WIDENING, MOUTH_OPEN_DELTA, NOD_MAX_YAW, NOD_PITCH,
};
use shimin_testkit::film::{self, Shot, decode, key_frame_jpeg, scene};

const ORDER: [Action; 3] = [Action::Blink, Action::MouthOpen, Action::Nod];
const NONCE: [u8; 16] = [0x42; 16];
/// The server's clock when it judges (ms since the epoch); the challenge was issued 20 s before.
const NOW_MS: u64 = 1_750_000_000_000;
const ISSUED_AT_MS: u64 = NOW_MS - 20_000;

fn judge() -> &'static LivenessJudge {
    static JUDGE: OnceLock<LivenessJudge> = OnceLock::new();
    JUDGE.get_or_init(|| {
        LivenessJudge::load_default()
            .expect("the models load; fetch dlib's with scripts/fetch-face-match-models.sh")
    })
}

fn challenge() -> Challenge {
    Challenge::new(NONCE.to_vec(), ORDER.to_vec(), 30_000).expect("challenge")
}

/// A cooperative take in which `blink`, `mouth` and `nod` are the action frames.
fn take<'a>(blink: &'a Shot, mouth: &'a Shot, nod: &'a Shot) -> Vec<&'a Shot> {
    scene().take_with(&ORDER, |a| match a {
        Action::Blink => blink,
        Action::MouthOpen => mouth,
        _ => nod,
    })
}

/// Runs the real session over `shots` and makes its evidence, each key frame encoded by `encode`.
fn evidence(
    shots: &[&Shot],
    encode: impl FnMut(&Frame) -> Result<Vec<u8>, String>,
) -> shimin_core::liveness::Evidence {
    film::evidence(&challenge(), shots, encode)
}

/// Signed evidence of a cooperative take and the key that signed it.
fn cooperative() -> (Vec<u8>, VerifyingKey) {
    let key = SigningKey::generate_p256().expect("key");
    let signed = evidence(&scene().take(&ORDER), key_frame_jpeg).sign(&key, b"device-1").expect("signs");
    (signed, key.verifying_key())
}

fn judged(signed: &[u8], key: &VerifyingKey, challenge: &Challenge, registry: Option<&[u8]>) -> Decision {
    let answer = LivenessAnswer {
        challenge,
        issued_at_ms: ISSUED_AT_MS,
        signed_evidence: signed,
        device_key: key,
        registry_photo: registry,
    };
    judge().judge(&answer, NOW_MS)
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
fn a_cooperative_session_of_the_registry_person_passes() {
    let (signed, key) = cooperative();
    let s = scene();
    // The first judgement also loads nothing: the judge is loaded before the clock starts.
    let judge = judge();
    let answer = LivenessAnswer {
        challenge: &challenge(),
        issued_at_ms: ISSUED_AT_MS,
        signed_evidence: &signed,
        device_key: &key,
        registry_photo: Some(&s.registry),
    };
    let mut times = Vec::new();
    for _ in 0..3 {
        let started = Instant::now();
        let decision = judge.judge(&answer, NOW_MS);
        times.push(started.elapsed());
        assert_eq!(decision, Decision::Pass);
    }
    eprintln!("judge() took {times:?} (evidence of {} bytes)", signed.len());
}

#[test]
fn another_persons_registry_photo_fails_the_face_match() {
    let (signed, key) = cooperative();
    let s = scene();
    assert_eq!(
        fail(judged(&signed, &key, &challenge(), Some(&s.other_registry))),
        FailReason::NotRegistryPerson
    );
    assert_eq!(fail(judged(&signed, &key, &challenge(), None)), FailReason::NoRegistryPhoto);
    assert_eq!(fail(judged(&signed, &key, &challenge(), Some(b"not a photo"))), FailReason::BadRegistryPhoto);
}

#[test]
fn a_face_swapped_into_a_key_frame_fails() {
    // The astronaut nods in Grace Hopper's place: the device measured her honestly and its
    // continuity checks passed (same place, same size, proportions within the on-device limit).
    let s = scene();
    let key = SigningKey::generate_p256().expect("key");
    let signed = evidence(&take(&s.closed, &s.open_mouth, &s.swapped_nod), key_frame_jpeg)
        .sign(&key, b"device-1")
        .expect("signs");
    assert_eq!(
        fail(judged(&signed, &key.verifying_key(), &challenge(), Some(&s.registry))),
        FailReason::NotSamePerson(KeyFrameName(KeyFrameKind::Action(Action::Nod)))
    );
}

#[test]
fn a_trace_that_disagrees_with_its_key_frame_fails() {
    // A device that films open eyes and reports the closed-eye measures for that frame.
    let s = scene();
    let fabricated = Shot { image: s.neutral.image.clone(), seen: s.closed.seen };
    let key = SigningKey::generate_p256().expect("key");
    let signed = evidence(&take(&fabricated, &s.open_mouth, &s.nod), key_frame_jpeg)
        .sign(&key, b"device-1")
        .expect("signs");
    let reason = fail(judged(&signed, &key.verifying_key(), &challenge(), Some(&s.registry)));
    let blink = KeyFrameName(KeyFrameKind::Action(Action::Blink));
    assert!(
        matches!(reason, FailReason::TraceDisagrees { kind, measure: Measure::LeftEye | Measure::RightEye } if kind == blink),
        "{reason:?}"
    );
    // Its log line names the frame and the measure, not the values.
    assert_eq!(reason.to_string(), "the left_eye of the blink key frame disagrees with the trace");
}

#[test]
fn evidence_signed_by_another_key_fails() {
    let (signed, _) = cooperative();
    let other = SigningKey::generate_p256().expect("key").verifying_key();
    let reason = fail(judged(&signed, &other, &challenge(), Some(&scene().registry)));
    assert!(matches!(reason, FailReason::Evidence(EvidenceError::Signature(_))), "{reason:?}");
    assert!(matches!(
        fail(judged(b"\xd2\x84garbage", &other, &challenge(), Some(&scene().registry))),
        FailReason::Evidence(_)
    ));
}

#[test]
fn a_corrupted_jpeg_fails_cleanly() {
    let s = scene();
    // The blink key frame (the second one encoded): a JPEG header, then noise.
    let mut encoded = 0;
    let corrupt = |frame: &Frame| {
        encoded += 1;
        let mut bytes = key_frame_jpeg(frame)?;
        if encoded == 2 {
            for (i, b) in bytes.iter_mut().enumerate().skip(20) {
                *b = (i as u8).wrapping_mul(31);
            }
        }
        Ok(bytes)
    };
    let key = SigningKey::generate_p256().expect("key");
    let signed =
        evidence(&take(&s.closed, &s.open_mouth, &s.nod), corrupt).sign(&key, b"device-1").expect("signs");
    assert_eq!(
        fail(judged(&signed, &key.verifying_key(), &challenge(), Some(&s.registry))),
        FailReason::BadKeyFrame(KeyFrameName(KeyFrameKind::Action(Action::Blink)))
    );
}

#[test]
fn a_key_frame_with_several_faces_fails() {
    // The left part of the insightface group photo (three people) at the session's frame size
    // (640×750 → 512×600, the same aspect), reported by the device as one face with closed eyes.
    let s = scene();
    let left = imageops::crop_imm(&group_photo(), 0, 0, 640, 750).to_image();
    let group = imageops::resize(&left, 512, 600, imageops::FilterType::Triangle);
    let crowd = Shot { image: group, seen: s.closed.seen };
    let key = SigningKey::generate_p256().expect("key");
    let signed = evidence(&take(&crowd, &s.open_mouth, &s.nod), key_frame_jpeg)
        .sign(&key, b"device-1")
        .expect("signs");
    let reason = fail(judged(&signed, &key.verifying_key(), &challenge(), Some(&s.registry)));
    assert!(matches!(reason, FailReason::KeyFrameFaces { faces, .. } if faces > 1), "{reason:?}");
}

#[test]
fn another_challenge_or_a_late_answer_fails() {
    let (signed, key) = cooperative();
    let registry = Some(scene().registry.as_slice());
    let other_nonce = Challenge::new(vec![0x24; 16], ORDER.to_vec(), 30_000).expect("challenge");
    assert_eq!(
        fail(judged(&signed, &key, &other_nonce, registry)),
        FailReason::Audit(AuditFailure::NonceMismatch)
    );
    let reordered =
        Challenge::new(NONCE.to_vec(), vec![Action::Nod, Action::Blink, Action::MouthOpen], 30_000)
            .expect("challenge");
    assert_eq!(
        fail(judged(&signed, &key, &reordered, registry)),
        FailReason::Audit(AuditFailure::ActionsMismatch)
    );
    let answer = LivenessAnswer {
        challenge: &challenge(),
        issued_at_ms: ISSUED_AT_MS,
        signed_evidence: &signed,
        device_key: &key,
        registry_photo: registry,
    };
    let deadline = ISSUED_AT_MS + 30_000 + UPLOAD_GRACE_MS;
    assert_eq!(judge().judge(&answer, deadline + 1), Decision::Fail(FailReason::Expired));
    assert_eq!(judge().judge(&answer, deadline), Decision::Pass);
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
