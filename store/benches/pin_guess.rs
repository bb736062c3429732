//! The offline cost of one PIN guess: what someone who copied `wallet.db` pays per PIN tried
//! against the PIN-wrapped data key (PBKDF2-HMAC-SHA256 at the wallet's iteration count, then
//! one AES-256-GCM open). Run: `cargo bench -p shimin-store --bench pin_guess`.
//!
//! A six-digit PIN has 10^6 values; the figure times 10^6 / cores is what exhausting them
//! costs on one machine.

#![allow(clippy::expect_used, clippy::print_stdout)] // A measuring binary.

use std::time::Instant;

use shimin_store::{DataKey, KeyWrapper, PinWrapper};

fn main() {
    let data_key = DataKey::generate().expect("data key");
    let wrapped = PinWrapper::new("246810").expect("wrapper").wrap(&data_key).expect("wrap");
    let guesses: u32 = 20;
    let started = Instant::now();
    for n in 0..guesses {
        // Each guess derives its own key, as an attacker's must.
        let guess = PinWrapper::new(&format!("{:06}", 100_000 + n)).expect("guess");
        assert!(guess.unwrap(&wrapped).is_err(), "a wrong PIN does not open the key");
    }
    let per_guess = started.elapsed() / guesses;
    let all = per_guess * 1_000_000;
    println!(
        "PBKDF2-HMAC-SHA256 × {} per guess: {:.1} ms per guess on one core; all 10^6 PINs: {:.1} core-hours",
        shimin_store::keys::DEFAULT_PIN_ITERATIONS,
        per_guess.as_secs_f64() * 1e3,
        all.as_secs_f64() / 3_600.0
    );
}
