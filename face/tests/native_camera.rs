#![allow(clippy::expect_used, clippy::panic)]
//! The desktop camera source (`camera` feature). On a machine with a camera the first one opens
//! and delivers a frame of a plausible size; without one (CI) opening says there is no camera.
//! An index past the last camera is refused everywhere.

use shimin_core::liveness::{FrameRotation, FrameSource, FrameSourceError, MAX_FRAME_SIDE};
use shimin_face::{NativeCamera, cameras};

#[test]
fn a_camera_that_is_not_there_is_unavailable() {
    let count = u32::try_from(cameras().len()).expect("few cameras");
    match NativeCamera::open(count, FrameRotation::None) {
        Err(FrameSourceError::Unavailable(why)) => assert_eq!(why, "there is no camera"),
        other => panic!("camera {count} of {count} opened: {other:?}"),
    }
}

#[test]
fn the_first_camera_delivers_frames_when_there_is_one() {
    if cameras().is_empty() {
        // No camera: opening the first says so rather than failing later.
        assert!(matches!(NativeCamera::open(0, FrameRotation::None), Err(FrameSourceError::Unavailable(_))));
        return;
    }
    let mut camera = NativeCamera::open(0, FrameRotation::Clockwise180).expect("the first camera opens");
    let first = camera.next_frame().expect("a frame").expect("a camera does not end");
    let second = camera.next_frame().expect("a frame").expect("a camera does not end");
    for frame in [&first, &second] {
        assert!(
            (64..=MAX_FRAME_SIDE).contains(&frame.width()) && (48..=MAX_FRAME_SIDE).contains(&frame.height())
        );
        assert_eq!(frame.rotation(), FrameRotation::Clockwise180);
    }
    assert!(second.timestamp_ms() > first.timestamp_ms(), "each frame is a newer one");
}
