//! BlazeFace short range: MediaPipe's face detector for faces within about two metres.
//!
//! The frame is letterboxed into 128×128 RGB in `[-1, 1]`; the model scores 896 SSD anchors and
//! regresses a box and six keypoints for each; scores pass a sigmoid, and overlapping boxes are
//! merged by weighted non-maximum suppression, as MediaPipe's `face_detection_short_range` graph.

use image::RgbImage;
use tract_onnx::prelude::*;

use crate::error::FaceError;
use crate::frame::{Border, SquareRegion, check_image, sample_region};
use crate::model::Model;
use crate::{BoundingBox, Point2};

const MODEL_BYTES: &[u8] = include_bytes!("../../models/face_detection_short_range.onnx");
const MODEL_NAME: &str = "face detector";
const INPUT_SIZE: usize = 128;
const NUM_ANCHORS: usize = 896;
const NUM_COORDS: usize = 16;
const NUM_KEYPOINTS: usize = 6;
/// MediaPipe clips raw scores to ±100 before the sigmoid.
const SCORE_CLIP: f32 = 100.0;
/// MediaPipe's `min_score_thresh` for this model.
pub const DEFAULT_MIN_SCORE: f32 = 0.5;
/// MediaPipe's `min_suppression_threshold` (IoU) for this model.
const NMS_IOU: f32 = 0.3;

/// The six detector keypoints, in the order the model emits them. "Right" and "left" are the
/// person's own, so the right eye is on the image's left in a selfie that is not mirrored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keypoint {
    /// Centre of the person's right eye.
    RightEye = 0,
    /// Centre of the person's left eye.
    LeftEye = 1,
    /// Tip of the nose.
    NoseTip = 2,
    /// Centre of the mouth.
    MouthCenter = 3,
    /// The person's right ear tragion.
    RightEarTragion = 4,
    /// The person's left ear tragion.
    LeftEarTragion = 5,
}

/// One face found in a frame, in the frame's pixel coordinates.
#[derive(Debug, Clone, PartialEq)]
pub struct Detection {
    /// Confidence in `[0, 1]`.
    pub score: f32,
    /// The face box (forehead to chin, cheek to cheek).
    pub bbox: BoundingBox,
    /// The six keypoints, indexed by [`Keypoint`].
    pub keypoints: [Point2; NUM_KEYPOINTS],
}

impl Detection {
    /// One keypoint.
    #[must_use]
    pub fn keypoint(&self, which: Keypoint) -> Point2 {
        self.keypoints[which as usize]
    }
}

/// The BlazeFace short-range detector, loaded from the model embedded in this crate.
///
/// Loading optimises the graph (tens of milliseconds); make one and reuse it. It is `Send + Sync`.
#[derive(Debug, Clone)]
pub struct FaceDetector {
    model: Model,
    anchors: Arc<[Anchor]>,
    min_score: f32,
}

impl FaceDetector {
    /// Loads the embedded model with MediaPipe's score threshold.
    ///
    /// # Errors
    /// [`FaceError::Model`] if the embedded model cannot be loaded (a broken build).
    pub fn new() -> Result<Self, FaceError> {
        let model = Model::load(MODEL_NAME, MODEL_BYTES)?;
        Ok(Self { model, anchors: ssd_anchors().into(), min_score: DEFAULT_MIN_SCORE })
    }

    /// The same detector with another score threshold (clamped to `[0, 1]`).
    #[must_use]
    pub fn with_min_score(mut self, min_score: f32) -> Self {
        self.min_score = if min_score.is_nan() { DEFAULT_MIN_SCORE } else { min_score.clamp(0.0, 1.0) };
        self
    }

    /// Every face in `image`, best first. A frame without a face gives an empty list.
    ///
    /// # Errors
    /// [`FaceError::EmptyImage`] or [`FaceError::ImageTooLarge`] for unusable frames;
    /// [`FaceError::Model`] if inference fails.
    pub fn detect(&self, image: &RgbImage) -> Result<Vec<Detection>, FaceError> {
        check_image(image)?;
        let (width, height) = image.dimensions();
        // The letterbox: the smallest square holding the frame, centred on it.
        let region = SquareRegion {
            center_x: width as f32 / 2.0,
            center_y: height as f32 / 2.0,
            side: width.max(height) as f32,
            angle: 0.0,
        };
        let mut input = sample_region(image, region, INPUT_SIZE, Border::Zero);
        for v in &mut input {
            *v = *v * 2.0 - 1.0;
        }
        let (boxes, scores) = self.run(input)?;
        let raw = decode(&boxes, &scores, &self.anchors, self.min_score);
        let merged = weighted_nms(raw, NMS_IOU);
        Ok(merged.into_iter().map(|d| d.to_frame(region)).filter(Detection::is_finite).collect())
    }

    fn run(&self, input: Vec<f32>) -> Result<(Vec<f32>, Vec<f32>), FaceError> {
        let outputs = self.model.run_nhwc(INPUT_SIZE, &input)?;
        let mut boxes = None;
        let mut scores = None;
        for view in &outputs {
            match view.len() {
                n if n == NUM_ANCHORS * NUM_COORDS => boxes = Some(view.clone()),
                NUM_ANCHORS => scores = Some(view.clone()),
                got => {
                    return Err(FaceError::UnexpectedOutput {
                        model: self.model.name(),
                        expected: NUM_ANCHORS,
                        got,
                    });
                }
            }
        }
        match (boxes, scores) {
            (Some(b), Some(s)) => Ok((b, s)),
            _ => Err(FaceError::UnexpectedOutput { model: MODEL_NAME, expected: 2, got: outputs.len() }),
        }
    }
}

/// An SSD anchor centre in normalised input coordinates (all anchors are 1×1: fixed size).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Anchor {
    x: f32,
    y: f32,
}

/// MediaPipe's SSD anchors for this model: 4 layers with strides 8, 16, 16, 16 on a 128×128
/// input, one aspect ratio plus one interpolated scale per layer, fixed anchor size; layers of the
/// same stride share a grid, so the 16×16 grid has 2 anchors per cell and the 8×8 grid has 6:
/// 512 + 384 = 896.
fn ssd_anchors() -> Vec<Anchor> {
    const STRIDES: [usize; 4] = [8, 16, 16, 16];
    const ANCHORS_PER_LAYER: usize = 2;
    let mut anchors = Vec::with_capacity(NUM_ANCHORS);
    let mut layer = 0;
    while layer < STRIDES.len() {
        let stride = STRIDES[layer];
        let mut per_cell = 0;
        while layer < STRIDES.len() && STRIDES[layer] == stride {
            per_cell += ANCHORS_PER_LAYER;
            layer += 1;
        }
        let cells = INPUT_SIZE.div_ceil(stride);
        for y in 0..cells {
            for x in 0..cells {
                for _ in 0..per_cell {
                    anchors.push(Anchor {
                        x: (x as f32 + 0.5) / cells as f32,
                        y: (y as f32 + 0.5) / cells as f32,
                    });
                }
            }
        }
    }
    anchors
}

/// A detection in normalised letterbox coordinates, before mapping to the frame.
#[derive(Debug, Clone, Copy, PartialEq)]
struct RawDetection {
    score: f32,
    x_min: f32,
    y_min: f32,
    x_max: f32,
    y_max: f32,
    keypoints: [(f32, f32); NUM_KEYPOINTS],
}

impl RawDetection {
    fn area(&self) -> f32 {
        (self.x_max - self.x_min).max(0.0) * (self.y_max - self.y_min).max(0.0)
    }

    fn iou(&self, other: &Self) -> f32 {
        let w = (self.x_max.min(other.x_max) - self.x_min.max(other.x_min)).max(0.0);
        let h = (self.y_max.min(other.y_max) - self.y_min.max(other.y_min)).max(0.0);
        let inter = w * h;
        let union = self.area() + other.area() - inter;
        if union > 0.0 { inter / union } else { 0.0 }
    }

    fn to_frame(self, region: SquareRegion) -> Detection {
        let (x_min, y_min) = region.to_frame(self.x_min, self.y_min);
        let (x_max, y_max) = region.to_frame(self.x_max, self.y_max);
        let keypoints = self.keypoints.map(|(x, y)| {
            let (x, y) = region.to_frame(x, y);
            Point2 { x, y }
        });
        Detection {
            score: self.score,
            bbox: BoundingBox { x: x_min, y: y_min, width: x_max - x_min, height: y_max - y_min },
            keypoints,
        }
    }
}

impl Detection {
    fn is_finite(&self) -> bool {
        self.score.is_finite()
            && self.bbox.is_finite()
            && self.keypoints.iter().all(|p| p.x.is_finite() && p.y.is_finite())
    }
}

fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + (-x.clamp(-SCORE_CLIP, SCORE_CLIP)).exp())
}

/// Turns raw model outputs into candidate detections above `min_score`.
fn decode(boxes: &[f32], scores: &[f32], anchors: &[Anchor], min_score: f32) -> Vec<RawDetection> {
    let scale = INPUT_SIZE as f32;
    let mut out = Vec::new();
    for ((anchor, raw), logit) in anchors.iter().zip(boxes.chunks_exact(NUM_COORDS)).zip(scores) {
        let score = sigmoid(*logit);
        if score.is_nan() || score < min_score {
            continue;
        }
        let cx = raw[0] / scale + anchor.x;
        let cy = raw[1] / scale + anchor.y;
        let w = raw[2] / scale;
        let h = raw[3] / scale;
        let mut keypoints = [(0.0, 0.0); NUM_KEYPOINTS];
        for (k, kp) in keypoints.iter_mut().enumerate() {
            *kp = (raw[4 + 2 * k] / scale + anchor.x, raw[5 + 2 * k] / scale + anchor.y);
        }
        out.push(RawDetection {
            score,
            x_min: cx - w / 2.0,
            y_min: cy - h / 2.0,
            x_max: cx + w / 2.0,
            y_max: cy + h / 2.0,
            keypoints,
        });
    }
    out
}

/// MediaPipe's weighted non-maximum suppression: the best remaining detection absorbs every
/// detection overlapping it by more than `iou`; the merged box and keypoints are the
/// score-weighted mean of the group, and the score is the best one's.
fn weighted_nms(mut candidates: Vec<RawDetection>, iou: f32) -> Vec<RawDetection> {
    candidates.sort_by(|a, b| b.score.total_cmp(&a.score));
    let mut out = Vec::new();
    // Best last, so that taking the best is a pop.
    candidates.reverse();
    while let Some(best) = candidates.pop() {
        let (overlapping, rest): (Vec<_>, Vec<_>) = candidates.into_iter().partition(|c| best.iou(c) > iou);
        candidates = rest;
        // `best` always leads its group, even when its box is empty and overlaps nothing.
        let mut group = overlapping;
        group.push(best);
        let total: f32 = group.iter().map(|c| c.score).sum();
        let mut merged = best;
        if total > 0.0 {
            let mean =
                |f: &dyn Fn(&RawDetection) -> f32| group.iter().map(|c| f(c) * c.score).sum::<f32>() / total;
            merged.x_min = mean(&|c| c.x_min);
            merged.y_min = mean(&|c| c.y_min);
            merged.x_max = mean(&|c| c.x_max);
            merged.y_max = mean(&|c| c.y_max);
            for k in 0..NUM_KEYPOINTS {
                merged.keypoints[k] = (mean(&|c| c.keypoints[k].0), mean(&|c| c.keypoints[k].1));
            }
        }
        out.push(merged);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anchors_follow_mediapipe_layout() {
        let a = ssd_anchors();
        assert_eq!(a.len(), NUM_ANCHORS);
        // First two anchors share the first 16x16 cell.
        assert_eq!(a[0], Anchor { x: 0.5 / 16.0, y: 0.5 / 16.0 });
        assert_eq!(a[1], a[0]);
        assert_eq!(a[2], Anchor { x: 1.5 / 16.0, y: 0.5 / 16.0 });
        // The 8x8 grid starts at 512 with six anchors per cell.
        assert_eq!(a[512], Anchor { x: 0.5 / 8.0, y: 0.5 / 8.0 });
        assert_eq!(a[517], a[512]);
        assert_eq!(a[518], Anchor { x: 1.5 / 8.0, y: 0.5 / 8.0 });
        assert_eq!(a[895], Anchor { x: 7.5 / 8.0, y: 7.5 / 8.0 });
    }

    fn raw(score: f32, x: f32, y: f32, side: f32) -> RawDetection {
        RawDetection {
            score,
            x_min: x,
            y_min: y,
            x_max: x + side,
            y_max: y + side,
            keypoints: [(x, y); NUM_KEYPOINTS],
        }
    }

    #[test]
    fn weighted_nms_merges_overlaps_and_keeps_separate_faces() {
        let merged = weighted_nms(
            vec![raw(0.6, 0.12, 0.1, 0.2), raw(0.9, 0.1, 0.1, 0.2), raw(0.8, 0.6, 0.6, 0.2)],
            NMS_IOU,
        );
        assert_eq!(merged.len(), 2);
        assert_eq!(merged[0].score, 0.9);
        let want_x = (0.9 * 0.1 + 0.6 * 0.12) / 1.5;
        assert!((merged[0].x_min - want_x).abs() < 1e-6);
        assert_eq!(merged[1].score, 0.8);
        assert!((merged[1].x_min - 0.6).abs() < 1e-6);
    }

    #[test]
    fn weighted_nms_survives_degenerate_boxes() {
        let merged = weighted_nms(vec![raw(0.9, 0.1, 0.1, 0.0), raw(f32::NAN, 0.1, 0.1, 0.1)], NMS_IOU);
        assert_eq!(merged.len(), 2);
    }

    #[test]
    fn decode_uses_anchor_offsets_and_threshold() {
        let anchors = [Anchor { x: 0.25, y: 0.75 }, Anchor { x: 0.5, y: 0.5 }];
        let mut boxes = vec![0.0; 2 * NUM_COORDS];
        boxes[0] = 12.8; // +0.1 in x
        boxes[2] = 25.6; // width 0.2
        boxes[3] = 12.8; // height 0.1
        boxes[4] = -12.8; // right eye x: 0.25 - 0.1
        let found = decode(&boxes, &[3.0, -3.0], &anchors, 0.5);
        assert_eq!(found.len(), 1);
        let d = found[0];
        assert!((d.score - sigmoid(3.0)).abs() < 1e-6);
        assert!((d.x_min - 0.25).abs() < 1e-6);
        assert!((d.x_max - 0.45).abs() < 1e-6);
        assert!((d.y_min - 0.70).abs() < 1e-6);
        assert!((d.keypoints[0].0 - 0.15).abs() < 1e-6);
        assert!((d.keypoints[0].1 - 0.75).abs() < 1e-6);
    }
}
