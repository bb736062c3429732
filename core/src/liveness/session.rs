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

use super::actions::{Action, Baseline, CalibrationIssue, Stage};
use super::challenge::{Challenge, FailureReason, Progress};
use super::frame::Frame;
use super::guidance::Guidance;
use super::observation::{FaceBox, FaceMeasures, FaceObservation};
use super::quality::{self, QualityIssue};
use super::record::{KeyFrame, KeyFrameKind, TraceEntry};
use super::track::{ActionTrack, Tracked, face_jumped};

/// Type state: waiting for a good, still, neutral face to calibrate on.
#[derive(Debug, Default)]
pub struct Calibrating {
    window: Vec<FaceMeasures>,
    guidance: Option<Guidance>,
    /// Where the face was in the last frame that passed the quality gate.
    last_face: Option<FaceBox>,
}

/// Type state: calibrated; the user is doing the actions in order.
#[derive(Debug)]
pub struct Acting {
    /// Action detection and continuity (shared with the backend's audit).
    track: ActionTrack,
    done: Vec<(KeyFrame, Frame)>,
    neutral: (KeyFrame, Frame),
    /// The frame that shows the current action best so far.
    best: Option<(KeyFrame, Frame)>,
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
            shared: Shared { challenge, started_ms: None, last_ms: 0, next_index: 0, trace: Vec::new() },
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
        if self.state.last_face.is_some_and(|last| face_jumped(&last, &face.face_box)) {
            self.state.window.clear();
        }
        self.state.last_face = Some(face.face_box);
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
                let track =
                    ActionTrack::new(self.shared.challenge.actions(), baseline, &face, frame.timestamp_ms());
                let acting = Acting {
                    track,
                    done: Vec::new(),
                    neutral: (key, frame),
                    best: None,
                    guidance: first.map_or(Guidance::Done, Action::guidance),
                };
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

impl Session<Acting> {
    /// The action being asked for now.
    pub fn current_action(&self) -> Option<Action> {
        self.state.track.current_action()
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
        self.state.track.baseline()
    }

    fn passed(self) -> Step {
        Step::Passed(Session {
            shared: self.shared,
            state: Passed { neutral: self.state.neutral, done: self.state.done },
        })
    }

    /// Takes one frame and what the model saw in it.
    pub fn push(mut self, frame: Frame, observation: &FaceObservation) -> Step {
        let step = self.state.track.step();
        let index = match self.shared.record(&frame, observation, step) {
            Ok(index) => index,
            Err(reason) => return Self::fail(self.shared, self.state.done.len(), reason),
        };
        let t = frame.timestamp_ms();
        let expected = self.current_action();
        let tracked = self.state.track.push(index, t, observation.face_count, observation.usable_face());
        let (best, completed) = match tracked {
            Err(failure) => return Self::fail(self.shared, self.state.done.len(), failure.into()),
            Ok(Tracked::SeveralFaces) => {
                self.state.guidance = Guidance::OneFaceOnly;
                return Step::Acting(self);
            }
            Ok(Tracked::NoFace) => {
                self.state.guidance = Guidance::FaceNotFound;
                return Step::Acting(self);
            }
            Ok(Tracked::Finished) => return self.passed(),
            Ok(Tracked::Measured { best, .. }) => (best, false),
            Ok(Tracked::Completed { best, .. }) => (best, true),
        };
        let Some(expected) = expected else { return self.passed() };
        // Keep this frame only if it shows the action better than the one kept so far.
        if best {
            let key = KeyFrame { kind: KeyFrameKind::Action(expected), frame_index: index, timestamp_ms: t };
            self.state.best = Some((key, frame));
        }
        if completed {
            // Always filled: the first measured frame of a step is its best so far.
            let Some(best) = self.state.best.take() else { return Step::Acting(self) };
            self.state.done.push(best);
            return match self.current_action() {
                Some(next) => {
                    self.state.guidance = next.guidance();
                    Step::Acting(self)
                }
                None => self.passed(),
            };
        }
        self.state.guidance = match self.state.track.stage(expected) {
            Stage::NeedsNeutral => Guidance::LookStraight,
            Stage::Ready | Stage::InProgress => expected.guidance(),
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
