//! Drawing QR codes: text → module matrix → grey pixels, PNG bytes or SVG.
//!
//! The app's presentation text is `SM1:` followed by Base45, which uses only the QR alphanumeric
//! character set; such text is encoded in alphanumeric mode (5.5 bits a character instead of 8), so
//! the code stays small enough to scan from a phone screen. Error correction is level M (15 %), the
//! usual trade-off for codes shown on screens, except for the holder's presentations, drawn at
//! level L (7 %, [`encode_with`]): a clean, lit screen read from close by needs little repair, and
//! L keeps the identity code with its photo at version 22 instead of 25, with larger modules
//! (ADR 0002, "Error correction").

use fast_qr::qr::QRCodeError;
use fast_qr::{ECL, Mode, QRBuilder};
use image::codecs::png::PngEncoder;
use image::{ExtendedColorType, ImageEncoder};

/// The light margin around a drawn code, in modules (the QR specification asks for 4).
pub const QUIET_ZONE: u32 = 4;

/// The largest module size, in pixels, that the renderers draw; bigger requests are clamped to it
/// (a version-40 code at 32 px a module is about 5,900 px wide).
pub const MAX_MODULE_PX: u32 = 32;

/// Why text could not be drawn as a QR code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QrEncodeError {
    /// The text does not fit the largest QR code (version 40) at the level of error correction
    /// asked for.
    #[error("{bytes} bytes of text do not fit in a QR code at that error-correction level")]
    TooLong {
        /// The text's length in bytes.
        bytes: usize,
    },
    /// The QR library refused the data for another reason.
    #[error("the QR code cannot be built: {reason}")]
    Build {
        /// The library's explanation (never the text itself).
        reason: String,
    },
    /// The PNG encoder failed (it should not, writing to memory).
    #[error("the PNG cannot be written: {reason}")]
    Png {
        /// The encoder's explanation.
        reason: String,
    },
}

/// How the text was encoded in the code's data segments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataMode {
    /// One alphanumeric segment (`0-9 A-Z space $ % * + - . / :`), 11 bits per two characters.
    Alphanumeric,
    /// One byte segment: the text's UTF-8 bytes, 8 bits a character (for any other text).
    Byte,
}

/// A QR code as a square of dark and light modules, without the quiet zone.
#[derive(Clone, PartialEq, Eq)]
pub struct QrMatrix {
    /// Modules per side (21 for version 1, up to 177 for version 40).
    size: u32,
    /// `size × size` modules, row by row; `true` is dark.
    dark: Vec<bool>,
    /// The QR version, 1 to 40.
    version: u8,
    /// How the data was encoded.
    mode: DataMode,
}

// The matrix is the presentation text in another form, which can carry personal data: `Debug` shows
// only its shape.
impl std::fmt::Debug for QrMatrix {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("QrMatrix")
            .field("version", &self.version)
            .field("size", &self.size)
            .field("mode", &self.mode)
            .finish_non_exhaustive()
    }
}

/// The level of error correction: how much of a code may be damaged and still read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ecl {
    /// About 7 % of the code words can be restored: for codes on a clean screen (presentations).
    L,
    /// About 15 %: the default, for codes that may be printed, photographed or scuffed.
    M,
}

/// Encodes `text` as a QR code at error-correction level M ([`encode_with`]).
///
/// # Errors
/// [`QrEncodeError::TooLong`] when the text does not fit a version-40 code (3,391 alphanumeric
/// characters or 2,331 bytes at level M).
pub fn encode(text: &str) -> Result<QrMatrix, QrEncodeError> {
    encode_with(text, Ecl::M)
}

/// Encodes `text` as a QR code at error-correction level `ecl`, in the smallest version it fits,
/// with the mask pattern of lowest penalty (ISO/IEC 18004 section 7.8.3).
///
/// Text made only of QR alphanumeric characters (uppercase letters, digits, space and `$%*+-./:`)
/// is encoded as one alphanumeric segment; any other text as one byte segment of its UTF-8.
/// The work is done by the `fast_qr` crate, about eight times faster here than the `qrcode`
/// crate, which matters for a code redrawn every 30 seconds on a phone.
///
/// # Errors
/// [`QrEncodeError::TooLong`] when the text does not fit a version-40 code at that level.
pub fn encode_with(text: &str, ecl: Ecl) -> Result<QrMatrix, QrEncodeError> {
    let mode = if is_alphanumeric(text) { DataMode::Alphanumeric } else { DataMode::Byte };
    let code = QRBuilder::new(text.as_bytes())
        .ecl(match ecl {
            Ecl::L => ECL::L,
            Ecl::M => ECL::M,
        })
        .mode(match mode {
            DataMode::Alphanumeric => Mode::Alphanumeric,
            DataMode::Byte => Mode::Byte,
        })
        .build()
        .map_err(|e| match e {
            QRCodeError::EncodedData => QrEncodeError::TooLong { bytes: text.len() },
            other => QrEncodeError::Build { reason: other.to_string() },
        })?;
    let size = u32::try_from(code.size).map_err(|_| QrEncodeError::Build { reason: "size".into() })?;
    let version = u8::try_from(size.saturating_sub(17) / 4).unwrap_or(0);
    let dark = code.data.iter().take(code.size * code.size).map(|m| m.value()).collect();
    Ok(QrMatrix { size, dark, version, mode })
}

/// Whether every character of `text` is in the QR alphanumeric set.
pub fn is_alphanumeric(text: &str) -> bool {
    text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'A'..=b'Z' | b' ' | b'$' | b'%' | b'*' | b'+' | b'-' | b'.' | b'/' | b':'))
}

/// A grey picture: `width × height` bytes, row by row, 0 black and 255 white.
#[derive(Clone, PartialEq, Eq)]
pub struct LumaImage {
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// The pixels, row after row.
    pub pixels: Vec<u8>,
}

impl std::fmt::Debug for LumaImage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LumaImage")
            .field("width", &self.width)
            .field("height", &self.height)
            .finish_non_exhaustive()
    }
}

impl QrMatrix {
    /// Modules per side, without the quiet zone: `17 + 4 × version`.
    pub fn size(&self) -> u32 {
        self.size
    }

    /// The QR version, 1 (21×21 modules) to 40 (177×177).
    pub fn version(&self) -> u8 {
        self.version
    }

    /// How the text was encoded.
    pub fn mode(&self) -> DataMode {
        self.mode
    }

    /// Whether the module at column `x`, row `y` is dark; `false` outside the matrix.
    pub fn is_dark(&self, x: u32, y: u32) -> bool {
        if x >= self.size || y >= self.size {
            return false;
        }
        self.dark.get((y * self.size + x) as usize).copied().unwrap_or(false)
    }

    /// Draws the code in black on white with a [`QUIET_ZONE`]-module margin, each module
    /// `module_px × module_px` pixels (clamped to `1..=`[`MAX_MODULE_PX`]).
    pub fn to_luma(&self, module_px: u32) -> LumaImage {
        let px = module_px.clamp(1, MAX_MODULE_PX);
        let side_modules = self.size + 2 * QUIET_ZONE;
        let side = side_modules * px;
        let mut pixels = vec![255u8; (side as usize) * (side as usize)];
        for (row_index, row) in pixels.chunks_exact_mut(side as usize).enumerate() {
            let my = (row_index as u32 / px).wrapping_sub(QUIET_ZONE);
            for (col_index, pixel) in row.iter_mut().enumerate() {
                let mx = (col_index as u32 / px).wrapping_sub(QUIET_ZONE);
                if self.is_dark(mx, my) {
                    *pixel = 0;
                }
            }
        }
        LumaImage { width: side, height: side, pixels }
    }

    /// Draws the code like [`QrMatrix::to_luma`] and encodes it as an 8-bit greyscale PNG.
    ///
    /// # Errors
    /// [`QrEncodeError::Png`] if the PNG encoder fails.
    pub fn to_png(&self, module_px: u32) -> Result<Vec<u8>, QrEncodeError> {
        let image = self.to_luma(module_px);
        let mut png = Vec::new();
        PngEncoder::new(&mut png)
            .write_image(&image.pixels, image.width, image.height, ExtendedColorType::L8)
            .map_err(|e| QrEncodeError::Png { reason: e.to_string() })?;
        Ok(png)
    }

    /// Draws the code as a standalone SVG document: a white square with a [`QUIET_ZONE`] margin
    /// and one black path, in a `viewBox` of one unit per module, `module_px` pixels a module by
    /// default (CSS can resize it without blurring).
    pub fn to_svg(&self, module_px: u32) -> String {
        let px = module_px.clamp(1, MAX_MODULE_PX);
        let side = self.size + 2 * QUIET_ZONE;
        let mut path = String::new();
        for y in 0..self.size {
            let mut x = 0;
            while x < self.size {
                if !self.is_dark(x, y) {
                    x += 1;
                    continue;
                }
                let start = x;
                while x < self.size && self.is_dark(x, y) {
                    x += 1;
                }
                let run = x - start;
                path.push_str(&format!("M{} {}h{run}v1h-{run}z", start + QUIET_ZONE, y + QUIET_ZONE));
            }
        }
        format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{w}\" viewBox=\"0 0 {side} {side}\" \
             shape-rendering=\"crispEdges\"><rect width=\"{side}\" height=\"{side}\" fill=\"#fff\"/>\
             <path fill=\"#000\" d=\"{path}\"/></svg>",
            w = side * px,
        )
    }
}

#[cfg(test)]
#[allow(clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn presentation_text_uses_alphanumeric_mode_and_the_smallest_version() {
        // 20 alphanumeric characters fit version 1 at level M (capacity 20); 21 need version 2.
        let twenty = "SM1:ABCDEFGHIJKLMNOP";
        assert_eq!(twenty.len(), 20);
        let code = encode(twenty).expect("fits");
        assert_eq!((code.mode(), code.version(), code.size()), (DataMode::Alphanumeric, 1, 21));
        let code = encode(&format!("{twenty}Q")).expect("fits");
        assert_eq!((code.version(), code.size()), (2, 25));
    }

    #[test]
    fn other_text_uses_byte_mode() {
        let code = encode("sm1:lowercase and ünïcode").expect("fits");
        assert_eq!(code.mode(), DataMode::Byte);
        assert!(!is_alphanumeric("a"));
        assert!(is_alphanumeric("HC1:6BF+70/.$%*- "));
    }

    #[test]
    fn too_long_text_is_an_error_not_a_panic() {
        // Version 40-M holds 3,391 alphanumeric characters and 2,331 bytes.
        assert!(encode(&"A".repeat(3391)).is_ok());
        // Level L holds more: the same text in a smaller code, and text M cannot hold at all.
        let text = "SM1:".to_owned() + &"A".repeat(1800);
        assert!(encode_with(&text, Ecl::L).expect("fits").version() < encode(&text).expect("fits").version());
        assert!(encode_with(&"A".repeat(4296), Ecl::L).is_ok());
        assert_eq!(encode_with(&"A".repeat(4297), Ecl::L), Err(QrEncodeError::TooLong { bytes: 4297 }));
        assert_eq!(encode(&"A".repeat(3392)), Err(QrEncodeError::TooLong { bytes: 3392 }));
        assert_eq!(encode(&"a".repeat(2332)), Err(QrEncodeError::TooLong { bytes: 2332 }));
    }

    #[test]
    fn luma_rendering_has_a_quiet_zone_and_finder_patterns() {
        let code = encode("SM1:TEST").expect("fits");
        let image = code.to_luma(3);
        let side = (21 + 2 * QUIET_ZONE) * 3;
        assert_eq!((image.width, image.height, image.pixels.len()), (side, side, (side * side) as usize));
        let at = |x: u32, y: u32| image.pixels[(y * side + x) as usize];
        // The quiet zone is white all round.
        assert!((0..side).all(|i| at(i, 0) == 255 && at(0, i) == 255 && at(side - 1, i) == 255));
        // The top-left finder pattern starts right after it: dark corner, light ring, dark centre.
        let q = QUIET_ZONE * 3;
        assert_eq!((at(q, q), at(q + 3, q + 3), at(q + 9, q + 9)), (0, 255, 0));
        assert_eq!(at(q - 1, q), 255);
        // Module size is clamped rather than allocating a huge picture.
        assert_eq!(code.to_luma(0).width, 21 + 2 * QUIET_ZONE);
        assert_eq!(code.to_luma(u32::MAX).width, (21 + 2 * QUIET_ZONE) * MAX_MODULE_PX);
    }

    #[test]
    fn svg_draws_every_dark_module_once() {
        let code = encode("SM1:SVG").expect("fits");
        let svg = code.to_svg(4);
        assert!(svg.starts_with("<svg ") && svg.ends_with("</svg>"));
        assert!(svg.contains("viewBox=\"0 0 29 29\"") && svg.contains("width=\"116\""));
        // Each run is drawn as one "M x y h<run>…" rectangle; the runs add up to the dark modules.
        let drawn: u32 = svg
            .split('M')
            .skip(1)
            .filter_map(|run| run.split('h').nth(1)?.split('v').next()?.parse::<u32>().ok())
            .sum();
        let dark =
            (0..21).flat_map(|y| (0..21).map(move |x| (x, y))).filter(|&(x, y)| code.is_dark(x, y)).count();
        assert_eq!(drawn as usize, dark);
    }

    /// Deterministic Base45-looking text: `SM1:` and `len - 4` characters of the Base45 alphabet.
    fn presentation_text(len: usize) -> String {
        const BASE45: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
        let mut state = 0x2545_f491_u32;
        let body = (4..len).map(|_| {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            char::from(BASE45[(state % 45) as usize])
        });
        "SM1:".chars().chain(body).collect()
    }

    #[test]
    fn drawn_png_decodes_back_to_the_text() {
        let mut versions = Vec::new();
        for len in [4, 20, 21, 100, 300, 600, 900, 1200] {
            let text = presentation_text(len);
            let code = encode(&text).expect("fits");
            assert_eq!(code.mode(), DataMode::Alphanumeric);
            let png = code.to_png(3).expect("png");
            assert_eq!(crate::qr::decode_image(&png).as_deref(), Ok(text.as_str()), "{len} characters");
            versions.push(code.version());
        }
        // Longer text, bigger code. 1,200 alphanumeric characters take 4 + 11 + 600 × 11 = 6,615 bits:
        // more than version 22-M holds (6,256), within version 23-M (6,880).
        assert!(versions.windows(2).all(|pair| pair[0] <= pair[1]), "{versions:?}");
        assert_eq!((versions[0], versions[versions.len() - 1]), (1, 23));
    }

    #[test]
    fn byte_mode_text_round_trips_too() {
        for text in ["sm1:lower case", "Grüße, 市民 — ✓", "{\"kid\":\"abc\"} 12345678901234567890"] {
            let png = encode(text).expect("fits").to_png(3).expect("png");
            assert_eq!(crate::qr::decode_image(&png).as_deref(), Ok(text));
        }
    }

    #[test]
    fn debug_output_does_not_show_the_modules() {
        let code = encode("SM1:SECRET").expect("fits");
        let shown = format!("{code:?}");
        assert!(shown.contains("version: 1") && !shown.contains("true"));
    }
}
