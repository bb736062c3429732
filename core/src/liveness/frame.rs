//! Camera frames as the liveness pipeline receives them, and the trait that delivers them.

use std::fmt;

/// The largest width or height of a frame (a 4K sensor frame; camera previews are far smaller).
pub const MAX_FRAME_SIDE: u32 = crate::picture::MAX_SIDE;

/// How the frame must be turned (clockwise) to make the face upright. The platform knows how the
/// device is held and says so; every coordinate the pipeline reports is in the upright frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub enum FrameRotation {
    /// Already upright.
    #[default]
    None,
    /// Turn 90° clockwise.
    Clockwise90,
    /// Turn 180°.
    Clockwise180,
    /// Turn 270° clockwise.
    Clockwise270,
}

impl FrameRotation {
    /// The rotation for a clockwise angle in degrees (0, 90, 180 or 270).
    pub fn from_degrees(degrees: u32) -> Option<Self> {
        match degrees {
            0 => Some(Self::None),
            90 => Some(Self::Clockwise90),
            180 => Some(Self::Clockwise180),
            270 => Some(Self::Clockwise270),
            _ => None,
        }
    }

    /// Whether turning swaps width and height.
    pub fn swaps_sides(self) -> bool {
        matches!(self, Self::Clockwise90 | Self::Clockwise270)
    }
}

/// Why bytes could not become a [`Frame`]. Carries sizes only, never pixels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum FrameError {
    /// Width or height is zero.
    #[error("the frame is empty ({width}x{height})")]
    Empty {
        /// Width in pixels.
        width: u32,
        /// Height in pixels.
        height: u32,
    },
    /// Width or height is above [`MAX_FRAME_SIDE`].
    #[error("the frame is too large ({width}x{height}); the limit is {max} a side", max = MAX_FRAME_SIDE)]
    TooLarge {
        /// Width in pixels.
        width: u32,
        /// Height in pixels.
        height: u32,
    },
    /// The byte count is not `width * height * 3`.
    #[error("the frame has {got} bytes where {expected} were expected")]
    WrongLength {
        /// `width * height * 3`.
        expected: usize,
        /// What was given.
        got: usize,
    },
}

/// One camera frame: 8-bit RGB, row-major, no padding, in the sensor's orientation, with the
/// rotation that makes it upright and a capture timestamp in milliseconds (monotonic, any origin).
///
/// A face photo is personal data: `Debug` shows the size and timestamp, never pixels.
#[derive(Clone, PartialEq, Eq)]
pub struct Frame {
    width: u32,
    height: u32,
    rgb: Vec<u8>,
    timestamp_ms: u64,
    rotation: FrameRotation,
}

impl fmt::Debug for Frame {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Frame")
            .field("width", &self.width)
            .field("height", &self.height)
            .field("timestamp_ms", &self.timestamp_ms)
            .field("rotation", &self.rotation)
            .finish_non_exhaustive()
    }
}

impl Frame {
    /// A frame from RGB bytes.
    ///
    /// # Errors
    /// [`FrameError`] when the size is zero, above [`MAX_FRAME_SIDE`], or does not match the
    /// byte count.
    pub fn new(
        width: u32,
        height: u32,
        rgb: Vec<u8>,
        timestamp_ms: u64,
        rotation: FrameRotation,
    ) -> Result<Self, FrameError> {
        if width == 0 || height == 0 {
            return Err(FrameError::Empty { width, height });
        }
        if width > MAX_FRAME_SIDE || height > MAX_FRAME_SIDE {
            return Err(FrameError::TooLarge { width, height });
        }
        // At most 4096 * 4096 * 3, far inside usize on every target we build for.
        let expected = width as usize * height as usize * 3;
        if rgb.len() != expected {
            return Err(FrameError::WrongLength { expected, got: rgb.len() });
        }
        Ok(Self { width, height, rgb, timestamp_ms, rotation })
    }

    /// Width in the sensor's orientation.
    pub fn width(&self) -> u32 {
        self.width
    }

    /// Height in the sensor's orientation.
    pub fn height(&self) -> u32 {
        self.height
    }

    /// Width and height once turned upright.
    pub fn upright_size(&self) -> (u32, u32) {
        if self.rotation.swaps_sides() { (self.height, self.width) } else { (self.width, self.height) }
    }

    /// The RGB bytes, row-major, in the sensor's orientation.
    pub fn rgb(&self) -> &[u8] {
        &self.rgb
    }

    /// Capture time in milliseconds.
    pub fn timestamp_ms(&self) -> u64 {
        self.timestamp_ms
    }

    /// The turn that makes the frame upright.
    pub fn rotation(&self) -> FrameRotation {
        self.rotation
    }

    /// Gives the bytes back (e.g. to reuse the buffer).
    pub fn into_rgb(self) -> Vec<u8> {
        self.rgb
    }
}

/// Why a frame source could not give the next frame. Never carries pixels.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FrameSourceError {
    /// The camera or file could not be read (permission, unplugged, missing file).
    #[error("the frame source is unavailable: {0}")]
    Unavailable(String),
    /// Frame `index` could not be decoded.
    #[error("frame {index} could not be decoded")]
    Decode {
        /// 0-based position in the stream.
        index: u64,
    },
    /// The source produced bytes that are not a valid frame.
    #[error("the source produced an invalid frame: {0}")]
    Frame(#[from] FrameError),
}

/// Where frames come from: a camera, the webview (`getUserMedia` over IPC), a directory of
/// images. Implementations live outside the core, which does no I/O.
pub trait FrameSource {
    /// The next frame, `Ok(None)` at the end of the stream.
    ///
    /// # Errors
    /// [`FrameSourceError`] when the next frame cannot be read.
    fn next_frame(&mut self) -> Result<Option<Frame>, FrameSourceError>;
}

/// A source over frames already in memory, for tests and for frames pushed from the webview.
#[derive(Debug, Default)]
pub struct MemoryFrames {
    frames: std::collections::VecDeque<Frame>,
}

impl MemoryFrames {
    /// A source that yields `frames` in order.
    pub fn new(frames: impl IntoIterator<Item = Frame>) -> Self {
        Self { frames: frames.into_iter().collect() }
    }

    /// Appends a frame (e.g. one that just arrived over IPC).
    pub fn push(&mut self, frame: Frame) {
        self.frames.push_back(frame);
    }
}

impl FrameSource for MemoryFrames {
    fn next_frame(&mut self) -> Result<Option<Frame>, FrameSourceError> {
        Ok(self.frames.pop_front())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_are_validated() {
        assert!(Frame::new(2, 2, vec![0; 12], 0, FrameRotation::None).is_ok());
        assert_eq!(
            Frame::new(0, 2, vec![], 0, FrameRotation::None),
            Err(FrameError::Empty { width: 0, height: 2 })
        );
        assert_eq!(
            Frame::new(2, 2, vec![0; 11], 0, FrameRotation::None),
            Err(FrameError::WrongLength { expected: 12, got: 11 })
        );
        assert_eq!(
            Frame::new(MAX_FRAME_SIDE + 1, 1, vec![], 0, FrameRotation::None),
            Err(FrameError::TooLarge { width: MAX_FRAME_SIDE + 1, height: 1 })
        );
    }

    #[test]
    fn debug_shows_no_pixels_and_rotation_swaps_sides() {
        let frame = Frame::new(3, 1, vec![42; 9], 7, FrameRotation::Clockwise90).expect("frame");
        let printed = format!("{frame:?}");
        assert!(!printed.contains("42"), "{printed}");
        assert_eq!(frame.upright_size(), (1, 3));
        assert_eq!(FrameRotation::from_degrees(270), Some(FrameRotation::Clockwise270));
        assert_eq!(FrameRotation::from_degrees(45), None);
    }

    #[test]
    fn memory_source_yields_in_order_then_ends() {
        let a = Frame::new(1, 1, vec![0; 3], 1, FrameRotation::None).expect("frame");
        let b = Frame::new(1, 1, vec![0; 3], 2, FrameRotation::None).expect("frame");
        let mut source = MemoryFrames::new([a, b]);
        assert_eq!(source.next_frame().expect("ok").map(|f| f.timestamp_ms()), Some(1));
        assert_eq!(source.next_frame().expect("ok").map(|f| f.timestamp_ms()), Some(2));
        assert_eq!(source.next_frame().expect("ok"), None);
    }
}
