#![doc = include_str!("../README.md")]

mod descriptor;
mod error;
mod ffi;
mod matcher;
mod view;

pub use descriptor::{Descriptor, DetectedFace, FaceBox, SAME_PERSON_THRESHOLD};
pub use error::MatchError;
pub use matcher::{
    AsRgbView, DEFAULT_MAX_UPSAMPLE, DEFAULT_MIN_SCORE, FaceMatcher, MAX_DETECT_PIXELS, MAX_FACES,
    MAX_UPSAMPLE, MODELS_DIR_NAME, MODELS_ENV, RECOGNITION_MODEL_FILE, SHAPE_PREDICTOR_FILE,
    default_models_dir,
};
pub use view::{MAX_IMAGE_SIDE, RgbView};

/// The image type the matcher takes: 8-bit RGB, any size up to [`MAX_IMAGE_SIDE`].
pub use image::RgbImage;
