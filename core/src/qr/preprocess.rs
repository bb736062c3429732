//! Picture clean-ups that the decoding ladder tries when the plain picture does not read.
//!
//! Each function returns new grey pictures; none of them fails or panics on any size, including
//! 1×1 pictures (they then return fewer or no variants).

use image::GrayImage;
use image::imageops::{self, FilterType};

/// The longest side, in pixels, of the copy that the slower clean-ups work on.
pub(crate) const WORKING_SIDE: u32 = 1600;

/// A copy shrunk to fit `max_side × max_side`, keeping the aspect ratio; `None` when the picture
/// already fits.
pub(crate) fn fit_within(gray: &GrayImage, max_side: u32) -> Option<GrayImage> {
    let (width, height) = gray.dimensions();
    let long = width.max(height);
    if long <= max_side {
        return None;
    }
    let scale = |side: u32| ((u64::from(side) * u64::from(max_side) / u64::from(long)) as u32).max(1);
    Some(imageops::resize(gray, scale(width), scale(height), FilterType::Triangle))
}

/// Rescaled copies worth trying, best first: a QR module should be a few pixels wide for the
/// detector, so big photos are shrunk (which also averages away noise) and tiny crops enlarged.
pub(crate) fn scales(gray: &GrayImage) -> Vec<GrayImage> {
    let (width, height) = gray.dimensions();
    let short = width.min(height);
    let mut out = Vec::new();
    if short < 400 {
        for factor in [2, 3] {
            if short * factor <= 1200 {
                out.push(imageops::resize(gray, width * factor, height * factor, FilterType::Triangle));
            }
        }
    }
    for divisor in [2, 3, 4] {
        if short / divisor >= 160 {
            out.push(imageops::resize(gray, width / divisor, height / divisor, FilterType::Triangle));
        }
    }
    out
}

/// Stretches the grey levels so that the darkest 1 % become black and the brightest 1 % white.
pub(crate) fn stretch_contrast(gray: &GrayImage) -> GrayImage {
    let mut histogram = [0u64; 256];
    for &p in gray.as_raw() {
        histogram[usize::from(p)] += 1;
    }
    let total: u64 = histogram.iter().sum();
    let cut = total / 100;
    let low = percentile(&histogram, cut);
    let high = 255 - percentile_from_top(&histogram, cut);
    if high <= low {
        return gray.clone();
    }
    let span = u32::from(high - low);
    let mut lut = [0u8; 256];
    for (value, slot) in lut.iter_mut().enumerate() {
        let v = (value as u32).clamp(u32::from(low), u32::from(high)) - u32::from(low);
        *slot = ((v * 255 + span / 2) / span) as u8;
    }
    let mut out = gray.clone();
    for p in out.iter_mut() {
        *p = lut[usize::from(*p)];
    }
    out
}

/// The smallest grey level with more than `cut` pixels at or below it.
fn percentile(histogram: &[u64; 256], cut: u64) -> u8 {
    let mut seen = 0;
    for (value, count) in histogram.iter().enumerate() {
        seen += count;
        if seen > cut {
            return value as u8;
        }
    }
    255
}

/// Like [`percentile`], counted from white down; returns `255 - level`.
fn percentile_from_top(histogram: &[u64; 256], cut: u64) -> u8 {
    let mut seen = 0;
    for (value, count) in histogram.iter().rev().enumerate() {
        seen += count;
        if seen > cut {
            return value as u8;
        }
    }
    255
}

/// Window sizes (in pixels) for [`local_mean_threshold`], relative to the picture's short side.
pub(crate) fn threshold_windows(gray: &GrayImage) -> Vec<u32> {
    let short = gray.width().min(gray.height());
    let mut out: Vec<u32> = [8, 4, 16].iter().map(|d| (short / d) | 1).filter(|&w| w >= 7).collect();
    out.dedup();
    out
}

/// Binarises with a local mean threshold (Bradley–Roth): a pixel is black when it is more than 10 %
/// darker than the mean of the `window × window` square around it. Handles shadows and glare
/// gradients that defeat a single threshold.
pub(crate) fn local_mean_threshold(gray: &GrayImage, window: u32) -> GrayImage {
    let (width, height) = gray.dimensions();
    let (w, h) = (width as usize, height as usize);
    // Integral image with a zero row and column in front.
    let stride = w + 1;
    let mut integral = vec![0u64; stride * (h + 1)];
    let pixels = gray.as_raw();
    for y in 0..h {
        let mut row_sum = 0u64;
        for x in 0..w {
            row_sum += u64::from(pixels[y * w + x]);
            integral[(y + 1) * stride + x + 1] = integral[y * stride + x + 1] + row_sum;
        }
    }
    let half = (window / 2) as usize;
    let mut out = GrayImage::new(width, height);
    let out_pixels: &mut [u8] = &mut out;
    for y in 0..h {
        let (y0, y1) = (y.saturating_sub(half), (y + half + 1).min(h));
        for x in 0..w {
            let (x0, x1) = (x.saturating_sub(half), (x + half + 1).min(w));
            let area = ((y1 - y0) * (x1 - x0)) as u64;
            let sum = integral[y1 * stride + x1] + integral[y0 * stride + x0]
                - integral[y0 * stride + x1]
                - integral[y1 * stride + x0];
            let value = u64::from(pixels[y * w + x]) * area * 10;
            out_pixels[y * w + x] = if value < sum * 9 { 0 } else { 255 };
        }
    }
    out
}

/// Smoothed and sharpened copies: smoothing removes sensor noise, JPEG blocks and printing moiré;
/// sharpening restores module edges in a slightly blurred photo.
pub(crate) fn filters(gray: &GrayImage) -> Vec<GrayImage> {
    vec![imageops::blur(gray, 1.0), imageops::unsharpen(gray, 2.0, 0), imageops::blur(gray, 2.0)]
}

/// Overlapping crops: the centre, then the four corners, each two thirds of the picture's size, so
/// that a code that fills only part of a busy photo gets the detector's whole attention.
pub(crate) fn crops(gray: &GrayImage) -> Vec<GrayImage> {
    let (width, height) = gray.dimensions();
    let (cw, ch) = (width * 2 / 3, height * 2 / 3);
    if cw < 40 || ch < 40 {
        return Vec::new();
    }
    let (right, bottom) = (width - cw, height - ch);
    [(right / 2, bottom / 2), (0, 0), (right, 0), (0, bottom), (right, bottom)]
        .iter()
        .map(|&(x, y)| imageops::crop_imm(gray, x, y, cw, ch).to_image())
        .collect()
}

#[cfg(test)]
#[allow(clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use image::Luma;

    #[test]
    fn tiny_pictures_give_fewer_variants_not_panics() {
        for (w, h) in [(1, 1), (1, 50), (3, 2), (39, 39)] {
            let gray = GrayImage::from_pixel(w, h, Luma([128]));
            assert!(crops(&gray).is_empty());
            assert!(threshold_windows(&gray).iter().all(|&win| win >= 7 && win <= w.min(h)));
            assert_eq!(stretch_contrast(&gray), gray, "a flat picture has no contrast to stretch");
            assert_eq!(local_mean_threshold(&gray, 7).dimensions(), (w, h));
            assert_eq!(filters(&gray).len(), 3);
            assert!(scales(&gray).iter().all(|s| s.width() >= w));
        }
    }

    #[test]
    fn big_pictures_are_shrunk_to_the_working_size() {
        let gray = GrayImage::new(4000, 1000);
        assert_eq!(fit_within(&gray, 1600).map(|s| s.dimensions()), Some((1600, 400)));
        assert!(fit_within(&GrayImage::new(1600, 1200), 1600).is_none());
    }

    #[test]
    fn contrast_stretch_maps_the_used_range_to_black_and_white() {
        let gray = GrayImage::from_fn(100, 100, |x, _| Luma([if x < 50 { 100 } else { 140 }]));
        let stretched = stretch_contrast(&gray);
        assert_eq!((stretched.get_pixel(0, 0)[0], stretched.get_pixel(99, 0)[0]), (0, 255));
    }

    #[test]
    fn local_threshold_follows_a_shadow() {
        // Dark stripes on a background that fades from 60 to 220: one global threshold cannot
        // separate them, the local mean can.
        let gray = GrayImage::from_fn(200, 40, |x, y| {
            let light = 60 + x * 160 / 200;
            Luma([if (y / 5) % 2 == 0 { (light / 2) as u8 } else { light as u8 }])
        });
        let binary = local_mean_threshold(&gray, 21);
        for x in [10, 100, 190] {
            assert_eq!((binary.get_pixel(x, 2)[0], binary.get_pixel(x, 7)[0]), (0, 255), "column {x}");
        }
    }
}
