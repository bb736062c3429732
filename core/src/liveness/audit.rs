//! A re-check of a device's evidence: the device said "passed"; the audit does not take its word
//! for it and replays the session over the trace the device sent.
//!
//! No backend runs it any more (issue 15, finding 1): evidence a device assembles can be
//! assembled from edited stills whatever the audit says, so the backend takes only a
//! server-paced stream ([`super::pace`]). It stays as the evidence format's own consistency
//! check (the golden vector is audited) while the CLI's offline check still makes evidence.
//!
//! [`audit`] checks, in this order, and stops at the first failure ([`AuditFailure`]):
//!
//! 1. **The challenge.** The nonce and the action list (with their order) are the challenge's.
//! 2. **The trace's bookkeeping.** Frame indices are 0, 1, 2, … (nothing dropped, repeated or
//!    reordered); timestamps strictly increase; the first to the last frame fits the challenge's
//!    time limit; no frame counts more than one face (stricter than the device, which tolerates a
//!    single frame while acting: evidence showing a second person anywhere is refused).
//! 3. **Calibration.** There is exactly one neutral key frame; it is the last frame of step 0 (the
//!    session moves on to the first action right after it); it and the frames before it make a
//!    valid calibration — [`CALIBRATION_FRAMES`] consecutive frames with one usable face that does
//!    not jump, still and neutral enough for [`Baseline`] — and the baseline is recomputed from
//!    them.
//! 4. **The actions, replayed.** From the neutral frame on, the trace goes through the same code
//!    as the session (`track::ActionTrack`: the same smoothing, detectors, thresholds, key-frame
//!    choice and continuity rules): every frame's step number must be the step the replay is in;
//!    the face may not jump ([`FACE_JUMP_MAX`], [`FACE_SCALE_JUMP_MAX`]), change proportions
//!    ([`SHAPE_MAX_DIFFERENCE`] on [`SHAPE_CHANGE_FRAMES`] comparable frames) or be missing
//!    longer than [`FACE_LOST_MAX_MS`]; the challenge's actions must be detected in its order
//!    (another action first fails, a blink excepted as on the device); the trace must end on the
//!    frame that completes the last action.
//! 5. **The key frames.** Exactly one per action besides the neutral one, each pointing at a trace
//!    entry (same index and timestamp) of its action's step, and each the clearest frame of that
//!    step by the session's own measure: the lowest eye opening of the more open eye for a blink,
//!    the widest smoothed mouth opening, the largest smoothed head turn either way, the deepest
//!    smoothed nod (ties allowed).
//!
//! What it cannot check, the backend does on the pixels: that the key frames show what the trace
//! says (re-running the face models on them) and that they show one person, the registry's.
//!
//! [`CALIBRATION_FRAMES`]: super::CALIBRATION_FRAMES
//! [`FACE_JUMP_MAX`]: super::FACE_JUMP_MAX
//! [`FACE_SCALE_JUMP_MAX`]: super::FACE_SCALE_JUMP_MAX
//! [`SHAPE_MAX_DIFFERENCE`]: super::SHAPE_MAX_DIFFERENCE
//! [`SHAPE_CHANGE_FRAMES`]: super::SHAPE_CHANGE_FRAMES
//! [`FACE_LOST_MAX_MS`]: super::FACE_LOST_MAX_MS

use std::fmt;

use super::actions::{Action, Baseline, CALIBRATION_FRAMES};
use super::challenge::Challenge;
use super::evidence::Evidence;
use super::observation::FaceMeasures;
use super::record::{KeyFrameKind, TraceEntry, TracedFace};
use super::track::{ActionTrack, TrackFailure, Tracked, face_jumped};

/// Why the backend refuses evidence. Carries frame indices and action names, never a measure,
/// a photo or the nonce.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
pub enum AuditFailure {
    /// The evidence answers another challenge: its nonce is not this one's.
    #[error("the evidence's nonce is not the challenge's")]
    NonceMismatch,
    /// The evidence lists other actions than the challenge, or the same in another order.
    #[error("the evidence's actions are not the challenge's")]
    ActionsMismatch,
    /// The trace has no frame.
    #[error("the trace is empty")]
    EmptyTrace,
    /// A trace entry's frame index is not its position: frames were dropped, repeated or moved.
    #[error("trace entry {position} does not carry frame index {position}")]
    FrameIndexGap {
        /// The entry's position in the trace.
        position: usize,
    },
    /// A frame's timestamp is not later than the one before it.
    #[error("frame {frame_index}'s timestamp is not after the previous frame's")]
    TimeNotIncreasing {
        /// The frame.
        frame_index: u64,
    },
    /// The trace lasts longer than the challenge's time limit.
    #[error("the trace lasts longer than the time limit")]
    TimeLimitExceeded,
    /// A frame shows more than one face.
    #[error("frame {frame_index} shows more than one face")]
    SeveralFaces {
        /// The frame.
        frame_index: u64,
    },
    /// A frame's step number is not the step the replayed session was in.
    #[error("frame {frame_index} is in the wrong step")]
    StepMismatch {
        /// The frame.
        frame_index: u64,
    },
    /// There is no neutral key frame, or more than one, or it points at no trace entry.
    #[error("the neutral key frame is missing or does not match the trace")]
    NeutralKeyFrame,
    /// The neutral frame and the frames before it are not a valid calibration: too few frames
    /// with one usable face, a moving head, closed eyes or an open mouth.
    #[error("the calibration frames are not a valid calibration")]
    Calibration,
    /// The face box moved or changed size too much between two frames with a face.
    #[error("the face jumped at frame {frame_index}")]
    FaceJumped {
        /// The frame it jumped to.
        frame_index: u64,
    },
    /// The face's proportions moved away from the calibrated ones.
    #[error("the face's proportions changed at frame {frame_index}")]
    FaceShapeChanged {
        /// The frame where the change was confirmed.
        frame_index: u64,
    },
    /// The face was missing for too long.
    #[error("the face was missing too long at frame {frame_index}")]
    FaceLost {
        /// The frame where the gap became too long.
        frame_index: u64,
    },
    /// The replay detected another action before the expected one.
    #[error("expected {}, but the trace shows {} first", .expected.as_str(), .got.as_str())]
    ActionOutOfOrder {
        /// The action the challenge asked for at that point.
        expected: Action,
        /// The action the trace shows instead.
        got: Action,
    },
    /// The trace ends before this action was done.
    #[error("the trace does not show {}", .0.as_str())]
    ActionMissing(Action),
    /// Frames follow the one that completed the last action (the session stops there).
    #[error("the trace goes on after the last action")]
    TrailingFrames,
    /// The key frames are not one neutral frame and exactly one per action.
    #[error("the key frames are not one per action")]
    KeyFrameCount,
    /// A key frame points at no trace entry, or its timestamp is not that entry's.
    #[error("key frame {frame_index} does not match the trace")]
    KeyFrameNotInTrace {
        /// The frame index the key frame claims.
        frame_index: u64,
    },
    /// An action's key frame lies outside that action's step.
    #[error("the {} key frame is outside its step", .0.as_str())]
    KeyFrameWrongStep(Action),
    /// An action's key frame is not the frame of its step that shows the action most clearly.
    #[error("the {} key frame is not its step's clearest frame", .0.as_str())]
    KeyFrameNotExtreme(Action),
}

/// One key frame of audited evidence, with what the device measured on it.
#[derive(Clone, Copy)]
pub struct AuditedKeyFrame<'a> {
    /// What it shows.
    pub kind: KeyFrameKind,
    /// Its index in the trace.
    pub frame_index: u64,
    /// The device's measures of the face on it (the audit checked there is one).
    pub face: TracedFace,
    /// The JPEG.
    pub jpeg: &'a [u8],
}

impl fmt::Debug for AuditedKeyFrame<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuditedKeyFrame")
            .field("kind", &self.kind)
            .field("frame_index", &self.frame_index)
            .finish_non_exhaustive()
    }
}

/// Evidence that passed [`audit`]: its key frames in order (neutral first, then the actions in
/// the challenge's order) with the device's measures of each, and the recomputed baseline.
#[derive(Clone)]
pub struct AuditedEvidence<'a> {
    evidence: &'a Evidence,
    baseline: Baseline,
    key_frames: Vec<AuditedKeyFrame<'a>>,
}

impl fmt::Debug for AuditedEvidence<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuditedEvidence")
            .field("evidence", self.evidence)
            .field("key_frames", &self.key_frames)
            .finish_non_exhaustive()
    }
}

impl<'a> AuditedEvidence<'a> {
    /// The evidence.
    pub fn evidence(&self) -> &'a Evidence {
        self.evidence
    }

    /// The baseline recomputed from the calibration frames.
    pub fn baseline(&self) -> &Baseline {
        &self.baseline
    }

    /// The key frames: the neutral one first, then one per action in the challenge's order.
    pub fn key_frames(&self) -> &[AuditedKeyFrame<'a>] {
        &self.key_frames
    }

    /// The neutral key frame (the one compared with the registry photo).
    pub fn neutral(&self) -> Option<&AuditedKeyFrame<'a>> {
        self.key_frames.first()
    }
}

/// The usable face of a trace entry, as the session would have used it.
fn usable_face(entry: &TraceEntry) -> Option<FaceMeasures> {
    entry.face.map(|f| f.measures()).filter(FaceMeasures::is_usable)
}

/// Step 2: indices, time and face counts.
fn check_bookkeeping(challenge: &Challenge, trace: &[TraceEntry]) -> Result<(), AuditFailure> {
    let (Some(first), Some(last)) = (trace.first(), trace.last()) else {
        return Err(AuditFailure::EmptyTrace);
    };
    let mut previous: Option<u64> = None;
    for (position, e) in trace.iter().enumerate() {
        if usize::try_from(e.frame_index).ok() != Some(position) {
            return Err(AuditFailure::FrameIndexGap { position });
        }
        if previous.is_some_and(|t| e.timestamp_ms <= t) {
            return Err(AuditFailure::TimeNotIncreasing { frame_index: e.frame_index });
        }
        previous = Some(e.timestamp_ms);
        if e.face_count > 1 {
            return Err(AuditFailure::SeveralFaces { frame_index: e.frame_index });
        }
    }
    if last.timestamp_ms.saturating_sub(first.timestamp_ms) > challenge.time_limit_ms() {
        return Err(AuditFailure::TimeLimitExceeded);
    }
    Ok(())
}

/// Step 3: the neutral frame's position and the baseline.
fn check_calibration(evidence: &Evidence) -> Result<(usize, Baseline, FaceMeasures), AuditFailure> {
    let trace = evidence.trace();
    let mut neutrals = evidence.key_frames().iter().filter(|k| k.key.kind == KeyFrameKind::Neutral);
    let (Some(neutral), None) = (neutrals.next(), neutrals.next()) else {
        return Err(AuditFailure::NeutralKeyFrame);
    };
    let n = usize::try_from(neutral.key.frame_index).map_err(|_| AuditFailure::NeutralKeyFrame)?;
    let entry = trace.get(n).ok_or(AuditFailure::NeutralKeyFrame)?;
    if entry.timestamp_ms != neutral.key.timestamp_ms {
        return Err(AuditFailure::NeutralKeyFrame);
    }
    if let Some(e) = trace.iter().take(n + 1).find(|e| e.step != 0) {
        return Err(AuditFailure::StepMismatch { frame_index: e.frame_index });
    }
    let start = (n + 1).checked_sub(CALIBRATION_FRAMES).ok_or(AuditFailure::Calibration)?;
    let window = trace.get(start..=n).ok_or(AuditFailure::Calibration)?;
    let mut faces = Vec::with_capacity(CALIBRATION_FRAMES);
    for e in window {
        let face = usable_face(e).filter(|_| e.face_count == 1).ok_or(AuditFailure::Calibration)?;
        if faces.last().is_some_and(|last: &FaceMeasures| face_jumped(&last.face_box, &face.face_box)) {
            return Err(AuditFailure::FaceJumped { frame_index: e.frame_index });
        }
        faces.push(face);
    }
    let baseline = Baseline::calibrate(&faces).map_err(|_| AuditFailure::Calibration)?;
    let face = faces.last().copied().ok_or(AuditFailure::Calibration)?;
    Ok((n, baseline, face))
}

/// Step 4: the replay. Returns each frame's score for the action of its step (`None` for frames
/// without a measured face and for calibration frames).
fn replay(
    challenge: &Challenge,
    trace: &[TraceEntry],
    neutral: usize,
    baseline: Baseline,
    neutral_face: &FaceMeasures,
) -> Result<Vec<Option<f32>>, AuditFailure> {
    let mut scores = vec![None; trace.len()];
    let Some(neutral_entry) = trace.get(neutral) else { return Err(AuditFailure::NeutralKeyFrame) };
    let mut track = ActionTrack::new(challenge.actions(), baseline, neutral_face, neutral_entry.timestamp_ms);
    for (e, score) in trace.iter().zip(scores.iter_mut()).skip(neutral + 1) {
        if track.current_action().is_none() {
            return Err(AuditFailure::TrailingFrames);
        }
        let frame_index = e.frame_index;
        if e.step != track.step() {
            return Err(AuditFailure::StepMismatch { frame_index });
        }
        let face = usable_face(e);
        match track.push(frame_index, e.timestamp_ms, e.face_count, face.as_ref()) {
            Ok(Tracked::Measured { score: s, .. } | Tracked::Completed { score: s, .. }) => *score = Some(s),
            Ok(Tracked::NoFace) => {}
            // Refused by the bookkeeping already; kept for completeness.
            Ok(Tracked::SeveralFaces) | Err(TrackFailure::SeveralFaces) => {
                return Err(AuditFailure::SeveralFaces { frame_index });
            }
            Ok(Tracked::Finished) => return Err(AuditFailure::TrailingFrames),
            Err(TrackFailure::FaceLost) => return Err(AuditFailure::FaceLost { frame_index }),
            Err(TrackFailure::Jumped) => return Err(AuditFailure::FaceJumped { frame_index }),
            Err(TrackFailure::ShapeChanged) => return Err(AuditFailure::FaceShapeChanged { frame_index }),
            Err(TrackFailure::WrongAction { expected, got }) => {
                return Err(AuditFailure::ActionOutOfOrder { expected, got });
            }
        }
    }
    match track.current_action() {
        Some(missing) => Err(AuditFailure::ActionMissing(missing)),
        None => Ok(scores),
    }
}

/// Re-checks `evidence` against the `challenge` it claims to answer, without trusting the
/// device's verdict: the rules and their order are in the [module documentation](self).
/// Call it after [`Evidence::verify`] has checked the device's signature.
///
/// # Errors
/// The first [`AuditFailure`] found.
pub fn audit<'a>(challenge: &Challenge, evidence: &'a Evidence) -> Result<AuditedEvidence<'a>, AuditFailure> {
    if evidence.nonce() != challenge.nonce() {
        return Err(AuditFailure::NonceMismatch);
    }
    if evidence.actions() != challenge.actions() {
        return Err(AuditFailure::ActionsMismatch);
    }
    let trace = evidence.trace();
    check_bookkeeping(challenge, trace)?;
    let (neutral, baseline, neutral_face) = check_calibration(evidence)?;
    let scores = replay(challenge, trace, neutral, baseline, &neutral_face)?;

    let frames = evidence.key_frames();
    if frames.len() != challenge.actions().len() + 1 {
        return Err(AuditFailure::KeyFrameCount);
    }
    let mut key_frames = Vec::with_capacity(frames.len());
    for kind in std::iter::once(KeyFrameKind::Neutral)
        .chain(challenge.actions().iter().map(|a| KeyFrameKind::Action(*a)))
    {
        let mut of_kind = frames.iter().filter(|k| k.key.kind == kind);
        let (Some(frame), None) = (of_kind.next(), of_kind.next()) else {
            return Err(AuditFailure::KeyFrameCount);
        };
        let frame_index = frame.key.frame_index;
        let position =
            usize::try_from(frame_index).map_err(|_| AuditFailure::KeyFrameNotInTrace { frame_index })?;
        let entry = trace
            .get(position)
            .filter(|e| e.timestamp_ms == frame.key.timestamp_ms)
            .ok_or(AuditFailure::KeyFrameNotInTrace { frame_index })?;
        if let KeyFrameKind::Action(action) = kind {
            let step = challenge.actions().iter().position(|a| *a == action).map_or(0, |i| i + 1);
            if usize::from(entry.step) != step {
                return Err(AuditFailure::KeyFrameWrongStep(action));
            }
            let best = trace
                .iter()
                .zip(&scores)
                .filter(|(e, _)| e.step == entry.step)
                .filter_map(|(_, s)| *s)
                .fold(f32::NEG_INFINITY, f32::max);
            if scores.get(position).copied().flatten().is_none_or(|s| s < best) {
                return Err(AuditFailure::KeyFrameNotExtreme(action));
            }
        }
        // The neutral frame's face was checked by the calibration, an action's by its score.
        let face = entry.face.ok_or(AuditFailure::KeyFrameNotInTrace { frame_index })?;
        key_frames.push(AuditedKeyFrame { kind, frame_index, face, jpeg: frame.jpeg.expose() });
    }
    Ok(AuditedEvidence { evidence, baseline, key_frames })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::liveness::tests::{act, calibration, challenge, drive, fake_jpeg, neutral, repeat, script};
    use crate::liveness::{EvidenceFrame, FaceBox, FaceShape, Step};

    const ORDER: [Action; 4] = [Action::Nod, Action::Blink, Action::MouthOpen, Action::ShakeHead];

    fn evidence_of(parts: &[Vec<crate::liveness::FaceObservation>]) -> Evidence {
        match drive(&ORDER, &script(parts)) {
            Step::Passed(passed) => Evidence::from_session(passed, fake_jpeg).expect("evidence"),
            other => panic!("expected a pass, got {:?}", other.failure()),
        }
    }

    /// A cooperative session's evidence, through its CBOR form as the backend receives it.
    fn cooperative() -> Evidence {
        let evidence = evidence_of(&[
            calibration(),
            act(Action::Nod),
            act(Action::Blink),
            act(Action::MouthOpen),
            act(Action::ShakeHead),
        ]);
        Evidence::from_cbor(&evidence.to_cbor().expect("cbor")).expect("decodes")
    }

    type Parts = (Vec<u8>, Vec<Action>, Vec<EvidenceFrame>, Vec<TraceEntry>);

    /// `evidence` changed by `edit` (as a device could send it: the signature is the device's).
    fn tampered(evidence: &Evidence, edit: impl FnOnce(&mut Parts)) -> Evidence {
        let mut parts = (
            evidence.nonce().to_vec(),
            evidence.actions().to_vec(),
            evidence.key_frames().to_vec(),
            evidence.trace().to_vec(),
        );
        edit(&mut parts);
        let (nonce, actions, frames, trace) = parts;
        Evidence::from_parts(nonce, actions, frames, trace)
    }

    /// Positions of the trace entries in step `step`.
    fn step_positions(evidence: &Evidence, step: u8) -> Vec<usize> {
        evidence.trace().iter().enumerate().filter(|(_, e)| e.step == step).map(|(i, _)| i).collect()
    }

    fn audit_of(evidence: &Evidence) -> Result<(), AuditFailure> {
        audit(&challenge(&ORDER), evidence).map(|_| ())
    }

    #[test]
    fn a_cooperative_session_passes_the_audit() {
        let evidence = cooperative();
        let audited = audit(&challenge(&ORDER), &evidence).expect("passes");
        let kinds: Vec<KeyFrameKind> = audited.key_frames().iter().map(|k| k.kind).collect();
        assert_eq!(kinds[0], KeyFrameKind::Neutral);
        assert_eq!(&kinds[1..], ORDER.map(KeyFrameKind::Action).as_slice());
        // The replay found the same key frames as the session, and the device's measures.
        for (audited, sent) in audited.key_frames().iter().zip(evidence.key_frames()) {
            assert_eq!(audited.frame_index, sent.key.frame_index);
            assert_eq!(audited.jpeg, sent.jpeg.expose().as_slice());
        }
        let blink = audited.key_frames()[2];
        assert!(blink.face.left_eye_aspect_ratio < 0.1);
        assert!((audited.baseline().left_eye_aspect_ratio - 0.30).abs() < 1e-6);
        assert_eq!(audited.neutral().map(|k| k.frame_index), Some(4));
        let printed = format!("{audited:?}");
        assert!(!printed.contains("0.3") && !printed.contains("165"), "{printed}");
    }

    #[test]
    fn another_challenges_nonce_or_actions_fail() {
        let evidence = cooperative();
        let other_nonce = Challenge::new(vec![0x5A; 16], ORDER.to_vec(), 30_000).expect("challenge");
        assert_eq!(audit(&other_nonce, &evidence).map(|_| ()), Err(AuditFailure::NonceMismatch));
        let reordered = [Action::Blink, Action::Nod, Action::MouthOpen, Action::ShakeHead];
        assert_eq!(audit(&challenge(&reordered), &evidence).map(|_| ()), Err(AuditFailure::ActionsMismatch));
    }

    #[test]
    fn actions_done_in_another_order_than_claimed_fail() {
        // The device claims the challenge's order, but its trace shows the nod before the blink.
        let reordered = [Action::Blink, Action::Nod, Action::MouthOpen, Action::ShakeHead];
        let evidence = tampered(&cooperative(), |(_, actions, _, _)| *actions = reordered.to_vec());
        assert_eq!(
            audit(&challenge(&reordered), &evidence).map(|_| ()),
            Err(AuditFailure::ActionOutOfOrder { expected: Action::Blink, got: Action::Nod })
        );
    }

    #[test]
    fn a_trace_that_stops_before_the_last_action_fails() {
        let evidence = cooperative();
        let last_step = step_positions(&evidence, 4);
        let evidence = tampered(&evidence, |(_, _, _, trace)| trace.truncate(last_step[0]));
        assert_eq!(audit_of(&evidence), Err(AuditFailure::ActionMissing(Action::ShakeHead)));
    }

    #[test]
    fn a_second_face_in_any_frame_fails() {
        let evidence = cooperative();
        let at = step_positions(&evidence, 2)[1];
        let evidence = tampered(&evidence, |(_, _, _, trace)| trace[at].face_count = 2);
        assert_eq!(audit_of(&evidence), Err(AuditFailure::SeveralFaces { frame_index: at as u64 }));
    }

    fn edit_faces_from(evidence: &Evidence, from: usize, edit: impl Fn(&mut TracedFace)) -> Evidence {
        tampered(evidence, |(_, _, _, trace)| {
            for e in trace.iter_mut().skip(from) {
                if let Some(f) = e.face.as_mut() {
                    edit(f);
                }
            }
        })
    }

    #[test]
    fn a_face_swapped_mid_trace_fails() {
        let evidence = cooperative();
        let at = step_positions(&evidence, 2)[0];
        // Another face, elsewhere in the frame, from the blink step on.
        let elsewhere = edit_faces_from(&evidence, at, |f| f.face_box = FaceBox { x: 0.6, ..f.face_box });
        assert_eq!(audit_of(&elsewhere), Err(AuditFailure::FaceJumped { frame_index: at as u64 }));
        // Another face in the same place, with other proportions.
        let other = FaceShape([1.2, 0.9, 1.0, 0.6, 0.6, 1.8]);
        let in_place = edit_faces_from(&evidence, at, |f| f.shape = other);
        assert!(
            matches!(audit_of(&in_place), Err(AuditFailure::FaceShapeChanged { frame_index }) if frame_index > at as u64),
            "{:?}",
            audit_of(&in_place)
        );
        // A face that grows to twice its size from one frame to the next.
        let bigger = edit_faces_from(&evidence, at, |f| {
            f.face_box = FaceBox { x: 0.2, y: 0.1, width: 0.6, height: 0.8 };
        });
        assert_eq!(audit_of(&bigger), Err(AuditFailure::FaceJumped { frame_index: at as u64 }));
    }

    #[test]
    fn timestamps_must_strictly_increase_and_fit_the_time_limit() {
        let evidence = cooperative();
        let at = step_positions(&evidence, 3)[2];
        let back =
            tampered(&evidence, |(_, _, _, trace)| trace[at].timestamp_ms = trace[at - 1].timestamp_ms - 50);
        assert_eq!(audit_of(&back), Err(AuditFailure::TimeNotIncreasing { frame_index: at as u64 }));
        let same =
            tampered(&evidence, |(_, _, _, trace)| trace[at].timestamp_ms = trace[at - 1].timestamp_ms);
        assert_eq!(audit_of(&same), Err(AuditFailure::TimeNotIncreasing { frame_index: at as u64 }));
        // A slow but otherwise honest session (7 s) against a 5 s limit.
        let slow = evidence_of(&[
            calibration(),
            act(Action::Nod),
            repeat(neutral(), 30),
            act(Action::Blink),
            act(Action::MouthOpen),
            act(Action::ShakeHead),
        ]);
        assert_eq!(audit_of(&slow), Ok(()));
        let strict = Challenge::new(vec![0xA5; 16], ORDER.to_vec(), 5_000).expect("challenge");
        assert_eq!(audit(&strict, &slow).map(|_| ()), Err(AuditFailure::TimeLimitExceeded));
    }

    #[test]
    fn the_trace_must_be_every_frame_in_its_step() {
        let evidence = cooperative();
        let at = step_positions(&evidence, 2)[1];
        let dropped = tampered(&evidence, |(_, _, _, trace)| {
            trace.remove(at);
        });
        assert_eq!(audit_of(&dropped), Err(AuditFailure::FrameIndexGap { position: at }));
        let wrong_step = tampered(&evidence, |(_, _, _, trace)| trace[at].step = 3);
        assert_eq!(audit_of(&wrong_step), Err(AuditFailure::StepMismatch { frame_index: at as u64 }));
        let more = tampered(&evidence, |(_, _, _, trace)| {
            let mut extra = *trace.last().expect("a frame");
            extra.frame_index += 1;
            extra.timestamp_ms += 100;
            trace.push(extra);
        });
        assert_eq!(audit_of(&more), Err(AuditFailure::TrailingFrames));
    }

    #[test]
    fn a_key_frame_that_is_not_its_steps_clearest_fails() {
        let evidence = cooperative();
        let blink_step = step_positions(&evidence, 2);
        // The first frame of the blink step: eyes open.
        let open = evidence.trace()[blink_step[0]];
        let point_at = |entry: TraceEntry| {
            tampered(&evidence, |(_, _, frames, _)| {
                for k in frames.iter_mut().filter(|k| k.key.kind == KeyFrameKind::Action(Action::Blink)) {
                    k.key.frame_index = entry.frame_index;
                    k.key.timestamp_ms = entry.timestamp_ms;
                }
            })
        };
        assert_eq!(audit_of(&point_at(open)), Err(AuditFailure::KeyFrameNotExtreme(Action::Blink)));
        // A frame of another step.
        let elsewhere = evidence.trace()[step_positions(&evidence, 3)[0]];
        assert_eq!(audit_of(&point_at(elsewhere)), Err(AuditFailure::KeyFrameWrongStep(Action::Blink)));
        // A timestamp that is not the frame's.
        let mut moved = open;
        moved.timestamp_ms += 1;
        assert_eq!(
            audit_of(&point_at(moved)),
            Err(AuditFailure::KeyFrameNotInTrace { frame_index: open.frame_index })
        );
    }

    #[test]
    fn key_frames_must_be_one_neutral_and_one_per_action() {
        let evidence = cooperative();
        let no_neutral = tampered(&evidence, |(_, _, frames, _)| {
            frames.remove(0);
        });
        assert_eq!(audit_of(&no_neutral), Err(AuditFailure::NeutralKeyFrame));
        let no_nod = tampered(&evidence, |(_, _, frames, _)| {
            frames.retain(|k| k.key.kind != KeyFrameKind::Action(Action::Nod));
        });
        assert_eq!(audit_of(&no_nod), Err(AuditFailure::KeyFrameCount));
        let two_blinks = tampered(&evidence, |(_, _, frames, _)| {
            let blink = frames[2].clone();
            frames[1] = blink;
        });
        assert_eq!(audit_of(&two_blinks), Err(AuditFailure::KeyFrameCount));
        // A neutral frame that is not the last calibration frame.
        let early = tampered(&evidence, |(_, _, frames, trace)| {
            frames[0].key.frame_index = 3;
            frames[0].key.timestamp_ms = trace[3].timestamp_ms;
        });
        assert_eq!(audit_of(&early), Err(AuditFailure::Calibration));
        let empty = tampered(&evidence, |(_, _, _, trace)| trace.clear());
        assert_eq!(audit_of(&empty), Err(AuditFailure::EmptyTrace));
    }
}
