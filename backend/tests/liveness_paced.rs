#![allow(clippy::expect_used, clippy::panic)]
//! The server-paced check's rules (`shimin_core::liveness::pace`, issue 15 finding 1) on frames
//! the server measures itself with the real face models: every streamed frame is a JPEG that the
//! "server" decodes and runs through its own detector and mesh — the device's numbers are never
//! read. The film (`shimin_testkit::film`) plays the person; the server reveals each action only
//! after it has seen the previous one done, on its own clock.
//!
//! The same rules over HTTP, on the real server: `liveness_paced_http.rs`.

use shimin_core::liveness::pace::{MIN_REACTION_MS, PaceFailure, Paced, PacedCheck, PacedFrame};
use shimin_core::liveness::{Action, FaceObservation};
use shimin_face::LivenessObserver;
use shimin_testkit::film::{self, Shot, scene};

const ORDER: [Action; 3] = [Action::Blink, Action::MouthOpen, Action::Nod];
const LIMIT_MS: u64 = 20_000;
/// The server's clock when the check opens.
const OPENED_MS: u64 = 1_750_000_000_000;

/// The server's side of a stream: it measures each frame's pixels and applies the rules.
struct Server {
    check: PacedCheck,
    observer: LivenessObserver,
}

impl Server {
    fn new() -> Self {
        Self {
            check: PacedCheck::new(&ORDER, LIMIT_MS, OPENED_MS),
            observer: LivenessObserver::new(film::analyzer().clone()),
        }
    }

    /// Measures a streamed JPEG on the server: decoded, then the server's own models, the
    /// detector on every frame (as the judge measures key frames: nothing carried over from a
    /// crop tracked on the frame before).
    fn measure(&mut self, jpeg: &[u8], t: u64) -> FaceObservation {
        let image = film::decode(jpeg);
        self.observer.reset();
        self.observer.observe_frame(&film::frame(&image, t)).expect("the models run")
    }

    /// Takes one batch of `shots` captured from `captured_ms` at 10 frames a second, received
    /// at `received_ms`, and answers it then.
    fn batch(&mut self, shots: &[&Shot], captured_ms: u64, received_ms: u64) -> Result<Paced, PaceFailure> {
        for (i, shot) in shots.iter().enumerate() {
            let t = captured_ms + 100 * i as u64;
            let observation = self.measure(&film::jpeg(&shot.image), t);
            self.check.push(&PacedFrame { captured_ms: t, received_ms, observation })?;
        }
        self.check.answer(received_ms)
    }
}

/// A device that films what it is told, in batches of five frames sent as they are filmed.
struct Device {
    captured: u64,
    now: u64,
}

impl Device {
    fn new() -> Self {
        Self { captured: 0, now: OPENED_MS }
    }

    fn send(&mut self, server: &mut Server, shots: &[&Shot]) -> Result<Paced, PaceFailure> {
        let mut told = Ok(Paced::Calibrating);
        for chunk in shots.chunks(5) {
            let received = self.now + 100 * chunk.len() as u64;
            told = server.batch(chunk, self.captured, received);
            self.captured += 100 * chunk.len() as u64;
            self.now = received;
            told.clone()?;
        }
        told
    }
}

fn shots_of(action: Action) -> Vec<&'static Shot> {
    let s = scene();
    let n = &s.neutral;
    let a = s.action(action);
    match action {
        Action::Blink => vec![n, n, a, n, n, n],
        Action::MouthOpen => [vec![n, n], vec![a; 6], vec![n, n]].concat(),
        _ => [vec![n, n, a, a, a], vec![n; 5]].concat(),
    }
}

#[test]
fn the_film_following_each_revealed_action_passes() {
    let (mut server, mut device) = (Server::new(), Device::new());
    let mut told = device.send(&mut server, &[&scene().neutral; 5]).expect("calibrates");
    let mut revealed = Vec::new();
    while let Paced::Act { action, .. } = told {
        revealed.push(action);
        told = device.send(&mut server, &shots_of(action)).expect("performs");
    }
    assert_eq!(revealed, ORDER.to_vec(), "each action revealed after the one before was seen done");
    let Paced::Passed(pass) = told else { panic!("expected a pass") };
    assert_eq!(pass.key_frames.len(), 3);
}

#[test]
fn a_static_photo_never_gets_past_its_first_action() {
    let (mut server, mut device) = (Server::new(), Device::new());
    let photo = &scene().neutral;
    let mut told = device.send(&mut server, &[photo; 5]);
    while device.now < OPENED_MS + LIMIT_MS {
        assert_eq!(told, Ok(Paced::Act { action: Action::Blink, step: 1 }));
        told = device.send(&mut server, &[photo; 10]);
        if told.is_err() {
            break;
        }
    }
    assert_eq!(told, Err(PaceFailure::Timeout));
}

#[test]
fn a_recording_of_every_action_counts_only_the_one_revealed() {
    // Stills of a passing take, replayed as one stream right after calibration: the device
    // could not know the second and third actions, so they count for nothing.
    let (mut server, mut device) = (Server::new(), Device::new());
    device.send(&mut server, &[&scene().neutral; 5]).expect("calibrates");
    let recorded: Vec<&Shot> = ORDER.iter().flat_map(|a| shots_of(*a)).collect();
    // One batch, received as its last frame is filmed.
    let received = device.now + 100 * recorded.len() as u64;
    let told = server.batch(&recorded, device.captured, received).expect("streams");
    assert_eq!(told, Paced::Act { action: Action::MouthOpen, step: 2 });
}

#[test]
fn an_action_answered_faster_than_a_person_can_fails() {
    let (mut server, mut device) = (Server::new(), Device::new());
    device.send(&mut server, &[&scene().neutral; 5]).expect("calibrates");
    // The blink arrives within a human reaction time of its reveal.
    let early = device.now + MIN_REACTION_MS / 2;
    let told = server.batch(&shots_of(Action::Blink), device.captured, early);
    assert_eq!(told, Err(PaceFailure::TooFast));
}

#[test]
fn frames_out_of_order_fail() {
    let (mut server, mut device) = (Server::new(), Device::new());
    device.send(&mut server, &[&scene().neutral; 5]).expect("calibrates");
    let n = &scene().neutral;
    let told = server.batch(&[n], device.captured - 300, device.now + 100);
    assert_eq!(told, Err(PaceFailure::OutOfOrder));
}

#[test]
fn a_stream_that_stops_fails() {
    let (mut server, mut device) = (Server::new(), Device::new());
    device.send(&mut server, &[&scene().neutral; 5]).expect("calibrates");
    assert_eq!(
        server.check.answer(device.now + shimin_core::liveness::pace::MAX_BATCH_GAP_MS + 1),
        Err(PaceFailure::Stopped)
    );
}
