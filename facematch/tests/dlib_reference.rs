//! The shim computes what dlib's own Python binding computes (`golden/dlib_reference.py`: dlib
//! 20.0.1 from PyPI `dlib-bin`; the crate links Debian's dlib 19.24).
//!
//! Python decodes the JPEGs with Pillow, the tests with the `image` crate, and the pixels differ
//! slightly (Grace Hopper: at most 4 levels, 0.16 on average, from chroma upsampling). Fed the very
//! same pixels, the binding and the shim agree to 3e-6; fed each its own decoding, the landmarks
//! move by a pixel or two and the descriptors by up to ~0.1. The astronaut JPEG has no chroma
//! subsampling, so there the decoders agree and so do the descriptors, closely.
#![allow(clippy::expect_used, clippy::panic)]

mod common;

use common::{ASTRONAUT, GRACE_HOPPER, decode, matcher};
use shimin_facematch::Descriptor;

#[test]
fn descriptors_agree_with_dlibs_python_binding() {
    let golden: serde_json::Value =
        serde_json::from_str(include_str!("golden/dlib_python.json")).expect("golden JSON");
    for (name, bytes, tolerance) in
        [("astronaut.jpg", ASTRONAUT, 0.01), ("grace_hopper.jpg", GRACE_HOPPER, 0.12)]
    {
        let expected = &golden["images"][name];
        let image = decode(bytes);

        let face = matcher().detect(&image).expect("detection runs")[0].face_box;
        let expected_box: Vec<i64> = expected["box"]
            .as_array()
            .expect("a box")
            .iter()
            .map(|v| v.as_i64().expect("a number"))
            .collect();
        let ours = [face.x.into(), face.y.into(), i64::from(face.width), i64::from(face.height)];
        for (a, b) in ours.iter().zip(&expected_box) {
            assert!((a - b).abs() <= 2, "{name}: box {ours:?}, dlib {expected_box:?}");
        }

        let values: Vec<f32> = expected["descriptor"]
            .as_array()
            .expect("a descriptor")
            .iter()
            .map(|v| v.as_f64().expect("a number") as f32)
            .collect();
        let reference = Descriptor::try_from(&values[..]).expect("128 values");
        let distance = matcher().descriptor(&image).expect("runs").expect("a face").distance(&reference);
        println!("{name}: distance to dlib's Python descriptor {distance:.4}");
        assert!(distance < tolerance, "{name}: {distance}");
    }
}
