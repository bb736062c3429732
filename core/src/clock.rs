//! Time comes in from outside: the core never reads the system clock itself.

/// Seconds since the Unix epoch, UTC.
pub type UnixSeconds = i64;

/// A source of the current time, supplied by the shell (system clock) or a test (fixed clock).
pub trait Clock: Send + Sync {
    /// The current time in seconds since the Unix epoch.
    fn now(&self) -> UnixSeconds;
}

/// A clock that always answers the same instant; for tests and for verifying "as of" a given time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FixedClock(pub UnixSeconds);

impl Clock for FixedClock {
    fn now(&self) -> UnixSeconds {
        self.0
    }
}
