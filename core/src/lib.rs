#![doc = include_str!("../README.md")]

pub mod app;
pub mod clock;
pub mod id_number;
pub mod sensitive;

pub use id_number::{IdNumber, IdNumberError};

/// The version of this crate, shown in the app's "about" screen.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
