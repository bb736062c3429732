//! The face models as the liveness pipeline's [`FaceObserver`], and JPEG key frames.

use image::RgbImage;
use shimin_core::liveness::{
    FaceBox, FaceMeasures, FaceObservation, FaceObserver, FaceShape, Frame, FrameRotation, ObserveError,
    SHAPE_LEN, quality,
};

use crate::error::FaceError;
use crate::features::{LEFT_EYE, MOUTH_CORNERS, RIGHT_EYE};
use crate::mesh::Landmarks;
use crate::tracker::FaceTracker;
use crate::{FaceAnalyzer, Point3, Rotation};

/// Outer eye corners (person's right, left): the unit of every face proportion here.
const OUTER_EYE_CORNERS: [usize; 2] = [RIGHT_EYE[0], LEFT_EYE[3]];

/// The mesh point pairs whose 3D distances, divided by the outer-eye-corner distance, make the
/// [`FaceShape`]: nose bridge to tip, nose wing to wing, the right and the left eye's width, inner
/// eye corners, cheek to cheek. None of them moves with the eyelids or the mouth.
const SHAPE_PAIRS: [[usize; 2]; SHAPE_LEN] =
    [[168, 1], [129, 358], [33, 133], [362, 263], [133, 362], [234, 454]];

fn dist3(a: Point3, b: Point3) -> f32 {
    ((a.x - b.x).powi(2) + (a.y - b.y).powi(2) + (a.z - b.z).powi(2)).sqrt()
}

fn dist2(a: Point3, b: Point3) -> f32 {
    (a.x - b.x).hypot(a.y - b.y)
}

/// Inner-lip width / outer-eye-corner distance, in the image plane (0 for a degenerate mesh).
#[must_use]
pub fn mouth_width_ratio(landmarks: &Landmarks) -> f32 {
    let p = |i: usize| landmarks.point(i);
    let eyes = dist2(p(OUTER_EYE_CORNERS[0]), p(OUTER_EYE_CORNERS[1]));
    let r = dist2(p(MOUTH_CORNERS[0]), p(MOUTH_CORNERS[1])) / eyes;
    if r.is_finite() { r } else { 0.0 }
}

/// The face's proportions (nose length and width, each eye's width, the inner eye corners' and the
/// cheeks' distance, in outer-eye-corner distances), from 3D mesh distances so that they change
/// little with head pose (0 for a degenerate mesh, which the pipeline treats as unusable).
#[must_use]
pub fn face_shape(landmarks: &Landmarks) -> FaceShape {
    let p = |i: usize| landmarks.point(i);
    let unit = dist3(p(OUTER_EYE_CORNERS[0]), p(OUTER_EYE_CORNERS[1]));
    FaceShape(SHAPE_PAIRS.map(|[a, b]| {
        let r = dist3(p(a), p(b)) / unit;
        if r.is_finite() { r } else { 0.0 }
    }))
}

/// The liveness pipeline's rotation as this crate's.
#[must_use]
pub fn rotation_of(rotation: FrameRotation) -> Rotation {
    match rotation {
        FrameRotation::None => Rotation::None,
        FrameRotation::Clockwise90 => Rotation::Clockwise90,
        FrameRotation::Clockwise180 => Rotation::Clockwise180,
        FrameRotation::Clockwise270 => Rotation::Clockwise270,
    }
}

/// A pipeline frame as an image, turned upright.
///
/// # Errors
/// [`FaceError::EmptyImage`] if the frame's bytes do not fill its size (a `Frame` is validated
/// on construction, so this does not happen).
pub fn upright_image(frame: &Frame) -> Result<RgbImage, FaceError> {
    let sensor = RgbImage::from_raw(frame.width(), frame.height(), frame.rgb().to_vec())
        .ok_or(FaceError::EmptyImage { width: frame.width(), height: frame.height() })?;
    Ok(match frame.rotation() {
        FrameRotation::None => sensor,
        other => rotation_of(other).apply(&sensor),
    })
}

/// A key frame for the liveness evidence: the frame turned upright, as baseline JPEG.
///
/// # Errors
/// [`FaceError::Encode`] if the encoder fails.
pub fn encode_jpeg(frame: &Frame, quality: u8) -> Result<Vec<u8>, FaceError> {
    let image = upright_image(frame)?;
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality.clamp(1, 100))
        .encode(image.as_raw(), image.width(), image.height(), image::ExtendedColorType::Rgb8)
        .map_err(|e| FaceError::Encode(e.to_string()))?;
    Ok(out)
}

/// The face models as a [`FaceObserver`], tracking the face from frame to frame like MediaPipe
/// ([`FaceTracker`]): most frames run only the mesh on the region the previous frame's mesh
/// gives; the detector runs on the first frame, when the mesh loses or doubts the face, and at
/// least every [`crate::DETECTOR_INTERVAL_FRAMES`] frames so that a second face is counted. The
/// largest face is the main one; `face_count` is the count of the detector's last run.
///
/// Feed it the frames of one session in order; [`LivenessObserver::reset`] before another.
#[derive(Debug, Clone)]
pub struct LivenessObserver {
    tracker: FaceTracker,
}

impl LivenessObserver {
    /// An observer on `analyzer`, tracking nothing yet.
    #[must_use]
    pub fn new(analyzer: FaceAnalyzer) -> Self {
        Self { tracker: FaceTracker::new(analyzer) }
    }

    /// Forgets the tracked face (a new session or camera): the next frame runs the detector.
    pub fn reset(&mut self) {
        self.tracker.reset();
    }

    /// The tracker, e.g. to see whether a face is tracked.
    #[must_use]
    pub fn tracker(&self) -> &FaceTracker {
        &self.tracker
    }

    /// What the models see in `frame` (the same as [`FaceObserver::observe`], with this crate's
    /// error).
    ///
    /// # Errors
    /// As [`FaceTracker::track`].
    pub fn observe_frame(&mut self, frame: &Frame) -> Result<FaceObservation, FaceError> {
        let image = upright_image(frame)?;
        let tracked = self.tracker.track(&image)?;
        let (w, h) = image.dimensions();
        let measures = tracked.face.as_ref().map(|face| {
            let b = face.bbox;
            let f = face.features;
            FaceMeasures {
                face_box: FaceBox::from_pixels(b.x, b.y, b.width, b.height, w, h),
                left_eye_aspect_ratio: f.left_eye_aspect_ratio,
                right_eye_aspect_ratio: f.right_eye_aspect_ratio,
                mouth_aspect_ratio: f.mouth_aspect_ratio,
                mouth_width_ratio: mouth_width_ratio(&face.landmarks),
                yaw_degrees: f.yaw_degrees,
                pitch_degrees: f.pitch_degrees,
                roll_degrees: f.roll_degrees,
                shape: face_shape(&face.landmarks),
            }
        });
        let region = measures.as_ref().map(|m| m.face_box);
        Ok(FaceObservation {
            face_count: tracked.face_count,
            face: measures,
            brightness: quality::brightness(frame, region.as_ref()),
            sharpness: quality::sharpness(frame, region.as_ref()),
        })
    }
}

impl FaceObserver for LivenessObserver {
    fn observe(&mut self, frame: &Frame) -> Result<FaceObservation, ObserveError> {
        self.observe_frame(frame).map_err(|e| ObserveError::Model(e.to_string()))
    }
}
