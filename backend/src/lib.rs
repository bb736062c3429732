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

/// The wall clock in milliseconds (liveness deadlines are finer than seconds).
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}
