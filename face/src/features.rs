//! Per-frame measurements of a face mesh that the liveness actions are built on.

use crate::Point3;
use crate::mesh::Landmarks;

/// Mesh indices of the person's right eye: outer corner, two upper-lid points, inner corner, two
/// lower-lid points (p1..p6 of the eye aspect ratio).
pub const RIGHT_EYE: [usize; 6] = [33, 160, 158, 133, 153, 144];
/// Mesh indices of the person's left eye, in the same roles as [`RIGHT_EYE`].
pub const LEFT_EYE: [usize; 6] = [362, 385, 387, 263, 373, 380];
/// Inner-lip corners (right, left).
pub const MOUTH_CORNERS: [usize; 2] = [78, 308];
/// Inner-lip upper/lower pairs: right of centre, centre, left of centre.
pub const MOUTH_PAIRS: [[usize; 2]; 3] = [[82, 87], [13, 14], [312, 317]];
/// The cheek edges at eye height (person's right, left), for yaw.
pub const CHEEKS: [usize; 2] = [234, 454];
/// Top of the forehead and bottom of the chin, for pitch.
pub const FOREHEAD_CHIN: [usize; 2] = [10, 152];

/// What one frame's mesh says about the eyes, mouth and head pose.
///
/// Angles are in degrees. Yaw is positive when the face turns towards the image's right (the
/// person's left, in a frame that is not mirrored); pitch is positive when the head tips down;
/// roll is positive when the head tilts clockwise on screen. Yaw and pitch come from mesh depth
/// and carry a per-person offset at rest: calibrate on neutral frames before thresholding.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FaceFeatures {
    /// Eye aspect ratio of the person's right eye (lid opening / eye width); about 0.25–0.35
    /// open, under about 0.15 closed.
    pub right_eye_aspect_ratio: f32,
    /// Eye aspect ratio of the person's left eye.
    pub left_eye_aspect_ratio: f32,
    /// Mouth aspect ratio: mean inner-lip opening / inner-lip width; near 0 closed.
    pub mouth_aspect_ratio: f32,
    /// Head turn left/right in degrees.
    pub yaw_degrees: f32,
    /// Head tip up/down in degrees.
    pub pitch_degrees: f32,
    /// In-plane tilt in degrees, from the outer eye corners.
    pub roll_degrees: f32,
}

impl FaceFeatures {
    /// Measures one mesh.
    #[must_use]
    pub fn from_landmarks(landmarks: &Landmarks) -> Self {
        let p = |i: usize| landmarks.point(i);
        let [r, l] = CHEEKS.map(p);
        let [top, chin] = FOREHEAD_CHIN.map(p);
        let right_outer = p(RIGHT_EYE[0]);
        let left_outer = p(LEFT_EYE[3]);
        Self {
            right_eye_aspect_ratio: eye_aspect_ratio(RIGHT_EYE.map(p)),
            left_eye_aspect_ratio: eye_aspect_ratio(LEFT_EYE.map(p)),
            mouth_aspect_ratio: mouth_aspect_ratio(MOUTH_CORNERS.map(p), MOUTH_PAIRS.map(|pair| pair.map(p))),
            yaw_degrees: depth_angle(r, l),
            pitch_degrees: depth_angle(top, chin),
            roll_degrees: (left_outer.y - right_outer.y).atan2(left_outer.x - right_outer.x).to_degrees(),
        }
    }

    /// The mean of both eyes' aspect ratios.
    #[must_use]
    pub fn eye_aspect_ratio(&self) -> f32 {
        (self.right_eye_aspect_ratio + self.left_eye_aspect_ratio) / 2.0
    }
}

fn dist(a: Point3, b: Point3) -> f32 {
    (a.x - b.x).hypot(a.y - b.y)
}

/// A ratio that is 0 rather than infinite or NaN when the denominator vanishes.
fn ratio(num: f32, den: f32) -> f32 {
    let r = num / den;
    if r.is_finite() { r } else { 0.0 }
}

/// (|p2 − p6| + |p3 − p5|) / (2 |p1 − p4|), in the image plane.
fn eye_aspect_ratio([p1, p2, p3, p4, p5, p6]: [Point3; 6]) -> f32 {
    ratio(dist(p2, p6) + dist(p3, p5), 2.0 * dist(p1, p4))
}

fn mouth_aspect_ratio(corners: [Point3; 2], pairs: [[Point3; 2]; 3]) -> f32 {
    let opening: f32 = pairs.iter().map(|[a, b]| dist(*a, *b)).sum();
    ratio(opening, 3.0 * dist(corners[0], corners[1]))
}

/// The angle in degrees by which the segment `a → b` leaves the image plane (positive when `b`
/// is farther from the camera than `a`).
fn depth_angle(a: Point3, b: Point3) -> f32 {
    let planar = (b.x - a.x).hypot(b.y - a.y);
    let angle = (b.z - a.z).atan2(planar).to_degrees();
    if angle.is_finite() { angle } else { 0.0 }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pt(x: f32, y: f32) -> Point3 {
        Point3 { x, y, z: 0.0 }
    }

    #[test]
    fn eye_aspect_ratio_of_a_known_shape() {
        // Width 4, two openings of 1 and 2: (1 + 2) / (2 * 4).
        let eye = [pt(0.0, 0.0), pt(1.0, -0.5), pt(3.0, -1.0), pt(4.0, 0.0), pt(3.0, 1.0), pt(1.0, 0.5)];
        assert!((eye_aspect_ratio(eye) - 3.0 / 8.0).abs() < 1e-6);
    }

    #[test]
    fn degenerate_shapes_give_zero_not_nan() {
        assert_eq!(eye_aspect_ratio([pt(1.0, 1.0); 6]), 0.0);
        assert_eq!(mouth_aspect_ratio([pt(0.0, 0.0); 2], [[pt(0.0, 0.0); 2]; 3]), 0.0);
        assert_eq!(depth_angle(pt(0.0, 0.0), pt(0.0, 0.0)), 0.0);
    }

    #[test]
    fn depth_angle_sign_follows_depth() {
        let a = Point3 { x: 0.0, y: 0.0, z: 0.0 };
        let b = Point3 { x: 1.0, y: 0.0, z: 1.0 };
        assert!((depth_angle(a, b) - 45.0).abs() < 1e-4);
        assert!((depth_angle(b, a) + 45.0).abs() < 1e-4);
    }
}
