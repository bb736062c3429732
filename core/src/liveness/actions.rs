//! The four actions of the challenge, the per-user baseline they are measured against, the
//! temporal smoothing, and one small detector per action.
//!
//! Every threshold is relative to the user's own neutral frames (their [`Baseline`]): eye and
//! mouth shapes and the resting head pose differ between people and between a face model's
//! estimates of them, so absolute values would fail some people and pass others' resting faces.

use std::collections::VecDeque;

use super::guidance::Guidance;
use super::observation::{FaceMeasures, FaceShape, median};

/// One thing the user is asked to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Action {
    /// Close both eyes, then open them (眨眼).
    Blink,
    /// Open the mouth wide (张嘴).
    MouthOpen,
    /// Turn the head to one side and to the other (摇头).
    ShakeHead,
    /// Tip the head down and back up (点头).
    Nod,
}

impl Action {
    /// All four, in a fixed order.
    pub const ALL: [Action; 4] = [Action::Blink, Action::MouthOpen, Action::ShakeHead, Action::Nod];

    /// What the user is first told to do for this action.
    pub fn guidance(self) -> Guidance {
        match self {
            Action::Blink => Guidance::Blink,
            Action::MouthOpen => Guidance::OpenMouth,
            Action::ShakeHead => Guidance::ShakeHead,
            Action::Nod => Guidance::Nod,
        }
    }

    /// The stable name used on the wire and in the evidence (`blink`, `mouth`, `shake`, `nod`).
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Blink => "blink",
            Action::MouthOpen => "mouth",
            Action::ShakeHead => "shake",
            Action::Nod => "nod",
        }
    }

    /// Parses [`Action::as_str`].
    pub fn parse(name: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.as_str() == name)
    }

    /// The small integer written into the evidence.
    pub fn code(self) -> u8 {
        match self {
            Action::Blink => 1,
            Action::MouthOpen => 2,
            Action::ShakeHead => 3,
            Action::Nod => 4,
        }
    }

    /// Reads [`Action::code`].
    pub fn from_code(code: u64) -> Option<Action> {
        Action::ALL.into_iter().find(|a| u64::from(a.code()) == code)
    }
}

// ---- thresholds -------------------------------------------------------------------------------

/// Neutral frames averaged (by median) into the baseline. Five frames at 10–30 fps is a sixth to
/// half a second of a still face: enough for the median to drop a stray frame.
pub const CALIBRATION_FRAMES: usize = 5;
/// How much the head may move across the calibration frames (degrees, max − min of yaw and of
/// pitch). More, and the user was not still, so the "neutral" pose would be wrong.
pub const CALIBRATION_MAX_POSE_SPREAD: f32 = 6.0;
/// Calibration frames must show the eyes open: an eye aspect ratio under this is a closed or
/// nearly closed eye whatever the person (open eyes measure about 0.2–0.35).
pub const CALIBRATION_MIN_EAR: f32 = 0.15;
/// Calibration frames must show the mouth about closed: above this inner-lip ratio the mouth is
/// visibly open (closed lips measure under 0.05; a broad toothy smile reaches about 0.2).
pub const CALIBRATION_MAX_MAR: f32 = 0.25;
/// Frames in the median filter of mouth and head-pose measures: a median of three removes a
/// single-frame outlier of the mesh (jitter, a hand passing) and delays the signal by one frame.
/// The eyes are not filtered: a blink lasts 100–300 ms, one to three frames at 10 fps, and a
/// median would erase it; the blink detector asks both eyes to agree instead.
pub const SMOOTHING_FRAMES: usize = 3;

/// Head pose counted as "facing the camera" for the eye and mouth actions: within this many
/// degrees of the baseline yaw. Turning the head foreshortens the eye and the mouth, which would
/// otherwise fake a blink or hide an open mouth.
pub const NEUTRAL_YAW: f32 = 12.0;
/// The same for pitch: tipping the head down lowers the visible eyelid opening like a blink.
pub const NEUTRAL_PITCH: f32 = 10.0;

/// An eye counts as closed under this fraction of its own baseline aspect ratio. A closed eye
/// measures about a third of its open value; squinting and smiling stay above about 0.7.
pub const BLINK_CLOSED_RATIO: f32 = 0.6;
/// An eye counts as open again above this fraction of its baseline (a hysteresis gap above
/// [`BLINK_CLOSED_RATIO`], so jitter around one value does not count as a blink).
pub const BLINK_OPEN_RATIO: f32 = 0.8;
/// Frames with both eyes open that must come before the closing (the detector is armed only by
/// open eyes, so eyes already shut when the step starts are not a blink).
pub const BLINK_ARM_FRAMES: usize = 2;
/// The longest closure that is still a blink on request (a deliberate blink is slower than a
/// spontaneous one, 100–400 ms; two seconds of closed eyes is not a blink).
pub const BLINK_MAX_CLOSED_MS: u64 = 2000;

/// The mouth counts as open when its (smoothed) aspect ratio is this much above the baseline.
/// A mouth opened on request ("ah") measures 0.5–0.8; a toothy smile adds 0.1–0.2 at most.
pub const MOUTH_OPEN_DELTA: f32 = 0.30;
/// …and when the mouth is at most this much wider than at rest (mouth width / eye distance). A
/// smile pulls the lip corners out by 15–30 %; a dropping jaw keeps or narrows the width. This is
/// the guard against a wide grin passing for an open mouth.
pub const MOUTH_MAX_WIDENING: f32 = 1.10;
/// The mouth must stay open this long (and over at least two frames): a held opening, not a
/// one-frame spike of the mesh.
pub const MOUTH_OPEN_MIN_MS: u64 = 300;
/// The mouth counts as closed (arming the detector) within this of the baseline ratio.
pub const MOUTH_CLOSED_DELTA: f32 = 0.12;

/// A head shake must turn this many degrees from the baseline yaw to each side. A deliberate
/// shake turns 20–40°; a still head wanders ±5° and talking or blinking sways it under 10°.
pub const SHAKE_YAW: f32 = 15.0;
/// The head must come within this of the baseline yaw to arm the shake detector.
pub const SHAKE_CENTRE: f32 = 8.0;
/// While shaking, pitch must stay within this of the baseline (a shake is a turn, not a tilt).
pub const SHAKE_MAX_PITCH: f32 = 15.0;
/// A nod must tip the head down this many degrees past the baseline pitch. A deliberate nod
/// tips 15–30°; reading the screen moves the head by a few degrees.
pub const NOD_PITCH: f32 = 12.0;
/// …and come back up to within this of the baseline to complete.
pub const NOD_RETURN: f32 = 6.0;
/// While nodding, yaw must stay within this of the baseline (a nod faces the camera).
pub const NOD_MAX_YAW: f32 = 15.0;

// ---- helpers ----------------------------------------------------------------------------------

/// The user's neutral face: the median of each measure over the calibration frames.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Baseline {
    /// Left eye aspect ratio at rest.
    pub left_eye_aspect_ratio: f32,
    /// Right eye aspect ratio at rest.
    pub right_eye_aspect_ratio: f32,
    /// Mouth aspect ratio at rest.
    pub mouth_aspect_ratio: f32,
    /// Mouth width ratio at rest.
    pub mouth_width_ratio: f32,
    /// Yaw at rest (the model's offset for this face).
    pub yaw_degrees: f32,
    /// Pitch at rest.
    pub pitch_degrees: f32,
    /// Face proportions at rest.
    pub shape: FaceShape,
}

/// Why a set of frames is not a usable calibration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CalibrationIssue {
    /// Not enough frames yet.
    TooFew,
    /// The head moved during calibration.
    Moving,
    /// Eyes closed or mouth open during calibration.
    NotNeutral,
}

impl Baseline {
    /// The baseline of the last [`CALIBRATION_FRAMES`] frames.
    pub(crate) fn calibrate(frames: &[FaceMeasures]) -> Result<Baseline, CalibrationIssue> {
        let start = frames.len().checked_sub(CALIBRATION_FRAMES).ok_or(CalibrationIssue::TooFew)?;
        let frames = frames.get(start..).ok_or(CalibrationIssue::TooFew)?;
        let spread = |get: fn(&FaceMeasures) -> f32| {
            let (lo, hi) =
                frames.iter().map(get).fold((f32::MAX, f32::MIN), |(lo, hi), v| (lo.min(v), hi.max(v)));
            hi - lo
        };
        if spread(|f| f.yaw_degrees) > CALIBRATION_MAX_POSE_SPREAD
            || spread(|f| f.pitch_degrees) > CALIBRATION_MAX_POSE_SPREAD
        {
            return Err(CalibrationIssue::Moving);
        }
        let med = |get: fn(&FaceMeasures) -> f32| {
            median(&frames.iter().map(get).collect::<Vec<_>>()).ok_or(CalibrationIssue::TooFew)
        };
        let shapes: Vec<FaceShape> = frames.iter().map(|f| f.shape).collect();
        let baseline = Baseline {
            left_eye_aspect_ratio: med(|f| f.left_eye_aspect_ratio)?,
            right_eye_aspect_ratio: med(|f| f.right_eye_aspect_ratio)?,
            mouth_aspect_ratio: med(|f| f.mouth_aspect_ratio)?,
            mouth_width_ratio: med(|f| f.mouth_width_ratio)?,
            yaw_degrees: med(|f| f.yaw_degrees)?,
            pitch_degrees: med(|f| f.pitch_degrees)?,
            shape: FaceShape::median(&shapes).ok_or(CalibrationIssue::TooFew)?,
        };
        if baseline.left_eye_aspect_ratio < CALIBRATION_MIN_EAR
            || baseline.right_eye_aspect_ratio < CALIBRATION_MIN_EAR
            || baseline.mouth_aspect_ratio > CALIBRATION_MAX_MAR
        {
            return Err(CalibrationIssue::NotNeutral);
        }
        Ok(baseline)
    }
}

/// One frame's measures relative to the baseline, mouth and pose median-filtered.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Relative {
    /// Left eye aspect ratio / baseline (1 at rest, about 0.3 closed). Not filtered.
    pub(crate) left_eye: f32,
    /// Right eye, the same.
    pub(crate) right_eye: f32,
    /// Mouth aspect ratio − baseline.
    pub(crate) mouth_opening: f32,
    /// Mouth width ratio / baseline.
    pub(crate) mouth_widening: f32,
    /// Yaw − baseline, degrees.
    pub(crate) yaw: f32,
    /// Pitch − baseline, degrees.
    pub(crate) pitch: f32,
}

impl Relative {
    fn facing_camera(&self) -> bool {
        self.yaw.abs() <= NEUTRAL_YAW && self.pitch.abs() <= NEUTRAL_PITCH
    }
}

/// The median filter over the last [`SMOOTHING_FRAMES`] faces.
#[derive(Debug, Clone, Default)]
pub(crate) struct Smoother {
    window: VecDeque<FaceMeasures>,
}

impl Smoother {
    /// Adds a face and returns the filtered measures relative to `baseline`.
    pub(crate) fn push(&mut self, face: &FaceMeasures, baseline: &Baseline) -> Relative {
        if self.window.len() == SMOOTHING_FRAMES {
            self.window.pop_front();
        }
        self.window.push_back(*face);
        let med = |get: fn(&FaceMeasures) -> f32, now: f32| {
            median(&self.window.iter().map(get).collect::<Vec<_>>()).unwrap_or(now)
        };
        let ratio = |value: f32, base: f32| if base > 0.0 { value / base } else { 1.0 };
        Relative {
            left_eye: ratio(face.left_eye_aspect_ratio, baseline.left_eye_aspect_ratio),
            right_eye: ratio(face.right_eye_aspect_ratio, baseline.right_eye_aspect_ratio),
            mouth_opening: med(|f| f.mouth_aspect_ratio, face.mouth_aspect_ratio)
                - baseline.mouth_aspect_ratio,
            mouth_widening: ratio(
                med(|f| f.mouth_width_ratio, face.mouth_width_ratio),
                baseline.mouth_width_ratio,
            ),
            yaw: med(|f| f.yaw_degrees, face.yaw_degrees) - baseline.yaw_degrees,
            pitch: med(|f| f.pitch_degrees, face.pitch_degrees) - baseline.pitch_degrees,
        }
    }

    /// Forgets the window (after the face was lost).
    pub(crate) fn clear(&mut self) {
        self.window.clear();
    }
}

/// Where a detector is, for guidance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stage {
    /// Waiting for the neutral state that arms it (eyes open, mouth closed, head centred).
    NeedsNeutral,
    /// Armed: waiting for the action.
    Ready,
    /// Half-way: the head turned to the person's right (negative yaw) only.
    TurnedRight,
    /// Half-way: the head turned to the person's left (positive yaw) only.
    TurnedLeft,
    /// Half-way: the head is down, waiting for it to come up.
    HeadDown,
    /// Half-way: eyes closed or mouth open, waiting for it to complete.
    InProgress,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum BlinkState {
    Unarmed { open_frames: usize },
    Armed,
    Closed { since_ms: u64 },
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum MouthState {
    Unarmed,
    Armed,
    Open { since_ms: u64, frames: usize },
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum ShakeState {
    Unarmed,
    Armed { left: bool, right: bool },
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum NodState {
    Unarmed,
    Armed,
    Down,
}

/// All four detectors, run on every frame so that an action done out of turn is noticed.
#[derive(Debug, Clone)]
pub(crate) struct Detectors {
    blink: BlinkState,
    mouth: MouthState,
    shake: ShakeState,
    nod: NodState,
}

impl Default for Detectors {
    fn default() -> Self {
        Self {
            blink: BlinkState::Unarmed { open_frames: 0 },
            mouth: MouthState::Unarmed,
            shake: ShakeState::Unarmed,
            nod: NodState::Unarmed,
        }
    }
}

impl Detectors {
    /// Feeds one frame; returns the actions completed on it.
    pub(crate) fn update(&mut self, r: &Relative, t_ms: u64) -> Vec<Action> {
        let mut done = Vec::new();
        if self.update_blink(r, t_ms) {
            done.push(Action::Blink);
        }
        if self.update_mouth(r, t_ms) {
            done.push(Action::MouthOpen);
        }
        if self.update_shake(r) {
            done.push(Action::ShakeHead);
        }
        if self.update_nod(r) {
            done.push(Action::Nod);
        }
        done
    }

    /// Resets every detector to unarmed (a new step starts from a neutral face).
    pub(crate) fn reset(&mut self) {
        *self = Self::default();
    }

    fn update_blink(&mut self, r: &Relative, t_ms: u64) -> bool {
        let open = r.left_eye >= BLINK_OPEN_RATIO && r.right_eye >= BLINK_OPEN_RATIO;
        let closed = r.left_eye < BLINK_CLOSED_RATIO && r.right_eye < BLINK_CLOSED_RATIO;
        let (next, completed) = match self.blink {
            BlinkState::Unarmed { open_frames } if open && r.facing_camera() => {
                if open_frames + 1 >= BLINK_ARM_FRAMES {
                    (BlinkState::Armed, false)
                } else {
                    (BlinkState::Unarmed { open_frames: open_frames + 1 }, false)
                }
            }
            BlinkState::Unarmed { .. } => (BlinkState::Unarmed { open_frames: 0 }, false),
            BlinkState::Armed if closed && r.facing_camera() => {
                (BlinkState::Closed { since_ms: t_ms }, false)
            }
            BlinkState::Armed => (BlinkState::Armed, false),
            BlinkState::Closed { since_ms } if open => {
                let quick = t_ms.saturating_sub(since_ms) <= BLINK_MAX_CLOSED_MS;
                // The open frame after a blink already counts towards arming the next one.
                (BlinkState::Unarmed { open_frames: 1 }, quick)
            }
            BlinkState::Closed { since_ms } => (BlinkState::Closed { since_ms }, false),
        };
        self.blink = next;
        completed
    }

    fn update_mouth(&mut self, r: &Relative, t_ms: u64) -> bool {
        let open = r.mouth_opening >= MOUTH_OPEN_DELTA
            && r.mouth_widening <= MOUTH_MAX_WIDENING
            && r.yaw.abs() <= NEUTRAL_YAW
            && r.pitch.abs() <= NEUTRAL_PITCH;
        let closed = r.mouth_opening <= MOUTH_CLOSED_DELTA;
        let (next, completed) = match self.mouth {
            MouthState::Unarmed if closed => (MouthState::Armed, false),
            MouthState::Unarmed => (MouthState::Unarmed, false),
            MouthState::Armed if open => (MouthState::Open { since_ms: t_ms, frames: 1 }, false),
            MouthState::Armed => (MouthState::Armed, false),
            MouthState::Open { since_ms, frames } if open => {
                let frames = frames + 1;
                if frames >= 2 && t_ms.saturating_sub(since_ms) >= MOUTH_OPEN_MIN_MS {
                    (MouthState::Unarmed, true)
                } else {
                    (MouthState::Open { since_ms, frames }, false)
                }
            }
            MouthState::Open { .. } if closed => (MouthState::Armed, false),
            // Half-open or turned away: wait for a clear open or closed mouth again.
            MouthState::Open { .. } => (MouthState::Armed, false),
        };
        self.mouth = next;
        completed
    }

    fn update_shake(&mut self, r: &Relative) -> bool {
        let (next, completed) = match self.shake {
            ShakeState::Unarmed if r.yaw.abs() <= SHAKE_CENTRE => {
                (ShakeState::Armed { left: false, right: false }, false)
            }
            ShakeState::Unarmed => (ShakeState::Unarmed, false),
            ShakeState::Armed { left, right } => {
                let level = r.pitch.abs() <= SHAKE_MAX_PITCH;
                // Positive yaw: the face turns to the image's right, the person's left.
                let left = left || (level && r.yaw >= SHAKE_YAW);
                let right = right || (level && r.yaw <= -SHAKE_YAW);
                if left && right {
                    (ShakeState::Unarmed, true)
                } else {
                    (ShakeState::Armed { left, right }, false)
                }
            }
        };
        self.shake = next;
        completed
    }

    fn update_nod(&mut self, r: &Relative) -> bool {
        let (next, completed) = match self.nod {
            NodState::Unarmed if r.pitch.abs() <= NOD_RETURN => (NodState::Armed, false),
            NodState::Unarmed => (NodState::Unarmed, false),
            NodState::Armed if r.pitch >= NOD_PITCH && r.yaw.abs() <= NOD_MAX_YAW => (NodState::Down, false),
            NodState::Armed => (NodState::Armed, false),
            NodState::Down if r.pitch <= NOD_RETURN => (NodState::Armed, true),
            NodState::Down => (NodState::Down, false),
        };
        self.nod = next;
        completed
    }

    /// Where the detector of `action` is.
    pub(crate) fn stage(&self, action: Action) -> Stage {
        match action {
            Action::Blink => match self.blink {
                BlinkState::Unarmed { .. } => Stage::NeedsNeutral,
                BlinkState::Armed => Stage::Ready,
                BlinkState::Closed { .. } => Stage::InProgress,
            },
            Action::MouthOpen => match self.mouth {
                MouthState::Unarmed => Stage::NeedsNeutral,
                MouthState::Armed => Stage::Ready,
                MouthState::Open { .. } => Stage::InProgress,
            },
            Action::ShakeHead => match self.shake {
                ShakeState::Unarmed => Stage::NeedsNeutral,
                ShakeState::Armed { left: true, right: false } => Stage::TurnedLeft,
                ShakeState::Armed { left: false, right: true } => Stage::TurnedRight,
                ShakeState::Armed { .. } => Stage::Ready,
            },
            Action::Nod => match self.nod {
                NodState::Unarmed => Stage::NeedsNeutral,
                NodState::Armed => Stage::Ready,
                NodState::Down => Stage::HeadDown,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::liveness::observation::FaceBox;

    fn rel(eye: f32, mouth: f32, widening: f32, yaw: f32, pitch: f32) -> Relative {
        Relative { left_eye: eye, right_eye: eye, mouth_opening: mouth, mouth_widening: widening, yaw, pitch }
    }

    fn neutral() -> Relative {
        rel(1.0, 0.0, 1.0, 0.0, 0.0)
    }

    fn run(frames: &[Relative]) -> Vec<(usize, Action)> {
        let mut d = Detectors::default();
        let mut out = Vec::new();
        for (i, r) in frames.iter().enumerate() {
            for a in d.update(r, i as u64 * 100) {
                out.push((i, a));
            }
        }
        out
    }

    #[test]
    fn a_blink_is_open_closed_open_with_both_eyes() {
        let closed = rel(0.3, 0.0, 1.0, 0.0, 0.0);
        assert_eq!(run(&[neutral(), neutral(), closed, neutral()]), vec![(3, Action::Blink)]);
        // One eye only (a wink) is not a blink.
        let wink = Relative { left_eye: 0.3, ..neutral() };
        assert!(run(&[neutral(), neutral(), wink, neutral()]).is_empty());
        // Eyes already shut when the step starts: no blink until they have been open.
        assert!(run(&[closed, closed, neutral()]).is_empty());
        // Eyes shut for longer than a blink.
        let mut long = vec![neutral(), neutral()];
        long.extend(std::iter::repeat_n(closed, 25));
        long.push(neutral());
        assert!(run(&long).is_empty());
        // A dip that stays above the closed ratio (a squint) is not a blink.
        let squint = rel(0.7, 0.0, 1.0, 0.0, 0.0);
        assert!(run(&[neutral(), neutral(), squint, neutral()]).is_empty());
    }

    #[test]
    fn looking_down_is_not_a_blink() {
        let down_lids = rel(0.4, 0.0, 1.0, 0.0, 20.0);
        let found = run(&[neutral(), neutral(), down_lids, neutral()]);
        assert!(!found.iter().any(|(_, a)| *a == Action::Blink), "{found:?}");
    }

    #[test]
    fn an_open_mouth_is_held_and_a_smile_is_not_one() {
        let open = rel(1.0, 0.45, 0.95, 0.0, 0.0);
        assert_eq!(run(&[neutral(), open, open, open, open]), vec![(4, Action::MouthOpen)]);
        // One frame open is a spike, not an opening.
        assert!(run(&[neutral(), open, neutral(), neutral()]).is_empty());
        // A broad toothy grin: the mouth opens a little and widens a lot.
        let grin = rel(1.0, 0.35, 1.3, 0.0, 0.0);
        assert!(run(&[neutral(), grin, grin, grin, grin, grin]).is_empty());
        let smile = rel(1.0, 0.12, 1.25, 0.0, 0.0);
        assert!(run(&[neutral(), smile, smile, smile, smile, smile]).is_empty());
    }

    #[test]
    fn a_shake_needs_both_sides() {
        let left = rel(1.0, 0.0, 1.0, 25.0, 0.0);
        let right = rel(1.0, 0.0, 1.0, -25.0, 0.0);
        assert_eq!(run(&[neutral(), left, neutral(), right]), vec![(3, Action::ShakeHead)]);
        assert!(run(&[neutral(), left, neutral(), left]).is_empty());
        let small = rel(1.0, 0.0, 1.0, 10.0, 0.0);
        assert!(run(&[neutral(), small, neutral(), rel(1.0, 0.0, 1.0, -10.0, 0.0)]).is_empty());
    }

    #[test]
    fn a_nod_goes_down_then_up() {
        let down = rel(1.0, 0.0, 1.0, 0.0, 20.0);
        let found = run(&[neutral(), down, down, neutral()]);
        assert_eq!(found, vec![(3, Action::Nod)]);
        // Looking up and back is not a nod.
        let up = rel(1.0, 0.0, 1.0, 0.0, -20.0);
        assert!(run(&[neutral(), up, neutral()]).is_empty());
        // Down without coming back up is not done yet.
        let mut d = Detectors::default();
        for (i, r) in [neutral(), down].iter().enumerate() {
            assert!(d.update(r, i as u64).is_empty());
        }
        assert_eq!(d.stage(Action::Nod), Stage::HeadDown);
    }

    #[test]
    fn calibration_needs_still_open_eyes_and_closed_mouth() {
        let face = FaceMeasures {
            face_box: FaceBox { x: 0.3, y: 0.3, width: 0.4, height: 0.4 },
            left_eye_aspect_ratio: 0.3,
            right_eye_aspect_ratio: 0.28,
            mouth_aspect_ratio: 0.02,
            mouth_width_ratio: 0.8,
            yaw_degrees: 4.0,
            pitch_degrees: -3.0,
            roll_degrees: 0.0,
            shape: FaceShape([1.0; 6]),
        };
        let frames = vec![face; CALIBRATION_FRAMES];
        let b = Baseline::calibrate(&frames).expect("calibrates");
        assert_eq!(b.yaw_degrees, 4.0);
        assert_eq!(Baseline::calibrate(&frames[1..]), Err(CalibrationIssue::TooFew));
        let mut moving = frames.clone();
        moving[2].yaw_degrees = 20.0;
        assert_eq!(Baseline::calibrate(&moving), Err(CalibrationIssue::Moving));
        let closed: Vec<_> =
            frames.iter().map(|f| FaceMeasures { left_eye_aspect_ratio: 0.05, ..*f }).collect();
        assert_eq!(Baseline::calibrate(&closed), Err(CalibrationIssue::NotNeutral));
    }

    #[test]
    fn smoothing_removes_a_single_frame_spike() {
        let face = FaceMeasures {
            face_box: FaceBox { x: 0.3, y: 0.3, width: 0.4, height: 0.4 },
            left_eye_aspect_ratio: 0.3,
            right_eye_aspect_ratio: 0.3,
            mouth_aspect_ratio: 0.02,
            mouth_width_ratio: 0.8,
            yaw_degrees: 0.0,
            pitch_degrees: 0.0,
            roll_degrees: 0.0,
            shape: FaceShape([1.0; 6]),
        };
        let baseline = Baseline::calibrate(&vec![face; CALIBRATION_FRAMES]).expect("calibrates");
        let mut s = Smoother::default();
        s.push(&face, &baseline);
        s.push(&face, &baseline);
        let spike = FaceMeasures { yaw_degrees: 40.0, mouth_aspect_ratio: 0.6, ..face };
        let r = s.push(&spike, &baseline);
        assert_eq!(r.yaw, 0.0);
        assert!(r.mouth_opening.abs() < 1e-6);
    }

    #[test]
    fn names_and_codes_round_trip() {
        for a in Action::ALL {
            assert_eq!(Action::parse(a.as_str()), Some(a));
            assert_eq!(Action::from_code(u64::from(a.code())), Some(a));
        }
        assert_eq!(Action::parse("wink"), None);
    }
}
