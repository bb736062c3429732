//! A checked, borrowed RGB pixel buffer.

use image::RgbImage;

use crate::MatchError;

/// The largest image side accepted. A 4096×4096 frame doubled twice for the detector is already
/// ~270 MB of intensity pyramid; camera frames and ID photos are far smaller.
pub const MAX_IMAGE_SIDE: u32 = 4096;

/// 8-bit RGB pixels, `height` rows of `width` pixels, each row `stride` bytes after the previous
/// one (the bytes between rows are ignored).
///
/// Only [`RgbView::new`] makes one, and it checks the geometry against the buffer, so a view is
/// always safe to read.
#[derive(Clone, Copy)]
pub struct RgbView<'a> {
    pixels: &'a [u8],
    width: u32,
    height: u32,
    stride: usize,
}

impl std::fmt::Debug for RgbView<'_> {
    // The pixels are a photograph of a person: print the geometry only.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RgbView")
            .field("width", &self.width)
            .field("height", &self.height)
            .field("stride", &self.stride)
            .field("len", &self.pixels.len())
            .finish()
    }
}

impl<'a> RgbView<'a> {
    /// Checks that `pixels` holds `height` rows of `width` RGB pixels `stride` bytes apart.
    ///
    /// # Errors
    /// [`MatchError::EmptyImage`] for a zero width or height, [`MatchError::ImageTooLarge`] past
    /// [`MAX_IMAGE_SIDE`], [`MatchError::BadStride`] if a row does not fit in `stride`,
    /// [`MatchError::BufferTooShort`] if the buffer ends before the last pixel.
    pub fn new(pixels: &'a [u8], width: u32, height: u32, stride: usize) -> Result<Self, MatchError> {
        if width == 0 || height == 0 {
            return Err(MatchError::EmptyImage { width, height });
        }
        if width > MAX_IMAGE_SIDE || height > MAX_IMAGE_SIDE {
            return Err(MatchError::ImageTooLarge { width, height, max: MAX_IMAGE_SIDE });
        }
        // Both sides are at most 4096, so none of this overflows.
        let row = width as usize * 3;
        if stride < row {
            return Err(MatchError::BadStride { stride, width });
        }
        let needed = stride.checked_mul(height as usize - 1).and_then(|n| n.checked_add(row));
        match needed {
            Some(needed) if pixels.len() >= needed => Ok(Self { pixels, width, height, stride }),
            Some(needed) => Err(MatchError::BufferTooShort { len: pixels.len(), needed }),
            None => Err(MatchError::BufferTooShort { len: pixels.len(), needed: usize::MAX }),
        }
    }

    /// Width in pixels.
    #[must_use]
    pub fn width(&self) -> u32 {
        self.width
    }

    /// Height in pixels.
    #[must_use]
    pub fn height(&self) -> u32 {
        self.height
    }

    /// Bytes from the start of one row to the start of the next.
    #[must_use]
    pub fn stride(&self) -> usize {
        self.stride
    }

    /// The whole buffer.
    #[must_use]
    pub fn pixels(&self) -> &'a [u8] {
        self.pixels
    }
}

impl<'a> TryFrom<&'a RgbImage> for RgbView<'a> {
    type Error = MatchError;

    fn try_from(image: &'a RgbImage) -> Result<Self, MatchError> {
        let (width, height) = image.dimensions();
        RgbView::new(image.as_raw(), width, height, width as usize * 3)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_exact_and_padded_buffers() {
        assert!(RgbView::new(&[0; 12], 2, 2, 6).is_ok());
        // Padded rows; the last row needs no padding.
        assert!(RgbView::new(&[0; 14], 2, 2, 8).is_ok());
    }

    #[test]
    fn rejects_bad_geometry() {
        assert!(matches!(RgbView::new(&[], 0, 0, 0), Err(MatchError::EmptyImage { .. })));
        assert!(matches!(RgbView::new(&[0; 3], 1, 0, 3), Err(MatchError::EmptyImage { .. })));
        assert!(matches!(RgbView::new(&[0; 12], 2, 2, 5), Err(MatchError::BadStride { .. })));
        assert!(matches!(
            RgbView::new(&[0; 11], 2, 2, 6),
            Err(MatchError::BufferTooShort { len: 11, needed: 12 })
        ));
        assert!(matches!(RgbView::new(&[0; 3], 4097, 1, 12291), Err(MatchError::ImageTooLarge { .. })));
        assert!(matches!(
            RgbView::new(&[0; 12], 2, 2, usize::MAX),
            Err(MatchError::BufferTooShort { needed: usize::MAX, .. })
        ));
    }

    #[test]
    fn an_empty_rgb_image_is_an_error() {
        let image = RgbImage::new(0, 0);
        assert!(matches!(RgbView::try_from(&image), Err(MatchError::EmptyImage { .. })));
    }
}
