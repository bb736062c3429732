//! Recorded frames that act on cue, for demos and the end-to-end tests (`SHIMIN_CAMERA_FRAMES`,
//! development builds only): a server-paced check reveals each action only when it has seen
//! the one before done, so a recording of one fixed order cannot answer it. A recording is
//! instead a directory of clips, one per action, and a neutral face:
//!
//! ```text
//! <dir>/neutral/0000.png …   looked straight at the camera (looped)
//! <dir>/blink/0000.png …     one blink, played once when the check says "blink"
//! <dir>/mouth/…  <dir>/shake/…  <dir>/nod/…   the other actions (by their names in the API)
//! ```
//!
//! Each frame the check streams is the recording's next one: an action's clip starts
//! [`REACTION_MS`] after the check revealed it (a person reacting to the instruction) and plays
//! once, a frame per streamed frame, whatever pace the stream keeps; the neutral face loops
//! before and after. Pictures are PNG or JPEG, in file-name order, read and encoded once when
//! the check starts (the stream's JPEG and the screen's preview), so that playing them costs
//! nothing per frame.

use std::collections::HashMap;
use std::path::Path;

use shimin_core::liveness::{Action, Frame, FrameSource, FrameSourceError};
use shimin_core::wallet::PaceAnswer;
use shimin_core::wallet::liveness::StreamState;
use shimin_face::ImageSequence;
use shimin_wire::ipc::JpegPreview;

/// How long after an action was revealed its clip starts, ms.
pub const REACTION_MS: u64 = 600;

/// Why a recording cannot be played. Names a directory of the recording, never a picture.
#[derive(Debug, thiserror::Error)]
pub enum RecordingError {
    /// The `neutral` clip is missing or empty.
    #[error("the recording has no neutral frames (`neutral/`)")]
    NoNeutral,
    /// A clip could not be read.
    #[error("the recording's `{clip}` frames: {reason}")]
    Clip {
        /// The clip's directory name.
        clip: &'static str,
        /// The reader's reason.
        reason: FrameSourceError,
    },
    /// A picture could not be encoded for the stream.
    #[error("the recording's `{0}` frames cannot be encoded")]
    Encode(&'static str),
}

/// One recorded frame, ready: the JPEG the check streams and the preview the screen shows.
#[derive(Clone)]
pub struct Recorded {
    /// The JPEG streamed.
    pub jpeg: Vec<u8>,
    /// The preview.
    pub preview: Option<JpegPreview>,
}

/// How a frame is made ready: the stream's JPEG (`None` when it cannot be made) and the preview.
pub type Prepare<'a> = &'a dyn Fn(&Frame) -> (Option<Vec<u8>>, Option<JpegPreview>);

/// A recording answering a paced check on cue.
pub struct Recording {
    neutral: Vec<Recorded>,
    clips: HashMap<Action, Vec<Recorded>>,
    /// Neutral frames played so far.
    played: usize,
    /// The step revealed last, when (ms since the check began), and its clip frames played.
    cue: Option<(u8, u64, usize)>,
}

impl std::fmt::Debug for Recording {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Recording")
            .field("neutral", &self.neutral.len())
            .field("clips", &self.clips.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

fn read_clip(dir: &Path, clip: &'static str, prepare: Prepare<'_>) -> Result<Vec<Recorded>, RecordingError> {
    let path = dir.join(clip);
    if !path.is_dir() {
        return Ok(Vec::new());
    }
    let mut frames = ImageSequence::from_dir(&path, shimin_face::RECORDED_FPS)
        .map_err(|reason| RecordingError::Clip { clip, reason })?;
    let mut out = Vec::new();
    while let Some(frame) = frames.next_frame().map_err(|reason| RecordingError::Clip { clip, reason })? {
        let (jpeg, preview) = prepare(&frame);
        out.push(Recorded { jpeg: jpeg.ok_or(RecordingError::Encode(clip))?, preview });
    }
    Ok(out)
}

impl Recording {
    /// Reads the recording in `dir`, each frame made ready by `prepare`.
    ///
    /// # Errors
    /// [`RecordingError`] when a clip cannot be read or encoded, or there is no neutral face.
    pub fn load(dir: &Path, prepare: Prepare<'_>) -> Result<Self, RecordingError> {
        let neutral = read_clip(dir, "neutral", prepare)?;
        if neutral.is_empty() {
            return Err(RecordingError::NoNeutral);
        }
        let mut clips = HashMap::new();
        for action in Action::ALL {
            let clip = read_clip(dir, action.as_str(), prepare)?;
            if !clip.is_empty() {
                clips.insert(action, clip);
            }
        }
        Ok(Self { neutral, clips, played: 0, cue: None })
    }

    /// The next frame the "camera" shows, at `now_ms` (since the check began) while the check
    /// stands at `state`.
    pub fn next(&mut self, now_ms: u64, state: StreamState) -> &Recorded {
        if let StreamState::Told(PaceAnswer::Act { action, step }) = state {
            let (revealed_ms, played) = match self.cue {
                Some((cued, at, played)) if cued == step => (at, played),
                _ => (now_ms, 0),
            };
            let clip = self.clips.get(&action).filter(|_| now_ms.saturating_sub(revealed_ms) >= REACTION_MS);
            match clip.and_then(|c| c.get(played)) {
                Some(frame) => {
                    self.cue = Some((step, revealed_ms, played + 1));
                    return frame;
                }
                None => self.cue = Some((step, revealed_ms, played)),
            }
        }
        let frame = &self.neutral[self.played % self.neutral.len()];
        self.played += 1;
        frame
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::expect_used)]

    use image::{Rgb, RgbImage};

    use super::*;

    fn write(dir: &Path, clip: &str, shades: &[u8]) {
        std::fs::create_dir_all(dir.join(clip)).expect("dir");
        for (i, shade) in shades.iter().enumerate() {
            RgbImage::from_pixel(8, 8, Rgb([*shade; 3]))
                .save(dir.join(clip).join(format!("{i:04}.png")))
                .expect("png");
        }
    }

    /// "Encodes" a frame as its first pixel's shade, so that a test sees which was played.
    fn shade_of(frame: &Frame) -> (Option<Vec<u8>>, Option<JpegPreview>) {
        (Some(vec![frame.rgb()[0]]), None)
    }

    fn shade(recorded: &Recorded) -> u8 {
        recorded.jpeg[0]
    }

    #[test]
    fn an_action_plays_once_after_the_reaction_time_a_frame_per_call_and_the_neutral_face_otherwise() {
        let dir = tempfile::tempdir().expect("tempdir");
        write(dir.path(), "neutral", &[10, 11]);
        write(dir.path(), "blink", &[200, 201]);
        let mut recording = Recording::load(dir.path(), &shade_of).expect("loads");
        assert_eq!(shade(recording.next(0, StreamState::Told(PaceAnswer::Calibrating))), 10);
        assert_eq!(
            shade(recording.next(300, StreamState::Told(PaceAnswer::Calibrating))),
            11,
            "the neutral face loops"
        );
        assert_eq!(shade(recording.next(600, StreamState::Told(PaceAnswer::Calibrating))), 10);
        let blink = StreamState::Told(PaceAnswer::Act { action: Action::Blink, step: 1 });
        assert_eq!(shade(recording.next(1_000, blink)), 11, "revealed now: not yet");
        assert_eq!(shade(recording.next(1_000 + REACTION_MS - 1, blink)), 10);
        assert_eq!(shade(recording.next(1_000 + REACTION_MS, blink)), 200);
        assert_eq!(shade(recording.next(5_000, blink)), 201, "a frame per call, however late");
        assert_eq!(shade(recording.next(5_100, blink)), 11, "played once");
        let nod = StreamState::Told(PaceAnswer::Act { action: Action::Nod, step: 2 });
        assert_eq!(shade(recording.next(9_000, nod)), 10, "no clip of a nod: the neutral face");
    }

    #[test]
    fn a_recording_without_a_neutral_face_is_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        write(dir.path(), "blink", &[200]);
        assert!(matches!(Recording::load(dir.path(), &shade_of), Err(RecordingError::NoNeutral)));
    }
}
