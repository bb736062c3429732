//! Shared helpers for the integration tests: the committed photographs and one analyzer.
#![allow(dead_code)]

use std::sync::OnceLock;

use image::RgbImage;
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
