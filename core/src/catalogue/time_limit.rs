//! A service's time limits (法定办结时限, 承诺办结时限, GB/T 39046 Table 4 #15–#20). The standard
//! leaves the unit as free text; Shimin knows the units services use, and 即办 (handled on the
//! spot) as a limit of its own rather than "0 working days".

use std::fmt;

/// The unit a time limit counts in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TimeUnit {
    /// 工作日: working days (not counting official holidays; make-up working days count).
    WorkingDays,
    /// 自然日: calendar days.
    CalendarDays,
    /// 小时.
    Hours,
    /// 月.
    Months,
}

/// A time limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TimeLimit {
    /// 即办: decided on the spot.
    Immediate,
    /// Within `amount` units, at least one.
    Within {
        /// How many.
        amount: u16,
        /// Of what.
        unit: TimeUnit,
    },
}

/// A time limit that is not one: zero (use [`TimeLimit::Immediate`]) or longer than ten years.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("a time limit is at least one unit and at most ten years")]
pub struct TimeLimitError;

impl TimeLimit {
    /// A limit of `amount` `unit`s.
    ///
    /// # Errors
    /// [`TimeLimitError`] for zero, or for more than ten years in the unit.
    pub fn within(amount: u16, unit: TimeUnit) -> Result<Self, TimeLimitError> {
        let most = match unit {
            TimeUnit::WorkingDays => 2_500,
            TimeUnit::CalendarDays => 3_653,
            // Ten years of hours do not fit; all that fits is seven and a half.
            TimeUnit::Hours => u16::MAX,
            TimeUnit::Months => 120,
        };
        if amount == 0 || amount > most {
            Err(TimeLimitError)
        } else {
            Ok(TimeLimit::Within { amount, unit })
        }
    }

    /// Whether the limit is at most the other's when both count in the same unit (a promised
    /// limit must not exceed the statutory one); `None` when the units differ.
    pub fn at_most(self, other: TimeLimit) -> Option<bool> {
        match (self, other) {
            (TimeLimit::Immediate, _) => Some(true),
            (TimeLimit::Within { .. }, TimeLimit::Immediate) => Some(false),
            (TimeLimit::Within { amount: a, unit: u }, TimeLimit::Within { amount: b, unit: v }) => {
                (u == v).then_some(a <= b)
            }
        }
    }
}

impl fmt::Display for TimeLimit {
    /// The limit in Chinese, as a guide states it: 即办, 20 个工作日.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TimeLimit::Immediate => f.write_str("即办"),
            TimeLimit::Within { amount, unit } => {
                let unit = match unit {
                    TimeUnit::WorkingDays => "个工作日",
                    TimeUnit::CalendarDays => "日",
                    TimeUnit::Hours => "小时",
                    TimeUnit::Months => "个月",
                };
                write!(f, "{amount} {unit}")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_and_absurd_limits_are_refused_and_immediate_is_its_own_limit() {
        assert_eq!(TimeLimit::within(0, TimeUnit::WorkingDays), Err(TimeLimitError));
        assert_eq!(TimeLimit::within(121, TimeUnit::Months), Err(TimeLimitError));
        assert_eq!(TimeLimit::within(2_501, TimeUnit::WorkingDays), Err(TimeLimitError));
        let twenty = TimeLimit::within(20, TimeUnit::WorkingDays).expect("twenty working days");
        assert_eq!(twenty.to_string(), "20 个工作日");
        assert_eq!(TimeLimit::Immediate.to_string(), "即办");
        assert_eq!(TimeLimit::within(3, TimeUnit::Months).map(|l| l.to_string()), Ok("3 个月".to_owned()));
    }

    #[test]
    fn a_promised_limit_is_compared_with_the_statutory_one_only_in_the_same_unit() {
        let days = |n| TimeLimit::within(n, TimeUnit::WorkingDays).expect("a limit");
        assert_eq!(days(5).at_most(days(20)), Some(true));
        assert_eq!(days(20).at_most(days(20)), Some(true));
        assert_eq!(days(21).at_most(days(20)), Some(false));
        assert_eq!(TimeLimit::Immediate.at_most(days(1)), Some(true));
        assert_eq!(days(1).at_most(TimeLimit::Immediate), Some(false));
        let calendar = TimeLimit::within(5, TimeUnit::CalendarDays).expect("a limit");
        assert_eq!(days(5).at_most(calendar), None, "working and calendar days are not compared here");
    }
}
