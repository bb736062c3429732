//! A liveness "film" of Grace Hopper's portrait (US Navy, public domain, from matplotlib's sample
//! data): every frame is the photograph or an edit of it that the real mesh (`shimin-face`)
//! measures as an action, and what the device's observer saw in it.
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
//! Head shakes cannot be filmed: the depth-based turn moves the mesh's yaw by at most 11–15° for a
//! 65° turn, under the 15° each way a shake needs, so a challenge for this film draws from blink,
//! mouth and nod ([`FILMABLE`]). The astronaut (Eileen Collins, NASA, public domain, from
//! scikit-image) is the "other person".

use std::path::Path;
use std::sync::OnceLock;

use image::codecs::jpeg::JpegEncoder;
use image::{Rgb, RgbImage, imageops};
use shimin_core::liveness::{Action, Challenge, Evidence, FaceObservation, Frame, FrameRotation, Step};
use shimin_face::{FaceAnalyzer, Landmarks, LivenessObserver, Rotation, encode_jpeg};

/// Eileen Collins, NASA portrait (public domain), from scikit-image.
pub const ASTRONAUT: &[u8] = include_bytes!("../../face/tests/images/astronaut.jpg");
/// Grace Hopper, US Navy portrait (public domain), from matplotlib's sample data.
pub const GRACE_HOPPER: &[u8] = include_bytes!("../../face/tests/images/grace_hopper.jpg");

/// The actions this film can show.
pub const FILMABLE: [Action; 3] = [Action::Blink, Action::MouthOpen, Action::Nod];

/// Milliseconds between the film's frames (10 frames a second).
pub const FRAME_INTERVAL_MS: u64 = 100;

/// Decodes a test photograph.
pub fn decode(bytes: &[u8]) -> RgbImage {
    image::load_from_memory(bytes).expect("a test image decodes").to_rgb8()
}

/// JPEG at quality 90.
pub fn jpeg(image: &RgbImage) -> Vec<u8> {
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, 90).encode_image(image).expect("encodes");
    out
}

/// A frame of `image` at `t` ms.
pub fn frame(image: &RgbImage, t: u64) -> Frame {
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
pub fn raise_lids(image: &RgbImage, l: &Landmarks, reach: f32, amount: f32) -> RgbImage {
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
pub fn lower_lids(image: &RgbImage, l: &Landmarks, reach: f32, amount: f32, widen: f32) -> RgbImage {
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
pub fn drop_jaw(image: &RgbImage, l: &Landmarks, drop: f32, reach: f32) -> RgbImage {
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
pub fn tip_down(image: &RgbImage, l: &Landmarks, pitch: f32) -> RgbImage {
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
pub fn astronaut_in_hoppers_place() -> RgbImage {
    let scaled = imageops::resize(&decode(ASTRONAUT), 989, 989, imageops::FilterType::Triangle);
    let mut canvas = RgbImage::from_pixel(512, 600, Rgb([120, 130, 150]));
    imageops::replace(&mut canvas, &scaled, -169, 1);
    canvas
}

// ---- the scene -------------------------------------------------------------------------------

/// A frame and what the device's face model saw in it.
#[derive(Debug, Clone)]
pub struct Shot {
    /// The frame.
    pub image: RgbImage,
    /// What the device's observer measured on it.
    pub seen: FaceObservation,
}

/// Every shot of the film, made once per process.
#[derive(Debug)]
pub struct Scene {
    /// Eyes open, mouth closed, facing the camera.
    pub neutral: Shot,
    /// Eyes closed.
    pub closed: Shot,
    /// Mouth open.
    pub open_mouth: Shot,
    /// Face tipped down.
    pub nod: Shot,
    /// The astronaut, in Grace Hopper's place, tipped down.
    pub swapped_nod: Shot,
    /// Grace Hopper's photograph cropped and shrunk, as the registry keeps it (JPEG).
    pub registry: Vec<u8>,
    /// The astronaut's photograph shrunk to 256×256 (JPEG).
    pub other_registry: Vec<u8>,
}

/// The embedded face models, loaded once.
pub fn analyzer() -> &'static FaceAnalyzer {
    static ANALYZER: OnceLock<FaceAnalyzer> = OnceLock::new();
    ANALYZER.get_or_init(|| FaceAnalyzer::new().expect("the embedded models load"))
}

/// The mesh of the one face on `image`.
pub fn landmarks(image: &RgbImage) -> Landmarks {
    let faces = analyzer().analyze(image, Rotation::None).expect("the models run");
    assert_eq!(faces.len(), 1, "one face expected");
    faces.into_iter().next().expect("a face").landmarks
}

/// What the device's observer reports for `image` (a fresh observer: the detector runs).
pub fn shot(image: RgbImage) -> Shot {
    let seen = LivenessObserver::new(analyzer().clone()).observe_frame(&frame(&image, 0)).expect("observes");
    assert_eq!(seen.face_count, 1);
    Shot { image, seen }
}

/// The film's shots, made on first use (a few seconds: the mesh runs on each edit).
pub fn scene() -> &'static Scene {
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

impl Scene {
    /// The film's shot of `action`.
    ///
    /// # Panics
    /// For a head shake, which this film cannot show (see the module documentation).
    pub fn action(&self, action: Action) -> &Shot {
        match action {
            Action::Blink => &self.closed,
            Action::MouthOpen => &self.open_mouth,
            Action::Nod => &self.nod,
            Action::ShakeHead => panic!("the film cannot show a head shake"),
        }
    }

    /// A cooperative take of `order` at 10 frames a second: calibration, then each action
    /// between neutral frames (as `shimin-core`'s session tests script it).
    pub fn take(&self, order: &[Action]) -> Vec<&Shot> {
        self.take_with(order, |a| self.action(a))
    }

    /// Half a second looking straight at the camera: what a phone streams while the server
    /// calibrates a paced check.
    pub fn looking(&self) -> Vec<&Shot> {
        vec![&self.neutral; 5]
    }

    /// The film performing `action` between neutral frames, as a phone streams it once a paced
    /// check has revealed it (a blink in 0.5 s, an open mouth or a nod in 1 s).
    ///
    /// # Panics
    /// For a head shake, as [`Scene::action`].
    pub fn performing(&self, action: Action) -> Vec<&Shot> {
        let (n, a) = (&self.neutral, self.action(action));
        match action {
            Action::Blink => vec![n, n, a, n, n],
            Action::MouthOpen => [vec![n, n], vec![a; 6], vec![n, n]].concat(),
            Action::Nod | Action::ShakeHead => [vec![n, n, a, a, a], vec![n; 5]].concat(),
        }
    }

    /// A take of `order` in which `shot_of` gives each action's frame (an attack puts another
    /// face or a fabricated measure there).
    pub fn take_with<'a>(&'a self, order: &[Action], shot_of: impl Fn(Action) -> &'a Shot) -> Vec<&'a Shot> {
        let n = &self.neutral;
        let mut shots = vec![n; 5];
        for &action in order {
            let a = shot_of(action);
            match action {
                Action::Blink => shots.extend([n, n, a, n, n, n]),
                Action::MouthOpen => {
                    shots.extend([n, n]);
                    shots.extend([a; 6]);
                    shots.extend([n, n]);
                }
                Action::Nod | Action::ShakeHead => {
                    shots.extend([n, n, a, a, a]);
                    shots.extend([n; 5]);
                }
            }
        }
        shots
    }
}

/// The key frame encoding the app and the CLI use: JPEG at [`shimin_face::KEY_FRAME_QUALITY`].
///
/// # Errors
/// The encoder's message.
pub fn key_frame_jpeg(frame: &Frame) -> Result<Vec<u8>, String> {
    encode_jpeg(frame, shimin_face::KEY_FRAME_QUALITY).map_err(|e| e.to_string())
}

/// Runs the real on-device session of `challenge` over `shots` and makes its evidence, each key
/// frame encoded by `encode`.
///
/// # Panics
/// When the session does not pass.
pub fn evidence(
    challenge: &Challenge,
    shots: &[&Shot],
    encode: impl FnMut(&Frame) -> Result<Vec<u8>, String>,
) -> Evidence {
    let mut step = Step::start(challenge.clone());
    for (i, shot) in shots.iter().enumerate() {
        step = step.push(frame(&shot.image, i as u64 * FRAME_INTERVAL_MS), &shot.seen);
        if step.is_finished() {
            break;
        }
    }
    let Step::Passed(passed) = step else { panic!("the session did not pass: {:?}", step.failure()) };
    Evidence::from_session(passed, encode).expect("evidence")
}

/// Writes `shots` as numbered PNG files (`0000.png`, `0001.png`, …) into `dir`, the input of a
/// file frame source (`shimin liveness --frames DIR`, the app's `SHIMIN_CAMERA_FRAMES`).
///
/// # Errors
/// When a file cannot be written.
pub fn write_frames(dir: &Path, shots: &[&Shot]) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    for (i, shot) in shots.iter().enumerate() {
        shot.image
            .save_with_format(dir.join(format!("{i:04}.png")), image::ImageFormat::Png)
            .map_err(std::io::Error::other)?;
    }
    Ok(())
}
