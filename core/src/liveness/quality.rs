//! The quality gate: is this frame good enough to measure a face on? And the two image measures
//! it needs (brightness and sharpness of the face region), computed here so that every
//! [`super::FaceObserver`] reports them the same way.

use super::frame::{Frame, FrameRotation};
use super::observation::{FaceBox, FaceObservation};

/// Smallest face accepted: the box's longer side as a fraction of the frame's shorter side.
/// A phone's front camera at arm's length (~40 cm) shows a face at about a third of the shorter
/// side; 0.20 is about 70 cm, beyond arm's length. In a 640×480 frame it is 96 px, where an eye is
/// about 20 px wide and its opening only a few pixels — smaller, and the eye measures are noise.
pub const MIN_FACE_SIZE: f32 = 0.20;
/// Largest face accepted (same measure): above this the forehead or chin leaves the frame as
/// soon as the head turns or nods, and the mesh loses its crop.
pub const MAX_FACE_SIZE: f32 = 0.80;
/// How far the face's centre may sit from the frame's centre, as a fraction of the frame's width
/// (horizontally) or height (vertically). Beyond it a head turn takes the face out of the frame.
pub const MAX_CENTRE_OFFSET: f32 = 0.20;
/// How far (fraction of the frame) the face box may reach past an edge before it counts as cut.
const EDGE_TOLERANCE: f32 = 0.02;
/// Darkest face accepted (mean luma 0–255 over the face box). Under it a phone camera runs at
/// high gain; noise dominates the eyelid and lip edges and the eye and mouth measures jitter.
pub const MIN_BRIGHTNESS: f32 = 60.0;
/// Brightest face accepted: above it skin is clipped to white and the eyelid contour washes out
/// (a lamp or the sun straight into the face).
pub const MAX_BRIGHTNESS: f32 = 225.0;
/// Least sharpness accepted ([`sharpness`]: variance of the Laplacian of the face region
/// resampled to [`SHARPNESS_GRID`]²). A sharp, well-lit face photograph measures in the hundreds;
/// motion blur or a defocused lens spreading an edge over about 3 % of the face's width brings
/// it under this value, where the eyelid position (a few pixels) can no longer be trusted.
pub const MIN_SHARPNESS: f32 = 40.0;
/// The face region is resampled to this many cells a side before measuring sharpness, so that
/// the measure does not depend on how many pixels the face covers.
pub const SHARPNESS_GRID: usize = 64;

/// Why a frame does not pass the gate, in the order they are checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum QualityIssue {
    /// No face found.
    NoFace,
    /// More than one face in the frame.
    SeveralFaces,
    /// The face is too small: come closer.
    TooSmall,
    /// The face is too large: move back.
    TooLarge,
    /// The face is off centre or cut by the frame's edge.
    OffCentre,
    /// Not enough light on the face.
    TooDark,
    /// Too much light on the face.
    TooBright,
    /// The face is blurred (motion or focus).
    Blurred,
}

/// Checks one frame's observation against the gate.
///
/// # Errors
/// The first [`QualityIssue`] found.
pub fn assess(frame: &Frame, observation: &FaceObservation) -> Result<(), QualityIssue> {
    if observation.face_count > 1 {
        return Err(QualityIssue::SeveralFaces);
    }
    let Some(face) = observation.usable_face() else { return Err(QualityIssue::NoFace) };
    if observation.face_count == 0 {
        return Err(QualityIssue::NoFace);
    }
    let b = face.face_box;
    let (w, h) = frame.upright_size();
    let (w, h) = (w as f32, h as f32);
    let size = (b.width * w).max(b.height * h) / w.min(h);
    if size < MIN_FACE_SIZE {
        return Err(QualityIssue::TooSmall);
    }
    if size > MAX_FACE_SIZE {
        return Err(QualityIssue::TooLarge);
    }
    let (cx, cy) = b.center();
    let cut = b.x < -EDGE_TOLERANCE
        || b.y < -EDGE_TOLERANCE
        || b.x + b.width > 1.0 + EDGE_TOLERANCE
        || b.y + b.height > 1.0 + EDGE_TOLERANCE;
    if (cx - 0.5).abs() > MAX_CENTRE_OFFSET || (cy - 0.5).abs() > MAX_CENTRE_OFFSET || cut {
        return Err(QualityIssue::OffCentre);
    }
    // A NaN brightness or sharpness is refused too.
    if observation.brightness.is_nan() || observation.brightness < MIN_BRIGHTNESS {
        return Err(QualityIssue::TooDark);
    }
    if observation.brightness > MAX_BRIGHTNESS {
        return Err(QualityIssue::TooBright);
    }
    if observation.sharpness.is_nan() || observation.sharpness < MIN_SHARPNESS {
        return Err(QualityIssue::Blurred);
    }
    Ok(())
}

/// A pixel rectangle of the sensor frame: `x0..x1`, `y0..y1`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct PixelRect {
    x0: u32,
    y0: u32,
    x1: u32,
    y1: u32,
}

/// The sensor-frame rectangle under `region` (a box in the upright frame), clipped to the frame;
/// the whole frame when `region` is `None`, unusable, or outside the frame.
fn sensor_rect(frame: &Frame, region: Option<&FaceBox>) -> PixelRect {
    let whole = PixelRect { x0: 0, y0: 0, x1: frame.width(), y1: frame.height() };
    let Some(b) = region.filter(|b| b.is_usable()) else { return whole };
    // Upright → sensor, in fractions (see `FrameRotation`: the upright frame is the sensor frame
    // turned clockwise).
    let (x, y, w, h) = match frame.rotation() {
        FrameRotation::None => (b.x, b.y, b.width, b.height),
        FrameRotation::Clockwise90 => (b.y, 1.0 - b.x - b.width, b.height, b.width),
        FrameRotation::Clockwise180 => (1.0 - b.x - b.width, 1.0 - b.y - b.height, b.width, b.height),
        FrameRotation::Clockwise270 => (1.0 - b.y - b.height, b.x, b.height, b.width),
    };
    let (fw, fh) = (frame.width() as f32, frame.height() as f32);
    // `as` saturates: negative values become 0, huge ones u32::MAX, then `min` clips.
    let x0 = ((x * fw).floor().max(0.0) as u32).min(frame.width());
    let y0 = ((y * fh).floor().max(0.0) as u32).min(frame.height());
    let x1 = (((x + w) * fw).ceil().max(0.0) as u32).min(frame.width());
    let y1 = (((y + h) * fh).ceil().max(0.0) as u32).min(frame.height());
    if x1 <= x0 || y1 <= y0 { whole } else { PixelRect { x0, y0, x1, y1 } }
}

fn luma(px: &[u8]) -> f32 {
    match px {
        [r, g, b, ..] => 0.299 * f32::from(*r) + 0.587 * f32::from(*g) + 0.114 * f32::from(*b),
        _ => 0.0,
    }
}

/// Mean luma (0–255, BT.601 weights) over `region` of the upright frame (the whole frame for
/// `None`).
pub fn brightness(frame: &Frame, region: Option<&FaceBox>) -> f32 {
    let r = sensor_rect(frame, region);
    let stride = frame.width() as usize * 3;
    let rgb = frame.rgb();
    let (mut sum, mut n) = (0.0f64, 0u64);
    for y in r.y0..r.y1 {
        let row = y as usize * stride;
        for x in r.x0..r.x1 {
            let i = row + x as usize * 3;
            if let Some(px) = rgb.get(i..i + 3) {
                sum += f64::from(luma(px));
                n += 1;
            }
        }
    }
    if n == 0 { 0.0 } else { (sum / n as f64) as f32 }
}

/// Sharpness of `region` of the upright frame (the whole frame for `None`): the region is
/// averaged down to [`SHARPNESS_GRID`]² luma cells (so the measure does not depend on the face's
/// size in pixels), and the variance of the 4-neighbour Laplacian over that grid is returned.
/// Blur removes the fine detail the Laplacian responds to.
pub fn sharpness(frame: &Frame, region: Option<&FaceBox>) -> f32 {
    let r = sensor_rect(frame, region);
    let (rw, rh) = ((r.x1 - r.x0) as usize, (r.y1 - r.y0) as usize);
    // A region smaller than the grid gets one cell per pixel, so that every cell is filled.
    let (gw, gh) = (SHARPNESS_GRID.min(rw), SHARPNESS_GRID.min(rh));
    if gw < 3 || gh < 3 {
        return 0.0;
    }
    let mut sums = vec![0.0f32; gw * gh];
    let mut counts = vec![0u32; gw * gh];
    let stride = frame.width() as usize * 3;
    let rgb = frame.rgb();
    for y in 0..rh {
        let cy = y * gh / rh;
        let row = (r.y0 as usize + y) * stride;
        for x in 0..rw {
            let k = cy * gw + x * gw / rw;
            let i = row + (r.x0 as usize + x) * 3;
            if let (Some(px), Some(s), Some(c)) = (rgb.get(i..i + 3), sums.get_mut(k), counts.get_mut(k)) {
                *s += luma(px);
                *c += 1;
            }
        }
    }
    let cell = |x: usize, y: usize| -> f32 {
        let k = y * gw + x;
        match (sums.get(k), counts.get(k)) {
            (Some(s), Some(c)) if *c > 0 => s / *c as f32,
            _ => 0.0,
        }
    };
    let mut values = Vec::with_capacity(gw * gh);
    for y in 1..gh - 1 {
        for x in 1..gw - 1 {
            values.push(cell(x - 1, y) + cell(x + 1, y) + cell(x, y - 1) + cell(x, y + 1) - 4.0 * cell(x, y));
        }
    }
    let len = values.len().max(1) as f32;
    let mean = values.iter().sum::<f32>() / len;
    values.iter().map(|v| (v - mean) * (v - mean)).sum::<f32>() / len
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::liveness::observation::{FaceMeasures, FaceShape};

    fn frame_of(width: u32, height: u32, rotation: FrameRotation, f: impl Fn(u32, u32) -> [u8; 3]) -> Frame {
        let mut rgb = Vec::with_capacity((width * height * 3) as usize);
        for y in 0..height {
            for x in 0..width {
                rgb.extend_from_slice(&f(x, y));
            }
        }
        Frame::new(width, height, rgb, 0, rotation).expect("frame")
    }

    fn observation(face_box: FaceBox, brightness: f32, sharpness: f32) -> FaceObservation {
        FaceObservation {
            face_count: 1,
            face: Some(FaceMeasures {
                face_box,
                left_eye_aspect_ratio: 0.3,
                right_eye_aspect_ratio: 0.3,
                mouth_aspect_ratio: 0.02,
                mouth_width_ratio: 0.8,
                yaw_degrees: 0.0,
                pitch_degrees: 0.0,
                roll_degrees: 0.0,
                shape: FaceShape([1.0; 6]),
            }),
            brightness,
            sharpness,
        }
    }

    const GOOD_BOX: FaceBox = FaceBox { x: 0.35, y: 0.3, width: 0.3, height: 0.4 };

    #[test]
    fn the_gate_names_the_first_problem() {
        let frame = frame_of(64, 48, FrameRotation::None, |_, _| [0, 0, 0]);
        assert_eq!(assess(&frame, &observation(GOOD_BOX, 120.0, 200.0)), Ok(()));
        let none = FaceObservation::no_face(120.0, 200.0);
        assert_eq!(assess(&frame, &none), Err(QualityIssue::NoFace));
        let mut two = observation(GOOD_BOX, 120.0, 200.0);
        two.face_count = 2;
        assert_eq!(assess(&frame, &two), Err(QualityIssue::SeveralFaces));
        let small = FaceBox { x: 0.45, y: 0.45, width: 0.1, height: 0.1 };
        assert_eq!(assess(&frame, &observation(small, 120.0, 200.0)), Err(QualityIssue::TooSmall));
        let large = FaceBox { x: 0.0, y: 0.0, width: 1.0, height: 1.0 };
        assert_eq!(assess(&frame, &observation(large, 120.0, 200.0)), Err(QualityIssue::TooLarge));
        let corner = FaceBox { x: 0.0, y: 0.0, width: 0.3, height: 0.4 };
        assert_eq!(assess(&frame, &observation(corner, 120.0, 200.0)), Err(QualityIssue::OffCentre));
        assert_eq!(assess(&frame, &observation(GOOD_BOX, 20.0, 200.0)), Err(QualityIssue::TooDark));
        assert_eq!(assess(&frame, &observation(GOOD_BOX, 250.0, 200.0)), Err(QualityIssue::TooBright));
        assert_eq!(assess(&frame, &observation(GOOD_BOX, 120.0, 1.0)), Err(QualityIssue::Blurred));
        assert_eq!(assess(&frame, &observation(GOOD_BOX, f32::NAN, 200.0)), Err(QualityIssue::TooDark));
        let mut nan = observation(GOOD_BOX, 120.0, 200.0);
        if let Some(f) = nan.face.as_mut() {
            f.yaw_degrees = f32::NAN;
        }
        assert_eq!(assess(&frame, &nan), Err(QualityIssue::NoFace));
    }

    #[test]
    fn brightness_reads_the_region_through_the_rotation() {
        // Sensor frame 40×20: the left half white, the right half black.
        for rotation in [
            FrameRotation::None,
            FrameRotation::Clockwise90,
            FrameRotation::Clockwise180,
            FrameRotation::Clockwise270,
        ] {
            let frame = frame_of(40, 20, rotation, |x, _| if x < 20 { [255; 3] } else { [0; 3] });
            // Where the sensor's left half lands in the upright frame.
            let white = match rotation {
                FrameRotation::None => FaceBox { x: 0.0, y: 0.0, width: 0.5, height: 1.0 },
                FrameRotation::Clockwise90 => FaceBox { x: 0.0, y: 0.0, width: 1.0, height: 0.5 },
                FrameRotation::Clockwise180 => FaceBox { x: 0.5, y: 0.0, width: 0.5, height: 1.0 },
                FrameRotation::Clockwise270 => FaceBox { x: 0.0, y: 0.5, width: 1.0, height: 0.5 },
            };
            assert!((brightness(&frame, Some(&white)) - 255.0).abs() < 0.5, "{rotation:?}");
            assert!((brightness(&frame, None) - 127.5).abs() < 0.5, "{rotation:?}");
        }
    }

    #[test]
    fn a_checkerboard_is_sharp_and_its_blur_is_not() {
        let sharp = frame_of(128, 128, FrameRotation::None, |x, y| {
            if (x / 4 + y / 4) % 2 == 0 { [230; 3] } else { [30; 3] }
        });
        let flat = frame_of(128, 128, FrameRotation::None, |_, _| [128; 3]);
        assert!(sharpness(&sharp, None) > MIN_SHARPNESS * 10.0, "{}", sharpness(&sharp, None));
        assert!(sharpness(&flat, None) < 1e-3);
        // Odd regions and tiny frames give a number, not a panic.
        let tiny = frame_of(2, 2, FrameRotation::None, |_, _| [9; 3]);
        assert_eq!(sharpness(&tiny, None), 0.0);
        let outside = FaceBox { x: 5.0, y: 5.0, width: 1.0, height: 1.0 };
        assert!(brightness(&tiny, Some(&outside)).is_finite());
        let nan = FaceBox { x: f32::NAN, y: 0.0, width: 1.0, height: 1.0 };
        assert!(sharpness(&sharp, Some(&nan)).is_finite());
    }
}
