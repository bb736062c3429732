//! The crate's one error type.

use std::path::PathBuf;

/// Why a face match could not be computed. No variant carries pixels, descriptors or anything
/// else about the person in the image.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum MatchError {
    /// No models directory was given and neither `SHIMIN_FACEMATCH_MODELS` nor `HOME` is set.
    #[error("no face match models directory: set SHIMIN_FACEMATCH_MODELS")]
    NoModelsDir,

    /// A model file is not where it should be; `scripts/fetch-face-match-models.sh` puts it there.
    #[error("face match model {} is missing; run scripts/fetch-face-match-models.sh", path.display())]
    ModelMissing {
        /// The file looked for.
        path: PathBuf,
    },

    /// dlib could not read the model files (damaged, truncated, or another model).
    #[error("face match models in {} could not be loaded: {message}", dir.display())]
    ModelLoad {
        /// The models directory.
        dir: PathBuf,
        /// dlib's message.
        message: String,
    },

    /// A model path contains a NUL byte and cannot be passed to dlib.
    #[error("face match model path {} contains a NUL byte", path.display())]
    InvalidPath {
        /// The offending path.
        path: PathBuf,
    },

    /// The image has no pixels.
    #[error("empty image ({width}×{height})")]
    EmptyImage {
        /// Width in pixels.
        width: u32,
        /// Height in pixels.
        height: u32,
    },

    /// The image is larger than [`crate::MAX_IMAGE_SIDE`] on a side.
    #[error("image of {width}×{height} pixels is too large (at most {max} a side)")]
    ImageTooLarge {
        /// Width in pixels.
        width: u32,
        /// Height in pixels.
        height: u32,
        /// The limit.
        max: u32,
    },

    /// The row stride is shorter than a row of RGB pixels.
    #[error("row stride of {stride} bytes is less than 3 × width {width}")]
    BadStride {
        /// Bytes per row given.
        stride: usize,
        /// Width in pixels.
        width: u32,
    },

    /// The pixel buffer ends before the image does.
    #[error("pixel buffer of {len} bytes is too short ({needed} needed)")]
    BufferTooShort {
        /// Bytes given.
        len: usize,
        /// Bytes the geometry needs.
        needed: usize,
    },

    /// A face box given by the caller is empty, too large or does not overlap the image.
    #[error("face box does not describe a face in the image")]
    BadFaceBox,

    /// A [`crate::FaceMatcher`] option out of range (its name).
    #[error("face matcher option {0} out of range")]
    InvalidOption(&'static str),

    /// dlib ran out of memory.
    #[error("out of memory in dlib")]
    OutOfMemory,

    /// dlib failed while computing (a C++ exception caught in the shim).
    #[error("dlib failed: {0}")]
    Dlib(String),

    /// A descriptor was built from a slice that is not 128 finite numbers.
    #[error("a face descriptor is 128 finite numbers")]
    BadDescriptor,
}
