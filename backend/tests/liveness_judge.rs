#![allow(clippy::expect_used, clippy::panic)]
//! The backend's liveness decision with the real models on real photographs.
//!
//! Each test films a "video" made of still photographs: every frame goes through the real
//! on-device pipeline — `shimin_face::LivenessObserver` (detector + mesh) measures it, the core's
//! `Session` runs the quality gate, calibration and action detection on those measures, the
//! passed session becomes `Evidence` whose key frames are the frames themselves as JPEG
//! (`encode_jpeg`, quality 90), signed with a real P-256 device key — and the judge decides.
//!
//! A still photograph cannot blink, open its mouth or nod, so the action frames are edits of the
//! photograph that the real mesh measures as the action (the edits and what the mesh measures on
//! them are below; `the_edited_frames_measure_as_the_actions` checks it). The person is Grace
//! Hopper: the astronaut smiles with her teeth showing, so her resting mouth ratio is already 0.19
//! and no jaw edit tried reached the +0.30 an open mouth needs (at most +0.28, after which the
//! mesh loses the lips); the astronaut is the "other person". Head shakes are not tested: the
//! depth-based turn below moves the mesh's yaw by at most 11–15° for a 65° turn, under the 15°
//! each way a shake needs, so the challenge is blink, mouth, nod.
//!
//! - **Neutral**: the upper lids raised by half the eye's opening (the opening stretched upwards,
//!   the lid skin above compressed). On the unedited photo the mesh's eye aspect ratios are
//!   0.254/0.248 and the best closed-eye edit measures 0.154/0.145, 0.61/0.58 of them: a blink
//!   needs both under 0.6. Against the widened eyes (0.280/0.274) it is 0.55/0.54.
//! - **Blink**: the lids lowered: from 0.6 eye widths above the upper lid down, each column is
//!   stretched so that the lid's edge lands one opening below the lower lid, covering the eye.
//! - **Mouth open**: the jaw dropped by a fifth of the face box: a dark, lens-shaped opening
//!   between the lip corners, the lower lip and chin pushed down into the 1.3 mouth widths below.
//! - **Nod**: the face turned 20° down about its centre using the mesh's own depth (each pixel in
//!   the face oval takes the depth of its nearest mesh points and is re-projected; the old face is
//!   blurred out behind it).
//!
//! The dlib matcher measures every edited frame 0.22–0.29 from the neutral one, and the astronaut
//! 0.71–0.73 from it.

use std::sync::OnceLock;
use std::time::Instant;

use image::codecs::jpeg::JpegEncoder;
use image::{Rgb, RgbImage, imageops};
use shimin_backend::liveness::{
    Decision, FailReason, KeyFrameName, LivenessAnswer, LivenessJudge, Measure, UPLOAD_GRACE_MS,
};
use shimin_core::crypto::{SigningKey, VerifyingKey};
use shimin_core::liveness::{
    Action, AuditFailure, BLINK_CLOSED_RATIO, Challenge, Evidence, EvidenceError, FaceMeasures,
    FaceObservation, Frame, FrameRotation, KeyFrameKind, MOUTH_MAX_WIDENING, MOUTH_OPEN_DELTA, NOD_MAX_YAW,
    NOD_PITCH, Step,
};
use shimin_face::{FaceAnalyzer, Landmarks, LivenessObserver, Rotation, encode_jpeg};

/// Eileen Collins, NASA portrait (public domain), from scikit-image (`face/tests/images/README.md`).
const ASTRONAUT: &[u8] = include_bytes!("../../face/tests/images/astronaut.jpg");
/// Grace Hopper, US Navy portrait (public domain), from matplotlib's sample data.
const GRACE_HOPPER: &[u8] = include_bytes!("../../face/tests/images/grace_hopper.jpg");

const ORDER: [Action; 3] = [Action::Blink, Action::MouthOpen, Action::Nod];
const NONCE: [u8; 16] = [0x42; 16];
/// The server's clock when it judges (ms since the epoch); the challenge was issued 20 s before.
const NOW_MS: u64 = 1_750_000_000_000;
const ISSUED_AT_MS: u64 = NOW_MS - 20_000;

fn decode(bytes: &[u8]) -> RgbImage {
    image::load_from_memory(bytes).expect("a test image decodes").to_rgb8()
}

fn jpeg(image: &RgbImage) -> Vec<u8> {
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, 90).encode_image(image).expect("encodes");
    out
}

fn frame(image: &RgbImage, t: u64) -> Frame {
    Frame::new(image.width(), image.height(), image.as_raw().clone(), t, FrameRotation::None).expect("frame")
}

// ---- the edits -------------------------------------------------------------------------------

/// Mesh indices along each eye's upper and lower lid, outer to inner corner (person's right eye)
/// or inner to outer (left eye): MediaPipe's eye contours.
const RIGHT_UPPER: [usize; 9] = [33, 246, 161, 160, 159, 158, 157, 173, 133];
const RIGHT_LOWER: [usize; 9] = [33, 7, 163, 144, 145, 153, 154, 155, 133];
const LEFT_UPPER: [usize; 9] = [362, 398, 384, 385, 386, 387, 388, 466, 263];
const LEFT_LOWER: [usize; 9] = [362, 382, 381, 380, 374, 373, 390, 249, 263];
/// The upper inner lip, from corner to corner.
const UPPER_INNER_LIP: [usize; 11] = [78, 191, 80, 81, 82, 13, 312, 311, 310, 415, 308];
/// The face's outline.
const FACE_OVAL: [usize; 36] = [
    10, 338, 297, 332, 284, 251, 389, 356, 454, 323, 361, 288, 397, 365, 379, 378, 400, 377, 152, 148, 176,
    149, 150, 136, 172, 58, 132, 93, 234, 127, 162, 21, 54, 103, 67, 109,
];

fn points(l: &Landmarks, ids: &[usize]) -> Vec<(f32, f32)> {
    ids.iter().map(|&i| (l.point(i).x, l.point(i).y)).collect()
}

/// A polyline's height at `x` (linear between its points), if `x` is within it.
fn polyline_y(line: &[(f32, f32)], x: f32) -> Option<f32> {
    line.windows(2).find_map(|w| {
        let ((x0, y0), (x1, y1)) = (w[0], w[1]);
        let (lo, hi) = (x0.min(x1), x0.max(x1));
        (x >= lo && x <= hi && hi > lo).then(|| y0 + (y1 - y0) * (x - x0) / (x1 - x0))
    })
}

fn inside(polygon: &[(f32, f32)], x: f32, y: f32) -> bool {
    let mut inside = false;
    for (i, a) in polygon.iter().enumerate() {
        let b = polygon[(i + 1) % polygon.len()];
        if (a.1 > y) != (b.1 > y) && x < a.0 + (y - a.1) * (b.0 - a.0) / (b.1 - a.1) {
            inside = !inside;
        }
    }
    inside
}

/// Both eyes opened wider: in each column between the eye corners the upper lid moves up by
/// `amount` of the opening; the opening is stretched up and the lid skin from `reach` eye widths
/// above is compressed.
fn raise_lids(image: &RgbImage, l: &Landmarks, reach: f32, amount: f32) -> RgbImage {
    let mut out = image.clone();
    for (upper, lower) in [(&RIGHT_UPPER, &RIGHT_LOWER), (&LEFT_UPPER, &LEFT_LOWER)] {
        let (upper, lower) = (points(l, upper), points(l, lower));
        let (xa, xb) = (upper[0].0.min(upper[8].0), upper[0].0.max(upper[8].0));
        let above = reach * (xb - xa);
        for x in xa.ceil() as u32..=xb.floor() as u32 {
            let xf = x as f32 + 0.5;
            let (Some(yu), Some(yl)) = (polyline_y(&upper, xf), polyline_y(&lower, xf)) else { continue };
            let (ya, yn) = (yu - above, yu - (yl - yu).max(0.0) * amount);
            for y in ya.floor() as u32..=yl.ceil() as u32 {
                let yf = y as f32 + 0.5;
                if yf < ya || yf > yl {
                    continue;
                }
                let sy = if yf < yn {
                    ya + (yf - ya) * (yu - ya) / (yn - ya)
                } else {
                    yu + (yf - yn) * (yl - yu) / (yl - yn)
                };
                out.put_pixel(x, y, *image.get_pixel(x, sy.max(0.0) as u32));
            }
        }
    }
    out
}

/// Both eyes closed: in each column between the eye corners (and `widen` eye widths past them,
/// fading out), the skin from `reach` eye widths above the upper lid is stretched down so that the
/// lid's edge lands `amount` openings below it (1 = on the lower lid, 2 = one opening past it).
fn lower_lids(image: &RgbImage, l: &Landmarks, reach: f32, amount: f32, widen: f32) -> RgbImage {
    let mut out = image.clone();
    for (upper, lower) in [(&RIGHT_UPPER, &RIGHT_LOWER), (&LEFT_UPPER, &LEFT_LOWER)] {
        let (upper, lower) = (points(l, upper), points(l, lower));
        let (xa, xb) = (upper[0].0.min(upper[8].0), upper[0].0.max(upper[8].0));
        let (width, cx) = (xb - xa, (xa + xb) / 2.0);
        for x in (xa - widen * width).floor() as u32..=(xb + widen * width).ceil() as u32 {
            let xf = x as f32 + 0.5;
            // Past the corners the corner's column is used, fading out.
            let fade = if xf < xa || xf > xb {
                (1.0 - ((xf - cx).abs() - width / 2.0) / (widen * width).max(1e-3)).clamp(0.0, 1.0)
            } else {
                1.0
            };
            let xc = xf.clamp(xa + 0.01, xb - 0.01);
            let (Some(yu), Some(yl)) = (polyline_y(&upper, xc), polyline_y(&lower, xc)) else { continue };
            // One pixel more, so that the lid meets the lower lid where the contours touch.
            let bottom = yu + ((yl - yu).max(0.0) * amount + 1.0) * fade;
            let ya = yu - reach * width;
            for y in ya.floor() as u32..=bottom.ceil() as u32 {
                let yf = y as f32 + 0.5;
                if yf < ya || yf > bottom {
                    continue;
                }
                let sy = ya + (yf - ya) * (yu - ya) / (bottom - ya);
                out.put_pixel(x, y, *image.get_pixel(x, sy.max(0.0) as u32));
            }
        }
    }
    out
}

/// The jaw dropped by `drop` pixels in the middle of the mouth: below the upper inner lip, a
/// dark lens-shaped opening between the lip corners, and the face down to `reach` mouth widths
/// below pushed down into the rest of that span.
fn drop_jaw(image: &RgbImage, l: &Landmarks, drop: f32, reach: f32) -> RgbImage {
    let mut out = image.clone();
    let upper = points(l, &UPPER_INNER_LIP);
    let (xa, xb) = (upper[0].0.min(upper[10].0), upper[0].0.max(upper[10].0));
    let (cx, half) = ((xa + xb) / 2.0, (xb - xa) / 2.0);
    for x in xa.floor() as u32..=xb.ceil() as u32 {
        let xf = x as f32 + 0.5;
        let u = ((xf - cx) / half).abs();
        if u >= 1.0 {
            continue;
        }
        let open = drop * (1.0 - u * u).sqrt();
        let Some(yu) = polyline_y(&upper, xf.clamp(xa + 0.01, xb - 0.01)) else { continue };
        let bottom = yu + reach * (xb - xa);
        for y in yu.floor() as u32..=bottom.ceil() as u32 {
            let yf = y as f32 + 0.5;
            if yf < yu || yf > bottom {
                continue;
            }
            if yf < yu + open {
                let t = (yf - yu) / open.max(1.0);
                let shade = (30.0 + 25.0 * (1.0 - (2.0 * t - 1.0).abs())) as u8;
                out.put_pixel(x, y, Rgb([shade + 10, shade / 2, shade / 2]));
            } else {
                let sy = yu + (yf - yu - open) * (bottom - yu) / (bottom - yu - open).max(1.0);
                out.put_pixel(x, y, *image.get_pixel(x, sy.max(0.0) as u32));
            }
        }
    }
    out
}

/// The face tipped down by `pitch` degrees about its centre, re-projected with the mesh's own
/// depth: each pixel inside the face oval gets the depth of its six nearest mesh points
/// (inverse-distance weighted), is rotated about the horizontal axis through the mesh's centre
/// and drawn front to back; the face it came from is blurred out first.
fn tip_down(image: &RgbImage, l: &Landmarks, pitch: f32) -> RgbImage {
    let (w, h) = image.dimensions();
    let pts = l.points();
    let n = pts.len() as f32;
    let (cy, cz) = (pts.iter().map(|p| p.y).sum::<f32>() / n, pts.iter().map(|p| p.z).sum::<f32>() / n);
    let oval = points(l, &FACE_OVAL);
    let (sin, cos) = pitch.to_radians().sin_cos();
    let blurred = imageops::blur(image, 12.0);
    let mut out = image.clone();
    for y in 0..h {
        for x in 0..w {
            if inside(&oval, x as f32 + 0.5, y as f32 + 0.5) {
                out.put_pixel(x, y, *blurred.get_pixel(x, y));
            }
        }
    }
    let mut depth = vec![f32::INFINITY; (w * h) as usize];
    for y in 0..h {
        for x in 0..w {
            let (xf, yf) = (x as f32 + 0.5, y as f32 + 0.5);
            if !inside(&oval, xf, yf) {
                continue;
            }
            let mut near: Vec<(f32, f32)> =
                pts.iter().map(|p| ((p.x - xf).powi(2) + (p.y - yf).powi(2), p.z)).collect();
            near.select_nth_unstable_by(6, |a, b| a.0.total_cmp(&b.0));
            let (weights, sum) = near[..6].iter().fold((0.0, 0.0), |(ws, zs), (d2, z)| {
                let weight = 1.0 / (d2 + 1.0);
                (ws + weight, zs + weight * z)
            });
            let z = sum / weights - cz;
            let dy = yf - cy;
            let (oy, oz) = (cy + dy * cos - z * sin, dy * sin + z * cos);
            for (ex, ey) in [(0.0, 0.0), (0.5, 0.0), (0.0, 0.5), (0.5, 0.5)] {
                let (px, py) = ((xf + ex).floor(), (oy + ey).floor());
                if px < 0.0 || py < 0.0 || px >= w as f32 || py >= h as f32 {
                    continue;
                }
                let i = py as usize * w as usize + px as usize;
                if oz < depth[i] {
                    depth[i] = oz;
                    out.put_pixel(px as u32, py as u32, *image.get_pixel(x, y));
                }
            }
        }
    }
    out
}

/// The astronaut's face scaled (×1.93) and placed where Grace Hopper's is, in a frame of her
/// photograph's size: a face swapped in place, continuous for the on-device checks.
fn astronaut_in_hoppers_place() -> RgbImage {
    let scaled = imageops::resize(&decode(ASTRONAUT), 989, 989, imageops::FilterType::Triangle);
    let mut canvas = RgbImage::from_pixel(512, 600, Rgb([120, 130, 150]));
    imageops::replace(&mut canvas, &scaled, -169, 1);
    canvas
}

// ---- the scene -------------------------------------------------------------------------------

/// A frame and what the device's face model saw in it.
#[derive(Clone)]
struct Shot {
    image: RgbImage,
    seen: FaceObservation,
}

struct Scene {
    neutral: Shot,
    closed: Shot,
    open_mouth: Shot,
    nod: Shot,
    /// The astronaut, in Grace Hopper's place, tipped down.
    swapped_nod: Shot,
    /// Grace Hopper's photograph cropped and shrunk, as the registry keeps it (JPEG).
    registry: Vec<u8>,
    /// The astronaut's photograph shrunk to 256×256 (JPEG).
    other_registry: Vec<u8>,
}

fn analyzer() -> &'static FaceAnalyzer {
    static ANALYZER: OnceLock<FaceAnalyzer> = OnceLock::new();
    ANALYZER.get_or_init(|| FaceAnalyzer::new().expect("the embedded models load"))
}

fn judge() -> &'static LivenessJudge {
    static JUDGE: OnceLock<LivenessJudge> = OnceLock::new();
    JUDGE.get_or_init(|| {
        LivenessJudge::load_default()
            .expect("the models load; fetch dlib's with scripts/fetch-face-match-models.sh")
    })
}

fn landmarks(image: &RgbImage) -> Landmarks {
    let faces = analyzer().analyze(image, Rotation::None).expect("the models run");
    assert_eq!(faces.len(), 1, "one face expected");
    faces.into_iter().next().expect("a face").landmarks
}

/// What the device's observer reports for `image` (a fresh observer: the detector runs).
fn shot(image: RgbImage) -> Shot {
    let seen = LivenessObserver::new(analyzer().clone()).observe_frame(&frame(&image, 0)).expect("observes");
    assert_eq!(seen.face_count, 1);
    Shot { image, seen }
}

fn scene() -> &'static Scene {
    static SCENE: OnceLock<Scene> = OnceLock::new();
    SCENE.get_or_init(|| {
        let hopper = decode(GRACE_HOPPER);
        let neutral = raise_lids(&hopper, &landmarks(&hopper), 0.6, 0.5);
        let mesh = landmarks(&neutral);
        let face_width = analyzer().analyze(&neutral, Rotation::None).expect("runs")[0].detection.bbox.width;
        let swapped = astronaut_in_hoppers_place();
        let registry = imageops::resize(
            &imageops::crop_imm(&hopper, 100, 60, 330, 400).to_image(),
            264,
            320,
            imageops::FilterType::Triangle,
        );
        let other = imageops::resize(&decode(ASTRONAUT), 256, 256, imageops::FilterType::Triangle);
        Scene {
            closed: shot(lower_lids(&neutral, &mesh, 0.6, 2.0, 0.15)),
            open_mouth: shot(drop_jaw(&neutral, &mesh, 0.2 * face_width, 1.3)),
            nod: shot(tip_down(&neutral, &mesh, 20.0)),
            swapped_nod: shot(tip_down(&swapped, &landmarks(&swapped), 20.0)),
            neutral: shot(neutral),
            registry: jpeg(&registry),
            other_registry: jpeg(&other),
        }
    })
}

// ---- sessions --------------------------------------------------------------------------------

fn challenge() -> Challenge {
    Challenge::new(NONCE.to_vec(), ORDER.to_vec(), 30_000).expect("challenge")
}

/// A cooperative take, at 10 frames per second: calibration, then each action between neutral
/// frames (as `shimin-core`'s session tests script it). `blink`, `mouth` and `nod` are the shots
/// of the action frames.
fn take<'a>(s: &'a Scene, blink: &'a Shot, mouth: &'a Shot, nod: &'a Shot) -> Vec<&'a Shot> {
    let n = &s.neutral;
    let mut shots = vec![n; 5];
    shots.extend([n, n, blink, n, n, n]);
    shots.extend([n, n]);
    shots.extend([mouth; 6]);
    shots.extend([n, n]);
    shots.extend([n, n, nod, nod, nod, n, n, n, n, n]);
    shots
}

/// Runs the real session over `shots` and makes its evidence, each key frame encoded by `encode`.
fn evidence(shots: &[&Shot], encode: impl FnMut(&Frame) -> Result<Vec<u8>, String>) -> Evidence {
    let mut step = Step::start(challenge());
    for (i, shot) in shots.iter().enumerate() {
        step = step.push(frame(&shot.image, i as u64 * 100), &shot.seen);
        if step.is_finished() {
            break;
        }
    }
    let Step::Passed(passed) = step else { panic!("the session did not pass: {:?}", step.failure()) };
    Evidence::from_session(passed, encode).expect("evidence")
}

fn key_frame_jpeg(frame: &Frame) -> Result<Vec<u8>, String> {
    encode_jpeg(frame, 90).map_err(|e| e.to_string())
}

/// Signed evidence of a cooperative take and the key that signed it.
fn cooperative() -> (Vec<u8>, VerifyingKey) {
    let s = scene();
    let key = SigningKey::generate_p256().expect("key");
    let signed = evidence(&take(s, &s.closed, &s.open_mouth, &s.nod), key_frame_jpeg)
        .sign(&key, b"device-1")
        .expect("signs");
    (signed, key.verifying_key())
}

fn judged(signed: &[u8], key: &VerifyingKey, challenge: &Challenge, registry: Option<&[u8]>) -> Decision {
    let answer = LivenessAnswer {
        challenge,
        issued_at_ms: ISSUED_AT_MS,
        signed_evidence: signed,
        device_key: key,
        registry_photo: registry,
    };
    judge().judge(&answer, NOW_MS)
}

fn fail(decision: Decision) -> FailReason {
    match decision {
        Decision::Fail(reason) => reason,
        Decision::Pass => panic!("expected a failure, got a pass"),
    }
}

fn relative(a: &FaceMeasures, neutral: &FaceMeasures) -> [f32; 6] {
    [
        a.left_eye_aspect_ratio / neutral.left_eye_aspect_ratio,
        a.right_eye_aspect_ratio / neutral.right_eye_aspect_ratio,
        a.mouth_aspect_ratio - neutral.mouth_aspect_ratio,
        a.mouth_width_ratio / neutral.mouth_width_ratio,
        a.yaw_degrees - neutral.yaw_degrees,
        a.pitch_degrees - neutral.pitch_degrees,
    ]
}

// ---- tests -----------------------------------------------------------------------------------

#[test]
fn the_edited_frames_measure_as_the_actions() {
    let s = scene();
    let face = |shot: &Shot| shot.seen.face.expect("a face");
    let neutral = face(&s.neutral);
    let [left, right, _, _, _, _] = relative(&face(&s.closed), &neutral);
    eprintln!("closed eyes: {left:.2} / {right:.2} of the neutral eye ratios");
    assert!(left < BLINK_CLOSED_RATIO && right < BLINK_CLOSED_RATIO);
    let [_, _, opening, widening, _, _] = relative(&face(&s.open_mouth), &neutral);
    eprintln!("open mouth: +{opening:.2} mouth ratio, width ×{widening:.2}");
    assert!(opening >= MOUTH_OPEN_DELTA && widening <= MOUTH_MAX_WIDENING);
    for nod in [&s.nod, &s.swapped_nod] {
        let [_, _, _, _, yaw, pitch] = relative(&face(nod), &neutral);
        eprintln!("nod: pitch +{pitch:.1}°, yaw {yaw:+.1}°");
        assert!(pitch >= NOD_PITCH && yaw.abs() <= NOD_MAX_YAW);
    }
}

#[test]
fn a_cooperative_session_of_the_registry_person_passes() {
    let (signed, key) = cooperative();
    let s = scene();
    // The first judgement also loads nothing: the judge is loaded before the clock starts.
    let judge = judge();
    let answer = LivenessAnswer {
        challenge: &challenge(),
        issued_at_ms: ISSUED_AT_MS,
        signed_evidence: &signed,
        device_key: &key,
        registry_photo: Some(&s.registry),
    };
    let mut times = Vec::new();
    for _ in 0..3 {
        let started = Instant::now();
        let decision = judge.judge(&answer, NOW_MS);
        times.push(started.elapsed());
        assert_eq!(decision, Decision::Pass);
    }
    eprintln!("judge() took {times:?} (evidence of {} bytes)", signed.len());
}

#[test]
fn another_persons_registry_photo_fails_the_face_match() {
    let (signed, key) = cooperative();
    let s = scene();
    assert_eq!(
        fail(judged(&signed, &key, &challenge(), Some(&s.other_registry))),
        FailReason::NotRegistryPerson
    );
    assert_eq!(fail(judged(&signed, &key, &challenge(), None)), FailReason::NoRegistryPhoto);
    assert_eq!(fail(judged(&signed, &key, &challenge(), Some(b"not a photo"))), FailReason::BadRegistryPhoto);
}

#[test]
fn a_face_swapped_into_a_key_frame_fails() {
    // The astronaut nods in Grace Hopper's place: the device measured her honestly and its
    // continuity checks passed (same place, same size, proportions within the on-device limit).
    let s = scene();
    let key = SigningKey::generate_p256().expect("key");
    let signed = evidence(&take(s, &s.closed, &s.open_mouth, &s.swapped_nod), key_frame_jpeg)
        .sign(&key, b"device-1")
        .expect("signs");
    assert_eq!(
        fail(judged(&signed, &key.verifying_key(), &challenge(), Some(&s.registry))),
        FailReason::NotSamePerson(KeyFrameName(KeyFrameKind::Action(Action::Nod)))
    );
}

#[test]
fn a_trace_that_disagrees_with_its_key_frame_fails() {
    // A device that films open eyes and reports the closed-eye measures for that frame.
    let s = scene();
    let fabricated = Shot { image: s.neutral.image.clone(), seen: s.closed.seen };
    let key = SigningKey::generate_p256().expect("key");
    let signed = evidence(&take(s, &fabricated, &s.open_mouth, &s.nod), key_frame_jpeg)
        .sign(&key, b"device-1")
        .expect("signs");
    let reason = fail(judged(&signed, &key.verifying_key(), &challenge(), Some(&s.registry)));
    let blink = KeyFrameName(KeyFrameKind::Action(Action::Blink));
    assert!(
        matches!(reason, FailReason::TraceDisagrees { kind, measure: Measure::LeftEye | Measure::RightEye } if kind == blink),
        "{reason:?}"
    );
    // Its log line names the frame and the measure, not the values.
    assert_eq!(reason.to_string(), "the left_eye of the blink key frame disagrees with the trace");
}

#[test]
fn evidence_signed_by_another_key_fails() {
    let (signed, _) = cooperative();
    let other = SigningKey::generate_p256().expect("key").verifying_key();
    let reason = fail(judged(&signed, &other, &challenge(), Some(&scene().registry)));
    assert!(matches!(reason, FailReason::Evidence(EvidenceError::Signature(_))), "{reason:?}");
    assert!(matches!(
        fail(judged(b"\xd2\x84garbage", &other, &challenge(), Some(&scene().registry))),
        FailReason::Evidence(_)
    ));
}

#[test]
fn a_corrupted_jpeg_fails_cleanly() {
    let s = scene();
    // The blink key frame (the second one encoded): a JPEG header, then noise.
    let mut encoded = 0;
    let corrupt = |frame: &Frame| {
        encoded += 1;
        let mut bytes = key_frame_jpeg(frame)?;
        if encoded == 2 {
            for (i, b) in bytes.iter_mut().enumerate().skip(20) {
                *b = (i as u8).wrapping_mul(31);
            }
        }
        Ok(bytes)
    };
    let key = SigningKey::generate_p256().expect("key");
    let signed =
        evidence(&take(s, &s.closed, &s.open_mouth, &s.nod), corrupt).sign(&key, b"device-1").expect("signs");
    assert_eq!(
        fail(judged(&signed, &key.verifying_key(), &challenge(), Some(&s.registry))),
        FailReason::BadKeyFrame(KeyFrameName(KeyFrameKind::Action(Action::Blink)))
    );
}

#[test]
fn a_key_frame_with_several_faces_fails() {
    // The left part of the insightface group photo (three people) at the session's frame size
    // (640×750 → 512×600, the same aspect), reported by the device as one face with closed eyes.
    let s = scene();
    let left = imageops::crop_imm(&group_photo(), 0, 0, 640, 750).to_image();
    let group = imageops::resize(&left, 512, 600, imageops::FilterType::Triangle);
    let crowd = Shot { image: group, seen: s.closed.seen };
    let key = SigningKey::generate_p256().expect("key");
    let signed = evidence(&take(s, &crowd, &s.open_mouth, &s.nod), key_frame_jpeg)
        .sign(&key, b"device-1")
        .expect("signs");
    let reason = fail(judged(&signed, &key.verifying_key(), &challenge(), Some(&s.registry)));
    assert!(matches!(reason, FailReason::KeyFrameFaces { faces, .. } if faces > 1), "{reason:?}");
}

#[test]
fn another_challenge_or_a_late_answer_fails() {
    let (signed, key) = cooperative();
    let registry = Some(scene().registry.as_slice());
    let other_nonce = Challenge::new(vec![0x24; 16], ORDER.to_vec(), 30_000).expect("challenge");
    assert_eq!(
        fail(judged(&signed, &key, &other_nonce, registry)),
        FailReason::Audit(AuditFailure::NonceMismatch)
    );
    let reordered =
        Challenge::new(NONCE.to_vec(), vec![Action::Nod, Action::Blink, Action::MouthOpen], 30_000)
            .expect("challenge");
    assert_eq!(
        fail(judged(&signed, &key, &reordered, registry)),
        FailReason::Audit(AuditFailure::ActionsMismatch)
    );
    let answer = LivenessAnswer {
        challenge: &challenge(),
        issued_at_ms: ISSUED_AT_MS,
        signed_evidence: &signed,
        device_key: &key,
        registry_photo: registry,
    };
    let deadline = ISSUED_AT_MS + 30_000 + UPLOAD_GRACE_MS;
    assert_eq!(judge().judge(&answer, deadline + 1), Decision::Fail(FailReason::Expired));
    assert_eq!(judge().judge(&answer, deadline), Decision::Pass);
}

/// The group photo `insightface/data/images/t1.jpg` from the PyPI wheel `insightface==2.1` (no
/// licence stated, so not committed): `scripts/fetch-face-match-models.sh` caches it where
/// `facematch/tests/common` looks.
fn group_photo() -> RgbImage {
    let dir =
        std::env::var_os("SHIMIN_FACEMATCH_TEST_IMAGES").map(std::path::PathBuf::from).unwrap_or_else(|| {
            let cache = std::env::var_os("XDG_CACHE_HOME")
                .map(std::path::PathBuf::from)
                .filter(|p| p.is_absolute())
                .or_else(|| std::env::var_os("HOME").map(|h| std::path::PathBuf::from(h).join(".cache")))
                .expect("HOME is set");
            cache.join("shimin").join("insightface-2.1")
        });
    let path = dir.join("t1.jpg");
    let bytes = std::fs::read(&path).unwrap_or_else(|e| {
        panic!("{}: {e}; fetch it with scripts/fetch-face-match-models.sh", path.display())
    });
    decode(&bytes)
}
