#![doc = include_str!("../README.md")]

mod camera;
mod capture;
mod detector;
mod error;
mod features;
mod frame;
mod liveness;
mod mesh;
mod model;
mod source;
mod tracker;

pub use camera::camera_frame;
#[cfg(feature = "camera")]
pub use camera::{NativeCamera, cameras};
pub use capture::{
    CAMERA_FAILURE, CAMERA_FPS, CAMERA_TIME_LIMIT_MS, CameraError, CaptureError, CapturePhase, CaptureSource,
    CaptureStatus, KEY_FRAME_QUALITY, LivenessCapture, PulledFrames, RECORDED_FPS, SourceKind,
};
pub use detector::{DEFAULT_MIN_SCORE, Detection, FaceDetector, Keypoint};
pub use error::FaceError;
pub use features::{CHEEKS, FOREHEAD_CHIN, FaceFeatures, LEFT_EYE, MOUTH_CORNERS, MOUTH_PAIRS, RIGHT_EYE};
pub use frame::{MAX_IMAGE_SIDE, Rotation};
pub use liveness::{
    LivenessObserver, encode_jpeg, face_shape, mouth_width_ratio, rotation_of, upright_image,
};
pub use mesh::{DEFAULT_MIN_PRESENCE, FaceMesh, FaceRegion, Landmarks, NUM_LANDMARKS};
pub use source::ImageSequence;
pub use tracker::{
    DETECTOR_INTERVAL_FRAMES, FaceTracker, TRACKING_MAX_MOVE, TRACKING_MAX_SCALE, TRACKING_MIN_PRESENCE,
    Tracked, TrackedFace,
};

/// The image type every function here takes: 8-bit RGB, any size.
pub use image::RgbImage;

/// A point in frame pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point2 {
    /// Column, from the left edge.
    pub x: f32,
    /// Row, from the top edge.
    pub y: f32,
}

/// A mesh point in frame pixels with depth `z` in the same scale (smaller is nearer).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Point3 {
    /// Column, from the left edge.
    pub x: f32,
    /// Row, from the top edge.
    pub y: f32,
    /// Depth relative to the face centre.
    pub z: f32,
}

/// An axis-aligned box in frame pixels (it may reach past the frame's edges).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BoundingBox {
    /// Left edge.
    pub x: f32,
    /// Top edge.
    pub y: f32,
    /// Width.
    pub width: f32,
    /// Height.
    pub height: f32,
}

impl BoundingBox {
    /// The centre.
    #[must_use]
    pub fn center(&self) -> Point2 {
        Point2 { x: self.x + self.width / 2.0, y: self.y + self.height / 2.0 }
    }

    fn is_finite(&self) -> bool {
        self.x.is_finite() && self.y.is_finite() && self.width.is_finite() && self.height.is_finite()
    }
}

/// One face in a frame: where the detector found it, its mesh and what the mesh measures.
#[derive(Debug, Clone, PartialEq)]
pub struct Face {
    /// The detector's box and keypoints.
    pub detection: Detection,
    /// The 468-point mesh.
    pub landmarks: Landmarks,
    /// Eye, mouth and pose measurements.
    pub features: FaceFeatures,
}

/// Detector and mesh together: frame in, faces with landmarks and features out.
#[derive(Debug, Clone)]
pub struct FaceAnalyzer {
    detector: FaceDetector,
    mesh: FaceMesh,
}

impl FaceAnalyzer {
    /// Loads both embedded models.
    ///
    /// # Errors
    /// [`FaceError::Model`] if a model cannot be loaded.
    pub fn new() -> Result<Self, FaceError> {
        Ok(Self { detector: FaceDetector::new()?, mesh: FaceMesh::new()? })
    }

    /// The detector.
    #[must_use]
    pub fn detector(&self) -> &FaceDetector {
        &self.detector
    }

    /// The mesh model.
    #[must_use]
    pub fn mesh(&self) -> &FaceMesh {
        &self.mesh
    }

    /// Every face in `image` after turning it by `rotation`, best detection first, with
    /// coordinates in the turned frame. Faces whose mesh says "no face" are left out.
    ///
    /// # Errors
    /// As [`FaceDetector::detect`] and [`FaceMesh::landmarks`].
    pub fn analyze(&self, image: &RgbImage, rotation: Rotation) -> Result<Vec<Face>, FaceError> {
        let turned;
        let upright = if rotation == Rotation::None {
            image
        } else {
            frame::check_image(image)?;
            turned = rotation.apply(image);
            &turned
        };
        let mut faces = Vec::new();
        for detection in self.detector.detect(upright)? {
            let landmarks = self.mesh.landmarks(upright, &detection)?;
            if landmarks.is_face() {
                let features = FaceFeatures::from_landmarks(&landmarks);
                faces.push(Face { detection, landmarks, features });
            }
        }
        Ok(faces)
    }
}
