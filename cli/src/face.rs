//! `shimin face-landmarks` (the face models on one photo) and `shimin liveness` (the on-device
//! liveness pipeline over a directory of frames, or the computer's camera). The logic is the
//! core's session and `shimin-face`'s models and capture driver (`LivenessCapture`, shared with
//! the app); this module only reads files and prints JSON.

use std::path::Path;

use serde::Serialize;
use shimin_core::crypto::{self, SigningKey};
use shimin_core::liveness::{
    Action, Challenge, Evidence, FrameRotation, Guidance, KeyFrameKind, MAX_TIME_LIMIT_MS, MIN_NONCE_LEN,
    MIN_TIME_LIMIT_MS,
};
use shimin_core::picture::{self, Limits, PictureFormat};
use shimin_face::{
    CAMERA_FPS, CAMERA_TIME_LIMIT_MS, CapturePhase, CaptureSource, FaceAnalyzer, ImageSequence,
    LivenessCapture, LivenessObserver, NUM_LANDMARKS, Rotation,
};

use crate::{Exit, read};

/// The key id the ephemeral evidence key signs with.
const EPHEMERAL_KEY_ID: &[u8] = b"shimin-cli-ephemeral";

/// Parses one `--actions` item by the core's own names (`blink`, `mouth`, `shake`, `nod`).
pub fn parse_action(s: &str) -> Result<Action, String> {
    Action::parse(s.trim()).ok_or_else(|| {
        let known: Vec<&str> = Action::ALL.iter().map(|a| a.as_str()).collect();
        format!("unknown action; one of: {}", known.join(", "))
    })
}

fn models() -> Result<FaceAnalyzer, Exit> {
    FaceAnalyzer::new().map_err(|e| Exit(1, format!("the face models cannot be loaded: {e}")))
}

/// Decodes a PNG or JPEG file into RGB with the core's one decoder, refusing pictures larger than
/// the pipeline accepts ([`Limits::STANDARD`]).
fn decode_image(path: &Path) -> Result<image::RgbImage, Exit> {
    let bytes = read(path)?;
    picture::decode_rgb8(&bytes, PictureFormat::JPEG_OR_PNG, Limits::STANDARD)
        .map_err(|_| Exit(3, format!("{} is not a PNG or JPEG image", path.display())))
}

#[derive(Debug, Serialize)]
struct BoxView {
    x: f32,
    y: f32,
    width: f32,
    height: f32,
}

#[derive(Debug, Serialize)]
struct FaceView {
    /// The detector's box, in pixels.
    #[serde(rename = "box")]
    bbox: BoxView,
    /// The detector's confidence.
    score: f32,
    /// The mesh's face-presence score.
    presence: f32,
    /// The 468 mesh points `[x, y, z]` in pixels (z relative to the face's centre).
    landmarks: Vec<[f32; 3]>,
}

#[derive(Debug, Serialize)]
struct LandmarksView {
    width: u32,
    height: u32,
    faces: Vec<FaceView>,
}

/// `shimin face-landmarks IMAGE`: every face in the photo, best detection first. Exit 1 when
/// there is none (the JSON, with an empty list, is printed all the same).
pub fn face_landmarks(path: &Path) -> Result<(String, u8), Exit> {
    let image = decode_image(path)?;
    let faces = models()?
        .analyze(&image, Rotation::None)
        .map_err(|e| Exit(1, format!("the face models failed on {}: {e}", path.display())))?;
    let faces: Vec<FaceView> = faces
        .into_iter()
        .map(|face| {
            let b = face.detection.bbox;
            FaceView {
                bbox: BoxView { x: b.x, y: b.y, width: b.width, height: b.height },
                score: face.detection.score,
                presence: face.landmarks.presence(),
                landmarks: face.landmarks.points().iter().map(|p| [p.x, p.y, p.z]).collect(),
            }
        })
        .filter(|f| f.landmarks.len() == NUM_LANDMARKS)
        .collect();
    let code = u8::from(faces.is_empty());
    let view = LandmarksView { width: image.width(), height: image.height(), faces };
    Ok((crate::json(&view)?, code))
}

/// The challenge's time limit for a recording of `frames` frames at `fps`: its length, within
/// the core's bounds ([`MIN_TIME_LIMIT_MS`]..=[`MAX_TIME_LIMIT_MS`]). A recording that ends
/// before every action is done therefore fails with `stream_ended`; one longer than the upper
/// bound fails with `timeout`.
pub fn time_limit_ms(frames: usize, fps: u32) -> u64 {
    let frames = u64::try_from(frames).unwrap_or(u64::MAX);
    frames.saturating_mul(1000).div_ceil(u64::from(fps.max(1))).clamp(MIN_TIME_LIMIT_MS, MAX_TIME_LIMIT_MS)
}

/// One action the session saw done, in order.
#[derive(Debug, Serialize)]
struct DetectedAction {
    action: &'static str,
    /// The frame (0-based, in file-name order) on which the action was complete.
    frame: u64,
    /// On a pass: the frame kept as the action's key frame (the one that shows it best).
    #[serde(skip_serializing_if = "Option::is_none")]
    key_frame: Option<u64>,
}

/// What the signed evidence of a passed session holds (not its photos).
#[derive(Debug, Serialize)]
struct EvidenceView {
    /// Size of the COSE_Sign1 bundle.
    signed_bytes: usize,
    /// The neutral key frame's index.
    neutral_frame: u64,
    /// Entries of the feature trace.
    trace_frames: usize,
    /// Whether the bundle verifies with the ephemeral key's public half.
    signature_verified: bool,
}

#[derive(Debug, Serialize)]
struct LivenessView {
    passed: bool,
    /// The actions asked for, in order.
    requested: Vec<&'static str>,
    /// The actions seen done, in order.
    actions: Vec<DetectedAction>,
    /// The failure's stable key (`timeout`, `wrong_action`, `face_lost`, `face_changed`,
    /// `several_faces`, `stream_ended`, `time_went_back`), `null` on a pass.
    reason: Option<&'static str>,
    /// The failure in words.
    message: Option<String>,
    /// On a failure: the action that was being waited for.
    missing_action: Option<&'static str>,
    /// Whether the session got past the quality gate and calibration.
    calibrated: bool,
    /// The last guidance shown before the end (e.g. `blink`, `move_closer`).
    last_guidance: &'static str,
    /// Frames in the directory.
    frames: usize,
    /// Frames processed until the session finished.
    frames_used: u64,
    fps: u32,
    time_limit_ms: u64,
    /// On a pass: the signed evidence.
    evidence: Option<EvidenceView>,
}

/// `shimin liveness --frames DIR`: runs the session over the frames of `dir` (file-name order,
/// `fps` timestamps, tracked from one to the next like a camera's) against a challenge for
/// `actions` with a random nonce; on a pass, signs the evidence with an ephemeral key. Exit 0 on
/// a pass, 1 otherwise (the JSON says why).
pub fn liveness(dir: &Path, actions: &[Action], fps: u32) -> Result<(String, u8), Exit> {
    let source = ImageSequence::from_dir(dir, fps).map_err(|e| Exit(3, format!("{}: {e}", dir.display())))?;
    if source.is_empty() {
        return Err(Exit(3, format!("{} holds no PNG or JPEG frames", dir.display())));
    }
    let frames = source.len();
    let what = dir.display().to_string();
    let source = CaptureSource::Video(Box::new(source));
    check(source, &what, Some(frames), fps, time_limit_ms(frames, fps), actions, false)
}

/// `shimin liveness --camera INDEX`: the same check with the computer's camera, in front of it:
/// the guidance is printed on standard error as it changes, and the check has
/// [`CAMERA_TIME_LIMIT_MS`]. Exit 3 when the camera cannot be opened or stops.
pub fn liveness_camera(index: u32, actions: &[Action]) -> Result<(String, u8), Exit> {
    let camera = shimin_face::NativeCamera::open(index, FrameRotation::None)
        .map_err(|e| Exit(3, format!("camera {index}: {e}")))?;
    let what = format!("camera {index}");
    check(
        CaptureSource::Video(Box::new(camera)),
        &what,
        None,
        CAMERA_FPS,
        CAMERA_TIME_LIMIT_MS,
        actions,
        true,
    )
}

/// Runs the check over `source` with `shimin-face`'s capture driver (`what` names the source in
/// errors); `frames` is how many it holds, when known.
fn check(
    source: CaptureSource,
    what: &str,
    frames: Option<usize>,
    fps: u32,
    time_limit_ms: u64,
    actions: &[Action],
    print_guidance: bool,
) -> Result<(String, u8), Exit> {
    let nonce =
        crypto::random_bytes::<MIN_NONCE_LEN>().map_err(|e| Exit(1, format!("no randomness: {e}")))?;
    let challenge = Challenge::new(nonce.to_vec(), actions.to_vec(), time_limit_ms)
        .map_err(|e| Exit(2, format!("--actions: {e}")))?;
    let mut capture = LivenessCapture::start(challenge, LivenessObserver::new(models()?), source);
    let mut detected: Vec<DetectedAction> = Vec::new();
    let mut last_guidance = Guidance::LookStraight;
    let mut status = capture.status();
    while status.phase == CapturePhase::Capturing {
        let before = status.frames;
        // The source is the driver's own (a directory or a camera), so pulling cannot be refused.
        capture.pull().map_err(|e| Exit(1, format!("{what}: {e}")))?;
        status = capture.status();
        if let Some(e) = capture.camera_error() {
            return Err(Exit(3, format!("{what}: {e}")));
        }
        // No frame was measured: the source ran out and the session has ended.
        if status.frames == before {
            continue;
        }
        let frame_index = status.frames - 1;
        if print_guidance && status.guidance != last_guidance {
            eprintln!("{} ({}/{})", status.guidance.as_str(), status.done, actions.len());
        }
        while detected.len() < status.done {
            let Some(action) = actions.get(detected.len()) else { break };
            detected.push(DetectedAction { action: action.as_str(), frame: frame_index, key_frame: None });
        }
        if status.guidance != Guidance::Done {
            last_guidance = status.guidance;
        }
    }
    let frames_used = status.frames;
    let mut view = LivenessView {
        passed: false,
        requested: actions.iter().map(|a| a.as_str()).collect(),
        actions: Vec::new(),
        reason: None,
        message: None,
        missing_action: None,
        calibrated: status.calibrated,
        last_guidance: last_guidance.as_str(),
        frames: frames.unwrap_or_else(|| usize::try_from(frames_used).unwrap_or(usize::MAX)),
        frames_used,
        fps,
        time_limit_ms,
        evidence: None,
    };
    match status.phase {
        CapturePhase::Passed => {
            view.passed = true;
            // `CaptureError` says "cannot make the evidence: …" itself.
            let evidence = sign_evidence(capture.into_evidence().map_err(|e| Exit(1, e.to_string()))?)?;
            for key in evidence.1.key_frames().iter().map(|f| f.key) {
                if let KeyFrameKind::Action(action) = key.kind
                    && let Some(d) = detected.iter_mut().find(|d| d.action == action.as_str())
                {
                    d.key_frame = Some(key.frame_index);
                }
            }
            view.evidence = Some(evidence.0);
        }
        phase => {
            let reason = match phase {
                CapturePhase::Failed(reason) => Some(reason),
                _ => None,
            };
            view.reason = reason.map(|r| r.as_str());
            view.message = reason.map(|r| r.to_string());
            view.missing_action = actions.get(detected.len()).map(|a| a.as_str());
        }
    }
    view.actions = detected;
    let code = u8::from(!view.passed);
    Ok((crate::json(&view)?, code))
}

/// `evidence` signed with a fresh P-256 key that is dropped afterwards, and checked against its
/// public half.
fn sign_evidence(evidence: Evidence) -> Result<(EvidenceView, Evidence), Exit> {
    let key = SigningKey::generate_p256().map_err(|e| Exit(1, format!("cannot make a key: {e}")))?;
    let signed = evidence
        .sign(&key, EPHEMERAL_KEY_ID)
        .map_err(|e| Exit(1, format!("cannot sign the evidence: {e}")))?;
    let signature_verified = Evidence::verify(&signed, &key.verifying_key()).is_ok();
    let neutral_frame = evidence
        .key_frames()
        .iter()
        .find(|f| f.key.kind == KeyFrameKind::Neutral)
        .map_or(0, |f| f.key.frame_index);
    let view = EvidenceView {
        signed_bytes: signed.len(),
        neutral_frame,
        trace_frames: evidence.trace().len(),
        signature_verified,
    };
    Ok((view, evidence))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_time_limit_is_the_recording_within_the_core_bounds() {
        assert_eq!(time_limit_ms(60, 10), 6_000);
        assert_eq!(time_limit_ms(61, 30), 2_034.max(MIN_TIME_LIMIT_MS));
        assert_eq!(time_limit_ms(10_000, 10), MAX_TIME_LIMIT_MS);
        assert_eq!(time_limit_ms(7, 0), 7_000);
    }

    #[test]
    fn actions_parse_by_the_core_names() {
        assert_eq!(parse_action(" shake"), Ok(Action::ShakeHead));
        assert!(parse_action("wink").is_err_and(|e| e.contains("blink, mouth, shake, nod")));
    }
}
