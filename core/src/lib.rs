#![doc = include_str!("../README.md")]

pub mod application;
pub mod base45;
pub mod calendar;
pub mod card_state;
pub mod catalogue;
pub mod cert;
pub mod clock;
pub mod cose;
pub mod crypto;
pub mod dcc;
pub mod id_number;
pub mod liveness;
pub mod photo;
pub mod picture;
pub mod present;
pub mod qr;
pub mod records;
pub mod sensitive;
pub mod status_list;
pub mod sync;
pub mod trust;
pub mod verifier;
pub mod views;
pub mod wallet;
pub mod zlib;

pub use id_number::{IdNumber, IdNumberError};

/// The version of this crate, shown in the app's "about" screen.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
