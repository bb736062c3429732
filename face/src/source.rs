//! A [`FrameSource`] over image files (PNG or JPEG, sniffed from the bytes and decoded by the
//! core's one decoder within [`Limits::STANDARD`]), for tests, demos and the CLI. This is the one
//! place in the crate that reads files.

use std::path::{Path, PathBuf};

use shimin_core::liveness::{Frame, FrameRotation, FrameSource, FrameSourceError};
use shimin_core::picture::{self, Limits, PictureFormat};

/// Frames read from image files in order, timestamped as if taken at a fixed rate.
#[derive(Debug, Clone)]
pub struct ImageSequence {
    paths: Vec<PathBuf>,
    next: usize,
    fps: u32,
    rotation: FrameRotation,
}

fn is_image(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| ["png", "jpg", "jpeg"].iter().any(|x| e.eq_ignore_ascii_case(x)))
}

impl ImageSequence {
    /// The PNG and JPEG files of `dir` (by extension, case-insensitive), in file-name order (byte
    /// order: name frames with zero-padded numbers, `frame_0002.png` before `frame_0010.png`),
    /// at `fps` frames per second (at least 1).
    ///
    /// # Errors
    /// [`FrameSourceError::Unavailable`] when the directory cannot be listed.
    pub fn from_dir(dir: &Path, fps: u32) -> Result<Self, FrameSourceError> {
        let entries = std::fs::read_dir(dir)
            .map_err(|e| FrameSourceError::Unavailable(format!("cannot list the frame directory: {e}")))?;
        let mut paths = Vec::new();
        for entry in entries {
            let entry = entry.map_err(|e| {
                FrameSourceError::Unavailable(format!("cannot list the frame directory: {e}"))
            })?;
            let path = entry.path();
            if path.is_file() && is_image(&path) {
                paths.push(path);
            }
        }
        paths.sort_by(|a, b| a.file_name().cmp(&b.file_name()));
        Ok(Self::from_paths(paths, fps))
    }

    /// These files, in this order, at `fps` frames per second (at least 1).
    #[must_use]
    pub fn from_paths(paths: Vec<PathBuf>, fps: u32) -> Self {
        Self { paths, next: 0, fps: fps.max(1), rotation: FrameRotation::None }
    }

    /// Marks every frame as needing `rotation` to be upright.
    #[must_use]
    pub fn with_rotation(mut self, rotation: FrameRotation) -> Self {
        self.rotation = rotation;
        self
    }

    /// How many frames the sequence has in all.
    #[must_use]
    pub fn len(&self) -> usize {
        self.paths.len()
    }

    /// Whether the sequence has no frames.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.paths.is_empty()
    }
}

impl FrameSource for ImageSequence {
    fn next_frame(&mut self) -> Result<Option<Frame>, FrameSourceError> {
        let Some(path) = self.paths.get(self.next) else { return Ok(None) };
        let index = self.next as u64;
        self.next += 1;
        let bytes = std::fs::read(path)
            .map_err(|e| FrameSourceError::Unavailable(format!("cannot open frame {index}: {e}")))?;
        let image = picture::decode_rgb8(&bytes, PictureFormat::JPEG_OR_PNG, Limits::STANDARD)
            .map_err(|_| FrameSourceError::Decode { index })?;
        let (width, height) = image.dimensions();
        let timestamp_ms = index.saturating_mul(1000) / u64::from(self.fps);
        Ok(Some(Frame::new(width, height, image.into_raw(), timestamp_ms, self.rotation)?))
    }
}
