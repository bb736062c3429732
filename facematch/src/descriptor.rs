//! Face descriptors, their distance, and face boxes.

use crate::{MatchError, ffi::DESCRIPTOR_LEN};

/// Two descriptors closer than this (Euclidean) are the same person.
///
/// dlib's value for this model: "pairs of images of the same person have descriptors closer than
/// 0.6", which gives 99.38% on the LFW benchmark (dlib's `dnn_face_recognition_ex.cpp` and its
/// model card). A lower value trades false accepts for false rejects.
pub const SAME_PERSON_THRESHOLD: f32 = 0.6;

/// A face's 128-number descriptor from dlib's ResNet. Faces of one person lie close together.
///
/// It is biometric data: `Debug` does not print the numbers, and there is no `Display`.
#[derive(Clone, PartialEq)]
pub struct Descriptor([f32; DESCRIPTOR_LEN]);

impl std::fmt::Debug for Descriptor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Descriptor(<128 values redacted>)")
    }
}

impl Descriptor {
    /// The number of values.
    pub const LEN: usize = DESCRIPTOR_LEN;

    pub(crate) fn from_shim(values: [f32; DESCRIPTOR_LEN]) -> Result<Self, MatchError> {
        Self::try_from(&values[..])
    }

    /// The values, e.g. to store a registry photo's descriptor.
    #[must_use]
    pub fn as_array(&self) -> &[f32; DESCRIPTOR_LEN] {
        &self.0
    }

    /// Euclidean distance to `other`.
    #[must_use]
    pub fn distance(&self, other: &Descriptor) -> f32 {
        self.0.iter().zip(&other.0).map(|(a, b)| (a - b) * (a - b)).sum::<f32>().sqrt()
    }

    /// Whether `other` is the same person: [`Descriptor::distance`] below
    /// [`SAME_PERSON_THRESHOLD`].
    #[must_use]
    pub fn same_person(&self, other: &Descriptor) -> bool {
        self.distance(other) < SAME_PERSON_THRESHOLD
    }
}

impl TryFrom<&[f32]> for Descriptor {
    type Error = MatchError;

    /// A stored descriptor: exactly [`Descriptor::LEN`] finite values.
    fn try_from(values: &[f32]) -> Result<Self, MatchError> {
        let array: [f32; DESCRIPTOR_LEN] = values.try_into().map_err(|_| MatchError::BadDescriptor)?;
        if array.iter().all(|v| v.is_finite()) { Ok(Self(array)) } else { Err(MatchError::BadDescriptor) }
    }
}

/// A face's box in image pixels. It may reach past the image's edges (the detector does that for
/// faces at the border).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FaceBox {
    /// Left edge (first column inside the box).
    pub x: i32,
    /// Top edge (first row inside the box).
    pub y: i32,
    /// Width in pixels, at least 1.
    pub width: u32,
    /// Height in pixels, at least 1.
    pub height: u32,
}

impl FaceBox {
    /// Area in pixels.
    #[must_use]
    pub fn area(&self) -> u64 {
        u64::from(self.width) * u64::from(self.height)
    }
}

/// A face the detector found.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DetectedFace {
    /// Where it is.
    pub face_box: FaceBox,
    /// The HOG detector's confidence (above 0; larger is surer).
    pub score: f64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unit(i: usize) -> Descriptor {
        let mut v = [0.0; DESCRIPTOR_LEN];
        v[i] = 1.0;
        Descriptor(v)
    }

    #[test]
    fn distance_is_euclidean() {
        assert_eq!(unit(0).distance(&unit(0)), 0.0);
        assert!((unit(0).distance(&unit(1)) - 2f32.sqrt()).abs() < 1e-6);
        assert!(unit(3).same_person(&unit(3)));
        assert!(!unit(3).same_person(&unit(4)));
    }

    #[test]
    fn stored_descriptors_are_checked() {
        assert!(Descriptor::try_from(&[0.1; 128][..]).is_ok());
        assert!(matches!(Descriptor::try_from(&[0.1; 127][..]), Err(MatchError::BadDescriptor)));
        let mut v = [0.0; 128];
        v[7] = f32::NAN;
        assert!(matches!(Descriptor::try_from(&v[..]), Err(MatchError::BadDescriptor)));
    }

    #[test]
    fn debug_redacts_the_values() {
        let mut v = [0.0; 128];
        v[0] = 0.123_456;
        assert!(!format!("{:?}", Descriptor(v)).contains("0.123"));
    }
}
