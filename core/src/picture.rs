//! The one decoder for pictures that come from outside: photos of QR codes, issuers' portraits,
//! camera frames (MJPEG buffers, the webview's JPEGs), recorded frames, the key frames of liveness
//! evidence and registry photos.
//!
//! Every caller decodes through [`decode`], which
//!
//! 1. sniffs the format from the bytes (never from a file name or a header the sender chose) and
//!    refuses what is not a picture ([`PictureError::NotAnImage`]) or not in the caller's allowed
//!    set ([`PictureError::FormatNotAllowed`]);
//! 2. refuses a JPEG cut short ([`PictureError::Corrupt`]): a decoder fills the missing rows with
//!    grey and reports success, so a frame the camera or the network truncated would otherwise be
//!    measured as if it were whole;
//! 3. reads the size from the header alone and refuses a picture beyond the caller's [`Limits`]
//!    ([`PictureError::TooLarge`]) before a single pixel buffer is allocated — a few kilobytes
//!    of PNG can declare gigabytes of pixels (a decompression bomb);
//! 4. decodes with the `image` crate held to that size and to [`Limits::max_alloc`], a decoder
//!    panic on hostile bytes counting as a corrupt picture.
//!
//! | limits | largest side | most pixels | used for |
//! |---|---|---|---|
//! | [`Limits::STANDARD`] | [`MAX_SIDE`] (4096) | 4096 × 4096 | camera and recorded frames, key frames, registry photos, photos for the face models |
//! | [`Limits::PHOTO`] | [`PHOTO_MAX_SIDE`] (16384) | [`PHOTO_MAX_PIXELS`] (40 M) | full-size phone photos that are scaled down before use: QR photos, issuers' portraits for thumbnails |
//!
//! A caller that knows its pictures are smaller may tighten a set with [`Limits::with_max_side`]
//! (the backend takes key frames up to 1920 px only); it can never loosen one.
//!
//! The errors say what was wrong with the bytes (format, size), never what the picture shows.

use std::fmt;
use std::io::Cursor;
use std::panic::{AssertUnwindSafe, catch_unwind};

use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageError, ImageFormat, ImageReader, RgbImage};

/// The largest side of a picture under [`Limits::STANDARD`]: 4096 px, a 4K camera's frame (the
/// liveness pipeline's frames are held to the same, `liveness::MAX_FRAME_SIDE`), which is also the
/// most the face models and the backend's face matcher are given. Faces in larger pictures carry
/// nothing more a model can use.
pub const MAX_SIDE: u32 = 4096;

/// The largest side of a picture under [`Limits::PHOTO`]: room for a panorama of
/// [`PHOTO_MAX_PIXELS`]; the pixel count is the limit that matters.
pub const PHOTO_MAX_SIDE: u32 = 16_384;

/// The most pixels of a picture under [`Limits::PHOTO`]: 40 megapixels. A phone's photo is 12–24
/// megapixels (4000 px and more a side); its user did not crop it to the QR code or the face.
pub const PHOTO_MAX_PIXELS: u64 = 40_000_000;

/// Bytes a pixel takes in the largest form a decoder returns (PNG's 16-bit RGBA).
const MAX_BYTES_PER_PIXEL: u64 = 8;

/// What a decoder may allocate beyond the pixels: row buffers, inflate windows, a JPEG's tables.
const DECODER_ROOM: u64 = 64 * 1024 * 1024;

/// A picture format that callers may allow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PictureFormat {
    /// JPEG (JFIF or EXIF), baseline or progressive.
    Jpeg,
    /// PNG, any bit depth, with or without transparency.
    Png,
}

impl PictureFormat {
    /// JPEG or PNG: pictures a user picks or a camera saves.
    pub const JPEG_OR_PNG: &'static [PictureFormat] = &[PictureFormat::Jpeg, PictureFormat::Png];
    /// JPEG only: what a camera streams as MJPEG, a webview's canvas sends and evidence carries.
    pub const JPEG_ONLY: &'static [PictureFormat] = &[PictureFormat::Jpeg];

    /// The format's usual name, `"JPEG"` or `"PNG"`.
    pub const fn name(self) -> &'static str {
        match self {
            PictureFormat::Jpeg => "JPEG",
            PictureFormat::Png => "PNG",
        }
    }

    fn of(format: ImageFormat) -> Option<Self> {
        match format {
            ImageFormat::Jpeg => Some(PictureFormat::Jpeg),
            ImageFormat::Png => Some(PictureFormat::Png),
            _ => None,
        }
    }

    fn image_format(self) -> ImageFormat {
        match self {
            PictureFormat::Jpeg => ImageFormat::Jpeg,
            PictureFormat::Png => ImageFormat::Png,
        }
    }
}

impl fmt::Display for PictureFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// How large a picture a caller takes. The named sets are in the module's table; a caller may
/// only tighten one ([`Limits::with_max_side`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    max_side: u32,
    max_pixels: u64,
}

impl Limits {
    /// Camera and recorded frames, key frames, registry photos and every other picture the face
    /// models read: [`MAX_SIDE`] a side.
    pub const STANDARD: Limits = Limits { max_side: MAX_SIDE, max_pixels: MAX_SIDE as u64 * MAX_SIDE as u64 };

    /// Full-size phone photos that are scaled down before use (photos of QR codes, issuers'
    /// portraits made into thumbnails): [`PHOTO_MAX_PIXELS`], at most [`PHOTO_MAX_SIDE`] a side.
    pub const PHOTO: Limits = Limits { max_side: PHOTO_MAX_SIDE, max_pixels: PHOTO_MAX_PIXELS };

    /// These limits with a largest side of at most `max_side` (and no more pixels than a square
    /// of that side). A larger `max_side` than the set's own changes nothing.
    #[must_use]
    pub const fn with_max_side(self, max_side: u32) -> Limits {
        let max_side = if max_side < self.max_side { max_side } else { self.max_side };
        let square = max_side as u64 * max_side as u64;
        let max_pixels = if square < self.max_pixels { square } else { self.max_pixels };
        Limits { max_side, max_pixels }
    }

    /// The largest width or height accepted.
    pub const fn max_side(self) -> u32 {
        self.max_side
    }

    /// The most pixels (width × height) accepted.
    pub const fn max_pixels(self) -> u64 {
        self.max_pixels
    }

    /// The most a decoder may allocate for one picture: the largest picture these limits accept
    /// in the largest form a decoder returns (16-bit RGBA, 8 bytes a pixel), plus 64 MiB for the
    /// decoder's own buffers. Under [`Limits::STANDARD`] that is 192 MiB, under
    /// [`Limits::PHOTO`] 384 MiB; the size check before decoding is what keeps most pictures far
    /// below it.
    pub const fn max_alloc(self) -> u64 {
        self.max_pixels.saturating_mul(MAX_BYTES_PER_PIXEL).saturating_add(DECODER_ROOM)
    }

    fn check(self, width: u32, height: u32) -> Result<(), PictureError> {
        if width == 0 || height == 0 {
            return Err(PictureError::Empty { width, height });
        }
        if width > self.max_side
            || height > self.max_side
            || u64::from(width) * u64::from(height) > self.max_pixels
        {
            return Err(PictureError::TooLarge { width, height });
        }
        Ok(())
    }
}

/// Why bytes could not become a picture. Carries formats and sizes, never pixels.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PictureError {
    /// The bytes are not a picture in any format the sniffer knows.
    #[error("not an image")]
    NotAnImage,
    /// A picture, but in a format the caller does not take (GIF, WebP…, or PNG where only JPEG
    /// is allowed).
    #[error("the image format is not allowed here")]
    FormatNotAllowed,
    /// The picture has no pixels (zero width or zero height).
    #[error("the image is empty ({width}×{height} pixels)")]
    Empty {
        /// Width in pixels.
        width: u32,
        /// Height in pixels.
        height: u32,
    },
    /// The picture is larger than the caller's [`Limits`]; refused before it is decoded.
    #[error("the image is too large ({width}×{height} pixels)")]
    TooLarge {
        /// Width in pixels, as the header declares it.
        width: u32,
        /// Height in pixels, as the header declares it.
        height: u32,
    },
    /// The picture starts as `format` but cannot be decoded: truncated or damaged.
    #[error("the {format} image cannot be read: {reason}")]
    Corrupt {
        /// The sniffed format.
        format: PictureFormat,
        /// The decoder's explanation (about the bytes' structure, never their content).
        reason: String,
    },
}

/// A decoded picture: its pixels as the file stores them, and the turn its EXIF orientation asks
/// for. `Debug` shows the format and size only (a picture of a face is personal data).
pub struct Picture {
    image: DynamicImage,
    format: PictureFormat,
    orientation: Option<Orientation>,
}

impl fmt::Debug for Picture {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Picture")
            .field("format", &self.format)
            .field("width", &self.image.width())
            .field("height", &self.image.height())
            .finish_non_exhaustive()
    }
}

impl Picture {
    /// The sniffed format.
    pub fn format(&self) -> PictureFormat {
        self.format
    }

    /// Width in pixels, as stored.
    pub fn width(&self) -> u32 {
        self.image.width()
    }

    /// Height in pixels, as stored.
    pub fn height(&self) -> u32 {
        self.image.height()
    }

    /// The pixels as the file stores them, without the EXIF turn (camera frames, which carry
    /// their rotation separately, and pictures this software encoded).
    pub fn into_image(self) -> DynamicImage {
        self.image
    }

    /// The pixels turned as the EXIF orientation says, as a viewer shows them (photos from a
    /// phone, which stores them as the sensor saw them). A missing or unreadable orientation
    /// leaves them as stored.
    pub fn into_upright(self) -> DynamicImage {
        let mut image = self.image;
        if let Some(orientation) = self.orientation {
            image.apply_orientation(orientation);
        }
        image
    }

    /// The pixels as stored, as 8-bit RGB (transparency dropped, grey repeated).
    pub fn into_rgb8(self) -> RgbImage {
        match self.image {
            DynamicImage::ImageRgb8(rgb) => rgb,
            other => other.to_rgb8(),
        }
    }
}

/// Whether a JPEG has a scan and its end-of-image marker after the last one. Inside
/// entropy-coded data every 0xFF byte is followed by 0x00 or a restart marker, so neither marker
/// appears there by chance; bytes after the end marker (some cameras append a trailer) are
/// allowed.
fn jpeg_is_complete(bytes: &[u8]) -> bool {
    let last = |marker: u8| bytes.windows(2).rposition(|w| w == [0xFF, marker]);
    matches!((last(0xDA), last(0xD9)), (Some(scan), Some(end)) if end > scan)
}

/// Decodes `bytes` as a picture in one of the `allowed` formats within `limits`.
///
/// # Errors
/// [`PictureError::NotAnImage`], [`PictureError::FormatNotAllowed`], [`PictureError::Empty`],
/// [`PictureError::TooLarge`] (before decoding), and [`PictureError::Corrupt`] for a truncated or
/// damaged picture.
pub fn decode(bytes: &[u8], allowed: &[PictureFormat], limits: Limits) -> Result<Picture, PictureError> {
    let sniffed = image::guess_format(bytes).map_err(|_| PictureError::NotAnImage)?;
    let format =
        PictureFormat::of(sniffed).filter(|f| allowed.contains(f)).ok_or(PictureError::FormatNotAllowed)?;
    let corrupt = |reason: String| PictureError::Corrupt { format, reason };
    if format == PictureFormat::Jpeg && !jpeg_is_complete(bytes) {
        return Err(corrupt("cut short: no end-of-image marker after its last scan".into()));
    }
    let (width, height) = ImageReader::with_format(Cursor::new(bytes), format.image_format())
        .into_dimensions()
        .map_err(|e| corrupt(e.to_string()))?;
    limits.check(width, height)?;

    let mut reader = ImageReader::with_format(Cursor::new(bytes), format.image_format());
    let mut held = image::Limits::default();
    held.max_image_width = Some(width);
    held.max_image_height = Some(height);
    held.max_alloc = Some(limits.max_alloc());
    reader.limits(held.clone());
    let decoded = catch_unwind(AssertUnwindSafe(|| {
        let mut decoder = reader.into_decoder()?;
        // The pixel buffer counts against the cap too, as `ImageReader::decode` counts it.
        held.reserve(decoder.total_bytes())?;
        decoder.set_limits(held)?;
        let orientation = decoder.orientation().ok();
        DynamicImage::from_decoder(decoder).map(|image| (image, orientation))
    }));
    let (image, orientation) = match decoded {
        Ok(Ok(decoded)) => decoded,
        Ok(Err(ImageError::Limits(_))) => return Err(PictureError::TooLarge { width, height }),
        Ok(Err(e)) => return Err(corrupt(e.to_string())),
        Err(_) => return Err(corrupt("the decoder failed".into())),
    };
    limits.check(image.width(), image.height())?;
    Ok(Picture { image, format, orientation })
}

/// [`decode`], then the pixels as stored as 8-bit RGB: the form the face models and the liveness
/// pipeline take.
///
/// # Errors
/// As [`decode`].
pub fn decode_rgb8(
    bytes: &[u8],
    allowed: &[PictureFormat],
    limits: Limits,
) -> Result<RgbImage, PictureError> {
    decode(bytes, allowed, limits).map(Picture::into_rgb8)
}

#[cfg(test)]
#[allow(clippy::expect_used, clippy::panic)]
pub(crate) mod tests {
    use image::{GrayImage, ImageEncoder, Luma, Rgb};

    use super::*;

    fn png(image: &RgbImage) -> Vec<u8> {
        let mut out = Vec::new();
        image::codecs::png::PngEncoder::new(&mut out)
            .write_image(image.as_raw(), image.width(), image.height(), image::ExtendedColorType::Rgb8)
            .expect("png");
        out
    }

    fn jpeg(image: &RgbImage) -> Vec<u8> {
        let mut out = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut out, 90).encode_image(image).expect("jpeg");
        out
    }

    fn picture(width: u32, height: u32) -> RgbImage {
        RgbImage::from_fn(width, height, |x, y| Rgb([(x * 7) as u8, (y * 5) as u8, ((x + y) * 3) as u8]))
    }

    /// The CRC-32 of a PNG chunk, to forge a header that still reads as valid (the QR photo
    /// decoder's tests use it too).
    pub(crate) fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = !0u32;
        for &byte in bytes {
            crc ^= u32::from(byte);
            for _ in 0..8 {
                crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
            }
        }
        !crc
    }

    /// A valid small PNG whose header declares `width` × `height` (its IHDR checksum fixed).
    fn png_declaring(width: u32, height: u32) -> Vec<u8> {
        let mut png = png(&picture(16, 16));
        // IHDR data starts at byte 16: width and height (big-endian), then its CRC at byte 29.
        png[16..20].copy_from_slice(&width.to_be_bytes());
        png[20..24].copy_from_slice(&height.to_be_bytes());
        let crc = crc32(&png[12..29]);
        png[29..33].copy_from_slice(&crc.to_be_bytes());
        png
    }

    /// A valid small JPEG whose frame header declares `width` × `height`.
    fn jpeg_declaring(width: u16, height: u16) -> Vec<u8> {
        let mut jpeg = jpeg(&picture(16, 16));
        // The baseline frame header: FF C0, length (2), precision (1), height (2), width (2).
        let sof = jpeg.windows(2).position(|w| w == [0xFF, 0xC0]).expect("a baseline frame header");
        jpeg[sof + 5..sof + 7].copy_from_slice(&height.to_be_bytes());
        jpeg[sof + 7..sof + 9].copy_from_slice(&width.to_be_bytes());
        jpeg
    }

    #[test]
    fn jpeg_and_png_decode_to_their_pixels() {
        let original = picture(40, 30);
        let from_png = decode(&png(&original), PictureFormat::JPEG_OR_PNG, Limits::STANDARD).expect("png");
        assert_eq!(from_png.format(), PictureFormat::Png);
        assert_eq!(from_png.into_rgb8(), original);
        let from_jpeg = decode(&jpeg(&original), PictureFormat::JPEG_ONLY, Limits::STANDARD).expect("jpeg");
        assert_eq!(
            (from_jpeg.format(), from_jpeg.width(), from_jpeg.height()),
            (PictureFormat::Jpeg, 40, 30)
        );
        let grey = GrayImage::from_pixel(8, 8, Luma([200]));
        let mut grey_png = Vec::new();
        image::codecs::png::PngEncoder::new(&mut grey_png)
            .write_image(grey.as_raw(), 8, 8, image::ExtendedColorType::L8)
            .expect("png");
        let rgb = decode_rgb8(&grey_png, PictureFormat::JPEG_OR_PNG, Limits::STANDARD).expect("grey png");
        assert!(rgb.pixels().all(|p| *p == Rgb([200, 200, 200])));
    }

    #[test]
    fn a_huge_declared_size_is_refused_before_decoding() {
        // 8000 × 8000 is within what the `image` crate would allocate by default (512 MiB): only
        // the size check refuses it, before the 64 MB buffer a decoder would fill.
        for (width, height) in [(8000, 8000), (MAX_SIDE + 1, 1), (1, MAX_SIDE + 1), (100_000, 100_000)] {
            assert_eq!(
                decode(&png_declaring(width, height), PictureFormat::JPEG_OR_PNG, Limits::STANDARD)
                    .map(|p| p.width()),
                Err(PictureError::TooLarge { width, height }),
                "{width}×{height}"
            );
        }
        assert_eq!(
            decode(&jpeg_declaring(8000, 6000), PictureFormat::JPEG_ONLY, Limits::STANDARD)
                .map(|p| p.width()),
            Err(PictureError::TooLarge { width: 8000, height: 6000 })
        );
        // The photo limits count pixels: a 7000 × 7000 photo (49 MP) is too many, however narrow.
        assert_eq!(
            decode(&png_declaring(7000, 7000), PictureFormat::JPEG_OR_PNG, Limits::PHOTO).map(|p| p.width()),
            Err(PictureError::TooLarge { width: 7000, height: 7000 })
        );
        // A header that declares no pixels is refused too (the PNG decoder calls it corrupt).
        assert!(matches!(
            decode(&png_declaring(0, 16), PictureFormat::JPEG_OR_PNG, Limits::STANDARD),
            Err(PictureError::Empty { .. } | PictureError::Corrupt { format: PictureFormat::Png, .. })
        ));
    }

    #[test]
    fn a_decompression_bomb_is_refused_unread() {
        // 25 megapixels of one grey (25 MB decoded) compress to about a hundred kilobytes.
        let side = 5000;
        let flat = GrayImage::from_pixel(side, side, Luma([128]));
        let mut bomb = Vec::new();
        image::codecs::png::PngEncoder::new(&mut bomb)
            .write_image(flat.as_raw(), side, side, image::ExtendedColorType::L8)
            .expect("png");
        drop(flat);
        assert!(bomb.len() * 100 < (side * side) as usize, "{} bytes", bomb.len());
        assert_eq!(
            decode(&bomb, PictureFormat::JPEG_OR_PNG, Limits::STANDARD).map(|p| p.width()),
            Err(PictureError::TooLarge { width: side, height: side })
        );
        // The photo limits take it: it is the size check, not the bytes, that refused it.
        assert_eq!(decode(&bomb, PictureFormat::JPEG_OR_PNG, Limits::PHOTO).map(|p| p.width()), Ok(side));
    }

    #[test]
    fn a_tighter_side_lowers_both_limits_and_never_raises_them() {
        let key_frames = Limits::STANDARD.with_max_side(1920);
        assert_eq!((key_frames.max_side(), key_frames.max_pixels()), (1920, 1920 * 1920));
        assert_eq!(Limits::STANDARD.with_max_side(100_000), Limits::STANDARD);
        assert_eq!(Limits::PHOTO.with_max_side(5000).max_pixels(), 25_000_000);
        let original = picture(40, 30);
        assert_eq!(
            decode(&png(&original), PictureFormat::JPEG_OR_PNG, Limits::STANDARD.with_max_side(39))
                .map(|p| p.width()),
            Err(PictureError::TooLarge { width: 40, height: 30 })
        );
        assert_eq!(Limits::STANDARD.max_alloc(), 4096 * 4096 * 8 + (64 << 20));
    }

    #[test]
    fn formats_are_sniffed_and_checked_against_the_allowed_set() {
        let png = png(&picture(8, 8));
        assert_eq!(
            decode(&png, PictureFormat::JPEG_ONLY, Limits::STANDARD).map(|p| p.width()),
            Err(PictureError::FormatNotAllowed)
        );
        for gif_or_webp in [&b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"[..], b"RIFF\x1a\x00\x00\x00WEBPVP8L"] {
            assert_eq!(
                decode(gif_or_webp, PictureFormat::JPEG_OR_PNG, Limits::STANDARD).map(|p| p.width()),
                Err(PictureError::FormatNotAllowed)
            );
        }
        for nothing in [&b""[..], b"hello, world", &[0xFF; 64]] {
            assert_eq!(
                decode(nothing, PictureFormat::JPEG_OR_PNG, Limits::STANDARD).map(|p| p.width()),
                Err(PictureError::NotAnImage)
            );
        }
    }

    #[test]
    fn truncated_and_damaged_pictures_are_errors_not_panics() {
        let jpeg = jpeg(&picture(64, 48));
        // A JPEG cut anywhere after its signature: every cut is refused (a decoder would have
        // filled the missing rows with grey).
        for len in 3..jpeg.len() - 1 {
            assert!(
                matches!(
                    decode(&jpeg[..len], PictureFormat::JPEG_ONLY, Limits::STANDARD),
                    Err(PictureError::Corrupt { format: PictureFormat::Jpeg, .. })
                ),
                "a JPEG cut at {len} of {} bytes",
                jpeg.len()
            );
        }
        // A trailer after the end marker is not a cut.
        let trailed = [jpeg.as_slice(), b"trailer"].concat();
        assert!(decode(&trailed, PictureFormat::JPEG_ONLY, Limits::STANDARD).is_ok());
        let png = png(&picture(64, 48));
        for len in 8..png.len() - 20 {
            assert!(
                matches!(
                    decode(&png[..len], PictureFormat::JPEG_OR_PNG, Limits::STANDARD),
                    Err(PictureError::Corrupt { format: PictureFormat::Png, .. })
                ),
                "a PNG cut at {len} of {} bytes",
                png.len()
            );
        }
        // Noise after a valid header.
        let mut noisy = jpeg.clone();
        for (i, b) in noisy.iter_mut().enumerate().skip(20) {
            *b = (i as u8).wrapping_mul(31);
        }
        assert!(decode(&noisy, PictureFormat::JPEG_ONLY, Limits::STANDARD).is_err());
    }

    #[test]
    fn errors_and_debug_show_no_pixels() {
        let picture =
            decode(&png(&picture(3, 2)), PictureFormat::JPEG_OR_PNG, Limits::STANDARD).expect("png");
        assert_eq!(format!("{picture:?}"), "Picture { format: Png, width: 3, height: 2, .. }");
        assert_eq!(
            PictureError::TooLarge { width: 5000, height: 10 }.to_string(),
            "the image is too large (5000×10 pixels)"
        );
    }
}
