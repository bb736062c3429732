//! QR codes: finding and decoding them in photos and camera frames, and drawing them.
//!
//! - [`decode_image`] reads the code in a PNG or JPEG photo; [`decode_luma`], [`decode_rgb`] and
//!   [`decode_frame`] read it in a raw camera frame. They try the picture as it is first, then a
//!   ladder of clean-ups (scales, thresholds, filters, turns, crops), and stop at the first read.
//! - [`encode()`] turns text into a [`QrMatrix`] (alphanumeric mode when it can, error correction M),
//!   which draws itself as grey pixels, PNG bytes or SVG.
//!
//! Pure computation on bytes: the camera, files and the screen belong to the shells.

pub mod decode;
pub mod encode;
mod preprocess;

pub use decode::{
    Effort, Frame, MAX_PIXELS, PixelFormat, QrDecodeError, decode_frame, decode_image, decode_luma,
    decode_rgb,
};
pub use encode::{
    DataMode, Ecl, LumaImage, MAX_MODULE_PX, QUIET_ZONE, QrEncodeError, QrMatrix, encode, encode_with,
};
