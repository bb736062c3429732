//! The session driven by synthetic observation sequences at 10 frames per second.

use super::*;
use crate::crypto::{SigningKey, SigningPurpose};

pub(super) const FPS_MS: u64 = 100;
pub(super) const BOX: FaceBox = FaceBox { x: 0.35, y: 0.3, width: 0.3, height: 0.4 };

pub(super) fn face() -> FaceMeasures {
    FaceMeasures {
        face_box: BOX,
        left_eye_aspect_ratio: 0.30,
        right_eye_aspect_ratio: 0.28,
        mouth_aspect_ratio: 0.03,
        mouth_width_ratio: 0.80,
        yaw_degrees: 3.0,
        pitch_degrees: -4.0,
        roll_degrees: 1.0,
        shape: FaceShape([1.0, 0.8, 1.2, 0.5, 0.7, 1.5]),
    }
}

pub(super) fn seen(f: FaceMeasures) -> FaceObservation {
    FaceObservation { face_count: 1, face: Some(f), brightness: 120.0, sharpness: 200.0 }
}

pub(super) fn neutral() -> FaceObservation {
    seen(face())
}

pub(super) fn eyes_closed() -> FaceObservation {
    seen(FaceMeasures { left_eye_aspect_ratio: 0.08, right_eye_aspect_ratio: 0.07, ..face() })
}

pub(super) fn mouth(mar: f32, width: f32) -> FaceObservation {
    seen(FaceMeasures { mouth_aspect_ratio: mar, mouth_width_ratio: width, ..face() })
}

pub(super) fn yaw(delta: f32) -> FaceObservation {
    seen(FaceMeasures { yaw_degrees: face().yaw_degrees + delta, ..face() })
}

pub(super) fn pitch(delta: f32) -> FaceObservation {
    seen(FaceMeasures { pitch_degrees: face().pitch_degrees + delta, ..face() })
}

pub(super) fn repeat(o: FaceObservation, n: usize) -> Vec<FaceObservation> {
    vec![o; n]
}

pub(super) fn calibration() -> Vec<FaceObservation> {
    repeat(neutral(), CALIBRATION_FRAMES)
}

pub(super) fn act(action: Action) -> Vec<FaceObservation> {
    let mut v = repeat(neutral(), 2);
    match action {
        Action::Blink => v.extend([eyes_closed(), neutral()]),
        Action::MouthOpen => v.extend(repeat(mouth(0.55, 0.74), 6)),
        Action::ShakeHead => {
            v.extend(repeat(yaw(25.0), 3));
            v.extend(repeat(neutral(), 2));
            v.extend(repeat(yaw(-25.0), 3));
        }
        Action::Nod => {
            v.extend(repeat(pitch(20.0), 3));
            v.extend(repeat(neutral(), 3));
        }
    }
    v.extend(repeat(neutral(), 2));
    v
}

pub(super) fn frame_at(t: u64) -> Frame {
    Frame::new(64, 48, vec![90; 64 * 48 * 3], t, FrameRotation::None).expect("frame")
}

pub(super) fn challenge(actions: &[Action]) -> Challenge {
    Challenge::new(vec![0xA5; 16], actions.to_vec(), 30_000).expect("challenge")
}

/// Feeds `observations` one per 100 ms; stops early when the session finishes.
pub(super) fn drive(actions: &[Action], observations: &[FaceObservation]) -> Step {
    let mut step = Step::start(challenge(actions));
    for (i, o) in observations.iter().enumerate() {
        step = step.push(frame_at(i as u64 * FPS_MS), o);
        if step.is_finished() {
            break;
        }
    }
    step
}

pub(super) fn script(parts: &[Vec<FaceObservation>]) -> Vec<FaceObservation> {
    parts.concat()
}

#[test]
fn a_cooperative_user_passes_in_the_order_asked() {
    let order = [Action::Nod, Action::Blink, Action::MouthOpen, Action::ShakeHead];
    let obs = script(&[
        calibration(),
        act(Action::Nod),
        act(Action::Blink),
        act(Action::MouthOpen),
        act(Action::ShakeHead),
    ]);
    let step = drive(&order, &obs);
    let Step::Passed(passed) = step else { panic!("expected a pass, got {:?}", step.failure()) };
    assert_eq!(passed.actions(), order.to_vec());
    let kinds: Vec<KeyFrameKind> = passed.key_frames().map(|(k, _)| k.kind).collect();
    assert_eq!(kinds[0], KeyFrameKind::Neutral);
    assert_eq!(&kinds[1..], order.map(KeyFrameKind::Action).as_slice());
    // The blink's key frame is the closed-eye frame.
    let (blink_key, _) = passed.key_frames().nth(2).expect("blink key frame");
    let traced = passed.trace()[blink_key.frame_index as usize];
    assert!(traced.face.expect("face").left_eye_aspect_ratio < 0.1);
    // Every frame until the pass is in the trace, with its timestamp.
    assert!(
        passed
            .trace()
            .iter()
            .enumerate()
            .all(|(i, e)| e.frame_index == i as u64 && e.timestamp_ms == i as u64 * FPS_MS)
    );
}

#[test]
fn guidance_and_progress_follow_the_steps() {
    let order = [Action::ShakeHead, Action::Blink, Action::Nod];
    let mut step = Step::start(challenge(&order));
    let mut t = 0;
    let mut feed = |step: Step, o: FaceObservation| {
        t += FPS_MS;
        step.push(frame_at(t), &o)
    };
    assert_eq!(step.guidance(), Guidance::LookStraight);
    for o in calibration() {
        step = feed(step, o);
    }
    assert_eq!(step.guidance(), Guidance::ShakeHead);
    assert_eq!(step.progress(), Progress { done: 0, total: 3 });
    step = feed(step, neutral());
    for o in repeat(yaw(25.0), 3) {
        step = feed(step, o);
    }
    // Turned to the person's left: now the right.
    assert_eq!(step.guidance(), Guidance::TurnRight);
    for o in repeat(yaw(-25.0), 3) {
        step = feed(step, o);
    }
    // Done; the head is still turned, so first face the camera, then blink.
    assert_eq!(step.progress(), Progress { done: 1, total: 3 });
    assert_eq!(step.guidance(), Guidance::LookStraight);
    for o in repeat(neutral(), 3) {
        step = feed(step, o);
    }
    assert_eq!(step.guidance(), Guidance::Blink);
    for o in act(Action::Blink) {
        step = feed(step, o);
    }
    assert_eq!(step.guidance(), Guidance::Nod);
    step = feed(step, pitch(20.0));
    step = feed(step, pitch(20.0));
    assert_eq!(step.guidance(), Guidance::RaiseHead);
    for o in repeat(neutral(), 3) {
        step = feed(step, o);
    }
    assert!(matches!(step, Step::Passed(_)));
    assert_eq!(step.guidance(), Guidance::Done);
    assert_eq!(step.progress(), Progress { done: 3, total: 3 });
}

#[test]
fn an_action_out_of_order_fails() {
    let order = [Action::Nod, Action::ShakeHead, Action::MouthOpen];
    let obs = script(&[calibration(), act(Action::ShakeHead), act(Action::Nod)]);
    let step = drive(&order, &obs);
    assert_eq!(
        step.failure(),
        Some(FailureReason::WrongAction { expected: Action::Nod, got: Action::ShakeHead })
    );
    // An action the challenge does not ask for, done first, fails too.
    let step = drive(&order, &script(&[calibration(), act(Action::MouthOpen)]));
    assert_eq!(
        step.failure(),
        Some(FailureReason::WrongAction { expected: Action::Nod, got: Action::MouthOpen })
    );
}

#[test]
fn a_spontaneous_blink_out_of_turn_is_not_a_failure_but_does_not_count_ahead() {
    let order = [Action::Nod, Action::Blink, Action::ShakeHead];
    let obs = script(&[calibration(), act(Action::Blink), act(Action::Nod)]);
    let step = drive(&order, &obs);
    let Step::Acting(s) = step else { panic!("still acting expected, got {:?}", step.failure()) };
    assert_eq!(s.current_action(), Some(Action::Blink));
    assert_eq!(s.progress().done, 1);
}

#[test]
fn a_static_photo_times_out() {
    let order = [Action::Blink, Action::MouthOpen, Action::Nod];
    let step = drive(&order, &repeat(neutral(), 400));
    assert_eq!(step.failure(), Some(FailureReason::Timeout));
    assert_eq!(step.progress().done, 0);
}

#[test]
fn a_face_that_jumps_or_changes_proportions_fails() {
    let order = [Action::Blink, Action::MouthOpen, Action::Nod];
    let elsewhere = seen(FaceMeasures { face_box: FaceBox { x: 0.05, ..BOX }, ..face() });
    let step = drive(&order, &script(&[calibration(), vec![neutral(), elsewhere]]));
    assert_eq!(step.failure(), Some(FailureReason::FaceChanged));
    let bigger =
        seen(FaceMeasures { face_box: FaceBox { x: 0.2, y: 0.1, width: 0.6, height: 0.8 }, ..face() });
    let step = drive(&order, &script(&[calibration(), vec![bigger]]));
    assert_eq!(step.failure(), Some(FailureReason::FaceChanged));
    // Same place, other proportions (another face held up where the first one was).
    let other = seen(FaceMeasures { shape: FaceShape([1.2, 0.9, 1.0, 0.6, 0.6, 1.8]), ..face() });
    let step = drive(&order, &script(&[calibration(), repeat(other, SHAPE_CHANGE_FRAMES as usize)]));
    assert_eq!(step.failure(), Some(FailureReason::FaceChanged));
    // One odd frame is mesh noise, not a change.
    let step = drive(&order, &script(&[calibration(), vec![other, neutral(), other, neutral()]]));
    assert!(matches!(step, Step::Acting(_)), "{:?}", step.failure());
}

#[test]
fn several_faces_guide_while_calibrating_and_fail_while_acting() {
    let order = [Action::Blink, Action::MouthOpen, Action::Nod];
    let two = FaceObservation { face_count: 2, ..neutral() };
    let step = drive(&order, &repeat(two, 3));
    assert_eq!(step.guidance(), Guidance::OneFaceOnly);
    assert!(!step.is_finished());
    let step = drive(&order, &script(&[calibration(), vec![two, neutral()]]));
    assert!(matches!(step, Step::Acting(_)), "one frame is tolerated: {:?}", step.failure());
    let step = drive(&order, &script(&[calibration(), vec![two, two]]));
    assert_eq!(step.failure(), Some(FailureReason::SeveralFaces));
}

#[test]
fn the_quality_gate_guides_before_calibration() {
    let order = [Action::Blink, Action::MouthOpen, Action::Nod];
    let dark = FaceObservation { brightness: 25.0, ..neutral() };
    let step = drive(&order, &repeat(dark, 10));
    assert!(matches!(step, Step::Calibrating(_)));
    assert_eq!(step.guidance(), Guidance::MoreLight);
    let blurred = FaceObservation { sharpness: 3.0, ..neutral() };
    assert_eq!(drive(&order, &repeat(blurred, 10)).guidance(), Guidance::HoldStill);
    let far =
        seen(FaceMeasures { face_box: FaceBox { x: 0.45, y: 0.45, width: 0.08, height: 0.1 }, ..face() });
    assert_eq!(drive(&order, &repeat(far, 10)).guidance(), Guidance::MoveCloser);
    let aside =
        seen(FaceMeasures { face_box: FaceBox { x: 0.0, y: 0.3, width: 0.3, height: 0.4 }, ..face() });
    assert_eq!(drive(&order, &repeat(aside, 10)).guidance(), Guidance::CenterFace);
    assert_eq!(
        drive(&order, &repeat(FaceObservation::no_face(90.0, 50.0), 10)).guidance(),
        Guidance::FaceNotFound
    );
    // A dark frame in the middle restarts calibration: it needs consecutive good frames.
    let obs = script(&[
        repeat(neutral(), CALIBRATION_FRAMES - 1),
        vec![dark],
        repeat(neutral(), CALIBRATION_FRAMES - 1),
    ]);
    assert!(matches!(drive(&order, &obs), Step::Calibrating(_)));
    // Eyes closed while calibrating is not a neutral face.
    assert_eq!(drive(&order, &repeat(eyes_closed(), 10)).guidance(), Guidance::LookStraight);
    // A head that moves while calibrating.
    let wobble: Vec<_> = (0..10).map(|i| yaw(if i % 2 == 0 { 0.0 } else { 9.0 })).collect();
    assert_eq!(drive(&order, &wobble).guidance(), Guidance::HoldStill);
}

#[test]
fn a_smile_is_not_an_open_mouth() {
    let order = [Action::MouthOpen, Action::Blink, Action::Nod];
    // A smile: a little opening, much wider; a broad grin: more opening, wider still.
    let smile = mouth(0.18, 1.00);
    let grin = mouth(0.40, 1.05);
    let step =
        drive(&order, &script(&[calibration(), repeat(smile, 10), repeat(neutral(), 2), repeat(grin, 10)]));
    let Step::Acting(s) = step else { panic!("expected acting, got {:?}", step.failure()) };
    assert_eq!(s.progress().done, 0);
    assert_eq!(s.guidance(), Guidance::OpenMouth);
    // A real opening after the smiles counts.
    let step = drive(&order, &script(&[calibration(), repeat(smile, 5), act(Action::MouthOpen)]));
    assert_eq!(step.progress().done, 1, "{:?}", step.failure());
}

#[test]
fn a_face_lost_briefly_is_tolerated_and_too_long_fails() {
    let order = [Action::Blink, Action::MouthOpen, Action::Nod];
    let gone = FaceObservation::no_face(100.0, 50.0);
    let brief = script(&[calibration(), repeat(gone, 5), act(Action::Blink)]);
    assert_eq!(drive(&order, &brief).progress().done, 1);
    let long = script(&[calibration(), repeat(gone, 15)]);
    assert_eq!(drive(&order, &long).failure(), Some(FailureReason::FaceLost));
}

#[test]
fn broken_inputs_fail_or_are_ignored_without_panic() {
    let order = [Action::Blink, Action::MouthOpen, Action::Nod];
    let nan = seen(FaceMeasures { yaw_degrees: f32::NAN, left_eye_aspect_ratio: f32::INFINITY, ..face() });
    let step = drive(&order, &script(&[calibration(), vec![nan, neutral()]]));
    assert!(matches!(step, Step::Acting(_)), "{:?}", step.failure());
    let weird = FaceObservation { face_count: u32::MAX, face: None, brightness: f32::NAN, sharpness: -1.0 };
    assert!(!drive(&order, &repeat(weird, 5)).is_finished());
    // The clock going backwards.
    let mut step = Step::start(challenge(&order));
    step = step.push(frame_at(1000), &neutral());
    step = step.push(frame_at(900), &neutral());
    assert_eq!(step.failure(), Some(FailureReason::TimeWentBack));
    // A finished session ignores more frames.
    let step = step.push(frame_at(2000), &neutral());
    assert_eq!(step.failure(), Some(FailureReason::TimeWentBack));
}

/// A scripted model: hands out prepared observations in order.
struct Scripted(std::vec::IntoIter<FaceObservation>);

impl FaceObserver for Scripted {
    fn observe(&mut self, _: &Frame) -> Result<FaceObservation, ObserveError> {
        self.0.next().ok_or_else(|| ObserveError::Model("script exhausted".into()))
    }
}

fn frames(n: usize) -> MemoryFrames {
    MemoryFrames::new((0..n).map(|i| frame_at(i as u64 * FPS_MS)))
}

#[test]
fn run_drives_a_source_and_a_model_and_reports_each_frame() {
    let order = [Action::Blink, Action::Nod, Action::ShakeHead];
    let obs = script(&[calibration(), act(Action::Blink), act(Action::Nod), act(Action::ShakeHead)]);
    let n = obs.len();
    let mut statuses = Vec::new();
    let step = run(challenge(&order), &mut frames(n), &mut Scripted(obs.into_iter()), |s| statuses.push(*s))
        .expect("runs");
    assert!(matches!(step, Step::Passed(_)), "{:?}", step.failure());
    assert_eq!(statuses.last().map(|s| s.guidance), Some(Guidance::Done));
    assert!(statuses.windows(2).all(|w| w[0].progress.done <= w[1].progress.done));
    // The camera stops half-way.
    let obs = script(&[calibration(), act(Action::Blink)]);
    let n = obs.len();
    let step = run(challenge(&order), &mut frames(n), &mut Scripted(obs.into_iter()), |_| {}).expect("runs");
    assert_eq!(step.failure(), Some(FailureReason::StreamEnded));
    assert_eq!(step.progress().done, 1);
    // The model failing is an error, not a verdict.
    let err = run(challenge(&order), &mut frames(3), &mut Scripted(Vec::new().into_iter()), |_| {});
    assert!(matches!(err, Err(RunError::Observe(_))));
}

fn passed_session() -> Session<Passed> {
    let order = [Action::MouthOpen, Action::Nod, Action::Blink];
    let obs = script(&[calibration(), act(Action::MouthOpen), act(Action::Nod), act(Action::Blink)]);
    match drive(&order, &obs) {
        Step::Passed(p) => p,
        other => panic!("expected a pass, got {:?}", other.failure()),
    }
}

/// A stand-in encoder for the tests: a JPEG start marker and the frame's timestamp.
pub(super) fn fake_jpeg(frame: &Frame) -> Result<Vec<u8>, String> {
    let mut out = vec![0xFF, 0xD8, 0xFF, 0xE0];
    out.extend_from_slice(&frame.timestamp_ms().to_be_bytes());
    Ok(out)
}

#[test]
fn evidence_round_trips_signed_and_refuses_tampering() {
    let evidence = Evidence::from_session(passed_session(), fake_jpeg).expect("evidence");
    assert_eq!(evidence.nonce(), &[0xA5; 16]);
    assert_eq!(evidence.actions(), &[Action::MouthOpen, Action::Nod, Action::Blink]);
    assert_eq!(evidence.key_frames().len(), 4);
    assert_eq!(evidence.key_frames()[0].key.kind, KeyFrameKind::Neutral);
    let cbor = evidence.to_cbor().expect("cbor");
    assert_eq!(Evidence::from_cbor(&cbor).expect("decodes"), evidence);

    let key = SigningKey::generate_p256().expect("key");
    let public = key.verifying_key();
    let signed = evidence.sign(&key, b"device-1").expect("signs");
    assert_eq!(Evidence::verify(&signed, &public).expect("verifies"), evidence);
    // Flipping any payload byte breaks the signature.
    let mut tampered = signed.clone();
    let at = tampered.len() / 2;
    tampered[at] ^= 1;
    assert!(Evidence::verify(&tampered, &public).is_err());
    // Another key, or a signature made for another purpose, does not verify.
    let other = SigningKey::generate_p256().expect("key");
    assert!(matches!(Evidence::verify(&signed, &other.verifying_key()), Err(EvidenceError::Signature(_))));
    let as_presentation =
        crate::cose::sign(SigningPurpose::Presentation, &cbor, b"device-1", &key).expect("sign");
    assert!(matches!(Evidence::verify(&as_presentation, &public), Err(EvidenceError::Signature(_))));
    // Debug shows no photo bytes, nonce or measures.
    let printed = format!("{evidence:?}");
    assert!(!printed.contains("165") && !printed.contains("255") && !printed.contains("0.3"), "{printed}");
}

#[test]
fn evidence_refuses_bad_key_frames_and_bad_payloads() {
    let err = Evidence::from_session(passed_session(), |_| Ok(b"GIF89a".to_vec())).expect_err("not a jpeg");
    assert!(matches!(err, EvidenceError::BadKeyFrame { .. }));
    let err = Evidence::from_session(passed_session(), |_| Err("encoder broke".into())).expect_err("fails");
    assert!(matches!(err, EvidenceError::KeyFrameEncoding { .. }));
    for bytes in [&b""[..], b"\xa0", b"\x01", b"\xa1\x01\x02", &[0xFF; 40]] {
        assert!(Evidence::from_cbor(bytes).is_err());
    }
    let evidence = Evidence::from_session(passed_session(), fake_jpeg).expect("evidence");
    let cbor = evidence.to_cbor().expect("cbor");
    for cut in [1, cbor.len() / 3, cbor.len() - 1] {
        assert!(Evidence::from_cbor(&cbor[..cut]).is_err());
    }
}
