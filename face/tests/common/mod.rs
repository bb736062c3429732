//! Shared helpers for the integration tests: the committed photographs and one analyzer.
#![allow(dead_code)]

use std::sync::OnceLock;

use image::{Rgb, RgbImage};
use shimin_face::FaceAnalyzer;

/// Eileen Collins, NASA portrait (public domain), from scikit-image's `astronaut.png`.
pub const ASTRONAUT: &[u8] = include_bytes!("../images/astronaut.jpg");
/// Grace Hopper, US Navy portrait (public domain), from matplotlib's sample data.
pub const GRACE_HOPPER: &[u8] = include_bytes!("../images/grace_hopper.jpg");
/// A cup of coffee (CC0), from scikit-image's `coffee.png`: no face.
pub const COFFEE: &[u8] = include_bytes!("../images/coffee.jpg");

pub fn decode(bytes: &[u8]) -> RgbImage {
    image::load_from_memory(bytes).expect("a committed test image decodes").to_rgb8()
}

/// One analyzer for all tests of a binary (loading optimises two graphs).
pub fn analyzer() -> &'static FaceAnalyzer {
    static ANALYZER: OnceLock<FaceAnalyzer> = OnceLock::new();
    ANALYZER.get_or_init(|| FaceAnalyzer::new().expect("the embedded models load"))
}

/// `image` turned by `degrees` clockwise about its centre (nearest neighbour, black corners),
/// the same size as the input.
pub fn tilt(image: &RgbImage, degrees: f32) -> RgbImage {
    let (w, h) = image.dimensions();
    let (sin, cos) = degrees.to_radians().sin_cos();
    let (cx, cy) = (w as f32 / 2.0, h as f32 / 2.0);
    RgbImage::from_fn(w, h, |x, y| {
        // Inverse map: output pixel -> source pixel.
        let dx = x as f32 + 0.5 - cx;
        let dy = y as f32 + 0.5 - cy;
        let sx = cos * dx + sin * dy + cx;
        let sy = -sin * dx + cos * dy + cy;
        if sx >= 0.0 && sy >= 0.0 && sx < w as f32 && sy < h as f32 {
            *image.get_pixel(sx as u32, sy as u32)
        } else {
            image::Rgb([0, 0, 0])
        }
    })
}

/// MediaPipe's own 468 mesh points for a committed image (`golden/mediapipe.json`), in pixels.
pub fn mediapipe_mesh(name: &str) -> Vec<[f32; 3]> {
    let golden: serde_json::Value =
        serde_json::from_str(include_str!("../golden/mediapipe.json")).expect("golden JSON");
    golden["images"][name]["meshes"][0]
        .as_array()
        .expect("a mesh")
        .iter()
        .map(|p| {
            let v: Vec<f32> =
                p.as_array().expect("a point").iter().map(|x| x.as_f64().expect("a number") as f32).collect();
            [v[0], v[1], v[2]]
        })
        .collect()
}

/// MediaPipe's eye contours: lower lid from outer to inner corner, then the upper lid back.
pub const RIGHT_EYE_CONTOUR: [usize; 16] =
    [33, 7, 163, 144, 145, 153, 154, 155, 133, 173, 157, 158, 159, 160, 161, 246];
pub const LEFT_EYE_CONTOUR: [usize; 16] =
    [263, 249, 390, 373, 374, 380, 381, 382, 362, 398, 384, 385, 386, 387, 388, 466];

pub fn inside(poly: &[(f32, f32)], x: f32, y: f32) -> bool {
    let mut inside = false;
    for (i, a) in poly.iter().enumerate() {
        let b = poly[(i + 1) % poly.len()];
        if (a.1 > y) != (b.1 > y) && x < a.0 + (y - a.1) * (b.0 - a.0) / (b.1 - a.1) {
            inside = !inside;
        }
    }
    inside
}

/// Fills `poly` grown about its centre with pixels copied from `lift` rows above, and draws the
/// lash line along `lash` (when given).
pub fn clone_from_above(
    img: &mut RgbImage,
    source: &RgbImage,
    poly: &[(f32, f32)],
    lift: u32,
    lash: Option<&[(f32, f32)]>,
) {
    let n = poly.len() as f32;
    let cx = poly.iter().map(|p| p.0).sum::<f32>() / n;
    let cy = poly.iter().map(|p| p.1).sum::<f32>() / n;
    let grown: Vec<(f32, f32)> =
        poly.iter().map(|p| (cx + (p.0 - cx) * 1.3, cy + (p.1 - cy) * 1.6)).collect();
    let (w, h) = img.dimensions();
    for y in lift..h {
        for x in 0..w {
            if inside(&grown, x as f32 + 0.5, y as f32 + 0.5) {
                img.put_pixel(x, y, *source.get_pixel(x, y - lift));
            }
        }
    }
    for pair in lash.unwrap_or(&[]).windows(2) {
        let (p, q) = (pair[0], pair[1]);
        for step in 0..10 {
            let t = step as f32 / 10.0;
            let x = (p.0 + (q.0 - p.0) * t) as u32;
            let y = (p.1 + (q.1 - p.1) * t) as u32;
            img.put_pixel(x, y, Rgb([60, 40, 35]));
            img.put_pixel(x, y + 1, Rgb([60, 40, 35]));
        }
    }
}

/// The astronaut photograph with both eyes painted shut, as `edited_images.rs` describes: each
/// opening (located from MediaPipe's own mesh, slightly enlarged) filled with the eyelid skin
/// from above it, and a lash line along the lower lid.
pub fn paint_eyes_shut(open: &RgbImage, mesh: &[[f32; 3]]) -> RgbImage {
    let mut closed = open.clone();
    for contour in [RIGHT_EYE_CONTOUR, LEFT_EYE_CONTOUR] {
        let poly: Vec<(f32, f32)> = contour.iter().map(|&i| (mesh[i][0], mesh[i][1])).collect();
        let height = (mesh[contour[4]][1] - mesh[contour[12]][1]).abs();
        let lift = (1.8 * height).round() as u32;
        clone_from_above(&mut closed, open, &poly, lift, Some(&poly[0..9]));
    }
    closed
}
