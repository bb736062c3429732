//! [`FaceMatcher`]: the loaded models and the operations on an image.

use std::{
    env,
    ffi::CString,
    path::{Path, PathBuf},
    sync::{Mutex, MutexGuard, PoisonError},
};

use image::RgbImage;

use crate::{
    Descriptor, DetectedFace, FaceBox, MatchError, RgbView,
    ffi::{FmRect, Handle, ShimError},
};

/// Environment variable naming the directory that holds the two model files.
pub const MODELS_ENV: &str = "SHIMIN_FACEMATCH_MODELS";
/// Name of the default models directory under `$XDG_CACHE_HOME/shimin/` (or
/// `$HOME/.cache/shimin/`), where `scripts/fetch-face-match-models.sh` extracts them.
pub const MODELS_DIR_NAME: &str = "face-recognition-models-0.3.0";
/// dlib's 5-point face landmark model (for alignment), file name in the models directory.
pub const SHAPE_PREDICTOR_FILE: &str = "shape_predictor_5_face_landmarks.dat";
/// dlib's ResNet face recognition model, file name in the models directory.
pub const RECOGNITION_MODEL_FILE: &str = "dlib_face_recognition_resnet_model_v1.dat";
/// The most times an image may be doubled before detection.
pub const MAX_UPSAMPLE: u32 = 2;
/// How many times detection doubles an image that showed no face, unless
/// [`FaceMatcher::with_max_upsample`] says otherwise. The HOG detector finds faces from about 80
/// pixels across; after one doubling from about 40. Detection on the doubled image costs ~4×, so
/// it only runs when the image as it is shows no face.
pub const DEFAULT_MAX_UPSAMPLE: u32 = 1;
/// Detections scoring below this are not faces, unless [`FaceMatcher::with_min_score`] says
/// otherwise. dlib reports everything above 0; on the test photographs real faces (frontal to
/// half-turned) score 0.38–2.6 and the mission patch on the astronaut's suit 0.03–0.09, and the
/// patch's box is larger than her face, so without this floor "the largest face" would be the
/// patch.
pub const DEFAULT_MIN_SCORE: f64 = 0.2;
/// Images are only doubled for detection while the result stays within this many pixels
/// (4096×4096): dlib's HOG pyramid needs tens of bytes a pixel. So an image of more than 2048×2048
/// is never doubled, and one of more than 1024×1024 at most once.
pub const MAX_DETECT_PIXELS: u64 = 4096 * 4096;
/// At most this many faces are reported per image.
pub const MAX_FACES: usize = 64;

/// The models directory: `$SHIMIN_FACEMATCH_MODELS` if set, else
/// `$XDG_CACHE_HOME/shimin/face-recognition-models-0.3.0` (XDG_CACHE_HOME defaulting to
/// `$HOME/.cache`), the directory `scripts/fetch-face-match-models.sh` fills and prints.
#[must_use]
pub fn default_models_dir() -> Option<PathBuf> {
    if let Some(dir) = env::var_os(MODELS_ENV).filter(|d| !d.is_empty()) {
        return Some(dir.into());
    }
    let cache = env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| env::var_os("HOME").filter(|h| !h.is_empty()).map(|h| PathBuf::from(h).join(".cache")))?;
    Some(cache.join("shimin").join(MODELS_DIR_NAME))
}

/// Something the matcher can read pixels from: an [`RgbImage`] or a checked [`RgbView`].
pub trait AsRgbView {
    /// The pixels as a checked view.
    ///
    /// # Errors
    /// The checks of [`RgbView::new`].
    fn as_rgb_view(&self) -> Result<RgbView<'_>, MatchError>;
}

impl AsRgbView for RgbImage {
    fn as_rgb_view(&self) -> Result<RgbView<'_>, MatchError> {
        RgbView::try_from(self)
    }
}

impl AsRgbView for RgbView<'_> {
    fn as_rgb_view(&self) -> Result<RgbView<'_>, MatchError> {
        Ok(*self)
    }
}

/// dlib's HOG face detector, 5-point shape predictor and ResNet face recognition model, loaded.
///
/// `Send + Sync`: dlib's detector and network keep scratch state while they run, so the models
/// sit behind a mutex and concurrent calls on one matcher take turns. For parallel matching load
/// one matcher per worker (~30 MB each).
#[derive(Debug)]
pub struct FaceMatcher {
    handle: Mutex<Handle>,
    max_upsample: u32,
    min_score: f64,
}

impl FaceMatcher {
    /// Loads [`SHAPE_PREDICTOR_FILE`] and [`RECOGNITION_MODEL_FILE`] from `models_dir`.
    ///
    /// # Errors
    /// [`MatchError::ModelMissing`] if a file is absent, [`MatchError::ModelLoad`] if dlib cannot
    /// read it, [`MatchError::InvalidPath`], [`MatchError::OutOfMemory`].
    pub fn load(models_dir: impl AsRef<Path>) -> Result<Self, MatchError> {
        let dir = models_dir.as_ref();
        let shape_predictor = model_path(dir, SHAPE_PREDICTOR_FILE)?;
        let recognition_model = model_path(dir, RECOGNITION_MODEL_FILE)?;
        let handle = Handle::load(&shape_predictor, &recognition_model).map_err(|e| match e {
            ShimError::OutOfMemory => MatchError::OutOfMemory,
            ShimError::Argument => MatchError::ModelLoad { dir: dir.to_owned(), message: String::new() },
            ShimError::Model(message) | ShimError::Compute(message) => {
                MatchError::ModelLoad { dir: dir.to_owned(), message }
            }
        })?;
        Ok(Self {
            handle: Mutex::new(handle),
            max_upsample: DEFAULT_MAX_UPSAMPLE,
            min_score: DEFAULT_MIN_SCORE,
        })
    }

    /// Loads the models from [`default_models_dir`].
    ///
    /// # Errors
    /// [`MatchError::NoModelsDir`], then as [`FaceMatcher::load`].
    pub fn load_default() -> Result<Self, MatchError> {
        Self::load(default_models_dir().ok_or(MatchError::NoModelsDir)?)
    }

    /// Doubles an image that shows no face up to `times` times, detecting after each doubling
    /// (default [`DEFAULT_MAX_UPSAMPLE`]; never past [`MAX_DETECT_PIXELS`]). 0 only finds faces from ~80 px across; 2 finds them from
    /// ~20 px, at ~16× the cost for images without a face.
    ///
    /// # Errors
    /// [`MatchError::InvalidOption`] above [`MAX_UPSAMPLE`].
    pub fn with_max_upsample(mut self, times: u32) -> Result<Self, MatchError> {
        if times > MAX_UPSAMPLE {
            return Err(MatchError::InvalidOption("max_upsample"));
        }
        self.max_upsample = times;
        Ok(self)
    }

    /// Ignores detections scoring below `score` (default [`DEFAULT_MIN_SCORE`]; 0 keeps all).
    ///
    /// # Errors
    /// [`MatchError::InvalidOption`] for a negative or non-finite score.
    pub fn with_min_score(mut self, score: f64) -> Result<Self, MatchError> {
        if !(score.is_finite() && score >= 0.0) {
            return Err(MatchError::InvalidOption("min_score"));
        }
        self.min_score = score;
        Ok(self)
    }

    /// The frontal faces in `image`, largest first (at most [`MAX_FACES`]): those the detector
    /// finds on the image as it is, or, if there are none, on the image doubled (see
    /// [`FaceMatcher::with_max_upsample`]); detections below the minimum score are dropped.
    ///
    /// # Errors
    /// A bad image (see [`RgbView::new`]), [`MatchError::Dlib`], [`MatchError::OutOfMemory`].
    pub fn detect(&self, image: &impl AsRgbView) -> Result<Vec<DetectedFace>, MatchError> {
        let view = image.as_rgb_view()?;
        self.detect_locked(&mut self.lock(), view)
    }

    /// The descriptor of the largest frontal face in `image`, or `None` if there is no face.
    ///
    /// # Errors
    /// As [`FaceMatcher::detect`] and [`FaceMatcher::descriptor_of`].
    pub fn descriptor(&self, image: &impl AsRgbView) -> Result<Option<Descriptor>, MatchError> {
        let view = image.as_rgb_view()?;
        let mut handle = self.lock();
        match self.detect_locked(&mut handle, view)?.first() {
            Some(face) => descriptor_of(&mut handle, view, face.face_box).map(Some),
            None => Ok(None),
        }
    }

    /// The descriptor of the face in `face_box` (from this or another detector): the shape
    /// predictor finds 5 landmarks in the box, a 150×150 chip is aligned on them, the ResNet
    /// describes it.
    ///
    /// # Errors
    /// [`MatchError::BadFaceBox`] if the box does not overlap the image or is more than 4 times
    /// [`crate::MAX_IMAGE_SIDE`] on a side; a bad image; [`MatchError::Dlib`],
    /// [`MatchError::OutOfMemory`].
    pub fn descriptor_of(&self, image: &impl AsRgbView, face_box: FaceBox) -> Result<Descriptor, MatchError> {
        let view = image.as_rgb_view()?;
        descriptor_of(&mut self.lock(), view, face_box)
    }

    fn detect_locked(&self, handle: &mut Handle, view: RgbView<'_>) -> Result<Vec<DetectedFace>, MatchError> {
        for upsample in 0..=self.max_upsample {
            let doubled = (u64::from(view.width()) * u64::from(view.height())) << (2 * upsample);
            if upsample > 0 && doubled > MAX_DETECT_PIXELS {
                break;
            }
            let faces = detect(handle, view, upsample, self.min_score)?;
            if !faces.is_empty() {
                return Ok(faces);
            }
        }
        Ok(Vec::new())
    }

    fn lock(&self) -> MutexGuard<'_, Handle> {
        // Nothing panics while the lock is held, and a Rust panic could not leave dlib's objects
        // half-updated anyway: a poisoned lock is still usable.
        self.handle.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

fn model_path(dir: &Path, file: &str) -> Result<CString, MatchError> {
    let path = dir.join(file);
    if !path.is_file() {
        return Err(MatchError::ModelMissing { path });
    }
    #[cfg(unix)]
    let bytes = std::os::unix::ffi::OsStrExt::as_bytes(path.as_os_str()).to_vec();
    #[cfg(not(unix))]
    let bytes =
        path.to_str().ok_or_else(|| MatchError::InvalidPath { path: path.clone() })?.as_bytes().to_vec();
    CString::new(bytes).map_err(|_| MatchError::InvalidPath { path })
}

fn compute_error(e: ShimError) -> MatchError {
    match e {
        ShimError::OutOfMemory => MatchError::OutOfMemory,
        // RgbView and the face box are checked before the call; the shim agreeing is the norm.
        ShimError::Argument => MatchError::Dlib("the shim refused its arguments".to_owned()),
        ShimError::Model(message) | ShimError::Compute(message) => MatchError::Dlib(message),
    }
}

/// One detector pass after `upsample` doublings: the faces scoring at least `min_score`, largest
/// first.
fn detect(
    handle: &mut Handle,
    view: RgbView<'_>,
    upsample: u32,
    min_score: f64,
) -> Result<Vec<DetectedFace>, MatchError> {
    let rects = handle.detect(view, upsample, MAX_FACES).map_err(compute_error)?;
    let mut faces: Vec<DetectedFace> =
        rects.iter().filter_map(detected_face).filter(|f| f.score >= min_score).collect();
    faces.sort_by(|a, b| b.face_box.area().cmp(&a.face_box.area()).then(b.score.total_cmp(&a.score)));
    Ok(faces)
}

/// A detector box in our terms; `None` for a degenerate one (dlib does not give those).
fn detected_face(r: &FmRect) -> Option<DetectedFace> {
    let width = u32::try_from(r.right.checked_sub(r.left)?.checked_add(1)?).ok().filter(|&w| w > 0)?;
    let height = u32::try_from(r.bottom.checked_sub(r.top)?.checked_add(1)?).ok().filter(|&h| h > 0)?;
    let face_box = FaceBox { x: i32::try_from(r.left).ok()?, y: i32::try_from(r.top).ok()?, width, height };
    Some(DetectedFace { face_box, score: r.score })
}

fn descriptor_of(
    handle: &mut Handle,
    view: RgbView<'_>,
    face_box: FaceBox,
) -> Result<Descriptor, MatchError> {
    let rect = shim_rect(view, face_box)?;
    let values = handle.descriptor(view, rect).map_err(compute_error)?;
    Descriptor::from_shim(values)
        .map_err(|_| MatchError::Dlib("the network gave a non-finite descriptor".to_owned()))
}

/// `face_box` as dlib's inclusive rectangle, if it is a usable box for `view`.
fn shim_rect(view: RgbView<'_>, b: FaceBox) -> Result<FmRect, MatchError> {
    let max_side = 4 * crate::MAX_IMAGE_SIDE;
    if b.width == 0 || b.height == 0 || b.width > max_side || b.height > max_side {
        return Err(MatchError::BadFaceBox);
    }
    let (left, top) = (i64::from(b.x), i64::from(b.y));
    let (right, bottom) = (left + i64::from(b.width) - 1, top + i64::from(b.height) - 1);
    let overlaps =
        left < i64::from(view.width()) && right >= 0 && top < i64::from(view.height()) && bottom >= 0;
    if !overlaps {
        return Err(MatchError::BadFaceBox);
    }
    Ok(FmRect { left, top, right, bottom, score: 0.0 })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn face_boxes_must_overlap_the_image() {
        let pixels = [0u8; 10 * 10 * 3];
        let view = RgbView::new(&pixels, 10, 10, 30).expect("a valid view");
        let ok = FaceBox { x: -5, y: -5, width: 6, height: 6 };
        assert_eq!(
            shim_rect(view, ok).expect("overlaps one pixel"),
            FmRect { left: -5, top: -5, right: 0, bottom: 0, score: 0.0 }
        );
        for bad in [
            FaceBox { x: -5, y: -5, width: 5, height: 5 },
            FaceBox { x: 10, y: 0, width: 5, height: 5 },
            FaceBox { x: 0, y: 0, width: 0, height: 5 },
            FaceBox { x: 0, y: 0, width: 5, height: 20_000 },
        ] {
            assert!(matches!(shim_rect(view, bad), Err(MatchError::BadFaceBox)), "{bad:?}");
        }
    }

    #[test]
    fn detector_boxes_convert_to_width_and_height() {
        let r = FmRect { left: -3, top: 4, right: 76, bottom: 83, score: 1.5 };
        let face = detected_face(&r).expect("a box");
        assert_eq!(face.face_box, FaceBox { x: -3, y: 4, width: 80, height: 80 });
        assert!(detected_face(&FmRect { left: 5, right: 3, ..r }).is_none());
    }

    #[test]
    fn missing_models_are_reported_with_their_path() {
        // A fresh empty directory: a fixed name under the temporary directory might hold files.
        let dir = tempfile::tempdir().expect("dir");
        match FaceMatcher::load(dir.path()) {
            Err(MatchError::ModelMissing { path }) => assert!(path.ends_with(SHAPE_PREDICTOR_FILE)),
            other => panic!("expected ModelMissing, got {other:?}"),
        }
    }
}
