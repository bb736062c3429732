//! The acting phase's rules on a stream of faces, without frames or clocks of their own: action
//! detection against the baseline, the choice of each action's key frame, and the continuity
//! checks (several faces, face lost, face jumped, face proportions changed).
//!
//! One implementation serves two callers, so that they cannot drift apart: the on-device
//! [`super::Session`] feeds it live observations, and the backend's [`super::audit()`] feeds it the
//! trace the device sent, to re-check the device's verdict without trusting it.

use super::actions::{
    Action, Baseline, Detectors, MOUTH_CLOSED_DELTA, NEUTRAL_PITCH, NEUTRAL_YAW, Relative, Smoother, Stage,
};
use super::challenge::FailureReason;
use super::observation::{FaceBox, FaceMeasures};

/// How long the face may be missing while acting. A fast turn or a hand passing can lose the mesh
/// for a few frames; a second is longer than that, and a face that comes back must still pass the
/// continuity checks.
pub const FACE_LOST_MAX_MS: u64 = 1_000;
/// Consecutive frames with more than one face that fail a session while acting (one such frame
/// is tolerated on the device: a detector's false positive on a single frame; the backend's
/// audit refuses any).
pub const SEVERAL_FACES_FRAMES: u32 = 2;
/// Largest move of the face's centre between two frames in which it was seen, in face sizes (the
/// horizontal move in face widths and the vertical move in face heights, combined): a head turn
/// at 10 fps moves the centre by well under a third of the face; a different face appearing
/// elsewhere moves it by more than half.
pub const FACE_JUMP_MAX: f32 = 0.5;
/// Largest change of the face's width or height between two frames in which it was seen (ratio):
/// walking towards the phone changes it by a few percent per frame.
pub const FACE_SCALE_JUMP_MAX: f32 = 1.5;
/// Largest difference of the face's proportions from the baseline ([`super::FaceShape::difference`])
/// on frames that face the camera with a neutral expression. Measured with `shimin-face` on real
/// photographs: one face shifted or tilted varies by 0.005–0.012, the astronaut and Grace Hopper
/// differ by only 0.023 — the mesh's proportions barely tell people apart. The limit is set well
/// above the same-face noise so that it never fails an honest user; it catches a non-face or a
/// grossly different mesh, not a look-alike. A swap in place must be caught by the backend's face
/// match of every key frame.
pub const SHAPE_MAX_DIFFERENCE: f32 = 0.10;
/// Consecutive comparable frames over [`SHAPE_MAX_DIFFERENCE`] that count as a face change.
pub const SHAPE_CHANGE_FRAMES: u32 = 3;

/// Whether the face moved or changed size too much between two frames to be the same face
/// ([`FACE_JUMP_MAX`], [`FACE_SCALE_JUMP_MAX`]): the move of the centre in sizes of the earlier
/// face, the change of width or height as a ratio. Measured in face sizes, it needs no frame size,
/// so the backend's audit can apply it to a trace: for a face box that is square in pixels (the
/// detector's are) the horizontal move in face widths and the vertical one in face heights are
/// both moves in face sizes, as the session measured them before in pixels. A box that is not
/// usable counts as a jump.
pub(crate) fn face_jumped(from: &FaceBox, to: &FaceBox) -> bool {
    if !(from.is_usable() && to.is_usable()) {
        return true;
    }
    let scale = (from.width / to.width)
        .max(to.width / from.width)
        .max(from.height / to.height)
        .max(to.height / from.height);
    let ((ax, ay), (bx, by)) = (from.center(), to.center());
    let moved = ((ax - bx) / from.width).hypot((ay - by) / from.height);
    !(scale <= FACE_SCALE_JUMP_MAX && moved <= FACE_JUMP_MAX)
}

/// Why the acting phase fails. The session reports these as [`FailureReason`]s; the audit keeps
/// the jump and the change of proportions apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TrackFailure {
    /// [`SEVERAL_FACES_FRAMES`] consecutive frames with more than one face.
    SeveralFaces,
    /// No face for longer than [`FACE_LOST_MAX_MS`].
    FaceLost,
    /// The face box jumped ([`face_jumped`]).
    Jumped,
    /// The face's proportions left the baseline's for [`SHAPE_CHANGE_FRAMES`] comparable frames.
    ShapeChanged,
    /// Another action was completed before the expected one.
    WrongAction {
        /// The action asked for.
        expected: Action,
        /// The action done instead.
        got: Action,
    },
}

impl From<TrackFailure> for FailureReason {
    fn from(f: TrackFailure) -> Self {
        match f {
            TrackFailure::SeveralFaces => FailureReason::SeveralFaces,
            TrackFailure::FaceLost => FailureReason::FaceLost,
            TrackFailure::Jumped | TrackFailure::ShapeChanged => FailureReason::FaceChanged,
            TrackFailure::WrongAction { expected, got } => FailureReason::WrongAction { expected, got },
        }
    }
}

/// What one frame did to the acting phase.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Tracked {
    /// More than one face, tolerated this time; nothing was measured.
    SeveralFaces,
    /// No usable face, tolerated this time; nothing was measured.
    NoFace,
    /// The face was measured; the current action is not done yet.
    Measured {
        /// How clearly the frame shows the current action (larger is clearer).
        score: f32,
        /// Whether this frame is now the current action's key frame.
        best: bool,
    },
    /// The face was measured and the current action is done.
    Completed {
        /// How clearly the frame shows the action.
        score: f32,
        /// Whether this frame is the action's key frame.
        best: bool,
        /// The action just done.
        action: Action,
        /// The index of the frame that shows it best (its key frame).
        key_index: u64,
    },
    /// Every action was already done (a caller should have stopped).
    Finished,
}

/// How strongly `r` shows `action` (larger is clearer), to pick its key frame: the eyes' opening
/// for a blink (the more open eye counts, so both must close), the mouth's opening, the head's
/// turn either way, the head's tip down.
fn strength(action: Action, r: &Relative) -> f32 {
    match action {
        Action::Blink => 1.0 - r.left_eye.max(r.right_eye),
        Action::MouthOpen => r.mouth_opening,
        Action::ShakeHead => r.yaw.abs(),
        Action::Nod => r.pitch,
    }
}

/// The acting phase: the challenge's actions in order, measured against the baseline.
#[derive(Debug, Clone)]
pub(crate) struct ActionTrack {
    actions: Vec<Action>,
    baseline: Baseline,
    smoother: Smoother,
    detectors: Detectors,
    done: usize,
    /// The current action's clearest frame so far: its score and index.
    best: Option<(f32, u64)>,
    shape_mismatches: u32,
    several_faces: u32,
    /// When and where the face was last seen.
    last_face: (u64, FaceBox),
}

impl ActionTrack {
    /// Starts after calibration on `neutral`, the last calibration frame, seen at `t_ms`.
    pub(crate) fn new(actions: &[Action], baseline: Baseline, neutral: &FaceMeasures, t_ms: u64) -> Self {
        let mut smoother = Smoother::default();
        smoother.push(neutral, &baseline);
        Self {
            actions: actions.to_vec(),
            baseline,
            smoother,
            detectors: Detectors::default(),
            done: 0,
            best: None,
            shape_mismatches: 0,
            several_faces: 0,
            last_face: (t_ms, neutral.face_box),
        }
    }

    /// The calibrated neutral face.
    pub(crate) fn baseline(&self) -> &Baseline {
        &self.baseline
    }

    /// The action asked for now (`None` when all are done).
    pub(crate) fn current_action(&self) -> Option<Action> {
        self.actions.get(self.done).copied()
    }

    /// The step number a frame pushed now belongs to (1 for the first action).
    pub(crate) fn step(&self) -> u8 {
        u8::try_from(self.done + 1).unwrap_or(u8::MAX)
    }

    /// Where the detector of `action` is, for guidance.
    pub(crate) fn stage(&self, action: Action) -> Stage {
        self.detectors.stage(action)
    }

    /// Takes the frame `index` seen at `t_ms`: how many faces the model counted and the main one
    /// if it is usable.
    pub(crate) fn push(
        &mut self,
        index: u64,
        t_ms: u64,
        face_count: u32,
        face: Option<&FaceMeasures>,
    ) -> Result<Tracked, TrackFailure> {
        if face_count > 1 {
            self.several_faces += 1;
            if self.several_faces >= SEVERAL_FACES_FRAMES {
                return Err(TrackFailure::SeveralFaces);
            }
            return Ok(Tracked::SeveralFaces);
        }
        self.several_faces = 0;
        let Some(face) = face else {
            if t_ms.saturating_sub(self.last_face.0) > FACE_LOST_MAX_MS {
                return Err(TrackFailure::FaceLost);
            }
            self.smoother.clear();
            return Ok(Tracked::NoFace);
        };
        if face_jumped(&self.last_face.1, &face.face_box) {
            return Err(TrackFailure::Jumped);
        }
        self.last_face = (t_ms, face.face_box);
        let r = self.smoother.push(face, &self.baseline);
        // Proportions are compared only on frames that look like the calibration frames.
        let comparable = r.yaw.abs() <= NEUTRAL_YAW
            && r.pitch.abs() <= NEUTRAL_PITCH
            && r.mouth_opening <= MOUTH_CLOSED_DELTA;
        if comparable {
            if face.shape.difference(&self.baseline.shape) > SHAPE_MAX_DIFFERENCE {
                self.shape_mismatches += 1;
                if self.shape_mismatches >= SHAPE_CHANGE_FRAMES {
                    return Err(TrackFailure::ShapeChanged);
                }
            } else {
                self.shape_mismatches = 0;
            }
        }
        let Some(expected) = self.current_action() else { return Ok(Tracked::Finished) };
        let completed = self.detectors.update(&r, t_ms);
        let score = strength(expected, &r);
        // This frame becomes the key frame only if it shows the action better than the one so far.
        let best = self.best.is_none_or(|(s, _)| score > s);
        if best {
            self.best = Some((score, index));
        }
        if completed.contains(&expected) {
            let key_index = self.best.take().map_or(index, |(_, i)| i);
            self.done += 1;
            self.detectors.reset();
            return Ok(Tracked::Completed { score, best, action: expected, key_index });
        }
        // Blinks are involuntary (every few seconds), so a blink out of turn is never an error;
        // any other action that is not the expected one and not already done is.
        let done = self.actions.get(..self.done).unwrap_or(&[]);
        if let Some(got) = completed.into_iter().find(|a| *a != Action::Blink && !done.contains(a)) {
            return Err(TrackFailure::WrongAction { expected, got });
        }
        Ok(Tracked::Measured { score, best })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BOX: FaceBox = FaceBox { x: 0.35, y: 0.3, width: 0.3, height: 0.4 };

    #[test]
    fn a_jump_is_measured_in_face_sizes() {
        assert!(!face_jumped(&BOX, &BOX));
        // A third of a face width to the side, a quarter of a face height down: a head turn.
        assert!(!face_jumped(&BOX, &FaceBox { x: 0.45, y: 0.4, ..BOX }));
        // Half a face width to the side and half a face height down: elsewhere.
        assert!(face_jumped(&BOX, &FaceBox { x: 0.5, y: 0.5, ..BOX }));
        // 1.4× larger about the same centre is walking closer; twice the size is another face.
        assert!(!face_jumped(&BOX, &FaceBox { x: 0.29, y: 0.22, width: 0.42, height: 0.56 }));
        assert!(face_jumped(&BOX, &FaceBox { x: 0.2, y: 0.1, width: 0.6, height: 0.8 }));
        assert!(face_jumped(&BOX, &FaceBox { x: f32::NAN, ..BOX }));
        assert!(face_jumped(&BOX, &FaceBox { width: 0.0, ..BOX }));
    }
}
