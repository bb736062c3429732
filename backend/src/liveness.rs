//! The backend's liveness judge (issue 5, item 6; issue 15, finding 1) as pure logic with the
//! real models: what the server-paced check (`service/paced.rs`) asks of the face models. No
//! storage, no HTTP and no clock of its own.
//!
//! - [`LivenessJudge::measure_streamed`] measures one streamed frame with the server's own
//!   detector and mesh (a JPEG decoded within [`MAX_KEY_FRAME_SIDE`]; a bad JPEG fails, never
//!   panics): the device's own numbers are never read.
//! - [`LivenessJudge::match_paced`], once the stream has passed the paced rules: dlib's face
//!   descriptor (`shimin-facematch`) of the neutral frame against the registry photo
//!   ([`FACE_MATCH_THRESHOLD`]; no registry photo fails), then every action's key frame against
//!   the neutral one (a face swapped in for an action fails).
//!
//! The answer to the citizen is pass or fail only; the [`FailReason`] is for the server's log and
//! carries no personal data (no measures, no distances, no photos, no ID numbers).
//!
//! Both are CPU-bound — tens of milliseconds a frame, a second or so for the face match on the
//! 2-core development machine — and `Send + Sync`: async callers run them in
//! `tokio::task::spawn_blocking`, sharing one judge in an `Arc`. dlib's models sit behind a
//! mutex inside [`FaceMatcher`], so concurrent matches take turns there; load one judge per
//! worker to match in parallel.
//!
//! (The judge of device-assembled evidence — a trace and key frames the device chose — is gone:
//! a device that assembles its own evidence can assemble it from edited stills.)

use std::fmt;

use image::RgbImage;
use shimin_core::liveness::pace::PaceFailure;
use shimin_core::liveness::{Action, FaceObservation, Frame, FrameRotation, KeyFrameKind};
use shimin_core::picture::{self, Limits, PictureFormat};
use shimin_face::{FaceAnalyzer, LivenessObserver};
use shimin_facematch::{Descriptor, FaceMatcher};

/// Two faces are the same person below this descriptor distance: dlib's own threshold for its
/// ResNet model ("pairs of images of the same person have descriptors closer than 0.6", 99.38 % on
/// LFW; `shimin_facematch::SAME_PERSON_THRESHOLD`), as issue 5 asks.
pub const FACE_MATCH_THRESHOLD: f32 = shimin_facematch::SAME_PERSON_THRESHOLD;

/// Largest key frame side decoded (pixels). The app captures at about 640×480; a phone's 1080p
/// front camera (1920 px) is the largest frame it could send. Larger is refused before decoding.
pub const MAX_KEY_FRAME_SIDE: u32 = 1920;
/// Largest registry photo side decoded: `shimin_facematch::MAX_IMAGE_SIDE` (4096 px), the most
/// dlib is given. ID photos are a few hundred pixels a side.
pub const MAX_REGISTRY_PHOTO_SIDE: u32 = shimin_facematch::MAX_IMAGE_SIDE;

/// The outcome. The citizen learns pass or fail only.
#[derive(Debug, Clone, PartialEq)]
pub enum Decision {
    /// Live, and the registry's person.
    Pass,
    /// Not accepted; the reason is for the server's log.
    Fail(FailReason),
}

impl Decision {
    /// Whether it passed.
    pub fn is_pass(&self) -> bool {
        matches!(self, Decision::Pass)
    }
}

/// Which key frame, for a log line: `neutral` or the action's name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct KeyFrameName(pub KeyFrameKind);

impl fmt::Display for KeyFrameName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            KeyFrameKind::Neutral => f.write_str("neutral"),
            KeyFrameKind::Action(a) => f.write_str(a.as_str()),
        }
    }
}

/// Why the judge said no. For the server's log: no variant carries a measure, a distance, a
/// photo, a key or an ID number.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FailReason {
    /// A key frame chosen from the stream is not a JPEG that decodes within
    /// [`MAX_KEY_FRAME_SIDE`] (and the core decoder's allocation cap, [`Limits::max_alloc`]).
    #[error("the {0} key frame does not decode")]
    BadKeyFrame(KeyFrameName),
    /// dlib's detector finds no face on a key frame to describe.
    #[error("no face to match on the {0} key frame")]
    NoFaceToMatch(KeyFrameName),
    /// An action key frame shows another person than the neutral one (a face swap).
    #[error("the {0} key frame shows another person than the neutral one")]
    NotSamePerson(KeyFrameName),
    /// The citizen has no registry photo to compare with.
    #[error("no registry photo")]
    NoRegistryPhoto,
    /// The registry photo does not decode within [`MAX_REGISTRY_PHOTO_SIDE`] or shows no face.
    #[error("the registry photo is unusable")]
    BadRegistryPhoto,
    /// The neutral face is not the registry photo's person.
    #[error("the face does not match the registry photo")]
    NotRegistryPerson,
    /// A streamed frame of a paced check is not a JPEG that decodes within
    /// [`MAX_KEY_FRAME_SIDE`].
    #[error("a streamed frame does not decode")]
    BadStreamedFrame,
    /// The streamed frames broke a rule of the paced check (`shimin_core::liveness::pace`).
    #[error("paced check failed: {0}")]
    Paced(PaceFailure),
    /// A face model failed to run: the server's fault, not the citizen's (the message is the
    /// model's, which never includes pixels or measures).
    #[error("a face model failed: {0}")]
    Model(String),
}

/// The backend's liveness judge: the face detector and mesh, and dlib's face matcher, loaded
/// once. `Send + Sync`; run its methods in `spawn_blocking` from async code.
#[derive(Debug)]
pub struct LivenessJudge {
    analyzer: FaceAnalyzer,
    matcher: FaceMatcher,
}

/// Why the judge's models could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum JudgeLoadError {
    /// The embedded detector or mesh.
    #[error(transparent)]
    Face(#[from] shimin_face::FaceError),
    /// dlib's models (see `scripts/fetch-face-match-models.sh`).
    #[error(transparent)]
    Match(#[from] shimin_facematch::MatchError),
}

impl LivenessJudge {
    /// A judge on models the caller loaded.
    pub fn new(analyzer: FaceAnalyzer, matcher: FaceMatcher) -> Self {
        Self { analyzer, matcher }
    }

    /// Loads the embedded face models and dlib's from their default place
    /// (`shimin_facematch::default_models_dir`).
    ///
    /// # Errors
    /// [`JudgeLoadError`] when a model is missing or does not load.
    pub fn load_default() -> Result<Self, JudgeLoadError> {
        Ok(Self::new(FaceAnalyzer::new()?, FaceMatcher::load_default()?))
    }

    /// Measures one frame streamed in a paced check with the server's own models, as the
    /// device's observer would but with the detector on every frame (nothing carried over from
    /// a crop tracked on the frame before: a device cannot steer where the server looks).
    /// CPU-bound (tens of milliseconds): from async code, call it inside `spawn_blocking`.
    ///
    /// # Errors
    /// [`FailReason::BadStreamedFrame`] or [`FailReason::Model`].
    pub fn measure_streamed(&self, jpeg: &[u8], captured_ms: u64) -> Result<FaceObservation, FailReason> {
        let image =
            decode(jpeg, PictureFormat::JPEG_ONLY, MAX_KEY_FRAME_SIDE).ok_or(FailReason::BadStreamedFrame)?;
        let (width, height) = image.dimensions();
        let frame = Frame::new(width, height, image.into_raw(), captured_ms, FrameRotation::None)
            .map_err(|_| FailReason::BadStreamedFrame)?;
        LivenessObserver::new(self.analyzer.clone()).observe_frame(&frame).map_err(model)
    }

    /// The face matches of a paced check whose rules passed: the neutral frame against the
    /// registry photo, then every action's key frame against the neutral one (a look-alike
    /// swapped in for an action, which the stream's continuity rules cannot tell apart, fails
    /// here). CPU-bound: call it inside `spawn_blocking`.
    pub fn match_paced(
        &self,
        registry_photo: Option<&[u8]>,
        neutral: &[u8],
        key_frames: &[(Action, &[u8])],
    ) -> Decision {
        match self.match_paced_frames(registry_photo, neutral, key_frames) {
            Ok(()) => Decision::Pass,
            Err(reason) => Decision::Fail(reason),
        }
    }

    fn match_paced_frames(
        &self,
        registry_photo: Option<&[u8]>,
        neutral: &[u8],
        key_frames: &[(Action, &[u8])],
    ) -> Result<(), FailReason> {
        let registry_photo = registry_photo.ok_or(FailReason::NoRegistryPhoto)?;
        let registry = decode(registry_photo, PictureFormat::JPEG_OR_PNG, MAX_REGISTRY_PHOTO_SIDE)
            .ok_or(FailReason::BadRegistryPhoto)?;
        let registry =
            self.matcher.descriptor(&registry).map_err(model)?.ok_or(FailReason::BadRegistryPhoto)?;
        let neutral_name = KeyFrameName(KeyFrameKind::Neutral);
        let neutral = decode(neutral, PictureFormat::JPEG_ONLY, MAX_KEY_FRAME_SIDE)
            .ok_or(FailReason::BadKeyFrame(neutral_name))?;
        let neutral = self
            .matcher
            .descriptor(&neutral)
            .map_err(model)?
            .ok_or(FailReason::NoFaceToMatch(neutral_name))?;
        if !same_person(&neutral, &registry) {
            return Err(FailReason::NotRegistryPerson);
        }
        for (action, jpeg) in key_frames {
            let name = KeyFrameName(KeyFrameKind::Action(*action));
            let image = decode(jpeg, PictureFormat::JPEG_ONLY, MAX_KEY_FRAME_SIDE)
                .ok_or(FailReason::BadKeyFrame(name))?;
            let descriptor =
                self.matcher.descriptor(&image).map_err(model)?.ok_or(FailReason::NoFaceToMatch(name))?;
            if !same_person(&descriptor, &neutral) {
                return Err(FailReason::NotSamePerson(name));
            }
        }
        Ok(())
    }
}

fn model(e: impl std::error::Error) -> FailReason {
    FailReason::Model(e.to_string())
}

fn same_person(a: &Descriptor, b: &Descriptor) -> bool {
    a.distance(b) < FACE_MATCH_THRESHOLD
}

/// Decodes `bytes` (one of `formats`, sniffed) to RGB with the core's one decoder, within
/// [`Limits::STANDARD`] and a largest side of `max_side`; `None` for anything that does not
/// decode (the decoder catches its own panics on hostile bytes).
fn decode(bytes: &[u8], formats: &[PictureFormat], max_side: u32) -> Option<RgbImage> {
    picture::decode_rgb8(bytes, formats, Limits::STANDARD.with_max_side(max_side)).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn the_judge_can_be_shared_across_threads() {
        assert_send_sync::<LivenessJudge>();
    }

    #[test]
    fn garbage_does_not_decode_and_does_not_panic() {
        for bytes in [&b""[..], b"\xFF\xD8\xFF", b"\xFF\xD8\xFF\xE0\x00\x10JFIF\x00garbage", &[0xFF; 64]] {
            assert!(decode(bytes, PictureFormat::JPEG_ONLY, MAX_KEY_FRAME_SIDE).is_none());
            assert!(decode(bytes, PictureFormat::JPEG_OR_PNG, MAX_REGISTRY_PHOTO_SIDE).is_none());
        }
    }

    #[test]
    fn reasons_name_no_values() {
        let reason = FailReason::NotSamePerson(KeyFrameName(KeyFrameKind::Action(Action::Blink)));
        assert_eq!(reason.to_string(), "the blink key frame shows another person than the neutral one");
    }
}
