//! The liveness decision (issue 5, item 6) as pure logic with the real models: signed evidence
//! and a challenge in, [`Decision::Pass`] or [`Decision::Fail`] out. No storage, no HTTP and no
//! clock of its own (`now_ms` is a parameter); the one-time use of the nonce and the attempt
//! limits belong to the storage layer that will call this.
//!
//! [`LivenessJudge::judge`] runs, in this order, and stops at the first failure:
//!
//! 1. **In time**: the answer arrives within the challenge's time limit plus
//!    [`UPLOAD_GRACE_MS`] of its issue.
//! 2. **Signature**: `Evidence::verify` with the device's enrolled key.
//! 3. **Audit**: `shimin_core::liveness::audit` replays the session over the trace (nonce,
//!    actions in order, time, one face, continuity, key frames the clearest of their steps).
//! 4. **Key frames' pixels**: each JPEG is decoded within [`MAX_KEY_FRAME_SIDE`] (a bad JPEG fails,
//!    never panics), all the same size; the real detector and mesh (`shimin-face`) run on it and
//!    must find exactly one face whose measures agree with the trace entry of that frame within
//!    the tolerances below — the server does not trust the device's numbers, so a trace that
//!    claims a blink on a frame with open eyes fails here.
//! 5. **One person**: dlib's face descriptor (`shimin-facematch`) of the neutral frame against the
//!    registry photo ([`FACE_MATCH_THRESHOLD`]; no registry photo fails), then every action key
//!    frame against the neutral one (a face swapped in for an action fails).
//!
//! The answer to the citizen is pass or fail only; the [`FailReason`] is for the server's log and
//! carries no personal data (no measures, no distances, no photos, no ID numbers).
//!
//! The judge is CPU-bound — about 0.3 s for three actions on the 2-core development machine (dev
//! profile, OpenBLAS; 0.8–1.9 s while other tests ran; `tests/liveness_judge.rs` prints it) — and
//! `Send + Sync`: async callers run it in `tokio::task::spawn_blocking`, sharing one judge in an
//! `Arc`. dlib's models sit behind a mutex inside [`FaceMatcher`], so concurrent judgements take
//! turns there; load one judge per worker to match in parallel.

use std::fmt;

use image::RgbImage;
use shimin_core::crypto::VerifyingKey;
use shimin_core::liveness::pace::PaceFailure;
use shimin_core::liveness::{
    self, Action, AuditFailure, AuditedKeyFrame, Challenge, Evidence, EvidenceError, FaceBox,
    FaceObservation, Frame, FrameRotation, KeyFrameKind, TracedFace,
};
use shimin_core::picture::{self, Limits, PictureFormat};
use shimin_face::{Face, FaceAnalyzer, LivenessObserver, Rotation, face_shape, mouth_width_ratio};
use shimin_facematch::{Descriptor, FaceMatcher};

/// Two faces are the same person below this descriptor distance: dlib's own threshold for its
/// ResNet model ("pairs of images of the same person have descriptors closer than 0.6", 99.38 % on
/// LFW; `shimin_facematch::SAME_PERSON_THRESHOLD`), as issue 5 asks.
pub const FACE_MATCH_THRESHOLD: f32 = shimin_facematch::SAME_PERSON_THRESHOLD;

/// Time allowed after the challenge's time limit for the device to encode, sign and upload the
/// evidence (up to [`shimin_core::liveness::MAX_EVIDENCE_BYTES`] over a slow mobile link).
pub const UPLOAD_GRACE_MS: u64 = 60_000;

/// Largest key frame side decoded (pixels). The app captures at about 640×480; a phone's 1080p
/// front camera (1920 px) is the largest frame it could send. Larger is refused before decoding.
pub const MAX_KEY_FRAME_SIDE: u32 = 1920;
/// Largest registry photo side decoded: `shimin_facematch::MAX_IMAGE_SIDE` (4096 px), the most
/// dlib is given. ID photos are a few hundred pixels a side.
pub const MAX_REGISTRY_PHOTO_SIDE: u32 = shimin_facematch::MAX_IMAGE_SIDE;

// Tolerances between what the device traced for a key frame and what the server measures on its
// JPEG. Measured with `shimin-face` on the test photographs (`tests/liveness_judge.rs`): the
// device measures the frame itself with the mesh on a crop tracked from the previous frame, the
// server the JPEG (quality 90) with detector + mesh. Between the two, on one photo shifted by up
// to 6 px between frames: eye ratio ≤ 0.036, mouth ratio ≤ 0.016, mouth width ≤ 0.02, yaw and pitch
// ≤ 1.5°, box centre ≤ 0.07 face sizes and size ≤ 4 %, proportions ≤ 0.013. Each tolerance is
// about twice that and at most half of the change its action needs, so a trace that makes an
// action up on a frame that does not show it cannot stay within it. Stills are not video:
// re-measure on recorded sessions before production.

/// Eye aspect ratio, each eye. A blink needs the ratio under 0.6 × an open eye's ~0.3, a change
/// of at least 0.12.
pub const EYE_RATIO_TOLERANCE: f32 = 0.06;
/// Mouth aspect ratio. An open mouth needs 0.30 over the resting ratio.
pub const MOUTH_RATIO_TOLERANCE: f32 = 0.06;
/// Mouth width in eye distances. A smile widens it by 15–30 % of ~0.6, 0.09–0.18.
pub const MOUTH_WIDTH_TOLERANCE: f32 = 0.05;
/// Yaw, pitch and roll, degrees. A shake needs 15° each way, a nod 12° down.
pub const ANGLE_TOLERANCE_DEGREES: f32 = 5.0;
/// Distance between the traced and the measured face box centres, in face sizes.
pub const BOX_CENTRE_TOLERANCE: f32 = 0.2;
/// Ratio between the traced and the measured face box sides.
pub const BOX_SCALE_TOLERANCE: f32 = 1.2;
/// Difference of the face's proportions (`FaceShape::difference`). Same-face noise is ≤ 0.013;
/// two different people measure only ~0.02 apart, so this catches a made-up shape, not a
/// look-alike: the face match does that.
pub const SHAPE_TOLERANCE: f32 = 0.03;

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

/// One measure of a face, named in a [`FailReason`] (never its value).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Measure {
    /// Left eye aspect ratio.
    LeftEye,
    /// Right eye aspect ratio.
    RightEye,
    /// Mouth aspect ratio.
    MouthOpening,
    /// Mouth width in eye distances.
    MouthWidth,
    /// Yaw.
    Yaw,
    /// Pitch.
    Pitch,
    /// Roll.
    Roll,
    /// The face box's place or size.
    FaceBox,
    /// The face's proportions.
    Shape,
}

impl Measure {
    /// A stable name for logs.
    pub fn as_str(self) -> &'static str {
        match self {
            Measure::LeftEye => "left_eye",
            Measure::RightEye => "right_eye",
            Measure::MouthOpening => "mouth_opening",
            Measure::MouthWidth => "mouth_width",
            Measure::Yaw => "yaw",
            Measure::Pitch => "pitch",
            Measure::Roll => "roll",
            Measure::FaceBox => "face_box",
            Measure::Shape => "shape",
        }
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
    /// The answer came later than the challenge's time limit plus [`UPLOAD_GRACE_MS`].
    #[error("the answer came too late")]
    Expired,
    /// The evidence does not verify with the device's key, or is not evidence.
    #[error("evidence refused: {0}")]
    Evidence(EvidenceError),
    /// The trace does not hold up when the session is replayed.
    #[error("audit failed: {0}")]
    Audit(AuditFailure),
    /// A key frame is not a JPEG that decodes within [`MAX_KEY_FRAME_SIDE`] (and the core
    /// decoder's allocation cap, [`Limits::max_alloc`]).
    #[error("the {0} key frame does not decode")]
    BadKeyFrame(KeyFrameName),
    /// A key frame's size differs from the neutral frame's (frames of one session share a camera).
    #[error("the {0} key frame's size differs from the neutral frame's")]
    KeyFrameSize(KeyFrameName),
    /// The face models do not find exactly one face on a key frame.
    #[error("the {kind} key frame shows {faces} faces")]
    KeyFrameFaces {
        /// Which key frame.
        kind: KeyFrameName,
        /// How many faces the detector and mesh found.
        faces: usize,
    },
    /// What the server measures on a key frame disagrees with the device's trace.
    #[error("the {} of the {kind} key frame disagrees with the trace", .measure.as_str())]
    TraceDisagrees {
        /// Which key frame.
        kind: KeyFrameName,
        /// Which measure.
        measure: Measure,
    },
    /// dlib's detector finds no face on the neutral key frame to describe.
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

/// One liveness answer to judge.
#[derive(Clone, Copy)]
pub struct LivenessAnswer<'a> {
    /// The challenge the server issued (its nonce is checked against the evidence's).
    pub challenge: &'a Challenge,
    /// When the server issued it (server clock, ms since the Unix epoch).
    pub issued_at_ms: u64,
    /// The COSE_Sign1 the device sent.
    pub signed_evidence: &'a [u8],
    /// The device's enrolled public key.
    pub device_key: &'a VerifyingKey,
    /// The citizen's registry photo (JPEG), if the registry has one.
    pub registry_photo: Option<&'a [u8]>,
}

impl fmt::Debug for LivenessAnswer<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LivenessAnswer")
            .field("challenge", self.challenge)
            .field("issued_at_ms", &self.issued_at_ms)
            .field("evidence_len", &self.signed_evidence.len())
            .field("has_registry_photo", &self.registry_photo.is_some())
            .finish_non_exhaustive()
    }
}

/// The backend's liveness judge: the face detector and mesh, and dlib's face matcher, loaded
/// once. `Send + Sync`; run [`LivenessJudge::judge`] in `spawn_blocking` from async code.
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

/// A key frame decoded and measured.
struct Measured {
    kind: KeyFrameName,
    image: RgbImage,
    face: Face,
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

    /// Judges one answer at `now_ms` (server clock). CPU-bound for a fraction of a second to a
    /// few seconds: from async code, call it inside `spawn_blocking`. Never panics on any input.
    pub fn judge(&self, answer: &LivenessAnswer<'_>, now_ms: u64) -> Decision {
        match self.check(answer, now_ms) {
            Ok(()) => Decision::Pass,
            Err(reason) => Decision::Fail(reason),
        }
    }

    fn check(&self, answer: &LivenessAnswer<'_>, now_ms: u64) -> Result<(), FailReason> {
        let deadline = answer
            .issued_at_ms
            .saturating_add(answer.challenge.time_limit_ms())
            .saturating_add(UPLOAD_GRACE_MS);
        if now_ms > deadline {
            return Err(FailReason::Expired);
        }
        let registry_photo = answer.registry_photo.ok_or(FailReason::NoRegistryPhoto)?;
        let evidence =
            Evidence::verify(answer.signed_evidence, answer.device_key).map_err(FailReason::Evidence)?;
        let audited = liveness::audit(answer.challenge, &evidence).map_err(FailReason::Audit)?;

        let mut measured: Vec<Measured> = Vec::with_capacity(audited.key_frames().len());
        for key in audited.key_frames() {
            let frame = self.measure(key)?;
            if let Some(first) = measured.first()
                && first.image.dimensions() != frame.image.dimensions()
            {
                return Err(FailReason::KeyFrameSize(frame.kind));
            }
            measured.push(frame);
        }

        let registry = decode(registry_photo, PictureFormat::JPEG_OR_PNG, MAX_REGISTRY_PHOTO_SIDE)
            .ok_or(FailReason::BadRegistryPhoto)?;
        let registry =
            self.matcher.descriptor(&registry).map_err(model)?.ok_or(FailReason::BadRegistryPhoto)?;
        let Some((neutral, actions)) = measured.split_first() else {
            return Err(FailReason::Audit(AuditFailure::NeutralKeyFrame));
        };
        let neutral_descriptor = self
            .matcher
            .descriptor(&neutral.image)
            .map_err(model)?
            .ok_or(FailReason::NoFaceToMatch(neutral.kind))?;
        if !same_person(&neutral_descriptor, &registry) {
            return Err(FailReason::NotRegistryPerson);
        }
        for frame in actions {
            // The mesh already found the face: dlib describes it in that box, skipping its own
            // detector.
            let descriptor =
                self.matcher.descriptor_of(&frame.image, dlib_box(&frame.face)).map_err(model)?;
            if !same_person(&descriptor, &neutral_descriptor) {
                return Err(FailReason::NotSamePerson(frame.kind));
            }
        }
        Ok(())
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

    /// Decodes a key frame, finds its one face and checks it against the trace.
    fn measure(&self, key: &AuditedKeyFrame<'_>) -> Result<Measured, FailReason> {
        let kind = KeyFrameName(key.kind);
        let image = decode(key.jpeg, PictureFormat::JPEG_ONLY, MAX_KEY_FRAME_SIDE)
            .ok_or(FailReason::BadKeyFrame(kind))?;
        let mut faces = self.analyzer.analyze(&image, Rotation::None).map_err(model)?;
        if faces.len() != 1 {
            return Err(FailReason::KeyFrameFaces { kind, faces: faces.len() });
        }
        let Some(face) = faces.pop() else { return Err(FailReason::KeyFrameFaces { kind, faces: 0 }) };
        agree(&key.face, &face, image.dimensions())
            .map_err(|measure| FailReason::TraceDisagrees { kind, measure })?;
        Ok(Measured { kind, image, face })
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

/// The mesh's detection box as dlib's face box. dlib's shape predictor was trained on its own
/// detector's boxes; BlazeFace's box has the same centre and is ~15 % larger, and that barely
/// matters: on the astronaut photograph the descriptor in BlazeFace's box is 0.058 from the one
/// in dlib's own box, and on the test's edited frames the distance to the neutral frame moves by
/// 0.001–0.02 between the two boxes (against the 0.6 threshold). It saves dlib's detector on every
/// action frame.
fn dlib_box(face: &Face) -> shimin_facematch::FaceBox {
    let b = face.detection.bbox;
    // `as` saturates; a box the models gave lies within a few face sizes of the image.
    shimin_facematch::FaceBox {
        x: b.x.round() as i32,
        y: b.y.round() as i32,
        width: b.width.round().max(1.0) as u32,
        height: b.height.round().max(1.0) as u32,
    }
}

fn within(traced: f32, measured: f32, tolerance: f32) -> bool {
    // NaN fails.
    (traced - measured).abs() <= tolerance
}

/// Whether the server's measures of `face` agree with the device's `traced` ones; the first
/// measure that does not, if any.
fn agree(traced: &TracedFace, face: &Face, (width, height): (u32, u32)) -> Result<(), Measure> {
    let f = &face.features;
    let checks = [
        (
            within(traced.left_eye_aspect_ratio, f.left_eye_aspect_ratio, EYE_RATIO_TOLERANCE),
            Measure::LeftEye,
        ),
        (
            within(traced.right_eye_aspect_ratio, f.right_eye_aspect_ratio, EYE_RATIO_TOLERANCE),
            Measure::RightEye,
        ),
        (
            within(traced.mouth_aspect_ratio, f.mouth_aspect_ratio, MOUTH_RATIO_TOLERANCE),
            Measure::MouthOpening,
        ),
        (
            within(traced.mouth_width_ratio, mouth_width_ratio(&face.landmarks), MOUTH_WIDTH_TOLERANCE),
            Measure::MouthWidth,
        ),
        (within(traced.yaw_degrees, f.yaw_degrees, ANGLE_TOLERANCE_DEGREES), Measure::Yaw),
        (within(traced.pitch_degrees, f.pitch_degrees, ANGLE_TOLERANCE_DEGREES), Measure::Pitch),
        (within(traced.roll_degrees, f.roll_degrees, ANGLE_TOLERANCE_DEGREES), Measure::Roll),
    ];
    if let Some((_, measure)) = checks.iter().find(|(ok, _)| !ok) {
        return Err(*measure);
    }
    let b = face.detection.bbox;
    let measured = FaceBox::from_pixels(b.x, b.y, b.width, b.height, width, height);
    if !boxes_agree(&traced.face_box, &measured) {
        return Err(Measure::FaceBox);
    }
    if !within(traced.shape.difference(&face_shape(&face.landmarks)), 0.0, SHAPE_TOLERANCE) {
        return Err(Measure::Shape);
    }
    Ok(())
}

/// Whether two boxes (fractions of one frame) are the same face box within
/// [`BOX_CENTRE_TOLERANCE`] and [`BOX_SCALE_TOLERANCE`].
fn boxes_agree(traced: &FaceBox, measured: &FaceBox) -> bool {
    if !(traced.is_usable() && measured.is_usable()) {
        return false;
    }
    let scale = (traced.width / measured.width)
        .max(measured.width / traced.width)
        .max(traced.height / measured.height)
        .max(measured.height / traced.height);
    let ((tx, ty), (mx, my)) = (traced.center(), measured.center());
    let moved = ((tx - mx) / measured.width).hypot((ty - my) / measured.height);
    scale <= BOX_SCALE_TOLERANCE && moved <= BOX_CENTRE_TOLERANCE
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
    fn boxes_agree_within_the_tolerances() {
        let a = FaceBox { x: 0.3, y: 0.2, width: 0.3, height: 0.3 };
        assert!(boxes_agree(&a, &a));
        assert!(boxes_agree(&a, &FaceBox { x: 0.33, ..a }));
        assert!(!boxes_agree(&a, &FaceBox { x: 0.4, ..a }));
        assert!(!boxes_agree(&a, &FaceBox { width: 0.4, height: 0.4, ..a }));
        assert!(!boxes_agree(&a, &FaceBox { x: f32::NAN, ..a }));
    }

    #[test]
    fn reasons_name_no_values() {
        let reason = FailReason::TraceDisagrees {
            kind: KeyFrameName(KeyFrameKind::Action(shimin_core::liveness::Action::Blink)),
            measure: Measure::LeftEye,
        };
        assert_eq!(reason.to_string(), "the left_eye of the blink key frame disagrees with the trace");
    }
}
