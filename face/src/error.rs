//! The one error type of this crate. No variant carries pixels or landmarks.

/// Why a face operation could not produce a result.
///
/// "No face in the frame" is not an error: detection returns an empty list for it.
#[derive(Debug, thiserror::Error)]
pub enum FaceError {
    /// The frame has a zero width or height.
    #[error("the image is empty ({width}x{height})")]
    EmptyImage {
        /// Width in pixels.
        width: u32,
        /// Height in pixels.
        height: u32,
    },
    /// The frame is larger than [`crate::MAX_IMAGE_SIDE`] on one side.
    #[error("the image is too large ({width}x{height}); the limit is {max} pixels a side")]
    ImageTooLarge {
        /// Width in pixels.
        width: u32,
        /// Height in pixels.
        height: u32,
        /// The largest side accepted.
        max: u32,
    },
    /// The detection given to the landmark model has a non-finite or degenerate box or keypoints.
    #[error("the face detection is not usable for landmarks")]
    InvalidDetection,
    /// An embedded model could not be loaded or run.
    #[error("the {model} model failed")]
    Model {
        /// Which model: "face detector" or "face mesh".
        model: &'static str,
        /// What the inference engine reported.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// A key frame could not be encoded as JPEG.
    #[error("the image could not be encoded: {0}")]
    Encode(String),
    /// A model produced outputs of an unexpected shape (a wrong model file).
    #[error("the {model} model produced {got} values where {expected} were expected")]
    UnexpectedOutput {
        /// Which model.
        model: &'static str,
        /// How many values were expected.
        expected: usize,
        /// How many values came out.
        got: usize,
    },
}

impl FaceError {
    pub(crate) fn model(model: &'static str, error: tract_onnx::prelude::TractError) -> Self {
        Self::Model { model, source: error.into() }
    }
}
