//! The materials a service asks for, and whether one the government already holds may stand for
//! a new copy: the four reuse classes of seed 002 (武汉 "材料复用").

/// How a material already given to the government may be used again (seed 002).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ReuseClass {
    /// (1) Reusable unconditionally: it does not change (a birth medical certificate).
    Unconditional,
    /// (2) Reusable where the service chooses to accept it, while it is valid (a hygiene
    /// licence).
    WithinValidity,
    /// (3) Reusable where the service chooses to accept it, without a time limit (a marriage
    /// certificate).
    WithoutLimit,
    /// (4) Never reused: made for this one application (its application form).
    Never,
}

impl ReuseClass {
    /// Every class, in the seed's order.
    pub const ALL: [ReuseClass; 4] =
        [ReuseClass::Unconditional, ReuseClass::WithinValidity, ReuseClass::WithoutLimit, ReuseClass::Never];

    /// The class's number in the seed, 1 to 4.
    pub fn number(self) -> u8 {
        match self {
            ReuseClass::Unconditional => 1,
            ReuseClass::WithinValidity => 2,
            ReuseClass::WithoutLimit => 3,
            ReuseClass::Never => 4,
        }
    }

    /// The class numbered `n` in the seed.
    pub fn from_number(n: u8) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.number() == n)
    }

    /// Whether a copy held from before may stand for this material at `now` (Unix seconds):
    /// `accepted` says whether the service accepts held copies of this material (the two
    /// selective classes need it), `valid_until` when the held copy stops being valid (`None`: it
    /// states no end; a class-2 material without an end is not taken on trust).
    pub fn reusable(self, accepted: bool, valid_until: Option<i64>, now: i64) -> bool {
        match self {
            ReuseClass::Unconditional => true,
            ReuseClass::WithinValidity => accepted && valid_until.is_some_and(|end| now <= end),
            ReuseClass::WithoutLimit => accepted,
            ReuseClass::Never => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_780_000_000;

    #[test]
    fn the_four_classes_are_numbered_as_in_the_seed() {
        for c in ReuseClass::ALL {
            assert_eq!(ReuseClass::from_number(c.number()), Some(c));
        }
        assert_eq!(ReuseClass::ALL.map(ReuseClass::number), [1, 2, 3, 4]);
        assert_eq!(ReuseClass::from_number(0), None);
        assert_eq!(ReuseClass::from_number(5), None);
    }

    #[test]
    fn each_class_decides_reuse_by_its_own_rule() {
        use ReuseClass::*;
        // (1) whatever the service or the date says.
        assert!(Unconditional.reusable(false, None, NOW));
        assert!(Unconditional.reusable(false, Some(NOW - 1), NOW));
        // (2) accepted and still valid; the last valid second counts.
        assert!(WithinValidity.reusable(true, Some(NOW), NOW));
        assert!(!WithinValidity.reusable(true, Some(NOW - 1), NOW), "expired");
        assert!(!WithinValidity.reusable(false, Some(NOW + 86_400), NOW), "not accepted by the service");
        assert!(!WithinValidity.reusable(true, None, NOW), "no end date stated");
        // (3) accepted, at any date.
        assert!(WithoutLimit.reusable(true, Some(NOW - 10 * 365 * 86_400), NOW));
        assert!(!WithoutLimit.reusable(false, None, NOW));
        // (4) never.
        assert!(!Never.reusable(true, None, NOW));
        assert!(!Never.reusable(true, Some(NOW + 1), NOW));
    }
}
