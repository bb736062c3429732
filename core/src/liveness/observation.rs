//! What a face model reports about one frame, and the trait a model implements to report it.
//!
//! The core holds no model: `shimin-face` implements [`FaceObserver`] with MediaPipe's detector
//! and mesh. Tests drive the pipeline with hand-made observations.

use std::fmt;

use super::frame::Frame;

/// A face box in the upright frame, as fractions of its width (`x`, `width`) and height (`y`,
/// `height`), so that quality rules do not depend on the camera's resolution.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FaceBox {
    /// Left edge, 0 at the frame's left.
    pub x: f32,
    /// Top edge, 0 at the frame's top.
    pub y: f32,
    /// Width as a fraction of the frame's width.
    pub width: f32,
    /// Height as a fraction of the frame's height.
    pub height: f32,
}

impl FaceBox {
    /// The box from pixel coordinates in an upright frame of `frame_width`×`frame_height`.
    pub fn from_pixels(x: f32, y: f32, width: f32, height: f32, frame_width: u32, frame_height: u32) -> Self {
        let (fw, fh) = (frame_width.max(1) as f32, frame_height.max(1) as f32);
        Self { x: x / fw, y: y / fh, width: width / fw, height: height / fh }
    }

    /// The centre, as fractions.
    pub fn center(&self) -> (f32, f32) {
        (self.x + self.width / 2.0, self.y + self.height / 2.0)
    }

    /// Whether every value is finite and the box has a positive area.
    pub fn is_usable(&self) -> bool {
        [self.x, self.y, self.width, self.height].iter().all(|v| v.is_finite())
            && self.width > 0.0
            && self.height > 0.0
    }
}

/// The median of `values` (the mean of the two middle values for an even count); `None` when
/// empty. NaNs sort last and are never picked from a majority of finite values.
pub fn median(values: &[f32]) -> Option<f32> {
    let mut sorted = values.to_vec();
    sorted.sort_by(f32::total_cmp);
    let n = sorted.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => sorted.get(n / 2).copied(),
        _ => Some((sorted.get(n / 2 - 1).copied()? + sorted.get(n / 2).copied()?) / 2.0),
    }
}

/// How many ratios a [`FaceShape`] holds.
pub const SHAPE_LEN: usize = 6;

/// Scale-free proportions of a face (distances between mesh points divided by the distance
/// between the outer eye corners), used to notice that the face in front of the camera changed
/// during a session. It is a weak identity signal: the face mesh pulls every face towards its
/// canonical shape (measured with `shimin-face`: two different women differ by 0.023, one photo
/// shifted or tilted by 0.005–0.012), so it catches gross changes only. The backend's face match
/// on the key frames is the real identity check.
///
/// Face geometry is biometric: `Debug` prints `[redacted]`.
#[derive(Clone, Copy, PartialEq)]
pub struct FaceShape(pub [f32; SHAPE_LEN]);

impl fmt::Debug for FaceShape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("FaceShape([redacted])")
    }
}

impl FaceShape {
    /// Whether every ratio is finite and positive.
    pub fn is_usable(&self) -> bool {
        self.0.iter().all(|v| v.is_finite() && *v > 0.0)
    }

    /// The mean relative difference of the ratios, `|a − b| / ((a + b) / 2)`: 0 for the same
    /// proportions, 0.1 when they differ by about 10 % on average.
    pub fn difference(&self, other: &FaceShape) -> f32 {
        let sum: f32 = self
            .0
            .iter()
            .zip(other.0.iter())
            .map(|(a, b)| {
                let mean = (a + b) / 2.0;
                if mean > 0.0 { (a - b).abs() / mean } else { 0.0 }
            })
            .sum();
        sum / SHAPE_LEN as f32
    }

    /// The per-ratio median of several shapes (none gives `None`).
    pub fn median(shapes: &[FaceShape]) -> Option<FaceShape> {
        if shapes.is_empty() {
            return None;
        }
        let mut out = [0.0; SHAPE_LEN];
        for (i, slot) in out.iter_mut().enumerate() {
            let values: Vec<f32> = shapes.iter().map(|s| s.0[i]).collect();
            *slot = median(&values)?;
        }
        Some(FaceShape(out))
    }
}

/// The measurements of the main face in a frame.
///
/// Angles are in degrees: yaw positive when the face turns towards the upright frame's right
/// (the person's left in a frame that is not mirrored), pitch positive when the head tips down,
/// roll positive when it tilts clockwise on screen. Yaw and pitch carry a per-person offset at
/// rest, which calibration removes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FaceMeasures {
    /// Where the face is.
    pub face_box: FaceBox,
    /// Eye aspect ratio of the person's left eye (lid opening / eye width).
    pub left_eye_aspect_ratio: f32,
    /// Eye aspect ratio of the person's right eye.
    pub right_eye_aspect_ratio: f32,
    /// Mouth aspect ratio: inner-lip opening / inner-lip width.
    pub mouth_aspect_ratio: f32,
    /// Inner-lip width / distance between the outer eye corners: grows when the person smiles,
    /// stays or shrinks when the jaw drops.
    pub mouth_width_ratio: f32,
    /// Head turn left/right.
    pub yaw_degrees: f32,
    /// Head tip down/up.
    pub pitch_degrees: f32,
    /// In-plane tilt.
    pub roll_degrees: f32,
    /// The face's proportions, for continuity.
    pub shape: FaceShape,
}

impl FaceMeasures {
    /// Whether every value is finite (a model that returns NaN is treated as "no face").
    pub fn is_usable(&self) -> bool {
        self.face_box.is_usable()
            && [
                self.left_eye_aspect_ratio,
                self.right_eye_aspect_ratio,
                self.mouth_aspect_ratio,
                self.mouth_width_ratio,
                self.yaw_degrees,
                self.pitch_degrees,
                self.roll_degrees,
            ]
            .iter()
            .all(|v| v.is_finite())
            && self.shape.is_usable()
    }

    /// The mean of both eyes' aspect ratios.
    pub fn eye_aspect_ratio(&self) -> f32 {
        (self.left_eye_aspect_ratio + self.right_eye_aspect_ratio) / 2.0
    }
}

/// What a face model saw in one frame.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FaceObservation {
    /// How many faces the model found.
    pub face_count: u32,
    /// The main (largest) face, if any.
    pub face: Option<FaceMeasures>,
    /// Mean luma (0–255) over the main face's box, or over the frame when there is no face.
    pub brightness: f32,
    /// Sharpness of the same region ([`super::quality::sharpness`]); low means blurred.
    pub sharpness: f32,
}

impl FaceObservation {
    /// An observation of a frame in which no face was found.
    pub fn no_face(brightness: f32, sharpness: f32) -> Self {
        Self { face_count: 0, face: None, brightness, sharpness }
    }

    /// The main face, if it is there and all its values are finite.
    pub fn usable_face(&self) -> Option<&FaceMeasures> {
        self.face.as_ref().filter(|f| f.is_usable())
    }
}

/// Why a face model could not observe a frame. Carries no pixels or landmarks.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ObserveError {
    /// The model could not be run on this frame.
    #[error("the face model failed: {0}")]
    Model(String),
}

/// A face model: frame in, observation out. It may keep state between frames (tracking).
pub trait FaceObserver {
    /// What the model sees in `frame`. A frame without a face is an observation with
    /// `face_count == 0`, not an error.
    ///
    /// # Errors
    /// [`ObserveError`] when the model itself fails.
    fn observe(&mut self, frame: &Frame) -> Result<FaceObservation, ObserveError>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_even_and_empty() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), Some(2.5));
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[1.0, f32::NAN, 2.0]), Some(2.0));
    }
}
