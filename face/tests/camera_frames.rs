#![allow(clippy::expect_used, clippy::panic)]
//! Camera buffers in the formats desktop cameras deliver become the frames the pipeline measures:
//! a real portrait sent as MJPEG, YUYV 4:2:2, grey and BGR comes out as the same picture (within
//! the format's loss) and the face models find the face in it; a buffer whose bytes do not fit
//! its format and size is refused with the frame's index, never a panic.

mod common;

use common::{ASTRONAUT, analyzer, decode};
use image::RgbImage;
use nokhwa_core::buffer::Buffer;
use nokhwa_core::types::{FrameFormat, Resolution};
use shimin_core::liveness::{Frame, FrameError, FrameRotation, FrameSourceError};
use shimin_face::{LivenessObserver, camera_frame};

fn buffer(image: &RgbImage, format: FrameFormat, bytes: &[u8]) -> Buffer {
    Buffer::new(Resolution::new(image.width(), image.height()), bytes, format)
}

/// The mean absolute difference per channel between a frame and the picture it came from.
fn mean_difference(frame: &Frame, image: &RgbImage) -> f64 {
    assert_eq!((frame.width(), frame.height()), image.dimensions());
    let total: u64 = frame.rgb().iter().zip(image.as_raw()).map(|(a, b)| u64::from(a.abs_diff(*b))).sum();
    total as f64 / frame.rgb().len() as f64
}

/// YUYV 4:2:2 of `image` (BT.601 studio range, as webcams send it), each pair of pixels sharing
/// the chroma of their average.
fn yuyv(image: &RgbImage) -> Vec<u8> {
    let luma = |p: &image::Rgb<u8>| {
        let [r, g, b] = p.0.map(f64::from);
        (16.0 + 0.257 * r + 0.504 * g + 0.098 * b).round().clamp(0.0, 255.0) as u8
    };
    let mut out = Vec::with_capacity(image.as_raw().len() / 3 * 2);
    for row in image.rows() {
        let pixels: Vec<_> = row.collect();
        for pair in pixels.chunks_exact(2) {
            let [r, g, b] = [0, 1, 2].map(|c| (f64::from(pair[0][c]) + f64::from(pair[1][c])) / 2.0);
            let u = (128.0 - 0.148 * r - 0.291 * g + 0.439 * b).round().clamp(0.0, 255.0) as u8;
            let v = (128.0 + 0.439 * r - 0.368 * g - 0.071 * b).round().clamp(0.0, 255.0) as u8;
            out.extend_from_slice(&[luma(pair[0]), u, luma(pair[1]), v]);
        }
    }
    out
}

fn finds_one_face(frame: &Frame) {
    let observation = LivenessObserver::new(analyzer().clone()).observe_frame(frame).expect("observes");
    assert_eq!(observation.face_count, 1, "the face models find the face in the converted frame");
    assert!(observation.face.is_some());
}

#[test]
fn mjpeg_frames_are_the_picture_sent() {
    let portrait = decode(ASTRONAUT);
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 90)
        .encode_image(&portrait)
        .expect("encodes");
    let frame =
        camera_frame(&buffer(&portrait, FrameFormat::MJPEG, &jpeg), 7, 1234, FrameRotation::Clockwise90)
            .expect("an MJPEG frame");
    assert_eq!(frame.timestamp_ms(), 1234);
    assert_eq!(frame.rotation(), FrameRotation::Clockwise90);
    let difference = mean_difference(&frame, &portrait);
    assert!(difference < 4.0, "MJPEG at quality 90 differs by {difference:.2} per channel");
    let upright = camera_frame(&buffer(&portrait, FrameFormat::MJPEG, &jpeg), 7, 1234, FrameRotation::None)
        .expect("an MJPEG frame");
    finds_one_face(&upright);
}

#[test]
fn yuyv_frames_are_the_picture_sent() {
    let portrait = decode(ASTRONAUT);
    let frame =
        camera_frame(&buffer(&portrait, FrameFormat::YUYV, &yuyv(&portrait)), 0, 40, FrameRotation::None)
            .expect("a YUYV frame");
    let difference = mean_difference(&frame, &portrait);
    // Chroma is shared by two pixels and the range is studio swing: a few levels off.
    assert!(difference < 8.0, "YUYV differs by {difference:.2} per channel");
    finds_one_face(&frame);
}

#[test]
fn grey_and_bgr_frames_are_the_picture_sent() {
    let portrait = decode(ASTRONAUT);
    let bgr: Vec<u8> = portrait.as_raw().chunks_exact(3).flat_map(|p| [p[2], p[1], p[0]]).collect();
    let frame = camera_frame(&buffer(&portrait, FrameFormat::RAWBGR, &bgr), 0, 0, FrameRotation::None)
        .expect("a BGR frame");
    assert_eq!(frame.rgb(), portrait.as_raw().as_slice(), "BGR is turned into RGB exactly");

    let grey = image::imageops::grayscale(&portrait);
    let frame = camera_frame(&buffer(&portrait, FrameFormat::GRAY, grey.as_raw()), 0, 0, FrameRotation::None)
        .expect("a grey frame");
    let expected: Vec<u8> = grey.as_raw().iter().flat_map(|&l| [l, l, l]).collect();
    assert_eq!(frame.rgb(), expected.as_slice());
    finds_one_face(&frame);
}

#[test]
fn buffers_that_do_not_fit_their_format_are_refused() {
    let portrait = decode(ASTRONAUT);
    let yuyv = yuyv(&portrait);
    let decode_error = |format, bytes: &[u8], index| {
        assert_eq!(
            camera_frame(&buffer(&portrait, format, bytes), index, 0, FrameRotation::None),
            Err(FrameSourceError::Decode { index }),
            "{format:?} with {} bytes",
            bytes.len()
        );
    };
    // One byte short, one too many, half a frame, nothing.
    decode_error(FrameFormat::YUYV, &yuyv[..yuyv.len() - 1], 1);
    decode_error(FrameFormat::YUYV, &[yuyv.as_slice(), &[0]].concat(), 2);
    decode_error(FrameFormat::YUYV, &yuyv[..yuyv.len() / 2], 3);
    decode_error(FrameFormat::NV12, &[], 4);
    decode_error(FrameFormat::RAWRGB, &portrait.as_raw()[3..], 5);
    decode_error(FrameFormat::GRAY, &yuyv, 6);
    // MJPEG that is not a JPEG, or a JPEG cut short.
    decode_error(FrameFormat::MJPEG, b"not a jpeg", 7);
    let mut jpeg = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut jpeg, 80)
        .encode_image(&portrait)
        .expect("encodes");
    decode_error(FrameFormat::MJPEG, &jpeg[..jpeg.len() / 3], 8);

    // YUYV pairs pixels: an odd width cannot be YUYV whatever the length.
    let odd = Buffer::new(Resolution::new(3, 2), &[128; 12], FrameFormat::YUYV);
    assert_eq!(camera_frame(&odd, 9, 0, FrameRotation::None), Err(FrameSourceError::Decode { index: 9 }));

    // A size beyond any camera, or none at all.
    let huge = Buffer::new(Resolution::new(5000, 2), &[0; 30_000], FrameFormat::RAWRGB);
    assert_eq!(
        camera_frame(&huge, 0, 0, FrameRotation::None),
        Err(FrameSourceError::Frame(FrameError::TooLarge { width: 5000, height: 2 }))
    );
    let empty = Buffer::new(Resolution::new(0, 0), &[], FrameFormat::GRAY);
    assert_eq!(
        camera_frame(&empty, 0, 0, FrameRotation::None),
        Err(FrameSourceError::Frame(FrameError::Empty { width: 0, height: 0 }))
    );
}
