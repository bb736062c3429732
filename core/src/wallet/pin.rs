//! The one PIN rule, as the wallet's use cases apply it: [`Pin`] (from `wire`, so the screens
//! check the same rule before asking) is exactly six ASCII digits. A new PIN that is not one is
//! refused as such ([`WalletError::InvalidPin`]); a PIN offered to open the wallet that is not one
//! is simply a wrong PIN ([`WalletError::WrongPin`]) — it can never open a wallet, and the answer
//! must not tell an attacker more than a wrong PIN would.

pub use shimin_wire::wallet::{PIN_DIGITS, Pin, PinError};

use serde::{Deserialize, Serialize};

use super::error::WalletError;

/// Wrong PINs after which the wallet is erased from the device, by default. A six-digit PIN has
/// a million values: ten guesses find it with a chance of one in a hundred thousand.
pub const DEFAULT_WIPE_AFTER: u32 = 10;

/// Seconds to wait before the next PIN may be tried after `failures` wrong PINs in a row: the
/// first two cost nothing (a typo), then the wait grows to an hour. With the wipe after ten, a
/// person at the keyboard gets ten guesses in about three hours.
pub fn delay_after(failures: u32) -> i64 {
    match failures {
        0..=2 => 0,
        3 => 30,
        4 => 60,
        5 => 5 * 60,
        6 => 15 * 60,
        7 => 30 * 60,
        _ => 60 * 60,
    }
}

/// The wrong PINs offered in a row, kept by the shell outside the wallet (it is needed while the
/// wallet is locked) so that restarting the app does not reset them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PinAttempts {
    /// Wrong PINs since the last right one.
    pub failures: u32,
    /// When the last wrong PIN was offered, Unix seconds.
    pub last_failure_at: i64,
}

/// What the shell must do after a wrong PIN.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterWrongPin {
    /// Keep the new count and answer "wrong PIN".
    Count(PinAttempts),
    /// Erase the wallet from the device: the wrong PINs reached the limit.
    Wipe,
}

impl PinAttempts {
    /// Whether a PIN may be tried at `now`.
    ///
    /// # Errors
    /// [`WalletError::PinLockedOut`] with the time the next try is allowed, while the wait after
    /// the last wrong PIN runs. A clock set back does not shorten the wait.
    pub fn may_try(&self, now: i64) -> Result<(), WalletError> {
        let retry_at = self.last_failure_at.saturating_add(delay_after(self.failures));
        let clock_set_back = now < self.last_failure_at;
        if self.failures > 0 && (now < retry_at || clock_set_back) {
            Err(WalletError::PinLockedOut { retry_at: retry_at.max(now) })
        } else {
            Ok(())
        }
    }

    /// The count after a wrong PIN at `now`; [`AfterWrongPin::Wipe`] when it reaches
    /// `wipe_after` (the user's setting; `None`: never wipe).
    pub fn wrong_pin(self, now: i64, wipe_after: Option<u32>) -> AfterWrongPin {
        let failures = self.failures.saturating_add(1);
        if wipe_after.is_some_and(|limit| failures >= limit) {
            AfterWrongPin::Wipe
        } else {
            AfterWrongPin::Count(Self { failures, last_failure_at: now })
        }
    }

    /// How many more wrong PINs the wallet survives before `wipe_after` erases it (`None`: the
    /// wipe is off, there is no limit to tell).
    pub fn tries_left(self, wipe_after: Option<u32>) -> Option<u32> {
        wipe_after.map(|limit| limit.saturating_sub(self.failures))
    }
}

/// A PIN about to be set (a new wallet, a PIN change).
///
/// # Errors
/// [`WalletError::InvalidPin`] unless `text` is six ASCII digits.
pub fn new_pin(text: &str) -> Result<Pin, WalletError> {
    Pin::parse(text).map_err(|_| WalletError::InvalidPin)
}

/// A PIN offered to open the wallet (unlocking, the current PIN of a change).
///
/// # Errors
/// [`WalletError::WrongPin`] unless `text` is six ASCII digits.
pub fn offered_pin(text: &str) -> Result<Pin, WalletError> {
    Pin::parse(text).map_err(|_| WalletError::WrongPin { tries_left: None })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pin_is_six_ascii_digits_and_a_malformed_one_never_opens_the_wallet() {
        assert_eq!(new_pin("123456").map(|p| p.as_str().to_owned()).ok().as_deref(), Some("123456"));
        for bad in ["12345", "1234567", "12345a", "", "１２３４５６", " 123456", "12 456"] {
            assert!(matches!(new_pin(bad), Err(WalletError::InvalidPin)), "{bad}");
            assert!(matches!(offered_pin(bad), Err(WalletError::WrongPin { .. })), "{bad}");
        }
        assert_eq!(PIN_DIGITS, 6);
    }

    #[test]
    fn wrong_pins_make_the_wait_grow_and_the_tenth_wipes() {
        let mut attempts = PinAttempts::default();
        let mut now = 1_000;
        for n in 1..DEFAULT_WIPE_AFTER {
            assert!(attempts.may_try(now).is_ok(), "try {n}");
            attempts = match attempts.wrong_pin(now, Some(DEFAULT_WIPE_AFTER)) {
                AfterWrongPin::Count(a) => a,
                AfterWrongPin::Wipe => panic!("wiped after {n}"),
            };
            assert_eq!(attempts.tries_left(Some(DEFAULT_WIPE_AFTER)), Some(DEFAULT_WIPE_AFTER - n));
            assert_eq!(attempts.tries_left(None), None, "no wipe, no limit to tell");
            let wait = delay_after(n);
            if wait > 0 {
                assert!(matches!(attempts.may_try(now + wait - 1), Err(WalletError::PinLockedOut { .. })));
                assert!(attempts.may_try(now - 3_600).is_err(), "a clock set back does not help");
            }
            now += wait;
        }
        assert_eq!(attempts.wrong_pin(now, Some(DEFAULT_WIPE_AFTER)), AfterWrongPin::Wipe);
        assert!(matches!(attempts.wrong_pin(now, None), AfterWrongPin::Count(a) if a.failures == 10));
    }
}
