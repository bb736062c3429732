//! MediaPipe's 468-point face mesh.
//!
//! The crop is the detection box made square on its long side and enlarged 1.5×, centred on the
//! box and turned so that the eye keypoints are level; it is sampled into 192×192 RGB in `[0, 1]`.
//! The model returns 468 points (x, y, z) in crop pixels and a face-presence logit; the points are
//! mapped back into the frame.

use image::RgbImage;

use crate::detector::{Detection, Keypoint};
use crate::error::FaceError;
use crate::frame::{Border, SquareRegion, check_image, sample_region};
use crate::model::Model;
use crate::{BoundingBox, Point2, Point3};

const MODEL_BYTES: &[u8] = include_bytes!("../../models/face_landmark.onnx");
const MODEL_NAME: &str = "face mesh";
const INPUT_SIZE: usize = 192;
/// How many points the mesh has.
pub const NUM_LANDMARKS: usize = 468;
/// MediaPipe enlarges the detection box by this factor for the landmark crop.
const CROP_SCALE: f32 = 1.5;
/// MediaPipe's threshold on the face-presence score.
pub const DEFAULT_MIN_PRESENCE: f32 = 0.5;

/// The region of the frame the mesh looked at: a square of `side` pixels centred on `center`,
/// turned by `angle` radians (clockwise on screen).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FaceRegion {
    /// Centre in frame pixels.
    pub center: Point2,
    /// Side in frame pixels.
    pub side: f32,
    /// Rotation in radians, clockwise on screen (y points down).
    pub angle: f32,
}

impl FaceRegion {
    /// The region MediaPipe derives from a detection: the box squared on its long side, 1.5×,
    /// turned so that the right-eye → left-eye keypoint line is horizontal.
    ///
    /// # Errors
    /// [`FaceError::InvalidDetection`] if the box or eye keypoints are not finite or the box is
    /// empty.
    pub fn from_detection(detection: &Detection) -> Result<Self, FaceError> {
        let b = detection.bbox;
        let right = detection.keypoint(Keypoint::RightEye);
        let left = detection.keypoint(Keypoint::LeftEye);
        let side = b.width.max(b.height) * CROP_SCALE;
        let angle = (left.y - right.y).atan2(left.x - right.x);
        let region = Self { center: b.center(), side, angle };
        region.validated()
    }

    /// The region the landmarks of a previous frame imply (for tracking without the detector):
    /// the landmarks' bounding box, squared, 1.5×, turned by the eye corners' line.
    ///
    /// # Errors
    /// [`FaceError::InvalidDetection`] if the landmarks are not finite or degenerate.
    pub fn from_landmarks(landmarks: &Landmarks) -> Result<Self, FaceError> {
        // Outer eye corners: 33 (right eye), 263 (left eye).
        let right = landmarks.point(33);
        let left = landmarks.point(263);
        let angle = (left.y - right.y).atan2(left.x - right.x);
        // The box of the points in a frame turned by -angle, so the crop hugs the face.
        let (sin, cos) = (-angle).sin_cos();
        let (mut min_u, mut min_v, mut max_u, mut max_v) = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
        for p in landmarks.points() {
            let u = cos * p.x - sin * p.y;
            let v = sin * p.x + cos * p.y;
            min_u = min_u.min(u);
            max_u = max_u.max(u);
            min_v = min_v.min(v);
            max_v = max_v.max(v);
        }
        let (cu, cv) = ((min_u + max_u) / 2.0, (min_v + max_v) / 2.0);
        // Back to the frame: rotate by +angle.
        let (sin, cos) = angle.sin_cos();
        let region = Self {
            center: Point2 { x: cos * cu - sin * cv, y: sin * cu + cos * cv },
            side: (max_u - min_u).max(max_v - min_v) * CROP_SCALE,
            angle,
        };
        region.validated()
    }

    fn validated(self) -> Result<Self, FaceError> {
        let finite = self.center.x.is_finite()
            && self.center.y.is_finite()
            && self.side.is_finite()
            && self.angle.is_finite();
        if finite && self.side >= 1.0 { Ok(self) } else { Err(FaceError::InvalidDetection) }
    }

    fn square(self) -> SquareRegion {
        SquareRegion { center_x: self.center.x, center_y: self.center.y, side: self.side, angle: self.angle }
    }
}

/// The 468 mesh points of one face, in frame pixels; `z` is depth in the same scale as `x`
/// (smaller is nearer the camera), relative to the face's centre.
///
/// Face geometry is biometric: `Debug` shows only the count and the presence score.
#[derive(Clone, PartialEq)]
pub struct Landmarks {
    points: Vec<Point3>,
    presence: f32,
    region: FaceRegion,
}

impl std::fmt::Debug for Landmarks {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Landmarks")
            .field("points", &self.points.len())
            .field("presence", &self.presence)
            .finish_non_exhaustive()
    }
}

impl Landmarks {
    /// All 468 points, in MediaPipe's canonical face mesh order.
    #[must_use]
    pub fn points(&self) -> &[Point3] {
        &self.points
    }

    /// Point `index` of the mesh (0..468); indices past the end give the last point, so the
    /// fixed indices used by the features can never panic.
    #[must_use]
    pub fn point(&self, index: usize) -> Point3 {
        let last = self.points.len().saturating_sub(1);
        self.points.get(index.min(last)).copied().unwrap_or(Point3 { x: 0.0, y: 0.0, z: 0.0 })
    }

    /// The model's confidence in `[0, 1]` that the crop holds a face.
    #[must_use]
    pub fn presence(&self) -> f32 {
        self.presence
    }

    /// Whether the presence score passes MediaPipe's threshold (0.5).
    #[must_use]
    pub fn is_face(&self) -> bool {
        self.presence >= DEFAULT_MIN_PRESENCE
    }

    /// The region of the frame the mesh was computed on.
    #[must_use]
    pub fn region(&self) -> FaceRegion {
        self.region
    }

    /// The axis-aligned box of the points in the frame.
    #[must_use]
    pub fn bounding_box(&self) -> BoundingBox {
        let (mut x0, mut y0, mut x1, mut y1) = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
        for p in &self.points {
            x0 = x0.min(p.x);
            y0 = y0.min(p.y);
            x1 = x1.max(p.x);
            y1 = y1.max(p.y);
        }
        BoundingBox { x: x0, y: y0, width: x1 - x0, height: y1 - y0 }
    }
}

/// The face mesh model, loaded from the model embedded in this crate. `Send + Sync`.
#[derive(Debug, Clone)]
pub struct FaceMesh {
    model: Model,
}

impl FaceMesh {
    /// Loads the embedded model.
    ///
    /// # Errors
    /// [`FaceError::Model`] if the embedded model cannot be loaded (a broken build).
    pub fn new() -> Result<Self, FaceError> {
        Ok(Self { model: Model::load(MODEL_NAME, MODEL_BYTES)? })
    }

    /// The mesh of the face `detection` found in `image`.
    ///
    /// # Errors
    /// [`FaceError::EmptyImage`]/[`FaceError::ImageTooLarge`] for unusable frames,
    /// [`FaceError::InvalidDetection`] for an unusable detection, [`FaceError::Model`] if
    /// inference fails.
    pub fn landmarks(&self, image: &RgbImage, detection: &Detection) -> Result<Landmarks, FaceError> {
        self.landmarks_in(image, FaceRegion::from_detection(detection)?)
    }

    /// The mesh of the face in `region` of `image` (e.g. a region tracked from the last frame).
    ///
    /// # Errors
    /// As [`FaceMesh::landmarks`].
    pub fn landmarks_in(&self, image: &RgbImage, region: FaceRegion) -> Result<Landmarks, FaceError> {
        check_image(image)?;
        let region = region.validated()?;
        let input = sample_region(image, region.square(), INPUT_SIZE, Border::Replicate);
        let outputs = self.model.run_nhwc(INPUT_SIZE, &input)?;
        let mut coords = None;
        let mut flag = None;
        for view in &outputs {
            match view.len() {
                n if n == NUM_LANDMARKS * 3 => coords = Some(view.clone()),
                1 => flag = view.first().copied(),
                got => {
                    return Err(FaceError::UnexpectedOutput {
                        model: MODEL_NAME,
                        expected: NUM_LANDMARKS * 3,
                        got,
                    });
                }
            }
        }
        let (Some(coords), Some(flag)) = (coords, flag) else {
            return Err(FaceError::UnexpectedOutput { model: MODEL_NAME, expected: 2, got: outputs.len() });
        };
        let sq = region.square();
        let size = INPUT_SIZE as f32;
        let points = coords
            .chunks_exact(3)
            .map(|c| {
                let (x, y) = sq.to_frame(c[0] / size, c[1] / size);
                Point3 { x, y, z: c[2] / size * region.side }
            })
            .collect();
        Ok(Landmarks { points, presence: 1.0 / (1.0 + (-flag.clamp(-100.0, 100.0)).exp()), region })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn detection(right_eye: Point2, left_eye: Point2) -> Detection {
        Detection {
            score: 0.9,
            bbox: BoundingBox { x: 100.0, y: 50.0, width: 80.0, height: 60.0 },
            keypoints: [right_eye, left_eye, right_eye, right_eye, right_eye, right_eye],
        }
    }

    #[test]
    fn region_is_the_long_side_enlarged_and_centred() {
        let r = FaceRegion::from_detection(&detection(
            Point2 { x: 120.0, y: 70.0 },
            Point2 { x: 160.0, y: 70.0 },
        ))
        .expect("usable");
        assert_eq!(r.center, Point2 { x: 140.0, y: 80.0 });
        assert!((r.side - 120.0).abs() < 1e-4);
        assert!(r.angle.abs() < 1e-6);
    }

    #[test]
    fn region_turns_with_the_eye_line() {
        // The left eye (image right) lower: the head tilts clockwise on screen.
        let r = FaceRegion::from_detection(&detection(
            Point2 { x: 120.0, y: 70.0 },
            Point2 { x: 160.0, y: 110.0 },
        ))
        .expect("usable");
        assert!((r.angle - std::f32::consts::FRAC_PI_4).abs() < 1e-5);
        // The crop's x axis follows the eye line.
        let (x, y) = r.square().to_frame(1.0, 0.5);
        assert!(y > r.center.y && x > r.center.x);
    }
}
