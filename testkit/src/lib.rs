//! Test material made from real photographs, shared by the backend's tests and the app's
//! end-to-end tests. Not linked into any product binary.
//!
//! [`film`] films a liveness "video" out of still photographs: a still cannot blink, open its
//! mouth or nod, so the action frames are edits of the photograph that the real face mesh
//! measures as the action. The photographs are public domain (`face/tests/images/README.md`).
// Test material: a photograph that does not decode or a model that does not load is a bug in
// the kit, and the test using it should stop at once.
#![allow(clippy::expect_used, clippy::panic)]

pub mod film;
