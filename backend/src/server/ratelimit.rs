//! In-memory token buckets for the routes an attacker would hammer: staff logins, enrolment,
//! device sign-in. In-memory is enough for one server process; behind several processes a shared
//! limiter (or the load balancer's) would take its place.
//!
//! Buckets are kept per route class, so spending one class's budget (guessing staff passwords)
//! does not block another (a citizen's phone signing in from the same network), and per key
//! within a class: the source address — an IPv4 address, or the /64 of an IPv6 address, since one
//! subscriber is usually given a whole /64 and could otherwise rotate through 2^64 addresses —
//! and the account asked for (a device, an ID number), so that an attacker spreading requests
//! over many addresses still meets the account's budget.
//!
//! The buckets live in a fixed table of slots, each behind its own small lock, indexed by a
//! keyed hash of (class, key) with a key random per process: a look-up is O(1), memory is
//! bounded, and nothing ever sweeps the table under one lock. Two keys that land in the same
//! slot share its bucket while it is in use (both are limited sooner, never later); an idle
//! slot, whose bucket has filled up again, is taken over by the next key. The hash key is
//! secret, so an attacker cannot aim at a victim's slot.

use std::hash::BuildHasher;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::Instant;

/// Slots in a limiter's table.
const SLOTS: usize = 1 << 14;

/// The classes of rate-limited routes; each has budgets of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RouteClass {
    /// Staff logins.
    Login,
    /// Registering a device: by enrolment code, or by a liveness check.
    Enrolment,
    /// A device's challenge and token.
    DeviceAuth,
    /// The public catalogue (listing, guides, the changes feed) and the working-day calendar: no
    /// account, a budget of its own far above the sign-in classes' (a citizen searching as they
    /// type), per source.
    PublicCatalogue,
}

/// What a bucket is kept for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LimitKey<'a> {
    /// A source address, cut to what one client holds (see [`source_prefix`]).
    Source(IpAddr),
    /// An account: a device id, an ID number, a login.
    Account(&'a str),
}

/// The part of an address that one client holds: an IPv4 address whole (an IPv4-mapped IPv6
/// address as the IPv4 address), the first 64 bits of an IPv6 address.
pub fn source_prefix(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(v4) => IpAddr::V4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let s = v6.segments();
                IpAddr::V6(std::net::Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        },
    }
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    /// The keyed hash of the (class, key) the slot is held for.
    owner: u64,
    tokens: f64,
    at: Instant,
}

/// A bucket's size and refill rate.
#[derive(Debug, Clone, Copy)]
struct Budget {
    burst: f64,
    per_second: f64,
}

impl Budget {
    fn new(burst: u32, per_minute: u32) -> Self {
        Self { burst: f64::from(burst), per_second: f64::from(per_minute) / 60.0 }
    }
}

/// Buckets of `burst` tokens refilled at `per_second`, per route class and key.
#[derive(Debug)]
pub struct RateLimiter {
    /// The sign-in classes' budget.
    auth: Budget,
    /// The public catalogue's budget.
    public: Budget,
    hasher: std::collections::hash_map::RandomState,
    slots: Box<[Mutex<Option<Bucket>>]>,
}

impl RateLimiter {
    /// A limiter allowing bursts of `burst` requests and `per_minute` requests a minute after,
    /// for each class and key (the public catalogue's class too, until
    /// [`RateLimiter::with_public_budget`] gives it its own).
    pub fn new(burst: u32, per_minute: u32) -> Self {
        Self {
            auth: Budget::new(burst, per_minute),
            public: Budget::new(burst, per_minute),
            hasher: std::collections::hash_map::RandomState::new(),
            slots: (0..SLOTS).map(|_| Mutex::new(None)).collect(),
        }
    }

    /// The same limiter with bursts of `burst` and `per_minute` a minute for the public catalogue.
    pub fn with_public_budget(mut self, burst: u32, per_minute: u32) -> Self {
        self.public = Budget::new(burst, per_minute);
        self
    }

    /// Takes one token of `class` for `key` at `now`; `false` when its bucket is empty.
    pub fn allow(&self, class: RouteClass, key: LimitKey<'_>, now: Instant) -> bool {
        let budget = match class {
            RouteClass::PublicCatalogue => self.public,
            RouteClass::Login | RouteClass::Enrolment | RouteClass::DeviceAuth => self.auth,
        };
        let key = match key {
            LimitKey::Source(ip) => LimitKey::Source(source_prefix(ip)),
            account => account,
        };
        let owner = self.hasher.hash_one((class, key));
        // The modulo of a u64 by a usize table length fits in usize.
        let index = usize::try_from(owner % SLOTS as u64).unwrap_or_default();
        let Some(slot) = self.slots.get(index) else { return false };
        let Ok(mut slot) = slot.lock() else { return false };
        let refilled = |b: &Bucket| {
            (b.tokens + now.duration_since(b.at).as_secs_f64() * budget.per_second).min(budget.burst)
        };
        // Empty, or another key's that is idle and full again: the slot is this key's now.
        let take_over = slot.as_ref().is_none_or(|b| b.owner != owner && refilled(b) >= budget.burst);
        if take_over {
            *slot = Some(Bucket { owner, tokens: budget.burst, at: now });
        }
        let Some(bucket) = slot.as_mut() else { return false };
        let tokens = refilled(bucket);
        bucket.at = now;
        if tokens >= 1.0 {
            bucket.tokens = tokens - 1.0;
            true
        } else {
            bucket.tokens = tokens;
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn a_burst_is_allowed_then_refused_then_refilled() {
        let limiter = RateLimiter::new(3, 60);
        let ip = LimitKey::Source([127, 0, 0, 1].into());
        let other = LimitKey::Source([127, 0, 0, 2].into());
        let t0 = Instant::now();
        assert!((0..3).all(|_| limiter.allow(RouteClass::Login, ip, t0)));
        assert!(!limiter.allow(RouteClass::Login, ip, t0));
        assert!(limiter.allow(RouteClass::Login, other, t0), "buckets are per address");
        assert!(limiter.allow(RouteClass::DeviceAuth, ip, t0), "and per route class");
        assert!(limiter.allow(RouteClass::Login, ip, t0 + Duration::from_secs(1)), "one token a second");
        assert!(!limiter.allow(RouteClass::Login, ip, t0 + Duration::from_secs(1)));
    }

    #[test]
    fn the_public_catalogue_has_a_budget_of_its_own() {
        let limiter = RateLimiter::new(1, 1).with_public_budget(5, 60);
        let ip = LimitKey::Source([127, 0, 0, 1].into());
        let t0 = Instant::now();
        assert!(limiter.allow(RouteClass::Login, ip, t0));
        assert!(!limiter.allow(RouteClass::Login, ip, t0));
        assert!(
            (0..5).all(|_| limiter.allow(RouteClass::PublicCatalogue, ip, t0)),
            "five searches in a burst"
        );
        assert!(!limiter.allow(RouteClass::PublicCatalogue, ip, t0), "and no sixth");
    }

    #[test]
    fn the_addresses_of_one_ipv6_64_share_a_bucket() {
        let limiter = RateLimiter::new(2, 1);
        let t0 = Instant::now();
        let ip = |text: &str| LimitKey::Source(text.parse().expect("address"));
        assert!(limiter.allow(RouteClass::Login, ip("2001:db8:1:2::1"), t0));
        assert!(limiter.allow(RouteClass::Login, ip("2001:db8:1:2:ffff:1:2:3"), t0));
        assert!(!limiter.allow(RouteClass::Login, ip("2001:db8:1:2:abcd::9"), t0), "same /64");
        assert!(limiter.allow(RouteClass::Login, ip("2001:db8:1:3::1"), t0), "another /64");
        assert!(limiter.allow(RouteClass::Login, ip("::ffff:192.0.2.1"), t0));
        assert!(limiter.allow(RouteClass::Login, ip("192.0.2.1"), t0));
        assert!(!limiter.allow(RouteClass::Login, ip("::ffff:192.0.2.1"), t0), "mapped IPv4 is IPv4");
    }

    #[test]
    fn accounts_have_budgets_whatever_the_address() {
        let limiter = RateLimiter::new(2, 1);
        let t0 = Instant::now();
        assert!(limiter.allow(RouteClass::DeviceAuth, LimitKey::Account("7"), t0));
        assert!(limiter.allow(RouteClass::DeviceAuth, LimitKey::Account("7"), t0));
        assert!(!limiter.allow(RouteClass::DeviceAuth, LimitKey::Account("7"), t0));
        assert!(limiter.allow(RouteClass::DeviceAuth, LimitKey::Account("8"), t0));
    }

    #[test]
    fn many_keys_never_grow_the_table_and_an_active_key_stays_limited() {
        let limiter = RateLimiter::new(1, 1);
        let t0 = Instant::now();
        let victim = LimitKey::Account("the one being guessed");
        assert!(limiter.allow(RouteClass::Login, victim, t0));
        // Far more keys than slots: the table stays the same size, and the spent bucket is
        // not reset by the flood (a colliding key shares it rather than taking it over).
        for n in 0..(4 * SLOTS) {
            let _ = limiter.allow(RouteClass::Login, LimitKey::Account(&n.to_string()), t0);
        }
        assert_eq!(limiter.slots.len(), SLOTS);
        assert!(!limiter.allow(RouteClass::Login, victim, t0));
    }
}
