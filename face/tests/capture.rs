//! The capture driver on the test film (`shimin-testkit`): edited portraits that the real models
//! measure as a mouth opening, a nod and a blink. The first three tests were the app's
//! (`src-tauri/src/wallet/liveness.rs`) before the driver took its loop over.
#![allow(clippy::expect_used, clippy::panic)] // test code: a failed expectation is the test failing

use std::collections::VecDeque;

use shimin_core::liveness::{
    Action, Challenge, FailureReason, Frame, FrameSource, FrameSourceError, Guidance, KeyFrameKind,
};
use shimin_core::picture::{self, Limits, PictureFormat};
use shimin_face::{
    CAMERA_FAILURE, CameraError, CaptureError, CapturePhase, CaptureSource, LivenessCapture,
    LivenessObserver, SourceKind,
};
use shimin_testkit::film::{FILMABLE, FRAME_INTERVAL_MS, analyzer, frame, scene};

/// A camera in a test: the film's frames one after the other, as a desktop camera hands them
/// over, then a failure if `then_fails`.
struct FilmCamera {
    frames: VecDeque<Frame>,
    then_fails: bool,
}

impl FrameSource for FilmCamera {
    fn next_frame(&mut self) -> Result<Option<Frame>, FrameSourceError> {
        match self.frames.pop_front() {
            Some(frame) => Ok(Some(frame)),
            None if self.then_fails => Err(FrameSourceError::Unavailable("unplugged".into())),
            None => Ok(None),
        }
    }
}

const ORDER: [Action; 3] = [Action::MouthOpen, Action::Nod, Action::Blink];

fn start(order: &[Action], source: CaptureSource) -> LivenessCapture {
    let challenge = Challenge::new(vec![7; 16], order.to_vec(), 60_000).expect("a challenge");
    LivenessCapture::start(challenge, LivenessObserver::new(analyzer().clone()), source)
}

fn film(order: &[Action]) -> VecDeque<Frame> {
    let shots = scene().take(order);
    shots.iter().enumerate().map(|(i, s)| frame(&s.image, i as u64 * FRAME_INTERVAL_MS)).collect()
}

fn camera(frames: VecDeque<Frame>, then_fails: bool) -> Box<FilmCamera> {
    Box::new(FilmCamera { frames, then_fails })
}

/// A desktop camera's frames are tracked from one to the next (not measured afresh like a
/// recording's). The film is stills, and its closed-eye still is at the edge of what a blink
/// needs (see `shimin_testkit::film`): tracked, it does not count, so this camera shows the mouth
/// and the nod, and is then unplugged.
#[test]
fn a_desktop_camera_moves_the_check_on_shows_a_preview_and_is_released_when_it_fails() {
    let frames = film(&[Action::MouthOpen, Action::Nod]);
    let sent = frames.len();
    let last = frames.back().cloned().expect("a film");
    let mut capture = start(&ORDER, CaptureSource::Video(camera(frames, true)));
    for _ in 0..sent {
        capture.pull().expect("the driver reads its own camera");
        assert_eq!(capture.status().phase, CapturePhase::Capturing);
    }
    let status = capture.status();
    assert_eq!(status.done, 2, "the mouth and the nod are seen on tracked camera frames");
    assert_eq!(status.frames, sent as u64);
    assert_eq!(capture.kind(), SourceKind::Video);
    let preview = capture.preview().expect("a preview of the camera");
    assert_eq!(preview, &last, "the preview is the last frame read");
    assert!(capture.source_open(), "the camera stays open while the check runs");

    capture.pull().expect("the unplugged camera is the check's failure, not the call's");
    assert_eq!(capture.status().phase, CapturePhase::CameraFailed);
    assert_eq!(capture.status().phase.failure_key(), Some(CAMERA_FAILURE));
    assert!(matches!(capture.camera_error(), Some(CameraError::Source(FrameSourceError::Unavailable(_)))));
    assert!(!capture.source_open(), "a failed camera is released");
    capture.pull().expect("asking again reads nothing");
    assert_eq!(capture.status().phase, CapturePhase::CameraFailed);
    assert!(matches!(capture.into_evidence(), Err(CaptureError::NotPassed)));
}

#[test]
fn recorded_frames_that_run_out_fail_the_check_and_are_released() {
    let frames = film(&[Action::MouthOpen]);
    let count = frames.len();
    let mut capture = start(&ORDER, CaptureSource::Stills(camera(frames, false)));
    for _ in 0..=count {
        capture.pull().expect("pulls");
    }
    let status = capture.status();
    assert_eq!(status.done, 1);
    assert_eq!(status.phase, CapturePhase::Failed(FailureReason::StreamEnded), "the session's own failure");
    assert_ne!(status.phase.failure_key(), Some(CAMERA_FAILURE));
    assert!(capture.camera_error().is_none());
    assert!(!capture.source_open());
}

#[test]
fn frames_sent_by_the_webview_cannot_be_pulled() {
    let mut capture = start(&ORDER, CaptureSource::Pushed);
    assert_eq!(capture.pull(), Err(CaptureError::NotPulled));
    assert_eq!(capture.kind(), SourceKind::Pushed);
    assert_eq!(capture.status().phase, CapturePhase::Capturing);
}

/// Recorded stills are each measured afresh, as the backend measures key frames: the film's
/// closed eyes count as a blink there, and the whole take passes.
#[test]
fn a_recorded_take_passes_is_released_and_gives_evidence_with_jpeg_key_frames() {
    let frames = film(&FILMABLE);
    let count = frames.len();
    let mut capture = start(&FILMABLE, CaptureSource::Stills(camera(frames, false)));
    let mut pulls = 0;
    while !capture.status().phase.is_finished() {
        assert!(pulls <= count, "the take ran out: {:?}", capture.status());
        capture.pull().expect("pulls");
        pulls += 1;
    }
    let status = capture.status();
    assert_eq!(status.phase, CapturePhase::Passed, "{status:?}");
    assert_eq!((status.done, status.total, status.guidance), (3, 3, Guidance::Done));
    assert!(status.calibrated);
    assert!(!capture.source_open(), "released on the pass too");

    let evidence = capture.into_evidence().expect("evidence of a pass");
    let kinds: Vec<KeyFrameKind> = evidence.key_frames().iter().map(|f| f.key.kind).collect();
    assert_eq!(
        kinds,
        [
            KeyFrameKind::Neutral,
            KeyFrameKind::Action(Action::Blink),
            KeyFrameKind::Action(Action::MouthOpen),
            KeyFrameKind::Action(Action::Nod)
        ]
    );
    for key in evidence.key_frames() {
        let shown =
            picture::decode(key.jpeg.expose(), PictureFormat::JPEG_ONLY, Limits::STANDARD).expect("a JPEG");
        assert_eq!((shown.width(), shown.height()), scene().neutral.image.dimensions());
    }
}

/// Frames the caller pushes move the check on the same way; no preview is kept for them (the
/// webview shows its own video), and a check that has ended takes no more frames.
#[test]
fn pushed_frames_move_the_check_on_without_a_preview_and_an_ended_check_ignores_more() {
    let mut capture = start(&[Action::MouthOpen, Action::Nod, Action::Blink], CaptureSource::Pushed);
    let mut pushed = 0;
    for frame in film(&[Action::MouthOpen]) {
        capture.push(frame);
        pushed += 1;
    }
    let status = capture.status();
    assert_eq!((status.done, status.frames, status.phase), (1, pushed, CapturePhase::Capturing));
    assert!(capture.preview().is_none());

    // Frames from long after the time limit end the session; later frames change nothing.
    let late = frame(&scene().neutral.image, 120_000);
    capture.push(late.clone());
    assert_eq!(capture.status().phase, CapturePhase::Failed(FailureReason::Timeout));
    let frames = capture.status().frames;
    capture.push(late);
    assert_eq!(capture.status().frames, frames);
    assert_eq!(capture.status().phase.failure_key(), Some(FailureReason::Timeout.as_str()));
}
