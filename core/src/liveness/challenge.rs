//! The challenge the server issues, and what the session tells the user and reports at the end.

use std::fmt;

use super::actions::Action;
use crate::crypto::{self, CryptoError};

/// Fewest actions in a challenge.
pub const MIN_ACTIONS: usize = 3;
/// Most actions in a challenge (each action at most once).
pub const MAX_ACTIONS: usize = 4;
/// Shortest nonce accepted (128 bits: unguessable, so evidence cannot be prepared in advance).
pub const MIN_NONCE_LEN: usize = 16;
/// Longest nonce accepted.
pub const MAX_NONCE_LEN: usize = 64;
/// Shortest time limit accepted: calibration plus four actions take a cooperative user 5–15 s.
pub const MIN_TIME_LIMIT_MS: u64 = 5_000;
/// Longest time limit accepted; it also bounds the trace a session keeps.
pub const MAX_TIME_LIMIT_MS: u64 = 120_000;

/// Why a challenge is not acceptable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ChallengeError {
    /// The nonce is shorter than [`MIN_NONCE_LEN`] or longer than [`MAX_NONCE_LEN`].
    #[error("the nonce must be {MIN_NONCE_LEN}–{MAX_NONCE_LEN} bytes, not {0}")]
    NonceLength(usize),
    /// Fewer than [`MIN_ACTIONS`] or more than [`MAX_ACTIONS`] actions.
    #[error("a challenge has {MIN_ACTIONS}–{MAX_ACTIONS} actions, not {0}")]
    ActionCount(usize),
    /// An action appears twice.
    #[error("the action {0} appears twice")]
    RepeatedAction(&'static str),
    /// The time limit is outside [`MIN_TIME_LIMIT_MS`]..=[`MAX_TIME_LIMIT_MS`].
    #[error("the time limit of {0} ms is out of range")]
    TimeLimit(u64),
    /// No randomness for a random challenge.
    #[error("no randomness: {0}")]
    Random(CryptoError),
}

/// What the server asks for: a one-time nonce, the actions in the order to do them, and how long
/// the whole check may take from the first frame.
#[derive(Clone, PartialEq, Eq)]
pub struct Challenge {
    nonce: Vec<u8>,
    actions: Vec<Action>,
    time_limit_ms: u64,
}

impl fmt::Debug for Challenge {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Challenge")
            .field("nonce_len", &self.nonce.len())
            .field("actions", &self.actions)
            .field("time_limit_ms", &self.time_limit_ms)
            .finish()
    }
}

impl Challenge {
    /// A challenge as received from the server.
    ///
    /// # Errors
    /// [`ChallengeError`] for a nonce, action list or time limit out of range.
    pub fn new(nonce: Vec<u8>, actions: Vec<Action>, time_limit_ms: u64) -> Result<Self, ChallengeError> {
        if !(MIN_NONCE_LEN..=MAX_NONCE_LEN).contains(&nonce.len()) {
            return Err(ChallengeError::NonceLength(nonce.len()));
        }
        if !(MIN_ACTIONS..=MAX_ACTIONS).contains(&actions.len()) {
            return Err(ChallengeError::ActionCount(actions.len()));
        }
        for (i, a) in actions.iter().enumerate() {
            if actions.iter().skip(i + 1).any(|b| b == a) {
                return Err(ChallengeError::RepeatedAction(a.as_str()));
            }
        }
        if !(MIN_TIME_LIMIT_MS..=MAX_TIME_LIMIT_MS).contains(&time_limit_ms) {
            return Err(ChallengeError::TimeLimit(time_limit_ms));
        }
        Ok(Self { nonce, actions, time_limit_ms })
    }

    /// A fresh challenge with a random 16-byte nonce and `count` distinct actions in a random
    /// order (for the server, and for demos).
    ///
    /// # Errors
    /// As [`Challenge::new`], and [`ChallengeError::Random`] without randomness.
    pub fn random(count: usize, time_limit_ms: u64) -> Result<Self, ChallengeError> {
        Self::random_from(&Action::ALL, count, time_limit_ms)
    }

    /// A fresh challenge with a random 16-byte nonce and `count` distinct actions of `pool` in a
    /// random order: a server that leaves out an action (say, head shakes for citizens who
    /// cannot turn their head) picks from the rest. Repeats in `pool` count once.
    ///
    /// # Errors
    /// As [`Challenge::new`] (too few distinct actions in `pool` for `count` is
    /// [`ChallengeError::ActionCount`]), and [`ChallengeError::Random`] without randomness.
    pub fn random_from(pool: &[Action], count: usize, time_limit_ms: u64) -> Result<Self, ChallengeError> {
        let nonce = crypto::random_bytes::<MIN_NONCE_LEN>().map_err(ChallengeError::Random)?.to_vec();
        let mut actions: Vec<Action> = Vec::with_capacity(pool.len());
        for a in pool {
            if !actions.contains(a) {
                actions.push(*a);
            }
        }
        if actions.len() < count {
            return Err(ChallengeError::ActionCount(actions.len()));
        }
        // Fisher–Yates with rejection sampling, so every order is equally likely.
        for i in (1..actions.len()).rev() {
            let bound = i as u32 + 1;
            let zone = u32::MAX - u32::MAX % bound;
            let j = loop {
                let r = u32::from_le_bytes(crypto::random_bytes::<4>().map_err(ChallengeError::Random)?);
                if r < zone {
                    break (r % bound) as usize;
                }
            };
            actions.swap(i, j);
        }
        actions.truncate(count);
        Self::new(nonce, actions, time_limit_ms)
    }

    /// The server's nonce.
    pub fn nonce(&self) -> &[u8] {
        &self.nonce
    }

    /// The actions, in the order they must be done.
    pub fn actions(&self) -> &[Action] {
        &self.actions
    }

    /// The time allowed from the first frame, in milliseconds.
    pub fn time_limit_ms(&self) -> u64 {
        self.time_limit_ms
    }
}

/// How far the user is: `done` of `total` actions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    /// Actions completed.
    pub done: usize,
    /// Actions in the challenge.
    pub total: usize,
}

/// Why a session failed. Shown to the user (translated) and sent to the server; no personal data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, thiserror::Error)]
pub enum FailureReason {
    /// The time limit passed before every action was done.
    #[error("the time limit passed")]
    Timeout,
    /// Another requested or unrequested action came before the expected one.
    #[error("expected {}, but {} came first", .expected.as_str(), .got.as_str())]
    WrongAction {
        /// The action asked for.
        expected: Action,
        /// The action done instead.
        got: Action,
    },
    /// The face left the frame for too long.
    #[error("the face was lost for too long")]
    FaceLost,
    /// The face jumped or its proportions changed: possibly another person.
    #[error("the face changed during the check")]
    FaceChanged,
    /// Several faces were in the frame while acting.
    #[error("more than one face in the frame")]
    SeveralFaces,
    /// The frames stopped before the check finished.
    #[error("the camera stopped before the check finished")]
    StreamEnded,
    /// A frame's timestamp is earlier than the previous one's.
    #[error("frame timestamps went backwards")]
    TimeWentBack,
}

impl FailureReason {
    /// A stable key for the UI's translation tables and the server.
    pub fn as_str(self) -> &'static str {
        match self {
            FailureReason::Timeout => "timeout",
            FailureReason::WrongAction { .. } => "wrong_action",
            FailureReason::FaceLost => "face_lost",
            FailureReason::FaceChanged => "face_changed",
            FailureReason::SeveralFaces => "several_faces",
            FailureReason::StreamEnded => "stream_ended",
            FailureReason::TimeWentBack => "time_went_back",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn challenges_are_validated() {
        let nonce = vec![7u8; 16];
        let three = vec![Action::Nod, Action::Blink, Action::ShakeHead];
        assert!(Challenge::new(nonce.clone(), three.clone(), 30_000).is_ok());
        assert_eq!(Challenge::new(vec![1; 8], three.clone(), 30_000), Err(ChallengeError::NonceLength(8)));
        assert_eq!(
            Challenge::new(nonce.clone(), vec![Action::Nod, Action::Blink], 30_000),
            Err(ChallengeError::ActionCount(2))
        );
        assert_eq!(
            Challenge::new(nonce.clone(), vec![Action::Nod, Action::Blink, Action::Nod], 30_000),
            Err(ChallengeError::RepeatedAction("nod"))
        );
        assert_eq!(Challenge::new(nonce.clone(), three.clone(), 100), Err(ChallengeError::TimeLimit(100)));
        let printed = format!("{:?}", Challenge::new(nonce, three, 30_000).expect("ok"));
        assert!(!printed.contains("7, 7"), "{printed}");
    }

    #[test]
    fn random_challenges_are_distinct_actions_with_fresh_nonces() {
        let a = Challenge::random(4, 30_000).expect("random");
        let b = Challenge::random(3, 30_000).expect("random");
        assert_eq!(a.actions().len(), 4);
        assert_eq!(b.actions().len(), 3);
        assert_ne!(a.nonce(), b.nonce());
        let mut sorted = a.actions().to_vec();
        sorted.sort();
        assert_eq!(sorted, Action::ALL.to_vec());
    }

    #[test]
    fn random_challenges_from_a_pool_use_only_its_actions_in_every_order() {
        let pool = [Action::Blink, Action::MouthOpen, Action::Nod, Action::Nod];
        let mut orders = std::collections::HashSet::new();
        for _ in 0..200 {
            let c = Challenge::random_from(&pool, 3, 30_000).expect("random");
            assert!(c.actions().iter().all(|a| pool.contains(a)), "{:?}", c.actions());
            orders.insert(c.actions().to_vec());
        }
        // 3! orders of three actions; 200 draws miss one with probability < 1e-35.
        assert_eq!(orders.len(), 6);
        assert_eq!(Challenge::random_from(&pool, 4, 30_000), Err(ChallengeError::ActionCount(3)));
    }
}
