//! The verifier's memory of the codes it accepted recently, so that a repeat is flagged.
//!
//! A presentation code stays acceptable for up to a minute ([`super::VerifierPolicy`]): long
//! enough for a screenshot to be passed back through a queue and shown at the same checkpoint
//! again. The verifier remembers each code it accepted by what the holder's device signed (its
//! key, the certificate, the disclosures and the signing time) — not by the text, which can be
//! re-encoded, nor by the signature bytes, which an ECDSA signature lets anyone vary — and a
//! second showing within the window is marked [`Reason::SeenBefore`]. An honest holder never
//! shows the same code twice: the app draws a new one every 30 s.

use std::collections::VecDeque;

use super::{Outcome, Reason, Verdict};

/// How many codes are remembered at most; the oldest are forgotten first. A checkpoint seeing a
/// code a second for a minute and a half remembers fewer than this.
pub const SEEN_CAPACITY: usize = 4_096;

/// How long a code is remembered, seconds: past this its signing time is outside the window
/// anyway (60 s old, 30 s ahead), so the verdict refuses it without the memory.
pub const SEEN_WINDOW_SECS: i64 = 90;

/// The codes accepted in the last [`SEEN_WINDOW_SECS`]. In memory only; nothing personal is
/// kept, only digests and times.
#[derive(Debug, Clone, Default)]
pub struct SeenPresentations {
    /// `(presentation key, first seen at)`, oldest first.
    entries: VecDeque<([u8; 32], i64)>,
}

impl SeenPresentations {
    /// An empty memory.
    pub fn new() -> Self {
        Self::default()
    }

    /// Checks `verdict` (made at `now`) against the memory: a code whose device signature
    /// verified and that is not already invalid is remembered the first time, and marked
    /// [`Reason::SeenBefore`] (amber) every later time within the window.
    pub fn check(&mut self, verdict: &mut Verdict, now: i64) {
        let cutoff = now.saturating_sub(SEEN_WINDOW_SECS);
        while self.entries.front().is_some_and(|(_, at)| *at < cutoff) {
            self.entries.pop_front();
        }
        let Some(key) = verdict.presentation_key else { return };
        if verdict.outcome == Outcome::Invalid {
            return;
        }
        if let Some((_, first_seen_at)) = self.entries.iter().find(|(k, _)| *k == key) {
            verdict.reasons.push(Reason::SeenBefore { first_seen_at: *first_seen_at });
            verdict.outcome = Verdict::outcome_of(&verdict.reasons);
            return;
        }
        if self.entries.len() >= SEEN_CAPACITY {
            self.entries.pop_front();
        }
        self.entries.push_back((key, now));
    }

    /// How many codes are remembered.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no code is remembered.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}
