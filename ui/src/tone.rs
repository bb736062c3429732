//! The tones of the one status pill (`components/pill.rs`): what a state means, not its colour,
//! so that every screen says "valid", "pending" or "refused" the same way.

/// What a pill says about its state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    /// Good: valid, confirmed, this device.
    Ok,
    /// Needs attention soon: expiring, waiting for an answer.
    Warn,
    /// Not valid: revoked, cancelled, declined.
    Bad,
    /// Over, without fault: expired, replaced.
    Neutral,
    /// Not known now: not checked offline.
    Info,
}

impl Tone {
    /// The pill's classes.
    pub fn class(self) -> &'static str {
        match self {
            Tone::Ok => "pill pill-ok",
            Tone::Warn => "pill pill-warn",
            Tone::Bad => "pill pill-bad",
            Tone::Neutral => "pill pill-neutral",
            Tone::Info => "pill pill-info",
        }
    }
}
