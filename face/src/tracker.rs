//! Steady-state tracking, as MediaPipe's face landmark graph does it: the face region of the next
//! frame comes from this frame's mesh ([`FaceRegion::from_landmarks`]), so that most frames run
//! only the mesh (≈6.6 ms at 640×480 on one core) and not the detector as well (≈3.2 ms more).
//!
//! The detector runs again
//! - when nothing is tracked (the first frame, after [`FaceTracker::reset`], after the face was
//!   lost, or when the frame size changes);
//! - when the mesh on the tracked region is doubtful: its presence score is under
//!   [`TRACKING_MIN_PRESENCE`], or the face moved or changed size between two frames by more than
//!   [`TRACKING_MAX_MOVE`] / [`TRACKING_MAX_SCALE`];
//! - when the last detector run counted other than exactly one face (so a second face is
//!   re-counted on every frame until it leaves);
//! - and at least every [`DETECTOR_INTERVAL_FRAMES`] frames whatever happens, because the mesh
//!   sees only its own crop: a second person stepping into the frame is counted within that many
//!   frames. In between, the count of the last detector run is reported.

use image::RgbImage;

use crate::error::FaceError;
use crate::features::FaceFeatures;
use crate::mesh::{FaceRegion, Landmarks};
use crate::{BoundingBox, Face, FaceAnalyzer, Rotation};

/// The detector runs on at least one frame in this many while a face is tracked: with ten, nine
/// frames in ten are mesh-only (so the median frame costs the mesh alone), and a second face
/// entering the frame is counted within a third of a second at 30 fps, one second at 10 fps —
/// within the time the liveness session needs to see it on two frames and fail.
pub const DETECTOR_INTERVAL_FRAMES: u32 = 10;

/// A tracked mesh whose face-presence score is under this is doubtful and the detector is run on
/// the frame. Stricter than MediaPipe's 0.5 for "no face" ([`crate::DEFAULT_MIN_PRESENCE`]):
/// a well-framed face scores above 0.95, and a crop that slid half off the face drops through
/// 0.8 before it drops under 0.5, so the detector gets the frame a little earlier.
pub const TRACKING_MIN_PRESENCE: f32 = 0.8;

/// Largest move of the face region's centre between two frames, in region sides (the region is
/// 1.5 face sizes), before the tracked mesh counts as doubtful. A head turning or swaying at
/// 10 fps moves it by well under a tenth; a quarter means the crop may have cut the face.
pub const TRACKING_MAX_MOVE: f32 = 0.25;

/// Largest change of the face region's side between two frames (ratio) before the tracked mesh
/// counts as doubtful: moving towards the camera changes it by a few percent per frame.
pub const TRACKING_MAX_SCALE: f32 = 1.25;

/// The main face of a frame as the tracker saw it.
#[derive(Debug, Clone, PartialEq)]
pub struct TrackedFace {
    /// The face box in frame pixels: the detector's on a frame where it ran; on a mesh-only frame
    /// the mesh's bounding box, moved and scaled the way the detector's box related to the mesh's
    /// box at the detector's last run (so the box does not jump between the two kinds of frame).
    pub bbox: BoundingBox,
    /// The 468-point mesh.
    pub landmarks: Landmarks,
    /// Eye, mouth and pose measurements.
    pub features: FaceFeatures,
}

/// One frame through the tracker.
#[derive(Debug, Clone, PartialEq)]
pub struct Tracked {
    /// How many faces the detector found at its last run: on this frame if
    /// [`Tracked::detector_ran`], otherwise fewer than [`DETECTOR_INTERVAL_FRAMES`] frames ago
    /// (and then always one).
    pub face_count: u32,
    /// The main (largest) face, if there is one.
    pub face: Option<TrackedFace>,
    /// Whether the detector ran on this frame (otherwise only the mesh did).
    pub detector_ran: bool,
}

/// How the detector's box sat on the mesh's bounding box at the detector's last run: offsets in
/// mesh-box sizes and the size ratios.
#[derive(Debug, Clone, Copy, PartialEq)]
struct BoxFit {
    dx: f32,
    dy: f32,
    sw: f32,
    sh: f32,
}

impl BoxFit {
    const IDENTITY: Self = Self { dx: 0.0, dy: 0.0, sw: 1.0, sh: 1.0 };

    fn between(detector: BoundingBox, mesh: BoundingBox) -> Self {
        let fit = Self {
            dx: (detector.x - mesh.x) / mesh.width,
            dy: (detector.y - mesh.y) / mesh.height,
            sw: detector.width / mesh.width,
            sh: detector.height / mesh.height,
        };
        if [fit.dx, fit.dy, fit.sw, fit.sh].iter().all(|v| v.is_finite()) { fit } else { Self::IDENTITY }
    }

    fn apply(self, mesh: BoundingBox) -> BoundingBox {
        BoundingBox {
            x: mesh.x + self.dx * mesh.width,
            y: mesh.y + self.dy * mesh.height,
            width: self.sw * mesh.width,
            height: self.sh * mesh.height,
        }
    }
}

/// What the tracker remembers between frames.
#[derive(Debug, Clone, PartialEq)]
struct State {
    /// The main face's mesh on the last frame.
    landmarks: Landmarks,
    /// The size of the frame it was found in.
    frame_size: (u32, u32),
    /// The detector's count at its last run.
    face_count: u32,
    /// Frames since the detector last ran.
    since_detection: u32,
    fit: BoxFit,
}

/// The detector and the mesh with MediaPipe's tracking between frames: feed it consecutive
/// frames of one camera with [`FaceTracker::track`]; call [`FaceTracker::reset`] when the stream
/// changes. Landmarks are in the frame's pixels, like [`FaceAnalyzer::analyze`]'s.
#[derive(Debug, Clone)]
pub struct FaceTracker {
    analyzer: FaceAnalyzer,
    /// `None` when nothing is tracked.
    state: Option<State>,
}

impl FaceTracker {
    /// A tracker on `analyzer`, tracking nothing yet.
    #[must_use]
    pub fn new(analyzer: FaceAnalyzer) -> Self {
        Self { analyzer, state: None }
    }

    /// The models.
    #[must_use]
    pub fn analyzer(&self) -> &FaceAnalyzer {
        &self.analyzer
    }

    /// Forgets the tracked face: the next frame runs the detector.
    pub fn reset(&mut self) {
        self.state = None;
    }

    /// Whether a face is tracked (the next frame may be mesh-only).
    #[must_use]
    pub fn is_tracking(&self) -> bool {
        self.state.is_some()
    }

    /// The main face of `image` (an upright frame following the previous one), by the mesh alone
    /// on the region tracked from the previous frame when that is trustworthy, otherwise by the
    /// detector and the mesh (see the module documentation for when).
    ///
    /// # Errors
    /// As [`FaceAnalyzer::analyze`]. After an error nothing is tracked.
    pub fn track(&mut self, image: &RgbImage) -> Result<Tracked, FaceError> {
        let result = self.track_inner(image);
        if result.is_err() {
            self.reset();
        }
        result
    }

    fn track_inner(&mut self, image: &RgbImage) -> Result<Tracked, FaceError> {
        let size = image.dimensions();
        if let Some(state) = self.state.as_mut()
            && state.frame_size == size
            && state.face_count == 1
            && state.since_detection + 1 < DETECTOR_INTERVAL_FRAMES
            && let Ok(region) = FaceRegion::from_landmarks(&state.landmarks)
        {
            let landmarks = self.analyzer.mesh().landmarks_in(image, region)?;
            if is_confident(region, &landmarks) {
                state.since_detection += 1;
                state.landmarks = landmarks.clone();
                let face = TrackedFace {
                    bbox: state.fit.apply(landmarks.bounding_box()),
                    features: FaceFeatures::from_landmarks(&landmarks),
                    landmarks,
                };
                return Ok(Tracked { face_count: state.face_count, face: Some(face), detector_ran: false });
            }
        }
        self.detect(image)
    }

    fn detect(&mut self, image: &RgbImage) -> Result<Tracked, FaceError> {
        let faces = self.analyzer.analyze(image, Rotation::None)?;
        let face_count = u32::try_from(faces.len()).unwrap_or(u32::MAX);
        let area = |f: &&Face| f.detection.bbox.width * f.detection.bbox.height;
        let main = faces.iter().max_by(|a, b| area(a).total_cmp(&area(b)));
        self.state = main.map(|face| State {
            landmarks: face.landmarks.clone(),
            frame_size: image.dimensions(),
            face_count,
            since_detection: 0,
            fit: BoxFit::between(face.detection.bbox, face.landmarks.bounding_box()),
        });
        let face = main.map(|face| TrackedFace {
            bbox: face.detection.bbox,
            landmarks: face.landmarks.clone(),
            features: face.features,
        });
        Ok(Tracked { face_count, face, detector_ran: true })
    }
}

/// Whether a mesh computed on `crop` (the region tracked from the previous frame) can be trusted
/// without the detector: a confident face that stayed about where and as large as it was.
fn is_confident(crop: FaceRegion, landmarks: &Landmarks) -> bool {
    if landmarks.presence() < TRACKING_MIN_PRESENCE {
        return false;
    }
    let Ok(next) = FaceRegion::from_landmarks(landmarks) else { return false };
    let moved = (next.center.x - crop.center.x).hypot(next.center.y - crop.center.y) / crop.side;
    let scale = (next.side / crop.side).max(crop.side / next.side);
    moved <= TRACKING_MAX_MOVE && scale <= TRACKING_MAX_SCALE
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_box_fit_maps_the_mesh_box_onto_the_detector_box() {
        let detector = BoundingBox { x: 100.0, y: 60.0, width: 90.0, height: 90.0 };
        let mesh = BoundingBox { x: 95.0, y: 40.0, width: 100.0, height: 120.0 };
        let fit = BoxFit::between(detector, mesh);
        let back = fit.apply(mesh);
        for (a, b) in [(back.x, 100.0), (back.y, 60.0), (back.width, 90.0), (back.height, 90.0)] {
            assert!((a - b).abs() < 1e-3, "{back:?}");
        }
        // The same face 10 px to the right and 10 % larger.
        let moved = fit.apply(BoundingBox { x: 105.0, y: 40.0, width: 110.0, height: 132.0 });
        assert!((moved.x - 110.5).abs() < 1e-3 && (moved.width - 99.0).abs() < 1e-3, "{moved:?}");
    }

    #[test]
    fn a_degenerate_mesh_box_gives_the_identity_fit() {
        let detector = BoundingBox { x: 1.0, y: 1.0, width: 2.0, height: 2.0 };
        let empty = BoundingBox { x: 0.0, y: 0.0, width: 0.0, height: 0.0 };
        assert_eq!(BoxFit::between(detector, empty), BoxFit::IDENTITY);
    }
}
