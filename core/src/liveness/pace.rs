//! The rules of a server-paced liveness check (issue 15, finding 1), without frames, models or
//! clocks of their own: the backend measures every streamed frame itself and feeds the
//! observations here with the time it received each batch on its own clock.
//!
//! Why: a check judged from evidence the device assembles (a trace and a few key frames) can be
//! answered by stills edited once and re-signed under every new nonce. Paced by the server, the
//! device cannot know the next action before the server has seen the previous one done in the
//! stream, so every action must be performed after it was revealed, in real time:
//!
//! | rule | refused as |
//! |---|---|
//! | capture times strictly increase, frame after frame and batch after batch | [`PaceFailure::OutOfOrder`] |
//! | no pause longer than [`MAX_FRAME_GAP_MS`] between frames, nor [`MAX_BATCH_GAP_MS`] between batches on the server's clock | [`PaceFailure::Stopped`] |
//! | the device's clock does not run ahead of the server's: the capture span since the first frame is at most the receive span plus [`CLOCK_SLACK_MS`] (a recording cannot be pushed faster than it was filmed) | [`PaceFailure::ClockAhead`] |
//! | an action is seen done no sooner than [`MIN_REACTION_MS`] after the server revealed it | [`PaceFailure::TooFast`] |
//! | frames captured before an action was revealed never count towards it | (ignored, apart from order and pauses) |
//! | the whole check within the challenge's time limit on the server's clock | [`PaceFailure::Timeout`] |
//! | the acting rules of the device's own session: one face, no jumps, proportions kept, actions in the order asked (`track.rs`) | [`PaceFailure::SeveralFaces`], [`PaceFailure::FaceLost`], [`PaceFailure::FaceChanged`], [`PaceFailure::WrongAction`] |
//!
//! What this cannot judge, the backend adds with the face models: the same person in the
//! neutral frame and every action's key frame, and the neutral frame against the registry photo
//! ([`PacedPass`] names those frames).

use super::actions::{Action, Baseline, CALIBRATION_FRAMES};
use super::observation::{FaceMeasures, FaceObservation};
use super::track::{ActionTrack, TrackFailure, Tracked, face_jumped};

/// The least time between the server revealing an action and the batch showing it done arriving:
/// a person's simple reaction time is about 200–250 ms, and an action then takes longer still,
/// while the device also needs a round trip.
pub const MIN_REACTION_MS: u64 = 400;
/// The longest pause between two streamed frames (device capture times): a stream paused longer
/// has stopped (the face-lost limit of the session, [`super::FACE_LOST_MAX_MS`], is the same).
pub const MAX_FRAME_GAP_MS: u64 = 1_000;
/// The longest the server waits for the next batch on its own clock.
pub const MAX_BATCH_GAP_MS: u64 = 3_000;
/// How far the device's capture clock may run ahead of the server's receive clock over a check
/// (batching and network jitter; not a recording replayed faster than it was filmed).
pub const CLOCK_SLACK_MS: u64 = 700;

/// One streamed frame as the server saw it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PacedFrame {
    /// When the device says it captured the frame, on the device's clock (ms).
    pub captured_ms: u64,
    /// When the server received the frame's batch, on the server's clock (ms since the epoch).
    pub received_ms: u64,
    /// What the server's own models measured on the frame's pixels.
    pub observation: FaceObservation,
}

/// Why a paced check failed; for the server's log (it names a rule, never a value).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PaceFailure {
    /// A frame's capture time is not after the one before it.
    #[error("frames out of order")]
    OutOfOrder,
    /// The stream paused longer than allowed.
    #[error("the stream stopped")]
    Stopped,
    /// The device's capture clock ran ahead of the server's clock.
    #[error("frames captured faster than real time")]
    ClockAhead,
    /// An action was shown done sooner after its reveal than a person can react.
    #[error("an action answered faster than a person can")]
    TooFast,
    /// The check took longer than its time limit on the server's clock.
    #[error("out of time")]
    Timeout,
    /// The calibration frames never settled into one neutral face.
    #[error("no neutral face to start from")]
    Calibration,
    /// More than one face.
    #[error("several faces")]
    SeveralFaces,
    /// The face was lost for too long.
    #[error("face lost")]
    FaceLost,
    /// The face jumped or its proportions changed: another face.
    #[error("face changed")]
    FaceChanged,
    /// Another action was done than the one revealed.
    #[error("wrong action")]
    WrongAction,
    /// The check has no action left yet has not passed (never expected).
    #[error("the check is over")]
    Over,
}

impl From<TrackFailure> for PaceFailure {
    fn from(f: TrackFailure) -> Self {
        match f {
            TrackFailure::SeveralFaces => PaceFailure::SeveralFaces,
            TrackFailure::FaceLost => PaceFailure::FaceLost,
            TrackFailure::Jumped | TrackFailure::ShapeChanged => PaceFailure::FaceChanged,
            TrackFailure::WrongAction { .. } => PaceFailure::WrongAction,
        }
    }
}

/// What the device is told after a batch.
#[derive(Debug, Clone, PartialEq)]
pub enum Paced {
    /// Keep looking straight at the camera: no neutral face yet.
    Calibrating,
    /// Perform this action (the `step`-th, from 1); revealed now if it was not before.
    Act {
        /// The action.
        action: Action,
        /// Its place in the challenge, from 1.
        step: u8,
    },
    /// Every action was seen done in time; the face matches remain.
    Passed(PacedPass),
}

/// A paced check whose rules passed: the frames the backend matches faces on (stream indices,
/// from 0, in the order received).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PacedPass {
    /// The last calibration frame: matched against the registry photo.
    pub neutral: u64,
    /// Each action and the frame that shows it best: each matched against the neutral one.
    pub key_frames: Vec<(Action, u64)>,
}

enum State {
    Calibrating { window: Vec<FaceMeasures>, last: Option<FaceMeasures> },
    Acting { track: Box<ActionTrack>, key_frames: Vec<(Action, u64)> },
    Passed(PacedPass),
    Failed(PaceFailure),
}

/// A server-paced check: fed each batch's frames, then asked what to tell the device.
pub struct PacedCheck {
    actions: Vec<Action>,
    time_limit_ms: u64,
    opened_ms: u64,
    state: State,
    neutral: u64,
    next_index: u64,
    /// The first frame's capture and receive times.
    first: Option<(u64, u64)>,
    /// The last frame's capture and receive times.
    last: Option<(u64, u64)>,
    /// When the current action was revealed (server clock); `None` while it still awaits its
    /// reveal (frames until then do not count towards it).
    revealed_ms: Option<u64>,
    /// When the server last answered (server clock): the pause before the next batch counts
    /// from then, so that the server's own time measuring a batch is not the device's pause.
    answered_ms: Option<u64>,
}

impl std::fmt::Debug for PacedCheck {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PacedCheck").field("frames", &self.next_index).finish_non_exhaustive()
    }
}

impl PacedCheck {
    /// A check of `actions` in this order within `time_limit_ms`, opened at `opened_ms` on the
    /// server's clock.
    pub fn new(actions: &[Action], time_limit_ms: u64, opened_ms: u64) -> Self {
        Self {
            actions: actions.to_vec(),
            time_limit_ms,
            opened_ms,
            state: State::Calibrating { window: Vec::new(), last: None },
            neutral: 0,
            next_index: 0,
            first: None,
            last: None,
            revealed_ms: None,
            answered_ms: None,
        }
    }

    /// The frames the face match will need, as far as they are known now (stream indices): the
    /// neutral frame once calibrated, then each action's key frame so far. A server keeps these
    /// frames' pictures; every other frame before the last of them can be let go.
    pub fn chosen_frames(&self) -> Vec<u64> {
        match &self.state {
            State::Acting { key_frames, .. } => {
                std::iter::once(self.neutral).chain(key_frames.iter().map(|(_, i)| *i)).collect()
            }
            State::Passed(pass) => {
                std::iter::once(pass.neutral).chain(pass.key_frames.iter().map(|(_, i)| *i)).collect()
            }
            State::Calibrating { .. } | State::Failed(_) => Vec::new(),
        }
    }

    /// Takes one streamed frame.
    ///
    /// # Errors
    /// The rule it broke; the check stays failed.
    pub fn push(&mut self, frame: &PacedFrame) -> Result<(), PaceFailure> {
        let result = self.take(frame);
        if let Err(failure) = result {
            self.state = State::Failed(failure);
        }
        result
    }

    fn take(&mut self, frame: &PacedFrame) -> Result<(), PaceFailure> {
        match &self.state {
            State::Failed(f) => return Err(*f),
            // Frames the device sent before it was told: nothing more to see.
            State::Passed(_) => return Ok(()),
            _ => {}
        }
        self.timing(frame)?;
        let index = self.next_index;
        self.next_index += 1;
        let o = &frame.observation;
        match &mut self.state {
            State::Calibrating { window, last } => {
                let Some(face) = o.usable_face().filter(|_| o.face_count == 1) else {
                    window.clear();
                    return Ok(());
                };
                if last.is_some_and(|l| face_jumped(&l.face_box, &face.face_box)) {
                    window.clear();
                }
                *last = Some(*face);
                window.push(*face);
                if window.len() > CALIBRATION_FRAMES {
                    window.remove(0);
                }
                if let Ok(baseline) = Baseline::calibrate(window) {
                    let track = ActionTrack::new(&self.actions, baseline, face, frame.captured_ms);
                    self.neutral = index;
                    self.revealed_ms = None;
                    self.state = State::Acting { track: Box::new(track), key_frames: Vec::new() };
                }
                Ok(())
            }
            State::Acting { track, key_frames } => {
                let Some(revealed) = self.revealed_ms else {
                    // Captured before the device could know the action: order and pauses only.
                    return Ok(());
                };
                let face = o.usable_face();
                match track.push(index, frame.captured_ms, o.face_count, face)? {
                    Tracked::Completed { action, key_index, .. } => {
                        if frame.received_ms < revealed.saturating_add(MIN_REACTION_MS) {
                            return Err(PaceFailure::TooFast);
                        }
                        key_frames.push((action, key_index));
                        self.revealed_ms = None;
                        if track.current_action().is_none() {
                            let pass =
                                PacedPass { neutral: self.neutral, key_frames: std::mem::take(key_frames) };
                            self.state = State::Passed(pass);
                        }
                        Ok(())
                    }
                    _ => Ok(()),
                }
            }
            State::Passed(_) | State::Failed(_) => Err(PaceFailure::Over),
        }
    }

    /// Order, pauses, the device's clock against the server's, and the time limit.
    fn timing(&mut self, frame: &PacedFrame) -> Result<(), PaceFailure> {
        if frame.received_ms.saturating_sub(self.opened_ms) > self.time_limit_ms {
            return Err(PaceFailure::Timeout);
        }
        if let Some((captured, received)) = self.last {
            if frame.captured_ms <= captured || frame.received_ms < received {
                return Err(PaceFailure::OutOfOrder);
            }
            if frame.captured_ms - captured > MAX_FRAME_GAP_MS
                || frame.received_ms.saturating_sub(self.answered_ms.map_or(received, |a| a.max(received)))
                    > MAX_BATCH_GAP_MS
            {
                return Err(PaceFailure::Stopped);
            }
        }
        let (first_captured, first_received) =
            *self.first.get_or_insert((frame.captured_ms, frame.received_ms));
        let captured_span = frame.captured_ms - first_captured;
        let received_span = frame.received_ms.saturating_sub(first_received);
        if captured_span > received_span + CLOCK_SLACK_MS {
            return Err(PaceFailure::ClockAhead);
        }
        self.last = Some((frame.captured_ms, frame.received_ms));
        Ok(())
    }

    /// What to tell the device now, at `now_ms` on the server's clock (after a batch, or when
    /// it asks): an action not revealed yet is revealed now.
    ///
    /// # Errors
    /// The failure, once failed; [`PaceFailure::Timeout`] past the time limit and
    /// [`PaceFailure::Stopped`] when no batch came for [`MAX_BATCH_GAP_MS`].
    pub fn answer(&mut self, now_ms: u64) -> Result<Paced, PaceFailure> {
        self.answer_at(now_ms, now_ms)
    }

    /// As [`PacedCheck::answer`], for a server that took time to measure the batch: the time
    /// limit and pauses are judged at `received_ms`, when the batch came, and an action not
    /// revealed yet is revealed at `answered_ms`, when the answer leaves (the device cannot
    /// have seen it sooner; the reaction time counts from then, as does the pause before the
    /// next batch).
    ///
    /// # Errors
    /// As [`PacedCheck::answer`].
    pub fn answer_at(&mut self, received_ms: u64, answered_ms: u64) -> Result<Paced, PaceFailure> {
        let now_ms = received_ms;
        self.answered_ms = Some(answered_ms.max(received_ms));
        if let State::Failed(f) = self.state {
            return Err(f);
        }
        if let State::Passed(pass) = &self.state {
            return Ok(Paced::Passed(pass.clone()));
        }
        let late = if now_ms.saturating_sub(self.opened_ms) > self.time_limit_ms {
            Some(PaceFailure::Timeout)
        } else if self.last.is_some_and(|(_, received)| now_ms.saturating_sub(received) > MAX_BATCH_GAP_MS) {
            Some(PaceFailure::Stopped)
        } else {
            None
        };
        if let Some(failure) = late {
            self.state = State::Failed(failure);
            return Err(failure);
        }
        match &self.state {
            State::Acting { track, .. } => {
                let Some(action) = track.current_action() else { return Err(PaceFailure::Over) };
                if self.revealed_ms.is_none() {
                    self.revealed_ms = Some(answered_ms.max(now_ms));
                }
                Ok(Paced::Act { action, step: track.step() })
            }
            _ => Ok(Paced::Calibrating),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::tests::{act, calibration, neutral, repeat};
    use super::*;

    const OPENED: u64 = 1_000_000;
    const LIMIT: u64 = 60_000;
    const ORDER: [Action; 3] = [Action::Blink, Action::MouthOpen, Action::Nod];

    /// A device streaming 10 frames a second in batches, the server answering each batch.
    struct Device {
        check: PacedCheck,
        /// Device clock: the next capture time.
        captured: u64,
        /// Server clock.
        now: u64,
        told: Paced,
    }

    impl Device {
        fn new() -> Self {
            Self {
                check: PacedCheck::new(&ORDER, LIMIT, OPENED),
                captured: 5_000,
                now: OPENED,
                told: Paced::Calibrating,
            }
        }

        /// Sends `observations` as one batch filmed in real time, arriving when the last is filmed.
        fn batch(&mut self, observations: &[FaceObservation]) -> Result<Paced, PaceFailure> {
            let arrives = self.now + 100 * observations.len() as u64;
            for o in observations {
                self.check.push(&PacedFrame {
                    captured_ms: self.captured,
                    received_ms: arrives,
                    observation: *o,
                })?;
                self.captured += 100;
            }
            self.now = arrives;
            self.told = self.check.answer(self.now)?;
            Ok(self.told.clone())
        }

        /// Performs what it was told, in batches of 5 frames.
        fn perform(&mut self) -> Result<Paced, PaceFailure> {
            let frames = match self.told {
                Paced::Calibrating => calibration(),
                Paced::Act { action, .. } => act(action),
                Paced::Passed(_) => return Ok(self.told.clone()),
            };
            for chunk in frames.chunks(5) {
                self.batch(chunk)?;
            }
            Ok(self.told.clone())
        }
    }

    #[test]
    fn a_person_following_each_revealed_action_passes() {
        let mut d = Device::new();
        let mut revealed = Vec::new();
        for _ in 0..10 {
            if let Paced::Act { action, .. } = d.perform().expect("each step") {
                revealed.push(action);
            }
            if matches!(d.told, Paced::Passed(_)) {
                break;
            }
        }
        let Paced::Passed(pass) = &d.told else { panic!("expected a pass, got {:?}", d.told) };
        assert_eq!(pass.key_frames.iter().map(|(a, _)| *a).collect::<Vec<_>>(), ORDER.to_vec());
        assert!(pass.key_frames.iter().all(|(_, i)| *i > pass.neutral));
        assert_eq!(revealed[0], Action::Blink, "the first action is revealed after calibration only");
    }

    #[test]
    fn every_action_performed_before_it_is_revealed_counts_for_nothing() {
        // A recording of all three actions, streamed in real time straight after calibration:
        // the device could not know the second and third actions, so they are not seen done.
        let mut d = Device::new();
        d.perform().expect("calibrates");
        let recorded = [act(Action::Blink), act(Action::MouthOpen), act(Action::Nod)].concat();
        let told = d.batch(&recorded).expect("a batch");
        assert_eq!(told, Paced::Act { action: Action::MouthOpen, step: 2 }, "only the blink counted");
    }

    #[test]
    fn an_action_seen_done_sooner_than_a_person_reacts_fails() {
        let mut d = Device::new();
        d.perform().expect("calibrates");
        // The blink arrives 200 ms after the reveal: filmed before the instruction could be seen.
        let blink = act(Action::Blink);
        let mut failure = None;
        for o in &blink {
            let pushed = d.check.push(&PacedFrame {
                captured_ms: d.captured,
                received_ms: d.now + 200,
                observation: *o,
            });
            d.captured += 30;
            if let Err(f) = pushed {
                failure = Some(f);
                break;
            }
        }
        assert_eq!(failure, Some(PaceFailure::TooFast));
    }

    #[test]
    fn frames_out_of_order_a_stream_that_stops_and_a_fast_clock_fail() {
        let mut d = Device::new();
        d.perform().expect("calibrates");
        let at = |captured_ms, received_ms| PacedFrame { captured_ms, received_ms, observation: neutral() };
        let (c, n) = (d.captured, d.now);
        let mut out_of_order = PacedCheck::new(&ORDER, LIMIT, OPENED);
        out_of_order.push(&at(c, n)).expect("first");
        assert_eq!(out_of_order.push(&at(c - 100, n)), Err(PaceFailure::OutOfOrder));
        assert_eq!(out_of_order.push(&at(c + 100, n)), Err(PaceFailure::OutOfOrder), "failed stays failed");

        let mut paused = PacedCheck::new(&ORDER, LIMIT, OPENED);
        paused.push(&at(c, n)).expect("first");
        assert_eq!(paused.push(&at(c + 1_500, n + 1_500)), Err(PaceFailure::Stopped));
        let mut silent = PacedCheck::new(&ORDER, LIMIT, OPENED);
        silent.push(&at(c, n)).expect("first");
        assert_eq!(silent.answer(n + MAX_BATCH_GAP_MS + 1), Err(PaceFailure::Stopped));

        // Five seconds of frames arriving within one second: a recording pushed faster than filmed.
        let mut fast = PacedCheck::new(&ORDER, LIMIT, OPENED);
        let result = (0..50u64).try_for_each(|i| fast.push(&at(c + i * 100, n + i * 20)));
        assert_eq!(result, Err(PaceFailure::ClockAhead));

        let mut late = PacedCheck::new(&ORDER, LIMIT, OPENED);
        assert_eq!(late.push(&at(c, OPENED + LIMIT + 1)), Err(PaceFailure::Timeout));
    }

    #[test]
    fn the_servers_own_time_measuring_a_batch_is_not_a_pause_of_the_device() {
        let at = |captured_ms, received_ms| PacedFrame { captured_ms, received_ms, observation: neutral() };
        let mut check = PacedCheck::new(&ORDER, LIMIT, OPENED);
        check.push(&at(5_000, OPENED)).expect("first");
        // Four seconds measuring the batch, then the next batch half a second after the answer.
        check.answer_at(OPENED, OPENED + 4_000).expect("answered");
        check.push(&at(5_100, OPENED + 4_500)).expect("not a stopped stream");
        // Without the answer's time, the same batch is a stopped stream.
        let mut unanswered = PacedCheck::new(&ORDER, LIMIT, OPENED);
        unanswered.push(&at(5_000, OPENED)).expect("first");
        assert_eq!(unanswered.push(&at(5_100, OPENED + 4_500)), Err(PaceFailure::Stopped));
    }

    #[test]
    fn a_static_photo_is_told_its_first_action_and_never_passes() {
        let mut d = Device::new();
        d.perform().expect("a photo calibrates");
        let mut last = Ok(d.told.clone());
        while d.now < OPENED + LIMIT {
            last = d.batch(&repeat(neutral(), 10));
            if last.is_err() {
                break;
            }
            assert_eq!(last, Ok(Paced::Act { action: Action::Blink, step: 1 }), "still the first action");
        }
        assert_eq!(last, Err(PaceFailure::Timeout));
    }

    #[test]
    fn another_face_mid_stream_fails() {
        let mut d = Device::new();
        d.perform().expect("calibrates");
        d.check.answer(d.now).expect("revealed");
        let elsewhere = FaceMeasures {
            face_box: super::super::FaceBox { x: 0.0, y: 0.0, width: 0.3, height: 0.4 },
            ..*neutral().usable_face().expect("face")
        };
        let swapped = repeat(FaceObservation { face: Some(elsewhere), ..neutral() }, 1);
        assert_eq!(d.batch(&swapped), Err(PaceFailure::FaceChanged));
    }
}
