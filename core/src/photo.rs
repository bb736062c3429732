//! Photo thumbnails small enough for a presentation QR code.
//!
//! A certificate carries the holder's photo as a grey thumbnail, and the "identity" preset puts
//! it in a QR code that holds under a kilobyte in all. A baseline JPEG of a 36 × 44 face spends
//! about 330 bytes on headers (quantisation and Huffman tables, frame and scan headers) that are
//! the same for every thumbnail of that size and quality, and 150–300 bytes on the picture. So a
//! [`Thumbnail`] keeps only what differs:
//!
//! ```text
//! [1] [width] [height] [quality] [entropy-coded scan of a baseline grey JPEG ...]
//! ```
//!
//! The JPEG is the one the `image` crate's baseline encoder writes: the standard tables of
//! ITU-T T.81 Annex K, the luminance quantisation table scaled by `quality` with the IJG formula.
//! [`Thumbnail::to_jpeg`] puts the same headers back (those of a blank 8 × 8 image at that quality,
//! with the frame header's size set), so any viewer shows it. Issuers make
//! thumbnails with [`Thumbnail::from_image_bytes`], which finds the best quality that fits a byte
//! budget ([`THUMBNAIL_BUDGET`]).

use image::{GrayImage, ImageEncoder, imageops::FilterType};

use crate::picture::{self, Limits, PictureFormat};

/// The layout version, the first byte.
pub const THUMBNAIL_FORMAT: u8 = 1;
/// Thumbnail width in pixels, as issuers make them.
pub const THUMBNAIL_WIDTH: u32 = 36;
/// Thumbnail height in pixels (a 9:11 passport-photo shape).
pub const THUMBNAIL_HEIGHT: u32 = 44;
/// The most bytes an issuer spends on a thumbnail, so that an "identity" presentation (name,
/// masked ID number, photo) fits a version-25 QR code at error correction M.
pub const THUMBNAIL_BUDGET: usize = 220;
/// The largest side a thumbnail may have.
pub const MAX_SIDE: u8 = 96;
/// The lowest quality tried when fitting a budget.
const MIN_QUALITY: u8 = 10;
/// The largest source image accepted by [`Thumbnail::from_image_bytes`], in bytes.
pub const MAX_SOURCE_BYTES: usize = 16 * 1024 * 1024;

/// Why a thumbnail could not be made or read. Never carries image data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PhotoError {
    /// The bytes are not a thumbnail of this layout.
    #[error("not a photo thumbnail")]
    Malformed,
    /// A side is zero or larger than [`MAX_SIDE`], or the quality is not 1–100.
    #[error("thumbnail size or quality out of range")]
    OutOfRange,
    /// The source image could not be decoded (or is too large).
    #[error("the photo could not be read")]
    BadSource,
    /// Even the lowest quality does not fit the budget.
    #[error("the photo does not fit in {budget} bytes")]
    TooLarge {
        /// The budget in bytes.
        budget: usize,
    },
    /// The JPEG encoder failed.
    #[error("the photo could not be encoded")]
    Encode,
}

/// A compact grey thumbnail: size, quality and the JPEG scan. `Debug` shows the size only.
#[derive(Clone, PartialEq, Eq)]
pub struct Thumbnail {
    width: u8,
    height: u8,
    quality: u8,
    scan: Vec<u8>,
}

impl std::fmt::Debug for Thumbnail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Thumbnail")
            .field("width", &self.width)
            .field("height", &self.height)
            .field("quality", &self.quality)
            .field("scan_len", &self.scan.len())
            .finish()
    }
}

fn side(v: u32) -> Result<u8, PhotoError> {
    u8::try_from(v).ok().filter(|s| (1..=MAX_SIDE).contains(s)).ok_or(PhotoError::OutOfRange)
}

fn check_quality(q: u8) -> Result<u8, PhotoError> {
    (1..=100).contains(&q).then_some(q).ok_or(PhotoError::OutOfRange)
}

/// A baseline grey JPEG of `image` at `quality`.
fn jpeg(image: &GrayImage, quality: u8) -> Result<Vec<u8>, PhotoError> {
    let mut out = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, quality)
        .write_image(image.as_raw(), image.width(), image.height(), image::ExtendedColorType::L8)
        .map_err(|_| PhotoError::Encode)?;
    Ok(out)
}

/// Where the entropy-coded data of a JPEG starts: just after the start-of-scan header.
fn scan_start(jpeg: &[u8]) -> Option<usize> {
    let sos = jpeg.windows(2).position(|m| m == [0xFF, 0xDA])?;
    let len = usize::from(u16::from_be_bytes([*jpeg.get(sos + 2)?, *jpeg.get(sos + 3)?]));
    let start = sos + 2 + len;
    (start <= jpeg.len()).then_some(start)
}

impl Thumbnail {
    /// Encodes a grey image at `quality` (1–100).
    ///
    /// # Errors
    /// [`PhotoError::OutOfRange`] for a side over [`MAX_SIDE`] or a bad quality,
    /// [`PhotoError::Encode`] if the encoder fails.
    pub fn encode(image: &GrayImage, quality: u8) -> Result<Self, PhotoError> {
        let (width, height) = (side(image.width())?, side(image.height())?);
        let quality = check_quality(quality)?;
        let full = jpeg(image, quality)?;
        let start = scan_start(&full).ok_or(PhotoError::Encode)?;
        let end = full.len().checked_sub(2).filter(|e| *e >= start).ok_or(PhotoError::Encode)?;
        Ok(Self { width, height, quality, scan: full[start..end].to_vec() })
    }

    /// The best quality encoding of `image` that fits in `budget` bytes.
    ///
    /// # Errors
    /// [`PhotoError::TooLarge`] when even quality 10 does not fit, and what
    /// [`Thumbnail::encode`] returns.
    pub fn fit(image: &GrayImage, budget: usize) -> Result<Self, PhotoError> {
        let mut quality = 75u8;
        loop {
            let t = Self::encode(image, quality)?;
            if t.len() <= budget {
                return Ok(t);
            }
            if quality <= MIN_QUALITY {
                return Err(PhotoError::TooLarge { budget });
            }
            quality = quality.saturating_sub(5).max(MIN_QUALITY);
        }
    }

    /// An issuer's thumbnail of a photo (PNG or JPEG, up to a phone's full-size photo:
    /// [`Limits::PHOTO`]): grey, scaled and centre-cropped to [`THUMBNAIL_WIDTH`] ×
    /// [`THUMBNAIL_HEIGHT`], fitted to [`THUMBNAIL_BUDGET`].
    ///
    /// # Errors
    /// [`PhotoError::BadSource`] for bytes that are not a PNG or JPEG within those limits (or
    /// over [`MAX_SOURCE_BYTES`]), and what [`Thumbnail::fit`] returns.
    pub fn from_image_bytes(bytes: &[u8]) -> Result<Self, PhotoError> {
        if bytes.len() > MAX_SOURCE_BYTES {
            return Err(PhotoError::BadSource);
        }
        // A portrait is scaled down to a few dozen pixels: a phone's full-size photo is taken.
        let source = picture::decode(bytes, PictureFormat::JPEG_OR_PNG, Limits::PHOTO)
            .map_err(|_| PhotoError::BadSource)?
            .into_image();
        let grey = source.resize_to_fill(THUMBNAIL_WIDTH, THUMBNAIL_HEIGHT, FilterType::Triangle).to_luma8();
        Self::fit(&grey, THUMBNAIL_BUDGET)
    }

    /// Reads the compact bytes.
    ///
    /// # Errors
    /// [`PhotoError::Malformed`] for another layout, [`PhotoError::OutOfRange`] for a bad
    /// size or quality.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, PhotoError> {
        let [format, width, height, quality, scan @ ..] = bytes else { return Err(PhotoError::Malformed) };
        if *format != THUMBNAIL_FORMAT || scan.is_empty() {
            return Err(PhotoError::Malformed);
        }
        Ok(Self {
            width: side(u32::from(*width))?,
            height: side(u32::from(*height))?,
            quality: check_quality(*quality)?,
            scan: scan.to_vec(),
        })
    }

    /// The compact bytes, as signed into a certificate.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.len());
        out.extend_from_slice(&[THUMBNAIL_FORMAT, self.width, self.height, self.quality]);
        out.extend_from_slice(&self.scan);
        out
    }

    /// Length of [`Thumbnail::to_bytes`].
    pub fn len(&self) -> usize {
        4 + self.scan.len()
    }

    /// Never true: a thumbnail always has its four-byte header.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// Width and height in pixels.
    pub fn size(&self) -> (u32, u32) {
        (u32::from(self.width), u32::from(self.height))
    }

    /// A complete baseline JPEG that any viewer shows.
    ///
    /// # Errors
    /// [`PhotoError::Encode`] if the headers cannot be made.
    pub fn to_jpeg(&self) -> Result<Vec<u8>, PhotoError> {
        // The headers of a one-block image at this quality, with the frame header's height and
        // width set to ours: the headers depend on nothing else.
        let mut out = jpeg(&GrayImage::new(8, 8), self.quality)?;
        let start = scan_start(&out).ok_or(PhotoError::Encode)?;
        out.truncate(start);
        let sof = out.windows(2).position(|m| m == [0xFF, 0xC0]).ok_or(PhotoError::Encode)?;
        let dims = out.get_mut(sof + 5..sof + 9).ok_or(PhotoError::Encode)?;
        dims[..2].copy_from_slice(&u16::from(self.height).to_be_bytes());
        dims[2..].copy_from_slice(&u16::from(self.width).to_be_bytes());
        out.extend_from_slice(&self.scan);
        out.extend_from_slice(&[0xFF, 0xD9]);
        Ok(out)
    }
}

#[cfg(test)]
#[allow(clippy::expect_used, clippy::panic)]
mod tests {
    use image::Luma;

    use super::*;

    /// A soft oval "face" with darker eyes and mouth.
    fn face(w: u32, h: u32) -> GrayImage {
        GrayImage::from_fn(w, h, |x, y| {
            let fx = (f64::from(x) / f64::from(w) - 0.5) * 36.0;
            let fy = (f64::from(y) / f64::from(h) - 0.5) * 44.0;
            let inside = (fx / 14.0).powi(2) + (fy / 19.0).powi(2) <= 1.0;
            let eye = (fx.abs() - 6.0).powi(2) + (fy + 5.0).powi(2) < 5.0;
            let mouth = fy > 7.0 && fy < 10.0 && fx.abs() < 6.0;
            let v = match (inside, eye || mouth) {
                (false, _) => 235.0 - f64::from(y),
                (true, true) => 50.0,
                (true, false) => 170.0 - fx.abs() * 2.0 - fy,
            };
            Luma([v.clamp(0.0, 255.0) as u8])
        })
    }

    #[test]
    fn the_rebuilt_jpeg_is_byte_for_byte_the_encoders_own() {
        let img = face(36, 44);
        for quality in [10, 35, 75, 100] {
            let t = Thumbnail::encode(&img, quality).expect("encode");
            assert_eq!(t.to_jpeg().expect("jpeg"), jpeg(&img, quality).expect("direct"), "q{quality}");
            assert_eq!(Thumbnail::from_bytes(&t.to_bytes()), Ok(t.clone()));
            assert!(t.len() < jpeg(&img, quality).expect("direct").len() - 250, "the headers are gone");
        }
    }

    #[test]
    fn the_rebuilt_jpeg_decodes_to_the_picture() {
        let img = face(36, 44);
        let t = Thumbnail::encode(&img, 50).expect("encode");
        let back = image::load_from_memory(&t.to_jpeg().expect("jpeg")).expect("decodes").to_luma8();
        assert_eq!(back.dimensions(), (36, 44));
        let err: f64 = img
            .pixels()
            .zip(back.pixels())
            .map(|(a, b)| (f64::from(a.0[0]) - f64::from(b.0[0])).abs())
            .sum::<f64>()
            / f64::from(36 * 44);
        assert!(err < 8.0, "mean error {err}");
        // The eyes stay darker than the cheeks.
        assert!(back.get_pixel(12, 17).0[0] + 40 < back.get_pixel(18, 22).0[0]);
    }

    #[test]
    fn the_quantisation_table_is_annex_k_scaled_the_ijg_way() {
        // T.81 Annex K, table K.1, in natural (row-major) order.
        const K1: [u32; 64] = [
            16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56,
            14, 17, 22, 29, 51, 87, 80, 62, 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113,
            92, 49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
        ];
        let t = Thumbnail::encode(&face(8, 8), 35).expect("encode");
        let out = t.to_jpeg().expect("jpeg");
        let dqt = out.windows(2).position(|m| m == [0xFF, 0xDB]).expect("a DQT segment");
        // Segment: FF DB, length (2), precision/id (1), 64 values in zig-zag order.
        let zigzag_values = &out[dqt + 5..dqt + 5 + 64];
        let scale = 5000 / 35;
        let mut natural = [0u32; 64];
        let mut i = 0;
        for s in 0..15usize {
            let cells: Vec<(usize, usize)> =
                (0..8usize).filter_map(|r| s.checked_sub(r).filter(|c| *c < 8).map(|c| (r, c))).collect();
            let ordered: Vec<_> = if s % 2 == 0 { cells.into_iter().rev().collect() } else { cells };
            for (r, c) in ordered {
                natural[r * 8 + c] = u32::from(zigzag_values[i]);
                i += 1;
            }
        }
        let expected: Vec<u32> = K1.iter().map(|v| ((v * scale + 50) / 100).clamp(1, 255)).collect();
        assert_eq!(natural.to_vec(), expected);
    }

    #[test]
    fn fitting_lowers_the_quality_until_the_budget_holds() {
        let img = face(36, 44);
        let roomy = Thumbnail::fit(&img, 2_000).expect("fits");
        let tight = Thumbnail::fit(&img, 200).expect("fits");
        assert!(tight.len() <= 200 && tight.quality < roomy.quality, "{tight:?} {roomy:?}");
        assert_eq!(Thumbnail::fit(&img, 20), Err(PhotoError::TooLarge { budget: 20 }));
    }

    #[test]
    fn an_issuer_thumbnail_is_grey_sized_and_within_budget() {
        let mut png = Vec::new();
        image::DynamicImage::ImageLuma8(face(360, 440))
            .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
            .expect("png");
        let t = Thumbnail::from_image_bytes(&png).expect("thumbnail");
        assert_eq!(t.size(), (THUMBNAIL_WIDTH, THUMBNAIL_HEIGHT));
        assert!(t.len() <= THUMBNAIL_BUDGET);
        assert_eq!(Thumbnail::from_image_bytes(b"not an image"), Err(PhotoError::BadSource));
    }

    #[test]
    fn bad_bytes_are_typed_errors() {
        assert_eq!(Thumbnail::from_bytes(&[]), Err(PhotoError::Malformed));
        assert_eq!(Thumbnail::from_bytes(&[1, 36, 44, 50]), Err(PhotoError::Malformed));
        assert_eq!(Thumbnail::from_bytes(&[2, 36, 44, 50, 0]), Err(PhotoError::Malformed));
        assert_eq!(Thumbnail::from_bytes(&[1, 0, 44, 50, 0]), Err(PhotoError::OutOfRange));
        assert_eq!(Thumbnail::from_bytes(&[1, 200, 44, 50, 0]), Err(PhotoError::OutOfRange));
        assert_eq!(Thumbnail::from_bytes(&[1, 36, 44, 0, 0]), Err(PhotoError::OutOfRange));
        assert_eq!(Thumbnail::encode(&GrayImage::new(100, 10), 50), Err(PhotoError::OutOfRange));
        // Garbage scan data still makes a JPEG (that a decoder may refuse); never a panic.
        let garbage = Thumbnail::from_bytes(&[1, 8, 8, 50, 0xFF, 0x00, 0x12]).expect("parses");
        assert!(garbage.to_jpeg().is_ok());
    }
}
