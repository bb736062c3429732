//! Frame checks, rotation, and the one resampling routine both models use: a (possibly rotated)
//! square region of the frame sampled bilinearly into a small RGB tensor.

use image::RgbImage;

use crate::error::FaceError;

/// The largest width or height accepted for a frame (a 16K frame is far beyond any camera here).
pub const MAX_IMAGE_SIDE: u32 = 16_384;

/// How the camera frame must be turned (clockwise) to make the face upright.
///
/// Phones deliver sensor frames in the sensor's orientation; the platform knows by how much the
/// device is turned and passes it here. Coordinates in results are in the turned (upright) frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Rotation {
    /// The frame is already upright.
    #[default]
    None,
    /// Turn the frame 90° clockwise.
    Clockwise90,
    /// Turn the frame 180°.
    Clockwise180,
    /// Turn the frame 270° clockwise (90° counter-clockwise).
    Clockwise270,
}

impl Rotation {
    /// The frame turned by this rotation.
    #[must_use]
    pub fn apply(self, image: &RgbImage) -> RgbImage {
        match self {
            Self::None => image.clone(),
            Self::Clockwise90 => image::imageops::rotate90(image),
            Self::Clockwise180 => image::imageops::rotate180(image),
            Self::Clockwise270 => image::imageops::rotate270(image),
        }
    }
}

/// Refuses frames that no model can use.
pub(crate) fn check_image(image: &RgbImage) -> Result<(), FaceError> {
    let (width, height) = image.dimensions();
    if width == 0 || height == 0 {
        return Err(FaceError::EmptyImage { width, height });
    }
    if width > MAX_IMAGE_SIDE || height > MAX_IMAGE_SIDE {
        return Err(FaceError::ImageTooLarge { width, height, max: MAX_IMAGE_SIDE });
    }
    Ok(())
}

/// What to put where the region leaves the frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Border {
    /// Black, as MediaPipe's letterbox.
    Zero,
    /// The nearest edge pixel.
    Replicate,
}

/// A square region of a frame, in frame pixels, turned by `angle` radians (clockwise on screen,
/// since y points down).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct SquareRegion {
    pub(crate) center_x: f32,
    pub(crate) center_y: f32,
    pub(crate) side: f32,
    pub(crate) angle: f32,
}

impl SquareRegion {
    /// The frame point under the normalised region point `(u, v)`, each in `[0, 1]`.
    pub(crate) fn to_frame(self, u: f32, v: f32) -> (f32, f32) {
        let (sin, cos) = self.angle.sin_cos();
        let du = (u - 0.5) * self.side;
        let dv = (v - 0.5) * self.side;
        (self.center_x + cos * du - sin * dv, self.center_y + sin * du + cos * dv)
    }
}

/// Samples `region` of `image` into `out_size`×`out_size` interleaved RGB values in `[0, 1]`
/// (row-major, NHWC with N = 1), bilinear, as MediaPipe's image-to-tensor step does.
pub(crate) fn sample_region(
    image: &RgbImage,
    region: SquareRegion,
    out_size: usize,
    border: Border,
) -> Vec<f32> {
    let mut out = vec![0.0f32; out_size * out_size * 3];
    let (width, height) = image.dimensions();
    if width == 0 || height == 0 || out_size == 0 {
        return out;
    }
    let raw = image.as_raw();
    let w = width as usize;
    let max_x = width as f32 - 1.0;
    let max_y = height as f32 - 1.0;
    let step = 1.0 / out_size as f32;
    let (sin, cos) = region.angle.sin_cos();
    for row in 0..out_size {
        let dv = (row as f32 + 0.5) * step - 0.5;
        for col in 0..out_size {
            let du = (col as f32 + 0.5) * step - 0.5;
            // Pixel i covers [i, i + 1); its centre is i + 0.5.
            let sx = region.center_x + (cos * du - sin * dv) * region.side - 0.5;
            let sy = region.center_y + (sin * du + cos * dv) * region.side - 0.5;
            let (sx, sy) = match border {
                Border::Replicate => (sx.clamp(0.0, max_x), sy.clamp(0.0, max_y)),
                Border::Zero => (sx, sy),
            };
            let o = (row * out_size + col) * 3;
            let px = bilinear(raw, w, max_x, max_y, sx, sy);
            out[o..o + 3].copy_from_slice(&px);
        }
    }
    out
}

/// Bilinear sample at pixel-index coordinates; neighbours outside the frame count as black.
fn bilinear(raw: &[u8], w: usize, max_x: f32, max_y: f32, x: f32, y: f32) -> [f32; 3] {
    let in_reach = x > -1.0 && y > -1.0 && x < max_x + 1.0 && y < max_y + 1.0;
    // NaN coordinates fail every comparison, so they land here too.
    if !in_reach {
        return [0.0; 3];
    }
    let x0 = x.floor();
    let y0 = y.floor();
    let fx = x - x0;
    let fy = y - y0;
    let mut acc = [0.0f32; 3];
    for (dy, wy) in [(0.0, 1.0 - fy), (1.0, fy)] {
        let yy = y0 + dy;
        if wy == 0.0 || yy < 0.0 || yy > max_y {
            continue;
        }
        for (dx, wx) in [(0.0, 1.0 - fx), (1.0, fx)] {
            let xx = x0 + dx;
            if wx == 0.0 || xx < 0.0 || xx > max_x {
                continue;
            }
            // In range by the checks above, so the casts are exact.
            let i = (yy as usize * w + xx as usize) * 3;
            let weight = wx * wy / 255.0;
            if let Some(px) = raw.get(i..i + 3) {
                for c in 0..3 {
                    acc[c] += f32::from(px[c]) * weight;
                }
            }
        }
    }
    acc
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::Rgb;

    #[test]
    fn identity_region_reproduces_the_image() {
        let img = RgbImage::from_fn(4, 4, |x, y| Rgb([(x * 60) as u8, (y * 60) as u8, 7]));
        let region = SquareRegion { center_x: 2.0, center_y: 2.0, side: 4.0, angle: 0.0 };
        let out = sample_region(&img, region, 4, Border::Zero);
        for y in 0..4u32 {
            for x in 0..4u32 {
                let o = ((y * 4 + x) * 3) as usize;
                let want = img.get_pixel(x, y);
                for c in 0..3 {
                    assert!((out[o + c] * 255.0 - f32::from(want[c])).abs() < 1e-3);
                }
            }
        }
    }

    #[test]
    fn half_turn_region_flips_the_image() {
        let img = RgbImage::from_fn(3, 3, |x, y| Rgb([(x * 100) as u8, (y * 100) as u8, 0]));
        let region = SquareRegion { center_x: 1.5, center_y: 1.5, side: 3.0, angle: std::f32::consts::PI };
        let out = sample_region(&img, region, 3, Border::Zero);
        // Output (0, 0) comes from frame (2, 2).
        assert!((out[0] * 255.0 - 200.0).abs() < 1e-2);
        assert!((out[1] * 255.0 - 200.0).abs() < 1e-2);
    }

    #[test]
    fn zero_border_is_black_and_replicate_border_is_the_edge() {
        let img = RgbImage::from_pixel(2, 2, Rgb([255, 255, 255]));
        let region = SquareRegion { center_x: 100.0, center_y: 100.0, side: 2.0, angle: 0.0 };
        assert!(sample_region(&img, region, 2, Border::Zero).iter().all(|v| *v == 0.0));
        assert!(sample_region(&img, region, 2, Border::Replicate).iter().all(|v| (*v - 1.0).abs() < 1e-6));
    }

    #[test]
    fn non_finite_regions_do_not_panic() {
        let img = RgbImage::from_pixel(2, 2, Rgb([255, 0, 0]));
        for v in [f32::NAN, f32::INFINITY, f32::NEG_INFINITY] {
            let region = SquareRegion { center_x: v, center_y: 1.0, side: v, angle: v };
            let _ = sample_region(&img, region, 3, Border::Replicate);
            let _ = sample_region(&img, region, 3, Border::Zero);
        }
    }

    #[test]
    fn rotation_turns_clockwise() {
        let mut img = RgbImage::new(3, 2);
        img.put_pixel(0, 0, Rgb([255, 0, 0]));
        let turned = Rotation::Clockwise90.apply(&img);
        assert_eq!(turned.dimensions(), (2, 3));
        // The top-left corner goes to the top-right.
        assert_eq!(turned.get_pixel(1, 0), &Rgb([255, 0, 0]));
    }
}
