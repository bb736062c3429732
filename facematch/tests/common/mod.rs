//! Shared helpers for the integration tests: the photographs and one loaded matcher.
#![allow(dead_code)]

use std::{env, path::PathBuf, sync::OnceLock};

use image::RgbImage;
use shimin_facematch::FaceMatcher;

/// Eileen Collins, NASA portrait (public domain), from scikit-image's `astronaut.png`
/// (`face/tests/images/README.md` says where each photo comes from).
pub const ASTRONAUT: &[u8] = include_bytes!("../../../face/tests/images/astronaut.jpg");
/// Grace Hopper, US Navy portrait (public domain), from matplotlib's sample data.
pub const GRACE_HOPPER: &[u8] = include_bytes!("../../../face/tests/images/grace_hopper.jpg");
/// A cup of coffee (CC0), from scikit-image's `coffee.png`: no face.
pub const COFFEE: &[u8] = include_bytes!("../../../face/tests/images/coffee.jpg");

pub fn decode(bytes: &[u8]) -> RgbImage {
    image::load_from_memory(bytes).expect("a test image decodes").to_rgb8()
}

/// One matcher for all tests of a binary (loading reads ~31 MB of models).
pub fn matcher() -> &'static FaceMatcher {
    static MATCHER: OnceLock<FaceMatcher> = OnceLock::new();
    MATCHER.get_or_init(|| {
        FaceMatcher::load_default()
            .expect("the dlib models load; fetch them with scripts/fetch-face-match-models.sh")
    })
}

/// The group photo `insightface/data/images/t1.jpg` from the PyPI wheel `insightface==2.1`: six
/// people around a table. No licence is stated for it, so it is not committed:
/// `scripts/fetch-face-match-models.sh` caches it (sha256-checked) where this looks.
pub fn group_photo() -> RgbImage {
    let dir = env::var_os("SHIMIN_FACEMATCH_TEST_IMAGES").map(PathBuf::from).unwrap_or_else(|| {
        let cache = env::var_os("XDG_CACHE_HOME")
            .map(PathBuf::from)
            .filter(|p| p.is_absolute())
            .or_else(|| env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))
            .expect("HOME is set");
        cache.join("shimin").join("insightface-2.1")
    });
    let path = dir.join("t1.jpg");
    let bytes = std::fs::read(&path).unwrap_or_else(|e| {
        panic!("{}: {e}; fetch it with scripts/fetch-face-match-models.sh", path.display())
    });
    decode(&bytes)
}
