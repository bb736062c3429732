//! Finding and decoding a QR code in a photo (PNG or JPEG bytes) or a camera frame (raw pixels).
//!
//! Decoding runs a ladder of attempts and stops at the first one that reads a code:
//!
//! 1. the picture as it is, with rxing's local ("hybrid") binariser — the fast path that reads most
//!    pictures;
//! 2. the same with the `TRY_HARDER` hint, then with the global-histogram binariser;
//! 3. other scales (smaller for big photos, larger for tiny crops);
//! 4. contrast stretching and our own local-mean thresholding with a few window sizes;
//! 5. smoothing (for noise, JPEG blocks and moiré) and sharpening (for blur);
//! 6. quarter turns of the picture (the finder search is not quite rotation-invariant);
//! 7. overlapping crops, so that a code that fills only part of a busy photo gets the detector's
//!    whole attention.
//!
//! Everything here is pure computation on bytes: no file, camera or network access.

use std::panic::{AssertUnwindSafe, catch_unwind};

use image::{DynamicImage, GrayImage, imageops};
use rxing::common::{GlobalHistogramBinarizer, HybridBinarizer};
use rxing::multi::MultipleBarcodeReader;
use rxing::qrcode::QRCodeReader;
use rxing::qrcode::cpp_port::QrReader;
use rxing::{
    BarcodeFormat, Binarizer, BinaryBitmap, DecodeHintValue, DecodeHints, Luma8Source, Point, Reader,
};

use super::preprocess;
use crate::picture::{self, Limits, PictureError, PictureFormat};

/// The largest picture, in pixels, that is decoded (width × height): 40 megapixels, the core
/// decoder's photo limit ([`crate::picture::PHOTO_MAX_PIXELS`]).
///
/// Bigger pictures are refused with [`QrDecodeError::TooLarge`] rather than decoded, so that a
/// hostile or mistaken input cannot make the app allocate gigabytes. Phone photos (12–24 MP) and
/// camera frames (up to 4K) are well below it.
pub const MAX_PIXELS: u64 = crate::picture::PHOTO_MAX_PIXELS;

/// Why no text could be read from a picture or frame.
///
/// The messages never contain the picture's content.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QrDecodeError {
    /// The bytes are not a PNG or JPEG image (another image format, or not an image at all).
    #[error("not a PNG or JPEG image")]
    UnsupportedFormat,
    /// The bytes start like a PNG or JPEG image but cannot be decoded: truncated or corrupt.
    #[error("the {format} image cannot be read: {reason}")]
    CorruptImage {
        /// `"PNG"` or `"JPEG"`.
        format: &'static str,
        /// The image decoder's explanation.
        reason: String,
    },
    /// The picture has no pixels (zero width or zero height).
    #[error("the picture is empty ({width}×{height} pixels)")]
    EmptyImage {
        /// Width in pixels.
        width: u32,
        /// Height in pixels.
        height: u32,
    },
    /// The picture has more than [`MAX_PIXELS`] pixels and is refused unread.
    #[error("the picture is {width}×{height} pixels; at most {max_pixels} pixels are decoded")]
    TooLarge {
        /// Width in pixels.
        width: u32,
        /// Height in pixels.
        height: u32,
        /// The limit, [`MAX_PIXELS`].
        max_pixels: u64,
    },
    /// A raw frame's buffer does not have `width × height × bytes per pixel` bytes.
    #[error("a {width}×{height} frame of {format:?} pixels needs {expected} bytes but has {actual}")]
    FrameSizeMismatch {
        /// Width in pixels.
        width: u32,
        /// Height in pixels.
        height: u32,
        /// The frame's pixel layout.
        format: PixelFormat,
        /// Bytes a frame of that size needs.
        expected: u64,
        /// Bytes the buffer has.
        actual: u64,
    },
    /// The picture was read, but no QR code in it could be found and decoded.
    #[error("no readable QR code in the picture")]
    NotFound,
}

/// The layout of a raw camera frame's pixels, row by row with no padding between rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PixelFormat {
    /// One byte per pixel: luminance (the Y plane of a YUV frame).
    Luma8,
    /// Three bytes per pixel: red, green, blue.
    Rgb8,
    /// Four bytes per pixel: red, green, blue, alpha.
    Rgba8,
    /// Four bytes per pixel: blue, green, red, alpha (common on desktop webcams).
    Bgra8,
}

impl PixelFormat {
    /// Bytes per pixel.
    pub const fn bytes_per_pixel(self) -> u64 {
        match self {
            PixelFormat::Luma8 => 1,
            PixelFormat::Rgb8 => 3,
            PixelFormat::Rgba8 | PixelFormat::Bgra8 => 4,
        }
    }
}

/// How hard to look for a code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Effort {
    /// Only the fast attempts (a few milliseconds on a camera frame): right for a live camera
    /// feed, where the next frame is a better retry than a long search in this one.
    Quick,
    /// The whole ladder of attempts (see the module docs): right for a photo the user picked.
    #[default]
    Thorough,
}

/// A raw camera frame: `width × height` pixels in `format`, rows packed without padding.
#[derive(Debug, Clone, Copy)]
pub struct Frame<'a> {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// The pixel layout of `data`.
    pub format: PixelFormat,
    /// The pixels, row after row.
    pub data: &'a [u8],
}

/// Decodes the QR code in a PNG or JPEG picture and returns its text, trying hard.
///
/// # Errors
/// [`QrDecodeError::UnsupportedFormat`] for anything but PNG or JPEG,
/// [`QrDecodeError::CorruptImage`] for a truncated or damaged file, [`QrDecodeError::EmptyImage`],
/// [`QrDecodeError::TooLarge`] above [`MAX_PIXELS`], and [`QrDecodeError::NotFound`] when the
/// picture holds no readable code.
pub fn decode_image(bytes: &[u8]) -> Result<String, QrDecodeError> {
    let gray = load_gray(bytes)?;
    decode_gray(&gray, Effort::Thorough).map(|(text, _)| text)
}

/// Decodes the QR code in a luminance (grey) frame of `width × height` bytes, trying hard.
///
/// # Errors
/// [`QrDecodeError::FrameSizeMismatch`] when `luma` is not `width × height` bytes, otherwise as
/// [`decode_frame`].
pub fn decode_luma(width: u32, height: u32, luma: &[u8]) -> Result<String, QrDecodeError> {
    decode_frame(&Frame { width, height, format: PixelFormat::Luma8, data: luma }, Effort::Thorough)
}

/// Decodes the QR code in an RGB frame of `width × height × 3` bytes, trying hard.
///
/// # Errors
/// As [`decode_luma`].
pub fn decode_rgb(width: u32, height: u32, rgb: &[u8]) -> Result<String, QrDecodeError> {
    decode_frame(&Frame { width, height, format: PixelFormat::Rgb8, data: rgb }, Effort::Thorough)
}

/// Decodes the QR code in a raw camera frame with the given effort.
///
/// # Errors
/// [`QrDecodeError::EmptyImage`], [`QrDecodeError::TooLarge`],
/// [`QrDecodeError::FrameSizeMismatch`] for a buffer of the wrong length, and
/// [`QrDecodeError::NotFound`] when the frame holds no readable code.
pub fn decode_frame(frame: &Frame<'_>, effort: Effort) -> Result<String, QrDecodeError> {
    let gray = frame_to_gray(frame)?;
    decode_gray(&gray, effort).map(|(text, _)| text)
}

/// Checks a picture's size against [`MAX_PIXELS`].
fn check_size(width: u32, height: u32) -> Result<(), QrDecodeError> {
    if width == 0 || height == 0 {
        return Err(QrDecodeError::EmptyImage { width, height });
    }
    if u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(QrDecodeError::TooLarge { width, height, max_pixels: MAX_PIXELS });
    }
    Ok(())
}

/// Decodes PNG or JPEG bytes into a grey picture (the core's one decoder, within the photo limits:
/// a phone's full-size photo is scaled down for the ladder), transparent parts shown as white and
/// the JPEG's EXIF orientation applied.
pub(crate) fn load_gray(bytes: &[u8]) -> Result<GrayImage, QrDecodeError> {
    let picture = picture::decode(bytes, PictureFormat::JPEG_OR_PNG, Limits::PHOTO).map_err(|e| match e {
        PictureError::NotAnImage | PictureError::FormatNotAllowed => QrDecodeError::UnsupportedFormat,
        PictureError::Empty { width, height } => QrDecodeError::EmptyImage { width, height },
        PictureError::TooLarge { width, height } => {
            QrDecodeError::TooLarge { width, height, max_pixels: MAX_PIXELS }
        }
        PictureError::Corrupt { format, reason } => {
            QrDecodeError::CorruptImage { format: format.name(), reason }
        }
    })?;
    let picture = picture.into_upright();
    check_size(picture.width(), picture.height())?;
    Ok(dynamic_to_gray(picture))
}

/// Converts any decoded picture to grey, compositing transparency over white (a QR code drawn on a
/// transparent background would otherwise turn all black).
fn dynamic_to_gray(picture: DynamicImage) -> GrayImage {
    let (width, height) = (picture.width(), picture.height());
    if picture.color().has_alpha() {
        let rgba = picture.into_rgba8();
        let mut out = GrayImage::new(width, height);
        for (dst, px) in out.iter_mut().zip(rgba.as_raw().chunks_exact(4)) {
            let lum = luma_of(px[0], px[1], px[2]);
            let alpha = u32::from(px[3]);
            *dst = ((lum * alpha + 255 * (255 - alpha) + 127) / 255) as u8;
        }
        out
    } else if picture.color().has_color() {
        let rgb = picture.into_rgb8();
        let mut out = GrayImage::new(width, height);
        for (dst, px) in out.iter_mut().zip(rgb.as_raw().chunks_exact(3)) {
            *dst = luma_of(px[0], px[1], px[2]) as u8;
        }
        out
    } else {
        picture.into_luma8()
    }
}

/// Luminance of an sRGB pixel with the BT.601 weights (in 0..=255).
fn luma_of(r: u8, g: u8, b: u8) -> u32 {
    (77 * u32::from(r) + 150 * u32::from(g) + 29 * u32::from(b) + 128) >> 8
}

/// Checks a raw frame and converts it to grey.
fn frame_to_gray(frame: &Frame<'_>) -> Result<GrayImage, QrDecodeError> {
    let Frame { width, height, format, data } = *frame;
    check_size(width, height)?;
    let expected = u64::from(width) * u64::from(height) * format.bytes_per_pixel();
    let actual = data.len() as u64;
    if actual != expected {
        return Err(QrDecodeError::FrameSizeMismatch { width, height, format, expected, actual });
    }
    let pixels: Vec<u8> = match format {
        PixelFormat::Luma8 => data.to_vec(),
        PixelFormat::Rgb8 => data.chunks_exact(3).map(|p| luma_of(p[0], p[1], p[2]) as u8).collect(),
        PixelFormat::Rgba8 => data.chunks_exact(4).map(|p| luma_of(p[0], p[1], p[2]) as u8).collect(),
        PixelFormat::Bgra8 => data.chunks_exact(4).map(|p| luma_of(p[2], p[1], p[0]) as u8).collect(),
    };
    // The length was checked above, so this cannot fail; the error arm keeps it panic-free anyway.
    GrayImage::from_raw(width, height, pixels).ok_or(QrDecodeError::EmptyImage { width, height })
}

/// Which rxing binariser turns grey into black and white.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Bin {
    /// Local thresholds over 8×8 blocks; best for uneven light.
    Hybrid,
    /// One threshold from the histogram of a few rows; best for blur and low resolution.
    Global,
}

/// One rung of the ladder: read `gray` with the given binariser and hints, with both of rxing's QR
/// readers (the zxing-cpp port first, then the Java port). `None` when neither reads a code.
fn attempt(gray: &GrayImage, bin: Bin, try_harder: bool) -> Option<String> {
    // rxing is a port of C++/Java code and might index out of bounds on some odd picture; a panic in
    // one attempt must not take the app down, so it counts as "not read" and the ladder goes on.
    catch_unwind(AssertUnwindSafe(|| {
        let source = Luma8Source::new_with_slice(gray.as_raw(), gray.width(), gray.height()).ok()?;
        let hints = DecodeHints::default()
            .with(DecodeHintValue::PossibleFormats([BarcodeFormat::QR_CODE].into()))
            .with(DecodeHintValue::TryHarder(try_harder));
        match bin {
            Bin::Hybrid => read_bitmap(&mut BinaryBitmap::new(HybridBinarizer::new(source)), &hints),
            Bin::Global => read_bitmap(&mut BinaryBitmap::new(GlobalHistogramBinarizer::new(source)), &hints),
        }
    }))
    .ok()
    .flatten()
}

/// Runs both QR readers over one binarised bitmap.
///
/// When a picture holds several codes (a code printed inside another, a poster next to a
/// certificate), the largest one wins: it is the one the user is pointing the camera at.
fn read_bitmap<B: Binarizer>(bitmap: &mut BinaryBitmap<B>, hints: &DecodeHints) -> Option<String> {
    if let Ok(found) = QrReader.decode_multiple_with_hints(bitmap, hints)
        && let Some(largest) = found.iter().max_by(|a, b| area(a.getPoints()).total_cmp(&area(b.getPoints())))
    {
        return Some(largest.getText().to_owned());
    }
    QRCodeReader.decode_with_hints(bitmap, hints).ok().map(|found| found.getText().to_owned())
}

/// The area of the polygon through a found code's corner points (shoelace formula).
fn area(points: &[Point]) -> f32 {
    let Some(last) = points.last() else { return 0.0 };
    let mut previous = last;
    let mut twice = 0.0;
    for point in points {
        twice += previous.x * point.y - point.x * previous.y;
        previous = point;
    }
    twice.abs() / 2.0
}

/// The decoding ladder. Returns the text and the name of the rung that read it (for tests and
/// tuning; the name says nothing about the content).
pub(crate) fn decode_gray(gray: &GrayImage, effort: Effort) -> Result<(String, &'static str), QrDecodeError> {
    let found = |text: Option<String>, rung: &'static str| text.map(|t| (t, rung));

    // 1. The fast path.
    if let Some(hit) = found(attempt(gray, Bin::Hybrid, false), "plain") {
        return Ok(hit);
    }
    if effort == Effort::Quick {
        return found(attempt(gray, Bin::Global, false), "global").ok_or(QrDecodeError::NotFound);
    }
    // 2. Harder search, other binariser.
    if let Some(hit) = found(attempt(gray, Bin::Hybrid, true), "try-harder") {
        return Ok(hit);
    }
    if let Some(hit) = found(attempt(gray, Bin::Global, true), "global") {
        return Ok(hit);
    }
    // The clean-ups below work on at most a WORKING_SIDE-pixel copy: on a 12-megapixel photo they
    // would take a minute, and a code too small to survive the shrink was already tried at full size.
    let shrunk = preprocess::fit_within(gray, preprocess::WORKING_SIDE);
    let work = shrunk.as_ref().unwrap_or(gray);
    if shrunk.is_some() {
        for bin in [Bin::Hybrid, Bin::Global] {
            if let Some(hit) = found(attempt(work, bin, true), "scaled") {
                return Ok(hit);
            }
        }
    }
    // 3. Other scales.
    for scaled in preprocess::scales(work) {
        for bin in [Bin::Hybrid, Bin::Global] {
            if let Some(hit) = found(attempt(&scaled, bin, true), "scaled") {
                return Ok(hit);
            }
        }
    }
    // 4. Contrast stretch and local-mean thresholds.
    let stretched = preprocess::stretch_contrast(work);
    if let Some(hit) = found(attempt(&stretched, Bin::Hybrid, true), "stretched") {
        return Ok(hit);
    }
    for window in preprocess::threshold_windows(work) {
        let binary = preprocess::local_mean_threshold(&stretched, window);
        if let Some(hit) = found(attempt(&binary, Bin::Global, true), "local-threshold") {
            return Ok(hit);
        }
    }
    // 5. Smoothing and sharpening.
    for filtered in preprocess::filters(work) {
        for bin in [Bin::Hybrid, Bin::Global] {
            if let Some(hit) = found(attempt(&filtered, bin, true), "filtered") {
                return Ok(hit);
            }
        }
    }
    // 6. Quarter turns.
    for turned in [imageops::rotate90(work), imageops::rotate180(work), imageops::rotate270(work)] {
        for bin in [Bin::Hybrid, Bin::Global] {
            if let Some(hit) = found(attempt(&turned, bin, true), "rotated") {
                return Ok(hit);
            }
        }
    }
    // 7. Crops.
    for crop in preprocess::crops(work) {
        for bin in [Bin::Hybrid, Bin::Global] {
            if let Some(hit) = found(attempt(&crop, bin, true), "cropped") {
                return Ok(hit);
            }
        }
    }
    Err(QrDecodeError::NotFound)
}

#[cfg(test)]
#[allow(clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use crate::qr::encode;

    const TEXT: &str = "SM1:6BFS70J90T9WTWGSLKC 4479YPLL%8+/A:XFFBBF90*702";

    fn drawn(text: &str, module_px: u32) -> GrayImage {
        let image = encode::encode(text).expect("fits").to_luma(module_px);
        GrayImage::from_raw(image.width, image.height, image.pixels).expect("sized")
    }

    #[test]
    fn reads_a_drawn_code_from_every_frame_format() {
        let gray = drawn(TEXT, 4);
        let (w, h) = gray.dimensions();
        assert_eq!(decode_luma(w, h, gray.as_raw()).as_deref(), Ok(TEXT));
        let rgb: Vec<u8> = gray.as_raw().iter().flat_map(|&p| [p, p, p]).collect();
        assert_eq!(decode_rgb(w, h, &rgb).as_deref(), Ok(TEXT));
        let bgra: Vec<u8> = gray.as_raw().iter().flat_map(|&p| [p, p, p, 255]).collect();
        let frame = Frame { width: w, height: h, format: PixelFormat::Bgra8, data: &bgra };
        assert_eq!(decode_frame(&frame, Effort::Quick).as_deref(), Ok(TEXT));
    }

    #[test]
    fn transparent_background_counts_as_white() {
        // Black modules on a fully transparent background (transparent pixels are stored as black).
        let gray = drawn(TEXT, 4);
        let (w, h) = gray.dimensions();
        let rgba: Vec<u8> =
            gray.as_raw().iter().flat_map(|&p| if p == 0 { [0, 0, 0, 255] } else { [0, 0, 0, 0] }).collect();
        let mut png = Vec::new();
        PngEncoderForTest::new(&mut png)
            .write_image(&rgba, w, h, image::ExtendedColorType::Rgba8)
            .expect("png");
        assert_eq!(decode_image(&png).as_deref(), Ok(TEXT));
    }

    use image::ImageEncoder as _;
    use image::codecs::png::PngEncoder as PngEncoderForTest;

    #[test]
    fn bad_bytes_are_typed_errors() {
        assert_eq!(decode_image(b""), Err(QrDecodeError::UnsupportedFormat));
        assert_eq!(decode_image(b"GIF89a\x01\x00\x01\x00"), Err(QrDecodeError::UnsupportedFormat));
        assert_eq!(decode_image(b"hello, world"), Err(QrDecodeError::UnsupportedFormat));
        let png = encode::encode(TEXT).expect("fits").to_png(2).expect("png");
        // Every truncation of a valid PNG is an error, never a panic — except a cut in the last few
        // bytes (checksums, the closing IEND chunk) after all the pixels were read.
        for len in 0..png.len() {
            match decode_image(&png[..len]) {
                Err(_) => {}
                Ok(text) => assert!(text == TEXT && len + 20 >= png.len(), "a PNG cut at {len} bytes"),
            }
        }
        assert!(matches!(decode_image(&png[..40]), Err(QrDecodeError::CorruptImage { format: "PNG", .. })));
        assert!(matches!(
            decode_image(b"\xff\xd8\xff\xe0garbage"),
            Err(QrDecodeError::CorruptImage { format: "JPEG", .. })
        ));
    }

    #[test]
    fn frames_are_checked_before_use() {
        assert_eq!(decode_luma(0, 0, &[]), Err(QrDecodeError::EmptyImage { width: 0, height: 0 }));
        assert_eq!(decode_luma(10, 0, &[]), Err(QrDecodeError::EmptyImage { width: 10, height: 0 }));
        assert_eq!(
            decode_luma(u32::MAX, u32::MAX, &[0; 16]),
            Err(QrDecodeError::TooLarge { width: u32::MAX, height: u32::MAX, max_pixels: MAX_PIXELS })
        );
        assert_eq!(
            decode_rgb(4, 4, &[0; 47]),
            Err(QrDecodeError::FrameSizeMismatch {
                width: 4,
                height: 4,
                format: PixelFormat::Rgb8,
                expected: 48,
                actual: 47
            })
        );
        // Tiny and blank frames are simply "not found".
        assert_eq!(decode_luma(1, 1, &[0]), Err(QrDecodeError::NotFound));
        assert_eq!(decode_luma(64, 64, &[255; 64 * 64]), Err(QrDecodeError::NotFound));
    }

    #[test]
    fn a_png_header_claiming_huge_dimensions_is_refused_unread() {
        let mut png = encode::encode(TEXT).expect("fits").to_png(1).expect("png");
        // IHDR data starts at byte 16: width and height (big-endian), then its CRC at byte 29.
        png[16..20].copy_from_slice(&100_000u32.to_be_bytes());
        png[20..24].copy_from_slice(&100_000u32.to_be_bytes());
        let crc = crate::picture::tests::crc32(&png[12..29]);
        png[29..33].copy_from_slice(&crc.to_be_bytes());
        assert_eq!(
            decode_image(&png),
            Err(QrDecodeError::TooLarge { width: 100_000, height: 100_000, max_pixels: MAX_PIXELS })
        );
    }

    #[test]
    fn the_ladder_reads_a_dim_shadowed_photo_that_the_fast_path_misses() {
        // A code seen in poor light: 40 grey levels of contrast and a strong left-to-right shadow.
        let sharp = drawn(TEXT, 4);
        let (w, h) = sharp.dimensions();
        let dim = GrayImage::from_fn(w, h, |x, y| {
            let ink = i32::from(sharp.get_pixel(x, y)[0]) * 40 / 255;
            let light = 40 + (x * 120 / w) as i32;
            image::Luma([(ink + light).clamp(0, 255) as u8])
        });
        assert_eq!(decode_gray(&dim, Effort::Quick), Err(QrDecodeError::NotFound));
        let (text, rung) = decode_gray(&dim, Effort::Thorough).expect("the ladder reads it");
        assert_eq!(text, TEXT);
        assert_ne!(rung, "plain");
    }

    #[test]
    fn of_two_codes_the_larger_wins() {
        let big = drawn("SM1:BIG", 8);
        let small = drawn("SM1:SMALL", 2);
        let mut both =
            GrayImage::from_pixel(big.width() + small.width() + 20, big.height(), image::Luma([255]));
        imageops::overlay(&mut both, &small, 0, 0);
        imageops::overlay(&mut both, &big, i64::from(small.width()) + 20, 0);
        assert_eq!(decode_gray(&both, Effort::Quick).map(|(t, _)| t).as_deref(), Ok("SM1:BIG"));
        let mut swapped = GrayImage::from_pixel(both.width(), both.height(), image::Luma([255]));
        imageops::overlay(&mut swapped, &big, 0, 0);
        imageops::overlay(&mut swapped, &small, i64::from(big.width()) + 20, 0);
        assert_eq!(decode_gray(&swapped, Effort::Quick).map(|(t, _)| t).as_deref(), Ok("SM1:BIG"));
    }
}
