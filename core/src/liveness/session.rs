//! The challenge session as type states:
//!
//! ```text
//! Session<Calibrating> ──quality gate + neutral baseline──▶ Session<Acting> ──all actions in order──▶ Session<Passed>
//!        │                                                        │
//!        └────────────── timeout / stream ended ──────────────────┴── timeout, wrong action, face lost,
//!                                                                     face changed, several faces ──▶ Session<Failed>
//! ```
//!
//! Each frame goes in with what the face model saw in it ([`Step::push`]); the session answers
//! with its next state, which carries the [`Guidance`] to show and the [`Progress`]. The frames
//! the evidence needs (one neutral, one per action) are kept; the others are dropped at once.

use std::fmt;

use super::actions::{
    Action, Baseline, CalibrationIssue, Detectors, MOUTH_CLOSED_DELTA, Relative, Smoother, Stage,
};
use super::challenge::{Challenge, FailureReason, Guidance, Progress};
use super::evidence::{KeyFrame, KeyFrameKind, TraceEntry};
use super::frame::Frame;
use super::observation::{FaceBox, FaceMeasures, FaceObservation};
use super::quality::{self, QualityIssue};

/// How long the face may be missing while acting. A fast turn or a hand passing can lose the mesh
/// for a few frames; a second is longer than that, and a face that comes back must still pass the
/// continuity checks.
pub const FACE_LOST_MAX_MS: u64 = 1_000;
/// Consecutive frames with more than one face that fail a session while acting (one such frame
/// is tolerated: a detector's false positive on a single frame).
pub const SEVERAL_FACES_FRAMES: u32 = 2;
/// Largest move of the face's centre between two frames in which it was seen, as a fraction of
/// the face's size: a head turn at 10 fps moves the centre by well under a third of the face; a
/// different face appearing elsewhere moves it by more than half.
pub const FACE_JUMP_MAX: f32 = 0.5;
/// Largest change of the face's size between two frames in which it was seen (ratio): walking
/// towards the phone changes it by a few percent per frame.
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

/// Type state: waiting for a good, still, neutral face to calibrate on.
#[derive(Debug, Default)]
pub struct Calibrating {
    window: Vec<FaceMeasures>,
    guidance: Option<Guidance>,
}

/// Type state: calibrated; the user is doing the actions in order.
#[derive(Debug)]
pub struct Acting {
    baseline: Baseline,
    smoother: Smoother,
    detectors: Detectors,
    done: Vec<(KeyFrame, Frame)>,
    neutral: (KeyFrame, Frame),
    /// The frame that shows the current action best so far, and how well.
    best: Option<(f32, KeyFrame, Frame)>,
    shape_mismatches: u32,
    guidance: Guidance,
}

/// Type state: every action was done in order. Holds what the evidence needs.
#[derive(Debug)]
pub struct Passed {
    neutral: (KeyFrame, Frame),
    done: Vec<(KeyFrame, Frame)>,
}

/// Type state: the session failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Failed {
    reason: FailureReason,
    done: usize,
}

/// What every state shares: the challenge, the clock and the trace.
struct Shared {
    challenge: Challenge,
    started_ms: Option<u64>,
    last_ms: u64,
    next_index: u64,
    trace: Vec<TraceEntry>,
    last_face: Option<(u64, FaceBox)>,
    several_faces: u32,
}

impl fmt::Debug for Shared {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Shared")
            .field("challenge", &self.challenge)
            .field("frames", &self.next_index)
            .finish_non_exhaustive()
    }
}

/// A liveness session in state `S`.
#[derive(Debug)]
pub struct Session<S> {
    shared: Shared,
    state: S,
}

/// A session after a frame: in whichever state it is now. (One `Step` lives per session, moved
/// from frame to frame; boxing the larger states would allocate on every frame for nothing.)
#[derive(Debug)]
#[allow(clippy::large_enum_variant)]
pub enum Step {
    /// Still calibrating.
    Calibrating(Session<Calibrating>),
    /// Doing the actions.
    Acting(Session<Acting>),
    /// Done: passed.
    Passed(Session<Passed>),
    /// Done: failed.
    Failed(Session<Failed>),
}

/// The ratio of the face's pixel size between two boxes, and the centre's move in face sizes.
fn face_jump(frame: &Frame, a: &FaceBox, b: &FaceBox) -> (f32, f32) {
    let (w, h) = frame.upright_size();
    let (w, h) = (w as f32, h as f32);
    let size = |x: &FaceBox| (x.width * w).max(x.height * h);
    let (sa, sb) = (size(a), size(b));
    let scale = if sa > 0.0 && sb > 0.0 { (sa / sb).max(sb / sa) } else { f32::INFINITY };
    let ((ax, ay), (bx, by)) = (a.center(), b.center());
    let moved = ((ax - bx) * w).hypot((ay - by) * h) / sb.max(f32::MIN_POSITIVE);
    (scale, moved)
}

impl Shared {
    /// Time and bookkeeping common to every state: records the frame in the trace and answers a
    /// failure if the clock went back or the time is up.
    fn record(
        &mut self,
        frame: &Frame,
        observation: &FaceObservation,
        step: u8,
    ) -> Result<u64, FailureReason> {
        let t = frame.timestamp_ms();
        if self.started_ms.is_some() && t < self.last_ms {
            return Err(FailureReason::TimeWentBack);
        }
        let started = *self.started_ms.get_or_insert(t);
        self.last_ms = t;
        let index = self.next_index;
        self.next_index += 1;
        self.trace.push(TraceEntry::new(index, t, step, observation));
        if t.saturating_sub(started) > self.challenge.time_limit_ms() {
            return Err(FailureReason::Timeout);
        }
        Ok(index)
    }

    fn progress(&self, done: usize) -> Progress {
        Progress { done, total: self.challenge.actions().len() }
    }
}

impl<S> Session<S> {
    fn fail(shared: Shared, done: usize, reason: FailureReason) -> Step {
        Step::Failed(Session { shared, state: Failed { reason, done } })
    }

    /// The challenge being answered.
    pub fn challenge(&self) -> &Challenge {
        &self.shared.challenge
    }

    /// How many frames have gone in.
    pub fn frames_seen(&self) -> u64 {
        self.shared.next_index
    }

    /// The per-frame trace so far (features and timestamps; no pixels).
    pub fn trace(&self) -> &[TraceEntry] {
        &self.shared.trace
    }
}

fn issue_guidance(issue: QualityIssue) -> Guidance {
    match issue {
        QualityIssue::NoFace => Guidance::FaceNotFound,
        QualityIssue::SeveralFaces => Guidance::OneFaceOnly,
        QualityIssue::TooSmall => Guidance::MoveCloser,
        QualityIssue::TooLarge => Guidance::MoveBack,
        QualityIssue::OffCentre => Guidance::CenterFace,
        QualityIssue::TooDark => Guidance::MoreLight,
        QualityIssue::TooBright => Guidance::LessLight,
        QualityIssue::Blurred => Guidance::HoldStill,
    }
}

impl Session<Calibrating> {
    /// Starts answering `challenge`.
    pub fn start(challenge: Challenge) -> Self {
        Session {
            shared: Shared {
                challenge,
                started_ms: None,
                last_ms: 0,
                next_index: 0,
                trace: Vec::new(),
                last_face: None,
                several_faces: 0,
            },
            state: Calibrating::default(),
        }
    }

    /// What to show: the last quality problem, or "look straight" while collecting neutral frames.
    pub fn guidance(&self) -> Guidance {
        self.state.guidance.unwrap_or(Guidance::LookStraight)
    }

    /// Takes one frame and what the model saw in it.
    pub fn push(mut self, frame: Frame, observation: &FaceObservation) -> Step {
        if let Err(reason) = self.shared.record(&frame, observation, 0) {
            return Self::fail(self.shared, 0, reason);
        }
        let face = match quality::assess(&frame, observation) {
            Err(issue) => {
                self.state.window.clear();
                self.state.guidance = Some(issue_guidance(issue));
                return Step::Calibrating(self);
            }
            // `assess` passes only with a usable face.
            Ok(()) => match observation.usable_face() {
                Some(face) => *face,
                None => return Step::Calibrating(self),
            },
        };
        // Calibration frames must be one continuous face.
        if let Some((_, last)) = self.shared.last_face {
            let (scale, moved) = face_jump(&frame, &face.face_box, &last);
            if scale > FACE_SCALE_JUMP_MAX || moved > FACE_JUMP_MAX {
                self.state.window.clear();
            }
        }
        self.shared.last_face = Some((frame.timestamp_ms(), face.face_box));
        self.state.window.push(face);
        if self.state.window.len() > super::actions::CALIBRATION_FRAMES {
            self.state.window.remove(0);
        }
        match Baseline::calibrate(&self.state.window) {
            Ok(baseline) => {
                let index = self.shared.next_index - 1;
                let key = KeyFrame {
                    kind: KeyFrameKind::Neutral,
                    frame_index: index,
                    timestamp_ms: frame.timestamp_ms(),
                };
                let first = self.shared.challenge.actions().first().copied();
                let mut acting = Acting {
                    baseline,
                    smoother: Smoother::default(),
                    detectors: Detectors::default(),
                    done: Vec::new(),
                    neutral: (key, frame),
                    best: None,
                    shape_mismatches: 0,
                    guidance: first.map_or(Guidance::Done, action_guidance),
                };
                acting.smoother.push(&face, &baseline);
                Step::Acting(Session { shared: self.shared, state: acting })
            }
            Err(issue) => {
                self.state.guidance = Some(match issue {
                    CalibrationIssue::TooFew => Guidance::LookStraight,
                    CalibrationIssue::Moving => Guidance::HoldStill,
                    CalibrationIssue::NotNeutral => Guidance::LookStraight,
                });
                Step::Calibrating(self)
            }
        }
    }
}

fn action_guidance(action: Action) -> Guidance {
    match action {
        Action::Blink => Guidance::Blink,
        Action::MouthOpen => Guidance::OpenMouth,
        Action::ShakeHead => Guidance::ShakeHead,
        Action::Nod => Guidance::Nod,
    }
}

/// How strongly `r` shows `action` (larger is clearer), to pick its key frame.
fn strength(action: Action, r: &Relative) -> f32 {
    match action {
        Action::Blink => 1.0 - r.left_eye.max(r.right_eye),
        Action::MouthOpen => r.mouth_opening,
        Action::ShakeHead => r.yaw.abs(),
        Action::Nod => r.pitch,
    }
}

impl Session<Acting> {
    /// The action being asked for now.
    pub fn current_action(&self) -> Option<Action> {
        self.shared.challenge.actions().get(self.state.done.len()).copied()
    }

    /// What to show.
    pub fn guidance(&self) -> Guidance {
        self.state.guidance
    }

    /// How many actions are done.
    pub fn progress(&self) -> Progress {
        self.shared.progress(self.state.done.len())
    }

    /// The calibrated neutral face.
    pub fn baseline(&self) -> &Baseline {
        &self.state.baseline
    }

    /// Takes one frame and what the model saw in it.
    pub fn push(mut self, frame: Frame, observation: &FaceObservation) -> Step {
        let step = u8::try_from(self.state.done.len() + 1).unwrap_or(u8::MAX);
        let index = match self.shared.record(&frame, observation, step) {
            Ok(index) => index,
            Err(reason) => return Self::fail(self.shared, self.state.done.len(), reason),
        };
        let t = frame.timestamp_ms();
        if observation.face_count > 1 {
            self.shared.several_faces += 1;
            if self.shared.several_faces >= SEVERAL_FACES_FRAMES {
                return Self::fail(self.shared, self.state.done.len(), FailureReason::SeveralFaces);
            }
            self.state.guidance = Guidance::OneFaceOnly;
            return Step::Acting(self);
        }
        self.shared.several_faces = 0;
        let Some(face) = observation.usable_face().copied() else {
            let last_seen = self.shared.last_face.map_or(t, |(at, _)| at);
            if t.saturating_sub(last_seen) > FACE_LOST_MAX_MS {
                return Self::fail(self.shared, self.state.done.len(), FailureReason::FaceLost);
            }
            self.state.smoother.clear();
            self.state.guidance = Guidance::FaceNotFound;
            return Step::Acting(self);
        };
        if let Some((_, last)) = self.shared.last_face {
            let (scale, moved) = face_jump(&frame, &face.face_box, &last);
            if scale > FACE_SCALE_JUMP_MAX || moved > FACE_JUMP_MAX {
                return Self::fail(self.shared, self.state.done.len(), FailureReason::FaceChanged);
            }
        }
        self.shared.last_face = Some((t, face.face_box));
        let baseline = self.state.baseline;
        let r = self.state.smoother.push(&face, &baseline);
        // Proportions are compared only on frames that look like the calibration frames.
        let comparable = r.yaw.abs() <= super::actions::NEUTRAL_YAW
            && r.pitch.abs() <= super::actions::NEUTRAL_PITCH
            && r.mouth_opening <= MOUTH_CLOSED_DELTA;
        if comparable {
            if face.shape.difference(&baseline.shape) > SHAPE_MAX_DIFFERENCE {
                self.state.shape_mismatches += 1;
                if self.state.shape_mismatches >= SHAPE_CHANGE_FRAMES {
                    return Self::fail(self.shared, self.state.done.len(), FailureReason::FaceChanged);
                }
            } else {
                self.state.shape_mismatches = 0;
            }
        }
        let Some(expected) = self.current_action() else {
            return Step::Passed(Session {
                shared: self.shared,
                state: Passed { neutral: self.state.neutral, done: self.state.done },
            });
        };
        let completed = self.state.detectors.update(&r, t);
        let key = KeyFrame { kind: KeyFrameKind::Action(expected), frame_index: index, timestamp_ms: t };
        let score = strength(expected, &r);
        // Keep this frame only if it shows the action better than the one kept so far.
        if self.state.best.as_ref().is_none_or(|(best, _, _)| score > *best) {
            self.state.best = Some((score, key, frame));
        }
        if completed.contains(&expected) {
            // Always filled just above.
            let Some((_, key, best)) = self.state.best.take() else { return Step::Acting(self) };
            self.state.done.push((key, best));
            self.state.detectors.reset();
            return match self.current_action() {
                Some(next) => {
                    self.state.guidance = action_guidance(next);
                    Step::Acting(self)
                }
                None => Step::Passed(Session {
                    shared: self.shared,
                    state: Passed { neutral: self.state.neutral, done: self.state.done },
                }),
            };
        }
        // Blinks are involuntary (every few seconds), so a blink out of turn is never an error;
        // any other action that is not the expected one and not already done is.
        let done: Vec<Action> = self.state.done.iter().filter_map(|(k, _)| k.kind.action()).collect();
        if let Some(got) = completed.into_iter().find(|a| *a != Action::Blink && !done.contains(a)) {
            return Self::fail(
                self.shared,
                self.state.done.len(),
                FailureReason::WrongAction { expected, got },
            );
        }
        self.state.guidance = match self.state.detectors.stage(expected) {
            Stage::NeedsNeutral => Guidance::LookStraight,
            Stage::Ready | Stage::InProgress => action_guidance(expected),
            Stage::TurnedLeft => Guidance::TurnRight,
            Stage::TurnedRight => Guidance::TurnLeft,
            Stage::HeadDown => Guidance::RaiseHead,
        };
        Step::Acting(self)
    }
}

impl Session<Passed> {
    /// The key frames: the neutral one first, then one per action in order.
    pub fn key_frames(&self) -> impl Iterator<Item = (&KeyFrame, &Frame)> {
        std::iter::once(&self.state.neutral).chain(self.state.done.iter()).map(|(k, f)| (k, f))
    }

    /// The actions done, in order.
    pub fn actions(&self) -> Vec<Action> {
        self.state.done.iter().filter_map(|(k, _)| k.kind.action()).collect()
    }

    pub(crate) fn into_parts(self) -> (Challenge, Vec<TraceEntry>, Vec<(KeyFrame, Frame)>) {
        let mut frames = vec![self.state.neutral];
        frames.extend(self.state.done);
        (self.shared.challenge, self.shared.trace, frames)
    }
}

impl Session<Failed> {
    /// Why it failed.
    pub fn reason(&self) -> FailureReason {
        self.state.reason
    }
}

impl Step {
    /// Starts a session (the same as [`Session::start`], as a `Step`).
    pub fn start(challenge: Challenge) -> Step {
        Step::Calibrating(Session::start(challenge))
    }

    /// Takes one frame and what the model saw in it. A finished session ignores further frames.
    pub fn push(self, frame: Frame, observation: &FaceObservation) -> Step {
        match self {
            Step::Calibrating(s) => s.push(frame, observation),
            Step::Acting(s) => s.push(frame, observation),
            done @ (Step::Passed(_) | Step::Failed(_)) => done,
        }
    }

    /// The frames stopped: an unfinished session fails with [`FailureReason::StreamEnded`].
    pub fn end_of_stream(self) -> Step {
        match self {
            Step::Calibrating(s) => Session::<Calibrating>::fail(s.shared, 0, FailureReason::StreamEnded),
            Step::Acting(s) => {
                let done = s.state.done.len();
                Session::<Acting>::fail(s.shared, done, FailureReason::StreamEnded)
            }
            done => done,
        }
    }

    /// What to show the user now.
    pub fn guidance(&self) -> Guidance {
        match self {
            Step::Calibrating(s) => s.guidance(),
            Step::Acting(s) => s.guidance(),
            Step::Passed(_) | Step::Failed(_) => Guidance::Done,
        }
    }

    /// Actions done of the total.
    pub fn progress(&self) -> Progress {
        match self {
            Step::Calibrating(s) => s.shared.progress(0),
            Step::Acting(s) => s.progress(),
            Step::Passed(s) => s.shared.progress(s.state.done.len()),
            Step::Failed(s) => s.shared.progress(s.state.done),
        }
    }

    /// Whether the session has finished (passed or failed).
    pub fn is_finished(&self) -> bool {
        matches!(self, Step::Passed(_) | Step::Failed(_))
    }

    /// The failure reason, if it failed.
    pub fn failure(&self) -> Option<FailureReason> {
        match self {
            Step::Failed(s) => Some(s.reason()),
            _ => None,
        }
    }
}
