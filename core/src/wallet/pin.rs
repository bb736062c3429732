//! The one PIN rule, as the wallet's use cases apply it: [`Pin`] (from `wire`, so the screens
//! check the same rule before asking) is exactly six ASCII digits. A new PIN that is not one is
//! refused as such ([`WalletError::InvalidPin`]); a PIN offered to open the wallet that is not one
//! is simply a wrong PIN ([`WalletError::WrongPin`]) — it can never open a wallet, and the answer
//! must not tell an attacker more than a wrong PIN would.

pub use shimin_wire::wallet::{PIN_DIGITS, Pin, PinError};

use super::error::WalletError;

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
    Pin::parse(text).map_err(|_| WalletError::WrongPin)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pin_is_six_ascii_digits_and_a_malformed_one_never_opens_the_wallet() {
        assert_eq!(new_pin("123456").map(|p| p.as_str().to_owned()).ok().as_deref(), Some("123456"));
        for bad in ["12345", "1234567", "12345a", "", "１２３４５６", " 123456", "12 456"] {
            assert!(matches!(new_pin(bad), Err(WalletError::InvalidPin)), "{bad}");
            assert!(matches!(offered_pin(bad), Err(WalletError::WrongPin)), "{bad}");
        }
        assert_eq!(PIN_DIGITS, 6);
    }
}
