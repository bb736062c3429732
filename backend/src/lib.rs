#![doc = include_str!("../README.md")]

pub mod liveness;
pub mod local;
pub mod seed;
pub mod server;
pub mod service;
pub mod store;

/// The wall clock, read once per request at the edge and passed inward.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}
