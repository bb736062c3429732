//! The C ABI of `cpp/facematch_shim.h` and a small owner of its handle.
//!
//! This is the crate's only `unsafe` code. Each call passes a pixel slice together with its own
//! length, and the shim re-checks the geometry against that length before reading, so a caller
//! bug can only produce an error code. The shim catches every C++ exception.
#![allow(unsafe_code)]

use std::{
    ffi::{CStr, c_char, c_int},
    ptr::{self, NonNull},
};

use crate::view::RgbView;

/// Length of a face descriptor (`FM_DESCRIPTOR_LEN`).
pub(crate) const DESCRIPTOR_LEN: usize = 128;

const FM_OK: c_int = 0;
const FM_ERR_ARGUMENT: c_int = 1;
const FM_ERR_MODEL: c_int = 2;
const FM_ERR_COMPUTE: c_int = 3;
const FM_ERR_OUT_OF_MEMORY: c_int = 4;

/// Room for dlib's error messages (they are a line or two).
const ERR_LEN: usize = 512;

#[repr(C)]
struct FmMatcher {
    _opaque: [u8; 0],
}

/// `fm_rect`: a box with inclusive right and bottom, dlib's convention.
#[repr(C)]
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct FmRect {
    pub(crate) left: i64,
    pub(crate) top: i64,
    pub(crate) right: i64,
    pub(crate) bottom: i64,
    pub(crate) score: f64,
}

unsafe extern "C" {
    fn fm_load(
        shape_predictor_path: *const c_char,
        recognition_model_path: *const c_char,
        out: *mut *mut FmMatcher,
        err: *mut c_char,
        err_len: usize,
    ) -> c_int;

    fn fm_detect(
        m: *mut FmMatcher,
        rgb: *const u8,
        len: usize,
        width: u32,
        height: u32,
        stride: usize,
        upsample: u32,
        out: *mut FmRect,
        cap: usize,
        found: *mut usize,
        err: *mut c_char,
        err_len: usize,
    ) -> c_int;

    fn fm_descriptor(
        m: *mut FmMatcher,
        rgb: *const u8,
        len: usize,
        width: u32,
        height: u32,
        stride: usize,
        face: *const FmRect,
        out: *mut f32,
        out_len: usize,
        err: *mut c_char,
        err_len: usize,
    ) -> c_int;

    fn fm_free(m: *mut FmMatcher);
}

/// What went wrong in the shim: its code and dlib's message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ShimError {
    /// `FM_ERR_ARGUMENT`: the shim refused its arguments.
    Argument,
    /// `FM_ERR_MODEL`: a model file could not be read.
    Model(String),
    /// `FM_ERR_OUT_OF_MEMORY`.
    OutOfMemory,
    /// `FM_ERR_COMPUTE`, `FM_ERR_UNKNOWN` or an unknown code.
    Compute(String),
}

fn check(code: c_int, err: &[c_char; ERR_LEN]) -> Result<(), ShimError> {
    let message = || {
        // The shim always NUL-terminates within ERR_LEN; a zeroed buffer is an empty message.
        let bytes: Vec<u8> = err.iter().take_while(|&&c| c != 0).map(|&c| c as u8).collect();
        String::from_utf8_lossy(&bytes).into_owned()
    };
    match code {
        FM_OK => Ok(()),
        FM_ERR_ARGUMENT => Err(ShimError::Argument),
        FM_ERR_MODEL => Err(ShimError::Model(message())),
        FM_ERR_OUT_OF_MEMORY => Err(ShimError::OutOfMemory),
        FM_ERR_COMPUTE => Err(ShimError::Compute(message())),
        _ => Err(ShimError::Compute(message())),
    }
}

/// An owned `fm_matcher*`: dlib's detector, shape predictor and network.
///
/// Not `Sync`: dlib's detector and network keep scratch state in `&mut`-style calls, which is why
/// every method takes `&mut self`. `Send` is sound: the objects are plain heap data with no
/// thread affinity (no thread-locals, no thread-bound handles), so another thread may use and
/// free them as long as only one does at a time.
#[derive(Debug)]
pub(crate) struct Handle(NonNull<FmMatcher>);

// SAFETY: see the type's documentation; `&mut self` on every call serialises access.
unsafe impl Send for Handle {}

impl Handle {
    pub(crate) fn load(shape_predictor: &CStr, recognition_model: &CStr) -> Result<Self, ShimError> {
        let mut out: *mut FmMatcher = ptr::null_mut();
        let mut err = [0 as c_char; ERR_LEN];
        // SAFETY: both paths are NUL-terminated strings that outlive the call; `out` and `err`
        // are valid for writes of the sizes given.
        let code = unsafe {
            fm_load(shape_predictor.as_ptr(), recognition_model.as_ptr(), &mut out, err.as_mut_ptr(), ERR_LEN)
        };
        check(code, &err)?;
        NonNull::new(out).map(Handle).ok_or_else(|| ShimError::Compute("fm_load gave no handle".to_owned()))
    }

    /// All faces the HOG detector finds, in detector order (at most `cap`).
    pub(crate) fn detect(
        &mut self,
        image: RgbView<'_>,
        upsample: u32,
        cap: usize,
    ) -> Result<Vec<FmRect>, ShimError> {
        let mut out = vec![FmRect::default(); cap];
        let mut found = 0usize;
        let mut err = [0 as c_char; ERR_LEN];
        // SAFETY: the handle is live and used by this thread only (`&mut self`); the pixel slice
        // is valid for `len` bytes; `out` has room for `cap` rects; `found` and `err` are valid.
        let code = unsafe {
            fm_detect(
                self.0.as_ptr(),
                image.pixels().as_ptr(),
                image.pixels().len(),
                image.width(),
                image.height(),
                image.stride(),
                upsample,
                out.as_mut_ptr(),
                out.len(),
                &mut found,
                err.as_mut_ptr(),
                ERR_LEN,
            )
        };
        check(code, &err)?;
        out.truncate(found.min(cap));
        Ok(out)
    }

    pub(crate) fn descriptor(
        &mut self,
        image: RgbView<'_>,
        face: FmRect,
    ) -> Result<[f32; DESCRIPTOR_LEN], ShimError> {
        let mut out = [0f32; DESCRIPTOR_LEN];
        let mut err = [0 as c_char; ERR_LEN];
        // SAFETY: as in `detect`; `face` lives on the stack for the call; `out` holds
        // DESCRIPTOR_LEN floats.
        let code = unsafe {
            fm_descriptor(
                self.0.as_ptr(),
                image.pixels().as_ptr(),
                image.pixels().len(),
                image.width(),
                image.height(),
                image.stride(),
                &face,
                out.as_mut_ptr(),
                out.len(),
                err.as_mut_ptr(),
                ERR_LEN,
            )
        };
        check(code, &err)?;
        Ok(out)
    }
}

impl Drop for Handle {
    fn drop(&mut self) {
        // SAFETY: the pointer came from fm_load and is freed exactly once, here.
        unsafe { fm_free(self.0.as_ptr()) }
    }
}
