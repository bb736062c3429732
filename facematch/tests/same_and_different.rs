//! The matcher on real photographs: the same person through edits, different people apart.
#![allow(clippy::expect_used, clippy::panic)]

mod common;

use common::{ASTRONAUT, COFFEE, GRACE_HOPPER, decode, group_photo, matcher};
use image::{RgbImage, imageops};
use shimin_facematch::{DEFAULT_MIN_SCORE, Descriptor, FaceMatcher, SAME_PERSON_THRESHOLD};

fn descriptor(image: &RgbImage) -> Descriptor {
    matcher().descriptor(image).expect("the matcher runs").expect("a face")
}

#[test]
fn the_astronaut_matches_edited_copies_of_herself() {
    let original = decode(ASTRONAUT);
    let reference = descriptor(&original);

    let face = matcher().detect(&original).expect("detection runs")[0].face_box;
    let flipped = imageops::flip_horizontal(&original);
    // A tight crop around the face with a third of its size as margin: a different image size
    // and position.
    let margin = face.width / 3;
    let (x, y) = ((face.x as u32).saturating_sub(margin), (face.y as u32).saturating_sub(margin));
    let cropped =
        imageops::crop_imm(&original, x, y, face.width + 2 * margin, face.height + 2 * margin).to_image();
    let brighter = imageops::brighten(&original, 50);
    let darker = imageops::colorops::contrast(&imageops::brighten(&original, -40), -20.0);
    let all_three = imageops::brighten(&imageops::flip_horizontal(&cropped), 50);
    // Her face is ~45 px across here, too small for the detector until the image is doubled.
    let half_size = imageops::resize(&original, 256, 256, imageops::FilterType::Triangle);

    for (name, edited) in [
        ("flipped", &flipped),
        ("cropped", &cropped),
        ("brighter", &brighter),
        ("darker, less contrast", &darker),
        ("flipped + cropped + brighter", &all_three),
        ("half size", &half_size),
    ] {
        let d = descriptor(edited);
        let distance = reference.distance(&d);
        println!("astronaut vs {name} copy ({}×{}): {distance:.4}", edited.width(), edited.height());
        assert!(distance < SAME_PERSON_THRESHOLD, "{name}: distance {distance}");
        assert!(reference.same_person(&d));
    }
}

#[test]
fn the_mission_patch_on_the_astronauts_suit_is_not_a_face() {
    let original = decode(ASTRONAUT);
    let faces = matcher().detect(&original).expect("detection runs");
    assert_eq!(faces.len(), 1, "{faces:?}");
    assert!(faces[0].face_box.y < 200, "her face is in the upper half: {faces:?}");
    // dlib itself also reports the patch, weakly, and its box is larger than her face.
    let everything =
        FaceMatcher::load_default().and_then(|m| m.with_min_score(0.0)).expect("the models load");
    let all = everything.detect(&original).expect("detection runs");
    println!("all detections: {all:?}");
    assert_eq!(all.len(), 2);
    assert!(all[0].face_box.y > 300 && all[0].score < DEFAULT_MIN_SCORE, "the patch comes first: {all:?}");
}

#[test]
fn the_astronaut_and_grace_hopper_are_different_people() {
    let astronaut = descriptor(&decode(ASTRONAUT));
    let hopper = descriptor(&decode(GRACE_HOPPER));
    let distance = astronaut.distance(&hopper);
    println!("astronaut vs Grace Hopper: {distance:.4}");
    assert!(distance > SAME_PERSON_THRESHOLD, "distance {distance}");
    assert!(!astronaut.same_person(&hopper));
}

#[test]
fn everyone_in_the_group_photo_is_a_different_person() {
    let photo = group_photo();
    let faces = matcher().detect(&photo).expect("detection runs");
    println!("{} faces in t1.jpg ({}×{})", faces.len(), photo.width(), photo.height());
    // Six people; the one looking sideways may escape a frontal detector.
    assert!(faces.len() >= 5, "found only {} faces", faces.len());
    let descriptors: Vec<Descriptor> =
        faces.iter().map(|f| matcher().descriptor_of(&photo, f.face_box).expect("a descriptor")).collect();
    let mut closest = f32::MAX;
    for i in 0..faces.len() {
        for j in i + 1..faces.len() {
            let distance = descriptors[i].distance(&descriptors[j]);
            let (a, b) = (faces[i].face_box, faces[j].face_box);
            println!("face at ({}, {}) vs face at ({}, {}): {distance:.4}", a.x, a.y, b.x, b.y);
            assert!(distance > SAME_PERSON_THRESHOLD, "faces {i} and {j}: distance {distance}");
            closest = closest.min(distance);
        }
    }
    println!("closest pair: {closest:.4}");
}

#[test]
fn a_photo_without_a_face_has_no_descriptor() {
    let coffee = decode(COFFEE);
    assert!(matcher().detect(&coffee).expect("detection runs").is_empty());
    assert!(matcher().descriptor(&coffee).expect("the matcher runs").is_none());
}

#[test]
fn one_matcher_serves_several_threads() {
    let astronaut = decode(ASTRONAUT);
    let expected = descriptor(&astronaut);
    std::thread::scope(|s| {
        let workers: Vec<_> = (0..3).map(|_| s.spawn(|| descriptor(&astronaut))).collect();
        for worker in workers {
            assert_eq!(worker.join().expect("no panic"), expected);
        }
    });
}
